//! Every command-line type, as plain data. Values with a shape of their own (`--duration`,
//! `--max-duration`, `--region`, `--principal`, `--kind`, `--keyring`, `--mfa-code`…) are parsed
//! into their types as clap reads them, so a bad one fails the same way with or without a config; commands turn the rest into checked requests before doing
//! any I/O. Nothing here reads files or talks to a store.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::issue::plan::MfaCode;
use crate::issue::{CacheUse, CredsRequest};
use crate::principal::{AccountKind, Principal};
use crate::secret::Backend;
use crate::validate::{
    Lifetime, MaxDuration, Region, account_name_arg, connector_name_arg, duration_arg,
    group_name_arg, keyring_arg, kind_arg, name_arg, principal_arg, store_arg,
};

/// A command-line AWS credential broker: long-term keys in the OS keyring, short-lived STS
/// credentials for shells, scripts, the AWS CLI and every SDK.
#[derive(Debug, Parser)]
#[command(name = "fedaws", version, about, max_term_width = 100)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]
    #[arg(long, global = true, env = "FEDAWS_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Secret store backend, overriding `settings.keyring`
    #[arg(long, global = true, env = "FEDAWS_KEYRING", value_name = "BACKEND", value_parser = keyring_arg)]
    pub keyring: Option<Backend>,
    /// Work through the broker listening on this socket
    #[arg(long, global = true, env = "FEDAWS_BROKER", value_name = "SOCKET")]
    pub broker: Option<PathBuf>,
    /// Never prompt; fail with a message naming the missing flag instead
    #[arg(long, global = true)]
    pub no_input: bool,
    /// Say more on stderr (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Say nothing on stderr but errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the config file with sensible settings
    Init(InitArgs),
    /// Manage accounts: long-term IAM user keys kept in the secret store
    #[command(subcommand)]
    Account(AccountCommand),
    /// Manage connectors: how temporary credentials are derived from an account
    #[command(subcommand)]
    Connector(ConnectorCommand),
    /// Manage groups of users that connectors are granted to
    #[command(subcommand)]
    Group(GroupCommand),
    /// Example session policies and local policy checks
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Print temporary credentials for a connector
    Creds(CredsArgs),
    /// Run a command with temporary credentials in its environment
    Exec(ExecArgs),
    /// Manage credential_process profiles in ~/.aws/config
    #[command(subcommand)]
    AwsProfile(AwsProfileCommand),
    /// List or clear cached temporary credentials
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Print (or open) an AWS Management Console sign-in URL
    Console(ConsoleArgs),
    /// Serve credentials to SDKs on a local container-credentials endpoint
    Serve(ServeArgs),
    /// Who you are, your groups, and which connectors you may use and why
    Whoami(WhoamiArgs),
    /// Read the audit log
    Audit(AuditArgs),
    /// Check the config and the secret store
    Check(CheckArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Run the broker that answers a shared host's users over a Unix socket
    #[command(subcommand)]
    Broker(BrokerCommand),
}

/// `fedaws broker …`.
#[derive(Debug, Subcommand)]
pub enum BrokerCommand {
    /// Serve the config's connectors to the host's users, in the foreground
    Run(BrokerRunArgs),
}

/// `fedaws broker run`.
#[derive(Debug, Args)]
pub struct BrokerRunArgs {
    /// Where to listen [default: settings.broker_socket, else /run/fedaws/broker.sock]
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// Run even as root (a broker belongs to a service user of its own)
    #[arg(long)]
    pub allow_root: bool,
}

/// `fedaws init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Default AWS region
    #[arg(long)]
    pub region: Option<Region>,
    /// Secret store backend to record in the settings
    #[arg(long = "store", value_name = "BACKEND", value_parser = store_arg)]
    pub store: Option<Backend>,
    /// An administrator (repeatable) [default: the current user]
    #[arg(long = "admin", value_name = "USER")]
    pub admins: Vec<String>,
}

/// Where a new account's key pair comes from. Never from argv.
#[derive(Debug, Args, Default)]
#[group(multiple = false)]
pub struct KeySource {
    /// Read the access key id and the secret from stdin, one per line
    #[arg(long)]
    pub secret_stdin: bool,
    /// Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment
    #[arg(long)]
    pub from_env: bool,
    /// Import a profile's keys from ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE)
    #[arg(long, value_name = "PROFILE")]
    pub from_aws_profile: Option<String>,
}

/// `fedaws account …`.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an account and store its key pair
    Add(AccountAddArgs),
    /// Change an account's settings or replace its key pair
    Edit(AccountEditArgs),
    /// Remove an account and its key pair
    Remove(RemoveArgs),
    /// List accounts
    List(ListArgs),
    /// Show one account
    Show(ShowArgs),
    /// Replace the account's access key through IAM: make a new one, wait until it works, store
    /// it, deactivate and delete the old one
    Rotate(AccountRotateArgs),
}

/// `fedaws account rotate`.
#[derive(Debug, Args)]
pub struct AccountRotateArgs {
    /// Account name
    #[arg(value_parser = account_name_arg)]
    pub name: String,
    /// Stop after deactivating the old key (delete it yourself later)
    #[arg(long)]
    pub keep_old: bool,
    /// When the IAM user already has another key that fedaws does not keep, delete it
    #[arg(long)]
    pub force: bool,
}

/// `fedaws account add`.
#[derive(Debug, Args)]
pub struct AccountAddArgs {
    /// Account name
    #[arg(value_parser = account_name_arg)]
    pub name: String,
    /// iam-user (recommended) or root
    #[arg(long, value_name = "KIND", value_parser = kind_arg)]
    pub kind: Option<AccountKind>,
    /// ARN of the account's MFA device
    #[arg(long, value_name = "ARN")]
    pub mfa_serial: Option<String>,
    /// A command that prints a current MFA code
    #[arg(long, value_name = "COMMAND")]
    pub mfa_process: Option<String>,
    /// Free text
    #[arg(long)]
    pub description: Option<String>,
    /// Where the key pair comes from (default: a hidden prompt on a terminal)
    #[command(flatten)]
    pub source: KeySource,
}

/// `fedaws account edit`.
#[derive(Debug, Args)]
pub struct AccountEditArgs {
    /// Account name
    #[arg(value_parser = account_name_arg)]
    pub name: String,
    /// iam-user or root
    #[arg(long, value_name = "KIND", value_parser = kind_arg)]
    pub kind: Option<AccountKind>,
    /// ARN of the account's MFA device
    #[arg(long, value_name = "ARN")]
    pub mfa_serial: Option<String>,
    /// A command that prints a current MFA code
    #[arg(long, value_name = "COMMAND")]
    pub mfa_process: Option<String>,
    /// Free text
    #[arg(long)]
    pub description: Option<String>,
    /// Remove a setting (mfa-serial, mfa-process, description); repeatable
    #[arg(long, value_name = "FIELD")]
    pub unset: Vec<String>,
    /// Replace the key pair (from a hidden prompt unless a source flag is given)
    #[arg(long)]
    pub rotate: bool,
    /// Where the new key pair comes from
    #[command(flatten)]
    pub source: KeySource,
}

/// `… remove NAME`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Name to remove
    #[arg(value_parser = name_arg)]
    pub name: String,
    /// Remove even when connectors still use it (they are left broken)
    #[arg(long)]
    pub force: bool,
}

/// `… list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// `… show NAME`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Name to show
    #[arg(value_parser = name_arg)]
    pub name: String,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// `fedaws connector …`.
#[derive(Debug, Subcommand)]
pub enum ConnectorCommand {
    /// Add a connector
    Add(ConnectorAddArgs),
    /// Change a connector
    Edit(ConnectorEditArgs),
    /// Remove a connector
    Remove(ConnectorRemoveArgs),
    /// List connectors
    List(ListArgs),
    /// Show one connector
    Show(ShowArgs),
}

/// The fields of a connector, every one optional so `add` and `edit` share them.
#[derive(Debug, Args, Default)]
pub struct ConnectorFields {
    /// Account whose keys sign the STS call
    #[arg(long)]
    pub account: Option<String>,
    /// federated-user, iam-user or assume-role
    #[arg(long, value_name = "TYPE", value_parser = principal_arg)]
    pub principal: Option<Principal>,
    /// Role to assume (assume-role)
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// External ID the role expects (assume-role)
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Inline session policy (JSON)
    #[arg(long, value_name = "JSON", conflicts_with = "policy_file")]
    pub policy: Option<String>,
    /// Session policy file (stored as given; relative paths are relative to the config file)
    #[arg(long, value_name = "PATH")]
    pub policy_file: Option<PathBuf>,
    /// Managed session policy ARN (repeatable)
    #[arg(long = "policy-arn", value_name = "ARN")]
    pub policy_arns: Vec<String>,
    /// Longest lifetime callers may ask for (900, 15m, 1h30m, 36h)
    #[arg(long, value_name = "DURATION", value_parser = duration_arg)]
    pub max_duration: Option<MaxDuration>,
    /// Group allowed to use the connector (repeatable)
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// Allow `--system` callers without a user session
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub system_scope: Option<bool>,
    /// Region for the STS call
    #[arg(long)]
    pub region: Option<Region>,
    /// Free text
    #[arg(long)]
    pub description: Option<String>,
    /// Session tag KEY=VALUE (repeatable)
    #[arg(long = "session-tag", value_name = "KEY=VALUE")]
    pub session_tags: Vec<String>,
    /// Send the caller's name as AssumeRole's SourceIdentity (the role's trust policy must allow
    /// sts:SetSourceIdentity)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub source_identity: Option<bool>,
}

/// `fedaws connector add`.
#[derive(Debug, Args)]
pub struct ConnectorAddArgs {
    /// Connector name (asked for on a terminal when missing)
    #[arg(value_parser = connector_name_arg)]
    pub name: Option<String>,
    /// The connector's fields
    #[command(flatten)]
    pub fields: ConnectorFields,
}

/// `fedaws connector edit`.
#[derive(Debug, Args)]
pub struct ConnectorEditArgs {
    /// Connector name
    #[arg(value_parser = connector_name_arg)]
    pub name: String,
    /// New values; list flags replace the whole list
    #[command(flatten)]
    pub fields: ConnectorFields,
    /// Remove a field (e.g. policy, external-id, max-duration, groups); repeatable
    #[arg(long, value_name = "FIELD")]
    pub unset: Vec<String>,
}

/// `fedaws connector remove`.
#[derive(Debug, Args)]
pub struct ConnectorRemoveArgs {
    /// Connector name
    #[arg(value_parser = connector_name_arg)]
    pub name: String,
}

/// `fedaws group …`.
#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group
    Add(GroupAddArgs),
    /// Remove a group
    Remove(RemoveArgs),
    /// List groups and their members
    List(ListArgs),
    /// Add users to a group
    AddMember(MemberArgs),
    /// Remove users from a group
    RemoveMember(MemberArgs),
}

/// `fedaws group add`.
#[derive(Debug, Args)]
pub struct GroupAddArgs {
    /// Group name
    #[arg(value_parser = group_name_arg)]
    pub name: String,
    /// A member (repeatable)
    #[arg(long = "member", value_name = "USER")]
    pub members: Vec<String>,
}

/// `fedaws group add-member` / `remove-member`.
#[derive(Debug, Args)]
pub struct MemberArgs {
    /// Group name
    #[arg(value_parser = group_name_arg)]
    pub group: String,
    /// User names
    #[arg(required = true)]
    pub users: Vec<String>,
}

/// `fedaws policy …`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the example session policies, or print one
    Examples(PolicyExamplesArgs),
    /// Check a session policy file (or - for stdin) against the AWS rules
    Check(PolicyCheckArgs),
}

/// `fedaws policy examples`.
#[derive(Debug, Args)]
pub struct PolicyExamplesArgs {
    /// Example to print
    pub name: Option<String>,
    /// List as JSON
    #[arg(long)]
    pub json: bool,
}

/// `fedaws policy check`.
#[derive(Debug, Args)]
pub struct PolicyCheckArgs {
    /// Policy file, or - for stdin
    pub file: PathBuf,
}

/// `fedaws check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print the findings as JSON
    #[arg(long)]
    pub json: bool,
}

/// `fedaws completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    pub shell: Shell,
}

/// Shells with completion scripts.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    /// GNU bash
    Bash,
    /// Z shell
    Zsh,
    /// fish
    Fish,
    /// PowerShell
    Powershell,
    /// Elvish
    Elvish,
}

/// What every command that issues credentials takes.
#[derive(Debug, Clone, Args, Default)]
pub struct IssueArgs {
    /// Connector name
    #[arg(value_parser = connector_name_arg)]
    pub connector: String,
    /// How the credentials are asked for
    #[command(flatten)]
    pub options: RequestOptions,
}

/// How credentials are asked for, beside the connector.
#[derive(Debug, Clone, Args, Default)]
pub struct RequestOptions {
    /// Lifetime (900, 15m, 1h30m, 36h) [default: the AWS default, capped by max_duration]
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<Lifetime>,
    /// Region for the STS call and the credentials
    #[arg(long)]
    pub region: Option<Region>,
    /// Current 6-digit code of the account's MFA device
    #[arg(long, value_name = "CODE")]
    pub mfa_code: Option<MfaCode>,
    /// Neither read nor write the credential cache
    #[arg(long, conflicts_with = "refresh")]
    pub no_cache: bool,
    /// Issue new credentials even when cached ones are still good, and cache them
    #[arg(long)]
    pub refresh: bool,
    /// Act as a system caller (cron, CI, a server) without a user session: only connectors with
    /// system scope, under settings.system_identity
    #[arg(long)]
    pub system: bool,
}

impl IssueArgs {
    /// The request these options make (their values clap has already checked).
    pub fn request(&self) -> CredsRequest {
        self.options.request(&self.connector)
    }
}

impl RequestOptions {
    /// The request for `connector` these options make.
    pub fn request(&self, connector: &str) -> CredsRequest {
        CredsRequest {
            connector: connector.to_string(),
            duration: self.duration.map(|d| d.0),
            region: self.region.clone(),
            mfa_code: self.mfa_code.as_ref().map(|c| c.0.clone()),
            cache: match (self.no_cache, self.refresh) {
                (true, _) => CacheUse::Off,
                (false, true) => CacheUse::Refresh,
                (false, false) => CacheUse::Use,
            },
        }
    }
}

/// `fedaws creds`.
#[derive(Debug, Args)]
pub struct CredsArgs {
    /// The connector and request options
    #[command(flatten)]
    pub issue: IssueArgs,
    /// Output format [default: table on a terminal, env otherwise]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<crate::format::Format>,
}

/// `fedaws exec`.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The connector and request options
    #[command(flatten)]
    pub issue: IssueArgs,
    /// Run even inside another `fedaws exec` (FEDAWS_CONNECTOR set)
    #[arg(long)]
    pub force: bool,
    /// Give the command a local credential server instead of the keys themselves, so that it
    /// can refresh them (AWS_CONTAINER_CREDENTIALS_FULL_URI)
    #[arg(long)]
    pub server: bool,
    /// The command and its arguments [default: $SHELL]
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// `fedaws aws-profile …`.
#[derive(Debug, Subcommand)]
pub enum AwsProfileCommand {
    /// Write a credential_process profile for a connector into ~/.aws/config
    Add(AwsProfileAddArgs),
    /// Remove a profile that fedaws wrote
    Remove(AwsProfileRemoveArgs),
}

/// `fedaws aws-profile add`.
#[derive(Debug, Args)]
pub struct AwsProfileAddArgs {
    /// Connector name
    #[arg(value_parser = connector_name_arg)]
    pub connector: String,
    /// Profile name [default: the connector's name]
    #[arg(long)]
    pub profile: Option<String>,
    /// `region` of the profile [default: the connector's, else settings.region]
    #[arg(long)]
    pub region: Option<Region>,
    /// Replace an existing profile of that name
    #[arg(long)]
    pub force: bool,
}

/// `fedaws aws-profile remove`.
#[derive(Debug, Args)]
pub struct AwsProfileRemoveArgs {
    /// Profile name
    pub profile: String,
    /// Remove it even if fedaws did not write it
    #[arg(long)]
    pub force: bool,
}

/// `fedaws cache …`.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// List cached credentials (no secrets)
    List(CacheListArgs),
    /// Remove cached credentials, of one connector or all
    Clear(CacheClearArgs),
}

/// Which cache entries a `cache` command is about.
#[derive(Debug, Args)]
pub struct CacheScope {
    /// Only this connector's entries
    pub connector: Option<String>,
    /// Entries issued from every config file, not only this one
    #[arg(long)]
    pub all: bool,
}

/// `fedaws cache list`.
#[derive(Debug, Args)]
pub struct CacheListArgs {
    /// The entries
    #[command(flatten)]
    pub scope: CacheScope,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// `fedaws cache clear`.
#[derive(Debug, Args)]
pub struct CacheClearArgs {
    /// The entries
    #[command(flatten)]
    pub scope: CacheScope,
}

/// `fedaws whoami`.
#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// Show what a `--system` caller may use
    #[arg(long)]
    pub system: bool,
    /// Print JSON instead of tables
    #[arg(long)]
    pub json: bool,
}

/// `fedaws audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only the last N events
    #[arg(long, value_name = "N")]
    pub tail: Option<usize>,
    /// Only this connector's events
    #[arg(long)]
    pub connector: Option<String>,
    /// Only events since a time (RFC 3339) or for a duration back (e.g. 1h, 90m)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Print the events as JSON lines
    #[arg(long)]
    pub json: bool,
}

/// `fedaws console`.
#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Connector name (federated-user or assume-role)
    #[arg(value_parser = connector_name_arg)]
    pub connector: String,
    /// Where to land after signing in
    #[arg(long, value_name = "URL", conflicts_with = "service")]
    pub destination: Option<String>,
    /// Land on a service's console page (s3, ec2, cloudformation…)
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Console session length: assume-role's SessionDuration (15m to 12h); for federated-user,
    /// the credentials' lifetime
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<Lifetime>,
    /// The Issuer shown by AWS (where to go when the session ends)
    #[arg(long)]
    pub issuer: Option<String>,
    /// Region for the credentials and the console
    #[arg(long)]
    pub region: Option<Region>,
    /// Current 6-digit code of the account's MFA device
    #[arg(long, value_name = "CODE")]
    pub mfa_code: Option<MfaCode>,
    /// Open the URL in the default browser instead of printing it
    #[arg(long)]
    pub open: bool,
}

/// `fedaws serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The connector to serve alone [default: every connector you may use, each at
    /// /creds/CONNECTOR, on one server per user that a second `serve` finds]
    #[arg(value_parser = connector_name_arg)]
    pub connector: Option<String>,
    /// How the credentials are asked for
    #[command(flatten)]
    pub options: RequestOptions,
    /// Port on 127.0.0.1 [default: a free one]
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Also answer as the EC2 metadata service (IMDSv2) with the connector's credentials, for
    /// SDKs pointed at it by AWS_EC2_METADATA_SERVICE_ENDPOINT (one connector per server)
    #[arg(long, requires = "connector")]
    pub imds: bool,
}

/// The command of a command line given as one string of words (for tests).
#[cfg(test)]
pub fn parsed(line: &str) -> Command {
    let args = std::iter::once("fedaws").chain(line.split(' '));
    <Cli as Parser>::try_parse_from(args)
        .expect("a command line")
        .command
}
