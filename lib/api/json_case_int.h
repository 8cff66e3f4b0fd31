/*
 * json_case_int.h - what the JSON translations of the procedure's
 * operations share (json_case.c, json_chain.c, json_household.c): strict
 * readers of a request's fields and small writers of a response's.
 *
 * A reader refuses a value of the wrong type, a bad date, a bad amount or an
 * unknown enumeration name with JZ_EINPUT, err->field naming the JSON field
 * (the caller adds a path prefix for nested objects with
 * jz_error_prefix_field) and err->value the value as given; an absent or
 * null optional field leaves *out unchanged.  Strings point into the json_t.
 */
#ifndef JZ_JSON_CASE_INT_H
#define JZ_JSON_CASE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "jiuzhu/jz_date.h"
#include "jiuzhu/jz_err.h"
#include "jiuzhu/jz_money.h"

/* Longest string a request field may carry (a note is at most 511 bytes
 * where it is stored; the store refuses or truncates nothing silently). */
#define JZ__JC_TEXT_MAX 4096

/* body is an object whose keys are all in allowed (NULL-terminated). */
jz_err jz__jc_object(const json_t *body, const char *const *allowed, jz_error *err);

/* A string of at most max bytes (required: absent or null is refused). */
jz_err jz__jc_string(const json_t *o, const char *key, bool required, size_t max, const char **out,
                     jz_error *err);
jz_err jz__jc_bool(const json_t *o, const char *key, bool *out, jz_error *err);
jz_err jz__jc_int(const json_t *o, const char *key, bool required, long long min, long long max,
                  long long *out, jz_error *err);
/* "YYYY-MM-DD". */
jz_err jz__jc_date(const json_t *o, const char *key, bool required, jz_date *out, jz_error *err);
/* "YYYY-MM": the first day of the month. */
jz_err jz__jc_month(const json_t *o, const char *key, jz_date *out, jz_error *err);
/* Integer fen, 0 to JZ_MONEY_MAX. */
jz_err jz__jc_fen(const json_t *o, const char *key, bool required, jz_fen *out, jz_error *err);
/* One of names[first..count) (NULL or "" entries are not names): its index. */
jz_err jz__jc_enum(const json_t *o, const char *key, bool required, const char *const *names,
                   int first, int count, int *out, jz_error *err);

/* ---- writing ---------------------------------------------------------------------- */

/* Sets o[key] = v (taking v's reference); *bad is set when v is NULL or the
 * set fails, so a writer checks once at the end. */
void jz__jc_set(json_t *o, const char *key, json_t *v, int *bad);
void jz__jc_append(json_t *a, json_t *v, int *bad);
/* "YYYY-MM-DD", or null for JZ_DATE_NONE. */
json_t *jz__jc_date_out(jz_date d);
/* A string, or null for "" or NULL. */
json_t *jz__jc_str_or_null(const char *s);
/* A text, its ID numbers masked (jz_idnum_mask_text) unless full. */
json_t *jz__jc_text(const char *s, bool full);
/* Masks every string value in the tree that looks like an ID number (or
 * holds one), in place. */
void jz__jc_mask_tree(json_t *v);
/* An ID number, masked (jz_idnum_mask) unless full; null for "". */
json_t *jz__jc_id(const char *id, bool full);
/* name and name_zh of an enumeration value: o[key] = names[v], o[key_zh] =
 * zh[v] (null for a value out of range). */
void jz__jc_enum_out(json_t *o, const char *key, int v, int count, const char *const *names,
                     const char *const *zh, int *bad);

#endif
