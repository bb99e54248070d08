//! Exit codes, and the one place where an error becomes a message and a code.
//!
//! Domain modules return `thiserror` enums; commands wrap them in `anyhow` with context. Here the
//! chain is walked to find which family of failure it was, so scripts can tell a typo in the
//! config (3) from an AWS refusal (5) without parsing text.

use std::io::Write;

/// The documented exit codes of `fedaws`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything went as asked.
    Ok = 0,
    /// A failure that fits no other family.
    Failure = 1,
    /// The command line was wrong (also what clap uses).
    Usage = 2,
    /// The config file is missing, cannot be parsed, or breaks a rule.
    Config = 3,
    /// The caller may not use the connector.
    Denied = 4,
    /// AWS refused the request.
    Aws = 5,
    /// AWS could not be reached.
    Network = 6,
    /// The secret store could not be reached or holds no secret for an account.
    SecretStore = 7,
    /// The person cancelled a dialog (Esc or Ctrl-C); nothing was changed.
    Cancelled = 130,
}

impl Exit {
    /// The family's name, as the audit log records it.
    pub fn family(self) -> &'static str {
        match self {
            Exit::Ok => "ok",
            Exit::Failure => "failure",
            Exit::Usage => "usage",
            Exit::Config => "config",
            Exit::Denied => "denied",
            Exit::Aws => "aws",
            Exit::Network => "network",
            Exit::SecretStore => "secret-store",
            Exit::Cancelled => "cancelled",
        }
    }
}

/// An error that knows its exit code. Domain errors implement it so the mapping lives with them.
pub trait Categorized {
    /// The family this error belongs to.
    fn exit(&self) -> Exit;
}

/// A user error found by a command itself (a missing flag, a name that does not exist).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    /// What went wrong and how to fix it.
    pub message: String,
    /// The exit code it maps to.
    pub exit: Exit,
}

impl UserError {
    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            exit: Exit::Usage,
        }
    }

    /// A config error (exit 3).
    pub fn config(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            exit: Exit::Config,
        }
    }
}

impl Categorized for UserError {
    fn exit(&self) -> Exit {
        self.exit
    }
}

/// A child process ended: leave with its status, silently (`exec --server`).
#[derive(Debug, thiserror::Error)]
#[error("the command exited with status {0}")]
pub struct ChildExit(pub u8);

/// True when a prompt's read was interrupted by Ctrl-C: a cancellation, not a failure.
pub fn is_interrupted(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::Interrupted)
    })
}

/// The exit code for an error chain: the first categorized error in it, else `Failure`.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    if is_interrupted(err) {
        return Exit::Cancelled;
    }
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<UserError>() {
            return e.exit();
        }
        if let Some(e) = cause.downcast_ref::<crate::config::ConfigError>() {
            return e.exit();
        }
        if let Some(e) = cause.downcast_ref::<crate::secret::StoreError>() {
            return e.exit();
        }
        if let Some(e) = cause.downcast_ref::<crate::sts::StsError>() {
            return e.exit();
        }
        if let Some(e) = cause.downcast_ref::<crate::prompt::Cancelled>() {
            return e.exit();
        }
        if let Some(e) = cause.downcast_ref::<crate::authz::Denied>() {
            return e.exit();
        }
        if let Some(e) = cause.downcast_ref::<crate::console::ConsoleError>() {
            return e.exit();
        }
        if let Some(e) = cause.downcast_ref::<crate::trust::Untrusted>() {
            return e.exit();
        }
        if let Some(e) = cause.downcast_ref::<crate::fsutil::EnsureError>() {
            return e.exit();
        }
    }
    Exit::Failure
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

/// True when the error is a closed stdout pipe (`fedaws … | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
