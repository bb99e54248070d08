//! Which stores a command uses, decided in one place from the `--keyring` flag, the settings
//! and the mode fedaws runs in: the account store (`--keyring`, else `settings.keyring`, else
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

/// A name that is not a store here, and where it was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChoiceError {
    /// In `--keyring` (or `FEDAWS_KEYRING`).
    #[error("{0}")]
    Flag(String),
    /// In the settings.
    #[error("{0}")]
    Setting(String),
}

/// The stores for `mode`, from the `--keyring` flag and the `keyring` and `cache` settings.
pub fn choose(
    mode: Mode,
    flag: Option<&str>,
    keyring: Option<&str>,
    cache: Option<&str>,
) -> Result<Chosen, ChoiceError> {
    let accounts = match (flag, keyring, mode) {
        (Some(f), _, _) => Backend::parse("--keyring", f).map_err(ChoiceError::Flag)?,
        (None, Some(k), _) => {
            Backend::parse("settings.keyring", k).map_err(ChoiceError::Setting)?
        }
        (None, None, Mode::Local) => Backend::platform_default(),
        (None, None, Mode::Broker) => Backend::File,
    };
    let cache = match (cache, mode) {
        (Some("none"), _) => CacheAt::Off,
        (_, Mode::Broker) => CacheAt::BrokerMemory,
        (Some(name), Mode::Local) => {
            CacheAt::Store(Backend::parse("settings.cache", name).map_err(ChoiceError::Setting)?)
        }
        (None, Mode::Local) if cfg!(target_os = "linux") => CacheAt::Store(Backend::Keyutils),
        // Issued credentials are never written to Vault.
        (None, Mode::Local) => CacheAt::Store(match accounts {
            Backend::Vault => Backend::platform_default(),
            other => other,
        }),
    };
    Ok(Chosen { accounts, cache })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_then_the_settings_then_the_modes_default() {
        let local = |flag, keyring, cache| choose(Mode::Local, flag, keyring, cache);
        let broker = |flag, keyring, cache| choose(Mode::Broker, flag, keyring, cache);
        assert_eq!(
            local(None, None, None).unwrap().accounts,
            Backend::platform_default()
        );
        assert_eq!(broker(None, None, None).unwrap().accounts, Backend::File);
        assert_eq!(
            broker(Some("file"), Some("vault"), None).unwrap().accounts,
            Backend::File
        );
        assert_eq!(
            broker(None, Some("vault"), None).unwrap().accounts,
            Backend::Vault
        );
        assert!(matches!(
            local(Some("nope"), None, None),
            Err(ChoiceError::Flag(m)) if m.contains("--keyring")
        ));
        assert!(matches!(
            local(None, Some("nope"), None),
            Err(ChoiceError::Setting(m)) if m.contains("settings.keyring")
        ));
    }

    #[test]
    fn the_cache_is_off_memory_or_a_store_never_vault() {
        assert_eq!(
            choose(Mode::Broker, None, None, Some("none"))
                .unwrap()
                .cache,
            CacheAt::Off
        );
        assert_eq!(
            choose(Mode::Broker, None, None, Some("keyutils"))
                .unwrap()
                .cache,
            CacheAt::BrokerMemory
        );
        assert_eq!(
            choose(Mode::Local, None, None, Some("none")).unwrap().cache,
            CacheAt::Off
        );
        assert_eq!(
            choose(Mode::Local, None, None, Some("file")).unwrap().cache,
            CacheAt::Store(Backend::File)
        );
        let vault = choose(Mode::Local, Some("vault"), None, None)
            .unwrap()
            .cache;
        assert_ne!(vault, CacheAt::Store(Backend::Vault));
    }
}
