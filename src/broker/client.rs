//! Asking a broker: one HTTP/1.1 request per connection over its Unix socket, answered with
//! JSON. Before anything is sent, the socket must be one the broker's own user (or root) made in
//! a directory only they can change, the broker's user being whoever the kernel says is at the
//! other end: a socket someone else planted on the path is refused, not talked to.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::protocol::{self, CredsAnswer, CredsBody, ErrorBody, RunAnswer, RunBody};
use crate::exit::{Exit, UserError};
use crate::issue::{CredsRequest, Known, Obtained};
use crate::prompt::Prompter;
use crate::secret::AccountKeys;

/// How long a request may wait for its answer: issuing may wait for another caller's STS call
/// (`settings.lock_timeout`), so this is generous; a broker that goes away ends it at once.
#[cfg(unix)]
const ANSWER_TIMEOUT: Duration = Duration::from_secs(300);

/// The broker could not be reached: exit 8.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot reach the fedaws broker at {}: {reason}\n  hint: is it running (`systemctl status fedaws-broker`)? Name another with --broker PATH or FEDAWS_BROKER",
    path.display()
)]
pub struct Unreachable {
    /// The socket.
    pub path: PathBuf,
    /// What went wrong.
    pub reason: String,
}

/// The broker answered with a refusal: the exit code and message the command would give
/// locally.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Refused {
    /// The exit code the broker chose.
    pub exit: Exit,
    /// What went wrong.
    pub message: String,
    /// The MFA device whose code the request lacked, if that is why it was refused.
    pub mfa_serial: Option<String>,
}

/// A broker, by its socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broker {
    /// The socket's path.
    pub path: PathBuf,
}

impl Broker {
    /// The broker listening at `path`.
    pub fn at(path: impl Into<PathBuf>) -> Broker {
        Broker { path: path.into() }
    }

    /// `POST path` with `body` as JSON; the answer's JSON as `T`.
    pub fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> anyhow::Result<T> {
        // The body may hold secrets (an MFA code, an account's keys): wiped once sent.
        let body = Zeroizing::new(serde_json::to_vec(body)?);
        self.call("POST", path, &body)
    }

    /// Credentials for `request` (`system`: a `--system` request), as the broker issues them to
    /// this process's user. When the account needs an MFA code the request did not carry, the
    /// error says which device (see [`Refused::mfa_serial`]).
    pub fn creds(&self, request: &CredsRequest, system: bool) -> anyhow::Result<Obtained> {
        let answer: CredsAnswer = self.post(protocol::CREDS, &CredsBody::of(request, system))?;
        let (region, from_cache) = (answer.region.clone(), answer.from_cache);
        // Checked as an answer from STS is, before anything prints them.
        let longest = request
            .duration
            .unwrap_or(crate::principal::LONGEST_SESSION_SECS);
        let creds = answer
            .issued()
            .and_then(|c| crate::sts::check_issued(&c, longest, jiff::Timestamp::now()).map(|()| c))
            .map_err(|e| Unreachable {
                path: self.path.clone(),
                reason: format!("the answer is not what fedaws expects: {e}"),
            })?;
        Ok(Obtained {
            creds,
            region,
            from_cache,
            known: Known::default(),
        })
    }

    /// Have the broker run the command line `args` (without the program's name) for this
    /// process's user, `stdin` its input. A dialog runs in the broker with its questions asked
    /// here, through `prompter` when there is a person to ask: each round sends the replies so
    /// far, until the command runs to its end (see [`super::dialog`]). What it printed, and its
    /// exit code, are in the answer.
    pub fn run(
        &self,
        args: Vec<String>,
        stdin: Option<&str>,
        terminal: bool,
        prompter: Option<&dyn Prompter>,
    ) -> anyhow::Result<RunAnswer> {
        let mut replies = prompter.map(|p| {
            p.guard_interrupts();
            Vec::new()
        });
        loop {
            let body = RunBody {
                args: args.clone(),
                stdin: stdin.map(str::to_string),
                terminal,
                replies: replies.clone(),
            };
            let answer: RunAnswer = self.post(protocol::RUN, &body)?;
            let (Some(ask), Some(given), Some(prompter)) =
                (&answer.ask, replies.as_mut(), prompter)
            else {
                return Ok(answer);
            };
            if ask.refused.is_some() {
                given.pop();
            }
            given.push(super::dialog::ask(prompter, ask)?);
        }
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> anyhow::Result<T> {
        let unreachable = |reason: String| Unreachable {
            path: self.path.clone(),
            reason,
        };
        let mut stream = connect(&self.path)?;
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: fedaws\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(body))
            .map_err(|e| unreachable(format!("sending the request: {e}")))?;
        let mut answer = Zeroizing::new(Vec::new());
        stream
            .read_to_end(&mut answer)
            .map_err(|e| unreachable(format!("reading the answer: {e}")))?;
        let (status, body) = split_answer(&answer).ok_or_else(|| {
            unreachable(if answer.is_empty() {
                "the broker closed the connection without answering".into()
            } else {
                "the answer is not HTTP".into()
            })
        })?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(body).map_err(|e| {
                unreachable(format!("the answer is not what fedaws expects: {e}")).into()
            });
        }
        let refusal: ErrorBody = serde_json::from_slice(body)
            .map_err(|_| unreachable(format!("HTTP status {status} without an explanation")))?;
        Err(rebuild(refusal))
    }
}

/// This process's command line as a broker takes it: its arguments after the program's name,
/// each UTF-8.
pub fn command_line() -> Result<Vec<String>, UserError> {
    std::env::args_os()
        .skip(1)
        .map(|a| {
            a.into_string().map_err(|a| {
                UserError::usage(format!(
                    "{a:?}: a command sent to a broker takes UTF-8 arguments only"
                ))
            })
        })
        .collect()
}

/// The command line `args` of `account add` or `account edit`, changed to take its key pair
/// from stdin, and that stdin holding `keys`: the caller's side reads the keys from where the
/// command said (stdin, its environment, `~/.aws/credentials`), since the broker reads none of
/// the caller's files, environment or terminal.
pub fn keys_on_stdin(args: Vec<String>, keys: &AccountKeys) -> (Vec<String>, Zeroizing<String>) {
    let mut kept = Vec::with_capacity(args.len() + 1);
    let mut skip_value = false;
    for arg in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        match arg.as_str() {
            "--from-env" | "--secret-stdin" => {}
            "--from-aws-profile" => skip_value = true,
            a if a.starts_with("--from-aws-profile=") => {}
            _ => kept.push(arg),
        }
    }
    kept.push("--secret-stdin".into());
    let stdin = Zeroizing::new(format!(
        "{}\n{}\n",
        keys.access_key_id,
        secrecy::ExposeSecret::expose_secret(&keys.secret_access_key)
    ));
    (kept, stdin)
}

/// Connect to the socket at `path` and make sure it is the broker's (see the module docs).
#[cfg(unix)]
fn connect(path: &Path) -> anyhow::Result<std::os::unix::net::UnixStream> {
    let unreachable = |reason: String| Unreachable {
        path: path.to_path_buf(),
        reason,
    };
    let stream =
        std::os::unix::net::UnixStream::connect(path).map_err(|e| unreachable(e.to_string()))?;
    let uid = listener_uid(&stream)
        .map_err(|e| unreachable(format!("cannot tell who listens there: {e}")))?;
    crate::trust::check_socket(path, uid)?;
    stream.set_read_timeout(Some(ANSWER_TIMEOUT))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    Ok(stream)
}

/// The user at the other end of `stream`, as the kernel says: `SO_PEERCRED` on Linux.
#[cfg(target_os = "linux")]
fn listener_uid(stream: &std::os::unix::net::UnixStream) -> std::io::Result<u32> {
    Ok(rustix::net::sockopt::socket_peercred(stream)?.uid.as_raw())
}

/// The user at the other end of `stream`, as the kernel says: `getpeereid` (`LOCAL_PEERCRED`) on
/// macOS and the BSDs, which tokio asks for a copy of the socket.
#[cfg(all(unix, not(target_os = "linux")))]
fn listener_uid(stream: &std::os::unix::net::UnixStream) -> std::io::Result<u32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    let copy = stream.try_clone()?;
    // The copy shares the socket's flags: non-blocking while tokio holds it, blocking again
    // before the request is written.
    copy.set_nonblocking(true)?;
    let uid = runtime.block_on(async move {
        Ok::<_, std::io::Error>(tokio::net::UnixStream::from_std(copy)?.peer_cred()?.uid())
    });
    stream.set_nonblocking(false)?;
    uid
}

/// Windows has no Unix sockets that say who is at the other end: a broker cannot be asked.
#[cfg(not(unix))]
fn connect(path: &Path) -> anyhow::Result<std::net::TcpStream> {
    let _ = path;
    Err(UserError::usage(super::NEEDS_UNIX).into())
}

/// The status code and body of an HTTP/1.1 answer read to its end.
fn split_answer(answer: &[u8]) -> Option<(u16, &[u8])> {
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&answer[..end]).ok()?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, &answer[end + 4..]))
}

/// The error chain a refusal describes, its exit code at the bottom.
fn rebuild(refusal: ErrorBody) -> anyhow::Error {
    let exit = Exit::from_code(refusal.exit).unwrap_or(Exit::Failure);
    let mut layers: Vec<String> = std::iter::once(refusal.message)
        .chain(refusal.causes)
        .collect();
    let innermost = layers.pop().unwrap_or_default();
    let mut error = anyhow::Error::new(Refused {
        exit,
        message: innermost,
        mfa_serial: refusal.mfa_serial,
    });
    while let Some(outer) = layers.pop() {
        error = error.context(outer);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_becomes_the_chain_and_code_it_describes() {
        let error = rebuild(ErrorBody {
            exit: 4,
            family: "denied".into(),
            message: "outer".into(),
            causes: vec!["middle".into(), "inner".into()],
            mfa_serial: None,
        });
        assert_eq!(crate::error::exit_for(&error), Exit::Denied);
        let chain: Vec<String> = error.chain().map(ToString::to_string).collect();
        assert_eq!(chain, ["outer", "middle", "inner"]);
    }

    #[test]
    fn keys_read_here_go_on_stdin_and_the_command_line_says_so() {
        let keys = AccountKeys {
            access_key_id: "AKIAEXAMPLE".into(),
            secret_access_key: secrecy::SecretString::from("s3cret"),
        };
        let args = |line: &str| line.split(' ').map(String::from).collect::<Vec<_>>();
        for line in [
            "account add dev --from-env",
            "account add dev --from-aws-profile old",
            "account add dev --from-aws-profile=old",
            "account add --secret-stdin dev",
        ] {
            let (sent, stdin) = keys_on_stdin(args(line), &keys);
            let mut expected = args(line);
            expected.retain(|a| a.starts_with("account") || a == "add" || a == "dev");
            expected.push("--secret-stdin".into());
            assert_eq!(sent, expected, "{line}");
            assert_eq!(stdin.as_str(), "AKIAEXAMPLE\ns3cret\n");
        }
    }

    #[test]
    fn answers_are_split_at_the_end_of_the_head() {
        let (status, body) =
            split_answer(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\n\r\n{}").unwrap();
        assert_eq!((status, body), (403, &b"{}"[..]));
        assert!(split_answer(b"garbage").is_none());
    }
}
