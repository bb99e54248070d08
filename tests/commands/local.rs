//! A test's fedaws with everything in its temporary directory: the accounts and the credential
//! cache in the `file` store (an encrypted file in the state directory, its key made beside the
//! config), the caller's own user as administrator, STS at a URL the test serves.

use crate::support::env::{stderr, stdout};
use crate::support::fixture::{Fixture, settings};
use crate::support::sts::TestServer;

/// The `[settings]` lines that keep the accounts and the cache in the `file` store.
pub const FILE_STORE: &str = "keyring = \"file\"\ncache = \"file\"\n";

/// The account every test adds.
pub const ACCOUNT: &str = "deployer";

/// A config whose accounts and cache are in the `file` store and whose STS is at `endpoint`,
/// with the account [`ACCOUNT`] added and `connectors` (TOML, `{account}` standing for its name)
/// appended.
pub fn local(endpoint: &str, connectors: &str) -> Fixture {
    Fixture::new(
        &settings(FILE_STORE, Some(endpoint)),
        ACCOUNT,
        &[],
        connectors,
    )
}

/// End a test: no stderr held a secret, no file holds one in clear, and the account is removed
/// from the config and the store.
pub fn finish(fixture: Fixture, servers: &[&TestServer]) {
    fixture.assert_no_secret_in_files(servers);
    fixture.finish(servers);
    assert_eq!(
        json(&fixture, &["account", "list", "--json"]),
        serde_json::json!([]),
        "`account remove` left the account"
    );
}

/// `connector add NAME --account ACCOUNT --principal PRINCIPAL EXTRA…`.
pub fn add_connector<'a>(name: &'a str, principal: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "connector",
        "add",
        name,
        "--account",
        ACCOUNT,
        "--principal",
        principal,
    ];
    args.extend(extra);
    args
}

/// Run `fedaws ARGS`, which must succeed, and parse the whole of stdout as one JSON value.
pub fn json(fixture: &Fixture, args: &[&str]) -> serde_json::Value {
    let text = fixture.ok(args);
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "stdout of `fedaws {}` is not only JSON ({e}):\n{text}",
            args.join(" ")
        )
    })
}

/// Fail unless `out` exited with `code`, printed nothing on stdout and named every one of
/// `needles` on stderr; returns stderr.
pub fn assert_fails(out: &std::process::Output, code: i32, needles: &[&str]) -> String {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "expected exit {code}:\n{err}"
    );
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
    for needle in needles {
        assert!(err.contains(needle), "stderr lacks {needle:?}:\n{err}");
    }
    err
}
