#!/usr/bin/env bash
# A county's SQLite store copied into PostgreSQL (jiuzhu copy) and served
# from there unchanged: the demo county of the web tests (households, cases,
# alerts, payment batches, users) is built in SQLite, copied with every
# table's rows counted on both sides and the audit log verified, and then
# the same requests of a user of each role answer the same JSON from a
# server on the SQLite file and from one on the PostgreSQL copy.  The copy
# goes on working: a case is stepped on PostgreSQL, and its log still
# verifies.  Skipped (77) without JZ_TEST_PG (scripts/test.sh sets it).
. "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"

if [ -z "${JZ_TEST_PG:-}" ]; then
  echo "skipped: JZ_TEST_PG is not set (scripts/test.sh starts a PostgreSQL cluster)"
  exit 77
fi
export JIUZHU_ARGON2_FAST=1 JIUZHU_DEMO_PASSWORD='演示密码-Jiuzhu-2026' JIUZHU_AUDIT_KEY_DIR=$TMP/keys
mkdir -p "$TMP/keys"
PW=$JIUZHU_DEMO_PASSWORD
base=${JZ_TEST_PG%/}/
PGDB=jz_copy_$$
URL=$base$PGDB
cleanup() {
  stop_server >/dev/null 2>&1
  psql -X -q "${base}postgres" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1
  [ -n "${JZ_KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

bash "$SRC/tests/e2e/demo-db.sh" "$JZ" "$TMP/demo" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; bad "demo database"; finish; exit 1; }
DB=$TMP/demo/demo.db

# ---- the copy ------------------------------------------------------------------------------
expect_status 0 "$JZ" copy "$DB" "$URL"
expect_grep "$TMP/out" '各表行数相符' "the copy counts every table"
expect_grep "$TMP/out" '^households  *300  *300$' "300 households on both sides"
expect_grep "$TMP/out" '目标 [0-9]* 条（含复制记录）校验通过' "the target's log verifies"
for t in cases alerts pay_lines users audit; do
  a=$(sqlite3 "$DB" "SELECT count(*) FROM $t")
  b=$(psql -X -A -t "$URL" -c "SELECT count(*) FROM $t")
  [ "$t" = audit ] && b=$((b - 1)) # the copy's own entry
  if [ "$a" = "$b" ] && [ "$a" -gt 0 ]; then ok; else bad "$t: $a in SQLite, $b in PostgreSQL"; fi
done
# Partitioned by county: the county's partition holds the households.
n=$(psql -X -A -t "$URL" -c "SELECT count(*) FROM households_140902")
if [ "$n" = 300 ]; then ok; else bad "households_140902 holds $n"; fi
# Again into the same database: refused, nothing changed.
expect_status 1 "$JZ" copy "$DB" "$URL"
expect_grep "$TMP/err" '不是空库' "a second copy is refused"
expect_status 0 "$JZ" audit verify "$URL"
expect_grep "$TMP/out" '审计日志完好' "audit verify on PostgreSQL"

# ---- the same answers from both ---------------------------------------------------------------
# get URL PATH: the JSON of PATH as user $U, keys sorted.
get() {
  curl -fsS -b "$TMP/c.$U" "$BASE$1" | jq -S 'del(.. | .generated_at?, .elapsed_ms?)' 2>/dev/null
}
login() {
  curl -fsS -c "$TMP/c.$U" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$U\",\"password\":\"$PW\"}" "$BASE/api/login" >/dev/null
}
hh=$(sqlite3 "$DB" "SELECT household_id FROM households WHERE region LIKE '140902007%' ORDER BY household_id LIMIT 1 OFFSET 3")
village=$(awk -F'\t' '$3 == "assistant" {print $4; exit}' "$TMP/demo/users.tsv")
case_id=$(sqlite3 "$DB" "SELECT case_id FROM cases ORDER BY case_id LIMIT 1")
paths_for() {
  case $1 in
    fenxi01) echo "/api/stats?level=township /api/stats?level=county&months=24" ;;
    jingban01) echo "/api/households?region=140902007&limit=20 /api/households/$hh /api/cases /api/cases/$case_id /api/alerts?state=all /api/enrolments?region=140902007 /api/villages/$village/postings" ;;
    shenhe01) echo "/api/pay/batches?county=140902 /api/cases/due?all=true" ;;
  esac
}
same_answers sqlite "$DB" pg "$URL" fenxi01 jingban01 shenhe01 || { bad "the answers were not compared"; finish; exit 1; }

# ---- it goes on working on PostgreSQL --------------------------------------------------------
start_server "$URL" || { bad "server on PostgreSQL"; finish; exit 1; }
U=jingban01
login
open=$(psql -X -A -t "$URL" -c "SELECT case_id FROM cases WHERE state = 0 ORDER BY case_id LIMIT 1")
on=$(psql -X -A -t "$URL" -c "SELECT to_char(make_date(accepted_on::int / 10000, accepted_on::int / 100 % 100, accepted_on::int % 100), 'YYYY-MM-DD') FROM cases WHERE case_id = $open")
csrf=$(curl -fsS -b "$TMP/c.$U" "$BASE/api/me" | jq -r .csrf_token)
code=$(curl -sS -o "$TMP/step.json" -w '%{http_code}' -b "$TMP/c.$U" -H "X-CSRF-Token: $csrf" \
  -H 'Content-Type: application/json' -d "{\"action\":\"investigate\",\"date\":\"$on\",\"note\":\"入户调查\"}" \
  "$BASE/api/cases/$open/steps")
if [ "$code" = 200 ]; then ok; else bad "a step on PostgreSQL: $code $(cat "$TMP/step.json")"; fi
stop_server
expect_status 0 "$JZ" audit verify "$URL"
expect_grep "$TMP/out" '审计日志完好' "the log verifies after work on PostgreSQL"
finish
