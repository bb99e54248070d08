//! The rules a whole config must keep: known keys, and the AWS and fedaws rules that span fields
//! (a policy on a principal type that takes none, a duration above the account kind's limit…).
//!
//! Single values are checked by [`crate::validate`]; this module knows which rule applies to which
//! field of which connector or account, and where in the file that field is.

use std::fmt;

use toml_edit::{Document, Item, Table};

use super::{Account, Config, Connector, Depth, Settings, VaultSettings, did_you_mean, keys};
use crate::principal::{MAX_SESSION_TAGS, SESSION_NAME_FITS_ALL, SESSION_NAME_FITS_SOME};
use crate::secret::{Backend, CacheSetting};
use crate::validate::{self, FieldError};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The config cannot be used as it is.
    Error,
    /// Allowed, but probably not what was meant.
    Warning,
}

/// What part of the config a problem is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// `[settings]`.
    Settings,
    /// `[accounts.NAME]`.
    Account(String),
    /// `[connectors.NAME]`.
    Connector(String),
    /// `[groups]` entry NAME.
    Group(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Settings => f.write_str("settings"),
            Subject::Account(n) => write!(f, "account `{n}`"),
            Subject::Connector(n) => write!(f, "connector `{n}`"),
            Subject::Group(n) => write!(f, "group `{n}`"),
        }
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the config.
    pub subject: Subject,
    /// The field, value and what is allowed.
    pub error: FieldError,
    /// The line in the file, when known.
    pub line: Option<usize>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        write!(f, "{}: {}", self.subject, self.error)
    }
}

/// Problems as an indented list, one per line.
pub fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn problem(subject: &Subject, error: FieldError) -> Problem {
    Problem {
        severity: Severity::Error,
        subject: subject.clone(),
        error,
        line: None,
    }
}

fn field_error(field: &str, value: &str, problem: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_string(),
        value: value.to_string(),
        problem: problem.into(),
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// Fill in line numbers by finding each problem's field in the text. Only runs on the error path.
pub fn with_lines(mut problems: Vec<Problem>, text: &str) -> Vec<Problem> {
    let Ok(doc) = Document::parse(text) else {
        return problems;
    };
    for p in &mut problems {
        let table = match &p.subject {
            Subject::Settings => doc.get("settings"),
            Subject::Account(n) => doc.get("accounts").and_then(|a| a.get(n)),
            Subject::Connector(n) => doc.get("connectors").and_then(|c| c.get(n)),
            Subject::Group(n) => doc.get("groups").and_then(|g| g.get(n)),
        };
        let field = p.error.field.split(['[', '.']).next().unwrap_or_default();
        let span = table
            .and_then(|t| t.as_table_like())
            .and_then(|t| t.get_key_value(field))
            .and_then(|(k, _)| k.span())
            .or_else(|| table.and_then(Item::span));
        p.line = span.map(|s| line_of(text, s.start));
    }
    problems
}

/// Unknown keys anywhere, with the line, a suggestion and the allowed keys.
pub fn check_keys(doc: &Document<String>) -> Result<(), String> {
    let text = doc.raw();
    let mut found = Vec::new();
    let root = doc.as_table();
    unknown_in(root, "the top level", keys::<Config>(), text, &mut found);
    if let Some(t) = root.get("settings").and_then(Item::as_table) {
        unknown_in(t, "[settings]", keys::<Settings>(), text, &mut found);
        if let Some(v) = t.get("vault").and_then(Item::as_table) {
            unknown_in(
                v,
                "[settings.vault]",
                keys::<VaultSettings>(),
                text,
                &mut found,
            );
        }
    }
    for (section, keys, label) in [
        ("accounts", keys::<Account>(), "account"),
        ("connectors", keys::<Connector>(), "connector"),
    ] {
        if let Some(t) = root.get(section).and_then(Item::as_table) {
            for (name, item) in t.iter() {
                if let Some(inner) = item.as_table() {
                    unknown_in(inner, &format!("{label} `{name}`"), keys, text, &mut found);
                }
            }
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(found.join("\n"))
    }
}

fn unknown_in(table: &Table, place: &str, known: &[&str], text: &str, found: &mut Vec<String>) {
    for (key, _) in table.iter() {
        if known.contains(&key) {
            continue;
        }
        let at = table
            .key(key)
            .and_then(|k| k.span())
            .map(|s| {
                let line = line_of(text, s.start);
                let line_start = text[..s.start].rfind('\n').map_or(0, |i| i + 1);
                format!("line {line}, column {}: ", s.start - line_start + 1)
            })
            .unwrap_or_default();
        let hint = did_you_mean(key, known.iter().copied())
            .map(|k| format!("did you mean `{k}`? "))
            .unwrap_or_default();
        found.push(format!(
            "{at}unknown key `{key}` in {place}; {hint}allowed: {}",
            known.join(", ")
        ));
    }
}

/// Every rule of the config, in file order: settings, accounts, connectors, groups.
pub fn check(config: &Config, depth: Depth) -> Vec<Problem> {
    let mut out = Vec::new();
    check_settings(config, &mut out);
    for (name, account) in &config.accounts {
        let subject = Subject::Account(name.clone());
        let mut push = |r: Result<(), FieldError>| {
            if let Err(e) = r {
                out.push(problem(&subject, e));
            }
        };
        push(validate::check_name("name", name));
        if let Some(serial) = &account.mfa_serial {
            push(validate::check_serial_number("mfa_serial", serial));
        }
        if let Some(cmd) = &account.mfa_process
            && cmd.trim().is_empty()
        {
            push(Err(field_error(
                "mfa_process",
                cmd,
                "is empty; give a command whose output is the 6-digit code, or remove the key",
            )));
        }
    }
    for (name, connector) in &config.connectors {
        check_connector(config, name, connector, depth, &mut out);
    }
    for (name, members) in &config.groups {
        let subject = Subject::Group(name.clone());
        if let Err(e) = validate::check_name("name", name) {
            out.push(problem(&subject, e));
        }
        for m in members {
            if m.trim().is_empty() || m.chars().any(|c| c.is_whitespace() || c.is_control()) {
                out.push(problem(
                    &subject,
                    field_error(
                        "members",
                        m,
                        "is not a user name (empty, or has spaces or control characters)",
                    ),
                ));
            }
        }
    }
    out
}

fn check_settings(config: &Config, out: &mut Vec<Problem>) {
    let s = &config.settings;
    let subject = Subject::Settings;
    let mut push = |r: Result<(), FieldError>| {
        if let Err(e) = r {
            out.push(problem(&subject, e));
        }
    };
    if let Some(region) = &s.region {
        push(validate::check_region("region", region));
    }
    if let Some(k) = &s.keyring {
        push(
            Backend::parse("keyring", k)
                .map(|_| ())
                .map_err(|m| field_error("keyring", k, m)),
        );
    }
    for g in &s.admin_groups {
        push(validate::check_group_ref("admin_groups", g));
    }
    if let Some(url) = &s.sts_endpoint {
        push(check_url("sts_endpoint", url));
    }
    if let Some(url) = &s.federation_endpoint {
        push(check_url("federation_endpoint", url));
    }
    if let Some(url) = &s.iam_endpoint {
        push(check_url("iam_endpoint", url));
    }
    if let Some(days) = s.max_key_age
        && !(1..=3650).contains(&days)
    {
        push(Err(field_error(
            "max_key_age",
            &format!("{days}d"),
            "out of range, allowed 1d to 3650d",
        )));
    }
    if let Some(m) = s.refresh_margin {
        push(check_seconds("refresh_margin", m, 0, 3600));
    }
    for (field, value) in [
        ("connect_timeout", s.connect_timeout),
        ("request_timeout", s.request_timeout),
    ] {
        if let Some(v) = value {
            push(check_seconds(field, v, 1, 300));
        }
    }
    if let Some(c) = &s.cache {
        push(
            CacheSetting::parse("cache", c)
                .map(drop)
                .map_err(|m| field_error("cache", c, m)),
        );
    }
    if let Some(t) = s.lock_timeout {
        push(check_seconds("lock_timeout", t, 1, 3600));
    }
    if let Some(t) = s.mfa_process_timeout {
        push(check_seconds("mfa_process_timeout", t, 1, 600));
    }
    if let Some(id) = &s.system_identity {
        let (min, max) = SESSION_NAME_FITS_ALL;
        push(validate::check_session_name(
            "system_identity",
            id,
            min,
            max,
        ));
    }
    if let Some(t) = &s.session_name {
        push(check_template("session_name", t));
    }
    if s.cache.as_deref() == Some("vault") {
        push(Err(field_error(
            "cache",
            "vault",
            "issued credentials are never written to Vault; use keyutils, file, none, or leave it unset",
        )));
    }
    let mut warnings = Vec::new();
    if let Some(v) = &s.vault {
        check_vault(v, &mut push, &mut warnings);
    }
    out.extend(warnings.into_iter().map(|e| Problem {
        severity: Severity::Warning,
        ..problem(&subject, e)
    }));
}

/// `[settings.vault]`: addresses that prove who answers, KV paths, and a login that names what
/// it needs; `insecure_http` is a warning, since it gives the token to whoever holds the port.
fn check_vault(
    v: &VaultSettings,
    push: &mut impl FnMut(Result<(), FieldError>),
    warnings: &mut Vec<FieldError>,
) {
    for a in &v.addresses {
        push(
            crate::secret::parse_address(a, v.insecure_http)
                .map(drop)
                .map_err(|e| field_error("vault.addresses", a, e.to_string())),
        );
    }
    if v.insecure_http {
        warnings.push(field_error(
            "vault.insecure_http",
            "true",
            "sends the Vault token, the AppRole secret id and the accounts' keys in clear to whatever listens on a loopback http:// address: any local user who binds the port first (while the server is down or restarting) gets them, and can then read every account's keys; keep it to a dev server, and use https:// or the server's unix:// socket elsewhere",
        ));
    }
    for (field, value) in [
        ("vault.mount", &v.mount),
        ("vault.prefix", &v.prefix),
        ("vault.approle_mount", &v.approle_mount),
    ] {
        if let Some(p) = value {
            push(check_kv_path(field, p));
        }
    }
    if let Some(ns) = &v.namespace {
        push(check_kv_path("vault.namespace", ns));
    }
    match v.auth.as_deref() {
        None | Some("token") => {
            for (field, set) in [
                ("vault.role_id", v.role_id.is_some()),
                ("vault.secret_id_file", v.secret_id_file.is_some()),
                ("vault.approle_mount", v.approle_mount.is_some()),
            ] {
                if set {
                    push(Err(field_error(
                        field,
                        "(set)",
                        "is for auth = \"approle\"; set vault.auth = \"approle\" or remove it",
                    )));
                }
            }
        }
        Some("approle") => {
            if let Some(id) = &v.role_id {
                if id.trim().is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    push(Err(field_error(
                        "vault.role_id",
                        id,
                        "is not a role id (empty, or has spaces or control characters)",
                    )));
                }
            } else {
                push(Err(field_error(
                    "vault.role_id",
                    "(unset)",
                    "is required with auth = \"approle\" (`bao read auth/approle/role/NAME/role-id`)",
                )));
            }
            if v.secret_id_file.is_none() {
                push(Err(field_error(
                    "vault.secret_id_file",
                    "(unset)",
                    "is required with auth = \"approle\": the file holding the secret id, such as $CREDENTIALS_DIRECTORY/vault-secret-id",
                )));
            }
            if v.token_file.is_some() {
                push(Err(field_error(
                    "vault.token_file",
                    "(set)",
                    "is for auth = \"token\"; AppRole logs in for its own token",
                )));
            }
        }
        Some(other) => push(Err(field_error(
            "vault.auth",
            other,
            "is not a login method; allowed: token, approle",
        ))),
    }
}

/// A Vault path: segments of letters, digits, `-`, `_` and `.`, joined by `/`.
fn check_kv_path(field: &str, path: &str) -> Result<(), FieldError> {
    if crate::secret::is_vault_path(path) {
        Ok(())
    } else {
        Err(field_error(
            field,
            path,
            "is not a Vault path: segments of letters, digits, -, _ and . joined by /, with no leading or trailing /",
        ))
    }
}

fn check_seconds(field: &str, secs: u32, min: u32, max: u32) -> Result<(), FieldError> {
    if (min..=max).contains(&secs) {
        return Ok(());
    }
    Err(field_error(
        field,
        &validate::format_duration(secs),
        format!(
            "out of range, allowed {} ({min} s) to {} ({max} s)",
            validate::format_duration(min),
            validate::format_duration(max)
        ),
    ))
}

fn check_url(field: &str, url: &str) -> Result<(), FieldError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host)
            if !host.is_empty() && !host.starts_with('/') && !url.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err(field_error(
            field,
            url,
            "is not an http:// or https:// URL with a host, like https://sts.eu-central-1.amazonaws.com",
        )),
    }
}

/// Session name templates may use `{user}` and `{host}` and otherwise the STS name characters.
fn check_template(field: &str, template: &str) -> Result<(), FieldError> {
    let mut rest = template;
    let mut literal = String::new();
    while let Some(open) = rest.find('{') {
        literal.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            return Err(field_error(
                field,
                template,
                "has a `{` without a closing `}`",
            ));
        };
        let name = &rest[open + 1..open + close];
        if name != "user" && name != "host" {
            return Err(field_error(
                field,
                template,
                format!("unknown placeholder `{{{name}}}`; allowed: {{user}}, {{host}}"),
            ));
        }
        literal.push_str("xx");
        rest = &rest[open + close + 1..];
    }
    literal.push_str(rest);
    let (min, max) = SESSION_NAME_FITS_SOME;
    validate::check_session_name(field, &literal, min, max).map_err(|e| FieldError {
        value: template.to_string(),
        ..e
    })
}

fn check_connector(
    config: &Config,
    name: &str,
    c: &Connector,
    depth: Depth,
    out: &mut Vec<Problem>,
) {
    let subject = Subject::Connector(name.to_string());
    let mut errors: Vec<FieldError> = Vec::new();
    let mut warnings: Vec<FieldError> = Vec::new();
    let mut push = |r: Result<(), FieldError>| {
        if let Err(e) = r {
            errors.push(e);
        }
    };
    let p = c.principal;
    push(validate::check_name("name", name));

    let account = config.accounts.get(&c.account);
    match account {
        None => {
            let mut msg = "is not an account in this config".to_string();
            if let Some(best) = did_you_mean(&c.account, config.accounts.keys().map(|s| s.as_str()))
            {
                msg.push_str(&format!("; did you mean `{best}`?"));
            } else if config.accounts.is_empty() {
                msg.push_str("; add one with `fedaws account add`");
            } else {
                let names: Vec<&str> = config.accounts.keys().map(|s| s.as_str()).collect();
                msg.push_str(&format!("; accounts: {}", names.join(", ")));
            }
            push(Err(field_error("account", &c.account, msg)));
        }
        Some(a) => {
            if let Some(max) = c.max_duration_secs() {
                push(validate::check_duration("max_duration", max, p, a.kind));
            } else if let Some(why) = p.refused_for(a.kind) {
                push(Err(field_error(
                    "account",
                    &c.account,
                    format!("is a {} account, which cannot use {p}: {why}", a.kind),
                )));
            }
            if a.mfa_serial.is_some() && !p.allows_mfa() {
                warnings.push(field_error(
                    "account",
                    &c.account,
                    format!("has mfa_serial, but {p} ({}) takes no MFA code, so it is not used; use iam-user or assume-role if MFA must protect these credentials", p.api()),
                ));
            }
        }
    }

    match (&c.role_arn, p.needs_role_arn()) {
        (Some(arn), true) => push(validate::check_role_arn("role_arn", arn)),
        (None, true) => push(Err(field_error(
            "role_arn",
            "",
            format!(
                "is required for {p}; give the ARN of the role to assume, like arn:aws:iam::123456789012:role/Name"
            ),
        ))),
        (Some(arn), false) => push(Err(field_error(
            "role_arn",
            arn,
            format!("is only used by assume-role, not {p}; remove it or change principal"),
        ))),
        (None, false) => {}
    }
    if let Some(id) = &c.external_id {
        if p.needs_role_arn() {
            push(validate::check_external_id("external_id", id));
        } else {
            push(Err(field_error(
                "external_id",
                id,
                format!("is only used by assume-role, not {p}; remove it or change principal"),
            )));
        }
    }

    if c.policy.is_some() && c.policy_file.is_some() {
        push(Err(field_error(
            "policy_file",
            &c.policy_file
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
            "cannot be combined with `policy`; keep one of them",
        )));
    }
    let has_policy = c.policy.is_some() || c.policy_file.is_some() || !c.policy_arns.is_empty();
    if has_policy && !p.allows_policy() {
        let field = if c.policy.is_some() {
            "policy"
        } else if c.policy_file.is_some() {
            "policy_file"
        } else {
            "policy_arns"
        };
        push(Err(field_error(
            field,
            "…",
            format!(
                "{p} ({}) takes no session policy; remove it, or use federated-user or assume-role to narrow permissions",
                p.api()
            ),
        )));
    } else {
        let policy = match (&c.policy, &c.policy_file) {
            (Some(text), _) => Some(("policy", text.clone())),
            (None, Some(file)) if depth == Depth::Deep => {
                let path = config.base_dir().join(file);
                match crate::trust::read_to_string(&path, crate::trust::Role::PolicyFile) {
                    Ok(text) => Some(("policy_file", text)),
                    Err(crate::trust::ReadError::Untrusted(e)) => {
                        push(Err(field_error(
                            "policy_file",
                            &file.display().to_string(),
                            e.to_string(),
                        )));
                        None
                    }
                    Err(crate::trust::ReadError::Io(e)) => {
                        push(Err(field_error(
                            "policy_file",
                            &file.display().to_string(),
                            format!(
                                "cannot be read ({e}); paths are relative to {}",
                                config.base_dir().display()
                            ),
                        )));
                        None
                    }
                }
            }
            _ => None,
        };
        // Each problem on its own, so `check` lists them all.
        push(validate::check_policy_arns("policy_arns", &c.policy_arns));
        if let Some((field, text)) = &policy {
            match validate::check_policy(field, text) {
                Ok(info) => push(validate::check_combined_policy_size(
                    field,
                    info,
                    &c.policy_arns,
                )),
                Err(e) => push(Err(e)),
            }
        }
    }

    for g in &c.groups {
        push(validate::check_group_ref("groups", g));
    }
    if let Some(r) = &c.region {
        push(validate::check_region("region", r));
    }
    if c.source_identity && !p.allows_source_identity() {
        push(Err(field_error(
            "source_identity",
            "true",
            format!(
                "{p} ({}) takes no SourceIdentity; only assume-role does",
                p.api()
            ),
        )));
    }
    if !c.session_tags.is_empty() {
        if !p.allows_tags() {
            push(Err(field_error(
                "session_tags",
                "…",
                format!(
                    "{p} ({}) takes no session tags; remove them or change principal",
                    p.api()
                ),
            )));
        }
        if c.session_tags.len() > MAX_SESSION_TAGS {
            push(Err(field_error(
                "session_tags",
                &c.session_tags.len().to_string(),
                format!("too many tags; AWS allows at most {MAX_SESSION_TAGS}"),
            )));
        }
        for (k, v) in &c.session_tags {
            push(check_tag(k, v));
        }
    }

    out.extend(errors.into_iter().map(|e| problem(&subject, e)));
    out.extend(warnings.into_iter().map(|e| Problem {
        severity: Severity::Warning,
        ..problem(&subject, e)
    }));
}

/// Tag keys: 1–128 of letters, spaces, digits and `_.:/=+-@`; values up to 256 characters.
fn check_tag(key: &str, value: &str) -> Result<(), FieldError> {
    let ok_char = |c: char| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c);
    let field = format!("session_tags.{key}");
    if key.is_empty() || key.chars().count() > 128 || !key.chars().all(ok_char) {
        return Err(field_error(
            &field,
            key,
            "tag keys are 1 to 128 letters, digits, spaces and _ . : / = + - @",
        ));
    }
    if value.chars().count() > 256 || !value.chars().all(ok_char) {
        return Err(field_error(
            &field,
            value,
            "tag values are up to 256 letters, digits, spaces and _ . : / = + - @",
        ));
    }
    Ok(())
}
