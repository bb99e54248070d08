//! How fedaws reaches a Vault or OpenBao server, and what a server must prove before it is given
//! a token, a secret id or an account's keys.
//!
//! An address is one of three transports, parsed once from `settings.vault.addresses` (or
//! `VAULT_ADDR`/`BAO_ADDR`):
//!
//! - `https://`: the server proves itself with a certificate signed by `settings.vault.ca_cert`
//!   (or the system's roots);
//! - `unix:///path`: a socket on this host, proven by who made it: it must be the caller's (the
//!   broker's user) or root's, in directories nobody else can change, so that nobody can put a
//!   socket of their own in its place between the check and the connection;
//! - `http://` to a loopback address, only with `settings.vault.insecure_http = true`: it proves
//!   nothing, since any local user who binds the port first answers. The store asks such an
//!   address for its health, without a token, before it sends it anything else (see `send` in
//!   the parent module).
//!
//! Without `insecure_http` the client cannot speak plain HTTP at all. The HTTP is hyper's, with
//! the rustls fedaws already builds for the console and the credential server: the pooled client
//! for TCP, a one-request connection (`hyper::client::conn::http1`) for a Unix socket.

use std::fmt;
use std::path::Path;
#[cfg(unix)]
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use serde_json::Value;

use crate::secret::{Backend, StoreError};
use crate::trust::{self, Role};

/// How long a connection to one server may take before the next is tried.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one request to one server may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read from a server (a KV secret is well below it).
const MAX_ANSWER: usize = 1 << 20;

/// One server and the transport that reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// `https://…`: a verified certificate proves who answers.
    Https(String),
    /// `http://` to a loopback address, allowed by `insecure_http`: nothing proves who answers.
    Http(String),
    /// `unix:///path`: the socket's owner and the directories above it say who answers.
    #[cfg(unix)]
    Unix(PathBuf),
}

impl Address {
    /// Whether the transport itself proves who answers. An address that does not is asked for
    /// its health before anything else (see the parent module's `send`).
    pub fn proven(&self) -> bool {
        !matches!(self, Address::Http(_))
    }

    /// A request to `path` (`/v1/…`) on this server.
    pub fn request(&self, method: &str, path: &str) -> hyper::http::request::Builder {
        let builder = hyper::Request::builder()
            .method(method)
            .header("accept", "application/json");
        match self {
            Address::Https(url) | Address::Http(url) => {
                builder.uri(format!("{}{path}", url.trim_end_matches('/')))
            }
            // HTTP/1.1 wants a Host; a socket has none, so any name does (Vault ignores it).
            #[cfg(unix)]
            Address::Unix(_) => builder.uri(path).header("host", "localhost"),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Https(url) | Address::Http(url) => f.write_str(url),
            #[cfg(unix)]
            Address::Unix(path) => write!(f, "unix://{}", path.display()),
        }
    }
}

/// Why an address was refused: what is wrong with it, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressError {
    /// What is wrong, to follow `FIELD = "VALUE"`.
    pub problem: String,
    /// What to do about it.
    pub fix: String,
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.problem, self.fix)
    }
}

/// Parse one server address. `http://` needs `insecure_http` and a loopback host; `unix://`
/// an absolute path (as `VAULT_ADDR` takes it: `unix:///run/vault/vault.sock`).
pub fn parse_address(text: &str, insecure_http: bool) -> Result<Address, AddressError> {
    let refuse = |problem: &str, fix: &str| AddressError {
        problem: problem.into(),
        fix: fix.into(),
    };
    if let Some(path) = text.strip_prefix("unix://") {
        return unix_address(path);
    }
    let (plain, rest) = match (text.strip_prefix("http://"), text.strip_prefix("https://")) {
        (Some(rest), _) => (true, rest),
        (_, Some(rest)) => (false, rest),
        _ => {
            return Err(refuse(
                "is not an https://, unix:// or http:// address",
                "give the servers' URLs, like https://vault.example.com:8200, or a socket, like unix:///run/vault/vault.sock",
            ));
        }
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() || text.contains(char::is_whitespace) || authority.contains('@') {
        return Err(refuse(
            "is not a server URL with a host",
            "give one like https://vault.example.com:8200",
        ));
    }
    if !plain {
        return Ok(Address::Https(text.to_string()));
    }
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return Err(refuse(
            "would send the Vault token and the accounts' keys unencrypted across the network",
            "use https:// (with settings.vault.ca_cert for a private CA)",
        ));
    }
    if !insecure_http {
        return Err(refuse(
            "is plain http://, which proves nothing of who answers: any local user who binds that port first would be given the Vault token, the AppRole secret id and the accounts' keys",
            "use https:// (with settings.vault.ca_cert for a private CA) or the server's unix:// socket; only for a dev server on this host, set settings.vault.insecure_http = true",
        ));
    }
    Ok(Address::Http(text.to_string()))
}

#[cfg(unix)]
fn unix_address(path: &str) -> Result<Address, AddressError> {
    if !path.starts_with('/') || path.contains('\0') {
        return Err(AddressError {
            problem: "is not a socket's absolute path after unix://".into(),
            fix: "give it like unix:///run/vault/vault.sock (three slashes)".into(),
        });
    }
    Ok(Address::Unix(PathBuf::from(path)))
}

#[cfg(not(unix))]
fn unix_address(_path: &str) -> Result<Address, AddressError> {
    Err(AddressError {
        problem: "is a Unix socket, and this system has none".into(),
        fix: "give the servers' https:// URLs".into(),
    })
}

/// Why a socket may not be given anything: the reason, and the fix.
#[cfg(unix)]
pub struct SocketRefusal {
    /// What is wrong.
    pub reason: String,
    /// What to set or change.
    pub hint: String,
}

/// Check, before each connection, that the socket at `path` is the caller's or root's and that
/// nobody else can change the directories above it (see [`trust::check_own_socket`]).
#[cfg(unix)]
pub fn check_socket(path: &Path) -> Result<(), SocketRefusal> {
    use trust::Flaw;
    let e = match trust::check_own_socket(path, Role::VaultSocket) {
        Ok(()) => return Ok(()),
        Err(e) => e,
    };
    let uid = crate::identity::current_uid();
    let me = crate::identity::current_user().unwrap_or_else(|| format!("uid {uid}"));
    // Who may own the socket and the directories above it.
    let owners = if uid == 0 {
        "root".to_string()
    } else {
        format!("root or {me}")
    };
    let culprit = e.culprit.display();
    let at_socket = !std::fs::metadata(&e.culprit).is_ok_and(|m| m.is_dir());
    let mode = e.mode & 0o7777;
    let (reason, hint) = match &e.flaw {
        Flaw::Unreadable(why) => (
            format!("cannot inspect {culprit} ({why})"),
            "check that the server runs and that its listener \"unix\" address is this path".into(),
        ),
        Flaw::Kind => (
            format!("{culprit} is not a socket"),
            "give the path of the server's listener \"unix\" socket".into(),
        ),
        Flaw::Owner if at_socket => (
            format!(
                "{culprit} is owned by {}, not by {owners}, and {}",
                e.owner,
                Role::VaultSocket.stake()
            ),
            format!(
                "have the server make it as {owners}: in its listener \"unix\" block set socket_user = \"{me}\" with socket_group and socket_mode = \"0600\" (Vault and OpenBao apply the three only together), or run it as root; and keep the socket in a directory only {owners} can change"
            ),
        ),
        Flaw::Owner => (
            format!(
                "the directory {culprit} above it is owned by {}, who could put another socket in its place",
                e.owner
            ),
            format!(
                "move the socket (the address of the server's listener \"unix\" block) to a directory owned by {owners} that others cannot write, such as /run/openbao"
            ),
        ),
        Flaw::Writable | Flaw::Readable => (
            format!(
                "the directory {culprit} above it (owner {}, mode {mode:04o}) may be written by others, who could put another socket in its place",
                e.owner
            ),
            format!(
                "run `chmod go-w {culprit}`, or move the socket (the address of the server's listener \"unix\" block) to a directory only {owners} can change"
            ),
        ),
    };
    Err(SocketRefusal {
        reason: format!("{reason}; nothing was sent"),
        hint,
    })
}

/// Why a server gave no answer.
pub enum Failure {
    /// The request never reached it (no connection): safe to send elsewhere.
    NotReached(String),
    /// It was sent, but no whole answer came back in time.
    Lost(String),
}

type TcpClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    Full<bytes::Bytes>,
>;

/// The connections to the servers: a pooled HTTPS (and, with `insecure_http`, HTTP) client for
/// TCP addresses; a connection of its own per request for a Unix socket.
pub struct Transport {
    tcp: TcpClient,
}

impl Transport {
    /// Trust `ca_cert` when given, else the system's roots; speak plain HTTP only when
    /// `plain_http` (`insecure_http`) allows it.
    pub fn new(ca_cert: Option<&Path>, plain_http: bool) -> Result<Transport, StoreError> {
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        let builder = match ca_cert {
            None => builder
                .with_native_roots()
                .map_err(|e| StoreError::Unavailable {
                    backend: Backend::Vault,
                    reason: format!("no TLS root certificates: {e}"),
                    hint: "install the system's CA certificates, or set settings.vault.ca_cert"
                        .into(),
                })?,
            Some(path) => builder.with_tls_config(tls_config(path)?),
        };
        let builder = if plain_http {
            builder.https_or_http()
        } else {
            builder.https_only()
        };
        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        http.enforce_http(false);
        let connector = builder.enable_http1().wrap_connector(http);
        Ok(Transport {
            tcp: hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(30))
                .build(connector),
        })
    }

    /// One request to one server, within [`REQUEST_TIMEOUT`] in all: the status and the JSON
    /// body (`Null` when there is none; at most [`MAX_ANSWER`] bytes), or why there was no
    /// answer. A Unix socket must have passed [`check_socket`] first.
    pub async fn exchange(
        &self,
        address: &Address,
        request: hyper::Request<Full<bytes::Bytes>>,
    ) -> Result<(u16, Value), Failure> {
        let whole = async {
            let response = match address {
                Address::Https(_) | Address::Http(_) => {
                    self.tcp.request(request).await.map_err(|e| {
                        if e.is_connect() {
                            Failure::NotReached(crate::exit::innermost(&e))
                        } else {
                            Failure::Lost(crate::exit::innermost(&e))
                        }
                    })?
                }
                #[cfg(unix)]
                Address::Unix(path) => over_socket(path, request).await?,
            };
            let status = response.status().as_u16();
            let body = http_body_util::Limited::new(response.into_body(), MAX_ANSWER)
                .collect()
                .await
                .map_err(|e| Failure::Lost(format!("the answer could not be read: {e}")))?
                .to_bytes();
            Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
        };
        tokio::time::timeout(REQUEST_TIMEOUT, whole)
            .await
            .map_err(|_| {
                Failure::Lost(format!("no answer within {} s", REQUEST_TIMEOUT.as_secs()))
            })?
    }
}

/// One request on a connection of its own to the socket at `path`.
#[cfg(unix)]
async fn over_socket(
    path: &Path,
    request: hyper::Request<Full<bytes::Bytes>>,
) -> Result<hyper::Response<hyper::body::Incoming>, Failure> {
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::UnixStream::connect(path))
        .await
        .map_err(|_| {
            Failure::NotReached(format!(
                "no connection within {} s",
                CONNECT_TIMEOUT.as_secs()
            ))
        })?
        .map_err(|e| Failure::NotReached(e.to_string()))?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| Failure::NotReached(crate::exit::innermost(&e)))?;
    // The connection is driven beside the request, and ends when the answer has been read and
    // `sender` dropped.
    tokio::spawn(connection);
    sender
        .send_request(request)
        .await
        .map_err(|e| Failure::Lost(crate::exit::innermost(&e)))
}

/// A TLS configuration trusting only the CA certificates in `path`, a file only the caller or
/// root can change.
fn tls_config(path: &Path) -> Result<rustls::ClientConfig, StoreError> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let cannot = |why: String| StoreError::Unavailable {
        backend: Backend::Vault,
        reason: format!(
            "the CA certificates {} (settings.vault.ca_cert, VAULT_CACERT or BAO_CACERT): {why}",
            path.display()
        ),
        hint: "give a PEM file of the CA certificates that signed the servers' certificates".into(),
    };
    let pem = trust::read_bytes(path, Role::CaCert).map_err(|e| cannot(e.to_string()))?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| cannot(format!("not PEM certificates ({e})")))?;
        roots
            .add(cert)
            .map_err(|e| cannot(format!("a certificate was refused ({e})")))?;
    }
    if roots.is_empty() {
        return Err(cannot("holds no certificate".into()));
    }
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| cannot(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_unix_sockets_prove_who_answers_plain_http_needs_insecure_http() {
        for good in [
            "https://vault.example.com:8200",
            "https://10.0.0.5",
            "https://[::1]:8200",
        ] {
            let a = parse_address(good, false).unwrap();
            assert!(a.proven(), "{good}");
            assert_eq!(a.to_string(), good);
        }
        for dev in [
            "http://127.0.0.1:8200",
            "http://[::1]:8200/",
            "http://localhost:8200",
        ] {
            let e = parse_address(dev, false).unwrap_err();
            assert!(
                e.fix.contains("settings.vault.insecure_http = true")
                    && e.problem.contains("any local user"),
                "{dev}: {e}"
            );
            let a = parse_address(dev, true).unwrap();
            assert!(!a.proven(), "{dev}");
        }
        for bad in [
            "http://vault.example.com:8200",
            "http://10.0.0.5:8200",
            "http://127.0.0.1.evil.example:8200",
        ] {
            let e = parse_address(bad, true).unwrap_err();
            assert!(e.problem.contains("unencrypted"), "{bad}: {e}");
        }
        for bad in [
            "vault:8200",
            "https://",
            "https://user@vault.example.com",
            "unix://run/vault.sock",
            "unix://",
        ] {
            assert!(parse_address(bad, true).is_err(), "{bad}");
        }
        #[cfg(unix)]
        {
            let a = parse_address("unix:///run/vault/vault.sock", false).unwrap();
            assert_eq!(a, Address::Unix(PathBuf::from("/run/vault/vault.sock")));
            assert_eq!(a.to_string(), "unix:///run/vault/vault.sock");
            assert!(a.proven());
        }
    }
}
