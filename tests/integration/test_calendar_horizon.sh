#!/usr/bin/env bash
# The holiday calendar's horizon (issue 12 item 6).  A step whose deadline
# runs past the calendar's last covered year is refused, naming the date,
# the calendar file and the years it covers; and `case due` never fails for
# everyone because of one case: a case whose deadline cannot be computed
# (accepted before the check existed, or imported) is named in a section of
# its own, the others are still listed, and the exit status is 1.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=张科员
# A calendar that ends with 2026, and the same one extended by a year (what
# an older jiuzhu, or another office, may have accepted cases with).  Both
# are the test's own, so that extending the shipped file changes nothing.
CAL="$TMP/cal-2026.csv"
CAL27="$TMP/cal-2027.csv"
awk -F, 'NR == 1 || !/^20/ || $1 < "2027"' "$SRC/policy/calendar/cn-holidays.csv" |
  sed 's/Years covered: [0-9]*-[0-9]*/Years covered: 2023-2026/' >"$CAL"
sed 's/Years covered: 2023-2026/Years covered: 2023-2027/' "$CAL" >"$CAL27"
printf '2027-01-01,off,元旦\n' >>"$CAL27"
grep -q 'Years covered: 2023-2026' "$CAL" && ok || bad "the test calendar does not say 2023-2026"

DB=$(test_db h.db)
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" import "$DB" "$SRC"/examples/*.json

# Accepted on 2026-11-02: its 30 working days end in December 2026.
expect_status 0 "$JZ" case accept "$DB" H140902-000101 --date 2026-11-02 --calendar "$CAL"
expect_grep "$TMP/out" '已受理：案件 1' "a case whose deadline the calendar covers"

# Accepted on 2026-12-01: the 30 working days run into 2027.  Refused.
expect_status 1 "$JZ" case accept "$DB" H140902-000303 --date 2026-12-01 --calendar "$CAL"
expect_grep "$TMP/err" '2026-12-01' "the refusal names the date"
expect_grep "$TMP/err" 'cal-2026.csv' "and the calendar file to extend"
expect_grep "$TMP/err" '2023–2026' "and the years it covers"
expect_grep "$TMP/err" '2027 年的放假安排' "and the year to add"
[ "$(db_sql "$DB" 'SELECT count(*) FROM cases')" -eq 1 ] && ok || bad "the refused case was stored"

# A later step whose deadline runs past 2026: extending case 1 to 45
# working days from 2026-11-02 is refused too, and changes nothing.
expect_status 1 "$JZ" case extend "$DB" 1 --reason hard-investigation --date 2026-11-03 \
  --calendar "$CAL"
expect_grep "$TMP/err" '2023–2026' "a step whose deadline the calendar cannot count is refused"
expect_status 0 "$JZ" case show "$DB" 1 --json --calendar "$CAL"
expect_grep "$TMP/out" '"extended":null' "the refused extension is not recorded"

# A case accepted on the extended calendar (as before the check, or by
# another office): its deadline is past the 2026 calendar.
expect_status 0 "$JZ" case accept "$DB" H140902-000303 --date 2026-12-01 --calendar "$CAL27"
expect_grep "$TMP/out" '已受理：案件 2' "a case accepted on the extended calendar"

# `case due` on the 2026 calendar lists case 1 and names case 2 apart.
expect_status 1 "$JZ" case due "$DB" --date 2026-12-04 --all --calendar "$CAL"
expect_grep "$TMP/out" '^1 ' "the computable case is listed"
expect_grep "$TMP/out" '无法计算办理期限的案件 1 件' "the other is in a section of its own"
expect_grep "$TMP/out" '^2 .*H140902-000303' "naming the case and the household"
expect_grep "$TMP/out" '原因：.*2027-01-' "with the reason"
expect_grep "$TMP/err" '1 件案件无法计算办理期限' "stderr says so, for scripts"
# On the extended calendar everything is computable again.
expect_status 0 "$JZ" case due "$DB" --date 2026-12-04 --all --calendar "$CAL27"
expect_grep "$TMP/out" '^2 ' "case 2 is listed once the calendar covers it"
expect_no_grep "$TMP/out" '无法计算' "no problem section"
# A date the calendar does not cover is an error of the command itself.
expect_status 1 "$JZ" case due "$DB" --date 2027-01-04 --calendar "$CAL"
expect_grep "$TMP/err" '超出节假日数据覆盖的年份' "a --date outside the calendar"
finish
