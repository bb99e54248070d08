//! `fedaws console CONNECTOR`: a sign-in URL for the AWS Management Console.

use std::io::Write;
use std::time::Duration;

use secrecy::ExposeSecret;

use crate::cli::{ConsoleArgs, IssueArgs, RequestOptions};
use crate::config::Depth;
use crate::console;
use crate::context::Context;
use crate::exit::UserError;
use crate::fsutil;
use crate::issue::DEFAULT_REQUEST_TIMEOUT;
use crate::trust::Role;
use crate::validate;

/// Print or open the URL. The URL is a secret for 15 minutes: it goes to stdout (or the
/// browser) and nowhere else.
pub fn run(args: ConsoleArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    let connector = config.connector(&args.connector)?;
    let principal = connector.principal;
    if !principal.allows_console() {
        return Err(UserError::usage(format!(
            "connector `{}` is {principal} ({}), and AWS refuses console sign-in with GetSessionToken credentials; use a federated-user or assume-role connector for the console",
            args.connector,
            principal.api()
        ))
        .into());
    }
    let mut issue = IssueArgs {
        connector: args.connector.clone(),
        options: RequestOptions {
            region: args.region.clone(),
            mfa_code: args.mfa_code.clone(),
            ..RequestOptions::default()
        },
    };
    // For assume-role, --duration is the console session (SessionDuration); for federated
    // users AWS takes no SessionDuration: the session lasts as long as the credentials.
    let session_duration = match (args.duration, principal.console_session_range()) {
        (Some(d), Some(range)) => {
            if !range.contains(&d.0) {
                return Err(UserError::usage(format!(
                    "--duration = {:?}: a console session lasts {} ({} s) to {} ({} s)",
                    validate::format_duration(d.0),
                    validate::format_duration(*range.start()),
                    range.start(),
                    validate::format_duration(*range.end()),
                    range.end()
                ))
                .into());
            }
            Some(d.0)
        }
        (Some(d), None) => {
            issue.options.duration = Some(d);
            None
        }
        (None, _) => None,
    };
    let timeout = config
        .settings
        .request_timeout
        .map_or(DEFAULT_REQUEST_TIMEOUT, |s| Duration::from_secs(s.into()));
    let federation = config.settings.federation_endpoint.clone();
    let request = issue.request();
    let obtained = super::obtain(ctx, &request, false)?;
    let (creds, region) = (obtained.creds, obtained.region);
    let endpoint = federation.unwrap_or_else(|| {
        crate::partition::Partition::of_region(&region)
            .federation_endpoint()
            .to_string()
    });
    let token = console::fetch_token(
        &endpoint,
        &console::token_url(&endpoint, &creds, session_duration),
        timeout,
    )?;
    let destination = args
        .destination
        .clone()
        .unwrap_or_else(|| console::console_url(&region, args.service.as_deref()));
    let url = console::login_url(
        &endpoint,
        args.issuer.as_deref().unwrap_or("fedaws"),
        &destination,
        &token,
    );
    if args.open {
        let dir = page_dir();
        fsutil::ensure_private_dir(&dir, Role::StateDir)?;
        ctx.note(format!(
            "opening the console sign-in page in the default browser; it is removed from {} once the browser has read it, or in {} minutes",
            dir.display(),
            console::PAGE_MAX.as_secs() / 60
        ));
        console::open_in_browser(&url, &dir).map_err(|e| {
            UserError::usage(format!(
                "cannot open a browser ({e}); run without --open to print the URL"
            ))
        })?;
    } else {
        writeln!(ctx.out, "{}", url.expose_secret())?;
        ctx.note("the URL signs in to the console for 15 minutes: treat it as a secret");
    }
    Ok(())
}

/// Where sign-in pages wait for the browser: `$XDG_RUNTIME_DIR/fedaws` (memory, private to the
/// user), else `console/` in the state directory.
fn page_dir() -> std::path::PathBuf {
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(run) => std::path::PathBuf::from(run).join("fedaws"),
        None => crate::config::state_dir().join("console"),
    }
}
