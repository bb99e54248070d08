//! `fedaws cache list|clear`: the cached temporary credentials, without their secrets.

use std::io::Write;

use crate::cli::CacheCommand;
use crate::config::Depth;
use crate::context::Context;
use crate::issue::cache;
use crate::output;
use crate::secret::mask_key_id;
use crate::validate::format_duration;

/// Dispatch `fedaws cache …`.
pub fn run(command: CacheCommand, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    let Some(store) = ctx.cache_store(&config)? else {
        ctx.note("caching is off (settings.cache = \"none\")");
        return Ok(());
    };
    let now = jiff::Timestamp::now();
    let this_config = config
        .path
        .canonicalize()
        .unwrap_or_else(|_| config.path.clone());
    let scope = match &command {
        CacheCommand::List(args) => &args.scope,
        CacheCommand::Clear(args) => &args.scope,
    };
    let mut entries = cache::list(
        store.as_ref(),
        (!scope.all).then_some(this_config.as_path()),
        scope.connector.as_deref(),
        now,
    )?;
    // Through a broker, a user sees and clears their own entries (as a user and as a system
    // caller).
    if let Some(id) = super::own_only(ctx, &config)? {
        let system = crate::authz::Identity {
            system: true,
            ..id.clone()
        };
        entries.retain(|e| e.identity == id.cache_name() || e.identity == system.cache_name());
    }
    match command {
        CacheCommand::List(args) => {
            let text = if args.json {
                let items: Vec<serde_json::Value> = entries
                    .iter()
                    .map(|e| {
                        serde_json::json!({
                            "connector": e.connector,
                            "identity": e.identity,
                            "access_key_id": mask_key_id(&e.access_key_id),
                            "expiration": e.expiration,
                            "seconds_left": e.seconds_left,
                        })
                    })
                    .collect();
                output::json(&serde_json::Value::Array(items))
            } else if entries.is_empty() {
                ctx.note(format!("the {} cache is empty", store.backend()));
                String::new()
            } else {
                let rows = entries
                    .iter()
                    .map(|e| {
                        vec![
                            e.connector.clone(),
                            e.identity.clone(),
                            mask_key_id(&e.access_key_id),
                            e.expiration.clone(),
                            if e.seconds_left > 0 {
                                format_duration(u32::try_from(e.seconds_left).unwrap_or(u32::MAX))
                            } else {
                                "expired".into()
                            },
                        ]
                    })
                    .collect();
                output::table(
                    &["CONNECTOR", "IDENTITY", "ACCESS KEY", "EXPIRES", "LEFT"],
                    rows,
                ) + "\n"
            };
            ctx.out.write_all(text.as_bytes())?;
        }
        CacheCommand::Clear(_) => {
            let mut removed = 0;
            for e in &entries {
                if store.delete(&e.key)? {
                    removed += 1;
                }
            }
            ctx.note(format!(
                "removed {removed} cached credential{} from the {} cache",
                if removed == 1 { "" } else { "s" },
                store.backend()
            ));
        }
    }
    Ok(())
}
