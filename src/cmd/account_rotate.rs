//! `fedaws account rotate NAME`: the account's access key replaced through IAM (see
//! [`crate::rotate`]), with a spinner while IAM makes the new key known, and one audit line.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::cli::AccountRotateArgs;
use crate::config::{Config, Depth};
use crate::context::Context;
use crate::issue::plan;
use crate::principal::AccountKind;
use crate::rotate::{self, AwsIam, Options, Progress, Step, Stopped};

/// Rotate the key, then say what happened; a stopped rotation is an error naming its step.
pub fn run(args: AccountRotateArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    let kind = config.account(&args.name)?.kind;
    // One rotation of an account at a time on this host: two would each make a key, and each
    // take the other's for someone else's.
    let locks = ctx.state_dir.join("locks");
    crate::fsutil::ensure_private_dir(&locks, crate::trust::Role::StateDir)?;
    let _one_at_a_time = crate::fsutil::try_lock_file(&locks.join(format!("rotate.{}.lock", args.name)))?
        .ok_or_else(|| {
            crate::exit::UserError::new(
                crate::exit::Exit::Failure,
                format!(
                    "another `fedaws account rotate {}` is under way on this host; wait for it to finish",
                    args.name
                ),
            )
        })?;
    let store = ctx.store(Some(&config))?;
    let env = |k: &str| std::env::var(k).ok();
    let iam = AwsIam {
        iam_url: iam_endpoint(&config, &env),
        sts: plan::endpoint_in(&config, &env, plan::settings_region(&config, &env)),
    };
    let options = Options {
        keep_old: args.keep_old,
        force: args.force,
    };
    // A spinner only on this process's own terminal, never into a broker's captured output.
    let show = ctx.peer.is_none() && !ctx.quiet && std::io::stderr().is_terminal();
    let mut spinner = Spinner {
        out: show.then(std::io::stderr),
        frame: 0,
    };
    let result = rotate::rotate(store.as_ref(), &args.name, &iam, options, &mut spinner);
    record(ctx, &args.name, &result);
    let done = result.map_err(|stopped| explain(stopped, kind, &args.name))?;
    ctx.note(format!(
        "rotated account `{}` in the {} store: key {} replaced by {}; the old key was {}",
        args.name,
        store.backend(),
        crate::secret::mask_key_id(&done.old),
        crate::secret::mask_key_id(&done.new),
        if done.kept_old {
            "deactivated and kept (--keep-old): delete it with `aws iam delete-access-key` when you are sure"
        } else {
            "deactivated and deleted"
        }
    ));
    Ok(())
}

/// `settings.iam_endpoint`, else `AWS_ENDPOINT_URL_IAM`, else `AWS_ENDPOINT_URL` (unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`), else the partition's.
fn iam_endpoint(config: &Config, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(url) = &config.settings.iam_endpoint {
        return Some(url.clone());
    }
    if env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return None;
    }
    env("AWS_ENDPOINT_URL_IAM")
        .filter(|v| !v.is_empty())
        .or_else(|| env("AWS_ENDPOINT_URL").filter(|v| !v.is_empty()))
}

/// A stopped rotation, with what to do for a root account IAM would not serve.
fn explain(stopped: Stopped, kind: AccountKind, name: &str) -> anyhow::Error {
    let refused = stopped.why.chain().any(|e| {
        e.downcast_ref::<rotate::IamError>()
            .is_some_and(|e| e.code.as_deref() == Some("AccessDenied"))
    });
    if kind == AccountKind::Root && refused {
        let hint = format!(
            "IAM refused to manage the root user's keys: rotate them in the console (Security credentials), then store the new pair with `fedaws account edit {name} --rotate`; better still, use an IAM user"
        );
        return anyhow::Error::new(stopped).context(hint);
    }
    anyhow::Error::new(stopped)
}

/// One audit line in local mode (a broker writes its own for the command): the account, the
/// step reached, and why it stopped.
fn record(ctx: &mut Context, account: &str, result: &Result<rotate::Rotated, Stopped>) {
    if ctx.peer.is_some() {
        return;
    }
    let Ok(identity) = ctx.identity(false) else {
        return;
    };
    let (outcome, step, kind, error) = match result {
        Ok(_) => (crate::audit::Outcome::Changed, Step::Done, None, None),
        Err(stopped) => (
            crate::audit::Outcome::Failed,
            stopped.reached,
            Some(crate::error::exit_for(&stopped.why).family().to_string()),
            Some(format!("{stopped}: {:#}", stopped.why)),
        ),
    };
    let event = crate::audit::Event {
        time: crate::output::rfc3339(jiff::Timestamp::now()),
        user: identity.user,
        uid: identity.uid,
        action: Some(format!("account rotate {account}")),
        account: Some(account.to_string()),
        step: Some(step.as_str().to_string()),
        outcome: Some(outcome),
        error_kind: kind,
        error,
        ..crate::audit::Event::default()
    };
    let written = crate::fsutil::ensure_private_dir(&ctx.state_dir, crate::trust::Role::StateDir)
        .map_err(anyhow::Error::from)
        .and_then(|()| {
            Ok(crate::audit::append(
                &ctx.state_dir,
                &event,
                crate::audit::MAX_SIZE,
            )?)
        });
    if let Err(e) = written {
        ctx.warn(format!("could not write the audit log: {e:#}"));
    }
}

/// A spinner on stderr while IAM makes the new key known; nothing when stderr is not a terminal.
struct Spinner {
    out: Option<std::io::Stderr>,
    frame: usize,
}

impl Progress for Spinner {
    fn waiting(&mut self, what: &str, waited: Duration) {
        const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
        if let Some(out) = &mut self.out {
            self.frame += 1;
            let _ = write!(
                out,
                "\r{} waiting for {what} ({} s)",
                FRAMES[self.frame % FRAMES.len()],
                waited.as_secs()
            );
            let _ = out.flush();
        }
    }

    fn done(&mut self) {
        if let Some(out) = &mut self.out
            && self.frame > 0
        {
            let _ = write!(out, "\r\x1b[K");
            let _ = out.flush();
        }
    }
}
