//! `fedaws aws-profile` on a hand-written AWS config, used by the real AWS CLI and boto3 through
//! `credential_process`, against moto.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{HAND_WRITTEN_AWS_CONFIG as HAND_WRITTEN, stderr, stdout};
use crate::sts_fixture::{Broker, MOTO_ACCOUNT, os_user};
use crate::sts_server::{TestServer, moto_url};

const ROLE: &str = "ProfileRole";

fn connectors() -> String {
    format!(
        "[connectors.role]\naccount = \"{{account}}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::{MOTO_ACCOUNT}:role/{ROLE}\"\nregion = \"us-east-1\"\n\n[connectors.sess]\naccount = \"{{account}}\"\nprincipal = \"iam-user\"\n"
    )
}

/// Run a real AWS client in the environment the brief of `credential_process` promises: nothing
/// but HOME, PATH, the two AWS files, the fedaws config and moto as the endpoint.
fn aws_client(broker: &Broker, aws_config: &Path, program: &str, args: &[&str]) -> Output {
    let out = std::process::Command::new(program)
        .args(args)
        .env_clear()
        .env("HOME", broker.env.home())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_CONFIG_FILE", aws_config)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("FEDAWS_CONFIG", broker.env.config_path())
        .env("AWS_ENDPOINT_URL", moto_url())
        .current_dir(broker.env.root())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): install awscli and boto3"));
    broker.record(program, &out);
    out
}

/// Fail unless every line of `original` occurs in `now`, byte for byte and in order.
fn assert_lines_kept(original: &str, now: &str) {
    let mut rest = now.split_inclusive('\n');
    for line in original.split_inclusive('\n') {
        assert!(
            rest.any(|l| l == line),
            "the line {line:?} of the hand-written file is gone or moved:\n{now}"
        );
    }
}

/// A broker whose AWS config file is [`HAND_WRITTEN`]; returns it and the file's path.
fn with_hand_written_file(sts: &TestServer) -> (Broker, PathBuf) {
    let broker = Broker::new(Some(sts.url()), &[], &connectors());
    let aws_dir = broker.env.root().join("aws");
    std::fs::create_dir_all(&aws_dir).expect("create the aws directory");
    let aws_config = aws_dir.join("config");
    std::fs::write(&aws_config, HAND_WRITTEN).expect("write the AWS config");
    (broker, aws_config)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read the AWS config")
}

const PROFILE: &str = "fedaws-it";

#[test]
fn aws_profile_add_serves_the_aws_cli_and_boto3() {
    let sts = TestServer::moto_recorder();
    let (broker, aws_config) = with_hand_written_file(&sts);
    let with_file = [("AWS_CONFIG_FILE", aws_config.to_str().expect("UTF-8 path"))];

    broker.ok_with(
        &["aws-profile", "add", "role", "--profile", PROFILE],
        &with_file,
    );
    let written = read(&aws_config);
    assert_lines_kept(HAND_WRITTEN, &written);
    assert!(
        written.contains(&format!("[profile {PROFILE}]\ncredential_process = ")),
        "{written}"
    );
    assert!(written.contains(" creds role --format json\n"), "{written}");
    assert_eq!(sts.count(), 0, "aws-profile add called STS");

    let arn = format!(
        "arn:aws:sts::{MOTO_ACCOUNT}:assumed-role/{ROLE}/{}",
        os_user()
    );
    let out = aws_client(
        &broker,
        &aws_config,
        "aws",
        &[
            "sts",
            "get-caller-identity",
            "--profile",
            PROFILE,
            "--output",
            "json",
        ],
    );
    assert!(
        out.status.success(),
        "aws sts get-caller-identity: {}",
        stderr(&out)
    );
    let identity: serde_json::Value =
        serde_json::from_str(&stdout(&out)).expect("the AWS CLI prints JSON");
    assert_eq!(identity["Arn"].as_str(), Some(arn.as_str()), "{identity}");
    assert_eq!(
        sts.count(),
        1,
        "the AWS CLI did not get its credentials from fedaws"
    );
    assert_eq!(sts.requests()[0].action(), "AssumeRole");

    // Empty the cache so that boto3's call must reach STS through fedaws.
    broker.ok(&["cache", "clear"]);
    let out = aws_client(
        &broker,
        &aws_config,
        "python3",
        &[
            "-c",
            &format!(
                "import boto3; print(boto3.Session(profile_name='{PROFILE}').client('sts').get_caller_identity()['Arn'])"
            ),
        ],
    );
    assert!(out.status.success(), "boto3: {}", stderr(&out));
    assert_eq!(stdout(&out).trim(), arn);
    assert_eq!(
        sts.count(),
        2,
        "boto3 did not get its credentials from fedaws"
    );

    // Another connector may not take the profile over without --force.
    let out = broker.run_with(
        &["aws-profile", "add", "sess", "--profile", PROFILE],
        &with_file,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "another connector took the profile over"
    );
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(read(&aws_config), written, "a refused add changed the file");
    broker.finish(&[&sts]);
}

#[test]
fn aws_profile_remove_gives_back_the_hand_written_file() {
    let sts = TestServer::moto_recorder();
    let (broker, aws_config) = with_hand_written_file(&sts);
    let with_file = [("AWS_CONFIG_FILE", aws_config.to_str().expect("UTF-8 path"))];

    // A profile fedaws did not write is not removed without --force.
    let out = broker.run_with(&["aws-profile", "remove", "other"], &with_file);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(read(&aws_config), HAND_WRITTEN);

    broker.ok_with(
        &["aws-profile", "add", "role", "--profile", PROFILE],
        &with_file,
    );
    assert_lines_kept(HAND_WRITTEN, &read(&aws_config));
    broker.ok_with(&["aws-profile", "remove", PROFILE], &with_file);
    assert_eq!(
        read(&aws_config),
        HAND_WRITTEN,
        "add then remove did not give back the hand-written file byte for byte"
    );
    broker.finish(&[&sts]);
}
