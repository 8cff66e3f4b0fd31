#!/usr/bin/env bash
# CSV sets as counties export them: the same registry imported as CSV and as
# JSON Lines gives the same determinations; GBK files are converted (CSV) or
# refused with the command that converts them (JSON); a bad cell rejects its
# household wholly, reported with file, line and column.
. "$(dirname "$0")/lib.sh"
"$JZ" gen --households 1500 --seed 5 --format csv "$TMP/set" 2>/dev/null
"$JZ" gen --households 1500 --seed 5 "$TMP/same.jsonl" 2>/dev/null

"$JZ" init "$TMP/c.db" >/dev/null
"$JZ" init "$TMP/j.db" >/dev/null
expect_status 0 "$JZ" import "$TMP/c.db" "$TMP"/set/*.csv
expect_grep "$TMP/err" '入库 1500 户，拒绝 0 条' "all CSV households stored"
expect_status 0 "$JZ" import "$TMP/j.db" "$TMP/same.jsonl"
"$JZ" assess --db "$TMP/c.db" --date 2025-06-01 | grep -v 秒 >"$TMP/c.txt"
"$JZ" assess --db "$TMP/j.db" --date 2025-06-01 | grep -v 秒 >"$TMP/j.txt"
if cmp -s "$TMP/c.txt" "$TMP/j.txt"; then ok; else bad "CSV and JSON Lines imports assess differently"; diff "$TMP/c.txt" "$TMP/j.txt" | head >&2; fi
c_det=$(sqlite3 "$TMP/c.db" 'SELECT group_concat(category || monthly_amount, ",") FROM (SELECT d.category, d.monthly_amount FROM determinations d JOIN households h USING(hh) ORDER BY h.household_id)')
j_det=$(sqlite3 "$TMP/j.db" 'SELECT group_concat(category || monthly_amount, ",") FROM (SELECT d.category, d.monthly_amount FROM determinations d JOIN households h USING(hh) ORDER BY h.household_id)')
[ "$c_det" = "$j_det" ] && ok || bad "per-household determinations differ between CSV and JSON Lines"

# Re-importing the CSV set changes nothing.
expect_status 0 "$JZ" import "$TMP/c.db" "$TMP"/set/*.csv
n=$(sqlite3 "$TMP/c.db" 'SELECT count(*) FROM households')
[ "$n" -eq 1500 ] && ok || bad "re-import duplicated households: $n"

# A GBK members file (Excel's plain "CSV" on Chinese Windows) is converted.
mkdir "$TMP/gbk"
cp "$TMP/set/households.csv" "$TMP/gbk/"
iconv -f UTF-8 -t GB18030 "$TMP/set/members.csv" >"$TMP/gbk/members.csv"
"$JZ" init "$TMP/g.db" >/dev/null
expect_status 0 "$JZ" import "$TMP/g.db" "$TMP"/gbk/*.csv
names_utf8=$(sqlite3 "$TMP/c.db" 'SELECT name FROM members ORDER BY id_number LIMIT 3')
names_gbk=$(sqlite3 "$TMP/g.db" 'SELECT name FROM members ORDER BY id_number LIMIT 3')
[ "$names_utf8" = "$names_gbk" ] && ok || bad "GBK names were not converted: $names_gbk"

# A GBK JSON file is refused with the iconv command.
iconv -f UTF-8 -t GB18030 "$TMP/same.jsonl" >"$TMP/gbk.jsonl"
expect_status 1 "$JZ" import "$TMP/g.db" "$TMP/gbk.jsonl"
expect_grep "$TMP/err" 'iconv -f GB18030 -t UTF-8' "GBK JSON refused with the conversion command"

# A bad cell: the household is rejected wholly, with file, line and column.
cp -r "$TMP/set" "$TMP/bad"
awk -F, 'NR==3 {OFS=","; $4="12.345"} {print}' "$TMP/set/income.csv" >"$TMP/bad/income.csv"
bad_hh=$(awk -F, 'NR==3 {print $1}' "$TMP/set/income.csv")
"$JZ" init "$TMP/b.db" >/dev/null
expect_status 1 "$JZ" import --report "$TMP/bad.csv" "$TMP/b.db" "$TMP"/bad/*.csv
expect_grep "$TMP/bad.csv" 'income.csv","3"' "report names the file and line"
expect_grep "$TMP/bad.csv" '"amount","12.345"' "report names the column and value"
n=$(sqlite3 "$TMP/b.db" "SELECT count(*) FROM households WHERE household_id = '$bad_hh'")
[ "$n" -eq 0 ] && ok || bad "the household with a bad cell was stored"
n=$(sqlite3 "$TMP/b.db" 'SELECT count(*) FROM households')
[ "$n" -eq 1499 ] && ok || bad "the other households were not all stored: $n"

# Unknown column: nothing is imported, the column is named.
sed '1s/region/regoin/' "$TMP/set/households.csv" >"$TMP/bad/households.csv"
expect_status 1 "$JZ" import "$TMP/b.db" "$TMP"/bad/*.csv
expect_grep "$TMP/err" 'regoin' "unknown column named"
finish
