//! `fedaws aws-profile add|remove`: `credential_process` profiles in `~/.aws/config`.
//!
//! The file belongs to the user and to other tools, so it is edited as text: only the lines of
//! the one profile change, every other line, comment and profile stays byte for byte, and the file
//! is replaced atomically under a lock.

use std::path::{Path, PathBuf};

use crate::cli::{AwsProfileAddArgs, AwsProfileCommand, AwsProfileRemoveArgs};
use crate::config::Depth;
use crate::context::Context;
use crate::error::UserError;
use crate::fsutil;
use crate::validate;

/// Dispatch `fedaws aws-profile …`.
pub fn run(command: AwsProfileCommand, ctx: &mut Context) -> anyhow::Result<()> {
    match command {
        AwsProfileCommand::Add(args) => add(args, ctx),
        AwsProfileCommand::Remove(args) => remove(args, ctx),
    }
}

/// `AWS_CONFIG_FILE`, else `~/.aws/config`.
pub fn aws_config_path() -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("AWS_CONFIG_FILE").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::BaseDirs::new()
        .map(|b| b.home_dir().join(".aws").join("config"))
        .ok_or_else(|| UserError::usage("cannot find the home directory for ~/.aws/config").into())
}

/// Quote one word of the command the way both botocore (shell-like split) and the Rust SDK
/// (`sh -c`) read it.
fn quote_word(word: &str) -> Result<String, UserError> {
    if word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c))
    {
        return Ok(word.to_string());
    }
    if word.contains(['"', '\\', '$', '`', '\n']) {
        return Err(UserError::usage(format!(
            "the path {word:?} has characters a credential_process command cannot quote portably; move it"
        )));
    }
    Ok(format!("\"{word}\""))
}

/// The `credential_process` command for a connector.
fn command_line(ctx: &Context, connector: &str) -> anyhow::Result<String> {
    let exe = std::env::current_exe()?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let mut words = vec![quote_word(&exe.to_string_lossy())?];
    // A config given by --config or FEDAWS_CONFIG is pinned, since the AWS CLI won't pass them on.
    if ctx.location_explicit {
        let config = ctx
            .location
            .path
            .canonicalize()
            .unwrap_or(ctx.location.path.clone());
        words.push("--config".into());
        words.push(quote_word(&config.to_string_lossy())?);
    }
    words.extend([
        "creds".to_string(),
        quote_word(connector)?,
        "--format".into(),
        "json".into(),
    ]);
    Ok(words.join(" "))
}

/// The header line that names a profile in `~/.aws/config`.
fn header(profile: &str) -> String {
    if profile == "default" {
        "[default]".to_string()
    } else {
        format!("[profile {profile}]")
    }
}

/// The profile name of a section header line, if the line is one.
fn section_name(line: &str) -> Option<String> {
    let t = line.trim();
    let inner = t.strip_prefix('[')?.strip_suffix(']')?.trim();
    if inner == "default" {
        return Some("default".into());
    }
    let mut words = inner.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("profile"), Some(name), None) => Some(name.to_string()),
        (Some(other), None, None) => Some(format!("\0{other}")),
        _ => Some(format!("\0{inner}")),
    }
}

/// Where a profile's section is: line range `[start, end)`, `end` at the next header.
fn find_section(lines: &[&str], profile: &str) -> Option<(usize, usize)> {
    let start = lines
        .iter()
        .position(|l| section_name(l).as_deref() == Some(profile))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| section_name(l).is_some())
        .map_or(lines.len(), |i| start + 1 + i);
    Some((start, end))
}

/// The value of `key` in a section's lines.
fn value_of(lines: &[&str], key: &str) -> Option<String> {
    lines.iter().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// A `credential_process` profile that runs fedaws, as found in `~/.aws/config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FedawsProfile {
    /// The profile's name.
    pub profile: String,
    /// The program the command runs.
    pub program: String,
    /// The config it pins with `--config`, if any.
    pub config: Option<String>,
    /// The connector it asks for.
    pub connector: String,
}

/// Split a `credential_process` value into words: whitespace-separated, double quotes grouping.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in command.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// Every profile whose `credential_process` is `… creds CONNECTOR …` of a fedaws binary.
pub fn fedaws_profiles(text: &str) -> Vec<FedawsProfile> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = section_name(line).filter(|n| !n.starts_with('\0')) else {
            continue;
        };
        let end = lines[i + 1..]
            .iter()
            .position(|l| section_name(l).is_some())
            .map_or(lines.len(), |j| i + 1 + j);
        let Some(command) = value_of(&lines[i + 1..end], "credential_process") else {
            continue;
        };
        let w = words(&command);
        let Some(program) = w.first() else { continue };
        if !Path::new(program)
            .file_name()
            .is_some_and(|f| f.to_string_lossy().starts_with("fedaws"))
        {
            continue;
        }
        let Some(pos) = w.iter().position(|x| x == "creds") else {
            continue;
        };
        let config = w
            .iter()
            .position(|x| x == "--config")
            .and_then(|p| w.get(p + 1).cloned());
        if let Some(connector) = w.get(pos + 1) {
            found.push(FedawsProfile {
                profile: name,
                program: program.clone(),
                config,
                connector: connector.clone(),
            });
        }
    }
    found
}

/// Add or replace a profile in `text`; the rest of the text is kept byte for byte.
pub fn with_profile(
    text: &str,
    profile: &str,
    block: &str,
    is_ours: impl Fn(&str) -> bool,
    force: bool,
) -> Result<String, UserError> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    match find_section(&lines, profile) {
        Some((start, end)) => {
            let body = &lines[start + 1..end];
            let ours = value_of(body, "credential_process").is_some_and(|v| is_ours(&v));
            if !ours && !force {
                return Err(UserError::usage(format!(
                    "profile `{profile}` already exists with other settings; add --force to replace it, or choose another name with --profile"
                )));
            }
            // Keep the blank lines and comments that separate it from the next section.
            let mut keep_from = end;
            while keep_from > start + 1 && {
                let t = lines[keep_from - 1].trim();
                t.is_empty() || t.starts_with('#') || t.starts_with(';')
            } {
                keep_from -= 1;
            }
            let mut out: String = lines[..start].concat();
            out.push_str(block);
            out.push_str(&lines[keep_from..].concat());
            Ok(out)
        }
        None => {
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(block);
            Ok(out)
        }
    }
}

fn add(args: AwsProfileAddArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let config = ctx.load(Depth::Shallow)?;
    let connector = config.connector(&args.connector)?;
    let profile = args
        .profile
        .clone()
        .unwrap_or_else(|| args.connector.clone());
    if profile.is_empty() || profile.contains(|c: char| c.is_whitespace() || c == '[' || c == ']') {
        return Err(UserError::usage(format!(
            "--profile {profile:?}: a profile name has no spaces or brackets"
        ))
        .into());
    }
    let region = args
        .region
        .clone()
        .or_else(|| connector.region.clone())
        .or_else(|| config.settings.region.clone());
    if let Some(r) = &region {
        validate::check_region("--region", r).map_err(|e| UserError::usage(e.to_string()))?;
    }
    let command = command_line(ctx, &args.connector)?;
    let mut block = format!("{}\ncredential_process = {command}\n", header(&profile));
    if let Some(r) = &region {
        block.push_str(&format!("region = {r}\n"));
    }
    let path = aws_config_path()?;
    let connector_name = args.connector.clone();
    edit_file(&path, |text| {
        with_profile(
            text,
            &profile,
            &block,
            |v| {
                v.contains(" creds ")
                    && v.ends_with(&format!(
                        "creds {} --format json",
                        quote_word(&connector_name).unwrap_or_default()
                    ))
            },
            args.force,
        )
    })?;
    ctx.note(format!(
        "wrote profile `{profile}` to {}; try `aws sts get-caller-identity --profile {profile}`",
        path.display()
    ));
    Ok(())
}

fn remove(args: AwsProfileRemoveArgs, ctx: &mut Context) -> anyhow::Result<()> {
    let path = aws_config_path()?;
    let profile = args.profile.clone();
    edit_file(&path, |text| {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let Some((start, end)) = find_section(&lines, &profile) else {
            return Err(UserError::usage(format!(
                "there is no profile `{profile}` in {}",
                path.display()
            )));
        };
        let ours = value_of(&lines[start + 1..end], "credential_process")
            .is_some_and(|v| v.contains(" creds ") && v.contains("fedaws"));
        if !ours && !args.force {
            return Err(UserError::usage(format!(
                "profile `{profile}` was not written by fedaws; add --force to remove it anyway"
            )));
        }
        // A profile at the end of the file was appended after a blank separator: take it too.
        let from = if end == lines.len() && start > 0 && lines[start - 1].trim().is_empty() {
            start - 1
        } else {
            start
        };
        let mut out = lines[..from].concat();
        out.push_str(&lines[end..].concat());
        Ok(out)
    })?;
    ctx.note(format!(
        "removed profile `{}` from {}",
        args.profile,
        path.display()
    ));
    Ok(())
}

/// Read, change and atomically replace a file under its lock; a missing file reads as empty.
fn edit_file(
    path: &Path,
    change: impl FnOnce(&str) -> Result<String, UserError>,
) -> anyhow::Result<()> {
    let _lock = fsutil::lock_beside(path)?;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e.into()),
    };
    let new = change(&text)?;
    if new != text {
        fsutil::write_atomic(path, new.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAND_WRITTEN: &str = "# my aws config\n[default]\nregion = eu-west-1 ; inline\n\n[profile other]\n# keep me\ncredential_process = /usr/bin/other\n\n[sso-session x]\nsso_region = us-east-1\n";

    #[test]
    fn adding_keeps_every_other_byte() {
        let block = "[profile dev]\ncredential_process = /bin/fedaws creds dev --format json\n";
        let out = with_profile(HAND_WRITTEN, "dev", block, |_| true, false).unwrap();
        assert!(out.starts_with(HAND_WRITTEN), "{out}");
        assert!(out.ends_with(&format!("\n\n{block}")), "{out}");
        let again = with_profile(&out, "dev", block, |_| true, false).unwrap();
        assert_eq!(again, out);
    }

    #[test]
    fn a_foreign_profile_is_only_replaced_with_force() {
        let block = "[profile other]\ncredential_process = /bin/fedaws creds other --format json\n";
        assert!(with_profile(HAND_WRITTEN, "other", block, |_| false, false).is_err());
        let out = with_profile(HAND_WRITTEN, "other", block, |_| false, true).unwrap();
        assert!(out.contains("[default]\nregion = eu-west-1 ; inline\n\n"));
        assert!(out.contains(block));
        assert!(!out.contains("/usr/bin/other"));
        assert!(
            out.contains("\n\n[sso-session x]\nsso_region = us-east-1\n"),
            "{out}"
        );
    }

    #[test]
    fn finds_the_profiles_that_run_fedaws() {
        let text = format!(
            "{HAND_WRITTEN}\n[profile app]\ncredential_process = \"/opt/my tools/fedaws\" --config /c.toml creds app --format json\n"
        );
        assert_eq!(
            fedaws_profiles(&text),
            vec![FedawsProfile {
                profile: "app".into(),
                program: "/opt/my tools/fedaws".into(),
                config: Some("/c.toml".into()),
                connector: "app".into(),
            }]
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_word("/usr/bin/fedaws").unwrap(), "/usr/bin/fedaws");
        assert_eq!(
            quote_word("/opt/my tools/fedaws").unwrap(),
            "\"/opt/my tools/fedaws\""
        );
        assert!(quote_word("/opt/$x/fedaws").is_err());
    }
}
