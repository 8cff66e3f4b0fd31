/*
 * verify.c - 信息核对 (R-WF-1; seed 001 三(三), 五(一)): the household record
 * against what other departments' data already in the registry say of each
 * member.  Every difference that bears on a rule becomes a finding of the
 * case, named with the rule, the department, the date and both sides, for
 * the township's preliminary opinion and the county's decision.  Pure.
 *
 * What is compared, and when a row counts:
 * - ownership (vehicles, property, businesses): any registration up to the
 *   date, against the member's vehicles, extra houses and business flag
 *   (R-AST-2); the feeds record registrations, not their end, so a
 *   registration is a question for the caseworker, not a proof of ownership;
 * - income (government payroll, housing fund, pensions, unemployment
 *   benefit, employment registered): rows within the income window, against
 *   the income items and employment the record gives (R-INC-1);
 * - presence: a death (公安, or a 殡葬 record) up to the date against a living
 *   member (R-HH-1), a marriage or divorce in the window (who lives with the
 *   family may have changed, R-HH-1), an imprisonment not followed by a
 *   release against a member present (R-HH-2);
 * - deposits: the latest balance at each bank, summed, against the member's
 *   financial assets (R-AST-1);
 * - what may entitle him to more: a disability certificate or a serious
 *   illness the record lacks (R-SINGLE-1, R-TK-2, R-DB-AMT), a road-traffic
 *   accident in the window where the record gives no hardship (R-TMP-2).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_procedure.h"

typedef struct out {
    const jz_household *h;
    uint32_t i;
    jz_case_finding *f;
    size_t cap, n;
} out;

__attribute__((format(printf, 4, 5))) static void add(out *o, const jz_feed_row *r,
                                                      const char *rule, const char *fmt, ...)
{
    if (o->n >= o->cap)
        return;
    jz_case_finding *f = &o->f[o->n++];
    memset(f, 0, sizeof *f);
    const jz_member *m = &o->h->members[o->i];
    snprintf(f->member_id, sizeof f->member_id, "%s", m->id);
    snprintf(f->name, sizeof f->name, "%s", m->name ? m->name : "");
    f->dept = r->dept;
    f->on = r->date;
    snprintf(f->rule, sizeof f->rule, "%s", rule);
    char what[360];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char d[JZ_DATE_BUF];
    jz_date_format(r->date, d, sizeof d);
    snprintf(f->text, sizeof f->text, "%s（%s %s %s%s%s）", what,
             r->dept < JZ_DEPT_COUNT ? jz_dept_zh[r->dept] : "?", d,
             r->event < JZ_EV_COUNT ? jz_event_zh[r->event] : "?", r->code[0] ? " " : "", r->code);
}

/* The last row of an event up to `on` (rows are in any order). */
static const jz_feed_row *latest(const jz_feed_row *rows, size_t n, jz_event ev, jz_date from,
                                 jz_date on)
{
    const jz_feed_row *best = NULL;
    for (size_t k = 0; k < n; k++)
        if (rows[k].event == ev && rows[k].date > from && rows[k].date <= on &&
            (!best || rows[k].date > best->date))
            best = &rows[k];
    return best;
}

static size_t count(const jz_feed_row *rows, size_t n, jz_event ev, jz_date on)
{
    size_t c = 0;
    for (size_t k = 0; k < n; k++)
        c += rows[k].event == ev && rows[k].date <= on;
    return c;
}

size_t jz_verify_member(const jz_household *h, uint32_t i, const jz_feed_row *rows, size_t n,
                        jz_date on, int window_months, jz_case_finding *f, size_t cap)
{
    out o = {h, i, f, cap, 0};
    const jz_member *m = &h->members[i];
    const jz_date ever = JZ_DATE_NONE;
    const jz_date window = jz_date_add_months(on, -window_months);
    const jz_feed_row *r;
    char a[JZ_MONEY_BUF];

    /* Presence (R-HH-1, R-HH-2). */
    if (m->deceased == JZ_DATE_NONE && ((r = latest(rows, n, JZ_EV_DEATH, ever, on)) ||
                                        (r = latest(rows, n, JZ_EV_FUNERAL, ever, on))))
        add(&o, r, "R-HH-1", "户记录中此人在世，部门数据记录其已死亡");
    if ((r = latest(rows, n, JZ_EV_MARRIAGE, window, on)) ||
        (r = latest(rows, n, JZ_EV_DIVORCE, window, on)))
        add(&o, r, "R-HH-1", "期间内办理%s登记，须核实共同生活的家庭成员是否变化",
            r->event == JZ_EV_MARRIAGE ? "结婚" : "离婚");
    const jz_feed_row *jail = latest(rows, n, JZ_EV_IMPRISONED, ever, on);
    const jz_feed_row *out_ = latest(rows, n, JZ_EV_RELEASED, ever, on);
    if (jail && (!out_ || out_->date < jail->date) && m->presence == JZ_PRES_PRESENT &&
        m->deceased == JZ_DATE_NONE)
        add(&o, jail, "R-HH-2", "户记录中此人在家共同生活，司法部门记录其正在服刑（服刑人员不计入共同生活的家庭成员）");

    /* Ownership (R-AST-2). */
    size_t cars = count(rows, n, JZ_EV_VEHICLE_REGISTERED, on);
    if (cars > m->vehicles && (r = latest(rows, n, JZ_EV_VEHICLE_REGISTERED, ever, on)))
        add(&o, r, "R-AST-2", "户记录登记车辆 %u 辆，车管部门登记 %zu 辆（残疾人功能性补偿代步车、农机除外，须核实）",
            (unsigned)m->vehicles, cars);
    size_t houses = count(rows, n, JZ_EV_PROPERTY_REGISTERED, on);
    if (houses > m->extra_houses && (r = latest(rows, n, JZ_EV_PROPERTY_REGISTERED, ever, on)))
        add(&o, r, "R-AST-2",
            "户记录自住房以外房产 %u 套，不动产登记 %zu 处（须核实是否为唯一住房）",
            (unsigned)m->extra_houses, houses);
    if (!m->business && (r = latest(rows, n, JZ_EV_BUSINESS_REGISTERED, ever, on)))
        add(&o, r, "R-AST-2", "户记录无登记的市场主体，市场监管部门登记有市场主体");

    /* Deposits (R-AST-1): the latest balance at each bank, summed. */
    jz_fen deposits = 0;
    const jz_feed_row *last_deposit = NULL;
    for (size_t k = 0; k < n; k++) {
        const jz_feed_row *d = &rows[k];
        if (d->event != JZ_EV_BANK_DEPOSIT || d->date > on)
            continue;
        bool newest = true;
        for (size_t j = 0; j < n && newest; j++)
            if (j != k && rows[j].event == JZ_EV_BANK_DEPOSIT && rows[j].date <= on &&
                strcmp(rows[j].code, d->code) == 0 &&
                (rows[j].date > d->date || (rows[j].date == d->date && j > k)))
                newest = false;
        if (newest) {
            deposits += d->amount;
            if (!last_deposit || d->date > last_deposit->date)
                last_deposit = d;
        }
    }
    if (last_deposit && deposits > m->financial) {
        char b[JZ_MONEY_BUF];
        jz_money_format(m->financial, a, sizeof a);
        jz_money_format(deposits, b, sizeof b);
        add(&o, last_deposit, "R-AST-1", "户记录金融资产 %s 元，银行存款余额合计 %s 元", a, b);
    }

    /* Income in the window (R-INC-1). */
    if (m->income[JZ_INC_WAGE] == 0 && (r = latest(rows, n, JZ_EV_GOVERNMENT_PAYROLL, window, on))) {
        jz_money_format(r->amount, a, sizeof a);
        add(&o, r, "R-INC-1", "户记录无工资收入，财政供养记录月工资 %s 元", a);
    }
    if (m->income[JZ_INC_WAGE] == 0 && (r = latest(rows, n, JZ_EV_HOUSING_FUND, window, on))) {
        jz_money_format(r->amount, a, sizeof a);
        add(&o, r, "R-INC-1", "户记录无工资收入，住房公积金有缴存（月缴存 %s 元），表明有工作单位", a);
    }
    if (m->income[JZ_INC_PENSION] == 0 && (r = latest(rows, n, JZ_EV_PENSION, window, on))) {
        jz_money_format(r->amount, a, sizeof a);
        add(&o, r, "R-INC-1", "户记录无养老金收入，人社部门记录月领养老金 %s 元", a);
    }
    if (m->income[JZ_INC_UNEMPLOYMENT_BENEFIT] == 0 &&
        (r = latest(rows, n, JZ_EV_UNEMPLOYMENT_INSURANCE, window, on))) {
        jz_money_format(r->amount, a, sizeof a);
        add(&o, r, "R-INC-1", "户记录无失业保险金收入，人社部门记录月领失业保险金 %s 元", a);
    }
    const jz_feed_row *job = latest(rows, n, JZ_EV_EMPLOYMENT_REGISTERED, window, on);
    const jz_feed_row *lost = latest(rows, n, JZ_EV_UNEMPLOYMENT_REGISTERED, window, on);
    if (job && (!lost || lost->date < job->date) && m->employment != JZ_EMP_EMPLOYED &&
        m->income[JZ_INC_WAGE] == 0)
        add(&o, job, "R-INC-1", "户记录未就业、无工资收入，人社部门记录就业登记");

    /* What may entitle him to more (R-SINGLE-1, R-TK-2, R-DB-AMT). */
    r = latest(rows, n, JZ_EV_DISABILITY_ISSUED, ever, on);
    const jz_feed_row *cancel = latest(rows, n, JZ_EV_DISABILITY_CANCELLED, ever, on);
    if (r && (!cancel || cancel->date < r->date) &&
        (m->disability == JZ_DIS_NONE || (r->level >= 1 && r->level < m->disability_grade)))
        add(&o, r, "R-SINGLE-1", "户记录%s，残联核发残疾证 %d 级（可能符合单人保、特困或分类施保，须核实）",
            m->disability == JZ_DIS_NONE ? "无残疾" : "残疾等级较轻", r->level);
    if (!m->serious_illness && (r = latest(rows, n, JZ_EV_SERIOUS_ILLNESS, window, on)))
        add(&o, r, "R-SINGLE-1", "户记录无重特大疾病，卫健部门认定重特大疾病（可能符合单人保或分类施保，须核实）");
    if (m->hardship == JZ_HARD_NONE && (r = latest(rows, n, JZ_EV_TRAFFIC_ACCIDENT, window, on)))
        add(&o, r, "R-TMP-2", "户记录无突发困难原因，部门数据记录其为道路交通事故受害人员（可能符合临时救助，须核实）");
    return o.n;
}
