#!/usr/bin/env bash
# jiuzhu monitor run and jiuzhu alerts: department data against the
# registry, alerts of each category (R-MON-3) with their evidence, deadline
# and department; the same evidence never raises the same alert twice.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=张科员
DB="$TMP/m.db"
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" import "$DB" "$SRC"/examples/*.json
# Household 04 approved: a 低保 unit and a 特困 member of his own.
for st in "accept $DB H140902-000404 --date 2025-01-20" "investigate $DB 1 --date 2025-01-22" \
  "verify $DB 1 --date 2025-01-23" "preliminary $DB 1 --date 2025-02-05" \
  "notice $DB 1 --date 2025-02-06" "confirm $DB 1 --date 2025-02-13" \
  "decide $DB 1 --approve --date 2025-02-14"; do
  # shellcheck disable=SC2086
  expect_status 0 "$JZ" case $st
done
set -- $(grep -o '[0-9]\{17\}[0-9X]' "$SRC/examples/04-tekun-leaves-household.json")
old=$1 daughter=$2
out=140902800101001 # someone nobody has enrolled (15 digits: converted)

printf 'id_number,name,kind,date,total,out_of_pocket\n%s,外来人员,settlement,2025-03-05,30000,25000\n%s,周红,settlement,2025-04-01,9000,8000\n' "$out" "$daughter" >"$TMP/med.csv"
printf 'id_number,name,kind,date,amount\n%s,外来人员,unemployment_registration,2025-02-01,\n' "$out" >"$TMP/hrss.csv"
printf 'id_number,name,disaster,relief_date,amount\n%s,外来人员,洪涝,2025-04-10,3000\n' "$out" >"$TMP/em.csv"
printf 'id_number,name,vehicle_type,registration_date\n%s,周红,小型轿车,2025-03-15\n' "$daughter" >"$TMP/veh.csv"
for f in "medical med" "hrss hrss" "emergency em" "vehicle veh"; do
  set -- $f
  expect_status 0 "$JZ" feed import "$DB" "$1" "$TMP/$2.csv"
done

expect_status 0 "$JZ" monitor run "$DB" --date 2025-06-01
expect_grep "$TMP/out" '新预警 6 条' "six alerts"
expect_grep "$TMP/out" 'A 类 政策未落实 *1' "one A"
expect_grep "$TMP/out" 'B 类 可能符合条件未纳入 *3' "three B"
expect_grep "$TMP/out" 'C 类 情况复杂（县级一事一议） *1' "one C"
expect_grep "$TMP/out" 'D 类 可能不再符合条件 *1' "one D"
# The same evidence again: nothing new, even after re-importing the files.
expect_status 0 "$JZ" feed import "$DB" medical "$TMP/med.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-06-01
expect_grep "$TMP/out" '新预警 0 条（已有预警 6 条不重复生成）' "no alert twice"
# A new settlement is new evidence.
printf 'id_number,name,kind,date,total,out_of_pocket\n%s,外来人员,settlement,2025-05-20,1000,800\n' "$out" >"$TMP/med2.csv"
expect_status 0 "$JZ" feed import "$DB" medical "$TMP/med2.csv"
expect_status 0 "$JZ" monitor run "$DB" --date 2025-06-01
expect_grep "$TMP/out" '新预警 2 条' "new evidence, new medical and complex alerts"

expect_status 0 "$JZ" alerts "$DB" --category D
expect_grep "$TMP/out" '新登记车辆' "the D alert: a vehicle of a recipient's household"
expect_grep "$TMP/out" 'H140902-000404' "with its household"
expect_grep "$TMP/out" '处置截止 2025-06-09' "5 working days after 2025-06-01 (端午 2025-05-31..06-02)"
expect_status 0 "$JZ" alerts "$DB" --category A
expect_grep "$TMP/out" '特困人员未享受参保资助' "A: the 特困 member without the premium subsidy"
expect_grep "$TMP/out" "$old" "the 特困 member named"
expect_status 0 "$JZ" alerts "$DB" --category B
expect_grep "$TMP/out" '（库外）' "B: someone outside the registry"
expect_grep "$TMP/out" '14090219800101001' "found by the converted ID number"
expect_grep "$TMP/out" '推送人社' "pushed to the department of the difficulty"
expect_status 0 "$JZ" alerts "$DB" --region 1409
expect_no_grep "$TMP/out" '（库外）' "a region lists registry people only"
expect_status 2 "$JZ" monitor run "$DB" --region "1409'"
sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'monitor.run'" >"$TMP/n.txt"
expect_grep "$TMP/n.txt" '^3$' "every run is audited"
expect_status 0 "$JZ" audit verify "$DB"

finish
