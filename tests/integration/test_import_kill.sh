#!/usr/bin/env bash
# Killing an import at any moment (kill -9) leaves the database consistent,
# and the next import of the same file completes it: every household once,
# nothing duplicated, nothing half-written.
. "$(dirname "$0")/lib.sh"
N=30000
"$JZ" gen --households $N --seed 11 "$TMP/big.jsonl" 2>/dev/null
persons=$(grep -o '"id":"' "$TMP/big.jsonl" | wc -l)

check_consistent() { # DB WHAT
  local ic hh mem rec orphans
  ic=$(sqlite3 "$1" 'PRAGMA integrity_check')
  [ "$ic" = ok ] && ok || bad "$2: integrity_check says $ic"
  fk=$(sqlite3 "$1" 'PRAGMA foreign_key_check' | wc -l)
  [ "$fk" -eq 0 ] && ok || bad "$2: $fk foreign key violations"
  # Households are whole: each has exactly its members and its record.
  bad_hh=$(sqlite3 "$1" 'SELECT count(*) FROM households h WHERE n_members <>
      (SELECT count(*) FROM members m WHERE m.hh = h.hh)
      OR NOT EXISTS (SELECT 1 FROM household_records r WHERE r.hh = h.hh)')
  [ "$bad_hh" -eq 0 ] && ok || bad "$2: $bad_hh half-written households"
}

for delay in 0.2 0.6 1.2; do
  DB=$TMP/kill-$delay.db
  "$JZ" init "$DB" >/dev/null
  "$JZ" import --batch 1000 "$DB" "$TMP/big.jsonl" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  before=$(sqlite3 "$DB" 'SELECT count(*) FROM households')
  echo "killed after ${delay}s with $before households committed" >&2
  check_consistent "$DB" "after kill -9 at ${delay}s"
  # Committed households come in whole batches (plus none half-done).
  [ $((before % 1000)) -eq 0 ] || [ "$before" -eq $N ] && ok || bad "partial batch: $before"
  expect_status 0 "$JZ" import --batch 1000 "$DB" "$TMP/big.jsonl"
  if [ "$before" -gt 0 ] && [ "$before" -lt $N ]; then
    expect_grep "$TMP/err" '继续' "the second import resumes"
  fi
  check_consistent "$DB" "after completing the import (${delay}s)"
  after=$(sqlite3 "$DB" 'SELECT count(*) FROM households')
  members=$(sqlite3 "$DB" 'SELECT count(*) FROM members')
  [ "$after" -eq $N ] && ok || bad "households after completion: $after, wanted $N"
  [ "$members" -eq "$persons" ] && ok || bad "members after completion: $members, wanted $persons"
done

# Importing the same file again changes nothing but the records' times.
expect_status 0 "$JZ" import "$DB" "$TMP/big.jsonl"
again=$(sqlite3 "$DB" 'SELECT count(*) FROM households')
[ "$again" -eq $N ] && ok || bad "re-import duplicated: $again"
finish
