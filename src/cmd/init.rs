//! `fedaws init`: write a commented starter config, never over an existing one.

use std::io::Write;

use crate::cli::InitArgs;
use crate::config::{Config, ConfigError, Depth};
use crate::context::Context;
use crate::exit::UserError;
use crate::fsutil;
use crate::secret::Backend;
use crate::validate::Region;

/// Create the config file.
pub fn run(args: InitArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let path = ctx.location.path.clone();
    let mut args = args;
    if ctx.interactive && args.region.is_none() && args.store.is_none() && args.admins.is_empty() {
        if path.exists() {
            return Err(ConfigError::Exists { path }.into());
        }
        dialog(&mut args, ctx)?;
    }
    let admins = if args.admins.is_empty() {
        current_user().into_iter().collect()
    } else {
        args.admins
    };
    let text = starter(args.region.as_ref(), args.store, &admins);
    Config::from_text(&path, &text, Depth::Shallow)?;
    // A config made where others could change it would be refused by every later command.
    crate::trust::check_for_writing(&path, crate::trust::Role::Config)
        .map_err(ConfigError::from)?;

    let _lock = fsutil::lock_beside(&path).map_err(|source| ConfigError::Write {
        path: path.clone(),
        source,
    })?;
    if path.exists() {
        return Err(ConfigError::Exists { path }.into());
    }
    fsutil::write_atomic(&path, text.as_bytes()).map_err(|source| ConfigError::Write {
        path: path.clone(),
        source,
    })?;
    ctx.note(format!(
        "created {}\nnext: `fedaws account add NAME` to store an IAM user's keys, then `fedaws connector add NAME`",
        path.display()
    ));
    ctx.out.flush()?;
    Ok(())
}

/// Ask for the settings `init` would otherwise take from flags.
fn dialog(args: &mut InitArgs, ctx: &mut Context) -> anyhow::Result<()> {
    ctx.prompter.guard_interrupts();
    let p = ctx.prompter.as_ref();
    p.say(&format!(
        "fedaws will write {}",
        ctx.location.path.display()
    ));
    let region = p.input("Default AWS region", Some("us-east-1"), &|s: &str| {
        Region::parse("region", s).map(drop).map_err(|e| e.problem)
    })?;
    let stores: Vec<String> = Backend::CHOICES
        .iter()
        .map(|b| match b {
            Backend::SecretService => "secret-service  gnome-keyring or KWallet over D-Bus (persists; needs a desktop session or a D-Bus session)".to_string(),
            Backend::Keyutils => "keyutils        the kernel keyring (no daemon; lost at reboot)".to_string(),
            Backend::Vault => "vault           HashiCorp Vault or OpenBao (set [settings.vault], or VAULT_ADDR)".to_string(),
            other => other.to_string(),
        })
        .collect();
    let default = Backend::CHOICES
        .iter()
        .position(|b| *b == Backend::platform_default())
        .unwrap_or(0);
    let store =
        super::dialog::answer(p.select("Where to keep the accounts' keys", &stores, default))?;
    let me = current_user().unwrap_or_default();
    let admins = p.input(
        "Administrators (users who may use every connector; comma-separated)",
        (!me.is_empty()).then_some(me.as_str()),
        &|_: &str| Ok(()),
    )?;
    args.region =
        Some(Region::parse("region", &region).map_err(|e| UserError::usage(e.to_string()))?);
    args.store = Some(Backend::CHOICES[store]);
    args.admins = admins
        .split([',', ' '])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    if !super::dialog::answer(p.confirm("Write the config?", true))? {
        return Err(crate::prompt::Cancelled.into());
    }
    Ok(())
}

/// The login name of the caller, from the environment a login sets.
fn current_user() -> Option<String> {
    if let Some(u) = crate::identity::current_user() {
        return Some(u);
    }
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|u| !u.is_empty())
}

fn quoted(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

/// The starter config: every setting present, most commented out with its default.
fn starter(region: Option<&Region>, store: Option<Backend>, admins: &[String]) -> String {
    let region_line = match region {
        Some(r) => format!("region = {}", quoted(r.as_str())),
        None => "# region = \"us-east-1\"            # default region for STS calls".into(),
    };
    let store_line = match store {
        Some(s) => format!("keyring = {}", quoted(s.as_str())),
        None => format!(
            "# keyring = \"{}\"    # secret-service | keyutils | keychain | windows | file | vault",
            Backend::platform_default()
        ),
    };
    let admins_list: Vec<String> = admins.iter().map(|a| quoted(a)).collect();
    format!(
        r#"# fedaws configuration: accounts, connectors and who may use them.
# Long-term keys are never kept here: they live in the secret store.
# Reference: `fedaws --help`, and the README's configuration section.

[settings]
{region_line}
{store_line}
admins = [{admins}]              # users who may use every connector
# admin_groups = ["ops"]         # groups whose members may use every connector
# sts_endpoint = "https://sts.eu-central-1.amazonaws.com"   # else AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL
# refresh_margin = "5m"          # refresh cached credentials with less than this left
# system_identity = "fedaws-system"

# An account is an IAM user's long-term key pair, added with
#   fedaws account add deployer --secret-stdin
#
# [accounts.deployer]
# description = "CI deployer IAM user"
# mfa_serial = "arn:aws:iam::123456789012:mfa/deployer"

# A connector says how temporary credentials are made from an account:
#
# [connectors.readonly]
# account = "deployer"
# principal = "federated-user"   # federated-user | iam-user | assume-role
# policy_file = "policies/readonly.json"
# max_duration = "12h"
# groups = ["developers"]

# Groups of users, besides the OS groups:
#
# [groups]
# developers = ["carol"]
"#,
        admins = admins_list.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_configs_are_valid() {
        // The store named must be one this platform has.
        let store = if cfg!(target_os = "linux") {
            Backend::Keyutils
        } else {
            Backend::File
        };
        let region = Region::parse("region", "eu-central-1").unwrap();
        for (region, store) in [(None, None), (Some(&region), Some(store))] {
            let text = starter(region, store, &["alice".into(), "b\"ob".into()]);
            let config = Config::from_text(std::path::Path::new("c.toml"), &text, Depth::Deep)
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(config.settings.admins, ["alice", "b\"ob"]);
            assert_eq!(config.settings.region().unwrap().as_ref(), region);
        }
    }
}
