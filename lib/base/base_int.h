/*
 * base_int.h - internals shared by the files of lib/base.
 */
#ifndef JZ_BASE_INT_H
#define JZ_BASE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "jiuzhu/jz_date.h"
#include "jiuzhu/jz_money.h"

/*
 * Length of the valid UTF-8 sequence at p (n bytes available, n > 0), or 0
 * when the bytes are not valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF).  Text ends up in JSON, where jansson
 * rejects invalid UTF-8.
 */
size_t jz__utf8_seq_len(const unsigned char *p, size_t n);

/* JSON text written straight into a buffer (json_text.c): the same bytes
 * as json_dumps(JSON_COMPACT) of the tree built in the same order.  Start
 * from a zeroed jz__jw; any failure (memory, invalid UTF-8, nesting) is
 * kept, and jz__jw_finish then gives NULL.  The text is malloc'd. */
typedef struct jz__jw {
    char *p;
    size_t len, cap;
    bool failed;
    bool after_key;
    int depth;
    bool more[16]; /* per open container: an item was written */
} jz__jw;
void jz__jw_obj(jz__jw *w);
void jz__jw_arr(jz__jw *w);
void jz__jw_end_obj(jz__jw *w);
void jz__jw_end_arr(jz__jw *w);
void jz__jw_key(jz__jw *w, const char *k);
void jz__jw_str(jz__jw *w, const char *s);
void jz__jw_int(jz__jw *w, long long v);
void jz__jw_bool(jz__jw *w, bool v);
void jz__jw_null(jz__jw *w);
void jz__jw_money(jz__jw *w, jz_fen v); /* "1234.50" */
void jz__jw_date(jz__jw *w, jz_date d); /* "YYYY-MM-DD" */
/* A value that is JSON text already (compact, from jansson or this writer). */
void jz__jw_raw(jz__jw *w, const char *json, size_t n);
char *jz__jw_finish(jz__jw *w);

#endif
