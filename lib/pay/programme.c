/*
 * programme.c - one-time programmes as data (R-ONCE-1, seed 004 一.2): the
 * files policy/programmes/<code>.json, read once into the context
 * (jz_ctx.programmes), and the funding split of a line.
 *
 * A file says who is paid (the persons of the units of some programmes in
 * force on a day), how much per person, who funds it (the province's share
 * and the city-county's, which make the whole), by when, and whether as
 * cash or as vouchers (消费券).  Every field is checked: an unknown key, a
 * missing one or a value out of its range is refused naming the file, the
 * field, the value and the reason, and nothing is loaded.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "jiuzhu/jz_encoding.h"
#include "pay_int.h"

#define FILE_MAX (64 * 1024)
#define PPM 1000000
#define AMOUNT_MAX ((jz_fen)100000 * 100) /* 100,000 yuan a person: far above any programme */

/* ---- fields ---------------------------------------------------------------------- */

static jz_err text_of(const json_t *o, const char *key, const char *field, bool required, char *out,
                      size_t cap, jz_error *err)
{
    const json_t *v = json_object_get(o, key);
    out[0] = '\0';
    if (!v || json_is_null(v)) {
        if (required)
            return jz_error_set(err, JZ_EINPUT, field, NULL, "缺少必填字段 %s", field);
        return JZ_OK;
    }
    if (!json_is_string(v))
        return jz_error_set(err, JZ_EINPUT, field, NULL, "应为字符串");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n >= cap)
        return jz_error_setn(err, JZ_EINPUT, field, s, n, "过长（最多 %zu 字节）", cap - 1);
    uint32_t cp;
    if (jz_text_find_unsafe(s, n, &cp) >= 0) {
        char why[160];
        jz_text_unsafe_reason(cp, why, sizeof why);
        return jz_error_setn(err, JZ_EINPUT, field, s, n, "%s", why);
    }
    if (required && n == 0)
        return jz_error_set(err, JZ_EINPUT, field, "", "不能为空");
    memcpy(out, s, n + 1);
    return JZ_OK;
}

static jz_err date_of(const json_t *o, const char *key, const char *field, bool nullable,
                      jz_date *out, jz_error *err)
{
    const json_t *v = json_object_get(o, key);
    *out = JZ_DATE_NONE;
    if (!v)
        return jz_error_set(
            err, JZ_EINPUT, field, NULL,
            nullable ? "缺少必填字段 %s（文件未规定期限的写 null）" : "缺少必填字段 %s", field);
    if (json_is_null(v) && nullable)
        return JZ_OK;
    if (!json_is_string(v))
        return jz_error_set(err, JZ_EINPUT, field, NULL, "应为日期 YYYY-MM-DD");
    const char *s = json_string_value(v);
    jz_error e;
    jz_error_clear(&e);
    if (jz_date_parse(s, json_string_length(v), out, &e) != JZ_OK)
        return jz_error_set(err, JZ_EINPUT, field, s, "不是有效的日期 YYYY-MM-DD：%s", e.reason);
    return JZ_OK;
}

/* A share "0.6": a decimal from 0 to 1 with at most 6 decimals, in
 * millionths. */
static jz_err share_of(const json_t *o, const char *key, const char *field, int32_t *ppm,
                       jz_error *err)
{
    const json_t *v = json_object_get(o, key);
    if (!v)
        return jz_error_set(err, JZ_EINPUT, field, NULL, "缺少必填字段 %s", field);
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *ppm = (int32_t)json_integer_value(v) * PPM;
        return JZ_OK;
    }
    if (!json_is_string(v))
        return jz_error_set(err, JZ_EINPUT, field, NULL,
                            "份额应写成 0 到 1 的小数字符串，如 \"0.6\"");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v), i = 0;
    int64_t whole = 0, frac = 0;
    int digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && i < 2)
        whole = whole * 10 + (s[i++] - '0');
    bool ok = i > 0;
    if (ok && i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 6) {
            frac = frac * 10 + (s[i++] - '0');
            digits++;
        }
        ok = digits > 0;
    }
    if (!ok || i != n)
        return jz_error_setn(err, JZ_EINPUT, field, s, n,
                             "份额应为 0 到 1 的小数，最多 6 位小数，如 \"0.6\"");
    for (int d = digits; d < 6; d++)
        frac *= 10;
    int64_t total = whole * PPM + frac;
    if (total > PPM)
        return jz_error_setn(err, JZ_EINPUT, field, s, n, "份额不能大于 1");
    *ppm = (int32_t)total;
    return JZ_OK;
}

static jz_err amount_of(const json_t *o, const char *key, const char *field, jz_fen *out,
                        jz_error *err)
{
    const json_t *v = json_object_get(o, key);
    jz_error e;
    jz_error_clear(&e);
    jz_err rc;
    char text[64] = "";
    if (!v)
        return jz_error_set(err, JZ_EINPUT, field, NULL, "缺少必填字段 %s", field);
    if (json_is_string(v)) {
        snprintf(text, sizeof text, "%s", json_string_value(v));
        rc = jz_money_parse(json_string_value(v), json_string_length(v), out, &e);
    } else if (json_is_integer(v)) {
        snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
        rc = jz_money_mul(json_integer_value(v), 100, out)
                 ? JZ_OK
                 : jz_error_set(&e, JZ_ERANGE, NULL, NULL, "金额过大");
    } else if (json_is_real(v)) {
        snprintf(text, sizeof text, "%g", json_real_value(v));
        rc = jz_money_from_double(json_real_value(v), out, &e);
    } else {
        return jz_error_set(err, JZ_EINPUT, field, NULL, "金额应为元，如 \"300.00\"");
    }
    if (rc)
        return jz_error_set(err, JZ_EINPUT, field, text, "%s", e.reason);
    if (*out <= 0 || *out > AMOUNT_MAX)
        return jz_error_set(err, JZ_EINPUT, field, text, "每人金额应大于 0、不超过 100000.00 元");
    return JZ_OK;
}

static jz_err only_keys(const json_t *o, const char *const *keys, const char *prefix, jz_error *err)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        bool known = false;
        for (size_t i = 0; keys[i] && !known; i++)
            known = strcmp(k, keys[i]) == 0;
        if (!known) {
            char field[96];
            snprintf(field, sizeof field, "%s%s", prefix, k);
            return jz_error_set(err, JZ_EINPUT, field, NULL, "未知字段（拼写错误？）");
        }
    }
    return JZ_OK;
}

/* A code names a file, a line's programme and its period: it must never be
 * read as a month, a quarter or a regular programme. */
static jz_err check_code(const char *code, jz_error *err)
{
    size_t n = strlen(code);
    int ym;
    if (n == 0 || n >= JZ_PERIOD_BUF || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
        return jz_error_set(err, JZ_EINPUT, "code", code,
                            "项目代码应为 1 到 %d 个小写字母、数字或连字符", JZ_PERIOD_BUF - 1);
    if (jz__pay_period_start(code, &ym) || strspn(code, "0123456789-") == n)
        return jz_error_set(err, JZ_EINPUT, "code", code,
                            "项目代码不能是年月或季度，须含字母（如 2022-subsidy）");
    for (int k = 0; k < JZ_UNIT_PROGRAMME_COUNT; k++)
        if (strcmp(code, jz_unit_programme_names[k]) == 0)
            return jz_error_set(err, JZ_EINPUT, "code", code, "项目代码不能与常规救助项目同名");
    return JZ_OK;
}

static jz_err eligible_of(const json_t *root, jz_once_programme *p, jz_error *err)
{
    static const char *const keys[] = {"programmes", "as_of", NULL};
    const json_t *el = json_object_get(root, "eligible");
    if (!el)
        return jz_error_set(err, JZ_EINPUT, "eligible", NULL, "缺少必填字段 eligible");
    if (!json_is_object(el))
        return jz_error_set(err, JZ_EINPUT, "eligible", NULL,
                            "应为 {\"programmes\": [...], \"as_of\": \"YYYY-MM-DD\"}");
    jz_err rc = only_keys(el, keys, "eligible.", err);
    if (rc)
        return rc;
    const json_t *ps = json_object_get(el, "programmes");
    if (!json_is_array(ps) || json_array_size(ps) == 0)
        return jz_error_set(err, JZ_EINPUT, "eligible.programmes", NULL,
                            "应为非空数组，如 [\"dibao\", \"tekun\"]");
    size_t i;
    const json_t *v;
    json_array_foreach(ps, i, v)
    {
        char field[64];
        snprintf(field, sizeof field, "eligible.programmes[%zu]", i);
        const char *name = json_string_value(v);
        int k = 0;
        while (name && k < JZ_UNIT_PROGRAMME_COUNT && strcmp(name, jz_unit_programme_names[k]) != 0)
            k++;
        if (!name || k == JZ_UNIT_PROGRAMME_COUNT || k == JZ_UNIT_TEMPORARY)
            return jz_error_set(err, JZ_EINPUT, field, name,
                                "应为 dibao、dibao_expenditure、single_dibao、tekun、marginal 或"
                                " rigid_expenditure（临时救助没有在册期间）");
        if (p->eligible & (1u << k))
            return jz_error_set(err, JZ_EINPUT, field, name, "重复的项目");
        p->eligible |= 1u << k;
    }
    return date_of(el, "as_of", "eligible.as_of", false, &p->as_of, err);
}

jz_err jz_once_programme_parse(const char *text, size_t len, const char *code,
                               jz_once_programme *out, jz_error *err)
{
    static const char *const keys[] = {
        "code",    "name",     "source", "note", "eligible", "amount_per_person",
        "funding", "deadline", "form",   NULL};
    static const char *const fund_keys[] = {"province", "local", NULL};
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    jz_err rc = JZ_OK;
    if (!root) {
        jz_error_set(err, JZ_EINPUT, NULL, NULL, "不是有效的 JSON：%s", je.text);
        err->line = je.line;
        return JZ_EINPUT;
    }
    if (!json_is_object(root)) {
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "项目文件应为 JSON 对象");
        goto out;
    }
    if ((rc = only_keys(root, keys, "", err)) ||
        (rc = text_of(root, "code", "code", true, out->code, sizeof out->code, err)) ||
        (rc = check_code(out->code, err)))
        goto out;
    if (code && strcmp(code, out->code) != 0) {
        rc = jz_error_set(err, JZ_EINPUT, "code", out->code,
                          "项目代码应与文件名一致（文件名为 %s.json）", code);
        goto out;
    }
    char note[1024];
    if ((rc = text_of(root, "name", "name", true, out->name, sizeof out->name, err)) ||
        (rc = text_of(root, "source", "source", true, out->source, sizeof out->source, err)) ||
        (rc = text_of(root, "note", "note", false, note, sizeof note, err)) ||
        (rc = eligible_of(root, out, err)) ||
        (rc = amount_of(root, "amount_per_person", "amount_per_person", &out->amount, err)))
        goto out;
    const json_t *f = json_object_get(root, "funding");
    if (!json_is_object(f)) {
        rc = jz_error_set(err, JZ_EINPUT, "funding", NULL,
                          f ? "应为 {\"province\": \"0.6\", \"local\": \"0.4\"}"
                            : "缺少必填字段 funding");
        goto out;
    }
    int32_t local = 0;
    if ((rc = only_keys(f, fund_keys, "funding.", err)) ||
        (rc = share_of(f, "province", "funding.province", &out->province_ppm, err)) ||
        (rc = share_of(f, "local", "funding.local", &local, err)))
        goto out;
    if (out->province_ppm + local != PPM) {
        char v[64];
        snprintf(v, sizeof v, "%d.%06d + %d.%06d", out->province_ppm / PPM, out->province_ppm % PPM,
                 local / PPM, local % PPM);
        rc = jz_error_set(err, JZ_EINPUT, "funding", v, "省级与市县份额之和应正好为 1");
        goto out;
    }
    if ((rc = date_of(root, "deadline", "deadline", true, &out->deadline, err)))
        goto out;
    if (out->deadline != JZ_DATE_NONE && out->deadline < out->as_of) {
        char d[JZ_DATE_BUF];
        jz_date_format(out->deadline, d, sizeof d);
        rc = jz_error_set(err, JZ_EINPUT, "deadline", d, "发放期限早于资格认定日 eligible.as_of");
        goto out;
    }
    const char *form = json_string_value(json_object_get(root, "form"));
    if (!form || (strcmp(form, "cash") != 0 && strcmp(form, "voucher") != 0)) {
        rc = jz_error_set(err, JZ_EINPUT, "form", form,
                          form ? "应为 cash（现金）或 voucher（消费券）" : "缺少必填字段 form");
        goto out;
    }
    out->voucher = strcmp(form, "voucher") == 0;
out:
    json_decref(root);
    return rc;
}

bool jz_period_first_month(const char *period, int *ym)
{
    return jz__pay_period_start(period, ym);
}

void jz_once_programme_split(const jz_once_programme *p, jz_fen amount, jz_fen *province,
                             jz_fen *local)
{
    /* amount * ppm fits: amounts are at most AMOUNT_MAX per line. */
    jz_fen prov = jz_div_floor(amount * (jz_fen)p->province_ppm, PPM);
    *province = prov;
    *local = amount - prov;
}

/* ---- the folder -------------------------------------------------------------------- */

static jz_err load_one(const char *path, const char *code, jz_once_programme *out, jz_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        jz_error_set(err, JZ_EIO, NULL, NULL, "无法打开项目文件：%s", strerror(errno));
        jz_error_set_source(err, path, 0);
        return JZ_EIO;
    }
    char *buf = malloc(FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, FILE_MAX + 1, f) : 0;
    bool bad = ferror(f) != 0;
    fclose(f);
    jz_err rc;
    if (!buf)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    else if (bad)
        rc = jz_error_set(err, JZ_EIO, NULL, NULL, "读取项目文件失败");
    else if (n > FILE_MAX)
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "项目文件过大（上限 %d 字节）", FILE_MAX);
    else
        rc = jz_once_programme_parse(buf, n, code, out, err);
    free(buf);
    if (rc) {
        long line = err->line;
        jz_error_set_source(err, path, line);
    }
    return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int json_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

jz_err jz_once_programmes_load(const char *policy_dir, jz_once_programmes **out, jz_error *err)
{
    *out = NULL;
    jz_once_programmes *ps = calloc(1, sizeof *ps);
    if (!ps)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/programmes", policy_dir ? policy_dir : ".");
    struct dirent **names = NULL;
    int n = scandir(dir, &names, json_file, by_name);
    if (n < 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            *out = ps; /* no programmes */
            return JZ_OK;
        }
        jz_error_set(err, JZ_EIO, NULL, NULL, "无法读取一次性项目目录：%s", strerror(errno));
        jz_error_set_source(err, dir, 0);
        free(ps);
        return JZ_EIO;
    }
    jz_err rc = JZ_OK;
    if (n > 0 && !(ps->p = calloc((size_t)n, sizeof *ps->p)))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    for (int i = 0; i < n && !rc; i++) {
        char path[4400], code[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        snprintf(code, sizeof code, "%.*s", (int)(strlen(names[i]->d_name) - 5), names[i]->d_name);
        if (!(rc = load_one(path, code, &ps->p[ps->n], err)))
            ps->n++;
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc) {
        jz_once_programmes_free(ps);
        return rc;
    }
    *out = ps;
    return JZ_OK;
}

void jz_once_programmes_free(jz_once_programmes *p)
{
    if (!p)
        return;
    free(p->p);
    free(p);
}

const jz_once_programme *jz_once_programmes_find(const jz_once_programmes *p, const char *code)
{
    for (size_t i = 0; p && code && i < p->n; i++)
        if (strcmp(p->p[i].code, code) == 0)
            return &p->p[i];
    return NULL;
}
