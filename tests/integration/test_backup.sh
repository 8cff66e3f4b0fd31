#!/usr/bin/env bash
# jiuzhu backup: a consistent copy of a live store.  SQLite: the copy has
# every row and its audit log verifies with the store's key, while another
# process keeps importing; an existing file is never overwritten.  On
# PostgreSQL (when JZ_TEST_PG is set): pg_dump's archive, which pg_restore
# reads back into a new database that verifies.
. "$(dirname "$0")/lib.sh"

DB=$TMP/reg.db
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" import "$DB" "$SRC"/examples/0*.json
"$JZ" gen --households 3000 --seed 7 "$TMP/g.jsonl" >/dev/null 2>&1
# A writer at the same time: the backup is one committed state.
"$JZ" import "$DB" "$TMP/g.jsonl" >"$TMP/import.out" 2>&1 &
writer=$!
expect_status 0 "$JZ" backup "$DB" "$TMP/copy.db"
expect_grep "$TMP/out" "已备份到 $TMP/copy.db" "backup says where"
wait $writer
n=$(sqlite3 "$TMP/copy.db" "SELECT count(*) FROM households")
if [ "$n" -ge 6 ] && [ "$n" -le 3006 ]; then ok; else bad "the copy has $n households"; fi
m=$(sqlite3 "$TMP/copy.db" "SELECT count(*) FROM members m JOIN households h ON h.hh = m.hh")
k=$(sqlite3 "$TMP/copy.db" "SELECT sum(n_members) FROM households")
if [ "$m" = "$k" ]; then ok; else bad "members $m, the households say $k: not one state"; fi
JIUZHU_AUDIT_KEY=$DB.audit-key expect_status 0 "$JZ" audit verify "$TMP/copy.db"
expect_grep "$TMP/out" '审计日志完好' "the copy's log verifies with the store's key"
expect_grep "$TMP/out" '数据与审计日志相符' "and its data"
# Never over an existing file.
expect_status 1 "$JZ" backup "$DB" "$TMP/copy.db"
expect_grep "$TMP/err" '已存在' "an existing file is refused"
expect_status 1 "$JZ" backup "$TMP/none.db" "$TMP/x.db"
if [ ! -e "$TMP/x.db" ]; then ok; else bad "a failed backup left a file"; fi

if [ -n "${JZ_TEST_PG:-}" ]; then
  export JIUZHU_AUDIT_KEY_DIR=$TMP/keys
  mkdir -p "$TMP/keys"
  base=${JZ_TEST_PG%/}/
  A=jz_backup_a_$$ B=jz_backup_b_$$
  trap 'psql -X -q "${base}postgres" -c "DROP DATABASE IF EXISTS $A WITH (FORCE)" -c "DROP DATABASE IF EXISTS $B WITH (FORCE)" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
  expect_status 0 "$JZ" init "$base$A"
  expect_status 0 "$JZ" import "$base$A" "$SRC"/examples/0*.json
  expect_status 0 "$JZ" backup "$base$A" "$TMP/pg.dump"
  psql -X -q "${base}postgres" -c "CREATE DATABASE $B" >/dev/null
  if pg_restore --no-owner -d "$base$B" "$TMP/pg.dump" 2>"$TMP/restore.err"; then ok; else bad "pg_restore"; cat "$TMP/restore.err" >&2; fi
  cp "$TMP/keys/$A@"* "$TMP/keys/key.copy"
  JIUZHU_AUDIT_KEY=$TMP/keys/key.copy expect_status 0 "$JZ" audit verify "$base$B"
  expect_grep "$TMP/out" '审计日志完好' "the restored database's log verifies"
  expect_status 0 "$JZ" stats "$base$B"
  expect_grep "$TMP/out" '^合计' "the restored database is a store"
fi
finish
