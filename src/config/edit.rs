//! Changing the config file without losing what people wrote in it.
//!
//! Every change is made on a `toml_edit` document, so comments, order and layout survive. It runs
//! under an exclusive lock on `config.toml.lock`, re-reads the file after taking the lock (so
//! concurrent edits never lose each other's work), refuses to touch a file that does not parse,
//! checks the result with the same rules as loading, and replaces the file atomically, keeping its
//! mode and owner. A file others could change is refused before anything is done beside it.
//!
//! Accounts and connectors are read from the document and written back as their types
//! ([`connector`], [`put_connector`], [`account`], [`put_account`]), so commands name no keys.

use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;
use serde::de::{DeserializeOwned, IntoDeserializer};
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use super::{Account, Config, ConfigError, Connector, Depth, Problem, Severity};
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
fn entry<'a>(doc: &'a mut DocumentMut, section_name: &str, name: &str) -> Option<&'a mut Table> {
    doc.get_mut(section_name)?.get_mut(name)?.as_table_mut()
}

/// Whether the document has a connector `name`.
pub fn has_connector(doc: &DocumentMut, name: &str) -> bool {
    has(doc, "connectors", name)
}

/// Whether the document has an account `name`.
pub fn has_account(doc: &DocumentMut, name: &str) -> bool {
    has(doc, "accounts", name)
}

fn has(doc: &DocumentMut, section_name: &str, name: &str) -> bool {
    doc.get(section_name)
        .and_then(|s| s.get(name))
        .is_some_and(Item::is_table)
}

/// The connector `name` as the document has it once the keys `unset` are removed from its table
/// (what `connector edit` starts from), or an error naming the connectors there.
pub fn connector(doc: &mut DocumentMut, name: &str, unset: &[&str]) -> anyhow::Result<Connector> {
    read(doc, "connectors", "connector", name, unset)
}

/// The account `name` as the document has it once the keys `unset` are removed from its table,
/// or an error naming the accounts there.
pub fn account(doc: &mut DocumentMut, name: &str, unset: &[&str]) -> anyhow::Result<Account> {
    read(doc, "accounts", "account", name, unset)
}

/// Write `connector` as `[connectors.NAME]`, new or changed (see [`put`]).
pub fn put_connector(
    doc: &mut DocumentMut,
    name: &str,
    connector: &Connector,
) -> anyhow::Result<()> {
    put(doc, "connectors", name, connector)
}

/// Write `account` as `[accounts.NAME]`, new or changed (see [`put`]).
pub fn put_account(doc: &mut DocumentMut, name: &str, account: &Account) -> anyhow::Result<()> {
    put(doc, "accounts", name, account)
}

fn read<T: DeserializeOwned>(
    doc: &mut DocumentMut,
    section_name: &str,
    what: &str,
    name: &str,
    unset: &[&str],
) -> anyhow::Result<T> {
    let Some(table) = entry(doc, section_name, name) else {
        let existing: Vec<String> = doc
            .get(section_name)
            .and_then(Item::as_table)
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default();
        return Err(super::not_found(what, name, existing.iter()).into());
    };
    for key in unset {
        table.remove(key);
    }
    from_table(table).with_context(|| format!("[{section_name}.{name}] in the config"))
}

/// Write `value` as the table `[section.name]`, keeping what people wrote: a key whose value is
/// unchanged keeps its text (spelling, quotes) and comment; a changed one keeps its comment; a
/// key the table lacks is added only when its value is not what leaving it out means (a new
/// connector gets no `system_scope = false`); a key `value` has no value for is removed. New keys
/// come after the others, in the order of the type's fields.
fn put<T: Serialize + DeserializeOwned>(
    doc: &mut DocumentMut,
    section_name: &str,
    name: &str,
    value: &T,
) -> anyhow::Result<()> {
    let new = written(value)?;
    if entry(doc, section_name, name).is_none() {
        section(doc, section_name)?.insert(name, Item::Table(Table::new()));
    }
    let table = entry(doc, section_name, name)
        .with_context(|| format!("[{section_name}.{name}] in the config is not a table"))?;
    let old = match from_table::<T>(table) {
        Ok(old) => Some(written(&old)?),
        Err(_) => None,
    };
    let gone: Vec<String> = table
        .iter()
        .map(|(key, _)| key.to_string())
        .filter(|key| !new.contains_key(key))
        .collect();
    for key in &gone {
        table.remove(key);
    }
    for (key, v) in new.iter() {
        let kept = if table.contains_key(key) {
            old.as_ref()
                .and_then(|old| old.get(key))
                .is_some_and(|o| same(o, v))
        } else {
            omitted::<T>(&new, key).is_some_and(|o| same(&o, v))
        };
        if !kept {
            set_value(table, key, v.clone());
        }
    }
    Ok(())
}

/// A table's keys read as `T`.
fn from_table<T: DeserializeOwned>(table: &Table) -> Result<T, toml_edit::de::Error> {
    T::deserialize(Value::InlineTable(table.clone().into_inline_table()).into_deserializer())
}

/// `value` as TOML keys and values, in the order of its fields.
fn written<T: Serialize>(value: &T) -> anyhow::Result<InlineTable> {
    match value.serialize(toml_edit::ser::ValueSerializer::new())? {
        Value::InlineTable(t) => Ok(t),
        other => anyhow::bail!("expected a table to write, not {}", other.type_name()),
    }
}

/// What `key` is when the table `written` leaves it out; `None` when it cannot be left out, or
/// is then unset.
fn omitted<T: Serialize + DeserializeOwned>(
    written_table: &InlineTable,
    key: &str,
) -> Option<Value> {
    let mut without = written_table.clone();
    without.remove(key);
    let value = T::deserialize(Value::InlineTable(without).into_deserializer()).ok()?;
    written(&value).ok()?.get(key).cloned()
}

/// The same TOML value, whatever comments and spacing surround it.
fn same(a: &Value, b: &Value) -> bool {
    let plain = |v: &Value| {
        let mut v = v.clone();
        v.decor_mut().clear();
        v.to_string()
    };
    plain(a) == plain(b)
}

/// Set a key to a value, keeping the decoration (comments, spacing) of an existing key: the
/// comment after its value, and the comment lines above it and its indent, which belong to the
/// key itself (`Table::insert` would reset the key, so a value is replaced in place).
fn set_value(table: &mut Table, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        _ => {
            table.insert(key, Item::Value(value));
        }
    }
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::principal::{AccountKind, Principal};

    const BASE: &str = "# my config\n[settings]\nregion = \"eu-central-1\" # home\n\n[accounts.a] # the account\ndescription = \"x\"\n";

    #[test]
    fn comments_survive_an_added_connector() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, BASE).unwrap();
        edit(&path, |doc| {
            put_connector(doc, "dev", &Connector::new("a".into(), Principal::IamUser))
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
            let c = Connector::new("missing".into(), Principal::IamUser);
            put_connector(doc, "dev", &c)
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

    /// A connector written by hand, with comments and spellings fedaws would not choose.
    const HAND: &str = "[connectors.c] # the table\naccount = 'a' # literal quotes\nprincipal = \"session-token\" # an alias\nmax_duration = \"90m\" # spelled so\nsystem_scope = true # for cron\nregion = \"eu-west-1\"\n\n[groups]\nx = [] # after\n";

    fn doc() -> DocumentMut {
        HAND.parse().unwrap()
    }

    #[test]
    fn an_unchanged_connector_is_written_back_byte_for_byte() {
        let mut doc = doc();
        let c = connector(&mut doc, "c", &[]).unwrap();
        put_connector(&mut doc, "c", &c).unwrap();
        assert_eq!(doc.to_string(), HAND);
    }

    #[test]
    fn a_changed_key_keeps_its_comment_and_the_others_their_text() {
        let mut doc = doc();
        let mut c = connector(&mut doc, "c", &[]).unwrap();
        c.max_duration = Some(crate::validate::MaxDuration::parse("d", "2h").unwrap());
        c.system_scope = false;
        c.region = None;
        c.description = Some("new".into());
        put_connector(&mut doc, "c", &c).unwrap();
        assert_eq!(
            doc.to_string(),
            "[connectors.c] # the table\naccount = 'a' # literal quotes\nprincipal = \"session-token\" # an alias\nmax_duration = \"2h\" # spelled so\nsystem_scope = false # for cron\ndescription = \"new\"\n\n[groups]\nx = [] # after\n"
        );
    }

    #[test]
    fn a_changed_key_keeps_the_comment_lines_above_it_and_its_indent() {
        let text = "[connectors.c]\naccount = \"a\"\nprincipal = \"iam-user\"\n# for the nightly job\n  max_duration = \"4h\" # the longest\n";
        let mut doc: DocumentMut = text.parse().unwrap();
        let mut c = connector(&mut doc, "c", &[]).unwrap();
        c.max_duration = Some(crate::validate::MaxDuration::parse("d", "2h").unwrap());
        put_connector(&mut doc, "c", &c).unwrap();
        assert_eq!(doc.to_string(), text.replace("4h", "2h"));
    }

    #[test]
    fn a_new_entry_has_only_what_differs_from_leaving_it_out() {
        let mut doc = doc();
        let mut c = Connector::new("a".into(), Principal::FederatedUser);
        c.max_duration = Some(crate::validate::MaxDuration::parse("d", "900").unwrap());
        c.groups = vec!["dev".into()];
        c.session_tags.insert("team".into(), "x".into());
        put_connector(&mut doc, "n", &c).unwrap();
        let account = Account {
            kind: AccountKind::IamUser,
            description: Some("d".into()),
            ..Account::default()
        };
        put_account(&mut doc, "a", &account).unwrap();
        let text = doc.to_string();
        let (c, rest) = HAND.split_once("\n[groups]").unwrap();
        let n = "\n[connectors.n]\naccount = \"a\"\nprincipal = \"federated-user\"\nmax_duration = 900\ngroups = [\"dev\"]\nsession_tags = { team = \"x\" }\n";
        let a = "\n[accounts.a]\ndescription = \"d\"\n";
        assert_eq!(text, format!("{c}{n}\n[groups]{rest}{a}"));
    }

    #[test]
    fn unset_keys_go_and_a_missing_entry_is_named() {
        let mut doc = doc();
        let c = connector(&mut doc, "c", &["system_scope", "region"]).unwrap();
        assert!(!c.system_scope && c.region.is_none());
        put_connector(&mut doc, "c", &c).unwrap();
        let text = doc.to_string();
        assert!(
            !text.contains("system_scope") && !text.contains("region"),
            "{text}"
        );
        let e = connector(&mut doc, "d", &[]).unwrap_err().to_string();
        assert!(e.contains("no connector named `d`; existing: c"), "{e}");
        assert!(has_connector(&doc, "c") && !has_account(&doc, "c"));
    }

    #[test]
    fn every_key_is_written_under_the_name_it_is_read_by() {
        let mut c = Connector::new("a".into(), Principal::AssumeRole);
        c.role_arn = Some("arn:aws:iam::123456789012:role/R".into());
        c.external_id = Some("x".into());
        c.policy = Some("{}".into());
        c.policy_file = Some("p.json".into());
        c.policy_arns = vec!["arn:aws:iam::aws:policy/P".into()];
        c.max_duration = Some(crate::validate::MaxDuration::parse("d", "1h").unwrap());
        c.region = Some("eu-west-1".into());
        c.description = Some("d".into());
        let a = Account {
            kind: AccountKind::Root,
            mfa_serial: Some("s".into()),
            mfa_process: Some("p".into()),
            description: Some("d".into()),
        };
        let names = |t: InlineTable| t.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>();
        assert_eq!(
            names(written(&c).unwrap()),
            crate::config::keys::<Connector>()
        );
        assert_eq!(
            names(written(&a).unwrap()),
            crate::config::keys::<Account>()
        );
    }
}
