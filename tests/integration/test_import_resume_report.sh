#!/usr/bin/env bash
# An import killed (kill -9) after some batches and then resumed reports
# every household it refused, those refused before the kill too, and counts
# them right: the refusals are kept in the database with their batches
# (import_rejections), and the report is written from there at the end.
. "$(dirname "$0")/lib.sh"
N=30000
GEN=()
# PostgreSQL imports slower and makes a county's partitions at its first
# household: fewer households, of one city's counties, still many batches
# between the early refusals and the late ones.
if on_pg; then
  N=4000
  GEN=(--region 1401)
fi
"$JZ" gen --households $N --seed 12 "${GEN[@]}" "$TMP/big.jsonl" 2>/dev/null
# Six households refused (an area that does not exist): three early, within
# the batches committed before the kill, three near the end.
BAD="5 50 500 $((N - 300)) $((N - 30)) $((N - 3))"
awk -v bad="$BAD" 'BEGIN { n = split(bad, a, " "); for (i = 1; i <= n; i++) b[a[i]] = 1 }
  { if (NR in b) sub(/"area":"[a-z]*"/, "\"area\":\"moon\""); print }' \
  "$TMP/big.jsonl" >"$TMP/mixed.jsonl"
ids=()
for l in $BAD; do
  ids+=("$(sed -n "${l}p" "$TMP/mixed.jsonl" | grep -o '"household_id":"[^"]*"' | cut -d'"' -f4)")
done
[ "$(grep -c '"area":"moon"' "$TMP/mixed.jsonl")" -eq 6 ] && ok || bad "the test file has not six bad lines"

DB=$(test_db reg.db)
"$JZ" init "$DB" >/dev/null
"$JZ" import --batch 100 "$DB" "$TMP/mixed.jsonl" >/dev/null 2>"$TMP/killed.err" &
pid=$!
# Kill it once the batches holding the three early refusals are committed.
done_lines=0
for _ in $(seq 1 2000); do
  done_lines=$(db_sql "$DB" 'SELECT coalesce(max(lines_done), 0) FROM imports' 2>/dev/null || echo 0)
  [ "${done_lines:-0}" -ge 1000 ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.01
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
wait_db_idle "$DB"
done_lines=$(db_sql "$DB" 'SELECT lines_done FROM imports')
finished=$(db_sql "$DB" 'SELECT count(*) FROM imports WHERE finished_at IS NOT NULL')
echo "killed with $done_lines lines committed" >&2
[ "$done_lines" -ge 1000 ] && [ "$done_lines" -lt $((N - 300)) ] && [ "$finished" -eq 0 ] && ok ||
  bad "the import was not killed between the early and the late refusals ($done_lines lines, finished $finished)"
# The refusals of the committed batches are in the database, none beyond.
kept=$(db_sql "$DB" "SELECT count(*) FROM import_rejections")
[ "$kept" -eq 3 ] && ok || bad "refusals kept after the kill: $kept, wanted 3"

expect_status 1 "$JZ" import --batch 100 "$DB" "$TMP/mixed.jsonl"
expect_grep "$TMP/err" '继续' "the second run resumes"
expect_grep "$TMP/err" "入库 $((N - 6)) 户，拒绝 6 条（其中 3 条在上次中断前已被拒绝）" \
  "the summary counts every refusal, those before the kill too"
REPORT=$(beside_db "$DB" .import-report.csv)
rows=$(($(wc -l <"$REPORT") - 1))
[ "$rows" -eq 6 ] && ok || bad "report rows: $rows, wanted 6"
for id in "${ids[@]}"; do
  expect_grep "$REPORT" "$id" "the report lists $id"
done
# In the order of the file, with the line of each.
lines=$(tail -n +2 "$REPORT" | cut -d, -f2 | tr -d '"' | tr '\n' ' ')
[ "$lines" = "$BAD " ] && ok || bad "report lines: '$lines', wanted '$BAD '"
counts=$(db_sql "$DB" 'SELECT stored, rejected, CASE WHEN finished_at IS NOT NULL THEN 1 ELSE 0 END FROM imports')
[ "$counts" = "$((N - 6))|6|1" ] && ok || bad "imports row: $counts"
[ "$(db_sql "$DB" 'SELECT count(*) FROM households')" -eq $((N - 6)) ] && ok || bad "households stored"

# A run of the same import that finds nothing new still reports the same:
# a new import of the (unchanged) file is a new import, refusing the six again.
expect_status 1 "$JZ" import --batch 100 "$DB" "$TMP/mixed.jsonl"
expect_grep "$TMP/err" "拒绝 6 条；" "a re-import refuses the six again"
rows=$(($(wc -l <"$REPORT") - 1))
[ "$rows" -eq 6 ] && ok || bad "re-import report rows: $rows, wanted 6"
finish
