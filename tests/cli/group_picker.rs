//! The group picker of the connector dialog with 100,000 config groups: how long its first
//! screen takes to appear, and how long a typed filter takes to narrow it to one group.
//!
//! Run with `--nocapture` to see the measured times; the bounds are a few times above what a
//! 2-core machine measures, so a slow CI runner does not make the test flaky while a picker that
//! scans or draws every group per keystroke still fails it.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::common::TestEnv;
use crate::pty::{ADD_IAM_USER_CONNECTOR, ENTER, Pty};

/// How many generated groups the config holds (besides `release-team`).
const GROUPS: usize = 100_000;

/// The most the first screen may take after Enter on the duration prompt.
const FIRST_SCREEN_BOUND: Duration = Duration::from_secs(2);

/// The most the typed filter may take to show the one match.
const FILTER_BOUND: Duration = Duration::from_secs(2);

const PROMPT: &str = "Groups that may use it (administrators always may)";

fn config() -> String {
    let mut text = String::with_capacity(GROUPS * 16 + 100);
    text.push_str("[accounts.deployer]\n\n[groups]\n");
    for i in 0..GROUPS {
        writeln!(text, "g{i:06} = []").expect("write to a string");
    }
    text.push_str("release-team = [\"alice\", \"bob\"]\n");
    text
}

#[test]
#[allow(clippy::print_stderr)] // the timings are the point of this test
fn the_group_picker_stays_fast_with_100_000_groups() {
    let env = TestEnv::with_config(&config());
    let started = Instant::now();
    let mut pty = Pty::spawn(&env, ADD_IAM_USER_CONNECTOR);
    pty.expect("Connector name: ");
    let to_first_prompt = started.elapsed();
    pty.send("big");
    pty.send(ENTER);
    pty.expect("Maximum duration (");
    pty.expect("): ");

    // Enter on the last prompt before the picker → the picker's first screen.
    let start = Instant::now();
    pty.send(ENTER);
    pty.expect(&format!("? {PROMPT}"));
    pty.expect("filter: _   ");
    let counts = pty.expect_capture(" match, 0 chosen");
    let first_screen = start.elapsed();
    // "N of N": every group matches the empty filter (the config's and the OS's).
    let (shown, total) = counts
        .trim_end_matches(" match, 0 chosen")
        .split_once(" of ")
        .unwrap_or_else(|| panic!("no match count in {counts:?}"));
    assert_eq!(shown, total, "the empty filter hides groups: {counts:?}");
    let total: usize = total.parse().expect("a count");
    assert!(total > GROUPS, "the picker offers only {total} groups");
    pty.expect("g000000  (config group)");

    // Typing a filter → the screen with the one match.
    let start = Instant::now();
    pty.send("release");
    pty.expect("filter: release_   1 of ");
    // The match comes first, with the cursor on it; the create row for `release` follows.
    pty.expect("> [ ] release-team  (config group)");
    let filtered = start.elapsed();
    pty.expect("  [ ] + create new group `release`");
    pty.send(" ");
    pty.expect("> [x] release-team  (config group)");
    pty.send(ENTER);
    pty.expect(&format!("{PROMPT}: release-team"));
    pty.expect("System scope?");
    pty.expect("[y/N] ");
    pty.send(ENTER);
    pty.expect("Create this connector?");
    pty.expect("[Y/n] ");
    pty.send("y");
    pty.expect("added connector `big`");
    pty.finish_with(0);
    let total = started.elapsed();

    eprintln!(
        "group picker with {} groups: first screen {:.0} ms after Enter, filter \"release\" {:.0} ms \
         (dialog start {:.0} ms, whole run {:.0} ms)",
        GROUPS + 1,
        first_screen.as_secs_f64() * 1000.0,
        filtered.as_secs_f64() * 1000.0,
        to_first_prompt.as_secs_f64() * 1000.0,
        total.as_secs_f64() * 1000.0,
    );
    assert!(
        first_screen < FIRST_SCREEN_BOUND,
        "the picker's first screen took {first_screen:?} (bound {FIRST_SCREEN_BOUND:?})"
    );
    assert!(
        filtered < FILTER_BOUND,
        "filtering took {filtered:?} (bound {FILTER_BOUND:?})"
    );

    let config = env.config();
    let section = config
        .split("[connectors.big]")
        .nth(1)
        .unwrap_or_else(|| panic!("no connector `big` in the config"));
    assert!(
        section.contains("groups = [\"release-team\"]"),
        "the connector does not name release-team:\n{section}"
    );
}
