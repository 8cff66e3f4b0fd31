/*
 * pg_pending.c - the operations of jz_store_ops the PostgreSQL backend does
 * not have yet: each refuses with an error that names it, so that a
 * command on a PostgreSQL store either works or says plainly that it needs
 * SQLite for now (docs/scaling.md lists them).  Each is removed from here
 * as its statements are written in a pg_*.c file.
 */
#include <stdio.h>

#include "pg_int.h"
#include "pg_pending.h"

static jz_err pending(jz_error *err, const char *op)
{
    return jz_error_set(err, JZ_EUSAGE, "database", op,
                        "PostgreSQL 后端尚不支持此操作（%s），目前请使用 SQLite 数据库", op);
}

jz_err jz__pg_pend_put_household(void *impl, const jz_household *h, const char *record, const char *source, struct jz__member_clash *clash, char **replaced, jz_error *err)
{
    (void)impl;
    (void)h;
    (void)record;
    (void)source;
    (void)clash;
    (void)replaced;
    return pending(err, "put_household");
}

jz_err jz__pg_pend_get_record(void *impl, const char *key, char **record, jz_error *err)
{
    (void)impl;
    (void)key;
    (void)record;
    return pending(err, "get_record");
}

jz_err jz__pg_pend_household_programme(void *impl, const char *key, char household_id[JZ_HOUSEHOLD_ID_MAX], char region[13], uint8_t *current_programme, jz_error *err)
{
    (void)impl;
    (void)key;
    (void)household_id;
    (void)region;
    (void)current_programme;
    return pending(err, "household_programme");
}

jz_err jz__pg_pend_import_begin(void *impl, const char *path, int64_t size, int64_t mtime, jz_store_import *out, jz_error *err)
{
    (void)impl;
    (void)path;
    (void)size;
    (void)mtime;
    (void)out;
    return pending(err, "import_begin");
}

jz_err jz__pg_pend_import_progress(void *impl, const jz_store_import *imp, long lines_done, long stored, long rejected, bool finished, jz_error *err)
{
    (void)impl;
    (void)imp;
    (void)lines_done;
    (void)stored;
    (void)rejected;
    (void)finished;
    return pending(err, "import_progress");
}

jz_err jz__pg_pend_snapshot(void *impl, const char *region_prefix, jz_snapshot **out, jz_error *err)
{
    (void)impl;
    (void)region_prefix;
    (void)out;
    return pending(err, "snapshot");
}

jz_err jz__pg_pend_run_begin(void *impl, jz_date date, const char *region_prefix, const char *overrides, int64_t *run, jz_error *err)
{
    (void)impl;
    (void)date;
    (void)region_prefix;
    (void)overrides;
    (void)run;
    return pending(err, "run_begin");
}

jz_err jz__pg_pend_snapshot_stale(void *impl, const jz_snapshot *snap, uint8_t *stale, size_t *n_stale, jz_error *err)
{
    (void)impl;
    (void)snap;
    (void)stale;
    (void)n_stale;
    return pending(err, "snapshot_stale");
}

jz_err jz__pg_pend_snapshot_results(void *impl, const jz_snapshot *snap, uint8_t *category, jz_fen *monthly, jz_error *err)
{
    (void)impl;
    (void)snap;
    (void)category;
    (void)monthly;
    return pending(err, "snapshot_results");
}

jz_err jz__pg_pend_clear_determinations(void *impl, const char *region_prefix, const jz_snapshot *snap, const uint8_t *keep, jz_error *err)
{
    (void)impl;
    (void)region_prefix;
    (void)snap;
    (void)keep;
    return pending(err, "clear_determinations");
}

jz_err jz__pg_pend_put_determination(void *impl, int64_t run, const jz_snapshot *snap, size_t i, const jz_household *h, const jz_result *r, const char *decisive, const char *params_json, jz_error *err)
{
    (void)impl;
    (void)run;
    (void)snap;
    (void)i;
    (void)h;
    (void)r;
    (void)decisive;
    (void)params_json;
    return pending(err, "put_determination");
}

jz_err jz__pg_pend_get_determination(void *impl, const char *household_id, jz_result *r, int64_t *run, jz_date *date, char decisive[JZ__DECISIVE_BUF], jz_error *err)
{
    (void)impl;
    (void)household_id;
    (void)r;
    (void)run;
    (void)date;
    (void)decisive;
    return pending(err, "get_determination");
}

jz_err jz__pg_pend_stats(void *impl, int level_digits, const char *region_prefix, void (*fn)(const jz_stat_row *row, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)level_digits;
    (void)region_prefix;
    (void)fn;
    (void)arg;
    return pending(err, "stats");
}

jz_err jz__pg_pend_trend(void *impl, const char *region_prefix, jz_trend_month *months, size_t n, jz_error *err)
{
    (void)impl;
    (void)region_prefix;
    (void)months;
    (void)n;
    return pending(err, "trend");
}

jz_err jz__pg_pend_audit_verify(void *impl, jz_audit_report *rep, jz_error *err)
{
    (void)impl;
    (void)rep;
    return pending(err, "audit_verify");
}

jz_err jz__pg_pend_audit_hash_at(void *impl, int64_t seq, char hex[65], jz_error *err)
{
    (void)impl;
    (void)seq;
    (void)hex;
    return pending(err, "audit_hash_at");
}

jz_err jz__pg_pend_feed_begin(void *impl, jz_dept dept, const char *path, int64_t *feed, jz_error *err)
{
    (void)impl;
    (void)dept;
    (void)path;
    (void)feed;
    return pending(err, "feed_begin");
}

jz_err jz__pg_pend_feed_put(void *impl, int64_t feed, const jz_feed_row *row, const unsigned char *digest, bool *added, bool *matched, jz_error *err)
{
    (void)impl;
    (void)feed;
    (void)row;
    (void)digest;
    (void)added;
    (void)matched;
    return pending(err, "feed_put");
}

jz_err jz__pg_pend_feed_end(void *impl, int64_t feed, const jz_feed_counts *n, int *dept, char *path, size_t path_size, jz_error *err)
{
    (void)impl;
    (void)feed;
    (void)n;
    (void)dept;
    (void)path;
    (void)path_size;
    return pending(err, "feed_end");
}

jz_err jz__pg_pend_monitor_rows(void *impl, const struct jz__monitor_query *q, const struct jz__monitor_sink *sink, void *arg, jz_error *err)
{
    (void)impl;
    (void)q;
    (void)sink;
    (void)arg;
    return pending(err, "monitor_rows");
}

jz_err jz__pg_pend_member_name(void *impl, const char *id_number, char *name, size_t n, jz_error *err)
{
    (void)impl;
    (void)id_number;
    (void)name;
    (void)n;
    return pending(err, "member_name");
}

jz_err jz__pg_pend_alert_put(void *impl, jz_stored_alert *a, const unsigned char *key, const int64_t *rows, size_t n_rows, bool *added, jz_error *err)
{
    (void)impl;
    (void)a;
    (void)key;
    (void)rows;
    (void)n_rows;
    (void)added;
    return pending(err, "alert_put");
}

jz_err jz__pg_pend_alert_add_evidence(void *impl, const jz_stored_alert *a, const int64_t *rows, size_t n_rows, const char *list, jz_fen amount, uint8_t severity, jz_error *err)
{
    (void)impl;
    (void)a;
    (void)rows;
    (void)n_rows;
    (void)list;
    (void)amount;
    (void)severity;
    return pending(err, "alert_add_evidence");
}

jz_err jz__pg_pend_alert_evidence(void *impl, int64_t id, void (*fn)(int64_t row, const jz_feed_row *r, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)fn;
    (void)arg;
    return pending(err, "alert_evidence");
}

jz_err jz__pg_pend_alert_list(void *impl, const char *prefix, int category, bool open_only, void (*fn)(const jz_stored_alert *a, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)category;
    (void)open_only;
    (void)fn;
    (void)arg;
    return pending(err, "alert_list");
}

jz_err jz__pg_pend_alert_get(void *impl, int64_t id, jz_stored_alert *a, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)a;
    return pending(err, "alert_get");
}

jz_err jz__pg_pend_alert_update(void *impl, const jz_stored_alert *before, const jz_stored_alert *after, const jz_alert_step *step, jz_error *err)
{
    (void)impl;
    (void)before;
    (void)after;
    (void)step;
    return pending(err, "alert_update");
}

jz_err jz__pg_pend_alert_find(void *impl, const char *key, void (*fn)(const jz_stored_alert *a, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)key;
    (void)fn;
    (void)arg;
    return pending(err, "alert_find");
}

jz_err jz__pg_pend_alert_steps(void *impl, int64_t alert, void (*fn)(const jz_alert_step *st, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)alert;
    (void)fn;
    (void)arg;
    return pending(err, "alert_steps");
}

jz_err jz__pg_pend_feed_person(void *impl, const char *id_number, void (*fn)(const jz_feed_row *r, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)id_number;
    (void)fn;
    (void)arg;
    return pending(err, "feed_person");
}

jz_err jz__pg_pend_record_version(void *impl, const char *key, int *current, int *assessed, char *household_id, jz_error *err)
{
    (void)impl;
    (void)key;
    (void)current;
    (void)assessed;
    (void)household_id;
    return pending(err, "record_version");
}

jz_err jz__pg_pend_record_history(void *impl, const char *household_id, void (*fn)(const jz_record_version *v, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)household_id;
    (void)fn;
    (void)arg;
    return pending(err, "record_history");
}

jz_err jz__pg_pend_import_reject(void *impl, int64_t import, long key, const char *county, const char *household_id, const char *message, jz_error *err)
{
    (void)impl;
    (void)import;
    (void)key;
    (void)county;
    (void)household_id;
    (void)message;
    return pending(err, "import_reject");
}

jz_err jz__pg_pend_import_rejections(void *impl, int64_t import, int (*fn)(long key, const char *household_id, const char *message, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)import;
    (void)fn;
    (void)arg;
    return pending(err, "import_rejections");
}

jz_err jz__pg_pend_import_counts(void *impl, int64_t import, jz_store_import_counts *out, jz_error *err)
{
    (void)impl;
    (void)import;
    (void)out;
    return pending(err, "import_counts");
}

jz_err jz__pg_pend_user_insert(void *impl, jz_user *u, const char *pwhash, jz_error *err)
{
    (void)impl;
    (void)u;
    (void)pwhash;
    return pending(err, "user_insert");
}

jz_err jz__pg_pend_user_get(void *impl, const char *login, jz_user *out, char *pwhash, jz_error *err)
{
    (void)impl;
    (void)login;
    (void)out;
    (void)pwhash;
    return pending(err, "user_get");
}

jz_err jz__pg_pend_user_list(void *impl, const char *prefix, void (*fn)(const jz_user *u, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)fn;
    (void)arg;
    return pending(err, "user_list");
}

jz_err jz__pg_pend_user_update(void *impl, const jz_user *u, const char *pwhash, jz_error *err)
{
    (void)impl;
    (void)u;
    (void)pwhash;
    return pending(err, "user_update");
}

jz_err jz__pg_pend_session_insert(void *impl, int64_t user_id, const unsigned char *hash, int64_t now, int64_t *id, jz_error *err)
{
    (void)impl;
    (void)user_id;
    (void)hash;
    (void)now;
    (void)id;
    return pending(err, "session_insert");
}

jz_err jz__pg_pend_session_find(void *impl, const unsigned char *hash, jz_store_session *out, jz_error *err)
{
    (void)impl;
    (void)hash;
    (void)out;
    return pending(err, "session_find");
}

jz_err jz__pg_pend_session_touch(void *impl, int64_t session, int64_t now, jz_error *err)
{
    (void)impl;
    (void)session;
    (void)now;
    return pending(err, "session_touch");
}

jz_err jz__pg_pend_session_revoke(void *impl, int64_t session, int64_t user_id, int64_t now, const char *reason, int *n, jz_error *err)
{
    (void)impl;
    (void)session;
    (void)user_id;
    (void)now;
    (void)reason;
    (void)n;
    return pending(err, "session_revoke");
}

jz_err jz__pg_pend_session_purge(void *impl, int64_t cutoff, int *n, jz_error *err)
{
    (void)impl;
    (void)cutoff;
    (void)n;
    return pending(err, "session_purge");
}

jz_err jz__pg_pend_access_put(void *impl, const jz_access *a, jz_error *err)
{
    (void)impl;
    (void)a;
    return pending(err, "access_put");
}

jz_err jz__pg_pend_access_list(void *impl, const char *subject, const char *prefix, size_t limit, void (*fn)(const jz_access *a, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)subject;
    (void)prefix;
    (void)limit;
    (void)fn;
    (void)arg;
    return pending(err, "access_list");
}

jz_err jz__pg_pend_enrol_term(void *impl, const jz_enrolment *e, const char *since, jz_error *err)
{
    (void)impl;
    (void)e;
    (void)since;
    return pending(err, "enrol_term");
}

jz_err jz__pg_pend_pay_units_all(void *impl, const char *prefix, void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)fn;
    (void)arg;
    return pending(err, "pay_units_all");
}

jz_err jz__pg_pend_pay_units(void *impl, const char *prefix, const char *month, const char *quarter, bool quarter_start, void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)month;
    (void)quarter;
    (void)quarter_start;
    (void)fn;
    (void)arg;
    return pending(err, "pay_units");
}

jz_err jz__pg_pend_pay_owed(void *impl, int64_t enrolment, void (*fn)(const jz_pay_held_row *r, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)enrolment;
    (void)fn;
    (void)arg;
    return pending(err, "pay_owed");
}

jz_err jz__pg_pend_pay_clean(void *impl, const char *prefix, jz_error *err)
{
    (void)impl;
    (void)prefix;
    return pending(err, "pay_clean");
}

jz_err jz__pg_pend_pay_lines_settle(void *impl, int64_t batch, uint8_t from, uint8_t to, const char *result, int64_t *n, jz_error *err)
{
    (void)impl;
    (void)batch;
    (void)from;
    (void)to;
    (void)result;
    (void)n;
    return pending(err, "pay_lines_settle");
}

jz_err jz__pg_pend_pay_batch_accounts(void *impl, int64_t batch, void (*fn)(const jz_pay_sent_line *l, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)batch;
    (void)fn;
    (void)arg;
    return pending(err, "pay_batch_accounts");
}

jz_err jz__pg_pend_pay_count_regular(void *impl, const char *prefix, const char *month, const char *quarter, int64_t *n, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)month;
    (void)quarter;
    (void)n;
    return pending(err, "pay_count_regular");
}

jz_err jz__pg_pend_pay_mark(void *impl, int64_t enrolment, const char *county, jz_error *err)
{
    (void)impl;
    (void)enrolment;
    (void)county;
    return pending(err, "pay_mark");
}

jz_err jz__pg_pend_pay_plan_mark(void *impl, const char *county, const char *period, char first[JZ_PERIOD_BUF], jz_error *err)
{
    (void)impl;
    (void)county;
    (void)period;
    (void)first;
    return pending(err, "pay_plan_mark");
}

jz_err jz__pg_pend_pay_plan_first(void *impl, const char *county, char first[JZ_PERIOD_BUF], jz_error *err)
{
    (void)impl;
    (void)county;
    (void)first;
    return pending(err, "pay_plan_first");
}

jz_err jz__pg_pend_pay_line_add(void *impl, jz_pay_line *l, bool *added, jz_error *err)
{
    (void)impl;
    (void)l;
    (void)added;
    return pending(err, "pay_line_add");
}

jz_err jz__pg_pend_household_list(void *impl, const jz_store_hh_query *q, void (*fn)(const jz_store_hh_row *r, void *arg), void *arg, int64_t *total, jz_error *err)
{
    (void)impl;
    (void)q;
    (void)fn;
    (void)arg;
    (void)total;
    return pending(err, "household_list");
}

jz_err jz__pg_pend_audit_list(void *impl, const char *county_prefix, const char *action_prefix, int64_t offset, int limit, void (*fn)(const jz_store_audit_row *r, void *arg), void *arg, int64_t *total, jz_error *err)
{
    (void)impl;
    (void)county_prefix;
    (void)action_prefix;
    (void)offset;
    (void)limit;
    (void)fn;
    (void)arg;
    (void)total;
    return pending(err, "audit_list");
}

jz_err jz__pg_pend_payee_sharing(void *impl, const char *bank, const char *account, const char *household_id, int max, void (*fn)(const char *household_id, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)bank;
    (void)account;
    (void)household_id;
    (void)max;
    (void)fn;
    (void)arg;
    return pending(err, "payee_sharing");
}

jz_err jz__pg_pend_pay_line_get(void *impl, int64_t id, jz_pay_line *l, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)l;
    return pending(err, "pay_line_get");
}

jz_err jz__pg_pend_pay_line_set(void *impl, const jz_pay_line *l, uint8_t was, jz_error *err)
{
    (void)impl;
    (void)l;
    (void)was;
    return pending(err, "pay_line_set");
}

jz_err jz__pg_pend_pay_lines_open(void *impl, const char *county, unsigned mask, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)mask;
    (void)fn;
    (void)arg;
    return pending(err, "pay_lines_open");
}

jz_err jz__pg_pend_pay_lines_of_batch(void *impl, int64_t batch, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)batch;
    (void)fn;
    (void)arg;
    return pending(err, "pay_lines_of_batch");
}

jz_err jz__pg_pend_pay_lines_move(void *impl, int64_t batch, uint8_t from, uint8_t to, int64_t *n, jz_error *err)
{
    (void)impl;
    (void)batch;
    (void)from;
    (void)to;
    (void)n;
    return pending(err, "pay_lines_move");
}

jz_err jz__pg_pend_pay_lines_of_household(void *impl, const char *household_id, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)household_id;
    (void)fn;
    (void)arg;
    return pending(err, "pay_lines_of_household");
}

jz_err jz__pg_pend_payee_current(void *impl, const char *household_id, const char *member_id, jz_payee *out, jz_error *err)
{
    (void)impl;
    (void)household_id;
    (void)member_id;
    (void)out;
    return pending(err, "payee_current");
}

jz_err jz__pg_pend_payee_get(void *impl, int64_t id, jz_payee *out, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)out;
    return pending(err, "payee_get");
}

jz_err jz__pg_pend_payee_put(void *impl, jz_payee *p, jz_error *err)
{
    (void)impl;
    (void)p;
    return pending(err, "payee_put");
}

jz_err jz__pg_pend_institution_put(void *impl, jz_institution *i, jz_error *err)
{
    (void)impl;
    (void)i;
    return pending(err, "institution_put");
}

jz_err jz__pg_pend_institution_get(void *impl, int64_t id, jz_institution *out, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)out;
    return pending(err, "institution_get");
}

jz_err jz__pg_pend_institutions(void *impl, const char *county, void (*fn)(const jz_institution *i, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)fn;
    (void)arg;
    return pending(err, "institutions");
}

jz_err jz__pg_pend_pay_batch_add(void *impl, jz_pay_batch *b, jz_error *err)
{
    (void)impl;
    (void)b;
    return pending(err, "pay_batch_add");
}

jz_err jz__pg_pend_pay_batch_get(void *impl, int64_t id, jz_pay_batch *b, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)b;
    return pending(err, "pay_batch_get");
}

jz_err jz__pg_pend_pay_batch_set(void *impl, const jz_pay_batch *b, uint8_t was, jz_error *err)
{
    (void)impl;
    (void)b;
    (void)was;
    return pending(err, "pay_batch_set");
}

jz_err jz__pg_pend_pay_batches(void *impl, const char *county, const char *period, void (*fn)(const jz_pay_batch *b, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)period;
    (void)fn;
    (void)arg;
    return pending(err, "pay_batches");
}

jz_err jz__pg_pend_recovery_add(void *impl, jz_recovery *r, jz_error *err)
{
    (void)impl;
    (void)r;
    return pending(err, "recovery_add");
}

jz_err jz__pg_pend_recovery_get(void *impl, int64_t id, jz_recovery *r, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)r;
    return pending(err, "recovery_get");
}

jz_err jz__pg_pend_recoveries(void *impl, const char *household_id, void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)household_id;
    (void)fn;
    (void)arg;
    return pending(err, "recoveries");
}

jz_err jz__pg_pend_pay_unit(void *impl, int64_t enrolment, jz_pay_unit *out, jz_error *err)
{
    (void)impl;
    (void)enrolment;
    (void)out;
    return pending(err, "pay_unit");
}

jz_err jz__pg_pend_pay_hold_add(void *impl, const jz_enrolment *e, const jz_pay_hold *h, bool replace, jz_error *err)
{
    (void)impl;
    (void)e;
    (void)h;
    (void)replace;
    return pending(err, "pay_hold_add");
}

jz_err jz__pg_pend_pay_hold_end(void *impl, const jz_enrolment *e, const char *to, bool back_pay, jz_error *err)
{
    (void)impl;
    (void)e;
    (void)to;
    (void)back_pay;
    return pending(err, "pay_hold_end");
}

jz_err jz__pg_pend_pay_plan_last(void *impl, const char *county, char last[JZ_PERIOD_BUF], jz_error *err)
{
    (void)impl;
    (void)county;
    (void)last;
    return pending(err, "pay_plan_last");
}

jz_err jz__pg_pend_pay_members(void *impl, const char *household_id, void (*fn)(const jz_pay_member *m, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)household_id;
    (void)fn;
    (void)arg;
    return pending(err, "pay_members");
}

jz_err jz__pg_pend_pay_once_totals(void *impl, const char *programme, const char *prefix, jz_store_once_totals *out, jz_error *err)
{
    (void)impl;
    (void)programme;
    (void)prefix;
    (void)out;
    return pending(err, "pay_once_totals");
}

jz_err jz__pg_pend_repayment_add(void *impl, jz_repayment *p, const char *county, jz_error *err)
{
    (void)impl;
    (void)p;
    (void)county;
    return pending(err, "repayment_add");
}

jz_err jz__pg_pend_repayments(void *impl, int64_t recovery, void (*fn)(const jz_repayment *p, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)recovery;
    (void)fn;
    (void)arg;
    return pending(err, "repayments");
}

jz_err jz__pg_pend_pay_sums(void *impl, const jz_pay_scope *sc, void (*fn)(const jz_pay_sum_row *r, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)sc;
    (void)fn;
    (void)arg;
    return pending(err, "pay_sums");
}

jz_err jz__pg_pend_pay_lines_where(void *impl, const jz_pay_scope *sc, const jz_pay_line_filter *f, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)sc;
    (void)f;
    (void)fn;
    (void)arg;
    return pending(err, "pay_lines_where");
}

jz_err jz__pg_pend_pay_batch_facts(void *impl, const char *county, int64_t batch, void (*fn)(const jz_pay_batch_fact *f, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)batch;
    (void)fn;
    (void)arg;
    return pending(err, "pay_batch_facts");
}

jz_err jz__pg_pend_pay_recovery_facts(void *impl, const char *county, void (*fn)(const jz_pay_recovery_fact *f, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)fn;
    (void)arg;
    return pending(err, "pay_recovery_facts");
}

jz_err jz__pg_pend_pay_due_groups(void *impl, const char *prefix, void (*fn)(const jz_pay_due_group *g, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)fn;
    (void)arg;
    return pending(err, "pay_due_groups");
}
