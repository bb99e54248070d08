//! `fedaws account rotate` against moto's IAM: a user and its key made in moto, added as an
//! account, rotated; what moto lists, what the store holds and what signs the next STS call.
//! Faults at each IAM call (before moto acts, or after, the answer lost) leave a working key in
//! the store, and a rerun finishes the rotation.

use std::process::{Command, Output};

use serde_json::Value;

use crate::common::{
    AccountGuard, KeyPair, Store, TestEnv, keyutils_lookup, stderr, stdout, unique,
};
use crate::sts_server::{TestServer, moto_url};

/// `aws iam ARGS… --output json` against moto (which does not check the signature).
fn aws_iam(args: &[&str]) -> Value {
    let out = Command::new("aws")
        .args(["--endpoint-url", moto_url(), "--output", "json", "iam"])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "not-checked-by-moto")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .expect("run the AWS CLI (scripts/test installs it)");
    assert!(
        out.status.success(),
        "aws iam {}: {}",
        args.join(" "),
        stderr(&out)
    );
    serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null)
}

/// An IAM user in moto, with its first access key.
pub struct IamUser {
    /// The user's name.
    pub name: String,
    /// Its first key.
    pub first: KeyPair,
}

impl IamUser {
    /// A new user with one key.
    pub fn create(tag: &str) -> IamUser {
        let name = unique(tag);
        aws_iam(&["create-user", "--user-name", &name]);
        let first = IamUser::new_key(&name);
        IamUser { name, first }
    }

    fn new_key(user: &str) -> KeyPair {
        let made = aws_iam(&["create-access-key", "--user-name", user]);
        KeyPair {
            access_key_id: made["AccessKey"]["AccessKeyId"]
                .as_str()
                .expect("a key id")
                .into(),
            secret_access_key: made["AccessKey"]["SecretAccessKey"]
                .as_str()
                .expect("a secret")
                .into(),
        }
    }

    /// Its keys: id and whether active.
    pub fn keys(&self) -> Vec<(String, bool)> {
        let listed = aws_iam(&["list-access-keys", "--user-name", &self.name]);
        listed["AccessKeyMetadata"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|k| {
                (
                    k["AccessKeyId"].as_str().unwrap_or_default().to_string(),
                    k["Status"] == "Active",
                )
            })
            .collect()
    }
}

/// A local config with the kernel keyring, `iam` as IAM, moto behind `sts` as STS, and account
/// `acct` holding `user`'s first key (guarded), with connector `c`.
struct Setup {
    env: TestEnv,
    sts: TestServer,
    account: String,
    _guard: AccountGuard,
}

impl Setup {
    fn new(user: &IamUser, iam: &str) -> Setup {
        let sts = TestServer::moto_recorder();
        let account = unique("rot");
        let guard = AccountGuard::new(Store::Keyutils, &account);
        let env = TestEnv::new();
        let setup = Setup {
            env,
            sts,
            account,
            _guard: guard,
        };
        setup.point_iam_at(iam);
        let out = setup.run(
            &[
                "account",
                "edit",
                &setup.account,
                "--rotate",
                "--secret-stdin",
            ],
            &user.first.stdin(),
        );
        assert!(out.status.success(), "storing the key: {}", stderr(&out));
        setup
    }

    fn point_iam_at(&self, iam: &str) {
        self.point_at(iam, self.sts.url());
    }

    fn point_at(&self, iam: &str, sts: &str) {
        self.env.write_config(&format!(
            "[settings]\nkeyring = \"keyutils\"\nregion = \"us-east-1\"\nsts_endpoint = \"{}\"\niam_endpoint = \"{iam}\"\nadmins = [\"{}\"]\n\n[accounts.{}]\n\n[connectors.c]\naccount = \"{}\"\nprincipal = \"iam-user\"\n",
            sts,
            crate::sts_fixture::os_user(),
            self.account,
            self.account
        ));
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.env
            .fedaws(args)
            .write_stdin(stdin.to_string())
            .output()
            .expect("run fedaws")
    }

    fn rotate(&self, extra: &[&str]) -> Output {
        let mut args = vec!["account", "rotate", self.account.as_str()];
        args.extend_from_slice(extra);
        self.run(&args, "")
    }

    /// The key id the store holds.
    fn stored_id(&self) -> String {
        let stored = keyutils_lookup(&self.account).expect("the account's entry");
        let v: Value = serde_json::from_str(&stored).expect("a JSON entry");
        v["access_key_id"].as_str().expect("a key id").to_string()
    }

    /// The audit log's rotation lines.
    fn rotations(&self) -> Vec<Value> {
        let path = self.env.root().join("state/fedaws/audit.jsonl");
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|e| {
                e["action"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("account rotate"))
            })
            .collect()
    }
}

#[test]
fn a_rotation_leaves_one_key_the_new_one_stored_and_signing() {
    let user = IamUser::create("rot");
    let setup = Setup::new(&user, moto_url());
    let out = setup.rotate(&[]);
    assert!(out.status.success(), "rotate: {}", stderr(&out));
    assert!(stderr(&out).contains("rotated account"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains(&user.first.secret_access_key),
        "the old secret was printed"
    );

    let keys = user.keys();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let (new, active) = &keys[0];
    assert!(active);
    assert_ne!(new, &user.first.access_key_id);
    assert_eq!(&setup.stored_id(), new, "the store holds another key");

    let out = setup.run(&["creds", "c", "--no-cache"], "");
    assert!(out.status.success(), "creds: {}", stderr(&out));
    let request = setup.sts.requests().pop().expect("an STS request");
    assert!(
        request
            .headers
            .iter()
            .any(|(k, v)| k == "authorization" && v.contains(&format!("Credential={new}/"))),
        "the STS call was not signed with the new key"
    );

    let shown: Value = serde_json::from_str(&stdout(
        &setup.run(&["account", "show", &setup.account, "--json"], ""),
    ))
    .expect("account show --json");
    let created: jiff::Timestamp = shown["key_created"]
        .as_str()
        .expect("key_created")
        .parse()
        .expect("RFC 3339");
    assert!((jiff::Timestamp::now() - created).get_seconds().abs() < 300);
    assert!(
        shown["key_age_seconds"]
            .as_i64()
            .is_some_and(|a| (0..300).contains(&a))
    );

    let lines = setup.rotations();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["step"], "done");
    assert_eq!(lines[0]["account"], setup.account.as_str());
    assert_eq!(lines[0]["outcome"], "changed");
    setup
        .env
        .assert_no_file_contains(&user.first.secret_access_key, "the old secret");
}

#[test]
fn a_failure_at_any_iam_call_leaves_a_working_key_and_a_rerun_finishes() {
    // The IAM calls of a rotation: list, create, list, deactivate, delete.
    for at in 0..5 {
        for after in [false, true] {
            let when = format!(
                "IAM call {} failed {}",
                at + 1,
                if after { "after moto did it" } else { "before" }
            );
            let user = IamUser::create("fault");
            let faulty = TestServer::failing_at(at, after);
            let setup = Setup::new(&user, faulty.url());
            let first = setup.rotate(&[]);
            assert!(!first.status.success(), "{when}: the rotation did not fail");
            assert!(
                stderr(&first).contains("InjectedFault"),
                "{when}: {}",
                stderr(&first)
            );
            let stored = setup.stored_id();
            assert!(
                user.keys()
                    .iter()
                    .any(|(id, active)| *id == stored && *active),
                "{when}: the store holds {stored}, which is not an active key: {:?}",
                user.keys()
            );
            let failed = setup.rotations();
            assert_eq!(failed.len(), 1, "{when}");
            assert_eq!(failed[0]["outcome"], "failed", "{when}");
            assert!(failed[0]["step"].is_string(), "{when}");

            setup.point_iam_at(moto_url());
            let again = setup.rotate(&[]);
            assert!(
                again.status.success(),
                "{when}: the rerun failed: {}",
                stderr(&again)
            );
            let keys = user.keys();
            assert_eq!(keys.len(), 1, "{when}: {keys:?}");
            assert_ne!(keys[0].0, user.first.access_key_id, "{when}");
            assert_eq!(setup.stored_id(), keys[0].0, "{when}");
        }
    }
}

#[test]
fn a_second_key_fedaws_does_not_keep_stops_the_rotation_unless_forced() {
    let user = IamUser::create("two");
    let other = IamUser::new_key(&user.name);
    let setup = Setup::new(&user, moto_url());
    let out = setup.rotate(&[]);
    assert!(!out.status.success(), "the rotation went on");
    let err = stderr(&out);
    let masked = format!(
        "{}…{}",
        &other.access_key_id[..4],
        &other.access_key_id[other.access_key_id.len() - 4..]
    );
    assert!(err.contains(&masked) && err.contains("--force"), "{err}");
    assert_eq!(user.keys().len(), 2, "a key was touched");

    let out = setup.rotate(&["--force"]);
    assert!(out.status.success(), "rotate --force: {}", stderr(&out));
    let keys = user.keys();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].0 != other.access_key_id && keys[0].0 != user.first.access_key_id);
}

#[test]
fn keep_old_leaves_the_old_key_inactive() {
    let user = IamUser::create("keep");
    let setup = Setup::new(&user, moto_url());
    let out = setup.rotate(&["--keep-old"]);
    assert!(out.status.success(), "rotate --keep-old: {}", stderr(&out));
    let keys = user.keys();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys.iter()
            .any(|(id, active)| *id == user.first.access_key_id && !active),
        "{keys:?}"
    );
}

#[test]
fn waiting_for_a_new_key_to_work_shows_a_spinner_on_a_terminal_only() {
    let user = IamUser::create("spin");
    let setup = Setup::new(&user, moto_url());

    // STS does not know the new key for its first two calls: fedaws waits, quietly off a terminal.
    let slow = TestServer::new_keys_unknown_at_first(2);
    setup.point_at(moto_url(), slow.url());
    let out = setup.rotate(&[]);
    assert!(out.status.success(), "rotate: {}", stderr(&out));
    assert!(
        !stderr(&out).contains("waiting for"),
        "a spinner off a terminal: {}",
        stderr(&out)
    );
    let calls = slow
        .requests()
        .iter()
        .filter(|r| r.action() == "GetCallerIdentity")
        .count();
    assert_eq!(calls, 3, "fedaws did not ask again until the key worked");

    // On a terminal, the wait shows.
    let slow = TestServer::new_keys_unknown_at_first(1);
    setup.point_at(moto_url(), slow.url());
    let mut pty = crate::pty::Pty::spawn(&setup.env, &["account", "rotate", &setup.account]);
    pty.expect("waiting for the new key to work");
    pty.finish_with(0);
    assert_eq!(user.keys().len(), 1, "{:?}", user.keys());
}
