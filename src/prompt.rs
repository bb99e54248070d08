//! Asking a person: the prompts the dialogs are built from.
//!
//! [`Prompter`] is a trait so dialogs can be unit-tested with scripted answers; the real one,
//! [`TerminalPrompter`], draws on stderr (stdout belongs to the command's result) with dialoguer,
//! plus one widget dialoguer lacks: a multi-select with type-to-filter that stays responsive
//! with 100,000 items. Every prompt can be cancelled (Esc, or Ctrl-C), which the dialogs turn
//! into "nothing was changed".

use crate::output::{escape_all, escape_controls};
use std::io;

use dialoguer::console::{Key, Term, style};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use secrecy::SecretString;

/// The person cancelled (Esc or Ctrl-C).
#[derive(Debug, thiserror::Error)]
#[error("cancelled; nothing was changed")]
pub struct Cancelled;

/// One choice in [`Prompter::pick_many`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The value returned when chosen.
    pub value: String,
    /// A short note shown after it (e.g. "config group").
    pub note: &'static str,
}

/// A checker for typed text: `Err` holds the message shown before asking again.
pub type Check<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// Asks a person for input.
pub trait Prompter {
    /// A line of text, re-asked until `check` accepts it; `default` is used for an empty answer.
    fn input(&self, prompt: &str, default: Option<&str>, check: Check<'_>) -> io::Result<String>;
    /// A hidden line (secrets).
    fn secret(&self, prompt: &str) -> io::Result<SecretString>;
    /// One of `items`; `None` when cancelled.
    fn select(&self, prompt: &str, items: &[String], default: usize) -> io::Result<Option<usize>>;
    /// Yes or no; `None` when cancelled.
    fn confirm(&self, prompt: &str, default: bool) -> io::Result<Option<bool>>;
    /// Any number of `choices`, filtered by typing; `chosen` are preselected. With `allow_new`,
    /// the typed text can be added as a new value when `valid_new` accepts it.
    fn pick_many(
        &self,
        prompt: &str,
        choices: &[Choice],
        chosen: &[String],
        valid_new: Option<Check<'_>>,
    ) -> io::Result<Option<Vec<String>>>;
    /// Text edited in `$VISUAL`/`$EDITOR`; `None` when the editor was quit without saving.
    fn edit(&self, text: &str) -> io::Result<Option<String>>;
    /// Show text to the person (not a result: it goes where the prompts go).
    fn say(&self, text: &str);
    /// From now on, Ctrl-C outside a prompt ends the process cleanly ("nothing was changed")
    /// instead of leaving the terminal's cursor hidden. Only a prompter at a terminal does this.
    fn guard_interrupts(&self) {}
}

/// Prompts drawn on the terminal (stderr), read from the terminal.
pub struct TerminalPrompter {
    term: Term,
    plain: bool,
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        TerminalPrompter {
            term: Term::stderr(),
            plain: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        }
    }
}

impl TerminalPrompter {
    fn theme(&self) -> Box<dyn Theme> {
        if self.plain {
            Box::new(SimpleTheme)
        } else {
            Box::new(ColorfulTheme::default())
        }
    }
}

fn io_err(e: dialoguer::Error) -> io::Error {
    match e {
        dialoguer::Error::IO(e) => e,
    }
}

impl Prompter for TerminalPrompter {
    fn input(&self, prompt: &str, default: Option<&str>, check: Check<'_>) -> io::Result<String> {
        let theme = self.theme();
        // A default from a hand-edited config may hold control characters: it is shown escaped
        // in the prompt, and an empty answer still takes it as it is.
        let (prompt, default_shown) = match default {
            Some(d) if d.contains(char::is_control) => (
                format!("{} [{}]", escape_controls(prompt), escape_all(d)),
                None,
            ),
            _ => (escape_controls(prompt).into_owned(), default),
        };
        let mut input = dialoguer::Input::<String>::with_theme(theme.as_ref())
            .with_prompt(prompt)
            .allow_empty(true)
            .validate_with(|s: &String| -> Result<(), String> {
                let value = if s.is_empty() {
                    default.unwrap_or("")
                } else {
                    s.as_str()
                };
                check(value)
            });
        if let Some(d) = default_shown {
            input = input.default(d.to_string());
        }
        let answer = input.interact_text_on(&self.term).map_err(io_err)?;
        Ok(if answer.is_empty() {
            default.unwrap_or("").to_string()
        } else {
            answer
        })
    }

    fn secret(&self, prompt: &str) -> io::Result<SecretString> {
        let theme = self.theme();
        dialoguer::Password::with_theme(theme.as_ref())
            .with_prompt(prompt)
            .interact_on(&self.term)
            .map(SecretString::from)
            .map_err(io_err)
    }

    fn select(&self, prompt: &str, items: &[String], default: usize) -> io::Result<Option<usize>> {
        let theme = self.theme();
        let shown: Vec<String> = items.iter().map(|i| escape_all(i).into_owned()).collect();
        dialoguer::Select::with_theme(theme.as_ref())
            .with_prompt(escape_controls(prompt))
            .items(&shown)
            .default(default)
            .interact_on_opt(&self.term)
            .map_err(io_err)
    }

    fn confirm(&self, prompt: &str, default: bool) -> io::Result<Option<bool>> {
        let theme = self.theme();
        dialoguer::Confirm::with_theme(theme.as_ref())
            .with_prompt(prompt)
            .default(default)
            .interact_on_opt(&self.term)
            .map_err(io_err)
    }

    fn pick_many(
        &self,
        prompt: &str,
        choices: &[Choice],
        chosen: &[String],
        valid_new: Option<Check<'_>>,
    ) -> io::Result<Option<Vec<String>>> {
        FilterPicker {
            term: &self.term,
            prompt,
            choices,
            valid_new,
            plain: self.plain,
        }
        .run(chosen)
    }

    fn edit(&self, text: &str) -> io::Result<Option<String>> {
        dialoguer::Editor::new()
            .extension(".json")
            .require_save(true)
            .edit(text)
            .map_err(io_err)
    }

    fn say(&self, text: &str) {
        let _ = self.term.write_line(&escape_controls(text));
    }

    fn guard_interrupts(&self) {
        let _ = ctrlc::set_handler(|| {
            let _ = Term::stderr().show_cursor();
            let _ = Term::stderr().write_line("\ncancelled; nothing was changed");
            std::process::exit(crate::exit::Exit::Cancelled as i32);
        });
    }
}

/// How many matches the picker shows at once.
const PAGE: usize = 10;

/// A multi-select with type-to-filter. Each keystroke filters with a case-insensitive substring
/// match over the prepared lower-case names (a few milliseconds for 100,000 items) and redraws
/// one page, so the screen never grows with the number of choices.
struct FilterPicker<'a> {
    term: &'a Term,
    prompt: &'a str,
    choices: &'a [Choice],
    valid_new: Option<Check<'a>>,
    plain: bool,
}

impl FilterPicker<'_> {
    fn run(&self, preselected: &[String]) -> io::Result<Option<Vec<String>>> {
        let lower: Vec<String> = self
            .choices
            .iter()
            .map(|c| c.value.to_lowercase())
            .collect();
        let mut chosen: Vec<String> = preselected.to_vec();
        let mut filter = String::new();
        let mut matches: Vec<usize> = (0..self.choices.len()).collect();
        let mut cursor = 0usize;
        let mut drawn = 0usize;
        self.term.hide_cursor()?;
        let result = loop {
            let new_item = self.new_item(&filter);
            let rows = matches.len() + usize::from(new_item.is_some());
            cursor = cursor.min(rows.saturating_sub(1));
            let lines = self.render(&filter, &matches, cursor, &chosen, new_item.as_deref());
            if drawn > 0 {
                self.term.clear_last_lines(drawn)?;
            }
            for l in &lines {
                self.term.write_line(l)?;
            }
            drawn = lines.len();
            match self.term.read_key_raw()? {
                Key::Escape | Key::CtrlC => break None,
                Key::Enter => break Some(chosen.clone()),
                Key::ArrowUp => cursor = cursor.saturating_sub(1),
                Key::ArrowDown => cursor = (cursor + 1).min(rows.saturating_sub(1)),
                Key::PageDown => cursor = (cursor + PAGE).min(rows.saturating_sub(1)),
                Key::PageUp => cursor = cursor.saturating_sub(PAGE),
                Key::Char(' ') | Key::Tab => {
                    // Matches first, then the "create" row, so typing part of an existing
                    // name leaves the cursor on that name.
                    let value = match matches.get(cursor) {
                        Some(&m) => Some(self.choices[m].value.clone()),
                        None => new_item.clone(),
                    };
                    if let Some(v) = value {
                        match chosen.iter().position(|c| *c == v) {
                            Some(p) => {
                                chosen.remove(p);
                            }
                            None => chosen.push(v),
                        }
                    }
                }
                Key::Backspace if filter.pop().is_some() => {
                    matches = refilter(&lower, &filter);
                    cursor = 0;
                }
                Key::Char(c) if !c.is_control() => {
                    filter.push(c);
                    matches = refilter(&lower, &filter);
                    cursor = 0;
                }
                _ => {}
            }
        };
        self.term.clear_last_lines(drawn)?;
        self.term.show_cursor()?;
        if let Some(list) = &result {
            self.term.write_line(&format!(
                "{} {}: {}",
                if self.plain { "*" } else { "✔" },
                self.prompt,
                if list.is_empty() {
                    "(none)".to_string()
                } else {
                    list.join(", ")
                }
            ))?;
        }
        Ok(result)
    }

    /// The "create" row: the typed text, when it is not an existing choice and is acceptable.
    /// It stays (ticked) once chosen, so it can be unticked again.
    fn new_item(&self, filter: &str) -> Option<String> {
        let check = self.valid_new?;
        let exists = self.choices.iter().any(|c| c.value == filter);
        (!filter.is_empty() && !exists && check(filter).is_ok()).then(|| filter.to_string())
    }

    fn render(
        &self,
        filter: &str,
        matches: &[usize],
        cursor: usize,
        chosen: &[String],
        new_item: Option<&str>,
    ) -> Vec<String> {
        let mut lines = vec![
            format!(
                "? {} (type to filter, ↑/↓ move, space toggles, enter accepts, esc cancels)",
                self.prompt
            ),
            format!(
                "  filter: {filter}_   {} of {} match, {} chosen",
                matches.len(),
                self.choices.len(),
                chosen.len()
            ),
        ];
        let rows = matches.len() + usize::from(new_item.is_some());
        let first = cursor.saturating_sub(PAGE - 1);
        for i in first..rows.min(first + PAGE) {
            let (text, on) = match (matches.get(i), new_item) {
                (Some(&m), _) => {
                    let c = &self.choices[m];
                    (
                        format!("{}  ({})", escape_all(&c.value), escape_all(c.note)),
                        chosen.contains(&c.value),
                    )
                }
                (None, Some(n)) => (
                    format!("+ create new group `{n}`"),
                    chosen.iter().any(|c| c == n),
                ),
                (None, None) => continue,
            };
            let mark = if on { "[x]" } else { "[ ]" };
            let line = format!("{} {mark} {text}", if i == cursor { ">" } else { " " });
            lines.push(if i == cursor && !self.plain {
                style(line).cyan().to_string()
            } else {
                line
            });
        }
        if matches.is_empty() && new_item.is_none() {
            lines.push("  (no match)".to_string());
        }
        if !chosen.is_empty() {
            lines.push(format!("  chosen: {}", chosen.join(", ")));
        }
        lines
    }
}

/// The indices of the names that contain `filter` (lower-cased).
fn refilter(lower: &[String], filter: &str) -> Vec<usize> {
    let needle = filter.to_lowercase();
    lower
        .iter()
        .enumerate()
        .filter(|(_, name)| name.contains(&needle))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filtering_is_a_case_insensitive_substring_match() {
        let lower: Vec<String> = ["dev", "Ops", "devops", "release"]
            .iter()
            .map(|s| s.to_lowercase())
            .collect();
        assert_eq!(refilter(&lower, "DEV"), vec![0, 2]);
        assert_eq!(refilter(&lower, "ops"), vec![1, 2]);
        assert_eq!(refilter(&lower, ""), vec![0, 1, 2, 3]);
        assert!(refilter(&lower, "zzz").is_empty());
    }
}

/// A person who answers from a script, for dialog tests without a terminal: each prompt takes
/// the next answer, which must be of its kind; a typed answer the prompt's check refuses is
/// answered by the next one (as a person would type again). Every prompt is recorded.
#[cfg(test)]
pub mod scripted {
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::io;

    use secrecy::SecretString;

    use super::{Check, Choice, Prompter};

    /// One scripted answer.
    #[derive(Debug, Clone)]
    pub enum Answer {
        /// Typed text (an empty string takes the default).
        Text(&'static str),
        /// Hidden text.
        Secret(&'static str),
        /// The item at this index.
        Select(usize),
        /// Yes or no.
        Confirm(bool),
        /// These values.
        Pick(Vec<&'static str>),
        /// Esc or Ctrl-C.
        Cancel,
    }

    /// The scripted person.
    pub struct Scripted {
        answers: RefCell<VecDeque<Answer>>,
        /// Every prompt, in order, and every refusal of a check (`refused: …`).
        pub asked: RefCell<Vec<String>>,
    }

    impl Scripted {
        /// A person who will give `answers`, in order.
        pub fn new(answers: Vec<Answer>) -> Scripted {
            Scripted {
                answers: RefCell::new(answers.into()),
                asked: RefCell::default(),
            }
        }

        /// Answers left over (a dialog that asked less than the script).
        pub fn left(&self) -> usize {
            self.answers.borrow().len()
        }

        fn next(&self, prompt: &str) -> Answer {
            self.asked.borrow_mut().push(prompt.to_string());
            self.answers
                .borrow_mut()
                .pop_front()
                .unwrap_or_else(|| panic!("the script has no answer for {prompt:?}"))
        }
    }

    fn cancelled() -> io::Error {
        io::Error::from(io::ErrorKind::Interrupted)
    }

    impl Prompter for Scripted {
        fn input(
            &self,
            prompt: &str,
            default: Option<&str>,
            check: Check<'_>,
        ) -> io::Result<String> {
            loop {
                let text = match self.next(prompt) {
                    Answer::Text(t) => t,
                    Answer::Cancel => return Err(cancelled()),
                    other => panic!("{prompt:?} wants text, the script says {other:?}"),
                };
                let value = if text.is_empty() {
                    default.unwrap_or("")
                } else {
                    text
                };
                match check(value) {
                    Ok(()) => return Ok(value.to_string()),
                    Err(why) => self.asked.borrow_mut().push(format!("refused: {why}")),
                }
            }
        }

        fn secret(&self, prompt: &str) -> io::Result<SecretString> {
            match self.next(prompt) {
                Answer::Secret(s) => Ok(SecretString::from(s.to_string())),
                Answer::Cancel => Err(cancelled()),
                other => panic!("{prompt:?} wants a secret, the script says {other:?}"),
            }
        }

        fn select(&self, prompt: &str, items: &[String], _: usize) -> io::Result<Option<usize>> {
            match self.next(prompt) {
                Answer::Select(i) if i < items.len() => Ok(Some(i)),
                Answer::Cancel => Ok(None),
                other => panic!("{prompt:?} offers {items:?}, the script says {other:?}"),
            }
        }

        fn confirm(&self, prompt: &str, _: bool) -> io::Result<Option<bool>> {
            match self.next(prompt) {
                Answer::Confirm(b) => Ok(Some(b)),
                Answer::Cancel => Ok(None),
                other => panic!("{prompt:?} wants yes or no, the script says {other:?}"),
            }
        }

        fn pick_many(
            &self,
            prompt: &str,
            _choices: &[Choice],
            _chosen: &[String],
            valid_new: Option<Check<'_>>,
        ) -> io::Result<Option<Vec<String>>> {
            match self.next(prompt) {
                Answer::Pick(values) => {
                    for v in &values {
                        if let Some(check) = valid_new {
                            check(v).unwrap_or_else(|e| panic!("{v:?}: {e}"));
                        }
                    }
                    Ok(Some(values.iter().map(|v| v.to_string()).collect()))
                }
                Answer::Cancel => Ok(None),
                other => panic!("{prompt:?} wants a pick, the script says {other:?}"),
            }
        }

        fn edit(&self, _text: &str) -> io::Result<Option<String>> {
            match self.next("(editor)") {
                Answer::Text(t) => Ok(Some(t.to_string())),
                Answer::Cancel => Ok(None),
                other => panic!("the editor wants text, the script says {other:?}"),
            }
        }

        fn say(&self, text: &str) {
            self.asked.borrow_mut().push(format!("said: {text}"));
        }
    }
}
