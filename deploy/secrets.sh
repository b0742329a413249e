#!/usr/bin/env bash
# Generate, once, the secrets a deployment needs, each in its own file under
# $ORDERFLOW_STATE/secrets (default .local/secrets, never committed), readable by the owner only:
#
#   db-admin, db-<service>          PostgreSQL passwords: the administrator, each service's role
#   kafka-<principal>               Kafka SCRAM-SHA-512 passwords: admin (the operator), the five
#                                   services, the outside systems (submitter, bank) and the
#                                   read-only operations principal (docs/security.md)
#   kafka-ca.pem, kafka-ca.key      the project's own certificate authority for the broker's TLS
#   kafka-broker.p12                the broker's key and certificate (PKCS#12), signed by that CA,
#   kafka-broker.p12.password       for 127.0.0.1, localhost and the container and cluster names
#   kcat/<principal>.conf           kcat/librdkafka settings to connect as that principal
#
# Existing files are kept, so running it again changes nothing. The directory is the owner's
# only (0700); the passwords and the CA certificate in it are readable by anyone who can get in
# (0644), because containers read them as their own unprivileged users through compose's secret
# files (bind mounts that keep the host's mode); the keys stay 0600.
#
# usage: deploy/secrets.sh [--print-dir]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
STATE_ROOT="${ORDERFLOW_STATE:-$SCRIPT_DIR/../.local}"
DIR="$STATE_ROOT/secrets"
KAFKA_PRINCIPALS="admin sales review production logistics finance submitter bank operations"

umask 077
mkdir -p "$DIR" "$DIR/kcat"
DIR="$(cd "$DIR" && pwd -P)"
# 32 random bytes as URL-safe text: no quote, slash or space to escape anywhere
random_secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
wrote() { printf 'secrets.sh: wrote %s\n' "$1" >&2; }

for name in db-admin db-sales db-review db-production db-logistics db-finance; do
  [[ -s "$DIR/$name" ]] || { random_secret >"$DIR/$name"; wrote "$DIR/$name"; }
done
for principal in $KAFKA_PRINCIPALS; do
  file="$DIR/kafka-$principal"
  [[ -s "$file" ]] || { random_secret >"$file"; wrote "$file"; }
done

if [[ ! -s "$DIR/kafka-ca.pem" || ! -s "$DIR/kafka-ca.key" ]]; then
  openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 3650 -subj "/CN=Orderflow Kafka CA" \
    -keyout "$DIR/kafka-ca.key" -out "$DIR/kafka-ca.pem" 2>/dev/null
  rm -f "$DIR/kafka-broker.p12"
  wrote "$DIR/kafka-ca.pem"
fi
if [[ ! -s "$DIR/kafka-broker.p12" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  cat >"$work/ext.cnf" <<CNF
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kafka,DNS:kafka.orderflow,DNS:kafka.orderflow.svc,DNS:kafka.orderflow.svc.cluster.local,DNS:kafka-0.kafka.orderflow.svc.cluster.local
extendedKeyUsage=serverAuth,clientAuth
CNF
  openssl req -newkey rsa:3072 -nodes -sha256 -subj "/CN=kafka" \
    -keyout "$work/broker.key" -out "$work/broker.csr" 2>/dev/null
  openssl x509 -req -in "$work/broker.csr" -CA "$DIR/kafka-ca.pem" -CAkey "$DIR/kafka-ca.key" \
    -CAcreateserial -days 825 -sha256 -extfile "$work/ext.cnf" -out "$work/broker.pem" 2>/dev/null
  [[ -s "$DIR/kafka-broker.p12.password" ]] || random_secret >"$DIR/kafka-broker.p12.password"
  openssl pkcs12 -export -name kafka -inkey "$work/broker.key" -in "$work/broker.pem" \
    -certfile "$DIR/kafka-ca.pem" -passout "file:$DIR/kafka-broker.p12.password" \
    -out "$DIR/kafka-broker.p12"
  rm -f "$DIR/kafka-ca.srl"
  wrote "$DIR/kafka-broker.p12"
fi
for principal in $KAFKA_PRINCIPALS; do
  conf="$DIR/kcat/$principal.conf"
  if [[ ! -s "$conf" ]]; then
    cat >"$conf" <<CONF
security.protocol=SASL_SSL
sasl.mechanisms=SCRAM-SHA-512
sasl.username=$principal
sasl.password=$(cat "$DIR/kafka-$principal")
ssl.ca.location=$DIR/kafka-ca.pem
CONF
    wrote "$conf"
  fi
done
chmod 700 "$DIR"
chmod 644 "$DIR"/db-* "$DIR"/kafka-admin "$DIR"/kafka-ca.pem
for principal in $KAFKA_PRINCIPALS; do chmod 644 "$DIR/kafka-$principal"; done
[[ "${1:-}" == "--print-dir" ]] && echo "$DIR"
exit 0
