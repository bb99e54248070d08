//! What travels over the broker's socket: HTTP/1.1 with JSON bodies under `/v1/`. Every body is
//! checked again by the broker, which trusts nothing a client sends but the kernel's word on who
//! it is. Types holding secrets have no `Debug` that shows them.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::exit::Exit;
use crate::issue::{CacheUse, CredsRequest};
use crate::output::rfc3339;
use crate::sts::Issued;

/// `POST /v1/creds`: credentials of a connector for the caller.
pub const CREDS: &str = "/v1/creds";

/// `POST /v1/run`: a fedaws command run in the broker for the caller (`whoami`, `connector`,
/// `cache`, `audit`; for administrators also `account`, `group` and `check`).
pub const RUN: &str = "/v1/run";

/// The largest request body the broker reads, in bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// How a request uses the cache, on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cache {
    /// A good cached entry, else a new one (the default).
    #[default]
    Use,
    /// Always new, and cached (`--refresh`).
    Refresh,
    /// Neither read nor written (`--no-cache`).
    Off,
}

/// The body of `POST /v1/creds`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredsBody {
    /// The connector's name.
    pub connector: String,
    /// `--duration`, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// `--region`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `--mfa-code`: six digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_code: Option<String>,
    /// How the cache is used.
    #[serde(default)]
    pub cache: Cache,
    /// A `--system` request.
    #[serde(default)]
    pub system: bool,
}

impl fmt::Debug for CredsBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredsBody")
            .field("connector", &self.connector)
            .field("duration", &self.duration)
            .field("region", &self.region)
            .field("mfa_code", &self.mfa_code.as_ref().map(|_| "[redacted]"))
            .field("cache", &self.cache)
            .field("system", &self.system)
            .finish()
    }
}

impl CredsBody {
    /// The body asking for `request`.
    pub fn of(request: &CredsRequest, system: bool) -> CredsBody {
        CredsBody {
            connector: request.connector.clone(),
            duration: request.duration,
            region: request.region.as_ref().map(ToString::to_string),
            mfa_code: request
                .mfa_code
                .as_ref()
                .map(|c| c.expose_secret().to_string()),
            cache: match request.cache {
                CacheUse::Use => Cache::Use,
                CacheUse::Refresh => Cache::Refresh,
                CacheUse::Off => Cache::Off,
            },
            system,
        }
    }

    /// The request it asks for, each field checked as the command line checks it.
    pub fn request(self) -> Result<CredsRequest, String> {
        crate::validate::connector_name_arg(&self.connector)
            .map_err(|e| format!("connector: {e}"))?;
        let region = match self.region {
            Some(r) => Some(
                r.parse::<crate::validate::Region>()
                    .map_err(|e| format!("region: {e}"))?,
            ),
            None => None,
        };
        let mfa_code = match self.mfa_code {
            Some(c) => Some(crate::issue::check_code("mfa_code", &c).map_err(|e| e.to_string())?),
            None => None,
        };
        Ok(CredsRequest {
            connector: self.connector,
            duration: self.duration,
            region,
            mfa_code,
            cache: match self.cache {
                Cache::Use => CacheUse::Use,
                Cache::Refresh => CacheUse::Refresh,
                Cache::Off => CacheUse::Off,
            },
        })
    }
}

/// The answer to `POST /v1/creds`.
#[derive(Serialize, Deserialize)]
pub struct CredsAnswer {
    /// `ASIA…`.
    pub access_key_id: String,
    /// The secret key.
    pub secret_access_key: String,
    /// The session token.
    pub session_token: String,
    /// When they stop working, RFC 3339.
    pub expiration: String,
    /// The region they are for.
    pub region: String,
    /// They came from the broker's cache.
    pub from_cache: bool,
}

impl fmt::Debug for CredsAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredsAnswer")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[redacted]")
            .field("session_token", &"[redacted]")
            .field("expiration", &self.expiration)
            .field("region", &self.region)
            .field("from_cache", &self.from_cache)
            .finish()
    }
}

impl CredsAnswer {
    /// The answer carrying `creds`.
    pub fn of(creds: &Issued, region: &str, from_cache: bool) -> CredsAnswer {
        CredsAnswer {
            access_key_id: creds.access_key_id.clone(),
            secret_access_key: creds.secret_access_key.expose_secret().to_string(),
            session_token: creds.session_token.expose_secret().to_string(),
            expiration: rfc3339(creds.expiration),
            region: region.to_string(),
            from_cache,
        }
    }

    /// The credentials it carries.
    pub fn issued(self) -> Result<Issued, String> {
        let expiration = self
            .expiration
            .parse::<jiff::Timestamp>()
            .map_err(|e| format!("expiration `{}`: {e}", self.expiration))?;
        Ok(Issued {
            access_key_id: self.access_key_id,
            secret_access_key: SecretString::from(self.secret_access_key),
            session_token: SecretString::from(self.session_token),
            expiration,
            arn: None,
            packed_policy_size: None,
            request_id: None,
        })
    }
}

/// What every refusal carries: the exit code and message the command would give locally.
#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The exit code.
    pub exit: u8,
    /// Its family (`denied`, `aws`, `config`…).
    pub family: String,
    /// What went wrong, outermost first.
    pub message: String,
    /// The causes, outermost first.
    #[serde(default)]
    pub causes: Vec<String>,
    /// The MFA device whose code the request needs, when that is what it lacked: a client with
    /// a terminal asks for the code and sends the request again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_serial: Option<String>,
}

impl ErrorBody {
    /// The body for `error`, of family `exit`.
    pub fn of(error: &anyhow::Error, exit: Exit) -> ErrorBody {
        ErrorBody {
            exit: exit as u8,
            family: exit.family().to_string(),
            message: error.to_string(),
            causes: error.chain().skip(1).map(ToString::to_string).collect(),
            mfa_serial: error
                .chain()
                .find_map(|e| e.downcast_ref::<crate::issue::mfa::NoTerminal>())
                .map(|e| e.serial.clone()),
        }
    }

    /// A refusal of family `exit` with `message`.
    pub fn new(exit: Exit, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            exit: exit as u8,
            family: exit.family().to_string(),
            message: message.into(),
            causes: Vec::new(),
            mfa_serial: None,
        }
    }

    /// The HTTP status the refusal travels with.
    pub fn status(&self) -> u16 {
        match Exit::from_code(self.exit) {
            Some(Exit::Usage) => 400,
            Some(Exit::Denied) => 403,
            Some(Exit::Aws | Exit::Network) => 502,
            _ => 500,
        }
    }
}

/// The body of `POST /v1/run`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunBody {
    /// The command line after `fedaws` (global options are read and ignored).
    pub args: Vec<String>,
    /// What the command reads on stdin (`--secret-stdin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<String>,
    /// The caller's stdout is a terminal (picks the default output format).
    #[serde(default)]
    pub terminal: bool,
    /// Present when the caller can answer dialogs at a terminal: the replies given so far (see
    /// [`super::dialog`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<Vec<super::dialog::Reply>>,
}

impl fmt::Debug for RunBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunBody")
            .field("args", &self.args)
            .field("stdin", &self.stdin.as_ref().map(|_| "[redacted]"))
            .field("terminal", &self.terminal)
            .field("replies", &self.replies)
            .finish()
    }
}

/// The answer to `POST /v1/run`: what the command printed and its exit code.
#[derive(Debug, Serialize, Deserialize)]
pub struct RunAnswer {
    /// The exit code.
    pub exit: u8,
    /// What it wrote to stdout.
    pub stdout: String,
    /// What it wrote to stderr.
    pub stderr: String,
    /// The question its dialog stopped at, to be asked at the caller's terminal (the command
    /// changed nothing, printed nothing, and `exit` means nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<super::dialog::Ask>,
}
