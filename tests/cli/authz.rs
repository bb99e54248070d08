//! Authorization and the audit log, with real Unix users and groups: OS group members, config
//! group members, administrators (by name and by group), outsiders and `--system` callers, each
//! a user made with `useradd` (its OS groups from `/etc/group` through `setpriv --init-groups`),
//! with its own HOME and XDG tree, its own copy of the test's config, and its own key pair in its
//! own kernel user keyring, against moto behind a recording forwarder.
//!
//! Every `creds` call is checked three ways: what it printed and how it exited, how many requests
//! reached STS (a denial reaches none), and the one line it appended to the caller's
//! `$XDG_STATE_HOME/fedaws/audit.jsonl`.
//!
//! These tests need root (to run `useradd`, `groupadd` and `setpriv`); without it they fail and
//! say how to run them.

use std::os::unix::fs::PermissionsExt;

use std::process::Stdio;

use serde_json::Value;

use crate::common::{contains, stderr, stdout, unique};
use crate::sts_server::{Recorded, TestServer, answered};
use crate::users::{OsGroup, User, must, os_name, require_root};

/// One connector of the test config.
struct Conn {
    name: &'static str,
    principal: &'static str,
    groups: Vec<String>,
    system_scope: bool,
}

impl Conn {
    fn new(name: &'static str, principal: &'static str, groups: &[&str]) -> Conn {
        Conn {
            name,
            principal,
            groups: groups.iter().map(|g| g.to_string()).collect(),
            system_scope: false,
        }
    }

    fn system(mut self) -> Conn {
        self.system_scope = true;
        self
    }

    fn toml(&self) -> String {
        let mut s = format!(
            "[connectors.{}]\naccount = \"{{account}}\"\nprincipal = \"{}\"\n",
            self.name, self.principal
        );
        if self.principal == "assume-role" {
            s.push_str("role_arn = \"arn:aws:iam::123456789012:role/AuthzTest\"\n");
        }
        if !self.groups.is_empty() {
            let quoted: Vec<String> = self.groups.iter().map(|g| format!("\"{g}\"")).collect();
            s.push_str(&format!("groups = [{}]\n", quoted.join(", ")));
        }
        if self.system_scope {
            s.push_str("system_scope = true\n");
        }
        s
    }
}

/// The test's config (settings, connectors, config groups) and the STS recorder in front of
/// moto. Every user gets its own copy, with the same account name and its own key pair.
struct Site {
    sts: TestServer,
    account: String,
    settings: String,
    tables: String,
    conns: Vec<Conn>,
}

impl Site {
    /// `settings` are extra `[settings]` lines (admins, admin_groups…); `groups` the `[groups]`
    /// table.
    fn new(settings: &str, conns: Vec<Conn>, groups: &[(&str, &[&str])]) -> Site {
        require_root();
        let sts = TestServer::moto_recorder();
        let account = unique("authz");
        let settings = format!(
            "[settings]\nkeyring = \"keyutils\"\nregion = \"us-east-1\"\nsts_endpoint = \"{}\"\n{settings}",
            sts.url()
        );
        let mut tables: String = conns.iter().map(|c| c.toml() + "\n").collect();
        if !groups.is_empty() {
            tables.push_str("[groups]\n");
            for (g, members) in groups {
                let quoted: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
                tables.push_str(&format!("\"{g}\" = [{}]\n", quoted.join(", ")));
            }
        }
        Site {
            sts,
            account,
            settings,
            tables,
            conns,
        }
    }

    /// Give `user` its copy of the config (owned by it) and store its key pair in its keyring.
    fn enrol(&self, user: &User) {
        user.env.write_config(&self.settings);
        user.own_tree();
        let out = user.run_stdin(
            &["account", "add", &self.account, "--secret-stdin"],
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
        text.push_str(&self.tables.replace("{account}", &self.account));
        user.env.write_config(&text);
    }

    fn conn(&self, name: &str) -> &Conn {
        self.conns
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no connector {name} in the test config"))
    }

    /// Fail when the audit log is not private, or any audit file of `user` holds a secret: the
    /// account's secret access key, its long-term key id, or a secret moto handed out.
    fn assert_audit_private(&self, user: &User) {
        let path = user.audit_path();
        let mode = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "{}'s audit log {} has mode {:o}",
            user.name,
            path.display(),
            mode & 0o777
        );
        let mut secrets = vec![
            (
                user.keys.secret_access_key.clone(),
                "the account's secret access key",
            ),
            (
                user.keys.access_key_id.clone(),
                "the account's long-term access key id",
            ),
        ];
        for s in self.sts.issued_secrets() {
            secrets.push((s, "a temporary secret or session token from STS"));
        }
        let dir = path.parent().expect("a directory").to_path_buf();
        let mut files = 0;
        for entry in std::fs::read_dir(&dir)
            .expect("read the state directory")
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !(name.starts_with("audit") && name.ends_with(".jsonl")) {
                continue;
            }
            files += 1;
            let bytes = std::fs::read(entry.path()).expect("read an audit file");
            for (secret, what) in &secrets {
                assert!(
                    !contains(&bytes, secret.as_bytes()),
                    "{what} ({}…) is in {}:\n{}",
                    &secret[..secret.len().min(8)],
                    entry.path().display(),
                    String::from_utf8_lossy(&bytes)
                );
            }
        }
        assert!(files > 0, "no audit file in {}", dir.display());
    }
}

/// What a `creds` call is expected to do.
#[derive(Clone, Copy)]
enum Expect<'a> {
    /// New credentials from STS (one request), allowed because of `grant` (its display text).
    Issued(&'a str),
    /// Credentials from the cache (no request).
    Cached(&'a str),
    /// Exit 4, no request, stderr holding each of the strings.
    Denied(&'a [&'a str]),
}

/// `fedaws creds CONNECTOR --format json EXTRA…` as `user`, checked against `expect`: exit code,
/// output, STS requests, and the one audit line it must append. Returns the printed credentials
/// (allowed calls) and the STS request it made (issued ones).
fn creds(
    site: &Site,
    user: &User,
    connector: &str,
    extra: &[&str],
    expect: Expect<'_>,
) -> (Option<Value>, Option<Recorded>) {
    let mut args = vec!["creds", connector, "--format", "json"];
    args.extend_from_slice(extra);
    let step = format!("fedaws {} (as {})", args.join(" "), user.name);
    let requests_before = site.sts.count();
    let lines_before = user.audit().len();
    let out = user.run(&args);
    let lines = user.audit();
    assert_eq!(
        lines.len(),
        lines_before + 1,
        "`{step}` did not append exactly one audit line: {lines:#?}"
    );
    let event = lines.last().expect("an audit line").clone();
    let system = extra.contains(&"--system");
    let conn = site.conn(connector);
    assert_eq!(event["user"], user.name.as_str(), "`{step}`: {event}");
    assert_eq!(event["uid"], user.uid, "`{step}`: {event}");
    assert_eq!(event["system"], system, "`{step}`: {event}");
    assert_eq!(event["connector"], connector, "`{step}`: {event}");
    assert_eq!(event["principal"], conn.principal, "`{step}`: {event}");
    assert_eq!(event["account"], site.account.as_str(), "`{step}`: {event}");
    let time = event["time"].as_str().unwrap_or_default();
    assert!(
        time.ends_with('Z') && time.contains('T'),
        "`{step}`: the audit time is not RFC 3339 UTC: {event}"
    );
    match expect {
        Expect::Issued(grant) | Expect::Cached(grant) => {
            assert!(
                out.status.success(),
                "`{step}` failed ({}):\n{}",
                out.status,
                stderr(&out)
            );
            let printed: Value = serde_json::from_str(&stdout(&out))
                .unwrap_or_else(|e| panic!("`{step}`: stdout is not JSON ({e})"));
            let issued = matches!(expect, Expect::Issued(_));
            assert_eq!(
                site.sts.count(),
                requests_before + usize::from(issued),
                "`{step}`: STS requests"
            );
            let outcome = if issued { "issued" } else { "cached" };
            assert_eq!(event["outcome"], outcome, "`{step}`: {event}");
            assert_eq!(event["grant"], grant, "`{step}`: {event}");
            assert_eq!(
                event["access_key_id"], printed["AccessKeyId"],
                "`{step}`: the audit line's access_key_id is not the one printed"
            );
            assert_eq!(
                event["expiration"], printed["Expiration"],
                "`{step}`: the audit line's expiration is not the one printed"
            );
            assert!(event["duration"].is_u64(), "`{step}`: no duration: {event}");
            for field in ["error", "error_kind"] {
                assert!(
                    event.get(field).is_none_or(Value::is_null),
                    "`{step}`: {field} on a success: {event}"
                );
            }
            let request = issued.then(|| {
                let request = site.sts.requests().pop().expect("a request");
                let (id, _, _) = answered(&request);
                assert_eq!(
                    printed["AccessKeyId"],
                    id.as_str(),
                    "`{step}`: not what STS answered"
                );
                assert!(
                    request.headers.iter().any(|(k, v)| k == "authorization"
                        && v.contains(&format!("Credential={}/", user.keys.access_key_id))),
                    "`{step}`: the request was not signed with {}'s own keys",
                    user.name
                );
                request
            });
            (Some(printed), request)
        }
        Expect::Denied(naming) => {
            assert_eq!(
                out.status.code(),
                Some(4),
                "`{step}` should be denied with exit 4; stdout:\n{}\nstderr:\n{}",
                stdout(&out),
                stderr(&out)
            );
            assert!(
                out.stdout.is_empty(),
                "`{step}` was denied but printed:\n{}",
                stdout(&out)
            );
            let err = stderr(&out);
            for s in naming {
                assert!(
                    err.contains(s),
                    "`{step}`: stderr does not name {s}:\n{err}"
                );
            }
            assert_eq!(
                site.sts.count(),
                requests_before,
                "`{step}` was denied but reached STS"
            );
            assert_eq!(event["outcome"], "denied", "`{step}`: {event}");
            assert_eq!(event["error_kind"], "denied", "`{step}`: {event}");
            assert!(
                event["error"]
                    .as_str()
                    .is_some_and(|e| e.contains(connector)),
                "`{step}`: the audit error does not name the connector: {event}"
            );
            for field in ["grant", "access_key_id", "expiration"] {
                assert!(
                    event.get(field).is_none_or(Value::is_null),
                    "`{step}`: {field} on a denial: {event}"
                );
            }
            (None, None)
        }
    }
}

/// The `why` and `usable` of `connector` in a `whoami --json` report.
fn whoami_row(report: &Value, connector: &str) -> (bool, String) {
    let row = report["connectors"]
        .as_array()
        .unwrap_or_else(|| panic!("whoami has no connectors array: {report}"))
        .iter()
        .find(|r| r["name"] == connector)
        .unwrap_or_else(|| panic!("whoami does not list {connector}: {report}"));
    (
        row["usable"]
            .as_bool()
            .unwrap_or_else(|| panic!("usable is not a boolean: {row}")),
        row["why"].as_str().unwrap_or_default().to_string(),
    )
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

#[test]
fn os_group_member_may_use_its_groups_connector() {
    let dev = OsGroup::create("dev");
    let other = OsGroup::create("oth");
    let site = Site::new(
        "",
        vec![
            Conn::new("dev", "assume-role", &[&other.name, &dev.name]),
            Conn::new("theirs", "assume-role", &[&other.name]),
            Conn::new("admin-only", "iam-user", &[]),
        ],
        &[],
    );
    let user = User::create("osm", &[&dev]);
    site.enrol(&user);

    let report = user.whoami(false);
    let why = format!("OS group {}", dev.name);
    assert_eq!(whoami_row(&report, "dev"), (true, why.clone()), "{report}");
    assert!(
        strings(&report["os_groups"]).contains(&dev.name),
        "{report}"
    );
    assert!(
        user.ok(&["whoami"]).contains(&why),
        "whoami does not say why"
    );

    let (first, _) = creds(&site, &user, "dev", &[], Expect::Issued(&why));
    let (again, _) = creds(&site, &user, "dev", &[], Expect::Cached(&why));
    assert_eq!(first, again, "the cached call printed other credentials");
    creds(
        &site,
        &user,
        "theirs",
        &[],
        Expect::Denied(&["theirs", &other.name]),
    );
    creds(
        &site,
        &user,
        "admin-only",
        &[],
        Expect::Denied(&["admin-only", "only administrators"]),
    );
    site.assert_audit_private(&user);
}

#[test]
fn config_group_member_may_use_its_groups_connector() {
    let cfg = os_name("cfg");
    let site = Site::new(
        "",
        vec![
            Conn::new("team", "federated-user", &[&cfg]),
            Conn::new("elsewhere", "federated-user", &["nobody-here"]),
            Conn::new("admin-only", "iam-user", &[]),
        ],
        &[(&cfg, &[&os_name("cfm")]), ("nobody-here", &[])],
    );
    let user = User::create("cfm", &[]);
    site.enrol(&user);

    let report = user.whoami(false);
    let why = format!("config group {cfg}");
    assert_eq!(whoami_row(&report, "team"), (true, why.clone()), "{report}");
    assert_eq!(
        strings(&report["config_groups"]),
        vec![cfg.clone()],
        "{report}"
    );
    assert!(
        !strings(&report["os_groups"]).contains(&cfg),
        "a config group is listed as an OS group: {report}"
    );

    let (_, request) = creds(&site, &user, "team", &[], Expect::Issued(&why));
    let request = request.expect("a request");
    assert_eq!(request.action(), "GetFederationToken");
    assert_eq!(
        request.param("Name").as_deref(),
        Some(user.name.as_str()),
        "the federated user is not named after the caller"
    );
    creds(&site, &user, "team", &[], Expect::Cached(&why));
    creds(
        &site,
        &user,
        "elsewhere",
        &[],
        Expect::Denied(&["elsewhere", "nobody-here"]),
    );
    creds(
        &site,
        &user,
        "admin-only",
        &[],
        Expect::Denied(&["only administrators"]),
    );
    site.assert_audit_private(&user);
}

#[test]
fn administrators_may_use_every_connector() {
    let ops = OsGroup::create("ops");
    let dev = OsGroup::create("adv");
    let cfg_ops = os_name("cop");
    let site = Site::new(
        &format!(
            "admins = [\"{}\"]\nadmin_groups = [\"{}\", \"{cfg_ops}\"]\n",
            os_name("adm"),
            ops.name
        ),
        vec![
            Conn::new("dev", "assume-role", &[&dev.name]),
            Conn::new("fed", "federated-user", &["some-config-group"]),
            Conn::new("admin-only", "iam-user", &[]),
        ],
        &[("some-config-group", &[]), (&cfg_ops, &[&os_name("acg")])],
    );
    let by_name = User::create("adm", &[]);
    let by_os_group = User::create("agm", &[&ops]);
    let by_config_group = User::create("acg", &[]);
    let cases = [
        (&by_name, "administrator (settings.admins)".to_string()),
        (
            &by_os_group,
            format!(
                "administrator (OS group {} is in settings.admin_groups)",
                ops.name
            ),
        ),
        (
            &by_config_group,
            format!("administrator (config group {cfg_ops} is in settings.admin_groups)"),
        ),
    ];
    for (user, why) in &cases {
        site.enrol(user);
        let report = user.whoami(false);
        assert_eq!(report["administrator"], true, "{}: {report}", user.name);
        for conn in ["dev", "fed", "admin-only"] {
            assert_eq!(
                whoami_row(&report, conn),
                (true, why.clone()),
                "{}: {report}",
                user.name
            );
            creds(&site, user, conn, &[], Expect::Issued(why));
            creds(&site, user, conn, &[], Expect::Cached(why));
        }
        site.assert_audit_private(user);
    }
}

#[test]
fn outsider_is_denied_without_reaching_sts_or_the_cache() {
    let dev = OsGroup::create("odv");
    let cfg = os_name("ocf");
    let site = Site::new(
        &format!("admins = [\"{}\"]\n", os_name("oad")),
        vec![
            Conn::new("dev", "assume-role", &[&dev.name, &cfg]),
            Conn::new("fed", "federated-user", &[&cfg]),
            Conn::new("admin-only", "iam-user", &[]),
        ],
        &[(&cfg, &[&os_name("oad")])],
    );
    let outsider = User::create("out", &[]);
    site.enrol(&outsider);

    let report = outsider.whoami(false);
    assert_eq!(report["administrator"], false, "{report}");
    for (conn, why) in [
        ("dev", format!("granted to {}, {cfg}", dev.name)),
        ("fed", format!("granted to {cfg}")),
        ("admin-only", "administrators only".to_string()),
    ] {
        assert_eq!(whoami_row(&report, conn), (false, why), "{report}");
    }

    for _ in 0..2 {
        creds(
            &site,
            &outsider,
            "dev",
            &[],
            Expect::Denied(&["dev", &dev.name, &cfg]),
        );
        creds(
            &site,
            &outsider,
            "fed",
            &["--no-cache"],
            Expect::Denied(&[&cfg]),
        );
        creds(
            &site,
            &outsider,
            "admin-only",
            &["--duration", "1h"],
            Expect::Denied(&["only administrators"]),
        );
    }
    assert_eq!(site.sts.count(), 0, "a denied call reached STS");
    assert_eq!(
        outsider.cache_entries(),
        Vec::<Value>::new(),
        "a denied call left a cache entry"
    );
    let keyring = outsider.keyring();
    assert!(
        !keyring.contains("fedaws-cache"),
        "the outsider's keyring holds a cache entry:\n{keyring}"
    );
    let lines = outsider.audit();
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert!(lines.iter().all(|l| l["outcome"] == "denied"), "{lines:#?}");
    site.assert_audit_private(&outsider);

    // The same calls by the administrator on a copy of the same config: allowed.
    let admin = User::create("oad", &[]);
    site.enrol(&admin);
    creds(
        &site,
        &admin,
        "dev",
        &[],
        Expect::Issued("administrator (settings.admins)"),
    );
    assert_eq!(site.sts.count(), 1);
    site.assert_audit_private(&admin);
}

#[test]
fn system_callers_only_on_connectors_with_system_scope() {
    let site = Site::new(
        &format!(
            "admins = [\"{}\"]\nsystem_users = [\"{}\"]\n",
            os_name("sad"),
            os_name("sys")
        ),
        vec![
            Conn::new("sys-role", "assume-role", &[]).system(),
            Conn::new("sys-fed", "federated-user", &[]).system(),
            Conn::new("plain", "assume-role", &[]),
        ],
        &[],
    );
    let batch = User::create("sys", &[]);
    site.enrol(&batch);

    let report = batch.whoami(true);
    assert_eq!(report["system"], true, "{report}");
    assert_eq!(
        whoami_row(&report, "sys-role"),
        (true, "system scope".to_string())
    );
    assert_eq!(
        whoami_row(&report, "plain"),
        (false, "no system scope".to_string())
    );
    assert!(
        !whoami_row(&batch.whoami(false), "sys-role").0,
        "whoami lets a plain call use sys-role"
    );

    let (_, request) = creds(
        &site,
        &batch,
        "sys-role",
        &["--system"],
        Expect::Issued("system scope"),
    );
    let request = request.expect("a request");
    assert_eq!(request.action(), "AssumeRole");
    assert_eq!(
        request.param("RoleSessionName").as_deref(),
        Some("fedaws-system"),
        "a --system call is not named settings.system_identity (default fedaws-system)"
    );
    creds(
        &site,
        &batch,
        "sys-role",
        &["--system"],
        Expect::Cached("system scope"),
    );
    let (_, request) = creds(
        &site,
        &batch,
        "sys-fed",
        &["--system"],
        Expect::Issued("system scope"),
    );
    let request = request.expect("a request");
    assert_eq!(request.action(), "GetFederationToken");
    assert_eq!(request.param("Name").as_deref(), Some("fedaws-system"));
    // Without --system the same user may not use it: it is for administrators only.
    creds(
        &site,
        &batch,
        "sys-role",
        &[],
        Expect::Denied(&["only administrators"]),
    );
    creds(
        &site,
        &batch,
        "plain",
        &["--system"],
        Expect::Denied(&["plain", "system scope"]),
    );

    // An administrator too is denied --system on a connector without system scope, and a plain
    // call of theirs is named after them, not the system identity.
    let admin = User::create("sad", &[]);
    site.enrol(&admin);
    creds(
        &site,
        &admin,
        "plain",
        &["--system"],
        Expect::Denied(&["plain", "system scope"]),
    );
    let (_, request) = creds(
        &site,
        &admin,
        "plain",
        &[],
        Expect::Issued("administrator (settings.admins)"),
    );
    assert_eq!(
        request
            .expect("a request")
            .param("RoleSessionName")
            .as_deref(),
        Some(admin.name.as_str())
    );

    // settings.system_identity names --system calls.
    let config = batch.env.config();
    batch.env.write_config(&config.replacen(
        "[settings]\n",
        "[settings]\nsystem_identity = \"fa-batch-runner\"\n",
        1,
    ));
    let (_, request) = creds(
        &site,
        &batch,
        "sys-role",
        &["--system", "--no-cache"],
        Expect::Issued("system scope"),
    );
    assert_eq!(
        request
            .expect("a request")
            .param("RoleSessionName")
            .as_deref(),
        Some("fa-batch-runner")
    );
    site.assert_audit_private(&batch);
    site.assert_audit_private(&admin);
}

#[test]
fn parallel_issuances_leave_one_whole_audit_line_each() {
    const CALLS: usize = 200;
    let site = Site::new(
        &format!("admins = [\"{}\"]\n", os_name("par")),
        vec![
            Conn::new("p-role", "assume-role", &[]),
            Conn::new("p-fed", "federated-user", &[]),
            Conn::new("p-user", "iam-user", &[]),
            Conn::new("p-role2", "assume-role", &[]),
        ],
        &[],
    );
    let user = User::create("par", &[]);
    site.enrol(&user);
    let names = ["p-role", "p-fed", "p-user", "p-role2"];
    let children: Vec<(usize, std::process::Child)> = (0..CALLS)
        .map(|i| {
            let child = user
                .fedaws_command(&[
                    "creds",
                    names[i % names.len()],
                    "--format",
                    "json",
                    "--no-cache",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn fedaws");
            (i, child)
        })
        .collect();
    let mut printed = Vec::new();
    for (i, child) in children {
        let out = child.wait_with_output().expect("wait for fedaws");
        assert!(
            out.status.success(),
            "call {i} ({}) failed ({}):\n{}",
            names[i % names.len()],
            out.status,
            stderr(&out)
        );
        let v: Value = serde_json::from_str(&stdout(&out)).expect("JSON credentials");
        printed.push(v["AccessKeyId"].as_str().expect("an id").to_string());
    }
    assert_eq!(site.sts.count(), CALLS, "STS requests");

    let raw = std::fs::read(user.audit_path()).expect("read the audit log");
    let lines = user.audit();
    assert_eq!(
        lines.len(),
        CALLS,
        "{CALLS} calls left {} audit lines:\n{}",
        lines.len(),
        String::from_utf8_lossy(&raw)
    );
    for name in names {
        let n = lines.iter().filter(|l| l["connector"] == name).count();
        assert_eq!(n, CALLS / names.len(), "audit lines of {name}");
    }
    let mut logged = Vec::new();
    for l in &lines {
        assert_eq!(l["outcome"], "issued", "{l}");
        assert_eq!(l["user"], user.name.as_str(), "{l}");
        assert_eq!(l["grant"], "administrator (settings.admins)", "{l}");
        logged.push(
            l["access_key_id"]
                .as_str()
                .expect("an access key id")
                .to_string(),
        );
    }
    printed.sort();
    logged.sort();
    assert_eq!(
        logged, printed,
        "the logged key ids are not the printed ones"
    );
    site.assert_audit_private(&user);
}

#[test]
fn whoami_and_the_audit_reader() {
    let dev = OsGroup::create("wdv");
    let cfg = os_name("wcf");
    let site = Site::new(
        &format!("system_users = [\"{}\"]\n", os_name("who")),
        vec![
            Conn::new("by-os", "assume-role", &[&dev.name]),
            Conn::new("by-config", "assume-role", &[&cfg]),
            Conn::new("admin-only", "iam-user", &[]),
            Conn::new("theirs", "iam-user", &["someone-else"]),
            Conn::new("batch", "iam-user", &[]).system(),
        ],
        &[(&cfg, &[&os_name("who")]), ("someone-else", &[])],
    );
    let user = User::create("who", &[&dev]);
    site.enrol(&user);

    let report = user.whoami(false);
    assert_eq!(report["user"], user.name.as_str(), "{report}");
    assert_eq!(report["uid"], user.uid, "{report}");
    assert_eq!(report["system"], false, "{report}");
    assert_eq!(report["administrator"], false, "{report}");
    let os = strings(&report["os_groups"]);
    assert!(
        os.contains(&dev.name) && os.contains(&user.name),
        "OS groups: {report}"
    );
    assert!(
        !os.contains(&cfg),
        "a config group among the OS groups: {report}"
    );
    assert_eq!(
        strings(&report["config_groups"]),
        vec![cfg.clone()],
        "{report}"
    );
    let rows = report["connectors"].as_array().expect("connectors");
    assert_eq!(rows.len(), 5, "{report}");
    for (conn, usable, why) in [
        ("by-os", true, format!("OS group {}", dev.name)),
        ("by-config", true, format!("config group {cfg}")),
        ("admin-only", false, "administrators only".to_string()),
        ("theirs", false, "granted to someone-else".to_string()),
        ("batch", false, "administrators only".to_string()),
    ] {
        assert_eq!(whoami_row(&report, conn), (usable, why), "{conn}: {report}");
    }
    let text = user.ok(&["whoami"]);
    for s in [
        format!("{} (OS)", dev.name),
        format!("{cfg} (config)"),
        format!("OS group {}", dev.name),
        format!("config group {cfg}"),
    ] {
        assert!(text.contains(&s), "whoami lacks {s:?}:\n{text}");
    }
    let system = user.whoami(true);
    assert_eq!(system["system"], true);
    for (conn, usable) in [("batch", true), ("by-os", false), ("admin-only", false)] {
        assert_eq!(whoami_row(&system, conn).0, usable, "{conn}: {system}");
    }

    let os_why = format!("OS group {}", dev.name);
    let cfg_why = format!("config group {cfg}");
    creds(&site, &user, "by-os", &[], Expect::Issued(&os_why));
    creds(&site, &user, "by-config", &[], Expect::Issued(&cfg_why));
    creds(&site, &user, "by-os", &[], Expect::Cached(&os_why));
    creds(
        &site,
        &user,
        "admin-only",
        &[],
        Expect::Denied(&["admin-only"]),
    );
    let (last, _) = creds(
        &site,
        &user,
        "by-os",
        &["--no-cache"],
        Expect::Issued(&os_why),
    );
    creds(
        &site,
        &user,
        "batch",
        &["--system"],
        Expect::Issued("system scope"),
    );

    let parse = |text: &str| -> Vec<Value> {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    };
    let all = parse(&user.ok(&["audit", "--json"]));
    assert_eq!(all.len(), 6, "{all:#?}");
    assert_eq!(all, user.audit(), "`audit --json` is not the log");

    let tail = parse(&user.ok(&["audit", "--json", "--tail", "2", "--connector", "by-os"]));
    assert_eq!(tail.len(), 2, "{tail:#?}");
    assert!(tail.iter().all(|e| e["connector"] == "by-os"), "{tail:#?}");
    assert_eq!(tail[0]["outcome"], "cached", "{tail:#?}");
    assert_eq!(tail[1]["outcome"], "issued", "{tail:#?}");
    assert_eq!(
        tail[1]["access_key_id"],
        last.expect("credentials")["AccessKeyId"]
    );
    let denied = parse(&user.ok(&["audit", "--json", "--connector", "admin-only"]));
    assert_eq!(denied.len(), 1, "{denied:#?}");
    assert_eq!(denied[0]["outcome"], "denied");

    let recent = parse(&user.ok(&["audit", "--json", "--since", "1h"]));
    assert_eq!(recent.len(), 6, "`audit --since 1h`: {recent:#?}");
    let future = user.run(&["audit", "--json", "--since", "2030-01-01T00:00:00Z"]);
    assert!(future.status.success(), "{}", stderr(&future));
    assert!(
        parse(&stdout(&future)).is_empty(),
        "`audit --since 2030-01-01T00:00:00Z` lists events:\n{}",
        stdout(&future)
    );
    let table = user.ok(&["audit", "--tail", "2", "--connector", "by-os"]);
    assert_eq!(
        table.matches("by-os").count(),
        2,
        "`audit --tail 2 --connector by-os`:\n{table}"
    );
    site.assert_audit_private(&user);
}

#[test]
fn revoked_membership_is_not_served_from_the_cache() {
    let dev = OsGroup::create("rvo");
    let cfg = os_name("rvc");
    let site = Site::new(
        "",
        vec![
            Conn::new("by-os", "assume-role", &[&dev.name]),
            Conn::new("by-config", "assume-role", &[&cfg]),
        ],
        &[(&cfg, &[&os_name("rev")])],
    );
    let user = User::create("rev", &[&dev]);
    site.enrol(&user);
    let os_why = format!("OS group {}", dev.name);
    let cfg_why = format!("config group {cfg}");
    creds(&site, &user, "by-os", &[], Expect::Issued(&os_why));
    creds(&site, &user, "by-os", &[], Expect::Cached(&os_why));
    creds(&site, &user, "by-config", &[], Expect::Issued(&cfg_why));
    creds(&site, &user, "by-config", &[], Expect::Cached(&cfg_why));

    // Out of the OS group (the config is unchanged): the cached entry is no longer served.
    must("gpasswd", &["-d", &user.name, &dev.name]);
    assert!(
        !whoami_row(&user.whoami(false), "by-os").0,
        "whoami still lets {} use by-os",
        user.name
    );
    creds(&site, &user, "by-os", &[], Expect::Denied(&[&dev.name]));
    creds(&site, &user, "by-config", &[], Expect::Cached(&cfg_why));

    // Out of the config group.
    let config = user.env.config();
    let member = format!("\"{cfg}\" = [\"{}\"]", user.name);
    assert!(config.contains(&member), "{config}");
    user.env
        .write_config(&config.replace(&member, &format!("\"{cfg}\" = []")));
    creds(&site, &user, "by-config", &[], Expect::Denied(&[&cfg]));
    assert_eq!(site.sts.count(), 2, "STS requests");
    site.assert_audit_private(&user);
}

#[test]
fn system_is_not_a_way_around_the_groups() {
    // A connector with system scope, granted to a group the outsider is not in: `--system` is
    // only for settings.system_users and administrators, whoever asks (root included).
    let site = Site::new(
        &format!(
            "admins = [\"{}\"]\nsystem_users = [\"{}\"]\n",
            os_name("sxa"),
            os_name("sxc")
        ),
        vec![Conn::new("nightly", "assume-role", &["release"]).system()],
        &[],
    );
    let outsider = User::create("sxo", &[]);
    site.enrol(&outsider);
    creds(
        &site,
        &outsider,
        "nightly",
        &["--system"],
        Expect::Denied(&["as a system caller", "settings.system_users"]),
    );
    creds(
        &site,
        &outsider,
        "nightly",
        &[],
        Expect::Denied(&["granted to group release"]),
    );
    assert!(
        outsider.cache_entries().is_empty(),
        "a denied --system call left a cache entry"
    );
    assert_eq!(
        whoami_row(&outsider.whoami(true), "nightly"),
        (false, "not in settings.system_users".to_string())
    );
    let cron = User::create("sxc", &[]);
    site.enrol(&cron);
    creds(
        &site,
        &cron,
        "nightly",
        &["--system"],
        Expect::Issued("system scope"),
    );
    let admin = User::create("sxa", &[]);
    site.enrol(&admin);
    creds(
        &site,
        &admin,
        "nightly",
        &["--system"],
        Expect::Issued("system scope"),
    );
    site.assert_audit_private(&outsider);
}
