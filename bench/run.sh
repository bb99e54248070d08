#!/usr/bin/env bash
# Benchmarks of fedaws on this machine: builds a release binary, starts a local STS emulator
# (moto) and a throwaway gnome-keyring on a private D-Bus session, and prints a table of median
# wall times and peak RSS. Usage: bench/run.sh [RUNS]   (default 30 runs per measure)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${FEDAWS_IN_PRIVATE_BUS:-}" ]; then
  if [ ! -x /usr/bin/time ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends time >/dev/null
  fi
  if ! command -v moto_server >/dev/null || ! command -v aws >/dev/null \
      || ! python3 -c 'import boto3' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check 'moto[server]' awscli boto3
  fi
  cargo build --quiet --release --bin fedaws
  exec scripts/with-secret-store "$0" "$@"
fi
exec python3 bench/harness.py "$PWD/target/release/fedaws" "${1:-30}"
