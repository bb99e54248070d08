//! Entries of the credential cache as a store holds them (JSON someone else may have written),
//! under the key fedaws itself looks up for a request: read back as a hit would be (by the
//! connector's definition and by the files' stamps, with and without a margin) and listed. A
//! foreign entry is a miss, never a panic; a hit has credentials shaped as AWS makes them and
//! more than the margin left.
#![no_main]

use std::path::Path;
use std::time::Duration;

use fedaws::issue::cache::{self, Check};
use fedaws::issue::{CacheUse, CredsRequest};
use fedaws::secret::{MemoryStore, SecretStore};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let store = MemoryStore::default();
    let config = Path::new("/nonexistent/fedaws-fuzz/config.toml");
    let request = CredsRequest {
        connector: "dev".into(),
        duration: None,
        region: None,
        mfa_code: None,
        cache: CacheUse::Use,
    };
    let key = cache::slot_key(config, &request, "alice", "host", &|_| None);
    store
        .set(&key, &secrecy::SecretString::from(text.to_string()))
        .expect("the memory store takes any value");
    let now = jiff::Timestamp::from_second(1_800_000_000).expect("a time");
    for (check, margin) in [
        (Check::Fingerprint("fp"), Some(Duration::from_secs(300))),
        (Check::Fingerprint("fp"), None),
        (Check::Unchanged, None),
    ] {
        if let Ok(Ok(hit)) = cache::read(&store, &key, check, now, margin) {
            fedaws::sts::check_shape(&hit.issued).expect("a hit is shaped as AWS makes them");
            assert!(hit.issued.expiration > now, "a hit that has expired");
        }
    }
    if let Ok(listed) = cache::list(&store, Some(config), None, now) {
        assert!(listed.len() <= 1);
    }
    let _ = cache::list(&store, None, Some("dev"), now);
});
