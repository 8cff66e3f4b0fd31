#!/bin/bash
# Schema 10: a determination's run and parameters are one key, (run, pv) to
# param_values(run, pv), in place of a key each to runs and param_values;
# on PostgreSQL, a case's and an enrolment's household key refers to the
# households' directory (household_ids) instead of the partitioned
# households.
# A store of schema 9 is migrated when a command that writes opens it: its
# determinations are kept as they were (a reassessment right after finds
# every household unchanged, the audit log verifies), and from then on a
# determination whose run is not its parameters' run is refused by the
# database itself.  On SQLite and (pg.integration.test_migrate10) on
# PostgreSQL.
. "$(dirname "$0")/lib.sh"

DB=$(test_db reg.db)
expect_status 0 "$JZ" gen --households 200 --seed 7 --date 2025-06-01 "$TMP/hh.jsonl"
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" import "$DB" "$TMP/hh.jsonl"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '写入 200 户' "the first assessment writes every household"

dets() {
  db_sql "$DB" "SELECT h.household_id, d.run, d.pv, d.category, d.monthly_amount, d.persons,
      d.record_version FROM determinations d JOIN households h
    ON h.county = d.county AND h.hh = d.hh ORDER BY 1"
}
# The keys of determinations: "run,pv>param_values(run,pv)" and the like.
det_keys() {
  if on_sqlite; then
    db_sql "$DB" "SELECT group_concat(f, ' ') FROM (SELECT k.\"table\" || ':' || group_concat(k.\"from\", ',')
        || '>' || group_concat(k.\"to\", ',') AS f FROM pragma_foreign_key_list('determinations') k
        WHERE k.\"table\" <> 'households' GROUP BY k.id ORDER BY f)"
  else
    db_sql "$DB" "SELECT string_agg(conname, ' ' ORDER BY conname) FROM pg_constraint
      WHERE conrelid = 'determinations'::regclass AND contype = 'f'"
  fi
}
dets >"$TMP/dets-before.txt"
[ "$(wc -l <"$TMP/dets-before.txt")" = 200 ] && ok || bad "200 determinations stored"
if on_sqlite; then
  [ "$(det_keys)" = "param_values:run,pv>run,pv" ] && ok || bad "a new store's key: $(det_keys)"
else
  [ "$(det_keys)" = "determinations_run_pv_fkey" ] && ok || bad "a new store's key: $(det_keys)"
fi
expect_status 0 "$JZ" stats "$DB"
cp "$TMP/out" "$TMP/stats-before.txt"

migrated_before=$(migration_entries "$DB" 10)

# Back to schema 9 by hand: the two keys of before, the version set back.
if on_sqlite; then
  python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
sql = db.execute("SELECT sql FROM sqlite_schema WHERE name = 'determinations'").fetchone()[0]
sql = sql.replace("run INTEGER NOT NULL,", "run INTEGER NOT NULL REFERENCES runs(run),")
sql = sql.replace("pv INTEGER NOT NULL,", "pv INTEGER NOT NULL REFERENCES param_values(pv),")
sql = sql.replace(",  FOREIGN KEY(run, pv) REFERENCES param_values(run, pv))", ")")
assert "FOREIGN KEY(run, pv)" not in sql and "REFERENCES runs(run)" in sql, sql
db.executescript("PRAGMA writable_schema = ON;")
db.execute("UPDATE sqlite_schema SET sql = ? WHERE name = 'determinations'", (sql,))
db.execute("DROP INDEX param_values_run_pv")
db.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
db.commit()
PY
else
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<'SQL'
ALTER TABLE determinations DROP CONSTRAINT determinations_run_pv_fkey,
  ADD CONSTRAINT determinations_run_fkey FOREIGN KEY (run) REFERENCES runs(run),
  ADD CONSTRAINT determinations_pv_fkey FOREIGN KEY (pv) REFERENCES param_values(pv);
ALTER TABLE param_values DROP CONSTRAINT param_values_run_pv_key;
ALTER TABLE cases DROP CONSTRAINT cases_county_hh_fkey, ADD CONSTRAINT cases_county_hh_fkey
  FOREIGN KEY (county, hh) REFERENCES households(county, hh) ON UPDATE CASCADE;
ALTER TABLE enrolments DROP CONSTRAINT enrolments_county_hh_fkey,
  ADD CONSTRAINT enrolments_county_hh_fkey
  FOREIGN KEY (county, hh) REFERENCES households(county, hh) ON UPDATE CASCADE;
UPDATE meta SET value = '9' WHERE key = 'schema_version';
SQL
fi
# PostgreSQL: what a case's and an enrolment's household key refers to.
hh_keys() {
  db_sql "$DB" "SELECT string_agg(conrelid::regclass || '>' || confrelid::regclass, ' '
    ORDER BY conrelid::regclass::text) FROM pg_constraint
    WHERE conname IN ('cases_county_hh_fkey', 'enrolments_county_hh_fkey')"
}
if on_pg; then
  [ "$(hh_keys)" = "cases>households enrolments>households" ] && ok ||
    bad "schema 9's household keys: $(hh_keys)"
fi
if on_sqlite; then
  [ "$(det_keys)" = "param_values:pv>pv runs:run>run" ] && ok || bad "schema 9's keys: $(det_keys)"
else
  [ "$(det_keys)" = "determinations_pv_fkey determinations_run_fkey" ] && ok ||
    bad "schema 9's keys: $(det_keys)"
fi

# Read-only, it is not migrated, and says what to do.
expect_status 1 "$JZ" stats "$DB"
expect_grep "$TMP/err" '结构版本 9 比本程序（10）旧，只读打开时不能升级' \
  "a read of schema 9 asks for a write first"

# A reassessment opens it for writing: migrated, every household unchanged.
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '写入 0 户，200 户结论未变' "after the migration nothing has changed"
[ "$(db_sql "$DB" "SELECT value FROM meta WHERE key = 'schema_version'")" = 10 ] && ok ||
  bad "the schema version is not 10"
if on_sqlite; then
  [ "$(det_keys)" = "param_values:run,pv>run,pv" ] && ok || bad "the migrated key: $(det_keys)"
else
  [ "$(det_keys)" = "determinations_run_pv_fkey" ] && ok || bad "the migrated key: $(det_keys)"
  # Every county's partition has it (PostgreSQL clones a parent's key).
  n=$(db_sql "$DB" "SELECT count(*) FROM pg_constraint WHERE contype = 'f'
    AND conrelid::regclass::text LIKE 'determinations\_%' AND conname LIKE '%run%'")
  parts=$(db_sql "$DB" "SELECT count(*) FROM pg_inherits WHERE inhparent = 'determinations'::regclass")
  [ "$n" = "$parts" ] && ok || bad "$n of $parts partitions have the key"
  # Cases and enrolments refer to the households' directory, a plain table
  # (a key to the partitioned households locks every partition per row).
  [ "$(hh_keys)" = "cases>household_ids enrolments>household_ids" ] && ok ||
    bad "the migrated household keys: $(hh_keys)"
fi
dets >"$TMP/dets-after.txt"
if cmp -s "$TMP/dets-before.txt" "$TMP/dets-after.txt"; then ok; else
  bad "the determinations differ: $(diff "$TMP/dets-before.txt" "$TMP/dets-after.txt" | head -3)"; fi
expect_status 0 "$JZ" stats "$DB"
if cmp -s "$TMP/stats-before.txt" "$TMP/out"; then ok; else
  bad "the statistics differ after the migration: $(diff "$TMP/stats-before.txt" "$TMP/out" | head -3)"; fi
[ "$(migration_entries "$DB" 10)" = $((migrated_before + 1)) ] && ok ||
  bad "the migration's audit entry ($migrated_before before, $(migration_entries "$DB" 10) after)"
expect_status 0 "$JZ" audit verify "$DB"
expect_data_verified "$TMP/out" "the data verifies after the migration"

# The key refuses a determination whose run is not its parameters' run (a
# run of no parameters, and another run's parameters), and a later
# reassessment (a new run, its own parameters) writes under it.
hh=$(db_sql "$DB" "SELECT min(hh) FROM determinations")
if on_sqlite; then
  refuse() { sqlite3 -batch -bail "$DB" "PRAGMA foreign_keys = ON; $1" >/dev/null 2>"$TMP/refused"; }
else
  refuse() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "$1" >/dev/null 2>"$TMP/refused"; }
fi
if refuse "UPDATE determinations SET run = run + 1000 WHERE hh = $hh"; then
  bad "a determination of a run that has no such parameters was stored"
else
  grep -qi 'foreign key' "$TMP/refused" && ok || bad "refused, but not by the key: $(cat "$TMP/refused")"
fi
expect_status 0 "$JZ" assess --db "$DB" --date 2025-07-01
expect_grep "$TMP/out" '写入 [1-9][0-9]* 户' "a later run writes under the key"
other=$(db_sql "$DB" "SELECT min(pv) FROM param_values WHERE run <> (SELECT max(run) FROM runs)")
if refuse "UPDATE determinations SET pv = $other WHERE run = (SELECT max(run) FROM runs) AND hh = (SELECT min(hh) FROM determinations WHERE run = (SELECT max(run) FROM runs))"; then
  bad "a determination with another run's parameters was stored"
else
  grep -qi 'foreign key' "$TMP/refused" && ok || bad "refused, but not by the key: $(cat "$TMP/refused")"
fi
expect_status 0 "$JZ" audit verify "$DB"
expect_data_verified "$TMP/out" "nothing the key refused was written"

finish
