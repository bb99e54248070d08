//! Session policies: shape, characters and size, alone and with managed policy ARNs.

use super::*;

/// What [`check_policy`] learned about a valid policy, for the combined size check with the
/// managed policy ARNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyInfo {
    /// Characters in the policy once whitespace is removed (see [`compact_len`]).
    pub compact_len: usize,
}

/// The policy size AWS limits: characters (not bytes) once space, tab, CR and LF are removed.
pub fn compact_len(text: &str) -> usize {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .count()
}

/// Policy versions IAM accepts.
const POLICY_VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];
/// Top-level keys of a policy document.
const POLICY_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
/// Keys of a policy statement.
const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Checks an inline session policy as STS would, so that `MalformedPolicyDocument` and size
/// errors surface locally with a precise reason.
///
/// `text` is the raw policy: only tab, LF, CR and U+0020–U+00FF; a JSON object with `Version`
/// (`2012-10-17` or `2008-10-17`) and `Statement` (an object or a non-empty array of objects);
/// each statement with `Effect` `Allow`/`Deny`, exactly one of `Action`/`NotAction` and exactly
/// one of `Resource`/`NotResource` (each a string or a non-empty array of non-empty strings);
/// keys are case-sensitive and unknown keys are refused. At most [`POLICY_MAX_COMPACT_LEN`]
/// characters without whitespace; the caller still has to add the managed policy ARNs'
/// lengths to [`PolicyInfo::compact_len`] for the combined limit.
pub fn check_policy(field: &str, text: &str) -> Result<PolicyInfo, FieldError> {
    let err = |problem: String| FieldError::new(field, text, problem);

    let (mut line, mut col) = (1usize, 0usize);
    for (i, c) in text.chars().enumerate() {
        if c == '\n' {
            line += 1;
            col = 0;
            continue;
        }
        col += 1;
        let ok = matches!(c, '\t' | '\r') || ('\u{20}'..='\u{FF}').contains(&c);
        if !ok {
            return Err(err(format!(
                "character {} at line {line}, column {col} (character {}) is not allowed; \
                 a policy may only contain {POLICY_CHARS_HELP}",
                describe_char(c),
                i + 1
            )));
        }
    }

    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| err(format!("is not valid JSON: {e}")))?;
    let Some(doc) = doc.as_object() else {
        return Err(err(format!(
            "must be a JSON object, found {}",
            json_kind(&doc)
        )));
    };
    if let Some(key) = doc.keys().find(|k| !POLICY_KEYS.contains(&k.as_str())) {
        return Err(err(format!(
            "unknown top-level key {key:?}; allowed are Version, Id, Statement (case-sensitive)"
        )));
    }
    match doc.get("Version") {
        None => {
            return Err(err(
                "Version is missing; use \"Version\": \"2012-10-17\"".to_owned()
            ));
        }
        Some(serde_json::Value::String(v)) if POLICY_VERSIONS.contains(&v.as_str()) => {}
        Some(v) => {
            return Err(err(format!(
                "Version is {v}; it must be \"2012-10-17\" or \"2008-10-17\""
            )));
        }
    }
    if let Some(id) = doc.get("Id").filter(|v| !v.is_string()) {
        return Err(err(format!("Id must be a string, found {}", json_kind(id))));
    }
    let statements: Vec<(String, &serde_json::Value)> = match doc.get("Statement") {
        None => return Err(err("Statement is missing".to_owned())),
        Some(serde_json::Value::Array(a)) if a.is_empty() => {
            return Err(err("Statement is an empty array".to_owned()));
        }
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("Statement[{i}]"), s))
            .collect(),
        Some(s @ serde_json::Value::Object(_)) => vec![("Statement".to_owned(), s)],
        Some(s) => {
            return Err(err(format!(
                "Statement must be an object or an array of objects, found {}",
                json_kind(s)
            )));
        }
    };
    for (label, st) in statements {
        check_statement(&label, st).map_err(err)?;
    }

    let n = compact_len(text);
    if n > POLICY_MAX_COMPACT_LEN {
        return Err(err(format!(
            "is {n} characters without whitespace; the limit is {POLICY_MAX_COMPACT_LEN} \
             (inline policy and managed policy ARNs together)"
        )));
    }
    Ok(PolicyInfo { compact_len: n })
}

/// Checks one statement; the error names it by `label` (`Statement[2]`, plus its `Sid`).
fn check_statement(label: &str, st: &serde_json::Value) -> Result<(), String> {
    let Some(st) = st.as_object() else {
        return Err(format!(
            "{label} must be an object, found {}",
            json_kind(st)
        ));
    };
    let label = match st.get("Sid") {
        Some(serde_json::Value::String(sid)) => format!("{label} (Sid {sid:?})"),
        Some(other) => {
            return Err(format!(
                "{label}: Sid must be a string, found {}",
                json_kind(other)
            ));
        }
        None => label.to_owned(),
    };
    if let Some(key) = st.keys().find(|k| !STATEMENT_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "{label}: unknown key {key:?}; allowed are {} (case-sensitive)",
            STATEMENT_KEYS.join(", ")
        ));
    }
    match st.get("Effect") {
        None => {
            return Err(format!(
                "{label}: Effect is missing; use \"Allow\" or \"Deny\""
            ));
        }
        Some(serde_json::Value::String(e)) if e == "Allow" || e == "Deny" => {}
        Some(e) => {
            return Err(format!(
                "{label}: Effect is {e}; it must be \"Allow\" or \"Deny\" (case-sensitive)"
            ));
        }
    }
    for (a, b) in [("Action", "NotAction"), ("Resource", "NotResource")] {
        match (st.get(a), st.get(b)) {
            (None, None) => return Err(format!("{label}: needs {a} or {b}")),
            (Some(_), Some(_)) => {
                return Err(format!("{label}: has both {a} and {b}; use only one"));
            }
            (Some(v), None) => check_string_list(&label, a, v)?,
            (None, Some(v)) => check_string_list(&label, b, v)?,
        }
    }
    if let Some(c) = st.get("Condition").filter(|c| !c.is_object()) {
        return Err(format!(
            "{label}: Condition must be an object, found {}",
            json_kind(c)
        ));
    }
    Ok(())
}

/// `Action` & co: a non-empty string or a non-empty array of non-empty strings.
fn check_string_list(label: &str, key: &str, v: &serde_json::Value) -> Result<(), String> {
    let shape = "a non-empty string or a non-empty array of non-empty strings";
    let ok = match v {
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(a) => {
            !a.is_empty() && a.iter().all(|x| x.as_str().is_some_and(|s| !s.is_empty()))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{label}: {key} must be {shape}, found {v}"))
    }
}

/// The JSON type of `v` in words, for messages.
fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::repeat as s;

    /// A valid policy whose compact length is exactly `len` (padding inside the Resource).
    fn policy_of_compact_len(len: usize) -> String {
        let build = |pad: &str| {
            format!(
                "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \
                 \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \
                 \"Resource\": \"arn:aws:s3:::bucket/{pad}\"\n    }}\n  ]\n}}"
            )
        };
        let base = compact_len(&build(""));
        let text = build(&s(len - base, 'a'));
        assert_eq!(compact_len(&text), len);
        text
    }

    const OK_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

    #[test]
    fn compact_len_counts_chars_without_whitespace() {
        let cases = [
            ("", 0),
            (" \t\r\n", 0),
            ("{ \"a\" : 1 }", 7),
            ("é é", 2),
            ("\u{A0}", 1),
        ];
        for (text, n) in cases {
            assert_eq!(compact_len(text), n, "{text:?}");
        }
    }

    #[test]
    fn policy_length_boundary() {
        let ok = policy_of_compact_len(2048);
        assert_eq!(
            check_policy("policy", &ok),
            Ok(PolicyInfo { compact_len: 2048 })
        );
        let bad = policy_of_compact_len(2049);
        let e = check_policy("policy", &bad).unwrap_err();
        assert_eq!(
            e.problem,
            "is 2049 characters without whitespace; the limit is 2048 (inline policy and \
             managed policy ARNs together)"
        );
        assert!(e.to_string().contains('…'), "long value shortened");
        assert_eq!(e.value, bad);
    }

    #[test]
    fn policy_accepts() {
        let cases = [
            OK_POLICY.to_owned(),
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::x"}}"#.to_owned(),
            r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A1","Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#.to_owned(),
            // U+00E9 is inside the allowed range
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"caf\u{e9}\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}".to_owned(),
            // tab, CR, LF are allowed whitespace
            "{\r\n\t\"Version\": \"2012-10-17\",\r\n\t\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}\r\n}".to_owned(),
        ];
        for text in &cases {
            let info = check_policy("policy", text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(info.compact_len, compact_len(text));
        }
    }

    #[test]
    fn policy_rejects() {
        let st = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#;
        let v =
            |statements: &str| format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#);
        let cases: Vec<(String, &str)> = vec![
            (OK_POLICY.replace("s3:*", "s3:\u{100}"), "U+0100"),
            (OK_POLICY.replace("s3:*", "s3:\u{1}"), "U+0001"),
            ("".to_owned(), "not valid JSON"),
            ("{\"Version\":".to_owned(), "line 1 column 11"),
            (
                "{\n  \"Version\": \"2012-10-17\",\n  x\n}".to_owned(),
                "line 3 column 3",
            ),
            ("[]".to_owned(), "must be a JSON object, found an array"),
            (format!(r#"{{"Statement":[{st}]}}"#), "Version is missing"),
            (
                format!(r#"{{"Version":"2012-10-18","Statement":[{st}]}}"#),
                "Version is \"2012-10-18\"",
            ),
            (
                format!(r#"{{"Version":2012,"Statement":[{st}]}}"#),
                "Version is 2012",
            ),
            (
                r#"{"Version":"2012-10-17"}"#.to_owned(),
                "Statement is missing",
            ),
            (v("[]"), "Statement is an empty array"),
            (
                v("\"x\""),
                "Statement must be an object or an array of objects, found a string",
            ),
            (v(&format!("[{st},1]")), "Statement[1] must be an object"),
            (
                format!(r#"{{"version":"2012-10-17","Statement":[{st}]}}"#),
                "unknown top-level key \"version\"",
            ),
            (
                v(&format!("[{st},{}]", st.replace("Allow", "allow"))),
                "Statement[1]: Effect is \"allow\"",
            ),
            (
                v(&st.replace("\"Effect\":\"Allow\",", "")),
                "Statement: Effect is missing",
            ),
            (
                v(&st.replace("\"Resource\"", "\"NotAction\":\"x\",\"Resource\"")),
                "has both Action and NotAction",
            ),
            (
                v(&st.replace("\"Action\":\"s3:*\",", "")),
                "needs Action or NotAction",
            ),
            (
                v(&st.replace("\"s3:*\"", "[]")),
                "Action must be a non-empty string or a non-empty array",
            ),
            (v(&st.replace("\"s3:*\"", "[1]")), "Action must be"),
            (v(&st.replace("\"s3:*\"", "\"\"")), "Action must be"),
            (
                v(&st.replace(",\"Resource\":\"*\"", "")),
                "needs Resource or NotResource",
            ),
            (
                v(&st.replace("\"Resource\"", "\"NotResource\":\"*\",\"Resource\"")),
                "has both Resource and NotResource",
            ),
            (
                v(&st.replace("{", "{\"Sid\":\"Read\",\"effect\":\"Allow\",")),
                "Statement (Sid \"Read\"): unknown key \"effect\"",
            ),
            (
                v(&format!(
                    "[{st},{}]",
                    st.replace("{", "{\"Sid\":\"Two\",")
                        .replace("Allow", "ALLOW")
                )),
                "Statement[1] (Sid \"Two\"): Effect",
            ),
            (v(&st.replace("{", "{\"Sid\":3,")), "Sid must be a string"),
            (
                v(&st.replace("}", ",\"Condition\":[]}")),
                "Condition must be an object",
            ),
        ];
        for (text, why) in &cases {
            let e = check_policy("policy", text).unwrap_err();
            assert_eq!(e.field, "policy");
            assert_eq!(&e.value, text);
            assert!(
                e.problem.contains(why),
                "{text}\n  wanted {why:?}\n  got {}",
                e.problem
            );
        }
    }

    #[test]
    fn policy_bad_character_position() {
        let text = OK_POLICY
            .replacen('{', "{\n ", 1)
            .replace("s3:*", "s3:\u{100}");
        let e = check_policy("policy", &text).unwrap_err();
        let col = text
            .lines()
            .nth(1)
            .unwrap()
            .chars()
            .position(|c| c == '\u{100}')
            .unwrap()
            + 1;
        let idx = text.chars().position(|c| c == '\u{100}').unwrap() + 1;
        assert!(
            e.problem.starts_with(&format!(
                "character 'Ā' (U+0100) at line 2, column {col} (character {idx}) is not allowed"
            )),
            "{}",
            e.problem
        );
    }
}
