//! Broker mode on a shared host, with real users and processes: the broker runs as a service
//! user made for the test, with its config, `file` store and state directory owned by that user
//! and closed to everyone else; callers are other users made for the test (members of a granted
//! OS group, an outsider); moto, behind a recording forwarder, is the STS.
//!
//! What the kernel says of a connection is all the broker goes by, so each test checks a claim
//! from the point of view of the people involved: what a member gets, what an outsider does not
//! get (and that STS never heard of them), what the audit log says of both, and what the member
//! can read of the broker's secrets by any means a user has.
//!
//! These tests need root (`useradd`, `setpriv`, `unshare`); without it they fail and say how to
//! run them.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{KeyPair, chmod, contains, stderr, stdout};
use crate::sts_server::TestServer;
use crate::users::{OsGroup, User, must, require_root};

/// A PATH without root's private directories, for commands run as created users.
pub const SYSTEM_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// How long a broker may take to start listening.
const START: Duration = Duration::from_secs(20);

/// A shared host: a broker's service user and its files, its callers, and the STS it uses.
pub struct Host {
    /// The STS, counting what reaches it.
    pub sts: TestServer,
    /// The broker's service user.
    pub svc: User,
    /// Members of the OS group the connector is granted to.
    pub members: Vec<User>,
    /// A user in no granted group.
    pub outsider: User,
    /// The broker's administrator (`settings.admins`).
    pub admin: User,
    /// The OS group the connector is granted to.
    pub group: OsGroup,
    /// The account's key pair.
    pub keys: KeyPair,
    /// Everything of the host's (mode 0755, root's).
    pub dir: tempfile::TempDir,
}

impl Host {
    /// A host whose broker serves connector `c` (federated user) to one OS group with two
    /// members, its account's key pair stored in the broker's `file` store.
    /// `tag` tells this test's users and group from those of tests running beside it.
    pub fn new(tag: &str) -> Host {
        require_root();
        let group = OsGroup::create(&format!("{tag}g"));
        let svc = User::create(&format!("{tag}svc"), &[]);
        let members = vec![
            User::create(&format!("{tag}m1"), &[&group]),
            User::create(&format!("{tag}m2"), &[&group]),
        ];
        let outsider = User::create(&format!("{tag}out"), &[]);
        let admin = User::create(&format!("{tag}adm"), &[]);
        // Not under /tmp: a broker's socket is trusted only in directories nobody else can
        // write, sticky or not.
        let dir = tempfile::Builder::new()
            .prefix("fedaws-host-")
            .tempdir_in("/var/lib")
            .expect("a temporary directory under /var/lib");
        chmod(dir.path(), 0o755);
        let host = Host {
            sts: TestServer::moto_recorder(),
            svc,
            members,
            outsider,
            admin,
            group,
            keys: KeyPair::new(),
            dir,
        };
        for (sub, mode) in [("etc", 0o700), ("state", 0o700), ("run", 0o755)] {
            let path = host.dir.path().join(sub);
            std::fs::create_dir(&path).expect("a host directory");
            chmod(&path, mode);
        }
        std::fs::write(host.config_path(), host.config_text()).expect("write the config");
        let owner = format!("{}:{}", host.svc.uid, host.svc.gid);
        for path in [
            host.dir.path().join("etc"),
            host.dir.path().join("state"),
            host.dir.path().join("run"),
            host.svc.env.root().to_path_buf(),
        ] {
            must("chown", &["-R", &owner, &path.display().to_string()]);
        }
        let out = host.as_svc(
            &["account", "edit", "acct", "--rotate", "--secret-stdin"],
            &host.keys.stdin(),
        );
        assert!(out.status.success(), "account edit: {}", stderr(&out));
        host
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("etc/config.toml")
    }

    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("run/broker.sock")
    }

    pub fn socket_arg(&self) -> String {
        self.socket().display().to_string()
    }

    pub fn config_text(&self) -> String {
        format!(
            "[settings]\nregion = \"us-east-1\"\nsts_endpoint = \"{}\"\nkeyring = \"file\"\nfile_store = \"store.enc\"\nadmins = [\"{}\"]\n\n[accounts.acct]\n\n[connectors.c]\naccount = \"acct\"\nprincipal = \"federated-user\"\ngroups = [\"{}\"]\n",
            self.sts.url(),
            self.admin.name,
            self.group.name
        )
    }

    /// `fedaws --config CONFIG ARGS…` as the service user, with `stdin`.
    pub fn as_svc(&self, args: &[&str], stdin: &str) -> Output {
        let config = self.config_path().display().to_string();
        let mut all = vec!["--config", config.as_str()];
        all.extend_from_slice(args);
        self.svc.run_stdin(&all, stdin)
    }

    /// Start the broker as the service user; it is listening when this returns.
    pub fn start(&self) -> Running {
        let socket = self.socket_arg();
        self.start_as(&[], &["--socket", &socket], &[])
    }

    /// Start `PREFIX… fedaws --config CONFIG broker run ARGS…` as the service user, with `vars`
    /// added to its environment; it is listening when this returns.
    pub fn start_as(&self, prefix: &[&str], args: &[&str], vars: &[(&str, &str)]) -> Running {
        start_broker(
            &self.svc,
            &self.config_path(),
            &self.dir.path().join("state"),
            prefix,
            args,
            vars,
        )
    }

    /// `fedaws --broker SOCKET ARGS…` as `user`.
    pub fn ask(&self, user: &User, args: &[&str]) -> Output {
        self.ask_stdin(user, args, "")
    }

    /// `fedaws --broker SOCKET ARGS…` as `user`, with `stdin`.
    pub fn ask_stdin(&self, user: &User, args: &[&str], stdin: &str) -> Output {
        let socket = self.socket_arg();
        let mut all = vec!["--broker", socket.as_str()];
        all.extend_from_slice(args);
        let out = user.run_stdin(&all, stdin);
        assert!(
            !contains(&out.stderr, self.keys.secret_access_key.as_bytes())
                && !contains(&out.stdout, self.keys.secret_access_key.as_bytes()),
            "`fedaws {}` as {} printed the account's secret access key",
            args.join(" "),
            user.name
        );
        out
    }

    /// The broker's audit log, one JSON object per line.
    pub fn audit(&self) -> Vec<Value> {
        let path = self.dir.path().join("state/audit.jsonl");
        std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("an audit line is JSON"))
            .collect()
    }

    /// STS requests naming `user` as the federated user.
    pub fn calls_for(&self, user: &User) -> usize {
        self.sts
            .requests()
            .iter()
            .filter(|r| r.param("Name").as_deref() == Some(user.name.as_str()))
            .count()
    }
}

/// Start `PREFIX… fedaws --config CONFIG broker run ARGS…` as `user`, with its state in
/// `state` and `vars` added to its environment; it is listening when this returns. Its log is
/// a file beside `state`.
pub fn start_broker(
    user: &User,
    config: &Path,
    state: &Path,
    prefix: &[&str],
    args: &[&str],
    vars: &[(&str, &str)],
) -> Running {
    static STARTS: AtomicUsize = AtomicUsize::new(0);
    let log = state.with_file_name(format!(
        "broker-{}.log",
        STARTS.fetch_add(1, Ordering::SeqCst)
    ));
    let log_file = std::fs::File::create(&log).expect("create the broker's log");
    let config = config.display().to_string();
    let fedaws = env!("CARGO_BIN_EXE_fedaws");
    let mut cmd = user.command(prefix.first().copied().unwrap_or(fedaws));
    if !prefix.is_empty() {
        cmd.args(&prefix[1..]).arg(fedaws);
    }
    cmd.args(["--config", &config, "broker", "run"])
        .args(args)
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .env("HOME", user.env.home())
        .env("STATE_DIRECTORY", state)
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file);
    let child = cmd.spawn().expect("start the broker");
    let mut running = Running { child, log };
    let started = Instant::now();
    while !running.log_text().contains("listening on") {
        if started.elapsed() > START || running.ended() {
            let text = running.log_text();
            panic!("the broker did not start listening; its log:\n{text}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    running
}

/// A broker process; killed when dropped.
pub struct Running {
    child: Child,
    log: PathBuf,
}

impl Running {
    /// What the broker logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether it has exited.
    pub fn ended(&mut self) -> bool {
        self.child.try_wait().expect("check the broker").is_some()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, signal: &str) {
        must("kill", &[&format!("-{signal}"), &self.pid().to_string()]);
    }

    /// Wait until the log has `needle`, at most `limit`.
    pub fn wait_for_log(&mut self, needle: &str, limit: Duration) {
        let started = Instant::now();
        while !self.log_text().contains(needle) {
            assert!(
                started.elapsed() < limit,
                "the broker's log has no `{needle}` after {} s:\n{}",
                limit.as_secs(),
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait for the broker to exit, at most 40 s: its exit code.
    fn wait(&mut self) -> Option<i32> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the broker") {
                return status.code();
            }
            assert!(
                started.elapsed() < Duration::from_secs(40),
                "the broker did not exit"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The credentials of a `creds --format json` answer: their AccessKeyId. (moto hands out the
/// same key id every time: whether an answer came from STS or a cache is told by counting what
/// reached STS.)
pub fn key_id(out: &Output, who: &str) -> String {
    assert!(
        out.status.success(),
        "creds as {who} failed ({}):\n{}",
        out.status,
        stderr(out)
    );
    let v: Value = serde_json::from_str(&stdout(out)).expect("creds --format json is JSON");
    assert!(
        v["SessionToken"].is_string(),
        "no session token: not temporary credentials"
    );
    v["AccessKeyId"]
        .as_str()
        .expect("an AccessKeyId")
        .to_string()
}

/// The exit code, with the output in the message when it is not `want`.
pub fn assert_exit(out: &Output, want: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(want),
        "{what}: stdout {:?}, stderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

#[test]
fn members_get_credentials_through_the_broker_and_nobody_else_does() {
    let host = Host::new("b1");
    let _broker = host.start();
    let member = &host.members[0];
    assert_eq!(
        crate::common::mode(&host.socket()) & 0o777,
        0o666,
        "the socket is not open to every user"
    );

    let first = key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member",
    );
    assert_eq!(host.calls_for(member), 1);
    let again = key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member",
    );
    assert_eq!(again, first);
    assert_eq!(
        host.sts.count(),
        1,
        "the second request was not served from the broker's cache"
    );

    // The outsider is refused with the local command's exit code, and STS never hears of it.
    let out = host.ask(&host.outsider, &["creds", "c", "--format", "json"]);
    assert_exit(&out, 4, "creds as the outsider");
    assert!(stdout(&out).is_empty(), "a refusal printed on stdout");
    assert!(stderr(&out).contains("may not use"), "{}", stderr(&out));
    // `--system` is for settings.system_users only.
    let out = host.ask(member, &["creds", "c", "--system", "--format", "json"]);
    assert_exit(&out, 4, "creds --system as a member not in system_users");
    assert_eq!(host.sts.count(), 1, "a refused caller reached STS");

    // A socket in a directory others can change is not talked to: anyone could have put it there.
    chmod(&host.dir.path().join("run"), 0o777);
    let out = host.ask(member, &["creds", "c", "--format", "json"]);
    assert_exit(
        &out,
        3,
        "creds through a socket in a world-writable directory",
    );
    assert!(stderr(&out).contains("broker socket"), "{}", stderr(&out));
    chmod(&host.dir.path().join("run"), 0o755);

    // The client's own config and keyring flags mean nothing to the broker.
    let out = host.ask(
        member,
        &[
            "--config",
            "/nonexistent.toml",
            "--keyring",
            "keyutils",
            "creds",
            "c",
            "--format",
            "json",
        ],
    );
    assert_eq!(key_id(&out, "member with --config"), first);

    // Every request is in the broker's audit log, with the peer's uid, name and process.
    let audit = host.audit();
    let of = |user: &User| -> Vec<&Value> {
        audit
            .iter()
            .filter(|e| e["uid"] == u64::from(user.uid))
            .collect()
    };
    let mine = of(member);
    assert_eq!(mine.len(), 4, "{audit:#?}");
    assert!(
        mine.iter()
            .all(|e| e["user"] == member.name.as_str() && e["pid"].is_u64())
    );
    assert_eq!(mine[0]["outcome"], "issued");
    assert_eq!(mine[1]["outcome"], "cached");
    assert_eq!(mine[2]["outcome"], "denied");
    let theirs = of(&host.outsider);
    assert_eq!(theirs.len(), 1, "{audit:#?}");
    assert_eq!(theirs[0]["outcome"], "denied");
    assert_eq!(theirs[0]["user"], host.outsider.name.as_str());
    // Clients write no audit log of their own.
    assert!(member.audit().is_empty(), "the client wrote an audit log");
}

#[test]
fn the_aws_cli_gets_a_members_credentials_through_a_profile_aws_profile_add_wrote() {
    let host = Host::new("b2");
    let _broker = host.start();
    let member = &host.members[0];
    member.own_tree();
    let out = host.ask(
        member,
        &["aws-profile", "add", "c", "--region", "us-east-1"],
    );
    assert!(out.status.success(), "aws-profile add: {}", stderr(&out));
    let aws_config =
        std::fs::read_to_string(member.env.home().join(".aws/config")).expect("~/.aws/config");
    assert!(
        aws_config.contains(&format!(
            "--broker {} creds c --format json",
            host.socket_arg()
        )),
        "{aws_config}"
    );

    let out = aws_cli_as(member, &["sts", "get-caller-identity", "--profile", "c"]);
    assert!(
        out.status.success(),
        "the AWS CLI as the member failed ({}):\n{}",
        out.status,
        stderr(&out)
    );
    let identity: Value = serde_json::from_str(&stdout(&out)).expect("the AWS CLI prints JSON");
    assert!(identity["Arn"].is_string(), "{identity}");
    // The CLI ran the profile's command as the member, and the broker issued to the member.
    assert_eq!(
        host.calls_for(member),
        1,
        "the broker did not issue for the member"
    );
    let audit = host.audit();
    assert!(
        audit
            .iter()
            .any(|e| e["uid"] == u64::from(member.uid) && e["outcome"] == "issued"),
        "{audit:#?}"
    );
}

/// The AWS CLI run as `user`, with moto as its endpoint and the user's `~/.aws/config`. The
/// Python that has the AWS CLI may live where only root can go (a pyenv under `/root`): it is
/// bind-mounted where the user can reach it, in a mount namespace of the command's own.
fn aws_cli_as(user: &User, args: &[&str]) -> Output {
    let prefix = Command::new("python3")
        .args(["-c", "import sys, awscli; print(sys.prefix)"])
        .output()
        .expect("run python3: install the AWS CLI (scripts/test does)");
    assert!(
        prefix.status.success(),
        "python3 has no awscli: {}",
        stderr(&prefix)
    );
    let prefix = stdout(&prefix).trim().to_string();
    let version = Command::new("python3")
        .args([
            "-c",
            "import sys; print(f'python{sys.version_info[0]}.{sys.version_info[1]}')",
        ])
        .output()
        .expect("run python3");
    let python = stdout(&version).trim().to_string();
    let mount = tempfile::Builder::new()
        .prefix("fedaws-python-")
        .tempdir()
        .expect("a mount point");
    chmod(mount.path(), 0o755);
    let script = r#"mount --bind "$1" "$2" && shift 2 && exec "$@""#;
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "--", "sh", "-c", script, "sh", &prefix])
        .arg(mount.path())
        .args([
            "setpriv",
            &format!("--reuid={}", user.uid),
            &format!("--regid={}", user.gid),
            "--init-groups",
            "--",
        ])
        .arg(mount.path().join("bin").join(&python))
        .args(["-m", "awscli"])
        .args(args)
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .env("HOME", user.env.home())
        // Where the moved Python finds its library and packages (its own paths point under
        // the original prefix).
        .env("LD_LIBRARY_PATH", mount.path().join("lib"))
        .env(
            "PYTHONPATH",
            mount.path().join("lib").join(&python).join("site-packages"),
        )
        .env("AWS_ENDPOINT_URL", crate::sts_server::moto_url())
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .current_dir(user.env.root())
        .stdin(Stdio::null());
    cmd.output().expect("run the AWS CLI as the user")
}

#[test]
fn a_member_cannot_reach_the_long_term_key() {
    let host = Host::new("b3");
    let broker = host.start();
    let member = &host.members[0];
    let secret = host.keys.secret_access_key.clone();
    key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member",
    );

    // Not from the broker's files: closed to everyone but the service user.
    for file in [
        "etc/config.toml",
        "etc/store.enc",
        "etc/fedaws-store.key",
        "state/audit.jsonl",
    ] {
        let path = host.dir.path().join(file);
        assert!(path.exists(), "{file} was not made");
        let out = member
            .command("cat")
            .arg(&path)
            .output()
            .expect("run cat as the member");
        assert!(!out.status.success(), "the member could read {file}");
    }
    // Nor from the store file as root reads it: it is sealed.
    let sealed = std::fs::read(host.dir.path().join("etc/store.enc")).expect("read the store");
    assert!(
        !contains(&sealed, secret.as_bytes()),
        "the store holds the key in the clear"
    );

    // Not through the socket: no endpoint gives anything but temporary credentials.
    for (method, path) in [
        ("GET", "/v1/accounts"),
        ("GET", "/v1/accounts/acct"),
        ("POST", "/v1/creds"),
        ("GET", "/v1/../etc/config.toml"),
    ] {
        let answer = raw_as(
            member,
            &host.socket(),
            method,
            path,
            "{\"connector\":\"c\"}",
        );
        assert!(
            !contains(answer.as_bytes(), secret.as_bytes()),
            "{method} {path} gave the key"
        );
    }

    // Not from any keyring the member can reach.
    let keyring = member.keyring();
    assert!(!keyring.contains("acct"), "{keyring}");

    // Not from the broker's memory: not even its own user may read it (not dumpable), so no
    // other user may either.
    for file in ["environ", "mem"] {
        let path = format!("/proc/{}/{file}", broker.pid());
        for who in [&host.svc, member] {
            let out = who
                .command("dd")
                .args([&format!("if={path}"), "of=/dev/null", "bs=1", "count=1"])
                .output()
                .expect("run dd");
            assert!(!out.status.success(), "{} could read {path}", who.name);
        }
    }
}

/// One raw HTTP/1.1 request to the socket as `user` (through `python3`, which every user can
/// run): the whole answer.
fn raw_as(user: &User, socket: &Path, method: &str, path: &str, body: &str) -> String {
    let script = r#"
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
body = sys.argv[4].encode()
s.sendall(f"{sys.argv[2]} {sys.argv[3]} HTTP/1.1\r\nHost: fedaws\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
out = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode(errors="replace"))
"#;
    let out = user
        .command("/usr/bin/python3")
        .args(["-c", script])
        .arg(socket)
        .args([method, path, body])
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .output()
        .expect("run python3 as the user");
    assert!(
        out.status.success(),
        "the raw request failed: {}",
        stderr(&out)
    );
    stdout(&out)
}

#[test]
fn parallel_cold_callers_make_one_sts_call_per_user() {
    let host = Arc::new(Host::new("b4"));
    let _broker = host.start();
    const EACH: usize = 64;
    let barrier = Arc::new(Barrier::new(EACH * 2));
    let threads: Vec<_> = (0..EACH * 2)
        .map(|i| {
            let host = host.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let member = &host.members[i % 2];
                let mut cmd = member.fedaws_command(&[
                    "--broker",
                    &host.socket_arg(),
                    "creds",
                    "c",
                    "--format",
                    "json",
                ]);
                cmd.stdin(Stdio::null());
                barrier.wait();
                let out = cmd.output().expect("run creds");
                (i % 2, key_id(&out, &member.name))
            })
        })
        .collect();
    let mut ids: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for t in threads {
        let (who, id) = t.join().expect("a caller thread");
        ids[who].push(id);
    }
    for (who, got) in ids.iter().enumerate() {
        assert_eq!(got.len(), EACH);
        assert!(
            got.iter().all(|id| *id == got[0]),
            "{} got different credentials",
            host.members[who].name
        );
        assert_eq!(
            host.calls_for(&host.members[who]),
            1,
            "STS calls for {}",
            host.members[who].name
        );
    }
    assert_eq!(host.sts.count(), 2);
}

#[test]
fn a_broker_gone_is_exit_8_at_once_and_a_restarted_one_has_its_accounts() {
    let host = Host::new("b5");
    let mut broker = host.start();
    let member = &host.members[0];
    key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member",
    );
    broker.signal("KILL");
    broker.wait();

    let started = Instant::now();
    let out = host.ask(member, &["creds", "c", "--format", "json"]);
    let took = started.elapsed();
    assert_exit(&out, 8, "creds with the broker killed");
    assert!(took < Duration::from_secs(1), "exit 8 took {took:?}");
    assert!(
        stderr(&out).contains(&host.socket_arg()),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());

    // A restart finds the stale socket, replaces it, and has its accounts from the file store.
    let _again = host.start();
    let out = host.ask(member, &["creds", "c", "--no-cache", "--format", "json"]);
    key_id(&out, "member after the restart");
    assert_eq!(host.calls_for(member), 2);
    let accounts = json_of(&host, &host.admin, &["account", "list", "--json"]);
    assert!(accounts.to_string().contains("\"acct\""), "{accounts}");
    let connectors = json_of(&host, &host.admin, &["connector", "list", "--json"]);
    assert_eq!(connectors.as_array().map(Vec::len), Some(1), "{connectors}");
}

#[test]
fn sighup_reloads_and_a_broken_config_keeps_the_last_good_one_serving() {
    let host = Host::new("b6");
    let mut broker = host.start();
    let member = &host.members[0];
    key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member",
    );

    // A config that breaks a rule: not loaded, and the old one goes on serving.
    let broken = host
        .config_text()
        .replace("federated-user", "no-such-principal");
    std::fs::write(host.config_path(), broken).expect("write the broken config");
    broker.signal("HUP");
    broker.wait_for_log(
        "still serving the last good config",
        Duration::from_secs(10),
    );
    let out = host.ask(member, &["creds", "c", "--no-cache", "--format", "json"]);
    key_id(&out, "member with a broken config on disk");

    // One that does not even parse: every endpoint goes on with the last good config, the
    // commands run in the broker too, and its log keeps one line per message.
    std::fs::write(host.config_path(), "[settings\nregion = \"us-east-1\"\n").expect("write");
    broker.signal("HUP");
    broker.wait_for_log("SIGHUP: ", Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(300));
    broker.signal("HUP");
    let out = host.ask(member, &["creds", "c", "--no-cache", "--format", "json"]);
    key_id(&out, "member with an unparsable config on disk");
    for args in [
        &["whoami", "--json"][..],
        &["connector", "list", "--json"],
        &["audit", "--json", "--tail", "1"],
    ] {
        let out = host.ask(member, args);
        assert!(
            out.status.success(),
            "`{}` with an unparsable config on disk: {}",
            args.join(" "),
            stderr(&out)
        );
    }
    let listed = json_of(&host, member, &["connector", "list", "--json"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    let log = broker.log_text();
    assert!(
        log.lines().all(|l| l.starts_with("fedaws broker: ")),
        "a message of the broker's log ran over its line:\n{log}"
    );

    // A good edit is picked up without a signal, and a grant taken away holds at once.
    let revoked = host.config_text().replace(
        &format!("groups = [\"{}\"]", host.group.name),
        "groups = []",
    );
    std::fs::write(host.config_path(), revoked).expect("write the new config");
    broker.wait_for_log("the config changed: reloaded", Duration::from_secs(10));
    let out = host.ask(member, &["creds", "c", "--format", "json"]);
    assert_exit(&out, 4, "creds after the grant was taken away");

    // SIGTERM: exit 0, and the socket is gone.
    broker.signal("TERM");
    assert_eq!(broker.wait(), Some(0), "{}", broker.log_text());
    assert!(UnixStream::connect(host.socket()).is_err());
    assert!(!host.socket().exists(), "the socket was left behind");
}

/// The flood: garbage, a body far over the limit, a head that never ends, and `N` complete
/// `creds` requests without the cache (each an STS call), all at once on their own connections;
/// prints `flooding` once everything is sent and holds the connections until killed.
const FLOOD: &str = r#"
import socket, sys, time
path, n = sys.argv[1], int(sys.argv[2])
held = []
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    held.append(s)
    return s
def send(s, data):
    try:
        s.sendall(data)
    except OSError:
        pass  # closed by the broker: what a flood should expect
send(conn(), b"\x00\xff\xfe not http at all\r\n\r\n" * 100)
send(conn(), b"POST /v1/creds HTTP/1.1\r\nHost: f\r\nContent-Length: 100000000\r\n\r\n" + b"x" * 1000000)
send(conn(), b"POST /v1/creds HTTP/1.1\r\nHost: f\r\n")
body = b'{"connector":"c","cache":"off"}'
request = b"POST /v1/creds HTTP/1.1\r\nHost: f\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
for _ in range(n):
    send(conn(), request)
print("flooding", flush=True)
time.sleep(120)
"#;

/// The victim: one keep-alive connection, made before the flood; for each `go` line on stdin, a
/// `POST /v1/creds` for connector `c`, answered with `STATUS MILLISECONDS` on stdout. Timed in
/// the victim's own process, so what is measured is the broker, not how long a loaded machine
/// takes to start a process.
const VICTIM: &str = r#"
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rb")
body = b'{"connector":"c"}'
request = b"POST /v1/creds HTTP/1.1\r\nHost: f\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
for line in sys.stdin:
    started = time.monotonic()
    s.sendall(request)
    status = int(f.readline().split()[1])
    length = 0
    while True:
        header = f.readline().strip()
        if not header:
            break
        name, _, value = header.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    answer = json.loads(f.read(length))
    took = (time.monotonic() - started) * 1000
    print(status, round(took, 1), "session_token" in answer, flush=True)
"#;

#[test]
fn one_user_flooding_the_socket_does_not_delay_another() {
    use std::io::{BufRead, BufReader, Write as _};
    let host = Host::new("b7");
    let _broker = host.start();
    let (victim, flooder) = (&host.members[0], &host.members[1]);
    let python = |user: &User, script: &str, arg: &str| {
        user.command("/usr/bin/python3")
            .args(["-c", script])
            .arg(host.socket())
            .arg(arg)
            .env_clear()
            .env("PATH", SYSTEM_PATH)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start python3 as a test user")
    };
    let mut asker = python(victim, VICTIM, "");
    let mut ask_in = asker.stdin.take().expect("piped");
    let mut ask_out = BufReader::new(asker.stdout.take().expect("piped"));
    let mut ask = || -> (u16, f64) {
        writeln!(ask_in, "go").expect("tell the victim to ask");
        let mut line = String::new();
        ask_out.read_line(&mut line).expect("the victim's answer");
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words.get(2), Some(&"True"), "not credentials: {line:?}");
        (
            words[0].parse().expect("a status"),
            words[1].parse().expect("milliseconds"),
        )
    };
    assert_eq!(ask().0, 200, "the victim's first request");

    let mut flood = python(flooder, FLOOD, "500");
    let mut line = String::new();
    BufReader::new(flood.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("read the flood's stdout");
    assert_eq!(line.trim(), "flooding", "the flood did not start");

    // While the flooder's 500 uncached requests wait their turn, the victim's are answered.
    for round in 0..5 {
        let (status, took) = ask();
        assert_eq!(status, 200, "round {round}");
        assert!(
            took < 1000.0,
            "round {round}: the victim waited {took} ms behind another user's flood"
        );
    }
    let flooder_calls = host.calls_for(flooder);
    assert!(
        flooder_calls < 500,
        "the flood was over before it was measured ({flooder_calls} calls)"
    );
    for child in [&mut flood, &mut asker] {
        let _ = child.kill();
        let _ = child.wait();
    }
    assert_eq!(host.calls_for(victim), 1);
}

/// `ARGS… --json` through the broker as `user`, parsed.
pub fn json_of(host: &Host, user: &User, args: &[&str]) -> Value {
    let out = host.ask(user, args);
    assert!(
        out.status.success(),
        "`{}` as {} failed ({}):\n{}",
        args.join(" "),
        user.name,
        out.status,
        stderr(&out)
    );
    serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&out)))
}

#[test]
fn users_see_their_own_through_the_broker_and_administrators_see_all() {
    let host = Host::new("b8");
    let _broker = host.start();
    let member = &host.members[0];
    key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member",
    );
    let _ = host.ask(&host.outsider, &["creds", "c", "--format", "json"]);

    // whoami names the peer, not the broker's user.
    let me = json_of(&host, member, &["whoami", "--json"]);
    assert_eq!(me["user"], member.name.as_str());
    assert_eq!(me["uid"], u64::from(member.uid));
    // connector list shows what the caller may use.
    let listed = json_of(&host, member, &["connector", "list", "--json"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    let listed = json_of(&host, &host.outsider, &["connector", "list", "--json"]);
    assert_eq!(listed, serde_json::json!([]));
    let out = host.ask(&host.outsider, &["connector", "show", "c"]);
    assert_exit(
        &out,
        4,
        "connector show of a connector the outsider may not use",
    );
    // The names in the config are the administrators' to know: not listed to others in a
    // "no such connector" message, nor by whoami; a name that does not exist is refused as one
    // they may not use is (see broker_audit).
    let out = host.ask(&host.outsider, &["creds", "nosuch", "--format", "json"]);
    assert_exit(&out, 4, "creds of a connector that does not exist");
    assert!(
        !stderr(&out).contains("existing") && !stderr(&out).contains("`c`"),
        "{}",
        stderr(&out)
    );
    let out = host.ask(&host.outsider, &["connector", "show", "nosuch"]);
    assert!(!stderr(&out).contains("existing"), "{}", stderr(&out));
    let them = json_of(&host, &host.outsider, &["whoami", "--json"]);
    assert!(!them.to_string().contains("\"c\""), "{them}");
    // The audit log: your own events; the administrator's: everyone's.
    let own = host.ask(member, &["audit", "--json"]);
    let events: Vec<Value> = stdout(&own)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    assert!(!events.is_empty());
    assert!(
        events.iter().all(|e| e["uid"] == u64::from(member.uid)),
        "{events:#?}"
    );
    let all = stdout(&host.ask(&host.admin, &["audit", "--json"]));
    assert!(
        all.contains(&host.outsider.name) && all.contains(&member.name),
        "{all}"
    );
    // The cache: the member's entry is theirs; the outsider can neither see nor clear it.
    let cached = json_of(&host, member, &["cache", "list", "--json"]);
    assert_eq!(cached.as_array().map(Vec::len), Some(1), "{cached}");
    assert_eq!(
        json_of(&host, &host.outsider, &["cache", "list", "--json"]),
        serde_json::json!([])
    );
    let out = host.ask(&host.outsider, &["cache", "clear"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cached = json_of(&host, member, &["cache", "list", "--json"]);
    assert_eq!(
        cached.as_array().map(Vec::len),
        Some(1),
        "the outsider cleared the member's cache"
    );
    // Administrators' commands are theirs alone.
    let out = host.ask(member, &["account", "list"]);
    assert_exit(&out, 4, "account list as a member");
}

#[test]
fn an_administrator_changes_the_config_through_the_broker_and_nobody_else_can() {
    let host = Host::new("b9");
    let _broker = host.start();
    let member = &host.members[0];
    let before = std::fs::read(host.config_path()).expect("read the config");

    // A member's attempt: exit 4, and nothing changed.
    let keys = KeyPair::new();
    let out = host.ask_stdin(
        member,
        &["account", "add", "second", "--secret-stdin"],
        &keys.stdin(),
    );
    assert_exit(&out, 4, "account add as a member");
    let out = host.ask(member, &["connector", "remove", "c"]);
    assert_exit(&out, 4, "connector remove as a member");
    assert_eq!(
        std::fs::read(host.config_path()).expect("read the config"),
        before
    );

    // Not even an administrator has the broker run a command or read a file as its own user.
    let out = host.ask(
        &host.admin,
        &[
            "account",
            "edit",
            "acct",
            "--mfa-process",
            "cat /etc/shadow",
        ],
    );
    assert_exit(&out, 2, "account edit --mfa-process through the broker");
    assert!(
        stderr(&out).contains("--mfa-process is not taken"),
        "{}",
        stderr(&out)
    );
    let out = host.ask(
        &host.admin,
        &["connector", "edit", "c", "--policy-file", "/etc/shadow"],
    );
    assert_exit(&out, 2, "connector edit --policy-file through the broker");
    // Nor read the broker's environment or files for a key pair (the client reads its own and
    // sends them; a hand-made request that asks the broker to is refused).
    let answer = raw_as(
        &host.admin,
        &host.socket(),
        "POST",
        "/v1/run",
        r#"{"args":["account","add","imp","--from-env"]}"#,
    );
    assert!(answer.contains("\"exit\":2"), "{answer}");
    assert_eq!(
        std::fs::read(host.config_path()).expect("read the config"),
        before
    );

    // The administrator adds an account (the key pair in the request body, never an argv) and
    // a connector on it, granted to the members' group.
    let out = host.ask_stdin(
        &host.admin,
        &["account", "add", "second", "--secret-stdin"],
        &keys.stdin(),
    );
    assert!(
        out.status.success(),
        "account add as the administrator: {}",
        stderr(&out)
    );
    let group = host.group.name.clone();
    let out = host.ask(
        &host.admin,
        &[
            "connector",
            "add",
            "c2",
            "--account",
            "second",
            "--principal",
            "iam-user",
            "--group",
            &group,
        ],
    );
    assert!(
        out.status.success(),
        "connector add as the administrator: {}",
        stderr(&out)
    );
    let listed = json_of(&host, &host.admin, &["account", "list", "--json"]);
    assert!(listed.to_string().contains("second"), "{listed}");

    // The broker serves it at once, signed with the new account's key.
    key_id(
        &host.ask(member, &["creds", "c2", "--format", "json"]),
        "member on c2",
    );
    let signed = host.sts.requests();
    let last = signed.last().expect("a request reached STS");
    assert!(
        last.headers
            .iter()
            .any(|(k, v)| k == "authorization" && v.contains(&keys.access_key_id)),
        "the new connector's call was not signed with the new account's key"
    );

    // Both the refused attempts and the changes are in the audit log, with who made them.
    let audit = host.audit();
    let changes: Vec<(&str, &str, u64)> = audit
        .iter()
        .filter_map(|e| {
            Some((
                e["action"].as_str()?,
                e["outcome"].as_str()?,
                e["uid"].as_u64()?,
            ))
        })
        .collect();
    let (m, a) = (u64::from(member.uid), u64::from(host.admin.uid));
    let add_c2 = format!("connector add c2 --account second --group {group} --principal");
    assert_eq!(
        changes,
        [
            ("account add second --secret-stdin", "denied", m),
            ("connector remove c", "denied", m),
            ("account edit acct --mfa-process", "failed", a),
            ("connector edit c --policy-file", "failed", a),
            ("account add imp --from-env", "failed", a),
            ("account add second --secret-stdin", "changed", a),
            (add_c2.as_str(), "changed", a),
        ],
        "{audit:#?}"
    );
    let text = std::fs::read_to_string(host.dir.path().join("state/audit.jsonl")).expect("audit");
    assert!(
        !text.contains(&keys.secret_access_key),
        "the audit log holds a secret"
    );
}

/// Socket activation as systemd does it: bind and listen on the socket, put it at descriptor 3,
/// set `LISTEN_FDS=1` and `LISTEN_PID` to this process, and execute the program given (which
/// keeps the process id).
const ACTIVATE: &str = r#"
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
s.listen(128)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="fedaws-broker.socket")
os.execv(sys.argv[2], sys.argv[2:])
"#;

#[test]
fn a_socket_passed_by_systemd_is_served_and_readiness_is_notified() {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};
    let host = Host::new("b10");
    let name = format!("fedaws-test-notify-{}", std::process::id());
    let notify = UnixDatagram::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes()).unwrap())
        .expect("bind the notify socket");
    notify
        .set_read_timeout(Some(START))
        .expect("a read timeout");
    let socket = host.socket_arg();
    let notify_at = format!("@{name}");
    let mut broker = host.start_as(
        &["/usr/bin/python3", "-c", ACTIVATE, &socket],
        &[],
        &[("NOTIFY_SOCKET", &notify_at)],
    );
    let mut buf = [0u8; 64];
    let n = notify.recv(&mut buf).expect("READY=1 on NOTIFY_SOCKET");
    assert_eq!(&buf[..n], b"READY=1");
    assert!(
        broker
            .log_text()
            .contains(&format!("listening on {socket}")),
        "{}",
        broker.log_text()
    );
    key_id(
        &host.ask(&host.members[0], &["creds", "c", "--format", "json"]),
        "member",
    );

    // The socket is systemd's: left where it is when the broker stops.
    broker.signal("TERM");
    assert_eq!(broker.wait(), Some(0), "{}", broker.log_text());
    assert!(
        host.socket().exists(),
        "the broker removed a socket it did not make"
    );
}

#[test]
fn users_without_a_config_of_their_own_use_the_system_broker() {
    // /run is replaced by an empty tmpfs in a mount namespace of the test's own, so the system
    // socket path is this test's alone; the broker (no --socket) and the member's command run in
    // it.
    let host = Host::new("b11");
    let member = &host.members[0];
    let config = host.config_path().display().to_string();
    let fedaws = env!("CARGO_BIN_EXE_fedaws");
    let script = r#"
set -e
mount -t tmpfs -o mode=0755 tmpfs /run
install -d -m 0755 -o "$SVC" /run/fedaws
setpriv --reuid="$SVC" --regid="$SVC_GID" --init-groups -- env -i PATH="$PATH" STATE_DIRECTORY="$STATE" \
  "$FEDAWS" --config "$CONFIG" broker run 2>"$LOG" &
broker=$!
for i in $(seq 200); do [ -S /run/fedaws/broker.sock ] && break; sleep 0.05; done
status=0
setpriv --reuid="$MEMBER" --regid="$MEMBER_GID" --init-groups -- env -i PATH="$PATH" HOME="$HOME_DIR" \
  XDG_CONFIG_HOME="$HOME_DIR/config" "$FEDAWS" creds c --format json || status=$?
kill -TERM "$broker"
wait "$broker" || true
exit "$status"
"#;
    let log = host.dir.path().join("system-broker.log");
    let out = Command::new("unshare")
        .args(["-m", "--", "sh", "-c", script])
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .env("SVC", host.svc.uid.to_string())
        .env("SVC_GID", host.svc.gid.to_string())
        .env("MEMBER", member.uid.to_string())
        .env("MEMBER_GID", member.gid.to_string())
        .env("HOME_DIR", member.env.home())
        .env("STATE", host.dir.path().join("state"))
        .env("CONFIG", &config)
        .env("FEDAWS", fedaws)
        .env("LOG", &log)
        .stdin(Stdio::null())
        .output()
        .expect("run unshare");
    let broker_log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        out.status.success(),
        "creds through the system broker failed ({}):\n{}\nbroker log:\n{broker_log}",
        out.status,
        stderr(&out)
    );
    assert!(
        broker_log.contains("listening on /run/fedaws/broker.sock"),
        "{broker_log}"
    );
    key_id(&out, "member through /run/fedaws/broker.sock");
    assert_eq!(host.calls_for(member), 1);
}

#[test]
fn an_mfa_code_is_asked_at_the_callers_terminal_and_sent_to_the_broker() {
    let host = Host::new("b12");
    let serial = "arn:aws:iam::123456789012:mfa/fedaws-broker";
    let out = host.as_svc(&["account", "edit", "acct", "--mfa-serial", serial], "");
    assert!(out.status.success(), "account edit: {}", stderr(&out));
    // A connector root may use (its OS group), so the caller can be driven through a pty here.
    let mut text = std::fs::read_to_string(host.config_path()).expect("read the config");
    text.push_str(
        "\n[connectors.cm]\naccount = \"acct\"\nprincipal = \"iam-user\"\ngroups = [\"root\"]\n",
    );
    std::fs::write(host.config_path(), text).expect("write the config");
    let _broker = host.start();
    let socket = host.socket_arg();

    // Without a terminal: the message says what to give, and nothing reached STS.
    let caller = crate::common::TestEnv::new();
    let out = caller
        .fedaws(&["--broker", &socket, "creds", "cm", "--format", "json"])
        .output()
        .expect("run creds");
    assert_exit(&out, 2, "creds without a terminal or --mfa-code");
    assert!(stderr(&out).contains("--mfa-code"), "{}", stderr(&out));
    assert_eq!(host.sts.count(), 0);

    // At a terminal: asked there, and the code reaches STS through the broker.
    let mut pty = crate::pty::Pty::spawn(
        &caller,
        &["--broker", &socket, "creds", "cm", "--format", "json"],
    );
    pty.expect(&format!("MFA code for {serial}: "));
    pty.send("246810\r");
    pty.finish_with(0);
    let request = host.sts.only();
    assert_eq!(request.param("SerialNumber").as_deref(), Some(serial));
    assert_eq!(request.param("TokenCode").as_deref(), Some("246810"));
}

#[test]
fn an_administrators_dialog_runs_in_the_broker_and_is_answered_at_their_terminal() {
    use crate::dialogs::{KEY_ID, KIND, MFA, SECRET};
    let host = Host::new("b13");
    // Root is made an administrator too, so the dialog can be driven through a pty here.
    let text = std::fs::read_to_string(host.config_path()).expect("read the config");
    let text = text.replace(
        &format!("admins = [\"{}\"]", host.admin.name),
        &format!("admins = [\"{}\", \"root\"]", host.admin.name),
    );
    std::fs::write(host.config_path(), text).expect("write the config");
    let _broker = host.start();
    let socket = host.socket_arg();
    let keys = KeyPair::new();

    let caller = crate::common::TestEnv::new();
    let mut pty =
        crate::pty::Pty::spawn(&caller, &["--broker", &socket, "account", "add", "second"]);
    pty.choose(KIND, 0, "iam-user");
    pty.answer(KEY_ID, "not-a-key-id");
    // Refused by the broker's check, and asked again.
    pty.answer(KEY_ID, &keys.access_key_id);
    pty.secret(SECRET, &keys.secret_access_key);
    pty.answer(MFA, "");
    pty.answer("Description (optional)", "added through the broker");
    pty.expect(&keys.masked_id());
    pty.confirm("Store this account?", "y", "yes");
    pty.expect("added account `second`");
    pty.finish_with(0);
    assert!(!pty.transcript().contains(&keys.secret_access_key));

    // In the broker's config and store, not the caller's.
    let config = std::fs::read_to_string(host.config_path()).expect("read the config");
    assert!(
        config.contains("[accounts.second]") && config.contains("added through the broker"),
        "{config}"
    );
    assert!(
        !caller.config_path().exists(),
        "the caller's config was written"
    );
    let listed = json_of(&host, &host.admin, &["account", "show", "second", "--json"]);
    assert!(listed.to_string().contains(&keys.masked_id()), "{listed}");
    let audit = host.audit();
    let change = audit
        .iter()
        .find(|e| e["action"] == "account add second")
        .unwrap_or_else(|| panic!("no audit line for the change: {audit:#?}"));
    assert_eq!(change["outcome"], "changed");
    assert_eq!(change["uid"], 0);
    let text = std::fs::read_to_string(host.dir.path().join("state/audit.jsonl")).expect("audit");
    assert!(!text.contains(&keys.secret_access_key));
}

#[test]
fn exec_and_its_credential_server_get_their_credentials_from_the_broker() {
    let host = Host::new("b14");
    let _broker = host.start();
    let member = &host.members[0];

    let out = host.ask(
        member,
        &[
            "exec",
            "c",
            "--",
            "/bin/sh",
            "-c",
            "test -n \"$AWS_SESSION_TOKEN\" && echo \"$AWS_ACCESS_KEY_ID\"",
        ],
    );
    assert!(
        out.status.success(),
        "exec through the broker: {}",
        stderr(&out)
    );
    assert!(!stdout(&out).trim().is_empty());

    // exec --server: the child reads the credentials from the local endpoint, which got them
    // from the broker.
    let fetch = r#"
import json, os, urllib.request
r = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
                           headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
print(json.load(urllib.request.urlopen(r))["AccessKeyId"])
"#;
    let out = host.ask(
        member,
        &[
            "exec",
            "--server",
            "c",
            "--",
            "/usr/bin/python3",
            "-c",
            fetch,
        ],
    );
    assert!(
        out.status.success(),
        "exec --server through the broker: {}",
        stderr(&out)
    );
    assert!(!stdout(&out).trim().is_empty());
    // One STS call for both: the second came from the broker's cache.
    assert_eq!(host.calls_for(member), 1);
    let audit = host.audit();
    let mine: Vec<&Value> = audit
        .iter()
        .filter(|e| e["uid"] == u64::from(member.uid))
        .collect();
    assert_eq!(mine.len(), 2, "{audit:#?}");
}

/// Print the `AccessKeyId` served at `$AWS_CONTAINER_CREDENTIALS_FULL_URI` (or `argv[1]`), with
/// the token read from `$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, as the SDKs do.
const FETCH_WITH_TOKEN_FILE: &str = r#"
import json, os, sys, urllib.request
uri = sys.argv[1] if len(sys.argv) > 1 else os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
token = open(os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]).read()
try:
    print(json.load(urllib.request.urlopen(urllib.request.Request(uri, headers={"Authorization": token})))["AccessKeyId"])
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
    sys.exit(1)
"#;

#[test]
fn a_members_shared_server_serves_the_brokers_connectors_to_them_alone() {
    let host = Host::new("b23");
    let _broker = host.start();
    let member = &host.members[0];
    member.own_tree();
    let socket = host.socket_arg();

    // `fedaws serve` through the broker: the member's shared server, in the member's runtime
    // directory, getting each connector's credentials from the broker when first asked for.
    let mut serve = crate::shared_host::Background::spawn(
        "the member's shared server",
        member.fedaws_command(&["--broker", &socket, "serve"]),
        "install util-linux (setpriv)",
    );
    let base = crate::server::export_value(
        &serve.line("FEDAWS_SERVER export", crate::common::COMMAND_TIMEOUT),
        "FEDAWS_SERVER",
    );
    let token_file = crate::server::export_value(
        &serve.line("token file export", crate::common::COMMAND_TIMEOUT),
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    );
    let meta = std::fs::metadata(&token_file).expect("the token file");
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!((meta.uid(), meta.mode() & 0o777), (member.uid, 0o600));
    }
    assert_eq!(
        host.calls_for(member),
        0,
        "nothing is obtained before asked"
    );

    let fetch_with = |user: &User, token_file: &str, uri: &str| -> Output {
        let mut cmd = user.command("/usr/bin/python3");
        cmd.env_clear()
            .env("PATH", SYSTEM_PATH)
            .env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file)
            .current_dir("/")
            .args(["-c", FETCH_WITH_TOKEN_FILE, uri]);
        assert_cmd::Command::from_std(cmd)
            .timeout(crate::common::COMMAND_TIMEOUT)
            .output()
            .expect("run python3")
    };
    let fetch = |user: &User, uri: &str| fetch_with(user, &token_file, uri);
    let served = fetch(member, &format!("{base}c"));
    assert!(served.status.success(), "{}", stdout(&served));
    let served_id = stdout(&served).trim().to_string();
    assert!(!served_id.is_empty());
    // The broker issued them, for the member: the same as `creds` gets from its cache.
    assert_eq!(host.calls_for(member), 1);
    let direct = key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member",
    );
    assert_eq!(direct, served_id);
    // A connector the broker does not give the member: refused with the broker's reason.
    let refused = fetch(member, &format!("{base}nope"));
    assert!(!refused.status.success());
    assert!(
        stdout(&refused).contains("nope"),
        "the refusal does not say why: {}",
        stdout(&refused)
    );

    // `exec --server` through the broker runs its child on the member's shared server.
    let script = format!(
        "printf 'uri=%s\\ntoken=%s\\nregion=%s\\n' \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" \"${{AWS_CONTAINER_AUTHORIZATION_TOKEN-unset}}\" \"$AWS_REGION\"; /usr/bin/python3 -c '{}'",
        FETCH_WITH_TOKEN_FILE.replace('\'', "\"")
    );
    let out = host.ask(
        member,
        &["exec", "--server", "c", "--", "/bin/sh", "-c", &script],
    );
    assert!(out.status.success(), "exec --server: {}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.contains(&format!("uri={base}c\n")), "{printed}");
    assert!(printed.contains("token=unset\n"), "{printed}");
    assert!(printed.contains("region=us-east-1\n"), "{printed}");
    assert!(printed.contains(&served_id), "{printed}");
    // `serve c` through the broker points a shell at it.
    let lines = host.ask(member, &["serve", "c"]);
    assert!(lines.status.success(), "{}", stderr(&lines));
    assert_eq!(
        crate::server::export_value(
            stdout(&lines).lines().next().unwrap_or(""),
            "AWS_CONTAINER_CREDENTIALS_FULL_URI"
        ),
        format!("{base}c")
    );
    // A local command (another source of connectors) does not use it: its `serve` says whose
    // server runs, and does not start a second.
    let local = member.run(&["serve"]);
    assert!(!local.status.success(), "{}", stdout(&local));
    assert!(
        stderr(&local).contains(&format!(
            "broker {}",
            std::fs::canonicalize(&socket)
                .expect("the socket")
                .display()
        )),
        "{}",
        stderr(&local)
    );
    assert_eq!(host.calls_for(member), 1, "one STS call for everything");

    // Another member, even with the token, is closed on unanswered (the kernel names them).
    let other = &host.members[1];
    let stolen = host.dir.path().join("stolen.token");
    std::fs::copy(&token_file, &stolen).expect("copy the token");
    must(
        "chown",
        &[&other.uid.to_string(), &stolen.display().to_string()],
    );
    let theirs = fetch_with(other, &stolen.display().to_string(), &format!("{base}c"));
    assert!(!theirs.status.success());
    assert!(
        !stdout(&theirs).contains(&served_id),
        "another member got the credentials: {}",
        stdout(&theirs)
    );
    assert_eq!(host.calls_for(other), 0);

    let out = serve.stop("TERM");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("closed a connection from uid {}", other.uid)),
        "the other member's connection is not reported: {}",
        stderr(&out)
    );
    assert!(!Path::new(&token_file).exists());
    let audit = host.audit();
    let mine = audit
        .iter()
        .filter(|e| e["uid"] == u64::from(member.uid) && e["connector"] == "c")
        .count();
    assert!(mine >= 3, "{audit:#?}");
}

#[test]
fn the_broker_is_found_by_flag_environment_or_setting_and_its_socket_can_be_one_groups() {
    let host = Host::new("b15");
    // settings.broker_socket_group: the socket is 0660 and the group's (the broker's user must
    // be in it to give the socket to it).
    must("gpasswd", &["-a", &host.svc.name, &host.group.name]);
    let text = std::fs::read_to_string(host.config_path()).expect("read the config");
    let text = text.replace(
        "[settings]\n",
        &format!(
            "[settings]\nbroker_socket_group = \"{}\"\n",
            host.group.name
        ),
    );
    std::fs::write(host.config_path(), text).expect("write the config");
    let _broker = host.start();
    let meta = std::fs::metadata(host.socket()).expect("the socket");
    assert_eq!(crate::common::mode(&host.socket()) & 0o777, 0o660);
    assert_eq!(
        std::os::unix::fs::MetadataExt::gid(&meta),
        crate::users::group_id(&host.group.name)
    );
    let member = &host.members[0];
    let socket = host.socket_arg();

    // FEDAWS_BROKER.
    let mut cmd = member.fedaws_command(&["creds", "c", "--format", "json"]);
    cmd.env("FEDAWS_BROKER", &socket);
    let out = cmd.output().expect("run creds");
    key_id(&out, "member with FEDAWS_BROKER");
    // settings.broker in the member's own config (which says nothing else).
    std::fs::write(
        member.env.config_path(),
        format!("[settings]\nbroker = \"{socket}\"\n"),
    )
    .expect("write the member's config");
    member.own_tree();
    let out = member.run(&["creds", "c", "--format", "json"]);
    key_id(&out, "member with settings.broker");
    // Outside the group, the socket cannot even be opened: exit 8, naming it.
    let out = host.ask(&host.outsider, &["creds", "c", "--format", "json"]);
    assert_exit(&out, 8, "creds from outside the socket's group");
    assert!(stderr(&out).contains(&socket), "{}", stderr(&out));
    assert_eq!(host.calls_for(member), 1);
}

#[test]
fn the_broker_refuses_to_run_as_root_unless_told() {
    let host = Host::new("b16");
    let config = host.config_path().display().to_string();
    let socket = host.dir.path().join("root.sock").display().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_fedaws"))
        .args(["--config", &config, "broker", "run", "--socket", &socket])
        .env("STATE_DIRECTORY", host.dir.path().join("root-state"))
        .stdin(Stdio::null())
        .output()
        .expect("run the broker as root");
    assert_exit(&out, 2, "broker run as root");
    assert!(stderr(&out).contains("--allow-root"), "{}", stderr(&out));
    assert!(!Path::new(&socket).exists(), "it listened anyway");
}

/// A squatter: listens on the socket path given, says `listening`, and prints what the first
/// connection sends within a few seconds (`nothing` when none comes or it sends nothing).
const SQUAT: &str = r#"
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
s.listen(8)
print("listening", flush=True)
s.settimeout(5)
try:
    c, _ = s.accept()
    c.settimeout(3)
    got = c.recv(65536)
except OSError:
    got = b""
print(got.decode(errors="replace") if got else "nothing", flush=True)
"#;

#[test]
fn a_socket_another_user_put_where_the_broker_should_be_is_not_talked_to() {
    use std::io::{BufRead, BufReader};
    let host = Host::new("b17");
    let member = &host.members[0];
    // The outsider gets to /tmp first, where a careless setting points.
    let path = format!("/tmp/fedaws-squat-{}.sock", std::process::id());
    let _ = std::fs::remove_file(&path);
    let mut squatter = host
        .outsider
        .command("/usr/bin/python3")
        .args(["-c", SQUAT, &path])
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the squatter");
    let mut said = BufReader::new(squatter.stdout.take().expect("piped"));
    let mut line = String::new();
    said.read_line(&mut line).expect("the squatter listens");
    assert_eq!(line.trim(), "listening");

    let keys = KeyPair::new();
    let mut cmd =
        member.fedaws_command(&["--broker", &path, "account", "add", "x", "--secret-stdin"]);
    let out = assert_cmd::Command::from_std({
        cmd.stdin(Stdio::piped());
        cmd
    })
    .write_stdin(keys.stdin())
    .output()
    .expect("run account add");
    assert_exit(&out, 3, "a command sent to a squatted socket");
    assert!(stderr(&out).contains("broker socket"), "{}", stderr(&out));
    line.clear();
    said.read_line(&mut line).expect("what the squatter got");
    let _ = squatter.wait();
    let _ = std::fs::remove_file(&path);
    assert_eq!(line.trim(), "nothing", "the squatter was told: {line}");
    assert!(!line.contains(&keys.secret_access_key));
}

#[test]
fn the_example_systemd_units_are_valid() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/systemd");
    let mut paths = Vec::new();
    for name in ["fedaws-broker.socket", "fedaws-broker.service"] {
        let text = std::fs::read_to_string(units.join(name)).expect("read a unit");
        assert!(name.ends_with(".socket") || text.contains("ExecStart=/usr/bin/fedaws "));
        // The binary under test stands in for the installed one, which verify looks for.
        let text = text.replace("/usr/bin/fedaws", env!("CARGO_BIN_EXE_fedaws"));
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write a unit");
        paths.push(path);
    }
    // The Vault drop-in, found where systemd finds drop-ins: beside the unit, on the unit path.
    let drop_in = dir.path().join("fedaws-broker.service.d");
    std::fs::create_dir(&drop_in).expect("a drop-in directory");
    let vault = std::fs::read_to_string(units.join("fedaws-broker.service.d/vault.conf"))
        .expect("read the Vault drop-in");
    let verify = |drop_in_text: &str| {
        std::fs::write(drop_in.join("vault.conf"), drop_in_text).expect("write the drop-in");
        Command::new("systemd-analyze")
            .arg("verify")
            .args(&paths)
            .env("SYSTEMD_UNIT_PATH", format!("{}:", dir.path().display()))
            .output()
            .expect("run systemd-analyze (Debian's systemd package; scripts/test installs it)")
    };
    let out = verify(&vault);
    assert!(
        out.status.success() && stderr(&out).trim().is_empty(),
        "systemd-analyze verify ({}):\n{}",
        out.status,
        stderr(&out)
    );
    // The drop-in was read: a wrong line in it is reported.
    let out = verify(&format!("{vault}NoSuchSetting=1\n"));
    assert!(
        stderr(&out).contains("vault.conf") && stderr(&out).contains("NoSuchSetting"),
        "systemd-analyze did not read the drop-in:\n{}",
        stderr(&out)
    );
}

#[test]
fn the_example_launchd_plist_is_valid_and_runs_the_broker() {
    let plist =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/launchd/com.fedaws.broker.plist");
    // Python's plistlib reads it as launchd would (an XML property list), and gives the command.
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, plistlib, sys; d = plistlib.load(open(sys.argv[1], 'rb')); print(json.dumps(d))",
        ])
        .arg(&plist)
        .output()
        .expect("run python3");
    assert!(out.status.success(), "{}", stderr(&out));
    let job: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(job["Label"], "com.fedaws.broker");
    assert_eq!(job["UserName"], "_fedaws", "its own user, never root");
    assert_eq!(job["Umask"], 0o077);
    let args: Vec<&str> = job["ProgramArguments"]
        .as_array()
        .expect("ProgramArguments")
        .iter()
        .map(|a| a.as_str().expect("a string"))
        .collect();
    assert_eq!(args[0], "/usr/local/bin/fedaws");
    // The command line is one fedaws takes: parsed (with --help, so nothing runs) as given.
    let help = Command::new(env!("CARGO_BIN_EXE_fedaws"))
        .args(&args[1..])
        .arg("--help")
        .output()
        .expect("run fedaws");
    assert!(
        help.status.success() && stdout(&help).contains("broker"),
        "{args:?}: {}",
        stderr(&help)
    );
}
