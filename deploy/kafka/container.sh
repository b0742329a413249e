#!/usr/bin/env bash
# The entrypoint of deploy/kafka/Containerfile: write the broker's configuration, format the
# storage once with the SCRAM users, then run the broker in the foreground.
#
# Listeners: INTERNAL (kafka:9092, for the containers) and HOST (advertised as
# $KAFKA_HOST_ADVERTISED, default 127.0.0.1:9094, for tools on the host), both SASL_SSL with
# SCRAM-SHA-512; the KRaft controller on 127.0.0.1:9093 inside the container only. Secrets, as
# deploy/secrets.sh makes them, in /run/secrets: kafka-<principal> (every principal's password),
# kafka-broker.p12 and kafka-broker.p12.password (the broker's key and certificate).
set -euo pipefail

SECRETS=/run/secrets
DATA=/var/lib/kafka/data
CONF=/var/lib/kafka/server.properties
# shellcheck source=deploy/kafka/security.sh
source /opt/kafka/security.sh
ADVERTISED_HOST="${KAFKA_HOST_ADVERTISED:-127.0.0.1:9094}"

for principal in $KAFKA_PRINCIPALS; do
  [[ -s "$SECRETS/kafka-$principal" ]] || { echo "container.sh: $SECRETS/kafka-$principal is missing" >&2; exit 1; }
done
mkdir -p "$DATA"
umask 077
cat >"$CONF" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:9093
listeners=INTERNAL://0.0.0.0:9092,HOST://0.0.0.0:9094,CONTROLLER://127.0.0.1:9093
advertised.listeners=INTERNAL://kafka:9092,HOST://$ADVERTISED_HOST
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:SASL_SSL,HOST:SASL_SSL
$(security_properties "$SECRETS" internal host)
log.dirs=$DATA
num.partitions=3
auto.create.topics.enable=false
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS

cat >/var/lib/kafka/log4j2.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders><Console name="Console" target="SYSTEM_OUT"><PatternLayout pattern="[%d] %p %m (%c)%n"/></Console></Appenders>
  <Loggers>
    <Root level="WARN"><AppenderRef ref="Console"/></Root>
    <Logger name="kafka.server.KafkaRaftServer" level="INFO"/>
  </Loggers>
</Configuration>
XML

CLASSPATH="/opt/kafka/libs/*"
JAVA=(java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
      -Dlog4j2.configurationFile=/var/lib/kafka/log4j2.xml -cp "$CLASSPATH")
if [[ ! -f "$DATA/meta.properties" ]]; then
  mapfile -t scram < <(scram_users "$SECRETS")
  cluster_id="$("${JAVA[@]}" kafka.tools.StorageTool random-uuid | tail -n1)"
  "${JAVA[@]}" kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$CONF" "${scram[@]}"
fi
exec "${JAVA[@]}" kafka.Kafka "$CONF"
