#!/usr/bin/env bash
# The PostgreSQL server killed (pg_ctl stop -m immediate: a crash) at random
# moments of a payment run, at least 20 times: planning month after month (the
# step that writes most: a line for every unit), preparing the batch,
# writing the bank file and importing the bank's results.  After each crash
# the server is restarted and the step run again, as a person would.  In
# the end the ledger is the one the same run writes on SQLite without a
# crash: every unit paid once per month, the same lines, sums in fen and
# batch totals, nothing half-written, the bank file the same, the log whole.
# Both stores start from the same data: a county imported into SQLite and
# copied (`jiuzhu copy`) into PostgreSQL, so that enrolments and payees have
# the same IDs on both sides.
# Needs PostgreSQL 15 (it starts its own cluster with scripts/pg.sh, to kill
# it); skipped (77) without JZ_TEST_PG, the sign scripts/test.sh gives that
# PostgreSQL is there.
. "$(dirname "$0")/lib.sh"

own_cluster pgpaykill
export JIUZHU_AUDIT_KEY_DIR=$TMP/keys
mkdir -p "$TMP/keys"
URL=${base%/}/paykill
REF=$TMP/ref.db
county=140902

# ---- the same county on both sides ---------------------------------------------
expect_status 0 "$JZ" gen --households 8000 --seed 21 --region $county "$TMP/g.jsonl"
expect_status 0 "$JZ" init "$REF"
expect_status 0 "$JZ" import "$REF" "$TMP/g.jsonl"
# Accounts for 60 households (through jiuzhu, audited); the others' lines
# are held.
sqlite3 "$REF" "SELECT DISTINCT e.household_id, m.name, m.id_number FROM enrolments e
  JOIN households h ON h.household_id = e.household_id JOIN members m ON m.hh = h.hh AND m.idx = 0
  WHERE e.member_id = '' AND e.monthly > 0 ORDER BY 1 LIMIT 60" | tr '|' ' ' >"$TMP/heads"
n=0
while read -r hh name id; do
  n=$((n + 1))
  "$JZ" pay payee set "$REF" --household "$hh" --name "$name" --id "$id" --bank abc \
    --account "$(luhn "6228480000000$(printf '%05d' "$n")")" >/dev/null 2>"$TMP/err" ||
    { bad "payee of $hh"; cat "$TMP/err" >&2; }
done <"$TMP/heads"
[ "$n" = 60 ] && ok || bad "60 payees ($n)"
expect_status 0 "$JZ" copy "$REF" "$URL"

# ---- the run, crashed ------------------------------------------------------------
kills=0
# crash_runs MAX DELAY CMD...: runs CMD and crashes the server after a random
# 0 to DELAY seconds while CMD runs; restarts the server and runs CMD again,
# until a run finishes before the crash or MAX runs were crashed.  The last
# word is an uncrashed run of CMD, which must succeed (the step resumed).
crash_runs() {
  local max=$1 delay=$2 got=0 tries=0 pid rc
  shift 2
  while [ "$got" -lt "$max" ] && [ "$tries" -lt $((max * 3)) ]; do
    tries=$((tries + 1))
    "$@" >"$TMP/run.out" 2>"$TMP/run.err" &
    pid=$!
    sleep "$(awk -v s=$RANDOM -v d="$delay" 'BEGIN { srand(s); printf "%.3f", rand() * d }')"
    if kill -0 "$pid" 2>/dev/null; then
      "${PGSH[@]}" stop "$PGDIR" immediate >/dev/null 2>&1 && { got=$((got + 1)); kills=$((kills + 1)); }
      wait "$pid"
      rc=$?
      "${PGSH[@]}" restart "$PGDIR" >/dev/null 2>&1 || { bad "restart after a crash of $2 $3"; return; }
      # A crashed run fails with jiuzhu's message, without PostgreSQL's
      # notices (WARNING: terminating connection ...) printed beside it.
      if [ "$rc" -ne 0 ] && grep -q '^\(WARNING\|NOTICE\|FATAL\|ERROR\): ' "$TMP/run.err"; then
        bad "a crashed $2 $3 shows PostgreSQL's notices: $(head -c 300 "$TMP/run.err")"
      fi
      if [ "$rc" -ne 0 ] && ! grep -q '^jiuzhu: .*PostgreSQL' "$TMP/run.err"; then
        bad "a crashed $2 $3 does not say that the database failed: $(head -c 300 "$TMP/run.err")"
      fi
    else
      wait "$pid"
      rc=$?
      [ "$rc" -eq 0 ] && break # done before the crash
    fi
  done
  local t0=$(date +%s%N)
  expect_status 0 "$@"
  echo "pg pay kill: $2 $3 $6: $got crashes in $tries runs; the last run $((($(date +%s%N) - t0) / 1000000)) ms" >&2
}

# Month after month until 20 plans were crashed (a plan that finished
# before its crash counts none), at most two years and never past next
# month (a later month is refused: jz_pay_plan).
next=$(date -d "$(date +%Y-%m-15) +1 month" +%Y-%m)
for i in $(seq 0 23); do
  month=$(printf '%d-%02d' $((2025 + (6 + i) / 12)) $(((6 + i) % 12 + 1)))
  [[ "$month" > "$next" ]] && break
  if [ "$kills" -lt 20 ]; then
    crash_runs 4 0.25 "$JZ" pay plan "$URL" --period "$month"
  else
    expect_status 0 "$JZ" pay plan "$URL" --period "$month"
  fi
  expect_status 0 "$JZ" pay plan "$REF" --period "$month"
  [ "$kills" -lt 20 ] || [ "$i" -lt 11 ] || break
done
crash_runs 3 0.08 "$JZ" pay batch "$URL" --period 2025-07 --county $county --actor 编制员
expect_status 0 "$JZ" pay batch "$REF" --period 2025-07 --county $county --actor 编制员
nb=$(psql -X -A -t "$URL" -c "SELECT count(*) FROM pay_batches")
[ "$nb" = 1 ] && ok || bad "one batch after the crashed preparations ($nb)"
Bp=$(psql -X -A -t "$URL" -c "SELECT min(batch) FROM pay_batches")
Bs=$(sqlite3 "$REF" "SELECT min(batch) FROM pay_batches")
expect_status 0 "$JZ" pay approve "$URL" --batch "$Bp" --actor 科长
expect_status 0 "$JZ" pay approve "$REF" --batch "$Bs" --actor 科长
mkdir -p "$TMP/out-p" "$TMP/out-s"
crash_runs 3 0.08 "$JZ" pay export "$URL" --batch "$Bp" --out "$TMP/out-p"
expect_status 0 "$JZ" pay export "$REF" --batch "$Bs" --out "$TMP/out-s"
fp=$(ls "$TMP"/out-p/*.csv 2>/dev/null | head -1)
fs=$(ls "$TMP"/out-s/*.csv 2>/dev/null | head -1)
# The line IDs (the last column) and the batch number differ: a crashed
# transaction's sequence values are not given back.  The rest is the same.
body() { iconv -f GB18030 -t UTF-8 "$1" | tr -d '\r' | sed 's/,[0-9]*$//'; }
if [ -n "$fp" ] && [ -n "$fs" ] && [ "$(body "$fp")" = "$(body "$fs")" ]; then ok; else
  bad "the bank file after crashes differs from the one without"
fi
[ "$(ls "$TMP/out-p" | wc -l)" = 1 ] && ok || bad "files beside the bank file: $(ls "$TMP/out-p" | tr '\n' ' ')"
# The bank pays every line but the first two (a closed account).
answer() {
  iconv -f GB18030 -t UTF-8 "$1" | tr -d '\r' | awk -F, 'NR == 1 { print "明细编号,账号,金额,结果代码,说明"; next }
    { c = "0000"; r = "成功"; if (NR <= 3) { c = "E102"; r = "账户已销户" }
      print $7 "," $2 "," $4 "," c "," r }'
}
answer "$fp" >"$TMP/result-p.csv"
answer "$fs" >"$TMP/result-s.csv"
crash_runs 3 0.08 "$JZ" pay results "$URL" --batch "$Bp" "$TMP/result-p.csv"
expect_status 0 "$JZ" pay results "$REF" --batch "$Bs" "$TMP/result-s.csv"

if [ "$kills" -ge 20 ]; then ok; else bad "only $kills crashes happened during a payment step"; fi
echo "pg pay kill: $kills crashes of the server during the run" >&2

# ---- the same ledger ----------------------------------------------------------------
# A line by what it is; its batch by period and bank (the numbers differ).
LEDGER="SELECT l.enrolment, l.period, l.kind, l.ref_period, l.amount, l.province_share,
    l.local_share, l.status, coalesce(b.period || '/' || b.bank, '-'), l.payee, l.result
  FROM pay_lines l LEFT JOIN pay_batches b ON b.batch = l.batch
  ORDER BY l.enrolment, l.period, l.kind, l.ref_period, l.amount"
psql -X -A -t "$URL" -c "$LEDGER" >"$TMP/crashed.txt"
sqlite3 "$REF" "$LEDGER" >"$TMP/ref.txt"
if cmp -s "$TMP/crashed.txt" "$TMP/ref.txt"; then ok; else
  bad "the ledger after crashes differs from SQLite's"
  diff "$TMP/crashed.txt" "$TMP/ref.txt" | head -20 >&2
fi
n=$(wc -l <"$TMP/ref.txt")
[ "$n" -gt 5000 ] && ok || bad "the reference ledger is too small to mean anything ($n lines)"
q() { psql -X -A -t "$URL" -c "$1"; }
dup=$(q "SELECT count(*) FROM (SELECT enrolment, period FROM pay_lines WHERE kind = 0
         GROUP BY enrolment, period HAVING count(*) > 1) d")
[ "$dup" = 0 ] && ok || bad "$dup units are paid twice in a month"
SUMS="SELECT period, count(*), sum(amount) FROM pay_lines GROUP BY period ORDER BY period"
[ "$(q "$SUMS")" = "$(sqlite3 "$REF" "$SUMS")" ] && ok || bad "the months' sums differ: $(q "$SUMS" | tr '\n' ' ')"
BATCH="SELECT period, bank, state, lines, total FROM pay_batches ORDER BY period, bank"
[ "$(q "$BATCH")" = "$(sqlite3 "$REF" "$BATCH")" ] && ok || bad "the batch differs: $(q "$BATCH")"
# Nothing half-written: a batch's count and total are its lines'; every
# planned month is recorded as planned; nothing waits to be planned.
half=$(q "SELECT count(*) FROM pay_batches b WHERE lines <> (SELECT count(*) FROM pay_lines l WHERE l.batch = b.batch)
          OR total <> (SELECT coalesce(sum(amount), 0) FROM pay_lines l WHERE l.batch = b.batch)")
[ "$half" = 0 ] && ok || bad "$half batches do not match their lines"
PLANS="SELECT county, period FROM pay_plans ORDER BY 1, 2"
[ "$(q "$PLANS")" = "$(sqlite3 "$REF" "$PLANS")" ] && ok || bad "the planned months differ: $(q "$PLANS" | tr '\n' ' ')"
[ "$(q "SELECT count(*) FROM pay_dirty")" = "$(sqlite3 "$REF" "SELECT count(*) FROM pay_dirty")" ] && ok ||
  bad "units left to plan differ"
paid=$(q "SELECT count(*) FROM pay_lines WHERE status = 3")
refused=$(q "SELECT count(*) FROM pay_lines WHERE status = 4")
blines=$(q "SELECT lines FROM pay_batches WHERE batch = $Bp")
[ "$paid" -gt 40 ] && [ "$refused" = 2 ] && [ "$((paid + refused))" = "$blines" ] && ok ||
  bad "paid $paid, refused $refused of the batch's $blines lines"
expect_status 0 "$JZ" pay reconcile "$URL" --batch "$Bp"
expect_status 0 "$JZ" audit verify "$URL"
expect_grep "$TMP/out" '审计日志完好' "the log verifies after the crashes"
finish
