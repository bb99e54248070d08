//! `fedaws serve [CONNECTOR]`: a local container-credentials endpoint until SIGINT or SIGTERM.
//!
//! With a connector, a server of that connector alone, as `exec --server` starts. Without one,
//! the user's shared server: every connector they may use, each at `/creds/CONNECTOR`, one
//! server per user, which says where it is in the user's runtime directory (its port in
//! `server.json`, its token in `server.token`, both 0600) so that a second `serve` finds it, and
//! `serve CONNECTOR` and `exec --server` use it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::cli::{RequestOptions, ServeArgs};
use crate::context::Context;
use crate::exit::UserError;
use crate::format::posix_quote;

/// Serve until stopped; or, where the user's shared server runs, say how to reach it.
pub fn run(args: ServeArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let Some(connector) = args.connector.clone() else {
        return serve_each(&args, ctx, &Place::of_user()?);
    };
    // Nothing but the connector given: a port or IMDS asked for is a server of its own.
    if args.port == 0
        && !args.imds
        && let Some(on) = on_shared(ctx, &connector, &args.options)?
    {
        writeln!(
            ctx.out,
            "export AWS_CONTAINER_CREDENTIALS_FULL_URI={}\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE={}",
            posix_quote(&on.uri),
            posix_quote(&on.token_file.to_string_lossy())
        )?;
        ctx.note(format!(
            "connector `{connector}` is served by your shared server (pid {}) at {}",
            on.pid, on.uri
        ));
        return Ok(());
    }
    let issue = crate::cli::IssueArgs {
        connector: connector.clone(),
        options: args.options.clone(),
    };
    let running = super::serve_issue(&issue, args.port, args.imds, ctx)?;
    // Listen for the signals before telling anyone where the server is, so a caller that stops
    // it as soon as it has read the exports still gets a clean shutdown.
    let signals = Signals::listen()?;
    writeln!(
        ctx.out,
        "export AWS_CONTAINER_CREDENTIALS_FULL_URI={}\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN={}",
        posix_quote(&running.uri),
        posix_quote(running.token.expose_secret())
    )?;
    if args.imds {
        writeln!(
            ctx.out,
            "export AWS_EC2_METADATA_SERVICE_ENDPOINT={}",
            posix_quote(&running.uri)
        )?;
    }
    ctx.out.flush()?;
    // Nothing more is written there: closing it lets `eval "$(setsid -f fedaws serve C)"` read
    // the two lines and go on while the server runs in the background.
    release_stdout();
    ctx.note(format!(
        "serving credentials of connector `{connector}` on {} until Ctrl-C (SIGINT) or SIGTERM",
        running.uri
    ));
    signals.wait();
    running.server.stop();
    ctx.note("stopped");
    Ok(())
}

/// The user's shared server: found where it runs, else started here until stopped.
fn serve_each(args: &ServeArgs, ctx: &mut Context, place: &Place) -> anyhow::Result<()> {
    let claim = crate::issue::cache::lock(
        &place.dir.join("server.lock"),
        Duration::from_secs(10),
        "serve",
    )?;
    let source = source_of(ctx, &args.options);
    if let Some(shared) = place.running() {
        if shared.source != source {
            let theirs = if shared.source.is_empty() {
                "what an older fedaws recorded".to_string()
            } else {
                format!("the connectors of {}", shared.source)
            };
            return Err(UserError::usage(format!(
                "your shared server (pid {}) serves {theirs}, not those of {source}; a user has one shared server: stop it first (kill {})",
                shared.pid, shared.pid
            ))
            .into());
        }
        print_shared(ctx, &shared.base(), place)?;
        ctx.note(format!(
            "your shared server runs already (pid {}), at {}CONNECTOR",
            shared.pid,
            shared.base()
        ));
        return Ok(());
    }
    let started = super::serve_each(&args.options, args.port, ctx)?;
    let port = started.server.addr.port();
    place.claim(port, &started.token, &source)?;
    drop(claim);
    let signals = Signals::listen()?;
    let base = format!("http://127.0.0.1:{port}/creds/");
    print_shared(ctx, &base, place)?;
    release_stdout();
    ctx.note(format!(
        "serving every connector you may use at {base}CONNECTOR until Ctrl-C (SIGINT) or SIGTERM; `eval \"$(fedaws serve CONNECTOR)\"` points a shell at one"
    ));
    signals.wait();
    place.release();
    started.server.stop();
    ctx.note("stopped");
    Ok(())
}

/// A connector on the user's shared server.
pub struct OnShared {
    /// The connector's URI there.
    pub uri: String,
    /// The token file.
    pub token_file: PathBuf,
    /// The region of the connector's credentials.
    pub region: String,
    /// The server's process.
    pub pid: u32,
}

/// Where the user's shared server serves `connector` to this command: when it runs, serves the
/// connectors of this command's source (the same config, or the same broker) with no options,
/// and `options` asks for nothing else. The credentials are had through it once, so a connector
/// the caller may not use fails here; through a broker they are asked for here first, so an
/// MFA code is asked at this terminal and the server then finds them in the broker's cache.
pub fn on_shared(
    ctx: &mut Context,
    connector: &str,
    options: &RequestOptions,
) -> anyhow::Result<Option<OnShared>> {
    if !options.is_default() {
        return Ok(None);
    }
    // A runtime directory that cannot be made private holds no record to trust: the connector
    // is then served alone, as it would be with no shared server.
    let Ok(place) = Place::of_user() else {
        return Ok(None);
    };
    let Some(shared) = place.running_of(&source_of(ctx, options)) else {
        return Ok(None);
    };
    let region = if ctx.broker.is_some() {
        super::obtain(ctx, &options.request(connector), false)?.region
    } else {
        let config = crate::issue::Services::config(ctx)?;
        config
            .connector(connector)
            .ok()
            .and_then(|c| c.region.clone())
            .unwrap_or_else(|| {
                crate::issue::plan::settings_region(&config, &|n| std::env::var(n).ok())
            })
    };
    shared.check(connector)?;
    Ok(Some(OnShared {
        uri: shared.uri_of(connector),
        token_file: place.token_file(),
        region,
        pid: shared.pid,
    }))
}

/// The lines that tell a shell where the shared server is: `FEDAWS_SERVER`, the URI to append a
/// connector's name to, and the token file the SDKs read.
fn print_shared(ctx: &mut Context, base: &str, place: &Place) -> anyhow::Result<()> {
    writeln!(
        ctx.out,
        "export FEDAWS_SERVER={}\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE={}",
        posix_quote(base),
        posix_quote(&place.token_file().to_string_lossy())
    )?;
    ctx.out.flush()?;
    Ok(())
}

/// Where the user's shared server says where it is.
pub struct Place {
    dir: PathBuf,
}

/// A shared server found running.
pub struct Shared {
    /// Its process.
    pub pid: u32,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Whose connectors it serves ([`source_of`]).
    pub source: String,
    token: SecretString,
}

/// Whose connectors a shared server started by the commands of `ctx` with `options` serves, and
/// how: a broker's (`broker SOCKET`) or those of a config file (`config PATH`), then the options
/// asked for (`--system`, `--region R`…). A command of another source, or with other options,
/// does not use it: the same name may be another connector there, or other credentials.
pub fn source_of(ctx: &Context, options: &RequestOptions) -> String {
    let (kind, path) = match &ctx.broker {
        Some(broker) => ("broker", &broker.path),
        None => ("config", &ctx.location.path),
    };
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
    // Compared as text: a path that is not UTF-8 is told by its bytes, not by a lossy form two
    // paths could share.
    let path = match path.to_str() {
        Some(text) => text.to_string(),
        None => format!(
            "(bytes {})",
            path.as_os_str()
                .as_encoded_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ),
    };
    let mut source = format!("{kind} {path}");
    if let Some(d) = &options.duration {
        source.push_str(&format!(" --duration {}s", d.0));
    }
    if let Some(r) = &options.region {
        source.push_str(&format!(" --region {r}"));
    }
    for (given, flag) in [
        (options.mfa_code.is_some(), " --mfa-code"),
        (options.no_cache, " --no-cache"),
        (options.refresh, " --refresh"),
        (options.system, " --system"),
    ] {
        if given {
            source.push_str(flag);
        }
    }
    source
}

impl Place {
    /// The user's: `fedaws` in their runtime directory (`XDG_RUNTIME_DIR`), else in their state
    /// directory, made private if it is not.
    pub fn of_user() -> anyhow::Result<Place> {
        let dir = crate::config::runtime_dir();
        crate::fsutil::ensure_private_dir(&dir, crate::trust::Role::StateDir)?;
        Ok(Place { dir })
    }

    /// The token file of the shared server (0600), which the SDKs read through
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`.
    pub fn token_file(&self) -> PathBuf {
        self.dir.join("server.token")
    }

    fn record(&self) -> PathBuf {
        self.dir.join("server.json")
    }

    /// The shared server, when one is recorded, its process lives, and it answers as a shared
    /// server of this token does.
    pub fn running(&self) -> Option<Shared> {
        let record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(self.record()).ok()?).ok()?;
        let pid = u32::try_from(record["pid"].as_u64()?).ok()?;
        let port = u16::try_from(record["port"].as_u64()?).ok()?;
        let source = record["source"].as_str().unwrap_or_default().to_string();
        let token = SecretString::from(std::fs::read_to_string(self.token_file()).ok()?);
        let shared = Shared {
            pid,
            port,
            source,
            token,
        };
        // A shared server refuses `/creds/` (no connector) with 404 when the token is right.
        (shared.get("/creds/").ok()?.0 == 404).then_some(shared)
    }

    /// [`Place::running`], when it serves the connectors of `source` ([`source_of`]).
    pub fn running_of(&self, source: &str) -> Option<Shared> {
        self.running().filter(|s| s.source == source)
    }

    /// Record a shared server started here: the token first, then where it listens.
    fn claim(&self, port: u16, token: &SecretString, source: &str) -> anyhow::Result<()> {
        crate::fsutil::write_atomic(&self.token_file(), token.expose_secret().as_bytes())?;
        let record =
            serde_json::json!({ "pid": std::process::id(), "port": port, "source": source });
        crate::fsutil::write_atomic(&self.record(), record.to_string().as_bytes())?;
        Ok(())
    }

    /// Remove the record of the server started here (not one started since by another).
    fn release(&self) {
        let ours = std::fs::read(self.record())
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .is_some_and(|r| r["pid"].as_u64() == Some(u64::from(std::process::id())));
        if ours {
            let _ = std::fs::remove_file(self.record());
            let _ = std::fs::remove_file(self.token_file());
        }
    }
}

impl Shared {
    /// `http://127.0.0.1:PORT/creds/`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/creds/", self.port)
    }

    /// The URI of `connector`'s credentials.
    pub fn uri_of(&self, connector: &str) -> String {
        format!("{}{connector}", self.base())
    }

    /// Whether the server serves `connector` to this user: its credentials are had now (so the
    /// first SDK to ask does not wait), or the error says why not.
    pub fn check(&self, connector: &str) -> anyhow::Result<()> {
        let (status, body) = self.get(&format!("/creds/{connector}"))?;
        if status == 200 {
            return Ok(());
        }
        let said: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        Err(UserError::failure(format!(
            "your shared server (pid {}) cannot serve connector `{connector}`: {}",
            self.pid,
            said["message"].as_str().unwrap_or("no reason given")
        ))
        .into())
    }

    /// `GET path` with the token: the status and the body. The token goes only to a port whose
    /// listener is the user's own, as far as the kernel says (Linux), and while the recorded
    /// process lives: a record that outlived its server must not send the token to whoever
    /// took the port since.
    fn get(&self, path: &str) -> anyhow::Result<(u16, String)> {
        #[cfg(unix)]
        if let Some(pid) = rustix::process::Pid::from_raw(i32::try_from(self.pid).unwrap_or(0))
            && rustix::process::test_kill_process(pid).is_err()
        {
            anyhow::bail!("the shared server's process ({}) is gone", self.pid);
        }
        let mut stream = TcpStream::connect_timeout(
            &std::net::SocketAddr::from(([127, 0, 0, 1], self.port)),
            Duration::from_secs(2),
        )?;
        let (local, peer) = (stream.local_addr()?, stream.peer_addr()?);
        // The server's end of this connection is owned by whoever listens. On Linux the kernel
        // must say it is this user (where it cannot, in a sandbox without netlink, the record is
        // not trusted); elsewhere nothing can say, and the live process is what there is.
        let owner = crate::identity::loopback::tcp_client_owner(local, peer);
        if cfg!(target_os = "linux") && owner.is_none() {
            anyhow::bail!(
                "the kernel cannot say who holds 127.0.0.1:{}, so the token is not sent there",
                self.port
            );
        }
        if let Some(uid) = owner
            && uid != crate::identity::current_uid()
        {
            anyhow::bail!(
                "127.0.0.1:{} is held by uid {uid}, not by your shared server",
                self.port
            );
        }
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let request = zeroize::Zeroizing::new(format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
            self.token.expose_secret()
        ));
        stream.write_all(request.as_bytes())?;
        let mut answer = zeroize::Zeroizing::new(Vec::new());
        stream.read_to_end(&mut answer)?;
        let text = String::from_utf8_lossy(&answer);
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("the shared server's answer is not HTTP"))?;
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        // What a 200 carries is not kept here.
        let body = if status == 200 {
            String::new()
        } else {
            body.to_string()
        };
        Ok((status, body))
    }
}

impl RequestOptions {
    /// Nothing given beside the connector (a shared server serves such requests).
    pub fn is_default(&self) -> bool {
        self.duration.is_none()
            && self.region.is_none()
            && self.mfa_code.is_none()
            && !self.no_cache
            && !self.refresh
            && !self.system
    }
}

/// Point stdout at `/dev/null`, which closes the pipe or file it was (best effort).
fn release_stdout() {
    #[cfg(unix)]
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        let _ = rustix::stdio::dup2_stdout(&null);
    }
}

/// SIGINT and SIGTERM, caught from the moment this is made.
struct Signals {
    runtime: tokio::runtime::Runtime,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn listen() -> anyhow::Result<Signals> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let _entered = runtime.enter();
            let interrupt = signal(SignalKind::interrupt())?;
            let terminate = signal(SignalKind::terminate())?;
            drop(_entered);
            Ok(Signals {
                runtime,
                interrupt,
                terminate,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals { runtime })
    }

    /// Block until one of them arrives.
    fn wait(self) {
        #[cfg(unix)]
        {
            let Signals {
                runtime,
                mut interrupt,
                mut terminate,
            } = self;
            runtime.block_on(async {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
            });
        }
        #[cfg(not(unix))]
        {
            let _ = self.runtime.block_on(tokio::signal::ctrl_c());
        }
    }
}
