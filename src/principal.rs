//! Account kinds and STS principal types, with the AWS facts attached to each.
//!
//! Everything fedaws decides about a connector's principal type (which STS API it calls, how long
//! the credentials may live, whether a session policy, an MFA code, a role ARN or console sign-in
//! make sense) is answered here, in one place, so that the config validator, the wizard, the help
//! texts and the STS client cannot disagree. The numbers are AWS's, from the
//! STS API Reference (the request parameters of GetFederationToken, GetSessionToken and
//! AssumeRole) and the IAM User Guide's page on requesting temporary credentials.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Kind of long-term account whose access keys fedaws holds.
///
/// The kind matters because AWS treats root-account keys differently: root sessions are capped
/// at one hour and a root account cannot call `AssumeRole` at all. In the config and on the
/// command line it is its spelling ([`AccountKind::as_str`]); any other word is refused with
/// the choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum AccountKind {
    /// Access keys of an IAM user (the recommended setup, and the default).
    #[default]
    IamUser,
    /// Access keys of the AWS account's root user (discouraged by AWS; shorter sessions).
    Root,
}

impl AccountKind {
    /// Every kind, in display order, so that help texts and the wizard can list the choices.
    pub const ALL: [AccountKind; 2] = [AccountKind::IamUser, AccountKind::Root];

    /// Parses the config / command-line spelling (`"iam-user"` or `"root"`, case-sensitive),
    /// returning `None` for anything else so the caller can report the field with its context.
    pub fn parse(s: &str) -> Option<AccountKind> {
        AccountKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The config / command-line spelling, the inverse of [`AccountKind::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::IamUser => "iam-user",
            AccountKind::Root => "root",
        }
    }
}

impl TryFrom<String> for AccountKind {
    type Error = String;

    /// [`AccountKind::parse`], with a message that names the field, the value and the choices.
    fn try_from(s: String) -> Result<AccountKind, String> {
        AccountKind::parse(&s).ok_or_else(|| format!("kind = {s:?}: allowed: iam-user, root"))
    }
}

impl From<AccountKind> for &'static str {
    fn from(kind: AccountKind) -> &'static str {
        kind.as_str()
    }
}

impl fmt::Display for AccountKind {
    /// Writes [`AccountKind::as_str`], so messages use the same word as the config file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// STS principal type of a connector: which STS API issues its temporary credentials.
///
/// In the config and on the command line it is its name or an alias ([`Principal::parse`]);
/// fedaws writes the name back. Any other word is refused with the names and aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Principal {
    /// `GetFederationToken`: a federated user limited by a session policy.
    FederatedUser,
    /// `GetSessionToken`: the account's own IAM user permissions, optionally MFA-authenticated.
    IamUser,
    /// `AssumeRole`: the permissions of an IAM role, optionally narrowed by a session policy.
    AssumeRole,
}

/// Allowed lifetime of temporary credentials, in seconds.
///
/// Kept as a plain struct so validation messages, defaults and the wizard all read the same
/// numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationRange {
    /// Shortest lifetime AWS accepts, in seconds.
    pub min: u32,
    /// Longest lifetime AWS grants, in seconds (for `AssumeRole`, also capped by the role).
    pub max: u32,
    /// Lifetime AWS uses when `DurationSeconds` is not sent, in seconds.
    pub default: u32,
}

impl DurationRange {
    /// Whether `secs` lies within `min..=max`, so callers need not repeat the comparison.
    pub fn contains(self, secs: u32) -> bool {
        (self.min..=self.max).contains(&secs)
    }

    /// The default and the longest lifetime of a connector whose `max_duration` may lower the
    /// maximum: the AWS default, capped by that maximum.
    pub fn capped(self, max_duration: Option<u32>) -> (u32, u32) {
        let max = max_duration.unwrap_or(self.max).min(self.max);
        (self.default.min(max), max)
    }
}

/// The shortest and the longest lifetime any principal type allows any account kind: what a
/// `--duration` may be before the connector is known.
pub fn any_lifetime() -> (u32, u32) {
    let ranges = Principal::ALL.into_iter().flat_map(|p| {
        AccountKind::ALL
            .into_iter()
            .filter_map(move |k| p.duration_range(k))
    });
    let (mut min, mut max) = (u32::MAX, 0);
    for r in ranges {
        min = min.min(r.min);
        max = max.max(r.max);
    }
    (min, max)
}

/// Why an account kind cannot use a principal type, for every message that says so.
pub const ROOT_CANNOT_ASSUME_ROLE: &str = "AWS does not let a root account assume a role; use an IAM user account, or another principal type";

/// `GetFederationToken`'s `Name`: 2 to 32 characters.
const NAME_BOUNDS: (usize, usize) = (2, 32);

/// `AssumeRole`'s `RoleSessionName`: 2 to 64 characters.
const ROLE_SESSION_NAME_BOUNDS: (usize, usize) = (2, 64);

/// The bounds of every STS parameter that carries a session name, in characters: a name within
/// these fits `Name` and `RoleSessionName` alike (`GetFederationToken`'s `Name` is the shorter).
pub const SESSION_NAME_FITS_ALL: (usize, usize) = NAME_BOUNDS;

/// The bounds a session name may have for some principal type (`RoleSessionName`'s are the
/// wider): a template outside them fits none.
pub const SESSION_NAME_FITS_SOME: (usize, usize) = ROLE_SESSION_NAME_BOUNDS;

/// `AssumeRole`'s `SourceIdentity`: 2 to 64 characters, not starting with `aws:`.
pub const SOURCE_IDENTITY_BOUNDS: (usize, usize) = (2, 64);

/// The prefix AWS reserves: no `SourceIdentity` may start with it (in any case).
pub const SOURCE_IDENTITY_RESERVED_PREFIX: &str = "aws:";

/// The most session tags AWS takes in one call.
pub const MAX_SESSION_TAGS: usize = 50;

/// 15 minutes: the minimum lifetime for every STS API fedaws uses.
const MIN_SECS: u32 = 900;
/// 1 hour: root sessions' maximum and default, and `AssumeRole`'s default.
const HOUR_SECS: u32 = 3600;
/// 12 hours: `AssumeRole` maximum, and the IAM-user default of the token APIs.
const TWELVE_HOURS_SECS: u32 = 43_200;
/// 36 hours: IAM-user maximum of `GetFederationToken` / `GetSessionToken`.
const THIRTY_SIX_HOURS_SECS: u32 = 129_600;

/// The longest any STS call fedaws makes issues credentials for.
pub const LONGEST_SESSION_SECS: u32 = THIRTY_SIX_HOURS_SECS;

impl Principal {
    /// Every principal type, in display order, so help texts and the wizard can list them.
    pub const ALL: [Principal; 3] = [
        Principal::FederatedUser,
        Principal::IamUser,
        Principal::AssumeRole,
    ];

    /// Parses a canonical name (`"federated-user"`, `"iam-user"`, `"assume-role"`) or one of its
    /// aliases (see [`Principal::aliases`]); case-sensitive, so the config has one spelling per
    /// word. Returns `None` for anything else so the caller can report it with its context.
    pub fn parse(s: &str) -> Option<Principal> {
        Principal::ALL
            .into_iter()
            .find(|p| p.as_str() == s || p.aliases().contains(&s))
    }

    /// The canonical config / command-line name, the one fedaws writes back.
    pub fn as_str(self) -> &'static str {
        match self {
            Principal::FederatedUser => "federated-user",
            Principal::IamUser => "iam-user",
            Principal::AssumeRole => "assume-role",
        }
    }

    /// Other accepted spellings, so that users who think in API or console terms are understood;
    /// fedaws never writes these back.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Principal::FederatedUser => &["federation-token"],
            Principal::IamUser => &["session-token", "account"],
            Principal::AssumeRole => &["assumed-role"],
        }
    }

    /// The STS action that issues this principal's credentials (for the client, the audit log
    /// and the caller permission policy).
    pub fn api(self) -> &'static str {
        match self {
            Principal::FederatedUser => "GetFederationToken",
            Principal::IamUser => "GetSessionToken",
            Principal::AssumeRole => "AssumeRole",
        }
    }

    /// The lifetime range AWS allows for this principal type when called with `kind`'s keys.
    ///
    /// `None` when the account kind cannot use this principal at all (a root account cannot
    /// call `AssumeRole`). Root sessions are capped at 1 h: AWS would silently shorten a longer
    /// request, fedaws rejects it instead. For `AssumeRole` the real maximum is also the role's
    /// `MaxSessionDuration`, which is not known locally.
    pub fn duration_range(self, kind: AccountKind) -> Option<DurationRange> {
        match (self, kind) {
            (Principal::FederatedUser | Principal::IamUser, AccountKind::IamUser) => {
                Some(DurationRange {
                    min: MIN_SECS,
                    max: THIRTY_SIX_HOURS_SECS,
                    default: TWELVE_HOURS_SECS,
                })
            }
            (Principal::FederatedUser | Principal::IamUser, AccountKind::Root) => {
                Some(DurationRange {
                    min: MIN_SECS,
                    max: HOUR_SECS,
                    default: HOUR_SECS,
                })
            }
            (Principal::AssumeRole, AccountKind::IamUser) => Some(DurationRange {
                min: MIN_SECS,
                max: TWELVE_HOURS_SECS,
                default: HOUR_SECS,
            }),
            (Principal::AssumeRole, AccountKind::Root) => None,
        }
    }

    /// Whether a session policy (inline or managed ARNs) may be sent: `GetSessionToken` takes
    /// none, so a policy on an `iam-user` connector is a config error.
    pub fn allows_policy(self) -> bool {
        matches!(self, Principal::FederatedUser | Principal::AssumeRole)
    }

    /// Whether the API accepts `SerialNumber` / `TokenCode`: `GetFederationToken` does not, so an
    /// `mfa_serial` cannot serve a `federated-user` connector.
    pub fn allows_mfa(self) -> bool {
        matches!(self, Principal::IamUser | Principal::AssumeRole)
    }

    /// Whether the credentials can be exchanged for a console sign-in URL: the federation
    /// endpoint refuses `GetSessionToken` credentials.
    pub fn allows_console(self) -> bool {
        matches!(self, Principal::FederatedUser | Principal::AssumeRole)
    }

    /// Whether the connector needs a `role_arn`; `external_id` is likewise only valid here.
    pub fn needs_role_arn(self) -> bool {
        matches!(self, Principal::AssumeRole)
    }

    /// Whether the API takes a `SourceIdentity` (the caller's name, kept through role chaining
    /// and shown by CloudTrail): only `AssumeRole`.
    pub fn allows_source_identity(self) -> bool {
        matches!(self, Principal::AssumeRole)
    }

    /// Whether the API takes session tags: `GetSessionToken` does not.
    pub fn allows_tags(self) -> bool {
        matches!(self, Principal::FederatedUser | Principal::AssumeRole)
    }

    /// The console session a `SessionDuration` may ask for, in seconds, where the federation
    /// endpoint takes one: for assume-role credentials only (a federated user's console session
    /// lasts as long as the credentials; GetSessionToken credentials have no console).
    pub fn console_session_range(self) -> Option<std::ops::RangeInclusive<u32>> {
        matches!(self, Principal::AssumeRole).then_some(MIN_SECS..=TWELVE_HOURS_SECS)
    }

    /// Why an account of `kind` cannot use this principal type, if it cannot.
    pub fn refused_for(self, kind: AccountKind) -> Option<&'static str> {
        self.duration_range(kind)
            .is_none()
            .then_some(ROOT_CANNOT_ASSUME_ROLE)
    }

    /// The STS parameter that carries the user's name, with its length bounds in characters:
    /// `("Name", 2, 32)` for `GetFederationToken`, `("RoleSessionName", 2, 64)` for `AssumeRole`,
    /// `None` for `GetSessionToken`, which takes no name. The allowed characters are the same
    /// for both (see `validate::check_session_name`).
    pub fn session_name_param(self) -> Option<(&'static str, usize, usize)> {
        match self {
            Principal::FederatedUser => Some(("Name", NAME_BOUNDS.0, NAME_BOUNDS.1)),
            Principal::IamUser => None,
            Principal::AssumeRole => Some((
                "RoleSessionName",
                ROLE_SESSION_NAME_BOUNDS.0,
                ROLE_SESSION_NAME_BOUNDS.1,
            )),
        }
    }

    /// One line saying what the credentials are and what they cannot do, for help texts and the
    /// connector wizard.
    pub fn summary(self) -> &'static str {
        match self {
            Principal::FederatedUser => {
                "GetFederationToken: credentials limited to a session policy (no policy = no \
                 permissions), console sign-in; no MFA, no IAM calls, no STS calls but \
                 GetCallerIdentity; 15m to 36h (root account: 1h)"
            }
            Principal::IamUser => {
                "GetSessionToken: the account's own IAM user permissions, MFA possible; no \
                 session policy, no console sign-in, no IAM calls without MFA; 15m to 36h \
                 (root account: 1h)"
            }
            Principal::AssumeRole => {
                "AssumeRole: an IAM role's permissions, optionally narrowed by a session \
                 policy, MFA and console sign-in possible; needs a role ARN, not for root \
                 accounts; 15m to 12h (at most the role's maximum session duration)"
            }
        }
    }

    /// One short line for pickers: the API, what the credentials are, what they cannot do.
    pub fn tagline(self) -> &'static str {
        match self {
            Principal::FederatedUser => {
                "GetFederationToken: limited by a session policy; console yes; no MFA, no IAM/STS calls"
            }
            Principal::IamUser => {
                "GetSessionToken: the IAM user's own permissions; MFA yes; no policy, no console"
            }
            Principal::AssumeRole => {
                "AssumeRole: a role's permissions; MFA, policy and console yes; needs a role ARN"
            }
        }
    }

    /// The IAM policy (pretty JSON, 2-space indent) that the account's IAM user needs so that
    /// fedaws can call [`Principal::api`], for the wizard and `fedaws check` to show.
    ///
    /// For `AssumeRole` the resource is `role_arn` (`"*"` when `None`); the other APIs use
    /// `"*"`. `role_arn` is ignored for them. AWS documents that `GetSessionToken` needs no
    /// permission; the statement is still shown so that an explicit `Deny` elsewhere is easier
    /// to spot. A root account needs no policy at all.
    pub fn caller_permission_policy(self, role_arn: Option<&str>) -> String {
        let resource = match self {
            Principal::AssumeRole => role_arn.unwrap_or("*"),
            Principal::FederatedUser | Principal::IamUser => "*",
        };
        let sid = format!("Fedaws{}", self.api());
        let action = format!("sts:{}", self.api());
        // Built by hand to keep the conventional key order (serde_json's map sorts keys);
        // string values go through serde_json so quotes and backslashes are escaped.
        let q = |s: &str| serde_json::Value::from(s).to_string();
        format!(
            "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \
             \"Sid\": {},\n      \"Effect\": \"Allow\",\n      \"Action\": {},\n      \
             \"Resource\": {}\n    }}\n  ]\n}}",
            q(&sid),
            q(&action),
            q(resource)
        )
    }
}

impl TryFrom<String> for Principal {
    type Error = String;

    /// [`Principal::parse`], with a message that names the field, the value, and every name and
    /// alias.
    fn try_from(s: String) -> Result<Principal, String> {
        Principal::parse(&s).ok_or_else(|| {
            let choices: Vec<String> = Principal::ALL
                .iter()
                .map(|p| format!("{} (alias {})", p.as_str(), p.aliases().join(", ")))
                .collect();
            format!(
                "principal = {s:?} is not a principal type; allowed: {}",
                choices.join("; ")
            )
        })
    }
}

impl From<Principal> for &'static str {
    fn from(principal: Principal) -> &'static str {
        principal.as_str()
    }
}

impl fmt::Display for Principal {
    /// Writes [`Principal::as_str`], so messages use the same word as the config file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_kind_parse_round_trips() {
        for k in AccountKind::ALL {
            assert_eq!(AccountKind::parse(k.as_str()), Some(k));
            assert_eq!(k.to_string(), k.as_str());
        }
        for bad in ["", "Root", "IAM-USER", "iam_user", "user", " root"] {
            assert_eq!(AccountKind::parse(bad), None, "{bad:?}");
        }
        assert_eq!(AccountKind::default(), AccountKind::IamUser);
    }

    #[test]
    fn principal_parse_names_and_aliases() {
        let cases: &[(&str, Option<Principal>)] = &[
            ("federated-user", Some(Principal::FederatedUser)),
            ("federation-token", Some(Principal::FederatedUser)),
            ("iam-user", Some(Principal::IamUser)),
            ("session-token", Some(Principal::IamUser)),
            ("account", Some(Principal::IamUser)),
            ("assume-role", Some(Principal::AssumeRole)),
            ("assumed-role", Some(Principal::AssumeRole)),
            ("Assume-Role", None),
            ("FEDERATED-USER", None),
            ("AssumeRole", None),
            ("", None),
            ("role", None),
            ("assume-role ", None),
        ];
        for (s, want) in cases {
            assert_eq!(Principal::parse(s), *want, "{s:?}");
        }
        for p in Principal::ALL {
            assert_eq!(Principal::parse(p.as_str()), Some(p));
            assert_eq!(p.to_string(), p.as_str());
            for a in p.aliases() {
                assert_eq!(Principal::parse(a), Some(p));
            }
        }
    }

    #[test]
    fn aliases_are_unique() {
        let mut all: Vec<&str> = Vec::new();
        for p in Principal::ALL {
            all.push(p.as_str());
            all.extend(p.aliases());
        }
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn apis() {
        assert_eq!(Principal::FederatedUser.api(), "GetFederationToken");
        assert_eq!(Principal::IamUser.api(), "GetSessionToken");
        assert_eq!(Principal::AssumeRole.api(), "AssumeRole");
    }

    #[test]
    fn duration_ranges() {
        let r = |min, max, default| Some(DurationRange { min, max, default });
        let cases = [
            (
                Principal::FederatedUser,
                AccountKind::IamUser,
                r(900, 129_600, 43_200),
            ),
            (
                Principal::FederatedUser,
                AccountKind::Root,
                r(900, 3600, 3600),
            ),
            (
                Principal::IamUser,
                AccountKind::IamUser,
                r(900, 129_600, 43_200),
            ),
            (Principal::IamUser, AccountKind::Root, r(900, 3600, 3600)),
            (
                Principal::AssumeRole,
                AccountKind::IamUser,
                r(900, 43_200, 3600),
            ),
            (Principal::AssumeRole, AccountKind::Root, None),
        ];
        for (p, k, want) in cases {
            let got = p.duration_range(k);
            assert_eq!(got, want, "{p} {k}");
            if let Some(g) = got {
                assert!(g.contains(g.min) && g.contains(g.max) && g.contains(g.default));
                assert!(!g.contains(g.min - 1) && !g.contains(g.max + 1));
            }
        }
    }

    #[test]
    fn capabilities() {
        use Principal::*;
        // (principal, policy, mfa, console, role_arn)
        let cases = [
            (FederatedUser, true, false, true, false),
            (IamUser, false, true, false, false),
            (AssumeRole, true, true, true, true),
        ];
        for (p, policy, mfa, console, role) in cases {
            assert_eq!(p.allows_policy(), policy, "{p}");
            assert_eq!(p.allows_mfa(), mfa, "{p}");
            assert_eq!(p.allows_console(), console, "{p}");
            assert_eq!(p.needs_role_arn(), role, "{p}");
        }
    }

    #[test]
    fn session_name_params() {
        assert_eq!(
            Principal::FederatedUser.session_name_param(),
            Some(("Name", 2, 32))
        );
        assert_eq!(Principal::IamUser.session_name_param(), None);
        assert_eq!(
            Principal::AssumeRole.session_name_param(),
            Some(("RoleSessionName", 2, 64))
        );
    }

    #[test]
    fn summaries_are_one_line_and_name_the_api() {
        for p in Principal::ALL {
            let s = p.summary();
            assert!(!s.contains('\n'), "{s}");
            assert!(s.starts_with(p.api()), "{s}");
            assert!(!s.contains("  "), "{s}");
        }
    }

    #[test]
    fn caller_permission_policies_are_valid_pretty_json() {
        let arn = "arn:aws:iam::123456789012:role/path/Deploy";
        let cases = [
            (
                Principal::FederatedUser,
                Some(arn),
                "sts:GetFederationToken",
                "*",
            ),
            (Principal::IamUser, None, "sts:GetSessionToken", "*"),
            (Principal::AssumeRole, Some(arn), "sts:AssumeRole", arn),
            (Principal::AssumeRole, None, "sts:AssumeRole", "*"),
        ];
        for (p, role, action, resource) in cases {
            let text = p.caller_permission_policy(role);
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["Version"], "2012-10-17");
            let st = &v["Statement"][0];
            assert_eq!(st["Effect"], "Allow");
            assert_eq!(st["Action"], action);
            assert_eq!(st["Resource"], resource);
            assert!(text.starts_with("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": ["));
            assert!(text.contains("\n      \"Effect\": \"Allow\",\n"));
            crate::validate::check_policy("policy", &text).unwrap();
        }
    }

    #[test]
    fn caller_permission_policy_escapes_the_arn() {
        let text = Principal::AssumeRole.caller_permission_policy(Some("a\"b\\c"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["Statement"][0]["Resource"], "a\"b\\c");
    }
}
