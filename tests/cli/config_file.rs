//! The config file as people see it: `init`, edits that keep what they wrote, files that do not
//! parse, and many writers at once.

use crate::common::{AccountGuard, KeyPair, Store, TestEnv, stderr, stdout, unique};

#[test]
fn init_writes_a_config_that_check_accepts_and_never_overwrites_it() {
    let env = TestEnv::new();
    env.fedaws(&["init"]).assert().success();
    let written = env.config_bytes();
    assert!(!written.is_empty(), "init wrote an empty file");

    let out = env
        .fedaws(&["check"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        stdout(&out).contains("no problems"),
        "check did not accept the starter config:\n{}",
        stdout(&out)
    );

    let out = env
        .fedaws(&["init", "--region", "eu-west-1"])
        .assert()
        .failure()
        .get_output()
        .clone();
    assert!(
        stderr(&out).contains("already exists"),
        "a second init does not say why it refused:\n{}",
        stderr(&out)
    );
    assert_eq!(
        env.config_bytes(),
        written,
        "a second init changed the file"
    );
}

/// A config written by hand, with comments everywhere people put them.
const HAND_WRITTEN: &str = r#"# fedaws config, written by hand
# second header line

[settings]
region = "eu-central-1" # home region
admins = ["alice"]  # the admins

# ---- accounts ----
[accounts.deployer] # the CI user
description = "CI deployer" # who uses it

# ---- connectors ----
[connectors.readonly]
account = "deployer" # signs the call
principal = "federated-user"
max_duration = "12h" # half a day
description = "read only" # shown in lists

# ---- groups ----
[groups]
developers = ["carol"] # the devs
# trailing comment
"#;

#[test]
fn comments_survive_connector_add_edit_and_group_add_member() {
    let env = TestEnv::with_config(HAND_WRITTEN);
    env.fedaws(&[
        "connector",
        "add",
        "fresh",
        "--account",
        "deployer",
        "--principal",
        "iam-user",
        "--description",
        "added by the test",
    ])
    .assert()
    .success();
    env.fedaws(&[
        "connector",
        "edit",
        "readonly",
        "--max-duration",
        "6h",
        "--description",
        "changed",
    ])
    .assert()
    .success();
    env.fedaws(&["group", "add-member", "developers", "dave"])
        .assert()
        .success();

    let after = env.config();
    let lines: Vec<&str> = after.lines().collect();
    // Lines whose values were not edited must be there byte for byte; the edited ones keep their
    // comment next to the new value.
    let edited = [
        "max_duration = ",
        "description = \"read only\"",
        "developers = ",
    ];
    for line in HAND_WRITTEN
        .lines()
        .filter(|l| l.contains('#'))
        .filter(|l| !edited.iter().any(|e| l.starts_with(e)))
    {
        assert!(
            lines.contains(&line),
            "the line {line:?} was lost or changed:\n{after}"
        );
    }
    for line in [
        "max_duration = \"6h\" # half a day",
        "description = \"changed\" # shown in lists",
        "developers = [\"carol\", \"dave\"] # the devs",
        "[connectors.fresh]",
        "description = \"added by the test\"",
    ] {
        assert!(lines.contains(&line), "missing {line:?}:\n{after}");
    }
    assert!(
        after.starts_with("# fedaws config, written by hand\n# second header line\n\n[settings]\n"),
        "the top of the file changed:\n{after}"
    );
    assert!(
        after.ends_with("# trailing comment\n"),
        "the end of the file changed:\n{after}"
    );
}

#[test]
fn a_config_that_does_not_parse_fails_every_command_and_is_never_rewritten() {
    let broken = "[settings\nregion = 1\n";
    let env = TestEnv::with_config(broken);
    let name = unique("broken");
    let _guard = AccountGuard::new(Store::Keyutils, &name);
    let commands: Vec<Vec<&str>> = vec![
        vec!["account", "list"],
        vec!["account", "add", name.as_str(), "--secret-stdin"],
        vec!["account", "show", "a"],
        vec!["account", "remove", "a"],
        vec![
            "connector",
            "add",
            "c",
            "--account",
            "a",
            "--principal",
            "iam-user",
        ],
        vec!["connector", "edit", "c", "--description", "d"],
        vec!["connector", "remove", "c"],
        vec!["connector", "list"],
        vec!["group", "add", "g"],
        vec!["group", "add-member", "g", "u"],
        vec!["group", "list"],
        vec!["check"],
    ];
    for args in commands {
        let mut full = vec!["--keyring", "keyutils"];
        full.extend(&args);
        let out = env
            .fedaws(&full)
            .write_stdin(KeyPair::new().stdin())
            .assert()
            .code(3)
            .get_output()
            .clone();
        let err = stderr(&out);
        assert!(
            err.contains("line 1") && err.contains("column"),
            "`fedaws {}` does not give the line and column:\n{err}",
            args.join(" ")
        );
        assert_eq!(
            env.config(),
            broken,
            "`fedaws {}` rewrote a config that does not parse",
            args.join(" ")
        );
    }
    assert_eq!(Store::Keyutils.lookup(&name), None, "a key pair was stored");
}

#[test]
fn twenty_parallel_connector_adds_all_land() {
    let env = TestEnv::with_config("[settings]\nkeyring = \"keyutils\"\n");
    let account = unique("par");
    let _guard = AccountGuard::new(Store::Keyutils, &account);
    env.fedaws(&["account", "add", &account, "--secret-stdin"])
        .write_stdin(KeyPair::new().stdin())
        .assert()
        .success();

    let names: Vec<String> = (0..20).map(|i| format!("par-{i:02}")).collect();
    let children: Vec<_> = names
        .iter()
        .map(|name| {
            env.std_command(&[
                "connector",
                "add",
                name,
                "--account",
                &account,
                "--principal",
                "federated-user",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn fedaws")
        })
        .collect();
    for (name, child) in names.iter().zip(children) {
        let out = child.wait_with_output().expect("wait for fedaws");
        assert!(
            out.status.success(),
            "`connector add {name}` failed ({}):\n{}",
            out.status,
            stderr(&out)
        );
    }

    let out = env
        .fedaws(&["connector", "list", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let listed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let mut got: Vec<&str> = listed
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|c| c["name"].as_str().expect("a name"))
        .collect();
    got.sort_unstable();
    assert_eq!(got, names, "connectors were lost:\n{}", env.config());

    let out = env
        .fedaws(&["check"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        stdout(&out).contains("20 connectors"),
        "check does not count 20 connectors:\n{}",
        stdout(&out)
    );

    env.fedaws(&["account", "remove", &account, "--force"])
        .assert()
        .success();
}
