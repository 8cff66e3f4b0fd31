/*
 * json_case.c - JSON for the operations of a case and of an enrolment
 * (jz_api_case.h): accepting an application, every step of a case (the
 * decision with its choices on each unit), a case with everything recorded
 * on it, the lists of cases and of what is due, enrolments, their exit and
 * stop, and a recorded death.
 *
 * The shapes are in docs/api-case.md.  Requests are read strictly and each
 * refusal names its field; responses carry money in fen, enumerations by
 * name with a Chinese label, and ID numbers masked in lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_api_case.h"
#include "jiuzhu/jz_feed.h"
#include "api_int.h"

static const char *const decision_names[3] = {"none", "approved", "refused"};
static const char *const decision_zh[3] = {"未决定", "批准", "不予批准"};
static const char *const kind_names[2] = {"application", "review"};
static const char *const kind_zh[2] = {"申请", "复核"};
static const char *const verdict_names[3] = {"none", "approved", "refused"};
static const char *const verdict_zh[3] = {"未决定", "批准", "不予批准"};
static const char *const status_names[JZ_ENROL_STATUS_COUNT] = {"active", "exiting", "stopped"};
static const char *const choice_names[3] = {"refuse", "set", "temporary"};

/* ---- errors ------------------------------------------------------------------------ */

void jz_api_case_error_fields(jz_error *err)
{
    static const char *const map[][2] = {
        {"--amount", "amount_fen"},
        {"--applicant", "applicant"},
        {"--county", "county"},
        {"--date", "date"},
        {"--death-date", "death_date"},
        {"--from-month", "fraud_from"},
        {"--judgment", "judgment"},
        {"--kind", "grant_kind"},
        {"--member", "member"},
        {"--member-id", "id_number"},
        {"--note", "note"},
        {"--programmes", "programmes"},
        {"--reason", "reason"},
        {"--temporary", "choices"},
        {"decision", "choices"},
    };
    if (!err)
        return;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(err->field, map[i][0]) == 0) {
            snprintf(err->field, sizeof err->field, "%s", map[i][1]);
            return;
        }
}

/* ---- a case ------------------------------------------------------------------------ */

static void programmes_out(json_t *o, const char *key, uint8_t bits, int *bad)
{
    json_t *a = json_array();
    for (int k = 0; a && k < JZ_UNIT_PROGRAMME_COUNT; k++)
        if (bits & (1u << k))
            jz__api_append(a, json_string(jz_unit_programme_names[k]), bad);
    jz__api_set(o, key, a, bad);
}

json_t *jz_case_to_json(const jz_case *c, bool full_id)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "id", json_integer(c->id), &bad);
    jz__api_set(o, "county", json_string(c->county), &bad);
    jz__api_set(o, "region", json_string(c->region), &bad);
    jz__api_set(o, "household_id", json_string(c->household_id), &bad);
    jz__api_set(o, "applicant_id", jz__api_id(c->applicant_id, full_id), &bad);
    jz__api_set(o, "applicant_name", json_string(c->applicant_name), &bad);
    jz__api_set(o, "members", json_integer(c->members), &bad);
    jz__api_enum_out(o, "kind", c->kind, 2, kind_names, kind_zh, &bad);
    jz__api_enum_out(o, "state", c->state, JZ_CASE_STATE_COUNT, jz_case_state_names,
                     jz_case_state_zh, &bad);
    jz__api_set(o, "township_confirms", json_boolean(c->township_confirms), &bad);
    jz__api_set(o, "staff_relative", json_boolean(c->staff_relative), &bad);
    jz__api_set(o, "home_visited", json_boolean(c->home_visited), &bad);
    jz__api_enum_out(o, "extended", c->extended ? c->extended : -1, JZ_EXT_COUNT,
                     jz_extend_reason_names, jz_extend_reason_zh, &bad);
    jz__api_enum_out(o, "decision", c->decision, 3, decision_names, decision_zh, &bad);
    jz__api_set(o, "objections", json_integer(c->objections), &bad);
    jz__api_set(o, "accepted_on", jz__api_date_out(c->accepted_on), &bad);
    jz__api_set(o, "investigated_on", jz__api_date_out(c->investigated_on), &bad);
    jz__api_set(o, "verified_on", jz__api_date_out(c->verified_on), &bad);
    jz__api_set(o, "preliminary_on", jz__api_date_out(c->preliminary_on), &bad);
    jz__api_set(o, "notice_from", jz__api_date_out(c->notice_from), &bad);
    jz__api_set(o, "notice_until", jz__api_date_out(c->notice_until), &bad);
    jz__api_set(o, "confirmed_on", jz__api_date_out(c->confirmed_on), &bad);
    jz__api_set(o, "decided_on", jz__api_date_out(c->decided_on), &bad);
    jz__api_set(o, "closed_on", jz__api_date_out(c->closed_on), &bad);
    jz__api_enum_out(o, "proposed_category", c->proposed_category, JZ_CAT_COUNT, jz_category_names,
                     jz_category_short_zh, &bad);
    jz__api_set(o, "proposed_monthly_fen", json_integer(c->proposed_monthly), &bad);
    jz__api_set(o, "first_month", jz__api_str_or_null(c->first_month), &bad);
    jz__api_set(o, "days", json_integer(jz_case_days(c)), &bad);
    jz__api_set(o, "notice_days", json_integer(c->notice_days), &bad);
    programmes_out(o, "programmes", c->programmes, &bad);
    jz__api_set(o, "judgment", c->judgment[0] ? jz__api_text(c->judgment, full_id) : json_null(),
                &bad);
    jz__api_set(o, "due_by", jz__api_date_out(c->due_by), &bad);
    jz__api_set(o, "task", jz__api_str_or_null(c->task), &bad);
    jz__api_set(o, "record_version", json_integer(c->record_version), &bad);
    return jz__api_done(o, bad);
}

/* ---- accept ------------------------------------------------------------------------ */

jz_err jz_accept_req_from_json(const json_t *body, jz_accept_req *out, jz_error *err)
{
    static const char *const keys[] = {"household_id",      "applicant", "date",       "note",
                                       "township_confirms", "review",    "programmes", NULL};
    memset(out, 0, sizeof *out);
    out->on = jz_date_today();
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_string(body, "household_id", true, JZ_HOUSEHOLD_ID_MAX - 1,
                             &out->household_id, err)) ||
        (rc = jz__api_string(body, "applicant", false, 127, &out->applicant_id, err)) ||
        (rc = jz__api_date(body, "date", false, &out->on, err)) ||
        (rc = jz__api_string(body, "note", false, 511, &out->note, err)) ||
        (rc = jz__api_bool(body, "township_confirms", false, &out->township_confirms, err)) ||
        (rc = jz__api_bool(body, "review", false, &out->review, err)))
        return rc;
    const json_t *p = json_object_get(body, "programmes");
    if (p && !json_is_null(p)) {
        if (!json_is_array(p))
            return jz_error_set(err, JZ_EINPUT, "programmes", NULL,
                                "应为救助项目名称的数组，如 [\"dibao\", \"tekun\"]");
        size_t i;
        const json_t *v;
        json_array_foreach(p, i, v)
        {
            int k = json_is_string(v)
                        ? jz_unit_programme_find(json_string_value(v), json_string_length(v))
                        : -1;
            if (k < 0) {
                char f[48];
                snprintf(f, sizeof f, "programmes[%zu]", i);
                char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
                rc =
                    jz_error_set(err, JZ_EINPUT, f, json_is_string(v) ? json_string_value(v) : text,
                                 "未知救助项目（可选：dibao dibao_expenditure marginal "
                                 "rigid_expenditure single_dibao tekun temporary）");
                free(text);
                return rc;
            }
            out->programmes |= (uint8_t)(1u << k);
        }
    }
    return JZ_OK;
}

json_t *jz_accept_res_to_json(const jz_accept_res *r, bool full_id)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "case", jz_case_to_json(&r->c, full_id), &bad);
    if (r->c.staff_relative) {
        json_t *s = json_object();
        jz__api_set(s, "member", json_string(r->relative), &bad);
        jz__api_set(s, "staff", json_string(r->staff), &bad);
        jz__api_set(s, "relation", json_string(r->relation), &bad);
        jz__api_set(o, "staff_relative", s, &bad);
    } else {
        jz__api_set(o, "staff_relative", json_null(), &bad);
    }
    return jz__api_done(o, bad);
}

/* ---- a step ------------------------------------------------------------------------ */

/* The fields each action takes besides action, date and note. */
static bool step_field(jz_case_action a, const char *key)
{
    static const struct {
        jz_case_action a;
        const char *key;
    } own[] = {
        {JZ_ACT_INVESTIGATE, "home_visit"}, {JZ_ACT_DECIDE, "decision"},
        {JZ_ACT_DECIDE, "first_month"},     {JZ_ACT_DECIDE, "judgment"},
        {JZ_ACT_DECIDE, "county"},          {JZ_ACT_DECIDE, "choices"},
        {JZ_ACT_DECIDE, "beyond_cap"},      {JZ_ACT_EXTEND, "extend_reason"},
        {JZ_ACT_ADVANCE, "grant_kind"},     {JZ_ACT_ADVANCE, "amount_fen"},
        {JZ_ACT_ADVANCE, "member"},         {JZ_ACT_APPLICANT, "applicant"},
    };
    if (strcmp(key, "action") == 0 || strcmp(key, "date") == 0 || strcmp(key, "note") == 0)
        return true;
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (own[i].a == a && strcmp(own[i].key, key) == 0)
            return true;
    return false;
}

static jz_err read_choice(const json_t *v, jz_choice_req *c, jz_error *err)
{
    static const char *const keys[] = {"kind", "who", "programme", "amount_fen", NULL};
    int kind = 0, programme = -1;
    memset(c, 0, sizeof *c);
    c->programme = -1;
    jz_err rc;
    if ((rc = jz__api_object(v, keys, err)) ||
        (rc = jz__api_enum(v, "kind", true, choice_names, 0, 3, &kind, err)) ||
        (rc = jz__api_string(v, "who", true, 127, &c->who, err)) ||
        (rc = jz__api_enum(v, "programme", kind == JZ_CHOICE_SET, jz_unit_programme_names, 0,
                           JZ_UNIT_PROGRAMME_COUNT, &programme, err)) ||
        (rc = jz__api_fen(v, "amount_fen", kind == JZ_CHOICE_TEMPORARY, &c->amount, err)))
        return rc;
    c->kind = (uint8_t)kind;
    c->programme = programme;
    if (kind == JZ_CHOICE_TEMPORARY) {
        if (programme >= 0 && programme != JZ_UNIT_TEMPORARY)
            return jz_error_set(err, JZ_EINPUT, "programme", jz_unit_programme_names[programme],
                                "临时救助金额的救助项目只能是 temporary（可省略）");
        c->programme = JZ_UNIT_TEMPORARY;
    } else if (kind == JZ_CHOICE_REFUSE && json_object_get(v, "amount_fen")) {
        return jz_error_set(err, JZ_EINPUT, "amount_fen", NULL, "不予批准不需要金额");
    }
    return JZ_OK;
}

jz_err jz_step_req_from_json(const json_t *body, jz_step_req *out, jz_choice_req *choices,
                             size_t cap, jz_error *err)
{
    memset(out, 0, sizeof *out);
    out->on = jz_date_today();
    int action = 0;
    jz_err rc;
    static const char *const any[] = {"action",     "date",        "note",          "home_visit",
                                      "decision",   "first_month", "judgment",      "county",
                                      "choices",    "beyond_cap",  "extend_reason", "grant_kind",
                                      "amount_fen", "member",      "applicant",     NULL};
    if ((rc = jz__api_object(body, any, err)) ||
        (rc = jz__api_enum(body, "action", true, jz_case_action_names, JZ_ACT_INVESTIGATE,
                           JZ_ACT_COUNT, &action, err)))
        return rc;
    out->action = (jz_case_action)action;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        if (!step_field(out->action, key))
            return jz_error_set(err, JZ_EINPUT, key, NULL, "「%s」步骤不用这个字段",
                                jz_case_action_names[action]);
    }
    if ((rc = jz__api_date(body, "date", false, &out->on, err)) ||
        (rc = jz__api_string(body, "note", false, 511, &out->note, err)))
        return rc;
    switch (out->action) {
    case JZ_ACT_INVESTIGATE:
        return jz__api_bool(body, "home_visit", false, &out->home_visit, err);
    case JZ_ACT_DECIDE: {
        int d = 0;
        if ((rc = jz__api_enum(body, "decision", true, decision_names, JZ_DECISION_APPROVED, 3, &d,
                               err)) ||
            (rc = jz__api_month(body, "first_month", &out->first_month, err)) ||
            (rc = jz__api_string(body, "judgment", false, 511, &out->judgment, err)) ||
            (rc = jz__api_bool(body, "county", false, &out->county, err)) ||
            (rc = jz__api_string(body, "beyond_cap", false, 255, &out->beyond_cap, err)))
            return rc;
        out->decision = (uint8_t)d;
        const json_t *ch = json_object_get(body, "choices");
        if (!ch || json_is_null(ch))
            return JZ_OK;
        if (!json_is_array(ch))
            return jz_error_set(err, JZ_EINPUT, "choices", NULL, "应为数组");
        if (json_array_size(ch) > cap)
            return jz_error_set(err, JZ_EINPUT, "choices", NULL, "最多 %zu 项", cap);
        size_t i;
        json_array_foreach(ch, i, v)
        {
            if ((rc = read_choice(v, &choices[i], err))) {
                char prefix[48];
                snprintf(prefix, sizeof prefix, "choices[%zu].", i);
                if (err && !err->field[0])
                    snprintf(err->field, sizeof err->field, "choices[%zu]", i);
                else
                    jz_error_prefix_field(err, prefix);
                return rc;
            }
        }
        out->choices = choices;
        out->n_choices = json_array_size(ch);
        return JZ_OK;
    }
    case JZ_ACT_EXTEND: {
        int r = 0;
        if ((rc = jz__api_enum(body, "extend_reason", true, jz_extend_reason_names,
                               JZ_EXT_OBJECTION, JZ_EXT_COUNT, &r, err)))
            return rc;
        out->extend_reason = (uint8_t)r;
        return JZ_OK;
    }
    case JZ_ACT_ADVANCE: {
        int k = 0;
        if ((rc = jz__api_enum(body, "grant_kind", true, jz_grant_kind_names, JZ_GRANT_PENDING,
                               JZ_GRANT_KIND_COUNT, &k, err)) ||
            (rc = jz__api_fen(body, "amount_fen", true, &out->amount, err)) ||
            (rc = jz__api_string(body, "member", false, 127, &out->member, err)))
            return rc;
        out->grant_kind = (uint8_t)k;
        return JZ_OK;
    }
    case JZ_ACT_APPLICANT:
        return jz__api_string(body, "applicant", true, 127, &out->member, err);
    default:
        return JZ_OK;
    }
}

static json_t *unit_to_json(const jz_case_unit *u, bool full_id)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "member_id", jz__api_id(u->member_id, full_id), &bad);
    jz__api_set(o, "label", json_string(u->label), &bad);
    jz__api_enum_out(o, "programme", u->programme, JZ_UNIT_PROGRAMME_COUNT, jz_unit_programme_names,
                     jz_unit_programme_zh, &bad);
    jz__api_set(o, "persons", json_integer(u->persons), &bad);
    jz__api_set(o, "monthly_fen", json_integer(u->monthly), &bad);
    jz__api_set(o, "once_fen", json_integer(u->once), &bad);
    jz__api_set(o, "rule", jz__api_str_or_null(u->rule), &bad);
    jz__api_enum_out(o, "verdict", u->verdict, 3, verdict_names, verdict_zh, &bad);
    jz__api_set(o, "decided_monthly_fen", json_integer(u->decided_monthly), &bad);
    jz__api_set(o, "decided_once_fen", json_integer(u->decided_once), &bad);
    jz__api_set(o, "judged", json_boolean(u->judged), &bad);
    jz__api_set(o, "added", json_boolean(u->added), &bad);
    jz__api_set(o, "reason", u->reason[0] ? jz__api_text(u->reason, full_id) : json_null(), &bad);
    return jz__api_done(o, bad);
}

static json_t *reason_to_json(const jz_case_reason *r, bool full_id)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "rule", json_string(r->rule), &bad);
    jz__api_set(o, "holds", json_boolean(r->holds), &bad);
    jz__api_set(o, "text", jz__api_text(r->text, full_id), &bad);
    jz__api_set(o, "source", json_string(r->source), &bad);
    return jz__api_done(o, bad);
}

static json_t *finding_to_json(const jz_case_finding *f, bool full_id)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "member_id", jz__api_id(f->member_id, full_id), &bad);
    jz__api_set(o, "name", json_string(f->name), &bad);
    jz__api_enum_out(o, "dept", f->dept, JZ_DEPT_COUNT, jz_dept_names, jz_dept_zh, &bad);
    jz__api_set(o, "row", f->row ? json_integer(f->row) : json_null(), &bad);
    jz__api_set(o, "date", jz__api_date_out(f->on), &bad);
    jz__api_set(o, "rule", json_string(f->rule), &bad);
    jz__api_set(o, "text", jz__api_text(f->text, full_id), &bad);
    return jz__api_done(o, bad);
}

static json_t *grant_to_json(const jz_grant *g, bool full_id)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "id", json_integer(g->id), &bad);
    jz__api_set(o, "case", json_integer(g->case_id), &bad);
    jz__api_set(o, "household_id", json_string(g->household_id), &bad);
    jz__api_set(o, "member_id", jz__api_id(g->member_id, full_id), &bad);
    jz__api_set(o, "name", json_string(g->name), &bad);
    jz__api_enum_out(o, "kind", g->kind, JZ_GRANT_KIND_COUNT, jz_grant_kind_names, jz_grant_kind_zh,
                     &bad);
    jz__api_set(o, "rule", json_string(g->rule), &bad);
    jz__api_set(o, "amount_fen", json_integer(g->amount), &bad);
    jz__api_set(o, "date", jz__api_date_out(g->on), &bad);
    jz__api_set(o, "note", jz__api_text(g->note, full_id), &bad);
    jz__api_set(o, "beyond_cap", jz__api_str_or_null(g->beyond_cap), &bad);
    return jz__api_done(o, bad);
}

static json_t *step_to_json(const jz_case_step *st, bool full_id)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_enum_out(o, "action", st->action, JZ_ACT_COUNT, jz_case_action_names, jz_case_action_zh,
                     &bad);
    jz__api_set(o, "date", jz__api_date_out(st->on), &bad);
    jz__api_set(o, "actor", json_string(st->actor), &bad);
    jz__api_set(o, "note", jz__api_text(st->note, full_id), &bad);
    jz__api_set(o, "late_for", jz__api_date_out(st->deadline), &bad);
    jz__api_set(o, "late_days", json_integer(st->deadline ? st->late_days : 0), &bad);
    return jz__api_done(o, bad);
}

/* An array of n items of `size` bytes, each written by fn (NULL when one
 * fails). */
typedef json_t *(*item_fn)(const void *item, bool full_id);

static json_t *array_of(const void *items, size_t n, size_t size, item_fn fn, bool full_id)
{
    json_t *a = json_array();
    int bad = 0;
    for (size_t i = 0; !bad && i < n; i++)
        jz__api_append(a, fn((const char *)items + i * size, full_id), &bad);
    return jz__api_done(a, bad);
}

static json_t *unit_item(const void *p, bool full_id)
{
    return unit_to_json(p, full_id);
}

static json_t *reason_item(const void *p, bool full_id)
{
    return reason_to_json(p, full_id);
}

static json_t *finding_item(const void *p, bool full_id)
{
    return finding_to_json(p, full_id);
}

static json_t *grant_item(const void *p, bool full_id)
{
    return grant_to_json(p, full_id);
}

static json_t *step_item(const void *p, bool full_id)
{
    return step_to_json(p, full_id);
}

static json_t *case_item(const void *p, bool full_id)
{
    return jz_case_to_json(p, full_id);
}

static json_t *enrolment_item(const void *p, bool full_id)
{
    return jz_enrolment_to_json(p, full_id);
}

json_t *jz_step_res_to_json(const jz_step_res *r, bool full_id)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "case", jz_case_to_json(&r->after, full_id), &bad);
    jz__api_enum_out(o, "state_before", r->before.state, JZ_CASE_STATE_COUNT, jz_case_state_names,
                     jz_case_state_zh, &bad);
    jz__api_set(o, "step", step_to_json(&r->step, full_id), &bad);
    jz__api_set(o, "units", array_of(r->units, r->nu, sizeof *r->units, unit_item, full_id), &bad);
    jz__api_set(o, "reasons", array_of(r->reasons, r->nr, sizeof *r->reasons, reason_item, full_id),
                &bad);
    jz__api_set(o, "findings",
                array_of(r->findings, r->nf, sizeof *r->findings, finding_item, full_id), &bad);
    jz__api_set(o, "deadline", jz__api_date_out(r->deadline), &bad);
    jz__api_set(o, "grant", r->grant.id ? grant_to_json(&r->grant, full_id) : json_null(), &bad);
    jz__api_set(o, "grants", json_integer((json_int_t)r->grants), &bad);
    jz__api_set(o, "enrolments", json_integer((json_int_t)r->enrolments), &bad);
    jz__api_set(o, "posted", json_integer((json_int_t)r->posted), &bad);
    return jz__api_done(o, bad);
}

/* ---- a case with everything on it; lists -------------------------------------------- */

static json_t *error_to_json(const jz_error *e)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "code", json_string(jz_err_name(e->code)), &bad);
    jz__api_set(o, "field", jz__api_str_or_null(e->field), &bad);
    jz__api_set(o, "value", e->value[0] ? jz__api_text(e->value, false) : json_null(), &bad);
    jz__api_set(o, "reason", jz__api_text(e->reason, false), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_case_view_to_json(const jz_case_view *v, bool full_id)
{
    int bad = 0;
    json_t *o = json_object(), *dl = json_object();
    jz__api_set(o, "case", jz_case_to_json(&v->c, full_id), &bad);
    if (v->deadline_failed) {
        jz__api_set(dl, "next", json_null(), &bad);
        jz__api_set(dl, "step_due", json_null(), &bad);
        jz__api_set(dl, "due", json_null(), &bad);
        jz__api_set(dl, "error", error_to_json(&v->deadline_err), &bad);
    } else {
        jz__api_set(dl, "next", jz__api_str_or_null(v->next), &bad);
        jz__api_set(dl, "step_due", jz__api_date_out(v->step_due), &bad);
        jz__api_set(dl, "due", jz__api_date_out(v->due), &bad);
        jz__api_set(dl, "error", json_null(), &bad);
    }
    jz__api_set(o, "deadlines", dl, &bad);
    jz__api_set(o, "steps", array_of(v->steps, v->n_steps, sizeof *v->steps, step_item, full_id),
                &bad);
    jz__api_set(o, "findings",
                array_of(v->findings, v->nf, sizeof *v->findings, finding_item, full_id), &bad);
    if (v->has_opinion) {
        json_t *op = json_object();
        jz__api_set(op, "units", array_of(v->units, v->nu, sizeof *v->units, unit_item, full_id),
                    &bad);
        jz__api_set(op, "reasons",
                    array_of(v->reasons, v->nr, sizeof *v->reasons, reason_item, full_id), &bad);
        jz__api_set(o, "opinion", op, &bad);
    } else {
        jz__api_set(o, "opinion", json_null(), &bad);
    }
    jz__api_set(o, "grants",
                array_of(v->grants, v->n_grants, sizeof *v->grants, grant_item, full_id), &bad);
    return jz__api_done(o, bad);
}

jz_err jz_case_list_req_from_json(const json_t *body, jz_case_list_req *out, jz_error *err)
{
    static const char *const keys[] = {"region", "all", NULL};
    bool all = false;
    memset(out, 0, sizeof *out);
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_string(body, "region", false, 12, &out->region, err)) ||
        (rc = jz__api_bool(body, "all", false, &all, err)))
        return rc;
    out->open_only = !all;
    return JZ_OK;
}

json_t *jz_case_list_to_json(const jz_case_list *l)
{
    json_t *o = json_object();
    int bad = 0;
    jz__api_set(o, "cases", array_of(l->rows, l->n, sizeof *l->rows, case_item, false), &bad);
    return jz__api_done(o, bad);
}

jz_err jz_due_req_from_json(const json_t *body, jz_due_req *out, jz_error *err)
{
    static const char *const keys[] = {"region", "date", "within", "all", NULL};
    long long within = 5;
    memset(out, 0, sizeof *out);
    out->on = jz_date_today();
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_string(body, "region", false, 12, &out->region, err)) ||
        (rc = jz__api_date(body, "date", false, &out->on, err)) ||
        (rc = jz__api_int(body, "within", false, 0, 365, &within, err)) ||
        (rc = jz__api_bool(body, "all", false, &out->all, err)))
        return rc;
    out->within = (long)within;
    return JZ_OK;
}

static json_t *due_case_to_json(const jz_due_case *r)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "case", jz_case_to_json(&r->c, false), &bad);
    jz__api_set(o, "due", jz__api_date_out(r->due), &bad);
    jz__api_set(o, "next", jz__api_str_or_null(r->what ? r->what : r->c.task), &bad);
    if (r->failed) {
        jz__api_set(o, "working_days_left", json_null(), &bad);
        jz__api_set(o, "error", error_to_json(&r->err), &bad);
    } else {
        jz__api_set(o, "working_days_left", json_integer(r->left), &bad);
        jz__api_set(o, "overdue", json_boolean(r->left < 0), &bad);
    }
    return jz__api_done(o, bad);
}

json_t *jz_due_list_to_json(const jz_due_list *l, jz_date on, long within)
{
    int bad = 0;
    json_t *o = json_object(), *rows = json_array(), *problems = json_array();
    for (size_t i = 0; !bad && i < l->n; i++)
        jz__api_append(rows, due_case_to_json(&l->rows[i]), &bad);
    for (size_t i = 0; !bad && i < l->n_problems; i++)
        jz__api_append(problems, due_case_to_json(&l->problems[i]), &bad);
    jz__api_set(o, "date", jz__api_date_out(on), &bad);
    jz__api_set(o, "within", json_integer(within), &bad);
    jz__api_set(o, "cases", rows, &bad);
    jz__api_set(o, "problems", problems, &bad);
    return jz__api_done(o, bad);
}

/* ---- enrolments ---------------------------------------------------------------------- */

json_t *jz_enrolment_to_json(const jz_enrolment *e, bool full_id)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "id", json_integer(e->id), &bad);
    jz__api_set(o, "county", json_string(e->county), &bad);
    jz__api_set(o, "region", json_string(e->region), &bad);
    jz__api_set(o, "household_id", json_string(e->household_id), &bad);
    jz__api_set(o, "case", e->case_id ? json_integer(e->case_id) : json_null(), &bad);
    jz__api_set(o, "member_id", jz__api_id(e->member_id, full_id), &bad);
    jz__api_set(o, "label", json_string(e->label), &bad);
    jz__api_enum_out(o, "programme", e->programme, JZ_UNIT_PROGRAMME_COUNT, jz_unit_programme_names,
                     jz_unit_programme_zh, &bad);
    jz__api_set(o, "persons", json_integer(e->persons), &bad);
    jz__api_set(o, "monthly_fen", json_integer(e->monthly), &bad);
    jz__api_set(o, "first_month", json_string(e->first_month), &bad);
    jz__api_enum_out(o, "status", e->status, JZ_ENROL_STATUS_COUNT, status_names,
                     jz_enrol_status_zh, &bad);
    jz__api_set(o, "end_month", jz__api_str_or_null(e->end_month), &bad);
    jz__api_set(o, "next_review",
                jz__api_date_out(e->status != JZ_ENROL_STOPPED ? e->next_review : JZ_DATE_NONE),
                &bad);
    jz__api_set(o, "review_months", json_integer(e->review_months), &bad);
    jz__api_set(o, "death_check_due", jz__api_date_out(e->death_check_due), &bad);
    jz__api_set(o, "to_recover_fen", json_integer(e->to_recover), &bad);
    jz__api_set(o, "stop_reason", jz__api_str_or_null(e->stop_reason), &bad);
    jz__api_set(o, "judged", json_boolean(e->judged), &bad);
    jz__api_set(o, "origin", jz__api_str_or_null(e->origin), &bad);
    return jz__api_done(o, bad);
}

jz_err jz_enrol_list_req_from_json(const json_t *body, jz_enrol_list_req *out, jz_error *err)
{
    static const char *const keys[] = {"region", "household_id", NULL};
    memset(out, 0, sizeof *out);
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_string(body, "region", false, 12, &out->region, err)) ||
        (rc = jz__api_string(body, "household_id", false, JZ_HOUSEHOLD_ID_MAX - 1,
                             &out->household_id, err)))
        return rc;
    return JZ_OK;
}

json_t *jz_enrolment_list_to_json(const jz_enrolment_list *l)
{
    json_t *o = json_object();
    int bad = 0;
    jz__api_set(o, "enrolments", array_of(l->rows, l->n, sizeof *l->rows, enrolment_item, false),
                &bad);
    return jz__api_done(o, bad);
}

json_t *jz_enrol_due_list_to_json(const jz_enrol_due_list *l, jz_date on, int within_days)
{
    int bad = 0;
    json_t *o = json_object(), *rows = json_array();
    for (size_t i = 0; !bad && i < l->n; i++) {
        const jz_enrol_due_row *r = &l->rows[i];
        json_t *x = json_object();
        jz__api_set(x, "enrolment", jz_enrolment_to_json(&r->e, false), &bad);
        jz__api_set(x, "review", json_boolean(r->review), &bad);
        jz__api_set(x, "death_check", json_boolean(r->death), &bad);
        jz__api_set(x, "when", jz__api_date_out(r->when), &bad);
        jz__api_set(x, "overdue", json_boolean(r->overdue), &bad);
        jz__api_append(rows, x, &bad);
    }
    jz__api_set(o, "date", jz__api_date_out(on), &bad);
    jz__api_set(o, "within_days", json_integer(within_days), &bad);
    jz__api_set(o, "enrolments", rows, &bad);
    return jz__api_done(o, bad);
}

jz_err jz_enrol_req_from_json(const json_t *body, bool stop, jz_enrol_req *out, jz_error *err)
{
    static const char *const exit_keys[] = {"date", "note", NULL};
    static const char *const stop_keys[] = {"date", "note", "reason", "fraud_from", NULL};
    memset(out, 0, sizeof *out);
    out->on = jz_date_today();
    jz_err rc;
    if ((rc = jz__api_object(body, stop ? stop_keys : exit_keys, err)) ||
        (rc = jz__api_date(body, "date", false, &out->on, err)) ||
        (rc = jz__api_string(body, "note", stop, 511, &out->note, err)))
        return rc;
    if (!stop)
        return JZ_OK;
    if ((rc = jz__api_enum(body, "reason", true, jz_stop_reason_names, 0, 3, &out->reason, err)) ||
        (rc = jz__api_month(body, "fraud_from", &out->fraud_from, err)))
        return rc;
    if (out->reason == JZ_STOP_FRAUD && !out->fraud_from)
        return jz_error_set(err, JZ_EINPUT, "fraud_from", NULL,
                            "骗取救助须给出多发起始月份 YYYY-MM");
    if (out->reason != JZ_STOP_FRAUD && out->fraud_from)
        return jz_error_set(err, JZ_EINPUT, "fraud_from", NULL,
                            "只有骗取救助（fraud）才有多发起始月份");
    return JZ_OK;
}

json_t *jz_enrol_res_to_json(const jz_enrol_res *r)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "before", jz_enrolment_to_json(&r->before, false), &bad);
    jz__api_set(o, "after", jz_enrolment_to_json(&r->after, false), &bad);
    jz__api_set(o, "months", json_integer(r->months), &bad);
    /* A fraud stop: what the ledger recovers and what it withdrew. */
    jz__api_set(o, "recovery", r->recovery ? json_integer(r->recovery) : json_null(), &bad);
    jz__api_set(o, "recovered_fen", json_integer(r->recovered), &bad);
    jz__api_set(o, "withdrawn", json_integer(r->withdrawn), &bad);
    jz__api_set(o, "withdrawn_fen", json_integer(r->withdrawn_total), &bad);
    return jz__api_done(o, bad);
}

/* ---- a death ------------------------------------------------------------------------ */

jz_err jz_enrol_death_req_from_json(const json_t *body, jz_enrol_death_req *out, jz_error *err)
{
    static const char *const keys[] = {"id_number", "death_date", "date",
                                       "note",      "enrolment",  NULL};
    long long enrolment = 0;
    memset(out, 0, sizeof *out);
    out->on = jz_date_today();
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_string(body, "id_number", true, 18, &out->id_number, err)) ||
        (rc = jz__api_date(body, "death_date", true, &out->death, err)) ||
        (rc = jz__api_date(body, "date", false, &out->on, err)) ||
        (rc = jz__api_string(body, "note", false, 511, &out->note, err)) ||
        (rc = jz__api_int(body, "enrolment", false, 1, INT64_MAX, &enrolment, err)))
        return rc;
    out->enrolment = enrolment;
    return JZ_OK;
}

json_t *jz_enrol_death_res_to_json(const jz_enrol_death_res *r)
{
    int bad = 0;
    json_t *o = json_object();
    const jz_death_res *d = &r->death;
    jz__api_set(o, "household_id", json_string(d->household_id), &bad);
    jz__api_set(o, "region", json_string(d->region), &bad);
    jz__api_set(o, "name", json_string(d->name), &bad);
    jz__api_set(o, "record_version", json_integer(d->record_version), &bad);
    jz__api_set(o, "stopped", json_integer((json_int_t)d->stopped), &bad);
    jz__api_set(o, "ended", json_integer((json_int_t)d->ended), &bad);
    jz__api_set(o, "checks", json_integer((json_int_t)d->checks), &bad);
    jz__api_set(o, "check_due", jz__api_date_out(d->checks ? d->check_due : JZ_DATE_NONE), &bad);
    jz__api_set(o, "nobody_left", json_boolean(d->nobody_left), &bad);
    jz__api_set(o, "enrolment",
                r->enrolment.id ? jz_enrolment_to_json(&r->enrolment, false) : json_null(), &bad);
    return jz__api_done(o, bad);
}
