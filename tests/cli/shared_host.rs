//! fedaws on a host it shares with other users: what another local user, or another process of
//! the same user, can do to a running fedaws.
//!
//! - Every local user can connect to the loopback port of `fedaws serve`. A user who opens more
//!   connections than the server has file descriptors, each holding half a request, must not lock
//!   out the SDK the server is for: the server is started with a soft and hard file descriptor
//!   limit of 1024 (so the flood is larger than the limit), 1,100 half-sent requests are held
//!   open against it, and a real request must still be answered at once. Against `serve c` the
//!   flood is another Unix user's (closed as soon as the kernel names them); against the shared
//!   server it is the server's own user's, whom it lets in, so its cap of open connections holds.
//! - fedaws holds long-term keys and temporary credentials in memory. Another process of the same
//!   user must not read them through `/proc/PID/environ` (or `ptrace`, which the same check
//!   guards), and a crash must not write them to a core file: a long-lived fedaws run as a
//!   created user is inspected from the outside while it runs, beside a plain process of the same
//!   user that shows what the checks see when a process is not protected.
//!
//! These tests create Unix users, so they need root; they also need `prlimit` and `setpriv`
//! (util-linux), a `python3` every user can run (for the flood), the AWS CLI, and moto. Without
//! them they fail and say what is missing; they never skip.
//!
//! Every process a test starts is held by a [`Background`], which kills it when dropped, so a
//! failing test leaves no server, attacker or sleeper behind; the users are deleted by their own
//! guards, which are declared first so they outlive the processes run as them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::common::{COMMAND_TIMEOUT, contains, stderr, stdout, unique};
use crate::server::{container_client, export_value, port_of};
use crate::sts_fixture::{Broker, MOTO_ACCOUNT, os_user};
use crate::sts_server::{TestServer, answered};
use crate::users::{HOW_TO_RUN, User, require_root};

/// The role the test connectors assume (moto accepts any role of its account).
const ROLE: &str = "SharedHostRole";

/// A `[connectors.c]` table assuming [`ROLE`] with the account `{account}`.
fn role_connector() -> String {
    format!(
        "[connectors.c]\naccount = \"{{account}}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::{MOTO_ACCOUNT}:role/{ROLE}\"\n"
    )
}

/// A `PATH` with the system directories only. Commands run as a created user get it instead of
/// the test's own, whose first entries may be under root's private HOME (pyenv shims), where the
/// user cannot go.
const SYSTEM_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// `PREFIX… INNER`: `inner` (its program, arguments, environment and directory) run through a
/// wrapper such as `prlimit --nofile=… --`, which sets something up and then executes it in the
/// same process, so the process id stays the one of the wrapped program.
fn wrapped(prefix: &[&str], inner: &Command) -> Command {
    let mut cmd = Command::new(prefix[0]);
    cmd.args(&prefix[1..])
        .arg(inner.get_program())
        .args(inner.get_args())
        .env_clear();
    for (k, v) in inner.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    if let Some(dir) = inner.get_current_dir() {
        cmd.current_dir(dir);
    }
    cmd
}

/// A process running in the background: its stdout delivered line by line, its stderr kept for
/// the end. Killed (SIGKILL) when dropped, so a failing test leaves nothing running.
pub struct Background {
    /// What it is, for messages.
    what: String,
    child: Option<Child>,
    lines: mpsc::Receiver<String>,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

impl Background {
    /// Start `cmd` with stdin empty and stdout and stderr read by threads of their own (so the
    /// process never blocks on a full pipe). `hint` says what to install when it cannot start.
    pub fn spawn(what: &str, mut cmd: Command, hint: &str) -> Background {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what} ({e}): {hint}"));
        let mut err = child.stderr.take().expect("stderr is piped");
        let stderr = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = err.read_to_end(&mut buf);
            buf
        });
        let out = child.stdout.take().expect("stdout is piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Background {
            what: what.to_string(),
            child: Some(child),
            lines,
            stderr: Some(stderr),
        }
    }

    /// The process id (the same through `setpriv` and `prlimit`, which execute their program).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("still running").id()
    }

    /// The next line of stdout, waiting at most `timeout`; `expected` says what it should be.
    /// When none comes, the process is killed and the test fails with its stderr.
    pub fn line(&mut self, expected: &str, timeout: Duration) -> String {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => line,
            Err(_) => {
                let out = self.stop("KILL");
                panic!(
                    "{} printed no {expected} within {} s ({}); its stderr:\n{}",
                    self.what,
                    timeout.as_secs(),
                    out.status,
                    stderr(&out)
                );
            }
        }
    }

    /// Whether the process has not ended yet.
    pub fn running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| c.try_wait().expect("check the process").is_none())
    }

    /// Send `signal` (`TERM`, `KILL`…), wait at most 20 s for the process to end, and return its
    /// exit status and stderr (stdout is empty: its lines went to [`Background::line`]).
    pub fn stop(&mut self, signal: &str) -> Output {
        let mut child = self.child.take().expect("still running");
        // `kill` fails when the process has already ended, which the status below tells anyway.
        let _ = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .stderr(Stdio::null())
            .status();
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for the process") {
                break status;
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{} did not end within 20 s of SIG{signal}", self.what);
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        Output {
            status,
            stdout: Vec::new(),
            stderr,
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Where a started `fedaws serve` listens, and its token.
struct Endpoint {
    uri: String,
    port: u16,
    token: String,
}

/// Read the two export lines `fedaws serve` prints once it listens.
fn read_exports(serve: &mut Background) -> Endpoint {
    let first = serve.line("AWS_CONTAINER_CREDENTIALS_FULL_URI export", COMMAND_TIMEOUT);
    let second = serve.line("AWS_CONTAINER_AUTHORIZATION_TOKEN export", COMMAND_TIMEOUT);
    let uri = export_value(&first, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    let token = export_value(&second, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    assert_eq!(token.len(), 64, "the token is not 256 bits in hex");
    Endpoint {
        port: port_of(&uri),
        uri,
        token,
    }
}

/// The soft and hard limit on the line of `/proc/PID/limits` that starts with `name` (e.g.
/// `Max core file size`), as the kernel prints them (`0`, `1024`, `unlimited`).
fn proc_limit(pid: u32, name: &str) -> (String, String) {
    let path = format!("/proc/{pid}/limits");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let line = text
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no `{name}` line in {path}:\n{text}"));
    let mut fields = line[name.len()..].split_whitespace();
    let mut next = || {
        fields
            .next()
            .unwrap_or_else(|| panic!("a short line in {path}: {line:?}"))
            .to_string()
    };
    let soft = next();
    let hard = next();
    (soft, hard)
}

/// How many connections the attacker opens: more than the 1024 descriptors the server is given.
const FLOOD: usize = 1100;

/// The attacker: raise its own descriptor limit (the default soft limit of 1024 is below the
/// flood), open `N` connections to 127.0.0.1:`PORT`, send each half a request (no blank line
/// ending the head, so a server waits for the rest), say `open N` once all are connected, and hold
/// them until killed. It does not reconnect what the server closes.
const ATTACKER: &str = r#"
import resource, socket, sys, time
n, port = int(sys.argv[1]), int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = n + 64
if hard != resource.RLIM_INFINITY and hard < want:
    sys.exit(f"the hard RLIMIT_NOFILE ({hard}) is below the {want} descriptors the flood needs")
resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
held = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    except OSError:
        pass  # already closed by the server: it still took a connection slot
    held.append(s)
print(f"open {len(held)}", flush=True)
while True:
    time.sleep(3600)
"#;

/// How long a real request may take while the flood holds its connections.
const PROMPT: Duration = Duration::from_secs(2);

/// A raw `GET path` with `Authorization: token` to 127.0.0.1:`port`, giving up (connecting, sending
/// or reading) after `limit`: the status and body, or why there was none.
fn get_within(
    port: u16,
    path: &str,
    token: &str,
    limit: Duration,
) -> Result<(u16, String), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream =
        TcpStream::connect_timeout(&addr, limit).map_err(|e| format!("cannot connect: {e}"))?;
    stream
        .set_read_timeout(Some(limit))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(limit))
        .map_err(|e| e.to_string())?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {token}\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .map_err(|e| format!("no complete answer within {} s ({e})", limit.as_secs()))?;
    let text = String::from_utf8(answer).map_err(|_| "the answer is not UTF-8".to_string())?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("not an HTTP answer: {text:?}"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    Ok((status, body.to_string()))
}

/// Run the AWS CLI with nothing but the container-credentials variables to find credentials, and
/// moto as its endpoint; its stderr is kept by the broker for the leak check.
fn aws_cli(broker: &Broker, endpoint: &Endpoint, args: &[&str]) -> Output {
    container_client(broker, &endpoint.uri, &endpoint.token, "aws", args)
}

#[test]
fn the_credential_server_outlasts_a_flood_of_idle_connections() {
    outlasts_a_flood(Flooded::OneConnectorByAnotherUser);
}

#[test]
fn the_shared_server_outlasts_a_flood_of_idle_connections_by_its_own_user() {
    outlasts_a_flood(Flooded::SharedByItsOwnUser);
}

/// Which server a flood is against, and whose it is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Flooded {
    /// `serve c`, flooded by another Unix user: closed at once, as the kernel names them.
    OneConnectorByAnotherUser,
    /// The shared server (`serve`), flooded by its own user (root here, as is the server), whom
    /// it lets in: the cap of open connections is what holds.
    SharedByItsOwnUser,
}

/// `serve` under a descriptor limit of 1024 stays prompt while [`FLOOD`] half-sent requests are
/// held open against it: the SDK's request with the token is answered within [`PROMPT`].
fn outlasts_a_flood(flooded: Flooded) {
    require_root();
    let sts = TestServer::moto_recorder();
    let broker = Broker::new(Some(sts.url()), &[], &role_connector());
    // Declared before the processes run as it, so it is deleted after they are killed.
    let attacker_user = User::create("flood", &[]);
    let shared = flooded == Flooded::SharedByItsOwnUser;

    // soft = hard = 1024: raising the soft limit to the hard one gains nothing, so the flood is
    // larger than every descriptor the server can have.
    let args: &[&str] = if shared { &["serve"] } else { &["serve", "c"] };
    let serve_cmd = wrapped(
        &["prlimit", "--nofile=1024:1024", "--"],
        &broker.env.std_command(args),
    );
    let mut serve = Background::spawn(
        &format!(
            "fedaws {} (under prlimit --nofile=1024:1024)",
            args.join(" ")
        ),
        serve_cmd,
        "install util-linux (prlimit)",
    );
    let (endpoint, path) = if shared {
        let base = export_value(
            &serve.line("FEDAWS_SERVER export", COMMAND_TIMEOUT),
            "FEDAWS_SERVER",
        );
        let file = export_value(
            &serve.line("token file export", COMMAND_TIMEOUT),
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        );
        let endpoint = Endpoint {
            uri: format!("{base}c"),
            port: port_of(&base),
            token: std::fs::read_to_string(&file).expect("the token file"),
        };
        (endpoint, "/creds/c")
    } else {
        (read_exports(&mut serve), "/")
    };
    assert_eq!(
        proc_limit(serve.pid(), "Max open files"),
        ("1024".to_string(), "1024".to_string()),
        "the server does not run with the descriptor limit the flood is sized for"
    );
    if shared {
        // A shared server obtains credentials when first asked for.
        let first = get_within(endpoint.port, path, &endpoint.token, COMMAND_TIMEOUT);
        assert_eq!(first.map(|(s, _)| s), Ok(200), "the first request");
    }
    let (issued_id, _, _) = answered(&sts.only());

    let mut flood_cmd = if shared {
        Command::new("/usr/bin/python3")
    } else {
        attacker_user.command("python3")
    };
    flood_cmd
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .current_dir("/")
        .arg("-c")
        .arg(ATTACKER)
        .arg(FLOOD.to_string())
        .arg(endpoint.port.to_string());
    let attacker_name = if shared { "root" } else { &attacker_user.name };
    let mut attacker = Background::spawn(
        &format!("the attacker ({attacker_name} running python3)"),
        flood_cmd,
        "install python3 where every user can run it (/usr/bin), and util-linux (setpriv)",
    );
    let ready = attacker.line(
        &format!(
            "`open {FLOOD}` line (it needs a python3 on the system PATH, and a server that \
             takes the connections)"
        ),
        COMMAND_TIMEOUT,
    );
    assert_eq!(ready, format!("open {FLOOD}"), "the attacker's report");

    // The SDK's request, while the attacker still holds every connection it opened (the server
    // has had to close some of them to stay under its cap: they are the flood's, not the SDK's).
    let started = Instant::now();
    let answer = get_within(
        endpoint.port,
        path,
        &endpoint.token,
        Duration::from_secs(10),
    );
    let took = started.elapsed();
    let (status, body) = answer.unwrap_or_else(|e| {
        panic!(
            "a request with the token got no answer while {FLOOD} half-sent requests ({flooded:?}) \
             held the server ({e}, after {took:?})"
        )
    });
    assert_eq!(
        status, 200,
        "the request with the token during the flood: {body}"
    );
    assert!(
        took < PROMPT,
        "the request with the token took {took:?} during the flood, more than {PROMPT:?}"
    );
    let value: serde_json::Value = serde_json::from_str(&body)
        .unwrap_or_else(|e| panic!("the answer is not JSON ({e}): {body}"));
    for field in ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"] {
        assert!(
            value[field].as_str().is_some_and(|v| !v.is_empty()),
            "the answer has no {field}: {body}"
        );
    }
    assert_eq!(
        value["AccessKeyId"].as_str(),
        Some(issued_id.as_str()),
        "not the credentials STS issued first"
    );
    assert!(
        attacker.running(),
        "the attacker ended before the request, so its connections were not held"
    );

    // A real client, reading the same two variables as every SDK, while the flood goes on.
    let out = aws_cli(
        &broker,
        &endpoint,
        &["sts", "get-caller-identity", "--output", "json"],
    );
    assert!(
        out.status.success(),
        "the AWS CLI failed during the flood: {}",
        stderr(&out)
    );
    let identity: serde_json::Value =
        serde_json::from_str(&stdout(&out)).expect("the AWS CLI prints JSON");
    let arn = format!(
        "arn:aws:sts::{MOTO_ACCOUNT}:assumed-role/{ROLE}/{}",
        os_user()
    );
    assert_eq!(identity["Arn"].as_str(), Some(arn.as_str()), "{identity}");

    let flood = attacker.stop("KILL");
    assert!(
        flood.stderr.is_empty(),
        "the attacker reported errors:\n{}",
        stderr(&flood)
    );
    let out = serve.stop("TERM");
    broker.record(&format!("{} (flooded)", args.join(" ")), &out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "serve did not exit cleanly on SIGTERM after the flood:\n{}",
        stderr(&out)
    );
    assert!(
        !contains(&out.stderr, endpoint.token.as_bytes()),
        "serve printed its token on stderr"
    );
    broker.finish(&[&sts]);
}

/// The soft core size limit both processes of the dump test are started with: not 0, so that
/// only fedaws itself can have lowered it.
const CORE_SOFT: &str = "1048576";

/// A config of `user`'s own (owned by it, not writable by others) that makes it an administrator
/// of a connector `c` assuming [`ROLE`] through `sts`, with its key pair in its own kernel
/// keyring under `account`.
fn enrol(user: &User, sts: &TestServer, account: &str) {
    user.env.write_config(&format!(
        "[settings]\nkeyring = \"keyutils\"\nregion = \"us-east-1\"\nsts_endpoint = \"{}\"\nadmins = [\"{}\"]\n",
        sts.url(),
        user.name
    ));
    user.own_tree();
    let out = user.run_stdin(
        &["account", "add", account, "--secret-stdin"],
        &user.keys.stdin(),
    );
    assert!(
        out.status.success(),
        "`account add` as {} failed ({}):\n{}",
        user.name,
        out.status,
        stderr(&out)
    );
    let mut text = user.env.config();
    text.push('\n');
    text.push_str(&role_connector().replace("{account}", account));
    // Rewriting the file keeps its owner and mode (0644 from root's umask: writable by no one else).
    user.env.write_config(&text);
}

/// `inner` (a command run as a user through `setpriv`) with a soft core size limit of
/// [`CORE_SOFT`], set by root through `prlimit` before `setpriv` drops to the user; the hard
/// limit is left as it is.
fn as_user_with_core_limit(inner: &Command) -> Command {
    wrapped(&["prlimit", &format!("--core={CORE_SOFT}:"), "--"], inner)
}

/// `cat PATH` as `user`: what another process of the same user reads there.
fn cat_as(user: &User, path: &str) -> Output {
    user.command("cat")
        .arg(path)
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .current_dir("/")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run cat as {} ({e}): {HOW_TO_RUN}", user.name))
}

#[test]
fn fedaws_cannot_be_dumped_or_read_by_another_process_of_its_user() {
    require_root();
    let sts = TestServer::moto_recorder();
    let user = User::create("nodump", &[]);
    let account = unique("nodump");
    enrol(&user, &sts, &account);

    // A plain process of the same user, started the same way: what the checks below see when a
    // process does nothing to protect itself, so a pass means fedaws did something.
    let mut sleep_cmd = user.command("sleep");
    sleep_cmd
        .arg("300")
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .current_dir("/");
    let mut sleeper = Background::spawn(
        &format!("sleep as {}", user.name),
        as_user_with_core_limit(&sleep_cmd),
        "install util-linux (prlimit, setpriv)",
    );
    let mut serve = Background::spawn(
        &format!("fedaws serve c as {}", user.name),
        as_user_with_core_limit(&user.fedaws_command(&["serve", "c"])),
        "install util-linux (prlimit, setpriv)",
    );
    // Once the exports are out, fedaws has long passed its start-up and holds credentials.
    let endpoint = read_exports(&mut serve);
    let pid = serve.pid();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).expect("read /proc/PID/exe");
    assert_eq!(
        exe,
        std::path::Path::new(env!("CARGO_BIN_EXE_fedaws")),
        "process {pid} is not fedaws"
    );
    assert!(sleeper.running(), "the sleeper ended early");
    let control = sleeper.pid();

    // No core file: the soft limit is 0 (the hard one is left for the user's programs).
    assert_eq!(
        proc_limit(control, "Max core file size").0,
        CORE_SOFT,
        "the processes do not start with the core size limit the test gives them"
    );
    let (core_soft, core_hard) = proc_limit(pid, "Max core file size");
    assert_eq!(
        core_soft, "0",
        "fedaws runs with a soft core size limit of {core_soft} (hard {core_hard}): a crash \
         would write its secrets to disk"
    );

    // Not dumpable: the kernel gives its /proc files to root.
    let owner = |p: u32| {
        let path = format!("/proc/{p}/environ");
        std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("stat {path}: {e}"))
            .uid()
    };
    assert_eq!(
        owner(control),
        user.uid,
        "a plain process's /proc files do not belong to its user"
    );
    assert_eq!(
        owner(pid),
        0,
        "fedaws's /proc/{pid}/environ belongs to uid {}, not root: the process is dumpable",
        owner(pid)
    );

    // And another process of the same user cannot read it.
    let plain = cat_as(&user, &format!("/proc/{control}/environ"));
    assert!(
        plain.status.success() && contains(&plain.stdout, b"PATH="),
        "{} cannot read the environment of its own plain process, so the check below proves \
         nothing ({}): {}",
        user.name,
        plain.status,
        stderr(&plain)
    );
    let read = cat_as(&user, &format!("/proc/{pid}/environ"));
    assert!(
        !read.status.success() && read.stdout.is_empty(),
        "another process of {} read fedaws's /proc/{pid}/environ:\n{}",
        user.name,
        String::from_utf8_lossy(&read.stdout)
    );

    let out = serve.stop("TERM");
    assert_eq!(
        out.status.code(),
        Some(0),
        "serve as {} did not exit cleanly on SIGTERM:\n{}",
        user.name,
        stderr(&out)
    );
    for (secret, what) in [
        (
            &user.keys.secret_access_key,
            "the account's secret access key",
        ),
        (&endpoint.token, "the server's token"),
    ] {
        assert!(
            !contains(&out.stderr, secret.as_bytes()),
            "serve printed {what} on stderr"
        );
    }
    for secret in sts.issued_secrets() {
        assert!(
            !contains(&out.stderr, secret.as_bytes()),
            "serve printed a secret STS issued on stderr"
        );
    }
    let _ = sleeper.stop("KILL");
}
