#!/usr/bin/env bash
# The PostgreSQL server killed (pg_ctl stop -m immediate: a crash) at 20
# random moments of an import (new households, and once they are all in,
# the same file again: replacements), restarted, and the import run again
# each time: in the end every household is there once, with its members, the
# recipients it brought in and the directories, exactly as the same file
# imported into SQLite without a crash, and the audit log verifies.
# Needs PostgreSQL 15 (it starts its own cluster with scripts/pg.sh, to kill
# it); skipped (77) without JZ_TEST_PG, the sign scripts/test.sh gives that
# PostgreSQL is there.
. "$(dirname "$0")/lib.sh"

own_cluster pgkill
export JIUZHU_AUDIT_KEY_DIR=$TMP/keys
mkdir -p "$TMP/keys"
URL=${base%/}/kill
N=3000

"$JZ" gen --households $N --seed 11 --region 1409 "$TMP/g.jsonl" >/dev/null 2>&1
# The reference: the same file into SQLite, no crash.
expect_status 0 "$JZ" init "$TMP/ref.db"
expect_status 0 "$JZ" import "$TMP/ref.db" "$TMP/g.jsonl"
ref_hh=$(sqlite3 "$TMP/ref.db" "SELECT count(*) FROM households")
ref_m=$(sqlite3 "$TMP/ref.db" "SELECT count(*) FROM members")
ref_e=$(sqlite3 "$TMP/ref.db" "SELECT count(*) FROM enrolments")
ref_a=$(sqlite3 "$TMP/ref.db" "SELECT count(*) FROM alerts")

expect_status 0 "$JZ" init "$URL"
kills=0
for i in $(seq 1 40); do
  [ "$kills" -lt 20 ] || break
  "$JZ" import --batch 200 "$URL" "$TMP/g.jsonl" >"$TMP/imp.$i" 2>&1 &
  pid=$!
  # A random moment: 50 to 1500 ms into the import.
  sleep "$(awk -v s=$((RANDOM)) 'BEGIN { srand(s); printf "%.2f", 0.05 + rand() * 1.45 }')"
  if kill -0 $pid 2>/dev/null; then
    "${PGSH[@]}" stop "$PGDIR" immediate >/dev/null 2>&1 && kills=$((kills + 1))
  fi
  wait $pid
  "${PGSH[@]}" restart "$PGDIR" >/dev/null 2>&1 || { bad "restart $i"; break; }
done
if [ "$kills" -eq 20 ]; then ok; else bad "only $kills kills happened during an import in 40 tries"; fi
# The last run finishes (resuming where the committed batches stopped).
expect_status 0 "$JZ" import --batch 200 "$URL" "$TMP/g.jsonl"
expect_grep "$TMP/err" "入库" "the resumed import says what it stored"
q() { psql -X -A -t "$URL" -c "$1"; }
for pair in "households:$ref_hh" "members:$ref_m" "enrolments:$ref_e" "alerts:$ref_a" \
  "household_ids:$ref_hh" "person_ids:$ref_m"; do
  t=${pair%%:*} want=${pair#*:}
  got=$(q "SELECT count(*) FROM $t")
  if [ "$got" = "$want" ]; then ok; else bad "$t: $got after $kills crashes, $want without"; fi
done
dup=$(q "SELECT count(*) FROM (SELECT household_id FROM households GROUP BY 1 HAVING count(*) > 1) d")
if [ "$dup" = 0 ]; then ok; else bad "$dup households twice"; fi
half=$(q "SELECT count(*) FROM households h WHERE n_members <> (SELECT count(*) FROM members m WHERE m.county = h.county AND m.hh = h.hh)")
if [ "$half" = 0 ]; then ok; else bad "$half households half-written"; fi
# The same determinations as the reference after assessing both.
expect_status 0 "$JZ" assess --db "$TMP/ref.db"
expect_status 0 "$JZ" assess --db "$URL"
"$JZ" stats "$TMP/ref.db" >"$TMP/s1"
"$JZ" stats "$URL" >"$TMP/s2"
if cmp -s "$TMP/s1" "$TMP/s2"; then ok; else bad "the statistics differ"; diff "$TMP/s1" "$TMP/s2" | head >&2; fi
expect_status 0 "$JZ" audit verify "$URL"
expect_grep "$TMP/out" '审计日志完好' "the log verifies after the crashes"
finish
