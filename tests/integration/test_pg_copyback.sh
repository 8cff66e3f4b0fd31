#!/usr/bin/env bash
# A store copied from PostgreSQL back into a new SQLite file (jiuzhu copy
# postgresql://... FILE): the web tests' demo county is built in SQLite,
# copied into PostgreSQL and back, and the file that comes back holds every
# row of the original (each table dumped in key order and compared; what
# legitimately differs is the log's three new entries and meta's pointer to
# the newest one), its audit log verifies with the data and shows the
# copies' entries, and a server on it answers the same JSON as one on the
# original.  A non-empty target is refused; a store changed on PostgreSQL
# comes back with the change and a log that verifies; one key file for all
# ($JIUZHU_AUDIT_KEY) is used where it is, another key beside the target
# refused; a copy that fails
# once its file is made leaves nothing; a source whose log
# was tampered with (by the cluster's superuser, around the append-only
# trigger) is refused with nothing written.  Skipped (77) without
# JZ_TEST_PG (scripts/test.sh sets it).
. "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"

if [ -z "${JZ_TEST_PG:-}" ]; then
  echo "skipped: JZ_TEST_PG is not set (scripts/test.sh starts a PostgreSQL cluster)"
  exit 77
fi
export JIUZHU_ARGON2_FAST=1 JIUZHU_DEMO_PASSWORD='演示密码-Jiuzhu-2026' JIUZHU_AUDIT_KEY_DIR=$TMP/keys
mkdir -p "$TMP/keys" "$TMP/back"
PW=$JIUZHU_DEMO_PASSWORD
base=${JZ_TEST_PG%/}/
PGDB=jz_copyback_$$
URL=$base$PGDB
cleanup() {
  stop_server >/dev/null 2>&1
  psql -X -q "${base}postgres" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1
  [ -n "${JZ_KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f s", b - a }'; }

bash "$SRC/tests/e2e/demo-db.sh" "$JZ" "$TMP/demo" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; bad "demo database"; finish; exit 1; }
DB=$TMP/demo/demo.db
BACK=$TMP/back/county.db

# ---- there and back ---------------------------------------------------------------------------
t0=$(now)
expect_status 0 "$JZ" copy "$DB" "$URL"
t1=$(now)
expect_status 0 "$JZ" copy "$URL" "$BACK"
t2=$(now)
echo "demo county ($(sqlite3 "$DB" 'SELECT count(*) FROM households') households): SQLite -> PostgreSQL $(took "$t0" "$t1"), PostgreSQL -> SQLite $(took "$t1" "$t2")"
expect_grep "$TMP/out" '各表行数相符' "the copy back counts every table"
expect_grep "$TMP/out" '^households  *300  *300$' "300 households on both sides"
expect_grep "$TMP/out" '目标 [0-9]* 条（含复制记录）校验通过' "the copy's log verifies"
expect_grep "$TMP/out" 'SQLite 上记下的数据指纹相符' "the rows are those the log sealed on SQLite"
[ -f "$BACK.audit-key" ] && ok || bad "the key beside the copy"
n=$(find "$TMP/back" -name '*.tmp*' | wc -l)
[ "$n" = 0 ] && ok || bad "temporary files left: $(ls "$TMP/back")"

# Every table's rows, in key order, as the original has them; the log: the
# original's entries, then the copy into PostgreSQL, the copy back's new
# fingerprints and its record; meta: audit_head names the newest entry.
dump() { # FILE TABLE: its rows, ordered by every column (a total order)
  local cols
  cols=$(sqlite3 "$1" "SELECT group_concat(cid + 1, ',') FROM pragma_table_info('$2')")
  sqlite3 -cmd '.mode quote' "$1" "SELECT * FROM \"$2\" ORDER BY $cols"
}
tables=$(sqlite3 "$DB" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
nt=0
for t in $tables; do
  nt=$((nt + 1))
  case $t in
    audit)
      n=$(sqlite3 "$DB" 'SELECT count(*) FROM audit')
      dump "$DB" audit >"$TMP/a.txt"
      dump "$BACK" audit | head -n "$n" >"$TMP/b.txt"
      extra=$(sqlite3 "$BACK" "SELECT group_concat(action, ' ') FROM audit WHERE seq > $n")
      [ "$extra" = "store.copy audit.rebase store.copy" ] && ok || bad "the new entries: $extra"
      ;;
    meta)
      sqlite3 "$DB" "SELECT * FROM meta WHERE key <> 'audit_head' ORDER BY key" >"$TMP/a.txt"
      sqlite3 "$BACK" "SELECT * FROM meta WHERE key <> 'audit_head' ORDER BY key" >"$TMP/b.txt"
      head=$(sqlite3 "$BACK" "SELECT value FROM meta WHERE key = 'audit_head'")
      last=$(sqlite3 "$BACK" "SELECT seq || ':' || lower(hex(hash)) FROM audit ORDER BY seq DESC LIMIT 1")
      [ "$head" = "$last" ] && ok || bad "audit_head $head, the newest entry $last"
      ;;
    *)
      dump "$DB" "$t" >"$TMP/a.txt"
      dump "$BACK" "$t" >"$TMP/b.txt"
      ;;
  esac
  if cmp -s "$TMP/a.txt" "$TMP/b.txt"; then ok; else bad "table $t differs after the round trip"; diff "$TMP/a.txt" "$TMP/b.txt" | head -10 >&2; fi
done
[ "$nt" -ge 40 ] && ok || bad "only $nt tables compared"
# The schema too (tables, indexes, the log's triggers), and the file is whole.
# In any order: a reassessment that rewrites every household makes its two
# tables again (docs/integrity.md), which puts them last in sqlite_schema.
if cmp -s <(sqlite3 "$DB" .schema | sort) <(sqlite3 "$BACK" .schema | sort); then ok; else
  bad "the schema differs"; diff <(sqlite3 "$DB" .schema | sort) <(sqlite3 "$BACK" .schema | sort) | head -10 >&2; fi
[ "$(sqlite3 "$BACK" 'PRAGMA integrity_check')" = ok ] && ok || bad "integrity_check"
expect_status 0 "$JZ" audit verify "$BACK"
expect_grep "$TMP/out" '审计日志完好' "audit verify on the copy"
expect_grep "$TMP/out" '数据与审计日志相符' "the copy's data checked against its log"

# ---- the same answers from the original and the copy -------------------------------------------
get() {
  curl -fsS -b "$TMP/c.$U" "$BASE$1" | jq -S 'del(.. | .generated_at?, .elapsed_ms?)' 2>/dev/null
}
login() {
  curl -fsS -c "$TMP/c.$U" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$U\",\"password\":\"$PW\"}" "$BASE/api/login" >/dev/null
}
hh=$(sqlite3 "$DB" "SELECT household_id FROM households WHERE region LIKE '140902007%' ORDER BY household_id LIMIT 1 OFFSET 3")
case_id=$(sqlite3 "$DB" "SELECT case_id FROM cases ORDER BY case_id LIMIT 1")
paths_for() {
  case $1 in
    fenxi01) echo "/api/stats?level=township" ;;
    jingban01) echo "/api/households?region=140902007&limit=20 /api/households/$hh /api/cases/$case_id /api/alerts?state=all" ;;
    shenhe01) echo "/api/pay/batches?county=140902" ;;
  esac
}
same_answers orig "$DB" back "$BACK" fenxi01 jingban01 shenhe01 || { bad "the answers were not compared"; finish; exit 1; }

# ---- a target that is not new: refused, untouched ----------------------------------------------
sum=$(md5sum <"$BACK")
expect_status 1 "$JZ" copy "$URL" "$BACK"
expect_grep "$TMP/err" '目标文件已存在且不是空文件' "a non-empty target is refused"
[ "$(md5sum <"$BACK")" = "$sum" ] && ok || bad "the refused target was changed"
# An empty file (made for it) is taken.
: >"$TMP/back/empty.db"
expect_status 0 "$JZ" copy "$URL" "sqlite:$TMP/back/empty.db"
expect_status 0 "$JZ" audit verify "$TMP/back/empty.db"

# One key file named for every database ($JIUZHU_AUDIT_KEY): the source's
# key is used where it is, no key file is made beside the copy.  Another
# key where the copy would keep its own is refused, and left as it was.
pgkey=$(ls "$TMP/keys/$PGDB@"*.audit-key)
cp "$pgkey" "$TMP/one.key"
JIUZHU_AUDIT_KEY=$TMP/one.key expect_status 0 "$JZ" copy "$URL" "$TMP/back/env.db"
[ ! -e "$TMP/back/env.db.audit-key" ] && ok || bad "a key file beside the copy although JIUZHU_AUDIT_KEY names one"
JIUZHU_AUDIT_KEY=$TMP/one.key expect_status 0 "$JZ" audit verify "$TMP/back/env.db"
head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 64 >"$TMP/back/other.db.audit-key"
echo >>"$TMP/back/other.db.audit-key"
sum=$(md5sum <"$TMP/back/other.db.audit-key")
expect_status 1 "$JZ" copy "$URL" "$TMP/back/other.db"
expect_grep "$TMP/err" '不是源数据库的密钥' "another key at the target's key path is refused"
left=$(find "$TMP/back" -name 'other.db*' | wc -l)
[ "$left" = 1 ] && [ "$(md5sum <"$TMP/back/other.db.audit-key")" = "$sum" ] && ok ||
  bad "after a refused copy: $(ls "$TMP/back")"

# ---- changed on PostgreSQL, then back ------------------------------------------------------------
expect_status 0 "$JZ" user disable "$URL" --login fenxi01 --actor 省级管理员
expect_status 0 "$JZ" copy "$URL" "$TMP/back/changed.db"
expect_grep "$TMP/out" '数据在 PostgreSQL 上有改动' "a change made on PostgreSQL is told"
n=$(sqlite3 "$TMP/back/changed.db" "SELECT count(*) FROM users WHERE login = 'fenxi01' AND active = 0")
[ "$n" = 1 ] && ok || bad "the change made on PostgreSQL did not come back"
expect_status 0 "$JZ" audit verify "$TMP/back/changed.db"
expect_grep "$TMP/out" '数据与审计日志相符' "the changed copy's data checked against its log"

# ---- a failure after the new file was made: nothing left -----------------------------------------
# A table SQLite does not have stops the copy once the file is made and
# being filled: its temporary file and key are removed.
psql -X -q "$URL" -c 'CREATE TABLE notes_extra(x bigint)' >/dev/null
expect_status 1 "$JZ" copy "$URL" "$TMP/back/late.db"
expect_grep "$TMP/err" 'notes_extra.*SQLite 的数据库结构中却没有' "a table SQLite lacks is named"
left=$(find "$TMP/back" -name 'late.db*' | wc -l)
[ "$left" = 0 ] && ok || bad "files left after a failed copy: $(ls "$TMP/back")"
psql -X -q "$URL" -c 'DROP TABLE notes_extra' >/dev/null

# ---- a tampered source: refused, nothing written -------------------------------------------------
psql -X -q -v ON_ERROR_STOP=1 "$URL" >"$TMP/psql.log" 2>&1 <<'EOF' || { bad "tampering"; cat "$TMP/psql.log" >&2; }
ALTER TABLE audit DISABLE TRIGGER audit_no_change;
UPDATE audit SET actor = actor || '（改）' WHERE seq = 20;
ALTER TABLE audit ENABLE TRIGGER audit_no_change;
EOF
expect_status 1 "$JZ" copy "$URL" "$TMP/back/tampered.db"
expect_grep "$TMP/err" '审计日志校验不通过' "a tampered source is refused"
expect_grep "$TMP/err" '第 20 条' "the tampered entry is named"
left=$(find "$TMP/back" -name 'tampered.db*' | wc -l)
[ "$left" = 0 ] && ok || bad "files left after a refused copy: $(ls "$TMP/back")"
finish
