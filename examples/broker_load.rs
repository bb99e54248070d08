//! A load generator for the broker and the credential server: `CONNS` keep-alive connections,
//! each sending its request until `TOTAL` answers have come; prints the answers per second and
//! the latency percentiles as one JSON line. To a broker's socket (a path), the request is
//! `POST /v1/creds` for `CONNECTOR`; to a credential server (`127.0.0.1:PORT`), it is `GET PATH`
//! with the headers in `LOAD_HEADERS` (lines of `Name: value`: the token).
//!
//! With `RATE` 0 every connection sends its next request as soon as the last is answered (the
//! most the broker can answer). With a `RATE`, the connections together send that many requests
//! per second on a fixed schedule, and each latency counts from when its request was due, so a
//! broker that falls behind is charged for the wait (no coordinated omission).
//!
//! `cargo run --release --example broker_load -- SOCKET CONNECTOR CONNS TOTAL [RATE]`
//! `cargo run --release --example broker_load -- 127.0.0.1:PORT PATH CONNS TOTAL [RATE]`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::rc::Rc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::time::Instant;

/// A connection, to a Unix socket or a TCP port.
trait Io: AsyncRead + AsyncWrite + Unpin {}
impl<T: AsyncRead + AsyncWrite + Unpin> Io for T {}

async fn connect(target: &str) -> Box<dyn Io> {
    match target.parse::<std::net::SocketAddr>() {
        Ok(addr) => Box::new(tokio::net::TcpStream::connect(addr).await.expect("connect")),
        Err(_) => Box::new(
            tokio::net::UnixStream::connect(target)
                .await
                .expect("connect to the broker"),
        ),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (socket, connector, conns, total, rate) = match args.as_slice() {
        [_, s, c, n, t] => (s, c, n, t, "0"),
        [_, s, c, n, t, r] => (s, c, n, t, r.as_str()),
        _ => {
            eprintln!(
                "usage: broker_load SOCKET CONNECTOR CONNS TOTAL [RATE], or 127.0.0.1:PORT PATH CONNS TOTAL [RATE]"
            );
            std::process::exit(2);
        }
    };
    let conns: usize = conns.parse().expect("CONNS is a number");
    let total: usize = total.parse().expect("TOTAL is a number");
    let rate: f64 = rate.parse().expect("RATE is a number");
    // Each connection's gap between due times.
    let every = (rate > 0.0).then(|| Duration::from_secs_f64(conns as f64 / rate));
    let request = Rc::new(if socket.parse::<std::net::SocketAddr>().is_ok() {
        let headers = std::env::var("LOAD_HEADERS").unwrap_or_default();
        let headers: String = headers
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| format!("{l}\r\n"))
            .collect();
        format!("GET {connector} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n")
    } else {
        let body = format!("{{\"connector\":\"{connector}\"}}");
        format!(
            "POST /v1/creds HTTP/1.1\r\nHost: fedaws\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    });
    // One thread drives every connection, so the generator takes little of the machine and its
    // own scheduling adds little to what is measured.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let local = tokio::task::LocalSet::new();
    let (mut all, wall) = local.block_on(&runtime, async {
        let started = Instant::now();
        let mut workers = Vec::new();
        for i in 0..conns {
            let share = total / conns + usize::from(i < total % conns);
            let offset = every.map(|gap| gap.mul_f64(i as f64 / conns as f64));
            let (socket, request) = (socket.clone(), request.clone());
            workers.push(tokio::task::spawn_local(async move {
                let stream = connect(&socket).await;
                let (read, mut write) = tokio::io::split(stream);
                let mut reader = BufReader::new(read);
                let mut latencies = Vec::with_capacity(share);
                let mut due = Instant::now() + offset.unwrap_or_default();
                for _ in 0..share {
                    let sent = match every {
                        Some(gap) => {
                            tokio::time::sleep_until(due).await;
                            let was_due = due;
                            due += gap;
                            was_due
                        }
                        None => Instant::now(),
                    };
                    write
                        .write_all(request.as_bytes())
                        .await
                        .expect("send a request");
                    let status = read_answer(&mut reader).await;
                    assert_eq!(status, 200, "a request was refused");
                    latencies.push(sent.elapsed());
                }
                latencies
            }));
        }
        let mut all = Vec::with_capacity(total);
        for w in workers {
            all.extend(w.await.expect("a connection"));
        }
        (all, started.elapsed())
    });
    all.sort();
    let at = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "{{\"requests\": {}, \"connections\": {conns}, \"rate\": {rate}, \"per_second\": {:.0}, \"p50_ms\": {:.3}, \"p99_ms\": {:.3}, \"max_ms\": {:.3}}}",
        all.len(),
        all.len() as f64 / wall.as_secs_f64(),
        at(0.50),
        at(0.99),
        at(1.0)
    );
}

/// Read one answer (status line, headers, a `content-length` body): its status.
async fn read_answer(reader: &mut BufReader<tokio::io::ReadHalf<Box<dyn Io>>>) -> u16 {
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .await
        .expect("read the status line");
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("an HTTP status line");
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).await.expect("read a header");
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
    reader.read_exact(&mut body).await.expect("read the body");
    status
}
