/*
 * decide.c - the county's decision on each unit of a case (seed 001 四(一),
 * POLICY.md R-WF-7 and R-WF-8): approving what the township's opinion found,
 * refusing some of it with reasons, the amounts of temporary assistance, and
 * the county's overall judgment where a family's real difficulty calls for a
 * decision the engine did not find.  Pure: no store, no I/O.
 *
 * The engine's finding is the default; anything else is a judgment, which
 * is never silent: it needs a written reason, is made by the county, and is
 * flagged on the unit (and by the caller on the case, the audit log and the
 * lists).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_case.h"

static bool household_programme(int p)
{
    return p == JZ_UNIT_DIBAO || p == JZ_UNIT_DIBAO_EXPENDITURE || p == JZ_UNIT_MARGINAL ||
           p == JZ_UNIT_RIGID_EXPENDITURE;
}

/* Programmes that pay no money every month. */
static bool pays_monthly(int p)
{
    return p == JZ_UNIT_DIBAO || p == JZ_UNIT_DIBAO_EXPENDITURE || p == JZ_UNIT_SINGLE_DIBAO ||
           p == JZ_UNIT_TEKUN;
}

static const char *who(const jz_decide_input *in, int member)
{
    if (member < 0)
        return "全户";
    if (in->h && (uint32_t)member < in->h->n_members) {
        const jz_member *m = &in->h->members[member];
        return m->name && m->name[0] ? m->name : m->id;
    }
    return "?";
}

static void money(jz_fen v, char *b)
{
    jz_money_format(v, b, JZ_MONEY_BUF);
}

static int find_unit(const jz_case_unit *u, size_t n, int member, int programme)
{
    for (size_t i = 0; i < n; i++)
        if (u[i].member == member && (programme < 0 || u[i].programme == programme))
            return (int)i;
    return -1;
}

/* A unit the engine did not find, added by the county's judgment. */
static jz_case_unit *add_unit(jz_case_unit *u, size_t *n, const jz_decide_input *in, int member,
                              int programme)
{
    if (*n >= JZ_CASE_UNITS_MAX)
        return NULL;
    jz_case_unit *x = &u[(*n)++];
    memset(x, 0, sizeof *x);
    x->member = member;
    x->programme = (uint8_t)programme;
    x->added = true;
    x->judged = true;
    snprintf(x->label, sizeof x->label, "%s", who(in, member));
    if (member >= 0 && in->h && (uint32_t)member < in->h->n_members)
        snprintf(x->member_id, sizeof x->member_id, "%s", in->h->members[member].id);
    x->persons = 1;
    if (member < 0 && in->h) {
        /* The household's unit: its living members who are not a unit of
         * their own in this case. */
        int persons = 0;
        for (uint32_t i = 0; i < in->h->n_members; i++) {
            const jz_member *m = &in->h->members[i];
            bool own = false;
            for (size_t k = 0; k + 1 < *n; k++)
                if (u[k].member == (int)i &&
                    (u[k].programme == JZ_UNIT_TEKUN || u[k].programme == JZ_UNIT_SINGLE_DIBAO) &&
                    u[k].verdict != JZ_VERDICT_REFUSED)
                    own = true;
            if (m->deceased == JZ_DATE_NONE && m->presence == JZ_PRES_PRESENT && !own)
                persons++;
        }
        x->persons = persons;
    }
    return x;
}

__attribute__((format(printf, 2, 3))) static jz_err bad(jz_error *err, const char *fmt, ...)
{
    char why[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return jz_error_set(err, JZ_EINPUT, "decision", NULL, "%s", why);
}

jz_err jz_case_decide_units(jz_case_unit *out, size_t *nu, const jz_decide_input *in,
                            bool *judged, size_t *approved, jz_error *err)
{
    jz_case_unit u[JZ_CASE_UNITS_MAX];
    size_t n = *nu;
    memcpy(u, out, n * sizeof u[0]);
    for (size_t i = 0; i < n; i++) {
        u[i].verdict = JZ_VERDICT_NONE;
        u[i].decided_monthly = u[i].decided_once = 0;
        u[i].judged = u[i].added = false;
        u[i].reason[0] = '\0';
    }
    const char *reason = in->reason ? in->reason : "";
    bool any_judged = false;
    bool set_once[JZ_CASE_UNITS_MAX] = {false};
    char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF];

    if (in->decision == JZ_DECISION_REFUSED) {
        if (in->n_choices)
            return bad(err, "不予批准的决定不能同时确定救助单元或金额");
        for (size_t i = 0; i < n; i++) {
            u[i].verdict = JZ_VERDICT_REFUSED;
            u[i].judged = true; /* the opinion found it */
            snprintf(u[i].reason, sizeof u[i].reason, "%s", reason);
            any_judged = true;
        }
    } else if (in->decision == JZ_DECISION_APPROVED) {
        for (size_t c = 0; c < in->n_choices; c++) {
            const jz_unit_choice *ch = &in->choices[c];
            int p = ch->programme;
            if (ch->amount < 0)
                return bad(err, "%s 的金额不能为负数", who(in, ch->member));
            if (ch->kind == JZ_CHOICE_REFUSE) {
                bool hit = false;
                for (size_t i = 0; i < n; i++) {
                    if (u[i].member != ch->member || (p >= 0 && u[i].programme != p))
                        continue;
                    u[i].verdict = JZ_VERDICT_REFUSED;
                    u[i].judged = true;
                    snprintf(u[i].reason, sizeof u[i].reason, "%s", reason);
                    hit = true;
                }
                if (!hit)
                    return bad(err, "初审意见中没有 %s 的%s，无从不予批准", who(in, ch->member),
                               p >= 0 && p < JZ_UNIT_PROGRAMME_COUNT ? jz_unit_programme_zh[p]
                                                                      : "救助单元");
                any_judged = true;
            } else if (ch->kind == JZ_CHOICE_SET) {
                if (p < 0 || p >= JZ_UNIT_PROGRAMME_COUNT || p == JZ_UNIT_TEMPORARY)
                    return bad(err, "%s：救助项目不明（临时救助请用 --temporary）",
                               who(in, ch->member));
                if (household_programme(p) != (ch->member < 0))
                    return bad(err, "%s是%s", jz_unit_programme_zh[p],
                               household_programme(p) ? "以全户为单元的项目（用 household）"
                                                      : "以个人为单元的项目（须指定成员）");
                if (!pays_monthly(p) && ch->amount != 0)
                    return bad(err, "%s不按月发放现金，金额应为 0", jz_unit_programme_zh[p]);
                int k = find_unit(u, n, ch->member, p);
                jz_case_unit *x;
                if (k >= 0) {
                    x = &u[k];
                    if (x->verdict == JZ_VERDICT_REFUSED)
                        return bad(err, "%s 的%s既不予批准又确定了金额", who(in, ch->member),
                                   jz_unit_programme_zh[p]);
                    if (ch->amount != x->monthly)
                        x->judged = true;
                } else {
                    /* One household unit: a different household programme
                     * found must be refused first. */
                    if (ch->member < 0)
                        for (size_t i = 0; i < n; i++)
                            if (u[i].member < 0 && u[i].verdict != JZ_VERDICT_REFUSED)
                                return bad(err,
                                           "初审意见认定全户为%s；改为%s须先不予批准原认定"
                                           "（--refuse-unit household）",
                                           jz_unit_programme_zh[u[i].programme],
                                           jz_unit_programme_zh[p]);
                    x = add_unit(u, &n, in, ch->member, p);
                    if (!x)
                        return bad(err, "救助单元过多");
                }
                x->verdict = JZ_VERDICT_APPROVED;
                x->decided_monthly = ch->amount;
                if (x->judged)
                    any_judged = true;
            } else if (ch->kind == JZ_CHOICE_TEMPORARY) {
                if (ch->member < 0)
                    return bad(err, "临时救助须指定成员（领取人）");
                if (ch->amount <= 0)
                    return bad(err, "%s 的临时救助金额应大于 0", who(in, ch->member));
                int k = find_unit(u, n, ch->member, JZ_UNIT_TEMPORARY);
                jz_case_unit *x;
                if (k >= 0) {
                    x = &u[k];
                    if (x->verdict == JZ_VERDICT_REFUSED)
                        return bad(err, "%s 的临时救助既不予批准又确定了金额", who(in, ch->member));
                } else {
                    x = add_unit(u, &n, in, ch->member, JZ_UNIT_TEMPORARY);
                    if (!x)
                        return bad(err, "救助单元过多");
                    snprintf(x->rule, sizeof x->rule, "R-TMP-2");
                    x->once = in->tmp_cap;
                }
                x->verdict = JZ_VERDICT_APPROVED;
                x->decided_once = ch->amount;
                set_once[x - u] = true;
                if (strcmp(x->rule, "R-TMP-1") == 0 && ch->amount != x->once) {
                    if (ch->amount < in->tmp1_min) {
                        money(ch->amount, a);
                        money(in->tmp1_min, b);
                        return jz_error_set(err, JZ_EINPUT, "decision", a,
                                            "%s：未参保失业人员一次性临时救助金不得低于当地农村低保"
                                            "月标准 %s 元（R-TMP-1，晋民发〔2022〕38号 二.8）",
                                            who(in, ch->member), b);
                    }
                    x->judged = true;
                }
                if (x->judged)
                    any_judged = true;
            }
        }
        for (size_t i = 0; i < n; i++) {
            jz_case_unit *x = &u[i];
            if (x->verdict != JZ_VERDICT_NONE)
                continue;
            x->verdict = JZ_VERDICT_APPROVED;
            x->decided_monthly = x->monthly;
            if (x->programme == JZ_UNIT_TEMPORARY) {
                if (strcmp(x->rule, "R-TMP-2") == 0) {
                    money(x->once, a);
                    return jz_error_set(err, JZ_EINPUT, "--temporary", x->label,
                                        "初审认定 %s 可获临时救助（R-TMP-2，不超过 %s 元）：批准时须用"
                                        " --temporary 成员=金额 确定金额，或用 --refuse-unit 成员:temporary"
                                        " 不予批准",
                                        x->label, a);
                }
                x->decided_once = x->once;
            }
        }
        /* R-TMP-2's cap: what is granted now and what was paid first. */
        for (size_t i = 0; i < n; i++) {
            jz_case_unit *x = &u[i];
            if (x->programme != JZ_UNIT_TEMPORARY || x->verdict != JZ_VERDICT_APPROVED ||
                !set_once[i] || strcmp(x->rule, "R-TMP-1") == 0)
                continue;
            jz_fen before = in->advanced && x->member >= 0 ? in->advanced[x->member] : 0;
            if (x->decided_once + before > in->tmp_cap) {
                if (!in->beyond_cap || !in->beyond_cap[0]) {
                    money(in->tmp_cap, a);
                    money(before, b);
                    return jz_error_set(err, JZ_EINPUT, "--temporary", x->label,
                                        "%s 的临时救助超过上限 %s 元（已先行发放 %s 元）：超出部分须经"
                                        "县级困难群众基本生活保障工作协调机制一事一议（--beyond-cap "
                                        "写明会议纪要），R-TMP-2",
                                        x->label, a, b);
                }
                x->judged = true;
                any_judged = true;
            }
        }
    } else {
        return bad(err, "须决定批准或不予批准");
    }
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) {
        if (u[i].judged && !u[i].reason[0])
            snprintf(u[i].reason, sizeof u[i].reason, "%s", reason);
        ok += u[i].verdict == JZ_VERDICT_APPROVED;
    }
    if (any_judged) {
        if (!reason[0])
            return jz_error_set(err, JZ_EINPUT, "--judgment", NULL,
                                "决定与乡镇初审认定不一致（不予批准初审认定的项目、增加项目或改变金额），"
                                "须由县级民政部门写明理由（--judgment，R-WF-7，晋民发〔2023〕31号 四(一)）");
        if (in->township_confirms && !in->county)
            return jz_error_set(err, JZ_EINPUT, "--county", NULL,
                                "本案审核确认权限在乡镇；与初审认定不一致的综合判断须由县级民政部门作出"
                                "（R-WF-7），请报县级决定后加 --county 记录");
    }
    memcpy(out, u, n * sizeof u[0]);
    *nu = n;
    *judged = any_judged;
    *approved = ok;
    return JZ_OK;
}
