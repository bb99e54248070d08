//! What a hostile value or a hostile session can no longer do: an `mfa_process` that hangs or
//! whose text is a secret, a session keyring that does not link the user keyring, a path or an
//! STS answer that smuggles a line into a file the AWS CLI runs, a description that repaints the
//! terminal, an edit that changes a file's mode or breaks its link. Each test drives the real
//! binary against moto or a scripted STS, and looks at what it left behind.

use std::os::unix::fs::MetadataExt;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Store, chmod, contains, mode, stderr, stdout};
use crate::sts_fixture::{Broker, MOTO_ACCOUNT};
use crate::sts_server::{
    FAKE_SECRET, FAKE_SESSION_TOKEN, TestServer, get_session_token_with, in_an_hour, scripted_raw,
    sts_error,
};

const SERIAL: &str = "arn:aws:iam::123456789012:mfa/hardening";

const SESS: &str = "[connectors.sess]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n";

/// Set `mfa_process` (and more lines) on the broker's account, by hand as a user would.
fn set_account_lines(broker: &Broker, lines: &str) {
    let config = broker.env.config();
    let header = format!("[accounts.{}]\n", broker.account);
    assert!(config.contains(&header), "no {header} in:\n{config}");
    broker
        .env
        .write_config(&config.replacen(&header, &format!("{header}{lines}\n"), 1));
}

/// Whether a process is gone (or a zombie nobody has reaped yet).
fn gone(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.is_empty() || stat.contains(") Z ")
}

/// Every process's argv, as `ps` shows it to every user.
fn all_argvs() -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("read /proc").flatten() {
        if let Ok(bytes) = std::fs::read(entry.path().join("cmdline")) {
            out.push(String::from_utf8_lossy(&bytes).replace('\0', " "));
        }
    }
    out
}

#[test]
fn mfa_process_is_stopped_at_its_timeout_and_never_shown() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &["--mfa-serial", SERIAL], SESS);
    broker.set_settings("mfa_process_timeout = \"1s\"\n");
    // The text may hold a TOTP seed: it must not appear in any argv, message or audit line.
    set_account_lines(
        &broker,
        "mfa_process = \"sleep 37; : SEED-JBSWY3DPEHPK3PXP\"",
    );
    let started = Instant::now();
    let child = broker
        .env
        .std_command(&["creds", "sess", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start fedaws");
    // Look while it runs: the command is there, its text is in no argv.
    let argvs = loop {
        let argvs = all_argvs();
        if argvs.iter().any(|a| a.starts_with("sleep 37")) {
            break argvs;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the mfa_process did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        !argvs.iter().any(|a| a.contains("SEED-JBSWY3DPEHPK3PXP")),
        "the mfa_process text is in an argv every user can read"
    );
    let out = child.wait_with_output().expect("wait for fedaws");
    broker.record("creds (mfa timeout)", &out);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "the mfa_process of account `{}` did not finish within 1 s",
            broker.account
        )),
        "{err}"
    );
    assert!(!err.contains("SEED"), "the command text was printed: {err}");
    assert!(
        !all_argvs().iter().any(|a| a.starts_with("sleep 37")),
        "the mfa_process outlived its timeout"
    );
    let audit =
        std::fs::read_to_string(broker.env.root().join("state/fedaws/audit.jsonl")).unwrap();
    assert!(audit.contains("mfa_process"), "no failure audited: {audit}");
    assert!(!audit.contains("SEED"), "the command text was audited");
    assert_eq!(sts.count(), 0);
    broker.finish(&[&sts]);
}

#[test]
fn mfa_process_stderr_only_with_verbose_and_its_exit_code_always() {
    let broker = Broker::new(None, &["--mfa-serial", SERIAL], SESS);
    set_account_lines(
        &broker,
        "mfa_process = \"printf 'from-%s\\\\n' its-stderr >&2; exit 3\"",
    );
    let out = broker.run(&["creds", "sess", "--format", "json"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "the mfa_process of account `{}` exited 3",
            broker.account
        )),
        "{err}"
    );
    assert!(
        !err.contains("from-its-stderr"),
        "stderr shown without -v: {err}"
    );
    assert!(!err.contains("printf"), "the command was printed: {err}");
    let out = broker.run(&["-v", "creds", "sess", "--format", "json"]);
    let err = stderr(&out);
    assert!(
        err.contains("from-its-stderr"),
        "-v does not show its stderr: {err}"
    );
    assert!(!err.contains("printf"), "the command was printed: {err}");
    broker.finish(&[]);
}

#[test]
fn mfa_process_dies_with_fedaws() {
    let broker = Broker::new(None, &["--mfa-serial", SERIAL], SESS);
    let pidfile = broker.env.root().join("mfa.pid");
    set_account_lines(
        &broker,
        &format!(
            "mfa_process = \"sleep 300 & echo $! > {}; wait\"",
            pidfile.display()
        ),
    );
    let mut child = broker
        .env
        .std_command(&["creds", "sess", "--format", "json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fedaws");
    let started = Instant::now();
    let pid = loop {
        if let Ok(text) = std::fs::read_to_string(&pidfile)
            && let Ok(pid) = text.trim().parse::<u32>()
        {
            break pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the mfa_process did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!gone(pid), "the mfa_process's child is not running");
    child.kill().expect("kill fedaws");
    child.wait().expect("reap fedaws");
    let killed = Instant::now();
    while !gone(pid) {
        assert!(
            killed.elapsed() < Duration::from_secs(5),
            "the mfa_process's child {pid} outlived fedaws (SIGKILL)"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    broker.finish(&[]);
}

/// `keyctl ARGS…`, failing with a hint when keyutils is missing.
fn keyctl(args: &[&str]) -> Output {
    Command::new("keyctl")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run keyctl ({e}): install keyutils"))
}

/// `PREFIX… fedaws ARGS…` in the broker's environment: fedaws under `keyctl session -` or
/// `unshare -Ur`, as systemd services, cron jobs and containers run it.
fn wrapped(broker: &Broker, prefix: &[&str], args: &[&str], stdin: &str) -> Output {
    let mut cmd = broker.env_command(prefix[0]);
    cmd.args(&prefix[1..])
        .arg(env!("CARGO_BIN_EXE_fedaws"))
        .args(args);
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(60))
        .write_stdin(stdin.to_string())
        .output()
        .expect("run fedaws");
    broker.record(&args.join(" "), &out);
    out
}

#[test]
fn the_kernel_keyring_works_in_a_session_that_does_not_link_the_user_keyring() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], SESS);
    let session = ["keyctl", "session", "-"];
    let account = format!("{}-b", broker.account);
    let _guard = crate::common::AccountGuard::new(Store::Keyutils, &account);
    let keys = crate::common::KeyPair::new();
    let out = wrapped(
        &broker,
        &session,
        &["account", "add", &account, "--secret-stdin"],
        &keys.stdin(),
    );
    assert!(out.status.success(), "account add: {}", stderr(&out));
    keys.assert_stored_as(
        &Store::Keyutils
            .lookup(&account)
            .expect("the key pair in @u"),
    );
    // The key is the uid's, with every permission for it, so any later session can use it.
    let id = stdout(&keyctl(&[
        "search",
        "@u",
        "user",
        &format!("fedaws:account:{account}"),
    ]));
    let described = stdout(&keyctl(&["rdescribe", id.trim()]));
    let perms = described.split(';').nth(3).unwrap_or_default();
    assert_eq!(
        u32::from_str_radix(perms, 16).unwrap_or(0) & 0x003f_0000,
        0x003f_0000,
        "the key lacks user permissions: {described}"
    );

    let config = broker.env.config();
    broker.env.write_config(&config.replace(
        &format!("account = \"{}\"", broker.account),
        &format!("account = \"{account}\""),
    ));
    for expected in ["issued", "cached"] {
        let out = wrapped(
            &broker,
            &session,
            &["creds", "sess", "--format", "json"],
            "",
        );
        assert!(out.status.success(), "creds ({expected}): {}", stderr(&out));
        assert!(
            !stderr(&out).contains("could not cache"),
            "creds ({expected}) could not cache: {}",
            stderr(&out)
        );
        let audit =
            std::fs::read_to_string(broker.env.root().join("state/fedaws/audit.jsonl")).unwrap();
        let last = audit.lines().last().unwrap_or_default().to_string();
        assert!(
            last.contains(&format!("\"outcome\":\"{expected}\"")),
            "{last}"
        );
    }
    assert_eq!(sts.count(), 1, "the second call was not a cache hit");
    // Removing it (and the connector using it) from such a session leaves nothing behind.
    let out = wrapped(
        &broker,
        &session,
        &["account", "remove", &account, "--force"],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(Store::Keyutils.lookup(&account), None);
    broker.finish(&[&sts]);
}

#[test]
fn a_cache_entry_that_cannot_be_read_is_a_miss_not_a_failure() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], SESS);
    broker.ok(&["creds", "sess", "--format", "json"]);
    // Take the read permission away from this test's entry (0.1 left entries a session that
    // does not possess the user keyring could find but not read), then ask from such a session.
    let config = broker
        .env
        .config_path()
        .canonicalize()
        .expect("canonical config");
    let shown = stdout(&keyctl(&["show", "@u"]));
    let entry: Vec<String> = shown
        .lines()
        .filter(|l| l.contains("fedaws-cache:creds:sess:"))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|id| stdout(&keyctl(&["print", id])).contains(&config.display().to_string()))
        .map(str::to_string)
        .collect();
    assert_eq!(
        entry.len(),
        1,
        "not one cache entry of this test in @u:\n{shown}"
    );
    for id in &entry {
        let out = keyctl(&["setperm", id, "0x3f090000"]);
        assert!(out.status.success(), "setperm: {}", stderr(&out));
    }
    let out = wrapped(
        &broker,
        &["keyctl", "session", "-"],
        &["creds", "sess", "--format", "json"],
        "",
    );
    assert!(
        out.status.success(),
        "an unreadable cache entry failed the call: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("warning"),
        "no warning about the unreadable entry: {}",
        stderr(&out)
    );
    assert_eq!(
        sts.count(),
        2,
        "the unreadable entry was not treated as a miss"
    );
    for id in &entry {
        let _ = keyctl(&["unlink", id, "@u"]);
    }
    broker.finish(&[&sts]);
}

#[test]
fn the_kernel_keyring_works_for_a_user_in_a_fresh_user_namespace_and_session() {
    // An unprivileged user in a user namespace of its own (a fresh user keyring, as in rootless
    // containers), in a session keyring that does not link it (as systemd services run). Inside,
    // the user is root, and the files of users outside the namespace (`/`, `/tmp`) show up as
    // `nobody`.
    let sts = TestServer::moto_recorder();
    let user = crate::users::User::create("ns", &[]);
    user.env.write_config(&format!(
        "[settings]\nkeyring = \"keyutils\"\nregion = \"us-east-1\"\nsts_endpoint = \"{}\"\nadmins = [\"root\"]\n",
        sts.url()
    ));
    user.own_tree();
    let account = crate::common::unique("ns");
    let script = format!(
        "set -e\n\"$1\" account add {account} --secret-stdin\n\"$1\" connector add ns --account {account} --principal iam-user\n\"$1\" creds ns --format json\n\"$1\" creds ns --format json >/dev/null\nkeyctl show @u\n"
    );
    let template = user.env.std_command(&[]);
    let mut cmd = user.command("unshare");
    cmd.args(["-Ur", "keyctl", "session", "-", "sh", "-c", &script, "sh"])
        .arg(env!("CARGO_BIN_EXE_fedaws"))
        .env_clear()
        .current_dir(user.env.root());
    for (k, v) in template.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(60))
        .write_stdin(user.keys.stdin())
        .output()
        .expect("run unshare");
    assert!(
        !contains(&out.stderr, user.keys.secret_access_key.as_bytes()),
        "the secret reached stderr"
    );
    assert!(
        out.status.success(),
        "under unshare -Ur + keyctl session -: {}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains(&format!("fedaws:account:{account}")),
        "the key pair is not in the namespace's user keyring:\n{}",
        stdout(&out)
    );
    assert!(
        !stderr(&out).contains("could not cache"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        sts.count(),
        1,
        "the second call in the namespace was not a hit"
    );
    for secret in sts.issued_secrets() {
        assert!(
            !contains(&out.stderr, secret.as_bytes()),
            "an issued secret reached stderr"
        );
    }
}

#[test]
fn aws_profile_writes_no_control_character() {
    let broker = Broker::new(None, &[], SESS);
    // A config whose path holds a carriage return and a whole profile section.
    let evil = broker
        .env
        .root()
        .join("x\r[profile prod]\rcredential_process = touch pwned\r");
    std::fs::create_dir_all(&evil).expect("mkdir");
    let config = evil.join("config.toml");
    std::fs::copy(broker.env.config_path(), &config).expect("copy the config");
    let aws_config = broker.env.root().join("aws-config");
    let out = broker.run_with(
        &["aws-profile", "add", "sess", "--profile", "dev"],
        &[
            ("FEDAWS_CONFIG", &config.display().to_string()),
            ("AWS_CONFIG_FILE", &aws_config.display().to_string()),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("control character U+000D"),
        "{}",
        stderr(&out)
    );
    assert!(!aws_config.exists(), "a config was written");
    for bad in ["dev\u{1b}[2J", "dev\u{7f}"] {
        let out = broker.run_with(
            &["aws-profile", "add", "sess", "--profile", bad],
            &[("AWS_CONFIG_FILE", &aws_config.display().to_string())],
        );
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(!aws_config.exists(), "{bad:?} was written");
    }
    broker.finish(&[]);
}

#[test]
fn aws_profile_keeps_the_users_lines_and_removes_only_its_own_form() {
    let broker = Broker::new(None, &[], SESS);
    let aws_config = broker.env.root().join("aws-config");
    let env = [("AWS_CONFIG_FILE", aws_config.to_str().expect("UTF-8 path"))];
    broker.ok_with(&["aws-profile", "add", "sess", "--profile", "dev"], &env);
    // The user adds lines to the profile fedaws wrote, including a nested block.
    let written = std::fs::read_to_string(&aws_config).expect("read");
    let with_mine = written.replace(
        "[profile dev]\n",
        "[profile dev]\noutput = table\ncli_pager =\ns3 =\n  max_concurrent_requests = 20\n  region = nested\n",
    );
    std::fs::write(&aws_config, &with_mine).expect("write");
    broker.ok_with(
        &[
            "aws-profile",
            "add",
            "sess",
            "--profile",
            "dev",
            "--region",
            "eu-west-1",
        ],
        &env,
    );
    let again = std::fs::read_to_string(&aws_config).expect("read");
    for line in [
        "output = table\n",
        "cli_pager =\n",
        "s3 =\n  max_concurrent_requests = 20\n  region = nested\n",
        "region = eu-west-1\n",
    ] {
        assert!(again.contains(line), "{line:?} is gone:\n{again}");
    }
    assert_eq!(again.matches("credential_process").count(), 1, "{again}");

    // A profile that merely mentions fedaws is not fedaws's to remove.
    let foreign = format!(
        "{again}\n[profile tee]\ncredential_process = sh -c \"{} creds sess --format json | tee /tmp/log\"\n",
        env!("CARGO_BIN_EXE_fedaws")
    );
    std::fs::write(&aws_config, &foreign).expect("write");
    let out = broker.run_with(&["aws-profile", "remove", "tee"], &env);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("was not written by fedaws"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&aws_config).expect("read"), foreign);
    broker.ok_with(&["aws-profile", "remove", "dev"], &env);
    let left = std::fs::read_to_string(&aws_config).expect("read");
    assert!(!left.contains("[profile dev]"), "{left}");
    assert!(left.contains("[profile tee]"), "{left}");
    broker.finish(&[]);
}

/// A scripted STS that answers every GetSessionToken with these credentials.
fn answering(id: &str, secret: &str, token: &str, expiration: &str) -> TestServer {
    TestServer::scripted(vec![(
        200,
        get_session_token_with(id, secret, token, expiration),
    )])
}

#[test]
fn malformed_sts_answers_are_refused_before_anything_is_printed() {
    let broker = Broker::new(None, &[], SESS);
    let hour = in_an_hour();
    let cases = [
        (
            answering(
                "ASIAFAKEFAKEFAKE0001&#13;[prod]&#13;credential_process = touch pwned",
                FAKE_SECRET,
                FAKE_SESSION_TOKEN,
                &hour,
            ),
            "access key id",
        ),
        (
            answering(
                "ASIAFAKEFAKEFAKE0001",
                "secret&#10;region = evil",
                FAKE_SESSION_TOKEN,
                &hour,
            ),
            "secret access key",
        ),
        (
            answering(
                "ASIAFAKEFAKEFAKE0001",
                FAKE_SECRET,
                "token'$(touch pwned)'",
                &hour,
            ),
            "session token",
        ),
        (
            answering(
                "ASIAFAKEFAKEFAKE0001",
                FAKE_SECRET,
                FAKE_SESSION_TOKEN,
                "2020-01-01T00:00:00Z",
            ),
            "expired",
        ),
        (
            answering(
                "ASIAFAKEFAKEFAKE0001",
                FAKE_SECRET,
                FAKE_SESSION_TOKEN,
                "2099-01-01T00:00:00Z",
            ),
            "later than",
        ),
    ];
    for (sts, what) in &cases {
        for format in ["ini", "env", "json"] {
            let out = broker.run_with(
                &["creds", "sess", "--format", format, "--no-cache"],
                &[("AWS_ENDPOINT_URL_STS", sts.url())],
            );
            assert_eq!(out.status.code(), Some(5), "{what}: {}", stderr(&out));
            assert!(out.stdout.is_empty(), "{what}: printed {}", stdout(&out));
            let err = stderr(&out);
            assert!(
                err.contains("STS answered with malformed credentials") && err.contains(what),
                "{what}: {err}"
            );
            assert!(
                !err.contains("touch pwned") && !err.contains("evil"),
                "{err}"
            );
        }
    }
    assert!(
        !broker.env.root().join("pwned").exists(),
        "something ran a smuggled command"
    );
    broker.finish(&[]);
}

#[test]
fn an_endpoint_that_is_not_sts_is_named_so() {
    let broker = Broker::new(None, &[], SESS);
    let page = "<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>";
    for (status, reason) in [(404, "Not Found"), (200, "OK")] {
        let sts = scripted_raw(
            format!(
                "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            )
            .into_bytes(),
        );
        let out = broker.run_with(
            &["creds", "sess", "--format", "json"],
            &[("AWS_ENDPOINT_URL_STS", sts.url())],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(6), "HTTP {status}: {err}");
        assert!(
            err.contains("is not an STS endpoint") && err.contains(&format!("HTTP {status}")),
            "HTTP {status}: {err}"
        );
        assert!(err.contains(sts.url()), "{err}");
        assert!(!err.contains("Unknown"), "{err}");
    }
    broker.finish(&[]);
}

#[test]
fn control_characters_from_configs_and_sts_never_reach_the_terminal_raw() {
    let broker = Broker::new(None, &[], SESS);
    // A description written by hand with an escape sequence and a fake line.
    let config = broker.env.config();
    broker.env.write_config(&config.replacen(
        "[connectors.sess]\n",
        "[connectors.sess]\ndescription = \"ok\\u001b[2J\\u001b]0;pwned\\u0007\\nfedaws: all good\"\n",
        1,
    ));
    for args in [vec!["connector", "list"], vec!["connector", "show", "sess"]] {
        let out = broker.run(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(!contains(&out.stdout, b"\x1b"), "{args:?} printed ESC");
        assert!(!contains(&out.stdout, b"\x07"), "{args:?} printed BEL");
        assert!(
            !stdout(&out)
                .lines()
                .any(|l| l.trim_start().starts_with("fedaws: all good")),
            "{args:?} let a description fake a line:\n{}",
            stdout(&out)
        );
    }
    let out = broker.run(&["connector", "show", "sess", "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        value["description"]
            .as_str()
            .is_some_and(|d| d.contains('\u{1b}')),
        "JSON keeps the value as it is: {value}"
    );

    // An STS error message with an escape sequence and a fake line.
    let sts = TestServer::scripted(vec![(
        403,
        sts_error("AccessDenied", "denied&#155;2J&#13;&#10;fedaws: all good"),
    )]);
    let out = broker.run_with(
        &["creds", "sess", "--format", "json"],
        &[("AWS_ENDPOINT_URL_STS", sts.url())],
    );
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains(['\u{9b}', '\r']),
        "stderr holds a raw CSI or carriage return: {:?}",
        stderr(&out)
    );
    assert!(
        !stderr(&out)
            .lines()
            .any(|l| l.starts_with("fedaws: all good")),
        "an STS message faked a line:\n{}",
        stderr(&out)
    );

    // The audit table shows what the log holds, escaped.
    let audit = broker.env.root().join("state/fedaws/audit.jsonl");
    let mut log = std::fs::read_to_string(&audit).expect("the audit log");
    log.push_str("{\"time\":\"2026-01-01T00:00:00Z\",\"user\":\"x\\u001b[31m\\nfedaws: all good\",\"uid\":1,\"system\":false,\"connector\":\"c\",\"outcome\":\"denied\"}\n");
    std::fs::write(&audit, log).expect("write the audit log");
    let out = broker.run(&["audit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!contains(&out.stdout, b"\x1b"), "audit printed ESC");
    assert!(
        !stdout(&out)
            .lines()
            .any(|l| l.trim_start().starts_with("fedaws: all good")),
        "{}",
        stdout(&out)
    );
    broker.finish(&[]);
}

#[test]
fn edits_keep_the_files_mode_and_owner_and_its_link() {
    let broker = Broker::new(None, &[], SESS);
    let config = broker.env.config_path();
    chmod(&config, 0o644);
    broker.ok(&["group", "add", "devs", "--member", "carol"]);
    assert_eq!(mode(&config), 0o644, "group add changed the config's mode");
    let me = std::fs::metadata(broker.env.root()).expect("stat").uid();
    assert_eq!(
        std::fs::metadata(&config).expect("stat").uid(),
        me,
        "group add changed the owner"
    );
    chmod(&config, 0o640);
    broker.ok(&["group", "add-member", "devs", "dave"]);
    assert_eq!(mode(&config), 0o640);

    // A config kept in a dotfiles repository, linked into place.
    let dotfiles = broker.env.root().join("dotfiles");
    std::fs::create_dir(&dotfiles).expect("mkdir");
    let real = dotfiles.join("fedaws.toml");
    std::fs::rename(&config, &real).expect("move the config");
    std::os::unix::fs::symlink("../../dotfiles/fedaws.toml", &config).expect("symlink");
    broker.ok(&["group", "add", "ops", "--member", "erin"]);
    assert!(
        std::fs::symlink_metadata(&config)
            .expect("lstat")
            .file_type()
            .is_symlink(),
        "the link was replaced by a file"
    );
    let text = std::fs::read_to_string(&real).expect("read the target");
    assert!(text.contains("ops = [\"erin\"]"), "{text}");
    assert_eq!(mode(&real), 0o640);

    // ~/.aws/config too.
    let aws_real = dotfiles.join("aws-config");
    std::fs::write(&aws_real, "[default]\nregion = eu-west-1\n").expect("write");
    chmod(&aws_real, 0o644);
    let aws_link = broker.env.home().join("aws-config-link");
    std::os::unix::fs::symlink(&aws_real, &aws_link).expect("symlink");
    broker.ok_with(
        &["aws-profile", "add", "sess"],
        &[("AWS_CONFIG_FILE", aws_link.to_str().expect("UTF-8"))],
    );
    assert!(
        std::fs::symlink_metadata(&aws_link)
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
    assert_eq!(mode(&aws_real), 0o644);
    assert!(
        std::fs::read_to_string(&aws_real)
            .expect("read")
            .contains("[profile sess]")
    );
    std::fs::remove_file(&config).expect("rm the link");
    std::fs::rename(&real, &config).expect("move back");
    broker.finish(&[]);
}

#[test]
fn a_policy_file_link_pointed_elsewhere_is_a_new_policy() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        "[connectors.fed]\naccount = \"{account}\"\nprincipal = \"federated-user\"\npolicy_file = \"policy.json\"\n",
    );
    let dir = broker
        .env
        .config_path()
        .parent()
        .expect("dir")
        .to_path_buf();
    let policy = |action: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
        )
    };
    std::fs::write(dir.join("a.json"), policy("s3:ListBucket")).expect("write");
    std::fs::write(dir.join("b.json"), policy("ec2:DescribeInstances")).expect("write");
    std::os::unix::fs::symlink("a.json", dir.join("policy.json")).expect("symlink");
    broker.ok(&["creds", "fed", "--format", "json"]);
    broker.ok(&["creds", "fed", "--format", "json"]);
    assert_eq!(sts.count(), 1, "the second call was not a hit");
    // Point the link at the other file: neither file changed, but the policy did.
    std::fs::remove_file(dir.join("policy.json")).expect("rm");
    std::os::unix::fs::symlink("b.json", dir.join("policy.json")).expect("symlink");
    broker.ok(&["creds", "fed", "--format", "json"]);
    assert_eq!(sts.count(), 2, "credentials for the old policy were served");
    let sent = sts.requests().last().expect("a request").param("Policy");
    assert!(
        sent.as_deref()
            .is_some_and(|p| p.contains("ec2:DescribeInstances")),
        "{sent:?}"
    );
    broker.finish(&[&sts]);
}

#[test]
fn verbose_shows_the_decision_path_and_no_secret() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], SESS);
    let out = broker.run(&["-v", "creds", "sess", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for wanted in [
        "fedaws: config ",
        "no cache hit before reading the config: no entry",
        "allowed as administrator",
        "cache store keyutils",
        "calling GetSessionToken at ",
        "STS answered in ",
        "request id ",
    ] {
        assert!(err.contains(wanted), "-v lacks {wanted:?}:\n{err}");
    }
    assert!(!err.contains("cache slot"), "-v shows -vv detail:\n{err}");
    let out = broker.run(&["-vv", "creds", "sess", "--format", "json"]);
    let err = stderr(&out);
    assert!(err.contains("cache slot creds:sess:"), "{err}");
    assert!(err.contains("cache hit in the kernel keyring"), "{err}");
    let out = broker.run(&["creds", "sess", "--format", "json"]);
    assert!(out.stderr.is_empty(), "without -v: {}", stderr(&out));
    broker.finish(&[&sts]);
}

#[test]
fn the_audit_reader_skips_damaged_lines_and_says_how_many() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], SESS);
    broker.ok(&["creds", "sess", "--format", "json"]);
    let audit = broker.env.root().join("state/fedaws/audit.jsonl");
    let mut bytes = std::fs::read(&audit).expect("read");
    bytes.extend_from_slice(b"\xff\xfe not UTF-8\n{\"half\": \nnot json at all\n");
    std::fs::write(&audit, &bytes).expect("write");
    broker.ok(&["creds", "sess", "--format", "json"]);
    let out = broker.run(&["audit", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    assert!(stderr(&out).contains("skipped 3 lines"), "{}", stderr(&out));
    broker.finish(&[&sts]);
}

#[test]
fn policy_check_never_echoes_a_file_that_is_not_json() {
    let broker = Broker::new(None, &[], SESS);
    let credentials = broker.env.root().join("credentials");
    std::fs::write(
        &credentials,
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    )
    .expect("write");
    let out = broker.run(&["policy", "check", credentials.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("line 1 column"), "{err}");
    for secret in ["wJalr", "AKIA", "aws_access", "[defa"] {
        assert!(
            !err.contains(secret),
            "policy check echoed {secret:?}: {err}"
        );
    }
    broker.finish(&[]);
}

#[test]
fn serve_in_the_background_of_an_eval_returns_at_once() {
    let broker = Broker::new(
        Some(crate::sts_server::moto_url()),
        &[],
        &format!(
            "[connectors.serve-eval]\naccount = \"{{account}}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::{MOTO_ACCOUNT}:role/EvalRole\"\n"
        ),
    );
    // The form the README gives: the two variables are set and the shell goes on while the
    // server runs in a session of its own.
    let mut cmd = broker.env_command("sh");
    cmd.arg("-c")
        .arg("eval \"$(setsid -f \"$1\" serve serve-eval 2>/dev/null)\"; printf '%s\\n' \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_fedaws"));
    let started = Instant::now();
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(30))
        .output()
        .expect("run sh");
    let uri = stdout(&out).trim().to_string();
    // Stop the background server before anything can fail.
    let port = uri
        .strip_prefix("http://127.0.0.1:")
        .and_then(|r| r.strip_suffix('/'))
        .unwrap_or_default()
        .to_string();
    if !port.is_empty() {
        let _ = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "for p in /proc/[0-9]*; do if {{ tr '\\0' ' ' < $p/cmdline; }} 2>/dev/null | grep -q '^{} serve serve-eval '; then kill ${{p#/proc/}}; fi; done",
                env!("CARGO_BIN_EXE_fedaws")
            ))
            .status();
    }
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "eval waited {:?} for the server",
        started.elapsed()
    );
    assert!(
        uri.starts_with("http://127.0.0.1:"),
        "no URI exported: {uri:?}"
    );
    broker.finish(&[]);
}

#[test]
fn the_programs_fedaws_starts_get_the_limits_it_was_started_with() {
    // fedaws sets its own core limit to 0, and a credential server raises its open-files limit;
    // neither is the business of the user's programs. Several runs, since a raise on another
    // thread would show only now and then.
    let broker = Broker::new(
        Some(crate::sts_server::moto_url()),
        &[],
        &format!(
            "[connectors.c]\naccount = \"{{account}}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::{MOTO_ACCOUNT}:role/LimitsRole\"\n"
        ),
    );
    for server in [false, true] {
        for _ in 0..4 {
            let mut args = vec!["exec"];
            if server {
                args.push("--server");
            }
            args.extend(["c", "--", "cat", "/proc/self/limits"]);
            let mut cmd = broker.env_command("prlimit");
            cmd.args(["--nofile=1024:8192", "--core=4096:unlimited", "--"])
                .arg(env!("CARGO_BIN_EXE_fedaws"))
                .args(&args);
            let out = assert_cmd::Command::from_std(cmd)
                .timeout(Duration::from_secs(60))
                .output()
                .expect("run prlimit");
            broker.record(&args.join(" "), &out);
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
            let limits = stdout(&out);
            let soft = |name: &str| {
                limits
                    .lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l[name.len()..].split_whitespace().next())
                    .unwrap_or_else(|| panic!("no {name} in:\n{limits}"))
                    .to_string()
            };
            assert_eq!(soft("Max open files"), "1024", "{args:?}:\n{limits}");
            assert_eq!(soft("Max core file size"), "4096", "{args:?}:\n{limits}");
        }
    }
    broker.finish(&[]);
}

#[test]
fn a_broken_mfa_process_line_is_located_not_quoted() {
    // A typo on the line that holds a TOTP seed: the error says where, never what.
    let broker = Broker::new(None, &[], SESS);
    let good = broker.env.config();
    set_account_lines(
        &broker,
        "mfa_process = \"oathtool --totp -b JBSWY3DPEHPK3PXP",
    );
    for args in [vec!["creds", "sess", "--format", "json"], vec!["check"]] {
        let out = broker.run(&args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(text.contains("line "), "{args:?}: {text}");
        assert!(
            !text.contains("JBSWY3DPEHPK3PXP"),
            "{args:?} quoted the seed: {text}"
        );
    }
    let audit = std::fs::read_to_string(broker.env.root().join("state/fedaws/audit.jsonl"))
        .unwrap_or_default();
    assert!(!audit.contains("JBSWY3DPEHPK3PXP"), "the seed was audited");
    broker.env.write_config(&good);
    broker.finish(&[]);
}
