# shellcheck shell=bash
# Starts a throwaway PostgreSQL for the store tests and exports
# ATTENDEES_TEST_POSTGRES_URL. Sourced by .ci/run (as root on Debian):
#
#   source .ci/postgres.sh      # installs PostgreSQL if needed, starts it
#   go test ./...               # store and autopost tests use the URL
#   stop_test_postgres          # stops the server and removes its files
#
# The cluster lives in a temporary directory, listens on 127.0.0.1 only (a
# free port from ATTENDEES_TEST_POSTGRES_PORT, default 55432) and trusts local
# connections: it holds nothing but test data and is gone after the run.
# Durability is switched off for speed. No trap is set, so the caller decides
# when to stop it.

_test_pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
    echo "$d"
  fi
}

# _test_pg_as runs a command as the unprivileged cluster owner: initdb and
# postgres refuse to run as root.
_test_pg_as() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$_TEST_PG_USER" -- "$@"
  else
    "$@"
  fi
}

start_test_postgres() {
  local bindir port
  bindir=$(_test_pg_bindir)
  if [ -z "$bindir" ]; then
    echo "== installing PostgreSQL (distribution packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bindir=$(_test_pg_bindir)
    if [ -z "$bindir" ]; then
      echo "postgres.sh: no initdb under /usr/lib/postgresql/*/bin after installing postgresql" >&2
      return 1
    fi
  fi

  _TEST_PG_USER=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    _TEST_PG_USER=postgres
    if ! id postgres >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
  fi

  port=${ATTENDEES_TEST_POSTGRES_PORT:-55432}
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done

  _TEST_PG_DIR=$(mktemp -d /tmp/attendees-test-pg.XXXXXX)
  _TEST_PG_BINDIR=$bindir
  chown "$_TEST_PG_USER" "$_TEST_PG_DIR"
  echo "== starting PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($_TEST_PG_DIR)"
  if ! _test_pg_as "$bindir/initdb" -D "$_TEST_PG_DIR/data" -U postgres --auth=trust \
    -E UTF8 --no-locale --no-sync >"$_TEST_PG_DIR/initdb.log" 2>&1; then
    cat "$_TEST_PG_DIR/initdb.log" >&2
    return 1
  fi
  if ! _test_pg_as "$bindir/pg_ctl" -D "$_TEST_PG_DIR/data" -l "$_TEST_PG_DIR/server.log" -w -t 60 \
    -o "-p $port -k $_TEST_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null; then
    cat "$_TEST_PG_DIR/server.log" >&2
    return 1
  fi
  _test_pg_as "$bindir/createdb" -h "$_TEST_PG_DIR" -p "$port" -U postgres attendees_test
  export ATTENDEES_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/attendees_test?sslmode=disable"
  echo "ATTENDEES_TEST_POSTGRES_URL=$ATTENDEES_TEST_POSTGRES_URL"
}

# stop_test_postgres stops the server started by start_test_postgres and
# removes its directory. Safe to call twice or when nothing was started.
stop_test_postgres() {
  if [ -n "${_TEST_PG_DIR:-}" ] && [ -d "$_TEST_PG_DIR" ]; then
    _test_pg_as "$_TEST_PG_BINDIR/pg_ctl" -D "$_TEST_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$_TEST_PG_DIR"
  fi
  _TEST_PG_DIR=
  unset ATTENDEES_TEST_POSTGRES_URL
}

start_test_postgres
