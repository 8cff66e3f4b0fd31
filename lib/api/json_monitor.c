/*
 * json_monitor.c - the JSON face of monitoring (jz_api_monitor.h): a run's
 * request and counts, R-MON-4's comparison, alert lists, one alert with its
 * evidence, steps and re-assessment, and handling an alert.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_api_monitor.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_record.h"
#include "api_int.h"

/* ---- a monitoring run ------------------------------------------------------------------ */

jz_err jz_monitor_req_from_json(const json_t *body, jz_monitor_req *out, jz_error *err)
{
    static const char *const keys[] = {"on", "region", NULL};
    memset(out, 0, sizeof *out);
    jz_err rc = jz__api_object(body, keys, err);
    if (!rc)
        rc = jz__api_date(body, "on", false, &out->on, err);
    if (!rc)
        rc = jz__api_region(body, "region", &out->region, err);
    return rc;
}

json_t *jz_monitor_counts_to_json(const jz_monitor_counts *c, jz_date on, const char *region)
{
    json_t *o = json_object(), *cat = json_object(), *ind = json_array();
    int bad = 0;
    jz__api_set(o, "on", jz__api_date_out(on), &bad);
    jz__api_set(o, "region", json_string(region ? region : ""), &bad);
    jz__api_set(o, "people", json_integer(c->people), &bad);
    jz__api_set(o, "raised", json_integer(c->raised), &bad);
    jz__api_set(o, "extended", json_integer(c->extended), &bad);
    for (int k = 0; k < 4; k++) {
        char letter[2] = {jz_alert_letters[k], '\0'};
        jz__api_set(cat, letter, json_integer(c->by_category[k]), &bad);
    }
    for (int k = 0; k < JZ_IND_COUNT; k++)
        if (c->by_indicator[k])
            jz__api_append(ind,
                           json_pack("{s:s,s:s,s:I}", "indicator", jz_indicator_names[k],
                                     "indicator_zh", jz_indicator_zh[k], "count",
                                     (json_int_t)c->by_indicator[k]),
                           &bad);
    jz__api_set(o, "by_category", cat, &bad);
    jz__api_set(o, "by_indicator", ind, &bad);
    return jz__api_done(o, bad);
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
    jz_fpm_row *g = jz__api_room(r->rows, sizeof *g, r->n, &r->cap, r->max);
    if (!g)
        return JZ_ENOMEM;
    r->rows = g;
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
    jz__api_set(o, "listed", json_integer(c->listed), &bad);
    jz__api_set(o, "without", json_integer(c->without), &bad);
    jz__api_set(o, "rejected", json_integer(c->rejected), &bad);
    for (size_t i = 0; i < r->n && !bad; i++) {
        const jz_fpm_row *p = &r->rows[i];
        json_t *q = json_object();
        bool assessed = p->status == JZ_FPM_ASSESSED && p->category < JZ_CAT_COUNT;
        jz__api_set(q, "id_number", jz__api_id(p->id, false), &bad);
        jz__api_set(q, "name", json_string(p->name), &bad);
        jz__api_set(q, "listed_on", jz__api_date_out(p->listed), &bad);
        jz__api_set(q, "line", json_integer(p->line), &bad);
        jz__api_set(q, "household_id", jz__api_str_or_null(p->household_id), &bad);
        jz__api_set(q, "status", json_string(jz_fpm_status_names[p->status % JZ_FPM_STATUS_COUNT]),
                    &bad);
        jz__api_set(q, "status_zh", json_string(fpm_status_zh[p->status % JZ_FPM_STATUS_COUNT]),
                    &bad);
        jz__api_set(q, "category",
                    assessed ? json_string(jz_category_names[p->category]) : json_null(), &bad);
        jz__api_set(q, "category_zh",
                    assessed ? json_string(jz_category_short_zh[p->category]) : json_null(), &bad);
        jz__api_set(q, "monthly_fen", assessed ? json_integer(p->monthly) : json_null(), &bad);
        jz__api_set(q, "assessed_on", assessed ? jz__api_date_out(p->assessed_on) : json_null(),
                    &bad);
        jz__api_append(people, q, &bad);
    }
    jz__api_set(o, "people", people, &bad);
    jz__api_set(o, "people_dropped", json_integer(r->dropped), &bad);
    jz__api_set(o, "errors", jz_rejects_to_json(&r->rejected), &bad);
    jz__api_set(o, "errors_dropped", json_integer(r->rejected.dropped), &bad);
    return jz__api_done(o, bad);
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
    out->category = -1;
    out->status = -1;
    out->open_only = true;
    out->limit = 50;
    int state = -1;
    long long limit = 50, offset = 0;
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_enum(body, "category", false, letters, 0, 4, &out->category, err)) ||
        (rc = jz__api_enum(body, "state", false, list_states, 0, JZ_ALERT_STATUS_COUNT + 2, &state,
                           err)) ||
        (rc = jz__api_region(body, "region", &out->region, err)) ||
        (rc = jz__api_int(body, "limit", false, 1, JZ_ALERT_PAGE_MAX, &limit, err)) ||
        (rc = jz__api_int(body, "offset", false, 0, 1000000000, &offset, err)))
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
    jz__api_set(o, "id", json_integer(a->id), &bad);
    jz__api_set(o, "category", json_string(letters[a->category & 3]), &bad);
    jz__api_set(o, "category_zh", json_string(jz_alert_category_zh[a->category & 3]), &bad);
    bool ind = a->indicator < JZ_IND_COUNT;
    jz__api_set(o, "indicator", ind ? json_string(jz_indicator_names[a->indicator]) : json_null(),
                &bad);
    jz__api_set(o, "indicator_zh", ind ? json_string(jz_indicator_zh[a->indicator]) : json_null(),
                &bad);
    jz__api_set(o, "severity", json_integer(a->severity), &bad);
    jz__api_set(o, "severity_zh", json_string(severity_zh[a->severity > 3 ? 3 : a->severity]),
                &bad);
    jz__api_set(o, "state", json_string(jz_alert_status_names[a->status % JZ_ALERT_STATUS_COUNT]),
                &bad);
    jz__api_set(o, "state_zh", json_string(jz_alert_status_zh[a->status % JZ_ALERT_STATUS_COUNT]),
                &bad);
    jz__api_set(o, "name", json_string(a->name), &bad);
    jz__api_set(o, "id_number", jz__api_id(a->id_number, full_id), &bad);
    jz__api_set(o, "household_id", jz__api_str_or_null(a->household_id), &bad);
    jz__api_set(o, "county", jz__api_str_or_null(a->county), &bad);
    jz__api_set(o, "region", jz__api_str_or_null(a->region), &bad);
    jz__api_dept(o, "dept", a->dept, &bad);
    jz__api_set(o, "amount_fen", json_integer(a->amount), &bad);
    jz__api_set(o, "detail", jz__api_text(a->detail, full_id), &bad);
    jz__api_set(o, "raised_on", jz__api_date_out(a->raised_on), &bad);
    jz__api_set(o, "due_on", jz__api_date_out(a->due_on), &bad);
    json_t *ev = json_loads(a->evidence, 0, NULL);
    jz__api_set(o, "evidence_rows", json_is_array(ev) ? ev : (json_decref(ev), json_array()), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_alert_page_to_json(const jz_alert_page *p, const jz_alert_query *q)
{
    json_t *o = json_object(), *items = json_array();
    int bad = 0;
    jz__api_set(o, "total", json_integer(p->total), &bad);
    jz__api_set(o, "offset", json_integer(q->offset), &bad);
    jz__api_set(o, "limit", json_integer(q->limit), &bad);
    for (size_t i = 0; i < p->n && !bad; i++)
        jz__api_append(items, jz_alert_to_json(&p->items[i], false), &bad);
    jz__api_set(o, "alerts", items, &bad);
    return jz__api_done(o, bad);
}

static json_t *evidence_json(const jz_alert_evidence_row *x, bool full_id)
{
    const jz_feed_row *r = &x->r;
    json_t *o = json_object();
    int bad = 0;
    jz__api_set(o, "row", json_integer(x->row), &bad);
    jz__api_dept(o, "dept", r->dept, &bad);
    bool ev = r->event < JZ_EV_COUNT;
    jz__api_set(o, "event", ev ? json_string(jz_event_names[r->event]) : json_null(), &bad);
    jz__api_set(o, "event_zh", ev ? json_string(jz_event_zh[r->event]) : json_null(), &bad);
    jz__api_set(o, "date", jz__api_date_out(r->date), &bad);
    jz__api_set(o, "amount_fen", json_integer(r->amount), &bad);
    jz__api_set(o, "level", r->level ? json_integer(r->level) : json_null(), &bad);
    jz__api_set(o, "code", r->code[0] ? jz__api_text(r->code, full_id) : json_null(), &bad);
    return jz__api_done(o, bad);
}

static json_t *step_json(const jz_alert_step *x, bool full_id)
{
    json_t *o = json_object();
    int bad = 0;
    jz__api_set(o, "action", json_string(x->action), &bad);
    jz__api_set(o, "action_zh", json_string(jz_alert_action_zh(x->action)), &bad);
    jz__api_set(o, "on", jz__api_date_out(x->on), &bad);
    jz__api_set(o, "actor", json_string(x->actor), &bad);
    jz__api_set(o, "note", x->note[0] ? jz__api_text(x->note, full_id) : json_null(), &bad);
    jz__api_set(o, "assignee", jz__api_str_or_null(x->assignee), &bad);
    jz__api_enum_out(o, "dept", x->dept, JZ_DEPT_COUNT, jz_dept_names, jz_dept_zh, &bad);
    jz__api_set(o, "outcome", jz__api_str_or_null(x->outcome), &bad);
    jz__api_set(o, "outcome_zh",
                x->outcome[0] ? json_string(jz_alert_outcome_zh(x->outcome)) : json_null(), &bad);
    jz__api_set(o, "kind", jz__api_str_or_null(x->kind), &bad);
    jz__api_set(o, "amount_fen", json_integer(x->amount), &bad);
    jz__api_set(o, "case_id", x->case_id ? json_integer(x->case_id) : json_null(), &bad);
    return jz__api_done(o, bad);
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
    jz__api_set(o, "alert", jz_alert_to_json(&v->alert, full_id), &bad);
    for (size_t i = 0; i < v->n_evidence && !bad; i++)
        jz__api_append(ev, evidence_json(&v->evidence[i], full_id), &bad);
    for (size_t i = 0; i < v->n_steps && !bad; i++)
        jz__api_append(steps, step_json(&v->steps[i], full_id), &bad);
    jz__api_set(o, "evidence", ev, &bad);
    jz__api_set(o, "steps", steps, &bad);
    jz__api_set(o, "reassessment", re ? determination_json(re, full_id) : json_null(), &bad);
    jz__api_set(o, "reassessment_error", !re && re_err ? jz__api_error(re_err) : json_null(), &bad);
    return jz__api_done(o, bad);
}

/* ---- handling an alert --------------------------------------------------------------- */

jz_err jz_alert_req_from_json(const json_t *body, jz_date today, jz_alert_req *out, jz_error *err)
{
    static const char *const keys[] = {"action",    "on",           "note", "assignee",
                                       "confirmed", "dept",         "kind", "amount_fen",
                                       "outcome",   "expect_state", NULL};
    memset(out, 0, sizeof *out);
    out->dept = -1;
    out->expect_status = -1;
    int action = -1, outcome = -1;
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_enum(body, "action", true, jz_alert_action_names, 0, JZ_ALERT_ACT_COUNT,
                           &action, err)) ||
        (rc = jz__api_date(body, "on", false, &out->on, err)) ||
        (rc = jz__api_string(body, "note", false, 500, &out->note, err)) ||
        (rc = jz__api_string(body, "assignee", false, 63, &out->assignee, err)) ||
        (rc = jz__api_bool(body, "confirmed", false, &out->confirmed, err)) ||
        (rc =
             jz__api_enum(body, "dept", false, jz_dept_names, 0, JZ_DEPT_COUNT, &out->dept, err)) ||
        (rc = jz__api_string(body, "kind", false, 63, &out->kind, err)) ||
        (rc = jz__api_fen(body, "amount_fen", false, &out->amount, err)) ||
        (rc = jz__api_enum(body, "outcome", false, jz_alert_outcome_names, 0,
                           JZ_ALERT_OUTCOME_COUNT, &outcome, err)) ||
        (rc = jz__api_enum(body, "expect_state", false, jz_alert_status_names, 0,
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
        if (!takes_ok[i] && (rc = jz__api_absent(body, takes[i], why, err)))
            return rc;
    }
    for (size_t i = 0; i < 4 && needs[i]; i++) {
        const json_t *v = json_object_get(body, needs[i]);
        if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0))
            return jz_error_set(err, JZ_EINPUT, needs[i], NULL, "处置「%s」须给出这个字段",
                                jz_alert_action_names[action]);
    }
    return JZ_OK;
}

static json_t *case_json(const jz_alert_res *r, bool full_id)
{
    if (!r->case_id)
        return json_null();
    json_t *o = json_object();
    int bad = 0;
    jz__api_set(o, "id", json_integer(r->case_id), &bad);
    jz__api_set(o, "opened", json_boolean(r->opened), &bad);
    jz__api_set(o, "joined", json_boolean(r->joined), &bad);
    if (r->opened) {
        const jz_case *c = &r->accepted.c;
        jz__api_set(o, "kind", json_string(c->kind == JZ_CASE_REVIEW ? "review" : "application"),
                    &bad);
        jz__api_set(o, "kind_zh", json_string(c->kind == JZ_CASE_REVIEW ? "复核" : "申请"), &bad);
        jz__api_set(o, "household_id", json_string(c->household_id), &bad);
        jz__api_set(o, "applicant_id", jz__api_id(c->applicant_id, full_id), &bad);
        jz__api_set(o, "applicant_name", json_string(c->applicant_name), &bad);
        jz__api_set(o, "members", json_integer(c->members), &bad);
        jz__api_set(o, "accepted_on", jz__api_date_out(c->accepted_on), &bad);
        jz__api_set(o, "task", jz__api_str_or_null(c->task), &bad);
        json_t *f = json_null();
        if (c->staff_relative)
            f = json_pack("{s:s,s:s,s:s}", "relative", r->accepted.relative, "staff",
                          r->accepted.staff, "relation", r->accepted.relation);
        jz__api_set(o, "staff_relative", f, &bad);
    }
    return jz__api_done(o, bad);
}

static json_t *death_json(const jz_death_res *d)
{
    json_t *o = json_object();
    int bad = 0;
    jz__api_set(o, "household_id", json_string(d->household_id), &bad);
    jz__api_set(o, "name", json_string(d->name), &bad);
    jz__api_set(o, "record_version", json_integer(d->record_version), &bad);
    jz__api_set(o, "own_units_stopped", json_integer((json_int_t)d->stopped), &bad);
    jz__api_set(o, "household_units_stopped", json_integer((json_int_t)d->ended), &bad);
    jz__api_set(o, "checks", json_integer((json_int_t)d->checks), &bad);
    jz__api_set(o, "check_due", d->checks ? jz__api_date_out(d->check_due) : json_null(), &bad);
    jz__api_set(o, "nobody_left", json_boolean(d->nobody_left), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_alert_res_to_json(int64_t id, const jz_alert_req *rq, const jz_alert_res *r,
                             bool full_id)
{
    json_t *o = json_object();
    int bad = 0;
    const char *action = rq->action < JZ_ALERT_ACT_COUNT ? jz_alert_action_names[rq->action] : "";
    jz__api_set(o, "alert", json_integer(id), &bad);
    jz__api_set(o, "action", json_string(action), &bad);
    jz__api_set(o, "action_zh", json_string(jz_alert_action_zh(action)), &bad);
    jz__api_set(o, "on", jz__api_date_out(rq->on), &bad);
    unsigned b = r->before.status % JZ_ALERT_STATUS_COUNT,
             a = r->after.status % JZ_ALERT_STATUS_COUNT;
    jz__api_set(o, "state_before", json_string(jz_alert_status_names[b]), &bad);
    jz__api_set(o, "state_before_zh", json_string(jz_alert_status_zh[b]), &bad);
    jz__api_set(o, "state", json_string(jz_alert_status_names[a]), &bad);
    jz__api_set(o, "state_zh", json_string(jz_alert_status_zh[a]), &bad);
    jz__api_set(o, "case", case_json(r, full_id), &bad);
    jz__api_set(o, "death", r->death ? death_json(&r->death_res) : json_null(), &bad);
    jz__api_set(o, "after", jz_alert_to_json(&r->after, full_id), &bad);
    return jz__api_done(o, bad);
}
