//! Calling STS: the one place fedaws talks to AWS.
//!
//! The client is built by hand from the account's static keys: no default credential chain, no
//! instance metadata, no `~/.aws` profile (which could run `fedaws` itself through
//! `credential_process`). The async runtime and TLS set-up exist only inside [`AwsSts::issue`], so
//! commands that never call STS never pay for them. Errors become [`StsError`]s whose text says
//! what went wrong and what to do; the mapping is a pure function, tested without a network.

use std::fmt;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::RequestId;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use secrecy::{ExposeSecret, SecretString};

use crate::principal::Principal;
use crate::secret::AccountKeys;

/// Where and how to reach STS.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The signing region, which also picks the regional endpoint.
    pub region: String,
    /// An explicit endpoint URL (settings, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`).
    pub url: Option<String>,
    /// TCP connect timeout.
    pub connect_timeout: Duration,
    /// Timeout for the whole call, retries included.
    pub request_timeout: Duration,
}

impl Endpoint {
    /// How the endpoint is named in messages.
    pub fn describe(&self) -> String {
        match &self.url {
            Some(u) => u.clone(),
            None => format!("the STS endpoint of {}", self.region),
        }
    }
}

/// MFA device and current code.
#[derive(Clone)]
pub struct Mfa {
    /// Device ARN or serial.
    pub serial: String,
    /// The 6-digit code.
    pub code: SecretString,
}

/// One STS call, fully decided: which API, with what.
#[derive(Clone)]
pub struct Call {
    /// Which API.
    pub principal: Principal,
    /// Requested lifetime in seconds.
    pub duration: u32,
    /// `Name` or `RoleSessionName`.
    pub session_name: Option<String>,
    /// AssumeRole's role.
    pub role_arn: Option<String>,
    /// AssumeRole's external ID.
    pub external_id: Option<String>,
    /// Inline session policy.
    pub policy: Option<String>,
    /// Managed session policies.
    pub policy_arns: Vec<String>,
    /// MFA, where the account has a device and the API takes it.
    pub mfa: Option<Mfa>,
    /// Session tags.
    pub tags: Vec<(String, String)>,
    /// The account name, for messages.
    pub account: String,
    /// AssumeRole's `SourceIdentity`: the caller's name, where the connector sends it.
    pub source_identity: Option<String>,
}

/// Temporary credentials as STS returned them. `Debug` hides the secret parts.
#[derive(Clone)]
pub struct Issued {
    /// `ASIA…`.
    pub access_key_id: String,
    /// The secret key.
    pub secret_access_key: SecretString,
    /// The session token.
    pub session_token: SecretString,
    /// When they stop working.
    pub expiration: jiff::Timestamp,
    /// The ARN of the identity they stand for, where STS says.
    pub arn: Option<String>,
    /// How full the packed session policy is, in percent, where STS says.
    pub packed_policy_size: Option<i32>,
    /// The request id STS gave its answer (for `-v` and AWS support), where there was a call.
    pub request_id: Option<String>,
}

impl fmt::Debug for Issued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issued")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[redacted]")
            .field("session_token", &"[redacted]")
            .field("expiration", &self.expiration)
            .field("arn", &self.arn)
            .finish()
    }
}

/// Something that issues temporary credentials. A trait so tests can count and fake calls.
pub trait Sts {
    /// Make the call.
    fn issue(
        &self,
        keys: &AccountKeys,
        endpoint: &Endpoint,
        call: &Call,
    ) -> Result<Issued, StsError>;
}

/// Why STS gave no credentials. Never carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum StsError {
    /// AWS answered with an error.
    #[error("{explanation}")]
    Aws {
        /// The API called.
        api: &'static str,
        /// AWS's error code.
        code: String,
        /// AWS's message.
        message: String,
        /// A sentence with the fix.
        explanation: String,
    },
    /// AWS could not be reached, or did not answer in time, or what answered is not STS.
    #[error("{explanation}")]
    Network {
        /// A sentence naming the endpoint, the timeout and what to check.
        explanation: String,
    },
    /// STS answered, but with credentials fedaws will not hand on: a key id, secret or token
    /// that is not shaped as AWS makes them (which could smuggle text into a shell or an INI
    /// file), or an expiry in the past or beyond the lifetime asked for.
    #[error(
        "STS answered with malformed credentials: {what}. Nothing was printed or cached; check that {endpoint} is really STS"
    )]
    Malformed {
        /// Which part is wrong, without its value.
        what: String,
        /// The endpoint, as named in messages.
        endpoint: String,
    },
    /// The answer could not be understood.
    #[error("{0}")]
    Other(String),
}

/// The real STS, through aws-sdk-sts.
pub struct AwsSts;

impl Sts for AwsSts {
    fn issue(
        &self,
        keys: &AccountKeys,
        endpoint: &Endpoint,
        call: &Call,
    ) -> Result<Issued, StsError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StsError::Other(format!("cannot start the async runtime: {e}")))?;
        let client = client(keys, endpoint);
        runtime.block_on(send(&client, endpoint, call))
    }
}

/// An account's key pair as the SDKs' static credentials (no provider chain).
pub(crate) fn static_credentials(keys: &AccountKeys) -> Credentials {
    Credentials::new(
        keys.access_key_id.clone(),
        keys.secret_access_key.expose_secret().to_string(),
        None,
        None,
        "fedaws",
    )
}

/// The STS client of `keys` at `endpoint`.
pub(crate) fn client(keys: &AccountKeys, endpoint: &Endpoint) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::from_conf(config(keys, endpoint).build())
}

/// How the STS client of `keys` at `endpoint` is set up (its retries, timeouts and endpoint),
/// for [`client`], and for the fuzz target of STS answers, which gives it an HTTP client that
/// answers what the fuzzer makes.
pub fn config(keys: &AccountKeys, endpoint: &Endpoint) -> aws_sdk_sts::config::Builder {
    let credentials = static_credentials(keys);
    let mut builder = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(endpoint.region.clone()))
        .credentials_provider(credentials)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(100)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(endpoint.connect_timeout)
                .operation_timeout(endpoint.request_timeout)
                .build(),
        );
    if let Some(url) = &endpoint.url {
        builder = builder.endpoint_url(url.clone());
    }
    builder
}

/// Make `call` with `client`: the answer's credentials once checked ([`check_issued`]), or the
/// error that says what went wrong.
pub async fn send(
    client: &aws_sdk_sts::Client,
    endpoint: &Endpoint,
    call: &Call,
) -> Result<Issued, StsError> {
    let duration = i32::try_from(call.duration).unwrap_or(i32::MAX);
    let tags: Vec<aws_sdk_sts::types::Tag> = call
        .tags
        .iter()
        .filter_map(|(k, v)| {
            aws_sdk_sts::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .ok()
        })
        .collect();
    let arns: Vec<aws_sdk_sts::types::PolicyDescriptorType> = call
        .policy_arns
        .iter()
        .map(|a| {
            aws_sdk_sts::types::PolicyDescriptorType::builder()
                .arn(a)
                .build()
        })
        .collect();
    let mfa_serial = call.mfa.as_ref().map(|m| m.serial.clone());
    let mfa_code = call
        .mfa
        .as_ref()
        .map(|m| m.code.expose_secret().to_string());
    let fail = |e| map_sdk_error(call, endpoint, e);
    let answer = match call.principal {
        Principal::FederatedUser => {
            let out = client
                .get_federation_token()
                .name(call.session_name.clone().unwrap_or_default())
                .duration_seconds(duration)
                .set_policy(call.policy.clone())
                .set_policy_arns((!arns.is_empty()).then_some(arns))
                .set_tags((!tags.is_empty()).then_some(tags))
                .send()
                .await
                .map_err(|e| fail(classify(e)))?;
            #[allow(deprecated)] // older endpoints (and emulators) only send PackedPolicySize
            let size = out.session_token_utilization().or(out.packed_policy_size());
            Answer {
                credentials: out.credentials().cloned(),
                arn: out.federated_user().map(|u| u.arn().to_string()),
                packed_policy_size: size,
                request_id: out.request_id().map(str::to_string),
            }
        }
        Principal::IamUser => {
            let out = client
                .get_session_token()
                .duration_seconds(duration)
                .set_serial_number(mfa_serial)
                .set_token_code(mfa_code)
                .send()
                .await
                .map_err(|e| fail(classify(e)))?;
            Answer {
                credentials: out.credentials().cloned(),
                arn: None,
                packed_policy_size: None,
                request_id: out.request_id().map(str::to_string),
            }
        }
        Principal::AssumeRole => {
            let out = client
                .assume_role()
                .role_arn(call.role_arn.clone().unwrap_or_default())
                .role_session_name(call.session_name.clone().unwrap_or_default())
                .duration_seconds(duration)
                .set_external_id(call.external_id.clone())
                .set_policy(call.policy.clone())
                .set_policy_arns((!arns.is_empty()).then_some(arns))
                .set_tags((!tags.is_empty()).then_some(tags))
                .set_serial_number(mfa_serial)
                .set_token_code(mfa_code)
                .set_source_identity(call.source_identity.clone())
                .send()
                .await
                .map_err(|e| fail(classify(e)))?;
            #[allow(deprecated)] // older endpoints (and emulators) only send PackedPolicySize
            let size = out.session_token_utilization().or(out.packed_policy_size());
            Answer {
                credentials: out.credentials().cloned(),
                arn: out.assumed_role_user().map(|u| u.arn().to_string()),
                packed_policy_size: size,
                request_id: out.request_id().map(str::to_string),
            }
        }
    };
    issued(answer, call, endpoint)
}

/// What an STS answer carried, whichever API gave it.
struct Answer {
    credentials: Option<aws_sdk_sts::types::Credentials>,
    arn: Option<String>,
    packed_policy_size: Option<i32>,
    request_id: Option<String>,
}

/// The credentials of an answer, once [`check_issued`] has found them well-formed.
fn issued(answer: Answer, call: &Call, endpoint: &Endpoint) -> Result<Issued, StsError> {
    let malformed = |what: String| StsError::Malformed {
        what,
        endpoint: endpoint.describe(),
    };
    let c = answer
        .credentials
        .ok_or_else(|| malformed("the answer holds no credentials".into()))?;
    let expiration = jiff::Timestamp::new(c.expiration().secs(), 0)
        .map_err(|_| malformed("the expiry is not a possible time".into()))?;
    let issued = Issued {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: SecretString::from(c.secret_access_key().to_string()),
        session_token: SecretString::from(c.session_token().to_string()),
        expiration,
        arn: answer.arn,
        packed_policy_size: answer.packed_policy_size,
        request_id: answer.request_id,
    };
    check_issued(&issued, call.duration, jiff::Timestamp::now()).map_err(malformed)?;
    Ok(issued)
}

/// How far STS's clock may be ahead of this machine's when judging an expiry: what AWS itself
/// tolerates when checking a request's signature.
pub const CLOCK_SKEW: jiff::SignedDuration = jiff::SignedDuration::from_secs(15 * 60);

/// Check that credentials are shaped as AWS makes them before anything prints or caches them:
/// their parts ([`check_shape`]), and an expiry in the future but no later than `requested`
/// seconds from `now` (give or take [`CLOCK_SKEW`]). The message names the part, never its value.
pub fn check_issued(issued: &Issued, requested: u32, now: jiff::Timestamp) -> Result<(), String> {
    check_shape(issued)?;
    if issued.expiration <= now {
        return Err(format!(
            "they expired at {}, before they were issued",
            crate::output::rfc3339(issued.expiration)
        ));
    }
    let latest = now + jiff::SignedDuration::from_secs(i64::from(requested)) + CLOCK_SKEW;
    if issued.expiration > latest {
        return Err(format!(
            "they expire at {}, later than the {} asked for allows",
            crate::output::rfc3339(issued.expiration),
            crate::validate::format_duration(requested)
        ));
    }
    Ok(())
}

/// Check the parts of credentials, wherever they come from (STS, the cache, a broker): an access
/// key id of 16 to 128 capital letters and digits, a secret and a session token in the base64
/// alphabet, so that nothing else can ride in them into a shell, an INI file or a JSON document.
/// The message names the part, never its value.
pub fn check_shape(issued: &Issued) -> Result<(), String> {
    let id = &issued.access_key_id;
    if !(16..=128).contains(&id.len())
        || !id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Err(format!(
            "the access key id is not 16 to 128 capital letters and digits ({} characters)",
            id.chars().count()
        ));
    }
    let base64 = |s: &str| {
        !s.is_empty()
            && s.len() <= 8192
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
    };
    if !base64(issued.secret_access_key.expose_secret()) {
        return Err(
            "the secret access key is empty, too long, or not in the base64 alphabet".into(),
        );
    }
    if !base64(issued.session_token.expose_secret()) {
        return Err("the session token is empty, too long, or not in the base64 alphabet".into());
    }
    Ok(())
}

/// What went wrong, independent of the SDK's types, so the explanation can be unit-tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// AWS answered with an error code and message.
    Service {
        /// The error code, e.g. `AccessDenied`.
        code: String,
        /// The message.
        message: String,
    },
    /// The call timed out as a whole.
    Timeout,
    /// The connection could not be made or broke.
    Connect {
        /// Whether it was the connect timeout.
        timed_out: bool,
        /// What the transport said.
        detail: String,
    },
    /// What answered is not STS: an HTTP status without an STS error in the body, or a body
    /// that is not an STS answer (a web page, a 404).
    NotSts {
        /// The HTTP status it answered with.
        status: u16,
    },
    /// The answer could not be parsed.
    Unreadable(String),
}

fn classify<E>(e: SdkError<E, aws_sdk_sts::config::http::HttpResponse>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match &e {
        SdkError::ServiceError(s) => {
            let err = s.err();
            match err.code() {
                Some(code) => Failure::Service {
                    code: code.to_string(),
                    message: err.message().unwrap_or_default().to_string(),
                },
                None => Failure::NotSts {
                    status: s.raw().status().as_u16(),
                },
            }
        }
        SdkError::ResponseError(r) => Failure::NotSts {
            status: r.raw().status().as_u16(),
        },
        SdkError::TimeoutError(_) => Failure::Timeout,
        SdkError::DispatchFailure(d) => Failure::Connect {
            timed_out: d.is_timeout(),
            detail: crate::exit::innermost(&e),
        },
        _ => Failure::Unreadable(crate::exit::innermost(&e)),
    }
}

/// Turn a failure into the error users see, with the fix.
pub fn map_sdk_error(call: &Call, endpoint: &Endpoint, failure: Failure) -> StsError {
    let api = call.principal.api();
    match failure {
        Failure::Service { code, message } => StsError::Aws {
            api,
            explanation: explain(call, endpoint, &code, &message),
            code,
            message,
        },
        Failure::Timeout => StsError::Network {
            explanation: format!(
                "{api} at {} did not complete within {} s (request_timeout); check the network or raise settings.request_timeout",
                endpoint.describe(),
                endpoint.request_timeout.as_secs()
            ),
        },
        Failure::Connect {
            timed_out: true, ..
        } => StsError::Network {
            explanation: format!(
                "cannot connect to {} within {} s (connect_timeout); check the network, a proxy or firewall, or settings.sts_endpoint",
                endpoint.describe(),
                endpoint.connect_timeout.as_secs()
            ),
        },
        Failure::Connect { detail, .. } => StsError::Network {
            explanation: format!(
                "cannot reach {}: {}; check the network, or settings.sts_endpoint / AWS_ENDPOINT_URL_STS",
                endpoint.describe(),
                crate::output::escape_all(&detail)
            ),
        },
        Failure::NotSts { status } => StsError::Network {
            explanation: format!(
                "{} is not an STS endpoint: it answered {api} with HTTP {status} and no STS error; check settings.sts_endpoint, AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL",
                endpoint.describe()
            ),
        },
        Failure::Unreadable(detail) => StsError::Other(format!(
            "{api} at {} gave an answer fedaws cannot read: {}",
            endpoint.describe(),
            crate::output::escape_all(&detail)
        )),
    }
}

/// The sentence for an AWS error code: what it means here, and how to fix it.
pub fn explain(call: &Call, endpoint: &Endpoint, code: &str, message: &str) -> String {
    let api = call.principal.api();
    let account = &call.account;
    // The message comes from the network: it may not paint on the terminal or fake a line.
    let said = if message.is_empty() {
        String::new()
    } else {
        format!(" (AWS: {})", crate::output::escape_all(message))
    };
    match code {
        "InvalidClientTokenId" => format!(
            "AWS does not know the access key of account `{account}`: it was deleted or deactivated, or it belongs to another partition than {}. Store a current key with `fedaws account edit {account} --rotate`{said}",
            endpoint.region
        ),
        "SignatureDoesNotMatch"
            if message.contains("expired") || message.contains("Signature not yet current") =>
        {
            clock_skew(said)
        }
        "SignatureDoesNotMatch" => format!(
            "the secret access key stored for account `{account}` does not match its access key id. Store the right pair with `fedaws account edit {account} --rotate`{said}"
        ),
        "RequestExpired" | "RequestTimeTooSkewed" => clock_skew(said),
        "AccessDenied"
            if call.mfa.is_some()
                && (message.contains("MultiFactorAuthentication") || message.contains("MFA")) =>
        {
            format!(
                "AWS refused the MFA code for {}: it was wrong, or already used (each code works once). Wait for the next code and try again{said}",
                call.mfa
                    .as_ref()
                    .map(|m| m.serial.as_str())
                    .unwrap_or_default()
            )
        }
        "AccessDenied"
            if call.source_identity.is_some() && message.contains("SetSourceIdentity") =>
        {
            format!(
                "AWS denied setting the source identity on {}: the role's trust policy must allow sts:SetSourceIdentity for account `{account}`'s IAM user (the connector has source_identity = true){said}",
                call.role_arn.as_deref().unwrap_or("the role")
            )
        }
        "AccessDenied" => {
            let resource = match &call.role_arn {
                Some(role) if call.principal.needs_role_arn() => role.clone(),
                _ => "*".into(),
            };
            let mut s = format!(
                "AWS denied {api} on {resource} for account `{account}`{said}. The account's IAM user needs this permission:\n{}",
                call.principal.caller_permission_policy(Some(&resource))
            );
            if call.principal.needs_role_arn() {
                s.push_str("\nand the role's trust policy must allow this user (and the external ID, if set)");
            }
            s
        }
        "ExpiredToken" | "ExpiredTokenException" => format!(
            "the credentials signing {api} have expired; account `{account}` must hold long-term keys, not temporary ones{said}"
        ),
        "ValidationError"
            if message.contains("MaxSessionDuration") || message.contains("DurationSeconds") =>
        {
            format!(
                "the requested duration of {} is above what {} allows{said}. Ask for less with --duration, lower max_duration, or raise the role's MaxSessionDuration in IAM",
                crate::validate::format_duration(call.duration),
                call.role_arn.as_deref().unwrap_or("the role")
            )
        }
        "PackedPolicyTooLarge" => {
            let percent = percent_in(message)
                .map(|p| format!(" to {p}% of the allowed size"))
                .unwrap_or_default();
            format!(
                "the session policy is too large: AWS packed the policy, policy ARNs and tags{percent}. Shorten the policy, or use fewer policy ARNs or session tags{said}"
            )
        }
        "MalformedPolicyDocument" | "MalformedPolicyDocumentException" => {
            format!("AWS rejected the session policy{said}; check it with `fedaws policy check`")
        }
        "RegionDisabledException" => format!(
            "STS is not activated in {} for this AWS account. Activate the region in the IAM console (Account settings), or set the connector's region to one where it is active{said}",
            endpoint.region
        ),
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => format!(
            "AWS throttled {api} and it still failed after 3 attempts; wait a moment and try again{said}"
        ),
        _ => format!(
            "{api} failed with {}{said}",
            crate::output::escape_all(code)
        ),
    }
}

fn clock_skew(said: String) -> String {
    format!(
        "AWS refused the request because this machine's clock is off by more than 15 minutes; fix the time (e.g. `timedatectl set-ntp true`){said}"
    )
}

/// The first number directly followed by `%` in a message ("… is 112% of …").
fn percent_in(message: &str) -> Option<u32> {
    let idx = message.find('%')?;
    let digits: String = message[..idx]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::sample::Index;

    use super::*;
    use crate::error::exit_of;
    use crate::exit::Exit;

    fn call(principal: Principal) -> Call {
        Call {
            principal,
            duration: 3600,
            session_name: Some("alice".into()),
            role_arn: Some("arn:aws:iam::123456789012:role/App".into()),
            external_id: None,
            policy: None,
            policy_arns: vec![],
            mfa: None,
            tags: vec![],
            account: "deployer".into(),
            source_identity: None,
        }
    }

    fn endpoint() -> Endpoint {
        Endpoint {
            region: "eu-central-1".into(),
            url: Some("http://127.0.0.1:9".into()),
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(20),
        }
    }

    fn aws(principal: Principal, code: &str, message: &str) -> StsError {
        map_sdk_error(
            &call(principal),
            &endpoint(),
            Failure::Service {
                code: code.into(),
                message: message.into(),
            },
        )
    }

    #[test]
    fn each_code_gets_its_fix() {
        let cases = [
            (
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
                "--rotate",
            ),
            (
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match",
                "does not match its access key id",
            ),
            (
                "SignatureDoesNotMatch",
                "Signature expired: 20260101T000000Z is now earlier than",
                "clock",
            ),
            ("RequestExpired", "Request has expired.", "clock"),
            (
                "AccessDenied",
                "User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole",
                "sts:AssumeRole",
            ),
            (
                "ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                "MaxSessionDuration",
            ),
            (
                "PackedPolicyTooLarge",
                "Serialized token too large for session. Packed policy consumes 112% of allotted space",
                "112%",
            ),
            (
                "RegionDisabledException",
                "STS is not activated in this region",
                "Activate the region",
            ),
            (
                "MalformedPolicyDocument",
                "Syntax errors in policy.",
                "fedaws policy check",
            ),
            ("Throttling", "Rate exceeded", "3 attempts"),
            ("SomethingNew", "odd", "SomethingNew"),
        ];
        for (code, message, expect) in cases {
            let e = aws(Principal::AssumeRole, code, message);
            assert_eq!(exit_of(&e), Some(Exit::Aws));
            let text = e.to_string();
            assert!(text.contains(expect), "{code}: {text}");
        }
    }

    #[test]
    fn a_rejected_mfa_code_is_named_as_such() {
        let mut c = call(Principal::IamUser);
        c.mfa = Some(Mfa {
            serial: "arn:aws:iam::123456789012:mfa/alice".into(),
            code: SecretString::from("864209".to_string()),
        });
        let e = map_sdk_error(
            &c,
            &endpoint(),
            Failure::Service {
                code: "AccessDenied".into(),
                message: "MultiFactorAuthentication failed with invalid MFA one time pass code."
                    .into(),
            },
        );
        assert!(e.to_string().contains("MFA code"), "{e}");
        assert!(
            !e.to_string().contains("864209"),
            "the code was echoed: {e}"
        );
    }

    #[test]
    fn network_failures_name_endpoint_and_timeout() {
        let e = map_sdk_error(
            &call(Principal::IamUser),
            &endpoint(),
            Failure::Connect {
                timed_out: true,
                detail: "x".into(),
            },
        );
        assert_eq!(exit_of(&e), Some(Exit::Network));
        assert!(e.to_string().contains("http://127.0.0.1:9"), "{e}");
        assert!(e.to_string().contains("2 s"), "{e}");
        let e = map_sdk_error(&call(Principal::IamUser), &endpoint(), Failure::Timeout);
        assert!(e.to_string().contains("20 s"), "{e}");
    }

    #[test]
    fn percent() {
        assert_eq!(percent_in("consumes 112% of allotted"), Some(112));
        assert_eq!(percent_in("no number"), None);
    }

    fn answer(id: &str, secret: &str, token: &str, expires_in: i64) -> Issued {
        Issued {
            access_key_id: id.into(),
            secret_access_key: SecretString::from(secret.to_string()),
            session_token: SecretString::from(token.to_string()),
            expiration: now() + jiff::SignedDuration::from_secs(expires_in),
            arn: None,
            packed_policy_size: None,
            request_id: None,
        }
    }

    fn now() -> jiff::Timestamp {
        jiff::Timestamp::from_second(1_800_000_000).unwrap()
    }

    #[test]
    fn only_well_formed_answers_are_used() {
        const ID: &str = "ASIAEXAMPLE0000000001";
        const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY==";
        const TOKEN: &str = "FQoGZXIvYXdzEBYaD+/=";
        assert!(check_issued(&answer(ID, SECRET, TOKEN, 3600), 3600, now()).is_ok());
        assert!(
            check_issued(&answer(ID, SECRET, TOKEN, 3600 + 600), 3600, now()).is_ok(),
            "STS's clock may run a little ahead"
        );
        let bad = [
            (
                answer("asia0000000000000001", SECRET, TOKEN, 3600),
                "access key id",
            ),
            (answer("ASIA0001", SECRET, TOKEN, 3600), "access key id"),
            (
                answer("ASIA000000000000001\n[x]", SECRET, TOKEN, 3600),
                "access key id",
            ),
            (
                answer(ID, "s3cr3t\nregion=x", TOKEN, 3600),
                "secret access key",
            ),
            (answer(ID, "", TOKEN, 3600), "secret access key"),
            (answer(ID, SECRET, "tok'en", 3600), "session token"),
            (answer(ID, SECRET, TOKEN, 0), "expired"),
            (answer(ID, SECRET, TOKEN, -60), "expired"),
            (answer(ID, SECRET, TOKEN, 7200), "later than the 1h"),
        ];
        for (issued, expect) in bad {
            let e = check_issued(&issued, 3600, now()).unwrap_err();
            assert!(e.contains(expect), "{e}");
            assert!(!e.contains("s3cr3t") && !e.contains("tok'en"), "{e}");
        }
        let e = StsError::Malformed {
            what: "x".into(),
            endpoint: "http://127.0.0.1:9".into(),
        };
        assert_eq!(exit_of(&e), Some(Exit::Aws));
        assert!(
            e.to_string()
                .starts_with("STS answered with malformed credentials")
        );
    }

    /// Credentials as an answer carries them, and what `check_issued` is given with them.
    #[derive(Debug, Clone)]
    struct Answer {
        id: String,
        secret: String,
        token: String,
        requested: u32,
        now: jiff::Timestamp,
        expiration: jiff::Timestamp,
    }

    impl Answer {
        fn issued(&self) -> Issued {
            Issued {
                access_key_id: self.id.clone(),
                secret_access_key: SecretString::from(self.secret.clone()),
                session_token: SecretString::from(self.token.clone()),
                expiration: self.expiration,
                arn: None,
                packed_policy_size: None,
                request_id: None,
            }
        }

        fn check(&self) -> Result<(), String> {
            check_issued(&self.issued(), self.requested, self.now)
        }
    }

    /// The key id, secret and token the first tier's fake STS issues for its request `n` in
    /// process `pid` (`sts_answer` in `tests/support/sts.rs`).
    fn as_the_fake_issues() -> impl Strategy<Value = (String, String, String)> {
        (any::<u32>(), any::<u32>()).prop_map(|(n, pid)| {
            (
                format!("ASIAFAKE{n:012}"),
                format!("FakeIssuedSecret{pid:08}{n:016}"),
                format!("FakeIssuedSessionToken/{pid:08}+{n:016}="),
            )
        })
    }

    /// A key id, secret and token of the shapes AWS gives: 16 to 128 capitals and digits, and
    /// base64 text.
    fn as_aws_issues() -> impl Strategy<Value = (String, String, String)> {
        (
            "[A-Z0-9]{16,128}",
            "[A-Za-z0-9+/]{16,64}={0,2}",
            "[A-Za-z0-9+/]{16,1024}={0,2}",
        )
    }

    /// Credentials as STS issues them: for a lifetime some principal type may ask for, expiring
    /// within it (STS's clock may run up to [`CLOCK_SKEW`] ahead), at any time of day.
    fn well_formed() -> impl Strategy<Value = Answer> {
        let (shortest, longest) = crate::principal::any_lifetime();
        (
            prop_oneof![as_the_fake_issues(), as_aws_issues()],
            shortest..=longest,
            1_500_000_000..2_500_000_000i64,
            0..1_000_000_000i32,
        )
            .prop_flat_map(|((id, secret, token), requested, second, nanos)| {
                let now = jiff::Timestamp::new(second, nanos).expect("a time");
                let latest = jiff::SignedDuration::from_secs(i64::from(requested)) + CLOCK_SKEW;
                let left = 1..=i64::try_from(latest.as_nanos()).expect("a lifetime in nanoseconds");
                left.prop_map(move |left| Answer {
                    id: id.clone(),
                    secret: secret.clone(),
                    token: token.clone(),
                    requested,
                    now,
                    expiration: now + jiff::SignedDuration::from_nanos(left),
                })
            })
    }

    /// One rule an answer can break, and how.
    #[derive(Debug, Clone)]
    enum Broken {
        KeyIdCharacter(Index, char),
        KeyIdShort(usize),
        KeyIdLong(usize),
        SecretCharacter(Index, char),
        SecretEmpty,
        SecretLong(usize),
        TokenCharacter(Index, char),
        TokenEmpty,
        TokenLong(usize),
        /// Expired this many nanoseconds before now (0: now).
        Expired(i64),
        /// Expires this many nanoseconds after the latest the lifetime asked for allows.
        TooLate(i64),
    }

    impl Broken {
        /// The part of the answer the message names.
        fn part(&self) -> &'static str {
            match self {
                Broken::KeyIdCharacter(..) | Broken::KeyIdShort(_) | Broken::KeyIdLong(_) => {
                    "access key id"
                }
                Broken::SecretCharacter(..) | Broken::SecretEmpty | Broken::SecretLong(_) => {
                    "secret access key"
                }
                Broken::TokenCharacter(..) | Broken::TokenEmpty | Broken::TokenLong(_) => {
                    "session token"
                }
                Broken::Expired(_) => "expired",
                Broken::TooLate(_) => "later than",
            }
        }

        fn apply(&self, a: &mut Answer) {
            let replace = |s: &mut String, at: &Index, c: char| {
                let mut chars: Vec<char> = s.chars().collect();
                let i = at.index(chars.len());
                chars[i] = c;
                *s = chars.into_iter().collect();
            };
            let lengthen = |s: &mut String, n: usize| {
                let more = n.saturating_sub(s.len());
                s.push_str(&"A".repeat(more));
            };
            match self {
                Broken::KeyIdCharacter(at, c) => replace(&mut a.id, at, *c),
                Broken::KeyIdShort(n) => a.id.truncate(*n),
                Broken::KeyIdLong(n) => lengthen(&mut a.id, *n),
                Broken::SecretCharacter(at, c) => replace(&mut a.secret, at, *c),
                Broken::SecretEmpty => a.secret.clear(),
                Broken::SecretLong(n) => lengthen(&mut a.secret, *n),
                Broken::TokenCharacter(at, c) => replace(&mut a.token, at, *c),
                Broken::TokenEmpty => a.token.clear(),
                Broken::TokenLong(n) => lengthen(&mut a.token, *n),
                Broken::Expired(back) => {
                    a.expiration = a.now - jiff::SignedDuration::from_nanos(*back);
                }
                Broken::TooLate(after) => {
                    let latest = jiff::SignedDuration::from_secs(i64::from(a.requested))
                        + CLOCK_SKEW
                        + jiff::SignedDuration::from_nanos(*after);
                    a.expiration = a.now + latest;
                }
            }
        }
    }

    /// A character outside what `allowed` allows: a lower-case letter, punctuation, or any.
    fn not_in(allowed: fn(char) -> bool) -> impl Strategy<Value = char> {
        prop_oneof![
            proptest::char::range('a', 'z'),
            proptest::char::range('!', '/'),
            proptest::char::range('\0', ' '),
            any::<char>(),
        ]
        .prop_filter("a character the rule refuses", move |c| !allowed(*c))
    }

    fn broken() -> impl Strategy<Value = Broken> {
        let key_id = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit();
        let base64 = |c: char| c.is_ascii_alphanumeric() || "+/=".contains(c);
        let day = 86_400 * 1_000_000_000i64;
        prop_oneof![
            (any::<Index>(), not_in(key_id)).prop_map(|(at, c)| Broken::KeyIdCharacter(at, c)),
            (0..16usize).prop_map(Broken::KeyIdShort),
            (129..=300usize).prop_map(Broken::KeyIdLong),
            (any::<Index>(), not_in(base64)).prop_map(|(at, c)| Broken::SecretCharacter(at, c)),
            Just(Broken::SecretEmpty),
            (8193..=9000usize).prop_map(Broken::SecretLong),
            (any::<Index>(), not_in(base64)).prop_map(|(at, c)| Broken::TokenCharacter(at, c)),
            Just(Broken::TokenEmpty),
            (8193..=9000usize).prop_map(Broken::TokenLong),
            (0..=day).prop_map(Broken::Expired),
            (1..=day).prop_map(Broken::TooLate),
        ]
    }

    proptest! {
        /// What STS (and the fake that stands in for it) issues is taken.
        #[test]
        fn well_formed_credentials_pass(answer in well_formed()) {
            prop_assert_eq!(answer.check(), Ok(()));
        }

        /// Credentials that break one rule are refused, with a message that names the part that
        /// broke it and never holds the secret or the token.
        #[test]
        fn credentials_that_break_one_rule_are_refused(
            mut answer in well_formed(),
            broken in broken(),
        ) {
            broken.apply(&mut answer);
            let e = answer.check();
            prop_assert!(e.is_err(), "{:?} was taken", broken);
            let e = e.unwrap_err();
            prop_assert!(e.contains(broken.part()), "{:?}: {}", broken, e);
            for secret in [&answer.secret, &answer.token] {
                prop_assert!(secret.is_empty() || !e.contains(secret.as_str()), "{}", e);
            }
        }
    }

    #[test]
    fn what_is_not_sts_is_named_so() {
        let e = map_sdk_error(
            &call(Principal::IamUser),
            &endpoint(),
            Failure::NotSts { status: 404 },
        );
        assert_eq!(exit_of(&e), Some(Exit::Network));
        let text = e.to_string();
        assert!(
            text.contains("not an STS endpoint") && text.contains("404"),
            "{text}"
        );
        assert!(!text.contains("Unknown"), "{text}");
    }

    #[test]
    fn messages_from_the_network_cannot_paint_the_terminal() {
        let e = aws(
            Principal::IamUser,
            "AccessDenied",
            "no\nfedaws: all good\u{1b}[2J",
        );
        let text = e.to_string();
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(!text.contains("no\nfedaws"), "{text:?}");
    }
}
