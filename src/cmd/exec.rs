//! `fedaws exec CONNECTOR -- CMD…`: run a program with temporary credentials in its environment.
//!
//! On Unix fedaws replaces itself with the program (`execvp`), so the program's exit code and
//! signals are the caller's without any forwarding, and no fedaws process lingers. With
//! `--server` it stays, serving credentials to the program until it exits.

use crate::cli::ExecArgs;
use crate::context::Context;
use crate::exit::UserError;
use crate::format::Output;

/// The variable that marks a process as running under `fedaws exec`.
pub const MARKER: &str = "FEDAWS_CONNECTOR";

/// Variables that would override or confuse the credentials given to the child.
const REMOVED: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// Run the command.
pub fn run(args: ExecArgs, ctx: &mut Context) -> anyhow::Result<()> {
    if let Some(outer) = std::env::var_os(MARKER).filter(|v| !v.is_empty())
        && !args.force
    {
        return Err(UserError::usage(format!(
            "already inside `fedaws exec {}`: nesting would mix two sets of credentials; leave that shell first, or add --force",
            outer.to_string_lossy()
        ))
        .into());
    }
    let mut argv = args.command.clone();
    if argv.is_empty() {
        argv.push(std::env::var("SHELL").unwrap_or_else(|_| "/bin/sh".into()));
    }
    if args.server {
        return with_server(&args, argv, ctx);
    }
    let request = args.issue.request();
    let obtained = super::obtain(ctx, &request, args.issue.options.system)?;
    let mut child = std::process::Command::new(&argv[0]);
    child.args(&argv[1..]);
    for var in REMOVED {
        child.env_remove(var);
    }
    let output = Output {
        creds: &obtained.creds,
        region: &obtained.region,
        connector: &args.issue.connector,
    };
    for (k, v) in output.variables() {
        child.env(k, v);
    }
    child.env(MARKER, &args.issue.connector);
    ctx.out.flush()?;
    spawn(child, &argv[0])
}

#[cfg(unix)]
fn spawn(mut child: std::process::Command, program: &str) -> anyhow::Result<()> {
    use std::os::unix::process::CommandExt;
    let err = crate::hardening::for_child(|| child.exec());
    Err(UserError::usage(format!("cannot run `{program}`: {err}")).into())
}

#[cfg(not(unix))]
fn spawn(mut child: std::process::Command, program: &str) -> anyhow::Result<()> {
    let status = child
        .status()
        .map_err(|e| UserError::usage(format!("cannot run `{program}`: {e}")))?;
    std::process::exit(status.code().unwrap_or(1));
}

/// `exec --server`: the child gets a local credential server instead of the keys, so it can
/// refresh them itself: the user's shared server where it runs and serves the request, else one
/// of its own, which stops when the child exits; the child's exit status is passed on.
fn with_server(args: &ExecArgs, argv: Vec<String>, ctx: &mut Context) -> anyhow::Result<()> {
    let mut child = std::process::Command::new(&argv[0]);
    child.args(&argv[1..]);
    for var in REMOVED
        .iter()
        .chain(&["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
    {
        child.env_remove(var);
    }
    let own = match super::serve::on_shared(ctx, &args.issue.connector, &args.issue.options)? {
        Some(on) => {
            child
                .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", on.uri)
                .env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", on.token_file)
                .env("AWS_REGION", &on.region)
                .env("AWS_DEFAULT_REGION", &on.region);
            None
        }
        None => {
            let started = super::serve_issue(&args.issue, 0, false, ctx)?;
            child
                .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &started.uri)
                .env(
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                    secrecy::ExposeSecret::expose_secret(&started.token),
                )
                .env("AWS_REGION", &started.region)
                .env("AWS_DEFAULT_REGION", &started.region);
            Some(started.server)
        }
    };
    child.env(MARKER, &args.issue.connector);
    ctx.out.flush()?;
    // Ctrl-C reaches the child through the terminal; fedaws waits for it and cleans up.
    let _ = ctrlc::set_handler(|| {});
    let status = crate::hardening::for_child(|| child.spawn())
        .and_then(|mut c| c.wait())
        .map_err(|e| UserError::usage(format!("cannot run `{}`: {e}", argv[0])))?;
    if let Some(server) = own {
        server.stop();
    }
    let code = exit_code(status);
    if code == 0 {
        Ok(())
    } else {
        Err(crate::exit::ChildExit(code).into())
    }
}

/// A child's exit status as a shell reports it: its code, or 128 + the signal that ended it.
fn exit_code(status: std::process::ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return u8::try_from(128 + sig).unwrap_or(1);
        }
    }
    1
}
