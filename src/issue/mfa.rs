//! MFA codes: from an account's `mfa_process`, a command run contained, else from the person at
//! the terminal ([`code`]).
//!
//! The command comes from the config (only a trusted one is ever loaded, see [`crate::trust`])
//! and may hold a TOTP seed, so its text is never printed, audited or put in an argv: `sh` gets
//! it through its environment and drops the variable before running it. It runs in a session
//! and process group of its own (`setsid`, where there is one; else a process group), without a
//! terminal: a command that wants to prompt fails at once instead of being stopped in the
//! background until its timeout (fedaws asks on the terminal itself when there is no
//! `mfa_process`). Its stdin is `/dev/null`, its stdout is read as the code and its stderr kept
//! for `-v`. The whole group is killed when the command outlives its timeout, and also when fedaws
//! itself dies: a small watcher in the group waits on a pipe only fedaws holds open, and kills
//! the group when the pipe closes (which the kernel does however fedaws ends). Once the command
//! has exited, closing that pipe also ends whatever it left running in its group.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::{Services, check_code};
use crate::config::{Account, Config};

/// The MFA code for `serial`: from the account's `mfa_process` when it has one, else from the
/// person at the terminal (never stdin or stdout, which belong to the caller, e.g. the AWS CLI).
pub fn code(
    services: &mut dyn Services,
    serial: &str,
    account_name: &str,
    account: &Account,
    config: &Config,
) -> anyhow::Result<SecretString> {
    if let Some(command) = &account.mfa_process {
        let timeout = config
            .settings
            .mfa_process_timeout
            .map_or(DEFAULT_TIMEOUT, |s| Duration::from_secs(s.into()));
        let code = run(account_name, command, timeout).inspect_err(|e| {
            if !e.stderr.is_empty() {
                services.debug(
                    1,
                    format_args!(
                        "the mfa_process of account `{account_name}` wrote on stderr:\n{}",
                        e.stderr
                    ),
                );
            }
        })?;
        return Ok(check_code(
            &format!("the output of the mfa_process of account `{account_name}`"),
            code.expose_secret(),
        )?);
    }
    match services.ask_mfa_code(serial)? {
        Some(code) => Ok(code),
        None => Err(NoTerminal {
            serial: serial.to_string(),
        }
        .into()),
    }
}

/// An MFA code is needed and there is no one to ask.
#[derive(Debug, thiserror::Error)]
#[error(
    "an MFA code for {serial} is needed and there is no terminal to ask on: give --mfa-code CODE, or set mfa_process on the account to a command that prints the code"
)]
pub struct NoTerminal {
    /// The MFA device.
    pub serial: String,
}

/// Ask for the code for `serial` on the terminal (`/dev/tty`); `None` when there is none.
pub fn ask_on_terminal(serial: &str) -> anyhow::Result<Option<SecretString>> {
    use std::io::{BufRead, Write};
    let Ok(tty) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(TERMINAL)
    else {
        return Ok(None);
    };
    let mut writer = &tty;
    write!(writer, "MFA code for {serial}: ")?;
    writer.flush()?;
    let mut line = String::new();
    std::io::BufReader::new(&tty).read_line(&mut line)?;
    let code = check_code("MFA code", &line);
    zeroize::Zeroize::zeroize(&mut line);
    Ok(Some(code?))
}

/// The controlling terminal.
#[cfg(unix)]
const TERMINAL: &str = "/dev/tty";

/// The console.
#[cfg(not(unix))]
const TERMINAL: &str = "CON";

/// How long an `mfa_process` may run unless `settings.mfa_process_timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// At most this much of the command's stdout and stderr is kept.
const OUTPUT_LIMIT: u64 = 64 * 1024;

/// How long the command's output may stay open after it exited (something it started in the
/// background and moved out of its group may hold it).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// The script `sh` runs: start the watcher on the pipe (fd 0 at first), give the command
/// `/dev/null` as stdin, take its text out of the environment, and run it.
#[cfg(unix)]
const WRAPPER: &str = r#"exec 3<&0 </dev/null
(read -r _ <&3; kill -KILL 0) >/dev/null 2>&1 &
exec 3<&-
c=$FEDAWS_MFA_PROCESS
unset FEDAWS_MFA_PROCESS
eval "$c""#;

/// The environment variable the command text travels in.
#[cfg(unix)]
const COMMAND_VAR: &str = "FEDAWS_MFA_PROCESS";

/// Why an `mfa_process` gave no code. The message names the account, never the command.
#[derive(Debug, thiserror::Error)]
#[error("the mfa_process of account `{account}` {what}; fix it, or give --mfa-code")]
pub struct ProcessError {
    /// The account whose `mfa_process` it was.
    pub account: String,
    /// What happened, as the end of a sentence.
    pub what: String,
    /// What the command wrote on stderr (shown with `-v` only: it is the command's own text).
    pub stderr: String,
}

/// Run `command` for `account` and return what it printed, trimmed: the caller checks that it is
/// a code (and never echoes it).
pub fn run(account: &str, command: &str, timeout: Duration) -> Result<SecretString, ProcessError> {
    let fail = |what: String, stderr: String| ProcessError {
        account: account.to_string(),
        what,
        stderr,
    };
    let contained =
        spawn(command).map_err(|e| fail(format!("could not be started ({e})"), String::new()))?;
    let Contained {
        mut child,
        guard,
        stdout,
        stderr,
    } = contained;
    let group = child.id();
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait());
    });
    let status: Result<ExitStatus, String> = match finished.recv_timeout(timeout) {
        Ok(Ok(status)) => Ok(status),
        Ok(Err(e)) => Err(format!("could not be waited for ({e})")),
        Err(_) => {
            kill_group(group);
            let _ = finished.recv_timeout(DRAIN_TIMEOUT);
            Err(format!(
                "did not finish within {} s (settings.mfa_process_timeout) and was stopped",
                timeout.as_secs()
            ))
        }
    };
    // Closing the pipe ends the watcher and with it anything the command left in its group.
    drop(guard);
    let stderr_text = drained(stderr)
        .map(|b| String::from_utf8_lossy(&b).trim_end().to_string())
        .unwrap_or_default();
    let status = status.map_err(|what| fail(what, stderr_text.clone()))?;
    if !status.success() {
        return Err(fail(describe(status), stderr_text));
    }
    let out = drained(stdout).ok_or_else(|| {
        fail(
            "left a process running that holds its output".into(),
            stderr_text.clone(),
        )
    })?;
    let text = String::from_utf8_lossy(&out).trim().to_string();
    let mut out = out;
    zeroize::Zeroize::zeroize(&mut out);
    Ok(SecretString::from(text))
}

/// "exited 1", "was killed by signal 9".
fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("was killed by signal {sig}");
        }
    }
    match status.code() {
        Some(code) => format!("exited {code}"),
        None => format!("failed ({status})"),
    }
}

/// A running command and what fedaws holds of it.
struct Contained {
    child: std::process::Child,
    /// The write end of the watcher's pipe (Unix): dropping it ends the group.
    guard: Option<std::io::PipeWriter>,
    stdout: mpsc::Receiver<Vec<u8>>,
    stderr: mpsc::Receiver<Vec<u8>>,
}

#[cfg(unix)]
fn spawn(command: &str) -> std::io::Result<Contained> {
    use std::os::unix::process::CommandExt;
    let (watch, guard) = std::io::pipe()?;
    let contained = |program: &str| {
        let mut cmd = Command::new(program);
        if program == "setsid" {
            // Not a group leader, so setsid(1) makes the new session itself and executes sh:
            // the child's pid is the session's and the group's.
            cmd.arg("sh");
        } else {
            cmd.process_group(0);
        }
        cmd.arg("-c")
            .arg(WRAPPER)
            .env(COMMAND_VAR, command)
            .stdin(watch.try_clone()?)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    };
    let mut child = match contained("setsid") {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => contained("sh")?,
        other => other?,
    };
    drop(watch);
    Ok(Contained {
        stdout: reader(child.stdout.take()),
        stderr: reader(child.stderr.take()),
        child,
        guard: Some(guard),
    })
}

#[cfg(not(unix))]
fn spawn(command: &str) -> std::io::Result<Contained> {
    let mut child = Command::new("cmd")
        .arg("/C")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    Ok(Contained {
        stdout: reader(child.stdout.take()),
        stderr: reader(child.stderr.take()),
        child,
        guard: None,
    })
}

/// Read a stream to its end (at most [`OUTPUT_LIMIT`]) on a thread of its own.
fn reader(stream: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    if let Some(stream) = stream {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stream.take(OUTPUT_LIMIT).read_to_end(&mut buf);
            let _ = tx.send(buf);
        });
    } else {
        let _ = tx.send(Vec::new());
    }
    rx
}

/// What a reader got, once the stream closed (or `None` if it stays open).
fn drained(rx: mpsc::Receiver<Vec<u8>>) -> Option<Vec<u8>> {
    rx.recv_timeout(DRAIN_TIMEOUT).ok()
}

#[cfg(unix)]
fn kill_group(leader: u32) {
    if let Some(pid) = i32::try_from(leader)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_leader: u32) {}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_what_it_prints() {
        let code = run("a", "echo ' 123456 '", DEFAULT_TIMEOUT).unwrap();
        assert_eq!(code.expose_secret(), "123456");
    }

    #[test]
    fn the_command_text_stays_out_of_its_environment_and_the_message() {
        let code = run(
            "a",
            "printf %s \"${FEDAWS_MFA_PROCESS-unset}\"",
            DEFAULT_TIMEOUT,
        )
        .unwrap();
        assert_eq!(code.expose_secret(), "unset");
        let e = run("acct", "echo oops >&2; exit 3 # SEED", DEFAULT_TIMEOUT).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the mfa_process of account `acct` exited 3; fix it, or give --mfa-code"
        );
        assert_eq!(e.stderr, "oops");
    }

    #[test]
    fn it_runs_in_a_session_and_group_of_its_own() {
        // Fields 5 and 6 of /proc/PID/stat: the process group and the session. The shell that
        // runs the command leads both, so no terminal of fedaws's is its controlling terminal.
        let command = "set -- $(cut -d' ' -f5,6 /proc/$$/stat); [ \"$1\" = $$ ] && [ \"$2\" = $$ ] && echo 123456";
        let code = run("a", command, DEFAULT_TIMEOUT).unwrap();
        assert_eq!(code.expose_secret(), "123456");
    }

    #[test]
    fn a_command_that_hangs_is_stopped_with_everything_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let command = format!("sleep 300 & echo $! > {}; wait", pidfile.display());
        let started = std::time::Instant::now();
        let e = run("a", &command, Duration::from_secs(1)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(e.what.contains("within 1 s"), "{e}");
        let pid = std::fs::read_to_string(&pidfile).unwrap();
        // Gone, or a zombie waiting to be reaped by whoever inherited it.
        let stat = std::path::Path::new("/proc").join(pid.trim()).join("stat");
        for _ in 0..100 {
            let state = std::fs::read_to_string(&stat).unwrap_or_default();
            if state.is_empty() || state.contains(") Z ") {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the background sleep {} outlived the timeout", pid.trim());
    }
}
