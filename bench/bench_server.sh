#!/usr/bin/env bash
# bench_server.sh - `jiuzhu serve` under load with wrk on loopback, beside a
# minimal libmicrohttpd peer (issue 13: "With wrk on loopback, on this 2-core
# machine, one run, server and load generator side by side").
#
#   bench/bench_server.sh [--households N] [--per-client K] [--duration S]
#                         [--threads N] [--jiuzhu PATH] [--peer PATH] [--tmp DIR] [--keep]
#
# Builds nothing: --jiuzhu defaults to build-rel/jiuzhu, --peer to the
# bench_peer_mhd beside it (cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release
# && cmake --build build-rel -j2).  Needs wrk and python3.
#
# 1. A temporary store: jiuzhu init, gen N households (default 5,000) of one
#    township (奇村镇, 140902101), import, assess --db (determinations stored),
#    two users (an analyst of the province, the township's caseworker), and
#    32 x K applications accepted through the API (K = 64 by default).
# 2. jiuzhu serve (JIUZHU_SERVE_QUIET=1) and the peer (bench/bench_peer_mhd.c,
#    the same libmicrohttpd configuration answering a fixed JSON body as
#    large as jiuzhu's assessment) on free loopback ports, --threads each
#    (default 2 per core, jiuzhu's default).
# 3. wrk, each run S seconds (default 10) after an untimed 2-second warm-up,
#    --latency for the percentiles:
#    (1)  POST /api/assess, a typical household (examples/01-dibao-rural.json,
#         the answer with its trace), -t2 -c64; (1p) the peer, the same load;
#    (1n) the same without the trace (for information);
#    (2)  GET /api/households/{id} (the record with its determination; each
#         read is written to the access log first), -t2 -c64;
#    (3)  POST /api/cases/{id}/steps, a home visit (a write with its audit
#         entry), 32 clients (-t32 -c32: one connection per wrk thread), each
#         stepping its own K cases in turn; every non-2xx answer is printed,
#         and a 503 (database busy) fails the target;
#    (4)  memory: VmRSS of the server idle, then with 1,000 keep-alive
#         connections open (each has made one authenticated request), VmHWM;
#         the same for the peer.
# Prints a table (figure, target, req/s, p99, server CPU per request,
# PASS/FAIL, jiuzhu / peer).  Exits 0 whether or not the targets are met.
# Stops every process it started and removes its directory (unless --keep).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
households=5000
per=64
clients=32
duration=10
threads=$((2 * $(nproc)))
jz="$here/../build-rel/jiuzhu"
peer=""
tmp=${TMPDIR:-/tmp}
keep=0
usage() {
  echo "usage: $0 [--households N] [--per-client K] [--duration S] [--threads N] [--jiuzhu PATH] [--peer PATH] [--tmp DIR] [--keep]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
  --households) households=$2; shift 2 ;;
  --per-client) per=$2; shift 2 ;;
  --duration) duration=$2; shift 2 ;;
  --threads) threads=$2; shift 2 ;;
  --jiuzhu) jz=$2; shift 2 ;;
  --peer) peer=$2; shift 2 ;;
  --tmp) tmp=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  *) usage ;;
  esac
done
[ -n "$peer" ] || peer="$(dirname "$jz")/bench_peer_mhd"
for t in wrk python3; do
  command -v "$t" >/dev/null || { echo "bench_server: $t is needed (apt-get install $t)" >&2; exit 2; }
done
[ -x "$jz" ] || { echo "bench_server: no jiuzhu at $jz (build Release: cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel -j2)" >&2; exit 2; }
[ -x "$peer" ] || { echo "bench_server: no peer at $peer (it is built with jiuzhu: target bench_peer_mhd)" >&2; exit 2; }
[ "$households" -ge $((clients * per)) ] || { echo "bench_server: --households must be at least $((clients * per)) (32 clients x --per-client cases)" >&2; exit 2; }

http="$here/wrk/jz_http.py"
dir=$(mktemp -d "$tmp/jiuzhu-server-XXXXXX")
srv_pid=""
peer_pid=""
stop() {
  for p in $srv_pid $peer_pid; do
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  srv_pid=""
  peer_pid=""
  if [ "$keep" = 1 ]; then echo "bench_server: kept $dir"; else rm -rf "$dir"; fi
}
trap stop EXIT
trap 'exit 130' INT TERM

# 1,000 connections and more need descriptors (the server and the helper).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

export JIUZHU_ARGON2_FAST=1 # cheap password hashes (also at login): a benchmark only
export JZ_BENCH_PASSWORD='wrk-benchmark-secret-2026'
township=140902101
accept_date=2026-06-01 # a working day inside the holiday calendar's years
db="$dir/s.db"

echo "bench_server: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run; $("$jz" --version)"
echo "bench_server: $households households of township $township, $clients clients x $per cases, ${duration} s per run, $threads server threads"

# ---- the store ----------------------------------------------------------------
"$jz" gen --households "$households" --seed 13 --region "$township" "$dir/reg.jsonl" 2>/dev/null
"$jz" init "$db" >/dev/null
"$jz" import "$db" "$dir/reg.jsonl" >/dev/null 2>&1
"$jz" assess --db "$db" >/dev/null 2>&1
prefix=$(sed -n '1s/^{"household_id":"\(H[0-9]*-\)[0-9]*".*/\1/p' "$dir/reg.jsonl")
[ -n "$prefix" ] || { echo "bench_server: cannot read the household IDs of $dir/reg.jsonl" >&2; exit 1; }
echo "$JZ_BENCH_PASSWORD" | "$jz" user add "$db" --login analyst1 --name 性能测试分析员 --role analyst --scope '' --actor 性能测试 >/dev/null
echo "$JZ_BENCH_PASSWORD" | "$jz" user add "$db" --login caseworker1 --name 性能测试经办员 --role caseworker --scope "$township" --actor 性能测试 >/dev/null

# ---- the servers -----------------------------------------------------------------
wait_port() { # FILE PID
  for _ in $(seq 100); do
    [ -s "$1" ] && { cat "$1"; return 0; }
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
JIUZHU_SERVE_QUIET=1 "$jz" serve "$db" --listen 127.0.0.1:0 --threads "$threads" \
  --port-file "$dir/port" 2>"$dir/serve.log" &
srv_pid=$!
port=$(wait_port "$dir/port" "$srv_pid") || { echo "bench_server: jiuzhu serve did not start:" >&2; cat "$dir/serve.log" >&2; exit 1; }
tok_a=$(python3 "$http" login "$port" analyst1)
tok_c=$(python3 "$http" login "$port" caseworker1)
python3 -c 'import json, sys; print(json.dumps({"household": json.load(open(sys.argv[1]))}))' \
  "$here/../examples/01-dibao-rural.json" >"$dir/assess.json"
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); r["trace"] = False; print(json.dumps(r))' \
  "$dir/assess.json" >"$dir/assess-notrace.json"
size=$(python3 "$http" post "$port" "$tok_a" /api/assess "$dir/assess.json")
size_nt=$(python3 "$http" post "$port" "$tok_a" /api/assess "$dir/assess-notrace.json")
size_hh=$(python3 "$http" get "$port" "$tok_a" "/api/households/${prefix}00000001")
rss_start=$(awk '/^VmRSS/ {print $2}' "/proc/$srv_pid/status")

"$peer" --port 0 --threads "$threads" --size "$size" --port-file "$dir/peer.port" >/dev/null 2>"$dir/peer.log" &
peer_pid=$!
pport=$(wait_port "$dir/peer.port" "$peer_pid") || { echo "bench_server: the peer did not start:" >&2; cat "$dir/peer.log" >&2; exit 1; }

t=$(date +%s.%N)
python3 "$http" accept "$port" "$tok_c" "$prefix" 0 "$households" $((clients * per)) "$accept_date" >"$dir/cases.txt"
echo "bench_server: store ready; $(wc -l <"$dir/cases.txt") cases accepted through the API in $(awk -v a="$(date +%s.%N)" -v b="$t" 'BEGIN { printf "%.1f", a - b }') s"
python3 "$http" post "$port" "$tok_c" "/api/cases/$(head -1 "$dir/cases.txt")/steps" \
  <(echo '{"action":"home-visit","note":"入户调查：检查"}') >/dev/null
fsync_before=$(python3 "$http" fsync "$dir")
echo "bench_server: writing a 16 KiB page and fdatasync in $dir: $fsync_before ms (median of 100): every durable commit waits for one"
echo "bench_server: answers: assess ${size} B (without trace ${size_nt} B), household ${size_hh} B; peer ${size} B"

# ---- the runs ----------------------------------------------------------------------
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
to_ms() { # wrk's 1.23ms / 456.00us / 1.02s / 1.5m
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else printf "?" }'
}
# run NAME PID wrk-arguments...: a 2 s warm-up, then the timed run into
# $dir/NAME.txt; sets rps, p99, non2xx, sockerr, cpu_us (server CPU per request).
run() {
  local name=$1 pid=$2
  shift 2
  wrk -d2s "$@" >/dev/null 2>&1 || true
  local c0 c1 hz
  hz=$(getconf CLK_TCK)
  c0=$(cpu_ticks "$pid")
  wrk -d"${duration}s" --latency "$@" >"$dir/$name.txt" 2>&1 || true
  c1=$(cpu_ticks "$pid")
  if grep -q '\.lua:' "$dir/$name.txt"; then # wrk goes on with GET / after a script error
    echo "bench_server: ($name) the wrk script failed:" >&2
    grep '\.lua:' "$dir/$name.txt" | sort -u >&2
    exit 1
  fi
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$dir/$name.txt")
  rps=${rps:-0}
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$dir/$name.txt")")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$dir/$name.txt")
  non2xx=${non2xx:-0}
  sockerr=$(sed -n 's/^ *Socket errors: //p' "$dir/$name.txt")
  local n
  n=$(awk '/requests in/ { print $1 }' "$dir/$name.txt")
  cpu_us=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="${n:-0}" 'BEGIN { if (n > 0) printf "%.0f", (b - a) / hz * 1e6 / n; else print "?" }')
  printf '  %-5s %9.0f req/s  p99 %8s ms  server CPU %5s us/request  non-2xx %s%s\n' \
    "$name" "$rps" "$p99" "$cpu_us" "$non2xx" "${sockerr:+  socket errors: $sockerr}"
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
declare -A R P C N E

echo
echo "wrk runs (${duration} s each, after a 2 s warm-up):"
JZ_BODY="$dir/assess.json" JZ_TOKEN="$tok_a" run 1 "$srv_pid" -t2 -c64 -s "$here/wrk/assess.lua" "http://127.0.0.1:$port/api/assess"
R[1]=$rps P[1]=$p99 C[1]=$cpu_us N[1]=$non2xx E[1]=$sockerr
JZ_BODY="$dir/assess.json" JZ_TOKEN="$tok_a" run 1p "$peer_pid" -t2 -c64 -s "$here/wrk/assess.lua" "http://127.0.0.1:$pport/api/assess"
R[1p]=$rps P[1p]=$p99 C[1p]=$cpu_us N[1p]=$non2xx E[1p]=$sockerr
JZ_BODY="$dir/assess-notrace.json" JZ_TOKEN="$tok_a" run 1n "$srv_pid" -t2 -c64 -s "$here/wrk/assess.lua" "http://127.0.0.1:$port/api/assess"
R[1n]=$rps P[1n]=$p99 C[1n]=$cpu_us N[1n]=$non2xx E[1n]=$sockerr
JZ_PREFIX="$prefix" JZ_HOUSEHOLDS="$households" JZ_TOKEN="$tok_a" run 2 "$srv_pid" -t2 -c64 -s "$here/wrk/household.lua" "http://127.0.0.1:$port/"
R[2]=$rps P[2]=$p99 C[2]=$cpu_us N[2]=$non2xx E[2]=$sockerr
JZ_CASES="$dir/cases.txt" JZ_PER_CLIENT="$per" JZ_TOKEN="$tok_c" run 3 "$srv_pid" -t"$clients" -c"$clients" -s "$here/wrk/step.lua" "http://127.0.0.1:$port/"
R[3]=$rps P[3]=$p99 C[3]=$cpu_us N[3]=$non2xx E[3]=$sockerr
steps_bad=$(awk '$1 == "jz_status" && ($2 < 200 || $2 > 299) { n += $3 } END { print n + 0 }' "$dir/3.txt")
steps_busy=$(awk '$1 == "jz_status" && $2 == 503 { n += $3 } END { print n + 0 }' "$dir/3.txt")
steps_clients=$(awk '$1 == "jz_clients" { print $2 }' "$dir/3.txt")
steps_rounds=$(awk '$1 == "jz_rounds" { print $2 }' "$dir/3.txt")
echo "  (3) answers by status: $(awk '$1 == "jz_status" { printf "%s%s x %s", sep, $2, $3; sep = ", " }' "$dir/3.txt"); ${steps_clients:-?} clients, each went round its $per cases ${steps_rounds:-?} times in all"
if [ "$steps_bad" != 0 ]; then
  echo "  (3) FAILED STEPS: $steps_bad answers were not 2xx; the first of each status:"
  sed -n 's/^jz_first /      /p' "$dir/3.txt"
fi

# ---- memory ----------------------------------------------------------------------------
echo
echo "memory with 1,000 keep-alive connections open (each made one request: GET /api/me):"
python3 "$http" hold "$port" "$tok_a" "$srv_pid" 1000 >"$dir/mem.txt"
python3 "$http" hold "$pport" "-" "$peer_pid" 1000 >"$dir/mem-peer.txt"
mem() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
m_idle=$(mem idle_VmRSS "$dir/mem.txt")
m_open=$(mem open_VmRSS "$dir/mem.txt")
m_hwm=$(mem open_VmHWM "$dir/mem.txt")
m_conn=$(mem open_connections "$dir/mem.txt")
m_bad=$(mem non2xx "$dir/mem.txt")
p_idle=$(mem idle_VmRSS "$dir/mem-peer.txt")
p_open=$(mem open_VmRSS "$dir/mem-peer.txt")
p_conn=$(mem open_connections "$dir/mem-peer.txt")
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
echo "  jiuzhu: VmRSS at start $(mb "$rss_start") MB, idle after the runs $(mb "$m_idle") MB, with $m_conn connections open $(mb "$m_open") MB ($(awk -v a="$m_open" -v b="$m_idle" -v n="$m_conn" 'BEGIN { printf "%.1f", (a - b) / (n > 0 ? n : 1) }') KB per connection), VmHWM $(mb "$m_hwm") MB; non-2xx $m_bad"
echo "  peer:   VmRSS idle $(mb "$p_idle") MB, with $p_conn connections open $(mb "$p_open") MB"

# ---- the table --------------------------------------------------------------------------
verdict() { [ "$1" = 1 ] && echo PASS || echo FAIL; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
ok1=$(ge "${R[1]}" 10000 && lt "${P[1]}" 20 && [ "${N[1]}" = 0 ] && echo 1 || echo 0)
ok2=$(ge "${R[2]}" 5000 && [ "${N[2]}" = 0 ] && echo 1 || echo 0)
ok3=$(ge "${R[3]}" 1000 && [ "$steps_bad" = 0 ] && [ "${N[3]}" = 0 ] && echo 1 || echo 0)
echo
printf '%-44s %-26s %9s %9s %9s %-7s %s\n' figure target req/s "p99 ms" "CPU us" verdict "jiuzhu/peer"
printf '%-44s %-26s %9.0f %9s %9s %-7s %s\n' "(1)  POST /api/assess, -t2 -c64" ">= 10000/s, p99 < 20 ms" "${R[1]}" "${P[1]}" "${C[1]}" "$(verdict "$ok1")" "$(ratio "${R[1]}" "${R[1p]}") (aim >= 0.5)"
printf '%-44s %-26s %9.0f %9s %9s %-7s %s\n' "(1p) peer: fixed ${size}-byte JSON, -t2 -c64" "-" "${R[1p]}" "${P[1p]}" "${C[1p]}" "-" "1"
printf '%-44s %-26s %9.0f %9s %9s %-7s %s\n' "(1n) POST /api/assess, no trace (info)" "-" "${R[1n]}" "${P[1n]}" "${C[1n]}" "-" "$(ratio "${R[1n]}" "${R[1p]}")"
printf '%-44s %-26s %9.0f %9s %9s %-7s %s\n' "(2)  GET /api/households/{id}, -t2 -c64" ">= 5000/s" "${R[2]}" "${P[2]}" "${C[2]}" "$(verdict "$ok2")" "-"
printf '%-44s %-26s %9.0f %9s %9s %-7s %s\n' "(3)  case step (home visit), 32 clients" ">= 1000/s, no busy/non-2xx" "${R[3]}" "${P[3]}" "${C[3]}" "$(verdict "$ok3")" "-"
printf '%-44s %-26s %9s %9s %9s %-7s %s\n' "(4)  VmRSS, 1,000 connections open (MB)" "measured" "$(mb "$m_open")" "-" "-" "-" "$(ratio "$m_open" "$p_open") (peer $(mb "$p_open") MB)"
echo "CPU us: the server's CPU time (all threads, user + system) during the run / requests answered."
echo "At ${C[1]} us a request, $(nproc) cores allow at most $(awk -v c="${C[1]}" -v n="$(nproc)" 'BEGIN { if (c > 0) printf "%.0f", n * 1e6 / c; else print "?" }') assessments a second with the client's share left out."
for k in 1 1p 1n 2 3; do
  [ "${N[$k]}" = 0 ] || echo "($k): ${N[$k]} answers were not 2xx (see the run above)"
done
echo "bench_server: load average $(cut -d' ' -f1-3 /proc/loadavg) after the run (other processes share the cores); fdatasync $(python3 "$http" fsync "$dir") ms (before the runs: $fsync_before ms)"
