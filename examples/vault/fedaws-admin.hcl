# The policy of a fedaws administrator (`fedaws account add|edit --rotate|remove`): write new
# versions of the accounts' key pairs, and their metadata (the key id kept beside each), and
# remove accounts with every version. Written for mount `secret` and prefix `fedaws`.
path "secret/data/fedaws/accounts/*" {
  capabilities = ["create", "update", "read"]
}

path "secret/metadata/fedaws/accounts/*" {
  capabilities = ["create", "update", "read", "list", "delete"]
}
