//! Who may use a connector, asked of the caller's real user: one who is no administrator and in
//! none of the connector's groups is refused with exit 4 and the fix, before any STS call; a
//! `[groups]` entry that names the user lets them in.

use crate::local::{ACCOUNT, FILE_STORE, assert_fails, finish, json};
use crate::support::fixture::{Fixture, os_user};
use crate::support::sts::TestServer;

const GATED: &str = "[connectors.gated]\naccount = \"{account}\"\nprincipal = \"iam-user\"\ngroups = [\"release-gated\"]\n";

#[test]
fn a_connector_is_refused_until_a_group_names_the_caller() {
    let sts = TestServer::fake_sts();
    let me = os_user();
    // No administrators: the caller is one of the users.
    let settings = format!(
        "[settings]\n{FILE_STORE}region = \"us-east-1\"\nsts_endpoint = \"{}\"\n",
        sts.url()
    );
    let fixture = Fixture::new(&settings, ACCOUNT, &[], GATED);

    let out = fixture.run(&["creds", "gated", "--format", "json"]);
    assert_fails(
        &out,
        4,
        &[
            &format!("{me} may not use connector `gated`"),
            "granted to group release-gated",
            &format!("fedaws group add-member release-gated {me}"),
        ],
    );
    assert_eq!(sts.count(), 0, "a refused caller reached STS");
    let who = json(&fixture, &["whoami", "--json"]);
    assert_eq!(who["user"], me.as_str(), "{who}");
    assert_eq!(who["administrator"], false, "{who}");
    assert_eq!(who["connectors"][0]["usable"], false, "{who}");

    fixture.ok(&["group", "add", "release-gated", "--member", &me]);
    let who = json(&fixture, &["whoami", "--json"]);
    assert_eq!(who["connectors"][0]["usable"], true, "{who}");
    assert_eq!(who["connectors"][0]["why"], "config group release-gated");
    fixture.ok(&["creds", "gated", "--format", "json"]);
    assert_eq!(sts.only().action(), "GetSessionToken");
    finish(fixture, &[&sts]);
}
