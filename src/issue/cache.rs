//! The cache of issued credentials, and the lock that makes parallel callers share one STS call.
//!
//! An entry lives in a secret store (never a plain file) under a key made only of what the caller
//! gave: the config file, the connector, the identity, the flags and the environment variables
//! that shape a request. So the key is known before the config is even read. The value carries
//! the credentials and two ways to prove they still fit:
//!
//! - the *stamps* (device, inode, size, change times) of the config file and the policy file they
//!   were issued from: while those are unchanged, the config is the one that was checked at
//!   issuance, and a hit needs no parsing at all (the hot path, whatever the config's size);
//! - a *fingerprint* of everything that shapes the credentials (principal, account, role,
//!   external ID, policy text, policy ARNs, tags, duration, region, endpoint, session name): after
//!   an edit the config is loaded and checked in full, and only a changed fingerprint is a miss.
//!
//! Edits overwrite the same entry, so they never pile up stale ones. Finding an entry is one
//! lookup by exact key: no listing, no scan.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::plan::Plan;
use super::{CredsRequest, Known, Obtained, Services};
use crate::authz::Grant;
use crate::fsutil::{self, LockGuard};
use crate::principal::AccountKind;
use crate::secret::{SecretStore, StoreError};
use crate::sts::Issued;

/// Prefix of every cache key.
const PREFIX: &str = "creds:";

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

/// The environment variables that can change what a request issues.
const SHAPING_ENV: &[&str] = &[
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
];

/// The version of what an entry proves, part of every key: entries written under older rules
/// are never found. 2: `--system` callers must be `settings.system_users` or administrators, and
/// a policy file reached through a link is stamped with the link too.
const FORMAT: &str = "2";

/// The store key of a request's slot: `creds:CONNECTOR:IDENTITY:HASH`, from what the caller gave
/// alone (the config file, canonical; who asks; the host; the request; the environment variables
/// that shape it), so it is known before the config is read. Connectors of the same name in two
/// config files are different connectors, so the config's path is part of it.
pub fn slot_key(
    config: &Path,
    request: &CredsRequest,
    identity: &str,
    host: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(FORMAT.as_bytes());
    field(config.as_os_str().as_encoded_bytes());
    field(host.as_bytes());
    let duration = request.duration.map(|d| d.to_string());
    field(duration.as_deref().unwrap_or("\0").as_bytes());
    let region = request.region.as_ref().map(crate::validate::Region::as_str);
    field(region.unwrap_or("\0").as_bytes());
    for var in SHAPING_ENV {
        field(env(var).as_deref().unwrap_or("\0").as_bytes());
    }
    format!(
        "{PREFIX}{}:{}:{}",
        request.connector,
        key_safe(identity),
        &hex(&h.finalize())[..16]
    )
}

/// A digest of everything that shapes the credentials of a planned call.
pub fn fingerprint(plan: &Plan, kind: AccountKind) -> String {
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
        "source_identity": call.source_identity,
    });
    hex(&Sha256::digest(shape.to_string().as_bytes()))[..32].to_string()
}

/// The identity of a file's current version: if any part differs, the file may have changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// The file, as the config names it: links in it are followed anew at every check, so a
    /// link pointed at another file (or a directory link switched to another release) is a
    /// change even when neither file changed.
    pub path: PathBuf,
    /// Device, inode, size, modification and change times (ns), as the OS reports them.
    pub id: [i128; 6],
}

/// The stamp of the file at `path` (following links), if it exists.
pub fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let id = {
        use std::os::unix::fs::MetadataExt;
        [
            i128::from(m.dev()),
            i128::from(m.ino()),
            i128::from(m.size()),
            i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
            i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
            0,
        ]
    };
    #[cfg(not(unix))]
    let id = {
        let modified = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        [0, 0, i128::from(m.len()), modified, 0, 0]
    };
    Some(Stamp {
        path: path.to_path_buf(),
        id,
    })
}

/// How a cached entry must be checked before it is used.
pub enum Check<'a> {
    /// The files it was issued from must be unchanged (no config was read).
    Unchanged,
    /// It must have been issued from this fingerprint (the config was loaded and checked).
    Fingerprint(&'a str),
}

/// A cached entry that may be used.
pub struct Hit {
    /// The credentials.
    pub issued: Issued,
    /// The region they were issued for.
    pub region: String,
    /// Why the caller was allowed when they were issued.
    pub grant: Grant,
    principal: String,
    account: String,
    duration: u32,
}

impl Hit {
    /// The hit as the core returns it, with what the audit log says of the request as it was
    /// when the credentials were issued.
    pub fn obtained(self) -> Obtained {
        Obtained {
            known: Known {
                principal: Some(self.principal),
                account: Some(self.account),
                grant: Some(self.grant.to_string()),
                duration: Some(self.duration),
            },
            creds: self.issued,
            region: self.region,
            from_cache: true,
        }
    }
}

/// A cached entry as stored.
#[derive(Serialize, Deserialize)]
struct Stored {
    /// The config file it was issued from (for listing and clearing one config's entries).
    config: PathBuf,
    fingerprint: String,
    stamps: Vec<Stamp>,
    /// The refresh margin in force at issuance, in seconds (for hits that read no config).
    margin: u64,
    region: String,
    grant: Grant,
    principal: String,
    account: String,
    duration: u32,
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: i64,
    arn: Option<String>,
}

/// The cached credentials under `key`, if they pass `check` and have more than the margin left
/// (`margin`, or where no config was read, the one recorded at issuance).
/// A foreign entry is a miss, with the reason (for `-v`); only a store that fails to read is
/// an error.
pub fn read(
    store: &dyn SecretStore,
    key: &str,
    check: Check<'_>,
    now: jiff::Timestamp,
    margin: Option<Duration>,
) -> Result<Result<Hit, &'static str>, StoreError> {
    let Some(value) = store.get(key)? else {
        return Ok(Err("no entry"));
    };
    let Ok(mut stored) = serde_json::from_str::<Stored>(value.expose_secret()) else {
        return Ok(Err("the entry is not one fedaws wrote"));
    };
    let fits = match check {
        Check::Unchanged => {
            !stored.stamps.is_empty()
                && stored
                    .stamps
                    .iter()
                    .all(|s| stamp(&s.path).as_ref() == Some(s))
        }
        Check::Fingerprint(f) => stored.fingerprint == f,
    };
    if !fits {
        return Ok(Err(match check {
            Check::Unchanged => "the config or the policy file changed since it was issued",
            Check::Fingerprint(_) => "it was issued under another definition of the connector",
        }));
    }
    let margin = margin.map_or(stored.margin, |m| m.as_secs());
    let left = stored.expiration - now.as_second();
    if left <= i64::try_from(margin).unwrap_or(i64::MAX) {
        return Ok(Err("less than the refresh margin is left"));
    }
    let Ok(expiration) = jiff::Timestamp::from_second(stored.expiration) else {
        return Ok(Err("the entry is not one fedaws wrote"));
    };
    let hit = Hit {
        issued: Issued {
            access_key_id: std::mem::take(&mut stored.access_key_id),
            secret_access_key: SecretString::from(std::mem::take(&mut stored.secret_access_key)),
            session_token: SecretString::from(std::mem::take(&mut stored.session_token)),
            expiration,
            arn: stored.arn.take(),
            packed_policy_size: None,
            request_id: None,
        },
        region: std::mem::take(&mut stored.region),
        grant: stored.grant.clone(),
        principal: std::mem::take(&mut stored.principal),
        account: std::mem::take(&mut stored.account),
        duration: stored.duration,
    };
    // What fedaws wrote passed these checks when STS gave it; what else is there is not handed
    // on (it could carry text into a shell or an INI file).
    if crate::sts::check_shape(&hit.issued).is_err() {
        return Ok(Err("the entry is not one fedaws wrote"));
    }
    Ok(Ok(hit))
}

/// What to record with freshly issued credentials.
pub struct Record<'a> {
    /// The config file they were planned from.
    pub config: &'a Path,
    /// The fingerprint of the plan.
    pub fingerprint: String,
    /// The stamps of the files the plan was made from (config, policy file), taken before they
    /// were read.
    pub stamps: Vec<Stamp>,
    /// The refresh margin in force.
    pub margin: Duration,
    /// Their region.
    pub region: &'a str,
    /// Why the caller was allowed.
    pub grant: &'a Grant,
    /// The principal type.
    pub principal: crate::principal::Principal,
    /// The account.
    pub account: &'a str,
    /// The lifetime asked for.
    pub duration: u32,
}

impl Drop for Stored {
    /// Its copies of the secret parts are wiped, not merely freed.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret_access_key);
        zeroize::Zeroize::zeroize(&mut self.session_token);
    }
}

/// Store freshly issued credentials under `key`, to expire with them.
pub fn write(
    store: &dyn SecretStore,
    key: &str,
    record: &Record<'_>,
    issued: &Issued,
) -> Result<(), StoreError> {
    let stored = Stored {
        config: record.config.to_path_buf(),
        fingerprint: record.fingerprint.clone(),
        stamps: record.stamps.clone(),
        margin: record.margin.as_secs(),
        region: record.region.to_string(),
        grant: record.grant.clone(),
        principal: record.principal.as_str().to_string(),
        account: record.account.to_string(),
        duration: record.duration,
        access_key_id: issued.access_key_id.clone(),
        secret_access_key: issued.secret_access_key.expose_secret().to_string(),
        session_token: issued.session_token.expose_secret().to_string(),
        expiration: issued.expiration.as_second(),
        arn: issued.arn.clone(),
    };
    let value = SecretString::from(serde_json::to_string(&stored).expect("strings serialize"));
    store.set_expiring(key, &value, issued.expiration)
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

/// The entries in the cache store issued from `config` (every config's when `None`), optionally
/// only one connector's.
pub fn list(
    store: &dyn SecretStore,
    config: Option<&Path>,
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
        if config.is_some_and(|c| c != stored.config) {
            continue;
        }
        out.push(Listed {
            connector: name.to_string(),
            identity: decode_identity(identity),
            access_key_id: stored.access_key_id.clone(),
            expiration: jiff::Timestamp::from_second(stored.expiration)
                .map(crate::output::rfc3339)
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
    for entry in list(store, None, Some(connector), now)? {
        if entry.seconds_left <= 0 {
            store.delete(&entry.key)?;
        }
    }
    Ok(())
}

/// Where and how long to wait for the single-flight lock of a slot.
pub struct LockAt<'a> {
    /// The lock file.
    pub path: PathBuf,
    /// How long to wait for another process holding it.
    pub timeout: Duration,
    /// The connector, for the message when waiting gives up.
    pub connector: &'a str,
}

/// The credentials of a slot: from `store` when an entry issued from `record`'s definition is
/// good, else from `issue`, called under the slot's lock after a second look (so parallel
/// callers share one STS call), and written back. `refresh` skips both looks. Returns the
/// credentials and whether they came from the cache. A store that fails to read is a miss with
/// a warning, one that fails to write a warning: the cache is only an optimisation.
#[allow(clippy::too_many_arguments)]
pub fn get_or_issue(
    services: &mut dyn Services,
    store: Option<&dyn SecretStore>,
    key: &str,
    record: &Record<'_>,
    lock: &LockAt<'_>,
    refresh: bool,
    started: Instant,
    issue: impl FnOnce(&mut dyn Services) -> anyhow::Result<Issued>,
) -> anyhow::Result<(Issued, bool)> {
    let look = |services: &mut dyn Services, store: &dyn SecretStore| {
        let found = read(
            store,
            key,
            Check::Fingerprint(&record.fingerprint),
            services.now(),
            Some(record.margin),
        );
        match found {
            Ok(Ok(hit)) => Some(hit),
            Ok(Err(why)) => {
                services.debug(1, format_args!("cache miss: {why}"));
                None
            }
            Err(e) => {
                services.warn(&format!("{e}; issuing anew"));
                None
            }
        }
    };
    match (store, refresh) {
        (None, _) => services.debug(
            1,
            format_args!("cache: off (--no-cache or settings.cache = \"none\")"),
        ),
        (Some(_), true) => services.debug(1, format_args!("cache: not read (--refresh)")),
        (Some(store), false) => {
            services.debug(1, format_args!("cache store {}", store.backend()));
            if let Some(hit) = look(services, store) {
                services.debug(
                    1,
                    format_args!(
                        "cache hit (same connector definition) in {} ms",
                        started.elapsed().as_millis()
                    ),
                );
                return Ok((hit.issued, true));
            }
        }
    }
    let _guard = match store {
        Some(store) => {
            services.debug(2, format_args!("taking the lock {}", lock.path.display()));
            let guard = self::lock(&lock.path, lock.timeout, lock.connector)?;
            if !refresh && let Some(hit) = look(services, store) {
                services.debug(
                    1,
                    format_args!(
                        "cache hit after waiting for the lock: another process issued them"
                    ),
                );
                return Ok((hit.issued, true));
            }
            Some(guard)
        }
        None => None,
    };
    let creds = match issue(services) {
        Ok(creds) => creds,
        Err(e) => return still_cached(services, store, key, record, refresh, e),
    };
    if let Some(store) = store {
        services.debug(
            2,
            format_args!("caching them in the {} store", store.backend()),
        );
        let stored = write(store, key, record, &creds).and_then(|()| {
            if store.expires_entries() {
                Ok(())
            } else {
                prune(store, lock.connector, services.now())
            }
        });
        if let Err(e) = stored {
            services.warn(&format!("could not cache the credentials: {e}"));
        }
    }
    Ok((creds, false))
}

/// How long cached credentials must still live to be served when new ones cannot be issued.
const STILL_USABLE: Duration = Duration::from_secs(60);

/// When credentials in their refresh margin could not be refreshed because the account store
/// or STS could not be reached, the cached ones while they still live (at least
/// [`STILL_USABLE`]), with a warning; else the error. Not after `--refresh`, nor for any other
/// failure (a refusal, an MFA code to ask for), which the caller must see.
fn still_cached(
    services: &mut dyn Services,
    store: Option<&dyn SecretStore>,
    key: &str,
    record: &Record<'_>,
    refresh: bool,
    error: anyhow::Error,
) -> anyhow::Result<(Issued, bool)> {
    let unreachable = error.chain().any(|e| {
        e.is::<StoreError>()
            || matches!(
                e.downcast_ref::<crate::sts::StsError>(),
                Some(crate::sts::StsError::Network { .. })
            )
    });
    let Some(store) = store.filter(|_| unreachable && !refresh) else {
        return Err(error);
    };
    let check = Check::Fingerprint(&record.fingerprint);
    match read(store, key, check, services.now(), Some(STILL_USABLE)) {
        Ok(Ok(hit)) => {
            services.warn(&format!(
                "could not refresh the credentials, serving the cached ones (they expire at {}): {error:#}",
                hit.issued.expiration
            ));
            Ok((hit.issued, true))
        }
        _ => Err(error),
    }
}

/// Another process held a slot's lock longer than the caller would wait.
#[derive(Debug, thiserror::Error)]
#[error(
    "another fedaws process has been issuing credentials for connector `{connector}` for {} s (it may be waiting for an MFA code); gave up waiting (settings.lock_timeout). The lock {} frees itself when that process ends",
    .waited.as_secs(),
    .path.display()
)]
pub struct LockTimeout {
    /// The connector.
    pub connector: String,
    /// How long the caller waited.
    pub waited: Duration,
    /// The lock file.
    pub path: PathBuf,
}

/// The lock file that serialises issuing for one slot.
pub fn lock_path(state_dir: &Path, key: &str) -> PathBuf {
    let digest = Sha256::digest(key.as_bytes());
    let connector = key
        .strip_prefix(PREFIX)
        .and_then(|r| r.split(':').next())
        .unwrap_or("x");
    state_dir
        .join("locks")
        .join(format!("{connector}.{}.lock", &hex(&digest)[..16]))
}

/// Take the slot's lock, waiting at most `timeout` for another process that holds it.
///
/// The lock is an OS file lock: a holder that crashes or is killed releases it at once. The
/// holder removes the file as it lets go ([`SlotLock`]), so lock files do not pile up, one per
/// kind of request ever made; a waiter that then finds its file gone takes the lock anew.
pub fn lock(path: &Path, timeout: Duration, connector: &str) -> anyhow::Result<SlotLock> {
    if let Some(dir) = path.parent() {
        fsutil::ensure_private_dir(dir, crate::trust::Role::StateDir)?;
    }
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(guard) = fsutil::try_lock_file(path)? {
            if guard.still_at(path) {
                return Ok(SlotLock {
                    path: path.to_path_buf(),
                    _guard: guard,
                });
            }
            // The holder before removed it: take the one at the name now.
            continue;
        }
        if started.elapsed() >= timeout {
            return Err(LockTimeout {
                connector: connector.to_string(),
                waited: timeout,
                path: path.to_path_buf(),
            }
            .into());
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// A slot's lock, held until dropped; its file is removed first, while it is still held.
pub struct SlotLock {
    path: PathBuf,
    _guard: LockGuard,
}

impl Drop for SlotLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_lock_leaves_no_file_and_a_waiter_takes_it_after() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locks/c.0123456789abcdef.lock");
        let first = lock(&path, Duration::from_secs(5), "c").unwrap();
        let waiter = {
            let path = path.clone();
            std::thread::spawn(move || {
                let second = lock(&path, Duration::from_secs(5), "c").unwrap();
                assert!(
                    path.exists(),
                    "the waiter holds a lock on a file without a name"
                );
                drop(second);
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        drop(first);
        waiter.join().unwrap();
        assert!(!path.exists(), "a lock file was left behind");
    }
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
                source_identity: None,
            },
            endpoint: Endpoint {
                region: "eu-central-1".into(),
                url: None,
                connect_timeout: Duration::from_secs(5),
                request_timeout: Duration::from_secs(30),
            },
            region: "eu-central-1".into(),
            mfa_serial: None,
            account: crate::config::Account::default(),
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
            request_id: None,
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn request(connector: &str, duration: Option<u32>) -> CredsRequest {
        CredsRequest::for_connector(connector, duration)
    }

    fn key(config: &str, connector: &str, identity: &str, duration: Option<u32>) -> String {
        slot_key(
            Path::new(config),
            &request(connector, duration),
            identity,
            "h",
            &no_env,
        )
    }

    #[cfg(unix)]
    #[test]
    fn a_link_pointed_elsewhere_is_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let unchanged = |s: &Stamp| stamp(&s.path).as_ref() == Some(s);
        for (name, a, b) in [
            // policy_file = "policy.json", a link to one of two files
            ("policy.json", "a.json", "b.json"),
            // policy_file = "current/p.json", `current` a link to one of two releases
            ("current/p.json", "v1", "v2"),
        ] {
            let (a, b) = (dir.path().join(a), dir.path().join(b));
            if name.contains('/') {
                for d in [&a, &b] {
                    std::fs::create_dir(d).unwrap();
                    std::fs::write(d.join("p.json"), "{}").unwrap();
                }
            } else {
                std::fs::write(&a, "{}").unwrap();
                std::fs::write(&b, "{}").unwrap();
            }
            let link = dir.path().join(name.split('/').next().unwrap());
            std::os::unix::fs::symlink(&a, &link).unwrap();
            let before = stamp(&dir.path().join(name)).unwrap();
            assert!(unchanged(&before));
            std::fs::remove_file(&link).unwrap();
            std::os::unix::fs::symlink(&b, &link).unwrap();
            assert!(!unchanged(&before), "{name} now leads to another file");
        }
    }

    #[test]
    fn keys_separate_files_connectors_identities_and_requests() {
        let base = key("/c.toml", "c", "alice", None);
        assert_ne!(base, key("/c.toml", "c", "bob", None));
        assert_ne!(base, key("/c.toml", "c", "alice", Some(3600)));
        assert_ne!(base, key("/c.toml", "d", "alice", None));
        assert_ne!(base, key("/d.toml", "c", "alice", None));
        assert_eq!(base, key("/c.toml", "c", "alice", None));
        let env = |v: &str| (v == "AWS_REGION").then(|| "us-west-2".to_string());
        let with_env = slot_key(
            Path::new("/c.toml"),
            &request("c", None),
            "alice",
            "h",
            &env,
        );
        assert_ne!(base, with_env);
        assert!(key("/c.toml", "c", "we:ird", None).contains(":x7765"));
    }

    #[test]
    fn fingerprints_follow_the_definition() {
        let a = fingerprint(&plan(3600, None), AccountKind::IamUser);
        assert_eq!(a, fingerprint(&plan(3600, None), AccountKind::IamUser));
        assert_ne!(
            a,
            fingerprint(&plan(3600, Some("{}")), AccountKind::IamUser)
        );
        assert_ne!(a, fingerprint(&plan(7200, None), AccountKind::IamUser));
        assert_ne!(a, fingerprint(&plan(3600, None), AccountKind::Root));
    }

    #[test]
    fn an_entry_whose_credentials_are_not_shaped_as_aws_makes_them_is_a_miss() {
        let store = MemoryStore::default();
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let k = key("/c.toml", "c", "alice", None);
        let record = Record {
            config: Path::new("/c.toml"),
            fingerprint: "fp".into(),
            stamps: Vec::new(),
            margin: Duration::from_secs(300),
            region: "eu-central-1",
            grant: &Grant::AdminUser,
            principal: Principal::FederatedUser,
            account: "a",
            duration: 3600,
        };
        let later = now + jiff::SignedDuration::from_secs(3600);
        write(&store, &k, &record, &issued(later)).unwrap();
        assert!(
            read(&store, &k, Check::Fingerprint("fp"), now, None)
                .unwrap()
                .is_ok()
        );
        let mut smuggled = issued(later);
        smuggled.session_token = SecretString::from("token\"; rm -rf ~; echo \"".to_string());
        write(&store, &k, &record, &smuggled).unwrap();
        assert_eq!(
            read(&store, &k, Check::Fingerprint("fp"), now, None)
                .unwrap()
                .err(),
            Some("the entry is not one fedaws wrote")
        );
        let mut smuggled = issued(later);
        smuggled.access_key_id = "ASIA\n[profile x]".into();
        write(&store, &k, &record, &smuggled).unwrap();
        assert!(
            read(&store, &k, Check::Fingerprint("fp"), now, None)
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn hits_need_a_proof_and_more_than_the_margin() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "x").unwrap();
        let store = MemoryStore::default();
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let k = key("/c.toml", "c", "alice", None);
        let margin = Duration::from_secs(300);
        let record = Record {
            config: Path::new("/c.toml"),
            fingerprint: "fp".into(),
            stamps: stamp(&config).into_iter().collect(),
            margin,
            region: "eu-central-1",
            grant: &Grant::AdminUser,
            principal: Principal::FederatedUser,
            account: "a",
            duration: 3600,
        };
        assert!(
            read(&store, &k, Check::Unchanged, now, None)
                .unwrap()
                .is_err()
        );
        write(
            &store,
            &k,
            &record,
            &issued(now + jiff::SignedDuration::from_secs(3600)),
        )
        .unwrap();

        let hit = read(&store, &k, Check::Unchanged, now, None)
            .unwrap()
            .unwrap();
        assert_eq!(hit.issued.session_token.expose_secret(), "token");
        assert_eq!(hit.region, "eu-central-1");
        assert!(
            read(&store, &k, Check::Fingerprint("fp"), now, Some(margin))
                .unwrap()
                .is_ok()
        );
        assert!(
            read(&store, &k, Check::Fingerprint("other"), now, Some(margin))
                .unwrap()
                .is_err()
        );

        let later = now + jiff::SignedDuration::from_secs(3300);
        assert!(
            read(&store, &k, Check::Unchanged, later, None)
                .unwrap()
                .is_err(),
            "inside the recorded margin"
        );

        std::fs::write(&config, "changed").unwrap();
        assert!(
            read(&store, &k, Check::Unchanged, now, None)
                .unwrap()
                .is_err(),
            "the config changed"
        );
        assert!(
            read(&store, &k, Check::Fingerprint("fp"), now, Some(margin))
                .unwrap()
                .is_ok(),
            "but the definition did not"
        );

        assert!(
            list(&store, Some(Path::new("/d.toml")), None, now)
                .unwrap()
                .is_empty()
        );
        let listed = list(&store, Some(Path::new("/c.toml")), None, now).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].connector, "c");
        assert_eq!(listed[0].identity, "alice");
        prune(&store, "c", later + jiff::SignedDuration::from_secs(600)).unwrap();
        assert!(store.keys().unwrap().is_empty());
    }
}
