//! The audit log: one JSON object per line in `$XDG_STATE_HOME/fedaws/audit.jsonl`, for every
//! issuance (fresh or cached), denial and failure. Never a secret: no secret key, no session
//! token, no long-term key id.
//!
//! Each event is appended with one `write` on a file opened for appending (mode 0600, never
//! through a symbolic link), under an exclusive lock, so parallel callers never interleave.
//!
//! Nothing is ever deleted to make room, as with Vault's audit devices: when the file would pass
//! [`MAX_SIZE`] it is renamed after the moment it was closed (`audit.20261205T101500Z.jsonl`)
//! and a new one begun, so that whoever can make fedaws write lines can fill a disk but never
//! push another user's line out of the history. When a line cannot be written, the write fails
//! whole (a torn line is cut off again), and a broker refuses the request that would have
//! written it. A broker also bounds what each user can make it write ([`Throttle`]).
//!
//! The log is read newest first ([`newest`]): a file at a time from its end, stopping at a
//! count, a time or a number of bytes, so that reading the last events of a large history costs
//! what those events cost.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fsutil;

/// The size at which the log is rotated.
pub const MAX_SIZE: u64 = 10 * 1024 * 1024;

/// How many events of one user a broker writes one by one within a second, besides issuances
/// and administrative changes; the rest of that second are counted into one line per outcome.
pub const BURST: u32 = 10;

/// The longest line the reader takes for an event (fedaws writes lines far shorter); a longer
/// run of bytes without a newline is counted as damaged.
const MAX_LINE: usize = 256 * 1024;

/// How much of a file the reader reads at once, from its end.
const CHUNK: usize = 64 * 1024;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// The connector asked for (empty for an administrative change; `*` in a summary of
    /// several).
    #[serde(default)]
    pub connector: String,
    /// An administrative change made through a broker: the command's words and every name it
    /// was given (`group add-member ops alice bob`), never a flag's value that is not a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// How far an `account rotate` got (`done` when it finished, `start` when it was refused
    /// before it began).
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
    /// A summary: this line stands for this many events of the user with this outcome within
    /// one second, past the [`BURST`] written one by one (the fields are the last one's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeated: Option<u64>,
}

/// The current log file in `dir`.
pub fn log_path(dir: &Path) -> PathBuf {
    dir.join("audit.jsonl")
}

/// Where a file in the history stands: older ones first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Age {
    /// `audit.N.jsonl`, as earlier versions rotated (a higher N is older).
    Numbered(std::cmp::Reverse<u32>),
    /// `audit.STAMP[.K].jsonl`: closed at STAMP, the K-th that second.
    Closed(String, u32),
    /// `audit.jsonl`, being written.
    Current,
}

/// Where the file named `name` stands in the history, if it is one of the log's.
fn age_of(name: &str) -> Option<Age> {
    if name == "audit.jsonl" {
        return Some(Age::Current);
    }
    let middle = name.strip_prefix("audit.")?.strip_suffix(".jsonl")?;
    if !middle.is_empty() && middle.len() <= 3 && middle.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Age::Numbered(std::cmp::Reverse(middle.parse().ok()?)));
    }
    let (stamp, k) = match middle.split_once('.') {
        Some((stamp, k)) => (stamp, k.parse().ok()?),
        None => (middle, 1),
    };
    let stamp_shaped = stamp.len() == 16
        && stamp.as_bytes()[8] == b'T'
        && stamp.ends_with('Z')
        && stamp
            .bytes()
            .enumerate()
            .all(|(i, b)| matches!(i, 8 | 15) || b.is_ascii_digit());
    stamp_shaped.then(|| Age::Closed(stamp.to_string(), k))
}

/// Every file of the log in `dir`, oldest first, the current one (when there is one) last.
pub fn history(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files: Vec<(Age, PathBuf)> = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        if let Some(age) = entry.file_name().to_str().and_then(age_of) {
            files.push((age, entry.path()));
        }
    }
    files.sort();
    Ok(files.into_iter().map(|(_, path)| path).collect())
}

/// Append one event, rotating first when the file would grow past `max_size`.
pub fn append(dir: &Path, event: &Event, max_size: u64) -> io::Result<()> {
    let line = line_of(event)?;
    // The caller has made the directory (private, checked: see `fsutil::ensure_private_dir`).
    let _lock = fsutil::lock_file(&dir.join("audit.lock"))?;
    let size = fs::metadata(log_path(dir)).map(|m| m.len()).unwrap_or(0);
    if size > 0 && size + line.len() as u64 > max_size {
        rotate(dir)?;
    }
    let mut file = open_current(dir)?;
    let size = size_of(&file);
    write_whole(&mut file, size, line.as_bytes())
}

/// An event as its line in the log.
fn line_of(event: &Event) -> io::Result<String> {
    let mut line = serde_json::to_string(event).map_err(io::Error::other)?;
    line.push('\n');
    Ok(line)
}

fn size_of(file: &fs::File) -> u64 {
    file.metadata().map(|m| m.len()).unwrap_or(0)
}

/// Write `line` at the end of `file` (which was `size` long), or nothing: a line the disk could
/// take only part of is cut off again, so the next one does not start inside it.
fn write_whole(file: &mut fs::File, size: u64, line: &[u8]) -> io::Result<()> {
    file.write_all(line).map_err(|e| {
        let _ = file.set_len(size);
        io::Error::new(
            e.kind(),
            format!("the audit log cannot take another line ({e})"),
        )
    })
}

/// The current file, opened for appending (made 0600 when missing; never through a link).
fn open_current(dir: &Path) -> io::Result<fs::File> {
    fsutil::no_follow()
        .append(true)
        .create(true)
        .open(log_path(dir))
}

/// Close the current file: it keeps its lines under the name of the moment it was closed (a
/// name no file has: never one written over), and the next line starts a new current file.
fn rotate(dir: &Path) -> io::Result<()> {
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let current = log_path(dir);
    for k in 1u32.. {
        let name = if k == 1 {
            format!("audit.{stamp}.jsonl")
        } else {
            format!("audit.{stamp}.{k}.jsonl")
        };
        let closed = dir.join(name);
        // A link fails where the name is taken, where a rename would replace what is there.
        match fs::hard_link(&current, &closed) {
            Ok(()) => return fs::remove_file(&current),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            // A file system without hard links: the rename, to a name checked to be free
            // (under the log's lock, nobody else rotates meanwhile).
            Err(_) if !closed.exists() => return fs::rename(&current, &closed),
            Err(e) => return Err(e),
        }
    }
    unreachable!("some name of the second is free")
}

/// The audit log of a long-running process that is its only writer (a broker): its lock held
/// for the writer's life, the file kept open, each event one `write`, rotation by the size the
/// writer keeps count of. What `append` does per event, done once.
pub struct Writer {
    dir: PathBuf,
    max_size: u64,
    /// The current file; `None` from a rotation until the next line opens the new one.
    file: Option<fs::File>,
    size: u64,
    _lock: Option<fsutil::LockGuard>,
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
            file: Some(file),
            size,
            _lock: Some(lock),
        })
    }

    /// Append one event; an error when the line could not be written whole.
    pub fn append(&mut self, event: &Event) -> io::Result<()> {
        let line = line_of(event)?;
        let len = line.len() as u64;
        if self.size > 0 && self.size + len > self.max_size {
            // Closed first: Windows keeps the name of a file that is open until it is closed.
            self.file = None;
            rotate(&self.dir)?;
            self.size = 0;
        }
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(open_current(&self.dir)?),
        };
        write_whole(file, self.size, line.as_bytes())?;
        self.size += len;
        Ok(())
    }
}

/// What a broker writes of each user's events: every issuance and change, and of the rest, the
/// first [`BURST`] of a second one by one and the others counted into one line per outcome
/// (`"repeated": N`) once the second is over. However fast a user makes requests that are
/// refused, fail or hit the cache, they cost a few lines a second, not megabytes.
#[derive(Debug, Default)]
pub struct Throttle {
    users: HashMap<u32, Window>,
}

/// One user's current second.
#[derive(Debug, Default)]
struct Window {
    second: i64,
    written: u32,
    /// Events of the second past the burst, by outcome: the last one and how many.
    held: Vec<Held>,
}

#[derive(Debug)]
struct Held {
    last: Event,
    count: u64,
    /// The connectors of the held events were not all the same.
    mixed: bool,
}

impl Throttle {
    /// The lines to write for `event`, made at `second` (Unix time): summaries of the user's
    /// earlier seconds, then the event itself unless it is counted into a summary.
    pub fn take(&mut self, event: Event, second: i64) -> Vec<Event> {
        if matches!(
            event.outcome,
            None | Some(Outcome::Issued | Outcome::Changed)
        ) {
            return vec![event];
        }
        let window = self.users.entry(event.uid).or_default();
        let mut lines = Vec::new();
        if window.second != second {
            lines.extend(window.held.drain(..).map(Held::summary));
            window.second = second;
            window.written = 0;
        }
        if window.written < BURST {
            window.written += 1;
            lines.push(event);
            return lines;
        }
        match window
            .held
            .iter_mut()
            .find(|h| h.last.outcome == event.outcome)
        {
            Some(held) => {
                held.mixed |= held.last.connector != event.connector;
                held.count += 1;
                held.last = event;
            }
            None => window.held.push(Held {
                last: event,
                count: 1,
                mixed: false,
            }),
        }
        lines
    }

    /// The summaries of every second before `second`, which a broker writes as its clock ticks
    /// (a user who stopped asking is summed up all the same); users with nothing held are
    /// forgotten.
    pub fn due(&mut self, second: i64) -> Vec<Event> {
        let mut lines = Vec::new();
        self.users.retain(|_, window| {
            if window.second < second {
                lines.extend(window.held.drain(..).map(Held::summary));
                false
            } else {
                true
            }
        });
        lines
    }
}

impl Held {
    fn summary(self) -> Event {
        let mut event = self.last;
        if self.mixed {
            event.connector = "*".to_string();
        }
        event.pid = None;
        event.repeated = Some(self.count);
        event
    }
}

/// Bytes every line of `uid`'s events holds, as [`Event`] is written (`"uid":1001,`): a cheap
/// test before a line is parsed ([`Query::holding`]).
pub fn uid_marker(uid: u32) -> Vec<u8> {
    format!("\"uid\":{uid},").into_bytes()
}

/// What [`newest`] looks for. The default: every event.
#[derive(Default)]
pub struct Query<'a> {
    /// Bytes a line must hold to be looked at (a cheap test before parsing it).
    pub holding: Option<Vec<u8>>,
    /// Which events to keep.
    pub keep: Option<&'a dyn Fn(&Event) -> bool>,
    /// Stop at the first event older than this.
    pub since: Option<jiff::Timestamp>,
    /// The most events to return: the newest ones.
    pub limit: Option<usize>,
    /// The most bytes of the log to read.
    pub max_bytes: Option<u64>,
}

/// What [`newest`] found.
#[derive(Debug, Default)]
pub struct Log {
    /// The events, oldest first.
    pub events: Vec<Event>,
    /// Lines that were not events (not UTF-8, not JSON, not shaped like an event, too long).
    pub skipped: usize,
    /// The read stopped at [`Query::max_bytes`] before the beginning of the history.
    pub cut: bool,
}

/// Every event in the log, oldest first. A line that is not an event is counted and skipped, so
/// one damaged line never hides the rest.
pub fn read(dir: &Path) -> io::Result<Log> {
    newest(dir, &Query::default())
}

/// The newest events that `query` asks for, read from the end of the history backwards and no
/// further than it allows; returned oldest first.
pub fn newest(dir: &Path, query: &Query<'_>) -> io::Result<Log> {
    let mut log = Log::default();
    let mut budget = query.max_bytes.unwrap_or(u64::MAX);
    let finder = query.holding.as_deref().map(memchr::memmem::Finder::new);
    let mut look = |line: &[u8], log: &mut Log| {
        if line.iter().all(u8::is_ascii_whitespace) {
            return true;
        }
        if finder.as_ref().is_some_and(|f| f.find(line).is_none()) {
            return true;
        }
        let Ok(event) = serde_json::from_slice::<Event>(line) else {
            log.skipped += 1;
            return true;
        };
        if let Some(since) = query.since
            && event
                .time
                .parse::<jiff::Timestamp>()
                .is_ok_and(|t| t < since)
        {
            return false;
        }
        if query.keep.is_none_or(|keep| keep(&event)) {
            log.events.push(event);
        }
        query.limit.is_none_or(|n| log.events.len() < n)
    };
    if query.limit == Some(0) {
        return Ok(log);
    }
    for path in history(dir)?.iter().rev() {
        let mut file = match fsutil::no_follow().read(true).open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        };
        match backwards(&mut file, &mut budget, &mut log, &mut look)? {
            Flow::Whole => {}
            Flow::Stopped => break,
            Flow::OutOfBudget => {
                log.cut = true;
                break;
            }
        }
    }
    log.events.reverse();
    Ok(log)
}

/// How a backwards read of one file ended.
enum Flow {
    /// It reached the file's beginning.
    Whole,
    /// The reader had what it wanted.
    Stopped,
    /// The byte budget ran out.
    OutOfBudget,
}

/// Each line of `file`, last first, to `look` (which says whether to go on), reading at most
/// `budget` bytes (taken from it).
fn backwards(
    file: &mut fs::File,
    budget: &mut u64,
    log: &mut Log,
    look: &mut dyn FnMut(&[u8], &mut Log) -> bool,
) -> io::Result<Flow> {
    let mut pos = file.metadata()?.len();
    // The bytes after the last newline found: a line whose beginning is not read yet.
    let mut tail: Vec<u8> = Vec::new();
    // The line being read is longer than any event: it is dropped when its beginning is found.
    let mut overlong = false;
    let mut chunk = vec![0u8; CHUNK];
    while pos > 0 {
        if *budget == 0 {
            return Ok(Flow::OutOfBudget);
        }
        let n = (CHUNK as u64).min(pos).min(*budget) as usize;
        pos -= n as u64;
        *budget -= n as u64;
        file.seek(SeekFrom::Start(pos))?;
        file.read_exact(&mut chunk[..n])?;
        let mut data = Vec::with_capacity(n + tail.len());
        data.extend_from_slice(&chunk[..n]);
        data.append(&mut tail);
        let mut end = data.len();
        for i in memchr::memrchr_iter(b'\n', &data) {
            let line = &data[i + 1..end];
            end = i;
            if overlong {
                overlong = false;
                continue;
            }
            if !look(line, log) {
                return Ok(Flow::Stopped);
            }
        }
        tail = data[..end].to_vec();
        if tail.len() > MAX_LINE {
            if !overlong {
                log.skipped += 1;
            }
            overlong = true;
            tail.clear();
        }
    }
    if !overlong && !look(&tail, log) {
        return Ok(Flow::Stopped);
    }
    Ok(Flow::Whole)
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

    fn connectors(log: &Log) -> Vec<&str> {
        log.events.iter().map(|e| e.connector.as_str()).collect()
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
        assert_eq!(connectors(&log), ["c0", "c1", "c2", "c3", "c4"]);
        assert_eq!(
            history(dir.path()).unwrap().len(),
            2,
            "no rotation at the size limit"
        );
        drop(writer);
        Writer::open(dir.path(), line * 3).expect("the lock is freed with the writer");
    }

    #[test]
    fn rotation_keeps_every_line_however_many_files_it_takes() {
        let dir = tempfile::tempdir().unwrap();
        for n in 0..300 {
            append(dir.path(), &event(n), 1000).unwrap();
        }
        let log = read(dir.path()).unwrap();
        let want: Vec<String> = (0..300).map(|n| format!("c{n}")).collect();
        assert_eq!(connectors(&log), want, "a line was lost to rotation");
        let files = history(dir.path()).unwrap();
        assert!(files.len() > 20, "{} files", files.len());
        for f in &files {
            assert!(fs::metadata(f).unwrap().len() <= 1000);
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
    fn files_of_earlier_versions_are_read_before_the_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let put = |name: &str, n: usize| {
            fs::write(dir.path().join(name), line_of(&event(n)).unwrap()).unwrap();
        };
        put("audit.2.jsonl", 0);
        put("audit.1.jsonl", 1);
        put("audit.20261201T000000Z.jsonl", 2);
        put("audit.20261201T000000Z.2.jsonl", 3);
        put("audit.20261201T000000Z.10.jsonl", 4);
        put("audit.20261202T000000Z.jsonl", 5);
        put("audit.jsonl", 6);
        put("audit.lock", 99);
        put("audit.notes.jsonl", 99);
        let log = read(dir.path()).unwrap();
        assert_eq!(connectors(&log), ["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
    }

    #[test]
    fn the_newest_are_read_from_the_end_within_the_bounds() {
        let dir = tempfile::tempdir().unwrap();
        for n in 0..2000 {
            let mut e = event(n);
            e.uid = (n % 2) as u32;
            e.time = crate::output::rfc3339(
                jiff::Timestamp::from_second(1_800_000_000 + n as i64).unwrap(),
            );
            append(dir.path(), &e, 50_000).unwrap();
        }
        let keep = |e: &Event| e.uid == 1;
        let last = newest(
            dir.path(),
            &Query {
                holding: Some(uid_marker(1)),
                keep: Some(&keep),
                limit: Some(3),
                ..Query::default()
            },
        )
        .unwrap();
        assert_eq!(connectors(&last), ["c1995", "c1997", "c1999"]);
        assert!(!last.cut);

        let since = jiff::Timestamp::from_second(1_800_000_000 + 1990).unwrap();
        let recent = newest(
            dir.path(),
            &Query {
                since: Some(since),
                ..Query::default()
            },
        )
        .unwrap();
        assert_eq!(recent.events.len(), 10);
        assert_eq!(recent.events[0].connector, "c1990");

        let bounded = newest(
            dir.path(),
            &Query {
                max_bytes: Some(20_000),
                ..Query::default()
            },
        )
        .unwrap();
        assert!(bounded.cut, "the read went past its bound");
        let line = line_of(&event(1999)).unwrap().len();
        assert!(bounded.events.len() <= 20_000 / (line - 20));
        assert_eq!(bounded.events.last().unwrap().connector, "c1999");
    }

    #[test]
    fn every_line_holds_its_users_marker() {
        // However an event is filled in, its line holds the marker a reader looks for first.
        let full = Event {
            uid: 1001,
            pid: Some(7),
            system: true,
            action: Some("group add-member ops \"uid\":2,".into()),
            error: Some("\"uid\":2, in a message".into()),
            repeated: Some(3),
            ..event(1)
        };
        for e in [event(1), full] {
            let line = line_of(&Event { uid: 1001, ..e }).unwrap();
            assert!(line.contains("\"uid\":1001,"), "{line}");
            let bytes = line.as_bytes();
            let marker = uid_marker(1001);
            assert!(bytes.windows(marker.len()).any(|w| w == marker.as_slice()));
            // A marker inside a string value is escaped, so it never stands for another user.
            let other = uid_marker(2);
            assert!(
                !bytes.windows(other.len()).any(|w| w == other.as_slice()),
                "{line}"
            );
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
        // A line far longer than any event, across many chunks.
        file.write_all(&vec![b'x'; 3 * MAX_LINE]).unwrap();
        file.write_all(b"\n").unwrap();
        append(dir.path(), &event(2), MAX_SIZE).unwrap();
        let log = read(dir.path()).unwrap();
        assert_eq!(log.skipped, 4);
        assert_eq!(connectors(&log), ["c1", "c2"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_line_the_disk_cannot_take_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = Writer {
            dir: dir.path().to_path_buf(),
            max_size: MAX_SIZE,
            file: Some(
                fs::OpenOptions::new()
                    .append(true)
                    .open("/dev/full")
                    .unwrap(),
            ),
            size: 0,
            _lock: None,
        };
        let e = writer.append(&event(1)).unwrap_err();
        assert!(e.to_string().contains("cannot take another line"), "{e}");
    }

    #[test]
    fn a_flood_of_refusals_costs_a_line_a_second() {
        let mut throttle = Throttle::default();
        let denied = |uid: u32, connector: &str| Event {
            uid,
            connector: connector.into(),
            outcome: Some(Outcome::Denied),
            ..Event::default()
        };
        let mut written = Vec::new();
        for n in 0..10_000 {
            let connector = if n % 2 == 0 { "a" } else { "b" };
            written.extend(throttle.take(denied(7, connector), 100));
        }
        // Another user, in the same second, is not held up by the first one's flood.
        written.extend(throttle.take(denied(8, "a"), 100));
        assert_eq!(written.len(), BURST as usize + 1);
        // Issuances are always written.
        let mut issued = denied(7, "a");
        issued.outcome = Some(Outcome::Issued);
        assert_eq!(throttle.take(issued, 100).len(), 1);
        // The next second sums the last one up.
        let next = throttle.take(denied(7, "a"), 101);
        assert_eq!(next.len(), 2, "{next:?}");
        assert_eq!(next[0].repeated, Some(10_000 - u64::from(BURST)));
        assert_eq!(next[0].connector, "*");
        assert_eq!(next[1].repeated, None);
        // And a user who stopped is summed up as the clock ticks.
        for _ in 0..BURST + 5 {
            throttle.take(denied(9, "a"), 101);
        }
        let due = throttle.due(102);
        assert_eq!(due.len(), 1);
        assert_eq!((due[0].uid, due[0].repeated), (9, Some(5)));
        assert_eq!(due[0].connector, "a");
        assert!(throttle.due(103).is_empty());
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
