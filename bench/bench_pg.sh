#!/usr/bin/env bash
# bench_pg.sh - PostgreSQL beside SQLite in one run (issue 16 "Performance"):
# the same generated households imported into a new SQLite file and a new
# PostgreSQL database, then reassessed (`jiuzhu assess --db`) on both.
#
#   bench/bench_pg.sh [--households N] [--reps R] [--assess-reps A] [--seed S] [--batch N]
#                     [--pg URL] [--jiuzhu PATH] [--tmp DIR] [--keep]
#
# Builds nothing: --jiuzhu defaults to build-rel/jiuzhu (cmake -S . -B
# build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel -j2).
# Without --pg it starts its own throwaway PostgreSQL 15 cluster with
# scripts/pg.sh (fsync and synchronous_commit on, as for the tests; shared
# buffers a quarter of the memory, at most 4 GB, and max_wal_size 16 GB) and
# destroys it at the end; with --pg URL (a base URL ending in '/', as
# scripts/pg.sh prints) it creates its databases there (jzbench_*) and
# drops them at the end.
#
# 1. gen N households (default 1,000,000; seed --seed, default 16), not timed.
# 2. R times (default 3), in turn: `jiuzhu init` + `jiuzhu import` into a new
#    SQLite file, and into a new PostgreSQL database (init not timed: it is
#    printed apart; the import's time includes creating the counties'
#    partitions, which a new database does at its first write of a county).
#    The order of the two alternates from one repetition to the next.
# 3. On the last repetition's databases, `jiuzhu assess --db`: the first run
#    (it writes every determination), then A times (--assess-reps, default
#    R) again with nothing changed (it writes none), then A times with
#    every household's determination changed (alternately every county's
#    standards +5 % from 2025-03-01, a policy copy in the temporary
#    directory, and the policy shipped: each rewrites every household).
#    Each kind's median on a line; every run is printed, with how many
#    households it wrote.
#    After the first run, the policy simulation (`--what-if` under the +5 %
#    policy) once cold (the snapshot cache emptied: JIUZHU_SNAPSHOT_CACHE is
#    the bench's directory) and A times warm, on both; DIFFERS if their
#    tables are not all the same.
# 4. `jiuzhu stats` of both: DIFFERS if they are not identical.
# Prints every figure (median of R, and each run), the ratio PostgreSQL /
# SQLite of each, nproc, the load average before and after, and the
# commands.  Exits 0 whether or not the target (ratio at most 2) is met;
# 1 if a step failed or the statistics differ.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
households=1000000
reps=3
assess_reps=""
seed=16
batch=""
pg_url=""
jz="$here/../build-rel/jiuzhu"
tmp=${TMPDIR:-/tmp}
keep=0
usage() {
  echo "usage: $0 [--households N] [--reps R] [--assess-reps A] [--seed S] [--batch N] [--pg URL] [--jiuzhu PATH] [--tmp DIR] [--keep]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
  --households) households=$2; shift 2 ;;
  --reps) reps=$2; shift 2 ;;
  --assess-reps) assess_reps=$2; shift 2 ;;
  --seed) seed=$2; shift 2 ;;
  --batch) batch=$2; shift 2 ;;
  --pg) pg_url=$2; shift 2 ;;
  --jiuzhu) jz=$2; shift 2 ;;
  --tmp) tmp=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  *) usage ;;
  esac
done
[[ $reps =~ ^[1-9][0-9]*$ ]] || usage
assess_reps=${assess_reps:-$reps}
[[ $assess_reps =~ ^[1-9][0-9]*$ ]] || usage
[ -x "$jz" ] || { echo "bench_pg: no jiuzhu at $jz (build Release first)" >&2; exit 2; }
jz=$(realpath "$jz")
dir=$(mktemp -d "$tmp/jiuzhu-pg-XXXXXX")
chmod 0755 "$dir"
# Both backends' snapshot caches (docs/registry.md "The snapshot cache") in
# the bench's directory: a cold run is one after emptying it.
export JIUZHU_SNAPSHOT_CACHE=$dir/cache
mkdir -p "$JIUZHU_SNAPSHOT_CACHE"
own_cluster=""
made_dbs=()

psql_base() { # SQL...: run on the server's postgres database
  local u=${pg_url}postgres
  if [ -n "$own_cluster" ]; then
    bash "$here/../scripts/pg.sh" psql "$own_cluster" -X -q -v ON_ERROR_STOP=1 "$@"
  else
    psql "$u" -X -q -v ON_ERROR_STOP=1 "$@"
  fi
}

cleanup() {
  set +e
  if [ -n "$own_cluster" ]; then
    bash "$here/../scripts/pg.sh" destroy "$own_cluster"
  elif [ "$keep" != 1 ]; then
    for d in "${made_dbs[@]}"; do psql_base -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
  fi
  if [ "$keep" = 1 ]; then echo "bench_pg: kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT

if [ -z "$pg_url" ]; then
  own_cluster=$dir/cluster
  pg_url=$(bash "$here/../scripts/pg.sh" start "$own_cluster" 2>/dev/null | tail -1)
  [ -n "$pg_url" ] || { echo "bench_pg: could not start a PostgreSQL cluster" >&2; exit 1; }
  # A server set up for a province's loads, as its database team would
  # (the tests' clusters keep PostgreSQL's small defaults): a quarter of
  # this machine's memory for shared buffers at most 4 GB, and checkpoints
  # spaced so that a bulk load is not written twice (full-page images
  # after each checkpoint).  fsync and synchronous_commit stay on.
  mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
  sb_mb=$(( mem_kb / 4096 )); [ "$sb_mb" -le 4096 ] || sb_mb=4096
  printf 'shared_buffers = %dMB\nmax_wal_size = 16GB\ncheckpoint_timeout = 30min\n' "$sb_mb" \
    >>"$own_cluster/data/jiuzhu.conf"
  bash "$here/../scripts/pg.sh" restart "$own_cluster" >/dev/null 2>&1 ||
    { echo "bench_pg: could not restart the PostgreSQL cluster with the bench's settings" >&2; exit 1; }
fi
case $pg_url in */) ;; *) pg_url=$pg_url/ ;; esac

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v p="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", p / s; else print "-" }'; }
run() { # LOG CMD...: runs CMD (stdout and stderr to LOG); fails the bench if it fails
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "bench_pg: failed: $* (exit $?; $log):" >&2
    tail -5 "$log" >&2
    exit 1
  fi
}
timed() { # LOG CMD...: prints the seconds CMD took
  local t
  t=$(now)
  run "$@"
  secs "$t" "$(now)"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench_pg: $(nproc) cores, load average $load_before; $("$jz" --version 2>&1 | head -1)"
echo "bench_pg: PostgreSQL ${pg_url}; $(psql_base -Atc 'SHOW server_version') (fsync $(psql_base -Atc 'SHOW fsync'), synchronous_commit $(psql_base -Atc 'SHOW synchronous_commit'), shared_buffers $(psql_base -Atc 'SHOW shared_buffers'), max_wal_size $(psql_base -Atc 'SHOW max_wal_size'))"
data=$dir/h.jsonl
t=$(now)
run "$dir/gen.log" "$jz" gen --households "$households" --seed "$seed" "$data"
echo "bench_pg: $households households generated in $(secs "$t" "$(now)") s: $data"
bflag=()
[ -n "$batch" ] && bflag=(--batch "$batch")

imp_s=() imp_p=() init_s=() init_p=()
for r in $(seq 1 "$reps"); do
  sdb=$dir/s$r.db
  pdb=jzbench_$$_$r
  made_dbs+=("$pdb")
  purl=$pg_url$pdb
  for which in s p; do
    # Alternate the order: s p, then p s, ...
    if [ $((r % 2)) = 0 ]; then which=$([ "$which" = s ] && echo p || echo s); fi
    if [ "$which" = s ]; then
      init_s+=("$(timed "$dir/init-s$r.log" "$jz" init "$sdb")")
      imp_s+=("$(timed "$dir/import-s$r.log" "$jz" import "${bflag[@]}" --report "$dir/report-s$r.csv" "$sdb" "$data")")
    else
      init_p+=("$(timed "$dir/init-p$r.log" "$jz" init "$purl")")
      imp_p+=("$(timed "$dir/import-p$r.log" "$jz" import "${bflag[@]}" --report "$dir/report-p$r.csv" "$purl" "$data")")
    fi
  done
  echo "bench_pg: import $r/$reps: SQLite ${imp_s[-1]} s, PostgreSQL ${imp_p[-1]} s"
  if [ "$r" -lt "$reps" ] && [ "$keep" != 1 ]; then
    rm -f "$sdb" "$sdb"-* "$dir/report-s$r.csv" "$dir/report-p$r.csv"
    psql_base -c "DROP DATABASE $pdb" >/dev/null
  fi
done
sdb=$dir/s$reps.db
purl=$pg_url"jzbench_$$_$reps"

# The policy with every county's urban and rural 低保 standard 5 % higher
# from 2025-03-01 (the generated records' date is 2025-06-01): a run under
# it changes every household's parameters, so it writes every household;
# so does the next run under the policy shipped.
policy_src=$(cd "$(dirname "$0")/.." && pwd)/policy
cp -r "$policy_src" "$dir/policy-up5"
python3 - "$policy_src/params/10-standards.json" "$dir/policy-up5/params/90-up5.json" <<'PY'
import json, sys
src = json.load(open(sys.argv[1]))
out = []
for p in src["params"]:
    if p["name"] in ("dibao.standard.urban", "dibao.standard.rural") and p["from"] == "2025-01-01":
        yuan, fen = p["value"].split(".")
        v = (int(yuan) * 100 + int(fen)) * 105 // 100
        out.append({"name": p["name"], "value": "%d.%02d" % (v // 100, v % 100),
                    "region": p["region"], "from": "2025-03-01", "source": "bench: +5 %"})
json.dump({"description": "bench_pg: every standard +5 % from 2025-03-01", "params": out},
          open(sys.argv[2], "w"), ensure_ascii=False)
PY
up5=(--policy "$dir/policy-up5")
pair() { # TAG ARGS...: assess both (order alternating with the count so far), print the line
  local tag=$1 k=${#ass_s[@]}
  shift
  if [ $((k % 2)) = 0 ]; then
    ass_s+=("$(timed "$dir/assess-s$k.log" "$jz" assess --db "$sdb" "$@")")
    ass_p+=("$(timed "$dir/assess-p$k.log" "$jz" assess --db "$purl" "$@")")
  else
    ass_p+=("$(timed "$dir/assess-p$k.log" "$jz" assess --db "$purl" "$@")")
    ass_s+=("$(timed "$dir/assess-s$k.log" "$jz" assess --db "$sdb" "$@")")
  fi
  written+=("$(grep -o '写入 [0-9]* 户' "$dir/assess-s$k.log" | grep -o '[0-9]*')|$(grep -o '写入 [0-9]* 户' "$dir/assess-p$k.log" | grep -o '[0-9]*')")
  echo "bench_pg: assess ($tag): SQLite ${ass_s[-1]} s, PostgreSQL ${ass_p[-1]} s; written ${written[-1]/|/ and }"
}
ass_s=() ass_p=() written=()
pair first
# The policy simulation (a what-if under the +5 % policy: every county's
# standards changed) on both: cold (no snapshot cache: the snapshot and the
# stored results read from the store, then kept), then warm.  Their tables
# must be the same on both backends and warm as cold.
sim() { # WHICH(s|p) LOG: prints the seconds
  local db=$sdb
  [ "$1" = p ] && db=$purl
  timed "$2" "$jz" assess --db "$db" --what-if "${up5[@]}"
}
sim_table() { sed '/^共 /,$d' "$1"; }
sim_s=() sim_p=() sim_same=1
for k in $(seq 0 "$assess_reps"); do
  [ "$k" = 0 ] && rm -rf "${JIUZHU_SNAPSHOT_CACHE:?}"/*
  if [ $((k % 2)) = 0 ]; then
    sim_s+=("$(sim s "$dir/sim-s$k.log")"); sim_p+=("$(sim p "$dir/sim-p$k.log")")
  else
    sim_p+=("$(sim p "$dir/sim-p$k.log")"); sim_s+=("$(sim s "$dir/sim-s$k.log")")
  fi
  for w in s p; do
    cmp -s <(sim_table "$dir/sim-s0.log") <(sim_table "$dir/sim-$w$k.log") || sim_same=0
  done
  echo "bench_pg: policy simulation ($([ "$k" = 0 ] && echo cold || echo "warm $k/$assess_reps")): SQLite ${sim_s[-1]} s, PostgreSQL ${sim_p[-1]} s"
done
for r in $(seq 1 "$assess_reps"); do pair "unchanged $r/$assess_reps"; done
for r in $(seq 1 "$assess_reps"); do
  if [ $((r % 2)) = 1 ]; then pair "standards +5 % $r/$assess_reps" "${up5[@]}"
  else pair "standards back $r/$assess_reps"; fi
done
# The last changed run may have left the +5 % standards: the statistics
# compare the two backends either way.

run "$dir/stats-s.txt" "$jz" stats "$sdb"
run "$dir/stats-p.txt" "$jz" stats "$purl"
same=1
cmp -s "$dir/stats-s.txt" "$dir/stats-p.txt" || same=0

m_is=$(median "${imp_s[@]}") m_ip=$(median "${imp_p[@]}")
m_as=${ass_s[0]} m_ap=${ass_p[0]}
m_us=$(median "${ass_s[@]:1:$assess_reps}") m_up=$(median "${ass_p[@]:1:$assess_reps}")
m_cs=$(median "${ass_s[@]:$((1 + assess_reps))}") m_cp=$(median "${ass_p[@]:$((1 + assess_reps))}")
m_ns=$(median "${init_s[@]}") m_np=$(median "${init_p[@]}")
echo
echo "bench_pg: $households households, median of $reps imports and of $assess_reps assessments of each kind after the first (each run in brackets), seconds"
printf '%-28s %10s %12s %8s   %s\n' "step" "SQLite" "PostgreSQL" "PG/SQL" "runs SQLite | PostgreSQL"
printf '%-28s %10s %12s %8s   %s | %s\n' "init (not in the target)" "$m_ns" "$m_np" "$(ratio "$m_np" "$m_ns")" "${init_s[*]}" "${init_p[*]}"
printf '%-28s %10s %12s %8s   %s | %s\n' "import (new database)" "$m_is" "$m_ip" "$(ratio "$m_ip" "$m_is")" "${imp_s[*]}" "${imp_p[*]}"
printf '%-28s %10s %12s %8s   %s | %s\n' "assess --db (first)" "$m_as" "$m_ap" "$(ratio "$m_ap" "$m_as")" "${ass_s[0]}" "${ass_p[0]}"
printf '%-28s %10s %12s %8s   %s | %s\n' "assess --db (unchanged)" "$m_us" "$m_up" "$(ratio "$m_up" "$m_us")" "${ass_s[*]:1:$assess_reps}" "${ass_p[*]:1:$assess_reps}"
printf '%-28s %10s %12s %8s   %s | %s\n' "assess --db (all changed)" "$m_cs" "$m_cp" "$(ratio "$m_cp" "$m_cs")" "${ass_s[*]:$((1 + assess_reps))}" "${ass_p[*]:$((1 + assess_reps))}"
m_ws=$(median "${sim_s[@]:1}") m_wp=$(median "${sim_p[@]:1}")
printf '%-28s %10s %12s %8s   %s | %s\n' "simulation (cold)" "${sim_s[0]}" "${sim_p[0]}" "$(ratio "${sim_p[0]}" "${sim_s[0]}")" "${sim_s[0]}" "${sim_p[0]}"
printf '%-28s %10s %12s %8s   %s | %s\n' "simulation (warm)" "$m_ws" "$m_wp" "$(ratio "$m_wp" "$m_ws")" "${sim_s[*]:1}" "${sim_p[*]:1}"
echo "households written by each assessment (SQLite|PostgreSQL): ${written[*]}"
echo "target (issue 16): import and assess --db at most 2.0 x SQLite's time"
echo "targets (issue 17, 1,000,000 households): import <= 15 s SQLite, <= 30 s PostgreSQL; assess --db all changed <= 4 s, unchanged <= 1.5 s on SQLite, PostgreSQL <= 2 x; simulation warm <= 1 s, cold <= 3 s"
echo "snapshot cache: $(du -sh "$JIUZHU_SNAPSHOT_CACHE" | cut -f1) in $JIUZHU_SNAPSHOT_CACHE ($(ls "$JIUZHU_SNAPSHOT_CACHE" | tr '\n' ' '))"
if [ "$sim_same" = 1 ]; then
  echo "simulation: the same table on both backends, warm as cold"
else
  echo "simulation: DIFFERS (the tables of $dir/sim-*.log)"
  keep=1
fi
echo "nproc $(nproc); load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo "import result: $(grep -h '入库' "$dir/import-s$reps.log" | head -1) | $(grep -h '入库' "$dir/import-p$reps.log" | head -1)"
echo "commands:"
echo "  $jz gen --households $households --seed $seed $data"
echo "  $jz init $sdb && $jz import ${bflag[*]} $sdb $data"
echo "  $jz init $purl && $jz import ${bflag[*]} $purl $data"
echo "  $jz assess --db $sdb;  $jz assess --db $purl   (first, then unchanged)"
echo "  $jz assess --db $sdb ${up5[*]};  $jz assess --db $purl ${up5[*]}   (all changed: standards +5 %, then back)"
echo "  $jz assess --db $sdb --what-if ${up5[*]};  $jz assess --db $purl --what-if ${up5[*]}   (simulation: cold after emptying \$JIUZHU_SNAPSHOT_CACHE, then warm)"
echo "  $jz stats $sdb;  $jz stats $purl"
if [ "$same" = 1 ]; then
  echo "stats: identical on both ($(wc -l <"$dir/stats-s.txt") lines)"
else
  echo "stats: DIFFERS (diff $dir/stats-s.txt $dir/stats-p.txt)"
  diff "$dir/stats-s.txt" "$dir/stats-p.txt" | head -20 || true
  keep=1
  exit 1
fi
[ "$sim_same" = 1 ] || exit 1
