//! What scripts read: `--json` output and the shipped completion scripts.

use std::path::Path;

use serde_json::Value;

use crate::common::{AccountGuard, KeyPair, Store, TestEnv, stdout, unique};

/// Run `fedaws ARGS`, require success, and parse the whole of stdout as one JSON value, so that
/// anything else printed there fails the test.
fn json_of(env: &TestEnv, args: &[&str]) -> Value {
    let out = env.fedaws(args).assert().success().get_output().clone();
    let text = stdout(&out);
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "stdout of `fedaws {}` is not only JSON ({e}):\n{text}",
            args.join(" ")
        )
    })
}

/// Fail unless `value` is an object with exactly the keys `expected`.
fn has_keys(value: &Value, expected: &[&str], what: &str) {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not a JSON object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "{what} has other fields: {value}");
}

#[test]
fn json_output_parses_and_has_the_documented_fields() {
    let env = TestEnv::with_config("[settings]\nkeyring = \"keyutils\"\n");
    let account = unique("json");
    let _guard = AccountGuard::new(Store::Keyutils, &account);
    let keys = KeyPair::new();
    env.fedaws(&[
        "account",
        "add",
        &account,
        "--secret-stdin",
        "--description",
        "for JSON",
    ])
    .write_stdin(keys.stdin())
    .assert()
    .success();
    env.fedaws(&[
        "connector",
        "add",
        "ro",
        "--account",
        &account,
        "--principal",
        "assume-role",
        "--role-arn",
        "arn:aws:iam::123456789012:role/ReadOnly",
        "--max-duration",
        "2h",
        "--group",
        "devs",
    ])
    .assert()
    .success();
    env.fedaws(&["group", "add", "devs", "--member", "carol"])
        .assert()
        .success();

    let account_fields = [
        "name",
        "kind",
        "access_key_id",
        "key_pair",
        "key_version",
        "key_written",
        "key_created",
        "key_age_seconds",
        "mfa_serial",
        "description",
        "connectors",
    ];
    let list = json_of(&env, &["account", "list", "--json"]);
    let list = list.as_array().expect("account list --json is an array");
    assert_eq!(list.len(), 1, "{list:?}");
    has_keys(&list[0], &account_fields, "an account list entry");
    assert_eq!(list[0]["name"], account.as_str());
    assert_eq!(list[0]["kind"], "iam-user");
    assert_eq!(list[0]["access_key_id"], keys.masked_id().as_str());
    assert_eq!(list[0]["key_pair"], "stored");
    // Only a store that keeps versions (Vault) has them; every key has an age.
    assert!(list[0]["key_version"].is_null() && list[0]["key_written"].is_null());
    assert!(list[0]["key_created"].is_string() && list[0]["key_age_seconds"].is_i64());
    assert_eq!(list[0]["description"], "for JSON");
    assert_eq!(list[0]["connectors"], serde_json::json!(["ro"]));

    let show = json_of(&env, &["account", "show", &account, "--json"]);
    let mut show_fields = account_fields.to_vec();
    show_fields.extend(["store", "mfa_process"]);
    has_keys(&show, &show_fields, "account show --json");
    assert_eq!(show["store"], "keyutils");
    assert_eq!(show["access_key_id"], keys.masked_id().as_str());

    let connector_fields = [
        "name",
        "account",
        "principal",
        "api",
        "role_arn",
        "external_id",
        "policy",
        "policy_file",
        "policy_arns",
        "max_duration_seconds",
        "default_duration_seconds",
        "groups",
        "system_scope",
        "region",
        "description",
        "session_tags",
        "source_identity",
    ];
    let list = json_of(&env, &["connector", "list", "--json"]);
    let list = list.as_array().expect("connector list --json is an array");
    assert_eq!(list.len(), 1, "{list:?}");
    has_keys(&list[0], &connector_fields, "a connector list entry");
    let show = json_of(&env, &["connector", "show", "ro", "--json"]);
    has_keys(&show, &connector_fields, "connector show --json");
    assert_eq!(&list[0], &show, "list and show disagree");
    assert_eq!(show["name"], "ro");
    assert_eq!(show["account"], account.as_str());
    assert_eq!(show["principal"], "assume-role");
    assert_eq!(show["api"], "AssumeRole");
    assert_eq!(show["role_arn"], "arn:aws:iam::123456789012:role/ReadOnly");
    assert_eq!(show["max_duration_seconds"], 7200);
    assert_eq!(show["default_duration_seconds"], 3600);
    assert_eq!(show["groups"], serde_json::json!(["devs"]));
    assert_eq!(show["system_scope"], false);

    let groups = json_of(&env, &["group", "list", "--json"]);
    let groups = groups.as_array().expect("group list --json is an array");
    assert_eq!(groups.len(), 1, "{groups:?}");
    has_keys(
        &groups[0],
        &["name", "members", "connectors"],
        "a group entry",
    );
    assert_eq!(groups[0]["name"], "devs");
    assert_eq!(groups[0]["members"], serde_json::json!(["carol"]));
    assert_eq!(groups[0]["connectors"], serde_json::json!(["ro"]));

    env.fedaws(&["account", "remove", &account, "--force"])
        .assert()
        .success();
}

#[test]
fn completion_scripts_in_the_repository_are_current() {
    let env = TestEnv::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let mut stale = Vec::new();
    for (shell, file) in [
        ("bash", "fedaws.bash"),
        ("zsh", "_fedaws"),
        ("fish", "fedaws.fish"),
        ("powershell", "_fedaws.ps1"),
        ("elvish", "fedaws.elv"),
    ] {
        let out = env
            .fedaws(&["completions", shell])
            .assert()
            .success()
            .get_output()
            .clone();
        assert!(
            !out.stdout.is_empty(),
            "`completions {shell}` printed nothing"
        );
        match std::fs::read(dir.join(file)) {
            Ok(kept) if kept == out.stdout => {}
            Ok(_) => stale.push(format!(
                "completions/{file} differs from `fedaws completions {shell}`"
            )),
            Err(e) => stale.push(format!("completions/{file} cannot be read ({e})")),
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nregenerate them with scripts/gen-completions",
        stale.join("\n")
    );
}

/// `COMPLETE=SHELL fedaws -- fedaws WORDS…`, the way the registered completion calls it back
/// (bash: the index of the word being completed in `_CLAP_COMPLETE_INDEX`): the candidates
/// other than flags.
fn complete(env: &TestEnv, shell: &str, words: &[&str]) -> Vec<String> {
    let out = env
        .fedaws(&[])
        .env("COMPLETE", shell)
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(words)
        .output()
        .expect("run fedaws");
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|c| !c.starts_with('-'))
        .map(str::to_string)
        .collect()
}

#[test]
fn dynamic_completion_offers_the_names_of_the_config() {
    let env = TestEnv::with_config(
        "[accounts.prod]\n[accounts.dev]\n\n[connectors.prod-ro]\naccount = \"prod\"\nprincipal = \"federated-user\"\n\n[connectors.dev-admin]\naccount = \"dev\"\nprincipal = \"iam-user\"\n\n[groups]\nops = [\"alice\"]\n",
    );
    // Registration scripts for every shell.
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = env.fedaws(&[]).env("COMPLETE", shell).output().unwrap();
        assert!(
            out.status.success() && !out.stdout.is_empty(),
            "no {shell} registration"
        );
    }
    let connectors = complete(&env, "bash", &["fedaws", "creds", ""]);
    assert!(
        connectors.contains(&"prod-ro".to_string())
            && connectors.contains(&"dev-admin".to_string()),
        "{connectors:?}"
    );
    assert_eq!(
        complete(&env, "bash", &["fedaws", "exec", "pr"]),
        vec!["prod-ro".to_string()]
    );
    assert_eq!(
        complete(&env, "bash", &["fedaws", "account", "rotate", "d"]),
        vec!["dev".to_string()]
    );
    assert_eq!(
        complete(
            &env,
            "fish",
            &["fedaws", "connector", "add", "x", "--group", ""]
        ),
        vec!["ops".to_string()]
    );
    // The AWS CLI profiles fedaws wrote.
    let aws = env.home().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        "[profile prod-ro]\ncredential_process = fedaws creds prod-ro --format json\n\n[profile other]\nregion = us-east-1\n",
    )
    .unwrap();
    assert_eq!(
        complete(&env, "bash", &["fedaws", "aws-profile", "remove", ""]),
        vec!["prod-ro".to_string()]
    );
}

#[test]
fn help_ends_with_examples() {
    let env = TestEnv::new();
    for args in [
        &["help", "creds"][..],
        &["account", "rotate", "--help"][..],
        &["--help"][..],
    ] {
        let out = env.fedaws(args).output().expect("run fedaws");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}");
        assert!(text.contains("Examples:\n  fedaws "), "{args:?}: {text}");
    }
}
