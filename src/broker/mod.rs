//! Broker mode: one process, running as its own service user, owns the config, the account
//! keys, the cache and the audit log, and answers local users over a Unix socket. Who asks is
//! what the kernel says of the connection (`SO_PEERCRED`), never what a request claims, so the
//! config's groups, administrators and `system_users` hold against the people they name.
//!
//! [`protocol`] is what travels over the socket, [`client`] how a command asks, [`daemon`] the
//! broker itself (`fedaws broker run`), and [`dialog`] how the dialogs of commands it runs are
//! asked at the caller's terminal; [`access`] says who may run what through it and what a refusal
//! tells them, and [`record`] keeps its audit log.

pub mod access;
pub mod client;
#[cfg(unix)]
pub mod daemon;
pub mod dialog;
pub mod protocol;
#[cfg(unix)]
pub mod record;

/// Why there is no broker on this platform (Windows): it needs what only Unix sockets give.
#[cfg(not(unix))]
pub const NEEDS_UNIX: &str = "a fedaws broker needs Unix domain sockets whose kernel says who is at the other end (Linux, macOS); Windows has none, so there is no broker here: run fedaws in local mode, or on a Linux or macOS host";

/// Where the system's broker listens, unless `--socket` or `settings.broker_socket` say
/// otherwise; clients use it when it exists and the caller has no config of their own.
#[cfg(not(target_os = "macos"))]
pub const DEFAULT_SOCKET: &str = "/run/fedaws/broker.sock";
/// Where the system's broker listens on macOS, whose `/run` does not exist and whose `/var/run`
/// is emptied at each start: a directory the install makes for the broker's user (see
/// `examples/launchd/`).
#[cfg(target_os = "macos")]
pub const DEFAULT_SOCKET: &str = "/Library/Application Support/fedaws/broker.sock";

/// A line in the broker's log (stderr: the journal, under systemd): one line per message, its
/// line breaks and other control characters shown escaped, so that no message runs into the
/// next or passes for another.
#[cfg(unix)]
pub fn log(message: impl std::fmt::Display) {
    use std::io::Write;
    let text = message.to_string();
    let _ = writeln!(
        std::io::stderr().lock(),
        "fedaws broker: {}",
        crate::output::escape_all(text.trim_end())
    );
}
