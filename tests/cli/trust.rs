//! Files another user could change are never trusted: a config, a policy file or a state
//! directory that someone other than the caller or root can write (or owns) is refused before it
//! can run a command, redirect a signed request or receive an audit line. Each test plays the
//! attacker with a real Unix user made by `useradd`, and checks what the victim's `fedaws` did:
//! its exit code and message, the STS requests that reached each server, the files on disk.

use std::path::{Path, PathBuf};

use crate::common::{TestEnv, chmod, mode, stderr, stdout};
use crate::sts_fixture::Broker;
use crate::sts_server::TestServer;
use crate::users::{User, must, require_root};

const SERIAL: &str = "arn:aws:iam::123456789012:mfa/trust";

const CONNECTORS: &str = "[connectors.sess]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n";

/// Let other users reach `path` (as a home directory with mode 0755 would): every directory from
/// the test's root down to it gets 0755.
fn open_the_way(env: &TestEnv, path: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        chmod(d, 0o755);
        if d == env.root() {
            break;
        }
        dir = d.parent();
    }
}

/// Write `text` to `path` as `user` (through a shell, as an attacker would).
fn write_as(user: &User, path: &Path, text: &str) {
    let mut cmd = assert_cmd::Command::from_std({
        let mut c = user.command("sh");
        c.arg("-c").arg("cat > \"$1\"").arg("sh").arg(path);
        c
    });
    let out = cmd.write_stdin(text.to_string()).output().expect("run sh");
    assert!(
        out.status.success(),
        "{} could not write {}: {}",
        user.name,
        path.display(),
        stderr(&out)
    );
}

/// Fail unless `out` is the refusal of an untrusted file: exit 3, nothing on stdout, and a
/// message naming the file, its mode and the fix.
fn assert_refused(out: &std::process::Output, step: &str, file: &Path, wanted: &[&str]) {
    assert_eq!(
        out.status.code(),
        Some(3),
        "`{step}` was not refused with exit 3:\n{}",
        stderr(out)
    );
    assert!(out.stdout.is_empty(), "`{step}` printed: {}", stdout(out));
    let err = stderr(out);
    assert!(
        err.contains(&file.display().to_string()),
        "`{step}` does not name {}:\n{err}",
        file.display()
    );
    for w in wanted {
        assert!(err.contains(w), "`{step}` does not say {w:?}:\n{err}");
    }
}

#[test]
fn a_config_another_user_can_write_runs_nothing_and_sends_nothing() {
    require_root();
    let sts = TestServer::moto_recorder();
    let evil = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &["--mfa-serial", SERIAL], CONNECTORS);
    let config = broker.env.config_path();
    let original = broker.env.config();
    open_the_way(&broker.env, &config);
    chmod(&config, 0o666);

    // The attacker rewrites the victim's config: an mfa_process that would copy the account's
    // key pair out of the keyring, and an endpoint that collects the signed requests.
    let attacker = User::create("tw", &[]);
    let marker = attacker.env.root().join("loot");
    let tampered = original
        .replace(
            &format!("sts_endpoint = \"{}\"", sts.url()),
            &format!("sts_endpoint = \"{}\"", evil.url()),
        )
        .replace(
            &format!("mfa_serial = \"{SERIAL}\""),
            &format!(
                "mfa_serial = \"{SERIAL}\"\nmfa_process = \"touch {}; echo 123456\"",
                marker.display()
            ),
        );
    assert_ne!(
        tampered, original,
        "the test failed to tamper with the config"
    );
    must(
        "chown",
        &[
            &format!("{}:{}", attacker.uid, attacker.gid),
            &attacker.env.root().display().to_string(),
        ],
    );
    chmod(attacker.env.root(), 0o777);
    write_as(&attacker, &config, &tampered);

    let out = broker.run(&["creds", "sess", "--format", "json"]);
    assert_refused(&out, "creds", &config, &["0666", "chmod go-w"]);
    assert!(
        !marker.exists(),
        "the attacker's mfa_process ran as the victim"
    );
    assert_eq!(evil.count(), 0, "a signed request reached the attacker");
    assert_eq!(sts.count(), 0);

    let out = broker.run(&["connector", "list"]);
    assert_refused(&out, "connector list", &config, &["0666"]);
    let out = broker.run(&["check"]);
    assert_eq!(out.status.code(), Some(3), "check: {}", stderr(&out));
    assert!(
        stdout(&out).contains("error: refusing the config") && stdout(&out).contains("0666"),
        "check does not report the writable config as an error:\n{}",
        stdout(&out)
    );

    // The same text, writable by its owner only, is used again.
    broker.env.write_config(&original);
    chmod(&config, 0o644);
    broker.ok(&["creds", "sess", "--format", "json", "--mfa-code", "123456"]);
    assert_eq!(sts.count(), 1);
    broker.finish(&[&sts, &evil]);
}

#[test]
fn a_config_owned_by_another_user_is_refused_even_read_only() {
    require_root();
    let broker = Broker::new(None, &[], CONNECTORS);
    let config = broker.env.config_path();
    let owner = User::create("to", &[]);
    must(
        "chown",
        &[
            &format!("{}:{}", owner.uid, owner.gid),
            &config.display().to_string(),
        ],
    );
    chmod(&config, 0o444);
    let out = broker.run(&["connector", "list"]);
    assert_refused(
        &out,
        "connector list",
        &config,
        &[&owner.name, "not by you or root"],
    );
    let out = broker.run(&["check", "--json"]);
    assert_eq!(out.status.code(), Some(3), "check: {}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("check --json");
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["severity"] == "error"
                && f["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(&owner.name)),
        "check does not report the foreign owner: {report}"
    );
    must("chown", &["0:0", &config.display().to_string()]);
    broker.ok(&["connector", "list"]);
    broker.finish(&[]);
}

#[test]
fn a_directory_others_can_write_above_the_config_is_refused() {
    let broker = Broker::new(None, &[], CONNECTORS);
    let config = broker.env.config_path();
    let dir = config.parent().expect("a directory").to_path_buf();
    chmod(&dir, 0o775);
    let out = broker.run(&["connector", "list"]);
    assert_refused(
        &out,
        "connector list",
        &dir,
        &["0775", &format!("chmod go-w {}", dir.display())],
    );
    // A config reached through a link in such a directory is refused too, even though the file
    // it leads to is private: the link can be pointed anywhere.
    chmod(&dir, 0o755);
    let shared = broker.env.root().join("shared");
    std::fs::create_dir(&shared).expect("mkdir");
    chmod(&shared, 0o777);
    let link = shared.join("config.toml");
    std::os::unix::fs::symlink(&config, &link).expect("symlink");
    let out = broker.run_with(
        &["connector", "list"],
        &[("FEDAWS_CONFIG", &link.display().to_string())],
    );
    assert_refused(&out, "connector list through a link", &shared, &["0777"]);
    broker.ok(&["connector", "list"]);
    broker.finish(&[]);
}

#[test]
fn a_root_owned_system_config_is_trusted_by_every_user() {
    require_root();
    // A stand-in for /etc/fedaws/config.toml: root's, 0644, in root's 0755 directories.
    let system = TestEnv::with_config(
        "[settings]\nregion = \"eu-central-1\"\n\n[accounts.shared]\n\n[connectors.c]\naccount = \"shared\"\nprincipal = \"iam-user\"\ngroups = [\"nobody-here\"]\n",
    );
    let config = system.config_path();
    open_the_way(&system, &config);
    chmod(&config, 0o644);
    let user = User::create("ts", &[]);
    user.own_tree();
    let mut cmd = user.fedaws_command(&["whoami", "--json"]);
    cmd.env("FEDAWS_CONFIG", &config);
    let out = cmd.output().expect("run whoami");
    assert!(
        out.status.success(),
        "a user cannot read root's 0644 config: {}",
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(report["user"], user.name.as_str());
    assert_eq!(mode(&config), 0o644);
}

#[test]
fn a_policy_file_others_can_write_is_refused() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        "[connectors.fed]\naccount = \"{account}\"\nprincipal = \"federated-user\"\npolicy_file = \"policy.json\"\n",
    );
    let policy = broker.env.config_path().with_file_name("policy.json");
    std::fs::write(
        &policy,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#,
    )
    .expect("write the policy");
    chmod(&policy, 0o646);
    let out = broker.run(&["creds", "fed", "--format", "json"]);
    assert_refused(
        &out,
        "creds",
        &policy,
        &["policy file", "0646", "chmod go-w"],
    );
    assert_eq!(
        sts.count(),
        0,
        "a request was made with an untrusted policy"
    );
    let out = broker.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stdout(&out).contains("error:") && stdout(&out).contains("0646"),
        "check does not report the policy file:\n{}",
        stdout(&out)
    );
    chmod(&policy, 0o644);
    broker.ok(&["creds", "fed", "--format", "json"]);
    assert_eq!(sts.count(), 1);
    broker.finish(&[&sts]);
}

/// The state directory a test's `fedaws` uses: `$XDG_STATE_HOME/fedaws`.
fn state_dir(env: &TestEnv) -> PathBuf {
    env.root().join("state/fedaws")
}

#[test]
fn the_state_directory_is_private_and_no_link_there_is_followed() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], CONNECTORS);
    broker.ok(&["creds", "sess", "--format", "json"]);
    let state = state_dir(&broker.env);
    assert_eq!(mode(&state), 0o700, "the state directory");
    assert_eq!(mode(&state.join("locks")), 0o700, "the lock directory");
    assert_eq!(mode(&state.join("audit.jsonl")), 0o600, "the audit log");

    // A link planted in place of the audit log: nothing is written through it.
    let victim = broker.env.root().join("victim.txt");
    std::fs::write(&victim, "untouched\n").expect("write");
    let audit = state.join("audit.jsonl");
    std::fs::remove_file(&audit).expect("rm the audit log");
    std::os::unix::fs::symlink(&victim, &audit).expect("symlink");
    let out = broker.run(&["creds", "sess", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("could not write the audit log"),
        "no warning about the audit log:\n{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&victim).expect("read"),
        "untouched\n"
    );
    let out = broker.run(&["check"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stdout(&out).contains("audit.jsonl is a symbolic link"),
        "check does not report the link:\n{}",
        stdout(&out)
    );
    std::fs::remove_file(&audit).expect("rm the link");

    // A link in place of the lock file (a holder removes it as it lets go; `-vv` says where it
    // is taken): issuing fails rather than write through it.
    assert_eq!(
        std::fs::read_dir(state.join("locks"))
            .expect("locks")
            .count(),
        0,
        "a lock file was left behind"
    );
    let out = broker.run(&["-vv", "creds", "sess", "--format", "json", "--refresh"]);
    let lock = stderr(&out)
        .lines()
        .find_map(|l| {
            l.split_once("taking the lock ")
                .map(|(_, p)| p.trim().to_string())
        })
        .unwrap_or_else(|| panic!("-vv does not say where the lock is:\n{}", stderr(&out)));
    std::os::unix::fs::symlink(&victim, &lock).expect("symlink");
    let out = broker.run(&["creds", "sess", "--format", "json", "--refresh"]);
    assert!(!out.status.success(), "issuing went through a planted link");
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&victim).expect("read"),
        "untouched\n"
    );

    // A state directory others can write is refused before anything is issued.
    for entry in std::fs::read_dir(state.join("locks"))
        .expect("locks")
        .flatten()
    {
        std::fs::remove_file(entry.path()).expect("rm a link");
    }
    chmod(&state, 0o777);
    let before = sts.count();
    let out = broker.run(&["creds", "sess", "--format", "json", "--refresh"]);
    assert_refused(
        &out,
        "creds",
        &state,
        &["state directory", "0777", "chmod go-w"],
    );
    assert_eq!(sts.count(), before);
    chmod(&state, 0o700);
    broker.finish(&[&sts]);
}

#[test]
fn root_with_another_users_state_directory_writes_nothing_there() {
    require_root();
    // `sudo -E fedaws creds …`: root runs with XDG_STATE_HOME pointing into alice's tree, where
    // alice has linked the audit log to a file of root's.
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], CONNECTORS);
    let alice = User::create("tsa", &[]);
    let alice_state = alice.env.root().join("state");
    std::fs::create_dir_all(alice_state.join("fedaws")).expect("mkdir");
    let roots_file = broker.env.root().join("roots-file");
    std::fs::write(&roots_file, "root's\n").expect("write");
    std::os::unix::fs::symlink(&roots_file, alice_state.join("fedaws/audit.jsonl"))
        .expect("symlink");
    must(
        "chown",
        &[
            "-R",
            "-h",
            &format!("{}:{}", alice.uid, alice.gid),
            &alice.env.root().display().to_string(),
        ],
    );
    chmod(alice.env.root(), 0o755);
    let out = broker.run_with(
        &["creds", "sess", "--format", "json"],
        &[("XDG_STATE_HOME", &alice_state.display().to_string())],
    );
    assert_refused(
        &out,
        "creds",
        &alice_state.join("fedaws"),
        &[&alice.name, "state directory"],
    );
    assert_eq!(
        std::fs::read_to_string(&roots_file).expect("read"),
        "root's\n"
    );
    assert_eq!(sts.count(), 0);
    assert!(
        !alice_state.join("fedaws/locks").exists(),
        "fedaws created a directory in alice's tree"
    );
    broker.finish(&[&sts]);
}

#[test]
fn root_never_writes_through_another_users_aws_config() {
    require_root();
    // `sudo -E fedaws aws-profile add …` with alice's HOME, where alice has linked her AWS
    // config to a file of root's.
    let broker = Broker::new(None, &[], CONNECTORS);
    let alice = User::create("tav", &[]);
    let aws = alice.env.home().join(".aws");
    std::fs::create_dir_all(&aws).expect("mkdir");
    let roots_file = broker.env.root().join("sudoers-like");
    std::fs::write(&roots_file, "root's\n").expect("write");
    std::os::unix::fs::symlink(&roots_file, aws.join("config")).expect("symlink");
    must(
        "chown",
        &[
            "-R",
            "-h",
            &format!("{}:{}", alice.uid, alice.gid),
            &alice.env.root().display().to_string(),
        ],
    );
    chmod(alice.env.root(), 0o755);
    let out = broker.run_with(
        &["aws-profile", "add", "sess"],
        &[("HOME", &alice.env.home().display().to_string())],
    );
    assert_refused(
        &out,
        "aws-profile add",
        &aws.join("config"),
        &[&alice.name, "AWS config"],
    );
    assert_eq!(
        std::fs::read_to_string(&roots_file).expect("read"),
        "root's\n"
    );
    assert!(
        !roots_file.with_extension("lock").exists() && !aws.join("config.lock").exists(),
        "a lock file was made there"
    );
    let out = broker.run_with(
        &["check"],
        &[("HOME", &alice.env.home().display().to_string())],
    );
    assert_eq!(out.status.code(), Some(3), "check: {}", stderr(&out));
    assert!(
        stdout(&out).contains("error: refusing the AWS config"),
        "check does not report the AWS config:\n{}",
        stdout(&out)
    );
    broker.finish(&[]);
}
