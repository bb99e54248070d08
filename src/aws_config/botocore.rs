//! How botocore (the AWS CLI, boto3) reads `~/.aws/config`, as far as whether it can: Python's
//! `configparser` in its strict mode (lines broken at `\n`, `\r\n` or `\r`; `#` and `;` lines are
//! comments; an indented line continues the value above it; a section header is `[` … `]`; a key
//! before any section, a section or a key named twice, and a line that is neither a header nor
//! `key = value` (or `key: value`) are errors), then each nested block (`s3 =` and its indented
//! lines) split at `=`. One error and botocore reads nothing: not a profile of the file.
//!
//! Python's whitespace is Rust's and the four separators U+001C to U+001F.

use std::collections::HashSet;

/// Why botocore cannot read `text`, naming the line: `None` when it can.
pub fn problem(text: &str) -> Option<String> {
    let mut reading = Reading::default();
    for (number, line) in lines(text).enumerate() {
        if let Some(problem) = reading.line(number + 1, line) {
            return Some(problem);
        }
    }
    reading.finish()
}

/// What `configparser` keeps while it reads.
#[derive(Default)]
struct Reading {
    /// The section being read (`DEFAULT` for the defaults), once a header was seen.
    section: Option<String>,
    /// Sections seen, but `DEFAULT`.
    sections: HashSet<String>,
    /// Keys seen, by section.
    keys: HashSet<(String, String)>,
    /// The key whose value the next indented line continues (none after a header, or after a key
    /// with no name).
    key: Option<String>,
    /// The indent of the line that set `key`.
    indent: usize,
    /// Every key's value lines, by section, with the line that named it.
    values: Vec<Value>,
    /// The first line that is neither a header nor a key (Python reports these at the end).
    bad_line: Option<String>,
}

/// A key's value as read: its lines, stripped.
struct Value {
    section: String,
    key: String,
    line: usize,
    parts: Vec<String>,
}

impl Reading {
    fn line(&mut self, number: usize, line: &str) -> Option<String> {
        let value = line.trim_matches(is_space);
        if value.starts_with('#') || value.starts_with(';') {
            return None;
        }
        if value.is_empty() {
            // Part of a value that goes on below it.
            if self.key.is_some()
                && let Some(last) = self.values.last_mut()
            {
                last.parts.push(String::new());
            }
            return None;
        }
        let indent = line.chars().position(|c| !is_space(c)).unwrap_or(0);
        if self.section.is_some() && self.key.is_some() && indent > self.indent {
            if let Some(last) = self.values.last_mut() {
                last.parts.push(value.to_string());
            }
            return None;
        }
        self.indent = indent;
        if let Some(name) = header(value) {
            if name != "DEFAULT" && !self.sections.insert(name.to_string()) {
                return Some(format!("line {number}: section [{name}] appears twice"));
            }
            self.section = Some(name.to_string());
            self.key = None;
            return None;
        }
        let Some(section) = self.section.clone() else {
            return Some(format!(
                "line {number}: `{}` comes before any [section] header",
                shorten(value)
            ));
        };
        let Some((name, rest)) = key_value(value) else {
            self.bad_line.get_or_insert_with(|| {
                format!(
                    "line {number}: `{}` is neither a [section] header nor `key = value`",
                    shorten(value)
                )
            });
            return None;
        };
        let name = name.to_lowercase();
        if name.is_empty() {
            self.bad_line
                .get_or_insert_with(|| format!("line {number}: a key with no name"));
        }
        if !self.keys.insert((section.clone(), name.clone())) {
            return Some(format!(
                "line {number}: key `{name}` appears twice in [{section}]"
            ));
        }
        self.key = (!name.is_empty()).then(|| name.clone());
        self.values.push(Value {
            section,
            key: name,
            line: number,
            parts: vec![rest.to_string()],
        });
        None
    }

    /// The errors Python raises once the file is read: lines it could not place, then nested
    /// blocks botocore cannot split (each key of each section, the defaults' included).
    fn finish(self) -> Option<String> {
        if let Some(bad) = self.bad_line {
            return Some(bad);
        }
        let defined: HashSet<(&str, &str)> = self
            .values
            .iter()
            .map(|v| (v.section.as_str(), v.key.as_str()))
            .collect();
        for v in &self.values {
            // A default's value is read in each section that does not set the key itself.
            let read = if v.section == "DEFAULT" {
                self.sections
                    .iter()
                    .any(|s| !defined.contains(&(s.as_str(), v.key.as_str())))
            } else {
                true
            };
            if read && let Some(problem) = nested_problem(v) {
                return Some(problem);
            }
        }
        None
    }
}

/// A nested block botocore cannot split: a value that starts on the line below its key, with a
/// line that has no `=`.
fn nested_problem(v: &Value) -> Option<String> {
    let joined = v.parts.join("\n");
    let joined = joined.trim_end_matches(is_space);
    let nested = joined.strip_prefix('\n')?;
    let bad = nested
        .split(is_python_line_break)
        .map(|l| l.trim_matches(is_space))
        .find(|l| !l.is_empty() && !l.contains('='))?;
    Some(format!(
        "line {}: `{}` in the nested block of `{}` has no `=`",
        v.line,
        shorten(bad),
        v.key
    ))
}

/// Python's whitespace (`str.isspace`).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Where Python's `str.splitlines` breaks a line.
fn is_python_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// The lines of a file read with universal newlines (`\n`, `\r\n`, `\r`), without their ends.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\n', '\r']) {
            Some(i) => {
                let skip = if text[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&text[i + skip..]).filter(|r| !r.is_empty());
                Some(&text[..i])
            }
            None => {
                rest = None;
                (!text.is_empty()).then_some(text)
            }
        }
    })
}

/// The section a (stripped) line is the header of: from its first `[` to its last `]`, at least
/// one character between (Python's `\[(?P<header>.+)\]`, matched at the start only).
pub fn header(value: &str) -> Option<&str> {
    let inner = value.strip_prefix('[')?;
    let end = inner.rfind(']')?;
    (end > 0).then(|| &inner[..end])
}

/// The key each line of a section's body (the lines below its header) sets, lowercased, as
/// `configparser` reads them: `None` for a comment, a blank line, a line that continues the value
/// of the key above it (indented deeper than that key's line), and one that is not `key = value`.
pub fn keys_in_section<'a>(body: impl IntoIterator<Item = &'a str>) -> Vec<Option<String>> {
    // As Python keeps them: whether a value may go on, and the indent of the last line that
    // was not a continuation.
    let (mut open, mut indent) = (false, 0);
    body.into_iter()
        .map(|line| {
            let value = line.trim_matches(is_space);
            if value.is_empty() || value.starts_with('#') || value.starts_with(';') {
                return None;
            }
            let at = line.chars().position(|c| !is_space(c)).unwrap_or(0);
            if open && at > indent {
                return None;
            }
            indent = at;
            let (name, _) = key_value(value)?;
            let name = name.to_lowercase();
            open = !name.is_empty();
            Some(name)
        })
        .collect()
}

/// A (stripped) `key = value` or `key: value` line split at its first `=` or `:`: the key
/// without the space before it, the value without the space around it.
pub fn key_value(value: &str) -> Option<(&str, &str)> {
    let at = value.find(['=', ':'])?;
    Some((
        value[..at].trim_end_matches(is_space),
        value[at + 1..].trim_matches(is_space),
    ))
}

/// A line as messages quote it: its first 60 characters.
fn shorten(line: &str) -> String {
    match line.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn files_botocore_reads() {
        for text in [
            "",
            "\n\n",
            "# a comment\n[default]\nregion = eu-west-1\n",
            "[default]\r\nregion = a\r\n\r\n[profile a]\r\noutput = json",
            "[profile a]\ns3 =\n  max_concurrent_requests = 10\n\n  addressing_style = path\n",
            "[default]\nregion: a\n[DEFAULT]\nx = 1\n[DEFAULT]\ny = 2\n",
            "[a] trailing\nx = 1\n",
            "[a]\nx =\n    a = continued\n    # a comment inside\n\n    b = 2\n",
            "[a]\n  indented = first\n",
            "[a]\ncli_pager =\n",
        ] {
            assert_eq!(problem(text), None, "{text:?}");
        }
    }

    #[test]
    fn files_botocore_refuses_name_the_line() {
        for (text, says) in [
            (
                "stray = 1\n[default]\n",
                "line 1: `stray = 1` comes before any",
            ),
            ("\u{feff}[default]\nregion = a\n", "line 1:"),
            ("[a]\n[b]\n[a]\n", "line 3: section [a] appears twice"),
            (
                "[a]\nx = 1\nX = 2\n",
                "line 3: key `x` appears twice in [a]",
            ),
            ("[a]\nx = 1\njunk\n", "line 3: `junk` is neither"),
            ("[a]\n= 1\n", "line 2: a key with no name"),
            ("[a]\ns3 =\n  no equals here\n", "line 2: `no equals here`"),
            ("[a]\rb\n", "line 2: `b` is neither"),
            ("[]\n", "line 1: `[]` comes before any"),
            ("[DEFAULT]\ns3 =\n  bad\n[a]\n", "nested block of `s3`"),
        ] {
            let got = problem(text).unwrap_or_else(|| panic!("{text:?} read"));
            assert!(got.contains(says), "{text:?}: {got}");
        }
        assert!(problem("[a]\nx =\n    continued\n").is_some());
        // A default's nested block that every section overrides is never read.
        assert_eq!(problem("[DEFAULT]\ns3 =\n  bad\n[a]\ns3 = x\n"), None);
    }
}
