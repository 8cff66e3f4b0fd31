#!/usr/bin/env bash
# Payments under kill -9 (issue 14 "Reliability"): planning, preparing
# batches, writing the bank file and importing the bank's results, each
# killed at random moments (at least 50 kills of a running command in all),
# then resumed.  The ledger must hold exactly what an undisturbed run
# writes (no line lost, none doubled, the same sums, the same statuses),
# the bank files must be the same, and the audit log stays whole.  A
# second store, run without kills, is the reference.
source "$(dirname "$0")/lib.sh"
DB=$TMP/k.db
REF=$TMP/ref.db
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" gen --households 20000 --seed 21 --region 140902 "$TMP/g.jsonl"
expect_status 0 "$JZ" import "$DB" "$TMP/g.jsonl"
# Accounts for 150 households (through jiuzhu, audited); the others' lines
# are held.
sqlite3 "$DB" "SELECT DISTINCT e.household_id, m.name, m.id_number FROM enrolments e
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
cp "$DB" "$REF"
cp "$DB.audit-key" "$REF.audit-key"

kills=0
# kill_runs N CMD...: runs CMD again and again, killing it after a random
# 0 to 39 ms, until N runs were killed while running (a run that finished
# first does not count), at most 60 tries.
kill_runs() {
  local want=$1 got=0 tries=0 pid
  shift
  while [ "$got" -lt "$want" ] && [ "$tries" -lt 60 ]; do
    tries=$((tries + 1))
    "$@" >/dev/null 2>&1 &
    pid=$!
    sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
    if kill -9 "$pid" 2>/dev/null; then
      got=$((got + 1))
      kills=$((kills + 1))
    fi
    wait "$pid" 2>/dev/null
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
B=$(sqlite3 "$REF" "SELECT min(batch) FROM pay_batches")
Bk=$(sqlite3 "$DB" "SELECT count(*) FROM pay_batches")
[ "$Bk" = 1 ] && ok || bad "one batch after the killed preparations ($Bk)"
for d in "$DB" "$REF"; do
  expect_status 0 "$JZ" pay approve "$d" --batch "$B" --actor 科长
done
mkdir -p "$TMP/out-k" "$TMP/out-r"
kill_runs 5 "$JZ" pay export "$DB" --batch "$B" --out "$TMP/out-k"
expect_status 0 "$JZ" pay export "$DB" --batch "$B" --out "$TMP/out-k"
expect_status 0 "$JZ" pay export "$REF" --batch "$B" --out "$TMP/out-r"
fk=$(ls "$TMP"/out-k/*.csv 2>/dev/null | head -1)
fr=$(ls "$TMP"/out-r/*.csv 2>/dev/null | head -1)
[ -n "$fk" ] && cmp -s "$fk" "$fr" && ok || bad "the bank file after kills differs from the undisturbed one"
ls "$TMP"/out-k | grep -qv '\.csv$' && bad "a temporary file is left beside the bank file" || ok
# The bank pays every line but the first two (a closed account).
iconv -f GB18030 -t UTF-8 "$fr" | tr -d '\r' | awk -F, 'NR == 1 { print "明细编号,账号,金额,结果代码,说明"; next }
  { c = "0000"; r = "成功"; if (NR <= 3) { c = "E102"; r = "账户已销户" }
    print $7 "," $2 "," $4 "," c "," r }' >"$TMP/result.csv"
kill_runs 5 "$JZ" pay results "$DB" --batch "$B" "$TMP/result.csv"
expect_status 0 "$JZ" pay results "$DB" --batch "$B" "$TMP/result.csv"
expect_status 0 "$JZ" pay results "$REF" --batch "$B" "$TMP/result.csv"

[ "$kills" -ge 50 ] && ok || bad "only $kills runs were killed while running"
echo "pay kill: $kills runs killed while running" >&2

ledger() {
  sqlite3 "$1" "SELECT enrolment, period, kind, ref_period, amount, status, batch, payee, result
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
paid=$(sqlite3 "$DB" "SELECT count(*) FROM pay_lines WHERE status = 3")
refused=$(sqlite3 "$DB" "SELECT count(*) FROM pay_lines WHERE status = 4")
[ "$paid" -gt 100 ] && [ "$refused" = 2 ] && ok || bad "paid $paid, refused $refused"
dup=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT enrolment, period FROM pay_lines WHERE kind = 0
                     GROUP BY enrolment, period HAVING count(*) > 1)")
[ "$dup" = 0 ] && ok || bad "$dup regular lines are doubled"
sum_k=$(sqlite3 "$DB" "SELECT sum(amount) FROM pay_lines")
sum_r=$(sqlite3 "$REF" "SELECT sum(amount) FROM pay_lines")
[ "$sum_k" = "$sum_r" ] && ok || bad "sums differ: $sum_k against $sum_r"
batch_k=$(sqlite3 "$DB" "SELECT state, lines, total FROM pay_batches")
batch_r=$(sqlite3 "$REF" "SELECT state, lines, total FROM pay_batches")
[ "$batch_k" = "$batch_r" ] && ok || bad "the batch differs: $batch_k against $batch_r"
expect_status 0 "$JZ" pay reconcile "$DB" --batch "$B"
expect_status 0 "$JZ" audit verify "$DB"
finish
