//! The other STS parameters (session names, external IDs, MFA serials and codes), regions, and
//! fedaws's names for accounts, connectors and groups.

use super::*;

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

/// Checks a group a grant names (a connector's `groups`, `settings.admin_groups`): a fedaws
/// name, or an OS group's, whose words may be parted by single spaces as Windows' local groups
/// are (`Remote Desktop Users`).
pub fn check_group_ref(field: &str, s: &str) -> Result<(), FieldError> {
    let spaced = s.contains(' ');
    if !spaced {
        return check_name(field, s);
    }
    let words: Vec<&str> = s.split(' ').collect();
    let fits = s.chars().count() <= 64
        && words
            .iter()
            .all(|w| !w.is_empty() && w.chars().all(is_fedaws_name_char))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric());
    if fits {
        return Ok(());
    }
    Err(FieldError::new(
        field,
        s,
        format!(
            "is not a group's name; a group's name has {NAME_HELP}, its words parted by single spaces"
        ),
    ))
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

/// Names of accounts, connectors and groups given on the command line, checked as clap reads
/// them (clap value parsers): a name fedaws would refuse in the config is refused here, before
/// any config is read, with what it names.
fn named(what: &str, s: &str) -> Result<String, String> {
    check_name(what, s)
        .map(|()| s.to_string())
        .map_err(|e| e.to_string())
}

/// A connector's name (see [`named`]).
pub fn connector_name_arg(s: &str) -> Result<String, String> {
    named("connector name", s)
}

/// An account's name (see [`named`]).
pub fn account_name_arg(s: &str) -> Result<String, String> {
    named("account name", s)
}

/// A group's name (see [`named`]).
pub fn group_name_arg(s: &str) -> Result<String, String> {
    named("group name", s)
}

/// The name of an account, connector or group, for the commands all three share (see
/// [`named`]).
pub fn name_arg(s: &str) -> Result<String, String> {
    named("name", s)
}

/// A principal type given on the command line (`--principal`), by its name or an alias,
/// parsed as clap reads it.
pub fn principal_arg(s: &str) -> Result<crate::principal::Principal, String> {
    s.to_string().try_into()
}

/// An account kind given on the command line (`--kind`), parsed as clap reads it.
pub fn kind_arg(s: &str) -> Result<crate::principal::AccountKind, String> {
    s.to_string().try_into()
}

/// A connector's longest lifetime given on the command line (`--max-duration`), parsed as clap
/// reads it; the range depends on the connector, and is checked with it.
pub fn duration_arg(s: &str) -> Result<MaxDuration, String> {
    MaxDuration::parse("duration", s).map_err(|e| e.to_string())
}

/// A secret store backend given on the command line (`--keyring`, `FEDAWS_KEYRING`), parsed as
/// clap reads it.
pub fn keyring_arg(s: &str) -> Result<crate::secret::Backend, String> {
    crate::secret::Backend::parse("--keyring", s)
}

/// The store `init` records (`--store`), parsed as clap reads it.
pub fn store_arg(s: &str) -> Result<crate::secret::Backend, String> {
    crate::secret::Backend::parse("--store", s)
}

/// An AWS region: a name [`check_region`] accepts, checked once, where it is made (a flag as
/// clap reads it, a request a broker receives, the config's text when it is used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region(String);

impl Region {
    /// The region named `s`, for the field `field`.
    pub fn parse(field: &str, s: &str) -> Result<Region, FieldError> {
        check_region(field, s)?;
        Ok(Region(s.to_string()))
    }

    /// The region's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Region {
    type Err = String;

    /// A region named on the command line (`--region`).
    fn from_str(s: &str) -> Result<Region, String> {
        Region::parse("--region", s).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_grant_may_name_a_windows_group_of_several_words() {
        for ok in [
            "ops",
            "Remote Desktop Users",
            "Backup Operators",
            "a.b c_d-e",
        ] {
            assert!(check_group_ref("groups", ok).is_ok(), "{ok}");
        }
        for bad in [
            " Users",
            "Users ",
            "Remote  Desktop",
            "a\tb",
            "a;b c",
            "x y\nz",
            "",
        ] {
            let e = check_group_ref("groups", bad).unwrap_err().to_string();
            assert!(e.contains("groups"), "{bad:?}: {e}");
        }
        assert!(check_group_ref("groups", &format!("a {}", "b".repeat(63))).is_err());
    }
    use super::*;
    use crate::principal::Principal::*;
    use crate::validate::repeat as s;

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
