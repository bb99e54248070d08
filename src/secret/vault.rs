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
//! and the credential server: no new TLS stack, no second HTTP client ([`transport`]).
//!
//! A token or a secret id goes only to a server that has proven who it is: over `https://` with
//! a verified certificate, or over a Unix socket owned by the caller or root in directories
//! nobody else can change. Plain `http://` (loopback only, with `insecure_http`) proves nothing,
//! so such an address is first asked for its health, without a token, and is sent nothing more
//! unless it answers as the active node. Servers are tried in the order of `addresses`, one at a
//! time; one that cannot be reached, fails that check, is sealed, or answers as a standby (503,
//! 429, a redirect) is passed over for the rest of the operation (a store handle lives for one
//! command, or one request to a broker), and the error lists why each was.
//!
//! The token (from `VAULT_TOKEN`/`BAO_TOKEN`, a token file, or an AppRole login) is kept for the
//! life of the process, renewed by a broker before it expires ([`SecretStore::keep_alive`]) and,
//! with AppRole, replaced by a new login when it has expired or was refused. No token, secret id
//! or secret ever reaches a message.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use http_body_util::Full;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::{Backend, Described, EntryInfo, SecretStore, StoreError};
use crate::trust::{self, Role};

mod transport;

pub use transport::{Address, AddressError, parse_address};
use transport::{Failure, Transport};

/// How much of its life a renewable token may have left before a broker renews it.
const RENEW_AT: f64 = 0.5;
/// Where a token learns about itself.
const LOOKUP_SELF: &str = "/v1/auth/token/lookup-self";
/// Where a server says, without a token, whether it is the active node (200).
const HEALTH: &str = "/v1/sys/health";

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
    /// Plain `http://` to a loopback address is allowed (a dev server): nothing proves who
    /// answers there.
    pub insecure_http: bool,
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

/// What an address has shown so far in this operation.
#[derive(Clone)]
enum Standing {
    /// Nothing asked of it yet.
    Untried,
    /// Answered the health check as the active node (asked of unproven transports only).
    Active,
    /// Passed over for the rest of the operation.
    PassedOver(Passed),
}

/// Why an address was passed over, for the error when no address could answer.
#[derive(Clone)]
struct Passed {
    /// What it did, naming it.
    reason: String,
    /// It is sealed (the hint then says how to unseal).
    sealed: bool,
    /// What to change, when it is the configuration's doing (a socket fedaws may not trust).
    hint: Option<String>,
}

impl Passed {
    fn because(reason: String) -> Passed {
        Passed {
            reason,
            sealed: false,
            hint: None,
        }
    }
}

/// Account keys in Vault or OpenBao. A handle serves one operation (a command, or a broker's
/// request): what it learns of each address is forgotten with it.
pub struct VaultStore {
    spec: VaultSpec,
    addresses: Vec<Address>,
    /// What each of `addresses` has shown in this operation.
    standing: Mutex<Vec<Standing>>,
    session: String,
    runtime: tokio::runtime::Runtime,
    transport: Transport,
}

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
        let addresses = spec
            .addresses
            .iter()
            .map(|text| {
                parse_address(text, spec.insecure_http).map_err(|e| StoreError::Unavailable {
                    backend: Backend::Vault,
                    reason: format!("{} = {text:?} {}", spec.addresses_from, e.problem),
                    hint: e.fix,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
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
        let transport = Transport::new(spec.ca_cert.as_deref(), spec.insecure_http)?;
        let session = format!(
            "{}|{}|{:?}",
            spec.addresses.join(","),
            spec.namespace.as_deref().unwrap_or(""),
            spec.auth
        );
        Ok(VaultStore {
            spec: spec.clone(),
            standing: Mutex::new(vec![Standing::Untried; addresses.len()]),
            addresses,
            session,
            runtime,
            transport,
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

    /// Send one request to the first server that can take it, one server at a time, in the
    /// order of `addresses`. Before anything goes to a server, its transport must prove who it
    /// is: a Unix socket is checked before each connection, and a plain `http://` address must
    /// first answer the health check as the active node. Servers that cannot be reached, fail
    /// either check, are sealed, or are standbys (or proxies) that cannot serve are passed over
    /// for the rest of the operation; a write is sent to the next server only when the last one
    /// was not reached at all, since one that timed out may have done it. When no server could
    /// answer, the error lists what each did.
    fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<Value>,
        token: Option<&SecretString>,
    ) -> Result<Answer, StoreError> {
        let idempotent = method != "POST";
        for (i, address) in self.addresses.iter().enumerate() {
            if let Err(passed) = self.may_send(i, address) {
                self.pass_over(i, passed);
                continue;
            }
            let request = self.request(address, method, url, body.as_ref(), token)?;
            match self
                .runtime
                .block_on(self.transport.exchange(address, request))
            {
                Err(Failure::NotReached(reason)) => {
                    self.pass_over(i, Passed::because(format!("{address}: {reason}")));
                }
                Err(Failure::Lost(reason)) if idempotent => {
                    self.pass_over(i, Passed::because(format!("{address}: {reason}")));
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
                Ok((status, body)) => match cannot_serve(address, status, &body) {
                    Some(passed) => self.pass_over(i, passed),
                    None => {
                        return Ok(Answer {
                            address: address.to_string(),
                            status,
                            body,
                        });
                    }
                },
            }
        }
        Err(self.none_could_answer())
    }

    /// Whether address `i` may be sent a request now: not passed over earlier in this
    /// operation, its socket (if it is one) still the caller's or root's, and, when its
    /// transport proves nothing, found to be the active node by a health check.
    fn may_send(&self, i: usize, address: &Address) -> Result<(), Passed> {
        let standing = self.standing.lock().expect("vault standing")[i].clone();
        if let Standing::PassedOver(passed) = standing {
            return Err(passed);
        }
        #[cfg(unix)]
        if let Address::Unix(path) = address {
            transport::check_socket(path).map_err(|refusal| Passed {
                reason: format!("{address}: {}", refusal.reason),
                sealed: false,
                hint: Some(refusal.hint),
            })?;
        }
        if address.proven() || matches!(standing, Standing::Active) {
            return Ok(());
        }
        self.check_health(address)?;
        self.standing.lock().expect("vault standing")[i] = Standing::Active;
        Ok(())
    }

    /// Ask `address` whether it is the active node (`sys/health`, no token, no namespace):
    /// anything but 200 is a reason to pass it over.
    fn check_health(&self, address: &Address) -> Result<(), Passed> {
        let request = address
            .request("GET", HEALTH)
            .body(Full::new(bytes::Bytes::new()))
            .map_err(|_| Passed::because(format!("{address} is not a usable URL")))?;
        let (status, body) = self
            .runtime
            .block_on(self.transport.exchange(address, request))
            .map_err(|failure| match failure {
                Failure::NotReached(reason) | Failure::Lost(reason) => {
                    Passed::because(format!("{address}: {reason}"))
                }
            })?;
        if status == 200 {
            return Ok(());
        }
        Err(cannot_serve(address, status, &body).unwrap_or_else(|| {
            Passed::because(format!(
                "{address}: not the active node (the health check answered HTTP {status}{})",
                match status {
                    472 => ": a disaster recovery secondary",
                    473 => ": a performance standby",
                    501 => ": not initialized",
                    _ => "",
                }
            ))
        }))
    }

    fn pass_over(&self, i: usize, passed: Passed) {
        self.standing.lock().expect("vault standing")[i] = Standing::PassedOver(passed);
    }

    /// The error when every address has been passed over: why each was, and what to do.
    fn none_could_answer(&self) -> StoreError {
        let standing = self.standing.lock().expect("vault standing");
        let passed: Vec<&Passed> = standing
            .iter()
            .filter_map(|s| match s {
                Standing::PassedOver(p) => Some(p),
                _ => None,
            })
            .collect();
        let reason = match passed.as_slice() {
            [one] => one.reason.clone(),
            all => format!(
                "no vault server could answer; tried {} addresses: {}",
                all.len(),
                all.iter()
                    .map(|p| p.reason.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        let hint = if let Some(hint) = passed.iter().find_map(|p| p.hint.clone()) {
            hint
        } else if passed.iter().any(|p| p.sealed) {
            "unseal it (`bao operator unseal` or `vault operator unseal`), or add the addresses of the other servers of its cluster to settings.vault.addresses".into()
        } else {
            "check settings.vault.addresses (or VAULT_ADDR), that the servers run and that this host can reach them".into()
        };
        StoreError::Unavailable {
            backend: Backend::Vault,
            reason,
            hint,
        }
    }

    fn request(
        &self,
        address: &Address,
        method: &str,
        url: &str,
        body: Option<&Value>,
        token: Option<&SecretString>,
    ) -> Result<hyper::Request<Full<bytes::Bytes>>, StoreError> {
        let mut builder = address.request(method, url);
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
            .map_err(|_| unavailable(format!("{address}{url} is not a usable URL")))
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

/// Why an answer means this server cannot serve now (sealed, a standby, a proxy without a
/// backend, a redirect to another node), as a reason to pass it over; `None` for an answer that
/// is the server's word on the request.
fn cannot_serve(address: &Address, status: u16, body: &Value) -> Option<Passed> {
    let errors = errors_of(body).unwrap_or_default();
    // Sealed: 503, with the health check's `sealed` or an error that says so.
    let sealed = status == 503
        && (body["sealed"].as_bool() == Some(true)
            || errors.to_ascii_lowercase().contains("sealed"));
    if sealed {
        return Some(Passed {
            reason: format!("vault at {address} is sealed"),
            sealed: true,
            hint: None,
        });
    }
    if !(matches!(status, 429 | 502 | 503 | 504) || (300..400).contains(&status)) {
        return None;
    }
    let why = match (status, errors.is_empty()) {
        (300..400, _) => format!("HTTP {status}: a redirect to another node, not followed"),
        (429, true) => "HTTP 429: a standby".to_string(),
        (_, true) => format!("HTTP {status}: a standby, or no active node"),
        (_, false) => format!("HTTP {status}: {errors}"),
    };
    Some(Passed::because(format!("{address}: {why}")))
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
    use std::io::{Read, Write};

    use super::*;
    use crate::secret::SERVICE;

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
            addresses_from: "settings.vault.addresses".into(),
            mount: "secret".into(),
            prefix: "fedaws".into(),
            insecure_http: true,
            ..VaultSpec::default()
        };
        let store = VaultStore::open(&spec, SERVICE).unwrap();
        assert_eq!(
            store.account_path("account:ci").unwrap(),
            "fedaws/accounts/ci"
        );
        assert!(store.account_path("cache:x").is_err());
        assert!(store.account_path("account:../x").is_err());
        assert!(VaultStore::open(&spec, super::super::CACHE_SERVICE).is_err());
    }

    /// The AppRole of the fake servers, and the token the real one hands out.
    const ROLE_ID: &str = "role-id-7f3a";
    const SECRET_ID: &str = "secret-id-91c2";
    const TOKEN: &str = "hvs.token-5d8e";

    /// One request a fake server received, as it came.
    #[derive(Debug, Clone)]
    struct Seen {
        method: String,
        path: String,
        /// The request line and headers, lowercased.
        head: String,
        body: String,
    }

    impl Seen {
        fn line(&self) -> String {
            format!("{} {}", self.method, self.path)
        }
    }

    type Answerer = fn(&Seen) -> (u16, Value);

    /// A fake server that records every request it receives (one per connection) and answers
    /// it with `answer`.
    struct Fake {
        address: String,
        seen: Arc<Mutex<Vec<Seen>>>,
    }

    impl Fake {
        /// On a loopback port, as another local user could listen.
        fn tcp(answer: Answerer) -> Fake {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let address = format!("http://{}", listener.local_addr().unwrap());
            let seen = Arc::new(Mutex::new(Vec::new()));
            let record = Arc::clone(&seen);
            std::thread::spawn(move || {
                for conn in listener.incoming().flatten() {
                    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    answer_one(conn, answer, &record);
                }
            });
            Fake { address, seen }
        }

        /// On a Unix socket at `path`.
        #[cfg(unix)]
        fn unix(path: &std::path::Path, answer: Answerer) -> Fake {
            let listener = std::os::unix::net::UnixListener::bind(path).unwrap();
            let seen = Arc::new(Mutex::new(Vec::new()));
            let record = Arc::clone(&seen);
            std::thread::spawn(move || {
                for conn in listener.incoming().flatten() {
                    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    answer_one(conn, answer, &record);
                }
            });
            Fake {
                address: format!("unix://{}", path.display()),
                seen,
            }
        }

        fn seen(&self) -> Vec<Seen> {
            self.seen.lock().unwrap().clone()
        }

        fn lines(&self) -> Vec<String> {
            self.seen().iter().map(Seen::line).collect()
        }
    }

    fn answer_one(mut conn: impl Read + Write, answer: Answerer, seen: &Mutex<Vec<Seen>>) {
        let Some(request) = read_request(&mut conn) else {
            return;
        };
        let (status, body) = answer(&request);
        seen.lock().unwrap().push(request);
        let body = body.to_string();
        let _ = write!(
            conn,
            "HTTP/1.1 {status} Fake\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    }

    fn read_request(conn: &mut impl Read) -> Option<Seen> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let end = loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            let n = conn.read(&mut chunk).ok().filter(|n| *n > 0)?;
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |n| n.trim().parse().unwrap_or(0));
        while buf.len() < end + 4 + length {
            let n = conn.read(&mut chunk).ok().filter(|n| *n > 0)?;
            buf.extend_from_slice(&chunk[..n]);
        }
        let first = String::from_utf8_lossy(&buf[..end])
            .lines()
            .next()?
            .to_string();
        let mut words = first.split(' ');
        Some(Seen {
            method: words.next()?.to_string(),
            path: words.next()?.to_string(),
            head,
            body: String::from_utf8_lossy(&buf[end + 4..]).into_owned(),
        })
    }

    /// The squatter of the review: every request answered `503 {"errors": ["standby"]}`.
    fn standby(_: &Seen) -> (u16, Value) {
        (503, json!({"errors": ["standby"]}))
    }

    /// An active node with AppRole and one account, `ci`.
    fn active(seen: &Seen) -> (u16, Value) {
        let token_ok = seen
            .head
            .contains(&format!("x-vault-token: {}", TOKEN.to_lowercase()));
        match (seen.method.as_str(), seen.path.as_str()) {
            ("GET", "/v1/sys/health") => (
                200,
                json!({"initialized": true, "sealed": false, "standby": false}),
            ),
            ("POST", "/v1/auth/approle/login") => {
                let body: Value = serde_json::from_str(&seen.body).unwrap_or_default();
                if body["role_id"] == ROLE_ID && body["secret_id"] == SECRET_ID {
                    (
                        200,
                        json!({"auth": {"client_token": TOKEN, "lease_duration": 3600, "renewable": true}}),
                    )
                } else {
                    (400, json!({"errors": ["invalid role or secret ID"]}))
                }
            }
            ("GET", "/v1/secret/data/fedaws/accounts/ci") if token_ok => (
                200,
                json!({"data": {"data": {"access_key_id": "AKIAFAKEFAKEFAKE0001", "secret_access_key": "fake-secret"}}}),
            ),
            _ if !token_ok => (403, json!({"errors": ["permission denied"]})),
            _ => (404, json!({"errors": []})),
        }
    }

    /// Answers the health check as the active node, and then every request as a standby.
    fn turns_standby(seen: &Seen) -> (u16, Value) {
        if seen.path == "/v1/sys/health" {
            active(seen)
        } else {
            standby(seen)
        }
    }

    /// A private directory holding the AppRole's secret id (and the token, for token logins).
    fn secrets_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, value) in [("secret-id", SECRET_ID), ("token", TOKEN)] {
            let path = dir.path().join(name);
            std::fs::write(&path, value).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
        }
        dir
    }

    fn spec(addresses: &[&str], insecure_http: bool, auth: VaultAuth) -> VaultSpec {
        VaultSpec {
            addresses: addresses.iter().map(|a| a.to_string()).collect(),
            addresses_from: "settings.vault.addresses".into(),
            mount: "secret".into(),
            prefix: "fedaws".into(),
            insecure_http,
            auth,
            ..VaultSpec::default()
        }
    }

    fn approle(dir: &tempfile::TempDir) -> VaultAuth {
        VaultAuth::AppRole {
            role_id: ROLE_ID.into(),
            secret_id_file: dir.path().join("secret-id"),
            mount: "approle".into(),
        }
    }

    /// Fail when any request `fake` received carried a token or the AppRole's ids.
    fn assert_told_nothing(fake: &Fake) {
        for seen in fake.seen() {
            let all = format!("{}{}", seen.head, seen.body.to_lowercase());
            assert!(
                !all.contains("x-vault-token")
                    && !all.contains(&TOKEN.to_lowercase())
                    && !all.contains(SECRET_ID)
                    && !all.contains(ROLE_ID),
                "the squatter was told a secret: {seen:?}"
            );
        }
    }

    fn read_ci(store: &VaultStore) -> Result<String, StoreError> {
        Ok(store
            .get("account:ci")?
            .expect("the account")
            .expose_secret()
            .to_string())
    }

    #[test]
    fn a_squatter_answering_standby_before_the_real_server_is_told_nothing() {
        let squatter = Fake::tcp(standby);
        let real = Fake::tcp(active);
        let dir = secrets_dir();
        let addresses = [squatter.address.as_str(), real.address.as_str()];

        // An AppRole login, then a read with its token: both from the real server.
        let store = VaultStore::open(&spec(&addresses, true, approle(&dir)), SERVICE).unwrap();
        assert!(read_ci(&store).unwrap().contains("AKIAFAKEFAKEFAKE0001"));
        assert_eq!(
            real.lines(),
            [
                "GET /v1/sys/health",
                "POST /v1/auth/approle/login",
                "GET /v1/secret/data/fedaws/accounts/ci",
            ]
        );
        // A token from a file, in an operation of its own.
        let token_file = VaultAuth::TokenFile(dir.path().join("token"));
        let store = VaultStore::open(&spec(&addresses, true, token_file), SERVICE).unwrap();
        assert!(read_ci(&store).unwrap().contains("AKIAFAKEFAKEFAKE0001"));

        // The squatter was asked for its health, once per operation, and told nothing.
        assert_eq!(squatter.lines(), ["GET /v1/sys/health"; 2]);
        assert_told_nothing(&squatter);
    }

    #[test]
    fn plain_http_without_insecure_http_is_refused_before_anything_is_sent() {
        // It answers everything as the active node would.
        let squatter = Fake::tcp(active);
        let dir = secrets_dir();
        let opened = VaultStore::open(
            &spec(&[squatter.address.as_str()], false, approle(&dir)),
            SERVICE,
        );
        // Whatever fedaws does with it, the squatter hears nothing.
        let text = match opened {
            Err(e) => e.to_string(),
            Ok(store) => format!("opened, and the read gave {:?}", read_ci(&store).is_ok()),
        };
        assert!(squatter.seen().is_empty(), "{:?}", squatter.lines());
        assert!(
            text.contains(&format!(
                "settings.vault.addresses = {:?} is plain http://",
                squatter.address
            )) && text.contains("set settings.vault.insecure_http = true"),
            "{text}"
        );
    }

    #[test]
    fn an_address_that_turns_standby_gets_nothing_more_in_the_operation() {
        let flaky = Fake::tcp(turns_standby);
        let real = Fake::tcp(active);
        let dir = secrets_dir();
        let addresses = [flaky.address.as_str(), real.address.as_str()];
        let store = VaultStore::open(&spec(&addresses, true, approle(&dir)), SERVICE).unwrap();
        read_ci(&store).unwrap();
        read_ci(&store).unwrap();
        // It passed the health check, so (with insecure_http) it was sent the login; after its
        // standby answer, nothing: not the token, not the second read.
        assert_eq!(
            flaky.lines(),
            ["GET /v1/sys/health", "POST /v1/auth/approle/login"]
        );
        assert!(
            flaky
                .seen()
                .iter()
                .all(|s| !s.head.contains("x-vault-token"))
        );
        assert_eq!(
            real.lines(),
            [
                "GET /v1/sys/health",
                "POST /v1/auth/approle/login",
                "GET /v1/secret/data/fedaws/accounts/ci",
                "GET /v1/secret/data/fedaws/accounts/ci",
            ]
        );
    }

    #[test]
    fn every_address_is_tried_and_named() {
        // A port nothing listens on, and the squatter.
        let dead = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}", l.local_addr().unwrap())
        };
        let squatter = Fake::tcp(standby);
        let dir = secrets_dir();
        let addresses = [dead.as_str(), squatter.address.as_str()];
        let store = VaultStore::open(&spec(&addresses, true, approle(&dir)), SERVICE).unwrap();
        let text = read_ci(&store).unwrap_err().to_string();
        assert!(
            text.contains("tried 2 addresses")
                && text.contains(&format!("{dead}: "))
                && text.contains(&format!("{}: HTTP 503: standby", squatter.address)),
            "{text}"
        );
        assert_told_nothing(&squatter);
    }

    #[cfg(unix)]
    #[test]
    fn a_unix_socket_the_caller_owns_is_trusted_and_one_others_could_swap_is_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = secrets_dir();
        let run = tempfile::tempdir().unwrap();
        std::fs::set_permissions(run.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let server = Fake::unix(&run.path().join("vault.sock"), active);
        let token_file = || VaultAuth::TokenFile(dir.path().join("token"));
        let unix = spec(&[server.address.as_str()], false, token_file());

        // A proven transport: the request goes first, no health check.
        let store = VaultStore::open(&unix, SERVICE).unwrap();
        assert!(read_ci(&store).unwrap().contains("AKIAFAKEFAKEFAKE0001"));
        assert_eq!(server.lines(), ["GET /v1/secret/data/fedaws/accounts/ci"]);

        // Anyone could put another socket in its place: nothing is sent.
        std::fs::set_permissions(run.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let store = VaultStore::open(&unix, SERVICE).unwrap();
        let text = read_ci(&store).unwrap_err().to_string();
        assert!(
            text.contains(&format!("{}: the directory", server.address))
                && text.contains("may be written by others")
                && text.contains("nothing was sent")
                && text.contains("chmod go-w"),
            "{text}"
        );
        assert_eq!(server.seen().len(), 1);

        // Not a socket at all.
        let file = spec(
            &[&format!("unix://{}", dir.path().join("token").display())],
            false,
            token_file(),
        );
        let text = read_ci(&VaultStore::open(&file, SERVICE).unwrap())
            .unwrap_err()
            .to_string();
        assert!(text.contains("is not a socket"), "{text}");
    }
}
