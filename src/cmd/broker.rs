//! `fedaws broker run`: the broker in the foreground (see [`crate::broker::daemon`]).

use crate::cli::{BrokerCommand, BrokerRunArgs};
use crate::context::Context;

/// Dispatch `fedaws broker …`.
pub fn run(command: BrokerCommand, ctx: &mut Context) -> anyhow::Result<()> {
    match command {
        BrokerCommand::Run(args) => serve(args, ctx),
    }
}

#[cfg(unix)]
fn serve(args: BrokerRunArgs, ctx: &mut Context) -> anyhow::Result<()> {
    // The broker's config is the one it was given, else the system's (never a user's own).
    let location = if ctx.location_explicit {
        ctx.location.clone()
    } else {
        crate::config::locate(Some(&crate::config::system_config_path()))
    };
    crate::broker::daemon::run(crate::broker::daemon::Options {
        location,
        socket: args.socket,
        allow_root: args.allow_root,
        keyring: ctx.keyring_flag,
        verbose: ctx.verbose,
        run: super::run,
    })
}

#[cfg(not(unix))]
fn serve(_args: BrokerRunArgs, _ctx: &mut Context) -> anyhow::Result<()> {
    Err(crate::exit::UserError::usage(crate::broker::NEEDS_UNIX).into())
}
