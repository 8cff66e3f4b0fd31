#!/usr/bin/env bash
# Input hygiene (issue 12 item 9), through the commands: a JSON Lines file
# with a byte order mark is imported and assessed; a damaged UTF-8 byte is
# named precisely (never called GBK); JSON syntax errors come in Chinese;
# names and free text with control or bidirectional characters are refused,
# as is a household with two heads or none, in JSON and in CSV; ID numbers
# in the report are masked; the calendar's covered years are checked.
. "$(dirname "$0")/lib.sh"
BOMDB=$(test_db bom.db) DDB=$(test_db d.db) DCDB=$(test_db dc.db) HCDB=$(test_db hc.db) TDB=$(test_db t.db)
"$JZ" gen --households 6 --seed 21 "$TMP/g.jsonl" 2>/dev/null
line() { sed -n "${1}p" "$TMP/g.jsonl"; }
hid() { line "$1" | grep -o '"household_id":"[^"]*"' | cut -d'"' -f4; }

# (a) A byte order mark before JSON Lines: accepted by import and assess.
printf '\xEF\xBB\xBF' | cat - "$TMP/g.jsonl" >"$TMP/bom.jsonl"
"$JZ" init "$BOMDB" >/dev/null
expect_status 0 "$JZ" import "$BOMDB" "$TMP/bom.jsonl"
expect_grep "$TMP/err" '入库 6 户，拒绝 0 条' "a JSON Lines file with a BOM is imported whole"
expect_status 0 "$JZ" assess "$TMP/bom.jsonl"
expect_lines "$TMP/out" 6 "and assessed"

# (b) One damaged UTF-8 character in otherwise valid UTF-8: that line is
# refused, saying which byte and why, and no word of GBK.
{
  line 1
  line 2 | sed 's/"name":"\(.\)/"name":"\1\xE4/'
  line 3
} >"$TMP/damaged.jsonl"
"$JZ" init "$DDB" >/dev/null
expect_status 1 "$JZ" import "$DDB" "$TMP/damaged.jsonl"
expect_grep "$TMP/err" 'damaged.jsonl:2: .*不是有效的 UTF-8 编码（第 [0-9]* 字节）：以 0xE4 开始的 UTF-8 字符不完整' \
  "the damaged byte is named"
expect_no_grep "$TMP/err" 'GBK' "and not called GBK"
expect_grep "$TMP/err" '入库 2 户，拒绝 1 条' "the other lines are stored"
# The same bytes in a CSV file: the file is refused (a CSV set is read
# whole), naming the byte, not converted from GBK into nonsense.
"$JZ" gen --households 4 --seed 22 --format csv "$TMP/set" 2>/dev/null
mkdir "$TMP/dset"
cp "$TMP"/set/*.csv "$TMP/dset/"
sed '3s/,\([^,0-9]\)/,\1\xE4\xB8/' "$TMP/set/members.csv" >"$TMP/dset/members.csv"
"$JZ" init "$DCDB" >/dev/null
expect_status 1 "$JZ" import "$DCDB" "$TMP"/dset/*.csv
expect_grep "$TMP/err" 'members.csv:3: 文件是 UTF-8 编码，但有 1 处无效字节' "a damaged CSV is named as such"
expect_no_grep "$TMP/err" 'iconv' "with no conversion from GBK"

# (c) JSON syntax errors in Chinese, with the column.
{
  line 1
  line 2 | sed 's/}$/,}/'
} >"$TMP/syntax.jsonl"
expect_status 1 "$JZ" assess "$TMP/syntax.jsonl"
expect_grep "$TMP/err" 'syntax.jsonl:2: JSON 语法错误（第 [0-9]* 列，在“}”处）：此处应为用英文双引号括起的字段名或 }' \
  "a trailing comma explained in Chinese"
expect_no_grep "$TMP/err" 'expected' "no English"

# (d) Control and bidirectional characters in free text; (e) heads.
two_heads=$(hid 4)
{
  line 1 | sed 's/"name":"\([^"]*\)"/"name":"\1\\u202e"/'
  line 2 | sed 's/"household_id":"\([^"]*\)",/"household_id":"\1","note":"两行\\n备注",/'
  line 3 | sed 's/"name":"\([^"]*\)"/"name":"\1\\u0007"/'
  line 4 | sed 's/"relation":"spouse"/"relation":"head"/'
  line 5 | sed 's/"relation":"head"/"relation":"spouse"/'
  line 6
} >"$TMP/text.jsonl"
grep -q '"relation":"spouse"' <(line 4) && ok || bad "household 4 of the seed has no spouse: pick another"
"$JZ" init "$TDB" >/dev/null
expect_status 1 "$JZ" import --report "$TMP/t-report.csv" "$TDB" "$TMP/text.jsonl"
expect_grep "$TMP/err" '入库 1 户，拒绝 5 条' "five refused, one stored"
R="$TMP/t-report.csv"
expect_grep "$R" '"members\[0\].name",.*U+202E（从右到左覆盖）' "a bidirectional override in a name"
expect_grep "$R" '"note",.*换行符' "a line break in a note"
expect_grep "$R" '"members\[0\].name",.*响铃符' "a BEL in a name"
expect_grep "$R" "\"$two_heads\".*有 2 名户主：members\[0\] " "two heads, the members named"
expect_grep "$R" '没有户主' "no head"
# The report shows ID numbers masked only.
expect_grep "$R" '[0-9]\{6\}\*\{8\}[0-9X]\{4\}' "masked ID numbers in the report"
if grep -qE '(^|[^0-9])[0-9]{17}[0-9X]([^0-9]|$)' "$R"; then bad "a full ID number in the report"; else ok; fi

# The same checks for a CSV set: a name with an override, two heads.
mkdir "$TMP/hset"
cp "$TMP"/set/*.csv "$TMP/hset/"
awk -F, 'BEGIN { OFS = "," } NR == 2 { $3 = $3 "\xE2\x80\xAE" } { print }' "$TMP/set/members.csv" \
  >"$TMP/hset/members.csv"
"$JZ" init "$HCDB" >/dev/null
expect_status 1 "$JZ" import --report "$TMP/hc-report.csv" "$HCDB" "$TMP"/hset/*.csv
expect_grep "$TMP/hc-report.csv" 'members.csv","2",.*U+202E' "CSV: the name's override, at its row"

# (f) The calendar's covered years.
sed 's/Years covered: 2023-2026/Years covered: 1-2199/' "$SRC/policy/calendar/cn-holidays.csv" \
  >"$TMP/cal.csv"
expect_status 1 "$JZ" calendar --calendar "$TMP/cal.csv" add 2024-09-27 30
expect_grep "$TMP/err" '值 "1-2199"' "the value named"
expect_grep "$TMP/err" '超出了文件中节假日行的年份（2022–2026 年）' "and the years of the rows"
expect_no_grep "$TMP/err" '缺少覆盖年份说明' "not called missing"
finish
