//! Properties of config edits, over generated accounts and connectors that the rules accept: what
//! [`put_connector`] and [`put_account`] write reads back as what was written, and an edit of one
//! connector leaves every other table, and every comment, as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value as Json, json};

use super::*;
use crate::partition::Partition;
use crate::principal::{AccountKind, DurationRange, Principal};
use crate::validate::{self, MaxDuration};

/// Strings that match `regex`.
fn matching(regex: &str) -> BoxedStrategy<String> {
    proptest::string::string_regex(regex)
        .expect("a regex proptest reads")
        .boxed()
}

/// A fedaws name (`validate::check_name`), short enough to read in a failure.
fn name() -> BoxedStrategy<String> {
    matching("[A-Za-z0-9][A-Za-z0-9._-]{0,15}")
}

/// Text nothing checks (a description, an `mfa_process`): any character, control characters
/// among them, which the file must escape.
fn free_text() -> impl Strategy<Value = String> {
    vec(any::<char>(), 0..24).prop_map(String::from_iter)
}

/// An account of either kind, with or without an MFA device.
fn account() -> impl Strategy<Value = Account> {
    (
        select(AccountKind::ALL.to_vec()),
        option::of(matching("[A-Za-z0-9_+=/:,.@-]{9,64}")),
        option::of(free_text().prop_filter("not blank", |t| !t.trim().is_empty())),
        option::of(free_text()),
    )
        .prop_map(|(kind, mfa_serial, mfa_process, description)| Account {
            kind,
            mfa_serial,
            mfa_process,
            description,
        })
}

/// `[\w+=,.@-]` on ASCII: the characters of IAM names and paths.
const IAM_NAME: &str = "[A-Za-z0-9_+=,.@-]";

/// An IAM ARN of `resource` in any partition, with a path of up to two segments.
fn iam_arn(
    account: BoxedStrategy<String>,
    resource: &'static str,
    name_max: usize,
) -> BoxedStrategy<String> {
    (
        select(Partition::ALL.to_vec()),
        account,
        matching(&format!("({IAM_NAME}{{1,8}}/){{0,2}}")),
        matching(&format!("{IAM_NAME}{{1,{name_max}}}")),
    )
        .prop_map(move |(partition, account, path, name)| {
            format!(
                "arn:{}:iam::{account}:{resource}/{path}{name}",
                partition.as_str()
            )
        })
        .boxed()
}

/// A role to assume (`validate::check_role_arn`).
fn role_arn() -> BoxedStrategy<String> {
    iam_arn(matching("[0-9]{12}"), "role", 64)
}

/// Managed session policies, of AWS or of an account (`validate::check_policy_arns`).
fn policy_arns() -> impl Strategy<Value = Vec<String>> {
    let account = prop_oneof![Just("aws".to_string()), matching("[0-9]{12}")].boxed();
    vec(iam_arn(account, "policy", 40), 0..4)
}

/// A session policy `validate::check_policy` accepts, compact or pretty-printed (on several
/// lines, which the file keeps in a multi-line string).
fn policy() -> impl Strategy<Value = String> {
    fn one_or_more(one: BoxedStrategy<String>) -> BoxedStrategy<Json> {
        prop_oneof![
            one.clone().prop_map(Json::from),
            vec(one, 1..3).prop_map(Json::from)
        ]
        .boxed()
    }
    let action = one_or_more(matching("[a-z0-9-]{1,8}:[A-Za-z*]{1,16}"));
    let resource = one_or_more(
        prop_oneof![
            Just("*".to_string()),
            matching("arn:aws:s3:::[a-z0-9.-]{1,20}/[A-Za-z0-9/*]{0,10}")
        ]
        .boxed(),
    );
    let statement = (
        option::of(matching("[ -~\\x{a0}-\\x{ff}]{1,12}")),
        select(vec!["Allow", "Deny"]),
        select(vec!["Action", "NotAction"]),
        action,
        select(vec!["Resource", "NotResource"]),
        resource,
    )
        .prop_map(
            |(sid, effect, action_key, action, resource_key, resource)| {
                let mut s = serde_json::Map::new();
                if let Some(sid) = sid {
                    s.insert("Sid".into(), sid.into());
                }
                s.insert("Effect".into(), effect.into());
                s.insert(action_key.into(), action);
                s.insert(resource_key.into(), resource);
                Json::Object(s)
            },
        );
    let statements = prop_oneof![statement.clone(), vec(statement, 1..3).prop_map(Json::from)];
    (
        select(vec!["2012-10-17", "2008-10-17"]),
        statements,
        any::<bool>(),
    )
        .prop_map(|(version, statement, pretty)| {
            let doc = json!({ "Version": version, "Statement": statement });
            let text = if pretty {
                serde_json::to_string_pretty(&doc)
            } else {
                serde_json::to_string(&doc)
            };
            text.expect("JSON values print")
        })
}

/// Either an inline policy or a policy file, never both.
fn session_policy() -> impl Strategy<Value = (Option<String>, Option<PathBuf>)> {
    prop_oneof![
        Just((None, None)),
        policy().prop_map(|p| (Some(p), None)),
        matching("([a-z]{1,8}/)?[a-z]{1,8}\\.json").prop_map(|f| (None, Some(PathBuf::from(f)))),
    ]
}

/// A lifetime within `range`, spelled in bare seconds (written as a TOML integer), in the
/// shortest units, or in minutes and seconds (`15m0s`).
fn max_duration(range: DurationRange) -> impl Strategy<Value = MaxDuration> {
    (range.min..=range.max, 0..3u8).prop_map(|(secs, form)| {
        let text = match form {
            0 => secs.to_string(),
            1 => validate::format_duration(secs),
            _ => format!("{}m{}s", secs / 60, secs % 60),
        };
        MaxDuration::parse("max_duration", &text).expect("a spelling parse_duration reads")
    })
}

/// A group a connector may name: a fedaws name, or words parted by single spaces.
fn group() -> BoxedStrategy<String> {
    matching("[A-Za-z0-9][A-Za-z0-9._-]{0,8}( [A-Za-z0-9._-]{1,8}){0,2}")
}

/// A region's name (`validate::check_region`).
fn region() -> BoxedStrategy<String> {
    matching("[a-z]{1,5}(-[a-z]{1,5}){0,2}-[0-9]{1,2}")
}

/// Session tags: keys and values of letters (any script), digits, spaces and `_ . : / = + - @`.
fn session_tags() -> impl Strategy<Value = BTreeMap<String, String>> {
    let tag_chars = "[\\pL\\pN _.:/=+@-]";
    btree_map(
        matching(&format!("{tag_chars}{{1,20}}")),
        matching(&format!("{tag_chars}{{0,20}}")),
        0..4,
    )
}

/// `strategy` where the principal type takes the field, else the value that leaves it out.
fn when<T: Clone + std::fmt::Debug + 'static>(
    takes: bool,
    strategy: impl Strategy<Value = T> + 'static,
    left_out: T,
) -> BoxedStrategy<T> {
    if takes {
        strategy.boxed()
    } else {
        Just(left_out).boxed()
    }
}

/// A connector of `account` (of `kind`) that the rules accept: any principal type the kind may
/// use, and every field that type takes, each set or not.
fn connector(account: String, kind: AccountKind) -> impl Strategy<Value = Connector> {
    let usable: Vec<Principal> = Principal::ALL
        .into_iter()
        .filter(|p| p.refused_for(kind).is_none())
        .collect();
    select(usable).prop_flat_map(move |p| {
        let range = p.duration_range(kind).expect("a principal type the kind may use");
        let role = p.needs_role_arn();
        let sts_fields = (
            when(role, role_arn().prop_map(Some), None),
            when(role, option::of(matching("[A-Za-z0-9_+=,.@:/-]{2,40}")), None),
            when(p.allows_policy(), session_policy(), (None, None)),
            when(p.allows_policy(), policy_arns(), Vec::new()),
            option::of(max_duration(range)),
            when(p.allows_tags(), session_tags(), BTreeMap::new()),
            when(p.allows_source_identity(), any::<bool>(), false),
        );
        let fedaws_fields = (
            vec(group(), 0..3),
            any::<bool>(),
            option::of(region()),
            option::of(free_text()),
        );
        let account = account.clone();
        (sts_fields, fedaws_fields).prop_map(move |(sts, fedaws)| {
            let (role_arn, external_id, (policy, policy_file), policy_arns, max_duration, tags, si) =
                sts;
            let (groups, system_scope, region, description) = fedaws;
            Connector {
                role_arn,
                external_id,
                policy,
                policy_file,
                policy_arns,
                max_duration,
                groups,
                system_scope,
                region,
                description,
                session_tags: tags,
                source_identity: si,
                ..Connector::new(account.clone(), p)
            }
        })
    })
}

/// A named account, and two connectors of it (the one a file has, and the one written over it).
fn account_and_connectors() -> impl Strategy<Value = (String, Account, Connector, Connector)> {
    (name(), account()).prop_flat_map(|(name, account)| {
        let connectors = (
            connector(name.clone(), account.kind),
            connector(name.clone(), account.kind),
        );
        (Just(name), Just(account), connectors).prop_map(|(n, a, (old, new))| (n, a, old, new))
    })
}

/// Everything a connector holds, to compare two (`MaxDuration` with its seconds and spelling).
fn shown(c: &Connector) -> String {
    format!("{c:#?}")
}

/// Everything an account holds (its `Debug` hides `mfa_process`).
fn fields(a: &Account) -> (AccountKind, Option<&str>, Option<&str>, Option<&str>) {
    (
        a.kind,
        a.mfa_serial.as_deref(),
        a.mfa_process.as_deref(),
        a.description.as_deref(),
    )
}

fn errors(config: &Config) -> Vec<String> {
    config
        .problems(Depth::Shallow)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect()
}

proptest! {
    /// A connector written into a config, new or over another one of the same name, is the
    /// connector the file then gives, to the config's reader and to `connector edit`'s alike;
    /// and so is the account it names.
    #[test]
    fn a_written_connector_reads_back_the_same(
        (account_name, account, old, new) in account_and_connectors(),
        connector_name in name(),
        over_another in any::<bool>(),
    ) {
        let mut doc: DocumentMut = "# mine\n[settings]\nregion = \"eu-west-1\" # home\n"
            .parse()
            .unwrap();
        put_account(&mut doc, &account_name, &account).unwrap();
        if over_another {
            put_connector(&mut doc, &connector_name, &old).unwrap();
        }
        put_connector(&mut doc, &connector_name, &new).unwrap();
        let text = doc.to_string();

        let config = Config::parse(Path::new("config.toml"), &text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(errors(&config), Vec::<String>::new(), "{}", text);
        prop_assert_eq!(shown(&config.connectors[&connector_name]), shown(&new), "{}", text);
        prop_assert_eq!(fields(&config.accounts[&account_name]), fields(&account), "{}", text);

        let mut reread: DocumentMut = text.parse().unwrap();
        let c = super::connector(&mut reread, &connector_name, &[]).unwrap();
        prop_assert_eq!(shown(&c), shown(&new), "{}", text);
        let a = super::account(&mut reread, &account_name, &[]).unwrap();
        prop_assert_eq!(fields(&a), fields(&account), "{}", text);
    }
}

/// Comments on one table, as people write them: lines before its header, one after the header,
/// and for each key in turn a line above it, an indent, and one after its value.
#[derive(Debug, Clone)]
struct Comments {
    before: Option<String>,
    header: Option<String>,
    keys: Vec<(Option<String>, &'static str, Option<String>)>,
}

/// The most keys a generated table has.
const MOST_KEYS: usize = 16;

/// The text of a comment: anything but control characters, which TOML does not allow there.
fn comment() -> BoxedStrategy<String> {
    matching("\\PC{0,16}")
}

fn comments() -> impl Strategy<Value = Comments> {
    let comment = option::of(comment());
    (
        comment.clone(),
        comment.clone(),
        vec(
            (comment.clone(), select(vec!["", "  ", "\t"]), comment),
            MOST_KEYS,
        ),
    )
        .prop_map(|(before, header, keys)| Comments {
            before,
            header,
            keys,
        })
}

/// The comments a key of a commented table has around it, as they are written.
#[derive(Debug)]
struct KeyComments {
    key: String,
    above: Option<String>,
    indent: &'static str,
    after: Option<String>,
}

impl KeyComments {
    /// What the file holds from the comment line above the key (or the line's start) to its
    /// `=`.
    fn line_start(&self) -> String {
        let above = self.above.as_deref().unwrap_or_default();
        format!("{above}\n{}{} =", self.indent, self.key)
    }
}

/// A table's text with its comments, and each key's.
#[derive(Debug)]
struct Commented {
    text: String,
    keys: Vec<KeyComments>,
}

impl Commented {
    /// The text up to the end of the header line: the comments before it, and the one on it.
    fn head(&self) -> &str {
        let header = self.text.find("\n[").map_or(0, |i| i + 1);
        let line_end = self.text[header..]
            .find('\n')
            .map_or(self.text.len(), |i| header + i + 1);
        &self.text[..line_end]
    }
}

/// The text of `doc`, which has the one table `path`, with `comments` on that table; each
/// comment names `tag` and its place, so that no two in a file are alike.
fn commented(mut doc: DocumentMut, path: &[&str], tag: &str, comments: &Comments) -> Commented {
    let mut table = doc.as_table_mut();
    for part in path {
        table = table[*part].as_table_mut().expect("a table");
    }
    let before = comments
        .before
        .as_ref()
        .map(|c| format!("# {tag} before: {c}\n"))
        .unwrap_or_default();
    table.decor_mut().set_prefix(format!("\n{before}"));
    if let Some(c) = &comments.header {
        table
            .decor_mut()
            .set_suffix(format!(" # {tag} header: {c}"));
    }
    let names: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    assert!(names.len() <= MOST_KEYS, "{names:?}");
    let mut keys = Vec::new();
    for (key, (above, indent, after)) in names.into_iter().zip(&comments.keys) {
        let above = above.as_ref().map(|c| format!("# {tag}.{key} above: {c}"));
        let after = after.as_ref().map(|c| format!(" # {tag}.{key} after: {c}"));
        let prefix = above.as_ref().map(|a| format!("{a}\n")).unwrap_or_default();
        let mut k = table.key_mut(&key).expect("a key of the table");
        k.leaf_decor_mut().set_prefix(format!("{prefix}{indent}"));
        if let Some(a) = &after {
            let value = table[&key].as_value_mut().expect("a value");
            value.decor_mut().set_suffix(a.as_str());
        }
        keys.push(KeyComments {
            key,
            above,
            indent,
            after,
        });
    }
    Commented {
        text: doc.to_string(),
        keys,
    }
}

/// A config of accounts and connectors, and the connector an edit writes (over one of them, or
/// as a new one).
#[derive(Debug, Clone)]
struct Edit {
    accounts: Vec<(String, Account)>,
    connectors: Vec<(String, Connector)>,
    name: String,
    connector: Connector,
    comments: Vec<Comments>,
    end: Option<String>,
}

fn an_edit() -> impl Strategy<Value = Edit> {
    btree_map(name(), account(), 1..4).prop_flat_map(|accounts| {
        let accounts: Vec<(String, Account)> = accounts.into_iter().collect();
        let kinds: Vec<(String, AccountKind)> =
            accounts.iter().map(|(n, a)| (n.clone(), a.kind)).collect();
        let of_an_account =
            move || select(kinds.clone()).prop_flat_map(|(account, kind)| connector(account, kind));
        let connectors = vec((name(), of_an_account()), 1..5).prop_map(|all| {
            let mut seen = BTreeSet::new();
            all.into_iter()
                .filter(|(n, _)| seen.insert(n.clone()))
                .collect::<Vec<_>>()
        });
        let tables = accounts.len() + 6;
        (
            Just(accounts),
            connectors,
            name(),
            any::<prop::sample::Index>(),
            any::<bool>(),
            of_an_account(),
            vec(comments(), tables),
            option::of(comment()),
        )
            .prop_map(
                |(accounts, connectors, new_name, which, over, connector, comments, end)| {
                    let name = if over {
                        which.get(&connectors).0.clone()
                    } else {
                        new_name
                    };
                    Edit {
                        accounts,
                        connectors,
                        name,
                        connector,
                        comments,
                        end,
                    }
                },
            )
    })
}

/// A file of an edit: its tables as people commented them, then a comment at its end.
struct File {
    tables: Vec<Commented>,
    /// Where the connectors' tables start.
    connectors: usize,
    end: String,
}

impl File {
    /// Settings, the accounts, the connectors and groups, each table with its comments.
    fn of(e: &Edit) -> File {
        let mut comments = e.comments.iter();
        let mut next = || comments.next().expect("comments for every table");
        let settings =
            "[settings]\nregion = \"eu-west-1\"\nrefresh_margin = \"5m\"\nadmins = [\"root\"]\n";
        let mut tables = vec![commented(
            settings.parse().unwrap(),
            &["settings"],
            "settings",
            next(),
        )];
        for (i, (name, account)) in e.accounts.iter().enumerate() {
            let mut doc = DocumentMut::new();
            put_account(&mut doc, name, account).unwrap();
            tables.push(commented(
                doc,
                &["accounts", name],
                &format!("a{i}"),
                next(),
            ));
        }
        let connectors = tables.len();
        for (i, (name, connector)) in e.connectors.iter().enumerate() {
            let mut doc = DocumentMut::new();
            put_connector(&mut doc, name, connector).unwrap();
            tables.push(commented(
                doc,
                &["connectors", name],
                &format!("c{i}"),
                next(),
            ));
        }
        let groups = "[groups]\ndev = [\"alice\", \"bob\"]\n";
        tables.push(commented(
            groups.parse().unwrap(),
            &["groups"],
            "groups",
            next(),
        ));
        let end = e
            .end
            .as_ref()
            .map(|c| format!("\n# end: {c}\n"))
            .unwrap_or_default();
        File {
            tables,
            connectors,
            end,
        }
    }

    fn text(&self) -> String {
        self.tables
            .iter()
            .map(|t| t.text.as_str())
            .chain([self.end.as_str()])
            .collect()
    }

    /// What `result` holds between the tables before `at` and those from `resume` on (and the
    /// end), where it holds them as they were.
    fn between<'a>(&self, result: &'a str, at: usize, resume: usize) -> Option<&'a str> {
        let head: String = self.tables[..at].iter().map(|t| t.text.as_str()).collect();
        let tail: String = self.tables[resume..]
            .iter()
            .map(|t| t.text.as_str())
            .chain([self.end.as_str()])
            .collect();
        result.strip_prefix(&head)?.strip_suffix(&tail)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Writing one connector into a commented file changes its table and nothing else: every
    /// other table keeps its text byte for byte, in its place, and the edited table keeps the
    /// comments before and on its header, and those of every key it still has, with the key's
    /// indent.
    #[test]
    fn an_edit_keeps_every_other_table_and_every_comment(e in an_edit()) {
        let file = File::of(&e);
        let text = file.text();
        let mut doc: DocumentMut = text
            .parse()
            .map_err(|err| TestCaseError::fail(format!("{err}\n{text}")))?;
        put_connector(&mut doc, &e.name, &e.connector).unwrap();
        let result = doc.to_string();
        let shown = format!("before:\n{text}\nafter:\n{result}");
        prop_assert!(Config::parse(Path::new("config.toml"), &result).is_ok(), "{}", shown);

        let Some(i) = e.connectors.iter().position(|(n, _)| *n == e.name) else {
            // A new table among the others, which are all there as they were.
            let fits = (0..=file.tables.len())
                .any(|at| file.between(&result, at, at).is_some_and(|new| !new.is_empty()));
            prop_assert!(fits, "{}", shown);
            return Ok(());
        };
        let at = file.connectors + i;
        let edited = file.between(&result, at, at + 1);
        prop_assert!(edited.is_some(), "{}", shown);
        let edited = edited.unwrap_or_default();
        let was = &file.tables[at];
        prop_assert!(edited.starts_with(was.head()), "{}", shown);
        let table = doc["connectors"][&e.name].as_table().expect("the edited connector");
        for k in was.keys.iter().filter(|k| table.contains_key(&k.key)) {
            prop_assert!(edited.contains(&k.line_start()), "{:?}\n{}", k, shown);
            if let Some(after) = &k.after {
                prop_assert!(edited.contains(&format!("{after}\n")), "{:?}\n{}", k, shown);
            }
        }
    }
}
