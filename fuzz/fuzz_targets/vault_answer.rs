//! Vault (or OpenBao) answers as they come off the wire: a server on a Unix socket of the
//! target's own answers each request with the next status and body the fuzzer made, while the
//! store reads, writes, lists, describes an account and keeps its login alive, as the broker
//! does. Nothing panics or hangs, and no error tells the token or the AppRole's secret id.
//!
//! The input: the first byte picks the login (token file or AppRole) and the operations, then
//! answers follow, each as a status (two bytes), a length (two bytes) and that many bytes of
//! body. A request with no answer left is answered 500.
#![no_main]

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use fedaws::secret::{self, Backend, FileSpec, KeySource, Places, VaultAuth, VaultSpec};
use libfuzzer_sys::fuzz_target;
use secrecy::ExposeSecret;

const TOKEN: &str = "hvs.fuzzTokenThatMustNeverBeTold0001";
const SECRET_ID: &str = "0f1e2d3c-fuzz-secret-id-never-told";

/// The answers the server gives, in order.
static ANSWERS: Mutex<VecDeque<(u16, Vec<u8>)>> = Mutex::new(VecDeque::new());

/// The private directory of the socket, the token file and the AppRole's secret id.
static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("a directory").keep();
    for (name, value) in [("token", TOKEN), ("secret-id", SECRET_ID)] {
        std::fs::write(dir.join(name), value).expect("write a secret");
    }
    use std::os::unix::fs::PermissionsExt;
    for name in ["token", "secret-id"] {
        std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o600))
            .expect("make it private");
    }
    // One CA certificate to trust, so that each store does not load all of the system's.
    if let Some(pem) = std::fs::read_dir("/etc/ssl/certs")
        .ok()
        .and_then(|entries| {
            entries
                .flatten()
                .find(|e| e.path().extension().is_some_and(|x| x == "pem"))
        })
    {
        std::fs::copy(pem.path(), dir.join("ca.pem")).expect("copy a CA certificate");
    }
    let listener = UnixListener::bind(dir.join("vault.sock")).expect("listen");
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            answer_one(conn);
        }
    });
    dir
});

/// Read one request (head, then as much body as it says), and answer it with the next answer.
fn answer_one(mut conn: std::os::unix::net::UnixStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        match conn.read(&mut chunk) {
            Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return,
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |n| n.trim().parse().unwrap_or(0));
    while buf.len() < end + 4 + length {
        match conn.read(&mut chunk) {
            Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return,
        }
    }
    let (status, body) = ANSWERS
        .lock()
        .expect("the answers")
        .pop_front()
        .unwrap_or((500, b"{\"errors\":[\"no more answers\"]}".to_vec()));
    let mut out = format!(
        "HTTP/1.1 {status} Fuzzed\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    let _ = conn.write_all(&out);
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, mut rest)) = data.split_first() else {
        return;
    };
    let dir = &*DIR;
    let mut answers = VecDeque::new();
    while let [sh, sl, lh, ll, tail @ ..] = rest {
        let status = match u16::from_be_bytes([*sh, *sl]) % 1000 {
            s if s < 100 => [200, 204, 400, 403, 404, 429, 500, 503][usize::from(s % 8)],
            s => s,
        };
        let len = usize::from(u16::from_be_bytes([*lh, *ll])).min(tail.len());
        answers.push_back((status, tail[..len].to_vec()));
        rest = &tail[len..];
    }
    *ANSWERS.lock().expect("the answers") = answers;
    let auth = if pick & 1 == 0 {
        VaultAuth::TokenFile(dir.join("token"))
    } else {
        VaultAuth::AppRole {
            role_id: "fuzz-role".into(),
            secret_id_file: dir.join("secret-id"),
            mount: "approle".into(),
        }
    };
    let ca = dir.join("ca.pem");
    let places = Places {
        file: FileSpec {
            store: dir.join("unused.store"),
            key: KeySource::Given(dir.join("unused.key")),
        },
        vault: VaultSpec {
            addresses: vec![format!("unix://{}", dir.join("vault.sock").display())],
            addresses_from: "settings.vault.addresses".into(),
            mount: "secret".into(),
            prefix: "fedaws".into(),
            // A namespace per login, so that each keeps its own token between runs.
            namespace: Some(format!("ns{}", pick & 1)),
            ca_cert: ca.exists().then_some(ca),
            insecure_http: false,
            auth,
        },
    };
    let store = secret::open(Backend::Vault, secret::SERVICE, &places).expect("the store opens");
    let key = secret::account_key("ci");
    let mut errors = Vec::new();
    for op in 0..3u8 {
        let result = match (pick >> (1 + 2 * op)) & 3 {
            0 => store.get(&key).map(|v| {
                if let Some(v) = v {
                    assert!(
                        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(
                            v.expose_secret()
                        )
                        .is_ok(),
                        "an account's secret that is not a JSON object"
                    );
                }
            }),
            1 => store.keys().map(drop),
            2 => match store.describe(&key) {
                Some(r) => r.map(drop),
                None => Ok(()),
            },
            _ => store.keep_alive(),
        };
        if let Err(e) = result {
            errors.push(e.to_string());
        }
    }
    let value = secrecy::SecretString::from(
        r#"{"access_key_id":"AKIAFUZZFUZZFUZZ0001","secret_access_key":"fuzz"}"#.to_string(),
    );
    if let Err(e) = store.set(&key, &value) {
        errors.push(e.to_string());
    }
    if let Err(e) = store.delete(&key) {
        errors.push(e.to_string());
    }
    for error in errors {
        assert!(
            !error.contains(TOKEN) && !error.contains(SECRET_ID),
            "an error told a secret: {error}"
        );
    }
});
