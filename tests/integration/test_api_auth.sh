#!/usr/bin/env bash
# Logins over HTTP against a real server on loopback (issue 13 item 4):
# api_auth.py holds the checks; this script makes the users and starts the
# server with short limits so that lockout and expiry can be seen.
source "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"
export PW="correct-horse-battery-9"
DB=$(test_db reg.db)
export JIUZHU_ARGON2_FAST=1
expect_status 0 "$JZ" init "$DB"
add_user admin01 管理员 admin ""
add_user case01 张经办 caseworker 140902101
add_user case02 李经办 caseworker 140902101
JIUZHU_LOGIN_MAX_FAILURES=3 JIUZHU_LOGIN_LOCK_SECONDS=2 JIUZHU_SESSION_IDLE_SECONDS=3 \
  JIUZHU_SESSION_MAX_SECONDS=8 start_server "$DB" || { bad "server start"; finish; exit 1; }
if python3 "$SRC/tests/integration/api_auth.py" >"$TMP/out" 2>"$TMP/err"; then ok; else bad "api_auth.py"; cat "$TMP/err" >&2; fi
tail -1 "$TMP/out"
stop_server
# The server's log has no token, password or ID number.
expect_no_grep "$TMP/server.log" "$PW" "password in the server log"
expect_no_grep "$TMP/server.log" "jz_session=" "token in the server log"
finish
