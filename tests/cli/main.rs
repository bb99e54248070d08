//! Integration tests: the real `fedaws` binary, driven through `assert_cmd` in a hermetic
//! environment (temporary HOME and XDG directories, a cleared environment) against the real
//! secret stores: gnome-keyring on the private D-Bus session of `scripts/with-secret-store`, and
//! the kernel user keyring.
//!
//! Run them as CI does: `scripts/with-secret-store cargo test --features system-tests --test cli` (or `scripts/test`).
//! Tests that need the Secret Service fail, never skip, when there is no session bus.
//!
//! Each module is one area: the fixtures (`common`, `users`, `sts_server`, `sts_fixture`, `pty`,
//! and `support`, which the first tier's `tests/commands` shares) are used by the test modules
//! around them.

#[path = "../support/mod.rs"]
mod support;

mod common;
mod users;

mod accounts;
mod config_file;
mod output;
mod validation;

mod pty;

mod dialogs;
mod group_picker;

mod bao;
mod sts_fixture;
mod sts_server;

mod authz;
mod aws_profile;
mod broker;
mod broker_audit;
mod cache;
mod console;
mod creds;
mod exec;
mod file_store;
mod hardening;
mod rotate;
mod server;
mod shared_host;
mod sts_faults;
mod trust;
mod vault;
mod windows;
