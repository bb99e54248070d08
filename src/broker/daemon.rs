//! `fedaws broker run`: the broker itself.
//!
//! It listens on a Unix socket (its own, or one systemd passes with `LISTEN_FDS`), learns who is
//! at the other end of each connection from the kernel (`SO_PEERCRED`: uid and pid; the name and
//! groups from the user and group databases), and answers through the issuing core exactly as
//! `fedaws creds` would answer that user locally, with its own config, account store, in-memory
//! cache and audit log.
//!
//! Bounded like the credential server (see [`crate::conns::DEADLINES`]): a connection has 10 s
//! to send a request and may idle 60 s after; heads and bodies are capped;
//! at most [`MAX_CONNECTIONS`] are open, at most [`PER_USER_CONNECTIONS`] of one user; and each
//! user has [`PER_USER_IN_FLIGHT`] requests worked on at once, the rest waiting their turn, so
//! one user flooding the socket queues behind themselves and no one else.
//!
//! SIGHUP, or a change to the config file, reloads the config; one that does not load keeps the
//! last good one serving, and the log says why. SIGTERM (or SIGINT) stops accepting, lets
//! requests in flight finish, and exits 0.

use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use tokio::sync::Semaphore;

use super::access::{self, Placement};
use super::log;
use super::protocol::{self, CredsAnswer, CredsBody, ErrorBody, RunAnswer, RunBody};
use super::record::{Change, Trail, Unwritable};
use crate::config::{Config, Depth, Location};
use crate::conns::{ConnState, Registry};
use crate::error::{Exit, UserError};
use crate::issue::{Caller, Services};
use crate::secret::{self, Backend, MemoryStore, SecretStore};

/// The most connections open at once.
pub const MAX_CONNECTIONS: usize = 1024;

/// The most connections one user may have open at once.
pub const PER_USER_CONNECTIONS: usize = 256;

/// How many of one user's requests are worked on at once.
pub const PER_USER_IN_FLIGHT: usize = 8;

/// How long a stopping broker lets requests in flight finish (an STS call's own timeout).
const DRAIN: Duration = Duration::from_secs(30);

/// How long a user's name and groups are taken as looked up (a group change counts after this,
/// and the time a new lookup takes).
const LOOKUP_FOR: Duration = Duration::from_secs(1);

/// How long a lookup may stand in for the next one while that is under way.
const STALE_FOR: Duration = Duration::from_secs(5);

/// The most cached credentials one caller keeps (kinds of request: connector, duration,
/// region); the sweep drops the rest.
const CACHED_PER_CALLER: usize = 64;

/// Every how many looks at the config the cache is swept of expired credentials.
const SWEEP_EVERY: u64 = 60;

/// Every how many looks at the config the account store's login is kept alive (a Vault token
/// renewed before it expires).
const KEEP_ALIVE_EVERY: u64 = 5;

/// How often the config file is looked at for changes.
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// What `fedaws broker run` was given.
pub struct Options {
    /// The config.
    pub location: Location,
    /// `--socket`.
    pub socket: Option<PathBuf>,
    /// `--allow-root`.
    pub allow_root: bool,
    /// `--keyring`: the account store, overriding `settings.keyring` (default `file`).
    pub keyring: Option<Backend>,
    /// `-v` count.
    pub verbose: u8,
    /// How a command is run for a peer (`crate::cmd::run`): passed in, so that the broker,
    /// which the commands reach, does not reach back into them.
    pub run: Runner,
}

/// Runs one parsed command in a context.
pub type Runner = fn(crate::cli::Command, &mut crate::context::Context) -> anyhow::Result<()>;

/// What every request shares.
struct Shared {
    location: Location,
    /// How commands are run for peers.
    run: Runner,
    config: RwLock<Arc<Config>>,
    keyring: Option<Backend>,
    cache: MemoryStore,
    state_dir: PathBuf,
    verbose: u8,
    host: String,
    users: Mutex<HashMap<u32, Arc<Semaphore>>>,
    /// Users recently looked up.
    known: Mutex<HashMap<u32, Known>>,
    /// The audit log, kept open and locked while the broker runs.
    audit: Trail,
    /// One `audit` read at a time, waited for off the worker threads: one user reading the
    /// log in a loop takes one thread, never the ones that answer other users.
    audit_reads: Arc<Semaphore>,
    /// The last failure of [`Shared::keep_store_alive`], logged once; `None` while it works.
    keep_alive: Mutex<Option<String>>,
}

/// A user as last looked up.
struct Known {
    at: std::time::Instant,
    peer: Peer,
    /// A new lookup is under way.
    refreshing: bool,
}

impl Shared {
    fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Load the config again: the new one serves if it loads and keeps every rule, else the
    /// last good one goes on serving.
    fn reload(&self, why: &str) {
        match Config::load(&self.location, Depth::Shallow) {
            Ok(config) => {
                *self.config.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(config);
                log(format_args!(
                    "{why}: reloaded {}",
                    self.location.path.display()
                ));
            }
            Err(e) => log(format_args!(
                "{why}: {} not loaded, still serving the last good config: {e}",
                self.location.path.display()
            )),
        }
    }

    /// The account store (see [`secret::choose`]).
    fn account_store(&self, config: &Config) -> anyhow::Result<Box<dyn SecretStore>> {
        let backend = self.stores(config)?.accounts;
        let places = crate::context::places(&self.location, Some(config), &self.state_dir);
        secret::open(backend, secret::SERVICE, &places).context("opening the secret store")
    }

    /// The stores of the broker (see [`secret::choose`]).
    fn stores(&self, config: &Config) -> anyhow::Result<secret::Chosen> {
        Ok(secret::choose(
            secret::Mode::Broker,
            self.keyring,
            config.settings.keyring()?,
            config.settings.cache()?,
        ))
    }

    /// The peer `uid` (process `pid`): its name and groups from the databases, off the async
    /// threads (a slow directory service holds up only the connections that wait for it). A
    /// lookup is used for [`LOOKUP_FOR`]; after that, one request starts a new lookup and the
    /// others go on with the last one until it is in, for at most [`STALE_FOR`], so a user's
    /// many connections never look up at once.
    async fn peer(self: &Arc<Self>, uid: u32, pid: Option<u32>) -> Peer {
        enum Found {
            Use(Peer),
            UseAndRefresh(Peer),
            LookUp,
        }
        let found = {
            let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
            match known.get_mut(&uid) {
                Some(k) if k.at.elapsed() < LOOKUP_FOR => Found::Use(k.peer.clone()),
                Some(k) if k.at.elapsed() < STALE_FOR && k.refreshing => Found::Use(k.peer.clone()),
                Some(k) if k.at.elapsed() < STALE_FOR => {
                    k.refreshing = true;
                    Found::UseAndRefresh(k.peer.clone())
                }
                _ => Found::LookUp,
            }
        };
        let peer = match found {
            Found::Use(peer) => peer,
            Found::UseAndRefresh(peer) => {
                let shared = self.clone();
                tokio::spawn(async move { shared.look_up(uid).await });
                peer
            }
            Found::LookUp => self.look_up(uid).await,
        };
        Peer { pid, ..peer }
    }

    /// Look `uid` up in the user and group databases now, and keep what was found.
    async fn look_up(&self, uid: u32) -> Peer {
        let looked = tokio::task::spawn_blocking(move || Peer::look_up(uid, None))
            .await
            .unwrap_or(Peer {
                uid,
                pid: None,
                user: None,
                groups: Vec::new(),
            });
        self.known.lock().unwrap_or_else(|p| p.into_inner()).insert(
            uid,
            Known {
                at: std::time::Instant::now(),
                peer: looked.clone(),
                refreshing: false,
            },
        );
        looked
    }

    /// Put `event` in the audit log before the request is answered (one `write`, to the page
    /// cache); a request whose line cannot be written is refused.
    fn record(&self, event: crate::audit::Event) -> Result<(), Unwritable> {
        self.audit.write(event)
    }

    /// Drop cached credentials that have expired, and those beyond [`CACHED_PER_CALLER`] of one
    /// caller, so the cache holds what can still be served and no more, however many kinds of
    /// request were made.
    fn sweep(&self) {
        let now = jiff::Timestamp::now();
        let Ok(entries) = crate::issue::cache::list(&self.cache, None, None, now) else {
            return;
        };
        let mut kept: HashMap<&str, Vec<&crate::issue::cache::Listed>> = HashMap::new();
        for e in &entries {
            if e.seconds_left <= 0 {
                let _ = self.cache.delete(&e.key);
            } else {
                kept.entry(e.identity.as_str()).or_default().push(e);
            }
        }
        // One caller asking for every duration and region there is would fill the memory:
        // each keeps the entries with the most time left, up to a bound.
        for (_, mut theirs) in kept {
            theirs.sort_by_key(|e| std::cmp::Reverse(e.seconds_left));
            for e in theirs.iter().skip(CACHED_PER_CALLER) {
                let _ = self.cache.delete(&e.key);
            }
        }
    }

    /// Keep the account store's login alive: a Vault token is renewed before it expires, or
    /// replaced by a new AppRole login. A failure is logged when it starts and when it ends.
    fn keep_store_alive(&self) {
        let config = self.config();
        // Only a store with a login to keep is opened this often.
        if !self
            .stores(&config)
            .is_ok_and(|s| s.accounts == Backend::Vault)
        {
            return;
        }
        let result = self
            .account_store(&config)
            .and_then(|store| Ok(store.keep_alive()?));
        let mut last = self.keep_alive.lock().unwrap_or_else(|p| p.into_inner());
        match result {
            Ok(()) => {
                if last.take().is_some() {
                    log("the account store answers again");
                }
            }
            Err(e) => {
                let text = format!("{e:#}");
                if last.as_deref() != Some(text.as_str()) {
                    log(format_args!(
                        "keeping the account store's login alive failed (cached credentials are still served): {text}"
                    ));
                    *last = Some(text);
                }
            }
        }
    }

    /// The user's turn-keeper: [`PER_USER_IN_FLIGHT`] requests at once.
    fn turns_of(&self, uid: u32) -> Arc<Semaphore> {
        self.users
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(uid)
            .or_insert_with(|| Arc::new(Semaphore::new(PER_USER_IN_FLIGHT)))
            .clone()
    }
}

/// Who is at the other end of a connection, as the kernel says.
#[derive(Clone)]
struct Peer {
    uid: u32,
    pid: Option<u32>,
    /// The login name, where the user database has one.
    user: Option<String>,
    /// The user's groups in the group database.
    groups: Vec<String>,
}

impl Peer {
    /// The user `uid` as the user and group databases have it now.
    fn look_up(uid: u32, pid: Option<u32>) -> Peer {
        let Some(account) = uzers::get_user_by_uid(uid) else {
            return Peer {
                uid,
                pid,
                user: None,
                groups: Vec::new(),
            };
        };
        let name = account.name().to_os_string();
        let mut groups: Vec<String> = uzers::get_user_groups(&name, account.primary_group_id())
            .unwrap_or_default()
            .iter()
            .map(|g| g.name().to_string_lossy().into_owned())
            .collect();
        groups.sort();
        groups.dedup();
        Peer {
            uid,
            pid,
            user: Some(name.to_string_lossy().into_owned()),
            groups,
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} (uid {}, pid {})",
            self.user.as_deref().unwrap_or("?"),
            self.uid,
            self.pid.map_or_else(|| "?".to_string(), |p| p.to_string())
        )
    }

    /// The peer as authorization sees it, or why there is none.
    fn identity(&self) -> Result<crate::authz::Identity, crate::identity::Nameless> {
        Ok(crate::authz::Identity {
            user: self.user.clone().ok_or(crate::identity::Nameless)?,
            uid: self.uid,
            os_groups: self.groups.clone(),
            system: false,
        })
    }

    /// The caller the core sees, or why there is none.
    fn caller(&self, system: bool) -> Result<Caller, crate::identity::Nameless> {
        let user = self.user.clone().ok_or(crate::identity::Nameless)?;
        Ok(Caller::new(user, self.uid, system, self.groups.clone()).from_pid(self.pid))
    }
}

/// One request's view of the world, as the issuing core sees it.
struct Work {
    shared: Arc<Shared>,
    config: Arc<Config>,
    sts: crate::sts::AwsSts,
    peer: String,
}

impl Services for Work {
    fn location(&self) -> &Location {
        &self.shared.location
    }
    fn config(&mut self) -> anyhow::Result<Arc<Config>> {
        Ok(self.config.clone())
    }
    fn account_store(&mut self, config: &Config) -> anyhow::Result<Box<dyn SecretStore>> {
        self.shared.account_store(config)
    }
    fn fast_cache_store(&mut self) -> Option<Box<dyn SecretStore>> {
        Some(Box::new(self.shared.cache.clone()))
    }
    fn cache_store(&mut self, config: &Config) -> anyhow::Result<Option<Box<dyn SecretStore>>> {
        Ok((self.shared.stores(config)?.cache != secret::CacheAt::Off)
            .then(|| Box::new(self.shared.cache.clone()) as Box<dyn SecretStore>))
    }
    fn sts(&self) -> &dyn crate::sts::Sts {
        &self.sts
    }
    fn ask_mfa_code(&mut self, _serial: &str) -> anyhow::Result<Option<secrecy::SecretString>> {
        // Nobody at the broker's terminal: the code comes in the request.
        Ok(None)
    }
    fn debug(&mut self, level: u8, message: std::fmt::Arguments<'_>) {
        if self.shared.verbose >= level {
            log(format_args!("{}: {message}", self.peer));
        }
    }
    fn warn(&mut self, message: &str) {
        log(format_args!("warning: {}: {message}", self.peer));
    }
    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::now()
    }
    fn host(&self) -> String {
        self.shared.host.clone()
    }
    fn env(&self, name: &str) -> Option<String> {
        // The broker's own environment, which its administrator set; never a client's.
        std::env::var(name).ok()
    }
    fn state_dir(&self) -> PathBuf {
        self.shared.state_dir.clone()
    }
    fn prepare_state(&mut self) -> anyhow::Result<()> {
        // Made and checked when the broker started; it is the broker's own.
        Ok(())
    }
    fn record(&mut self, event: crate::audit::Event) -> anyhow::Result<()> {
        Ok(self.shared.record(event)?)
    }
}

/// A JSON answer.
fn json(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    crate::conns::json(status, body)
}

/// A refusal carrying the exit code and message the command would give locally.
fn refusal(body: &ErrorBody) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(body.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json(status, serde_json::to_vec(body).unwrap_or_default())
}

/// Answer one request of `peer`.
async fn answer(
    shared: Arc<Shared>,
    peer: Peer,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let route = (request.method().clone(), request.uri().path().to_string());
    match (&route.0, route.1.as_str()) {
        (&Method::POST, protocol::CREDS) => match body_of::<CredsBody>(request).await {
            Ok(body) => creds(shared, peer, body).await,
            Err(refused) => refusal(&refused),
        },
        (&Method::POST, protocol::RUN) => match body_of::<RunBody>(request).await {
            Ok(body) => run_command(shared, peer, body).await,
            Err(refused) => refusal(&refused),
        },
        (method, path) => refusal(&ErrorBody::new(
            Exit::Usage,
            format!("the broker has no endpoint {method} {path}; the README lists them"),
        )),
    }
}

/// A request's JSON body, read up to [`protocol::MAX_BODY`] bytes.
async fn body_of<T: serde::de::DeserializeOwned>(
    request: Request<Incoming>,
) -> Result<T, ErrorBody> {
    let reading = Limited::new(request.into_body(), protocol::MAX_BODY).collect();
    // The head is in, so the connection counts as busy: the body gets a deadline of its own.
    let read = tokio::time::timeout(crate::conns::DEADLINES.first, reading)
        .await
        .map_err(|_| {
            ErrorBody::new(
                Exit::Usage,
                format!(
                    "the request body did not arrive within {} s",
                    crate::conns::DEADLINES.first.as_secs()
                ),
            )
        })?;
    let bytes = read
        .map_err(|e| {
            ErrorBody::new(
                Exit::Usage,
                format!(
                    "the request body could not be read ({e}); the broker reads at most {} KiB",
                    protocol::MAX_BODY / 1024
                ),
            )
        })?
        .to_bytes();
    // The body may hold secrets: wiped once parsed.
    let bytes = zeroize::Zeroizing::new(bytes.to_vec());
    serde_json::from_slice(&bytes).map_err(|e| {
        ErrorBody::new(
            Exit::Usage,
            format!("the request body is not what the broker expects: {e}"),
        )
    })
}

/// `POST /v1/creds`.
async fn creds(shared: Arc<Shared>, peer: Peer, body: CredsBody) -> Response<Full<Bytes>> {
    let system = body.system;
    let request = match body.request() {
        Ok(r) => r,
        Err(message) => return refusal(&ErrorBody::new(Exit::Usage, message)),
    };
    let caller = match peer.caller(system) {
        Ok(c) => c,
        Err(e) => return refusal(&ErrorBody::of(&e.into())),
    };
    let mut work = Work {
        config: shared.config(),
        shared: shared.clone(),
        sts: crate::sts::AwsSts,
        peer: peer.describe(),
    };
    // A cache hit is answered here and now: a few stats, a lookup in memory, one write to the
    // audit log.
    let time = crate::format::rfc3339(jiff::Timestamp::now());
    if let Some(hit) = crate::issue::cached(&mut work, &request, &caller) {
        let answer = zeroize::Zeroizing::new(
            serde_json::to_vec(&CredsAnswer::of(&hit.creds, &hit.region, true)).unwrap_or_default(),
        );
        if let Err(e) = shared.record(crate::issue::event_of(time, &request, &caller, &Ok(hit))) {
            return refusal(&ErrorBody::of(&e.into()));
        }
        return json(StatusCode::OK, answer.to_vec());
    }
    // Someone who may not use the connector learns no more than that, whether it exists or
    // not (and the audit line says the same, since they may read it).
    let identity = match peer.identity() {
        Ok(id) => id,
        Err(e) => return refusal(&ErrorBody::of(&e.into())),
    };
    if access::is_outsider(&work.config, &identity, &request.connector) {
        let refused = access::outsider(&work.config, &identity, &request.connector);
        let failure = crate::issue::Failure {
            error: refused.clone().into(),
            known: crate::issue::Known::default(),
        };
        if let Err(e) = shared.record(crate::issue::event_of(
            time,
            &request,
            &caller,
            &Err(failure),
        )) {
            return refusal(&ErrorBody::of(&e.into()));
        }
        return refusal(&ErrorBody::of(&refused.into()));
    }
    let config = work.config.clone();
    // The rest may wait (on STS, another caller's call, an MFA process): one user's requests
    // take turns among themselves, and nobody else waits for them.
    let Ok(_turn) = shared.turns_of(peer.uid).acquire_owned().await else {
        return refusal(&ErrorBody::new(Exit::Failure, "the broker is stopping"));
    };
    let done = tokio::task::spawn_blocking(move || {
        crate::issue::obtain_audited(&mut work, &request, &caller)
            .map(|o| CredsAnswer::of(&o.creds, &o.region, o.from_cache))
    })
    .await;
    match done {
        Ok(Ok(answer)) => {
            let body = zeroize::Zeroizing::new(serde_json::to_vec(&answer).unwrap_or_default());
            json(StatusCode::OK, body.to_vec())
        }
        Ok(Err(e)) => refusal(&ErrorBody::of(&access::for_peer(e, &config, &identity))),
        Err(e) => refusal(&ErrorBody::new(
            Exit::Failure,
            format!("the request failed: {e}"),
        )),
    }
}

/// `POST /v1/run`: a command run here for the peer, as it would run locally for them.
async fn run_command(shared: Arc<Shared>, peer: Peer, body: RunBody) -> Response<Full<Bytes>> {
    let Ok(_turn) = shared.turns_of(peer.uid).acquire_owned().await else {
        return refusal(&ErrorBody::new(Exit::Failure, "the broker is stopping"));
    };
    let cli = parse(&body.args);
    // Reads of the audit log take turns here, before a blocking thread is taken for them.
    let _reading = match &cli {
        Ok(cli) if matches!(cli.command, crate::cli::Command::Audit(_)) => {
            match shared.audit_reads.clone().acquire_owned().await {
                Ok(permit) => Some(permit),
                Err(_) => return refusal(&ErrorBody::new(Exit::Failure, "the broker is stopping")),
            }
        }
        _ => None,
    };
    let done = tokio::task::spawn_blocking(move || match cli {
        Ok(cli) => execute(&shared, &peer, cli, body),
        Err(answer) => *answer,
    })
    .await;
    match done {
        Ok(answer) => json(
            StatusCode::OK,
            serde_json::to_vec(&answer).unwrap_or_default(),
        ),
        Err(e) => refusal(&ErrorBody::new(
            Exit::Failure,
            format!("the command failed: {e}"),
        )),
    }
}

/// The command line of a request, or clap's own answer to it (a usage error, `--help`), written
/// as clap writes it locally.
fn parse(args: &[String]) -> Result<crate::cli::Cli, Box<RunAnswer>> {
    let args = std::iter::once("fedaws".to_string()).chain(args.iter().cloned());
    <crate::cli::Cli as clap::Parser>::try_parse_from(args).map_err(|e| {
        let text = e.render().to_string();
        let (stdout, stderr, exit) = if e.use_stderr() {
            (String::new(), text, Exit::Usage)
        } else {
            (text, String::new(), Exit::Ok)
        };
        Box::new(RunAnswer {
            exit: exit as u8,
            stdout,
            stderr,
            ask: None,
        })
    })
}

/// A writer the broker reads back once the command is done.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

/// Run `cli` for `peer`: what it printed and its exit code, as `main` would have it. Every
/// command reads the config the broker serves (its last good one), but a change, which edits
/// the file; changes are audited with who made them and what they named, and reloaded at once.
fn execute(shared: &Arc<Shared>, peer: &Peer, cli: crate::cli::Cli, body: RunBody) -> RunAnswer {
    let (out, err) = (Captured::default(), Captured::default());
    let answer = |exit: Exit| RunAnswer {
        exit: exit as u8,
        stdout: out.text(),
        stderr: err.text(),
        ask: None,
    };
    let identity = match peer.identity() {
        Ok(id) => id,
        Err(e) => {
            let e = e.into();
            crate::error::report(&e, &mut err.clone());
            return answer(crate::error::exit_for(&e));
        }
    };
    let stdin = zeroize::Zeroizing::new(body.stdin.unwrap_or_default());
    let replay = super::dialog::Replay::new(body.replies.clone().unwrap_or_default());
    let config = shared.config();
    let admin = identity.admin(&config).is_some();
    let kind = access::placement(&cli.command);
    let words = access::command_words(&cli.command);
    let change = (kind == Placement::AdminChange).then(|| Change::of(&cli.command));
    let result = (|| -> anyhow::Result<()> {
        match kind {
            Placement::Client => {
                return Err(UserError::usage(format!(
                    "`fedaws {words}` runs on your side of the broker, not in it"
                ))
                .into());
            }
            Placement::Admin | Placement::AdminChange if !admin => {
                return Err(crate::authz::Denied {
                    connector: None,
                    message: format!(
                        "{} may not run `fedaws {words}` through the broker: only its administrators may (settings.admins, settings.admin_groups)",
                        identity.user,
                    ),
                }
                .into());
            }
            _ => {}
        }
        if let Some(why) = access::not_for_peers(&cli.command) {
            return Err(UserError::usage(why).into());
        }
        let mut ctx = crate::context::Context::for_peer(
            crate::context::PeerContext {
                location: shared.location.clone(),
                keyring: shared.keyring,
                identity: identity.clone(),
                state_dir: shared.state_dir.clone(),
                cache: shared.cache.clone(),
                stdin: stdin.clone(),
                terminal: body.terminal,
                replies: body.replies.clone(),
                config: change.is_none().then(|| config.clone()),
                verbose: cli.global.verbose,
            },
            Box::new(replay.clone()),
            Box::new(out.clone()),
            Box::new(err.clone()),
        );
        let done = (shared.run)(cli.command, &mut ctx);
        let _ = ctx.out.flush();
        done
    })();
    // A dialog stopped at a question: nothing was changed; the caller answers it and asks again.
    if let Some(ask) = replay.waiting() {
        return RunAnswer {
            exit: Exit::Ok as u8,
            stdout: String::new(),
            stderr: String::new(),
            ask: Some(ask),
        };
    }
    let result = result.map_err(|e| access::for_peer(e, &config, &identity));
    let mut exit = match &result {
        Ok(()) => Exit::Ok,
        Err(e) => {
            crate::error::report(e, &mut err.clone());
            crate::error::exit_for(e)
        }
    };
    if let Some(change) = change {
        let who = (identity.user.as_str(), peer.uid, peer.pid);
        if let Err(e) = shared.record(change.event(who, result.as_ref().err())) {
            let _ = writeln!(
                err.clone(),
                "fedaws: {}",
                if exit == Exit::Ok {
                    format!("the change was made, but {e}")
                } else {
                    e.to_string()
                }
            );
            exit = Exit::Failure;
        }
        if result.is_ok() {
            shared.reload("an administrator's change");
        }
    }
    answer(exit)
}

/// Run the broker until SIGTERM or SIGINT.
pub fn run(options: Options) -> anyhow::Result<()> {
    if crate::identity::current_uid() == 0 && !options.allow_root {
        return Err(UserError::usage(
            "refusing to run the broker as root: run it as its own service user (see examples/systemd/), or pass --allow-root",
        )
        .into());
    }
    let config = Config::load(&options.location, Depth::Shallow)?;
    let state_dir = std::env::var_os("STATE_DIRECTORY")
        .and_then(|d| std::env::split_paths(&d).next())
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(crate::config::state_dir);
    crate::fsutil::ensure_private_dir(&state_dir, crate::trust::Role::StateDir)?;
    let socket_path = options
        .socket
        .clone()
        .or_else(|| {
            config
                .settings
                .broker_socket
                .as_ref()
                .map(|p| config.base_dir().join(p))
        })
        .unwrap_or_else(|| PathBuf::from(super::DEFAULT_SOCKET));
    let group = config.settings.broker_socket_group.clone();
    let audit = Trail::open(&state_dir)?;
    let shared = Arc::new(Shared {
        location: options.location,
        run: options.run,
        config: RwLock::new(Arc::new(config)),
        keyring: options.keyring,
        cache: MemoryStore::default(),
        state_dir,
        verbose: options.verbose,
        host: crate::identity::host_name(),
        users: Mutex::new(HashMap::new()),
        known: Mutex::new(HashMap::new()),
        audit,
        audit_reads: Arc::new(Semaphore::new(1)),
        keep_alive: Mutex::new(None),
    });
    // Open the account store once now, so a broker that cannot reach it says so at start (and
    // a Vault login is made, or its failure logged).
    shared.account_store(&shared.config())?;
    shared.keep_store_alive();
    let cap = crate::conns::connection_cap(MAX_CONNECTIONS);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(64)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let (listener, owned) = listen(&socket_path, group.as_deref())?;
        let listening = listener
            .local_addr()
            .ok()
            .and_then(|a| a.as_pathname().map(Path::to_path_buf))
            .unwrap_or_else(|| socket_path.clone());
        log(format_args!("listening on {}", listening.display()));
        notify_ready();
        let result = serve(shared, listener, cap).await;
        if owned {
            let _ = std::fs::remove_file(&socket_path);
        }
        result
    })
}

/// The listening socket: the one systemd passed (`LISTEN_FDS`), else one made at `path`
/// (0666, or 0660 with `group`). `true` when this process made it (and removes it at the end).
fn listen(path: &Path, group: Option<&str>) -> anyhow::Result<(tokio::net::UnixListener, bool)> {
    let mut passed = listenfd::ListenFd::from_env();
    if passed.len() > 0 {
        let listener = passed
            .take_unix_listener(0)
            .context("the socket systemd passed (LISTEN_FDS) is not a Unix stream socket")?
            .context("systemd passed no socket")?;
        listener.set_nonblocking(true)?;
        return Ok((tokio::net::UnixListener::from_std(listener)?, false));
    }
    let gid = match group {
        Some(name) => Some(
            uzers::get_group_by_name(name)
                .ok_or_else(|| {
                    UserError::config(format!(
                        "settings.broker_socket_group: there is no group `{name}`"
                    ))
                })?
                .gid(),
        ),
        None => None,
    };
    if let Some(dir) = path.parent().filter(|d| !d.exists()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    }
    if let Ok(found) = std::fs::symlink_metadata(path) {
        use std::os::unix::fs::FileTypeExt;
        if !found.file_type().is_socket() {
            return Err(UserError::config(format!(
                "{} is there and is not a socket; the broker removes only a socket it left behind",
                path.display()
            ))
            .into());
        }
        // A broker still listening is left alone; a socket nobody listens on is a leftover.
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(UserError::failure(format!(
                "another broker is listening on {}; stop it first, or give this one another --socket",
                path.display()
            ))
            .into());
        }
        std::fs::remove_file(path)
            .with_context(|| format!("removing the stale socket {}", path.display()))?;
    }
    let listener = tokio::net::UnixListener::bind(path)
        .with_context(|| format!("cannot listen on {}", path.display()))?;
    if let Some(gid) = gid {
        std::os::unix::fs::chown(path, None, Some(gid)).map_err(|e| {
            let name = group.unwrap_or("");
            UserError::config(format!(
                "settings.broker_socket_group: cannot give {} to group {name} ({e})\n  hint: the broker's user must be in that group (`usermod -aG {name} USER`), or let systemd make the socket (SocketGroup={name} in fedaws-broker.socket)",
                path.display()
            ))
        })?;
    }
    let mode = if gid.is_some() { 0o660 } else { 0o666 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok((listener, true))
}

/// Tell systemd the broker is ready (`Type=notify`), when it asks (`NOTIFY_SOCKET`).
fn notify_ready() {
    let Some(target) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let sent = (|| -> std::io::Result<()> {
        let socket = std::os::unix::net::UnixDatagram::unbound()?;
        let bytes = target.as_encoded_bytes();
        let address = match bytes.strip_prefix(b"@") {
            Some(name) => {
                use std::os::linux::net::SocketAddrExt;
                std::os::unix::net::SocketAddr::from_abstract_name(name)?
            }
            None => std::os::unix::net::SocketAddr::from_pathname(&target)?,
        };
        socket.send_to_addr(b"READY=1", &address)?;
        Ok(())
    })();
    if let Err(e) = sent {
        log(format_args!(
            "could not tell systemd the broker is ready: {e}"
        ));
    }
}

/// Accept connections until SIGTERM or SIGINT, reloading on SIGHUP and on config changes.
async fn serve(
    shared: Arc<Shared>,
    listener: tokio::net::UnixListener,
    cap: usize,
) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut watch = tokio::time::interval(WATCH_EVERY);
    let mut seen = crate::issue::cache::stamp(&shared.location.path);
    let mut ticks: u64 = 0;
    let keeping = Arc::new(AtomicBool::new(false));
    let connections = Registry::default();
    loop {
        let accepted = tokio::select! {
            _ = term.recv() => break,
            _ = int.recv() => break,
            _ = hup.recv() => {
                seen = crate::issue::cache::stamp(&shared.location.path);
                shared.reload("SIGHUP");
                continue;
            }
            _ = watch.tick() => {
                let now = crate::issue::cache::stamp(&shared.location.path);
                if now != seen {
                    seen = now;
                    shared.reload("the config changed");
                }
                ticks += 1;
                shared.audit.tick();
                if ticks.is_multiple_of(SWEEP_EVERY) {
                    shared.sweep();
                }
                if ticks.is_multiple_of(KEEP_ALIVE_EVERY) && !keeping.swap(true, Ordering::AcqRel) {
                    let shared = shared.clone();
                    let keeping = keeping.clone();
                    tokio::task::spawn_blocking(move || {
                        shared.keep_store_alive();
                        keeping.store(false, Ordering::Release);
                    });
                }
                continue;
            }
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            // Out of descriptors (or another transient failure): make room, then go on.
            if !connections.evict(None) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            continue;
        };
        // Only the kernel's word is taken here; names and groups are looked up by the
        // connection, so the accept loop never waits for the user database.
        let Ok(cred) = stream.peer_cred() else {
            continue;
        };
        let uid = cred.uid();
        let pid = cred.pid().and_then(|p| u32::try_from(p).ok());
        // A user at their own cap makes room among their own connections, or is turned away.
        if connections.count(Some(uid)) >= PER_USER_CONNECTIONS && !connections.evict(Some(uid)) {
            continue;
        }
        if connections.count(None) >= cap && !connections.evict(None) {
            continue;
        }
        let state = ConnState::new();
        let shared = shared.clone();
        let serve = crate::conns::serve(
            stream,
            state.clone(),
            crate::conns::DEADLINES,
            move |request, state| {
                let shared = shared.clone();
                async move {
                    let peer = shared.peer(uid, pid).await;
                    let response = answer(shared, peer, request).await;
                    state.proven.store(true, Ordering::SeqCst);
                    response
                }
            },
        );
        connections.spawn(Some(uid), state, serve);
    }
    log("stopping: finishing the requests in flight");
    connections.drain(DRAIN).await;
    log("stopped");
    Ok(())
}
