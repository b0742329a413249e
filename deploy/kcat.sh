#!/usr/bin/env bash
# kcat, the ordinary Kafka command-line client, able to log in to the project's broker.
#
# usage: deploy/kcat.sh [kcat arguments...]     e.g. deploy/kcat.sh -F .local/secrets/kcat/operations.conf -L
#
# The broker takes SASL_SSL with SCRAM-SHA-512 only (docs/security.md). librdkafka before 2.6.1
# repeats the client nonce in its SCRAM final message, which Kafka 4 rightly refuses ("invalid
# credentials"); Debian 12's kcat links librdkafka 2.0.2. So: kcat comes from Debian's packages
# (installed if missing), and when its librdkafka is older than 2.6.1 it runs with the
# librdkafka of confluent-kafka's wheel (pinned with its hashes in deploy/kcat-librdkafka.txt,
# fetched once into ~/.cache/orderflow) put first on LD_LIBRARY_PATH; the ABI (soname 1) is the
# same.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
CACHE="${ORDERFLOW_CACHE:-$HOME/.cache/orderflow}/librdkafka-$(sha256sum "$SCRIPT_DIR/kcat-librdkafka.txt" | cut -c1-12)"

log() { printf 'kcat.sh: %s\n' "$*" >&2; }

if ! command -v kcat >/dev/null 2>&1; then
  [[ "$(id -u)" == 0 ]] && SUDO="" || SUDO="sudo"
  log "installing kcat from Debian's packages"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq kcat; } >&2
fi

# "librdkafka 2.0.2 builtin.features=..." from `kcat -V`
linked="$(kcat -V 2>/dev/null | sed -n 's/.*librdkafka \([0-9][0-9.]*\).*/\1/p' | head -n1)"
if [[ -n "$linked" ]] && printf '2.6.1\n%s\n' "$linked" | sort -V -C; then
  exec kcat "$@"
fi

if [[ ! -s "$CACHE/librdkafka.so.1" ]]; then
  log "kcat links librdkafka ${linked:-?}, older than 2.6.1: fetching a newer one into $CACHE (once)"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --python-version 3.11 --implementation cp --platform "manylinux_2_28_$(uname -m)" \
    --require-hashes -r "$SCRIPT_DIR/kcat-librdkafka.txt" -d "$work" >&2
  python3 - "$work" <<'PY'
import pathlib, sys, zipfile
work = pathlib.Path(sys.argv[1])
wheel = next(work.glob("*.whl"))
with zipfile.ZipFile(wheel) as archive:
    [name] = [n for n in archive.namelist() if "/librdkafka-" in n and n.endswith(".so.1")]
    (work / "librdkafka.so.1").write_bytes(archive.read(name))
PY
  mkdir -p "$CACHE"
  mv "$work/librdkafka.so.1" "$CACHE/librdkafka.so.1"
fi
LD_LIBRARY_PATH="$CACHE${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec kcat "$@"
