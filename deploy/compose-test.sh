#!/usr/bin/env bash
# make compose-test: docker-compose.yml run for real with podman on this machine (issue #10,
# point 8). Builds the images from Debian's packages (deploy/podman/images.sh), brings up
# Kafka, PostgreSQL, the bus set-up and the five services with their secrets, submits the
# example order with kcat as the submitter, restarts one service's container mid-flow, pays the
# invoice with kcat as the bank, waits for order.closed, and tears everything down (volumes too).
#
# Uses ports 127.0.0.1:9094 and 8001-8005 (`make run` must not be running). With Docker, the
# same compose file runs with `docker compose up --build`.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
PROJECT="orderflowtest"
TIMEOUT="${COMPOSE_TEST_TIMEOUT:-300}"

log() { printf 'compose-test: %s\n' "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

bash deploy/podman/images.sh build
eval "$(bash deploy/podman/images.sh env)"
if ! command -v podman-compose >/dev/null 2>&1; then
  [[ "$(id -u)" == 0 ]] || die "podman-compose is missing; installing it needs root"
  log "installing podman-compose from Debian's packages"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman-compose; } >&2
fi
SECRETS="$(bash deploy/secrets.sh --print-dir)"
K="$SECRETS/kcat"
BOOTSTRAP=127.0.0.1:9094

compose() { podman-compose -p "$PROJECT" -f docker-compose.yml "$@"; }
cleanup() {
  local status=$?
  if (( status != 0 )); then
    for service in kafka bus-setup postgres sales review production logistics finance; do
      log "----- last lines of $service -----"
      podman logs --tail 15 "${PROJECT}_${service}_1" 2>&1 | sed 's/^/  /' >&2 || true
    done
  fi
  log "tearing down"
  compose down -v >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT

log "bringing up Kafka, PostgreSQL, the bus set-up and the five services"
AUTOMATIC_POLICIES=true AUTO_APPROVE_MAX_AMOUNT=50000 DEMO_MODE=false compose up -d >/dev/null 2>&1 \
  || die "podman-compose up failed"

deadline=$((SECONDS + TIMEOUT))
ready() { curl -fsS "http://127.0.0.1:$1/health/ready" 2>/dev/null | grep -q '"ready"'; }
for port in 8001 8002 8003 8004 8005; do
  until ready "$port"; do
    (( SECONDS < deadline )) || die "the service on port $port was not ready within ${TIMEOUT}s"
    sleep 2
  done
done
log "all five services ready after ${SECONDS}s"

consume() {  # consume TOPIC: every record's key and value, from the beginning, as operations
  timeout 20 deploy/kcat.sh -F "$K/operations.conf" -b "$BOOTSTRAP" -C -t "$1" -e -q \
    -f '%k %s\n' 2>/dev/null || true
}
wait_for() {  # wait_for TOPIC WORD: until a record of TOPIC holds WORD; prints that record
  local found=""
  until found="$(consume "$1" | grep -F -- "$2" | head -n1)" && [[ -n "$found" ]]; do
    (( SECONDS < deadline )) || die "nothing on $1 with $2 within ${TIMEOUT}s"
    sleep 2
  done
  echo "$found"
}

reference="PO-COMPOSE-$(date +%s)"
# one record: kcat -P sends each line of its input as a record of its own
sed "s/PO-2026-0042/$reference/" examples/order-submission.json | tr -d '\n' \
  | deploy/kcat.sh -F "$K/submitter.conf" -b "$BOOTSTRAP" -P -t order.submitted -k "$reference" -q \
  || die "the submitter could not publish"
log "submitted $reference as the submitter"

placed="$(wait_for order.placed "$reference")"
order="$(sed -n 's/^\(SO-[0-9A-Z-]*\) .*/\1/p' <<<"$placed")"
[[ -n "$order" ]] || die "no order number in $placed"
log "$reference placed as $order; restarting logistics mid-flow"
podman restart "${PROJECT}_logistics_1" >/dev/null

wait_for invoice.issued "$order" >/dev/null
log "$order invoiced; paying it as the bank"
sed "s/ORDER_NUMBER/$order/; s/BANK-0001/BANK-$order/" examples/payment-notification.json | tr -d '\n' \
  | deploy/kcat.sh -F "$K/bank.conf" -b "$BOOTSTRAP" -P -t payment.notified -k "BANK-$order" -q \
  || die "the bank could not publish"

wait_for order.closed "$order" >/dev/null
log "PASSED: $order reached order.closed in ${SECONDS}s, logistics restarted on the way"
