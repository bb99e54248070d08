//! `fedaws check` on a config whose accounts are in the `file` store: a good one passes, and each
//! problem is an error that names its place and field, with exit 3.

use crate::local::{finish, json, local};
use crate::support::env::{stderr, stdout};
use crate::support::sts::TestServer;

const CONNECTORS: &str = "[connectors.fed]\naccount = \"{account}\"\nprincipal = \"federated-user\"\nmax_duration = \"2h\"\n\n[connectors.sess]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n";

#[test]
fn check_passes_a_good_config_and_names_the_field_of_a_bad_one() {
    let sts = TestServer::fake_sts();
    let fixture = local(sts.url(), CONNECTORS);
    let report = fixture.ok(&["check"]);
    let config = fixture.env.config_path();
    assert_eq!(
        report,
        format!(
            "config: {} (1 accounts, 2 connectors, 0 groups)\nsecret store: file\nok: no problems found\n",
            config.display()
        )
    );

    // A rule broken by hand: the connector, the field, the value, the range and the line.
    let good = fixture.env.config();
    let bad = good.replace("max_duration = \"2h\"", "max_duration = \"37h\"");
    fixture.env.write_config(&bad);
    let line = bad
        .lines()
        .position(|l| l.contains("\"37h\""))
        .expect("the edited line")
        + 1;
    let out = fixture.run(&["check"]);
    assert_fails_with_report(&out);
    let report = stdout(&out);
    assert!(
        report.contains(&format!(
            "error: line {line}: connector `fed`: max_duration = \"37h\": out of range, allowed 15m (900 s) to 36h (129600 s)"
        )),
        "{report}"
    );
    let out = fixture.run(&["check", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check --json");
    assert_eq!(report["errors"], 1, "{report}");
    assert_eq!(report["findings"][0]["line"], line, "{report}");

    // An account whose key pair is not in the store.
    fixture
        .env
        .write_config(&format!("{good}\n[accounts.spare]\n"));
    let out = fixture.run(&["check"]);
    assert_fails_with_report(&out);
    assert!(
        stdout(&out).contains("account `spare` has no key pair in the file store"),
        "{}",
        stdout(&out)
    );
    fixture.env.write_config(&good);
    assert_eq!(json(&fixture, &["check", "--json"])["errors"], 0);
    assert_eq!(sts.count(), 0, "check called STS");
    finish(fixture, &[&sts]);
}

/// `check` found errors: exit 3, the count on stderr, the report on stdout.
fn assert_fails_with_report(out: &std::process::Output) {
    assert_eq!(out.status.code(), Some(3), "{}", stderr(out));
    assert!(stderr(out).contains("found by check"), "{}", stderr(out));
    assert!(!out.stdout.is_empty(), "check printed no report");
}
