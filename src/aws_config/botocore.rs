//! How botocore (the AWS CLI, boto3) reads `~/.aws/config`: Python's `configparser` in its strict
//! mode (lines broken at `\n`, `\r\n` or `\r`; `#` and `;` lines are comments; a line indented
//! deeper than the key above it continues that key's value; a section header is `[` … `]`; a key
//! before any section, a section or a key named twice, and a line that is neither a header nor
//! `key = value` (or `key: value`) are errors), then each nested block (`s3 =` and its indented
//! lines) split at `=`. One error and botocore reads nothing: not a profile of the file.
//!
//! [`classify`] says what each line is, which the editor goes by; [`read`] gives what botocore
//! reads, each section's keys and values (the defaults' merged in), or why it cannot.
//!
//! Python's whitespace is Rust's and the four separators U+001C to U+001F.

use std::collections::HashSet;

/// What a line of the file is to botocore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A section header: the section's name.
    Header(String),
    /// `key = value`: the key, lowercased.
    Key(String),
    /// A line of the value of the key above it.
    Continuation,
    /// A comment or a blank line.
    Blank,
    /// Neither: an error.
    Bad,
}

/// What each of `lines` (without or with their line ends) is, read from the top of a file.
pub fn classify<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<Kind> {
    let mut reader = Reader::default();
    lines.into_iter().map(|line| reader.kind(line)).collect()
}

/// What Python keeps between lines.
#[derive(Default)]
struct Reader {
    /// A header was seen.
    in_section: bool,
    /// A key with a name was seen since the last header, so an indented line may continue it.
    key_open: bool,
    /// The indent of the last line that was not a continuation.
    indent: usize,
}

impl Reader {
    fn kind(&mut self, line: &str) -> Kind {
        let value = line.trim_matches(is_space);
        if value.is_empty() || value.starts_with('#') || value.starts_with(';') {
            return Kind::Blank;
        }
        let indent = line.chars().position(|c| !is_space(c)).unwrap_or(0);
        if self.in_section && self.key_open && indent > self.indent {
            return Kind::Continuation;
        }
        self.indent = indent;
        if let Some(name) = header(value) {
            self.in_section = true;
            self.key_open = false;
            return Kind::Header(name.to_string());
        }
        if !self.in_section {
            return Kind::Bad;
        }
        match key_value(value) {
            Some((name, _)) => {
                self.key_open = !name.is_empty();
                Kind::Key(name.to_lowercase())
            }
            None => Kind::Bad,
        }
    }
}

/// Keys and their values as `configparser` gives them (a value's lines joined by `\n`).
pub type Keys = Vec<(String, String)>;

/// What botocore reads of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// Each section, in order, with its keys, then the defaults' keys it does not set.
    pub sections: Vec<(String, Keys)>,
    /// The keys of `[DEFAULT]`.
    pub defaults: Keys,
}

/// What botocore reads of `text`, or why it cannot, naming the line.
pub fn read(text: &str) -> Result<Read, String> {
    let lines: Vec<&str> = lines(text).collect();
    let kinds = classify(lines.iter().copied());
    let mut sections: Vec<(String, Keys)> = Vec::new();
    let mut defaults: Keys = Vec::new();
    let mut seen_keys: HashSet<(String, String)> = HashSet::new();
    // The section being read (`None`: the defaults), and the key whose value goes on.
    let mut current: Option<usize> = None;
    let mut current_name = String::new();
    let mut open: Option<usize> = None;
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut places: Vec<(Option<usize>, String)> = Vec::new();
    let mut bad_line = None;
    for (i, (line, kind)) in lines.iter().zip(&kinds).enumerate() {
        let number = i + 1;
        let value = line.trim_matches(is_space);
        match kind {
            Kind::Blank => {
                // Part of a value that may go on below it (not a comment).
                if !value.starts_with(['#', ';'])
                    && let Some(k) = open
                {
                    parts[k].push(String::new());
                }
            }
            Kind::Continuation => {
                if let Some(k) = open {
                    parts[k].push(value.to_string());
                }
            }
            Kind::Header(name) => {
                open = None;
                current_name.clone_from(name);
                if name == "DEFAULT" {
                    current = None;
                    continue;
                }
                if sections.iter().any(|(n, _)| n == name) {
                    return Err(format!("line {number}: section [{name}] appears twice"));
                }
                sections.push((name.clone(), Vec::new()));
                current = Some(sections.len() - 1);
            }
            Kind::Bad if sections.is_empty() && current_name.is_empty() => {
                return Err(format!(
                    "line {number}: `{}` comes before any [section] header",
                    shorten(value)
                ));
            }
            Kind::Bad => {
                bad_line.get_or_insert_with(|| {
                    format!(
                        "line {number}: `{}` is neither a [section] header nor `key = value`",
                        shorten(value)
                    )
                });
            }
            Kind::Key(name) => {
                if name.is_empty() {
                    bad_line.get_or_insert_with(|| format!("line {number}: a key with no name"));
                }
                if !seen_keys.insert((current_name.clone(), name.clone())) {
                    return Err(format!(
                        "line {number}: key `{name}` appears twice in [{current_name}]"
                    ));
                }
                let first = key_value(value).map(|(_, v)| v).unwrap_or_default();
                parts.push(vec![first.to_string()]);
                places.push((current, name.clone()));
                // A key with no name takes neither continuation nor blank lines.
                open = (!name.is_empty()).then(|| parts.len() - 1);
            }
        }
    }
    if let Some(bad) = bad_line {
        return Err(bad);
    }
    for ((section, name), value) in places.into_iter().zip(parts) {
        let joined = value.join("\n");
        let value = joined.trim_end_matches(is_space).to_string();
        match section {
            Some(s) => sections[s].1.push((name, value)),
            None => defaults.push((name, value)),
        }
    }
    // Each section's keys, then the defaults' it does not set (as `options()` lists them);
    // botocore splits every value that starts on the line below its key.
    for (section, keys) in &mut sections {
        for (name, value) in &defaults {
            if !keys.iter().any(|(k, _)| k == name) {
                keys.push((name.clone(), value.clone()));
            }
        }
        for (name, value) in keys.iter() {
            if let Some(bad) = nested_problem(value) {
                return Err(format!(
                    "`{}` in the nested block of `{name}` in [{section}] has no `=`",
                    shorten(bad)
                ));
            }
        }
    }
    Ok(Read { sections, defaults })
}

/// Why botocore cannot read `text`, naming the line: `None` when it can.
pub fn problem(text: &str) -> Option<String> {
    read(text).err()
}

/// A line of a nested block botocore cannot split: one with no `=` in a value that starts on the
/// line below its key.
fn nested_problem(value: &str) -> Option<&str> {
    value
        .strip_prefix('\n')?
        .split(is_python_line_break)
        .map(|l| l.trim_matches(is_space))
        .find(|l| !l.is_empty() && !l.contains('='))
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
    use super::{Kind, Read, classify, problem, read};

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
    fn values_as_configparser_gives_them() {
        let text =
            "[DEFAULT]\nregion = d\n[a]\nX = 1\n  more\n\n  # note\n  last\n\n[b]\nregion: b\n";
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            read(text).unwrap(),
            Read {
                sections: vec![
                    (
                        "a".to_string(),
                        vec![pair("x", "1\nmore\n\nlast"), pair("region", "d")]
                    ),
                    ("b".to_string(), vec![pair("region", "b")]),
                ],
                defaults: vec![pair("region", "d")],
            }
        );
    }

    #[test]
    fn an_indented_line_below_a_key_is_part_of_its_value() {
        let kinds = classify("[a]\n  k = 1\n    [profile x] = y\n  j = 2\n[b]\n".lines());
        assert_eq!(
            kinds,
            vec![
                Kind::Header("a".into()),
                Kind::Key("k".into()),
                Kind::Continuation,
                Kind::Key("j".into()),
                Kind::Header("b".into()),
            ]
        );
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
            (
                "[a]\ns3 =\n  no equals here\n",
                "`no equals here` in the nested",
            ),
            ("[a]\rb\n", "line 2: `b` is neither"),
            ("[]\n", "line 1: `[]` comes before any"),
            (
                "[DEFAULT]\ns3 =\n  bad\n[a]\n",
                "nested block of `s3` in [a]",
            ),
        ] {
            let got = problem(text).unwrap_or_else(|| panic!("{text:?} read"));
            assert!(got.contains(says), "{text:?}: {got}");
        }
        assert!(problem("[a]\nx =\n    continued\n").is_some());
        // A default's nested block that every section overrides is never read.
        assert_eq!(problem("[DEFAULT]\ns3 =\n  bad\n[a]\ns3 = x\n"), None);
    }
}
