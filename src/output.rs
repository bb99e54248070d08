//! Tables and JSON for `list` and `show`, and the escaping of text for people. Results go to
//! stdout; nothing here prints diagnostics.
//!
//! Text fedaws did not write itself (names and descriptions from a config, messages from the
//! network, lines of the audit log) may hold control characters: a newline that fakes a table row
//! or a message line, an escape sequence that repaints the terminal. Every table cell and every
//! line on stderr goes through [`escape_all`] or [`escape_controls`], whether or not the stream
//! is a terminal (it may be shown on one later). JSON needs nothing: its encoder escapes them.

use std::borrow::Cow;

use comfy_table::{ContentArrangement, Table, presets};

/// `2026-11-29T12:00:00Z`: RFC 3339, UTC, whole seconds, as the SDKs parse it.
pub fn rfc3339(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `s` with every control character shown as an escape (`\n`, `\t`, `\u{1b}`), for values
/// that fedaws did not write.
pub fn escape_all(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// `s` with every control character but the newline shown as an escape, for fedaws's own
/// messages, whose line breaks are its own.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// The invisible characters that reorder text on screen (bidirectional overrides and
/// isolates): a name with one can show as another name.
const BIDI: &[char] = &[
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

fn escape(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let wanted = |c: char| (c.is_control() || BIDI.contains(&c)) && !(keep_newlines && c == '\n');
    if !s.chars().any(wanted) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if wanted(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A table with a header row, sized to the terminal when there is one. No colour is used, so
/// `NO_COLOR` is honoured by construction.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_HORIZONTAL_ONLY)
        .set_header(headers.to_vec());
    arrange(&mut t);
    for row in rows {
        t.add_row(row.iter().map(|cell| escape_all(cell).into_owned()));
    }
    t.to_string()
}

/// A two-column key/value table for `show`.
pub fn fields(rows: Vec<(&str, String)>) -> String {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING);
    arrange(&mut t);
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), escape_all(&v).into_owned()]);
    }
    t.lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Wrap to the terminal's width when there is a sensible one; a terminal that reports no size
/// (a bare pseudo-terminal) or a tiny one gets unwrapped lines rather than one letter per line.
fn arrange(t: &mut Table) {
    let arrangement = match t.width() {
        Some(w) if w >= 40 => ContentArrangement::Dynamic,
        _ => ContentArrangement::Disabled,
    };
    t.set_content_arrangement(arrangement);
}

/// Pretty JSON followed by a newline, with the keys of every object in alphabetical order,
/// whatever order a struct declares its fields in.
pub fn json(value: &(impl serde::Serialize + ?Sized)) -> String {
    let value = serde_json::to_value(value).expect("what fedaws prints serializes to JSON");
    let mut s = serde_json::to_string_pretty(&value).expect("JSON values serialize");
    s.push('\n');
    s
}

/// A list for a table cell: `a, b`, or `-` when empty.
pub fn joined(items: &[String]) -> String {
    if items.is_empty() {
        "-".to_string()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(escape_all("plain ünïcode"), "plain ünïcode");
        assert_eq!(escape_all("a\nb\u{1b}[2J\r"), "a\\nb\\u{1b}[2J\\r");
        assert_eq!(escape_controls("line\nnext\u{7}"), "line\nnext\\u{7}");
        assert_eq!(escape_all("admin\u{202E}txt.exe"), "admin\\u{202e}txt.exe");
        let t = table(&["NAME"], vec![vec!["x\n│ fake │".into()]]);
        let plain = table(&["NAME"], vec![vec!["x".into()]]);
        assert_eq!(t.lines().count(), plain.lines().count(), "{t}");
        assert!(t.contains("x\\n│ fake │"), "{t}");
        let f = fields(vec![("description", "one\u{1b}]0;title\u{7}".into())]);
        assert!(!f.contains('\u{1b}'), "{f:?}");
    }
}
