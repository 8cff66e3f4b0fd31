/*
 * api_int.h - what the JSON translations of the operations (the files of lib/api)
 * share: strict readers of a request's fields, and small writers of a
 * response's that remember a failure instead of checking every call.
 *
 * A reader refuses a value of the wrong type, a bad date, a bad amount, a
 * number out of range or an unknown enumeration name with JZ_EINPUT,
 * err->field naming the JSON field (the caller adds a path prefix for nested
 * objects with jz_error_prefix_field) and err->value the value as given
 * (a string as it is, anything else as compact JSON).  A field absent or
 * null is "not given": *out is left as it was (so the caller sets the
 * default first), and a required one is refused.  Strings point into the
 * json_t.
 */
#ifndef JZ_API_INT_H
#define JZ_API_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "jiuzhu/jz_date.h"
#include "jiuzhu/jz_err.h"
#include "jiuzhu/jz_money.h"

/* ---- reading requests ------------------------------------------------------------- */

/* body is an object whose keys are all in allowed (NULL-terminated); an
 * unknown key is refused, naming it and listing the allowed ones. */
jz_err jz__api_object(const json_t *body, const char *const *allowed, jz_error *err);

/* A string of at most max bytes, without NUL; a required one is not "". */
jz_err jz__api_string(const json_t *o, const char *key, bool required, size_t max, const char **out,
                      jz_error *err);
jz_err jz__api_bool(const json_t *o, const char *key, bool required, bool *out, jz_error *err);
/* An integer min .. max. */
jz_err jz__api_int(const json_t *o, const char *key, bool required, long long min, long long max,
                   long long *out, jz_error *err);
/* "YYYY-MM-DD". */
jz_err jz__api_date(const json_t *o, const char *key, bool required, jz_date *out, jz_error *err);
/* "YYYY-MM": the first day of the month. */
jz_err jz__api_month(const json_t *o, const char *key, jz_date *out, jz_error *err);
/* An amount in fen: an integer 0 .. JZ_MONEY_MAX. */
jz_err jz__api_fen(const json_t *o, const char *key, bool required, jz_fen *out, jz_error *err);
/* One of names[first..count) (NULL or "" entries are not names): its index. */
jz_err jz__api_enum(const json_t *o, const char *key, bool required, const char *const *names,
                    int first, int count, int *out, jz_error *err);
/* A region code or prefix: digits, at most 12. */
jz_err jz__api_region(const json_t *o, const char *key, const char **out, jz_error *err);
/* Refuses key when it is given (a field that does not apply), saying why. */
jz_err jz__api_absent(const json_t *o, const char *key, const char *why, jz_error *err);

/* ---- writing responses ------------------------------------------------------------ */

/* Sets o[key] = v / appends v to a, taking v's reference (v is released when
 * o or a is NULL); *bad is set when v is NULL or the call fails, so a writer
 * checks once at the end. */
void jz__api_set(json_t *o, const char *key, json_t *v, int *bad);
void jz__api_append(json_t *a, json_t *v, int *bad);
/* Ends a writer: v, or NULL (and v released) when bad or v is NULL. */
json_t *jz__api_done(json_t *v, int bad);

/* "YYYY-MM-DD", or null for JZ_DATE_NONE. */
json_t *jz__api_date_out(jz_date d);
/* A string, or null for "" or NULL. */
json_t *jz__api_str_or_null(const char *s);
/* A text, its ID numbers masked (jz_idnum_mask_text) unless full; "" for
 * NULL. */
json_t *jz__api_text(const char *s, bool full);
/* Masks every string value in the tree that holds an ID number, in place. */
void jz__api_mask_tree(json_t *v);
/* An ID number, masked (jz_idnum_mask) unless full; null for "" or NULL. */
json_t *jz__api_id(const char *id, bool full);
/* The name and Chinese name of an enumeration value: o[key] = names[v],
 * o[key_zh] = zh[v] (both null for a value out of range). */
void jz__api_enum_out(json_t *o, const char *key, int v, int count, const char *const *names,
                      const char *const *zh, int *bad);
/* A department (jz_dept; anything else, as JZ_DEPT_CIVIL, is civil
 * affairs): sets key and key_zh. */
void jz__api_dept(json_t *o, const char *key, int dept, int *bad);
/* An error as a response lists it: code, source, line, household, member,
 * field, value and reason, ID numbers masked. */
json_t *jz__api_error(const jz_error *e);

/* ---- lists kept in memory --------------------------------------------------------- */

/* Room for one more item of `size` bytes in items (n used, *cap allocated,
 * never more than max): items, or a larger copy (*cap updated), or NULL
 * when the allocation fails (items is then unchanged). */
void *jz__api_room(void *items, size_t size, size_t n, size_t *cap, size_t max);

#endif
