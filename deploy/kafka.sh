#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, combined broker+controller) for local
# development and tests, assembled from Maven Central jars -- no Docker needed.
#
# usage: deploy/kafka.sh start|stop [--purge]|reset|restart|status|bootstrap|logs
#
#   start      download (once) + configure + format (once) + start the broker,
#              wait until it really answers, then print the bootstrap address
#              (the ONLY line written to stdout; everything else goes to stderr).
#              Idempotent: if our broker is already up it just prints the address.
#   stop       SIGTERM the broker, wait, then SIGKILL; data is kept.
#   stop --purge / reset   stop and delete the whole state dir (data, logs, config).
#   restart    stop + start.
#   status     say whether the broker runs; exit 0 if it answers, 3 otherwise.
#   bootstrap  print the bootstrap address (127.0.0.1:$KAFKA_PORT).
#   logs       print the tail of the broker log.
#
# Environment:
#   KAFKA_PORT (9092)            SASL_SSL broker listener on 127.0.0.1 (SCRAM-SHA-512)
#   KAFKA_CONTROLLER_PORT (9093) KRaft controller listener on 127.0.0.1 (loopback only)
#   KAFKA_HEAP_OPTS ("-Xms256m -Xmx1g")
#   KAFKA_START_TIMEOUT (90)     seconds to wait for the broker to answer
#   ORDERFLOW_CACHE (~/.cache/orderflow)  jar cache: kafka-<version>/libs
#   ORDERFLOW_STATE (<repo>/.local)       runtime state: kafka/{config,data,logs,kafka.pid}
#
# Security (docs/security.md): clients connect only with TLS and a SCRAM-SHA-512 user, each
# principal's password and the broker's certificate come from deploy/secrets.sh (under
# $ORDERFLOW_STATE/secrets); the users are written into the storage when it is formatted, and
# the StandardAuthorizer denies what no ACL allows (`orderflow bus setup` writes the ACLs).
#
# The jars come from `mvn dependency:copy-dependencies` on deploy/kafka/pom.xml
# (Kafka version pinned there).  A marker file holding the POM's checksum is
# written after a complete copy, so later runs never invoke Maven again unless
# the POM changes.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
POM="$SCRIPT_DIR/kafka/pom.xml"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
HOST=127.0.0.1
BOOTSTRAP="$HOST:$KAFKA_PORT"

# Version pinned in the POM: <kafka.version>X.Y.Z</kafka.version>
KAFKA_VERSION="$(sed -n 's:.*<kafka\.version>\([^<]*\)</kafka\.version>.*:\1:p' "$POM" | head -n1)"
[[ -n "$KAFKA_VERSION" ]] || { echo "kafka.sh: cannot read <kafka.version> from $POM" >&2; exit 1; }

CACHE_ROOT="${ORDERFLOW_CACHE:-$HOME/.cache/orderflow}"
LIBS="$CACHE_ROOT/kafka-$KAFKA_VERSION/libs"
LIBS_MARKER="$LIBS/.orderflow-complete"

STATE_ROOT="${ORDERFLOW_STATE:-$REPO_ROOT/.local}"
STATE="$STATE_ROOT/kafka"
CONF_DIR="$STATE/config"
DATA_DIR="$STATE/data"
LOG_DIR="$STATE/logs"
PROPS="$CONF_DIR/server.properties"
LOG4J_CONF="$CONF_DIR/log4j2.xml"
PID_FILE="$STATE/kafka.pid"
OUT_FILE="$LOG_DIR/kafka.out"          # JVM stdout/stderr (console appender: WARN+)
SERVER_LOG="$LOG_DIR/server.log"       # full INFO log
SECRETS="$(bash "$SCRIPT_DIR/secrets.sh" --print-dir)"
# shellcheck source=deploy/kafka/security.sh
source "$SCRIPT_DIR/kafka/security.sh"
PRINCIPALS="$KAFKA_PRINCIPALS"

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- helpers ---

need_root_or_die() { [[ "$(id -u)" == 0 ]] || die "$1 is missing and installing it needs root (apt-get install $2)"; }

APT_UPDATED=""
apt_install() {
  need_root_or_die "$1" "${*:2}"
  log "installing ${*:2} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  [[ -n "$APT_UPDATED" ]] || { apt-get update -qq >&2; APT_UPDATED=1; }
  apt-get install -y -qq --no-install-recommends "${@:2}" >&2
}

java_major() {
  # prints the major version of `java` on PATH, or 0
  local v
  v="$(java -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1)" || true
  v="${v#1.}"
  v="${v%%[.+-]*}"
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

ensure_java() {
  if ! command -v java >/dev/null 2>&1 || (( $(java_major) < 17 )); then
    apt_install java openjdk-17-jre-headless
    # a Java 17 may now exist without being the default alternative
    if (( $(java_major) < 17 )) && [[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then
      export PATH="/usr/lib/jvm/java-17-openjdk-amd64/bin:$PATH"
    fi
  fi
  (( $(java_major) >= 17 )) || die "Kafka $KAFKA_VERSION needs Java 17+, found: $(java -version 2>&1 | head -n1)"
}

pom_sum() { sha256sum "$POM" | cut -d' ' -f1; }

libs_complete() { [[ -f "$LIBS_MARKER" && "$(cat "$LIBS_MARKER")" == "$(pom_sum)" ]]; }

ensure_libs() {
  libs_complete && return 0
  command -v mvn >/dev/null 2>&1 || apt_install mvn maven
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central into $LIBS (first run only)"
  mkdir -p "$(dirname "$LIBS")"
  local tmp
  tmp="$(mktemp -d "$(dirname "$LIBS")/libs.tmp.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  # (sed: Debian's mvn 3.8 prints ANSI reset codes even with -B -q)
  if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 \
      | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2; then
    die "mvn could not resolve the Kafka jars (see output above)"
  fi
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "kafka_2.13-$KAFKA_VERSION.jar missing after mvn copy"
  ls "$tmp"/log4j-slf4j-impl-*.jar >/dev/null 2>&1 || die "SLF4J binding missing after mvn copy"
  pom_sum >"$tmp/.orderflow-complete"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  trap - EXIT
  log "cached $(find "$LIBS" -name '*.jar' | wc -l) jars in $LIBS"
}

# true if something accepts TCP connections on 127.0.0.1:$1
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" >/dev/null 2>&1; }

# pid recorded in the pid file, if that process is alive and is OUR broker
our_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # guard against pid reuse: the command line must be kafka.Kafka with our config
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $PROPS" || return 1
  echo "$pid"
}

# A real Kafka protocol round trip over TLS: ApiVersions (key 18, v0 -- supported by every
# broker version) must come back with error_code 0.  The broker only starts
# processing requests on its listener once it has caught up with the metadata
# log and been unfenced, so this is a good "ready" signal.
api_versions_ok() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$HOST" "$KAFKA_PORT" "$SECRETS/kafka-ca.pem" <<'PY' 2>/dev/null
import socket, ssl, struct, sys
host, port = sys.argv[1], int(sys.argv[2])
cid = b"orderflow-probe"
req = struct.pack(">hhih", 18, 0, 4242, len(cid)) + cid
# ApiVersions is answered before SASL authentication, once TLS is up
s = ssl.create_default_context(cafile=sys.argv[3]).wrap_socket(
    socket.create_connection((host, port), timeout=2), server_hostname=host)
s.settimeout(3)
s.sendall(struct.pack(">i", len(req)) + req)
def recvn(n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            sys.exit(1)
        buf += chunk
    return buf
size = struct.unpack(">i", recvn(4))[0]
corr, err = struct.unpack(">ih", recvn(size)[:6])
sys.exit(0 if corr == 4242 and err == 0 else 1)
PY
  else
    port_open "$KAFKA_PORT"
  fi
}

show_log_tail() {
  local f
  for f in "$SERVER_LOG" "$OUT_FILE"; do
    [[ -s "$f" ]] || continue
    log "----- last lines of $f -----"
    tail -n "${1:-40}" "$f" >&2
  done
}

write_config() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR"
  (umask 077; : >"$PROPS".tmp)  # holds the keystore and admin passwords
  cat >"$PROPS".tmp <<EOF
# Generated by deploy/kafka.sh -- rewritten on every start; edit the script instead.
# Single-node KRaft cluster: this process is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$KAFKA_CONTROLLER_PORT
listeners=SASL_SSL://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_SSL://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL

# clients: TLS with the project's own CA, then SCRAM-SHA-512; least privilege (deploy/kafka/security.sh)
$(security_properties "$SECRETS" sasl_ssl)
auto.create.topics.enable=true

log.dirs=$DATA_DIR
num.partitions=3
default.replication.factor=1
min.insync.replicas=1

# internal topics: one replica is all a single node can have
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# consumers in tests should not wait 3 s for the first rebalance
group.initial.rebalance.delay.ms=0

num.network.threads=3
num.io.threads=8
log.retention.hours=168
log.segment.bytes=1073741824
EOF
  mv "$PROPS".tmp "$PROPS"

  cat >"$LOG4J_CONF".tmp <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by deploy/kafka.sh: INFO and above to server.log, WARN and above to the console. -->
<Configuration status="WARN" shutdownHook="disable">
  <Appenders>
    <Console name="Console" target="SYSTEM_OUT">
      <ThresholdFilter level="WARN" onMatch="ACCEPT" onMismatch="DENY"/>
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
    <RollingFile name="ServerLog" fileName="${sys:kafka.logs.dir}/server.log"
                 filePattern="${sys:kafka.logs.dir}/server.log.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <Policies><SizeBasedTriggeringPolicy size="50 MB"/></Policies>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO">
      <AppenderRef ref="ServerLog"/>
      <AppenderRef ref="Console"/>
    </Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="kafka.network.RequestChannel$" level="WARN"/>
    <Logger name="org.apache.kafka.clients.NetworkClient" level="WARN"/>
    <!-- one line per partition at every start otherwise: tests create many small topics -->
    <Logger name="kafka.log" level="WARN"/>
    <Logger name="org.apache.kafka.storage" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="kafka.cluster" level="WARN"/>
  </Loggers>
</Configuration>
EOF
  mv "$LOG4J_CONF".tmp "$LOG4J_CONF"
}

classpath() { echo "$LIBS/*"; }

# the fingerprint of the SCRAM users written into the storage: their names and passwords
users_fingerprint() {
  local principal
  for principal in $PRINCIPALS; do printf '%s:%s\n' "$principal" "$(cat "$SECRETS/kafka-$principal")"; done \
    | sha256sum | cut -d' ' -f1
}

format_storage_once() {
  local ports_file="$STATE/formatted-ports" users_file="$STATE/formatted-users"
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    if [[ ! -f "$users_file" || "$(cat "$users_file")" != "$(users_fingerprint)" ]]; then
      die "storage in $DATA_DIR was formatted without the SCRAM users of $SECRETS (or with other passwords); run '$0 reset' first"
    fi
    # the controller endpoint is baked into the KRaft voter set at format time
    if [[ -f "$ports_file" && "$(cat "$ports_file")" != "$KAFKA_CONTROLLER_PORT" ]]; then
      die "storage in $DATA_DIR was formatted for controller port $(cat "$ports_file"), now $KAFKA_CONTROLLER_PORT; run '$0 reset' first"
    fi
    return 0
  fi
  local cluster_id
  cluster_id="$(java -cp "$(classpath)" -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.logs.dir="$LOG_DIR" \
                kafka.tools.StorageTool random-uuid 2>>"$OUT_FILE" | tail -n1)"
  [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "could not generate a cluster id (got '$cluster_id')"
  log "formatting KRaft storage in $DATA_DIR (cluster id $cluster_id) with the SCRAM users: $PRINCIPALS"
  local scram=()
  mapfile -t scram < <(scram_users "$SECRETS")
  java -cp "$(classpath)" -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.logs.dir="$LOG_DIR" \
       kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$PROPS" "${scram[@]}" >&2 \
    || die "kafka-storage format failed"
  echo "$KAFKA_CONTROLLER_PORT" >"$ports_file"
  users_fingerprint >"$users_file"
}

lock_state() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 180 9 || die "another kafka.sh holds $STATE/.lock"
}

# ---------------------------------------------------------------- commands ---

wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail 60
      die "broker process $pid exited during startup"
    fi
    # The ApiVersions answer decides, not a log line (which can be rotated away on a busy start).
    if api_versions_ok; then
      return 0
    fi
    sleep 0.5
  done
  show_log_tail 60
  die "broker did not answer on $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s (pid $pid still running; '$0 stop' to kill it)"
}

cmd_start() {
  lock_state
  local pid
  if pid="$(our_pid)"; then
    if api_versions_ok; then
      log "already running (pid $pid)"
      echo "$BOOTSTRAP"
      return 0
    fi
    log "broker pid $pid is alive but not answering yet; waiting"
    wait_ready "$pid"
    echo "$BOOTSTRAP"
    return 0
  fi

  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "port $HOST:$p is already in use by another process (not our broker; pid file: $PID_FILE). Free it or set KAFKA_PORT/KAFKA_CONTROLLER_PORT."
    fi
  done

  ensure_java
  ensure_libs
  write_config
  format_storage_once

  rm -f "$PID_FILE"
  log "starting Kafka $KAFKA_VERSION on $BOOTSTRAP (controller $HOST:$KAFKA_CONTROLLER_PORT, state $STATE)"
  # - setsid: own session, so Ctrl-C in the caller's terminal does not kill it;
  # - the inner bash writes its own pid and then execs java (same pid);
  # - stdin/stdout/stderr and the lock fd 9 must NOT be inherited, otherwise
  #   `$(deploy/kafka.sh start)` would hang until the broker exits.
  # (SC2086: KAFKA_HEAP_OPTS is a list of flags; SC2016: $$/$0/$@ belong to the inner bash)
  # shellcheck disable=SC2086,SC2016
  nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java $KAFKA_HEAP_OPTS \
      -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
      -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$LOG4J_CONF" \
      -cp "$(classpath)" kafka.Kafka "$PROPS" \
    </dev/null >>"$OUT_FILE" 2>&1 9>&- &
  for _ in $(seq 1 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || die "could not record the broker pid"
  wait_ready "$pid"
  log "ready (pid $pid) after ${SECONDS}s"
  echo "$BOOTSTRAP"
}

cmd_stop() {
  local purge="${1:-}"
  lock_state
  local pid
  if pid="$(our_pid)"; then
    log "stopping broker pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do          # up to 30 s for a controlled shutdown
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "broker did not stop within 30s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    fi
    log "stopped"
  else
    log "not running"
  fi
  rm -f "$PID_FILE"
  if [[ "$purge" == --purge ]]; then
    log "deleting $STATE"
    exec 9>&-
    rm -rf "$STATE"
  fi
}

cmd_status() {
  local pid
  if pid="$(our_pid)"; then
    if api_versions_ok; then
      echo "running: pid $pid, bootstrap $BOOTSTRAP, Kafka $KAFKA_VERSION, state $STATE"
      return 0
    fi
    echo "starting or unhealthy: pid $pid alive but $BOOTSTRAP does not answer"
    return 3
  fi
  if port_open "$KAFKA_PORT"; then
    echo "stopped (but $HOST:$KAFKA_PORT is used by another process)"
  else
    echo "stopped"
  fi
  return 3
}

usage() {
  echo "usage: $0 start|stop [--purge]|reset|restart|status|bootstrap|logs" >&2
  exit 2
}

case "${1:-}" in
  start)     cmd_start ;;
  stop)      cmd_stop "${2:-}" ;;
  reset)     cmd_stop --purge ;;
  restart)   cmd_stop; cmd_start ;;
  status)    cmd_status ;;
  bootstrap) echo "$BOOTSTRAP" ;;
  logs)      show_log_tail "${2:-100}" ;;
  *)         usage ;;
esac
