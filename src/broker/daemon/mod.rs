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
//!
//! Here are what every request shares, the accept loop and the routing; `listen` makes or
//! takes the socket, `peer` says who is at the other end, `creds` and `command` are the
//! two endpoints, and the access policy they follow is [`super::access`].

mod command;
mod creds;
mod listen;
mod peer;

use std::collections::HashMap;
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

pub use self::command::parse as parse_command_line;
use self::peer::{Known, Peer};
use super::log;
use super::protocol::{self, CredsBody, ErrorBody, RunBody};
use super::record::{Trail, Unwritable};
use crate::config::{Config, Depth, Location};
use crate::conns::{ConnState, Registry};
use crate::exit::{Exit, UserError};
use crate::secret::{self, Backend, MemoryStore, SecretStore};

/// The most connections open at once.
pub const MAX_CONNECTIONS: usize = 1024;

/// The most connections one user may have open at once.
pub const PER_USER_CONNECTIONS: usize = 256;

/// How many of one user's requests are worked on at once.
pub const PER_USER_IN_FLIGHT: usize = 8;

/// How long a stopping broker lets requests in flight finish (an STS call's own timeout).
const DRAIN: Duration = Duration::from_secs(30);

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
        // A parser's bug that panics on the new text costs the reload, not the broker.
        let loaded = std::panic::catch_unwind(|| Config::load(&self.location, Depth::Shallow))
            .unwrap_or_else(|_| {
                Err(crate::config::ConfigError::Parse {
                    path: self.location.path.clone(),
                    message: "the TOML parser failed inside on it (a bug)".into(),
                })
            });
        match loaded {
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

/// A JSON answer.
fn json(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    crate::conns::json(status, body)
}

/// A refusal carrying the exit code and message the command would give locally.
fn refusal(body: &ErrorBody) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(body.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json(status, serde_json::to_vec(body).unwrap_or_default())
}

/// The refusal body of `error`, with the exit code it would give locally.
fn error_body(error: &anyhow::Error) -> ErrorBody {
    ErrorBody::of(error, crate::error::exit_for(error))
}

/// What a request asks for, once its route and body are read.
pub enum Asked {
    /// `POST /v1/creds`.
    Creds(CredsBody),
    /// `POST /v1/run`.
    Run(RunBody),
}

/// What the broker makes of any request before it knows more than who sent it: the route, and
/// the JSON body that route takes; anything else is the refusal it is answered with.
pub async fn read_request(request: Request<Incoming>) -> Result<Asked, ErrorBody> {
    let route = (request.method().clone(), request.uri().path().to_string());
    match (&route.0, route.1.as_str()) {
        (&Method::POST, protocol::CREDS) => body_of(request).await.map(Asked::Creds),
        (&Method::POST, protocol::RUN) => body_of(request).await.map(Asked::Run),
        (method, path) => Err(ErrorBody::new(
            Exit::Usage,
            format!("the broker has no endpoint {method} {path}; the README lists them"),
        )),
    }
}

/// Answer one request of `peer`.
async fn answer(
    shared: Arc<Shared>,
    peer: Peer,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    match read_request(request).await {
        Ok(Asked::Creds(body)) => creds::creds(shared, peer, body).await,
        Ok(Asked::Run(body)) => command::run(shared, peer, body).await,
        Err(refused) => refusal(&refused),
    }
}

/// What a request whose work panicked is told: that the broker failed, not how (what a panic
/// says may hold a secret). The log has the place ([`bug_line`]).
pub const BUG: &str =
    "the broker failed inside while answering this request (a bug: the broker's log says where)";

/// `work`, the answer to one request, on a task of its own: should a bug panic in it, that
/// request is answered 500 ([`BUG`]) and the broker goes on serving everyone else.
pub async fn guarded<F>(work: F) -> Response<Full<Bytes>>
where
    F: Future<Output = Response<Full<Bytes>>> + Send + 'static,
{
    match tokio::spawn(work).await {
        Ok(response) => response,
        Err(_) => refusal(&ErrorBody::new(Exit::Failure, BUG)),
    }
}

/// The log line of a panic: where it happened, never what it said (a message formatted from a
/// request or a store's answer may hold a secret).
pub fn bug_line(location: Option<&std::panic::Location<'_>>) -> String {
    let place = location.map_or_else(
        || "an unknown place".to_string(),
        |l| format!("{}:{}", l.file(), l.line()),
    );
    format!(
        "a bug: a panic at {place} (its message is not logged, as it may hold a secret); the request it was working on was answered 500, and the broker goes on"
    )
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

/// Run the broker until SIGTERM or SIGINT.
pub fn run(options: Options) -> anyhow::Result<()> {
    if crate::identity::current_uid() == 0 && !options.allow_root {
        return Err(UserError::usage(
            "refusing to run the broker as root: run it as its own service user (see examples/systemd/), or pass --allow-root",
        )
        .into());
    }
    // A panic in a request's work is that request's failure (see `guarded`); the log says
    // where it happened, and never what it said.
    std::panic::set_hook(Box::new(|info| log(bug_line(info.location()))));
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
        let (listener, owned) = listen::listen(&socket_path, group.as_deref())?;
        let listening = listener
            .local_addr()
            .ok()
            .and_then(|a| a.as_pathname().map(Path::to_path_buf))
            .unwrap_or_else(|| socket_path.clone());
        log(format_args!("listening on {}", listening.display()));
        listen::notify_ready();
        let result = serve(shared, listener, cap).await;
        if owned {
            let _ = std::fs::remove_file(&socket_path);
        }
        result
    })
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
                    let response = guarded(async move {
                        let peer = shared.peer(uid, pid).await;
                        answer(shared, peer, request).await
                    })
                    .await;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    }

    async fn body_text(response: Response<Full<Bytes>>) -> String {
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        String::from_utf8(bytes.to_vec()).expect("text")
    }

    #[test]
    fn a_request_that_panics_is_answered_500_without_its_message_and_the_next_is_served() {
        runtime().block_on(async {
            let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
            let failed = guarded(async move {
                if !secret.is_empty() {
                    panic!("the store answered {secret}");
                }
                json(StatusCode::OK, b"{}".to_vec())
            })
            .await;
            assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
            let text = body_text(failed).await;
            assert!(text.contains("failed inside"), "{text}");
            assert!(!text.contains(secret), "{text}");
            let next = guarded(async { json(StatusCode::OK, b"{}".to_vec()) }).await;
            assert_eq!(next.status(), StatusCode::OK);
        });
    }

    #[test]
    fn a_panic_is_logged_by_its_place_only() {
        let here = std::panic::Location::caller();
        let line = bug_line(Some(here));
        assert!(
            line.contains(&format!("{}:{}", here.file(), here.line())),
            "{line}"
        );
        assert!(line.contains("answered 500"), "{line}");
        assert!(bug_line(None).contains("unknown place"));
    }
}
