#!/usr/bin/env bash
# The snapshot cache (docs/registry.md "The snapshot cache"): a run keeps
# the region's snapshot in a file, the next run reads it from there while
# the registry is as it was, and gives the same answers; a household
# changed through jiuzhu makes the next run read the store again; a
# damaged file, or one of another store, is never used.
. "$(dirname "$0")/lib.sh"
DB=$(test_db reg.db)
FRESH=$(test_db fresh.db)

"$JZ" gen --households 300 --seed 17 --region 1409 --date 2025-06-01 "$TMP/hh.jsonl" 2>/dev/null
expect_status 0 "$JZ" init "$DB"
"$JZ" import "$DB" "$TMP/hh.jsonl" >/dev/null 2>&1

# The table a run prints, without its last line (the times).
table() { grep -v '^共 ' "$TMP/out"; }
# The cache's file of the whole registry.
if on_sqlite; then
  cache_dir=$DB-snapshots
  cache_all=$cache_dir/all.snap
else
  cache_dir=$XDG_CACHE_HOME/jiuzhu
  cache_all="" # named by a digest of the URL: found after the first run
fi

expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_no_grep "$TMP/out" '快照取自缓存' "the first run reads the store"
table >"$TMP/first"
if on_pg; then cache_all=$(ls "$cache_dir"/pg-*-all.snap 2>/dev/null | head -1); fi
if [ -n "$cache_all" ] && [ -f "$cache_all" ]; then ok; else bad "no cache file in $cache_dir: $(ls -la "$cache_dir" 2>&1)"; fi
# It holds ID numbers: its owner's alone.
expect_grep <(stat -c '%a' "$cache_all") '^600$' "the cache file is its owner's alone"
expect_grep <(stat -c '%a' "$cache_dir") '^700$' "and so is its directory"

expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '读取 [0-9.]* 秒（快照取自缓存）' "the next run reads the cache"
expect_grep "$TMP/out" '写入 0 户，300 户结论未变' "and finds every determination as it was"
if table | cmp -s - "$TMP/first"; then ok; else bad "the cached run's table differs from the first"; fi
JIUZHU_SNAPSHOT_CACHE=off expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_no_grep "$TMP/out" '快照取自缓存' "JIUZHU_SNAPSHOT_CACHE=off reads the store"
if table | cmp -s - "$TMP/first"; then ok; else bad "the run without the cache differs"; fi

# A county's run keeps its own file, beside the whole registry's.
county=$(db_sql "$DB" "SELECT county FROM households GROUP BY county ORDER BY count(*) DESC, county LIMIT 1")
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --region "$county" --dry-run
expect_no_grep "$TMP/out" '快照取自缓存' "a county's first run reads the store"
table >"$TMP/county"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --region "$county" --dry-run
expect_grep "$TMP/out" '快照取自缓存' "its next run reads its cache"
if table | cmp -s - "$TMP/county"; then ok; else bad "the county's cached run differs"; fi
expect_grep <(ls "$cache_dir") "$county" "the county's file is there"

# A household paid now changed through jiuzhu (its first member earns much more): the
# next run reads the store again, writes that household, and stores what a
# fresh database assessed without any cache stores.
hid=$(db_sql "$DB" "SELECT h.household_id FROM determinations d JOIN households h
    ON h.hh = d.hh AND h.county = d.county WHERE d.monthly_amount > 0 ORDER BY 1 LIMIT 1")
grep -F "\"$hid\"" "$TMP/hh.jsonl" | head -1 >"$TMP/one.jsonl"
# The household's first member's wage set to $1 (yuan) in one.jsonl.
set_wage() {
  python3 - "$TMP/one.jsonl" "$1" <<'EOF'
import json, sys
p = sys.argv[1]
h = json.loads(open(p, encoding="utf-8").read())
m = h["members"][0]
m["income"] = [i for i in m.get("income", []) if i["kind"] != "wage"]
m["income"].append({"kind": "wage", "amount": sys.argv[2]})
open(p, "w", encoding="utf-8").write(json.dumps(h, ensure_ascii=False) + "\n")
EOF
}
set_wage 900000.00
expect_status 0 "$JZ" import "$DB" "$TMP/one.jsonl"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
# The log of recent puts names it: that household alone is read again.
expect_grep "$TMP/out" '快照取自缓存，其中 1 户已更新' "after a change the cache is brought up to date"
expect_grep "$TMP/out" '写入 1 户，299 户结论未变' "and writes the changed household"
table >"$TMP/after"
if cmp -s "$TMP/after" "$TMP/first"; then bad "the change changed nothing in the table"; else ok; fi
expect_status 0 "$JZ" init "$FRESH"
"$JZ" import "$FRESH" "$TMP/hh.jsonl" >/dev/null 2>&1
"$JZ" import "$FRESH" "$TMP/one.jsonl" >/dev/null 2>&1
JIUZHU_SNAPSHOT_CACHE=off expect_status 0 "$JZ" assess --db "$FRESH" --date 2025-06-01
if table | cmp -s - "$TMP/after"; then ok; else bad "the fresh database's table differs"; fi
det() {
  db_sql "$1" "SELECT d.category, d.monthly_amount, d.income FROM determinations d JOIN households h
    ON h.hh = d.hh AND h.county = d.county WHERE h.household_id = '$hid'"
}
if [ "$(det "$DB")" = "$(det "$FRESH")" ] && [ -n "$(det "$DB")" ]; then ok; else
  bad "the changed household: $(det "$DB") stored, a fresh database $(det "$FRESH")"
fi
# The county's file was made before the change: not used as it was.
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --region "$county" --dry-run
expect_no_grep "$TMP/out" '快照取自缓存）' "the county's old file is not used as it was after the change"
table >"$TMP/county2"
JIUZHU_SNAPSHOT_CACHE=off expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --region "$county" --dry-run
if table | cmp -s - "$TMP/county2"; then ok; else bad "the county's updated run differs from one without the cache"; fi

# A new household (of another city): added to the cache in its place.
"$JZ" gen --households 1 --seed 19 --region 1401 --date 2025-06-01 "$TMP/new.jsonl" 2>/dev/null
expect_status 0 "$JZ" import "$DB" "$TMP/new.jsonl"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --dry-run
expect_grep "$TMP/out" '快照取自缓存，其中 1 户已更新' "a new household is added to the cache"
expect_grep "$TMP/out" '^共 301 户' "the registry has 301 households"
table >"$TMP/after"
JIUZHU_SNAPSHOT_CACHE=off expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --dry-run
if table | cmp -s - "$TMP/after"; then ok; else bad "with the new household, the cache's run differs"; fi
# The county's file does not take it (it is of another city).
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --region "$county" --dry-run
expect_grep "$TMP/out" '快照取自缓存' "the county's file is brought up to date (none of it in the county)"
if table | cmp -s - "$TMP/county2"; then ok; else bad "the county's run changed with another city's household"; fi

# A what-if over the registry reads the cache the last run left.
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --param dibao.standard.rural=900
expect_grep "$TMP/out" '快照取自缓存' "a what-if reads the cache"
grep -v '^共 ' "$TMP/out" >"$TMP/whatif"
JIUZHU_SNAPSHOT_CACHE=off expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 \
  --param dibao.standard.rural=900
if table | cmp -s - "$TMP/whatif"; then ok; else bad "the what-if without the cache differs"; fi

# The stored results a what-if compares with are kept beside the snapshot.
whatif() { expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --param dibao.standard.rural=900; }
# Its table against the same what-if without any cache.
same_without_cache() {
  table >"$TMP/whatif"
  JIUZHU_SNAPSHOT_CACHE=off expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 \
    --param dibao.standard.rural=900
  if table | cmp -s - "$TMP/whatif"; then ok; else bad "$1: the what-if without the cache differs"; fi
}
whatif
expect_grep "$TMP/out" '已存结果取自缓存）' "the next what-if takes the stored results from the cache"
same_without_cache "stored results from the cache"
# A household put since (its first member's wage changed again): its stored
# result is read again, the others' are kept.
set_wage 800000.00
expect_status 0 "$JZ" import "$DB" "$TMP/one.jsonl"
whatif
expect_grep "$TMP/out" '已存结果取自缓存，其中 1 户已更新' "after a put the stored results are brought up to date"
same_without_cache "after a put"
# A new household (none stored for it) among them.
"$JZ" gen --households 1 --seed 20 --region 1402 --date 2025-06-01 "$TMP/new2.jsonl" 2>/dev/null
expect_status 0 "$JZ" import "$DB" "$TMP/new2.jsonl"
whatif
expect_grep "$TMP/out" '已存结果取自缓存，其中 1 户已更新' "a new household is added to the stored results"
expect_grep "$TMP/out" '^合计 .* 302 ' "over 302 households"
same_without_cache "with a new household"
# An official run writes determinations (the changed household's, the two
# new ones): the results' chain has a gap, so the stored results are read
# from the store whole.
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '写入 [1-9][0-9]* 户' "the official run writes determinations"
whatif
expect_no_grep "$TMP/out" '已存结果取自缓存' "after an official run the stored results are read again"
same_without_cache "after an official run"
whatif
expect_grep "$TMP/out" '已存结果取自缓存）' "and kept for the next what-if"
# What the registry's runs print from here on.
JIUZHU_SNAPSHOT_CACHE=off expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --dry-run
table >"$TMP/after"

# A damaged file (cut short, as a full disk might leave it) is not used, and
# is made again.
truncate -s 5000 "$cache_all"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_no_grep "$TMP/out" '快照取自缓存' "a file cut short is not used"
if table | cmp -s - "$TMP/after"; then ok; else bad "the run after a damaged cache differs"; fi
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '快照取自缓存' "it is made again"
# A file of another store in its place (the fresh database's, whose data
# differ by nothing but its history) is not used.
if on_sqlite; then
  "$JZ" assess --db "$FRESH" --date 2025-06-01 >/dev/null 2>&1
  cp "$FRESH-snapshots/all.snap" "$cache_all"
  expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
  expect_no_grep "$TMP/out" '快照取自缓存' "another store's file is not used"
else
  echo "# the PostgreSQL run skips placing another store's file: its name is a digest of the URL"
fi
# More households put at once than the log of recent puts keeps (4,096):
# the next run builds the cache whole, and answers as a run without it.
"$JZ" gen --households 4100 --seed 18 --region 1401 --date 2025-06-01 "$TMP/more.jsonl" 2>/dev/null
expect_status 0 "$JZ" import "$DB" "$TMP/more.jsonl"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --dry-run
expect_no_grep "$TMP/out" '快照取自缓存' "after 4,100 households put at once the cache is built whole"
expect_grep "$TMP/out" '^共 4401 户' "with every household"
table >"$TMP/big"
JIUZHU_SNAPSHOT_CACHE=off expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --dry-run
if table | cmp -s - "$TMP/big"; then ok; else bad "the run built whole differs from one without the cache"; fi
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01 --dry-run
expect_grep "$TMP/out" '快照取自缓存）' "and is used as it is by the next run"

# Flags of a person (a byte the header does not describe) changed in the
# file: the tag still matches, so the file is trusted; what protects it is
# that nobody but its owner may write it (checked above).

# JIUZHU_SNAPSHOT_CACHE names another directory for every store.
mkdir -p "$TMP/elsewhere"
JIUZHU_SNAPSHOT_CACHE=$TMP/elsewhere expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
JIUZHU_SNAPSHOT_CACHE=$TMP/elsewhere expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '快照取自缓存' "a cache in JIUZHU_SNAPSHOT_CACHE's directory is used"
expect_grep <(ls "$TMP/elsewhere") '\.snap$' "its file is there"

expect_status 0 "$JZ" audit verify "$DB"
finish
