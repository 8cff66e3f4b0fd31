#!/usr/bin/env bash
# A coordinator PostgreSQL over two shards (docs/scaling.md "Beyond one
# machine"), on three clusters of its own (scripts/pg-shards.sh): a
# generated city's counties are spread over the shards at their first
# write, imported through the coordinator, each shard holds its counties'
# rows and not the other's; the city is reassessed through the coordinator
# and its statistics are byte for byte those of the same file on one
# PostgreSQL server and in SQLite; a household moves to a county of the
# other shard and takes its rows along; a case is accepted and stepped,
# its log entries landing on its county's shard; a third shard is added
# and the next new county goes to it; the audit log verifies through the
# coordinator.  Skipped (77) without PostgreSQL 15
# and its postgres_fdw.
. "$(dirname "$0")/lib.sh"

PG_BIN=${JZ_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PG_BIN/postgres" ] || ! "$PG_BIN/postgres" --version | grep -q ' 15\.'; then
  echo "skipped: PostgreSQL 15 is not installed ($PG_BIN)"
  exit 77
fi
if [ ! -f "$("$PG_BIN/pg_config" --sharedir)/extension/postgres_fdw.control" ]; then
  echo "skipped: postgres_fdw is not installed beside PostgreSQL 15"
  exit 77
fi
PSQL=("$PG_BIN/psql" -X -A -t -q)
DIR=$(mktemp -d /tmp/jz-shards-XXXXXX)
rmdir "$DIR"
trap 'bash "$SRC/scripts/pg-shards.sh" stop "$DIR" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
bash "$SRC/scripts/pg-shards.sh" start "$DIR" >"$TMP/urls" 2>"$TMP/start.err" || {
  cat "$TMP/start.err" >&2
  bad "three clusters"
  finish
  exit 1
}
url_of() { sed -n "s/^$1 //p" "$TMP/urls"; }
C=$(url_of coord)city
S1=$(url_of s1)city
S2=$(url_of s2)city
ONE=$(url_of coord)one
export JIUZHU_AUDIT_KEY_DIR=$TMP/keys
mkdir -p "$TMP/keys"
# The reports of a database named by URL go to the current directory.
JZ=$(realpath "$JZ")
cd "$TMP"
on() { "${PSQL[@]}" "$1" -c "$2" 2>&1; }

"$JZ" gen --households 1500 --seed 5 --region 1401 "$TMP/city.jsonl" >/dev/null 2>&1

# ---- init: two shards, two counties placed by hand, the rest at first write --------------
expect_status 2 "$JZ" init "$C" --shard s1
expect_status 2 "$JZ" init "$C" --shard S1="$S1"
expect_grep "$TMP/err" '分片名称' "a shard's name is checked"
expect_status 2 "$JZ" init "$C" --shard s1="$S1" --place 140105=s9
expect_status 0 "$JZ" init "$C" --shard s1="$S1" --shard s2="$S2" --place 140105=s1 --place 140106=s2
expect_grep "$TMP/out" '已创建协调库.*分片 2 个：s1、s2；预先放置的县 2 个' "init reports the shards"
# A shard is no store of its own; a coordinator is not made twice.
expect_status 2 "$JZ" stats "$S1"
expect_grep "$TMP/err" '分片数据库' "a shard opened as a store is refused"
expect_status 1 "$JZ" init "$C" --shard s1="$(url_of s1)other"
t=$(on "$C" "SELECT count(*) FROM pg_foreign_server WHERE srvoptions @> ARRAY['async_capable=true']")
if [ "$t" = 2 ]; then ok; else bad "two async_capable foreign servers: $t"; fi

# ---- import through the coordinator ---------------------------------------------------------
expect_status 0 "$JZ" import "$C" "$TMP/city.jsonl"
expect_grep "$TMP/err" '入库 1500 户，拒绝 0 条' "the city imported"
on "$C" "SELECT county || ' ' || server FROM county_shards ORDER BY county" >"$TMP/placed"
expect_grep "$TMP/placed" '^140105 s1$' "140105 placed on s1 by hand"
expect_grep "$TMP/placed" '^140106 s2$' "140106 placed on s2 by hand"
n1=$(grep -c ' s1$' "$TMP/placed")
n2=$(grep -c ' s2$' "$TMP/placed")
if [ "$n1" -ge 4 ] && [ "$n2" -ge 4 ] && [ $((n1 + n2)) -ge 10 ]; then ok; else bad "counties spread: s1 $n1, s2 $n2"; cat "$TMP/placed" >&2; fi
# The reference: the same file in SQLite.
expect_status 0 "$JZ" init "$TMP/ref.db"
expect_status 0 "$JZ" import "$TMP/ref.db" "$TMP/city.jsonl"
# Each shard: its counties' households and members, all of them; the other's not there.
while read -r county server; do
  want=$(sqlite3 "$TMP/ref.db" "SELECT count(*) FROM households WHERE county = '$county'")
  wantm=$(sqlite3 "$TMP/ref.db" "SELECT count(*) FROM members m JOIN households h USING(hh) WHERE h.county = '$county'")
  if [ "$server" = s1 ]; then here=$S1 there=$S2; else here=$S2 there=$S1; fi
  got=$(on "$here" "SELECT count(*) FROM households_$county")
  gotm=$(on "$here" "SELECT count(*) FROM members_$county")
  if [ "$got" = "$want" ] && [ "$gotm" = "$wantm" ] && [ "$want" -gt 0 ]; then ok; else
    bad "$county on $server: $got households, $gotm members (SQLite: $want, $wantm)"; fi
  other=$(on "$there" "SELECT to_regclass('households_$county') IS NULL")
  if [ "$other" = t ]; then ok; else bad "$county also on the other shard"; fi
done <"$TMP/placed"
# Nothing of a county on the coordinator itself: its partitions are foreign.
t=$(on "$C" "SELECT count(*) FROM pg_class WHERE relname LIKE 'households_14%' AND relkind = 'f'")
if [ "$t" = "$(wc -l <"$TMP/placed")" ]; then ok; else bad "foreign partitions: $t"; fi
t=$(on "$C" "SELECT count(*) FROM households_default")
if [ "$t" = 0 ]; then ok; else bad "households_default holds $t"; fi

# ---- reassessment and statistics: the coordinator, one server, SQLite -------------------------
expect_status 0 "$JZ" assess --db "$C"
expect_grep "$TMP/out" '共 1500 户' "reassessed through the coordinator"
expect_status 0 "$JZ" init "$ONE"
expect_status 0 "$JZ" import "$ONE" "$TMP/city.jsonl"
expect_status 0 "$JZ" assess --db "$ONE"
expect_status 0 "$JZ" assess --db "$TMP/ref.db"
"$JZ" stats "$C" >"$TMP/st.coord" 2>&1
"$JZ" stats "$ONE" >"$TMP/st.one" 2>&1
"$JZ" stats "$TMP/ref.db" >"$TMP/st.lite" 2>&1
if cmp -s "$TMP/st.coord" "$TMP/st.one" && cmp -s "$TMP/st.one" "$TMP/st.lite" && grep -q 140106 "$TMP/st.coord"; then ok; else
  bad "stats differ"; diff "$TMP/st.coord" "$TMP/st.lite" | head -10 >&2; fi
t=$(on "$S2" "SELECT count(*) FROM determinations_140106")
want=$(sqlite3 "$TMP/ref.db" "SELECT count(*) FROM determinations WHERE county = '140106'")
if [ "$t" = "$want" ] && [ "$t" -gt 0 ]; then ok; else bad "determinations of 140106 on s2: $t ($want)"; fi

# ---- a household moves to a county of the other shard -----------------------------------------
mover=$(grep -m1 '"household_id":"H140105-' "$TMP/city.jsonl" | sed 's/"region":"140105[0-9]*"/"region":"140106001001"/')
hid=$(printf '%s' "$mover" | grep -o '"household_id":"[^"]*"' | cut -d'"' -f4)
printf '%s\n' "$mover" >"$TMP/move.jsonl"
expect_status 0 "$JZ" import "$C" "$TMP/move.jsonl"
expect_status 0 "$JZ" import "$TMP/ref.db" "$TMP/move.jsonl"
t=$(on "$S1" "SELECT count(*) FROM households_140105 WHERE household_id = '$hid'")
u=$(on "$S2" "SELECT h.version || ' ' || (SELECT count(*) FROM household_records_140106 r WHERE r.hh = h.hh)
  || ' ' || (SELECT count(*) FROM household_record_history_140106 r WHERE r.hh = h.hh)
  || ' ' || (SELECT count(*) FROM determinations_140106 r WHERE r.hh = h.hh)
  FROM households_140106 h WHERE household_id = '$hid'")
if [ "$t" = 0 ] && [ "$u" = "2 1 1 1" ]; then ok; else bad "moved household: s1 $t, s2 '$u'"; fi
expect_status 0 "$JZ" assess --db "$C"
expect_status 0 "$JZ" assess --db "$TMP/ref.db"
"$JZ" stats "$C" >"$TMP/st.coord" 2>&1
"$JZ" stats "$TMP/ref.db" >"$TMP/st.lite" 2>&1
if cmp -s "$TMP/st.coord" "$TMP/st.lite"; then ok; else bad "stats differ after the move"; diff "$TMP/st.coord" "$TMP/st.lite" | head >&2; fi

# ---- schema 8 to 9 (one row per household) through the coordinator -----------------------------
# Each server taken back to schema 8 by hand (its persons' results in
# person_results tables again, the coordinator's foreign partitions of them
# on the shards); the next command that writes migrates the shards, then
# the coordinator, and finds every household unchanged.
for s in "$S1" "$S2"; do
  on "$s" "DO \$\$ DECLARE t text; c text; BEGIN
    FOR t IN SELECT relname FROM pg_class WHERE relname ~ '^determinations(_[0-9]{6})?\$'
      AND relkind = 'r' LOOP
      c := regexp_replace(t, '^determinations', 'person_results');
      EXECUTE format('CREATE TABLE %I (hh bigint NOT NULL, idx bigint NOT NULL,
        county text NOT NULL, categories bigint NOT NULL, care_level bigint NOT NULL,
        monthly_amount bigint NOT NULL, single_rule bigint NOT NULL, tmp_rule bigint NOT NULL,
        tmp_amount bigint NOT NULL, referrals bigint NOT NULL, death_check_due bigint NOT NULL,
        death_change_from bigint NOT NULL, PRIMARY KEY(county, hh, idx))', c);
      EXECUTE format('INSERT INTO %I SELECT d.hh, f[1], d.county, f[2], f[3], f[4], f[5], f[6],
        f[7], f[8], f[9], f[10] FROM %I d, unnest(string_to_array(d.persons, '';'')) p,
        LATERAL (SELECT string_to_array(p, '','')::bigint[] AS f) x', c, t);
      EXECUTE format('ALTER TABLE %I DROP COLUMN persons, DROP COLUMN tekun,
        DROP COLUMN tekun_amount, DROP COLUMN single, DROP COLUMN single_amount,
        DROP COLUMN units_amount', t);
    END LOOP; END \$\$; UPDATE meta SET value = '8' WHERE key = 'schema_version'" >/dev/null
done
on "$C" "CREATE TABLE person_results(hh bigint NOT NULL, idx bigint NOT NULL,
  county text NOT NULL, categories bigint NOT NULL, care_level bigint NOT NULL,
  monthly_amount bigint NOT NULL, single_rule bigint NOT NULL, tmp_rule bigint NOT NULL,
  tmp_amount bigint NOT NULL, referrals bigint NOT NULL, death_check_due bigint NOT NULL,
  death_change_from bigint NOT NULL) PARTITION BY LIST (county);
  CREATE TABLE person_results_default PARTITION OF person_results DEFAULT;
  DO \$\$ DECLARE k record; BEGIN FOR k IN SELECT county, server FROM county_shards LOOP
    EXECUTE format('CREATE FOREIGN TABLE %I PARTITION OF person_results FOR VALUES IN (%L)
      SERVER %I OPTIONS (table_name %L)', 'person_results_' || k.county, k.county, k.server,
      'person_results_' || k.county);
  END LOOP; END \$\$;
  ALTER TABLE determinations DROP COLUMN persons, DROP COLUMN tekun, DROP COLUMN tekun_amount,
    DROP COLUMN single, DROP COLUMN single_amount, DROP COLUMN units_amount;
  UPDATE meta SET value = '8' WHERE key = 'schema_version'" >/dev/null
t=$(on "$C" "SELECT count(*) FROM person_results")
[ "$t" -gt 0 ] && ok || bad "schema 8 through the coordinator: $t person rows"
expect_status 1 "$JZ" stats "$C"
expect_grep "$TMP/err" '结构版本 8 比本程序（10）旧' "a coordinator of schema 8 read-only asks for a write"
expect_status 0 "$JZ" assess --db "$C"
expect_grep "$TMP/out" '写入 0 户，1500 户结论未变' "migrated through the coordinator, nothing changed"
for s in "$C" "$S1" "$S2"; do
  t=$(on "$s" "SELECT (SELECT value FROM meta WHERE key = 'schema_version')
    || ' ' || (SELECT count(*) FROM pg_class WHERE relname LIKE 'person\_results%')")
  [ "$t" = "10 0" ] && ok || bad "a server after the migration: version and person tables '$t'"
done
"$JZ" stats "$C" >"$TMP/st.coord" 2>&1
if cmp -s "$TMP/st.coord" "$TMP/st.lite"; then ok; else bad "stats differ after the migration"; diff "$TMP/st.coord" "$TMP/st.lite" | head >&2; fi

# ---- a case, stepped through the coordinator ---------------------------------------------------
case_hh=$(grep -o '"household_id":"H140106-[^"]*"' "$TMP/city.jsonl" | sed -n 2p | cut -d'"' -f4)
expect_status 0 "$JZ" case accept "$C" "$case_hh" --date 2025-06-03 --note 申请低保
expect_grep "$TMP/out" "已受理：案件 1，户 $case_hh" "accepted"
expect_status 0 "$JZ" case investigate "$C" 1 --date 2025-06-04
expect_status 0 "$JZ" case verify "$C" 1 --date 2025-06-05
expect_status 0 "$JZ" case preliminary "$C" 1 --date 2025-06-06
expect_grep "$TMP/out" '乡镇初审' "preliminary"
t=$(on "$C" "SELECT county || ' ' || state FROM cases WHERE case_id = 1")
case $t in "140106 "[1-9]*) ok ;; *) bad "the case on the coordinator: $t" ;; esac
on "$S2" "SELECT action FROM audit_140106 WHERE entity = 'case:1' ORDER BY seq" >"$TMP/case.log"
expect_grep "$TMP/case.log" '^case.accept$' "the case's log on its county's shard"
expect_grep "$TMP/case.log" '^case.preliminary$' "every step logged there"
t=$(on "$S1" "SELECT count(*) FROM pg_class WHERE relname = 'audit_140106'")
if [ "$t" = 0 ]; then ok; else bad "audit_140106 on s1"; fi
# The log is append-only on the shard too.
t=$(on "$S2" "DELETE FROM audit_140106")
case $t in *审计日志只能追加*) ok ;; *) bad "a shard's audit table let a row go: $t" ;; esac

# ---- a month's payments and a department's feed, against SQLite -------------------------------
# (pay_lines: one line per unit and period, by the shards' unique indexes;
# feed_rows: a row once.)
for db in "$C" "$TMP/ref.db"; do
  "$JZ" pay plan "$db" --period 2025-07 >"$TMP/plan1" 2>&1
  "$JZ" pay plan "$db" --period 2025-07 >"$TMP/plan2" 2>&1
  "$JZ" gen --households 1500 --seed 5 --region 1401 --format feeds "$TMP/feeds" --force >/dev/null 2>&1
  "$JZ" feed import "$db" health "$TMP/feeds/health.csv" >"$TMP/feed1" 2>&1
  "$JZ" feed import "$db" health "$TMP/feeds/health.csv" >"$TMP/feed2" 2>&1
  sed 's/报告：.*//' "$TMP/plan1" "$TMP/plan2" "$TMP/feed1" "$TMP/feed2" >"$TMP/pay.$([ "$db" = "$C" ] && echo coord || echo lite)"
done
if cmp -s "$TMP/pay.coord" "$TMP/pay.lite" && grep -q '新增正常发放 [1-9]' "$TMP/pay.coord" &&
   grep -q '新增 0 行' "$TMP/pay.coord"; then ok; else bad "payments or feed differ"; diff "$TMP/pay.coord" "$TMP/pay.lite" >&2; fi

# ---- a third shard: new counties go to it ------------------------------------------------------
S3=$(url_of s2)city3
expect_status 0 "$JZ" init "$C" --add-shard s3="$S3"
expect_grep "$TMP/out" '已加入分片 s3' "a shard added"
expect_status 2 "$JZ" init "$C" --add-shard s3="$S3"
expect_status 2 "$JZ" init "$ONE" --add-shard s4="$(url_of s2)city4"
expect_grep "$TMP/err" '不是协调库' "a shard is added to a coordinator only"
"$JZ" gen --households 20 --seed 9 --region 1402 "$TMP/new.jsonl" >/dev/null 2>&1
expect_status 0 "$JZ" import "$C" "$TMP/new.jsonl"
t=$(on "$C" "SELECT string_agg(DISTINCT server, ' ') FROM county_shards WHERE county LIKE '1402%'")
u=0
for tb in $(on "$S3" "SELECT relname FROM pg_class WHERE relname LIKE 'households_1402%' AND relkind = 'r'"); do
  u=$((u + $(on "$S3" "SELECT count(*) FROM $tb")))
done
if [ "$t" = s3 ] && [ "$u" = 20 ]; then ok; else bad "new counties on the new shard: '$t', $u households"; fi

# ---- the audit log, through the coordinator ----------------------------------------------------
expect_status 0 "$JZ" audit verify "$C"
expect_grep "$TMP/out" '审计日志完好' "audit verify through the coordinator"
finish
