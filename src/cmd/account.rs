//! `fedaws account add|edit|remove|list|show`: long-term keys in the secret store, their
//! settings in the config. The key pair never comes from argv and never reaches stdout, stderr or
//! a file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use secrecy::ExposeSecret;
use serde::Serialize;
use toml_edit::Item;

use super::dialog;
use crate::cli::{AccountAddArgs, AccountCommand, AccountEditArgs, KeySource, RemoveArgs};
use crate::config::{Account, Config, Depth, edit};
use crate::context::Context;
use crate::exit::UserError;
use crate::output;
use crate::principal::AccountKind;
use crate::prompt::Cancelled;
use crate::secret::{self, AccountKeys, SecretStore};
use crate::validate;

/// How `show` names an `mfa_process`: set, but never printed (it may hold a TOTP seed).
const HIDDEN: &str = "set (not shown: it may hold a secret)";
/// Dispatch `fedaws account …`.
pub fn run(command: AccountCommand, ctx: &mut Context) -> anyhow::Result<()> {
    match command {
        AccountCommand::Add(args) => add(args, ctx),
        AccountCommand::Edit(args) => edit_account(args, ctx),
        AccountCommand::Remove(args) => remove(args, ctx),
        AccountCommand::List(args) => list(args.json, ctx),
        AccountCommand::Show(args) => show(&args.name, args.json, ctx),
        AccountCommand::Rotate(args) => super::account_rotate::run(args, ctx),
    }
}

/// Settings given on the command line, checked.
struct AccountSpec {
    kind: Option<AccountKind>,
    mfa_serial: Option<String>,
    mfa_process: Option<String>,
    description: Option<String>,
}

fn usage(e: validate::FieldError) -> UserError {
    UserError::usage(e.to_string())
}

impl AccountSpec {
    fn new(
        kind: Option<AccountKind>,
        mfa_serial: Option<String>,
        mfa_process: Option<String>,
        description: Option<String>,
    ) -> Result<AccountSpec, UserError> {
        if let Some(s) = &mfa_serial {
            validate::check_serial_number("--mfa-serial", s).map_err(usage)?;
        }
        if let Some(p) = &mfa_process
            && p.trim().is_empty()
        {
            return Err(UserError::usage("--mfa-process is empty"));
        }
        Ok(AccountSpec {
            kind,
            mfa_serial,
            mfa_process,
            description,
        })
    }

    /// `account` with every given setting.
    fn apply(&self, account: &mut Account) {
        if let Some(k) = self.kind {
            account.kind = k;
        }
        super::set_given([
            (&mut account.mfa_serial, &self.mfa_serial),
            (&mut account.mfa_process, &self.mfa_process),
            (&mut account.description, &self.description),
        ]);
    }

    fn is_empty(&self) -> bool {
        self.kind.is_none()
            && self.mfa_serial.is_none()
            && self.mfa_process.is_none()
            && self.description.is_none()
    }
}

fn add(args: AccountAddArgs, ctx: &mut Context) -> anyhow::Result<()> {
    validate::check_name("account name", &args.name).map_err(usage)?;
    let spec = AccountSpec::new(
        args.kind,
        args.mfa_serial,
        args.mfa_process,
        args.description,
    )?;
    let config = ctx.load(Depth::Shallow)?;
    if config.accounts.contains_key(&args.name) {
        return Err(UserError::usage(format!(
            "account `{}` already exists; use `fedaws account edit {}` (with --rotate to replace its keys)",
            args.name, args.name
        ))
        .into());
    }
    let source_given =
        args.source.secret_stdin || args.source.from_env || args.source.from_aws_profile.is_some();
    let (spec, keys) = if !source_given && ctx.interactive {
        let p = ctx.prompter.as_ref();
        p.guard_interrupts();
        let (kind, keys, mfa) =
            dialog::account_details(p, spec.kind, true, spec.mfa_serial.as_deref())?;
        let keys = keys.expect("keys were asked for");
        let description = match spec.description {
            Some(d) => Some(d),
            None => Some(p.input("Description (optional)", None, &|_: &str| Ok(()))?)
                .filter(|d| !d.is_empty()),
        };
        p.say(&output::fields(vec![
            ("account", args.name.clone()),
            ("kind", kind.to_string()),
            ("access key", keys.masked_id()),
            ("mfa serial", mfa.clone().unwrap_or_else(|| "-".into())),
            (
                "description",
                description.clone().unwrap_or_else(|| "-".into()),
            ),
        ]));
        if !dialog::answer(p.confirm("Store this account?", true))? {
            return Err(Cancelled.into());
        }
        let spec = AccountSpec {
            kind: Some(kind),
            mfa_serial: mfa,
            mfa_process: spec.mfa_process,
            description,
        };
        (spec, keys)
    } else {
        let keys = read_keys(&args.source, ctx, true)?.expect("required keys are always read");
        (spec, keys)
    };
    let store = ctx.store(Some(&config))?;
    let key = secret::account_key(&args.name);
    let name = args.name.clone();
    let mut stored = false;
    let result = edit::edit(&ctx.location.path, |doc| {
        if edit::has_account(doc, &name) {
            return Err(UserError::usage(format!("account `{name}` already exists")).into());
        }
        let mut account = Account::default();
        spec.apply(&mut account);
        edit::put_account(doc, &name, &account)?;
        store.set(&key, &keys.to_secret())?;
        stored = true;
        Ok(())
    });
    if let Err(e) = result {
        if stored {
            let _ = store.delete(&key);
        }
        return Err(e);
    }
    if let Some(note) = store.persistence_note() {
        ctx.warn(note);
    }
    ctx.note(format!(
        "added account `{}` ({}, key {}) in the {} store",
        args.name,
        spec.kind.unwrap_or_default(),
        keys.masked_id(),
        store.backend()
    ));
    Ok(())
}

/// The settings `--unset` may remove: every account key but `kind`, which `--kind` sets.
fn unsettable() -> impl Iterator<Item = &'static str> {
    crate::config::keys::<Account>()
        .iter()
        .copied()
        .filter(|k| *k != "kind")
}

fn edit_account(args: AccountEditArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let spec = AccountSpec::new(
        args.kind,
        args.mfa_serial,
        args.mfa_process,
        args.description,
    )?;
    let unset: Vec<&'static str> = args
        .unset
        .iter()
        .map(|f| {
            let flag = f.replace('_', "-");
            unsettable()
                .find(|k| k.replace('_', "-") == flag)
                .ok_or_else(|| {
                    UserError::usage(format!(
                        "--unset {flag:?}: allowed: {}",
                        unsettable()
                            .map(|k| k.replace('_', "-"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })
        })
        .collect::<Result<_, _>>()?;
    let source_given =
        args.source.secret_stdin || args.source.from_env || args.source.from_aws_profile.is_some();
    let mut rotate = args.rotate || source_given;
    let config = ctx.load(Depth::Shallow)?;
    let current = config.account(&args.name)?.clone();
    let mut spec = spec;
    let mut unset = unset;
    let mut dialog_keys = None;
    if spec.is_empty() && unset.is_empty() && !rotate {
        if !ctx.interactive {
            return Err(UserError::usage(
                "nothing to change: give --kind, --mfa-serial, --mfa-process, --description, --unset FIELD, or --rotate to replace the key pair",
            )
            .into());
        }
        let p = ctx.prompter.as_ref();
        p.guard_interrupts();
        let users = config.connectors_using(&args.name);
        if !users.is_empty() {
            p.say(&format!(
                "account `{}` is used by {}: changes here affect every one of them",
                args.name,
                users.join(", ")
            ));
        }
        let kinds = vec!["iam-user".to_string(), "root".to_string()];
        let k = dialog::answer(p.select(
            "Account kind",
            &kinds,
            usize::from(current.kind == AccountKind::Root),
        ))?;
        spec.kind = Some(if k == 0 {
            AccountKind::IamUser
        } else {
            AccountKind::Root
        });
        match dialog::ask_mfa_serial(p, current.mfa_serial.as_deref())? {
            Some(m) => spec.mfa_serial = Some(m),
            None => unset.push("mfa_serial"),
        }
        let d = p.input(
            "Description (- for none)",
            current.description.as_deref(),
            &|_: &str| Ok(()),
        )?;
        if d.is_empty() || d == "-" {
            unset.push("description");
        } else {
            spec.description = Some(d);
        }
        rotate = dialog::answer(p.confirm("Replace the key pair?", false))?;
        if rotate {
            dialog_keys = Some(dialog::ask_keys(p)?);
        }
        if !dialog::answer(p.confirm("Save these changes?", true))? {
            return Err(Cancelled.into());
        }
    }
    let keys = match dialog_keys {
        Some(k) => Some(k),
        None if rotate => read_keys(&args.source, ctx, true)?,
        None => None,
    };
    let users = config.connectors_using(&args.name).join(", ");
    let store = if keys.is_some() {
        Some(ctx.store(Some(&config))?)
    } else {
        None
    };
    let key = secret::account_key(&args.name);
    let previous = match &store {
        Some(s) => s.get(&key)?,
        None => None,
    };
    let mut stored = false;
    let name = args.name.clone();
    let result = edit::edit(&ctx.location.path, |doc| {
        let mut account = edit::account(doc, &name, &unset)?;
        spec.apply(&mut account);
        edit::put_account(doc, &name, &account)?;
        if let (Some(store), Some(keys)) = (&store, &keys) {
            store.set(&key, &keys.to_secret())?;
            stored = true;
        }
        Ok(())
    });
    match result {
        Err(e) => {
            if let (true, Some(store)) = (stored, &store) {
                let _ = match &previous {
                    Some(old) => store.set(&key, old),
                    None => store.delete(&key).map(|_| ()),
                };
            }
            Err(e)
        }
        Ok(edited) => {
            super::print_warnings(ctx, &edited.warnings);
            if let (Some(store), Some(note)) =
                (&store, store.as_ref().and_then(|s| s.persistence_note()))
            {
                let _ = store;
                ctx.warn(note);
            }
            let affected = if users.is_empty() {
                String::new()
            } else {
                format!("; this affects connectors {users}")
            };
            ctx.note(format!("updated account `{}`{affected}", args.name));
            Ok(())
        }
    }
}

fn remove(args: RemoveArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    config.account(&args.name)?;
    let users: Vec<String> = config
        .connectors_using(&args.name)
        .into_iter()
        .map(str::to_string)
        .collect();
    if !users.is_empty() && !args.force {
        return Err(UserError::usage(format!(
            "account `{}` is used by connector{} {}; remove or change them first, or add --force to remove them together with the account",
            args.name,
            if users.len() == 1 { "" } else { "s" },
            users.join(", ")
        ))
        .into());
    }
    let store = ctx.store(Some(&config))?;
    let name = args.name.clone();
    edit::edit(&ctx.location.path, |doc| {
        if let Some(connectors) = doc.get_mut("connectors").and_then(Item::as_table_mut) {
            for u in &users {
                connectors.remove(u);
            }
        }
        edit::section(doc, "accounts")?.remove(&name);
        Ok(())
    })?;
    let had_secret = store.delete(&secret::account_key(&args.name))?;
    if !users.is_empty() {
        ctx.note(format!("removed connectors {}", users.join(", ")));
    }
    ctx.note(format!(
        "removed account `{}`{}",
        args.name,
        if had_secret {
            " and its key pair"
        } else {
            " (it had no key pair in the store)"
        }
    ));
    Ok(())
}

/// What `list` and `show` say about an account's key pair.
#[derive(Default)]
struct KeyStatus {
    /// The masked key id.
    id: Option<String>,
    /// `stored`, `missing`, `unreadable`, `store unavailable`.
    status: &'static str,
    /// The entry's version and when it was written, where the store keeps versions.
    version: Option<u64>,
    written: Option<jiff::Timestamp>,
    /// When IAM made the key (one `account rotate` made), or when it was stored.
    created: Option<jiff::Timestamp>,
}

/// The key pair's status; a store that keeps particulars beside the secret (Vault's metadata)
/// is asked for those only, the others are read.
fn key_status(store: Option<&dyn SecretStore>, name: &str) -> KeyStatus {
    let status = |status| KeyStatus {
        status,
        ..KeyStatus::default()
    };
    let Some(store) = store else {
        return status("store unavailable");
    };
    let key = secret::account_key(name);
    match store.describe(&key) {
        Some(Ok(secret::Described::Entry(info))) => KeyStatus {
            id: info.access_key_id.as_deref().map(secret::mask_key_id),
            status: "stored",
            version: info.version,
            written: info.created,
            created: info.key_created,
        },
        Some(Ok(secret::Described::Missing)) => status("missing"),
        Some(Err(_)) => status("unreadable"),
        None => match secret::read_entry(store, name) {
            Ok(Some(entry)) => KeyStatus {
                id: Some(entry.keys.masked_id()),
                status: "stored",
                created: entry.created,
                ..KeyStatus::default()
            },
            Ok(None) => status("missing"),
            Err(_) => status("unreadable"),
        },
    }
}

fn open_store_for_listing(ctx: &mut Context, config: &Config) -> Option<Box<dyn SecretStore>> {
    match ctx.store(Some(config)) {
        Ok(s) => Some(s),
        Err(e) => {
            ctx.warn(format!("{e:#}"));
            None
        }
    }
}

/// What `account list` and `account show` say about an account: the JSON object of both
/// (`show`'s with the store, and whether there is an `mfa_process`), and the cells of their
/// tables.
#[derive(Serialize)]
struct AccountView<'a> {
    name: &'a str,
    kind: AccountKind,
    /// Masked.
    access_key_id: Option<String>,
    /// `stored`, `missing`, `unreadable`, `store unavailable`.
    key_pair: &'static str,
    /// The entry's version and when it was written, where the store keeps versions.
    key_version: Option<u64>,
    key_written: Option<jiff::Timestamp>,
    /// When IAM made the key (one `account rotate` made), or when it was stored.
    key_created: Option<jiff::Timestamp>,
    key_age_seconds: Option<i64>,
    mfa_serial: Option<&'a str>,
    description: Option<&'a str>,
    connectors: Vec<String>,
    #[serde(flatten)]
    shown: Option<Shown>,
}

/// What `account show` adds.
#[derive(Serialize)]
struct Shown {
    /// The account store's backend, when it could be opened.
    store: Option<&'static str>,
    /// Whether there is an `mfa_process`: the command may hold a TOTP seed, so only that.
    mfa_process: Option<&'static str>,
}

/// The columns of [`AccountView::row`].
const LIST_HEADERS: [&str; 7] = [
    "NAME",
    "KIND",
    "ACCESS KEY",
    "KEY AGE",
    "MFA",
    "CONNECTORS",
    "DESCRIPTION",
];

impl<'a> AccountView<'a> {
    /// The view of account `name`, with its key pair as `store` has it; `show` adds what only
    /// `show` shows.
    fn of(
        config: &Config,
        name: &'a str,
        a: &'a Account,
        store: Option<&dyn SecretStore>,
        show: bool,
    ) -> AccountView<'a> {
        let key = key_status(store, name);
        AccountView {
            name,
            kind: a.kind,
            access_key_id: key.id,
            key_pair: key.status,
            key_version: key.version,
            key_written: key.written,
            key_created: key.created,
            key_age_seconds: key
                .created
                .map(|c| (jiff::Timestamp::now() - c).get_seconds().max(0)),
            mfa_serial: a.mfa_serial.as_deref(),
            description: a.description.as_deref(),
            connectors: config
                .connectors_using(name)
                .into_iter()
                .map(str::to_string)
                .collect(),
            shown: show.then(|| Shown {
                store: store.map(|s| s.backend().as_str()),
                mfa_process: a.mfa_process.as_ref().map(|_| HIDDEN),
            }),
        }
    }

    /// The masked key id, else the key pair's status.
    fn access_key(&self) -> String {
        self.access_key_id
            .clone()
            .unwrap_or_else(|| format!("({})", self.key_pair))
    }

    /// `12 days`, `5 hours`, `-`.
    fn key_age(&self) -> String {
        match self.key_age_seconds {
            None => "-".into(),
            Some(s) if s >= 2 * 86_400 => format!("{} days", s / 86_400),
            Some(s) if s >= 2 * 3_600 => format!("{} hours", s / 3_600),
            Some(s) => format!("{} minutes", s / 60),
        }
    }

    /// A row of `list`'s table (see [`LIST_HEADERS`]).
    fn row(&self) -> Vec<String> {
        vec![
            self.name.to_string(),
            self.kind.to_string(),
            self.access_key(),
            self.key_age(),
            if self.mfa_serial.is_some() {
                "yes"
            } else {
                "no"
            }
            .to_string(),
            output::joined(&self.connectors),
            self.description.unwrap_or_default().to_string(),
        ]
    }

    /// The lines of `show`'s table.
    fn fields(&self) -> Vec<(&'static str, String)> {
        let or_dash = |v: Option<&str>| v.unwrap_or("-").to_string();
        let shown = self.shown.as_ref();
        let mut fields = vec![
            ("name", self.name.to_string()),
            ("kind", self.kind.to_string()),
            ("access key", self.access_key()),
            ("key age", self.key_age()),
            (
                "store",
                shown
                    .and_then(|s| s.store)
                    .unwrap_or("unavailable")
                    .to_string(),
            ),
            ("mfa serial", or_dash(self.mfa_serial)),
            ("mfa process", or_dash(shown.and_then(|s| s.mfa_process))),
            ("description", or_dash(self.description)),
            ("connectors", output::joined(&self.connectors)),
        ];
        if let Some(v) = self.key_version {
            let when = self
                .key_written
                .map(|t| format!(" (written {})", t.round(jiff::Unit::Second).unwrap_or(t)))
                .unwrap_or_default();
            fields.insert(4, ("key version", format!("{v}{when}")));
        }
        fields
    }
}

fn list(json: bool, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    let store = if config.accounts.is_empty() {
        None
    } else {
        open_store_for_listing(ctx, &config)
    };
    let views: Vec<AccountView<'_>> = config
        .accounts
        .iter()
        .map(|(name, a)| AccountView::of(&config, name, a, store.as_deref(), false))
        .collect();
    let text = if json {
        output::json(&views)
    } else if views.is_empty() {
        ctx.note("no accounts yet; add one with `fedaws account add NAME`");
        String::new()
    } else {
        output::table(&LIST_HEADERS, views.iter().map(AccountView::row).collect()) + "\n"
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}

fn show(name: &str, json: bool, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    let a = config.account(name)?;
    let store = open_store_for_listing(ctx, &config);
    let view = AccountView::of(&config, name, a, store.as_deref(), true);
    let text = if json {
        output::json(&view)
    } else {
        output::fields(view.fields()) + "\n"
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(())
}

/// The key pair an `account add` or `account edit` sent to a broker carries, read here from
/// where the command said (stdin, the environment, `~/.aws/credentials`); `None` when it names
/// no source, and its dialog asks for the keys in the broker.
pub(super) fn keys_to_send(
    command: &AccountCommand,
    ctx: &mut Context,
) -> anyhow::Result<Option<AccountKeys>> {
    let source = match command {
        AccountCommand::Add(a) => &a.source,
        AccountCommand::Edit(a) => &a.source,
        _ => return Ok(None),
    };
    if !(source.secret_stdin || source.from_env || source.from_aws_profile.is_some()) {
        return Ok(None);
    }
    read_keys(source, ctx, true)
}

fn read_keys(
    source: &KeySource,
    ctx: &mut Context,
    required: bool,
) -> anyhow::Result<Option<AccountKeys>> {
    let pair = if source.secret_stdin {
        let mut id = String::new();
        let mut secret = String::new();
        ctx.stdin.read_line(&mut id).context("reading stdin")?;
        ctx.stdin.read_line(&mut secret).context("reading stdin")?;
        let secret = secrecy::SecretString::from(secret);
        if id.trim().is_empty() {
            return Err(UserError::usage(
                "--secret-stdin expects two lines on stdin: the access key id, then the secret access key",
            )
            .into());
        }
        AccountKeys::new(&id, secret.expose_secret())
    } else if source.from_env {
        let id = std::env::var("AWS_ACCESS_KEY_ID").ok();
        let secret = std::env::var("AWS_SECRET_ACCESS_KEY")
            .ok()
            .map(secrecy::SecretString::from);
        let (Some(id), Some(secret)) = (id, secret) else {
            return Err(UserError::usage(
                "--from-env needs both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment",
            )
            .into());
        };
        if std::env::var_os("AWS_SESSION_TOKEN").is_some_and(|v| !v.is_empty()) {
            return Err(UserError::usage(
                "AWS_SESSION_TOKEN is set: the environment holds temporary credentials, but an account needs an IAM user's long-term access key",
            )
            .into());
        }
        AccountKeys::new(&id, secret.expose_secret())
    } else if let Some(profile) = &source.from_aws_profile {
        from_aws_profile(profile)?
    } else if ctx.interactive {
        Ok(dialog::ask_keys(ctx.prompter.as_ref())?)
    } else if required {
        return Err(UserError::usage(
            "no key pair given: use --secret-stdin (access key id and secret on two lines of stdin), --from-env or --from-aws-profile PROFILE, or run in a terminal to be asked",
        )
        .into());
    } else {
        return Ok(None);
    };
    let keys = pair.map_err(UserError::usage)?;
    if keys.access_key_id.starts_with("ASIA") {
        return Err(UserError::usage(
            "the access key id starts with ASIA: that is a temporary credential; an account needs an IAM user's long-term key (AKIA…)",
        )
        .into());
    }
    Ok(Some(keys))
}

/// The shared credentials file: `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
fn shared_credentials_file() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::BaseDirs::new().map(|b| b.home_dir().join(".aws").join("credentials"))
}

fn from_aws_profile(profile: &str) -> anyhow::Result<Result<AccountKeys, String>> {
    let path = shared_credentials_file()
        .ok_or_else(|| UserError::usage("cannot find the home directory for ~/.aws/credentials"))?;
    let ini = ini::Ini::load_from_file(&path).map_err(|e| {
        UserError::usage(format!(
            "cannot read {}: {}",
            path.display(),
            match e {
                ini::Error::Io(io) => io.to_string(),
                ini::Error::Parse(p) => format!("line {}, column {}: {}", p.line, p.col, p.msg),
            }
        ))
    })?;
    let section = ini.section(Some(profile)).ok_or_else(|| {
        let names: Vec<&str> = ini.sections().flatten().collect();
        UserError::usage(format!(
            "profile `{profile}` is not in {}; profiles there: {}",
            path.display(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ))
    })?;
    if section.get("aws_session_token").is_some() {
        return Err(UserError::usage(format!(
            "profile `{profile}` holds temporary credentials (aws_session_token); an account needs an IAM user's long-term key"
        ))
        .into());
    }
    let (Some(id), Some(secret)) = (
        section.get("aws_access_key_id"),
        section.get("aws_secret_access_key"),
    ) else {
        return Err(UserError::usage(format!(
            "profile `{profile}` in {} has no aws_access_key_id and aws_secret_access_key",
            path.display()
        ))
        .into());
    };
    Ok(AccountKeys::new(id, secret))
}
