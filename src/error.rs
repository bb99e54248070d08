//! The one place where an error becomes a message and an exit code.
//!
//! Domain modules return `thiserror` types that say what happened and know nothing of exit
//! codes; commands wrap them in `anyhow` with context. Here, and only here, the chain is walked
//! and each known type is mapped to its family ([`exit_of`]), so scripts can tell a typo in the
//! config (3) from an AWS refusal (5) without parsing text. A table test holds every documented
//! code to an error that gives it.

use std::io::Write;

use crate::exit::{Exit, UserError, is_interrupted};

/// The exit code for an error chain: the first error in it of a known type, else `Failure`.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    if is_interrupted(err) {
        return Exit::Cancelled;
    }
    err.chain().find_map(exit_of).unwrap_or(Exit::Failure)
}

/// The family of one error, when it is of a type fedaws knows: the whole mapping.
pub fn exit_of(e: &(dyn std::error::Error + 'static)) -> Option<Exit> {
    use crate::config::ConfigError;
    use crate::issue::plan::PlanError;
    use crate::sts::StsError;
    if let Some(e) = e.downcast_ref::<UserError>() {
        return Some(e.exit());
    }
    if e.is::<crate::config::NotFound>()
        || e.is::<crate::issue::mfa::ProcessError>()
        || e.is::<crate::issue::mfa::NoTerminal>()
        || e.is::<crate::identity::Nameless>()
        || e.is::<crate::aws_config::ProfileError>()
    {
        return Some(Exit::Usage);
    }
    if let Some(e) = e.downcast_ref::<PlanError>() {
        return Some(match e {
            PlanError::Request(_) | PlanError::Code(_) => Exit::Usage,
            PlanError::Connector(_) => Exit::Config,
        });
    }
    if e.is::<ConfigError>()
        || e.is::<crate::trust::Untrusted>()
        || e.is::<crate::fsutil::EnsureError>()
    {
        return Some(Exit::Config);
    }
    if e.is::<crate::authz::Denied>() {
        return Some(Exit::Denied);
    }
    if let Some(e) = e.downcast_ref::<crate::secret::ChoiceError>() {
        return Some(match e {
            crate::secret::ChoiceError::Setting(_) => Exit::Config,
        });
    }
    if e.is::<crate::secret::StoreError>() {
        return Some(Exit::SecretStore);
    }
    if let Some(e) = e.downcast_ref::<StsError>() {
        return Some(match e {
            StsError::Aws { .. } | StsError::Malformed { .. } => Exit::Aws,
            StsError::Network { .. } => Exit::Network,
            StsError::Other(_) => Exit::Failure,
        });
    }
    if let Some(e) = e.downcast_ref::<crate::console::ConsoleError>() {
        return Some(match e {
            crate::console::ConsoleError::Network { .. } => Exit::Network,
            crate::console::ConsoleError::Refused { .. } => Exit::Aws,
        });
    }
    if let Some(e) = e.downcast_ref::<crate::rotate::IamError>() {
        // AWS answered with an error code, or never answered.
        return Some(if e.code.is_some() {
            Exit::Aws
        } else {
            Exit::Network
        });
    }
    if e.is::<crate::prompt::Cancelled>() {
        return Some(Exit::Cancelled);
    }
    if e.is::<crate::issue::cache::LockTimeout>() {
        return Some(Exit::Failure);
    }
    if e.is::<crate::broker::client::Unreachable>() {
        return Some(Exit::Unreachable);
    }
    if let Some(e) = e.downcast_ref::<crate::broker::client::Refused>() {
        return Some(e.exit);
    }
    None
}

/// Print the error chain to stderr as `fedaws: outer: inner`, one cause per line when long.
pub fn report(err: &anyhow::Error, stderr: &mut dyn Write) {
    if is_interrupted(err) {
        let _ = writeln!(stderr, "fedaws: {}", crate::prompt::Cancelled);
        return;
    }
    let mut text = format!("fedaws: error: {err}");
    for cause in err.chain().skip(1) {
        text.push_str(&format!("\n  caused by: {cause}"));
    }
    let _ = writeln!(stderr, "{}", crate::output::escape_controls(&text));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigError;
    use crate::secret::{Backend, StoreError};
    use crate::sts::StsError;

    /// Every documented code, each with errors that must give it.
    #[test]
    fn every_exit_code_has_its_errors() {
        let interrupted = std::io::Error::from(std::io::ErrorKind::Interrupted);
        let table: Vec<(Exit, Vec<anyhow::Error>)> = vec![
            (
                Exit::Failure,
                vec![
                    UserError::failure("x").into(),
                    anyhow::anyhow!("an error fedaws does not know"),
                    StsError::Other("x".into()).into(),
                    crate::issue::cache::LockTimeout {
                        connector: "c".into(),
                        waited: std::time::Duration::from_secs(1),
                        path: "/l".into(),
                    }
                    .into(),
                ],
            ),
            (
                Exit::Usage,
                vec![
                    UserError::usage("x").into(),
                    crate::config::NotFound {
                        what: "connector".into(),
                        name: "x".into(),
                        message: "x".into(),
                    }
                    .into(),
                    crate::issue::plan::PlanError::Request("x".into()).into(),
                    crate::issue::plan::PlanError::Code("x".into()).into(),
                    crate::issue::mfa::ProcessError {
                        account: "a".into(),
                        what: "exited 1".into(),
                        stderr: String::new(),
                    }
                    .into(),
                    crate::issue::mfa::NoTerminal { serial: "s".into() }.into(),
                    crate::identity::Nameless.into(),
                    crate::aws_config::ProfileError("x".into()).into(),
                ],
            ),
            (
                Exit::Config,
                vec![
                    UserError::config("x").into(),
                    crate::secret::ChoiceError::Setting("x".into()).into(),
                    crate::issue::plan::PlanError::Connector("x".into()).into(),
                    ConfigError::NotFound {
                        path: "/c".into(),
                        also: String::new(),
                    }
                    .into(),
                    crate::fsutil::EnsureError::Create {
                        dir: "/s".into(),
                        source: std::io::Error::other("x"),
                    }
                    .into(),
                    crate::trust::Untrusted {
                        role: crate::trust::Role::Config,
                        path: "/c".into(),
                        culprit: "/c".into(),
                        owner: "x".into(),
                        mode: 0o666,
                        flaw: crate::trust::Flaw::Writable,
                    }
                    .into(),
                ],
            ),
            (
                Exit::Denied,
                vec![
                    crate::authz::Denied {
                        connector: None,
                        message: "x".into(),
                    }
                    .into(),
                ],
            ),
            (
                Exit::Aws,
                vec![
                    StsError::Aws {
                        api: "AssumeRole",
                        code: "AccessDenied".into(),
                        message: String::new(),
                        explanation: "x".into(),
                    }
                    .into(),
                    StsError::Malformed {
                        what: "x".into(),
                        endpoint: "e".into(),
                    }
                    .into(),
                    crate::console::ConsoleError::Refused {
                        endpoint: "e".into(),
                        status: 403,
                        hint: String::new(),
                    }
                    .into(),
                ],
            ),
            (
                Exit::Network,
                vec![
                    StsError::Network {
                        explanation: "x".into(),
                    }
                    .into(),
                    crate::console::ConsoleError::Network {
                        endpoint: "e".into(),
                        detail: "x".into(),
                    }
                    .into(),
                ],
            ),
            (
                Exit::SecretStore,
                vec![
                    StoreError::Unavailable {
                        backend: Backend::Keyutils,
                        reason: "x".into(),
                        hint: "x".into(),
                    }
                    .into(),
                ],
            ),
            (
                Exit::Unreachable,
                vec![
                    crate::broker::client::Unreachable {
                        path: "/run/fedaws/broker.sock".into(),
                        reason: "x".into(),
                    }
                    .into(),
                ],
            ),
            (
                Exit::Denied,
                vec![
                    crate::broker::client::Refused {
                        exit: Exit::Denied,
                        message: "x".into(),
                        mfa_serial: None,
                    }
                    .into(),
                ],
            ),
            (
                Exit::Cancelled,
                vec![crate::prompt::Cancelled.into(), interrupted.into()],
            ),
        ];
        for (exit, errors) in table {
            for e in errors {
                assert_eq!(exit_for(&e), exit, "{e:#}");
                // The family survives the context commands add.
                let wrapped = e.context("while doing something");
                assert_eq!(exit_for(&wrapped), exit, "{wrapped:#}");
            }
        }
    }

    /// The README's table lists exactly the codes there are.
    #[test]
    fn the_readme_documents_every_code() {
        let readme = include_str!("../README.md");
        let table = &readme[readme.find("## Exit codes").expect("an exit code section")..];
        let documented: Vec<u8> = table
            .lines()
            .skip(4)
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| {
                l.trim_start_matches('|')
                    .split('|')
                    .next()?
                    .trim()
                    .parse::<u8>()
                    .ok()
            })
            .collect();
        assert_eq!(documented, Exit::ALL.map(|e| e as u8));
    }
}
