//! A config with one account (its key pair in the kernel keyring) and some connectors, pointed at
//! a test STS; every command's stderr is kept so the test can check, at the end, that no secret of
//! the account and no credential STS issued ever reached it.

use std::cell::RefCell;
use std::process::Output;

use crate::common::{AccountGuard, KeyPair, Store, TestEnv, contains, stdout, unique};
use crate::sts_server::TestServer;

/// The AWS account id moto uses.
pub const MOTO_ACCOUNT: &str = "123456789012";

/// The login name fedaws sends as the session name.
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

/// One test's fedaws set-up.
pub struct Broker {
    /// The hermetic environment.
    pub env: TestEnv,
    /// The account's (unique) name.
    pub account: String,
    /// The account's long-term keys.
    pub keys: KeyPair,
    _guard: AccountGuard,
    stderrs: RefCell<Vec<(String, Vec<u8>)>>,
}

impl Broker {
    /// A config using the keyutils store and region us-east-1, the test's user as administrator,
    /// with `settings.sts_endpoint` when
    /// `endpoint` is given, an account added with `account_flags` (e.g. `--mfa-serial …`), and
    /// `connectors` (TOML, `{account}` standing for the account's name) appended.
    pub fn new(endpoint: Option<&str>, account_flags: &[&str], connectors: &str) -> Broker {
        // The test's user is the administrator, so every connector is usable without groups.
        let mut settings = format!(
            "[settings]\nkeyring = \"keyutils\"\nregion = \"us-east-1\"\nadmins = [\"{}\"]\n",
            os_user()
        );
        if let Some(url) = endpoint {
            settings.push_str(&format!("sts_endpoint = \"{url}\"\n"));
        }
        let env = TestEnv::with_config(&settings);
        let account = unique("sts");
        let guard = AccountGuard::new(Store::Keyutils, &account);
        let keys = KeyPair::new();
        let mut args = vec!["account", "add", account.as_str(), "--secret-stdin"];
        args.extend_from_slice(account_flags);
        env.fedaws(&args)
            .write_stdin(keys.stdin())
            .assert()
            .success();
        let mut config = env.config();
        config.push('\n');
        config.push_str(&connectors.replace("{account}", &account));
        env.write_config(&config);
        Broker {
            env,
            account,
            keys,
            _guard: guard,
            stderrs: RefCell::default(),
        }
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
        assert!(
            out.status.success(),
            "`fedaws {}` failed ({}):\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
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
    /// key or a secret the servers handed out (the cache belongs in a secret store, never a file).
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

    /// Check that no stderr kept so far holds a secret the servers handed out (or the account's
    /// secret), then remove the account through fedaws and check its key pair is gone.
    pub fn finish(self, servers: &[&TestServer]) {
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
        self.env
            .fedaws(&["account", "remove", &self.account, "--force"])
            .assert()
            .success();
        assert_eq!(
            Store::Keyutils.lookup(&self.account),
            None,
            "`account remove` left the key pair in the keyring"
        );
    }
}
