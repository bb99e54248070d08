//! `fedaws serve CONNECTOR`: a local container-credentials endpoint until SIGINT or SIGTERM.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;

use crate::cli::{Global, IssueArgs, ServeArgs};
use crate::config::Depth;
use crate::context::Context;
use crate::format::posix_quote;
use crate::server::{self, Server};

/// Serve until stopped.
pub fn run(args: ServeArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let running = start(&args.issue, args.port, ctx)?;
    writeln!(
        ctx.out,
        "export AWS_CONTAINER_CREDENTIALS_FULL_URI={}\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN={}",
        posix_quote(&running.uri),
        posix_quote(running.token.expose_secret())
    )?;
    ctx.out.flush()?;
    ctx.note(format!(
        "serving credentials of connector `{}` on {} until Ctrl-C (SIGINT) or SIGTERM",
        args.issue.connector, running.uri
    ));
    wait_for_signal()?;
    running.server.stop();
    ctx.note("stopped");
    Ok(())
}

/// A started server with what a client needs to reach it.
pub struct Started {
    /// The server.
    pub server: server::Running,
    /// `http://127.0.0.1:PORT/`.
    pub uri: String,
    /// The bearer token.
    pub token: secrecy::SecretString,
    /// The region of the credentials.
    pub region: String,
}

/// Check that the caller may use the connector (by obtaining credentials once, which also
/// records it in the audit log), then start serving them.
pub fn start(issue: &IssueArgs, port: u16, ctx: &mut Context) -> anyhow::Result<Started> {
    let config = ctx.load(Depth::Shallow)?;
    let margin = Duration::from_secs(
        config
            .settings
            .refresh_margin
            .map_or(super::creds::DEFAULT_REFRESH_MARGIN, u64::from),
    );
    let (first, region) = super::creds::obtain(issue, ctx)?;
    let global: Global = ctx.global.clone();
    let request = issue.clone();
    let source: Arc<server::Source> = Arc::new(move || {
        let mut ctx = Context::from_cli(&global);
        super::creds::obtain(&request, &mut ctx).map(|(c, _)| c)
    });
    let token = server::new_token()?;
    let srv = Server::new(token.clone(), margin, source);
    tokio::runtime::Builder::new_current_thread()
        .build()?
        .block_on(srv.prime(first));
    let running = server::start(srv, port)?;
    let uri = format!("http://{}/", running.addr);
    Ok(Started {
        server: running,
        uri,
        token,
        region,
    })
}

/// Block until SIGINT or SIGTERM.
fn wait_for_signal() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            #[cfg(unix)]
            {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
                tokio::select! {
                    r = tokio::signal::ctrl_c() => r,
                    _ = term.recv() => Ok(()),
                }
            }
            #[cfg(not(unix))]
            {
                tokio::signal::ctrl_c().await
            }
        })?;
    Ok(())
}
