#!/usr/bin/env bash
# Issue 11, monitoring: no alert twice for the same facts (runs on several
# dates over the same feeds), deaths (R-DEATH-1 for 低保 recipients only; an
# earner's death needs others left), and resolving as terminated only after
# a review that stopped the assistance; step names in Chinese.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=张科员
DB=$(test_db m.db)
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" import "$DB" "$SRC"/examples/*.json

# idnum FIRST17: the ID number with its check character (GB 11643).
idnum() {
  awk -v s="$1" 'BEGIN { split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ");
    for (i = 1; i <= 17; i++) t += substr(s, i, 1) * w[i];
    printf "%s%s\n", s, substr("10X98765432", t % 11 + 1, 1) }'
}
alone=$(idnum 14090219700101001)       # a one-person household's earner
marg_head=$(idnum 14090219750202001)   # a 低保边缘 household's main earner
marg_wife=$(idnum 14090219770303002)
slide=$(idnum 11010119800505001)       # outside the registry (Beijing)
cat >"$TMP/alone.json" <<JSON
{"household_id": "H140902-000707", "region": "140902001003", "area": "rural",
 "members": [{"id": "$alone", "name": "孤老三", "relation": "head",
   "employment": "employed", "income": [{"kind": "wage", "amount": "20000.00"}]}]}
JSON
cat >"$TMP/marg.json" <<JSON
{"household_id": "H140902-000808", "region": "140902001003", "area": "rural",
 "current": {"programme": "marginal", "since": "2024-01-01", "monthly_amount": "0.00"},
 "members": [{"id": "$marg_head", "name": "边一", "relation": "head",
   "employment": "employed", "income": [{"kind": "wage", "amount": "30000.00"}]},
  {"id": "$marg_wife", "name": "边二", "relation": "spouse"}]}
JSON
expect_status 0 "$JZ" import "$DB" "$TMP/alone.json" "$TMP/marg.json"
dibao_child=$(grep -o '[0-9]\{17\}[0-9X]' "$SRC/examples/05-gradual-exit.json" | tail -1)

# ---- no alert twice: the 12-month window slides -------------------------------------
printf 'id_number,name,kind,date,total,out_of_pocket\n%s,外地人,settlement,2024-08-01,30000,25000\n%s,外地人,settlement,2025-03-01,25000,21000\n' \
  "$slide" "$slide" >"$TMP/med.csv"
expect_status 0 "$JZ" feed import "$DB" medical "$TMP/med.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-06-01
expect_grep "$TMP/out" '新预警 1 条' "the spike: one alert on both settlements"
# Later dates, unchanged feeds: the 2025-03-01 settlement alone still passes
# the threshold once 2024-08-01 has left the window; it is the same fact.
for d in 2025-07-01 2025-09-01 2025-12-01 2026-02-27; do
  expect_status 0 "$JZ" monitor run "$DB" --date "$d"
  expect_grep "$TMP/out" '新预警 0 条' "nothing new on $d"
done
n=$(db_sql "$DB" "SELECT count(*) FROM alerts WHERE id_number = '$slide'")
[ "$n" = 1 ] && ok || bad "one alert for the person, not $n"
med=$(db_sql "$DB" "SELECT alert FROM alerts WHERE id_number = '$slide' AND indicator = 0")
# New costs while it is open join it: its evidence and amount grow.
printf 'id_number,name,kind,date,total,out_of_pocket\n%s,外地人,settlement,2025-09-10,4000,3000\n' "$slide" >"$TMP/med2.csv"
expect_status 0 "$JZ" feed import "$DB" medical "$TMP/med2.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-10-01
expect_grep "$TMP/out" '新预警 0 条' "new costs raise nothing new"
expect_grep "$TMP/out" '追加到未办结预警 1 条' "they are added to the open alert"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-10-02
expect_grep "$TMP/out" '追加到未办结预警 0 条' "and only once"
db_sql "$DB" "SELECT amount FROM alerts WHERE alert = $med" >"$TMP/amt.txt"
expect_grep "$TMP/amt.txt" '^4900000$' "the amount grows: 25000 + 21000 + 3000 yuan"
expect_status 0 "$JZ" alert show "$DB" "$med"
expect_grep "$TMP/out" '追加依据' "the addition is a step of the alert"
expect_grep "$TMP/out" '2025-09-10  医保 医疗费用结算 3000.00 元' "its row is evidence"
db_sql "$DB" "SELECT count(*) FROM audit WHERE action = 'alert.evidence'" >"$TMP/n.txt"
expect_grep "$TMP/n.txt" '^1$' "the addition is audited"
# Resolved: the rows it has never raise it again; new rows must reach the
# threshold on their own.
expect_status 0 "$JZ" alert resolve "$DB" "$med" --outcome referred --note 已转医保 --date 2025-10-03
printf 'id_number,name,kind,date,total,out_of_pocket\n%s,外地人,settlement,2025-10-10,6000,5000\n' "$slide" >"$TMP/med3.csv"
expect_status 0 "$JZ" feed import "$DB" medical "$TMP/med3.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-11-01
expect_grep "$TMP/out" '新预警 0 条' "5000 yuan alone after the resolved spike: nothing"
printf 'id_number,name,kind,date,total,out_of_pocket\n%s,外地人,settlement,2025-11-10,20000,15000\n' "$slide" >"$TMP/med4.csv"
expect_status 0 "$JZ" feed import "$DB" medical "$TMP/med4.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-12-01
expect_grep "$TMP/out" '新预警 1 条' "5000 + 15000 new yuan reach the threshold: a new spike"
db_sql "$DB" "SELECT amount FROM alerts WHERE id_number = '$slide' AND status <> 3" >"$TMP/amt.txt"
expect_grep "$TMP/amt.txt" '^2000000$' "counting only the new settlements"

# ---- deaths ---------------------------------------------------------------------------
printf 'id_number,name,death_date\n%s,孤老三,2025-05-01\n%s,边一,2025-05-02\n%s,钱多多,2025-04-15\n' \
  "$alone" "$marg_head" "$dibao_child" >"$TMP/death.csv"
expect_status 0 "$JZ" feed import "$DB" death "$TMP/death.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-06-01
db_sql "$DB" "SELECT indicator, category, due_on FROM alerts WHERE id_number = '$alone'" >"$TMP/a.txt"
expect_lines "$TMP/a.txt" 0 "a one-person household's death is nobody's income drop"
# (24, ineligible_recipient: the import found the record's 低保边缘 no longer
# holds for 30,000 yuan; not this test's subject.)
db_sql "$DB" "SELECT indicator, category FROM alerts WHERE id_number = '$marg_head' AND indicator <> 24" >"$TMP/a.txt"
expect_grep "$TMP/a.txt" '^1|1$' "a 低保边缘 household's earner: an income drop (B), not R-DEATH-1"
expect_lines "$TMP/a.txt" 1 "and only that"
db_sql "$DB" "SELECT indicator, category, due_on FROM alerts WHERE id_number = '$dibao_child'" >"$TMP/a.txt"
expect_grep "$TMP/a.txt" '^7|3|20250715$' "a 低保 recipient: D, due 3 months after the death (R-DEATH-1)"
# 殡葬's record of the same death joins the open alert.
printf 'id_number,name,death_date,funeral_home\n%s,钱多多,2025-04-15,太原市殡仪馆\n' "$dibao_child" >"$TMP/fun.csv"
expect_status 0 "$JZ" feed import "$DB" 殡葬 "$TMP/fun.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-06-02
expect_grep "$TMP/out" '新预警 0 条' "the funeral record is not a second death"
expect_grep "$TMP/out" '追加到未办结预警 1 条' "it is added to the death alert"
# An old combined 公安/殡葬 file still imports.
expect_status 0 "$JZ" feed import "$DB" 公安/殡葬 "$TMP/death.csv"

# ---- resolving as terminated -----------------------------------------------------------
for st in "accept $DB H140902-000404 --date 2025-01-20" "investigate $DB 1 --date 2025-01-22" \
  "verify $DB 1 --date 2025-01-23" "preliminary $DB 1 --date 2025-02-05" \
  "notice $DB 1 --date 2025-02-06" "confirm $DB 1 --date 2025-02-13" \
  "decide $DB 1 --approve --date 2025-02-14" "publish $DB 1 --date 2025-02-17"; do
  # shellcheck disable=SC2086
  expect_status 0 "$JZ" case $st
done
daughter=$(grep -o '[0-9]\{17\}[0-9X]' "$SRC/examples/04-tekun-leaves-household.json" | sed -n 2p)
printf 'id_number,name,vehicle_type,registration_date\n%s,周红,小型轿车,2025-03-15\n' "$daughter" >"$TMP/veh.csv"
expect_status 0 "$JZ" feed import "$DB" vehicle "$TMP/veh.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-06-03
veh=$(db_sql "$DB" "SELECT alert FROM alerts WHERE indicator = 9")
expect_status 1 "$JZ" alert resolve "$DB" "$veh" --outcome terminated --note 已停发 --date 2025-06-04
expect_grep "$TMP/err" '还没有复核案件' "terminated without a review is refused"
expect_status 0 "$JZ" alert verify "$DB" "$veh" --confirmed --date 2025-06-04
review=$(db_sql "$DB" "SELECT max(case_id) FROM cases")
expect_status 1 "$JZ" alert resolve "$DB" "$veh" --outcome terminated --note 已停发 --date 2025-06-05
expect_grep "$TMP/err" '尚未作出决定' "terminated before the review's decision is refused"
for st in "investigate $DB $review --date 2025-06-05" "verify $DB $review --date 2025-06-06" \
  "preliminary $DB $review --date 2025-06-09" "notice $DB $review --date 2025-06-10" \
  "confirm $DB $review --date 2025-06-17" "decide $DB $review --approve --date 2025-06-18" \
  "publish $DB $review --date 2025-06-19"; do
  # shellcheck disable=SC2086
  expect_status 0 "$JZ" case $st
done
expect_status 1 "$JZ" alert resolve "$DB" "$veh" --outcome terminated --note 已停发 --date 2025-06-20
expect_grep "$TMP/err" '决定继续救助' "terminated after a review that continued assistance is refused"
expect_status 0 "$JZ" alert resolve "$DB" "$veh" --outcome no_action --note 复核后继续享受 --date 2025-06-20
printf 'id_number,name,property_type,registration_date\n%s,周红,商品房,2025-06-01\n' "$daughter" >"$TMP/prop.csv"
expect_status 0 "$JZ" feed import "$DB" property "$TMP/prop.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-06-21
prop=$(db_sql "$DB" "SELECT alert FROM alerts WHERE indicator = 8 AND household_id = 'H140902-000404'")
expect_status 0 "$JZ" alert verify "$DB" "$prop" --confirmed --date 2025-06-23
review=$(db_sql "$DB" "SELECT max(case_id) FROM cases")
for st in "investigate $DB $review --date 2025-06-23" "verify $DB $review --date 2025-06-24" \
  "preliminary $DB $review --date 2025-06-25" "notice $DB $review --date 2025-06-26" \
  "confirm $DB $review --date 2025-07-03"; do
  # shellcheck disable=SC2086
  expect_status 0 "$JZ" case $st
done
expect_status 0 "$JZ" case decide "$DB" "$review" --refuse --note 新购商品房，不再符合条件 --date 2025-07-04
expect_status 0 "$JZ" alert resolve "$DB" "$prop" --outcome terminated --note 已停发 --date 2025-07-05
expect_grep "$TMP/out" '办结' "the step is named in Chinese"
expect_status 1 "$JZ" alert resolve "$DB" "$med" --outcome terminated --note x --date 2025-07-05
# Step names in Chinese wherever people read them.
expect_status 0 "$JZ" alert show "$DB" "$prop"
for w in 核实 办结 已终止救助; do expect_grep "$TMP/out" "$w" "alert show says $w"; done
expect_no_grep "$TMP/out" ' verify \| resolve \|terminated' "no English step names in alert show"
expect_status 0 "$JZ" chain "$DB" H140902-000404
expect_grep "$TMP/out" "预警 $veh：核实" "the chain says 核实"
expect_grep "$TMP/out" "预警 $prop：办结 已终止救助" "and 办结 已终止救助"
expect_no_grep "$TMP/out" '：verify\|：resolve' "no English step names in the chain"
expect_status 0 "$JZ" audit verify "$DB"

finish
