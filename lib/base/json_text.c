/*
 * json_text.c - writes JSON text straight into a buffer (base_int.h), for
 * the documents written most often (a determination per POST /api/assess):
 * building a jansson tree and dumping it cost several times the engine.
 * The text is byte for byte what json_dumps(JSON_COMPACT) writes of the
 * same tree (tests/unit/test_json_text.c compares them): members in the
 * order written, no space, strings escaped as jansson does (", \, and the
 * control characters; UTF-8 kept as it is) and refused unless valid UTF-8.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base_int.h"

static bool reserve(jz__jw *w, size_t more)
{
    if (w->failed)
        return false;
    if (more > SIZE_MAX / 2 - w->len) {
        w->failed = true;
        return false;
    }
    size_t need = w->len + more + 1;
    if (need <= w->cap)
        return true;
    size_t cap = w->cap ? w->cap : 4096;
    while (cap < need)
        cap *= 2;
    char *p = realloc(w->p, cap);
    if (!p) {
        w->failed = true;
        return false;
    }
    w->p = p;
    w->cap = cap;
    return true;
}

static void put(jz__jw *w, const char *s, size_t n)
{
    if (!reserve(w, n))
        return;
    memcpy(w->p + w->len, s, n);
    w->len += n;
    w->p[w->len] = '\0';
}

/* The comma before a value (or a key) that is not its container's first;
 * a value after its key takes none. */
static void sep(jz__jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (w->more[w->depth - 1])
            put(w, ",", 1);
        w->more[w->depth - 1] = true;
    }
}

static void open_(jz__jw *w, char c)
{
    sep(w);
    if ((size_t)w->depth >= sizeof w->more / sizeof w->more[0]) {
        w->failed = true;
        return;
    }
    w->more[w->depth++] = false;
    put(w, &c, 1);
}

static void close_(jz__jw *w, char c)
{
    if (w->depth <= 0) {
        w->failed = true;
        return;
    }
    w->depth--;
    put(w, &c, 1);
}

void jz__jw_obj(jz__jw *w)
{
    open_(w, '{');
}
void jz__jw_arr(jz__jw *w)
{
    open_(w, '[');
}
void jz__jw_end_obj(jz__jw *w)
{
    close_(w, '}');
}
void jz__jw_end_arr(jz__jw *w)
{
    close_(w, ']');
}

/* What each byte asks of quoted(): 0 written as it is, 1 escaped, 2 the
 * first byte of a UTF-8 sequence (checked). */
static const unsigned char byte_class[256] = {
    [0 ... 0x1f] = 1,
    ['"'] = 1,
    ['\\'] = 1,
    [0x80 ... 0xff] = 2,
};

static void quoted(jz__jw *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    if (!reserve(w, n + 2))
        return;
    w->p[w->len++] = '"';
    size_t run = 0; /* start of the bytes written as they are */
    for (size_t i = 0; i < n;) {
        unsigned char k = byte_class[u[i]];
        if (k == 0) {
            i++;
            continue;
        }
        if (k == 2) {
            /* Chinese text is three-byte sequences (U+0800..U+FFFF but
             * the surrogates): the common case checked here. */
            if (u[i] >= 0xE1 && u[i] <= 0xEF && u[i] != 0xED && i + 2 < n &&
                (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
                i += 3;
                continue;
            }
            size_t q = jz__utf8_seq_len(u + i, n - i);
            if (!q) {
                w->failed = true; /* jansson refuses such a string too */
                return;
            }
            i += q;
            continue;
        }
        unsigned char c = u[i];
        put(w, s + run, i - run);
        char e[6] = {'\\', 0, 0, 0, 0, 0};
        size_t en = 2;
        switch (c) {
        case '"':
            e[1] = '"';
            break;
        case '\\':
            e[1] = '\\';
            break;
        case '\b':
            e[1] = 'b';
            break;
        case '\f':
            e[1] = 'f';
            break;
        case '\n':
            e[1] = 'n';
            break;
        case '\r':
            e[1] = 'r';
            break;
        case '\t':
            e[1] = 't';
            break;
        default:
            e[1] = 'u';
            e[2] = '0';
            e[3] = '0';
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            en = 6;
        }
        put(w, e, en);
        run = ++i;
    }
    put(w, s + run, n - run);
    put(w, "\"", 1);
}

void jz__jw_key(jz__jw *w, const char *k)
{
    sep(w);
    quoted(w, k);
    put(w, ":", 1);
    w->after_key = true;
}

void jz__jw_str(jz__jw *w, const char *s)
{
    sep(w);
    quoted(w, s);
}

void jz__jw_int(jz__jw *w, long long v)
{
    char b[24], *e = b + sizeof b, *q = e;
    unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        *--q = (char)('0' + m % 10);
    while (m /= 10);
    if (v < 0)
        *--q = '-';
    sep(w);
    put(w, q, (size_t)(e - q));
}

void jz__jw_bool(jz__jw *w, bool v)
{
    sep(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void jz__jw_null(jz__jw *w)
{
    sep(w);
    put(w, "null", 4);
}

void jz__jw_money(jz__jw *w, jz_fen v)
{
    char b[JZ_MONEY_BUF];
    jz_money_format(v, b, sizeof b);
    jz__jw_str(w, b);
}

void jz__jw_date(jz__jw *w, jz_date d)
{
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    jz__jw_str(w, b);
}

void jz__jw_raw(jz__jw *w, const char *json, size_t n)
{
    sep(w);
    put(w, json, n);
}

char *jz__jw_finish(jz__jw *w)
{
    if (w->failed || w->depth != 0 || !w->p) {
        free(w->p);
        memset(w, 0, sizeof *w);
        return NULL;
    }
    char *p = w->p;
    memset(w, 0, sizeof *w);
    return p;
}
