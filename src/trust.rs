//! Which files fedaws lets steer it: only those that nobody but the caller (or root) can change.
//!
//! The config decides which command runs for an MFA code, where signed STS requests go and who
//! gets which credentials; a policy file decides what they can do; the state directory holds the
//! audit log and the locks. So, like ssh's `StrictModes`, fedaws checks the file and every
//! directory above it before reading or writing anything there: each must be owned by the caller
//! or by root and not writable by group or others. A root-owned directory with the sticky bit
//! (`/tmp`) is fine, since nobody else can replace what the caller owns in it. The path is
//! resolved one component at a time, as the kernel resolves it, so every directory it passes
//! through is checked, also the directory each symbolic link lives in (anywhere in the path)
//! before the link is followed, and a link another user owns in a directory others may write
//! (a sticky one, such as `/tmp`) is refused, since its owner could point it elsewhere at any
//! time. Since nobody else can then change how the path resolves, what is read after the check
//! is what was checked.
//!
//! Inside a user namespace (`unshare -U`, rootless containers) files of users outside it show up
//! as the kernel's overflow uid (`nobody`); directories owned by it are treated like root's, since
//! from inside nothing tells the two apart. Files themselves must still be the caller's or root's.

use std::fmt;
use std::path::{Path, PathBuf};

/// What a checked path is for, so a refusal can say what is at stake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The config file.
    Config,
    /// A connector's `policy_file`.
    PolicyFile,
    /// The state directory (audit log, locks).
    StateDir,
    /// The AWS CLI's config (`~/.aws/config`), which fedaws edits.
    AwsConfig,
    /// The encrypted file of the `file` secret store.
    SecretFile,
    /// The key of the `file` secret store: also unreadable by group and others.
    SecretKey,
    /// A broker's socket: made by the user at its other end (or root), and writable by all.
    BrokerSocket,
    /// The `file` store's key as systemd passes it: unreadable by others (its group bit may be
    /// the mask of the ACL through which systemd lets the service read it).
    SystemdKey,
    /// The CA certificates trusted for Vault's TLS.
    CaCert,
    /// A Vault or OpenBao server's Unix socket (`unix://` in `settings.vault.addresses`): the
    /// caller's or root's, since whoever made it is told the token and the secret id.
    VaultSocket,
}

impl Role {
    /// What whoever could change a path of this role could do, for messages.
    pub fn stake(self) -> &'static str {
        match self {
            Role::Config => {
                "whoever can change it decides which command runs for an MFA code and where your signed requests go"
            }
            Role::PolicyFile => "whoever can change it decides what the credentials may do",
            Role::StateDir => "whoever can change it can tamper with the audit log and the locks",
            Role::AwsConfig => {
                "whoever can change it decides which commands the AWS CLI and SDKs run, and fedaws would write where it points"
            }
            Role::SecretFile => "whoever can change it can replace the accounts' keys",
            Role::SecretKey | Role::SystemdKey => "whoever can read it can read the accounts' keys",
            Role::CaCert => {
                "whoever can change it decides which servers fedaws trusts with its Vault token and the accounts' keys"
            }
            Role::BrokerSocket => {
                "whoever made it would be told your requests and could hand you credentials of their choosing"
            }
            Role::VaultSocket => {
                "whoever made it would be given the Vault token, the AppRole secret id and the accounts' keys"
            }
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
    /// Readable by group or others (a key).
    Readable,
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
            Role::AwsConfig => "AWS config",
            Role::SecretFile => "secret store",
            Role::SecretKey | Role::SystemdKey => "secret store key",
            Role::BrokerSocket => "broker socket",
            Role::CaCert => "CA certificate file",
            Role::VaultSocket => "Vault socket",
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
            Flaw::Unreadable(reason) => write!(
                f,
                "refusing the {at}: cannot inspect it ({reason})\n  hint: check that it exists and that you may read every directory on the way"
            ),
            // A directory where a file belongs, or anything else where a directory belongs.
            Flaw::Kind => write!(
                f,
                "refusing the {at}: {culprit} is not a {}\n  hint: remove it, or point fedaws at the right path",
                if matches!(self.role, Role::BrokerSocket | Role::VaultSocket)
                    && self.culprit == self.path
                {
                    "socket"
                } else if self.culprit.is_dir() {
                    "regular file"
                } else {
                    "directory"
                }
            ),
            Flaw::Owner => write!(
                f,
                "refusing the {at}: it is owned by {} (mode {:04o}), not by you or root, and {}\n  hint: use a {what} of your own, or have it owned by you or root (`chown`)",
                self.owner,
                self.mode & 0o7777,
                self.role.stake()
            ),
            Flaw::Readable => write!(
                f,
                "refusing the {at}: owner {}, mode {:04o}, readable by others, and {}\n  hint: run `chmod go-rwx {culprit}`",
                self.owner,
                self.mode & 0o7777,
                self.role.stake()
            ),
            Flaw::Writable => {
                // A sticky directory (/tmp) is shared by design: its mode is not to be changed.
                let shared = self.culprit != self.path && self.mode & 0o1000 != 0;
                let hint = match (shared, self.role) {
                    (true, Role::BrokerSocket) => format!(
                        "{culprit} is shared by every user, so anyone could have put a socket there: give the broker a directory of its own that only it or root can write, such as /run/fedaws (the default, /run/fedaws/broker.sock; settings.broker_socket or --socket)"
                    ),
                    (true, _) => format!(
                        "{culprit} is shared by every user (leave its mode alone): move the {what} to a directory only you or root can write"
                    ),
                    (false, _) => format!("run `chmod go-w {culprit}`"),
                };
                write!(
                    f,
                    "refusing the {at}: owner {}, mode {:04o}, writable by {}, and {}\n  hint: {hint}",
                    self.owner,
                    self.mode & 0o7777,
                    match (self.mode & 0o020 != 0, self.mode & 0o002 != 0) {
                        (true, true) => "group and others",
                        (true, false) => "its group",
                        _ => "others",
                    },
                    self.role.stake()
                )
            }
        }
    }
}

/// Fail unless the file at `path` (or, for [`Role::StateDir`], the directory) and every directory
/// above it, along every symbolic link, can be changed only by the caller or root.
#[cfg(unix)]
pub fn check(path: &Path, role: Role) -> Result<(), Untrusted> {
    let expect = if role == Role::StateDir {
        unix::Expect::OwnDir
    } else {
        unix::Expect::File
    };
    unix::check(path, role, expect, crate::identity::current_uid())
}

/// Fail unless the socket at `path` was made by `owner` (the user the kernel says listens on it)
/// or root, in directories only they can change: none writable by others, sticky or not (in
/// `/tmp`, whoever comes first makes a name, and a socket is trusted for who made it).
#[cfg(unix)]
pub fn check_socket(path: &Path, owner: u32) -> Result<(), Untrusted> {
    unix::check(path, Role::BrokerSocket, unix::Expect::Socket, owner)
}

/// Fail unless the socket at `path` is the caller's or root's, in directories only they can
/// change. Unlike a broker's socket (trusted for who listens on it, whoever that is), one the
/// caller or root owns may sit in a root-owned sticky directory such as `/tmp`: nobody else can
/// remove or rename it there, so the socket connected to is the one checked.
#[cfg(unix)]
pub fn check_own_socket(path: &Path, role: Role) -> Result<(), Untrusted> {
    unix::check(
        path,
        role,
        unix::Expect::Socket,
        crate::identity::current_uid(),
    )
}

/// Like [`check`], for a file fedaws is about to write: when it does not exist yet, the nearest
/// directory above it that does is checked instead (it is where the file would be created).
#[cfg(unix)]
pub fn check_for_writing(path: &Path, role: Role) -> Result<(), Untrusted> {
    if std::fs::symlink_metadata(path).is_ok() {
        return check(path, role);
    }
    let me = crate::identity::current_uid();
    match path.ancestors().skip(1).find(|a| a.exists()) {
        Some(dir) => unix::check(dir, role, unix::Expect::Dir, me).map_err(|mut e| {
            e.path = path.to_path_buf();
            e
        }),
        None => Ok(()),
    }
}

/// Other platforms: see [`check`].
#[cfg(not(unix))]
pub fn check_for_writing(_path: &Path, _role: Role) -> Result<(), Untrusted> {
    Ok(())
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

/// Read a file's bytes after [`check`]ing it.
pub fn read_bytes(path: &Path, role: Role) -> Result<Vec<u8>, ReadError> {
    check(path, role).map_err(ReadError::Untrusted)?;
    std::fs::read(path).map_err(ReadError::Io)
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
    use std::collections::VecDeque;
    use std::ffi::OsString;
    use std::fs::Metadata;
    use std::os::unix::fs::MetadataExt;
    use std::path::{Component, Path, PathBuf};

    use super::{Flaw, Role, Untrusted};

    /// How many symbolic links a path may pass through, as the kernel allows (`ELOOP`).
    const MAX_LINKS: usize = 40;

    /// What the path must lead to.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) enum Expect {
        /// A regular file, the caller's or root's.
        File,
        /// A directory of the caller's own.
        OwnDir,
        /// A directory, the caller's or root's.
        Dir,
        /// A socket, the caller's or root's, whatever its mode.
        Socket,
    }

    pub(super) fn check(path: &Path, role: Role, expect: Expect, me: u32) -> Result<(), Untrusted> {
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
        let check_dir = |dir: &Path| -> Result<(), Untrusted> {
            let meta = std::fs::metadata(dir).map_err(|e| io(dir, e))?;
            if !meta.is_dir() {
                return Err(refuse(dir, Some(&meta), Flaw::Kind));
            }
            // Whoever comes first may make a name in a sticky directory such as /tmp: fine for
            // a file of the caller's own, not for a socket that is trusted for who made it.
            let found = if role == Role::BrokerSocket && meta.mode() & 0o022 != 0 {
                Some(Flaw::Writable)
            } else {
                flaw(&meta, me, true, overflow)
            };
            match found {
                Some(f) => Err(refuse(dir, Some(&meta), f)),
                None => Ok(()),
            }
        };

        // Resolve the path one component at a time, as the kernel does, checking every
        // directory it passes through (so the directory a link lives in is checked before the
        // link is followed) and then what it ends at.
        let absolute = std::path::absolute(path).map_err(|e| io(path, e))?;
        let mut resolved = PathBuf::from("/");
        check_dir(&resolved)?;
        let mut rest: VecDeque<OsString> = components(&absolute);
        let mut links = 0;
        while let Some(name) = rest.pop_front() {
            if name == ".." {
                // `resolved` holds no link, so its parent is the real one, already checked.
                resolved.pop();
                continue;
            }
            let here = resolved.join(&name);
            let meta = std::fs::symlink_metadata(&here).map_err(|e| io(&here, e))?;
            if meta.file_type().is_symlink() {
                // The directory passed the check, so others may write it only if it is sticky:
                // then a link they own there is theirs to replace between the check and the use.
                if meta.uid() != me && meta.uid() != 0 {
                    let dir = std::fs::metadata(&resolved).map_err(|e| io(&resolved, e))?;
                    if dir.mode() & 0o022 != 0 {
                        return Err(refuse(&here, Some(&meta), Flaw::Owner));
                    }
                }
                links += 1;
                if links > MAX_LINKS {
                    return Err(io(
                        path,
                        std::io::Error::other("too many levels of symbolic links"),
                    ));
                }
                let target = std::fs::read_link(&here).map_err(|e| io(&here, e))?;
                if target.is_absolute() {
                    resolved = PathBuf::from("/");
                }
                for c in components(&target).into_iter().rev() {
                    rest.push_front(c);
                }
                continue;
            }
            if rest.is_empty() && expect == Expect::Socket {
                use std::os::unix::fs::FileTypeExt;
                let found = if !meta.file_type().is_socket() {
                    Some(Flaw::Kind)
                } else if meta.uid() != me && meta.uid() != 0 {
                    Some(Flaw::Owner)
                } else {
                    None
                };
                return match found {
                    Some(f) => Err(refuse(&here, Some(&meta), f)),
                    None => Ok(()),
                };
            }
            if rest.is_empty() {
                let want_dir = !matches!(expect, Expect::File);
                if meta.is_dir() != want_dir || !(meta.is_dir() || meta.is_file()) {
                    return Err(refuse(&here, Some(&meta), Flaw::Kind));
                }
                // A state directory must be the caller's own; a file may also be root's.
                let found = if expect == Expect::OwnDir && meta.uid() != me {
                    Some(Flaw::Owner)
                } else if !want_dir && meta.mode() & unreadable_by(role) != 0 {
                    Some(Flaw::Readable)
                } else {
                    flaw(&meta, me, want_dir, overflow)
                };
                return match found {
                    Some(f) => Err(refuse(&here, Some(&meta), f)),
                    None => Ok(()),
                };
            }
            check_dir(&here)?;
            resolved = here;
        }
        // The path named a directory by `/` or `..` alone.
        if matches!(expect, Expect::OwnDir | Expect::Dir) {
            Ok(())
        } else {
            Err(refuse(&resolved, None, Flaw::Kind))
        }
    }

    /// The mode bits that must be clear for a file of `role`: none, or for a key the read bits
    /// of group and others (of others only for a key systemd passes: see [`Role::SystemdKey`]).
    fn unreadable_by(role: Role) -> u32 {
        match role {
            Role::SecretKey => 0o044,
            Role::SystemdKey => 0o004,
            _ => 0,
        }
    }

    /// The names a path is made of, without the root and `.` (which change nothing).
    fn components(path: &Path) -> VecDeque<OsString> {
        path.components()
            .filter_map(|c| match c {
                Component::Normal(n) => Some(n.to_os_string()),
                Component::ParentDir => Some(OsString::from("..")),
                Component::RootDir | Component::CurDir | Component::Prefix(_) => None,
            })
            .collect()
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

        /// The check as the public one makes it, for a pretend caller `me`.
        fn check(path: &Path, role: Role, me: u32) -> Result<(), Untrusted> {
            let expect = if role == Role::StateDir {
                Expect::OwnDir
            } else {
                Expect::File
            };
            super::check(path, role, expect, me)
        }

        #[test]
        fn a_key_systemd_passes_may_show_its_acl_as_a_group_bit() {
            let (_dir, f) = tree();
            chmod(&f, 0o440);
            check(&f, Role::SystemdKey, me()).unwrap();
            let e = check(&f, Role::SecretKey, me()).unwrap_err();
            assert_eq!(e.flaw, Flaw::Readable);
            chmod(&f, 0o444);
            let e = check(&f, Role::SystemdKey, me()).unwrap_err();
            assert_eq!(e.flaw, Flaw::Readable);
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
        fn a_shared_sticky_directory_is_never_to_be_chmod_ed() {
            // A broker's socket in a directory like /tmp, which anyone could have made.
            let (dir, _f) = tree();
            chmod(dir.path(), 0o1777);
            let socket = dir.path().join("broker.sock");
            let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
            let e = check(&socket, Role::BrokerSocket, me()).unwrap_err();
            assert_eq!(e.flaw, Flaw::Writable);
            let text = e.to_string();
            assert!(!text.contains("chmod"), "{text}");
            assert!(text.contains("shared by every user"), "{text}");
            assert!(text.contains("/run/fedaws"), "{text}");
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
            // A link in the middle of the path, living in a directory others can write: they
            // could point it anywhere.
            std::fs::create_dir(dir.path().join("real")).unwrap();
            std::fs::write(dir.path().join("real/g"), "x").unwrap();
            chmod(&dir.path().join("real"), 0o700);
            chmod(&dir.path().join("real/g"), 0o600);
            symlink(dir.path().join("real"), open.join("dirlink")).unwrap();
            check(&open.join("dirlink/g"), Role::Config, me()).unwrap();
            chmod(&open, 0o777);
            let e = check(&open.join("dirlink/g"), Role::Config, me()).unwrap_err();
            assert_eq!(e.culprit, open.canonicalize().unwrap(), "{e}");
        }

        #[test]
        fn a_link_others_own_in_a_sticky_directory_is_refused() {
            // /tmp is root's and sticky: others may make names there, but not replace ours.
            let tmp = Path::new("/tmp");
            let meta = std::fs::metadata(tmp).unwrap();
            assert!(
                meta.uid() == 0 && meta.mode() & 0o1777 == 0o1777,
                "these tests need /tmp owned by root with mode 1777"
            );
            let link = tmp.join(format!("fedaws-trust-link-{}", std::process::id()));
            let _ = std::fs::remove_file(&link);
            // It leads to a file root owns, in directories root owns.
            symlink("/etc/passwd", &link).unwrap();
            struct Gone<'a>(&'a Path);
            impl Drop for Gone<'_> {
                fn drop(&mut self) {
                    let _ = std::fs::remove_file(self.0);
                }
            }
            let _gone = Gone(&link);
            // As root, give the link to another uid; otherwise pretend to be another user.
            let (owner, stranger) = if me() == 0 {
                std::os::unix::fs::lchown(&link, Some(4242), None).unwrap();
                (4242, 0)
            } else {
                (me(), me() + 4242)
            };
            check(&link, Role::PolicyFile, owner).unwrap();
            let e = check(&link, Role::PolicyFile, stranger).unwrap_err();
            assert_eq!(e.flaw, Flaw::Owner, "{e}");
            assert_eq!(e.culprit, link, "{e}");
        }

        #[test]
        fn a_vault_socket_must_be_the_callers_or_roots_and_may_sit_in_tmp() {
            let path = Path::new("/tmp").join(format!("fedaws-trust-sock-{}", std::process::id()));
            let _ = std::fs::remove_file(&path);
            let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
            struct Gone<'a>(&'a Path);
            impl Drop for Gone<'_> {
                fn drop(&mut self) {
                    let _ = std::fs::remove_file(self.0);
                }
            }
            let _gone = Gone(&path);
            let socket = |who: u32| super::check(&path, Role::VaultSocket, Expect::Socket, who);
            socket(me()).unwrap();
            // A broker's socket is trusted for who made it: not in a directory others write.
            let e = super::check(&path, Role::BrokerSocket, Expect::Socket, me()).unwrap_err();
            assert_eq!(e.flaw, Flaw::Writable, "{e}");
            // Another user's socket, wherever it is.
            let stranger = if me() == 0 {
                std::os::unix::fs::chown(&path, Some(4242), None).unwrap();
                0
            } else {
                me() + 4242
            };
            let e = socket(stranger).unwrap_err();
            assert_eq!(e.flaw, Flaw::Owner, "{e}");
            assert!(e.to_string().contains("Vault socket"), "{e}");
            assert!(e.to_string().contains("the AppRole secret id"), "{e}");
            // Not a socket at all.
            let (_dir, f) = tree();
            let e = super::check(&f, Role::VaultSocket, Expect::Socket, me()).unwrap_err();
            assert_eq!(e.flaw, Flaw::Kind, "{e}");
            assert!(e.to_string().contains("is not a socket"), "{e}");
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
