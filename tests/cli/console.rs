//! `fedaws console` against moto (for the credentials) and a local stand-in for the federation
//! endpoint (for the sign-in token): what `getSigninToken` receives, the login URL printed, the
//! principals AWS refuses, and that no secret reaches stderr.

use std::collections::BTreeMap;
use std::process::Output;
use std::time::Duration;

use crate::common::{contains, stderr, stdout};
use crate::sts_fixture::{Broker, MOTO_ACCOUNT};
use crate::sts_server::{TestServer, answered, free_port, parse_form, scripted_raw};

/// The sign-in token the stand-in hands out: every character but the letters needs encoding in a
/// query.
const SIGNIN_TOKEN: &str = "Fake-Signin_Tok/en+=1&%";
/// [`SIGNIN_TOKEN`] percent-encoded as RFC 3986 wants it.
const SIGNIN_TOKEN_ENCODED: &str = "Fake-Signin_Tok%2Fen%2B%3D1%26%25";

const ROLE_CONNECTOR: &str = "[connectors.role]\naccount = \"{account}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::123456789012:role/ConsoleRole\"\n";
const FED_CONNECTOR: &str =
    "[connectors.fed]\naccount = \"{account}\"\nprincipal = \"federated-user\"\n";
const SESS_CONNECTOR: &str =
    "[connectors.sess]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n";

/// A stand-in for `https://signin.aws.amazon.com/federation`: the tests' HTTP server, answering
/// every request with the same status and body, its requests' targets (path and query) kept.
struct Federation {
    endpoint: String,
    server: TestServer,
}

impl Federation {
    fn start(status: u16, body: String) -> Federation {
        let reason = if status == 200 { "OK" } else { "Forbidden" };
        let server = scripted_raw(
            format!(
                "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        );
        Federation {
            endpoint: format!("{}/federation", server.url()),
            server,
        }
    }

    /// Answers every request with a sign-in token.
    fn ok() -> Federation {
        Federation::start(
            200,
            serde_json::json!({ "SigninToken": SIGNIN_TOKEN }).to_string(),
        )
    }

    /// `METHOD TARGET` of every request so far.
    fn targets(&self) -> Vec<String> {
        self.server
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    /// The query parameters of the one request that arrived since `before` requests; fails
    /// unless exactly one arrived and it was `GET /federation?…`.
    fn one_since(&self, before: usize) -> BTreeMap<String, String> {
        let all = self.targets();
        assert_eq!(
            all.len(),
            before + 1,
            "expected exactly one getSigninToken request, got {}: {all:#?}",
            all.len() - before
        );
        let target = all[before]
            .strip_prefix("GET /federation?")
            .unwrap_or_else(|| {
                panic!(
                    "the request is not GET /federation?…: {}",
                    all[before].split('?').next().unwrap_or_default()
                )
            });
        parse_form(target)
    }
}

/// Fail unless the query of a `getSigninToken` request carries exactly `creds` as its session.
fn assert_session(query: &BTreeMap<String, String>, creds: &(String, String, String)) {
    assert_eq!(
        query.get("Action").map(String::as_str),
        Some("getSigninToken"),
        "{:?}",
        query.keys()
    );
    let session = query.get("Session").expect("no Session parameter");
    let value: serde_json::Value = serde_json::from_str(session)
        .unwrap_or_else(|e| panic!("the Session parameter is not JSON after decoding ({e})"));
    let mut keys: Vec<&String> = value
        .as_object()
        .expect("Session is a JSON object")
        .keys()
        .collect();
    keys.sort();
    assert_eq!(keys, ["sessionId", "sessionKey", "sessionToken"]);
    assert_eq!(value["sessionId"].as_str(), Some(creds.0.as_str()));
    assert!(
        value["sessionKey"].as_str() == Some(creds.1.as_str()),
        "sessionKey is not the secret access key STS issued"
    );
    assert!(
        value["sessionToken"].as_str() == Some(creds.2.as_str()),
        "sessionToken is not the session token STS issued"
    );
}

/// The login URL on stdout: exactly one line, nothing else; returns its raw query parameters
/// (not decoded) after checking it starts with `endpoint?`.
fn login_url(out: &Output, endpoint: &str) -> Vec<(String, String)> {
    let text = stdout(out);
    assert!(
        text.ends_with('\n') && text.lines().count() == 1,
        "stdout is not exactly one line"
    );
    let url = text.trim_end();
    let query = url
        .strip_prefix(&format!("{endpoint}?"))
        .unwrap_or_else(|| panic!("the URL does not start with {endpoint}?"));
    query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// Fail unless the login URL's parameters are Action=login, `issuer`, `destination` and the
/// stand-in's token, each percent-encoded.
fn assert_login(params: &[(String, String)], issuer: &str, destination: &str) {
    let names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        ["Action", "Issuer", "Destination", "SigninToken"],
        "the login URL's parameters"
    );
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(get("Action"), "login");
    for name in ["Issuer", "Destination"] {
        let raw = get(name);
        assert!(
            !raw.contains([':', '/', '?', '=', '&', ' ']),
            "{name} is not percent-encoded: {raw}"
        );
    }
    let decoded = |name: &str| parse_form(&format!("x={}", get(name)))["x"].clone();
    assert_eq!(decoded("Issuer"), issuer);
    assert_eq!(decoded("Destination"), destination);
    assert!(
        get("SigninToken") == SIGNIN_TOKEN_ENCODED,
        "SigninToken is not the stand-in's token, percent-encoded"
    );
}

/// Percent-encode all but RFC 3986's unreserved characters, as fedaws does.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Fail when a console run's stderr holds the sign-in token, the login URL or the token request.
fn assert_quiet(out: &Output, step: &str) {
    for needle in [
        SIGNIN_TOKEN,
        SIGNIN_TOKEN_ENCODED,
        "Action=login",
        "SigninToken=",
        "Session=",
        "sessionKey",
        "sessionToken",
    ] {
        assert!(
            !contains(&out.stderr, needle.as_bytes()),
            "`{step}` printed {needle:?} on stderr:\n{}",
            stderr(out)
        );
    }
}

/// A broker whose settings point the sign-in endpoint at `federation`.
fn broker(sts: &TestServer, federation: &str, connectors: &str) -> Broker {
    let broker = Broker::new(Some(sts.url()), &[], connectors);
    broker.set_settings(&format!("federation_endpoint = \"{federation}\"\n"));
    broker
}

/// Run `fedaws console ARGS…`, which must succeed without leaking anything on stderr.
fn console_ok(broker: &Broker, args: &[&str]) -> Output {
    let mut argv = vec!["console"];
    argv.extend_from_slice(args);
    let out = broker.run(&argv);
    assert!(
        out.status.success(),
        "`fedaws {}` failed ({}):\n{}",
        argv.join(" "),
        out.status,
        stderr(&out)
    );
    assert_quiet(&out, &argv.join(" "));
    out
}

#[test]
fn assume_role_console_url_carries_the_session_and_its_duration() {
    let sts = TestServer::moto_recorder();
    let federation = Federation::ok();
    let broker = broker(&sts, &federation.endpoint, ROLE_CONNECTOR);
    let home = "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1";

    let out = console_ok(&broker, &["role", "--duration", "2h"]);
    let request = sts.only();
    assert_eq!(request.action(), "AssumeRole");
    let creds = answered(&request);
    let query = federation.one_since(0);
    assert_session(&query, &creds);
    assert_eq!(
        query.get("SessionDuration").map(String::as_str),
        Some("7200"),
        "an assume-role --duration 2h is the console session"
    );
    let mut names: Vec<&String> = query.keys().collect();
    names.sort();
    assert_eq!(names, ["Action", "Session", "SessionDuration"]);
    assert_login(&login_url(&out, &federation.endpoint), "fedaws", home);

    // `creds` is served from the cache `console` filled: the same credentials.
    let json = broker.ok(&["creds", "role", "--format", "json"]);
    assert_eq!(sts.count(), 1, "creds after console called STS again");
    let value: serde_json::Value = serde_json::from_str(&json).expect("creds prints JSON");
    assert_eq!(value["AccessKeyId"].as_str(), Some(creds.0.as_str()));
    assert!(value["SecretAccessKey"].as_str() == Some(creds.1.as_str()));
    assert!(value["SessionToken"].as_str() == Some(creds.2.as_str()));

    // A service's page and a custom issuer.
    let issuer = "https://idp.example.com/back?to=fedaws&x=1";
    let out = console_ok(&broker, &["role", "--service", "s3", "--issuer", issuer]);
    assert_session(&federation.one_since(1), &creds);
    assert_login(
        &login_url(&out, &federation.endpoint),
        issuer,
        "https://us-east-1.console.aws.amazon.com/s3/home?region=us-east-1",
    );

    // A destination is taken verbatim.
    let destination = "https://console.aws.amazon.com/billing/home?a=b&c=d#/bills";
    let out = console_ok(
        &broker,
        &["role", "--destination", destination, "--duration", "15m"],
    );
    let query = federation.one_since(2);
    assert_session(&query, &creds);
    assert_eq!(
        query.get("SessionDuration").map(String::as_str),
        Some("900")
    );
    assert_login(
        &login_url(&out, &federation.endpoint),
        "fedaws",
        destination,
    );
    assert_eq!(
        sts.count(),
        1,
        "console's --duration is the console session for assume-role, not the credentials' lifetime"
    );
    assert!(
        request
            .param("RoleArn")
            .is_some_and(|a| a.starts_with(&format!("arn:aws:iam::{MOTO_ACCOUNT}:role/"))),
        "{:?}",
        request.param("RoleArn")
    );
    broker.finish(&[&sts]);
}

#[test]
fn federated_user_console_never_sends_a_session_duration() {
    let sts = TestServer::moto_recorder();
    let federation = Federation::ok();
    let broker = broker(&sts, &federation.endpoint, FED_CONNECTOR);

    let out = console_ok(&broker, &["fed"]);
    let request = sts.only();
    assert_eq!(request.action(), "GetFederationToken");
    let query = federation.one_since(0);
    assert_session(&query, &answered(&request));
    assert_eq!(
        query.get("SessionDuration"),
        None,
        "SessionDuration sent for a federated user"
    );
    assert_login(
        &login_url(&out, &federation.endpoint),
        "fedaws",
        "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1",
    );

    // --duration is the federation token's lifetime instead.
    let out = console_ok(&broker, &["fed", "--duration", "2h"]);
    assert_eq!(sts.count(), 2, "a new duration needs new credentials");
    let request = sts.requests().pop().expect("an STS request");
    assert_eq!(request.action(), "GetFederationToken");
    assert_eq!(
        request.param("DurationSeconds").as_deref(),
        Some("7200"),
        "--duration 2h did not become the federation token's DurationSeconds"
    );
    let query = federation.one_since(1);
    assert_session(&query, &answered(&request));
    assert_eq!(
        query.get("SessionDuration"),
        None,
        "SessionDuration sent for a federated user with --duration"
    );
    let names: Vec<&String> = query.keys().collect();
    assert_eq!(names, ["Action", "Session"]);
    login_url(&out, &federation.endpoint);
    broker.finish(&[&sts]);
}

#[test]
fn iam_user_console_is_refused_with_an_explanation() {
    let sts = TestServer::moto_recorder();
    let federation = Federation::ok();
    let broker = broker(&sts, &federation.endpoint, SESS_CONNECTOR);

    let out = broker.run(&["console", "sess"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(&out));
    let err = stderr(&out);
    for needle in [
        "GetSessionToken",
        "console",
        "federated-user",
        "assume-role",
    ] {
        assert!(
            err.contains(needle),
            "stderr does not name {needle}:\n{err}"
        );
    }
    assert_eq!(
        federation.targets().len(),
        0,
        "a request reached the endpoint"
    );
    assert_eq!(sts.count(), 0, "a refused console still called STS");
    broker.finish(&[&sts]);
}

#[test]
fn a_refusing_or_unreachable_endpoint_fails_without_leaking() {
    let sts = TestServer::moto_recorder();
    let federation = Federation::start(403, "<html>Forbidden</html>".to_string());
    let broker = broker(&sts, &federation.endpoint, ROLE_CONNECTOR);

    let out = broker.run(&["console", "role", "--duration", "1h"]);
    assert!(!out.status.success(), "a 403 from the endpoint succeeded");
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "stdout is not empty after a 403");
    assert_quiet(&out, "console role (403)");
    let query = federation.one_since(0);
    let creds = answered(&sts.only());
    assert_session(&query, &creds);
    // Neither the secrets nor their encoded forms (as in the token request URL) on stderr.
    for secret in [&creds.1, &creds.2] {
        let encoded = percent_encode(secret);
        for needle in [secret.as_str(), encoded.as_str()] {
            assert!(
                !contains(&out.stderr, needle.as_bytes()),
                "stderr holds a secret:\n{}",
                stderr(&out)
            );
        }
    }

    // An endpoint nobody listens on: a network failure, equally quiet.
    let unreachable = format!("http://127.0.0.1:{}/federation", free_port());
    let config = broker.env.config();
    assert!(config.contains(&federation.endpoint));
    broker
        .env
        .write_config(&config.replace(&federation.endpoint, &unreachable));
    let out = broker.run(&["console", "role"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert_quiet(&out, "console role (unreachable)");
    assert_eq!(federation.targets().len(), 1);
    broker.finish(&[&sts]);
}

#[test]
fn open_hands_the_browser_a_private_page_never_the_url() {
    let sts = TestServer::moto_recorder();
    let federation = Federation::ok();
    let broker = broker(&sts, &federation.endpoint, ROLE_CONNECTOR);
    // A stand-in for the browser launcher: it records its argv, the modes of the file it was
    // given and of its directory, and the page itself, as a browser would read it.
    let bin = broker.env.root().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir bin");
    let seen = broker.env.root().join("seen");
    // Like a browser, it reads the page a while after it was started.
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > {seen}.argv\nstat -c %a \"$1\" > {seen}.mode\nstat -c %a \"$(dirname \"$1\")\" > {seen}.dirmode\nsleep 2\ncat \"$1\" > {seen}.page.part && mv {seen}.page.part {seen}.page\n",
        seen = seen.display()
    );
    for launcher in ["xdg-open", "gio", "gnome-open", "kde-open", "wslview"] {
        let path = bin.join(launcher);
        std::fs::write(&path, &script).expect("write the launcher");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = broker.env.root().join("run");
    std::fs::create_dir_all(&run).expect("mkdir run");
    let started = std::time::Instant::now();
    let out = broker.run_with(
        &["console", "role", "--open"],
        &[
            ("PATH", path.as_str()),
            ("XDG_RUNTIME_DIR", &run.display().to_string()),
        ],
    );
    assert!(out.status.success(), "console --open: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "console --open printed the URL");
    assert_quiet(&out, "console role --open");
    // The prompt is back once the browser is started: the page is removed by a keeper of
    // its own, after the browser read it.
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "console --open waited {:?}",
        started.elapsed()
    );
    let page_file = std::path::PathBuf::from(format!("{}.page", seen.display()));
    let waited = std::time::Instant::now();
    while !page_file.exists() {
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "the launcher never read the page"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let read = |ext: &str| {
        std::fs::read_to_string(format!("{}.{ext}", seen.display()))
            .unwrap_or_else(|e| panic!("the launcher did not run ({ext}: {e})"))
    };
    let argv = read("argv");
    for needle in [
        SIGNIN_TOKEN,
        SIGNIN_TOKEN_ENCODED,
        "SigninToken",
        "Action=login",
    ] {
        assert!(
            !argv.contains(needle),
            "the launcher's argv holds {needle:?}: {argv}"
        );
    }
    let page_path = argv.lines().next().expect("a path").to_string();
    assert!(
        page_path.starts_with(&run.join("fedaws").display().to_string()),
        "the page is not in $XDG_RUNTIME_DIR/fedaws: {page_path}"
    );
    assert_eq!(read("mode").trim(), "600", "the page's mode");
    assert_eq!(read("dirmode").trim(), "700", "its directory's mode");
    let page = read("page");
    assert!(
        page.contains(&format!("SigninToken={SIGNIN_TOKEN_ENCODED}"))
            && page.contains("Action=login"),
        "the page does not lead to the login URL"
    );
    // Removed once the browser has left it alone for a few seconds.
    let waited = std::time::Instant::now();
    while std::path::Path::new(&page_path).exists() {
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "the page holding the sign-in token is still on disk"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::remove_file(format!("{}.page", seen.display())).expect("rm the copy");
    broker.finish(&[&sts]);
}
