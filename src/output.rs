//! Tables and JSON for `list` and `show`. Results go to stdout; nothing here prints diagnostics.

use comfy_table::{ContentArrangement, Table, presets};

/// A table with a header row, sized to the terminal when there is one. No colour is used, so
/// `NO_COLOR` is honoured by construction.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_HORIZONTAL_ONLY)
        .set_header(headers.to_vec());
    arrange(&mut t);
    for row in rows {
        t.add_row(row);
    }
    t.to_string()
}

/// A two-column key/value table for `show`.
pub fn fields(rows: Vec<(&str, String)>) -> String {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING);
    arrange(&mut t);
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), v]);
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

/// Pretty JSON followed by a newline.
pub fn json(value: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("JSON values serialize");
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
