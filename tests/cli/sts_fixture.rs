//! A config with one account (its key pair in the kernel keyring) and some connectors, pointed at
//! a test STS: the shared [`Fixture`] (`tests/support/fixture.rs`), whose stderr checks it keeps,
//! with the account's entry removed from the kernel keyring even when a test panics.

use std::ops::Deref;

use crate::common::{AccountGuard, Store, unique};
use crate::sts_server::TestServer;
use crate::support::fixture::{Fixture, settings};

pub use crate::support::fixture::os_user;

/// The AWS account id moto uses.
pub const MOTO_ACCOUNT: &str = "123456789012";

/// One test's fedaws set-up, its account in the kernel keyring.
pub struct Broker {
    fixture: Fixture,
    _guard: AccountGuard,
}

impl Deref for Broker {
    type Target = Fixture;

    fn deref(&self) -> &Fixture {
        &self.fixture
    }
}

impl Broker {
    /// A config using the keyutils store and region us-east-1, the test's user as administrator,
    /// with `settings.sts_endpoint` when `endpoint` is given, an account added with
    /// `account_flags` (e.g. `--mfa-serial …`), and `connectors` (TOML, `{account}` standing for
    /// the account's name) appended.
    pub fn new(endpoint: Option<&str>, account_flags: &[&str], connectors: &str) -> Broker {
        let account = unique("sts");
        let guard = AccountGuard::new(Store::Keyutils, &account);
        Broker {
            fixture: Fixture::new(
                &settings("keyring = \"keyutils\"\n", endpoint),
                &account,
                account_flags,
                connectors,
            ),
            _guard: guard,
        }
    }

    /// Check that no stderr kept so far holds a secret the servers handed out (or the account's
    /// secret), then remove the account through fedaws and check its key pair is gone.
    pub fn finish(self, servers: &[&TestServer]) {
        self.fixture.finish(servers);
        assert_eq!(
            Store::Keyutils.lookup(&self.account),
            None,
            "`account remove` left the key pair in the keyring"
        );
    }
}
