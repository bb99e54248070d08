//! One test's fedaws: a config with one account (its key pair added through `account add
//! --secret-stdin`) and some connectors, pointed at a test STS; every command's stderr is kept
//! so the test can check, at the end, that no secret of the account and no credential STS issued
//! ever reached it.

use std::cell::RefCell;
use std::process::Output;

use super::env::{KeyPair, TestEnv, contains, stdout};
use super::sts::TestServer;

/// The login name fedaws sends as the session name, and the one a config names to make the
/// test's user an administrator.
pub fn os_user() -> String {
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .expect("run id -un");
    assert!(out.status.success(), "id -un failed");
    String::from_utf8(out.stdout)
        .expect("id prints UTF-8")
        .trim()
        .to_string()
}

/// `[settings]` with region us-east-1, the test's user as administrator (so every connector is
/// usable without groups), `store_lines` (TOML: where the accounts and the cache are), and
/// `settings.sts_endpoint` when `endpoint` is given.
pub fn settings(store_lines: &str, endpoint: Option<&str>) -> String {
    let mut settings = format!(
        "[settings]\n{store_lines}region = \"us-east-1\"\nadmins = [\"{}\"]\n",
        os_user()
    );
    if let Some(url) = endpoint {
        settings.push_str(&format!("sts_endpoint = \"{url}\"\n"));
    }
    settings
}

/// One test's set-up.
pub struct Fixture {
    /// The hermetic environment.
    pub env: TestEnv,
    /// The account's (unique) name.
    pub account: String,
    /// The account's long-term keys.
    pub keys: KeyPair,
    stderrs: RefCell<Vec<(String, Vec<u8>)>>,
}

impl Fixture {
    /// A config of `settings` (TOML, the `[settings]` table), the account `account` added with
    /// `account_flags` (e.g. `--mfa-serial …`), and `connectors` (TOML, `{account}` standing
    /// for the account's name) appended.
    pub fn new(settings: &str, account: &str, account_flags: &[&str], connectors: &str) -> Fixture {
        let fixture = Fixture {
            env: TestEnv::with_config(settings),
            account: account.to_string(),
            keys: KeyPair::new(),
            stderrs: RefCell::default(),
        };
        let mut args = vec!["account", "add", account, "--secret-stdin"];
        args.extend_from_slice(account_flags);
        let out = fixture
            .env
            .fedaws(&args)
            .write_stdin(fixture.keys.stdin())
            .output()
            .expect("run fedaws");
        fixture.record(&args.join(" "), &out);
        assert_succeeded(&args, &out);
        let mut config = fixture.env.config();
        config.push('\n');
        config.push_str(&connectors.replace("{account}", account));
        fixture.env.write_config(&config);
        fixture
    }

    /// Keep a command's stderr for the leak check, and fail at once if it holds the account's
    /// secret access key.
    pub fn record(&self, step: &str, output: &Output) {
        assert!(
            !contains(&output.stderr, self.keys.secret_access_key.as_bytes()),
            "`{step}` printed the account's secret access key on stderr"
        );
        self.stderrs
            .borrow_mut()
            .push((step.to_string(), output.stderr.clone()));
    }

    /// `PROGRAM` with the environment fedaws gets (cleared, temporary HOME and XDG, this
    /// config), in the temporary directory, stdin empty.
    pub fn env_command(&self, program: &str) -> std::process::Command {
        let template = self.env.std_command(&[]);
        let mut cmd = std::process::Command::new(program);
        cmd.env_clear();
        for (k, v) in template.get_envs() {
            if let Some(v) = v {
                cmd.env(k, v);
            }
        }
        cmd.current_dir(self.env.root())
            .stdin(std::process::Stdio::null());
        cmd
    }

    /// What a POSIX shell holds in `vars` after `eval "$(fedaws creds CONNECTOR --format env)"`:
    /// one line each, in the order of `vars`.
    pub fn eval_env(&self, connector: &str, vars: &[&str]) -> String {
        let program = env!("CARGO_BIN_EXE_fedaws");
        let values: Vec<String> = vars.iter().map(|v| format!("\"${v}\"")).collect();
        let script = format!(
            r#"eval "$("{program}" creds {connector} --format env)" || exit 9; printf '%s\n' {}"#,
            values.join(" ")
        );
        let out = self
            .env_command("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("run sh");
        self.record("sh -c eval creds --format env", &out);
        assert_succeeded(&["creds", connector, "--format", "env"], &out);
        stdout(&out)
    }

    /// Run `fedaws ARGS…` (with extra environment variables) and keep its stderr.
    pub fn run_with(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let mut cmd = self.env.fedaws(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let output = cmd.output().expect("run fedaws");
        self.record(&args.join(" "), &output);
        output
    }

    /// Run `fedaws ARGS…` and keep its stderr.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    /// Run `fedaws ARGS…`, which must succeed; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_with(args, &[])
    }

    /// Run `fedaws ARGS…` with extra variables, which must succeed; returns stdout.
    pub fn ok_with(&self, args: &[&str], vars: &[(&str, &str)]) -> String {
        let out = self.run_with(args, vars);
        assert_succeeded(args, &out);
        stdout(&out)
    }

    /// Add `lines` (TOML) at the top of `[settings]`.
    pub fn set_settings(&self, lines: &str) {
        let config = self.env.config();
        assert!(
            config.contains("[settings]\n"),
            "the config has no [settings] table:\n{config}"
        );
        self.env
            .write_config(&config.replacen("[settings]\n", &format!("[settings]\n{lines}"), 1));
    }

    /// Fail when a regular file under the test's temporary tree holds the account's secret access
    /// key or a secret the servers handed out in clear (the cache belongs in a secret store).
    pub fn assert_no_secret_in_files(&self, servers: &[&TestServer]) {
        self.env
            .assert_no_file_contains(&self.keys.secret_access_key, "the account's secret key");
        for server in servers {
            for secret in server.issued_secrets() {
                self.env
                    .assert_no_file_contains(&secret, "a temporary secret STS issued");
            }
        }
    }

    /// Fail when a stderr kept so far holds a secret the servers handed out, or the account's
    /// secret.
    pub fn assert_no_secret_on_stderr(&self, servers: &[&TestServer]) {
        let mut secrets = vec![self.keys.secret_access_key.clone()];
        for server in servers {
            secrets.extend(server.issued_secrets());
        }
        for (step, stderr) in self.stderrs.borrow().iter() {
            for secret in &secrets {
                assert!(
                    !contains(stderr, secret.as_bytes()),
                    "`{step}` printed a secret ({}…) on stderr:\n{}",
                    &secret[..secret.len().min(8)],
                    String::from_utf8_lossy(stderr)
                );
            }
        }
    }

    /// Check that no stderr kept so far holds a secret the servers handed out (or the account's
    /// secret), then remove the account through fedaws.
    pub fn finish(&self, servers: &[&TestServer]) {
        self.assert_no_secret_on_stderr(servers);
        self.env
            .fedaws(&["account", "remove", &self.account, "--force"])
            .assert()
            .success();
    }
}

/// Fail unless `fedaws ARGS…` succeeded, showing its stderr.
fn assert_succeeded(args: &[&str], out: &Output) {
    assert!(
        out.status.success(),
        "`fedaws {}` failed ({}):\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
