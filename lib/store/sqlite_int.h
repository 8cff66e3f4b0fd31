/*
 * sqlite_int.h - what the files of the SQLite backend share: the connection
 * with its prepared statements, and a few helpers.  store_sqlite.c has the
 * registry and the schema; sqlite_proc.c the procedure (cases, staff
 * relatives); sqlite_audit.c the audit log and what it covers.
 */
#ifndef JZ_SQLITE_INT_H
#define JZ_SQLITE_INT_H

#include <pthread.h>
#include <stdbool.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store_int.h"

typedef struct sq {
    sqlite3 *db;
    int version;
    int in_tx;
    int64_t changes_at_begin; /* sqlite3_total_changes64 when the transaction began */
    /* The tables whose foreign keys the transaction checks at its commit,
     * with the connection's row-by-row checks off (sq_begin_keyed). */
    const char *const *keyed;
    bool queued; /* holds the process's writers' queue (store_sqlite.c) */
    sqlite3_stmt *find_hh, *insert_hh, *delete_hh, *update_hh, *put_record, *delete_members,
        *insert_member, *owner, *insert_det, *insert_pv, *old_record, *move_enrol, *keep_record,
        *feed_insert, *feed_match, *alert_insert, *evidence_insert, *enrol_by_hh, *enrol_insert;
    /* Statements prepared once and kept (jz__sq_cached), keyed by their
     * SQL text's address (a string literal). */
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } stmts[128];
    int n_stmts;
    /* param_values ids of the current run, by county and date */
    jz__pv_map pv_cache;
    /* The background checkpointer (see checkpointer()). */
    struct {
        sqlite3 *db;
        pthread_t tid;
        pthread_mutex_t mu;
        pthread_cond_t cv;
        bool started, failed, stop, wanted, running;
        int frames; /* in the log after the last commit */
    } ck;
    int page_size;
    /* Taking turns at writing (see sq_begin): the turnstile file's
     * descriptor (-1: none), how long a writer waits for its turn, and when
     * the current wait began. */
    int turn_fd;
    long busy_limit_ms;
    double busy_start;
    char actor[64]; /* who writes, for the audit log */
    /* The audit log's view of the connection (sqlite_audit.c): the key and
     * what the transaction in progress changed in every table.  NULL for a
     * read-only connection.  Freed by SQLite when the connection closes. */
    struct jz__sq_audit *audit;
} sq;

/* The columns of an enrolment as jz__sq_read_enrolment reads them, from
 * a table named e; it returns the number of columns read. */
#define JZ__SQ_ENROL_COLUMNS_E                                                                     \
    "e.enrolment, e.county, e.region, e.household_id, e.case_id, e.member, e.label,"               \
    " e.programme, e.persons, e.monthly, e.first_month, e.status, e.end_month, e.next_review,"     \
    " e.review_months, e.death_check_due, e.to_recover, e.stop_reason, e.member_id, e.judged,"     \
    " e.origin"
int jz__sq_read_enrolment(sqlite3_stmt *st, jz_enrolment *e);

/* Payments (sqlite_pay.c). */
jz_err jz__sq_pay_dirty(sq *q, int64_t enrolment, const char *county, jz_error *err);
jz_err jz__sq_enrol_term(void *impl, const jz_enrolment *e, const char *since, jz_error *err);
jz_err jz__sq_pay_units_all(void *impl, const char *prefix,
                            void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err);
jz_err jz__sq_pay_units(void *impl, const char *prefix, const char *month, const char *quarter,
                        bool quarter_start, void (*fn)(const jz_pay_unit *u, void *arg), void *arg,
                        jz_error *err);
jz_err jz__sq_household_list(void *impl, const jz_store_hh_query *q,
                             void (*fn)(const jz_store_hh_row *r, void *arg), void *arg,
                             int64_t *total, jz_error *err);
jz_err jz__sq_audit_list(void *impl, const char *county_prefix, const char *action_prefix,
                         int64_t offset, int limit,
                         void (*fn)(const jz_store_audit_row *r, void *arg), void *arg,
                         int64_t *total, jz_error *err);
jz_err jz__sq_payee_sharing(void *impl, const char *bank, const char *account,
                            const char *household_id, int max,
                            void (*fn)(const char *household_id, void *arg), void *arg,
                            jz_error *err);
jz_err jz__sq_pay_owed(void *impl, int64_t enrolment,
                       void (*fn)(const jz_pay_held_row *r, void *arg), void *arg,
                       jz_error *err);
jz_err jz__sq_pay_clean(void *impl, const char *prefix, jz_error *err);
jz_err jz__sq_pay_lines_settle(void *impl, int64_t batch, uint8_t from, uint8_t to,
                               const char *result, int64_t *n, jz_error *err);
jz_err jz__sq_pay_batch_accounts(void *impl, int64_t batch,
                                 void (*fn)(const jz_pay_sent_line *l, void *arg), void *arg,
                                 jz_error *err);
jz_err jz__sq_pay_count_regular(void *impl, const char *prefix, const char *month,
                                const char *quarter, int64_t *n, jz_error *err);
jz_err jz__sq_pay_mark(void *impl, int64_t enrolment, const char *county, jz_error *err);
jz_err jz__sq_pay_plan_first(void *impl, const char *county, char first[JZ_PERIOD_BUF],
                             jz_error *err);
jz_err jz__sq_pay_plan_mark(void *impl, const char *county, const char *period,
                            char first[JZ_PERIOD_BUF], jz_error *err);
jz_err jz__sq_pay_line_add(void *impl, jz_pay_line *l, bool *added, jz_error *err);
jz_err jz__sq_pay_line_get(void *impl, int64_t id, jz_pay_line *l, jz_error *err);
jz_err jz__sq_pay_line_set(void *impl, const jz_pay_line *l, uint8_t was, jz_error *err);
jz_err jz__sq_pay_lines_open(void *impl, const char *county, unsigned mask,
                             void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err);
jz_err jz__sq_pay_lines_of_batch(void *impl, int64_t batch,
                                 void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                 jz_error *err);
jz_err jz__sq_pay_lines_move(void *impl, int64_t batch, uint8_t from, uint8_t to, int64_t *n,
                             jz_error *err);
jz_err jz__sq_pay_lines_of_household(void *impl, const char *household_id,
                                     void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                     jz_error *err);
jz_err jz__sq_payee_current(void *impl, const char *household_id, const char *member_id,
                            jz_payee *out, jz_error *err);
jz_err jz__sq_payee_get(void *impl, int64_t id, jz_payee *out, jz_error *err);
jz_err jz__sq_payee_put(void *impl, jz_payee *p, jz_error *err);
jz_err jz__sq_institution_put(void *impl, jz_institution *i, jz_error *err);
jz_err jz__sq_institution_get(void *impl, int64_t id, jz_institution *out, jz_error *err);
jz_err jz__sq_institutions(void *impl, const char *county,
                           void (*fn)(const jz_institution *i, void *arg), void *arg,
                           jz_error *err);
jz_err jz__sq_pay_batch_add(void *impl, jz_pay_batch *b, jz_error *err);
jz_err jz__sq_pay_batch_get(void *impl, int64_t id, jz_pay_batch *b, jz_error *err);
jz_err jz__sq_pay_batch_set(void *impl, const jz_pay_batch *b, uint8_t was, jz_error *err);
jz_err jz__sq_recovery_add(void *impl, jz_recovery *r, jz_error *err);
jz_err jz__sq_recovery_get(void *impl, int64_t id, jz_recovery *r, jz_error *err);
jz_err jz__sq_recoveries(void *impl, const char *household_id,
                         void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err);
jz_err jz__sq_pay_batches(void *impl, const char *county, const char *period,
                          void (*fn)(const jz_pay_batch *b, void *arg), void *arg, jz_error *err);
/* One-time programmes, holds, repayments (sqlite_pay_once.c; pay_unit in sqlite_pay.c). */
jz_err jz__sq_pay_unit(void *impl, int64_t enrolment, jz_pay_unit *out, jz_error *err);
jz_err jz__sq_pay_hold_add(void *impl, const jz_enrolment *e, const jz_pay_hold *h, bool replace,
                           jz_error *err);
jz_err jz__sq_pay_hold_end(void *impl, const jz_enrolment *e, const char *to, bool back_pay,
                           jz_error *err);
jz_err jz__sq_pay_plan_last(void *impl, const char *county, char last[JZ_PERIOD_BUF],
                            jz_error *err);
jz_err jz__sq_pay_members(void *impl, const char *household_id,
                          void (*fn)(const jz_pay_member *m, void *arg), void *arg, jz_error *err);
jz_err jz__sq_pay_once_totals(void *impl, const char *programme, const char *prefix,
                              jz_store_once_totals *out, jz_error *err);
jz_err jz__sq_repayment_add(void *impl, jz_repayment *p, const char *county, jz_error *err);
jz_err jz__sq_repayments(void *impl, int64_t recovery, void (*fn)(const jz_repayment *p, void *arg),
                         void *arg, jz_error *err);
jz_err jz__sq_pay_sums(void *impl, const jz_pay_scope *sc,
                       void (*fn)(const jz_pay_sum_row *r, void *arg), void *arg, jz_error *err);
jz_err jz__sq_pay_lines_where(void *impl, const jz_pay_scope *sc, const jz_pay_line_filter *f,
                              void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                              jz_error *err);
jz_err jz__sq_pay_batch_facts(void *impl, const char *county, int64_t batch,
                              void (*fn)(const jz_pay_batch_fact *f, void *arg), void *arg,
                              jz_error *err);
jz_err jz__sq_pay_recovery_facts(void *impl, const char *county,
                                 void (*fn)(const jz_pay_recovery_fact *f, void *arg), void *arg,
                                 jz_error *err);
jz_err jz__sq_pay_due_groups(void *impl, const char *prefix,
                             void (*fn)(const jz_pay_due_group *g, void *arg), void *arg,
                             jz_error *err);

/* The statistics' months (sqlite_trend.c). */
jz_err jz__sq_trend(void *impl, const char *prefix, jz_trend_month *months, size_t n,
                    jz_error *err);

/* ---- helpers (sqlite_util.c: they call nothing else of the store) ---- */

/* An I/O error naming what was being done and SQLite's message; a
 * database still locked by another writer after the retries is JZ_EBUSY
 * with a message that says so (jz__sq_busy_error). */
jz_err jz__sq_error(sq *q, jz_error *err, const char *what);
jz_err jz__sq_busy_error(sq *q, jz_error *err);
/* Runs SQL without results. */
jz_err jz__sq_exec(sq *q, const char *sql, jz_error *err);
/* Copies a text column into a fixed buffer (cut to fit, terminated). */
void jz__sq_copy_text(char *dst, size_t cap, sqlite3_stmt *st, int col);
/* Removes a database file this process made and its companions (-wal,
 * -shm, -journal, and the store's -lock). */
void jz__sq_remove_files(const char *path);

/* The statement of sql (a string literal: its address is the key),
 * prepared on this connection's first use and kept, reset and with its
 * bindings cleared: the caller binds, steps and leaves it (sqlite3_reset,
 * not finalize; jz__sq_done does).  Beyond the cache's room a statement is
 * prepared afresh each time and finalized by jz__sq_done. */
jz_err jz__sq_cached(sq *q, const char *sql, sqlite3_stmt **st, const char *what, jz_error *err);
/* Puts a statement from jz__sq_cached back (reset, or finalized if it was
 * not kept). */
void jz__sq_done(sq *q, sqlite3_stmt *st);
/* The row of sql (a string literal, ?1 bound to id) read by read() into
 * out; JZ_ENOTFOUND naming field and the id with the message `missing`
 * when there is none; `what` names the query in other errors. */
jz_err jz__sq_get_by_id(sq *q, const char *sql, int64_t id, void (*read)(sqlite3_stmt *, void *),
                        void *out, const char *field, const char *missing, const char *what,
                        jz_error *err);
/* One statement without parameters (sql a string literal: BEGIN, COMMIT),
 * prepared once per connection; errors as jz__sq_exec's. */
jz_err jz__sq_exec1(sq *q, const char *sql, jz_error *err);

/* Runs `sql` with ?1 bound to key_text, or to key when key_text is NULL,
 * and calls row() for every row; `what` names the query in errors. */
/* Ends the steps of a statement from jz__sq_cached: s is the last
 * sqlite3_step's answer; JZ_OK when it was SQLITE_DONE, else the store's
 * error for `what`; the statement is put back either way. */
jz_err jz__sq_end(sq *q, sqlite3_stmt *st, int s, const char *what, jz_error *err);
jz_err jz__sq_each(sq *q, const char *sql, int64_t key, const char *key_text,
                   void (*row)(sqlite3_stmt *st, void *arg), void *arg, const char *what,
                   jz_error *err);

/* Appends an entry to the audit log (inside the caller's transaction). */
jz_err jz__sq_audit(sq *q, const char *county, const char *action, const char *entity,
                    const char *before, const char *after, jz_error *err);

/* The audit log's hold on a connection opened for writing (before the
 * migrations, which call jz_audit_init()): its key, and the hooks that see
 * every row written.  Nothing for a read-only connection. */
jz_err jz__sq_audit_open(sq *q, const char *path, int flags, jz_error *err);
/* A migration's statement failed with rc: if jz_audit_init() in it failed,
 * its own error (the key file named, what is wrong with it) in place of
 * SQLite's text of it. */
jz_err jz__sq_audit_init_error(sq *q, jz_err rc, jz_error *err);
/* What sq_commit does first: the entries of the transaction (its
 * households, then what it changed in every table).  A transaction that
 * changed rows cannot commit without them. */
jz_err jz__sq_audit_commit(sq *q, jz_error *err);
/* The hash of entry `seq` (hex), for an anchor kept outside. */
jz_err jz__sq_audit_hash_at(void *impl, int64_t seq, char hex[65], jz_error *err);

/* A bulk path binds a row through these (every column, in the table's
 * order, then jz__sq_row_ready before stepping the INSERT), so that the
 * audit log takes the row's digest from the values in hand instead of
 * reading every column back in the pre-update hook, which for a WITHOUT
 * ROWID table costs more than the insert.  Debug builds check the digest
 * against the row. */
void jz__sq_row_begin(sq *q);
void jz__sq_row_int(sq *q, sqlite3_stmt *st, int col, int64_t v);
void jz__sq_row_text(sq *q, sqlite3_stmt *st, int col, const char *s);
void jz__sq_row_ready(sq *q, const char *table);
/* A row whose first column is its INTEGER PRIMARY KEY, given by SQLite
 * (the hook adds it); a column the statement writes itself (a default),
 * encoded but not bound.  Columns after the last one given are read back
 * in the hook. */
void jz__sq_row_begin_rowid(sq *q);
void jz__sq_row_default(sq *q, int64_t v);
/* DELETE FROM table, every row, audited: the rows' digests by one scan,
 * then the table's pages dropped at once, which SQLite does not do while
 * the hook watches each row. */
jz_err jz__sq_audit_clear(sq *q, const char *table, jz_error *err);

/* The procedure's operations (the ops table's entries). */
jz_err jz__sq_audit_verify(void *impl, jz_audit_report *rep, jz_error *err);
jz_err jz__sq_case_create(void *impl, jz_case *c, const jz_case_step *step, jz_error *err);
jz_err jz__sq_case_get(void *impl, int64_t id, jz_case *c, jz_error *err);
jz_err jz__sq_case_update(void *impl, const jz_case *before, const jz_case *after,
                          const jz_case_step *step, jz_error *err);
jz_err jz__sq_case_set_opinion(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu,
                               const jz_case_reason *r, size_t nr, const char *determination,
                               jz_error *err);
jz_err jz__sq_case_opinion(void *impl, int64_t id, jz_case_unit *u, size_t ucap, size_t *nu,
                           jz_case_reason *r, size_t rcap, size_t *nr, jz_error *err);
jz_err jz__sq_case_list(void *impl, const char *prefix, bool open_only,
                        void (*fn)(const jz_case *c, void *arg), void *arg, jz_error *err);
jz_err jz__sq_case_steps(void *impl, int64_t id, void (*fn)(const jz_case_step *s, void *arg),
                         void *arg, jz_error *err);
jz_err jz__sq_staff_put(void *impl, const char *county, const char *staff_id, const char *name,
                        const char *unit, const char *relative_id, const char *relative_name,
                        const char *relation, jz_error *err);
jz_err jz__sq_staff_relative(void *impl, const char *id_number, char *staff_name, size_t n,
                             char *relation, size_t rn, bool *found, jz_error *err);
jz_err jz__sq_staff_county(void *impl, const char *staff_id, char county[7], bool *found,
                           jz_error *err);
jz_err jz__sq_enrol_get(void *impl, int64_t id, jz_enrolment *e, jz_error *err);
jz_err jz__sq_enrol_put(void *impl, jz_enrolment *e, jz_error *err);
jz_err jz__sq_enrol_list(void *impl, const char *prefix, const char *household_id,
                         void (*fn)(const jz_enrolment *e, void *arg), void *arg, jz_error *err);
jz_err jz__sq_feed_begin(void *impl, jz_dept dept, const char *path, int64_t *feed, jz_error *err);
jz_err jz__sq_feed_put(void *impl, int64_t feed, const jz_feed_row *row,
                       const unsigned char *digest, bool *added, bool *matched, jz_error *err);
jz_err jz__sq_feed_end(void *impl, int64_t feed, const jz_feed_counts *n, int *dept, char *path,
                       size_t path_size, jz_error *err);
jz_err jz__sq_monitor_rows(void *impl, const jz__monitor_query *q, const jz__monitor_sink *sink,
                           void *arg, jz_error *err);
jz_err jz__sq_member_name(void *impl, const char *id_number, char *name, size_t n, jz_error *err);
jz_err jz__sq_alert_put(void *impl, jz_stored_alert *a, const unsigned char *key,
                        const int64_t *rows, size_t n_rows, bool *added, jz_error *err);
jz_err jz__sq_alert_add_evidence(void *impl, const jz_stored_alert *a, const int64_t *rows,
                                 size_t n_rows, const char *list, jz_fen amount, uint8_t severity,
                                 jz_error *err);
jz_err jz__sq_alert_evidence(void *impl, int64_t id,
                             void (*fn)(int64_t row, const jz_feed_row *r, void *arg), void *arg,
                             jz_error *err);
jz_err jz__sq_alert_list(void *impl, const char *prefix, int category, bool open_only,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg, jz_error *err);
jz_err jz__sq_alert_get(void *impl, int64_t id, jz_stored_alert *a, jz_error *err);
jz_err jz__sq_alert_update(void *impl, const jz_stored_alert *before, const jz_stored_alert *after,
                           const jz_alert_step *step, jz_error *err);
jz_err jz__sq_alert_find(void *impl, const char *key,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg, jz_error *err);
jz_err jz__sq_alert_steps(void *impl, int64_t alert, void (*fn)(const jz_alert_step *st, void *arg),
                          void *arg, jz_error *err);
jz_err jz__sq_feed_person(void *impl, const char *id_number,
                          void (*fn)(const jz_feed_row *r, void *arg), void *arg, jz_error *err);

jz_err jz__sq_case_set_units(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu,
                             jz_error *err);
jz_err jz__sq_case_set_findings(void *impl, const jz_case *c, const jz_case_finding *f, size_t nf,
                                jz_error *err);
jz_err jz__sq_case_findings(void *impl, int64_t id, jz_case_finding *f, size_t cap, size_t *n,
                            jz_error *err);
jz_err jz__sq_posting_put(void *impl, const jz_case *c, int kind, int round, jz_date posted_on,
                          jz_date until, const jz_posting_row *rows, size_t n, jz_error *err);
jz_err jz__sq_posting_list(void *impl, const char *village, int kind, jz_date on,
                           void (*fn)(const jz_posting_row *row, void *arg), void *arg,
                           jz_error *err);
jz_err jz__sq_grant_put(void *impl, jz_grant *g, jz_error *err);
jz_err jz__sq_grant_list(void *impl, const char *prefix, const char *household_id, int64_t case_id,
                         void (*fn)(const jz_grant *g, void *arg), void *arg, jz_error *err);

jz_err jz__sq_enrol_adopt(void *impl, jz_enrolment *e, jz_error *err);

/* What an import refused, and its counts (sqlite_import.c). */
jz_err jz__sq_import_reject(void *impl, int64_t import, long key, const char *county,
                            const char *household_id, const char *message, jz_error *err);
jz_err jz__sq_import_rejections(void *impl, int64_t import,
                                int (*fn)(long key, const char *household_id, const char *message,
                                          void *arg),
                                void *arg, jz_error *err);
jz_err jz__sq_import_counts(void *impl, int64_t import, jz_store_import_counts *out, jz_error *err);

/* Users, sessions and the access log (sqlite_user.c). */
const char *jz__sq_actor(const void *impl);
jz_err jz__sq_user_insert(void *impl, jz_user *u, const char *pwhash, jz_error *err);
jz_err jz__sq_user_get(void *impl, const char *login, jz_user *out, char *pwhash, jz_error *err);
jz_err jz__sq_user_list(void *impl, const char *prefix, void (*fn)(const jz_user *u, void *arg),
                        void *arg, jz_error *err);
jz_err jz__sq_user_update(void *impl, const jz_user *u, const char *pwhash, jz_error *err);
jz_err jz__sq_session_insert(void *impl, int64_t user_id, const unsigned char *hash, int64_t now,
                             int64_t *id, jz_error *err);
jz_err jz__sq_session_find(void *impl, const unsigned char *hash, jz_store_session *out,
                           jz_error *err);
jz_err jz__sq_session_touch(void *impl, int64_t session, int64_t now, jz_error *err);
jz_err jz__sq_session_purge(void *impl, int64_t cutoff, int *n, jz_error *err);
jz_err jz__sq_session_revoke(void *impl, int64_t session, int64_t user_id, int64_t now,
                             const char *reason, int *n, jz_error *err);
jz_err jz__sq_access_put(void *impl, const jz_access *a, jz_error *err);
jz_err jz__sq_access_list(void *impl, const char *subject, const char *prefix, size_t limit,
                          void (*fn)(const jz_access *a, void *arg), void *arg, jz_error *err);

#endif
