#!/usr/bin/env bash
# The browser tests: a demo database (demo-db.sh), `jiuzhu serve` on
# loopback with the built UI, every tests/e2e/*.test.mjs in Debian's
# Chromium through playwright-core (lib.mjs their harness), the server
# stopped.
#
#   tests/e2e/run.sh BUILD_DIR        (screenshots in BUILD_DIR/e2e-shots/)
#
# Skips (exit 77, CTest's skip code here) when the UI is not built
# (scripts/web.sh), or Chromium or playwright-core is missing.
set -uo pipefail
BUILD=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
JZ=$BUILD/jiuzhu
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
skip() { echo "SKIP: $* — browser tests not run"; exit 77; }
[ -x "$JZ" ] || { echo "no $JZ" >&2; exit 2; }
[ -f "$SRC/web/dist/index.html" ] || skip "web/dist not built (scripts/web.sh)"
[ -x "$CHROMIUM" ] || skip "$CHROMIUM missing (scripts/install-deps.sh installs chromium)"
[ -f "$SRC/web/node_modules/playwright-core/package.json" ] || skip "playwright-core not installed (scripts/web.sh)"
command -v node >/dev/null || skip "node missing"

TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
# One day for the browser, the server and the tests: a Chinese office's
# (the browser runs with timezoneId Asia/Shanghai, lib.mjs).  The server's
# "today" is its local day (jz_date_today); on a UTC machine between 16:00
# and 24:00 the browser's default date was the server's tomorrow, and an
# alert's action "on" it was refused as later than today.
export TZ=Asia/Shanghai
export JIUZHU_ARGON2_FAST=1 # tests only: cheap password hashes
export JIUZHU_DEMO_PASSWORD='演示密码-Jiuzhu-2026'
# The tests date their cases from today, and a case's deadline must lie in
# a year the holiday calendar covers (jiuzhu refuses one it cannot count).
# The official calendar covers the years the State Council has announced;
# from late in its last year on, the cases the tests need would be refused.
# So the tests run on a copy of the policy whose calendar adds, for each
# year up to next year that the official file lacks, only the fixed-date
# statutory holidays (元旦 1/1, 劳动节 5/1-2, 国庆节 10/1-3, 《全国年节及
# 纪念日放假办法》), named as a test calendar: never the official schedule,
# and never outside the tests.
cp -r "$SRC/policy" "$TMP/policy"
CAL=$TMP/policy/calendar/cn-holidays.csv
read -r first last < <(sed -nE 's/.*Years covered: ([0-9]{4})-([0-9]{4}).*/\1 \2/p' "$CAL")
[ -n "${last:-}" ] || { echo "no 'Years covered' in $CAL" >&2; exit 1; }
want=$(($(date +%Y) + 1))
for ((y = last + 1; y <= want; y++)); do
  printf '%s,off,%s（测试日历）\n' "$y-01-01" 元旦 "$y-05-01" 劳动节 "$y-05-02" 劳动节 \
    "$y-10-01" 国庆节 "$y-10-02" 国庆节 "$y-10-03" 国庆节 >>"$CAL"
done
if ((want > last)); then
  sed -i "s/Years covered: $first-$last\./Years covered: $first-$want. Tests only: $((last + 1))-$want fixed-date holidays, not announced./" "$CAL"
  "$JZ" calendar add "$want-12-01" 1 --calendar "$CAL" >/dev/null || { echo "test calendar $CAL refused" >&2; exit 1; }
fi
export JIUZHU_POLICY=$TMP/policy
bash "$SRC/tests/e2e/demo-db.sh" "$JZ" "$TMP" || { echo "demo database failed" >&2; exit 1; }
# Users of the tests that change their own state: a lock, passwords.
for u in "suoding01 郑锁定 assistant" "gaimi01 陈改密 caseworker" "gaimi02 褚改密 caseworker"; do
  set -- $u
  scope=$(awk -F'\t' -v r="$3" '$3 == r {print $4; exit}' "$TMP/users.tsv")
  JIUZHU_PASSWORD=$JIUZHU_DEMO_PASSWORD "$JZ" user add "$TMP/demo.db" --login "$1" --name "$2" \
    --role "$3" --scope "$scope" --actor 测试 >/dev/null || exit 1
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$scope" >>"$TMP/users.tsv"
done

"$JZ" serve "$TMP/demo.db" --listen 127.0.0.1:0 --port-file "$TMP/port" --web "$SRC/web/dist" \
  2>"$TMP/server.log" &
SERVER_PID=$!
BASE=
for _ in $(seq 1 100); do
  if [ -s "$TMP/port" ] && curl -fsS "http://127.0.0.1:$(cat "$TMP/port")/api/health" >/dev/null 2>&1; then
    BASE="http://127.0.0.1:$(cat "$TMP/port")"
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$BASE" ] || { echo "server did not start:" >&2; cat "$TMP/server.log" >&2; exit 1; }

mkdir -p "$BUILD/e2e-shots"
# Every tests/e2e/*.test.mjs in name order (E2E_TESTS="a.test.mjs b.test.mjs"
# runs only those), each against the same server and database: a file
# uses its own users and households, or says in its header what it
# changes.
rc=0
tests=${E2E_TESTS:-$(cd "$SRC/tests/e2e" && ls *.test.mjs)}
for t in $tests; do
  echo "== $t"
  BASE=$BASE USERS=$TMP/users.tsv PW=$JIUZHU_DEMO_PASSWORD SHOTS=$BUILD/e2e-shots WEB=$SRC/web \
    CHROMIUM=$CHROMIUM DB=$TMP/demo.db JZ=$JZ node "$SRC/tests/e2e/$t" || rc=1
done
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
src=$?
SERVER_PID=
[ "$src" -eq 0 ] || { echo "FAIL: server exited $src" >&2; rc=1; }
[ "$rc" -eq 0 ] || tail -n 40 "$TMP/server.log" >&2
exit "$rc"
