//! Local validation of every value fedaws sends to STS or keeps in its config.
//!
//! The rules are the request constraints of the STS API Reference (GetFederationToken,
//! GetSessionToken, AssumeRole) plus fedaws's own naming rule. They run before any network call
//! so that a mistake is reported with the field, the bad value and the allowed range instead of
//! an opaque STS error. Every check returns a
//! [`FieldError`]; the caller adds where the value came from (file, connector, account).
//!
//! One submodule per concept: [`duration`] (lifetimes), [`policy`] (session policies), [`arn`]
//! (role and policy ARNs), [`params`] (the other STS parameters, regions and fedaws's names).
//! This module holds what they share: [`FieldError`] and the character classes.
//!
//! AWS's `\w` is ASCII only (`[A-Za-z0-9_]`), so all character checks here are written by hand
//! on ASCII; `char::is_alphanumeric` (Unicode) is deliberately never used.

use std::fmt;

mod arn;
mod duration;
mod params;
mod policy;

pub use arn::*;
pub use duration::*;
pub use params::*;
pub use policy::*;

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
pub(crate) fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Character classes (ASCII only)
// ---------------------------------------------------------------------------------------------

/// ASCII `\w`: `[A-Za-z0-9_]`. AWS's patterns mean this, not Unicode word characters.
pub(crate) fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[\w+=,.@-]`: STS `Name`, `RoleSessionName`, and IAM path / name segments.
pub(crate) fn is_name_char(c: char) -> bool {
    is_word(c) || matches!(c, '+' | '=' | ',' | '.' | '@' | '-')
}

/// `[\w+=,.@:/-]`: STS `ExternalId`.
pub(crate) fn is_external_id_char(c: char) -> bool {
    is_name_char(c) || matches!(c, ':' | '/')
}

/// `[\w+=/:,.@-]`: STS `SerialNumber` (same set as `ExternalId`, listed in AWS's order).
pub(crate) fn is_serial_char(c: char) -> bool {
    is_external_id_char(c)
}

/// `[A-Za-z0-9._-]`: fedaws names after the first character.
pub(crate) fn is_fedaws_name_char(c: char) -> bool {
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
/// Most characters the inline policy and the managed policy ARNs may have together once
/// whitespace is removed.
pub const POLICY_MAX_COMPACT_LEN: usize = 2048;
/// Most managed policy ARNs one request may carry.
pub const MAX_POLICY_ARNS: usize = 10;

/// Describes a character for a message: `'é' (U+00E9)`, with control characters escaped.
pub(crate) fn describe_char(c: char) -> String {
    format!("{c:?} (U+{:04X})", u32::from(c))
}

/// `1 character`, `2 characters`: keeps messages grammatical.
pub(crate) fn chars(n: usize) -> String {
    if n == 1 {
        "1 character".to_owned()
    } else {
        format!("{n} characters")
    }
}

/// Checks that `s` has `min..=max` characters.
pub(crate) fn check_len(field: &str, s: &str, min: usize, max: usize) -> Result<(), FieldError> {
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
pub(crate) fn check_chars(
    field: &str,
    s: &str,
    ok: fn(char) -> bool,
    help: &str,
) -> Result<(), FieldError> {
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

/// `n` times `c`, for the length tests of the submodules.
#[cfg(test)]
pub(crate) fn repeat(n: usize, c: char) -> String {
    std::iter::repeat_n(c, n).collect()
}

#[cfg(test)]
mod tests {
    use super::repeat as s;
    use super::*;
    use crate::principal::{AccountKind, Principal::*};

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
}
