//! Which stores a command uses, decided in one place from the `--keyring` flag, the settings
//! (each parsed where it is read) and the mode fedaws runs in: the account store (`--keyring`, else `settings.keyring`, else
//! the platform's keyring locally and the `file` store in a broker) and the credential cache
//! (off with `settings.cache = "none"`; a broker's memory in a broker; else `settings.cache`,
//! else the kernel keyring on Linux, else the account store, never Vault).

use super::Backend;

/// Who the commands run for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// This process's own user.
    Local,
    /// A broker's peers: the broker's stores.
    Broker,
}

/// What `settings.cache` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheSetting {
    /// `none`: no cache.
    Off,
    /// A store backend's name.
    Store(Backend),
}

impl CacheSetting {
    /// `none`, or a store backend's name (see [`Backend::parse`]); the error names the field, the
    /// value and the choices.
    pub fn parse(field: &str, s: &str) -> Result<CacheSetting, String> {
        if s == "none" {
            return Ok(CacheSetting::Off);
        }
        Backend::parse(field, s)
            .map(CacheSetting::Store)
            .map_err(|m| format!("{m}, none"))
    }
}

/// Where issued credentials are cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheAt {
    /// Nowhere: `settings.cache = "none"`.
    Off,
    /// The broker's memory.
    BrokerMemory,
    /// A store of this backend.
    Store(Backend),
}

/// The stores chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chosen {
    /// Where the accounts' keys are.
    pub accounts: Backend,
    /// Where issued credentials are cached.
    pub cache: CacheAt,
}

/// A name in the settings that is not a store here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChoiceError {
    /// In the settings (`keyring`, `cache`).
    #[error("{0}")]
    Setting(String),
}

/// The stores for `mode`, from the `--keyring` flag and the `keyring` and `cache` settings.
pub fn choose(
    mode: Mode,
    flag: Option<Backend>,
    keyring: Option<Backend>,
    cache: Option<CacheSetting>,
) -> Chosen {
    let accounts = match (flag.or(keyring), mode) {
        (Some(backend), _) => backend,
        (None, Mode::Local) => Backend::platform_default(),
        (None, Mode::Broker) => Backend::File,
    };
    let cache = match (cache, mode) {
        (Some(CacheSetting::Off), _) => CacheAt::Off,
        (_, Mode::Broker) => CacheAt::BrokerMemory,
        (Some(CacheSetting::Store(backend)), Mode::Local) => CacheAt::Store(backend),
        (None, Mode::Local) if cfg!(target_os = "linux") => CacheAt::Store(Backend::Keyutils),
        // Issued credentials are never written to Vault.
        (None, Mode::Local) => CacheAt::Store(match accounts {
            Backend::Vault => Backend::platform_default(),
            other => other,
        }),
    };
    Chosen { accounts, cache }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_then_the_settings_then_the_modes_default() {
        let (file, vault) = (Some(Backend::File), Some(Backend::Vault));
        assert_eq!(
            choose(Mode::Local, None, None, None).accounts,
            Backend::platform_default()
        );
        assert_eq!(
            choose(Mode::Broker, None, None, None).accounts,
            Backend::File
        );
        assert_eq!(
            choose(Mode::Broker, file, vault, None).accounts,
            Backend::File
        );
        assert_eq!(
            choose(Mode::Broker, None, vault, None).accounts,
            Backend::Vault
        );
    }

    #[test]
    fn the_cache_is_off_memory_or_a_store_never_vault() {
        let off = Some(CacheSetting::Off);
        let store = |b| Some(CacheSetting::Store(b));
        assert_eq!(choose(Mode::Broker, None, None, off).cache, CacheAt::Off);
        assert_eq!(
            choose(Mode::Broker, None, None, store(Backend::Keyutils)).cache,
            CacheAt::BrokerMemory
        );
        assert_eq!(choose(Mode::Local, None, None, off).cache, CacheAt::Off);
        assert_eq!(
            choose(Mode::Local, None, None, store(Backend::File)).cache,
            CacheAt::Store(Backend::File)
        );
        let vault = choose(Mode::Local, Some(Backend::Vault), None, None).cache;
        assert_ne!(vault, CacheAt::Store(Backend::Vault));
    }

    #[test]
    fn a_cache_setting_is_none_or_a_store() {
        assert_eq!(CacheSetting::parse("cache", "none"), Ok(CacheSetting::Off));
        assert_eq!(
            CacheSetting::parse("cache", "file"),
            Ok(CacheSetting::Store(Backend::File))
        );
        let e = CacheSetting::parse("settings.cache", "nope").unwrap_err();
        assert!(
            e.starts_with("settings.cache = \"nope\"") && e.ends_with(", none"),
            "{e}"
        );
    }
}
