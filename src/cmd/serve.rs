//! `fedaws serve CONNECTOR`: a local container-credentials endpoint until SIGINT or SIGTERM.

use std::io::Write;

use secrecy::ExposeSecret;

use crate::cli::ServeArgs;
use crate::context::Context;
use crate::format::posix_quote;

/// Serve until stopped.
pub fn run(args: ServeArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let running = super::serve_issue(&args.issue, args.port, ctx)?;
    // Listen for the signals before telling anyone where the server is, so a caller that stops
    // it as soon as it has read the exports still gets a clean shutdown.
    let signals = Signals::listen()?;
    writeln!(
        ctx.out,
        "export AWS_CONTAINER_CREDENTIALS_FULL_URI={}\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN={}",
        posix_quote(&running.uri),
        posix_quote(running.token.expose_secret())
    )?;
    ctx.out.flush()?;
    // Nothing more is written there: closing it lets `eval "$(setsid -f fedaws serve C)"` read
    // the two lines and go on while the server runs in the background.
    release_stdout();
    ctx.note(format!(
        "serving credentials of connector `{}` on {} until Ctrl-C (SIGINT) or SIGTERM",
        args.issue.connector, running.uri
    ));
    signals.wait();
    running.server.stop();
    ctx.note("stopped");
    Ok(())
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
