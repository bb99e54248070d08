//! The exit codes of `fedaws`, and the few errors that carry one from where they are made.
//!
//! A leaf: domain modules take [`Exit`] and [`UserError`] from here without reaching the mapping
//! in `error`, which knows every module's errors and so sits above them all.

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
    /// The broker could not be reached.
    Unreachable = 8,
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
            Exit::Unreachable => "broker",
            Exit::Cancelled => "cancelled",
        }
    }

    /// Every documented code.
    pub const ALL: [Exit; 10] = [
        Exit::Ok,
        Exit::Failure,
        Exit::Usage,
        Exit::Config,
        Exit::Denied,
        Exit::Aws,
        Exit::Network,
        Exit::SecretStore,
        Exit::Unreachable,
        Exit::Cancelled,
    ];

    /// The family of a numeric code, if it is one of fedaws's.
    pub fn from_code(code: u8) -> Option<Exit> {
        Exit::ALL.into_iter().find(|e| *e as u8 == code)
    }
}

/// A user error found by a command itself (a missing flag, a name that does not exist), with the
/// family the command chose for it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    message: String,
    exit: Exit,
}

impl UserError {
    /// An error of family `exit`.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            exit,
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        UserError::new(Exit::Usage, message)
    }

    /// A config error (exit 3).
    pub fn config(message: impl Into<String>) -> Self {
        UserError::new(Exit::Config, message)
    }

    /// A failure that fits no other family (exit 1).
    pub fn failure(message: impl Into<String>) -> Self {
        UserError::new(Exit::Failure, message)
    }

    /// The family the command chose.
    pub fn exit(&self) -> Exit {
        self.exit
    }

    /// What went wrong and how to fix it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Leave with this status, silently: a child process's (`exec --server`), or that of a command a
/// broker ran, whose messages are already printed.
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

/// The deepest cause of an error: what a network library says actually went wrong.
pub fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// True when the error is a closed stdout pipe (`fedaws … | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
