//! What reaches the broker's socket: any bytes as one connection, served by the connection
//! code the broker uses (heads capped, keep-alive, deadlines), each request read as the broker
//! reads it (route, then a JSON body of at most its size), a command line parsed and placed by
//! the access policy, as for a real request (no STS, no store). Nothing panics or hangs, a
//! refusal is a 4xx with the broker's error body, and every answer is a well-formed response.
#![no_main]

use std::sync::LazyLock;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use fedaws::broker::access;
use fedaws::broker::daemon::{Asked, parse_command_line, read_request};
use fedaws::conns::{ConnState, Deadlines};
use http_body_util::Full;
use hyper::{Response, StatusCode};
use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
});

/// The broker's bounds, with deadlines short enough for a fuzzer (the input is all there is).
const DEADLINES: Deadlines = Deadlines {
    first: Duration::from_secs(2),
    idle: Duration::from_secs(2),
    max_head: fedaws::conns::DEADLINES.max_head,
};

async fn answer(request: hyper::Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    match read_request(request).await {
        Ok(Asked::Creds(body)) => match body.request() {
            Ok(_) => fedaws::conns::json(StatusCode::OK, "{}"),
            Err(_) => fedaws::conns::json(StatusCode::BAD_REQUEST, "{}"),
        },
        Ok(Asked::Run(body)) => {
            if let Ok(cli) = parse_command_line(&body.args) {
                let _ = access::placement(&cli.command);
                let _ = access::not_for_peers(&cli.command);
                let _ = access::command_words(&cli.command);
                let change = fedaws::broker::record::Change::of(&cli.command);
                let _ = change.event(("alice", 1000, None), None);
            }
            fedaws::conns::json(StatusCode::OK, "{}")
        }
        Err(refused) => {
            let status = refused.status();
            assert!(
                (400..500).contains(&status),
                "a request the broker cannot read is refused with {status}: {}",
                refused.message
            );
            let body = serde_json::to_vec(&refused).expect("an error body serializes");
            fedaws::conns::json(StatusCode::from_u16(status).expect("a status"), body)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    RUNTIME.block_on(async {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let serving = tokio::spawn(fedaws::conns::serve(
            server,
            ConnState::new(),
            DEADLINES,
            |request, state| async move {
                let response = answer(request).await;
                state.proven.store(true, Ordering::SeqCst);
                response
            },
        ));
        let (mut reading, mut writing) = tokio::io::split(&mut client);
        let write = async {
            let _ = writing.write_all(data).await;
            let _ = writing.shutdown().await;
        };
        let mut out = Vec::new();
        let read = reading.read_to_end(&mut out);
        let (_, _) = tokio::join!(write, read);
        serving
            .await
            .expect("the connection's task ends without a panic");
        // Every answer starts as an HTTP/1 response (1.0 to a 1.0 request).
        if !out.is_empty() {
            assert!(
                out.starts_with(b"HTTP/1.1 ") || out.starts_with(b"HTTP/1.0 "),
                "not a response: {:?}",
                String::from_utf8_lossy(&out)
            );
        }
    });
});
