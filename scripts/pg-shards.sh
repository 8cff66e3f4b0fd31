#!/usr/bin/env bash
# Three throwaway PostgreSQL 15 clusters on loopback ports, for a
# coordinator over two shards (docs/scaling.md "Beyond one machine"): each
# is a scripts/pg.sh cluster, in DIR/coord, DIR/s1 and DIR/s2.
#
#   scripts/pg-shards.sh start DIR     starts the three; prints one line each,
#                                      NAME BASE_URL (coord, s1, s2)
#   scripts/pg-shards.sh urls DIR      the same lines for clusters that run
#   scripts/pg-shards.sh stop DIR      stops the three and removes DIR
#
# Then, by hand (a database of each; jiuzhu init creates them):
#   jiuzhu init ${coord}city --shard s1=${s1}city --shard s2=${s2}city
#   jiuzhu import ${coord}city city.jsonl; jiuzhu assess --db ${coord}city
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PGSH=(bash "$here/pg.sh")
names=(coord s1 s2)

usage() {
  echo "用法 / usage: scripts/pg-shards.sh start|urls|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
dir=$2

case $1 in
  start)
    if [ -e "$dir" ] && [ -n "$(ls -A -- "$dir")" ]; then
      echo "scripts/pg-shards.sh: $dir 已存在且不是空目录 / $dir exists and is not empty" >&2
      exit 1
    fi
    mkdir -p -- "$dir"
    chmod 0755 "$dir"
    for n in "${names[@]}"; do
      if ! url=$("${PGSH[@]}" start "$dir/$n" | tail -1); then
        for m in "${names[@]}"; do "${PGSH[@]}" destroy "$dir/$m" >/dev/null 2>&1 || true; done
        exit 1
      fi
      echo "$n $url"
    done
    ;;
  urls)
    for n in "${names[@]}"; do echo "$n $("${PGSH[@]}" url "$dir/$n" "")"; done
    ;;
  stop)
    for n in "${names[@]}"; do "${PGSH[@]}" destroy "$dir/$n"; done
    rmdir -- "$dir" 2>/dev/null || true
    ;;
  *) usage ;;
esac
