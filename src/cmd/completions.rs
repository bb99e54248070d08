//! `fedaws completions SHELL`: completion scripts, also kept in `completions/`.

use clap::CommandFactory;
use clap_complete::Shell as Target;

use crate::cli::{Cli, CompletionsArgs, Shell};
use crate::context::Context;

/// Print the script for one shell.
pub fn run(args: CompletionsArgs, ctx: &mut Context) -> anyhow::Result<()> {
    ctx.out.write_all(&generate(args.shell))?;
    Ok(())
}

/// The completion script for `shell`, as bytes.
pub fn generate(shell: Shell) -> Vec<u8> {
    let target = match shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
        Shell::Powershell => Target::PowerShell,
        Shell::Elvish => Target::Elvish,
    };
    let mut out = Vec::new();
    clap_complete::generate(target, &mut Cli::command(), "fedaws", &mut out);
    out
}
