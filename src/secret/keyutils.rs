//! The Linux kernel keyring backend.
//!
//! Entries are `user` keys named `fedaws:<key>` in the caller's user keyring (`@u`), with
//! permissions for the owning uid only. That keyring lives in kernel memory: it needs no daemon
//! and no D-Bus session, which suits servers and CI, but it is emptied at reboot (and when the
//! user's last process ends). The kernel's persistent keyring would outlive logouts, but linking
//! into it is refused on many hosts, so fedaws uses the user keyring everywhere for predictability.
//!
//! A process does not always possess its user keyring: a session keyring that does not link it
//! (`keyctl session -`, systemd services with `KeyringMode=private`, many cron and sudo set-ups)
//! leaves only the permissions granted to the uid. So a key is made where this process always
//! has every permission, its private process keyring: there its permissions and timeout are set,
//! and only then is it linked into the user keyring (displacing an older key of that name) and
//! dropped from the process keyring. A step that fails takes the new key away again.

use linux_keyutils::{KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};
use secrecy::{ExposeSecret, SecretString};

use super::{Backend, SecretStore, StoreError};

/// Secrets in the kernel's per-user keyring.
pub struct KeyutilsStore {
    ring: KeyRing,
    service: &'static str,
}

/// How many links of the user keyring `keys` reads at most.
const MAX_LINKS: usize = 65536;

impl KeyutilsStore {
    /// Find the user keyring (the kernel creates it on first use).
    pub fn open(service: &'static str) -> Result<KeyutilsStore, StoreError> {
        let ring = KeyRing::from_special_id(KeyRingIdentifier::User, true).map_err(|e| {
            StoreError::Unavailable {
                backend: Backend::Keyutils,
                reason: format!("the user keyring cannot be opened: {}", describe(e)),
                hint: "the kernel may lack keyring support (CONFIG_KEYS) or a seccomp profile blocks keyctl; use --keyring secret-service".into(),
            }
        })?;
        Ok(KeyutilsStore { ring, service })
    }

    /// The kernel key description for an entry.
    fn description(&self, key: &str) -> String {
        format!("{}:{key}", self.service)
    }

    /// Store `value` under `key` in the user keyring with permissions for this uid only, and
    /// with a timeout in seconds (`None`: none, replacing whatever an older key had).
    fn add(
        &self,
        key: &str,
        value: &SecretString,
        timeout: Option<usize>,
    ) -> Result<(), StoreError> {
        let fail = |e| Self::failed("write", key, e);
        let staging = KeyRing::from_special_id(KeyRingIdentifier::Process, true).map_err(fail)?;
        let created = staging
            .add_key(&self.description(key), value.expose_secret().as_bytes())
            .map_err(fail)?;
        let perms = KeyPermissionsBuilder::builder()
            .posessor(Permission::ALL)
            .user(Permission::ALL)
            .build();
        let placed = created
            .set_perms(perms)
            .and_then(|()| created.set_timeout(timeout.unwrap_or(0)))
            .and_then(|()| self.ring.link_key(created));
        if let Err(e) = placed {
            // Never leave a key behind, with whatever permissions it had when the step failed.
            let _ = created.invalidate();
            return Err(fail(e));
        }
        // The user keyring holds it now; the process keyring would drop it at exit anyway.
        let _ = staging.unlink_key(created);
        Ok(())
    }

    fn failed(action: &'static str, key: &str, e: KeyError) -> StoreError {
        StoreError::Failed {
            backend: Backend::Keyutils,
            action,
            key: key.to_string(),
            reason: describe(e),
        }
    }
}

fn describe(e: KeyError) -> String {
    match e {
        KeyError::AccessDenied => "permission denied".into(),
        KeyError::QuotaExceeded => {
            "the kernel's key quota for this user is exhausted (see /proc/sys/kernel/keys/maxkeys)"
                .into()
        }
        KeyError::KeyExpired => "the key has expired".into(),
        KeyError::KeyRevoked => "the key was revoked".into(),
        KeyError::KeyDoesNotExist => "no such key".into(),
        KeyError::OperationNotSupported => "the kernel does not support this operation".into(),
        other => format!("{other:?}"),
    }
}

impl SecretStore for KeyutilsStore {
    fn backend(&self) -> Backend {
        Backend::Keyutils
    }

    fn get(&self, key: &str) -> Result<Option<SecretString>, StoreError> {
        let found = match self.ring.search(&self.description(key)) {
            Ok(k) => k,
            Err(KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked) => {
                return Ok(None);
            }
            Err(e) => return Err(Self::failed("read", key, e)),
        };
        let bytes = found
            .read_to_vec()
            .map_err(|e| Self::failed("read", key, e))?;
        let text = String::from_utf8(bytes).map_err(|_| StoreError::Corrupt {
            key: key.to_string(),
            reason: "not UTF-8".into(),
        })?;
        Ok(Some(SecretString::from(text)))
    }

    fn set(&self, key: &str, value: &SecretString) -> Result<(), StoreError> {
        self.add(key, value, None)
    }

    fn set_expiring(
        &self,
        key: &str,
        value: &SecretString,
        expires: jiff::Timestamp,
    ) -> Result<(), StoreError> {
        // The kernel removes the key itself when the credentials expire.
        let left = expires.as_second() - jiff::Timestamp::now().as_second();
        self.add(key, value, Some(usize::try_from(left.max(1)).unwrap_or(1)))
    }

    fn delete(&self, key: &str) -> Result<bool, StoreError> {
        let found = match self.ring.search(&self.description(key)) {
            Ok(k) => k,
            Err(KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked) => {
                return Ok(false);
            }
            Err(e) => return Err(Self::failed("delete", key, e)),
        };
        found
            .invalidate()
            .map_err(|e| Self::failed("delete", key, e))?;
        Ok(true)
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let prefix = format!("{}:", self.service);
        let links = self
            .ring
            .get_links(MAX_LINKS)
            .map_err(|e| Self::failed("list", "*", e))?;
        let mut keys: Vec<String> = links
            .iter()
            .filter_map(|node| node.as_key())
            .filter_map(|k| k.metadata().ok())
            .filter_map(|m| {
                m.get_description()
                    .strip_prefix(&prefix)
                    .map(str::to_string)
            })
            .collect();
        keys.sort();
        Ok(keys)
    }

    fn expires_entries(&self) -> bool {
        true
    }

    fn persistence_note(&self) -> Option<&'static str> {
        Some(
            "the keyutils store keeps secrets in kernel memory: they are lost at reboot (and when this user's last process ends); use --keyring secret-service for secrets that persist",
        )
    }
}
