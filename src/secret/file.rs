//! The `file` backend: secrets in one encrypted file, for a daemon that has no desktop keyring
//! and must keep its accounts across restarts (the kernel keyring of a service user is gone when
//! its last process ends).
//!
//! The file holds every entry of every service as one JSON object, sealed with
//! ChaCha20-Poly1305 (from aws-lc-rs, which fedaws already builds for TLS) under a 256-bit key
//! and a fresh random nonce on each write; the header is authenticated too. Each change re-reads,
//! re-seals and atomically replaces the file (mode 0600) under a lock. The key lives elsewhere:
//! `settings.file_store_key`, else `$CREDENTIALS_DIRECTORY/fedaws-store-key` (systemd's
//! `LoadCredentialEncrypted=`), else a key file made on first use next to the config. Both files
//! must be ones only the caller or root can change, and the key file one only they can read.
//!
//! What it protects against: a copy of the store without the key (a stolen disk or backup, a
//! misplaced file). What not: anyone who can read the key, which includes root and the service
//! user itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aws_lc_rs::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::{Backend, SecretStore, StoreError};
use crate::fsutil;
use crate::trust::{self, Role};

/// The first bytes of the file: what it is and how it is sealed (authenticated with it).
const MAGIC: &[u8] = b"fedaws-store/1 chacha20-poly1305\n";

/// The name of the key among systemd's credentials.
pub const CREDENTIAL_NAME: &str = "fedaws-store-key";

/// Where the store and its key are.
#[derive(Debug, Clone)]
pub struct FileSpec {
    /// The encrypted file.
    pub store: PathBuf,
    /// The key.
    pub key: KeySource,
}

/// Where the key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A file named by `settings.file_store_key`: it must exist.
    Given(PathBuf),
    /// A credential systemd passed (`LoadCredential=`, `LoadCredentialEncrypted=`): it must
    /// exist. systemd lets the service's user read it through an ACL, which shows as a group
    /// read bit; it must still be unreadable by others.
    Systemd(PathBuf),
    /// A key file fedaws makes (0600) on first use.
    Made(PathBuf),
}

impl KeySource {
    fn path(&self) -> &Path {
        match self {
            KeySource::Given(p) | KeySource::Systemd(p) | KeySource::Made(p) => p,
        }
    }
}

/// Secrets of one service in the encrypted file.
pub struct FileStore {
    spec: FileSpec,
    key: LessSafeKey,
    service: &'static str,
}

type Entries = BTreeMap<String, BTreeMap<String, String>>;

impl FileStore {
    /// Open the store of `spec` for `service`: its key is read (or made) now.
    pub fn open(spec: &FileSpec, service: &'static str) -> Result<FileStore, StoreError> {
        let key = read_or_make_key(&spec.key)?;
        let key = UnboundKey::new(&CHACHA20_POLY1305, key.as_ref())
            .map(LessSafeKey::new)
            .map_err(|_| unavailable("the key is not 32 bytes".into(), &spec.key))?;
        Ok(FileStore {
            spec: spec.clone(),
            key,
            service,
        })
    }

    fn failed(&self, action: &'static str, key: &str, reason: String) -> StoreError {
        StoreError::Failed {
            backend: Backend::File,
            action,
            key: key.to_string(),
            reason,
        }
    }

    /// Every entry, decrypted; an absent file is an empty store.
    fn load(&self) -> Result<Zeroizing<Vec<u8>>, String> {
        let path = &self.spec.store;
        if std::fs::symlink_metadata(path).is_err() {
            return Ok(Zeroizing::new(b"{}".to_vec()));
        }
        let bytes = trust::read_bytes(path, Role::SecretFile).map_err(|e| e.to_string())?;
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| format!("{} is not a fedaws store", path.display()))?;
        if rest.len() < NONCE_LEN {
            return Err(format!("{} is cut short", path.display()));
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| "bad nonce".to_string())?;
        let mut buffer = Zeroizing::new(sealed.to_vec());
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(MAGIC), &mut buffer)
            .map_err(|_| {
                format!(
                    "{} cannot be decrypted with the key in {}: a different key, or the file was changed",
                    path.display(),
                    self.spec.key.path().display()
                )
            })?
            .len();
        buffer.truncate(plain);
        Ok(buffer)
    }

    fn entries(&self) -> Result<Entries, String> {
        let plain = self.load()?;
        serde_json::from_slice(&plain).map_err(|_| "the decrypted store is not JSON".into())
    }

    /// Change the entries under the store's lock and seal them back.
    fn change(&self, key: &str, f: impl FnOnce(&mut Entries) -> bool) -> Result<bool, StoreError> {
        let path = &self.spec.store;
        let fail = |reason: String| self.failed("write", key, reason);
        if let Some(dir) = path.parent() {
            fsutil::ensure_private_dir(dir, Role::StateDir).map_err(|e| fail(e.to_string()))?;
        }
        let _lock = fsutil::lock_beside(path).map_err(|e| fail(e.to_string()))?;
        let mut entries = self.entries().map_err(fail)?;
        let changed = f(&mut entries);
        if !changed {
            return Ok(false);
        }
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| fail(format!("no randomness from the OS: {e}")))?;
        let mut sealed = Zeroizing::new(serde_json::to_vec(&entries).expect("strings serialize"));
        for values in entries.values_mut() {
            for v in values.values_mut() {
                zeroize::Zeroize::zeroize(v);
            }
        }
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(MAGIC),
                &mut *sealed,
            )
            .map_err(|_| fail("sealing failed".into()))?;
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(&nonce);
        file.extend_from_slice(&sealed);
        fsutil::write_atomic(path, &file).map_err(|e| fail(e.to_string()))?;
        Ok(true)
    }
}

impl SecretStore for FileStore {
    fn backend(&self) -> Backend {
        Backend::File
    }

    fn get(&self, key: &str) -> Result<Option<SecretString>, StoreError> {
        let mut entries = self.entries().map_err(|r| self.failed("read", key, r))?;
        Ok(entries
            .get_mut(self.service)
            .and_then(|values| values.remove(key))
            .map(SecretString::from))
    }

    fn set(&self, key: &str, value: &SecretString) -> Result<(), StoreError> {
        self.change(key, |entries| {
            entries
                .entry(self.service.to_string())
                .or_default()
                .insert(key.to_string(), value.expose_secret().to_string());
            true
        })
        .map(|_| ())
    }

    fn delete(&self, key: &str) -> Result<bool, StoreError> {
        self.change(key, |entries| {
            entries
                .get_mut(self.service)
                .is_some_and(|values| values.remove(key).is_some())
        })
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let entries = self.entries().map_err(|r| self.failed("list", "*", r))?;
        Ok(entries
            .get(self.service)
            .map(|values| values.keys().cloned().collect())
            .unwrap_or_default())
    }
}

fn unavailable(reason: String, key: &KeySource) -> StoreError {
    StoreError::Unavailable {
        backend: Backend::File,
        reason,
        hint: format!(
            "the key is {} (settings.file_store_key, else $CREDENTIALS_DIRECTORY/{CREDENTIAL_NAME}, else a key file next to the config)",
            key.path().display()
        ),
    }
}

/// The 32-byte key: 64 hex digits (or 32 raw bytes) in the key file, which only the caller (or
/// root) may read or change. A key fedaws makes is written 0600 on first use.
fn read_or_make_key(source: &KeySource) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    let path = source.path();
    let exists = std::fs::symlink_metadata(path).is_ok();
    if !exists {
        match source {
            KeySource::Given(_) | KeySource::Systemd(_) => {
                return Err(unavailable(
                    format!("the key file {} does not exist", path.display()),
                    source,
                ));
            }
            KeySource::Made(_) => make_key(path).map_err(|e| unavailable(e, source))?,
        }
    }
    let role = match source {
        KeySource::Systemd(_) => Role::SystemdKey,
        _ => Role::SecretKey,
    };
    let bytes = trust::read_bytes(path, role).map_err(|e| unavailable(e.to_string(), source))?;
    let text = std::str::from_utf8(&bytes).map(str::trim).unwrap_or("");
    let key = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        (0..32)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or(0))
            .collect()
    } else if bytes.len() == 32 {
        bytes.to_vec()
    } else {
        return Err(unavailable(
            format!(
                "the key file {} holds neither 64 hex digits nor 32 bytes",
                path.display()
            ),
            source,
        ));
    };
    Ok(Zeroizing::new(key))
}

/// A new random key in a new 0600 file (never over an existing one).
fn make_key(path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        trust::check_for_writing(path, Role::SecretKey).map_err(|e| e.to_string())?;
        fsutil::create_private_dirs(dir).map_err(|e| e.to_string())?;
    }
    let mut key = Zeroizing::new([0u8; 32]);
    getrandom::fill(key.as_mut()).map_err(|e| format!("no randomness from the OS: {e}"))?;
    let mut text = Zeroizing::new(key.iter().map(|b| format!("{b:02x}")).collect::<String>());
    text.push('\n');
    use std::io::Write;
    fsutil::no_follow()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot make the key file {}: {e}", path.display()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn spec(dir: &Path) -> FileSpec {
        FileSpec {
            store: dir.join("state/store.enc"),
            key: KeySource::Made(dir.join("config/store.key")),
        }
    }

    #[test]
    fn secrets_survive_a_new_process_and_never_sit_in_the_file_in_clear() {
        let dir = tempfile::tempdir().unwrap();
        let spec = spec(dir.path());
        let store = FileStore::open(&spec, "fedaws").unwrap();
        store
            .set("account:a", &SecretString::from("s3cr3t-value".to_string()))
            .unwrap();
        let other = FileStore::open(&spec, "fedaws-cache").unwrap();
        other
            .set("creds:x", &SecretString::from("t0ken".to_string()))
            .unwrap();
        let again = FileStore::open(&spec, "fedaws").unwrap();
        assert_eq!(
            again.get("account:a").unwrap().unwrap().expose_secret(),
            "s3cr3t-value"
        );
        assert_eq!(again.keys().unwrap(), ["account:a"]);
        assert!(
            again.get("creds:x").unwrap().is_none(),
            "services are apart"
        );
        let bytes = std::fs::read(&spec.store).unwrap();
        assert!(!bytes.windows(12).any(|w| w == b"s3cr3t-value"));
        use std::os::unix::fs::MetadataExt;
        for p in [&spec.store, &dir.path().join("config/store.key")] {
            assert_eq!(std::fs::metadata(p).unwrap().mode() & 0o777, 0o600, "{p:?}");
        }
        assert!(again.delete("account:a").unwrap());
        assert!(!again.delete("account:a").unwrap());
        assert!(again.get("account:a").unwrap().is_none());
    }

    #[test]
    fn another_key_or_a_changed_file_is_an_error_that_shows_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let spec = spec(dir.path());
        FileStore::open(&spec, "fedaws")
            .unwrap()
            .set("account:a", &SecretString::from("s3cr3t".to_string()))
            .unwrap();
        let other_key = dir.path().join("other.key");
        std::fs::write(&other_key, format!("{}\n", "ab".repeat(32))).unwrap();
        std::fs::set_permissions(
            &other_key,
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .unwrap();
        let wrong = FileStore::open(
            &FileSpec {
                store: spec.store.clone(),
                key: KeySource::Given(other_key),
            },
            "fedaws",
        )
        .unwrap();
        let e = wrong.get("account:a").unwrap_err().to_string();
        assert!(e.contains("cannot be decrypted"), "{e}");
        let mut bytes = std::fs::read(&spec.store).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&spec.store, &bytes).unwrap();
        let e = FileStore::open(&spec, "fedaws")
            .unwrap()
            .get("account:a")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("cannot be decrypted") && !e.contains("s3cr3t"),
            "{e}"
        );
    }

    #[test]
    fn a_key_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("k");
        std::fs::write(&key, "cd".repeat(32)).unwrap();
        std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .unwrap();
        let e = FileStore::open(
            &FileSpec {
                store: dir.path().join("s"),
                key: KeySource::Given(key),
            },
            "fedaws",
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("readable by"), "{e}");
        let e = FileStore::open(
            &FileSpec {
                store: dir.path().join("s"),
                key: KeySource::Given(dir.path().join("missing")),
            },
            "fedaws",
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("does not exist"), "{e}");
    }
}
