#!/usr/bin/env bash
# Build kubeconform (the Kubernetes manifest validator) from the Go module proxy, once, into
# $ORDERFLOW_STATE/bin (default .local/bin); print its path (the only line on stdout).
#
# usage: deploy/kubeconform.sh
set -euo pipefail

VERSION=v0.8.0
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
STATE_ROOT="${ORDERFLOW_STATE:-$SCRIPT_DIR/../.local}"
BIN="$STATE_ROOT/bin"
TOOL="$BIN/kubeconform-$VERSION"

if [[ ! -x "$TOOL" ]]; then
  command -v go >/dev/null || { echo "kubeconform.sh: ERROR: Go is needed to build kubeconform" >&2; exit 1; }
  mkdir -p "$BIN"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "kubeconform.sh: building kubeconform $VERSION (first run only)" >&2
  GOBIN="$work" GOFLAGS=-mod=mod go install "github.com/yannh/kubeconform/cmd/kubeconform@$VERSION" >&2
  mv "$work/kubeconform" "$TOOL"
fi
cd "$BIN" && printf '%s/%s\n' "$(pwd -P)" "$(basename "$TOOL")"
