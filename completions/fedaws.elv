
use builtin;
use str;

set edit:completion:arg-completer[fedaws] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'fedaws'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'fedaws'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create the config file with sensible settings'
            cand account 'Manage accounts: long-term IAM user keys kept in the secret store'
            cand connector 'Manage connectors: how temporary credentials are derived from an account'
            cand group 'Manage groups of users that connectors are granted to'
            cand policy 'Example session policies and local policy checks'
            cand creds 'Print temporary credentials for a connector'
            cand exec 'Run a command with temporary credentials in its environment'
            cand aws-profile 'Manage credential_process profiles in ~/.aws/config'
            cand cache 'List or clear cached temporary credentials'
            cand console 'Print (or open) an AWS Management Console sign-in URL'
            cand serve 'Serve credentials to SDKs on a local container-credentials endpoint'
            cand whoami 'Who you are, your groups, and which connectors you may use and why'
            cand audit 'Read the audit log'
            cand check 'Check the config and the secret store'
            cand completions 'Print a shell completion script'
            cand broker 'Run the broker that answers a shared host''s users over a Unix socket'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;init'= {
            cand --region 'Default AWS region'
            cand --store 'Secret store backend to record in the settings'
            cand --admin 'An administrator (repeatable) [default: the current user]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;account'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Add an account and store its key pair'
            cand edit 'Change an account''s settings or replace its key pair'
            cand remove 'Remove an account and its key pair'
            cand list 'List accounts'
            cand show 'Show one account'
            cand rotate 'Replace the account''s access key through IAM: make a new one, wait until it works, store it, deactivate and delete the old one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;account;add'= {
            cand --kind 'iam-user (recommended) or root'
            cand --mfa-serial 'ARN of the account''s MFA device'
            cand --mfa-process 'A command that prints a current MFA code'
            cand --description 'Free text'
            cand --from-aws-profile 'Import a profile''s keys from ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --secret-stdin 'Read the access key id and the secret from stdin, one per line'
            cand --from-env 'Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;account;edit'= {
            cand --kind 'iam-user or root'
            cand --mfa-serial 'ARN of the account''s MFA device'
            cand --mfa-process 'A command that prints a current MFA code'
            cand --description 'Free text'
            cand --unset 'Remove a setting (mfa-serial, mfa-process, description); repeatable'
            cand --from-aws-profile 'Import a profile''s keys from ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --rotate 'Replace the key pair (from a hidden prompt unless a source flag is given)'
            cand --secret-stdin 'Read the access key id and the secret from stdin, one per line'
            cand --from-env 'Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;account;remove'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --force 'Remove even when connectors still use it (they are left broken)'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;account;list'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --json 'Print JSON instead of a table'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;account;show'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --json 'Print JSON instead of a table'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;account;rotate'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --keep-old 'Stop after deactivating the old key (delete it yourself later)'
            cand --force 'When the IAM user already has another key that fedaws does not keep, delete it'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;account;help'= {
            cand add 'Add an account and store its key pair'
            cand edit 'Change an account''s settings or replace its key pair'
            cand remove 'Remove an account and its key pair'
            cand list 'List accounts'
            cand show 'Show one account'
            cand rotate 'Replace the account''s access key through IAM: make a new one, wait until it works, store it, deactivate and delete the old one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;account;help;add'= {
        }
        &'fedaws;account;help;edit'= {
        }
        &'fedaws;account;help;remove'= {
        }
        &'fedaws;account;help;list'= {
        }
        &'fedaws;account;help;show'= {
        }
        &'fedaws;account;help;rotate'= {
        }
        &'fedaws;account;help;help'= {
        }
        &'fedaws;connector'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Add a connector'
            cand edit 'Change a connector'
            cand remove 'Remove a connector'
            cand list 'List connectors'
            cand show 'Show one connector'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;connector;add'= {
            cand --account 'Account whose keys sign the STS call'
            cand --principal 'federated-user, iam-user or assume-role'
            cand --role-arn 'Role to assume (assume-role)'
            cand --external-id 'External ID the role expects (assume-role)'
            cand --policy 'Inline session policy (JSON)'
            cand --policy-file 'Session policy file (stored as given; relative paths are relative to the config file)'
            cand --policy-arn 'Managed session policy ARN (repeatable)'
            cand --max-duration 'Longest lifetime callers may ask for (900, 15m, 1h30m, 36h)'
            cand --group 'Group allowed to use the connector (repeatable)'
            cand --system-scope 'Allow `--system` callers without a user session'
            cand --region 'Region for the STS call'
            cand --description 'Free text'
            cand --session-tag 'Session tag KEY=VALUE (repeatable)'
            cand --source-identity 'Send the caller''s name as AssumeRole''s SourceIdentity (the role''s trust policy must allow sts:SetSourceIdentity)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;connector;edit'= {
            cand --account 'Account whose keys sign the STS call'
            cand --principal 'federated-user, iam-user or assume-role'
            cand --role-arn 'Role to assume (assume-role)'
            cand --external-id 'External ID the role expects (assume-role)'
            cand --policy 'Inline session policy (JSON)'
            cand --policy-file 'Session policy file (stored as given; relative paths are relative to the config file)'
            cand --policy-arn 'Managed session policy ARN (repeatable)'
            cand --max-duration 'Longest lifetime callers may ask for (900, 15m, 1h30m, 36h)'
            cand --group 'Group allowed to use the connector (repeatable)'
            cand --system-scope 'Allow `--system` callers without a user session'
            cand --region 'Region for the STS call'
            cand --description 'Free text'
            cand --session-tag 'Session tag KEY=VALUE (repeatable)'
            cand --source-identity 'Send the caller''s name as AssumeRole''s SourceIdentity (the role''s trust policy must allow sts:SetSourceIdentity)'
            cand --unset 'Remove a field (e.g. policy, external-id, max-duration, groups); repeatable'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;connector;remove'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;connector;list'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --json 'Print JSON instead of a table'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;connector;show'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --json 'Print JSON instead of a table'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;connector;help'= {
            cand add 'Add a connector'
            cand edit 'Change a connector'
            cand remove 'Remove a connector'
            cand list 'List connectors'
            cand show 'Show one connector'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;connector;help;add'= {
        }
        &'fedaws;connector;help;edit'= {
        }
        &'fedaws;connector;help;remove'= {
        }
        &'fedaws;connector;help;list'= {
        }
        &'fedaws;connector;help;show'= {
        }
        &'fedaws;connector;help;help'= {
        }
        &'fedaws;group'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Create a group'
            cand remove 'Remove a group'
            cand list 'List groups and their members'
            cand add-member 'Add users to a group'
            cand remove-member 'Remove users from a group'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;group;add'= {
            cand --member 'A member (repeatable)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;group;remove'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --force 'Remove even when connectors still use it (they are left broken)'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;group;list'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --json 'Print JSON instead of a table'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;group;add-member'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;group;remove-member'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;group;help'= {
            cand add 'Create a group'
            cand remove 'Remove a group'
            cand list 'List groups and their members'
            cand add-member 'Add users to a group'
            cand remove-member 'Remove users from a group'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;group;help;add'= {
        }
        &'fedaws;group;help;remove'= {
        }
        &'fedaws;group;help;list'= {
        }
        &'fedaws;group;help;add-member'= {
        }
        &'fedaws;group;help;remove-member'= {
        }
        &'fedaws;group;help;help'= {
        }
        &'fedaws;policy'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand examples 'List the example session policies, or print one'
            cand check 'Check a session policy file (or - for stdin) against the AWS rules'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;policy;examples'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --json 'List as JSON'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;policy;check'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;policy;help'= {
            cand examples 'List the example session policies, or print one'
            cand check 'Check a session policy file (or - for stdin) against the AWS rules'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;policy;help;examples'= {
        }
        &'fedaws;policy;help;check'= {
        }
        &'fedaws;policy;help;help'= {
        }
        &'fedaws;creds'= {
            cand --duration 'Lifetime (900, 15m, 1h30m, 36h) [default: the AWS default, capped by max_duration]'
            cand --region 'Region for the STS call and the credentials'
            cand --mfa-code 'Current 6-digit code of the account''s MFA device'
            cand -f 'Output format [default: table on a terminal, env otherwise]'
            cand --format 'Output format [default: table on a terminal, env otherwise]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-cache 'Neither read nor write the credential cache'
            cand --refresh 'Issue new credentials even when cached ones are still good, and cache them'
            cand --system 'Act as a system caller (cron, CI, a server) without a user session: only connectors with system scope, under settings.system_identity'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fedaws;exec'= {
            cand --duration 'Lifetime (900, 15m, 1h30m, 36h) [default: the AWS default, capped by max_duration]'
            cand --region 'Region for the STS call and the credentials'
            cand --mfa-code 'Current 6-digit code of the account''s MFA device'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-cache 'Neither read nor write the credential cache'
            cand --refresh 'Issue new credentials even when cached ones are still good, and cache them'
            cand --system 'Act as a system caller (cron, CI, a server) without a user session: only connectors with system scope, under settings.system_identity'
            cand --force 'Run even inside another `fedaws exec` (FEDAWS_CONNECTOR set)'
            cand --server 'Give the command a local credential server instead of the keys themselves, so that it can refresh them (AWS_CONTAINER_CREDENTIALS_FULL_URI)'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;aws-profile'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Write a credential_process profile for a connector into ~/.aws/config'
            cand remove 'Remove a profile that fedaws wrote'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;aws-profile;add'= {
            cand --profile 'Profile name [default: the connector''s name]'
            cand --region '`region` of the profile [default: the connector''s, else settings.region]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --force 'Replace an existing profile of that name'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;aws-profile;remove'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --force 'Remove it even if fedaws did not write it'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;aws-profile;help'= {
            cand add 'Write a credential_process profile for a connector into ~/.aws/config'
            cand remove 'Remove a profile that fedaws wrote'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;aws-profile;help;add'= {
        }
        &'fedaws;aws-profile;help;remove'= {
        }
        &'fedaws;aws-profile;help;help'= {
        }
        &'fedaws;cache'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List cached credentials (no secrets)'
            cand clear 'Remove cached credentials, of one connector or all'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;cache;list'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --all 'Entries issued from every config file, not only this one'
            cand --json 'Print JSON instead of a table'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;cache;clear'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --all 'Entries issued from every config file, not only this one'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;cache;help'= {
            cand list 'List cached credentials (no secrets)'
            cand clear 'Remove cached credentials, of one connector or all'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;cache;help;list'= {
        }
        &'fedaws;cache;help;clear'= {
        }
        &'fedaws;cache;help;help'= {
        }
        &'fedaws;console'= {
            cand --destination 'Where to land after signing in'
            cand --service 'Land on a service''s console page (s3, ec2, cloudformation…)'
            cand --duration 'Console session length: assume-role''s SessionDuration (15m to 12h); for federated-user, the credentials'' lifetime'
            cand --issuer 'The Issuer shown by AWS (where to go when the session ends)'
            cand --region 'Region for the credentials and the console'
            cand --mfa-code 'Current 6-digit code of the account''s MFA device'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --open 'Open the URL in the default browser instead of printing it'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;serve'= {
            cand --duration 'Lifetime (900, 15m, 1h30m, 36h) [default: the AWS default, capped by max_duration]'
            cand --region 'Region for the STS call and the credentials'
            cand --mfa-code 'Current 6-digit code of the account''s MFA device'
            cand --port 'Port on 127.0.0.1 [default: a free one]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-cache 'Neither read nor write the credential cache'
            cand --refresh 'Issue new credentials even when cached ones are still good, and cache them'
            cand --system 'Act as a system caller (cron, CI, a server) without a user session: only connectors with system scope, under settings.system_identity'
            cand --imds 'Also answer as the EC2 metadata service (IMDSv2) with the connector''s credentials, for SDKs pointed at it by AWS_EC2_METADATA_SERVICE_ENDPOINT (one connector per server)'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;whoami'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --system 'Show what a `--system` caller may use'
            cand --json 'Print JSON instead of tables'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;audit'= {
            cand --tail 'Only the last N events'
            cand --connector 'Only this connector''s events'
            cand --since 'Only events since a time (RFC 3339) or for a duration back (e.g. 1h, 90m)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --json 'Print the events as JSON lines'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;check'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --json 'Print the findings as JSON'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;completions'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'fedaws;broker'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand run 'Serve the config''s connectors to the host''s users, in the foreground'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;broker;run'= {
            cand --socket 'Where to listen [default: settings.broker_socket, else /run/fedaws/broker.sock]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]'
            cand --keyring 'Secret store backend, overriding `settings.keyring`'
            cand --broker 'Work through the broker listening on this socket'
            cand --allow-root 'Run even as root (a broker belongs to a service user of its own)'
            cand --no-input 'Never prompt; fail with a message naming the missing flag instead'
            cand -v 'Say more on stderr (repeat for more)'
            cand --verbose 'Say more on stderr (repeat for more)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fedaws;broker;help'= {
            cand run 'Serve the config''s connectors to the host''s users, in the foreground'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;broker;help;run'= {
        }
        &'fedaws;broker;help;help'= {
        }
        &'fedaws;help'= {
            cand init 'Create the config file with sensible settings'
            cand account 'Manage accounts: long-term IAM user keys kept in the secret store'
            cand connector 'Manage connectors: how temporary credentials are derived from an account'
            cand group 'Manage groups of users that connectors are granted to'
            cand policy 'Example session policies and local policy checks'
            cand creds 'Print temporary credentials for a connector'
            cand exec 'Run a command with temporary credentials in its environment'
            cand aws-profile 'Manage credential_process profiles in ~/.aws/config'
            cand cache 'List or clear cached temporary credentials'
            cand console 'Print (or open) an AWS Management Console sign-in URL'
            cand serve 'Serve credentials to SDKs on a local container-credentials endpoint'
            cand whoami 'Who you are, your groups, and which connectors you may use and why'
            cand audit 'Read the audit log'
            cand check 'Check the config and the secret store'
            cand completions 'Print a shell completion script'
            cand broker 'Run the broker that answers a shared host''s users over a Unix socket'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fedaws;help;init'= {
        }
        &'fedaws;help;account'= {
            cand add 'Add an account and store its key pair'
            cand edit 'Change an account''s settings or replace its key pair'
            cand remove 'Remove an account and its key pair'
            cand list 'List accounts'
            cand show 'Show one account'
            cand rotate 'Replace the account''s access key through IAM: make a new one, wait until it works, store it, deactivate and delete the old one'
        }
        &'fedaws;help;account;add'= {
        }
        &'fedaws;help;account;edit'= {
        }
        &'fedaws;help;account;remove'= {
        }
        &'fedaws;help;account;list'= {
        }
        &'fedaws;help;account;show'= {
        }
        &'fedaws;help;account;rotate'= {
        }
        &'fedaws;help;connector'= {
            cand add 'Add a connector'
            cand edit 'Change a connector'
            cand remove 'Remove a connector'
            cand list 'List connectors'
            cand show 'Show one connector'
        }
        &'fedaws;help;connector;add'= {
        }
        &'fedaws;help;connector;edit'= {
        }
        &'fedaws;help;connector;remove'= {
        }
        &'fedaws;help;connector;list'= {
        }
        &'fedaws;help;connector;show'= {
        }
        &'fedaws;help;group'= {
            cand add 'Create a group'
            cand remove 'Remove a group'
            cand list 'List groups and their members'
            cand add-member 'Add users to a group'
            cand remove-member 'Remove users from a group'
        }
        &'fedaws;help;group;add'= {
        }
        &'fedaws;help;group;remove'= {
        }
        &'fedaws;help;group;list'= {
        }
        &'fedaws;help;group;add-member'= {
        }
        &'fedaws;help;group;remove-member'= {
        }
        &'fedaws;help;policy'= {
            cand examples 'List the example session policies, or print one'
            cand check 'Check a session policy file (or - for stdin) against the AWS rules'
        }
        &'fedaws;help;policy;examples'= {
        }
        &'fedaws;help;policy;check'= {
        }
        &'fedaws;help;creds'= {
        }
        &'fedaws;help;exec'= {
        }
        &'fedaws;help;aws-profile'= {
            cand add 'Write a credential_process profile for a connector into ~/.aws/config'
            cand remove 'Remove a profile that fedaws wrote'
        }
        &'fedaws;help;aws-profile;add'= {
        }
        &'fedaws;help;aws-profile;remove'= {
        }
        &'fedaws;help;cache'= {
            cand list 'List cached credentials (no secrets)'
            cand clear 'Remove cached credentials, of one connector or all'
        }
        &'fedaws;help;cache;list'= {
        }
        &'fedaws;help;cache;clear'= {
        }
        &'fedaws;help;console'= {
        }
        &'fedaws;help;serve'= {
        }
        &'fedaws;help;whoami'= {
        }
        &'fedaws;help;audit'= {
        }
        &'fedaws;help;check'= {
        }
        &'fedaws;help;completions'= {
        }
        &'fedaws;help;broker'= {
            cand run 'Serve the config''s connectors to the host''s users, in the foreground'
        }
        &'fedaws;help;broker;run'= {
        }
        &'fedaws;help;help'= {
        }
    ]
    $completions[$command]
}
