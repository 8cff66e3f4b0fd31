/*
 * json_case_fields.c - the strict field readers and the small writers the
 * JSON translations of the procedure share (json_case_int.h).
 *
 * Requests come from outside: every reader checks the type, the length of a
 * string, the range of a number, the shape of a date, and names the field
 * and the value it refuses, in Chinese, so that the server's error says
 * what to fix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_idnum.h"
#include "json_case_int.h"

/* The value as the error shows it: a string's text, else compact JSON. */
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

/* The field's value; NULL when absent or null (then a required one is
 * refused). */
static jz_err field(const json_t *o, const char *key, bool required, const json_t **out,
                    jz_error *err)
{
    const json_t *v = json_object_get(o, key);
    *out = v && !json_is_null(v) ? v : NULL;
    if (!*out && required)
        return jz_error_set(err, JZ_EINPUT, key, NULL, "缺少必填字段");
    return JZ_OK;
}

jz_err jz__jc_object(const json_t *body, const char *const *allowed, jz_error *err)
{
    if (!json_is_object(body))
        return refuse(err, "", body, "请求应为 JSON 对象");
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (!allowed[i]) {
            char list[512] = "";
            size_t n = 0;
            for (size_t k = 0; allowed[k] && n < sizeof list; k++) {
                int w = snprintf(list + n, sizeof list - n, "%s%s", k ? " " : "", allowed[k]);
                if (w < 0)
                    break;
                n += (size_t)w;
            }
            return jz_error_set(err, JZ_EINPUT, key, NULL, "未知字段（可用的字段：%s）", list);
        }
    }
    return JZ_OK;
}

jz_err jz__jc_string(const json_t *o, const char *key, bool required, size_t max, const char **out,
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

jz_err jz__jc_bool(const json_t *o, const char *key, bool *out, jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, false, &v, err);
    if (rc || !v)
        return rc;
    if (!json_is_boolean(v))
        return refuse(err, key, v, "应为 true 或 false");
    *out = json_is_true(v);
    return JZ_OK;
}

jz_err jz__jc_int(const json_t *o, const char *key, bool required, long long min, long long max,
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

jz_err jz__jc_date(const json_t *o, const char *key, bool required, jz_date *out, jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, required, &v, err);
    if (rc || !v)
        return rc;
    jz_error e;
    jz_date d;
    if (!json_is_string(v) ||
        jz_date_parse(json_string_value(v), json_string_length(v), &d, &e) != JZ_OK)
        return refuse(err, key, v, "应为有效日期 YYYY-MM-DD");
    *out = d;
    return JZ_OK;
}

jz_err jz__jc_month(const json_t *o, const char *key, jz_date *out, jz_error *err)
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

jz_err jz__jc_fen(const json_t *o, const char *key, bool required, jz_fen *out, jz_error *err)
{
    const json_t *v;
    jz_err rc = field(o, key, required, &v, err);
    if (rc || !v)
        return rc;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > JZ_MONEY_MAX)
        return refuse(err, key, v, "金额应为以分计的非负整数（如 52000 即 520.00 元）");
    *out = json_integer_value(v);
    return JZ_OK;
}

jz_err jz__jc_enum(const json_t *o, const char *key, bool required, const char *const *names,
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
    char reason[512] = "应为以下之一：";
    size_t n = strlen(reason);
    for (int i = first; i < count && n < sizeof reason; i++) {
        if (!names[i] || !names[i][0])
            continue;
        int w = snprintf(reason + n, sizeof reason - n, "%s ", names[i]);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    if (n > 0 && n < sizeof reason && reason[n - 1] == ' ')
        reason[n - 1] = '\0';
    return refuse(err, key, v, reason);
}

/* ---- writing ------------------------------------------------------------------------- */

void jz__jc_set(json_t *o, const char *key, json_t *v, int *bad)
{
    if (!v || json_object_set_new(o, key, v) != 0)
        *bad = 1;
}

void jz__jc_append(json_t *a, json_t *v, int *bad)
{
    if (!v || json_array_append_new(a, v) != 0)
        *bad = 1;
}

json_t *jz__jc_date_out(jz_date d)
{
    if (d == JZ_DATE_NONE)
        return json_null();
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    return json_string(b);
}

json_t *jz__jc_str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

json_t *jz__jc_text(const char *s, bool full)
{
    if (!s)
        return json_string("");
    if (full || !strpbrk(s, "0123456789"))
        return json_string(s);
    size_t n = strlen(s);
    char *copy = malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n + 1);
    jz_idnum_mask_text(copy);
    json_t *v = json_string(copy);
    free(copy);
    return v;
}

void jz__jc_mask_tree(json_t *v)
{
    if (json_is_object(v)) {
        const char *key;
        json_t *item;
        json_object_foreach(v, key, item)
        {
            if (json_is_string(item)) {
                json_t *m = jz__jc_text(json_string_value(item), false);
                if (m)
                    json_object_set_new(v, key, m);
            } else {
                jz__jc_mask_tree(item);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            if (json_is_string(item)) {
                json_t *m = jz__jc_text(json_string_value(item), false);
                if (m)
                    json_array_set_new(v, i, m);
            } else {
                jz__jc_mask_tree(item);
            }
        }
    }
}

json_t *jz__jc_id(const char *id, bool full)
{
    if (!id || !id[0])
        return json_null();
    if (full)
        return json_string(id);
    char m[JZ_IDNUM_MASKED_BUF];
    jz_idnum_mask(id, m);
    return json_string(m);
}

void jz__jc_enum_out(json_t *o, const char *key, int v, int count, const char *const *names,
                     const char *const *zh, int *bad)
{
    char k[64];
    snprintf(k, sizeof k, "%s_zh", key);
    bool in = v >= 0 && v < count;
    jz__jc_set(o, key, in ? json_string(names[v]) : json_null(), bad);
    jz__jc_set(o, k, in ? json_string(zh[v]) : json_null(), bad);
}
