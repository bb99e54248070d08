//! A local HTTP server for the tests that records every request that reaches it (what reached
//! STS, and how often) and answers through a handler: a script of answers for faults, or a fake
//! STS that answers GetFederationToken, GetSessionToken and AssumeRole as STS does.
//!
//! It speaks just enough HTTP/1.1: one request per connection (headers and a `Content-Length`
//! body), one answer, then the connection is closed.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a socket may stay silent before the test servers give up on it.
pub const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// A port nothing listens on any more: bound, then released.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
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
pub type Handler = dyn Fn(&RawRequest, usize) -> Vec<u8> + Send + Sync;

/// A request as read off the socket.
pub struct RawRequest {
    /// The request line and the headers, without the blank line that ends them.
    pub head: Vec<u8>,
    /// The body, `Content-Length` bytes long.
    pub body: Vec<u8>,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
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
    /// A server on a free loopback port whose `handler` answers request N (0-based) of `request`.
    pub fn start(handler: Box<Handler>) -> TestServer {
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

    /// A fake STS: GetFederationToken, GetSessionToken and AssumeRole are answered as STS
    /// answers them (see [`sts_answer`]), any other action is refused as STS refuses one it does
    /// not know.
    pub fn fake_sts() -> TestServer {
        TestServer::start(Box::new(|request, index| {
            let form = parse_form(&String::from_utf8_lossy(&request.body));
            match sts_answer(&form, index) {
                Some(body) => http_response(200, &body),
                None => http_response(
                    400,
                    &sts_error("InvalidAction", "Could not find operation for this request"),
                ),
            }
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
    in_secs(3600)
}

/// `secs` seconds from now, to the second, as STS writes an expiry.
pub fn in_secs(secs: i64) -> String {
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(secs);
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
    sts_ok(
        "GetSessionToken",
        &credentials(id, secret, token, expiration),
        "",
    )
}

/// The account of the fake STS's federated users (an assumed role's is its ARN's).
pub const FAKE_ACCOUNT: &str = "123456789012";

/// What the fake STS answers its request `n` (0-based), whose form is `form`: the body of a
/// successful answer to its `Action`, with credentials no earlier request got (so that a cached
/// answer and a new one can be told apart), expiring after the `DurationSeconds` asked for, and
/// the ARN of the identity they stand for where STS gives one. `None` for another action.
pub fn sts_answer(form: &BTreeMap<String, String>, n: usize) -> Option<String> {
    let param = |name: &str| form.get(name).map_or("", String::as_str);
    let secs = param("DurationSeconds").parse().unwrap_or(3600);
    let pid = std::process::id();
    let issued = credentials(
        &format!("ASIAFAKE{n:012}"),
        &format!("FakeIssuedSecret{pid:08}{n:016}"),
        &format!("FakeIssuedSessionToken/{pid:08}+{n:016}="),
        &in_secs(secs),
    );
    let action = param("Action");
    let identity = match action {
        "GetSessionToken" => String::new(),
        "GetFederationToken" => {
            let name = param("Name");
            format!(
                "<FederatedUser><FederatedUserId>{FAKE_ACCOUNT}:{name}</FederatedUserId><Arn>arn:aws:sts::{FAKE_ACCOUNT}:federated-user/{name}</Arn></FederatedUser>"
            )
        }
        "AssumeRole" => {
            let role_arn = param("RoleArn");
            let account = role_arn.split(':').nth(4).unwrap_or(FAKE_ACCOUNT);
            let role = role_arn.rsplit('/').next().unwrap_or_default();
            let session = param("RoleSessionName");
            format!(
                "<AssumedRoleUser><AssumedRoleId>AROAFAKE{n:012}:{session}</AssumedRoleId><Arn>arn:aws:sts::{account}:assumed-role/{role}/{session}</Arn></AssumedRoleUser>"
            )
        }
        _ => return None,
    };
    Some(sts_ok(action, &issued, &identity))
}

/// The `<Credentials>` of an STS answer.
fn credentials(id: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        "<Credentials><AccessKeyId>{id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>"
    )
}

/// A successful answer to `action` whose result holds `credentials` and then `rest`.
fn sts_ok(action: &str, credentials: &str, rest: &str) -> String {
    format!(
        r#"<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><{action}Result>{credentials}{rest}</{action}Result><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></{action}Response>"#
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
