//! The local credential server against moto: `fedaws serve` as a background process read by the
//! AWS CLI, boto3 and raw HTTP (tokens, concurrency, refresh, SIGTERM), and `fedaws exec --server`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Output, Stdio};
use std::sync::{Arc, Barrier, mpsc};
use std::time::{Duration, Instant};

use crate::common::{COMMAND_TIMEOUT, contains, stderr, stdout};
use crate::sts_fixture::{Broker, MOTO_ACCOUNT, os_user};
use crate::sts_server::{TestServer, answered, moto_url};

const ROLE: &str = "ServeRole";

fn role_connector(extra: &str) -> String {
    format!(
        "[connectors.c]\naccount = \"{{account}}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::{MOTO_ACCOUNT}:role/{ROLE}\"\n{extra}"
    )
}

/// The value of `export NAME='VALUE'`.
pub fn export_value(line: &str, name: &str) -> String {
    let rest = line
        .strip_prefix(&format!("export {name}="))
        .unwrap_or_else(|| panic!("not an export of {name}: {line:?}"));
    rest.strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .unwrap_or_else(|| panic!("{name} is not single-quoted: {line:?}"))
        .to_string()
}

/// The port of `http://127.0.0.1:PORT/` (or of a shared server's `…/creds/`).
pub fn port_of(uri: &str) -> u16 {
    uri.strip_prefix("http://127.0.0.1:")
        .and_then(|r| r.strip_suffix('/'))
        .map(|r| r.strip_suffix("/creds").unwrap_or(r))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("not http://127.0.0.1:PORT/: {uri:?}"))
}

/// A `fedaws serve` running in the background; killed when dropped (a failing test leaves no
/// server behind).
struct Serving {
    child: Option<Child>,
    uri: String,
    port: u16,
    token: String,
    /// The token file of a shared server (`serve` without a connector).
    token_file: String,
    stderr: Option<std::thread::JoinHandle<Vec<u8>>>,
    rest: Option<std::thread::JoinHandle<Vec<u8>>>,
}

impl Serving {
    /// Start `fedaws serve ARGS…` and read its two export lines (for a shared server, without
    /// a connector: `FEDAWS_SERVER` and the token file, read here).
    fn start(broker: &Broker, args: &[&str]) -> Serving {
        let mut argv = vec!["serve"];
        argv.extend_from_slice(args);
        let mut child = broker
            .env
            .std_command(&argv)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start fedaws serve");
        let mut err = child.stderr.take().expect("stderr");
        let stderr_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = err.read_to_end(&mut buf);
            buf
        });
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        let rest = std::thread::spawn(move || {
            let mut reader = BufReader::new(out);
            let mut lines = Vec::new();
            for _ in 0..2 {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                lines.push(line);
            }
            let _ = tx.send(lines);
            // Whatever follows on stdout, for the test to check once serve has stopped.
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
            rest
        });
        let mut serving = Serving {
            child: Some(child),
            uri: String::new(),
            port: 0,
            token: String::new(),
            token_file: String::new(),
            stderr: Some(stderr_reader),
            rest: Some(rest),
        };
        let lines = rx.recv_timeout(COMMAND_TIMEOUT).unwrap_or_default();
        if lines.len() != 2 {
            let out = serving.stop_with("KILL");
            panic!(
                "`fedaws serve` did not print two export lines ({}):\n{}",
                out.status,
                stderr(&out)
            );
        }
        assert!(lines.iter().all(|l| l.ends_with('\n')));
        if args.is_empty() {
            serving.uri = export_value(lines[0].trim_end(), "FEDAWS_SERVER");
            serving.token_file = export_value(
                lines[1].trim_end(),
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            );
            serving.token = std::fs::read_to_string(&serving.token_file).expect("the token file");
        } else {
            serving.uri = export_value(lines[0].trim_end(), "AWS_CONTAINER_CREDENTIALS_FULL_URI");
            serving.token = export_value(lines[1].trim_end(), "AWS_CONTAINER_AUTHORIZATION_TOKEN");
        }
        serving.port = port_of(&serving.uri);
        assert_eq!(serving.token.len(), 64, "the token is not 256 bits in hex");
        assert!(serving.token.bytes().all(|b| b.is_ascii_hexdigit()));
        serving
    }

    /// Send `signal` (`TERM`, `INT`, `KILL`), wait for the process to end and return its exit
    /// status, what it wrote on stderr, and what it wrote on stdout after the two export lines.
    fn stop_with(&mut self, signal: &str) -> Output {
        let mut child = self.child.take().expect("still running");
        let killed = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .expect("run kill");
        assert!(killed.success(), "kill -{signal} failed");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for fedaws serve") {
                break status;
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("`fedaws serve` did not stop within 20 s of SIG{signal}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        let stdout = self
            .rest
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        Output {
            status,
            stdout,
            stderr,
        }
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// How long a request to the server may take before the test calls it hung.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(20);

/// A raw `GET /` to 127.0.0.1:`port` with `Authorization: auth` (none when `None`): the status
/// and the body, or why there was none within [`ANSWER_TIMEOUT`].
fn try_get(port: u16, auth: Option<&str>) -> Result<(u16, String), String> {
    try_get_path(port, "/", auth)
}

/// [`try_get`] of `path`.
fn try_get_path(port: u16, path: &str, auth: Option<&str>) -> Result<(u16, String), String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("cannot connect: {e}"))?;
    stream
        .set_read_timeout(Some(ANSWER_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    if let Some(a) = auth {
        request.push_str(&format!("Authorization: {a}\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|e| {
        format!(
            "no complete answer within {} s ({e})",
            ANSWER_TIMEOUT.as_secs()
        )
    })?;
    let text = String::from_utf8(answer).map_err(|_| "the answer is not UTF-8".to_string())?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("not an HTTP answer: {text:?}"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    Ok((status, body.to_string()))
}

/// [`try_get`], failing the test when there is no answer.
fn get(port: u16, auth: Option<&str>) -> (u16, String) {
    try_get(port, auth).unwrap_or_else(|e| panic!("GET http://127.0.0.1:{port}/: {e}"))
}

/// The credentials a `200` answer carried.
fn credentials(port: u16, token: &str) -> serde_json::Value {
    let (status, body) = get(port, Some(token));
    assert_eq!(status, 200, "with the right token");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("the answer is not JSON ({e})"))
}

fn access_key_id(value: &serde_json::Value) -> String {
    value["AccessKeyId"]
        .as_str()
        .expect("AccessKeyId is a string")
        .to_string()
}

/// Fail unless a refused request got 401 or 403 with `{"code","message"}` and no credentials.
fn assert_refused(status: u16, body: &str, what: &str) {
    assert!(
        status == 401 || status == 403,
        "{what}: HTTP {status}, expected 401 or 403"
    );
    let value: serde_json::Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("{what}: the refusal is not JSON ({e}): {body}"));
    let mut keys: Vec<&String> = value.as_object().expect("an object").keys().collect();
    keys.sort();
    assert_eq!(keys, ["code", "message"], "{what}: {body}");
    assert!(value["code"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(value["message"].as_str().is_some_and(|m| !m.is_empty()));
    for field in ["AccessKeyId", "SecretAccessKey", "Token"] {
        assert!(!body.contains(field), "{what}: the refusal holds {field}");
    }
}

/// Run an AWS client with nothing but the container-credentials variables to find credentials.
fn aws_client(broker: &Broker, serving: &Serving, program: &str, args: &[&str]) -> Output {
    container_client(broker, &serving.uri, &serving.token, program, args)
}

/// Run `program` (the AWS CLI, or python3 with boto3) with nothing but the container-credentials
/// variables `uri` and `token` to find credentials, and moto as its endpoint; its stderr is kept
/// by the broker for the leak check.
pub fn container_client(
    broker: &Broker,
    uri: &str,
    token: &str,
    program: &str,
    args: &[&str],
) -> Output {
    let vars = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", token),
    ];
    aws_client_with(broker, &vars, program, args)
}

/// Run an AWS client with moto as its endpoint, no config or credentials file, and `vars` to
/// find credentials by.
fn aws_client_with(broker: &Broker, vars: &[(&str, &str)], program: &str, args: &[&str]) -> Output {
    let out = std::process::Command::new(program)
        .args(args)
        .env_clear()
        .env("HOME", broker.env.home())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_ENDPOINT_URL", moto_url())
        .env("AWS_REGION", "us-east-1")
        // AWS CLI v1 reads only AWS_DEFAULT_REGION.
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .envs(vars.iter().copied())
        .current_dir(broker.env.root())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): install awscli and boto3"));
    broker.record(program, &out);
    out
}

fn assert_port_closed(port: u16, after: &str) {
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "127.0.0.1:{port} still accepts connections after {after}"
    );
}

/// `count` requests at once (each on its own thread, released together): their AccessKeyIds;
/// fails with a summary unless every one got a 200 with credentials.
fn burst(port: u16, token: &str, count: usize) -> Vec<String> {
    let barrier = Arc::new(Barrier::new(count));
    let threads: Vec<_> = (0..count)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            let token = token.to_string();
            std::thread::spawn(move || -> Result<String, String> {
                barrier.wait();
                let (status, body) = try_get(port, Some(&token))?;
                if status != 200 {
                    return Err(format!("HTTP {status}: {body}"));
                }
                let value: serde_json::Value =
                    serde_json::from_str(&body).map_err(|e| format!("not JSON ({e})"))?;
                Ok(access_key_id(&value))
            })
        })
        .collect();
    let results: Vec<Result<String, String>> = threads
        .into_iter()
        .map(|t| {
            t.join()
                .unwrap_or_else(|_| Err("the thread panicked".into()))
        })
        .collect();
    let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failed.is_empty(),
        "{} of {count} concurrent requests failed; the first: {}",
        failed.len(),
        failed[0]
    );
    results.into_iter().map(Result::unwrap_or_default).collect()
}

#[test]
fn serve_feeds_the_aws_cli_and_boto3_and_stops_on_sigterm() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], &role_connector(""));
    let mut serving = Serving::start(&broker, &["c"]);
    let request = sts.only();
    assert_eq!(request.action(), "AssumeRole");
    let (id, secret, token) = answered(&request);

    // What the protocol promises, with the credentials STS issued.
    let value = credentials(serving.port, &serving.token);
    assert_eq!(access_key_id(&value), id);
    assert!(value["SecretAccessKey"].as_str() == Some(secret.as_str()));
    assert!(value["Token"].as_str() == Some(token.as_str()));
    let expiration = value["Expiration"].as_str().expect("Expiration");
    let at: jiff::Timestamp = expiration.parse().expect("Expiration is RFC 3339");
    let left = at.as_second() - jiff::Timestamp::now().as_second();
    assert!((3500..=3600).contains(&left), "expires in {left} s");

    // Wrong, missing, prefixed and truncated tokens are refused.
    let wrong = "0".repeat(64);
    let bearer = format!("Bearer {}", serving.token);
    let cases: [(Option<&str>, &str); 4] = [
        (Some(wrong.as_str()), "a wrong token"),
        (None, "no token"),
        (Some(bearer.as_str()), "the token with a Bearer prefix"),
        (Some(&serving.token[..63]), "a truncated token"),
    ];
    for (auth, what) in cases {
        let (status, body) = get(serving.port, auth);
        assert_refused(status, &body, what);
        assert!(!body.contains(&secret) && !body.contains(&token));
    }

    let arn = format!(
        "arn:aws:sts::{MOTO_ACCOUNT}:assumed-role/{ROLE}/{}",
        os_user()
    );
    let out = aws_client(
        &broker,
        &serving,
        "aws",
        &["sts", "get-caller-identity", "--output", "json"],
    );
    assert!(out.status.success(), "aws: {}", stderr(&out));
    let identity: serde_json::Value =
        serde_json::from_str(&stdout(&out)).expect("the AWS CLI prints JSON");
    assert_eq!(identity["Arn"].as_str(), Some(arn.as_str()), "{identity}");

    let out = aws_client(
        &broker,
        &serving,
        "python3",
        &[
            "-c",
            "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])",
        ],
    );
    assert!(out.status.success(), "boto3: {}", stderr(&out));
    assert_eq!(stdout(&out).trim(), arn);
    assert_eq!(
        sts.count(),
        1,
        "the server went to STS again although its credentials were fresh"
    );

    let out = serving.stop_with("TERM");
    broker.record("serve c", &out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "serve did not exit cleanly on SIGTERM:\n{}",
        stderr(&out)
    );
    assert!(
        !contains(&out.stderr, serving.token.as_bytes()),
        "serve printed its token on stderr"
    );
    assert!(
        out.stdout.is_empty(),
        "serve printed more than the two export lines:\n{}",
        stdout(&out)
    );
    assert_port_closed(serving.port, "SIGTERM");
    broker.finish(&[&sts]);
}

#[test]
fn serve_answers_500_concurrent_requests_from_one_sts_call() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], &role_connector(""));
    let mut serving = Serving::start(&broker, &["c"]);
    // serve obtains credentials once at start-up (proving the caller may use the connector).
    assert_eq!(sts.count(), 1, "serve start-up");
    let (id, _, _) = answered(&sts.only());

    let ids = burst(serving.port, &serving.token, 500);
    assert_eq!(ids.len(), 500);
    assert!(
        ids.iter().all(|i| *i == id),
        "not every request got the start-up credentials"
    );
    assert_eq!(
        sts.count(),
        1,
        "500 requests for fresh credentials reached STS"
    );

    let out = serving.stop_with("INT");
    broker.record("serve c", &out);
    assert_eq!(out.status.code(), Some(0), "SIGINT: {}", stderr(&out));
    assert_port_closed(serving.port, "SIGINT");
    broker.finish(&[&sts]);
}

/// A connector whose credentials live 15 minutes, refreshed 14m55s before they expire: they are
/// due for a refresh about five seconds after they were issued.
fn short_lived(sts: &TestServer) -> Broker {
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        &role_connector("max_duration = \"15m\"\n"),
    );
    broker.set_settings("refresh_margin = \"14m55s\"\n");
    broker
}

/// Sleep until `margin` seconds (plus one) before the credentials' `Expiration`.
fn sleep_into_margin(value: &serde_json::Value, margin: i64) {
    let at: jiff::Timestamp = value["Expiration"]
        .as_str()
        .expect("Expiration")
        .parse()
        .expect("Expiration is RFC 3339");
    let left = at.as_second() - jiff::Timestamp::now().as_second();
    assert!(
        (margin..=900).contains(&left),
        "the credentials expire in {left} s, expected at most 900 s and more than {margin} s"
    );
    let wait = left - margin + 1;
    std::thread::sleep(Duration::from_millis(
        u64::try_from(wait * 1000 + 200).unwrap_or(0),
    ));
}

#[test]
fn serve_refreshes_credentials_within_the_margin() {
    let sts = TestServer::moto_recorder();
    let broker = short_lived(&sts);
    let mut serving = Serving::start(&broker, &["c"]);
    let first = credentials(serving.port, &serving.token);
    assert_eq!(sts.count(), 1, "start-up");
    assert_eq!(sts.only().param("DurationSeconds").as_deref(), Some("900"));
    assert_eq!(access_key_id(&first), answered(&sts.only()).0);

    sleep_into_margin(&first, 895);
    let (status, body) = try_get(serving.port, Some(&serving.token)).unwrap_or_else(|e| {
        panic!("the first request within the refresh margin got no answer: {e}")
    });
    assert_eq!(status, 200, "within the refresh margin: {body}");
    let second: serde_json::Value = serde_json::from_str(&body).expect("the answer is JSON");
    assert_eq!(
        sts.count(),
        2,
        "a request within the refresh margin did not refresh"
    );
    let issued = answered(&sts.requests()[1]);
    assert_eq!(sts.requests()[1].action(), "AssumeRole");
    assert_ne!(
        access_key_id(&second),
        access_key_id(&first),
        "the same credentials after the refresh"
    );
    assert_eq!(access_key_id(&second), issued.0);
    assert!(second["Token"].as_str() == Some(issued.2.as_str()));

    // The fresh credentials are served from memory again.
    let third = credentials(serving.port, &serving.token);
    assert_eq!(access_key_id(&third), issued.0);
    assert_eq!(sts.count(), 2);

    let out = serving.stop_with("TERM");
    broker.record("serve c", &out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    broker.finish(&[&sts]);
}

#[test]
fn a_burst_at_the_refresh_point_refreshes_once() {
    let sts = TestServer::moto_recorder();
    let broker = short_lived(&sts);
    let mut serving = Serving::start(&broker, &["c"]);
    let first = credentials(serving.port, &serving.token);
    assert_eq!(sts.count(), 1);

    sleep_into_margin(&first, 895);
    let ids = burst(serving.port, &serving.token, 200);
    assert_eq!(
        sts.count(),
        2,
        "200 concurrent requests within the margin made other than one refresh"
    );
    let issued = answered(&sts.requests()[1]).0;
    assert_ne!(issued, access_key_id(&first));
    assert!(
        ids.iter().all(|i| *i == issued),
        "not every request of the burst got the refreshed credentials"
    );

    let out = serving.stop_with("TERM");
    broker.record("serve c", &out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    broker.finish(&[&sts]);
}

#[test]
fn exec_server_gives_the_child_a_server_and_not_the_keys() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], &role_connector(""));
    let script = r#"
printf 'uri=%s\n' "$AWS_CONTAINER_CREDENTIALS_FULL_URI"
printf 'token=%s\n' "$AWS_CONTAINER_AUTHORIZATION_TOKEN"
printf 'key=%s\n' "${AWS_ACCESS_KEY_ID-unset}"
printf 'secret=%s\n' "${AWS_SECRET_ACCESS_KEY-unset}"
printf 'session=%s\n' "${AWS_SESSION_TOKEN-unset}"
printf 'region=%s\n' "$AWS_REGION"
printf 'json='
curl -sS -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"
printf '\nstatus='
curl -sS -o /dev/null -w '%{http_code}' "$AWS_CONTAINER_CREDENTIALS_FULL_URI"
printf '\narn='
aws sts get-caller-identity --query Arn --output text
exit 42
"#;
    let out = broker.run_with(
        &["exec", "--server", "c", "--", "sh", "-c", script],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIAOUTEROUTEROUTER0"),
            ("AWS_SECRET_ACCESS_KEY", "outer-secret"),
            ("AWS_SESSION_TOKEN", "outer-token"),
            ("AWS_ENDPOINT_URL", moto_url()),
            ("AWS_CONFIG_FILE", "/nonexistent"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(42),
        "the child's exit status was not passed on:\n{}",
        stderr(&out)
    );
    let text = stdout(&out);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("the child printed no {name}= line"))
            .to_string()
    };
    let uri = field("uri");
    let port = port_of(&uri);
    assert_eq!(
        field("token").len(),
        64,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN"
    );
    assert_eq!(field("key"), "unset", "the child sees AWS_ACCESS_KEY_ID");
    assert_eq!(
        field("secret"),
        "unset",
        "the child sees AWS_SECRET_ACCESS_KEY"
    );
    assert_eq!(
        field("session"),
        "unset",
        "the child sees AWS_SESSION_TOKEN"
    );
    assert_eq!(field("region"), "us-east-1");

    let request = sts.only();
    assert_eq!(request.action(), "AssumeRole");
    let (id, secret, token) = answered(&request);
    let value: serde_json::Value =
        serde_json::from_str(&field("json")).expect("the server's answer is JSON");
    assert_eq!(access_key_id(&value), id);
    assert!(value["SecretAccessKey"].as_str() == Some(secret.as_str()));
    assert!(value["Token"].as_str() == Some(token.as_str()));
    assert_eq!(
        field("status"),
        "401",
        "a request without the token was not refused"
    );
    assert_eq!(
        field("arn"),
        format!(
            "arn:aws:sts::{MOTO_ACCOUNT}:assumed-role/{ROLE}/{}",
            os_user()
        )
    );
    assert_eq!(sts.count(), 1, "the child's requests reached STS");
    assert_port_closed(port, "the child exited");

    // A child that succeeds: fedaws succeeds.
    let out = broker.run(&["exec", "--server", "c", "--", "true"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    broker.finish(&[&sts]);
}

#[test]
fn exec_server_refreshes_for_a_long_running_child() {
    let sts = TestServer::moto_recorder();
    let broker = short_lived(&sts);
    // The child reads its credentials, waits until they are within the refresh margin (issued
    // with 900 s, refreshed 895 s before expiry) and reads them again.
    let script = r#"
fetch() { curl -sS -m 10 -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; }
printf 'first=%s\n' "$(fetch)"
sleep 7
printf 'second=%s\n' "$(fetch)"
"#;
    let args = ["exec", "--server", "c", "--", "sh", "-c", script];
    let mut cmd = broker.env.fedaws(&args);
    cmd.timeout(Duration::from_secs(30));
    let out = cmd.output().expect("run fedaws");
    broker.record("exec --server c (refresh)", &out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "exec --server did not finish (a signal means it hung and was killed after 30 s):\n{}",
        stderr(&out)
    );
    let text = stdout(&out);
    let field = |name: &str| -> serde_json::Value {
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("the child printed no {name}= line:\n{text}"));
        serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{name}: the server's answer is not JSON ({e}): {line:?}"))
    };
    let first = field("first");
    let second = field("second");
    assert_eq!(sts.count(), 2, "one STS call at start, one refresh");
    assert_eq!(access_key_id(&first), answered(&sts.requests()[0]).0);
    assert_eq!(access_key_id(&second), answered(&sts.requests()[1]).0);
    assert_ne!(access_key_id(&first), access_key_id(&second));
    broker.finish(&[&sts]);
}

#[test]
fn another_user_with_the_right_token_is_closed_on_unanswered() {
    crate::users::require_root();
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], &role_connector(""));
    let mut serving = Serving::start(&broker, &["c"]);
    let other = crate::users::User::create("srvother", &[]);
    // The other user knows the address and the token, and asks as the SDKs do.
    let script = "import socket, sys\n\
        s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)\n\
        s.sendall(('GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nAuthorization: ' + sys.argv[2] + '\\r\\nConnection: close\\r\\n\\r\\n').encode())\n\
        data = b''\n\
        try:\n\
        \x20   while True:\n\
        \x20       chunk = s.recv(65536)\n\
        \x20       if not chunk: break\n\
        \x20       data += chunk\n\
        except ConnectionResetError:\n\
        \x20   pass\n\
        sys.stdout.write(repr(data))\n";
    let port = serving.port.to_string();
    for _ in 0..3 {
        let out = other
            .command("/usr/bin/python3")
            .args(["-c", script, &port, &serving.token])
            .output()
            .expect("run python3 as the other user");
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            stdout(&out),
            "b''",
            "another user got an answer from the credential server"
        );
    }
    // The server's own user is answered as before.
    let value = credentials(serving.port, &serving.token);
    assert!(value["AccessKeyId"].is_string());
    let out = serving.stop_with("TERM");
    let err = stderr(&out);
    assert_eq!(
        err.matches("closed a connection from uid").count(),
        1,
        "the first stranger is reported, the rest counted: {err}"
    );
    assert!(err.contains(&format!("uid {}", other.uid)), "{err}");
    assert!(
        err.contains("closed 3 connections from other users in all"),
        "the count is told when the server stops: {err}"
    );
}

/// An AWS client finding credentials at `uri` with the token in `token_file`, as the SDKs read it
/// (`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`), and nothing else.
fn token_file_client(
    broker: &Broker,
    uri: &str,
    token_file: &str,
    program: &str,
    args: &[&str],
) -> Output {
    let vars = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file),
    ];
    aws_client_with(broker, &vars, program, args)
}

#[test]
fn one_shared_server_serves_every_connector_and_a_second_serve_finds_it() {
    let sts = TestServer::moto_recorder();
    let connectors = format!(
        "{}\n[connectors.own]\naccount = \"{{account}}\"\nprincipal = \"iam-user\"\n",
        role_connector("")
    );
    let broker = Broker::new(Some(sts.url()), &[], &connectors);
    let mut serving = Serving::start(&broker, &[]);
    assert!(serving.uri.ends_with("/creds/"), "{}", serving.uri);
    assert_eq!(
        sts.count(),
        0,
        "a shared server obtains credentials when asked, not before"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&serving.token_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the token file is private");
    }

    // Two connectors through one server: the AWS CLI through one, boto3 through the other.
    let role_uri = format!("{}c", serving.uri);
    let own_uri = format!("{}own", serving.uri);
    let out = token_file_client(
        &broker,
        &role_uri,
        &serving.token_file,
        "aws",
        &["sts", "get-caller-identity", "--output", "json"],
    );
    assert!(
        out.status.success(),
        "aws through /creds/c: {}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains(&format!(":assumed-role/{ROLE}/")),
        "{}",
        stdout(&out)
    );
    let script = "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])";
    let out = token_file_client(
        &broker,
        &own_uri,
        &serving.token_file,
        "python3",
        &["-c", script],
    );
    assert!(
        out.status.success(),
        "boto3 through /creds/own: {}",
        stderr(&out)
    );
    assert!(stdout(&out).contains(":user/"), "{}", stdout(&out));
    assert_eq!(sts.count(), 2, "one STS call per connector");
    let actions: Vec<String> = sts.requests().iter().map(|r| r.action()).collect();
    assert!(
        actions.contains(&"AssumeRole".to_string())
            && actions.contains(&"GetSessionToken".to_string()),
        "{actions:?}"
    );

    // Answered from memory again; a connector that does not exist is refused with the reason.
    let (status, _) = try_get_path(serving.port, "/creds/c", Some(&serving.token)).unwrap();
    assert_eq!(status, 200);
    assert_eq!(sts.count(), 2);
    let (status, body) = try_get_path(serving.port, "/creds/nope", Some(&serving.token)).unwrap();
    assert_ne!(status, 200);
    assert_refused_or_failed(&body);
    let (status, body) = try_get_path(serving.port, "/creds/c", None).unwrap();
    assert_refused(status, &body, "no token");

    // A second `serve` finds the first, says where it is, and ends.
    let again = broker
        .env
        .std_command(&["serve"])
        .output()
        .expect("run serve again");
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(
        export_value(stdout(&again).lines().next().unwrap_or(""), "FEDAWS_SERVER"),
        serving.uri
    );
    // `serve C` points a shell at the shared server.
    let one = broker
        .env
        .std_command(&["serve", "c"])
        .output()
        .expect("run serve c");
    assert!(one.status.success(), "{}", stderr(&one));
    let lines: Vec<String> = stdout(&one).lines().map(str::to_string).collect();
    assert_eq!(
        export_value(&lines[0], "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        role_uri
    );
    assert_eq!(
        export_value(&lines[1], "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
        serving.token_file
    );
    // `exec --server` runs its child on the shared server.
    let script = "printf 'uri=%s\\nfile=%s\\ntoken=%s\\n' \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" \"$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE\" \"${AWS_CONTAINER_AUTHORIZATION_TOKEN-unset}\"; aws sts get-caller-identity --output text --query Arn";
    let exec = broker
        .env
        .std_command(&["exec", "--server", "c", "--", "sh", "-c", script])
        .env("AWS_ENDPOINT_URL", moto_url())
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .output()
        .expect("run exec --server");
    assert!(exec.status.success(), "{}", stderr(&exec));
    let printed = stdout(&exec);
    assert!(printed.contains(&format!("uri={role_uri}\n")), "{printed}");
    assert!(
        printed.contains(&format!("file={}\n", serving.token_file)),
        "{printed}"
    );
    assert!(printed.contains("token=unset\n"), "{printed}");
    assert!(
        printed.contains(&format!(":assumed-role/{ROLE}/")),
        "{printed}"
    );
    // Another config's connectors are not the shared server's (the same name may be another
    // connector there): `serve` says whose connectors it serves and starts no second one, and
    // `exec --server` runs its child on a server of its own.
    let other = broker.env.root().join("other.toml");
    std::fs::write(&other, broker.env.config()).expect("write another config");
    let other = other.display().to_string();
    let refused = broker
        .env
        .std_command(&["--config", &other, "serve"])
        .output()
        .expect("run serve with another config");
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let config = std::fs::canonicalize(broker.env.config_path()).unwrap();
    assert!(
        stderr(&refused).contains(&format!("config {}", config.display())),
        "{}",
        stderr(&refused)
    );
    // Nor are other options' (other credentials): a shared server is started with one set.
    let refused = broker
        .env
        .std_command(&["serve", "--region", "eu-west-1"])
        .output()
        .expect("run serve --region");
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("--region eu-west-1"),
        "{}",
        stderr(&refused)
    );
    let exec = broker
        .env
        .std_command(&[
            "--config", &other, "exec", "--server", "c", "--", "sh", "-c", script,
        ])
        .env("AWS_ENDPOINT_URL", moto_url())
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .output()
        .expect("run exec --server with another config");
    assert!(exec.status.success(), "{}", stderr(&exec));
    let printed = stdout(&exec);
    assert!(!printed.contains(&format!("uri={role_uri}\n")), "{printed}");
    assert!(!printed.contains("token=unset\n"), "{printed}");
    assert!(
        printed.contains(&format!(":assumed-role/{ROLE}/")),
        "{printed}"
    );
    let nope = broker
        .env
        .std_command(&["serve", "nope"])
        .output()
        .expect("run serve nope");
    assert!(!nope.status.success());
    assert!(stderr(&nope).contains("nope"), "{}", stderr(&nope));

    let out = serving.stop_with("TERM");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !std::path::Path::new(&serving.token_file).exists(),
        "the token file outlived the server"
    );
    assert_port_closed(serving.port, "SIGTERM");
    broker.finish(&[&sts]);
}

/// A shared server's refusal of a connector it cannot serve: `{"code","message"}`, no credentials.
fn assert_refused_or_failed(body: &str) {
    let value: serde_json::Value = serde_json::from_str(body).expect("the refusal is JSON");
    assert!(
        value["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(!body.contains("AccessKeyId"), "{body}");
}

#[test]
fn a_stale_record_does_not_send_the_token_to_another_users_port() {
    crate::users::require_root();
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], &role_connector(""));
    let other = crate::users::User::create("srvsquat", &[]);
    // The other user holds a port, and writes down whatever reaches it.
    let script = "import socket, sys\n\
        s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(8)\n\
        print(s.getsockname()[1], flush=True)\n\
        s.settimeout(8)\n\
        got = b''\n\
        try:\n\
        \x20   while True:\n\
        \x20       c, _ = s.accept(); c.settimeout(2)\n\
        \x20       try:\n\
        \x20           got += c.recv(65536)\n\
        \x20           c.sendall(b'HTTP/1.1 404 Not Found\\r\\ncontent-length: 2\\r\\n\\r\\n{}')\n\
        \x20       except OSError:\n\
        \x20           pass\n\
        \x20       c.close()\n\
        except OSError:\n\
        \x20   pass\n\
        print(repr(got))\n";
    let mut squatter = other
        .command("/usr/bin/python3")
        .args(["-c", script])
        .stdout(Stdio::piped())
        .spawn()
        .expect("run python3 as the other user");
    let mut out = BufReader::new(squatter.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("the port");
    let port: u16 = line.trim().parse().expect("a port");
    // A record left by a server that is gone, naming that port, and its token.
    let run = broker.env.root().join("state/fedaws/run");
    std::fs::create_dir_all(&run).unwrap();
    let stale_token = "f".repeat(64);
    std::fs::write(run.join("server.token"), &stale_token).unwrap();
    std::fs::write(
        run.join("server.json"),
        format!("{{\"pid\": {}, \"port\": {port}}}", std::process::id()),
    )
    .unwrap();

    let mut serving = Serving::start(&broker, &[]);
    assert_ne!(
        serving.port, port,
        "the squatter's port was taken for the shared server"
    );
    let value = credentials_at(serving.port, "/creds/c", &serving.token);
    assert!(value["AccessKeyId"].is_string());
    let stopped = serving.stop_with("TERM");
    assert_eq!(stopped.status.code(), Some(0), "{}", stderr(&stopped));
    let _ = squatter.wait();
    let mut got = String::new();
    out.read_to_string(&mut got).unwrap();
    assert!(
        !got.contains(&stale_token),
        "the token was sent to the squatter: {got}"
    );
    assert!(
        !got.contains(&serving.token),
        "the token was sent to the squatter: {got}"
    );
    broker.finish(&[&sts]);
}

/// The credentials a `200` answer to `GET path` carried.
fn credentials_at(port: u16, path: &str, token: &str) -> serde_json::Value {
    let (status, body) = try_get_path(port, path, Some(token)).expect("an answer");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("JSON")
}

/// An AWS client finding credentials through the EC2 metadata service at `endpoint` alone.
fn imds_client(broker: &Broker, endpoint: &str, program: &str, args: &[&str]) -> Output {
    let vars = [("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint)];
    aws_client_with(broker, &vars, program, args)
}

/// Send `request` (a whole HTTP/1.1 request) to 127.0.0.1:`port`: the status and the body.
fn raw_request(port: u16, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(ANSWER_TIMEOUT)).unwrap();
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, body.to_string())
}

#[test]
fn imds_v2_feeds_the_aws_cli_and_boto3() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], &role_connector(""));
    let mut serving = Serving::start(&broker, &["--imds", "c"]);
    let endpoint = serving.uri.clone();

    let out = imds_client(
        &broker,
        &endpoint,
        "aws",
        &["sts", "get-caller-identity", "--output", "json"],
    );
    assert!(out.status.success(), "aws through IMDSv2: {}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!(":assumed-role/{ROLE}/")),
        "{}",
        stdout(&out)
    );
    let script = "import boto3; s = boto3.Session(); print(s.get_credentials().method); print(s.client('sts').get_caller_identity()['Arn'])";
    let out = imds_client(&broker, &endpoint, "python3", &["-c", script]);
    assert!(
        out.status.success(),
        "boto3 through IMDSv2: {}",
        stderr(&out)
    );
    let printed = stdout(&out);
    assert!(
        printed.starts_with("iam-role\n"),
        "boto3 did not use the metadata service: {printed}"
    );
    assert!(
        printed.contains(&format!(":assumed-role/{ROLE}/")),
        "{printed}"
    );
    assert_eq!(
        sts.count(),
        1,
        "both clients were served the credentials obtained at start"
    );

    // IMDSv2's rules: a token first, of 1 to 21600 s; nothing forwarded by a proxy.
    let port = serving.port;
    let put = |headers: &str| {
        raw_request(
            port,
            &format!("PUT /latest/api/token HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"),
        )
    };
    let host = format!("Host: 127.0.0.1:{port}\r\n");
    let ttl = "X-aws-ec2-metadata-token-ttl-seconds: 60\r\n";
    assert_eq!(put(&host).0, 400, "no lifetime");
    assert_eq!(
        put(&format!(
            "{host}X-aws-ec2-metadata-token-ttl-seconds: 21601\r\n"
        ))
        .0,
        400
    );
    assert_eq!(
        put(&format!("{host}{ttl}X-Forwarded-For: 10.0.0.1\r\n")).0,
        403
    );
    // A web page the user opens that renamed its host to 127.0.0.1 (DNS rebinding) reaches the
    // port as the user, but names its own host, and its PUT carries an Origin: refused.
    for (headers, what) in [
        (
            format!("Host: rebind.example:{port}\r\n{ttl}"),
            "another host name",
        ),
        (
            format!("{host}{ttl}Origin: http://rebind.example:{port}\r\n"),
            "an Origin",
        ),
    ] {
        let (status, body) = put(&headers);
        assert_eq!(status, 403, "a request with {what}: {body}");
        assert!(body.contains("Forbidden"), "{body}");
    }
    let (status, token) = put(&format!("{host}{ttl}"));
    assert_eq!(status, 200);
    let get = |path: &str, token: &str| {
        raw_request(
            port,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nX-aws-ec2-metadata-token: {token}\r\nConnection: close\r\n\r\n"
            ),
        )
    };
    let list = "/latest/meta-data/iam/security-credentials/";
    assert_eq!(get(list, "wrong").0, 401, "IMDSv1 or a wrong token");
    assert_eq!(get(list, &token), (200, "c".to_string()));
    let (status, body) = get(&format!("{list}c"), &token);
    assert_eq!(status, 200);
    let value: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    for field in [
        "Code",
        "Type",
        "AccessKeyId",
        "SecretAccessKey",
        "Token",
        "Expiration",
        "LastUpdated",
    ] {
        assert!(value[field].is_string(), "{field} missing: {body}");
    }
    assert_eq!(value["Code"], "Success");
    let (status, body) = get("/latest/dynamic/instance-identity/document", &token);
    assert_eq!(status, 200);
    assert!(body.contains("\"region\""), "{body}");

    let out = serving.stop_with("TERM");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    let line = printed
        .lines()
        .find(|l| l.starts_with("export AWS_EC2_METADATA_SERVICE_ENDPOINT="))
        .unwrap_or_else(|| panic!("no endpoint line: {printed}"));
    assert_eq!(
        export_value(line, "AWS_EC2_METADATA_SERVICE_ENDPOINT"),
        endpoint
    );
    broker.finish(&[&sts]);
}

#[test]
fn a_connector_whose_refresh_fails_says_why_and_the_others_keep_serving() {
    let sts = TestServer::moto_recorder();
    let connectors = format!(
        "{}\n[connectors.own]\naccount = \"{{account}}\"\nprincipal = \"federated-user\"\nmax_duration = \"15m\"\n",
        role_connector("max_duration = \"15m\"\n")
    );
    let broker = Broker::new(Some(sts.url()), &[], &connectors);
    broker.set_settings("refresh_margin = \"14m55s\"\n");
    let mut serving = Serving::start(&broker, &[]);
    let first_c = credentials_at(serving.port, "/creds/c", &serving.token);
    let first_own = credentials_at(serving.port, "/creds/own", &serving.token);
    assert_eq!(sts.count(), 2);

    // `own` goes from the config: its next refresh fails; `c` is refreshed ahead, as before.
    let config = broker.env.config();
    let at = config.find("[connectors.own]").expect("the connector");
    broker.env.write_config(&config[..at]);
    sleep_into_margin(&first_c, 895);
    std::thread::sleep(Duration::from_secs(2));
    let (status, body) = try_get_path(serving.port, "/creds/own", Some(&serving.token)).unwrap();
    assert_eq!(status, 500, "{body}");
    let value: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(value["code"], "CredentialsUnavailable", "{body}");
    assert!(
        value["message"].as_str().is_some_and(|m| m.contains("own")),
        "{body}"
    );
    assert!(!body.contains(first_own["SecretAccessKey"].as_str().unwrap()));
    let fresh_c = credentials_at(serving.port, "/creds/c", &serving.token);
    assert_ne!(
        access_key_id(&fresh_c),
        access_key_id(&first_c),
        "c was not refreshed"
    );
    let out = serving.stop_with("TERM");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    broker.finish(&[&sts]);
}

/// Read one HTTP answer off a kept-alive connection: its status, and its body (by its
/// `Content-Length`); `None` when the server closed the connection before answering.
fn read_answer(stream: &mut TcpStream) -> Result<Option<(u16, String)>, String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) if head.is_empty() => return Ok(None),
            Ok(0) => return Err(format!("closed inside a head: {head:?}")),
            Ok(_) => head.push(byte[0]),
            Err(e) if head.is_empty() && e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Ok(None);
            }
            Err(e) => return Err(format!("reading the answer: {e}")),
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream
        .read_exact(&mut body)
        .map_err(|e| format!("reading the body: {e}"))?;
    Ok(Some((status, String::from_utf8_lossy(&body).to_string())))
}

/// How long after `since` the server closed `stream`, waiting at most `limit`; an error when it
/// sent anything instead, or kept it open.
fn closed_after(
    stream: &mut TcpStream,
    since: Instant,
    limit: Duration,
) -> Result<Duration, String> {
    stream
        .set_read_timeout(Some(limit))
        .map_err(|e| e.to_string())?;
    let mut buf = [0u8; 256];
    match stream.read(&mut buf) {
        Ok(0) => Ok(since.elapsed()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(since.elapsed()),
        Ok(n) => Err(format!(
            "the server sent {:?} instead of closing",
            String::from_utf8_lossy(&buf[..n])
        )),
        Err(e) => Err(format!("still open after {:?} ({e})", since.elapsed())),
    }
}

/// Check the bounds every local credential server keeps, on the one at 127.0.0.1:`port` whose
/// credentials are at `path`: a connection that sends nothing is closed within 10 s (and a little
/// slack); one that made an authorized request may idle longer than that, and is closed after
/// 60 s of idling; a head over 16 KiB is refused unanswered; a request without the token is
/// answered and its connection closed. Runs the checks at once; the first failure, if any.
fn keeps_the_bounds(port: u16, token: &str, path: &str) -> Result<(), String> {
    let connect =
        || TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("cannot connect: {e}"));
    let request = |auth: Option<&str>, extra: &str| {
        let mut r = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}");
        if let Some(a) = auth {
            r.push_str(&format!("Authorization: {a}\r\n"));
        }
        r.push_str("\r\n");
        r
    };
    std::thread::scope(|scope| {
        let silent = scope.spawn(|| -> Result<(), String> {
            let mut stream = connect()?;
            let took = closed_after(&mut stream, Instant::now(), Duration::from_secs(30))?;
            if !(Duration::from_secs(9)..Duration::from_secs(16)).contains(&took) {
                return Err(format!(
                    "a silent connection was closed after {took:?}, not ~10 s"
                ));
            }
            Ok(())
        });
        let idle = scope.spawn(|| -> Result<(), String> {
            let mut stream = connect()?;
            stream
                .set_read_timeout(Some(ANSWER_TIMEOUT))
                .map_err(|e| e.to_string())?;
            for round in ["first", "after idling 12 s"] {
                if round != "first" {
                    std::thread::sleep(Duration::from_secs(12));
                }
                stream
                    .write_all(request(Some(token), "").as_bytes())
                    .map_err(|e| format!("{round} request: {e}"))?;
                match read_answer(&mut stream)? {
                    Some((200, body)) if body.contains("AccessKeyId") => {}
                    other => return Err(format!("{round} request with the token: {other:?}")),
                }
            }
            let took = closed_after(&mut stream, Instant::now(), Duration::from_secs(90))?;
            if !(Duration::from_secs(58)..Duration::from_secs(70)).contains(&took) {
                return Err(format!(
                    "an idle connection that had been answered was closed after {took:?}, not ~60 s"
                ));
            }
            Ok(())
        });
        let big = scope.spawn(|| -> Result<(), String> {
            let mut stream = connect()?;
            stream
                .set_read_timeout(Some(ANSWER_TIMEOUT))
                .map_err(|e| e.to_string())?;
            let padding = format!("X-Padding: {}\r\n", "a".repeat(20 * 1024));
            // The server may close before reading it all.
            let _ = stream.write_all(request(Some(token), &padding).as_bytes());
            match read_answer(&mut stream) {
                Ok(None) | Err(_) => {}
                Ok(Some((status, body))) if status >= 400 && !body.contains("AccessKeyId") => {}
                Ok(Some(other)) => return Err(format!("a 20 KiB head was answered: {other:?}")),
            }
            match try_get_path(port, path, Some(token))? {
                (200, _) => Ok(()),
                other => Err(format!("after the 20 KiB head: {other:?}")),
            }
        });
        let stranger = scope.spawn(|| -> Result<(), String> {
            let mut stream = connect()?;
            stream
                .set_read_timeout(Some(ANSWER_TIMEOUT))
                .map_err(|e| e.to_string())?;
            stream
                .write_all(request(None, "").as_bytes())
                .map_err(|e| e.to_string())?;
            match read_answer(&mut stream)? {
                Some((401 | 403, _)) => {}
                other => return Err(format!("a request without the token: {other:?}")),
            }
            let took = closed_after(&mut stream, Instant::now(), Duration::from_secs(5))?;
            if took > Duration::from_secs(2) {
                return Err(format!("refused, then left open {took:?}"));
            }
            Ok(())
        });
        let mut failures = Vec::new();
        for (what, check) in [
            ("silent", silent),
            ("idle", idle),
            ("big head", big),
            ("no token", stranger),
        ] {
            match check.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(format!("{what}: {e}")),
                Err(_) => failures.push(format!("{what}: the check panicked")),
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("; "))
        }
    })
}

#[test]
fn the_shared_server_keeps_the_bounds_of_the_one_connector_server() {
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], &role_connector(""));
    // A port asked for is a server of its own, though a shared server runs.
    let mut shared = Serving::start(&broker, &[]);
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
        .to_string();
    let mut one = Serving::start(&broker, &["c", "--port", &free]);
    assert_eq!(one.port.to_string(), free);
    let (shared_port, shared_token) = (shared.port, shared.token.clone());
    let (one_port, one_token) = (one.port, one.token.clone());
    let checks = [
        std::thread::spawn(move || keeps_the_bounds(shared_port, &shared_token, "/creds/c")),
        std::thread::spawn(move || keeps_the_bounds(one_port, &one_token, "/")),
    ];
    let [shared_result, one_result] = checks.map(|c| c.join().expect("the checks ran"));
    assert_eq!(shared_result, Ok(()), "the shared server");
    assert_eq!(one_result, Ok(()), "the server of one connector");
    for serving in [&mut shared, &mut one] {
        let out = serving.stop_with("TERM");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    broker.finish(&[&sts]);
}
