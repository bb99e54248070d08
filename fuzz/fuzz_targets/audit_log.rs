//! `fedaws audit` on a damaged log: any bytes as the current file, read whole and newest first
//! with every bound; nothing panics, and the bounded read returns no more than asked.
#![no_main]

use fedaws::audit::{self, Query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(audit::log_path(dir.path()), data).expect("write the log");
    let _ = audit::read(dir.path());
    let keep = |e: &audit::Event| e.uid == 1000;
    let query = Query {
        holding: Some(audit::uid_marker(1000)),
        keep: Some(&keep),
        since: None,
        limit: Some(3),
        max_bytes: Some(4096),
    };
    if let Ok(log) = audit::newest(dir.path(), &query) {
        assert!(log.events.len() <= 3);
    }
});
