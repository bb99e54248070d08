//! Listening and activation: the socket the broker serves (systemd's, passed with
//! `LISTEN_FDS`, or one made here), and telling systemd it is ready.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::Context as _;

use crate::exit::UserError;

/// The listening socket: the one systemd passed (`LISTEN_FDS`), else one made at `path`
/// (0666, or 0660 with `group`). `true` when this process made it (and removes it at the end).
pub(super) fn listen(
    path: &Path,
    group: Option<&str>,
) -> anyhow::Result<(tokio::net::UnixListener, bool)> {
    let mut passed = listenfd::ListenFd::from_env();
    if passed.len() > 0 {
        let listener = passed
            .take_unix_listener(0)
            .context("the socket systemd passed (LISTEN_FDS) is not a Unix stream socket")?
            .context("systemd passed no socket")?;
        listener.set_nonblocking(true)?;
        return Ok((tokio::net::UnixListener::from_std(listener)?, false));
    }
    let gid = match group {
        Some(name) => Some(
            uzers::get_group_by_name(name)
                .ok_or_else(|| {
                    UserError::config(format!(
                        "settings.broker_socket_group: there is no group `{name}`"
                    ))
                })?
                .gid(),
        ),
        None => None,
    };
    if let Some(dir) = path.parent().filter(|d| !d.exists()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    }
    if let Ok(found) = std::fs::symlink_metadata(path) {
        use std::os::unix::fs::FileTypeExt;
        if !found.file_type().is_socket() {
            return Err(UserError::config(format!(
                "{} is there and is not a socket; the broker removes only a socket it left behind",
                path.display()
            ))
            .into());
        }
        // A broker still listening is left alone; a socket nobody listens on is a leftover.
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(UserError::failure(format!(
                "another broker is listening on {}; stop it first, or give this one another --socket",
                path.display()
            ))
            .into());
        }
        std::fs::remove_file(path)
            .with_context(|| format!("removing the stale socket {}", path.display()))?;
    }
    let listener = tokio::net::UnixListener::bind(path)
        .with_context(|| format!("cannot listen on {}", path.display()))?;
    if let Some(gid) = gid {
        std::os::unix::fs::chown(path, None, Some(gid)).map_err(|e| {
            let name = group.unwrap_or("");
            UserError::config(format!(
                "settings.broker_socket_group: cannot give {} to group {name} ({e})\n  hint: the broker's user must be in that group (`usermod -aG {name} USER`), or let systemd make the socket (SocketGroup={name} in fedaws-broker.socket)",
                path.display()
            ))
        })?;
    }
    let mode = if gid.is_some() { 0o660 } else { 0o666 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok((listener, true))
}

/// Tell systemd the broker is ready (`Type=notify`), when it asks (`NOTIFY_SOCKET`).
#[cfg(target_os = "linux")]
pub(super) fn notify_ready() {
    let Some(target) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let sent = (|| -> std::io::Result<()> {
        let socket = std::os::unix::net::UnixDatagram::unbound()?;
        let bytes = target.as_encoded_bytes();
        let address = match bytes.strip_prefix(b"@") {
            Some(name) => {
                use std::os::linux::net::SocketAddrExt;
                std::os::unix::net::SocketAddr::from_abstract_name(name)?
            }
            None => std::os::unix::net::SocketAddr::from_pathname(&target)?,
        };
        socket.send_to_addr(b"READY=1", &address)?;
        Ok(())
    })();
    if let Err(e) = sent {
        crate::broker::log(format_args!(
            "could not tell systemd the broker is ready: {e}"
        ));
    }
}

/// Elsewhere (launchd on macOS) nobody waits to be told.
#[cfg(not(target_os = "linux"))]
pub(super) fn notify_ready() {}
