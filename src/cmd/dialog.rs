//! The guided dialogs: `connector add` and `connector edit` in the product page's order, and the
//! account and init dialogs. They only collect answers, checked with the same rules as the flags;
//! the commands write the config (and the secret store) once, after the summary is confirmed, so
//! cancelling at any step leaves everything as it was.

use std::collections::BTreeSet;
use std::path::PathBuf;

use secrecy::ExposeSecret;

use crate::cli::ConnectorFields;
use crate::config::{Config, Connector};
use crate::identity;
use crate::output;
use crate::policies;
use crate::principal::{AccountKind, Principal};
use crate::prompt::{Cancelled, Choice, Prompter};
use crate::secret::AccountKeys;
use crate::validate::{self, MaxDuration, format_duration};

/// An account created inside the connector dialog.
pub struct NewAccount {
    /// Its name.
    pub name: String,
    /// iam-user or root.
    pub kind: AccountKind,
    /// Its key pair.
    pub keys: AccountKeys,
    /// Its MFA device, if any.
    pub mfa_serial: Option<String>,
}

/// Everything the connector dialog decided.
pub struct ConnectorAnswers {
    /// The connector's name.
    pub name: String,
    /// Its fields, as the flags would have given them.
    pub fields: ConnectorFields,
    /// Fields to remove (edit only).
    pub unset: Vec<&'static str>,
    /// An account to create first.
    pub new_account: Option<NewAccount>,
    /// Config groups to create (empty).
    pub new_groups: Vec<String>,
}

/// The answer of a prompt that can be cancelled.
pub fn answer<T>(value: std::io::Result<Option<T>>) -> anyhow::Result<T> {
    value?.ok_or_else(|| Cancelled.into())
}

fn field_check(
    f: impl Fn(&str) -> Result<(), validate::FieldError>,
) -> impl Fn(&str) -> Result<(), String> {
    move |s: &str| f(s).map_err(|e| e.problem)
}

/// The connector dialog. `current` is the connector being edited; `preset` holds flags given on
/// the command line, which are taken as answers and not asked again.
pub fn connector(
    p: &dyn Prompter,
    config: &Config,
    name: Option<&str>,
    current: Option<&Connector>,
    preset: &ConnectorFields,
    policy_files: bool,
) -> anyhow::Result<ConnectorAnswers> {
    p.guard_interrupts();
    let editing = current.is_some();

    // 1. The account.
    let mut new_account = None;
    let account = match &preset.account {
        Some(a) => a.clone(),
        None => {
            let mut items: Vec<String> = config
                .accounts
                .iter()
                .map(|(n, a)| {
                    let users = config.connectors_using(n).len();
                    format!(
                        "{n}  ({}, used by {users} connector{})",
                        a.kind,
                        if users == 1 { "" } else { "s" }
                    )
                })
                .collect();
            items.push("+ create a new account".into());
            let names: Vec<&String> = config.accounts.keys().collect();
            let default = current
                .and_then(|c| names.iter().position(|n| **n == c.account))
                .unwrap_or(0);
            let i = answer(p.select(
                "Account (the IAM user whose keys derive the credentials)",
                &items,
                default,
            ))?;
            if i == names.len() {
                let created = new_account_dialog(p, config)?;
                let n = created.name.clone();
                new_account = Some(created);
                n
            } else {
                let chosen = names[i].clone();
                if editing {
                    let users = config.connectors_using(&chosen);
                    if users.len() > 1 {
                        p.say(&format!(
                            "note: account `{chosen}` is shared: changing the account itself (`fedaws account edit {chosen}`) affects {}",
                            users.join(", ")
                        ));
                    }
                }
                chosen
            }
        }
    };
    let kind = new_account
        .as_ref()
        .map(|a| a.kind)
        .or_else(|| config.accounts.get(&account).map(|a| a.kind))
        .unwrap_or_default();
    let has_mfa = new_account
        .as_ref()
        .map(|a| a.mfa_serial.is_some())
        .or_else(|| {
            config
                .accounts
                .get(&account)
                .map(|a| a.mfa_serial.is_some())
        })
        .unwrap_or(false);

    // 2. The name.
    let name = match name {
        Some(n) => n.to_string(),
        None => p.input("Connector name", None, &|s: &str| {
            validate::check_name("name", s).map_err(|e| e.problem)?;
            if config.connectors.contains_key(s) {
                return Err(format!("connector `{s}` exists already"));
            }
            Ok(())
        })?,
    };

    // 3. The principal type, with what it can and cannot do, and the permission it needs.
    let principal = match preset.principal {
        Some(pr) => pr,
        None => {
            let items: Vec<String> = Principal::ALL
                .iter()
                .map(|pr| format!("{:<15} {}", pr.as_str(), pr.tagline()))
                .collect();
            let default = current
                .and_then(|c| Principal::ALL.iter().position(|x| *x == c.principal))
                .unwrap_or(0);
            let i = answer(p.select("Principal type", &items, default))?;
            let pr = Principal::ALL[i];
            if let Some(why) = pr.refused_for(kind) {
                anyhow::bail!(crate::exit::UserError::usage(why));
            }
            pr
        }
    };
    if has_mfa && !principal.allows_mfa() {
        p.say(&format!(
            "note: account `{account}` has an MFA device, but {principal} takes no MFA code"
        ));
    }

    let mut fields = ConnectorFields {
        account: Some(account.clone()),
        principal: Some(principal),
        ..ConnectorFields::default()
    };
    let mut unset: Vec<&'static str> = Vec::new();

    // 4. Role and external ID.
    if principal.needs_role_arn() {
        fields.role_arn = Some(match &preset.role_arn {
            Some(r) => r.clone(),
            None => p.input(
                "Role ARN (arn:aws:iam::ACCOUNT:role/NAME)",
                current.and_then(|c| c.role_arn.as_deref()),
                &field_check(|s| validate::check_role_arn("role ARN", s)),
            )?,
        });
        fields.external_id = match &preset.external_id {
            Some(x) => Some(x.clone()),
            None => {
                let x = p.input(
                    "External ID (optional, empty for none)",
                    current.and_then(|c| c.external_id.as_deref()),
                    &|s: &str| {
                        if s.is_empty() {
                            Ok(())
                        } else {
                            validate::check_external_id("external ID", s).map_err(|e| e.problem)
                        }
                    },
                )?;
                if x.is_empty() {
                    unset.push("external_id");
                    None
                } else {
                    Some(x)
                }
            }
        };
    } else if editing {
        unset.extend(["role_arn", "external_id"]);
    }
    if preset.principal.is_none() {
        p.say(&format!(
            "The IAM user behind account `{account}` needs this permission for {} (attach it in IAM, not here):\n{}",
            principal.api(),
            principal.caller_permission_policy(fields.role_arn.as_deref())
        ));
    }

    // 5. The session policy.
    if principal.allows_policy() {
        if preset.policy.is_some() || preset.policy_file.is_some() {
            fields.policy = preset.policy.clone();
            fields.policy_file = preset.policy_file.clone();
        } else {
            match policy_dialog(p, current, config, policy_files)? {
                PolicyAnswer::Keep => {}
                PolicyAnswer::None => unset.extend(["policy", "policy_file"]),
                PolicyAnswer::Inline(text) => fields.policy = Some(text),
                PolicyAnswer::File(path) => fields.policy_file = Some(path),
            }
        }
        if preset.policy_arns.is_empty() {
            let current_arns = current
                .map(|c| c.policy_arns.join(", "))
                .unwrap_or_default();
            let arns = p.input(
                "Managed policy ARNs (optional, comma-separated)",
                (!current_arns.is_empty()).then_some(current_arns.as_str()),
                &|s: &str| {
                    validate::check_policy_arns("policy ARNs", &split_list(s))
                        .map_err(|e| e.problem)
                },
            )?;
            fields.policy_arns = split_list(&arns);
            if fields.policy_arns.is_empty() {
                unset.push("policy_arns");
            }
        } else {
            fields.policy_arns = preset.policy_arns.clone();
        }
    } else if editing {
        unset.extend(["policy", "policy_file", "policy_arns", "session_tags"]);
    }

    // 6. The maximum duration.
    let range = principal.duration_range(kind).ok_or_else(|| {
        crate::exit::UserError::usage(format!("a {kind} account cannot use {principal}"))
    })?;
    let max_duration = |s: &str| {
        let d = MaxDuration::parse("duration", s).map_err(|e| e.problem)?;
        validate::check_duration("duration", d.secs(), principal, kind).map_err(|e| e.problem)?;
        Ok::<_, String>(d)
    };
    fields.max_duration = match &preset.max_duration {
        Some(d) => Some(d.clone()),
        None => {
            let current_max = current
                .and_then(Connector::max_duration_secs)
                .map(format_duration);
            let d = p.input(
                &format!(
                    "Maximum duration ({} to {}; empty for the AWS default, {})",
                    format_duration(range.min),
                    format_duration(range.max),
                    format_duration(range.default)
                ),
                current_max.as_deref(),
                &|s: &str| {
                    if s.is_empty() {
                        return Ok(());
                    }
                    max_duration(s).map(drop)
                },
            )?;
            if d.is_empty() {
                unset.push("max_duration");
                None
            } else {
                Some(max_duration(&d).map_err(crate::exit::UserError::usage)?)
            }
        }
    };

    // 7. Groups.
    let mut new_groups = Vec::new();
    if preset.groups.is_empty() {
        let mut seen = BTreeSet::new();
        let mut choices: Vec<Choice> = Vec::new();
        for g in config.groups.keys() {
            if seen.insert(g.clone()) {
                choices.push(Choice {
                    value: g.clone(),
                    note: "config group",
                });
            }
        }
        for g in identity::os_group_names() {
            if seen.insert(g.clone()) {
                choices.push(Choice {
                    value: g,
                    note: "OS group",
                });
            }
        }
        let chosen = current.map(|c| c.groups.clone()).unwrap_or_default();
        let picked = answer(p.pick_many(
            "Groups that may use it (administrators always may)",
            &choices,
            &chosen,
            Some(&|s: &str| validate::check_name("group", s).map_err(|e| e.problem)),
        ))?;
        new_groups = picked
            .iter()
            .filter(|g| !seen.contains(*g))
            .cloned()
            .collect();
        if picked.is_empty() {
            unset.push("groups");
        }
        fields.groups = picked;
    } else {
        fields.groups = preset.groups.clone();
    }

    // 8. System scope.
    fields.system_scope = match preset.system_scope {
        Some(b) => Some(b),
        None => {
            let b = answer(p.confirm(
                "System scope? (lets cron jobs, CI and the credential server use it with --system, without a user session, whatever their groups)",
                current.is_some_and(|c| c.system_scope),
            ))?;
            if !b {
                unset.push("system_scope");
            }
            Some(b).filter(|b| *b)
        }
    };
    fields.region = preset.region.clone();
    fields.description = preset.description.clone();
    fields.session_tags = preset.session_tags.clone();

    // 9. Summary, then confirm.
    let policy = match (&fields.policy, &fields.policy_file) {
        (Some(t), _) => format!(
            "inline, {} characters without whitespace",
            validate::compact_len(t)
        ),
        (None, Some(f)) => format!("file {}", f.display()),
        (None, None) if unset.contains(&"policy") || current.is_none() => "-".into(),
        (None, None) => "unchanged".into(),
    };
    let summary = output::fields(vec![
        ("connector", name.clone()),
        (
            "account",
            match &new_account {
                Some(a) => format!("{account} (new, {}, key {})", a.kind, a.keys.masked_id()),
                None => account.clone(),
            },
        ),
        ("principal", format!("{principal} ({})", principal.api())),
        (
            "role arn",
            fields.role_arn.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "external id",
            fields.external_id.clone().unwrap_or_else(|| "-".into()),
        ),
        ("session policy", policy),
        ("policy arns", output::joined(&fields.policy_arns)),
        (
            "max duration",
            fields.max_duration.as_ref().map_or_else(
                || format!("AWS default ({})", format_duration(range.default)),
                ToString::to_string,
            ),
        ),
        (
            "groups",
            if fields.groups.is_empty() {
                "- (administrators only)".into()
            } else {
                fields.groups.join(", ")
            },
        ),
        ("new groups", output::joined(&new_groups)),
        (
            "system scope",
            if fields.system_scope == Some(true) {
                "yes"
            } else {
                "no"
            }
            .into(),
        ),
    ]);
    p.say(&summary);
    if !answer(p.confirm(
        if editing {
            "Save these changes?"
        } else {
            "Create this connector?"
        },
        true,
    ))? {
        return Err(Cancelled.into());
    }
    Ok(ConnectorAnswers {
        name,
        fields,
        unset,
        new_account,
        new_groups,
    })
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

enum PolicyAnswer {
    Keep,
    None,
    Inline(String),
    File(PathBuf),
}

/// Ask for a session policy until a valid one (or none) is chosen; a policy file is offered
/// only with `files` (not to a broker's peer, whose paths the broker would read as its own user).
fn policy_dialog(
    p: &dyn Prompter,
    current: Option<&Connector>,
    config: &Config,
    files: bool,
) -> anyhow::Result<PolicyAnswer> {
    #[derive(Clone, Copy)]
    enum Choice {
        Keep,
        Nothing,
        File,
        Example,
        Editor,
    }
    let has_current = current.is_some_and(|c| c.policy.is_some() || c.policy_file.is_some());
    let mut offered: Vec<(Choice, &str)> = Vec::new();
    if has_current {
        offered.push((Choice::Keep, "Keep the current policy"));
    }
    offered.push((
        Choice::Nothing,
        "No session policy (federated-user: no permissions at all; assume-role: the role's)",
    ));
    if files {
        offered.push((Choice::File, "From a file"));
    }
    offered.push((Choice::Example, "From the examples"));
    offered.push((Choice::Editor, "Write it in an editor ($VISUAL / $EDITOR)"));
    let items: Vec<String> = offered.iter().map(|(_, text)| text.to_string()).collect();
    loop {
        let i = answer(p.select(
            "Session policy (narrows what the credentials may do)",
            &items,
            0,
        ))?;
        let checked = |text: String| -> Option<String> {
            match validate::check_policy("policy", &text) {
                Ok(info) => {
                    p.say(&format!(
                        "policy ok: {} of {} characters without whitespace",
                        info.compact_len,
                        validate::POLICY_MAX_COMPACT_LEN
                    ));
                    Some(text)
                }
                Err(e) => {
                    p.say(&format!("that policy is invalid: {e}; choose again"));
                    None
                }
            }
        };
        match offered[i].0 {
            Choice::Keep => return Ok(PolicyAnswer::Keep),
            Choice::Nothing => return Ok(PolicyAnswer::None),
            Choice::File => {
                let path = p.input("Policy file", None, &|s: &str| {
                    let text =
                        std::fs::read_to_string(s).map_err(|e| format!("cannot read {s}: {e}"))?;
                    validate::check_policy("policy", &text)
                        .map(|_| ())
                        .map_err(|e| e.problem)
                })?;
                let path = PathBuf::from(path);
                let absolute = std::path::absolute(&path).unwrap_or(path);
                // Keep it relative to the config when it lives beside it.
                let stored = absolute
                    .strip_prefix(config.base_dir())
                    .map(PathBuf::from)
                    .unwrap_or(absolute);
                return Ok(PolicyAnswer::File(stored));
            }
            Choice::Example => {
                let names: Vec<String> = policies::EXAMPLES
                    .iter()
                    .map(|e| format!("{:<28} {}", e.name, e.summary))
                    .collect();
                let e = answer(p.select("Example policy", &names, 0))?;
                if let Some(text) = checked(policies::EXAMPLES[e].json.to_string()) {
                    return Ok(PolicyAnswer::Inline(text));
                }
            }
            Choice::Editor => {
                let start = current.and_then(|c| c.policy.clone()).unwrap_or_else(|| {
                    policies::find("read-only")
                        .map(|e| e.json.to_string())
                        .unwrap_or_default()
                });
                match p.edit(&start)? {
                    None => p.say("the editor was closed without saving; choose again"),
                    Some(text) => {
                        if let Some(text) = checked(text) {
                            return Ok(PolicyAnswer::Inline(text));
                        }
                    }
                }
            }
        }
    }
}

/// Ask for a new account: name, kind, key pair, MFA device.
pub fn new_account_dialog(p: &dyn Prompter, config: &Config) -> anyhow::Result<NewAccount> {
    let name = p.input("New account name", None, &|s: &str| {
        validate::check_name("name", s).map_err(|e| e.problem)?;
        if config.accounts.contains_key(s) {
            return Err(format!("account `{s}` exists already"));
        }
        Ok(())
    })?;
    let (kind, keys, mfa_serial) = account_details(p, None, true, None)?;
    Ok(NewAccount {
        name,
        kind,
        keys: keys.expect("a new account always asks for keys"),
        mfa_serial,
    })
}

/// Kind (unless given), key pair (when `with_keys`) and MFA device (unless given) of an account.
pub fn account_details(
    p: &dyn Prompter,
    kind: Option<AccountKind>,
    with_keys: bool,
    mfa_serial: Option<&str>,
) -> anyhow::Result<(AccountKind, Option<AccountKeys>, Option<String>)> {
    let kind = match kind {
        Some(k) => k,
        None => {
            let items = vec![
                "iam-user  an IAM user's access key (recommended)".to_string(),
                "root      the AWS account's root access key (discouraged: sessions of at most 1h, no roles)".to_string(),
            ];
            if answer(p.select("Account kind", &items, 0))? == 0 {
                AccountKind::IamUser
            } else {
                AccountKind::Root
            }
        }
    };
    let keys = if with_keys { Some(ask_keys(p)?) } else { None };
    if let Some(m) = mfa_serial {
        return Ok((kind, keys, Some(m.to_string())));
    }
    let mfa = ask_mfa_serial(p, None)?;
    Ok((kind, keys, mfa))
}

/// An access key pair: the id visibly, the secret hidden; re-asked until it looks like one.
pub fn ask_keys(p: &dyn Prompter) -> anyhow::Result<AccountKeys> {
    let id = p.input("Access key id (AKIA…)", None, &|s: &str| {
        AccountKeys::new(s, "placeholder-secret").map(|_| ())
    })?;
    loop {
        let secret = p.secret("Secret access key (hidden)")?;
        match AccountKeys::new(&id, secret.expose_secret()) {
            Ok(k) => return Ok(k),
            Err(e) => p.say(&format!("{e}; type it again")),
        }
    }
}

/// An optional MFA device ARN; `default` is offered, `-` removes it.
pub fn ask_mfa_serial(p: &dyn Prompter, default: Option<&str>) -> anyhow::Result<Option<String>> {
    let mfa = p.input(
        if default.is_some() {
            "MFA device ARN (- for none)"
        } else {
            "MFA device ARN (optional, empty for none)"
        },
        default,
        &|s: &str| {
            if s.is_empty() || s == "-" {
                Ok(())
            } else {
                validate::check_serial_number("MFA serial", s).map_err(|e| e.problem)
            }
        },
    )?;
    Ok((!mfa.is_empty() && mfa != "-").then_some(mfa))
}

#[cfg(test)]
mod tests {
    //! The connector dialog without a terminal, answered from a script. (The pseudo-terminal
    //! tests of `tests/cli/dialogs.rs` drive the real prompts.)

    use super::*;
    use crate::prompt::scripted::{Answer::*, Scripted};

    fn config() -> Config {
        Config::from_text(
            std::path::Path::new("c.toml"),
            "[accounts.a]\n\n[accounts.r]\nkind = \"root\"\n\n[groups]\ndev = []\n",
            crate::config::Depth::Shallow,
        )
        .unwrap()
    }

    fn preset(account: &str) -> ConnectorFields {
        ConnectorFields {
            account: Some(account.into()),
            ..ConnectorFields::default()
        }
    }

    #[test]
    fn an_iam_user_connector_takes_five_answers_and_a_wrong_one_is_asked_again() {
        let person = Scripted::new(vec![
            Select(1),   // principal type: iam-user
            Text("99h"), // maximum duration: above 36h, refused
            Text("2h"),  // asked again
            Pick(vec!["dev", "new-team"]),
            Confirm(true), // system scope
            Confirm(true), // write it
        ]);
        let answers =
            connector(&person, &config(), Some("sess"), None, &preset("a"), true).unwrap();
        assert_eq!(person.left(), 0);
        assert_eq!(answers.name, "sess");
        assert_eq!(answers.fields.principal, Some(Principal::IamUser));
        assert_eq!(
            answers
                .fields
                .max_duration
                .map(|d| d.to_string())
                .as_deref(),
            Some("2h")
        );
        assert_eq!(answers.fields.groups, ["dev", "new-team"]);
        assert_eq!(answers.new_groups, ["new-team"]);
        assert_eq!(answers.fields.system_scope, Some(true));
        let asked = person.asked.borrow();
        assert!(
            asked
                .iter()
                .any(|a| a.starts_with("refused: ") && a.contains("36h")),
            "{asked:#?}"
        );
    }

    #[test]
    fn a_cancel_at_any_prompt_is_a_cancellation() {
        let person = Scripted::new(vec![Select(1), Cancel]);
        let e = connector(&person, &config(), Some("sess"), None, &preset("a"), true)
            .err()
            .unwrap();
        assert_eq!(crate::error::exit_for(&e), crate::exit::Exit::Cancelled);
        assert_eq!(person.left(), 0);
    }

    #[test]
    fn a_root_account_is_told_it_cannot_assume_a_role() {
        let person = Scripted::new(vec![Select(2)]);
        let e = connector(&person, &config(), Some("x"), None, &preset("r"), true)
            .err()
            .unwrap();
        assert!(
            e.to_string()
                .contains(crate::principal::ROOT_CANNOT_ASSUME_ROLE),
            "{e}"
        );
    }
}
