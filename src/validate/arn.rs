//! IAM ARNs: roles to assume and managed session policies.

use super::*;
use crate::partition::Partition;

/// How many characters `RoleArn` and each of `PolicyArns` may have.
const ARN_LENGTH: std::ops::RangeInclusive<usize> = 20..=2048;

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
    if !ARN_LENGTH.contains(&n) {
        return Err(err(format!(
            "has {}; it must have {} to {}",
            chars(n),
            ARN_LENGTH.start(),
            ARN_LENGTH.end()
        )));
    }
    let Some(rest) = s.strip_prefix("arn:") else {
        return Err(err("does not start with \"arn:\"".to_owned()));
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, service, region, account, resource] = parts[..] else {
        return Err(err("has too few ':'-separated parts".to_owned()));
    };
    if Partition::named(partition).is_none() {
        return Err(err(format!(
            "partition {partition:?} is not one of {}",
            Partition::ALL.map(Partition::as_str).join(", ")
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

/// Checks the session policies of one call together, stopping at the first problem: the managed
/// policy ARNs, the inline policy (`field` names it), and their combined size.
pub fn check_session_policies(
    field: &str,
    policy: Option<&str>,
    arns: &[String],
) -> Result<(), FieldError> {
    check_policy_arns("policy_arns", arns)?;
    match policy {
        Some(text) => check_combined_policy_size(field, check_policy(field, text)?, arns),
        None => Ok(()),
    }
}

/// Checks that a valid inline policy and the managed policy ARNs together stay within the
/// plaintext AWS allows, [`POLICY_MAX_COMPACT_LEN`] characters without whitespace.
pub fn check_combined_policy_size(
    field: &str,
    policy: PolicyInfo,
    arns: &[String],
) -> Result<(), FieldError> {
    let arn_len: usize = arns.iter().map(|a| a.len()).sum();
    if !arns.is_empty() && policy.compact_len + arn_len > POLICY_MAX_COMPACT_LEN {
        return Err(FieldError::new(
            field,
            "…",
            format!(
                "with policy_arns totals {} characters without whitespace; AWS allows {POLICY_MAX_COMPACT_LEN} for inline and managed session policies together",
                policy.compact_len + arn_len
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::repeat as s;

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
}
