/*
 * store_sqlite.c - the SQLite backend of jz_store: one database file in WAL
 * mode, foreign keys on, STRICT tables, and a schema version in `meta` with
 * migrations that upgrade an older file in place.
 *
 * Durability: synchronous=FULL with WAL, so a committed transaction survives
 * kill -9 and power loss alike, and an interrupted one leaves nothing (an
 * import's batches use NORMAL until it is finished: see
 * sq_import_begin).  The
 * members table is kept in (household, position) order (WITHOUT ROWID) so
 * that building a snapshot is one ordered scan.
 */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit_chain.h"
#include "sqlite_int.h"

/* ---- schema and migrations ------------------------------------------------ */

/* Migration i brings a database from version i to version i + 1.  They are
 * history: never edit one that has shipped; add the next. */
static const char *const migrations[] = {
    /* 0 -> 1: the registry and its determinations. */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE households("
    "  hh INTEGER PRIMARY KEY,"
    "  household_id TEXT NOT NULL UNIQUE,"
    "  county TEXT NOT NULL,"
    "  region TEXT NOT NULL,"
    "  area INTEGER NOT NULL,"
    "  assess_date INTEGER NOT NULL,"
    "  current_programme INTEGER NOT NULL,"
    "  current_since INTEGER NOT NULL,"
    "  current_amount INTEGER NOT NULL,"
    "  n_members INTEGER NOT NULL) STRICT;"
    /* The record as given lives apart, so that scanning households for a
     * snapshot does not read every record's text. */
    "CREATE TABLE household_records("
    "  hh INTEGER PRIMARY KEY REFERENCES households(hh) ON DELETE CASCADE,"
    "  county TEXT NOT NULL,"
    "  record TEXT NOT NULL,"
    "  source TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL) STRICT;"
    "CREATE TABLE members("
    "  hh INTEGER NOT NULL REFERENCES households(hh) ON DELETE CASCADE,"
    "  idx INTEGER NOT NULL,"
    "  county TEXT NOT NULL,"
    "  id_number TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  birth INTEGER NOT NULL, deceased INTEGER NOT NULL,"
    "  relation INTEGER NOT NULL, presence INTEGER NOT NULL, employment INTEGER NOT NULL,"
    "  hardship INTEGER NOT NULL, disability INTEGER NOT NULL,"
    "  disability_grade INTEGER NOT NULL, student_level INTEGER NOT NULL,"
    "  self_care_failed INTEGER NOT NULL, flags INTEGER NOT NULL,"
    "  n_supporters INTEGER NOT NULL, supporters_unable INTEGER NOT NULL,"
    "  supporter_status INTEGER NOT NULL, months_without_income INTEGER NOT NULL,"
    "  vehicles INTEGER NOT NULL, extra_houses INTEGER NOT NULL, financial INTEGER NOT NULL,"
    "  inc_wage INTEGER NOT NULL, inc_business_net INTEGER NOT NULL,"
    "  inc_property_net INTEGER NOT NULL, inc_pension INTEGER NOT NULL,"
    "  inc_unemployment_benefit INTEGER NOT NULL, inc_alimony INTEGER NOT NULL,"
    "  inc_support_received INTEGER NOT NULL, inc_support_from_sibling INTEGER NOT NULL,"
    "  inc_support_from_elderly INTEGER NOT NULL, inc_compensation INTEGER NOT NULL,"
    "  inc_donation INTEGER NOT NULL, inc_other INTEGER NOT NULL,"
    "  inc_not_counted INTEGER NOT NULL,"
    "  exp_medical INTEGER NOT NULL, exp_rehab INTEGER NOT NULL, exp_care INTEGER NOT NULL,"
    "  exp_education INTEGER NOT NULL, exp_other INTEGER NOT NULL,"
    "  PRIMARY KEY(hh, idx)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE runs("
    "  run INTEGER PRIMARY KEY,"
    "  county TEXT NOT NULL,"
    "  started_at TEXT NOT NULL,"
    "  assess_date INTEGER NOT NULL,"
    "  overrides TEXT NOT NULL) STRICT;"
    "CREATE TABLE param_values("
    "  pv INTEGER PRIMARY KEY,"
    "  run INTEGER NOT NULL REFERENCES runs(run) ON DELETE CASCADE,"
    "  county TEXT NOT NULL,"
    "  assess_date INTEGER NOT NULL,"
    "  params TEXT NOT NULL,"
    "  UNIQUE(run, county, assess_date)) STRICT;"
    "CREATE TABLE determinations("
    "  hh INTEGER PRIMARY KEY REFERENCES households(hh) ON DELETE CASCADE,"
    "  county TEXT NOT NULL,"
    "  run INTEGER NOT NULL REFERENCES runs(run),"
    "  pv INTEGER NOT NULL REFERENCES param_values(pv),"
    "  assess_date INTEGER NOT NULL,"
    "  category INTEGER NOT NULL, causes INTEGER NOT NULL,"
    "  monthly_amount INTEGER NOT NULL, counted_members INTEGER NOT NULL,"
    "  standard INTEGER NOT NULL, income INTEGER NOT NULL, deductible INTEGER NOT NULL,"
    "  financial INTEGER NOT NULL, exit_until INTEGER NOT NULL,"
    "  decisive TEXT NOT NULL) STRICT;"
    "CREATE TABLE person_results("
    "  hh INTEGER NOT NULL REFERENCES households(hh) ON DELETE CASCADE,"
    "  idx INTEGER NOT NULL,"
    "  county TEXT NOT NULL,"
    "  categories INTEGER NOT NULL, care_level INTEGER NOT NULL,"
    "  monthly_amount INTEGER NOT NULL, single_rule INTEGER NOT NULL,"
    "  tmp_rule INTEGER NOT NULL, tmp_amount INTEGER NOT NULL,"
    "  referrals INTEGER NOT NULL, death_check_due INTEGER NOT NULL,"
    "  death_change_from INTEGER NOT NULL,"
    "  PRIMARY KEY(hh, idx)) STRICT, WITHOUT ROWID;",
    /* 1 -> 2: import bookkeeping, so that an interrupted import resumes. */
    "CREATE TABLE imports("
    "  import INTEGER PRIMARY KEY,"
    "  county TEXT NOT NULL DEFAULT '',"
    "  path TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,"
    "  started_at TEXT NOT NULL, finished_at TEXT,"
    "  lines_done INTEGER NOT NULL DEFAULT 0,"
    "  stored INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0) STRICT;"
    "CREATE INDEX imports_file ON imports(path, size, mtime);",
    /* 2 -> 3: the procedure (cases, staff relatives) and the audit log. */
    "CREATE TABLE staff("
    "  staff_id TEXT PRIMARY KEY,"
    "  county TEXT NOT NULL, name TEXT NOT NULL, unit TEXT NOT NULL) STRICT, WITHOUT ROWID;"
    "CREATE TABLE staff_relatives("
    "  id_number TEXT NOT NULL,"
    "  staff_id TEXT NOT NULL REFERENCES staff(staff_id),"
    "  county TEXT NOT NULL, name TEXT NOT NULL, relation TEXT NOT NULL,"
    "  PRIMARY KEY(id_number, staff_id)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE cases("
    "  case_id INTEGER PRIMARY KEY,"
    "  county TEXT NOT NULL,"
    "  hh INTEGER NOT NULL REFERENCES households(hh),"
    "  region TEXT NOT NULL, household_id TEXT NOT NULL,"
    "  applicant_id TEXT NOT NULL, applicant_name TEXT NOT NULL, members INTEGER NOT NULL,"
    "  state INTEGER NOT NULL, township_confirms INTEGER NOT NULL,"
    "  staff_relative INTEGER NOT NULL, home_visited INTEGER NOT NULL,"
    "  extended INTEGER NOT NULL, decision INTEGER NOT NULL, objections INTEGER NOT NULL,"
    "  accepted_on INTEGER NOT NULL, investigated_on INTEGER NOT NULL,"
    "  verified_on INTEGER NOT NULL, preliminary_on INTEGER NOT NULL,"
    "  notice_from INTEGER NOT NULL, notice_until INTEGER NOT NULL,"
    "  confirmed_on INTEGER NOT NULL, decided_on INTEGER NOT NULL, closed_on INTEGER NOT NULL,"
    "  proposed_category INTEGER NOT NULL, proposed_persons INTEGER NOT NULL,"
    "  proposed_monthly INTEGER NOT NULL, first_month TEXT NOT NULL,"
    "  kind INTEGER NOT NULL, programmes INTEGER NOT NULL,"
    "  days INTEGER NOT NULL, extended_days INTEGER NOT NULL, notice_days INTEGER NOT NULL,"
    "  opinion TEXT NOT NULL DEFAULT '') STRICT;"
    "CREATE INDEX cases_household ON cases(household_id);"
    "CREATE INDEX cases_region ON cases(region);"
    "CREATE TABLE case_steps("
    "  step INTEGER PRIMARY KEY,"
    "  case_id INTEGER NOT NULL REFERENCES cases(case_id),"
    "  county TEXT NOT NULL, action INTEGER NOT NULL, on_date INTEGER NOT NULL,"
    "  actor TEXT NOT NULL, note TEXT NOT NULL, recorded_at TEXT NOT NULL) STRICT;"
    "CREATE INDEX case_steps_case ON case_steps(case_id, step);"
    "CREATE TABLE case_units("
    "  case_id INTEGER NOT NULL REFERENCES cases(case_id), idx INTEGER NOT NULL,"
    "  county TEXT NOT NULL, member INTEGER NOT NULL, label TEXT NOT NULL,"
    "  programme INTEGER NOT NULL, persons INTEGER NOT NULL, monthly INTEGER NOT NULL,"
    "  PRIMARY KEY(case_id, idx)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE case_reasons("
    "  case_id INTEGER NOT NULL REFERENCES cases(case_id), idx INTEGER NOT NULL,"
    "  county TEXT NOT NULL, rule TEXT NOT NULL, text TEXT NOT NULL, source TEXT NOT NULL,"
    "  holds INTEGER NOT NULL,"
    "  PRIMARY KEY(case_id, idx)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE enrolments("
    "  enrolment INTEGER PRIMARY KEY,"
    "  county TEXT NOT NULL,"
    "  hh INTEGER NOT NULL REFERENCES households(hh),"
    "  region TEXT NOT NULL, household_id TEXT NOT NULL,"
    "  case_id INTEGER NOT NULL REFERENCES cases(case_id),"
    "  member INTEGER NOT NULL, label TEXT NOT NULL, programme INTEGER NOT NULL,"
    "  persons INTEGER NOT NULL, monthly INTEGER NOT NULL, first_month TEXT NOT NULL,"
    "  status INTEGER NOT NULL, end_month TEXT NOT NULL, next_review INTEGER NOT NULL,"
    "  review_months INTEGER NOT NULL, death_check_due INTEGER NOT NULL,"
    "  to_recover INTEGER NOT NULL, stop_reason TEXT NOT NULL) STRICT;"
    "CREATE INDEX enrolments_household ON enrolments(household_id);"
    "CREATE INDEX enrolments_region ON enrolments(region);"
    /* Other departments' data (R-MON-1): every row kept, matched to the
     * registry by ID number when monitoring runs. */
    "CREATE TABLE feeds("
    "  feed INTEGER PRIMARY KEY,"
    "  county TEXT NOT NULL DEFAULT '',"
    "  dept INTEGER NOT NULL, path TEXT NOT NULL, imported_at TEXT NOT NULL,"
    "  rows INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,"
    "  matched INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0) STRICT;"
    "CREATE TABLE feed_rows("
    "  row INTEGER PRIMARY KEY,"
    "  county TEXT NOT NULL,"
    "  feed INTEGER NOT NULL REFERENCES feeds(feed),"
    "  dept INTEGER NOT NULL, event INTEGER NOT NULL,"
    "  id_number TEXT NOT NULL, name TEXT NOT NULL, on_date INTEGER NOT NULL,"
    "  amount INTEGER NOT NULL, level INTEGER NOT NULL, code TEXT NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  digest BLOB NOT NULL UNIQUE) STRICT;"
    "CREATE INDEX feed_rows_person ON feed_rows(id_number, on_date);"
    /* Warnings (R-MON-2, R-MON-3): one per indicator, person and evidence. */
    "CREATE TABLE alerts("
    "  alert INTEGER PRIMARY KEY,"
    "  county TEXT NOT NULL, region TEXT NOT NULL,"
    "  category INTEGER NOT NULL, indicator INTEGER NOT NULL, severity INTEGER NOT NULL,"
    "  id_number TEXT NOT NULL, name TEXT NOT NULL, household_id TEXT NOT NULL,"
    "  dept INTEGER NOT NULL, amount INTEGER NOT NULL, detail TEXT NOT NULL,"
    "  evidence TEXT NOT NULL, raised_on INTEGER NOT NULL, due_on INTEGER NOT NULL,"
    "  status INTEGER NOT NULL, key BLOB NOT NULL UNIQUE) STRICT;"
    "CREATE INDEX alerts_region ON alerts(region);"
    "CREATE INDEX alerts_person ON alerts(id_number);"
    "CREATE INDEX alerts_household ON alerts(household_id);"
    "CREATE TABLE alert_steps("
    "  step INTEGER PRIMARY KEY,"
    "  alert INTEGER NOT NULL REFERENCES alerts(alert),"
    "  county TEXT NOT NULL, action TEXT NOT NULL, on_date INTEGER NOT NULL,"
    "  actor TEXT NOT NULL, note TEXT NOT NULL, outcome TEXT NOT NULL, dept INTEGER NOT NULL,"
    "  kind TEXT NOT NULL, amount INTEGER NOT NULL, case_id INTEGER NOT NULL,"
    "  assignee TEXT NOT NULL, recorded_at TEXT NOT NULL) STRICT;"
    "CREATE INDEX alert_steps_alert ON alert_steps(alert, step);"
    /* Append-only: the triggers stop edits through SQL; the hash chain
     * shows any that bypass them (sqlite_proc.c). */
    "CREATE TABLE audit("
    "  seq INTEGER PRIMARY KEY,"
    "  county TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
    "  entity TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL,"
    "  prev BLOB NOT NULL, hash BLOB NOT NULL) STRICT;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能删除'); END;",
    /* 3 -> 4: what issue 11 needs of the procedure.
     * - Record versions: a replaced household record is kept in
     *   household_record_history, and a determination says which version
     *   it was computed from (a re-imported household keeps its result,
     *   shown as not yet assessed since the change).
     * - Cases: the county's written reason where the decision differs from
     *   the finding (R-WF-7), the legal deadline and task of a review
     *   opened when due (R-REVIEW-1, R-DEATH-1), the record version the
     *   opinion assessed; one open case per household as a constraint.
     * - Steps flagged late; units with their decision, one-time amounts
     *   (临时救助) and the unit's person; what 信息核对 found; the 公示 and
     *   公布 lists as they were posted; temporary assistance granted.
     * - Enrolments rebuilt so that a recipient brought in by an import
     *   needs no case (case_id NULL), with the unit's person by ID number
     *   and one live enrolment per unit as a constraint. */
    "ALTER TABLE households ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
    "CREATE TABLE household_record_history("
    "  hh INTEGER NOT NULL REFERENCES households(hh) ON DELETE CASCADE,"
    "  version INTEGER NOT NULL, county TEXT NOT NULL, record TEXT NOT NULL,"
    "  source TEXT NOT NULL, updated_at TEXT NOT NULL, replaced_at TEXT NOT NULL,"
    "  replaced_by TEXT NOT NULL,"
    "  PRIMARY KEY(hh, version)) STRICT, WITHOUT ROWID;"
    "ALTER TABLE determinations ADD COLUMN record_version INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cases ADD COLUMN judgment TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE cases ADD COLUMN due_by INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cases ADD COLUMN task TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE cases ADD COLUMN record_version INTEGER NOT NULL DEFAULT 0;"
    /* 7 = JZ_CASE_CLOSED (a static assertion in sqlite_proc.c keeps it so). */
    "CREATE UNIQUE INDEX cases_one_open ON cases(household_id) WHERE state <> 7;"
    "ALTER TABLE case_steps ADD COLUMN deadline INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE case_steps ADD COLUMN late_days INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE case_units ADD COLUMN member_id TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE case_units ADD COLUMN once INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE case_units ADD COLUMN rule TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE case_units ADD COLUMN verdict INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE case_units ADD COLUMN decided_monthly INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE case_units ADD COLUMN decided_once INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE case_units ADD COLUMN judged INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE case_units ADD COLUMN added INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE case_units ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
    "UPDATE case_units SET verdict = CASE (SELECT decision FROM cases c"
    "  WHERE c.case_id = case_units.case_id) WHEN 1 THEN 1 WHEN 2 THEN 2 ELSE 0 END,"
    "  decided_monthly = monthly;"
    "CREATE TABLE case_findings("
    "  case_id INTEGER NOT NULL REFERENCES cases(case_id), idx INTEGER NOT NULL,"
    "  county TEXT NOT NULL, member_id TEXT NOT NULL, name TEXT NOT NULL,"
    "  dept INTEGER NOT NULL, feed_row INTEGER NOT NULL, on_date INTEGER NOT NULL,"
    "  rule TEXT NOT NULL, text TEXT NOT NULL,"
    "  PRIMARY KEY(case_id, idx)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE postings("
    "  posting INTEGER PRIMARY KEY, county TEXT NOT NULL, village TEXT NOT NULL,"
    "  kind INTEGER NOT NULL, case_id INTEGER NOT NULL REFERENCES cases(case_id),"
    "  round INTEGER NOT NULL, posted_on INTEGER NOT NULL, until INTEGER NOT NULL,"
    "  idx INTEGER NOT NULL, name TEXT NOT NULL, persons INTEGER NOT NULL,"
    "  amount INTEGER NOT NULL, cash INTEGER NOT NULL) STRICT;"
    "CREATE INDEX postings_village ON postings(village, kind, posted_on);"
    "CREATE TABLE grants("
    "  grant_id INTEGER PRIMARY KEY, county TEXT NOT NULL, region TEXT NOT NULL,"
    "  household_id TEXT NOT NULL, case_id INTEGER NOT NULL REFERENCES cases(case_id),"
    "  member_id TEXT NOT NULL, name TEXT NOT NULL, kind INTEGER NOT NULL, rule TEXT NOT NULL,"
    "  amount INTEGER NOT NULL, on_date INTEGER NOT NULL, note TEXT NOT NULL,"
    "  beyond_cap TEXT NOT NULL, recorded_at TEXT NOT NULL) STRICT;"
    "CREATE INDEX grants_household ON grants(household_id);"
    "CREATE INDEX grants_region ON grants(region);"
    "CREATE TABLE enrolments_v4("
    "  enrolment INTEGER PRIMARY KEY,"
    "  county TEXT NOT NULL,"
    "  hh INTEGER NOT NULL REFERENCES households(hh),"
    "  region TEXT NOT NULL, household_id TEXT NOT NULL,"
    "  case_id INTEGER REFERENCES cases(case_id),"
    "  member INTEGER NOT NULL, label TEXT NOT NULL, programme INTEGER NOT NULL,"
    "  persons INTEGER NOT NULL, monthly INTEGER NOT NULL, first_month TEXT NOT NULL,"
    "  status INTEGER NOT NULL, end_month TEXT NOT NULL, next_review INTEGER NOT NULL,"
    "  review_months INTEGER NOT NULL, death_check_due INTEGER NOT NULL,"
    "  to_recover INTEGER NOT NULL, stop_reason TEXT NOT NULL,"
    "  member_id TEXT NOT NULL, judged INTEGER NOT NULL, origin TEXT NOT NULL) STRICT;"
    "INSERT INTO enrolments_v4 SELECT e.enrolment, e.county, e.hh, e.region, e.household_id,"
    "  e.case_id, e.member, e.label, e.programme, e.persons, e.monthly, e.first_month,"
    "  e.status, e.end_month, e.next_review, e.review_months, e.death_check_due,"
    "  e.to_recover, e.stop_reason,"
    "  COALESCE((SELECT m.id_number FROM members m WHERE m.hh = e.hh AND m.idx = e.member), ''),"
    "  0, '' FROM enrolments e;"
    "DROP TABLE enrolments;"
    "ALTER TABLE enrolments_v4 RENAME TO enrolments;"
    "CREATE INDEX enrolments_household ON enrolments(household_id);"
    "CREATE INDEX enrolments_region ON enrolments(region);"
    /* 2 = JZ_ENROL_STOPPED (asserted in sqlite_proc.c). */
    "CREATE UNIQUE INDEX enrolments_live_unit ON enrolments(household_id, member_id, programme)"
    "  WHERE status <> 2;"
    /* Monitoring:
     * (a) An alert's evidence rows, one per (indicator, row): the same feed
     *     row never raises a second alert of the same indicator for its
     *     person, resolved or not.  Filled from the alerts' evidence text;
     *     where the old scan raised two alerts of one indicator on a row,
     *     the earlier keeps it (INSERT OR IGNORE in alert order). */
    "CREATE TABLE alert_evidence("
    "  indicator INTEGER NOT NULL,"
    "  row INTEGER NOT NULL REFERENCES feed_rows(row),"
    "  alert INTEGER NOT NULL REFERENCES alerts(alert),"
    "  county TEXT NOT NULL,"
    "  PRIMARY KEY(indicator, row)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX alert_evidence_alert ON alert_evidence(alert);"
    "INSERT OR IGNORE INTO alert_evidence(indicator, row, alert, county)"
    "  SELECT a.indicator, j.value, a.alert, a.county"
    "  FROM alerts a, json_each(a.evidence) j"
    "  WHERE json_valid(a.evidence) AND j.type = 'integer'"
    "  AND j.value IN (SELECT row FROM feed_rows)"
    "  ORDER BY a.alert;"
    /* (b) 民政 (civil affairs: an alert pushed to no other department, a
     *     step naming none) was stored as the number of departments, 14,
     *     which is now 银行's number: it is 255 (JZ_DEPT_CIVIL) from now on,
     *     whatever departments are added. */
    "UPDATE alerts SET dept = 255 WHERE dept = 14;"
    "UPDATE alert_steps SET dept = 255 WHERE dept = 14;"
    /* Members: a person's own enrolment now,
     * the member-level `current` of docs/formats.md (an existing 特困 or 单人保
     * recipient: jz_member_programme, since as a jz_date, the monthly amount
     * in fen; 0 = none): three appended columns whose defaults leave every
     * stored member as it was.  insert_member binds them last and
     * read_members reads them last (the columns of `members` are read by
     * position). */
    "ALTER TABLE members ADD COLUMN current_programme INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE members ADD COLUMN current_since INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE members ADD COLUMN current_amount INTEGER NOT NULL DEFAULT 0;",
    /* 4 -> 5: integrity (issue 12).
     * - The households an import refused, kept with the import so that a
     *   resumed import reports every one of them. */
    "CREATE TABLE import_rejections("
    "  import INTEGER NOT NULL REFERENCES imports(import),"
    "  line INTEGER NOT NULL, county TEXT NOT NULL DEFAULT '',"
    "  household_id TEXT NOT NULL, message TEXT NOT NULL,"
    "  PRIMARY KEY(import, line)) STRICT, WITHOUT ROWID;"
    /* - The audit log covers the data (sqlite_audit.c, docs/integrity.md):
     *   an entry keeps the fingerprints of what its transaction changed in
     *   every table (`state`), and from here on entries are authenticated
     *   with the audit key, which is not in the database.  jz_audit_init()
     *   makes the key if there is none, computes the fingerprint of every
     *   table from its rows and writes the entry `audit.key`; the schema
     *   version is set before, so that meta's fingerprint is the one
     *   migrate() leaves.  A later migration that adds or changes tables
     *   ends the same way (with its own version), so that the log commits
     *   to the new tables. */
    "ALTER TABLE audit ADD COLUMN state BLOB NOT NULL DEFAULT x'';"
    "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '5');"
    "SELECT jz_audit_init('schema 5');",
    /* 5 -> 6: the platform's users, their sessions and the access log
     * (jz_user.h; lib/auth holds the rules, sqlite_user.c the statements).
     * - users: role by its English name, dept a jz_dept or -1, the password
     *   only as an argon2id string; locked_until, created and
     *   password_changed in unix seconds.
     * - sessions: only the BLAKE2b-256 hash of the token; revoked_at 0
     *   while live.  When a session was last used lives apart, in
     *   session_seen, the one table the audit log does not cover
     *   (sqlite_audit.c covered()): it is touched once a minute per
     *   session in use, and a touch should neither need an audit entry nor
     *   grow the log.  Everything that opens or ends a session is covered.
     * - access_log (查询留痕): appended, never changed; covered, so that an
     *   entry removed outside jiuzhu shows in `audit verify`. */
    "CREATE TABLE users("
    "  user_id INTEGER PRIMARY KEY,"
    "  login TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  role TEXT NOT NULL,"
    "  scope TEXT NOT NULL,"
    "  dept INTEGER NOT NULL,"
    "  active INTEGER NOT NULL,"
    "  password_hash TEXT NOT NULL,"
    "  failures INTEGER NOT NULL,"
    "  locked_until INTEGER NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  password_changed INTEGER NOT NULL) STRICT;"
    "CREATE INDEX users_scope ON users(scope);"
    "CREATE TABLE sessions("
    "  session_id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(user_id),"
    "  token_hash BLOB NOT NULL UNIQUE,"
    "  created INTEGER NOT NULL,"
    "  revoked_at INTEGER NOT NULL,"
    "  revoke_reason TEXT NOT NULL) STRICT;"
    "CREATE INDEX sessions_user ON sessions(user_id, revoked_at);"
    "CREATE TABLE session_seen("
    "  session_id INTEGER PRIMARY KEY REFERENCES sessions(session_id),"
    "  last_seen INTEGER NOT NULL) STRICT;"
    "CREATE TABLE access_log("
    "  access_id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  login TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  region TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  what TEXT NOT NULL) STRICT;"
    "CREATE INDEX access_log_subject ON access_log(subject, at);"
    "CREATE INDEX access_log_region ON access_log(region, at);"
    "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '6');"
    "SELECT jz_audit_init('schema 6');",
    /* 6 -> 7: payments (jz_pay.h; lib/pay holds the rules, sqlite_pay*.c
     * the statements).
     * - institutions: the care institutions 集中供养 特困 support is paid
     *   to (R-PAY-2), with their accounts.
     * - payees: who a unit's money goes to.  A change of account is a new
     *   row (version + 1) and the old one stops being current, so that a
     *   line keeps the very account it was paid to.
     * - enrol_terms: an enrolment's amount and persons from a month on (the
     *   amount in force in a period is the latest term that began by
     *   then); the terms of the enrolments stored so far begin with their
     *   first month.
     * - enrol_holds: months an enrolment is not paid (a review says so;
     *   fraud from a date), with back_pay when a hold ended in its favour.
     * - pay_dirty: enrolments changed since the last planning, whose past
     *   periods planning compares with what was owed (adjustments).
     * - pay_plans: the months planned in each county (a county's ledger
     *   starts with its first: no back pay before it).
     * - pay_lines: the ledger.  One regular line per enrolment and period
     *   (R-PAY-1), one line per person and one-time programme (R-ONCE-1),
     *   one follow-up per refused line (R-PAY-3): unique indexes say so.
     * - pay_batches: a county's lines for one bank and period (R-PAY-3).
     * - recoveries and repayments (R-PAY-4). */
    "CREATE TABLE institutions("
    "  institution INTEGER PRIMARY KEY, county TEXT NOT NULL, name TEXT NOT NULL,"
    "  holder TEXT NOT NULL, bank TEXT NOT NULL, account TEXT NOT NULL,"
    "  UNIQUE(county, name)) STRICT;"
    "CREATE TABLE payees("
    "  payee INTEGER PRIMARY KEY, county TEXT NOT NULL, household_id TEXT NOT NULL,"
    "  member_id TEXT NOT NULL, holder_name TEXT NOT NULL, holder_id TEXT NOT NULL,"
    "  bank TEXT NOT NULL, account TEXT NOT NULL, institution INTEGER NOT NULL,"
    "  version INTEGER NOT NULL, current INTEGER NOT NULL, set_at TEXT NOT NULL) STRICT;"
    "CREATE UNIQUE INDEX payees_current ON payees(household_id, member_id) WHERE current = 1;"
    "CREATE TABLE enrol_terms("
    "  enrolment INTEGER NOT NULL REFERENCES enrolments(enrolment), since TEXT NOT NULL,"
    "  county TEXT NOT NULL, monthly INTEGER NOT NULL, persons INTEGER NOT NULL,"
    "  PRIMARY KEY(enrolment, since)) STRICT, WITHOUT ROWID;"
    "INSERT INTO enrol_terms(enrolment, since, county, monthly, persons)"
    "  SELECT enrolment, first_month, county, monthly, persons FROM enrolments"
    "  WHERE first_month <> '';"
    "CREATE TABLE enrol_holds("
    "  enrolment INTEGER NOT NULL REFERENCES enrolments(enrolment), from_month TEXT NOT NULL,"
    "  to_month TEXT NOT NULL, county TEXT NOT NULL, reason TEXT NOT NULL,"
    "  back_pay INTEGER NOT NULL, PRIMARY KEY(enrolment, from_month)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE pay_dirty(enrolment INTEGER PRIMARY KEY, county TEXT NOT NULL) STRICT;"
    "CREATE TABLE pay_plans("
    "  county TEXT NOT NULL, period TEXT NOT NULL, runs INTEGER NOT NULL,"
    "  first_at TEXT NOT NULL, last_at TEXT NOT NULL,"
    "  PRIMARY KEY(county, period)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE pay_lines("
    "  line INTEGER PRIMARY KEY, county TEXT NOT NULL, region TEXT NOT NULL,"
    "  household_id TEXT NOT NULL, enrolment INTEGER NOT NULL, programme TEXT NOT NULL,"
    "  period TEXT NOT NULL, kind INTEGER NOT NULL, ref_period TEXT NOT NULL,"
    "  refers_to INTEGER NOT NULL, member_id TEXT NOT NULL, label TEXT NOT NULL,"
    "  persons INTEGER NOT NULL, amount INTEGER NOT NULL, province_share INTEGER NOT NULL,"
    "  local_share INTEGER NOT NULL, voucher INTEGER NOT NULL, payee INTEGER NOT NULL,"
    "  batch INTEGER NOT NULL, status INTEGER NOT NULL, result TEXT NOT NULL,"
    "  reason TEXT NOT NULL, planned_at TEXT NOT NULL) STRICT;"
    "CREATE UNIQUE INDEX pay_lines_regular ON pay_lines(enrolment, period) WHERE kind = 0;"
    "CREATE UNIQUE INDEX pay_lines_once ON pay_lines(programme, member_id) WHERE kind = 2;"
    "CREATE UNIQUE INDEX pay_lines_followup ON pay_lines(refers_to) WHERE kind = 3;"
    "CREATE INDEX pay_lines_enrolment ON pay_lines(enrolment, kind);"
    "CREATE INDEX pay_lines_period ON pay_lines(period, region) WHERE kind = 0;"
    "CREATE INDEX pay_lines_batch ON pay_lines(batch) WHERE batch > 0;"
    "CREATE INDEX pay_lines_household ON pay_lines(household_id);"
    "CREATE INDEX pay_lines_open ON pay_lines(county, status) WHERE status IN (0, 4, 5);"
    "CREATE TABLE pay_batches("
    "  batch INTEGER PRIMARY KEY, county TEXT NOT NULL, bank TEXT NOT NULL,"
    "  period TEXT NOT NULL, state INTEGER NOT NULL, prepared_by TEXT NOT NULL,"
    "  prepared_at TEXT NOT NULL, approved_by TEXT NOT NULL, approved_at TEXT NOT NULL,"
    "  exported_at TEXT NOT NULL, settled_at TEXT NOT NULL, lines INTEGER NOT NULL,"
    "  total INTEGER NOT NULL, file_name TEXT NOT NULL, results_sha256 TEXT NOT NULL) STRICT;"
    "CREATE INDEX pay_batches_county ON pay_batches(county, period);"
    "CREATE TABLE recoveries("
    "  recovery INTEGER PRIMARY KEY, county TEXT NOT NULL, household_id TEXT NOT NULL,"
    "  enrolment INTEGER NOT NULL, from_period TEXT NOT NULL, rule TEXT NOT NULL,"
    "  reason TEXT NOT NULL, amount INTEGER NOT NULL, balance INTEGER NOT NULL,"
    "  opened_on INTEGER NOT NULL, opened_at TEXT NOT NULL) STRICT;"
    "CREATE INDEX recoveries_household ON recoveries(household_id);"
    "CREATE TABLE repayments("
    "  repayment INTEGER PRIMARY KEY, recovery INTEGER NOT NULL REFERENCES recoveries(recovery),"
    "  county TEXT NOT NULL, amount INTEGER NOT NULL, on_date INTEGER NOT NULL,"
    "  note TEXT NOT NULL, recorded_at TEXT NOT NULL) STRICT;"
    "CREATE INDEX repayments_recovery ON repayments(recovery);"
    "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '7');"
    "SELECT jz_audit_init('schema 7');",
    /* 8: an account held for two households is found at once (一卡多户:
     * payee.c warns of it); a region's households are listed by their
     * code (the web platform's household list). */
    "CREATE INDEX payees_account ON payees(account, bank) WHERE current = 1;"
    "CREATE INDEX households_region ON households(region, household_id);"
    "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '8');"
    "SELECT jz_audit_init('schema 8');",
    /* 9: one row per household (issue 17).  A household's persons' results
     * are kept in its determination's row as text (`persons`:
     * jz__persons_pack, store_int.h), beside the sums statistics and
     * simulations add up in SQL, instead of a row each in person_results:
     * a reassessment that rewrites a province writes a million rows, not
     * 2.3 million.  The rows there are moved, in member order, in the
     * text jz__persons_pack writes. */
    "ALTER TABLE determinations ADD COLUMN persons TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE determinations ADD COLUMN tekun INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE determinations ADD COLUMN tekun_amount INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE determinations ADD COLUMN single INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE determinations ADD COLUMN single_amount INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE determinations ADD COLUMN units_amount INTEGER NOT NULL DEFAULT 0;"
    "UPDATE determinations AS d SET (persons, tekun, tekun_amount, single, single_amount,"
    "  units_amount) = (SELECT group_concat(idx || ',' || categories || ',' || care_level"
    "  || ',' || monthly_amount || ',' || single_rule || ',' || tmp_rule || ',' || tmp_amount"
    "  || ',' || referrals || ',' || death_check_due || ',' || death_change_from, ';'), "
    "sum((categories & 8) <> 0),"
    "  sum(CASE WHEN categories & 8 THEN monthly_amount ELSE 0 END),"
    "  sum((categories & 4) <> 0), sum(CASE WHEN categories & 4 THEN monthly_amount ELSE 0 END),"
    "  sum(CASE WHEN categories & 12 THEN monthly_amount ELSE 0 END)"
    "  FROM (SELECT * FROM person_results p WHERE p.hh = d.hh ORDER BY p.idx))"
    " WHERE d.hh IN (SELECT hh FROM person_results);"
    "DROP TABLE person_results;"
    "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '9');"
    "SELECT jz_audit_init('schema 9');",
    /* 10: a determination's run and parameters are one key, (run, pv) to
     * param_values(run, pv), in place of a key each to runs and to
     * param_values: it also says that the parameters are the run's own
     * (param_values.run is a key to runs), and PostgreSQL checks one key
     * per row written instead of two (6 s of a first assessment of a
     * million households there: docs/scaling.md).  SQLite cannot change a
     * table's keys: the table is made again, its rows copied in order. */
    "CREATE UNIQUE INDEX IF NOT EXISTS param_values_run_pv ON param_values(run, pv);"
    "CREATE TABLE determinations_10("
    "  hh INTEGER PRIMARY KEY REFERENCES households(hh) ON DELETE CASCADE,"
    "  county TEXT NOT NULL,"
    "  run INTEGER NOT NULL,"
    "  pv INTEGER NOT NULL,"
    "  assess_date INTEGER NOT NULL,"
    "  category INTEGER NOT NULL, causes INTEGER NOT NULL,"
    "  monthly_amount INTEGER NOT NULL, counted_members INTEGER NOT NULL,"
    "  standard INTEGER NOT NULL, income INTEGER NOT NULL, deductible INTEGER NOT NULL,"
    "  financial INTEGER NOT NULL, exit_until INTEGER NOT NULL,"
    "  decisive TEXT NOT NULL, record_version INTEGER NOT NULL DEFAULT 0,"
    "  persons TEXT NOT NULL DEFAULT '', tekun INTEGER NOT NULL DEFAULT 0,"
    "  tekun_amount INTEGER NOT NULL DEFAULT 0, single INTEGER NOT NULL DEFAULT 0,"
    "  single_amount INTEGER NOT NULL DEFAULT 0, units_amount INTEGER NOT NULL DEFAULT 0,"
    "  FOREIGN KEY(run, pv) REFERENCES param_values(run, pv)) STRICT;"
    "INSERT INTO determinations_10 SELECT hh, county, run, pv, assess_date, category, causes,"
    "  monthly_amount, counted_members, standard, income, deductible, financial, exit_until,"
    "  decisive, record_version, persons, tekun, tekun_amount, single, single_amount,"
    "  units_amount FROM determinations ORDER BY hh;"
    "DROP TABLE determinations;"
    "ALTER TABLE determinations_10 RENAME TO determinations;"
    "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '10');"
    "SELECT jz_audit_init('schema 10');",
};
_Static_assert(JZ_PCAT_TEKUN == 8 && JZ_PCAT_SINGLE_DIBAO == 4,
               "migration 9 names the person categories 特困 (8) and 单人保 (4)");
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(sizeof migrations / sizeof migrations[0] == JZ_STORE_SCHEMA_VERSION,
               "one migration per schema version");

static int read_version(sq *q)
{
    sqlite3_stmt *st = NULL;
    int v = 0;
    if (sqlite3_prepare_v2(q->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0); /* the text we wrote, read as a number */
    sqlite3_finalize(st);
    return v;
}

/* Brings the schema to `target` (tests use a lower one to build old files). */
static jz_err migrate(sq *q, int target, jz_error *err)
{
    int v = read_version(q);
    if (v > N_MIGRATIONS)
        return jz_error_set(err, JZ_EINPUT, "schema_version", NULL,
                            "数据库由更新版本的 jiuzhu 创建（模式版本 %d），请升级 jiuzhu", v);
    if (v >= target)
        return JZ_OK;
    jz_err rc = jz__sq_exec(q, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    for (int i = v; i < target && !rc; i++) {
        rc = jz__sq_exec(q, migrations[i], err);
        if (rc)
            rc = jz__sq_audit_init_error(q, rc, err);
        if (!rc) {
            char sql[128];
            snprintf(sql, sizeof sql,
                     "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '%d')",
                     i + 1);
            rc = jz__sq_exec(q, sql, err);
        }
    }
    if (rc) {
        jz__sq_exec(q, "ROLLBACK", NULL);
        return rc;
    }
    return jz__sq_exec(q, "COMMIT", err);
}

static jz_err prepare(sq *q, sqlite3_stmt **st, const char *sql, jz_error *err)
{
    if (sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "prepare");
    return JZ_OK;
}

/* ---- checkpoints --------------------------------------------------------- */

/* Copying the write-ahead log back into the database (a checkpoint) is a
 * third of a bulk writer's time when the writer does it itself, after a
 * commit.  Instead a thread with its own connection does it, on another
 * core, while the writer goes on: SQLite lets a passive checkpoint run beside
 * a writer, copying the frames already committed.
 *
 * The log only starts from the beginning again when a write transaction
 * begins with it wholly copied back, which a checkpointer always a commit
 * behind never allows by chance; so once the log has grown past
 * CKPT_RESTART_BYTES the writer waits for the checkpoint in progress before
 * it begins.  Waiting at every commit would cost a bulk import a tenth of its
 * time; the price is a log up to about that size beside the database. */
#define CKPT_BYTES (64 << 20)          /* in the log before a checkpoint */
#define CKPT_RESTART_BYTES (1LL << 30) /* start the log again */

static void *checkpointer(void *arg)
{
    sq *q = arg;
    pthread_mutex_lock(&q->ck.mu);
    for (;;) {
        while (!q->ck.wanted && !q->ck.stop)
            pthread_cond_wait(&q->ck.cv, &q->ck.mu);
        if (q->ck.stop)
            break;
        q->ck.wanted = false;
        q->ck.running = true;
        pthread_mutex_unlock(&q->ck.mu);
        /* Failure (busy, I/O) is not fatal: the log just grows until the
         * next try, or until the connection closes and checkpoints. */
        sqlite3_wal_checkpoint_v2(q->ck.db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&q->ck.mu);
        q->ck.running = false;
        pthread_cond_broadcast(&q->ck.cv);
    }
    pthread_mutex_unlock(&q->ck.mu);
    return NULL;
}

/* Starts the checkpointer (a thread with a second connection).  False if it
 * cannot: the writer then checkpoints itself. */
static bool start_checkpointer(sq *q)
{
    const char *path = sqlite3_db_filename(q->db, "main");
    if (!path || sqlite3_open_v2(path, &q->ck.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(q->ck.db);
        q->ck.db = NULL;
        return false;
    }
    sqlite3_busy_timeout(q->ck.db, 1000);
    /* A connection learns that the file is in WAL mode when it first reads
     * it; until then it would not checkpoint. */
    sqlite3_exec(q->ck.db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    pthread_mutex_init(&q->ck.mu, NULL);
    pthread_cond_init(&q->ck.cv, NULL);
    if (pthread_create(&q->ck.tid, NULL, checkpointer, q) == 0)
        return q->ck.started = true;
    pthread_mutex_destroy(&q->ck.mu);
    pthread_cond_destroy(&q->ck.cv);
    sqlite3_close(q->ck.db);
    q->ck.db = NULL;
    return false;
}

/* Called by SQLite on the writer's thread after each commit (it replaces
 * SQLite's own automatic checkpoint).  The checkpointer starts the first
 * time the log is long enough to need it: most commands never write that
 * much and so never pay for a thread and a second connection. */
static int wal_committed(void *arg, sqlite3 *db, const char *name, int frames)
{
    sq *q = arg;
    q->ck.frames = frames;
    if ((long long)frames * q->page_size < CKPT_BYTES)
        return SQLITE_OK;
    if (!q->ck.started && !q->ck.failed)
        q->ck.failed = !start_checkpointer(q);
    if (!q->ck.started) {
        /* No thread: a passive checkpoint here, as SQLite's own would. */
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    pthread_mutex_lock(&q->ck.mu);
    q->ck.wanted = true;
    pthread_cond_broadcast(&q->ck.cv);
    pthread_mutex_unlock(&q->ck.mu);
    return SQLITE_OK;
}

/* Before a write transaction: lets the log start again (see above). */
static void checkpoint_caught_up(sq *q)
{
    if (!q->ck.started || (long long)q->ck.frames * q->page_size < CKPT_RESTART_BYTES)
        return;
    pthread_mutex_lock(&q->ck.mu);
    while ((q->ck.wanted || q->ck.running) && !q->ck.stop)
        pthread_cond_wait(&q->ck.cv, &q->ck.mu);
    pthread_mutex_unlock(&q->ck.mu);
    q->ck.frames = 0;
}

/* Installs the commit hook; the page size turns its limits into pages. */
static void watch_log(sq *q)
{
    sqlite3_stmt *ps = NULL;
    q->page_size = 4096;
    if (sqlite3_prepare_v2(q->db, "PRAGMA page_size", -1, &ps, NULL) == SQLITE_OK &&
        sqlite3_step(ps) == SQLITE_ROW)
        q->page_size = sqlite3_column_int(ps, 0);
    sqlite3_finalize(ps);
    sqlite3_wal_hook(q->db, wal_committed, q);
}

static void stop_checkpointer(sq *q)
{
    if (q->ck.started) {
        pthread_mutex_lock(&q->ck.mu);
        q->ck.stop = true;
        pthread_cond_signal(&q->ck.cv);
        pthread_mutex_unlock(&q->ck.mu);
        pthread_join(q->ck.tid, NULL);
        pthread_mutex_destroy(&q->ck.mu);
        pthread_cond_destroy(&q->ck.cv);
        q->ck.started = false;
    }
    sqlite3_close(q->ck.db); /* not the last connection: no checkpoint */
    q->ck.db = NULL;
}

/* ---- taking turns at writing ---------------------------------------------- */

/* SQLite lets one writer in at a time and has a waiting writer poll for the
 * lock.  A bulk writer that commits a batch and at once begins the next wins
 * nearly every time against a poller, so that during an import a caseworker's
 * one-row change used to fail after the timeout.  jiuzhu's writers therefore
 * queue at a turnstile first: a one-byte lock on a file beside the database
 * (DB-lock), held from before BEGIN IMMEDIATE until the write lock is taken.
 * A writer waiting for the database holds the turnstile, so the bulk writer,
 * which must pass the turnstile before its next batch, waits for it: a short
 * write gets in after at most the batch in progress.  The locks are open
 * file description locks (F_OFD_SETLK): one per connection, threads of one
 * process included, and closing another descriptor of the file cannot drop
 * them.  Where the file cannot be made (a read-only folder) writers still
 * work, only without the queue.
 *
 * A writer waits at most busy_limit_ms for the turnstile and as long again
 * for the database (JIUZHU_BUSY_TIMEOUT seconds, default 30), polling with
 * back-off up to 20 ms, then fails with JZ_EBUSY having written nothing. */
#define BUSY_DEFAULT_S 30
#define BUSY_MAX_S 3600

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long busy_limit_ms(void)
{
    const char *v = getenv("JIUZHU_BUSY_TIMEOUT");
    if (!v || !*v)
        return BUSY_DEFAULT_S * 1000L;
    char *end;
    errno = 0;
    long s = strtol(v, &end, 10);
    if (errno || *end || s < 0 || s > BUSY_MAX_S)
        return BUSY_DEFAULT_S * 1000L;
    return s * 1000L;
}

static void nap(int attempt)
{
    static const int ms[] = {1, 2, 4, 8, 12, 16};
    int k = attempt < 6 ? ms[attempt] : 20;
    struct timespec ts = {0, (long)k * 1000000L};
    nanosleep(&ts, NULL);
}

static int busy_wait(void *arg, int count)
{
    sq *q = arg;
    double now = mono_ms();
    if (count == 0)
        q->busy_start = now;
    if (now - q->busy_start >= (double)q->busy_limit_ms)
        return 0;
    nap(count);
    return 1;
}

static void open_turnstile(sq *q, const char *path)
{
    char lock[4096];
    q->turn_fd = -1;
    if (snprintf(lock, sizeof lock, "%s-lock", path) >= (int)sizeof lock)
        return;
    /* 0666 less the umask: 0600, or 0640 where JIUZHU_FILE_MODE asks. */
    q->turn_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
}

/* Takes (F_WRLCK) or gives back (F_UNLCK) byte `at` of DB-lock without
 * waiting: 0, or -1 with errno (EAGAIN or EACCES: someone holds it). */
static int lock_byte(sq *q, off_t at, short type)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = at;
    fl.l_len = 1;
    return fcntl(q->turn_fd, F_OFD_SETLK, &fl);
}

/* Takes (F_WRLCK) or gives back (F_UNLCK) the turnstile, byte 0.  False only
 * when the wait ran out; a file system without such locks lets everyone by. */
static bool turnstile(sq *q, short type)
{
    if (q->turn_fd < 0)
        return true;
    double start = mono_ms();
    for (int attempt = 0;; attempt++) {
        if (lock_byte(q, 0, type) == 0)
            return true;
        if (errno != EAGAIN && errno != EACCES && errno != EINTR)
            return true; /* no locks here: no queue */
        if (mono_ms() - start >= (double)q->busy_limit_ms)
            return false;
        nap(attempt);
    }
}

static void queue_give(sq *q);

static void sq_close(void *impl)
{
    sq *q = impl;
    if (!q)
        return;
    if (q->in_tx)
        jz__sq_exec(q, "ROLLBACK", NULL);
    queue_give(q);
    if (q->turn_fd >= 0)
        close(q->turn_fd);
    stop_checkpointer(q);
    /* Every statement of the connection, cached or not, so that closing
     * never fails (and leaks the connection) because one was left over. */
    sqlite3_stmt *st;
    while (q->db && (st = sqlite3_next_stmt(q->db, NULL)) != NULL)
        sqlite3_finalize(st);
    sqlite3_close(q->db);
    jz__pv_map_clear(&q->pv_cache);
    free(q);
}

/* Opens with a schema at `target` (JZ_STORE_SCHEMA_VERSION normally). */
static jz_err open_at(const char *path, int flags, int target, void **impl, jz_error *err)
{
    struct stat stt;
    bool exists = stat(path, &stt) == 0;
    if ((flags & JZ_STORE_CREATE) && exists)
        return jz_error_set(err, JZ_EINPUT, "database", path, "数据库文件已存在");
    /* The audit key a new database would make (JIUZHU_AUDIT_KEY, else beside
     * it), and whether it is there before: an init that fails removes what
     * it made, so that it can be run again (a key that was there stays). */
    char key[PATH_MAX + 16] = "";
    bool key_was = true;
    if (flags & JZ_STORE_CREATE) {
        jz__audit_key_path(path, key, sizeof key);
        key_was = stat(key, &stt) == 0;
    }
    if (!(flags & JZ_STORE_CREATE) && !exists)
        return jz_error_set(err, JZ_ENOTFOUND, "database", path,
                            "数据库文件不存在（先用 jiuzhu init 创建）");
    sq *q = calloc(1, sizeof *q);
    if (!q)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    snprintf(q->actor, sizeof q->actor, "unknown");
    q->turn_fd = -1;
    q->busy_limit_ms = busy_limit_ms();
    int oflags = (flags & JZ_STORE_READONLY) ? SQLITE_OPEN_READONLY
                                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    jz_err rc = JZ_OK;
    if (sqlite3_open_v2(path, &q->db, oflags, NULL) != SQLITE_OK) {
        rc = jz_error_set(err, JZ_EIO, "database", path, "无法打开数据库：%s",
                          q->db ? sqlite3_errmsg(q->db) : "?");
        goto fail;
    }
    sqlite3_busy_handler(q->db, busy_wait, q);
    if (!(flags & JZ_STORE_READONLY))
        open_turnstile(q, path);
    /* 64 MiB of page cache: enough for the upper levels of every index a
     * bulk writer touches; a larger one (256 MiB was tried) only grows by
     * allocating pages while a batch is written, and measured about 7 %
     * slower on a 1,000,000-household import. */
    if ((rc = jz__sq_exec(q, "PRAGMA foreign_keys = ON", err)) ||
        (rc = jz__sq_exec(q, "PRAGMA cache_size = -65536", err)) ||
        (rc = jz__sq_exec(q, "PRAGMA temp_store = MEMORY", err)))
        goto fail;
    if (!(flags & JZ_STORE_READONLY)) {
        /* 16 KiB pages, set before the first table: a registry is written
         * and read in bulk, and larger pages mean fewer page splits, log
         * frames and checkpoint copies (a 1,000,000-household import
         * measured about a tenth faster than with 4 KiB). */
        if ((flags & JZ_STORE_CREATE) && (rc = jz__sq_exec(q, "PRAGMA page_size = 16384", err)))
            goto fail;
        if ((rc = jz__sq_exec(q, "PRAGMA journal_mode = WAL", err)) ||
            (rc = jz__sq_exec(q, "PRAGMA synchronous = FULL", err)) ||
            (rc = jz__sq_audit_open(q, path, flags, err)) || /* before jz_audit_init() */
            (rc = migrate(q, target, err)))
            goto fail;
        watch_log(q);
    }
    q->version = read_version(q);
    if (q->version == 0) {
        rc = jz_error_set(err, JZ_EINPUT, "database", path, "不是 jiuzhu 数据库");
        goto fail;
    }
    if (q->version < JZ_STORE_SCHEMA_VERSION)
        goto done; /* an old schema: only tests open files like this */
    if ((rc = prepare(q, &q->find_hh, "SELECT hh FROM households WHERE household_id = ?", err)) ||
        (rc = prepare(q, &q->insert_hh,
                      "INSERT INTO households(household_id, county, region, area, assess_date,"
                      " current_programme, current_since, current_amount, n_members)"
                      " VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(household_id) DO NOTHING",
                      err)) ||
        (rc = prepare(q, &q->delete_hh, "DELETE FROM households WHERE hh = ?", err)) ||
        (rc = prepare(q, &q->old_record, "SELECT record FROM household_records WHERE hh = ?",
                      err)) ||
        (rc = prepare(q, &q->update_hh,
                      "UPDATE households SET county=?2, region=?3, area=?4, assess_date=?5,"
                      " current_programme=?6, current_since=?7, current_amount=?8,"
                      " n_members=?9, version = version + 1 WHERE hh=?1",
                      err)) ||
        (rc = prepare(q, &q->put_record,
                      "INSERT OR REPLACE INTO household_records VALUES(?,?,?,?,?)", err)) ||
        (rc = prepare(q, &q->keep_record,
                      "INSERT INTO household_record_history SELECT r.hh, h.version, r.county,"
                      " r.record, r.source, r.updated_at, ?2, ?3 FROM household_records r"
                      " JOIN households h ON h.hh = r.hh WHERE r.hh = ?1",
                      err)) ||
        (rc = prepare(q, &q->delete_members, "DELETE FROM members WHERE hh = ?", err)) ||
        (rc = prepare(q, &q->move_enrol,
                      "UPDATE enrolments SET region = ?2, county = ?3 WHERE household_id = ?1"
                      " AND (?4 >> status) & 1 AND region <> ?2",
                      err)) ||
        (rc = prepare(q, &q->insert_member,
                      "INSERT INTO members VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                      "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                      err)) ||
        (rc = prepare(q, &q->owner,
                      "SELECT h.household_id FROM members m JOIN households h ON h.hh = m.hh"
                      " WHERE m.id_number = ?",
                      err)) ||
        (rc = prepare(q, &q->insert_det,
                      "INSERT INTO determinations"
                      " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                      err)) ||
        (rc = prepare(q, &q->insert_pv,
                      "INSERT INTO param_values(run, county, assess_date, params)"
                      " VALUES(?,?,?,?)",
                      err)))
        goto fail;
done:
    *impl = q;
    return JZ_OK;
fail:
    sq_close(q);
    if (flags & JZ_STORE_CREATE) {
        jz__sq_remove_files(path);
        if (!key_was)
            unlink(key);
    }
    return rc;
}

static jz_err sq_audit(void *impl, const char *county, const char *action, const char *entity,
                       const char *before, const char *after, jz_error *err)
{
    return jz__sq_audit(impl, county, action, entity, before, after, err);
}

static void sq_set_actor(void *impl, const char *actor)
{
    sq *q = impl;
    snprintf(q->actor, sizeof q->actor, "%s", actor);
}

/* Before SQLite is first used: no allocation statistics (they take a global
 * mutex on every malloc), and multi-thread mode (each connection is used by
 * one thread at a time), so that SQLite takes no locks of its own. */
__attribute__((constructor)) static void configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}

static jz_err sq_open(const char *path, int flags, void **impl, jz_error *err)
{
    return open_at(path, flags, JZ_STORE_SCHEMA_VERSION, impl, err);
}

/* For the migration test: a database left at an older schema version. */
jz_err jz__sqlite_create_at_version(const char *path, int version, jz_error *err);
jz_err jz__sqlite_create_at_version(const char *path, int version, jz_error *err)
{
    void *impl = NULL;
    jz_err rc = open_at(path, JZ_STORE_CREATE, version, &impl, err);
    sq_close(impl);
    return rc;
}

static int sq_version(const void *impl)
{
    return ((const sq *)impl)->version;
}

static void sq_rollback(void *impl);

/* The writers of one process (the server's worker threads) queue on a
 * mutex before the turnstile, and hold it until they commit or roll back:
 * the next writer is handed the database the moment the previous one is
 * done, instead of polling for SQLite's lock with naps (a server's writes
 * at once otherwise left the lock idle between commits).  The wait is
 * bounded like the others (busy_limit_ms), then JZ_EBUSY. */
static pthread_mutex_t writers = PTHREAD_MUTEX_INITIALIZER;

static bool queue_take(sq *q)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    long ms = q->busy_limit_ms;
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    if (pthread_mutex_timedlock(&writers, &until) != 0)
        return false;
    q->queued = true;
    return true;
}

static void queue_give(sq *q)
{
    if (q->queued) {
        q->queued = false;
        pthread_mutex_unlock(&writers);
    }
}

static jz_err sq_begin(void *impl, jz_error *err)
{
    sq *q = impl;
    checkpoint_caught_up(q);
    if (!queue_take(q))
        return jz__sq_busy_error(q, err);
    if (!turnstile(q, F_WRLCK)) {
        queue_give(q);
        return jz__sq_busy_error(q, err);
    }
    jz_err rc = jz__sq_exec1(q, "BEGIN IMMEDIATE", err);
    turnstile(q, F_UNLCK);
    if (!rc) {
        q->in_tx = 1;
        q->changes_at_begin = sqlite3_total_changes64(q->db);
    } else {
        queue_give(q);
    }
    return rc;
}

/* With foreign keys on, SQLite looks each row's parents up as it writes
 * the row: for the 2.3 million rows of a million households'
 * determinations and person results, 0.85 s of a 6.2 s reassessment.
 * PRAGMA foreign_key_check over the two tables afterwards takes 0.2 s.  The
 * pragma is a no-op inside a transaction: it is set before BEGIN and put
 * back after the COMMIT or ROLLBACK. */
static jz_err sq_begin_keyed(void *impl, const char *const *tables, jz_error *err)
{
    sq *q = impl;
    jz_err rc = jz__sq_exec(q, "PRAGMA foreign_keys = OFF", err);
    if (!rc && (rc = sq_begin(q, err)))
        jz__sq_exec(q, "PRAGMA foreign_keys = ON", NULL);
    if (!rc)
        q->keyed = tables;
    return rc;
}

static void keys_back(sq *q)
{
    if (q->keyed && !q->in_tx) {
        q->keyed = NULL;
        jz__sq_exec(q, "PRAGMA foreign_keys = ON", NULL);
    }
}

/* The foreign keys of the keyed tables' rows, before the commit. */
static jz_err check_keys(sq *q, jz_error *err)
{
    jz_err rc = JZ_OK;
    for (const char *const *t = q->keyed; *t && !rc; t++) {
        char *sql = sqlite3_mprintf("PRAGMA foreign_key_check(\"%w\")", *t);
        sqlite3_stmt *st = NULL;
        if (!sql || sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
            rc = sql ? jz__sq_error(q, err, "核对外键")
                     : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        } else {
            int s = sqlite3_step(st);
            char row[40] = ""; /* (a WITHOUT ROWID table's row has no number) */
            if (s == SQLITE_ROW && sqlite3_column_type(st, 1) == SQLITE_INTEGER)
                snprintf(row, sizeof row, "（第 %lld 行）", (long long)sqlite3_column_int64(st, 1));
            if (s == SQLITE_ROW)
                rc = jz_error_set(err, JZ_EIO, "table", *t,
                                  "写入的一行%s引用了表 %s 中不存在的记录，整批未写入", row,
                                  (const char *)sqlite3_column_text(st, 2));
            else if (s != SQLITE_DONE)
                rc = jz__sq_error(q, err, "核对外键");
        }
        sqlite3_finalize(st);
        sqlite3_free(sql);
    }
    return rc;
}

static jz_err sq_commit(void *impl, jz_error *err)
{
    sq *q = impl;
    jz_err rc = q->keyed ? check_keys(q, err) : JZ_OK;
    if (rc) {
        sq_rollback(q);
        return rc;
    }
    /* The transaction's audit entries: its households, and what it changed
     * in every table (sqlite_audit.c). */
    rc = jz__sq_audit_commit(q, err);
    if (rc) {
        sq_rollback(q);
        return rc;
    }
    rc = jz__sq_exec1(q, "COMMIT", err);
    if (rc) {
        sq_rollback(q); /* a COMMIT refused leaves the transaction open */
        return rc;
    }
    q->in_tx = 0;
    keys_back(q);
    queue_give(q);
    return rc;
}

static void sq_rollback(void *impl)
{
    sq *q = impl;
    if (q->in_tx)
        jz__sq_exec(q, "ROLLBACK", NULL);
    q->in_tx = 0;
    keys_back(q);
    queue_give(q);
}

/* ---- households ------------------------------------------------------------ */

/* Parameters 2 to 9 of insert_hh and update_hh, through jz__sq_row_* (the
 * audit log's digest of an inserted row comes from these values). */
static void bind_household(sq *q, sqlite3_stmt *st, const jz_household *h, const char *county)
{
    jz__sq_row_text(q, st, 2, county);
    jz__sq_row_text(q, st, 3, h->region.code);
    jz__sq_row_int(q, st, 4, h->area);
    jz__sq_row_int(q, st, 5, h->assess_date);
    jz__sq_row_int(q, st, 6, h->current_programme);
    jz__sq_row_int(q, st, 7, h->current_since);
    jz__sq_row_int(q, st, 8, h->current_amount);
    jz__sq_row_int(q, st, 9, (int)h->n_members);
}

static jz_err insert_member(sq *q, int64_t hh, int idx, const char *county, const jz_member *m,
                            jz__member_clash *clash, jz_error *err)
{
    sqlite3_stmt *st = q->insert_member;
    int c = 1;
    sqlite3_reset(st);
    /* Bound through jz__sq_row_*: the audit log's digest of the row comes
     * from these values (sqlite_audit.c). */
    jz__sq_row_begin(q);
    jz__sq_row_int(q, st, c++, hh);
    jz__sq_row_int(q, st, c++, idx);
    jz__sq_row_text(q, st, c++, county);
    jz__sq_row_text(q, st, c++, m->id);
    jz__sq_row_text(q, st, c++, m->name ? m->name : "");
    jz__sq_row_int(q, st, c++, m->birth);
    jz__sq_row_int(q, st, c++, m->deceased);
    jz__sq_row_int(q, st, c++, m->relation);
    jz__sq_row_int(q, st, c++, m->presence);
    jz__sq_row_int(q, st, c++, m->employment);
    jz__sq_row_int(q, st, c++, m->hardship);
    jz__sq_row_int(q, st, c++, m->disability);
    jz__sq_row_int(q, st, c++, m->disability_grade);
    jz__sq_row_int(q, st, c++, m->student_level);
    jz__sq_row_int(q, st, c++, m->self_care_failed);
    jz__sq_row_int(q, st, c++, jz__member_flags(m));
    jz__sq_row_int(q, st, c++, m->n_supporters);
    jz__sq_row_int(q, st, c++, m->supporters_unable);
    jz__sq_row_int(q, st, c++, (sqlite3_int64)m->supporter_status);
    jz__sq_row_int(q, st, c++, m->months_without_income);
    jz__sq_row_int(q, st, c++, m->vehicles);
    jz__sq_row_int(q, st, c++, m->extra_houses);
    jz__sq_row_int(q, st, c++, m->financial);
    for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
        jz__sq_row_int(q, st, c++, m->income[k]);
    jz__sq_row_int(q, st, c++, m->income_not_counted);
    for (int k = 0; k < JZ_EXP_COUNT; k++)
        jz__sq_row_int(q, st, c++, m->expenses[k]);
    jz__sq_row_int(q, st, c++, m->current_programme); /* schema 4 */
    jz__sq_row_int(q, st, c++, m->current_since);
    jz__sq_row_int(q, st, c++, m->current_amount);
    jz__sq_row_ready(q, "members");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return JZ_OK;
    if (sqlite3_extended_errcode(q->db) == SQLITE_CONSTRAINT_UNIQUE) {
        /* This person belongs to another household already: the fact, for
         * store.c to word (R-HH-3). */
        clash->member = idx;
        snprintf(clash->other, sizeof clash->other, "?");
        sqlite3_reset(q->owner);
        sqlite3_bind_text(q->owner, 1, m->id, -1, SQLITE_STATIC);
        if (sqlite3_step(q->owner) == SQLITE_ROW)
            jz__sq_copy_text(clash->other, sizeof clash->other, q->owner, 0);
        sqlite3_reset(q->owner);
        return JZ_EINPUT;
    }
    return jz__sq_error(q, err, "写入成员");
}

/* For a household about to replace its stored version: the first person
 * who belongs to another household (R-HH-3), in *clash. */
static jz_err check_owners(sq *q, const jz_household *h, jz__member_clash *clash, jz_error *err)
{
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        sqlite3_reset(q->owner);
        sqlite3_bind_text(q->owner, 1, m->id, -1, SQLITE_STATIC);
        int st = sqlite3_step(q->owner);
        if (st == SQLITE_ROW) {
            char other[JZ_HOUSEHOLD_ID_MAX];
            jz__sq_copy_text(other, sizeof other, q->owner, 0);
            sqlite3_reset(q->owner);
            if (strcmp(other, h->household_id) != 0) {
                clash->member = (int)i;
                memcpy(clash->other, other, sizeof clash->other);
                return JZ_EINPUT;
            }
        } else {
            sqlite3_reset(q->owner);
            if (st != SQLITE_DONE)
                return jz__sq_error(q, err, "查找成员");
        }
    }
    return JZ_OK;
}

static jz_err sq_put_household(void *impl, const jz_household *h, const char *record,
                               const char *source, jz__member_clash *clash, char **replaced,
                               jz_error *err)
{
    sq *q = impl;
    *replaced = NULL;
    char county[7], now[32];
    jz_region_county(&h->region, county);
    jz__now_text(now, sizeof now);
    /* Nothing of a refused household may stay, without a savepoint per
     * household (it would cost a copy of every page it touches).
     *
     * A new household, the common case of a bulk import, is inserted
     * straight away: the UNIQUE index on household_id says whether it
     * exists, and the UNIQUE index on id_number whether one of its people
     * belongs to another household (R-HH-3, found in insert_member).  If
     * one does, the household is deleted again, and its record and members
     * with it (ON DELETE CASCADE).
     *
     * A household that exists is replaced only after R-HH-3 has been checked
     * for each person, because deleting would not bring its old version
     * back.  Either way, any other failure is an I/O error that makes the
     * caller roll back its whole transaction. */
    jz_err rc = JZ_OK;
    int64_t hh = 0;
    sqlite3_reset(q->insert_hh);
    jz__sq_row_begin_rowid(q); /* hh: SQLite gives it */
    jz__sq_row_text(q, q->insert_hh, 1, h->household_id);
    bind_household(q, q->insert_hh, h, county);
    jz__sq_row_default(q, 1); /* version: the column's default */
    jz__sq_row_ready(q, "households");
    int s = sqlite3_step(q->insert_hh);
    sqlite3_reset(q->insert_hh);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "写入户");
    bool is_new = sqlite3_changes(q->db) == 1;
    if (is_new) {
        hh = sqlite3_last_insert_rowid(q->db);
    } else {
        if ((rc = check_owners(q, h, clash, err)))
            return rc;
        sqlite3_reset(q->find_hh);
        sqlite3_bind_text(q->find_hh, 1, h->household_id, -1, SQLITE_STATIC);
        s = sqlite3_step(q->find_hh);
        if (s == SQLITE_ROW)
            hh = sqlite3_column_int64(q->find_hh, 0);
        sqlite3_reset(q->find_hh);
        if (s != SQLITE_ROW)
            return jz__sq_error(q, err, "查找户");
        /* Replacing: the old record is kept as a version of the household
         * (household_record_history), the old members go, and the old
         * determination stays, computed from the previous version: show
         * and stats say it is not yet assessed since the change. */
        char *old_record = NULL;
        sqlite3_reset(q->old_record);
        sqlite3_bind_int64(q->old_record, 1, hh);
        if (sqlite3_step(q->old_record) == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(q->old_record, 0);
            old_record = strdup(t ? (const char *)t : "");
        }
        sqlite3_reset(q->old_record);
        if (!old_record)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        *replaced = old_record; /* nothing entered is lost: store.c audits it */
        sqlite3_reset(q->keep_record);
        sqlite3_bind_int64(q->keep_record, 1, hh);
        sqlite3_bind_text(q->keep_record, 2, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(q->keep_record, 3, q->actor, -1, SQLITE_STATIC);
        s = sqlite3_step(q->keep_record);
        sqlite3_reset(q->keep_record);
        if (s != SQLITE_DONE)
            return jz__sq_error(q, err, "保存户记录的旧版本");
        sqlite3_reset(q->delete_members);
        sqlite3_bind_int64(q->delete_members, 1, hh);
        if (sqlite3_step(q->delete_members) != SQLITE_DONE)
            return jz__sq_error(q, err, "替换户");
        sqlite3_reset(q->update_hh);
        sqlite3_bind_int64(q->update_hh, 1, hh);
        bind_household(q, q->update_hh, h, county);
        s = sqlite3_step(q->update_hh);
        sqlite3_reset(q->update_hh);
        if (s != SQLITE_DONE)
            return jz__sq_error(q, err, "写入户");
        /* A household that moved takes its live enrolments along: they are
         * listed, scoped and paid where it lives now.  Which statuses are
         * live is the common layer's (jz__live_statuses), bound. */
        sqlite3_reset(q->move_enrol);
        sqlite3_bind_text(q->move_enrol, 1, h->household_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q->move_enrol, 2, h->region.code, -1, SQLITE_STATIC);
        sqlite3_bind_text(q->move_enrol, 3, county, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q->move_enrol, 4, jz__live_statuses());
        s = sqlite3_step(q->move_enrol);
        sqlite3_reset(q->move_enrol);
        if (s != SQLITE_DONE)
            return jz__sq_error(q, err, "更新救助对象的地区");
    }
    sqlite3_reset(q->put_record);
    jz__sq_row_begin(q); /* the audit log's digest from these values */
    jz__sq_row_int(q, q->put_record, 1, hh);
    jz__sq_row_text(q, q->put_record, 2, county);
    jz__sq_row_text(q, q->put_record, 3, record);
    jz__sq_row_text(q, q->put_record, 4, source ? source : "");
    jz__sq_row_text(q, q->put_record, 5, now);
    jz__sq_row_ready(q, "household_records");
    s = sqlite3_step(q->put_record);
    sqlite3_reset(q->put_record);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "写入户记录");
    for (uint32_t i = 0; i < h->n_members; i++) {
        if ((rc = insert_member(q, hh, (int)i, county, &h->members[i], clash, err))) {
            sqlite3_reset(q->insert_member);
            if (rc == JZ_EINPUT && is_new) {
                /* R-HH-3: take the new household out again, whole. */
                sqlite3_reset(q->delete_hh);
                sqlite3_bind_int64(q->delete_hh, 1, hh);
                s = sqlite3_step(q->delete_hh);
                sqlite3_reset(q->delete_hh);
                if (s == SQLITE_DONE)
                    return rc;      /* not stored after all */
                clash->member = -1; /* the error is the failed delete's */
                rc = jz__sq_error(q, err, "撤回户");
            }
            /* Half a household is written: only a rollback of the whole
             * transaction can undo it, so this is never an input error. */
            if (clash->member < 0)
                err->code = JZ_EIO;
            return JZ_EIO;
        }
    }
    sqlite3_reset(q->insert_member);
    return JZ_OK;
}

static jz_err sq_get_record(void *impl, const char *key, char **record, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    *record = NULL;
    if (jz__sq_cached(q,
                      "SELECT r.record FROM households h JOIN household_records r"
                      " ON r.hh = h.hh WHERE h.household_id = ?1 UNION ALL"
                      " SELECT r.record FROM members m JOIN household_records r"
                      " ON r.hh = m.hh WHERE m.id_number = ?1 LIMIT 1",
                      &st, "", NULL) != JZ_OK)
        return jz__sq_error(q, err, "查询户");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    jz_err rc = JZ_OK;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        *record = strdup(t ? t : "");
        if (!*record)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    } else if (s == SQLITE_DONE) {
        rc = jz_error_set(err, JZ_ENOTFOUND, "household_id", key, "数据库中没有这一户或这个人");
    } else {
        rc = jz__sq_error(q, err, "查询户");
    }
    jz__sq_done(q, st);
    return rc;
}

/* A row of meta (store_int.h): its value malloc'd, NULL when there is none. */
static jz_err sq_meta_get(void *impl, const char *key, bool lock, char **value, jz_error *err)
{
    (void)lock; /* one writer at a time: nothing to lock */
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    *value = NULL;
    if (jz__sq_cached(q, "SELECT value FROM meta WHERE key = ?", &st, "", NULL) != JZ_OK)
        return jz__sq_error(q, err, "读取数据的版本");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!(*value = strdup(t ? t : ""))) {
            jz__sq_done(q, st);
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        }
        r = sqlite3_step(st);
    }
    jz_err rc = jz__sq_end(q, st, r, "读取数据的版本", err);
    if (rc) {
        free(*value);
        *value = NULL;
    }
    return rc;
}

static jz_err sq_meta_put(void *impl, const char *key, const char *value, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (jz__sq_cached(q, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &st, "", NULL) !=
        JZ_OK)
        return jz__sq_error(q, err, "记下数据的版本");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return jz__sq_end(q, st, sqlite3_step(st), "记下数据的版本", err);
}

static jz_err sq_household_programme(void *impl, const char *key,
                                     char household_id[JZ_HOUSEHOLD_ID_MAX], char region[13],
                                     uint8_t *current_programme, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT household_id, region, current_programme FROM households"
                           " WHERE household_id = ?1 OR hh = (SELECT hh FROM members"
                           " WHERE id_number = ?1) LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询户");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    jz_err rc = JZ_OK;
    if (s == SQLITE_ROW) {
        jz__sq_copy_text(household_id, JZ_HOUSEHOLD_ID_MAX, st, 0);
        jz__sq_copy_text(region, 13, st, 1);
        *current_programme = (uint8_t)sqlite3_column_int(st, 2);
    } else {
        rc = s == SQLITE_DONE ? jz_error_set(err, JZ_ENOTFOUND, "household_id", key,
                                             "数据库中没有这一户或这个人")
                              : jz__sq_error(q, err, "查询户");
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- imports ----------------------------------------------------------------- */

static jz_err sq_import_begin(void *impl, const char *path, int64_t size, int64_t mtime,
                              jz_store_import *out, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof *out);
    /* A bulk import commits in batches with synchronous = NORMAL: in WAL
     * mode a killed process still loses no committed batch, and a power cut
     * can only lose the latest batches, which the import's own progress row
     * (committed with them) makes the next import redo.  Marking it
     * finished goes back to FULL first (sq_import_progress), so an import
     * that has reported success is durable. */
    jz_err src = jz__sq_exec(q, "PRAGMA synchronous = NORMAL", err);
    /* The indexes an import fills (ID numbers, household IDs) outgrow the
     * usual 64 MiB of page cache at a few hundred thousand households:
     * their pages would be written out and read back again and again.  An
     * import may use up to 512 MiB (only what it touches is taken), until
     * it is marked finished. */
    if (!src)
        src = jz__sq_exec(q, "PRAGMA cache_size = -524288", err);
    if (src)
        return src;
    /* Found or made in one write transaction, and then held (a lock on its
     * own byte of DB-lock, for as long as the store is open): two processes
     * importing the same file at once would each store every household,
     * and the second is refused instead. */
    if ((src = sq_begin(q, err)))
        return src;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT import, lines_done FROM imports WHERE path = ? AND size = ?"
                           " AND mtime = ? AND finished_at IS NULL ORDER BY import DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK) {
        src = jz__sq_error(q, err, "查询导入记录");
        sq_rollback(q);
        return src;
    }
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, size);
    sqlite3_bind_int64(st, 3, mtime);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->lines_done = (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (s != SQLITE_ROW) {
        char now[32];
        jz__now_text(now, sizeof now);
        if (sqlite3_prepare_v2(q->db,
                               "INSERT INTO imports(path, size, mtime, started_at) VALUES(?,?,?,?)",
                               -1, &st, NULL) != SQLITE_OK) {
            src = jz__sq_error(q, err, "记录导入");
            sq_rollback(q);
            return src;
        }
        sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, size);
        sqlite3_bind_int64(st, 3, mtime);
        sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        s = sqlite3_step(st);
        sqlite3_finalize(st);
        if (s != SQLITE_DONE) {
            src = jz__sq_error(q, err, "记录导入");
            sq_rollback(q);
            return src;
        }
        out->id = sqlite3_last_insert_rowid(q->db);
    }
    if (q->turn_fd >= 0) {
        /* Byte 1 + the import's number: held until the store closes. */
        if (lock_byte(q, (off_t)(1 + out->id), F_WRLCK) != 0 &&
            (errno == EAGAIN || errno == EACCES)) {
            sq_rollback(q);
            return jz_error_set(err, JZ_EBUSY, "file", path,
                                "这个文件正由另一个进程导入（导入 %lld）：请等它完成后再运行；"
                                "本次未写入任何内容",
                                (long long)out->id);
        }
    }
    return sq_commit(q, err);
}

static jz_err sq_import_progress(void *impl, const jz_store_import *imp, long lines_done,
                                 long stored, long rejected, bool finished, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    char now[32];
    jz__now_text(now, sizeof now);
    /* Finishing is its own transaction, made with FULL: syncing the WAL
     * makes every batch before it durable too. */
    if (finished && q->in_tx)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "导入完成标记须在事务之外写入");
    jz_err src = finished ? jz__sq_exec(q, "PRAGMA synchronous = FULL", err) : JZ_OK;
    if (!src && finished)
        src = jz__sq_exec(q, "PRAGMA cache_size = -65536", err);
    if (!src && finished)
        src = sq_begin(q, err); /* its own transaction, audited (sq_commit) */
    if (src)
        return src;
    if (sqlite3_prepare_v2(q->db,
                           "UPDATE imports SET lines_done = ?, stored = stored + ?,"
                           " rejected = rejected + ?, finished_at = ? WHERE import = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        src = jz__sq_error(q, err, "记录导入进度");
        if (finished)
            sq_rollback(q);
        return src;
    }
    sqlite3_bind_int64(st, 1, lines_done);
    sqlite3_bind_int64(st, 2, stored);
    sqlite3_bind_int64(st, 3, rejected);
    if (finished)
        sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_int64(st, 5, imp->id);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    src = s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "记录导入进度");
    if (finished) {
        if (src)
            sq_rollback(q);
        else
            src = sq_commit(q, err);
    }
    return src;
}

/* ---- snapshot -------------------------------------------------------------- */

/* Reading a snapshot: one job per half of the households' keys, each on
 * its own connection in one read transaction of its own (WAL lets readers
 * run side by side), reading its households and then their members into
 * the places the counts before gave them. */
typedef struct member_job {
    const char *path;
    jz_snapshot *s;
    const char *prefix;
    int64_t lo, hi;  /* household keys [lo, hi] */
    size_t from, to; /* household indexes [from, to) */
    size_t m_from;   /* the first member's index */
    size_t m_to;     /* one past the last member's (the counts before) */
    size_t filled;
    jz_err rc;
    jz_error err;
} member_job;

/* The columns of a household a snapshot reads, and household i of the
 * snapshot from a row of them. */
#define SNAPSHOT_HH_COLUMNS                                                                        \
    "hh, household_id, region, area, assess_date, current_programme, current_since,"               \
    " current_amount, n_members, version"

static void fill_household(jz_snapshot *s, size_t i, sqlite3_stmt *hs)
{
    s->key[i] = sqlite3_column_int64(hs, 0);
    jz__sq_copy_text(s->household_id[i], JZ_HOUSEHOLD_ID_MAX, hs, 1);
    jz__sq_copy_text(s->region[i].code, sizeof s->region[i].code, hs, 2);
    s->region[i].len = (unsigned char)strlen(s->region[i].code);
    s->area[i] = (uint8_t)sqlite3_column_int(hs, 3);
    s->assess_date[i] = sqlite3_column_int(hs, 4);
    s->current_programme[i] = (uint8_t)sqlite3_column_int(hs, 5);
    s->current_since[i] = sqlite3_column_int(hs, 6);
    s->current_amount[i] = sqlite3_column_int64(hs, 7);
    s->household_size[i] = (uint8_t)sqlite3_column_int(hs, 8);
    s->version[i] = sqlite3_column_int(hs, 9);
}

/* Member j of the snapshot from a row of `SELECT * FROM members`. */
static void fill_member(jz_snapshot *s, size_t j, sqlite3_stmt *ms)
{
    int c = 3; /* hh, idx, county */
    jz__sq_copy_text(s->id[j], JZ_IDNUM_BUF, ms, c++);
    c++; /* name: not needed by the engine */
    s->birth[j] = sqlite3_column_int(ms, c++);
    s->deceased[j] = sqlite3_column_int(ms, c++);
    s->relation[j] = (uint8_t)sqlite3_column_int(ms, c++);
    s->presence[j] = (uint8_t)sqlite3_column_int(ms, c++);
    s->employment[j] = (uint8_t)sqlite3_column_int(ms, c++);
    s->hardship[j] = (uint8_t)sqlite3_column_int(ms, c++);
    s->disability[j] = (uint8_t)sqlite3_column_int(ms, c++);
    s->disability_grade[j] = (uint8_t)sqlite3_column_int(ms, c++);
    s->student_level[j] = (uint8_t)sqlite3_column_int(ms, c++);
    s->self_care_failed[j] = (uint8_t)sqlite3_column_int(ms, c++);
    s->flags[j] = (uint16_t)sqlite3_column_int(ms, c++);
    s->n_supporters[j] = (uint8_t)sqlite3_column_int(ms, c++);
    s->supporters_unable[j] = (uint16_t)sqlite3_column_int(ms, c++);
    s->supporter_status[j] = (uint64_t)sqlite3_column_int64(ms, c++);
    s->months_without_income[j] = (uint16_t)sqlite3_column_int(ms, c++);
    s->vehicles[j] = (uint16_t)sqlite3_column_int(ms, c++);
    s->extra_houses[j] = (uint16_t)sqlite3_column_int(ms, c++);
    s->financial[j] = sqlite3_column_int64(ms, c++);
    for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
        s->income[k][j] = sqlite3_column_int64(ms, c++);
    s->income_not_counted[j] = sqlite3_column_int64(ms, c++);
    for (int k = 0; k < JZ_EXP_COUNT; k++)
        s->expenses[k][j] = sqlite3_column_int64(ms, c++);
    s->member_programme[j] = (uint8_t)sqlite3_column_int(ms, c++); /* schema 4 */
    s->member_since[j] = sqlite3_column_int(ms, c++);
    s->member_amount[j] = sqlite3_column_int64(ms, c++);

}

static void *read_half(void *arg)
{
    member_job *job = arg;
    jz_snapshot *s = job->s;
    sqlite3 *db = NULL;
    sqlite3_stmt *hs = NULL, *ms = NULL;
    job->rc = JZ_OK;
    if (job->from >= job->to)
        return NULL;
    if (sqlite3_open_v2(job->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA cache_size = -65536; BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT " SNAPSHOT_HH_COLUMNS " FROM households"
                           " WHERE hh BETWEEN ?1 AND ?2 AND substr(region, 1, ?3) = ?4 ORDER BY hh",
                           -1, &hs, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT * FROM members WHERE hh BETWEEN ?1 AND ?2 ORDER BY hh, idx",
                           -1, &ms, NULL) != SQLITE_OK) {
        job->rc = jz_error_set(&job->err, JZ_EIO, NULL, NULL, "数据库错误（读取快照）：%s",
                               db ? sqlite3_errmsg(db) : "?");
        goto done;
    }
    sqlite3_bind_int64(hs, 1, job->lo);
    sqlite3_bind_int64(hs, 2, job->hi);
    sqlite3_bind_int(hs, 3, (int)strlen(job->prefix));
    sqlite3_bind_text(hs, 4, job->prefix, -1, SQLITE_STATIC);
    size_t i = job->from, m = job->m_from;
    int st;
    while ((st = sqlite3_step(hs)) == SQLITE_ROW && i < job->to) {
        fill_household(s, i, hs);
        s->first_member[i] = (uint32_t)m;
        m += s->household_size[i++];
    }
    if (st != SQLITE_DONE && st != SQLITE_ROW) {
        job->rc = jz_error_set(&job->err, JZ_EIO, NULL, NULL, "数据库错误（读取快照）：%s",
                               sqlite3_errmsg(db));
        goto done;
    }
    if (st == SQLITE_ROW || i != job->to || m != job->m_to) {
        job->rc = jz_error_set(&job->err, JZ_EIO, NULL, NULL,
                               "数据库在读取时被修改（户数或成员数不符），请重试");
        goto done;
    }
    sqlite3_bind_int64(ms, 1, job->lo);
    sqlite3_bind_int64(ms, 2, job->hi);
    size_t h = job->from;
    while ((st = sqlite3_step(ms)) == SQLITE_ROW) {
        int64_t hh = sqlite3_column_int64(ms, 0);
        while (h < job->to && s->key[h] < hh)
            h++;
        if (h == job->to || s->key[h] != hh)
            continue; /* a household outside the region asked for */
        int idx = sqlite3_column_int(ms, 1);
        if (idx < 0 || idx >= s->household_size[h]) {
            job->rc = jz_error_set(&job->err, JZ_EIO, NULL, NULL,
                                   "数据库在读取时被修改（户 %s 的成员数不符），请重试",
                                   s->household_id[h]);
            goto done;
        }
        size_t j = s->first_member[h] + (size_t)idx;
        job->filled++;
        fill_member(s, j, ms);
    }
    if (st != SQLITE_DONE)
        job->rc = jz_error_set(&job->err, JZ_EIO, NULL, NULL, "数据库错误（读取成员）：%s",
                               sqlite3_errmsg(db));
done:
    sqlite3_finalize(hs);
    sqlite3_finalize(ms);
    if (db)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return NULL;
}

static jz_err sq_snapshot(void *impl, const char *prefix, jz_snapshot **out, jz_error *err)
{
    sq *q = impl;
    jz_snapshot *s = jz__snapshot_new();
    sqlite3_stmt *cnt = NULL;
    jz_err rc = JZ_OK;
    if (!s)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    int plen = (int)strlen(prefix);
    /* The counts of the region's households and members, and of those in
     * the lower half of their keys, in one read transaction: the two
     * halves are then read at once, each into its own places. */
    if ((rc = jz__sq_exec(q, "BEGIN", err)))
        goto done;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT count(*), total(n_members), min(hh), max(hh) FROM households"
                           " WHERE substr(region, 1, ?1) = ?2 AND hh BETWEEN ?3 AND ?4",
                           -1, &cnt, NULL) != SQLITE_OK) {
        rc = jz__sq_error(q, err, "读取快照");
        goto done;
    }
    int64_t n_all = 0, m_all = 0, lo = 0, hi = -1, n_low = 0, m_low = 0;
    sqlite3_bind_int(cnt, 1, plen);
    sqlite3_bind_text(cnt, 2, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int64(cnt, 3, INT64_MIN);
    sqlite3_bind_int64(cnt, 4, INT64_MAX);
    if (sqlite3_step(cnt) != SQLITE_ROW) {
        rc = jz__sq_error(q, err, "读取快照");
        goto done;
    }
    n_all = sqlite3_column_int64(cnt, 0);
    m_all = (int64_t)sqlite3_column_double(cnt, 1);
    lo = sqlite3_column_int64(cnt, 2);
    hi = sqlite3_column_int64(cnt, 3);
    /* (Keys are the households' rowids: the middle of their range halves
     * a region's households closely enough.) */
    int64_t mid = lo + (hi - lo) / 2;
    sqlite3_reset(cnt);
    sqlite3_bind_int64(cnt, 3, lo);
    sqlite3_bind_int64(cnt, 4, mid);
    if (n_all > 0) {
        if (sqlite3_step(cnt) != SQLITE_ROW) {
            rc = jz__sq_error(q, err, "读取快照");
            goto done;
        }
        n_low = sqlite3_column_int64(cnt, 0);
        m_low = (int64_t)sqlite3_column_double(cnt, 1);
    }
    /* Size the columns once: regrowing a million rows costs more than
     * counting them. */
    if ((rc = jz__snapshot_reserve(s, (size_t)n_all, (size_t)m_all, err)))
        goto done;
    for (int64_t i = 0; i < n_all && !rc; i++)
        rc = jz__snapshot_add_household(s, err);
    for (int64_t m = 0; m < m_all && !rc; m++)
        rc = jz__snapshot_add_member(s, err);
    if (rc)
        goto done;
    {
        const char *path = sqlite3_db_filename(q->db, "main");
        member_job jobs[2] = {{.path = path,
                               .s = s,
                               .prefix = prefix,
                               .lo = lo,
                               .hi = mid,
                               .from = 0,
                               .to = (size_t)n_low,
                               .m_from = 0,
                               .m_to = (size_t)m_low},
                              {.path = path,
                               .s = s,
                               .prefix = prefix,
                               .lo = mid + 1,
                               .hi = hi,
                               .from = (size_t)n_low,
                               .to = (size_t)n_all,
                               .m_from = (size_t)m_low,
                               .m_to = (size_t)m_all}};
        pthread_t tid;
        bool threaded = pthread_create(&tid, NULL, read_half, &jobs[1]) == 0;
        read_half(&jobs[0]);
        if (threaded)
            pthread_join(tid, NULL);
        else
            read_half(&jobs[1]);
        for (int k = 0; k < 2 && !rc; k++)
            if (jobs[k].rc) {
                *err = jobs[k].err;
                rc = jobs[k].rc;
            }
        if (!rc && jobs[0].filled + jobs[1].filled != (size_t)m_all)
            rc =
                jz_error_set(err, JZ_EIO, NULL, NULL, "数据库在读取时被修改（成员数不符），请重试");
    }
done:
    sqlite3_finalize(cnt);
    jz__sq_exec(q, "COMMIT", NULL);
    if (rc) {
        jz_snapshot_free(s);
        return rc;
    }
    *out = s;
    return JZ_OK;
}

static int cmp_key(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The snapshot of the households of the given IDs (those that exist), in
 * key order, read in one transaction by their indexes: what the snapshot
 * cache re-reads of a few changed households (store_int.h). */
/* The keys of the households named that exist, each once, ascending
 * (keys has room for n); false on a database error. */
static bool keys_of(sq *q, const char *const *ids, size_t n, int64_t *keys, size_t *nk)
{
    sqlite3_stmt *find = NULL;
    *nk = 0;
    if (sqlite3_prepare_v2(q->db, "SELECT hh FROM households WHERE household_id = ?", -1, &find,
                           NULL) != SQLITE_OK)
        return false;
    int st = SQLITE_DONE;
    for (size_t k = 0; k < n && (st == SQLITE_ROW || st == SQLITE_DONE); k++) {
        sqlite3_reset(find);
        sqlite3_bind_text(find, 1, ids[k], -1, SQLITE_STATIC);
        if ((st = sqlite3_step(find)) == SQLITE_ROW)
            keys[(*nk)++] = sqlite3_column_int64(find, 0);
    }
    sqlite3_finalize(find);
    if (st != SQLITE_ROW && st != SQLITE_DONE)
        return false;
    if (*nk)
        qsort(keys, *nk, sizeof *keys, cmp_key);
    size_t u = 0;
    for (size_t k = 0; k < *nk; k++)
        if (!u || keys[k] != keys[u - 1])
            keys[u++] = keys[k];
    *nk = u;
    return true;
}

static jz_err sq_snapshot_ids(void *impl, const char *const *ids, size_t n, jz_snapshot **out,
                              jz_error *err)
{
    sq *q = impl;
    jz_snapshot *s = jz__snapshot_new();
    int64_t *keys = malloc((n ? n : 1) * sizeof *keys);
    sqlite3_stmt *hs = NULL, *ms = NULL;
    jz_err rc = JZ_OK;
    size_t nk = 0, members = 0;
    if (!s || !keys) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto done;
    }
    if ((rc = jz__sq_exec(q, "BEGIN", err)))
        goto done;
    if (!keys_of(q, ids, n, keys, &nk) ||
        sqlite3_prepare_v2(q->db, "SELECT " SNAPSHOT_HH_COLUMNS " FROM households WHERE hh = ?", -1,
                           &hs, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(q->db, "SELECT * FROM members WHERE hh = ? ORDER BY idx", -1, &ms,
                           NULL) != SQLITE_OK) {
        rc = jz__sq_error(q, err, "读取快照");
        goto commit;
    }
    for (size_t k = 0; k < nk && !rc; k++) {
        sqlite3_reset(hs);
        sqlite3_bind_int64(hs, 1, keys[k]);
        if (sqlite3_step(hs) != SQLITE_ROW || (rc = jz__snapshot_add_household(s, err)))
            continue;
        size_t i = s->n_households - 1;
        fill_household(s, i, hs);
        s->first_member[i] = (uint32_t)members;
        members += s->household_size[i];
    }
    for (size_t m = s->n_members; m < members && !rc; m++)
        rc = jz__snapshot_add_member(s, err);
    for (size_t i = 0; i < s->n_households && !rc; i++) {
        sqlite3_reset(ms);
        sqlite3_bind_int64(ms, 1, s->key[i]);
        int got = 0, st;
        while ((st = sqlite3_step(ms)) == SQLITE_ROW) {
            int idx = sqlite3_column_int(ms, 1);
            if (idx < 0 || idx >= s->household_size[i] || idx != got)
                break;
            fill_member(s, s->first_member[i] + (size_t)idx, ms);
            got++;
        }
        if (got != s->household_size[i])
            rc = jz_error_set(err, JZ_EIO, NULL, NULL,
                              "数据库在读取时被修改（户 %s 的成员数不符），请重试",
                              s->household_id[i]);
    }
commit:
    sqlite3_finalize(hs);
    sqlite3_finalize(ms);
    jz__sq_exec(q, "COMMIT", NULL);
done:
    free(keys);
    if (rc) {
        jz_snapshot_free(s);
        return rc;
    }
    *out = s;
    return JZ_OK;
}

/* ---- determinations ---------------------------------------------------------- */

static jz_err sq_run_begin(void *impl, jz_date date, const char *prefix, const char *overrides,
                           int64_t *run, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    char now[32];
    jz__now_text(now, sizeof now);
    if (sqlite3_prepare_v2(q->db,
                           "INSERT INTO runs(county, started_at, assess_date, overrides)"
                           " VALUES(?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录评估批次");
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, date);
    sqlite3_bind_text(st, 4, overrides, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "记录评估批次");
    *run = sqlite3_last_insert_rowid(q->db);
    jz__pv_map_clear(&q->pv_cache);
    return JZ_OK;
}

/* The param_values row of (run, county, date), inserted on first use. */
static jz_err param_row(sq *q, int64_t run, const char *county, jz_date date,
                        const char *params_json, int64_t *pv, jz_error *err)
{
    if ((*pv = jz__pv_map_get(&q->pv_cache, run, county, date)))
        return JZ_OK;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT pv FROM param_values WHERE run = ? AND county = ? AND"
                           " assess_date = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询参数");
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, county, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, date);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *pv = sqlite3_column_int64(st, 0);
    } else {
        sqlite3_reset(q->insert_pv);
        sqlite3_bind_int64(q->insert_pv, 1, run);
        sqlite3_bind_text(q->insert_pv, 2, county, -1, SQLITE_STATIC);
        sqlite3_bind_int(q->insert_pv, 3, date);
        sqlite3_bind_text(q->insert_pv, 4, params_json, -1, SQLITE_STATIC);
        s = sqlite3_step(q->insert_pv);
        sqlite3_reset(q->insert_pv);
        if (s != SQLITE_DONE) {
            sqlite3_finalize(st);
            return jz__sq_error(q, err, "记录参数");
        }
        *pv = sqlite3_last_insert_rowid(q->db);
    }
    sqlite3_finalize(st);
    jz__pv_map_put(&q->pv_cache, run, county, date, *pv);
    return JZ_OK;
}

/* One ordered scan of the region's households beside the snapshot (both in
 * hh order): a version that differs, or a household gone, is stale. */
static jz_err sq_snapshot_stale(void *impl, const jz_snapshot *snap, uint8_t *stale,
                                size_t *n_stale, jz_error *err)
{
    sq *q = impl;
    *n_stale = 0;
    size_t n = snap->n_households;
    if (n == 0)
        return JZ_OK;
    memset(stale, 0, n);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT hh, version FROM households WHERE hh BETWEEN ?1 AND ?2"
                           " ORDER BY hh",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "核对户记录版本");
    sqlite3_bind_int64(st, 1, snap->key[0]);
    sqlite3_bind_int64(st, 2, snap->key[n - 1]);
    size_t i = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && i < n) {
        int64_t hh = sqlite3_column_int64(st, 0);
        while (i < n && snap->key[i] < hh) {
            stale[i++] = 1; /* removed since */
            (*n_stale)++;
        }
        if (i < n && snap->key[i] == hh) {
            if (sqlite3_column_int(st, 1) != snap->version[i]) {
                stale[i] = 1;
                (*n_stale)++;
            }
            i++;
        }
    }
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return jz__sq_error(q, err, "核对户记录版本");
    for (; i < n; i++, (*n_stale)++)
        stale[i] = 1;
    return JZ_OK;
}

/* A household's stored result as a what-if compares with it: its category,
 * and its monthly amount with its 特困 and 单人保 persons'. */
#define STORED_RESULTS                                                                             \
    "SELECT d.hh, d.category, d.monthly_amount + d.units_amount FROM determinations d"

static jz_err sq_snapshot_results(void *impl, const jz_snapshot *snap, uint8_t *category,
                                  jz_fen *monthly, jz_error *err)
{
    sq *q = impl;
    size_t n = snap->n_households;
    for (size_t i = 0; i < n; i++) {
        category[i] = JZ_CAT_COUNT;
        monthly[i] = 0;
    }
    if (n == 0)
        return JZ_OK;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, STORED_RESULTS " WHERE d.hh BETWEEN ?1 AND ?2 ORDER BY d.hh", -1,
                           &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "读取已存认定结果");
    sqlite3_bind_int64(st, 1, snap->key[0]);
    sqlite3_bind_int64(st, 2, snap->key[n - 1]);
    size_t i = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t hh = sqlite3_column_int64(st, 0);
        while (i < n && snap->key[i] < hh)
            i++;
        if (i < n && snap->key[i] == hh) {
            category[i] = jz__stored_category(sqlite3_column_int64(st, 1));
            monthly[i] = sqlite3_column_int64(st, 2);
        }
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "读取已存认定结果");
}

static jz_err sq_results_ids(void *impl, const char *const *ids, size_t n, jz__results *out,
                             jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    bool own = sqlite3_get_autocommit(q->db);
    jz_err rc = jz__results_alloc(out, n, err);
    if (!rc && own)
        rc = jz__sq_exec(q, "BEGIN", err);
    if (rc)
        return rc;
    size_t nk = 0;
    if (!keys_of(q, ids, n, out->key, &nk) ||
        sqlite3_prepare_v2(q->db, STORED_RESULTS " WHERE d.hh = ?1", -1, &st, NULL) != SQLITE_OK)
        rc = jz__sq_error(q, err, "读取已存认定结果");
    int s = SQLITE_DONE;
    for (size_t k = 0; k < nk && !rc; k++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, out->key[k]);
        bool got = (s = sqlite3_step(st)) == SQLITE_ROW;
        out->category[k] = got ? jz__stored_category(sqlite3_column_int64(st, 1)) : JZ_CAT_COUNT;
        out->monthly[k] = got ? sqlite3_column_int64(st, 2) : 0;
        if (s != SQLITE_ROW && s != SQLITE_DONE)
            rc = jz__sq_error(q, err, "读取已存认定结果");
    }
    out->n = nk;
    sqlite3_finalize(st);
    if (own)
        jz__sq_exec(q, "COMMIT", NULL);
    return rc;
}

static jz_err sq_params_text(void *impl, int64_t pv, char **text, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    *text = NULL;
    if (jz__sq_cached(q, "SELECT params FROM param_values WHERE pv = ?", &st, "", NULL) != JZ_OK)
        return jz__sq_error(q, err, "读取已存认定结果");
    sqlite3_bind_int64(st, 1, pv);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!(*text = strdup(t ? t : ""))) {
            jz__sq_done(q, st);
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        }
    }
    jz__sq_done(q, st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "读取已存认定结果");
}

/* The stored determinations' digests of the snapshot's households lo to
 * hi - 1, read on db in key order, like the snapshot: a cursor, not a
 * search.  Each sets only its own households' digest[] and pv[] (their
 * parameter row).  False on a database error. */
static bool digest_range(sqlite3 *db, const jz_snapshot *snap, size_t lo, size_t hi,
                         uint64_t *digest, int64_t *pv)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT hh, category, causes, monthly_amount, counted_members, standard,"
                           " income, deductible, financial, exit_until, record_version, pv,"
                           " decisive, persons FROM determinations WHERE hh BETWEEN ?1 AND ?2"
                           " ORDER BY hh",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_int64(st, 1, snap->key[lo]);
    sqlite3_bind_int64(st, 2, snap->key[hi - 1]);
    int64_t f[JZ__DET_NF];
    size_t i = lo;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t hh = sqlite3_column_int64(st, 0);
        while (i < hi && snap->key[i] < hh)
            i++;
        if (i == hi || snap->key[i] != hh)
            continue;
        for (int k = 0; k < JZ__DET_NF; k++)
            f[k] = sqlite3_column_int64(st, 1 + k);
        pv[i] = sqlite3_column_int64(st, 1 + JZ__DET_NF);
        digest[i] = jz__det_digest(f, (const char *)sqlite3_column_text(st, 2 + JZ__DET_NF),
                                   (const char *)sqlite3_column_text(st, 3 + JZ__DET_NF));
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE;
}

/* The upper half of the households, read on a connection of its own beside
 * the lower half read on the store's (sq_stored_digests). */
typedef struct half_digests {
    const char *path;
    const jz_snapshot *snap;
    size_t lo, hi;
    uint64_t *digest;
    int64_t *pv;
    bool ok;
} half_digests;

static void *read_half_digests(void *arg)
{
    half_digests *a = arg;
    sqlite3 *db = NULL;
    a->ok = sqlite3_open_v2(a->path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
            digest_range(db, a->snap, a->lo, a->hi, a->digest, a->pv);
    sqlite3_close_v2(db); /* its read transaction ends with it */
    return NULL;
}

/* The stored determinations' digests (store_int.h).  From 5,000
 * households on, and when the transaction has written nothing yet (it
 * holds the write lock: what a new connection reads is what it would
 * read), the upper half of the key range is read on a second connection
 * at the same time (1,000,000 households: about 1 s on one). */
static jz_err sq_stored_digests(void *impl, const jz_snapshot *snap, uint64_t *digest,
                                jz_error *err)
{
    sq *q = impl;
    size_t n = snap->n_households;
    memset(digest, 0, (n ? n : 1) * sizeof *digest);
    if (n == 0)
        return JZ_OK;
    int64_t *pv = calloc(n, sizeof *pv);
    if (!pv)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    const char *path = sqlite3_db_filename(q->db, "main");
    half_digests hd = {path, snap, n / 2, n, digest, pv, false};
    pthread_t tid;
    bool apart = n >= 5000 && q->in_tx && path && path[0] &&
                 sqlite3_total_changes64(q->db) == q->changes_at_begin &&
                 pthread_create(&tid, NULL, read_half_digests, &hd) == 0;
    bool ok = digest_range(q->db, snap, 0, apart ? n / 2 : n, digest, pv);
    if (apart) {
        pthread_join(tid, NULL);
        /* Its failure (a connection refused) is read again on this one. */
        if (!hd.ok)
            ok = ok && digest_range(q->db, snap, n / 2, n, digest, pv);
    }
    jz_err rc = ok ? JZ_OK : jz__sq_error(q, err, "读取已存认定结果");
    if (!rc)
        rc = jz__digest_add_params(digest, pv, n, sq_params_text, q, err);
    free(pv);
    return rc;
}

static jz_err sq_clear_determinations(void *impl, const char *prefix, const jz_snapshot *snap,
                                      const uint8_t *keep, jz_error *err)
{
    sq *q = impl;
    jz_err rc = JZ_OK;
    size_t nc = 0; /* the snapshot's households replaced */
    for (size_t i = 0; i < snap->n_households; i++)
        nc += !(keep && keep[i]);
    if (!prefix[0] && nc == snap->n_households) /* the whole table, audited */
        return jz__sq_audit_clear(q, "determinations", err);
    /* The snapshot's households that are not kept, by key: as many as
     * changed (none when a run finds nothing changed). */
    if (!nc)
        return JZ_OK;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, "DELETE FROM determinations WHERE hh = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return jz__sq_error(q, err, "清除旧认定结果");
    for (size_t i = 0; i < snap->n_households && !rc; i++) {
        if (keep && keep[i])
            continue;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, snap->key[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = jz__sq_error(q, err, "清除旧认定结果");
    }
    sqlite3_finalize(st);
    return rc;
}

static jz_err sq_put_determination(void *impl, int64_t run, const jz_snapshot *snap, size_t i,
                                   const jz_household *h, const jz_result *r, const char *decisive,
                                   const char *params_json, jz_error *err)
{
    sq *q = impl;
    char county[7];
    jz_region_county(&h->region, county);
    int64_t pv = 0;
    jz_err rc = param_row(q, run, county, h->assess_date, params_json, &pv, err);
    if (rc)
        return rc;
    int64_t hh = snap->key[i];
    sqlite3_stmt *st = q->insert_det;
    int c = 1;
    sqlite3_reset(st);
    /* Through jz__sq_row_*: the audit log's digest of the row from these
     * values.  The record's version is the snapshot's: the run checked
     * every household it writes against the store (jz_store_snapshot_stale)
     * in this transaction, which holds the write lock, and a version read
     * back from households row by row cost a look-up per household. */
    jz__sq_row_begin(q);
    jz__sq_row_int(q, st, c++, hh);
    jz__sq_row_text(q, st, c++, county);
    jz__sq_row_int(q, st, c++, run);
    jz__sq_row_int(q, st, c++, pv);
    jz__sq_row_int(q, st, c++, h->assess_date);
    /* The columns stored digests read back (det_digest.c), but the record's
     * version, which the statement reads itself. */
    int64_t f[JZ__DET_NF];
    jz__det_fields(r, 0, f);
    for (int k = 0; k < JZ__DET_NF - 1; k++)
        jz__sq_row_int(q, st, c++, f[k]);
    jz__sq_row_text(q, st, c++, decisive);
    jz__sq_row_int(q, st, c++, snap->version[i]);
    /* The persons' results, in the same row (store_int.h). */
    char persons[JZ__PERSONS_BUF];
    int64_t sums[JZ__PSUM_N];
    jz__persons_pack(r, persons, sums);
    jz__sq_row_text(q, st, c++, persons);
    for (int k = 0; k < JZ__PSUM_N; k++)
        jz__sq_row_int(q, st, c++, sums[k]);
    jz__sq_row_ready(q, "determinations");
    if (sqlite3_step(st) != SQLITE_DONE)
        return jz__sq_error(q, err, "写入认定结果");
    return JZ_OK;
}

static jz_err sq_get_determination(void *impl, const char *household_id, jz_result *r, int64_t *run,
                                   jz_date *date, char decisive[JZ__DECISIVE_BUF], jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    jz_err rc = JZ_OK;
    memset(r, 0, sizeof *r);
    if (jz__sq_cached(q,
                      "SELECT d.hh, d.run, d.assess_date, d.category, d.causes,"
                      " d.monthly_amount, d.counted_members, d.standard, d.income,"
                      " d.deductible, d.financial, d.exit_until, d.decisive, h.n_members,"
                      " d.persons FROM determinations d JOIN households h ON h.hh = d.hh"
                      " WHERE h.household_id = ?",
                      &st, "", NULL) != JZ_OK)
        return jz__sq_error(q, err, "查询认定结果");
    sqlite3_bind_text(st, 1, household_id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s != SQLITE_ROW) {
        jz__sq_done(q, st);
        return s == SQLITE_DONE ? jz_error_set(err, JZ_ENOTFOUND, "household_id", household_id,
                                               "这一户还没有批量评估结果")
                                : jz__sq_error(q, err, "查询认定结果");
    }
    *run = sqlite3_column_int64(st, 1);
    *date = sqlite3_column_int(st, 2);
    r->category = (uint8_t)sqlite3_column_int(st, 3);
    r->causes = (uint8_t)sqlite3_column_int(st, 4);
    r->monthly_amount = sqlite3_column_int64(st, 5);
    r->counted_members = sqlite3_column_int(st, 6);
    r->standard = sqlite3_column_int64(st, 7);
    r->income = sqlite3_column_int64(st, 8);
    r->deductible = sqlite3_column_int64(st, 9);
    r->financial = sqlite3_column_int64(st, 10);
    r->exit_until = sqlite3_column_int(st, 11);
    r->exit = r->exit_until != 0;
    jz__sq_copy_text(decisive, JZ__DECISIVE_BUF, st, 12);
    r->n_persons = (uint32_t)sqlite3_column_int(st, 13);
    for (uint32_t k = 0; k < r->n_persons && k < JZ_MAX_MEMBERS; k++)
        r->persons[k].counted = 1;
    if (!jz__persons_unpack((const char *)sqlite3_column_text(st, 14), r))
        rc = jz_error_set(err, JZ_EIO, "household_id", household_id,
                          "已存认定结果的个人部分无法读取（persons 列已损坏）");
    jz__sq_done(q, st);
    return rc;
}

/* ---- statistics --------------------------------------------------------------- */

static jz_err sq_stats(void *impl, int level, const char *prefix,
                       void (*fn)(const jz_stat_row *row, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    /* Households by region and category, with the 特困 and 单人保 persons of
     * those households (the sums their determinations keep). */
    if (sqlite3_prepare_v2(
            q->db,
            "SELECT substr(h.region, 1, ?1) AS r, d.category AS c, count(*),"
            " sum(d.counted_members), sum(d.monthly_amount),"
            " sum(d.tekun), sum(d.tekun_amount), sum(d.single), sum(d.single_amount),"
            " sum(d.record_version <> h.version)"
            " FROM determinations d JOIN households h ON h.hh = d.hh"
            " WHERE substr(h.region, 1, ?2) = ?3"
            " GROUP BY r, d.category"
            /* Households never assessed, as category ?4 (JZ_CAT_COUNT). */
            " UNION ALL SELECT substr(h.region, 1, ?1) AS r, ?4 AS c, count(*), 0, 0, 0, 0, 0, 0, 0"
            " FROM households h WHERE substr(h.region, 1, ?2) = ?3"
            " AND NOT EXISTS (SELECT 1 FROM determinations d WHERE d.hh = h.hh)"
            " GROUP BY r ORDER BY r, c",
            -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "统计");
    sqlite3_bind_int(st, 1, level);
    sqlite3_bind_int(st, 2, (int)strlen(prefix));
    sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, JZ_CAT_COUNT);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jz_stat_row row;
        memset(&row, 0, sizeof row);
        snprintf(row.region, sizeof row.region, "%s", (const char *)sqlite3_column_text(st, 0));
        row.category = (uint8_t)sqlite3_column_int(st, 1);
        row.households = sqlite3_column_int64(st, 2);
        row.persons = sqlite3_column_int64(st, 3);
        row.monthly = sqlite3_column_int64(st, 4);
        row.tekun = sqlite3_column_int64(st, 5);
        row.tekun_monthly = sqlite3_column_int64(st, 6);
        row.single = sqlite3_column_int64(st, 7);
        row.single_monthly = sqlite3_column_int64(st, 8);
        row.stale = sqlite3_column_int64(st, 9);
        fn(&row, arg);
    }
    jz_err rc = s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "统计");
    sqlite3_finalize(st);
    return rc;
}

/* ---- versions of a household record ------------------------------------------- */

static jz_err sq_record_version(void *impl, const char *key, int *current, int *assessed,
                                char *household_id, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (jz__sq_cached(q,
                      "SELECT h.household_id, h.version, COALESCE(d.record_version, 0)"
                      " FROM households h LEFT JOIN determinations d ON d.hh = h.hh"
                      " WHERE h.household_id = ?1 OR h.hh = (SELECT hh FROM members"
                      " WHERE id_number = ?1) LIMIT 1",
                      &st, "", NULL) != JZ_OK)
        return jz__sq_error(q, err, "查询户记录版本");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    jz_err rc = JZ_OK;
    if (s == SQLITE_ROW) {
        if (household_id)
            jz__sq_copy_text(household_id, JZ_HOUSEHOLD_ID_MAX, st, 0);
        *current = sqlite3_column_int(st, 1);
        *assessed = sqlite3_column_int(st, 2);
    } else {
        rc = s == SQLITE_DONE ? jz_error_set(err, JZ_ENOTFOUND, "household_id", key,
                                             "数据库中没有这一户或这个人")
                              : jz__sq_error(q, err, "查询户记录版本");
    }
    jz__sq_done(q, st);
    return rc;
}

typedef struct history_rows {
    void (*fn)(const jz_record_version *v, void *arg);
    void *arg;
} history_rows;

static void history_row(sqlite3_stmt *st, void *arg)
{
    history_rows *r = arg;
    jz_record_version v = {
        .version = sqlite3_column_int(st, 0),
        .record = (const char *)sqlite3_column_text(st, 1),
        .source = (const char *)sqlite3_column_text(st, 2),
        .updated_at = (const char *)sqlite3_column_text(st, 3),
        .replaced_at = (const char *)sqlite3_column_text(st, 4),
        .replaced_by = (const char *)sqlite3_column_text(st, 5),
    };
    r->fn(&v, r->arg);
}

static jz_err sq_record_history(void *impl, const char *household_id,
                                void (*fn)(const jz_record_version *v, void *arg), void *arg,
                                jz_error *err)
{
    history_rows r = {fn, arg};
    return jz__sq_each(impl,
                       "SELECT v.version, v.record, v.source, v.updated_at, v.replaced_at,"
                       " v.replaced_by FROM household_record_history v JOIN households h"
                       " ON h.hh = v.hh WHERE h.household_id = ? ORDER BY v.version",
                       0, household_id, history_row, &r, "查询户记录历史版本", err);
}

const jz_store_ops jz__sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .schema_version = sq_version,
    .begin = sq_begin,
    .begin_keyed = sq_begin_keyed,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .put_household = sq_put_household,
    .get_record = sq_get_record,
    .household_programme = sq_household_programme,
    .import_begin = sq_import_begin,
    .import_progress = sq_import_progress,
    .snapshot = sq_snapshot,
    .snapshot_ids = sq_snapshot_ids,
    .meta_get = sq_meta_get,
    .meta_put = sq_meta_put,
    .run_begin = sq_run_begin,
    .snapshot_stale = sq_snapshot_stale,
    .snapshot_results = sq_snapshot_results,
    .results_ids = sq_results_ids,
    .stored_digests = sq_stored_digests,
    .clear_determinations = sq_clear_determinations,
    .put_determination = sq_put_determination,
    .get_determination = sq_get_determination,
    .stats = sq_stats,
    .trend = jz__sq_trend,
    .set_actor = sq_set_actor,
    .case_create = jz__sq_case_create,
    .case_get = jz__sq_case_get,
    .case_update = jz__sq_case_update,
    .case_set_opinion = jz__sq_case_set_opinion,
    .case_opinion = jz__sq_case_opinion,
    .case_list = jz__sq_case_list,
    .case_steps = jz__sq_case_steps,
    .staff_put = jz__sq_staff_put,
    .staff_relative = jz__sq_staff_relative,
    .staff_county = jz__sq_staff_county,
    .audit_verify = jz__sq_audit_verify,
    .audit_hash_at = jz__sq_audit_hash_at,
    .enrol_get = jz__sq_enrol_get,
    .enrol_put = jz__sq_enrol_put,
    .enrol_list = jz__sq_enrol_list,
    .enrol_adopt = jz__sq_enrol_adopt,
    .case_set_units = jz__sq_case_set_units,
    .case_set_findings = jz__sq_case_set_findings,
    .case_findings = jz__sq_case_findings,
    .posting_put = jz__sq_posting_put,
    .posting_list = jz__sq_posting_list,
    .grant_put = jz__sq_grant_put,
    .grant_list = jz__sq_grant_list,
    .record_version = sq_record_version,
    .record_history = sq_record_history,
    .feed_begin = jz__sq_feed_begin,
    .feed_put = jz__sq_feed_put,
    .feed_end = jz__sq_feed_end,
    .monitor_rows = jz__sq_monitor_rows,
    .member_name = jz__sq_member_name,
    .alert_put = jz__sq_alert_put,
    .alert_add_evidence = jz__sq_alert_add_evidence,
    .alert_evidence = jz__sq_alert_evidence,
    .alert_list = jz__sq_alert_list,
    .audit = sq_audit,
    .alert_get = jz__sq_alert_get,
    .alert_update = jz__sq_alert_update,
    .alert_find = jz__sq_alert_find,
    .alert_steps = jz__sq_alert_steps,
    .feed_person = jz__sq_feed_person,
    .import_reject = jz__sq_import_reject,
    .import_rejections = jz__sq_import_rejections,
    .import_counts = jz__sq_import_counts,
    .actor = jz__sq_actor,
    .user_insert = jz__sq_user_insert,
    .user_get = jz__sq_user_get,
    .user_list = jz__sq_user_list,
    .user_update = jz__sq_user_update,
    .session_insert = jz__sq_session_insert,
    .session_find = jz__sq_session_find,
    .session_touch = jz__sq_session_touch,
    .session_revoke = jz__sq_session_revoke,
    .session_purge = jz__sq_session_purge,
    .access_put = jz__sq_access_put,
    .access_list = jz__sq_access_list,
    .enrol_term = jz__sq_enrol_term,
    .pay_units = jz__sq_pay_units,
    .pay_units_all = jz__sq_pay_units_all,
    .pay_owed = jz__sq_pay_owed,
    .pay_clean = jz__sq_pay_clean,
    .pay_lines_settle = jz__sq_pay_lines_settle,
    .pay_batch_accounts = jz__sq_pay_batch_accounts,
    .pay_count_regular = jz__sq_pay_count_regular,
    .pay_mark = jz__sq_pay_mark,
    .pay_plan_mark = jz__sq_pay_plan_mark,
    .pay_plan_first = jz__sq_pay_plan_first,
    .pay_line_add = jz__sq_pay_line_add,
    .pay_line_get = jz__sq_pay_line_get,
    .pay_line_set = jz__sq_pay_line_set,
    .pay_lines_open = jz__sq_pay_lines_open,
    .pay_lines_of_batch = jz__sq_pay_lines_of_batch,
    .pay_lines_move = jz__sq_pay_lines_move,
    .pay_lines_of_household = jz__sq_pay_lines_of_household,
    .payee_current = jz__sq_payee_current,
    .payee_sharing = jz__sq_payee_sharing,
    .household_list = jz__sq_household_list,
    .audit_list = jz__sq_audit_list,
    .payee_get = jz__sq_payee_get,
    .payee_put = jz__sq_payee_put,
    .institution_put = jz__sq_institution_put,
    .institution_get = jz__sq_institution_get,
    .institutions = jz__sq_institutions,
    .pay_batch_add = jz__sq_pay_batch_add,
    .pay_batch_get = jz__sq_pay_batch_get,
    .pay_batch_set = jz__sq_pay_batch_set,
    .pay_batches = jz__sq_pay_batches,
    .recovery_add = jz__sq_recovery_add,
    .recovery_get = jz__sq_recovery_get,
    .recoveries = jz__sq_recoveries,
    .pay_unit = jz__sq_pay_unit,
    .pay_hold_add = jz__sq_pay_hold_add,
    .pay_hold_end = jz__sq_pay_hold_end,
    .pay_plan_last = jz__sq_pay_plan_last,
    .pay_members = jz__sq_pay_members,
    .pay_once_totals = jz__sq_pay_once_totals,
    .repayment_add = jz__sq_repayment_add,
    .repayments = jz__sq_repayments,
    .pay_sums = jz__sq_pay_sums,
    .pay_lines_where = jz__sq_pay_lines_where,
    .pay_batch_facts = jz__sq_pay_batch_facts,
    .pay_recovery_facts = jz__sq_pay_recovery_facts,
    .pay_due_groups = jz__sq_pay_due_groups,
};
