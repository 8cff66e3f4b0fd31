/*
 * pg_feed.h - the PostgreSQL backend's department feeds, the rows
 * monitoring reads and the alerts it raises (pg_feed.c).
 */
#ifndef JZ_PG_FEED_H
#define JZ_PG_FEED_H

#include "pg_int.h"

jz_err jz__pg_feed_begin(void *impl, jz_dept dept, const char *path, int64_t *feed, jz_error *err);
jz_err jz__pg_feed_put(void *impl, int64_t feed, const jz_feed_row *row,
                       const unsigned char *digest, bool *added, bool *matched, jz_error *err);
jz_err jz__pg_feed_end(void *impl, int64_t feed, const jz_feed_counts *n, int *dept, char *path,
                       size_t path_size, jz_error *err);
jz_err jz__pg_monitor_rows(void *impl, const struct jz__monitor_query *q,
                           const struct jz__monitor_sink *sink, void *arg, jz_error *err);
jz_err jz__pg_member_name(void *impl, const char *id_number, char *name, size_t n, jz_error *err);
jz_err jz__pg_alert_put(void *impl, jz_stored_alert *a, const unsigned char *key,
                        const int64_t *rows, size_t n_rows, bool *added, jz_error *err);
jz_err jz__pg_alert_add_evidence(void *impl, const jz_stored_alert *a, const int64_t *rows,
                                 size_t n_rows, const char *list, jz_fen amount, uint8_t severity,
                                 jz_error *err);
jz_err jz__pg_alert_evidence(void *impl, int64_t id,
                             void (*fn)(int64_t row, const jz_feed_row *r, void *arg), void *arg,
                             jz_error *err);
jz_err jz__pg_alert_list(void *impl, const char *prefix, int category, bool open_only,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                         jz_error *err);
jz_err jz__pg_alert_get(void *impl, int64_t id, jz_stored_alert *a, jz_error *err);
jz_err jz__pg_alert_update(void *impl, const jz_stored_alert *before, const jz_stored_alert *after,
                           const jz_alert_step *step, jz_error *err);
jz_err jz__pg_alert_find(void *impl, const char *key,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                         jz_error *err);
jz_err jz__pg_alert_steps(void *impl, int64_t alert, void (*fn)(const jz_alert_step *st, void *arg),
                          void *arg, jz_error *err);
jz_err jz__pg_feed_person(void *impl, const char *id_number,
                          void (*fn)(const jz_feed_row *r, void *arg), void *arg, jz_error *err);

#endif
