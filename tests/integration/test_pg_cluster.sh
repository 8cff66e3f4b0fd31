#!/usr/bin/env bash
# The throwaway PostgreSQL clusters of scripts/pg.sh
# (docs/testing-postgresql.md), as the PostgreSQL tests use them: the
# cluster of JZ_TEST_PG is PostgreSQL 15 and its server does not run as
# root; a second cluster runs beside it on another port, reads a table of
# the first through postgres_fdw, keeps a committed row over an immediate
# stop (a crash) and a restart on the same port, and is gone after destroy.
# Skipped (77) without JZ_TEST_PG, which scripts/test.sh sets.
. "$(dirname "$0")/lib.sh"

if [ -z "${JZ_TEST_PG:-}" ]; then
  echo "skipped: JZ_TEST_PG is not set (scripts/test.sh starts a cluster and sets it; see docs/testing-postgresql.md)"
  exit 77
fi
PG_BIN=${JZ_PG_BIN:-/usr/lib/postgresql/15/bin}
PGSH=("bash" "$SRC/scripts/pg.sh")
DB=jz_pg_cluster_$$
PG2=""
base=${JZ_TEST_PG%/}/
hostport=${base#*@}
hostport=${hostport%%/*}
port1=${hostport##*:}

cleanup() {
  [ -z "$PG2" ] || "${PGSH[@]}" destroy "$PG2" >/dev/null 2>&1
  "$PG_BIN/psql" -X -q "${base}postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  [ -n "${JZ_KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

# sql URL SQL: psql's unaligned, tuples-only output in $TMP/out.
sql() { expect_status 0 "$PG_BIN/psql" -X -A -t -q -v ON_ERROR_STOP=1 "$1" -c "$2"; }
# expect_out WANT WHAT: $TMP/out is WANT.
expect_out() {
  local got
  got=$(cat "$TMP/out")
  if [ "$got" = "$1" ]; then ok; else bad "$2: got '$got', wanted '$1'"; fi
}

# ---- the cluster of JZ_TEST_PG: PostgreSQL 15, its server not root ------------------------
sql "${base}postgres" "SELECT version()"
expect_grep "$TMP/out" '^PostgreSQL 15\.' "the server is PostgreSQL 15"
sql "${base}postgres" "SELECT current_setting('data_directory')"
datadir=$(cat "$TMP/out")
postmaster=$(head -n 1 "$datadir/postmaster.pid" 2>/dev/null)
if tr '\0' ' ' <"/proc/${postmaster:-0}/cmdline" 2>/dev/null | grep -q "postgres -D $datadir"; then ok; else
  bad "no postgres -D $datadir at pid '$postmaster' (from $datadir/postmaster.pid)"
fi
owner=$(ps -o user= -p "$postmaster" 2>/dev/null | tr -d ' ')
owner_uid=$(awk '/^Uid:/ { print $2 }' "/proc/$postmaster/status" 2>/dev/null)
if [ -n "$owner_uid" ] && [ "$owner_uid" -ne 0 ]; then ok; else
  bad "the server (pid $postmaster, data $datadir) runs as '$owner' (uid '$owner_uid'), not as a user of its own"
fi
if [ "$(id -u)" -eq 0 ]; then
  if [ "$owner" = jiuzhu-pg ]; then ok; else bad "run by root, the server runs as '$owner', not jiuzhu-pg"; fi
fi

sql "${base}postgres" "CREATE DATABASE $DB"
sql "$base$DB" "CREATE TABLE household (id int PRIMARY KEY, county text NOT NULL, head text NOT NULL);
  INSERT INTO household VALUES (1, '140902', '张丽'), (2, '140902', '王析'), (3, '140303', '陈审计')"

# ---- a second cluster beside it, reading the first through postgres_fdw -------------------
PG2=$(mktemp -d)
"${PGSH[@]}" start "$PG2" >"$TMP/start" 2>"$TMP/start.err"
url2=$(tail -n 1 "$TMP/start")
port2=${url2##*:}
port2=${port2%/}
if [[ $url2 =~ ^postgresql://jiuzhu@127\.0\.0\.1:[0-9]+/$ ]]; then ok; else
  bad "start printed '$url2'"
  cat "$TMP/start.err" >&2
fi
if [ "$port2" != "$port1" ]; then ok; else bad "the second cluster took the first one's port $port1"; fi
printf 'PGHOST=%s\nPGPORT=%s\nPGUSER=jiuzhu\n' "$PG2" "$port2" >"$TMP/env.want"
if cmp -s "$TMP/env.want" "$PG2/env"; then ok; else bad "$PG2/env:"; cat "$PG2/env" >&2; fi
expect_status 0 "${PGSH[@]}" url "$PG2" "$DB"
expect_out "postgresql://jiuzhu@127.0.0.1:$port2/$DB" "url"
if [ "$(id -u)" -eq 0 ]; then
  if [ "$(stat -c '%U %a' "$PG2/data")" = "jiuzhu-pg 700" ]; then ok; else
    bad "$PG2/data: $(stat -c '%U %a' "$PG2/data"), wanted jiuzhu-pg 700"
  fi
fi
sql "${url2}postgres" "SELECT concat_ws(' ', current_setting('max_connections'), current_setting('shared_buffers'),
  current_setting('fsync'), current_setting('synchronous_commit'), current_setting('server_encoding'))"
expect_out "300 128MB on on UTF8" "the second cluster's settings"
# The first cluster still answers with both running.
sql "$base$DB" "SELECT count(*) FROM household"
expect_out 3 "the first cluster beside the second"

sql "${url2}postgres" "CREATE EXTENSION postgres_fdw;
  CREATE SERVER first FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '$port1', dbname '$DB');
  CREATE USER MAPPING FOR jiuzhu SERVER first OPTIONS (user 'jiuzhu');
  CREATE FOREIGN TABLE household (id int, county text, head text) SERVER first OPTIONS (table_name 'household')"
sql "${url2}postgres" "SELECT string_agg(head, ',' ORDER BY id) FROM household WHERE county = '140902'"
expect_out "张丽,王析" "the foreign table on the first cluster"

# ---- a crash (immediate stop) and a restart keep what was committed -----------------------
sql "${url2}postgres" "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('崩溃之前已提交')"
expect_status 0 "${PGSH[@]}" stop "$PG2" immediate
expect_status 2 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$port2"
expect_status 0 "${PGSH[@]}" restart "$PG2"
expect_grep "$PG2/log" 'not properly shut down; automatic recovery in progress' "the restart recovers from the crash"
sql "postgresql://jiuzhu@127.0.0.1:$port2/postgres" "SELECT v FROM kept"
expect_out "崩溃之前已提交" "the committed row after the crash"
sql "${url2}postgres" "SELECT count(*) FROM household"
expect_out 3 "the foreign table after the restart"
expect_status 0 "${PGSH[@]}" stop "$PG2"
expect_status 0 "${PGSH[@]}" restart "$PG2"
sql "${url2}postgres" "SELECT v FROM kept"
expect_out "崩溃之前已提交" "the committed row after a clean stop and start"

# ---- destroy ------------------------------------------------------------------------------
expect_status 0 "${PGSH[@]}" destroy "$PG2"
if [ ! -e "$PG2" ]; then ok; else bad "destroy left $PG2"; fi
expect_status 2 "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$port2"
PG2=""
sql "$base$DB" "SELECT count(*) FROM household"
expect_out 3 "the first cluster after the second is gone"

# ---- without PostgreSQL 15: the message names the package ---------------------------------
JZ_PG_BIN="$TMP/no-such-dir" expect_status 1 "${PGSH[@]}" start "$TMP/never"
expect_grep "$TMP/err" '未安装 PostgreSQL 15' "the Chinese message"
expect_grep "$TMP/err" 'apt-get install postgresql-15' "the package"
if [ ! -e "$TMP/never" ]; then ok; else bad "start without PostgreSQL made $TMP/never"; fi

finish
