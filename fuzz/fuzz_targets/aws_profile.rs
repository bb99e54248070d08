//! The `~/.aws/config` editor on any text: adding a profile the text lacks keeps every byte of
//! the text before it, and removing it again gives the text back (with at most the line end it
//! lacked); a profile fedaws wrote is recognised; a text botocore reads (as
//! `aws_config::botocore` tells) is one it still reads after the profile is added or updated, and
//! before it is removed; nothing panics.
#![no_main]

use std::path::Path;

use fedaws::aws_config::botocore::problem;
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
        assert_eq!(problem(&added), None, "botocore cannot read it after the add: {added:?}");
        let again = with_profile(&added, PROFILE, &settings, ours, false)
            .expect("a profile fedaws wrote is updated");
        assert_eq!(problem(&again), None, "botocore cannot read it after an update: {again:?}");
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
