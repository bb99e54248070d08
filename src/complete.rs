//! Dynamic shell completion (clap_complete's `CompleteEnv`): with `COMPLETE=SHELL` in the
//! environment, fedaws prints the shell's registration script, or, called back by the shell,
//! the candidates for the word being completed, and exits before doing anything else. Names
//! come from the config (or, for a user without one, from the broker): connectors, accounts
//! and groups; profiles from `~/.aws/config`. Nothing is printed on a failure: a config that
//! does not load, a broker that does not answer, offer no names.

use std::ffi::OsStr;

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use crate::cli::{Cli, Global};
use crate::config::{self, Config, Depth};

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A connector.
    Connector,
    /// An account.
    Account,
    /// A group.
    Group,
    /// A profile fedaws wrote into `~/.aws/config`.
    Profile,
}

/// Which argument of which subcommand takes which kind of name.
pub const NAMES: &[(&[&str], &str, Kind)] = &[
    (&["creds"], "connector", Kind::Connector),
    (&["exec"], "connector", Kind::Connector),
    (&["serve"], "connector", Kind::Connector),
    (&["console"], "connector", Kind::Connector),
    (&["aws-profile", "add"], "connector", Kind::Connector),
    (&["aws-profile", "remove"], "profile", Kind::Profile),
    (&["connector", "show"], "name", Kind::Connector),
    (&["connector", "edit"], "name", Kind::Connector),
    (&["connector", "remove"], "name", Kind::Connector),
    (&["connector", "add"], "account", Kind::Account),
    (&["connector", "edit"], "account", Kind::Account),
    (&["connector", "add"], "groups", Kind::Group),
    (&["connector", "edit"], "groups", Kind::Group),
    (&["account", "show"], "name", Kind::Account),
    (&["account", "edit"], "name", Kind::Account),
    (&["account", "remove"], "name", Kind::Account),
    (&["account", "rotate"], "name", Kind::Account),
    (&["group", "remove"], "name", Kind::Group),
    (&["group", "add-member"], "group", Kind::Group),
    (&["group", "remove-member"], "group", Kind::Group),
    (&["cache", "list"], "connector", Kind::Connector),
    (&["cache", "clear"], "connector", Kind::Connector),
    (&["audit"], "connector", Kind::Connector),
];

/// Answer the shell and exit, when it is the shell asking (`COMPLETE` is set).
pub fn answer_the_shell() {
    clap_complete::CompleteEnv::with_factory(command).complete();
}

/// The command line with a name completer on every argument of [`NAMES`].
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    // Built first, so that the positional arguments keep their places when one is changed.
    cmd.build();
    for (path, arg, kind) in NAMES {
        cmd = with_completer(cmd, path, arg, *kind);
    }
    cmd
}

fn with_completer(cmd: clap::Command, path: &[&str], arg: &str, kind: Kind) -> clap::Command {
    match path.split_first() {
        None => cmd.mut_arg(arg, |a| {
            a.add(ArgValueCompleter::new(move |current: &OsStr| {
                candidates(kind, current)
            }))
        }),
        Some((first, rest)) => {
            cmd.mut_subcommand(*first, |sub| with_completer(sub, rest, arg, kind))
        }
    }
}

/// The names of `kind` that start with `current`.
fn candidates(kind: Kind, current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    names(kind)
        .into_iter()
        .filter(|n| n.starts_with(current.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// Every name of `kind`: from the config `--config`/`FEDAWS_CONFIG` or the default place names,
/// else from the broker the user's commands would go through.
pub fn names(kind: Kind) -> Vec<String> {
    if kind == Kind::Profile {
        return profiles();
    }
    let global = Global {
        config: std::env::var_os("FEDAWS_CONFIG").map(Into::into),
        keyring: None,
        broker: std::env::var_os("FEDAWS_BROKER").map(Into::into),
        no_input: true,
        verbose: 0,
        quiet: true,
    };
    let location = config::locate(global.config.as_deref());
    if let Some(broker) = crate::context::choose_broker(&global, &location) {
        return from_broker(&broker, kind);
    }
    let Ok(config) = Config::load(&location, Depth::Shallow) else {
        return Vec::new();
    };
    match kind {
        Kind::Connector => config.connectors.keys().cloned().collect(),
        Kind::Account => config.accounts.keys().cloned().collect(),
        Kind::Group => config.groups.keys().cloned().collect(),
        Kind::Profile => Vec::new(),
    }
}

/// The names the broker lists for this user (accounts and groups for administrators only).
fn from_broker(broker: &crate::broker::client::Broker, kind: Kind) -> Vec<String> {
    let what = match kind {
        Kind::Connector => "connector",
        Kind::Account => "account",
        Kind::Group => "group",
        Kind::Profile => return Vec::new(),
    };
    let body = crate::broker::protocol::RunBody {
        args: vec![what.into(), "list".into(), "--json".into()],
        stdin: None,
        terminal: false,
        replies: None,
    };
    let Ok(answer) =
        broker.post::<crate::broker::protocol::RunAnswer>(crate::broker::protocol::RUN, &body)
    else {
        return Vec::new();
    };
    let listed: serde_json::Value = serde_json::from_str(&answer.stdout).unwrap_or_default();
    listed
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["name"].as_str().map(str::to_string))
        .collect()
}

/// The profiles of `~/.aws/config` whose `credential_process` runs fedaws.
fn profiles() -> Vec<String> {
    let Ok(path) = crate::aws_config::aws_config_path() else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    crate::aws_config::fedaws_profiles(&text)
        .into_iter()
        .map(|p| p.profile)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (subcommand, argument) of [`NAMES`] exists, so a renamed one cannot lose its
    /// completion unnoticed.
    #[test]
    fn every_named_argument_exists() {
        let cmd = Cli::command();
        for (path, arg, _) in NAMES {
            let mut sub = &cmd;
            for p in *path {
                sub = sub
                    .find_subcommand(p)
                    .unwrap_or_else(|| panic!("no subcommand {path:?}"));
            }
            assert!(
                sub.get_arguments().any(|a| a.get_id() == *arg),
                "{path:?} has no argument `{arg}`"
            );
        }
        command().debug_assert();
    }
}
