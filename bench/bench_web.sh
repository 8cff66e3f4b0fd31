#!/usr/bin/env bash
# bench_web.sh - the web platform's figures (issue 15 "Performance"): the
# built JavaScript and CSS (raw and gzip), and the 工作台's first meaningful
# paint on loopback with the demo county, beside the login page's paint
# (bench_web.mjs).  Needs a built UI (scripts/web.sh), Chromium and a build
# of jiuzhu (default build/jiuzhu).  Prints the figures; exits 0 whether or
# not the targets are met.
#
#   bench/bench_web.sh [--jiuzhu PATH] [--runs N]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
JZ=$SRC/build/jiuzhu
RUNS=7
while [ $# -gt 0 ]; do
  case $1 in
  --jiuzhu) JZ=$(realpath "$2"); shift 2 ;;
  --runs) RUNS=$2; shift 2 ;;
  *) echo "usage: $0 [--jiuzhu PATH] [--runs N]" >&2; exit 2 ;;
  esac
done
[ -f "$SRC/web/dist/index.html" ] || { echo "bench_web: build the UI first (scripts/web.sh)" >&2; exit 2; }
echo "bench_web: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
raw=$(cat "$SRC"/web/dist/assets/*.js "$SRC"/web/dist/assets/*.css | wc -c)
gz=$(cat "$SRC"/web/dist/assets/*.js.gz "$SRC"/web/dist/assets/*.css.gz | wc -c)
echo "bundle: JS + CSS $raw bytes raw, $gz bytes gzip (target < 1.5 MB compressed: $([ "$gz" -lt 1572864 ] && echo PASS || echo MISSED))"
TMP=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
export JIUZHU_ARGON2_FAST=1 JIUZHU_DEMO_PASSWORD=bench-Password-2026
bash "$SRC/tests/e2e/demo-db.sh" "$JZ" "$TMP" >/dev/null
"$JZ" serve "$TMP/demo.db" --listen 127.0.0.1:0 --port-file "$TMP/port" --web "$SRC/web/dist" 2>"$TMP/log" &
PID=$!
for _ in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
BASE="http://127.0.0.1:$(cat "$TMP/port")" USERS=$TMP/users.tsv PW=$JIUZHU_DEMO_PASSWORD WEB=$SRC/web \
  RUNS=$RUNS node "$SRC/bench/bench_web.mjs"
