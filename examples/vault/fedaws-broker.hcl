# The policy of a fedaws broker (or any host that only issues credentials): read the accounts'
# key pairs, and read and list their metadata (`fedaws account list|show`). Nothing else: it
# cannot change a key, and it sees nothing outside the accounts path.
# Written for the defaults, mount `secret` and prefix `fedaws`; change both paths to match
# settings.vault.mount and settings.vault.prefix.
path "secret/data/fedaws/accounts/*" {
  capabilities = ["read"]
}

path "secret/metadata/fedaws/accounts/*" {
  capabilities = ["read", "list"]
}
