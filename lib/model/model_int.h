/*
 * model_int.h - internals shared by the files of lib/model.
 */
#ifndef JZ_MODEL_INT_H
#define JZ_MODEL_INT_H

#include <jansson.h>

#include "jiuzhu/jz_date.h"
#include "jiuzhu/jz_err.h"
#include "jiuzhu/jz_money.h"
#include "base/base_int.h" /* jz__jw */

/* An amount as "1234.50" and a date as "YYYY-MM-DD" (NULL: out of memory). */
json_t *jz__json_money(jz_fen v);
json_t *jz__json_date(jz_date d);

/* Set / append that take v's reference and set *bad when v is NULL or the
 * call fails, so that a writer checks once at the end. */
void jz__json_set(json_t *o, const char *key, json_t *v, int *bad);
void jz__json_append(json_t *a, json_t *v, int *bad);

/* Between begin and end, this thread's jansson allocations come from a
 * per-thread arena; every value allocated in between must be released
 * (json_decref) before end.  Not nested. */
void jz__json_arena_begin(void);
void jz__json_arena_end(void);

/* Frees what jansson allocated (json_dumps text), arena or not. */
void jz__json_free(void *p);

/* Sets err (JZ_EINPUT) from a jansson parse error, in Chinese, with the
 * place (json_error.c).  text (may be NULL), len: what was parsed, to say
 * which byte is not UTF-8; line_base: lines before the text in its file. */
jz_err jz__json_syntax_error(jz_error *err, const json_error_t *je, const char *text, size_t len,
                             long line_base);

#endif
