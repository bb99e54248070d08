//! Local validation of every value fedaws sends to STS or keeps in its config.
//!
//! The rules are the request constraints of `reference/aws-sts.md` plus fedaws's own naming
//! rule. They run before any network call so that a mistake is reported with the field, the bad
//! value and the allowed range instead of an opaque STS error. Every check returns a
//! [`FieldError`]; the caller adds where the value came from (file, connector, account).
//!
//! AWS's `\w` is ASCII only (`[A-Za-z0-9_]`), so all character checks here are written by hand
//! on ASCII; `char::is_alphanumeric` (Unicode) is deliberately never used.

use std::fmt;

use crate::principal::{AccountKind, Principal};

/// A value that failed a check: which field, what value, and why / what is allowed.
///
/// It carries no location, because the same check serves the config loader, the editor commands
/// and each request; the caller wraps it with the file, connector or account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the user knows it (config key or flag), e.g. `max_duration`.
    pub field: String,
    /// The offending value, as given (shortened only when displayed).
    pub value: String,
    /// What is wrong and what would be accepted.
    pub problem: String,
}

/// Values longer than this many characters are cut when a [`FieldError`] is displayed, so that a
/// whole policy document does not flood the terminal.
pub const DISPLAY_VALUE_MAX_CHARS: usize = 80;

impl FieldError {
    /// Builds an error from anything string-like, to keep the call sites short.
    pub fn new(
        field: impl Into<String>,
        value: impl Into<String>,
        problem: impl Into<String>,
    ) -> FieldError {
        FieldError {
            field: field.into(),
            value: value.into(),
            problem: problem.into(),
        }
    }

    /// The value as displayed: the first [`DISPLAY_VALUE_MAX_CHARS`] characters followed by `…`
    /// when longer, otherwise unchanged.
    pub fn display_value(&self) -> String {
        shorten(&self.value, DISPLAY_VALUE_MAX_CHARS)
    }
}

impl fmt::Display for FieldError {
    /// `{field} = {value:?}: {problem}`, with the value shortened (see
    /// [`FieldError::display_value`]) and quoted/escaped so that control characters and
    /// surrounding spaces are visible.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} = {:?}: {}",
            self.field,
            self.display_value(),
            self.problem
        )
    }
}

impl std::error::Error for FieldError {}

/// Keeps the first `max` characters of `s` and appends `…` when `s` is longer.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Character classes (ASCII only)
// ---------------------------------------------------------------------------------------------

/// ASCII `\w`: `[A-Za-z0-9_]`. AWS's patterns mean this, not Unicode word characters.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[\w+=,.@-]`: STS `Name`, `RoleSessionName`, and IAM path / name segments.
fn is_name_char(c: char) -> bool {
    is_word(c) || matches!(c, '+' | '=' | ',' | '.' | '@' | '-')
}

/// `[\w+=,.@:/-]`: STS `ExternalId`.
fn is_external_id_char(c: char) -> bool {
    is_name_char(c) || matches!(c, ':' | '/')
}

/// `[\w+=/:,.@-]`: STS `SerialNumber` (same set as `ExternalId`, listed in AWS's order).
fn is_serial_char(c: char) -> bool {
    is_external_id_char(c)
}

/// `[A-Za-z0-9._-]`: fedaws names after the first character.
fn is_fedaws_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// The characters of `Name`, `RoleSessionName` and IAM names, in words, for error messages.
pub const WORD_CHARS_HELP: &str = "letters A-Z a-z, digits, and + = , . @ _ -";
/// The characters of `ExternalId`, in words, for error messages.
pub const EXTERNAL_ID_CHARS_HELP: &str = "letters A-Z a-z, digits, and + = , . @ : / _ -";
/// The characters of an MFA `SerialNumber`, in words, for error messages.
pub const SERIAL_NUMBER_CHARS_HELP: &str = "letters A-Z a-z, digits, and + = / : , . @ _ -";
/// fedaws's naming rule for accounts, connectors and groups, in words, for error messages.
pub const NAME_HELP: &str = "1 to 64 characters: letters A-Z a-z, digits, and . _ -, \
                             starting with a letter or digit";
/// The accepted duration spellings, in words, for error messages and help texts.
pub const DURATION_FORMS_HELP: &str = "accepted: seconds (900) or hours, minutes and seconds \
                                       in that order, each at most once, lowercase (15m, \
                                       1h30m, 36h, 90s, 1h0m30s)";
/// The allowed policy characters, in words, for error messages.
pub const POLICY_CHARS_HELP: &str = "tab, line feed, carriage return and U+0020 to U+00FF";
/// The IAM partitions fedaws accepts in ARNs.
pub const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];
/// Most characters the inline policy and the managed policy ARNs may have together once
/// whitespace is removed.
pub const POLICY_MAX_COMPACT_LEN: usize = 2048;
/// Most managed policy ARNs one request may carry.
pub const MAX_POLICY_ARNS: usize = 10;

/// Describes a character for a message: `'é' (U+00E9)`, with control characters escaped.
fn describe_char(c: char) -> String {
    format!("{c:?} (U+{:04X})", u32::from(c))
}

/// `1 character`, `2 characters`: keeps messages grammatical.
fn chars(n: usize) -> String {
    if n == 1 {
        "1 character".to_owned()
    } else {
        format!("{n} characters")
    }
}

/// Checks that `s` has `min..=max` characters.
fn check_len(field: &str, s: &str, min: usize, max: usize) -> Result<(), FieldError> {
    let n = s.chars().count();
    if n < min || n > max {
        let problem = if n == 0 {
            format!("is empty; it must have {min} to {max} characters")
        } else {
            format!("has {}; it must have {min} to {max}", chars(n))
        };
        return Err(FieldError::new(field, s, problem));
    }
    Ok(())
}

/// Checks that every character of `s` satisfies `ok`; names the first that does not, with its
/// 1-based position, and lists the allowed characters (`help`).
fn check_chars(field: &str, s: &str, ok: fn(char) -> bool, help: &str) -> Result<(), FieldError> {
    match s.chars().enumerate().find(|&(_, c)| !ok(c)) {
        None => Ok(()),
        Some((i, c)) => Err(FieldError::new(
            field,
            s,
            format!(
                "character {} at position {} is not allowed; allowed are {help}",
                describe_char(c),
                i + 1
            ),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------------

/// Parses a duration given as bare seconds (`"900"`) or with units (`"15m"`, `"1h30m"`, `"36h"`,
/// `"90s"`, `"1h0m30s"`), returning seconds.
///
/// Units are lowercase `h`, `m`, `s`, in that order, each at most once, each after a number;
/// no sign, no whitespace, no days. A total that does not fit in `u32` is an error rather than
/// being saturated. The range is checked separately by [`check_duration`].
pub fn parse_duration(field: &str, s: &str) -> Result<u32, FieldError> {
    let err = |why: String| FieldError::new(field, s, format!("{why}; {DURATION_FORMS_HELP}"));
    let too_large = || err(format!("too large (more than {} s)", u32::MAX));
    if s.is_empty() {
        return Err(err("is empty".to_owned()));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<u32>().map_err(|_| too_large());
    }
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    let mut last_unit: Option<(usize, char)> = None;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            let n = number
                .unwrap_or(0)
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d)))
                .ok_or_else(too_large)?;
            number = Some(n);
            continue;
        }
        let (rank, factor) = match c {
            'h' => (0, 3600),
            'm' => (1, 60),
            's' => (2, 1),
            'H' | 'M' | 'S' => return Err(err(format!("unit {c:?} must be lowercase"))),
            'd' | 'D' => return Err(err("days are not accepted; use hours (48h)".to_owned())),
            '+' | '-' => return Err(err("a sign is not accepted".to_owned())),
            c if c.is_whitespace() => return Err(err("contains whitespace".to_owned())),
            c => return Err(err(format!("unexpected character {}", describe_char(c)))),
        };
        let Some(n) = number.take() else {
            return Err(err(format!("unit {c:?} has no number before it")));
        };
        if let Some((last_rank, last)) = last_unit {
            if last_rank == rank {
                return Err(err(format!("unit {c:?} is given twice")));
            }
            if last_rank > rank {
                return Err(err(format!("unit {c:?} comes after {last:?}")));
            }
        }
        last_unit = Some((rank, c));
        total = n
            .checked_mul(factor)
            .and_then(|v| v.checked_add(total))
            .ok_or_else(too_large)?;
    }
    if number.is_some() {
        return Err(err("the last number has no unit".to_owned()));
    }
    u32::try_from(total).map_err(|_| too_large())
}

/// Formats seconds the way [`parse_duration`] reads them, shortest form first: `3600` → `"1h"`,
/// `5400` → `"1h30m"`, `61` → `"1m1s"`, `0` → `"0s"`. Used in messages and when writing config.
pub fn format_duration(secs: u32) -> String {
    if secs == 0 {
        return "0s".to_owned();
    }
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    for (n, unit) in [(h, 'h'), (m, 'm'), (s, 's')] {
        if n > 0 {
            out.push_str(&n.to_string());
            out.push(unit);
        }
    }
    out
}

/// Checks that `secs` is a lifetime AWS grants for `principal` with `kind`'s keys (see
/// [`Principal::duration_range`]), so that a root request above 1 h is refused rather than
/// silently shortened by AWS, and a root `assume-role` connector is refused outright.
pub fn check_duration(
    field: &str,
    secs: u32,
    principal: Principal,
    kind: AccountKind,
) -> Result<(), FieldError> {
    let value = format_duration(secs);
    let Some(range) = principal.duration_range(kind) else {
        return Err(FieldError::new(
            field,
            value,
            crate::principal::ROOT_CANNOT_ASSUME_ROLE,
        ));
    };
    if range.contains(secs) {
        return Ok(());
    }
    let mut problem = format!(
        "out of range, allowed {} ({} s) to {} ({} s) for {principal} with {} {kind} account",
        format_duration(range.min),
        range.min,
        format_duration(range.max),
        range.max,
        if kind == AccountKind::IamUser {
            "an"
        } else {
            "a"
        },
    );
    if kind == AccountKind::Root {
        problem.push_str(" (AWS caps root-account sessions at 1h)");
    }
    if principal.needs_role_arn() {
        problem.push_str(" (and at most the role's maximum session duration)");
    }
    Err(FieldError::new(field, value, problem))
}

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

/// What [`check_policy`] learned about a valid policy, for the combined size check with the
/// managed policy ARNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyInfo {
    /// Characters in the policy once whitespace is removed (see [`compact_len`]).
    pub compact_len: usize,
}

/// The policy size AWS limits: characters (not bytes) once space, tab, CR and LF are removed.
pub fn compact_len(text: &str) -> usize {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .count()
}

/// Policy versions IAM accepts.
const POLICY_VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];
/// Top-level keys of a policy document.
const POLICY_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
/// Keys of a policy statement.
const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Checks an inline session policy as STS would, so that `MalformedPolicyDocument` and size
/// errors surface locally with a precise reason.
///
/// `text` is the raw policy: only tab, LF, CR and U+0020–U+00FF; a JSON object with `Version`
/// (`2012-10-17` or `2008-10-17`) and `Statement` (an object or a non-empty array of objects);
/// each statement with `Effect` `Allow`/`Deny`, exactly one of `Action`/`NotAction` and exactly
/// one of `Resource`/`NotResource` (each a string or a non-empty array of non-empty strings);
/// keys are case-sensitive and unknown keys are refused. At most [`POLICY_MAX_COMPACT_LEN`]
/// characters without whitespace; the caller still has to add the managed policy ARNs'
/// lengths to [`PolicyInfo::compact_len`] for the combined limit.
pub fn check_policy(field: &str, text: &str) -> Result<PolicyInfo, FieldError> {
    let err = |problem: String| FieldError::new(field, text, problem);

    let (mut line, mut col) = (1usize, 0usize);
    for (i, c) in text.chars().enumerate() {
        if c == '\n' {
            line += 1;
            col = 0;
            continue;
        }
        col += 1;
        let ok = matches!(c, '\t' | '\r') || ('\u{20}'..='\u{FF}').contains(&c);
        if !ok {
            return Err(err(format!(
                "character {} at line {line}, column {col} (character {}) is not allowed; \
                 a policy may only contain {POLICY_CHARS_HELP}",
                describe_char(c),
                i + 1
            )));
        }
    }

    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| err(format!("is not valid JSON: {e}")))?;
    let Some(doc) = doc.as_object() else {
        return Err(err(format!(
            "must be a JSON object, found {}",
            json_kind(&doc)
        )));
    };
    if let Some(key) = doc.keys().find(|k| !POLICY_KEYS.contains(&k.as_str())) {
        return Err(err(format!(
            "unknown top-level key {key:?}; allowed are Version, Id, Statement (case-sensitive)"
        )));
    }
    match doc.get("Version") {
        None => {
            return Err(err(
                "Version is missing; use \"Version\": \"2012-10-17\"".to_owned()
            ));
        }
        Some(serde_json::Value::String(v)) if POLICY_VERSIONS.contains(&v.as_str()) => {}
        Some(v) => {
            return Err(err(format!(
                "Version is {v}; it must be \"2012-10-17\" or \"2008-10-17\""
            )));
        }
    }
    if let Some(id) = doc.get("Id").filter(|v| !v.is_string()) {
        return Err(err(format!("Id must be a string, found {}", json_kind(id))));
    }
    let statements: Vec<(String, &serde_json::Value)> = match doc.get("Statement") {
        None => return Err(err("Statement is missing".to_owned())),
        Some(serde_json::Value::Array(a)) if a.is_empty() => {
            return Err(err("Statement is an empty array".to_owned()));
        }
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("Statement[{i}]"), s))
            .collect(),
        Some(s @ serde_json::Value::Object(_)) => vec![("Statement".to_owned(), s)],
        Some(s) => {
            return Err(err(format!(
                "Statement must be an object or an array of objects, found {}",
                json_kind(s)
            )));
        }
    };
    for (label, st) in statements {
        check_statement(&label, st).map_err(err)?;
    }

    let n = compact_len(text);
    if n > POLICY_MAX_COMPACT_LEN {
        return Err(err(format!(
            "is {n} characters without whitespace; the limit is {POLICY_MAX_COMPACT_LEN} \
             (inline policy and managed policy ARNs together)"
        )));
    }
    Ok(PolicyInfo { compact_len: n })
}

/// Checks one statement; the error names it by `label` (`Statement[2]`, plus its `Sid`).
fn check_statement(label: &str, st: &serde_json::Value) -> Result<(), String> {
    let Some(st) = st.as_object() else {
        return Err(format!(
            "{label} must be an object, found {}",
            json_kind(st)
        ));
    };
    let label = match st.get("Sid") {
        Some(serde_json::Value::String(sid)) => format!("{label} (Sid {sid:?})"),
        Some(other) => {
            return Err(format!(
                "{label}: Sid must be a string, found {}",
                json_kind(other)
            ));
        }
        None => label.to_owned(),
    };
    if let Some(key) = st.keys().find(|k| !STATEMENT_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "{label}: unknown key {key:?}; allowed are {} (case-sensitive)",
            STATEMENT_KEYS.join(", ")
        ));
    }
    match st.get("Effect") {
        None => {
            return Err(format!(
                "{label}: Effect is missing; use \"Allow\" or \"Deny\""
            ));
        }
        Some(serde_json::Value::String(e)) if e == "Allow" || e == "Deny" => {}
        Some(e) => {
            return Err(format!(
                "{label}: Effect is {e}; it must be \"Allow\" or \"Deny\" (case-sensitive)"
            ));
        }
    }
    for (a, b) in [("Action", "NotAction"), ("Resource", "NotResource")] {
        match (st.get(a), st.get(b)) {
            (None, None) => return Err(format!("{label}: needs {a} or {b}")),
            (Some(_), Some(_)) => {
                return Err(format!("{label}: has both {a} and {b}; use only one"));
            }
            (Some(v), None) => check_string_list(&label, a, v)?,
            (None, Some(v)) => check_string_list(&label, b, v)?,
        }
    }
    if let Some(c) = st.get("Condition").filter(|c| !c.is_object()) {
        return Err(format!(
            "{label}: Condition must be an object, found {}",
            json_kind(c)
        ));
    }
    Ok(())
}

/// `Action` & co: a non-empty string or a non-empty array of non-empty strings.
fn check_string_list(label: &str, key: &str, v: &serde_json::Value) -> Result<(), String> {
    let shape = "a non-empty string or a non-empty array of non-empty strings";
    let ok = match v {
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(a) => {
            !a.is_empty() && a.iter().all(|x| x.as_str().is_some_and(|s| !s.is_empty()))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{label}: {key} must be {shape}, found {v}"))
    }
}

/// The JSON type of `v` in words, for messages.
fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------------------------
// ARNs
// ---------------------------------------------------------------------------------------------

/// What an IAM ARN check expects: the resource type and whether the AWS-managed account
/// (`aws`) is allowed.
struct ArnRule {
    /// `role` or `policy`.
    resource: &'static str,
    /// Managed policies of AWS use `aws` in place of the account ID.
    allow_aws_account: bool,
    /// Longest name, in characters.
    name_max: usize,
    /// Example shown in messages.
    example: &'static str,
}

/// Checks `arn:{partition}:iam::{account}:{resource}/{path/}{name}` per `rule`.
fn check_iam_arn(field: &str, s: &str, rule: &ArnRule) -> Result<(), FieldError> {
    let err = |why: String| {
        FieldError::new(
            field,
            s,
            format!(
                "{why}; expected a {} ARN like {}",
                rule.resource, rule.example
            ),
        )
    };
    let n = s.chars().count();
    if !(20..=2048).contains(&n) {
        return Err(err(format!("has {}; it must have 20 to 2048", chars(n))));
    }
    let Some(rest) = s.strip_prefix("arn:") else {
        return Err(err("does not start with \"arn:\"".to_owned()));
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, service, region, account, resource] = parts[..] else {
        return Err(err("has too few ':'-separated parts".to_owned()));
    };
    if !PARTITIONS.contains(&partition) {
        return Err(err(format!(
            "partition {partition:?} is not one of {}",
            PARTITIONS.join(", ")
        )));
    }
    if service != "iam" {
        return Err(err(format!("service is {service:?}, not \"iam\"")));
    }
    if !region.is_empty() {
        return Err(err(format!("IAM ARNs have no region, found {region:?}")));
    }
    let twelve_digits = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if !(twelve_digits || rule.allow_aws_account && account == "aws") {
        return Err(err(format!(
            "account {account:?} is not 12 digits{}",
            if rule.allow_aws_account {
                " or \"aws\""
            } else {
                ""
            }
        )));
    }
    let Some(path_and_name) = resource
        .strip_prefix(rule.resource)
        .and_then(|r| r.strip_prefix('/'))
    else {
        let kind = resource.split('/').next().unwrap_or_default();
        return Err(err(format!(
            "resource type is {kind:?}, not \"{}\"",
            rule.resource
        )));
    };
    let segments: Vec<&str> = path_and_name.split('/').collect();
    let (name, path) = segments.split_last().unwrap_or((&"", &[]));
    for seg in path {
        if seg.is_empty() {
            return Err(err("the path has an empty segment ('//')".to_owned()));
        }
        if let Some(c) = seg.chars().find(|&c| !is_name_char(c)) {
            return Err(err(format!(
                "the path contains {}; allowed are {WORD_CHARS_HELP}",
                describe_char(c)
            )));
        }
    }
    let name_len = name.chars().count();
    if name_len == 0 || name_len > rule.name_max {
        return Err(err(format!(
            "the {} name has {}; it must have 1 to {}",
            rule.resource,
            chars(name_len),
            rule.name_max
        )));
    }
    if let Some(c) = name.chars().find(|&c| !is_name_char(c)) {
        return Err(err(format!(
            "the {} name contains {}; allowed are {WORD_CHARS_HELP}",
            rule.resource,
            describe_char(c)
        )));
    }
    Ok(())
}

/// Checks managed session policy ARNs: at most [`MAX_POLICY_ARNS`], each 20–2048 characters and
/// shaped `arn:{aws|aws-cn|aws-us-gov}:iam::{12 digits|aws}:policy/{path/}{name}` (name 1–128
/// characters). A bad ARN is reported as `{field}[i]` so the user sees which one.
pub fn check_policy_arns(field: &str, arns: &[String]) -> Result<(), FieldError> {
    if arns.len() > MAX_POLICY_ARNS {
        return Err(FieldError::new(
            field,
            arns.join(","),
            format!(
                "{} policy ARNs; at most {MAX_POLICY_ARNS} are allowed",
                arns.len()
            ),
        ));
    }
    let rule = ArnRule {
        resource: "policy",
        allow_aws_account: true,
        name_max: 128,
        example: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    };
    for (i, arn) in arns.iter().enumerate() {
        check_iam_arn(&format!("{field}[{i}]"), arn, &rule)?;
    }
    Ok(())
}

/// Checks the session policies of one call together: the inline policy (`field` names it), the
/// managed policy ARNs, and their combined plaintext, which AWS caps at
/// [`POLICY_MAX_COMPACT_LEN`] characters without whitespace.
pub fn check_session_policies(
    field: &str,
    policy: Option<&str>,
    arns: &[String],
) -> Result<(), FieldError> {
    check_policy_arns("policy_arns", arns)?;
    let Some(text) = policy else {
        return Ok(());
    };
    let info = check_policy(field, text)?;
    let arn_len: usize = arns.iter().map(|a| a.len()).sum();
    if !arns.is_empty() && info.compact_len + arn_len > POLICY_MAX_COMPACT_LEN {
        return Err(FieldError::new(
            field,
            "…",
            format!(
                "with policy_arns totals {} characters without whitespace; AWS allows {POLICY_MAX_COMPACT_LEN} for inline and managed session policies together",
                info.compact_len + arn_len
            ),
        ));
    }
    Ok(())
}

/// Checks an `AssumeRole` `RoleArn`: 20–2048 characters,
/// `arn:{aws|aws-cn|aws-us-gov}:iam::{12 digits}:role/{path/}{name}`, name 1–64 characters
/// of [`WORD_CHARS_HELP`], path segments (possibly nested) of the same characters.
pub fn check_role_arn(field: &str, s: &str) -> Result<(), FieldError> {
    check_iam_arn(
        field,
        s,
        &ArnRule {
            resource: "role",
            allow_aws_account: false,
            name_max: 64,
            example: "arn:aws:iam::123456789012:role/Deploy",
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Other STS parameters and fedaws names
// ---------------------------------------------------------------------------------------------

/// Checks an `AssumeRole` `ExternalId`: 2–1224 characters of [`EXTERNAL_ID_CHARS_HELP`].
pub fn check_external_id(field: &str, s: &str) -> Result<(), FieldError> {
    check_len(field, s, 2, 1224)?;
    check_chars(field, s, is_external_id_char, EXTERNAL_ID_CHARS_HELP)
}

/// Checks an MFA device `SerialNumber` (a virtual device's ARN or a hardware serial): 9–256
/// characters of [`SERIAL_NUMBER_CHARS_HELP`].
pub fn check_serial_number(field: &str, s: &str) -> Result<(), FieldError> {
    check_len(field, s, 9, 256)?;
    check_chars(field, s, is_serial_char, SERIAL_NUMBER_CHARS_HELP)
}

/// Checks an MFA `TokenCode`: exactly 6 ASCII digits, so a typo is caught before it burns the
/// current TOTP window.
pub fn check_token_code(field: &str, s: &str) -> Result<(), FieldError> {
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(FieldError::new(field, s, "must be exactly 6 digits (0-9)"))
    }
}

/// Checks a user name sent as `Name` or `RoleSessionName`: `min..=max` characters (from
/// [`Principal::session_name_param`]) of [`WORD_CHARS_HELP`]; the message lists the allowed
/// characters and names the first offending one, so the user knows how to rename.
pub fn check_session_name(field: &str, s: &str, min: usize, max: usize) -> Result<(), FieldError> {
    check_len(field, s, min, max).map_err(|mut e| {
        e.problem
            .push_str(&format!("; allowed characters are {WORD_CHARS_HELP}"));
        e
    })?;
    check_chars(field, s, is_name_char, WORD_CHARS_HELP)
}

/// Checks a fedaws name (account, connector, group): `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`, so
/// names are safe in file names, profile names and command lines.
pub fn check_name(field: &str, s: &str) -> Result<(), FieldError> {
    let err = |why: String| FieldError::new(field, s, format!("{why}; a name has {NAME_HELP}"));
    let Some(first) = s.chars().next() else {
        return Err(err("is empty".to_owned()));
    };
    let n = s.chars().count();
    if n > 64 {
        return Err(err(format!("has {}", chars(n))));
    }
    if !first.is_ascii_alphanumeric() {
        return Err(err(format!("starts with {}", describe_char(first))));
    }
    if let Some((i, c)) = s
        .chars()
        .enumerate()
        .find(|&(_, c)| !is_fedaws_name_char(c))
    {
        return Err(err(format!(
            "character {} at position {} is not allowed",
            describe_char(c),
            i + 1
        )));
    }
    Ok(())
}

/// Checks the shape of an AWS region name (`us-east-1`, `us-gov-west-1`, `cn-north-1`): 1 to 3
/// hyphen-separated groups of lowercase letters, then a number, at most 32 characters. Whether
/// the region exists is left to AWS, so new regions need no fedaws update.
pub fn check_region(field: &str, s: &str) -> Result<(), FieldError> {
    let ok = s.len() <= 32 && {
        let parts: Vec<&str> = s.split('-').collect();
        match parts.split_last() {
            Some((number, letters)) => {
                (1..=3).contains(&letters.len())
                    && !number.is_empty()
                    && number.bytes().all(|b| b.is_ascii_digit())
                    && letters
                        .iter()
                        .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_lowercase()))
            }
            None => false,
        }
    };
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            s,
            "is not a region name; expected lowercase words and a number separated by \
             hyphens, at most 32 characters, like us-east-1 or eu-central-1",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Principal::*;

    fn s(n: usize, c: char) -> String {
        std::iter::repeat_n(c, n).collect()
    }

    // --- FieldError -------------------------------------------------------------------------

    #[test]
    fn field_error_display() {
        let e = check_duration("max_duration", 144_000, FederatedUser, AccountKind::IamUser)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "max_duration = \"40h\": out of range, allowed 15m (900 s) to 36h (129600 s) for \
             federated-user with an iam-user account"
        );
        let e = FieldError::new("f", "a\nb", "bad");
        assert_eq!(e.to_string(), "f = \"a\\nb\": bad");
    }

    #[test]
    fn field_error_display_shortens_long_values() {
        let cases = [
            (s(80, 'x'), format!("\"{}\"", s(80, 'x'))),
            (s(81, 'x'), format!("\"{}…\"", s(80, 'x'))),
            (s(200, 'é'), format!("\"{}…\"", s(80, 'é'))),
        ];
        for (value, shown) in cases {
            let e = FieldError::new("policy", value.clone(), "p");
            assert_eq!(e.to_string(), format!("policy = {shown}: p"));
            assert_eq!(e.value, value, "the value itself is kept whole");
        }
    }

    #[test]
    fn field_error_is_an_error() {
        let e: Box<dyn std::error::Error> = Box::new(FieldError::new("a", "b", "c"));
        assert_eq!(e.to_string(), "a = \"b\": c");
    }

    // --- durations ----------------------------------------------------------------------------

    #[test]
    fn parse_duration_accepts() {
        let cases = [
            ("900", 900),
            ("0", 0),
            ("0900", 900),
            ("4294967295", u32::MAX),
            ("15m", 900),
            ("1h30m", 5400),
            ("36h", 129_600),
            ("90s", 90),
            ("1h0m30s", 3630),
            ("1h30s", 3630),
            ("90m", 5400),
            ("12h", 43_200),
            ("1m1s", 61),
            ("0s", 0),
            ("1193046h28m15s", u32::MAX),
        ];
        for (input, want) in cases {
            assert_eq!(parse_duration("d", input), Ok(want), "{input:?}");
        }
    }

    #[test]
    fn parse_duration_rejects() {
        let cases = [
            ("", "is empty"),
            ("1x", "unexpected character"),
            ("-5", "sign"),
            ("+5", "sign"),
            ("1m1h", "comes after"),
            ("1s1m", "comes after"),
            ("1h1h", "twice"),
            ("15 m", "whitespace"),
            (" 15m", "whitespace"),
            ("15m ", "whitespace"),
            ("99999999999999", "too large"),
            ("4294967296", "too large"),
            ("1193046h28m16s", "too large"),
            ("99999999999999999999999h", "too large"),
            ("1H", "lowercase"),
            ("2d", "days"),
            ("h", "no number"),
            ("1hm", "no number"),
            ("1h30", "no unit"),
            ("1.5h", "unexpected character"),
            ("١٥m", "unexpected character"),
        ];
        for (input, why) in cases {
            let e = parse_duration("max_duration", input).unwrap_err();
            assert_eq!(e.field, "max_duration");
            assert_eq!(e.value, input);
            assert!(e.problem.contains(why), "{input:?}: {}", e.problem);
            assert!(e.problem.contains("1h30m"), "names the accepted forms");
        }
    }

    #[test]
    fn format_duration_cases() {
        let cases = [
            (3600, "1h"),
            (5400, "1h30m"),
            (900, "15m"),
            (61, "1m1s"),
            (0, "0s"),
            (59, "59s"),
            (3601, "1h1s"),
            (129_600, "36h"),
            (u32::MAX, "1193046h28m15s"),
        ];
        for (secs, want) in cases {
            assert_eq!(format_duration(secs), want);
            assert_eq!(parse_duration("d", want), Ok(secs), "round trip {want}");
        }
    }

    #[test]
    fn check_duration_boundaries() {
        let iam = AccountKind::IamUser;
        let root = AccountKind::Root;
        let cases = [
            (FederatedUser, iam, 899, false),
            (FederatedUser, iam, 900, true),
            (FederatedUser, iam, 129_600, true),
            (FederatedUser, iam, 129_601, false),
            (IamUser, iam, 899, false),
            (IamUser, iam, 900, true),
            (IamUser, iam, 129_600, true),
            (IamUser, iam, 129_601, false),
            (FederatedUser, root, 899, false),
            (FederatedUser, root, 900, true),
            (FederatedUser, root, 3600, true),
            (FederatedUser, root, 3601, false),
            (IamUser, root, 3600, true),
            (IamUser, root, 3601, false),
            (AssumeRole, iam, 899, false),
            (AssumeRole, iam, 900, true),
            (AssumeRole, iam, 43_200, true),
            (AssumeRole, iam, 43_201, false),
            (AssumeRole, root, 900, false),
            (AssumeRole, root, 3600, false),
        ];
        for (p, k, secs, ok) in cases {
            let r = check_duration("max_duration", secs, p, k);
            assert_eq!(r.is_ok(), ok, "{p} {k} {secs}: {r:?}");
        }
    }

    #[test]
    fn check_duration_messages() {
        let e = check_duration("max_duration", 3601, IamUser, AccountKind::Root).unwrap_err();
        assert_eq!(e.value, "1h1s");
        assert!(
            e.problem
                .contains("allowed 15m (900 s) to 1h (3600 s) for iam-user with a root account"),
            "{}",
            e.problem
        );
        assert!(e.problem.contains("AWS caps root-account sessions at 1h"));

        let e = check_duration("d", 43_201, AssumeRole, AccountKind::IamUser).unwrap_err();
        assert!(e.problem.contains("15m (900 s) to 12h (43200 s)"));
        assert!(e.problem.contains("role's maximum session duration"));

        let e = check_duration("d", 900, AssumeRole, AccountKind::Root).unwrap_err();
        assert_eq!(e.problem, crate::principal::ROOT_CANNOT_ASSUME_ROLE);

        let e = check_duration("d", 899, FederatedUser, AccountKind::IamUser).unwrap_err();
        let shown = e.to_string();
        assert!(shown.starts_with("d = \"14m59s\": out of range"), "{shown}");
    }

    // --- policies -----------------------------------------------------------------------------

    /// A valid policy whose compact length is exactly `len` (padding inside the Resource).
    fn policy_of_compact_len(len: usize) -> String {
        let build = |pad: &str| {
            format!(
                "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \
                 \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \
                 \"Resource\": \"arn:aws:s3:::bucket/{pad}\"\n    }}\n  ]\n}}"
            )
        };
        let base = compact_len(&build(""));
        let text = build(&s(len - base, 'a'));
        assert_eq!(compact_len(&text), len);
        text
    }

    const OK_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

    #[test]
    fn compact_len_counts_chars_without_whitespace() {
        let cases = [
            ("", 0),
            (" \t\r\n", 0),
            ("{ \"a\" : 1 }", 7),
            ("é é", 2),
            ("\u{A0}", 1),
        ];
        for (text, n) in cases {
            assert_eq!(compact_len(text), n, "{text:?}");
        }
    }

    #[test]
    fn policy_length_boundary() {
        let ok = policy_of_compact_len(2048);
        assert_eq!(
            check_policy("policy", &ok),
            Ok(PolicyInfo { compact_len: 2048 })
        );
        let bad = policy_of_compact_len(2049);
        let e = check_policy("policy", &bad).unwrap_err();
        assert_eq!(
            e.problem,
            "is 2049 characters without whitespace; the limit is 2048 (inline policy and \
             managed policy ARNs together)"
        );
        assert!(e.to_string().contains('…'), "long value shortened");
        assert_eq!(e.value, bad);
    }

    #[test]
    fn policy_accepts() {
        let cases = [
            OK_POLICY.to_owned(),
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::x"}}"#.to_owned(),
            r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A1","Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#.to_owned(),
            // U+00E9 is inside the allowed range
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"caf\u{e9}\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}".to_owned(),
            // tab, CR, LF are allowed whitespace
            "{\r\n\t\"Version\": \"2012-10-17\",\r\n\t\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}\r\n}".to_owned(),
        ];
        for text in &cases {
            let info = check_policy("policy", text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(info.compact_len, compact_len(text));
        }
    }

    #[test]
    fn policy_rejects() {
        let st = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#;
        let v =
            |statements: &str| format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#);
        let cases: Vec<(String, &str)> = vec![
            (OK_POLICY.replace("s3:*", "s3:\u{100}"), "U+0100"),
            (OK_POLICY.replace("s3:*", "s3:\u{1}"), "U+0001"),
            ("".to_owned(), "not valid JSON"),
            ("{\"Version\":".to_owned(), "line 1 column 11"),
            (
                "{\n  \"Version\": \"2012-10-17\",\n  x\n}".to_owned(),
                "line 3 column 3",
            ),
            ("[]".to_owned(), "must be a JSON object, found an array"),
            (format!(r#"{{"Statement":[{st}]}}"#), "Version is missing"),
            (
                format!(r#"{{"Version":"2012-10-18","Statement":[{st}]}}"#),
                "Version is \"2012-10-18\"",
            ),
            (
                format!(r#"{{"Version":2012,"Statement":[{st}]}}"#),
                "Version is 2012",
            ),
            (
                r#"{"Version":"2012-10-17"}"#.to_owned(),
                "Statement is missing",
            ),
            (v("[]"), "Statement is an empty array"),
            (
                v("\"x\""),
                "Statement must be an object or an array of objects, found a string",
            ),
            (v(&format!("[{st},1]")), "Statement[1] must be an object"),
            (
                format!(r#"{{"version":"2012-10-17","Statement":[{st}]}}"#),
                "unknown top-level key \"version\"",
            ),
            (
                v(&format!("[{st},{}]", st.replace("Allow", "allow"))),
                "Statement[1]: Effect is \"allow\"",
            ),
            (
                v(&st.replace("\"Effect\":\"Allow\",", "")),
                "Statement: Effect is missing",
            ),
            (
                v(&st.replace("\"Resource\"", "\"NotAction\":\"x\",\"Resource\"")),
                "has both Action and NotAction",
            ),
            (
                v(&st.replace("\"Action\":\"s3:*\",", "")),
                "needs Action or NotAction",
            ),
            (
                v(&st.replace("\"s3:*\"", "[]")),
                "Action must be a non-empty string or a non-empty array",
            ),
            (v(&st.replace("\"s3:*\"", "[1]")), "Action must be"),
            (v(&st.replace("\"s3:*\"", "\"\"")), "Action must be"),
            (
                v(&st.replace(",\"Resource\":\"*\"", "")),
                "needs Resource or NotResource",
            ),
            (
                v(&st.replace("\"Resource\"", "\"NotResource\":\"*\",\"Resource\"")),
                "has both Resource and NotResource",
            ),
            (
                v(&st.replace("{", "{\"Sid\":\"Read\",\"effect\":\"Allow\",")),
                "Statement (Sid \"Read\"): unknown key \"effect\"",
            ),
            (
                v(&format!(
                    "[{st},{}]",
                    st.replace("{", "{\"Sid\":\"Two\",")
                        .replace("Allow", "ALLOW")
                )),
                "Statement[1] (Sid \"Two\"): Effect",
            ),
            (v(&st.replace("{", "{\"Sid\":3,")), "Sid must be a string"),
            (
                v(&st.replace("}", ",\"Condition\":[]}")),
                "Condition must be an object",
            ),
        ];
        for (text, why) in &cases {
            let e = check_policy("policy", text).unwrap_err();
            assert_eq!(e.field, "policy");
            assert_eq!(&e.value, text);
            assert!(
                e.problem.contains(why),
                "{text}\n  wanted {why:?}\n  got {}",
                e.problem
            );
        }
    }

    #[test]
    fn policy_bad_character_position() {
        let text = OK_POLICY
            .replacen('{', "{\n ", 1)
            .replace("s3:*", "s3:\u{100}");
        let e = check_policy("policy", &text).unwrap_err();
        let col = text
            .lines()
            .nth(1)
            .unwrap()
            .chars()
            .position(|c| c == '\u{100}')
            .unwrap()
            + 1;
        let idx = text.chars().position(|c| c == '\u{100}').unwrap() + 1;
        assert!(
            e.problem.starts_with(&format!(
                "character 'Ā' (U+0100) at line 2, column {col} (character {idx}) is not allowed"
            )),
            "{}",
            e.problem
        );
    }

    // --- ARNs ---------------------------------------------------------------------------------

    #[test]
    fn policy_arn_count() {
        let arn = "arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned();
        assert!(check_policy_arns("policy_arns", &[]).is_ok());
        assert!(check_policy_arns("policy_arns", &vec![arn.clone(); 10]).is_ok());
        let e = check_policy_arns("policy_arns", &vec![arn; 11]).unwrap_err();
        assert_eq!(e.problem, "11 policy ARNs; at most 10 are allowed");
    }

    #[test]
    fn policy_arn_shapes() {
        let cases: Vec<(String, bool)> = vec![
            ("arn:aws:iam::aws:policy/ReadOnlyAccess".into(), true),
            (
                "arn:aws:iam::123456789012:policy/team/data/My+Policy=1,x.y@z-_".into(),
                true,
            ),
            (
                "arn:aws-cn:iam::aws:policy/service-role/AWSLambdaRole".into(),
                true,
            ),
            ("arn:aws-us-gov:iam::123456789012:policy/P".into(), true),
            (
                format!("arn:aws:iam::123456789012:policy/{}", s(128, 'n')),
                true,
            ),
            (
                format!("arn:aws:iam::123456789012:policy/{}", s(129, 'n')),
                false,
            ),
            ("arn:aws:iam::aws:policy/".into(), false),
            ("arn:aws:iam::aws:policy/a//b".into(), false),
            ("arn:aws:iam::aws:role/ReadOnlyAccess".into(), false),
            ("arn:aws:iam::12345678901:policy/ReadOnly".into(), false),
            ("arn:aws:iam::AWS:policy/ReadOnlyAccess".into(), false),
            (
                "arn:aws:iam:us-east-1:aws:policy/ReadOnlyAccess".into(),
                false,
            ),
            ("arn:aws:sts::aws:policy/ReadOnlyAccess".into(), false),
            ("arn:aws-iso:iam::aws:policy/ReadOnlyAccess".into(), false),
            ("arn:aws:iam::aws:policy/Read Only".into(), false),
            ("arn:aws:iam::aws:policy/Reäd".into(), false),
            ("arn:aws:iam::aws:policy/ä/Read".into(), false),
            ("arn:aws:iam::aws:policy".into(), false),
            ("arn:aws:iam::aws:p/x".into(), false), // 20 chars, wrong resource type
        ];
        for (arn, ok) in &cases {
            let r = check_policy_arns("policy_arns", std::slice::from_ref(arn));
            assert_eq!(r.is_ok(), *ok, "{arn}: {r:?}");
        }
        let list = vec![
            "arn:aws:iam::aws:policy/A".to_owned(),
            "arn:aws:iam::aws:policy/B C".to_owned(),
        ];
        let e = check_policy_arns("policy_arns", &["arn:aws:iam::aws:po".to_owned()]).unwrap_err();
        assert!(
            e.problem
                .starts_with("has 19 characters; it must have 20 to 2048")
        );
        let e = check_policy_arns("policy_arns", &list).unwrap_err();
        assert_eq!(e.field, "policy_arns[1]");
        assert_eq!(e.value, "arn:aws:iam::aws:policy/B C");
    }

    #[test]
    fn policy_arn_length_bounds() {
        let prefix = "arn:aws:iam::aws:policy/";
        // 20 characters exactly is the lower bound; a policy ARN is always longer than that,
        // so check the upper bound with a long path.
        let path = |total: usize| {
            let name = "N";
            let fill = total - prefix.len() - name.len();
            // segments of "p/" pairs keep it well-formed
            let mut p = s(fill / 2, 'p')
                .chars()
                .map(|c| format!("{c}/"))
                .collect::<String>();
            if fill % 2 == 1 {
                p.insert(0, 'q');
            }
            format!("{prefix}{p}{name}")
        };
        let a = path(2048);
        assert_eq!(a.len(), 2048);
        assert!(check_policy_arns("p", &[a]).is_ok());
        let a = path(2049);
        assert_eq!(a.len(), 2049);
        let e = check_policy_arns("p", &[a]).unwrap_err();
        assert!(e.problem.contains("has 2049 characters"), "{}", e.problem);
    }

    #[test]
    fn role_arns() {
        let cases: Vec<(String, bool)> = vec![
            ("arn:aws:iam::123456789012:role/Deploy".into(), true),
            ("arn:aws:iam::123456789012:role/path/Deploy".into(), true),
            ("arn:aws:iam::123456789012:role/a/b/Name".into(), true),
            ("arn:aws-cn:iam::123456789012:role/Deploy".into(), true),
            ("arn:aws-us-gov:iam::123456789012:role/Deploy".into(), true),
            ("arn:aws:iam::123456789012:role/w+=,.@_-9".into(), true),
            (
                format!("arn:aws:iam::123456789012:role/{}", s(64, 'r')),
                true,
            ),
            (
                format!("arn:aws:iam::123456789012:role/{}", s(65, 'r')),
                false,
            ),
            ("arn:aws:iam::12345678901:role/Deploy".into(), false),
            ("arn:aws:iam::1234567890123:role/Deploy".into(), false),
            ("arn:aws:iam::12345678901a:role/Deploy".into(), false),
            ("arn:aws:iam::aws:role/Deploy".into(), false),
            ("arn:aws:iam::123456789012:user/x".into(), false),
            ("arn:aws:iam::123456789012:role/".into(), false),
            ("arn:aws:iam::123456789012:role".into(), false),
            ("arn:aws:iam::123456789012:role//Deploy".into(), false),
            ("arn:aws:iam::123456789012:role/a/".into(), false),
            ("arn:aws:iam::123456789012:role/Dé".into(), false),
            ("arn:aws:iam::123456789012:role/a:b".into(), false),
            ("arn:aws:sts::123456789012:role/Deploy".into(), false),
            (
                "arn:aws:iam:eu-west-1:123456789012:role/Deploy".into(),
                false,
            ),
            ("arn:gcp:iam::123456789012:role/Deploy".into(), false),
            ("ARN:aws:iam::123456789012:role/Deploy".into(), false),
            ("arn:aws:iam::123456789012".into(), false),
            (" arn:aws:iam::123456789012:role/Deploy".into(), false),
            ("short".into(), false),
            (
                format!("arn:aws:iam::123456789012:role/{}/N", s(2048, 'p')),
                false,
            ),
        ];
        for (arn, ok) in &cases {
            let r = check_role_arn("role_arn", arn);
            assert_eq!(r.is_ok(), *ok, "{arn}: {r:?}");
        }
        let e = check_role_arn("role_arn", "arn:aws:iam::123456789012:user/x").unwrap_err();
        assert!(
            e.problem.contains("resource type is \"user\""),
            "{}",
            e.problem
        );
        let e = check_role_arn("role_arn", "arn:aws:iam::12345678901:role/Deploy").unwrap_err();
        assert!(e.problem.contains("not 12 digits"), "{}", e.problem);
        assert!(
            e.to_string()
                .starts_with("role_arn = \"arn:aws:iam::12345678901:role/Deploy\": ")
        );
    }

    // --- other parameters ---------------------------------------------------------------------

    #[test]
    fn external_ids() {
        let cases = [
            (s(1, 'x'), false),
            (s(2, 'x'), true),
            (s(1224, 'x'), true),
            (s(1225, 'x'), false),
            (String::new(), false),
            ("a+=,.@:/_-Z9".to_owned(), true),
            ("ab cd".to_owned(), false),
            ("abé".to_owned(), false),
            ("ab*".to_owned(), false),
        ];
        for (v, ok) in &cases {
            assert_eq!(check_external_id("external_id", v).is_ok(), *ok, "{v:?}");
        }
        let e = check_external_id("external_id", "a").unwrap_err();
        assert_eq!(e.problem, "has 1 character; it must have 2 to 1224");
    }

    #[test]
    fn serial_numbers() {
        let cases = [
            (s(8, '1'), false),
            (s(9, '1'), true),
            (s(256, '1'), true),
            (s(257, '1'), false),
            ("arn:aws:iam::123456789012:mfa/alice".to_owned(), true),
            ("GAHT12345678".to_owned(), true),
            ("arn:aws:iam::123456789012:mfa/al ice".to_owned(), false),
            ("arn:aws:iam::123456789012:mfa/alïce".to_owned(), false),
        ];
        for (v, ok) in &cases {
            assert_eq!(check_serial_number("mfa_serial", v).is_ok(), *ok, "{v:?}");
        }
    }

    #[test]
    fn token_codes() {
        let cases = [
            ("123456", true),
            ("000000", true),
            ("12345", false),
            ("1234567", false),
            ("12a456", false),
            ("", false),
            (" 23456", false),
            ("١٢٣٤٥٦", false),
            ("12345６", false),
        ];
        for (v, ok) in cases {
            assert_eq!(check_token_code("mfa_code", v).is_ok(), ok, "{v:?}");
        }
    }

    #[test]
    fn session_names() {
        let cases = [
            ("ab", 2, 32, true),
            ("a", 2, 32, false),
            ("", 2, 32, false),
            (&*s(32, 'a'), 2, 32, true),
            (&*s(33, 'a'), 2, 32, false),
            (&*s(64, 'a'), 2, 64, true),
            (&*s(65, 'a'), 2, 64, false),
            ("alice+ops=1,x.y@corp_z-9", 2, 64, true),
            ("ünïcode", 2, 64, false),
            ("josé", 2, 32, false),
            ("a b", 2, 32, false),
            ("a/b", 2, 32, false),
            ("a:b", 2, 32, false),
        ];
        for (v, min, max, ok) in cases {
            assert_eq!(check_session_name("name", v, min, max).is_ok(), ok, "{v:?}");
        }
        let e = check_session_name("name", "ünïcode", 2, 64).unwrap_err();
        assert_eq!(
            e.problem,
            "character 'ü' (U+00FC) at position 1 is not allowed; allowed are letters A-Z a-z, \
             digits, and + = , . @ _ -"
        );
        let e = check_session_name("name", "jo sé", 2, 64).unwrap_err();
        assert!(
            e.problem
                .starts_with("character ' ' (U+0020) at position 3")
        );
        let e = check_session_name("name", &s(33, 'a'), 2, 32).unwrap_err();
        assert!(e.problem.contains("2 to 32"), "{}", e.problem);
        assert!(e.problem.contains(WORD_CHARS_HELP), "{}", e.problem);
    }

    #[test]
    fn session_name_bounds_from_principal() {
        for p in [FederatedUser, AssumeRole] {
            let (_, min, max) = p.session_name_param().unwrap();
            assert!(check_session_name("n", &s(max, 'u'), min, max).is_ok());
            assert!(check_session_name("n", &s(max + 1, 'u'), min, max).is_err());
            assert!(check_session_name("n", &s(min, 'u'), min, max).is_ok());
            assert!(check_session_name("n", &s(min - 1, 'u'), min, max).is_err());
        }
    }

    #[test]
    fn names() {
        let cases = [
            ("a", true),
            ("A", true),
            ("0", true),
            ("prod", true),
            ("prod-eu_1.x", true),
            ("9lives", true),
            (&*s(64, 'n'), true),
            (&*s(65, 'n'), false),
            ("", false),
            (".hidden", false),
            ("-x", false),
            ("_x", false),
            ("é", false),
            ("ünïcode", false),
            ("caf\u{e9}", false),
            ("a b", false),
            ("a/b", false),
            ("a@b", false),
            ("a+b", false),
        ];
        for (v, ok) in cases {
            assert_eq!(check_name("connector", v).is_ok(), ok, "{v:?}");
        }
        let e = check_name("connector", ".hidden").unwrap_err();
        assert!(
            e.problem.starts_with("starts with '.' (U+002E)"),
            "{}",
            e.problem
        );
        let e = check_name("connector", "caf\u{e9}").unwrap_err();
        assert!(
            e.problem.contains("'é' (U+00E9) at position 4"),
            "{}",
            e.problem
        );
    }

    #[test]
    fn regions() {
        let cases = [
            ("us-east-1", true),
            ("eu-central-1", true),
            ("cn-north-1", true),
            ("us-gov-west-1", true),
            ("ap-southeast-5", true),
            ("eusc-de-east-1", true),
            ("a-1", true),
            ("", false),
            ("us", false),
            ("us-east", false),
            ("us-east-", false),
            ("-east-1", false),
            ("us--east-1", false),
            ("US-EAST-1", false),
            ("us-east-1a", false),
            ("a-b-c-d-1", false),
            ("us_east_1", false),
            ("us-east-1 ", false),
            ("us-eäst-1", false),
            ("1", false),
            (&*format!("{}-1", s(30, 'a')), true),
            (&*format!("{}-1", s(31, 'a')), false),
        ];
        for (v, ok) in cases {
            assert_eq!(check_region("region", v).is_ok(), ok, "{v:?}");
        }
    }

    #[test]
    fn help_constants_match_checks() {
        // Every ASCII char named in WORD_CHARS_HELP's punctuation is accepted, others are not.
        for c in "+=,.@_-".chars() {
            assert!(is_name_char(c));
        }
        for c in ":/ *#!\"'`~%^&()[]{}<>?;|\\".chars() {
            assert!(!is_name_char(c), "{c:?}");
        }
        for c in ":/".chars() {
            assert!(is_external_id_char(c) && is_serial_char(c));
        }
        for c in ['é', 'ß', 'Ω', '٣', '\u{0660}', 'Ａ'] {
            assert!(!is_name_char(c) && !is_external_id_char(c) && !is_fedaws_name_char(c));
        }
    }
}
