//! Bounded HTTP/1.1 connections, as the credential server and the broker serve them: a
//! connection must complete a request within a first deadline of being accepted and may then
//! idle a second one between requests; request heads are capped; the accept loop keeps a
//! registry of open connections so that, at its cap, it can close the one that matters least.
//! The bounds ([`DEADLINES`]) and the JSON answer ([`json`]) are the same for both.
//! What a connection is and what its requests mean is the server's business; the bookkeeping is
//! the same for both.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// File descriptors kept free for everything else the process does (STS, the keyring, logs).
const RESERVED_FDS: u64 = 64;

/// The bounds both servers keep: 10 s from being accepted to a first completed request (for
/// the credential server, an authorized one; for the broker, any), 60 s of idling between
/// requests after that, and request heads of at most 16 KiB.
pub const DEADLINES: Deadlines = Deadlines {
    first: Duration::from_secs(10),
    idle: Duration::from_secs(60),
    max_head: 16 * 1024,
};

/// A JSON answer with `status`.
pub fn json(status: hyper::StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

/// How long a connection may take to complete its first request, and may then idle.
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    /// From being accepted to a first completed (for the credential server: authorized) request.
    pub first: Duration,
    /// Between requests after that.
    pub idle: Duration,
    /// The largest request head read, in bytes.
    pub max_head: usize,
}

/// What a connection's requests tell the accept loop and the connection's watchdog.
pub struct ConnState {
    /// It completed a request that counts (the server decides which: see [`Deadlines::first`]).
    pub proven: AtomicBool,
    /// Requests being answered now.
    busy: AtomicUsize,
    /// When the last answer was made (or the connection accepted).
    last: Mutex<Instant>,
}

impl ConnState {
    /// A connection accepted now.
    pub fn new() -> Arc<ConnState> {
        Arc::new(ConnState {
            proven: AtomicBool::new(false),
            busy: AtomicUsize::new(0),
            last: Mutex::new(Instant::now()),
        })
    }

    fn touch(&self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    fn idle_for(&self) -> Duration {
        self.last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .elapsed()
    }

    fn is_busy(&self) -> bool {
        self.busy.load(Ordering::SeqCst) > 0
    }
}

/// What the accept loop knows of one open connection.
struct Tracked {
    accepted: Instant,
    /// Whose it is (the broker's peers; `None` for loopback TCP, where the kernel says nothing).
    owner: Option<u32>,
    state: Arc<ConnState>,
    task: tokio::task::AbortHandle,
}

/// Open connections, by the order they were accepted. Shared between the accept loop and the
/// connections' tasks, which remove themselves when they end.
#[derive(Default, Clone)]
pub struct Registry {
    inner: Arc<Mutex<Open>>,
}

#[derive(Default)]
struct Open {
    next: u64,
    open: BTreeMap<u64, Tracked>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many connections are open, in all or of `owner`.
    pub fn count(&self, owner: Option<u32>) -> usize {
        let open = self.lock();
        match owner {
            None => open.open.len(),
            Some(o) => open.open.values().filter(|c| c.owner == Some(o)).count(),
        }
    }

    /// Close one connection to make room (of `owner` only, when given): the oldest that has not
    /// completed a request that counts, else the oldest idle one. `false` when every candidate is
    /// mid-request.
    pub fn evict(&self, owner: Option<u32>) -> bool {
        let mut open = self.lock();
        let mine = |c: &&Tracked| owner.is_none() || c.owner == owner;
        let victim = open
            .open
            .iter()
            .filter(|(_, c)| mine(c))
            .find(|(_, c)| !c.state.proven.load(Ordering::SeqCst))
            .or_else(|| {
                open.open
                    .iter()
                    .filter(|(_, c)| mine(c) && !c.state.is_busy())
                    .min_by_key(|(_, c)| c.accepted)
            })
            .map(|(id, _)| *id);
        match victim.and_then(|id| open.open.remove(&id)) {
            Some(c) => {
                c.task.abort();
                true
            }
            None => false,
        }
    }

    /// Run `serve` as the task of a new connection of `owner`, tracked until it ends.
    pub fn spawn(
        &self,
        owner: Option<u32>,
        state: Arc<ConnState>,
        serve: impl Future<Output = ()> + Send + 'static,
    ) {
        let mut open = self.lock();
        let id = open.next;
        open.next += 1;
        let registry = self.clone();
        let task = tokio::spawn(async move {
            serve.await;
            registry.lock().open.remove(&id);
        });
        open.open.insert(
            id,
            Tracked {
                accepted: Instant::now(),
                owner,
                state,
                task: task.abort_handle(),
            },
        );
    }

    /// Stopping: requests in flight get until `drain` to finish, then every connection closes.
    pub async fn drain(&self, drain: Duration) {
        let deadline = Instant::now() + drain;
        while Instant::now() < deadline && self.lock().open.values().any(|c| c.state.is_busy()) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for (_, c) in std::mem::take(&mut self.lock().open) {
            c.task.abort();
        }
    }
}

/// The most connections this process can hold open, given its file descriptor limit (raised to
/// the hard limit first), and at most `max`.
pub fn connection_cap(max: usize) -> usize {
    match crate::hardening::raise_open_files() {
        Some(limit) => usize::try_from(limit.saturating_sub(RESERVED_FDS))
            .unwrap_or(usize::MAX)
            .clamp(1, max),
        None => max,
    }
}

/// Serve one connection until it ends, misses a deadline, or is aborted by the accept loop.
/// `answer` makes the response to each request.
pub async fn serve<I, F, Fut>(io: I, state: Arc<ConnState>, deadlines: Deadlines, answer: F)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    F: Fn(Request<Incoming>, Arc<ConnState>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Full<Bytes>>> + Send,
{
    let answer = Arc::new(answer);
    let service_state = state.clone();
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let state = service_state.clone();
        let answer = answer.clone();
        async move {
            state.busy.fetch_add(1, Ordering::SeqCst);
            let response = answer(request, state.clone()).await;
            state.touch();
            state.busy.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, Infallible>(response)
        }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .max_buf_size(deadlines.max_head)
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(io), service);
    let watchdog = async {
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let limit = if state.proven.load(Ordering::SeqCst) {
                deadlines.idle
            } else {
                deadlines.first
            };
            if !state.is_busy() && state.idle_for() >= limit {
                return;
            }
        }
    };
    tokio::select! {
        _ = connection => {}
        () = watchdog => {}
    }
}
