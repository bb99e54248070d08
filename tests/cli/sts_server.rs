//! STS for the integration tests: one moto emulator per test binary, a recording forwarder in
//! front of it per test (what reached STS, and how often), and a scripted fake for faults.
//!
//! Both servers speak just enough HTTP/1.1: one request per connection (headers and a
//! `Content-Length` body), one answer, then the connection is closed.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a socket may stay silent before the test servers give up on it.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// What to tell a developer whose machine has no moto.
pub const NEEDS_MOTO: &str = "install moto with `pip install 'moto[server]'` or run scripts/test";

/// A port nothing listens on any more: bound, then released.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

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

/// One HTTP request as a test server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `POST`.
    pub method: String,
    /// `/`.
    pub path: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
    /// The body of the answer that was sent back.
    pub response: String,
}

impl Recorded {
    /// The form parameters of the body, percent-decoded.
    pub fn form(&self) -> BTreeMap<String, String> {
        parse_form(&self.body)
    }

    /// The `Action` parameter.
    pub fn action(&self) -> String {
        self.form().get("Action").cloned().unwrap_or_default()
    }

    /// One form parameter.
    pub fn param(&self, name: &str) -> Option<String> {
        self.form().get(name).cloned()
    }
}

/// `a=b&c=d` with `%XX` and `+` decoded.
pub fn parse_form(body: &str) -> BTreeMap<String, String> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a test server does with one request: the raw HTTP answer.
type Handler = dyn Fn(&RawRequest, usize) -> Vec<u8> + Send + Sync;

/// A request as read off the socket.
pub struct RawRequest {
    head: Vec<u8>,
    body: Vec<u8>,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = buf[..head_end].to_vec();
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some(RawRequest {
        head,
        body,
        method,
        path,
        headers,
    })
}

/// A local HTTP server that records every request and answers through a handler.
pub struct TestServer {
    url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    fn start(handler: Box<Handler>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test server");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let handler: Arc<Handler> = Arc::from(handler);
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let handler = Arc::clone(&handler);
                let log = Arc::clone(&log);
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
                    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
                    let Some(request) = read_request(&mut stream) else {
                        return;
                    };
                    // Count first, so the handler knows which request of the script this is.
                    let index = {
                        let mut log = log.lock().expect("request log");
                        log.push(Recorded {
                            method: request.method.clone(),
                            path: request.path.clone(),
                            headers: request.headers.clone(),
                            body: String::from_utf8_lossy(&request.body).into_owned(),
                            response: String::new(),
                        });
                        log.len() - 1
                    };
                    let answer = handler(&request, index);
                    let body_at = find(&answer, b"\r\n\r\n").map_or(answer.len(), |i| i + 4);
                    log.lock().expect("request log")[index].response =
                        String::from_utf8_lossy(&answer[body_at..]).into_owned();
                    let _ = stream.write_all(&answer);
                    let _ = stream.flush();
                    let _ = stream.shutdown(std::net::Shutdown::Both);
                });
            }
        });
        TestServer { url, requests }
    }

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

    /// A fake STS answering request N with `script[N]` (status, XML body); the last entry
    /// answers every request after the script runs out.
    pub fn scripted(script: Vec<(u16, String)>) -> TestServer {
        assert!(!script.is_empty(), "a script needs at least one answer");
        TestServer::start(Box::new(move |_, index| {
            let (status, body) = &script[index.min(script.len() - 1)];
            http_response(*status, body)
        }))
    }

    /// Like [`TestServer::scripted`], but each answer of the script waits its delay before it
    /// is sent (the request is counted at once, so a test sees it arrive while it is pending).
    pub fn scripted_slow(script: Vec<(Duration, u16, String)>) -> TestServer {
        assert!(!script.is_empty(), "a script needs at least one answer");
        TestServer::start(Box::new(move |_, index| {
            let (delay, status, body) = &script[index.min(script.len() - 1)];
            std::thread::sleep(*delay);
            http_response(*status, body)
        }))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("request log").clone()
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.requests.lock().expect("request log").len()
    }

    /// The one request that arrived; fails when there were none or several.
    pub fn only(&self) -> Recorded {
        let all = self.requests();
        assert_eq!(
            all.len(),
            1,
            "expected exactly one STS request, got {}: {:#?}",
            all.len(),
            all.iter().map(|r| r.body.clone()).collect::<Vec<_>>()
        );
        all[0].clone()
    }

    /// Every `<SessionToken>` and `<SecretAccessKey>` in the answers sent so far.
    pub fn issued_secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        for r in self.requests() {
            for tag in ["SessionToken", "SecretAccessKey"] {
                out.extend(xml_values(&r.response, tag));
            }
        }
        out
    }
}

/// The text of every `<tag>…</tag>` in `xml`.
pub fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(&close) else { break };
        out.push(after[..j].to_string());
        rest = &after[j + close.len()..];
    }
    out
}

/// Send the request to `upstream` (`host:port`) with `Connection: close` and return the whole
/// answer, itself marked `Connection: close`.
fn forward(upstream: &str, request: &RawRequest) -> Vec<u8> {
    let head = String::from_utf8_lossy(&request.head).into_owned();
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
    bytes.extend_from_slice(&request.body);
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
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let mut fixed = String::new();
    for (i, line) in head.split("\r\n").enumerate() {
        if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        fixed.push_str(line);
        fixed.push_str("\r\n");
    }
    fixed.push_str("Connection: close\r\n\r\n");
    let mut fixed = fixed.into_bytes();
    fixed.extend_from_slice(&answer[end + 4..]);
    fixed
}

/// A server that sends `answer` (a whole HTTP response, head and body) to every request.
pub fn scripted_raw(answer: Vec<u8>) -> TestServer {
    TestServer::start(Box::new(move |_, _| answer.clone()))
}

/// A complete HTTP/1.1 answer with an XML body.
pub fn http_response(status: u16, body: &str) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// An STS error body.
pub fn sts_error(code: &str, message: &str) -> String {
    format!(
        r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>1</RequestId></ErrorResponse>"#
    )
}

/// The session token of [`get_session_token_ok`].
pub const FAKE_SESSION_TOKEN: &str = "FakeSessionTokenFromTheScriptedServer0123456789+/=";
/// The secret access key of [`get_session_token_ok`].
pub const FAKE_SECRET: &str = "FakeTemporarySecretFromTheScripted0123456";

/// When the credentials of [`get_session_token_ok`] expire: an hour from now, to the second
/// (fedaws refuses credentials that are expired or outlive the lifetime asked for).
pub fn in_an_hour() -> String {
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600);
    jiff::Timestamp::from_second(t.as_second())
        .expect("a time")
        .to_string()
}

/// A successful GetSessionToken body, expiring [`in_an_hour`].
pub fn get_session_token_ok() -> String {
    get_session_token_with(
        "ASIAFAKEFAKEFAKE0001",
        FAKE_SECRET,
        FAKE_SESSION_TOKEN,
        &in_an_hour(),
    )
}

/// A GetSessionToken body with these credentials, well-formed or not.
pub fn get_session_token_with(id: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        r#"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult><Credentials><AccessKeyId>{id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetSessionTokenResponse>"#
    )
}

#[test]
fn forms_are_percent_decoded() {
    let form = parse_form("Action=AssumeRole&Policy=%7B%22a%22%3A+1%7D&Empty=&X=100%25");
    assert_eq!(form["Action"], "AssumeRole");
    assert_eq!(form["Policy"], "{\"a\": 1}");
    assert_eq!(form["Empty"], "");
    assert_eq!(form["X"], "100%");
}

/// The credentials an STS answer carried: (AccessKeyId, SecretAccessKey, SessionToken).
pub fn answered(request: &Recorded) -> (String, String, String) {
    let one = |tag: &str| {
        xml_values(&request.response, tag)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no <{tag}> in the STS answer:\n{}", request.response))
    };
    (
        one("AccessKeyId"),
        one("SecretAccessKey"),
        one("SessionToken"),
    )
}
