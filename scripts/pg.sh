#!/usr/bin/env bash
# A private PostgreSQL cluster for development and tests, under .data/pg, listening on
# 127.0.0.1 only (port GIGFORGE_PG_PORT, default 54329) with a generated password.
# Run as root it runs the server as the unprivileged `postgres` user.
#   scripts/pg.sh start | stop | status | url [DBNAME] | create-db NAME | drop-db NAME
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA_DIR="$ROOT/.data"
PGDATA="$DATA_DIR/pg"
PASSWORD_FILE="$DATA_DIR/pg-password"
PORT=${GIGFORGE_PG_PORT:-54329}
PG_USER=gigforge

die() { printf '\033[1;31m[db] %s\033[0m\n' "$*" >&2; exit 1; }
say() { printf '\033[1;34m[db]\033[0m %s\n' "$*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$dir" ] && [ -x "$dir/$1" ]; then echo "$dir/$1"; return; fi
  command -v "$1" >/dev/null || die "PostgreSQL's $1 was not found: install the server (sudo apt-get install postgresql) or set DATABASE_URL"
  command -v "$1"
}

# Runs a PostgreSQL server binary as an unprivileged user (postgres refuses root).
as_db_user() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (installed with PostgreSQL)"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

password() { cat "$PASSWORD_FILE"; }

url() { echo "postgres://$PG_USER:$(password)@127.0.0.1:$PORT/${1:-gigforge}"; }

init() {
  [ -f "$PGDATA/PG_VERSION" ] && return
  say "creating a private PostgreSQL cluster in $PGDATA"
  mkdir -p "$DATA_DIR"
  chmod 755 "$DATA_DIR"
  if [ ! -s "$PASSWORD_FILE" ]; then
    (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$PASSWORD_FILE")
  fi
  mkdir -p "$PGDATA"
  local pwfile
  pwfile=$(mktemp)
  password > "$pwfile"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PGDATA" "$pwfile"
    # Every parent directory must let the postgres user through (e.g. /root is 0700).
    runuser -u postgres -- test -x "$PGDATA" \
      || die "the postgres user cannot reach $PGDATA: clone the repository outside /root (or any private directory), or set DATABASE_URL"
  fi
  chmod 700 "$PGDATA"
  as_db_user "$(pg_bin initdb)" -D "$PGDATA" -U "$PG_USER" --pwfile="$pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null \
    || { rm -f "$pwfile"; die "initdb failed"; }
  rm -f "$pwfile"
}

running() { as_db_user "$(pg_bin pg_ctl)" -D "$PGDATA" status >/dev/null 2>&1; }

start() {
  init
  if running; then return; fi
  say "starting PostgreSQL on 127.0.0.1:$PORT"
  as_db_user "$(pg_bin pg_ctl)" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories='$PGDATA' -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null || { tail -20 "$PGDATA/server.log" >&2; die "PostgreSQL did not start (log above; is port $PORT taken? set GIGFORGE_PG_PORT)"; }
}

stop() {
  if [ -f "$PGDATA/PG_VERSION" ] && running; then
    as_db_user "$(pg_bin pg_ctl)" -D "$PGDATA" -m fast -w stop >/dev/null
    say "PostgreSQL stopped (data kept in $PGDATA)"
  else
    say "PostgreSQL is not running"
  fi
}

psql_admin() { PGPASSWORD=$(password) psql -v ON_ERROR_STOP=1 -qAt -h 127.0.0.1 -p "$PORT" -U "$PG_USER" -d postgres "$@"; }

create_db() {
  local name=$1
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name: $name"
  if [ -z "$(psql_admin -c "select 1 from pg_database where datname = '$name'")" ]; then
    psql_admin -c "create database $name" >/dev/null
  fi
}

drop_db() {
  local name=$1
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name: $name"
  psql_admin -c "drop database if exists $name with (force)" >/dev/null
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running on 127.0.0.1:$PORT"; else echo "stopped"; exit 1; fi ;;
  url) url "${2:-gigforge}" ;;
  create-db) create_db "$2" ;;
  drop-db) drop_db "$2" ;;
  *) die "usage: $0 start|stop|status|url [DB]|create-db NAME|drop-db NAME" ;;
esac
