//! The Windows build, run as a Windows user runs it: the MinGW `fedaws.exe` under Wine
//! (`scripts/wine-run`), in a Wine prefix of its own, against moto. Its accounts are kept in
//! the Windows Credential Manager (which Wine implements), its config under `%APPDATA%`, and the
//! commands it prints for other programs are run as Windows runs them (`cmd /c`).
//!
//! `scripts/test` builds the `.exe` and names it in `FEDAWS_TEST_WINDOWS_EXE`; without it this
//! test fails and says how to build it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::sts_server::TestServer;
use crate::support::env::{KeyPair, stderr, stdout, unique};

/// One Wine prefix, with fedaws.exe run in it.
struct Windows {
    exe: PathBuf,
    prefix: tempfile::TempDir,
}

impl Windows {
    fn new() -> Windows {
        let exe = std::env::var_os("FEDAWS_TEST_WINDOWS_EXE")
            .map(PathBuf::from)
            .expect(
                "FEDAWS_TEST_WINDOWS_EXE names no fedaws.exe: build it with `cargo build --target x86_64-pc-windows-gnu` and set it, or run scripts/test",
            );
        assert!(exe.is_file(), "{} is not a file", exe.display());
        Windows {
            exe,
            prefix: tempfile::tempdir().expect("a directory for the Wine prefix"),
        }
    }

    /// `program args…` under Wine, `stdin` its input.
    fn run(&self, program: &str, args: &[&str], stdin: &str) -> Output {
        let mut command = Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/wine-run"));
        command
            .arg(program)
            .args(args)
            .env("WINEPREFIX", self.prefix.path())
            .env("WINEDEBUG", "-all")
            .env_remove("FEDAWS_CONFIG")
            .env_remove("FEDAWS_KEYRING")
            .env_remove("FEDAWS_BROKER")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for var in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
        ] {
            command.env_remove(var);
        }
        let mut child = command.spawn().expect("run scripts/wine-run");
        {
            use std::io::Write;
            let mut input = child.stdin.take().expect("stdin");
            input.write_all(stdin.as_bytes()).expect("write stdin");
        }
        child.wait_with_output().expect("wait for wine")
    }

    /// `fedaws.exe args…`, which must succeed.
    fn fedaws(&self, args: &[&str]) -> Output {
        self.fedaws_with(args, "")
    }

    fn fedaws_with(&self, args: &[&str], stdin: &str) -> Output {
        let exe = self.exe.to_str().expect("a UTF-8 path");
        let out = self.run(exe, args, stdin);
        assert!(
            out.status.success(),
            "fedaws {}: exit {:?}\n{}{}",
            args.join(" "),
            out.status.code(),
            stdout(&out),
            stderr(&out)
        );
        out
    }

    /// The Windows user's profile directory, as a path on this side.
    fn profile(&self) -> PathBuf {
        let user = crate::sts_fixture::os_user();
        self.prefix.path().join("drive_c/users").join(user)
    }
}

/// The output with Windows line ends made Unix ones.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\n")
}

#[test]
fn the_windows_build_keeps_accounts_in_the_credential_manager_and_issues_through_sts() {
    let windows = Windows::new();
    let sts = TestServer::moto_recorder();
    let keys = KeyPair::new();
    let account = unique("win");

    // The config goes where Windows keeps a user's settings, and names the Windows store.
    windows.fedaws(&["init", "--region", "us-east-1", "--no-input"]);
    let config = windows.profile().join("AppData/Roaming/fedaws/config.toml");
    let text_of_config = std::fs::read_to_string(&config).expect("the config under %APPDATA%");
    assert!(
        text_of_config.contains("# keyring = \"windows\""),
        "{text_of_config}"
    );
    std::fs::write(
        &config,
        text_of_config.replace(
            "# sts_endpoint = ",
            &format!("sts_endpoint = \"{}\"\n# sts_endpoint = ", sts.url()),
        ),
    )
    .unwrap();
    // check says which rules cannot apply here.
    let checked = windows.fedaws(&["check"]);
    assert!(
        text(&checked.stdout).contains("file permissions: not checked on Windows"),
        "{}{}",
        stdout(&checked),
        stderr(&checked)
    );

    // Accounts in the Credential Manager: added, listed, shown; never in a file.
    let added = windows.fedaws_with(
        &["account", "add", &account, "--secret-stdin"],
        &keys.stdin(),
    );
    assert!(
        stderr(&added).contains("in the windows store"),
        "{}",
        stderr(&added)
    );
    let listed = windows.fedaws(&["account", "list", "--json"]);
    assert!(stdout(&listed).contains(&account), "{}", stdout(&listed));
    let shown = windows.fedaws(&["account", "show", &account, "--json"]);
    assert!(
        stdout(&shown).contains(&keys.masked_id())
            && !stdout(&shown).contains(&keys.secret_access_key),
        "{}",
        stdout(&shown)
    );

    // A connector, and credentials from it in every format.
    windows.fedaws(&[
        "connector",
        "add",
        "fed",
        "--account",
        &account,
        "--principal",
        "federated-user",
        "--no-input",
    ]);
    let json = windows.fedaws(&["creds", "fed", "--format", "json"]);
    let issued: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(issued["Version"], 1);
    let key_id = issued["AccessKeyId"]
        .as_str()
        .expect("AccessKeyId")
        .to_string();
    assert!(
        stderr(&json).is_empty(),
        "the first creds said: {}",
        stderr(&json)
    );
    assert_eq!(sts.count(), 1, "one call to STS");
    assert_eq!(sts.only().action(), "GetFederationToken");
    for format in [
        "env",
        "fish",
        "powershell",
        "dotenv",
        "ini",
        "table",
        "json",
    ] {
        let out = windows.fedaws(&["creds", "fed", "--format", format]);
        assert!(
            text(&out.stdout).contains(&key_id),
            "{format}: {}",
            text(&out.stdout)
        );
        assert!(
            out.stderr.is_empty(),
            "{format} from the cache said: {}",
            stderr(&out)
        );
    }
    assert_eq!(sts.count(), 1, "every later creds came from the cache");
    // The audit log is where Windows keeps a user's local state.
    let audit = windows.profile().join("AppData/Local/fedaws/audit.jsonl");
    let log = std::fs::read_to_string(&audit).expect("the audit log under %LOCALAPPDATA%");
    assert!(
        log.contains("\"issued\"") && log.contains("\"cached\""),
        "{log}"
    );

    // exec: a Windows child (cmd /c) sees the credentials.
    let exec = windows.fedaws(&[
        "exec",
        "fed",
        "--",
        "cmd",
        "/c",
        "echo",
        "key=%AWS_ACCESS_KEY_ID% connector=%FEDAWS_CONNECTOR%",
    ]);
    assert!(
        text(&exec.stdout).contains(&format!("key={key_id} connector=fed")),
        "{}{}",
        stdout(&exec),
        stderr(&exec)
    );

    // aws-profile: the credential_process line, run as the SDKs run it on Windows (cmd /c) and
    // split as the AWS CLI splits it there, gives the credentials.
    windows.fedaws(&["aws-profile", "add", "fed", "--profile", "win"]);
    let aws_config = std::fs::read_to_string(windows.profile().join(".aws/config"))
        .expect("the profile in %USERPROFILE%\\.aws\\config");
    let line = aws_config
        .lines()
        .find_map(|l| l.strip_prefix("credential_process = "))
        .unwrap_or_else(|| panic!("no credential_process line in:\n{aws_config}"))
        .to_string();
    assert!(line.ends_with("creds fed --format json"), "{line}");
    let by_cmd = windows.run("cmd", &["/c", &line], "");
    let answer: serde_json::Value = serde_json::from_slice(&by_cmd.stdout)
        .unwrap_or_else(|e| panic!("cmd /c {line}: {e}\n{}{}", stdout(&by_cmd), stderr(&by_cmd)));
    assert_eq!(answer["AccessKeyId"], key_id.as_str());
    let split = Command::new("python3")
        .args([
            "-c",
            "import json, sys; from botocore.compat import compat_shell_split; print(json.dumps(compat_shell_split(sys.argv[1], platform='win32')))",
            &line,
        ])
        .output()
        .expect("run python3 with botocore");
    assert!(split.status.success(), "{}", stderr(&split));
    let words: Vec<String> = serde_json::from_slice(&split.stdout).expect("the words as JSON");
    let program = words[0].replace('\\', "/");
    let program = program.strip_prefix("Z:").unwrap_or(&program);
    assert_eq!(Path::new(program), windows.exe.as_path(), "{words:?}");
    let rest: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    let by_cli = windows.fedaws(&rest);
    let answer: serde_json::Value = serde_json::from_slice(&by_cli.stdout).expect("JSON");
    assert_eq!(answer["AccessKeyId"], key_id.as_str());
    assert_eq!(sts.count(), 1, "the profile's command used the cache too");

    // Who the caller is, and their groups, come from Windows (the process's token): a
    // connector granted to a group the user is in (of two words, as many Windows groups are)
    // serves them, one granted to another group does not.
    let whoami: serde_json::Value =
        serde_json::from_slice(&windows.fedaws(&["whoami", "--json"]).stdout).expect("JSON");
    assert_eq!(whoami["user"], crate::sts_fixture::os_user().as_str());
    assert!(
        whoami["os_groups"]
            .as_array()
            .is_some_and(|g| g.iter().any(|g| g == "Users")),
        "{whoami}"
    );
    let granted = std::fs::read_to_string(&config).unwrap().replace(
        &format!("admins = [\"{}\"]", crate::sts_fixture::os_user()),
        "admins = []",
    );
    std::fs::write(
        &config,
        format!(
            "{granted}\n[connectors.users]\naccount = \"{account}\"\nprincipal = \"federated-user\"\ngroups = [\"Authenticated Users\"]\n\n[connectors.others]\naccount = \"{account}\"\nprincipal = \"federated-user\"\ngroups = [\"Backup Operators\"]\n"
        ),
    )
    .unwrap();
    windows.fedaws(&["creds", "users", "--format", "json"]);
    let refused = windows.run(
        windows.exe.to_str().unwrap(),
        &["creds", "others", "--format", "json"],
        "",
    );
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(refused.stdout.is_empty());
    std::fs::write(&config, &granted).unwrap();

    // There is no broker on Windows, and it says so at once.
    let exe = windows.exe.to_str().unwrap();
    for args in [
        &["broker", "run"][..],
        &["--broker", r"C:\broker.sock", "creds", "fed"][..],
    ] {
        let out = windows.run(exe, args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("needs Unix domain sockets"),
            "{args:?}: {}",
            stderr(&out)
        );
    }

    // The account goes, with its connector first.
    windows.fedaws(&["connector", "remove", "fed"]);
    windows.fedaws(&["account", "remove", &account]);
    let listed = windows.fedaws(&["account", "list", "--json"]);
    assert!(!stdout(&listed).contains(&account), "{}", stdout(&listed));

    // Nothing on this side of the prefix holds the secret in clear.
    let mut found = Vec::new();
    let mut dirs = vec![windows.prefix.path().join("drive_c/users")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|b| crate::support::env::contains(&b, keys.secret_access_key.as_bytes()))
            {
                found.push(path);
            }
        }
    }
    assert!(found.is_empty(), "the secret key in clear in {found:?}");
}
