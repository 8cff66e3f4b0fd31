#!/usr/bin/env bash
# The web platform's lists and the policy simulation over HTTP
# (api_registry.py): a county's households a page at a time, filtered on
# the server, ID numbers masked, nothing of another county; the policy
# simulation (政策测算) over the live registry, which changes categories
# and the cost and writes nothing; the audit log a page at a time, newest
# first, masked, within the auditor's county.
source "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"
export PW="correct-horse-battery-9"
JZ=$(realpath "$JZ")
DB=$(test_db reg.db)
export DB JZ SRC
export JIUZHU_ARGON2_FAST=1 JIUZHU_SERVE_QUIET=1
expect_status 0 "$JZ" init "$DB"
add_user case01 张经办 caseworker 140902101
add_user ana01 李分析 analyst 14
add_user ana09 赵分析 analyst 140902
add_user audit01 王审计 auditor 140902
add_user auditall 钱审计 auditor 14
# 120 households of 忻府区 (some in 奇村镇, the caseworker's township), 30 of
# 代县; every one assessed.
python3 - "$TMP/hh.jsonl" <<'PY'
import json, sys
sys.path.insert(0, __import__("os").environ["SRC"] + "/tests/integration")
from api import household
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for n in range(1, 121):
        village = "140902101201" if n % 3 else "140902001001"
        h = household(f"H140902-7{n:05d}", village, 100 + n)
        # Incomes from well below to just above the rural standard.
        h["members"][0]["income"][0]["amount"] = f"{6000 + 300 * n}.00"
        f.write(json.dumps(h, ensure_ascii=False) + "\n")
    for n in range(1, 31):
        f.write(json.dumps(household(f"H140923-7{n:05d}", "140923100201", 300 + n), ensure_ascii=False) + "\n")
PY
expect_status 0 "$JZ" import "$DB" "$TMP/hh.jsonl"
expect_status 0 "$JZ" assess --db "$DB"
start_server "$DB" --threads 2 || { bad "server start"; finish; exit 1; }
if (cd "$SRC/tests/integration" && python3 api_registry.py) >"$TMP/out" 2>"$TMP/err"; then ok; else bad "api_registry.py"; cat "$TMP/err" >&2; fi
tail -1 "$TMP/out"
stop_server || bad "server stop"
finish
