#!/usr/bin/env bash
# Payments under kill -9 (issue 14 "Reliability"): planning killed at
# random moments, 60 times over six months (at least 50 of them while it
# ran), then resumed; the ledger must
# hold exactly what an undisturbed run writes (no line lost, none doubled,
# the same sums), and the audit log stays whole.  A second store, planned
# without kills, is the reference.
source "$(dirname "$0")/lib.sh"
DB=$TMP/k.db
REF=$TMP/ref.db
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" gen --households 20000 --seed 21 "$TMP/g.jsonl"
expect_status 0 "$JZ" import "$DB" "$TMP/g.jsonl"
cp "$DB" "$REF"
cp "$DB.audit-key" "$REF.audit-key"

kills=0
for month in 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12; do
  # Ten kills of a running planning per month (a run that finished before
  # its kill does not count), whatever it was doing: the first planning,
  # or one that finds the month planned.
  n=0 tries=0
  while [ "$n" -lt 10 ] && [ "$tries" -lt 60 ]; do
    tries=$((tries + 1))
    "$JZ" pay plan "$DB" --period "$month" >/dev/null 2>&1 &
    pid=$!
    sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
    if kill -9 "$pid" 2>/dev/null; then
      n=$((n + 1))
      kills=$((kills + 1))
    fi
    wait "$pid" 2>/dev/null
  done
  expect_status 0 "$JZ" pay plan "$DB" --period "$month"
  expect_status 0 "$JZ" pay plan "$REF" --period "$month"
done
[ "$kills" -ge 50 ] && ok || bad "only $kills plannings were killed"
echo "pay kill: $kills plannings killed" >&2

ledger() {
  sqlite3 "$1" "SELECT enrolment, period, kind, ref_period, amount, status FROM pay_lines
                ORDER BY enrolment, period, kind, ref_period, amount"
}
ledger "$DB" >"$TMP/killed.txt"
ledger "$REF" >"$TMP/ref.txt"
if cmp -s "$TMP/killed.txt" "$TMP/ref.txt"; then ok; else
  bad "the ledger after kills differs from the undisturbed one"
  diff "$TMP/killed.txt" "$TMP/ref.txt" | head -20 >&2
fi
n=$(wc -l <"$TMP/ref.txt")
[ "$n" -gt 1000 ] && ok || bad "the reference ledger is too small to mean anything ($n lines)"
dup=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT enrolment, period FROM pay_lines WHERE kind = 0
                     GROUP BY enrolment, period HAVING count(*) > 1)")
[ "$dup" = 0 ] && ok || bad "$dup regular lines are doubled"
sum_k=$(sqlite3 "$DB" "SELECT sum(amount) FROM pay_lines")
sum_r=$(sqlite3 "$REF" "SELECT sum(amount) FROM pay_lines")
[ "$sum_k" = "$sum_r" ] && ok || bad "sums differ: $sum_k against $sum_r"
expect_status 0 "$JZ" audit verify "$DB"
finish
