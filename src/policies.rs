//! Example session policies, shipped inside the binary (`fedaws policy examples`) and kept as
//! files under `examples/policies/` so they can be copied and edited.

/// One example session policy.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// Name used on the command line.
    pub name: &'static str,
    /// What it allows, in one line.
    pub summary: &'static str,
    /// The policy JSON.
    pub json: &'static str,
}

/// Every example, in the order they are listed.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "read-only",
        summary: "read-only access to common services (describe, get, list)",
        json: include_str!("../examples/policies/read-only.json"),
    },
    Example {
        name: "s3-bucket-read",
        summary: "list and read the objects of one S3 bucket (edit example-bucket)",
        json: include_str!("../examples/policies/s3-bucket-read.json"),
    },
    Example {
        name: "deny-all",
        summary: "deny everything: credentials that can do nothing but exist",
        json: include_str!("../examples/policies/deny-all.json"),
    },
    Example {
        name: "ec2-describe",
        summary: "describe EC2, load balancers and auto scaling, change nothing",
        json: include_str!("../examples/policies/ec2-describe.json"),
    },
    Example {
        name: "cloudformation-stack-deploy",
        summary: "create, update and delete one CloudFormation stack (edit example-stack)",
        json: include_str!("../examples/policies/cloudformation-stack-deploy.json"),
    },
    Example {
        name: "ecr-pull",
        summary: "log in to ECR and pull images",
        json: include_str!("../examples/policies/ecr-pull.json"),
    },
];

/// An example by name.
pub fn find(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_is_valid() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/config.toml");
        let location = crate::config::Location {
            path: path.clone(),
            searched: vec![path],
        };
        let config = crate::config::Config::load(&location, crate::config::Depth::Deep)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.connectors.len(), 3);
    }

    #[test]
    fn every_example_is_a_valid_session_policy() {
        assert!(EXAMPLES.len() >= 6);
        for e in EXAMPLES {
            crate::validate::check_policy(e.name, e.json)
                .unwrap_or_else(|err| panic!("example {} is invalid: {err}", e.name));
        }
    }
}
