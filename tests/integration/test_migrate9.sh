#!/bin/bash
# Schema 9 (issue 17, one row per household): a store of schema 8, whose
# persons' results are rows of their own in person_results, is migrated
# when a command that writes opens it.  The persons' results move into
# their determinations' rows, each as jiuzhu itself would write it: a
# reassessment right after finds every household unchanged, and the
# statistics and each household's determination read the same as before.
# A command that only reads says the store must be opened for writing
# first.  On SQLite and (pg.integration.test_migrate9) on PostgreSQL.
. "$(dirname "$0")/lib.sh"

DB=$(test_db reg.db)
expect_status 0 "$JZ" gen --households 300 --seed 5 --date 2025-06-01 "$TMP/hh.jsonl"
expect_status 0 "$JZ" init "$DB"
expect_status 0 "$JZ" import "$DB" "$TMP/hh.jsonl"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '写入 300 户' "the first assessment writes every household"

persons() {
  db_sql "$DB" "SELECT h.household_id, d.persons, d.tekun, d.tekun_amount, d.single,
      d.single_amount, d.units_amount
    FROM determinations d JOIN households h ON h.county = d.county AND h.hh = d.hh ORDER BY 1"
}
persons >"$TMP/persons-before.txt"
# Households whose persons' results are kept: some with a 特困 or 单人保
# person of their own, some with other persons' results only.
ids=$(db_sql "$DB" "SELECT h.household_id FROM determinations d JOIN households h
  ON h.county = d.county AND h.hh = d.hh WHERE d.persons <> '' ORDER BY d.units_amount DESC,
  h.household_id LIMIT 4")
[ "$(echo "$ids" | wc -w)" -eq 4 ] && ok || bad "four households keep persons' results"
expect_status 0 "$JZ" stats "$DB"
cp "$TMP/out" "$TMP/stats-before.txt"
grep -q '特困' "$TMP/stats-before.txt" && ok || bad "the statistics count 特困 persons"
for id in $ids; do
  expect_status 0 "$JZ" show "$DB" "$id"
  cp "$TMP/out" "$TMP/show-$id-before.txt"
done

migrated_before=$(migration_entries "$DB" 9)

# Back to schema 8 by hand: person_results made again from the rows, the
# columns of schema 9 dropped, the version set back.
if on_sqlite; then
  python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE person_results(hh INTEGER NOT NULL REFERENCES households(hh) ON DELETE CASCADE,
  idx INTEGER NOT NULL, county TEXT NOT NULL, categories INTEGER NOT NULL,
  care_level INTEGER NOT NULL, monthly_amount INTEGER NOT NULL, single_rule INTEGER NOT NULL,
  tmp_rule INTEGER NOT NULL, tmp_amount INTEGER NOT NULL, referrals INTEGER NOT NULL,
  death_check_due INTEGER NOT NULL, death_change_from INTEGER NOT NULL,
  PRIMARY KEY(hh, idx)) STRICT, WITHOUT ROWID;""")
rows = []
for hh, county, persons in db.execute("SELECT hh, county, persons FROM determinations"):
    for p in filter(None, persons.split(";")):
        f = [int(x) for x in p.split(",")]
        rows.append((hh, f[0], county, *f[1:]))
db.executemany("INSERT INTO person_results VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", rows)
for c in ("persons", "tekun", "tekun_amount", "single", "single_amount", "units_amount"):
    db.execute("ALTER TABLE determinations DROP COLUMN " + c)
db.execute("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
db.commit()
PY
else
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<'SQL'
CREATE TABLE person_results(hh bigint NOT NULL, idx bigint NOT NULL, county text NOT NULL,
  categories bigint NOT NULL, care_level bigint NOT NULL, monthly_amount bigint NOT NULL,
  single_rule bigint NOT NULL, tmp_rule bigint NOT NULL, tmp_amount bigint NOT NULL,
  referrals bigint NOT NULL, death_check_due bigint NOT NULL, death_change_from bigint NOT NULL,
  PRIMARY KEY(county, hh, idx)) PARTITION BY LIST (county);
CREATE TABLE person_results_default PARTITION OF person_results DEFAULT;
DO $$ DECLARE c text; BEGIN
  FOR c IN SELECT DISTINCT county FROM determinations LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF person_results FOR VALUES IN (%L)',
      'person_results_' || c, c);
    EXECUTE format('ALTER TABLE %I ADD FOREIGN KEY (county, hh) REFERENCES %I(county, hh)
      ON DELETE CASCADE', 'person_results_' || c, 'households_' || c);
  END LOOP; END $$;
INSERT INTO person_results SELECT d.hh, f[1], d.county, f[2], f[3], f[4], f[5], f[6], f[7],
  f[8], f[9], f[10]
  FROM determinations d, unnest(string_to_array(d.persons, ';')) p,
  LATERAL (SELECT string_to_array(p, ',')::bigint[] AS f) x WHERE d.persons <> '';
ALTER TABLE determinations DROP COLUMN persons, DROP COLUMN tekun, DROP COLUMN tekun_amount,
  DROP COLUMN single, DROP COLUMN single_amount, DROP COLUMN units_amount;
UPDATE meta SET value = '8' WHERE key = 'schema_version';
SQL
fi
n=$(db_sql "$DB" "SELECT count(*) FROM person_results")
[ "$n" -gt 4 ] && ok || bad "the store of schema 8 has person rows ($n)"

# Read-only, it is not migrated, and says what to do.
expect_status 1 "$JZ" stats "$DB"
expect_grep "$TMP/err" '结构版本 8 比本程序（10）旧，只读打开时不能升级' \
  "a read of schema 8 asks for a write first"

# A reassessment opens it for writing: migrated, then every household found
# unchanged (the moved rows are what jiuzhu writes, to the digest).
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '写入 0 户，300 户结论未变' "after the migration nothing has changed"
if on_sqlite; then
  n=$(db_sql "$DB" "SELECT count(*) FROM sqlite_schema WHERE name = 'person_results'")
else
  n=$(db_sql "$DB" "SELECT count(*) FROM pg_class WHERE relname LIKE 'person\_results%'")
fi
[ "$n" = 0 ] && ok || bad "person_results is still there ($n)"
# (Every step after 8 runs: the store ends at this build's version.)
[ "$(db_sql "$DB" "SELECT value FROM meta WHERE key = 'schema_version'")" = 10 ] && ok ||
  bad "the schema version is not 10"
persons >"$TMP/persons-after.txt"
if cmp -s "$TMP/persons-before.txt" "$TMP/persons-after.txt"; then ok; else
  bad "the persons moved differ: $(diff "$TMP/persons-before.txt" "$TMP/persons-after.txt" | head -3)"; fi
expect_status 0 "$JZ" stats "$DB"
if cmp -s "$TMP/stats-before.txt" "$TMP/out"; then ok; else
  bad "the statistics differ after the migration: $(diff "$TMP/stats-before.txt" "$TMP/out" | head -3)"; fi
for id in $ids; do
  expect_status 0 "$JZ" show "$DB" "$id"
  if cmp -s "$TMP/show-$id-before.txt" "$TMP/out"; then ok; else
    bad "$id reads otherwise after the migration: $(diff "$TMP/show-$id-before.txt" "$TMP/out" | head -3)"; fi
done
# The migration is in the audit log, which verifies.
[ "$(migration_entries "$DB" 9)" = $((migrated_before + 1)) ] && ok ||
  bad "the migration's audit entry ($migrated_before before, $(migration_entries "$DB" 9) after)"
expect_status 0 "$JZ" audit verify "$DB"

# A new county after the migration gets its partitions (PostgreSQL) and
# its determinations with their persons.
expect_status 0 "$JZ" gen --households 20 --seed 6 --region 140802 --date 2025-06-01 "$TMP/more.jsonl"
expect_status 0 "$JZ" import "$DB" "$TMP/more.jsonl"
expect_status 0 "$JZ" assess --db "$DB" --date 2025-06-01
expect_grep "$TMP/out" '写入 20 户，300 户结论未变' "the new county's households are written"

finish
