#!/usr/bin/env bash
# bench_monitor.sh - dynamic monitoring at provincial scale, beside its SQL
# peer (issue: "Matching 5,000,000 feed rows against a registry of 1,000,000
# generated households and raising the alerts, in at most 10 seconds ... the
# same match written as a SQL join over the same SQLite database as the peer,
# with the ratio reported").
#
#   bench/bench_monitor.sh [--households N] [--feed-rows K] [--jiuzhu PATH] [--keep]
#
# 1. jiuzhu gen: N households (seed 9) and their feeds with planted signals
#    (--feed-rows K noise rows per household at most; K=10 gives about
#    5,100,000 rows for 1,000,000 households);
# 2. jiuzhu import and jiuzhu feed import (timed, not part of the target);
# 3. jiuzhu monitor run --date 2025-06-01: the target (wall time), and the
#    check that the alerts are the planted signals (their number, and their
#    set by indicator, category and person);
# 4. the peer: one SQL query joining every feed row to the registry by ID
#    number, grouping by person and finding the people whose out-of-pocket
#    medical costs in the 12 months reach the threshold (the medical_spike
#    indicator), run by the sqlite3 shell on the same database with a 256 MiB
#    page cache; it must find as many as jiuzhu's medical_spike alerts.
# Prints the figures and jiuzhu's time divided by the peer's.  Exits 0 whether
# or not the target is met (it prints PASS or FAIL).
set -euo pipefail

households=1000000
rows=10
jz="$(dirname "$0")/../build-rel/jiuzhu"
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
  --households) households=$2; shift 2 ;;
  --feed-rows) rows=$2; shift 2 ;;
  --jiuzhu) jz=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  *) echo "usage: $0 [--households N] [--feed-rows K] [--jiuzhu PATH] [--keep]" >&2; exit 2 ;;
  esac
done
[ -x "$jz" ] || { echo "bench_monitor: no jiuzhu at $jz (build Release: cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel -j2)" >&2; exit 2; }
dir=$(mktemp -d /tmp/jiuzhu-monitor-XXXXXX)
[ "$keep" = 1 ] || trap 'rm -rf "$dir"' EXIT

now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.3f", a - b }'; }

echo "bench_monitor: $households households, up to $rows noise rows each; $(nproc) cores; $("$jz" --version)"
t=$(now)
"$jz" gen --households "$households" --seed 9 "$dir/reg.jsonl" 2>/dev/null
"$jz" gen --households "$households" --seed 9 --format feeds --feed-rows "$rows" "$dir/feeds" 2>"$dir/gen.txt"
printf '(1) jiuzhu gen, registry and feeds:      %8.2f s   %s\n' "$(since "$t")" "$(grep -o '部门数据 [0-9]* 行' "$dir/gen.txt")"
"$jz" init "$dir/m.db" >/dev/null
t=$(now)
"$jz" import "$dir/m.db" "$dir/reg.jsonl" 2>/dev/null
printf '(2) jiuzhu import, registry:              %8.2f s\n' "$(since "$t")"
t=$(now)
for f in "$dir"/feeds/*.csv; do
  d=$(basename "$f" .csv)
  [ "$d" = planted ] && continue
  "$jz" feed import "$dir/m.db" "$d" "$f" 2>/dev/null
done
printf '(3) jiuzhu feed import, all departments: %8.2f s   %s rows stored\n' "$(since "$t")" \
  "$(sqlite3 "$dir/m.db" 'SELECT count(*) FROM feed_rows')"

t=$(now)
"$jz" monitor run "$dir/m.db" --date 2025-06-01 >"$dir/run.txt"
mon=$(since "$t")
# Monitoring's alerts (the import's for recipients no longer eligible,
# indicator 24, are not planted).
alerts=$(sqlite3 "$dir/m.db" 'SELECT count(*) FROM alerts WHERE indicator <> 24')
planted=$(($(wc -l <"$dir/feeds/planted.csv") - 1))
printf '(4) jiuzhu monitor run:                  %8.2f s   %s alerts, %s signals planted\n' "$mon" "$alerts" "$planted"

names="medical_spike earner_death unstable_income disaster_loss severe_disability serious_illness school_entry recipient_death property vehicle business payroll imprisoned no_premium complex double_enrolment deposits union_hardship veteran_hardship marital_change housing_fund pension pension_contribution traffic_accident"
sqlite3 "$dir/m.db" "SELECT indicator, category, id_number FROM alerts WHERE indicator <> 24" |
  awk -F'|' -v names="$names" 'BEGIN { split(names, n, " ") }
    { printf "%s,%s,%s\n", n[$1 + 1], substr("ABCD", $2 + 1, 1), $3 }' | sort >"$dir/found.txt"
tail -n +2 "$dir/feeds/planted.csv" | sort >"$dir/planted.txt"
if cmp -s "$dir/found.txt" "$dir/planted.txt"; then
  same="the alerts are exactly the planted signals"
else
  same="the alerts DIFFER from the planted signals ($(diff "$dir/planted.txt" "$dir/found.txt" | grep -c '^[<>]') lines)"
fi

threshold=$(grep -A2 '"monitor.medical.threshold"' "$(dirname "$0")/../policy/params/00-defaults.json" | grep -o '"[0-9]*\.[0-9]*"' | tr -d '".')
peer_sql="PRAGMA cache_size = -262144;
SELECT count(*) FROM (
  SELECT f.id_number, h.household_id, h.current_programme, sum(f.amount) AS spent
  FROM feed_rows f
  LEFT JOIN members m ON m.id_number = f.id_number
  LEFT JOIN households h ON h.hh = m.hh
  WHERE f.event = 0 AND f.on_date > 20240601 AND f.on_date <= 20250601
  GROUP BY f.id_number)
WHERE spent >= $threshold;"
t=$(now)
peer_found=$(sqlite3 "$dir/m.db" "$peer_sql" | tail -1)
peer=$(since "$t")
ours=$(grep -c '^medical_spike,' "$dir/found.txt" || true)
printf '(5) peer: the SQL join (medical costs):   %8.2f s   %s people over the threshold (jiuzhu: %s)\n' "$peer" "$peer_found" "$ours"

echo
ratio=$(awk -v a="$mon" -v b="$peer" 'BEGIN { printf "%.2f", a / b }')
verdict=$(awk -v a="$mon" 'BEGIN { print (a <= 10) ? 1 : 0 }')
printf 'target: monitor run <= 10 s: %.2f s %s\n' "$mon" "$([ "$verdict" = 1 ] && echo PASS || echo FAIL)"
echo "check:  $same"
echo "peer:   jiuzhu monitor run / peer = $ratio (jiuzhu evaluates every indicator and writes the alerts; the peer one indicator, read only)"
[ "$peer_found" = "$ours" ] && echo "peer:   the peer and jiuzhu find the same number of medical_spike people" ||
  echo "peer:   the peer and jiuzhu DIFFER on medical_spike ($peer_found vs $ours)"
