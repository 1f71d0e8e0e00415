#!/usr/bin/env bash
# Starts (or stops) a private PostgreSQL for tests: its own data folder and port, run as the postgres
# user because PostgreSQL refuses to run as root. Prints the connection string on start.
set -euo pipefail
PGPORT=${IVRVOICE_PG_PORT:-55432}
PGDATA=${IVRVOICE_PG_DATA:-/tmp/ivrvoice-pg-$PGPORT}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$BIN/pg_ctl" ] || { echo "postgres.sh: PostgreSQL server binaries not found (run scripts/setup.sh)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-start}" in
  start)
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
      mkdir -p "$PGDATA"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA"
      as_pg "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      as_pg "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
        -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    fi
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='ivrvoice'" | grep -q 1 \
      || psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE ivrvoice" >/dev/null
    echo "Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=ivrvoice"
    ;;
  stop)
    as_pg "$BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: postgres.sh start|stop" >&2; exit 2 ;;
esac
