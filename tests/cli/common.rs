//! The hermetic environment every integration test runs `fedaws` in.
//!
//! A [`TestEnv`] owns a temporary directory with `home/`, `config/`, `data/` and `state/`, and
//! builds commands with a cleared environment that points HOME and the XDG directories into it, so
//! nothing a test does can read or change the developer's own files. The secret stores cannot be
//! made private per test (the kernel user keyring and the gnome-keyring of
//! `scripts/with-secret-store` are shared by the whole run), so every test names its accounts with
//! [`unique`] and removes them again; an [`AccountGuard`] removes them even when a test panics.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The message for a test that needs the Secret Service but runs without a session bus.
pub const NEEDS_SECRET_STORE: &str =
    "run the suite with scripts/test (it starts a private D-Bus session with gnome-keyring)";

/// How long one `fedaws` run may take before the test fails instead of hanging.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// A temporary HOME and XDG tree, and the config path inside it.
pub struct TestEnv {
    dir: tempfile::TempDir,
}

impl TestEnv {
    /// A fresh, empty environment (no config file yet).
    pub fn new() -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("fedaws-test-")
            .tempdir()
            .expect("create a temporary directory");
        for sub in ["home", "config/fedaws", "data", "state"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("create a test directory");
        }
        TestEnv { dir }
    }

    /// An environment whose config file holds `text`.
    pub fn with_config(text: &str) -> TestEnv {
        let env = TestEnv::new();
        env.write_config(text);
        env
    }

    /// The root of the temporary tree.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The fake HOME.
    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    /// `<tmp>/config/fedaws/config.toml`, which `FEDAWS_CONFIG` points at.
    pub fn config_path(&self) -> PathBuf {
        self.root().join("config/fedaws/config.toml")
    }

    /// Replace the config file.
    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_path(), text).expect("write the config");
    }

    /// The config file's text.
    pub fn config(&self) -> String {
        std::fs::read_to_string(self.config_path()).expect("read the config")
    }

    /// The config file's bytes, for byte-for-byte comparisons.
    pub fn config_bytes(&self) -> Vec<u8> {
        std::fs::read(self.config_path()).expect("read the config")
    }

    /// `fedaws ARGS…` as a plain `std::process::Command`, for tests that spawn processes
    /// themselves (several at once). Stdin is empty and not a terminal.
    pub fn std_command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fedaws"));
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.root().join("config"))
            .env("XDG_DATA_HOME", self.root().join("data"))
            .env("XDG_STATE_HOME", self.root().join("state"))
            .env("FEDAWS_CONFIG", self.config_path())
            .current_dir(self.root())
            .stdin(std::process::Stdio::null());
        if let Some(bus) = std::env::var_os("DBUS_SESSION_BUS_ADDRESS") {
            cmd.env("DBUS_SESSION_BUS_ADDRESS", bus);
        }
        cmd
    }

    /// `fedaws ARGS…` in this environment, with a timeout so that a hang fails the test.
    pub fn fedaws(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::from_std(self.std_command(args));
        cmd.timeout(COMMAND_TIMEOUT);
        cmd
    }

    /// Every regular file under the temporary tree, recursively.
    pub fn files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                match entry.file_type() {
                    Ok(t) if t.is_dir() => walk(&path, out),
                    Ok(t) if t.is_file() => out.push(path),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(self.root(), &mut out);
        out
    }

    /// Fail when `needle` occurs in any regular file under the temporary tree.
    pub fn assert_no_file_contains(&self, needle: &str, what: &str) {
        for file in self.files() {
            let bytes = std::fs::read(&file).unwrap_or_default();
            assert!(
                !contains(&bytes, needle.as_bytes()),
                "{what} was written to {}:\n{}",
                file.display(),
                String::from_utf8_lossy(&bytes)
            );
        }
    }
}

/// Set a file's mode bits.
pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {mode:o} {}: {e}", path.display()));
}

/// A file's mode bits (permissions, setuid, setgid, sticky).
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .mode()
        & 0o7777
}

/// Whether `haystack` contains `needle` as a byte sequence.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Fail when `needle` occurs in the command's stdout or stderr; `step` names the command.
pub fn assert_output_lacks(output: &Output, needle: &str, what: &str, step: &str) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        assert!(
            !contains(bytes, needle.as_bytes()),
            "`{step}` printed {what} on {stream}:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

/// stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// A name no other test in this run (or an earlier run) uses: `PREFIX-PID-COUNTER-TIME`, valid
/// as a fedaws name (letters, digits, `-`).
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}-{}-{n}-{nanos:x}", std::process::id())
}

/// A well-formed long-term key pair that no other test uses, so a leak can be traced to one test.
pub struct KeyPair {
    /// `AKIA` + 16 digits.
    pub access_key_id: String,
    /// 40 characters, like a real secret access key.
    pub secret_access_key: String,
}

impl KeyPair {
    /// A fresh pair.
    pub fn new() -> KeyPair {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = u64::from(COUNTER.fetch_add(1, Ordering::Relaxed));
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::from(d.subsec_nanos()))
            .unwrap_or(0);
        let pid = u64::from(std::process::id());
        let tag = (pid * 1_000_000_000 + nanos) % 10_000_000_000;
        let secret_access_key = format!(
            "wJalrXUtnFEMI/K7MDENG/bPxRfi{:06}{:06}",
            n % 1_000_000,
            tag % 1_000_000
        );
        assert_eq!(secret_access_key.len(), 40);
        KeyPair {
            access_key_id: format!("AKIA{:06}{tag:010}", n % 1_000_000),
            secret_access_key,
        }
    }

    /// The two lines `--secret-stdin` reads.
    pub fn stdin(&self) -> String {
        format!("{}\n{}\n", self.access_key_id, self.secret_access_key)
    }

    /// How `list` and `show` print the id: `AKIA…` and the last four characters.
    pub fn masked_id(&self) -> String {
        let id = &self.access_key_id;
        format!("{}…{}", &id[..4], &id[id.len() - 4..])
    }

    /// Fail unless `stored` (what the secret store holds for an account) is this pair.
    pub fn assert_stored_as(&self, stored: &str) {
        let value: serde_json::Value = serde_json::from_str(stored)
            .unwrap_or_else(|e| panic!("the stored secret is not JSON ({e})"));
        assert_eq!(
            value["access_key_id"].as_str(),
            Some(self.access_key_id.as_str()),
            "the store holds another access key id"
        );
        assert!(
            value["secret_access_key"].as_str() == Some(self.secret_access_key.as_str()),
            "the store holds another secret access key"
        );
    }
}

/// Fail (never skip) when the Secret Service of `scripts/with-secret-store` is not there.
pub fn require_secret_service() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|v| v.is_empty()) {
        panic!("DBUS_SESSION_BUS_ADDRESS is not set: {NEEDS_SECRET_STORE}");
    }
}

/// Run a helper tool of the test itself (`secret-tool`, `keyctl`), failing with a hint when the
/// tool is not installed.
fn tool(program: &str, args: &[&str], package: &str) -> Output {
    std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {program} ({e}): install {package}, or run the suite with scripts/test"
            )
        })
}

/// What the gnome-keyring holds for an account, read with `secret-tool` as a user would.
pub fn secret_service_lookup(account: &str) -> Option<String> {
    require_secret_service();
    let username = format!("account:{account}");
    let out = tool(
        "secret-tool",
        &["lookup", "service", "fedaws", "username", &username],
        "libsecret-tools",
    );
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).expect("secret-tool prints UTF-8"))
}

/// What the kernel user keyring holds for an account, read with `keyctl` as a user would.
pub fn keyutils_lookup(account: &str) -> Option<String> {
    let description = format!("fedaws:account:{account}");
    let found = tool(
        "keyctl",
        &["search", "@u", "user", &description],
        "keyutils",
    );
    if !found.status.success() {
        return None;
    }
    let id = String::from_utf8(found.stdout).expect("keyctl prints UTF-8");
    let printed = tool("keyctl", &["print", id.trim()], "keyutils");
    assert!(
        printed.status.success(),
        "keyctl found key {} for {description} but cannot print it: {}",
        id.trim(),
        String::from_utf8_lossy(&printed.stderr)
    );
    Some(String::from_utf8(printed.stdout).expect("keyctl prints UTF-8"))
}

/// The secret store backends the tests use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// gnome-keyring over D-Bus.
    SecretService,
    /// The kernel user keyring.
    Keyutils,
}

impl Store {
    /// The `--keyring` value.
    pub fn flag(self) -> &'static str {
        match self {
            Store::SecretService => "secret-service",
            Store::Keyutils => "keyutils",
        }
    }

    /// What the store holds for an account, read with the store's own command-line tool.
    pub fn lookup(self, account: &str) -> Option<String> {
        match self {
            Store::SecretService => secret_service_lookup(account),
            Store::Keyutils => keyutils_lookup(account),
        }
    }

    /// Delete an account's entry behind fedaws's back (cleanup after a failed test).
    fn purge(self, account: &str) {
        let result = match self {
            Store::SecretService => std::process::Command::new("secret-tool")
                .args(["clear", "service", "fedaws", "username"])
                .arg(format!("account:{account}"))
                .output(),
            Store::Keyutils => std::process::Command::new("sh")
                .arg("-c")
                .arg("id=$(keyctl search @u user \"$1\") && keyctl unlink \"$id\" @u")
                .arg("sh")
                .arg(format!("fedaws:account:{account}"))
                .output(),
        };
        let _ = result;
    }
}

/// Removes an account's secret from a shared store when dropped, so a failing test leaves
/// nothing behind for the next run. Tests still remove their accounts through fedaws and assert
/// that it worked; this is only the safety net.
pub struct AccountGuard {
    store: Store,
    name: String,
}

impl AccountGuard {
    /// Guard the entry of `name` in `store`.
    pub fn new(store: Store, name: &str) -> AccountGuard {
        AccountGuard {
            store,
            name: name.to_string(),
        }
    }
}

impl Drop for AccountGuard {
    fn drop(&mut self) {
        self.store.purge(&self.name);
    }
}
