//! Entries of the credential cache as a store holds them (JSON someone else may have written):
//! listed and read back; a foreign entry is a miss, never a panic.
#![no_main]

use fedaws::secret::{MemoryStore, SecretStore};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let store = MemoryStore::default();
    let key = "v1:c:0123456789abcdef";
    store
        .set(key, &secrecy::SecretString::from(text.to_string()))
        .expect("the memory store takes any value");
    let now = jiff::Timestamp::from_second(1_800_000_000).expect("a time");
    let _ = fedaws::issue::cache::list(&store, None, None, now);
});
