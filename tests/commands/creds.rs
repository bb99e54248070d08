//! `fedaws creds` and `fedaws exec` against the fake STS: which call each principal type makes,
//! signed with the key pair the `file` store gave back; what every format prints of what STS
//! issued; what the cache serves without asking STS again.

use crate::local::{finish, json, local};
use crate::support::env::{parse_env, stderr};
use crate::support::fixture::{Fixture, os_user};
use crate::support::sts::{FAKE_ACCOUNT, Recorded, TestServer, answered};

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/Deploy";

/// One connector of each principal type; the assume-role one has a region of its own.
fn connectors() -> String {
    format!(
        "[connectors.fed]\naccount = \"{{account}}\"\nprincipal = \"federated-user\"\npolicy = '{POLICY}'\n\n\
         [connectors.sess]\naccount = \"{{account}}\"\nprincipal = \"iam-user\"\n\n\
         [connectors.role]\naccount = \"{{account}}\"\nprincipal = \"assume-role\"\nrole_arn = \"{ROLE_ARN}\"\nexternal_id = \"build-farm\"\nregion = \"eu-west-2\"\n"
    )
}

/// The last request that reached STS.
fn last(sts: &TestServer) -> Recorded {
    sts.requests().pop().expect("a request reached STS")
}

/// The credentials a `--format json` output holds: (AccessKeyId, SecretAccessKey, SessionToken).
fn printed(text: &str) -> (String, String, String) {
    let value: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{text}"));
    assert_eq!(value["Version"], 1, "{text}");
    let field = |name: &str| value[name].as_str().unwrap_or_default().to_string();
    (
        field("AccessKeyId"),
        field("SecretAccessKey"),
        field("SessionToken"),
    )
}

/// Fail unless `text` (a `--format json` output) holds what STS answered to `request`.
fn assert_serves(text: &str, request: &Recorded, what: &str) {
    assert!(
        printed(text) == answered(request),
        "{what}: the credentials printed are not the ones of that STS answer"
    );
}

/// The STS call a connector makes: its action, the parameters sent and those not sent.
struct Call<'a> {
    connector: &'a str,
    action: &'a str,
    sent: &'a [(&'a str, &'a str)],
    absent: &'a [&'a str],
}

#[test]
fn each_principal_type_makes_its_call_signed_with_the_stored_key() {
    let sts = TestServer::fake_sts();
    let fixture = local(sts.url(), &connectors());
    let user = os_user();
    let calls = [
        Call {
            connector: "fed",
            action: "GetFederationToken",
            sent: &[
                ("Name", &user),
                ("Policy", POLICY),
                ("DurationSeconds", "43200"),
            ],
            absent: &["RoleArn", "RoleSessionName", "SerialNumber"],
        },
        Call {
            connector: "sess",
            action: "GetSessionToken",
            sent: &[("DurationSeconds", "43200")],
            absent: &["Name", "Policy", "RoleSessionName", "SerialNumber"],
        },
        Call {
            connector: "role",
            action: "AssumeRole",
            sent: &[
                ("RoleArn", ROLE_ARN),
                ("RoleSessionName", &user),
                ("ExternalId", "build-farm"),
                ("DurationSeconds", "3600"),
            ],
            absent: &["Name", "Policy", "SerialNumber"],
        },
    ];
    for Call {
        connector,
        action,
        sent,
        absent,
    } in calls
    {
        let out = fixture.ok(&["creds", connector, "--format", "json"]);
        let request = last(&sts);
        assert_eq!(request.action(), action, "{connector}");
        for (name, value) in sent {
            assert_eq!(
                request.param(name).as_deref(),
                Some(*value),
                "{connector}: {name} in {:#?}",
                request.form()
            );
        }
        for name in absent {
            assert_eq!(request.param(name), None, "{connector}: {name} was sent");
        }
        let credential = format!("Credential={}/", fixture.keys.access_key_id);
        assert!(
            request
                .headers
                .iter()
                .any(|(k, v)| k == "authorization" && v.contains(&credential)),
            "{connector}: the call was not signed with the account's stored key"
        );
        assert_serves(&out, &request, connector);
    }
    assert_eq!(sts.count(), 3);

    // The table names the identity STS gave, from the cache.
    for (connector, arn) in [
        (
            "fed",
            format!("arn:aws:sts::{FAKE_ACCOUNT}:federated-user/{user}"),
        ),
        (
            "role",
            format!("arn:aws:sts::123456789012:assumed-role/Deploy/{user}"),
        ),
    ] {
        let table = fixture.ok(&["creds", connector, "--format", "table"]);
        assert!(
            table
                .lines()
                .any(|l| l.split_whitespace().eq(["identity", arn.as_str()])),
            "{connector}: no identity row {arn}:\n{table}"
        );
    }
    assert_eq!(sts.count(), 3, "the tables did not come from the cache");

    // A lifetime asked for is sent, and one above the connector's range refused before any call.
    fixture.ok(&["creds", "sess", "--format", "json", "--duration", "1h"]);
    assert_eq!(last(&sts).param("DurationSeconds").as_deref(), Some("3600"));
    let out = fixture.run(&["creds", "role", "--format", "json", "--duration", "13h"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--duration"), "{}", stderr(&out));
    assert_eq!(sts.count(), 4);
    finish(fixture, &[&sts]);
}

/// The formats `--format` takes, as clap lists them when given one it does not know.
fn formats(fixture: &Fixture) -> Vec<String> {
    let out = fixture.run(&["creds", "role", "--format", "no-such-format"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    let list = err
        .split_once("[possible values: ")
        .and_then(|(_, rest)| rest.split_once(']'))
        .unwrap_or_else(|| panic!("no list of formats:\n{err}"))
        .0;
    list.split(", ").map(str::to_string).collect()
}

/// What `format` prints for the six variables `vars` of connector `role`.
fn expected(format: &str, vars: &[(&str, &str)]) -> String {
    let each = |line: &dyn Fn(&str, &str) -> String| -> String {
        vars.iter().map(|(k, v)| line(k, v) + "\n").collect()
    };
    match format {
        "env" => each(&|k, v| format!("export {k}='{v}'")),
        "fish" => each(&|k, v| format!("set -gx {k} '{v}';")),
        "powershell" => each(&|k, v| format!("$Env:{k} = '{v}'")),
        "dotenv" => each(&|k, v| format!("{k}={v}")),
        "ini" => format!(
            "# fedaws connector role, expires {}\n[role]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\nregion = {}\n",
            vars[3].1, vars[0].1, vars[1].1, vars[2].1, vars[4].1
        ),
        "json" => format!(
            "{{\"Version\":1,\"AccessKeyId\":\"{}\",\"SecretAccessKey\":\"{}\",\"SessionToken\":\"{}\",\"Expiration\":\"{}\"}}\n",
            vars[0].1, vars[1].1, vars[2].1, vars[3].1
        ),
        "table" => {
            let arn = format!(
                "arn:aws:sts::123456789012:assumed-role/Deploy/{}",
                os_user()
            );
            let mut rows = vec![("connector", "role"), ("identity", arn.as_str())];
            rows.extend_from_slice(vars);
            rows.iter().map(|(k, v)| format!("{k} {v}\n")).collect()
        }
        other => panic!("a format this test does not know: {other}"),
    }
}

#[test]
fn every_format_prints_what_sts_issued() {
    let sts = TestServer::fake_sts();
    let fixture = local(sts.url(), &connectors());
    let issued = json(&fixture, &["creds", "role", "--format", "json"]);
    let (id, secret, token) = answered(&sts.only());
    let expiration = issued["Expiration"].as_str().expect("an Expiration");
    let vars = [
        ("AWS_ACCESS_KEY_ID", id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
        ("AWS_SESSION_TOKEN", token.as_str()),
        ("AWS_CREDENTIAL_EXPIRATION", expiration),
        ("AWS_REGION", "eu-west-2"),
        ("AWS_DEFAULT_REGION", "eu-west-2"),
    ];

    let formats = formats(&fixture);
    assert!(formats.len() >= 7, "{formats:?}");
    for format in &formats {
        let mut text = fixture.ok(&["creds", "role", "--format", format]);
        if format == "table" {
            // Columns are padded: compare the words of each row.
            text = text
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") + "\n")
                .collect();
        }
        assert!(
            text == expected(format, &vars),
            "--format {format} does not print the issued credentials as it should:\n{text}"
        );
    }
    // Off a terminal the default is env.
    assert!(fixture.ok(&["creds", "role"]) == expected("env", &vars));

    // What a POSIX shell reads back from `eval "$(fedaws creds role --format env)"`.
    let (names, values): (Vec<&str>, Vec<&str>) = vars.iter().copied().unzip();
    assert!(
        fixture.eval_env("role", &names) == values.join("\n") + "\n",
        "the shell read other values back"
    );
    assert_eq!(sts.count(), 1, "a format asked STS again");
    finish(fixture, &[&sts]);
}

#[test]
fn a_second_call_is_served_from_the_cache_without_a_word() {
    let sts = TestServer::fake_sts();
    let fixture = local(sts.url(), &connectors());
    let creds = ["creds", "sess", "--format", "json"];
    let first = fixture.ok(&creds);
    assert_eq!(sts.count(), 1);
    assert_serves(&first, &last(&sts), "the first call");

    let out = fixture.run(&creds);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sts.count(), 1, "the second call asked STS again");
    assert!(
        out.stdout == first.as_bytes(),
        "the cache served other credentials"
    );
    assert!(
        out.stderr.is_empty(),
        "a cache hit printed on stderr:\n{}",
        stderr(&out)
    );

    // --no-cache neither reads nor writes it; --refresh issues anew and caches that.
    let mut cached = first;
    for (flag, requests) in [("--no-cache", 2), ("--refresh", 3)] {
        let issued = fixture.ok(&["creds", "sess", "--format", "json", flag]);
        assert_eq!(sts.count(), requests, "{flag} did not ask STS");
        assert_serves(&issued, &last(&sts), flag);
        if flag == "--refresh" {
            cached = issued;
        }
        assert!(
            fixture.ok(&creds) == cached,
            "after {flag}, the cache served other credentials than it should"
        );
    }
    assert_eq!(sts.count(), 3);

    // Another lifetime is another entry; `cache clear` empties the connector's.
    fixture.ok(&["creds", "sess", "--format", "json", "--duration", "1h"]);
    assert_eq!(sts.count(), 4);
    let listed = json(&fixture, &["cache", "list", "--json"]);
    let listed = listed.as_array().expect("cache list --json is an array");
    assert_eq!(listed.len(), 2, "{listed:#?}");
    assert!(
        listed.iter().all(|e| e["connector"] == "sess"),
        "{listed:#?}"
    );
    fixture.ok(&["cache", "clear", "sess"]);
    assert_eq!(
        json(&fixture, &["cache", "list", "--json"]),
        serde_json::json!([])
    );
    assert_serves(&fixture.ok(&creds), &last(&sts), "after cache clear");
    assert_eq!(sts.count(), 5);
    finish(fixture, &[&sts]);
}

#[test]
fn exec_gives_the_child_the_credentials_and_its_exit_code_back() {
    let sts = TestServer::fake_sts();
    let fixture = local(sts.url(), &connectors());
    let text = fixture.ok_with(
        &["exec", "role", "--", "env"],
        &[("AWS_PROFILE", "other"), ("AWS_SESSION_TOKEN", "stale")],
    );
    let env = parse_env(&text);
    let (id, secret, token) = answered(&sts.only());
    assert_eq!(env.get("AWS_ACCESS_KEY_ID"), Some(&id), "{text}");
    assert!(env.get("AWS_SECRET_ACCESS_KEY") == Some(&secret));
    assert!(env.get("AWS_SESSION_TOKEN") == Some(&token));
    assert_eq!(env.get("AWS_REGION").map(String::as_str), Some("eu-west-2"));
    assert_eq!(
        env.get("FEDAWS_CONNECTOR").map(String::as_str),
        Some("role")
    );
    assert_eq!(
        env.get("AWS_PROFILE"),
        None,
        "the child still sees AWS_PROFILE"
    );
    assert!(
        !text.contains(&fixture.keys.secret_access_key),
        "the child's environment holds the account's long-term secret"
    );

    let out = fixture.run(&["exec", "role", "--", "sh", "-c", "exit 42"]);
    assert_eq!(out.status.code(), Some(42), "{}", stderr(&out));
    assert_eq!(sts.count(), 1, "the second exec did not use the cache");
    finish(fixture, &[&sts]);
}
