//! `fedaws creds CONNECTOR`: issue temporary credentials and print them in the asked format.

use std::io::Write;

use crate::cli::CredsArgs;
use crate::context::Context;
use crate::format::{Format, Output};

/// Print credentials. On any failure stdout stays empty.
pub fn run(args: CredsArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let format = args.format.unwrap_or(if ctx.stdout_is_terminal {
        Format::Table
    } else {
        Format::Env
    });
    let request = args.issue.request();
    let obtained = super::obtain(ctx, &request, args.issue.options.system)?;
    // The text holds the secret parts: wiped from memory once written.
    let text = zeroize::Zeroizing::new(
        Output {
            creds: &obtained.creds,
            region: &obtained.region,
            connector: &request.connector,
        }
        .render(format),
    );
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}
