//! Real Unix users and groups for the tests where another user is part of the story: each made
//! with `useradd` (its OS groups from `/etc/group` through `setpriv --init-groups`), with its own
//! HOME and XDG tree and key pair, and deleted again (its kernel keyring emptied) when dropped,
//! also when the test panics.
//!
//! Creating users needs root; without it these tests fail and say how to run them.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::{COMMAND_TIMEOUT, KeyPair, TestEnv, contains, stderr, stdout};

/// How to run these tests when not root.
pub const HOW_TO_RUN: &str = "these tests create Unix users and groups, so they need root: run them as CI does, e.g. `sudo -E scripts/with-secret-store cargo test --features system-tests --test cli authz`";

/// Fail (never skip) unless the test runs as root.
pub fn require_root() {
    let out = Command::new("id").arg("-u").output().expect("run id -u");
    assert!(
        stdout(&out).trim() == "0",
        "not root (uid {}): {HOW_TO_RUN}",
        stdout(&out).trim()
    );
}

/// `fa-TAG-PID`: short enough for a login name (32) and an STS `Name` (32).
pub fn os_name(tag: &str) -> String {
    format!("fa-{tag}-{}", std::process::id())
}

/// Run a system tool, failing with a hint when it is missing.
pub fn tool(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): install it (passwd, util-linux, keyutils) or {HOW_TO_RUN}"))
}

/// Run a system tool that must succeed.
pub fn must(program: &str, args: &[&str]) -> Output {
    let out = tool(program, args);
    assert!(
        out.status.success(),
        "`{program} {}` failed ({}): {}",
        args.join(" "),
        out.status,
        stderr(&out)
    );
    out
}

pub fn exists(db: &str, name: &str) -> bool {
    tool("getent", &[db, name]).status.success()
}

/// An OS group, deleted when dropped.
pub struct OsGroup {
    /// The group's name.
    pub name: String,
}

impl OsGroup {
    /// A new group named after `tag` and this process.
    pub fn create(tag: &str) -> OsGroup {
        require_root();
        let name = os_name(tag);
        if exists("group", &name) {
            // Left behind by a killed run of a process with the same pid.
            let _ = tool("groupdel", &["-f", &name]);
        }
        must("groupadd", &[&name]);
        OsGroup { name }
    }
}

impl Drop for OsGroup {
    fn drop(&mut self) {
        let _ = tool("groupdel", &["-f", &self.name]);
    }
}

/// A Unix user with its own HOME/XDG tree and key pair; deleted (its kernel keyring emptied,
/// its private group removed) when dropped, also when the test panics.
pub struct User {
    /// The login name.
    pub name: String,
    /// The user id.
    pub uid: u32,
    /// The primary group id.
    pub gid: u32,
    /// The user's HOME and XDG tree.
    pub env: TestEnv,
    /// The user's key pair.
    pub keys: KeyPair,
}

impl User {
    /// A system user without a home directory, with a group of its own, and supplementary
    /// membership in `groups`.
    pub fn create(tag: &str, groups: &[&OsGroup]) -> User {
        require_root();
        let name = os_name(tag);
        if exists("passwd", &name) {
            let _ = tool("userdel", &["-f", &name]);
        }
        if exists("group", &name) {
            let _ = tool("groupdel", &["-f", &name]);
        }
        let mut args = vec!["-M", "-r", "-U", "-s", "/usr/sbin/nologin"];
        let list = groups
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>()
            .join(",");
        if !groups.is_empty() {
            args.extend(["-G", &list]);
        }
        args.push(&name);
        must("useradd", &args);
        let id = |flag: &str| -> u32 {
            stdout(&must("id", &[flag, &name]))
                .trim()
                .parse()
                .expect("id prints a number")
        };
        let (uid, gid) = (id("-u"), id("-g"));
        User {
            name,
            uid,
            gid,
            env: TestEnv::new(),
            keys: KeyPair::new(),
        }
    }

    /// Give the user its HOME/XDG tree (made by root), so that what it runs can write there.
    pub fn own_tree(&self) {
        must(
            "chown",
            &[
                "-R",
                &format!("{}:{}", self.uid, self.gid),
                &self.env.root().display().to_string(),
            ],
        );
    }

    /// `PROGRAM` run as this user, with the supplementary groups of `/etc/group`.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new("setpriv");
        cmd.arg(format!("--reuid={}", self.uid))
            .arg(format!("--regid={}", self.gid))
            .arg("--init-groups")
            .arg("--")
            .arg(program);
        cmd
    }

    /// `fedaws ARGS…` as this user in its environment, not yet run.
    pub fn fedaws_command(&self, args: &[&str]) -> Command {
        let template = self.env.std_command(args);
        let mut cmd = self.command(env!("CARGO_BIN_EXE_fedaws"));
        cmd.args(args).env_clear();
        for (k, v) in template.get_envs() {
            if let Some(v) = v {
                cmd.env(k, v);
            }
        }
        cmd.current_dir(self.env.root());
        cmd
    }

    /// Run `fedaws ARGS…` as this user with `stdin`.
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut cmd = assert_cmd::Command::from_std(self.fedaws_command(args));
        cmd.timeout(COMMAND_TIMEOUT).write_stdin(stdin.to_string());
        let out = cmd.output().expect("run fedaws as the test user");
        assert!(
            !contains(&out.stderr, self.keys.secret_access_key.as_bytes()),
            "`fedaws {}` as {} printed the account's secret access key on stderr",
            args.join(" "),
            self.name
        );
        out
    }

    /// Run `fedaws ARGS…` as this user.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_stdin(args, "")
    }

    /// Run `fedaws ARGS…` as this user; it must succeed. Returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "`fedaws {}` as {} failed ({}):\n{}",
            args.join(" "),
            self.name,
            out.status,
            stderr(&out)
        );
        stdout(&out)
    }

    /// The user's audit log file.
    pub fn audit_path(&self) -> PathBuf {
        self.env.root().join("state/fedaws/audit.jsonl")
    }

    /// Every line of the audit log, each of which must be one JSON object.
    pub fn audit(&self) -> Vec<Value> {
        let text = match std::fs::read_to_string(self.audit_path()) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => panic!("read {}: {e}", self.audit_path().display()),
        };
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "{}'s audit log does not end with a newline:\n{text}",
            self.name
        );
        text.lines()
            .map(|line| {
                let v: Value = serde_json::from_str(line).unwrap_or_else(|e| {
                    panic!(
                        "a line of {}'s audit log is not JSON ({e}):\n{line}",
                        self.name
                    )
                });
                assert!(v.is_object(), "an audit line is not an object: {line}");
                v
            })
            .collect()
    }

    /// `fedaws whoami --json [--system]`, parsed.
    pub fn whoami(&self, system: bool) -> Value {
        let mut args = vec!["whoami", "--json"];
        if system {
            args.push("--system");
        }
        let text = self.ok(&args);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("`whoami --json` is not JSON ({e}):\n{text}"))
    }

    /// `fedaws cache list --json` as this user: the entries of its keyring.
    pub fn cache_entries(&self) -> Vec<Value> {
        let text = self.ok(&["cache", "list", "--json"]);
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("`cache list --json` is not JSON ({e}):\n{text}"));
        v.as_array().expect("an array").clone()
    }

    /// The descriptions in this user's kernel user keyring, as `keyctl` shows them.
    pub fn keyring(&self) -> String {
        let out = self
            .command("keyctl")
            .args(["show", "@u"])
            .output()
            .unwrap_or_else(|e| panic!("cannot run keyctl ({e}): install keyutils"));
        assert!(out.status.success(), "keyctl show @u: {}", stderr(&out));
        stdout(&out)
    }
}

impl Drop for User {
    fn drop(&mut self) {
        let _ = self
            .command("keyctl")
            .args(["clear", "@u"])
            .stdin(Stdio::null())
            .output();
        let _ = tool("userdel", &["-f", &self.name]);
        if exists("group", &self.name) {
            let _ = tool("groupdel", &["-f", &self.name]);
        }
    }
}

/// The id of the OS group `name`.
pub fn group_id(name: &str) -> u32 {
    stdout(&must("getent", &["group", name]))
        .split(':')
        .nth(2)
        .and_then(|g| g.trim().parse().ok())
        .unwrap_or_else(|| panic!("no gid for group {name}"))
}
