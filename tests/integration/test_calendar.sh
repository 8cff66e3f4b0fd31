#!/usr/bin/env bash
# jiuzhu calendar: working days as a caseworker asks for them (R-WF-3), on
# the shipped calendar and on one given with --calendar; dates outside the
# data's years and bad arguments are refused with a reason.
. "$(dirname "$0")/lib.sh"

# The statutory 30 working days from 受理 across National Day 2024.
expect_status 0 "$JZ" calendar add 2024-09-27 30
expect_grep "$TMP/out" '^2024-11-13$' "30 working days after 2024-09-27"
# Across the Spring Festival 2025: the Sunday 01-26 is worked, 01-28..02-04 off.
expect_status 0 "$JZ" calendar add 2025-01-24 3
expect_grep "$TMP/out" '^2025-02-05$' "3 working days after 2025-01-24"
expect_status 0 "$JZ" calendar count 2025-01-24 2025-02-10
expect_grep "$TMP/out" '^7$' "working days 2025-01-24..2025-02-10"
# Backwards.
expect_status 0 "$JZ" calendar add 2024-02-19 -2
expect_grep "$TMP/out" '^2024-02-09$' "2 working days before 2024-02-19"

# Outside the covered years: an error that says which date and what to do.
expect_status 1 "$JZ" calendar add 2026-12-30 5
expect_grep "$TMP/err" '2027-01-01' "the first date the data does not cover"
expect_grep "$TMP/err" '2023–2026' "the covered years"
expect_grep "$TMP/err" 'cn-holidays.csv' "where to add the year"
expect_status 1 "$JZ" calendar count 2022-12-01 2023-01-10

# Bad arguments.
expect_status 2 "$JZ" calendar add 2024-02-30 1
expect_grep "$TMP/err" '2024-02-30' "a bad date is named"
expect_status 2 "$JZ" calendar add 2024-02-08 three
expect_grep "$TMP/err" 'three' "a bad count is named"
expect_status 2 "$JZ" calendar subtract 2024-02-08 1
expect_status 0 "$JZ" calendar --help

# Another calendar file: a year added, and a broken file named by line.
cat >"$TMP/cal.csv" <<'CSV'
# Years covered: 2027-2027
date,kind,name
2027-02-06,off,春节
2027-02-07,work,春节
CSV
expect_status 0 "$JZ" calendar --calendar "$TMP/cal.csv" add 2027-02-05 1
expect_grep "$TMP/out" '^2027-02-07$' "the make-up Sunday of the added year"
printf '# Years covered: 2027-2027\ndate,kind,name\n2027-02-08,work,x\n' >"$TMP/bad.csv"
expect_status 1 "$JZ" calendar --calendar "$TMP/bad.csv" add 2027-02-05 1
expect_grep "$TMP/err" 'bad.csv' "the file is named"
expect_grep "$TMP/err" '3' "the line is named"
expect_grep "$TMP/err" '周六或周日' "the reason"

finish
