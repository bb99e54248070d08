//! The OS secret stores reached through keyring-core: the D-Bus Secret Service on Linux, the
//! Keychain on macOS and the Credential Manager on Windows.
//!
//! Every call runs on a helper thread with a deadline. A Secret Service whose collection is locked
//! may wait for an unlock prompt that nobody can answer on a headless host; fedaws reports that
//! instead of hanging the caller (often the AWS CLI, which would hang with it).

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use keyring_core::api::CredentialStore;
use keyring_core::{Entry, Error as KeyringError};
use secrecy::{ExposeSecret, SecretString};

use super::{Backend, SecretStore, StoreError};

/// How long one store operation may take before it is reported as hanging.
const DEADLINE: Duration = Duration::from_secs(10);

/// A keyring-core store for one platform backend.
pub struct NativeStore {
    backend: Backend,
    store: Arc<CredentialStore>,
    service: &'static str,
}

impl NativeStore {
    /// Connect to the backend, within the deadline.
    pub fn open(backend: Backend, service: &'static str) -> Result<NativeStore, StoreError> {
        preflight(backend)?;
        let store = with_deadline(backend, "connecting", build_store)?
            .map_err(|e| unavailable(backend, &e))?;
        Ok(NativeStore {
            backend,
            store,
            service,
        })
    }

    fn entry(&self, key: &str) -> Result<Entry, StoreError> {
        Entry::new_in_store(&self.store, self.service, key)
            .map_err(|e| failed(self.backend, "open", key, &e))
    }
}

#[cfg(target_os = "linux")]
fn build_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn build_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn build_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

/// What a store is asked to find every entry of `service` with. Windows' Credential Manager
/// keeps one target name per entry, `{key}.{service}`, and its store takes only a `pattern`
/// for that name; the others search by the service itself.
#[cfg(target_os = "windows")]
fn search_spec<'a>(
    _service: &'a str,
    pattern: &'a str,
) -> std::collections::HashMap<&'a str, &'a str> {
    std::collections::HashMap::from([("pattern", pattern)])
}

#[cfg(not(target_os = "windows"))]
fn search_spec<'a>(
    service: &'a str,
    _pattern: &'a str,
) -> std::collections::HashMap<&'a str, &'a str> {
    std::collections::HashMap::from([("service", service)])
}

/// The regular expression that matches the Windows target names of `service`'s entries: the
/// service's names are letters and hyphens, which need no escaping.
fn search_pattern(service: &str) -> String {
    debug_assert!(
        service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    );
    format!(r"\.{service}$")
}

/// Catch the common "no session bus" case before zbus tries and fails with a vaguer message.
fn preflight(backend: Backend) -> Result<(), StoreError> {
    if backend != Backend::SecretService {
        return Ok(());
    }
    let has_address = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty());
    let has_runtime_bus = std::env::var_os("XDG_RUNTIME_DIR")
        .map(|d| std::path::Path::new(&d).join("bus").exists())
        .unwrap_or(false);
    if has_address || has_runtime_bus {
        return Ok(());
    }
    Err(StoreError::Unavailable {
        backend,
        reason: "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)".into(),
        hint: "log in to a desktop session, or start one with `dbus-run-session -- $SHELL` and an unlocked gnome-keyring; on a headless host use --keyring keyutils".into(),
    })
}

/// Run `f` on a thread and give up waiting after [`DEADLINE`].
fn with_deadline<T: Send + 'static>(
    backend: Backend,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(DEADLINE).map_err(|_| StoreError::Timeout {
        backend,
        what: what.to_string(),
        seconds: DEADLINE.as_secs(),
        hint: match backend {
            Backend::SecretService => "the collection may be locked and waiting for an unlock prompt: unlock your login keyring (e.g. `gnome-keyring-daemon --unlock`), or use --keyring keyutils".into(),
            _ => "unlock the keychain or credential store and try again".into(),
        },
    })
}

fn unavailable(backend: Backend, e: &KeyringError) -> StoreError {
    StoreError::Unavailable {
        backend,
        reason: describe(e),
        hint: match backend {
            Backend::SecretService => "start a Secret Service (gnome-keyring or KWallet) in this session and unlock it, or use --keyring keyutils".into(),
            _ => "check that the OS credential store is available to this user".into(),
        },
    }
}

fn failed(backend: Backend, action: &'static str, key: &str, e: &KeyringError) -> StoreError {
    match e {
        KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => StoreError::Corrupt {
            key: key.to_string(),
            reason: "the stored value is not text".into(),
        },
        KeyringError::NoStorageAccess(_) => StoreError::Unavailable {
            backend,
            reason: format!("it refused to {action} `{key}`: {}", describe(e)),
            hint: match backend {
                Backend::SecretService => "the collection is locked and no unlock prompt could be shown: unlock your login keyring (e.g. `gnome-keyring-daemon --unlock`, or log in to a desktop session), or use --keyring keyutils".into(),
                _ => "unlock the store and try again".into(),
            },
        },
        _ => StoreError::Failed {
            backend,
            action,
            key: key.to_string(),
            reason: describe(e),
        },
    }
}

/// Describe a keyring error without ever formatting a payload it may carry.
fn describe(e: &KeyringError) -> String {
    match e {
        KeyringError::PlatformFailure(inner) => format!("platform error: {inner}"),
        KeyringError::NoStorageAccess(inner) => {
            format!("the store refused access (locked or not running): {inner}")
        }
        KeyringError::NoEntry => "no such entry".into(),
        KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => {
            "the stored value is not text".into()
        }
        KeyringError::Ambiguous(items) => format!(
            "{} entries match; remove the duplicates with your keyring manager",
            items.len()
        ),
        KeyringError::TooLong(what, max) => format!("{what} is longer than {max}"),
        KeyringError::Invalid(what, why) => format!("{what} is invalid: {why}"),
        other => format!("{other}"),
    }
}

impl SecretStore for NativeStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    fn get(&self, key: &str) -> Result<Option<SecretString>, StoreError> {
        let entry = self.entry(key)?;
        match with_deadline(self.backend, "reading", move || entry.get_secret())? {
            Ok(bytes) => String::from_utf8(bytes)
                .map(|s| Some(SecretString::from(s)))
                .map_err(|_| StoreError::Corrupt {
                    key: key.to_string(),
                    reason: "not UTF-8".into(),
                }),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(failed(self.backend, "read", key, &e)),
        }
    }

    fn set(&self, key: &str, value: &SecretString) -> Result<(), StoreError> {
        let entry = self.entry(key)?;
        let value = SecretString::from(value.expose_secret().to_string());
        with_deadline(self.backend, "writing", move || {
            entry.set_secret(value.expose_secret().as_bytes())
        })?
        .map_err(|e| failed(self.backend, "write", key, &e))
    }

    fn delete(&self, key: &str) -> Result<bool, StoreError> {
        let entry = self.entry(key)?;
        match with_deadline(self.backend, "deleting", move || entry.delete_credential())? {
            Ok(()) => Ok(true),
            Err(KeyringError::NoEntry) => Ok(false),
            Err(e) => Err(failed(self.backend, "delete", key, &e)),
        }
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let store = self.store.clone();
        let service = self.service;
        let found = with_deadline(self.backend, "listing", move || {
            let pattern = search_pattern(service);
            store
                .search(&search_spec(service, &pattern))
                .map(|entries| {
                    entries
                        .iter()
                        .filter_map(|e| e.get_specifiers())
                        .filter(|(s, _)| s == service)
                        .map(|(_, user)| user)
                        .collect::<Vec<String>>()
                })
        })?
        .map_err(|e| failed(self.backend, "list", "*", &e))?;
        let mut keys = found;
        keys.sort();
        keys.dedup();
        Ok(keys)
    }
}
