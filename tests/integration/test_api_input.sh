#!/usr/bin/env bash
# Bad input through the API against a real server on loopback (issue 13):
# every route that takes a body or a parameter gets bad JSON, a wrong
# Content-Type, wrong types, unknown fields, oversize bodies, bad IDs and
# bad query values, and a household claiming a person of another household;
# each must be a 4xx with the JSON error shape and write nothing.
# api_input.py holds the checks; the data is api_scope.py's.
source "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"
export PW="correct-horse-battery-9"
export JIUZHU_ARGON2_FAST=1
DB=$(test_db reg.db)
export PYTHONPATH="$SRC/tests/integration"
expect_status 0 "$JZ" init "$DB"
expect_status 0 python3 "$SRC/tests/integration/api_scope.py" setup "$JZ" "$DB" "$TMP"
add_user sc.admin 管理员甲 admin 140902
add_user sc.analyst 分析员甲 analyst 140902
add_user sc.reviewer 审核员甲 reviewer 140902
add_user sc.caseworker 经办员甲 caseworker 140902101
add_user sc.assistant 协理员甲 assistant 140902101201
add_user sc.dept 医保数据员 dept 140902 --dept medical
add_user sc.auditor 审计员甲 auditor 140902
add_user sc.spare 经办员乙 caseworker 140902101
expect_status 0 "$JZ" serve "$DB" --print-routes
cp "$TMP/out" "$TMP/routes.jsonl"
export ROUTES=$TMP/routes.jsonl STATE=$TMP/state.json DB
start_server "$DB" || { bad "server start"; finish; exit 1; }
if python3 "$SRC/tests/integration/api_input.py" >"$TMP/py.out" 2>"$TMP/py.err"; then ok; else
  bad "api_input.py"
  cat "$TMP/py.err" >&2
fi
cat "$TMP/py.out"
stop_server
# No answer was a 500, and the server said nothing of the bodies.
expect_no_grep "$TMP/server.log" ' 500 ' "a 500 in the server log"
expect_no_grep "$TMP/server.log" "$PW" "password in the server log"
expect_status 0 "$JZ" audit verify "$DB"
finish
