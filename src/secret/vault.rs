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
use std::sync::{Arc, LazyLock, Mutex};
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
/// The largest answer read from a server (a KV secret is well below it).
const MAX_ANSWER: usize = 1 << 20;
/// Where a token learns about itself.
const LOOKUP_SELF: &str = "/v1/auth/token/lookup-self";

/// Where the accounts are and how to log in, from `[settings.vault]` and the environment.
#[derive(Debug, Clone, Default)]
pub struct VaultSpec {
    /// Server URLs, tried in order.
    pub addresses: Vec<String>,
    /// Where they were given (`settings.vault.addresses`, `VAULT_ADDR`…), for messages.
    pub addresses_from: String,
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

/// One gate per session, so that one thread at a time gets a new token.
static LOGINS: LazyLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> = LazyLock::new(Default::default);

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
        for address in &spec.addresses {
            check_address(address).map_err(|why| StoreError::Unavailable {
                backend: Backend::Vault,
                reason: format!("{} = {address:?} {why}", spec.addresses_from),
                hint: "give the servers' https:// URLs".into(),
            })?;
        }
        if let Some(ns) = &spec.namespace
            && !is_vault_path(ns)
        {
            return Err(StoreError::Unavailable {
                backend: Backend::Vault,
                reason: format!(
                    "the namespace {ns:?} (settings.vault.namespace, VAULT_NAMESPACE or BAO_NAMESPACE) is not a Vault path"
                ),
                hint: "segments of letters, digits, -, _ and . joined by /".into(),
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

    /// Send a request with the token. A refused token (403) that is no longer valid is
    /// replaced once: an AppRole login, or the token file read again (a Vault Agent may have
    /// written a new one); a valid token refused is the policy's doing.
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
        let approle = matches!(self.spec.auth, VaultAuth::AppRole { .. });
        if approle {
            let looked = self.send("GET", LOOKUP_SELF, None, Some(&token))?;
            if looked.status == 200 {
                return Err(self.denied(&answer, action, url));
            }
        }
        self.forget_token(&token);
        let fresh = self.token()?;
        if fresh.expose_secret() == token.expose_secret() {
            return Err(self.denied(&answer, action, url));
        }
        let again = self.send(method, url, body, Some(&fresh))?;
        if again.status == 403 {
            return Err(self.denied(&again, action, url));
        }
        Ok(again)
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
    /// one from the environment, a file or a login. One thread at a time gets a new one; the
    /// others then use it.
    fn token(&self) -> Result<SecretString, StoreError> {
        if let Some(t) = self.usable_token() {
            return Ok(t);
        }
        let gate = LOGINS
            .lock()
            .expect("vault logins")
            .entry(self.session.clone())
            .or_default()
            .clone();
        let _one_at_a_time = gate.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = self.usable_token() {
            return Ok(t);
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

    /// The token in hand, unless it is an AppRole token that has expired (a new login is due).
    fn usable_token(&self) -> Option<SecretString> {
        let tokens = TOKENS.lock().expect("vault tokens");
        let t = tokens.get(&self.session)?;
        let expired = t.expires.is_some_and(|at| at <= Instant::now());
        (!(expired && matches!(self.spec.auth, VaultAuth::AppRole { .. }))).then(|| t.value.clone())
    }

    /// Drop the token in hand if it is still `refused` (another thread may have replaced it).
    fn forget_token(&self, refused: &SecretString) {
        let mut tokens = TOKENS.lock().expect("vault tokens");
        if tokens
            .get(&self.session)
            .is_some_and(|t| t.value.expose_secret() == refused.expose_secret())
        {
            tokens.remove(&self.session);
        }
    }

    /// Change what is known of the token in hand, if it is still `value`.
    fn update_token(&self, value: &SecretString, change: impl FnOnce(&mut Token)) {
        let mut tokens = TOKENS.lock().expect("vault tokens");
        if let Some(t) = tokens.get_mut(&self.session)
            && t.value.expose_secret() == value.expose_secret()
        {
            change(t);
        }
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
                    "vault at {} refused the AppRole login (HTTP {}: {})",
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
    /// are sealed, or are standbys (or proxies) that cannot serve are passed over; a write is
    /// sent to the next server only when the last one was not reached at all, since one that
    /// timed out may have done it. When no server could answer, the error lists what each did.
    fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<Value>,
        token: Option<&SecretString>,
    ) -> Result<Answer, StoreError> {
        let idempotent = method != "POST";
        let mut tried = Vec::new();
        let mut sealed = false;
        for address in &self.spec.addresses {
            let request = self.request(address, method, url, body.as_ref(), token)?;
            match self.runtime.block_on(exchange(&self.client, request)) {
                Err(Failure::NotReached(reason)) => tried.push(format!("{address}: {reason}")),
                Err(Failure::Lost(reason)) if idempotent => {
                    tried.push(format!("{address}: {reason}"));
                }
                Err(Failure::Lost(reason)) => {
                    return Err(StoreError::Unavailable {
                        backend: Backend::Vault,
                        reason: format!(
                            "vault at {address} did not finish answering a write ({reason}); it may or may not have been done"
                        ),
                        hint: "run the command again, and check the result (`fedaws account show`, `bao kv metadata get`)".into(),
                    });
                }
                Ok((status, body)) => {
                    let errors = errors_of(&body).unwrap_or_default();
                    if status == 503 && errors.to_ascii_lowercase().contains("sealed") {
                        sealed = true;
                        tried.push(format!("vault at {address} is sealed"));
                    } else if matches!(status, 429 | 502 | 503 | 504)
                        || (300..400).contains(&status)
                    {
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
        let hint = if sealed {
            "unseal it (`bao operator unseal` or `vault operator unseal`), or add the addresses of the other servers of its cluster to settings.vault.addresses"
        } else {
            "check settings.vault.addresses (or VAULT_ADDR), that the servers run and that this host can reach them"
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

    /// A new version of the secret, then the key id and that version in its metadata. The
    /// second write is a convenience for lists: when it fails, the key is stored all the same,
    /// and lists, seeing the versions differ, do not show a key id they cannot vouch for.
    fn set(&self, key: &str, value: &SecretString) -> Result<(), StoreError> {
        let path = self.account_path(key)?;
        let data: serde_json::Map<String, Value> = serde_json::from_str(value.expose_secret())
            .map_err(|_| StoreError::Corrupt {
                key: key.to_string(),
                reason: "not a JSON object".into(),
            })?;
        let key_id = data.get("access_key_id").cloned();
        let key_created = data.get("key_created").cloned();
        let answer = self.authorized(
            "POST",
            &self.data_url(&path),
            Some(json!({ "data": data })),
            "write",
        )?;
        if !(200..300).contains(&answer.status) {
            return Err(self.failed("write", key, &answer));
        }
        let version = answer.body["data"]["version"].as_u64().unwrap_or(0);
        let _ = self.authorized(
            "POST",
            &self.metadata_url(&path),
            Some(json!({ "custom_metadata": {
                "access_key_id": key_id,
                "key_created": key_created,
                "version": version.to_string(),
            }})),
            "write",
        );
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
                // A deletion time may lie in the future (`delete_version_after`).
                let deleted = current["deletion_time"]
                    .as_str()
                    .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                    .is_some_and(|at| at <= jiff::Timestamp::now());
                let destroyed = current["destroyed"].as_bool().unwrap_or(false);
                if version == 0 || deleted || destroyed {
                    return Described::Missing;
                }
                let custom = &meta["custom_metadata"];
                // What is kept beside the secret is this version's only if it says so.
                let ours = custom["version"].as_str() == Some(version.to_string().as_str());
                let beside =
                    |field: &str| custom[field].as_str().filter(|_| ours).map(str::to_string);
                Described::Entry(EntryInfo {
                    access_key_id: beside("access_key_id"),
                    key_created: beside("key_created").and_then(|t| t.parse().ok()),
                    version: Some(version),
                    created: current["created_time"]
                        .as_str()
                        .and_then(|t| t.parse().ok()),
                })
            }
        }))
    }

    /// Keep the token alive (a broker calls this every few seconds): the first call learns the
    /// token's life; once half of it is gone a renewable token is renewed; one that cannot be
    /// renewed any more is replaced by a new AppRole login, or by the token file's token when
    /// that has changed (a Vault Agent's sink). An error says what will fail, and when.
    fn keep_alive(&self) -> Result<(), StoreError> {
        let token = self.token()?;
        let known = {
            let tokens = TOKENS.lock().expect("vault tokens");
            tokens
                .get(&self.session)
                .map(|t| (t.ttl, t.expires, t.renewable))
        };
        let Some((ttl, expires, renewable)) = known else {
            return Ok(());
        };
        let Some(ttl) = ttl else {
            return self.look_up(&token);
        };
        let Some(expires) = expires else {
            // A token that never expires.
            return Ok(());
        };
        let left = expires.saturating_duration_since(Instant::now());
        if left >= ttl.mul_f64(RENEW_AT) {
            return Ok(());
        }
        if renewable {
            let answer = self.send(
                "POST",
                "/v1/auth/token/renew-self",
                Some(json!({})),
                Some(&token),
            )?;
            let granted = answer.body["auth"]["lease_duration"].as_u64().unwrap_or(0);
            if answer.status == 200 && granted > 0 {
                let still = answer.body["auth"]["renewable"].as_bool().unwrap_or(false);
                self.update_token(&token, |t| {
                    t.expires = Some(Instant::now() + Duration::from_secs(granted));
                    // Granted less than half of what it had: its maximum is near.
                    t.renewable = still && Duration::from_secs(granted) >= ttl.mul_f64(RENEW_AT);
                });
                return Ok(());
            }
        }
        self.forget_token(&token);
        let fresh = self.token()?;
        if fresh.expose_secret() != token.expose_secret() {
            return Ok(());
        }
        Err(StoreError::Refused {
            backend: Backend::Vault,
            message: format!(
                "the Vault token cannot be renewed and expires within {} s",
                left.as_secs()
            ),
            hint: "give fedaws a renewable token or a new one (settings.vault.token_file, which is read again), or use auth = \"approle\"".into(),
        })
    }
}

impl VaultStore {
    /// Learn the token's life (`lookup-self`); a token the server does not know any more is
    /// replaced where it can be (AppRole, the token file), else an error.
    fn look_up(&self, token: &SecretString) -> Result<(), StoreError> {
        let answer = self.send("GET", LOOKUP_SELF, None, Some(token))?;
        if answer.status != 200 {
            self.forget_token(token);
            let fresh = self.token()?;
            if fresh.expose_secret() != token.expose_secret() {
                return Ok(());
            }
            return Err(StoreError::Refused {
                backend: Backend::Vault,
                message: format!(
                    "vault at {} does not accept fedaws's token (HTTP {}: {})",
                    answer.address,
                    answer.status,
                    errors_of(&answer.body).unwrap_or_else(|| "no reason given".into())
                ),
                hint: "the token has expired or was revoked: give fedaws a new one, or use auth = \"approle\"".into(),
            });
        }
        let data = &answer.body["data"];
        let left = data["ttl"].as_u64().unwrap_or(0);
        let full = data["creation_ttl"].as_u64().unwrap_or(left).max(left);
        self.update_token(token, |t| {
            t.renewable = data["renewable"].as_bool().unwrap_or(false);
            t.ttl = Some(Duration::from_secs(full));
            t.expires = (left > 0).then(|| Instant::now() + Duration::from_secs(left));
        });
        Ok(())
    }
}

/// Why a server gave no answer.
enum Failure {
    /// The request never reached it (no connection): safe to send elsewhere.
    NotReached(String),
    /// It was sent, but no whole answer came back in time.
    Lost(String),
}

/// One request to one server, within [`REQUEST_TIMEOUT`] in all: the status and the JSON body
/// (`Null` when there is none; at most [`MAX_ANSWER`] bytes), or why there was no answer.
async fn exchange(
    client: &Client,
    request: hyper::Request<Full<bytes::Bytes>>,
) -> Result<(u16, Value), Failure> {
    let whole = async {
        let response = client.request(request).await.map_err(|e| {
            if e.is_connect() {
                Failure::NotReached(crate::error::innermost(&e))
            } else {
                Failure::Lost(crate::error::innermost(&e))
            }
        })?;
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
        .map_err(|_| Failure::Lost(format!("no answer within {} s", REQUEST_TIMEOUT.as_secs())))?
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
                reason: format!(
                    "the CA certificates {} (settings.vault.ca_cert, VAULT_CACERT or BAO_CACERT): {why}",
                    path.display()
                ),
                hint:
                    "give a PEM file of the CA certificates that signed the servers' certificates"
                        .into(),
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
            let config = rustls::ClientConfig::builder_with_provider(Arc::new(
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

/// Whether `url` may carry a token and the accounts' keys: an `https://` URL with a host, or
/// `http://` to a loopback address only (a dev server, a local agent or proxy).
pub fn check_address(url: &str) -> Result<(), String> {
    let (plain, rest) = match (url.strip_prefix("http://"), url.strip_prefix("https://")) {
        (Some(rest), _) => (true, rest),
        (_, Some(rest)) => (false, rest),
        _ => return Err("is not an http:// or https:// URL".into()),
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() || url.contains(char::is_whitespace) || authority.contains('@') {
        return Err("is not a server URL with a host, like https://vault.example.com:8200".into());
    }
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if plain && !loopback {
        return Err("would send the Vault token and the accounts' keys unencrypted: use https://, or http:// only to a loopback address (127.0.0.1, ::1, localhost)".into());
    }
    Ok(())
}

/// A Vault path: segments of letters, digits, `-`, `_` and `.`, joined by `/`.
pub fn is_vault_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
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
    fn plain_http_only_to_loopback() {
        for good in [
            "https://vault.example.com:8200",
            "https://10.0.0.5",
            "http://127.0.0.1:8200",
            "http://[::1]:8200/",
            "http://localhost:8200",
        ] {
            assert!(check_address(good).is_ok(), "{good}");
        }
        for bad in [
            "http://vault.example.com:8200",
            "http://10.0.0.5:8200",
            "http://127.0.0.1.evil.example:8200",
            "vault:8200",
            "https://",
            "https://user@vault.example.com",
        ] {
            assert!(check_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_account_keys_have_a_path() {
        let spec = VaultSpec {
            addresses: vec!["http://127.0.0.1:1".into()],
            addresses_from: "settings.vault.addresses".into(),
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
