//! `fedaws audit`: read the audit log, filtered.

use std::io::Write;

use crate::audit;
use crate::cli::AuditArgs;
use crate::context::Context;
use crate::error::UserError;
use crate::output;
use crate::secret::mask_key_id;
use crate::validate;

/// Print the events.
pub fn run(args: AuditArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let dir = ctx.state_dir.clone();
    if dir.exists() {
        crate::trust::check(&dir, crate::trust::Role::StateDir)?;
    }
    // Through a broker, a user reads their own events.
    let own = match &ctx.peer {
        Some(_) => super::own_only(ctx, &ctx.load(crate::config::Depth::Shallow)?)?,
        None => None,
    };
    let log = audit::read_where(&dir, |e| {
        own.as_ref().is_none_or(|id| e.uid == id.uid)
            && args.connector.as_ref().is_none_or(|c| *c == e.connector)
            && since.is_none_or(|s| e.time.parse::<jiff::Timestamp>().is_ok_and(|t| t >= s))
    })?;
    if log.skipped > 0 {
        ctx.warn(format!(
            "skipped {} line{} of the audit log that {} not audit events (damaged or not JSON)",
            log.skipped,
            if log.skipped == 1 { "" } else { "s" },
            if log.skipped == 1 { "is" } else { "are" }
        ));
    }
    let mut events = log.events;
    if let Some(n) = args.tail {
        let skip = events.len().saturating_sub(n);
        events.drain(..skip);
    }
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
                    e.outcome
                        .map(|o| format!("{o:?}").to_lowercase())
                        .unwrap_or_default(),
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
