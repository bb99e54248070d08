//! The hermetic environment every test runs `fedaws` in.
//!
//! A [`TestEnv`] owns a temporary directory with `home/`, `config/`, `data/` and `state/`, and
//! builds commands with a cleared environment that points HOME and the XDG directories into it, so
//! nothing a test does can read or change the developer's own files. Names and key pairs come
//! from [`unique`] and [`KeyPair`], different in every test, so that what a test finds (a leaked
//! secret, an entry in a shared store) can be traced to the test that made it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

/// `env` output as a map (no value here holds a newline).
pub fn parse_env(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A `~/.aws/config` as people write it: comments of both kinds, an inline comment, and a
/// profile whose `credential_process` runs another tool.
pub const HAND_WRITTEN_AWS_CONFIG: &str = "# my AWS config, written by hand\n\
; a semicolon comment\n\
\n\
[default]\n\
region = eu-west-1   ; inline comment\n\
output = json\n\
\n\
[profile other]\n\
# keep me\n\
region = us-west-2\n\
credential_process = /usr/bin/other-tool --flag\n";

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
