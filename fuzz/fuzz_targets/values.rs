//! Every value parser: the first byte picks one, the rest is the value. A duration that parses
//! prints as one that parses to the same number of seconds.
#![no_main]

use fedaws::validate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(s) = std::str::from_utf8(rest) else {
        return;
    };
    match pick % 14 {
        0 => {
            if let Ok(secs) = validate::parse_duration("d", s) {
                let printed = validate::format_duration(secs);
                assert_eq!(
                    validate::parse_duration("d", &printed).ok(),
                    Some(secs),
                    "{s:?} -> {secs} -> {printed:?}"
                );
            }
        }
        1 => drop(validate::check_region("region", s)),
        2 => drop(validate::check_name("name", s)),
        3 => drop(validate::check_group_ref("groups", s)),
        4 => drop(validate::check_token_code("mfa", s)),
        5 => drop(validate::check_role_arn("role_arn", s)),
        6 => drop(validate::check_external_id("external_id", s)),
        7 => drop(validate::check_serial_number("mfa_serial", s)),
        8 => drop(validate::check_policy("policy", s)),
        9 => {
            let arns: Vec<String> = s.lines().map(str::to_string).collect();
            drop(validate::check_policy_arns("policy_arns", &arns));
        }
        10 => drop(validate::principal_arg(s)),
        11 => drop(validate::kind_arg(s)),
        12 => drop(validate::duration_arg(s)),
        _ => drop(validate::keyring_arg(s)),
    }
});
