//! The `vault` secret store against real OpenBao servers: accounts kept in KV v2 and read back
//! with `bao`, credentials of every principal type issued from them against moto, each way of
//! getting a token, the transports that prove who answers (TLS, a Unix socket whose owner is
//! checked) and the dev servers' plain HTTP that needs `insecure_http`, a squatter on a loopback
//! port that must be told nothing, the failures a fleet meets (a policy that does not allow, a
//! sealed server, servers gone, the active node of a cluster lost), and brokers that keep their
//! login alive and share one Vault.
//!
//! The brokers run as a service user made for the test (these tests need root); the caller is
//! root, the administrator of their configs.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::bao::Bao;
use crate::broker::{Running, assert_exit, key_id, start_broker};
use crate::common::{KeyPair, TestEnv, chmod, contains, stderr, stdout, unique};
use crate::sts_server::TestServer;
use crate::users::{User, must, require_root};

/// Three connectors of `{account}`, one per principal type.
const EVERY_PRINCIPAL: &str = "[connectors.sess]\naccount = \"{account}\"\nprincipal = \"iam-user\"\n\n[connectors.fed]\naccount = \"{account}\"\nprincipal = \"federated-user\"\n\n[connectors.role]\naccount = \"{account}\"\nprincipal = \"assume-role\"\nrole_arn = \"arn:aws:iam::123456789012:role/FromVault\"\n";

/// A local config keeping accounts in Vault at `addresses`, with `vault` lines added to
/// `[settings.vault]`, the test's user (root) as administrator, moto behind `sts`. Dev servers
/// on plain `http://` get `insecure_http = true`, without which fedaws refuses them.
fn local_config(sts: &TestServer, addresses: &[&str], vault: &str) -> String {
    let list = addresses
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "[settings]\nkeyring = \"vault\"\nregion = \"us-east-1\"\nsts_endpoint = \"{}\"\nadmins = [\"{}\"]\n\n[settings.vault]\naddresses = [{list}]\n{}{vault}\n",
        sts.url(),
        crate::sts_fixture::os_user(),
        insecure_http(addresses.iter().copied())
    )
}

/// `insecure_http = true` when any of `addresses` is plain `http://` (a dev server).
fn insecure_http<'a>(mut addresses: impl Iterator<Item = &'a str>) -> &'static str {
    if addresses.any(|a| a.starts_with("http://")) {
        "insecure_http = true\n"
    } else {
        ""
    }
}

/// `fedaws ARGS…` in `env` with `vars`, and `stdin`.
fn run(env: &TestEnv, args: &[&str], vars: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = env.fedaws(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.write_stdin(stdin.to_string())
        .output()
        .expect("run fedaws")
}

/// `fedaws account add` of a new account (named from `tag`) with a new key pair, with `token`:
/// its name and keys.
fn add_account(env: &TestEnv, token: &str, tag: &str) -> (String, KeyPair) {
    let name = unique(tag);
    let keys = KeyPair::new();
    ok(
        env,
        &["account", "add", &name, "--secret-stdin"],
        &[("VAULT_TOKEN", token)],
        &keys.stdin(),
    );
    (name, keys)
}

/// Like [`run`]; it must succeed. Its stdout.
fn ok(env: &TestEnv, args: &[&str], vars: &[(&str, &str)], stdin: &str) -> String {
    let out = run(env, args, vars, stdin);
    assert!(
        out.status.success(),
        "`fedaws {}` failed ({}):\n{}",
        args.join(" "),
        out.status,
        stderr(&out)
    );
    stdout(&out)
}

/// The access key id the last STS request was signed with.
fn signed_with(sts: &TestServer) -> String {
    let request = sts.requests().pop().expect("a request reached STS");
    let auth = request
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.clone())
        .expect("a signed request");
    auth.split("Credential=")
        .nth(1)
        .and_then(|c| c.split('/').next())
        .expect("a credential scope")
        .to_string()
}

/// Fail when the output holds `secret` (named `what`).
fn assert_lacks(out: &Output, secret: &str, what: &str) {
    assert!(
        !contains(&out.stdout, secret.as_bytes()) && !contains(&out.stderr, secret.as_bytes()),
        "the output shows {what}"
    );
}

#[test]
fn account_keys_live_in_kv_v2_and_every_principal_type_is_issued_from_them() {
    let bao = Bao::dev();
    let sts = TestServer::moto_recorder();
    let env = TestEnv::with_config(&local_config(&sts, &[bao.addr()], ""));
    let vars = [("VAULT_TOKEN", bao.root_token.as_str())];
    let (name, keys) = add_account(&env, &bao.root_token, "kv");

    // Stored as one KV v2 secret of the two fields, the key id also in its metadata.
    let path = format!("secret/fedaws/accounts/{name}");
    let stored = bao.json(&["kv", "get", "-format=json", &path]);
    assert_eq!(
        stored["data"]["data"]["access_key_id"], keys.access_key_id,
        "{stored}"
    );
    assert_eq!(
        stored["data"]["data"]["secret_access_key"],
        keys.secret_access_key
    );
    assert_eq!(
        stored["data"]["metadata"]["custom_metadata"]["access_key_id"],
        keys.access_key_id
    );
    let listed: Value =
        serde_json::from_str(&ok(&env, &["account", "list", "--json"], &vars, "")).unwrap();
    assert_eq!(listed[0]["access_key_id"], keys.masked_id(), "{listed}");
    assert_eq!(listed[0]["key_version"], 1, "{listed}");

    // Each principal type, signed with the key from Vault.
    let mut text = env.config();
    text.push_str(&EVERY_PRINCIPAL.replace("{account}", &name));
    env.write_config(&text);
    for connector in ["sess", "fed", "role"] {
        let out = run(
            &env,
            &["creds", connector, "--format", "json", "--no-cache"],
            &vars,
            "",
        );
        key_id(&out, connector);
        assert_eq!(signed_with(&sts), keys.access_key_id, "{connector}");
        assert_lacks(&out, &keys.secret_access_key, "the long-term secret");
    }

    // A rotation is a new version; show says which and when; STS sees the new key.
    let new = KeyPair::new();
    ok(
        &env,
        &["account", "edit", &name, "--rotate", "--secret-stdin"],
        &vars,
        &new.stdin(),
    );
    let shown: Value =
        serde_json::from_str(&ok(&env, &["account", "show", &name, "--json"], &vars, "")).unwrap();
    assert_eq!(shown["key_version"], 2, "{shown}");
    assert_eq!(shown["store"], "vault");
    let written: jiff::Timestamp = shown["key_written"]
        .as_str()
        .expect("the version's time")
        .parse()
        .expect("an RFC 3339 time");
    assert!((jiff::Timestamp::now() - written).get_seconds().abs() < 120);
    let table = ok(&env, &["account", "show", &name], &vars, "");
    assert!(table.contains("key version  2 (written "), "{table}");
    run(&env, &["creds", "sess", "--no-cache"], &vars, "");
    assert_eq!(signed_with(&sts), new.access_key_id);
    let versions = bao.json(&["kv", "metadata", "get", "-format=json", &path]);
    assert_eq!(versions["data"]["current_version"], 2, "{versions}");

    // Versions that delete themselves later (`delete_version_after`) are stored until then.
    bao.ok(&["kv", "metadata", "put", "-delete-version-after=1h", &path]);
    let third = KeyPair::new();
    ok(
        &env,
        &["account", "edit", &name, "--rotate", "--secret-stdin"],
        &vars,
        &third.stdin(),
    );
    let shown: Value =
        serde_json::from_str(&ok(&env, &["account", "show", &name, "--json"], &vars, "")).unwrap();
    assert_eq!(shown["key_pair"], "stored", "{shown}");
    assert_eq!(shown["key_version"], 3, "{shown}");
    assert_eq!(shown["access_key_id"], third.masked_id(), "{shown}");

    // Under the mount, fedaws wrote the accounts and nothing else (no issued credentials).
    let top = bao.json(&["kv", "list", "-format=json", "secret/"]);
    assert_eq!(top, serde_json::json!(["fedaws/"]), "{top}");
    let ours = bao.json(&["kv", "list", "-format=json", "secret/fedaws/"]);
    assert_eq!(ours, serde_json::json!(["accounts/"]), "{ours}");

    // Nothing of either secret in any file of the test's HOME, config or state.
    env.assert_no_file_contains(&keys.secret_access_key, "the first secret access key");
    env.assert_no_file_contains(&new.secret_access_key, "the second secret access key");

    // Removing the account removes the secret with every version.
    ok(&env, &["account", "remove", &name, "--force"], &vars, "");
    let gone = bao.run_on(0, &["kv", "get", &path], "");
    assert!(!gone.status.success(), "the secret outlived its account");
}

#[test]
fn a_token_comes_from_the_environment_a_token_file_home_or_an_approle_login() {
    let bao = Bao::dev();
    bao.example_policy("fedaws-admin");
    bao.example_policy("fedaws-broker");
    let admin = bao.token(&["fedaws-admin"], "1h");
    let reader = bao.token(&["fedaws-broker"], "1h");
    let sts = TestServer::moto_recorder();
    let env = TestEnv::with_config(&local_config(&sts, &[bao.addr()], ""));
    let (name, keys) = add_account(&env, &admin, "tok");
    let base = env.config();
    env.write_config(&format!(
        "{base}\n[connectors.c]\naccount = \"{name}\"\nprincipal = \"iam-user\"\n"
    ));
    let issue = |vars: &[(&str, &str)], what: &str| {
        let out = run(
            &env,
            &["creds", "c", "--format", "json", "--no-cache"],
            vars,
            "",
        );
        key_id(&out, what);
        assert_eq!(signed_with(&sts), keys.access_key_id, "{what}");
    };

    issue(&[("VAULT_TOKEN", reader.as_str())], "VAULT_TOKEN");
    issue(&[("BAO_TOKEN", reader.as_str())], "BAO_TOKEN");

    // The token file of settings.vault.token_file; readable by others, it is refused.
    let file = env.root().join("config/fedaws/vault-token");
    std::fs::write(&file, format!("{reader}\n")).unwrap();
    chmod(&file, 0o600);
    let with_vault = |lines: &str| {
        let text = env.config().replacen(
            "[settings.vault]\n",
            &format!("[settings.vault]\n{lines}"),
            1,
        );
        env.write_config(&text);
    };
    with_vault("token_file = \"vault-token\"\n");
    issue(&[], "token_file");
    chmod(&file, 0o644);
    let out = run(&env, &["creds", "c", "--no-cache"], &[], "");
    assert_exit(&out, 7, "a token file others can read");
    assert!(stderr(&out).contains("vault-token"), "{}", stderr(&out));
    assert_lacks(&out, &reader, "the token");
    std::fs::remove_file(&file).unwrap();

    // ~/.vault-token, as `bao login` leaves it.
    env.write_config(&format!(
        "{base}\n[connectors.c]\naccount = \"{name}\"\nprincipal = \"iam-user\"\n"
    ));
    let out = run(&env, &["creds", "c", "--no-cache"], &[], "");
    assert_exit(&out, 7, "no token anywhere");
    assert!(stderr(&out).contains("no Vault token"), "{}", stderr(&out));
    let home_token = env.home().join(".vault-token");
    std::fs::write(&home_token, &reader).unwrap();
    chmod(&home_token, 0o600);
    issue(&[], "~/.vault-token");
    std::fs::remove_file(&home_token).unwrap();

    // AppRole: the role id in the config, the secret id in a file.
    let (role_id, secret_id) = bao.approle("fedaws-test", "fedaws-broker", "1h", "2h");
    let secret_file = env.root().join("config/fedaws/secret-id");
    std::fs::write(&secret_file, &secret_id).unwrap();
    chmod(&secret_file, 0o600);
    with_vault(&format!(
        "auth = \"approle\"\nrole_id = \"{role_id}\"\nsecret_id_file = \"secret-id\"\n"
    ));
    issue(&[], "AppRole");
    let out = run(&env, &["creds", "c", "--no-cache", "-vv"], &[], "");
    assert_lacks(&out, &secret_id, "the AppRole secret id");
    // A wrong secret id is named as a refused login, without the id.
    std::fs::write(&secret_file, "00000000-0000-0000-0000-000000000000").unwrap();
    let out = run(&env, &["creds", "c", "--no-cache"], &[], "");
    assert_exit(&out, 7, "a wrong secret id");
    assert!(
        stderr(&out).contains("refused the AppRole login"),
        "{}",
        stderr(&out)
    );
    assert_lacks(
        &out,
        "00000000-0000-0000-0000-000000000000",
        "the secret id",
    );
}

#[test]
fn a_token_whose_policy_does_not_allow_is_told_which_path_and_nothing_changes() {
    let bao = Bao::dev();
    bao.example_policy("fedaws-broker");
    let reader = bao.token(&["fedaws-broker"], "1h");
    let nobody = bao.token(&["default"], "1h");
    let sts = TestServer::moto_recorder();
    let env = TestEnv::with_config(&local_config(&sts, &[bao.addr()], ""));
    let (name, _) = add_account(&env, &bao.root_token, "deny");
    let text = format!(
        "{}\n[connectors.c]\naccount = \"{name}\"\nprincipal = \"iam-user\"\n",
        env.config()
    );
    env.write_config(&text);

    let before = sts.count();
    let out = run(
        &env,
        &["creds", "c", "--no-cache"],
        &[("VAULT_TOKEN", &nobody)],
        "",
    );
    assert_exit(&out, 7, "a token without the policy");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("secret/data/fedaws/accounts/{name}"))
            && err.contains("policy does not allow it"),
        "{err}"
    );
    assert_eq!(sts.count(), before, "STS was called without a key");

    // A broker's read-only token cannot add an account: nothing is written anywhere.
    let config = env.config_bytes();
    let other = unique("deny");
    let out = run(
        &env,
        &["account", "add", &other, "--secret-stdin"],
        &[("VAULT_TOKEN", &reader)],
        &KeyPair::new().stdin(),
    );
    assert_exit(&out, 7, "a read-only token adding an account");
    assert!(
        stderr(&out).contains("refused to write"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.config_bytes(), config, "the config changed");
    let listed = bao.run_on(
        0,
        &["kv", "get", &format!("secret/fedaws/accounts/{other}")],
        "",
    );
    assert!(!listed.status.success(), "the secret was written");
}

#[test]
fn a_sealed_vault_says_so_and_servers_gone_fail_after_every_address() {
    let mut bao = Bao::dev();
    let sts = TestServer::moto_recorder();
    let dead = format!("http://127.0.0.1:{}", crate::sts_server::free_port());
    let env = TestEnv::with_config(&local_config(&sts, &[bao.addr()], ""));
    let vars = [("VAULT_TOKEN", bao.root_token.as_str())];
    let (name, _) = add_account(&env, &bao.root_token, "seal");
    let text = format!(
        "{}\n[connectors.c]\naccount = \"{name}\"\nprincipal = \"iam-user\"\n",
        env.config()
    );
    env.write_config(&text);

    bao.ok(&["operator", "seal"]);
    let out = run(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_exit(&out, 7, "a sealed vault");
    assert!(
        stderr(&out).contains(&format!("vault at {} is sealed", bao.addr())),
        "{}",
        stderr(&out)
    );
    let key = bao.unseal_key.clone().expect("the dev server's unseal key");
    bao.on(0, &["operator", "unseal", &key]);
    ok(&env, &["creds", "c", "--no-cache"], &vars, "");

    // A server that does not answer, then the one that does: served by the second.
    let addr = bao.addr().to_string();
    env.write_config(&text.replacen(
        &format!("addresses = [\"{addr}\"]"),
        &format!("addresses = [\"{dead}\", \"{addr}\"]"),
        1,
    ));
    ok(&env, &["creds", "c", "--no-cache"], &vars, "");
    // Both gone: exit 7, naming each.
    bao.nodes[0].stop();
    let started = Instant::now();
    let out = run(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_exit(&out, 7, "every server gone");
    let err = stderr(&out);
    assert!(
        err.contains(&dead) && err.contains(&addr) && err.contains("tried 2 addresses"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "failing took {:?}",
        started.elapsed()
    );
}

/// Hosts whose brokers (run by one service user) read their accounts from Vault.
struct Fleet {
    svc: User,
    sts: TestServer,
    /// root's client environment.
    client: TestEnv,
    dir: tempfile::TempDir,
}

/// One host of a [`Fleet`]: its config, state and socket.
struct Host {
    root: PathBuf,
}

impl Host {
    fn config(&self) -> PathBuf {
        self.root.join("etc/config.toml")
    }

    fn socket(&self) -> String {
        self.root.join("run/broker.sock").display().to_string()
    }
}

impl Fleet {
    fn new(tag: &str) -> Fleet {
        require_root();
        let svc = User::create(&format!("{tag}svc"), &[]);
        svc.own_tree();
        // Not under /tmp: a broker's socket is trusted only where nobody else can write.
        let dir = tempfile::Builder::new()
            .prefix("fedaws-fleet-")
            .tempdir_in("/var/lib")
            .expect("a temporary directory under /var/lib");
        chmod(dir.path(), 0o755);
        Fleet {
            svc,
            sts: TestServer::moto_recorder(),
            client: TestEnv::new(),
            dir,
        }
    }

    /// A host named `name` whose config has `vault` as `[settings.vault]`, account `acct` and
    /// connector `c` (an IAM user session) for administrators (root), and a refresh margin of
    /// an hour (credentials of an hour are always due for a refresh); `files` are written
    /// beside the config, readable by the service user only.
    fn host(&self, name: &str, vault: &str, files: &[(&str, &str)]) -> Host {
        let root = self.dir.path().join(name);
        for (sub, mode) in [("etc", 0o700), ("state", 0o700), ("run", 0o755)] {
            let path = root.join(sub);
            std::fs::create_dir_all(&path).expect("a host directory");
            chmod(&path, mode);
        }
        chmod(&root, 0o755);
        let host = Host { root };
        std::fs::write(
            host.config(),
            format!(
                "[settings]\nregion = \"us-east-1\"\nsts_endpoint = \"{}\"\niam_endpoint = \"{}\"\nkeyring = \"vault\"\nadmins = [\"root\"]\nrefresh_margin = \"1h\"\n\n[settings.vault]\n{vault}\n[accounts.acct]\n\n[connectors.c]\naccount = \"acct\"\nprincipal = \"iam-user\"\n",
                self.sts.url(),
                crate::sts_server::moto_url()
            ),
        )
        .expect("write the config");
        for (file, text) in files {
            let path = host.root.join("etc").join(file);
            std::fs::write(&path, text).expect("write a host file");
            chmod(&path, 0o600);
        }
        let owner = format!("{}:{}", self.svc.uid, self.svc.gid);
        for sub in ["etc", "state", "run"] {
            must(
                "chown",
                &["-R", &owner, &host.root.join(sub).display().to_string()],
            );
        }
        host
    }

    /// A host whose broker logs in to every node of `bao` with AppRole `role_id`, its secret id
    /// in a file beside the config.
    fn approle_host(&self, name: &str, bao: &Bao, role_id: &str, secret_id: &str) -> Host {
        let vault = format!(
            "{}auth = \"approle\"\nrole_id = \"{role_id}\"\nsecret_id_file = \"secret-id\"\n",
            addresses(bao)
        );
        self.host(name, &vault, &[("secret-id", secret_id)])
    }

    /// Start the host's broker, with `vars` in its environment.
    fn start(&self, host: &Host, vars: &[(&str, &str)]) -> Running {
        start_broker(
            &self.svc,
            &host.config(),
            &host.root.join("state"),
            &[],
            &["--socket", &host.socket()],
            vars,
        )
    }

    /// `fedaws --broker SOCKET ARGS…` as root, with `stdin`.
    fn ask(&self, host: &Host, args: &[&str], stdin: &str) -> Output {
        let socket = host.socket();
        let mut all = vec!["--broker", socket.as_str()];
        all.extend_from_slice(args);
        run(&self.client, &all, &[], stdin)
    }

    /// A cold issuance through `host`'s broker: the key id STS saw signing it.
    fn cold(&self, host: &Host, what: &str) -> String {
        let out = self.ask(host, &["creds", "c", "--format", "json", "--no-cache"], "");
        key_id(&out, what);
        signed_with(&self.sts)
    }
}

/// A new key pair for account `name`, put into Vault as fedaws keeps it (`bao kv put`).
fn put_account(bao: &Bao, name: &str) -> KeyPair {
    let keys = KeyPair::new();
    bao.ok(&[
        "kv",
        "put",
        &format!("secret/fedaws/accounts/{name}"),
        &format!("access_key_id={}", keys.access_key_id),
        &format!("secret_access_key={}", keys.secret_access_key),
    ]);
    keys
}

/// `addresses = [...]` of `bao`'s nodes (with `insecure_http` for plain `http://`).
fn addresses(bao: &Bao) -> String {
    format!(
        "addresses = [{}]\n{}",
        bao.nodes
            .iter()
            .map(|n| format!("\"{}\"", n.addr))
            .collect::<Vec<_>>()
            .join(", "),
        insecure_http(bao.nodes.iter().map(|n| n.addr.as_str()))
    )
}

#[test]
fn a_broker_renews_its_token_logs_in_again_and_serves_cached_credentials_while_vault_is_sealed() {
    let bao = Bao::dev();
    bao.example_policy("fedaws-broker");
    // Renewable tokens of 12 s, for up to 10 minutes.
    let (role_id, secret_id) = bao.approle("broker", "fedaws-broker", "12s", "10m");
    let fleet = Fleet::new("vren");
    let host = fleet.approle_host("h", &bao, &role_id, &secret_id);
    let keys = put_account(&bao, "acct");
    let mut broker = fleet.start(&host, &[]);
    assert_eq!(fleet.cold(&host, "first"), keys.access_key_id);
    let logins = |b: &Bao| b.answered("auth/approle/login");
    assert_eq!(logins(&bao), 1);

    // Twice the token's life later: renewed, never logged in again, still issuing.
    std::thread::sleep(Duration::from_secs(25));
    assert!(
        bao.answered("auth/token/renew-self") >= 1,
        "the broker never renewed its token; its log:\n{}",
        broker.log_text()
    );
    assert_eq!(fleet.cold(&host, "after renewals"), keys.access_key_id);
    assert_eq!(logins(&bao), 1, "a renewable token was replaced");

    // Its token revoked: refused once, it logs in again and the request succeeds.
    bao.ok(&["token", "revoke", "-mode=path", "auth/approle/login"]);
    assert_eq!(fleet.cold(&host, "after revocation"), keys.access_key_id);
    assert_eq!(logins(&bao), 2);

    // Tokens that cannot be renewed past 3 s: once one has expired, a new login.
    bao.ok(&[
        "write",
        "auth/approle/role/broker",
        "token_ttl=3s",
        "token_max_ttl=3s",
    ]);
    bao.ok(&["token", "revoke", "-mode=path", "auth/approle/login"]);
    assert_eq!(fleet.cold(&host, "short token"), keys.access_key_id);
    let before = logins(&bao);
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(fleet.cold(&host, "expired token"), keys.access_key_id);
    assert!(logins(&bao) > before, "no login after the token expired");

    // Sealed: cached credentials are still served, a cold issuance says why it cannot be.
    let cached = fleet.ask(&host, &["creds", "c", "--format", "json"], "");
    let cached_id = key_id(&cached, "before sealing");
    bao.ok(&["operator", "seal"]);
    let again = fleet.ask(&host, &["creds", "c", "--format", "json"], "");
    assert_eq!(key_id(&again, "while sealed"), cached_id);
    assert_eq!(
        stdout(&again),
        stdout(&cached),
        "not the cached credentials"
    );
    let cold = fleet.ask(&host, &["creds", "c", "--no-cache"], "");
    assert_exit(&cold, 7, "a cold issuance while sealed");
    assert!(
        stderr(&cold).contains(&format!("vault at {} is sealed", bao.addr())),
        "{}",
        stderr(&cold)
    );
    // Credentials due for a refresh (an hour's, with a margin of an hour) cannot be refreshed
    // while sealed: the cached ones are served while they live, and the broker says why.
    bao.on(
        0,
        &[
            "operator",
            "unseal",
            &bao.unseal_key.clone().expect("a key"),
        ],
    );
    let hour = ["creds", "c", "--duration", "1h", "--format", "json"];
    let before = fleet.ask(&host, &hour, "");
    key_id(&before, "an hour's credentials");
    let calls = fleet.sts.count();
    let again = fleet.ask(&host, &hour, "");
    key_id(&again, "an hour's credentials again");
    assert!(fleet.sts.count() > calls, "they were not due for a refresh");
    bao.ok(&["operator", "seal"]);
    let calls = fleet.sts.count();
    let served = fleet.ask(&host, &hour, "");
    assert_eq!(
        stdout(&served),
        stdout(&again),
        "not the cached credentials"
    );
    assert_eq!(fleet.sts.count(), calls);
    assert!(
        broker.log_text().contains("serving the cached ones"),
        "{}",
        broker.log_text()
    );
    // Unsealed, the same broker issues again.
    bao.on(
        0,
        &[
            "operator",
            "unseal",
            &bao.unseal_key.clone().expect("a key"),
        ],
    );
    assert_eq!(fleet.cold(&host, "unsealed"), keys.access_key_id);
    assert!(!broker.ended(), "the broker stopped");
    let log = broker.log_text();
    assert!(!log.contains(&secret_id), "the broker logged the secret id");
}

#[test]
fn a_cluster_that_loses_its_active_node_serves_again_within_15_s() {
    let mut bao = Bao::cluster();
    let fleet = Fleet::new("vha");
    // Over TLS, as a production cluster: a standby serves (or forwards) at once, with no health
    // check first, so failing over waits for nothing but the connection refused.
    let ca = bao.ca_pem();
    let host = fleet.host(
        "h",
        &format!("{}ca_cert = \"vault-ca.pem\"\n", addresses(&bao)),
        &[("vault-ca.pem", &ca)],
    );
    let keys = put_account(&bao, "acct");
    let token = bao.root_token.clone();
    let mut broker = fleet.start(&host, &[("VAULT_TOKEN", token.as_str())]);
    assert_eq!(fleet.cold(&host, "before"), keys.access_key_id);

    let active = bao.active();
    bao.nodes[active].stop();
    let stopped = Instant::now();
    loop {
        let out = fleet.ask(&host, &["creds", "c", "--format", "json", "--no-cache"], "");
        if out.status.success() {
            assert_eq!(signed_with(&fleet.sts), keys.access_key_id);
            // How long it took, for the README's figure (`--nocapture` shows it).
            #[allow(clippy::print_stderr)]
            {
                eprintln!(
                    "credentials again {} ms after the active node stopped",
                    stopped.elapsed().as_millis()
                );
            }
            break;
        }
        assert_exit(&out, 7, "while the cluster elects a new active node");
        assert!(
            stopped.elapsed() < Duration::from_secs(15),
            "no credentials 15 s after the active node stopped: {}",
            stderr(&out)
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(!broker.ended(), "the broker was restarted");
    // A process of its own, given every address, too.
    let env = TestEnv::with_config(&std::fs::read_to_string(host.config()).unwrap());
    std::fs::write(env.root().join("config/fedaws/vault-ca.pem"), &ca).unwrap();
    ok(
        &env,
        &["creds", "c", "--no-cache"],
        &[("VAULT_TOKEN", token.as_str())],
        "",
    );
}

#[test]
fn two_brokers_share_one_vault_and_a_rotation_through_one_reaches_the_other() {
    let bao = Bao::dev();
    bao.example_policy("fedaws-admin");
    bao.example_policy("fedaws-broker");
    let (admin_role, admin_secret) = bao.approle("admin-host", "fedaws-admin", "1h", "2h");
    let (role, secret) = bao.approle("host", "fedaws-broker", "1h", "2h");
    let fleet = Fleet::new("vtwo");
    let one = fleet.approle_host("one", &bao, &admin_role, &admin_secret);
    let two = fleet.approle_host("two", &bao, &role, &secret);
    let _b1 = fleet.start(&one, &[]);
    let _b2 = fleet.start(&two, &[]);

    let first = KeyPair::new();
    let out = fleet.ask(
        &one,
        &["account", "edit", "acct", "--rotate", "--secret-stdin"],
        &first.stdin(),
    );
    assert!(
        out.status.success(),
        "storing through one: {}",
        stderr(&out)
    );
    assert_eq!(fleet.cold(&two, "two, first key"), first.access_key_id);
    assert_eq!(fleet.cold(&one, "one, first key"), first.access_key_id);

    // The second host cannot change the key: its policy reads only.
    let out = fleet.ask(
        &two,
        &["account", "edit", "acct", "--rotate", "--secret-stdin"],
        &KeyPair::new().stdin(),
    );
    assert_exit(&out, 7, "rotating through a read-only host");

    let second = KeyPair::new();
    let out = fleet.ask(
        &one,
        &["account", "edit", "acct", "--rotate", "--secret-stdin"],
        &second.stdin(),
    );
    assert!(
        out.status.success(),
        "rotating through one: {}",
        stderr(&out)
    );
    assert_eq!(
        fleet.cold(&two, "two, after rotation"),
        second.access_key_id
    );
    let shown: Value = serde_json::from_str(&stdout(&fleet.ask(
        &two,
        &["account", "show", "acct", "--json"],
        "",
    )))
    .expect("account show --json");
    assert_eq!(shown["key_version"], 2, "{shown}");
    assert_eq!(shown["access_key_id"], second.masked_id());
}

/// The secret id file may be systemd's credential, named through `$CREDENTIALS_DIRECTORY`.
#[test]
fn the_secret_id_file_may_be_a_systemd_credential() {
    let bao = Bao::dev();
    bao.example_policy("fedaws-broker");
    let (role_id, secret_id) = bao.approle("cred", "fedaws-broker", "1h", "2h");
    let sts = TestServer::moto_recorder();
    let env = TestEnv::with_config(&local_config(
        &sts,
        &[bao.addr()],
        &format!(
            "auth = \"approle\"\nrole_id = \"{role_id}\"\nsecret_id_file = \"$CREDENTIALS_DIRECTORY/vault-secret-id\"\n"
        ),
    ));
    let creds_dir = env.root().join("credentials");
    std::fs::create_dir(&creds_dir).unwrap();
    chmod(&creds_dir, 0o700);
    let file = creds_dir.join("vault-secret-id");
    std::fs::write(&file, &secret_id).unwrap();
    // systemd's ACL shows as a group read bit.
    chmod(&file, 0o440);
    let keys = put_account(&bao, "acct");
    let text = format!(
        "{}\n[accounts.acct]\n\n[connectors.c]\naccount = \"acct\"\nprincipal = \"iam-user\"\n",
        env.config()
    );
    env.write_config(&text);
    let dir = creds_dir.display().to_string();
    let out = run(
        &env,
        &["creds", "c", "--format", "json", "--no-cache"],
        &[("CREDENTIALS_DIRECTORY", dir.as_str())],
        "",
    );
    key_id(&out, "AppRole through systemd's credential");
    assert_eq!(signed_with(&sts), keys.access_key_id);
}

#[test]
fn a_tls_server_is_trusted_through_its_ca_and_plain_http_only_on_loopback() {
    let bao = Bao::dev_tls();
    let ca = bao.ca.clone().expect("the dev server's CA");
    let sts = TestServer::moto_recorder();
    let env = TestEnv::with_config(&local_config(
        &sts,
        &[bao.addr()],
        &format!("ca_cert = \"{}\"\n", ca.display()),
    ));
    let vars = [("VAULT_TOKEN", bao.root_token.as_str())];
    let (name, keys) = add_account(&env, &bao.root_token, "tls");
    let with_connector = |config: &str| {
        format!("{config}\n[connectors.c]\naccount = \"{name}\"\nprincipal = \"iam-user\"\n")
    };
    let text = with_connector(&env.config());
    env.write_config(&text);
    ok(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_eq!(signed_with(&sts), keys.access_key_id);

    // A CA file others could change is refused.
    chmod(&ca, 0o666);
    let out = run(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_exit(&out, 7, "a CA file anyone can write");
    assert!(
        stderr(&out).contains("CA certificate file"),
        "{}",
        stderr(&out)
    );
    chmod(&ca, 0o644);

    // Without the CA, the server's certificate is not trusted; VAULT_CACERT names it too.
    let without = text.replacen(&format!("ca_cert = \"{}\"\n", ca.display()), "", 1);
    env.write_config(&without);
    let out = run(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_exit(&out, 7, "an untrusted certificate");
    assert!(stderr(&out).contains("certificate"), "{}", stderr(&out));
    let ca_text = ca.display().to_string();
    ok(
        &env,
        &["creds", "c", "--no-cache"],
        &[("VAULT_TOKEN", &bao.root_token), ("VAULT_CACERT", &ca_text)],
        "",
    );

    // Plain http:// to another host would carry the token and the keys in clear.
    let cleartext = without.replacen(bao.addr(), "http://vault.example.com:8200", 1);
    env.write_config(&cleartext);
    let out = run(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_exit(&out, 3, "plain http to another host in the config");
    assert!(
        stderr(&out).contains("vault.addresses") && stderr(&out).contains("unencrypted"),
        "{}",
        stderr(&out)
    );
    let from_env = local_config(&sts, &[], "").replacen("addresses = []\n", "", 1);
    env.write_config(&with_connector(&format!("{from_env}\n[accounts.{name}]\n")));
    let out = run(
        &env,
        &["creds", "c", "--no-cache"],
        &[
            ("VAULT_TOKEN", &bao.root_token),
            ("VAULT_ADDR", "http://vault.example.com:8200"),
        ],
        "",
    );
    assert_exit(&out, 7, "plain http to another host in VAULT_ADDR");
    assert!(
        stderr(&out).contains("VAULT_ADDR") && stderr(&out).contains("unencrypted"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_broker_reads_its_token_file_again_when_its_token_is_refused() {
    let bao = Bao::dev();
    bao.example_policy("fedaws-broker");
    let first = bao.token(&["fedaws-broker"], "1h");
    let fleet = Fleet::new("vfile");
    let host = fleet.host(
        "h",
        &format!("{}token_file = \"vault-token\"\n", addresses(&bao)),
        &[("vault-token", &first)],
    );
    let keys = put_account(&bao, "acct");
    let mut broker = fleet.start(&host, &[]);
    assert_eq!(fleet.cold(&host, "first token"), keys.access_key_id);

    // A new token in the file (as a Vault Agent's sink writes it), the old one revoked.
    let second = bao.token(&["fedaws-broker"], "1h");
    std::fs::write(host.root.join("etc/vault-token"), &second).expect("replace the token");
    bao.ok(&["token", "revoke", &first]);
    assert_eq!(fleet.cold(&host, "second token"), keys.access_key_id);

    // Revoked with nothing new: the broker says so in its log, and a cold issuance is exit 7.
    bao.ok(&["token", "revoke", &second]);
    broker.wait_for_log("does not accept fedaws's token", Duration::from_secs(15));
    let out = fleet.ask(&host, &["creds", "c", "--no-cache"], "");
    assert_exit(&out, 7, "a revoked token");
    let log = broker.log_text();
    assert!(
        !log.contains(&first) && !log.contains(&second),
        "the broker logged a token"
    );
}

#[test]
fn a_namespace_keeps_the_accounts_in_it() {
    let bao = Bao::dev();
    bao.ok(&["namespace", "create", "team"]);
    bao.ok(&[
        "secrets",
        "enable",
        "-namespace=team",
        "-path=secret",
        "kv-v2",
    ]);
    let sts = TestServer::moto_recorder();
    let env = TestEnv::with_config(&local_config(&sts, &[bao.addr()], "namespace = \"team\"\n"));
    let (name, keys) = add_account(&env, &bao.root_token, "ns");
    let path = format!("secret/fedaws/accounts/{name}");
    let stored = bao.json(&["kv", "get", "-namespace=team", "-format=json", &path]);
    assert_eq!(stored["data"]["data"]["access_key_id"], keys.access_key_id);
    let root = bao.run_on(0, &["kv", "get", &path], "");
    assert!(
        !root.status.success(),
        "the account is in the root namespace"
    );
    let text = format!(
        "{}\n[connectors.c]\naccount = \"{name}\"\nprincipal = \"iam-user\"\n",
        env.config()
    );
    env.write_config(&text);
    let vars = [("VAULT_TOKEN", bao.root_token.as_str())];
    ok(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_eq!(signed_with(&sts), keys.access_key_id);
}

#[test]
fn a_rotation_through_a_broker_replaces_the_key_in_vault_for_administrators_only() {
    let bao = Bao::dev();
    bao.example_policy("fedaws-admin");
    let (role, secret) = bao.approle("rotator", "fedaws-admin", "1h", "2h");
    let fleet = Fleet::new("vrot");
    let host = fleet.approle_host("h", &bao, &role, &secret);
    let user = crate::rotate::IamUser::create("vrot");
    let _broker = fleet.start(&host, &[]);
    let out = fleet.ask(
        &host,
        &["account", "edit", "acct", "--rotate", "--secret-stdin"],
        &user.first.stdin(),
    );
    assert!(out.status.success(), "storing the key: {}", stderr(&out));

    // Someone who is not an administrator may not.
    let outsider = User::create("vrotout", &[]);
    outsider.own_tree();
    let socket = host.socket();
    let out = outsider.run(&["--broker", &socket, "account", "rotate", "acct"]);
    assert_exit(&out, 4, "a rotation by a non-administrator");
    assert_eq!(user.keys().len(), 1, "IAM was touched");

    let out = fleet.ask(&host, &["account", "rotate", "acct"], "");
    assert!(out.status.success(), "rotate: {}", stderr(&out));
    let keys = user.keys();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let new = keys[0].0.clone();
    assert_ne!(new, user.first.access_key_id);
    let stored = bao.json(&["kv", "get", "-format=json", "secret/fedaws/accounts/acct"]);
    assert_eq!(stored["data"]["data"]["access_key_id"], new.as_str());
    assert!(stored["data"]["data"]["rotation"].is_null(), "{stored}");
    assert!(
        stored["data"]["metadata"]["version"]
            .as_u64()
            .is_some_and(|v| v > 1),
        "{stored}"
    );
    assert_eq!(fleet.cold(&host, "after the rotation"), new);
    let shown: Value = serde_json::from_str(&stdout(&fleet.ask(
        &host,
        &["account", "show", "acct", "--json"],
        "",
    )))
    .expect("account show --json");
    assert!(shown["key_created"].is_string(), "{shown}");

    let audit = std::fs::read_to_string(host.root.join("state/audit.jsonl")).unwrap_or_default();
    let rotations: Vec<Value> = audit
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["action"] == "account rotate acct")
        .collect();
    assert_eq!(rotations.len(), 2, "{rotations:?}");
    assert_eq!(rotations[0]["outcome"], "denied");
    assert_eq!(rotations[1]["step"], "done");
    assert_eq!(rotations[1]["account"], "acct");
}

#[test]
fn check_warns_of_keys_older_than_max_key_age() {
    let bao = Bao::dev();
    let sts = TestServer::moto_recorder();
    let env = TestEnv::with_config(&local_config(&sts, &[bao.addr()], ""));
    let text = env
        .config()
        .replacen("[settings]\n", "[settings]\nmax_key_age = \"30d\"\n", 1);
    env.write_config(&format!("{text}\n[accounts.old]\n"));
    let keys = KeyPair::new();
    bao.ok(&[
        "kv",
        "put",
        "secret/fedaws/accounts/old",
        &format!("access_key_id={}", keys.access_key_id),
        &format!("secret_access_key={}", keys.secret_access_key),
        "key_created=2026-01-01T00:00:00Z",
    ]);
    // What fedaws keeps beside it, as when it stored the key early in the year.
    bao.ok(&[
        "kv",
        "metadata",
        "put",
        &format!("-custom-metadata=access_key_id={}", keys.access_key_id),
        "-custom-metadata=key_created=2026-01-01T00:00:00Z",
        "-custom-metadata=version=1",
        "secret/fedaws/accounts/old",
    ]);
    let vars = [("VAULT_TOKEN", bao.root_token.as_str())];
    let report = ok(&env, &["check"], &vars, "");
    assert!(
        report.contains("warning: account `old`: its access key")
            && report.contains("days old, past settings.max_key_age (30d)")
            && report.contains("fedaws account rotate old"),
        "{report}"
    );
    let shown: Value =
        serde_json::from_str(&ok(&env, &["account", "show", "old", "--json"], &vars, "")).unwrap();
    assert_eq!(shown["key_created"], "2026-01-01T00:00:00Z", "{shown}");
    assert!(
        shown["key_age_seconds"]
            .as_i64()
            .is_some_and(|s| s > 30 * 86_400),
        "{shown}"
    );
}

/// A listener on a loopback port that answers every request `503 {"errors": ["standby"]}`, as
/// another local user could after binding the port of a Vault that lists it, and keeps every
/// request it receives, as it came.
struct Squatter {
    addr: String,
    heard: Arc<Mutex<Vec<String>>>,
}

impl Squatter {
    fn start() -> Squatter {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = format!("http://{}", listener.local_addr().expect("its address"));
        let heard = Arc::new(Mutex::new(Vec::new()));
        let keep = Arc::clone(&heard);
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let request = read_request(&mut conn);
                keep.lock().expect("the squatter's record").push(request);
                let body = r#"{"errors":["standby"]}"#;
                let _ = write!(
                    conn,
                    "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Squatter { addr, heard }
    }

    /// Every request so far.
    fn heard(&self) -> Vec<String> {
        self.heard.lock().expect("the squatter's record").clone()
    }
}

/// One request's head and body (by its content-length), as text.
fn read_request(conn: &mut impl Read) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let wanted = |buf: &[u8]| {
        let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |n| n.trim().parse().unwrap_or(0));
        Some(end + 4 + length)
    };
    while wanted(&buf).is_none_or(|n| buf.len() < n) {
        match conn.read(&mut chunk) {
            Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

#[test]
fn a_squatter_answering_standby_before_the_dev_server_is_told_nothing() {
    let bao = Bao::dev();
    bao.example_policy("fedaws-broker");
    let (role_id, secret_id) = bao.approle("squat", "fedaws-broker", "1h", "2h");
    let squatter = Squatter::start();
    let sts = TestServer::moto_recorder();
    let approle =
        format!("auth = \"approle\"\nrole_id = \"{role_id}\"\nsecret_id_file = \"secret-id\"\n");
    let env = TestEnv::with_config(&local_config(&sts, &[&squatter.addr, bao.addr()], &approle));
    let secret_file = env.root().join("config/fedaws/secret-id");
    std::fs::write(&secret_file, &secret_id).unwrap();
    chmod(&secret_file, 0o600);
    let keys = put_account(&bao, "acct");
    let connector =
        "\n[accounts.acct]\n\n[connectors.c]\naccount = \"acct\"\nprincipal = \"iam-user\"\n";
    let text = format!("{}{connector}", env.config());
    env.write_config(&text);

    // An AppRole login and a read with its token, both from the dev server.
    let out = run(
        &env,
        &["creds", "c", "--format", "json", "--no-cache"],
        &[],
        "",
    );
    key_id(&out, "AppRole, past the squatter");
    assert_eq!(signed_with(&sts), keys.access_key_id);
    assert_eq!(bao.answered("auth/approle/login"), 1);
    // A token of the environment, too.
    env.write_config(&text.replacen(&approle, "", 1));
    let out = run(
        &env,
        &["creds", "c", "--format", "json", "--no-cache"],
        &[("VAULT_TOKEN", bao.root_token.as_str())],
        "",
    );
    key_id(&out, "a token, past the squatter");

    // Asked for its health in each command, and told nothing.
    let heard = squatter.heard();
    assert_eq!(heard.len(), 2, "{heard:#?}");
    for request in &heard {
        let lower = request.to_ascii_lowercase();
        assert!(
            request.starts_with("GET /v1/sys/health HTTP/1.1\r\n")
                && !lower.contains("x-vault-token")
                && !request.contains(&secret_id)
                && !request.contains(&role_id)
                && !request.contains(&bao.root_token),
            "the squatter was told something: {request:?}"
        );
    }
}

#[test]
fn plain_http_is_refused_without_insecure_http_and_check_warns_when_it_is_on() {
    let bao = Bao::dev();
    let sts = TestServer::moto_recorder();
    let env = TestEnv::with_config(&local_config(&sts, &[bao.addr()], ""));
    let vars = [("VAULT_TOKEN", bao.root_token.as_str())];
    let (name, keys) = add_account(&env, &bao.root_token, "plain");
    let text = format!(
        "{}\n[connectors.c]\naccount = \"{name}\"\nprincipal = \"iam-user\"\n",
        env.config()
    );
    env.write_config(&text);
    ok(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_eq!(signed_with(&sts), keys.access_key_id);
    let report = ok(&env, &["check"], &vars, "");
    assert!(
        report.contains("warning: ")
            && report.contains("settings: vault.insecure_http")
            && report.contains("any local user who binds the port first"),
        "{report}"
    );

    // Without it: refused before anything is sent, naming the field, the value and the fix.
    let before = bao.audited();
    env.write_config(&text.replacen("insecure_http = true\n", "", 1));
    let out = run(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_exit(&out, 3, "plain http without insecure_http");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "vault.addresses = \"{}\": is plain http://",
            bao.addr()
        )) && err.contains("set settings.vault.insecure_http = true"),
        "{err}"
    );
    // From VAULT_ADDR: the same, naming it.
    let from_env = local_config(&sts, &[], "").replacen("addresses = []\n", "", 1);
    env.write_config(&format!(
        "{from_env}\n[accounts.{name}]\n\n[connectors.c]\naccount = \"{name}\"\nprincipal = \"iam-user\"\n"
    ));
    let out = run(
        &env,
        &["creds", "c", "--no-cache"],
        &[("VAULT_TOKEN", &bao.root_token), ("VAULT_ADDR", bao.addr())],
        "",
    );
    assert_exit(&out, 7, "plain http in VAULT_ADDR without insecure_http");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("VAULT_ADDR = \"{}\" is plain http://", bao.addr()))
            && err.contains("settings.vault.insecure_http = true"),
        "{err}"
    );
    assert_lacks(&out, &bao.root_token, "the token");
    assert_eq!(bao.audited(), before, "a request reached the server");
}

#[test]
fn accounts_are_kept_and_issued_over_a_unix_socket_in_directories_only_root_can_change() {
    let bao = Bao::dev_unix(None);
    let socket = bao.socket.clone().expect("the dev server's socket");
    let run_dir = socket
        .parent()
        .expect("the socket's directory")
        .to_path_buf();
    let sts = TestServer::moto_recorder();
    let env = TestEnv::with_config(&local_config(&sts, &[&bao.socket_addr()], ""));
    let vars = [("VAULT_TOKEN", bao.root_token.as_str())];
    let (name, keys) = add_account(&env, &bao.root_token, "sock");
    let stored = bao.json(&[
        "kv",
        "get",
        "-format=json",
        &format!("secret/fedaws/accounts/{name}"),
    ]);
    assert_eq!(stored["data"]["data"]["access_key_id"], keys.access_key_id);
    let text = format!(
        "{}\n[connectors.c]\naccount = \"{name}\"\nprincipal = \"iam-user\"\n",
        env.config()
    );
    env.write_config(&text);
    ok(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_eq!(signed_with(&sts), keys.access_key_id);
    let report = ok(&env, &["check"], &vars, "");
    assert!(!report.contains("insecure_http"), "{report}");

    // A directory anyone may write: another socket could be put in its place. Nothing is sent.
    let before = bao.audited();
    chmod(&run_dir, 0o777);
    let out = run(&env, &["creds", "c", "--no-cache"], &vars, "");
    assert_exit(&out, 7, "a socket in a directory anyone may write");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}: the directory {} above it",
            bao.socket_addr(),
            run_dir.display()
        )) && err.contains("nothing was sent")
            && err.contains(&format!("chmod go-w {}", run_dir.display())),
        "{err}"
    );
    assert_lacks(&out, &bao.root_token, "the token");
    assert_eq!(bao.audited(), before, "a request reached the server");

    // Sticky and root's, like /tmp: nobody else can remove or rename root's socket there.
    chmod(&run_dir, 0o1777);
    ok(&env, &["creds", "c", "--no-cache"], &vars, "");
}

#[test]
fn a_broker_reads_over_a_socket_made_as_its_user_and_root_refuses_that_socket() {
    let fleet = Fleet::new("vsck");
    let bao = Bao::dev_unix(Some((fleet.svc.uid, fleet.svc.gid)));
    let socket = bao.socket.clone().expect("the dev server's socket");
    bao.example_policy("fedaws-broker");
    let (role_id, secret_id) = bao.approle("sock", "fedaws-broker", "1h", "2h");
    let host = fleet.host(
        "h",
        &format!(
            "addresses = [\"{}\"]\nauth = \"approle\"\nrole_id = \"{role_id}\"\nsecret_id_file = \"secret-id\"\n",
            bao.socket_addr()
        ),
        &[("secret-id", &secret_id)],
    );
    let keys = put_account(&bao, "acct");
    let broker = fleet.start(&host, &[]);
    assert_eq!(fleet.cold(&host, "over the socket"), keys.access_key_id);
    assert_eq!(bao.answered("auth/approle/login"), 1);
    assert!(
        !broker.log_text().contains(&secret_id),
        "the broker logged the secret id"
    );

    // Root's own fedaws: the socket is the service user's, not root's. Nothing is sent.
    let before = bao.audited();
    let sts = TestServer::moto_recorder();
    let env = TestEnv::with_config(&format!(
        "{}\n[accounts.acct]\n\n[connectors.c]\naccount = \"acct\"\nprincipal = \"iam-user\"\n",
        local_config(&sts, &[&bao.socket_addr()], "")
    ));
    let out = run(
        &env,
        &["creds", "c", "--no-cache"],
        &[("VAULT_TOKEN", bao.root_token.as_str())],
        "",
    );
    assert_exit(&out, 7, "a socket of another user");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}: {} is owned by {}",
            bao.socket_addr(),
            socket.display(),
            fleet.svc.name
        )) && err.contains("not by root")
            && err.contains("nothing was sent")
            && err.contains("socket_user = \"root\""),
        "{err}"
    );
    assert_lacks(&out, &bao.root_token, "the token");
    assert_eq!(bao.audited(), before, "a request reached the server");
    assert_eq!(sts.count(), 0, "STS was called without a key");
}
