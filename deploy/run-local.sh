#!/usr/bin/env bash
# Runs the whole system on this machine: the local Kafka broker and the five services, each its
# own process with its own SQLite database under .local/data. Ctrl-C stops the services (the
# broker keeps running; `make stop` stops it).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO"
PY="$REPO/.venv/bin/python"
STATE="${ORDERFLOW_STATE:-$REPO/.local}"
LOGS="$STATE/logs"
mkdir -p "$LOGS" "$STATE/data"

# kcat, able to log in to the broker (installs Debian's kcat and, if needed, a newer librdkafka)
bash deploy/kcat.sh -V >/dev/null || echo "kcat could not be installed; the example below needs it" >&2

echo "Starting Kafka..." >&2
BOOTSTRAP="$(bash deploy/kafka.sh start)"
SECRETS="$(bash deploy/secrets.sh --print-dir)"
K="$SECRETS/kcat"
# every topic and every principal's ACLs, as the broker's super user (idempotent)
ORDERFLOW_KAFKA_USERNAME=admin ORDERFLOW_KAFKA_PASSWORD_FILE="$SECRETS/kafka-admin" \
  ORDERFLOW_KAFKA_CA_FILE="$SECRETS/kafka-ca.pem" "$REPO/.venv/bin/orderflow" --bootstrap "$BOOTSTRAP" bus setup >&2

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "Stopping the services..." >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop_all INT TERM EXIT

# The walk-through lets the automatic policy approve A-tier orders up to 50,000 (issue #3, point 6);
# ORDERFLOW_REVIEW_AUTO_APPROVE_MAX_AMOUNT=0 leaves every approval to people.
export ORDERFLOW_REVIEW_AUTO_APPROVE_MAX_AMOUNT="${ORDERFLOW_REVIEW_AUTO_APPROVE_MAX_AMOUNT-50000}"
# Production's automatic policy approves requisitions, orders them, starts, inspects and receives
# orders in the walk-through (docs/production.md); false leaves all of it to people.
export ORDERFLOW_PRODUCTION_AUTOMATIC_POLICY="${ORDERFLOW_PRODUCTION_AUTOMATIC_POLICY-true}"
# Logistics' and finance's automatic policies request, check, release, dispatch and record the
# delivery of every produced order the payment condition allows (docs/shipping-and-money.md);
# false leaves them to people.
export ORDERFLOW_LOGISTICS_AUTOMATIC_POLICY="${ORDERFLOW_LOGISTICS_AUTOMATIC_POLICY-true}"
export ORDERFLOW_FINANCE_AUTOMATIC_POLICY="${ORDERFLOW_FINANCE_AUTOMATIC_POLICY-true}"

for service in sales review production logistics finance; do
  upper="$(echo "$service" | tr '[:lower:]' '[:upper:]')"
  env "ORDERFLOW_${upper}_KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP" \
      "ORDERFLOW_${upper}_KAFKA_PASSWORD_FILE=$SECRETS/kafka-$service" \
      "ORDERFLOW_${upper}_KAFKA_CA_FILE=$SECRETS/kafka-ca.pem" \
      "ORDERFLOW_${upper}_DATA_DIR=$STATE/data" \
      "ORDERFLOW_${upper}_DEMO_MODE=${ORDERFLOW_DEMO_MODE-true}" \
      "$PY" -m "services.$service" >"$LOGS/$service.log" 2>&1 &
  pids+=("$!")
done

for service in sales review production logistics finance; do
  for _ in $(seq 1 600); do
    grep -q "orderflow service ready" "$LOGS/$service.log" 2>/dev/null && break
    sleep 0.1
  done
  grep -q "orderflow service ready" "$LOGS/$service.log" \
    || { echo "$service did not start; see $LOGS/$service.log" >&2; tail -20 "$LOGS/$service.log" >&2; exit 1; }
done

cat <<MSG

Orderflow is running: Kafka at $BOOTSTRAP, five services (logs in $LOGS, databases in $STATE/data),
HTTP APIs on 127.0.0.1:8001 (sales) to 8005 (finance), OpenAPI at http://127.0.0.1:8002/docs.

The broker takes TLS with a SCRAM user only; $K holds a kcat settings file per principal.
In another terminal, submit the example order as another system would:

  deploy/kcat.sh -F $K/submitter.conf -P -b $BOOTSTRAP -t order.submitted -k PO-2026-0042 examples/order-submission.json

and watch it travel through the topics, as the read-only operations principal (Ctrl-C to stop):

  deploy/kcat.sh -F $K/operations.conf -b $BOOTSTRAP -G operations-watch-\$\$ -X auto.offset.reset=earliest order.placed feasibility.assessed review.completed confirmation.issued order.released goods.produced goods.shipped invoice.issued payment.received order.closed -f '%t  %k  %s\n'

When invoice.issued shows up, pay it as the bank would (order number from the output above):

  sed "s/ORDER_NUMBER/SO-2026-000001/" examples/payment-notification.json | tr -d "\\n" | deploy/kcat.sh -F $K/bank.conf -P -b $BOOTSTRAP -t payment.notified -k BANK-0001

and order.closed follows. Bad input lands on message.deadlettered with its reason in the headers:

  deploy/kcat.sh -F $K/operations.conf -C -b $BOOTSTRAP -t message.deadlettered -e -f '%h\n%s\n'

The operators' tool, as operations (read-only):

  ORDERFLOW_KAFKA_PASSWORD_FILE=$SECRETS/kafka-operations ORDERFLOW_KAFKA_CA_FILE=$SECRETS/kafka-ca.pem .venv/bin/orderflow status

Press Ctrl-C here to stop the services.
MSG

wait -n "${pids[@]}" || true
echo "A service exited; see $LOGS" >&2
