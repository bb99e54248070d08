//! AWS Management Console sign-in through the federation endpoint.
//!
//! Temporary credentials become a sign-in token (`Action=getSigninToken`), and the token a login
//! URL (`Action=login`) that is valid for 15 minutes and is itself a secret: it is returned as a
//! [`SecretString`] and never logged. Only federated-user and assume-role credentials are
//! accepted by AWS; `SessionDuration` is sent for assume-role only (for federated users the
//! console session lasts as long as the credentials).

use std::path::Path;
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use secrecy::{ExposeSecret, SecretString};

use crate::partition::Partition;
use crate::sts::Issued;

/// The console's home, or one service's page, in a region.
pub fn console_url(region: &str, service: Option<&str>) -> String {
    let host = Partition::of_region(region).console_host(region);
    match service {
        Some(s) => format!("https://{host}/{s}/home?region={region}"),
        None => format!("https://{host}/console/home?region={region}"),
    }
}

/// Percent-encode everything but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `Session` parameter: the credentials as the federation endpoint wants them.
pub fn session_json(creds: &Issued) -> SecretString {
    SecretString::from(
        serde_json::json!({
            "sessionId": creds.access_key_id,
            "sessionKey": creds.secret_access_key.expose_secret(),
            "sessionToken": creds.session_token.expose_secret(),
        })
        .to_string(),
    )
}

/// The `getSigninToken` request URL (holds the credentials).
pub fn token_url(endpoint: &str, creds: &Issued, session_duration: Option<u32>) -> SecretString {
    let mut url = format!(
        "{endpoint}?Action=getSigninToken&Session={}",
        encode(session_json(creds).expose_secret())
    );
    if let Some(d) = session_duration {
        url.push_str(&format!("&SessionDuration={d}"));
    }
    SecretString::from(url)
}

/// The login URL for a sign-in token.
pub fn login_url(
    endpoint: &str,
    issuer: &str,
    destination: &str,
    token: &SecretString,
) -> SecretString {
    SecretString::from(format!(
        "{endpoint}?Action=login&Issuer={}&Destination={}&SigninToken={}",
        encode(issuer),
        encode(destination),
        encode(token.expose_secret())
    ))
}

/// How long the sign-in page must go unread, after something has read it, before it is removed:
/// a launcher such as `xdg-open` may look at the file before the browser does.
pub const PAGE_QUIET: Duration = Duration::from_secs(5);

/// How long the sign-in page is kept at most when nothing reads it.
pub const PAGE_MAX: Duration = Duration::from_secs(120);

/// How long the sign-in page is kept where reads cannot be watched (not Linux).
pub const PAGE_UNWATCHED: Duration = Duration::from_secs(30);

/// The environment variable that makes a `fedaws` process the keeper of one sign-in page (see
/// [`keep_page_if_asked`]); it names the page.
const KEEPER: &str = "FEDAWS_CONSOLE_PAGE";

/// Open `url` in the default browser without putting it in any argv (where every user can read
/// it in `ps`) or environment: it goes into a page that redirects to it, a 0600 file in the
/// private directory `dir` (created 0700), and the browser is given the file's path. Returns as
/// soon as the browser's opener has started: a keeper process of its own, detached, removes the
/// page once the browser has read it (and left it for [`PAGE_QUIET`]), and in any case after
/// [`PAGE_MAX`].
pub fn open_in_browser(url: &SecretString, dir: &Path) -> std::io::Result<()> {
    let mut name = [0u8; 16];
    getrandom::fill(&mut name).map_err(|e| std::io::Error::other(e.to_string()))?;
    let name: String = name.iter().map(|b| format!("{b:02x}")).collect();
    let path = dir.join(format!("console-{name}.html"));
    let page = zeroize::Zeroizing::new(redirect_page(url.expose_secret()));
    let opened = crate::fsutil::no_follow()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, page.as_bytes()))
        .and_then(|()| start_keeper(&path))
        .and_then(|mut keeper| {
            open::that_detached(&path).inspect_err(|_| {
                let _ = keeper.kill();
                let _ = keeper.wait();
            })
        });
    if opened.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    opened
}

/// Start this program again as the keeper of the page at `path`, in a process group of its own
/// (a Ctrl-C at the prompt is not for it), and wait until it watches the page, so that no read
/// by the browser is missed.
fn start_keeper(path: &Path) -> std::io::Result<std::process::Child> {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut command = Command::new(std::env::current_exe()?);
    command
        .env(KEEPER, path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    #[cfg(windows)]
    {
        // DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP: no console, and no Ctrl-C from it.
        std::os::windows::process::CommandExt::creation_flags(&mut command, 0x0000_0208);
    }
    let mut keeper = command.spawn()?;
    let mut line = String::new();
    let ready = keeper
        .stdout
        .take()
        .map(|out| std::io::BufReader::new(out).read_line(&mut line));
    if !matches!(ready, Some(Ok(_))) || line.trim() != "watching" {
        let _ = keeper.kill();
        let _ = keeper.wait();
        return Err(std::io::Error::other(
            "the process that removes the sign-in page did not start",
        ));
    }
    Ok(keeper)
}

/// When this process was started as the keeper of a sign-in page ([`KEEPER`]): watch it, remove
/// it once the browser has read it (or at the latest after [`PAGE_MAX`]), and exit. Called
/// before anything else; it does nothing in any other process.
pub fn keep_page_if_asked() {
    let Some(path) = std::env::var_os(KEEPER).map(std::path::PathBuf::from) else {
        return;
    };
    // Only a page of the kind fedaws writes, never whatever the variable names.
    let ours = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("console-") && n.ends_with(".html"));
    if ours {
        let watch = ReadWatch::new(&path);
        let mut out = std::io::stdout();
        let _ = std::io::Write::write_all(&mut out, b"watching\n");
        let _ = std::io::Write::flush(&mut out);
        match watch {
            Some(watch) => watch.wait(PAGE_QUIET, PAGE_MAX),
            None => std::thread::sleep(PAGE_UNWATCHED),
        }
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            let _ = std::fs::remove_file(&path);
        }
    }
    std::process::exit(0);
}

/// A page that sends the browser on to `url` at once, with a link for browsers without
/// JavaScript or refresh.
fn redirect_page(url: &str) -> String {
    let attr = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    let script = serde_json::Value::from(url)
        .to_string()
        .replace('<', "\\u003c");
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\n<meta http-equiv=\"refresh\" content=\"0;url={attr}\">\n<title>AWS console sign-in</title>\n<script>location.replace({script});</script></head>\n<body><p><a href=\"{attr}\">Continue to the AWS console</a></p></body></html>\n"
    )
}

/// Reads of one file, as inotify reports them (Linux).
#[cfg(target_os = "linux")]
struct ReadWatch {
    fd: rustix::fd::OwnedFd,
}

#[cfg(target_os = "linux")]
impl ReadWatch {
    fn new(path: &Path) -> Option<ReadWatch> {
        use rustix::fs::inotify::{self, CreateFlags, WatchFlags};
        let fd = inotify::init(CreateFlags::CLOEXEC | CreateFlags::NONBLOCK).ok()?;
        inotify::add_watch(&fd, path, WatchFlags::OPEN | WatchFlags::CLOSE_NOWRITE).ok()?;
        Some(ReadWatch { fd })
    }

    /// Wait until the file has been read and then left alone for `quiet`, or `max` in all.
    fn wait(self, quiet: Duration, max: Duration) {
        use rustix::fs::inotify::Reader;
        let started = std::time::Instant::now();
        let mut last_read: Option<std::time::Instant> = None;
        let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 1024];
        loop {
            let mut reader = Reader::new(&self.fd, &mut buf);
            while reader.next().is_ok() {
                last_read = Some(std::time::Instant::now());
            }
            match last_read {
                Some(t) if t.elapsed() >= quiet => return,
                _ if started.elapsed() >= max => return,
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
struct ReadWatch;

#[cfg(not(target_os = "linux"))]
impl ReadWatch {
    fn new(_path: &Path) -> Option<ReadWatch> {
        None
    }

    fn wait(self, _quiet: Duration, _max: Duration) {}
}

/// Why no sign-in token was obtained.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// The endpoint could not be reached.
    #[error("cannot reach the federation endpoint {endpoint}: {detail}")]
    Network {
        /// The endpoint (without the query, which holds secrets).
        endpoint: String,
        /// What failed.
        detail: String,
    },
    /// The endpoint answered with an error.
    #[error("the federation endpoint {endpoint} refused the credentials (HTTP {status}){hint}")]
    Refused {
        /// The endpoint.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// What to check.
        hint: String,
    },
}

/// Ask the federation endpoint for a sign-in token.
pub fn fetch_token(
    endpoint: &str,
    url: &SecretString,
    timeout: Duration,
) -> Result<SecretString, ConsoleError> {
    let network = |detail: String| ConsoleError::Network {
        endpoint: endpoint.to_string(),
        detail,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| network(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| network(format!("no TLS root certificates: {e}")))?
            .https_or_http()
            .enable_http1()
            .build();
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build::<_, Empty<bytes::Bytes>>(connector);
        let uri: hyper::Uri = url
            .expose_secret()
            .parse()
            .map_err(|_| network("the endpoint is not a valid URL".into()))?;
        let response = tokio::time::timeout(timeout, client.get(uri))
            .await
            .map_err(|_| network(format!("no answer within {} s", timeout.as_secs())))?
            .map_err(|e| network(crate::exit::innermost(&e)))?;
        let status = response.status().as_u16();
        let body = tokio::time::timeout(timeout, response.into_body().collect())
            .await
            .map_err(|_| network(format!("no answer within {} s", timeout.as_secs())))?
            .map_err(|e| network(e.to_string()))?
            .to_bytes();
        if status != 200 {
            return Err(ConsoleError::Refused {
                endpoint: endpoint.to_string(),
                status,
                hint: "; the credentials may have expired, or the role's trust or the federated user's policy may not allow console access".into(),
            });
        }
        let value: serde_json::Value = serde_json::from_slice(&body).map_err(|_| ConsoleError::Refused {
            endpoint: endpoint.to_string(),
            status,
            hint: ": the answer was not the expected JSON".into(),
        })?;
        value["SigninToken"]
            .as_str()
            .map(|t| SecretString::from(t.to_string()))
            .ok_or_else(|| ConsoleError::Refused {
                endpoint: endpoint.to_string(),
                status,
                hint: ": the answer had no SigninToken".into(),
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Issued {
        Issued {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: SecretString::from("se/cr+et".to_string()),
            session_token: SecretString::from("to ken".to_string()),
            expiration: jiff::Timestamp::from_second(1_900_000_000).unwrap(),
            arn: None,
            packed_policy_size: None,
            request_id: None,
        }
    }

    #[test]
    fn console_hosts_follow_the_partition() {
        assert_eq!(
            Partition::of_region("cn-north-1").federation_endpoint(),
            "https://signin.amazonaws.cn/federation"
        );
        assert_eq!(
            console_url("eu-central-1", Some("s3")),
            "https://eu-central-1.console.aws.amazon.com/s3/home?region=eu-central-1"
        );
        assert!(
            console_url("us-gov-west-1", None).starts_with("https://console.amazonaws-us-gov.com/")
        );
    }

    #[test]
    fn the_token_request_carries_the_session_and_the_duration_only_when_given() {
        let url = token_url("https://x/federation", &creds(), None);
        let url = url.expose_secret();
        assert!(url.starts_with("https://x/federation?Action=getSigninToken&Session=%7B"));
        assert!(url.contains("sessionKey%22%3A%22se%2Fcr%2Bet"), "{url}");
        assert!(!url.contains("SessionDuration"));
        let url = token_url("https://x/federation", &creds(), Some(3600));
        assert!(url.expose_secret().ends_with("&SessionDuration=3600"));
    }

    #[test]
    fn the_login_url() {
        let url = login_url(
            "https://x/federation",
            "fedaws",
            "https://console/home?a=b",
            &SecretString::from("T/k".to_string()),
        );
        assert_eq!(
            url.expose_secret(),
            "https://x/federation?Action=login&Issuer=fedaws&Destination=https%3A%2F%2Fconsole%2Fhome%3Fa%3Db&SigninToken=T%2Fk"
        );
    }
}
