#!/usr/bin/env bash
# CSV sets as counties export them: the same registry imported as CSV and as
# JSON Lines gives the same determinations; GBK files are converted (CSV) or
# refused with the command that converts them (JSON); a bad cell rejects its
# household wholly, reported with file, line and column.
. "$(dirname "$0")/lib.sh"
C=$(test_db c.db) J=$(test_db j.db) G=$(test_db g.db) BDB=$(test_db b.db)
"$JZ" gen --households 1500 --seed 5 --format csv "$TMP/set" 2>/dev/null
"$JZ" gen --households 1500 --seed 5 "$TMP/same.jsonl" 2>/dev/null

"$JZ" init "$C" >/dev/null
"$JZ" init "$J" >/dev/null
expect_status 0 "$JZ" import "$C" "$TMP"/set/*.csv
expect_grep "$TMP/err" '入库 1500 户，拒绝 0 条' "all CSV households stored"
expect_status 0 "$JZ" import "$J" "$TMP/same.jsonl"
"$JZ" assess --db "$C" --date 2025-06-01 | grep -v 秒 >"$TMP/c.txt"
"$JZ" assess --db "$J" --date 2025-06-01 | grep -v 秒 >"$TMP/j.txt"
if cmp -s "$TMP/c.txt" "$TMP/j.txt"; then ok; else bad "CSV and JSON Lines imports assess differently"; diff "$TMP/c.txt" "$TMP/j.txt" | head >&2; fi
c_det=$(db_sql "$C" 'SELECT h.household_id, d.category, d.monthly_amount FROM determinations d JOIN households h USING(hh) ORDER BY h.household_id')
j_det=$(db_sql "$J" 'SELECT h.household_id, d.category, d.monthly_amount FROM determinations d JOIN households h USING(hh) ORDER BY h.household_id')
[ -n "$c_det" ] && [ "$c_det" = "$j_det" ] && ok || bad "per-household determinations differ between CSV and JSON Lines"

# Re-importing the CSV set changes nothing.
expect_status 0 "$JZ" import "$C" "$TMP"/set/*.csv
n=$(db_sql "$C" 'SELECT count(*) FROM households')
[ "$n" -eq 1500 ] && ok || bad "re-import duplicated households: $n"

# A GBK members file (Excel's plain "CSV" on Chinese Windows) is converted.
mkdir "$TMP/gbk"
cp "$TMP/set/households.csv" "$TMP/gbk/"
iconv -f UTF-8 -t GB18030 "$TMP/set/members.csv" >"$TMP/gbk/members.csv"
"$JZ" init "$G" >/dev/null
expect_status 0 "$JZ" import "$G" "$TMP"/gbk/*.csv
names_utf8=$(db_sql "$C" 'SELECT name FROM members ORDER BY id_number LIMIT 3')
names_gbk=$(db_sql "$G" 'SELECT name FROM members ORDER BY id_number LIMIT 3')
[ "$names_utf8" = "$names_gbk" ] && ok || bad "GBK names were not converted: $names_gbk"

# A GBK JSON file is refused with the iconv command.
iconv -f UTF-8 -t GB18030 "$TMP/same.jsonl" >"$TMP/gbk.jsonl"
expect_status 1 "$JZ" import "$G" "$TMP/gbk.jsonl"
expect_grep "$TMP/err" 'iconv -f GB18030 -t UTF-8' "GBK JSON refused with the conversion command"

# A bad cell: the household is rejected wholly, with file, line and column.
cp -r "$TMP/set" "$TMP/bad"
awk -F, 'NR==3 {OFS=","; $4="12.345"} {print}' "$TMP/set/income.csv" >"$TMP/bad/income.csv"
bad_hh=$(awk -F, 'NR==3 {print $1}' "$TMP/set/income.csv")
"$JZ" init "$BDB" >/dev/null
expect_status 1 "$JZ" import --report "$TMP/bad.csv" "$BDB" "$TMP"/bad/*.csv
expect_grep "$TMP/bad.csv" 'income.csv","3"' "report names the file and line"
expect_grep "$TMP/bad.csv" '"amount","12.345"' "report names the column and value"
n=$(db_sql "$BDB" "SELECT count(*) FROM households WHERE household_id = '$bad_hh'")
[ "$n" -eq 0 ] && ok || bad "the household with a bad cell was stored"
n=$(db_sql "$BDB" 'SELECT count(*) FROM households')
[ "$n" -eq 1499 ] && ok || bad "the other households were not all stored: $n"

# Unknown column: nothing is imported, the column is named.
sed '1s/region/regoin/' "$TMP/set/households.csv" >"$TMP/bad/households.csv"
expect_status 1 "$JZ" import "$BDB" "$TMP"/bad/*.csv
expect_grep "$TMP/err" 'regoin' "unknown column named"
finish
