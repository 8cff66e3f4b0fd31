#!/usr/bin/env bash
# bench_sim_server.sh - the policy simulation through the server, and the
# server's memory with the snapshot loaded (issue 17: "the server with the
# snapshot loaded at most 1 GB").
#
#   bench/bench_sim_server.sh [--households N] [--reps R] [--jiuzhu PATH] [--tmp DIR] [--keep]
#
# 1. gen N households (default 1,000,000), init, import, assess --db (not
#    timed: they make the registry and its first snapshot cache).
# 2. jiuzhu serve on it (4 threads), a province analyst logged in.
# 3. R times (default 5) POST /api/simulate over the whole province (the rural
#    standard of every county set to 900 yuan): the wall time of each answer
#    and, after it, the server's VmRSS and VmHWM (its peak) from /proc.
#    Beside them, jiuzhu assess --db --param of the same change from the
#    command line (its own process): the simulation's path without HTTP.
# Prints every figure, the medians, nproc and the target; exits 0 whether or
# not the target is met, 1 if a step failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
households=1000000
reps=5
jz="$here/../build-rel/jiuzhu"
tmp=${TMPDIR:-/tmp}
keep=0
usage() {
  echo "usage: $0 [--households N] [--reps R] [--jiuzhu PATH] [--tmp DIR] [--keep]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
  --households) households=$2; shift 2 ;;
  --reps) reps=$2; shift 2 ;;
  --jiuzhu) jz=$2; shift 2 ;;
  --tmp) tmp=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  *) usage ;;
  esac
done
[[ $households =~ ^[1-9][0-9]*$ && $reps =~ ^[1-9][0-9]*$ ]] || usage
[ -x "$jz" ] || { echo "bench_sim_server: no jiuzhu at $jz (build Release first)" >&2; exit 2; }
jz=$(realpath "$jz")
http="$here/wrk/jz_http.py"
dir=$(mktemp -d "$tmp/jiuzhu-simsrv-XXXXXX")
srv_pid=""
cleanup() {
  [ -z "$srv_pid" ] || kill "$srv_pid" 2>/dev/null || true
  if [ "$keep" = 1 ]; then echo "bench_sim_server: kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
export JZ_BENCH_PASSWORD='simulate-benchmark-secret-2026'
export JIUZHU_ARGON2_FAST=1 # cheap password hashes (also at login): a benchmark only
db=$dir/s.db
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
kb() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$srv_pid/status"; }

echo "bench_sim_server: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $("$jz" --version)"
"$jz" gen --households "$households" --seed 3 "$dir/reg.jsonl" >/dev/null 2>&1
"$jz" init "$db" >/dev/null
"$jz" import "$db" "$dir/reg.jsonl" >/dev/null 2>&1
"$jz" assess --db "$db" >/dev/null 2>&1
echo "$JZ_BENCH_PASSWORD" | "$jz" user add "$db" --login analyst1 --name 测算分析员 --role analyst \
  --scope '' --actor 性能测试 >/dev/null
echo "bench_sim_server: $households households imported and assessed; snapshot cache $(du -sh "$db-snapshots" | cut -f1)"

JIUZHU_SERVE_QUIET=1 "$jz" serve "$db" --listen 127.0.0.1:0 --threads 4 \
  --port-file "$dir/port" 2>"$dir/serve.log" &
srv_pid=$!
for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
[ -s "$dir/port" ] || { echo "bench_sim_server: jiuzhu serve did not start:" >&2; cat "$dir/serve.log" >&2; exit 1; }
port=$(cat "$dir/port")
tok=$(python3 "$http" login "$port" analyst1)
echo '{"params": {"dibao.standard.rural": "900"}, "examples": 5}' >"$dir/sim.json"
echo "bench_sim_server: serve started: VmRSS $(kb VmRSS) kB"
sim=() hwm=() rss=()
for r in $(seq 1 "$reps"); do
  t=$(now)
  python3 "$http" post "$port" "$tok" /api/simulate "$dir/sim.json" >/dev/null
  sim+=("$(secs "$t" "$(now)")")
  hwm+=("$(kb VmHWM)") rss+=("$(kb VmRSS)")
  echo "bench_sim_server: POST /api/simulate $r/$reps: ${sim[-1]} s; after it VmRSS ${rss[-1]} kB, VmHWM ${hwm[-1]} kB"
done
kill "$srv_pid"
wait "$srv_pid" 2>/dev/null || true
srv_pid=""
cli=()
for r in $(seq 1 "$reps"); do
  t=$(now)
  "$jz" assess --db "$db" --param dibao.standard.rural=900 >"$dir/cli.out" 2>&1
  cli+=("$(secs "$t" "$(now)")")
done
peak_mb=$(awk -v k="${hwm[-1]}" 'BEGIN { printf "%.0f", k / 1024 }')
echo
echo "bench_sim_server: $households households, $reps runs each, seconds"
echo "  POST /api/simulate (province, through the server): median $(median "${sim[@]}") s (${sim[*]})"
echo "  jiuzhu assess --db --param (the same change, its own process): median $(median "${cli[@]}") s (${cli[*]})"
echo "  the server's peak resident memory (VmHWM) after the runs: $peak_mb MB"
echo "  target (issue 17): the server with the snapshot loaded at most 1 GB: $([ "$peak_mb" -le 1024 ] && echo PASS || echo FAIL)"
echo "nproc $(nproc); load average after $(cut -d' ' -f1-3 /proc/loadavg)"
