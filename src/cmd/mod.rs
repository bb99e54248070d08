//! One module per command. Each takes its parsed arguments and the [`Context`], turns the
//! arguments into a checked request before any I/O, and writes results to `ctx.out` only.

mod account;
mod audit;
mod aws_profile;
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
    }
}

/// Start a credential server for the request of `issue`, made by this process's user: obtained
/// once now (which also proves they may use it), and anew by contexts made like `ctx` on the
/// server's threads (`serve`, `exec --server`).
fn serve_issue(
    issue: &crate::cli::IssueArgs,
    port: u16,
    ctx: &mut Context,
) -> anyhow::Result<crate::server::Started> {
    let request = crate::issue::CredsRequest::from_args(issue);
    let caller = crate::issue::Caller::this_process(issue.system)?;
    let renew = ctx.renew.clone();
    crate::server::start_for(ctx, request, caller, port, move || Box::new(renew()))
}

/// Print warnings about a config that was just written.
fn print_warnings(ctx: &mut Context, warnings: &[crate::config::Problem]) {
    for w in warnings {
        ctx.warn(format!("{}: {}", w.subject, w.error));
    }
}
