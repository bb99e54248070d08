//! `fedaws exec` against moto: the child's exit code, its environment, and nesting.

use crate::common::{parse_env, stderr};
use crate::sts_fixture::Broker;
use crate::sts_server::{TestServer, xml_values};

const CONNECTOR: &str = "[connectors.c]\naccount = \"{account}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::123456789012:role/ExecRole\"\n";

#[test]
fn exec_passes_on_the_exit_code() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], CONNECTOR);
    let out = broker.run(&["exec", "c", "--", "sh", "-c", "exit 42"]);
    assert_eq!(out.status.code(), Some(42), "{}", stderr(&out));
    assert_eq!(sts.count(), 1);
    broker.finish(&[&sts]);
}

#[test]
fn exec_gives_the_child_the_credentials_and_no_profile() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], CONNECTOR);
    let text = broker.ok_with(
        &["exec", "c", "--", "env"],
        &[
            ("AWS_PROFILE", "x"),
            ("AWS_DEFAULT_PROFILE", "y"),
            ("AWS_SESSION_TOKEN", "stale-token"),
        ],
    );
    let env = parse_env(&text);
    let request = sts.only();
    assert_eq!(request.action(), "AssumeRole");
    let answer = |tag: &str| xml_values(&request.response, tag).remove(0);
    assert_eq!(
        env.get("AWS_ACCESS_KEY_ID"),
        Some(&answer("AccessKeyId")),
        "{text}"
    );
    assert!(
        env.get("AWS_SECRET_ACCESS_KEY") == Some(&answer("SecretAccessKey")),
        "the child's AWS_SECRET_ACCESS_KEY is not the issued one"
    );
    assert!(
        env.get("AWS_SESSION_TOKEN") == Some(&answer("SessionToken")),
        "the child's AWS_SESSION_TOKEN is not the issued one"
    );
    assert_eq!(env.get("AWS_REGION").map(String::as_str), Some("us-east-1"));
    assert_eq!(env.get("FEDAWS_CONNECTOR").map(String::as_str), Some("c"));
    assert_eq!(
        env.get("AWS_PROFILE"),
        None,
        "the child still sees AWS_PROFILE"
    );
    assert_eq!(env.get("AWS_DEFAULT_PROFILE"), None);
    assert!(
        !text.contains(&broker.keys.secret_access_key),
        "the child's environment holds the account's long-term secret"
    );
    broker.finish(&[&sts]);
}

#[test]
fn exec_inside_exec_is_refused_unless_forced() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], CONNECTOR);
    let out = broker.run_with(
        &["exec", "c", "--", "sh", "-c", "echo ran"],
        &[("FEDAWS_CONNECTOR", "outer")],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "the command ran");
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(sts.count(), 0, "a refused exec still called STS");

    let text = broker.ok_with(
        &[
            "exec",
            "c",
            "--force",
            "--",
            "sh",
            "-c",
            "printf %s \"$FEDAWS_CONNECTOR\"",
        ],
        &[("FEDAWS_CONNECTOR", "outer")],
    );
    assert_eq!(text, "c");
    assert_eq!(sts.count(), 1);
    broker.finish(&[&sts]);
}
