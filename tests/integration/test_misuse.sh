#!/usr/bin/env bash
# Misuse (issue 12, items 7, 8 and 10): numbers on the command line are
# range-checked by one parser (exit 2, the option, the value and the range
# named); --out, --report and generated files never destroy data (an
# existing file only with --force; a database, its -wal/-shm/-journal, the
# database the command opened and a symbolic link never); ID numbers are
# masked in lists, single-record views (unless --full-id), error messages
# and reports; files are created 0600 (0640 with JIUZHU_FILE_MODE=0640); a
# report cell a spreadsheet would run as a formula gets a leading '.
. "$(dirname "$0")/lib.sh"

export JIUZHU_ACTOR=张科员
DB="$TMP/reg.db"
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" import "$DB" "$SRC"/examples/*.json
# Case 1 up to its 公示, so that the village has a list to print.
expect_status 0 "$JZ" case accept "$DB" H140902-000101 --date 2025-01-20
for st in "investigate $DB 1 --date 2025-01-22" "verify $DB 1 --date 2025-01-24" \
  "preliminary $DB 1 --date 2025-02-06" "notice $DB 1 --date 2025-02-07"; do
  # shellcheck disable=SC2086
  expect_status 0 "$JZ" case $st
done
LIST=(case list-doc "$DB" --village 140902101201 --kind notice --date 2025-02-07)
sum() { sha256sum "$1" | cut -d' ' -f1; }
DBSUM=$(sum "$DB")

# ---- item 7: numbers ---------------------------------------------------------------
expect_status 2 "$JZ" enrolment due "$DB" --within -99999999
expect_grep "$TMP/err" 'jiuzhu enrolment due: --within「-99999999」应为 0 到 3650 之间的整数' \
  "a negative --within is refused, with the option, the value and the range"
expect_status 2 "$JZ" enrolment due "$DB" --within abc
expect_grep "$TMP/err" '--within「abc」应为 0 到 3650 之间的整数' "junk is not read as 0"
expect_lines "$TMP/out" 0 "and nothing is listed"
expect_status 2 "$JZ" enrolment due "$DB" --within 3651
expect_status 2 "$JZ" enrolment due "$DB" --within 99999999999999999999
expect_status 2 "$JZ" enrolment due "$DB" --within ''
expect_status 2 "$JZ" enrolment due "$DB" --within ' 30'
expect_status 0 "$JZ" enrolment due "$DB" --within 3650
expect_status 2 "$JZ" enrolment exit "$DB" 12abc
expect_grep "$TMP/err" '编号「12abc」应为 1 到 9223372036854775807 之间的整数' "an enrolment number"
expect_status 2 "$JZ" enrolment stop "$DB" 0 --reason fraud --note x
expect_status 2 "$JZ" case due "$DB" --within 366
expect_grep "$TMP/err" 'jiuzhu case due: --within「366」应为 0 到 365 之间的整数' "case due --within"
expect_status 2 "$JZ" case due "$DB" --within +5
for n in abc 0 -1 1x 99999999999999999999 ''; do
  expect_status 2 "$JZ" case show "$DB" "$n"
  expect_grep "$TMP/err" "案件号「$n」应为 1 到 9223372036854775807 之间的整数" "case number $n"
done
expect_status 0 "$JZ" case show "$DB" 0001
expect_status 2 "$JZ" gen --households 0 --seed 1 "$TMP/g.jsonl"
expect_grep "$TMP/err" '--households「0」应为 1 到 100000000 之间的整数' "gen --households"
expect_status 2 "$JZ" gen --households 1e3 --seed 1 "$TMP/g.jsonl"
expect_status 2 "$JZ" gen --households 10 --seed -1 "$TMP/g.jsonl"
expect_grep "$TMP/err" '--seed「-1」应为 0 到 9223372036854775807 之间的整数' "gen --seed"
expect_status 2 "$JZ" gen --households 10 --seed 18446744073709551616 "$TMP/g.jsonl"
expect_status 2 "$JZ" gen --households 10 --seed 1 --format feeds --feed-rows 61 "$TMP/gf"
expect_grep "$TMP/err" '--feed-rows「61」应为 0 到 60 之间的整数' "gen --feed-rows"
expect_status 2 "$JZ" calendar add 2025-01-02 5x
expect_grep "$TMP/err" 'N「5x」应为 -100000 到 100000 之间的整数' "calendar add N"
expect_status 2 "$JZ" calendar add 2025-01-02 +5
expect_status 0 "$JZ" calendar add 2025-01-02 -5
expect_status 2 "$JZ" audit verify "$DB" --head "12abc:$(printf '0%.0s' {1..64})"
# An ID number given where a number belongs is not echoed whole.
expect_status 2 "$JZ" case show "$DB" 14090219780312015X
expect_no_grep "$TMP/err" '14090219780312015X' "the ID number typed as a case number is masked"

# ---- item 8: output files ------------------------------------------------------------
# --out naming the registry: refused, the registry unchanged and still working.
expect_status 2 "$JZ" "${LIST[@]}" --format csv --out "$DB"
expect_grep "$TMP/err" '--out「.*reg.db」：.*数据库' "--out reg.db is refused"
if [ "$(sum "$DB")" = "$DBSUM" ]; then ok; else bad "the registry was changed by --out"; fi
expect_status 2 "$JZ" "${LIST[@]}" --format csv --out "$DB" --force
if [ "$(sum "$DB")" = "$DBSUM" ]; then ok; else bad "the registry was changed by --out --force"; fi
expect_status 0 "$JZ" case list "$DB"
expect_grep "$TMP/out" 'H140902-000101' "the registry still works"
# Another database, even with --force; a database's companions, by name.
cp "$DB" "$TMP/other.db"
OTHERSUM=$(sum "$TMP/other.db")
expect_status 2 "$JZ" "${LIST[@]}" --format xlsx --out "$TMP/other.db" --force
if [ "$(sum "$TMP/other.db")" = "$OTHERSUM" ]; then ok; else bad "another database overwritten"; fi
for s in -wal -shm -journal -lock; do
  before=$( [ -e "$DB$s" ] && sum "$DB$s")
  expect_status 2 "$JZ" "${LIST[@]}" --format csv --out "$DB$s" --force
  expect_grep "$TMP/err" '-wal、-shm、-journal 或 -lock' "$s refused"
  after=$( [ -e "$DB$s" ] && sum "$DB$s")
  if [ "$before" = "$after" ]; then ok; else bad "$DB$s written"; fi
  expect_status 2 "$JZ" "${LIST[@]}" --format csv --out "$TMP/x.db$s"
  if [ -e "$TMP/x.db$s" ]; then bad "x.db$s created"; else ok; fi
done
# The database the command opened, under another name (a hard link).
ln "$DB" "$TMP/alias.csv"
expect_status 2 "$JZ" "${LIST[@]}" --format csv --out "$TMP/alias.csv" --force
if [ "$(sum "$DB")" = "$DBSUM" ]; then ok; else bad "the registry was changed through a hard link"; fi
rm -f "$TMP/alias.csv"
# A new file: written; an existing one: only with --force.
expect_status 0 "$JZ" "${LIST[@]}" --format csv --out "$TMP/list.csv"
expect_grep "$TMP/list.csv" '王建国' "the list written"
echo keep >"$TMP/list.csv"
expect_status 2 "$JZ" "${LIST[@]}" --format csv --out "$TMP/list.csv"
expect_grep "$TMP/err" '文件已存在，未覆盖；确要覆盖请加 --force' "an existing file is kept"
expect_grep "$TMP/list.csv" '^keep$' "and unchanged"
expect_status 0 "$JZ" "${LIST[@]}" --format csv --out "$TMP/list.csv" --force
expect_grep "$TMP/list.csv" '王建国' "replaced with --force"
echo keep >"$TMP/list.xlsx"
expect_status 2 "$JZ" "${LIST[@]}" --format xlsx --out "$TMP/list.xlsx"
expect_grep "$TMP/list.xlsx" '^keep$' "an existing xlsx is kept"
expect_status 0 "$JZ" "${LIST[@]}" --format xlsx --out "$TMP/list.xlsx" --force
if [ "$(head -c 2 "$TMP/list.xlsx")" = PK ]; then ok; else bad "xlsx not replaced with --force"; fi
# A symbolic link is not followed, even with --force, dangling or not.
echo precious >"$TMP/precious.txt"
ln -s "$TMP/precious.txt" "$TMP/link.csv"
expect_status 2 "$JZ" "${LIST[@]}" --format csv --out "$TMP/link.csv" --force
expect_grep "$TMP/err" '符号链接' "a symbolic link is refused"
expect_grep "$TMP/precious.txt" '^precious$' "its target unchanged"
ln -s "$TMP/nowhere.csv" "$TMP/dangling.csv"
expect_status 2 "$JZ" "${LIST[@]}" --format csv --out "$TMP/dangling.csv"
if [ -e "$TMP/nowhere.csv" ]; then bad "a dangling link was followed"; else ok; fi
# A directory that does not exist: exit 1, nothing left behind.
expect_status 1 "$JZ" "${LIST[@]}" --format csv --out "$TMP/no-such-dir/list.csv"
# feed --report and gen outputs: the same rules.
printf 'id_number,name,kind,date,total,out_of_pocket\n' >"$TMP/med.csv"
expect_status 2 "$JZ" feed import "$DB" medical "$TMP/med.csv" --report "$DB" --force
if [ "$(sum "$DB")" = "$DBSUM" ]; then ok; else bad "the registry was changed by feed --report"; fi
echo keep >"$TMP/feed-report.csv"
expect_status 2 "$JZ" feed import "$DB" medical "$TMP/med.csv" --report "$TMP/feed-report.csv"
expect_grep "$TMP/feed-report.csv" '^keep$' "an existing report is kept"
expect_status 0 "$JZ" feed import "$DB" medical "$TMP/med.csv" --report "$TMP/feed-report.csv" --force
expect_grep "$TMP/feed-report.csv" '文件,行,户编号' "replaced with --force"
DBSUM=$(sum "$DB") # the feed import above wrote to it
expect_status 0 "$JZ" feed import "$DB" medical "$TMP/med.csv"
expect_status 0 "$JZ" feed import "$DB" medical "$TMP/med.csv" # the default report: rewritten
expect_status 2 "$JZ" gen --households 5 --seed 1 "$TMP/other.db" --force
if [ "$(sum "$TMP/other.db")" = "$OTHERSUM" ]; then ok; else bad "gen overwrote a database"; fi
echo keep >"$TMP/g.jsonl"
expect_status 2 "$JZ" gen --households 5 --seed 1 "$TMP/g.jsonl"
expect_grep "$TMP/g.jsonl" '^keep$' "gen keeps an existing file"
expect_status 0 "$JZ" gen --households 5 --seed 1 "$TMP/g.jsonl" --force
expect_lines "$TMP/g.jsonl" 5 "gen replaces it with --force"
# No temporary file is left anywhere.
if ls -a "$TMP" | grep -q '\.tmp$'; then bad "temporary files left: $(ls -a "$TMP")"; else ok; fi

# ---- item 10: ID numbers ---------------------------------------------------------------
ID=140902197803120159 # 王建国, examples/01
MASKED='140902\*\*\*\*\*\*\*\*0159'
expect_status 0 "$JZ" show "$DB" H140902-000101
expect_grep "$TMP/out" "$MASKED" "show: the ID number masked"
expect_no_grep "$TMP/out" "$ID" "show: no full ID number"
expect_status 0 "$JZ" show --json "$DB" H140902-000101
expect_no_grep "$TMP/out" "$ID" "show --json: no full ID number"
expect_status 0 "$JZ" show --full-id "$DB" H140902-000101
expect_grep "$TMP/out" "$ID" "show --full-id: the one record's full numbers"
expect_status 0 "$JZ" chain "$DB" "$ID"
expect_grep "$TMP/out" 'H140902-000101' "chain by ID number"
expect_no_grep "$TMP/out" "$ID" "chain: no full ID number"
expect_status 0 "$JZ" chain --full-id "$DB" H140902-000101
expect_status 0 "$JZ" assess --format summary "$SRC/examples/01-dibao-rural.json"
expect_grep "$TMP/out" "$MASKED" "assess summary: masked"
expect_no_grep "$TMP/out" "$ID" "assess summary: no full ID number"
# Error messages: the member label and the value masked.
expect_status 1 "$JZ" staff add "$DB" --id 140902197803120158 --name 某 --unit 民政局
expect_grep "$TMP/err" '140902\*\*\*\*\*\*\*\*0158' "a refused ID number masked in the message"
expect_no_grep "$TMP/err" '140902197803120158' "and not shown whole"
# The import report: ID numbers masked, a formula-like value neutralised.
EX1="$SRC/examples/01-dibao-rural.json"
{
  printf '['
  sed -e 's/"H140902-000101"/"H140902-000998"/' -e 's/"rural"/"=HYPERLINK(1)"/' "$EX1"
  printf ','
  sed -e 's/"H140902-000101"/"H140902-000999"/' -e 's/"9600.00"/"9600.001"/' "$EX1"
  printf ']'
} >"$TMP/bad.json"
expect_status 1 "$JZ" import --report "$TMP/import-report.csv" "$DB" "$TMP/bad.json"
expect_grep "$TMP/err" "members\[0\] $MASKED" "import error: the member's ID number masked"
expect_no_grep "$TMP/err" "$ID" "import errors: no full ID number"
expect_grep "$TMP/import-report.csv" "$MASKED" "import report: the member's ID number masked"
expect_no_grep "$TMP/import-report.csv" "$ID" "import report: no full ID number"
# The feed report: a formula-like value gets its leading '.
printf 'id_number,name,kind,date,total,out_of_pocket\n=HYPERLINK(1),某,settlement,2025-03-05,100,50\n' \
  >"$TMP/med-bad.csv"
expect_status 1 "$JZ" feed import "$DB" medical "$TMP/med-bad.csv" --report "$TMP/feed-bad.csv"
expect_grep "$TMP/feed-bad.csv" "\"'=HYPERLINK(1)\"" "feed report: a formula neutralised"

# ---- item 10 (c): file modes -------------------------------------------------------------
mode() { stat -c %a "$1"; }
if [ "$(mode "$DB")" = 600 ]; then ok; else bad "database mode $(mode "$DB"), wanted 600"; fi
if [ "$(mode "$TMP/list.csv")" = 600 ]; then ok; else bad "--out mode $(mode "$TMP/list.csv")"; fi
if [ "$(mode "$TMP/feed-report.csv")" = 600 ]; then ok; else bad "report mode $(mode "$TMP/feed-report.csv")"; fi
if [ "$(mode "$DB.feed-report.csv")" = 600 ]; then ok; else bad "default report mode $(mode "$DB.feed-report.csv")"; fi
expect_status 0 "$JZ" gen --households 5 --seed 1 --format csv "$TMP/set"
if [ "$(mode "$TMP/set")" = 700 ] && [ "$(mode "$TMP/set/members.csv")" = 600 ]; then ok; else
  bad "gen csv modes $(mode "$TMP/set") $(mode "$TMP/set/members.csv")"; fi
JIUZHU_FILE_MODE=0640 "$JZ" init "$TMP/group.db" >/dev/null 2>&1
if [ "$(mode "$TMP/group.db")" = 640 ]; then ok; else bad "JIUZHU_FILE_MODE=0640: db $(mode "$TMP/group.db")"; fi
JIUZHU_FILE_MODE=0640 "$JZ" "${LIST[@]}" --format html --out "$TMP/group.html" >/dev/null 2>&1
if [ "$(mode "$TMP/group.html")" = 640 ]; then ok; else bad "JIUZHU_FILE_MODE=0640: out $(mode "$TMP/group.html")"; fi
expect_status 2 env JIUZHU_FILE_MODE=0666 "$JZ" init "$TMP/world.db"
expect_grep "$TMP/err" 'JIUZHU_FILE_MODE' "another mode is refused"
if [ -e "$TMP/world.db" ]; then bad "created under a refused mode"; else ok; fi
# The WAL and SHM files (left by read-only use) get the database's mode.
"$JZ" case list "$TMP/group.db" >/dev/null 2>&1
for f in "$DB"-wal "$DB"-shm "$TMP/group.db-wal" "$TMP/group.db-shm"; do
  want=600
  case $f in *group*) want=640 ;; esac
  if [ ! -e "$f" ] || [ "$(mode "$f")" = $want ]; then ok; else bad "$f mode $(mode "$f"), wanted $want"; fi
done

finish
