/*
 * pg_pending.h - the operations the PostgreSQL backend does not have yet
 * (pg_pending.c).
 */
#ifndef JZ_PG_PENDING_H
#define JZ_PG_PENDING_H

#include "pg_int.h"

jz_err jz__pg_pend_put_household(void *impl, const jz_household *h, const char *record, const char *source, struct jz__member_clash *clash, char **replaced, jz_error *err);
jz_err jz__pg_pend_get_record(void *impl, const char *key, char **record, jz_error *err);
jz_err jz__pg_pend_household_programme(void *impl, const char *key, char household_id[JZ_HOUSEHOLD_ID_MAX], char region[13], uint8_t *current_programme, jz_error *err);
jz_err jz__pg_pend_import_begin(void *impl, const char *path, int64_t size, int64_t mtime, jz_store_import *out, jz_error *err);
jz_err jz__pg_pend_import_progress(void *impl, const jz_store_import *imp, long lines_done, long stored, long rejected, bool finished, jz_error *err);
jz_err jz__pg_pend_snapshot(void *impl, const char *region_prefix, jz_snapshot **out, jz_error *err);
jz_err jz__pg_pend_run_begin(void *impl, jz_date date, const char *region_prefix, const char *overrides, int64_t *run, jz_error *err);
jz_err jz__pg_pend_snapshot_stale(void *impl, const jz_snapshot *snap, uint8_t *stale, size_t *n_stale, jz_error *err);
jz_err jz__pg_pend_snapshot_results(void *impl, const jz_snapshot *snap, uint8_t *category, jz_fen *monthly, jz_error *err);
jz_err jz__pg_pend_clear_determinations(void *impl, const char *region_prefix, const jz_snapshot *snap, const uint8_t *keep, jz_error *err);
jz_err jz__pg_pend_put_determination(void *impl, int64_t run, const jz_snapshot *snap, size_t i, const jz_household *h, const jz_result *r, const char *decisive, const char *params_json, jz_error *err);
jz_err jz__pg_pend_get_determination(void *impl, const char *household_id, jz_result *r, int64_t *run, jz_date *date, char decisive[JZ__DECISIVE_BUF], jz_error *err);
jz_err jz__pg_pend_stats(void *impl, int level_digits, const char *region_prefix, void (*fn)(const jz_stat_row *row, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_trend(void *impl, const char *region_prefix, jz_trend_month *months, size_t n, jz_error *err);
jz_err jz__pg_pend_case_create(void *impl, jz_case *c, const jz_case_step *step, jz_error *err);
jz_err jz__pg_pend_case_get(void *impl, int64_t id, jz_case *c, jz_error *err);
jz_err jz__pg_pend_case_update(void *impl, const jz_case *before, const jz_case *after, const jz_case_step *step, jz_error *err);
jz_err jz__pg_pend_case_set_opinion(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu, const jz_case_reason *r, size_t nr, const char *determination, jz_error *err);
jz_err jz__pg_pend_case_opinion(void *impl, int64_t id, jz_case_unit *u, size_t ucap, size_t *nu, jz_case_reason *r, size_t rcap, size_t *nr, jz_error *err);
jz_err jz__pg_pend_case_list(void *impl, const char *prefix, bool open_only, void (*fn)(const jz_case *c, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_case_steps(void *impl, int64_t id, void (*fn)(const jz_case_step *s, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_staff_put(void *impl, const char *county, const char *staff_id, const char *name, const char *unit, const char *relative_id, const char *relative_name, const char *relation, jz_error *err);
jz_err jz__pg_pend_staff_relative(void *impl, const char *id_number, char *staff_name, size_t n, char *relation, size_t rn, bool *found, jz_error *err);
jz_err jz__pg_pend_staff_county(void *impl, const char *staff_id, char county[7], bool *found, jz_error *err);
jz_err jz__pg_pend_audit_verify(void *impl, jz_audit_report *rep, jz_error *err);
jz_err jz__pg_pend_audit_hash_at(void *impl, int64_t seq, char hex[65], jz_error *err);
jz_err jz__pg_pend_enrol_get(void *impl, int64_t id, jz_enrolment *e, jz_error *err);
jz_err jz__pg_pend_enrol_put(void *impl, jz_enrolment *e, jz_error *err);
jz_err jz__pg_pend_enrol_list(void *impl, const char *prefix, const char *household_id, void (*fn)(const jz_enrolment *e, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_feed_begin(void *impl, jz_dept dept, const char *path, int64_t *feed, jz_error *err);
jz_err jz__pg_pend_feed_put(void *impl, int64_t feed, const jz_feed_row *row, const unsigned char *digest, bool *added, bool *matched, jz_error *err);
jz_err jz__pg_pend_feed_end(void *impl, int64_t feed, const jz_feed_counts *n, int *dept, char *path, size_t path_size, jz_error *err);
jz_err jz__pg_pend_monitor_rows(void *impl, const struct jz__monitor_query *q, const struct jz__monitor_sink *sink, void *arg, jz_error *err);
jz_err jz__pg_pend_member_name(void *impl, const char *id_number, char *name, size_t n, jz_error *err);
jz_err jz__pg_pend_alert_put(void *impl, jz_stored_alert *a, const unsigned char *key, const int64_t *rows, size_t n_rows, bool *added, jz_error *err);
jz_err jz__pg_pend_alert_add_evidence(void *impl, const jz_stored_alert *a, const int64_t *rows, size_t n_rows, const char *list, jz_fen amount, uint8_t severity, jz_error *err);
jz_err jz__pg_pend_alert_evidence(void *impl, int64_t id, void (*fn)(int64_t row, const jz_feed_row *r, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_alert_list(void *impl, const char *prefix, int category, bool open_only, void (*fn)(const jz_stored_alert *a, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_alert_get(void *impl, int64_t id, jz_stored_alert *a, jz_error *err);
jz_err jz__pg_pend_alert_update(void *impl, const jz_stored_alert *before, const jz_stored_alert *after, const jz_alert_step *step, jz_error *err);
jz_err jz__pg_pend_alert_find(void *impl, const char *key, void (*fn)(const jz_stored_alert *a, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_alert_steps(void *impl, int64_t alert, void (*fn)(const jz_alert_step *st, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_feed_person(void *impl, const char *id_number, void (*fn)(const jz_feed_row *r, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_case_set_units(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu, jz_error *err);
jz_err jz__pg_pend_case_set_findings(void *impl, const jz_case *c, const jz_case_finding *f, size_t nf, jz_error *err);
jz_err jz__pg_pend_case_findings(void *impl, int64_t id, jz_case_finding *f, size_t cap, size_t *n, jz_error *err);
jz_err jz__pg_pend_posting_put(void *impl, const jz_case *c, int kind, int round, jz_date posted_on, jz_date until, const jz_posting_row *rows, size_t n, jz_error *err);
jz_err jz__pg_pend_posting_list(void *impl, const char *village, int kind, jz_date on, void (*fn)(const jz_posting_row *row, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_grant_put(void *impl, jz_grant *g, jz_error *err);
jz_err jz__pg_pend_grant_list(void *impl, const char *prefix, const char *household_id, int64_t case_id, void (*fn)(const jz_grant *g, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_record_version(void *impl, const char *key, int *current, int *assessed, char *household_id, jz_error *err);
jz_err jz__pg_pend_record_history(void *impl, const char *household_id, void (*fn)(const jz_record_version *v, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_enrol_adopt(void *impl, jz_enrolment *e, jz_error *err);
jz_err jz__pg_pend_import_reject(void *impl, int64_t import, long key, const char *county, const char *household_id, const char *message, jz_error *err);
jz_err jz__pg_pend_import_rejections(void *impl, int64_t import, int (*fn)(long key, const char *household_id, const char *message, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_import_counts(void *impl, int64_t import, jz_store_import_counts *out, jz_error *err);
jz_err jz__pg_pend_user_insert(void *impl, jz_user *u, const char *pwhash, jz_error *err);
jz_err jz__pg_pend_user_get(void *impl, const char *login, jz_user *out, char *pwhash, jz_error *err);
jz_err jz__pg_pend_user_list(void *impl, const char *prefix, void (*fn)(const jz_user *u, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_user_update(void *impl, const jz_user *u, const char *pwhash, jz_error *err);
jz_err jz__pg_pend_session_insert(void *impl, int64_t user_id, const unsigned char *hash, int64_t now, int64_t *id, jz_error *err);
jz_err jz__pg_pend_session_find(void *impl, const unsigned char *hash, jz_store_session *out, jz_error *err);
jz_err jz__pg_pend_session_touch(void *impl, int64_t session, int64_t now, jz_error *err);
jz_err jz__pg_pend_session_revoke(void *impl, int64_t session, int64_t user_id, int64_t now, const char *reason, int *n, jz_error *err);
jz_err jz__pg_pend_session_purge(void *impl, int64_t cutoff, int *n, jz_error *err);
jz_err jz__pg_pend_access_put(void *impl, const jz_access *a, jz_error *err);
jz_err jz__pg_pend_access_list(void *impl, const char *subject, const char *prefix, size_t limit, void (*fn)(const jz_access *a, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_household_list(void *impl, const jz_store_hh_query *q, void (*fn)(const jz_store_hh_row *r, void *arg), void *arg, int64_t *total, jz_error *err);
jz_err jz__pg_pend_audit_list(void *impl, const char *county_prefix, const char *action_prefix, int64_t offset, int limit, void (*fn)(const jz_store_audit_row *r, void *arg), void *arg, int64_t *total, jz_error *err);

#endif
