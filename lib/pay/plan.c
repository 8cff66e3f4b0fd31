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
 *    is an adjustment line paid in M (补发); where the ledger holds more
 *    than is owed, the lines whose money has not left are withdrawn
 *    (never paid), and what remains too much, money paid unduly, opens a
 *    recovery (R-PAY-4), never an edit of a paid line.
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
    char m[16]; /* room for what the compiler cannot bound (the Debug build warns) */
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

bool jz__pay_in_force(const jz_pay_unit *u, int ym)
{
    const jz_enrolment *e = &u->e;
    int first = month_of_text(e->first_month, 1 << 30);
    int last = month_of_text(e->end_month, 1 << 30);
    if (ym < first || (e->end_month[0] && ym > last))
        return false;
    if (e->status == JZ_ENROL_STOPPED && !e->end_month[0])
        return false; /* stopped without a last month: nothing from now on */
    for (int i = 0; i < u->n_holds; i++) {
        const jz_pay_hold *h = &u->holds[i];
        int from = month_of_text(h->from, 1 << 30), to = month_of_text(h->to, 1 << 30);
        if (!h->back_pay && ym >= from && (!h->to[0] || ym <= to))
            return false;
    }
    return true;
}

const jz_pay_term *jz__pay_term_at(const jz_pay_unit *u, int ym)
{
    const jz_pay_term *t = NULL;
    for (int i = 0; i < u->n_terms; i++)
        if (month_of_text(u->terms[i].since, 1 << 30) <= ym)
            t = &u->terms[i];
    return t;
}

/* What u is owed for month ym, and the persons of that month. */
static jz_fen owed_month(const jz_pay_unit *u, int ym, int *persons)
{
    *persons = 0;
    const jz_pay_term *t = jz__pay_in_force(u, ym) ? jz__pay_term_at(u, ym) : NULL;
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

/* What the ledger holds for one enrolment (jz_store_pay_owed). */
typedef struct held {
    jz_pay_held_row *r;
    size_t n, cap;
    bool oom;
} held;

static void add_row(const jz_pay_held_row *r, void *arg)
{
    held *h = arg;
    if (h->n == h->cap) {
        size_t nc = h->cap ? 2 * h->cap : 32;
        jz_pay_held_row *g = realloc(h->r, nc * sizeof *g);
        if (!g) {
            h->oom = true;
            return;
        }
        h->r = g;
        h->cap = nc;
    }
    h->r[h->n++] = *r;
}

/* A regular or adjustment line that counts for its period: every one but
 * those withdrawn. */
static bool counts(const jz_pay_held_row *r)
{
    return r->kind != JZ_PAY_FOLLOWUP && r->status != JZ_PL_WITHDRAWN;
}

static jz_fen held_for(const held *h, const char *period)
{
    jz_fen sum = 0;
    for (size_t i = 0; i < h->n; i++)
        if (counts(&h->r[i]) && strcmp(h->r[i].period, period) == 0)
            sum += h->r[i].amount;
    return sum;
}

static jz_pay_held_row *followup_of(const held *h, int64_t line)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->r[i].kind == JZ_PAY_FOLLOWUP && h->r[i].refers_to == line)
            return &h->r[i];
    return NULL;
}

/* Whether the money of a line has not left and will not: planned, held,
 * in a batch still being prepared (not locked), refused by the bank, or
 * refused and followed up by a line that itself has not left. */
static bool unsent(const held *h, const jz_pay_held_row *r, int depth)
{
    switch (r->status) {
    case JZ_PL_PLANNED:
    case JZ_PL_HELD:
    case JZ_PL_REFUSED:
        return true;
    case JZ_PL_BATCHED:
        return r->batch_state == JZ_BATCH_PREPARED;
    case JZ_PL_SUPERSEDED: {
        const jz_pay_held_row *f = followup_of(h, r->line);
        return f && depth < 64 && unsent(h, f, depth + 1);
    }
    default:
        return false; /* sent, paid, or in a locked batch */
    }
}

/* Withdraws one line (and the follow-ups that carry its money): never
 * paid, no longer counted; a line of a batch being prepared leaves it and
 * the batch's count and total.  Audited "pay.withdraw". */
static jz_err withdraw(jz_ctx *x, held *h, jz_pay_held_row *r, jz_fen owed, int depth,
                       jz_error *err)
{
    jz_err rc = JZ_OK;
    if (r->status == JZ_PL_SUPERSEDED) {
        jz_pay_held_row *f = followup_of(h, r->line);
        if (f && depth < 64 && (rc = withdraw(x, h, f, owed, depth + 1, err)))
            return rc;
    }
    jz_pay_line l;
    if ((rc = jz_store_pay_line_get(x->store, r->line, &l, err)))
        return rc;
    uint8_t was = l.status;
    int64_t batch = 0;
    if (l.status == JZ_PL_BATCHED && l.batch > 0) {
        jz_pay_batch b;
        if ((rc = jz_store_pay_batch_get(x->store, l.batch, &b, err)))
            return rc;
        b.lines--;
        b.total -= l.amount;
        if ((rc = jz_store_pay_batch_set(x->store, &b, JZ_BATCH_PREPARED, err)))
            return rc;
        batch = l.batch;
        l.batch = 0;
    }
    char t[JZ_MONEY_BUF];
    jz_money_format(owed, t, sizeof t);
    l.status = JZ_PL_WITHDRAWN;
    snprintf(l.reason, sizeof l.reason,
             "重新核算该期应发 %s 元（停发、死亡、暂停或金额调整），此明细尚未发出，撤回不发", t);
    if ((rc = jz_store_pay_line_set(x->store, &l, was, err)))
        return rc;
    r->status = JZ_PL_WITHDRAWN;
    char entity[48], after[256], amount[JZ_MONEY_BUF];
    snprintf(entity, sizeof entity, "pay-line:%lld", (long long)l.id);
    jz_money_format(l.amount, amount, sizeof amount);
    snprintf(after, sizeof after,
             "{\"status\":\"withdrawn\",\"was\":\"%s\",\"enrolment\":%lld,\"period\":\"%s\","
             "\"amount\":\"%s\",\"owed\":\"%s\",\"from_batch\":%lld}",
             jz_pay_status_names[was < JZ_PL_STATUS_COUNT ? was : 0], (long long)l.enrolment,
             r->period, amount, t, (long long)batch);
    return jz_store_audit(x->store, l.county, "pay.withdraw", entity, "", after, err);
}

/* When the ledger holds more for `period` than is owed: withdraws every
 * line of the period whose money has not left (all of them: what is
 * owed is then paid by one adjustment), counting them in *out. */
static jz_err withdraw_unsent(jz_ctx *x, held *h, const char *period, jz_fen owed,
                              jz__pay_adjusted *out, jz_error *err)
{
    jz_err rc = JZ_OK;
    for (size_t i = 0; i < h->n && !rc; i++) {
        jz_pay_held_row *r = &h->r[i];
        if (!counts(r) || r->amount <= 0 || strcmp(r->period, period) != 0 || !unsent(h, r, 0))
            continue;
        jz_fen amount = r->amount;
        if (!(rc = withdraw(x, h, r, owed, 0, err))) {
            out->withdrawn++;
            out->withdrawn_total += amount;
        }
    }
    return rc;
}

typedef struct plan {
    jz_ctx *x;
    const jz_pay_plan_req *rq;
    int ym; /* the month planned */
    bool quarter_start;
    char month[JZ_PERIOD_BUF], quarter[JZ_PERIOD_BUF];
    jz_pay_plan_res *res;
    /* the first month planned in each county seen (a county's ledger starts
     * there: no adjustment before it) */
    struct {
        char county[7];
        int first;
    } starts[256];
    size_t n_starts;
    jz_err rc;
    jz_error *err;
    /* units to look at again at the next planning */
    struct {
        int64_t id;
        char county[7];
    } * marked;
    size_t n_marked, cap_marked;
} plan;

static void keep_marked(plan *p, const jz_pay_unit *u)
{
    if (p->n_marked == p->cap_marked) {
        size_t nc = p->cap_marked ? 2 * p->cap_marked : 64;
        void *g = realloc(p->marked, nc * sizeof *p->marked);
        if (!g) {
            p->rc = jz_error_set(p->err, JZ_ENOMEM, NULL, NULL, "内存不足");
            return;
        }
        p->marked = g;
        p->cap_marked = nc;
    }
    p->marked[p->n_marked].id = u->e.id;
    snprintf(p->marked[p->n_marked].county, 7, "%s", u->e.county);
    p->n_marked++;
}

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
    snprintf(f->county, sizeof f->county, "%s", u->e.county);
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

void jz__pay_line_of(const jz_pay_unit *u, jz_pay_line *l)
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
    if (!added)
        return; /* planned meanwhile (a unique index): counted in `already` */
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
    jz__pay_line_of(u, &l);
    snprintf(l.period, sizeof l.period, "%s", quarterly ? p->quarter : p->month);
    l.kind = JZ_PAY_REGULAR;
    l.persons = persons;
    l.amount = owed;
    add_line(p, &l, true);
}

/* The ledger's computation for one unit (pay_int.h): the periods before
 * the month ym, what the unit is owed against what the ledger holds for
 * each. */
jz_err jz__pay_adjust(jz_ctx *x, const jz_pay_unit *u, int start, int ym, jz_date on,
                      jz__pay_adjusted *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    bool quarterly = u->e.programme == JZ_UNIT_TEKUN, quarter_start = ym % 3 == 0;
    char month[JZ_PERIOD_BUF], quarter[JZ_PERIOD_BUF];
    jz_period_month_text(ym, month);
    jz_period_quarter_text(ym, quarter);
    int first = month_of_text(u->e.first_month, start);
    if (first > start)
        start = first;
    if (quarterly)
        start -= start % 3;
    held h = {0};
    jz_err rc = jz_store_pay_owed(x->store, u->e.id, add_row, &h, err);
    if (!rc && h.oom)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    /* Periods strictly before the one planned now; for 特困, the quarters
     * before the current one, and the current one once its line exists. */
    int cur = quarterly ? ym - ym % 3 : ym;
    jz_fen undue = 0;
    char undue_from[JZ_PERIOD_BUF] = "";
    for (int m = start; m <= cur && !rc; m += quarterly ? 3 : 1) {
        char period[JZ_PERIOD_BUF];
        if (quarterly)
            jz_period_quarter_text(m, period);
        else
            jz_period_month_text(m, period);
        int persons = 0;
        jz_fen owed = jz__pay_owed(u, m, quarterly, &persons);
        /* Lines found not owed before their money left are withdrawn,
         * never paid and recovered (R-PAY-4). */
        if (owed < held_for(&h, period) &&
            (rc = withdraw_unsent(x, &h, period, owed, out, err)))
            break;
        jz_fen diff = owed - held_for(&h, period);
        bool current = m == cur && (!quarterly || quarter_start);
        if (current && diff < 0) {
            /* The period planned now holds more than is owed in lines
             * already on their way: the next planning, when the bank has
             * answered, recovers it.  The unit stays marked. */
            out->stale_current = true;
            continue;
        }
        if (diff == 0)
            continue;
        jz_pay_line l;
        jz__pay_line_of(u, &l);
        l.kind = JZ_PAY_ADJUST;
        snprintf(l.ref_period, sizeof l.ref_period, "%s", period);
        l.amount = diff;
        if (diff > 0) {
            snprintf(l.period, sizeof l.period, "%s", quarterly ? quarter : month);
            l.persons = persons;
        } else {
            /* Paid more than was owed: an adjustment line squares the
             * period in the ledger, and the money is to be recovered. */
            snprintf(l.period, sizeof l.period, "%s", month);
            l.payee = 0;
            l.status = JZ_PL_HELD;
            snprintf(l.reason, sizeof l.reason, "多发，转为追回（R-PAY-4）");
            if (!undue)
                snprintf(undue_from, sizeof undue_from, "%s", period);
            undue -= diff;
        }
        bool added = false;
        if ((rc = jz_store_pay_line_add(x->store, &l, &added, err)) || !added)
            continue;
        jz_pay_held_row row = {.line = l.id, .kind = JZ_PAY_ADJUST, .status = l.status,
                               .batch_state = -1, .amount = l.amount};
        snprintf(row.period, sizeof row.period, "%s", period);
        add_row(&row, &h);
        out->added++;
        out->held += l.status == JZ_PL_HELD;
        out->total += l.amount;
    }
    if (!rc && undue > 0 &&
        !(rc = jz__pay_recovery_add(x, &u->e, undue_from, undue, on, &out->recovery, err))) {
        out->recoveries++;
        out->recovered = undue;
    }
    free(h.r);
    return rc;
}

/* Planning's adjustments of a changed unit. */
static void adjust(plan *p, const jz_pay_unit *u)
{
    int start = county_start(p, u->e.county);
    jz__pay_adjusted a;
    if (p->rc || (p->rc = jz__pay_adjust(p->x, u, start, p->ym, p->x->today, &a, p->err)))
        return;
    if (a.stale_current)
        keep_marked(p, u);
    p->res->adjustments_added += a.added;
    p->res->held += a.held;
    p->res->total_added += a.total;
    p->res->recoveries_opened += a.recoveries;
    p->res->withdrawn += a.withdrawn;
    p->res->withdrawn_total += a.withdrawn_total;
}

/* R-TK-5: a person with a unit of his own (特困, 单人保) is not also counted
 * in his household's 低保 unit.  When the household's unit counts more
 * persons than the household has without them, his own line is refused. */
static bool counted_twice(const jz_pay_unit *own, char *why, size_t n)
{
    if (!own->household_persons || own->members <= 0 ||
        own->household_persons <= own->members - own->own_units)
        return false;
    snprintf(why, n,
             "其家庭低保按 %d 人保障，而家庭 %d 人中有 %d 人另有本人的救助单元：特困人员"
             "（单人保对象）不再计入家庭低保，不重复发放（R-TK-5）；请复核家庭低保的保障人数",
             own->household_persons, own->members, own->own_units);
    return true;
}

static void on_unit(const jz_pay_unit *u, void *arg)
{
    plan *p = arg;
    if (p->rc || !jz__pay_paid_programme(u->e.programme))
        return;
    char why[256];
    if (u->e.member_id[0] &&
        (u->e.programme == JZ_UNIT_TEKUN || u->e.programme == JZ_UNIT_SINGLE_DIBAO) &&
        u->e.status != JZ_ENROL_STOPPED && counted_twice(u, why, sizeof why)) {
        refuse(p, u, "R-TK-5", why);
        return;
    }
    regular(p, u);
    if (u->dirty)
        adjust(p, u);
}

static jz_err plan_in_tx(jz_store *s, void *arg, jz_error *err)
{
    plan *p = arg;
    (void)s;
    jz_pay_plan_res *res = p->res;
    free(res->refusals);
    memset(res, 0, sizeof *res);
    p->n_starts = 0;
    p->n_marked = 0;
    p->rc = JZ_OK;
    p->err = err;
    const char *prefix = p->rq->region_prefix ? p->rq->region_prefix : "";
    jz_err rc = jz_store_pay_units(p->x->store, prefix, p->month, p->quarter, p->quarter_start,
                                   on_unit, p, err);
    int64_t regular_lines = 0;
    if (!rc && !p->rc)
        rc = jz_store_pay_count_regular(p->x->store, prefix, p->month,
                                        p->quarter_start ? p->quarter : "", &regular_lines, err);
    if (!rc && !p->rc)
        res->already = regular_lines - res->lines_added;
    if (!rc)
        rc = p->rc;
    if (!rc)
        rc = jz_store_pay_clean(p->x->store, prefix, err);
    /* A refused unit was not looked at: it stays marked for the next
     * planning (after its household's unit is corrected). */
    for (size_t i = 0; i < res->n_refusals && !rc; i++)
        rc = jz_store_pay_mark(p->x->store, res->refusals[i].enrolment, res->refusals[i].county,
                               err);
    for (size_t i = 0; i < p->n_marked && !rc; i++)
        rc = jz_store_pay_mark(p->x->store, p->marked[i].id, p->marked[i].county, err);
    if (!rc) {
        char after[256];
        snprintf(after, sizeof after,
                 "{\"period\":\"%s\",\"region\":\"%s\",\"lines\":%lld,\"adjustments\":%lld,"
                 "\"held\":%lld,\"total\":%lld,\"recoveries\":%lld,\"withdrawn\":%lld,"
                 "\"withdrawn_total\":%lld,\"refused\":%zu}",
                 p->month, prefix, (long long)res->lines_added, (long long)res->adjustments_added,
                 (long long)res->held, (long long)res->total_added,
                 (long long)res->recoveries_opened, (long long)res->withdrawn,
                 (long long)res->withdrawn_total, res->n_refusals);
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
    /* A month is planned in it or in the month before (paid by its 10th):
     * a later one would plan lines for months nobody is owed yet, and a
     * mistyped year (2062 for 2026) would walk every month up to it. */
    int next = jz_date_month_index(x->today ? x->today : jz_date_today()) + 1;
    if (p.ym > next) {
        char last[JZ_PERIOD_BUF];
        jz_period_month_text(next, last);
        return jz_error_set(err, JZ_EINPUT, "period", rq->period,
                            "发放期 %s 晚于下月（%s）：发放计划最多提前编制到下月", rq->period,
                            last);
    }
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
    free(p.marked);
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
