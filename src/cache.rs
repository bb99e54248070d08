//! The cache of issued credentials, and the lock that makes parallel callers share one STS call.
//!
//! An entry lives in a secret store (never a plain file) under a key made of the connector, the
//! identity and a short hash of what the caller asked for (duration, region). Its value carries a
//! fingerprint of everything else that shapes the credentials (principal, account, role, external
//! ID, policy text, policy ARNs, tags, endpoint, session name): an edit to any of them makes the
//! entry a miss, and the next issue overwrites it, so edits never pile up stale entries. Finding an
//! entry is one lookup by exact key: no listing, no scan.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Exit, UserError};
use crate::fsutil::{self, LockGuard};
use crate::issue::Plan;
use crate::principal::AccountKind;
use crate::secret::{SecretStore, StoreError};
use crate::sts::Issued;

/// Prefix of every cache key.
const PREFIX: &str = "creds:";

/// Where one request's credentials are cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The store key: `creds:CONNECTOR:IDENTITY:VARIANT`.
    pub key: String,
    /// What the cached credentials must have been made from.
    pub fingerprint: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An identity as it may appear in a key: kept when plain, hex-encoded otherwise.
fn key_safe(identity: &str) -> String {
    if !identity.is_empty()
        && identity
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c))
    {
        identity.to_string()
    } else {
        format!("x{}", hex(identity.as_bytes()))
    }
}

/// The slot for a planned call made for `identity`. Connectors of the same name in two config
/// files are different connectors, so the config's path is part of the slot.
pub fn slot(
    config: &Path,
    connector: &str,
    identity: &str,
    plan: &Plan,
    kind: AccountKind,
) -> Slot {
    let variant = Sha256::new()
        .chain_update(config.as_os_str().as_encoded_bytes())
        .chain_update([0])
        .chain_update(plan.call.duration.to_be_bytes())
        .chain_update(plan.region.as_bytes())
        .finalize();
    let call = &plan.call;
    let shape = serde_json::json!({
        "principal": call.principal.as_str(),
        "account": call.account,
        "kind": kind.as_str(),
        "mfa_serial": plan.mfa_serial,
        "role_arn": call.role_arn,
        "external_id": call.external_id,
        "policy": call.policy,
        "policy_arns": call.policy_arns,
        "tags": call.tags,
        "duration": call.duration,
        "region": plan.region,
        "endpoint": plan.endpoint.url,
        "session_name": call.session_name,
    });
    let fingerprint = Sha256::digest(shape.to_string().as_bytes());
    Slot {
        key: format!(
            "{PREFIX}{connector}:{}:{}",
            key_safe(identity),
            &hex(&variant)[..12]
        ),
        fingerprint: hex(&fingerprint)[..32].to_string(),
    }
}

/// A cached entry as stored.
#[derive(Serialize, Deserialize)]
struct Stored {
    fingerprint: String,
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: i64,
    arn: Option<String>,
}

/// The cached credentials for `slot`, if they match and have more than `margin` left.
/// An unreadable or foreign entry is a miss, never an error: the cache is only an optimisation.
pub fn read(
    store: &dyn SecretStore,
    slot: &Slot,
    now: jiff::Timestamp,
    margin: Duration,
) -> Result<Option<Issued>, StoreError> {
    let Some(value) = store.get(&slot.key)? else {
        return Ok(None);
    };
    let Ok(stored) = serde_json::from_str::<Stored>(value.expose_secret()) else {
        return Ok(None);
    };
    let left = stored.expiration - now.as_second();
    if stored.fingerprint != slot.fingerprint
        || left <= i64::try_from(margin.as_secs()).unwrap_or(i64::MAX)
    {
        return Ok(None);
    }
    let Ok(expiration) = jiff::Timestamp::from_second(stored.expiration) else {
        return Ok(None);
    };
    Ok(Some(Issued {
        access_key_id: stored.access_key_id,
        secret_access_key: SecretString::from(stored.secret_access_key),
        session_token: SecretString::from(stored.session_token),
        expiration,
        arn: stored.arn,
        packed_policy_size: None,
    }))
}

/// Store freshly issued credentials in `slot`, to expire with them.
pub fn write(store: &dyn SecretStore, slot: &Slot, issued: &Issued) -> Result<(), StoreError> {
    let stored = Stored {
        fingerprint: slot.fingerprint.clone(),
        access_key_id: issued.access_key_id.clone(),
        secret_access_key: issued.secret_access_key.expose_secret().to_string(),
        session_token: issued.session_token.expose_secret().to_string(),
        expiration: issued.expiration.as_second(),
        arn: issued.arn.clone(),
    };
    let value = SecretString::from(serde_json::to_string(&stored).expect("strings serialize"));
    store.set_expiring(&slot.key, &value, issued.expiration)
}

/// One cache entry, without its secrets, for `fedaws cache list`.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    /// The connector it was issued for.
    pub connector: String,
    /// Who it was issued to.
    pub identity: String,
    /// The temporary access key id (not a secret on its own).
    pub access_key_id: String,
    /// When it expires, RFC 3339.
    pub expiration: String,
    /// Seconds left (negative once expired).
    pub seconds_left: i64,
    /// The store key.
    pub key: String,
}

fn decode_identity(s: &str) -> String {
    match s.strip_prefix('x') {
        Some(h)
            if h.len() % 2 == 0 && h.chars().all(|c| c.is_ascii_hexdigit()) && !h.is_empty() =>
        {
            let bytes: Vec<u8> = (0..h.len())
                .step_by(2)
                .filter_map(|i| u8::from_str_radix(&h[i..i + 2], 16).ok())
                .collect();
            String::from_utf8(bytes).unwrap_or_else(|_| s.to_string())
        }
        _ => s.to_string(),
    }
}

/// Every entry in the cache store, optionally only one connector's.
pub fn list(
    store: &dyn SecretStore,
    connector: Option<&str>,
    now: jiff::Timestamp,
) -> Result<Vec<Listed>, StoreError> {
    let mut out = Vec::new();
    for key in store.keys()? {
        let Some(rest) = key.strip_prefix(PREFIX) else {
            continue;
        };
        let parts: Vec<&str> = rest.split(':').collect();
        let [name, identity, _variant] = parts[..] else {
            continue;
        };
        if connector.is_some_and(|c| c != name) {
            continue;
        }
        let Some(value) = store.get(&key)? else {
            continue;
        };
        let Ok(stored) = serde_json::from_str::<Stored>(value.expose_secret()) else {
            continue;
        };
        out.push(Listed {
            connector: name.to_string(),
            identity: decode_identity(identity),
            access_key_id: stored.access_key_id,
            expiration: jiff::Timestamp::from_second(stored.expiration)
                .map(crate::format::rfc3339)
                .unwrap_or_default(),
            seconds_left: stored.expiration - now.as_second(),
            key,
        });
    }
    Ok(out)
}

/// Remove the expired entries of a connector (stores that cannot expire entries themselves).
pub fn prune(
    store: &dyn SecretStore,
    connector: &str,
    now: jiff::Timestamp,
) -> Result<(), StoreError> {
    for entry in list(store, Some(connector), now)? {
        if entry.seconds_left <= 0 {
            store.delete(&entry.key)?;
        }
    }
    Ok(())
}

/// The lock file that serialises issuing for one slot.
pub fn lock_path(state_dir: &Path, slot: &Slot) -> PathBuf {
    let digest = Sha256::digest(slot.key.as_bytes());
    let connector = slot
        .key
        .strip_prefix(PREFIX)
        .and_then(|r| r.split(':').next())
        .unwrap_or("x");
    state_dir
        .join("locks")
        .join(format!("{connector}.{}.lock", &hex(&digest)[..16]))
}

/// Take the slot's lock, waiting at most `timeout` for another process that holds it.
///
/// The lock is an OS file lock: a holder that crashes or is killed releases it at once.
pub fn lock(path: &Path, timeout: Duration, connector: &str) -> anyhow::Result<LockGuard> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(guard) = fsutil::try_lock_file(path)? {
            return Ok(guard);
        }
        if started.elapsed() >= timeout {
            return Err(UserError {
                message: format!(
                    "another fedaws process has been issuing credentials for connector `{connector}` for {} s (it may be waiting for an MFA code); gave up waiting (settings.lock_timeout). The lock {} frees itself when that process ends",
                    timeout.as_secs(),
                    path.display()
                ),
                exit: Exit::Failure,
            }
            .into());
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::Principal;
    use crate::secret::MemoryStore;
    use crate::sts::{Call, Endpoint};

    fn plan(duration: u32, policy: Option<&str>) -> Plan {
        Plan {
            call: Call {
                principal: Principal::FederatedUser,
                duration,
                session_name: Some("alice".into()),
                role_arn: None,
                external_id: None,
                policy: policy.map(str::to_string),
                policy_arns: vec![],
                mfa: None,
                tags: vec![],
                account: "a".into(),
            },
            endpoint: Endpoint {
                region: "eu-central-1".into(),
                url: None,
                connect_timeout: Duration::from_secs(5),
                request_timeout: Duration::from_secs(30),
            },
            region: "eu-central-1".into(),
            mfa_serial: None,
        }
    }

    fn issued(expiration: jiff::Timestamp) -> Issued {
        Issued {
            access_key_id: "ASIAEXAMPLE0000001".into(),
            secret_access_key: SecretString::from("secret".to_string()),
            session_token: SecretString::from("token".to_string()),
            expiration,
            arn: None,
            packed_policy_size: None,
        }
    }

    #[test]
    fn slots_separate_identities_requests_and_definitions() {
        let base = slot(
            Path::new("/c.toml"),
            "c",
            "alice",
            &plan(3600, None),
            AccountKind::IamUser,
        );
        assert_ne!(
            base.key,
            slot(
                Path::new("/c.toml"),
                "c",
                "bob",
                &plan(3600, None),
                AccountKind::IamUser
            )
            .key
        );
        assert_ne!(
            base.key,
            slot(
                Path::new("/c.toml"),
                "c",
                "alice",
                &plan(7200, None),
                AccountKind::IamUser
            )
            .key
        );
        assert_ne!(
            base.key,
            slot(
                Path::new("/c.toml"),
                "d",
                "alice",
                &plan(3600, None),
                AccountKind::IamUser
            )
            .key
        );
        let edited = slot(
            Path::new("/c.toml"),
            "c",
            "alice",
            &plan(3600, Some("{}")),
            AccountKind::IamUser,
        );
        let other_file = slot(
            Path::new("/d.toml"),
            "c",
            "alice",
            &plan(3600, None),
            AccountKind::IamUser,
        );
        assert_ne!(
            base.key, other_file.key,
            "another config file is another connector"
        );
        assert_eq!(base.key, edited.key, "an edit reuses the slot");
        assert_ne!(base.fingerprint, edited.fingerprint, "but misses");
        assert!(
            slot(
                Path::new("/c.toml"),
                "c",
                "we:ird",
                &plan(3600, None),
                AccountKind::IamUser
            )
            .key
            .contains(":x7765")
        );
    }

    #[test]
    fn hits_need_the_fingerprint_and_more_than_the_margin() {
        let store = MemoryStore::default();
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let s = slot(
            Path::new("/c.toml"),
            "c",
            "alice",
            &plan(3600, None),
            AccountKind::IamUser,
        );
        let margin = Duration::from_secs(300);
        assert!(read(&store, &s, now, margin).unwrap().is_none());
        write(
            &store,
            &s,
            &issued(now + jiff::SignedDuration::from_secs(3600)),
        )
        .unwrap();
        let hit = read(&store, &s, now, margin).unwrap().unwrap();
        assert_eq!(hit.session_token.expose_secret(), "token");
        let later = now + jiff::SignedDuration::from_secs(3300);
        assert!(
            read(&store, &s, later, margin).unwrap().is_none(),
            "inside the margin"
        );
        let other = Slot {
            fingerprint: "different".into(),
            ..s.clone()
        };
        assert!(read(&store, &other, now, margin).unwrap().is_none());
        let listed = list(&store, None, now).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].connector, "c");
        assert_eq!(listed[0].identity, "alice");
        prune(&store, "c", later + jiff::SignedDuration::from_secs(600)).unwrap();
        assert!(store.keys().unwrap().is_empty());
    }
}
