/*
 * fields.c - the strict field readers and the small writers every JSON
 * translation of an operation shares (api_int.h).
 *
 * Requests come from outside: every reader checks the type, the length of a
 * string, the range of a number, the shape of a date, and names the field
 * and the value it refuses, in Chinese, so that the server's error says
 * what to fix.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "jiuzhu/jz_feed.h"
#include "jiuzhu/jz_idnum.h"

/* ---- reading requests ---------------------------------------------------------------- */

/* The value as the error shows it: a string's text (all of it, NUL bytes
 * too), else compact JSON (truncated by jz_error_set). */
static jz_err refuse(jz_error *err, const char *key, const json_t *v, const char *reason)
{
    if (json_is_string(v))
        return jz_error_setn(err, JZ_EINPUT, key, json_string_value(v), json_string_length(v), "%s",
                             reason);
    char *text = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    jz_err rc = jz_error_set(err, JZ_EINPUT, key, text, "%s", reason);
    free(text);
    return rc;
}

/* The field's value in *out; NULL when absent or null (then a required one
 * is refused). */
static jz_err field(const json_t *o, const char *key, bool required, const json_t **out,
                    jz_error *err)
{
    const json_t *v = json_object_get(o, key);
    *out = v && !json_is_null(v) ? v : NULL;
    if (!*out && required)
        return jz_error_set(err, JZ_EINPUT, key, NULL, "缺少必填字段");
    return JZ_OK;
}

/* Writes the non-empty names[first..count), sep between them, into buf[cap];
 * what does not fit is left out. */
static void name_list(char *buf, size_t cap, const char *const *names, int first, int count,
                      const char *sep)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = first; i < count; i++) {
        if (!names[i] || !names[i][0])
            continue;
        int w = snprintf(buf + n, cap - n, "%s%s", n ? sep : "", names[i]);
        if (w < 0 || (size_t)w >= cap - n) {
            buf[n] = '\0';
            return;
        }
        n += (size_t)w;
    }
}

jz_err jz__api_object(const json_t *body, const char *const *allowed, jz_error *err)
{
    if (!json_is_object(body))
        return refuse(err, "", body, "应为 JSON 对象");
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (!allowed[i]) {
            char list[288];
            name_list(list, sizeof list, allowed, 0, (int)i, " ");
            return jz_error_set(err, JZ_EINPUT, key, NULL, "未知字段（可用的字段：%s）", list);
        }
    }
    return JZ_OK;
}

jz_err jz__api_string(const json_t *o, const char *key, bool required, size_t max, const char **out,
                      jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, required, &v, err);
    if (rc || !v)
        return rc;
    if (!json_is_string(v))
        return refuse(err, key, v, "应为字符串");
    size_t len = json_string_length(v);
    const char *s = json_string_value(v);
    if (memchr(s, '\0', len))
        return refuse(err, key, v, "字符串中不能有 NUL 字符");
    if (len > max) {
        char reason[64];
        snprintf(reason, sizeof reason, "过长（最多 %zu 字节）", max);
        return refuse(err, key, v, reason);
    }
    if (required && len == 0)
        return refuse(err, key, v, "不能为空");
    *out = s;
    return JZ_OK;
}

jz_err jz__api_bool(const json_t *o, const char *key, bool required, bool *out, jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, required, &v, err);
    if (rc || !v)
        return rc;
    if (!json_is_boolean(v))
        return refuse(err, key, v, "应为 true 或 false");
    *out = json_is_true(v);
    return JZ_OK;
}

jz_err jz__api_int(const json_t *o, const char *key, bool required, long long min, long long max,
                   long long *out, jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, required, &v, err);
    if (rc || !v)
        return rc;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        char reason[96];
        snprintf(reason, sizeof reason, "应为 %lld 到 %lld 之间的整数", min, max);
        return refuse(err, key, v, reason);
    }
    *out = json_integer_value(v);
    return JZ_OK;
}

jz_err jz__api_date(const json_t *o, const char *key, bool required, jz_date *out, jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, required, &v, err);
    if (rc || !v)
        return rc;
    jz_error e;
    jz_date d;
    if (!json_is_string(v) ||
        jz_date_parse(json_string_value(v), json_string_length(v), &d, &e) != JZ_OK)
        return refuse(err, key, v, "不是有效日期（应为 YYYY-MM-DD）");
    *out = d;
    return JZ_OK;
}

jz_err jz__api_month(const json_t *o, const char *key, jz_date *out, jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, false, &v, err);
    if (rc || !v)
        return rc;
    jz_error e;
    jz_date d;
    char buf[16];
    if (!json_is_string(v) || json_string_length(v) != 7 ||
        snprintf(buf, sizeof buf, "%s-01", json_string_value(v)) != 10 ||
        jz_date_parse(buf, 10, &d, &e) != JZ_OK)
        return refuse(err, key, v, "应为月份 YYYY-MM");
    *out = d;
    return JZ_OK;
}

jz_err jz__api_fen(const json_t *o, const char *key, bool required, jz_fen *out, jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, required, &v, err);
    if (rc || !v)
        return rc;
    if (!json_is_integer(v))
        return refuse(err, key, v, "金额应为以分为单位的整数（如 152000 即 1520.00 元）");
    long long n = 0;
    rc = jz__api_int(o, key, required, 0, JZ_MONEY_MAX, &n, err);
    if (!rc)
        *out = n;
    return rc;
}

jz_err jz__api_enum(const json_t *o, const char *key, bool required, const char *const *names,
                    int first, int count, int *out, jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, required, &v, err);
    if (rc || !v)
        return rc;
    if (json_is_string(v))
        for (int i = first; i < count; i++)
            if (names[i] && names[i][0] && strcmp(names[i], json_string_value(v)) == 0) {
                *out = i;
                return JZ_OK;
            }
    char list[256], reason[320];
    name_list(list, sizeof list, names, first, count, " ");
    snprintf(reason, sizeof reason, "应为以下之一：%s", list);
    return refuse(err, key, v, reason);
}

jz_err jz__api_region(const json_t *o, const char *key, const char **out, jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, false, &v, err);
    if (rc || !v)
        return rc;
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (!s || len > 12 || strspn(s, "0123456789") != len)
        return refuse(err, key, v, "应为地区代码（数字，最多 12 位）");
    *out = s;
    return JZ_OK;
}

jz_err jz__api_absent(const json_t *o, const char *key, const char *why, jz_error *err)
{
    const json_t *v;
    field(o, key, false, &v, err);
    return v ? refuse(err, key, v, why) : JZ_OK;
}

/* ---- writing responses ----------------------------------------------------------------- */

void jz__api_set(json_t *o, const char *key, json_t *v, int *bad)
{
    if (!v || json_object_set_new(o, key, v) != 0)
        *bad = 1;
}

void jz__api_append(json_t *a, json_t *v, int *bad)
{
    if (!v || json_array_append_new(a, v) != 0)
        *bad = 1;
}

json_t *jz__api_done(json_t *v, int bad)
{
    if (bad || !v) {
        json_decref(v);
        return NULL;
    }
    return v;
}

json_t *jz__api_date_out(jz_date d)
{
    if (d == JZ_DATE_NONE)
        return json_null();
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    return json_string(b);
}

json_t *jz__api_str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

json_t *jz__api_text(const char *s, bool full)
{
    if (!s)
        s = "";
    if (full)
        return json_string(s);
    char *t = strdup(s);
    if (!t)
        return NULL;
    jz_idnum_mask_text(t);
    json_t *v = json_string(t);
    free(t);
    return v;
}

void jz__api_mask_tree(json_t *v)
{
    if (json_is_object(v)) {
        const char *key;
        json_t *item;
        json_object_foreach(v, key, item)
        {
            if (json_is_string(item)) {
                json_t *m = jz__api_text(json_string_value(item), false);
                if (m)
                    json_object_set_new(v, key, m);
            } else {
                jz__api_mask_tree(item);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            if (json_is_string(item)) {
                json_t *m = jz__api_text(json_string_value(item), false);
                if (m)
                    json_array_set_new(v, i, m);
            } else {
                jz__api_mask_tree(item);
            }
        }
    }
}

json_t *jz__api_id(const char *id, bool full)
{
    if (!id || !id[0])
        return json_null();
    if (full)
        return json_string(id);
    char m[JZ_IDNUM_MASKED_BUF];
    jz_idnum_mask(id, m);
    return json_string(m);
}

/* key_zh, in buf[cap]. */
static const char *zh_key(char *buf, size_t cap, const char *key)
{
    snprintf(buf, cap, "%s_zh", key);
    return buf;
}

void jz__api_enum_out(json_t *o, const char *key, int v, int count, const char *const *names,
                      const char *const *zh, int *bad)
{
    char k[64];
    bool in = v >= 0 && v < count;
    jz__api_set(o, key, in ? json_string(names[v]) : json_null(), bad);
    jz__api_set(o, zh_key(k, sizeof k, key), in ? json_string(zh[v]) : json_null(), bad);
}

void jz__api_dept(json_t *o, const char *key, int dept, int *bad)
{
    char k[64];
    bool known = dept >= 0 && dept < JZ_DEPT_COUNT;
    jz__api_set(o, key, json_string(known ? jz_dept_names[dept] : "civil"), bad);
    jz__api_set(o, zh_key(k, sizeof k, key), json_string(known ? jz_dept_zh[dept] : "民政"), bad);
}

json_t *jz__api_error(const jz_error *e)
{
    json_t *o = json_object();
    int bad = 0;
    jz__api_set(o, "code", json_string(jz_err_name(e->code)), &bad);
    jz__api_set(o, "source", jz__api_str_or_null(e->source), &bad);
    jz__api_set(o, "line", e->line ? json_integer(e->line) : json_null(), &bad);
    jz__api_set(o, "household", jz__api_str_or_null(e->household), &bad);
    jz__api_set(o, "member", e->member[0] ? jz__api_text(e->member, false) : json_null(), &bad);
    jz__api_set(o, "field", jz__api_str_or_null(e->field), &bad);
    jz__api_set(o, "value", e->value[0] ? jz__api_text(e->value, false) : json_null(), &bad);
    jz__api_set(o, "reason", jz__api_text(e->reason, false), &bad);
    return jz__api_done(o, bad);
}

/* ---- lists kept in memory -------------------------------------------------------------- */

void *jz__api_room(void *items, size_t size, size_t n, size_t *cap, size_t max)
{
    if (n < *cap)
        return items;
    size_t nc = *cap ? 2 * *cap : 16;
    if (nc > max)
        nc = max;
    if (nc <= n || nc > SIZE_MAX / size)
        return NULL;
    void *g = realloc(items, nc * size);
    if (g)
        *cap = nc;
    return g;
}
