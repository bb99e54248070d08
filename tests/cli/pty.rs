//! Driving `fedaws` on a pseudo-terminal, as a person at a terminal would: the dialogs only run
//! when stdin and stderr are terminals.
//!
//! A [`Pty`] starts the binary in a [`TestEnv`] (cleared environment, temporary HOME and config)
//! on a fresh pty with `TERM=xterm-256color` and `NO_COLOR=1`, so the prompts are dialoguer's
//! plain theme. Every step waits for a stable prompt text before sending the next keys (dialoguer
//! redraws lines, and `read_secure` flushes input it has not read yet). Everything the process
//! printed is kept as a transcript, for failure messages and for checks that a secret never
//! appeared on the terminal.
//!
//! rexpect's own `exp_*` calls poll every 100 ms; [`Pty::expect`] polls the output every
//! millisecond instead, so the group picker timings measured with it are not rounded up.

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use rexpect::process::{Signal, WaitStatus};
use rexpect::session::PtySession;

use crate::common::TestEnv;

/// ↓ as a terminal sends it.
pub const DOWN: &str = "\x1b[B";

/// `connector add` with the account `deployer` and iam-user given but no name, so the dialog
/// asks for the rest (name, duration, groups, system scope, summary).
pub const ADD_IAM_USER_CONNECTOR: &[&str] = &[
    "--keyring",
    "keyutils",
    "connector",
    "add",
    "--account",
    "deployer",
    "--principal",
    "iam-user",
];
/// Esc.
pub const ESC: &str = "\x1b";
/// Enter.
pub const ENTER: &str = "\r";

/// The rows of the pty.
pub const ROWS: u16 = 40;
/// The columns of the pty.
pub const COLUMNS: u16 = 120;

/// How long one step (a prompt to appear, the process to exit) may take before the test fails.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// A `fedaws` process on a pseudo-terminal.
pub struct Pty {
    session: PtySession,
    /// What `fedaws ARGS` was run, for messages.
    what: String,
    /// Output read but not yet matched.
    pending: Vec<u8>,
    /// Output already matched.
    transcript: Vec<u8>,
    /// The exit status, once reaped.
    exit: Option<WaitStatus>,
}

/// How a `fedaws` process on a pty ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It exited with this code.
    Code(i32),
    /// A signal killed it.
    Signal(Signal),
}

impl Ended {
    /// The outcome of a cancelled dialog: exit 130, or killed by SIGINT.
    pub fn is_cancelled(self) -> bool {
        matches!(self, Ended::Code(130) | Ended::Signal(Signal::SIGINT))
    }
}

impl Pty {
    /// `fedaws ARGS…` on a fresh pty of [`ROWS`]×[`COLUMNS`].
    pub fn spawn(env: &TestEnv, args: &[&str]) -> Pty {
        Pty::spawn_with(env, args, &[])
    }

    /// `fedaws ARGS…` on a fresh pty of [`ROWS`]×[`COLUMNS`], with extra environment variables.
    pub fn spawn_with(env: &TestEnv, args: &[&str], vars: &[(&str, &OsStr)]) -> Pty {
        Pty::start(env, args, vars, Some((ROWS, COLUMNS)))
    }

    /// `fedaws ARGS…` on a pty that reports no size (0×0), as some CI runners' ptys and serial
    /// consoles do.
    pub fn spawn_unsized(env: &TestEnv, args: &[&str]) -> Pty {
        Pty::start(env, args, &[], None)
    }

    fn start(
        env: &TestEnv,
        args: &[&str],
        vars: &[(&str, &OsStr)],
        size: Option<(u16, u16)>,
    ) -> Pty {
        let base = env.std_command(args);
        // A new pty has no window size; `stty` gives it one before fedaws starts (same
        // process: `exec`).
        let mut cmd = std::process::Command::new("/bin/sh");
        let script = match size {
            Some((rows, cols)) => format!("stty rows {rows} cols {cols} && exec \"$0\" \"$@\""),
            None => "exec \"$0\" \"$@\"".to_string(),
        };
        cmd.arg("-c")
            .arg(script)
            .arg(base.get_program())
            .args(base.get_args())
            .env_clear();
        for (k, v) in base.get_envs() {
            if let Some(v) = v {
                cmd.env(k, v);
            }
        }
        if let Some(dir) = base.get_current_dir() {
            cmd.current_dir(dir);
        }
        cmd.env("TERM", "xterm-256color").env("NO_COLOR", "1");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let timeout_ms = u64::try_from(STEP_TIMEOUT.as_millis()).expect("a small timeout");
        let session = rexpect::session::spawn_command(cmd, Some(timeout_ms))
            .unwrap_or_else(|e| panic!("cannot start fedaws {args:?} on a pty: {e}"));
        Pty {
            session,
            what: format!("fedaws {}", args.join(" ")),
            pending: Vec::new(),
            transcript: Vec::new(),
            exit: None,
        }
    }

    /// Everything the process printed so far (matched or not), as text.
    pub fn transcript(&self) -> String {
        let mut all = self.transcript.clone();
        all.extend_from_slice(&self.pending);
        String::from_utf8_lossy(&all).into_owned()
    }

    /// Move what rexpect's reader thread has read into `pending`; true when anything came.
    fn pump(&mut self) -> bool {
        let mut got = false;
        // rexpect hands out bytes as `char`s (one per byte).
        while let Some(c) = self.session.try_read() {
            self.pending.push(u32::from(c) as u8);
            got = true;
        }
        got
    }

    /// Read everything up to the end of the output (the process has exited).
    fn drain_to_eof(&mut self) {
        if let Ok(rest) = self.session.exp_eof() {
            self.pending
                .extend(rest.chars().map(|c| u32::from(c) as u8));
        }
    }

    /// Consume `pending` up to and including `needle` if it is there.
    fn take(&mut self, needle: &[u8]) -> bool {
        let Some(pos) = find(&self.pending, needle) else {
            return false;
        };
        let upto = pos + needle.len();
        self.transcript.extend(self.pending.drain(..upto));
        true
    }

    /// Wait up to `timeout` for `needle`; `None` when it did not come (or the process ended
    /// without printing it).
    pub fn try_expect(&mut self, needle: &str, timeout: Duration) -> Option<Duration> {
        let start = Instant::now();
        let mut quiet_since = Instant::now();
        loop {
            if self.pump() {
                quiet_since = Instant::now();
            }
            if self.take(needle.as_bytes()) {
                return Some(start.elapsed());
            }
            if start.elapsed() > timeout {
                return None;
            }
            if self.exit.is_none() && quiet_since.elapsed() > Duration::from_millis(300) {
                if let Some(status) = self.session.process().status()
                    && status != WaitStatus::StillAlive
                {
                    self.exit = Some(status);
                    self.drain_to_eof();
                    let found = self.take(needle.as_bytes());
                    return found.then(|| start.elapsed());
                }
                quiet_since = Instant::now();
            }
            if self.exit.is_some() {
                return None;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Wait for `needle` to be printed; returns how long it took. Fails the test, with what the
    /// process printed, when it does not come within [`STEP_TIMEOUT`].
    pub fn expect(&mut self, needle: &str) -> Duration {
        match self.try_expect(needle, STEP_TIMEOUT) {
            Some(d) => d,
            None => self.fail(&format!("waiting for {needle:?}")),
        }
    }

    /// Like [`Pty::expect`], returning the text printed since the previous match, `needle`
    /// included.
    pub fn expect_capture(&mut self, needle: &str) -> String {
        let from = self.transcript.len();
        self.expect(needle);
        String::from_utf8_lossy(&self.transcript[from..]).into_owned()
    }

    /// Fail the test with the transcript.
    pub fn fail(&self, why: &str) -> ! {
        panic!(
            "`{}` on a pty: {why}{}\n--- matched so far ---\n{}\n--- not yet matched ---\n{}\n---",
            self.what,
            match self.exit {
                Some(s) => format!(" (the process ended: {s:?})"),
                None => String::new(),
            },
            String::from_utf8_lossy(&self.transcript),
            String::from_utf8_lossy(&self.pending),
        )
    }

    /// Send keys (escape sequences included) and flush them to the terminal.
    pub fn send(&mut self, keys: &str) {
        if let Err(e) = self.session.send(keys).and_then(|_| self.session.flush()) {
            self.fail(&format!("cannot send {keys:?}: {e}"));
        }
    }

    /// Ctrl-<c>.
    pub fn control(&mut self, c: char) {
        if let Err(e) = self.session.send_control(c) {
            self.fail(&format!("cannot send Ctrl-{c}: {e}"));
        }
    }

    /// Wait for a text prompt, type `answer`, press Enter, and wait for the answered line.
    pub fn answer(&mut self, prompt: &str, answer: &str) {
        self.expect(prompt);
        self.send(answer);
        self.send(ENTER);
        self.expect(&format!("{prompt}: {answer}"));
    }

    /// Wait for a text prompt that offers `default`, press Enter, and wait for the answered
    /// line showing the default.
    pub fn accept_default(&mut self, prompt: &str, default: &str) {
        self.expect(&format!("{prompt} [{default}]: "));
        self.send(ENTER);
        self.expect(&format!("{prompt}: {default}"));
    }

    /// Wait for a select prompt, press ↓ `downs` times until `item` (a prefix of the item's
    /// text) is highlighted, press Enter and wait for the answered line.
    pub fn choose(&mut self, prompt: &str, downs: usize, item: &str) {
        self.expect(&format!("{prompt}:"));
        for _ in 0..downs {
            self.send(DOWN);
        }
        self.expect(&format!("> {item}"));
        self.send(ENTER);
        self.expect(&format!("{prompt}: {item}"));
    }

    /// Wait for a yes/no prompt, press `key` ("y", "n" or Enter) and wait for the answer `shown`
    /// ("yes" or "no").
    pub fn confirm(&mut self, prompt: &str, key: &str, shown: &str) {
        self.expect(prompt);
        self.expect("] ");
        self.send(key);
        self.expect(&format!("{prompt} {shown}"));
    }

    /// Wait for a hidden prompt and type `secret`. The prompt flushes unread input when it
    /// switches echo off, so the line is sent again if it was swallowed.
    pub fn secret(&mut self, prompt: &str, secret: &str) {
        self.expect(&format!("{prompt}: "));
        let done = format!("{prompt}: [hidden]");
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(100));
            self.send(secret);
            self.send("\n");
            if self.try_expect(&done, Duration::from_secs(2)).is_some() {
                return;
            }
        }
        self.fail(&format!(
            "the hidden prompt {prompt:?} never took the input"
        ));
    }

    /// Wait for the process to exit; how it ended.
    pub fn finish(&mut self) -> Ended {
        let status = match self.exit {
            Some(s) => s,
            None => {
                let start = Instant::now();
                loop {
                    self.pump();
                    match self.session.process().status() {
                        Some(WaitStatus::StillAlive) | None => {}
                        Some(s) => break s,
                    }
                    if start.elapsed() > STEP_TIMEOUT {
                        self.fail("waiting for the process to exit");
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        };
        self.exit = Some(status);
        self.drain_to_eof();
        self.transcript.append(&mut self.pending);
        match status {
            WaitStatus::Exited(_, code) => Ended::Code(code),
            WaitStatus::Signaled(_, sig, _) => Ended::Signal(sig),
            other => self.fail(&format!("unexpected wait status {other:?}")),
        }
    }

    /// Wait for the process to exit and fail unless it exited with `code`.
    pub fn finish_with(&mut self, code: i32) {
        let ended = self.finish();
        if ended != Ended::Code(code) {
            self.fail(&format!("expected exit code {code}, got {ended:?}"));
        }
    }
}

/// `text` without terminal control sequences (`ESC [ … letter`) and carriage returns.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' if chars.peek() == Some(&'[') => {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}
