/*
 * pg_schema.c - the PostgreSQL backend's schema and its partitions.
 *
 * The tables are the SQLite backend's (store_sqlite.c), in PostgreSQL's
 * types (every integer bigint, text, bytea), at the same schema version:
 * a PostgreSQL store starts at JZ_STORE_SCHEMA_VERSION, and each later
 * version is one step in both backends.
 *
 * The large tables (jz__pg_partitioned) are partitioned by county (LIST on
 * the six-digit code), with the county leading every primary key, unique
 * constraint and foreign key among them, so that each county's rows can
 * live on another server (postgres_fdw, or Citus with county as the
 * distribution column: docs/scaling.md).  A county's partitions are
 * created the first time a row of it is written into a table of their
 * group (jz__pg_county_parts, store_pg.c; jz_county_partitions() makes
 * all of a county's at once); rows of no county (county '') go to a
 * DEFAULT partition.  What must be unique across counties is kept in plain
 * directory tables: household_ids (a household ID names one household),
 * person_ids (R-HH-3: a person belongs to one household), feed_digests
 * and alert_keys (a department's row, an alert, once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_int.h"

const char *const jz__pg_partitioned[] = {"households",
                                          "household_records",
                                          "members",
                                          "determinations",
                                          "household_record_history",
                                          "feed_rows",
                                          "alerts",
                                          "pay_lines",
                                          "audit",
                                          NULL};

/* The audit log's queue (pg_audit.c), in a store made at version 8 by a
 * build before it: added when such a store is opened (add_audit_queue). */
#define AUDIT_QUEUE_SQL                                                                            \
    "CREATE TABLE IF NOT EXISTS audit_queue(id bigserial PRIMARY KEY, entries text[] NOT NULL,"    \
    " tag bytea NOT NULL)"

/* The storage clause of a county's table t (in the functions that make
 * them): the determinations half filled, so that a reassessment's update
 * stays on its page (jz_county_partitions; as jz__pg_county_parts makes
 * them, store_pg.c). */
#define HALF_FILLED "CASE WHEN t = 'determinations' THEN ' WITH (fillfactor = 50)' ELSE '' END"

/* The persons' results a determination's row keeps (schema 9: one row per
 * household; store_int.h, jz__persons_pack). */
#define PERSONS_COLUMNS                                                                            \
    " persons text NOT NULL DEFAULT '', tekun bigint NOT NULL DEFAULT 0,"                          \
    " tekun_amount bigint NOT NULL DEFAULT 0, single bigint NOT NULL DEFAULT 0,"                   \
    " single_amount bigint NOT NULL DEFAULT 0, units_amount bigint NOT NULL DEFAULT 0"

/* The county's tables of a household, and of all (the functions below). */
#define HOUSEHOLD_TABLES                                                                           \
    "'household_records', 'members', 'determinations', 'household_record_history'"
#define COUNTY_TABLES                                                                              \
    "'households', 'household_records', 'members', 'determinations',"                              \
    " 'household_record_history', 'feed_rows', 'alerts', 'pay_lines', 'audit'"

/* The keys of a county's household tables to its households (c: the
 * county, or 'default').  Each partition refers to the county's own
 * partition of households, a plain table, not to the partitioned parent:
 * PostgreSQL checks a key row by row with a query on the referenced table,
 * and on a parent of 122 partitions each check is planned anew (most of a
 * bulk COPY's time, docs/scaling.md).  The rows of a household are all in
 * its county's partitions (the county leads every key), so the keys hold
 * the same; a household moving county is copied, then deleted
 * (move_household, pg_registry.c).  A shard keys its county tables the
 * same way. */
#define FN_HOUSEHOLD_KEYS                                                                          \
    "CREATE OR REPLACE FUNCTION jz_household_keys(c text) RETURNS void LANGUAGE plpgsql AS $$"     \
    " DECLARE t text; BEGIN"                                                                       \
    " IF c !~ '^([0-9]{6}|default)$' THEN RAISE EXCEPTION 'county %', c; END IF;"                  \
    " FOREACH t IN ARRAY ARRAY[" HOUSEHOLD_TABLES "] LOOP"                                         \
    "  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = t || '_' || c || '_household')"  \
    "  THEN BEGIN"                                                                                 \
    "   EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (county, hh)"                 \
    "    REFERENCES %I(county, hh) ON DELETE CASCADE', t || '_' || c,"                             \
    "    t || '_' || c || '_household', 'households_' || c);"                                      \
    "  EXCEPTION WHEN duplicate_object THEN NULL; END; END IF;"                                    \
    " END LOOP; END $$"

/* A county's partitions of every partitioned table.  Those of the
 * determinations are filled half (fillfactor 50), so that a
 * reassessment's upsert of a row finds room on its page: an update there
 * needs no new index entry (a HOT update).  Rewriting 100,000 households
 * took 3.2 to 3.5 s against 5.1 to 5.4 s. */
#define FN_COUNTY_PARTITIONS                                                                       \
    "CREATE OR REPLACE FUNCTION jz_county_partitions(c text) RETURNS void LANGUAGE plpgsql AS $$"  \
    " DECLARE t text; BEGIN"                                                                       \
    " IF c !~ '^[0-9]{6}$' THEN RAISE EXCEPTION 'county %', c; END IF;"                            \
    " FOREACH t IN ARRAY ARRAY[" COUNTY_TABLES "] LOOP"                                            \
    "  EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES IN (%L)%s',"       \
    "   t || '_' || c, t, c, " HALF_FILLED ");"                                                    \
    " END LOOP; PERFORM jz_household_keys(c); END $$"

/* A shard's county tables, plain tables (not partitions of the templates):
 * creating them locks nothing another county's writers hold. */
#define FN_SHARD_COUNTY                                                                            \
    "CREATE OR REPLACE FUNCTION jz_shard_county(c text) RETURNS void LANGUAGE plpgsql AS $$"       \
    " DECLARE t text; BEGIN"                                                                       \
    " IF c !~ '^[0-9]{6}$' THEN RAISE EXCEPTION 'county %', c; END IF;"                            \
    " IF to_regclass('households_' || c) IS NOT NULL THEN RETURN; END IF;"                         \
    " FOREACH t IN ARRAY ARRAY[" COUNTY_TABLES "] LOOP"                                            \
    "  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING CONSTRAINTS INCLUDING INDEXES,"          \
    "   CHECK (county = %L))%s', t || '_' || c, t, c, " HALF_FILLED ");"                           \
    " END LOOP; PERFORM jz_household_keys(c);"                                                     \
    " EXECUTE format('CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON %I"                \
    "  FOR EACH ROW EXECUTE FUNCTION jz_audit_frozen()', 'audit_' || c);"                          \
    " END $$"

/* A coordinator's county partitions: foreign tables on the shard that holds
 * the county (pg_shard.c). */
#define FN_COORD_PARTITIONS                                                                        \
    "CREATE OR REPLACE FUNCTION jz_county_partitions(c text, srv text) RETURNS void"               \
    " LANGUAGE plpgsql AS $$ DECLARE t text; BEGIN"                                                \
    " IF c !~ '^[0-9]{6}$' THEN RAISE EXCEPTION 'county %', c; END IF;"                            \
    " FOREACH t IN ARRAY ARRAY[" COUNTY_TABLES "] LOOP"                                            \
    "  EXECUTE format('CREATE FOREIGN TABLE %I PARTITION OF %I FOR VALUES IN (%L)"                 \
    "   SERVER %I OPTIONS (table_name %L)', t || '_' || c, t, c, srv, t || '_' || c);"             \
    " END LOOP; END $$"

/* The names of the key of a determination's run and parameters (schema
 * 10) and of the unique constraint it refers to. */
#define PV_RUN_KEY "param_values_run_pv_key"
#define DET_RUN_KEY "determinations_run_pv_fkey"

/* The current version, whole. */
static const char *const schema_now[] = {
    "CREATE SEQUENCE households_hh_seq",
    "CREATE SEQUENCE runs_run_seq",
    "CREATE SEQUENCE param_values_pv_seq",
    "CREATE SEQUENCE imports_import_seq",
    "CREATE SEQUENCE cases_case_id_seq",
    "CREATE SEQUENCE case_steps_step_seq",
    "CREATE SEQUENCE feeds_feed_seq",
    "CREATE SEQUENCE feed_rows_row_seq",
    "CREATE SEQUENCE alerts_alert_seq",
    "CREATE SEQUENCE alert_steps_step_seq",
    "CREATE SEQUENCE postings_posting_seq",
    "CREATE SEQUENCE grants_grant_id_seq",
    "CREATE SEQUENCE enrolments_enrolment_seq",
    "CREATE SEQUENCE users_user_id_seq",
    "CREATE SEQUENCE sessions_session_id_seq",
    "CREATE SEQUENCE access_log_access_id_seq",
    "CREATE SEQUENCE institutions_institution_seq",
    "CREATE SEQUENCE payees_payee_seq",
    "CREATE SEQUENCE pay_lines_line_seq",
    "CREATE SEQUENCE pay_batches_batch_seq",
    "CREATE SEQUENCE recoveries_recovery_seq",
    "CREATE SEQUENCE repayments_repayment_seq",
    "CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE households(hh bigint NOT NULL DEFAULT nextval('households_hh_seq'),"
    " household_id text NOT NULL, county text NOT NULL, region text NOT NULL,"
    " area bigint NOT NULL, assess_date bigint NOT NULL,"
    " current_programme bigint NOT NULL, current_since bigint NOT NULL,"
    " current_amount bigint NOT NULL, n_members bigint NOT NULL,"
    " version bigint NOT NULL DEFAULT 1, PRIMARY KEY(county, hh), UNIQUE(county,"
    " household_id)) PARTITION BY LIST (county)",
    /* What must be unique across counties: a household ID names one
     * household (household_ids, the households' directory), a person
     * belongs to one (person_ids, below). */
    "CREATE TABLE household_ids(household_id text PRIMARY KEY, county text NOT NULL,"
    " hh bigint NOT NULL)",
    "CREATE UNIQUE INDEX household_ids_key ON household_ids(county, hh)",
    "CREATE TABLE household_records(hh bigint, county text NOT NULL, record text NOT NULL,"
    " source text NOT NULL, updated_at text NOT NULL, PRIMARY KEY(county,"
    " hh)) PARTITION BY LIST (county)",
    "CREATE TABLE members(hh bigint NOT NULL, idx bigint NOT NULL, county text NOT NULL,"
    " id_number text NOT NULL, name text NOT NULL, birth bigint NOT NULL,"
    " deceased bigint NOT NULL, relation bigint NOT NULL, presence bigint NOT NULL,"
    " employment bigint NOT NULL, hardship bigint NOT NULL, disability bigint NOT NULL,"
    " disability_grade bigint NOT NULL, student_level bigint NOT NULL,"
    " self_care_failed bigint NOT NULL, flags bigint NOT NULL,"
    " n_supporters bigint NOT NULL, supporters_unable bigint NOT NULL,"
    " supporter_status bigint NOT NULL, months_without_income bigint NOT NULL,"
    " vehicles bigint NOT NULL, extra_houses bigint NOT NULL, financial bigint NOT NULL,"
    " inc_wage bigint NOT NULL, inc_business_net bigint NOT NULL,"
    " inc_property_net bigint NOT NULL, inc_pension bigint NOT NULL,"
    " inc_unemployment_benefit bigint NOT NULL, inc_alimony bigint NOT NULL,"
    " inc_support_received bigint NOT NULL, inc_support_from_sibling bigint NOT NULL,"
    " inc_support_from_elderly bigint NOT NULL, inc_compensation bigint NOT NULL,"
    " inc_donation bigint NOT NULL, inc_other bigint NOT NULL,"
    " inc_not_counted bigint NOT NULL, exp_medical bigint NOT NULL,"
    " exp_rehab bigint NOT NULL, exp_care bigint NOT NULL, exp_education bigint NOT NULL,"
    " exp_other bigint NOT NULL, current_programme bigint NOT NULL DEFAULT 0,"
    " current_since bigint NOT NULL DEFAULT 0, current_amount bigint NOT NULL DEFAULT 0,"
    " PRIMARY KEY(county, hh, idx)) PARTITION BY LIST (county)",
    "CREATE TABLE runs(run bigint NOT NULL DEFAULT nextval('runs_run_seq') PRIMARY KEY,"
    " county text NOT NULL, started_at text NOT NULL, assess_date bigint NOT NULL,"
    " overrides text NOT NULL)",
    "CREATE TABLE param_values(pv bigint NOT NULL DEFAULT nextval('param_values_pv_seq') PRIMARY "
    "KEY,"
    " run bigint NOT NULL REFERENCES runs(run) ON DELETE CASCADE, county text NOT NULL,"
    " assess_date bigint NOT NULL, params text NOT NULL, UNIQUE(run, county,"
    " assess_date), CONSTRAINT " PV_RUN_KEY " UNIQUE(run, pv))",
    /* A determination's run and parameters: one key (schema 10, to10). */
    "CREATE TABLE determinations(hh bigint, county text NOT NULL,"
    " run bigint NOT NULL, pv bigint NOT NULL, assess_date bigint NOT NULL,"
    " category bigint NOT NULL, causes bigint NOT NULL, monthly_amount bigint NOT NULL,"
    " counted_members bigint NOT NULL, standard bigint NOT NULL, income bigint NOT NULL,"
    " deductible bigint NOT NULL, financial bigint NOT NULL, exit_until bigint NOT NULL,"
    " decisive text NOT NULL, record_version bigint NOT NULL DEFAULT 0," PERSONS_COLUMNS ","
    " PRIMARY KEY(county, hh), CONSTRAINT " DET_RUN_KEY " FOREIGN KEY(run, pv)"
    " REFERENCES param_values(run, pv)) PARTITION BY LIST (county)",
    "CREATE TABLE imports(import bigint NOT NULL DEFAULT nextval('imports_import_seq') PRIMARY KEY,"
    " county text NOT NULL DEFAULT '', path text NOT NULL, size bigint NOT NULL,"
    " mtime bigint NOT NULL, started_at text NOT NULL, finished_at text,"
    " lines_done bigint NOT NULL DEFAULT 0, stored bigint NOT NULL DEFAULT 0,"
    " rejected bigint NOT NULL DEFAULT 0)",
    "CREATE INDEX imports_file ON imports(path, size, mtime)",
    "CREATE TABLE staff(staff_id text PRIMARY KEY, county text NOT NULL,"
    " name text NOT NULL, unit text NOT NULL)",
    "CREATE TABLE staff_relatives(id_number text NOT NULL,"
    " staff_id text NOT NULL REFERENCES staff(staff_id), county text NOT NULL,"
    " name text NOT NULL, relation text NOT NULL, PRIMARY KEY(id_number, staff_id))",
    "CREATE TABLE cases(case_id bigint NOT NULL DEFAULT nextval('cases_case_id_seq') PRIMARY KEY,"
    " county text NOT NULL, hh bigint NOT NULL, region text NOT NULL,"
    " household_id text NOT NULL, applicant_id text NOT NULL,"
    " applicant_name text NOT NULL, members bigint NOT NULL, state bigint NOT NULL,"
    " township_confirms bigint NOT NULL, staff_relative bigint NOT NULL,"
    " home_visited bigint NOT NULL, extended bigint NOT NULL, decision bigint NOT NULL,"
    " objections bigint NOT NULL, accepted_on bigint NOT NULL,"
    " investigated_on bigint NOT NULL, verified_on bigint NOT NULL,"
    " preliminary_on bigint NOT NULL, notice_from bigint NOT NULL,"
    " notice_until bigint NOT NULL, confirmed_on bigint NOT NULL,"
    " decided_on bigint NOT NULL, closed_on bigint NOT NULL,"
    " proposed_category bigint NOT NULL, proposed_persons bigint NOT NULL,"
    " proposed_monthly bigint NOT NULL, first_month text NOT NULL, kind bigint NOT NULL,"
    " programmes bigint NOT NULL, days bigint NOT NULL, extended_days bigint NOT NULL,"
    " notice_days bigint NOT NULL, opinion text NOT NULL DEFAULT '',"
    " judgment text NOT NULL DEFAULT '', due_by bigint NOT NULL DEFAULT 0,"
    " task text NOT NULL DEFAULT '', record_version bigint NOT NULL DEFAULT 0,"
    " FOREIGN KEY(county, hh) REFERENCES household_ids(county, hh) ON UPDATE CASCADE)",
    "CREATE INDEX cases_household ON cases(household_id)",
    "CREATE INDEX cases_region ON cases(region)",
    "CREATE TABLE case_steps(step bigint NOT NULL DEFAULT nextval('case_steps_step_seq') PRIMARY "
    "KEY,"
    " case_id bigint NOT NULL REFERENCES cases(case_id), county text NOT NULL,"
    " action bigint NOT NULL, on_date bigint NOT NULL, actor text NOT NULL,"
    " note text NOT NULL, recorded_at text NOT NULL, deadline bigint NOT NULL DEFAULT 0,"
    " late_days bigint NOT NULL DEFAULT 0)",
    "CREATE INDEX case_steps_case ON case_steps(case_id, step)",
    "CREATE TABLE case_units(case_id bigint NOT NULL REFERENCES cases(case_id),"
    " idx bigint NOT NULL, county text NOT NULL, member bigint NOT NULL,"
    " label text NOT NULL, programme bigint NOT NULL, persons bigint NOT NULL,"
    " monthly bigint NOT NULL, member_id text NOT NULL DEFAULT '',"
    " once bigint NOT NULL DEFAULT 0, rule text NOT NULL DEFAULT '',"
    " verdict bigint NOT NULL DEFAULT 0, decided_monthly bigint NOT NULL DEFAULT 0,"
    " decided_once bigint NOT NULL DEFAULT 0, judged bigint NOT NULL DEFAULT 0,"
    " added bigint NOT NULL DEFAULT 0, reason text NOT NULL DEFAULT '',"
    " PRIMARY KEY(case_id, idx))",
    "CREATE TABLE case_reasons(case_id bigint NOT NULL REFERENCES cases(case_id),"
    " idx bigint NOT NULL, county text NOT NULL, rule text NOT NULL, text text NOT NULL,"
    " source text NOT NULL, holds bigint NOT NULL, PRIMARY KEY(case_id, idx))",
    "CREATE TABLE feeds(feed bigint NOT NULL DEFAULT nextval('feeds_feed_seq') PRIMARY KEY,"
    " county text NOT NULL DEFAULT '', dept bigint NOT NULL, path text NOT NULL,"
    " imported_at text NOT NULL, rows bigint NOT NULL DEFAULT 0,"
    " added bigint NOT NULL DEFAULT 0, matched bigint NOT NULL DEFAULT 0,"
    " rejected bigint NOT NULL DEFAULT 0)",
    "CREATE TABLE feed_rows(row bigint NOT NULL DEFAULT nextval('feed_rows_row_seq'),"
    " county text NOT NULL, feed bigint NOT NULL REFERENCES feeds(feed),"
    " dept bigint NOT NULL, event bigint NOT NULL, id_number text NOT NULL,"
    " name text NOT NULL, on_date bigint NOT NULL, amount bigint NOT NULL,"
    " level bigint NOT NULL, code text NOT NULL, line bigint NOT NULL,"
    " digest bytea NOT NULL, PRIMARY KEY(county, row), UNIQUE(county,"
    " digest)) PARTITION BY LIST (county)",
    "CREATE INDEX feed_rows_person ON feed_rows(id_number, on_date)",
    /* A row by its number alone (an alert's evidence names rows of any
     * county). */
    "CREATE INDEX feed_rows_row ON feed_rows(row)",
    "CREATE TABLE alerts(alert bigint NOT NULL DEFAULT nextval('alerts_alert_seq'),"
    " county text NOT NULL, region text NOT NULL, category bigint NOT NULL,"
    " indicator bigint NOT NULL, severity bigint NOT NULL, id_number text NOT NULL,"
    " name text NOT NULL, household_id text NOT NULL, dept bigint NOT NULL,"
    " amount bigint NOT NULL, detail text NOT NULL, evidence text NOT NULL,"
    " raised_on bigint NOT NULL, due_on bigint NOT NULL, status bigint NOT NULL,"
    " key bytea NOT NULL, PRIMARY KEY(county, alert), UNIQUE(county,"
    " key)) PARTITION BY LIST (county)",
    /* An alert by its number alone (alert_get, alert_update). */
    "CREATE INDEX alerts_alert ON alerts(alert)",
    "CREATE INDEX alerts_region ON alerts(region)",
    "CREATE INDEX alerts_person ON alerts(id_number)",
    "CREATE INDEX alerts_household ON alerts(household_id)",
    "CREATE TABLE alert_steps(step bigint NOT NULL DEFAULT nextval('alert_steps_step_seq') PRIMARY "
    "KEY,"
    " alert bigint NOT NULL, county text NOT NULL, action text NOT NULL,"
    " on_date bigint NOT NULL, actor text NOT NULL, note text NOT NULL,"
    " outcome text NOT NULL, dept bigint NOT NULL, kind text NOT NULL,"
    " amount bigint NOT NULL, case_id bigint NOT NULL, assignee text NOT NULL,"
    " recorded_at text NOT NULL, FOREIGN KEY(county, alert) REFERENCES alerts(county,"
    " alert))",
    "CREATE INDEX alert_steps_alert ON alert_steps(alert, step)",
    "CREATE TABLE audit(seq bigint, county text NOT NULL, at text NOT NULL,"
    " actor text NOT NULL, action text NOT NULL, entity text NOT NULL,"
    " before text NOT NULL, after text NOT NULL, prev bytea NOT NULL, hash bytea NOT NULL,"
    " state bytea NOT NULL DEFAULT ''::bytea, PRIMARY KEY(county,"
    " seq)) PARTITION BY LIST (county)",
    "CREATE TABLE household_record_history(hh bigint NOT NULL, version bigint NOT NULL,"
    " county text NOT NULL, record text NOT NULL, source text NOT NULL,"
    " updated_at text NOT NULL, replaced_at text NOT NULL, replaced_by text NOT NULL,"
    " PRIMARY KEY(county, hh, version)) PARTITION BY LIST (county)",
    "CREATE UNIQUE INDEX cases_one_open ON cases(household_id) WHERE state <> 7",
    "CREATE TABLE case_findings(case_id bigint NOT NULL REFERENCES cases(case_id),"
    " idx bigint NOT NULL, county text NOT NULL, member_id text NOT NULL,"
    " name text NOT NULL, dept bigint NOT NULL, feed_row bigint NOT NULL,"
    " on_date bigint NOT NULL, rule text NOT NULL, text text NOT NULL,"
    " PRIMARY KEY(case_id, idx))",
    "CREATE TABLE postings(posting bigint NOT NULL DEFAULT nextval('postings_posting_seq') PRIMARY "
    "KEY,"
    " county text NOT NULL, village text NOT NULL, kind bigint NOT NULL,"
    " case_id bigint NOT NULL REFERENCES cases(case_id), round bigint NOT NULL,"
    " posted_on bigint NOT NULL, until bigint NOT NULL, idx bigint NOT NULL,"
    " name text NOT NULL, persons bigint NOT NULL, amount bigint NOT NULL,"
    " cash bigint NOT NULL)",
    "CREATE INDEX postings_village ON postings(village, kind, posted_on)",
    "CREATE TABLE grants(grant_id bigint NOT NULL DEFAULT nextval('grants_grant_id_seq') PRIMARY "
    "KEY,"
    " county text NOT NULL, region text NOT NULL, household_id text NOT NULL,"
    " case_id bigint NOT NULL REFERENCES cases(case_id), member_id text NOT NULL,"
    " name text NOT NULL, kind bigint NOT NULL, rule text NOT NULL,"
    " amount bigint NOT NULL, on_date bigint NOT NULL, note text NOT NULL,"
    " beyond_cap text NOT NULL, recorded_at text NOT NULL)",
    "CREATE INDEX grants_household ON grants(household_id)",
    "CREATE INDEX grants_region ON grants(region)",
    "CREATE TABLE enrolments(enrolment bigint NOT NULL DEFAULT nextval('enrolments_enrolment_seq') "
    "PRIMARY KEY,"
    " county text NOT NULL, hh bigint NOT NULL, region text NOT NULL,"
    " household_id text NOT NULL, case_id bigint REFERENCES cases(case_id),"
    " member bigint NOT NULL, label text NOT NULL, programme bigint NOT NULL,"
    " persons bigint NOT NULL, monthly bigint NOT NULL, first_month text NOT NULL,"
    " status bigint NOT NULL, end_month text NOT NULL, next_review bigint NOT NULL,"
    " review_months bigint NOT NULL, death_check_due bigint NOT NULL,"
    " to_recover bigint NOT NULL, stop_reason text NOT NULL, member_id text NOT NULL,"
    " judged bigint NOT NULL, origin text NOT NULL, FOREIGN KEY(county,"
    " hh) REFERENCES household_ids(county, hh) ON UPDATE CASCADE)",
    "CREATE INDEX enrolments_household ON enrolments(household_id)",
    "CREATE INDEX enrolments_region ON enrolments(region)",
    "CREATE UNIQUE INDEX enrolments_live_unit ON enrolments(household_id, member_id,"
    " programme) WHERE status <> 2",
    "CREATE TABLE alert_evidence(indicator bigint NOT NULL, row bigint NOT NULL,"
    " alert bigint NOT NULL, county text NOT NULL, PRIMARY KEY(indicator, row))",
    "CREATE INDEX alert_evidence_alert ON alert_evidence(alert)",
    "CREATE TABLE import_rejections(import bigint NOT NULL REFERENCES imports(import),"
    " line bigint NOT NULL, county text NOT NULL DEFAULT '', household_id text NOT NULL,"
    " message text NOT NULL, PRIMARY KEY(import, line))",
    "CREATE TABLE users(user_id bigint NOT NULL DEFAULT nextval('users_user_id_seq') PRIMARY KEY,"
    " login text NOT NULL UNIQUE, name text NOT NULL, role text NOT NULL,"
    " scope text NOT NULL, dept bigint NOT NULL, active bigint NOT NULL,"
    " password_hash text NOT NULL, failures bigint NOT NULL, locked_until bigint NOT NULL,"
    " created bigint NOT NULL, password_changed bigint NOT NULL)",
    "CREATE INDEX users_scope ON users(scope)",
    "CREATE TABLE sessions(session_id bigint NOT NULL DEFAULT nextval('sessions_session_id_seq') "
    "PRIMARY KEY,"
    " user_id bigint NOT NULL REFERENCES users(user_id), token_hash bytea NOT NULL UNIQUE,"
    " created bigint NOT NULL, revoked_at bigint NOT NULL, revoke_reason text NOT NULL)",
    "CREATE INDEX sessions_user ON sessions(user_id, revoked_at)",
    "CREATE TABLE session_seen(session_id bigint PRIMARY KEY REFERENCES sessions(session_id),"
    " last_seen bigint NOT NULL)",
    "CREATE TABLE access_log(access_id bigint NOT NULL DEFAULT nextval('access_log_access_id_seq') "
    "PRIMARY KEY,"
    " at bigint NOT NULL, login text NOT NULL, subject text NOT NULL,"
    " region text NOT NULL, kind bigint NOT NULL, what text NOT NULL)",
    "CREATE INDEX access_log_subject ON access_log(subject, at)",
    /* Ranges of region prefixes are compared in bytes (pg_user.c). */
    "CREATE INDEX access_log_region ON access_log(region COLLATE \"C\", at)",
    "CREATE TABLE institutions(institution bigint NOT NULL DEFAULT "
    "nextval('institutions_institution_seq') PRIMARY KEY,"
    " county text NOT NULL, name text NOT NULL, holder text NOT NULL, bank text NOT NULL,"
    " account text NOT NULL, UNIQUE(county, name))",
    "CREATE TABLE payees(payee bigint NOT NULL DEFAULT nextval('payees_payee_seq') PRIMARY KEY,"
    " county text NOT NULL, household_id text NOT NULL, member_id text NOT NULL,"
    " holder_name text NOT NULL, holder_id text NOT NULL, bank text NOT NULL,"
    " account text NOT NULL, institution bigint NOT NULL, version bigint NOT NULL,"
    " current bigint NOT NULL, set_at text NOT NULL)",
    "CREATE UNIQUE INDEX payees_current ON payees(household_id,"
    " member_id) WHERE current = 1",
    "CREATE TABLE enrol_terms(enrolment bigint NOT NULL REFERENCES enrolments(enrolment),"
    " since text NOT NULL, county text NOT NULL, monthly bigint NOT NULL,"
    " persons bigint NOT NULL, PRIMARY KEY(enrolment, since))",
    "CREATE TABLE enrol_holds(enrolment bigint NOT NULL REFERENCES enrolments(enrolment),"
    " from_month text NOT NULL, to_month text NOT NULL, county text NOT NULL,"
    " reason text NOT NULL, back_pay bigint NOT NULL, PRIMARY KEY(enrolment, from_month))",
    "CREATE TABLE pay_dirty(enrolment bigint PRIMARY KEY, county text NOT NULL)",
    "CREATE TABLE pay_plans(county text NOT NULL, period text NOT NULL,"
    " runs bigint NOT NULL, first_at text NOT NULL, last_at text NOT NULL,"
    " PRIMARY KEY(county, period))",
    "CREATE TABLE pay_lines(line bigint NOT NULL DEFAULT nextval('pay_lines_line_seq'),"
    " county text NOT NULL, region text NOT NULL, household_id text NOT NULL,"
    " enrolment bigint NOT NULL, programme text NOT NULL, period text NOT NULL,"
    " kind bigint NOT NULL, ref_period text NOT NULL, refers_to bigint NOT NULL,"
    " member_id text NOT NULL, label text NOT NULL, persons bigint NOT NULL,"
    " amount bigint NOT NULL, province_share bigint NOT NULL, local_share bigint NOT NULL,"
    " voucher bigint NOT NULL, payee bigint NOT NULL, batch bigint NOT NULL,"
    " status bigint NOT NULL, result text NOT NULL, reason text NOT NULL,"
    " planned_at text NOT NULL, PRIMARY KEY(county, line)) PARTITION BY LIST (county)",
    "CREATE UNIQUE INDEX pay_lines_regular ON pay_lines(county, enrolment,"
    " period) WHERE kind = 0",
    "CREATE UNIQUE INDEX pay_lines_once ON pay_lines(county, programme,"
    " member_id) WHERE kind = 2",
    "CREATE UNIQUE INDEX pay_lines_followup ON pay_lines(county,"
    " refers_to) WHERE kind = 3",
    /* A line by its id alone (pay_line_get, pay_line_set): the key leads
     * with the county. */
    "CREATE INDEX pay_lines_line ON pay_lines(line)",
    "CREATE INDEX pay_lines_enrolment ON pay_lines(enrolment, kind)",
    "CREATE INDEX pay_lines_period ON pay_lines(period, region) WHERE kind = 0",
    "CREATE INDEX pay_lines_batch ON pay_lines(batch) WHERE batch > 0",
    "CREATE INDEX pay_lines_household ON pay_lines(household_id)",
    "CREATE INDEX pay_lines_open ON pay_lines(county, status) WHERE status IN (0, 4, 5)",
    "CREATE TABLE pay_batches(batch bigint NOT NULL DEFAULT nextval('pay_batches_batch_seq') "
    "PRIMARY KEY,"
    " county text NOT NULL, bank text NOT NULL, period text NOT NULL,"
    " state bigint NOT NULL, prepared_by text NOT NULL, prepared_at text NOT NULL,"
    " approved_by text NOT NULL, approved_at text NOT NULL, exported_at text NOT NULL,"
    " settled_at text NOT NULL, lines bigint NOT NULL, total bigint NOT NULL,"
    " file_name text NOT NULL, results_sha256 text NOT NULL)",
    "CREATE INDEX pay_batches_county ON pay_batches(county, period)",
    "CREATE TABLE recoveries(recovery bigint NOT NULL DEFAULT nextval('recoveries_recovery_seq') "
    "PRIMARY KEY,"
    " county text NOT NULL, household_id text NOT NULL, enrolment bigint NOT NULL,"
    " from_period text NOT NULL, rule text NOT NULL, reason text NOT NULL,"
    " amount bigint NOT NULL, balance bigint NOT NULL, opened_on bigint NOT NULL,"
    " opened_at text NOT NULL)",
    "CREATE INDEX recoveries_household ON recoveries(household_id)",
    "CREATE TABLE repayments(repayment bigint NOT NULL DEFAULT nextval('repayments_repayment_seq') "
    "PRIMARY KEY,"
    " recovery bigint NOT NULL REFERENCES recoveries(recovery), county text NOT NULL,"
    " amount bigint NOT NULL, on_date bigint NOT NULL, note text NOT NULL,"
    " recorded_at text NOT NULL)",
    "CREATE INDEX repayments_recovery ON repayments(recovery)",
    "CREATE INDEX payees_account ON payees(account, bank) WHERE current = 1",
    "CREATE INDEX households_region ON households(region, household_id)",
    /* What must be unique across counties (with household_ids, above). */
    "CREATE TABLE person_ids(id_number text PRIMARY KEY, county text NOT NULL,"
    " hh bigint NOT NULL)",
    "CREATE INDEX person_ids_household ON person_ids(county, hh)",
    /* A feed row's digest and an alert's key are unique across counties,
     * as SQLite's UNIQUE indexes keep them (a row's or an alert's county
     * is its person's, which may change between two imports): one probe
     * of a plain table, where a look across the partitions would plan all
     * 122 of them at every row (pg_feed.c). */
    "CREATE TABLE feed_digests(digest bytea PRIMARY KEY, county text NOT NULL)",
    "CREATE TABLE alert_keys(key bytea PRIMARY KEY, county text NOT NULL)",
    /* Append-only, as in the SQLite backend. */
    "CREATE FUNCTION jz_audit_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '审计日志只能追加，不能修改'; END IF;"
    " RAISE EXCEPTION '审计日志只能追加，不能删除'; END $$",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit"
    " FOR EACH ROW EXECUTE FUNCTION jz_audit_frozen()",
    /* The newest entry of the chain, moved under the chain's advisory
     * lock (pg_audit.c). */
    "CREATE TABLE audit_head(one int PRIMARY KEY CHECK (one = 1), seq bigint NOT NULL,"
    " hash bytea NOT NULL)",
    "INSERT INTO audit_head VALUES(1, 0, decode(repeat('00', 32), 'hex'))",
    /* The entries of committed transactions not yet chained: each row a
     * transaction's entries in order, seven fields each (county, at,
     * actor, action, entity, before, after), tagged under the audit key.
     * Writers append to it as they commit; one at a time takes its rows
     * onto the chain (pg_audit.c). */
    AUDIT_QUEUE_SQL,
    FN_HOUSEHOLD_KEYS,
    FN_COUNTY_PARTITIONS,
};

static jz_err default_partitions(pg *q, jz_error *err)
{
    char sql[256];
    jz_err rc = JZ_OK;
    for (int i = 0; jz__pg_partitioned[i] && !rc; i++) {
        snprintf(sql, sizeof sql, "CREATE TABLE %s_default PARTITION OF %s DEFAULT",
                 jz__pg_partitioned[i], jz__pg_partitioned[i]);
        rc = jz__pg_exec(q, sql, err);
    }
    /* (A coordinator's parents lose their keys: coord_schema.) */
    if (!rc && q->layout == JZ__PG_SINGLE)
        rc = jz__pg_exec(q, "SELECT jz_household_keys('default')", err);
    return rc;
}

/* ---- the layouts of several servers (pg_shard.c, docs/scaling.md) -------------- */

/* A shard keeps the large tables only.  Their partitioned parents stay as
 * the templates of a county's tables (LIKE: columns, keys, unique and other
 * indexes); the county's household tables are keyed to its households as
 * on one server (jz_household_keys); the small tables (and the keys that
 * point to them) are the coordinator's. */
static const char *const shard_schema[] = {
    "DO $$ DECLARE t text; BEGIN"
    " FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'meta'"
    "  AND NOT c.relispartition LOOP"
    "  EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', t);"
    " END LOOP; END $$",
    "DROP FUNCTION jz_county_partitions(text)",
    FN_SHARD_COUNTY,
};

/* A coordinator keeps the whole schema, but its partitioned parents carry
 * no primary key, unique index or foreign key (PostgreSQL refuses a foreign
 * table as a partition of a parent with unique indexes): those are the
 * shards', per county.  A county's partitions are foreign tables on the
 * shard that holds it (county_shards), made by jz_county_partitions(c,
 * server) once the shard made the county's tables (pg_shard.c). */
static const char *const coord_schema[] = {
    "DO $$ DECLARE k record; BEGIN"
    " FOR k IN SELECT conrelid::regclass::text AS t, conname FROM pg_constraint"
    "  WHERE contype = 'f' AND conparentid = 0"
    "  AND (conrelid::regclass::text = ANY(ARRAY[" COUNTY_TABLES "])"
    "  OR confrelid::regclass::text = ANY(ARRAY[" COUNTY_TABLES "])) LOOP"
    "  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', k.t, k.conname);"
    " END LOOP;"
    " FOR k IN SELECT conrelid::regclass::text AS t, conname FROM pg_constraint"
    "  WHERE contype IN ('p', 'u') AND conparentid = 0"
    "  AND conrelid::regclass::text = ANY(ARRAY[" COUNTY_TABLES "]) LOOP"
    "  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', k.t, k.conname);"
    " END LOOP;"
    " FOR k IN SELECT indexrelid::regclass::text AS i FROM pg_index WHERE indisunique"
    "  AND indrelid::regclass::text = ANY(ARRAY[" COUNTY_TABLES "]) LOOP"
    "  EXECUTE format('DROP INDEX %I', k.i);"
    " END LOOP; END $$",
    "DROP FUNCTION jz_county_partitions(text)",
    "CREATE EXTENSION postgres_fdw",
    /* The shards (a postgres_fdw server each, of the same name) and the
     * URL the coordinator reaches each by, to make a county's tables. */
    "CREATE TABLE shards(server text PRIMARY KEY, url text NOT NULL)",
    "CREATE TABLE county_shards(county text PRIMARY KEY, server text NOT NULL"
    " REFERENCES shards(server))",
    FN_COORD_PARTITIONS,
};

static const char *layout_name(int layout)
{
    return layout == JZ__PG_COORD ? "coordinator" : "shard";
}

/* The schema version in *v (0: no meta table or no version, a database
 * that is not jiuzhu's).  Any other failure (the server gone while it
 * asked, say) is the server's error, never "not a jiuzhu database". */
static jz_err read_version(pg *q, int *v, jz_error *err)
{
    PGresult *r = PQexec(q->c, "SELECT value FROM meta WHERE key = 'schema_version'");
    jz_err rc = JZ_OK;
    *v = 0;
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        if (PQntuples(r) == 1)
            *v = atoi(PQgetvalue(r, 0, 0));
    } else if (strcmp(jz__pg_state(r), "42P01") != 0) /* undefined_table */
        rc = jz__pg_error(q, r, err, "读取数据库结构版本");
    PQclear(r);
    return rc;
}

/* The queue of the audit log in a store made before it was (PostgreSQL
 * stores of version 8 made by an earlier build chained each writer's
 * entries in its own commit): made once, by the first store opened for
 * writing, under the chain's lock.  A row queued without a tag (by a build
 * between the two) is chained as refused (pg_audit.c). */
static jz_err add_audit_queue(pg *q, jz_error *err)
{
    PGresult *r = PQexec(q->c, "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid ="
                               " to_regclass('audit_queue') AND attname = 'tag'"
                               " AND NOT attisdropped)");
    bool have = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
                strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (have || q->readonly)
        return JZ_OK;
    jz_err rc = jz__pg_exec(q, "BEGIN", err);
    if (!rc)
        rc = jz__pg_exec(q,
                         "SELECT pg_advisory_xact_lock(" JZ__PG_CHAIN_LOCK ");" AUDIT_QUEUE_SQL ";"
                         "ALTER TABLE audit_queue ADD COLUMN IF NOT EXISTS tag bytea NOT NULL"
                         " DEFAULT ''::bytea",
                         err);
    if (!rc)
        rc = jz__pg_exec(q, "COMMIT", err);
    if (rc)
        jz__pg_exec(q, "ROLLBACK", NULL);
    return rc;
}

/* ---- 8 -> 9: one row per household ------------------------------------------- */

/* On any server of any layout, in its transaction: the persons' columns
 * added to the determinations (on a partitioned parent, which passes them
 * on to its partitions, foreign ones included; on a shard, to each of its
 * plain tables), each table of person results that is here moved into its
 * determinations' rows, in member order, as jz__persons_pack writes them,
 * and the person results dropped.  Each step can be run again: a shard
 * done before a coordinator that failed is left as it is. */
static const char *const to9[] = {
    "DO $$ DECLARE t text; BEGIN"
    " FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE n.nspname = 'public' AND c.relname ~ '^determinations(_[0-9]{6}|_default)?$'"
    "  AND c.relkind IN ('r', 'p') AND NOT c.relispartition LOOP"
    "  EXECUTE format($f$ALTER TABLE %I ADD COLUMN IF NOT EXISTS persons text NOT NULL DEFAULT '',"
    "   ADD COLUMN IF NOT EXISTS tekun bigint NOT NULL DEFAULT 0,"
    "   ADD COLUMN IF NOT EXISTS tekun_amount bigint NOT NULL DEFAULT 0,"
    "   ADD COLUMN IF NOT EXISTS single bigint NOT NULL DEFAULT 0,"
    "   ADD COLUMN IF NOT EXISTS single_amount bigint NOT NULL DEFAULT 0,"
    "   ADD COLUMN IF NOT EXISTS units_amount bigint NOT NULL DEFAULT 0$f$, t);"
    " END LOOP;"
    " FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE n.nspname = 'public' AND c.relname ~ '^person_results(_[0-9]{6}|_default)?$'"
    "  AND c.relkind = 'r' LOOP"
    "  EXECUTE format($f$UPDATE %I d SET (persons, tekun, tekun_amount, single, single_amount,"
    "   units_amount) = (x.persons, x.tekun, x.tekun_amount, x.single, x.single_amount,"
    "   x.units_amount) FROM (SELECT county, hh, string_agg(concat_ws(',', idx, categories,"
    "   care_level, monthly_amount, single_rule, tmp_rule, tmp_amount, referrals,"
    "   death_check_due, death_change_from), ';' ORDER BY idx) AS persons,"
    "   count(*) FILTER (WHERE (categories & 8) <> 0) AS tekun,"
    "   COALESCE(sum(monthly_amount) FILTER (WHERE (categories & 8) <> 0), 0) AS tekun_amount,"
    "   count(*) FILTER (WHERE (categories & 4) <> 0) AS single,"
    "   COALESCE(sum(monthly_amount) FILTER (WHERE (categories & 4) <> 0), 0) AS single_amount,"
    "   COALESCE(sum(monthly_amount) FILTER (WHERE (categories & 12) <> 0), 0) AS units_amount"
    "   FROM %I GROUP BY county, hh) x WHERE d.county = x.county AND d.hh = x.hh$f$,"
    "   regexp_replace(t, '^person_results', 'determinations'), t);"
    " END LOOP;"
    " FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE n.nspname = 'public' AND c.relname ~ '^person_results(_[0-9]{6}|_default)?$'"
    "  AND c.relkind IN ('r', 'p') AND NOT c.relispartition LOOP"
    "  EXECUTE format('DROP TABLE %I CASCADE', t);"
    " END LOOP; END $$",
    FN_HOUSEHOLD_KEYS,
};
_Static_assert(JZ_PCAT_TEKUN == 8 && JZ_PCAT_SINGLE_DIBAO == 4,
               "the migration to 9 names the person categories 特困 (8) and 单人保 (4)");

/* ---- 9 -> 10: keys a bulk write checks cheaply ---------------------------------- */

/* PostgreSQL checks a foreign key row by row, a query each, so that the
 * keys are what a bulk write spends most on.  Two changes:
 *
 * - A determination's (run, pv) refers to param_values(run, pv), in place
 *   of run to runs and pv to param_values: one key instead of two takes
 *   6.3 s off writing a million determinations into empty partitions
 *   (22.9 s) and 4.4 s off rewriting them (14.4 s).  It says more, too:
 *   the parameters are the run's.
 * - A case's and an enrolment's household, (county, hh), refers to the
 *   households' directory, household_ids(county, hh), a plain table, in
 *   place of the partitioned households: a query on a parent of 122
 *   partitions locks them all, and checked 36,546 enrolments of an import
 *   in 4.6 s, against 0.5 s on the directory.  A household that moves
 *   county changes its directory row, which its cases and enrolments
 *   follow (ON UPDATE CASCADE, as they followed households before).
 *
 * Where the tables are (one server; a coordinator keeps param_values,
 * cases, enrolments and household_ids, but its parents no keys; a shard
 * none of them), and only once: adding a key checks every stored row. */
static const char *const to10[] = {
    "DO $$ DECLARE t text; BEGIN"
    " IF to_regclass('param_values') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_constraint"
    "  WHERE conname = '" PV_RUN_KEY "') THEN"
    "  ALTER TABLE param_values ADD CONSTRAINT " PV_RUN_KEY " UNIQUE(run, pv);"
    " END IF;"
    " IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'determinations_run_fkey'"
    "  AND conrelid = to_regclass('determinations')) THEN"
    "  ALTER TABLE determinations DROP CONSTRAINT determinations_run_fkey,"
    "   DROP CONSTRAINT IF EXISTS determinations_pv_fkey,"
    "   ADD CONSTRAINT " DET_RUN_KEY " FOREIGN KEY(run, pv) REFERENCES param_values(run, pv);"
    " END IF;"
    " FOREACH t IN ARRAY ARRAY['cases', 'enrolments'] LOOP"
    "  IF to_regclass(t) IS NOT NULL AND to_regclass('household_ids') IS NOT NULL"
    "   AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(t)"
    "   AND conname = t || '_county_hh_fkey' AND confrelid = to_regclass('household_ids')) THEN"
    "   EXECUTE format('ALTER TABLE %I DROP CONSTRAINT IF EXISTS %I, ADD CONSTRAINT %I"
    "    FOREIGN KEY(county, hh) REFERENCES household_ids(county, hh) ON UPDATE CASCADE',"
    "    t, t || '_county_hh_fkey', t || '_county_hh_fkey');"
    "  END IF;"
    " END LOOP; END $$",
};

/* Runs the statements steps[0..n) on c; false with the server's message in
 * msg at the first that fails. */
static bool run_steps(PGconn *c, const char *const *steps, size_t n, char *msg, size_t msg_n)
{
    for (size_t i = 0; i < n; i++) {
        PGresult *r = PQexec(c, steps[i]);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            snprintf(msg, msg_n, "%s", PQresultErrorMessage(r));
        PQclear(r);
        if (!ok)
            return false;
    }
    return true;
}

/* The steps from the version read under the lock (*from) to this build's,
 * in the transaction of c (any layout's server): none when another
 * connection did them first.  False with the server's message in msg. */
static bool upgrade_here(PGconn *c, int layout, int *from, char *msg, size_t n)
{
    const char *fn = layout == JZ__PG_COORD   ? FN_COORD_PARTITIONS
                     : layout == JZ__PG_SHARD ? FN_SHARD_COUNTY
                                              : FN_COUNTY_PARTITIONS;
    PGresult *r = PQexec(c, "SELECT pg_advisory_xact_lock(" JZ__PG_CHAIN_LOCK ");"
                            "SELECT value FROM meta WHERE key = 'schema_version' FOR UPDATE");
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    int v = ok ? atoi(PQgetvalue(r, 0, 0)) : 0;
    *from = v;
    if (!ok)
        snprintf(msg, n, "%s", PQresultErrorMessage(r));
    PQclear(r);
    ok = ok && (v >= 9 || (run_steps(c, to9, sizeof to9 / sizeof to9[0], msg, n) &&
                           run_steps(c, &fn, 1, msg, n)));
    ok = ok && (v >= 10 || run_steps(c, to10, sizeof to10 / sizeof to10[0], msg, n));
    if (ok && v < JZ_STORE_SCHEMA_VERSION) {
        char sql[120];
        snprintf(sql, sizeof sql, "UPDATE meta SET value = '%d' WHERE key = 'schema_version'",
                 JZ_STORE_SCHEMA_VERSION);
        r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            snprintf(msg, n, "%s", PQresultErrorMessage(r));
        PQclear(r);
    }
    msg[strcspn(msg, "\n")] = '\0';
    return ok;
}

/* A coordinator's shards first, each in a transaction of its own on a
 * connection of its own (the URL the coordinator keeps in shards). */
static jz_err upgrade_shards(pg *q, jz_error *err)
{
    PGresult *r = PQexec(q->c, "SELECT server, url FROM shards ORDER BY server");
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        return jz__pg_error(q, r, err, "读取分片");
    jz_err rc = JZ_OK;
    for (int i = 0; i < PQntuples(r) && !rc; i++) {
        const char *server = PQgetvalue(r, i, 0);
        PGconn *c = jz__pg_connect(PQgetvalue(r, i, 1), NULL);
        char msg[400] = "";
        if (PQstatus(c) != CONNECTION_OK) {
            jz__pg_message(msg, sizeof msg, PQerrorMessage(c));
            rc = jz_error_set(err, JZ_EIO, "shard", server, "无法连接分片：%s", msg);
        } else {
            PGresult *b = PQexec(c, "SET client_min_messages = warning; BEGIN");
            bool ok = PQresultStatus(b) == PGRES_COMMAND_OK;
            PQclear(b);
            int from = 0;
            ok = ok && upgrade_here(c, JZ__PG_SHARD, &from, msg, sizeof msg);
            b = PQexec(c, ok ? "COMMIT" : "ROLLBACK");
            ok = ok && PQresultStatus(b) == PGRES_COMMAND_OK;
            if (!ok && !msg[0])
                snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(b));
            PQclear(b);
            if (!ok)
                rc =
                    jz_error_set(err, JZ_EIO, "shard", server, "升级分片的数据库结构失败：%s", msg);
        }
        PQfinish(c);
    }
    PQclear(r);
    return rc;
}

jz_err jz__pg_upgrade(pg *q, jz_error *err)
{
    if (q->version >= JZ_STORE_SCHEMA_VERSION)
        return JZ_OK;
    if (q->readonly)
        return JZ_OK; /* read as it is (jz__older_schema) */
    jz_err rc = q->layout == JZ__PG_COORD ? upgrade_shards(q, err) : JZ_OK;
    if (rc)
        return rc;
    char before[48], after[48], msg[400] = "";
    if ((rc = jz__pg_exec(q, "BEGIN", err)))
        return rc;
    q->in_tx = true;
    int from = 0;
    if (!upgrade_here(q->c, q->layout, &from, msg, sizeof msg))
        rc = jz_error_set(err, JZ_EIO, "database", q->dbname, "升级数据库结构失败：%s", msg);
    snprintf(before, sizeof before, "{\"schema_version\":%d}", from);
    snprintf(after, sizeof after, "{\"schema_version\":%d}", JZ_STORE_SCHEMA_VERSION);
    if (!rc && from < JZ_STORE_SCHEMA_VERSION) /* (else another connection did it) */
        rc = jz__pg_audit(q, "", "store.migrate", "schema", before, after, err);
    if (!rc)
        rc = jz__pg_audit_commit(q, err);
    if (!rc)
        rc = jz__pg_exec(q, "COMMIT", err);
    q->in_tx = false;
    if (rc) {
        jz__pg_exec(q, "ROLLBACK", NULL);
        jz__pg_audit_drop(q);
        return rc;
    }
    q->version = JZ_STORE_SCHEMA_VERSION;
    jz_error scratch; /* committed: a seal left undone is the next one's */
    jz__pg_audit_chain(q, false, &scratch);
    return JZ_OK;
}

jz_err jz__pg_migrate(pg *q, bool create, jz_error *err)
{
    if (!create) {
        jz_err vrc = read_version(q, &q->version, err);
        if (vrc)
            return vrc;
        PGresult *l = PQexec(q->c, "SELECT value FROM meta WHERE key = 'layout'");
        if (PQresultStatus(l) == PGRES_TUPLES_OK && PQntuples(l) == 1)
            q->layout = strcmp(PQgetvalue(l, 0, 0), "coordinator") == 0 ? JZ__PG_COORD
                        : strcmp(PQgetvalue(l, 0, 0), "shard") == 0     ? JZ__PG_SHARD
                                                                         : JZ__PG_SINGLE;
        else if (q->version && PQresultStatus(l) != PGRES_TUPLES_OK) {
            vrc = jz__pg_error(q, l, err, "读取数据库布局");
            PQclear(l);
            return vrc;
        }
        PQclear(l);
        if (q->version && q->layout == JZ__PG_SHARD)
            return jz_error_set(err, JZ_EUSAGE, "database", q->dbname,
                                "这是一个分片数据库，只保存各县的表：请打开它的协调库");
        if (q->version == 0)
            return jz_error_set(err, JZ_EINPUT, "database", q->dbname,
                                "不是 jiuzhu 数据库（先用 jiuzhu init 创建）");
        if (q->version > JZ_STORE_SCHEMA_VERSION)
            return jz_error_set(err, JZ_EINPUT, "database", q->dbname,
                                "数据库的结构版本 %d 比本程序（%d）新，请升级 jiuzhu",
                                q->version, JZ_STORE_SCHEMA_VERSION);
        return q->layout == JZ__PG_SHARD ? JZ_OK : add_audit_queue(q, err);
    }
    /* A database that already has tables is not jiuzhu's to take. */
    PGresult *r = PQexec(q->c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
    bool empty = PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "0") == 0;
    PQclear(r);
    if (!empty)
        return jz_error_set(err, JZ_EINPUT, "database", q->dbname,
                            "数据库已存在且不是空库（jiuzhu init 只在空库中建表）");
    jz_err rc = jz__pg_exec(q, "BEGIN", err);
    for (size_t i = 0; !rc && i < sizeof schema_now / sizeof schema_now[0]; i++)
        rc = jz__pg_exec(q, schema_now[i], err);
    if (!rc && q->layout != JZ__PG_SHARD)
        rc = default_partitions(q, err);
    const char *const *more = q->layout == JZ__PG_COORD   ? coord_schema
                              : q->layout == JZ__PG_SHARD ? shard_schema
                                                          : NULL;
    size_t n_more = q->layout == JZ__PG_COORD   ? sizeof coord_schema / sizeof coord_schema[0]
                    : q->layout == JZ__PG_SHARD ? sizeof shard_schema / sizeof shard_schema[0]
                                                : 0;
    for (size_t i = 0; !rc && i < n_more; i++)
        rc = jz__pg_exec(q, more[i], err);
    if (!rc) {
        char sql[200];
        snprintf(sql, sizeof sql,
                 "INSERT INTO meta(key, value) VALUES('schema_version', '%d'),"
                 " ('backend', 'postgresql')%s%s%s",
                 JZ_STORE_SCHEMA_VERSION, q->layout ? ", ('layout', '" : "",
                 q->layout ? layout_name(q->layout) : "", q->layout ? "')" : "");
        rc = jz__pg_exec(q, sql, err);
    }
    if (!rc)
        rc = jz__pg_exec(q, "COMMIT", err);
    if (rc) {
        jz__pg_exec(q, "ROLLBACK", NULL);
        return rc;
    }
    q->version = JZ_STORE_SCHEMA_VERSION;
    return JZ_OK;
}
