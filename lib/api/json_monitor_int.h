/*
 * json_monitor_int.h - what the JSON translations of the monitoring, feed,
 * staff and statistics operations share (json_monitor.c, json_feed.c,
 * json_staff.c, json_stats.c): strict readers of a request's fields, each
 * refusal naming the JSON field and the value, and writers that remember an
 * allocation failure instead of checking every call.
 */
#ifndef JZ_JSON_MONITOR_INT_H
#define JZ_JSON_MONITOR_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "jiuzhu/jz_date.h"
#include "jiuzhu/jz_err.h"
#include "jiuzhu/jz_money.h"

/* ---- requests ---------------------------------------------------------------- */

/* body is an object whose keys are all in allowed (NULL-terminated); an
 * unknown key is JZ_EINPUT naming it. */
jz_err jz__mj_object(const json_t *body, const char *const *allowed, jz_error *err);

/* The readers: a field absent or null is "not given" (*present false, or
 * *out NULL / JZ_DATE_NONE / -1), which is JZ_EINPUT when required.  A
 * value of the wrong type or out of range is JZ_EINPUT naming the field,
 * with the value as given. */
jz_err jz__mj_string(const json_t *o, const char *key, bool required, size_t max,
                     const char **out, jz_error *err);
jz_err jz__mj_date(const json_t *o, const char *key, bool required, jz_date *out, jz_error *err);
jz_err jz__mj_int(const json_t *o, const char *key, bool required, long long min, long long max,
                  long long *out, bool *present, jz_error *err);
/* An amount in fen: an integer 0 .. JZ_MONEY_MAX. */
jz_err jz__mj_fen(const json_t *o, const char *key, bool required, jz_fen *out, bool *present,
                  jz_error *err);
jz_err jz__mj_bool(const json_t *o, const char *key, bool required, bool *out, bool *present,
                   jz_error *err);
/* One of n names; *out its index, or -1 when not given. */
jz_err jz__mj_enum(const json_t *o, const char *key, bool required, const char *const *names,
                   int n, int *out, jz_error *err);
/* A region code or prefix: digits, at most 12; *out NULL when not given. */
jz_err jz__mj_region(const json_t *o, const char *key, const char **out, jz_error *err);
/* Refuses key when it is given (a field that does not apply), saying why. */
jz_err jz__mj_absent(const json_t *o, const char *key, const char *why, jz_error *err);

/* ---- responses ---------------------------------------------------------------- */

/* Sets / appends v (taking its reference); *bad is set when v is NULL or
 * the call fails, so a writer checks once at the end. */
void jz__mj_set(json_t *o, const char *key, json_t *v, int *bad);
void jz__mj_append(json_t *a, json_t *v, int *bad);
/* "YYYY-MM-DD", or null for JZ_DATE_NONE. */
json_t *jz__mj_date_json(jz_date d);
/* A string, or null for "" (and NULL). */
json_t *jz__mj_str_or_null(const char *s);
/* Text that may hold ID numbers: masked unless full. */
json_t *jz__mj_text(const char *s, bool full);
/* An ID number: whole when full, else masked (jz_idnum_mask); null for "". */
json_t *jz__mj_id(const char *id, bool full);
/* A department (jz_dept, or JZ_DEPT_CIVIL / anything else: civil affairs):
 * sets key and key_zh. */
void jz__mj_dept(json_t *o, const char *key, int dept, int *bad);
/* An error as a response lists it: code, source, line, household, member,
 * field, value and reason, ID numbers masked. */
json_t *jz__mj_error(const jz_error *e);

/* Short Chinese names of the determination categories (jz_category). */
extern const char *const jz__mj_category_zh[];

#endif
