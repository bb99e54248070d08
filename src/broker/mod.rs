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
#[cfg(target_os = "linux")]
pub mod daemon;
pub mod dialog;
pub mod protocol;
#[cfg(target_os = "linux")]
pub mod record;

/// Where the system's broker listens, unless `--socket` or `settings.broker_socket` say
/// otherwise; clients use it when it exists and the caller has no config of their own.
pub const DEFAULT_SOCKET: &str = "/run/fedaws/broker.sock";

/// A line in the broker's log (stderr: the journal, under systemd): one line per message, its
/// line breaks and other control characters shown escaped, so that no message runs into the
/// next or passes for another.
#[cfg(target_os = "linux")]
pub fn log(message: impl std::fmt::Display) {
    use std::io::Write;
    let text = message.to_string();
    let _ = writeln!(
        std::io::stderr().lock(),
        "fedaws broker: {}",
        crate::output::escape_all(text.trim_end())
    );
}
