//! The `file` secret store, as a daemon uses it: accounts kept across processes in one encrypted
//! file, its key from settings, from systemd's credentials directory, or made beside the config;
//! credentials issued with the keys read back from it, against moto. No file ever holds a secret
//! in clear, and the wrong key is an error that shows nothing.

use std::path::Path;

use crate::common::{KeyPair, TestEnv, chmod, mode, stderr, stdout, unique};
use crate::sts_server::TestServer;

/// A config that keeps its accounts in the file store, with `extra` settings.
fn env_with(extra: &str, sts: &TestServer) -> TestEnv {
    TestEnv::with_config(&format!(
        "[settings]\nkeyring = \"file\"\nregion = \"us-east-1\"\nsts_endpoint = \"{}\"\nadmins = [\"{}\"]\n{extra}",
        sts.url(),
        crate::sts_fixture::os_user()
    ))
}

/// `fedaws account add NAME --secret-stdin` with `keys`, which must succeed.
fn add(env: &TestEnv, name: &str, keys: &KeyPair, vars: &[(&str, &Path)]) {
    let mut cmd = env.fedaws(&["account", "add", name, "--secret-stdin"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.write_stdin(keys.stdin()).output().expect("run fedaws");
    assert!(out.status.success(), "account add: {}", stderr(&out));
}

/// Add a connector of `account` and get credentials from it: the STS call is signed with the
/// keys the store gave back.
fn issue_with(
    env: &TestEnv,
    account: &str,
    keys: &KeyPair,
    sts: &TestServer,
    vars: &[(&str, &Path)],
) {
    let mut text = env.config();
    text.push_str(&format!(
        "\n[connectors.c]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n"
    ));
    env.write_config(&text);
    let mut cmd = env.fedaws(&["creds", "c", "--format", "json", "--no-cache"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run fedaws");
    assert!(out.status.success(), "creds: {}", stderr(&out));
    let request = sts.requests().pop().expect("a request");
    assert!(
        request.headers.iter().any(|(k, v)| k == "authorization"
            && v.contains(&format!("Credential={}/", keys.access_key_id))),
        "the call was not signed with the stored key"
    );
}

#[test]
fn accounts_are_kept_encrypted_across_processes() {
    let sts = TestServer::moto_recorder();
    let env = env_with("", &sts);
    let keys = KeyPair::new();
    let account = unique("file");
    add(&env, &account, &keys, &[]);

    let store = env.root().join("state/fedaws/store.enc");
    let key = env.root().join("config/fedaws/fedaws-store.key");
    assert_eq!(mode(&store), 0o600, "the store file");
    assert_eq!(mode(&key), 0o600, "the key file made beside the config");
    env.assert_no_file_contains(&keys.secret_access_key, "the secret access key");
    env.assert_no_file_contains(&keys.access_key_id, "the access key id");

    // Another process reads it back.
    let out = env
        .fedaws(&["account", "show", &account, "--json"])
        .output()
        .expect("run fedaws");
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(shown["store"], "file");
    assert_eq!(shown["access_key_id"], keys.masked_id().as_str());
    issue_with(&env, &account, &keys, &sts, &[]);

    // A key others can read is refused, and the store is not opened.
    chmod(&key, 0o644);
    let out = env
        .fedaws(&["account", "show", &account])
        .output()
        .expect("run fedaws");
    assert!(
        stderr(&out).contains("readable by others") && stderr(&out).contains("chmod go-rwx"),
        "{}",
        stderr(&out)
    );
    chmod(&key, 0o600);
    env.fedaws(&["account", "remove", &account, "--force"])
        .assert()
        .success();
    env.assert_no_file_contains(&keys.secret_access_key, "the secret access key");
}

#[test]
fn the_key_can_come_from_systemd_credentials_and_another_key_opens_nothing() {
    let sts = TestServer::moto_recorder();
    let env = env_with("", &sts);
    // systemd's LoadCredentialEncrypted= leaves the decrypted key in a private directory.
    let credentials = env.root().join("credentials");
    std::fs::create_dir(&credentials).expect("mkdir");
    chmod(&credentials, 0o700);
    let key = credentials.join("fedaws-store-key");
    std::fs::write(&key, format!("{}\n", "5a".repeat(32))).expect("write the key");
    chmod(&key, 0o400);
    let vars = [("CREDENTIALS_DIRECTORY", credentials.as_path())];
    let keys = KeyPair::new();
    let account = unique("cred");
    add(&env, &account, &keys, &vars);
    assert!(
        !env.root().join("config/fedaws/fedaws-store.key").exists(),
        "a key file was made although systemd passed one"
    );
    issue_with(&env, &account, &keys, &sts, &vars);

    // Without it, fedaws makes a key of its own, which does not open the store.
    let out = env
        .fedaws(&["account", "show", &account, "--json"])
        .output()
        .expect("run fedaws");
    let shown: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(shown["key_pair"], "unreadable", "{shown}");
    let out = env
        .fedaws(&["creds", "c", "--format", "json", "--no-cache"])
        .output()
        .expect("run fedaws");
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("cannot be decrypted"),
        "{}",
        stderr(&out)
    );
    assert!(!crate::common::contains(
        &out.stderr,
        keys.secret_access_key.as_bytes()
    ));
}

#[test]
fn settings_name_the_store_and_its_key() {
    let sts = TestServer::moto_recorder();
    let env = env_with(
        "file_store = \"../../vault/accounts.enc\"\nfile_store_key = \"../../vault/key\"\n",
        &sts,
    );
    let vault = env.root().join("vault");
    std::fs::create_dir(&vault).expect("mkdir");
    chmod(&vault, 0o700);
    let keys = KeyPair::new();
    let account = unique("named");
    // A key named in the settings must exist: fedaws does not make it.
    let out = env
        .fedaws(&["account", "add", &account, "--secret-stdin"])
        .write_stdin(keys.stdin())
        .output()
        .expect("run fedaws");
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    std::fs::write(vault.join("key"), [7u8; 32]).expect("write a raw key");
    chmod(&vault.join("key"), 0o600);
    add(&env, &account, &keys, &[]);
    assert!(
        vault.join("accounts.enc").exists(),
        "the store is not where the settings say"
    );
    assert!(!env.root().join("state/fedaws/store.enc").exists());
    issue_with(&env, &account, &keys, &sts, &[]);
}
