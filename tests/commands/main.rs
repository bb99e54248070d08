//! The first tier's tests of whole commands: the built `fedaws` binary, driven through
//! `assert_cmd` in a hermetic environment (temporary HOME and XDG directories, a cleared
//! environment), its accounts and credential cache in the encrypted `file` store inside that
//! directory, its STS a fake served by the test itself on a loopback port that records what
//! reached it. They need Rust and nothing else (no root, no D-Bus, no keyring, no STS emulator,
//! no network), so `cargo test` runs them, as any user.
//!
//! What needs real parts (the OS keyrings, other Unix users, a broker, Vault, real AWS clients)
//! is the second tier's, in `tests/cli`, which shares the fixtures of `tests/support`.
//!
//! Unix only, as the first tier is: the tests run `id`, `sh` and `env`, and check file modes.
#![cfg(unix)]

#[path = "../support/mod.rs"]
mod support;

mod local;

mod access;
mod accounts;
mod aws_profile;
mod check;
mod connectors;
mod creds;
mod faults;
