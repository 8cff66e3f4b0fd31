#!/usr/bin/env bash
# bench_server_pg.sh - case steps through `jiuzhu serve` with 64 clients, on
# SQLite and on PostgreSQL in one run (issue 16 "Performance": "case steps
# through the server with 64 clients: PostgreSQL at least 3x SQLite's
# throughput").
#
#   bench/bench_server_pg.sh [--db URL] [--households N] [--clients C] [--per-client K]
#                            [--duration S] [--threads "T1 T2 ..."] [--jiuzhu PATH]
#                            [--tmp DIR] [--keep]
#
# --db URL: a PostgreSQL server's base URL (postgresql://USER@HOST:PORT/); the
# bench creates its own database there and drops it at the end.  Without
# it, it starts a throwaway cluster with scripts/pg.sh (PostgreSQL 15) in
# --tmp and destroys it at the end.  Builds nothing: --jiuzhu defaults to
# build-rel/jiuzhu (cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release &&
# cmake --build build-rel -j2).  Needs wrk, python3, psql.
#
# 1. One store made in SQLite: gen N households (default 5,000) of 奇村镇
#    (140902101), import, assess --db, a caseworker of the township, and
#    C x K applications (default 64 x 16) accepted through the API; then
#    copied whole into a new PostgreSQL database (`jiuzhu copy`): both
#    backends step the same cases.
# 2. For each backend and each server thread count (default "4 16 64"; 4 is
#    jiuzhu serve's default on 2 cores): jiuzhu serve --threads T, then
#    bench_server.sh's load (3): POST /api/cases/{id}/steps, a home visit
#    (a write with its audit entry), C clients (wrk -tC -cC: one connection
#    each), each stepping its own K cases in turn, S seconds (default 10)
#    after a 2-second warm-up.  Every status is counted (bench/wrk/step.lua).
#    During PostgreSQL's runs, what its backends wait on is sampled from
#    pg_stat_activity every 100 ms (the limit of the run).
# 3. A table: req/s, p99, server CPU per request, non-2xx, the best of each
#    backend, and PostgreSQL / SQLite (target >= 3).
# Exits 0 whether or not the target is met; stops what it started and
# removes its directory (unless --keep).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
households=5000
clients=64
per=16
duration=10
threads_list="4 16 64"
jz="$here/../build-rel/jiuzhu"
tmp=${TMPDIR:-/tmp}
keep=0
pgbase=""
usage() {
  echo "usage: $0 [--db URL] [--households N] [--clients C] [--per-client K] [--duration S] [--threads \"T1 T2 ...\"] [--jiuzhu PATH] [--tmp DIR] [--keep]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
  --db) pgbase=$2; shift 2 ;;
  --households) households=$2; shift 2 ;;
  --clients) clients=$2; shift 2 ;;
  --per-client) per=$2; shift 2 ;;
  --duration) duration=$2; shift 2 ;;
  --threads) threads_list=$2; shift 2 ;;
  --jiuzhu) jz=$2; shift 2 ;;
  --tmp) tmp=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  *) usage ;;
  esac
done
for t in wrk python3 psql; do
  command -v "$t" >/dev/null || { echo "bench_server_pg: $t is needed" >&2; exit 2; }
done
[ -x "$jz" ] || { echo "bench_server_pg: no jiuzhu at $jz (build Release: cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel -j2)" >&2; exit 2; }
[ "$households" -ge $((clients * per)) ] || { echo "bench_server_pg: --households must be at least $((clients * per)) (clients x --per-client)" >&2; exit 2; }

http="$here/wrk/jz_http.py"
dir=$(mktemp -d "$tmp/jiuzhu-server-pg-XXXXXX")
pgdir=""
srv_pid=""
sampler_pid=""
dbname="jzbench_$$"
stop_server() {
  for p in $sampler_pid $srv_pid; do
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  srv_pid=""
  sampler_pid=""
}
cleanup() {
  stop_server
  if [ -n "$pgbase" ]; then
    psql -X -q "${pgbase%/}/postgres" -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  [ -z "$pgdir" ] || bash "$here/../scripts/pg.sh" destroy "$pgdir" >/dev/null 2>&1 || true
  if [ "$keep" = 1 ]; then echo "bench_server_pg: kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [ -z "$pgbase" ]; then
  # Beside $dir, not inside it: the server's user must pass through the
  # directory's parents (docs/testing-postgresql.md).
  pgdir=$(mktemp -d "$tmp/jiuzhu-pg-XXXXXX")
  rmdir "$pgdir"
  pgbase=$(bash "$here/../scripts/pg.sh" start "$pgdir" 2>"$dir/pg-start.log" | tail -1)
  [ -n "$pgbase" ] || { echo "bench_server_pg: could not start PostgreSQL (scripts/pg.sh start):" >&2; cat "$dir/pg-start.log" >&2; exit 1; }
fi
url="${pgbase%/}/$dbname"

export JIUZHU_ARGON2_FAST=1 # cheap password hashes (also at login): a benchmark only
export JZ_BENCH_PASSWORD='wrk-benchmark-secret-2026'
export JIUZHU_AUDIT_KEY_DIR="$dir/keys"
mkdir -p "$JIUZHU_AUDIT_KEY_DIR"
township=140902101
accept_date=2026-06-01
db="$dir/s.db"

echo "bench_server_pg: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run; $("$jz" --version)"
echo "bench_server_pg: $households households of township $township, $clients clients x $per cases, ${duration} s per run, server threads: $threads_list"
echo "bench_server_pg: PostgreSQL $(psql -X -A -t "${pgbase%/}/postgres" -c 'SHOW server_version'), $(psql -X -A -t "${pgbase%/}/postgres" -c "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', max_connections=' || current_setting('max_connections')")"

# ---- the store: SQLite, then copied into PostgreSQL ---------------------------
"$jz" gen --households "$households" --seed 13 --region "$township" "$dir/reg.jsonl" 2>/dev/null
"$jz" init "$db" >/dev/null
"$jz" import "$db" "$dir/reg.jsonl" >/dev/null 2>&1
"$jz" assess --db "$db" >/dev/null 2>&1
prefix=$(sed -n '1s/^{"household_id":"\(H[0-9]*-\)[0-9]*".*/\1/p' "$dir/reg.jsonl")
echo "$JZ_BENCH_PASSWORD" | "$jz" user add "$db" --login caseworker1 --name 性能测试经办员 --role caseworker --scope "$township" --actor 性能测试 >/dev/null

wait_port() { # FILE PID
  for _ in $(seq 100); do
    [ -s "$1" ] && { cat "$1"; return 0; }
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
start_server() { # STORE THREADS
  rm -f "$dir/port"
  JIUZHU_SERVE_QUIET=1 "$jz" serve "$1" --listen 127.0.0.1:0 --threads "$2" \
    --port-file "$dir/port" 2>>"$dir/serve.log" &
  srv_pid=$!
  port=$(wait_port "$dir/port" "$srv_pid") || { echo "bench_server_pg: jiuzhu serve did not start:" >&2; cat "$dir/serve.log" >&2; exit 1; }
  tok=$(python3 "$http" login "$port" caseworker1)
}

start_server "$db" 4
t=$(date +%s.%N)
python3 "$http" accept "$port" "$tok" "$prefix" 0 "$households" $((clients * per)) "$accept_date" >"$dir/cases.txt"
echo "bench_server_pg: $(wc -l <"$dir/cases.txt") cases accepted through the API in $(awk -v a="$(date +%s.%N)" -v b="$t" 'BEGIN { printf "%.1f", a - b }') s"
stop_server
t=$(date +%s.%N)
"$jz" copy "$db" "$url" >"$dir/copy.txt" 2>&1 || { echo "bench_server_pg: jiuzhu copy failed:" >&2; tail -5 "$dir/copy.txt" >&2; exit 1; }
echo "bench_server_pg: copied into PostgreSQL ($url) in $(awk -v a="$(date +%s.%N)" -v b="$t" 'BEGIN { printf "%.1f", a - b }') s"
echo "bench_server_pg: fdatasync of a 16 KiB page in $dir: $(python3 "$http" fsync "$dir") ms (median of 100)"

# ---- the runs ------------------------------------------------------------------
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# The CPU ticks of the PostgreSQL cluster the bench started (its postmaster
# and its children); empty for a server given with --db.
pg_ticks() {
  [ -n "$pgdir" ] && [ -s "$pgdir/data/postmaster.pid" ] || return 0
  local pm sum=0 p
  pm=$(head -1 "$pgdir/data/postmaster.pid")
  for p in $pm $(pgrep -P "$pm" 2>/dev/null); do
    sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$sum"
}
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else printf "?" }'
}
# sample: what PostgreSQL's backends of the database wait on, every 100 ms,
# into $dir/waits.NAME (one "type/event" a line per active backend).
sample() {
  local out=$1
  while :; do
    psql -X -A -t "$url" -c "SELECT coalesce(wait_event_type, 'CPU') || '/' || coalesce(wait_event, '-')
      FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'
      AND pid <> pg_backend_pid()" >>"$out" 2>/dev/null || true
    sleep 0.1
  done
}
declare -A R P C N G
run() { # NAME STORE THREADS
  local name=$1 store=$2 threads=$3
  start_server "$store" "$threads"
  local wrkargs=(-t"$clients" -c"$clients" -s "$here/wrk/step.lua" "http://127.0.0.1:$port/")
  JZ_CASES="$dir/cases.txt" JZ_PER_CLIENT="$per" JZ_TOKEN="$tok" wrk -d2s "${wrkargs[@]}" >/dev/null 2>&1 || true
  local hz c0 c1 g0 g1
  hz=$(getconf CLK_TCK)
  c0=$(cpu_ticks "$srv_pid")
  g0=$(pg_ticks)
  case "$store" in postgres*)
    : >"$dir/waits.$name"
    sample "$dir/waits.$name" &
    sampler_pid=$!
    ;;
  esac
  JZ_CASES="$dir/cases.txt" JZ_PER_CLIENT="$per" JZ_TOKEN="$tok" wrk -d"${duration}s" --latency "${wrkargs[@]}" >"$dir/$name.txt" 2>&1 || true
  c1=$(cpu_ticks "$srv_pid")
  g1=$(pg_ticks)
  stop_server
  local rps p99 non2xx n
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$dir/$name.txt")
  rps=${rps:-0}
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$dir/$name.txt")")
  non2xx=$(awk '$1 == "jz_status" && ($2 < 200 || $2 > 299) { n += $3 } END { print n + 0 }' "$dir/$name.txt")
  n=$(awk '/requests in/ { print $1 }' "$dir/$name.txt")
  R[$name]=$rps
  P[$name]=$p99
  N[$name]=$non2xx
  C[$name]=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="${n:-0}" 'BEGIN { if (n > 0) printf "%.0f", (b - a) / hz * 1e6 / n; else print "?" }')
  G[$name]=-
  case "$store" in postgres*)
    [ -z "$g0" ] || G[$name]=$(awk -v a="$g0" -v b="$g1" -v hz="$hz" -v n="${n:-0}" 'BEGIN { if (n > 0) printf "%.0f", (b - a) / hz * 1e6 / n; else print "?" }')
    ;;
  esac
  printf '  %-12s %8.0f req/s  p99 %8s ms  server CPU %5s us/request  PostgreSQL CPU %5s us/request  non-2xx %s\n' \
    "$name" "$rps" "$p99" "${C[$name]}" "${G[$name]}" "$non2xx"
  if [ "$non2xx" != 0 ]; then
    echo "    answers by status: $(awk '$1 == "jz_status" { printf "%s%s x %s", sep, $2, $3; sep = ", " }' "$dir/$name.txt"); the first of each:"
    sed -n 's/^jz_first /      /p' "$dir/$name.txt" | cut -c1-300
  fi
  if [ -s "$dir/waits.$name" ] 2>/dev/null; then
    echo "    PostgreSQL's active backends, sampled: $(sort "$dir/waits.$name" | uniq -c | sort -rn | head -6 |
      awk -v t="$(wc -l <"$dir/waits.$name")" '{ printf "%s%s %.0f%%", sep, $2, 100 * $1 / t; sep = ", " }')"
  fi
}

echo
echo "case steps (home visits), $clients clients, ${duration} s each after a 2 s warm-up:"
best_s="" best_p=""
for th in $threads_list; do
  run "sqlite-$th" "$db" "$th"
  [ -n "$best_s" ] && awk -v a="${R[sqlite-$th]}" -v b="${R[$best_s]}" 'BEGIN { exit !(a <= b) }' || best_s="sqlite-$th"
done
for th in $threads_list; do
  run "pg-$th" "$url" "$th"
  [ -n "$best_p" ] && awk -v a="${R[pg-$th]}" -v b="${R[$best_p]}" 'BEGIN { exit !(a <= b) }' || best_p="pg-$th"
done
# Every step is in the database once.
steps_pg=$(psql -X -A -t "$url" -c "SELECT count(*) FROM case_steps WHERE action = 9")
echo "  home-visit steps stored: PostgreSQL $steps_pg, SQLite $(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM case_steps WHERE action = 9").fetchone()[0])' "$db")"

ratio=$(awk -v a="${R[$best_p]}" -v b="${R[$best_s]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r + 0 >= 3) ? "PASS" : "FAIL" }')
echo
printf '%-50s %10s %9s %9s %9s %s\n' figure req/s "p99 ms" "CPU us" "PG CPU us" non-2xx
for k in $(for th in $threads_list; do echo "sqlite-$th"; done) $(for th in $threads_list; do echo "pg-$th"; done); do
  printf '%-50s %10.0f %9s %9s %9s %s\n' "case step, $clients clients, $k threads" "${R[$k]}" "${P[$k]}" "${C[$k]}" "${G[$k]}" "${N[$k]}"
done
printf '%-50s %10s   (best: %s against %s; target >= 3)  %s\n' "PostgreSQL / SQLite" "$ratio" "$best_p" "$best_s" "$verdict"
echo "CPU us: jiuzhu serve's CPU time (all threads) / requests answered; PG CPU us: the PostgreSQL cluster's (its postmaster and children, when the bench started it)."
echo "bench_server_pg: load average $(cut -d' ' -f1-3 /proc/loadavg) after the run"
