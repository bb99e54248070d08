//! The config file: any text through the load, then every rule `check` runs (without the
//! policy files a deep load reads from disk), and the problems placed on their lines.
#![no_main]

use std::path::Path;

use fedaws::config::{Config, Depth};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("/nonexistent/fedaws-fuzz/config.toml");
    let _ = Config::from_text(path, text, Depth::Shallow);
    if let Ok(config) = Config::parse(path, text) {
        let problems = config.problems(Depth::Shallow);
        let _ = fedaws::config::rules_with_lines(problems, text);
    }
});
