//! `fedaws aws-profile add|remove` on a hand-written `~/.aws/config` in the temporary HOME: the
//! one profile it writes runs fedaws for the connector, and every other line stays as it was.

use crate::local::{assert_fails, finish, local};
use crate::support::env::{HAND_WRITTEN_AWS_CONFIG as HAND_WRITTEN, stderr};
use crate::support::sts::{TestServer, answered};

const CONNECTORS: &str = "[connectors.role]\naccount = \"{account}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::123456789012:role/Deploy\"\n\n[connectors.sess]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n";

#[test]
fn aws_profile_add_writes_one_profile_and_remove_gives_the_file_back() {
    let sts = TestServer::fake_sts();
    let fixture = local(sts.url(), CONNECTORS);
    let aws_dir = fixture.env.home().join(".aws");
    std::fs::create_dir(&aws_dir).expect("create ~/.aws");
    let aws_config = aws_dir.join("config");
    std::fs::write(&aws_config, HAND_WRITTEN).expect("write ~/.aws/config");
    let read = || std::fs::read_to_string(&aws_config).expect("read ~/.aws/config");

    fixture.ok(&["aws-profile", "add", "role", "--profile", "deploy"]);
    let written = read();
    let added = written
        .strip_prefix(HAND_WRITTEN)
        .unwrap_or_else(|| panic!("the hand-written lines changed:\n{written}"));
    let lines: Vec<&str> = added.lines().collect();
    assert_eq!(lines.len(), 4, "{added:?}");
    assert_eq!(lines[..2], ["", "[profile deploy]"], "{added:?}");
    assert_eq!(lines[3], "region = us-east-1", "{added:?}");
    let command = lines[2]
        .strip_prefix("credential_process = ")
        .unwrap_or_else(|| panic!("not a credential_process line: {:?}", lines[2]));
    let config = fixture.env.config_path();
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_fedaws"));
    assert_eq!(
        command,
        format!(
            "{} --config {} creds role --format json",
            exe.canonicalize().expect("the binary").display(),
            config.canonicalize().expect("the config").display()
        )
    );
    assert_eq!(sts.count(), 0, "aws-profile add called STS");

    // The command, run as a client runs it, prints the connector's credentials.
    let out = fixture
        .env_command("sh")
        .arg("-c")
        .arg(command)
        .output()
        .expect("run sh");
    fixture.record("credential_process", &out);
    assert!(out.status.success(), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let (id, _, _) = answered(&sts.only());
    assert_eq!(value["AccessKeyId"].as_str(), Some(id.as_str()));

    // Another connector may not take the profile over, nor is a profile fedaws did not write
    // removed, without --force; neither changes a byte.
    let out = fixture.run(&["aws-profile", "add", "sess", "--profile", "deploy"]);
    assert_fails(&out, 2, &["profile `deploy` already exists", "--force"]);
    let out = fixture.run(&["aws-profile", "remove", "other"]);
    assert_fails(&out, 2, &["not written by fedaws", "--force"]);
    assert_eq!(read(), written, "a refused change touched the file");

    fixture.ok(&["aws-profile", "remove", "deploy"]);
    assert_eq!(
        read(),
        HAND_WRITTEN,
        "add then remove did not give back the hand-written file byte for byte"
    );
    finish(fixture, &[&sts]);
}
