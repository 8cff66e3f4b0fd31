/*
 * test_api_case.c - the JSON face of the procedure's operations
 * (jz_api_case.h): a case carried from 受理 to 公布 by JSON requests alone,
 * each response checked; every refusal of a request naming its field (and
 * its value); enrolments exited, stopped and a death recorded by JSON; the
 * lists, the chain and a stored household with their ID numbers masked, and
 * whole only when asked; assessing a record given as JSON, with what-if
 * parameters and with or without its trace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jiuzhu/jz_api_case.h"
#include "proc_fixture.h"

#define WANG "140902197803120159" /* 王建国, head of H140902-000101 */
#define WANG_MASKED "140902********0159"

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, 0, &je);
    if (!v)
        fail_msg("bad test JSON: %s: %s", text, je.text);
    return v;
}

static const char *str(const json_t *o, const char *path)
{
    /* "a.b.c": nested objects; "a[2]" an array element. */
    char key[128];
    const json_t *v = o;
    const char *p = path;
    while (v && *p) {
        size_t n = strcspn(p, ".[");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        if (n)
            v = json_object_get(v, key);
        p += n;
        if (*p == '[') {
            v = json_array_get(v, strtoul(p + 1, NULL, 10));
            p = strchr(p, ']') + 1;
        }
        if (*p == '.')
            p++;
    }
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_int_t num(const json_t *o, const char *path)
{
    char key[128];
    const json_t *v = o;
    const char *p = path;
    while (v && *p) {
        size_t n = strcspn(p, ".[");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        if (n)
            v = json_object_get(v, key);
        p += n;
        if (*p == '[') {
            v = json_array_get(v, strtoul(p + 1, NULL, 10));
            p = strchr(p, ']') + 1;
        }
        if (*p == '.')
            p++;
    }
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", path);
    return json_integer_value(v);
}

/* The text of a JSON value, for looking for ID numbers in it. */
static bool contains(const json_t *v, const char *needle)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    bool found = s && strstr(s, needle);
    free(s);
    return found;
}

/* ---- a case by JSON ------------------------------------------------------------------- */

static int64_t case_id;

static json_t *step(const char *body_text)
{
    json_t *body = J(body_text);
    jz_step_req rq;
    jz_choice_req choices[JZ_API_CHOICES_MAX];
    jz_error err;
    jz_error_clear(&err);
    if (jz_step_req_from_json(body, &rq, choices, JZ_API_CHOICES_MAX, &err) != JZ_OK)
        fail_msg("refused %s: %s %s", body_text, err.field, err.reason);
    jz_step_res *r = malloc(sizeof *r);
    if (jz_proc_step(&fx, case_id, &rq, r, &err) != JZ_OK) {
        fx_fail(body_text, &err);
        fail_msg("step refused");
    }
    json_decref(body); /* the request's strings are no longer needed */
    json_t *out = jz_step_res_to_json(r, false);
    free(r);
    assert_non_null(out);
    return out;
}

static void case_by_json(void **state)
{
    (void)state;
    json_t *body = J("{\"household_id\": \"H140902-000101\", \"date\": \"2025-01-20\", "
                     "\"note\": \"申请低保\", \"programmes\": [\"dibao\", \"特困人员供养\"]}");
    jz_accept_req rq;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_accept_req_from_json(body, &rq, &err), JZ_OK);
    assert_string_equal(rq.household_id, "H140902-000101");
    assert_int_equal(rq.on, fx_day(1, 20));
    assert_string_equal(rq.note, "申请低保");
    assert_int_equal(rq.programmes, (1u << JZ_UNIT_DIBAO) | (1u << JZ_UNIT_TEKUN));
    assert_null(rq.applicant_id);
    assert_false(rq.review);
    jz_accept_res r;
    assert_int_equal(jz_proc_accept(&fx, &rq, false, &r, &err), JZ_OK);
    json_decref(body);
    case_id = r.c.id;
    json_t *out = jz_accept_res_to_json(&r, false);
    assert_non_null(out);
    assert_int_equal(num(out, "case.id"), case_id);
    assert_string_equal(str(out, "case.state"), "accepted");
    assert_string_equal(str(out, "case.state_zh"), "已受理，待启动家庭经济状况调查");
    assert_string_equal(str(out, "case.kind"), "application");
    assert_string_equal(str(out, "case.applicant_id"), WANG_MASKED);
    assert_string_equal(str(out, "case.programmes[1]"), "tekun");
    assert_string_equal(str(out, "case.accepted_on"), "2025-01-20");
    assert_true(json_is_null(json_object_get(json_object_get(out, "case"), "decided_on")));
    assert_true(json_is_null(json_object_get(out, "staff_relative")));
    assert_false(contains(out, WANG));
    json_decref(out);
    out = jz_accept_res_to_json(&r, true);
    assert_string_equal(str(out, "case.applicant_id"), WANG);
    json_decref(out);

    json_decref(
        step("{\"action\": \"investigate\", \"date\": \"2025-01-22\", \"home_visit\": true}"));
    out = step("{\"action\": \"verify\", \"date\": \"2025-01-24\"}");
    assert_int_equal(json_array_size(json_object_get(out, "findings")), 0);
    json_decref(out);
    out = step("{\"action\": \"preliminary\", \"date\": \"2025-02-06\"}");
    assert_string_equal(str(out, "case.state"), "preliminary");
    assert_string_equal(str(out, "state_before"), "verifying");
    assert_string_equal(str(out, "units[0].programme"), "dibao");
    assert_string_equal(str(out, "units[0].programme_zh"), "最低生活保障");
    assert_int_equal(num(out, "units[0].monthly_fen"), 96200);
    assert_int_equal(num(out, "units[0].persons"), 3);
    assert_string_equal(str(out, "units[0].verdict"), "none");
    assert_string_equal(str(out, "reasons[0].rule"), "R-DB-1");
    assert_string_equal(str(out, "case.proposed_category"), "dibao");
    assert_int_equal(num(out, "case.proposed_monthly_fen"), 96200);
    json_decref(out);
    out = step("{\"action\": \"notice\", \"date\": \"2025-02-07\"}");
    assert_string_equal(str(out, "deadline"), "2025-02-13");
    assert_int_equal(num(out, "posted"), 1);
    json_decref(out);
    json_decref(step("{\"action\": \"confirm\", \"date\": \"2025-02-14\"}"));
    out = step("{\"action\": \"decide\", \"date\": \"2025-02-17\", \"decision\": \"approved\", "
               "\"first_month\": \"2025-03\", \"note\": \"符合条件\"}");
    assert_string_equal(str(out, "case.decision"), "approved");
    assert_string_equal(str(out, "case.decision_zh"), "批准");
    assert_string_equal(str(out, "case.first_month"), "2025-03");
    assert_string_equal(str(out, "units[0].verdict"), "approved");
    assert_int_equal(num(out, "units[0].decided_monthly_fen"), 96200);
    assert_int_equal(num(out, "enrolments"), 1);
    assert_string_equal(str(out, "step.action"), "decide");
    assert_string_equal(str(out, "step.action_zh"), "作出决定");
    assert_string_equal(str(out, "step.actor"), "测试员");
    assert_string_equal(str(out, "step.note"), "符合条件");
    json_decref(out);
    out = step("{\"action\": \"publish\", \"date\": \"2025-02-18\"}");
    assert_string_equal(str(out, "case.state"), "closed");
    assert_string_equal(str(out, "case.closed_on"), "2025-02-18");
    json_decref(out);

    /* The case as `case show` sees it. */
    jz_case_view v;
    assert_int_equal(jz_proc_case_view(&fx, case_id, &v, &err), JZ_OK);
    out = jz_case_view_to_json(&v, false);
    jz_case_view_cleanup(&v);
    assert_non_null(out);
    assert_int_equal(json_array_size(json_object_get(out, "steps")), 8);
    assert_string_equal(str(out, "steps[1].action"), "investigate");
    assert_string_equal(str(out, "steps[1].date"), "2025-01-22");
    assert_true(json_is_true(json_object_get(json_object_get(out, "case"), "home_visited")));
    assert_string_equal(str(out, "opinion.units[0].programme"), "dibao");
    assert_true(json_is_null(json_object_get(json_object_get(out, "deadlines"), "error")));
    assert_int_equal(json_array_size(json_object_get(out, "grants")), 0);
    assert_false(contains(out, WANG));
    json_decref(out);
}

/* ---- refusals ------------------------------------------------------------------------ */

typedef jz_err (*reader)(const json_t *body, jz_error *err);

static jz_err read_accept(const json_t *b, jz_error *err)
{
    jz_accept_req rq;
    return jz_accept_req_from_json(b, &rq, err);
}

static jz_err read_step(const json_t *b, jz_error *err)
{
    jz_step_req rq;
    jz_choice_req ch[4];
    return jz_step_req_from_json(b, &rq, ch, 4, err);
}

static jz_err read_case_list(const json_t *b, jz_error *err)
{
    jz_case_list_req rq;
    return jz_case_list_req_from_json(b, &rq, err);
}

static jz_err read_due(const json_t *b, jz_error *err)
{
    jz_due_req rq;
    return jz_due_req_from_json(b, &rq, err);
}

static jz_err read_enrol_list(const json_t *b, jz_error *err)
{
    jz_enrol_list_req rq;
    return jz_enrol_list_req_from_json(b, &rq, err);
}

static jz_err read_exit(const json_t *b, jz_error *err)
{
    jz_enrol_req rq;
    return jz_enrol_req_from_json(b, false, &rq, err);
}

static jz_err read_stop(const json_t *b, jz_error *err)
{
    jz_enrol_req rq;
    return jz_enrol_req_from_json(b, true, &rq, err);
}

static jz_err read_death(const json_t *b, jz_error *err)
{
    jz_enrol_death_req rq;
    return jz_enrol_death_req_from_json(b, &rq, err);
}

static jz_err read_assess(const json_t *b, jz_error *err)
{
    jz_assess_body rq;
    return jz_assess_req_from_json(b, &rq, err);
}

/* body is refused, naming field (and value, unless NULL). */
static void refused(reader fn, const char *body_text, const char *field, const char *value)
{
    json_t *b = J(body_text);
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = fn(b, &err);
    if (rc != JZ_EINPUT || strcmp(err.field, field) != 0 ||
        (value && strcmp(err.value, value) != 0))
        fail_msg("%s: rc %d, field \"%s\" (wanted \"%s\"), value \"%s\", reason %s", body_text, rc,
                 err.field, field, err.value, err.reason);
    assert_true(err.reason[0] != '\0');
    json_decref(b);
}

static void accept_refusals(void **state)
{
    (void)state;
    refused(read_accept, "[]", "", "[]");
    refused(read_accept, "{\"household\": \"H1\"}", "household", NULL);
    refused(read_accept, "{}", "household_id", NULL);
    refused(read_accept, "{\"household_id\": 12}", "household_id", "12");
    refused(read_accept, "{\"household_id\": \"\"}", "household_id", NULL);
    refused(read_accept, "{\"household_id\": \"H1\", \"date\": \"2025-02-30\"}", "date",
            "2025-02-30");
    refused(read_accept, "{\"household_id\": \"H1\", \"date\": 20250201}", "date", "20250201");
    refused(read_accept, "{\"household_id\": \"H1\", \"programmes\": [\"dibao\", \"moon\"]}",
            "programmes[1]", "moon");
    refused(read_accept, "{\"household_id\": \"H1\", \"programmes\": \"dibao\"}", "programmes",
            NULL);
    refused(read_accept, "{\"household_id\": \"H1\", \"township_confirms\": \"yes\"}",
            "township_confirms", "yes");
    refused(read_accept, "{\"household_id\": \"H1\", \"note\": 5}", "note", "5");
}

static void step_refusals(void **state)
{
    (void)state;
    refused(read_step, "{}", "action", NULL);
    refused(read_step, "{\"action\": \"accept\"}", "action", "accept");
    refused(read_step, "{\"action\": \"moon\"}", "action", "moon");
    refused(read_step, "{\"action\": \"verify\", \"decision\": \"approved\"}", "decision", NULL);
    refused(read_step, "{\"action\": \"verify\", \"foo\": 1}", "foo", NULL);
    refused(read_step, "{\"action\": \"investigate\", \"home_visit\": 1}", "home_visit", "1");
    refused(read_step, "{\"action\": \"decide\"}", "decision", NULL);
    refused(read_step, "{\"action\": \"decide\", \"decision\": \"none\"}", "decision", "none");
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", "
            "\"first_month\": \"2025-13\"}",
            "first_month", "2025-13");
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", "
            "\"first_month\": \"2025-03-01\"}",
            "first_month", "2025-03-01");
    refused(read_step, "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": {}}",
            "choices", NULL);
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[{\"kind\": \"refuse\", \"who\": \"household\"}, {\"kind\": \"x\"}]}",
            "choices[1].kind", "x");
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[{\"kind\": \"refuse\"}]}",
            "choices[0].who", NULL);
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[{\"kind\": \"set\", \"who\": \"household\"}]}",
            "choices[0].programme", NULL);
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[{\"kind\": \"set\", \"who\": \"household\", \"programme\": \"moon\"}]}",
            "choices[0].programme", "moon");
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[{\"kind\": \"temporary\", \"who\": \"吴刚\"}]}",
            "choices[0].amount_fen", NULL);
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[{\"kind\": \"temporary\", \"who\": \"吴刚\", \"amount_fen\": -1}]}",
            "choices[0].amount_fen", "-1");
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[{\"kind\": \"temporary\", \"who\": \"吴刚\", \"amount_fen\": 12.5}]}",
            "choices[0].amount_fen", "12.5");
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[{\"kind\": \"temporary\", \"who\": \"吴刚\", \"amount_fen\": \"100\"}]}",
            "choices[0].amount_fen", "100");
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[{\"kind\": \"temporary\", \"who\": \"吴刚\", \"amount_fen\": 100, "
            "\"programme\": \"dibao\"}]}",
            "choices[0].programme", "dibao");
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"refused\", \"choices\": "
            "[{\"kind\": \"refuse\", \"who\": \"household\", \"amount_fen\": 1}]}",
            "choices[0].amount_fen", NULL);
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[{\"kind\": \"refuse\", \"who\": \"household\", \"why\": 1}]}",
            "choices[0].why", NULL);
    refused(read_step,
            "{\"action\": \"decide\", \"decision\": \"approved\", \"choices\": "
            "[1, 2, 3, 4, 5]}",
            "choices", NULL);
    refused(read_step, "{\"action\": \"extend\"}", "extend_reason", NULL);
    refused(read_step, "{\"action\": \"extend\", \"extend_reason\": \"\"}", "extend_reason", "");
    refused(read_step,
            "{\"action\": \"advance\", \"grant_kind\": \"decided\", "
            "\"amount_fen\": 100}",
            "grant_kind", "decided");
    refused(read_step, "{\"action\": \"advance\", \"grant_kind\": \"small\"}", "amount_fen", NULL);
    refused(read_step, "{\"action\": \"applicant\"}", "applicant", NULL);
    refused(read_step, "{\"action\": \"applicant\", \"member\": \"王建国\"}", "member", NULL);
}

static void step_requests(void **state)
{
    (void)state;
    json_t *b =
        J("{\"action\": \"decide\", \"decision\": \"approved\", \"judgment\": \"县级判断\", "
          "\"county\": true, \"beyond_cap\": \"纪要\", \"choices\": ["
          "{\"kind\": \"refuse\", \"who\": \"李强\", \"programme\": \"single_dibao\"},"
          "{\"kind\": \"refuse\", \"who\": \"household\"},"
          "{\"kind\": \"set\", \"who\": \"household\", \"programme\": \"dibao\", "
          "\"amount_fen\": 50000},"
          "{\"kind\": \"temporary\", \"who\": \"吴刚\", \"amount_fen\": 200000}]}");
    jz_step_req rq;
    jz_choice_req ch[JZ_API_CHOICES_MAX];
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_step_req_from_json(b, &rq, ch, JZ_API_CHOICES_MAX, &err), JZ_OK);
    assert_int_equal(rq.action, JZ_ACT_DECIDE);
    assert_int_equal(rq.decision, JZ_DECISION_APPROVED);
    assert_int_equal(rq.on, jz_date_today());
    assert_string_equal(rq.judgment, "县级判断");
    assert_true(rq.county);
    assert_string_equal(rq.beyond_cap, "纪要");
    assert_int_equal(rq.n_choices, 4);
    assert_ptr_equal(rq.choices, ch);
    assert_int_equal(ch[0].kind, JZ_CHOICE_REFUSE);
    assert_string_equal(ch[0].who, "李强");
    assert_int_equal(ch[0].programme, JZ_UNIT_SINGLE_DIBAO);
    assert_int_equal(ch[1].programme, -1);
    assert_int_equal(ch[2].kind, JZ_CHOICE_SET);
    assert_int_equal(ch[2].amount, 50000);
    assert_int_equal(ch[3].kind, JZ_CHOICE_TEMPORARY);
    assert_int_equal(ch[3].programme, JZ_UNIT_TEMPORARY);
    assert_int_equal(ch[3].amount, 200000);
    json_decref(b);
    b = J("{\"action\": \"advance\", \"date\": \"2025-03-03\", \"grant_kind\": \"pending\", "
          "\"amount_fen\": 100000, \"member\": \"吴刚\", \"note\": \"急需\"}");
    assert_int_equal(jz_step_req_from_json(b, &rq, ch, JZ_API_CHOICES_MAX, &err), JZ_OK);
    assert_int_equal(rq.grant_kind, JZ_GRANT_PENDING);
    assert_int_equal(rq.amount, 100000);
    assert_string_equal(rq.member, "吴刚");
    json_decref(b);
    b = J("{\"action\": \"extend\", \"extend_reason\": \"hard-investigation\"}");
    assert_int_equal(jz_step_req_from_json(b, &rq, ch, JZ_API_CHOICES_MAX, &err), JZ_OK);
    assert_int_equal(rq.extend_reason, JZ_EXT_HARD);
    json_decref(b);
    b = J("{\"action\": \"applicant\", \"applicant\": \"刘秀英\", \"note\": \"户主外出\"}");
    assert_int_equal(jz_step_req_from_json(b, &rq, ch, JZ_API_CHOICES_MAX, &err), JZ_OK);
    assert_string_equal(rq.member, "刘秀英");
    json_decref(b);
}

static void error_fields(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    /* An operation's refusal names the command line's option; the server's
     * names the request's field. */
    jz_step_req rq = {.action = JZ_ACT_INVESTIGATE, .on = jz_date_make(2099, 1, 1)};
    jz_step_res *r = malloc(sizeof *r);
    assert_int_equal(jz_proc_step(&fx, case_id, &rq, r, &err), JZ_EINPUT);
    free(r);
    assert_string_equal(err.field, "--date");
    jz_api_case_error_fields(&err);
    assert_string_equal(err.field, "date");
    static const char *const pairs[][2] = {
        {"--death-date", "death_date"}, {"--member-id", "id_number"},
        {"--from-month", "fraud_from"}, {"--amount", "amount_fen"},
        {"decision", "choices"},        {"household_id", "household_id"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        snprintf(err.field, sizeof err.field, "%s", pairs[i][0]);
        jz_api_case_error_fields(&err);
        assert_string_equal(err.field, pairs[i][1]);
    }
    jz_api_case_error_fields(NULL);
}

/* ---- lists ---------------------------------------------------------------------------- */

static void lists(void **state)
{
    (void)state;
    refused(read_case_list, "{\"region\": 1409}", "region", "1409");
    refused(read_case_list, "{\"all\": \"yes\"}", "all", "yes");
    refused(read_due, "{\"within\": 400}", "within", "400");
    refused(read_due, "{\"within\": \"5\"}", "within", "5");
    refused(read_due, "{\"date\": \"2025-1-1\"}", "date", "2025-1-1");
    refused(read_enrol_list, "{\"household\": \"H1\"}", "household", NULL);
    json_t *b = J("{\"region\": \"140902\", \"all\": true}");
    jz_case_list_req lr;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_case_list_req_from_json(b, &lr, &err), JZ_OK);
    assert_string_equal(lr.region, "140902");
    assert_false(lr.open_only);
    jz_case_list l;
    assert_int_equal(jz_proc_case_list(&fx, lr.region, lr.open_only, &l, &err), JZ_OK);
    json_decref(b);
    json_t *out = jz_case_list_to_json(&l);
    jz_case_list_cleanup(&l);
    assert_int_equal(json_array_size(json_object_get(out, "cases")), 1);
    assert_string_equal(str(out, "cases[0].applicant_id"), WANG_MASKED);
    json_decref(out);

    b = J("{}");
    jz_due_req dr;
    assert_int_equal(jz_due_req_from_json(b, &dr, &err), JZ_OK);
    assert_null(dr.region);
    assert_int_equal(dr.within, 5);
    assert_int_equal(dr.on, jz_date_today());
    json_decref(b);
    /* An open case, due by its next step. */
    jz_accept_req a = {.household_id = "H140902-000303", .on = fx_day(3, 3)};
    jz_accept_res ar;
    assert_int_equal(jz_proc_accept(&fx, &a, false, &ar, &err), JZ_OK);
    jz_due_list d;
    assert_int_equal(jz_proc_due(&fx, "", fx_day(3, 4), 5, false, &d, &err), JZ_OK);
    out = jz_due_list_to_json(&d, fx_day(3, 4), 5);
    jz_due_list_cleanup(&d);
    assert_string_equal(str(out, "date"), "2025-03-04");
    assert_int_equal(json_array_size(json_object_get(out, "cases")), 1);
    assert_int_equal(num(out, "cases[0].case.id"), ar.c.id);
    assert_string_equal(str(out, "cases[0].next"), "启动家庭经济状况调查");
    assert_string_equal(str(out, "cases[0].due"), "2025-03-06");
    assert_int_equal(num(out, "cases[0].working_days_left"), 2);
    assert_int_equal(json_array_size(json_object_get(out, "problems")), 0);
    json_decref(out);
}

/* ---- enrolments and deaths ------------------------------------------------------------ */

static void enrolments(void **state)
{
    (void)state;
    refused(read_exit, "{\"reason\": \"fraud\"}", "reason", NULL);
    refused(read_stop, "{\"note\": \"核实\"}", "reason", NULL);
    refused(read_stop, "{\"reason\": \"ineligible\"}", "note", NULL);
    refused(read_stop, "{\"reason\": \"moon\", \"note\": \"x\"}", "reason", "moon");
    refused(read_stop, "{\"reason\": \"fraud\", \"note\": \"x\"}", "fraud_from", NULL);
    refused(read_stop, "{\"reason\": \"fraud\", \"note\": \"x\", \"fraud_from\": \"2025-3\"}",
            "fraud_from", "2025-3");
    refused(read_stop, "{\"reason\": \"ineligible\", \"note\": \"x\", \"fraud_from\": \"2025-03\"}",
            "fraud_from", NULL);
    refused(read_death, "{\"death_date\": \"2025-04-10\"}", "id_number", NULL);
    refused(read_death, "{\"id_number\": \"" WANG "\", \"death_date\": \"2025-04-31\"}",
            "death_date", "2025-04-31");
    refused(read_death,
            "{\"id_number\": \"" WANG "\", \"death_date\": \"2025-04-10\", "
            "\"enrolment\": 0}",
            "enrolment", "0");
    refused(read_death,
            "{\"id_number\": \"" WANG "\", \"death_date\": \"2025-04-10\", "
            "\"enrolment\": \"1\"}",
            "enrolment", "1");

    jz_error err;
    jz_error_clear(&err);
    jz_enrolment_list l;
    assert_int_equal(jz_proc_enrol_list(&fx, NULL, NULL, &l, &err), JZ_OK);
    json_t *out = jz_enrolment_list_to_json(&l);
    assert_int_equal(json_array_size(json_object_get(out, "enrolments")), 1);
    assert_string_equal(str(out, "enrolments[0].status"), "active");
    assert_string_equal(str(out, "enrolments[0].status_zh"), "正常享受");
    assert_int_equal(num(out, "enrolments[0].monthly_fen"), 96200);
    assert_string_equal(str(out, "enrolments[0].next_review"), "2025-08-17");
    assert_true(json_is_null(
        json_object_get(json_array_get(json_object_get(out, "enrolments"), 0), "member_id")));
    json_decref(out);
    int64_t id = l.rows[0].id;
    jz_enrolment_list_cleanup(&l);

    jz_enrol_due_list dl;
    assert_int_equal(jz_proc_enrol_due(&fx, "", NULL, fx_day(9, 1), 0, &dl, &err), JZ_OK);
    out = jz_enrol_due_list_to_json(&dl, fx_day(9, 1), 0);
    jz_enrol_due_list_cleanup(&dl);
    assert_true(json_is_true(
        json_object_get(json_array_get(json_object_get(out, "enrolments"), 0), "overdue")));
    assert_string_equal(str(out, "enrolments[0].when"), "2025-08-17");
    json_decref(out);

    /* A death by JSON, then the stop. */
    json_t *b = J("{\"id_number\": \"140902198005060264\", \"death_date\": \"2025-04-10\", "
                  "\"date\": \"2025-04-15\", \"enrolment\": 1}");
    jz_enrol_death_req drq;
    assert_int_equal(jz_enrol_death_req_from_json(b, &drq, &err), JZ_OK);
    assert_int_equal(drq.enrolment, id);
    jz_enrol_death_res dres;
    assert_int_equal(jz_proc_enrol_death(&fx, &drq, &dres, &err), JZ_OK);
    json_decref(b);
    out = jz_enrol_death_res_to_json(&dres);
    assert_string_equal(str(out, "name"), "刘秀英");
    assert_int_equal(num(out, "checks"), 1);
    assert_string_equal(str(out, "check_due"), "2025-07-10");
    assert_string_equal(str(out, "enrolment.death_check_due"), "2025-07-10");
    json_decref(out);

    b = J("{\"reason\": \"fraud\", \"note\": \"隐瞒收入\", \"fraud_from\": \"2025-03\", "
          "\"date\": \"2025-05-12\"}");
    jz_enrol_req rq;
    assert_int_equal(jz_enrol_req_from_json(b, true, &rq, &err), JZ_OK);
    assert_int_equal(rq.reason, JZ_STOP_FRAUD);
    assert_int_equal(rq.fraud_from, fx_day(3, 1));
    rq.id = id;
    jz_enrol_res r;
    assert_int_equal(jz_proc_enrol_stop(&fx, &rq, &r, &err), JZ_OK);
    json_decref(b);
    out = jz_enrol_res_to_json(&r);
    assert_string_equal(str(out, "before.status"), "active");
    assert_string_equal(str(out, "after.status"), "stopped");
    assert_string_equal(str(out, "after.stop_reason"), "骗取救助");
    assert_string_equal(str(out, "after.end_month"), "2025-05");
    assert_int_equal(num(out, "after.to_recover_fen"), 3 * 96200);
    assert_int_equal(num(out, "months"), 3);
    assert_true(json_is_null(json_object_get(json_object_get(out, "after"), "next_review")));
    json_decref(out);
}

/* ---- the chain and a stored household ------------------------------------------------- */

static void chain_and_household(void **state)
{
    (void)state;
    jz_chain c;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_chain_build(&fx, WANG, &c, &err), JZ_OK);
    json_t *out = jz_chain_to_json(&c, false);
    assert_string_equal(str(out, "household_id"), "H140902-000101");
    assert_string_equal(str(out, "person"), WANG_MASKED);
    assert_true(json_array_size(json_object_get(out, "events")) == c.n);
    assert_string_equal(str(out, "events[0].kind"), "case_step");
    assert_string_equal(str(out, "events[0].kind_zh"), "办理步骤");
    assert_string_equal(str(out, "events[0].date"), "2025-01-20");
    assert_int_equal(num(out, "events[0].case"), case_id);
    assert_false(contains(out, WANG));
    json_decref(out);
    out = jz_chain_to_json(&c, true);
    assert_string_equal(str(out, "person"), WANG);
    json_decref(out);
    jz_chain_cleanup(&c);

    jz_household_view *v = malloc(sizeof *v);
    assert_int_equal(jz_proc_household(&fx, "H140902-000101", v, &err), JZ_OK);
    out = jz_household_view_to_json(v, false);
    assert_non_null(out);
    assert_string_equal(str(out, "household_id"), "H140902-000101");
    assert_int_equal(num(out, "record_version"), 2);
    assert_string_equal(str(out, "record.members[0].id"), WANG_MASKED);
    assert_string_equal(str(out, "record.members[0].name"), "王建国");
    assert_string_equal(str(out, "determination.persons[0].id"), WANG_MASKED);
    assert_string_equal(str(out, "determination.category"), "dibao");
    assert_true(json_is_null(json_object_get(out, "stored")));
    assert_non_null(json_object_get(json_object_get(out, "determination"), "trace"));
    assert_false(contains(out, WANG));
    json_decref(out);
    out = jz_household_view_to_json(v, true);
    assert_string_equal(str(out, "record.members[0].id"), WANG);
    json_decref(out);
    jz_household_view_cleanup(v);
    free(v);
}

/* ---- assessing a record given as JSON --------------------------------------------------- */

static void assess(void **state)
{
    (void)state;
    refused(read_assess, "{}", "household", NULL);
    refused(read_assess, "{\"household\": []}", "household", NULL);
    refused(read_assess, "{\"household\": {}, \"params\": []}", "params", NULL);
    refused(read_assess, "{\"household\": {}, \"params\": {\"dibao.standard.rural\": 520.5}}",
            "params.dibao.standard.rural", "520.5");
    refused(read_assess, "{\"household\": {}, \"trace\": \"no\"}", "trace", "no");
    refused(read_assess, "{\"household\": {}, \"date\": \"June\"}", "date", "June");
    refused(read_assess, "{\"record\": {}}", "record", NULL);

    char path[4096];
    snprintf(path, sizeof path, "%s/examples/01-dibao-rural.json", fx_root());
    json_error_t je;
    json_t *rec = json_load_file(path, 0, &je);
    assert_non_null(rec);
    json_t *b = json_pack("{s:O, s:{s:s, s:i, s:b}, s:s}", "household", rec, "params",
                          "dibao.standard.rural", "700", "workflow.total_days", 30,
                          "business.allowed", 0, "date", "2025-06-01");
    assert_non_null(b);
    jz_assess_body body;
    jz_error err;
    jz_error_clear(&err);
    /* business.allowed is not a parameter: the reading passes it on, the
     * assessment names it. */
    assert_int_equal(jz_assess_req_from_json(b, &body, &err), JZ_OK);
    assert_int_equal(body.rq.n_params, 3);
    assert_true(body.trace);
    assert_int_equal(body.rq.date, jz_date_make(2025, 6, 1));
    jz_assess_res *r = malloc(sizeof *r);
    assert_int_equal(jz_assess_household(&fx, NULL, &body.rq, r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "params.business.allowed");
    json_object_del(json_object_get(b, "params"), "business.allowed");
    assert_int_equal(jz_assess_req_from_json(b, &body, &err), JZ_OK);
    assert_int_equal(body.rq.n_params, 2);
    assert_int_equal(jz_assess_household(&fx, NULL, &body.rq, r, &err), JZ_OK);
    assert_int_equal(r->result.monthly_amount, 3 * 70000 - 100000);
    json_t *out = jz_assess_res_to_json(r, body.trace);
    assert_string_equal(str(out, "monthly_amount"), "1100.00");
    assert_string_equal(str(out, "persons[0].id"), WANG); /* the caller's own record */
    assert_true(json_array_size(json_object_get(out, "trace")) > 0);
    json_decref(out);
    out = jz_assess_res_to_json(r, false);
    assert_null(json_object_get(out, "trace"));
    json_decref(out);
    /* The record read from JSON gives what the record read from text gives. */
    char *text = json_dumps(rec, 0);
    jz_assess_req tr = {.record = text,
                        .len = strlen(text),
                        .date = body.rq.date,
                        .params = body.rq.params,
                        .n_params = body.rq.n_params};
    jz_assess_res *r2 = malloc(sizeof *r2);
    assert_int_equal(jz_assess_household(&fx, NULL, &tr, r2, &err), JZ_OK);
    char *a = jz_determination_json(&r->h, &r->policy, &r->result, &r->trace, 0);
    char *t = jz_determination_json(&r2->h, &r2->policy, &r2->result, &r2->trace, 0);
    assert_string_equal(a, t);
    free(a);
    free(t);
    free(text);
    /* A bad record in the JSON names its field. */
    json_object_set_new(json_object_get(b, "household"), "area", json_string("moon"));
    assert_int_equal(jz_assess_req_from_json(b, &body, &err), JZ_OK);
    assert_int_equal(jz_assess_household(&fx, NULL, &body.rq, r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "area");
    assert_string_equal(err.value, "moon");
    free(r);
    free(r2);
    json_decref(b);
    json_decref(rec);
}

static int setup(void **state)
{
    return fx_setup(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(case_by_json),  cmocka_unit_test(accept_refusals),
        cmocka_unit_test(step_refusals), cmocka_unit_test(step_requests),
        cmocka_unit_test(error_fields),  cmocka_unit_test(lists),
        cmocka_unit_test(enrolments),    cmocka_unit_test(chain_and_household),
        cmocka_unit_test(assess),
    };
    return cmocka_run_group_tests(tests, setup, fx_teardown);
}
