//! One module per command. Each takes its parsed arguments and the [`Context`], turns the
//! arguments into a checked request before any I/O, and writes results to `ctx.out` only.

mod account;
mod account_rotate;
mod audit;
mod aws_profile;
mod broker;
mod cache;
mod check;
mod completions;
mod connector;
mod console;
mod creds;
pub mod dialog;
mod exec;
mod group;
mod init;
mod policy;
mod serve;
mod whoami;

use std::io::Write;

use crate::cli::Command;
use crate::context::Context;

pub use completions::generate as generate_completions;

/// Run one command.
pub fn run(command: Command, ctx: &mut Context) -> anyhow::Result<()> {
    if let Some(broker) = ctx.broker.clone()
        && crate::broker::access::placement(&command) != crate::broker::access::Placement::Client
    {
        return in_broker(&broker, &command, ctx);
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

/// Have the broker run this command line for this process's user, and print what it printed.
fn in_broker(
    broker: &crate::broker::client::Broker,
    command: &Command,
    ctx: &mut Context,
) -> anyhow::Result<()> {
    let mut args = crate::broker::client::command_line()?;
    let mut stdin = None;
    if let Command::Account(c) = command
        && let Some(keys) = account::keys_to_send(c, ctx)?
    {
        let (changed, input) = crate::broker::client::keys_on_stdin(args, &keys);
        (args, stdin) = (changed, Some(input));
    }
    let prompter = ctx.interactive.then_some(ctx.prompter.as_ref());
    let answer = broker.run(
        args,
        stdin.as_deref().map(String::as_str),
        ctx.stdout_is_terminal,
        prompter,
    )?;
    ctx.out.write_all(answer.stdout.as_bytes())?;
    ctx.err.write_all(answer.stderr.as_bytes())?;
    match answer.exit {
        0 => Ok(()),
        code => Err(crate::exit::ChildExit(code).into()),
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
        Some(broker) => {
            let refused = match broker.creds(request, system) {
                Ok(obtained) => return Ok(obtained),
                Err(e) => e,
            };
            // The account needs an MFA code: asked here, at this process's terminal, and the
            // request sent again with it.
            let serial = refused
                .chain()
                .find_map(|e| e.downcast_ref::<crate::broker::client::Refused>())
                .and_then(|r| r.mfa_serial.clone());
            let code = match serial {
                Some(serial) if !ctx.no_input && request.mfa_code.is_none() => {
                    crate::issue::mfa::ask_on_terminal(&serial)?
                }
                _ => None,
            };
            match code {
                Some(code) => {
                    let with_code = crate::issue::CredsRequest {
                        mfa_code: Some(code),
                        ..request.clone()
                    };
                    broker.creds(&with_code, system)
                }
                None => Err(refused),
            }
        }
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
    imds: bool,
    ctx: &mut Context,
) -> anyhow::Result<crate::server::Started> {
    let request = issue.request();
    let system = issue.options.system;
    if let Some(broker) = ctx.broker.clone() {
        let first = broker.creds(&request, system)?;
        let source = std::sync::Arc::new(move || broker.creds(&request, system).map(|o| o.creds));
        // The broker's cache refreshes by its own margin; this one asks it in good time.
        let margin = crate::issue::DEFAULT_REFRESH_MARGIN;
        let role = imds.then_some(issue.connector.as_str());
        return crate::server::start_with(first, margin, source, port, role);
    }
    let caller = crate::issue::Caller::this_process(system)?;
    let renew = ctx.renew.clone();
    crate::server::start_for(ctx, request, caller, port, imds, move || Box::new(renew()))
}

/// Start the user's shared credential server: every connector they may use, at
/// `/creds/CONNECTOR`, each obtained when first asked for (by contexts made like `ctx`, or by the
/// broker) with `options`, and refreshed ahead while in use.
fn serve_each(
    options: &crate::cli::RequestOptions,
    port: u16,
    ctx: &mut Context,
) -> anyhow::Result<crate::server::Started> {
    let system = options.system;
    let options = options.clone();
    if let Some(broker) = ctx.broker.clone() {
        let sources: std::sync::Arc<crate::server::Sources> =
            std::sync::Arc::new(move |name: &str| {
                broker
                    .creds(&options.request(name), system)
                    .map(|o| o.creds)
            });
        return crate::server::start_each(crate::issue::DEFAULT_REFRESH_MARGIN, sources, port);
    }
    let margin = crate::issue::Services::config(ctx)?
        .settings
        .refresh_margin_or(crate::issue::DEFAULT_REFRESH_MARGIN);
    let caller = crate::issue::Caller::this_process(system)?;
    let renew = ctx.renew.clone();
    let sources: std::sync::Arc<crate::server::Sources> = std::sync::Arc::new(move |name: &str| {
        let mut services = renew();
        crate::issue::obtain_audited(&mut services, &options.request(name), &caller)
            .map(|o| o.creds)
    });
    crate::server::start_each(margin, sources, port)
}

/// Whose things a listing shows: `None` for everything (local mode, where the config is the
/// caller's own, or a broker's administrator), else the identity of the broker's peer, who sees
/// their own only.
fn own_only(
    ctx: &Context,
    config: &crate::config::Config,
) -> anyhow::Result<Option<crate::authz::Identity>> {
    if ctx.peer.is_none() {
        return Ok(None);
    }
    let id = ctx.identity(false)?;
    Ok(id.admin(config).is_none().then_some(id))
}

/// Set each field whose value the command line gave; leave the others as they are.
fn set_given<const N: usize>(fields: [(&mut Option<String>, &Option<String>); N]) {
    for (field, value) in fields {
        if value.is_some() {
            field.clone_from(value);
        }
    }
}

/// Print warnings about a config that was just written.
fn print_warnings(ctx: &mut Context, warnings: &[crate::config::Problem]) {
    for w in warnings {
        ctx.warn(format!("{}: {}", w.subject, w.error));
    }
}
