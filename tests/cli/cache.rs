//! The credential cache: what is served from it and what asks STS again (counted at a recording
//! forwarder in front of moto, or at the scripted fake), single flight under the per-slot lock
//! (64 callers at once, a lock holder killed mid-issue), identities kept apart (down to a real
//! second Unix user), and `cache list` / `cache clear`.
//!
//! Every test names its connectors with [`unique`]: `cache list` and `cache clear` see every entry
//! of the user's store, not only this config's, and the tests of this binary run in parallel.

use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::common::{
    AccountGuard, KeyPair, Store, assert_output_lacks, require_secret_service, stderr, stdout,
    unique,
};
use crate::sts_fixture::{Broker, os_user};
use crate::sts_server::{
    FAKE_SECRET, FAKE_SESSION_TOKEN, Recorded, TestServer, answered, get_session_token_ok,
};
use crate::users::{User, must};

const POLICY_A: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
const POLICY_B: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#;

/// The tests that put the cache in the Secret Service share one gnome-keyring (and one of them
/// runs `cache clear` without a connector): they take turns.
static SECRET_SERVICE_CACHE: Mutex<()> = Mutex::new(());

/// A connector of principal `principal` on the Broker's account, with `extra` TOML lines.
fn connector(name: &str, principal: &str, extra: &str) -> String {
    format!(
        "[connectors.{name}]\naccount = \"{{account}}\"\nprincipal = \"{principal}\"\n{extra}\n"
    )
}

/// An assume-role connector: moto answers AssumeRole with fresh random credentials each time
/// (GetSessionToken and GetFederationToken get the same example credentials every time), so a
/// served entry and a new issue can be told apart by what is printed.
fn role(name: &str, extra: &str) -> String {
    connector(
        name,
        "assume-role",
        &format!("role_arn = \"arn:aws:iam::123456789012:role/CacheTest\"\n{extra}"),
    )
}

/// `fedaws creds NAME --format json EXTRA…`, which must succeed.
fn creds(broker: &Broker, name: &str, extra: &[&str]) -> String {
    let mut args = vec!["creds", name, "--format", "json"];
    args.extend_from_slice(extra);
    broker.ok(&args)
}

/// The last request the server saw.
fn last(server: &TestServer) -> Recorded {
    server.requests().pop().expect("a request reached STS")
}

/// Fail unless `text` is one credential_process object holding what STS answered in `request`.
fn assert_serves(text: &str, request: &Recorded, what: &str) {
    let value: serde_json::Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{what}: stdout is not JSON ({e}):\n{text}"));
    assert_eq!(value["Version"], 1, "{what}: {text}");
    let (id, secret, token) = answered(request);
    assert_eq!(
        value["AccessKeyId"].as_str(),
        Some(id.as_str()),
        "{what}: not the AccessKeyId of that STS answer"
    );
    assert!(
        value["SecretAccessKey"].as_str() == Some(secret.as_str()),
        "{what}: SecretAccessKey is not the one of that STS answer"
    );
    assert!(
        value["SessionToken"].as_str() == Some(token.as_str()),
        "{what}: SessionToken is not the one of that STS answer"
    );
    assert!(
        value["Expiration"]
            .as_str()
            .is_some_and(|e| e.ends_with('Z')),
        "{what}: Expiration missing or not UTC"
    );
}

/// Fail unless exactly `expected` requests reached STS so far.
fn assert_requests(sts: &TestServer, expected: usize, step: &str) {
    let all = sts.requests();
    assert_eq!(
        all.len(),
        expected,
        "after {step}: expected {expected} STS request(s) in all, got {}: {:#?}",
        all.len(),
        all.iter().map(|r| r.body.clone()).collect::<Vec<_>>()
    );
}

/// `fedaws cache list [CONNECTOR] --json`, parsed.
fn cache_list_json(broker: &Broker, name: Option<&str>) -> Vec<serde_json::Value> {
    let mut args = vec!["cache", "list", "--json"];
    args.extend(name);
    let out = broker.ok(&args);
    let value: serde_json::Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("`cache list --json` is not JSON ({e}):\n{out}"));
    value
        .as_array()
        .unwrap_or_else(|| panic!("`cache list --json` is not an array:\n{out}"))
        .clone()
}

/// The `cache list --json` entries of connector `name` (filtered here, not by fedaws).
fn entries_of(all: &[serde_json::Value], name: &str) -> Vec<serde_json::Value> {
    all.iter()
        .filter(|e| e["connector"].as_str() == Some(name))
        .cloned()
        .collect()
}

/// The entries without `seconds_left` (which ticks), for comparing two listings.
fn without_seconds_left(entries: &[serde_json::Value]) -> Vec<serde_json::Value> {
    entries
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if let Some(object) = e.as_object_mut() {
                object.remove("seconds_left");
            }
            e
        })
        .collect()
}

/// `AKIA…1234`, as fedaws masks an access key id.
fn masked(id: &str) -> String {
    format!("{}…{}", &id[..4], &id[id.len() - 4..])
}

/// Remove this test's entries (connectors named with [`unique`]) and check they are gone.
fn clear(broker: &Broker, names: &[&str]) {
    for name in names {
        broker.ok(&["cache", "clear", name]);
        assert_eq!(
            cache_list_json(broker, Some(name)),
            Vec::<serde_json::Value>::new(),
            "`cache clear {name}` left entries"
        );
    }
}

/// Clears the cache entries of this test's connectors when dropped (declare it after the
/// [`Broker`], so it runs first), so a failing test leaves nothing behind in the shared stores.
/// Tests still clear them through `cache clear` and check it worked; this is the safety net.
struct CacheGuard(Vec<Command>);

impl CacheGuard {
    fn new(broker: &Broker, names: &[&str]) -> CacheGuard {
        CacheGuard(
            names
                .iter()
                .map(|name| {
                    let mut cmd = broker.env.std_command(&["cache", "clear", name]);
                    cmd.stdout(Stdio::null()).stderr(Stdio::null());
                    cmd
                })
                .collect(),
        )
    }
}

impl Drop for CacheGuard {
    fn drop(&mut self) {
        for cmd in &mut self.0 {
            let _ = cmd.status();
        }
    }
}

#[test]
fn a_repeat_call_is_a_hit_and_each_change_of_definition_or_request_one_miss() {
    let sts = TestServer::moto_recorder();
    let c = unique("hit");
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        &role(&c, &format!("policy = '{POLICY_A}'")),
    );
    let _cleanup = CacheGuard::new(&broker, &[&c]);

    let first = creds(&broker, &c, &[]);
    assert_requests(&sts, 1, "the first call");
    assert_serves(&first, &last(&sts), "the first call");
    let second = creds(&broker, &c, &[]);
    assert_requests(&sts, 1, "a second identical call");
    assert!(
        first == second,
        "the cached call printed other credentials than the first"
    );

    // A changed session policy: the old entry no longer matches.
    broker.ok(&["connector", "edit", &c, "--policy", POLICY_B]);
    let edited = creds(&broker, &c, &[]);
    assert_requests(&sts, 2, "`connector edit --policy`");
    assert_eq!(last(&sts).param("Policy").as_deref(), Some(POLICY_B));
    assert_serves(&edited, &last(&sts), "the call after the policy edit");
    assert!(first != edited, "the policy edit was served the old entry");
    assert!(
        creds(&broker, &c, &[]) == edited,
        "not cached after the edit"
    );
    assert_requests(&sts, 2, "a repeat after the policy edit");

    // The same edit in the TOML by hand.
    let config = broker.env.config();
    let quoted = format!("'{POLICY_B}'");
    assert!(
        config.contains(&quoted),
        "the edit is not in the config:\n{config}"
    );
    broker
        .env
        .write_config(&config.replace(&quoted, &format!("'{POLICY_A}'")));
    let by_hand = creds(&broker, &c, &[]);
    assert_requests(&sts, 3, "a policy edited in the TOML");
    assert_eq!(last(&sts).param("Policy").as_deref(), Some(POLICY_A));
    assert_serves(&by_hand, &last(&sts), "the call after the TOML edit");
    assert!(
        creds(&broker, &c, &[]) == by_hand,
        "not cached after the TOML edit"
    );
    assert_requests(&sts, 3, "a repeat after the TOML edit");

    // Another duration is another request.
    let two_hours = creds(&broker, &c, &["--duration", "2h"]);
    assert_requests(&sts, 4, "--duration 2h");
    assert_eq!(last(&sts).param("DurationSeconds").as_deref(), Some("7200"));
    assert_serves(&two_hours, &last(&sts), "--duration 2h");
    assert!(creds(&broker, &c, &["--duration", "2h"]) == two_hours);
    assert_requests(&sts, 4, "a repeat of --duration 2h");

    // The connector moved to another account (other keys sign the call).
    let other = unique("other");
    let _other_guard = AccountGuard::new(Store::Keyutils, &other);
    let other_keys = KeyPair::new();
    let out = broker
        .env
        .fedaws(&["account", "add", &other, "--secret-stdin"])
        .write_stdin(other_keys.stdin())
        .output()
        .expect("run fedaws account add");
    broker.record("account add other", &out);
    assert!(out.status.success(), "{}", stderr(&out));
    broker.ok(&["connector", "edit", &c, "--account", &other]);
    let moved = creds(&broker, &c, &[]);
    assert_requests(&sts, 5, "`connector edit --account other`");
    let request = last(&sts);
    let authorization = request
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    assert!(
        authorization.contains(&format!("Credential={}/", other_keys.access_key_id)),
        "the call after the move is not signed with the other account's keys: {authorization}"
    );
    assert_serves(&moved, &request, "the call after the account move");
    assert!(
        by_hand != moved,
        "the account move was served the old entry"
    );
    assert!(creds(&broker, &c, &[]) == moved);
    assert_requests(&sts, 5, "a repeat after the account move");

    clear(&broker, &[&c]);
    broker.assert_no_secret_in_files(&[&sts]);
    broker
        .env
        .fedaws(&["account", "remove", &other, "--force"])
        .assert()
        .success();
    broker.finish(&[&sts]);
}

#[test]
fn refresh_reissues_and_caches_while_no_cache_neither_reads_nor_writes() {
    let sts = TestServer::moto_recorder();
    let c = unique("refresh");
    let broker = Broker::new(Some(sts.url()), &[], &role(&c, ""));
    let _cleanup = CacheGuard::new(&broker, &[&c]);

    let cached = creds(&broker, &c, &[]);
    assert_requests(&sts, 1, "the first call");
    let refreshed = creds(&broker, &c, &["--refresh"]);
    assert_requests(&sts, 2, "--refresh");
    assert_serves(&refreshed, &last(&sts), "--refresh");
    assert!(
        cached != refreshed,
        "--refresh printed the cached credentials"
    );
    let plain = creds(&broker, &c, &[]);
    assert_requests(&sts, 2, "a plain call after --refresh");
    assert!(
        plain == refreshed,
        "the plain call after --refresh did not get what --refresh cached"
    );
    let listed = entries_of(&cache_list_json(&broker, Some(&c)), &c);
    assert_eq!(listed.len(), 1, "{listed:#?}");
    let (refreshed_id, _, _) = answered(&last(&sts));
    assert_eq!(listed[0]["access_key_id"], masked(&refreshed_id));

    for n in 0..2 {
        let uncached = creds(&broker, &c, &["--no-cache"]);
        assert_requests(&sts, 3 + n, "--no-cache");
        assert_serves(&uncached, &last(&sts), "--no-cache");
        assert!(
            uncached != refreshed,
            "--no-cache printed the cached credentials"
        );
    }
    let after = creds(&broker, &c, &[]);
    assert_requests(&sts, 4, "a plain call after --no-cache");
    assert!(
        after == refreshed,
        "--no-cache changed the cache: the next plain call got other credentials"
    );
    assert_eq!(
        without_seconds_left(&entries_of(&cache_list_json(&broker, Some(&c)), &c)),
        without_seconds_left(&listed),
        "--no-cache changed the cache entry"
    );

    clear(&broker, &[&c]);
    broker.assert_no_secret_in_files(&[&sts]);
    broker.finish(&[&sts]);
}

#[test]
fn an_entry_with_no_more_than_the_refresh_margin_left_is_reissued() {
    let sts = TestServer::moto_recorder();
    let c = unique("margin");
    let capped = unique("capped");
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        &format!(
            "{}\n{}",
            connector(&c, "iam-user", ""),
            connector(&capped, "iam-user", "max_duration = \"15m\"")
        ),
    );
    let _cleanup = CacheGuard::new(&broker, &[&c, &capped]);
    broker.set_settings("refresh_margin = \"15m\"\n");

    let mut outputs = Vec::new();
    for n in 1..=3 {
        outputs.push(creds(&broker, &c, &["--duration", "15m"]));
        assert_requests(&sts, n, "--duration 15m with a 15m margin");
        assert_eq!(last(&sts).param("DurationSeconds").as_deref(), Some("900"));
        assert_serves(&outputs[n - 1], &last(&sts), "--duration 15m");
    }
    for n in 4..=5 {
        creds(&broker, &capped, &[]);
        assert_requests(&sts, n, "a connector capped at 15m with a 15m margin");
        assert_eq!(last(&sts).param("DurationSeconds").as_deref(), Some("900"));
    }
    // Control: with more than the margin left the entry is served.
    creds(&broker, &c, &["--duration", "1h"]);
    creds(&broker, &c, &["--duration", "1h"]);
    assert_requests(&sts, 6, "--duration 1h twice with a 15m margin");

    clear(&broker, &[&c, &capped]);
    broker.assert_no_secret_in_files(&[&sts]);
    broker.finish(&[&sts]);
}

/// Wait for every child, failing (after killing the rest) when one is not done by `deadline`.
fn wait_all(children: Vec<Child>, deadline: Duration) -> Vec<Output> {
    let started = Instant::now();
    let mut children = children;
    loop {
        let mut running = 0;
        for child in &mut children {
            if child.try_wait().expect("poll a child").is_none() {
                running += 1;
            }
        }
        if running == 0 {
            break;
        }
        if started.elapsed() > deadline {
            for child in &mut children {
                let _ = child.kill();
            }
            panic!("{running} fedaws processes still running after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("collect a child's output"))
        .collect()
}

/// 64 `creds C --format json` at once on a cold cache: one STS request, 64 identical answers.
fn sixty_four_callers_share_one_request(cache: Option<&str>) {
    let sts = TestServer::moto_recorder();
    let c = unique("burst");
    let broker = Broker::new(Some(sts.url()), &[], &connector(&c, "iam-user", ""));
    let _cleanup = CacheGuard::new(&broker, &[&c]);
    if let Some(backend) = cache {
        broker.set_settings(&format!("cache = \"{backend}\"\n"));
    }
    let children: Vec<Child> = (0..64)
        .map(|_| {
            broker
                .env
                .std_command(&["creds", &c, "--format", "json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn fedaws")
        })
        .collect();
    let outputs = wait_all(children, Duration::from_secs(120));
    let mut failed = Vec::new();
    for (i, out) in outputs.iter().enumerate() {
        broker.record(&format!("parallel creds #{i}"), out);
        if !out.status.success() {
            failed.push(format!("#{i}: {}: {}", out.status, stderr(out)));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 64 parallel callers failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    assert_requests(&sts, 1, "64 parallel calls on a cold cache");
    let request = last(&sts);
    let first = stdout(&outputs[0]);
    for (i, out) in outputs.iter().enumerate() {
        let text = stdout(out);
        assert_serves(&text, &request, &format!("parallel caller #{i}"));
        assert!(
            text == first,
            "parallel caller #{i} printed other bytes than #0"
        );
    }
    let listed = cache_list_json(&broker, Some(&c));
    assert_eq!(listed.len(), 1, "one entry after the burst: {listed:#?}");

    clear(&broker, &[&c]);
    broker.assert_no_secret_in_files(&[&sts]);
    broker.finish(&[&sts]);
}

#[test]
fn sixty_four_parallel_callers_share_one_request_in_the_kernel_keyring() {
    sixty_four_callers_share_one_request(None);
}

#[test]
fn sixty_four_parallel_callers_share_one_request_in_the_secret_service() {
    require_secret_service();
    let _turn = SECRET_SERVICE_CACHE
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    sixty_four_callers_share_one_request(Some("secret-service"));
}

#[test]
fn a_lock_holder_killed_mid_issue_does_not_block_the_next_caller() {
    let slow = Duration::from_secs(20);
    let sts = TestServer::scripted_slow(vec![
        (slow, 200, get_session_token_ok()),
        (Duration::ZERO, 200, get_session_token_ok()),
    ]);
    let c = unique("killed");
    let broker = Broker::new(Some(sts.url()), &[], &connector(&c, "iam-user", ""));
    let _cleanup = CacheGuard::new(&broker, &[&c]);
    let args = ["creds", c.as_str(), "--format", "json"];
    let spawn = || {
        broker
            .env
            .std_command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn fedaws")
    };

    let mut a = spawn();
    let started = Instant::now();
    while sts.count() == 0 {
        if let Some(status) = a.try_wait().expect("poll caller A") {
            panic!("caller A ended ({status}) before its request reached STS");
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "caller A's request did not reach the server within 15 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // B starts while A holds the lock and waits for it.
    let b_started = Instant::now();
    let b = spawn();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(sts.count(), 1, "caller B issued while A held the lock");
    a.kill().expect("SIGKILL caller A");
    let a_out = a.wait_with_output().expect("reap caller A");
    broker.record("killed caller A", &a_out);
    assert!(
        a_out.stdout.is_empty(),
        "the killed caller printed something"
    );

    let b_out = wait_all(vec![b], Duration::from_secs(15)).remove(0);
    let took = b_started.elapsed();
    broker.record("caller B", &b_out);
    assert!(
        b_out.status.success(),
        "caller B failed after A was killed ({}):\n{}",
        b_out.status,
        stderr(&b_out)
    );
    assert!(
        took < Duration::from_secs(10),
        "caller B took {took:?}: the killed holder's lock was not released at once"
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&b_out)).expect("JSON");
    assert!(value["SessionToken"].as_str() == Some(FAKE_SESSION_TOKEN));
    assert!(value["SecretAccessKey"].as_str() == Some(FAKE_SECRET));
    assert_requests(&sts, 2, "A killed, B issued");
    // And B cached what it got.
    creds(&broker, &c, &[]);
    assert_requests(&sts, 2, "a call after B");

    clear(&broker, &[&c]);
    broker.assert_no_secret_in_files(&[&sts]);
    broker.finish(&[&sts]);
}

#[test]
fn cache_list_shows_the_identity_of_each_entry() {
    let sts = TestServer::moto_recorder();
    let c = unique("ident");
    let broker = Broker::new(Some(sts.url()), &[], &connector(&c, "iam-user", ""));
    let _cleanup = CacheGuard::new(&broker, &[&c]);
    creds(&broker, &c, &[]);
    let listed = cache_list_json(&broker, Some(&c));
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert_eq!(listed[0]["connector"], c.as_str());
    assert_eq!(listed[0]["identity"], os_user().as_str());
    let table = broker.ok(&["cache", "list", &c]);
    let row = table
        .lines()
        .find(|l| l.contains(&c))
        .unwrap_or_else(|| panic!("no row for {c}:\n{table}"));
    assert!(
        row.contains(&os_user()),
        "the row lacks the identity: {row}"
    );

    clear(&broker, &[&c]);
    broker.assert_no_secret_in_files(&[&sts]);
    broker.finish(&[&sts]);
}

#[test]
fn another_unix_user_gets_its_own_request_and_entry() {
    let user = User::create("cu", &[]);
    let sts = TestServer::moto_recorder();
    let c = unique("peruser");
    let connectors = role(&c, "");
    let broker = Broker::new(Some(sts.url()), &[], &connectors);
    let _cleanup = CacheGuard::new(&broker, &[&c]);
    let root_out = creds(&broker, &c, &[]);
    assert_requests(&sts, 1, "root's call");
    let root_listed = cache_list_json(&broker, Some(&c));
    assert_eq!(root_listed.len(), 1, "{root_listed:#?}");
    assert_eq!(root_listed[0]["identity"], os_user().as_str());

    // The other user: its own config copy, its own key pair in its own kernel keyring.
    let env = &user.env;
    let config = broker.env.config();
    let settings_end = config
        .find("\n[")
        .unwrap_or_else(|| panic!("no table after [settings]:\n{config}"));
    // The other user is an administrator of its own copy.
    let admins = format!("admins = [\"{}\"]", os_user());
    assert!(config.contains(&admins), "{config}");
    env.write_config(
        &config[..=settings_end].replace(&admins, &format!("admins = [\"{}\"]", user.name)),
    );
    must(
        "chown",
        &[
            "-R",
            &format!("{}:{}", user.uid, user.gid),
            &env.root().display().to_string(),
        ],
    );
    let keys = &user.keys;
    let run = |args: &[&str], stdin: &str| {
        let out = user.run_stdin(args, stdin);
        broker.record(&format!("as {}: {}", user.name, args.join(" ")), &out);
        assert!(
            out.status.success(),
            "`fedaws {}` as {} failed ({}):\n{}",
            args.join(" "),
            user.name,
            out.status,
            stderr(&out)
        );
        stdout(&out)
    };
    run(
        &["account", "add", &broker.account, "--secret-stdin"],
        &keys.stdin(),
    );
    let mut text = std::fs::read_to_string(env.config_path()).expect("read the user's config");
    text.push('\n');
    text.push_str(&connectors.replace("{account}", &broker.account));
    std::fs::write(env.config_path(), text).expect("write the user's config");

    let user_out = run(&["creds", &c, "--format", "json"], "");
    assert_requests(&sts, 2, "the other user's first call");
    let request = last(&sts);
    assert_serves(&user_out, &request, "the other user's call");
    assert!(
        request.headers.iter().any(|(k, v)| k == "authorization"
            && v.contains(&format!("Credential={}/", keys.access_key_id))),
        "the other user's call was not signed with its own keys"
    );
    assert!(
        user_out != root_out,
        "the other user got root's credentials"
    );
    assert!(run(&["creds", &c, "--format", "json"], "") == user_out);
    assert_requests(&sts, 2, "the other user's second call");

    let listed: serde_json::Value =
        serde_json::from_str(&run(&["cache", "list", &c, "--json"], "")).expect("JSON");
    let listed = listed.as_array().expect("an array").clone();
    assert_eq!(listed.len(), 1, "the other user's entries: {listed:#?}");
    assert_eq!(listed[0]["identity"], user.name.as_str());
    let (user_id, _, _) = answered(&request);
    assert_eq!(listed[0]["access_key_id"], masked(&user_id));

    // Root's entry is untouched and still served.
    assert_eq!(
        without_seconds_left(&cache_list_json(&broker, Some(&c))),
        without_seconds_left(&root_listed),
        "root's entry changed"
    );
    assert!(creds(&broker, &c, &[]) == root_out, "root's entry changed");
    assert_requests(&sts, 2, "root's call after the other user's");

    run(&["cache", "clear", &c], "");
    run(&["account", "remove", &broker.account, "--force"], "");
    env.assert_no_file_contains(&keys.secret_access_key, "the other user's secret key");
    for secret in sts.issued_secrets() {
        env.assert_no_file_contains(&secret, "a temporary secret");
    }
    clear(&broker, &[&c]);
    broker.assert_no_secret_in_files(&[&sts]);
    broker.finish(&[&sts]);
    drop(user);
}

/// `cache list` (table and JSON) hides the secrets and masks the key id; `cache clear X` removes
/// X's entries only; `cache clear` (when `clear_all`) removes all of them.
fn list_and_clear(cache: Option<&str>, clear_all: bool) {
    let sts = TestServer::moto_recorder();
    let x = unique("listx");
    let y = unique("listy");
    let broker = Broker::new(
        Some(sts.url()),
        &[],
        &format!("{}\n{}", connector(&x, "iam-user", ""), role(&y, "")),
    );
    let _cleanup = CacheGuard::new(&broker, &[&x, &y]);
    if let Some(backend) = cache {
        broker.set_settings(&format!("cache = \"{backend}\"\n"));
    }
    let y_out = creds(&broker, &y, &[]);
    creds(&broker, &x, &[]);
    creds(&broker, &x, &["--duration", "1h"]);
    assert_requests(&sts, 3, "three different requests");
    let answers: Vec<(String, String, String)> = sts.requests().iter().map(answered).collect();

    for args in [
        &["cache", "list"][..],
        &["cache", "list", "--json"],
        &["cache", "list", &x],
        &["cache", "list", &x, "--json"],
    ] {
        let out = broker.run(args);
        let step = args.join(" ");
        assert!(out.status.success(), "`{step}` failed: {}", stderr(&out));
        for (id, secret, token) in &answers {
            assert_output_lacks(&out, secret, "a temporary secret access key", &step);
            assert_output_lacks(&out, token, "a session token", &step);
            assert_output_lacks(&out, id, "an unmasked access key id", &step);
        }
    }
    let table = broker.ok(&["cache", "list"]);
    for (id, _, _) in &answers {
        assert!(
            table.contains(&masked(id)),
            "`cache list` lacks {}:\n{table}",
            masked(id)
        );
    }
    let all = cache_list_json(&broker, None);
    let x_entries = entries_of(&all, &x);
    assert_eq!(x_entries.len(), 2, "{all:#?}");
    assert_eq!(entries_of(&all, &y).len(), 1, "{all:#?}");
    for entry in x_entries.iter().chain(&entries_of(&all, &y)) {
        assert_eq!(entry["identity"], os_user().as_str());
        assert!(
            entry["seconds_left"].as_i64().is_some_and(|s| s > 3000),
            "{entry}"
        );
        assert!(
            entry["expiration"]
                .as_str()
                .is_some_and(|e| e.ends_with('Z'))
        );
    }
    let only_x = cache_list_json(&broker, Some(&x));
    assert!(
        only_x.iter().all(|e| e["connector"] == x.as_str()),
        "`cache list {x}` shows other connectors: {only_x:#?}"
    );
    assert_eq!(only_x.len(), 2);

    let out = broker.run(&["cache", "clear", &x]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("removed 2 "),
        "`cache clear {x}` did not report 2 removals: {}",
        stderr(&out)
    );
    let all = cache_list_json(&broker, None);
    assert_eq!(
        entries_of(&all, &x).len(),
        0,
        "`cache clear {x}` left: {all:#?}"
    );
    assert_eq!(
        entries_of(&all, &y).len(),
        1,
        "`cache clear {x}` removed {y}'s entry"
    );
    assert!(
        creds(&broker, &y, &[]) == y_out,
        "{y}'s entry is no longer served"
    );
    assert_requests(&sts, 3, &format!("{y} after clearing {x}"));
    creds(&broker, &x, &[]);
    assert_requests(&sts, 4, &format!("{x} after clearing it"));

    if clear_all {
        broker.ok(&["cache", "clear"]);
        assert_eq!(
            cache_list_json(&broker, None),
            Vec::<serde_json::Value>::new(),
            "`cache clear` left entries"
        );
        let out = broker.run(&["cache", "list"]);
        assert!(out.status.success());
        assert!(
            out.stdout.is_empty(),
            "`cache list` after `cache clear`: {}",
            stdout(&out)
        );
        creds(&broker, &y, &[]);
        assert_requests(&sts, 5, &format!("{y} after `cache clear`"));
    }
    clear(&broker, &[&x, &y]);
    broker.assert_no_secret_in_files(&[&sts]);
    broker.finish(&[&sts]);
}

#[test]
fn cache_list_hides_secrets_and_clear_removes_one_connectors_entries() {
    // Not `cache clear` without a connector here: in the shared kernel keyring that would remove
    // the entries of the tests running in parallel.
    list_and_clear(None, false);
}

#[test]
fn cache_clear_without_a_connector_empties_the_secret_service_cache() {
    require_secret_service();
    let _turn = SECRET_SERVICE_CACHE
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    list_and_clear(Some("secret-service"), true);
}

#[test]
fn with_cache_none_every_call_asks_sts() {
    let sts = TestServer::moto_recorder();
    let c = unique("nocache");
    let broker = Broker::new(Some(sts.url()), &[], &role(&c, ""));
    let _cleanup = CacheGuard::new(&broker, &[&c]);
    broker.set_settings("cache = \"none\"\n");
    let mut seen: Vec<String> = Vec::new();
    for n in 1..=3 {
        let out = creds(&broker, &c, &[]);
        assert_requests(&sts, n, "cache = \"none\"");
        assert_serves(&out, &last(&sts), "cache = \"none\"");
        assert!(
            !seen.contains(&out),
            "call {n} repeated earlier credentials"
        );
        seen.push(out);
    }
    let out = broker.run(&["cache", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("caching is off"),
        "`cache list` with cache = \"none\": {}",
        stderr(&out)
    );
    // Nothing was written to the default cache either.
    let config = broker.env.config().replacen("cache = \"none\"\n", "", 1);
    broker.env.write_config(&config);
    assert_eq!(
        cache_list_json(&broker, Some(&c)),
        Vec::<serde_json::Value>::new(),
        "cache = \"none\" still wrote to the kernel keyring"
    );
    broker.assert_no_secret_in_files(&[&sts]);
    broker.finish(&[&sts]);
}
