//! A load generator for the broker: `CONNS` keep-alive connections to its socket, each sending
//! `POST /v1/creds` for `CONNECTOR` back to back until `TOTAL` answers have come; prints the
//! answers per second and the latency percentiles as one JSON line.
//!
//! `cargo run --release --example broker_load -- SOCKET CONNECTOR CONNS TOTAL`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, socket, connector, conns, total] = args.as_slice() else {
        eprintln!("usage: broker_load SOCKET CONNECTOR CONNS TOTAL");
        std::process::exit(2);
    };
    let conns: usize = conns.parse().expect("CONNS is a number");
    let total: usize = total.parse().expect("TOTAL is a number");
    let body = format!("{{\"connector\":\"{connector}\"}}");
    let request = Arc::new(format!(
        "POST /v1/creds HTTP/1.1\r\nHost: fedaws\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    let left = Arc::new(AtomicUsize::new(total));
    let started = Instant::now();
    let workers: Vec<_> = (0..conns)
        .map(|_| {
            let (socket, request, left) = (socket.clone(), request.clone(), left.clone());
            std::thread::spawn(move || {
                let stream = UnixStream::connect(&socket).expect("connect to the broker");
                let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
                let mut writer = stream;
                let mut latencies = Vec::new();
                while left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
                {
                    let sent = Instant::now();
                    writer
                        .write_all(request.as_bytes())
                        .expect("send a request");
                    let status = read_answer(&mut reader);
                    assert_eq!(status, 200, "the broker refused a request");
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all: Vec<Duration> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("a worker"))
        .collect();
    let wall = started.elapsed();
    all.sort();
    let at = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "{{\"requests\": {}, \"connections\": {conns}, \"per_second\": {:.0}, \"p50_ms\": {:.3}, \"p99_ms\": {:.3}, \"max_ms\": {:.3}}}",
        all.len(),
        all.len() as f64 / wall.as_secs_f64(),
        at(0.50),
        at(0.99),
        at(1.0)
    );
}

/// Read one answer (status line, headers, a `content-length` body): its status.
fn read_answer(reader: &mut BufReader<UnixStream>) -> u16 {
    let mut line = String::new();
    reader.read_line(&mut line).expect("read the status line");
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("an HTTP status line");
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).expect("read a header");
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().expect("a content length");
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("read the body");
    status
}
