//! `POST /v1/run`: the command runner. A command line a peer sends is parsed as `main` parses
//! it, placed by the access policy, run with the broker's config and stores for that peer (its
//! dialogs asked at their terminal), and answered with what it printed and its exit code; an
//! administrator's change is audited and reloaded.

use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode};

use super::peer::Peer;
use super::{Shared, json, refusal};
use crate::broker::access::{self, Placement};
use crate::broker::protocol::{ErrorBody, RunAnswer, RunBody};
use crate::broker::record::Change;
use crate::exit::{Exit, UserError};

/// `POST /v1/run`: a command run here for the peer, as it would run locally for them.
pub(super) async fn run(shared: Arc<Shared>, peer: Peer, body: RunBody) -> Response<Full<Bytes>> {
    let Ok(_turn) = shared.turns_of(peer.uid).acquire_owned().await else {
        return refusal(&ErrorBody::new(Exit::Failure, "the broker is stopping"));
    };
    let cli = parse(&body.args);
    // Reads of the audit log take turns here, before a blocking thread is taken for them.
    let _reading = match &cli {
        Ok(cli) if matches!(cli.command, crate::cli::Command::Audit(_)) => {
            match shared.audit_reads.clone().acquire_owned().await {
                Ok(permit) => Some(permit),
                Err(_) => return refusal(&ErrorBody::new(Exit::Failure, "the broker is stopping")),
            }
        }
        _ => None,
    };
    let done = tokio::task::spawn_blocking(move || match cli {
        Ok(cli) => execute(&shared, &peer, cli, body),
        Err(answer) => *answer,
    })
    .await;
    match done {
        Ok(answer) => json(
            StatusCode::OK,
            serde_json::to_vec(&answer).unwrap_or_default(),
        ),
        Err(_) => refusal(&ErrorBody::new(Exit::Failure, super::BUG)),
    }
}

/// The command line of a request, or clap's own answer to it (a usage error, `--help`), written
/// as clap writes it locally.
pub fn parse(args: &[String]) -> Result<crate::cli::Cli, Box<RunAnswer>> {
    let args = std::iter::once("fedaws".to_string()).chain(args.iter().cloned());
    <crate::cli::Cli as clap::Parser>::try_parse_from(args).map_err(|e| {
        let text = e.render().to_string();
        let (stdout, stderr, exit) = if e.use_stderr() {
            (String::new(), text, Exit::Usage)
        } else {
            (text, String::new(), Exit::Ok)
        };
        Box::new(RunAnswer {
            exit: exit as u8,
            stdout,
            stderr,
            ask: None,
        })
    })
}

/// A writer the broker reads back once the command is done.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

/// Run `cli` for `peer`: what it printed and its exit code, as `main` would have it. Every
/// command reads the config the broker serves (its last good one), but a change, which edits
/// the file; changes are audited with who made them and what they named, and reloaded at once.
fn execute(shared: &Arc<Shared>, peer: &Peer, cli: crate::cli::Cli, body: RunBody) -> RunAnswer {
    let (out, err) = (Captured::default(), Captured::default());
    let answer = |exit: Exit| RunAnswer {
        exit: exit as u8,
        stdout: out.text(),
        stderr: err.text(),
        ask: None,
    };
    let identity = match peer.identity() {
        Ok(id) => id,
        Err(e) => {
            let e = e.into();
            crate::error::report(&e, &mut err.clone());
            return answer(crate::error::exit_for(&e));
        }
    };
    let stdin = zeroize::Zeroizing::new(body.stdin.unwrap_or_default());
    let replay = crate::broker::dialog::Replay::new(body.replies.clone().unwrap_or_default());
    let config = shared.config();
    let admin = identity.admin(&config).is_some();
    let kind = access::placement(&cli.command);
    let words = access::command_words(&cli.command);
    let change = (kind == Placement::AdminChange).then(|| Change::of(&cli.command));
    let result = (|| -> anyhow::Result<()> {
        match kind {
            Placement::Client => {
                return Err(UserError::usage(format!(
                    "`fedaws {words}` runs on your side of the broker, not in it"
                ))
                .into());
            }
            Placement::Admin | Placement::AdminChange if !admin => {
                return Err(crate::authz::Denied {
                    connector: None,
                    message: format!(
                        "{} may not run `fedaws {words}` through the broker: only its administrators may (settings.admins, settings.admin_groups)",
                        identity.user,
                    ),
                }
                .into());
            }
            _ => {}
        }
        if let Some(why) = access::not_for_peers(&cli.command) {
            return Err(UserError::usage(why).into());
        }
        let mut ctx = crate::context::Context::for_peer(
            crate::context::PeerContext {
                location: shared.location.clone(),
                keyring: shared.keyring,
                identity: identity.clone(),
                state_dir: shared.state_dir.clone(),
                cache: shared.cache.clone(),
                stdin: stdin.clone(),
                terminal: body.terminal,
                replies: body.replies.clone(),
                config: change.is_none().then(|| config.clone()),
                verbose: cli.global.verbose,
            },
            Box::new(replay.clone()),
            Box::new(out.clone()),
            Box::new(err.clone()),
        );
        let done = (shared.run)(cli.command, &mut ctx);
        let _ = ctx.out.flush();
        done
    })();
    // A dialog stopped at a question: nothing was changed; the caller answers it and asks again.
    if let Some(ask) = replay.waiting() {
        return RunAnswer {
            exit: Exit::Ok as u8,
            stdout: String::new(),
            stderr: String::new(),
            ask: Some(ask),
        };
    }
    let result = result.map_err(|e| access::for_peer(e, &config, &identity));
    let mut exit = match &result {
        Ok(()) => Exit::Ok,
        Err(e) => {
            crate::error::report(e, &mut err.clone());
            crate::error::exit_for(e)
        }
    };
    if let Some(change) = change {
        let who = (identity.user.as_str(), peer.uid, peer.pid);
        if let Err(e) = shared.record(change.event(who, result.as_ref().err())) {
            let _ = writeln!(
                err.clone(),
                "fedaws: {}",
                if exit == Exit::Ok {
                    format!("the change was made, but {e}")
                } else {
                    e.to_string()
                }
            );
            exit = Exit::Failure;
        }
        if result.is_ok() {
            shared.reload("an administrator's change");
        }
    }
    answer(exit)
}
