//! `fedaws connector …` for each principal type, and the input every command refuses before it
//! changes anything: a value out of its range, a principal type that does not exist, a config
//! that does not parse.

use crate::local::{ACCOUNT, add_connector as add, assert_fails, finish, json, local};
use crate::support::fixture::Fixture;
use crate::support::sts::TestServer;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/Deploy";

/// Run `args`, which must fail with `code` naming each of `needles`, and leave the config
/// byte for byte as it was.
fn refused(fixture: &Fixture, args: &[&str], code: i32, needles: &[&str]) {
    let before = fixture.env.config_bytes();
    let out = fixture.run(args);
    assert_fails(&out, code, needles);
    assert_eq!(
        fixture.env.config_bytes(),
        before,
        "`fedaws {}` changed the config although it was refused",
        args.join(" ")
    );
}

/// A connector of one principal type, added under an alias of the type.
#[derive(Clone, Copy)]
struct Case {
    name: &'static str,
    alias: &'static str,
    flags: &'static [&'static str],
    /// The type's name, as kept and shown.
    principal: &'static str,
    /// The STS call it makes.
    api: &'static str,
    max_seconds: u64,
}

#[test]
fn a_connector_of_each_principal_type_is_added_listed_shown_and_removed() {
    let sts = TestServer::fake_sts();
    let fixture = local(sts.url(), "");
    // Each type under one of its aliases: what is kept and shown is the type's name.
    let cases = [
        Case {
            name: "fed",
            alias: "federation-token",
            flags: &["--max-duration", "2h"],
            principal: "federated-user",
            api: "GetFederationToken",
            max_seconds: 7200,
        },
        Case {
            name: "sess",
            alias: "session-token",
            flags: &[],
            principal: "iam-user",
            api: "GetSessionToken",
            max_seconds: 129_600,
        },
        Case {
            name: "role",
            alias: "assumed-role",
            flags: &["--role-arn", ROLE_ARN, "--external-id", "build-farm"],
            principal: "assume-role",
            api: "AssumeRole",
            max_seconds: 43_200,
        },
    ];
    for Case {
        name,
        alias,
        flags,
        principal,
        api,
        max_seconds,
    } in cases
    {
        fixture.ok(&add(name, alias, flags));
        let shown = json(&fixture, &["connector", "show", name, "--json"]);
        assert_eq!(shown["name"], name, "{shown}");
        assert_eq!(shown["account"], ACCOUNT, "{shown}");
        assert_eq!(shown["principal"], principal, "{shown}");
        assert_eq!(shown["api"], api, "{shown}");
        assert_eq!(shown["max_duration_seconds"], max_seconds, "{shown}");
        let config = fixture.env.config();
        assert!(
            config.contains(&format!(
                "[connectors.{name}]\naccount = \"{ACCOUNT}\"\nprincipal = \"{principal}\"\n"
            )),
            "{config}"
        );
    }
    let shown = json(&fixture, &["connector", "show", "role", "--json"]);
    assert_eq!(shown["role_arn"], ROLE_ARN);
    assert_eq!(shown["external_id"], "build-farm");

    let listed = json(&fixture, &["connector", "list", "--json"]);
    let names: Vec<&str> = listed
        .as_array()
        .expect("connector list --json is an array")
        .iter()
        .map(|c| c["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["fed", "role", "sess"]);
    let table = fixture.ok(&["connector", "list"]);
    for Case {
        name, principal, ..
    } in cases
    {
        assert!(
            table
                .lines()
                .any(|l| l.split_whitespace().take(2).eq([name, principal])),
            "no row for {name}:\n{table}"
        );
    }

    for Case { name, .. } in cases {
        fixture.ok(&["connector", "remove", name]);
        assert!(
            !fixture
                .env
                .config()
                .contains(&format!("[connectors.{name}]")),
            "{}",
            fixture.env.config()
        );
    }
    assert_eq!(
        json(&fixture, &["connector", "list", "--json"]),
        serde_json::json!([])
    );
    assert_eq!(sts.count(), 0, "managing connectors called STS");
    finish(fixture, &[&sts]);
}

#[test]
fn values_out_of_range_and_unknown_types_are_refused_naming_field_value_and_range() {
    let sts = TestServer::fake_sts();
    let fixture = local(sts.url(), "");
    // A duration that reads well but breaks the type's rule: a config error (3).
    refused(
        &fixture,
        &add("fed", "federated-user", &["--max-duration", "37h"]),
        3,
        &[
            "connector `fed`",
            "max_duration = \"37h\"",
            "15m (900 s) to 36h (129600 s)",
        ],
    );
    refused(
        &fixture,
        &add(
            "role",
            "assume-role",
            &["--role-arn", ROLE_ARN, "--max-duration", "899"],
        ),
        3,
        &[
            "connector `role`",
            "max_duration",
            "15m (900 s) to 12h (43200 s)",
        ],
    );
    // A value that is no duration, or no principal type: a usage error (2).
    refused(
        &fixture,
        &add("sess", "iam-user", &["--max-duration", "1y"]),
        2,
        &["--max-duration", "1y", "15m, 1h30m, 36h"],
    );
    refused(
        &fixture,
        &add("x", "wizard", &[]),
        2,
        &[
            "--principal",
            "\"wizard\" is not a principal type",
            "federated-user",
            "iam-user",
            "assume-role",
        ],
    );
    // What a principal type cannot take.
    refused(
        &fixture,
        &add("role", "assume-role", &[]),
        2,
        &["--role-arn"],
    );
    refused(
        &fixture,
        &add("fed", "federated-user", &["--external-id", "build-farm"]),
        3,
        &["external_id", "build-farm", "only used by assume-role"],
    );
    assert_eq!(
        json(&fixture, &["connector", "list", "--json"]),
        serde_json::json!([])
    );
    finish(fixture, &[&sts]);
}

#[test]
fn a_config_that_does_not_parse_is_never_rewritten() {
    let sts = TestServer::fake_sts();
    let fixture = local(sts.url(), "");
    let broken = format!("{}\n[connectors.half\naccount = 1\n", fixture.env.config());
    fixture.env.write_config(&broken);
    let line = broken.lines().count() - 1;
    let store = fixture.env.root().join("state/fedaws/store.enc");
    let sealed = std::fs::read(&store).expect("read the store");
    for args in [
        add("sess", "iam-user", &[]),
        vec!["connector", "remove", "half"],
        vec!["account", "remove", ACCOUNT, "--force"],
        vec!["creds", "half", "--format", "json"],
    ] {
        let out = fixture.run(&args);
        assert_fails(&out, 3, &[&format!("line {line}"), "column"]);
        assert_eq!(
            fixture.env.config(),
            broken,
            "`fedaws {}` rewrote a config that does not parse",
            args.join(" ")
        );
    }
    assert_eq!(
        std::fs::read(&store).expect("read the store"),
        sealed,
        "the store changed"
    );
    assert_eq!(sts.count(), 0, "a command reached STS");
    fixture.assert_no_secret_on_stderr(&[&sts]);
}
