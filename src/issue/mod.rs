//! The issuing core: from "credentials of connector X, for this caller" to credentials.
//!
//! [`obtain`] is what `creds`, `exec`, `serve` and `console` call, and what a broker calls for a
//! peer the kernel identified. It reads top to bottom as the steps of a request:
//!
//! 1. the cache slot, from the request and the caller alone, and the fast path: one exact-key
//!    read of the kernel keyring, the config only stat'ed;
//! 2. the config, loaded and checked (only a trusted one: see [`crate::trust`]);
//! 3. authorization, before anything else is touched;
//! 4. the plan: the fully decided STS call ([`plan`]);
//! 5. [`cache::get_or_issue`]: a hit with the same definition, else the single-flight lock, a
//!    second look, and the account's keys, the MFA code ([`mfa`]) and the STS call.
//!
//! [`obtain_audited`] writes the audit line from the result, whatever it was. What a test needs
//! to replace reaches the core through one trait, [`Services`]: the config's location, the secret
//! stores, STS, the person at the terminal, the clock, the host name and the environment, and
//! where `-v` lines and warnings go. `Context` gives the real ones, unit tests give fakes. Files
//! (the config, the audit log, the locks) are real in both, in a temporary directory for tests,
//! and an `mfa_process` is a real process. Who the caller is comes from outside too ([`Caller`]):
//! the core never asks who is running it.

pub mod cache;
pub mod mfa;
pub mod plan;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use secrecy::SecretString;

use crate::audit::{self, Outcome};
use crate::authz::{self, Grant, Identity};
use crate::config::{Config, Depth, Location};
use crate::exit::Exit;
use crate::output::rfc3339;
use crate::secret::{self, AccountKeys, SecretStore, StoreError};
use crate::sts::{Issued, Mfa, Sts};

pub use plan::{DEFAULT_REQUEST_TIMEOUT, check_code};

/// Cached credentials with less than this left are refreshed, unless
/// `settings.refresh_margin` says otherwise.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// How long a caller waits for another process issuing the same credentials, unless
/// `settings.lock_timeout` says otherwise.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(120);

/// The STS session name of `--system` callers, unless `settings.system_identity` says otherwise.
pub const DEFAULT_SYSTEM_IDENTITY: &str = "fedaws-system";

/// Whether the cache is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    /// Read a good entry, else issue and write.
    Use,
    /// Issue anew and write (`--refresh`).
    Refresh,
    /// Neither read nor write (`--no-cache`).
    Off,
}

/// What a caller asks for.
#[derive(Clone)]
pub struct CredsRequest {
    /// The connector's name.
    pub connector: String,
    /// `--duration`, in seconds (checked against the connector when planning).
    pub duration: Option<u32>,
    /// `--region`.
    pub region: Option<crate::validate::Region>,
    /// `--mfa-code`, already checked to be six digits.
    pub mfa_code: Option<SecretString>,
    /// How the cache is used.
    pub cache: CacheUse,
}

impl CredsRequest {
    /// A request for `connector` with nothing else given (tests).
    #[cfg(test)]
    pub fn for_connector(connector: &str, duration: Option<u32>) -> CredsRequest {
        CredsRequest {
            connector: connector.into(),
            duration,
            region: None,
            mfa_code: None,
            cache: CacheUse::Use,
        }
    }
}

/// Who asks, as decided by whoever calls the core: the process itself (its effective user), or,
/// for a broker, the peer the kernel vouches for.
pub struct Caller {
    /// The login name.
    pub user: String,
    /// The user id.
    pub uid: u32,
    /// A `--system` caller.
    pub system: bool,
    /// The process asking, when it is another (a broker's peer).
    pub pid: Option<u32>,
    groups: Groups,
}

/// A caller's OS groups: given, or those of this process, looked up only when needed (a cache
/// hit whose grant rests on no OS group never needs them).
enum Groups {
    Given(Vec<String>),
    OfThisProcess(OnceLock<Vec<String>>),
}

impl Caller {
    /// The effective user of this process, with its groups as the kernel holds them.
    pub fn this_process(system: bool) -> Result<Caller, crate::identity::Nameless> {
        let user = crate::identity::current_user().ok_or(crate::identity::Nameless)?;
        Ok(Caller {
            user,
            uid: crate::identity::current_uid(),
            system,
            pid: None,
            groups: Groups::OfThisProcess(OnceLock::new()),
        })
    }

    /// A caller known by name, uid and OS groups.
    pub fn new(user: String, uid: u32, system: bool, os_groups: Vec<String>) -> Caller {
        Caller {
            user,
            uid,
            system,
            pid: None,
            groups: Groups::Given(os_groups),
        }
    }

    /// The same caller, asking from process `pid` (the audit log records it).
    pub fn from_pid(self, pid: Option<u32>) -> Caller {
        Caller { pid, ..self }
    }

    /// The caller's OS groups.
    pub fn os_groups(&self) -> &[String] {
        match &self.groups {
            Groups::Given(g) => g,
            Groups::OfThisProcess(cell) => cell.get_or_init(crate::identity::current_os_groups),
        }
    }

    /// The caller as authorization sees it.
    fn identity(&self) -> Identity {
        Identity {
            user: self.user.clone(),
            uid: self.uid,
            os_groups: self.os_groups().to_vec(),
            system: self.system,
        }
    }

    /// The name the caller's cache entries are filed under: system callers apart from the
    /// user's own entries.
    fn cache_name(&self) -> String {
        if self.system {
            format!("system.{}", self.user)
        } else {
            self.user.clone()
        }
    }
}

/// What the audit log says of a request beyond who asked and for which connector: as much as
/// was known when it ended.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The connector's principal type.
    pub principal: Option<String>,
    /// Its account.
    pub account: Option<String>,
    /// Why the caller was allowed.
    pub grant: Option<String>,
    /// The lifetime asked of STS, in seconds.
    pub duration: Option<u32>,
}

/// Credentials for a request.
pub struct Obtained {
    /// The credentials.
    pub creds: Issued,
    /// The region they are for.
    pub region: String,
    /// They came from the cache.
    pub from_cache: bool,
    /// The grant, principal type, account and lifetime they were issued under.
    pub known: Known,
}

/// Why a request gave no credentials, with what was known of it by then.
pub struct Failure {
    /// What went wrong.
    pub error: anyhow::Error,
    /// What the audit log can say of the request.
    pub known: Known,
}

impl Failure {
    fn at(known: &Known) -> impl FnOnce(anyhow::Error) -> Failure + '_ {
        move |error| Failure {
            error,
            known: known.clone(),
        }
    }
}

/// Everything the core needs from outside itself.
pub trait Services {
    /// Where the config is.
    fn location(&self) -> &Location;
    /// The config, loaded and checked: read from [`Services::location`] now, or, for a broker,
    /// the last one that loaded.
    fn config(&mut self) -> anyhow::Result<Arc<Config>> {
        Ok(Arc::new(Config::load(self.location(), Depth::Shallow)?))
    }
    /// The store that holds the accounts' keys, for `config`.
    fn account_store(&mut self, config: &Config) -> anyhow::Result<Box<dyn SecretStore>>;
    /// The store a cache hit may be served from before the config is read, if any.
    fn fast_cache_store(&mut self) -> Option<Box<dyn SecretStore>>;
    /// The cache store `config` names, or `None` when caching is off.
    fn cache_store(&mut self, config: &Config) -> anyhow::Result<Option<Box<dyn SecretStore>>>;
    /// How STS is called.
    fn sts(&self) -> &dyn Sts;
    /// An MFA code from the person at the terminal, or `None` when there is no one to ask.
    fn ask_mfa_code(&mut self, serial: &str) -> anyhow::Result<Option<SecretString>>;
    /// A line of the decision path, shown at `-v` (`level` 1) or `-vv` (2). Never a secret.
    fn debug(&mut self, level: u8, message: fmt::Arguments<'_>);
    /// A warning: something went wrong that does not stop the request.
    fn warn(&mut self, message: &str);
    /// The exit family of an error, as the audit line records it. The mapping of every error to
    /// its family knows every module, so it lives above the core, and is the caller's to give.
    fn family(&self, error: &anyhow::Error) -> Exit;
    /// The current time.
    fn now(&self) -> jiff::Timestamp;
    /// This host's name (`{host}` in session names, and the cache slot).
    fn host(&self) -> String;
    /// An environment variable of the request (region and endpoint variables).
    fn env(&self, name: &str) -> Option<String>;
    /// Where the audit log and the locks are.
    fn state_dir(&self) -> PathBuf;
    /// Make the state directory, or check the one there, before a request touches it.
    fn prepare_state(&mut self) -> anyhow::Result<()> {
        let state = self.state_dir();
        crate::fsutil::ensure_private_dir(&state, crate::trust::Role::StateDir)?;
        Ok(())
    }
    /// Write one line to the audit log. Locally a failure is a warning (the log is the
    /// caller's own, and the request has its answer); a broker refuses a request it cannot
    /// record, with the error this returns.
    fn record(&mut self, event: audit::Event) -> anyhow::Result<()> {
        if let Err(e) = audit::append(&self.state_dir(), &event, audit::MAX_SIZE) {
            self.warn(&format!("could not write the audit log: {e}"));
        }
        Ok(())
    }
}

/// Credentials for `request`, from the cache when it has good ones for `caller`, else from STS.
pub fn obtain(
    services: &mut dyn Services,
    request: &CredsRequest,
    caller: &Caller,
) -> Result<Obtained, Failure> {
    let started = Instant::now();
    let none = Known::default();
    let slot = Slot::of(services, request, caller);
    if let Some(hit) = fast_hit(services, &slot, request, caller, started) {
        return Ok(hit);
    }

    // Stamps are taken before the files are read, so an edit made meanwhile is never vouched
    // for.
    let config_stamp = cache::stamp(&slot.config);
    let config = services.config().map_err(Failure::at(&none))?;
    let connector = config
        .connector(&request.connector)
        .map_err(|e| Failure::at(&none)(e.into()))?;
    let known = Known {
        principal: Some(connector.principal.as_str().to_string()),
        account: Some(connector.account.clone()),
        ..Known::default()
    };

    // Authorization comes before anything else: a denied caller reaches neither cache nor STS.
    let grant = authz::decide(&config, &request.connector, connector, &caller.identity())
        .map_err(|e| Failure::at(&known)(e.into()))?;
    services.debug(1, format_args!("allowed as {grant}"));
    let known = Known {
        grant: Some(grant.to_string()),
        ..known
    };

    let plan = make_plan(services, &config, request, caller).map_err(Failure::at(&known))?;
    let known = Known {
        duration: Some(plan.plan.call.duration),
        ..known
    };
    let mut stamps: Vec<cache::Stamp> = config_stamp.into_iter().collect();
    if let Some(f) = &connector.policy_file {
        stamps.extend(cache::stamp(&config.base_dir().join(f)));
    }
    let (creds, from_cache) = issue_or_reuse(
        services, &config, request, &slot, &plan, &grant, stamps, started,
    )
    .map_err(Failure::at(&known))?;
    Ok(Obtained {
        creds,
        region: plan.plan.region.clone(),
        from_cache,
        known,
    })
}

/// [`obtain`], with the request recorded in the audit log whatever the outcome. The state
/// directory, where the log and the locks live, is made or checked first: one others can change
/// is refused before anything is issued (with `sudo -E`, it may be another user's).
pub fn obtain_audited(
    services: &mut dyn Services,
    request: &CredsRequest,
    caller: &Caller,
) -> anyhow::Result<Obtained> {
    services.prepare_state()?;
    let time = rfc3339(services.now());
    let result = obtain(services, request, caller);
    let family = result.as_ref().err().map(|f| services.family(&f.error));
    let recorded = services.record(event_of(time, request, caller, &result, family));
    let obtained = result.map_err(|f| f.error)?;
    recorded?;
    Ok(obtained)
}

/// The fast path alone: credentials for `request` when the cache has good ones for `caller`
/// and nothing they were issued from has changed, found without reading the config or waiting
/// on anything (a broker answers these on its async threads). `None`: take [`obtain_audited`].
/// Not audited: the caller records the hit with [`event_of`].
pub fn cached(
    services: &mut dyn Services,
    request: &CredsRequest,
    caller: &Caller,
) -> Option<Obtained> {
    if request.cache != CacheUse::Use {
        return None;
    }
    let slot = Slot::of(services, request, caller);
    fast_hit(services, &slot, request, caller, Instant::now())
}

/// The audit line of a request made at `time`, from its result (and, when it failed, the
/// failure's exit family).
pub fn event_of(
    time: String,
    request: &CredsRequest,
    caller: &Caller,
    result: &Result<Obtained, Failure>,
    family: Option<Exit>,
) -> audit::Event {
    let (known, outcome) = match result {
        Ok(o) => (&o.known, Ok(o)),
        Err(f) => (&f.known, Err(&f.error)),
    };
    let mut event = audit::Event {
        time,
        user: caller.user.clone(),
        uid: caller.uid,
        pid: caller.pid,
        system: caller.system,
        connector: request.connector.clone(),
        principal: known.principal.clone(),
        account: known.account.clone(),
        grant: known.grant.clone(),
        duration: known.duration,
        ..audit::Event::default()
    };
    match outcome {
        Ok(o) => {
            event.outcome = Some(if o.from_cache {
                Outcome::Cached
            } else {
                Outcome::Issued
            });
            event.expiration = Some(rfc3339(o.creds.expiration));
            event.access_key_id = Some(o.creds.access_key_id.clone());
        }
        Err(e) => {
            let exit = family.unwrap_or(Exit::Failure);
            event.outcome = Some(if exit == Exit::Denied {
                Outcome::Denied
            } else {
                Outcome::Failed
            });
            event.error_kind = Some(exit.family().to_string());
            event.error = Some(format!("{e:#}"));
        }
    }
    event
}

/// A request's cache slot: its key, known before the config is read.
struct Slot {
    /// The config file, canonical.
    config: PathBuf,
    /// The store key.
    key: String,
}

impl Slot {
    fn of(services: &mut dyn Services, request: &CredsRequest, caller: &Caller) -> Slot {
        let path = &services.location().path;
        let config = path.canonicalize().unwrap_or_else(|_| path.clone());
        let key = {
            let host = services.host();
            let env = |k: &str| services.env(k);
            cache::slot_key(&config, request, &caller.cache_name(), &host, &env)
        };
        services.debug(1, format_args!("config {}", config.display()));
        services.debug(2, format_args!("cache slot {key}"));
        Slot { config, key }
    }
}

/// The hot path: one exact-key read from the kernel keyring; the config is only stat'ed. The
/// entry records why the caller was allowed; a grant through an OS group is checked again, since
/// group membership can change without the config changing.
fn fast_hit(
    services: &mut dyn Services,
    slot: &Slot,
    request: &CredsRequest,
    caller: &Caller,
    started: Instant,
) -> Option<Obtained> {
    if request.cache != CacheUse::Use {
        return None;
    }
    let store = services.fast_cache_store()?;
    let found = cache::read(
        store.as_ref(),
        &slot.key,
        cache::Check::Unchanged,
        services.now(),
        None,
    );
    match found {
        Ok(Ok(hit))
            if hit
                .grant
                .os_group()
                .is_none_or(|g| caller.os_groups().iter().any(|x| x == g)) =>
        {
            services.debug(
                1,
                format_args!(
                    "cache hit in the kernel keyring without reading the config (files unchanged; granted as {}) in {} ms",
                    hit.grant,
                    started.elapsed().as_millis()
                ),
            );
            Some(hit.obtained())
        }
        Ok(Ok(hit)) => {
            services.debug(
                1,
                format_args!(
                    "cache entry not used without the config: its grant rests on {} membership, which you no longer have",
                    hit.grant
                ),
            );
            None
        }
        Ok(Err(why)) => {
            services.debug(
                1,
                format_args!("no cache hit before reading the config: {why}"),
            );
            None
        }
        Err(e) => {
            services.debug(
                1,
                format_args!("no cache hit before reading the config: {e}"),
            );
            None
        }
    }
}

/// A decided call and what proves a cached entry issued from it.
struct Planned {
    plan: plan::Plan,
    fingerprint: String,
}

/// The STS call for `request`, with the session named after the caller (or the system identity).
fn make_plan(
    services: &mut dyn Services,
    config: &Config,
    request: &CredsRequest,
    caller: &Caller,
) -> anyhow::Result<Planned> {
    let session_user = if caller.system {
        config
            .settings
            .system_identity
            .clone()
            .unwrap_or_else(|| DEFAULT_SYSTEM_IDENTITY.to_string())
    } else {
        caller.user.clone()
    };
    let host = services.host();
    let env = |k: &str| services.env(k);
    let plan = plan::plan(
        config,
        request,
        &plan::Origin {
            user: &session_user,
            caller: &caller.user,
            host: &host,
            env: &env,
        },
    )?;
    let fingerprint = cache::fingerprint(&plan, plan.account.kind);
    Ok(Planned { plan, fingerprint })
}

/// From the cache when an entry issued from the same definition is good, else from STS under
/// the single-flight lock. Returns the credentials and whether they were cached.
#[allow(clippy::too_many_arguments)]
fn issue_or_reuse(
    services: &mut dyn Services,
    config: &Config,
    request: &CredsRequest,
    slot: &Slot,
    planned: &Planned,
    grant: &Grant,
    stamps: Vec<cache::Stamp>,
    started: Instant,
) -> anyhow::Result<(Issued, bool)> {
    let settings = &config.settings;
    let cache = match request.cache {
        CacheUse::Off => None,
        _ => services.cache_store(config).unwrap_or_else(|e| {
            services.warn(&format!("{e:#}; issuing without the cache"));
            None
        }),
    };
    let margin = settings.refresh_margin_or(DEFAULT_REFRESH_MARGIN);
    let plan = &planned.plan;
    let record = cache::Record {
        config: &slot.config,
        fingerprint: planned.fingerprint.clone(),
        stamps,
        margin,
        region: &plan.region,
        grant,
        principal: plan.call.principal,
        account: &plan.call.account,
        duration: plan.call.duration,
    };
    let lock = cache::LockAt {
        path: cache::lock_path(&services.state_dir(), &slot.key),
        timeout: settings
            .lock_timeout
            .map_or(DEFAULT_LOCK_TIMEOUT, |s| Duration::from_secs(s.into())),
        connector: &request.connector,
    };
    cache::get_or_issue(
        services,
        cache.as_deref(),
        &slot.key,
        &record,
        &lock,
        request.cache == CacheUse::Refresh,
        started,
        |services| call_sts(services, config, request, plan),
    )
}

/// The account's keys, the MFA code where the call takes one, and the STS call.
fn call_sts(
    services: &mut dyn Services,
    config: &Config,
    request: &CredsRequest,
    plan: &plan::Plan,
) -> anyhow::Result<Issued> {
    let account_name = &plan.call.account;
    let store = services.account_store(config)?;
    let keys = account_keys(store.as_ref(), account_name)?;
    let mut call = plan.call.clone();
    if let Some(serial) = &plan.mfa_serial {
        let code = match &request.mfa_code {
            Some(c) => c.clone(),
            None => mfa::code(services, serial, account_name, &plan.account, config)?,
        };
        call.mfa = Some(Mfa {
            serial: serial.clone(),
            code,
        });
    }
    services.debug(
        1,
        format_args!(
            "account `{account_name}` from the {} store; calling {} at {} (region {}, {} s)",
            store.backend(),
            call.principal.api(),
            plan.endpoint.describe(),
            plan.region,
            call.duration
        ),
    );
    let call_started = Instant::now();
    let creds = services.sts().issue(&keys, &plan.endpoint, &call)?;
    services.debug(
        1,
        format_args!(
            "STS answered in {} ms (request id {}); temporary key {}, expires {}",
            call_started.elapsed().as_millis(),
            crate::output::escape_all(creds.request_id.as_deref().unwrap_or("not given")),
            creds.access_key_id,
            rfc3339(creds.expiration)
        ),
    );
    if let Some(size) = creds.packed_policy_size.filter(|s| *s >= 90) {
        services.warn(&format!(
            "the session policy uses {size}% of what AWS allows; a little more and {} will fail",
            call.principal.api()
        ));
    }
    Ok(creds)
}

/// An account's key pair, or an error that says how to store one.
fn account_keys(store: &dyn SecretStore, account: &str) -> anyhow::Result<AccountKeys> {
    Ok(
        secret::read_account(store, account)?.ok_or_else(|| StoreError::Failed {
            backend: store.backend(),
            action: "read",
            key: secret::account_key(account),
            reason: format!(
                "account `{account}` has no key pair there; store it with `fedaws account edit {account} --rotate`"
            ),
        })?,
    )
}

#[cfg(test)]
mod tests {
    //! The core in a world of fakes: a config in a temporary directory, in-memory stores, an STS
    //! that counts its calls, a terminal that answers from a script, a clock that moves when told.

    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use secrecy::ExposeSecret;

    use super::*;
    use crate::config::Location;
    use crate::error::exit_for;
    use crate::secret::MemoryStore;
    use crate::sts::{Call, Endpoint, StsError};

    const CONFIG: &str = r#"
[settings]
region = "eu-central-1"
admins = ["alice"]

[accounts.a]

[accounts.m]
mfa_serial = "arn:aws:iam::123456789012:mfa/m"

[connectors.fed]
account = "a"
principal = "federated-user"
groups = ["dev"]

[connectors.sess]
account = "m"
principal = "iam-user"
groups = ["dev"]

[groups]
dev = ["bob"]
"#;

    /// An STS that counts its calls, remembers the last one, and answers with fresh,
    /// well-formed credentials lasting what was asked (after `delay`).
    #[derive(Default)]
    struct FakeSts {
        calls: AtomicUsize,
        last: Mutex<Option<Call>>,
        delay: Duration,
        clock: Arc<Mutex<jiff::Timestamp>>,
    }

    impl Sts for FakeSts {
        fn issue(
            &self,
            _keys: &AccountKeys,
            _endpoint: &Endpoint,
            call: &Call,
        ) -> Result<Issued, StsError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            std::thread::sleep(self.delay);
            *self.last.lock().unwrap() = Some(call.clone());
            let now = *self.clock.lock().unwrap();
            Ok(Issued {
                access_key_id: format!("ASIAFAKE{n:012}"),
                secret_access_key: SecretString::from(format!("secret{n}")),
                session_token: SecretString::from(format!("token{n}")),
                expiration: now + jiff::SignedDuration::from_secs(call.duration.into()),
                arn: None,
                packed_policy_size: None,
                request_id: None,
            })
        }
    }

    /// One test's world. Clones of it share the stores, STS, the clock and the state directory,
    /// as processes on one machine share them.
    struct World {
        dir: Arc<tempfile::TempDir>,
        location: Location,
        accounts: MemoryStore,
        cache: MemoryStore,
        sts: Arc<FakeSts>,
        clock: Arc<Mutex<jiff::Timestamp>>,
        mfa_answers: VecDeque<&'static str>,
        mfa_asked: usize,
        lines: Vec<String>,
    }

    impl World {
        fn new() -> World {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("config.toml");
            std::fs::write(&path, CONFIG).unwrap();
            let accounts = MemoryStore::default();
            for name in ["a", "m"] {
                let keys =
                    AccountKeys::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENGEXAMPLEKEY")
                        .unwrap();
                accounts
                    .set(&secret::account_key(name), &keys.to_secret())
                    .unwrap();
            }
            let clock = Arc::new(Mutex::new(
                jiff::Timestamp::from_second(1_800_000_000).unwrap(),
            ));
            World {
                location: Location {
                    path: path.clone(),
                    searched: vec![path],
                },
                dir: Arc::new(dir),
                accounts,
                cache: MemoryStore::default(),
                sts: Arc::new(FakeSts {
                    clock: clock.clone(),
                    ..FakeSts::default()
                }),
                clock,
                mfa_answers: VecDeque::new(),
                mfa_asked: 0,
                lines: Vec::new(),
            }
        }

        /// Another process on the same machine.
        fn another(&self) -> World {
            World {
                dir: self.dir.clone(),
                location: self.location.clone(),
                accounts: self.accounts.clone(),
                cache: self.cache.clone(),
                sts: self.sts.clone(),
                clock: self.clock.clone(),
                mfa_answers: VecDeque::new(),
                mfa_asked: 0,
                lines: Vec::new(),
            }
        }

        fn calls(&self) -> usize {
            self.sts.calls.load(Ordering::SeqCst)
        }

        fn advance(&self, secs: i64) {
            let mut now = self.clock.lock().unwrap();
            *now += jiff::SignedDuration::from_secs(secs);
        }

        fn get(&mut self, connector: &str, caller: &Caller) -> Result<Obtained, Failure> {
            let request = CredsRequest {
                connector: connector.into(),
                duration: None,
                region: None,
                mfa_code: None,
                cache: CacheUse::Use,
            };
            obtain(self, &request, caller)
        }
    }

    impl Services for World {
        fn location(&self) -> &Location {
            &self.location
        }
        fn account_store(&mut self, _: &Config) -> anyhow::Result<Box<dyn SecretStore>> {
            Ok(Box::new(self.accounts.clone()))
        }
        fn fast_cache_store(&mut self) -> Option<Box<dyn SecretStore>> {
            Some(Box::new(self.cache.clone()))
        }
        fn cache_store(&mut self, _: &Config) -> anyhow::Result<Option<Box<dyn SecretStore>>> {
            Ok(Some(Box::new(self.cache.clone())))
        }
        fn sts(&self) -> &dyn Sts {
            self.sts.as_ref()
        }
        fn ask_mfa_code(&mut self, _serial: &str) -> anyhow::Result<Option<SecretString>> {
            self.mfa_asked += 1;
            Ok(self
                .mfa_answers
                .pop_front()
                .map(|c| SecretString::from(c.to_string())))
        }
        fn debug(&mut self, _level: u8, message: fmt::Arguments<'_>) {
            self.lines.push(message.to_string());
        }
        fn warn(&mut self, message: &str) {
            self.lines.push(format!("warning: {message}"));
        }
        fn family(&self, error: &anyhow::Error) -> Exit {
            exit_for(error)
        }
        fn now(&self) -> jiff::Timestamp {
            *self.clock.lock().unwrap()
        }
        fn host(&self) -> String {
            "box".into()
        }
        fn env(&self, _name: &str) -> Option<String> {
            None
        }
        fn state_dir(&self) -> PathBuf {
            self.dir.path().join("state")
        }
    }

    fn bob() -> Caller {
        Caller::new("bob".into(), 1001, false, vec![])
    }

    #[test]
    fn a_miss_calls_sts_once_and_the_next_request_is_a_hit() {
        let mut world = World::new();
        let first = world
            .get("fed", &bob())
            .unwrap_or_else(|f| panic!("{:#}", f.error));
        assert!(!first.from_cache);
        assert_eq!(first.known.grant.as_deref(), Some("config group dev"));
        assert_eq!(world.calls(), 1);
        let second = world
            .get("fed", &bob())
            .unwrap_or_else(|f| panic!("{:#}", f.error));
        assert!(second.from_cache, "{:#?}", world.lines);
        assert_eq!(
            second.creds.access_key_id, first.creds.access_key_id,
            "the hit is what was issued"
        );
        assert_eq!(world.calls(), 1);
        let call = world.sts.last.lock().unwrap().clone().unwrap();
        assert_eq!(call.session_name.as_deref(), Some("bob"));
    }

    #[test]
    fn credentials_within_the_refresh_margin_are_issued_anew() {
        let mut world = World::new();
        world.get("fed", &bob()).ok().unwrap();
        // 12 h credentials; 5 minutes before they end, they are refreshed.
        world.advance(12 * 3600 - 301);
        assert!(world.get("fed", &bob()).ok().unwrap().from_cache);
        world.advance(2);
        assert!(!world.get("fed", &bob()).ok().unwrap().from_cache);
        assert_eq!(world.calls(), 2);
    }

    #[test]
    fn a_denial_comes_before_the_cache_and_sts() {
        let mut world = World::new();
        world.get("fed", &bob()).ok().unwrap();
        // Bob leaves the group: the entry issued for him is never served again.
        let config = CONFIG.replace("dev = [\"bob\"]", "dev = []");
        std::fs::write(&world.location.path, config).unwrap();
        let denied = world.get("fed", &bob()).err().unwrap();
        assert_eq!(exit_for(&denied.error), Exit::Denied);
        assert_eq!(denied.known.principal.as_deref(), Some("federated-user"));
        assert_eq!(world.calls(), 1, "a denied caller reached STS");
        let mallory = Caller::new("mallory".into(), 1002, false, vec!["wheel".into()]);
        assert!(world.get("fed", &mallory).is_err());
        let system = Caller::new("bob".into(), 1001, true, vec![]);
        let denied = world.get("fed", &system).err().unwrap();
        assert!(format!("{:#}", denied.error).contains("system_users"));
        assert_eq!(world.calls(), 1);
    }

    #[test]
    fn parallel_callers_share_one_call() {
        let mut world = World::new();
        Arc::get_mut(&mut world.sts).unwrap().delay = Duration::from_millis(200);
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let mut other = world.another();
                std::thread::spawn(move || {
                    let got = other.get("fed", &bob());
                    got.map(|o| o.creds.access_key_id)
                        .map_err(|f| format!("{:#}", f.error))
                })
            })
            .collect();
        let keys: Vec<String> = handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect();
        assert_eq!(world.calls(), 1, "parallel callers made separate calls");
        assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    }

    #[test]
    fn the_person_is_asked_for_an_mfa_code_once() {
        let mut world = World::new();
        world.mfa_answers.push_back("123456");
        world.get("sess", &bob()).ok().unwrap();
        assert!(world.get("sess", &bob()).ok().unwrap().from_cache);
        assert_eq!(world.mfa_asked, 1);
        let call = world.sts.last.lock().unwrap().clone().unwrap();
        let mfa = call.mfa.expect("the call carries the code");
        assert_eq!(mfa.code.expose_secret(), "123456");
        // No one to ask: a message that says how to give a code, and no call.
        let mut other = world.another();
        let request = CredsRequest {
            connector: "sess".into(),
            duration: None,
            region: None,
            mfa_code: None,
            cache: CacheUse::Refresh,
        };
        let failed = obtain(&mut other, &request, &bob()).err().unwrap();
        assert!(format!("{:#}", failed.error).contains("--mfa-code"));
        assert_eq!(world.calls(), 1);
    }

    #[test]
    fn the_audit_line_is_written_from_the_result() {
        let mut world = World::new();
        let request = CredsRequest {
            connector: "fed".into(),
            duration: Some(3600),
            region: None,
            mfa_code: None,
            cache: CacheUse::Use,
        };
        obtain_audited(&mut world, &request, &bob()).unwrap();
        let mallory = Caller::new("mallory".into(), 1002, false, vec![]);
        assert!(obtain_audited(&mut world, &request, &mallory).is_err());
        let log = audit::read(&world.state_dir()).unwrap();
        let [issued, denied] = &log.events[..] else {
            panic!("{:#?}", log.events);
        };
        assert_eq!(issued.outcome, Some(Outcome::Issued));
        assert_eq!(issued.duration, Some(3600));
        assert_eq!(issued.grant.as_deref(), Some("config group dev"));
        assert_eq!(denied.outcome, Some(Outcome::Denied));
        assert_eq!(denied.user, "mallory");
        assert_eq!(denied.error_kind.as_deref(), Some("denied"));
        assert_eq!(denied.account.as_deref(), Some("a"));
    }
}
