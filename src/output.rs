//! Tables and JSON for `list` and `show`. Results go to stdout; nothing here prints diagnostics.

use comfy_table::{ContentArrangement, Table, presets};

/// A table with a header row, sized to the terminal when there is one. No colour is used, so
/// `NO_COLOR` is honoured by construction.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.to_vec());
    for row in rows {
        t.add_row(row);
    }
    t.to_string()
}

/// A two-column key/value table for `show`.
pub fn fields(rows: Vec<(&str, String)>) -> String {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic);
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), v]);
    }
    t.lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
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
