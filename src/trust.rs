//! Which files fedaws lets steer it: only those that nobody but the caller (or root) can change.
//!
//! The config decides which command runs for an MFA code, where signed STS requests go and who
//! gets which credentials; a policy file decides what they can do; the state directory holds the
//! audit log and the locks. So, like ssh's `StrictModes`, fedaws checks the file and every
//! directory above it before reading or writing anything there: each must be owned by the caller
//! or by root and not writable by group or others. A root-owned directory with the sticky bit
//! (`/tmp`) is fine, since nobody else can replace what the caller owns in it. A path reached
//! through symbolic links is checked along every link: the directory each link lives in, and the
//! target.
//!
//! Inside a user namespace (`unshare -U`, rootless containers) files of users outside it show up
//! as the kernel's overflow uid (`nobody`); directories owned by it are treated like root's, since
//! from inside nothing tells the two apart. Files themselves must still be the caller's or root's.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Categorized, Exit};

/// What a checked path is for, so a refusal can say what is at stake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The config file.
    Config,
    /// A connector's `policy_file`.
    PolicyFile,
    /// The state directory (audit log, locks).
    StateDir,
}

impl Role {
    fn stake(self) -> &'static str {
        match self {
            Role::Config => {
                "whoever can change it decides which command runs for an MFA code and where your signed requests go"
            }
            Role::PolicyFile => "whoever can change it decides what the credentials may do",
            Role::StateDir => "whoever can change it can tamper with the audit log and the locks",
        }
    }
}

/// Why a path is not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flaw {
    /// Owned by a user other than the caller and root.
    Owner,
    /// Writable by group or others.
    Writable,
    /// Not a regular file (or, for a directory role, not a directory).
    Kind,
    /// Could not be inspected.
    Unreadable(String),
}

/// A path fedaws refuses to use, with what is wrong and how to fix it.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub struct Untrusted {
    /// What the path is for.
    pub role: Role,
    /// The path as the caller named it.
    pub path: PathBuf,
    /// The file or directory at fault (the path itself, a directory above it, or a link).
    pub culprit: PathBuf,
    /// The culprit's owner, as a name where the user database has one.
    pub owner: String,
    /// The culprit's mode bits.
    pub mode: u32,
    /// What is wrong.
    pub flaw: Flaw,
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.role {
            Role::Config => "config",
            Role::PolicyFile => "policy file",
            Role::StateDir => "state directory",
        };
        let at = if self.culprit == self.path {
            format!("{what} {}", self.path.display())
        } else {
            format!(
                "{what} {}: {} above it",
                self.path.display(),
                self.culprit.display()
            )
        };
        let culprit = self.culprit.display();
        match &self.flaw {
            Flaw::Unreadable(reason) => {
                write!(f, "refusing the {at}: cannot inspect it ({reason})")
            }
            Flaw::Kind => write!(
                f,
                "refusing the {at}: it is not a {}",
                if self.role == Role::StateDir {
                    "directory"
                } else {
                    "regular file"
                }
            ),
            Flaw::Owner => write!(
                f,
                "refusing the {at}: it is owned by {} (mode {:04o}), not by you or root, and {}\n  hint: use a {what} of your own, or have it owned by you or root (`chown`)",
                self.owner,
                self.mode & 0o7777,
                self.role.stake()
            ),
            Flaw::Writable => write!(
                f,
                "refusing the {at}: owner {}, mode {:04o}, writable by {}, and {}\n  hint: run `chmod go-w {culprit}`",
                self.owner,
                self.mode & 0o7777,
                match (self.mode & 0o020 != 0, self.mode & 0o002 != 0) {
                    (true, true) => "group and others",
                    (true, false) => "its group",
                    _ => "others",
                },
                self.role.stake()
            ),
        }
    }
}

impl Categorized for Untrusted {
    fn exit(&self) -> Exit {
        Exit::Config
    }
}

/// Fail unless the file at `path` (or, for [`Role::StateDir`], the directory) and every directory
/// above it, along every symbolic link, can be changed only by the caller or root.
#[cfg(unix)]
pub fn check(path: &Path, role: Role) -> Result<(), Untrusted> {
    unix::check(path, role, crate::identity::current_uid())
}

/// Other platforms have no Unix owners and modes; their per-user profile directories are private.
#[cfg(not(unix))]
pub fn check(_path: &Path, _role: Role) -> Result<(), Untrusted> {
    Ok(())
}

/// Read a file after [`check`]ing it.
pub fn read_to_string(path: &Path, role: Role) -> Result<String, ReadError> {
    check(path, role).map_err(ReadError::Untrusted)?;
    std::fs::read_to_string(path).map_err(ReadError::Io)
}

/// Why [`read_to_string`] gave nothing.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file may not be trusted.
    #[error(transparent)]
    Untrusted(Untrusted),
    /// The file could not be read.
    #[error(transparent)]
    Io(std::io::Error),
}

#[cfg(unix)]
mod unix {
    use std::fs::Metadata;
    use std::os::unix::fs::MetadataExt;
    use std::path::{Component, Path, PathBuf};

    use super::{Flaw, Role, Untrusted};

    /// How many symbolic links a path may pass through, as the kernel allows (`ELOOP`).
    const MAX_LINKS: usize = 40;

    pub(super) fn check(path: &Path, role: Role, me: u32) -> Result<(), Untrusted> {
        let refuse = |culprit: &Path, meta: Option<&Metadata>, flaw: Flaw| Untrusted {
            role,
            path: path.to_path_buf(),
            culprit: culprit.to_path_buf(),
            owner: meta.map(|m| owner_name(m.uid())).unwrap_or_default(),
            mode: meta.map_or(0, MetadataExt::mode),
            flaw,
        };
        let io = |culprit: &Path, e: std::io::Error| {
            refuse(culprit, None, Flaw::Unreadable(e.to_string()))
        };
        // Read only when an owner is neither the caller nor root (a /proc read on the hot path
        // otherwise).
        let overflow = std::cell::OnceCell::new();
        let overflow = || *overflow.get_or_init(overflow_uid);
        let mut current = std::path::absolute(path).map_err(|e| io(path, e))?;
        for _ in 0..=MAX_LINKS {
            let (dir, name) = match (current.parent(), current.file_name()) {
                (Some(dir), Some(name)) => (dir.to_path_buf(), name.to_os_string()),
                // `/`, or a path ending in `..`: resolve it whole.
                _ => {
                    let real = current.canonicalize().map_err(|e| io(&current, e))?;
                    match (real.parent(), real.file_name()) {
                        (Some(dir), Some(name)) => (dir.to_path_buf(), name.to_os_string()),
                        _ => (real.clone(), Default::default()),
                    }
                }
            };
            let dir = dir.canonicalize().map_err(|e| io(&dir, e))?;
            for ancestor in dir.ancestors() {
                let meta = std::fs::metadata(ancestor).map_err(|e| io(ancestor, e))?;
                if let Some(flaw) = flaw(&meta, me, true, overflow) {
                    return Err(refuse(ancestor, Some(&meta), flaw));
                }
            }
            if name.is_empty() {
                return Ok(());
            }
            let here = dir.join(&name);
            let meta = std::fs::symlink_metadata(&here).map_err(|e| io(&here, e))?;
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&here).map_err(|e| io(&here, e))?;
                current = normalize(&dir.join(target));
                continue;
            }
            let want_dir = role == Role::StateDir;
            if meta.is_dir() != want_dir || !(meta.is_dir() || meta.is_file()) {
                return Err(refuse(&here, Some(&meta), Flaw::Kind));
            }
            if let Some(flaw) = flaw(&meta, me, false, || None) {
                return Err(refuse(&here, Some(&meta), flaw));
            }
            return Ok(());
        }
        Err(io(
            path,
            std::io::Error::other("too many levels of symbolic links"),
        ))
    }

    /// What is wrong with one file or directory, if anything. Directories owned by root with the
    /// sticky bit may be writable by others; so may those owned by `overflow` (see the module
    /// docs).
    fn flaw(
        meta: &Metadata,
        me: u32,
        is_dir: bool,
        overflow: impl Fn() -> Option<u32>,
    ) -> Option<Flaw> {
        let owner = meta.uid();
        let rootish = owner == 0 || (is_dir && owner != me && Some(owner) == overflow());
        if owner != me && !rootish {
            return Some(Flaw::Owner);
        }
        let sticky = meta.mode() & 0o1000 != 0;
        if meta.mode() & 0o022 != 0 && !(is_dir && rootish && sticky) {
            return Some(Flaw::Writable);
        }
        None
    }

    /// Drop `.` components and fold `..` where the part before it is a plain name, so a relative
    /// link target joined to its directory has a parent and a file name.
    fn normalize(path: &Path) -> PathBuf {
        let mut out = PathBuf::new();
        for c in path.components() {
            match c {
                Component::CurDir => {}
                other => out.push(other),
            }
        }
        out
    }

    /// The uid files of users outside this user namespace show up as, when this process is in a
    /// user namespace other than the initial one.
    fn overflow_uid() -> Option<u32> {
        let map = std::fs::read_to_string("/proc/self/uid_map").ok()?;
        let initial =
            map.split_whitespace().collect::<Vec<_>>().as_slice() == ["0", "0", "4294967295"];
        if initial {
            return None;
        }
        std::fs::read_to_string("/proc/sys/kernel/overflowuid")
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    fn owner_name(uid: u32) -> String {
        match uzers::get_user_by_uid(uid) {
            Some(u) => format!("{} (uid {uid})", u.name().to_string_lossy()),
            None => format!("uid {uid}"),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use std::os::unix::fs::{PermissionsExt, symlink};

        fn chmod(p: &Path, mode: u32) {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
        }

        /// A private tree under the system temp directory: `dir/` (0700) holding `f` (0600).
        fn tree() -> (tempfile::TempDir, PathBuf) {
            let dir = tempfile::tempdir().unwrap();
            chmod(dir.path(), 0o700);
            let f = dir.path().join("f");
            std::fs::write(&f, "x").unwrap();
            chmod(&f, 0o600);
            (dir, f)
        }

        fn me() -> u32 {
            crate::identity::current_uid()
        }

        #[test]
        fn a_private_file_in_a_private_tree_is_trusted() {
            let (_dir, f) = tree();
            check(&f, Role::Config, me()).unwrap();
            chmod(&f, 0o644);
            check(&f, Role::Config, me()).unwrap();
        }

        #[test]
        fn group_or_world_write_on_the_file_or_a_directory_is_refused() {
            let (dir, f) = tree();
            chmod(&f, 0o666);
            let e = check(&f, Role::Config, me()).unwrap_err();
            assert_eq!(e.flaw, Flaw::Writable);
            assert_eq!(e.culprit, f);
            assert!(e.to_string().contains("chmod go-w"), "{e}");
            assert!(e.to_string().contains("0666"), "{e}");
            chmod(&f, 0o600);
            chmod(dir.path(), 0o770);
            let e = check(&f, Role::Config, me()).unwrap_err();
            assert_eq!(e.culprit, dir.path().canonicalize().unwrap());
        }

        #[test]
        fn another_owner_is_refused_even_when_read_only() {
            let (_dir, f) = tree();
            chmod(&f, 0o444);
            // As root, hand the file to another uid; otherwise pretend to be another user.
            let e = if me() == 0 {
                std::os::unix::fs::chown(&f, Some(4242), None).unwrap();
                check(&f, Role::Config, 0).unwrap_err()
            } else {
                check(&f, Role::Config, me() + 4242).unwrap_err()
            };
            assert_eq!(e.flaw, Flaw::Owner, "{e}");
            assert!(e.to_string().contains("uid 4242") || me() != 0, "{e}");
        }

        #[test]
        fn every_link_is_followed_and_its_directory_checked() {
            let (dir, f) = tree();
            let open = dir.path().join("open");
            std::fs::create_dir(&open).unwrap();
            chmod(&open, 0o777);
            let link = open.join("link");
            symlink(&f, &link).unwrap();
            let e = check(&link, Role::PolicyFile, me()).unwrap_err();
            assert_eq!(e.culprit, open.canonicalize().unwrap(), "{e}");
            chmod(&open, 0o700);
            check(&link, Role::PolicyFile, me()).unwrap();
            chmod(&f, 0o646);
            let e = check(&link, Role::PolicyFile, me()).unwrap_err();
            assert_eq!(e.culprit, f, "{e}");
            let relative = open.join("relative");
            symlink("../f", &relative).unwrap();
            chmod(&f, 0o600);
            check(&relative, Role::PolicyFile, me()).unwrap();
        }

        #[test]
        fn a_state_directory_must_be_a_directory() {
            let (dir, f) = tree();
            check(dir.path(), Role::StateDir, me()).unwrap();
            assert_eq!(
                check(&f, Role::StateDir, me()).unwrap_err().flaw,
                Flaw::Kind
            );
            assert_eq!(
                check(dir.path(), Role::Config, me()).unwrap_err().flaw,
                Flaw::Kind
            );
        }
    }
}
