//! `fedaws account …` against the real secret stores: where the key pair goes, where it comes
//! from, and that it never reaches stdout, stderr or a file.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::{
    AccountGuard, KeyPair, Store, TestEnv, assert_output_lacks, require_secret_service, stderr,
    stdout, unique,
};

/// `account add NAME --secret-stdin` must succeed; returns its output.
fn add_from_stdin(env: &TestEnv, store: Store, name: &str, keys: &KeyPair) -> Output {
    env.fedaws(&[
        "--keyring",
        store.flag(),
        "account",
        "add",
        name,
        "--secret-stdin",
    ])
    .write_stdin(keys.stdin())
    .assert()
    .success()
    .get_output()
    .clone()
}

/// Add an account, read the pair back with the store's own tool, check the config holds no key
/// material, remove the account and check the entry is gone. Returns `add`'s output.
fn store_round_trip(store: Store) -> Output {
    let env = TestEnv::with_config("");
    let name = unique("rt");
    let _guard = AccountGuard::new(store, &name);
    let keys = KeyPair::new();

    let added = add_from_stdin(&env, store, &name, &keys);
    let stored = store
        .lookup(&name)
        .unwrap_or_else(|| panic!("`account add` stored nothing in the {store:?} store"));
    keys.assert_stored_as(&stored);

    let config = env.config();
    assert!(
        config.contains(&format!("[accounts.{name}]")),
        "the account is not in the config:\n{config}"
    );
    assert!(
        !config.contains(&keys.access_key_id),
        "the config holds the access key id:\n{config}"
    );
    assert!(
        !config.contains(&keys.secret_access_key),
        "the config holds the secret access key"
    );

    env.fedaws(&["--keyring", store.flag(), "account", "remove", &name])
        .assert()
        .success();
    assert_eq!(
        store.lookup(&name),
        None,
        "`account remove` left the key pair in the {store:?} store"
    );
    assert!(
        !env.config().contains(&name),
        "`account remove` left the account in the config:\n{}",
        env.config()
    );
    added
}

#[test]
fn secret_service_keeps_the_pair_and_remove_deletes_it() {
    require_secret_service();
    store_round_trip(Store::SecretService);
}

#[test]
fn keyutils_keeps_the_pair_warns_about_reboots_and_remove_deletes_it() {
    let added = store_round_trip(Store::Keyutils);
    let err = stderr(&added);
    assert!(
        err.contains("keyutils") && err.contains("lost at reboot"),
        "no warning that keyutils secrets are lost at reboot:\n{err}"
    );
}

#[test]
fn from_env_imports_the_environment_pair() {
    let env = TestEnv::with_config("");
    let name = unique("env");
    let _guard = AccountGuard::new(Store::Keyutils, &name);
    let keys = KeyPair::new();
    env.fedaws(&[
        "--keyring",
        "keyutils",
        "account",
        "add",
        &name,
        "--from-env",
    ])
    .env("AWS_ACCESS_KEY_ID", &keys.access_key_id)
    .env("AWS_SECRET_ACCESS_KEY", &keys.secret_access_key)
    .assert()
    .success();
    keys.assert_stored_as(&Store::Keyutils.lookup(&name).expect("nothing stored"));
    env.fedaws(&["--keyring", "keyutils", "account", "remove", &name])
        .assert()
        .success();
    assert_eq!(
        Store::Keyutils.lookup(&name),
        None,
        "`account remove` left the key pair"
    );
}

#[test]
fn from_env_refuses_temporary_credentials() {
    let env = TestEnv::with_config("");
    let name = unique("envtmp");
    let _guard = AccountGuard::new(Store::Keyutils, &name);
    let keys = KeyPair::new();
    let out = env
        .fedaws(&[
            "--keyring",
            "keyutils",
            "account",
            "add",
            &name,
            "--from-env",
        ])
        .env("AWS_ACCESS_KEY_ID", &keys.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &keys.secret_access_key)
        .env("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLETOKEN")
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        stderr(&out).contains("AWS_SESSION_TOKEN"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        Store::Keyutils.lookup(&name),
        None,
        "a temporary pair was stored"
    );
    assert!(!env.config().contains(&name), "{}", env.config());
}

/// A shared credentials file with comments, two long-term profiles and a temporary one.
fn credentials_file(default: &KeyPair, work: &KeyPair) -> String {
    format!(
        "# written by aws configure\n\
         [default]\n\
         aws_access_key_id = {}\n\
         aws_secret_access_key = {}\n\
         ; the work account\n\
         [work]\n\
         # long-term key of the CI user\n\
         aws_access_key_id={}\n\
         aws_secret_access_key={}\n\
         region = eu-central-1\n\
         \n\
         [temp]\n\
         aws_access_key_id = ASIAIOSFODNN7EXAMPLE\n\
         aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
         aws_session_token = FwoGZXIvYXdzEXAMPLETOKEN\n",
        default.access_key_id,
        default.secret_access_key,
        work.access_key_id,
        work.secret_access_key
    )
}

#[test]
fn from_aws_profile_imports_the_named_profile_of_home_aws_credentials() {
    let env = TestEnv::with_config("");
    let (default, work) = (KeyPair::new(), KeyPair::new());
    std::fs::create_dir_all(env.home().join(".aws")).unwrap();
    std::fs::write(
        env.home().join(".aws/credentials"),
        credentials_file(&default, &work),
    )
    .unwrap();

    for (profile, keys) in [("work", &work), ("default", &default)] {
        let name = unique(profile);
        let _guard = AccountGuard::new(Store::Keyutils, &name);
        env.fedaws(&[
            "--keyring",
            "keyutils",
            "account",
            "add",
            &name,
            "--from-aws-profile",
            profile,
        ])
        .assert()
        .success();
        keys.assert_stored_as(&Store::Keyutils.lookup(&name).expect("nothing stored"));
        env.fedaws(&["--keyring", "keyutils", "account", "remove", &name])
            .assert()
            .success();
    }
}

#[test]
fn from_aws_profile_follows_aws_shared_credentials_file() {
    let env = TestEnv::with_config("");
    let (home_pair, file_pair) = (KeyPair::new(), KeyPair::new());
    std::fs::create_dir_all(env.home().join(".aws")).unwrap();
    std::fs::write(
        env.home().join(".aws/credentials"),
        credentials_file(&KeyPair::new(), &home_pair),
    )
    .unwrap();
    let elsewhere = env.root().join("elsewhere/credentials");
    std::fs::create_dir_all(elsewhere.parent().unwrap()).unwrap();
    std::fs::write(&elsewhere, credentials_file(&KeyPair::new(), &file_pair)).unwrap();

    let name = unique("shared");
    let _guard = AccountGuard::new(Store::Keyutils, &name);
    env.fedaws(&[
        "--keyring",
        "keyutils",
        "account",
        "add",
        &name,
        "--from-aws-profile",
        "work",
    ])
    .env("AWS_SHARED_CREDENTIALS_FILE", &elsewhere)
    .assert()
    .success();
    file_pair.assert_stored_as(&Store::Keyutils.lookup(&name).expect("nothing stored"));
    env.fedaws(&["--keyring", "keyutils", "account", "remove", &name])
        .assert()
        .success();
}

#[test]
fn from_aws_profile_refuses_a_profile_with_a_session_token() {
    let env = TestEnv::with_config("");
    std::fs::create_dir_all(env.home().join(".aws")).unwrap();
    std::fs::write(
        env.home().join(".aws/credentials"),
        credentials_file(&KeyPair::new(), &KeyPair::new()),
    )
    .unwrap();
    let name = unique("temp");
    let _guard = AccountGuard::new(Store::Keyutils, &name);
    let before = env.config_bytes();
    let out = env
        .fedaws(&[
            "--keyring",
            "keyutils",
            "account",
            "add",
            &name,
            "--from-aws-profile",
            "temp",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains("temp") && err.contains("aws_session_token"),
        "{err}"
    );
    assert_eq!(
        Store::Keyutils.lookup(&name),
        None,
        "a temporary pair was stored"
    );
    assert_eq!(env.config_bytes(), before, "the config changed");
}

#[test]
fn add_without_a_source_and_no_terminal_fails_naming_the_sources() {
    let env = TestEnv::with_config("");
    let name = unique("nosrc");
    let _guard = AccountGuard::new(Store::Keyutils, &name);
    let out = env
        .fedaws(&["--keyring", "keyutils", "account", "add", &name])
        .write_stdin("")
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = stderr(&out);
    for flag in ["--secret-stdin", "--from-env", "--from-aws-profile"] {
        assert!(err.contains(flag), "the error does not name {flag}:\n{err}");
    }
    assert!(!env.config().contains(&name), "{}", env.config());
}

/// Every account command, checked for the secret (old and new) on stdout, stderr and disk.
fn secrets_never_leak(store: Store) {
    let env = TestEnv::with_config("");
    let name = unique("leak");
    let _guard = AccountGuard::new(store, &name);
    let (first, second) = (KeyPair::new(), KeyPair::new());
    let k = store.flag();

    let check = |step: &str, output: &Output| {
        for keys in [&first, &second] {
            assert_output_lacks(
                output,
                &keys.secret_access_key,
                "the secret access key",
                step,
            );
            env.assert_no_file_contains(
                &keys.secret_access_key,
                &format!("the secret access key (after `{step}`)"),
            );
        }
    };

    let out = add_from_stdin(&env, store, &name, &first);
    check("account add --secret-stdin", &out);

    let out = env
        .fedaws(&[
            "--keyring",
            k,
            "account",
            "edit",
            &name,
            "--rotate",
            "--secret-stdin",
        ])
        .write_stdin(second.stdin())
        .assert()
        .success()
        .get_output()
        .clone();
    check("account edit --rotate --secret-stdin", &out);
    second.assert_stored_as(&store.lookup(&name).expect("rotate removed the entry"));

    for args in [
        vec!["account", "list"],
        vec!["account", "list", "--json"],
        vec!["account", "show", name.as_str()],
        vec!["account", "show", name.as_str(), "--json"],
    ] {
        let step = args.join(" ");
        let mut full = vec!["--keyring", k];
        full.extend(&args);
        let out = env.fedaws(&full).assert().success().get_output().clone();
        check(&step, &out);
        assert_output_lacks(&out, &second.access_key_id, "the full access key id", &step);
        assert!(
            stdout(&out).contains(&second.masked_id()),
            "`{step}` does not show the masked id {}:\n{}",
            second.masked_id(),
            stdout(&out)
        );
    }

    let out = env
        .fedaws(&["--keyring", k, "check"])
        .assert()
        .success()
        .get_output()
        .clone();
    check("check", &out);

    let out = env
        .fedaws(&["--keyring", k, "account", "remove", &name])
        .assert()
        .success()
        .get_output()
        .clone();
    check("account remove", &out);
    assert_eq!(store.lookup(&name), None);
}

#[test]
fn no_secret_reaches_output_or_disk_with_keyutils() {
    secrets_never_leak(Store::Keyutils);
}

#[test]
fn no_secret_reaches_output_or_disk_with_secret_service() {
    require_secret_service();
    secrets_never_leak(Store::SecretService);
}

#[test]
fn remove_refuses_while_a_connector_uses_the_account_unless_forced() {
    let env = TestEnv::with_config("[settings]\nkeyring = \"keyutils\"\n");
    let name = unique("used");
    let _guard = AccountGuard::new(Store::Keyutils, &name);
    let keys = KeyPair::new();
    env.fedaws(&["account", "add", &name, "--secret-stdin"])
        .write_stdin(keys.stdin())
        .assert()
        .success();
    env.fedaws(&[
        "connector",
        "add",
        "uses-it",
        "--account",
        &name,
        "--principal",
        "iam-user",
    ])
    .assert()
    .success();

    let before = env.config_bytes();
    let out = env
        .fedaws(&["account", "remove", &name])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains("uses-it") && err.contains("--force"),
        "the refusal does not name the connector and --force:\n{err}"
    );
    assert_eq!(
        env.config_bytes(),
        before,
        "a refused remove changed the config"
    );
    assert!(
        Store::Keyutils.lookup(&name).is_some(),
        "a refused remove deleted the key pair"
    );

    env.fedaws(&["account", "remove", &name, "--force"])
        .assert()
        .success();
    let config = env.config();
    assert!(
        !config.contains(&name) && !config.contains("uses-it"),
        "--force left the account or its connector:\n{config}"
    );
    assert_eq!(
        Store::Keyutils.lookup(&name),
        None,
        "--force left the key pair"
    );
}

#[test]
fn an_unreachable_secret_service_fails_fast_and_suggests_keyutils() {
    let env = TestEnv::with_config("");
    let name = unique("nobus");
    let _guard = AccountGuard::new(Store::SecretService, &name);
    let before = env.config_bytes();
    let started = Instant::now();
    let out = env
        .fedaws(&[
            "--keyring",
            "secret-service",
            "account",
            "add",
            &name,
            "--secret-stdin",
        ])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("XDG_RUNTIME_DIR")
        .write_stdin(KeyPair::new().stdin())
        .timeout(Duration::from_secs(20))
        .assert()
        .code(7)
        .get_output()
        .clone();
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(5),
        "failing took {elapsed:?}; an unreachable store must fail fast"
    );
    let err = stderr(&out);
    assert!(
        err.contains("D-Bus") && err.contains("keyutils"),
        "the error does not name D-Bus and suggest keyutils:\n{err}"
    );
    assert_eq!(
        env.config_bytes(),
        before,
        "the failed add changed the config"
    );
}
