//! Atomic file writes and inter-process locks: the only way fedaws changes a file.
//!
//! A write goes to a temporary file in the same directory, is flushed to disk, and is renamed over
//! the target, so a reader sees the old file or the new one, never half of either. Locks are OS
//! file locks on a sibling `.lock` file: they are released by the kernel when the holder exits, so
//! a crashed process can never wedge the next one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

/// Mode for files that may hold anything sensitive: owner read/write only.
pub const PRIVATE_MODE: u32 = 0o600;

/// Write `contents` to `path` atomically with mode 0600 (on Unix), creating parent directories.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = parent_dir(path);
    fs::create_dir_all(&dir)?;
    let file_name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp = tempfile_in(&dir, file_name.to_string_lossy().as_ref())?;
    let result = (|| {
        tmp.file.write_all(contents)?;
        tmp.file.sync_all()?;
        fs::rename(&tmp.path, path)?;
        sync_dir(&dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp.path);
    }
    result
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

/// Take an exclusive lock on `<path>.lock`, waiting for other holders.
pub fn lock_beside(path: &Path) -> io::Result<LockGuard> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    lock_file(Path::new(&lock_path))
}

/// Open (creating it, 0600, with its directory) the file a lock is taken on.
fn open_lock_file(lock_path: &Path) -> io::Result<File> {
    if let Some(dir) = lock_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    options.mode(PRIVATE_MODE);
    options.open(lock_path)
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

/// True when a file can be written by users other than its owner (group or world write bits).
#[cfg(unix)]
pub fn writable_by_others(path: &Path) -> io::Result<bool> {
    Ok(fs::metadata(path)?.permissions().mode() & 0o022 != 0)
}

/// Other platforms: permissions are not Unix bits; report nothing.
#[cfg(not(unix))]
pub fn writable_by_others(_path: &Path) -> io::Result<bool> {
    Ok(false)
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
