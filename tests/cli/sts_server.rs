//! STS for the integration tests: one moto emulator per test binary, and a recording forwarder
//! in front of it per test (what reached STS, and how often). The recording server itself, its
//! scripted answers for faults and the fake STS are shared with the first tier
//! (`tests/support/sts.rs`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use crate::support::sts::*;

/// What to tell a developer whose machine has no moto.
pub const NEEDS_MOTO: &str = "install moto with `pip install 'moto[server]'` or run scripts/test";

struct Moto {
    url: String,
    // Kept open for the life of the test binary: the wrapper shell kills moto when it closes.
    _stdin: ChildStdin,
    _child: Child,
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The URL of the moto STS emulator shared by every test of this binary, started on first use.
/// moto runs under a shell that kills it when this process's end of a pipe closes, so it does not
/// outlive the test run.
pub fn moto_url() -> &'static str {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    let moto = MOTO.get_or_init(|| {
        assert!(
            on_path("moto_server"),
            "moto_server is not on PATH: {NEEDS_MOTO}"
        );
        let port = free_port();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"moto_server -H 127.0.0.1 -p "$1" >/dev/null 2>&1 & m=$!; read _; kill "$m""#)
            .arg("sh")
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start moto_server ({e}): {NEEDS_MOTO}"));
        let stdin = child.stdin.take().expect("moto wrapper stdin");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "moto_server did not accept connections on port {port} within 20 s: {NEEDS_MOTO}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            url: format!("http://127.0.0.1:{port}"),
            _stdin: stdin,
            _child: child,
        }
    });
    &moto.url
}

impl TestServer {
    /// A forwarder to `upstream` (moto) that records each request and the answer.
    pub fn recorder(upstream: &str) -> TestServer {
        let upstream = upstream
            .strip_prefix("http://")
            .expect("an http:// upstream")
            .trim_end_matches('/')
            .to_string();
        TestServer::start(Box::new(move |request, _| forward(&upstream, request)))
    }

    /// A forwarder to the shared moto that fails request `at` (0-based) with an error no client
    /// retries: before passing it on, or (`after`) once moto has done it, as when the answer
    /// is lost.
    pub fn failing_at(at: usize, after: bool) -> TestServer {
        let upstream = moto_url()
            .strip_prefix("http://")
            .expect("an http:// upstream")
            .to_string();
        TestServer::start(Box::new(move |request, index| {
            if index != at {
                return forward(&upstream, request);
            }
            if after {
                let _ = forward(&upstream, request);
            }
            http_response(
                400,
                &sts_error("InjectedFault", "the test failed this call"),
            )
        }))
    }

    /// A forwarder to the shared moto whose first `n` `GetCallerIdentity` calls are refused as
    /// AWS refuses a key it does not know yet (IAM's eventual consistency).
    pub fn new_keys_unknown_at_first(n: usize) -> TestServer {
        let upstream = moto_url()
            .strip_prefix("http://")
            .expect("an http:// upstream")
            .to_string();
        let refused = std::sync::atomic::AtomicUsize::new(0);
        TestServer::start(Box::new(move |request, _| {
            let body = String::from_utf8_lossy(&request.body);
            if body.contains("Action=GetCallerIdentity")
                && refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < n
            {
                return http_response(
                    403,
                    &sts_error(
                        "InvalidClientTokenId",
                        "The security token included in the request is invalid.",
                    ),
                );
            }
            forward(&upstream, request)
        }))
    }

    /// A recorder in front of the shared moto.
    pub fn moto_recorder() -> TestServer {
        TestServer::recorder(moto_url())
    }
}

/// Send the request to `upstream` (`host:port`) with `Connection: close` and return the whole
/// answer, itself marked `Connection: close`.
fn forward(upstream: &str, request: &RawRequest) -> Vec<u8> {
    let bytes = closing(&request.head, &request.body);
    let mut answer = Vec::new();
    let result = TcpStream::connect(upstream).and_then(|mut s| {
        s.set_read_timeout(Some(IO_TIMEOUT))?;
        s.write_all(&bytes)?;
        s.read_to_end(&mut answer)
    });
    if let Err(e) = result {
        return http_response(
            502,
            &format!("recorder: cannot reach moto at {upstream}: {e}"),
        );
    }
    let Some(end) = find(&answer, b"\r\n\r\n") else {
        return answer;
    };
    closing(&answer[..end], &answer[end + 4..])
}

/// A request or answer of `head` (without the blank line that ends it) and `body`, its
/// `Connection` header replaced by `Connection: close`.
fn closing(head: &[u8], body: &[u8]) -> Vec<u8> {
    let head = String::from_utf8_lossy(head).into_owned();
    let mut out = String::new();
    for (i, line) in head.split("\r\n").enumerate() {
        if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}
