//! The secret store: where long-term account keys live, never in a file.
//!
//! One trait, [`SecretStore`], with a backend per OS facility: the D-Bus Secret Service
//! (gnome-keyring, KWallet) and the kernel keyring on Linux, the Keychain on macOS, the Credential
//! Manager on Windows, an encrypted file for daemons, Vault or OpenBao for fleets, and an
//! in-memory store for unit tests. Entries are addressed by a service
//! name (`fedaws`) and a key such as `account:deployer`.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

mod choice;
mod file;
#[cfg(target_os = "linux")]
mod keyutils;
mod memory;
#[cfg(any(target_os = "macos", target_os = "windows", target_os = "linux"))]
mod native;
mod vault;

pub use choice::{CacheAt, CacheSetting, ChoiceError, Chosen, Mode, choose};
pub use file::{CREDENTIAL_NAME, FileSpec, KeySource};
pub use memory::MemoryStore;
pub use vault::{Address, AddressError, VaultAuth, VaultSpec, is_vault_path, parse_address};

/// The service name account entries are filed under.
pub const SERVICE: &str = "fedaws";

/// The service name cached temporary credentials are filed under, apart from the accounts so
/// that listing the cache never touches long-term keys.
pub const CACHE_SERVICE: &str = "fedaws-cache";

/// The key of an account's entry.
pub fn account_key(account: &str) -> String {
    format!("account:{account}")
}

/// A place that keeps secrets by key.
pub trait SecretStore {
    /// The backend's name, as given to `--keyring`.
    fn backend(&self) -> Backend;
    /// Read a secret; `Ok(None)` when there is no entry.
    fn get(&self, key: &str) -> Result<Option<SecretString>, StoreError>;
    /// Create or replace a secret.
    fn set(&self, key: &str, value: &SecretString) -> Result<(), StoreError>;
    /// Remove a secret; `Ok(false)` when there was none.
    fn delete(&self, key: &str) -> Result<bool, StoreError>;
    /// A warning to show once when storing, for backends whose secrets do not persist.
    fn persistence_note(&self) -> Option<&'static str> {
        None
    }
    /// Create or replace a secret that is useless after `expires`; stores that can expire
    /// entries themselves (the kernel keyring) drop it then.
    fn set_expiring(
        &self,
        key: &str,
        value: &SecretString,
        expires: jiff::Timestamp,
    ) -> Result<(), StoreError> {
        let _ = expires;
        self.set(key, value)
    }
    /// The keys of every entry of this store's service (for listing and clearing the cache).
    fn keys(&self) -> Result<Vec<String>, StoreError>;
    /// Whether [`SecretStore::set_expiring`] entries disappear by themselves when they expire
    /// (else the cache prunes them).
    fn expires_entries(&self) -> bool {
        false
    }
    /// What the store knows of an entry without reading its secret (its version and when it
    /// was written); `None` from stores that keep nothing besides the secret, whose entries are
    /// read instead.
    fn describe(&self, key: &str) -> Option<Result<Described, StoreError>> {
        let _ = key;
        None
    }
    /// Keep the store's login alive (a broker calls this now and then): renew what expires.
    fn keep_alive(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// What [`SecretStore::describe`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Described {
    /// No entry (or its latest version was deleted).
    Missing,
    /// An entry.
    Entry(EntryInfo),
}

/// An entry's particulars, none of them secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryInfo {
    /// The access key id kept beside the secret.
    pub access_key_id: Option<String>,
    /// The entry's version, where the store keeps versions.
    pub version: Option<u64>,
    /// When this version was written.
    pub created: Option<jiff::Timestamp>,
    /// When the key was made (or stored), as kept beside it.
    pub key_created: Option<jiff::Timestamp>,
}

/// The secret store backends fedaws knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// D-Bus Secret Service (gnome-keyring, KWallet): the Linux default.
    SecretService,
    /// The Linux kernel keyring (user keyring): headless, lost at reboot.
    Keyutils,
    /// macOS Keychain.
    Keychain,
    /// Windows Credential Manager.
    Windows,
    /// An encrypted file with a key kept elsewhere: for daemons.
    File,
    /// HashiCorp Vault or OpenBao (KV version 2): for fleets.
    Vault,
    /// Process memory: a broker's cache of issued credentials, and tests; never offered on the
    /// command line.
    Memory,
}

impl Backend {
    /// The backends a user may choose on this platform.
    pub const CHOICES: &'static [Backend] = &[
        #[cfg(target_os = "linux")]
        Backend::SecretService,
        #[cfg(target_os = "linux")]
        Backend::Keyutils,
        #[cfg(target_os = "macos")]
        Backend::Keychain,
        #[cfg(target_os = "windows")]
        Backend::Windows,
        Backend::File,
        Backend::Vault,
    ];

    /// The platform default.
    pub fn platform_default() -> Backend {
        if cfg!(target_os = "macos") {
            Backend::Keychain
        } else if cfg!(target_os = "windows") {
            Backend::Windows
        } else {
            Backend::SecretService
        }
    }

    /// The name used in config, flags and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::SecretService => "secret-service",
            Backend::Keyutils => "keyutils",
            Backend::Keychain => "keychain",
            Backend::Windows => "windows",
            Backend::File => "file",
            Backend::Vault => "vault",
            Backend::Memory => "memory",
        }
    }

    /// Parse a user-given name; the error names the field, the value and the choices.
    pub fn parse(field: &str, s: &str) -> Result<Backend, String> {
        Backend::CHOICES
            .iter()
            .copied()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| {
                let all = [
                    "secret-service",
                    "keyutils",
                    "keychain",
                    "windows",
                    "file",
                    "vault",
                ];
                let reason = if all.contains(&s) {
                    " (not available on this platform)"
                } else {
                    ""
                };
                format!(
                    "{field} = {s:?}{reason}: allowed here: {}",
                    Backend::CHOICES
                        .iter()
                        .map(|b| b.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the stores that are not the OS's keep their secrets.
#[derive(Debug, Clone)]
pub struct Places {
    /// The `file` backend's store and key.
    pub file: FileSpec,
    /// The `vault` backend's servers and login.
    pub vault: VaultSpec,
}

/// Open the chosen backend for a service ([`SERVICE`] or [`CACHE_SERVICE`]); `places` says where
/// the `file` and `vault` backends keep theirs. Nothing here prompts; an unreachable store is an
/// error, not a hang.
pub fn open(
    backend: Backend,
    service: &'static str,
    places: &Places,
) -> Result<Box<dyn SecretStore>, StoreError> {
    match backend {
        Backend::File => Ok(Box::new(file::FileStore::open(&places.file, service)?)),
        Backend::Vault => Ok(Box::new(vault::VaultStore::open(&places.vault, service)?)),
        #[cfg(target_os = "linux")]
        Backend::Keyutils => Ok(Box::new(keyutils::KeyutilsStore::open(service)?)),
        #[cfg(any(target_os = "macos", target_os = "windows", target_os = "linux"))]
        Backend::SecretService | Backend::Keychain | Backend::Windows
            if Backend::CHOICES.contains(&backend) =>
        {
            Ok(Box::new(native::NativeStore::open(backend, service)?))
        }
        Backend::Memory => Ok(Box::new(MemoryStore::default())),
        other => Err(StoreError::Unavailable {
            backend: other,
            reason: "not available on this platform".into(),
            hint: format!(
                "choose one of: {}",
                Backend::CHOICES
                    .iter()
                    .map(|b| b.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// Why the secret store could not do what was asked. Never carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend cannot be reached at all.
    #[error("the {backend} secret store is not available: {reason}\n  hint: {hint}")]
    Unavailable {
        /// Which backend.
        backend: Backend,
        /// What failed.
        reason: String,
        /// What to do about it.
        hint: String,
    },
    /// The backend did not answer in time (for example a locked collection waiting for a prompt).
    #[error(
        "the {backend} secret store did not answer within {seconds} s ({what})\n  hint: {hint}"
    )]
    Timeout {
        /// Which backend.
        backend: Backend,
        /// What was being done.
        what: String,
        /// How long we waited.
        seconds: u64,
        /// What to do about it.
        hint: String,
    },
    /// An operation failed after the backend was reached.
    #[error("the {backend} secret store failed to {action} `{key}`: {reason}")]
    Failed {
        /// Which backend.
        backend: Backend,
        /// read, write or delete.
        action: &'static str,
        /// The entry's key (never its value).
        key: String,
        /// What the backend said, stripped of any payload.
        reason: String,
    },
    /// The store refused: a permission, a login.
    #[error("{message}\n  hint: {hint}")]
    Refused {
        /// Which backend.
        backend: Backend,
        /// What was refused, by whom, and why.
        message: String,
        /// What to do about it.
        hint: String,
    },
    /// The entry exists but is not what fedaws writes.
    #[error("the secret stored for `{key}` is not in fedaws's format ({reason}); store it again")]
    Corrupt {
        /// The entry's key.
        key: String,
        /// What is wrong with it (never the content).
        reason: String,
    },
}

/// An account's long-term key pair. `Debug` masks the id and hides the secret.
#[derive(Clone)]
pub struct AccountKeys {
    /// The access key id (`AKIA…`): not a secret, but shown masked.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: SecretString,
}

impl fmt::Debug for AccountKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountKeys")
            .field("access_key_id", &mask_key_id(&self.access_key_id))
            .field("secret_access_key", &"[redacted]")
            .finish()
    }
}

/// An account's entry as stored: the key pair, when the key was made (or, for a key fedaws did
/// not make, stored), and a rotation under way.
#[derive(Serialize, Deserialize)]
struct StoredEntry {
    access_key_id: String,
    secret_access_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_created: Option<jiff::Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rotation: Option<StoredRotation>,
}

#[derive(Serialize, Deserialize)]
struct StoredRotation {
    started: jiff::Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    new_access_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    new_secret_access_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    new_key_created: Option<jiff::Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retire: Option<String>,
}

/// An account's entry: its key pair, when the key was made, and a rotation under way (see
/// `fedaws account rotate`). `Debug` shows no secret.
#[derive(Clone, Debug)]
pub struct AccountEntry {
    /// The key pair in use.
    pub keys: AccountKeys,
    /// When IAM made the key (a key fedaws made), or when it was stored (one given to it).
    pub created: Option<jiff::Timestamp>,
    /// A rotation that has not finished.
    pub rotation: Option<Rotation>,
}

/// Where a rotation is, written before each step so a rerun knows what was done.
#[derive(Clone, Debug)]
pub struct Rotation {
    /// When it began: a key made after this that is not in the store is its own leftover.
    pub started: jiff::Timestamp,
    /// The key IAM made, not yet in use, and when IAM made it.
    pub new: Option<(AccountKeys, jiff::Timestamp)>,
    /// The old key, replaced in the store, still to deactivate and delete.
    pub retire: Option<String>,
}

impl AccountEntry {
    /// The single secret-store value holding it.
    pub fn to_secret(&self) -> SecretString {
        let rotation = self.rotation.as_ref().map(|r| StoredRotation {
            started: r.started,
            new_access_key_id: r.new.as_ref().map(|(k, _)| k.access_key_id.clone()),
            new_secret_access_key: r
                .new
                .as_ref()
                .map(|(k, _)| k.secret_access_key.expose_secret().to_string()),
            new_key_created: r.new.as_ref().map(|(_, t)| *t),
            retire: r.retire.clone(),
        });
        let stored = StoredEntry {
            access_key_id: self.keys.access_key_id.clone(),
            secret_access_key: self.keys.secret_access_key.expose_secret().to_string(),
            key_created: self.created,
            rotation,
        };
        SecretString::from(serde_json::to_string(&stored).expect("an entry serializes"))
    }

    /// Read back what [`AccountEntry::to_secret`] (or [`AccountKeys::to_secret`]) wrote.
    pub fn from_secret(key: &str, value: &SecretString) -> Result<AccountEntry, StoreError> {
        let corrupt = |reason: &str| StoreError::Corrupt {
            key: key.to_string(),
            reason: reason.to_string(),
        };
        let stored: StoredEntry = serde_json::from_str(value.expose_secret())
            .map_err(|_| corrupt("not a JSON object with access_key_id and secret_access_key"))?;
        let pair = |id: &str, secret: &str| {
            AccountKeys::new(id, secret).map_err(|_| {
                corrupt("the stored key pair does not look like an AWS access key pair")
            })
        };
        let keys = pair(&stored.access_key_id, &stored.secret_access_key)?;
        let rotation = match stored.rotation {
            None => None,
            Some(r) => Some(Rotation {
                started: r.started,
                new: match (r.new_access_key_id, r.new_secret_access_key) {
                    (Some(id), Some(secret)) => {
                        Some((pair(&id, &secret)?, r.new_key_created.unwrap_or(r.started)))
                    }
                    _ => None,
                },
                retire: r.retire,
            }),
        };
        Ok(AccountEntry {
            keys,
            created: stored.key_created,
            rotation,
        })
    }
}

/// Read an account's whole entry.
pub fn read_entry(
    store: &dyn SecretStore,
    account: &str,
) -> Result<Option<AccountEntry>, StoreError> {
    let key = account_key(account);
    store
        .get(&key)?
        .map(|v| AccountEntry::from_secret(&key, &v))
        .transpose()
}

impl AccountKeys {
    /// Check the shape of a key pair typed or piped in by a user; errors never echo the secret.
    pub fn new(access_key_id: &str, secret_access_key: &str) -> Result<AccountKeys, String> {
        let id = access_key_id.trim();
        if !(16..=128).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(format!(
                "access key id {:?} is not an AWS access key id: expected 16 to 128 letters and digits, like AKIAIOSFODNN7EXAMPLE",
                mask_key_id(id)
            ));
        }
        let secret = secret_access_key.trim();
        if secret.is_empty() {
            return Err("the secret access key is empty".into());
        }
        if secret.len() > 256 || secret.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("the secret access key has whitespace or control characters in it, or is longer than 256 characters: check what was pasted".into());
        }
        Ok(AccountKeys {
            access_key_id: id.to_string(),
            secret_access_key: SecretString::from(secret.to_string()),
        })
    }

    /// The single secret-store value holding both parts, stored now (a key given to fedaws:
    /// its age counts from now).
    pub fn to_secret(&self) -> SecretString {
        AccountEntry {
            keys: self.clone(),
            created: Some(jiff::Timestamp::now()),
            rotation: None,
        }
        .to_secret()
    }

    /// Read back the key pair of what [`AccountKeys::to_secret`] wrote.
    pub fn from_secret(key: &str, value: &SecretString) -> Result<AccountKeys, StoreError> {
        AccountEntry::from_secret(key, value).map(|e| e.keys)
    }

    /// The id as lists show it.
    pub fn masked_id(&self) -> String {
        mask_key_id(&self.access_key_id)
    }
}

/// `AKIAIOSFODNN7EXAMPLE` → `AKIA…MPLE`: enough to recognise a key, not to use it.
pub fn mask_key_id(id: &str) -> String {
    if id.len() <= 8 || !id.is_ascii() {
        return "…".to_string();
    }
    format!("{}…{}", &id[..4], &id[id.len() - 4..])
}

/// Read an account's key pair.
pub fn read_account(
    store: &dyn SecretStore,
    account: &str,
) -> Result<Option<AccountKeys>, StoreError> {
    Ok(read_entry(store, account)?.map(|e| e.keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    #[test]
    fn debug_never_shows_the_secret() {
        let keys = AccountKeys::new("AKIAIOSFODNN7EXAMPLE", SECRET).unwrap();
        let shown = format!("{keys:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains("AKIAIOSFODNN7EXAMPLE"), "{shown}");
        assert!(shown.contains("AKIA…MPLE"), "{shown}");
    }

    #[test]
    fn round_trip_through_a_store() {
        let store = MemoryStore::default();
        let keys = AccountKeys::new("AKIAIOSFODNN7EXAMPLE", SECRET).unwrap();
        store.set(&account_key("a"), &keys.to_secret()).unwrap();
        let back = read_account(&store, "a").unwrap().unwrap();
        assert_eq!(back.access_key_id, "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(back.secret_access_key.expose_secret(), SECRET);
        assert!(read_account(&store, "b").unwrap().is_none());
    }

    #[test]
    fn bad_pairs_are_refused_without_echoing_the_secret() {
        let err = AccountKeys::new("short", SECRET).unwrap_err();
        assert!(!err.contains(SECRET));
        let err = AccountKeys::new("AKIAIOSFODNN7EXAMPLE", "has space inside").unwrap_err();
        assert!(!err.contains("has space inside"), "{err}");
        assert!(AccountKeys::new("AKIAIOSFODNN7EXAMPLE", "").is_err());
    }

    #[test]
    fn corrupt_entries_do_not_leak_their_content() {
        let store = MemoryStore::default();
        store
            .set(
                &account_key("a"),
                &SecretString::from("not json s3cr3t".to_string()),
            )
            .unwrap();
        let err = read_account(&store, "a").unwrap_err().to_string();
        assert!(!err.contains("s3cr3t"), "{err}");
    }

    #[test]
    fn masks() {
        assert_eq!(mask_key_id("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert_eq!(mask_key_id("short"), "…");
    }
}
