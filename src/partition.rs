//! AWS partitions, the one place that knows which partition a region is in and what differs
//! between them: the name in ARNs, the sign-in and console hosts, and the region IAM (a global
//! service) is signed in.

use std::fmt;

/// An AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    /// `aws`: the commercial regions.
    Aws,
    /// `aws-cn`: the China regions (`cn-*`).
    China,
    /// `aws-us-gov`: AWS GovCloud (US) (`us-gov-*`).
    GovCloud,
}

impl Partition {
    /// Every partition fedaws knows.
    pub const ALL: [Partition; 3] = [Partition::Aws, Partition::China, Partition::GovCloud];

    /// The partition of `region`.
    pub fn of_region(region: &str) -> Partition {
        if region.starts_with("cn-") {
            Partition::China
        } else if region.starts_with("us-gov-") {
            Partition::GovCloud
        } else {
            Partition::Aws
        }
    }

    /// The partition named `name` in an ARN, if it is one.
    pub fn named(name: &str) -> Option<Partition> {
        Partition::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// Its name in ARNs.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::China => "aws-cn",
            Partition::GovCloud => "aws-us-gov",
        }
    }

    /// Its federation (sign-in) endpoint.
    pub fn federation_endpoint(self) -> &'static str {
        match self {
            Partition::Aws => "https://signin.aws.amazon.com/federation",
            Partition::China => "https://signin.amazonaws.cn/federation",
            Partition::GovCloud => "https://signin.amazonaws-us-gov.com/federation",
        }
    }

    /// The console's host for `region` (in this partition).
    pub fn console_host(self, region: &str) -> String {
        match self {
            Partition::Aws => format!("{region}.console.aws.amazon.com"),
            Partition::China => "console.amazonaws.cn".to_string(),
            Partition::GovCloud => "console.amazonaws-us-gov.com".to_string(),
        }
    }

    /// The region IAM requests are signed in.
    pub fn iam_region(self) -> &'static str {
        match self {
            Partition::Aws => "us-east-1",
            Partition::China => "cn-north-1",
            Partition::GovCloud => "us-gov-west-1",
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_names_and_hosts() {
        assert_eq!(Partition::of_region("eu-central-1"), Partition::Aws);
        assert_eq!(Partition::of_region("cn-north-1"), Partition::China);
        assert_eq!(Partition::of_region("us-gov-west-1"), Partition::GovCloud);
        for p in Partition::ALL {
            assert_eq!(Partition::named(p.as_str()), Some(p));
            assert!(p.federation_endpoint().starts_with("https://signin."));
            assert_eq!(Partition::of_region(p.iam_region()), p);
        }
        assert_eq!(Partition::named("aws-iso"), None);
        assert_eq!(
            Partition::Aws.console_host("eu-west-1"),
            "eu-west-1.console.aws.amazon.com"
        );
    }
}
