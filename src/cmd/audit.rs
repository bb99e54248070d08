//! `fedaws audit`: read the audit log, filtered.

use std::io::Write;

use crate::audit;
use crate::cli::AuditArgs;
use crate::context::Context;
use crate::exit::UserError;
use crate::output;
use crate::secret::mask_key_id;
use crate::validate;

/// The most events one `audit` through a broker returns.
pub const BROKER_MAX_EVENTS: usize = 1000;

/// How many events `audit` through a broker returns when `--tail` is not given.
pub const BROKER_DEFAULT_EVENTS: usize = 100;

/// The most bytes of the log one `audit` through a broker reads, newest first: what a user's
/// reads cost the broker is bounded, however large its history.
pub const BROKER_MAX_READ: u64 = 32 * 1024 * 1024;

/// Print the events.
pub fn run(args: AuditArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let dir = ctx.state_dir.clone();
    if dir.exists() {
        crate::trust::check(&dir, crate::trust::Role::StateDir)?;
    }
    // Through a broker, a user reads their own events, and no read is unbounded.
    let brokered = ctx.peer.is_some();
    let own = if brokered {
        super::own_only(ctx, &ctx.load(crate::config::Depth::Shallow)?)?
    } else {
        None
    };
    let limit = match (brokered, args.tail) {
        (true, Some(n)) if n > BROKER_MAX_EVENTS => {
            return Err(UserError::usage(format!(
                "--tail {n}: through a broker, at most {BROKER_MAX_EVENTS} events at a time (use --since to go further back)"
            ))
            .into());
        }
        (true, None) => Some(BROKER_DEFAULT_EVENTS),
        (_, tail) => tail,
    };
    let keep = |e: &audit::Event| {
        own.as_ref().is_none_or(|id| e.uid == id.uid)
            && args.connector.as_ref().is_none_or(|c| *c == e.connector)
    };
    let log = audit::newest(
        &dir,
        &audit::Query {
            holding: own.as_ref().map(|id| audit::uid_marker(id.uid)),
            keep: Some(&keep),
            since,
            limit,
            max_bytes: brokered.then_some(BROKER_MAX_READ),
        },
    )?;
    if log.skipped > 0 {
        ctx.warn(format!(
            "skipped {} line{} of the audit log that {} not audit events (damaged or not JSON)",
            log.skipped,
            if log.skipped == 1 { "" } else { "s" },
            if log.skipped == 1 { "is" } else { "are" }
        ));
    }
    if log.cut {
        ctx.note(format!(
            "only the newest {} MiB of the audit log were read; give --since to read a time range",
            BROKER_MAX_READ / (1024 * 1024)
        ));
    } else if brokered && args.tail.is_none() && log.events.len() == BROKER_DEFAULT_EVENTS {
        ctx.note(format!(
            "the newest {BROKER_DEFAULT_EVENTS} events; --tail N shows up to {BROKER_MAX_EVENTS}, --since a time range"
        ));
    }
    let events = log.events;
    let text = if args.json {
        events
            .iter()
            .map(|e| serde_json::to_string(e).expect("events serialize") + "\n")
            .collect()
    } else if events.is_empty() {
        ctx.note(format!(
            "no audit events{}",
            if args.connector.is_some() || since.is_some() {
                " match"
            } else {
                " yet"
            }
        ));
        String::new()
    } else {
        let rows = events
            .iter()
            .map(|e| {
                vec![
                    e.time.clone(),
                    if e.system {
                        format!("{} (system)", e.user)
                    } else {
                        e.user.clone()
                    },
                    e.action.clone().unwrap_or_else(|| e.connector.clone()),
                    match (e.outcome, e.repeated) {
                        (Some(o), Some(n)) => format!("{} (x{n})", format!("{o:?}").to_lowercase()),
                        (Some(o), None) => format!("{o:?}").to_lowercase(),
                        (None, _) => String::new(),
                    },
                    e.access_key_id
                        .as_deref()
                        .map(mask_key_id)
                        .unwrap_or_default(),
                    e.expiration.clone().unwrap_or_default(),
                    e.error_kind.clone().unwrap_or_default(),
                ]
            })
            .collect();
        output::table(
            &[
                "TIME",
                "USER",
                "CONNECTOR",
                "OUTCOME",
                "KEY",
                "EXPIRES",
                "ERROR",
            ],
            rows,
        ) + "\n"
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}

/// An RFC 3339 time, or a duration back from now.
fn parse_since(s: &str) -> Result<jiff::Timestamp, UserError> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    let secs = validate::parse_duration("--since", s).map_err(|_| {
        UserError::usage(format!(
            "--since {s:?}: give a time such as 2026-11-29T12:00:00Z, or a duration back such as 1h or 90m"
        ))
    })?;
    Ok(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(i64::from(secs)))
}
