//! The audit log: one JSON object per line in `$XDG_STATE_HOME/fedaws/audit.jsonl`, for every
//! issuance (fresh or cached), denial and failure. Never a secret: no secret key, no session
//! token, no long-term key id.
//!
//! Each event is appended with one `write` on a file opened for appending (mode 0600, never
//! through a symbolic link), under an exclusive lock, so parallel callers never interleave. When the file would pass
//! [`MAX_SIZE`], it is rotated to `audit.1.jsonl` (and older ones shift up to [`KEEP`] files).

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fsutil;

/// The size at which the log is rotated.
pub const MAX_SIZE: u64 = 10 * 1024 * 1024;

/// How many rotated files are kept besides the current one.
pub const KEEP: usize = 5;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// New credentials from STS.
    Issued,
    /// Credentials served from the cache.
    Cached,
    /// The caller may not use the connector.
    Denied,
    /// Something failed (see `error_kind`).
    Failed,
    /// An administrator changed the config or the accounts through a broker (see `action`).
    Changed,
}

/// One line of the log.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Event {
    /// When, RFC 3339 UTC.
    pub time: String,
    /// The caller's login name.
    pub user: String,
    /// The caller's uid.
    pub uid: u32,
    /// The calling process, when a broker answered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// A `--system` caller.
    pub system: bool,
    /// The connector asked for (empty for an administrative change).
    #[serde(default)]
    pub connector: String,
    /// An administrative change made through a broker: the command and the names it was given
    /// (`account add prod`), never a flag's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// How far an `account rotate` got (`done` when it finished).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// Its principal type, once known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// Its account, once known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Why the caller was allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant: Option<String>,
    /// The requested lifetime in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// When the credentials expire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<String>,
    /// The temporary access key id (not a secret on its own; it identifies the session in
    /// CloudTrail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// What happened.
    pub outcome: Option<Outcome>,
    /// For failures and denials: the exit-code family (`aws`, `network`, `config`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
    /// For failures and denials: the message (fedaws's messages never hold secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The current log file in `dir`.
pub fn log_path(dir: &Path) -> PathBuf {
    dir.join("audit.jsonl")
}

fn rotated(dir: &Path, n: usize) -> PathBuf {
    dir.join(format!("audit.{n}.jsonl"))
}

/// Append one event, rotating first when the file would grow past `max_size`.
pub fn append(dir: &Path, event: &Event, max_size: u64) -> io::Result<()> {
    let line = line_of(event)?;
    // The caller has made the directory (private, checked: see `fsutil::ensure_private_dir`).
    let _lock = fsutil::lock_file(&dir.join("audit.lock"))?;
    let path = log_path(dir);
    let size = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    if size > 0 && size + line.len() as u64 > max_size {
        rotate(dir)?;
    }
    let mut file = open_current(dir)?;
    file.write_all(line.as_bytes())
}

/// An event as its line in the log.
fn line_of(event: &Event) -> io::Result<String> {
    let mut line = serde_json::to_string(event).map_err(io::Error::other)?;
    line.push('\n');
    Ok(line)
}

/// The current file, opened for appending (made 0600 when missing; never through a link).
fn open_current(dir: &Path) -> io::Result<fs::File> {
    fsutil::no_follow()
        .append(true)
        .create(true)
        .open(log_path(dir))
}

/// Shift the rotated files up by one (the oldest goes) and the current file to `audit.1.jsonl`.
fn rotate(dir: &Path) -> io::Result<()> {
    for n in (1..KEEP).rev() {
        let from = rotated(dir, n);
        if from.exists() {
            fs::rename(&from, rotated(dir, n + 1))?;
        }
    }
    fs::rename(log_path(dir), rotated(dir, 1))
}

/// The audit log of a long-running process that is its only writer (a broker): its lock held
/// for the writer's life, the file kept open, each event one `write`, rotation by the size the
/// writer keeps count of. What `append` does per event, done once.
pub struct Writer {
    dir: PathBuf,
    max_size: u64,
    file: fs::File,
    size: u64,
    _lock: fsutil::LockGuard,
}

/// Another process holds the audit log's lock.
#[derive(Debug, thiserror::Error)]
#[error("another process is writing the audit log in {}: is another broker using this state directory?", .0.display())]
pub struct Busy(pub PathBuf);

impl Writer {
    /// Take the log in `dir` (made and checked by the caller), rotating at `max_size`.
    pub fn open(dir: &Path, max_size: u64) -> anyhow::Result<Writer> {
        let lock = fsutil::try_lock_file(&dir.join("audit.lock"))?
            .ok_or_else(|| Busy(dir.to_path_buf()))?;
        let file = open_current(dir)?;
        let size = file.metadata()?.len();
        Ok(Writer {
            dir: dir.to_path_buf(),
            max_size,
            file,
            size,
            _lock: lock,
        })
    }

    /// Append one event.
    pub fn append(&mut self, event: &Event) -> io::Result<()> {
        let line = line_of(event)?;
        let len = line.len() as u64;
        if self.size > 0 && self.size + len > self.max_size {
            rotate(&self.dir)?;
            self.file = open_current(&self.dir)?;
            self.size = 0;
        }
        self.file.write_all(line.as_bytes())?;
        self.size += len;
        Ok(())
    }
}

/// What [`read`] found.
#[derive(Debug, Default)]
pub struct Log {
    /// Every event, oldest first.
    pub events: Vec<Event>,
    /// Lines that were not events (not UTF-8, not JSON, not shaped like an event).
    pub skipped: usize,
}

/// Every event in the log, oldest first (rotated files, then the current one). A line that is
/// not an event is counted and skipped, so one damaged line never hides the rest.
pub fn read(dir: &Path) -> io::Result<Log> {
    read_where(dir, |_| true)
}

/// [`read`], keeping only the events `keep` accepts (the others are never held at once: a
/// broker reading one user's events from a large log).
pub fn read_where(dir: &Path, keep: impl Fn(&Event) -> bool) -> io::Result<Log> {
    let mut files: Vec<PathBuf> = (1..=KEEP).rev().map(|n| rotated(dir, n)).collect();
    files.push(log_path(dir));
    let mut log = Log::default();
    for f in files {
        let file = match fsutil::no_follow().read(true).open(&f) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", f.display()))),
        };
        for line in io::BufReader::new(file).split(b'\n') {
            let line = line?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Event>(&line) {
                Ok(event) if keep(&event) => log.events.push(event),
                Ok(_) => {}
                Err(_) => log.skipped += 1,
            }
        }
    }
    Ok(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: usize) -> Event {
        Event {
            time: "2026-11-29T12:00:00Z".into(),
            user: "alice".into(),
            connector: format!("c{n}"),
            outcome: Some(Outcome::Issued),
            ..Event::default()
        }
    }

    #[test]
    fn a_writer_holds_the_log_appends_and_rotates() {
        let dir = tempfile::tempdir().unwrap();
        let line = line_of(&event(0)).unwrap().len() as u64;
        let mut writer = Writer::open(dir.path(), line * 3).unwrap();
        let second = Writer::open(dir.path(), line * 3).err().unwrap();
        assert!(second.is::<Busy>(), "{second:#}");
        for n in 0..5 {
            writer.append(&event(n)).unwrap();
        }
        let log = read(dir.path()).unwrap();
        let connectors: Vec<&str> = log.events.iter().map(|e| e.connector.as_str()).collect();
        assert_eq!(connectors, ["c0", "c1", "c2", "c3", "c4"]);
        assert!(
            rotated(dir.path(), 1).exists(),
            "no rotation at the size limit"
        );
        drop(writer);
        Writer::open(dir.path(), line * 3).expect("the lock is freed with the writer");
    }

    #[test]
    fn appends_and_rotates_within_bounds() {
        let dir = tempfile::tempdir().unwrap();
        for n in 0..100 {
            append(dir.path(), &event(n), 1000).unwrap();
        }
        let events = read(dir.path()).unwrap().events;
        assert!(events.len() < 100, "old files beyond KEEP are dropped");
        assert_eq!(events.last().unwrap().connector, "c99");
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".jsonl"))
            .collect();
        names.sort();
        assert_eq!(names.len(), KEEP + 1, "{names:?}");
        for n in &names {
            assert!(fs::metadata(dir.path().join(n)).unwrap().len() <= 1000);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(log_path(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn damaged_lines_are_counted_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        append(dir.path(), &event(1), MAX_SIZE).unwrap();
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(log_path(dir.path()))
            .unwrap();
        file.write_all(b"\xff\xfe not utf-8\n{not json\n[1,2]\n\n")
            .unwrap();
        append(dir.path(), &event(2), MAX_SIZE).unwrap();
        let log = read(dir.path()).unwrap();
        assert_eq!(log.skipped, 3);
        let names: Vec<&str> = log.events.iter().map(|e| e.connector.as_str()).collect();
        assert_eq!(names, ["c1", "c2"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_the_log_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        fs::write(&elsewhere, "").unwrap();
        std::os::unix::fs::symlink(&elsewhere, log_path(dir.path())).unwrap();
        assert!(append(dir.path(), &event(1), MAX_SIZE).is_err());
        assert_eq!(fs::read(&elsewhere).unwrap(), b"");
    }
}
