//! Lifetimes: parsing `900`, `15m`, `1h30m`, `36h`, and the range each principal type allows.

use crate::principal::{AccountKind, Principal};

use super::{DURATION_FORMS_HELP, FieldError, describe_char};

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

/// A lifetime asked for on the command line (`--duration`): parsed, and within what some
/// principal type allows, when the command line is read (so `--duration 0s` fails the same way
/// with no config at all); the connector's own range is checked when the call is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime(pub u32);

impl std::str::FromStr for Lifetime {
    type Err = String;

    fn from_str(s: &str) -> Result<Lifetime, String> {
        let secs = parse_duration("--duration", s).map_err(|e| e.to_string())?;
        let (min, max) = crate::principal::any_lifetime();
        if !(min..=max).contains(&secs) {
            return Err(FieldError::new(
                "--duration",
                s,
                format!(
                    "out of range: STS issues credentials lasting {} ({min} s) to {} ({max} s), less for some principal types and root accounts",
                    format_duration(min),
                    format_duration(max)
                ),
            )
            .to_string());
        }
        Ok(Lifetime(secs))
    }
}

/// A connector's longest lifetime (`max_duration`, `--max-duration`): its seconds, and the
/// spelling it was given in (`900`, `"15m"`, `"1h30m"`), which is how fedaws writes it back, so
/// an edit keeps the form people chose. The range depends on the connector's principal type and
/// account, and is checked with them.
#[derive(Debug, Clone)]
pub struct MaxDuration {
    secs: u32,
    text: String,
}

impl MaxDuration {
    /// The spelling of [`parse_duration`], for the field `field`.
    pub fn parse(field: &str, s: &str) -> Result<MaxDuration, FieldError> {
        Ok(MaxDuration {
            secs: parse_duration(field, s)?,
            text: s.to_owned(),
        })
    }

    /// The lifetime in seconds.
    pub fn secs(&self) -> u32 {
        self.secs
    }

    /// Bare seconds, written as a TOML integer rather than a string.
    fn is_seconds(&self) -> bool {
        self.text.bytes().all(|b| b.is_ascii_digit())
    }
}

impl std::fmt::Display for MaxDuration {
    /// The spelling it was given in.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for MaxDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_seconds() {
            s.serialize_u32(self.secs)
        } else {
            s.serialize_str(&self.text)
        }
    }
}

impl<'de> serde::Deserialize<'de> for MaxDuration {
    /// A number of seconds (`900`) or a spelling of [`parse_duration`] (`"15m"`).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<MaxDuration, D::Error> {
        use serde::de::{Error, Visitor};
        struct V;
        impl Visitor<'_> for V {
            type Value = MaxDuration;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a duration such as 900, \"15m\", \"1h30m\" or \"36h\"")
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<MaxDuration, E> {
                let secs = u32::try_from(v).map_err(|_| {
                    E::custom(format!(
                        "duration {v} is not a number of seconds from 0 to {}",
                        u32::MAX
                    ))
                })?;
                Ok(MaxDuration {
                    secs,
                    text: secs.to_string(),
                })
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<MaxDuration, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<MaxDuration, E> {
                MaxDuration::parse("duration", v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use proptest::option;
    use proptest::prelude::*;

    use super::*;
    use crate::principal::{AccountKind, Principal::*};

    #[test]
    fn a_lifetime_is_checked_before_any_config() {
        assert_eq!("1h".parse::<Lifetime>(), Ok(Lifetime(3600)));
        assert_eq!("900".parse::<Lifetime>(), Ok(Lifetime(900)));
        for bad in ["0s", "899", "36h1s", "1x", ""] {
            let e = bad.parse::<Lifetime>().unwrap_err();
            assert!(e.starts_with("--duration = "), "{bad}: {e}");
        }
        let e = "0s".parse::<Lifetime>().unwrap_err();
        assert!(e.contains("15m (900 s) to 36h (129600 s)"), "{e}");
    }

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

    /// A spelling [`parse_duration`] reads, with the seconds it stands for: bare seconds, maybe
    /// zero-padded, or hours, minutes and seconds in that order, each at most once, any of them
    /// zero or zero-padded (`0h90m`, `01h0s`).
    fn spelling() -> impl Strategy<Value = (String, u32)> {
        let padded = |n: u64, zeros: usize| format!("{}{n}", "0".repeat(zeros));
        let part = |most: u64| option::of((0..=most, 0..3usize));
        prop_oneof![
            (any::<u32>(), 0..3usize).prop_map(move |(n, z)| (padded(n.into(), z), n)),
            (part(1_193_046), part(99_999), part(99_999)).prop_filter_map(
                "a unit and no more than u32::MAX seconds",
                move |(h, m, s)| {
                    let mut text = String::new();
                    let mut total = 0;
                    for (part, unit, factor) in [(h, 'h', 3600), (m, 'm', 60), (s, 's', 1)] {
                        if let Some((n, zeros)) = part {
                            text.push_str(&padded(n, zeros));
                            text.push(unit);
                            total += n * factor;
                        }
                    }
                    let total = u32::try_from(total).ok()?;
                    (!text.is_empty()).then_some((text, total))
                }
            ),
        ]
    }

    proptest! {
        /// Every number of seconds the parser's range holds (all of `u32`) is printed as a
        /// spelling that parses back to it.
        #[test]
        fn printed_durations_parse_back(secs in any::<u32>()) {
            prop_assert_eq!(parse_duration("d", &format_duration(secs)), Ok(secs));
        }

        /// Every spelling parses to the seconds it stands for, and printing those is stable: the
        /// printed form parses to the same seconds and prints as itself.
        #[test]
        fn parsed_durations_print_stably((text, secs) in spelling()) {
            prop_assert_eq!(parse_duration("d", &text), Ok(secs));
            let printed = format_duration(secs);
            let again = parse_duration("d", &printed);
            prop_assert_eq!(again.clone(), Ok(secs), "{} printed as {}", text, printed);
            prop_assert_eq!(again.map(format_duration), Ok(printed));
        }

        /// Whatever text the parser accepts, not only the spellings above, prints stably.
        #[test]
        fn any_accepted_text_prints_stably(
            text in "([0-9]{1,7}[hms]){0,3}[0-9]{0,10}|[0-9hmsdHM +-]{0,8}"
        ) {
            if let Ok(secs) = parse_duration("d", &text) {
                let printed = format_duration(secs);
                prop_assert_eq!(parse_duration("d", &printed), Ok(secs), "{}", text);
            }
        }
    }
}
