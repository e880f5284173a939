#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server.
#
#   scripts/with-postgres.sh .venv/bin/pytest -q
#   scripts/with-postgres.sh .venv/bin/python manage.py migrate
#
# initdb's a fresh cluster in a temp dir, starts it listening only on a unix socket in that dir
# (no TCP port, so parallel runs never collide), creates a database, exports DATABASE_URL (and the
# libpq PG* variables for psql/pg_dump), runs the command, then stops the server and deletes the dir,
# also on failure or Ctrl-C. The command's exit code is the script's exit code.
#
# The database user owns the cluster (initdb -U), so it may create databases: under pytest each live
# test site (gunicorn, browser and fault tests; tests/browser/livesite.py) creates a database of its
# own on this server and drops it afterwards, next to the in-process tests' $DB_NAME.
#
# PostgreSQL refuses to run as root: under root (CI) the server runs as PG_USER (default `postgres`,
# else `nobody`), which owns the temp dir; the command itself still runs as the caller.
#
# Knobs (environment): PG_BIN (dir with initdb/pg_ctl; default newest /usr/lib/postgresql/*/bin),
# PG_USER, PG_LOCALE (default C.UTF-8: byte-order collation, the same order SQLite gives),
# PG_KEEP=1 (keep the dir and print the log path, for debugging).
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 64
fi

if [ -z "${PG_BIN:-}" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$PG_BIN" ] && command -v pg_config >/dev/null; then PG_BIN=$(pg_config --bindir); fi
fi
if [ ! -x "${PG_BIN:-}/initdb" ]; then
  echo "with-postgres: no initdb found (apt-get install postgresql, or set PG_BIN)" >&2
  exit 69
fi

DB_NAME=newsarchive
DB_USER=newsarchive
PG_LOCALE=${PG_LOCALE:-C.UTF-8}
WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/newsarchive-pg.XXXXXX")
DATA="$WORKDIR/data"
LOG="$WORKDIR/server.log"

as_server() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  PG_USER=${PG_USER:-$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)}
  chown "$PG_USER" "$WORKDIR"
  as_server() { runuser -u "$PG_USER" -- "$@"; }
fi

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -f "$DATA/postmaster.pid" ]; then
    as_server "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "${PG_KEEP:-0}" = 1 ]; then
    echo "with-postgres: kept $WORKDIR (log: $LOG)" >&2
  else
    rm -rf "$WORKDIR"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Trust auth is safe here: the only way in is a socket inside a 0700 directory.
as_server "$PG_BIN/initdb" -D "$DATA" -U "$DB_USER" --auth=trust -E UTF8 --locale="$PG_LOCALE" >"$WORKDIR/initdb.log" 2>&1 ||
  { cat "$WORKDIR/initdb.log" >&2; exit 70; }

# No durability needed for a throwaway cluster: fsync off makes migrations and test setup several times faster.
as_server "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
  -o "-c listen_addresses='' -k $WORKDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$LOG" >&2; exit 70; }

as_server "$PG_BIN/createdb" -h "$WORKDIR" -U "$DB_USER" "$DB_NAME"

# The socket dir goes in the host part, percent-encoded, so Django's HOST (and dbshell, pg_dump) see it.
export DATABASE_URL="postgres://$DB_USER@${WORKDIR//\//%2F}/$DB_NAME"
export PGHOST="$WORKDIR" PGUSER="$DB_USER" PGDATABASE="$DB_NAME"

set +e
"$@"
status=$?
set -e
exit "$status"
