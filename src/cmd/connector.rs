//! `fedaws connector add|edit|remove|list|show`: recipes for temporary credentials.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use toml_edit::{Item, Value};

use super::dialog;
use crate::cli::{ConnectorAddArgs, ConnectorCommand, ConnectorEditArgs, ConnectorFields};
use crate::config::{Account, Config, Connector, Depth, edit};
use crate::context::Context;
use crate::exit::UserError;
use crate::output;
use crate::principal::Principal;
use crate::validate;

/// Dispatch `fedaws connector …`.
pub fn run(command: ConnectorCommand, ctx: &mut Context) -> anyhow::Result<()> {
    match command {
        ConnectorCommand::Add(args) => add(args, ctx),
        ConnectorCommand::Edit(args) => edit_connector(args, ctx),
        ConnectorCommand::Remove(args) => remove(&args.name, ctx),
        ConnectorCommand::List(args) => list(args.json, ctx),
        ConnectorCommand::Show(args) => show(&args.name, args.json, ctx),
    }
}

/// The flags, checked one by one; rules across fields are checked on the resulting config.
struct Fields {
    session_tags: Vec<(String, String)>,
    raw: ConnectorFields,
}

fn usage(e: validate::FieldError) -> UserError {
    UserError::usage(e.to_string())
}

impl Fields {
    fn check(raw: ConnectorFields) -> Result<Fields, UserError> {
        if let Some(a) = &raw.account {
            validate::check_name("--account", a).map_err(usage)?;
        }
        if let Some(arn) = &raw.role_arn {
            validate::check_role_arn("--role-arn", arn).map_err(usage)?;
        }
        if let Some(id) = &raw.external_id {
            validate::check_external_id("--external-id", id).map_err(usage)?;
        }
        if let Some(p) = &raw.policy {
            validate::check_policy("--policy", p).map_err(usage)?;
        }
        validate::check_policy_arns("--policy-arn", &raw.policy_arns).map_err(usage)?;
        for g in &raw.groups {
            validate::check_name("--group", g).map_err(usage)?;
        }
        let session_tags = raw
            .session_tags
            .iter()
            .map(|t| {
                t.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .ok_or_else(|| {
                        UserError::usage(format!("--session-tag {t:?}: expected KEY=VALUE"))
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Fields { session_tags, raw })
    }

    /// `c` with every given field.
    fn apply(&self, c: &mut Connector) {
        let r = &self.raw;
        if let Some(a) = &r.account {
            c.account = a.clone();
        }
        if let Some(p) = r.principal {
            c.principal = p;
        }
        super::set_given([
            (&mut c.role_arn, &r.role_arn),
            (&mut c.external_id, &r.external_id),
            (&mut c.description, &r.description),
        ]);
        if let Some(region) = &r.region {
            c.region = Some(region.to_string());
        }
        if let Some(p) = &r.policy {
            c.policy_file = None;
            c.policy = Some(p.clone());
        }
        if let Some(f) = &r.policy_file {
            c.policy = None;
            c.policy_file = Some(f.clone());
        }
        if !r.policy_arns.is_empty() {
            c.policy_arns.clone_from(&r.policy_arns);
        }
        if let Some(d) = &r.max_duration {
            c.max_duration = Some(d.clone());
        }
        if !r.groups.is_empty() {
            c.groups.clone_from(&r.groups);
        }
        if let Some(s) = r.system_scope {
            c.system_scope = s;
        }
        if let Some(s) = r.source_identity {
            c.source_identity = s;
        }
        if !self.session_tags.is_empty() {
            c.session_tags = self.session_tags.iter().cloned().collect();
        }
    }

    /// A new connector of the given fields, which name its account and principal type.
    fn new_connector(&self) -> anyhow::Result<Connector> {
        let (Some(account), Some(principal)) = (&self.raw.account, self.raw.principal) else {
            anyhow::bail!(UserError::usage(
                "a new connector needs --account and --principal"
            ));
        };
        let mut c = Connector::new(account.clone(), principal);
        self.apply(&mut c);
        Ok(c)
    }
}

fn add(args: ConnectorAddArgs, ctx: &mut Context) -> anyhow::Result<()> {
    if let Some(n) = &args.name {
        validate::check_name("connector name", n).map_err(usage)?;
    }
    let fields = Fields::check(args.fields)?;
    let mut missing = Vec::new();
    if args.name.is_none() {
        missing.push("a NAME");
    }
    if fields.raw.account.is_none() {
        missing.push("--account ACCOUNT");
    }
    if fields.raw.principal.is_none() {
        missing.push("--principal federated-user|iam-user|assume-role");
    }
    if fields.raw.principal.is_some_and(Principal::needs_role_arn) && fields.raw.role_arn.is_none()
    {
        missing.push("--role-arn ARN");
    }
    if missing.is_empty() {
        let name = args.name.expect("checked above");
        return save(ctx, &name, &fields, &[], Extras::default(), false);
    }
    if !ctx.interactive {
        return Err(UserError::usage(format!(
            "connector add needs {} (or run it in a terminal for the guided dialog)",
            missing.join(" and ")
        ))
        .into());
    }
    let config = ctx.load(Depth::Shallow)?;
    if let Some(n) = &args.name
        && config.connectors.contains_key(n)
    {
        return Err(UserError::usage(format!(
            "connector `{n}` already exists; change it with `fedaws connector edit {n}`"
        ))
        .into());
    }
    let answers = dialog::connector(
        ctx.prompter.as_ref(),
        &config,
        args.name.as_deref(),
        None,
        &fields.raw,
        ctx.peer.is_none(),
    )?;
    save_answers(ctx, answers, false)
}

/// Write what a dialog decided, checked like flags.
fn save_answers(
    ctx: &mut Context,
    answers: dialog::ConnectorAnswers,
    editing: bool,
) -> anyhow::Result<()> {
    let fields = Fields::check(answers.fields)?;
    let extras = Extras {
        new_account: answers.new_account,
        new_groups: answers.new_groups,
    };
    save(ctx, &answers.name, &fields, &answers.unset, extras, editing)
}

/// What a dialog creates besides the connector.
#[derive(Default)]
struct Extras {
    new_account: Option<dialog::NewAccount>,
    new_groups: Vec<String>,
}

/// Write a new or changed connector (with the account and groups the dialog created) in one
/// config edit; a new account's key pair is stored inside it and removed again if it fails.
fn save(
    ctx: &mut Context,
    name: &str,
    fields: &Fields,
    unset: &[&str],
    extras: Extras,
    editing: bool,
) -> anyhow::Result<()> {
    let store = match &extras.new_account {
        Some(_) => {
            let config = ctx.load(Depth::Shallow)?;
            Some(ctx.store(Some(&config))?)
        }
        None => None,
    };
    let mut stored: Option<String> = None;
    let result = edit::edit(&ctx.location.path, |doc| {
        if let Some(a) = &extras.new_account {
            if edit::has_account(doc, &a.name) {
                return Err(
                    UserError::usage(format!("account `{}` already exists", a.name)).into(),
                );
            }
            let account = Account {
                kind: a.kind,
                mfa_serial: a.mfa_serial.clone(),
                ..Account::default()
            };
            edit::put_account(doc, &a.name, &account)?;
        }
        if !extras.new_groups.is_empty() {
            let groups = edit::section(doc, "groups")?;
            for g in &extras.new_groups {
                if !groups.contains_key(g) {
                    groups.insert(g, Item::Value(Value::Array(toml_edit::Array::new())));
                }
            }
        }
        let connector = if editing {
            let mut c = edit::connector(doc, name, unset)?;
            fields.apply(&mut c);
            c
        } else {
            if edit::has_connector(doc, name) {
                return Err(UserError::usage(format!(
                    "connector `{name}` already exists; change it with `fedaws connector edit {name}`"
                ))
                .into());
            }
            fields.new_connector()?
        };
        edit::put_connector(doc, name, &connector)?;
        if let (Some(a), Some(store)) = (&extras.new_account, &store) {
            let key = crate::secret::account_key(&a.name);
            store.set(&key, &a.keys.to_secret())?;
            stored = Some(key);
        }
        Ok(())
    });
    let edited = match result {
        Ok(e) => e,
        Err(e) => {
            if let (Some(key), Some(store)) = (&stored, &store) {
                let _ = store.delete(key);
            }
            return Err(e);
        }
    };
    super::print_warnings(ctx, &edited.warnings);
    if let Some(a) = &extras.new_account {
        ctx.note(format!(
            "added account `{}` (key {})",
            a.name,
            a.keys.masked_id()
        ));
    }
    for g in &extras.new_groups {
        ctx.note(format!(
            "added group `{g}` (add members with `fedaws group add-member {g} USER`)"
        ));
    }
    ctx.note(format!(
        "{} connector `{name}`",
        if editing { "updated" } else { "added" }
    ));
    Ok(())
}

/// The fields `--unset` may remove: every connector key but the two it cannot do without.
fn unsettable() -> impl Iterator<Item = &'static str> {
    crate::config::keys::<Connector>()
        .iter()
        .copied()
        .filter(|k| !matches!(*k, "account" | "principal"))
}

fn edit_connector(args: ConnectorEditArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let nothing_given = no_fields(&args.fields) && args.unset.is_empty();
    let fields = Fields::check(args.fields)?;
    let unset: Vec<&'static str> = args
        .unset
        .iter()
        .map(|f| {
            let key = f.replace('-', "_");
            unsettable().find(|k| *k == key).ok_or_else(|| {
                UserError::usage(format!(
                    "--unset {f:?}: allowed: {}",
                    unsettable()
                        .map(|k| k.replace('_', "-"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    if !nothing_given {
        return save(ctx, &args.name, &fields, &unset, Extras::default(), true);
    }
    if !ctx.interactive {
        return Err(UserError::usage(
            "nothing to change: give the fields to change as flags (e.g. --max-duration 4h, --group dev, --unset description), or run it in a terminal for the guided dialog",
        )
        .into());
    }
    let config = ctx.load(Depth::Shallow)?;
    let current = config.connector(&args.name)?.clone();
    let answers = dialog::connector(
        ctx.prompter.as_ref(),
        &config,
        Some(&args.name),
        Some(&current),
        &fields.raw,
        ctx.peer.is_none(),
    )?;
    save_answers(ctx, answers, true)
}

/// True when no field flag was given.
fn no_fields(f: &ConnectorFields) -> bool {
    f.account.is_none()
        && f.principal.is_none()
        && f.role_arn.is_none()
        && f.external_id.is_none()
        && f.policy.is_none()
        && f.policy_file.is_none()
        && f.policy_arns.is_empty()
        && f.max_duration.is_none()
        && f.groups.is_empty()
        && f.system_scope.is_none()
        && f.region.is_none()
        && f.description.is_none()
        && f.session_tags.is_empty()
        && f.source_identity.is_none()
}

fn remove(name: &str, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    config.connector(name)?;
    edit::edit(&ctx.location.path, |doc| {
        edit::section(doc, "connectors")?.remove(name);
        Ok(())
    })?;
    ctx.note(format!("removed connector `{name}`"));
    Ok(())
}

/// What `connector list` and `connector show` say about a connector: the JSON object of both,
/// and the cells of their tables.
#[derive(Serialize)]
struct ConnectorView<'a> {
    name: &'a str,
    account: &'a str,
    principal: Principal,
    api: &'static str,
    role_arn: Option<&'a str>,
    external_id: Option<&'a str>,
    policy: Option<&'a str>,
    policy_file: Option<&'a Path>,
    policy_arns: &'a [String],
    max_duration_seconds: Option<u32>,
    default_duration_seconds: Option<u32>,
    groups: &'a [String],
    system_scope: bool,
    region: Option<&'a str>,
    description: Option<&'a str>,
    session_tags: &'a BTreeMap<String, String>,
    source_identity: bool,
}

/// The columns of [`ConnectorView::row`].
const LIST_HEADERS: [&str; 7] = [
    "NAME",
    "PRINCIPAL",
    "ACCOUNT",
    "MAX",
    "GROUPS",
    "SYSTEM",
    "DESCRIPTION",
];

impl<'a> ConnectorView<'a> {
    fn of(config: &Config, name: &'a str, c: &'a Connector) -> ConnectorView<'a> {
        // The lifetime a caller gets by default, and the most it may ask for.
        let durations = config.accounts.get(&c.account).and_then(|a| {
            let range = c.principal.duration_range(a.kind)?;
            Some(range.capped(c.max_duration_secs()))
        });
        ConnectorView {
            name,
            account: &c.account,
            principal: c.principal,
            api: c.principal.api(),
            role_arn: c.role_arn.as_deref(),
            external_id: c.external_id.as_deref(),
            policy: c.policy.as_deref(),
            policy_file: c.policy_file.as_deref(),
            policy_arns: &c.policy_arns,
            max_duration_seconds: durations.map(|(_, max)| max),
            default_duration_seconds: durations.map(|(default, _)| default),
            groups: &c.groups,
            system_scope: c.system_scope,
            region: c.region.as_deref(),
            description: c.description.as_deref(),
            session_tags: &c.session_tags,
            source_identity: c.source_identity,
        }
    }

    /// A row of `list`'s table (see [`LIST_HEADERS`]).
    fn row(&self) -> Vec<String> {
        vec![
            self.name.to_string(),
            self.principal.to_string(),
            self.account.to_string(),
            self.max_duration_seconds
                .map_or("-".into(), validate::format_duration),
            output::joined(self.groups),
            yes_no(self.system_scope).to_string(),
            self.description.unwrap_or_default().to_string(),
        ]
    }

    /// The lines of `show`'s table.
    fn fields(&self) -> Vec<(&'static str, String)> {
        let or_dash = |v: Option<&str>| v.unwrap_or("-").to_string();
        let policy = match (self.policy, self.policy_file) {
            (Some(p), _) => format!(
                "inline, {} characters without whitespace",
                validate::compact_len(p)
            ),
            (None, Some(f)) => format!("file {}", f.display()),
            (None, None) => "-".into(),
        };
        let durations = self
            .default_duration_seconds
            .zip(self.max_duration_seconds)
            .map_or("-".into(), |(default, max)| {
                format!(
                    "default {}, at most {}",
                    validate::format_duration(default),
                    validate::format_duration(max)
                )
            });
        let tags: Vec<String> = self
            .session_tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        vec![
            ("name", self.name.to_string()),
            ("principal", format!("{} ({})", self.principal, self.api)),
            ("account", self.account.to_string()),
            ("role arn", or_dash(self.role_arn)),
            ("external id", or_dash(self.external_id)),
            ("session policy", policy),
            ("policy arns", output::joined(self.policy_arns)),
            ("duration", durations),
            ("groups", output::joined(self.groups)),
            ("system scope", yes_no(self.system_scope).into()),
            ("region", or_dash(self.region)),
            ("session tags", output::joined(&tags)),
            (
                "source identity",
                if self.source_identity {
                    "the caller's name (SourceIdentity)"
                } else {
                    "no"
                }
                .into(),
            ),
            ("description", or_dash(self.description)),
            ("can do", self.principal.summary().to_string()),
        ]
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn list(json: bool, ctx: &mut Context) -> anyhow::Result<()> {
    let mut config = ctx.load(Depth::Shallow)?;
    // Through a broker, a user sees the connectors they may use.
    if let Some(id) = super::own_only(ctx, &config)? {
        let usable: Vec<String> = config
            .connectors
            .iter()
            .filter(|(name, c)| crate::authz::decide(&config, name, c, &id).is_ok())
            .map(|(name, _)| name.clone())
            .collect();
        config.connectors.retain(|name, _| usable.contains(name));
    }
    let views: Vec<ConnectorView<'_>> = config
        .connectors
        .iter()
        .map(|(name, c)| ConnectorView::of(&config, name, c))
        .collect();
    let text = if json {
        output::json(&views)
    } else if views.is_empty() {
        ctx.note("no connectors yet; add one with `fedaws connector add NAME`");
        String::new()
    } else {
        output::table(
            &LIST_HEADERS,
            views.iter().map(ConnectorView::row).collect(),
        ) + "\n"
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}

fn show(name: &str, json: bool, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    let c = config.connector(name)?;
    if let Some(id) = super::own_only(ctx, &config)? {
        crate::authz::decide(&config, name, c, &id)?;
    }
    let view = ConnectorView::of(&config, name, c);
    let text = if json {
        output::json(&view)
    } else {
        output::fields(view.fields()) + "\n"
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}
