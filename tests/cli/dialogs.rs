//! The guided dialogs on a pseudo-terminal: `connector add` and `connector edit`, the account
//! created inside the connector dialog, `account add` and `init`; re-asking after bad answers;
//! cancelling with Ctrl-C or Esc (exit 130, nothing written); and no dialog without a terminal.
//!
//! Every test checks the result where it lands: the config file (parsed with `toml_edit`), the
//! kernel user keyring (read with `keyctl`), and the exit code.

use std::time::{Duration, Instant};

use toml_edit::{DocumentMut, Item};

use crate::common::{AccountGuard, KeyPair, Store, TestEnv, keyutils_lookup, stderr, unique};
use crate::pty::{ADD_IAM_USER_CONNECTOR, ENTER, ESC, Pty, plain};

const ACCOUNT: &str = "Account (the IAM user whose keys derive the credentials)";
const NAME: &str = "Connector name";
const PRINCIPAL: &str = "Principal type";
const ROLE_ARN: &str = "Role ARN (arn:aws:iam::ACCOUNT:role/NAME)";
const EXTERNAL_ID: &str = "External ID (optional, empty for none)";
const POLICY: &str = "Session policy (narrows what the credentials may do)";
const EXAMPLE: &str = "Example policy";
const POLICY_ARNS: &str = "Managed policy ARNs (optional, comma-separated)";
const DURATION: &str = "Maximum duration (";
const GROUPS: &str = "Groups that may use it (administrators always may)";
const SYSTEM_SCOPE: &str = "System scope? (lets cron jobs, CI and the credential server use it with --system, without a user session, whatever their groups)";
const CREATE: &str = "Create this connector?";
const SAVE: &str = "Save these changes?";
const NEW_ACCOUNT: &str = "New account name";
pub const KIND: &str = "Account kind";
pub const KEY_ID: &str = "Access key id (AKIA…)";
pub const SECRET: &str = "Secret access key (hidden)";
pub const MFA: &str = "MFA device ARN (optional, empty for none)";

const ROLE: &str = "arn:aws:iam::123456789012:role/Deploy";

/// The config as a TOML document.
fn doc(env: &TestEnv) -> DocumentMut {
    let text = env.config();
    text.parse()
        .unwrap_or_else(|e| panic!("the config is not TOML ({e}):\n{text}"))
}

/// A string value of a table, `None` when missing.
fn text<'a>(table: &'a Item, key: &str) -> Option<&'a str> {
    table.get(key).and_then(Item::as_str)
}

/// A list of strings, `None` when missing.
fn list(table: &Item, key: &str) -> Option<Vec<String>> {
    table.get(key).map(|i| {
        i.as_array()
            .unwrap_or_else(|| panic!("`{key}` is not a list: {i}"))
            .iter()
            .map(|v| v.as_str().expect("a string").to_string())
            .collect()
    })
}

/// The table of connector `name`, failing with the config when it is missing.
fn connector(env: &TestEnv, name: &str) -> Item {
    let d = doc(env);
    match d.get("connectors").and_then(|c| c.get(name)) {
        Some(t) => t.clone(),
        None => panic!("no connector `{name}` in the config:\n{}", env.config()),
    }
}

/// The keys a connector table holds, sorted.
fn keys(table: &Item) -> Vec<String> {
    let mut k: Vec<String> = table
        .as_table_like()
        .expect("a table")
        .iter()
        .map(|(k, _)| k.to_string())
        .collect();
    k.sort();
    k
}

/// Answer the maximum-duration prompt with `value`; returns the prompt as shown (with its
/// range).
fn duration(pty: &mut Pty, value: &str) -> String {
    pty.expect(DURATION);
    let asked = pty.expect_capture("): ");
    pty.send(value);
    pty.send(ENTER);
    asked
}

/// Wait for the group picker's first screen.
fn picker(pty: &mut Pty) {
    pty.expect(&format!("? {GROUPS}"));
    pty.expect("match, ");
}

/// The JSON of a policy, for comparisons that ignore formatting.
fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

// ---------------------------------------------------------------------------------------------
// connector add, one principal type each
// ---------------------------------------------------------------------------------------------

#[test]
fn connector_add_dialog_creates_a_federated_user_connector_with_an_example_policy() {
    let env = TestEnv::with_config("[accounts.deployer]\n");
    let mut pty = Pty::spawn(&env, &["--keyring", "keyutils", "connector", "add"]);
    pty.choose(ACCOUNT, 0, "deployer  (iam-user, used by 0 connectors)");
    pty.answer(NAME, "fed-ro");
    pty.choose(PRINCIPAL, 0, "federated-user");
    pty.expect("needs this permission for GetFederationToken");
    pty.expect("sts:GetFederationToken");
    pty.choose(POLICY, 2, "From the examples");
    pty.choose(EXAMPLE, 2, "deny-all");
    pty.expect("policy ok:");
    pty.answer(POLICY_ARNS, "arn:aws:iam::aws:policy/ReadOnlyAccess");
    let asked = duration(&mut pty, "8h");
    assert_eq!(asked, "15m to 36h; empty for the AWS default, 12h): ");
    picker(&mut pty);
    pty.send(ENTER);
    pty.expect(&format!("{GROUPS}: (none)"));
    pty.confirm(SYSTEM_SCOPE, ENTER, "no");
    pty.confirm(CREATE, "y", "yes");
    pty.expect("added connector `fed-ro`");
    pty.finish_with(0);

    let c = connector(&env, "fed-ro");
    assert_eq!(text(&c, "account"), Some("deployer"));
    assert_eq!(text(&c, "principal"), Some("federated-user"));
    let policy = text(&c, "policy").expect("an inline policy");
    assert_eq!(
        json(policy),
        json(include_str!("../../examples/policies/deny-all.json")),
        "the connector holds another policy than the deny-all example"
    );
    assert_eq!(
        list(&c, "policy_arns"),
        Some(vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".to_string()])
    );
    assert_eq!(text(&c, "max_duration"), Some("8h"));
    assert_eq!(
        keys(&c),
        [
            "account",
            "max_duration",
            "policy",
            "policy_arns",
            "principal"
        ],
        "unexpected keys in:\n{}",
        env.config()
    );
}

#[test]
fn connector_add_dialog_creates_an_iam_user_connector_with_a_new_group() {
    let env = TestEnv::with_config("[accounts.deployer]\n");
    let mut pty = Pty::spawn(&env, &["--keyring", "keyutils", "connector", "add"]);
    pty.choose(ACCOUNT, 0, "deployer");
    pty.answer(NAME, "session");
    pty.choose(PRINCIPAL, 1, "iam-user");
    pty.expect("needs this permission for GetSessionToken");
    // No session policy for GetSessionToken: the next question is the duration.
    pty.expect("Maximum duration (15m to 36h; empty for the AWS default, 12h): ");
    assert!(
        !pty.transcript().contains(POLICY),
        "the dialog asked for a session policy for iam-user:\n{}",
        pty.transcript()
    );
    pty.send(ENTER);
    picker(&mut pty);
    pty.send("oncall");
    pty.expect("> [ ] + create new group `oncall`");
    pty.send(" ");
    pty.expect("match, 1 chosen");
    pty.expect("chosen: oncall");
    pty.send(ENTER);
    pty.expect(&format!("{GROUPS}: oncall"));
    pty.confirm(SYSTEM_SCOPE, "y", "yes");
    pty.confirm(CREATE, ENTER, "yes");
    pty.expect("added group `oncall`");
    pty.expect("added connector `session`");
    pty.finish_with(0);

    let c = connector(&env, "session");
    assert_eq!(text(&c, "account"), Some("deployer"));
    assert_eq!(text(&c, "principal"), Some("iam-user"));
    assert_eq!(list(&c, "groups"), Some(vec!["oncall".to_string()]));
    assert_eq!(c.get("system_scope").and_then(Item::as_bool), Some(true));
    assert_eq!(
        keys(&c),
        ["account", "groups", "principal", "system_scope"],
        "unexpected keys in:\n{}",
        env.config()
    );
    let d = doc(&env);
    assert_eq!(
        list(&d["groups"], "oncall"),
        Some(vec![]),
        "the new group is not an empty config group:\n{}",
        env.config()
    );
}

#[test]
fn connector_add_dialog_creates_an_assume_role_connector() {
    let env = TestEnv::with_config("[accounts.deployer]\n\n[groups]\ndeployers = [\"alice\"]\n");
    let mut pty = Pty::spawn(&env, &["--keyring", "keyutils", "connector", "add"]);
    pty.choose(ACCOUNT, 0, "deployer");
    pty.answer(NAME, "deploy");
    pty.choose(PRINCIPAL, 2, "assume-role");
    pty.answer(ROLE_ARN, ROLE);
    pty.answer(EXTERNAL_ID, "ext-2024");
    pty.expect("needs this permission for AssumeRole");
    pty.expect(ROLE);
    pty.choose(POLICY, 0, "No session policy");
    pty.answer(POLICY_ARNS, "");
    let asked = duration(&mut pty, "2h");
    assert_eq!(asked, "15m to 12h; empty for the AWS default, 1h): ");
    picker(&mut pty);
    pty.send("deploy");
    // The matches come first, with the cursor on the first; the typed text, a valid new name,
    // is offered as a group to create after them.
    pty.expect("> [ ] deployers  (config group)");
    pty.expect("  [ ] + create new group `deploy`");
    pty.send(" ");
    pty.expect("> [x] deployers  (config group)");
    pty.send(ENTER);
    pty.expect(&format!("{GROUPS}: deployers"));
    pty.confirm(SYSTEM_SCOPE, "y", "yes");
    let summary = pty.expect_capture(CREATE);
    for line in [
        format!("role arn        {ROLE}"),
        "external id     ext-2024".to_string(),
        "max duration    2h".to_string(),
        "groups          deployers".to_string(),
        "system scope    yes".to_string(),
    ] {
        assert!(
            summary.contains(&line),
            "the summary lacks {line:?}:\n{summary}"
        );
    }
    pty.expect("[Y/n] ");
    pty.send("y");
    pty.expect(&format!("{CREATE} yes"));
    pty.expect("added connector `deploy`");
    pty.finish_with(0);

    let c = connector(&env, "deploy");
    assert_eq!(text(&c, "account"), Some("deployer"));
    assert_eq!(text(&c, "principal"), Some("assume-role"));
    assert_eq!(text(&c, "role_arn"), Some(ROLE));
    assert_eq!(text(&c, "external_id"), Some("ext-2024"));
    assert_eq!(text(&c, "max_duration"), Some("2h"));
    assert_eq!(list(&c, "groups"), Some(vec!["deployers".to_string()]));
    assert_eq!(c.get("system_scope").and_then(Item::as_bool), Some(true));
    assert_eq!(
        keys(&c),
        [
            "account",
            "external_id",
            "groups",
            "max_duration",
            "principal",
            "role_arn",
            "system_scope"
        ],
        "unexpected keys in:\n{}",
        env.config()
    );
    // The existing group is used, not created again.
    assert_eq!(
        list(&doc(&env)["groups"], "deployers"),
        Some(vec!["alice".to_string()])
    );
}

// ---------------------------------------------------------------------------------------------
// An account created inside the connector dialog
// ---------------------------------------------------------------------------------------------

#[test]
fn connector_add_dialog_creates_an_account_with_its_keys_in_the_kernel_keyring() {
    let env = TestEnv::with_config("[accounts.other]\n");
    let account = unique("dlg");
    let _guard = AccountGuard::new(Store::Keyutils, &account);
    let keys = KeyPair::new();
    let mfa = "arn:aws:iam::123456789012:mfa/dialog";

    let mut pty = Pty::spawn(&env, &["--keyring", "keyutils", "connector", "add"]);
    pty.choose(ACCOUNT, 1, "+ create a new account");
    pty.answer(NEW_ACCOUNT, &account);
    pty.choose(KIND, 0, "iam-user");
    pty.answer(KEY_ID, &keys.access_key_id);
    pty.secret(SECRET, &keys.secret_access_key);
    pty.answer(MFA, mfa);
    pty.answer(NAME, "with-mfa");
    pty.choose(PRINCIPAL, 1, "iam-user");
    duration(&mut pty, "");
    picker(&mut pty);
    pty.send(ENTER);
    pty.confirm(SYSTEM_SCOPE, ENTER, "no");
    pty.expect(&format!(
        "{account} (new, iam-user, key {})",
        keys.masked_id()
    ));
    pty.confirm(CREATE, "y", "yes");
    pty.expect(&format!("added account `{account}`"));
    pty.expect("added connector `with-mfa`");
    pty.finish_with(0);

    let stored = keyutils_lookup(&account)
        .unwrap_or_else(|| panic!("the dialog stored no key pair for `{account}` in @u"));
    keys.assert_stored_as(&stored);

    let d = doc(&env);
    let a = &d["accounts"][account.as_str()];
    assert!(
        a.is_table_like(),
        "no account `{account}` in the config:\n{}",
        env.config()
    );
    assert_eq!(text(a, "mfa_serial"), Some(mfa));
    let c = connector(&env, "with-mfa");
    assert_eq!(text(&c, "account"), Some(account.as_str()));
    assert_eq!(text(&c, "principal"), Some("iam-user"));

    let transcript = pty.transcript();
    assert!(
        !transcript.contains(&keys.secret_access_key),
        "the secret access key was shown on the terminal:\n{transcript}"
    );
    env.assert_no_file_contains(&keys.secret_access_key, "the secret access key");
    env.assert_no_file_contains(&keys.access_key_id, "the access key id");

    env.fedaws(&[
        "--keyring",
        "keyutils",
        "account",
        "remove",
        &account,
        "--force",
    ])
    .assert()
    .success();
    assert_eq!(
        keyutils_lookup(&account),
        None,
        "`account remove` left the pair in @u"
    );
}

// ---------------------------------------------------------------------------------------------
// Bad answers are asked again
// ---------------------------------------------------------------------------------------------

#[test]
fn a_bad_role_arn_and_a_bad_policy_from_the_editor_are_asked_again() {
    use std::os::unix::fs::PermissionsExt;

    let env = TestEnv::with_config("[accounts.deployer]\n");
    let counter = env.root().join("editor-calls");
    let valid = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#;
    let valid_file = env.root().join("valid-policy.json");
    std::fs::write(&valid_file, valid).expect("write the valid policy");
    let editor = env.root().join("editor.sh");
    // First call: broken JSON; then the valid policy. The sleep makes the file's mtime newer
    // than the one dialoguer noted, or it would take the edit for "closed without saving".
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\n\
             n=$(cat '{counter}' 2>/dev/null || echo 0)\n\
             n=$((n + 1))\n\
             echo \"$n\" > '{counter}'\n\
             sleep 0.2\n\
             if [ \"$n\" -eq 1 ]; then\n\
               printf '%s' '{{\"Version\": \"2012-10-17\", \"Statement\": [' > \"$1\"\n\
             else\n\
               cat '{valid}' > \"$1\"\n\
             fi\n",
            counter = counter.display(),
            valid = valid_file.display(),
        ),
    )
    .expect("write the editor script");
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755))
        .expect("make the editor executable");

    let mut pty = Pty::spawn_with(
        &env,
        &["--keyring", "keyutils", "connector", "add", "checked"],
        &[("EDITOR", editor.as_os_str())],
    );
    pty.choose(ACCOUNT, 0, "deployer");
    pty.choose(PRINCIPAL, 2, "assume-role");

    pty.expect(&format!("{ROLE_ARN}: "));
    pty.send("arn:aws:iam::12345678901:role/Deploy");
    pty.send(ENTER);
    pty.expect("error: ");
    pty.expect("account \"12345678901\" is not 12 digits");
    pty.expect(&format!("{ROLE_ARN}: "));
    pty.send(ROLE);
    pty.send(ENTER);
    pty.expect(&format!("{ROLE_ARN}: {ROLE}"));
    pty.answer(EXTERNAL_ID, "");

    pty.choose(POLICY, 3, "Write it in an editor");
    pty.expect("that policy is invalid");
    pty.expect("is not valid JSON");
    pty.expect("choose again");
    pty.choose(POLICY, 3, "Write it in an editor");
    pty.expect("policy ok:");
    pty.answer(POLICY_ARNS, "");
    duration(&mut pty, "");
    picker(&mut pty);
    pty.send(ENTER);
    pty.confirm(SYSTEM_SCOPE, ENTER, "no");
    pty.confirm(CREATE, "y", "yes");
    pty.expect("added connector `checked`");
    pty.finish_with(0);

    let calls = std::fs::read_to_string(&counter).expect("the editor ran");
    assert_eq!(calls.trim(), "2", "the editor ran {} times", calls.trim());
    let c = connector(&env, "checked");
    assert_eq!(text(&c, "role_arn"), Some(ROLE));
    assert_eq!(
        text(&c, "policy").map(json),
        Some(json(valid)),
        "the connector does not hold the policy of the second edit:\n{}",
        env.config()
    );
    assert!(c.get("external_id").is_none(), "{}", env.config());
}

// ---------------------------------------------------------------------------------------------
// Cancelling
// ---------------------------------------------------------------------------------------------

const BEFORE: &str = "# my accounts\n[accounts.deployer]\ndescription = \"kept as is\"\n\n[connectors.old]\naccount = \"deployer\"\nprincipal = \"iam-user\"\n";

#[test]
fn ctrl_c_in_the_middle_writes_nothing_not_even_the_new_account() {
    let env = TestEnv::with_config(BEFORE);
    let before = env.config_bytes();
    let account = unique("cancel");
    let _guard = AccountGuard::new(Store::Keyutils, &account);
    let keys = KeyPair::new();

    let mut pty = Pty::spawn(&env, &["--keyring", "keyutils", "connector", "add"]);
    pty.choose(ACCOUNT, 1, "+ create a new account");
    pty.answer(NEW_ACCOUNT, &account);
    pty.choose(KIND, 0, "iam-user");
    pty.answer(KEY_ID, &keys.access_key_id);
    pty.secret(SECRET, &keys.secret_access_key);
    pty.answer(MFA, "");
    pty.answer(NAME, "halfway");
    pty.choose(PRINCIPAL, 1, "iam-user");
    pty.expect(DURATION);
    pty.expect("): ");
    pty.send("4");
    pty.expect("4");
    pty.control('c');
    let ended = pty.finish();
    assert!(
        ended.is_cancelled(),
        "Ctrl-C ended the dialog with {ended:?}, not exit 130 or SIGINT:\n{}",
        pty.transcript()
    );
    assert_eq!(
        env.config_bytes(),
        before,
        "Ctrl-C changed the config:\n{}",
        env.config()
    );
    assert_eq!(
        keyutils_lookup(&account),
        None,
        "Ctrl-C left the new account's key pair in @u"
    );
    env.assert_no_file_contains(&keys.secret_access_key, "the secret access key");
    assert!(!pty.transcript().contains(&keys.secret_access_key));
}

/// Ctrl-C at a text prompt races the interrupt handler (exit 130) against the prompt's own
/// "read interrupted" error, so it is tried several times: every one must end as cancelled.
#[test]
fn ctrl_c_at_a_text_prompt_always_exits_130_and_says_nothing_was_changed() {
    let env = TestEnv::with_config(BEFORE);
    let before = env.config_bytes();
    let mut wrong = Vec::new();
    for _ in 0..10 {
        let mut pty = Pty::spawn(&env, &["--keyring", "keyutils", "connector", "add"]);
        pty.choose(ACCOUNT, 0, "deployer");
        pty.expect(&format!("{NAME}: "));
        pty.send("abc");
        pty.expect("abc");
        pty.control('c');
        let ended = pty.finish();
        let out = plain(&pty.transcript());
        if ended != crate::pty::Ended::Code(130) || !out.contains("nothing was changed") {
            let last = out
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            wrong.push(format!("{ended:?}: {last}"));
        }
        assert_eq!(env.config_bytes(), before, "Ctrl-C changed the config");
    }
    assert!(
        wrong.is_empty(),
        "Ctrl-C at the name prompt did not end as cancelled (exit 130, \"nothing was changed\") in {} of 10 runs:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn esc_in_a_select_exits_130_and_writes_nothing() {
    let env = TestEnv::with_config(BEFORE);
    let before = env.config_bytes();
    let mut pty = Pty::spawn(&env, &["--keyring", "keyutils", "connector", "add"]);
    pty.choose(ACCOUNT, 0, "deployer");
    pty.answer(NAME, "escaped");
    pty.expect(&format!("{PRINCIPAL}:"));
    pty.expect("> federated-user");
    pty.send(ESC);
    pty.expect("nothing was changed");
    pty.finish_with(130);
    assert_eq!(env.config_bytes(), before, "Esc changed the config");
}

#[test]
fn with_every_required_value_given_connector_add_shows_no_dialog_on_a_terminal() {
    let env = TestEnv::with_config(BEFORE);
    let mut pty = Pty::spawn(
        &env,
        &[
            "--keyring",
            "keyutils",
            "connector",
            "add",
            "picked",
            "--account",
            "deployer",
            "--principal",
            "iam-user",
        ],
    );
    pty.expect("added connector `picked`");
    pty.finish_with(0);
    for prompt in [NAME, GROUPS, SYSTEM_SCOPE, CREATE] {
        assert!(
            !pty.transcript().contains(prompt),
            "{prompt:?} was asked although every required value was given:\n{}",
            pty.transcript()
        );
    }
    assert_eq!(
        text(&connector(&env, "picked"), "principal"),
        Some("iam-user")
    );
}

#[test]
fn esc_in_the_group_picker_exits_130_and_writes_nothing() {
    let env = TestEnv::with_config(BEFORE);
    let before = env.config_bytes();
    let mut pty = Pty::spawn(&env, ADD_IAM_USER_CONNECTOR);
    pty.answer(NAME, "picked");
    duration(&mut pty, "");
    picker(&mut pty);
    pty.send("dep");
    pty.expect("> [ ] + create new group `dep`");
    pty.send(" ");
    pty.expect("match, 1 chosen");
    pty.send(ESC);
    pty.expect("nothing was changed");
    pty.finish_with(130);
    assert_eq!(
        env.config_bytes(),
        before,
        "Esc in the picker changed the config"
    );
}

#[test]
fn the_summary_is_readable_on_a_terminal_that_reports_no_size() {
    let env = TestEnv::with_config("[accounts.deployer]\n");
    let mut pty = Pty::spawn_unsized(&env, ADD_IAM_USER_CONNECTOR);
    pty.answer(NAME, "unsized");
    duration(&mut pty, "");
    picker(&mut pty);
    pty.send(ENTER);
    pty.confirm(SYSTEM_SCOPE, ENTER, "no");
    let summary = plain(&pty.expect_capture(CREATE));
    pty.expect("[Y/n] ");
    pty.send("n");
    let ended = pty.finish();
    assert!(ended.is_cancelled(), "declining ended with {ended:?}");
    // One line per field, as on a sized terminal, not a column a few characters wide.
    let lines: Vec<&str> = summary.lines().map(str::trim).collect();
    for (key, value) in [
        ("connector", "unsized"),
        ("principal", "iam-user (GetSessionToken)"),
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(key) && l.ends_with(value)),
            "the summary has no line `{key} … {value}`:\n{summary}"
        );
    }
}

#[test]
fn space_on_the_create_row_toggles_the_new_group_on_and_off() {
    let env = TestEnv::with_config("[accounts.deployer]\n");
    let mut pty = Pty::spawn(&env, ADD_IAM_USER_CONNECTOR);
    pty.answer(NAME, "toggled");
    duration(&mut pty, "");
    picker(&mut pty);
    pty.send("newteam");
    pty.expect("> [ ] + create new group `newteam`");
    pty.send(" ");
    pty.expect("match, 1 chosen");
    // Space toggles: pressed again on the same row, it un-chooses the new group.
    pty.send(" ");
    pty.expect("match, 0 chosen");
    pty.send(ENTER);
    pty.expect(&format!("{GROUPS}: (none)"));
    pty.confirm(SYSTEM_SCOPE, ENTER, "no");
    pty.confirm(CREATE, "y", "yes");
    pty.expect("added connector `toggled`");
    pty.finish_with(0);
    let c = connector(&env, "toggled");
    assert!(c.get("groups").is_none(), "{}", env.config());
    assert!(
        doc(&env).get("groups").is_none(),
        "the un-chosen group was created:\n{}",
        env.config()
    );
}

#[test]
fn ctrl_c_at_the_hidden_secret_prompt_stores_nothing() {
    let env = TestEnv::with_config(BEFORE);
    let before = env.config_bytes();
    let account = unique("cancel");
    let _guard = AccountGuard::new(Store::Keyutils, &account);
    let keys = KeyPair::new();

    let mut pty = Pty::spawn(&env, &["--keyring", "keyutils", "connector", "add"]);
    pty.choose(ACCOUNT, 1, "+ create a new account");
    pty.answer(NEW_ACCOUNT, &account);
    pty.choose(KIND, 0, "iam-user");
    pty.answer(KEY_ID, &keys.access_key_id);
    pty.expect(&format!("{SECRET}: "));
    std::thread::sleep(Duration::from_millis(200));
    pty.send("wJalrXUtnFEMI");
    pty.control('c');
    let ended = pty.finish();
    assert!(
        ended.is_cancelled(),
        "Ctrl-C at the hidden prompt ended with {ended:?}:\n{}",
        pty.transcript()
    );
    assert_eq!(env.config_bytes(), before, "Ctrl-C changed the config");
    assert_eq!(keyutils_lookup(&account), None, "Ctrl-C stored a key pair");
    assert!(
        !pty.transcript().contains("wJalrXUtnFEMI"),
        "the hidden input was echoed:\n{}",
        pty.transcript()
    );
}

// ---------------------------------------------------------------------------------------------
// connector edit
// ---------------------------------------------------------------------------------------------

#[test]
fn connector_edit_dialog_offers_the_current_values_and_changes_only_the_duration() {
    let env = TestEnv::with_config(
        "[accounts.deployer]\n\n[accounts.spare]\n\n[groups]\ndeployers = [\"alice\"]\n",
    );
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    env.fedaws(&[
        "connector",
        "add",
        "deploy",
        "--account",
        "deployer",
        "--principal",
        "assume-role",
        "--role-arn",
        ROLE,
        "--external-id",
        "ext-2024",
        "--policy",
        policy,
        "--policy-arn",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "--max-duration",
        "1h",
        "--group",
        "deployers",
        "--system-scope",
        "true",
        "--description",
        "the deploy role",
    ])
    .assert()
    .success();
    let before = env.config();

    let mut pty = Pty::spawn(
        &env,
        &["--keyring", "keyutils", "connector", "edit", "deploy"],
    );
    // The current account is highlighted, though it is not the first one.
    pty.expect(&format!("{ACCOUNT}:"));
    pty.expect("> deployer  (iam-user, used by 1 connector)");
    pty.send(ENTER);
    pty.expect(&format!("{ACCOUNT}: deployer"));
    pty.expect(&format!("{PRINCIPAL}:"));
    pty.expect("> assume-role");
    pty.send(ENTER);
    pty.expect(&format!("{PRINCIPAL}: assume-role"));
    pty.accept_default(ROLE_ARN, ROLE);
    pty.accept_default(EXTERNAL_ID, "ext-2024");
    pty.choose(POLICY, 0, "Keep the current policy");
    pty.accept_default(POLICY_ARNS, "arn:aws:iam::aws:policy/ReadOnlyAccess");
    pty.expect(DURATION);
    pty.expect(" [1h]: ");
    pty.send("2h");
    pty.send(ENTER);
    picker(&mut pty);
    pty.expect("[x] deployers  (config group)");
    pty.send(ENTER);
    pty.expect(&format!("{GROUPS}: deployers"));
    pty.expect(SYSTEM_SCOPE);
    pty.expect("[Y/n] ");
    pty.send(ENTER);
    pty.expect(&format!("{SYSTEM_SCOPE} yes"));
    pty.confirm(SAVE, "y", "yes");
    pty.expect("updated connector `deploy`");
    pty.finish_with(0);

    let after = env.config();
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    assert_eq!(
        old.len(),
        new.len(),
        "the edit added or removed lines:\n--- before\n{before}\n--- after\n{after}"
    );
    let changed: Vec<(&str, &str)> = old
        .iter()
        .zip(&new)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (*a, *b))
        .collect();
    assert_eq!(
        changed,
        [("max_duration = \"1h\"", "max_duration = \"2h\"")],
        "the edit changed other lines than max_duration:\n--- before\n{before}\n--- after\n{after}"
    );
}

// ---------------------------------------------------------------------------------------------
// account add and init
// ---------------------------------------------------------------------------------------------

#[test]
fn account_add_dialog_stores_the_pair_in_the_kernel_keyring() {
    let env = TestEnv::with_config("");
    let account = unique("acct");
    let _guard = AccountGuard::new(Store::Keyutils, &account);
    let keys = KeyPair::new();

    let mut pty = Pty::spawn(&env, &["--keyring", "keyutils", "account", "add", &account]);
    pty.choose(KIND, 0, "iam-user");
    pty.answer(KEY_ID, &keys.access_key_id);
    pty.secret(SECRET, &keys.secret_access_key);
    pty.answer(MFA, "");
    pty.answer("Description (optional)", "CI deployer");
    pty.expect(&keys.masked_id());
    pty.confirm("Store this account?", "y", "yes");
    pty.expect(&format!("added account `{account}`"));
    pty.finish_with(0);

    let stored = keyutils_lookup(&account)
        .unwrap_or_else(|| panic!("the dialog stored no key pair for `{account}` in @u"));
    keys.assert_stored_as(&stored);
    let d = doc(&env);
    let a = &d["accounts"][account.as_str()];
    assert_eq!(
        text(a, "description"),
        Some("CI deployer"),
        "config:\n{}",
        env.config()
    );
    assert!(a.get("mfa_serial").is_none(), "{}", env.config());
    assert!(!pty.transcript().contains(&keys.secret_access_key));
    env.assert_no_file_contains(&keys.secret_access_key, "the secret access key");
    env.assert_no_file_contains(&keys.access_key_id, "the access key id");

    env.fedaws(&["--keyring", "keyutils", "account", "remove", &account])
        .assert()
        .success();
    assert_eq!(keyutils_lookup(&account), None);
}

#[test]
fn init_dialog_writes_a_config_with_the_chosen_region_store_and_admins() {
    let env = TestEnv::new();
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("fedaws will write");
    pty.expect("Default AWS region [us-east-1]: ");
    pty.send("eu-central-1");
    pty.send(ENTER);
    pty.expect("Default AWS region: eu-central-1");
    pty.choose("Where to keep the accounts' keys", 1, "keyutils");
    pty.expect("Administrators (users who may use every connector; comma-separated)");
    pty.expect(": ");
    pty.send("alice, bob");
    pty.send(ENTER);
    pty.confirm("Write the config?", "y", "yes");
    pty.expect("created");
    pty.finish_with(0);

    let d = doc(&env);
    let s = &d["settings"];
    assert_eq!(text(s, "region"), Some("eu-central-1"), "{}", env.config());
    assert_eq!(text(s, "keyring"), Some("keyutils"));
    assert_eq!(
        list(s, "admins"),
        Some(vec!["alice".to_string(), "bob".to_string()])
    );
}

#[test]
fn init_dialog_rejects_a_bad_region_and_asks_again() {
    let env = TestEnv::new();
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("Default AWS region [us-east-1]: ");
    pty.send("Europe");
    pty.send(ENTER);
    pty.expect("error: ");
    pty.expect("Default AWS region [us-east-1]: ");
    pty.send(ENTER);
    pty.expect("Default AWS region: us-east-1");
    pty.choose("Where to keep the accounts' keys", 0, "secret-service");
    pty.expect("Administrators");
    pty.expect(": ");
    pty.send("carol");
    pty.send(ENTER);
    pty.confirm("Write the config?", "n", "no");
    let ended = pty.finish();
    assert!(
        ended.is_cancelled(),
        "declining the config ended with {ended:?}"
    );
    assert!(
        !env.config_path().exists(),
        "declining wrote the config anyway"
    );
}

// ---------------------------------------------------------------------------------------------
// No terminal, or --no-input: no dialog
// ---------------------------------------------------------------------------------------------

#[test]
fn without_a_terminal_connector_add_names_the_missing_flags_and_does_not_wait() {
    let env = TestEnv::with_config("[accounts.deployer]\n");
    let before = env.config_bytes();
    let start = Instant::now();
    let out = env
        .fedaws(&["connector", "add", "x"])
        .timeout(Duration::from_secs(20))
        .output()
        .expect("run fedaws");
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(20),
        "`connector add x` without a terminal waited {took:?}"
    );
    assert!(!out.status.success(), "it succeeded without the flags");
    assert_eq!(out.status.code(), Some(2), "not a usage error");
    let err = stderr(&out);
    assert!(err.contains("--account"), "--account not named:\n{err}");
    assert!(err.contains("--principal"), "--principal not named:\n{err}");
    assert!(!err.contains("a NAME"), "NAME was given:\n{err}");
    assert_eq!(env.config_bytes(), before);
}

#[test]
fn with_no_input_on_a_terminal_nothing_prompts() {
    let env = TestEnv::with_config("[accounts.deployer]\n");
    let before = env.config_bytes();
    let start = Instant::now();
    let mut pty = Pty::spawn(
        &env,
        &[
            "--no-input",
            "--keyring",
            "keyutils",
            "connector",
            "add",
            "x",
        ],
    );
    let ended = pty.finish();
    let took = start.elapsed();
    let out = pty.transcript();
    assert_eq!(ended, crate::pty::Ended::Code(2), "output:\n{out}");
    assert!(took < Duration::from_secs(20), "it took {took:?}");
    assert!(out.contains("--account"), "--account not named:\n{out}");
    assert!(out.contains("--principal"), "--principal not named:\n{out}");
    for prompt in [ACCOUNT, NAME, PRINCIPAL] {
        assert!(
            !out.contains(prompt),
            "--no-input showed {prompt:?}:\n{out}"
        );
    }
    assert_eq!(env.config_bytes(), before);

    // The same for the other dialogs.
    for args in [
        &[
            "--no-input",
            "--keyring",
            "keyutils",
            "connector",
            "edit",
            "x",
        ][..],
        &[
            "--no-input",
            "--keyring",
            "keyutils",
            "account",
            "add",
            "nokeys",
        ][..],
    ] {
        let mut pty = Pty::spawn(&env, args);
        let ended = pty.finish();
        let out = pty.transcript();
        assert!(
            matches!(ended, crate::pty::Ended::Code(c) if c != 0),
            "{args:?} ended with {ended:?}:\n{out}"
        );
        for prompt in [ACCOUNT, KIND, KEY_ID] {
            assert!(!out.contains(prompt), "{args:?} showed {prompt:?}:\n{out}");
        }
        assert_eq!(env.config_bytes(), before);
    }
}
