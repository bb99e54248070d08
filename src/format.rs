//! Temporary credentials written the way each consumer reads them: the `credential_process` JSON
//! object, shell `export` lines (POSIX, fish, PowerShell), dotenv, an INI profile block, or a
//! table for people. Every value is quoted for its shell, whatever characters it holds.

use comfy_table::{ContentArrangement, Table, presets};
use secrecy::ExposeSecret;

use crate::output::rfc3339;
use crate::sts::Issued;

/// Output formats of `fedaws creds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The `credential_process` object (Version 1)
    Json,
    /// POSIX shell `export` lines
    Env,
    /// fish `set -gx` lines
    Fish,
    /// PowerShell `$Env:` assignments
    Powershell,
    /// KEY=value lines for .env files and `docker --env-file`
    Dotenv,
    /// A profile block for ~/.aws/credentials
    Ini,
    /// A table for people
    Table,
}

/// What is printed: the credentials and the context they belong to.
pub struct Output<'a> {
    /// The credentials.
    pub creds: &'a Issued,
    /// The region the caller should use.
    pub region: &'a str,
    /// The connector's name (INI section name, table title).
    pub connector: &'a str,
}

impl Output<'_> {
    /// The environment variables, in a fixed order. Values include secrets.
    pub fn variables(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", self.creds.access_key_id.clone()),
            (
                "AWS_SECRET_ACCESS_KEY",
                self.creds.secret_access_key.expose_secret().to_string(),
            ),
            (
                "AWS_SESSION_TOKEN",
                self.creds.session_token.expose_secret().to_string(),
            ),
            ("AWS_CREDENTIAL_EXPIRATION", rfc3339(self.creds.expiration)),
            ("AWS_REGION", self.region.to_string()),
            ("AWS_DEFAULT_REGION", self.region.to_string()),
        ]
    }

    /// Render in `format`. The text ends with a newline.
    pub fn render(&self, format: Format) -> String {
        let vars = self.variables();
        let lines = |f: &dyn Fn(&str, &str) -> String| -> String {
            vars.iter().map(|(k, v)| f(k, v) + "\n").collect()
        };
        match format {
            Format::Json => self.json() + "\n",
            Format::Env => lines(&|k, v| format!("export {k}={}", posix_quote(v))),
            Format::Fish => lines(&|k, v| format!("set -gx {k} {};", fish_quote(v))),
            Format::Powershell => lines(&|k, v| format!("$Env:{k} = {}", powershell_quote(v))),
            Format::Dotenv => lines(&|k, v| format!("{k}={}", dotenv_quote(v))),
            Format::Ini => self.ini(),
            Format::Table => self.table(),
        }
    }

    /// Exactly the object `credential_process` expects, keys in the documented order.
    fn json(&self) -> String {
        let q = |s: &str| serde_json::Value::from(s).to_string();
        format!(
            "{{\"Version\":1,\"AccessKeyId\":{},\"SecretAccessKey\":{},\"SessionToken\":{},\"Expiration\":{}}}",
            q(&self.creds.access_key_id),
            q(self.creds.secret_access_key.expose_secret()),
            q(self.creds.session_token.expose_secret()),
            q(&rfc3339(self.creds.expiration)),
        )
    }

    fn ini(&self) -> String {
        format!(
            "# fedaws connector {}, expires {}\n[{}]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\nregion = {}\n",
            self.connector,
            rfc3339(self.creds.expiration),
            self.connector,
            self.creds.access_key_id,
            self.creds.secret_access_key.expose_secret(),
            self.creds.session_token.expose_secret(),
            self.region
        )
    }

    fn table(&self) -> String {
        let mut t = Table::new();
        t.load_preset(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled);
        t.add_row(vec!["connector", self.connector]);
        if let Some(arn) = &self.creds.arn {
            // From the network, and not checked like the credentials: shown, never obeyed.
            t.add_row(vec!["identity", &crate::output::escape_all(arn)]);
        }
        for (k, v) in self.variables() {
            t.add_row(vec![
                k.to_string(),
                crate::output::escape_all(&v).into_owned(),
            ]);
        }
        t.lines().map(|l| l.trim_end().to_string() + "\n").collect()
    }
}

/// POSIX sh: single quotes, with `'` written as `'\''`.
pub fn posix_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', r"'\''"))
}

/// fish: single quotes, where only `\` and `'` need a backslash.
pub fn fish_quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell: single quotes, with `'` (and its typographic cousins) doubled.
pub fn powershell_quote(v: &str) -> String {
    let mut s = String::with_capacity(v.len() + 2);
    s.push('\'');
    for c in v.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            s.push(c);
        }
        s.push(c);
    }
    s.push('\'');
    s
}

/// dotenv: bare when safe (docker's `--env-file` takes values literally), else double-quoted.
pub fn dotenv_quote(v: &str) -> String {
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || "+/=:._-@,".contains(c))
    {
        v.to_string()
    } else {
        let escaped = v
            .replace('\\', r"\\")
            .replace('"', "\\\"")
            .replace('$', r"\$")
            .replace('\n', r"\n");
        format!("\"{escaped}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn issued() -> Issued {
        Issued {
            access_key_id: "ASIAEXAMPLEEXAMPLE01".into(),
            secret_access_key: SecretString::from("se'cr\"et/+=".to_string()),
            session_token: SecretString::from("To$ken\\with`odd'chars".to_string()),
            expiration: "2026-11-29T12:00:00.5Z".parse().unwrap(),
            arn: Some("arn:aws:sts::123456789012:federated-user/alice".into()),
            packed_policy_size: None,
            request_id: None,
        }
    }

    fn out(creds: &Issued) -> Output<'_> {
        Output {
            creds,
            region: "eu-central-1",
            connector: "dev",
        }
    }

    #[test]
    fn json_is_the_credential_process_object() {
        let c = issued();
        let text = out(&c).render(Format::Json);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["Version"], 1);
        assert_eq!(v["AccessKeyId"], "ASIAEXAMPLEEXAMPLE01");
        assert_eq!(v["SecretAccessKey"], "se'cr\"et/+=");
        assert_eq!(v["SessionToken"], "To$ken\\with`odd'chars");
        assert_eq!(v["Expiration"], "2026-11-29T12:00:00Z");
        assert_eq!(v.as_object().unwrap().len(), 5);
        assert!(text.starts_with("{\"Version\":1,\"AccessKeyId\""));
    }

    #[test]
    fn golden_fish_and_powershell() {
        let c = issued();
        assert_eq!(
            out(&c).render(Format::Fish),
            "set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLEEXAMPLE01';\n\
             set -gx AWS_SECRET_ACCESS_KEY 'se\\'cr\"et/+=';\n\
             set -gx AWS_SESSION_TOKEN 'To$ken\\\\with`odd\\'chars';\n\
             set -gx AWS_CREDENTIAL_EXPIRATION '2026-11-29T12:00:00Z';\n\
             set -gx AWS_REGION 'eu-central-1';\n\
             set -gx AWS_DEFAULT_REGION 'eu-central-1';\n"
        );
        assert_eq!(
            out(&c).render(Format::Powershell),
            "$Env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLEEXAMPLE01'\n\
             $Env:AWS_SECRET_ACCESS_KEY = 'se''cr\"et/+='\n\
             $Env:AWS_SESSION_TOKEN = 'To$ken\\with`odd''chars'\n\
             $Env:AWS_CREDENTIAL_EXPIRATION = '2026-11-29T12:00:00Z'\n\
             $Env:AWS_REGION = 'eu-central-1'\n\
             $Env:AWS_DEFAULT_REGION = 'eu-central-1'\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn posix_quoting_round_trips_through_sh() {
        let c = issued();
        let script = out(&c).render(Format::Env)
            + "printf '%s\\n' \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\"";
        let result = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(result.stdout).unwrap(),
            "se'cr\"et/+=\nTo$ken\\with`odd'chars\n"
        );
    }

    #[test]
    fn dotenv_and_ini() {
        assert_eq!(dotenv_quote("AbC+/="), "AbC+/=");
        assert_eq!(dotenv_quote("a$b\"c"), "\"a\\$b\\\"c\"");
        let c = issued();
        let ini = out(&c).render(Format::Ini);
        assert!(ini.contains("[dev]\naws_access_key_id = ASIAEXAMPLEEXAMPLE01\n"));
        assert!(ini.contains("region = eu-central-1\n"));
    }

    #[test]
    fn debug_hides_secrets() {
        let c = issued();
        let shown = format!("{c:?}");
        assert!(!shown.contains("se'cr"), "{shown}");
        assert!(!shown.contains("To$ken"), "{shown}");
    }
}
