//! How `fedaws creds` fails against STS: a refusal is exit 5 with AWS's own message, an endpoint
//! nobody listens on exit 6 naming it; stdout stays empty and nothing is cached.

use std::time::{Duration, Instant};

use crate::local::{assert_fails, finish, local};
use crate::support::sts::{TestServer, free_port, sts_error};

const CONNECTOR: &str = "[connectors.sess]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n";
const CREDS: &[&str] = &["creds", "sess", "--format", "json"];

#[test]
fn access_denied_is_exit_5_with_the_aws_message_and_is_not_retried() {
    let message = "User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: sts:GetSessionToken";
    let sts = TestServer::scripted(vec![(403, sts_error("AccessDenied", message))]);
    let fixture = local(sts.url(), CONNECTOR);
    let out = fixture.run(CREDS);
    assert_fails(&out, 5, &[message, "`deployer`"]);
    assert_eq!(sts.count(), 1, "a refusal was retried");
    let out = fixture.run(CREDS);
    assert_fails(&out, 5, &[message]);
    assert_eq!(sts.count(), 2, "a refusal was cached");
    finish(fixture, &[&sts]);
}

#[test]
fn an_endpoint_nobody_listens_on_is_exit_6_naming_it() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let fixture = local(&url, CONNECTOR);
    let started = Instant::now();
    let out = fixture.run(CREDS);
    let took = started.elapsed();
    assert_fails(&out, 6, &[&url]);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    finish(fixture, &[]);
}
