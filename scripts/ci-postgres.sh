#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the postgres storage conformance tests and prints ONE line
# on stdout:  export MOCKFORGE_TEST_POSTGRES_URL=postgres://…   (so CI can `eval "$(bash scripts/ci-postgres.sh)"`).
# Everything else goes to stderr. Idempotent: if the cluster of a previous run is still up, it
# is reused; otherwise it is (re)created. `bash scripts/ci-postgres.sh stop` stops it and
# removes its files.
#
# Works as root on a fresh Debian machine (installs the `postgresql` package when no server
# binary is found, and runs the server as the `postgres` user, since initdb refuses root)
# and as an ordinary user who already has PostgreSQL installed.
#
# Environment: MOCKFORGE_CI_PG_DIR (state folder, default ${TMPDIR:-/tmp}/mockforge-ci-postgres),
#              MOCKFORGE_CI_PG_DB (database name, default mockforge_test).
set -euo pipefail

STATE_DIR="${MOCKFORGE_CI_PG_DIR:-${TMPDIR:-/tmp}/mockforge-ci-postgres}"
DB_NAME="${MOCKFORGE_CI_PG_DB:-mockforge_test}"
DATA_DIR="$STATE_DIR/data"
SOCKET_DIR="$STATE_DIR/socket"
PORT_FILE="$STATE_DIR/port"
SERVER_LOG="$STATE_DIR/server.log"
DB_USER=postgres

log() { printf 'ci-postgres: %s\n' "$*" >&2; }
die() { printf 'ci-postgres: ERROR: %s\n' "$*" >&2; exit 1; }

# Finds the folder holding postgres, initdb and pg_ctl (Debian keeps them out of PATH).
find_bindir() {
  local candidate
  if candidate="$(command -v postgres 2>/dev/null)"; then
    candidate="$(dirname "$(readlink -f "$candidate")")"
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then echo "$candidate"; return 0; fi
  fi
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    if [ -x "$candidate/postgres" ] && [ -x "$candidate/initdb" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

# Runs a command as the server's OS user: `postgres` when we are root, ourselves otherwise.
as_server_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

url_for() { echo "postgres://$DB_USER@127.0.0.1:$1/$DB_NAME"; }

stop_cluster() {
  local bindir="$1"
  if [ -f "$DATA_DIR/postmaster.pid" ]; then
    log "stopping the cluster in $DATA_DIR"
    as_server_user "$bindir/pg_ctl" -D "$DATA_DIR" -m immediate -w -t 30 stop >&2 || true
  fi
}

BINDIR="$(find_bindir || true)"

# Starts the server of the cluster in $DATA_DIR on port $1 (fails when the port is taken).
start_server() {
  # fsync off: a CI database that is thrown away needs no crash safety, and it halves test time.
  as_server_user "$BINDIR/pg_ctl" -D "$DATA_DIR" -l "$SERVER_LOG" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $1 -k $SOCKET_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >&2
}

if [ "${1:-}" = "stop" ]; then
  [ -n "$BINDIR" ] && stop_cluster "$BINDIR"
  rm -rf "$STATE_DIR"
  log "stopped and removed $STATE_DIR"
  exit 0
fi
# `down` and `up` stop and start the server of an existing cluster, keeping its data and port:
# the PostgreSQL-restart tests take the database away under load and bring it back.
if [ "${1:-}" = "down" ]; then
  [ -n "$BINDIR" ] || die "no PostgreSQL server binary found"
  as_server_user "$BINDIR/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >&2
  exit 0
fi
if [ "${1:-}" = "up" ]; then
  [ -n "$BINDIR" ] && [ -f "$PORT_FILE" ] || die "no cluster in $STATE_DIR to start"
  start_server "$(cat "$PORT_FILE")"
  exit 0
fi
[ $# -eq 0 ] || die "unknown argument '$1' (use no argument to start; 'stop' to stop and remove; 'down'/'up' to stop/start the server only)"

if [ -z "$BINDIR" ]; then
  [ "$(id -u)" = 0 ] || die "no PostgreSQL server binary found and not root: install the 'postgresql' package, or run as root"
  command -v apt-get >/dev/null || die "no PostgreSQL server binary found and no apt-get to install it"
  log "no PostgreSQL server found; installing the Debian 'postgresql' package"
  DEBIAN_FRONTEND=noninteractive apt-get update >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2 || die "apt-get install postgresql failed"
  BINDIR="$(find_bindir)" || die "installed 'postgresql' but found no server binary under /usr/lib/postgresql/*/bin"
fi
log "using PostgreSQL binaries in $BINDIR ($("$BINDIR/postgres" --version))"

if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  log "creating the 'postgres' system user (initdb refuses to run as root)"
  useradd --system --home-dir "$STATE_DIR" --shell /usr/sbin/nologin postgres
fi

# Reuse the cluster of a previous run when it still answers.
if [ -f "$PORT_FILE" ] && [ -f "$DATA_DIR/postmaster.pid" ]; then
  port="$(cat "$PORT_FILE")"
  if as_server_user "$BINDIR/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1 &&
     "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port" -t 5; then
    log "reusing the running cluster on 127.0.0.1:$port"
    echo "export MOCKFORGE_TEST_POSTGRES_URL=$(url_for "$port")"
    exit 0
  fi
fi

stop_cluster "$BINDIR"
rm -rf "$STATE_DIR"
mkdir -p "$STATE_DIR" "$SOCKET_DIR"
chmod 755 "$STATE_DIR"
if [ "$(id -u)" = 0 ]; then chown postgres: "$STATE_DIR" "$SOCKET_DIR"; fi

log "initialising a throwaway cluster in $DATA_DIR"
as_server_user "$BINDIR/initdb" -D "$DATA_DIR" -U "$DB_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >&2 ||
  as_server_user "$BINDIR/initdb" -D "$DATA_DIR" -U "$DB_USER" --auth=trust --encoding=UTF8 --locale=C >&2 ||
  die "initdb failed"

# A free port: start from a pseudo-random one, skip ports something answers on; if the server
# still fails to bind (a race), try the next candidate. Bounded.
started=""
base=$(( 20000 + (RANDOM * 2 + $$) % 30000 ))
for i in $(seq 0 49); do
  port=$(( base + i * 7 ))
  port_in_use "$port" && continue
  log "starting on 127.0.0.1:$port"
  if start_server "$port"; then
    started="$port"
    break
  fi
  log "start on port $port failed; last server log lines:"
  tail -n 5 "$SERVER_LOG" >&2 || true
done
[ -n "$started" ] || die "could not start PostgreSQL on any of 50 ports; see $SERVER_LOG"
echo "$started" > "$PORT_FILE"

for _ in $(seq 1 30); do
  "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$started" -t 2 && break
  sleep 1
done
"$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$started" -t 2 || die "PostgreSQL started but does not answer on 127.0.0.1:$started; see $SERVER_LOG"

log "creating database $DB_NAME"
"$BINDIR/createdb" -h 127.0.0.1 -p "$started" -U "$DB_USER" "$DB_NAME" >&2 || die "createdb $DB_NAME failed; see $SERVER_LOG"

log "ready: $(url_for "$started") (stop with: bash scripts/ci-postgres.sh stop)"
echo "export MOCKFORGE_TEST_POSTGRES_URL=$(url_for "$started")"
