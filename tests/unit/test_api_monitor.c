/*
 * test_api_monitor.c - the JSON face of the feed, staff, monitoring, alert,
 * statistics and audit operations (jz_api_monitor.h): requests read
 * strictly (every refusal names its JSON field and value), responses with
 * their enumerations named in English and Chinese, money in fen, ID
 * numbers masked in lists and whole only where full_id asks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_api_monitor.h"
#include "jiuzhu/jz_record.h"

#define ID "140902198509100223"
#define MASKED "140902********0223"

static const char *root(void)
{
    const char *d = getenv("JZ_SOURCE_DIR");
    return d && d[0] ? d : JZ_SOURCE_DIR;
}

static jz_date D(const char *s)
{
    jz_date d;
    jz_error err;
    assert_int_equal(jz_date_parse(s, strlen(s), &d, &err), JZ_OK);
    return d;
}

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &je);
    if (!j)
        fail_msg("bad JSON in the test: %s: %s", text, je.text);
    return j;
}

/* The whole response as compact text, for "contains" checks. */
static char *text_of(const json_t *j)
{
    assert_non_null(j);
    char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(t);
    return t;
}

static const char *S(const json_t *o, const char *path)
{
    const json_t *v = o;
    char key[64];
    for (const char *p = path; *p;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        v = json_is_array(v) ? json_array_get(v, (size_t)atoi(key)) : json_object_get(v, key);
        p += n + (dot != NULL);
    }
    if (!json_is_string(v))
        fail_msg("%s is not a string", path);
    return json_string_value(v);
}

static long long I(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", key);
    return json_integer_value(v);
}

/* ---- every refusal names its field ------------------------------------------------------ */

typedef enum { MONITOR, FEED, STAFF, RELATIVE, QUERY, HANDLE, STATS, AUDIT } kind;

static jz_err parse(kind k, const json_t *body, jz_error *err)
{
    switch (k) {
    case MONITOR: {
        jz_monitor_req r;
        return jz_monitor_req_from_json(body, &r, err);
    }
    case FEED: {
        jz_feed_import_req r;
        return jz_feed_import_req_from_json(body, &r, err);
    }
    case STAFF: {
        jz_staff_req r;
        return jz_staff_req_from_json(body, &r, err);
    }
    case RELATIVE: {
        jz_staff_relative_req r;
        return jz_staff_relative_req_from_json(body, &r, err);
    }
    case QUERY: {
        jz_alert_query r;
        return jz_alert_query_from_json(body, &r, err);
    }
    case HANDLE: {
        jz_alert_req r;
        return jz_alert_req_from_json(body, D("2025-06-10"), &r, err);
    }
    case STATS: {
        jz_stats_req r;
        return jz_stats_req_from_json(body, &r, err);
    }
    default: {
        const char *cp;
        return jz_audit_req_from_json(body, &cp, err);
    }
    }
}

static void refusals_name_their_field(void **state)
{
    (void)state;
    static const struct {
        kind k;
        const char *body, *field, *value; /* value NULL: not checked */
    } cases[] = {
        {MONITOR, "[]", "", "[]"},
        {MONITOR, "{\"date\":\"2025-06-01\"}", "date", NULL},
        {MONITOR, "{\"on\":\"2025-02-30\"}", "on", "2025-02-30"},
        {MONITOR, "{\"on\":\"2025-6-1\"}", "on", "2025-6-1"},
        {MONITOR, "{\"on\":20250601}", "on", "20250601"},
        {MONITOR, "{\"region\":\"14a\"}", "region", "14a"},
        {MONITOR, "{\"region\":\"1409021010011\"}", "region", "1409021010011"},
        {MONITOR, "{\"region\":1409}", "region", "1409"},
        {FEED, "{}", "dept", NULL},
        {FEED, "{\"dept\":\"weather\"}", "dept", "weather"},
        {FEED, "{\"dept\":\"医保\"}", "dept", "医保"},
        {FEED, "{\"dept\":\"medical\",\"name\":7}", "name", "7"},
        {FEED, "{\"dept\":\"medical\",\"file\":\"x\"}", "file", NULL},
        {STAFF, "{\"id\":\"" ID "\",\"name\":\"李\"}", "unit", NULL},
        {STAFF, "{\"id\":\"" ID "\",\"name\":\"\",\"unit\":\"局\"}", "name", NULL},
        {STAFF, "{\"id\":\"" ID "\",\"name\":\"李\",\"unit\":\"局\",\"county\":\"1409021\"}",
         "county", "1409021"},
        {STAFF, "{\"id\":18,\"name\":\"李\",\"unit\":\"局\"}", "id", "18"},
        {STAFF, "{\"id\":\"" ID "\",\"name\":\"李\",\"unit\":\"局\",\"dept\":\"x\"}", "dept",
         NULL},
        {RELATIVE, "{\"id\":\"" ID "\",\"name\":\"李\",\"relation\":\"兄弟\"}", "staff_id", NULL},
        {RELATIVE,
         "{\"staff_id\":\"" ID "\",\"id\":\"" ID "\",\"name\":\"李\",\"relation\":true}",
         "relation", "true"},
        {QUERY, "{\"category\":\"E\"}", "category", "E"},
        {QUERY, "{\"category\":3}", "category", "3"},
        {QUERY, "{\"state\":\"closed\"}", "state", "closed"},
        {QUERY, "{\"limit\":0}", "limit", "0"},
        {QUERY, "{\"limit\":1001}", "limit", "1001"},
        {QUERY, "{\"limit\":\"10\"}", "limit", "10"},
        {QUERY, "{\"offset\":-1}", "offset", "-1"},
        {QUERY, "{\"region\":\"x\"}", "region", "x"},
        {QUERY, "{\"page\":2}", "page", NULL},
        {HANDLE, "{}", "action", NULL},
        {HANDLE, "{\"action\":\"close\"}", "action", "close"},
        {HANDLE, "{\"action\":\"assign\"}", "assignee", NULL},
        {HANDLE, "{\"action\":\"assign\",\"assignee\":\"\"}", "assignee", NULL},
        {HANDLE, "{\"action\":\"assign\",\"assignee\":\"李\",\"on\":\"2025-13-01\"}", "on",
         "2025-13-01"},
        {HANDLE, "{\"action\":\"assign\",\"assignee\":\"李\",\"dept\":\"hrss\"}", "dept", "hrss"},
        {HANDLE, "{\"action\":\"verify\"}", "confirmed", NULL},
        {HANDLE, "{\"action\":\"verify\",\"confirmed\":\"yes\"}", "confirmed", "yes"},
        {HANDLE, "{\"action\":\"refer\"}", "dept", NULL},
        {HANDLE, "{\"action\":\"refer\",\"dept\":\"hrss\",\"amount_fen\":100}", "amount_fen",
         "100"},
        {HANDLE, "{\"action\":\"feedback\",\"dept\":\"hrss\",\"kind\":\"失业保险金\"}",
         "amount_fen", NULL},
        {HANDLE,
         "{\"action\":\"feedback\",\"dept\":\"hrss\",\"kind\":\"失业保险金\",\"amount_fen\":-5}",
         "amount_fen", "-5"},
        {HANDLE,
         "{\"action\":\"feedback\",\"dept\":\"hrss\",\"kind\":\"失业保险金\",\"amount_fen\":1.5}",
         "amount_fen", "1.5"},
        {HANDLE,
         "{\"action\":\"feedback\",\"dept\":\"hrss\",\"kind\":\"失业保险金\","
         "\"amount_fen\":\"1500.00\"}",
         "amount_fen", "1500.00"},
        {HANDLE, "{\"action\":\"feedback\",\"dept\":\"人社\",\"kind\":\"k\",\"amount_fen\":1}",
         "dept", "人社"},
        {HANDLE, "{\"action\":\"resolve\",\"outcome\":\"maybe\",\"note\":\"x\"}", "outcome",
         "maybe"},
        {HANDLE, "{\"action\":\"resolve\",\"outcome\":\"referred\"}", "note", NULL},
        {HANDLE, "{\"action\":\"resolve\",\"outcome\":\"referred\",\"note\":\"x\","
                 "\"expect_state\":\"done\"}",
         "expect_state", "done"},
        {HANDLE, "{\"action\":\"verify\",\"confirmed\":true,\"id\":3}", "id", NULL},
        {STATS, "{\"level\":\"village\"}", "level", "village"},
        {STATS, "{\"level\":6}", "level", "6"},
        {STATS, "{\"region\":\"14 09\"}", "region", "14 09"},
        {AUDIT, "{\"checkpoint\":\"12abc:00\"}", "checkpoint", NULL},
        {AUDIT, "{\"checkpoint\":12}", "checkpoint", "12"},
        {AUDIT, "{\"head\":\"1:aa\"}", "head", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *body = J(cases[i].body);
        jz_error err;
        jz_error_clear(&err);
        jz_err rc = parse(cases[i].k, body, &err);
        if (rc != JZ_EINPUT)
            fail_msg("%s: %d, wanted JZ_EINPUT", cases[i].body, rc);
        if (strcmp(err.field, cases[i].field) != 0)
            fail_msg("%s: field \"%s\", wanted \"%s\"", cases[i].body, err.field,
                     cases[i].field);
        if (cases[i].value && strcmp(err.value, cases[i].value) != 0)
            fail_msg("%s: value \"%s\", wanted \"%s\"", cases[i].body, err.value,
                     cases[i].value);
        if (!err.reason[0])
            fail_msg("%s: no reason", cases[i].body);
        json_decref(body);
    }
}

/* ---- requests read -------------------------------------------------------------------------- */

static void requests_read(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    json_t *b = J("{\"on\":\"2025-06-01\",\"region\":\"1409\"}");
    jz_monitor_req m;
    assert_int_equal(jz_monitor_req_from_json(b, &m, &err), JZ_OK);
    assert_int_equal(m.on, D("2025-06-01"));
    assert_string_equal(m.region, "1409");
    json_decref(b);
    b = J("{\"region\":null}"); /* null is "not given" */
    assert_int_equal(jz_monitor_req_from_json(b, &m, &err), JZ_OK);
    assert_int_equal(m.on, JZ_DATE_NONE);
    assert_null(m.region);
    json_decref(b);

    b = J("{\"dept\":\"housing_fund\",\"name\":\"gjj.csv\"}");
    jz_feed_import_req f;
    assert_int_equal(jz_feed_import_req_from_json(b, &f, &err), JZ_OK);
    assert_int_equal(f.dept, JZ_DEPT_HOUSING_FUND);
    assert_string_equal(f.name, "gjj.csv");
    json_decref(b);

    b = J("{\"county\":\"140902\",\"id\":\"" ID "\",\"name\":\"李干部\",\"unit\":\"民政办\"}");
    jz_staff_req s;
    assert_int_equal(jz_staff_req_from_json(b, &s, &err), JZ_OK);
    assert_string_equal(s.county, "140902");
    assert_string_equal(s.id, ID);
    assert_string_equal(s.unit, "民政办");
    json_decref(b);

    jz_alert_query q;
    b = J("{}");
    assert_int_equal(jz_alert_query_from_json(b, &q, &err), JZ_OK);
    assert_true(q.open_only); /* unresolved, as `jiuzhu alerts` */
    assert_int_equal(q.status, -1);
    assert_int_equal(q.category, -1);
    assert_int_equal(q.limit, 50);
    json_decref(b);
    b = J("{\"category\":\"D\",\"state\":\"verified\",\"region\":\"140902\",\"limit\":10,"
          "\"offset\":20}");
    assert_int_equal(jz_alert_query_from_json(b, &q, &err), JZ_OK);
    assert_int_equal(q.category, JZ_ALERT_D);
    assert_int_equal(q.status, JZ_ALERT_VERIFIED);
    assert_false(q.open_only);
    assert_int_equal(q.limit, 10);
    assert_int_equal(q.offset, 20);
    json_decref(b);
    b = J("{\"state\":\"all\"}");
    assert_int_equal(jz_alert_query_from_json(b, &q, &err), JZ_OK);
    assert_false(q.open_only);
    assert_int_equal(q.status, -1);
    json_decref(b);

    jz_stats_req st;
    b = J("{\"level\":\"township\",\"region\":\"140902\"}");
    assert_int_equal(jz_stats_req_from_json(b, &st, &err), JZ_OK);
    assert_int_equal(st.level_digits, 9);
    json_decref(b);
    b = J("{\"months\":61}");
    assert_int_equal(jz_stats_req_from_json(b, &st, &err), JZ_EINPUT);
    assert_string_equal(err.field, "months");
    json_decref(b);
    b = J("{}");
    assert_int_equal(jz_stats_req_from_json(b, &st, &err), JZ_OK);
    assert_int_equal(st.level_digits, 6);
    assert_int_equal(st.months, 12);
    const char *cp = "x";
    assert_int_equal(jz_audit_req_from_json(b, &cp, &err), JZ_OK);
    assert_null(cp);
    json_decref(b);
    char text[128];
    snprintf(text, sizeof text, "{\"checkpoint\":\"12:%064d\"}", 0);
    b = J(text);
    assert_int_equal(jz_audit_req_from_json(b, &cp, &err), JZ_OK);
    assert_non_null(cp);
    assert_memory_equal(cp, "12:", 3);
    json_decref(b);
}

/* Every action read as jz_alert_handle takes it; the response says what it did. */
static void alert_handling_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        jz_alert_action action;
    } ok[] = {
        {"{\"action\":\"assign\",\"assignee\":\"李核查员\",\"on\":\"2025-06-02\"}",
         JZ_ALERT_ACT_ASSIGN},
        {"{\"action\":\"verify\",\"confirmed\":false,\"note\":\"不属实\"}", JZ_ALERT_ACT_VERIFY},
        {"{\"action\":\"refer\",\"dept\":\"hrss\",\"expect_state\":\"assigned\"}",
         JZ_ALERT_ACT_REFER},
        {"{\"action\":\"feedback\",\"dept\":\"hrss\",\"kind\":\"失业保险金\",\"amount_fen\":"
         "150000}",
         JZ_ALERT_ACT_FEEDBACK},
        {"{\"action\":\"resolve\",\"outcome\":\"no_action\",\"note\":\"已核实\"}",
         JZ_ALERT_ACT_RESOLVE},
    };
    jz_error err;
    jz_error_clear(&err);
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        json_t *b = J(ok[i].body);
        jz_alert_req rq;
        if (jz_alert_req_from_json(b, D("2025-06-10"), &rq, &err) != JZ_OK)
            fail_msg("%s: %s %s", ok[i].body, err.field, err.reason);
        assert_int_equal(rq.action, ok[i].action);
        json_decref(b);
    }
    json_t *b = J(ok[0].body);
    jz_alert_req rq;
    assert_int_equal(jz_alert_req_from_json(b, D("2025-06-10"), &rq, &err), JZ_OK);
    assert_int_equal(rq.on, D("2025-06-02"));
    assert_string_equal(rq.assignee, "李核查员");
    assert_int_equal(rq.dept, -1);
    assert_int_equal(rq.expect_status, -1);
    json_decref(b);
    b = J(ok[2].body);
    assert_int_equal(jz_alert_req_from_json(b, D("2025-06-10"), &rq, &err), JZ_OK);
    assert_int_equal(rq.on, D("2025-06-10")); /* today when not given */
    assert_int_equal(rq.dept, JZ_DEPT_HRSS);
    assert_int_equal(rq.expect_status, JZ_ALERT_ASSIGNED);
    json_decref(b);
    b = J(ok[3].body);
    assert_int_equal(jz_alert_req_from_json(b, D("2025-06-10"), &rq, &err), JZ_OK);
    assert_int_equal(rq.amount, 150000);
    assert_string_equal(rq.kind, "失业保险金");

    /* A verification that opened a review case. */
    jz_alert_res *r = calloc(1, sizeof *r);
    r->before.status = JZ_ALERT_ASSIGNED;
    r->after.status = JZ_ALERT_VERIFIED;
    r->after.id = 3;
    snprintf(r->after.id_number, sizeof r->after.id_number, ID);
    snprintf(r->after.evidence, sizeof r->after.evidence, "[8]");
    r->case_id = 2;
    r->opened = true;
    r->accepted.c.id = 2;
    r->accepted.c.kind = JZ_CASE_REVIEW;
    r->accepted.c.members = 3;
    snprintf(r->accepted.c.household_id, sizeof r->accepted.c.household_id, "H140902-000404");
    snprintf(r->accepted.c.applicant_id, sizeof r->accepted.c.applicant_id, "140902194003150110");
    jz_alert_req vq = {.action = JZ_ALERT_ACT_VERIFY, .on = D("2025-06-03"), .confirmed = true};
    json_t *o = jz_alert_res_to_json(3, &vq, r, false);
    assert_non_null(o);
    assert_string_equal(S(o, "action"), "verify");
    assert_string_equal(S(o, "action_zh"), "核实");
    assert_string_equal(S(o, "state_before"), "assigned");
    assert_string_equal(S(o, "state"), "verified");
    assert_string_equal(S(o, "state_zh"), "已核实");
    assert_string_equal(S(o, "case.kind"), "review");
    assert_string_equal(S(o, "case.applicant_id"), "140902********0110");
    assert_string_equal(S(o, "after.id_number"), MASKED);
    assert_true(json_is_null(json_object_get(o, "death")));
    assert_int_equal(I(json_object_get(o, "case"), "id"), 2);
    json_decref(o);
    o = jz_alert_res_to_json(3, &vq, r, true);
    assert_string_equal(S(o, "after.id_number"), ID);
    json_decref(o);
    free(r);
    json_decref(b);
}

/* ---- responses ---------------------------------------------------------------------------------- */

static jz_stored_alert an_alert(void)
{
    jz_stored_alert a;
    memset(&a, 0, sizeof a);
    a.id = 3;
    a.category = JZ_ALERT_D;
    a.indicator = JZ_IND_VEHICLE;
    a.severity = 2;
    a.dept = JZ_DEPT_CIVIL;
    a.status = JZ_ALERT_OPEN;
    snprintf(a.id_number, sizeof a.id_number, ID);
    snprintf(a.name, sizeof a.name, "周红");
    snprintf(a.household_id, sizeof a.household_id, "H140902-000404");
    snprintf(a.county, sizeof a.county, "140902");
    snprintf(a.region, sizeof a.region, "140902001003");
    snprintf(a.detail, sizeof a.detail, "新登记车辆（%s）", ID);
    snprintf(a.evidence, sizeof a.evidence, "[8,9]");
    a.amount = 0;
    a.raised_on = D("2025-06-01");
    a.due_on = D("2025-06-09");
    return a;
}

static void alerts_written(void **state)
{
    (void)state;
    jz_stored_alert a = an_alert();
    json_t *o = jz_alert_to_json(&a, false);
    assert_string_equal(S(o, "category"), "D");
    assert_string_equal(S(o, "category_zh"), "可能不再符合条件");
    assert_string_equal(S(o, "indicator"), jz_indicator_names[JZ_IND_VEHICLE]);
    assert_string_equal(S(o, "state"), "open");
    assert_string_equal(S(o, "state_zh"), "待处置");
    assert_string_equal(S(o, "severity_zh"), "中");
    assert_string_equal(S(o, "dept"), "civil");
    assert_string_equal(S(o, "dept_zh"), "民政");
    assert_string_equal(S(o, "id_number"), MASKED);
    assert_string_equal(S(o, "due_on"), "2025-06-09");
    assert_int_equal(json_array_size(json_object_get(o, "evidence_rows")), 2);
    char *t = text_of(o);
    assert_null(strstr(t, ID)); /* the detail masked too */
    free(t);
    json_decref(o);
    o = jz_alert_to_json(&a, true);
    assert_string_equal(S(o, "id_number"), ID);
    json_decref(o);

    /* A page: masked, with its window. */
    jz_stored_alert items[2] = {a, a};
    items[1].id = 4;
    items[1].dept = JZ_DEPT_HRSS;
    items[1].household_id[0] = '\0';
    jz_alert_page p = {items, 2, 7};
    jz_alert_query q = {.category = -1, .status = -1, .offset = 2, .limit = 2};
    o = jz_alert_page_to_json(&p, &q);
    assert_int_equal(I(o, "total"), 7);
    assert_int_equal(I(o, "offset"), 2);
    assert_int_equal(json_array_size(json_object_get(o, "alerts")), 2);
    assert_string_equal(S(o, "alerts.1.dept"), "hrss");
    assert_string_equal(S(o, "alerts.1.dept_zh"), "人社");
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(o, "alerts"), 1),
                                             "household_id")));
    t = text_of(o);
    assert_null(strstr(t, ID));
    free(t);
    json_decref(o);
}

static void alert_view_written(void **state)
{
    (void)state;
    jz_alert_view v;
    memset(&v, 0, sizeof v);
    v.alert = an_alert();
    jz_alert_evidence_row ev = {8, {.dept = JZ_DEPT_VEHICLE, .event = JZ_EV_VEHICLE_REGISTERED}};
    ev.r.date = D("2025-03-15");
    snprintf(ev.r.code, sizeof ev.r.code, "小型轿车");
    jz_alert_step st;
    memset(&st, 0, sizeof st);
    snprintf(st.action, sizeof st.action, "resolve");
    snprintf(st.outcome, sizeof st.outcome, "terminated");
    snprintf(st.actor, sizeof st.actor, "张科员");
    st.dept = JZ_DEPT_CIVIL;
    st.on = D("2025-06-03");
    v.evidence = &ev;
    v.n_evidence = 1;
    v.steps = &st;
    v.n_steps = 1;
    jz_error why;
    jz_error_clear(&why);
    jz_error_set(&why, JZ_ENOTFOUND, "household_id", NULL, "此人不在低收入人口数据库中");
    json_t *o = jz_alert_view_to_json(&v, NULL, &why, false);
    assert_non_null(o);
    assert_string_equal(S(o, "evidence.0.dept"), "vehicle");
    assert_string_equal(S(o, "evidence.0.dept_zh"), "车管");
    assert_string_equal(S(o, "evidence.0.event_zh"), "车辆登记");
    assert_string_equal(S(o, "evidence.0.date"), "2025-03-15");
    assert_string_equal(S(o, "steps.0.action_zh"), "办结");
    assert_string_equal(S(o, "steps.0.outcome"), "terminated");
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(o, "steps"), 0),
                                             "dept")));
    assert_true(json_is_null(json_object_get(o, "reassessment")));
    assert_string_equal(S(o, "reassessment_error.code"), "notfound");
    assert_string_equal(S(o, "reassessment_error.field"), "household_id");
    json_decref(o);

    /* With the household's re-assessment: a determination as FORMATS.md
     * writes one, its ID numbers masked unless full_id. */
    char path[4096];
    jz_error err;
    jz_error_clear(&err);
    jz_regions *rg = NULL;
    jz_paramset *ps = jz_paramset_new();
    snprintf(path, sizeof path, "%s/policy/regions/shanxi-regions.csv", root());
    assert_int_equal(jz_regions_load(path, &rg, &err), JZ_OK);
    snprintf(path, sizeof path, "%s/policy/params", root());
    assert_int_equal(jz_paramset_load_dir(ps, path, &err), JZ_OK);
    snprintf(path, sizeof path, "%s/examples/04-tekun-leaves-household.json", root());
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *rec = calloc(1, 65536);
    size_t n = fread(rec, 1, 65535, f);
    fclose(f);
    jz_reassessment *re = malloc(sizeof *re);
    jz_parse_opts po = {.regions = rg, .default_date = D("2025-06-01")};
    assert_int_equal(jz_household_parse(rec, n, &po, &re->h, &re->buf, &err), JZ_OK);
    assert_int_equal(jz_policy_resolve(ps, "140902", D("2025-06-01"), &re->policy, &err), JZ_OK);
    jz_assess(&re->h, &re->policy, &re->result, &re->trace);
    o = jz_alert_view_to_json(&v, re, NULL, false);
    assert_string_equal(S(o, "reassessment.category"), "dibao");
    assert_string_equal(S(o, "reassessment.household_id"), "H140902-000404");
    assert_true(json_is_null(json_object_get(o, "reassessment_error")));
    char *t = text_of(o);
    assert_null(strstr(t, ID));
    assert_null(strstr(t, "140902194003150110"));
    free(t);
    json_decref(o);
    o = jz_alert_view_to_json(&v, re, NULL, true);
    t = text_of(o);
    assert_non_null(strstr(t, "140902194003150110"));
    free(t);
    json_decref(o);
    free(re);
    free(rec);
    jz_paramset_free(ps);
    jz_regions_free(rg);
}

static void feeds_and_refusals_written(void **state)
{
    (void)state;
    jz_rejects r;
    jz_rejects_init(&r, 2);
    jz_error e;
    jz_error_clear(&e);
    jz_error_set(&e, JZ_EINPUT, "id_number", "140902197803120151", "身份证号码校验码错误：应为 9");
    jz_error_set_source(&e, "medical.csv", 4);
    for (int i = 0; i < 3; i++)
        assert_int_equal(jz_rejects_add(&e, &r), 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.dropped, 1);
    jz_feed_counts n = {.rows = 3, .added = 3, .matched = 2, .rejected = 3};
    json_t *o = jz_feed_import_to_json(JZ_DEPT_MEDICAL, &n, &r);
    assert_string_equal(S(o, "dept"), "medical");
    assert_string_equal(S(o, "dept_zh"), "医保");
    assert_int_equal(I(o, "matched"), 2);
    assert_int_equal(I(o, "errors_dropped"), 1);
    assert_string_equal(S(o, "errors.0.field"), "id_number");
    assert_string_equal(S(o, "errors.0.value"), "140902********0151");
    assert_string_equal(S(o, "errors.0.source"), "medical.csv");
    assert_string_equal(S(o, "errors.0.code"), "input");
    assert_int_equal(I(json_array_get(json_object_get(o, "errors"), 0), "line"), 4);
    json_decref(o);
    o = jz_feed_import_to_json(JZ_DEPT_DEATH, &n, NULL);
    assert_int_equal(json_array_size(json_object_get(o, "errors")), 0);
    json_decref(o);

    jz_import_stats st = {.stored = 5, .rejected = 1, .import = 7, .stored_total = 9};
    o = jz_import_stats_to_json(&st, &r);
    assert_int_equal(I(o, "stored"), 5);
    assert_int_equal(I(o, "stored_total"), 9);
    assert_int_equal(I(o, "import"), 7);
    assert_int_equal(json_array_size(json_object_get(o, "errors")), 2);
    json_decref(o);
    jz_rejects_cleanup(&r);
    jz_rejects_cleanup(&r);

    jz_fpm_report fr;
    jz_fpm_report_init(&fr, 1);
    jz_fpm_row p;
    memset(&p, 0, sizeof p);
    snprintf(p.id, sizeof p.id, ID);
    snprintf(p.name, sizeof p.name, "周红");
    snprintf(p.household_id, sizeof p.household_id, "H140902-000404");
    p.status = JZ_FPM_ASSESSED;
    p.category = JZ_CAT_MARGINAL;
    p.monthly = 0;
    p.listed = D("2025-01-01");
    p.assessed_on = D("2025-06-01");
    assert_int_equal(jz_fpm_report_row(&p, &fr), 0);
    assert_int_equal(jz_fpm_report_row(&p, &fr), 0); /* beyond the cap: counted */
    assert_int_equal(jz_fpm_report_reject(&e, &fr), 0);
    jz_fpm_counts fc = {.listed = 3, .without = 2, .rejected = 1};
    o = jz_fpm_report_to_json(&fc, &fr);
    assert_int_equal(I(o, "without"), 2);
    assert_int_equal(I(o, "people_dropped"), 1);
    assert_string_equal(S(o, "people.0.id_number"), MASKED);
    assert_string_equal(S(o, "people.0.status"), "assessed");
    assert_string_equal(S(o, "people.0.category"), "marginal");
    assert_string_equal(S(o, "people.0.category_zh"), "低保边缘");
    assert_string_equal(S(o, "people.0.listed_on"), "2025-01-01");
    assert_int_equal(json_array_size(json_object_get(o, "errors")), 1);
    json_decref(o);
    jz_fpm_report_cleanup(&fr);

    jz_staff_res sr = {.relative = true};
    snprintf(sr.id, sizeof sr.id, ID);
    snprintf(sr.staff_id, sizeof sr.staff_id, "140902194003150110");
    snprintf(sr.name, sizeof sr.name, "周红");
    o = jz_staff_res_to_json(&sr, false);
    assert_string_equal(S(o, "kind"), "relative");
    assert_string_equal(S(o, "id"), MASKED);
    json_decref(o);
    o = jz_staff_res_to_json(&sr, true);
    assert_string_equal(S(o, "id"), ID);
    assert_string_equal(S(o, "staff_id"), "140902194003150110");
    json_decref(o);
}

static void figures_written(void **state)
{
    (void)state;
    jz_monitor_counts c;
    memset(&c, 0, sizeof c);
    c.people = 4;
    c.raised = 3;
    c.by_category[JZ_ALERT_B] = 2;
    c.by_category[JZ_ALERT_D] = 1;
    c.by_indicator[JZ_IND_VEHICLE] = 1;
    c.by_indicator[JZ_IND_MEDICAL_SPIKE] = 2;
    json_t *o = jz_monitor_counts_to_json(&c, D("2025-06-01"), NULL);
    assert_string_equal(S(o, "on"), "2025-06-01");
    assert_int_equal(I(json_object_get(o, "by_category"), "B"), 2);
    assert_int_equal(I(json_object_get(o, "by_category"), "A"), 0);
    assert_int_equal(json_array_size(json_object_get(o, "by_indicator")), 2);
    assert_string_equal(S(o, "by_indicator.0.indicator_zh"), jz_indicator_zh[JZ_IND_MEDICAL_SPIKE]);
    json_decref(o);

    jz_stats_line lines[2];
    memset(lines, 0, sizeof lines);
    snprintf(lines[0].row.region, sizeof lines[0].row.region, "140902");
    lines[0].row.category = JZ_CAT_DIBAO;
    lines[0].row.households = 2;
    lines[0].row.monthly = 202000;
    lines[0].name = "忻府区";
    snprintf(lines[1].row.region, sizeof lines[1].row.region, "140902");
    lines[1].row.category = JZ_CAT_COUNT;
    lines[1].row.households = 5;
    lines[1].name = "忻府区";
    jz_trend_month months[2] = {{.month = "2026-11"},
                                {.month = "2026-12",
                                 .cases_closed = 3,
                                 .closed_days = 100,
                                 .paid = 123456,
                                 .alerts = {0, 2, 0, 1}}};
    jz_stats_res r = {lines, 2, {.households = 2, .monthly = 202000, .stale = 1}, 5, months, 2};
    o = jz_stats_res_to_json(&r, &(jz_stats_req){9, "1409", 2});
    /* The months: a mean of 33.3 days over three closed cases, none for a
     * month without one; amounts in fen; alerts by category letter. */
    json_t *t0 = json_array_get(json_object_get(o, "trend"), 0);
    json_t *t1 = json_array_get(json_object_get(o, "trend"), 1);
    assert_string_equal(S(t1, "month"), "2026-12");
    assert_true(json_is_null(json_object_get(t0, "closed_avg_days")));
    assert_true(json_real_value(json_object_get(t1, "closed_avg_days")) == 33.3);
    assert_int_equal(I(t1, "paid_fen"), 123456);
    assert_int_equal(I(json_object_get(t1, "alerts"), "B"), 2);
    assert_int_equal(I(json_object_get(t1, "alerts"), "D"), 1);
    assert_string_equal(S(o, "level"), "township");
    assert_string_equal(S(o, "rows.0.category"), "dibao");
    assert_string_equal(S(o, "rows.0.category_zh"), "低保");
    assert_int_equal(I(json_array_get(json_object_get(o, "rows"), 0), "monthly_fen"), 202000);
    assert_int_equal(json_array_size(json_object_get(o, "unassessed")), 1);
    assert_int_equal(I(o, "unassessed_households"), 5);
    assert_int_equal(I(json_object_get(o, "total"), "stale"), 1);
    json_decref(o);

    jz_audit_check ac;
    memset(&ac, 0, sizeof ac);
    ac.report.rows = 62;
    ac.report.head_seq = 62;
    ac.report.keyed_from = 1;
    ac.report.tables = 26;
    ac.report.data_problems = 1;
    snprintf(ac.report.data, sizeof ac.report.data, "表 enrolments：改动 1 行（enrolment=2）\n");
    ac.checkpoint = JZ_CHECKPOINT_OLDER;
    ac.checkpoint_seq = 60;
    ac.appended = 2;
    o = jz_audit_check_to_json(&ac);
    assert_false(json_is_true(json_object_get(o, "intact")));
    assert_true(json_is_true(json_object_get(json_object_get(o, "chain"), "ok")));
    assert_false(json_is_true(json_object_get(json_object_get(o, "data"), "ok")));
    assert_string_equal(S(o, "data.detail.0"), "表 enrolments：改动 1 行（enrolment=2）");
    assert_int_equal(json_array_size(json_object_get(json_object_get(o, "data"), "detail")), 1);
    assert_string_equal(S(o, "checkpoint.state"), "older");
    assert_int_equal(I(json_object_get(o, "checkpoint"), "appended"), 2);
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refusals_name_their_field),
        cmocka_unit_test(requests_read),
        cmocka_unit_test(alert_handling_round_trip),
        cmocka_unit_test(alerts_written),
        cmocka_unit_test(alert_view_written),
        cmocka_unit_test(feeds_and_refusals_written),
        cmocka_unit_test(figures_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
