/*
 * json_monitor.c - the JSON face of monitoring (jz_api_monitor.h): a run's
 * request and counts, R-MON-4's comparison, alert lists, one alert with its
 * evidence, steps and re-assessment, and handling an alert; and the strict
 * field readers and writers the JSON files of these operations share
 * (json_monitor_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_api_monitor.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_record.h"
#include "json_monitor_int.h"

/* ---- reading requests -------------------------------------------------------------- */

/* The value as given, for err->value: a string as it is, anything else as
 * compact JSON (truncated by jz_error_set). */
static jz_err refuse(jz_error *err, const char *key, const json_t *v, const char *reason)
{
    if (json_is_string(v))
        return jz_error_set(err, JZ_EINPUT, key, json_string_value(v), "%s", reason);
    char *text = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    jz_err rc = jz_error_set(err, JZ_EINPUT, key, text, "%s", reason);
    free(text);
    return rc;
}

/* The field, or NULL when absent or null. */
static const json_t *field(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_null(v) ? NULL : v;
}

static jz_err missing(jz_error *err, const char *key)
{
    return jz_error_set(err, JZ_EINPUT, key, NULL, "缺少必填字段");
}

jz_err jz__mj_object(const json_t *body, const char *const *allowed, jz_error *err)
{
    if (!json_is_object(body))
        return refuse(err, "", body, "请求体应为 JSON 对象");
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        bool known = false;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (!known)
            return jz_error_set(err, JZ_EINPUT, key, NULL, "未知字段（字段名拼写有误？）");
    }
    return JZ_OK;
}

jz_err jz__mj_string(const json_t *o, const char *key, bool required, size_t max,
                     const char **out, jz_error *err)
{
    *out = NULL;
    const json_t *v = field(o, key);
    if (!v)
        return required ? missing(err, key) : JZ_OK;
    if (!json_is_string(v))
        return refuse(err, key, v, "应为字符串");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(s) != n)
        return jz_error_set(err, JZ_EINPUT, key, NULL, "字符串中不能有空字符（\\u0000）");
    if (n > max) {
        char why[64];
        snprintf(why, sizeof why, "过长：最多 %zu 字节", max);
        return refuse(err, key, v, why);
    }
    if (required && n == 0)
        return missing(err, key);
    *out = s;
    return JZ_OK;
}

jz_err jz__mj_date(const json_t *o, const char *key, bool required, jz_date *out, jz_error *err)
{
    *out = JZ_DATE_NONE;
    const char *s;
    jz_err rc = jz__mj_string(o, key, required, 64, &s, err);
    if (rc || !s)
        return rc;
    jz_error e;
    jz_error_clear(&e);
    if (strlen(s) != 10 || jz_date_parse(s, 10, out, &e) != JZ_OK) {
        *out = JZ_DATE_NONE;
        return jz_error_set(err, JZ_EINPUT, key, s, "不是有效日期（应为 YYYY-MM-DD）");
    }
    return JZ_OK;
}

jz_err jz__mj_int(const json_t *o, const char *key, bool required, long long min, long long max,
                  long long *out, bool *present, jz_error *err)
{
    if (present)
        *present = false;
    const json_t *v = field(o, key);
    if (!v)
        return required ? missing(err, key) : JZ_OK;
    char why[128];
    snprintf(why, sizeof why, "应为 %lld 到 %lld 之间的整数", min, max);
    if (!json_is_integer(v))
        return refuse(err, key, v, why);
    long long n = json_integer_value(v);
    if (n < min || n > max)
        return refuse(err, key, v, why);
    *out = n;
    if (present)
        *present = true;
    return JZ_OK;
}

jz_err jz__mj_fen(const json_t *o, const char *key, bool required, jz_fen *out, bool *present,
                  jz_error *err)
{
    const json_t *v = field(o, key);
    if (v && !json_is_integer(v))
        return refuse(err, key, v, "金额应为以分为单位的整数（如 152000 即 1520.00 元）");
    long long n = 0;
    jz_err rc = jz__mj_int(o, key, required, 0, JZ_MONEY_MAX, &n, present, err);
    if (!rc)
        *out = n;
    return rc;
}

jz_err jz__mj_bool(const json_t *o, const char *key, bool required, bool *out, bool *present,
                   jz_error *err)
{
    if (present)
        *present = false;
    const json_t *v = field(o, key);
    if (!v)
        return required ? missing(err, key) : JZ_OK;
    if (!json_is_boolean(v))
        return refuse(err, key, v, "应为 true 或 false");
    *out = json_is_true(v);
    if (present)
        *present = true;
    return JZ_OK;
}

jz_err jz__mj_enum(const json_t *o, const char *key, bool required, const char *const *names,
                   int n, int *out, jz_error *err)
{
    *out = -1;
    const char *s;
    jz_err rc = jz__mj_string(o, key, required, 64, &s, err);
    if (rc || !s)
        return rc;
    for (int i = 0; i < n; i++)
        if (names[i] && strcmp(s, names[i]) == 0) {
            *out = i;
            return JZ_OK;
        }
    char list[512] = "";
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof list - 1; i++)
        if (names[i])
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? "、" : "",
                                    names[i]);
    return jz_error_set(err, JZ_EINPUT, key, s, "未知的取值：应为 %s 之一", list);
}

jz_err jz__mj_region(const json_t *o, const char *key, const char **out, jz_error *err)
{
    *out = NULL;
    const json_t *v = field(o, key);
    if (!v)
        return JZ_OK;
    const char *s = json_string_value(v);
    if (!s || json_string_length(v) > 12 || strlen(s) != json_string_length(v) ||
        strspn(s, "0123456789") != strlen(s))
        return refuse(err, key, v, "应为地区代码（数字，最多 12 位）");
    *out = s;
    return JZ_OK;
}

jz_err jz__mj_absent(const json_t *o, const char *key, const char *why, jz_error *err)
{
    const json_t *v = field(o, key);
    return v ? refuse(err, key, v, why) : JZ_OK;
}

/* ---- writing responses -------------------------------------------------------------- */

void jz__mj_set(json_t *o, const char *key, json_t *v, int *bad)
{
    if (!v || !o || json_object_set_new(o, key, v) != 0)
        *bad = 1;
}

void jz__mj_append(json_t *a, json_t *v, int *bad)
{
    if (!v || !a || json_array_append_new(a, v) != 0)
        *bad = 1;
}

json_t *jz__mj_date_json(jz_date d)
{
    if (d == JZ_DATE_NONE)
        return json_null();
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    return json_string(b);
}

json_t *jz__mj_str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

json_t *jz__mj_text(const char *s, bool full)
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

json_t *jz__mj_id(const char *id, bool full)
{
    if (!id || !id[0])
        return json_null();
    if (full)
        return json_string(id);
    char m[JZ_IDNUM_MASKED_BUF];
    jz_idnum_mask(id, m);
    return json_string(m);
}

void jz__mj_dept(json_t *o, const char *key, int dept, int *bad)
{
    char zh[64];
    snprintf(zh, sizeof zh, "%s_zh", key);
    bool known = dept >= 0 && dept < JZ_DEPT_COUNT;
    jz__mj_set(o, key, json_string(known ? jz_dept_names[dept] : "civil"), bad);
    jz__mj_set(o, zh, json_string(known ? jz_dept_zh[dept] : "民政"), bad);
}

json_t *jz__mj_error(const jz_error *e)
{
    json_t *o = json_object();
    int bad = 0;
    jz__mj_set(o, "code", json_string(jz_err_name(e->code)), &bad);
    jz__mj_set(o, "source", jz__mj_str_or_null(e->source), &bad);
    jz__mj_set(o, "line", e->line ? json_integer(e->line) : json_null(), &bad);
    jz__mj_set(o, "household", jz__mj_str_or_null(e->household), &bad);
    jz__mj_set(o, "member", e->member[0] ? jz__mj_text(e->member, false) : json_null(), &bad);
    jz__mj_set(o, "field", jz__mj_str_or_null(e->field), &bad);
    jz__mj_set(o, "value", e->value[0] ? jz__mj_text(e->value, false) : json_null(), &bad);
    jz__mj_set(o, "reason", jz__mj_text(e->reason, false), &bad);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

const char *const jz__mj_category_zh[] = {"不符合", "低保", "支出型低保", "低保边缘",
                                          "刚性支出困难"};
_Static_assert(JZ_CAT_COUNT == 5, "a Chinese name per category");

/* Ends a writer: the object, or NULL (and nothing) after a failure. */
static json_t *done(json_t *o, int bad)
{
    if (bad || !o) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ---- a monitoring run ------------------------------------------------------------------ */

jz_err jz_monitor_req_from_json(const json_t *body, jz_monitor_req *out, jz_error *err)
{
    static const char *const keys[] = {"on", "region", NULL};
    memset(out, 0, sizeof *out);
    jz_err rc = jz__mj_object(body, keys, err);
    if (!rc)
        rc = jz__mj_date(body, "on", false, &out->on, err);
    if (!rc)
        rc = jz__mj_region(body, "region", &out->region, err);
    return rc;
}

json_t *jz_monitor_counts_to_json(const jz_monitor_counts *c, jz_date on, const char *region)
{
    json_t *o = json_object(), *cat = json_object(), *ind = json_array();
    int bad = 0;
    jz__mj_set(o, "on", jz__mj_date_json(on), &bad);
    jz__mj_set(o, "region", json_string(region ? region : ""), &bad);
    jz__mj_set(o, "people", json_integer(c->people), &bad);
    jz__mj_set(o, "raised", json_integer(c->raised), &bad);
    jz__mj_set(o, "extended", json_integer(c->extended), &bad);
    for (int k = 0; k < 4; k++) {
        char letter[2] = {jz_alert_letters[k], '\0'};
        jz__mj_set(cat, letter, json_integer(c->by_category[k]), &bad);
    }
    for (int k = 0; k < JZ_IND_COUNT; k++)
        if (c->by_indicator[k])
            jz__mj_append(ind,
                          json_pack("{s:s,s:s,s:I}", "indicator", jz_indicator_names[k],
                                    "indicator_zh", jz_indicator_zh[k], "count",
                                    (json_int_t)c->by_indicator[k]),
                          &bad);
    jz__mj_set(o, "by_category", cat, &bad);
    jz__mj_set(o, "by_indicator", ind, &bad);
    return done(o, bad);
}

/* ---- R-MON-4 ------------------------------------------------------------------------ */

void jz_fpm_report_init(jz_fpm_report *r, size_t max)
{
    memset(r, 0, sizeof *r);
    r->max = max ? max : JZ_FPM_REPORT_MAX;
    jz_rejects_init(&r->rejected, 0);
}

void jz_fpm_report_cleanup(jz_fpm_report *r)
{
    if (!r)
        return;
    free(r->rows);
    jz_rejects_cleanup(&r->rejected);
    memset(r, 0, sizeof *r);
}

int jz_fpm_report_row(const jz_fpm_row *row, void *arg)
{
    jz_fpm_report *r = arg;
    if (r->n >= r->max) {
        r->dropped++;
        return 0;
    }
    if (r->n == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 64;
        jz_fpm_row *g = realloc(r->rows, nc * sizeof *g);
        if (!g)
            return JZ_ENOMEM;
        r->rows = g;
        r->cap = nc;
    }
    r->rows[r->n++] = *row;
    return 0;
}

int jz_fpm_report_reject(const jz_error *e, void *arg)
{
    return jz_rejects_add(e, &((jz_fpm_report *)arg)->rejected);
}

static const char *const fpm_status_zh[JZ_FPM_STATUS_COUNT] = {"库外，无认定", "在库，尚无认定结果",
                                                               "已认定"};

json_t *jz_fpm_report_to_json(const jz_fpm_counts *c, const jz_fpm_report *r)
{
    json_t *o = json_object(), *people = json_array();
    int bad = 0;
    jz__mj_set(o, "listed", json_integer(c->listed), &bad);
    jz__mj_set(o, "without", json_integer(c->without), &bad);
    jz__mj_set(o, "rejected", json_integer(c->rejected), &bad);
    for (size_t i = 0; i < r->n && !bad; i++) {
        const jz_fpm_row *p = &r->rows[i];
        json_t *q = json_object();
        bool assessed = p->status == JZ_FPM_ASSESSED && p->category < JZ_CAT_COUNT;
        jz__mj_set(q, "id_number", jz__mj_id(p->id, false), &bad);
        jz__mj_set(q, "name", json_string(p->name), &bad);
        jz__mj_set(q, "listed_on", jz__mj_date_json(p->listed), &bad);
        jz__mj_set(q, "line", json_integer(p->line), &bad);
        jz__mj_set(q, "household_id", jz__mj_str_or_null(p->household_id), &bad);
        jz__mj_set(q, "status", json_string(jz_fpm_status_names[p->status % JZ_FPM_STATUS_COUNT]),
                   &bad);
        jz__mj_set(q, "status_zh", json_string(fpm_status_zh[p->status % JZ_FPM_STATUS_COUNT]),
                   &bad);
        jz__mj_set(q, "category", assessed ? json_string(jz_category_names[p->category]) : json_null(),
                   &bad);
        jz__mj_set(q, "category_zh",
                   assessed ? json_string(jz__mj_category_zh[p->category]) : json_null(), &bad);
        jz__mj_set(q, "monthly_fen", assessed ? json_integer(p->monthly) : json_null(), &bad);
        jz__mj_set(q, "assessed_on", assessed ? jz__mj_date_json(p->assessed_on) : json_null(),
                   &bad);
        jz__mj_append(people, q, &bad);
    }
    jz__mj_set(o, "people", people, &bad);
    jz__mj_set(o, "people_dropped", json_integer(r->dropped), &bad);
    jz__mj_set(o, "errors", jz_rejects_to_json(&r->rejected), &bad);
    jz__mj_set(o, "errors_dropped", json_integer(r->rejected.dropped), &bad);
    return done(o, bad);
}

/* ---- alerts ---------------------------------------------------------------------------- */

static const char *const letters[] = {"A", "B", "C", "D"};
static const char *const severity_zh[] = {"低", "低", "中", "高"};

/* The states a list asks for: every state, then "unresolved" and "all". */
static const char *const list_states[JZ_ALERT_STATUS_COUNT + 2] = {
    "open", "assigned", "verified", "resolved", "referred", "unresolved", "all"};

jz_err jz_alert_query_from_json(const json_t *body, jz_alert_query *out, jz_error *err)
{
    static const char *const keys[] = {"category", "state", "region", "limit", "offset", NULL};
    memset(out, 0, sizeof *out);
    out->status = -1;
    out->open_only = true;
    out->limit = 50;
    int state = -1;
    long long limit = 50, offset = 0;
    jz_err rc;
    if ((rc = jz__mj_object(body, keys, err)) ||
        (rc = jz__mj_enum(body, "category", false, letters, 4, &out->category, err)) ||
        (rc = jz__mj_enum(body, "state", false, list_states, JZ_ALERT_STATUS_COUNT + 2, &state,
                          err)) ||
        (rc = jz__mj_region(body, "region", &out->region, err)) ||
        (rc = jz__mj_int(body, "limit", false, 1, JZ_ALERT_PAGE_MAX, &limit, NULL, err)) ||
        (rc = jz__mj_int(body, "offset", false, 0, 1000000000, &offset, NULL, err)))
        return rc;
    if (state >= 0 && state < JZ_ALERT_STATUS_COUNT) {
        out->status = state;
        out->open_only = false;
    } else if (state == JZ_ALERT_STATUS_COUNT + 1) {
        out->open_only = false; /* all */
    }
    out->limit = (long)limit;
    out->offset = (long)offset;
    return JZ_OK;
}

json_t *jz_alert_to_json(const jz_stored_alert *a, bool full_id)
{
    json_t *o = json_object();
    int bad = 0;
    jz__mj_set(o, "id", json_integer(a->id), &bad);
    jz__mj_set(o, "category", json_string(letters[a->category & 3]), &bad);
    jz__mj_set(o, "category_zh", json_string(jz_alert_category_zh[a->category & 3]), &bad);
    bool ind = a->indicator < JZ_IND_COUNT;
    jz__mj_set(o, "indicator", ind ? json_string(jz_indicator_names[a->indicator]) : json_null(),
               &bad);
    jz__mj_set(o, "indicator_zh", ind ? json_string(jz_indicator_zh[a->indicator]) : json_null(),
               &bad);
    jz__mj_set(o, "severity", json_integer(a->severity), &bad);
    jz__mj_set(o, "severity_zh", json_string(severity_zh[a->severity > 3 ? 3 : a->severity]),
               &bad);
    jz__mj_set(o, "state", json_string(jz_alert_status_names[a->status % JZ_ALERT_STATUS_COUNT]),
               &bad);
    jz__mj_set(o, "state_zh", json_string(jz_alert_status_zh[a->status % JZ_ALERT_STATUS_COUNT]),
               &bad);
    jz__mj_set(o, "name", json_string(a->name), &bad);
    jz__mj_set(o, "id_number", jz__mj_id(a->id_number, full_id), &bad);
    jz__mj_set(o, "household_id", jz__mj_str_or_null(a->household_id), &bad);
    jz__mj_set(o, "county", jz__mj_str_or_null(a->county), &bad);
    jz__mj_set(o, "region", jz__mj_str_or_null(a->region), &bad);
    jz__mj_dept(o, "dept", a->dept, &bad);
    jz__mj_set(o, "amount_fen", json_integer(a->amount), &bad);
    jz__mj_set(o, "detail", jz__mj_text(a->detail, full_id), &bad);
    jz__mj_set(o, "raised_on", jz__mj_date_json(a->raised_on), &bad);
    jz__mj_set(o, "due_on", jz__mj_date_json(a->due_on), &bad);
    json_t *ev = json_loads(a->evidence, 0, NULL);
    jz__mj_set(o, "evidence_rows", json_is_array(ev) ? ev : (json_decref(ev), json_array()), &bad);
    return done(o, bad);
}

json_t *jz_alert_page_to_json(const jz_alert_page *p, const jz_alert_query *q)
{
    json_t *o = json_object(), *items = json_array();
    int bad = 0;
    jz__mj_set(o, "total", json_integer(p->total), &bad);
    jz__mj_set(o, "offset", json_integer(q->offset), &bad);
    jz__mj_set(o, "limit", json_integer(q->limit), &bad);
    for (size_t i = 0; i < p->n && !bad; i++)
        jz__mj_append(items, jz_alert_to_json(&p->items[i], false), &bad);
    jz__mj_set(o, "alerts", items, &bad);
    return done(o, bad);
}

static json_t *evidence_json(const jz_alert_evidence_row *x, bool full_id)
{
    const jz_feed_row *r = &x->r;
    json_t *o = json_object();
    int bad = 0;
    jz__mj_set(o, "row", json_integer(x->row), &bad);
    jz__mj_dept(o, "dept", r->dept, &bad);
    bool ev = r->event < JZ_EV_COUNT;
    jz__mj_set(o, "event", ev ? json_string(jz_event_names[r->event]) : json_null(), &bad);
    jz__mj_set(o, "event_zh", ev ? json_string(jz_event_zh[r->event]) : json_null(), &bad);
    jz__mj_set(o, "date", jz__mj_date_json(r->date), &bad);
    jz__mj_set(o, "amount_fen", json_integer(r->amount), &bad);
    jz__mj_set(o, "level", r->level ? json_integer(r->level) : json_null(), &bad);
    jz__mj_set(o, "code", r->code[0] ? jz__mj_text(r->code, full_id) : json_null(), &bad);
    return done(o, bad);
}

static json_t *step_json(const jz_alert_step *x, bool full_id)
{
    json_t *o = json_object();
    int bad = 0;
    jz__mj_set(o, "action", json_string(x->action), &bad);
    jz__mj_set(o, "action_zh", json_string(jz_alert_action_zh(x->action)), &bad);
    jz__mj_set(o, "on", jz__mj_date_json(x->on), &bad);
    jz__mj_set(o, "actor", json_string(x->actor), &bad);
    jz__mj_set(o, "note", x->note[0] ? jz__mj_text(x->note, full_id) : json_null(), &bad);
    jz__mj_set(o, "assignee", jz__mj_str_or_null(x->assignee), &bad);
    if (x->dept < JZ_DEPT_COUNT) {
        jz__mj_dept(o, "dept", x->dept, &bad);
    } else {
        jz__mj_set(o, "dept", json_null(), &bad);
        jz__mj_set(o, "dept_zh", json_null(), &bad);
    }
    jz__mj_set(o, "outcome", jz__mj_str_or_null(x->outcome), &bad);
    jz__mj_set(o, "outcome_zh", x->outcome[0] ? json_string(jz_alert_outcome_zh(x->outcome)) : json_null(),
               &bad);
    jz__mj_set(o, "kind", jz__mj_str_or_null(x->kind), &bad);
    jz__mj_set(o, "amount_fen", json_integer(x->amount), &bad);
    jz__mj_set(o, "case_id", x->case_id ? json_integer(x->case_id) : json_null(), &bad);
    return done(o, bad);
}

/* The determination the engine made of the household, as FORMATS.md
 * writes one (amounts there are yuan strings, as in every determination),
 * ID numbers masked unless full_id. */
static json_t *determination_json(const jz_reassessment *re, bool full_id)
{
    char *text = jz_determination_json(&re->h, &re->policy, &re->result, &re->trace, 0);
    if (!text)
        return NULL;
    if (!full_id)
        jz_idnum_mask_text(text);
    json_t *d = json_loads(text, 0, NULL);
    free(text);
    return d;
}

json_t *jz_alert_view_to_json(const jz_alert_view *v, const jz_reassessment *re,
                              const jz_error *re_err, bool full_id)
{
    json_t *o = json_object(), *ev = json_array(), *steps = json_array();
    int bad = 0;
    jz__mj_set(o, "alert", jz_alert_to_json(&v->alert, full_id), &bad);
    for (size_t i = 0; i < v->n_evidence && !bad; i++)
        jz__mj_append(ev, evidence_json(&v->evidence[i], full_id), &bad);
    for (size_t i = 0; i < v->n_steps && !bad; i++)
        jz__mj_append(steps, step_json(&v->steps[i], full_id), &bad);
    jz__mj_set(o, "evidence", ev, &bad);
    jz__mj_set(o, "steps", steps, &bad);
    jz__mj_set(o, "reassessment", re ? determination_json(re, full_id) : json_null(), &bad);
    jz__mj_set(o, "reassessment_error", !re && re_err ? jz__mj_error(re_err) : json_null(), &bad);
    return done(o, bad);
}

/* ---- handling an alert --------------------------------------------------------------- */

jz_err jz_alert_req_from_json(const json_t *body, jz_date today, jz_alert_req *out,
                              jz_error *err)
{
    static const char *const keys[] = {"action", "on",     "note",    "assignee",
                                       "confirmed", "dept", "kind",    "amount_fen",
                                       "outcome", "expect_state", NULL};
    memset(out, 0, sizeof *out);
    out->dept = -1;
    out->expect_status = -1;
    int action = -1, outcome = -1;
    bool confirmed_given = false, amount_given = false;
    jz_err rc;
    if ((rc = jz__mj_object(body, keys, err)) ||
        (rc = jz__mj_enum(body, "action", true, jz_alert_action_names, JZ_ALERT_ACT_COUNT,
                          &action, err)) ||
        (rc = jz__mj_date(body, "on", false, &out->on, err)) ||
        (rc = jz__mj_string(body, "note", false, 500, &out->note, err)) ||
        (rc = jz__mj_string(body, "assignee", false, 63, &out->assignee, err)) ||
        (rc = jz__mj_bool(body, "confirmed", false, &out->confirmed, &confirmed_given, err)) ||
        (rc = jz__mj_enum(body, "dept", false, jz_dept_names, JZ_DEPT_COUNT, &out->dept, err)) ||
        (rc = jz__mj_string(body, "kind", false, 63, &out->kind, err)) ||
        (rc = jz__mj_fen(body, "amount_fen", false, &out->amount, &amount_given, err)) ||
        (rc = jz__mj_enum(body, "outcome", false, jz_alert_outcome_names, JZ_ALERT_OUTCOME_COUNT,
                          &outcome, err)) ||
        (rc = jz__mj_enum(body, "expect_state", false, jz_alert_status_names,
                          JZ_ALERT_STATUS_COUNT, &out->expect_status, err)))
        return rc;
    out->action = (jz_alert_action)action;
    if (out->on == JZ_DATE_NONE)
        out->on = today;
    if (outcome >= 0)
        out->outcome = jz_alert_outcome_names[outcome];
    /* What each action needs, and what it does not take. */
    const char *needs[4] = {NULL};
    const char *takes[] = {"assignee", "confirmed", "dept", "kind", "amount_fen", "outcome"};
    bool takes_ok[6] = {false};
    switch (out->action) {
    case JZ_ALERT_ACT_ASSIGN:
        needs[0] = "assignee";
        takes_ok[0] = true;
        break;
    case JZ_ALERT_ACT_VERIFY:
        needs[0] = "confirmed";
        takes_ok[1] = true;
        break;
    case JZ_ALERT_ACT_REFER:
        needs[0] = "dept";
        takes_ok[2] = true;
        break;
    case JZ_ALERT_ACT_FEEDBACK:
        needs[0] = "dept", needs[1] = "kind", needs[2] = "amount_fen";
        takes_ok[2] = takes_ok[3] = takes_ok[4] = true;
        break;
    default: /* resolve */
        needs[0] = "outcome", needs[1] = "note";
        takes_ok[5] = true;
        break;
    }
    for (size_t i = 0; i < 6; i++) {
        char why[160];
        snprintf(why, sizeof why, "处置「%s」不使用这个字段", jz_alert_action_names[action]);
        if (!takes_ok[i] && (rc = jz__mj_absent(body, takes[i], why, err)))
            return rc;
    }
    for (size_t i = 0; i < 4 && needs[i]; i++) {
        const json_t *v = field(body, needs[i]);
        if (!v || (json_is_string(v) && json_string_length(v) == 0))
            return jz_error_set(err, JZ_EINPUT, needs[i], NULL, "处置「%s」须给出这个字段",
                                jz_alert_action_names[action]);
    }
    (void)confirmed_given;
    (void)amount_given;
    return JZ_OK;
}

static json_t *case_json(const jz_alert_res *r, bool full_id)
{
    if (!r->case_id)
        return json_null();
    json_t *o = json_object();
    int bad = 0;
    jz__mj_set(o, "id", json_integer(r->case_id), &bad);
    jz__mj_set(o, "opened", json_boolean(r->opened), &bad);
    jz__mj_set(o, "joined", json_boolean(r->joined), &bad);
    if (r->opened) {
        const jz_case *c = &r->accepted.c;
        jz__mj_set(o, "kind", json_string(c->kind == JZ_CASE_REVIEW ? "review" : "application"),
                   &bad);
        jz__mj_set(o, "kind_zh", json_string(c->kind == JZ_CASE_REVIEW ? "复核" : "申请"), &bad);
        jz__mj_set(o, "household_id", json_string(c->household_id), &bad);
        jz__mj_set(o, "applicant_id", jz__mj_id(c->applicant_id, full_id), &bad);
        jz__mj_set(o, "applicant_name", json_string(c->applicant_name), &bad);
        jz__mj_set(o, "members", json_integer(c->members), &bad);
        jz__mj_set(o, "accepted_on", jz__mj_date_json(c->accepted_on), &bad);
        jz__mj_set(o, "task", jz__mj_str_or_null(c->task), &bad);
        json_t *f = json_null();
        if (c->staff_relative)
            f = json_pack("{s:s,s:s,s:s}", "relative", r->accepted.relative, "staff",
                          r->accepted.staff, "relation", r->accepted.relation);
        jz__mj_set(o, "staff_relative", f, &bad);
    }
    return done(o, bad);
}

static json_t *death_json(const jz_death_res *d)
{
    json_t *o = json_object();
    int bad = 0;
    jz__mj_set(o, "household_id", json_string(d->household_id), &bad);
    jz__mj_set(o, "name", json_string(d->name), &bad);
    jz__mj_set(o, "record_version", json_integer(d->record_version), &bad);
    jz__mj_set(o, "own_units_stopped", json_integer((json_int_t)d->stopped), &bad);
    jz__mj_set(o, "household_units_stopped", json_integer((json_int_t)d->ended), &bad);
    jz__mj_set(o, "checks", json_integer((json_int_t)d->checks), &bad);
    jz__mj_set(o, "check_due", d->checks ? jz__mj_date_json(d->check_due) : json_null(), &bad);
    jz__mj_set(o, "nobody_left", json_boolean(d->nobody_left), &bad);
    return done(o, bad);
}

json_t *jz_alert_res_to_json(int64_t id, const jz_alert_req *rq, const jz_alert_res *r,
                             bool full_id)
{
    json_t *o = json_object();
    int bad = 0;
    const char *action = rq->action < JZ_ALERT_ACT_COUNT ? jz_alert_action_names[rq->action] : "";
    jz__mj_set(o, "alert", json_integer(id), &bad);
    jz__mj_set(o, "action", json_string(action), &bad);
    jz__mj_set(o, "action_zh", json_string(jz_alert_action_zh(action)), &bad);
    jz__mj_set(o, "on", jz__mj_date_json(rq->on), &bad);
    unsigned b = r->before.status % JZ_ALERT_STATUS_COUNT, a = r->after.status % JZ_ALERT_STATUS_COUNT;
    jz__mj_set(o, "state_before", json_string(jz_alert_status_names[b]), &bad);
    jz__mj_set(o, "state_before_zh", json_string(jz_alert_status_zh[b]), &bad);
    jz__mj_set(o, "state", json_string(jz_alert_status_names[a]), &bad);
    jz__mj_set(o, "state_zh", json_string(jz_alert_status_zh[a]), &bad);
    jz__mj_set(o, "case", case_json(r, full_id), &bad);
    jz__mj_set(o, "death", r->death ? death_json(&r->death_res) : json_null(), &bad);
    jz__mj_set(o, "after", jz_alert_to_json(&r->after, full_id), &bad);
    return done(o, bad);
}
