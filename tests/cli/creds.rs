//! `fedaws creds` against moto, through a recording forwarder: which STS action and parameters
//! were sent, what is printed in each format, and how real consumers read it.

use std::collections::BTreeMap;

use crate::common::{stderr, stdout};
use crate::sts_fixture::{Broker, MOTO_ACCOUNT, os_user};
use crate::sts_server::{Recorded, TestServer, answered};

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}"#;
const POLICY_ARN: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/// Fail unless `text` is exactly one credential_process object (and a newline) holding what STS
/// answered in `request`, expiring `secs` from now.
fn assert_credential_process(text: &str, request: &Recorded, secs: i64) {
    assert!(
        text.ends_with('\n') && text.trim_end().lines().count() == 1,
        "stdout is not exactly one line of JSON:\n{text}"
    );
    let value: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{text}"));
    let object = value.as_object().expect("a JSON object");
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "AccessKeyId",
            "Expiration",
            "SecretAccessKey",
            "SessionToken",
            "Version"
        ],
        "the object has other keys than credential_process expects: {text}"
    );
    assert_eq!(value["Version"], 1, "{text}");
    let (id, secret, token) = answered(request);
    assert_eq!(value["AccessKeyId"].as_str(), Some(id.as_str()));
    assert!(
        value["SecretAccessKey"].as_str() == Some(secret.as_str()),
        "SecretAccessKey is not the one STS answered"
    );
    assert!(
        value["SessionToken"].as_str() == Some(token.as_str()),
        "SessionToken is not the one STS answered"
    );
    let expiration = value["Expiration"]
        .as_str()
        .expect("Expiration is a string");
    assert_expires_in(expiration, secs);
}

/// Fail unless the RFC 3339 time `expiration` is `secs` from now, within a few seconds.
fn assert_expires_in(expiration: &str, secs: i64) {
    assert!(
        expiration.ends_with('Z') && expiration.len() == 20,
        "Expiration {expiration:?} is not RFC 3339 UTC in whole seconds"
    );
    let at: jiff::Timestamp = expiration
        .parse()
        .unwrap_or_else(|e| panic!("Expiration {expiration:?} does not parse: {e}"));
    let left = at.as_second() - jiff::Timestamp::now().as_second();
    assert!(
        (secs - 15..=secs + 2).contains(&left),
        "Expiration {expiration} is {left} s from now, expected {secs} s"
    );
}

/// The last request the server saw.
fn last(server: &TestServer) -> Recorded {
    server.requests().pop().expect("a request reached STS")
}

fn assert_param(request: &Recorded, name: &str, expected: &str) {
    assert_eq!(
        request.param(name).as_deref(),
        Some(expected),
        "{name} in the {} request: {:#?}",
        request.action(),
        request.form()
    );
}

fn assert_no_param(request: &Recorded, name: &str) {
    assert_eq!(
        request.param(name),
        None,
        "{name} was sent in the {} request",
        request.action()
    );
}

/// The `identity` row of the table format.
fn identity_row(table: &str) -> String {
    table
        .lines()
        .find_map(|l| l.trim().strip_prefix("identity"))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| panic!("the table has no identity row:\n{table}"))
}

#[test]
fn federated_user_sends_get_federation_token_with_policy_and_name() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        &format!(
            "[connectors.fed]\naccount = \"{{account}}\"\nprincipal = \"federated-user\"\npolicy = '{POLICY}'\npolicy_arns = [\"{POLICY_ARN}\"]\n"
        ),
    );
    let user = os_user();

    let out = broker.ok(&["creds", "fed", "--format", "json", "--duration", "1h"]);
    let request = last(&sts);
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/");
    assert!(
        request.headers.iter().any(|(k, v)| k == "content-type"
            && v.starts_with("application/x-www-form-urlencoded")),
        "{:?}",
        request.headers
    );
    assert_eq!(request.action(), "GetFederationToken");
    assert_param(&request, "Name", &user);
    assert_param(&request, "DurationSeconds", "3600");
    assert_param(&request, "Policy", POLICY);
    assert_param(&request, "PolicyArns.member.1.arn", POLICY_ARN);
    assert_no_param(&request, "SerialNumber");
    assert_credential_process(&out, &request, 3600);

    let out = broker.ok(&["creds", "fed", "--format", "json"]);
    let request = last(&sts);
    assert_param(&request, "DurationSeconds", "43200");
    assert_credential_process(&out, &request, 43200);

    let table = broker.ok(&["creds", "fed", "--format", "table"]);
    assert_eq!(
        identity_row(&table),
        format!("arn:aws:sts::{MOTO_ACCOUNT}:federated-user/{user}")
    );
    assert_eq!(
        sts.count(),
        2,
        "one STS request per new duration; the table came from the cache"
    );
    broker.finish(&[&sts]);
}

#[test]
fn iam_user_sends_get_session_token() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        "[connectors.sess]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n",
    );

    let out = broker.ok(&["creds", "sess", "--format", "json", "--duration", "1h"]);
    let request = last(&sts);
    assert_eq!(request.action(), "GetSessionToken");
    assert_param(&request, "DurationSeconds", "3600");
    for absent in [
        "Name",
        "RoleSessionName",
        "Policy",
        "SerialNumber",
        "TokenCode",
    ] {
        assert_no_param(&request, absent);
    }
    assert_credential_process(&out, &request, 3600);

    let out = broker.ok(&["creds", "sess", "--format", "json"]);
    let request = last(&sts);
    assert_param(&request, "DurationSeconds", "43200");
    assert_credential_process(&out, &request, 43200);
    assert_eq!(sts.count(), 2);
    broker.finish(&[&sts]);
}

#[test]
fn assume_role_sends_role_external_id_policy_and_session_name() {
    let sts = TestServer::moto_recorder();
    let role = "FedawsTestRole";
    let role_arn = format!("arn:aws:iam::{MOTO_ACCOUNT}:role/{role}");
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        &format!(
            "[connectors.role]\naccount = \"{{account}}\"\nprincipal = \"assume-role\"\nrole_arn = \"{role_arn}\"\nexternal_id = \"ext-id_42\"\npolicy = '{POLICY}'\npolicy_arns = [\"{POLICY_ARN}\"]\n"
        ),
    );
    let user = os_user();

    let out = broker.ok(&["creds", "role", "--format", "json", "--duration", "1h"]);
    let request = last(&sts);
    assert_eq!(request.action(), "AssumeRole");
    assert_param(&request, "RoleArn", &role_arn);
    assert_param(&request, "RoleSessionName", &user);
    assert_param(&request, "ExternalId", "ext-id_42");
    assert_param(&request, "Policy", POLICY);
    assert_param(&request, "PolicyArns.member.1.arn", POLICY_ARN);
    assert_param(&request, "DurationSeconds", "3600");
    assert_no_param(&request, "SerialNumber");
    assert_credential_process(&out, &request, 3600);

    let out = broker.ok(&["creds", "role", "--format", "json", "--duration", "2h"]);
    let request = last(&sts);
    assert_param(&request, "DurationSeconds", "7200");
    assert_credential_process(&out, &request, 7200);

    // The default is 1h, which is cached already: --refresh makes it ask STS again.
    let out = broker.ok(&["creds", "role", "--format", "json", "--refresh"]);
    let request = last(&sts);
    assert_param(&request, "DurationSeconds", "3600");
    assert_credential_process(&out, &request, 3600);

    let table = broker.ok(&["creds", "role", "--format", "table"]);
    assert_eq!(
        identity_row(&table),
        format!("arn:aws:sts::{MOTO_ACCOUNT}:assumed-role/{role}/{user}")
    );
    assert_eq!(
        sts.count(),
        3,
        "--refresh asked STS, the table came from the cache"
    );
    broker.finish(&[&sts]);
}

#[test]
fn source_identity_names_the_caller_and_is_refused_where_sts_takes_none() {
    let sts = TestServer::moto_recorder();
    let role_arn = format!("arn:aws:iam::{MOTO_ACCOUNT}:role/Traced");
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        &format!(
            "[connectors.traced]\naccount = \"{{account}}\"\nprincipal = \"assume-role\"\nrole_arn = \"{role_arn}\"\nsource_identity = true\n\n[connectors.plain]\naccount = \"{{account}}\"\nprincipal = \"assume-role\"\nrole_arn = \"{role_arn}\"\n"
        ),
    );
    let user = os_user();

    broker.ok(&["creds", "traced", "--format", "json"]);
    let request = last(&sts);
    assert_eq!(request.action(), "AssumeRole");
    assert_param(&request, "SourceIdentity", &user);
    assert_param(&request, "RoleSessionName", &user);
    broker.ok(&["creds", "plain", "--format", "json"]);
    assert_no_param(&last(&sts), "SourceIdentity");

    // `connector add` sets it, shows it, and refuses it where the principal has no such field.
    broker.ok(&[
        "connector",
        "add",
        "traced2",
        "--account",
        &broker.account,
        "--principal",
        "assume-role",
        "--role-arn",
        &role_arn,
        "--source-identity",
    ]);
    assert!(
        broker.env.config().contains("source_identity = true"),
        "{}",
        broker.env.config()
    );
    let shown = broker.ok(&["connector", "show", "traced2", "--json"]);
    let shown: serde_json::Value = serde_json::from_str(&shown).expect("connector show json");
    assert_eq!(shown["source_identity"], true, "{shown}");
    broker.ok(&["creds", "traced2", "--format", "json"]);
    assert_param(&last(&sts), "SourceIdentity", &user);

    let before = broker.env.config();
    let out = broker.run(&[
        "connector",
        "add",
        "fed",
        "--account",
        &broker.account,
        "--principal",
        "federated-user",
        "--source-identity",
    ]);
    assert!(
        !out.status.success(),
        "federated-user took a SourceIdentity"
    );
    let err = stderr(&out);
    assert!(
        err.contains("source_identity") && err.contains("only assume-role"),
        "{err}"
    );
    assert_eq!(
        broker.env.config(),
        before,
        "a refused add changed the config"
    );
    assert_eq!(sts.count(), 3, "the refused add reached STS");
    broker.finish(&[&sts]);
}

const MFA_CONNECTORS: &str = "[connectors.sess]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n\n[connectors.role]\naccount = \"{account}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::123456789012:role/MfaRole\"\n";

#[test]
fn mfa_code_reaches_get_session_token_and_assume_role() {
    let sts = TestServer::moto_recorder();
    let serial = "arn:aws:iam::123456789012:mfa/fedaws-test";
    let broker = Broker::new(Some(sts.url()), &["--mfa-serial", serial], MFA_CONNECTORS);
    for (connector, action) in [("sess", "GetSessionToken"), ("role", "AssumeRole")] {
        let out = broker.ok(&[
            "creds",
            connector,
            "--format",
            "json",
            "--mfa-code",
            "123456",
        ]);
        let request = last(&sts);
        assert_eq!(request.action(), action);
        assert_param(&request, "SerialNumber", serial);
        assert_param(&request, "TokenCode", "123456");
        let secs = if connector == "sess" { 43200 } else { 3600 };
        assert_credential_process(&out, &request, secs);
    }
    assert_eq!(sts.count(), 2);
    broker.finish(&[&sts]);
}

#[test]
fn mfa_process_output_is_sent_as_the_code() {
    let sts = TestServer::moto_recorder();
    let serial = "arn:aws:iam::123456789012:mfa/fedaws-process";
    let broker = Broker::new(
        Some(sts.url()),
        &["--mfa-serial", serial, "--mfa-process", "echo 654321"],
        MFA_CONNECTORS,
    );
    for (connector, action) in [("sess", "GetSessionToken"), ("role", "AssumeRole")] {
        broker.ok(&["creds", connector, "--format", "json"]);
        let request = last(&sts);
        assert_eq!(request.action(), action);
        assert_param(&request, "SerialNumber", serial);
        assert_param(&request, "TokenCode", "654321");
    }
    broker.finish(&[&sts]);
}

#[test]
fn a_missing_mfa_code_without_a_terminal_fails_before_any_request() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(
        Some(sts.url()),
        &["--mfa-serial", "arn:aws:iam::123456789012:mfa/fedaws-none"],
        MFA_CONNECTORS,
    );
    for connector in ["sess", "role"] {
        let out = broker.run(&["--no-input", "creds", connector, "--format", "json"]);
        assert!(!out.status.success(), "creds without an MFA code succeeded");
        assert!(out.stdout.is_empty(), "stdout: {}", stdout(&out));
        assert!(
            stderr(&out).contains("--mfa-code"),
            "stderr does not name --mfa-code:\n{}",
            stderr(&out)
        );
    }
    // Without --no-input, but in a new session with no controlling terminal at all.
    let mut cmd = broker.env_command("setsid");
    cmd.arg("-w")
        .arg(env!("CARGO_BIN_EXE_fedaws"))
        .args(["creds", "sess", "--format", "json"]);
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(crate::common::COMMAND_TIMEOUT)
        .output()
        .expect("run setsid fedaws");
    broker.record("setsid fedaws creds sess", &out);
    assert!(!out.status.success(), "creds without an MFA code succeeded");
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(&out));
    assert!(stderr(&out).contains("--mfa-code"), "{}", stderr(&out));
    assert_eq!(sts.count(), 0, "a request reached STS without an MFA code");
    broker.finish(&[&sts]);
}

#[test]
fn a_duration_above_the_maximum_is_refused_before_any_request() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        "[connectors.short]\naccount = \"{account}\"\nprincipal = \"iam-user\"\nmax_duration = \"1h\"\n\n[connectors.role]\naccount = \"{account}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::123456789012:role/R\"\n",
    );
    for (connector, duration) in [("short", "2h"), ("short", "3601"), ("role", "13h")] {
        let out = broker.run(&[
            "creds",
            connector,
            "--format",
            "json",
            "--duration",
            duration,
        ]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "--duration {duration} on {connector}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains("--duration"), "{}", stderr(&out));
    }
    assert_eq!(sts.count(), 0, "a refused duration still reached STS");
    broker.finish(&[&sts]);
}

/// `KEY=value` lines, with dotenv's double quotes undone.
fn parse_dotenv(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("not a KEY=value line: {l:?}"));
            assert!(
                k.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "bad key in {l:?}"
            );
            let v = match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(inner) => inner
                    .replace("\\n", "\n")
                    .replace("\\\"", "\"")
                    .replace("\\$", "$")
                    .replace("\\\\", "\\"),
                None => v.to_string(),
            };
            (k.to_string(), v)
        })
        .collect()
}

#[test]
fn every_format_is_read_back_by_its_consumer() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        "[connectors.role]\naccount = \"{account}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::123456789012:role/FormatRole\"\nregion = \"eu-west-2\"\n",
    );
    let vars = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ];

    // POSIX sh, as `eval "$(fedaws creds X --format env)"`.
    let printed = broker.eval_env("role", &vars);
    let (id, secret, token) = answered(&last(&sts));
    let values: Vec<&str> = printed.lines().collect();
    assert_eq!(values.len(), 6, "{printed}");
    assert_eq!(values[0], id);
    assert!(values[1] == secret, "the secret key differs after eval");
    assert!(values[2] == token, "the session token differs after eval");
    assert_expires_in(values[3], 3600);
    assert_eq!(values[4], "eu-west-2");
    assert_eq!(values[5], "eu-west-2");
    // The same token as the JSON format gives for the same STS answer.
    let json = broker.ok(&["creds", "role", "--format", "json"]);
    let (_, _, json_token) = answered(&last(&sts));
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(parsed["SessionToken"].as_str() == Some(json_token.as_str()));

    // env is the default when stdout is not a terminal.
    let text = broker.ok(&["creds", "role"]);
    assert!(
        text.lines().all(|l| l.starts_with("export AWS_")),
        "the default format off a terminal is not env:\n{text}"
    );

    // dotenv.
    let text = broker.ok(&["creds", "role", "--format", "dotenv"]);
    let (id, secret, token) = answered(&last(&sts));
    let parsed = parse_dotenv(&text);
    assert_eq!(
        parsed.keys().map(String::as_str).collect::<Vec<_>>(),
        {
            let mut v = vars.to_vec();
            v.sort_unstable();
            v
        },
        "{text}"
    );
    assert_eq!(parsed["AWS_ACCESS_KEY_ID"], id);
    assert!(parsed["AWS_SECRET_ACCESS_KEY"] == secret);
    assert!(parsed["AWS_SESSION_TOKEN"] == token);
    assert_eq!(parsed["AWS_REGION"], "eu-west-2");
    assert_expires_in(&parsed["AWS_CREDENTIAL_EXPIRATION"], 3600);

    // ini, read by Python's configparser (what botocore's own parser follows).
    let text = broker.ok(&["creds", "role", "--format", "ini"]);
    let (id, secret, token) = answered(&last(&sts));
    let ini = broker.env.root().join("creds.ini");
    std::fs::write(&ini, &text).expect("write the ini output");
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import configparser, sys\n\
             c = configparser.ConfigParser()\n\
             c.read(sys.argv[1])\n\
             print(' '.join(c.sections()))\n\
             s = c['role']\n\
             for k in ('aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'region'):\n\
             \x20   print(s[k])\n",
        )
        .arg(&ini)
        .output()
        .expect("run python3");
    assert!(out.status.success(), "configparser: {}", stderr(&out));
    let printed = stdout(&out);
    let values: Vec<&str> = printed.lines().collect();
    assert_eq!(values.len(), 5, "{printed}");
    assert_eq!(values[0], "role", "the ini output has other sections");
    assert_eq!(values[1], id);
    assert!(values[2] == secret, "configparser reads another secret");
    assert!(values[3] == token, "configparser reads another token");
    assert_eq!(values[4], "eu-west-2");
    std::fs::remove_file(&ini).expect("remove the ini file");

    // fish and PowerShell, structurally.
    let text = broker.ok(&["creds", "role", "--format", "fish"]);
    let (_, _, token) = answered(&last(&sts));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), vars.len(), "{text}");
    for (line, var) in lines.iter().zip(vars) {
        assert!(
            line.starts_with(&format!("set -gx {var} '")),
            "fish line {line:?}"
        );
    }
    assert!(text.contains(&format!("set -gx AWS_SESSION_TOKEN '{token}';\n")));
    let text = broker.ok(&["creds", "role", "--format", "powershell"]);
    let (_, _, token) = answered(&last(&sts));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), vars.len(), "{text}");
    for (line, var) in lines.iter().zip(vars) {
        assert!(
            line.starts_with(&format!("$Env:{var} = '")),
            "PowerShell line {line:?}"
        );
    }
    assert!(text.contains(&format!("$Env:AWS_SESSION_TOKEN = '{token}'\n")));
    broker.finish(&[&sts]);
}
