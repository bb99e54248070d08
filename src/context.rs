//! What every command gets: where the config is, how to reach the secret stores, whether it may
//! prompt, and where its output goes. It is also what the issuing core sees of the real world
//! (see [`crate::issue::Services`]); the core's unit tests give it a world of fakes instead.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::Global;
use crate::config::{self, Config, Depth, Location, VaultSettings};
use crate::output::escape_controls;
use crate::prompt::{Prompter, TerminalPrompter};
use crate::secret::{self, Backend, SecretStore};
use anyhow::Context as _;

/// The environment a command runs in.
pub struct Context {
    /// Where the config file is.
    pub location: Location,
    /// The config was named by `--config` or `FEDAWS_CONFIG`, not found by search.
    pub location_explicit: bool,
    /// `--keyring` / `FEDAWS_KEYRING`.
    pub keyring_flag: Option<Backend>,
    /// Whether prompting is allowed (a terminal, and no `--no-input`).
    pub interactive: bool,
    /// `-q`: only errors on stderr.
    pub quiet: bool,
    /// `-v` count.
    pub verbose: u8,
    /// Where results go.
    pub out: Box<dyn Write>,
    /// Where diagnostics go.
    pub err: Box<dyn Write>,
    /// How to ask a person.
    pub prompter: Box<dyn Prompter>,
    /// What stdin is, for commands that read secrets from it.
    pub stdin: Box<dyn std::io::BufRead>,
    /// `--no-input` was given: never prompt, not even on /dev/tty.
    pub no_input: bool,
    /// Whether stdout is a terminal (picks the default output format).
    pub stdout_is_terminal: bool,
    /// How credentials are issued.
    pub sts: Box<dyn crate::sts::Sts>,
    /// The broker commands go through, if any (see [`choose_broker`]).
    pub broker: Option<crate::broker::client::Broker>,
    /// Who the command acts for when that is not this process's user: a broker's peer, as the
    /// kernel named it. `None`: this process's user.
    pub peer: Option<crate::authz::Identity>,
    /// Where the audit log and the locks are.
    pub state_dir: PathBuf,
    /// The cache, when it is not a store of its own (a broker's memory).
    pub cache_in_memory: Option<secret::MemoryStore>,
    /// The config as already loaded (a broker's last good one), which [`Context::load`] gives
    /// instead of reading the file again.
    pub loaded: Option<std::sync::Arc<Config>>,
    /// Makes another context like this one, for work on other threads (the credential server's
    /// refreshes, each with its own streams and stores).
    pub renew: std::sync::Arc<dyn Fn() -> Context + Send + Sync>,
}

impl Context {
    /// The context of a real process.
    pub fn from_cli(global: &Global) -> Context {
        let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        let location = config::locate(global.config.as_deref());
        Context {
            broker: choose_broker(global, &location),
            peer: None,
            state_dir: config::state_dir(),
            cache_in_memory: None,
            loaded: None,
            location,
            location_explicit: global.config.is_some(),
            keyring_flag: global.keyring,
            interactive: terminal && !global.no_input,
            quiet: global.quiet,
            verbose: global.verbose,
            // Buffered but not locked: the credential server makes contexts on other threads.
            out: Box::new(std::io::BufWriter::new(std::io::stdout())),
            err: Box::new(std::io::stderr()),
            prompter: Box::new(TerminalPrompter::default()),
            // Not a held lock: the terminal prompts read stdin themselves.
            stdin: Box::new(std::io::BufReader::new(std::io::stdin())),
            no_input: global.no_input,
            stdout_is_terminal: std::io::stdout().is_terminal(),
            sts: Box::new(crate::sts::AwsSts),
            renew: {
                let global = global.clone();
                std::sync::Arc::new(move || Context::from_cli(&global))
            },
        }
    }

    /// The context a broker runs a command in for `peer`: the broker's config, store, state
    /// directory and memory cache; prompts through `prompter` (the caller's replies) when the
    /// caller can answer them, else none; output to `out` and `err`.
    pub fn for_peer(
        peer: PeerContext,
        prompter: Box<dyn Prompter>,
        out: Box<dyn Write>,
        err: Box<dyn Write>,
    ) -> Context {
        let renew = {
            let peer = peer.clone();
            std::sync::Arc::new(move || {
                Context::for_peer(
                    PeerContext {
                        replies: None,
                        ..peer.clone()
                    },
                    Box::new(TerminalPrompter::default()),
                    Box::new(std::io::sink()),
                    Box::new(std::io::sink()),
                )
            })
        };
        Context {
            location: peer.location,
            location_explicit: true,
            keyring_flag: peer.keyring,
            interactive: peer.replies.is_some(),
            quiet: false,
            verbose: peer.verbose,
            out,
            err,
            prompter,
            stdin: Box::new(std::io::Cursor::new(peer.stdin.as_bytes().to_vec())),
            no_input: peer.replies.is_none(),
            stdout_is_terminal: peer.terminal,
            sts: Box::new(crate::sts::AwsSts),
            broker: None,
            peer: Some(peer.identity),
            state_dir: peer.state_dir,
            cache_in_memory: Some(peer.cache),
            loaded: peer.config,
            renew,
        }
    }

    /// Who the command acts for: the broker's peer, or this process's effective user with its
    /// groups as the kernel holds them.
    pub fn identity(
        &self,
        system: bool,
    ) -> Result<crate::authz::Identity, crate::identity::Nameless> {
        if let Some(peer) = &self.peer {
            return Ok(crate::authz::Identity {
                system,
                ..peer.clone()
            });
        }
        Ok(crate::authz::Identity {
            user: crate::identity::current_user().ok_or(crate::identity::Nameless)?,
            uid: crate::identity::current_uid(),
            os_groups: crate::identity::current_os_groups(),
            system,
        })
    }

    /// Load and check the config: the one already loaded, if there is one (a broker serves its
    /// last good config, whatever the file holds now), else the file.
    pub fn load(&self, depth: Depth) -> anyhow::Result<Config> {
        match &self.loaded {
            Some(config) if depth == Depth::Shallow => Ok(Config::clone(config)),
            _ => Ok(Config::load(&self.location, depth)?),
        }
    }

    /// Who the commands of this context run for: this process's user, or a broker's peer.
    fn mode(&self) -> secret::Mode {
        match self.peer {
            Some(_) => secret::Mode::Broker,
            None => secret::Mode::Local,
        }
    }

    /// The stores this context uses (see [`secret::choose`]).
    pub fn stores(&self, config: Option<&Config>) -> anyhow::Result<secret::Chosen> {
        let (keyring, cache) = match config {
            Some(c) => (c.settings.keyring()?, c.settings.cache()?),
            None => (None, None),
        };
        Ok(secret::choose(
            self.mode(),
            self.keyring_flag,
            keyring,
            cache,
        ))
    }

    /// The account store's backend (see [`secret::choose`]).
    pub fn backend(&self, config: Option<&Config>) -> anyhow::Result<Backend> {
        Ok(self.stores(config)?.accounts)
    }

    /// Open the secret store that holds the accounts' keys.
    pub fn store(&mut self, config: Option<&Config>) -> anyhow::Result<Box<dyn SecretStore>> {
        let backend = self.backend(config)?;
        secret::open(backend, secret::SERVICE, &self.places(config))
            .context("opening the secret store")
    }

    /// The store a cache hit may be served from before the config is read: the kernel keyring,
    /// the default cache on Linux. Entries there were written only under a config that put the
    /// cache there, and they carry the stamps of that config, so any change to it is a miss.
    pub fn fast_cache_store(&mut self) -> Option<Box<dyn SecretStore>> {
        if let Some(memory) = &self.cache_in_memory {
            return Some(Box::new(memory.clone()));
        }
        if cfg!(target_os = "linux") {
            secret::open(Backend::Keyutils, secret::CACHE_SERVICE, &self.places(None)).ok()
        } else {
            None
        }
    }

    /// Open the cache store, if caching is on.
    pub fn cache_store(&mut self, config: &Config) -> anyhow::Result<Option<Box<dyn SecretStore>>> {
        match self.stores(Some(config))?.cache {
            secret::CacheAt::Off => Ok(None),
            secret::CacheAt::BrokerMemory => Ok(self
                .cache_in_memory
                .clone()
                .map(|memory| Box::new(memory) as Box<dyn SecretStore>)),
            secret::CacheAt::Store(backend) => {
                secret::open(backend, secret::CACHE_SERVICE, &self.places(Some(config)))
                    .map(Some)
                    .context("opening the credential cache")
            }
        }
    }

    /// Where the `file` and `vault` stores are (see [`places`]).
    pub fn places(&self, config: Option<&Config>) -> secret::Places {
        places(&self.location, config, &self.state_dir)
    }

    /// A note on stderr, unless `-q`.
    pub fn note(&mut self, message: impl std::fmt::Display) {
        if !self.quiet {
            let text = message.to_string();
            let _ = writeln!(self.err, "{}", escape_controls(&text));
        }
    }

    /// A warning on stderr, unless `-q`.
    pub fn warn(&mut self, message: impl std::fmt::Display) {
        if !self.quiet {
            let text = message.to_string();
            let _ = writeln!(self.err, "fedaws: warning: {}", escape_controls(&text));
        }
    }

    /// What fedaws decides and why, on stderr with `-v` (level 1) or `-vv` (level 2). Never a
    /// secret: callers pass names, paths, reasons and timings only.
    pub fn debug(&mut self, level: u8, message: impl std::fmt::Display) {
        if self.verbose >= level && !self.quiet {
            let text = message.to_string();
            let _ = writeln!(self.err, "fedaws: {}", escape_controls(&text));
        }
    }
}

/// What a broker's command context is made of (see [`Context::for_peer`]).
#[derive(Clone)]
pub struct PeerContext {
    /// The broker's config.
    pub location: Location,
    /// The broker's `--keyring` (the account store's backend, else chosen as a broker chooses).
    pub keyring: Option<Backend>,
    /// The peer, as the kernel named it.
    pub identity: crate::authz::Identity,
    /// The broker's state directory.
    pub state_dir: PathBuf,
    /// The broker's cache.
    pub cache: secret::MemoryStore,
    /// What the command reads on stdin.
    pub stdin: zeroize::Zeroizing<String>,
    /// The caller's stdout is a terminal.
    pub terminal: bool,
    /// The replies to the dialog so far, when the caller can answer one at a terminal.
    pub replies: Option<Vec<crate::broker::dialog::Reply>>,
    /// The broker's config as it serves it (its last good one); `None` for a command that
    /// changes the file, which reads the file itself.
    pub config: Option<std::sync::Arc<Config>>,
    /// `-v` count of the command line.
    pub verbose: u8,
}

/// Where the `file` store and its key are, and the `vault` store's servers and login, from the
/// config's settings and the environment; relative paths are the config directory's.
pub fn places(location: &Location, config: Option<&Config>, state_dir: &Path) -> secret::Places {
    let base = config.map_or_else(
        || {
            location
                .path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        },
        |c| c.base_dir().to_path_buf(),
    );
    secret::Places {
        file: file_spec(config, &base, state_dir),
        vault: vault_spec(config.and_then(|c| c.settings.vault.as_ref()), &base),
    }
}

/// `[settings.vault]` with the defaults: addresses from `VAULT_ADDR`/`BAO_ADDR`, mount
/// `secret`, prefix `fedaws`, the namespace and CA from the environment, token login. A leading
/// `$CREDENTIALS_DIRECTORY` in a path is systemd's credentials directory.
fn vault_spec(settings: Option<&VaultSettings>, base: &Path) -> secret::VaultSpec {
    let default = VaultSettings::default();
    let v = settings.unwrap_or(&default);
    let env = |names: [&str; 2]| {
        names
            .iter()
            .find_map(|n| std::env::var(n).ok().filter(|s| !s.trim().is_empty()))
    };
    let path = |p: &Path| -> PathBuf {
        let text = p.to_string_lossy();
        for var in ["$CREDENTIALS_DIRECTORY", "${CREDENTIALS_DIRECTORY}"] {
            if let Some(rest) = text.strip_prefix(var)
                && let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY")
            {
                return PathBuf::from(dir).join(rest.trim_start_matches('/'));
            }
        }
        base.join(p)
    };
    let (addresses, addresses_from) = if v.addresses.is_empty() {
        let from = ["VAULT_ADDR", "BAO_ADDR"]
            .into_iter()
            .find(|n| std::env::var(n).is_ok_and(|s| !s.trim().is_empty()))
            .unwrap_or("VAULT_ADDR");
        (
            env(["VAULT_ADDR", "BAO_ADDR"]).into_iter().collect(),
            from.to_string(),
        )
    } else {
        (v.addresses.clone(), "settings.vault.addresses".to_string())
    };
    let auth = match (v.auth.as_deref(), &v.role_id, &v.secret_id_file) {
        (Some("approle"), Some(role_id), Some(file)) => secret::VaultAuth::AppRole {
            role_id: role_id.clone(),
            secret_id_file: path(file),
            mount: v.approle_mount.clone().unwrap_or_else(|| "approle".into()),
        },
        _ => match &v.token_file {
            Some(file) => secret::VaultAuth::TokenFile(path(file)),
            None => secret::VaultAuth::Token,
        },
    };
    secret::VaultSpec {
        addresses,
        addresses_from,
        mount: v.mount.clone().unwrap_or_else(|| "secret".into()),
        prefix: v.prefix.clone().unwrap_or_else(|| "fedaws".into()),
        namespace: v
            .namespace
            .clone()
            .or_else(|| env(["VAULT_NAMESPACE", "BAO_NAMESPACE"])),
        ca_cert: v
            .ca_cert
            .as_deref()
            .map(path)
            .or_else(|| env(["VAULT_CACERT", "BAO_CACERT"]).map(PathBuf::from)),
        insecure_http: v.insecure_http,
        auth,
    }
}

/// Where the `file` store and its key are: `settings.file_store` (else `store.enc` in
/// `state_dir`) and `settings.file_store_key`, else systemd's credential
/// `$CREDENTIALS_DIRECTORY/fedaws-store-key`, else `fedaws-store.key` made beside the config.
/// Relative paths are `base`'s.
fn file_spec(config: Option<&Config>, base: &Path, state_dir: &Path) -> secret::FileSpec {
    let settings = config.map(|c| &c.settings);
    let store = settings
        .and_then(|s| s.file_store.as_ref())
        .map_or_else(|| state_dir.join("store.enc"), |p| base.join(p));
    let credential = std::env::var_os("CREDENTIALS_DIRECTORY")
        .filter(|d| !d.is_empty())
        .map(|d| PathBuf::from(d).join(secret::CREDENTIAL_NAME))
        .filter(|p| p.exists());
    let key = match (settings.and_then(|s| s.file_store_key.as_ref()), credential) {
        (Some(p), _) => secret::KeySource::Given(base.join(p)),
        (None, Some(p)) => secret::KeySource::Systemd(p),
        (None, None) => secret::KeySource::Made(base.join("fedaws-store.key")),
    };
    secret::FileSpec { store, key }
}

/// The broker this process's commands go through: `--broker` or `FEDAWS_BROKER`; else
/// `settings.broker` in the caller's own config (a trusted one); else, when the caller has no
/// config of their own and the system broker's socket exists, that one. `None`: local mode.
pub fn choose_broker(
    global: &Global,
    location: &Location,
) -> Option<crate::broker::client::Broker> {
    use crate::broker::client::Broker;
    if let Some(path) = &global.broker {
        return Some(Broker::at(path));
    }
    let own =
        global.config.is_some() || config::user_config_path().as_ref() == Some(&location.path);
    if own && location.path.exists() {
        return settings_broker(&location.path).map(Broker::at);
    }
    let system = Path::new(crate::broker::DEFAULT_SOCKET);
    std::fs::symlink_metadata(system)
        .is_ok()
        .then(|| Broker::at(system))
}

/// `settings.broker` of the config at `path`, relative to its directory, when the file is
/// trusted and says so. Anything else (a config that does not parse, say) leaves the decision to
/// local mode, which reports what is wrong with it.
///
/// Every command asks this, the cache hit of `creds` included, so the file is read only as far
/// as its `[settings]` table (the first table in a config `init` wrote), and parsed only when
/// that sets `broker`: a config of 10,000 connectors takes 200 ms to parse, 2 ms to read.
fn settings_broker(path: &Path) -> Option<PathBuf> {
    crate::trust::check(path, crate::trust::Role::Config).ok()?;
    let file = std::fs::File::open(path).ok()?;
    if !sets_broker(std::io::BufReader::new(file)).ok()? {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let doc: toml_edit::DocumentMut = text.parse().ok()?;
    let broker = doc.get("settings")?.get("broker")?.as_str()?;
    Some(path.parent().unwrap_or(Path::new(".")).join(broker))
}

/// Whether the config read from `lines` has a `broker = …` line in its `[settings]` table (or
/// a `settings.broker = …` line before any table), read no further than that table's end.
fn sets_broker(lines: impl std::io::BufRead) -> std::io::Result<bool> {
    let sets = |line: &[u8], key: &[u8]| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.iter().find(|b| !matches!(b, b' ' | b'\t')) == Some(&b'='))
    };
    let mut table: Option<bool> = None;
    for line in lines.split(b'\n') {
        let line = line?;
        let line = line.trim_ascii();
        if line.starts_with(b"[") {
            if table == Some(true) {
                return Ok(false);
            }
            let name: Vec<u8> = line.iter().copied().filter(|b| *b != b' ').collect();
            table = Some(name == b"[settings]");
            continue;
        }
        let found = match table {
            None => sets(line, b"settings.broker"),
            Some(true) => sets(line, b"broker"),
            Some(false) => false,
        };
        if found {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The real world, as the issuing core sees it: this config, the stores it names, AWS, the
/// terminal, the clock, the process's environment.
impl crate::issue::Services for Context {
    fn location(&self) -> &Location {
        &self.location
    }

    fn account_store(&mut self, config: &Config) -> anyhow::Result<Box<dyn SecretStore>> {
        self.store(Some(config))
    }

    fn fast_cache_store(&mut self) -> Option<Box<dyn SecretStore>> {
        Context::fast_cache_store(self)
    }

    fn cache_store(&mut self, config: &Config) -> anyhow::Result<Option<Box<dyn SecretStore>>> {
        Context::cache_store(self, config)
    }

    fn sts(&self) -> &dyn crate::sts::Sts {
        self.sts.as_ref()
    }

    fn ask_mfa_code(&mut self, serial: &str) -> anyhow::Result<Option<secrecy::SecretString>> {
        if self.no_input {
            return Ok(None);
        }
        crate::issue::mfa::ask_on_terminal(serial)
    }

    fn debug(&mut self, level: u8, message: std::fmt::Arguments<'_>) {
        Context::debug(self, level, message);
    }

    fn warn(&mut self, message: &str) {
        Context::warn(self, message);
    }

    fn family(&self, error: &anyhow::Error) -> crate::exit::Exit {
        crate::error::exit_for(error)
    }

    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::now()
    }

    fn host(&self) -> String {
        crate::identity::host_name()
    }

    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn state_dir(&self) -> PathBuf {
        self.state_dir.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_broker_key_makes_the_config_worth_parsing() {
        let sets = |text: &str| sets_broker(text.as_bytes()).unwrap();
        assert!(sets("[settings]\nbroker = \"/run/fedaws/broker.sock\"\n"));
        assert!(sets("# mine\n[ settings ]\n  broker\t= \"/s\"\n"));
        assert!(sets("settings.broker = \"/s\"\n[connectors.c]\n"));
        for text in [
            "[settings]\nbroker_socket = \"/s\"\n",
            "[connectors.broker]\naccount = \"a\"\nbroker = 1\n",
            "[settings]\ndescription = \"x\"\n[groups]\nbroker = []\n",
            "",
        ] {
            assert!(!sets(text), "{text:?}");
        }
    }
}
