#!/usr/bin/env bash
# Install (apt) and start PostgreSQL and Redis on 127.0.0.1 for the monitor tests marked
# `postgres` and `redis`, then print the two export lines, e.g.
#   eval "$(bash tests/monitor/start_services.sh)"
# Everything it prints on stdout is meant for eval; progress goes to stderr.
# Idempotent: servers already running on the ports are reused.
set -euo pipefail

PG_PORT="${PRIVACYGAP_TEST_PG_PORT:-54329}"
REDIS_PORT="${PRIVACYGAP_TEST_REDIS_PORT:-63799}"
STATE="${PRIVACYGAP_TEST_SERVICES_DIR:-/tmp/privacygap-test-services}"
PG_USER=privacygap
PG_PASSWORD=privacygap-test-pw
PG_DB=privacygap_monitor

log() { echo "start_services: $*" >&2; }

need_apt=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing ${need_apt[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need_apt[@]}" >&2
fi

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
mkdir -p "$STATE"
chown postgres:postgres "$STATE" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# ---- PostgreSQL: a private cluster on a loopback port (not the system cluster)
PGDATA="$STATE/pg"
if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    log "initdb $PGDATA"
    as_pg mkdir -p "$PGDATA"
    as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >&2
  fi
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$STATE/pg.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $STATE -c fsync=off" start >&2
fi
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }
# A cluster left behind by a killed session may report "running" from a stale pid file, or
# still be shutting down: wait for it, and restart it once if it never answers.
for attempt in 1 2; do
  for _ in $(seq 60); do pg_ready && break; sleep 0.5; done
  pg_ready && break
  log "PostgreSQL does not answer; restarting it (attempt $attempt)"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate stop >&2 2>/dev/null || true
  rm -f "$PGDATA/postmaster.pid"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$STATE/pg.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $STATE -c fsync=off" start >&2 || true
done
psql_pg() { as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'")" != 1 ]; then
  psql_pg -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'" >&2
fi
if [ "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname='$PG_DB'")" != 1 ]; then
  psql_pg -c "CREATE DATABASE $PG_DB OWNER $PG_USER" >&2
fi

# ---- Redis
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save "" --appendonly no \
    --dir "$STATE" --logfile "$STATE/redis.log" --pidfile "$STATE/redis.pid" >&2
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

echo "export PRIVACYGAP_TEST_PG_URL=postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
echo "export PRIVACYGAP_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
