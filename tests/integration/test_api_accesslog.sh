#!/usr/bin/env bash
# 查询留痕 under load and when it cannot be written (api_accesslog.py), and
# a server stopped while readers are waiting for their entries: it answers
# them (each answered read is logged) and exits 0.
source "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"
export PW="correct-horse-battery-9"
JZ=$(realpath "$JZ")
export DB JZ SRC
DB=$(test_db reg.db)
export JIUZHU_ARGON2_FAST=1 JIUZHU_SERVE_QUIET=1
expect_status 0 "$JZ" init "$DB"
add_user case01 张经办 caseworker 140902101
add_user audit01 王审计 auditor 140902
# Six households in 奇村镇 (the caseworker's township), three in 代县.
python3 - "$TMP/hh.jsonl" <<'PY'
import json, sys
sys.path.insert(0, __import__("os").environ["SRC"] + "/tests/integration")
from api import household
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for n in range(1, 7):
        f.write(json.dumps(household(f"H140902-80000{n}", "140902101201", 300 + n), ensure_ascii=False) + "\n")
    for n in range(1, 4):
        f.write(json.dumps(household(f"H140923-80000{n}", "140923100201", 400 + n), ensure_ascii=False) + "\n")
PY
expect_status 0 "$JZ" import "$DB" "$TMP/hh.jsonl"
export HH_IN=H140902-800001,H140902-800002,H140902-800003,H140902-800004,H140902-800005,H140902-800006
export HH_OUT=H140923-800001,H140923-800002,H140923-800003
start_server "$DB" --threads 2 || { bad "server start"; finish; exit 1; }
if (cd "$SRC/tests/integration" && python3 api_accesslog.py) >"$TMP/out" 2>"$TMP/err"; then ok; else bad "api_accesslog.py"; cat "$TMP/err" >&2; fi
tail -1 "$TMP/out"

# Stopped under load: 8 readers in a loop; SIGTERM after two seconds.
# Every 200 a reader received is in the log, and the server exits 0.
logged() {
  db_sql "$DB" "SELECT count(*) FROM access_log WHERE login='case01' AND kind=0"
}
before=$(logged)
python3 - "$TMP/stop.txt" <<'PY' &
import os, sys, threading, time
sys.path.insert(0, os.environ["SRC"] + "/tests/integration")
from api import Session
n = [0]
lock = threading.Lock()
def reader():
    s = Session(os.environ["BASE"])
    s.login("case01", os.environ["PW"])
    ids = os.environ["HH_IN"].split(",")
    k = 0
    while True:
        try:
            st, _, _ = s.call("GET", "/api/households/" + ids[k % len(ids)])
        except Exception:
            return
        k += 1
        if st == 200:
            with lock:
                n[0] += 1
ts = [threading.Thread(target=reader) for _ in range(8)]
for t in ts: t.start()
for t in ts: t.join()
open(sys.argv[1], "w").write(f"{n[0]}\n")
PY
load=$!
sleep 2
stop_server
wait "$load"
added=$(( $(logged) - before ))
answered=$(cat "$TMP/stop.txt")
# Entries added >= 200s received (the log may hold an entry whose answer
# was lost with its connection, never the reverse).
if [ "$answered" -gt 0 ] && [ "$added" -ge "$answered" ]; then ok; else bad "stopped under load: $answered reads answered, $added in the log"; fi
expect_status 0 "$JZ" audit verify "$DB"

# The auditor's command line: who looked at a household, and the refusals
# of a county.
expect_status 0 "$JZ" user access "$DB" --household H140902-800001 --limit 5
expect_grep "$TMP/out" 'case01 *查看档案 *H140902-800001 *140902101201 *GET /api/households/{id}' "a read in the list"
expect_grep "$TMP/out" '^共 5 条$' "--limit"
expect_status 0 "$JZ" user access "$DB" --region 140923
expect_grep "$TMP/out" '越权请求被拒 *H140923-80000' "the refusals of 代县"
expect_no_grep "$TMP/out" '查看档案' "only 代县's entries"
expect_status 2 "$JZ" user access "$DB" --limit x
# Sessions of today are not purged.
expect_status 0 "$JZ" user purge "$DB" --days 1
expect_grep "$TMP/out" '^已删除 0 个' "today's sessions stay"
finish
