//! `fedaws whoami`: the caller's identity and groups, and which connectors it may use and why;
//! with `-v`, what each of them issues (principal type, longest lifetime, description).

use std::io::Write;

use serde_json::json;

use crate::authz;
use crate::cli::WhoamiArgs;
use crate::config::Depth;
use crate::context::Context;
use crate::output;

/// Print the report.
pub fn run(args: WhoamiArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    let id = ctx.identity(args.system)?;
    let config_groups = id.config_groups(&config);
    let admin = id.admin(&config);
    let mut rows: Vec<(String, Result<authz::Grant, authz::Denied>)> = config
        .connectors
        .iter()
        .map(|(name, c)| (name.clone(), authz::decide(&config, name, c, &id)))
        .collect();
    // Through a broker, the connectors a user may not use are the administrators' to know.
    if ctx.peer.is_some() && admin.is_none() {
        rows.retain(|(_, decided)| decided.is_ok());
    }
    let why_not = |name: &str| -> String {
        let c = &config.connectors[name];
        if id.system && admin.is_none() && !config.settings.system_users.contains(&id.user) {
            "not in settings.system_users".into()
        } else if id.system {
            "no system scope".into()
        } else if c.groups.is_empty() {
            "administrators only".into()
        } else {
            format!("granted to {}", c.groups.join(", "))
        }
    };
    let text = if args.json {
        output::json(&json!({
            "user": id.user,
            "uid": id.uid,
            "system": id.system,
            "os_groups": id.os_groups,
            "config_groups": config_groups,
            "administrator": admin.is_some(),
            "administrator_because": admin,
            "connectors": rows.iter().map(|(name, d)| json!({
                "name": name,
                "usable": d.is_ok(),
                "principal": config.connectors[name].principal.to_string(),
                "max_duration": config.connectors[name].max_duration_secs(),
                "description": config.connectors[name].description,
                "why": match d {
                    Ok(g) => g.to_string(),
                    Err(_) => why_not(name),
                },
            })).collect::<Vec<_>>(),
        }))
    } else {
        let mut groups: Vec<String> = id.os_groups.iter().map(|g| format!("{g} (OS)")).collect();
        groups.extend(config_groups.iter().map(|g| format!("{g} (config)")));
        let mut s = output::fields(vec![
            (
                "user",
                format!(
                    "{} (uid {}){}",
                    id.user,
                    id.uid,
                    if id.system {
                        ", as a --system caller"
                    } else {
                        ""
                    }
                ),
            ),
            ("groups", output::joined(&groups)),
            (
                "administrator",
                admin
                    .clone()
                    .map_or("no".to_string(), |why| format!("yes ({why})")),
            ),
        ]);
        s.push('\n');
        let detail = ctx.verbose > 0;
        if !rows.is_empty() {
            let table = rows
                .iter()
                .map(|(name, d)| {
                    let mut row = vec![
                        name.clone(),
                        if d.is_ok() { "yes" } else { "no" }.to_string(),
                        match d {
                            Ok(g) => g.to_string(),
                            Err(_) => why_not(name),
                        },
                    ];
                    if detail {
                        let c = &config.connectors[name];
                        row.extend([
                            c.principal.to_string(),
                            c.max_duration_secs()
                                .map_or("-".to_string(), crate::validate::format_duration),
                            c.description.clone().unwrap_or_else(|| "-".into()),
                        ]);
                    }
                    row
                })
                .collect();
            let mut head = vec!["CONNECTOR", "USABLE", "WHY"];
            if detail {
                head.extend(["PRINCIPAL", "MAX DURATION", "DESCRIPTION"]);
            }
            s.push_str(&output::table(&head, table));
            s.push('\n');
        } else if ctx.peer.is_some() && admin.is_none() {
            s.push_str("no connector is granted to you; an administrator can add you to a group one is granted to\n");
        }
        s
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}
