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
# 4. The month's bank files: every county's batch prepared and approved by
#    a second user (not timed), then every file written by one `jiuzhu pay
#    export --period` (CSV), timed.
# 5. A result file of --result-lines lines (default 1,000,000): so many
#    lines are written into one county's ledger by SQL (set-up, not timed:
#    a province's month has fewer), prepared as one batch, approved,
#    exported, then the bank's answer (all paid) imported, timed.
# Prints the figures, the targets and the ratio jiuzhu / peer.  Exits 0
# whether or not the targets are met.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
households=1000000
result_lines=1000000
jz="$here/../build-rel/jiuzhu"
tmp=${TMPDIR:-/tmp}
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
  --households) households=$2; shift 2 ;;
  --result-lines) result_lines=$2; shift 2 ;;
  --jiuzhu) jz=$2; shift 2 ;;
  --tmp) tmp=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  *) echo "usage: $0 [--households N] [--result-lines N] [--jiuzhu PATH] [--tmp DIR] [--keep]" >&2; exit 2 ;;
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

# ---- 4. the month's bank files ------------------------------------------------------
counties=$(sqlite3 "$db" "SELECT DISTINCT county FROM pay_lines WHERE period = '2025-07' ORDER BY 1")
mkdir -p "$dir/files"
for c in $counties; do
  "$jz" pay batch "$db" --period 2025-07 --county "$c" --actor 编制员 >/dev/null
done
for b in $(sqlite3 "$db" "SELECT batch FROM pay_batches ORDER BY batch"); do
  "$jz" pay approve "$db" --batch "$b" --actor 科长 >/dev/null
done
t=$(now)
"$jz" pay export "$db" --period 2025-07 --out "$dir/files" >/dev/null
t_files=$(secs "$t" "$(now)")
n_files=$(ls "$dir/files" | wc -l)
file_rows=$(cat "$dir"/files/*.csv | wc -l)

# ---- 5. a result file of result_lines lines ----------------------------------------------
sqlite3 "$db" "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $result_lines)
INSERT INTO pay_lines(county, region, household_id, enrolment, programme, period, kind,
  ref_period, refers_to, member_id, label, persons, amount, province_share, local_share, voucher,
  payee, batch, status, result, reason, planned_at)
SELECT '140902', '140902101201', p.household_id, 0, 'bench', 'bench-' || n.i, 2, '', 0,
  'M' || n.i, '全户', 1, 30000, 18000, 12000, 0, p.payee, 0, 0, '', '', '2025-08-01T00:00:00Z'
FROM n JOIN (SELECT payee, household_id FROM payees WHERE county = '140902' LIMIT 1) p;"
t=$(now)
"$jz" pay batch "$db" --period 2025-08 --county 140902 --actor 编制员 >"$dir/big-batch.txt"
t_bigbatch=$(secs "$t" "$(now)")
big=$(sqlite3 "$db" "SELECT max(batch) FROM pay_batches")
"$jz" pay approve "$db" --batch "$big" --actor 科长 >/dev/null
mkdir -p "$dir/big"
t=$(now)
"$jz" pay export "$db" --batch "$big" --out "$dir/big" >/dev/null
t_bigexport=$(secs "$t" "$(now)")
bigf=$(ls "$dir"/big/*.csv | head -1)
iconv -f GB18030 -t UTF-8 "$bigf" | tr -d '\r' | awk -F, 'NR == 1 { print "明细编号,账号,金额,结果代码,说明"; next }
  { print $7 "," $2 "," $4 ",0000,成功" }' >"$dir/big-result.csv"
res_lines=$(($(wc -l <"$dir/big-result.csv") - 1))
t=$(now)
"$jz" pay results "$db" --batch "$big" "$dir/big-result.csv" >"$dir/big-results.txt"
t_results=$(secs "$t" "$(now)")

verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "PASS" : "FAIL" }'; }
echo
printf '%-46s %10s %10s %s\n' figure seconds target verdict
printf '%-46s %10s %10s %s\n' "plan 2025-07 (first)" "$t_plan" "<= 5" "$(verdict "$t_plan" 5)"
printf '%-46s %10s %10s %s\n' "plan 2025-07 again (adds nothing)" "$t_again" "<= 1" "$(verdict "$t_again" 1)"
printf '%-46s %10s %10s %s\n' "peer: INSERT ... SELECT of the same lines" "$t_peer" "-" "-"
printf '%-46s %10s %10s %s\n' "the month's bank files ($n_files files, $((file_rows)) rows)" "$t_files" "<= 5" "$(verdict "$t_files" 5)"
printf '%-46s %10s %10s %s\n' "a batch of $res_lines lines prepared (info)" "$t_bigbatch" "-" "-"
printf '%-46s %10s %10s %s\n' "its bank file written (info)" "$t_bigexport" "-" "-"
printf '%-46s %10s %10s %s\n' "its result file of $res_lines lines imported" "$t_results" "<= 10" "$(verdict "$t_results" 10)"
echo "jiuzhu / peer (first planning): $(awk -v a="$t_plan" -v b="$t_peer" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
echo "lines: jiuzhu $lines (sum $sum fen), peer $peer_lines (sum $peer_sum fen)"
sed -n '1p' "$dir/plan1.txt"
sed -n '1p' "$dir/plan2.txt"
echo "bench_pay: load average $(cut -d' ' -f1-3 /proc/loadavg) after the run"
