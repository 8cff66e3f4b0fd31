/*
 * pg_registry.h - the PostgreSQL backend's registry, statistics, lists and
 * audit verification (pg_registry.c, pg_stats.c, pg_audit.c).
 */
#ifndef JZ_PG_REGISTRY_H
#define JZ_PG_REGISTRY_H

#include "pg_int.h"

jz_err jz__pg_put_household(void *impl, const jz_household *h, const char *record, const char *source, struct jz__member_clash *clash, char **replaced, jz_error *err);
jz_err jz__pg_get_record(void *impl, const char *key, char **record, jz_error *err);
jz_err jz__pg_household_programme(void *impl, const char *key, char household_id[JZ_HOUSEHOLD_ID_MAX], char region[13], uint8_t *current_programme, jz_error *err);
jz_err jz__pg_import_begin(void *impl, const char *path, int64_t size, int64_t mtime, jz_store_import *out, jz_error *err);
jz_err jz__pg_import_progress(void *impl, const jz_store_import *imp, long lines_done, long stored, long rejected, bool finished, jz_error *err);
jz_err jz__pg_snapshot(void *impl, const char *region_prefix, jz_snapshot **out, jz_error *err);
jz_err jz__pg_snapshot_ids(void *impl, const char *const *ids, size_t n, jz_snapshot **out,
                           jz_error *err);
jz_err jz__pg_run_begin(void *impl, jz_date date, const char *region_prefix, const char *overrides, int64_t *run, jz_error *err);
jz_err jz__pg_snapshot_stale(void *impl, const jz_snapshot *snap, uint8_t *stale, size_t *n_stale, jz_error *err);
jz_err jz__pg_snapshot_results(void *impl, const jz_snapshot *snap, uint8_t *category, jz_fen *monthly, jz_error *err);
jz_err jz__pg_results_ids(void *impl, const char *const *ids, size_t n, jz__results *out,
                          jz_error *err);
jz_err jz__pg_stored_digests(void *impl, const jz_snapshot *snap, uint64_t *digest, jz_error *err);
jz_err jz__pg_clear_determinations(void *impl, const char *region_prefix, const jz_snapshot *snap, const uint8_t *keep, jz_error *err);
jz_err jz__pg_put_determination(void *impl, int64_t run, const jz_snapshot *snap, size_t i, const jz_household *h, const jz_result *r, const char *decisive, const char *params_json, jz_error *err);
jz_err jz__pg_get_determination(void *impl, const char *household_id, jz_result *r, int64_t *run, jz_date *date, char decisive[JZ__DECISIVE_BUF], jz_error *err);
jz_err jz__pg_stats(void *impl, int level_digits, const char *region_prefix, void (*fn)(const jz_stat_row *row, void *arg), void *arg, jz_error *err);
jz_err jz__pg_trend(void *impl, const char *region_prefix, jz_trend_month *months, size_t n, jz_error *err);
jz_err jz__pg_record_version(void *impl, const char *key, int *current, int *assessed, char *household_id, jz_error *err);
jz_err jz__pg_record_history(void *impl, const char *household_id, void (*fn)(const jz_record_version *v, void *arg), void *arg, jz_error *err);
jz_err jz__pg_import_reject(void *impl, int64_t import, long key, const char *county, const char *household_id, const char *message, jz_error *err);
jz_err jz__pg_import_rejections(void *impl, int64_t import, int (*fn)(long key, const char *household_id, const char *message, void *arg), void *arg, jz_error *err);
jz_err jz__pg_import_counts(void *impl, int64_t import, jz_store_import_counts *out, jz_error *err);
jz_err jz__pg_household_list(void *impl, const jz_store_hh_query *q, void (*fn)(const jz_store_hh_row *r, void *arg), void *arg, int64_t *total, jz_error *err);
jz_err jz__pg_audit_list(void *impl, const char *county_prefix, const char *action_prefix, int64_t offset, int limit, void (*fn)(const jz_store_audit_row *r, void *arg), void *arg, int64_t *total, jz_error *err);
jz_err jz__pg_audit_verify(void *impl, jz_audit_report *rep, jz_error *err);
jz_err jz__pg_audit_hash_at(void *impl, int64_t seq, char hex[65], jz_error *err);

jz_err jz__pg_prefetch(void *impl, const jz_household *hs, size_t n, jz_error *err);

#endif
