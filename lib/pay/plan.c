/*
 * plan.c - the ledger (jz_pay_plan, R-PAY-1): what every enrolment in
 * force is owed for a month, and what the months already planned now turn
 * out to have owed.
 *
 * What a unit is owed in a month: the amount of its latest term that began
 * by then (enrol_terms), from its first month through its end month (a
 * 渐退期's end, the month of a death or a stop), unless a hold covers the
 * month and did not end in the unit's favour.  低保 (低保, 支出型低保,
 * 单人保) is owed monthly, its period the month; 特困 quarterly in the
 * quarter's first month, its period the quarter, owed the sum of the
 * quarter's three months.  Other units (低保边缘, 刚性支出, 临时救助) have
 * no monthly amount and no line.
 *
 * Planning month M adds, within one transaction:
 *  - the regular line of each unit owed something for M's period that has
 *    none yet (a unique index keeps it to one: planning again adds nothing,
 *    and two planners at once add it once);
 *  - for each unit changed since the last planning, the difference between
 *    what it is owed and what the ledger holds for every period from its
 *    county's first planned month to the one before: a positive difference
 *    is an adjustment line paid in M (补发); a negative one, money paid
 *    unduly, opens a recovery (R-PAY-4), never an edit of a line.
 * A 特困 or 单人保 person whose household's 低保 unit still counts him is
 * not paid twice (R-TK-5): his line is refused, with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_store_pay.h"
#include "pay_int.h"

/* ---- periods ------------------------------------------------------------------------ */

bool jz_period_month(const char *text, int *ym)
{
    if (!text || strlen(text) != 7 || text[4] != '-')
        return false;
    int y = 0, m = 0;
    for (int i = 0; i < 4; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        y = y * 10 + (text[i] - '0');
    }
    for (int i = 5; i < 7; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        m = m * 10 + (text[i] - '0');
    }
    if (y < 1900 || y > 2999 || m < 1 || m > 12)
        return false;
    *ym = y * 12 + (m - 1);
    return true;
}

void jz_period_month_text(int ym, char out[JZ_PERIOD_BUF])
{
    snprintf(out, JZ_PERIOD_BUF, "%04d-%02d", ym / 12 % 10000, ym % 12 + 1);
}

void jz_period_quarter_text(int ym, char out[JZ_PERIOD_BUF])
{
    snprintf(out, JZ_PERIOD_BUF, "%04d-Q%d", ym / 12 % 10000, ym % 12 / 3 + 1);
}

bool jz__pay_period_start(const char *period, int *ym)
{
    if (jz_period_month(period, ym))
        return true;
    if (!period || strlen(period) != 7 || period[4] != '-' || period[5] != 'Q' || period[6] < '1' ||
        period[6] > '4')
        return false;
    char m[16]; /* room for any int, so that -Wformat-truncation (Debug builds) is satisfied */
    snprintf(m, sizeof m, "%.4s-%02d", period, (period[6] - '1') * 3 + 1);
    return jz_period_month(m, ym);
}

bool jz__pay_in_scope(const jz_ctx *x, const char *county)
{
    size_t n = strlen(x->scope);
    return n == 0 || (n <= strlen(county) && strncmp(county, x->scope, n) == 0);
}

void jz__pay_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

jz_date jz_period_due(int ym)
{
    return jz_date_make(ym / 12, ym % 12 + 1, 10);
}

/* ---- what a unit is owed -------------------------------------------------------------- */

bool jz__pay_monthly_programme(int programme)
{
    return programme == JZ_UNIT_DIBAO || programme == JZ_UNIT_DIBAO_EXPENDITURE ||
           programme == JZ_UNIT_SINGLE_DIBAO;
}

bool jz__pay_paid_programme(int programme)
{
    return jz__pay_monthly_programme(programme) || programme == JZ_UNIT_TEKUN;
}

static int month_of_text(const char *t, int none)
{
    int ym;
    return t && t[0] && jz_period_month(t, &ym) ? ym : none;
}

/* What u is owed for month ym, and the persons of that month. */
static jz_fen owed_month(const jz_pay_unit *u, int ym, int *persons)
{
    const jz_enrolment *e = &u->e;
    *persons = 0;
    int first = month_of_text(e->first_month, 1 << 30);
    int last = month_of_text(e->end_month, 1 << 30);
    if (ym < first || (e->end_month[0] && ym > last))
        return 0;
    if (e->status == JZ_ENROL_STOPPED && !e->end_month[0])
        return 0; /* stopped without a last month: nothing from now on */
    for (int i = 0; i < u->n_holds; i++) {
        const jz_pay_hold *h = &u->holds[i];
        int from = month_of_text(h->from, 1 << 30), to = month_of_text(h->to, 1 << 30);
        if (!h->back_pay && ym >= from && (!h->to[0] || ym <= to))
            return 0;
    }
    const jz_pay_term *t = NULL;
    for (int i = 0; i < u->n_terms; i++)
        if (month_of_text(u->terms[i].since, 1 << 30) <= ym)
            t = &u->terms[i];
    if (!t)
        return 0;
    *persons = t->persons;
    return t->monthly;
}

/* What u is owed for a period: a month (低保) or the quarter that starts
 * at ym (特困). */
jz_fen jz__pay_owed(const jz_pay_unit *u, int ym, bool quarter, int *persons)
{
    if (!quarter)
        return owed_month(u, ym, persons);
    jz_fen sum = 0;
    int p = 0;
    *persons = 0;
    for (int m = ym; m < ym + 3; m++) {
        sum += owed_month(u, m, &p);
        if (p > *persons)
            *persons = p;
    }
    return sum;
}

/* ---- planning ----------------------------------------------------------------------------- */

typedef struct period_sum {
    char period[JZ_PERIOD_BUF];
    jz_fen amount;
} period_sum;

typedef struct sums {
    period_sum *p;
    size_t n, cap;
    bool oom;
} sums;

static void add_sum(const char *period, jz_fen amount, void *arg)
{
    sums *s = arg;
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 32;
        period_sum *g = realloc(s->p, nc * sizeof *g);
        if (!g) {
            s->oom = true;
            return;
        }
        s->p = g;
        s->cap = nc;
    }
    snprintf(s->p[s->n].period, sizeof s->p[s->n].period, "%s", period);
    s->p[s->n++].amount = amount;
}

static jz_fen held_for(const sums *s, const char *period)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->p[i].period, period) == 0)
            return s->p[i].amount;
    return 0;
}

/* A household's units, gathered so that R-TK-5 can look at all of them. */
typedef struct household {
    jz_pay_unit *u;
    size_t n, cap;
} household;

typedef struct plan {
    jz_ctx *x;
    const jz_pay_plan_req *rq;
    int ym; /* the month planned */
    bool quarter_start;
    char month[JZ_PERIOD_BUF], quarter[JZ_PERIOD_BUF];
    jz_pay_plan_res *res;
    household hh;
    /* the first month planned in each county seen (a county's ledger starts
     * there: no adjustment before it) */
    struct {
        char county[7];
        int first;
    } starts[256];
    size_t n_starts;
    jz_err rc;
    jz_error *err;
} plan;

static void refuse(plan *p, const jz_pay_unit *u, const char *rule, const char *reason)
{
    jz_pay_plan_res *r = p->res;
    jz_pay_refusal *g = realloc(r->refusals, (r->n_refusals + 1) * sizeof *g);
    if (!g) {
        p->rc = jz_error_set(p->err, JZ_ENOMEM, NULL, NULL, "内存不足");
        return;
    }
    r->refusals = g;
    jz_pay_refusal *f = &g[r->n_refusals++];
    memset(f, 0, sizeof *f);
    snprintf(f->household_id, sizeof f->household_id, "%s", u->e.household_id);
    snprintf(f->member_id, sizeof f->member_id, "%s", u->e.member_id);
    f->enrolment = u->e.id;
    snprintf(f->rule, sizeof f->rule, "%s", rule);
    snprintf(f->reason, sizeof f->reason, "%s", reason);
}

/* The first month planned in a county (this planning's month if none);
 * the first time a county is met, its month is recorded as planned. */
static int county_start(plan *p, const char *county)
{
    for (size_t i = 0; i < p->n_starts; i++)
        if (strcmp(p->starts[i].county, county) == 0)
            return p->starts[i].first;
    char first[JZ_PERIOD_BUF];
    int ym = p->ym;
    if (!p->rc && !(p->rc = jz_store_pay_plan_mark(p->x->store, county, p->month, first, p->err)) &&
        first[0])
        jz_period_month(first, &ym);
    if (ym > p->ym)
        ym = p->ym;
    if (p->n_starts < sizeof p->starts / sizeof p->starts[0]) {
        snprintf(p->starts[p->n_starts].county, 7, "%s", county);
        p->starts[p->n_starts++].first = ym;
    }
    return ym;
}

static void line_of(const jz_pay_unit *u, jz_pay_line *l)
{
    const jz_enrolment *e = &u->e;
    memset(l, 0, sizeof *l);
    snprintf(l->county, sizeof l->county, "%s", e->county);
    snprintf(l->region, sizeof l->region, "%s", e->region);
    snprintf(l->household_id, sizeof l->household_id, "%s", e->household_id);
    l->enrolment = e->id;
    snprintf(l->programme, sizeof l->programme, "%s",
             e->programme < JZ_UNIT_PROGRAMME_COUNT ? jz_unit_programme_names[e->programme] : "?");
    snprintf(l->member_id, sizeof l->member_id, "%s", e->member_id);
    snprintf(l->label, sizeof l->label, "%s", e->label);
    /* Where it goes: a person's unit to his own account (or his care
     * institution), else the household's; none yet, and it waits. */
    l->payee = e->member_id[0] && u->payee_person ? u->payee_person : u->payee_household;
    if (e->programme == JZ_UNIT_TEKUN && e->member_id[0] && !u->payee_person)
        l->payee = 0; /* 特困 is paid to the person or his institution (R-PAY-2) */
    if (!l->payee) {
        l->status = JZ_PL_HELD;
        snprintf(l->reason, sizeof l->reason, "%s",
                 e->programme == JZ_UNIT_TEKUN ? "未登记本人或供养服务机构的收款账户"
                                               : "未登记收款账户");
    }
}

static void add_line(plan *p, jz_pay_line *l, bool regular)
{
    bool added = false;
    if (p->rc || (p->rc = jz_store_pay_line_add(p->x->store, l, &added, p->err)))
        return;
    if (!added) {
        p->res->already += regular;
        return;
    }
    if (regular)
        p->res->lines_added++;
    else
        p->res->adjustments_added++;
    p->res->held += l->status == JZ_PL_HELD;
    p->res->total_added += l->amount;
}

/* The unit's regular line for the month planned. */
static void regular(plan *p, const jz_pay_unit *u)
{
    bool quarterly = u->e.programme == JZ_UNIT_TEKUN;
    county_start(p, u->e.county); /* the county's month is planned */
    if (quarterly && !p->quarter_start)
        return; /* 特困 is planned in the quarter's first month */
    int persons = 0;
    jz_fen owed = jz__pay_owed(u, p->ym, quarterly, &persons);
    if (owed <= 0)
        return;
    jz_pay_line l;
    line_of(u, &l);
    snprintf(l.period, sizeof l.period, "%s", quarterly ? p->quarter : p->month);
    l.kind = JZ_PAY_REGULAR;
    l.persons = persons;
    l.amount = owed;
    add_line(p, &l, true);
}

/* The periods before the one planned: what the unit is owed against what
 * the ledger holds for each. */
static void adjust(plan *p, const jz_pay_unit *u)
{
    bool quarterly = u->e.programme == JZ_UNIT_TEKUN;
    int start = county_start(p, u->e.county);
    int first = month_of_text(u->e.first_month, start);
    if (first > start)
        start = first;
    if (quarterly)
        start -= start % 3;
    sums s = {0};
    if (p->rc || (p->rc = jz_store_pay_owed(p->x->store, u->e.id, add_sum, &s, p->err)))
        goto out;
    if (s.oom) {
        p->rc = jz_error_set(p->err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto out;
    }
    /* Periods strictly before the one planned now; for 特困, the quarters
     * before the current one, and the current one once its line exists. */
    int cur = quarterly ? p->ym - p->ym % 3 : p->ym;
    jz_fen undue = 0;
    char undue_from[JZ_PERIOD_BUF] = "";
    for (int ym = start; ym <= cur && !p->rc; ym += quarterly ? 3 : 1) {
        char period[JZ_PERIOD_BUF];
        if (quarterly)
            jz_period_quarter_text(ym, period);
        else
            jz_period_month_text(ym, period);
        if (ym == cur && (!quarterly || p->quarter_start))
            continue; /* the regular line of this planning is the period's */
        int persons = 0;
        jz_fen owed = jz__pay_owed(u, ym, quarterly, &persons);
        jz_fen diff = owed - held_for(&s, period);
        if (diff > 0) {
            jz_pay_line l;
            line_of(u, &l);
            snprintf(l.period, sizeof l.period, "%s", quarterly ? p->quarter : p->month);
            if (quarterly && !p->quarter_start)
                jz_period_quarter_text(p->ym, l.period);
            l.kind = JZ_PAY_ADJUST;
            snprintf(l.ref_period, sizeof l.ref_period, "%s", period);
            l.persons = persons;
            l.amount = diff;
            add_line(p, &l, false);
        } else if (diff < 0) {
            /* Paid more than was owed: an adjustment line squares the
             * period in the ledger, and the money is to be recovered. */
            jz_pay_line l;
            line_of(u, &l);
            snprintf(l.period, sizeof l.period, "%s", p->month);
            l.kind = JZ_PAY_ADJUST;
            snprintf(l.ref_period, sizeof l.ref_period, "%s", period);
            l.amount = diff;
            l.payee = 0;
            l.status = JZ_PL_HELD;
            snprintf(l.reason, sizeof l.reason, "多发，转为追回（R-PAY-4）");
            add_line(p, &l, false);
            if (!undue)
                snprintf(undue_from, sizeof undue_from, "%s", period);
            undue -= diff;
        }
    }
    if (!p->rc && undue > 0 &&
        !(p->rc = jz__pay_recovery_add(p->x, &u->e, undue_from, undue, p->err)))
        p->res->recoveries_opened++;
out:
    free(s.p);
}

/* R-TK-5: a person with a unit of his own (特困, 单人保) is not also counted
 * in his household's 低保 unit.  When the household's unit counts more
 * persons than the household has without them, his own line is refused. */
static bool counted_twice(const household *hh, const jz_pay_unit *own, char *why, size_t n)
{
    int own_units = 0;
    const jz_pay_unit *dibao = NULL;
    for (size_t i = 0; i < hh->n; i++) {
        const jz_pay_unit *u = &hh->u[i];
        if (u->e.status == JZ_ENROL_STOPPED)
            continue;
        if (u->e.member_id[0] &&
            (u->e.programme == JZ_UNIT_TEKUN || u->e.programme == JZ_UNIT_SINGLE_DIBAO))
            own_units++;
        else if (!u->e.member_id[0] && jz__pay_monthly_programme(u->e.programme))
            dibao = u;
    }
    if (!dibao || own->members <= 0 || dibao->e.persons <= own->members - own_units)
        return false;
    snprintf(why, n,
             "其家庭低保按 %d 人保障，而家庭 %d 人中有 %d 人另有本人的救助单元：特困人员"
             "（单人保对象）不再计入家庭低保，不重复发放（R-TK-5）；请复核家庭低保的保障人数",
             dibao->e.persons, own->members, own_units);
    return true;
}

static void flush_household(plan *p)
{
    household *hh = &p->hh;
    for (size_t i = 0; i < hh->n && !p->rc; i++) {
        const jz_pay_unit *u = &hh->u[i];
        if (!jz__pay_paid_programme(u->e.programme))
            continue;
        char why[256];
        if (u->e.member_id[0] &&
            (u->e.programme == JZ_UNIT_TEKUN || u->e.programme == JZ_UNIT_SINGLE_DIBAO) &&
            u->e.status != JZ_ENROL_STOPPED && counted_twice(hh, u, why, sizeof why)) {
            refuse(p, u, "R-TK-5", why);
            continue;
        }
        regular(p, u);
        if (u->dirty)
            adjust(p, u);
    }
    hh->n = 0;
}

static void on_unit(const jz_pay_unit *u, void *arg)
{
    plan *p = arg;
    if (p->rc)
        return;
    household *hh = &p->hh;
    if (hh->n && strcmp(hh->u[0].e.household_id, u->e.household_id) != 0)
        flush_household(p);
    if (hh->n == hh->cap) {
        size_t nc = hh->cap ? 2 * hh->cap : 8;
        jz_pay_unit *g = realloc(hh->u, nc * sizeof *g);
        if (!g) {
            p->rc = jz_error_set(p->err, JZ_ENOMEM, NULL, NULL, "内存不足");
            return;
        }
        hh->u = g;
        hh->cap = nc;
    }
    hh->u[hh->n++] = *u;
}

static jz_err plan_in_tx(jz_store *s, void *arg, jz_error *err)
{
    plan *p = arg;
    (void)s;
    jz_pay_plan_res *res = p->res;
    free(res->refusals);
    memset(res, 0, sizeof *res);
    p->hh.n = 0;
    p->n_starts = 0;
    p->rc = JZ_OK;
    p->err = err;
    const char *prefix = p->rq->region_prefix ? p->rq->region_prefix : "";
    jz_err rc = jz_store_pay_units(p->x->store, prefix, false, on_unit, p, err);
    if (!rc && !p->rc)
        flush_household(p);
    if (!rc)
        rc = p->rc;
    if (!rc)
        rc = jz_store_pay_clean(p->x->store, prefix, err);
    if (!rc) {
        char after[256];
        snprintf(after, sizeof after,
                 "{\"period\":\"%s\",\"region\":\"%s\",\"lines\":%lld,\"adjustments\":%lld,"
                 "\"held\":%lld,\"total\":%lld,\"recoveries\":%lld,\"refused\":%zu}",
                 p->month, prefix, (long long)res->lines_added, (long long)res->adjustments_added,
                 (long long)res->held, (long long)res->total_added,
                 (long long)res->recoveries_opened, res->n_refusals);
        char entity[48];
        snprintf(entity, sizeof entity, "pay-plan:%s", p->month);
        rc = jz_store_audit(p->x->store, prefix[0] ? prefix : "", "pay.plan", entity, "", after,
                            err);
    }
    return rc;
}

jz_err jz_pay_plan(jz_ctx *x, const jz_pay_plan_req *rq, jz_pay_plan_res *res, jz_error *err)
{
    memset(res, 0, sizeof *res);
    plan p;
    memset(&p, 0, sizeof p);
    p.x = x;
    p.rq = rq;
    p.res = res;
    if (!jz_period_month(rq->period, &p.ym))
        return jz_error_set(err, JZ_EINPUT, "period", rq->period ? rq->period : "",
                            "发放期应为年月，如 2025-07");
    const char *prefix = rq->region_prefix ? rq->region_prefix : "";
    for (const char *c = prefix; *c; c++)
        if (*c < '0' || *c > '9' || c - prefix >= 12)
            return jz_error_set(err, JZ_EINPUT, "region", prefix, "区划应为至多 12 位数字");
    if (x->scope[0] && strncmp(prefix, x->scope, strlen(x->scope)) != 0)
        return jz_error_set(err, JZ_EDENIED, "region", prefix, "该地区不在您的管辖范围内");
    /* Planning is done for a county or more: a township's share of a
     * county's month would leave the county's ledger half planned. */
    if (strlen(prefix) > 6)
        return jz_error_set(err, JZ_EINPUT, "region", prefix,
                            "发放计划按县（6 位）、市（4 位）或全省编制");
    jz_period_month_text(p.ym, p.month);
    jz_period_quarter_text(p.ym, p.quarter);
    p.quarter_start = p.ym % 3 == 0;
    jz_err rc = jz_store_run_as(x->store, x->actor, plan_in_tx, &p, err);
    free(p.hh.u);
    if (rc) {
        free(res->refusals);
        memset(res, 0, sizeof *res);
    }
    return rc;
}

void jz_pay_plan_res_cleanup(jz_pay_plan_res *r)
{
    free(r->refusals);
    memset(r, 0, sizeof *r);
}
