#!/usr/bin/env bash
# The scoping matrix against a real server on loopback (issue 13): every
# route of the route table x every role x a subject inside and outside the
# users' scope, then the rules beyond the table and the access log.
# api_scope.py holds the fixture rows and the checks; this script makes the
# data (through the command line), the users and the server.
source "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"
export PW="correct-horse-battery-9"
export JIUZHU_ARGON2_FAST=1
DB=$(test_db reg.db)
export PYTHONPATH="$SRC/tests/integration"
expect_status 0 "$JZ" init "$DB"
expect_status 0 python3 "$SRC/tests/integration/api_scope.py" setup "$JZ" "$DB" "$TMP"
# One user per role, all within 忻府区, so that 代县 is outside every one of them.
add_user sc.admin 管理员甲 admin 140902
add_user sc.analyst 分析员甲 analyst 140902
add_user sc.reviewer 审核员甲 reviewer 140902
add_user sc.caseworker 经办员甲 caseworker 140902101
add_user sc.assistant 协理员甲 assistant 140902101201
add_user sc.dept 医保数据员 dept 140902 --dept medical
add_user sc.auditor 审计员甲 auditor 140902
add_user sc.spare 经办员乙 caseworker 140902101
add_user sc.outside 代县审核员 reviewer 140923
add_user sc.audall 省审计员 auditor ""
expect_status 0 "$JZ" serve "$DB" --print-routes
cp "$TMP/out" "$TMP/routes.jsonl"
export ROUTES=$TMP/routes.jsonl STATE=$TMP/state.json
start_server "$DB" || { bad "server start"; finish; exit 1; }
if python3 "$SRC/tests/integration/api_scope.py" >"$TMP/py.out" 2>"$TMP/py.err"; then ok; else
  bad "api_scope.py"
  cat "$TMP/py.err" >&2
fi
grep '^matrix:' "$TMP/py.out"
tail -1 "$TMP/py.out"
stop_server
expect_no_grep "$TMP/server.log" "$PW" "password in the server log"
finish
