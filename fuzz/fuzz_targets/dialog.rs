//! The replies a peer sends to the dialogs the broker runs for it (`connector add` and `edit`,
//! a new account), given to those dialogs as the broker gives them, against the README's
//! example config: nothing panics or loops, a dialog either finishes, stops at a question (which
//! travels to the client and back unchanged), or refuses; what it finishes with names a
//! connector that is a valid name.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use fedaws::broker::dialog::{Ask, Replay, Reply};
use fedaws::cli::ConnectorFields;
use fedaws::cmd::dialog;
use fedaws::config::Config;
use libfuzzer_sys::fuzz_target;

static CONFIG: LazyLock<Config> = LazyLock::new(|| {
    let text = include_str!("../../examples/config.toml");
    Config::parse(Path::new("/nonexistent/fedaws-fuzz/config.toml"), text)
        .expect("the example loads")
});

/// The question a dialog stopped at travels to the client and back unchanged.
fn round_trip(ask: Option<Ask>) {
    if let Some(ask) = ask {
        let wire = serde_json::to_string(&ask).expect("a question serializes");
        let back: Ask = serde_json::from_str(&wire).expect("a question deserializes");
        assert_eq!(back, ask);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(replies) = serde_json::from_slice::<Vec<Reply>>(data) else {
        return;
    };
    let config = &*CONFIG;
    let replay = Replay::new(replies.clone());
    let fields = ConnectorFields::default();
    if let Ok(answers) = dialog::connector(&replay, config, None, None, &fields, false) {
        assert!(fedaws::validate::check_name("name", &answers.name).is_ok());
    }
    round_trip(replay.waiting());
    let current = config
        .connectors
        .values()
        .next()
        .expect("the example has connectors");
    let name = config.connectors.keys().next().expect("a name").clone();
    let replay = Replay::new(replies.clone());
    let _ = dialog::connector(&replay, config, Some(&name), Some(current), &fields, true);
    round_trip(replay.waiting());
    let replay = Replay::new(replies);
    if let Ok(account) = dialog::new_account_dialog(&replay, config) {
        assert!(fedaws::validate::check_name("name", &account.name).is_ok());
        assert!(!config.accounts.contains_key(&account.name));
    }
    round_trip(replay.waiting());
});
