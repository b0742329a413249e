#!/usr/bin/env bash
# Build the services' image with podman on a machine without Docker and without a reachable
# image registry (issue #10, point 8; docs/security.md):
#
#   1. a Debian 12 base from Debian's packages (debootstrap --variant=minbase), imported with
#      `podman import` as localhost/orderflow-debian:bookworm; it trusts the CAs this machine
#      adds in /usr/local/share/ca-certificates (a proxy's, say), so builds reach PyPI;
#   2. stand-ins for the official images the project's files name, built on it:
#      localhost/debian:bookworm-slim (the base itself), localhost/python:3.11-slim
#      (deploy/podman/python.Containerfile) and localhost/postgres:16
#      (deploy/podman/postgres.Containerfile);
#   3. the project's images from the same files Docker builds, unchanged:
#      localhost/orderflow:latest (deploy/Dockerfile) and localhost/orderflow-kafka:latest
#      (deploy/kafka/Containerfile).
#
# podman runs with runc (crun refuses this host's cgroup layout) and without default ulimits
# (setting rlimits is not permitted here): a containers.conf of our own, in $STATE/podman, passed
# as CONTAINERS_CONF, so the machine's configuration is left alone.
#
# usage: deploy/podman/images.sh [build|smoke|env]
#   build  (default) install podman, runc and debootstrap if missing (root), then the 3 images
#   smoke  run the sales service from the image against the local broker (deploy/kafka.sh) as
#          its own principal, and wait until it is ready
#   env    print the CONTAINERS_CONF line to use podman by hand the same way
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
STATE="${ORDERFLOW_STATE:-$REPO/.local}/podman"
ROOTFS="$STATE/rootfs-bookworm"
export CONTAINERS_CONF="$STATE/containers.conf"

log() { printf 'images.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

install_tools() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v iptables >/dev/null || missing+=(iptables)  # netavark's bridge networking needs it
  (( ${#missing[@]} == 0 )) && return 0
  [[ "$(id -u)" == 0 ]] || die "missing ${missing[*]}; installing needs root (apt-get install ${missing[*]})"
  log "installing ${missing[*]} from Debian's packages"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" netavark aardvark-dns; } >&2
}

write_conf() {
  mkdir -p "$STATE"
  cat >"$CONTAINERS_CONF" <<CONF
# Written by deploy/podman/images.sh.
[containers]
default_ulimits = []

[engine]
runtime = "runc"
CONF
}

base_image() {
  if podman image exists localhost/orderflow-debian:bookworm; then return 0; fi
  if [[ ! -f "$ROOTFS/.complete" ]]; then
    log "debootstrap: Debian 12 (minbase) into $ROOTFS"
    rm -rf "$ROOTFS"
    debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian >&2
    touch "$ROOTFS/.complete"
  fi
  mkdir -p "$ROOTFS/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/" 2>/dev/null || true
  log "podman import: localhost/orderflow-debian:bookworm"
  tar -C "$ROOTFS" --exclude=./.complete -c . | podman import - localhost/orderflow-debian:bookworm >&2
}

build() {
  install_tools
  write_conf
  base_image
  podman tag localhost/orderflow-debian:bookworm localhost/debian:bookworm-slim
  log "building localhost/python:3.11-slim"
  podman build --pull=never -t localhost/python:3.11-slim -f "$SCRIPT_DIR/python.Containerfile" "$SCRIPT_DIR" >&2
  log "building localhost/postgres:16"
  podman build --pull=never -t localhost/postgres:16 -f "$SCRIPT_DIR/postgres.Containerfile" "$SCRIPT_DIR" >&2
  log "building localhost/orderflow:latest from deploy/Dockerfile"
  podman build --pull=never -t localhost/orderflow:latest -f "$REPO/deploy/Dockerfile" "$REPO" >&2
  log "building localhost/orderflow-kafka:latest from deploy/kafka/Containerfile"
  podman build --pull=never -t localhost/orderflow-kafka:latest -f "$REPO/deploy/kafka/Containerfile" "$REPO" >&2
  podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'orderflow|python|postgres|debian' >&2
}

smoke() {
  write_conf
  podman image exists localhost/orderflow:latest || die "no image yet: run '$0 build' first"
  local bootstrap secrets namespace port name
  bootstrap="$(bash "$REPO/deploy/kafka.sh" start)"
  secrets="$(bash "$REPO/deploy/secrets.sh" --print-dir)"
  namespace="smoke$(date +%s)."
  port=8091
  name="orderflow-smoke-sales"
  ORDERFLOW_KAFKA_USERNAME=admin ORDERFLOW_KAFKA_PASSWORD_FILE="$secrets/kafka-admin" \
    ORDERFLOW_KAFKA_CA_FILE="$secrets/kafka-ca.pem" \
    "$REPO/.venv/bin/orderflow" --bootstrap "$bootstrap" --namespace "$namespace" bus setup >&2
  podman rm -f "$name" >/dev/null 2>&1 || true
  # the container's user (uid 10001) reads the CA and its password from a copy it may read
  local mounted="$STATE/smoke-secrets"
  rm -rf "$mounted"; mkdir -p "$mounted"
  cp "$secrets/kafka-ca.pem" "$secrets/kafka-sales" "$mounted/"
  chmod 755 "$mounted"; chmod 644 "$mounted"/*
  podman run -d --name "$name" --network host -v "$mounted:/run/secrets:ro" \
    -e ORDERFLOW_SALES_KAFKA_BOOTSTRAP_SERVERS="$bootstrap" \
    -e ORDERFLOW_SALES_KAFKA_PASSWORD_FILE=/run/secrets/kafka-sales \
    -e ORDERFLOW_SALES_KAFKA_CA_FILE=/run/secrets/kafka-ca.pem \
    -e ORDERFLOW_SALES_TOPIC_NAMESPACE="$namespace" \
    -e ORDERFLOW_SALES_HTTP_PORT="$port" \
    localhost/orderflow:latest services.sales >/dev/null
  local answer=""
  for _ in $(seq 1 60); do
    answer="$(curl -fsS "http://127.0.0.1:$port/health/ready" 2>/dev/null || true)"
    [[ "$answer" == *'"ready"'* ]] && break
    sleep 1
  done
  podman logs "$name" 2>&1 | grep -F "orderflow service ready" >&2 || true
  podman rm -f "$name" >/dev/null
  rm -rf "$mounted"
  ORDERFLOW_KAFKA_USERNAME=admin ORDERFLOW_KAFKA_PASSWORD_FILE="$secrets/kafka-admin" \
    ORDERFLOW_KAFKA_CA_FILE="$secrets/kafka-ca.pem" \
    "$REPO/.venv/bin/orderflow" --bootstrap "$bootstrap" --namespace "$namespace" bus teardown >&2
  [[ "$answer" == *'"ready"'* ]] || die "the sales container did not become ready (last answer: ${answer:-none})"
  log "the sales container was ready on $bootstrap as principal sales: $answer"
}

case "${1:-build}" in
  build) build ;;
  smoke) smoke ;;
  env)   echo "export CONTAINERS_CONF=$CONTAINERS_CONF" ;;
  *)     echo "usage: $0 [build|smoke|env]" >&2; exit 2 ;;
esac
