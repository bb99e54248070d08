//! The dialogs of commands a broker runs, asked at the caller's terminal.
//!
//! A dialog runs where the config is, in the broker, but the person is at the client. Each round
//! of `POST /v1/run` carries the replies given so far; the broker runs the command again with a
//! [`Replay`] prompter that gives those replies in order, and when it runs out, the command stops
//! at the next question (nothing is changed before a dialog's last confirmation) and the broker
//! answers with that [`Ask`]. The client asks it at its terminal ([`ask`]), adds the reply, and
//! sends the request again, until the command runs to its end. Replies that fail a check in the
//! broker come back as the same question, marked to replace the last reply.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::rc::Rc;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::prompt::{Cancelled, Check, Choice, Prompter};

/// A question of a dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Question {
    /// A line of text.
    Input {
        /// What is asked.
        prompt: String,
        /// Taken for an empty answer.
        default: Option<String>,
    },
    /// A hidden line.
    Secret {
        /// What is asked.
        prompt: String,
    },
    /// One of `items`.
    Select {
        /// What is asked.
        prompt: String,
        /// The choices.
        items: Vec<String>,
        /// The one preselected.
        default: usize,
    },
    /// Yes or no.
    Confirm {
        /// What is asked.
        prompt: String,
        /// The preselected answer.
        default: bool,
    },
    /// Any number of `choices` (value and note), new values allowed when `allow_new`.
    PickMany {
        /// What is asked.
        prompt: String,
        /// The choices, with their notes.
        choices: Vec<(String, String)>,
        /// The ones preselected.
        chosen: Vec<String>,
        /// Whether typed values that are not choices may be added.
        allow_new: bool,
    },
    /// Text to edit in the caller's editor.
    Edit {
        /// The text to start from.
        text: String,
    },
}

/// A reply to a [`Question`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Reply {
    /// Typed text (`Input`, `Edit`).
    Text(String),
    /// Hidden text (`Secret`).
    Secret(String),
    /// The index chosen (`Select`).
    Index(usize),
    /// Yes or no (`Confirm`).
    Yes(bool),
    /// The values picked (`PickMany`).
    Values(Vec<String>),
    /// The editor was quit without saving (`Edit`).
    Unchanged,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Secret(_) => f.write_str("Secret([redacted])"),
            Reply::Text(t) => f.debug_tuple("Text").field(t).finish(),
            Reply::Index(i) => f.debug_tuple("Index").field(i).finish(),
            Reply::Yes(b) => f.debug_tuple("Yes").field(b).finish(),
            Reply::Values(v) => f.debug_tuple("Values").field(v).finish(),
            Reply::Unchanged => f.write_str("Unchanged"),
        }
    }
}

/// What the broker asks the client, in place of a command's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ask {
    /// The question.
    pub question: Question,
    /// What the dialog showed since the last reply.
    #[serde(default)]
    pub said: Vec<String>,
    /// Why the last reply was refused, when it was: it is to be replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// The dialog stopped at a question no reply was given for yet.
#[derive(Debug, thiserror::Error)]
#[error("the dialog waits for an answer from the caller's terminal")]
pub struct Waiting;

/// The prompter of a command run in the broker: the replies given so far, in order.
#[derive(Default)]
pub struct Replay {
    replies: RefCell<VecDeque<Reply>>,
    said: RefCell<Vec<String>>,
    waiting: RefCell<Option<Ask>>,
}

impl Replay {
    /// A prompter giving `replies`.
    pub fn new(replies: Vec<Reply>) -> Rc<Replay> {
        Rc::new(Replay {
            replies: RefCell::new(replies.into()),
            ..Replay::default()
        })
    }

    /// The question the command stopped at, if it did.
    pub fn waiting(&self) -> Option<Ask> {
        self.waiting.borrow_mut().take()
    }

    /// The next reply, or (none left) a stop at `question`.
    fn next(&self, question: Question) -> io::Result<Reply> {
        match self.replies.borrow_mut().pop_front() {
            Some(reply) => {
                self.said.borrow_mut().clear();
                Ok(reply)
            }
            None => Err(self.stop(question, None)),
        }
    }

    /// Stop at `question`; `refused` says why the last reply is to be replaced.
    fn stop(&self, question: Question, refused: Option<String>) -> io::Error {
        *self.waiting.borrow_mut() = Some(Ask {
            question,
            said: std::mem::take(&mut self.said.borrow_mut()),
            refused,
        });
        io::Error::other(Waiting)
    }
}

/// A reply of the wrong kind for its question.
fn misfit(question: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("the dialog's replies do not fit its questions (at {question:?}); start it again"),
    )
}

impl Prompter for Rc<Replay> {
    fn input(&self, prompt: &str, default: Option<&str>, check: Check<'_>) -> io::Result<String> {
        let question = Question::Input {
            prompt: prompt.to_string(),
            default: default.map(str::to_string),
        };
        let text = match self.next(question.clone())? {
            Reply::Text(t) => t,
            _ => return Err(misfit(prompt)),
        };
        let value = if text.is_empty() {
            default.unwrap_or("").to_string()
        } else {
            text
        };
        match check(&value) {
            Ok(()) => Ok(value),
            Err(why) => Err(self.stop(question, Some(why))),
        }
    }

    fn secret(&self, prompt: &str) -> io::Result<SecretString> {
        match self.next(Question::Secret {
            prompt: prompt.to_string(),
        })? {
            Reply::Secret(s) => Ok(SecretString::from(s)),
            _ => Err(misfit(prompt)),
        }
    }

    fn select(&self, prompt: &str, items: &[String], default: usize) -> io::Result<Option<usize>> {
        match self.next(Question::Select {
            prompt: prompt.to_string(),
            items: items.to_vec(),
            default,
        })? {
            Reply::Index(i) if i < items.len() => Ok(Some(i)),
            _ => Err(misfit(prompt)),
        }
    }

    fn confirm(&self, prompt: &str, default: bool) -> io::Result<Option<bool>> {
        match self.next(Question::Confirm {
            prompt: prompt.to_string(),
            default,
        })? {
            Reply::Yes(b) => Ok(Some(b)),
            _ => Err(misfit(prompt)),
        }
    }

    fn pick_many(
        &self,
        prompt: &str,
        choices: &[Choice],
        chosen: &[String],
        valid_new: Option<Check<'_>>,
    ) -> io::Result<Option<Vec<String>>> {
        let question = Question::PickMany {
            prompt: prompt.to_string(),
            choices: choices
                .iter()
                .map(|c| (c.value.clone(), c.note.to_string()))
                .collect(),
            chosen: chosen.to_vec(),
            allow_new: valid_new.is_some(),
        };
        let values = match self.next(question.clone())? {
            Reply::Values(v) => v,
            _ => return Err(misfit(prompt)),
        };
        for v in &values {
            if choices.iter().any(|c| c.value == *v) {
                continue;
            }
            let verdict = match valid_new {
                Some(check) => check(v),
                None => Err(format!("{v:?} is not one of the choices")),
            };
            if let Err(why) = verdict {
                return Err(self.stop(question, Some(why)));
            }
        }
        Ok(Some(values))
    }

    fn edit(&self, text: &str) -> io::Result<Option<String>> {
        match self.next(Question::Edit {
            text: text.to_string(),
        })? {
            Reply::Text(t) => Ok(Some(t)),
            Reply::Unchanged => Ok(None),
            _ => Err(misfit("the editor")),
        }
    }

    fn say(&self, text: &str) {
        self.said.borrow_mut().push(text.to_string());
    }
}

/// Ask `ask` at this process's terminal through `p`: the reply to send. Cancelling (Esc,
/// Ctrl-C) ends the command here; the broker has changed nothing.
pub fn ask(p: &dyn Prompter, ask: &Ask) -> anyhow::Result<Reply> {
    for text in &ask.said {
        p.say(text);
    }
    if let Some(why) = &ask.refused {
        p.say(why);
    }
    let cancelled = || anyhow::Error::from(Cancelled);
    Ok(match &ask.question {
        Question::Input { prompt, default } => {
            Reply::Text(p.input(prompt, default.as_deref(), &|_| Ok(()))?)
        }
        Question::Secret { prompt } => Reply::Secret(p.secret(prompt)?.expose_secret().to_string()),
        Question::Select {
            prompt,
            items,
            default,
        } => Reply::Index(p.select(prompt, items, *default)?.ok_or_else(cancelled)?),
        Question::Confirm { prompt, default } => {
            Reply::Yes(p.confirm(prompt, *default)?.ok_or_else(cancelled)?)
        }
        Question::PickMany {
            prompt,
            choices,
            chosen,
            allow_new,
        } => {
            let notes: Vec<Choice> = choices
                .iter()
                .map(|(value, note)| Choice {
                    value: value.clone(),
                    note: note_of(note),
                })
                .collect();
            let any: Check<'_> = &|_| Ok(());
            Reply::Values(
                p.pick_many(prompt, &notes, chosen, allow_new.then_some(any))?
                    .ok_or_else(cancelled)?,
            )
        }
        Question::Edit { text } => match p.edit(text)? {
            Some(t) => Reply::Text(t),
            None => Reply::Unchanged,
        },
    })
}

/// A choice's note as the prompter takes it (a fixed set of words).
fn note_of(note: &str) -> &'static str {
    match note {
        "OS group" => "OS group",
        "config group" => "config group",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_given_in_order_then_the_next_question_is_asked() {
        let p = Replay::new(vec![Reply::Text("x".into()), Reply::Yes(true)]);
        assert_eq!(p.input("Name", None, &|_| Ok(())).unwrap(), "x");
        p.say("a summary");
        assert_eq!(p.confirm("Save?", false).unwrap(), Some(true));
        p.say("shown after the last reply");
        let err = p.select("Kind", &["a".into(), "b".into()], 1).unwrap_err();
        assert!(err.get_ref().is_some_and(|e| e.is::<Waiting>()));
        let ask = p.waiting().expect("stopped at a question");
        assert_eq!(
            ask.question,
            Question::Select {
                prompt: "Kind".into(),
                items: vec!["a".into(), "b".into()],
                default: 1
            }
        );
        assert_eq!(ask.said, ["shown after the last reply"]);
    }

    #[test]
    fn a_reply_a_check_refuses_is_asked_again() {
        let p = Replay::new(vec![Reply::Text("bad".into())]);
        let check: Check<'_> = &|s| {
            if s == "bad" {
                Err("not that".into())
            } else {
                Ok(())
            }
        };
        assert!(p.input("Name", None, check).is_err());
        let ask = p.waiting().expect("asked again");
        assert_eq!(ask.refused.as_deref(), Some("not that"));
    }

    #[test]
    fn secrets_are_not_in_debug_output() {
        let text = format!("{:?}", Reply::Secret("wJalrXUtnFEMI".into()));
        assert!(!text.contains("wJalr"), "{text}");
    }
}
