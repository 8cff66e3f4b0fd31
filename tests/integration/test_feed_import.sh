#!/usr/bin/env bash
# jiuzhu feed import: a department's CSV matched to the registry by ID
# number (R-MON-1): rows of people outside the registry kept, 15-digit
# numbers converted, bad rows reported with file, line, field and reason,
# re-importing adds nothing, a GBK file refused with how to convert it.
. "$(dirname "$0")/lib.sh"

DB=$(test_db f.db)
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" import "$DB" "$SRC/examples/01-dibao-rural.json"
member=$(grep -o '[0-9]\{17\}[0-9X]' "$SRC/examples/01-dibao-rural.json" | head -1)
bad="${member:0:17}$([ "${member:17:1}" = 1 ] && echo 2 || echo 1)"

cat >"$TMP/medical.csv" <<CSV
id_number,name,kind,date,total,out_of_pocket
$member,王建国,settlement,2025-03-02,30000.00,12500.50
140902800101001,外来人员,settlement,2025-03-05,8000,6000
$bad,错号,settlement,2025-03-06,100,50
$member,王建国,settlement,2025-04-01,1000.00,2000.00
$member,王建国,premium_subsidy,2025-01-01,380.00,
CSV
expect_status 1 "$JZ" feed import "$DB" medical "$TMP/medical.csv" --report "$TMP/rep.csv"
expect_grep "$TMP/err" '3 行' "three rows kept"
expect_grep "$TMP/err" '2 行是库内人员' "two rows are a registry member's"
expect_grep "$TMP/rep.csv" 'medical.csv","4"' "the bad check character's line"
expect_grep "$TMP/rep.csv" 'id_number' "and its field"
expect_grep "$TMP/rep.csv" '校验码' "and its reason"
expect_grep "$TMP/rep.csv" 'medical.csv","5"' "out-of-pocket above the total is refused"
rows=$(db_sql "$DB" "SELECT count(*) FROM feed_rows")
if [ "$rows" = 3 ]; then ok; else bad "3 rows stored, found $rows"; fi
db_sql "$DB" "SELECT id_number, amount FROM feed_rows ORDER BY row" >"$TMP/rows.txt"
expect_grep "$TMP/rows.txt" "^$member|1250050$" "the out-of-pocket amount in fen"
expect_grep "$TMP/rows.txt" '^14090219800101001.|600000$' "a 15-digit number converted to 18"

# The same file again: nothing new.
expect_status 1 "$JZ" feed import "$DB" medical "$TMP/medical.csv" --report "$TMP/rep2.csv"
expect_grep "$TMP/err" '新增 0 行' "re-importing adds nothing"
rows=$(db_sql "$DB" "SELECT count(*) FROM feed_rows")
if [ "$rows" = 3 ]; then ok; else bad "still 3 rows after re-import, found $rows"; fi

# A clean file of another department: exit 0.
printf 'id_number,name,death_date\n%s,王建国,2025-05-01\n' "$member" >"$TMP/death.csv"
expect_status 0 "$JZ" feed import "$DB" death "$TMP/death.csv"
db_sql "$DB" "SELECT action FROM audit WHERE action = 'feed.import'" >"$TMP/audit.txt"
expect_lines "$TMP/audit.txt" 3 "every import is audited"

# Wrong header, unknown department, GBK.
printf 'id,name\n' >"$TMP/wrong.csv"
expect_status 1 "$JZ" feed import "$DB" death "$TMP/wrong.csv" --report "$TMP/rep3.csv"
expect_grep "$TMP/rep3.csv" 'id_number,name,death_date' "the expected header is named"
expect_status 2 "$JZ" feed import "$DB" weather "$TMP/death.csv"
printf 'id_number,name,death_date\n%s,\xd5\xc5\xc8\xfd,2025-05-01\n' "$member" >"$TMP/gbk.csv"
expect_status 1 "$JZ" feed import "$DB" death "$TMP/gbk.csv" --report "$TMP/rep4.csv"
expect_grep "$TMP/rep4.csv" 'iconv' "a GBK file is refused with how to convert it"

finish
