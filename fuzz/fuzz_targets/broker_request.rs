//! A broker's request bodies as a peer sends them: `/v1/creds` and `/v1/run` JSON, then the
//! command line of a run parsed as the broker parses it and placed by its access policy, with
//! the audit line an administrator's change would get (no STS, no store).
#![no_main]

use clap::Parser;
use fedaws::broker::protocol::{CredsBody, RunBody};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(body) = serde_json::from_slice::<CredsBody>(data) {
        let _ = body.request();
    }
    let Ok(body) = serde_json::from_slice::<RunBody>(data) else {
        return;
    };
    let args = std::iter::once("fedaws".to_string()).chain(body.args.iter().cloned());
    let Ok(cli) = fedaws::cli::Cli::try_parse_from(args) else {
        return;
    };
    let _ = fedaws::broker::access::placement(&cli.command);
    let _ = fedaws::broker::access::not_for_peers(&cli.command);
    let _ = fedaws::broker::access::command_words(&cli.command);
    let _ = fedaws::broker::access::action(&cli.command);
    let change = fedaws::broker::record::Change::of(&cli.command);
    let _ = change.event(("alice", 1000, None), None);
});
