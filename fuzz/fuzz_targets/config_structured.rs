//! The config file, structure-aware: configs made of the tables and keys fedaws knows, with
//! values drawn from what people write (good, nearly good and bad) or any text, plus the README's
//! example config with lines deleted, doubled, replaced or added. Each is written as TOML and
//! goes through the load and every `check` rule. Nothing panics; every problem is placed on a
//! line of the text; and a config `check` finds no error in has an account for every connector.
#![no_main]

use std::path::Path;

use arbitrary::Arbitrary;
use fedaws::config::{Config, Depth, Severity};
use libfuzzer_sys::fuzz_target;

/// Values people write, good and bad, for every kind of key.
const WORDS: &[&str] = &[
    "main",
    "dev",
    "ci",
    "deployer",
    "a-b_c.d",
    "",
    " ",
    "x y",
    "ünï",
    "-dash",
    "1h",
    "15m",
    "900",
    "36h",
    "0",
    "-1",
    "1h30m",
    "12h",
    "43200",
    "129600",
    "99999999999",
    "1d",
    "federated-user",
    "iam-user",
    "assume-role",
    "root",
    "iam_user",
    "eu-central-1",
    "us-east-1",
    "cn-north-1",
    "us-gov-west-1",
    "mars-1",
    "arn:aws:iam::123456789012:role/Deploy",
    "arn:aws-cn:iam::123456789012:role/x",
    "arn:aws:iam::123:role/x",
    "arn:aws:iam::123456789012:mfa/alice",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}",
    "{not json",
    "policies/read-only.json",
    "../../etc/shadow",
    "/etc/passwd",
    "keyutils",
    "secret-service",
    "file",
    "vault",
    "none",
    "memory",
    "{user}",
    "{host}",
    "{nope}",
    "https://sts.eu-central-1.amazonaws.com",
    "http://127.0.0.1:1",
    "unix:///run/x.sock",
    "build-farm",
    "ops",
    "release",
    "alice",
    "@ops",
    "%admins",
    "ykman oath accounts code",
];

#[derive(Arbitrary, Debug)]
enum Value {
    Word(u8),
    Text(String),
    Number(i64),
    Bool(bool),
    List(Vec<u8>),
    Table(Vec<(u8, u8)>),
}

#[derive(Arbitrary, Debug)]
struct Entry {
    key: u8,
    value: Value,
}

#[derive(Arbitrary, Debug)]
struct Table {
    kind: u8,
    name: u8,
    entries: Vec<Entry>,
}

#[derive(Arbitrary, Debug)]
enum Edit {
    Delete(u8),
    Double(u8),
    Replace(u8, Entry),
    Add(u8, String),
}

#[derive(Arbitrary, Debug)]
enum Input {
    Made(Vec<Table>),
    Example(Vec<Edit>),
}

/// Keys of every table fedaws reads, and a few it does not.
const KEYS: &[&str] = &[
    "account",
    "principal",
    "role_arn",
    "external_id",
    "policy",
    "policy_file",
    "policy_arns",
    "max_duration",
    "groups",
    "region",
    "description",
    "system_scope",
    "session_name",
    "tags",
    "source_identity",
    "mfa_serial",
    "mfa_process",
    "kind",
    "admins",
    "admin_groups",
    "keyring",
    "cache",
    "sts_endpoint",
    "refresh_margin",
    "system_identity",
    "connect_timeout",
    "request_timeout",
    "system_users",
    "broker_socket",
    "broker_socket_group",
    "addresses",
    "insecure_http",
    "mount",
    "prefix",
    "auth",
    "role_id",
    "secret_id_file",
    "token_file",
    "namespace",
    "file_store_key",
    "unknown_key",
];

const TABLES: &[&str] = &[
    "settings",
    "accounts",
    "connectors",
    "groups",
    "settings.vault",
    "other",
];

fn word(i: u8) -> &'static str {
    WORDS[usize::from(i) % WORDS.len()]
}

fn render(v: &Value) -> toml_edit::Item {
    use toml_edit::{Array, InlineTable, value};
    match v {
        Value::Word(i) => value(word(*i)),
        Value::Text(s) => value(s.as_str()),
        Value::Number(n) => value(*n),
        Value::Bool(b) => value(*b),
        Value::List(items) => value(items.iter().map(|i| word(*i)).collect::<Array>()),
        Value::Table(pairs) => {
            let mut t = InlineTable::new();
            for (k, v) in pairs {
                t.insert(word(*k), word(*v).into());
            }
            value(t)
        }
    }
}

fn key(i: u8) -> &'static str {
    KEYS[usize::from(i) % KEYS.len()]
}

fn made(tables: &[Table]) -> String {
    let mut doc = toml_edit::DocumentMut::new();
    for t in tables {
        let kind = TABLES[usize::from(t.kind) % TABLES.len()];
        let mut table = toml_edit::Table::new();
        for e in &t.entries {
            table.insert(key(e.key), render(&e.value));
        }
        let path: Vec<&str> = match kind {
            "accounts" | "connectors" => vec![kind, word(t.name)],
            "groups" => {
                doc.entry("groups")
                    .or_insert(toml_edit::table())
                    .as_table_mut()
                    .map(|g| {
                        g.insert(
                            word(t.name),
                            render(&Value::List(t.entries.iter().map(|e| e.key).collect())),
                        )
                    });
                continue;
            }
            "settings.vault" => vec!["settings", "vault"],
            other => vec![other],
        };
        let mut at = doc.as_table_mut();
        for (i, part) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let item = at.entry(part).or_insert(if last {
                toml_edit::Item::Table(table.clone())
            } else {
                toml_edit::table()
            });
            let Some(next) = item.as_table_mut() else {
                break;
            };
            if !last {
                next.set_implicit(true);
            }
            at = next;
        }
    }
    doc.to_string()
}

fn example(edits: &[Edit]) -> String {
    let mut lines: Vec<String> = include_str!("../../examples/config.toml")
        .lines()
        .map(str::to_string)
        .collect();
    for edit in edits {
        let at = |i: &u8, len: usize| usize::from(*i) % len.max(1);
        match edit {
            Edit::Delete(i) if !lines.is_empty() => {
                let i = at(i, lines.len());
                lines.remove(i);
            }
            Edit::Double(i) if !lines.is_empty() => {
                let i = at(i, lines.len());
                lines.insert(i, lines[i].clone());
            }
            Edit::Replace(i, entry) if !lines.is_empty() => {
                let i = at(i, lines.len());
                lines[i] = format!(
                    "{} = {}",
                    key(entry.key),
                    render(&entry.value).to_string().trim()
                );
            }
            Edit::Add(i, text) => {
                let i = at(i, lines.len() + 1);
                lines.insert(i.min(lines.len()), text.clone());
            }
            _ => {}
        }
    }
    lines.join("\n")
}

fuzz_target!(|input: Input| {
    let text = match &input {
        Input::Made(tables) => made(tables),
        Input::Example(edits) => example(edits),
    };
    let path = Path::new("/nonexistent/fedaws-fuzz/config.toml");
    let _ = Config::from_text(path, &text, Depth::Shallow);
    let Ok(config) = Config::parse(path, &text) else {
        return;
    };
    let problems = fedaws::config::rules_with_lines(config.problems(Depth::Shallow), &text);
    let lines = text.lines().count().max(1);
    for p in &problems {
        if let Some(line) = p.line {
            assert!(
                (1..=lines).contains(&line),
                "{p} placed on line {line} of {lines}"
            );
        }
    }
    if !problems.iter().any(|p| p.severity == Severity::Error) {
        for (name, connector) in &config.connectors {
            assert!(
                config.account(&connector.account).is_ok(),
                "check passed a connector ({name}) whose account ({}) does not exist",
                connector.account
            );
        }
    }
});
