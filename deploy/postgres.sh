#!/usr/bin/env bash
# Private PostgreSQL cluster for local development and tests, from Debian's
# packages -- no Docker needed.
#
# usage: deploy/postgres.sh start|stop [--purge]|reset|restart|status|url|psql [args]
#
#   start    install postgresql with apt-get if needed (root only), initdb once,
#            start the cluster, create the superuser role orderflow/orderflow,
#            then print the connection URL (the ONLY line written to stdout;
#            everything else goes to stderr).  Idempotent: if the cluster is
#            already running it just makes sure the role exists and prints the URL.
#   stop     stop the cluster (pg_ctl fast mode); data is kept.
#   stop --purge / reset   stop and delete the cluster directory.
#   status   exit 0 if the cluster answers, 3 otherwise.
#   url      print postgresql://orderflow:orderflow@127.0.0.1:$PG_PORT/postgres
#   psql     run psql against the cluster as orderflow (extra args passed on).
#
# Environment:
#   PG_PORT (55432)                      TCP port, 127.0.0.1 only
#   ORDERFLOW_STATE (<repo>/.local)      cluster lives in $ORDERFLOW_STATE/postgres
#                                        (or in /var/tmp, see cluster_root below)
#
# DEV/TEST ONLY: authentication is `trust` for local + 127.0.0.1, and fsync,
# synchronous_commit and full_page_writes are off.  That makes tests fast, but a
# machine crash can corrupt the cluster -- never use this setup for real data.
# The benchmark (make bench) turns the three on with ALTER SYSTEM while it runs
# and off again at its end; `start` resets them if a killed benchmark left them
# (see reset_bench_leftovers).  Do not run tests while a benchmark runs.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"

PG_PORT="${PG_PORT:-55432}"
HOST=127.0.0.1
ROLE=orderflow
ROLE_PASSWORD=orderflow
URL="postgresql://$ROLE:$ROLE_PASSWORD@$HOST:$PG_PORT/postgres"
STATE_ROOT="${ORDERFLOW_STATE:-$REPO_ROOT/.local}"
STATE="$STATE_ROOT/postgres"

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

IS_ROOT=0
[[ "$(id -u)" == 0 ]] && IS_ROOT=1

# ------------------------------------------------------------ installation ---

find_bindir() {
  # newest installed major version
  local p
  # shellcheck disable=SC2012  # paths are /usr/lib/postgresql/<major>/bin/postgres
  p="$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n1 || true)"
  [[ -n "$p" ]] && dirname "$p"
}

install_postgres() {
  (( IS_ROOT )) || die "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
  log "installing PostgreSQL with apt-get (first run only)"
  export DEBIAN_FRONTEND=noninteractive
  # Debian's package normally creates and starts a "main" cluster on 5432.  We
  # never use it (our own cluster is on $PG_PORT), so on a fresh system we tell
  # postgresql-common not to create it: create_main_cluster = false in
  # createcluster.conf (the documented switch; ucf keeps our file).
  if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
    mkdir -p /etc/postgresql-common
    cat >/etc/postgresql-common/createcluster.conf <<'EOF'
# Written by orderflow deploy/postgres.sh before installing postgresql:
# do not create Debian's default "main" cluster on port 5432.
create_main_cluster = false
ssl = on
cluster_name = '%v/%c'
stats_temp_directory = '/var/run/postgresql/%v-%c.pg_stat_tmp'
log_line_prefix = '%%m [%%p] %%q%%u@%%d '
add_include_dir = 'conf.d'
include_dir '/etc/postgresql-common/createcluster.d'
EOF
  fi
  apt-get update -qq >&2
  UCF_FORCE_CONFFOLD=1 apt-get install -y -qq \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    postgresql >&2
  # If a default cluster was created and started anyway (e.g. the conf file
  # already existed), stop it: it is not ours and only wastes memory.
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters --no-header 2>/dev/null | while read -r ver name port status _; do
      if [[ "$status" == online* ]]; then
        log "stopping Debian's default cluster $ver/$name on port $port (not used by orderflow)"
        pg_ctlcluster "$ver" "$name" stop >&2 || true
      fi
    done
  fi
}

BIN="$(find_bindir || true)"
ensure_installed() {
  if [[ -z "$BIN" ]]; then
    install_postgres
    BIN="$(find_bindir || true)"
    [[ -n "$BIN" ]] || die "postgresql installed but no /usr/lib/postgresql/*/bin/postgres found"
  fi
}

# ------------------------------------------------------- who runs postgres ---

# initdb and postgres refuse to run as root.  As root we run the server
# binaries as the `postgres` system user (created by Debian's package); as any
# other user we run them as that user.
ensure_pg_user() {
  (( IS_ROOT )) || return 0
  getent passwd postgres >/dev/null && return 0
  log "creating system user postgres"
  useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

as_pg() {
  # cd /: initdb/pg_ctl fail if they cannot access the caller's cwd (e.g. /root/...)
  # 9>&-: never let the server inherit our lock fd (it would hold the lock forever)
  if (( IS_ROOT )); then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "$@") 9>&-
    else
      local q
      q="$(printf '%q ' "$@")"
      (cd / && su -s /bin/sh postgres -c "$q") 9>&-
    fi
  else
    (cd / && "$@") 9>&-
  fi
}

# --------------------------------------------------------- where it lives ---

# The cluster normally lives in $ORDERFLOW_STATE/postgres.  As root, the
# server runs as `postgres`, which must be able to traverse every parent
# directory of the data dir.  If the repo is somewhere like /root/... (mode
# 700), it cannot.  Rather than chmod'ing directories we do not own (o+x on
# /root would change the security of the whole home directory), we then put
# the cluster in /var/tmp/orderflow-postgres-<hash of the state path> -- one
# per checkout, world-traversable parent, survives reboots of the dev box
# (unlike /tmp) -- and leave a pointer file at $STATE/location.  Once a
# cluster exists in one place it keeps being used there.
cluster_root() {
  local fallback
  fallback="/var/tmp/orderflow-postgres-$(printf '%s' "$STATE_ROOT" | sha256sum | cut -c1-12)"
  if [[ -f "$STATE/data/PG_VERSION" ]]; then echo "$STATE"; return; fi
  if [[ -f "$fallback/data/PG_VERSION" ]]; then echo "$fallback"; return; fi
  if (( ! IS_ROOT )); then echo "$STATE"; return; fi
  mkdir -p "$STATE"
  chown postgres: "$STATE"
  chmod 700 "$STATE"
  if as_pg test -w "$STATE" -a -x "$STATE"; then
    echo "$STATE"
  else
    echo "$fallback"
  fi
}

prepare_root() {
  local root="$1"
  mkdir -p "$root"
  if (( IS_ROOT )); then
    chown postgres: "$root"
    chmod 700 "$root"
  fi
  as_pg mkdir -p "$root/run"
  if [[ "$root" != "$STATE" ]]; then
    mkdir -p "$STATE"
    echo "$root" >"$STATE/location"
  fi
}

# unix socket dir: inside the cluster dir, unless the socket path would exceed
# the ~107 byte sun_path limit
socket_dir() {
  local d="$1/run"
  if (( ${#d} + 17 > 100 )); then d=/tmp; fi
  echo "$d"
}

# --------------------------------------------------------------- commands ---

ROOT_DIR=""
DATA=""
PGLOG=""
resolve_paths() {
  ROOT_DIR="$(cluster_root)"
  DATA="$ROOT_DIR/data"
  PGLOG="$ROOT_DIR/postgres.log"
}

pg_running() {   # our cluster's postmaster is alive
  [[ -n "$BIN" && -f "$DATA/PG_VERSION" ]] || return 1
  as_pg "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1 || return 1
  # pg_ctl only checks kill(pid, 0), which also succeeds for a killed but not
  # yet reaped (zombie) postmaster; treat that as "not running".
  local pid st
  pid="$(head -n1 "$DATA/postmaster.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  st="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1 || true)"
  [[ -n "$st" && "$st" != Z ]]
}

running_port() { sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true; }

pg_answers() {
  [[ -n "$BIN" ]] || return 1
  "$BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -t 2 >/dev/null 2>&1
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" >/dev/null 2>&1; }

lock_state() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 180 9 || die "another postgres.sh holds $STATE/.lock"
}

init_cluster() {
  [[ -f "$DATA/PG_VERSION" ]] && return 0
  local locale_opt=(--no-locale)
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale_opt=(--locale=C.UTF-8); fi
  log "initdb $DATA ($("$BIN/postgres" --version))"
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --no-sync -E UTF8 "${locale_opt[@]}" >&2 \
    || die "initdb failed"
  as_pg sh -c "echo \"include_if_exists = 'orderflow.conf'\" >>'$DATA/postgresql.conf'"
}

write_config() {
  local sock
  sock="$(socket_dir "$ROOT_DIR")"
  as_pg tee "$DATA/orderflow.conf" >/dev/null <<EOF
# Generated by deploy/postgres.sh on every start -- edit the script instead.
listen_addresses = '$HOST'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 128MB
# dev/test cluster: trade durability for speed (unsafe on a machine crash)
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
log_min_messages = warning
log_min_error_statement = error
EOF
  as_pg tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# Generated by deploy/postgres.sh -- dev/test cluster, no passwords checked.
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
host    all       all   ::1/128        trust
EOF
}

ensure_role() {
  "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PG_PORT" -U postgres -d postgres >&2 <<SQL || die "could not create role $ROLE"
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN SUPERUSER PASSWORD '$ROLE_PASSWORD';
  END IF;
END
\$\$;
SQL
}

# The benchmark (tests/bench/durable.py) sets fsync, synchronous_commit and
# full_page_writes on in postgresql.auto.conf (ALTER SYSTEM) for its run and
# resets them at its end, holding the session advisory lock (20070, 6) all the
# while.  A benchmark killed outright leaves them set, and every later test run
# would be slow: reset them here unless a benchmark still holds its lock.
BENCH_LOCK="locktype = 'advisory' AND classid = 20070 AND objid = 6 AND objsubid = 2"
DURABLE_SETTINGS="'fsync', 'synchronous_commit', 'full_page_writes'"
reset_bench_leftovers() {
  local sql=("$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PG_PORT" -U postgres -d postgres)
  local state
  state="$("${sql[@]}" -tA -c "SELECT CASE
      WHEN EXISTS (SELECT FROM pg_locks WHERE $BENCH_LOCK) THEN 'running'
      WHEN EXISTS (SELECT FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'
                   AND name IN ($DURABLE_SETTINGS)) THEN 'leftover'
      ELSE 'clean' END")" || die "could not read the cluster's settings"
  case "$state" in
    running)
      log "WARNING: a benchmark is running on this cluster with fsync on: everything is slow" \
          "now, and using the cluster spoils the benchmark's figures" ;;
    leftover)
      log "resetting fsync, synchronous_commit, full_page_writes left by an unfinished benchmark"
      "${sql[@]}" -c "ALTER SYSTEM RESET fsync" -c "ALTER SYSTEM RESET synchronous_commit" \
        -c "ALTER SYSTEM RESET full_page_writes" -c "SELECT pg_reload_conf()" >/dev/null \
        || die "could not reset the benchmark's settings" ;;
  esac
}

cmd_start() {
  lock_state
  ensure_installed
  ensure_pg_user
  resolve_paths
  if pg_running; then
    local rp
    rp="$(running_port)"
    [[ "$rp" == "$PG_PORT" ]] || die "our cluster is running on port $rp, not $PG_PORT; run '$0 stop' first"
    if pg_answers; then
      ensure_role
      reset_bench_leftovers
      log "already running ($DATA)"
      echo "$URL"
      return 0
    fi
  fi
  if ! pg_running && port_open "$PG_PORT"; then
    die "port $HOST:$PG_PORT is already in use by another process (not our cluster in $DATA). Free it or set PG_PORT."
  fi
  prepare_root "$ROOT_DIR"
  init_cluster
  write_config
  if ! pg_running; then
    log "starting PostgreSQL on $HOST:$PG_PORT (data $DATA, log $PGLOG)"
    if ! as_pg "$BIN/pg_ctl" start -D "$DATA" -l "$PGLOG" -w -t 60 -s >&2; then
      tail -n 30 "$PGLOG" >&2 || true
      die "pg_ctl start failed"
    fi
  fi
  for _ in $(seq 1 60); do pg_answers && break; sleep 0.5; done
  pg_answers || { tail -n 30 "$PGLOG" >&2 || true; die "PostgreSQL does not answer on $HOST:$PG_PORT"; }
  ensure_role
  reset_bench_leftovers
  log "ready after ${SECONDS}s"
  echo "$URL"
}

cmd_stop() {
  local purge="${1:-}"
  lock_state
  resolve_paths
  if pg_running; then
    log "stopping PostgreSQL ($DATA)"
    as_pg "$BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 -s >&2 \
      || as_pg "$BIN/pg_ctl" stop -D "$DATA" -m immediate -w -t 30 -s >&2 \
      || die "could not stop PostgreSQL"
    log "stopped"
  else
    log "not running"
  fi
  if [[ "$purge" == --purge ]]; then
    log "deleting $ROOT_DIR"
    rm -rf "$ROOT_DIR"
    exec 9>&-
    rm -rf "$STATE"
  fi
}

cmd_status() {
  if [[ -z "$BIN" ]]; then echo "not installed"; return 3; fi
  resolve_paths
  if pg_running && pg_answers; then
    echo "running: $URL (data $DATA, $("$BIN/postgres" --version))"
    return 0
  fi
  if pg_running; then echo "starting or unhealthy: postmaster alive but $HOST:$PG_PORT does not answer"; return 3; fi
  if port_open "$PG_PORT"; then echo "stopped (but $HOST:$PG_PORT is used by another process)"; else echo "stopped"; fi
  return 3
}

usage() {
  echo "usage: $0 start|stop [--purge]|reset|restart|status|url|psql [args]" >&2
  exit 2
}

case "${1:-}" in
  start)   cmd_start ;;
  stop)    cmd_stop "${2:-}" ;;
  reset)   cmd_stop --purge ;;
  restart) cmd_stop; cmd_start ;;
  status)  cmd_status ;;
  url)     echo "$URL" ;;
  psql)    shift; [[ -n "$BIN" ]] || die "not installed"; exec "$BIN/psql" "$URL" "$@" ;;
  *)       usage ;;
esac
