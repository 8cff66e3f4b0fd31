#!/usr/bin/env bash
# Payments under kill -9 (issue 14 "Reliability"): planning, preparing
# batches, writing the bank file and importing the bank's results, each
# killed at random moments (at least 50 kills of a running command in all),
# then resumed.  The ledger must hold exactly what an undisturbed run
# writes (no line lost, none doubled, the same sums, the same statuses),
# the bank files must be the same, and the audit log stays whole.  A
# second store, run without kills, is the reference.
source "$(dirname "$0")/lib.sh"
DB=$(test_db k.db)
N=20000
# PostgreSQL imports slower: fewer households (still well over 1000 lines).
on_pg && N=6000
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" gen --households $N --seed 21 --region 140902 "$TMP/g.jsonl"
expect_status 0 "$JZ" import "$DB" "$TMP/g.jsonl"
# Accounts for 150 households (through jiuzhu, audited); the others' lines
# are held.
db_sql "$DB" "SELECT DISTINCT e.household_id, m.name, m.id_number FROM enrolments e
  JOIN households h ON h.household_id = e.household_id JOIN members m ON m.hh = h.hh AND m.idx = 0
  WHERE e.member_id = '' AND e.monthly > 0 ORDER BY 1 LIMIT 150" | tr '|' ' ' >"$TMP/heads"
n=0
while read -r hh name id; do
  n=$((n + 1))
  "$JZ" pay payee set "$DB" --household "$hh" --name "$name" --id "$id" --bank abc \
    --account "$(luhn "6228480000000$(printf '%05d' "$n")")" >/dev/null 2>"$TMP/err" ||
    { bad "payee of $hh"; cat "$TMP/err" >&2; }
done <"$TMP/heads"
[ "$n" = 150 ] && ok || bad "150 payees ($n)"
REF=$(db_copy "$DB" ref.db) || bad "the reference copy"

kills=0
# kill_runs N CMD...: runs CMD again and again, killing it after a random
# 0 to 39 ms (PostgreSQL: 0 to 99 ms), until N runs were killed while running (a run that finished
# first does not count), at most 60 tries.
kill_runs() {
  local want=$1 got=0 tries=0 pid
  shift
  while [ "$got" -lt "$want" ] && [ "$tries" -lt 60 ]; do
    tries=$((tries + 1))
    "$@" >/dev/null 2>&1 &
    pid=$!
    if on_pg; then # (a command on PostgreSQL takes longer to connect and to run)
      sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
    else
      sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
    fi
    if kill -9 "$pid" 2>/dev/null; then
      got=$((got + 1))
      kills=$((kills + 1))
    fi
    wait "$pid" 2>/dev/null
    wait_db_idle "$DB"
  done
  echo "pay kill: $got of $tries runs of $2 $3 killed while running" >&2
}

for month in 2025-07 2025-08 2025-09 2025-10; do
  kill_runs 10 "$JZ" pay plan "$DB" --period "$month"
  expect_status 0 "$JZ" pay plan "$DB" --period "$month"
  expect_status 0 "$JZ" pay plan "$REF" --period "$month"
done

# July's batch: prepared (killed), approved, its bank file written (killed),
# the bank's answer imported (killed).
kill_runs 5 "$JZ" pay batch "$DB" --period 2025-07 --county 140902 --actor 编制员
for d in "$DB" "$REF"; do
  expect_status 0 "$JZ" pay batch "$d" --period 2025-07 --county 140902 --actor 编制员
done
# Each store's own batch and line numbers: on PostgreSQL those of the
# killed runs' rolled-back transactions are gaps (sequences), on SQLite
# they are used again.
B=$(db_sql "$REF" "SELECT min(batch) FROM pay_batches")
Bk=$(db_sql "$DB" "SELECT count(*) FROM pay_batches")
[ "$Bk" = 1 ] && ok || bad "one batch after the killed preparations ($Bk)"
BK=$(db_sql "$DB" "SELECT min(batch) FROM pay_batches")
on_sqlite && { [ "$BK" = "$B" ] && ok || bad "the batch's number $BK, undisturbed $B"; }
expect_status 0 "$JZ" pay approve "$DB" --batch "$BK" --actor 科长
expect_status 0 "$JZ" pay approve "$REF" --batch "$B" --actor 科长
mkdir -p "$TMP/out-k" "$TMP/out-r"
kill_runs 5 "$JZ" pay export "$DB" --batch "$BK" --out "$TMP/out-k"
wait_db_idle "$DB"
expect_status 0 "$JZ" pay export "$DB" --batch "$BK" --out "$TMP/out-k"
expect_status 0 "$JZ" pay export "$REF" --batch "$B" --out "$TMP/out-r"
fk=$(ls "$TMP"/out-k/*.csv 2>/dev/null | head -1)
fr=$(ls "$TMP"/out-r/*.csv 2>/dev/null | head -1)
# The files, but for the line numbers (the last column) on PostgreSQL.
bankfile() { if on_sqlite; then cat "$1"; else sed 's/,[0-9]*\r*$//' "$1"; fi; }
[ -n "$fk" ] && cmp -s <(bankfile "$fk") <(bankfile "$fr") && ok || bad "the bank file after kills differs from the undisturbed one"
ls "$TMP"/out-k | grep -qv '\.csv$' && bad "a temporary file is left beside the bank file" || ok
# The bank pays every line but the first two (a closed account).
answer() {
  iconv -f GB18030 -t UTF-8 "$1" | tr -d '\r' | awk -F, 'NR == 1 { print "明细编号,账号,金额,结果代码,说明"; next }
    { c = "0000"; r = "成功"; if (NR <= 3) { c = "E102"; r = "账户已销户" }
      print $7 "," $2 "," $4 "," c "," r }'
}
answer "$fr" >"$TMP/result.csv"
answer "$fk" >"$TMP/result-k.csv"
kill_runs 5 "$JZ" pay results "$DB" --batch "$BK" "$TMP/result-k.csv"
expect_status 0 "$JZ" pay results "$DB" --batch "$BK" "$TMP/result-k.csv"
expect_status 0 "$JZ" pay results "$REF" --batch "$B" "$TMP/result.csv"

[ "$kills" -ge 50 ] && ok || bad "only $kills runs were killed while running"
echo "pay kill: $kills runs killed while running" >&2

ledger() {
  db_sql "$1" "SELECT enrolment, period, kind, ref_period, amount, status,
                CASE WHEN batch = 0 THEN 0 ELSE 1 END, payee, result
                FROM pay_lines ORDER BY enrolment, period, kind, ref_period, amount"
}
ledger "$DB" >"$TMP/killed.txt"
ledger "$REF" >"$TMP/ref.txt"
if cmp -s "$TMP/killed.txt" "$TMP/ref.txt"; then ok; else
  bad "the ledger after kills differs from the undisturbed one"
  diff "$TMP/killed.txt" "$TMP/ref.txt" | head -20 >&2
fi
n=$(wc -l <"$TMP/ref.txt")
[ "$n" -gt 1000 ] && ok || bad "the reference ledger is too small to mean anything ($n lines)"
paid=$(db_sql "$DB" "SELECT count(*) FROM pay_lines WHERE status = 3")
refused=$(db_sql "$DB" "SELECT count(*) FROM pay_lines WHERE status = 4")
[ "$paid" -gt 100 ] && [ "$refused" = 2 ] && ok || bad "paid $paid, refused $refused"
dup=$(db_sql "$DB" "SELECT count(*) FROM (SELECT enrolment, period FROM pay_lines WHERE kind = 0
                     GROUP BY enrolment, period HAVING count(*) > 1) AS d")
[ "$dup" = 0 ] && ok || bad "$dup regular lines are doubled"
sum_k=$(db_sql "$DB" "SELECT sum(amount) FROM pay_lines")
sum_r=$(db_sql "$REF" "SELECT sum(amount) FROM pay_lines")
[ "$sum_k" = "$sum_r" ] && ok || bad "sums differ: $sum_k against $sum_r"
batch_k=$(db_sql "$DB" "SELECT state, lines, total FROM pay_batches ORDER BY batch")
batch_r=$(db_sql "$REF" "SELECT state, lines, total FROM pay_batches ORDER BY batch")
[ "$batch_k" = "$batch_r" ] && ok || bad "the batch differs: $batch_k against $batch_r"
expect_status 0 "$JZ" pay reconcile "$DB" --batch "$BK"
expect_status 0 "$JZ" audit verify "$DB"
finish
