#!/usr/bin/env bash
# 64 clients stepping different cases at once through `jiuzhu serve` on
# PostgreSQL (issue 16 "Concurrency"), and racers on the same cases: every
# answer is 2xx or, for a genuine conflict, the documented 409; never a 5xx,
# never a serialization failure or other words of PostgreSQL (those are
# retried inside, the user never sees them).  In the end every step of
# every case is in the database exactly once, and the audit log verifies.
# Two rounds: the server with 2 worker threads (64 clients queue for 2
# connections: waiting, not errors), then with 64 (a connection each: the
# writers meet in the database).  tests/integration/api_clients.py is the
# clients.  Needs the shared cluster: skipped (77) without JZ_TEST_PG.
if [ -z "${JZ_TEST_PG:-}" ]; then
  echo "skipped: JZ_TEST_PG is not set (scripts/test.sh starts PostgreSQL)"
  exit 77
fi
export JZ_TEST_STORE=pg
. "$(dirname "$0")/lib.sh"
. "$HERE/server.sh"
export PW="correct-horse-battery-9" JIUZHU_ARGON2_FAST=1
# An import into a URL writes its report to the current directory: $TMP.
JZ=$(cd "$(dirname "$JZ")" && pwd)/$(basename "$JZ")
SRC=$(cd "$SRC" && pwd)
cd "$TMP" || exit 1
DB=$(test_db clients)
township=140902101
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" gen --households 200 --seed 16 --region $township --date 2025-03-03 "$TMP/g.jsonl"
expect_status 0 "$JZ" import "$DB" "$TMP/g.jsonl"
prefix=$(sed -n '1s/^{"household_id":"\(H[0-9]*-\)[0-9]*".*/\1/p' "$TMP/g.jsonl")
[ -n "$prefix" ] && ok || bad "the households' ID prefix"
for n in 1 2 3 4; do add_user "xiang0$n" "经办员$n" caseworker $township; done

export PYTHONPATH=$SRC/tests/integration
first=1
for threads in 2 64; do
  start_server "$DB" --threads $threads || { bad "server start ($threads threads)"; break; }
  python3 "$SRC/tests/integration/api_clients.py" "$BASE" "$PW" "$prefix" $first "$threads-threads" \
    "$TMP/round.$threads.json" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  cat "$TMP/out"
  [ $rc -eq 0 ] && ok || { bad "round with $threads server threads"; head -c 3000 "$TMP/err" >&2; }
  stop_server
  # Nothing that reached the server's log is PostgreSQL's own text either.
  expect_no_grep "$TMP/server.log" 'SQLSTATE\|serializ\|deadlock\|40001\|40P01' "the server's log, $threads threads"
  first=$((first + 68))
done

# ---- the database: every step of every case once --------------------------------
rows() { psql -X -A -t -F ' ' "$DB" -c "$1"; }
# Per case, its steps by action in order (0 accept, 1 investigate, 2 verify,
# 3 preliminary, 4 notice, 9 home visit).
rows "SELECT c.household_id, string_agg(s.action::text, ',' ORDER BY s.action, s.on_date)
      FROM cases c JOIN case_steps s ON s.case_id = c.case_id GROUP BY c.household_id ORDER BY 1" >"$TMP/steps"
python3 - "$TMP/steps" "$TMP/round.2.json" "$TMP/round.64.json" >"$TMP/check" 2>&1 <<'PY'
import json, sys
steps = dict(line.split(" ", 1) for line in open(sys.argv[1]).read().split("\n") if line)
bad = 0
n = 0
for f in sys.argv[2:]:
    r = json.load(open(f))
    # (investigate with home_visit records no home-visit step of its own)
    for kind, want in (("cases", "0,1,2,3,4,9,9"), ("racers", "0,1,2,3,4")):
        for hid in r[kind]:
            n += 1
            got = steps.pop(hid, None)
            if got != want:
                bad += 1
                print(f"{kind} {hid}: steps {got}, wanted {want}")
for hid, got in steps.items():
    bad += 1
    print(f"{hid}: a case nobody took: steps {got}")
print(f"{n} cases checked, {bad} wrong")
sys.exit(1 if bad or n != 2 * 68 else 0)
PY
[ $? -eq 0 ] && ok || { bad "the steps in the database"; head -20 "$TMP/check" >&2; }
cat "$TMP/check" | tail -1
open=$(rows "SELECT count(*) FROM (SELECT household_id FROM cases GROUP BY 1 HAVING count(*) > 1) d")
[ "$open" = 0 ] && ok || bad "$open households have two cases"
# Each step is audited once: as many case entries in the log as steps.
n_steps=$(rows "SELECT count(*) FROM case_steps")
[ "$n_steps" = $((2 * (64 * 7 + 4 * 5))) ] && ok || bad "$n_steps steps in the database, wanted $((2 * (64 * 7 + 4 * 5)))"
expect_status 0 "$JZ" audit verify "$DB"
expect_grep "$TMP/out" '审计日志完好' "the log verifies after the rounds"
queued=$(rows "SELECT count(*) FROM audit_queue")
[ "$queued" = 0 ] && ok || bad "$queued transactions' audit entries still queued after the rounds"

# ---- a writer that finds the chain taken (pg_audit.c) ------------------------------
# Writers commit their entries to a queue, and one at a time chains them.
# While another connection holds the chain's lock, a writer neither waits
# nor loses its entry: it commits, returns, and its entry waits in the
# queue; whoever next reads the chain seals it first.
lock=7529096504291694958
before=$(rows "SELECT count(*) FROM audit")
psql -X -q "$DB" -c "SET application_name = 'jz_chain_holder'" \
  -c "SELECT pg_advisory_lock($lock)" -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 50); do
  [ "$(rows "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ] && break
  sleep 0.1
done
add_user xiang09 "经办员9" caseworker $township # returns: the lock is not waited for
if kill -0 $holder 2>/dev/null; then ok; else bad "the lock's holder ended before the writer returned"; fi
queued=$(rows "SELECT count(*) FROM audit_queue")
[ "$queued" = 1 ] && ok || bad "$queued transactions queued while the chain was taken, wanted 1"
[ "$(rows "SELECT count(*) FROM audit")" = "$before" ] && ok || bad "an entry chained while the chain was taken"
[ "$(rows "SELECT count(*) FROM users WHERE login = 'xiang09'")" = 1 ] && ok || bad "the writer's change is not committed"
rows "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'jz_chain_holder'" >/dev/null
wait $holder 2>/dev/null
expect_status 0 "$JZ" audit verify "$DB"
expect_grep "$TMP/out" '审计日志完好' "the log verifies with the queued entry chained"
[ "$(rows "SELECT count(*) FROM audit_queue")" = 0 ] && ok || bad "the queue is not empty after audit verify"
[ "$(rows "SELECT count(*) FROM audit WHERE action LIKE 'user.%' AND after LIKE '%xiang09%'")" = 1 ] && ok ||
  bad "the queued entry of user xiang09 is not on the chain"

# ---- a row written into the queue without the key ------------------------------------
# Someone who can write the database but has no audit key puts entries in
# the queue (one well-formed, one empty): jiuzhu does not seal them as its
# own.  Each is chained as an audit.refused entry that holds what it said.
rows "INSERT INTO audit_queue(entries, tag) VALUES
  (ARRAY['140902', '2025-03-03T00:00:00Z', 'forger', 'case.accept', 'case:999', '', '{}'], '\\x00'),
  ('{}', '')" >/dev/null
expect_status 0 "$JZ" audit verify "$DB"
expect_grep "$TMP/out" '审计日志完好' "the log verifies after the forged rows"
[ "$(rows "SELECT count(*) FROM audit_queue")" = 0 ] && ok || bad "forged rows left in the queue"
[ "$(rows "SELECT count(*) FROM audit WHERE actor = 'forger'")" = 0 ] && ok ||
  bad "a forged queue row was chained as the forger's entry"
[ "$(rows "SELECT count(*) FROM audit WHERE action = 'audit.refused' AND actor = 'jiuzhu' AND after LIKE '%forger%'")" = 1 ] && ok ||
  bad "the forged row is not recorded as refused"
[ "$(rows "SELECT count(*) FROM audit WHERE action = 'audit.refused'")" = 2 ] && ok ||
  bad "the empty forged row is not recorded as refused"

# ---- a store made before the queue -----------------------------------------------------
# A PostgreSQL store made by an earlier build has no audit_queue: the first
# store opened for writing makes it, and writes go on, chained.
rows "DROP TABLE audit_queue" >/dev/null
before=$(rows "SELECT count(*) FROM audit")
add_user xiang10 "经办员10" caseworker $township
[ "$(rows "SELECT count(*) FROM users WHERE login = 'xiang10'")" = 1 ] && ok || bad "a write to a store made before the queue"
[ "$(rows "SELECT count(*) FROM audit")" = $((before + 1)) ] && ok || bad "the write's entry is not chained"
expect_status 0 "$JZ" audit verify "$DB"
expect_grep "$TMP/out" '审计日志完好' "the log verifies after the queue was added"

# ---- entries that cannot be chained ------------------------------------------------------
# While the chain cannot be written (here a trigger refuses to move its
# head), a write still commits, its entry waits in the queue, and audit
# verify says the log is incomplete and why (exit 1), not that it is whole.
rows "CREATE FUNCTION jz_test_no_head() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
  RAISE EXCEPTION 'head frozen for the test'; END \$\$;
  CREATE TRIGGER jz_test_no_head BEFORE UPDATE ON audit_head FOR EACH ROW EXECUTE FUNCTION jz_test_no_head()" >/dev/null
add_user xiang11 "经办员11" caseworker $township
[ "$(rows "SELECT count(*) FROM users WHERE login = 'xiang11'")" = 1 ] && ok || bad "a write while the chain cannot be written"
[ "$(rows "SELECT count(*) FROM audit_queue")" = 1 ] && ok || bad "the write's entry is not waiting in the queue"
expect_status 1 "$JZ" audit verify "$DB"
expect_grep "$TMP/out" '审计日志不完整：1 个事务的审计记录已提交，但未能入链（.*head frozen for the test' \
  "audit verify says entries could not be chained, and why"
expect_no_grep "$TMP/out" '审计日志完好' "audit verify does not call an incomplete log whole"
rows "DROP TRIGGER jz_test_no_head ON audit_head" >/dev/null
expect_status 0 "$JZ" audit verify "$DB"
expect_grep "$TMP/out" '审计日志完好' "the log verifies once the chain can be written"
[ "$(rows "SELECT count(*) FROM audit_queue")" = 0 ] && ok || bad "the waiting entry is not chained afterwards"
finish
