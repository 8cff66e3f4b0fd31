#!/usr/bin/env bash
# jiuzhu assess as a user runs it: the input forms of FORMATS.md (one record,
# an array, JSON Lines, stdin), exit codes 0/1/2, errors that name the
# household, the member and the field with nothing written for that
# household, --param what-if, --date, and traces that cite the seed clauses.
. "$(dirname "$0")/lib.sh"
EX=$SRC/examples

# One record: pretty JSON with a trace citing the seed documents.
expect_status 0 "$JZ" assess "$EX/01-dibao-rural.json"
expect_grep "$TMP/out" '"category": "dibao"' "single record"
expect_grep "$TMP/out" '晋民发〔2023〕31号 一(一)' "trace cites seed 001"
expect_grep "$TMP/out" '"decisive": \[' "decisive rules listed"
cp "$TMP/out" "$TMP/single.json"

# The same record from stdin gives the same determination.
expect_status 0 "$JZ" assess - <"$EX/01-dibao-rural.json"
if cmp -s "$TMP/out" "$TMP/single.json"; then ok; else bad "stdin differs from file"; fi

# A JSON array of records: JSON Lines out, one line per household.
{ printf '['; cat "$EX/01-dibao-rural.json"; printf ','; cat "$EX/02-expenditure-illness-education.json"; printf ']'; } >"$TMP/array.json"
expect_status 0 "$JZ" assess "$TMP/array.json"
expect_lines "$TMP/out" 2 "array gives two lines"
expect_grep "$TMP/out" '"category":"dibao_expenditure","causes":\["illness","education"\]' "支出型 with causes"

# JSON Lines with a bad record in the middle: the others are still assessed,
# nothing is written for the bad one, stderr names line, household, member,
# field and reason, and the exit status is 1.
tr -d '\n' <"$EX/01-dibao-rural.json" >"$TMP/l1"
tr -d '\n' <"$EX/03-marginal-single-dibao.json" | sed 's/"26400.00"/"26400.123"/' >"$TMP/l2"
tr -d '\n' <"$EX/04-tekun-leaves-household.json" >"$TMP/l3"
{ cat "$TMP/l1"; echo; cat "$TMP/l2"; echo; cat "$TMP/l3"; echo; } >"$TMP/lines.jsonl"
expect_status 1 "$JZ" assess "$TMP/lines.jsonl"
expect_lines "$TMP/out" 2 "two good households written"
expect_no_grep "$TMP/out" 'H140902-000303' "nothing written for the bad household"
expect_grep "$TMP/err" 'lines.jsonl:2' "error names the line"
expect_grep "$TMP/err" 'H140902-000303' "error names the household"
expect_grep "$TMP/err" 'members\[0\].income\[0\].amount' "error names the field"
expect_grep "$TMP/err" '26400.123' "error shows the value"
expect_grep "$TMP/err" '两位小数' "error gives the reason"

# Bad ID number: the expected check character is named.
sed 's/"140902197803120159"/"140902197803120158"/' "$EX/01-dibao-rural.json" >"$TMP/badid.json"
expect_status 1 "$JZ" assess "$TMP/badid.json"
expect_grep "$TMP/err" '校验码' "bad check character"
if [ -s "$TMP/out" ]; then bad "output written for a bad record"; else ok; fi

# Unknown field, impossible date, unknown enumeration.
sed 's/"employment": "employed"/"employmnet": "employed"/' "$EX/01-dibao-rural.json" >"$TMP/typo.json"
expect_status 1 "$JZ" assess "$TMP/typo.json"
expect_grep "$TMP/err" 'members\[0\].employmnet' "unknown field named"
sed 's/"2025-06-01"/"2025-02-29"/' "$EX/01-dibao-rural.json" >"$TMP/date.json"
expect_status 1 "$JZ" assess "$TMP/date.json"
expect_grep "$TMP/err" 'assess_date' "impossible date named"
sed 's/"rural"/"village"/' "$EX/01-dibao-rural.json" >"$TMP/enum.json"
expect_status 1 "$JZ" assess "$TMP/enum.json"
expect_grep "$TMP/err" 'urban rural' "enumeration choices listed"

# Usage errors: exit 2.
expect_status 2 "$JZ" assess
expect_status 2 "$JZ" assess --bogus "$EX/01-dibao-rural.json"
expect_status 2 "$JZ" assess --param no.such.param=1 "$EX/01-dibao-rural.json"
expect_grep "$TMP/err" 'no.such.param' "unknown parameter named"
expect_status 2 "$JZ" assess --param dibao.standard.rural=5.555 "$EX/01-dibao-rural.json"
expect_status 2 "$JZ" assess --date 2025-13-01 "$EX/01-dibao-rural.json"
expect_status 2 "$JZ"
expect_status 1 "$JZ" assess "$TMP/does-not-exist.json"

# What-if: a lower standard turns the 低保 household away; a higher marginal
# multiple turns a refused household into 低保边缘.
expect_status 0 "$JZ" assess --param dibao.standard.rural=300 "$EX/01-dibao-rural.json"
expect_grep "$TMP/out" '"category": "marginal"' "what-if lower standard"
expect_grep "$TMP/out" '"dibao.standard.rural": "300.00"' "param value used is reported"
expect_status 0 "$JZ" assess --param marginal.income_multiple=4 "$EX/06-temporary-relief.json"
expect_grep "$TMP/out" '"category": "marginal"' "what-if marginal multiple"

# --date replaces the assessment date (ages, standards in force).
expect_status 0 "$JZ" assess --date 2024-01-15 "$EX/01-dibao-rural.json"
expect_grep "$TMP/out" '"assess_date": "2024-01-15"' "--date used"
# A date with no standard in force is an error naming the parameter.
expect_status 1 "$JZ" assess --date 2019-06-01 "$EX/01-dibao-rural.json"
expect_grep "$TMP/err" 'dibao.standard' "missing standard named"

# The readable summary hides the middle of ID numbers.
expect_status 0 "$JZ" assess --format summary "$EX"/*.json
expect_grep "$TMP/out" '140902\*\*\*\*\*\*\*\*0159' "masked ID in summary"
expect_no_grep "$TMP/out" '140902197803120159' "no full ID in summary"

# jiuzhu rules lists every rule with its source.
expect_status 0 "$JZ" rules --params
expect_grep "$TMP/out" 'R-EXP-EDU' "rules lists R-EXP-EDU"
expect_grep "$TMP/out" 'marginal.income_multiple' "rules lists parameters"

finish
