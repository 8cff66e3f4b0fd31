#!/usr/bin/env bash
# bench_pay.sh - payments at a province's size (issue 14 "Performance"),
# beside the peer: the same month's regular lines computed by one SQL
# INSERT ... SELECT over the same database.
#
#   bench/bench_pay.sh [--households N] [--jiuzhu PATH] [--tmp DIR] [--keep]
#
# Builds nothing: --jiuzhu defaults to build-rel/jiuzhu (cmake -S . -B
# build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel -j2).
# Needs sqlite3 (the command) for the peer.
#
# 1. jiuzhu init, gen N households (default 1,000,000) of the province,
#    import (the households already receiving assistance become
#    enrolments: jiuzhu's adopted recipients), and a payee for every
#    household written by SQL (set-up, not timed).
# 2. A copy of the database for the peer.
# 3. Timed, one run each: jiuzhu pay plan --period 2025-07 (the first
#    planning: 低保 lines; July starts a quarter, so 特困 lines too), the
#    same again (adds nothing), and the peer's INSERT ... SELECT of the
#    same regular lines into a table of its own on the copy.
# Prints the figures, the targets and the ratio jiuzhu / peer.  Exits 0
# whether or not the targets are met.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
households=1000000
jz="$here/../build-rel/jiuzhu"
tmp=${TMPDIR:-/tmp}
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
  --households) households=$2; shift 2 ;;
  --jiuzhu) jz=$2; shift 2 ;;
  --tmp) tmp=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  *) echo "usage: $0 [--households N] [--jiuzhu PATH] [--tmp DIR] [--keep]" >&2; exit 2 ;;
  esac
done
command -v sqlite3 >/dev/null || { echo "bench_pay: sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }
[ -x "$jz" ] || { echo "bench_pay: no jiuzhu at $jz (build Release first)" >&2; exit 2; }
dir=$(mktemp -d "$tmp/jiuzhu-pay-XXXXXX")
cleanup() { if [ "$keep" = 1 ]; then echo "bench_pay: kept $dir"; else rm -rf "$dir"; fi; }
trap cleanup EXIT
db=$dir/p.db

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "bench_pay: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $("$jz" --version)"
t=$(now)
"$jz" init "$db" >/dev/null
"$jz" gen --households "$households" --seed 14 "$dir/g.jsonl" >/dev/null
"$jz" import "$db" "$dir/g.jsonl" >"$dir/import.txt"
rm -f "$dir/g.jsonl"
# Every household gets an account (a valid-looking 19-digit number: the
# bench is about volume, not about banks).
sqlite3 "$db" "INSERT INTO payees(county, household_id, member_id, holder_name, holder_id, bank,
  account, institution, version, current, set_at)
  SELECT h.county, h.household_id, '', '户主', m.id_number, 'abc',
         printf('622848%013d', h.hh), 0, 1, 1, '2025-06-30T00:00:00Z'
  FROM households h JOIN members m ON m.hh = h.hh AND m.idx = 0;" 2>"$dir/payees.err" ||
  { echo "bench_pay: could not write the payees:" >&2; cat "$dir/payees.err" >&2; exit 1; }
enrol=$(sqlite3 "$db" "SELECT count(*) FROM enrolments")
echo "bench_pay: $households households, $enrol enrolments, set up in $(secs "$t" "$(now)") s"
cp "$db" "$dir/peer.db"

t=$(now)
"$jz" pay plan "$db" --period 2025-07 >"$dir/plan1.txt"
t_plan=$(secs "$t" "$(now)")
t=$(now)
"$jz" pay plan "$db" --period 2025-07 >"$dir/plan2.txt"
t_again=$(secs "$t" "$(now)")
lines=$(sqlite3 "$db" "SELECT count(*) FROM pay_lines WHERE kind = 0")
sum=$(sqlite3 "$db" "SELECT sum(amount) FROM pay_lines WHERE kind = 0")

# The peer: the same regular lines (低保 units for July, 特困 for the third
# quarter at three months' amount), from the amount in force, by one
# statement.
t=$(now)
sqlite3 "$dir/peer.db" "
CREATE TABLE peer_lines(enrolment INTEGER PRIMARY KEY, household_id TEXT, period TEXT,
  amount INTEGER, payee INTEGER);
INSERT INTO peer_lines
SELECT e.enrolment, e.household_id,
       CASE WHEN e.programme = 5 THEN '2025-Q3' ELSE '2025-07' END,
       (SELECT t.monthly FROM enrol_terms t WHERE t.enrolment = e.enrolment
          AND t.since <= '2025-07' ORDER BY t.since DESC LIMIT 1)
         * CASE WHEN e.programme = 5 THEN 3 ELSE 1 END,
       (SELECT p.payee FROM payees p WHERE p.household_id = e.household_id
          AND p.member_id = '' AND p.current = 1)
FROM enrolments e
WHERE e.programme IN (0, 1, 4, 5) AND e.first_month <= '2025-07'
  AND (e.status <> 2 OR e.end_month >= '2025-07')
  AND (e.end_month = '' OR e.end_month >= '2025-07');
DELETE FROM peer_lines WHERE amount IS NULL OR amount <= 0;"
t_peer=$(secs "$t" "$(now)")
peer_lines=$(sqlite3 "$dir/peer.db" "SELECT count(*) FROM peer_lines")
peer_sum=$(sqlite3 "$dir/peer.db" "SELECT sum(amount) FROM peer_lines")

verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "PASS" : "FAIL" }'; }
echo
printf '%-46s %10s %10s %s\n' figure seconds target verdict
printf '%-46s %10s %10s %s\n' "plan 2025-07 (first)" "$t_plan" "<= 5" "$(verdict "$t_plan" 5)"
printf '%-46s %10s %10s %s\n' "plan 2025-07 again (adds nothing)" "$t_again" "<= 1" "$(verdict "$t_again" 1)"
printf '%-46s %10s %10s %s\n' "peer: INSERT ... SELECT of the same lines" "$t_peer" "-" "-"
echo "jiuzhu / peer (first planning): $(awk -v a="$t_plan" -v b="$t_peer" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
echo "lines: jiuzhu $lines (sum $sum fen), peer $peer_lines (sum $peer_sum fen)"
sed -n '1p' "$dir/plan1.txt"
sed -n '1p' "$dir/plan2.txt"
echo "bench_pay: load average $(cut -d' ' -f1-3 /proc/loadavg) after the run"
