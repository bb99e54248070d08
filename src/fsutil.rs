//! Atomic file writes, private directories and inter-process locks: the only way fedaws changes a
//! file.
//!
//! A write goes to a temporary file in the same directory, is flushed to disk, and is renamed over
//! the target, so a reader sees the old file or the new one, never half of either. A file that
//! exists keeps its mode and owner, and a symbolic link is written through to its target (which
//! stays a link): the owner's choices survive every edit. Locks are OS file locks on a sibling
//! `.lock` file: they are released by the kernel when the holder exits, so a crashed process can
//! never wedge the next one. Lock files and the audit log are opened with `O_NOFOLLOW`, so a link
//! planted in their place is an error, never a way to write elsewhere.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};

/// Mode for files that may hold anything sensitive: owner read/write only.
pub const PRIVATE_MODE: u32 = 0o600;

/// Mode for directories fedaws creates: owner only.
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// Write `contents` to `path` atomically, creating missing parent directories (0700).
///
/// A new file gets mode 0600. An existing file keeps its mode and owner, and when `path` is a
/// symbolic link the link's target is replaced and the link stays (dotfiles repositories).
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let target = resolve_link(path)?;
    let existing = fs::metadata(&target).ok();
    let dir = parent_dir(&target);
    create_private_dirs(&dir)?;
    let file_name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp = tempfile_in(&dir, file_name.to_string_lossy().as_ref())?;
    let result = (|| {
        tmp.file.write_all(contents)?;
        if let Some(meta) = &existing {
            keep_owner_and_mode(&tmp.file, meta)?;
        }
        tmp.file.sync_all()?;
        fs::rename(&tmp.path, &target)?;
        sync_dir(&dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp.path);
    }
    result
}

/// The file a write to `path` must replace: `path` itself, or the end of its chain of symbolic
/// links (which may not exist yet).
fn resolve_link(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&current)?;
                current = parent_dir(&current).join(target);
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// Give the replacement the owner and mode of the file it replaces. An owner that cannot be kept
/// (only root may give a file away) is an error: the file is left as it was.
#[cfg(unix)]
fn keep_owner_and_mode(file: &File, old: &fs::Metadata) -> io::Result<()> {
    let new = file.metadata()?;
    if new.uid() != old.uid() || new.gid() != old.gid() {
        std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot keep the file's owner (uid {}, gid {}): {e}",
                    old.uid(),
                    old.gid()
                ),
            )
        })?;
    }
    file.set_permissions(fs::Permissions::from_mode(old.mode() & 0o7777))
}

#[cfg(not(unix))]
fn keep_owner_and_mode(_file: &File, _old: &fs::Metadata) -> io::Result<()> {
    Ok(())
}

/// Create `dir` and its missing parents, each new one private (0700 on Unix).
pub fn create_private_dirs(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(PRIVATE_DIR_MODE);
    builder.create(dir)
}

/// Make sure `dir` exists as a directory only the caller (or root, above it) can change: the
/// existing part of its path is checked before anything is created in it, missing parts are
/// created 0700, and the whole is checked again (see [`crate::trust`]).
pub fn ensure_private_dir(dir: &Path, role: crate::trust::Role) -> Result<(), EnsureError> {
    match dir.ancestors().find(|a| a.exists()) {
        // The usual case: it is there, and one check is all.
        Some(existing) if existing == dir => {
            return crate::trust::check(dir, role).map_err(EnsureError::Untrusted);
        }
        Some(existing) => crate::trust::check(existing, role).map_err(EnsureError::Untrusted)?,
        None => {}
    }
    create_private_dirs(dir).map_err(|source| EnsureError::Create {
        dir: dir.to_path_buf(),
        source,
    })?;
    crate::trust::check(dir, role).map_err(EnsureError::Untrusted)
}

/// Why [`ensure_private_dir`] failed.
#[derive(Debug, thiserror::Error)]
pub enum EnsureError {
    /// The directory, or one above it, can be changed by others.
    #[error(transparent)]
    Untrusted(crate::trust::Untrusted),
    /// It could not be created.
    #[error("cannot create {}: {source}", .dir.display())]
    Create {
        /// The directory.
        dir: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// Options that open an existing or new file without following a symbolic link in its place,
/// with mode 0600 for a new one.
pub fn no_follow() -> OpenOptions {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    options
        .mode(PRIVATE_MODE)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    options
}

/// The directory a path lives in (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

struct TempFile {
    file: File,
    path: PathBuf,
}

/// Create a new private file next to the target with a unique name.
fn tempfile_in(dir: &Path, stem: &str) -> io::Result<TempFile> {
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = dir.join(format!(".{stem}.{pid}.{nanos:x}.{attempt}.tmp"));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(PRIVATE_MODE);
        match options.open(&path) {
            Ok(file) => return Ok(TempFile { file, path }),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "could not create a temporary file",
    ))
}

/// Flush a directory entry change (the rename) to disk; best effort where unsupported.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// An exclusive lock held until dropped.
#[derive(Debug)]
pub struct LockGuard {
    file: File,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

impl LockGuard {
    /// Whether `path` still names the file this lock is on: not removed or replaced since it
    /// was opened (a lock on a file that lost its name locks nobody out).
    pub fn still_at(&self, path: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            match (self.file.metadata(), fs::symlink_metadata(path)) {
                (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
                _ => false,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            true
        }
    }
}

/// Take an exclusive lock on `<path>.lock`, waiting for other holders. For a symbolic link the
/// lock sits beside its target, so every name of one file takes the same lock.
pub fn lock_beside(path: &Path) -> io::Result<LockGuard> {
    let target = resolve_link(path)?;
    create_private_dirs(&parent_dir(&target))?;
    let mut lock_path = target.into_os_string();
    lock_path.push(".lock");
    lock_file(Path::new(&lock_path))
}

/// Open (creating it, 0600) the file a lock is taken on; a link in its place is an error.
fn open_lock_file(lock_path: &Path) -> io::Result<File> {
    no_follow()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(lock_path)
}

/// Take an exclusive lock on the file at `lock_path`, waiting for other holders.
pub fn lock_file(lock_path: &Path) -> io::Result<LockGuard> {
    let file = open_lock_file(lock_path)?;
    file.lock()?;
    Ok(LockGuard { file })
}

/// Try to take an exclusive lock on `lock_path` without waiting; `None` when another holds it.
pub fn try_lock_file(lock_path: &Path) -> io::Result<Option<LockGuard>> {
    let file = open_lock_file(lock_path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(LockGuard { file })),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

/// What is wrong with a file in the state directory, if anything: a symbolic link (which
/// fedaws never writes through), something other than a regular file, or a file others can
/// write. `None` also when it does not exist.
pub fn state_file_problem(path: &Path) -> Option<String> {
    let meta = fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        return Some(format!(
            "{} is a symbolic link; fedaws never writes through one there: remove it",
            path.display()
        ));
    }
    if !meta.is_file() {
        return Some(format!(
            "{} is not a regular file: remove it",
            path.display()
        ));
    }
    #[cfg(unix)]
    if meta.mode() & 0o022 != 0 {
        return Some(format!(
            "{} (mode {:04o}) is writable by other users, who could tamper with it; run `chmod go-w {}`",
            path.display(),
            meta.mode() & 0o7777,
            path.display()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "temp files left behind: {leftovers:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_rewrite_keeps_the_mode_and_writes_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles/config.toml");
        write_atomic(&real, b"one").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink("dotfiles/config.toml", &link).unwrap();
        write_atomic(&link, b"two").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"two");
        assert_eq!(fs::metadata(&real).unwrap().mode() & 0o7777, 0o644);
        let guard = lock_beside(&link).unwrap();
        assert!(dir.path().join("dotfiles/config.toml.lock").exists());
        drop(guard);
    }

    #[cfg(unix)]
    #[test]
    fn lock_files_are_never_opened_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("x.lock")).unwrap();
        assert!(lock_file(&dir.path().join("x.lock")).is_err());
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
    }

    #[test]
    fn lock_is_exclusive_between_handles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        let guard = lock_beside(&path).unwrap();
        let other = File::open(dir.path().join("x.lock")).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(guard);
        other.try_lock().unwrap();
    }
}
