//! How `fedaws creds` fails: an endpoint nobody listens on, retried 5xx and throttling, and each
//! AWS refusal with its explanation. Always with empty stdout and no secret on stderr.

use std::time::{Duration, Instant};

use crate::common::{stderr, stdout};
use crate::sts_fixture::Broker;
use crate::sts_server::{
    FAKE_SESSION_TOKEN, TestServer, free_port, get_session_token_ok, sts_error, xml_values,
};

const CONNECTOR: &str = "[connectors.sess]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n";
const CREDS: &[&str] = &["creds", "sess", "--format", "json"];

#[test]
fn an_endpoint_nobody_listens_on_fails_fast_with_exit_6() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let broker = Broker::new(Some(&url), &[], CONNECTOR);
    let started = Instant::now();
    let out = broker.run(CREDS);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(&out));
    assert!(
        stderr(&out).contains(&url),
        "stderr does not name {url}:\n{}",
        stderr(&out)
    );
    broker.finish(&[]);
}

#[test]
fn two_503s_then_success_is_retried_to_success() {
    let unavailable = sts_error("ServiceUnavailable", "Service Unavailable");
    let ok = get_session_token_ok();
    let expiration = xml_values(&ok, "Expiration").remove(0);
    let sts = TestServer::scripted(vec![
        (503, unavailable.clone()),
        (503, unavailable),
        (200, ok),
    ]);
    let broker = Broker::new(None, &[], CONNECTOR);
    let out = broker.ok_with(CREDS, &[("AWS_ENDPOINT_URL_STS", sts.url())]);
    let value: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert!(value["SessionToken"].as_str() == Some(FAKE_SESSION_TOKEN));
    assert_eq!(value["Expiration"].as_str(), Some(expiration.as_str()));
    assert_eq!(sts.count(), 3, "expected two retries");
    for r in sts.requests() {
        assert_eq!(r.action(), "GetSessionToken");
    }
    broker.finish(&[&sts]);
}

#[test]
fn throttling_gives_up_after_three_attempts() {
    let sts = TestServer::scripted(vec![(400, sts_error("Throttling", "Rate exceeded"))]);
    let broker = Broker::new(None, &[], CONNECTOR);
    let out = broker.run_with(CREDS, &[("AWS_ENDPOINT_URL_STS", sts.url())]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(&out));
    assert!(stderr(&out).contains("throttled"), "{}", stderr(&out));
    assert_eq!(sts.count(), 3, "expected exactly 3 attempts");
    broker.finish(&[&sts]);
}

#[test]
fn aws_refusals_are_not_retried_and_are_explained() {
    let cases: &[(u16, &str, &str, &[&str])] = &[
        (
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            &["--rotate"],
        ),
        (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
            &["does not match its access key id", "--rotate"],
        ),
        (
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:GetSessionToken",
            &["sts:"],
        ),
        (
            400,
            "PackedPolicyTooLarge",
            "Packed policy consumes 112% of allotted space",
            &["112%"],
        ),
        (
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            &["MaxSessionDuration", "--duration"],
        ),
    ];
    let broker = Broker::new(None, &[], CONNECTOR);
    let mut servers = Vec::new();
    for (status, code, message, expected) in cases {
        let sts = TestServer::scripted(vec![(*status, sts_error(code, message))]);
        let out = broker.run_with(CREDS, &[("AWS_ENDPOINT_URL_STS", sts.url())]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(5), "{code}: {err}");
        assert!(out.stdout.is_empty(), "{code}: stdout {}", stdout(&out));
        assert_eq!(sts.count(), 1, "{code} was retried");
        for needle in *expected {
            assert!(
                err.contains(needle),
                "{code}: stderr lacks {needle:?}:\n{err}"
            );
        }
        assert!(
            err.contains(&format!("`{}`", broker.account))
                || *code == "PackedPolicyTooLarge"
                || *code == "ValidationError",
            "{code}: stderr does not name the account:\n{err}"
        );
        servers.push(sts);
    }
    broker.finish(&servers.iter().collect::<Vec<_>>());
}
