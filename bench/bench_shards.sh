#!/usr/bin/env bash
# bench_shards.sh - reassessment of a city split over two shards (a
# coordinator whose county partitions are postgres_fdw foreign tables,
# docs/scaling.md "Beyond one machine") against the same city on one
# PostgreSQL server (issue 16 "Performance").
#
#   bench/bench_shards.sh [--households N] [--region CITY] [--jiuzhu PATH] [--tmp DIR]
#
# Starts three throwaway PostgreSQL 15 clusters on this machine
# (scripts/pg-shards.sh: coord, s1, s2); builds nothing: --jiuzhu defaults
# to build/jiuzhu.  N households (default 20000) of the city (default 1401,
# 11 counties) are generated and imported (not timed) twice: through a
# coordinator over s1 and s2 (the counties spread at their first write),
# and into one database of the coord cluster.  Then `jiuzhu assess --db`
# of each, three times, alternating; the medians and their ratio are
# printed with the commands.  On one machine the shards share its cores
# and disk with the coordinator: the ratio shows what the coordinator and
# postgres_fdw cost, not what separate servers gain.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
households=20000
region=1401
jz="$here/../build/jiuzhu"
tmp=${TMPDIR:-/tmp}
while [ $# -gt 0 ]; do
  case "$1" in
  --households) households=$2; shift 2 ;;
  --region) region=$2; shift 2 ;;
  --jiuzhu) jz=$2; shift 2 ;;
  --tmp) tmp=$2; shift 2 ;;
  *) echo "usage: bench/bench_shards.sh [--households N] [--region CITY] [--jiuzhu PATH] [--tmp DIR]" >&2; exit 2 ;;
  esac
done
[ -x "$jz" ] || { echo "bench_shards: no $jz (cmake --build build)" >&2; exit 1; }
jz=$(realpath "$jz")
work=$(mktemp -d "$tmp/jz-bench-shards-XXXXXX")
chmod 0755 "$work"
clusters=$work/pg
trap 'bash "$here/../scripts/pg-shards.sh" stop "$clusters" >/dev/null 2>&1; rm -rf "$work"' EXIT
bash "$here/../scripts/pg-shards.sh" start "$clusters" >"$work/urls" 2>"$work/start.log"
url_of() { sed -n "s/^$1 //p" "$work/urls"; }
coord=$(url_of coord)city
s1=$(url_of s1)city
s2=$(url_of s2)city
one=$(url_of coord)one
export JIUZHU_AUDIT_KEY_DIR=$work/keys
mkdir -p "$work/keys"
cd "$work"

"$jz" gen --households "$households" --seed 1 --region "$region" city.jsonl >/dev/null 2>&1
"$jz" init "$coord" --shard s1="$s1" --shard s2="$s2" >/dev/null
"$jz" init "$one" >/dev/null
t0=$(date +%s.%N)
"$jz" import "$coord" city.jsonl >/dev/null 2>&1
t1=$(date +%s.%N)
"$jz" import "$one" city.jsonl >/dev/null 2>&1
t2=$(date +%s.%N)

# secs CMD...: wall seconds of CMD (its output dropped).
secs() {
  local a b
  a=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  b=$(date +%s.%N)
  echo "$a $b" | awk '{ printf "%.3f", $2 - $1 }'
}
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
sharded=() single=()
for i in 1 2 3; do
  sharded+=("$(secs "$jz" assess --db "$coord")")
  single+=("$(secs "$jz" assess --db "$one")")
done
ms=$(median "${sharded[@]}")
m1=$(median "${single[@]}")
# The statistics agree (else the figures mean nothing).
"$jz" stats "$coord" >st.coord
"$jz" stats "$one" >st.one
same=yes
cmp -s st.coord st.one || same=NO

placed=$(psql -X -A -t "$coord" -c "SELECT string_agg(server || ':' || n, ' ') FROM (SELECT server, count(*) n FROM county_shards GROUP BY server ORDER BY server) x" 2>/dev/null || echo '?')
echo "bench_shards: $households households of city $region, nproc $(nproc), PostgreSQL 15 x3 on loopback (scripts/pg-shards.sh)"
echo "  counties per shard:        $placed"
echo "  import (once, not compared): coordinator $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s, one server $(echo "$t1 $t2" | awk '{ printf "%.1f", $2 - $1 }') s"
echo "  reassess, two shards:      ${sharded[*]}  median $ms s"
echo "  reassess, one server:      ${single[*]}  median $m1 s"
echo "  ratio two shards / one server (medians of 3): $(echo "$ms $m1" | awk '{ printf "%.2f", $1 / $2 }')"
echo "  statistics equal: $same"
echo "commands:"
echo "  jiuzhu gen --households $households --seed 1 --region $region city.jsonl"
echo "  jiuzhu init COORD_URL --shard s1=S1_URL --shard s2=S2_URL; jiuzhu init ONE_URL"
echo "  jiuzhu import COORD_URL city.jsonl; jiuzhu import ONE_URL city.jsonl"
echo "  3 x (jiuzhu assess --db COORD_URL; jiuzhu assess --db ONE_URL)"
