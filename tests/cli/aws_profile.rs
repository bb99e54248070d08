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

/// Each config's sections as botocore reads them (`raw_config_parse`), or the error it raises,
/// as JSON, one line per file.
fn botocore_reads(paths: &[PathBuf]) -> Vec<serde_json::Value> {
    botocore_parse(paths, true)
}

/// Each config's sections, keys and values as botocore reads them before it splits nested
/// blocks (`raw_config_parse` without subsections), or the error it raises, as JSON.
fn botocore_values(paths: &[PathBuf]) -> Vec<serde_json::Value> {
    botocore_parse(paths, false)
}

/// `raw_config_parse` of each path, with or without `subsections`.
fn botocore_parse(paths: &[PathBuf], subsections: bool) -> Vec<serde_json::Value> {
    let script = r#"
import json, sys
from botocore.configloader import raw_config_parse
subsections = sys.argv[1] == "1"
for path in sys.argv[2:]:
    try:
        print(json.dumps(raw_config_parse(path, parse_subsections=subsections)))
    except Exception as e:
        print(json.dumps({"error": type(e).__name__}))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(if subsections { "1" } else { "0" })
        .args(paths)
        .output()
        .expect("run python3 with botocore");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect()
}

/// `text` written to `dir/name`, for botocore to read.
fn write_copy(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a copy");
    path
}

/// Configs people and programs write, including the odd ones a fuzzer would make: no final line
/// end, CRLF, a continuation line at the end, sections whose names are close to the profile's,
/// duplicate keys, tabs, a byte-order mark, text before any section.
const ODD_CONFIGS: &[&str] = &[
    "",
    "[default]\nregion = eu-west-1",
    "[default]\r\nregion = eu-west-1\r\n\r\n[profile a]\r\noutput = json\r\n",
    "[profile a]\ns3 =\n  max_concurrent_requests = 10\n  addressing_style = path",
    "[profile a]\nregion = x\n[profile fedaws-it2]\nregion = y\n[profile fedaws-i]\nregion = z\n",
    "[profile  fedaws-it ]\nregion = spaced\n",
    "stray = before any section\n[default]\nregion = a\n",
    "\u{feff}[default]\nregion = bom\n",
    "[default]\n\tregion = tabbed\n\n[profile b]\nregion = b ; note\n# [profile fedaws-it]\n",
    "[sso-session s]\nsso_region = us-east-1\n[services x]\ns3 =\n  endpoint_url = http://localhost\n",
    "[default]\nregion = a\n\n\n\n",
    "[default]\rregion = a\r[profile fedaws-it]\rregion = b\r",
    "[profile b]\nregion = a\n[c] note\nRegion: b\n",
];

#[test]
fn aws_profile_add_and_remove_leave_every_other_profile_as_botocore_reads_it() {
    let sts = TestServer::moto_recorder();
    let (broker, aws_config) = with_hand_written_file(&sts);
    let with_file = [("AWS_CONFIG_FILE", aws_config.to_str().expect("UTF-8 path"))];
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/aws_profile");
    let mut inputs: Vec<String> = ODD_CONFIGS.iter().map(|s| s.to_string()).collect();
    for entry in std::fs::read_dir(&seeds).expect("the fuzz seeds") {
        inputs.push(std::fs::read_to_string(entry.expect("a seed").path()).expect("a seed"));
    }
    let dir = broker.env.root().join("botocore");
    std::fs::create_dir_all(&dir).expect("a directory");
    let (mut compared, mut refused_unreadable, mut refused_carriage_return) = (0, 0, 0);
    for (i, original) in inputs.iter().enumerate() {
        std::fs::write(&aws_config, original).expect("write the AWS config");
        let added = broker.run_with(
            &["aws-profile", "add", "role", "--profile", PROFILE],
            &with_file,
        );
        let after_add = read(&aws_config);
        if original.replace("\r\n", "\n").contains('\r') {
            // Lines botocore and the other SDKs would tell apart differently: not edited.
            assert_eq!(added.status.code(), Some(2), "{original:?}");
            assert!(
                stderr(&added).contains("carriage return"),
                "{}",
                stderr(&added)
            );
            assert_eq!(&after_add, original, "a refused add changed the file");
            refused_carriage_return += 1;
            continue;
        }
        let said = botocore_reads(&[write_copy(&dir, &format!("{i}-0"), original)]);
        let unreadable = said[0].get("error").is_some();
        if unreadable {
            // A file botocore cannot read is refused, naming the line, and left as it is.
            assert_eq!(
                added.status.code(),
                Some(2),
                "{original:?}: {}",
                stderr(&added)
            );
            assert!(
                stderr(&added).contains("line ") && stderr(&added).contains("cannot read"),
                "{original:?}: {}",
                stderr(&added)
            );
            assert_eq!(&after_add, original, "a refused add changed the file");
            // --force replaces a profile of that name; it does not write into such a file.
            let forced = broker.run_with(
                &[
                    "aws-profile",
                    "add",
                    "role",
                    "--profile",
                    PROFILE,
                    "--force",
                ],
                &with_file,
            );
            assert_eq!(forced.status.code(), Some(2), "{}", stderr(&forced));
            assert_eq!(&read(&aws_config), original);
            refused_unreadable += 1;
            continue;
        }
        if !added.status.success() {
            assert_eq!(&after_add, original, "a refused add changed the file");
            assert!(
                !stderr(&added).contains("cannot read this file"),
                "botocore reads {original:?}, but fedaws says it cannot: {}",
                stderr(&added)
            );
            continue;
        }
        let removed = broker.run_with(&["aws-profile", "remove", PROFILE], &with_file);
        assert!(removed.status.success(), "{}", stderr(&removed));
        let after_remove = read(&aws_config);
        assert!(
            after_remove == *original || after_remove == format!("{original}\n"),
            "add then remove did not give the file back: {original:?} became {after_remove:?}"
        );
        let paths: Vec<PathBuf> = [original.as_str(), &after_add, &after_remove]
            .iter()
            .enumerate()
            .map(|(n, text)| write_copy(&dir, &format!("{i}-{n}"), text))
            .collect();
        let [before, with_ours, after] = &botocore_reads(&paths)[..] else {
            panic!("botocore read three files");
        };
        let mut others = with_ours.clone();
        if let Some(sections) = others.as_object_mut() {
            let ours = sections
                .remove(&format!("profile {PROFILE}"))
                .unwrap_or_else(|| panic!("botocore does not see the profile in {after_add:?}"));
            assert!(ours["credential_process"].is_string(), "{ours}");
        }
        assert_eq!(
            &others, before,
            "other profiles read differently after add: {original:?}"
        );
        assert_eq!(
            after, before,
            "profiles read differently after remove: {original:?}"
        );
        compared += 1;
    }
    // The rest: files botocore cannot read, files with a lone carriage return, and at most three
    // that hold a profile of that name fedaws did not write (`[profile  fedaws-it ]`).
    assert!(
        compared + refused_unreadable + refused_carriage_return + 3 >= inputs.len(),
        "only {compared} of {} configs took the profile",
        inputs.len()
    );
    assert!(refused_unreadable >= 2 && refused_carriage_return >= 1);
    broker.finish(&[&sts]);
}

/// Lines of the kinds botocore's reading tells apart: headers (good, empty, doubled, after a
/// byte-order mark), keys (doubled in another case, with `:`, with no name), nested blocks with
/// and without `=`, comments, indents, Python's own whitespace and line breaks.
const FRAGMENTS: &[&str] = &[
    "[a]",
    "[b]",
    "[DEFAULT]",
    "[profile x]",
    "[]",
    "[a] z",
    " [a]",
    "x = 1",
    "X = 2",
    "y: 3",
    "= 4",
    "junk",
    "s3 =",
    "  k = v",
    "  nokey",
    "\tk = v",
    "",
    "  ",
    "# c",
    "; c",
    "  # c",
    "\u{feff}[a]",
    "[a]]",
    "[[a]",
    "a=b=c",
    "\u{1c}",
    "\u{1c}k = v",
    "k\u{1c}= v",
    "  \u{0b}k = v",
    "\u{2028}",
    "x=",
    "  x =",
    "\u{a0}x = 1",
];

#[test]
fn fedaws_reads_files_as_botocore_does() {
    // 3,000 files of 1 to 7 such lines, each ended by `\n`, `\r\n` or `\r` (Python reads all
    // three as line ends), some without a last line end; the same every run.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % n as u64).expect("small")
    };
    let mut texts = Vec::new();
    let mut paths = Vec::new();
    for i in 0..3000 {
        let mut text = String::new();
        for _ in 0..=next(7) {
            text.push_str(FRAGMENTS[next(FRAGMENTS.len())]);
            text.push_str(["\n", "\r\n", "\r"][next(3)]);
        }
        if next(5) == 0 {
            text = text.trim_end_matches(['\r', '\n']).to_string();
        }
        paths.push(write_copy(dir.path(), &format!("{i:04}"), &text));
        texts.push(text);
    }
    let said = botocore_reads(&paths);
    let values = botocore_values(&paths);
    assert_eq!((said.len(), values.len()), (texts.len(), texts.len()));
    let mut readable = 0;
    for ((text, botocore), raw) in texts.iter().zip(&said).zip(&values) {
        let refused = botocore.get("error").is_some();
        let read = fedaws::aws_config::botocore::read(text);
        assert_eq!(
            read.is_err(),
            refused,
            "botocore {} {text:?}; fedaws reads {read:?}",
            if refused { "refuses" } else { "reads" }
        );
        // Every section, key and value, as configparser gives them to botocore.
        if let Ok(read) = read {
            let mine: serde_json::Map<String, serde_json::Value> = read
                .sections
                .iter()
                .map(|(name, keys)| {
                    let keys: serde_json::Map<String, serde_json::Value> = keys
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str())))
                        .collect();
                    (name.clone(), serde_json::Value::Object(keys))
                })
                .collect();
            assert_eq!(&serde_json::Value::Object(mine), raw, "{text:?}");
        }
        readable += usize::from(!refused);
    }
    // Both kinds, in numbers: the comparison is not one-sided.
    assert!((300..2700).contains(&readable), "{readable} of 3000 read");
}
