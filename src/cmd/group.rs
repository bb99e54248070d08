//! `fedaws group add|remove|list|add-member|remove-member`: the `[groups]` table.

use std::io::Write;

use serde_json::json;
use toml_edit::{Array, Item, Value};

use crate::cli::{GroupAddArgs, GroupCommand, MemberArgs, RemoveArgs};
use crate::config::{Depth, edit};
use crate::context::Context;
use crate::exit::UserError;
use crate::output;
use crate::validate;

/// Dispatch `fedaws group …`.
pub fn run(command: GroupCommand, ctx: &mut Context) -> anyhow::Result<()> {
    match command {
        GroupCommand::Add(args) => add(args, ctx),
        GroupCommand::Remove(args) => remove(args, ctx),
        GroupCommand::List(args) => list(args.json, ctx),
        GroupCommand::AddMember(args) => members(args, true, ctx),
        GroupCommand::RemoveMember(args) => members(args, false, ctx),
    }
}

fn check_user(user: &str) -> Result<(), UserError> {
    if user.is_empty() || user.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UserError::usage(format!(
            "user name {user:?} is empty or has spaces or control characters"
        )));
    }
    Ok(())
}

fn add(args: GroupAddArgs, ctx: &mut Context) -> anyhow::Result<()> {
    validate::check_name("group name", &args.name).map_err(|e| UserError::usage(e.to_string()))?;
    for m in &args.members {
        check_user(m)?;
    }
    let name = args.name.clone();
    edit::edit(&ctx.location.path, |doc| {
        let groups = edit::section(doc, "groups")?;
        if groups.contains_key(&name) {
            return Err(UserError::usage(format!(
                "group `{name}` already exists; add members with `fedaws group add-member {name} USER`"
            ))
            .into());
        }
        let mut members = Vec::new();
        for m in &args.members {
            if !members.contains(m) {
                members.push(m.clone());
            }
        }
        let array: Array = members.iter().map(String::as_str).collect();
        groups.insert(&name, Item::Value(Value::Array(array)));
        Ok(())
    })?;
    ctx.note(format!("added group `{}`", args.name));
    Ok(())
}

fn remove(args: RemoveArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    if !config.groups.contains_key(&args.name) {
        return Err(crate::config::not_found("group", &args.name, config.groups.keys()).into());
    }
    let users: Vec<&str> = config
        .connectors
        .iter()
        .filter(|(_, c)| c.groups.contains(&args.name))
        .map(|(n, _)| n.as_str())
        .collect();
    if !users.is_empty() && !args.force {
        return Err(UserError::usage(format!(
            "group `{}` is granted connectors {}; its members would lose them (an OS group of the same name would still count). Add --force to remove it anyway",
            args.name,
            users.join(", ")
        ))
        .into());
    }
    edit::edit(&ctx.location.path, |doc| {
        edit::section(doc, "groups")?.remove(&args.name);
        Ok(())
    })?;
    ctx.note(format!("removed group `{}`", args.name));
    Ok(())
}

fn members(args: MemberArgs, adding: bool, ctx: &mut Context) -> anyhow::Result<()> {
    for u in &args.users {
        check_user(u)?;
    }
    let group = args.group.clone();
    let changed = edit::edit(&ctx.location.path, |doc| {
        let groups = edit::section(doc, "groups")?;
        let Some(item) = groups.get_mut(&group) else {
            let existing: Vec<String> = groups.iter().map(|(k, _)| k.to_string()).collect();
            let e = crate::config::not_found("group", &group, existing.iter());
            if adding {
                return Err(UserError::usage(format!(
                    "{}\n  hint: create it with `fedaws group add {group}`",
                    e.message
                ))
                .into());
            }
            return Err(e.into());
        };
        let array = item.as_array_mut().ok_or_else(|| {
            UserError::config(format!("groups.{group} is not a list of user names"))
        })?;
        let mut changed = 0;
        for u in &args.users {
            let position = array.iter().position(|v| v.as_str() == Some(u));
            match (adding, position) {
                (true, None) => {
                    array.push(u.as_str());
                    changed += 1;
                }
                (false, Some(i)) => {
                    array.remove(i);
                    changed += 1;
                }
                _ => {}
            }
        }
        Ok(changed)
    })?;
    ctx.note(format!(
        "{} {} member{} {} group `{}`",
        if adding { "added" } else { "removed" },
        changed.value,
        if changed.value == 1 { "" } else { "s" },
        if adding { "to" } else { "from" },
        args.group
    ));
    Ok(())
}

fn list(json: bool, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    let granted = |g: &str| -> Vec<String> {
        config
            .connectors
            .iter()
            .filter(|(_, c)| c.groups.iter().any(|x| x == g))
            .map(|(n, _)| n.clone())
            .collect()
    };
    let text = if json {
        let items: Vec<serde_json::Value> = config
            .groups
            .iter()
            .map(|(g, m)| json!({"name": g, "members": m, "connectors": granted(g)}))
            .collect();
        output::json(&serde_json::Value::Array(items))
    } else if config.groups.is_empty() {
        ctx.note("no groups yet; add one with `fedaws group add NAME --member USER`");
        String::new()
    } else {
        let rows = config
            .groups
            .iter()
            .map(|(g, m)| vec![g.clone(), output::joined(m), output::joined(&granted(g))])
            .collect();
        output::table(&["GROUP", "MEMBERS", "CONNECTORS"], rows) + "\n"
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}
