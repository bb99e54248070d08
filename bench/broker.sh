#!/usr/bin/env bash
# Broker-mode benchmarks (see bench/broker.py): builds the release binary and the load
# generator, then measures. Usage: bench/broker.sh [RUNS]   (default 200 runs per timed command)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v moto_server >/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check 'moto[server]'
fi
cargo build --quiet --release --bin fedaws --example broker_load
exec python3 bench/broker.py "$PWD/target/release/fedaws" "$PWD/target/release/examples/broker_load" "${1:-200}"
