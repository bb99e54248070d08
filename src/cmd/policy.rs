//! `fedaws policy examples|check`: session policies without a round trip to AWS.

use std::io::{Read, Write};

use serde_json::json;

use crate::cli::PolicyCommand;
use crate::context::Context;
use crate::exit::UserError;
use crate::output;
use crate::policies;
use crate::validate;

/// Dispatch `fedaws policy …`.
pub fn run(command: PolicyCommand, ctx: &mut Context) -> anyhow::Result<()> {
    match command {
        PolicyCommand::Examples(args) => match args.name {
            Some(name) => {
                let example = policies::find(&name).ok_or_else(|| {
                    let names: Vec<&str> = policies::EXAMPLES.iter().map(|e| e.name).collect();
                    UserError::usage(format!(
                        "no example policy named `{name}`; examples: {}",
                        names.join(", ")
                    ))
                })?;
                ctx.out.write_all(example.json.as_bytes())?;
                Ok(())
            }
            None => {
                let text = if args.json {
                    let items: Vec<serde_json::Value> = policies::EXAMPLES
                        .iter()
                        .map(|e| json!({"name": e.name, "summary": e.summary}))
                        .collect();
                    output::json(&serde_json::Value::Array(items))
                } else {
                    let rows = policies::EXAMPLES
                        .iter()
                        .map(|e| vec![e.name.to_string(), e.summary.to_string()])
                        .collect();
                    output::table(&["NAME", "ALLOWS"], rows) + "\n"
                };
                ctx.out.write_all(text.as_bytes())?;
                ctx.note("print one with `fedaws policy examples NAME`");
                Ok(())
            }
        },
        PolicyCommand::Check(args) => {
            let (label, text) = if args.file.as_os_str() == "-" {
                let mut text = String::new();
                ctx.stdin.read_to_string(&mut text)?;
                ("stdin".to_string(), text)
            } else {
                let text = std::fs::read_to_string(&args.file).map_err(|e| {
                    UserError::usage(format!("cannot read {}: {e}", args.file.display()))
                })?;
                (args.file.display().to_string(), text)
            };
            // The problem says where (line, column, statement); the text itself is never echoed,
            // since a file that is not a policy may be anything (`~/.aws/credentials`).
            let info = validate::check_policy(&label, &text).map_err(|e| {
                UserError::failure(format!("the policy is invalid: {label}: {}", e.problem))
            })?;
            ctx.note(format!(
                "{label}: valid session policy, {} of {} characters without whitespace ({}%)",
                info.compact_len,
                validate::POLICY_MAX_COMPACT_LEN,
                info.compact_len * 100 / validate::POLICY_MAX_COMPACT_LEN
            ));
            Ok(())
        }
    }
}
