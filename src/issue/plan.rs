//! From "give me credentials for connector X" to a fully decided STS call.
//!
//! [`plan`] is pure: it takes the config, the request and what it needs from the environment
//! (variables, user name, host name) and returns the call, the endpoint and the region, or an
//! error naming the field, value and allowed range. Nothing here touches the network, the secret
//! store or the terminal, so every rule is unit-tested.

use std::time::Duration;

use secrecy::SecretString;

use super::CredsRequest;
use crate::config::{Account, Config};
use crate::sts::{Call, Endpoint};
use crate::validate;

/// Default TCP connect timeout for STS.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default timeout for a whole STS call, retries included.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The region used when nothing names one.
pub const FALLBACK_REGION: &str = "us-east-1";

/// Who the session is named after, and where the request comes from.
pub struct Origin<'a> {
    /// The name `{user}` stands for: the caller's login name, or the system identity.
    pub user: &'a str,
    /// The caller's own login name (also for `--system` calls): the `SourceIdentity`, where the
    /// connector sends one.
    pub caller: &'a str,
    /// The host name, for `{host}` in session names.
    pub host: &'a str,
    /// Environment lookup (injected for tests).
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

/// A decided STS call.
pub struct Plan {
    /// The call itself (MFA still to be filled in).
    pub call: Call,
    /// Where to send it.
    pub endpoint: Endpoint,
    /// The region the credentials are for.
    pub region: String,
    /// The MFA device, when a code must be obtained.
    pub mfa_serial: Option<String>,
    /// The account whose keys sign the call, as the config describes it.
    pub account: Account,
}

/// Why a request cannot be planned. The message says what and where.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// What the request asks for does not fit the connector (its duration, its region).
    #[error("{0}")]
    Request(String),
    /// The connector or its account cannot make this call (a rule the config breaks).
    #[error("{0}")]
    Connector(String),
    /// An MFA code that is not one (six digits).
    #[error("{0}")]
    Code(String),
}

fn request_error(e: validate::FieldError) -> PlanError {
    PlanError::Request(e.to_string())
}

/// Decide the call for `request`.
pub fn plan(config: &Config, request: &CredsRequest, caller: &Origin<'_>) -> anyhow::Result<Plan> {
    let name = &request.connector;
    let c = config.connector(name)?;
    let account = config.account(&c.account)?;
    let p = c.principal;
    let range = p.duration_range(account.kind).ok_or_else(|| {
        PlanError::Connector(format!(
            "connector `{name}`: account `{}` is a {} account, which cannot use {p}: {}",
            c.account,
            account.kind,
            p.refused_for(account.kind).unwrap_or_default()
        ))
    })?;
    let (default, max) = range.capped(c.max_duration_secs());
    let duration = match request.duration {
        Some(secs) => {
            validate::check_duration("--duration", secs, p, account.kind).map_err(request_error)?;
            if secs > max {
                return Err(PlanError::Request(format!(
                    "--duration = {:?}: connector `{name}` allows at most {} ({max} s){}",
                    validate::format_duration(secs),
                    validate::format_duration(max),
                    if c.max_duration.is_some() {
                        " (its max_duration)"
                    } else {
                        ""
                    }
                ))
                .into());
            }
            secs
        }
        None => default,
    };

    let session_name = match p.session_name_param() {
        None => None,
        Some((param, min, maxlen)) => {
            let template = config.settings.session_name.as_deref().unwrap_or("{user}");
            let value = template
                .replace("{user}", caller.user)
                .replace("{host}", caller.host);
            validate::check_session_name(param, &value, min, maxlen).map_err(|e| {
                PlanError::Connector(format!(
                    "the session name for {} ({}) would be {:?}, which STS refuses: {}. Set settings.session_name to a template that fits, e.g. \"fedaws-{{user}}\" or a fixed name",
                    p.api(),
                    param,
                    value,
                    e.problem
                ))
            })?;
            Some(value)
        }
    };

    let policy = if p.allows_policy() {
        let text = c.policy_text(config.base_dir()).map_err(|e| {
            PlanError::Connector(format!(
                "connector `{name}`: cannot read policy_file {}: {e}",
                c.policy_file
                    .as_ref()
                    .map(|f| config.base_dir().join(f).display().to_string())
                    .unwrap_or_default()
            ))
        })?;
        // Also the combined size with the policy ARNs, which a shallow load cannot check.
        let field = if c.policy.is_some() {
            "policy"
        } else {
            "policy_file"
        };
        validate::check_session_policies(field, text.as_deref(), &c.policy_arns)
            .map_err(|e| PlanError::Connector(format!("connector `{name}`: {e}")))?;
        text
    } else {
        None
    };

    // The request's region was parsed when it was made; the config's, or the environment's,
    // are parsed here.
    let region = match &request.region {
        Some(r) => r.to_string(),
        None => {
            let named = c
                .region
                .clone()
                .unwrap_or_else(|| settings_region(config, caller.env));
            validate::Region::parse("region", &named)
                .map_err(request_error)?
                .to_string()
        }
    };

    let endpoint = endpoint_in(config, caller.env, region.clone());

    // The caller's name, for CloudTrail, where the connector asks for it (rules allow it on
    // assume-role only).
    let source_identity = if c.source_identity && p.allows_source_identity() {
        let (min, max) = crate::principal::SOURCE_IDENTITY_BOUNDS;
        let value = caller.caller;
        validate::check_session_name("SourceIdentity", value, min, max)
            .map_err(|e| e.problem)
            .and_then(|()| {
                let reserved = crate::principal::SOURCE_IDENTITY_RESERVED_PREFIX;
                if value.to_ascii_lowercase().starts_with(reserved) {
                    Err(format!("it may not start with {reserved}"))
                } else {
                    Ok(())
                }
            })
            .map_err(|problem| {
                PlanError::Connector(format!(
                    "connector `{name}` sends the caller's name as SourceIdentity, and {value:?} is not one STS takes: {problem}"
                ))
            })?;
        Some(value.to_string())
    } else {
        None
    };

    let mfa_serial = account.mfa_serial.clone().filter(|_| p.allows_mfa());
    Ok(Plan {
        call: Call {
            principal: p,
            duration,
            session_name,
            role_arn: c.role_arn.clone().filter(|_| p.needs_role_arn()),
            external_id: c.external_id.clone(),
            policy,
            policy_arns: c.policy_arns.clone(),
            mfa: None,
            tags: c
                .session_tags
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            account: c.account.clone(),
            source_identity,
        },
        endpoint,
        region,
        mfa_serial,
        account: account.clone(),
    })
}

/// The region of calls that name none: `settings.region`, else `AWS_REGION`, else
/// `AWS_DEFAULT_REGION`, else `us-east-1`.
pub fn settings_region(config: &Config, env: &dyn Fn(&str) -> Option<String>) -> String {
    config
        .settings
        .region
        .clone()
        .or_else(|| env("AWS_REGION").filter(|s| !s.is_empty()))
        .or_else(|| env("AWS_DEFAULT_REGION").filter(|s| !s.is_empty()))
        .unwrap_or_else(|| FALLBACK_REGION.to_string())
}

/// STS in `region`, with the config's endpoint and timeouts.
pub fn endpoint_in(
    config: &Config,
    env: &dyn Fn(&str) -> Option<String>,
    region: String,
) -> Endpoint {
    Endpoint {
        region,
        url: endpoint_url(config, env),
        connect_timeout: config
            .settings
            .connect_timeout
            .map_or(DEFAULT_CONNECT_TIMEOUT, |s| Duration::from_secs(s.into())),
        request_timeout: config
            .settings
            .request_timeout
            .map_or(DEFAULT_REQUEST_TIMEOUT, |s| Duration::from_secs(s.into())),
    }
}

/// `settings.sts_endpoint`, else `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true; else none (the SDK's regional endpoint, which
/// also covers the China and GovCloud partitions).
pub fn endpoint_url(config: &Config, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(url) = &config.settings.sts_endpoint {
        return Some(url.clone());
    }
    let ignore =
        env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if ignore {
        return None;
    }
    env("AWS_ENDPOINT_URL_STS")
        .filter(|v| !v.is_empty())
        .or_else(|| env("AWS_ENDPOINT_URL").filter(|v| !v.is_empty()))
}

/// An MFA code given on the command line (`--mfa-code`), checked when the command line is read.
/// `Debug` does not show it.
#[derive(Clone)]
pub struct MfaCode(pub SecretString);

impl std::fmt::Debug for MfaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaCode([redacted])")
    }
}

impl std::str::FromStr for MfaCode {
    type Err = String;

    fn from_str(s: &str) -> Result<MfaCode, String> {
        check_code("--mfa-code", s)
            .map(MfaCode)
            .map_err(|e| e.to_string())
    }
}

/// Check a code typed or given with `--mfa-code` before it is sent.
pub fn check_code(field: &str, code: &str) -> Result<SecretString, PlanError> {
    let code = code.trim();
    // The rule is validate's; the message leaves the code out, since it was meant to be secret.
    validate::check_token_code(field, code)
        .map(|()| SecretString::from(code.to_string()))
        .map_err(|_| {
            PlanError::Code(format!(
                "{field}: an MFA code is exactly 6 digits (got {} characters)",
                code.chars().count()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const CONFIG: &str = r#"
[settings]
region = "eu-central-1"
[accounts.a]
mfa_serial = "arn:aws:iam::123456789012:mfa/a"
[accounts.r]
kind = "root"
[connectors.fed]
account = "a"
principal = "federated-user"
policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
max_duration = "2h"
[connectors.sess]
account = "a"
principal = "iam-user"
region = "us-west-2"
[connectors.role]
account = "a"
principal = "assume-role"
role_arn = "arn:aws:iam::123456789012:role/App"
external_id = "xid"
[connectors.rootsess]
account = "r"
principal = "iam-user"
"#;

    fn config() -> Config {
        Config::from_text(
            Path::new("/x/c.toml"),
            CONFIG,
            crate::config::Depth::Shallow,
        )
        .unwrap()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn request(connector: &str, duration: Option<u32>) -> CredsRequest {
        CredsRequest::for_connector(connector, duration)
    }

    fn plan_for(connector: &str, duration: Option<&str>) -> anyhow::Result<Plan> {
        let caller = Origin {
            user: "alice",
            caller: "alice",
            host: "box",
            env: &no_env,
        };
        plan(
            &config(),
            &request(
                connector,
                duration.map(|d| validate::parse_duration("d", d).unwrap()),
            ),
            &caller,
        )
    }

    #[test]
    fn defaults_are_capped_by_max_duration() {
        assert_eq!(plan_for("fed", None).unwrap().call.duration, 7200);
        assert_eq!(plan_for("sess", None).unwrap().call.duration, 43200);
        assert_eq!(plan_for("role", None).unwrap().call.duration, 3600);
        assert_eq!(plan_for("rootsess", None).unwrap().call.duration, 3600);
    }

    #[test]
    fn requested_durations_are_bounded() {
        assert_eq!(plan_for("fed", Some("2h")).unwrap().call.duration, 7200);
        let e = plan_for("fed", Some("2h1s")).err().unwrap().to_string();
        assert!(e.contains("max_duration") && e.contains("2h"), "{e}");
        let e = plan_for("rootsess", Some("3601"))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("1h1s") && e.contains("3600 s"), "{e}");
        assert!(plan_for("sess", Some("899")).is_err());
    }

    #[test]
    fn parameters_reach_the_call() {
        let p = plan_for("role", None).unwrap();
        assert_eq!(p.call.session_name.as_deref(), Some("alice"));
        assert_eq!(p.call.external_id.as_deref(), Some("xid"));
        assert_eq!(
            p.mfa_serial.as_deref(),
            Some("arn:aws:iam::123456789012:mfa/a")
        );
        let p = plan_for("fed", None).unwrap();
        assert!(p.call.policy.is_some());
        assert_eq!(p.mfa_serial, None, "GetFederationToken takes no MFA");
        assert_eq!(p.region, "eu-central-1");
        assert_eq!(plan_for("sess", None).unwrap().region, "us-west-2");
    }

    #[test]
    fn session_names_that_sts_refuses_are_explained() {
        let caller = Origin {
            user: "jürgen",
            caller: "jürgen",
            host: "box",
            env: &no_env,
        };
        let e = plan(&config(), &request("fed", None), &caller)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("settings.session_name"), "{e}");
        assert!(e.contains("Name"), "{e}");
    }

    #[test]
    fn endpoint_precedence() {
        let c = config();
        let env = |k: &str| match k {
            "AWS_ENDPOINT_URL_STS" => Some("http://sts.local".to_string()),
            "AWS_ENDPOINT_URL" => Some("http://all.local".to_string()),
            _ => None,
        };
        assert_eq!(endpoint_url(&c, &env).as_deref(), Some("http://sts.local"));
        let env2 = |k: &str| match k {
            "AWS_ENDPOINT_URL" => Some("http://all.local".to_string()),
            _ => None,
        };
        assert_eq!(endpoint_url(&c, &env2).as_deref(), Some("http://all.local"));
        let env3 = |k: &str| match k {
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" => Some("true".to_string()),
            "AWS_ENDPOINT_URL" => Some("http://all.local".to_string()),
            _ => None,
        };
        assert_eq!(endpoint_url(&c, &env3), None);
    }

    #[test]
    fn a_policy_file_and_policy_arns_are_sized_together_at_issuance() {
        // A shallow load never reads the file: the combined limit is checked when planning.
        let dir = tempfile::tempdir().unwrap();
        let long = "s3:GetObject".repeat(160);
        std::fs::write(
            dir.path().join("p.json"),
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{long}","Resource":"*"}}]}}"#
            ),
        )
        .unwrap();
        let text = "[accounts.a]\n[connectors.big]\naccount = \"a\"\nprincipal = \"federated-user\"\npolicy_file = \"p.json\"\npolicy_arns = [\"arn:aws:iam::aws:policy/ReadOnlyAccess\", \"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\"]\n";
        let path = dir.path().join("c.toml");
        let config = Config::from_text(&path, text, crate::config::Depth::Shallow).unwrap();
        let origin = Origin {
            user: "alice",
            caller: "alice",
            host: "box",
            env: &no_env,
        };
        let e = plan(&config, &request("big", None), &origin)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("session policies together"), "{e}");
        assert!(e.contains("policy_file"), "{e}");
    }

    #[test]
    fn the_source_identity_is_the_callers_own_name() {
        let text = format!(
            "{CONFIG}\n[connectors.traced]\naccount = \"a\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::123456789012:role/App\"\nsource_identity = true\n"
        );
        let config =
            Config::from_text(Path::new("/x/c.toml"), &text, crate::config::Depth::Shallow)
                .unwrap();
        let system = Origin {
            user: "fedaws-system",
            caller: "cron-user",
            host: "box",
            env: &no_env,
        };
        let p = plan(&config, &request("traced", None), &system).unwrap();
        assert_eq!(p.call.source_identity.as_deref(), Some("cron-user"));
        assert_eq!(p.call.session_name.as_deref(), Some("fedaws-system"));
        assert_eq!(plan_for("role", None).unwrap().call.source_identity, None);
        let aws = Origin {
            caller: "aws:root",
            ..system
        };
        let e = plan(&config, &request("traced", None), &aws)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("SourceIdentity") && e.contains("aws:"), "{e}");
        let wrong = format!(
            "{CONFIG}\n[connectors.fedx]\naccount = \"a\"\nprincipal = \"federated-user\"\nsource_identity = true\n"
        );
        let e = Config::from_text(
            Path::new("/x/c.toml"),
            &wrong,
            crate::config::Depth::Shallow,
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("takes no SourceIdentity"), "{e}");
    }

    #[test]
    fn codes_are_six_digits() {
        assert!(check_code("--mfa-code", "123456").is_ok());
        for bad in ["12345", "1234567", "12a456", ""] {
            assert!(check_code("--mfa-code", bad).is_err(), "{bad}");
        }
    }
}
