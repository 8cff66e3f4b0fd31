#!/usr/bin/env bash
# An official reassessment writes only the households whose determination
# changed (docs/registry.md, "Writing back only what changed"): again on the
# same data it writes none; a changed record, a changed standard, a run on a
# date that changes an outcome write just those households; and what is
# stored in the end is what a single run on a fresh database stores.
. "$(dirname "$0")/lib.sh"
DB=$(test_db reg.db)
FRESH=$(test_db fresh.db)

"$JZ" gen --households 400 --seed 11 --region 1409 --date 2025-06-01 "$TMP/hh.jsonl" 2>/dev/null
expect_status 0 "$JZ" init "$DB"
"$JZ" import "$DB" "$TMP/hh.jsonl" >/dev/null 2>&1

# What a run wrote, from its audit entry (the newest assess.run).
last_run() { db_sql "$DB" "SELECT after FROM audit WHERE action = 'assess.run' ORDER BY seq DESC LIMIT 1"; }
# The stored determinations but their run, parameter row and date, by household,
# with their persons' results (one row per household).
stored() {
  db_sql "$1" "SELECT h.household_id, d.category, d.causes, d.monthly_amount, d.counted_members,
      d.standard, d.income, d.deductible, d.financial, d.exit_until, d.decisive, d.record_version,
      d.persons, d.tekun, d.tekun_amount, d.single, d.single_amount, d.units_amount
    FROM determinations d JOIN households h ON h.hh = d.hh AND h.county = d.county ORDER BY 1"
}

expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '写入 400 户，0 户结论未变' "the first run writes every household"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '写入 0 户，400 户结论未变' "the same run again writes nothing"
expect_grep <(last_run) '"unchanged":400' "its audit entry says 400 unchanged"
expect_grep <(last_run) '"written":0' "and none written"
first=$(db_sql "$DB" "SELECT min(run) FROM runs")
expect_grep <(db_sql "$DB" "SELECT count(*) FROM determinations WHERE run = $first") '^400$' \
  "every determination is still the first run's"

# One household's record changes (a member's name: the outcome is the same,
# the record's version is not): that household alone is written.
hid=$(head -1 "$TMP/hh.jsonl" | grep -o '"household_id": *"[^"]*"' | cut -d'"' -f4)
head -1 "$TMP/hh.jsonl" | sed 's/"name": *"\([^"]*\)"/"name":"\1甲"/' >"$TMP/one.jsonl"
"$JZ" import "$DB" "$TMP/one.jsonl" >/dev/null 2>&1
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '写入 1 户，399 户结论未变' "a changed record is written, alone"
expect_grep <(db_sql "$DB" "SELECT d.record_version FROM determinations d JOIN households h
    ON h.hh = d.hh AND h.county = d.county WHERE h.household_id = '$hid'") '^2$' \
  "with the record's new version"

# A new rural standard for one county from 2025-03-01: its households are
# written (the parameters they were assessed under changed), no other.
cp -r "$SRC/policy" "$TMP/policy"
county=$(db_sql "$DB" "SELECT county FROM households GROUP BY county ORDER BY count(*) DESC, county LIMIT 1")
n_county=$(db_sql "$DB" "SELECT count(*) FROM households WHERE county = '$county'")
cat >"$TMP/policy/params/90-test.json" <<EOF
{"description": "test", "params": [
  {"name": "dibao.standard.rural", "value": "900.00", "region": "$county", "from": "2025-03-01",
   "source": "test"}]}
EOF
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --policy "$TMP/policy"
expect_grep "$TMP/out" "写入 $n_county 户，$((400 - n_county)) 户结论未变" \
  "a county's new standard writes its $n_county households, no other"

# A later date changes some outcomes (ages, R-EXIT-1's months): a run on it
# writes those, and a run on the first date again writes them back.
expect_status 0 "$JZ" assess --db "$DB" --date 2025-12-01 --policy "$TMP/policy"
moved=$(grep -o '写入 [0-9]* 户' "$TMP/out" | grep -o '[0-9]*')
if [ "${moved:-0}" -gt 0 ] && [ "$moved" -lt 400 ]; then ok; else
  bad "a later date should change some outcomes, not all: $moved"; fi
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --policy "$TMP/policy"
expect_grep "$TMP/out" "写入 $moved 户" "and the first date again writes the same households back"

# What is stored equals a single run's on a fresh database of the same data.
expect_status 0 "$JZ" init "$FRESH"
"$JZ" import "$FRESH" "$TMP/hh.jsonl" >/dev/null 2>&1
"$JZ" import "$FRESH" "$TMP/one.jsonl" >/dev/null 2>&1
expect_status 0 "$JZ" assess --db "$FRESH" --date 2025-06-01 --policy "$TMP/policy"
stored "$DB" >"$TMP/kept.txt"
stored "$FRESH" >"$TMP/fresh.txt"
expect_lines "$TMP/kept.txt" "$(wc -l <"$TMP/fresh.txt")" "as many rows as a fresh run"
[ -s "$TMP/kept.txt" ] && grep -q '|[0-9]*,[0-9]*,[0-9,;-]*|' "$TMP/kept.txt" && ok ||
  bad "the stored determinations keep no persons' results"
if cmp -s "$TMP/kept.txt" "$TMP/fresh.txt"; then ok; else
  bad "stored determinations differ from a fresh run's: $(diff "$TMP/kept.txt" "$TMP/fresh.txt" | head -3)"; fi

expect_status 0 "$JZ" audit verify "$DB"

# Every county's standards 5 % higher: every household is written, the
# tables of determinations emptied whole and written again (their old rows
# read on a connection of their own on SQLite), and the audit log still
# accounts for every row of them.
cp -r "$SRC/policy" "$TMP/policy-all"
python3 - "$SRC/policy/params/10-standards.json" "$TMP/policy-all/params/90-all.json" <<'PY'
import json, sys
out = []
for p in json.load(open(sys.argv[1]))["params"]:
    if p["name"] in ("dibao.standard.urban", "dibao.standard.rural") and p["from"] == "2025-01-01":
        yuan, fen = p["value"].split(".")
        v = (int(yuan) * 100 + int(fen)) * 105 // 100
        out.append({"name": p["name"], "value": "%d.%02d" % (v // 100, v % 100),
                    "region": p["region"], "from": "2025-03-01", "source": "test: +5 %"})
json.dump({"description": "test: every standard +5 %", "params": out}, open(sys.argv[2], "w"))
PY
# (On SQLite the two tables are emptied by being made again, as they were.)
tables() {
  on_pg || sqlite3 "$DB" "SELECT type, name, sql FROM sqlite_schema
    WHERE tbl_name = 'determinations' ORDER BY name"
}
tables_before=$(tables)
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --policy "$TMP/policy-all"
expect_grep "$TMP/out" '写入 400 户，0 户结论未变' "every standard raised writes every household"
[ "$(tables)" = "$tables_before" ] && ok || bad "the tables emptied are not made again as they were"
expect_status 0 "$JZ" audit verify "$DB"
expect_data_verified "$TMP/out" "the data agree with the log"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --policy "$TMP/policy"
expect_grep "$TMP/out" '写入 400 户，0 户结论未变' "and back, every household again"
expect_status 0 "$JZ" audit verify "$DB"
expect_data_verified "$TMP/out" "the data agree with the log"

# On PostgreSQL a snapshot of 20,000 members or more is read on two
# connections at once (half of the counties each, in one exported
# snapshot): its determinations are those SQLite stores for the same data.
if on_pg; then
  BIG=$(test_db big.db)
  "$JZ" gen --households 8000 --seed 12 --date 2025-06-01 "$TMP/big.jsonl" 2>/dev/null
  "$JZ" init "$BIG" >/dev/null
  "$JZ" import "$BIG" "$TMP/big.jsonl" >/dev/null 2>&1
  "$JZ" init "$TMP/big-sqlite.db" >/dev/null
  "$JZ" import "$TMP/big-sqlite.db" "$TMP/big.jsonl" >/dev/null 2>&1
  expect_status 0 "$JZ" assess --db "$BIG" --date 2025-06-01
  expect_grep "$TMP/out" '共 8000 户 2[0-9][0-9][0-9][0-9] 人' "the big snapshot has 20,000 members or more"
  expect_status 0 "$JZ" assess --db "$TMP/big-sqlite.db" --date 2025-06-01
  stored "$BIG" >"$TMP/big-pg.txt"
  stored "$TMP/big-sqlite.db" >"$TMP/big-sq.txt"
  if [ -s "$TMP/big-pg.txt" ] && cmp -s "$TMP/big-pg.txt" "$TMP/big-sq.txt"; then ok; else
    bad "a snapshot read on two connections assesses otherwise than SQLite"; fi
  # A what-if compares with what is stored (the household's amount and its
  # persons' 特困 and 单人保 amounts, summed in one query on PostgreSQL): the
  # same table as SQLite's.
  for db in "$BIG" "$TMP/big-sqlite.db"; do
    JIUZHU_SNAPSHOT_CACHE=off "$JZ" assess --db "$db" --date 2025-06-01 --what-if \
      --policy "$TMP/policy-all" 2>&1 | grep -v '^共 ' >"$TMP/whatif-$(basename "$db").txt"
  done
  if grep -q '→' "$TMP/whatif-$(basename "$BIG").txt" &&
    cmp -s "$TMP/whatif-$(basename "$BIG").txt" "$TMP/whatif-big-sqlite.db.txt"; then ok; else
    bad "the what-if on PostgreSQL differs from SQLite's: $(diff "$TMP/whatif-$(basename "$BIG").txt" \
      "$TMP/whatif-big-sqlite.db.txt" | head -3)"; fi
  # Again with nothing changed: from 5,000 households on, the stored
  # determinations' digests are read on two connections, half the households
  # each; every household is found unchanged all the same.
  expect_status 0 "$JZ" assess --db "$BIG" --date 2025-06-01
  expect_grep "$TMP/out" '写入 0 户，8000 户结论未变' "a big region reassessed unchanged writes nothing"
  # The import's enrolments of new households are copied on PostgreSQL (with
  # their first term and payment mark), written by statements on SQLite:
  # the same rows either way.
  enrolled() {
    db_sql "$1" "SELECT e.household_id, e.county, e.region, e.member, e.label, e.programme,
        e.persons, e.monthly, e.first_month, e.status, e.end_month, e.next_review,
        e.review_months, e.death_check_due, e.to_recover, e.stop_reason, e.member_id, e.judged,
        e.origin, coalesce(e.case_id, 0), t.since, t.monthly, t.persons, d.county
      FROM enrolments e LEFT JOIN enrol_terms t ON t.enrolment = e.enrolment
      LEFT JOIN pay_dirty d ON d.enrolment = e.enrolment
      JOIN households h ON h.hh = e.hh AND h.county = e.county
      ORDER BY e.household_id, e.member_id, e.programme, t.since"
  }
  enrolled "$BIG" >"$TMP/enr-pg.txt"
  enrolled "$TMP/big-sqlite.db" >"$TMP/enr-sq.txt"
  if [ "$(wc -l <"$TMP/enr-pg.txt")" -gt 500 ] && cmp -s "$TMP/enr-pg.txt" "$TMP/enr-sq.txt"; then ok; else
    bad "enrolments copied on PostgreSQL differ from SQLite's: $(diff "$TMP/enr-pg.txt" "$TMP/enr-sq.txt" | head -4)"; fi
else
  # On SQLite, from 5,000 households on, the stored determinations' digests
  # are read on two connections, half the households each: every household
  # is found unchanged all the same, and one changed behind jiuzhu's back in
  # each half is written again.
  BIG=$TMP/big.db
  "$JZ" gen --households 8000 --seed 12 --date 2025-06-01 "$TMP/big.jsonl" 2>/dev/null
  "$JZ" init "$BIG" >/dev/null
  "$JZ" import "$BIG" "$TMP/big.jsonl" >/dev/null 2>&1
  expect_status 0 "$JZ" assess --db "$BIG" --date 2025-06-01
  expect_status 0 "$JZ" assess --db "$BIG" --date 2025-06-01
  expect_grep "$TMP/out" '写入 0 户，8000 户结论未变' "a big region reassessed unchanged writes nothing"
  sqlite3 "$BIG" "UPDATE determinations SET monthly_amount = monthly_amount + 1
    WHERE hh IN ((SELECT min(hh) FROM determinations), (SELECT max(hh) FROM determinations))"
  expect_status 0 "$JZ" assess --db "$BIG" --date 2025-06-01
  expect_grep "$TMP/out" '写入 2 户，7998 户结论未变' "a changed row in each half is written again"
fi

# A determination changed in the database behind jiuzhu's back is written
# again by the next run (the comparison reads the stored rows, not a mark).
db_exec_super "$DB" "UPDATE determinations SET monthly_amount = monthly_amount + 1
  WHERE hh = (SELECT hh FROM households WHERE household_id = '$hid')"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --policy "$TMP/policy"
expect_grep "$TMP/out" '写入 1 户，399 户结论未变' "a tampered determination is written again"
stored "$DB" >"$TMP/kept.txt"
if cmp -s "$TMP/kept.txt" "$TMP/fresh.txt"; then ok; else bad "the tampered row was not mended"; fi
finish
