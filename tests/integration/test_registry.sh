#!/usr/bin/env bash
# The registry as a user runs it: init, import (with rejected records and a
# report file), re-import without duplicates, bulk reassessment, show, stats.
. "$(dirname "$0")/lib.sh"
EX=$SRC/examples
DB=$(test_db reg.db)

expect_status 0 "$JZ" init "$DB"
expect_grep "$TMP/out" '模式版本' "init reports the schema"
expect_status 1 "$JZ" init "$DB"
expect_grep "$TMP/err" '已存在' "init refuses an existing file"
expect_status 1 "$JZ" import "$(test_db none.db)" "$EX/01-dibao-rural.json"
expect_grep "$TMP/err" 'jiuzhu init' "import into a missing database says what to do"

# JSON Lines: the six examples, one with a bad amount, and a seventh household
# that claims a person of the first (R-HH-3).
for f in "$EX"/*.json; do tr -d '\n' <"$f"; echo; done >"$TMP/ex.jsonl"
sed -i '3s/"26400.00"/"26400.001"/' "$TMP/ex.jsonl"
tr -d '\n' <"$EX/06-temporary-relief.json" |
  sed 's/H140902-000606/H140902-000707/; s/"140902199001010176"/"140902197803120159"/' >>"$TMP/ex.jsonl"
echo >>"$TMP/ex.jsonl"
expect_status 1 "$JZ" import --report "$TMP/report.csv" "$DB" "$TMP/ex.jsonl"
expect_grep "$TMP/err" '入库 5 户，拒绝 2 条' "import counts"
expect_grep "$TMP/report.csv" '原因' "report has a header"
expect_grep "$TMP/report.csv" 'ex.jsonl","3","H140902-000303' "report names file, line, household"
expect_grep "$TMP/report.csv" 'members\[0\].income\[0\].amount' "report names the field"
expect_grep "$TMP/report.csv" 'H140902-000101' "R-HH-3 names the first household"
expect_grep "$TMP/report.csv" 'H140902-000707' "R-HH-3 names the second household"
if head -c 3 "$TMP/report.csv" | od -An -tx1 | grep -q 'ef bb bf'; then ok; else bad "report has no BOM for Excel"; fi

# R-HH-3 after a rejected record within one batch (PostgreSQL writes the
# households it held when the rejection is recorded): a later household
# sharing a person with one written before the rejection is still refused.
sed -n 1,3p "$TMP/ex.jsonl" >"$TMP/after.jsonl"
tr -d '\n' <"$EX/06-temporary-relief.json" |
  sed 's/H140902-000606/H140902-000808/; s/"140902199001010176"/"140902197803120159"/;
       s/"140902199202020282"/"140902199202020303"/; s/"140902198803030350"/"140902198803030385"/' >>"$TMP/after.jsonl"
echo >>"$TMP/after.jsonl"
ADB=$(test_db after.db)
"$JZ" init "$ADB" >/dev/null
expect_status 1 "$JZ" import --report "$TMP/after.csv" "$ADB" "$TMP/after.jsonl"
expect_grep "$TMP/err" '入库 2 户，拒绝 2 条' "the household sharing a person after a rejection is refused"
expect_grep "$TMP/after.csv" '此人已属于户 H140902-000101，不能同时属于户 H140902-000808' "R-HH-3 after a rejection"

# Fix the bad record and import again: updates, no duplicates.
sed -i '3s/"26400.001"/"26400.00"/' "$TMP/ex.jsonl"
expect_status 1 "$JZ" import --report "$TMP/report2.csv" "$DB" "$TMP/ex.jsonl"
expect_grep "$TMP/err" '入库 6 户，拒绝 1 条' "re-import stores the fixed household"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '共 6 户' "six households, not more"
expect_grep "$TMP/out" '小店区' "summary by county"
expect_grep "$TMP/out" '支出型低保' "summary by category"

# The bulk determinations equal the single-record path's.
for f in "$EX"/*.json; do
  hid=$(grep -o '"household_id": "[^"]*"' "$f" | cut -d'"' -f4)
  "$JZ" assess --date 2025-06-01 "$f" >"$TMP/single.json"
  "$JZ" show --json "$DB" "$hid" >"$TMP/shown.json"
  for key in category monthly_amount counted_members; do
    a=$(grep -m1 "\"$key\"" "$TMP/single.json")
    b=$(grep -m1 "\"$key\"" "$TMP/shown.json")
    if [ "$a" = "$b" ]; then ok; else bad "$hid $key: single $a, store $b"; fi
  done
done

expect_status 0 "$JZ" show "$DB" H140902-000303
expect_grep "$TMP/out" '最新认定结果' "show prints the stored determination"
expect_grep "$TMP/out" 'R-SINGLE-2' "show prints the trace"
expect_grep "$TMP/out" '"household_id": "H140902-000303"' "show prints the record"
expect_status 0 "$JZ" show "$DB" 140902199506060531
expect_grep "$TMP/out" 'H140902-000303' "show by a person's ID number"
expect_status 1 "$JZ" show "$DB" H-nobody

expect_status 0 "$JZ" stats "$DB" --level city
expect_grep "$TMP/out" '太原市' "stats by city"
expect_grep "$TMP/out" '合计' "stats total"
expect_status 0 "$JZ" stats "$DB" --level county --region 1409
expect_no_grep "$TMP/out" '小店区' "stats restricted to a region"
expect_status 2 "$JZ" stats "$DB" --level village

# What-if on one region without writing.
expect_status 0 "$JZ" assess --db "$DB" --region 1401 --param dibao.standard.urban=2000 --dry-run
expect_grep "$TMP/out" '共 2 户' "region selects two households"
expect_grep "$TMP/out" '未写入正式认定结果' "a what-if says it wrote nothing official"
expect_status 2 "$JZ" assess --db "$DB" --region abc

# A recipient household re-imported with a new address (moved village)
# keeps its enrolment: the import neither fails nor enrols it twice.
RDB=$(test_db moved.db)
expect_status 0 "$JZ" init "$RDB"
cat >"$TMP/moved1.json" <<'EOF'
{"household_id":"H140902-900005","region":"140902101201","area":"rural","assess_date":"2025-06-02","current":{"programme":"dibao","since":"2023-01-01","monthly_amount":"1058.00"},"members":[{"id":"14090219700404011X","name":"郭大","relation":"head","employment":"unemployed","income":[{"kind":"wage","amount":"3000.00"}]},{"id":"140902197205050226","name":"郭妻","relation":"spouse","employment":"unemployed"}]}
EOF
sed 's/"region":"140902101201"/"region":"140902102202"/' "$TMP/moved1.json" >"$TMP/moved2.json"
expect_status 0 "$JZ" import "$RDB" "$TMP/moved1.json"
expect_status 0 "$JZ" import "$RDB" "$TMP/moved2.json"
expect_grep "$TMP/err" '入库 1 户' "the moved household is stored"
expect_status 0 "$JZ" enrolment list "$RDB" --household H140902-900005
expect_lines <(grep '最低生活保障' "$TMP/out") 1 "one enrolment, not two"
expect_status 0 "$JZ" enrolment list "$RDB" --region 140902102202
expect_grep "$TMP/out" 'H140902-900005' "the enrolment moved with the household to its new village"
expect_status 0 "$JZ" enrolment list "$RDB" --region 140902101201
expect_no_grep "$TMP/out" 'H140902-900005' "and is no longer listed in the old one"

finish
