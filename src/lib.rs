//! fedaws: a command-line AWS credential broker.
//!
//! Accounts (long-term IAM user keys) live in the OS secret store; connectors in a TOML file say
//! how temporary credentials are derived from them through STS. This crate is the library behind
//! the `fedaws` binary: [`main_entry`] parses the command line and dispatches to one module per
//! command under [`cmd`]; the domain modules ([`config`], [`validate`], [`principal`], [`secret`])
//! do no printing and know nothing of clap.

pub mod audit;
pub mod authz;
pub mod aws_config;
pub mod broker;
pub mod cli;
pub mod cmd;
pub mod complete;
pub mod config;
pub mod conns;
pub mod console;
pub mod context;
pub mod error;
pub mod exit;
pub mod format;
pub mod fsutil;
pub mod hardening;
pub mod identity;
pub mod issue;
pub mod manual;
pub mod output;
pub mod partition;
pub mod policies;
pub mod principal;
pub mod prompt;
pub mod rotate;
pub mod secret;
pub mod server;
pub mod sts;
pub mod trust;
pub mod validate;

use std::io::Write;
use std::process::ExitCode;

use crate::exit::Exit;

/// Parse `std::env::args`, run the command, and map the outcome to an exit code.
pub fn main_entry() -> ExitCode {
    hardening::protect_process();
    // A keeper of a console sign-in page (see `console::open_in_browser`): it keeps the page,
    // and nothing else.
    console::keep_page_if_asked();
    // The shell asking for completions (COMPLETE=SHELL): answered, and nothing else done.
    complete::answer_the_shell();
    let cli = match <cli::Cli as clap::Parser>::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help asked for: rendered again from the command line with its examples, which
            // only help needs (every other run is spared building them).
            let help = matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp
                    | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            );
            let e = if help {
                manual::command().try_get_matches().err().unwrap_or(e)
            } else {
                e
            };
            let code = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    let mut ctx = context::Context::from_cli(&cli.global);
    let result = cmd::run(cli.command, &mut ctx);
    let _ = ctx.out.flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if exit::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<exit::ChildExit>().is_some() => {
            ExitCode::from(e.downcast_ref::<exit::ChildExit>().map_or(1, |c| c.0))
        }
        Err(e) => {
            error::report(&e, &mut ctx.err);
            ExitCode::from(error::exit_for(&e) as u8)
        }
    }
}
