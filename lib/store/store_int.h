/*
 * store_int.h - the table of functions behind jz_store, one per backend,
 * and what the common layer gives backends.
 *
 * Layers (docs/registry.md "Layers"): store.c and the common files
 * (monitor_facts.c, audit_chain.c, audit_entries.c, codec.c, assistance.c,
 * snapshot.c) hold what is the same whatever the database: the rules,
 * their wordings, the encodings, and the audit entries of the writes
 * (store.c runs a write's statements through the table, then
 * audit_entries.c composes its entry and writes it through ops->audit);
 * store.c calls a backend only through its jz_store_ops.  A backend
 * (store_sqlite.c and its sqlite_*.c, sqlite_int.h) implements statements:
 * it reports facts (a clash, a row, an id assigned, a row's values) and
 * stores what the common layer encoded.  It may use the common layer's
 * services declared at the end of this file, which call nothing back, and
 * never a jz_store_* function.  A PostgreSQL backend fills the same table.
 */
#ifndef JZ_STORE_INT_H
#define JZ_STORE_INT_H

#include "jiuzhu/jz_store.h"
#include "jiuzhu/jz_store_pay.h"
#include "jiuzhu/jz_store_user.h"

/* Sizes of what the common layer encodes for storage (codec.c): the
 * decisive rules' text, and identity digests. */
#define JZ__DECISIVE_BUF 1024
#define JZ__DIGEST_BYTES 16
/* A tag of the store (ops->meta_get): 32 hex digits and the terminator. */
#define JZ__TAG_BUF 33

/* What monitoring reads (jz__monitor_sink): the registry's households,
 * people and live enrolments, the department rows, and what earlier runs
 * raised.  The text pointers are valid during the call only. */
typedef struct jz__monitor_query {
    uint32_t live_statuses; /* the enrolment statuses to give: bit s for status s */
    uint8_t resolved;       /* the alert status that is not open */
} jz__monitor_query;

typedef struct jz__monitor_household {
    int64_t key; /* the backend's, in increasing order */
    const char *household_id, *region;
    int n_members;
    uint8_t current_programme; /* the record's (jz_programme) */
    uint8_t area;
    jz_fen income; /* its determination's counted income, 0 if none */
} jz__monitor_household;

typedef struct jz__monitor_member {
    int64_t household; /* its key */
    const char *id_number;
    jz_fen wage, business; /* his own wage and net business income */
    jz_date deceased;
    uint8_t presence;
} jz__monitor_member;

typedef struct jz__monitor_enrolment {
    int64_t household;
    int programme, member, persons; /* member: the unit's person's index, -1 the household's */
} jz__monitor_enrolment;

typedef struct jz__monitor_feed_row {
    int64_t row; /* the backend's row number */
    const char *id_number, *code, *name;
    uint8_t dept, event, level;
    jz_date date;
    jz_fen amount;
} jz__monitor_feed_row;

typedef struct jz__monitor_alert {
    int64_t id;
    const char *id_number;
    int indicator;
    uint8_t category;
    bool open;
    jz_date raised_on;
} jz__monitor_alert;

/* The backend calls, in this order: registry_sizes once (the counts of
 * households and members); household for each household in key order;
 * member for each member in (household, index) order; enrolment for each
 * enrolment of a status in q->live_statuses; feed_size once (the count of
 * feed rows); feed_row for each feed row; evidence for each evidence row of
 * an alert (open: the alert's status is not q->resolved); alert for each
 * alert.  A callback returning nonzero ends the rows of its kind (the
 * backend goes on with the next kind; the sink keeps its own errors). */
typedef struct jz__monitor_sink {
    int (*registry_sizes)(void *arg, size_t households, size_t members);
    int (*household)(void *arg, const jz__monitor_household *h);
    int (*member)(void *arg, const jz__monitor_member *m);
    int (*enrolment)(void *arg, const jz__monitor_enrolment *e);
    int (*feed_size)(void *arg, size_t rows);
    int (*feed_row)(void *arg, const jz__monitor_feed_row *r);
    int (*evidence)(void *arg, int indicator, int64_t row, bool open);
    int (*alert)(void *arg, const jz__monitor_alert *a);
} jz__monitor_sink;

/* R-HH-3's fact: member `member` of the household being stored (its index,
 * -1: none) belongs to household `other` ("?" if it cannot be told). */
typedef struct jz__member_clash {
    int member;
    char other[JZ_HOUSEHOLD_ID_MAX];
} jz__member_clash;

typedef struct jz__results jz__results; /* below */

typedef struct jz_store_ops {
    const char *name;
    /* Opens (or with JZ_STORE_CREATE creates) the store at `where`. */
    jz_err (*open)(const char *where, int flags, void **impl, jz_error *err);
    void (*close)(void *impl);
    int (*schema_version)(const void *impl);
    jz_err (*begin)(void *impl, jz_error *err);
    /* begin, the foreign keys of the tables named checked at the commit
     * rather than row by row (jz_store_run_keyed); NULL: begin. */
    jz_err (*begin_keyed)(void *impl, const char *const *tables, jz_error *err);
    jz_err (*commit)(void *impl, jz_error *err);
    void (*rollback)(void *impl);
    /* A member who belongs to another household already (R-HH-3) is a
     * fact the backend reports in *clash (which store.c words): JZ_EINPUT
     * when nothing of h was stored, JZ_EIO when part of it was and only a
     * rollback undoes it.  *replaced: the record it replaced (malloc'd),
     * NULL for a new household (store.c audits it). */
    jz_err (*put_household)(void *impl, const jz_household *h, const char *record,
                            const char *source, struct jz__member_clash *clash, char **replaced,
                            jz_error *err);
    /* Optional (NULL: nothing to do): the households about to be put, in
     * order, so that a backend with round trips may look up what
     * put_household needs for all of them at once. */
    jz_err (*prefetch)(void *impl, const jz_household *hs, size_t n, jz_error *err);
    jz_err (*get_record)(void *impl, const char *key, char **record, jz_error *err);
    /* The household of key (its ID, or a member's ID number): its ID, its
     * region and the current programme its record states; JZ_ENOTFOUND. */
    jz_err (*household_programme)(void *impl, const char *key,
                                  char household_id[JZ_HOUSEHOLD_ID_MAX], char region[13],
                                  uint8_t *current_programme, jz_error *err);
    jz_err (*import_begin)(void *impl, const char *path, int64_t size, int64_t mtime,
                           jz_store_import *out, jz_error *err);
    jz_err (*import_progress)(void *impl, const jz_store_import *imp, long lines_done, long stored,
                              long rejected, bool finished, jz_error *err);
    jz_err (*snapshot)(void *impl, const char *region_prefix, jz_snapshot **out, jz_error *err);
    /* Optional (NULL: the cache is built again whole): the snapshot of the
     * households of the given IDs that exist, whatever their region, in
     * key order, read in one transaction (the snapshot cache's update of a
     * few changed households). */
    jz_err (*snapshot_ids)(void *impl, const char *const *ids, size_t n, jz_snapshot **out,
                           jz_error *err);
    /* A row of the meta table: its value (malloc'd; NULL when there is
     * none), with lock held until the transaction ends where writers run
     * at once (PostgreSQL: FOR UPDATE); and a row written (inserted or
     * replaced) in the caller's transaction.  store.c keeps the snapshot
     * cache's tags there (JZ__TAG_REGISTRY, JZ__TAG_RESULTS: random
     * tokens written anew by every transaction that puts households,
     * and by every one that writes determinations for the second) and
     * the log of the households each recent put changed
     * (JZ__REGISTRY_LOG). */
    jz_err (*meta_get)(void *impl, const char *key, bool lock, char **value, jz_error *err);
    jz_err (*meta_put)(void *impl, const char *key, const char *value, jz_error *err);
    jz_err (*run_begin)(void *impl, jz_date date, const char *region_prefix, const char *overrides,
                        int64_t *run, jz_error *err);
    jz_err (*snapshot_stale)(void *impl, const jz_snapshot *snap, uint8_t *stale, size_t *n_stale,
                             jz_error *err);
    jz_err (*snapshot_results)(void *impl, const jz_snapshot *snap, uint8_t *category,
                               jz_fen *monthly, jz_error *err);
    /* The stored results, as snapshot_results reads them, of the households
     * named that exist (each once, by key ascending): what brings a
     * results file up to date after a few households were put.  NULL: the
     * backend has none (the file is then read whole). */
    jz_err (*results_ids)(void *impl, const char *const *ids, size_t n, jz__results *out,
                          jz_error *err);
    /* The stored determination of every household of the snapshot, as its
     * digest (jz__det_digest and friends), 0 where none is stored. */
    jz_err (*stored_digests)(void *impl, const jz_snapshot *snap, uint64_t *digest,
                             jz_error *err);
    jz_err (*clear_determinations)(void *impl, const char *region_prefix, const jz_snapshot *snap,
                                   const uint8_t *keep, jz_error *err);
    /* decisive: r->decisive encoded (jz__rules_encode). */
    jz_err (*put_determination)(void *impl, int64_t run, const jz_snapshot *snap, size_t i,
                                const jz_household *h, const jz_result *r, const char *decisive,
                                const char *params_json, jz_error *err);
    /* Fills r but r->decisive, whose stored text goes to decisive. */
    jz_err (*get_determination)(void *impl, const char *household_id, jz_result *r, int64_t *run,
                                jz_date *date, char decisive[JZ__DECISIVE_BUF], jz_error *err);
    jz_err (*stats)(void *impl, int level_digits, const char *region_prefix,
                    void (*fn)(const jz_stat_row *row, void *arg), void *arg, jz_error *err);
    jz_err (*trend)(void *impl, const char *region_prefix, jz_trend_month *months, size_t n,
                    jz_error *err);
    void (*set_actor)(void *impl, const char *actor);
    /* Inserts case c (its id set in c->id) and its first step. */
    jz_err (*case_create)(void *impl, jz_case *c, const jz_case_step *step, jz_error *err);
    jz_err (*case_get)(void *impl, int64_t id, jz_case *c, jz_error *err);
    jz_err (*case_update)(void *impl, const jz_case *before, const jz_case *after,
                          const jz_case_step *step, jz_error *err);
    jz_err (*case_set_opinion)(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu,
                               const jz_case_reason *r, size_t nr, const char *determination,
                               jz_error *err);
    jz_err (*case_opinion)(void *impl, int64_t id, jz_case_unit *u, size_t ucap, size_t *nu,
                           jz_case_reason *r, size_t rcap, size_t *nr, jz_error *err);
    jz_err (*case_list)(void *impl, const char *prefix, bool open_only,
                        void (*fn)(const jz_case *c, void *arg), void *arg, jz_error *err);
    jz_err (*case_steps)(void *impl, int64_t id, void (*fn)(const jz_case_step *s, void *arg),
                         void *arg, jz_error *err);
    jz_err (*staff_put)(void *impl, const char *county, const char *staff_id, const char *name,
                        const char *unit, const char *relative_id, const char *relative_name,
                        const char *relation, jz_error *err);
    jz_err (*staff_relative)(void *impl, const char *id_number, char *staff_name, size_t n,
                             char *relation, size_t rn, bool *found, jz_error *err);
    jz_err (*staff_county)(void *impl, const char *staff_id, char county[7], bool *found,
                           jz_error *err);
    jz_err (*audit_verify)(void *impl, jz_audit_report *rep, jz_error *err);
    jz_err (*audit_hash_at)(void *impl, int64_t seq, char hex[65], jz_error *err);
    jz_err (*enrol_get)(void *impl, int64_t id, jz_enrolment *e, jz_error *err);
    /* Inserts e (e->id 0: its id is set) or updates it; the common layer
     * reads the row before (enrol_get) and audits the write. */
    jz_err (*enrol_put)(void *impl, jz_enrolment *e, jz_error *err);
    jz_err (*enrol_list)(void *impl, const char *prefix, const char *household_id,
                         void (*fn)(const jz_enrolment *e, void *arg), void *arg, jz_error *err);
    jz_err (*feed_begin)(void *impl, jz_dept dept, const char *path, int64_t *feed, jz_error *err);
    /* digest: the row's identity (jz__feed_row_digest), stored once. */
    jz_err (*feed_put)(void *impl, int64_t feed, const jz_feed_row *row,
                       const unsigned char *digest, bool *added, bool *matched, jz_error *err);
    /* Records the counts of import `feed`; gives its department and its
     * file as stored (cut to fit path_size), for the audit entry. */
    jz_err (*feed_end)(void *impl, int64_t feed, const jz_feed_counts *n, int *dept, char *path,
                       size_t path_size, jz_error *err);
    /* The rows monitoring reads, handed to the sink in the order its
     * comment gives (monitor_facts.c makes the facts of them). */
    jz_err (*monitor_rows)(void *impl, const struct jz__monitor_query *q,
                           const struct jz__monitor_sink *sink, void *arg, jz_error *err);
    /* A registered person's name ("" if none), for monitoring. */
    jz_err (*member_name)(void *impl, const char *id_number, char *name, size_t n, jz_error *err);
    /* key: the alert's identity (jz__alert_key), stored once. */
    jz_err (*alert_put)(void *impl, jz_stored_alert *a, const unsigned char *key,
                        const int64_t *rows, size_t n_rows, bool *added, jz_error *err);
    /* Adds rows to alert a's evidence (list: their numbers, "1,2,3"), its
     * amount by amount, its severity at least severity. */
    jz_err (*alert_add_evidence)(void *impl, const jz_stored_alert *a, const int64_t *rows,
                                 size_t n_rows, const char *list, jz_fen amount, uint8_t severity,
                                 jz_error *err);
    jz_err (*alert_evidence)(void *impl, int64_t id,
                             void (*fn)(int64_t row, const jz_feed_row *r, void *arg), void *arg,
                             jz_error *err);
    jz_err (*alert_list)(void *impl, const char *prefix, int category, bool open_only,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg, jz_error *err);
    /* Appends an entry to the audit log, in the transaction in progress:
     * the one primitive through which every entry the common layer
     * composes (audit_entries.c) is written.  The writes above that are
     * audited (case_create, case_update, case_set_units,
     * case_set_findings, grant_put, staff_put, enrol_put, feed_end,
     * alert_update) only run their statements. */
    jz_err (*audit)(void *impl, const char *county, const char *action, const char *entity,
                    const char *before, const char *after, jz_error *err);
    jz_err (*alert_get)(void *impl, int64_t id, jz_stored_alert *a, jz_error *err);
    jz_err (*alert_update)(void *impl, const jz_stored_alert *before, const jz_stored_alert *after,
                           const jz_alert_step *step, jz_error *err);
    jz_err (*alert_find)(void *impl, const char *key,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg, jz_error *err);
    jz_err (*alert_steps)(void *impl, int64_t alert, void (*fn)(const jz_alert_step *st, void *arg),
                          void *arg, jz_error *err);
    jz_err (*feed_person)(void *impl, const char *id_number,
                          void (*fn)(const jz_feed_row *r, void *arg), void *arg, jz_error *err);
    jz_err (*case_set_units)(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu,
                             jz_error *err);
    jz_err (*case_set_findings)(void *impl, const jz_case *c, const jz_case_finding *f, size_t nf,
                                jz_error *err);
    jz_err (*case_findings)(void *impl, int64_t id, jz_case_finding *f, size_t cap, size_t *n,
                            jz_error *err);
    jz_err (*posting_put)(void *impl, const jz_case *c, int kind, int round, jz_date posted_on,
                          jz_date until, const jz_posting_row *rows, size_t n, jz_error *err);
    jz_err (*posting_list)(void *impl, const char *village, int kind, jz_date on,
                           void (*fn)(const jz_posting_row *row, void *arg), void *arg,
                           jz_error *err);
    /* Inserts g (its id set in g->id). */
    jz_err (*grant_put)(void *impl, jz_grant *g, jz_error *err);
    jz_err (*grant_list)(void *impl, const char *prefix, const char *household_id, int64_t case_id,
                         void (*fn)(const jz_grant *g, void *arg), void *arg, jz_error *err);
    jz_err (*record_version)(void *impl, const char *key, int *current, int *assessed,
                             char *household_id, jz_error *err);
    jz_err (*record_history)(void *impl, const char *household_id,
                             void (*fn)(const jz_record_version *v, void *arg), void *arg,
                             jz_error *err);
    /* Inserts a recipient an import brought in (e->id set), with its first
     * term (from e->first_month, if any) and its mark for the payment
     * plan (as enrol_term, pay_mark); not audited on its own: the
     * import's entry covers its rows. */
    jz_err (*enrol_adopt)(void *impl, jz_enrolment *e, jz_error *err);
    jz_err (*import_reject)(void *impl, int64_t import, long key, const char *county,
                            const char *household_id, const char *message, jz_error *err);
    jz_err (*import_rejections)(void *impl, int64_t import,
                                int (*fn)(long key, const char *household_id, const char *message,
                                          void *arg),
                                void *arg, jz_error *err);
    jz_err (*import_counts)(void *impl, int64_t import, jz_store_import_counts *out, jz_error *err);
    /* Users, sessions and the access log (jz_store_user.h). */
    const char *(*actor)(const void *impl);
    jz_err (*user_insert)(void *impl, jz_user *u, const char *pwhash, jz_error *err);
    jz_err (*user_get)(void *impl, const char *login, jz_user *out, char *pwhash, jz_error *err);
    jz_err (*user_list)(void *impl, const char *prefix, void (*fn)(const jz_user *u, void *arg),
                        void *arg, jz_error *err);
    jz_err (*user_update)(void *impl, const jz_user *u, const char *pwhash, jz_error *err);
    jz_err (*session_insert)(void *impl, int64_t user_id, const unsigned char *hash, int64_t now,
                             int64_t *id, jz_error *err);
    jz_err (*session_find)(void *impl, const unsigned char *hash, jz_store_session *out,
                           jz_error *err);
    jz_err (*session_touch)(void *impl, int64_t session, int64_t now, jz_error *err);
    jz_err (*session_revoke)(void *impl, int64_t session, int64_t user_id, int64_t now,
                             const char *reason, int *n, jz_error *err);
    jz_err (*session_purge)(void *impl, int64_t cutoff, int *n, jz_error *err);
    jz_err (*access_put)(void *impl, const jz_access *a, jz_error *err);
    jz_err (*access_list)(void *impl, const char *subject, const char *prefix, size_t limit,
                          void (*fn)(const jz_access *a, void *arg), void *arg, jz_error *err);
    /* Payments (jz_store_pay.h). */
    jz_err (*enrol_term)(void *impl, const jz_enrolment *e, const char *since, jz_error *err);
    jz_err (*pay_units_all)(void *impl, const char *prefix,
                            void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err);
    jz_err (*pay_units)(void *impl, const char *prefix, const char *month, const char *quarter,
                        bool quarter_start, void (*fn)(const jz_pay_unit *u, void *arg), void *arg,
                        jz_error *err);
    jz_err (*pay_owed)(void *impl, int64_t enrolment,
                       void (*fn)(const jz_pay_held_row *r, void *arg), void *arg,
                       jz_error *err);
    jz_err (*pay_clean)(void *impl, const char *prefix, jz_error *err);
    jz_err (*pay_lines_settle)(void *impl, int64_t batch, uint8_t from, uint8_t to,
                               const char *result, int64_t *n, jz_error *err);
    jz_err (*pay_batch_accounts)(void *impl, int64_t batch,
                                 void (*fn)(const jz_pay_sent_line *l, void *arg), void *arg,
                                 jz_error *err);
    jz_err (*pay_count_regular)(void *impl, const char *prefix, const char *month,
                                const char *quarter, int64_t *n, jz_error *err);
    jz_err (*pay_mark)(void *impl, int64_t enrolment, const char *county, jz_error *err);
    jz_err (*pay_plan_mark)(void *impl, const char *county, const char *period,
                            char first[JZ_PERIOD_BUF], jz_error *err);
    jz_err (*pay_plan_first)(void *impl, const char *county, char first[JZ_PERIOD_BUF],
                             jz_error *err);
    jz_err (*pay_line_add)(void *impl, jz_pay_line *l, bool *added, jz_error *err);
    jz_err (*household_list)(void *impl, const jz_store_hh_query *q,
                             void (*fn)(const jz_store_hh_row *r, void *arg), void *arg,
                             int64_t *total, jz_error *err);
    jz_err (*audit_list)(void *impl, const char *county_prefix, const char *action_prefix,
                         int64_t offset, int limit,
                         void (*fn)(const jz_store_audit_row *r, void *arg), void *arg,
                         int64_t *total, jz_error *err);
    jz_err (*payee_sharing)(void *impl, const char *bank, const char *account,
                            const char *household_id, int max,
                            void (*fn)(const char *household_id, void *arg), void *arg,
                            jz_error *err);
    jz_err (*pay_line_get)(void *impl, int64_t id, jz_pay_line *l, jz_error *err);
    jz_err (*pay_line_set)(void *impl, const jz_pay_line *l, uint8_t was, jz_error *err);
    jz_err (*pay_lines_open)(void *impl, const char *county, unsigned mask,
                             void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err);
    jz_err (*pay_lines_of_batch)(void *impl, int64_t batch,
                                 void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                 jz_error *err);
    jz_err (*pay_lines_move)(void *impl, int64_t batch, uint8_t from, uint8_t to, int64_t *n,
                             jz_error *err);
    jz_err (*pay_lines_of_household)(void *impl, const char *household_id,
                                     void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                     jz_error *err);
    jz_err (*payee_current)(void *impl, const char *household_id, const char *member_id,
                            jz_payee *out, jz_error *err);
    jz_err (*payee_get)(void *impl, int64_t id, jz_payee *out, jz_error *err);
    jz_err (*payee_put)(void *impl, jz_payee *p, jz_error *err);
    jz_err (*institution_put)(void *impl, jz_institution *i, jz_error *err);
    jz_err (*institution_get)(void *impl, int64_t id, jz_institution *out, jz_error *err);
    jz_err (*institutions)(void *impl, const char *county,
                           void (*fn)(const jz_institution *i, void *arg), void *arg,
                           jz_error *err);
    jz_err (*pay_batch_add)(void *impl, jz_pay_batch *b, jz_error *err);
    jz_err (*pay_batch_get)(void *impl, int64_t id, jz_pay_batch *b, jz_error *err);
    jz_err (*pay_batch_set)(void *impl, const jz_pay_batch *b, uint8_t was, jz_error *err);
    jz_err (*pay_batches)(void *impl, const char *county, const char *period,
                          void (*fn)(const jz_pay_batch *b, void *arg), void *arg, jz_error *err);
    jz_err (*recovery_add)(void *impl, jz_recovery *r, jz_error *err);
    jz_err (*recovery_get)(void *impl, int64_t id, jz_recovery *r, jz_error *err);
    jz_err (*recoveries)(void *impl, const char *household_id,
                         void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err);
    /* One-time programmes, holds, repayments (sqlite_pay_once.c). */
    jz_err (*pay_unit)(void *impl, int64_t enrolment, jz_pay_unit *out, jz_error *err);
    jz_err (*pay_hold_add)(void *impl, const jz_enrolment *e, const jz_pay_hold *h, bool replace,
                           jz_error *err);
    jz_err (*pay_hold_end)(void *impl, const jz_enrolment *e, const char *to, bool back_pay,
                           jz_error *err);
    jz_err (*pay_plan_last)(void *impl, const char *county, char last[JZ_PERIOD_BUF],
                            jz_error *err);
    jz_err (*pay_members)(void *impl, const char *household_id,
                          void (*fn)(const jz_pay_member *m, void *arg), void *arg, jz_error *err);
    jz_err (*pay_once_totals)(void *impl, const char *programme, const char *prefix,
                              jz_store_once_totals *out, jz_error *err);
    jz_err (*repayment_add)(void *impl, jz_repayment *p, const char *county, jz_error *err);
    jz_err (*repayments)(void *impl, int64_t recovery, void (*fn)(const jz_repayment *p, void *arg),
                         void *arg, jz_error *err);
    /* Reconciliation and deadlines (jz_store_pay.h). */
    jz_err (*pay_sums)(void *impl, const jz_pay_scope *sc,
                       void (*fn)(const jz_pay_sum_row *r, void *arg), void *arg, jz_error *err);
    jz_err (*pay_lines_where)(void *impl, const jz_pay_scope *sc, const jz_pay_line_filter *f,
                              void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                              jz_error *err);
    jz_err (*pay_batch_facts)(void *impl, const char *county, int64_t batch,
                              void (*fn)(const jz_pay_batch_fact *f, void *arg), void *arg,
                              jz_error *err);
    jz_err (*pay_recovery_facts)(void *impl, const char *county,
                                 void (*fn)(const jz_pay_recovery_fact *f, void *arg), void *arg,
                                 jz_error *err);
    jz_err (*pay_due_groups)(void *impl, const char *prefix,
                             void (*fn)(const jz_pay_due_group *g, void *arg), void *arg,
                             jz_error *err);
} jz_store_ops;

/* An open flag of the backends' own: a store created as the target of a
 * copy (copy.c), with its schema but no audit key or entry of its own: the
 * copy brings the source's. */
#define JZ__STORE_COPY_TARGET 0x100

/* The backend of an open store and its handle (for copy.c). */
const jz_store_ops *jz__store_ops(const jz_store *s);
void *jz__store_impl(jz_store *s);

/* The backends (store.c picks one by the form of `where`). */
extern const jz_store_ops jz__sqlite_ops;
extern const jz_store_ops jz__pg_ops;

/* The columnar snapshot (shared by every backend: they fill it). */
struct jz_snapshot {
    size_t n_households, n_members, cap_households, cap_members;
    /* households */
    int64_t *key;     /* the backend's household key */
    int32_t *version; /* the record version read (write-back checks it) */
    char (*household_id)[JZ_HOUSEHOLD_ID_MAX];
    jz_region *region;
    uint8_t *area;
    jz_date *assess_date;
    uint8_t *current_programme;
    jz_date *current_since;
    jz_fen *current_amount;
    uint32_t *first_member;  /* index of its first member in the member columns */
    uint8_t *household_size; /* members of each household */
    /* members: one column per field the engine reads */
    jz_date *birth, *deceased;
    uint8_t *relation, *presence, *employment, *hardship, *disability, *disability_grade,
        *student_level, *self_care_failed, *n_supporters;
    uint16_t *flags; /* JZ_SNAP_F_* */
    uint16_t *supporters_unable, *months_without_income, *vehicles, *extra_houses;
    uint64_t *supporter_status;
    jz_fen *financial;
    jz_fen *income[JZ_INC_FIRST_EXCLUDED];
    jz_fen *income_not_counted;
    jz_fen *expenses[JZ_EXP_COUNT];
    uint8_t *member_programme; /* the member-level current: jz_member_programme */
    jz_date *member_since;
    jz_fen *member_amount;
    char (*id)[JZ_IDNUM_BUF];
    /* The compact form (jz__snapshot_seal), which the engine reads and the
     * cache keeps: the household IDs one after the other (hid_off[i] into
     * hid_text, text_len bytes), and the amounts of money that are not
     * zero (money_n[j] of member j, from money_first[i] of its household
     * on: which amount in money_kind, its value in money_value; n_money in
     * all).  Until then, household_id, financial, income[],
     * income_not_counted, expenses[] and member_amount hold them, one
     * column each, as the backends fill them; after, those are NULL. */
    uint32_t *hid_off, *money_first;
    char *hid_text;
    uint8_t *money_n, *money_kind;
    jz_fen *money_value;
    size_t text_len, n_money;
    /* Loaded from the cache (jz__snapshot_load): the columns point into
     * this read-only mapping, not into memory of their own. */
    void *map;
    size_t map_len;
    /* What jz_store_snapshot read: the region prefix, and the registry's
     * tag it was read under ("": no cache). */
    char prefix[JZ_REGION_BUF];
    char tag[JZ__TAG_BUF];
    /* Brought up to date from the cache (updated), and how many households
     * were read again from the store for it (jz_snapshot_patched). */
    bool updated;
    size_t patched;
    /* Its cache file being written behind the run (jz__snapshot_save_behind);
     * jz_snapshot_free waits for it. */
    struct jz__saver *saver;
};

/* Member booleans, packed in the snapshot's flags column and the store. */
enum {
    JZ_SNAP_F_NEWLY_EMPLOYED = 1u << 0,
    JZ_SNAP_F_UNEMPLOYMENT_INSURED = 1u << 1,
    JZ_SNAP_F_SERIOUS_ILLNESS = 1u << 2,
    JZ_SNAP_F_UNDER_TREATMENT = 1u << 3,
    JZ_SNAP_F_NEEDS_REHAB_OR_CARE = 1u << 4,
    JZ_SNAP_F_STUDENT_FULL_TIME = 1u << 5,
    JZ_SNAP_F_STUDENT_HIGH_FEE = 1u << 6,
    JZ_SNAP_F_STUDENT_ABROAD = 1u << 7,
    JZ_SNAP_F_APPLIES_ALONE = 1u << 8,
    JZ_SNAP_F_SUPPORTERS_KNOWN = 1u << 9,
    JZ_SNAP_F_BUSINESS = 1u << 10
};

/* Monitoring's scan (monitor_facts.c): the backend's rows made into the
 * facts of each person, handed to fn (jz_store_monitor_scan). */
jz_err jz__monitor_scan(const jz_store_ops *ops, void *impl, const char *prefix, jz_date on,
                        void (*fn)(const jz_monitor_subject *s, void *arg), void *arg,
                        jz_error *err);

/* ---- the audit entries of the writes (audit_entries.c) ----
 * store.c calls these after the backend's statements succeeded, in the
 * same transaction: each composes its entry (county, action, entity, the
 * JSON of before and after) and writes it through ops->audit. */
jz_err jz__audit_case(const jz_store_ops *ops, void *impl, const jz_case *before,
                      const jz_case *after, const jz_case_step *step, jz_error *err);
jz_err jz__audit_case_units(const jz_store_ops *ops, void *impl, const jz_case *c,
                            const jz_case_unit *old, size_t nold, const jz_case_unit *u, size_t nu,
                            jz_error *err);
jz_err jz__audit_case_findings(const jz_store_ops *ops, void *impl, const jz_case *c,
                               const jz_case_finding *f, size_t nf, jz_error *err);
jz_err jz__audit_grant(const jz_store_ops *ops, void *impl, const jz_grant *g, jz_error *err);
jz_err jz__audit_staff(const jz_store_ops *ops, void *impl, const char *county,
                       const char *staff_id, const char *name, const char *unit,
                       const char *relative_id, const char *relative_name, const char *relation,
                       jz_error *err);
/* before: NULL for an enrolment inserted; note: "" or NULL for none. */
jz_err jz__audit_enrolment(const jz_store_ops *ops, void *impl, const jz_enrolment *before,
                           const jz_enrolment *e, const char *action, const char *note,
                           jz_error *err);
jz_err jz__audit_feed(const jz_store_ops *ops, void *impl, int64_t feed, int dept, const char *path,
                      const jz_feed_counts *n, jz_error *err);
jz_err jz__audit_alert(const jz_store_ops *ops, void *impl, const jz_stored_alert *before,
                       const jz_stored_alert *after, const jz_alert_step *step, jz_error *err);

/* ==== services of the common layer for backends (they call nothing back) ==== */

/* ---- encodings for storage, the same for every backend (codec.c) ---- */

/* The decisive rules of a determination as stored: their IDs separated by
 * spaces ("R-DB-1 R-DB-2"), cut at a whole ID to fit n; and back (unknown
 * IDs are left out). */
void jz__rules_encode(uint64_t bits, char *buf, size_t n);
uint64_t jz__rules_decode(const char *text);

/* Digests that identify what is stored once: a department's row (the same
 * event imported again adds nothing) and an alert (the same indicator on a
 * person's same evidence raises one). */
void jz__feed_row_digest(const jz_feed_row *r, unsigned char out[JZ__DIGEST_BYTES]);
void jz__alert_key(const jz_stored_alert *a, size_t n_rows, unsigned char out[JZ__DIGEST_BYTES]);

/* The enrolment statuses that are live (jz_enrolment_live, assistance.c),
 * as a bit mask (bit s: status s), for a backend to bind where a query
 * selects live enrolments in bulk: the meaning stays here, not in its SQL. */
uint32_t jz__live_statuses(void);

/* The member booleans as one column (JZ_SNAP_F_*, snapshot.c). */
uint16_t jz__member_flags(const jz_member *m);
void jz__member_set_flags(jz_member *m, uint16_t flags);

/* Snapshot building (snapshot.c). */
jz_snapshot *jz__snapshot_new(void);
jz_err jz__snapshot_add_household(jz_snapshot *s,
                                  jz_error *err); /* grows; index = n_households-1 */
jz_err jz__snapshot_add_member(jz_snapshot *s, jz_error *err);
/* Makes a filled snapshot compact (store.c, after the backend filled it):
 * about 280 bytes per household and its members instead of 690. */
jz_err jz__snapshot_seal(jz_snapshot *s, jz_error *err);
/* The sealed snapshot old with the households named by ids (n_ids)
 * replaced by those of the sealed snapshot fresh (read again from the
 * store; those outside prefix left out, as are the named ones fresh does
 * not hold), in key order: a new snapshot in memory of its own, updated,
 * its patched the households of fresh it took. */
jz_err jz__snapshot_merge(const jz_snapshot *old, const jz_snapshot *fresh, const char *prefix,
                          const char *const *ids, size_t n_ids, jz_snapshot **out, jz_error *err);
/* Sizes the columns once when the counts are known (no regrowth). */
jz_err jz__snapshot_reserve(jz_snapshot *s, size_t households, size_t members,
                            jz_error *err); /* grows; index = n_members-1 */

/* ---- the snapshot cache (snapshot.c; docs/registry.md "The snapshot cache") ----
 *
 * A snapshot kept in a file between runs: a header, then every column as
 * it is in memory, so that loading is mapping the file.  It is used only
 * when its header names the same store tag, region prefix and schema
 * version, the same layout of columns, and its sizes agree. */
#define JZ__TAG_REGISTRY "registry_tag"
#define JZ__TAG_RESULTS "results_tag"
#define JZ__REGISTRY_LOG "registry_log"
/* A new random tag (32 hex digits). */
void jz__new_tag(char tag[JZ__TAG_BUF]);
/* Writes s to path (through a temporary file, synced, then renamed; the
 * file readable by its owner only). */
jz_err jz__snapshot_save(const jz_snapshot *s, const char *path, const char *tag,
                         const char *prefix, int schema_version, jz_error *err);
/* jz__snapshot_save on a thread of its own, while the caller goes on with
 * the snapshot (which nothing changes once sealed); errors are dropped, as
 * a cache that cannot be written costs the next run its speed only.  Saved
 * in the caller's thread when no thread can be started.  jz_snapshot_free
 * waits for the file. */
void jz__snapshot_save_behind(jz_snapshot *s, const char *path, const char *tag, const char *prefix,
                              int schema_version);
/* The snapshot of path if it is valid for (tag, prefix, schema_version),
 * else NULL (no file, another tag, damaged: the caller builds it). */
jz_snapshot *jz__snapshot_load(const char *path, const char *tag, const char *prefix,
                               int schema_version);

/* What the header of a cache file at path names (false: not a cache
 * file): for tools and the fuzz target, which then load it. */
bool jz__snapshot_peek(const char *path, char tag[JZ__TAG_BUF], char prefix[JZ_REGION_BUF],
                       int *schema_version);
/* The stored results of snap's households (jz_store_snapshot_results)
 * kept beside its cached snapshot, valid under snap's tag and the results'
 * tag `tag`; load returns false when the file is not valid for them. */
jz_err jz__results_save(const char *path, const jz_snapshot *snap, const char *tag,
                        int schema_version, const uint8_t *category, const jz_fen *monthly,
                        jz_error *err);
bool jz__results_load(const char *path, const jz_snapshot *snap, const char *tag,
                      int schema_version, uint8_t *category, jz_fen *monthly);

/* Stored results by household key, keys ascending: as a results file holds
 * them (its results' tag in tag), or as a backend reads them for a few
 * households (results_ids). */
struct jz__results {
    char tag[JZ__TAG_BUF];
    size_t n;
    int64_t *key;
    uint8_t *category; /* JZ_CAT_COUNT: none stored */
    jz_fen *monthly;
};
void jz__results_free(jz__results *r);
/* Room for n rows in r (r->n = 0). */
jz_err jz__results_alloc(jz__results *r, size_t n, jz_error *err);
/* A stored category as results hold it: JZ_CAT_COUNT for what is none. */
static inline uint8_t jz__stored_category(int64_t c)
{
    return (uint8_t)(c >= 0 && c < JZ_CAT_COUNT ? c : JZ_CAT_COUNT);
}
/* The results file at path as it is, whatever snapshot it was made beside
 * (false: none, another schema, damaged). */
bool jz__results_read(const char *path, int schema_version, jz__results *out);
/* The stored results of snap's households from an older file's (old), but
 * those of the n_ids households named, which are fresh's (the ones that
 * exist; a household named that fresh lacks has none stored); *patched:
 * how many were named.  An error when a household neither named nor in old
 * (the caller then reads them all). */
jz_err jz__results_merge(const jz_snapshot *snap, const jz__results *old, const char *const *ids,
                         size_t n_ids, const jz__results *fresh, uint8_t *category, jz_fen *monthly,
                         size_t *patched, jz_error *err);

/* A store of an older schema opened read-only is read as it is (its audit
 * log verifies, a backup copies it); what reads the determinations as the
 * current schema keeps them calls this first, which says the store must be
 * opened for writing once (any command that writes migrates it), rather
 * than the database's "no such column". */
jz_err jz__older_schema(int version, jz_error *err);

/* Whether a person's result is stored (in the determination's persons): only where
 * something applies to the person, or he is not counted (store.c). */
bool jz__person_result_stored(const jz_person_result *p);

/* ---- digests of determinations (det_digest.c) -------------------------------
 *
 * A reassessment writes only the households whose determination changed:
 * it compares the digest of each new one with that of the stored one.  A
 * digest covers what the stored row says but the run that wrote it, its
 * parameter row's number and the date: the determination's columns (as
 * JZ__DET_NF integers, in the order below, its decisive rules' text and its
 * persons' text), the record's version and the text of its parameters.
 * Keyed SipHash under a key drawn once per process (digests are never
 * stored), summed with the parameters' digest. */
enum { JZ__DET_NF = 10 };
/* category, causes, monthly_amount, counted_members, standard, income,
 * deductible, financial, exit_until (0 without R-EXIT-1), record_version */
uint64_t jz__det_digest(const int64_t f[JZ__DET_NF], const char *decisive, const char *persons);

/* The persons' results a determination's row keeps (schema 9: one row per
 * household), as text: each person jz__person_result_stored keeps, in
 * member order, as ten integers joined by ',' (idx, categories | 0x100 when
 * not counted, care_level, monthly_amount, single_rule, tmp_rule,
 * tmp_amount, referrals, death_check_due, death_change_from), the persons
 * joined by ';' ("" when none).  Beside it the row keeps the sums SQL
 * aggregates read (statistics, a simulation's stored amounts): the 特困
 * persons and their amount, the 单人保 persons and theirs, and the amount
 * of the persons who are a unit of their own (either). */
#define JZ__PERSONS_BUF (JZ_MAX_MEMBERS * 10 * 21 + 1)
enum {
    JZ__PSUM_TEKUN,
    JZ__PSUM_TEKUN_AMOUNT,
    JZ__PSUM_SINGLE,
    JZ__PSUM_SINGLE_AMOUNT,
    JZ__PSUM_UNITS_AMOUNT,
    JZ__PSUM_N
};
void jz__persons_pack(const jz_result *r, char out[JZ__PERSONS_BUF], int64_t sums[JZ__PSUM_N]);
/* The persons of text into r->persons (by their idx); false when the text
 * is not what jz__persons_pack writes. */
bool jz__persons_unpack(const char *text, jz_result *r);
uint64_t jz__text_digest(const char *s);
/* 8 bytes as a little-endian integer (a hash's first 8: audit_chain.c). */
uint64_t jz__load64(const unsigned char *p);
/* The determination's integers as stored (record_version: the record's
 * version it was computed from), and the whole new determination's digest
 * (params_digest: jz__text_digest of its parameters' text). */
void jz__det_fields(const jz_result *r, int record_version, int64_t f[JZ__DET_NF]);
uint64_t jz__result_digest(const jz_result *r, int record_version, uint64_t params_digest);
/* The position of household key hh in the snapshot (keys ascending), or
 * SIZE_MAX. */
size_t jz__snapshot_find(const jz_snapshot *s, int64_t hh);
/* Completes the stored digests a backend summed (digest[i]: its
 * determination's jz__det_digest;
 * pv[i]: its parameter row, 0 where no determination is stored, whose
 * digest[i] becomes 0) with the digest of each household's parameters'
 * text, fetched once per distinct row by params(impl, pv, &text)
 * (malloc'd text). */
jz_err jz__digest_add_params(uint64_t *digest, const int64_t *pv, size_t n,
                             jz_err (*params)(void *impl, int64_t pv, char **text, jz_error *err),
                             void *impl, jz_error *err);

/* A unit's terms and holds as both backends aggregate them into text
 * ("since:monthly:persons,..." and the holds' like it), parsed into u
 * (store.c). */
void jz__pay_parse_terms(const char *t, jz_pay_unit *u);
void jz__pay_parse_holds(const char *t, jz_pay_unit *u);

/* A LIKE pattern of text (% _ and \\ escaped with \\) between `before`
 * and `after` ("" or "%"), malloc'd; NULL when out of memory (store.c). */
char *jz__like_pattern(const char *text, const char *before, const char *after);

/* The param_values rows of a run a backend has written or found, by
 * (run, county, date): a run writes a row per distinct county and date of
 * its households (hundreds for a province), and each household written
 * asks for its own (store.c).  Growing open addressing; out of memory, a
 * row is simply not remembered (the backend asks the database again). */
typedef struct jz__pv_map {
    struct jz__pv_ent {
        int64_t run, pv;
        jz_date date;
        char county[7];
    } * e; /* pv 0: empty */
    size_t n, cap;
} jz__pv_map;
/* The row's pv, or 0 when it is not remembered. */
int64_t jz__pv_map_get(const jz__pv_map *m, int64_t run, const char *county, jz_date date);
void jz__pv_map_put(jz__pv_map *m, int64_t run, const char *county, jz_date date, int64_t pv);
/* Forgets every row (a new run, a rollback) and frees the memory. */
void jz__pv_map_clear(jz__pv_map *m);

/* The current UTC time as ISO 8601 text ("2026-12-06T08:00:00Z"), as
 * every backend stamps rows (store.c). */
void jz__now_text(char *buf, size_t n);

#endif
