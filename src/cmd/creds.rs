//! `fedaws creds CONNECTOR`: issue temporary credentials and print them in the asked format.

use std::io::{BufRead, Write};

use secrecy::{ExposeSecret, SecretString};

use std::time::Duration;

use crate::audit::{self, Outcome};
use crate::authz::{self, Identity};
use crate::cache::{self, Check, Record, RequestInputs};
use crate::cli::{CredsArgs, IssueArgs};
use crate::config::{Depth, state_dir};
use crate::context::Context;
use crate::error::{self, Exit, UserError};
use crate::format::{Format, Output, rfc3339};
use crate::fsutil;
use crate::identity;
use crate::issue::{self, Caller, Request};
use crate::mfa;
use crate::secret::{self, Backend, SecretStore, StoreError};
use crate::sts::{Issued, Mfa};
use crate::trust::Role;

/// Cached credentials with less than this left (seconds) are refreshed, unless
/// `settings.refresh_margin` says otherwise.
pub const DEFAULT_REFRESH_MARGIN: u64 = 300;

/// How long a caller waits for another process issuing the same credentials (seconds).
pub const DEFAULT_LOCK_TIMEOUT: u64 = 120;

/// The STS session name of `--system` callers, unless `settings.system_identity` says otherwise.
pub const DEFAULT_SYSTEM_IDENTITY: &str = "fedaws-system";

/// Print credentials. On any failure stdout stays empty.
pub fn run(args: CredsArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let format = args.format.unwrap_or(if ctx.stdout_is_terminal {
        Format::Table
    } else {
        Format::Env
    });
    let (creds, region) = obtain(&args.issue, ctx)?;
    // The text holds the secret parts: wiped from memory once written.
    let text = zeroize::Zeroizing::new(
        Output {
            creds: &creds,
            region: &region,
            connector: &args.issue.connector,
        }
        .render(format),
    );
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}

/// Credentials for a request, with the request recorded in the audit log whatever the outcome.
/// Returns them and their region.
pub fn obtain(args: &IssueArgs, ctx: &mut Context) -> anyhow::Result<(Issued, String)> {
    let user = identity::current_user().ok_or_else(|| {
        UserError::usage(
            "cannot tell who you are: the effective user id has no name in the user database",
        )
    })?;
    let id = Identity {
        user,
        uid: identity::current_uid(),
        os_groups: Vec::new(),
        system: args.system,
    };
    let mut event = audit::Event {
        time: rfc3339(jiff::Timestamp::now()),
        user: id.user.clone(),
        uid: id.uid,
        system: id.system,
        connector: args.connector.clone(),
        ..audit::Event::default()
    };
    // The audit log and the locks live there: a directory others can change is refused before
    // anything is issued (with `sudo -E`, it may be another user's).
    let state = state_dir();
    fsutil::ensure_private_dir(&state, Role::StateDir)?;
    let result = obtain_for(args, ctx, id, &mut event);
    match &result {
        Ok((creds, _, cached)) => {
            event.outcome = Some(if *cached {
                Outcome::Cached
            } else {
                Outcome::Issued
            });
            event.expiration = Some(rfc3339(creds.expiration));
            event.access_key_id = Some(creds.access_key_id.clone());
        }
        Err(e) => {
            let exit = error::exit_for(e);
            event.outcome = Some(if exit == Exit::Denied {
                Outcome::Denied
            } else {
                Outcome::Failed
            });
            event.error_kind = Some(exit.family().to_string());
            event.error = Some(format!("{e:#}"));
        }
    }
    if let Err(e) = audit::append(&state, &event, audit::MAX_SIZE) {
        ctx.warn(format!("could not write the audit log: {e}"));
    }
    result.map(|(creds, region, _)| (creds, region))
}

/// From the cache when it has good credentials for this caller, else from STS (planned from the
/// config, after authorization, with the account's keys and an MFA code where needed).
fn obtain_for(
    args: &IssueArgs,
    ctx: &mut Context,
    mut id: Identity,
    event: &mut audit::Event,
) -> anyhow::Result<(Issued, String, bool)> {
    let host = identity::host_name();
    let env = |k: &str| std::env::var(k).ok();
    let config_path = ctx
        .location
        .path
        .canonicalize()
        .unwrap_or_else(|_| ctx.location.path.clone());
    let key = cache::slot_key(&RequestInputs {
        config: &config_path,
        connector: &args.connector,
        identity: &id.cache_name(),
        host: &host,
        duration: args.duration.as_deref(),
        region: args.region.as_deref(),
        env: &env,
    });

    // The hot path: one exact-key read from the kernel keyring; the config is only stat'ed. The
    // entry records why the caller was allowed; a grant through an OS group is checked again,
    // since group membership can change without the config changing.
    let started = std::time::Instant::now();
    ctx.debug(1, format_args!("config {}", config_path.display()));
    ctx.debug(2, format_args!("cache slot {key}"));
    if !args.no_cache
        && !args.refresh
        && let Some(store) = ctx.fast_cache_store()
    {
        let found = cache::read(
            store.as_ref(),
            &key,
            Check::Unchanged,
            jiff::Timestamp::now(),
            None,
        );
        match found {
            Ok(Ok(hit))
                if hit
                    .grant
                    .os_group()
                    .is_none_or(|g| identity::current_os_groups().iter().any(|x| x == g)) =>
            {
                ctx.debug(
                    1,
                    format_args!(
                        "cache hit in the kernel keyring without reading the config (files unchanged; granted as {}) in {} ms",
                        hit.grant,
                        started.elapsed().as_millis()
                    ),
                );
                *event = hit.describe(event);
                return Ok((hit.issued, hit.region, true));
            }
            Ok(Ok(hit)) => ctx.debug(
                1,
                format_args!(
                    "cache entry not used without the config: its grant rests on {} membership, which you no longer have",
                    hit.grant
                ),
            ),
            Ok(Err(why)) => ctx.debug(1, format_args!("no cache hit before reading the config: {why}")),
            Err(e) => ctx.debug(1, format_args!("no cache hit before reading the config: {e}")),
        }
    }

    // Stamps are taken before the files are read, so an edit made meanwhile is never vouched for.
    let mut stamps: Vec<cache::Stamp> = cache::stamp(&config_path).into_iter().collect();
    let config = ctx.load(Depth::Shallow)?;
    let connector = config.connector(&args.connector)?;
    event.principal = Some(connector.principal.as_str().to_string());
    event.account = Some(connector.account.clone());

    // Authorization comes before anything else: a denied caller reaches neither cache nor STS.
    id.os_groups = identity::current_os_groups();
    let grant = authz::decide(&config, &args.connector, connector, &id)?;
    event.grant = Some(grant.to_string());
    ctx.debug(1, format_args!("allowed as {grant}"));

    if let Some(f) = &connector.policy_file {
        stamps.extend(cache::stamp(&config.base_dir().join(f)));
    }
    let request = Request {
        connector: args.connector.clone(),
        duration: args.duration.clone(),
        region: args.region.clone(),
    };
    let session_user = if id.system {
        config
            .settings
            .system_identity
            .clone()
            .unwrap_or_else(|| DEFAULT_SYSTEM_IDENTITY.to_string())
    } else {
        id.user.clone()
    };
    let mut plan = issue::plan(
        &config,
        &request,
        &Caller {
            user: &session_user,
            host: &host,
            env: &env,
        },
    )?;
    event.duration = Some(plan.call.duration);
    let mfa_code = args
        .mfa_code
        .as_deref()
        .map(|c| issue::check_code("--mfa-code", c))
        .transpose()?;
    let account_name = plan.call.account.clone();
    let kind = config.account(&account_name)?.kind;
    let fingerprint = cache::fingerprint(&plan, kind);

    let cache = if args.no_cache {
        None
    } else {
        match ctx.cache_store(&config) {
            Ok(store) => store,
            Err(e) => {
                ctx.warn(format!("{e:#}; issuing without the cache"));
                None
            }
        }
    };
    let margin = Duration::from_secs(
        config
            .settings
            .refresh_margin
            .map_or(DEFAULT_REFRESH_MARGIN, u64::from),
    );
    let lookup = |store: &dyn SecretStore| {
        cache::read(
            store,
            &key,
            Check::Fingerprint(&fingerprint),
            jiff::Timestamp::now(),
            Some(margin),
        )
    };
    match (&cache, args.refresh) {
        (None, _) => ctx.debug(1, "cache: off (--no-cache or settings.cache = \"none\")"),
        (Some(_), true) => ctx.debug(1, "cache: not read (--refresh)"),
        (Some(store), false) => {
            ctx.debug(1, format_args!("cache store {}", store.backend()));
            if let Some(hit) = readable(lookup(store.as_ref()), ctx) {
                ctx.debug(
                    1,
                    format_args!(
                        "cache hit (same connector definition) in {} ms",
                        started.elapsed().as_millis()
                    ),
                );
                return Ok((hit.issued, hit.region, true));
            }
        }
    }
    // Single flight: whoever holds the lock issues; the others wait, then find its result.
    let _guard = match &cache {
        Some(store) => {
            let timeout = Duration::from_secs(
                config
                    .settings
                    .lock_timeout
                    .map_or(DEFAULT_LOCK_TIMEOUT, u64::from),
            );
            let lock = cache::lock_path(&state_dir(), &key);
            ctx.debug(2, format_args!("taking the lock {}", lock.display()));
            let guard = cache::lock(&lock, timeout, &args.connector)?;
            if !args.refresh
                && let Some(hit) = readable(lookup(store.as_ref()), ctx)
            {
                ctx.debug(
                    1,
                    "cache hit after waiting for the lock: another process issued them",
                );
                return Ok((hit.issued, hit.region, true));
            }
            Some(guard)
        }
        None => None,
    };

    let store = ctx.store(Some(&config))?;
    let keys = secret::read_account(store.as_ref(), &account_name)?.ok_or_else(|| {
        StoreError::Failed {
            backend: store.backend(),
            action: "read",
            key: secret::account_key(&account_name),
            reason: format!(
                "account `{account_name}` has no key pair there; store it with `fedaws account edit {account_name} --rotate`"
            ),
        }
    })?;
    if let Some(serial) = plan.mfa_serial.clone() {
        let account = config.account(&account_name)?;
        let code = match mfa_code {
            Some(c) => c,
            None => {
                let timeout = config
                    .settings
                    .mfa_process_timeout
                    .map_or(mfa::DEFAULT_TIMEOUT, |s| Duration::from_secs(s.into()));
                mfa_code_for(&serial, &account_name, account, timeout, ctx)?
            }
        };
        plan.call.mfa = Some(Mfa { serial, code });
    }
    ctx.debug(
        1,
        format_args!(
            "account `{account_name}` from the {} store; calling {} at {} (region {}, {} s)",
            store.backend(),
            plan.call.principal.api(),
            plan.endpoint.describe(),
            plan.region,
            plan.call.duration
        ),
    );
    let call_started = std::time::Instant::now();
    let creds = ctx.sts.issue(&keys, &plan.endpoint, &plan.call)?;
    ctx.debug(
        1,
        format_args!(
            "STS answered in {} ms (request id {}); temporary key {}, expires {}",
            call_started.elapsed().as_millis(),
            crate::output::escape_all(creds.request_id.as_deref().unwrap_or("not given")),
            creds.access_key_id,
            rfc3339(creds.expiration)
        ),
    );
    if let Some(store) = &cache {
        let record = Record {
            config: &config_path,
            fingerprint: fingerprint.clone(),
            stamps,
            margin,
            region: &plan.region,
            grant: &grant,
            principal: plan.call.principal,
            account: &account_name,
            duration: plan.call.duration,
        };
        ctx.debug(
            2,
            format_args!("caching them in the {} store", store.backend()),
        );
        let stored = cache::write(store.as_ref(), &key, &record, &creds).and_then(|()| {
            if store.backend() == Backend::Keyutils {
                Ok(())
            } else {
                cache::prune(store.as_ref(), &args.connector, jiff::Timestamp::now())
            }
        });
        if let Err(e) = stored {
            ctx.warn(format!("could not cache the credentials: {e}"));
        }
    }
    if let Some(size) = creds.packed_policy_size.filter(|s| *s >= 90) {
        ctx.warn(format!(
            "the session policy uses {size}% of what AWS allows; a little more and {} will fail",
            plan.call.principal.api()
        ));
    }
    Ok((creds, plan.region, false))
}

/// A cache entry that cannot be read is a miss, with a warning: the cache is only an
/// optimisation, and a store that fails to read may still take a fresh entry.
fn readable(
    read: Result<Result<cache::Hit, &'static str>, StoreError>,
    ctx: &mut Context,
) -> Option<cache::Hit> {
    match read {
        Ok(Ok(hit)) => Some(hit),
        Ok(Err(why)) => {
            ctx.debug(1, format_args!("cache miss: {why}"));
            None
        }
        Err(e) => {
            ctx.warn(format!("{e}; issuing anew"));
            None
        }
    }
}

/// An MFA code from the account's `mfa_process`, else from a prompt on the terminal (never stdin
/// or stdout, which belong to the caller, e.g. the AWS CLI).
fn mfa_code_for(
    serial: &str,
    account_name: &str,
    account: &crate::config::Account,
    timeout: Duration,
    ctx: &mut Context,
) -> anyhow::Result<SecretString> {
    if let Some(cmd) = &account.mfa_process {
        let code = match mfa::run(account_name, cmd, timeout) {
            Ok(code) => code,
            Err(e) => {
                if ctx.verbose > 0 && !e.stderr.is_empty() {
                    ctx.note(format!(
                        "the mfa_process of account `{account_name}` wrote on stderr:\n{}",
                        e.stderr
                    ));
                }
                return Err(UserError::usage(e.to_string()).into());
            }
        };
        return Ok(issue::check_code(
            &format!("the output of the mfa_process of account `{account_name}`"),
            code.expose_secret(),
        )?);
    }
    if !ctx.no_input
        && let Ok(tty) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(tty_path())
    {
        let mut writer = &tty;
        write!(writer, "MFA code for {serial}: ")?;
        writer.flush()?;
        let mut line = String::new();
        std::io::BufReader::new(&tty).read_line(&mut line)?;
        let code = issue::check_code("MFA code", &line);
        zeroize::Zeroize::zeroize(&mut line);
        return Ok(code?);
    }
    Err(UserError::usage(format!(
        "an MFA code for {serial} is needed and there is no terminal to ask on: give --mfa-code CODE, or set mfa_process on the account to a command that prints the code"
    ))
    .into())
}

#[cfg(unix)]
fn tty_path() -> &'static str {
    "/dev/tty"
}

#[cfg(not(unix))]
fn tty_path() -> &'static str {
    "CON"
}
