//! An in-memory secret store: a broker's cache of issued credentials, and the stores of unit
//! tests. Never selectable from the command line.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use secrecy::{ExposeSecret, SecretString};

use super::{Backend, SecretStore, StoreError};

/// Secrets in a map, gone when the process ends. Clones share the map, as handles of one real
/// store share its entries.
#[derive(Default, Clone)]
pub struct MemoryStore {
    entries: Arc<Mutex<HashMap<String, SecretString>>>,
}

impl SecretStore for MemoryStore {
    fn backend(&self) -> Backend {
        Backend::Memory
    }

    fn get(&self, key: &str) -> Result<Option<SecretString>, StoreError> {
        let entries = self.entries.lock().expect("memory store lock");
        Ok(entries
            .get(key)
            .map(|v| SecretString::from(v.expose_secret().to_string())))
    }

    fn set(&self, key: &str, value: &SecretString) -> Result<(), StoreError> {
        let mut entries = self.entries.lock().expect("memory store lock");
        entries.insert(
            key.to_string(),
            SecretString::from(value.expose_secret().to_string()),
        );
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<bool, StoreError> {
        let mut entries = self.entries.lock().expect("memory store lock");
        Ok(entries.remove(key).is_some())
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let entries = self.entries.lock().expect("memory store lock");
        let mut keys: Vec<String> = entries.keys().cloned().collect();
        keys.sort();
        Ok(keys)
    }
}
