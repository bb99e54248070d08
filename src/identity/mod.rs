//! Who is asking: the login name of the calling process, its OS groups, and the host it runs on.
//! On Unix, from the user and group databases and the kernel's credentials of the process; on
//! Windows, from the process's access token (`windows`).

pub mod loopback;
#[cfg(windows)]
mod windows;

/// The effective user id has no name in the user database (the name is what connectors are
/// granted to and what sessions are named after).
#[derive(Debug, thiserror::Error)]
#[error("cannot tell who you are: the effective user id has no name in the user database")]
pub struct Nameless;

/// The effective user's login name, from the OS user database (so `sudo -u` and `runuser` are
/// honoured), or on Windows the name of the user the process runs as; never from the
/// environment, which the caller sets.
pub fn current_user() -> Option<String> {
    #[cfg(unix)]
    {
        uzers::get_effective_username().map(|n| n.to_string_lossy().into_owned())
    }
    #[cfg(windows)]
    {
        windows::user_name()
    }
    #[cfg(not(any(unix, windows)))]
    {
        None
    }
}

/// The effective user id (0 where there is none).
pub fn current_uid() -> u32 {
    #[cfg(unix)]
    {
        uzers::get_effective_uid()
    }
    #[cfg(not(unix))]
    {
        0
    }
}

/// The names of the calling process's OS groups: its effective group and its supplementary
/// groups, as the kernel holds them (so `newgrp`, `sg` and `setpriv` are honoured); on Windows,
/// the enabled groups of its access token (local groups such as `Users`, and domain groups).
pub fn current_os_groups() -> Vec<String> {
    #[cfg(unix)]
    {
        let mut names: Vec<String> = uzers::group_access_list()
            .unwrap_or_default()
            .iter()
            .map(|g| g.name().to_string_lossy().into_owned())
            .collect();
        if let Some(g) = uzers::get_effective_groupname() {
            names.push(g.to_string_lossy().into_owned());
        }
        names.sort();
        names.dedup();
        names
    }
    #[cfg(windows)]
    {
        windows::group_names()
    }
    #[cfg(not(any(unix, windows)))]
    {
        Vec::new()
    }
}

/// The host's name, for `{host}` in session names.
pub fn host_name() -> String {
    #[cfg(target_os = "linux")]
    if let Ok(h) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
        let h = h.trim();
        if !h.is_empty() {
            return h.to_string();
        }
    }
    ["HOSTNAME", "COMPUTERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// The names of the OS groups, from the group database (`getent group`, so NSS sources such as
/// LDAP count), or `/etc/group` where `getent` is missing. Used by the dialogs' group picker.
pub fn os_group_names() -> Vec<String> {
    let text = std::process::Command::new("getent")
        .arg("group")
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .or_else(|| std::fs::read_to_string("/etc/group").ok())
        .unwrap_or_default();
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|l| l.split(':').next())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}
