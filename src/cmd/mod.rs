//! One module per command. Each takes its parsed arguments and the [`Context`], turns the
//! arguments into a checked request before any I/O, and writes results to `ctx.out` only.

mod account;
mod audit;
mod aws_profile;
mod broker;
mod cache;
mod check;
mod completions;
mod connector;
mod console;
mod creds;
mod dialog;
mod exec;
mod group;
mod init;
mod policy;
mod serve;
mod whoami;

use crate::cli::Command;
use crate::context::Context;

pub use completions::generate as generate_completions;

/// Run one command.
pub fn run(command: Command, ctx: &mut Context) -> anyhow::Result<()> {
    if let Some(broker) = &ctx.broker
        && let Some(name) = local_only(&command)
    {
        return Err(crate::error::UserError::usage(format!(
            "`fedaws {name}` does not work through a broker yet, and commands through one never read your local config (broker {})",
            broker.path.display()
        ))
        .into());
    }
    match command {
        Command::Init(args) => init::run(args, ctx),
        Command::Account(c) => account::run(c, ctx),
        Command::Connector(c) => connector::run(c, ctx),
        Command::Group(c) => group::run(c, ctx),
        Command::Policy(c) => policy::run(c, ctx),
        Command::Creds(args) => creds::run(args, ctx),
        Command::Exec(args) => exec::run(args, ctx),
        Command::AwsProfile(c) => aws_profile::run(c, ctx),
        Command::Cache(c) => cache::run(c, ctx),
        Command::Console(args) => console::run(args, ctx),
        Command::Serve(args) => serve::run(args, ctx),
        Command::Whoami(args) => whoami::run(args, ctx),
        Command::Audit(args) => audit::run(args, ctx),
        Command::Check(args) => check::run(args, ctx),
        Command::Completions(args) => completions::run(args, ctx),
        Command::Broker(c) => broker::run(c, ctx),
    }
}

/// The name of a command that reads the local config, secret store or cache, which a command
/// sent through a broker must not do; `None` for those that work through one.
fn local_only(command: &Command) -> Option<&'static str> {
    match command {
        Command::Creds(_)
        | Command::Exec(_)
        | Command::Serve(_)
        | Command::Console(_)
        | Command::AwsProfile(_)
        | Command::Policy(_)
        | Command::Completions(_)
        | Command::Init(_)
        | Command::Broker(_) => None,
        Command::Account(_) => Some("account"),
        Command::Connector(_) => Some("connector"),
        Command::Group(_) => Some("group"),
        Command::Cache(_) => Some("cache"),
        Command::Whoami(_) => Some("whoami"),
        Command::Audit(_) => Some("audit"),
        Command::Check(_) => Some("check"),
    }
}

/// Credentials for `request`, made by this process's user: from the broker, when commands go
/// through one, else from the issuing core here (and audited here).
fn obtain(
    ctx: &mut Context,
    request: &crate::issue::CredsRequest,
    system: bool,
) -> anyhow::Result<crate::issue::Obtained> {
    match &ctx.broker {
        Some(broker) => broker.creds(request, system),
        None => {
            let caller = crate::issue::Caller::this_process(system)?;
            crate::issue::obtain_audited(ctx, request, &caller)
        }
    }
}

/// Start a credential server for the request of `issue`, made by this process's user: obtained
/// once now (which also proves they may use it), and anew as they run out, by contexts made like
/// `ctx` on the server's threads, or by the broker (`serve`, `exec --server`).
fn serve_issue(
    issue: &crate::cli::IssueArgs,
    port: u16,
    ctx: &mut Context,
) -> anyhow::Result<crate::server::Started> {
    let request = crate::issue::CredsRequest::from_args(issue);
    let system = issue.system;
    if let Some(broker) = ctx.broker.clone() {
        let first = broker.creds(&request, system)?;
        let source = std::sync::Arc::new(move || broker.creds(&request, system).map(|o| o.creds));
        // The broker's cache refreshes by its own margin; this one asks it in good time.
        let margin = crate::issue::DEFAULT_REFRESH_MARGIN;
        return crate::server::start_with(first, margin, source, port);
    }
    let caller = crate::issue::Caller::this_process(system)?;
    let renew = ctx.renew.clone();
    crate::server::start_for(ctx, request, caller, port, move || Box::new(renew()))
}

/// Print warnings about a config that was just written.
fn print_warnings(ctx: &mut Context, warnings: &[crate::config::Problem]) {
    for w in warnings {
        ctx.warn(format!("{}: {}", w.subject, w.error));
    }
}
