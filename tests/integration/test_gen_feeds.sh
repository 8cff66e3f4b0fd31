#!/usr/bin/env bash
# jiuzhu gen --format feeds: department files for a generated registry with
# planted warning signals; monitoring must raise exactly the planted alerts,
# every one and nothing else (issue: "check that monitoring finds every one").
. "$(dirname "$0")/lib.sh"
MDB=$(test_db m.db)

expect_status 0 "$JZ" gen --households 2500 --seed 11 --region 1409 "$TMP/reg.jsonl"
expect_status 0 "$JZ" gen --households 2500 --seed 11 --region 1409 --format feeds "$TMP/feeds"
expect_grep "$TMP/err" '预置预警信号' "the planted signals are counted"
planted=$(($(wc -l <"$TMP/feeds/planted.csv") - 1))
if [ "$planted" -gt 100 ]; then ok; else bad "only $planted signals planted"; fi
# Deterministic: the same run writes the same files.
expect_status 0 "$JZ" gen --households 2500 --seed 11 --region 1409 --format feeds "$TMP/again"
if diff -r "$TMP/feeds" "$TMP/again" >/dev/null; then ok; else bad "two runs with one seed differ"; fi

expect_status 0 "$JZ" init "$MDB"
expect_status 0 "$JZ" import "$MDB" "$TMP/reg.jsonl"
for f in "$TMP"/feeds/*.csv; do
  d=$(basename "$f" .csv)
  [ "$d" = planted ] && continue
  expect_status 0 "$JZ" feed import "$MDB" "$d" "$f"
done
expect_status 0 "$JZ" monitor run "$MDB" --date 2025-06-01
expect_grep "$TMP/out" "新预警 $planted 条" "as many alerts as planted signals"
n=$(db_sql "$MDB" "SELECT count(*) FROM alerts WHERE indicator = 24")
if [ "$n" -gt 0 ]; then ok; else bad "the import raised no alert for recipients no longer eligible"; fi

# The same set: indicator, category and person.
names="medical_spike earner_death unstable_income disaster_loss severe_disability serious_illness school_entry recipient_death property vehicle business payroll imprisoned no_premium complex double_enrolment deposits union_hardship veteran_hardship marital_change housing_fund pension pension_contribution traffic_accident"
# Monitoring's alerts: the import raised its own for recipients whose record
# says they receive a programme the engine no longer finds (indicator 24,
# ineligible_recipient), which the feeds do not plant.
db_sql "$MDB" "SELECT indicator, category, id_number FROM alerts WHERE indicator <> 24" |
  awk -F'|' -v names="$names" 'BEGIN { split(names, n, " ") }
    { printf "%s,%s,%s\n", n[$1 + 1], substr("ABCD", $2 + 1, 1), $3 }' | sort >"$TMP/found.txt"
tail -n +2 "$TMP/feeds/planted.csv" | sort >"$TMP/planted.txt"
if cmp -s "$TMP/planted.txt" "$TMP/found.txt"; then ok; else
  bad "the alerts are not the planted signals"
  diff "$TMP/planted.txt" "$TMP/found.txt" | head >&2
fi
for c in A B C D; do
  expect_grep "$TMP/planted.txt" ",$c," "signals of category $c are planted"
done
# Every indicator a department's data raises is planted (issue 11: the
# departments added), and deaths come from 公安 and from 殡葬.
for i in deposits union_hardship veteran_hardship marital_change housing_fund pension \
  pension_contribution traffic_accident earner_death recipient_death; do
  expect_grep "$TMP/planted.txt" "^$i," "$i is planted"
done
[ "$(wc -l <"$TMP/feeds/funeral.csv")" -gt 1 ] && ok || bad "no 殡葬 records"
# Monitoring again on later dates over the same feeds raises nothing new.
for d in 2025-06-02 2025-08-01; do
  expect_status 0 "$JZ" monitor run "$MDB" --date "$d"
  expect_grep "$TMP/out" '新预警 0 条' "nothing new on $d"
done

finish
