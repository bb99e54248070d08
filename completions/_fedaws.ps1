
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'fedaws' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'fedaws'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'fedaws' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the config file with sensible settings')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Manage accounts: long-term IAM user keys kept in the secret store')
            [CompletionResult]::new('connector', 'connector', [CompletionResultType]::ParameterValue, 'Manage connectors: how temporary credentials are derived from an account')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Manage groups of users that connectors are granted to')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Example session policies and local policy checks')
            [CompletionResult]::new('creds', 'creds', [CompletionResultType]::ParameterValue, 'Print temporary credentials for a connector')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with temporary credentials in its environment')
            [CompletionResult]::new('aws-profile', 'aws-profile', [CompletionResultType]::ParameterValue, 'Manage credential_process profiles in ~/.aws/config')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'List or clear cached temporary credentials')
            [CompletionResult]::new('console', 'console', [CompletionResultType]::ParameterValue, 'Print (or open) an AWS Management Console sign-in URL')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve credentials to SDKs on a local container-credentials endpoint')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Who you are, your groups, and which connectors you may use and why')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the audit log')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the config and the secret store')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Run the broker that answers a shared host''s users over a Unix socket')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;init' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Default AWS region')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Secret store backend to record in the settings')
            [CompletionResult]::new('--admin', '--admin', [CompletionResultType]::ParameterName, 'An administrator (repeatable) [default: the current user]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;account' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an account and store its key pair')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change an account''s settings or replace its key pair')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an account and its key pair')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace the account''s access key through IAM: make a new one, wait until it works, store it, deactivate and delete the old one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;account;add' {
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'iam-user (recommended) or root')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'ARN of the account''s MFA device')
            [CompletionResult]::new('--mfa-process', '--mfa-process', [CompletionResultType]::ParameterName, 'A command that prints a current MFA code')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Free text')
            [CompletionResult]::new('--from-aws-profile', '--from-aws-profile', [CompletionResultType]::ParameterName, 'Import a profile''s keys from ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--secret-stdin', '--secret-stdin', [CompletionResultType]::ParameterName, 'Read the access key id and the secret from stdin, one per line')
            [CompletionResult]::new('--from-env', '--from-env', [CompletionResultType]::ParameterName, 'Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;account;edit' {
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'iam-user or root')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'ARN of the account''s MFA device')
            [CompletionResult]::new('--mfa-process', '--mfa-process', [CompletionResultType]::ParameterName, 'A command that prints a current MFA code')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Free text')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove a setting (mfa-serial, mfa-process, description); repeatable')
            [CompletionResult]::new('--from-aws-profile', '--from-aws-profile', [CompletionResultType]::ParameterName, 'Import a profile''s keys from ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--rotate', '--rotate', [CompletionResultType]::ParameterName, 'Replace the key pair (from a hidden prompt unless a source flag is given)')
            [CompletionResult]::new('--secret-stdin', '--secret-stdin', [CompletionResultType]::ParameterName, 'Read the access key id and the secret from stdin, one per line')
            [CompletionResult]::new('--from-env', '--from-env', [CompletionResultType]::ParameterName, 'Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;account;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove even when connectors still use it (they are left broken)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;account;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;account;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;account;rotate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--keep-old', '--keep-old', [CompletionResultType]::ParameterName, 'Stop after deactivating the old key (delete it yourself later)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'When the IAM user already has another key that fedaws does not keep, delete it')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;account;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an account and store its key pair')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change an account''s settings or replace its key pair')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an account and its key pair')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace the account''s access key through IAM: make a new one, wait until it works, store it, deactivate and delete the old one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;account;help;add' {
            break
        }
        'fedaws;account;help;edit' {
            break
        }
        'fedaws;account;help;remove' {
            break
        }
        'fedaws;account;help;list' {
            break
        }
        'fedaws;account;help;show' {
            break
        }
        'fedaws;account;help;rotate' {
            break
        }
        'fedaws;account;help;help' {
            break
        }
        'fedaws;connector' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a connector')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a connector')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a connector')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List connectors')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one connector')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;connector;add' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account whose keys sign the STS call')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'federated-user, iam-user or assume-role')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Role to assume (assume-role)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID the role expects (assume-role)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Inline session policy (JSON)')
            [CompletionResult]::new('--policy-file', '--policy-file', [CompletionResultType]::ParameterName, 'Session policy file (stored as given; relative paths are relative to the config file)')
            [CompletionResult]::new('--policy-arn', '--policy-arn', [CompletionResultType]::ParameterName, 'Managed session policy ARN (repeatable)')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Longest lifetime callers may ask for (900, 15m, 1h30m, 36h)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Group allowed to use the connector (repeatable)')
            [CompletionResult]::new('--system-scope', '--system-scope', [CompletionResultType]::ParameterName, 'Allow `--system` callers without a user session')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region for the STS call')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Free text')
            [CompletionResult]::new('--session-tag', '--session-tag', [CompletionResultType]::ParameterName, 'Session tag KEY=VALUE (repeatable)')
            [CompletionResult]::new('--source-identity', '--source-identity', [CompletionResultType]::ParameterName, 'Send the caller''s name as AssumeRole''s SourceIdentity (the role''s trust policy must allow sts:SetSourceIdentity)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;connector;edit' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Account whose keys sign the STS call')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'federated-user, iam-user or assume-role')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Role to assume (assume-role)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID the role expects (assume-role)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Inline session policy (JSON)')
            [CompletionResult]::new('--policy-file', '--policy-file', [CompletionResultType]::ParameterName, 'Session policy file (stored as given; relative paths are relative to the config file)')
            [CompletionResult]::new('--policy-arn', '--policy-arn', [CompletionResultType]::ParameterName, 'Managed session policy ARN (repeatable)')
            [CompletionResult]::new('--max-duration', '--max-duration', [CompletionResultType]::ParameterName, 'Longest lifetime callers may ask for (900, 15m, 1h30m, 36h)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Group allowed to use the connector (repeatable)')
            [CompletionResult]::new('--system-scope', '--system-scope', [CompletionResultType]::ParameterName, 'Allow `--system` callers without a user session')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region for the STS call')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Free text')
            [CompletionResult]::new('--session-tag', '--session-tag', [CompletionResultType]::ParameterName, 'Session tag KEY=VALUE (repeatable)')
            [CompletionResult]::new('--source-identity', '--source-identity', [CompletionResultType]::ParameterName, 'Send the caller''s name as AssumeRole''s SourceIdentity (the role''s trust policy must allow sts:SetSourceIdentity)')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove a field (e.g. policy, external-id, max-duration, groups); repeatable')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;connector;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;connector;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;connector;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;connector;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a connector')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a connector')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a connector')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List connectors')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one connector')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;connector;help;add' {
            break
        }
        'fedaws;connector;help;edit' {
            break
        }
        'fedaws;connector;help;remove' {
            break
        }
        'fedaws;connector;help;list' {
            break
        }
        'fedaws;connector;help;show' {
            break
        }
        'fedaws;connector;help;help' {
            break
        }
        'fedaws;group' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a group')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a group')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List groups and their members')
            [CompletionResult]::new('add-member', 'add-member', [CompletionResultType]::ParameterValue, 'Add users to a group')
            [CompletionResult]::new('remove-member', 'remove-member', [CompletionResultType]::ParameterValue, 'Remove users from a group')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;group;add' {
            [CompletionResult]::new('--member', '--member', [CompletionResultType]::ParameterName, 'A member (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;group;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove even when connectors still use it (they are left broken)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;group;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;group;add-member' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;group;remove-member' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;group;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a group')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a group')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List groups and their members')
            [CompletionResult]::new('add-member', 'add-member', [CompletionResultType]::ParameterValue, 'Add users to a group')
            [CompletionResult]::new('remove-member', 'remove-member', [CompletionResultType]::ParameterValue, 'Remove users from a group')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;group;help;add' {
            break
        }
        'fedaws;group;help;remove' {
            break
        }
        'fedaws;group;help;list' {
            break
        }
        'fedaws;group;help;add-member' {
            break
        }
        'fedaws;group;help;remove-member' {
            break
        }
        'fedaws;group;help;help' {
            break
        }
        'fedaws;policy' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('examples', 'examples', [CompletionResultType]::ParameterValue, 'List the example session policies, or print one')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a session policy file (or - for stdin) against the AWS rules')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;policy;examples' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'List as JSON')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;policy;check' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;policy;help' {
            [CompletionResult]::new('examples', 'examples', [CompletionResultType]::ParameterValue, 'List the example session policies, or print one')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a session policy file (or - for stdin) against the AWS rules')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;policy;help;examples' {
            break
        }
        'fedaws;policy;help;check' {
            break
        }
        'fedaws;policy;help;help' {
            break
        }
        'fedaws;creds' {
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Lifetime (900, 15m, 1h30m, 36h) [default: the AWS default, capped by max_duration]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region for the STS call and the credentials')
            [CompletionResult]::new('--mfa-code', '--mfa-code', [CompletionResultType]::ParameterName, 'Current 6-digit code of the account''s MFA device')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, env otherwise]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, env otherwise]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the credential cache')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Issue new credentials even when cached ones are still good, and cache them')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Act as a system caller (cron, CI, a server) without a user session: only connectors with system scope, under settings.system_identity')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fedaws;exec' {
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Lifetime (900, 15m, 1h30m, 36h) [default: the AWS default, capped by max_duration]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region for the STS call and the credentials')
            [CompletionResult]::new('--mfa-code', '--mfa-code', [CompletionResultType]::ParameterName, 'Current 6-digit code of the account''s MFA device')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the credential cache')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Issue new credentials even when cached ones are still good, and cache them')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Act as a system caller (cron, CI, a server) without a user session: only connectors with system scope, under settings.system_identity')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Run even inside another `fedaws exec` (FEDAWS_CONNECTOR set)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Give the command a local credential server instead of the keys themselves, so that it can refresh them (AWS_CONTAINER_CREDENTIALS_FULL_URI)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;aws-profile' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Write a credential_process profile for a connector into ~/.aws/config')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile that fedaws wrote')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;aws-profile;add' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile name [default: the connector''s name]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, '`region` of the profile [default: the connector''s, else settings.region]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing profile of that name')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;aws-profile;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove it even if fedaws did not write it')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;aws-profile;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Write a credential_process profile for a connector into ~/.aws/config')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile that fedaws wrote')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;aws-profile;help;add' {
            break
        }
        'fedaws;aws-profile;help;remove' {
            break
        }
        'fedaws;aws-profile;help;help' {
            break
        }
        'fedaws;cache' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cached credentials (no secrets)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove cached credentials, of one connector or all')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;cache;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Entries issued from every config file, not only this one')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;cache;clear' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Entries issued from every config file, not only this one')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;cache;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cached credentials (no secrets)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove cached credentials, of one connector or all')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;cache;help;list' {
            break
        }
        'fedaws;cache;help;clear' {
            break
        }
        'fedaws;cache;help;help' {
            break
        }
        'fedaws;console' {
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'Where to land after signing in')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Land on a service''s console page (s3, ec2, cloudformation…)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Console session length: assume-role''s SessionDuration (15m to 12h); for federated-user, the credentials'' lifetime')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'The Issuer shown by AWS (where to go when the session ends)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region for the credentials and the console')
            [CompletionResult]::new('--mfa-code', '--mfa-code', [CompletionResultType]::ParameterName, 'Current 6-digit code of the account''s MFA device')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Open the URL in the default browser instead of printing it')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;serve' {
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Lifetime (900, 15m, 1h30m, 36h) [default: the AWS default, capped by max_duration]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region for the STS call and the credentials')
            [CompletionResult]::new('--mfa-code', '--mfa-code', [CompletionResultType]::ParameterName, 'Current 6-digit code of the account''s MFA device')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port on 127.0.0.1 [default: a free one]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the credential cache')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Issue new credentials even when cached ones are still good, and cache them')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Act as a system caller (cron, CI, a server) without a user session: only connectors with system scope, under settings.system_identity')
            [CompletionResult]::new('--imds', '--imds', [CompletionResultType]::ParameterName, 'Also answer as the EC2 metadata service (IMDSv2) with the connector''s credentials, for SDKs pointed at it by AWS_EC2_METADATA_SERVICE_ENDPOINT (one connector per server)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;whoami' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'Show what a `--system` caller may use')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of tables')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;audit' {
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Only the last N events')
            [CompletionResult]::new('--connector', '--connector', [CompletionResultType]::ParameterName, 'Only this connector''s events')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events since a time (RFC 3339) or for a duration back (e.g. 1h, 90m)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the events as JSON lines')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;check' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the findings as JSON')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'fedaws;broker' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Serve the config''s connectors to the host''s users, in the foreground')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;broker;run' {
            [CompletionResult]::new('--socket', '--socket', [CompletionResultType]::ParameterName, 'Where to listen [default: settings.broker_socket, else /run/fedaws/broker.sock]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/fedaws/config.toml, else /etc/fedaws/config.toml; on Windows under %APPDATA% and %ProgramData%]')
            [CompletionResult]::new('--keyring', '--keyring', [CompletionResultType]::ParameterName, 'Secret store backend, overriding `settings.keyring`')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Work through the broker listening on this socket')
            [CompletionResult]::new('--allow-root', '--allow-root', [CompletionResultType]::ParameterName, 'Run even as root (a broker belongs to a service user of its own)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail with a message naming the missing flag instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fedaws;broker;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Serve the config''s connectors to the host''s users, in the foreground')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;broker;help;run' {
            break
        }
        'fedaws;broker;help;help' {
            break
        }
        'fedaws;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create the config file with sensible settings')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Manage accounts: long-term IAM user keys kept in the secret store')
            [CompletionResult]::new('connector', 'connector', [CompletionResultType]::ParameterValue, 'Manage connectors: how temporary credentials are derived from an account')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Manage groups of users that connectors are granted to')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Example session policies and local policy checks')
            [CompletionResult]::new('creds', 'creds', [CompletionResultType]::ParameterValue, 'Print temporary credentials for a connector')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with temporary credentials in its environment')
            [CompletionResult]::new('aws-profile', 'aws-profile', [CompletionResultType]::ParameterValue, 'Manage credential_process profiles in ~/.aws/config')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'List or clear cached temporary credentials')
            [CompletionResult]::new('console', 'console', [CompletionResultType]::ParameterValue, 'Print (or open) an AWS Management Console sign-in URL')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve credentials to SDKs on a local container-credentials endpoint')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Who you are, your groups, and which connectors you may use and why')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the audit log')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the config and the secret store')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Run the broker that answers a shared host''s users over a Unix socket')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fedaws;help;init' {
            break
        }
        'fedaws;help;account' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add an account and store its key pair')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change an account''s settings or replace its key pair')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an account and its key pair')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Replace the account''s access key through IAM: make a new one, wait until it works, store it, deactivate and delete the old one')
            break
        }
        'fedaws;help;account;add' {
            break
        }
        'fedaws;help;account;edit' {
            break
        }
        'fedaws;help;account;remove' {
            break
        }
        'fedaws;help;account;list' {
            break
        }
        'fedaws;help;account;show' {
            break
        }
        'fedaws;help;account;rotate' {
            break
        }
        'fedaws;help;connector' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a connector')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a connector')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a connector')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List connectors')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one connector')
            break
        }
        'fedaws;help;connector;add' {
            break
        }
        'fedaws;help;connector;edit' {
            break
        }
        'fedaws;help;connector;remove' {
            break
        }
        'fedaws;help;connector;list' {
            break
        }
        'fedaws;help;connector;show' {
            break
        }
        'fedaws;help;group' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a group')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a group')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List groups and their members')
            [CompletionResult]::new('add-member', 'add-member', [CompletionResultType]::ParameterValue, 'Add users to a group')
            [CompletionResult]::new('remove-member', 'remove-member', [CompletionResultType]::ParameterValue, 'Remove users from a group')
            break
        }
        'fedaws;help;group;add' {
            break
        }
        'fedaws;help;group;remove' {
            break
        }
        'fedaws;help;group;list' {
            break
        }
        'fedaws;help;group;add-member' {
            break
        }
        'fedaws;help;group;remove-member' {
            break
        }
        'fedaws;help;policy' {
            [CompletionResult]::new('examples', 'examples', [CompletionResultType]::ParameterValue, 'List the example session policies, or print one')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a session policy file (or - for stdin) against the AWS rules')
            break
        }
        'fedaws;help;policy;examples' {
            break
        }
        'fedaws;help;policy;check' {
            break
        }
        'fedaws;help;creds' {
            break
        }
        'fedaws;help;exec' {
            break
        }
        'fedaws;help;aws-profile' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Write a credential_process profile for a connector into ~/.aws/config')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile that fedaws wrote')
            break
        }
        'fedaws;help;aws-profile;add' {
            break
        }
        'fedaws;help;aws-profile;remove' {
            break
        }
        'fedaws;help;cache' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List cached credentials (no secrets)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove cached credentials, of one connector or all')
            break
        }
        'fedaws;help;cache;list' {
            break
        }
        'fedaws;help;cache;clear' {
            break
        }
        'fedaws;help;console' {
            break
        }
        'fedaws;help;serve' {
            break
        }
        'fedaws;help;whoami' {
            break
        }
        'fedaws;help;audit' {
            break
        }
        'fedaws;help;check' {
            break
        }
        'fedaws;help;completions' {
            break
        }
        'fedaws;help;broker' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Serve the config''s connectors to the host''s users, in the foreground')
            break
        }
        'fedaws;help;broker;run' {
            break
        }
        'fedaws;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
