#!/usr/bin/env bash
# jiuzhu gen as a user runs it: the same options give the same bytes, the
# JSON Lines read back through `jiuzhu assess` without an error, --region
# keeps households in the region, --format csv writes the five files of
# docs/csv-import.md with their headers, and bad options exit 2 with a
# Chinese message.
. "$(dirname "$0")/lib.sh"

# Deterministic: twice the same file; another seed, another file.
expect_status 0 "$JZ" gen --households 500 --seed 7 "$TMP/a.jsonl"
expect_grep "$TMP/err" '500 户' "summary on stderr"
expect_status 0 "$JZ" gen --households 500 --seed 7 "$TMP/b.jsonl"
if cmp -s "$TMP/a.jsonl" "$TMP/b.jsonl"; then ok; else bad "same seed, different files"; fi
expect_lines "$TMP/a.jsonl" 500 "one line per household"
expect_status 0 "$JZ" gen --households 500 --seed 8 "$TMP/c.jsonl"
if cmp -s "$TMP/a.jsonl" "$TMP/c.jsonl"; then bad "another seed, the same file"; else ok; fi
# To standard output, the same bytes.
expect_status 0 "$JZ" gen --households 500 --seed 7 -
if cmp -s "$TMP/a.jsonl" "$TMP/out"; then ok; else bad "stdout differs from the file"; fi

# Every record is read and assessed.
expect_status 0 "$JZ" assess "$TMP/a.jsonl"
expect_lines "$TMP/out" 500 "a determination per household"
expect_grep "$TMP/out" '"category":"dibao"' "some 低保"
expect_grep "$TMP/out" '"category":"none"' "some not eligible"
expect_grep "$TMP/out" '"category":"marginal"' "some 低保边缘"

# --region: only that county (and the --date given).
expect_status 0 "$JZ" gen --households 200 --seed 1 --region 140902 --date 2024-06-01 "$TMP/r.jsonl"
n=$(grep -c '"region":"140902[0-9]\{6\}"' "$TMP/r.jsonl")
if [ "$n" -eq 200 ]; then ok; else bad "--region 140902: $n of 200 households in it"; fi
expect_grep "$TMP/r.jsonl" '"assess_date":"2024-06-01"' "--date written"
expect_status 0 "$JZ" assess "$TMP/r.jsonl"

# CSV: a directory with five files and the documented headers.
expect_status 0 "$JZ" gen --households 300 --seed 7 --format csv "$TMP/csv"
for f in households members income expenses assets; do
  if [ -s "$TMP/csv/$f.csv" ]; then ok; else bad "no $f.csv"; fi
done
head1() { head -n 1 "$TMP/csv/$1.csv"; }
if [ "$(head1 households)" = "household_id,region,area,assess_date,current_programme,current_since,current_monthly_amount" ]; then ok; else bad "households.csv header: $(head1 households)"; fi
if [ "$(head1 members)" = "household_id,id,name,relation,birth_date,presence,employment,newly_employed,unemployment_insured,months_without_income,hardship_cause,disability_category,disability_grade,serious_illness,under_treatment,needs_rehab_or_care,student_level,student_full_time,student_high_fee,student_abroad,self_care_failed_items,supporters,applies_alone,deceased_date,current_programme,current_since,current_monthly_amount" ]; then ok; else bad "members.csv header: $(head1 members)"; fi
if [ "$(head1 income)" = "household_id,member_id,kind,amount" ]; then ok; else bad "income.csv header"; fi
if [ "$(head1 expenses)" = "household_id,member_id,kind,amount" ]; then ok; else bad "expenses.csv header"; fi
if [ "$(head1 assets)" = "household_id,member_id,financial,vehicles,extra_houses,business" ]; then ok; else bad "assets.csv header"; fi
n=$(($(wc -l <"$TMP/csv/households.csv") - 1))
if [ "$n" -eq 300 ]; then ok; else bad "households.csv: $n rows, wanted 300"; fi
# As many member rows as members in the JSON Lines of the same run.
expect_status 0 "$JZ" gen --households 300 --seed 7 "$TMP/same.jsonl"
want=$(grep -o '"relation":' "$TMP/same.jsonl" | wc -l)
got=$(($(wc -l <"$TMP/csv/members.csv") - 1))
if [ "$want" -eq "$got" ]; then ok; else bad "members.csv: $got rows, JSON Lines: $want members"; fi
# UTF-8 without a byte order mark.
if head -c 3 "$TMP/csv/members.csv" | od -An -tx1 | grep -q 'ef bb bf'; then bad "BOM written"; else ok; fi
# Writing into an existing directory is fine; its files are replaced only
# with --force (and then all five).
expect_status 2 "$JZ" gen --households 10 --seed 7 --format csv "$TMP/csv"
expect_grep "$TMP/err" '已存在.*--force' "existing files kept without --force"
n=$(($(wc -l <"$TMP/csv/households.csv") - 1))
if [ "$n" -eq 300 ]; then ok; else bad "households.csv changed without --force: $n rows"; fi
expect_status 0 "$JZ" gen --households 10 --seed 7 --format csv --force "$TMP/csv"
n=$(($(wc -l <"$TMP/csv/households.csv") - 1))
if [ "$n" -eq 10 ]; then ok; else bad "households.csv not replaced with --force: $n rows"; fi

# Usage errors: exit 2 with a Chinese message.
expect_status 2 "$JZ" gen
expect_status 2 "$JZ" gen --households 10 "$TMP/x.jsonl"
expect_grep "$TMP/err" '缺少 --seed' "missing --seed named"
expect_status 2 "$JZ" gen --seed 1 "$TMP/x.jsonl"
expect_status 2 "$JZ" gen --households 10 --seed 1
expect_status 2 "$JZ" gen --households 0 --seed 1 "$TMP/x.jsonl"
expect_status 2 "$JZ" gen --households ten --seed 1 "$TMP/x.jsonl"
expect_status 2 "$JZ" gen --households 10 --seed -3 "$TMP/x.jsonl"
expect_status 2 "$JZ" gen --households 10 --seed 1 --format xml "$TMP/x.jsonl"
expect_grep "$TMP/err" 'jsonl、csv 或 feeds' "formats listed"
expect_status 2 "$JZ" gen --households 10 --seed 1 --region 140999 "$TMP/x.jsonl"
expect_grep "$TMP/err" '区划' "unknown region named"
expect_status 2 "$JZ" gen --households 10 --seed 1 --region 12 "$TMP/x.jsonl"
expect_status 2 "$JZ" gen --households 10 --seed 1 --date 2025-02-30 "$TMP/x.jsonl"
expect_status 2 "$JZ" gen --households 10 --seed 1 --bogus "$TMP/x.jsonl"
expect_status 2 "$JZ" gen --households 10 --seed 1 --format csv -
expect_status 2 "$JZ" gen --households 200000 --seed 1 --region 140902 "$TMP/x.jsonl"
expect_grep "$TMP/err" '户数过多' "too many households for one county"
expect_status 0 "$JZ" gen --help
expect_grep "$TMP/out" '用法' "usage in Chinese"

finish
