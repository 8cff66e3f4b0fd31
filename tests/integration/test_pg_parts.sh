#!/usr/bin/env bash
# A county's partitions on PostgreSQL are made by group, when a row of the
# group is first written (jz__pg_county_parts, docs/scaling.md): an import
# makes the partitions of the households and of the tables that refer to
# them, not those of payments or feeds; a payment run makes pay_lines'.
# Nothing of a county ever lands in a DEFAULT partition: not after an
# import, a reassessment, a payment run, nor after a household moved to a
# county whose partitions did not exist yet (its rows, cases and enrolments
# follow it into the new county's partitions).  Each county's household
# tables are keyed to its own households (jz_household_keys): a row of no
# household is refused there as it was by the keys on the parents.
# `jiuzhu init` uses a key file already there and leaves nothing behind
# when the key cannot be had or the database is refused.
# Skipped (77) without
# JZ_TEST_PG (scripts/test.sh sets it).
. "$(dirname "$0")/lib.sh"

if [ -z "${JZ_TEST_PG:-}" ]; then
  echo "skipped: JZ_TEST_PG is not set (scripts/test.sh starts a PostgreSQL cluster)"
  exit 77
fi
export JIUZHU_AUDIT_KEY_DIR=$TMP/keys
mkdir -p "$TMP/keys"
base=${JZ_TEST_PG%/}/
PGDB=jz_parts_$$
URL=$base$PGDB
cleanup() {
  psql -X -q "${base}postgres" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1
  psql -X -q "${base}postgres" -c "DROP DATABASE IF EXISTS ${PGDB}_init WITH (FORCE)" >/dev/null 2>&1
  [ -n "${JZ_KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
q() { psql -X -A -t -v ON_ERROR_STOP=1 "$URL" -c "$1"; }
exists() { [ "$(q "SELECT to_regclass('$1') IS NOT NULL")" = t ]; }
# No row in any DEFAULT partition but the audit log's (entries of no county).
defaults_empty() { # WHAT
  local t n
  for t in households household_records members determinations \
    household_record_history feed_rows alerts pay_lines; do
    n=$(q "SELECT count(*) FROM ${t}_default")
    if [ "$n" = 0 ]; then ok; else bad "$1: $n rows in ${t}_default"; fi
  done
}

expect_status 0 "$JZ" gen --households 300 --seed 7 --region 140902 "$TMP/a.jsonl"
expect_status 0 "$JZ" init "$URL"
expect_status 0 "$JZ" import --report "$TMP/a.csv" "$URL" "$TMP/a.jsonl"
expect_grep "$TMP/err" '入库 300 户' "300 households imported"
for t in households household_records members determinations household_record_history; do
  if exists "${t}_140902"; then ok; else bad "the import made no partition ${t}_140902"; fi
done
for t in pay_lines feed_rows; do
  if exists "${t}_140902"; then bad "the import made ${t}_140902, which it does not write"; else ok; fi
done
n=$(q "SELECT count(*) FROM households_140902")
if [ "$n" = 300 ]; then ok; else bad "households_140902 holds $n, not 300"; fi
defaults_empty "after the import"
# The county's household tables are keyed to its households, and so are the
# DEFAULT partitions: a record, a member, a determination of no household
# is refused, through the parent or the partition.
for t in household_records members determinations household_record_history; do
  for c in 140902 default; do
    n=$(q "SELECT count(*) FROM pg_constraint WHERE conname = '${t}_${c}_household' AND contype = 'f'")
    if [ "$n" = 1 ]; then ok; else bad "${t}_${c} has no key to its households ($n)"; fi
  done
done
if q "INSERT INTO household_records VALUES(999999999, '140902', '{}', 'test', 'now')" >/dev/null 2>&1; then
  bad "a record of no household was stored in household_records_140902"
else ok; fi
if q "INSERT INTO household_records_default VALUES(999999999, '', '{}', 'test', 'now')" >/dev/null 2>&1; then
  bad "a record of no household was stored in household_records_default"
else ok; fi
hh1=$(q "SELECT hh FROM households_140902 ORDER BY hh LIMIT 1")
if q "INSERT INTO household_records VALUES($hh1, '140105', '{}', 'test', 'now')" >/dev/null 2>&1; then
  bad "a record was stored in another county than its household's"
else ok; fi

# Reassessed: the determinations go to the county's partitions.
expect_status 0 "$JZ" assess --db "$URL"
n=$(q "SELECT count(*) FROM determinations_140902")
if [ "$n" = 300 ]; then ok; else bad "determinations_140902 holds $n, not 300"; fi
defaults_empty "after assess --db"

# A payment run makes pay_lines' partition, and its lines go there.
expect_status 0 "$JZ" pay plan "$URL" --period 2025-07
if exists pay_lines_140902; then ok; else bad "pay plan made no partition pay_lines_140902"; fi
n=$(q "SELECT count(*) FROM pay_lines_140902")
if [ "$n" -gt 0 ]; then ok; else bad "pay_lines_140902 is empty after pay plan"; fi
if exists feed_rows_140902; then bad "pay plan made feed_rows_140902"; else ok; fi
defaults_empty "after pay plan"

# A household moves to 140105, a county of which nothing was written yet:
# the county's partitions are made, and the household's rows (its record,
# members, determination with its persons' results, older versions) move
# into them.
if exists households_140105; then bad "households_140105 before anything of 140105"; else ok; fi
# (A household the import enrolled: its enrolments move too.)
hid=$(q "SELECT household_id FROM enrolments ORDER BY enrolment LIMIT 1")
if [ -n "$hid" ]; then ok; else bad "the import enrolled no household to move"; fi
jq -c --arg h "$hid" 'select(.household_id == $h)' "$TMP/a.jsonl" >"$TMP/one.jsonl"
nm=$(jq '.members | length' "$TMP/one.jsonl")
npr=$(q "SELECT d.persons FROM determinations d JOIN household_ids i ON i.county = d.county
  AND i.hh = d.hh WHERE i.household_id = '$hid'")
jq -c '.region = "140105001012"' "$TMP/one.jsonl" >"$TMP/moved.jsonl"
expect_status 0 "$JZ" import --report "$TMP/b.csv" "$URL" "$TMP/moved.jsonl"
n=$(q "SELECT count(*) FROM households_140105 WHERE household_id = '$hid'")
if [ "$n" = 1 ]; then ok; else bad "the moved household is not in households_140105 ($n)"; fi
n=$(q "SELECT count(*) FROM members_140105")
if [ "$n" = "$nm" ]; then ok; else bad "members_140105 holds $n, not the household's $nm"; fi
for t in household_records determinations household_record_history; do
  n=$(q "SELECT count(*) FROM ${t}_140105")
  if [ "$n" = 1 ]; then ok; else bad "${t}_140105 holds $n rows, not the moved household's 1"; fi
done
n=$(q "SELECT persons FROM determinations_140105")
if [ "$n" = "$npr" ] && [ -n "$n" ]; then ok; else bad "the moved determination keeps persons '$n', not the household's '$npr'"; fi
for t in households household_records members determinations; do
  n=$(q "SELECT count(*) FROM ${t}_140902 WHERE hh = (SELECT hh FROM household_ids WHERE household_id = '$hid')")
  if [ "$n" = 0 ]; then ok; else bad "${t}_140902 still holds $n rows of the moved household"; fi
done
n=$(q "SELECT count(*) FROM enrolments WHERE household_id = '$hid' AND county <> '140105'")
if [ "$n" = 0 ]; then ok; else bad "$n enrolments of the moved household stayed in its old county"; fi
n=$(q "SELECT count(*) FROM enrolments WHERE household_id = '$hid' AND county = '140105'")
if [ "$n" -gt 0 ]; then ok; else bad "no enrolment of the moved household is in its new county"; fi
n=$(q "SELECT county FROM household_ids WHERE household_id = '$hid'")
if [ "$n" = 140105 ]; then ok; else bad "the directory places the moved household in $n"; fi
n=$(q "SELECT count(*) FROM households_140902")
if [ "$n" = 299 ]; then ok; else bad "households_140902 holds $n, not 299"; fi
defaults_empty "after the move"
expect_status 0 "$JZ" assess --db "$URL"
# A reassessment replaces the stored determinations in place (staging
# table, one upsert): a household that lost a member since keeps no
# person's result beyond its members, and has this run's determination, the
# only one the run writes (the others did not change).
beyond() { # the persons' results of persons past their household's members
  q "SELECT count(*) FROM determinations d JOIN households h ON h.county = d.county
    AND h.hh = d.hh, unnest(string_to_array(d.persons, ';')) p
    WHERE split_part(p, ',', 1)::int >= h.n_members"
}
hid2=$(q "SELECT h.household_id FROM households h JOIN determinations d ON d.county = h.county
  AND d.hh = h.hh, unnest(string_to_array(d.persons, ';')) p
  WHERE split_part(p, ',', 1)::int = h.n_members - 1 AND h.n_members >= 2 AND h.county = '140902'
  ORDER BY h.hh LIMIT 1")
if [ -n "$hid2" ]; then ok; else bad "no household whose last member has a person's result"; fi
jq -c --arg h "$hid2" 'select(.household_id == $h) | .members |= .[0:-1]' "$TMP/a.jsonl" >"$TMP/shrunk.jsonl"
expect_status 0 "$JZ" import --report "$TMP/c.csv" "$URL" "$TMP/shrunk.jsonl"
n=$(beyond)
if [ "$n" -gt 0 ]; then ok; else bad "the stored determination has no person past the shrunk household's members"; fi
expect_status 0 "$JZ" assess --db "$URL"
n=$(beyond)
if [ "$n" = 0 ]; then ok; else bad "$n persons' results beyond their household's members after the reassessment"; fi
n=$(q "SELECT count(*) FROM determinations d JOIN household_ids i ON i.county = d.county
  AND i.hh = d.hh WHERE d.run = (SELECT max(run) FROM runs) AND i.household_id = '$hid2'")
if [ "$n" = 1 ]; then ok; else bad "the shrunk household's determination is not the last run's"; fi
n=$(q "SELECT count(*) FROM determinations WHERE run = (SELECT max(run) FROM runs)")
if [ "$n" = 1 ]; then ok; else bad "the last run wrote $n determinations, not the one that changed"; fi
n=$(q "SELECT count(*) FROM determinations")
if [ "$n" = 300 ]; then ok; else bad "$n determinations after the reassessment, not 300"; fi
expect_status 0 "$JZ" audit verify "$URL"
expect_grep "$TMP/out" '审计日志完好' "the log verifies"

# ---- jiuzhu init and the audit key ---------------------------------------------------------
# A key file that is already there (one the deployment provides through
# JIUZHU_AUDIT_KEY, or one left by a database of the same name since
# dropped) is used, as SQLite's init does; a key that cannot be had leaves
# no table behind, and a database that is refused keeps no key made for it.
IDB=${PGDB}_init
IURL=$base$IDB
dropi() { psql -X -q "${base}postgres" -c "DROP DATABASE IF EXISTS $IDB WITH (FORCE)" >/dev/null 2>&1; }
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$TMP/given.key"
echo >>"$TMP/given.key"
sum=$(md5sum <"$TMP/given.key")
JIUZHU_AUDIT_KEY=$TMP/given.key expect_status 0 "$JZ" init "$IURL"
[ "$(md5sum <"$TMP/given.key")" = "$sum" ] && ok || bad "init rewrote the key it was given"
JIUZHU_AUDIT_KEY=$TMP/given.key expect_status 0 "$JZ" audit verify "$IURL"
expect_grep "$TMP/out" '审计日志完好' "the new store's log verifies under the key given"
dropi
JIUZHU_AUDIT_KEY=$TMP/given.key expect_status 0 "$JZ" init "$IURL"
dropi
# Made at the default place, then the database dropped and made again: the
# key left there is used.
expect_status 0 "$JZ" init "$IURL"
dropi
expect_status 0 "$JZ" init "$IURL"
expect_status 0 "$JZ" audit verify "$IURL"
dropi
echo 'not a key' >"$TMP/bad.key"
JIUZHU_AUDIT_KEY=$TMP/bad.key expect_status 1 "$JZ" init "$IURL"
expect_grep "$TMP/err" "$TMP/bad.key" "the refusal names the key file"
expect_grep "$TMP/err" '审计密钥文件格式不对' "and says what is wrong with it"
n=$(psql -X -A -t "$IURL" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" 2>/dev/null || echo none)
if [ "$n" = 0 ] || [ "$n" = none ]; then ok; else bad "$n tables left by an init refused for its key"; fi
JIUZHU_AUDIT_KEY=$TMP/given.key expect_status 0 "$JZ" init "$IURL"
dropi
psql -X -q "${base}postgres" -c "CREATE DATABASE $IDB" && psql -X -q "$IURL" -c "CREATE TABLE theirs(a int)"
rm -f "$TMP/keys/$IDB@"*
expect_status 1 "$JZ" init "$IURL"
expect_grep "$TMP/err" '不是空库' "a database with tables of its own is refused"
if ls "$TMP/keys/$IDB@"* >/dev/null 2>&1; then bad "a key was left for the database refused"; else ok; fi
dropi
finish
