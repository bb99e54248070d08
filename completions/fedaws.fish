# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_fedaws_global_optspecs
    string join \n config= keyring= broker= no-input v/verbose q/quiet h/help V/version
end

function __fish_fedaws_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_fedaws_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_fedaws_using_subcommand
    set -l cmd (__fish_fedaws_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c fedaws -n "__fish_fedaws_needs_command" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_needs_command" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_needs_command" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_needs_command" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_needs_command" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_needs_command" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_needs_command" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_needs_command" -s V -l version -d 'Print version'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "init" -d 'Create the config file with sensible settings'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "account" -d 'Manage accounts: long-term IAM user keys kept in the secret store'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "connector" -d 'Manage connectors: how temporary credentials are derived from an account'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "group" -d 'Manage groups of users that connectors are granted to'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "policy" -d 'Example session policies and local policy checks'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "creds" -d 'Print temporary credentials for a connector'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "exec" -d 'Run a command with temporary credentials in its environment'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "aws-profile" -d 'Manage credential_process profiles in ~/.aws/config'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "cache" -d 'List or clear cached temporary credentials'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "console" -d 'Print (or open) an AWS Management Console sign-in URL'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "serve" -d 'Serve credentials to SDKs on a local container-credentials endpoint'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "whoami" -d 'Who you are, your groups, and which connectors you may use and why'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "audit" -d 'Read the audit log'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "check" -d 'Check the config and the secret store'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "broker" -d 'Run the broker that answers a shared host\'s users over a Unix socket'
complete -c fedaws -n "__fish_fedaws_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand init" -l region -d 'Default AWS region' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand init" -l store -d 'Secret store backend to record in the settings' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand init" -l admin -d 'An administrator (repeatable) [default: the current user]' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand init" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand init" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand init" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand init" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand init" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand init" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand init" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -f -a "add" -d 'Add an account and store its key pair'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -f -a "edit" -d 'Change an account\'s settings or replace its key pair'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -f -a "remove" -d 'Remove an account and its key pair'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -f -a "list" -d 'List accounts'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -f -a "show" -d 'Show one account'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -f -a "rotate" -d 'Replace the account\'s access key through IAM: make a new one, wait until it works, store it, deactivate and delete the old one'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and not __fish_seen_subcommand_from add edit remove list show rotate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l kind -d 'iam-user (recommended) or root' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l mfa-serial -d 'ARN of the account\'s MFA device' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l mfa-process -d 'A command that prints a current MFA code' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l description -d 'Free text' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l from-aws-profile -d 'Import a profile\'s keys from ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l secret-stdin -d 'Read the access key id and the secret from stdin, one per line'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l from-env -d 'Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l kind -d 'iam-user or root' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l mfa-serial -d 'ARN of the account\'s MFA device' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l mfa-process -d 'A command that prints a current MFA code' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l description -d 'Free text' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l unset -d 'Remove a setting (mfa-serial, mfa-process, description); repeatable' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l from-aws-profile -d 'Import a profile\'s keys from ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l rotate -d 'Replace the key pair (from a hidden prompt unless a source flag is given)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l secret-stdin -d 'Read the access key id and the secret from stdin, one per line'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l from-env -d 'Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from remove" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from remove" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from remove" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from remove" -l force -d 'Remove even when connectors still use it (they are left broken)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from remove" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from list" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from list" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from show" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from show" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from show" -l json -d 'Print JSON instead of a table'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from rotate" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from rotate" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from rotate" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from rotate" -l keep-old -d 'Stop after deactivating the old key (delete it yourself later)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from rotate" -l force -d 'When the IAM user already has another key that fedaws does not keep, delete it'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from rotate" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add an account and store its key pair'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change an account\'s settings or replace its key pair'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove an account and its key pair'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "list" -d 'List accounts'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one account'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Replace the account\'s access key through IAM: make a new one, wait until it works, store it, deactivate and delete the old one'
complete -c fedaws -n "__fish_fedaws_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -f -a "add" -d 'Add a connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -f -a "edit" -d 'Change a connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -f -a "remove" -d 'Remove a connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -f -a "list" -d 'List connectors'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -f -a "show" -d 'Show one connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and not __fish_seen_subcommand_from add edit remove list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l account -d 'Account whose keys sign the STS call' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l principal -d 'federated-user, iam-user or assume-role' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l role-arn -d 'Role to assume (assume-role)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l external-id -d 'External ID the role expects (assume-role)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l policy -d 'Inline session policy (JSON)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l policy-file -d 'Session policy file (stored as given; relative paths are relative to the config file)' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l policy-arn -d 'Managed session policy ARN (repeatable)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l max-duration -d 'Longest lifetime callers may ask for (900, 15m, 1h30m, 36h)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l group -d 'Group allowed to use the connector (repeatable)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l system-scope -d 'Allow `--system` callers without a user session' -r -f -a "true\t''
false\t''"
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l region -d 'Region for the STS call' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l description -d 'Free text' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l session-tag -d 'Session tag KEY=VALUE (repeatable)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l source-identity -d 'Send the caller\'s name as AssumeRole\'s SourceIdentity (the role\'s trust policy must allow sts:SetSourceIdentity)' -r -f -a "true\t''
false\t''"
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l account -d 'Account whose keys sign the STS call' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l principal -d 'federated-user, iam-user or assume-role' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l role-arn -d 'Role to assume (assume-role)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l external-id -d 'External ID the role expects (assume-role)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l policy -d 'Inline session policy (JSON)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l policy-file -d 'Session policy file (stored as given; relative paths are relative to the config file)' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l policy-arn -d 'Managed session policy ARN (repeatable)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l max-duration -d 'Longest lifetime callers may ask for (900, 15m, 1h30m, 36h)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l group -d 'Group allowed to use the connector (repeatable)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l system-scope -d 'Allow `--system` callers without a user session' -r -f -a "true\t''
false\t''"
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l region -d 'Region for the STS call' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l description -d 'Free text' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l session-tag -d 'Session tag KEY=VALUE (repeatable)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l source-identity -d 'Send the caller\'s name as AssumeRole\'s SourceIdentity (the role\'s trust policy must allow sts:SetSourceIdentity)' -r -f -a "true\t''
false\t''"
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l unset -d 'Remove a field (e.g. policy, external-id, max-duration, groups); repeatable' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from remove" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from remove" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from remove" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from remove" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from list" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from list" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from show" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from show" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from show" -l json -d 'Print JSON instead of a table'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change a connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from help" -f -a "list" -d 'List connectors'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand connector; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -f -a "add" -d 'Create a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -f -a "remove" -d 'Remove a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -f -a "list" -d 'List groups and their members'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -f -a "add-member" -d 'Add users to a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -f -a "remove-member" -d 'Remove users from a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and not __fish_seen_subcommand_from add remove list add-member remove-member help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add" -l member -d 'A member (repeatable)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove" -l force -d 'Remove even when connectors still use it (they are left broken)'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from list" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from list" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add-member" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add-member" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add-member" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add-member" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add-member" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add-member" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from add-member" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove-member" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove-member" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove-member" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from remove-member" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "add" -d 'Create a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "list" -d 'List groups and their members'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "add-member" -d 'Add users to a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "remove-member" -d 'Remove users from a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and not __fish_seen_subcommand_from examples check help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and not __fish_seen_subcommand_from examples check help" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and not __fish_seen_subcommand_from examples check help" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and not __fish_seen_subcommand_from examples check help" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and not __fish_seen_subcommand_from examples check help" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and not __fish_seen_subcommand_from examples check help" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and not __fish_seen_subcommand_from examples check help" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and not __fish_seen_subcommand_from examples check help" -f -a "examples" -d 'List the example session policies, or print one'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and not __fish_seen_subcommand_from examples check help" -f -a "check" -d 'Check a session policy file (or - for stdin) against the AWS rules'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and not __fish_seen_subcommand_from examples check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from examples" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from examples" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from examples" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from examples" -l json -d 'List as JSON'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from examples" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from examples" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from examples" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from examples" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from check" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from check" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from check" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from check" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "examples" -d 'List the example session policies, or print one'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check a session policy file (or - for stdin) against the AWS rules'
complete -c fedaws -n "__fish_fedaws_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -l duration -d 'Lifetime (900, 15m, 1h30m, 36h) [default: the AWS default, capped by max_duration]' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -l region -d 'Region for the STS call and the credentials' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -l mfa-code -d 'Current 6-digit code of the account\'s MFA device' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -s f -l format -d 'Output format [default: table on a terminal, env otherwise]' -r -f -a "json\t'The `credential_process` object (Version 1)'
env\t'POSIX shell `export` lines'
fish\t'fish `set -gx` lines'
powershell\t'PowerShell `$Env:` assignments'
dotenv\t'KEY=value lines for .env files and `docker --env-file`'
ini\t'A profile block for ~/.aws/credentials'
table\t'A table for people'"
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -l no-cache -d 'Neither read nor write the credential cache'
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -l refresh -d 'Issue new credentials even when cached ones are still good, and cache them'
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -l system -d 'Act as a system caller (cron, CI, a server) without a user session: only connectors with system scope, under settings.system_identity'
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand creds" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l duration -d 'Lifetime (900, 15m, 1h30m, 36h) [default: the AWS default, capped by max_duration]' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l region -d 'Region for the STS call and the credentials' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l mfa-code -d 'Current 6-digit code of the account\'s MFA device' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l no-cache -d 'Neither read nor write the credential cache'
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l refresh -d 'Issue new credentials even when cached ones are still good, and cache them'
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l system -d 'Act as a system caller (cron, CI, a server) without a user session: only connectors with system scope, under settings.system_identity'
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l force -d 'Run even inside another `fedaws exec` (FEDAWS_CONNECTOR set)'
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l server -d 'Give the command a local credential server instead of the keys themselves, so that it can refresh them (AWS_CONTAINER_CREDENTIALS_FULL_URI)'
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand exec" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and not __fish_seen_subcommand_from add remove help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and not __fish_seen_subcommand_from add remove help" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and not __fish_seen_subcommand_from add remove help" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and not __fish_seen_subcommand_from add remove help" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and not __fish_seen_subcommand_from add remove help" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and not __fish_seen_subcommand_from add remove help" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and not __fish_seen_subcommand_from add remove help" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and not __fish_seen_subcommand_from add remove help" -f -a "add" -d 'Write a credential_process profile for a connector into ~/.aws/config'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and not __fish_seen_subcommand_from add remove help" -f -a "remove" -d 'Remove a profile that fedaws wrote'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and not __fish_seen_subcommand_from add remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from add" -l profile -d 'Profile name [default: the connector\'s name]' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from add" -l region -d '`region` of the profile [default: the connector\'s, else settings.region]' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from add" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from add" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from add" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from add" -l force -d 'Replace an existing profile of that name'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from add" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from remove" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from remove" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from remove" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from remove" -l force -d 'Remove it even if fedaws did not write it'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from remove" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from help" -f -a "add" -d 'Write a credential_process profile for a connector into ~/.aws/config'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a profile that fedaws wrote'
complete -c fedaws -n "__fish_fedaws_using_subcommand aws-profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and not __fish_seen_subcommand_from list clear help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and not __fish_seen_subcommand_from list clear help" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and not __fish_seen_subcommand_from list clear help" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and not __fish_seen_subcommand_from list clear help" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and not __fish_seen_subcommand_from list clear help" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and not __fish_seen_subcommand_from list clear help" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and not __fish_seen_subcommand_from list clear help" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and not __fish_seen_subcommand_from list clear help" -f -a "list" -d 'List cached credentials (no secrets)'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and not __fish_seen_subcommand_from list clear help" -f -a "clear" -d 'Remove cached credentials, of one connector or all'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and not __fish_seen_subcommand_from list clear help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from list" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from list" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from list" -l all -d 'Entries issued from every config file, not only this one'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from clear" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from clear" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from clear" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from clear" -l all -d 'Entries issued from every config file, not only this one'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from clear" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from clear" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from clear" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "list" -d 'List cached credentials (no secrets)'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Remove cached credentials, of one connector or all'
complete -c fedaws -n "__fish_fedaws_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l destination -d 'Where to land after signing in' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l service -d 'Land on a service\'s console page (s3, ec2, cloudformation…)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l duration -d 'Console session length: assume-role\'s SessionDuration (15m to 12h); for federated-user, the credentials\' lifetime' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l issuer -d 'The Issuer shown by AWS (where to go when the session ends)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l region -d 'Region for the credentials and the console' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l mfa-code -d 'Current 6-digit code of the account\'s MFA device' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l open -d 'Open the URL in the default browser instead of printing it'
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand console" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l duration -d 'Lifetime (900, 15m, 1h30m, 36h) [default: the AWS default, capped by max_duration]' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l region -d 'Region for the STS call and the credentials' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l mfa-code -d 'Current 6-digit code of the account\'s MFA device' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l port -d 'Port on 127.0.0.1 [default: a free one]' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l no-cache -d 'Neither read nor write the credential cache'
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l refresh -d 'Issue new credentials even when cached ones are still good, and cache them'
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l system -d 'Act as a system caller (cron, CI, a server) without a user session: only connectors with system scope, under settings.system_identity'
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l imds -d 'Also answer as the EC2 metadata service (IMDSv2) with the connector\'s credentials, for SDKs pointed at it by AWS_EC2_METADATA_SERVICE_ENDPOINT (one connector per server)'
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand serve" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand whoami" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand whoami" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand whoami" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand whoami" -l system -d 'Show what a `--system` caller may use'
complete -c fedaws -n "__fish_fedaws_using_subcommand whoami" -l json -d 'Print JSON instead of tables'
complete -c fedaws -n "__fish_fedaws_using_subcommand whoami" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand whoami" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand whoami" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand whoami" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -l tail -d 'Only the last N events' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -l connector -d 'Only this connector\'s events' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -l since -d 'Only events since a time (RFC 3339) or for a duration back (e.g. 1h, 90m)' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -l json -d 'Print the events as JSON lines'
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand audit" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand check" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand check" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand check" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand check" -l json -d 'Print the findings as JSON'
complete -c fedaws -n "__fish_fedaws_using_subcommand check" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand check" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand check" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand check" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand completions" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand completions" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand completions" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand completions" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand completions" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand completions" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and not __fish_seen_subcommand_from run help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and not __fish_seen_subcommand_from run help" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and not __fish_seen_subcommand_from run help" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and not __fish_seen_subcommand_from run help" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and not __fish_seen_subcommand_from run help" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and not __fish_seen_subcommand_from run help" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and not __fish_seen_subcommand_from run help" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and not __fish_seen_subcommand_from run help" -f -a "run" -d 'Serve the config\'s connectors to the host\'s users, in the foreground'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and not __fish_seen_subcommand_from run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from run" -l socket -d 'Where to listen [default: settings.broker_socket, else /run/fedaws/broker.sock]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from run" -l config -d 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from run" -l keyring -d 'Secret store backend, overriding `settings.keyring`' -r
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from run" -l broker -d 'Work through the broker listening on this socket' -r -F
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from run" -l allow-root -d 'Run even as root (a broker belongs to a service user of its own)'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from run" -l no-input -d 'Never prompt; fail with a message naming the missing flag instead'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Say more on stderr (repeat for more)'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from help" -f -a "run" -d 'Serve the config\'s connectors to the host\'s users, in the foreground'
complete -c fedaws -n "__fish_fedaws_using_subcommand broker; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "init" -d 'Create the config file with sensible settings'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "account" -d 'Manage accounts: long-term IAM user keys kept in the secret store'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "connector" -d 'Manage connectors: how temporary credentials are derived from an account'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "group" -d 'Manage groups of users that connectors are granted to'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "policy" -d 'Example session policies and local policy checks'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "creds" -d 'Print temporary credentials for a connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "exec" -d 'Run a command with temporary credentials in its environment'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "aws-profile" -d 'Manage credential_process profiles in ~/.aws/config'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "cache" -d 'List or clear cached temporary credentials'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "console" -d 'Print (or open) an AWS Management Console sign-in URL'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "serve" -d 'Serve credentials to SDKs on a local container-credentials endpoint'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "whoami" -d 'Who you are, your groups, and which connectors you may use and why'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "audit" -d 'Read the audit log'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "check" -d 'Check the config and the secret store'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "completions" -d 'Print a shell completion script'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "broker" -d 'Run the broker that answers a shared host\'s users over a Unix socket'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and not __fish_seen_subcommand_from init account connector group policy creds exec aws-profile cache console serve whoami audit check completions broker help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "add" -d 'Add an account and store its key pair'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "edit" -d 'Change an account\'s settings or replace its key pair'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "remove" -d 'Remove an account and its key pair'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "list" -d 'List accounts'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "show" -d 'Show one account'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "rotate" -d 'Replace the account\'s access key through IAM: make a new one, wait until it works, store it, deactivate and delete the old one'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from connector" -f -a "add" -d 'Add a connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from connector" -f -a "edit" -d 'Change a connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from connector" -f -a "remove" -d 'Remove a connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from connector" -f -a "list" -d 'List connectors'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from connector" -f -a "show" -d 'Show one connector'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "add" -d 'Create a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "remove" -d 'Remove a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "list" -d 'List groups and their members'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "add-member" -d 'Add users to a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "remove-member" -d 'Remove users from a group'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "examples" -d 'List the example session policies, or print one'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "check" -d 'Check a session policy file (or - for stdin) against the AWS rules'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from aws-profile" -f -a "add" -d 'Write a credential_process profile for a connector into ~/.aws/config'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from aws-profile" -f -a "remove" -d 'Remove a profile that fedaws wrote'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "list" -d 'List cached credentials (no secrets)'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "clear" -d 'Remove cached credentials, of one connector or all'
complete -c fedaws -n "__fish_fedaws_using_subcommand help; and __fish_seen_subcommand_from broker" -f -a "run" -d 'Serve the config\'s connectors to the host\'s users, in the foreground'
