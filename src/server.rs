//! A local credential server speaking the container-credentials protocol, which the AWS SDKs and
//! CLI read through `AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
//!
//! It listens on 127.0.0.1 only, answers only loopback peers, and only requests carrying its
//! random 256-bit token (compared in constant time). Credentials are kept in memory and
//! refreshed ahead of expiry under one lock, so a thousand SDK requests make one STS call per
//! credential lifetime; refreshing goes through the same path as `fedaws creds` (authorization,
//! cache, single flight, audit).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};

use crate::format::rfc3339;
use crate::sts::Issued;

/// Where credentials come from when the server needs fresh ones (blocking).
pub type Source = dyn Fn() -> anyhow::Result<Issued> + Send + Sync;

/// The server's state.
pub struct Server {
    token: SecretString,
    margin: Duration,
    source: Arc<Source>,
    current: tokio::sync::Mutex<Option<Issued>>,
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

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({"code": code, "message": message})),
    )
        .into_response()
}

impl Server {
    /// A server handing out credentials from `source`, refreshed `margin` before they expire.
    pub fn new(token: SecretString, margin: Duration, source: Arc<Source>) -> Arc<Server> {
        Arc::new(Server {
            token,
            margin,
            source,
            current: tokio::sync::Mutex::new(None),
        })
    }

    /// Start with credentials already obtained (the ones that proved the caller may use them).
    pub async fn prime(&self, issued: Issued) {
        *self.current.lock().await = Some(issued);
    }

    /// The credentials to serve: the current ones while they have more than the margin left,
    /// else fresh ones. The lock is held while refreshing, so concurrent requests wait for one
    /// refresh instead of starting their own.
    async fn credentials(&self) -> anyhow::Result<Issued> {
        let mut current = self.current.lock().await;
        let fresh_enough = |c: &Issued| {
            let left = c.expiration.as_second() - jiff::Timestamp::now().as_second();
            left > i64::try_from(self.margin.as_secs()).unwrap_or(i64::MAX)
        };
        if let Some(c) = current.as_ref().filter(|c| fresh_enough(c)) {
            return Ok(c.clone());
        }
        let source = self.source.clone();
        let issued = tokio::task::spawn_blocking(move || source()).await??;
        *current = Some(issued.clone());
        Ok(issued)
    }

    /// The axum application.
    pub fn router(self: &Arc<Server>) -> axum::Router {
        axum::Router::new()
            .fallback(handle)
            .with_state(self.clone())
    }
}

async fn handle(
    State(server): State<Arc<Server>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if !peer.ip().is_loopback() {
        return refusal(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "this credential server answers loopback clients only",
        );
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !constant_time_eq(given, server.token.expose_secret().as_bytes()) {
        return refusal(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "missing or wrong authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN)",
        );
    }
    match server.credentials().await {
        Ok(c) => Json(serde_json::json!({
            "AccessKeyId": c.access_key_id,
            "SecretAccessKey": c.secret_access_key.expose_secret(),
            "Token": c.session_token.expose_secret(),
            "Expiration": rfc3339(c.expiration),
        }))
        .into_response(),
        Err(e) => refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            "CredentialsUnavailable",
            &format!("{e:#}"),
        ),
    }
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let app = server
                .router()
                .into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
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
        let server = Server::new(
            SecretString::from("x".to_string()),
            Duration::from_secs(300),
            source,
        );
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..50 {
                let s = server.clone();
                tasks.push(tokio::spawn(async move { s.credentials().await.unwrap() }));
            }
            for t in tasks {
                assert_eq!(t.await.unwrap().access_key_id, "ASIA1");
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
