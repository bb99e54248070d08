//! The AWS and fedaws rules at their boundaries, through the command line: the last accepted
//! value passes, the first refused one fails with the documented exit code and a message that
//! names the field, the value and what is allowed, and a refused edit leaves the file alone.

use crate::common::{TestEnv, stderr};

/// An iam-user account and a root account; no secrets are needed to add connectors.
const ACCOUNTS: &str = "[accounts.user]\n\n[accounts.boss]\nkind = \"root\"\n";

/// A role ARN that passes every check.
const ROLE: &str = "arn:aws:iam::123456789012:role/Deploy";

/// `fedaws ARGS` must succeed.
fn accepted(env: &TestEnv, args: &[&str]) {
    let out = env.fedaws(args).assert().get_output().clone();
    assert!(
        out.status.success(),
        "`fedaws {}` was refused ({}):\n{}",
        args.join(" "),
        out.status,
        stderr(&out)
    );
}

/// `fedaws ARGS` must exit with `code`, name every one of `needles` on stderr, and leave the
/// config as it was. Returns stderr.
fn refused(env: &TestEnv, args: &[&str], code: i32, needles: &[&str]) -> String {
    let before = env.config_bytes();
    let out = env.fedaws(args).assert().get_output().clone();
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "`fedaws {}` should exit {code}:\n{err}",
        args.join(" ")
    );
    for needle in needles {
        assert!(
            err.contains(needle),
            "`fedaws {}`: the error does not mention {needle:?}:\n{err}",
            args.join(" ")
        );
    }
    assert_eq!(
        env.config_bytes(),
        before,
        "`fedaws {}` changed the config although it was refused",
        args.join(" ")
    );
    err
}

/// Fail unless `err` shows the value in at least one of its spellings (`899` or `14m59s`).
fn shows_value(err: &str, spellings: &[&str]) {
    assert!(
        spellings.iter().any(|s| err.contains(s)),
        "the error shows none of {spellings:?}:\n{err}"
    );
}

/// `connector add NAME --account ACCOUNT --principal PRINCIPAL --max-duration SECS [EXTRA…]`.
fn with_duration<'a>(
    name: &'a str,
    account: &'a str,
    principal: &'a str,
    secs: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "connector",
        "add",
        name,
        "--account",
        account,
        "--principal",
        principal,
        "--max-duration",
        secs,
    ];
    args.extend(extra);
    args
}

#[test]
fn federated_user_durations_with_an_iam_user_account() {
    let env = TestEnv::with_config(ACCOUNTS);
    let err = refused(
        &env,
        &with_duration("f899", "user", "federated-user", "899", &[]),
        3,
        &["f899", "max_duration", "15m (900 s)", "36h (129600 s)"],
    );
    shows_value(&err, &["899", "14m59s"]);
    accepted(
        &env,
        &with_duration("f900", "user", "federated-user", "900", &[]),
    );
    accepted(
        &env,
        &with_duration("f129600", "user", "federated-user", "129600", &[]),
    );
    let err = refused(
        &env,
        &with_duration("f129601", "user", "federated-user", "129601", &[]),
        3,
        &["f129601", "max_duration", "15m (900 s)", "36h (129600 s)"],
    );
    shows_value(&err, &["129601", "36h1s"]);
}

#[test]
fn root_accounts_are_capped_at_one_hour() {
    let env = TestEnv::with_config(ACCOUNTS);
    accepted(
        &env,
        &with_duration("r3600", "boss", "iam-user", "3600", &[]),
    );
    let err = refused(
        &env,
        &with_duration("r3601", "boss", "iam-user", "3601", &[]),
        3,
        &["r3601", "max_duration", "1h (3600 s)", "root"],
    );
    shows_value(&err, &["3601", "1h1s"]);
    refused(
        &env,
        &[
            "connector",
            "add",
            "root-role",
            "--account",
            "boss",
            "--principal",
            "assume-role",
            "--role-arn",
            ROLE,
        ],
        3,
        &["root-role", "root", "assume-role"],
    );
}

#[test]
fn assume_role_durations() {
    let env = TestEnv::with_config(ACCOUNTS);
    accepted(
        &env,
        &with_duration(
            "a43200",
            "user",
            "assume-role",
            "43200",
            &["--role-arn", ROLE],
        ),
    );
    let err = refused(
        &env,
        &with_duration(
            "a43201",
            "user",
            "assume-role",
            "43201",
            &["--role-arn", ROLE],
        ),
        3,
        &["a43201", "max_duration", "12h (43200 s)"],
    );
    shows_value(&err, &["43201", "12h1s"]);
    let err = refused(
        &env,
        &["connector", "edit", "a43200", "--max-duration", "12h1s"],
        3,
        &["a43200", "max_duration", "12h (43200 s)"],
    );
    shows_value(&err, &["43201", "12h1s"]);
}

/// A valid policy of exactly `len` characters, none of them whitespace.
fn policy_of_len(len: usize) -> String {
    let head = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"#;
    let tail = r#""}}"#;
    let policy = format!("{head}{}{tail}", "b".repeat(len - head.len() - tail.len()));
    assert_eq!(policy.chars().count(), len);
    policy
}

#[test]
fn policy_check_allows_2048_characters_and_refuses_2049() {
    let env = TestEnv::with_config(ACCOUNTS);
    let ok = env.root().join("p2048.json");
    std::fs::write(&ok, policy_of_len(2048)).unwrap();
    let out = env
        .fedaws(&["policy", "check", ok.to_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(stderr(&out).contains("2048 of 2048"), "{}", stderr(&out));

    let big = env.root().join("p2049.json");
    std::fs::write(&big, policy_of_len(2049)).unwrap();
    // `policy check` reports an invalid policy as a general failure (exit 1), not a usage or
    // config error: the command line and the config are fine.
    refused(
        &env,
        &["policy", "check", big.to_str().unwrap()],
        1,
        &["p2049.json", "2049 characters", "2048"],
    );
}

#[test]
fn at_most_ten_policy_arns() {
    let env = TestEnv::with_config(ACCOUNTS);
    let arns: Vec<String> = (1..=11)
        .map(|i| format!("arn:aws:iam::aws:policy/Policy{i}"))
        .collect();
    let args = |name: &'static str, n: usize| -> Vec<String> {
        let mut args: Vec<String> = [
            "connector",
            "add",
            name,
            "--account",
            "user",
            "--principal",
            "federated-user",
        ]
        .map(String::from)
        .to_vec();
        for arn in &arns[..n] {
            args.push("--policy-arn".into());
            args.push(arn.clone());
        }
        args
    };
    let ten = args("ten", 10);
    accepted(&env, &ten.iter().map(String::as_str).collect::<Vec<_>>());
    let eleven = args("eleven", 11);
    refused(
        &env,
        &eleven.iter().map(String::as_str).collect::<Vec<_>>(),
        2,
        &[
            "--policy-arn",
            "arn:aws:iam::aws:policy/Policy1",
            "11 policy ARNs",
            "at most 10",
        ],
    );
}

#[test]
fn connector_names_have_at_most_64_ascii_characters() {
    let env = TestEnv::with_config(ACCOUNTS);
    let add = |name: &str| {
        vec![
            "connector".to_string(),
            "add".into(),
            name.into(),
            "--account".into(),
            "user".into(),
            "--principal".into(),
            "iam-user".into(),
        ]
    };
    let n64 = "n".repeat(64);
    accepted(
        &env,
        &add(&n64).iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let n65 = "n".repeat(65);
    refused(
        &env,
        &add(&n65).iter().map(String::as_str).collect::<Vec<_>>(),
        2,
        &["connector name", &n65, "65 characters", "1 to 64"],
    );
    refused(
        &env,
        &add("café").iter().map(String::as_str).collect::<Vec<_>>(),
        2,
        &["connector name", "café", "'é' (U+00E9)", "A-Z a-z"],
    );
}

#[test]
fn role_arns_external_ids_and_mfa_serials() {
    let env = TestEnv::with_config(ACCOUNTS);
    let role = |name: &'static str, arn: &'static str, extra: &[&'static str]| {
        let mut args = vec![
            "connector",
            "add",
            name,
            "--account",
            "user",
            "--principal",
            "assume-role",
            "--role-arn",
            arn,
        ];
        args.extend(extra);
        args
    };
    refused(
        &env,
        &role("arn11", "arn:aws:iam::12345678901:role/Deploy", &[]),
        2,
        &[
            "--role-arn",
            "arn:aws:iam::12345678901:role/Deploy",
            "12 digits",
        ],
    );
    refused(
        &env,
        &role("ext1", ROLE, &["--external-id", "x"]),
        2,
        &["--external-id", "\"x\"", "1 character", "2 to 1224"],
    );
    accepted(&env, &role("ext2", ROLE, &["--external-id", "xy"]));
    refused(
        &env,
        &[
            "account",
            "add",
            "mfa-bad",
            "--mfa-serial",
            "arn:aws:iam::123456789012:mfa/bad name",
            "--secret-stdin",
        ],
        2,
        &[
            "--mfa-serial",
            "arn:aws:iam::123456789012:mfa/bad name",
            "' ' (U+0020)",
            "allowed are",
        ],
    );
    refused(
        &env,
        &[
            "account",
            "add",
            "mfa-short",
            "--mfa-serial",
            "GAHT1234",
            "--secret-stdin",
        ],
        2,
        &["--mfa-serial", "GAHT1234", "8 characters", "9 to 256"],
    );
}

#[test]
fn fields_that_do_not_fit_the_principal_type_are_refused() {
    let env = TestEnv::with_config(ACCOUNTS);
    let policy = policy_of_len(200);
    refused(
        &env,
        &[
            "connector",
            "add",
            "with-policy",
            "--account",
            "user",
            "--principal",
            "iam-user",
            "--policy",
            &policy,
        ],
        3,
        &[
            "with-policy",
            "policy",
            "iam-user",
            "takes no session policy",
        ],
    );
    refused(
        &env,
        &[
            "connector",
            "add",
            "fed-ext",
            "--account",
            "user",
            "--principal",
            "federated-user",
            "--external-id",
            "build-farm",
        ],
        3,
        &[
            "fed-ext",
            "external_id",
            "build-farm",
            "only used by assume-role",
        ],
    );
    refused(
        &env,
        &[
            "connector",
            "add",
            "no-role",
            "--account",
            "user",
            "--principal",
            "assume-role",
        ],
        2,
        &["--role-arn"],
    );
}

#[test]
fn an_unknown_key_in_a_hand_edited_config_suggests_the_right_one() {
    let env = TestEnv::with_config(
        "[settings]\nregoin = \"us-east-1\"\n\n[accounts.user]\n\n[connectors.c]\naccount = \"user\"\nprincipal = \"iam-user\"\nmax_duraton = 900\n",
    );
    for args in [&["check"][..], &["connector", "list"][..]] {
        refused(
            &env,
            args,
            3,
            &[
                "line 2, column 1",
                "unknown key `regoin`",
                "did you mean `region`?",
                "line 9, column 1",
                "unknown key `max_duraton`",
                "did you mean `max_duration`?",
            ],
        );
    }
}

#[test]
fn request_values_fail_the_same_way_with_no_config_at_all() {
    let env = TestEnv::new();
    for (args, wanted) in [
        (
            vec!["creds", "x", "--duration", "0s"],
            "15m (900 s) to 36h (129600 s)",
        ),
        (vec!["exec", "x", "--duration", "37h", "--", "true"], "36h"),
        (
            vec!["creds", "x", "--mfa-code", "12345"],
            "exactly 6 digits",
        ),
        (
            vec!["serve", "x", "--region", "mars"],
            "is not a region name",
        ),
        (vec!["console", "x", "--duration", "1y"], "--duration"),
    ] {
        let out = env.fedaws(&args).output().expect("run fedaws");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(wanted), "{args:?}: {err}");
        assert!(
            !err.contains("no config file"),
            "{args:?} read the config: {err}"
        );
    }
}
