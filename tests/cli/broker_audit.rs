//! What a broker's users can make of its audit log, and what its refusals tell them, tried as
//! a hostile local user would: a flood of refused requests, reads of the log in a loop, a disk
//! that cannot take another line, changes whose names must all be recorded, and connectors an
//! outsider must not learn of. Real users and a real broker, as in `broker`; these tests need
//! root.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::broker::{Host, SYSTEM_PATH, assert_exit, json_of, key_id};
use crate::common::{stderr, stdout};
use crate::users::{User, must};

/// Sends `N` `POST /v1/creds` for connector `c` over `C` keep-alive connections as fast as
/// they are answered, and prints the count of each status.
const FLOOD: &str = r#"
import collections, socket, sys, threading
path, n, conns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
body = b'{"connector":"c"}'
request = b"POST /v1/creds HTTP/1.1\r\nHost: f\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
counts = collections.Counter()
lock = threading.Lock()
def run(k):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    f = s.makefile("rb")
    for _ in range(k):
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
        f.read(length)
        with lock:
            counts[status] += 1
threads = [threading.Thread(target=run, args=(n // conns,)) for _ in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(" ".join(f"{k}={v}" for k, v in sorted(counts.items())), flush=True)
"#;

/// Every event in the broker's audit history (every file, rotated ones too), oldest first.
fn history(host: &Host) -> Vec<Value> {
    let state = host.dir.path().join("state");
    let mut files: Vec<_> = std::fs::read_dir(&state)
        .expect("the state directory")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("audit.") && n.ends_with(".jsonl"))
        })
        .collect();
    // Closed files are named after when they were closed; the current one sorts last.
    files.sort_by_key(|p| (p.ends_with("audit.jsonl"), p.clone()));
    files
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(p)
                .expect("an audit file")
                .lines()
                .map(|l| serde_json::from_str::<Value>(l).expect("an audit line is JSON"))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_flood_of_refused_requests_is_summed_up_and_costs_no_one_their_lines() {
    let host = Host::new("ba1");
    let _broker = host.start();
    let member = &host.members[0];
    key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member",
    );
    // An outsider asks as fast as the broker answers.
    const N: usize = 20_000;
    let started = Instant::now();
    let flood = host
        .outsider
        .command("/usr/bin/python3")
        .args(["-c", FLOOD])
        .arg(host.socket())
        .args([N.to_string(), "4".to_string()])
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .output()
        .expect("run the flood");
    let took = started.elapsed();
    assert!(
        flood.status.success(),
        "the flood failed: {}",
        stderr(&flood)
    );
    assert_eq!(
        stdout(&flood).trim(),
        format!("403={N}"),
        "every request refused"
    );
    // The summaries of the last seconds are written as the broker's clock ticks.
    std::thread::sleep(Duration::from_millis(2500));

    let events = history(&host);
    let theirs: Vec<&Value> = events
        .iter()
        .filter(|e| e["uid"] == u64::from(host.outsider.uid))
        .collect();
    let counted: u64 = theirs
        .iter()
        .map(|e| e["repeated"].as_u64().unwrap_or(1))
        .sum();
    assert_eq!(counted, N as u64, "every refusal is counted, once");
    assert!(theirs.iter().all(|e| e["outcome"] == "denied"));
    let seconds = took.as_secs() as usize + 2;
    assert!(
        theirs.len() <= seconds * (10 + 1),
        "{} lines for {N} refusals in {took:?}",
        theirs.len()
    );
    assert!(
        theirs
            .iter()
            .any(|e| e["repeated"].as_u64().is_some_and(|n| n > 100)),
        "no summary line"
    );
    // The member's issuance is still there.
    assert!(
        events
            .iter()
            .any(|e| e["uid"] == u64::from(member.uid) && e["outcome"] == "issued"),
        "the member's issuance was lost"
    );
}

/// The bytes the process `pid` has read so far (`rchar` of /proc/PID/io).
fn read_so_far(pid: u32) -> u64 {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).expect("/proc/PID/io");
    io.lines()
        .find_map(|l| l.strip_prefix("rchar: "))
        .and_then(|n| n.trim().parse().ok())
        .expect("rchar in /proc/PID/io")
}

/// Write `mib` MiB of other users' events into `file` as the broker's user would have.
fn fill_history(file: &Path, mib: usize, owner: &User) {
    let line = format!(
        "{{\"time\":\"2026-01-01T00:00:00Z\",\"user\":\"someone\",\"uid\":4242,\"system\":false,\"connector\":\"c\",\"outcome\":\"issued\",\"access_key_id\":\"ASIA{}\"}}\n",
        "X".repeat(100)
    );
    let lines = mib * 1024 * 1024 / line.len();
    std::fs::write(file, line.repeat(lines)).expect("write the history");
    must(
        "chown",
        &[
            &format!("{}:{}", owner.uid, owner.gid),
            &file.display().to_string(),
        ],
    );
    crate::common::chmod(file, 0o600);
}

#[test]
fn reading_the_audit_log_through_the_broker_reads_the_newest_part_only() {
    let host = Host::new("ba2");
    let state = host.dir.path().join("state");
    fill_history(&state.join("audit.jsonl"), 80, &host.svc);
    let broker = host.start();
    let member = &host.members[0];
    key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member",
    );

    // The member's own event, newest first: the log's end is all that is read.
    let before = read_so_far(broker.pid());
    let out = host.ask(member, &["audit", "--json", "--tail", "1"]);
    let read = read_so_far(broker.pid()) - before;
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", stdout(&out));
    assert_eq!(lines[0]["uid"], u64::from(member.uid));
    assert!(
        read < 1024 * 1024,
        "the broker read {read} bytes for one event"
    );

    // Asked for more than the member has, the read stops at its bound, not at the beginning
    // of an 80 MiB history, and says so.
    let before = read_so_far(broker.pid());
    let out = host.ask(member, &["audit", "--json"]);
    let read = read_so_far(broker.pid()) - before;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read < 40 * 1024 * 1024, "the broker read {read} bytes");
    assert!(stderr(&out).contains("only the newest"), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 1);

    // A count beyond the bound is refused, naming the bound.
    let out = host.ask(member, &["audit", "--tail", "5000"]);
    assert_exit(&out, 2, "audit --tail 5000 through the broker");
    assert!(stderr(&out).contains("at most 1000"), "{}", stderr(&out));

    // The administrator reads everyone's, within the same bounds.
    let out = host.ask(&host.admin, &["audit", "--json", "--tail", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 3);
}

/// A small file system mounted over a directory while a test needs it.
struct Small {
    at: std::path::PathBuf,
}

impl Small {
    fn mount(at: &Path, owner: &User) -> Small {
        must(
            "mount",
            &[
                "-t",
                "tmpfs",
                "-o",
                &format!("size=512k,mode=0700,uid={},gid={}", owner.uid, owner.gid),
                "tmpfs",
                &at.display().to_string(),
            ],
        );
        Small {
            at: at.to_path_buf(),
        }
    }
}

impl Drop for Small {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.at)
            .stderr(Stdio::null())
            .status();
    }
}

#[test]
fn a_request_the_audit_log_cannot_record_is_refused() {
    let host = Host::new("ba3");
    let state = host.dir.path().join("state");
    let _small = Small::mount(&state, &host.svc);
    let mut broker = host.start();
    let member = &host.members[0];
    key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member, with room on the disk",
    );
    // Fill the disk: no line fits any more.
    let filler = state.join("filler");
    let mut file = std::fs::File::create(&filler).expect("the filler");
    for size in [65536, 4096, 512, 64, 8, 1] {
        while std::io::Write::write_all(&mut file, &vec![0u8; size]).is_ok() {}
    }
    drop(file);
    let check = |out: &Output, what: &str| {
        assert_exit(out, 1, what);
        assert!(
            stderr(out).contains("cannot write its audit log"),
            "{what}: {}",
            stderr(out)
        );
        assert!(out.stdout.is_empty(), "{what}: credentials were given");
    };
    // The log's last page may still take a few lines; then issuances are refused, and so are
    // cache hits.
    let refused = (0..100)
        .map(|_| host.ask(member, &["creds", "c", "--no-cache", "--format", "json"]))
        .find(|out| !out.status.success())
        .expect("issuances went on with a full disk");
    check(&refused, "an issuance with a full disk");
    check(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "a cache hit with a full disk",
    );
    broker.wait_for_log("could not write the audit log", Duration::from_secs(5));
    // Room again: served again, and recorded.
    std::fs::remove_file(&filler).expect("remove the filler");
    key_id(
        &host.ask(member, &["creds", "c", "--format", "json"]),
        "member, with room again",
    );
    broker.wait_for_log("the audit log takes lines again", Duration::from_secs(5));
    assert_eq!(
        host.audit().last().map(|e| e["uid"].clone()),
        Some(u64::from(member.uid).into())
    );
}

#[test]
fn an_administrators_change_names_everything_it_touched() {
    let host = Host::new("ba4");
    let _broker = host.start();
    let member = &host.members[0];
    let ask_ok = |args: &[&str]| {
        let out = host.ask(&host.admin, args);
        assert!(out.status.success(), "{}: {}", args.join(" "), stderr(&out));
    };
    ask_ok(&["group", "add", "ops"]);
    // An option before the command's words, and more names than a few.
    ask_ok(&["group", "-v", "add-member", "ops", "alice"]);
    ask_ok(&[
        "group",
        "add-member",
        "ops",
        "bob",
        "mallory",
        "eve",
        "trent",
    ]);
    // A refused rotation says where it was refused: before its first step.
    let out = host.ask(member, &["account", "rotate", "acct"]);
    assert_exit(&out, 4, "account rotate as a member");

    let actions: Vec<(String, String)> = host
        .audit()
        .iter()
        .filter_map(|e| {
            Some((
                e["action"].as_str()?.to_string(),
                e["outcome"].as_str()?.to_string(),
            ))
        })
        .collect();
    for want in [
        ("group add ops", "changed"),
        ("group add-member ops alice", "changed"),
        ("group add-member ops bob mallory eve trent", "changed"),
        ("account rotate acct", "denied"),
    ] {
        assert!(
            actions.iter().any(|(a, o)| a == want.0 && o == want.1),
            "no audit line {want:?} in {actions:#?}"
        );
    }
    let rotation = host
        .audit()
        .into_iter()
        .find(|e| e["action"] == "account rotate acct")
        .expect("the refused rotation's line");
    assert_eq!(rotation["step"], "start", "{rotation}");
    assert_eq!(rotation["account"], "acct");
}

#[test]
fn outsiders_learn_nothing_of_connectors_they_may_not_use() {
    let host = Host::new("ba5");
    // A second connector, granted to a group the outsider is not in.
    let config = format!(
        "{}\n[connectors.prod-admin-secret]\naccount = \"acct\"\nprincipal = \"iam-user\"\ngroups = [\"opsadmins\"]\nsystem_scope = true\n",
        host.config_text()
    );
    std::fs::write(host.config_path(), config).expect("write the config");
    let _broker = host.start();
    let outsider = &host.outsider;
    let pairs: [(&[&str], &[&str]); 3] = [
        (
            &["creds", "prod-admin-secret", "--format", "json"],
            &["creds", "prod-admin-secrex", "--format", "json"],
        ),
        (
            &["creds", "prod-admin-secret", "--system", "--format", "json"],
            &["creds", "prod-admin-secrex", "--system", "--format", "json"],
        ),
        (
            &["connector", "show", "prod-admin-secret"],
            &["connector", "show", "prod-admin-secrex"],
        ),
    ];
    for (real, missing) in pairs {
        let (a, b) = (host.ask(outsider, real), host.ask(outsider, missing));
        assert_exit(&a, 4, &real.join(" "));
        assert_eq!(a.status.code(), b.status.code(), "{}", real.join(" "));
        assert_eq!(
            stderr(&a).replace("prod-admin-secret", "NAME"),
            stderr(&b).replace("prod-admin-secrex", "NAME"),
            "{}",
            real.join(" ")
        );
        for text in [stderr(&a), stderr(&b)] {
            assert!(
                !text.contains("opsadmins") && !text.contains(&host.group.name),
                "a group's name told to an outsider: {text}"
            );
            assert!(text.contains("whoami -v"), "{text}");
        }
    }
    // What the outsider reads of their own events says no more.
    let own = stdout(&host.ask(outsider, &["audit", "--json"]));
    assert!(own.contains("prod-admin-secret"), "{own}");
    assert!(!own.contains("opsadmins"), "{own}");
    // A member is told what they may use, in more detail with -v; the administrator everything.
    let member = &host.members[0];
    let out = host.ask(member, &["-v", "whoami"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("federated-user"), "{}", stdout(&out));
    assert!(
        !stdout(&out).contains("prod-admin-secret"),
        "{}",
        stdout(&out)
    );
    let out = host.ask(
        &host.admin,
        &["creds", "prod-admin-secrex", "--format", "json"],
    );
    assert!(
        stderr(&out).contains("did you mean `prod-admin-secret`"),
        "{}",
        stderr(&out)
    );
    // And whoami shows the outsider nothing they may not use.
    let them = json_of(&host, outsider, &["whoami", "--json"]);
    assert_eq!(them["connectors"], serde_json::json!([]));
}
