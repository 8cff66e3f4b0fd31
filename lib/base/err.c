/*
 * err.c - the one error record of jiuzhu and its one-line message.
 *
 * Every string kept in a jz_error is made safe on the way in: it is cut to its
 * buffer on a UTF-8 character boundary (with "…" to show that text is
 * missing), and bytes that are not valid UTF-8 or are control characters are
 * written as "\xNN".  So every field of a jz_error is always valid UTF-8 on a
 * single line, and can go straight into a JSON reply, a log line or a
 * caseworker's screen, whatever bytes the offending input contained.
 */
#include "base_int.h"
#include "jiuzhu/jz_err.h"
#include "jiuzhu/jz_idnum.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The ellipsis that marks a truncated string (U+2026, three bytes). */
#define ELLIPSIS "\xE2\x80\xA6"
#define ELLIPSIS_LEN 3

/*
 * Copies (src, len) into dst with room for limit bytes of text, escaping what
 * is not printable UTF-8.  Only whole characters and whole escapes are
 * copied, so a cut never splits one.  Returns the number of bytes written (dst
 * is not terminated here); *complete tells whether all of src fitted.
 */
static size_t copy_units(char *dst, size_t limit, const char *src, size_t len, bool *complete)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t in = 0, out = 0;

    while (in < len) {
        size_t seq = jz__utf8_seq_len(s + in, len - in);
        bool printable = seq > 1 || (seq == 1 && s[in] >= 0x20 && s[in] != 0x7F);

        if (printable) {
            if (out + seq > limit)
                break;
            memcpy(dst + out, s + in, seq);
            out += seq;
            in += seq;
        } else {
            static const char hex[] = "0123456789ABCDEF";

            if (out + 4 > limit)
                break;
            dst[out++] = '\\';
            dst[out++] = 'x';
            dst[out++] = hex[s[in] >> 4];
            dst[out++] = hex[s[in] & 0x0F];
            in++;
        }
    }
    *complete = in == len;
    return out;
}

/*
 * Stores (src, len) into dst[cap] as described at the top of the file.  A
 * NULL src stores the empty string.  When the text does not fit, it is cut
 * early enough to leave room for the ellipsis.
 */
static void store(char *dst, size_t cap, const char *src, size_t len)
{
    bool complete;
    size_t out;

    if (cap == 0)
        return;
    if (src == NULL)
        len = 0;
    out = copy_units(dst, cap - 1, src, len, &complete);
    if (!complete && cap - 1 >= ELLIPSIS_LEN) {
        out = copy_units(dst, cap - 1 - ELLIPSIS_LEN, src, len, &complete);
        memcpy(dst + out, ELLIPSIS, ELLIPSIS_LEN);
        out += ELLIPSIS_LEN;
    }
    dst[out] = '\0';
}

static void store_str(char *dst, size_t cap, const char *src)
{
    store(dst, cap, src, src != NULL ? strlen(src) : 0);
}

void jz_error_clear(jz_error *e)
{
    if (e == NULL)
        return;
    memset(e, 0, sizeof *e);
    e->code = JZ_OK;
}

/* The shared body of jz_error_set and jz_error_setn. */
__attribute__((format(printf, 6, 0))) static jz_err set_va(jz_error *e, jz_err code,
                                                           const char *field, const char *value,
                                                           size_t value_len, const char *reason_fmt,
                                                           va_list ap);

/* A database's address may carry its password (postgresql://user:SECRET@host/db,
 * or password=SECRET in its parameters): an error names the address without it,
 * since errors reach terminals, logs and other people.  Writes value's first
 * len bytes to out (cap bytes) with each secret replaced by ***; the length. */
static size_t hide_secrets(char *out, size_t cap, const char *value, size_t len)
{
    size_t o = 0;
    const char *scheme = NULL;
    for (size_t i = 0; i + 2 < len; i++)
        if (memcmp(value + i, "://", 3) == 0) {
            scheme = value + i + 3;
            break;
        }
    /* The user information of a URL ends at the last '@' before the path. */
    const char *at = NULL, *colon = NULL;
    if (scheme != NULL) {
        for (const char *c = scheme; c < value + len && *c != '/' && *c != '?'; c++)
            if (*c == '@')
                at = c;
        for (const char *c = scheme; at != NULL && c < at; c++)
            if (*c == ':') {
                colon = c;
                break;
            }
    }
    for (size_t i = 0; i < len && o + 4 < cap;) {
        if (colon != NULL && value + i == colon + 1) {
            memcpy(out + o, "***", 3);
            o += 3;
            i = (size_t)(at - value);
            continue;
        }
        if (i + 9 <= len &&
            (i == 0 || (value[i - 1] != '\0' && strchr("?& \t", value[i - 1]) != NULL)) &&
            memcmp(value + i, "password=", 9) == 0) {
            if (o + 13 > cap)
                break;
            memcpy(out + o, "password=***", 12);
            o += 12;
            i += 9;
            while (i < len && value[i] != '&' && value[i] != ' ')
                i++;
            continue;
        }
        out[o++] = value[i++];
    }
    out[o] = '\0';
    return o;
}

static jz_err set_va(jz_error *e, jz_err code, const char *field, const char *value,
                     size_t value_len, const char *reason_fmt, va_list ap)
{
    char reason[JZ_ERR_REASON_MAX];
    char shown[JZ_ERR_VALUE_MAX * 2];
    int n;

    if (e == NULL)
        return code;
    e->code = code;
    store_str(e->field, sizeof e->field, field);
    if (value != NULL && memchr(value, '/', value_len) == NULL &&
        memchr(value, '=', value_len) == NULL) {
        store(e->value, sizeof e->value, value, value_len);
    } else if (value != NULL) {
        size_t shown_len =
            hide_secrets(shown, sizeof shown, value,
                         value_len < sizeof shown - 1 ? value_len : sizeof shown - 1);
        store(e->value, sizeof e->value, shown, shown_len);
    } else {
        store(e->value, sizeof e->value, value, 0);
    }

    /* The formatted reason goes through store() as well, so that a reason cut
     * by vsnprintf never ends in half a character. */
    reason[0] = '\0';
    n = reason_fmt != NULL ? vsnprintf(reason, sizeof reason, reason_fmt, ap) : 0;
    if (n < 0) {
        reason[0] = '\0';
        n = 0;
    }
    if ((size_t)n >= sizeof reason) {
        /* Text was lost: mark it by storing one byte too many, which makes
         * store() cut the text and add the ellipsis. */
        char longer[JZ_ERR_REASON_MAX + 1];

        memcpy(longer, reason, sizeof reason - 1);
        longer[sizeof reason - 1] = ' ';
        longer[sizeof reason] = '\0';
        store(e->reason, sizeof e->reason, longer, sizeof reason);
    } else {
        store(e->reason, sizeof e->reason, reason, (size_t)n);
    }
    return code;
}

jz_err jz_error_set(jz_error *e, jz_err code, const char *field, const char *value,
                    const char *reason_fmt, ...)
{
    va_list ap;
    jz_err rc;

    va_start(ap, reason_fmt);
    rc = set_va(e, code, field, value, value != NULL ? strlen(value) : 0, reason_fmt, ap);
    va_end(ap);
    return rc;
}

jz_err jz_error_setn(jz_error *e, jz_err code, const char *field, const char *value,
                     size_t value_len, const char *reason_fmt, ...)
{
    va_list ap;
    jz_err rc;

    va_start(ap, reason_fmt);
    rc = set_va(e, code, field, value, value_len, reason_fmt, ap);
    va_end(ap);
    return rc;
}

void jz_error_prefix_field(jz_error *e, const char *prefix)
{
    char joined[2 * JZ_ERR_FIELD_MAX];
    size_t plen, flen;

    if (e == NULL || prefix == NULL || prefix[0] == '\0')
        return;
    plen = strlen(prefix);
    flen = strlen(e->field);
    /* A prefix written for a member name ("income.") must not leave a stray
     * dot before nothing or before an index: "income" and "income[0]". */
    if (prefix[plen - 1] == '.' && (flen == 0 || e->field[0] == '['))
        plen--;
    if (plen > JZ_ERR_FIELD_MAX)
        plen = JZ_ERR_FIELD_MAX;
    memcpy(joined, prefix, plen);
    memcpy(joined + plen, e->field, flen);
    store(e->field, sizeof e->field, joined, plen + flen);
}

void jz_error_set_where(jz_error *e, const char *household, const char *member)
{
    if (e == NULL)
        return;
    if (household != NULL)
        store_str(e->household, sizeof e->household, household);
    if (member != NULL)
        store_str(e->member, sizeof e->member, member);
}

void jz_error_set_source(jz_error *e, const char *source, long line)
{
    size_t len, start = 0;

    if (e == NULL)
        return;
    e->line = line;
    if (source == NULL)
        return;
    len = strlen(source);
    /* The end of a path names the file, so an over-long source keeps its end.
     * The start is moved to a character boundary and marked with "…". */
    if (len > sizeof e->source - 1) {
        start = len - (sizeof e->source - 1 - ELLIPSIS_LEN);
        while (start < len && ((unsigned char)source[start] & 0xC0) == 0x80)
            start++;
        memcpy(e->source, ELLIPSIS, ELLIPSIS_LEN);
        store(e->source + ELLIPSIS_LEN, sizeof e->source - ELLIPSIS_LEN, source + start,
              len - start);
        return;
    }
    store(e->source, sizeof e->source, source, len);
}

/* A bounded string builder that cuts only on character boundaries. */
typedef struct outbuf {
    char *buf;
    size_t cap; /* bytes available for text, terminator excluded */
    size_t len;
    bool full;
} outbuf;

static void put(outbuf *o, const char *s)
{
    size_t n = strlen(s);

    if (o->full)
        return;
    if (o->len + n > o->cap) {
        /* Everything stored in a jz_error is valid UTF-8, so backing off over
         * continuation bytes lands on the start of a character. */
        n = o->cap - o->len;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        o->full = true;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

/* Adds one "label text" part, separated from the previous one by '，'. */
static void put_part(outbuf *o, bool *first, const char *label, const char *text, bool quote)
{
    if (text[0] == '\0')
        return;
    if (!*first)
        put(o, "，");
    *first = false;
    put(o, label);
    put(o, quote ? " \"" : " ");
    put(o, text);
    if (quote)
        put(o, "\"");
}

/* Every code once: its stable name, the Chinese text of a record that
 * carries no reason, the exit status of the command line and the HTTP
 * status of the server (jz_err.h), and whether trying again may succeed. */
static const jz_err_kind kinds[] = {
    {JZ_OK, "ok", "无错误", 0, 200, false},
    {JZ_EINPUT, "input", "输入无效", 1, 422, false},
    {JZ_ERANGE, "range", "数值超出范围", 1, 422, false},
    {JZ_ENOMEM, "nomem", "内存不足", 1, 503, true},
    {JZ_EIO, "io", "读写文件失败", 1, 500, false},
    {JZ_ENOTFOUND, "notfound", "未找到", 1, 404, false},
    {JZ_EUSAGE, "usage", "命令用法错误", 2, 400, false},
    {JZ_EOF, "eof", "输入已结束", 1, 400, false},
    {JZ_EBUSY, "busy", "数据库正忙，未写入任何内容，请稍后重试", 3, 503, true},
    {JZ_ECONFLICT, "conflict", "已被他人先行修改，未写入任何内容，请重新查看后再办理", 4, 409,
     false},
    {JZ_EAUTH, "auth", "未登录或登录已失效，请重新登录", 5, 401, false},
    {JZ_EDENIED, "denied", "您的角色无权办理此项", 6, 403, false},
};
_Static_assert(sizeof kinds / sizeof kinds[0] == JZ_EDENIED + 1, "one row per jz_err");

const jz_err_kind *jz_err_kind_of(jz_err code)
{
    static const jz_err_kind unknown = {JZ_EIO, "unknown", "未知错误", 1, 500, false};
    return (unsigned)code < sizeof kinds / sizeof kinds[0] ? &kinds[code] : &unknown;
}

static const char *code_text(jz_err code)
{
    return jz_err_kind_of(code)->text;
}

void jz_error_format(const jz_error *e, char *buf, size_t n)
{
    outbuf o = {buf, n > 0 ? n - 1 : 0, 0, false};
    bool first = true;
    char num[32];

    if (n == 0)
        return;
    buf[0] = '\0';
    if (e == NULL) {
        put(&o, code_text(JZ_OK));
        return;
    }
    if (e->source[0] != '\0') {
        put(&o, e->source);
        if (e->line > 0) {
            snprintf(num, sizeof num, ":%ld", e->line);
            put(&o, num);
        }
        put(&o, ": ");
    } else if (e->line > 0) {
        snprintf(num, sizeof num, "第%ld行: ", e->line);
        put(&o, num);
    }
    /* The member label, the value and the reason may hold an ID number
     * (the member's, or the one refused): messages reach screens and logs,
     * so they show it masked (jz_idnum_mask_text), never whole. */
    char member[sizeof e->member], value[sizeof e->value], reason[sizeof e->reason];
    memcpy(member, e->member, sizeof member);
    memcpy(value, e->value, sizeof value);
    memcpy(reason, e->reason, sizeof reason);
    member[sizeof member - 1] = value[sizeof value - 1] = reason[sizeof reason - 1] = '\0';
    jz_idnum_mask_text(member);
    jz_idnum_mask_text(value);
    jz_idnum_mask_text(reason);
    put_part(&o, &first, "户", e->household, false);
    put_part(&o, &first, "成员", member, false);
    put_part(&o, &first, "字段", e->field, false);
    put_part(&o, &first, "值", value, true);
    if (!first)
        put(&o, "：");
    put(&o, reason[0] != '\0' ? reason : code_text(e->code));
}

const char *jz_err_name(jz_err code)
{
    return jz_err_kind_of(code)->name;
}
