//! Where each command runs when commands go through a broker ([`placement`]), who may do what
//! there, what they are told when they may not, and what the audit log says they did: decided
//! from the parsed command and the config, never from the text of a command line.
//!
//! Callers who are not administrators learn nothing from a refusal: a connector they may not use
//! and one that does not exist get the same answer and exit code ([`outsider`]), without group
//! names or the names of other connectors; `fedaws whoami` tells them what they may use.

use crate::authz::{Denied, Identity};
use crate::cli::{
    AccountCommand, CacheCommand, Command, ConnectorCommand, ConnectorFields, GroupCommand,
    KeySource,
};
use crate::config::{Config, NotFound};
use crate::exit::UserError;

/// Where a command runs when commands go through a broker, and for whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In the broker, for anyone: it shows (or clears) the caller's own things.
    Anyone,
    /// In the broker, for administrators: it reads the config or the accounts.
    Admin,
    /// In the broker, for administrators: it changes the config or the accounts (audited, then
    /// reloaded).
    AdminChange,
    /// On the caller's side: those that need credentials ask the broker for them.
    Client,
}

/// Where `command` runs when commands go through a broker: the one answer the client (which
/// sends it or runs it) and the broker (which runs it, or refuses) both ask.
pub fn placement(command: &Command) -> Placement {
    match command {
        Command::Whoami(_) | Command::Cache(_) | Command::Audit(_) => Placement::Anyone,
        Command::Connector(ConnectorCommand::List(_) | ConnectorCommand::Show(_)) => {
            Placement::Anyone
        }
        Command::Account(AccountCommand::List(_) | AccountCommand::Show(_))
        | Command::Group(GroupCommand::List(_))
        | Command::Check(_) => Placement::Admin,
        Command::Account(_) | Command::Connector(_) | Command::Group(_) => Placement::AdminChange,
        _ => Placement::Client,
    }
}

/// Why a command may not run in the broker as given, if it may not: it names something the
/// broker would run or read as its own user (an account's `mfa_process`, a connector's
/// `policy_file`), which would give an administrator the service user's reach, the keys of
/// every account included. Those are set in the config file by whoever owns it.
pub fn not_for_peers(command: &Command) -> Option<&'static str> {
    const MFA_PROCESS: &str = "--mfa-process is not taken through a broker (the broker would run it as its own user, which can read every account's keys): set mfa_process in the broker's config file";
    const POLICY_FILE: &str = "--policy-file is not taken through a broker (the broker would read the file as its own user): give the policy with --policy, or set policy_file in the broker's config file";
    const KEY_SOURCE: &str = "--from-env and --from-aws-profile are read where fedaws runs: through a broker, the client reads them and sends the key pair with --secret-stdin";
    let elsewhere = |k: &KeySource| k.from_env || k.from_aws_profile.is_some();
    match command {
        Command::Account(AccountCommand::Add(a)) if elsewhere(&a.source) => Some(KEY_SOURCE),
        Command::Account(AccountCommand::Edit(a)) if elsewhere(&a.source) => Some(KEY_SOURCE),
        Command::Account(AccountCommand::Add(a)) if a.mfa_process.is_some() => Some(MFA_PROCESS),
        Command::Account(AccountCommand::Edit(a)) if a.mfa_process.is_some() => Some(MFA_PROCESS),
        Command::Connector(ConnectorCommand::Add(c)) if c.fields.policy_file.is_some() => {
            Some(POLICY_FILE)
        }
        Command::Connector(ConnectorCommand::Edit(c)) if c.fields.policy_file.is_some() => {
            Some(POLICY_FILE)
        }
        _ => None,
    }
}

/// The most characters of one name an audit line keeps (names fedaws checks are at most 64; a
/// user name it does not check could be longer).
const NAME_CHARS: usize = 64;

/// The words of a command: its subcommand words (`group add-member`).
pub fn command_words(command: &Command) -> &'static str {
    match command {
        Command::Init(_) => "init",
        Command::Account(a) => match a {
            AccountCommand::Add(_) => "account add",
            AccountCommand::Edit(_) => "account edit",
            AccountCommand::Remove(_) => "account remove",
            AccountCommand::List(_) => "account list",
            AccountCommand::Show(_) => "account show",
            AccountCommand::Rotate(_) => "account rotate",
        },
        Command::Connector(c) => match c {
            ConnectorCommand::Add(_) => "connector add",
            ConnectorCommand::Edit(_) => "connector edit",
            ConnectorCommand::Remove(_) => "connector remove",
            ConnectorCommand::List(_) => "connector list",
            ConnectorCommand::Show(_) => "connector show",
        },
        Command::Group(g) => match g {
            GroupCommand::Add(_) => "group add",
            GroupCommand::Remove(_) => "group remove",
            GroupCommand::List(_) => "group list",
            GroupCommand::AddMember(_) => "group add-member",
            GroupCommand::RemoveMember(_) => "group remove-member",
        },
        Command::Policy(_) => "policy",
        Command::Creds(_) => "creds",
        Command::Exec(_) => "exec",
        Command::AwsProfile(_) => "aws-profile",
        Command::Cache(CacheCommand::List(_)) => "cache list",
        Command::Cache(CacheCommand::Clear(_)) => "cache clear",
        Command::Console(_) => "console",
        Command::Serve(_) => "serve",
        Command::Whoami(_) => "whoami",
        Command::Audit(_) => "audit",
        Command::Check(_) => "check",
        Command::Completions(_) => "completions",
        Command::Broker(_) => "broker run",
    }
}

/// What the audit log says an administrative command did: its words, every name it was given
/// (the names it touches, and the names flags such as `--account`, `--group` and `--member`
/// carry), and the other flags it was given by name only, never their values, which may be
/// secrets (`--mfa-process`) or long (`--policy`).
pub fn action(command: &Command) -> String {
    let mut words = vec![command_words(command).to_string()];
    let mut name = |n: &str| words.push(crate::validate::shorten(n, NAME_CHARS));
    match command {
        Command::Account(a) => match a {
            AccountCommand::Add(a) => {
                name(&a.name);
                flags(
                    &mut words,
                    &[
                        ("--kind", a.kind.is_some()),
                        ("--mfa-serial", a.mfa_serial.is_some()),
                        ("--mfa-process", a.mfa_process.is_some()),
                        ("--description", a.description.is_some()),
                    ],
                );
                key_source(&mut words, &a.source);
            }
            AccountCommand::Edit(a) => {
                name(&a.name);
                flags(
                    &mut words,
                    &[
                        ("--kind", a.kind.is_some()),
                        ("--mfa-serial", a.mfa_serial.is_some()),
                        ("--mfa-process", a.mfa_process.is_some()),
                        ("--description", a.description.is_some()),
                        ("--rotate", a.rotate),
                    ],
                );
                named(&mut words, "--unset", &a.unset);
                key_source(&mut words, &a.source);
            }
            AccountCommand::Remove(r) => {
                name(&r.name);
                flags(&mut words, &[("--force", r.force)]);
            }
            AccountCommand::Show(s) => name(&s.name),
            AccountCommand::Rotate(r) => {
                name(&r.name);
                flags(
                    &mut words,
                    &[("--keep-old", r.keep_old), ("--force", r.force)],
                );
            }
            AccountCommand::List(_) => {}
        },
        Command::Connector(c) => match c {
            ConnectorCommand::Add(c) => {
                if let Some(n) = &c.name {
                    name(n);
                }
                fields(&mut words, &c.fields);
            }
            ConnectorCommand::Edit(c) => {
                name(&c.name);
                fields(&mut words, &c.fields);
                named(&mut words, "--unset", &c.unset);
            }
            ConnectorCommand::Remove(c) => name(&c.name),
            ConnectorCommand::Show(s) => name(&s.name),
            ConnectorCommand::List(_) => {}
        },
        Command::Group(g) => match g {
            GroupCommand::Add(g) => {
                name(&g.name);
                named(&mut words, "--member", &g.members);
            }
            GroupCommand::Remove(r) => {
                name(&r.name);
                flags(&mut words, &[("--force", r.force)]);
            }
            GroupCommand::AddMember(m) | GroupCommand::RemoveMember(m) => {
                name(&m.group);
                for user in &m.users {
                    name(user);
                }
            }
            GroupCommand::List(_) => {}
        },
        _ => {}
    }
    words.join(" ")
}

/// The flags of a connector's fields: the account and groups with their names, the rest by name.
fn fields(words: &mut Vec<String>, f: &ConnectorFields) {
    named(words, "--account", f.account.iter());
    named(words, "--group", &f.groups);
    flags(
        words,
        &[
            ("--principal", f.principal.is_some()),
            ("--role-arn", f.role_arn.is_some()),
            ("--external-id", f.external_id.is_some()),
            ("--policy", f.policy.is_some()),
            ("--policy-file", f.policy_file.is_some()),
            ("--policy-arn", !f.policy_arns.is_empty()),
            ("--max-duration", f.max_duration.is_some()),
            ("--system-scope", f.system_scope.is_some()),
            ("--region", f.region.is_some()),
            ("--description", f.description.is_some()),
            ("--session-tag", !f.session_tags.is_empty()),
            ("--source-identity", f.source_identity.is_some()),
        ],
    );
}

fn key_source(words: &mut Vec<String>, k: &KeySource) {
    flags(
        words,
        &[
            ("--secret-stdin", k.secret_stdin),
            ("--from-env", k.from_env),
            ("--from-aws-profile", k.from_aws_profile.is_some()),
        ],
    );
}

/// `flag NAME` for each of `names`.
fn named<'a>(words: &mut Vec<String>, flag: &str, names: impl IntoIterator<Item = &'a String>) {
    for n in names {
        words.push(format!(
            "{flag} {}",
            crate::validate::shorten(n, NAME_CHARS)
        ));
    }
}

/// Each flag that was given, by name.
fn flags(words: &mut Vec<String>, given: &[(&str, bool)]) {
    words.extend(
        given
            .iter()
            .filter(|(_, on)| *on)
            .map(|(flag, _)| flag.to_string()),
    );
}

/// Whether `id` is an outsider to connector `name`: not an administrator, and either there is
/// no such connector or they may not use it (as themselves; a member refused only as a
/// `--system` caller is told why, since they know the connector).
pub fn is_outsider(config: &Config, id: &Identity, name: &str) -> bool {
    if id.admin(config).is_some() {
        return false;
    }
    let as_themselves = Identity {
        system: false,
        ..id.clone()
    };
    config
        .connectors
        .get(name)
        .is_none_or(|c| crate::authz::decide(config, name, c, &as_themselves).is_err())
}

/// The refusal an outsider gets for connector `name`, whether it exists or not: no group, no
/// other connector's name but one they may use that looks like a typo of it.
pub fn outsider(config: &Config, id: &Identity, name: &str) -> Denied {
    let usable = config.connectors.iter().filter(|(n, c)| {
        crate::authz::decide(
            config,
            n,
            c,
            &Identity {
                system: false,
                ..id.clone()
            },
        )
        .is_ok()
    });
    let typo = crate::config::did_you_mean(name, usable.map(|(n, _)| n.as_str()))
        .map(|n| format!("; did you mean `{n}`?"))
        .unwrap_or_default();
    Denied {
        connector: Some(name.to_string()),
        message: outsider_message(&id.user, name, &typo),
    }
}

/// What an outsider reads of a refusal of connector `name` (`typo`: a suggestion, or nothing).
pub fn outsider_message(user: &str, name: &str, typo: &str) -> String {
    format!(
        "{user} may not use a connector named `{}`: there is none by that name that you may use{typo}; `fedaws whoami -v` lists the connectors you may use and why",
        crate::output::escape_all(name)
    )
}

/// `error` as a caller who is not an administrator may see it: a refusal of, or a search for, a
/// connector they are an outsider to becomes [`outsider`]; any other name not found is reported
/// without the names that exist ("did you mean", "existing: …").
pub fn for_peer(error: anyhow::Error, config: &Config, id: &Identity) -> anyhow::Error {
    if id.admin(config).is_some() {
        return error;
    }
    let about = error.chain().find_map(|e| {
        if let Some(d) = e.downcast_ref::<Denied>() {
            return d.connector.clone();
        }
        e.downcast_ref::<NotFound>()
            .filter(|n| n.what == "connector")
            .map(|n| n.name.clone())
    });
    if let Some(name) = about
        && is_outsider(config, id, &name)
    {
        return outsider(config, id, &name).into();
    }
    if let Some(missing) = error.chain().find_map(|e| e.downcast_ref::<NotFound>()) {
        let what = missing.message.split(';').next().unwrap_or_default();
        return UserError::usage(format!(
            "{what}; `fedaws whoami -v` lists the connectors you may use"
        ))
        .into();
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::parsed;

    #[test]
    fn an_action_names_every_word_and_name_and_no_value() {
        assert_eq!(
            action(&parsed(
                "--broker /s account add prod --mfa-process seed --secret-stdin"
            )),
            "account add prod --mfa-process --secret-stdin"
        );
        assert_eq!(
            action(&parsed(
                "-v --config=/c connector add c2 --account a --group g1 --group g2 --external-id s3cret"
            )),
            "connector add c2 --account a --group g1 --group g2 --external-id"
        );
        // Options before the command's words, and more names than four.
        assert_eq!(
            action(&parsed("group -v add-member ops alice mallory eve")),
            "group add-member ops alice mallory eve"
        );
        assert_eq!(
            action(&parsed("connector edit c --unset groups --policy {}")),
            "connector edit c --policy --unset groups"
        );
        // No request makes a long audit line of one name.
        let long = format!("group add-member dev {}", "a".repeat(60_000));
        let action = action(&parsed(&long));
        assert!(action.chars().count() < 100, "{action}");
    }

    const CONFIG: &str = r#"
[settings]
admins = ["boss"]

[accounts.a]

[connectors.open]
account = "a"
principal = "iam-user"
groups = ["dev"]

[connectors.prod-admin-secret]
account = "a"
principal = "iam-user"
groups = ["opsadmins"]

[groups]
dev = ["carol"]
opsadmins = ["dave"]
"#;

    fn config() -> Config {
        Config::from_text(
            std::path::Path::new("c.toml"),
            CONFIG,
            crate::config::Depth::Shallow,
        )
        .expect("the test config")
    }

    fn who(user: &str) -> Identity {
        Identity {
            user: user.into(),
            uid: 1000,
            os_groups: Vec::new(),
            system: false,
        }
    }

    #[test]
    fn outsiders_cannot_tell_a_refusal_from_a_name_that_does_not_exist() {
        let config = config();
        let carol = who("carol");
        let refused = config
            .connector("prod-admin-secret")
            .map_err(anyhow::Error::from)
            .and_then(|c| {
                Ok(crate::authz::decide(
                    &config,
                    "prod-admin-secret",
                    c,
                    &carol,
                )?)
            })
            .unwrap_err();
        let missing: anyhow::Error = config.connector("prod-admin-secrex").unwrap_err().into();
        let (refused, missing) = (
            for_peer(refused, &config, &carol),
            for_peer(missing, &config, &carol),
        );
        assert_eq!(
            crate::error::exit_for(&refused),
            crate::error::exit_for(&missing)
        );
        assert_eq!(
            refused.to_string().replace("prod-admin-secret", "NAME"),
            missing.to_string().replace("prod-admin-secrex", "NAME"),
        );
        for text in [refused.to_string(), missing.to_string()] {
            assert!(
                !text.contains("opsadmins") && !text.contains("dev"),
                "{text}"
            );
        }
        // A typo of a connector they may use is pointed out.
        let typo: anyhow::Error = config.connector("opne").unwrap_err().into();
        assert!(
            for_peer(typo, &config, &carol)
                .to_string()
                .contains("did you mean `open`"),
        );
        // An administrator is told everything.
        let boss = who("boss");
        let missing: anyhow::Error = config.connector("prod-admin-secrex").unwrap_err().into();
        assert!(
            for_peer(missing, &config, &boss)
                .to_string()
                .contains("did you mean `prod-admin-secret`")
        );
    }
}
