#!/usr/bin/env bash
# A county's month of payments over HTTP (issue 14: every payment operation
# through the API as through the command line): planning, payees, batches
# approved by a second reviewer, the 代发 files downloaded, the bank's result
# file with refusals uploaded, follow-ups, the next month, reconciliation, the
# statement, deadlines, a one-time programme, a hold, a fraud recovery repaid,
# and the scope and roles of every step.  api_pay.py holds the story and its
# checks; this script makes the county (through the command line), the users
# and the server.
source "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"
export PW="correct-horse-battery-9"
export JIUZHU_ARGON2_FAST=1
DB=$(test_db p.db)
export PYTHONPATH="$SRC/tests/integration"
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" gen --households 600 --seed 3 --region 140902 "$TMP/g.jsonl"
expect_status 0 "$JZ" import "$DB" "$TMP/g.jsonl"
add_user rv.a 审核员甲 reviewer 140902
add_user rv.b 审核员乙 reviewer 140902
add_user an.a 分析员甲 analyst 140902
add_user au.a 审计员甲 auditor 140902
add_user cw.a 经办员甲 caseworker 140902101
add_user rv.out 代县审核员 reviewer 140923
export DB
start_server "$DB" || { bad "server start"; finish; exit 1; }
if python3 "$SRC/tests/integration/api_pay.py" >"$TMP/py.out" 2>"$TMP/py.err"; then ok; else
  bad "api_pay.py"
  cat "$TMP/py.err" >&2
fi
tail -2 "$TMP/py.out"
stop_server
# No answer was a 500; the server's log holds no account and no password.
expect_no_grep "$TMP/server.log" ' 500 ' "a 500 in the server log"
expect_no_grep "$TMP/server.log" "$PW" "password in the server log"
expect_no_grep "$TMP/server.log" '62284800000' "an account in the server log"
expect_status 0 "$JZ" audit verify "$DB"
finish
