//! Changing the config file without losing what people wrote in it.
//!
//! Every change is made on a `toml_edit` document, so comments, order and layout survive. It runs
//! under an exclusive lock on `config.toml.lock`, re-reads the file after taking the lock (so
//! concurrent edits never lose each other's work), refuses to touch a file that does not parse,
//! checks the result with the same rules as loading, and replaces the file atomically, keeping its
//! mode and owner. A file others could change is refused before anything is done beside it.

use std::path::Path;

use anyhow::Context as _;
use toml_edit::{Array, DocumentMut, Item, Table, Value};

use super::{Config, ConfigError, Depth, Problem, Severity};
use crate::fsutil;

/// The result of an edit: what the closure returned, the new config, and its warnings.
pub struct Edited<T> {
    /// What the edit closure returned.
    pub value: T,
    /// The config as written.
    pub config: Config,
    /// Warnings the change introduced (errors abort the edit instead).
    pub warnings: Vec<Problem>,
}

/// Apply `change` to the config at `path` and write it back, or leave the file untouched.
///
/// The edit is refused when the file does not parse, or when the result has an error the file did
/// not have before (so a broken file can still be repaired one field at a time).
pub fn edit<T>(
    path: &Path,
    change: impl FnOnce(&mut DocumentMut) -> anyhow::Result<T>,
) -> anyhow::Result<Edited<T>> {
    // Before anything is created or followed there: the lock file sits beside the config.
    if let Err(untrusted) = crate::trust::check(path, crate::trust::Role::Config) {
        if !path.exists() {
            return Err(ConfigError::NotFound {
                path: path.to_path_buf(),
                also: String::new(),
            }
            .into());
        }
        return Err(ConfigError::from(untrusted).into());
    }
    let _lock = fsutil::lock_beside(path).map_err(|source| ConfigError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    let before_text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ConfigError::NotFound {
                path: path.to_path_buf(),
                also: String::new(),
            }
            .into());
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }
            .into());
        }
    };
    let before = Config::parse(path, &before_text)?;
    let before_problems = before.problems(Depth::Deep);
    let mut doc: DocumentMut =
        before_text
            .parse()
            .map_err(|e: toml_edit::TomlError| ConfigError::Parse {
                path: path.to_path_buf(),
                message: super::parse_message(&e),
            })?;
    let value = change(&mut doc)?;
    let after_text = doc.to_string();
    let after = Config::parse(path, &after_text)?;
    let after_problems = after.problems(Depth::Deep);
    // Only what the change introduced counts: old errors can be repaired one at a time, and old
    // warnings were already shown.
    let (new_errors, warnings): (Vec<Problem>, Vec<Problem>) = after_problems
        .into_iter()
        .filter(|p| !before_problems.contains(p))
        .partition(|p| p.severity == Severity::Error);
    if !new_errors.is_empty() {
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            problems: new_errors,
        })
        .context("the change was not saved");
    }
    if after_text != before_text {
        fsutil::write_atomic(path, after_text.as_bytes()).map_err(|source| ConfigError::Write {
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(Edited {
        value,
        config: after,
        warnings,
    })
}

/// The `[section]` table (`accounts`, `connectors`, `groups`, `settings`), created if missing.
///
/// A new section is implicit, so `[connectors.x]` is written without a bare `[connectors]`.
pub fn section<'a>(doc: &'a mut DocumentMut, name: &str) -> anyhow::Result<&'a mut Table> {
    let root = doc.as_table_mut();
    if !root.contains_key(name) {
        let mut t = Table::new();
        t.set_implicit(true);
        root.insert(name, Item::Table(t));
    }
    root.get_mut(name)
        .and_then(Item::as_table_mut)
        .with_context(|| format!("`{name}` in the config is not a table"))
}

/// The `[section.name]` table, if it exists.
pub fn entry<'a>(
    doc: &'a mut DocumentMut,
    section_name: &str,
    name: &str,
) -> Option<&'a mut Table> {
    doc.get_mut(section_name)?.get_mut(name)?.as_table_mut()
}

/// Set a string key, or remove it when `value` is `None`.
pub fn set_str(table: &mut Table, key: &str, value: Option<&str>) {
    match value {
        Some(v) => set_value(table, key, Value::from(v)),
        None => {
            table.remove(key);
        }
    }
}

/// Set a key to a value, keeping the decoration (comments, spacing) of an existing key.
pub fn set_value(table: &mut Table, key: &str, mut value: Value) {
    if let Some(old) = table.get(key).and_then(Item::as_value) {
        let decor = old.decor().clone();
        *value.decor_mut() = decor;
    }
    table.insert(key, Item::Value(value));
}

/// Set a list of strings, or remove the key when the list is empty.
pub fn set_list(table: &mut Table, key: &str, values: &[String]) {
    if values.is_empty() {
        table.remove(key);
        return;
    }
    let array: Array = values.iter().map(String::as_str).collect();
    set_value(table, key, Value::Array(array));
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "# my config\n[settings]\nregion = \"eu-central-1\" # home\n\n[accounts.a] # the account\ndescription = \"x\"\n";

    #[test]
    fn comments_survive_an_added_connector() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, BASE).unwrap();
        edit(&path, |doc| {
            let t = section(doc, "connectors")?;
            let mut c = Table::new();
            set_str(&mut c, "account", Some("a"));
            set_str(&mut c, "principal", Some("iam-user"));
            t.insert("dev", Item::Table(c));
            Ok(())
        })
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(BASE), "{text}");
        assert!(text.contains("[connectors.dev]"), "{text}");
        assert!(!text.contains("[connectors]\n"), "{text}");
    }

    #[test]
    fn an_edit_that_breaks_a_rule_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, BASE).unwrap();
        let err = edit(&path, |doc| {
            let t = section(doc, "connectors")?;
            let mut c = Table::new();
            set_str(&mut c, "account", Some("missing"));
            set_str(&mut c, "principal", Some("iam-user"));
            t.insert("dev", Item::Table(c));
            Ok(())
        })
        .err()
        .unwrap();
        assert!(format!("{err:#}").contains("missing"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), BASE);
    }

    #[test]
    fn a_file_that_does_not_parse_is_never_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let broken = "[settings\nregion = 1\n";
        std::fs::write(&path, broken).unwrap();
        let err = edit(&path, |_| Ok(())).err().unwrap();
        assert!(format!("{err:#}").contains("line 1"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    }
}
