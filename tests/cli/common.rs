//! The hermetic environment of the integration tests (shared with the first tier, in
//! `tests/support/env.rs`) and the real secret stores they use.
//!
//! The secret stores cannot be made private per test (the kernel user keyring and the
//! gnome-keyring of `scripts/with-secret-store` are shared by the whole run), so every test names
//! its accounts with [`unique`] and removes them again; an [`AccountGuard`] removes them even when
//! a test panics.

use std::process::Output;

pub use crate::support::env::*;

/// The message for a test that needs the Secret Service but runs without a session bus.
pub const NEEDS_SECRET_STORE: &str =
    "run the suite with scripts/test (it starts a private D-Bus session with gnome-keyring)";

/// Fail (never skip) when the Secret Service of `scripts/with-secret-store` is not there.
pub fn require_secret_service() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|v| v.is_empty()) {
        panic!("DBUS_SESSION_BUS_ADDRESS is not set: {NEEDS_SECRET_STORE}");
    }
}

/// Run a helper tool of the test itself (`secret-tool`, `keyctl`), failing with a hint when the
/// tool is not installed.
fn tool(program: &str, args: &[&str], package: &str) -> Output {
    std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {program} ({e}): install {package}, or run the suite with scripts/test"
            )
        })
}

/// What the gnome-keyring holds for an account, read with `secret-tool` as a user would.
pub fn secret_service_lookup(account: &str) -> Option<String> {
    require_secret_service();
    let username = format!("account:{account}");
    let out = tool(
        "secret-tool",
        &["lookup", "service", "fedaws", "username", &username],
        "libsecret-tools",
    );
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).expect("secret-tool prints UTF-8"))
}

/// What the kernel user keyring holds for an account, read with `keyctl` as a user would.
pub fn keyutils_lookup(account: &str) -> Option<String> {
    let description = format!("fedaws:account:{account}");
    let found = tool(
        "keyctl",
        &["search", "@u", "user", &description],
        "keyutils",
    );
    if !found.status.success() {
        return None;
    }
    let id = String::from_utf8(found.stdout).expect("keyctl prints UTF-8");
    let printed = tool("keyctl", &["print", id.trim()], "keyutils");
    assert!(
        printed.status.success(),
        "keyctl found key {} for {description} but cannot print it: {}",
        id.trim(),
        String::from_utf8_lossy(&printed.stderr)
    );
    Some(String::from_utf8(printed.stdout).expect("keyctl prints UTF-8"))
}

/// The secret store backends the tests use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// gnome-keyring over D-Bus.
    SecretService,
    /// The kernel user keyring.
    Keyutils,
}

impl Store {
    /// The `--keyring` value.
    pub fn flag(self) -> &'static str {
        match self {
            Store::SecretService => "secret-service",
            Store::Keyutils => "keyutils",
        }
    }

    /// What the store holds for an account, read with the store's own command-line tool.
    pub fn lookup(self, account: &str) -> Option<String> {
        match self {
            Store::SecretService => secret_service_lookup(account),
            Store::Keyutils => keyutils_lookup(account),
        }
    }

    /// Delete an account's entry behind fedaws's back (cleanup after a failed test).
    fn purge(self, account: &str) {
        let result = match self {
            Store::SecretService => std::process::Command::new("secret-tool")
                .args(["clear", "service", "fedaws", "username"])
                .arg(format!("account:{account}"))
                .output(),
            Store::Keyutils => std::process::Command::new("sh")
                .arg("-c")
                .arg("id=$(keyctl search @u user \"$1\") && keyctl unlink \"$id\" @u")
                .arg("sh")
                .arg(format!("fedaws:account:{account}"))
                .output(),
        };
        let _ = result;
    }
}

/// Removes an account's secret from a shared store when dropped, so a failing test leaves
/// nothing behind for the next run. Tests still remove their accounts through fedaws and assert
/// that it worked; this is only the safety net.
pub struct AccountGuard {
    store: Store,
    name: String,
}

impl AccountGuard {
    /// Guard the entry of `name` in `store`.
    pub fn new(store: Store, name: &str) -> AccountGuard {
        AccountGuard {
            store,
            name: name.to_string(),
        }
    }
}

impl Drop for AccountGuard {
    fn drop(&mut self) {
        self.store.purge(&self.name);
    }
}
