//! The `vault` backend: account keys in HashiCorp Vault or OpenBao, KV secrets engine version 2,
//! so that many hosts (each with its own broker) read the same accounts from one replicated,
//! audited place instead of a copy each.
//!
//! An account is one secret at `<mount>/data/<prefix>/accounts/<name>` whose data holds
//! `access_key_id` and `secret_access_key`; its metadata carries the key id (not a secret) in
//! `custom_metadata`, so listing accounts reads metadata only. A key rotation writes a new
//! version. Nothing else is written under the mount: issued credentials are cached locally.
//!
//! The client is the HTTP API through the hyper and rustls fedaws already builds for the console
//! and the credential server: no new TLS stack, no second HTTP client. Servers are tried in the
//! order of `addresses`; one that cannot be reached, is sealed or is a standby without an active
//! node is passed over for the next. The token (from `VAULT_TOKEN`/`BAO_TOKEN`, a token file, or
//! an AppRole login) is kept for the life of the process, renewed by a broker before it expires
//! ([`SecretStore::keep_alive`]) and, with AppRole, replaced by a new login when it has expired or
//! was refused. No token, secret id or secret ever reaches a message.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::{Backend, Described, EntryInfo, SecretStore, StoreError};
use crate::trust::{self, Role};

/// How long a connection to one server may take before the next is tried.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one request to one server may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of its life a renewable token may have left before a broker renews it.
const RENEW_AT: f64 = 0.5;

/// Where the accounts are and how to log in, from `[settings.vault]` and the environment.
#[derive(Debug, Clone, Default)]
pub struct VaultSpec {
    /// Server URLs, tried in order.
    pub addresses: Vec<String>,
    /// The KV v2 mount.
    pub mount: String,
    /// The path under the mount that fedaws's secrets live below.
    pub prefix: String,
    /// The namespace (Vault Enterprise, OpenBao), sent as `X-Vault-Namespace`.
    pub namespace: Option<String>,
    /// A PEM file of the CA certificates to trust instead of the system's.
    pub ca_cert: Option<PathBuf>,
    /// How fedaws gets a token.
    pub auth: VaultAuth,
}

/// How fedaws gets a token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum VaultAuth {
    /// `VAULT_TOKEN`/`BAO_TOKEN`, else this file (`settings.vault.token_file`, else
    /// `~/.vault-token`).
    #[default]
    Token,
    /// A token file to read when the environment has none.
    TokenFile(PathBuf),
    /// An AppRole login.
    AppRole {
        /// The role's id (not a secret on its own).
        role_id: String,
        /// The file holding the secret id, read at each login.
        secret_id_file: PathBuf,
        /// Where the AppRole auth method is mounted.
        mount: String,
    },
}

/// A token and what is known of its life.
struct Token {
    value: SecretString,
    /// How long it lived when issued or last renewed; `None` until looked up.
    ttl: Option<Duration>,
    /// When it expires; `None` for a token that does not (or is not yet looked up).
    expires: Option<Instant>,
    renewable: bool,
}

/// The tokens of this process, one per server set and login, so that a broker's many short-lived
/// store handles share one login.
static TOKENS: LazyLock<Mutex<HashMap<String, Token>>> = LazyLock::new(Default::default);

/// The answer of one server.
struct Answer {
    address: String,
    status: u16,
    body: Value,
}

/// Account keys in Vault or OpenBao.
pub struct VaultStore {
    spec: VaultSpec,
    session: String,
    runtime: tokio::runtime::Runtime,
    client: Client,
}

type Client = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    Full<bytes::Bytes>,
>;

impl VaultStore {
    /// A store for the account keys; `service` must be the accounts' (issued credentials are
    /// never written to Vault). Nothing is sent until the first read or write.
    pub fn open(spec: &VaultSpec, service: &'static str) -> Result<VaultStore, StoreError> {
        if service != super::SERVICE {
            return Err(StoreError::Unavailable {
                backend: Backend::Vault,
                reason: "it keeps account keys only; issued credentials are never written to Vault".into(),
                hint: "cache credentials locally: leave settings.cache unset, or set it to keyutils, file or none".into(),
            });
        }
        if spec.addresses.is_empty() {
            return Err(StoreError::Unavailable {
                backend: Backend::Vault,
                reason: "no server address".into(),
                hint: "set settings.vault.addresses, or VAULT_ADDR (or BAO_ADDR)".into(),
            });
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| unavailable(format!("cannot start the async runtime: {e}")))?;
        let client = client(spec)?;
        let session = format!(
            "{}|{}|{:?}",
            spec.addresses.join(","),
            spec.namespace.as_deref().unwrap_or(""),
            spec.auth
        );
        Ok(VaultStore {
            spec: spec.clone(),
            session,
            runtime,
            client,
        })
    }

    /// The KV path of an account's secret below `<mount>/data/` or `<mount>/metadata/`.
    fn account_path(&self, key: &str) -> Result<String, StoreError> {
        let name = key
            .strip_prefix("account:")
            .filter(|n| !n.is_empty() && !n.contains('/') && *n != "." && *n != "..")
            .ok_or_else(|| StoreError::Failed {
                backend: Backend::Vault,
                action: "address",
                key: key.to_string(),
                reason: "only account keys are kept in Vault".into(),
            })?;
        Ok(format!("{}/accounts/{name}", self.spec.prefix))
    }

    fn data_url(&self, path: &str) -> String {
        format!("/v1/{}/data/{path}", self.spec.mount)
    }

    fn metadata_url(&self, path: &str) -> String {
        format!("/v1/{}/metadata/{path}", self.spec.mount)
    }

    /// Send a request with the token, logging in again once when an AppRole token was refused.
    /// 403 after that is the token's policy.
    fn authorized(
        &self,
        method: &str,
        url: &str,
        body: Option<Value>,
        action: &'static str,
    ) -> Result<Answer, StoreError> {
        let token = self.token()?;
        let answer = self.send(method, url, body.clone(), Some(&token))?;
        if answer.status != 403 {
            return Ok(answer);
        }
        if matches!(self.spec.auth, VaultAuth::AppRole { .. }) {
            self.forget_token();
            let token = self.token()?;
            let again = self.send(method, url, body, Some(&token))?;
            if again.status != 403 {
                return Ok(again);
            }
            return Err(self.denied(&again, action, url));
        }
        Err(self.denied(&answer, action, url))
    }

    fn denied(&self, answer: &Answer, action: &str, url: &str) -> StoreError {
        let path = url.trim_start_matches("/v1/");
        let token_from = match &self.spec.auth {
            VaultAuth::AppRole { .. } => "the AppRole's token",
            _ => "the token",
        };
        StoreError::Refused {
            backend: Backend::Vault,
            message: format!(
                "vault at {} refused to {action} {path}: {token_from}'s policy does not allow it ({})",
                answer.address,
                errors_of(&answer.body).unwrap_or_else(|| "permission denied".into())
            ),
            hint: format!(
                "grant {} on {path} in the token's policy (see the README's Vault policies), or check that the token has not expired",
                match action {
                    "read" => "\"read\"",
                    "list" => "\"list\"",
                    "delete" => "\"delete\"",
                    _ => "\"create\" and \"update\"",
                }
            ),
        }
    }

    /// The token of this process's session with these servers: the one in hand, else a new
    /// one from the environment, a file or a login.
    fn token(&self) -> Result<SecretString, StoreError> {
        {
            let tokens = TOKENS.lock().expect("vault tokens");
            if let Some(t) = tokens.get(&self.session) {
                let expired = t
                    .expires
                    .is_some_and(|at| at <= Instant::now() + Duration::from_secs(2));
                if !(expired && matches!(self.spec.auth, VaultAuth::AppRole { .. })) {
                    return Ok(t.value.clone());
                }
            }
        }
        let token = match &self.spec.auth {
            VaultAuth::AppRole {
                role_id,
                secret_id_file,
                mount,
            } => self.login(role_id, secret_id_file, mount)?,
            VaultAuth::Token | VaultAuth::TokenFile(_) => Token {
                value: self.given_token()?,
                ttl: None,
                expires: None,
                renewable: false,
            },
        };
        let value = token.value.clone();
        TOKENS
            .lock()
            .expect("vault tokens")
            .insert(self.session.clone(), token);
        Ok(value)
    }

    fn forget_token(&self) {
        TOKENS.lock().expect("vault tokens").remove(&self.session);
    }

    /// `VAULT_TOKEN`, `BAO_TOKEN`, else the token file.
    fn given_token(&self) -> Result<SecretString, StoreError> {
        for var in ["VAULT_TOKEN", "BAO_TOKEN"] {
            if let Some(t) = std::env::var(var).ok().filter(|t| !t.trim().is_empty()) {
                return Ok(SecretString::from(t.trim().to_string()));
            }
        }
        let file = match &self.spec.auth {
            VaultAuth::TokenFile(p) => p.clone(),
            _ => match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
                Some(home) => PathBuf::from(home).join(".vault-token"),
                None => {
                    return Err(no_token(
                        "VAULT_TOKEN is not set and there is no HOME for ~/.vault-token",
                    ));
                }
            },
        };
        if !file.exists() {
            return Err(no_token(&format!(
                "VAULT_TOKEN is not set and {} does not exist",
                file.display()
            )));
        }
        read_secret_file(&file, "token")
    }

    /// Log in with AppRole: the secret id is read from its file now (systemd may have passed it).
    fn login(
        &self,
        role_id: &str,
        secret_id_file: &std::path::Path,
        mount: &str,
    ) -> Result<Token, StoreError> {
        let secret_id = read_secret_file(secret_id_file, "AppRole secret id")?;
        let url = format!("/v1/auth/{mount}/login");
        let body = json!({"role_id": role_id, "secret_id": secret_id.expose_secret()});
        let answer = self.send("POST", &url, Some(body), None)?;
        if answer.status != 200 {
            return Err(StoreError::Refused {
                backend: Backend::Vault,
                message: format!(
                    "vault at {} refused the AppRole login of role id {role_id} (HTTP {}: {})",
                    answer.address,
                    answer.status,
                    errors_of(&answer.body).unwrap_or_else(|| "no reason given".into())
                ),
                hint: format!(
                    "check settings.vault.role_id, that the secret id in {} is current (secret ids can expire or run out of uses), and that AppRole is enabled at auth/{mount}",
                    secret_id_file.display()
                ),
            });
        }
        let auth = &answer.body["auth"];
        let value = auth["client_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                unavailable(format!(
                    "vault at {} answered the AppRole login without a token",
                    answer.address
                ))
            })?;
        let ttl = auth["lease_duration"].as_u64().unwrap_or(0);
        Ok(Token {
            value: SecretString::from(value.to_string()),
            ttl: (ttl > 0).then(|| Duration::from_secs(ttl)),
            expires: (ttl > 0).then(|| Instant::now() + Duration::from_secs(ttl)),
            renewable: auth["renewable"].as_bool().unwrap_or(false),
        })
    }

    /// Send one request to the first server that can take it. Servers that cannot be reached,
    /// are sealed, or are standbys that cannot serve are passed over; when every one was, the
    /// error lists what each did.
    fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<Value>,
        token: Option<&SecretString>,
    ) -> Result<Answer, StoreError> {
        let mut tried = Vec::new();
        let mut sealed = Vec::new();
        for address in &self.spec.addresses {
            let request = self.request(address, method, url, body.as_ref(), token)?;
            let result = self.runtime.block_on(exchange(&self.client, request));
            match result {
                Err(reason) => tried.push(format!("{address}: {reason}")),
                Ok((status, body)) => {
                    let errors = errors_of(&body).unwrap_or_default();
                    if status == 503 && errors.to_ascii_lowercase().contains("sealed") {
                        sealed.push(address.clone());
                        tried.push(format!("vault at {address} is sealed"));
                    } else if status == 503 || status == 429 || (300..400).contains(&status) {
                        let why = if errors.is_empty() {
                            format!("HTTP {status}: a standby, or no active node")
                        } else {
                            format!("HTTP {status}: {errors}")
                        };
                        tried.push(format!("{address}: {why}"));
                    } else {
                        return Ok(Answer {
                            address: address.clone(),
                            status,
                            body,
                        });
                    }
                }
            }
        }
        let reason = if tried.len() == 1 {
            tried.remove(0)
        } else {
            format!(
                "no vault server could answer; tried {} addresses: {}",
                tried.len(),
                tried.join("; ")
            )
        };
        let hint = if sealed.is_empty() {
            "check settings.vault.addresses (or VAULT_ADDR), that the servers run and that this host can reach them"
        } else {
            "unseal it (`bao operator unseal` or `vault operator unseal`), or add the addresses of the other servers of its cluster to settings.vault.addresses"
        };
        Err(StoreError::Unavailable {
            backend: Backend::Vault,
            reason,
            hint: hint.into(),
        })
    }

    fn request(
        &self,
        address: &str,
        method: &str,
        url: &str,
        body: Option<&Value>,
        token: Option<&SecretString>,
    ) -> Result<hyper::Request<Full<bytes::Bytes>>, StoreError> {
        let uri = format!("{}{url}", address.trim_end_matches('/'));
        let mut builder = hyper::Request::builder()
            .method(method)
            .uri(&uri)
            .header("accept", "application/json");
        if let Some(ns) = &self.spec.namespace {
            builder = builder.header("x-vault-namespace", ns);
        }
        if let Some(token) = token {
            let mut value = hyper::header::HeaderValue::from_str(token.expose_secret())
                .map_err(|_| no_token("the token has characters a header cannot carry"))?;
            value.set_sensitive(true);
            builder = builder.header("x-vault-token", value);
        }
        let payload = match body {
            Some(b) => {
                builder = builder.header("content-type", "application/json");
                bytes::Bytes::from(serde_json::to_vec(b).expect("JSON values serialize"))
            }
            None => bytes::Bytes::new(),
        };
        builder
            .body(Full::new(payload))
            .map_err(|_| unavailable(format!("{uri} is not a usable URL")))
    }

    /// Read the metadata of an account's secret; `None` when there is none.
    fn metadata(&self, key: &str) -> Result<Option<Value>, StoreError> {
        let url = self.metadata_url(&self.account_path(key)?);
        let answer = self.authorized("GET", &url, None, "read")?;
        match answer.status {
            200 => Ok(Some(answer.body["data"].clone())),
            404 => Ok(None),
            _ => Err(self.failed("read the metadata of", key, &answer)),
        }
    }

    fn failed(&self, action: &'static str, key: &str, answer: &Answer) -> StoreError {
        StoreError::Failed {
            backend: Backend::Vault,
            action,
            key: key.to_string(),
            reason: format!(
                "vault at {} answered HTTP {}: {}",
                answer.address,
                answer.status,
                errors_of(&answer.body).unwrap_or_else(|| "no reason given".into())
            ),
        }
    }
}

impl SecretStore for VaultStore {
    fn backend(&self) -> Backend {
        Backend::Vault
    }

    fn get(&self, key: &str) -> Result<Option<SecretString>, StoreError> {
        let url = self.data_url(&self.account_path(key)?);
        let answer = self.authorized("GET", &url, None, "read")?;
        match answer.status {
            200 => match &answer.body["data"]["data"] {
                Value::Object(data) => Ok(Some(SecretString::from(
                    serde_json::to_string(data).expect("JSON values serialize"),
                ))),
                // The latest version was deleted.
                _ => Ok(None),
            },
            404 => Ok(None),
            _ => Err(self.failed("read", key, &answer)),
        }
    }

    fn set(&self, key: &str, value: &SecretString) -> Result<(), StoreError> {
        let path = self.account_path(key)?;
        let data: serde_json::Map<String, Value> = serde_json::from_str(value.expose_secret())
            .map_err(|_| StoreError::Corrupt {
                key: key.to_string(),
                reason: "not a JSON object".into(),
            })?;
        let key_id = data.get("access_key_id").cloned();
        let answer = self.authorized(
            "POST",
            &self.data_url(&path),
            Some(json!({ "data": data })),
            "write",
        )?;
        if !(200..300).contains(&answer.status) {
            return Err(self.failed("write", key, &answer));
        }
        // The key id, not a secret, beside the secret: lists read metadata only.
        let answer = self.authorized(
            "POST",
            &self.metadata_url(&path),
            Some(json!({ "custom_metadata": { "access_key_id": key_id } })),
            "write",
        )?;
        if !(200..300).contains(&answer.status) {
            return Err(self.failed("write the metadata of", key, &answer));
        }
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<bool, StoreError> {
        if self.metadata(key)?.is_none() {
            return Ok(false);
        }
        let url = self.metadata_url(&self.account_path(key)?);
        let answer = self.authorized("DELETE", &url, None, "delete")?;
        if !(200..300).contains(&answer.status) {
            return Err(self.failed("delete", key, &answer));
        }
        Ok(true)
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let url = self.metadata_url(&format!("{}/accounts/", self.spec.prefix));
        let answer = self.authorized("LIST", &url, None, "list")?;
        match answer.status {
            200 => Ok(answer.body["data"]["keys"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|k| !k.ends_with('/'))
                .map(super::account_key)
                .collect()),
            404 => Ok(Vec::new()),
            _ => Err(self.failed("list", "accounts", &answer)),
        }
    }

    fn describe(&self, key: &str) -> Option<Result<Described, StoreError>> {
        Some(self.metadata(key).map(|m| match m {
            None => Described::Missing,
            Some(meta) => {
                let version = meta["current_version"].as_u64().unwrap_or(0);
                let current = &meta["versions"][version.to_string()];
                let gone = current["destroyed"].as_bool().unwrap_or(false)
                    || current["deletion_time"]
                        .as_str()
                        .is_some_and(|t| !t.is_empty());
                if version == 0 || gone {
                    Described::Missing
                } else {
                    Described::Entry(EntryInfo {
                        access_key_id: meta["custom_metadata"]["access_key_id"]
                            .as_str()
                            .map(str::to_string),
                        version: Some(version),
                        created: current["created_time"]
                            .as_str()
                            .and_then(|t| t.parse().ok()),
                    })
                }
            }
        }))
    }

    /// Renew a renewable token once half its life is gone; with AppRole, log in again when it
    /// cannot be renewed and is about to expire. The first call learns a given token's life.
    fn keep_alive(&self) -> Result<(), StoreError> {
        let token = self.token()?;
        let (known, due) = {
            let tokens = TOKENS.lock().expect("vault tokens");
            match tokens.get(&self.session) {
                None => (false, false),
                Some(t) => (
                    t.ttl.is_some() || t.expires.is_some(),
                    match (t.ttl, t.expires) {
                        (Some(ttl), Some(at)) => {
                            at.saturating_duration_since(Instant::now()) < ttl.mul_f64(RENEW_AT)
                        }
                        _ => false,
                    },
                ),
            }
        };
        if !known {
            let answer = self.send("GET", "/v1/auth/token/lookup-self", None, Some(&token))?;
            if answer.status == 200 {
                let data = &answer.body["data"];
                let ttl = data["ttl"].as_u64().unwrap_or(0);
                let creation = data["creation_ttl"].as_u64().unwrap_or(ttl);
                let mut tokens = TOKENS.lock().expect("vault tokens");
                if let Some(t) = tokens.get_mut(&self.session) {
                    t.renewable = data["renewable"].as_bool().unwrap_or(false);
                    if ttl > 0 {
                        t.ttl = Some(Duration::from_secs(creation.max(ttl)));
                        t.expires = Some(Instant::now() + Duration::from_secs(ttl));
                    } else {
                        // A token that never expires: nothing to renew.
                        t.ttl = Some(Duration::ZERO);
                    }
                }
            }
            return Ok(());
        }
        if !due {
            return Ok(());
        }
        let renewable = TOKENS
            .lock()
            .expect("vault tokens")
            .get(&self.session)
            .is_some_and(|t| t.renewable);
        if renewable {
            let answer = self.send(
                "POST",
                "/v1/auth/token/renew-self",
                Some(json!({})),
                Some(&token),
            )?;
            let ttl = answer.body["auth"]["lease_duration"].as_u64().unwrap_or(0);
            if answer.status == 200 && ttl > 0 {
                let mut tokens = TOKENS.lock().expect("vault tokens");
                if let Some(t) = tokens.get_mut(&self.session) {
                    t.expires = Some(Instant::now() + Duration::from_secs(ttl));
                    // A renewal short of what was asked means the token's maximum is near.
                    t.renewable = answer.body["auth"]["renewable"].as_bool().unwrap_or(false)
                        && t.ttl
                            .is_none_or(|full| Duration::from_secs(ttl) >= full / 2);
                }
                return Ok(());
            }
        }
        if matches!(self.spec.auth, VaultAuth::AppRole { .. }) {
            self.forget_token();
            self.token()?;
        }
        Ok(())
    }
}

/// One request to one server: the status and the JSON body (`Null` when there is none), or why
/// there was no answer.
async fn exchange(
    client: &Client,
    request: hyper::Request<Full<bytes::Bytes>>,
) -> Result<(u16, Value), String> {
    let response = tokio::time::timeout(REQUEST_TIMEOUT, client.request(request))
        .await
        .map_err(|_| format!("no answer within {} s", REQUEST_TIMEOUT.as_secs()))?
        .map_err(|e| innermost(&e))?;
    let status = response.status().as_u16();
    let body = tokio::time::timeout(REQUEST_TIMEOUT, response.into_body().collect())
        .await
        .map_err(|_| format!("no answer within {} s", REQUEST_TIMEOUT.as_secs()))?
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// An HTTP(S) client trusting `ca_cert` when given, else the system's roots.
fn client(spec: &VaultSpec) -> Result<Client, StoreError> {
    let builder = hyper_rustls::HttpsConnectorBuilder::new();
    let builder = match &spec.ca_cert {
        None => builder
            .with_native_roots()
            .map_err(|e| unavailable(format!("no TLS root certificates: {e}")))?,
        Some(path) => {
            use rustls::pki_types::{CertificateDer, pem::PemObject};
            let cannot = |why: String| StoreError::Unavailable {
                backend: Backend::Vault,
                reason: format!("settings.vault.ca_cert {}: {why}", path.display()),
                hint:
                    "give a PEM file of the CA certificates that signed the servers' certificates"
                        .into(),
            };
            let pem = std::fs::read(path).map_err(|e| cannot(e.to_string()))?;
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
            let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
                rustls::crypto::aws_lc_rs::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .map_err(|e| cannot(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
            builder.with_tls_config(config)
        }
    };
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
    http.set_connect_timeout(Some(CONNECT_TIMEOUT));
    http.enforce_http(false);
    let connector = builder.https_or_http().enable_http1().wrap_connector(http);
    Ok(
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector),
    )
}

/// The first of Vault's `errors`, clipped, with control characters shown escaped.
fn errors_of(body: &Value) -> Option<String> {
    let first = body["errors"].as_array()?.iter().find_map(Value::as_str)?;
    let clipped: String = first.chars().take(200).collect();
    Some(clipped.escape_debug().to_string())
}

/// A token or secret id from a file only the caller (or root) can read and change; under
/// systemd's credentials directory its ACL may show as a group read bit.
fn read_secret_file(path: &std::path::Path, what: &str) -> Result<SecretString, StoreError> {
    if path.to_string_lossy().contains("$CREDENTIALS_DIRECTORY")
        || path.to_string_lossy().contains("${CREDENTIALS_DIRECTORY}")
    {
        return Err(StoreError::Unavailable {
            backend: Backend::Vault,
            reason: format!(
                "the {what} file is named through $CREDENTIALS_DIRECTORY, which is not set here"
            ),
            hint: "systemd sets it for a service with LoadCredential= or LoadCredentialEncrypted=; elsewhere, set it or name the file itself".into(),
        });
    }
    if std::fs::symlink_metadata(path).is_err() {
        return Err(StoreError::Unavailable {
            backend: Backend::Vault,
            reason: format!("the {what} file {} does not exist", path.display()),
            hint: "check settings.vault (token_file, secret_id_file)".into(),
        });
    }
    let systemd = std::env::var_os("CREDENTIALS_DIRECTORY")
        .filter(|d| !d.is_empty())
        .is_some_and(|d| path.starts_with(d));
    let role = if systemd {
        Role::SystemdKey
    } else {
        Role::SecretKey
    };
    let text = trust::read_to_string(path, role).map_err(|e| StoreError::Unavailable {
        backend: Backend::Vault,
        reason: format!("cannot use the {what} file: {e}"),
        hint: format!(
            "make {} readable by this user only (chmod 600)",
            path.display()
        ),
    })?;
    let text = zeroize::Zeroizing::new(text);
    let value = text.trim();
    if value.is_empty() {
        return Err(StoreError::Unavailable {
            backend: Backend::Vault,
            reason: format!("the {what} file {} is empty", path.display()),
            hint: "write the value into it, alone on one line".into(),
        });
    }
    Ok(SecretString::from(value.to_string()))
}

fn no_token(why: &str) -> StoreError {
    StoreError::Unavailable {
        backend: Backend::Vault,
        reason: format!("no Vault token: {why}"),
        hint: "set VAULT_TOKEN (or BAO_TOKEN), settings.vault.token_file, log in with `bao login` / `vault login` (~/.vault-token), or use settings.vault.auth = \"approle\"".into(),
    }
}

fn unavailable(reason: String) -> StoreError {
    StoreError::Unavailable {
        backend: Backend::Vault,
        reason,
        hint: "check settings.vault".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_clipped_and_escaped() {
        let body = json!({"errors": ["one\u{1b}[31m", "two"]});
        assert_eq!(errors_of(&body).unwrap(), "one\\u{1b}[31m");
        let long = json!({"errors": ["x".repeat(500)]});
        assert_eq!(errors_of(&long).unwrap().len(), 200);
        assert!(errors_of(&json!({"errors": []})).is_none());
    }

    #[test]
    fn only_account_keys_have_a_path() {
        let spec = VaultSpec {
            addresses: vec!["http://127.0.0.1:1".into()],
            mount: "secret".into(),
            prefix: "fedaws".into(),
            ..VaultSpec::default()
        };
        let store = VaultStore::open(&spec, super::super::SERVICE).unwrap();
        assert_eq!(
            store.account_path("account:ci").unwrap(),
            "fedaws/accounts/ci"
        );
        assert!(store.account_path("cache:x").is_err());
        assert!(store.account_path("account:../x").is_err());
        assert!(VaultStore::open(&spec, super::super::CACHE_SERVICE).is_err());
    }

    #[test]
    fn every_address_is_tried_and_named() {
        // Two ports nothing listens on.
        let dead: Vec<String> = (0..2)
            .map(|_| {
                let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                format!("http://{}", l.local_addr().unwrap())
            })
            .collect();
        let spec = VaultSpec {
            addresses: dead.clone(),
            mount: "secret".into(),
            prefix: "fedaws".into(),
            ..VaultSpec::default()
        };
        let store = VaultStore::open(&spec, super::super::SERVICE).unwrap();
        let err = store
            .send("GET", "/v1/sys/health", None, None)
            .err()
            .unwrap();
        let text = err.to_string();
        for a in &dead {
            assert!(text.contains(a.as_str()), "{text}");
        }
    }
}
