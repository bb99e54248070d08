//! `fedaws check`: is the config valid, is the secret store reachable, does every account have
//! its key pair? Prints a report and exits non-zero when anything is wrong.

use std::io::Write;

use serde_json::json;

use crate::cli::CheckArgs;
use crate::config::{Config, Depth, Severity};
use crate::context::Context;
use crate::exit::UserError;
use crate::fsutil;
use crate::output;
use crate::secret;
use crate::trust::{self, Role};

/// Past how many days an access key is reported, unless `settings.max_key_age` says otherwise.
const DEFAULT_MAX_KEY_AGE_DAYS: u32 = 90;

/// One line of the report.
struct Finding {
    severity: Severity,
    text: String,
    line: Option<usize>,
}

/// Check the `credential_process` profiles in `~/.aws/config` that run fedaws: the program must
/// exist and, for profiles that use this config, the connector too. A file others could change
/// (and so point a profile at any command) is an error, as `aws-profile` refuses to edit it.
fn profile_findings(config: &Config, path: &std::path::Path, findings: &mut Vec<Finding>) {
    let Ok(aws_config) = crate::aws_config::aws_config_path() else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(&aws_config) else {
        return;
    };
    if let Err(e) = trust::check(&aws_config, Role::AwsConfig) {
        findings.push(Finding {
            severity: Severity::Error,
            text: e.to_string(),
            line: None,
        });
    }
    let this = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    for p in crate::aws_config::fedaws_profiles(&text) {
        let place = format!("{} profile `{}`", aws_config.display(), p.profile);
        if !std::path::Path::new(&p.program).exists() {
            findings.push(Finding {
                severity: Severity::Error,
                text: format!(
                    "{place}: credential_process runs {}, which does not exist; rewrite it with `fedaws aws-profile add {} --profile {} --force`",
                    p.program, p.connector, p.profile
                ),
                line: None,
            });
        }
        let same_config = match &p.config {
            // A profile that asks a broker asks for the broker's connectors, not this config's.
            None => p.broker.is_none(),
            Some(c) => std::path::Path::new(c)
                .canonicalize()
                .is_ok_and(|c| c == this),
        };
        if same_config && !config.connectors.contains_key(&p.connector) {
            findings.push(Finding {
                severity: Severity::Error,
                text: format!(
                    "{place}: credential_process asks for connector `{}`, which this config does not have",
                    p.connector
                ),
                line: None,
            });
        }
    }
}

/// Run every check and report.
pub fn run(args: CheckArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let path = ctx.location.path.clone();
    // A file that is missing or does not parse is reported as the error it is; broken rules are
    // listed below, all of them, with their lines.
    let text = Config::read_text(&ctx.location)?;
    let config = Config::parse(&path, &text)?;
    let problems = crate::config::rules_with_lines(config.problems(Depth::Deep), &text);
    let mut findings: Vec<Finding> = problems
        .iter()
        .map(|p| Finding {
            severity: p.severity,
            text: format!("{}: {}", p.subject, p.error),
            line: p.line,
        })
        .collect();

    // Windows has owners and ACLs, not modes; fedaws does not read them, and says so.
    if cfg!(windows) {
        findings.push(Finding {
            severity: Severity::Warning,
            text: "file permissions: not checked on Windows (fedaws does not read ACLs): keep the config and state in your profile (%APPDATA%, %LOCALAPPDATA%), which only you and administrators can change unless their ACLs were changed".into(),
            line: None,
        });
    }

    // Files and directories others can change: the same refusals every other command makes, each
    // an error here.
    let mut refuse = |text: String| {
        findings.push(Finding {
            severity: Severity::Error,
            text,
            line: None,
        })
    };
    if let Err(e) = trust::check(&path, Role::Config) {
        refuse(e.to_string());
    }
    let state = ctx.state_dir.clone();
    if state.exists() {
        match trust::check(&state, Role::StateDir) {
            Err(e) => refuse(e.to_string()),
            Ok(()) => {
                let locks = state.join("locks");
                let mut entries = vec![crate::audit::log_path(&state), state.join("audit.lock")];
                if locks.exists() {
                    if let Err(e) = trust::check(&locks, Role::StateDir) {
                        refuse(e.to_string());
                    }
                    entries.extend(
                        std::fs::read_dir(&locks)
                            .into_iter()
                            .flatten()
                            .flatten()
                            .map(|e| e.path()),
                    );
                }
                for p in entries {
                    if let Some(problem) = fsutil::state_file_problem(&p) {
                        refuse(problem);
                    }
                }
            }
        }
    }

    let mut store_name = None;
    if !config.accounts.is_empty() {
        match ctx.store(Some(&config)) {
            Err(e) => findings.push(Finding {
                severity: Severity::Error,
                text: format!("{e:#}"),
                line: None,
            }),
            Ok(store) => {
                store_name = Some(store.backend().as_str());
                let max_days = config
                    .settings
                    .max_key_age
                    .unwrap_or(DEFAULT_MAX_KEY_AGE_DAYS);
                for name in config.accounts.keys() {
                    match secret::read_entry(store.as_ref(), name) {
                        Ok(Some(entry)) => {
                            let days = entry
                                .created
                                .map(|c| (jiff::Timestamp::now() - c).get_seconds() / 86_400);
                            if let Some(days) = days.filter(|d| *d > i64::from(max_days)) {
                                findings.push(Finding {
                                    severity: Severity::Warning,
                                    text: format!(
                                        "account `{name}`: its access key {} is {days} days old, past settings.max_key_age ({max_days}d); rotate it with `fedaws account rotate {name}`",
                                        entry.keys.masked_id()
                                    ),
                                    line: None,
                                });
                            }
                        }
                        Ok(None) => findings.push(Finding {
                            severity: Severity::Error,
                            text: format!(
                                "account `{name}` has no key pair in the {} store; store it with `fedaws account edit {name} --rotate`",
                                store.backend()
                            ),
                            line: None,
                        }),
                        Err(e) => findings.push(Finding {
                            severity: Severity::Error,
                            text: format!("account `{name}`: {e}"),
                            line: None,
                        }),
                    }
                }
            }
        }
    }

    profile_findings(&config, &path, &mut findings);

    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let report = if args.json {
        output::json(&json!({
            "config": path,
            "store": store_name,
            "accounts": config.accounts.len(),
            "connectors": config.connectors.len(),
            "errors": errors,
            "warnings": warnings,
            "findings": findings.iter().map(|f| json!({
                "severity": match f.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "line": f.line,
                "message": f.text,
            })).collect::<Vec<_>>(),
        }))
    } else {
        let mut s = format!(
            "config: {} ({} accounts, {} connectors, {} groups)\n",
            path.display(),
            config.accounts.len(),
            config.connectors.len(),
            config.groups.len()
        );
        if let Some(name) = store_name {
            s.push_str(&format!("secret store: {name}\n"));
        }
        for f in &findings {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let at = f.line.map(|l| format!("line {l}: ")).unwrap_or_default();
            s.push_str(&format!("{level}: {at}{}\n", f.text));
        }
        if findings.is_empty() {
            s.push_str("ok: no problems found\n");
        }
        s
    };
    ctx.out
        .write_all(output::escape_controls(&report).as_bytes())?;
    if errors > 0 {
        return Err(UserError::config(format!(
            "{errors} error{} found by check",
            if errors == 1 { "" } else { "s" }
        ))
        .into());
    }
    Ok(())
}
