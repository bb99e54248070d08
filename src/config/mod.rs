//! The config file: its model, where it is found, how it is loaded and checked.
//!
//! The file is TOML that people edit by hand as often as through fedaws, so loading is strict
//! (unknown keys are errors with a suggestion, every AWS rule is checked before any network call)
//! and every error says which file, which line, which connector or account and which field.
//! Edits live in [`edit`]; the rules themselves in [`crate::validate`].

pub mod edit;
mod rules;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use crate::principal::{AccountKind, Principal};
use crate::secret::{Backend, CacheSetting};
use crate::validate::{FieldError, MaxDuration, Region};

pub use rules::{Problem, Severity, Subject, with_lines as rules_with_lines};

/// The environment variable that points at a config file.
pub const CONFIG_ENV: &str = "FEDAWS_CONFIG";

/// The system-wide config, used when the user has none (and by a broker): under `/etc` on
/// Unix, under `%ProgramData%` (`C:\ProgramData`) on Windows.
pub fn system_config_path() -> PathBuf {
    #[cfg(windows)]
    {
        let data = std::env::var_os("ProgramData").unwrap_or_else(|| r"C:\ProgramData".into());
        PathBuf::from(data).join("fedaws").join("config.toml")
    }
    #[cfg(not(windows))]
    {
        PathBuf::from("/etc/fedaws/config.toml")
    }
}

/// The whole config file.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Settings that apply to every connector.
    #[serde(default)]
    pub settings: Settings,
    /// Long-term IAM user (or root) keys, by name. The keys themselves are in the secret store.
    #[serde(default)]
    pub accounts: BTreeMap<String, Account>,
    /// Recipes for temporary credentials, by name.
    #[serde(default)]
    pub connectors: BTreeMap<String, Connector>,
    /// Named lists of user names, besides the OS groups.
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
    /// Where the file was read from; relative `policy_file`s are resolved against its directory.
    #[serde(skip)]
    pub path: PathBuf,
}

/// `[settings]`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Default AWS region for STS calls, as written ([`Settings::region`] is the value).
    pub region: Option<String>,
    /// User names that may use every connector.
    pub admins: Vec<String>,
    /// Groups whose members may use every connector.
    pub admin_groups: Vec<String>,
    /// The account store's backend (`secret-service`, `keyutils`, `keychain`, `windows`, `file`,
    /// `vault`), as written ([`Settings::keyring`] is the value).
    pub keyring: Option<String>,
    /// STS endpoint URL, for testing or private endpoints.
    pub sts_endpoint: Option<String>,
    /// Cached credentials with less than this left are refreshed.
    #[serde(deserialize_with = "de_opt_duration")]
    pub refresh_margin: Option<u32>,
    /// Session name used for `--system` callers.
    pub system_identity: Option<String>,
    /// Template for STS session names (`{user}`, `{host}`).
    pub session_name: Option<String>,
    /// Connect timeout for STS calls.
    #[serde(deserialize_with = "de_opt_duration")]
    pub connect_timeout: Option<u32>,
    /// Whole-request timeout for STS calls.
    #[serde(deserialize_with = "de_opt_duration")]
    pub request_timeout: Option<u32>,
    /// Where issued credentials are cached: a store backend, or `none`, as written
    /// ([`Settings::cache`] is the value).
    pub cache: Option<String>,
    /// How long a caller waits for another one issuing the same credentials.
    #[serde(deserialize_with = "de_opt_duration")]
    pub lock_timeout: Option<u32>,
    /// The console federation endpoint, instead of the partition's.
    pub federation_endpoint: Option<String>,
    /// How long an account's `mfa_process` may run.
    #[serde(deserialize_with = "de_opt_duration")]
    pub mfa_process_timeout: Option<u32>,
    /// Users who may act as `--system` callers (administrators always may).
    pub system_users: Vec<String>,
    /// The encrypted file of the `file` secret store (relative to the config's directory).
    pub file_store: Option<PathBuf>,
    /// The key file of the `file` secret store (relative to the config's directory).
    pub file_store_key: Option<PathBuf>,
    /// The broker this user's commands go through (a client setting).
    pub broker: Option<PathBuf>,
    /// Where `fedaws broker run` listens (a broker setting).
    pub broker_socket: Option<PathBuf>,
    /// The group that may use the broker's socket (mode 0660); unset, everyone may (0666).
    pub broker_socket_group: Option<String>,
    /// `[settings.vault]`: the servers and login of the `vault` secret store.
    pub vault: Option<VaultSettings>,
    /// IAM endpoint URL (`account rotate`), for testing or private endpoints.
    pub iam_endpoint: Option<String>,
    /// Keys older than this many days are reported by `fedaws check` (`90` or `"90d"`).
    #[serde(deserialize_with = "de_opt_days")]
    pub max_key_age: Option<u32>,
}

/// `[settings.vault]`: where the `vault` secret store's servers are and how to log in.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VaultSettings {
    /// Server URLs, tried in order; else `VAULT_ADDR`, else `BAO_ADDR`.
    pub addresses: Vec<String>,
    /// The KV version 2 mount (default `secret`).
    pub mount: Option<String>,
    /// The path below the mount (default `fedaws`).
    pub prefix: Option<String>,
    /// The namespace; else `VAULT_NAMESPACE`, else `BAO_NAMESPACE`.
    pub namespace: Option<String>,
    /// CA certificates (PEM) to trust instead of the system's; else `VAULT_CACERT`/`BAO_CACERT`.
    pub ca_cert: Option<PathBuf>,
    /// Allow plain `http://` to a loopback address (a dev server). Nothing proves who answers
    /// there: any local user who binds the port first would be given the token and the keys.
    pub insecure_http: bool,
    /// `token` (default) or `approle`.
    pub auth: Option<String>,
    /// Where the token is when `VAULT_TOKEN`/`BAO_TOKEN` are unset (default `~/.vault-token`).
    pub token_file: Option<PathBuf>,
    /// The AppRole role id.
    pub role_id: Option<String>,
    /// The file holding the AppRole secret id (`$CREDENTIALS_DIRECTORY/...` allowed).
    pub secret_id_file: Option<PathBuf>,
    /// Where AppRole is mounted (default `approle`).
    pub approle_mount: Option<String>,
}

/// The names the rules check are kept as written, not parsed when the file is read: a bad one is
/// then one of the problems `check` lists with every other, with its line, and one an edit may
/// leave as it was (see [`Depth`], [`Config::problems`]), instead of a file that does not parse.
/// These accessors give the values, parsed with the functions the rules use.
impl Settings {
    /// `region`, parsed.
    pub fn region(&self) -> Result<Option<Region>, FieldError> {
        self.region
            .as_deref()
            .map(|r| Region::parse("region", r))
            .transpose()
    }

    /// `keyring`, parsed: the account store's backend, where the settings name one.
    pub fn keyring(&self) -> Result<Option<Backend>, crate::secret::ChoiceError> {
        self.keyring
            .as_deref()
            .map(|k| Backend::parse("settings.keyring", k))
            .transpose()
            .map_err(crate::secret::ChoiceError::Setting)
    }

    /// `cache`, parsed: where issued credentials go, where the settings say.
    pub fn cache(&self) -> Result<Option<CacheSetting>, crate::secret::ChoiceError> {
        self.cache
            .as_deref()
            .map(|c| CacheSetting::parse("settings.cache", c))
            .transpose()
            .map_err(crate::secret::ChoiceError::Setting)
    }

    /// How long before they expire cached credentials are refreshed: `refresh_margin`, else
    /// `default`.
    pub fn refresh_margin_or(&self, default: std::time::Duration) -> std::time::Duration {
        self.refresh_margin
            .map_or(default, |s| std::time::Duration::from_secs(s.into()))
    }
}

/// `[accounts.NAME]`. `Debug` does not show the `mfa_process` text (it may hold a TOTP seed).
/// `Serialize` is what [`edit::put_account`] writes.
#[derive(Default, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Account {
    /// `iam-user` (default) or `root`.
    pub kind: AccountKind,
    /// ARN or serial of the account's MFA device.
    pub mfa_serial: Option<String>,
    /// A command whose stdout is a current MFA code.
    pub mfa_process: Option<String>,
    /// Free text for people.
    pub description: Option<String>,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("kind", &self.kind)
            .field("mfa_serial", &self.mfa_serial)
            .field(
                "mfa_process",
                &self.mfa_process.as_ref().map(|_| "[hidden]"),
            )
            .field("description", &self.description)
            .finish()
    }
}

/// `[connectors.NAME]`. `Serialize` is what [`edit::put_connector`] writes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Connector {
    /// The account whose keys sign the STS call.
    pub account: String,
    /// Which STS call makes the credentials.
    pub principal: Principal,
    /// The role to assume (`assume-role` only).
    #[serde(default)]
    pub role_arn: Option<String>,
    /// External ID the role's trust policy expects (`assume-role` only).
    #[serde(default)]
    pub external_id: Option<String>,
    /// Inline session policy (JSON text).
    #[serde(default)]
    pub policy: Option<String>,
    /// Session policy in a file, relative to the config file.
    #[serde(default)]
    pub policy_file: Option<PathBuf>,
    /// Managed session policies.
    #[serde(default)]
    pub policy_arns: Vec<String>,
    /// Longest lifetime a caller may ask for.
    #[serde(default)]
    pub max_duration: Option<MaxDuration>,
    /// Groups whose members may use this connector.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Usable by `--system` callers without a user session.
    #[serde(default)]
    pub system_scope: bool,
    /// Region for the STS call, overriding the settings, as written ([`Connector::region`] is
    /// the value).
    #[serde(default)]
    pub region: Option<String>,
    /// Free text for people.
    #[serde(default)]
    pub description: Option<String>,
    /// Session tags passed to STS.
    #[serde(default)]
    pub session_tags: BTreeMap<String, String>,
    /// Send the caller's name as `SourceIdentity` (assume-role only), so CloudTrail shows who
    /// acted even under a shared role.
    #[serde(default)]
    pub source_identity: bool,
}

/// The keys a table read as `T` may have: the names of the fields serde reads into `T`, asked of
/// `T` itself (its `Deserialize` names them when it asks for a struct), so that the lists the
/// unknown-key check offers are the structs' own.
pub fn keys<T: de::DeserializeOwned>() -> &'static [&'static str] {
    struct Fields<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Fields<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("only the names were asked for"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

/// A number of days: `90`, or `"90d"`.
fn de_opt_days<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct V;
    impl de::Visitor<'_> for V {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number of days such as 90 or \"90d\"")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u32::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("{v} is not a number of days")))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.visit_i64(i64::try_from(v).unwrap_or(-1))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.strip_suffix(['d', 'D'])
                .and_then(|n| n.parse().ok())
                .map(Some)
                .ok_or_else(|| E::custom(format!("{v:?} is not a number of days such as \"90d\"")))
        }
    }
    d.deserialize_any(V)
}

fn de_opt_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct V;
    impl de::Visitor<'_> for V {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a duration such as 900, \"15m\", \"1h30m\" or \"36h\"")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u32::try_from(v).map(Some).map_err(|_| {
                E::custom(format!(
                    "duration {v} is not a number of seconds from 0 to {}",
                    u32::MAX
                ))
            })
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.visit_i64(i64::try_from(v).unwrap_or(-1))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            crate::validate::parse_duration("duration", v)
                .map(Some)
                .map_err(E::custom)
        }
    }
    d.deserialize_any(V)
}

/// Why a config could not be used. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No config file exists where fedaws looked.
    #[error("no config file at {}{}\n  hint: create one with `fedaws init`, or point at one with --config or {CONFIG_ENV}", .path.display(), .also)]
    NotFound {
        /// The path that was expected.
        path: PathBuf,
        /// Other places that were tried, pre-formatted.
        also: String,
    },
    /// The file exists but cannot be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or not shaped like a fedaws config.
    #[error("{}: {message}", .path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the parser said, with line and column.
        message: String,
    },
    /// The file parses but breaks rules.
    #[error("{} has {} problem{}:\n{}", .path.display(), .problems.len(), if .problems.len() == 1 { "" } else { "s" }, rules::list(.problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every error found (warnings are not listed here).
        problems: Vec<Problem>,
    },
    /// `init` would overwrite a file.
    #[error("{} already exists; fedaws init never overwrites a config (edit it, or remove it first)", .path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// The file, or a directory above it, can be changed by someone other than the caller or
    /// root.
    #[error(transparent)]
    Untrusted(#[from] crate::trust::Untrusted),
    /// The file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Where the config was found, and why there.
#[derive(Debug, Clone)]
pub struct Location {
    /// The file to read and edit.
    pub path: PathBuf,
    /// Every place that was considered, in order, for "not found" messages.
    pub searched: Vec<PathBuf>,
}

/// Find the config: `--config`/`FEDAWS_CONFIG` (already merged by the caller), else the user's
/// config dir, else the system's ([`system_config_path`]) when only that exists.
pub fn locate(explicit: Option<&Path>) -> Location {
    if let Some(p) = explicit {
        return Location {
            path: p.to_path_buf(),
            searched: vec![p.to_path_buf()],
        };
    }
    let user = user_config_path();
    let system = system_config_path();
    let path = match &user {
        Some(u) if !u.exists() && system.exists() => system.clone(),
        Some(u) => u.clone(),
        None => system.clone(),
    };
    Location {
        path,
        searched: user.into_iter().chain([system]).collect(),
    }
}

/// `$XDG_CONFIG_HOME/fedaws/config.toml` or the platform's equivalent.
pub fn user_config_path() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.config_dir().join("fedaws").join("config.toml"))
}

/// `$XDG_STATE_HOME/fedaws` (`~/.local/state/fedaws`), or the platform's local data directory:
/// lock files and the audit log.
pub fn state_dir() -> PathBuf {
    directories::BaseDirs::new()
        .map(|b| {
            b.state_dir()
                .unwrap_or_else(|| b.data_local_dir())
                .join("fedaws")
        })
        .unwrap_or_else(|| std::env::temp_dir().join("fedaws"))
}

/// Where fedaws keeps what lives as long as the user's session: `fedaws` in the runtime
/// directory (`XDG_RUNTIME_DIR`), else the state directory's `run`.
pub fn runtime_dir() -> PathBuf {
    directories::BaseDirs::new()
        .and_then(|b| b.runtime_dir().map(|d| d.join("fedaws")))
        .unwrap_or_else(|| state_dir().join("run"))
}

/// How thoroughly to check: `Deep` also reads policy files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything in the file itself.
    Shallow,
    /// Also the contents of every `policy_file`.
    Deep,
}

impl Config {
    /// Read, parse and check the config at `location`.
    ///
    /// A file that anyone but the caller or root could have changed is refused before it is
    /// parsed (see [`crate::trust`]): it could name any command as an `mfa_process`.
    pub fn load(location: &Location, depth: Depth) -> Result<Config, ConfigError> {
        if let Err(untrusted) = crate::trust::check(&location.path, crate::trust::Role::Config) {
            // A missing file is reported as such, with the places searched.
            Config::read_text(location)?;
            return Err(untrusted.into());
        }
        let text = Config::read_text(location)?;
        Config::from_text(&location.path, &text, depth)
    }

    /// The config file's text; a missing file is an error that says where fedaws looked.
    pub fn read_text(location: &Location) -> Result<String, ConfigError> {
        let path = &location.path;
        match std::fs::read_to_string(path) {
            Ok(t) => Ok(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let others: Vec<String> = location
                    .searched
                    .iter()
                    .filter(|p| *p != path)
                    .map(|p| p.display().to_string())
                    .collect();
                let also = if others.is_empty() {
                    String::new()
                } else {
                    format!(" (also looked at {})", others.join(", "))
                };
                Err(ConfigError::NotFound {
                    path: path.clone(),
                    also,
                })
            }
            Err(source) => Err(ConfigError::Read {
                path: path.clone(),
                source,
            }),
        }
    }

    /// Parse and check config text that came from `path`.
    pub fn from_text(path: &Path, text: &str, depth: Depth) -> Result<Config, ConfigError> {
        let config = Config::parse(path, text)?;
        let problems: Vec<Problem> = config
            .problems(depth)
            .into_iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                problems: rules::with_lines(problems, text),
            })
        }
    }

    /// Parse without the semantic rules: TOML syntax, known keys, value types.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let parse_error = |message: String| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        };
        let doc = toml_edit::Document::parse(text.to_string())
            .map_err(|e| parse_error(parse_message(&e)))?;
        rules::check_keys(&doc).map_err(parse_error)?;
        let mut config: Config =
            toml_edit::de::from_document(doc).map_err(|e| parse_error(parse_message(&e)))?;
        config.path = path.to_path_buf();
        Ok(config)
    }

    /// Every rule broken by this config, errors and warnings, without line numbers.
    pub fn problems(&self, depth: Depth) -> Vec<Problem> {
        rules::check(self, depth)
    }

    /// The directory relative paths in the config are resolved against.
    pub fn base_dir(&self) -> &Path {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        }
    }

    /// A connector by name, or an error that suggests the closest one.
    pub fn connector(&self, name: &str) -> Result<&Connector, NotFound> {
        self.connectors
            .get(name)
            .ok_or_else(|| not_found("connector", name, self.connectors.keys()))
    }

    /// An account by name, or an error that suggests the closest one.
    pub fn account(&self, name: &str) -> Result<&Account, NotFound> {
        self.accounts
            .get(name)
            .ok_or_else(|| not_found("account", name, self.accounts.keys()))
    }

    /// The names of the connectors that use an account.
    pub fn connectors_using(&self, account: &str) -> Vec<&str> {
        self.connectors
            .iter()
            .filter(|(_, c)| c.account == account)
            .map(|(n, _)| n.as_str())
            .collect()
    }
}

impl Connector {
    /// A connector of `account` and `principal` with nothing else set.
    pub fn new(account: String, principal: Principal) -> Connector {
        Connector {
            account,
            principal,
            role_arn: None,
            external_id: None,
            policy: None,
            policy_file: None,
            policy_arns: Vec::new(),
            max_duration: None,
            groups: Vec::new(),
            system_scope: false,
            region: None,
            description: None,
            session_tags: BTreeMap::new(),
            source_identity: false,
        }
    }

    /// `max_duration` in seconds.
    pub fn max_duration_secs(&self) -> Option<u32> {
        self.max_duration.as_ref().map(MaxDuration::secs)
    }

    /// `region`, parsed (see [`Settings::region`] for why it is kept as written).
    pub fn region(&self) -> Result<Option<Region>, FieldError> {
        self.region
            .as_deref()
            .map(|r| Region::parse("region", r))
            .transpose()
    }

    /// The session policy text, from `policy` or the file named by `policy_file` (which, like
    /// the config, must be one only the caller or root can change).
    pub fn policy_text(&self, base_dir: &Path) -> Result<Option<String>, crate::trust::ReadError> {
        if let Some(p) = &self.policy {
            return Ok(Some(p.clone()));
        }
        match &self.policy_file {
            Some(f) => {
                crate::trust::read_to_string(&base_dir.join(f), crate::trust::Role::PolicyFile)
                    .map(Some)
            }
            None => Ok(None),
        }
    }
}

/// A TOML parser's message without the excerpt of the file it quotes: line and column say where,
/// and the excerpt could be the line of an `mfa_process` that holds a TOTP seed.
pub fn parse_message(error: &dyn fmt::Display) -> String {
    let text = error.to_string();
    let excerpt = |line: &str| {
        let t = line.trim_start();
        let after_number = t.trim_start_matches(|c: char| c.is_ascii_digit());
        after_number.trim_start().starts_with('|')
    };
    text.lines()
        .filter(|l| !excerpt(l) && !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A name that is not in the config: "no connector `x`; did you mean `y`?", with what exists.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct NotFound {
    /// What kind of thing was looked for (`connector`, `account`, `group`).
    pub what: String,
    /// The name looked for.
    pub name: String,
    /// The whole message.
    pub message: String,
}

/// "no connector `x`; did you mean `y`?" with the list of what exists.
pub fn not_found<'a>(
    what: &str,
    name: &str,
    existing: impl Iterator<Item = &'a String>,
) -> NotFound {
    let existing: Vec<&String> = existing.collect();
    let mut message = format!("no {what} named `{}`", crate::output::escape_all(name));
    if let Some(best) = did_you_mean(name, existing.iter().map(|s| s.as_str())) {
        message.push_str(&format!("; did you mean `{best}`?"));
    } else if existing.is_empty() {
        message.push_str(&format!("; there are no {what}s yet"));
    } else if existing.len() <= 20 {
        let names: Vec<&str> = existing.iter().map(|s| s.as_str()).collect();
        message.push_str(&format!("; existing: {}", names.join(", ")));
    }
    NotFound {
        what: what.to_string(),
        name: name.to_string(),
        message,
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_the_toml_parser_once_panicked_on_is_a_parse_error() {
        // Found by fuzzing (the `config` target): toml_edit 0.23 panicked on a key named twice
        // in this shape ("all items have spans"); 0.25 refuses it.
        let path = Path::new("/nonexistent/config.toml");
        for text in ["==\n.=", "[settings]\nr\0=1\n[c]\n==\n.="] {
            assert!(
                matches!(Config::parse(path, text), Err(ConfigError::Parse { .. })),
                "{text:?}"
            );
            let _ = rules_with_lines(Vec::new(), text);
        }
    }

    #[test]
    fn debug_hides_the_mfa_process() {
        let text = "[accounts.a]\nmfa_process = \"oathtool --totp -b JBSWY3DPEHPK3PXP\"\n";
        let config = Config::parse(Path::new("c.toml"), text).unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("JBSWY3DPEHPK3PXP"), "{shown}");
        assert!(shown.contains("[hidden]"), "{shown}");
    }

    #[test]
    fn parse_errors_say_where_without_quoting_the_file() {
        let text = "[accounts.a]\nmfa_process = \"oathtool --totp -b JBSWY3DPEHPK3PXP\n";
        let e = Config::parse(Path::new("c.toml"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        assert!(!e.contains("JBSWY3DPEHPK3PXP"), "{e}");
        let text = "[accounts.a]\nmfa_process = 5 # JBSWY3DPEHPK3PXP\n";
        let e = Config::parse(Path::new("c.toml"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        assert!(!e.contains("JBSWY3DPEHPK3PXP"), "{e}");
    }

    fn problems_of(text: &str) -> Vec<String> {
        Config::parse(Path::new("c.toml"), text)
            .unwrap()
            .problems(Depth::Shallow)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn vault_settings_name_the_field_the_value_and_what_is_allowed() {
        let good = "[settings]\nkeyring = \"vault\"\n[settings.vault]\naddresses = [\"https://vault.example:8200\"]\nmount = \"kv/team\"\nauth = \"approle\"\nrole_id = \"r-1\"\nsecret_id_file = \"$CREDENTIALS_DIRECTORY/vault-secret-id\"\n";
        assert!(problems_of(good).is_empty(), "{:?}", problems_of(good));
        for (text, wanted) in [
            ("addresses = [\"vault:8200\"]", "vault.addresses"),
            ("mount = \"/secret/\"", "vault.mount"),
            ("prefix = \"a/../b\"", "vault.prefix"),
            ("auth = \"ldap\"", "allowed: token, approle"),
            ("auth = \"approle\"", "vault.role_id"),
            ("role_id = \"r\"", "is for auth = \"approle\""),
            (
                "addresses = [\"http://127.0.0.1:8200\"]",
                "vault.addresses = \"http://127.0.0.1:8200\": is plain http://",
            ),
            (
                "addresses = [\"http://127.0.0.1:8200\"]",
                "set settings.vault.insecure_http = true",
            ),
            (
                "addresses = [\"http://vault.example:8200\"]\ninsecure_http = true",
                "unencrypted across the network",
            ),
            (
                "addresses = [\"unix://vault.sock\"]",
                if cfg!(unix) {
                    "absolute path"
                } else {
                    "this system has none"
                },
            ),
        ] {
            let all = problems_of(&format!("[settings.vault]\n{text}\n")).join("\n");
            assert!(all.contains(wanted), "{text}: {all}");
        }
        // A dev server on loopback: allowed, with a warning that says what it risks.
        // (A socket where the system has them.)
        let dev = if cfg!(unix) {
            "[settings.vault]\naddresses = [\"http://127.0.0.1:8200\", \"unix:///run/openbao/bao.sock\"]\ninsecure_http = true\n"
        } else {
            "[settings.vault]\naddresses = [\"http://127.0.0.1:8200\"]\ninsecure_http = true\n"
        };
        let all = problems_of(dev);
        assert!(
            all.len() == 1
                && all[0].starts_with("warning: settings: vault.insecure_http")
                && all[0].contains("any local user who binds the port first"),
            "{all:?}"
        );
        let all = problems_of("[settings]\ncache = \"vault\"\n").join("\n");
        assert!(all.contains("never written to Vault"), "{all}");
        let e = Config::parse(Path::new("c.toml"), "[settings.vault]\nadress = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown key `adress` in [settings.vault]") && e.contains("addresses"),
            "{e}"
        );
    }

    #[test]
    fn the_keys_are_the_fields_of_the_types() {
        assert_eq!(
            keys::<Config>(),
            ["settings", "accounts", "connectors", "groups"]
        );
        assert_eq!(
            keys::<Account>(),
            ["kind", "mfa_serial", "mfa_process", "description"]
        );
        for (what, keys) in [
            ("settings", keys::<Settings>()),
            ("vault", keys::<VaultSettings>()),
            ("connector", keys::<Connector>()),
        ] {
            assert!(keys.len() > 10, "{what}: {keys:?}");
        }
    }
}
