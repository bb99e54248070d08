//! Integration tests: the real `fedaws` binary, driven through `assert_cmd` in a hermetic
//! environment (temporary HOME and XDG directories, a cleared environment) against the real
//! secret stores: gnome-keyring on the private D-Bus session of `scripts/with-secret-store`, and
//! the kernel user keyring.
//!
//! Run them as CI does: `scripts/with-secret-store cargo test --test cli` (or `scripts/test`).
//! Tests that need the Secret Service fail, never skip, when there is no session bus.
//!
//! The modules live in `tests/cli/` (named with `#[path]` because this file is the crate root).

#[path = "cli/common.rs"]
mod common;
#[path = "cli/users.rs"]
mod users;

#[path = "cli/accounts.rs"]
mod accounts;
#[path = "cli/config_file.rs"]
mod config_file;
#[path = "cli/output.rs"]
mod output;
#[path = "cli/validation.rs"]
mod validation;

#[path = "cli/pty.rs"]
mod pty;

#[path = "cli/dialogs.rs"]
mod dialogs;
#[path = "cli/group_picker.rs"]
mod group_picker;

#[path = "cli/sts_fixture.rs"]
mod sts_fixture;
#[path = "cli/sts_server.rs"]
mod sts_server;

#[path = "cli/authz.rs"]
mod authz;
#[path = "cli/aws_profile.rs"]
mod aws_profile;
#[path = "cli/cache.rs"]
mod cache;
#[path = "cli/console.rs"]
mod console;
#[path = "cli/creds.rs"]
mod creds;
#[path = "cli/exec.rs"]
mod exec;
#[path = "cli/hardening.rs"]
mod hardening;
#[path = "cli/server.rs"]
mod server;
#[path = "cli/shared_host.rs"]
mod shared_host;
#[path = "cli/sts_faults.rs"]
mod sts_faults;
#[path = "cli/trust.rs"]
mod trust;
