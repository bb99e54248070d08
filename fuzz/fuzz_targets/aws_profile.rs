//! The `~/.aws/config` editor on any text: adding a profile the text lacks keeps every byte of
//! the text before it, and removing it again gives the text back (with at most the line end it
//! lacked); a profile fedaws wrote is recognised; what botocore reads of a text (as
//! `aws_config::botocore` reads it) is the same after the profile is added or updated, but for
//! the profile, which has the settings and keeps its other keys; nothing panics.
#![no_main]

use std::path::Path;

use fedaws::aws_config::botocore::{Keys, Read, problem, read};
use fedaws::aws_config::{Pin, render_command, with_profile, without_profile, written_by_fedaws};
use libfuzzer_sys::fuzz_target;

const PROFILE: &str = "fuzzed";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let command = render_command("/usr/bin/fedaws", Pin::Nothing, "c").expect("a plain command");
    let settings = [
        ("credential_process", command.clone()),
        ("region", "eu-west-1".to_string()),
    ];
    let readable = problem(text).is_none();
    let ours = |v: &str| written_by_fedaws(v).is_some();
    let has_profile = text.contains("fuzzed");
    let Ok(added) = with_profile(text, PROFILE, &settings, ours, false) else {
        return;
    };
    // A lone carriage return makes the file read differently by botocore and the other SDKs:
    // such a file is not edited.
    if readable && !text.replace("\r\n", "\n").contains('\r') {
        same_but_ours(text, &added, &settings);
        let again = with_profile(&added, PROFILE, &settings, ours, false)
            .expect("a profile fedaws wrote is updated");
        same_but_ours(text, &again, &settings);
    }
    if !has_profile {
        assert!(
            added.starts_with(text),
            "the text before the new profile changed"
        );
        let removed = without_profile(&added, PROFILE, false, Path::new("config"))
            .expect("the profile just added is fedaws's to remove");
        assert!(
            removed == text || removed == format!("{text}\n"),
            "removing the profile did not give the text back: {removed:?}"
        );
    }
    let _ = without_profile(text, PROFILE, true, Path::new("config"));
    let _ = fedaws::aws_config::fedaws_profiles(text);
});

/// Whether a section's name is the profile fedaws edits, as botocore takes it.
fn is_ours(section: &str) -> bool {
    section.split_whitespace().collect::<Vec<_>>() == ["profile", PROFILE]
}

/// `keys` without those `settings` sets, in order of name.
fn others(keys: &Keys, settings: &[(&str, String)]) -> Keys {
    let mut rest: Keys = keys
        .iter()
        .filter(|(k, _)| !settings.iter().any(|(s, _)| s == k))
        .cloned()
        .collect();
    rest.sort();
    rest
}

/// What botocore reads of `after` is what it read of `before`, but for the profile: the last
/// section of its name has the settings, and every other key it had (or, new, the defaults').
fn same_but_ours(before: &str, after: &str, settings: &[(&str, String)]) {
    let was: Read = read(before).expect("readable before");
    let is: Read = read(after).unwrap_or_else(|e| panic!("unreadable after ({e}): {after:?}"));
    assert_eq!(was.defaults, is.defaults, "the defaults changed: {after:?}");
    let not_ours = |r: &Read| -> Vec<(String, Keys)> {
        let last = r.sections.iter().rposition(|(n, _)| is_ours(n));
        r.sections
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != last)
            .map(|(_, s)| s.clone())
            .collect()
    };
    assert_eq!(not_ours(&was), not_ours(&is), "another section changed: {after:?}");
    let (_, mine) = is
        .sections
        .iter()
        .rfind(|(n, _)| is_ours(n))
        .unwrap_or_else(|| panic!("botocore finds no profile {PROFILE}: {after:?}"));
    for (key, value) in settings {
        assert!(
            mine.contains(&(key.to_string(), value.clone())),
            "{key} is not {value:?}: {after:?}"
        );
    }
    let before_mine = was
        .sections
        .iter()
        .rfind(|(n, _)| is_ours(n))
        .map_or(&was.defaults, |(_, k)| k);
    assert_eq!(
        others(before_mine, settings),
        others(mine, settings),
        "the profile's other keys changed: {after:?}"
    );
}
