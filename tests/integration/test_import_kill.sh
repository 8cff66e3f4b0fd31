#!/usr/bin/env bash
# Killing an import at any moment (kill -9) leaves the database consistent,
# and the next import of the same file completes it: every household once,
# nothing duplicated, nothing half-written.
. "$(dirname "$0")/lib.sh"
N=30000
DELAYS="0.2 0.6 1.2"
GEN=()
# PostgreSQL imports slower and makes a county's partitions at its first
# household: fewer households, of one city's counties, later kills.
if on_pg; then
  N=5000
  DELAYS="1 3 6"
  GEN=(--region 1401)
fi
"$JZ" gen --households $N --seed 11 "${GEN[@]}" "$TMP/big.jsonl" 2>/dev/null
persons=$(grep -o '"id":"' "$TMP/big.jsonl" | wc -l)

check_consistent() { # DB WHAT
  local ic hh mem rec orphans
  if on_sqlite; then
    ic=$(sqlite3 "$1" 'PRAGMA integrity_check')
    [ "$ic" = ok ] && ok || bad "$2: integrity_check says $ic"
    fk=$(sqlite3 "$1" 'PRAGMA foreign_key_check' | wc -l)
    [ "$fk" -eq 0 ] && ok || bad "$2: $fk foreign key violations"
  fi
  # Households are whole: each has exactly its members and its record.
  # (Joins, not a subquery a household: on PostgreSQL the tables are split
  # by county and a lookup by hh alone visits every county's part.)
  bad_hh=$(db_sql "$1" 'SELECT count(*) FROM households h
      LEFT JOIN (SELECT hh, count(*) AS n FROM members GROUP BY hh) m ON m.hh = h.hh
      LEFT JOIN household_records r ON r.hh = h.hh
      WHERE r.hh IS NULL OR coalesce(m.n, 0) <> h.n_members')
  [ "$bad_hh" -eq 0 ] && ok || bad "$2: $bad_hh half-written households"
  # Every member has its household.
  orphans=$(db_sql "$1" 'SELECT count(*) FROM members m LEFT JOIN households h ON h.hh = m.hh
      WHERE h.hh IS NULL')
  [ "$orphans" -eq 0 ] && ok || bad "$2: $orphans members without their household"
  if on_pg; then
    # The directories of households and people hold exactly what was written.
    dirs=$(db_sql "$1" 'SELECT (SELECT count(*) FROM household_ids) - (SELECT count(*) FROM households),
        (SELECT count(*) FROM person_ids) - (SELECT count(*) FROM members)')
    [ "$dirs" = "0|0" ] && ok || bad "$2: directories differ from the tables by $dirs"
  fi
}

for delay in $DELAYS; do
  DB=$(test_db "kill-$delay.db")
  "$JZ" init "$DB" >/dev/null
  "$JZ" import --batch 1000 "$DB" "$TMP/big.jsonl" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  wait_db_idle "$DB"
  before=$(db_sql "$DB" 'SELECT count(*) FROM households')
  echo "killed after ${delay}s with $before households committed" >&2
  check_consistent "$DB" "after kill -9 at ${delay}s"
  # Committed households come in whole batches (plus none half-done).
  [ $((before % 1000)) -eq 0 ] || [ "$before" -eq $N ] && ok || bad "partial batch: $before"
  expect_status 0 "$JZ" import --batch 1000 "$DB" "$TMP/big.jsonl"
  if [ "$before" -gt 0 ] && [ "$before" -lt $N ]; then
    expect_grep "$TMP/err" '继续' "the second import resumes"
  fi
  check_consistent "$DB" "after completing the import (${delay}s)"
  after=$(db_sql "$DB" 'SELECT count(*) FROM households')
  members=$(db_sql "$DB" 'SELECT count(*) FROM members')
  [ "$after" -eq $N ] && ok || bad "households after completion: $after, wanted $N"
  [ "$members" -eq "$persons" ] && ok || bad "members after completion: $members, wanted $persons"
done

# Importing the same file again changes nothing but the records' times.
expect_status 0 "$JZ" import "$DB" "$TMP/big.jsonl"
again=$(db_sql "$DB" 'SELECT count(*) FROM households')
[ "$again" -eq $N ] && ok || bad "re-import duplicated: $again"
on_pg && skip_on_pg "PRAGMA integrity_check and foreign_key_check (SQLite's file; PostgreSQL checks its foreign keys itself)"
finish
