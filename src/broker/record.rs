//! The broker's audit log: every request's line written before it is answered, and a request
//! whose line cannot be written refused (as Vault refuses a request no audit device can take).
//! What one user can make the broker write is bounded ([`crate::audit::Throttle`]): refusals,
//! failures and cache hits past a few a second are counted into one line a second, so no one
//! can fill the disk or bury another user's lines under their own.

use std::path::Path;
use std::sync::Mutex;

use crate::audit::{Event, Outcome, Throttle, Writer};
use crate::cli::{AccountCommand, Command};
use crate::exit::Exit;

/// The most characters of an error message an audit line keeps.
const ERROR_CHARS: usize = 1000;

/// The broker's audit log.
pub struct Trail {
    inner: Mutex<Inner>,
}

struct Inner {
    writer: Writer,
    throttle: Throttle,
    /// Why the last write failed, while writes fail (logged once).
    failing: Option<String>,
}

/// The audit log cannot take the line a request needs: the request is refused.
#[derive(Debug, thiserror::Error)]
#[error(
    "the broker cannot write its audit log ({reason}), and it answers no request it cannot record; its administrators find why in the broker's log"
)]
pub struct Unwritable {
    reason: String,
}

impl Trail {
    /// Take the audit log in `dir` (made and checked by the caller) for the broker's life.
    pub fn open(dir: &Path) -> anyhow::Result<Trail> {
        Ok(Trail {
            inner: Mutex::new(Inner {
                writer: Writer::open(dir, crate::audit::MAX_SIZE)?,
                throttle: Throttle::default(),
                failing: None,
            }),
        })
    }

    /// Write `event` (or count it into its user's summary of this second), after the summaries
    /// of that user's past seconds; an error when a line could not be written.
    pub fn write(&self, event: Event) -> Result<(), Unwritable> {
        let second = jiff::Timestamp::now().as_second();
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let lines = inner.throttle.take(event, second);
        inner.write(lines)
    }

    /// Write the summaries of seconds that are over (the broker calls this every second).
    pub fn tick(&self) {
        let second = jiff::Timestamp::now().as_second();
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let lines = inner.throttle.due(second);
        let _ = inner.write(lines);
    }
}

impl Inner {
    fn write(&mut self, lines: Vec<Event>) -> Result<(), Unwritable> {
        for line in &lines {
            if let Err(e) = self.writer.append(line) {
                let reason = e.to_string();
                if self.failing.as_deref() != Some(reason.as_str()) {
                    super::log(format_args!(
                        "could not write the audit log, so requests are refused until it can: {reason}"
                    ));
                    self.failing = Some(reason.clone());
                }
                return Err(Unwritable { reason });
            }
        }
        if !lines.is_empty() && self.failing.take().is_some() {
            super::log("the audit log takes lines again");
        }
        Ok(())
    }
}

/// What the audit line of an administrative command (or an attempt at one) says it was: taken
/// from the parsed command before it runs (running it consumes it).
pub struct Change {
    /// The command's words and names ([`super::access::action`]).
    action: String,
    /// The account of a key rotation.
    rotated: Option<String>,
}

impl Change {
    /// The change `command` asks for.
    pub fn of(command: &Command) -> Change {
        Change {
            action: super::access::action(command),
            rotated: match command {
                Command::Account(AccountCommand::Rotate(r)) => Some(r.name.clone()),
                _ => None,
            },
        }
    }

    /// The audit line of this change by `who` (user, uid, process), ended by `error` or not;
    /// for a key rotation, its account and the step it reached (`start` when it was refused or
    /// failed before one was done).
    pub fn event(self, who: (&str, u32, Option<u32>), error: Option<&anyhow::Error>) -> Event {
        let outcome = match error {
            None => Outcome::Changed,
            Some(e) if crate::error::exit_for(e) == Exit::Denied => Outcome::Denied,
            Some(_) => Outcome::Failed,
        };
        let step = self.rotated.as_ref().map(|_| {
            let step = match error {
                None => crate::rotate::Step::Done,
                Some(e) => e
                    .chain()
                    .find_map(|c| c.downcast_ref::<crate::rotate::Stopped>())
                    .map_or(crate::rotate::Step::Start, |s| s.reached),
            };
            step.as_str().to_string()
        });
        let (user, uid, pid) = who;
        Event {
            time: crate::output::rfc3339(jiff::Timestamp::now()),
            user: user.to_string(),
            uid,
            pid,
            action: Some(self.action),
            account: self.rotated,
            step,
            outcome: Some(outcome),
            error_kind: error.map(|e| crate::error::exit_for(e).family().to_string()),
            error: error.map(|e| crate::validate::shorten(&format!("{e:#}"), ERROR_CHARS)),
            ..Event::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::parsed;

    #[test]
    fn a_refused_rotation_says_it_stopped_before_the_first_step() {
        let command = parsed("account rotate prod");
        let refused: anyhow::Error = crate::authz::Denied {
            connector: None,
            message: "only administrators".into(),
        }
        .into();
        let event = Change::of(&command).event(("mallory", 1001, Some(7)), Some(&refused));
        assert_eq!(event.outcome, Some(Outcome::Denied));
        assert_eq!(event.step.as_deref(), Some("start"));
        assert_eq!(event.account.as_deref(), Some("prod"));
        let done = Change::of(&command).event(("boss", 0, None), None);
        assert_eq!(done.step.as_deref(), Some("done"));
        let stopped: anyhow::Error = crate::rotate::Stopped {
            reached: crate::rotate::Step::Created,
            why: anyhow::anyhow!("IAM refused"),
        }
        .into();
        let event = Change::of(&command).event(("boss", 0, None), Some(&stopped));
        assert_eq!(event.step.as_deref(), Some("created"));
    }
}
