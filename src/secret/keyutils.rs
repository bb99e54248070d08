//! The Linux kernel keyring backend.
//!
//! Entries are `user` keys named `fedaws:<key>` in the caller's user keyring (`@u`), with
//! permissions for the owning uid only. That keyring lives in kernel memory: it needs no daemon
//! and no D-Bus session, which suits servers and CI, but it is emptied at reboot (and when the
//! user's last process ends). The kernel's persistent keyring would outlive logouts, but linking
//! into it is refused on many hosts, so fedaws uses the user keyring everywhere for predictability.

use linux_keyutils::{KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};
use secrecy::{ExposeSecret, SecretString};

use super::{Backend, SecretStore, StoreError};

/// Secrets in the kernel's per-user keyring.
pub struct KeyutilsStore {
    ring: KeyRing,
}

impl KeyutilsStore {
    /// Find the user keyring (the kernel creates it on first use).
    pub fn open() -> Result<KeyutilsStore, StoreError> {
        let ring = KeyRing::from_special_id(KeyRingIdentifier::User, true).map_err(|e| {
            StoreError::Unavailable {
                backend: Backend::Keyutils,
                reason: format!("the user keyring cannot be opened: {}", describe(e)),
                hint: "the kernel may lack keyring support (CONFIG_KEYS) or a seccomp profile blocks keyctl; use --keyring secret-service".into(),
            }
        })?;
        Ok(KeyutilsStore { ring })
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

/// The kernel key description for an entry.
fn description(key: &str) -> String {
    format!("{}:{key}", super::SERVICE)
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
        let found = match self.ring.search(&description(key)) {
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
        let created = self
            .ring
            .add_key(&description(key), value.expose_secret().as_bytes())
            .map_err(|e| Self::failed("write", key, e))?;
        let perms = KeyPermissionsBuilder::builder()
            .posessor(Permission::ALL)
            .user(Permission::ALL)
            .build();
        created
            .set_perms(perms)
            .map_err(|e| Self::failed("write", key, e))
    }

    fn delete(&self, key: &str) -> Result<bool, StoreError> {
        let found = match self.ring.search(&description(key)) {
            Ok(k) => k,
            Err(KeyError::KeyDoesNotExist) => return Ok(false),
            Err(e) => return Err(Self::failed("delete", key, e)),
        };
        found
            .invalidate()
            .map_err(|e| Self::failed("delete", key, e))?;
        Ok(true)
    }

    fn persistence_note(&self) -> Option<&'static str> {
        Some(
            "the keyutils store keeps secrets in kernel memory: they are lost at reboot (and when this user's last process ends); use --keyring secret-service for secrets that persist",
        )
    }
}
