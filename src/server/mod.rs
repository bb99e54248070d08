//! A local credential server speaking the container-credentials protocol, which the AWS SDKs and
//! CLI read through `AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
//!
//! It listens on 127.0.0.1 only, answers only loopback peers, and only requests carrying its
//! random 256-bit token (compared in constant time). Credentials are kept in memory and
//! refreshed ahead of expiry under one lock, so a thousand SDK requests make one STS call per
//! credential lifetime; refreshing goes through the same path as `fedaws creds` (authorization,
//! cache, single flight, audit).
//!
//! Every local user can connect to a loopback port, so the server is bounded against one who
//! misbehaves: a connection must complete an authorized request within 10 s of being accepted
//! and may then idle 60 s between requests, and request heads are capped at 16 KiB (the bounds
//! it shares with the broker: [`crate::conns::DEADLINES`]); at most [`MAX_CONNECTIONS`] are
//! open at once (fewer when the file descriptor limit, raised to its hard limit at start, is
//! lower). At the cap the server keeps
//! accepting and closes the oldest connection that has not completed an authorized request, so
//! a flood of idle or half-sent requests never locks out the SDK the server is for.
//!
//! With `--imds`, a server of one connector also answers as the EC2 metadata service, version 2
//! ([`imds`]), which has no token of its own.
//!
//! Beside the token, on Linux, the kernel is asked who owns the client's end of each connection
//! ([`crate::identity::loopback`]): a connection from another user (but root) is closed
//! unanswered, whatever it would bring, and counted; the first is reported on stderr. Elsewhere
//! the token alone guards.

pub mod imds;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use crate::conns::{ConnState, Registry};
use crate::issue::{Caller, CredsRequest, Obtained, Services};
use crate::output::rfc3339;
use crate::sts::Issued;

/// The most connections open at once.
pub const MAX_CONNECTIONS: usize = 512;

/// How long a stopping server lets requests in flight finish.
const DRAIN: Duration = Duration::from_secs(5);

/// Where credentials come from when the server needs fresh ones (blocking).
pub type Source = dyn Fn() -> anyhow::Result<Issued> + Send + Sync;

/// Where a shared server gets the credentials of a connector (blocking).
pub type Sources = dyn Fn(&str) -> anyhow::Result<Issued> + Send + Sync;

/// What a server serves.
pub enum Serves {
    /// One connector, at every path (`serve C`, `exec --server`).
    One(Arc<Source>),
    /// Every connector the caller may use, each at `/creds/NAME` (`serve` alone).
    Each(Arc<Sources>),
}

/// The most connectors one shared server keeps credentials of.
pub const MAX_CONNECTORS: usize = 256;

/// How often credentials in use are looked at, to be refreshed before a request has to.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// The longest wait before a connector whose refresh failed is asked again.
const MOST_BACKOFF: Duration = Duration::from_secs(30);

/// The credentials of one connector, and how to have fresh ones.
struct Slot {
    source: Arc<Source>,
    current: tokio::sync::Mutex<Option<Issued>>,
    /// Asked for since they were last refreshed: only credentials in use are refreshed ahead.
    used: AtomicBool,
    /// The last refresh, when it failed: until its wait is over, requests are told its reason
    /// and nothing asks STS again (the wait doubles with each failure, from 1 s to
    /// [`MOST_BACKOFF`]), so a connector that cannot be had costs one STS call per wait, not one
    /// per request or per second.
    failed: std::sync::Mutex<Option<Failed>>,
}

/// A refresh that failed.
struct Failed {
    /// When it may be tried again.
    until: std::time::Instant,
    /// How many failed in a row.
    times: u32,
    /// Why, as requests are told.
    reason: String,
}

impl Slot {
    fn new(source: Arc<Source>) -> Arc<Slot> {
        Arc::new(Slot {
            source,
            current: tokio::sync::Mutex::new(None),
            used: AtomicBool::new(false),
            failed: std::sync::Mutex::new(None),
        })
    }

    /// The reason of a failed refresh whose wait is not over.
    fn waiting(&self) -> Option<String> {
        let failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
        failed
            .as_ref()
            .filter(|f| std::time::Instant::now() < f.until)
            .map(|f| f.reason.clone())
    }

    /// The credentials to serve: the current ones while they have more than `margin` left,
    /// else fresh ones. The lock is held while refreshing, so concurrent requests wait for one
    /// refresh instead of starting their own.
    async fn credentials(&self, margin: Duration) -> anyhow::Result<Issued> {
        let mut current = self.current.lock().await;
        if let Some(c) = current.as_ref().filter(|c| left(c) > margin_secs(margin)) {
            return Ok(c.clone());
        }
        if let Some(reason) = self.waiting() {
            anyhow::bail!("{reason}");
        }
        let source = self.source.clone();
        // A panic's message may hold a secret: the error says only that it happened.
        let obtained = tokio::task::spawn_blocking(move || source())
            .await
            .map_err(|_| anyhow::anyhow!("obtaining credentials failed inside fedaws (a bug)"))
            .and_then(|r| r);
        let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
        match obtained {
            Ok(issued) => {
                *failed = None;
                *current = Some(issued.clone());
                self.used.store(false, Ordering::Relaxed);
                Ok(issued)
            }
            Err(e) => {
                let times = failed.as_ref().map_or(1, |f| f.times.saturating_add(1));
                let wait = Duration::from_secs(1u64 << (times - 1).min(5)).min(MOST_BACKOFF);
                *failed = Some(Failed {
                    until: std::time::Instant::now() + wait,
                    times,
                    reason: format!("{e:#}"),
                });
                Err(e)
            }
        }
    }

    /// Whether the credentials are in use and will be within `margin` of expiring by the next
    /// look: then they are refreshed now, before a request has to wait for it. Not while a
    /// refresh is under way (the look does not wait for it), nor while a failed one waits.
    fn due(&self, margin: Duration) -> bool {
        if !self.used.load(Ordering::Relaxed) || self.waiting().is_some() {
            return false;
        }
        let Ok(current) = self.current.try_lock() else {
            return false;
        };
        current
            .as_ref()
            .is_some_and(|c| left(c) <= margin_secs(margin + 2 * LOOK_EVERY))
    }
}

/// Seconds until `c` expires.
fn left(c: &Issued) -> i64 {
    c.expiration.as_second() - jiff::Timestamp::now().as_second()
}

fn margin_secs(margin: Duration) -> i64 {
    i64::try_from(margin.as_secs()).unwrap_or(i64::MAX)
}

/// Why a request names no connector this server serves.
#[derive(Debug)]
struct NotServed {
    status: StatusCode,
    code: &'static str,
    message: String,
}

/// The server's state.
pub struct Server {
    token: SecretString,
    margin: Duration,
    serves: Serves,
    /// The credentials of each connector asked for (`""` for a server of one).
    slots: std::sync::Mutex<HashMap<String, Arc<Slot>>>,
    /// The user whose connections are answered (the server's own).
    owner: u32,
    /// Connections from other users, closed unanswered.
    strangers: AtomicU64,
    /// The EC2 metadata service of the connector of a server of one, when asked for.
    imds: Option<imds::Imds>,
}

/// A new random token: 32 bytes from the OS, hex-encoded.
pub fn new_token() -> anyhow::Result<SecretString> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness from the OS: {e}"))?;
    Ok(SecretString::from(
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    ))
}

/// Compare without leaking where the first difference is.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A JSON answer.
fn json(status: StatusCode, value: &serde_json::Value) -> Response<Full<Bytes>> {
    crate::conns::json(status, value.to_string())
}

/// A refusal in the protocol's `{"code","message"}` form; the connection is closed after it.
fn refusal(status: StatusCode, code: &str, message: &str) -> Response<Full<Bytes>> {
    let mut response = json(
        status,
        &serde_json::json!({"code": code, "message": message}),
    );
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

impl Server {
    /// A server handing out credentials from `serves`, refreshed `margin` before they expire.
    pub fn new(token: SecretString, margin: Duration, serves: Serves) -> Arc<Server> {
        Server::with_imds(token, margin, serves, None)
    }

    /// [`Server::new`], also answering as the EC2 metadata service (IMDSv2) with `imds`.
    pub fn with_imds(
        token: SecretString,
        margin: Duration,
        serves: Serves,
        imds: Option<imds::Imds>,
    ) -> Arc<Server> {
        let mut slots = HashMap::new();
        if let Serves::One(source) = &serves {
            slots.insert(String::new(), Slot::new(source.clone()));
        }
        Arc::new(Server {
            token,
            margin,
            serves,
            slots: std::sync::Mutex::new(slots),
            owner: crate::identity::current_uid(),
            strangers: AtomicU64::new(0),
            imds,
        })
    }

    /// The slot of the connector at `path`, or the refusal of a path that names none.
    fn slot(&self, path: &str) -> Result<(String, Arc<Slot>), NotServed> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let sources = match &self.serves {
            Serves::One(_) => {
                let one = slots
                    .get("")
                    .cloned()
                    .expect("a server of one has its slot");
                return Ok((String::new(), one));
            }
            Serves::Each(sources) => sources,
        };
        let name = path
            .strip_prefix("/creds/")
            .filter(|n| crate::validate::check_name("connector", n).is_ok())
            .ok_or(NotServed {
                status: StatusCode::NOT_FOUND,
                code: "NotFound",
                message: "ask for a connector's credentials at /creds/CONNECTOR".into(),
            })?;
        if let Some(slot) = slots.get(name) {
            return Ok((name.to_string(), slot.clone()));
        }
        if slots.len() >= MAX_CONNECTORS {
            return Err(NotServed {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "TooManyConnectors",
                message: format!(
                    "this server keeps the credentials of {MAX_CONNECTORS} connectors at most"
                ),
            });
        }
        let sources = sources.clone();
        let owned = name.to_string();
        let slot = Slot::new(Arc::new(move || sources(&owned)));
        slots.insert(name.to_string(), slot.clone());
        Ok((name.to_string(), slot))
    }

    /// Forget the slot of `name` (one whose first credentials could not be had: a connector
    /// that does not exist, or is not the caller's, is not kept).
    fn forget(&self, name: &str) {
        if matches!(self.serves, Serves::Each(_)) {
            self.slots
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(name);
        }
    }

    /// Refresh, each on a task of its own, the credentials in use that are about to come within
    /// the margin, so that no request waits for STS; a refresh that fails leaves the current
    /// ones (a request within the margin is told why, and tries again once the wait is over).
    /// It never waits itself: the accept loop runs it.
    async fn refresh_ahead(self: &Arc<Self>) {
        let slots: Vec<Arc<Slot>> = self
            .slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        for slot in slots {
            if slot.due(self.margin) {
                let margin = self.margin + 2 * LOOK_EVERY;
                tokio::spawn(async move {
                    let _ = slot.credentials(margin).await;
                });
            }
        }
    }

    /// Whether the connection from `client` to `local` may be answered: not when the kernel
    /// says another user than the server's own (or root) owns the client's end (counted, and
    /// the first reported on stderr).
    fn welcomes(&self, local: SocketAddr, client: SocketAddr) -> bool {
        let Some(uid) = crate::identity::loopback::tcp_client_owner(local, client) else {
            return true;
        };
        // Root is let in: it could read the token, or the server's memory, anyway (and a
        // container of `docker run --network host` runs as root).
        if uid == self.owner || uid == 0 {
            return true;
        }
        if self.strangers.fetch_add(1, Ordering::Relaxed) == 0 {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "fedaws: the credential server closed a connection from uid {uid}: it answers uid {} (and root) only (further ones are counted, not reported)",
                self.owner
            );
        }
        false
    }

    /// Start with credentials already obtained (the ones that proved the caller may use them),
    /// for the connector of a server of one.
    pub async fn prime(&self, issued: Issued) {
        let one = self
            .slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get("")
            .cloned();
        if let Some(slot) = one {
            *slot.current.lock().await = Some(issued);
        }
    }

    /// Answer one request from `peer`; `authorized` is set when it carried the token.
    async fn answer(
        &self,
        peer: SocketAddr,
        request: &Request<Incoming>,
        authorized: &AtomicBool,
    ) -> Response<Full<Bytes>> {
        if !peer.ip().is_loopback() {
            return refusal(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "this credential server answers loopback clients only",
            );
        }
        if let Some(why) = from_a_browser(request.headers()) {
            return refusal(StatusCode::FORBIDDEN, "Forbidden", why);
        }
        if let Some(imds) = &self.imds
            && request.uri().path().starts_with("/latest/")
        {
            match imds.answer(request.method(), request.uri().path(), request.headers()) {
                imds::Step::Done(response) => {
                    if response.status().is_success() {
                        authorized.store(true, Ordering::SeqCst);
                    }
                    return response;
                }
                imds::Step::Credentials => authorized.store(true, Ordering::SeqCst),
            }
            return match self.slot("/") {
                Ok((_, slot)) => match slot.credentials(self.margin).await {
                    Ok(c) => {
                        slot.used.store(true, Ordering::Relaxed);
                        imds::credentials_answer(&c)
                    }
                    Err(e) => json(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &serde_json::json!({
                            "Code": "CredentialsUnavailable",
                            "Message": format!("{e:#}"),
                            "LastUpdated": rfc3339(jiff::Timestamp::now()),
                        }),
                    ),
                },
                Err(no) => refusal(no.status, no.code, &no.message),
            };
        }
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if !constant_time_eq(given, self.token.expose_secret().as_bytes()) {
            return refusal(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "missing or wrong authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN)",
            );
        }
        authorized.store(true, Ordering::SeqCst);
        let (name, slot) = match self.slot(request.uri().path()) {
            Ok(found) => found,
            Err(no) => return refusal(no.status, no.code, &no.message),
        };
        let fresh = slot.credentials(self.margin).await;
        if fresh.is_ok() {
            slot.used.store(true, Ordering::Relaxed);
        } else if slot.current.lock().await.is_none() {
            self.forget(&name);
        }
        match fresh {
            Ok(c) => json(
                StatusCode::OK,
                &serde_json::json!({
                    "AccessKeyId": c.access_key_id,
                    "SecretAccessKey": c.secret_access_key.expose_secret(),
                    "Token": c.session_token.expose_secret(),
                    "Expiration": rfc3339(c.expiration),
                }),
            ),
            Err(e) => refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "CredentialsUnavailable",
                &format!("{e:#}"),
            ),
        }
    }
}

/// Why a request looks like a web page's, which is refused: a page the user opens can rename its
/// own host to 127.0.0.1 (DNS rebinding) and then reach this port as its own origin, as the user,
/// and IMDS has no secret such a page would lack. Its requests name the page's host in `Host`,
/// where an SDK names the loopback address it was given, and carry `Origin` (a PUT always does).
/// `None`: a request as SDKs send them (`Host` of `localhost`, an address of 127/8 or `[::1]`,
/// any port, or none; no `Origin`).
fn from_a_browser(headers: &hyper::HeaderMap) -> Option<&'static str> {
    if headers.contains_key(header::ORIGIN) {
        return Some("a request with an Origin header (a web browser's) is refused");
    }
    // No Host at all (HTTP/1.0): not a browser's.
    let host = headers.get(header::HOST)?;
    let local = host.to_str().is_ok_and(|host| {
        let name = match host.strip_prefix('[') {
            Some(rest) => rest.split_once(']').map(|(ip, _)| ip),
            None => Some(host.rsplit_once(':').map_or(host, |(name, _)| name)),
        };
        name.is_some_and(|name| {
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        })
    });
    (!local).then_some(
        "the Host header must name this machine's loopback (127.0.0.1, localhost): another name is a web page's (DNS rebinding)",
    )
}

/// Accept connections until `stopped` fires, then let requests in flight finish.
async fn accept_loop(
    server: Arc<Server>,
    listener: tokio::net::TcpListener,
    cap: usize,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let connections = Registry::default();
    let local = listener.local_addr().ok();
    let mut look = tokio::time::interval(LOOK_EVERY);
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => break,
            _ = look.tick() => {
                server.refresh_ahead().await;
                continue;
            }
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, peer)) = accepted else {
            // Out of descriptors (or another transient failure): make room, then go on.
            if !connections.evict(None) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            continue;
        };
        if local.is_some_and(|local| !server.welcomes(local, peer)) {
            drop(stream);
            continue;
        }
        if connections.count(None) >= cap && !connections.evict(None) {
            // Every connection is mid-request: this one waits for none of them.
            drop(stream);
            continue;
        }
        let state = ConnState::new();
        let server = server.clone();
        let serve = crate::conns::serve(
            stream,
            state.clone(),
            crate::conns::DEADLINES,
            move |request, state| {
                let server = server.clone();
                async move { server.answer(peer, &request, &state.proven).await }
            },
        );
        connections.spawn(None, state, serve);
    }
    connections.drain(DRAIN).await;
    let strangers = server.strangers.load(Ordering::Relaxed);
    if strangers > 1 {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "fedaws: the credential server closed {strangers} connections from other users in all"
        );
    }
}

/// A started server with what a client needs to reach it.
pub struct Started {
    /// The server.
    pub server: Running,
    /// `http://127.0.0.1:PORT/`.
    pub uri: String,
    /// The bearer token.
    pub token: SecretString,
    /// The region of the credentials.
    pub region: String,
}

/// Serve the credentials of `request` for `caller` on 127.0.0.1:`port`: obtained once now
/// (which also proves the caller may use them, and is audited), then refreshed through the
/// issuing core with services made by `fresh` on the server's threads.
pub fn start_for(
    services: &mut dyn Services,
    request: CredsRequest,
    caller: Caller,
    port: u16,
    imds: bool,
    fresh: impl Fn() -> Box<dyn Services> + Send + Sync + 'static,
) -> anyhow::Result<Started> {
    let margin = services
        .config()?
        .settings
        .refresh_margin_or(crate::issue::DEFAULT_REFRESH_MARGIN);
    let first = crate::issue::obtain_audited(services, &request, &caller)?;
    let role = imds.then(|| request.connector.clone());
    let source: Arc<Source> = Arc::new(move || {
        let mut services = fresh();
        crate::issue::obtain_audited(services.as_mut(), &request, &caller).map(|o| o.creds)
    });
    start_with(first, margin, source, port, role.as_deref())
}

/// Serve `first` on 127.0.0.1:`port`, and fresh credentials from `source` once they have less
/// than `margin` left.
pub fn start_with(
    first: Obtained,
    margin: Duration,
    source: Arc<Source>,
    port: u16,
    imds: Option<&str>,
) -> anyhow::Result<Started> {
    let token = new_token()?;
    let imds = imds.map(|role| imds::Imds::new(role, &first.region));
    let server = Server::with_imds(token.clone(), margin, Serves::One(source), imds);
    tokio::runtime::Builder::new_current_thread()
        .build()?
        .block_on(server.prime(first.creds));
    let running = start(server, port)?;
    let uri = format!("http://{}/", running.addr);
    Ok(Started {
        server: running,
        uri,
        token,
        region: first.region,
    })
}

/// Start a shared server on 127.0.0.1:`port`: every connector `sources` gives credentials of,
/// at `/creds/CONNECTOR`, obtained when first asked for and refreshed `margin` before they
/// expire (ahead, while in use).
pub fn start_each(margin: Duration, sources: Arc<Sources>, port: u16) -> anyhow::Result<Started> {
    let token = new_token()?;
    let server = Server::new(token.clone(), margin, Serves::Each(sources));
    let running = start(server, port)?;
    let uri = format!("http://{}/creds/", running.addr);
    Ok(Started {
        server: running,
        uri,
        token,
        region: String::new(),
    })
}

/// A running server: its address, and a way to stop it.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Stop serving and wait for the server thread to end.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Start serving on 127.0.0.1:`port` (0 for a random port) on a thread of its own.
pub fn start(server: Arc<Server>, port: u16) -> anyhow::Result<Running> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // Before the server thread starts, so a child started later sees no race on the limit.
    let cap = crate::conns::connection_cap(MAX_CONNECTIONS);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            accept_loop(server, listener, cap, stopped).await;
        });
    });
    Ok(Running {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn two_threads() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_web_pages_requests_are_told_by_their_host_and_origin() {
        let with = |pairs: &[(&str, &str)]| {
            let mut h = hyper::HeaderMap::new();
            for (k, v) in pairs {
                h.insert(
                    header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    HeaderValue::from_str(v).unwrap(),
                );
            }
            from_a_browser(&h)
        };
        for host in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "127.1.2.3:1",
            "localhost:9",
            "LOCALHOST",
            "[::1]:80",
        ] {
            assert_eq!(with(&[("host", host)]), None, "{host}");
        }
        assert_eq!(with(&[]), None);
        for host in [
            "rebind.example:8080",
            "rebind.example",
            "127.0.0.1.nip.io:80",
            "10.0.0.1:80",
            "[::2]:80",
            "[::1",
            "",
        ] {
            assert!(with(&[("host", host)]).is_some(), "{host}");
        }
        assert!(with(&[("host", "127.0.0.1:80"), ("origin", "http://127.0.0.1:80")]).is_some());
    }

    #[test]
    fn tokens_are_long_random_and_compared_exactly() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.expose_secret().len(), 64);
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn concurrent_requests_share_one_refresh() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let source: Arc<Source> = Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(50));
            Ok(Issued {
                access_key_id: "ASIA1".into(),
                secret_access_key: SecretString::from("s".to_string()),
                session_token: SecretString::from("t".to_string()),
                expiration: jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600),
                arn: None,
                packed_policy_size: None,
                request_id: None,
            })
        });
        let slot = Slot::new(source);
        let runtime = two_threads();
        runtime.block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..50 {
                let s = slot.clone();
                tasks.push(tokio::spawn(async move {
                    s.credentials(Duration::from_secs(300)).await.unwrap()
                }));
            }
            for t in tasks {
                assert_eq!(t.await.unwrap().access_key_id, "ASIA1");
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    fn issued(name: &str, lasting: i64) -> Issued {
        Issued {
            access_key_id: format!("ASIA{}", name.to_uppercase()),
            secret_access_key: SecretString::from("s".to_string()),
            session_token: SecretString::from("t".to_string()),
            expiration: jiff::Timestamp::now() + jiff::SignedDuration::from_secs(lasting),
            arn: None,
            packed_policy_size: None,
            request_id: None,
        }
    }

    #[test]
    fn a_shared_server_keeps_one_slot_per_connector_asked_for_at_its_path() {
        let asked = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let log = asked.clone();
        let sources: Arc<Sources> = Arc::new(move |name: &str| {
            log.lock().unwrap().push(name.to_string());
            Ok(issued(name, 3600))
        });
        let server = Server::new(
            SecretString::from("x".to_string()),
            Duration::from_secs(300),
            Serves::Each(sources),
        );
        for refused in ["/", "/creds/", "/creds/a/b", "/creds/../x", "/other/a"] {
            let status = server.slot(refused).err().map(|r| r.status);
            assert_eq!(status, Some(StatusCode::NOT_FOUND), "{refused}");
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (a, slot_a) = server.slot("/creds/a").unwrap();
            let (b, slot_b) = server.slot("/creds/b").unwrap();
            assert_eq!((a.as_str(), b.as_str()), ("a", "b"));
            let margin = Duration::from_secs(300);
            assert_eq!(
                slot_a.credentials(margin).await.unwrap().access_key_id,
                "ASIAA"
            );
            assert_eq!(
                slot_b.credentials(margin).await.unwrap().access_key_id,
                "ASIAB"
            );
            let (_, again) = server.slot("/creds/a").unwrap();
            assert_eq!(
                again.credentials(margin).await.unwrap().access_key_id,
                "ASIAA"
            );
        });
        assert_eq!(
            *asked.lock().unwrap(),
            ["a", "b"],
            "one STS call per connector"
        );
        server.forget("b");
        assert_eq!(server.slots.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_failing_refresh_waits_longer_each_time_and_never_holds_up_the_look() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let source: Arc<Source> = Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(300));
            anyhow::bail!("STS is down")
        });
        let server = Server::new(
            SecretString::from("x".to_string()),
            Duration::from_secs(300),
            Serves::One(source),
        );
        let runtime = two_threads();
        runtime.block_on(async {
            server.prime(issued("old", 200)).await;
            let (_, slot) = server.slot("/").unwrap();
            slot.used.store(true, Ordering::Relaxed);
            // The look starts a refresh and does not wait for it, nor does the next look.
            let started = std::time::Instant::now();
            server.refresh_ahead().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            server.refresh_ahead().await;
            assert!(
                started.elapsed() < Duration::from_millis(250),
                "the look waited"
            );
            // Requests meanwhile wait for that one refresh and are told why it failed; so are
            // those until its wait is over, without another call.
            let mut asked = Vec::new();
            for _ in 0..20 {
                let s = slot.clone();
                asked.push(tokio::spawn(async move {
                    s.credentials(Duration::from_secs(300)).await
                }));
            }
            for a in asked {
                let e = a.await.unwrap().unwrap_err();
                assert!(format!("{e:#}").contains("STS is down"), "{e:#}");
            }
            server.refresh_ahead().await;
            tokio::time::sleep(Duration::from_millis(400)).await;
            assert_eq!(calls.load(Ordering::SeqCst), 1);
            // After the first wait (1 s), one more; then the wait is 2 s.
            tokio::time::sleep(Duration::from_millis(700)).await;
            server.refresh_ahead().await;
            tokio::time::sleep(Duration::from_millis(400)).await;
            assert_eq!(calls.load(Ordering::SeqCst), 2);
            tokio::time::sleep(Duration::from_millis(1000)).await;
            server.refresh_ahead().await;
            assert!(slot.credentials(Duration::from_secs(300)).await.is_err());
            assert_eq!(calls.load(Ordering::SeqCst), 2, "asked again within 2 s");
        });
    }

    #[test]
    fn credentials_in_use_are_refreshed_before_a_request_has_to() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let source: Arc<Source> = Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(issued("fresh", 3600))
        });
        let server = Server::new(
            SecretString::from("x".to_string()),
            Duration::from_secs(303),
            Serves::One(source),
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            // Within a second of the margin, but nobody asked for them: left alone.
            server.prime(issued("old", 305)).await;
            server.refresh_ahead().await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert_eq!(calls.load(Ordering::SeqCst), 0);
            // Asked for: refreshed ahead, and the next request is answered from memory.
            let (_, slot) = server.slot("/").unwrap();
            let served = slot.credentials(server.margin).await.unwrap();
            assert_eq!(served.access_key_id, "ASIAOLD");
            slot.used.store(true, Ordering::Relaxed);
            server.refresh_ahead().await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert_eq!(calls.load(Ordering::SeqCst), 1);
            let served = slot.credentials(server.margin).await.unwrap();
            assert_eq!(served.access_key_id, "ASIAFRESH");
            // Fresh ones are not refreshed again.
            slot.used.store(true, Ordering::Relaxed);
            server.refresh_ahead().await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert_eq!(calls.load(Ordering::SeqCst), 1);
        });
    }
}
