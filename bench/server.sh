#!/usr/bin/env bash
# Credential-server benchmarks (see bench/server.py): builds the release binary and the load
# generator, then measures the server of one connector, the shared server and the EC2 metadata
# service. Usage: bench/server.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v moto_server >/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check 'moto[server]'
fi
cargo build --quiet --release --bin fedaws --example broker_load
exec python3 bench/server.py "$PWD/target/release/fedaws" "$PWD/target/release/examples/broker_load"
