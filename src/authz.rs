//! Who may use which connector: administrators, group members, and system-scope callers.
//!
//! A caller is an [`Identity`]: a user with OS groups and the config's groups that list them, or
//! a `--system` caller (a cron job, CI, the credential server) acting without a user session.
//! [`decide`] gives the reason a caller may use a connector, or a denial that says which groups
//! (or system scope) would allow it. It does no I/O: the identity is resolved beforehand.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::{Config, Connector};

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The login name.
    pub user: String,
    /// The user id.
    pub uid: u32,
    /// The OS groups of the calling process.
    pub os_groups: Vec<String>,
    /// A `--system` caller.
    pub system: bool,
}

impl Identity {
    /// The config groups that list this user.
    pub fn config_groups<'a>(&self, config: &'a Config) -> Vec<&'a str> {
        config
            .groups
            .iter()
            .filter(|(_, members)| members.contains(&self.user))
            .map(|(g, _)| g.as_str())
            .collect()
    }

    /// Why this caller is an administrator of `config`, if they are.
    pub fn admin(&self, config: &Config) -> Option<String> {
        if config.settings.admins.contains(&self.user) {
            return Some("settings.admins".to_string());
        }
        let config_groups = self.config_groups(config);
        config
            .settings
            .admin_groups
            .iter()
            .find(|g| self.os_groups.contains(g) || config_groups.contains(&g.as_str()))
            .map(|g| format!("group {g} is in settings.admin_groups"))
    }

    /// The name cache entries and locks are filed under: system callers apart from the user's
    /// own entries.
    pub fn cache_name(&self) -> String {
        if self.system {
            format!("system.{}", self.user)
        } else {
            self.user.clone()
        }
    }
}

/// Where a group membership comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The OS group database (the process's groups).
    Os,
    /// A `[groups]` table of the config.
    Config,
}

/// Why a caller may use a connector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "kebab-case")]
pub enum Grant {
    /// Listed in `settings.admins`.
    AdminUser,
    /// A member of a group in `settings.admin_groups`.
    AdminGroup {
        /// The group.
        group: String,
        /// Where the membership comes from.
        source: Source,
    },
    /// A member of one of the connector's groups.
    Group {
        /// The group.
        group: String,
        /// Where the membership comes from.
        source: Source,
    },
    /// A `--system` caller on a connector with system scope.
    SystemScope {
        /// The OS group that makes the caller an administrator, when that alone lets them act
        /// as a system caller (checked again on every cache hit, like the group grants).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        os_group: Option<String>,
    },
}

impl Grant {
    /// The OS group this grant rests on, which can change without the config changing.
    pub fn os_group(&self) -> Option<&str> {
        match self {
            Grant::AdminGroup {
                group,
                source: Source::Os,
            }
            | Grant::Group {
                group,
                source: Source::Os,
            }
            | Grant::SystemScope {
                os_group: Some(group),
            } => Some(group),
            _ => None,
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = |s: &Source| match s {
            Source::Os => "OS group",
            Source::Config => "config group",
        };
        match self {
            Grant::AdminUser => f.write_str("administrator (settings.admins)"),
            Grant::AdminGroup { group, source: s } => {
                write!(
                    f,
                    "administrator ({} {group} is in settings.admin_groups)",
                    source(s)
                )
            }
            Grant::Group { group, source: s } => write!(f, "{} {group}", source(s)),
            Grant::SystemScope { .. } => f.write_str("system scope"),
        }
    }
}

/// The caller may not use the connector.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Denied {
    /// The connector refused, when the refusal is of one.
    pub connector: Option<String>,
    /// What was refused, and what would allow it.
    pub message: String,
}

/// Decide whether `id` may use connector `name`.
pub fn decide(
    config: &Config,
    name: &str,
    connector: &Connector,
    id: &Identity,
) -> Result<Grant, Denied> {
    let config_groups = id.config_groups(config);
    let membership = |group: &str| -> Option<Source> {
        if id.os_groups.iter().any(|g| g == group) {
            Some(Source::Os)
        } else if config_groups.contains(&group) {
            Some(Source::Config)
        } else {
            None
        }
    };
    let admin = if config.settings.admins.contains(&id.user) {
        Some(Grant::AdminUser)
    } else {
        config.settings.admin_groups.iter().find_map(|g| {
            membership(g).map(|source| Grant::AdminGroup {
                group: g.clone(),
                source,
            })
        })
    };
    if id.system {
        // Acting as a system caller is itself a privilege: otherwise `--system` would be a way
        // around every group mapping of a connector with system scope.
        let os_group = match &admin {
            _ if config.settings.system_users.contains(&id.user) => None,
            Some(Grant::AdminGroup {
                group,
                source: Source::Os,
            }) => Some(group.clone()),
            Some(_) => None,
            None => {
                return Err(Denied {
                    connector: Some(name.to_string()),
                    message: format!(
                        "{} may not use connector `{name}` as a system caller (--system): settings.system_users lists the users who may act as one, and administrators always may; an administrator can add you with `system_users = [\"{}\"]` in [settings]",
                        id.user, id.user
                    ),
                });
            }
        };
        return if connector.system_scope {
            Ok(Grant::SystemScope { os_group })
        } else {
            Err(Denied {
                connector: Some(name.to_string()),
                message: format!(
                    "connector `{name}` has no system scope, so --system callers may not use it; an administrator can allow it with `fedaws connector edit {name} --system-scope`"
                ),
            })
        };
    }
    if let Some(grant) = admin {
        return Ok(grant);
    }
    for g in &connector.groups {
        if let Some(source) = membership(g) {
            return Ok(Grant::Group {
                group: g.clone(),
                source,
            });
        }
    }
    let mut yours: Vec<String> = id.os_groups.clone();
    yours.extend(config_groups.iter().map(|g| g.to_string()));
    yours.sort();
    yours.dedup();
    let granted = if connector.groups.is_empty() {
        "it is granted to no group, so only administrators may use it".to_string()
    } else {
        format!(
            "it is granted to group{} {} (and to administrators)",
            if connector.groups.len() == 1 { "" } else { "s" },
            connector.groups.join(", ")
        )
    };
    let fix = match connector.groups.first() {
        Some(g) => format!(
            "; an administrator can add you with `fedaws group add-member {g} {}`",
            id.user
        ),
        None => String::new(),
    };
    Err(Denied {
        connector: Some(name.to_string()),
        message: format!(
            "{} may not use connector `{name}`: {granted}; your groups are {}{fix}",
            id.user,
            if yours.is_empty() {
                "none".to_string()
            } else {
                yours.join(", ")
            }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::exit_of;
    use crate::exit::Exit;
    use std::path::Path;

    const CONFIG: &str = r#"
[settings]
admins = ["root-like"]
admin_groups = ["ops"]
system_users = ["cron"]
[accounts.a]
[connectors.dev]
account = "a"
principal = "iam-user"
groups = ["developers", "wheel"]
[connectors.admin-only]
account = "a"
principal = "iam-user"
[connectors.batch]
account = "a"
principal = "iam-user"
system_scope = true
[groups]
developers = ["carol"]
ops = ["olga"]
"#;

    fn config() -> Config {
        Config::from_text(Path::new("c.toml"), CONFIG, crate::config::Depth::Shallow).unwrap()
    }

    fn id(user: &str, os: &[&str], system: bool) -> Identity {
        Identity {
            user: user.into(),
            uid: 1000,
            os_groups: os.iter().map(|s| s.to_string()).collect(),
            system,
        }
    }

    fn check(connector: &str, who: &Identity) -> Result<Grant, Denied> {
        let c = config();
        let conn = c.connectors[connector].clone();
        decide(&c, connector, &conn, who)
    }

    #[test]
    fn the_rules() {
        assert_eq!(
            check("dev", &id("carol", &[], false)).unwrap(),
            Grant::Group {
                group: "developers".into(),
                source: Source::Config
            }
        );
        assert_eq!(
            check("dev", &id("dave", &["wheel"], false)).unwrap(),
            Grant::Group {
                group: "wheel".into(),
                source: Source::Os
            }
        );
        assert_eq!(
            check("admin-only", &id("root-like", &[], false)).unwrap(),
            Grant::AdminUser
        );
        assert_eq!(
            check("admin-only", &id("olga", &[], false)).unwrap(),
            Grant::AdminGroup {
                group: "ops".into(),
                source: Source::Config
            }
        );
        assert_eq!(
            check("admin-only", &id("x", &["ops"], false))
                .unwrap()
                .os_group(),
            Some("ops")
        );
        assert_eq!(
            check("batch", &id("cron", &[], true)).unwrap(),
            Grant::SystemScope { os_group: None }
        );
    }

    #[test]
    fn denials_say_what_would_allow() {
        let e = check("dev", &id("mallory", &["users"], false)).unwrap_err();
        assert!(e.message.contains("developers, wheel"), "{e}");
        assert!(e.message.contains("users"), "{e}");
        assert!(
            e.message.contains("group add-member developers mallory"),
            "{e}"
        );
        let e = check("admin-only", &id("carol", &[], false)).unwrap_err();
        assert!(e.message.contains("only administrators"), "{e}");
        let e = check("dev", &id("root-like", &[], true)).unwrap_err();
        assert!(e.message.contains("system scope"), "{e}");
        let e = check("batch", &id("mallory", &["users"], true)).unwrap_err();
        assert!(e.message.contains("settings.system_users"), "{e}");
        assert_eq!(
            check("batch", &id("olga", &[], true)).unwrap(),
            Grant::SystemScope { os_group: None },
            "administrators (here through a config group) may always act as system callers"
        );
        assert_eq!(
            check("batch", &id("x", &["ops"], true)).unwrap().os_group(),
            Some("ops"),
            "through an OS group: checked again on every cache hit"
        );
        assert_eq!(exit_of(&e), Some(Exit::Denied));
    }
}
