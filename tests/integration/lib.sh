# Shared helpers for the integration tests (sourced, not run: CTest only
# runs tests/integration/*.sh files that start with "test_").
set -u
JZ=${1:?usage: $0 path/to/jiuzhu}
SRC=${JZ_SOURCE_DIR:?JZ_SOURCE_DIR must point at the repository}
# Absolute, because the test runs in $TMP (below).
case $JZ in /*) ;; */*) JZ=$PWD/$JZ ;; esac
SRC=$(cd "$SRC" && pwd)
HERE=$SRC/tests/integration
TMP=${JZ_KEEP_TMP:-$(mktemp -d)}; mkdir -p "$TMP"
[ -n "${JZ_KEEP_TMP:-}" ] || trap 'drop_test_dbs; rm -rf "$TMP"' EXIT
passed=0
failed=0

# test_db NAME: the database a test works on: $TMP/NAME (SQLite), or, when
# the test runs on PostgreSQL (CTest's pg.integration.* set
# JZ_TEST_STORE=pg), a new database of the cluster at $JZ_TEST_PG, dropped
# when the test ends; the test is skipped (77) without a cluster.
test_db() {
  if [ "${JZ_TEST_STORE:-}" != pg ]; then
    echo "$TMP/$1"
    return
  fi
  local name="jzi_$$_${1//[^a-z0-9]/_}"
  echo "${JZ_TEST_PG%/}/$name" >>"$TMP/.pg-dbs"
  echo "${JZ_TEST_PG%/}/$name"
}
drop_test_dbs() {
  [ -f "$TMP/.pg-dbs" ] || return 0
  local url
  while read -r url; do
    psql -X -q "${url%/*}/postgres" -c "DROP DATABASE IF EXISTS ${url##*/} WITH (FORCE)" >/dev/null 2>&1
  done <"$TMP/.pg-dbs"
}
if [ "${JZ_TEST_STORE:-}" = pg ]; then
  if [ -z "${JZ_TEST_PG:-}" ]; then
    echo "skipped: JZ_TEST_STORE=pg but JZ_TEST_PG is not set (scripts/test.sh starts a cluster)"
    rm -rf "$TMP"
    exit 77
  fi
  export JIUZHU_AUDIT_KEY_DIR=$TMP/keys
  mkdir -p "$TMP/keys"
fi

# The snapshot cache of a PostgreSQL store goes to the user's cache
# directory (docs/registry.md "The snapshot cache"): a test's to its $TMP.
export XDG_CACHE_HOME=$TMP/cache

# The test runs in $TMP: files jiuzhu writes beside a database (the import's
# and feed import's reports) go to the current directory when the database
# is a PostgreSQL URL, and must not land in the source tree or build tree.
cd "$TMP" || exit 1

# on_pg / on_sqlite: which backend this run of the test is on.  A check of
# the SQLite file itself (its bytes, its WAL, editing it with sqlite3, its
# permissions) sits under `if on_sqlite; then`, with a line saying what the
# PostgreSQL run skips and why.
on_pg() { [ "${JZ_TEST_STORE:-}" = pg ]; }
on_sqlite() { ! on_pg; }

# db_sql DB SQL: the rows of SQL on the test's database, printed as
# `sqlite3 -batch` prints them (columns joined by '|', one row a line, NULL
# as the empty string), through sqlite3 for a file, psql for a URL.  Write
# SQL both understand: no group_concat/string_agg, no typeof, no rowid,
# integers not booleans, an ORDER BY wherever more than one row is read.
# A failed statement prints its error on stderr and returns non-zero.
db_sql() {
  case $1 in
    postgresql://* | postgres://*)
      psql -X -A -t -F'|' -q -v ON_ERROR_STOP=1 -d "$1" -c "$2" ;;
    *)
      sqlite3 -batch -bail "${1#sqlite:}" "$2" ;;
  esac
}

# db_exec_super DB SQL: SQL run with the rights to go around jiuzhu (a
# tamper test): sqlite3 on the file; on PostgreSQL as the cluster's
# superuser (the test clusters' user, scripts/pg.sh), in one transaction.
db_exec_super() {
  case $1 in
    postgresql://* | postgres://*)
      psql -X -q -v ON_ERROR_STOP=1 -d "$1" -1 -c "$2" >/dev/null ;;
    *)
      sqlite3 -batch -bail "${1#sqlite:}" "$2" ;;
  esac
}

# beside_db DB SUFFIX: where jiuzhu writes a file beside DB (cli_beside_db):
# DB followed by SUFFIX for a file; for a URL, the database's name followed
# by SUFFIX in the current directory (the test's $TMP).
beside_db() {
  case $1 in
    postgresql://* | postgres://*)
      local name=${1%%\?*}
      echo "$PWD/${name##*/}$2" ;;
    *) echo "${1#sqlite:}$2" ;;
  esac
}

# wait_db_idle DB: after a client was killed (kill -9), waits until the
# server has ended its session (a PostgreSQL backend runs on until it
# notices the client is gone, holding its locks, an import's among them);
# nothing to wait for with SQLite.
wait_db_idle() {
  on_pg || return 0
  local i n
  for i in $(seq 1 300); do
    n=$(db_sql "$1" 'SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
    [ "$n" = 0 ] && return 0
    sleep 0.1
  done
  echo "wait_db_idle: sessions of the killed client still open after 30 s" >&2
}

# db_copy DB NAME: a copy of DB, its audit key beside it, made for a test to
# tamper with; prints where it is.  SQLite: the file $TMP/NAME; PostgreSQL:
# a new database (test_db NAME) made from DB as its template (nobody may be
# connected to DB meanwhile).
db_copy() {
  local to
  case $1 in
    postgresql://* | postgres://*)
      to=$(test_db "$2")
      psql -X -q -v ON_ERROR_STOP=1 -d "${1%/*}/postgres" \
        -c "CREATE DATABASE \"${to##*/}\" TEMPLATE \"${1##*/}\"" >/dev/null || return 1
      local key
      for key in "$JIUZHU_AUDIT_KEY_DIR/${1##*/}@"*.audit-key; do
        [ -f "$key" ] && cp "$key" "$JIUZHU_AUDIT_KEY_DIR/${to##*/}@${key##*@}"
      done ;;
    *)
      to=$TMP/$2
      cp "${1#sqlite:}" "$to" || return 1
      [ ! -f "${1#sqlite:}.audit-key" ] || cp "${1#sqlite:}.audit-key" "$to.audit-key" ;;
  esac
  echo "$to"
}

# db_tamper DB SQL: SQL run on DB around jiuzhu and its append-only audit
# log, as someone with the file (SQLite: the log's triggers dropped) or the
# database's superuser (PostgreSQL: user triggers off for the session) could.
db_tamper() {
  case $1 in
    postgresql://* | postgres://*)
      db_exec_super "$1" "SET session_replication_role = replica; $2" ;;
    *)
      db_exec_super "$1" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; $2" ;;
  esac
}

# expect_data_verified FILE WHAT: `audit verify`'s output FILE says the
# data matches the log (SQLite seals the tables' fingerprints into it); on
# PostgreSQL, which seals none yet (docs/scaling.md), that it said so
# instead of claiming a match.
expect_data_verified() {
  if on_sqlite; then
    expect_grep "$1" '数据与审计日志相符' "$2"
  else
    expect_grep "$1" '数据未与审计日志比对' "$2 (PostgreSQL: says the data was not compared)"
  fi
}

# migration_entries DB N: how many audit entries say that DB was migrated
# across schema version N: SQLite writes one per version (audit.rebase,
# "schema N"), PostgreSQL one per migration (store.migrate, from the
# version it found to this build's).
migration_entries() {
  if on_sqlite; then
    db_sql "$1" "SELECT count(*) FROM audit WHERE action = 'audit.rebase'
      AND after LIKE '%\"schema $2\"%'"
  else
    db_sql "$1" "SELECT count(*) FROM audit WHERE action = 'store.migrate'
      AND substring(before FROM '\"schema_version\":([0-9]+)')::int < $2
      AND substring(after FROM '\"schema_version\":([0-9]+)')::int >= $2"
  fi
}

# skip_on_pg WHAT: says what the PostgreSQL run of this test leaves out.
skip_on_pg() { echo "skipped on PostgreSQL: $*"; }

# own_cluster NAME: a PostgreSQL cluster of the test's own (a crash test
# kills it), in a new directory /tmp/jz-NAME-*; sets PGSH (scripts/pg.sh as
# a command), PGDIR and base (its URL without a database), and destroys it
# when the test ends.  Skipped (77) without JZ_TEST_PG, the sign
# scripts/test.sh gives that PostgreSQL is there.
own_cluster() {
  if [ -z "${JZ_TEST_PG:-}" ]; then
    echo "skipped: JZ_TEST_PG is not set (scripts/test.sh starts PostgreSQL)"
    exit 77
  fi
  PGSH=(bash "$SRC/scripts/pg.sh")
  PGDIR=$(mktemp -d "/tmp/jz-$1-XXXXXX")
  rmdir "$PGDIR"
  trap '"${PGSH[@]}" destroy "$PGDIR" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
  base=$("${PGSH[@]}" start "$PGDIR" 2>/dev/null | tail -1)
  [ -n "$base" ] || { bad "cluster start"; finish; exit 1; }
}

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# expect_status WANT CMD...: runs CMD, stdout to $TMP/out, stderr to $TMP/err.
expect_status() {
  local want=$1
  shift
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; cat "$TMP/err" >&2; fi
}

# expect_grep FILE PATTERN WHAT
expect_grep() {
  if grep -q -- "$2" "$1"; then ok; else bad "$3: no '$2' in $1"; head -c 2000 "$1" >&2; fi
}

expect_no_grep() {
  if grep -q -- "$2" "$1"; then bad "$3: unexpected '$2' in $1"; else ok; fi
}

expect_lines() { # FILE N WHAT
  local n
  n=$(grep -c . "$1")
  if [ "$n" -eq "$2" ]; then ok; else bad "$3: $n lines, wanted $2"; fi
}

# luhn DIGITS: DIGITS with its Luhn check digit appended (a bank account
# that the banks checking it accept).
luhn() {
  local base=$1 sum=0 i d n=${#1}
  for ((i = 0; i < n; i++)); do
    d=${base:n-1-i:1}
    if ((i % 2 == 0)); then d=$((d * 2)); ((d > 9)) && d=$((d - 9)); fi
    sum=$((sum + d))
  done
  echo "$base$(((10 - sum % 10) % 10))"
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
