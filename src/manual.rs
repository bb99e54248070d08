//! The manual: examples for every command, shown at the end of its `--help` (and `fedaws help
//! COMMAND`) and as the EXAMPLES section of its man page; and the man pages themselves, one per
//! command, rendered with clap_mangen (`scripts/gen-man` writes them into `man/`).

use clap::CommandFactory;
use clap_mangen::roff::{Roff, roman};

use crate::cli::Cli;

/// Each command (by its words after `fedaws`) and its examples: a command line and what it
/// does.
pub const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "",
        &[
            (
                "fedaws init",
                "create the config, with a dialog on a terminal",
            ),
            (
                "fedaws account add deployer",
                "store an IAM user's key pair (asked, hidden)",
            ),
            (
                "fedaws connector add deployer-ro --account deployer --principal federated-user --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess",
                "a recipe for read-only credentials",
            ),
            (
                "eval \"$(fedaws creds deployer-ro -f env)\"",
                "temporary credentials in this shell",
            ),
            (
                "fedaws aws-profile add deployer-ro",
                "let the AWS CLI and SDKs fetch them (credential_process)",
            ),
        ],
    ),
    (
        "init",
        &[
            ("fedaws init", "a dialog on a terminal"),
            (
                "fedaws init --store keyutils --region eu-central-1 --admin alice",
                "without questions",
            ),
        ],
    ),
    (
        "account",
        &[
            ("fedaws account list", "every account, its key's id and age"),
            (
                "fedaws account rotate deployer",
                "replace its access key through IAM",
            ),
        ],
    ),
    (
        "account add",
        &[
            (
                "printf '%s\\n%s\\n' \"$AKID\" \"$SECRET\" | fedaws account add deployer --secret-stdin",
                "the key pair on stdin, never in argv",
            ),
            (
                "fedaws account add ci --from-env",
                "from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            ),
            (
                "fedaws account add old --from-aws-profile old",
                "from ~/.aws/credentials",
            ),
        ],
    ),
    (
        "account edit",
        &[
            (
                "fedaws account edit deployer --mfa-serial arn:aws:iam::123456789012:mfa/deployer",
                "add an MFA device",
            ),
            (
                "fedaws account edit deployer --rotate --secret-stdin < keys.txt",
                "store a new key pair you made",
            ),
        ],
    ),
    (
        "account remove",
        &[
            (
                "fedaws account remove deployer",
                "refused while connectors use it",
            ),
            (
                "fedaws account remove deployer --force",
                "remove those connectors too",
            ),
        ],
    ),
    (
        "account list",
        &[
            ("fedaws account list", "a table"),
            (
                "fedaws account list --json | jq '.[] | select(.key_age_seconds > 7776000) | .name'",
                "accounts whose keys are older than 90 days",
            ),
        ],
    ),
    (
        "account show",
        &[
            (
                "fedaws account show deployer",
                "its settings, key id, age and store",
            ),
            ("fedaws account show deployer --json", "the same, as JSON"),
        ],
    ),
    (
        "account rotate",
        &[
            (
                "fedaws account rotate deployer",
                "new key, checked, stored; the old one deleted",
            ),
            (
                "fedaws account rotate deployer --keep-old",
                "leave the old key inactive instead",
            ),
            (
                "fedaws account rotate deployer --force",
                "delete a second key fedaws does not keep first",
            ),
        ],
    ),
    (
        "connector",
        &[
            ("fedaws connector list", "the connectors you may use"),
            (
                "fedaws connector show deployer-ro",
                "one, with who may use it",
            ),
        ],
    ),
    (
        "connector add",
        &[
            (
                "fedaws connector add deployer-ro --account deployer --principal federated-user --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess --group developers",
                "read-only, for one group",
            ),
            (
                "fedaws connector add deploy --account deployer --principal assume-role --role-arn arn:aws:iam::123456789012:role/Deploy --max-duration 1h",
                "a role",
            ),
            ("fedaws connector add", "a dialog on a terminal"),
        ],
    ),
    (
        "connector edit",
        &[
            (
                "fedaws connector edit deploy --max-duration 2h",
                "change one setting",
            ),
            (
                "fedaws connector edit deploy --group release --system-scope",
                "grant it, also to system jobs",
            ),
        ],
    ),
    (
        "connector remove",
        &[("fedaws connector remove deploy", "remove it")],
    ),
    (
        "connector list",
        &[
            ("fedaws connector list", "a table"),
            ("fedaws connector list --json", "as JSON"),
        ],
    ),
    (
        "connector show",
        &[
            ("fedaws connector show deploy", "its settings"),
            ("fedaws connector show deploy --json", "as JSON"),
        ],
    ),
    (
        "group",
        &[(
            "fedaws group list",
            "groups, members, and the connectors granted to them",
        )],
    ),
    (
        "group add",
        &[(
            "fedaws group add release --member alice --member bob",
            "a group of two",
        )],
    ),
    (
        "group remove",
        &[("fedaws group remove release", "remove it")],
    ),
    ("group list", &[("fedaws group list --json", "as JSON")]),
    (
        "group add-member",
        &[("fedaws group add-member release carol", "one more member")],
    ),
    (
        "group remove-member",
        &[("fedaws group remove-member release bob", "one fewer")],
    ),
    (
        "policy",
        &[("fedaws policy examples", "the example session policies")],
    ),
    (
        "policy examples",
        &[
            ("fedaws policy examples", "their names"),
            (
                "fedaws policy examples s3-read-only > policies/s3.json",
                "one, to start from",
            ),
        ],
    ),
    (
        "policy check",
        &[
            (
                "fedaws policy check policies/s3.json",
                "is it a valid session policy, and does it fit",
            ),
            ("cat policy.json | fedaws policy check -", "from stdin"),
        ],
    ),
    (
        "creds",
        &[
            ("fedaws creds deploy", "a table on a terminal"),
            ("eval \"$(fedaws creds deploy -f env)\"", "into this shell"),
            (
                "fedaws creds deploy --format json --duration 30m",
                "for credential_process, half an hour",
            ),
            (
                "fedaws creds nightly --system -f dotenv > .env",
                "for a job without a user session",
            ),
        ],
    ),
    (
        "exec",
        &[
            (
                "fedaws exec deploy -- terraform apply",
                "a command with the credentials in its environment",
            ),
            (
                "fedaws exec deploy --server -- ./long-job",
                "a job that outlives them, refreshed through a local server",
            ),
            ("fedaws exec deploy", "a shell"),
        ],
    ),
    (
        "aws-profile",
        &[(
            "fedaws aws-profile add deploy && aws s3 ls --profile deploy",
            "the AWS CLI through fedaws",
        )],
    ),
    (
        "aws-profile add",
        &[
            (
                "fedaws aws-profile add deploy",
                "profile `deploy` in ~/.aws/config",
            ),
            (
                "fedaws aws-profile add deploy --profile prod --region eu-central-1",
                "another name and region",
            ),
        ],
    ),
    (
        "aws-profile remove",
        &[(
            "fedaws aws-profile remove prod",
            "remove a profile fedaws wrote",
        )],
    ),
    (
        "cache",
        &[("fedaws cache list", "what is cached (no secrets)")],
    ),
    (
        "cache list",
        &[
            ("fedaws cache list", "this config's entries"),
            ("fedaws cache list --all --json", "every entry, as JSON"),
        ],
    ),
    (
        "cache clear",
        &[
            ("fedaws cache clear deploy", "one connector's"),
            ("fedaws cache clear --all", "everything"),
        ],
    ),
    (
        "console",
        &[
            (
                "fedaws console deploy",
                "print a sign-in URL for the AWS Management Console",
            ),
            (
                "fedaws console deploy --service s3 --open",
                "open S3's console in the browser",
            ),
        ],
    ),
    (
        "serve",
        &[
            (
                "fedaws serve deploy",
                "a local endpoint SDKs refresh from (AWS_CONTAINER_CREDENTIALS_FULL_URI)",
            ),
            (
                "eval \"$(setsid -f fedaws serve)\"",
                "your one server for every connector, at ${FEDAWS_SERVER}CONNECTOR",
            ),
            (
                "eval \"$(fedaws serve deploy)\"",
                "with that server running: this shell uses connector deploy on it",
            ),
            (
                "fedaws serve --imds deploy",
                "also the EC2 metadata service, IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT)",
            ),
        ],
    ),
    (
        "whoami",
        &[
            (
                "fedaws whoami",
                "you, your groups, the connectors you may use and why",
            ),
            ("fedaws whoami --system --json", "what a system job may use"),
        ],
    ),
    (
        "audit",
        &[
            ("fedaws audit --tail 20", "the last twenty events"),
            (
                "fedaws audit --connector deploy --since 1h --json",
                "one connector's last hour, as JSON lines",
            ),
        ],
    ),
    (
        "check",
        &[
            (
                "fedaws check",
                "config, files, secret store, key ages, AWS CLI profiles",
            ),
            ("fedaws check --json", "as JSON"),
        ],
    ),
    (
        "completions",
        &[
            (
                "fedaws completions bash > ~/.local/share/bash-completion/completions/fedaws",
                "static completion",
            ),
            (
                "source <(COMPLETE=bash fedaws)",
                "completion that knows your names (in ~/.bashrc)",
            ),
        ],
    ),
    (
        "broker",
        &[(
            "systemctl enable --now fedaws-broker.socket",
            "the broker of a shared host, started on first use",
        )],
    ),
    (
        "broker run",
        &[
            (
                "fedaws --config /etc/fedaws/config.toml broker run",
                "in the foreground, as its service user",
            ),
            (
                "fedaws broker run --socket /run/fedaws/broker.sock",
                "on another socket",
            ),
        ],
    ),
];

/// The examples of the command at `path` (its words after `fedaws`).
pub fn examples_of(path: &str) -> Option<&'static [(&'static str, &'static str)]> {
    EXAMPLES.iter().find(|(p, _)| *p == path).map(|(_, e)| *e)
}

/// The examples as the end of `--help`.
fn help_text(examples: &[(&str, &str)]) -> String {
    let mut text = String::from("Examples:\n");
    for (line, what) in examples {
        text.push_str(&format!("  {line}\n      {what}\n"));
    }
    text
}

/// The command line with every command's examples at the end of its help.
pub fn command() -> clap::Command {
    with_examples(Cli::command(), "")
}

fn with_examples(mut cmd: clap::Command, path: &str) -> clap::Command {
    if let Some(examples) = examples_of(path) {
        cmd = cmd.after_help(help_text(examples));
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| with_examples(sub, &sub_path));
    }
    cmd
}

/// Every man page: its file name (`fedaws-account-rotate.1`) and text, one per command.
pub fn pages() -> Vec<(String, Vec<u8>)> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    collect(&cmd, "", &mut out);
    out
}

fn collect(cmd: &clap::Command, path: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let name = if path.is_empty() {
        "fedaws".to_string()
    } else {
        format!("fedaws-{}", path.replace(' ', "-"))
    };
    // Rendered under its full name, as `man fedaws-account-rotate` finds it.
    let page_cmd = cmd
        .clone()
        .name(name.clone())
        .version(env!("CARGO_PKG_VERSION"))
        .bin_name(if path.is_empty() {
            "fedaws".to_string()
        } else {
            format!("fedaws {path}")
        });
    let man = clap_mangen::Man::new(page_cmd).date("");
    let mut text = Vec::new();
    let rendered = (|| -> std::io::Result<()> {
        man.render_title(&mut text)?;
        man.render_name_section(&mut text)?;
        man.render_synopsis_section(&mut text)?;
        man.render_description_section(&mut text)?;
        man.render_options_section(&mut text)?;
        if cmd.get_subcommands().any(|s| s.get_name() != "help") {
            man.render_subcommands_section(&mut text)?;
        }
        let mut roff = Roff::new();
        roff.control("SH", ["EXAMPLES"]);
        for (line, what) in examples_of(path).unwrap_or_default() {
            roff.control("TP", []);
            roff.control("B", [*line]);
            roff.text([roman(*what)]);
        }
        roff.control("SH", ["SEE ALSO"]);
        let parent = path.rsplit_once(' ').map_or_else(
            || "fedaws".to_string(),
            |(p, _)| format!("fedaws-{}", p.replace(' ', "-")),
        );
        if !path.is_empty() {
            roff.text([roman(format!("{parent}(1)"))]);
        } else {
            roff.text([roman(
                "The README of fedaws, and fedaws-COMMAND(1) for each command",
            )]);
        }
        roff.to_writer(&mut text)?;
        man.render_version_section(&mut text)
    })();
    rendered.expect("rendering into memory does not fail");
    out.push((format!("{name}.1"), text));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let sub_path = if path.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{path} {}", sub.get_name())
        };
        collect(sub, &sub_path, out);
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    /// Every command has examples, and every example belongs to a command.
    #[test]
    fn every_command_has_examples() {
        let pages = pages();
        for (name, text) in &pages {
            let text = String::from_utf8_lossy(text);
            assert!(text.contains(".SH EXAMPLES\n.TP"), "{name} has no example");
        }
        assert_eq!(
            pages.len(),
            EXAMPLES.len(),
            "a command without a page, or examples without a command"
        );
        let help = command().render_long_help().to_string();
        assert!(help.contains("Examples:"), "{help}");
    }

    /// `man/` holds exactly the pages the command line makes, as it makes them.
    #[test]
    fn man_pages_in_the_repository_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
        let mut stale = Vec::new();
        let pages = pages();
        for (name, text) in &pages {
            match std::fs::read(dir.join(name)) {
                Ok(kept) if kept == *text => {}
                Ok(_) => stale.push(format!("man/{name} differs")),
                Err(e) => stale.push(format!("man/{name} cannot be read ({e})")),
            }
        }
        for entry in std::fs::read_dir(&dir).expect("man/") {
            let name = entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            if !pages.iter().any(|(n, _)| *n == name) {
                stale.push(format!("man/{name} is no command's page"));
            }
        }
        assert!(
            stale.is_empty(),
            "{}\nregenerate them with scripts/gen-man",
            stale.join("\n")
        );
    }

    /// The examples that are one plain fedaws command line parse: their flags exist.
    #[test]
    fn examples_are_command_lines_fedaws_takes() {
        let mut checked = 0;
        for (path, examples) in EXAMPLES {
            for (line, _) in *examples {
                let plain = line.starts_with("fedaws ")
                    && !line.contains(['|', '>', '<', '$', '"', '\'', '&']);
                if !plain {
                    continue;
                }
                let words: Vec<&str> = line.split_whitespace().collect();
                if let Err(e) = Cli::try_parse_from(&words) {
                    // An example of a store another platform has (keyutils on Linux) is refused
                    // elsewhere for that reason alone.
                    if e.to_string().contains("not available on this platform") {
                        continue;
                    }
                    panic!("`{line}` (examples of `{path}`) does not parse: {e}");
                }
                checked += 1;
            }
        }
        assert!(checked > 40, "only {checked} examples checked");
    }
}
