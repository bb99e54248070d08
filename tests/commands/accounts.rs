//! `fedaws init` and `fedaws account …` with the `file` store: a starter config that serves
//! credentials once it names an STS, and an account's key pair kept encrypted, listed, shown and
//! removed.

use crate::local::{ACCOUNT, add_connector, assert_fails, finish, json, local};
use crate::support::env::{KeyPair, TestEnv, mode, stderr, stdout};
use crate::support::fixture::{Fixture, os_user};
use crate::support::sts::{TestServer, answered};

#[test]
fn init_writes_a_config_that_check_accepts_and_that_serves_credentials() {
    let env = TestEnv::new();
    let out = env
        .fedaws(&["init", "--region", "us-east-1", "--store", "file"])
        .output()
        .expect("run fedaws");
    assert!(out.status.success(), "init: {}", stderr(&out));
    let written = env.config();
    assert!(written.contains("\nkeyring = \"file\"\n"), "{written}");
    assert!(
        written.contains(&format!("\nadmins = [\"{}\"]", os_user())),
        "init did not make the caller the administrator:\n{written}"
    );
    let out = env.fedaws(&["check"]).output().expect("run fedaws");
    assert_eq!(
        stdout(&out),
        format!(
            "config: {} (0 accounts, 0 connectors, 0 groups)\nok: no problems found\n",
            env.config_path().display()
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0));

    let out = env
        .fedaws(&["init", "--region", "eu-west-1"])
        .output()
        .expect("run fedaws");
    assert_fails(&out, 3, &["already exists"]);
    assert_eq!(env.config(), written, "a second init changed the file");

    // Pointed at an STS, with the cache in the file store too, it serves credentials.
    let sts = TestServer::fake_sts();
    let settings = format!(
        "[settings]\nsts_endpoint = \"{}\"\ncache = \"file\"\n",
        sts.url()
    );
    let fixture = Fixture::new(
        &written.replacen("[settings]\n", &settings, 1),
        ACCOUNT,
        &[],
        "",
    );
    fixture.ok(&add_connector("sess", "iam-user", &[]));
    let issued = json(&fixture, &["creds", "sess", "--format", "json"]);
    let (id, secret, token) = answered(&sts.only());
    assert_eq!(issued["AccessKeyId"].as_str(), Some(id.as_str()));
    assert!(issued["SecretAccessKey"].as_str() == Some(secret.as_str()));
    assert!(issued["SessionToken"].as_str() == Some(token.as_str()));
    finish(fixture, &[&sts]);
}

#[test]
fn an_account_is_kept_encrypted_listed_shown_and_removed() {
    let sts = TestServer::fake_sts();
    let fixture = local(sts.url(), "");
    let env = &fixture.env;
    let keys = &fixture.keys;

    // The store and its key are private files, and no file holds either part of the pair.
    assert_eq!(mode(&env.root().join("state/fedaws/store.enc")), 0o600);
    assert_eq!(
        mode(&env.root().join("config/fedaws/fedaws-store.key")),
        0o600
    );
    env.assert_no_file_contains(&keys.secret_access_key, "the secret access key");
    env.assert_no_file_contains(&keys.access_key_id, "the access key id");
    assert!(env.config().contains(&format!("[accounts.{ACCOUNT}]")));

    let table = fixture.ok(&["account", "list"]);
    assert!(
        table.contains(ACCOUNT) && table.contains(&keys.masked_id()),
        "{table}"
    );
    let listed = json(&fixture, &["account", "list", "--json"]);
    let listed = listed.as_array().expect("account list --json is an array");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["name"], ACCOUNT);
    assert_eq!(listed[0]["key_pair"], "stored");
    assert_eq!(listed[0]["access_key_id"], keys.masked_id().as_str());
    let shown = json(&fixture, &["account", "show", ACCOUNT, "--json"]);
    assert_eq!(shown["store"], "file", "{shown}");
    assert_eq!(shown["access_key_id"], keys.masked_id().as_str());
    let shown = fixture.ok(&["account", "show", ACCOUNT]);
    assert!(
        shown
            .lines()
            .any(|l| l.split_whitespace().eq(["store", "file"])),
        "{shown}"
    );

    // A second pair under the same name is refused, and the store keeps the first.
    let store = env.root().join("state/fedaws/store.enc");
    let sealed = std::fs::read(&store).expect("read the store");
    let out = env
        .fedaws(&["account", "add", ACCOUNT, "--secret-stdin"])
        .write_stdin(KeyPair::new().stdin())
        .output()
        .expect("run fedaws");
    fixture.record("account add (again)", &out);
    assert_fails(&out, 2, &["already exists", "--rotate"]);
    assert_eq!(std::fs::read(&store).expect("read the store"), sealed);

    // An account in use is removed only with --force.
    fixture.ok(&add_connector("sess", "iam-user", &[]));
    let before = env.config_bytes();
    let out = fixture.run(&["account", "remove", ACCOUNT]);
    assert_fails(&out, 2, &["used by connector sess", "--force"]);
    assert_eq!(
        env.config_bytes(),
        before,
        "a refused remove changed the config"
    );
    fixture.ok(&["connector", "remove", "sess"]);
    fixture.ok(&["account", "remove", ACCOUNT]);
    assert_eq!(
        json(&fixture, &["account", "list", "--json"]),
        serde_json::json!([])
    );
    assert!(!env.config().contains(ACCOUNT), "{}", env.config());

    // The store's entry went with it: the same name written back by hand has no key pair.
    env.write_config(&format!("{}\n[accounts.{ACCOUNT}]\n", env.config()));
    let shown = json(&fixture, &["account", "show", ACCOUNT, "--json"]);
    assert_eq!(shown["key_pair"], "missing", "{shown}");
    fixture.assert_no_secret_on_stderr(&[&sts]);
    assert_eq!(sts.count(), 0, "managing accounts called STS");
}
