#!/usr/bin/env bash
# Generate the secrets a deployment from docker-compose.yml needs, once: a random password for
# PostgreSQL's administrator and one for each service's own role, each in its own file under
# $ORDERFLOW_STATE/secrets (default .local/secrets, never committed), readable by the owner only.
# Existing files are kept, so running it again changes nothing.
#
# usage: deploy/secrets.sh [--print-dir]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
STATE_ROOT="${ORDERFLOW_STATE:-$SCRIPT_DIR/../.local}"
DIR="$STATE_ROOT/secrets"

umask 077
mkdir -p "$DIR"
for name in db-admin db-sales db-review db-production db-logistics db-finance; do
  file="$DIR/$name"
  if [[ ! -s "$file" ]]; then
    # 32 random bytes as URL-safe text: no quote, slash or space to escape anywhere
    python3 -c 'import secrets; print(secrets.token_urlsafe(32))' >"$file"
    printf 'secrets.sh: wrote %s\n' "$file" >&2
  fi
done
[[ "${1:-}" == "--print-dir" ]] && cd "$DIR" && pwd -P
exit 0
