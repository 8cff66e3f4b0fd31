/*
 * case.c - the rules of the procedure: which step may follow which, and
 * the deadlines in working days (seed 001 四, POLICY.md R-WF-1..5).
 *
 * Every refusal says, in Chinese, what must happen first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jiuzhu/jz_case.h"
#include "jiuzhu/jz_rules.h"

const char *const jz_case_state_names[JZ_CASE_STATE_COUNT] = {
    "accepted", "investigating", "verifying", "preliminary",
    "notice",   "confirmed",     "decided",   "closed"};
const char *const jz_case_state_zh[JZ_CASE_STATE_COUNT] = {
    "已受理，待启动家庭经济状况调查", "家庭经济状况调查中", "信息核对中",
    "乡镇已提出初审意见，待公示",     "公示中",             "县级已审核确认，待作出决定",
    "已作出决定，待公布或送达通知",   "已办结"};
const char *const jz_case_action_names[JZ_ACT_COUNT] = {
    "accept",  "investigate", "verify",  "preliminary", "notice", "object",
    "confirm", "decide",      "publish", "home-visit",  "extend", "advance", "applicant"};
const char *const jz_case_action_zh[JZ_ACT_COUNT] = {
    "受理",         "启动家庭经济状况调查", "信息核对", "乡镇初审", "公示",     "公示异议",
    "县级审核确认", "作出决定",             "公布",     "入户调查", "延长期限", "先行救助",
    "变更申请人"};
const char *const jz_grant_kind_names[JZ_GRANT_KIND_COUNT] = {"decided", "pending", "small"};
const char *const jz_grant_kind_zh[JZ_GRANT_KIND_COUNT] = {
    "临时救助", "审核期间先行发放的临时救助", "小金额先行救助"};
const char *const jz_extend_reason_names[JZ_EXT_COUNT] = {"", "objection", "separated",
                                                          "elsewhere", "hard-investigation"};
const char *const jz_extend_reason_zh[JZ_EXT_COUNT] = {"", "公示有异议", "人户分离", "异地申办",
                                                       "家庭经济状况调查难度较大"};
const char *const jz_unit_programme_names[JZ_UNIT_PROGRAMME_COUNT] = {
    "dibao",        "dibao_expenditure", "marginal", "rigid_expenditure",
    "single_dibao", "tekun",             "temporary"};
const char *const jz_unit_programme_zh[JZ_UNIT_PROGRAMME_COUNT] = {
    "最低生活保障", "支出型贫困低保", "低保边缘家庭", "刚性支出困难家庭",
    "单人保",       "特困人员供养",   "临时救助"};

__attribute__((format(printf, 3, 4))) static jz_err refuse(jz_error *err, jz_case_action a,
                                                           const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return jz_error_set(err, JZ_EINPUT, "case", NULL, "不能%s：%s",
                        jz_case_action_zh[a], why);
}

/* The date of the latest step, which a new step may not precede. */
static jz_date last_step(const jz_case *c)
{
    jz_date d[] = {c->accepted_on,  c->investigated_on, c->verified_on,
                   c->preliminary_on, c->notice_from,   c->confirmed_on,
                   c->decided_on,   c->closed_on};
    jz_date m = JZ_DATE_NONE;
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        if (d[i] > m)
            m = d[i];
    return m;
}

jz_err jz_case_check(const jz_case *c, jz_case_action a, jz_date on, jz_error *err)
{
    char d[JZ_DATE_BUF];
    if (a == JZ_ACT_ACCEPT)
        return refuse(err, a, "本案已经受理过");
    if (c->state == JZ_CASE_CLOSED)
        return refuse(err, a, "案件已办结（已公布或已通知），不能再办理；情况变化请另行申请或启动复核");
    jz_date last = last_step(c);
    if (on < last) {
        jz_date_format(last, d, sizeof d);
        return refuse(err, a, "日期早于本案上一步骤的日期 %s", d);
    }
    switch (a) {
    case JZ_ACT_INVESTIGATE:
        if (c->state != JZ_CASE_ACCEPTED)
            return refuse(err, a, "家庭经济状况调查已经启动（当前：%s）", jz_case_state_zh[c->state]);
        return JZ_OK;
    case JZ_ACT_VERIFY:
        if (c->state != JZ_CASE_INVESTIGATING)
            return refuse(err, a, "须先启动家庭经济状况调查，信息核对随后进行（当前：%s）",
                          jz_case_state_zh[c->state]);
        return JZ_OK;
    case JZ_ACT_PRELIMINARY:
        if (c->state != JZ_CASE_VERIFYING)
            return refuse(err, a, "须先完成家庭经济状况调查和信息核对（当前：%s）",
                          jz_case_state_zh[c->state]);
        return JZ_OK;
    case JZ_ACT_NOTICE:
        if (c->state != JZ_CASE_PRELIMINARY)
            return refuse(err, a, "须先由乡镇提出初审意见，再在村（社区）公示（当前：%s）",
                          jz_case_state_zh[c->state]);
        return JZ_OK;
    case JZ_ACT_OBJECT:
        if (c->state != JZ_CASE_NOTICE)
            return refuse(err, a, "只有公示期间才能提出公示异议（当前：%s）",
                          jz_case_state_zh[c->state]);
        if (on > c->notice_until) {
            jz_date_format(c->notice_until, d, sizeof d);
            return refuse(err, a, "公示期已于 %s 结束", d);
        }
        return JZ_OK;
    case JZ_ACT_CONFIRM:
        if (c->state != JZ_CASE_NOTICE)
            return refuse(err, a, "须先公示乡镇初审意见 %d 天（当前：%s）", c->notice_days,
                          jz_case_state_zh[c->state]);
        if (on <= c->notice_until) {
            jz_date_format(c->notice_until, d, sizeof d);
            return refuse(err, a, "公示期至 %s 才结束，公示期满且无异议后方可审核确认", d);
        }
        if (c->staff_relative && !c->home_visited)
            return refuse(err, a,
                          "申请人或家庭成员是经办人员的近亲属（已备案），须先记录入户调查"
                          "（R-WF-5）");
        return JZ_OK;
    case JZ_ACT_DECIDE:
        if (c->state == JZ_CASE_DECIDED)
            return refuse(err, a, "本案已作出决定（%s），不能重复决定",
                          c->decision == JZ_DECISION_APPROVED ? "批准" : "不予批准");
        if (c->state != JZ_CASE_CONFIRMED)
            return refuse(err, a, "须先由县级民政部门审核确认（当前：%s）", jz_case_state_zh[c->state]);
        return JZ_OK;
    case JZ_ACT_PUBLISH:
        if (c->state != JZ_CASE_DECIDED)
            return refuse(err, a, "须先作出决定（当前：%s）", jz_case_state_zh[c->state]);
        return JZ_OK;
    case JZ_ACT_HOME_VISIT:
        if (c->state >= JZ_CASE_CONFIRMED)
            return refuse(err, a, "县级已审核确认，入户调查应在审核确认之前（当前：%s）",
                          jz_case_state_zh[c->state]);
        return JZ_OK;
    case JZ_ACT_APPLICANT:
        return JZ_OK;
    case JZ_ACT_ADVANCE:
        if (c->state >= JZ_CASE_DECIDED)
            return refuse(err, a, "本案已作出决定，临时救助应在决定中确定（当前：%s）",
                          jz_case_state_zh[c->state]);
        return JZ_OK;
    case JZ_ACT_EXTEND:
        if (c->state >= JZ_CASE_DECIDED)
            return refuse(err, a, "本案已作出决定，办理期限不再延长");
        if (c->extended)
            return refuse(err, a, "本案已延长过期限（%s），最长 %d 个工作日",
                          jz_extend_reason_zh[c->extended], c->extended_days);
        return JZ_OK;
    default:
        return refuse(err, a, "未知步骤");
    }
}

jz_err jz_case_apply(jz_case *c, jz_case_action a, jz_date on, const jz_case_input *in,
                     jz_error *err)
{
    jz_err rc = jz_case_check(c, a, on, err);
    if (rc)
        return rc;
    const char *note = in && in->note ? in->note : "";
    jz_case n = *c;
    switch (a) {
    case JZ_ACT_INVESTIGATE:
        n.state = JZ_CASE_INVESTIGATING;
        n.investigated_on = on;
        if (in && in->home_visit)
            n.home_visited = true;
        break;
    case JZ_ACT_VERIFY:
        n.state = JZ_CASE_VERIFYING;
        n.verified_on = on;
        break;
    case JZ_ACT_PRELIMINARY:
        n.state = JZ_CASE_PRELIMINARY;
        n.preliminary_on = on;
        break;
    case JZ_ACT_NOTICE:
        n.state = JZ_CASE_NOTICE;
        n.notice_from = on;
        n.notice_until = jz_date_add_days(on, c->notice_days - 1);
        break;
    case JZ_ACT_OBJECT:
        if (!note[0])
            return refuse(err, a, "须记录异议的内容（--note）");
        /* R-WF-4: back to investigation, then a new 初审 and 公示. */
        n.state = JZ_CASE_INVESTIGATING;
        n.investigated_on = on;
        n.verified_on = n.preliminary_on = n.notice_from = n.notice_until = JZ_DATE_NONE;
        n.objections++;
        break;
    case JZ_ACT_CONFIRM:
        n.state = JZ_CASE_CONFIRMED;
        n.confirmed_on = on;
        break;
    case JZ_ACT_DECIDE: {
        uint8_t d = in ? in->decision : JZ_DECISION_NONE;
        if (d != JZ_DECISION_APPROVED && d != JZ_DECISION_REFUSED)
            return refuse(err, a, "须决定批准或不予批准");
        const char *why = in->judgment && in->judgment[0] ? in->judgment : note;
        if (d == JZ_DECISION_APPROVED && in->approved_units == 0)
            return refuse(err, a, "%s",
                          in->opinion_units == 0
                              ? "乡镇初审认定不符合任何救助项目，不能批准；如认定有误，请更正户记录"
                                "并退回重新调查，或由县级民政部门综合判断（--judgment 写明理由，"
                                "--unit 确定救助项目和金额，R-WF-7）"
                              : "没有批准任何救助项目；全部不予批准请用 --refuse");
        if (d == JZ_DECISION_REFUSED && in->opinion_units > 0 && !why[0])
            return refuse(err, a, "初审认定符合条件而不予批准的，须写明理由（--judgment 或 --note）");
        snprintf(n.judgment, sizeof n.judgment, "%s", in->judgment ? in->judgment : "");
        n.state = JZ_CASE_DECIDED;
        n.decided_on = on;
        n.decision = d;
        if (d == JZ_DECISION_APPROVED) {
            /* Paid from the month after the decision unless told otherwise,
             * never from a month before it. */
            jz_date fm = in->first_month ? in->first_month : jz_date_add_months(on, 1);
            if (fm / 100 < on / 100)
                return refuse(err, a, "起始发放月份不能早于决定当月");
            char b[JZ_DATE_BUF];
            jz_date_format(fm, b, sizeof b);
            snprintf(n.first_month, sizeof n.first_month, "%.7s", b);
        }
        break;
    }
    case JZ_ACT_PUBLISH:
        n.state = JZ_CASE_CLOSED;
        n.closed_on = on;
        break;
    case JZ_ACT_HOME_VISIT:
        if (!note[0])
            return refuse(err, a, "须记录入户调查的情况（--note）");
        n.home_visited = true;
        break;
    case JZ_ACT_ADVANCE:
        if (!note[0])
            return refuse(err, a, "须记录先行救助的原因和困难情况（--note）");
        break;
    case JZ_ACT_APPLICANT:
        if (!note[0])
            return refuse(err, a, "须记录变更申请人的原因（--note）");
        if (!in || !in->applicant_id || !in->applicant_id[0])
            return refuse(err, a, "须指定新的申请人（--applicant）");
        snprintf(n.applicant_id, sizeof n.applicant_id, "%s", in->applicant_id);
        snprintf(n.applicant_name, sizeof n.applicant_name, "%s",
                 in->applicant_name ? in->applicant_name : "");
        break;
    case JZ_ACT_EXTEND:
        if (!in || in->extend_reason <= JZ_EXT_NONE || in->extend_reason >= JZ_EXT_COUNT)
            return refuse(err, a,
                          "须说明延长的理由：objection（公示有异议）、separated（人户分离）、"
                          "elsewhere（异地申办）或 hard-investigation（调查难度较大）");
        n.extended = in->extend_reason;
        break;
    default:
        return refuse(err, a, "未知步骤");
    }
    *c = n;
    return JZ_OK;
}

int jz_case_days(const jz_case *c)
{
    return c->extended ? c->extended_days : c->days;
}

jz_err jz_case_deadlines(const jz_case *c, const jz_calendar *cal, jz_date *step_due,
                         jz_date *overall_due, const char **what, jz_error *err)
{
    *step_due = *overall_due = JZ_DATE_NONE;
    const char *label = NULL;
    jz_err rc = JZ_OK;
    if (c->state == JZ_CASE_CLOSED)
        goto done;
    if (c->state < JZ_CASE_DECIDED && c->due_by) {
        /* A review opened as a task: its legal deadline (R-REVIEW-1's due
         * date, or R-DEATH-1's three months). */
        *overall_due = c->due_by;
    } else if (c->state < JZ_CASE_DECIDED &&
               (rc = jz_calendar_add(cal, c->accepted_on, jz_case_days(c), overall_due, err))) {
        return rc;
    }
    switch (c->state) {
    case JZ_CASE_ACCEPTED:
        label = "启动家庭经济状况调查";
        rc = jz_calendar_add(cal, c->accepted_on, JZ_CASE_START_DAYS, step_due, err);
        break;
    case JZ_CASE_INVESTIGATING:
        label = "启动信息核对";
        rc = jz_calendar_add(cal, c->investigated_on, JZ_CASE_START_DAYS, step_due, err);
        break;
    case JZ_CASE_VERIFYING:
        label = "乡镇提出初审意见";
        break;
    case JZ_CASE_PRELIMINARY:
        label = "在村（社区）公示";
        break;
    case JZ_CASE_NOTICE:
        label = "县级审核确认（公示期满后）";
        rc = jz_calendar_add(cal, c->notice_until, JZ_CASE_CONFIRM_DAYS, step_due, err);
        break;
    case JZ_CASE_CONFIRMED:
        label = "作出决定";
        break;
    case JZ_CASE_DECIDED:
        if (c->decision == JZ_DECISION_REFUSED) {
            label = "书面通知申请人（不予批准及理由）";
            rc = jz_calendar_add(cal, c->decided_on, JZ_CASE_REFUSAL_DAYS, step_due, err);
        } else {
            label = "在村（社区）公布";
        }
        break;
    default:
        break;
    }
done:
    if (what)
        *what = label ? label : "";
    return rc;
}

static void put_date(json_t *o, const char *k, jz_date d)
{
    if (d == JZ_DATE_NONE) {
        json_object_set_new(o, k, json_null());
        return;
    }
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    json_object_set_new(o, k, json_string(b));
}

char *jz_case_json(const jz_case *c)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    char m[JZ_MONEY_BUF];
    json_object_set_new(o, "case", json_integer(c->id));
    json_object_set_new(o, "county", json_string(c->county));
    json_object_set_new(o, "region", json_string(c->region));
    json_object_set_new(o, "household_id", json_string(c->household_id));
    json_object_set_new(o, "applicant_id", json_string(c->applicant_id));
    json_object_set_new(o, "applicant_name", json_string(c->applicant_name));
    json_object_set_new(o, "members", json_integer(c->members));
    json_object_set_new(o, "state",
                        json_string(c->state < JZ_CASE_STATE_COUNT ? jz_case_state_names[c->state]
                                                                   : "?"));
    json_object_set_new(o, "township_confirms", json_boolean(c->township_confirms));
    json_object_set_new(o, "staff_relative", json_boolean(c->staff_relative));
    json_object_set_new(o, "home_visited", json_boolean(c->home_visited));
    json_object_set_new(o, "extended",
                        c->extended && c->extended < JZ_EXT_COUNT
                            ? json_string(jz_extend_reason_names[c->extended])
                            : json_null());
    json_object_set_new(o, "decision",
                        json_string(c->decision == JZ_DECISION_APPROVED  ? "approved"
                                    : c->decision == JZ_DECISION_REFUSED ? "refused"
                                                                         : "none"));
    json_object_set_new(o, "objections", json_integer(c->objections));
    put_date(o, "accepted_on", c->accepted_on);
    put_date(o, "investigated_on", c->investigated_on);
    put_date(o, "verified_on", c->verified_on);
    put_date(o, "preliminary_on", c->preliminary_on);
    put_date(o, "notice_from", c->notice_from);
    put_date(o, "notice_until", c->notice_until);
    put_date(o, "confirmed_on", c->confirmed_on);
    put_date(o, "decided_on", c->decided_on);
    put_date(o, "closed_on", c->closed_on);
    json_object_set_new(o, "proposed_category",
                        json_string(c->proposed_category < JZ_CAT_COUNT
                                        ? jz_category_names[c->proposed_category]
                                        : "?"));
    jz_money_format(c->proposed_monthly, m, sizeof m);
    json_object_set_new(o, "proposed_monthly", json_string(m));
    json_object_set_new(o, "first_month",
                        c->first_month[0] ? json_string(c->first_month) : json_null());
    json_object_set_new(o, "kind", json_string(c->kind == JZ_CASE_REVIEW ? "review" : "application"));
    json_object_set_new(o, "days", json_integer(c->days));
    json_object_set_new(o, "extended_days", json_integer(c->extended_days));
    json_object_set_new(o, "notice_days", json_integer(c->notice_days));
    json_t *progs = json_array();
    for (int k = 0; k < JZ_UNIT_PROGRAMME_COUNT; k++)
        if (c->programmes & (1u << k))
            json_array_append_new(progs, json_string(jz_unit_programme_names[k]));
    json_object_set_new(o, "programmes", progs);
    json_object_set_new(o, "judgment", c->judgment[0] ? json_string(c->judgment) : json_null());
    put_date(o, "due_by", c->due_by);
    json_object_set_new(o, "task", c->task[0] ? json_string(c->task) : json_null());
    json_object_set_new(o, "record_version", json_integer(c->record_version));
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

static jz_case_unit *unit(jz_case_unit *u, const jz_household *h, int member, const char *label,
                          jz_unit_programme p, int persons, jz_fen monthly)
{
    memset(u, 0, sizeof *u);
    u->member = member;
    if (member >= 0)
        snprintf(u->member_id, sizeof u->member_id, "%s", h->members[member].id);
    snprintf(u->label, sizeof u->label, "%s", label ? label : "");
    u->programme = (uint8_t)p;
    u->persons = persons;
    u->monthly = monthly;
    return u;
}

size_t jz_case_units(const jz_household *h, const jz_result *r, jz_case_unit *out)
{
    size_t n = 0;
    static const jz_unit_programme by_category[JZ_CAT_COUNT] = {
        JZ_UNIT_PROGRAMME_COUNT, JZ_UNIT_DIBAO, JZ_UNIT_DIBAO_EXPENDITURE, JZ_UNIT_MARGINAL,
        JZ_UNIT_RIGID_EXPENDITURE};
    if (r->category > JZ_CAT_NONE && r->category < JZ_CAT_COUNT)
        unit(&out[n++], h, -1, "全户", by_category[r->category], r->counted_members,
             r->category == JZ_CAT_DIBAO || r->category == JZ_CAT_DIBAO_EXPENDITURE
                 ? r->monthly_amount
                 : 0);
    for (uint32_t i = 0; i < r->n_persons && i < h->n_members && n < JZ_CASE_UNITS_MAX; i++) {
        const jz_person_result *p = &r->persons[i];
        const char *name = h->members[i].name ? h->members[i].name : h->members[i].id;
        if (p->categories & JZ_PCAT_TEKUN)
            unit(&out[n++], h, (int)i, name, JZ_UNIT_TEKUN, 1, p->monthly_amount);
        else if (p->categories & JZ_PCAT_SINGLE_DIBAO)
            unit(&out[n++], h, (int)i, name, JZ_UNIT_SINGLE_DIBAO, 1, p->monthly_amount);
    }
    /* Temporary assistance (R-TMP-1's grant, R-TMP-2 up to its cap): decided
     * in the same case (R-WF-8), a one-time amount per member. */
    for (uint32_t i = 0; i < r->n_persons && i < h->n_members && n < JZ_CASE_UNITS_MAX; i++) {
        const jz_person_result *p = &r->persons[i];
        if (!p->tmp_rule)
            continue;
        const char *name = h->members[i].name ? h->members[i].name : h->members[i].id;
        jz_case_unit *x = unit(&out[n++], h, (int)i, name, JZ_UNIT_TEMPORARY, 1, 0);
        x->once = p->tmp_amount;
        snprintf(x->rule, sizeof x->rule, "%s", jz_rule_ids[p->tmp_rule - 1]);
    }
    return n;
}

size_t jz_case_reasons(const jz_household *h, const jz_result *r, const jz_trace *t,
                       jz_case_reason *out, size_t cap)
{
    size_t n = 0;
    for (int rule = 0; rule < 64 && n < cap; rule++) {
        if (!(r->decisive & (UINT64_C(1) << rule)))
            continue;
        jz_case_reason *x = &out[n++];
        memset(x, 0, sizeof *x);
        snprintf(x->rule, sizeof x->rule, "%s", jz_rule_ids[rule]);
        snprintf(x->source, sizeof x->source, "%s", jz_rule_table[rule].source);
        /* The trace's finding for the household, else for the first member. */
        const jz_trace_entry *found = NULL;
        for (uint32_t i = 0; t && i < t->n; i++)
            if (t->e[i].rule == rule && (!found || (found->member >= 0 && t->e[i].member < 0)))
                found = &t->e[i];
        x->holds = found && found->holds == JZ_HOLDS_YES;
        char detail[800] = "";
        if (found)
            jz_trace_detail(found, h, detail, sizeof detail);
        const char *who = found && found->member >= 0 && h->members[found->member].name
                              ? h->members[found->member].name
                              : NULL;
        snprintf(x->text, sizeof x->text, "%s%s%s%s", jz_rule_table[rule].title,
                 who ? "（" : "", who ? who : "", who ? "）" : "");
        if (detail[0]) {
            size_t len = strlen(x->text);
            snprintf(x->text + len, sizeof x->text - len, "：%s", detail);
        }
    }
    return n;
}

const char *const jz_enrol_status_zh[JZ_ENROL_STATUS_COUNT] = {"正常享受", "渐退期", "已停止"};

int jz_review_months(const jz_household *h, jz_date on)
{
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        if (m->deceased && m->deceased <= on)
            continue;
        if (m->employment == JZ_EMP_UNEMPLOYED || m->newly_employed)
            return 6;
        int age = jz_date_age(m->birth, on);
        bool severe = m->disability_grade == 1 || m->disability_grade == 2;
        if (age >= 16 && age <= 59 && m->student_level == JZ_STU_NONE && !severe &&
            !m->serious_illness)
            return 6;
    }
    return 12;
}

size_t jz_case_units_limit(jz_case_unit *u, size_t n, uint8_t programmes)
{
    if (!programmes)
        return n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (programmes & (1u << u[i].programme))
            u[k++] = u[i];
    return k;
}

char *jz_enrolment_json(const jz_enrolment *e)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    char m[JZ_MONEY_BUF], r[JZ_MONEY_BUF];
    jz_money_format(e->monthly, m, sizeof m);
    jz_money_format(e->to_recover, r, sizeof r);
    json_object_set_new(o, "enrolment", json_integer(e->id));
    json_object_set_new(o, "household_id", json_string(e->household_id));
    json_object_set_new(o, "case", json_integer(e->case_id));
    json_object_set_new(o, "member", json_integer(e->member));
    json_object_set_new(o, "label", json_string(e->label));
    json_object_set_new(o, "programme", json_string(e->programme < JZ_UNIT_PROGRAMME_COUNT
                                                        ? jz_unit_programme_names[e->programme]
                                                        : "?"));
    json_object_set_new(o, "persons", json_integer(e->persons));
    json_object_set_new(o, "monthly", json_string(m));
    json_object_set_new(o, "first_month", json_string(e->first_month));
    json_object_set_new(o, "status", json_string(e->status == JZ_ENROL_ACTIVE    ? "active"
                                                 : e->status == JZ_ENROL_EXITING ? "exiting"
                                                                                 : "stopped"));
    json_object_set_new(o, "end_month", e->end_month[0] ? json_string(e->end_month) : json_null());
    put_date(o, "next_review", e->next_review);
    json_object_set_new(o, "review_months", json_integer(e->review_months));
    put_date(o, "death_check_due", e->death_check_due);
    json_object_set_new(o, "to_recover", json_string(r));
    json_object_set_new(o, "stop_reason", json_string(e->stop_reason));
    json_object_set_new(o, "member_id", json_string(e->member_id));
    json_object_set_new(o, "judged", json_boolean(e->judged));
    json_object_set_new(o, "origin", json_string(e->origin));
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

const jz_member *jz_case_default_applicant(const jz_household *h, jz_date on)
{
    const jz_member *best = NULL;
    int rank = 0; /* 3 head, 2 present, 1 living */
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        if (m->deceased != JZ_DATE_NONE && m->deceased <= on)
            continue;
        int r = m->relation == JZ_REL_HEAD ? 3 : m->presence == JZ_PRES_PRESENT ? 2 : 1;
        if (r > rank) {
            best = m;
            rank = r;
        }
    }
    return best;
}
