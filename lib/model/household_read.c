/*
 * household_read.c - reads household records (FORMATS.md) with jansson into
 * jz_household, strictly.
 *
 * Every field is checked: unknown fields, wrong types, bad enumerations, bad
 * ID numbers, amounts with more than two decimals, impossible dates and
 * out-of-range numbers are errors naming the household, the member, the
 * field path ("members[1].income[0].amount"), the value and the reason.  A
 * record that fails is not used at all.  Duplicate keys are refused by the
 * JSON parser itself (JSON_REJECT_DUPLICATES).
 *
 * Every free-text string (names, the address, notes, the certificate, the
 * school, the illness) ends up on lists, notices and screens other people
 * read, so a control character or a bidirectional formatting character in
 * one is refused (jz_text_find_unsafe, the check of the departments' feeds
 * too).  A household has exactly one head: the relations of the others are
 * relations to him.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "jiuzhu/jz_encoding.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_record.h"
#include "model_int.h"

/* Field path of the value being read, for error messages. */
typedef struct path {
    char buf[JZ_ERR_FIELD_MAX];
} path;

/* Appends text to buf at *len, cut to fit (terminated). */
static void path_put(path *p, size_t *len, const char *text, size_t n)
{
    size_t room = sizeof p->buf - 1 - *len;
    if (n > room)
        n = room;
    memcpy(p->buf + *len, text, n);
    *len += n;
    p->buf[*len] = '\0';
}

/* Paths longer than the buffer are cut: they only label error messages.
 * Built by hand rather than with snprintf: a record's reading builds dozens
 * of them, and snprintf was a tenth of the time of parsing a record. */
static void path_fmt(path *p, const char *prefix, const char *key)
{
    size_t len = 0;
    p->buf[0] = '\0';
    if (prefix && prefix[0]) {
        path_put(p, &len, prefix, strlen(prefix));
        path_put(p, &len, ".", 1);
    }
    path_put(p, &len, key, strlen(key));
}

static void path_idx(path *p, const char *prefix, size_t i)
{
    char digits[24];
    size_t n = sizeof digits;
    do {
        digits[--n] = (char)('0' + i % 10);
        i /= 10;
    } while (i && n > 1);
    digits[--n] = '[';
    size_t len = 0;
    p->buf[0] = '\0';
    path_put(p, &len, prefix, strlen(prefix));
    path_put(p, &len, digits + n, sizeof digits - n);
    path_put(p, &len, "]", 1);
}

/* The value as text for an error message (strings without quotes). */
static void value_text(const json_t *v, char *buf, size_t n)
{
    if (!v) {
        snprintf(buf, n, "(缺失)");
    } else if (json_is_string(v)) {
        snprintf(buf, n, "%s", json_string_value(v));
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        snprintf(buf, n, "%s", s ? s : "?");
        jz__json_free(s);
    }
}

static jz_err fail(jz_error *err, const char *field, const json_t *v, const char *reason)
{
    char text[JZ_ERR_VALUE_MAX];
    value_text(v, text, sizeof text);
    return jz_error_set(err, JZ_EINPUT, field, text, "%s", reason);
}

/* As fail(), with the field path made from prefix and key: paths are only
 * formatted when there is an error to report (reading stays fast). */
static jz_err fail_at(jz_error *err, const char *prefix, const char *key, const json_t *v,
                      const char *reason)
{
    path p;
    path_fmt(&p, prefix, key);
    return fail(err, p.buf, v, reason);
}

static const char *type_zh(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "对象";
    case JSON_ARRAY:
        return "数组";
    case JSON_STRING:
        return "字符串";
    case JSON_INTEGER:
    case JSON_REAL:
        return "数字";
    case JSON_TRUE:
    case JSON_FALSE:
        return "布尔值";
    default:
        return "null";
    }
}

static jz_err want_type(jz_error *err, const char *field, const json_t *v, json_type t,
                        const char *what)
{
    if (json_typeof(v) == t || (t == JSON_TRUE && json_is_boolean(v)))
        return JZ_OK;
    char reason[128];
    snprintf(reason, sizeof reason, "应为%s，实际为%s", what, type_zh(v));
    return fail(err, field, v, reason);
}

/* Refuses any key of obj not in allowed (NULL-terminated). */
static jz_err check_keys(jz_error *err, const char *prefix, const json_t *obj,
                         const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        int known = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0) {
                known = 1;
                break;
            }
        if (!known) {
            path p;
            path_fmt(&p, prefix, key);
            return fail(err, p.buf, v, "未知字段（字段名拼写错误？格式见 FORMATS.md）");
        }
    }
    return JZ_OK;
}

/* Refuses a string with a character that breaks a line or reorders the
 * text shown (jz_text_find_unsafe). */
static jz_err check_unsafe(jz_error *err, const char *prefix, const char *key, const json_t *v)
{
    uint32_t cp;
    if (jz_text_find_unsafe(json_string_value(v), json_string_length(v), &cp) < 0)
        return JZ_OK;
    char reason[JZ_ERR_REASON_MAX];
    jz_text_unsafe_reason(cp, reason, sizeof reason);
    return fail_at(err, prefix, key, v, reason);
}

/* An optional free-text field jiuzhu keeps no use for: its type is checked,
 * so a typo'd structure is still caught, and its characters. */
static jz_err check_text(jz_error *err, const char *prefix, const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return JZ_OK;
    if (json_is_string(v))
        return check_unsafe(err, prefix, key, v);
    path p;
    path_fmt(&p, prefix, key);
    return fail(err, p.buf, v, "应为字符串");
}

static jz_err read_bool(jz_error *err, const char *prefix, const json_t *obj, const char *key,
                        bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return JZ_OK;
    path p;
    path_fmt(&p, prefix, key);
    if (!json_is_boolean(v))
        return fail(err, p.buf, v, "应为 true 或 false");
    *out = json_is_true(v);
    return JZ_OK;
}

static jz_err read_int(jz_error *err, const char *prefix, const json_t *obj, const char *key,
                       long long min, long long max, long long *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return JZ_OK;
    if (!json_is_integer(v))
        return fail_at(err, prefix, key, v, "应为整数");
    long long x = json_integer_value(v);
    if (x < min || x > max) {
        char reason[96];
        snprintf(reason, sizeof reason, "应在 %lld 到 %lld 之间", min, max);
        return fail_at(err, prefix, key, v, reason);
    }
    *out = x;
    return JZ_OK;
}

/* An enumeration given as a string; absent or null leaves *out. */
static jz_err read_enum(jz_error *err, const char *prefix, const json_t *obj, const char *key,
                        const char *const *names, int count, int first, bool required, uint8_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            return fail_at(err, prefix, key, v, "缺少必填字段");
        return JZ_OK;
    }
    if (!json_is_string(v))
        return fail_at(err, prefix, key, v, "应为字符串");
    int i = jz_enum_lookup(names, count, json_string_value(v));
    if (i < first) {
        char reason[JZ_ERR_REASON_MAX];
        size_t len = (size_t)snprintf(reason, sizeof reason, "取值无效，可选：");
        for (int k = first; k < count && len < sizeof reason; k++)
            len += (size_t)snprintf(reason + len, sizeof reason - len, "%s%s", k > first ? " " : "",
                                    names[k]);
        return fail_at(err, prefix, key, v, reason);
    }
    *out = (uint8_t)i;
    return JZ_OK;
}

static jz_err parse_amount(jz_error *err, const char *field, const json_t *v, jz_fen *out)
{
    jz_err rc;
    jz_error sub;
    jz_error_clear(&sub);
    if (json_is_string(v)) {
        rc = jz_money_parse(json_string_value(v), json_string_length(v), out, &sub);
    } else if (json_is_integer(v)) {
        long long x = json_integer_value(v);
        if (x < 0)
            return fail(err, field, v, "金额不能为负数");
        if (x > JZ_MONEY_MAX / 100)
            return fail(err, field, v, "金额超出上限 999999999999.99");
        *out = (jz_fen)x * 100;
        return JZ_OK;
    } else if (json_is_real(v)) {
        rc = jz_money_from_double(json_real_value(v), out, &sub);
    } else {
        return fail(err, field, v, "金额应为字符串或数字（元，最多两位小数）");
    }
    if (rc != JZ_OK)
        return fail(err, field, v, sub.reason);
    return JZ_OK;
}

static jz_err read_amount(jz_error *err, const char *prefix, const json_t *obj, const char *key,
                          jz_fen *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return JZ_OK;
    jz_err rc = parse_amount(err, "", v, out);
    if (rc) {
        path p;
        path_fmt(&p, prefix, key);
        snprintf(err->field, sizeof err->field, "%s", p.buf);
    }
    return rc;
}

static jz_err read_date(jz_error *err, const char *prefix, const json_t *obj, const char *key,
                        jz_date *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return JZ_OK;
    if (!json_is_string(v))
        return fail_at(err, prefix, key, v, "日期应为字符串 YYYY-MM-DD");
    jz_error sub;
    jz_error_clear(&sub);
    if (jz_date_parse(json_string_value(v), json_string_length(v), out, &sub) != JZ_OK)
        return fail_at(err, prefix, key, v, sub.reason);
    return JZ_OK;
}

/* An optional sub-object: absent or null gives *out = NULL. */
static jz_err read_object(jz_error *err, const char *prefix, const json_t *obj, const char *key,
                          const char *const *allowed, json_t **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return JZ_OK;
    path p;
    path_fmt(&p, prefix, key);
    jz_err rc = want_type(err, p.buf, v, JSON_OBJECT, "对象");
    if (rc == JZ_OK)
        rc = check_keys(err, p.buf, v, allowed);
    if (rc == JZ_OK)
        *out = v;
    return rc;
}

/* income[] (income == true) or expenses[]: [{kind, amount}], summed into the
 * member's totals by kind. */
static jz_err read_items(jz_error *err, const char *prefix, const json_t *obj, const char *key,
                         bool income, jz_member *m)
{
    static const char *const allowed[] = {"kind", "amount", "note", NULL};
    json_t *arr = json_object_get(obj, key);
    if (!arr || json_is_null(arr))
        return JZ_OK;
    path p;
    path_fmt(&p, prefix, key);
    jz_err rc = want_type(err, p.buf, arr, JSON_ARRAY, "数组");
    if (rc)
        return rc;
    if (json_array_size(arr) > JZ_MAX_ITEMS)
        return fail(err, p.buf, NULL, "条目过多（每人最多 256 项）");
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        path ip;
        path_idx(&ip, p.buf, i);
        if ((rc = want_type(err, ip.buf, item, JSON_OBJECT, "对象")) ||
            (rc = check_keys(err, ip.buf, item, allowed)))
            return rc;
        uint8_t kind = 0;
        if ((rc = read_enum(err, ip.buf, item, "kind",
                            income ? jz_income_kind_names : jz_expense_kind_names,
                            income ? JZ_INC_COUNT : JZ_EXP_COUNT, 0, true, &kind)))
            return rc;
        json_t *amount = json_object_get(item, "amount");
        if (!amount || json_is_null(amount))
            return fail_at(err, ip.buf, "amount", amount, "缺少必填字段");
        jz_fen fen = 0;
        if ((rc = read_amount(err, ip.buf, item, "amount", &fen)))
            return rc;
        if ((rc = check_text(err, ip.buf, item, "note")))
            return rc;
        jz_fen *total = !income                        ? &m->expenses[kind]
                        : kind < JZ_INC_FIRST_EXCLUDED ? &m->income[kind]
                                                       : &m->income_not_counted;
        if (!jz_money_add(*total, fen, total) || *total > JZ_MONEY_MAX) {
            path ap;
            path_fmt(&ap, ip.buf, "amount");
            return jz_error_set(err, JZ_ERANGE, ap.buf, NULL, "同类金额合计超出上限");
        }
    }
    return JZ_OK;
}

static jz_err read_supporters(jz_error *err, const char *prefix, const json_t *obj, jz_member *m)
{
    static const char *const allowed[] = {"status", "relation", "note", NULL};
    json_t *arr = json_object_get(obj, "supporters");
    m->supporters_known = false;
    if (!arr || json_is_null(arr))
        return JZ_OK;
    path p;
    path_fmt(&p, prefix, "supporters");
    jz_err rc = want_type(err, p.buf, arr, JSON_ARRAY, "数组");
    if (rc)
        return rc;
    if (json_array_size(arr) > JZ_MAX_SUPPORTERS)
        return fail(err, p.buf, NULL, "法定义务人最多 16 人");
    m->supporters_known = true;
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        path ip;
        path_idx(&ip, p.buf, i);
        if ((rc = want_type(err, ip.buf, item, JSON_OBJECT, "对象")) ||
            (rc = check_keys(err, ip.buf, item, allowed)))
            return rc;
        uint8_t status = 0, rel = 0;
        if ((rc = read_enum(err, ip.buf, item, "status", jz_supporter_names, JZ_SUP_COUNT, 0, true,
                            &status)) ||
            (rc = read_enum(err, ip.buf, item, "relation", jz_relation_names, JZ_REL_COUNT, 0,
                            false, &rel)))
            return rc;
        if ((rc = check_text(err, ip.buf, item, "note")))
            return rc;
        if (status != JZ_SUP_ABLE)
            m->supporters_unable |= (uint16_t)(1u << i);
        m->supporter_status |= (uint64_t)status << (4 * i);
        m->n_supporters++;
    }
    return JZ_OK;
}

static jz_err read_string(jz_error *err, const char *prefix, const json_t *obj, const char *key,
                          bool required, char *out, size_t cap)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            return fail_at(err, prefix, key, v, "缺少必填字段");
        return JZ_OK;
    }
    if (!json_is_string(v))
        return fail_at(err, prefix, key, v, "应为字符串");
    size_t len = json_string_length(v);
    if (len >= cap) {
        char reason[64];
        snprintf(reason, sizeof reason, "过长（最多 %zu 字节）", cap - 1);
        return fail_at(err, prefix, key, v, reason);
    }
    if (memchr(json_string_value(v), '\0', len))
        return fail_at(err, prefix, key, v, "不能包含空字符");
    if (required && len == 0)
        return fail_at(err, prefix, key, v, "不能为空");
    jz_err rc = check_unsafe(err, prefix, key, v);
    if (rc)
        return rc;
    memcpy(out, json_string_value(v), len + 1);
    return JZ_OK;
}

static jz_err read_member_fields(jz_error *err, const json_t *mj, size_t idx, jz_date assess,
                                 jz_member *m, char *name);

/* Reads member idx; an error names the member (index and ID number as
 * given), which is only formatted when there is an error. */
static jz_err read_member(jz_error *err, const json_t *mj, size_t idx, jz_date assess, jz_member *m,
                          char *name)
{
    jz_err rc = read_member_fields(err, mj, idx, assess, m, name);
    if (rc) {
        json_t *idv = json_object_get(mj, "id");
        char label[JZ_ERR_MEMBER_MAX];
        if (json_is_string(idv))
            snprintf(label, sizeof label, "members[%zu] %.20s", idx, json_string_value(idv));
        else
            snprintf(label, sizeof label, "members[%zu]", idx);
        jz_error_set_where(err, NULL, label);
    }
    return rc;
}

static jz_err read_member_fields(jz_error *err, const json_t *mj, size_t idx, jz_date assess,
                                 jz_member *m, char *name)
{
    static const char *const allowed[] = {"id",
                                          "name",
                                          "relation",
                                          "birth_date",
                                          "presence",
                                          "employment",
                                          "newly_employed",
                                          "unemployment_insured",
                                          "months_without_income",
                                          "hardship_cause",
                                          "disability",
                                          "illness",
                                          "needs_rehab_or_care",
                                          "student",
                                          "self_care_failed_items",
                                          "supporters",
                                          "applies_alone",
                                          "deceased_date",
                                          "income",
                                          "expenses",
                                          "assets",
                                          "sex",
                                          "note",
                                          "current",
                                          NULL};
    static const char *const dis_keys[] = {"category", "grade", "certificate", NULL};
    static const char *const ill_keys[] = {"serious", "under_treatment", "name", NULL};
    static const char *const stu_keys[] = {"level",  "full_time", "high_fee",
                                           "abroad", "school",    NULL};
    static const char *const ast_keys[] = {"financial", "vehicles", "extra_houses", "business",
                                           NULL};
    static const char *const cur_keys[] = {"programme", "since", "monthly_amount", NULL};
    path pre;
    path_idx(&pre, "members", idx);
    const char *P = pre.buf;
    jz_err rc;
    memset(m, 0, sizeof *m);

    if ((rc = want_type(err, P, mj, JSON_OBJECT, "对象")))
        return rc;
    json_t *idv = json_object_get(mj, "id");
    if ((rc = check_keys(err, P, mj, allowed)))
        return rc;
    path idp;
    path_fmt(&idp, P, "id");
    if (!idv || json_is_null(idv))
        return fail(err, idp.buf, idv, "缺少必填字段");
    if (!json_is_string(idv))
        return fail(err, idp.buf, idv, "身份证号码应为字符串");
    {
        jz_error sub;
        jz_error_clear(&sub);
        if (jz_idnum_normalize(json_string_value(idv), json_string_length(idv), m->id, &sub))
            return fail(err, idp.buf, idv, sub.reason);
    }
    m->name = name;
    if ((rc = read_string(err, P, mj, "name", true, name, JZ_NAME_MAX)) ||
        (rc = read_enum(err, P, mj, "relation", jz_relation_names, JZ_REL_COUNT, 0, true,
                        &m->relation)) ||
        (rc = read_enum(err, P, mj, "presence", jz_presence_names, JZ_PRES_COUNT, 0, false,
                        &m->presence)) ||
        (rc = read_enum(err, P, mj, "employment", jz_employment_names, JZ_EMP_COUNT, 0, false,
                        &m->employment)) ||
        (rc = read_bool(err, P, mj, "newly_employed", &m->newly_employed)) ||
        (rc = read_bool(err, P, mj, "unemployment_insured", &m->unemployment_insured)) ||
        (rc = read_enum(err, P, mj, "hardship_cause", jz_hardship_names, JZ_HARD_COUNT, 1, false,
                        &m->hardship)) ||
        (rc = read_bool(err, P, mj, "needs_rehab_or_care", &m->needs_rehab_or_care)) ||
        (rc = read_bool(err, P, mj, "applies_alone", &m->applies_alone)))
        return rc;
    json_t *sexv = json_object_get(mj, "sex");
    if (sexv && !json_is_null(sexv)) {
        path sp;
        path_fmt(&sp, P, "sex");
        const char *s = json_is_string(sexv) ? json_string_value(sexv) : "";
        int want = jz_idnum_sex(m->id);
        if (strcmp(s, "male") != 0 && strcmp(s, "female") != 0)
            return fail(err, sp.buf, sexv, "取值无效，可选：male female");
        if ((strcmp(s, "male") == 0) != (want == 1))
            return fail(err, sp.buf, sexv, "与身份证号码中的性别不一致");
    }
    if ((rc = check_text(err, P, mj, "note")))
        return rc;
    long long x = 0;
    if ((rc = read_int(err, P, mj, "months_without_income", 0, 1200, &x)))
        return rc;
    m->months_without_income = (uint16_t)x;
    x = 0;
    if ((rc = read_int(err, P, mj, "self_care_failed_items", 0, 6, &x)))
        return rc;
    m->self_care_failed = (uint8_t)x;

    /* Birth date: from the ID number; a given birth_date must agree. */
    m->birth = jz_idnum_birth(m->id);
    jz_date given = JZ_DATE_NONE;
    if ((rc = read_date(err, P, mj, "birth_date", &given)))
        return rc;
    if (given != JZ_DATE_NONE && given != m->birth) {
        path bp;
        path_fmt(&bp, P, "birth_date");
        return fail(err, bp.buf, json_object_get(mj, "birth_date"),
                    "与身份证号码中的出生日期不一致");
    }
    if (m->birth > assess) {
        char d[JZ_DATE_BUF];
        jz_date_format(assess, d, sizeof d);
        char reason[96];
        snprintf(reason, sizeof reason, "出生日期晚于评估日期 %s", d);
        return fail(err, idp.buf, idv, reason);
    }
    if ((rc = read_date(err, P, mj, "deceased_date", &m->deceased)))
        return rc;
    if (m->deceased != JZ_DATE_NONE) {
        path dp;
        path_fmt(&dp, P, "deceased_date");
        if (m->deceased > assess)
            return fail(err, dp.buf, json_object_get(mj, "deceased_date"), "死亡日期晚于评估日期");
        if (m->deceased < m->birth)
            return fail(err, dp.buf, json_object_get(mj, "deceased_date"), "死亡日期早于出生日期");
    }

    json_t *o;
    if ((rc = read_object(err, P, mj, "disability", dis_keys, &o)))
        return rc;
    if (o) {
        path dp;
        path_fmt(&dp, P, "disability");
        if ((rc = read_enum(err, dp.buf, o, "category", jz_disability_names, JZ_DIS_COUNT, 1, true,
                            &m->disability)))
            return rc;
        json_t *g = json_object_get(o, "grade");
        path gp;
        path_fmt(&gp, dp.buf, "grade");
        if (!g || json_is_null(g))
            return fail(err, gp.buf, g, "缺少必填字段");
        if ((rc = read_int(err, dp.buf, o, "grade", 1, 4, &x)))
            return rc;
        m->disability_grade = (uint8_t)x;
        if ((rc = check_text(err, dp.buf, o, "certificate")))
            return rc;
    }
    if ((rc = read_object(err, P, mj, "illness", ill_keys, &o)))
        return rc;
    if (o) {
        path ip;
        path_fmt(&ip, P, "illness");
        if ((rc = read_bool(err, ip.buf, o, "serious", &m->serious_illness)) ||
            (rc = read_bool(err, ip.buf, o, "under_treatment", &m->under_treatment)))
            return rc;
        if ((rc = check_text(err, ip.buf, o, "name")))
            return rc;
    }
    if ((rc = read_object(err, P, mj, "student", stu_keys, &o)))
        return rc;
    if (o) {
        path sp;
        path_fmt(&sp, P, "student");
        m->student_full_time = true; /* a student is full-time unless said otherwise */
        if ((rc = read_enum(err, sp.buf, o, "level", jz_student_level_names, JZ_STU_COUNT, 1, true,
                            &m->student_level)) ||
            (rc = read_bool(err, sp.buf, o, "full_time", &m->student_full_time)) ||
            (rc = read_bool(err, sp.buf, o, "high_fee", &m->student_high_fee)) ||
            (rc = read_bool(err, sp.buf, o, "abroad", &m->student_abroad)))
            return rc;
        if ((rc = check_text(err, sp.buf, o, "school")))
            return rc;
    }
    if ((rc = read_supporters(err, P, mj, m)))
        return rc;
    /* His own enrolment now (an existing 特困 or 单人保 recipient), read as
     * the household's `current` is. */
    if ((rc = read_object(err, P, mj, "current", cur_keys, &o)))
        return rc;
    if (o) {
        path cp;
        path_fmt(&cp, P, "current");
        if ((rc = read_enum(err, cp.buf, o, "programme", jz_member_programme_names, JZ_MPROG_COUNT,
                            0, true, &m->current_programme)) ||
            (rc = read_date(err, cp.buf, o, "since", &m->current_since)) ||
            (rc = read_amount(err, cp.buf, o, "monthly_amount", &m->current_amount)))
            return rc;
    }
    if ((rc = read_items(err, P, mj, "income", true, m)) ||
        (rc = read_items(err, P, mj, "expenses", false, m)))
        return rc;
    if ((rc = read_object(err, P, mj, "assets", ast_keys, &o)))
        return rc;
    if (o) {
        path ap;
        path_fmt(&ap, P, "assets");
        if ((rc = read_amount(err, ap.buf, o, "financial", &m->financial)))
            return rc;
        x = 0;
        if ((rc = read_int(err, ap.buf, o, "vehicles", 0, 1000, &x)))
            return rc;
        m->vehicles = (uint16_t)x;
        x = 0;
        if ((rc = read_int(err, ap.buf, o, "extra_houses", 0, 1000, &x)))
            return rc;
        m->extra_houses = (uint16_t)x;
        if ((rc = read_bool(err, ap.buf, o, "business", &m->business)))
            return rc;
    }
    return JZ_OK;
}

/* Exactly one member is the head (户主): the others' relations are to him,
 * and R-HH-1 counts the household by them.  The refusal names the members
 * concerned (index, name, masked ID number). */
static jz_err check_head(const jz_household *h, jz_error *err)
{
    uint32_t heads = 0, second = 0;
    for (uint32_t i = 0; i < h->n_members; i++)
        if (h->members[i].relation == JZ_REL_HEAD && ++heads == 2)
            second = i;
    if (heads == 1)
        return JZ_OK;
    char list[JZ_ERR_REASON_MAX];
    size_t len = 0;
    for (uint32_t i = 0; i < h->n_members && len < sizeof list; i++) {
        const jz_member *m = &h->members[i];
        if (heads > 1 && m->relation != JZ_REL_HEAD)
            continue;
        char masked[JZ_IDNUM_MASKED_BUF];
        jz_idnum_mask(m->id, masked);
        len += (size_t)snprintf(list + len, sizeof list - len, "%smembers[%u] %s（%s%s%s）",
                                len ? "、" : "", (unsigned)i, m->name ? m->name : "", masked,
                                heads ? "" : "，", heads ? "" : jz_relation_names[m->relation]);
    }
    if (heads == 0)
        return jz_error_set(err, JZ_EINPUT, "members", NULL,
                            "没有户主：每户应有且只有一名户主（relation 为 head，即“户主”），其他"
                            "成员的关系都是与户主的关系；本户成员：%s",
                            list);
    char field[32], label[JZ_ERR_MEMBER_MAX];
    snprintf(field, sizeof field, "members[%u].relation", (unsigned)second);
    snprintf(label, sizeof label, "members[%u] %s", (unsigned)second, h->members[second].id);
    jz_error_set_where(err, NULL, label);
    return jz_error_set(err, JZ_EINPUT, field, "head",
                        "有 %u 名户主：%s；每户应有且只有一名户主（relation 为 head，即“户主”），"
                        "请把其他人的关系改为与户主的关系",
                        heads, list);
}

static jz_err read_household(const json_t *root, const jz_parse_opts *opts, jz_household *h,
                             jz_household_buf *buf, jz_error *err)
{
    static const char *const allowed[] = {"household_id", "region",  "area",
                                          "assess_date",  "current", "members",
                                          "note",         "address", NULL};
    static const char *const cur_keys[] = {"programme", "since", "monthly_amount", NULL};
    jz_err rc;
    jz_member *members = buf->members;
    memset(h, 0, sizeof *h);
    h->members = members;
    if (!json_is_object(root))
        return fail(err, "", root, "户记录应为 JSON 对象");
    json_t *hid = json_object_get(root, "household_id");
    if (json_is_string(hid))
        jz_error_set_where(err, json_string_value(hid), NULL);
    if ((rc = check_keys(err, "", root, allowed)) ||
        (rc = read_string(err, "", root, "household_id", false, h->household_id,
                          sizeof h->household_id)))
        return rc;
    if ((rc = check_text(err, "", root, "note")) || (rc = check_text(err, "", root, "address")))
        return rc;

    json_t *rv = json_object_get(root, "region");
    if (!rv || json_is_null(rv))
        return fail(err, "region", rv, "缺少必填字段");
    if (!json_is_string(rv))
        return fail(err, "region", rv, "区划代码应为字符串");
    {
        jz_error sub;
        jz_error_clear(&sub);
        if (jz_region_parse(opts ? opts->regions : NULL, json_string_value(rv),
                            json_string_length(rv), &h->region, &sub))
            return fail(err, "region", rv, sub.reason);
    }
    if ((rc = read_enum(err, "", root, "area", jz_area_names, JZ_AREA_COUNT, 0, true, &h->area)))
        return rc;

    h->assess_date = opts ? opts->default_date : JZ_DATE_NONE;
    if ((rc = read_date(err, "", root, "assess_date", &h->assess_date)))
        return rc;
    if (opts && opts->force_date != JZ_DATE_NONE)
        h->assess_date = opts->force_date;
    if (h->assess_date == JZ_DATE_NONE)
        h->assess_date = jz_date_today();
    /* Dates the engine derives (exit, death checks: at most 120 months on)
     * must stay within the calendar jiuzhu supports. */
    if (jz_date_year(h->assess_date) > JZ_DATE_MAX_YEAR - 10) {
        char d[JZ_DATE_BUF];
        jz_date_format(h->assess_date, d, sizeof d);
        return jz_error_set(err, JZ_EINPUT, "assess_date", d, "评估日期应不晚于 %d-12-31",
                            JZ_DATE_MAX_YEAR - 10);
    }

    json_t *cur;
    if ((rc = read_object(err, "", root, "current", cur_keys, &cur)))
        return rc;
    if (cur) {
        if ((rc = read_enum(err, "current", cur, "programme", jz_programme_names, JZ_PROG_COUNT, 0,
                            true, &h->current_programme)) ||
            (rc = read_date(err, "current", cur, "since", &h->current_since)) ||
            (rc = read_amount(err, "current", cur, "monthly_amount", &h->current_amount)))
            return rc;
    }

    json_t *ms = json_object_get(root, "members");
    if (!ms || json_is_null(ms))
        return fail(err, "members", ms, "缺少必填字段");
    if ((rc = want_type(err, "members", ms, JSON_ARRAY, "数组")))
        return rc;
    size_t n = json_array_size(ms);
    if (n == 0)
        return fail(err, "members", ms, "至少要有一名家庭成员");
    if (n > JZ_MAX_MEMBERS) {
        char reason[96];
        snprintf(reason, sizeof reason, "家庭成员 %zu 人，超过上限 %d 人", n, JZ_MAX_MEMBERS);
        return jz_error_set(err, JZ_EINPUT, "members", NULL, "%s", reason);
    }
    for (size_t i = 0; i < n; i++) {
        if ((rc = read_member(err, json_array_get(ms, i), i, h->assess_date, &members[i],
                              buf->names[i])))
            return rc;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(members[j].id, members[i].id) == 0) {
                char field[32], reason[96];
                snprintf(field, sizeof field, "members[%zu].id", i);
                snprintf(reason, sizeof reason,
                         "同一身份证号码在本户出现两次（与 members[%zu] 相同，R-HH-3）", j);
                return jz_error_set(err, JZ_EINPUT, field, members[i].id, "%s", reason);
            }
        }
    }
    jz_error_set_where(err, NULL, "");
    h->n_members = (uint32_t)n;
    return check_head(h, err);
}

jz_err jz_household_parse(const char *text, size_t len, const jz_parse_opts *opts,
                          jz_household *out, jz_household_buf *buf, jz_error *err)
{
    if (len > JZ_RECORD_MAX_BYTES)
        return jz_error_set(err, JZ_EINPUT, "", NULL, "户记录超过 %u 字节", JZ_RECORD_MAX_BYTES);
    json_error_t je;
    jz__json_arena_begin();
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    jz_err rc = root ? read_household(root, opts, out, buf, err)
                     : jz__json_syntax_error(err, &je, text, len, 0);
    json_decref(root);
    jz__json_arena_end();
    return rc;
}

jz_err jz_household_from_json(const json_t *root, const jz_parse_opts *opts, jz_household *out,
                              jz_household_buf *buf, jz_error *err)
{
    return read_household(root, opts, out, buf, err);
}

/* ---- the stream reader --------------------------------------------------- */

enum mode { MODE_UNKNOWN = 0, MODE_SINGLE, MODE_ARRAY, MODE_LINES };

struct jz_reader {
    FILE *in;
    char name[JZ_ERR_FIELD_MAX];
    jz_parse_opts opts;
    enum mode mode;
    bool many;
    bool done;
    long line; /* line of the record being returned (lines mode) */
    char *buf; /* current line (lines mode) */
    size_t cap;
    json_t *array; /* array mode */
    size_t index;
    char *pending; /* first line, read while detecting the mode */
    size_t pending_len;
    char *current; /* the text of the record last returned (owned) */
    size_t current_len;
    long record_line; /* its first line (0 inside an array) */
    jz_household hh;
    jz_household_buf hbuf;
};

jz_reader *jz_reader_new(FILE *in, const char *name, const jz_parse_opts *opts)
{
    jz_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->in = in;
    snprintf(r->name, sizeof r->name, "%s", name ? name : "-");
    if (opts)
        r->opts = *opts;
    return r;
}

void jz_reader_free(jz_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->pending);
    free(r->current);
    json_decref(r->array);
    free(r);
}

bool jz_reader_many(const jz_reader *r)
{
    return r->many;
}

/* Reads the rest of the input (after `have` bytes already in *buf). */
static jz_err slurp(jz_reader *r, char **buf, size_t *len, jz_error *err)
{
    size_t cap = *len + 65536;
    char *b = realloc(*buf, cap);
    if (!b)
        return jz_error_set(err, JZ_ENOMEM, "", NULL, "内存不足");
    *buf = b;
    for (;;) {
        if (*len == cap) {
            if (cap >= JZ_DOCUMENT_MAX_BYTES)
                return jz_error_set(err, JZ_EINPUT, "", NULL, "输入超过 %u 字节",
                                    JZ_DOCUMENT_MAX_BYTES);
            cap *= 2;
            if (cap > JZ_DOCUMENT_MAX_BYTES)
                cap = JZ_DOCUMENT_MAX_BYTES;
            b = realloc(*buf, cap);
            if (!b)
                return jz_error_set(err, JZ_ENOMEM, "", NULL, "内存不足");
            *buf = b;
        }
        size_t k = fread(*buf + *len, 1, cap - *len, r->in);
        *len += k;
        if (k == 0) {
            if (ferror(r->in))
                return jz_error_set(err, JZ_EIO, "", NULL, "读取输入失败");
            return JZ_OK;
        }
    }
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Reads one line (without its newline) into r->buf; returns its length, or
 * -1 at the end.  A line longer than a record may be is an error. */
static long read_line(jz_reader *r, jz_error *err, jz_err *rc)
{
    size_t len = 0;
    int ch;
    *rc = JZ_OK;
    bool any = false;
    bool toolong = false;
    /* A reader belongs to one thread: no need to lock the stream per byte. */
    while ((ch = getc_unlocked(r->in)) != EOF) {
        any = true;
        if (ch == '\n')
            break;
        if (len + 1 >= r->cap) {
            if (r->cap >= JZ_RECORD_MAX_BYTES) {
                toolong = true;
                continue; /* skip the rest of the line */
            }
            size_t ncap = r->cap ? r->cap * 2 : 4096;
            char *b = realloc(r->buf, ncap);
            if (!b) {
                *rc = jz_error_set(err, JZ_ENOMEM, "", NULL, "内存不足");
                return -1;
            }
            r->buf = b;
            r->cap = ncap;
        }
        r->buf[len++] = (char)ch;
    }
    if (ferror(r->in)) {
        *rc = jz_error_set(err, JZ_EIO, "", NULL, "读取输入失败");
        return -1;
    }
    if (!any)
        return -1;
    r->line++;
    if (toolong) {
        *rc = jz_error_set(err, JZ_EINPUT, "", NULL, "一行超过 %u 字节", JZ_RECORD_MAX_BYTES);
        return 0;
    }
    if (r->buf)
        r->buf[len] = '\0';
    return (long)len;
}

static void where(jz_reader *r, jz_error *err, long line)
{
    snprintf(err->source, sizeof err->source, "%s", r->name);
    err->line = line;
}

/* Looks at the start of the input to choose array, single record or lines. */
static jz_err detect(jz_reader *r, jz_error *err)
{
    int ch = getc(r->in);
    /* One UTF-8 byte order mark is allowed, as the very first bytes (what
     * spreadsheet and Windows editors write); anywhere else it is an error. */
    if (ch == 0xEF) {
        int b = getc(r->in), c = getc(r->in);
        if (b != 0xBB || c != 0xBF)
            return jz_error_set(err, JZ_EINPUT, "", NULL, "输入不是 UTF-8 编码的 JSON");
        ch = getc(r->in);
    }
    while (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
        if (ch == '\n')
            r->line++;
        ch = getc(r->in);
    }
    if (ch == EOF) {
        r->done = true;
        return JZ_EOF;
    }
    if (ch == '[') {
        r->mode = MODE_ARRAY;
        r->many = true;
        char *buf = malloc(1);
        size_t len = 1;
        if (!buf)
            return jz_error_set(err, JZ_ENOMEM, "", NULL, "内存不足");
        buf[0] = '[';
        jz_err rc = slurp(r, &buf, &len, err);
        if (rc) {
            free(buf);
            return rc;
        }
        json_error_t je;
        r->array = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
        jz_err src = r->array ? JZ_OK : jz__json_syntax_error(err, &je, buf, len, r->line);
        free(buf);
        if (src)
            r->done = true;
        return src;
    }
    /* An object: one record on one line starts JSON Lines; a record that
     * does not end on its first line is a single (pretty-printed) record. */
    ungetc(ch, r->in);
    long startline = r->line;
    jz_err rc;
    long len = read_line(r, err, &rc);
    if (len < 0 || rc)
        return rc ? rc : JZ_EOF;
    json_error_t je;
    json_t *probe = json_loadb(r->buf, (size_t)len, JSON_REJECT_DUPLICATES, &je);
    if (probe || je.position < len || blank(r->buf, (size_t)len)) {
        /* Complete (or broken mid-line): treat the input as JSON Lines. */
        json_decref(probe);
        r->mode = MODE_LINES;
        r->many = true;
        r->pending = malloc((size_t)len + 1);
        if (!r->pending)
            return jz_error_set(err, JZ_ENOMEM, "", NULL, "内存不足");
        memcpy(r->pending, r->buf, (size_t)len + 1);
        r->pending_len = (size_t)len;
        return JZ_OK;
    }
    r->mode = MODE_SINGLE;
    size_t total = (size_t)len;
    char *buf = malloc(total + 2);
    if (!buf)
        return jz_error_set(err, JZ_ENOMEM, "", NULL, "内存不足");
    memcpy(buf, r->buf, total);
    buf[total++] = '\n';
    rc = slurp(r, &buf, &total, err);
    if (rc == JZ_OK) {
        r->pending = buf;
        r->pending_len = total;
        r->line = startline;
    } else {
        free(buf);
    }
    return rc;
}

/* Keeps the text of the record being returned (jz_reader_text). */
static jz_err keep_text(jz_reader *r, const char *text, size_t len, jz_error *err)
{
    char *c = realloc(r->current, len + 1);
    if (!c)
        return jz_error_set(err, JZ_ENOMEM, "", NULL, "内存不足");
    memcpy(c, text, len);
    c[len] = '\0';
    r->current = c;
    r->current_len = len;
    return JZ_OK;
}

jz_err jz_reader_next(jz_reader *r, const jz_household **out, jz_error *err)
{
    jz_error_clear(err);
    if (r->done)
        return JZ_EOF;
    if (r->mode == MODE_UNKNOWN) {
        jz_err rc = detect(r, err);
        if (rc) {
            r->done = true;
            if (rc != JZ_EOF)
                where(r, err, r->line);
            return rc;
        }
    }
    jz_err rc;
    switch (r->mode) {
    case MODE_SINGLE:
        r->done = true;
        r->record_line = r->line + 1;
        where(r, err, r->record_line);
        rc = keep_text(r, r->pending, r->pending_len, err);
        free(r->pending);
        r->pending = NULL;
        if (rc == JZ_OK)
            rc = jz_household_parse(r->current, r->current_len, &r->opts, &r->hh, &r->hbuf, err);
        break;
    case MODE_ARRAY: {
        if (r->index >= json_array_size(r->array)) {
            r->done = true;
            return JZ_EOF;
        }
        where(r, err, 0);
        snprintf(err->source, sizeof err->source, "%.64s[%zu]", r->name, r->index);
        json_t *rec = json_array_get(r->array, r->index);
        r->record_line = 0;
        char *text = json_dumps(rec, JSON_COMPACT | JSON_ENCODE_ANY);
        rc = text ? keep_text(r, text, strlen(text), err)
                  : jz_error_set(err, JZ_ENOMEM, "", NULL, "内存不足");
        free(text);
        if (rc == JZ_OK)
            rc = read_household(rec, &r->opts, &r->hh, &r->hbuf, err);
        r->index++;
        break;
    }
    case MODE_LINES:
    default:
        for (;;) {
            const char *text;
            size_t len;
            if (r->pending) {
                text = r->pending;
                len = r->pending_len;
            } else {
                long k = read_line(r, err, &rc);
                if (k < 0) {
                    r->done = true;
                    return rc ? rc : JZ_EOF;
                }
                if (rc) {
                    where(r, err, r->line);
                    return rc;
                }
                text = r->buf;
                len = (size_t)k;
            }
            if (!blank(text, len)) {
                r->record_line = r->line;
                where(r, err, r->line);
                rc = keep_text(r, text, len, err);
                if (rc == JZ_OK)
                    rc = jz_household_parse(text, len, &r->opts, &r->hh, &r->hbuf, err);
                if (r->pending) {
                    free(r->pending);
                    r->pending = NULL;
                }
                break;
            }
            free(r->pending);
            r->pending = NULL;
        }
        break;
    }
    if (rc == JZ_OK)
        *out = &r->hh;
    return rc;
}

const char *jz_reader_text(const jz_reader *r, size_t *len)
{
    if (len)
        *len = r->current ? r->current_len : 0;
    return r->current ? r->current : "";
}

long jz_reader_line(const jz_reader *r)
{
    return r->record_line;
}

void jz_reader_start_line(jz_reader *r, long lines_before)
{
    r->line = lines_before;
}

bool jz_reader_lines(const jz_reader *r)
{
    return r->mode == MODE_LINES;
}
