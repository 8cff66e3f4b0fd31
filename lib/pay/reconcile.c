/*
 * reconcile.c - reconciliation (对账, R-PAY-4): every yuan planned, sent,
 * paid, refused, paid again and recovered, per batch and per period, with
 * the identities of jz_pay.h checked and every difference named line by
 * line.
 *
 * The store reports facts (sums of lines by programme, kind, status, sign
 * and batch; batches as recorded and as their lines add up; recoveries
 * against the ledger's negative adjustments; the lines that match a
 * filter); the rules are here: which status fits which batch state, what a
 * follow-up must match, which sums must be equal.  The lines are listed
 * only where a sum says something is wrong (or for the open tasks: the
 * refusals to correct), so that a county's month of a hundred thousand
 * lines is reconciled from a few dozen aggregate rows.
 *
 * Everything is read in one transaction: a result file imported meanwhile
 * cannot make a sum disagree with the lines read a moment later.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pay_int.h"

const char *const jz_recon_issue_names[JZ_RI_KIND_COUNT] = {
    "sent_no_result", "refused_open", "unbatched", "batch_total", "no_followup", "followup",
    "state",          "negative",     "shares",    "recovery",    "balance"};
const char *const jz_recon_issue_zh[JZ_RI_KIND_COUNT] = {
    "已报送无回盘结果", "退票未重发",     "可发放未编入批次", "批次金额与明细不符",
    "退票重发缺失",     "重发明细不符",   "状态与批次不符",   "负数金额未暂缓",
    "资金分担不符",     "追回与冲减不符", "追回余额不符"};

const char *jz_pay_programme_label(const char *programme)
{
    static const struct {
        const char *code, *zh;
    } t[] = {{"dibao", "城乡低保金"},
             {"dibao_expenditure", "支出型低保金"},
             {"single_dibao", "单人保低保金"},
             {"tekun", "特困人员救助供养金"}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (programme && strcmp(programme, t[i].code) == 0)
            return t[i].zh;
    return programme ? programme : "";
}

/* Regular programmes first, in the order of the table above; one-time
 * programmes after, by code. */
static int programme_rank(const char *p)
{
    static const char *const order[] = {"dibao", "dibao_expenditure", "single_dibao", "tekun"};
    for (int i = 0; i < 4; i++)
        if (strcmp(p, order[i]) == 0)
            return i;
    return 4;
}

void jz_pay_recon_cleanup(jz_pay_recon *r)
{
    if (!r)
        return;
    free(r->programmes);
    free(r->batches);
    free(r->issues);
    memset(r, 0, sizeof *r);
}

/* ---- the work of one reconciliation ------------------------------------------------- */

typedef jz__pay_lines lines;

typedef struct recon {
    jz_ctx *x;
    jz_store *s;
    jz_pay_scope sc;
    char county[7], period[JZ_PERIOD_BUF], period2[JZ_PERIOD_BUF];
    int start_ym; /* the first batch month that may take the scope's lines; -1: any */
    jz_pay_recon *r;
    jz_pay_batch_fact *facts;
    size_t n_facts, cap_facts;
    int64_t *touched; /* batches holding lines of the scope */
    size_t n_touched, cap_touched;
    unsigned stray_out; /* statuses found on lines in no batch that need one */
    bool negative_sent; /* a negative line that is not held */
    bool oom;
    jz_err rc;
    jz_error *err;
} recon;

static bool nomem(recon *k)
{
    if (!k->rc)
        k->rc = jz_error_set(k->err, JZ_ENOMEM, NULL, NULL, "内存不足");
    return false;
}

static void sum_add(jz_recon_sum *a, int64_t n, jz_fen amount)
{
    a->n += n;
    a->amount += amount;
}

static void fig_add(jz_recon_fig *f, const jz_pay_sum_row *w)
{
    if (w->negative) {
        sum_add(&f->adjust_down, w->n, w->amount);
        return;
    }
    bool fu = w->kind == JZ_PAY_FOLLOWUP;
    sum_add(&f->lines, w->n, w->amount);
    if (fu) {
        sum_add(&f->followups, w->n, w->amount);
    } else {
        sum_add(&f->planned, w->n, w->amount);
        sum_add(w->kind == JZ_PAY_REGULAR  ? &f->regular
                : w->kind == JZ_PAY_ADJUST ? &f->adjust_up
                                           : &f->once,
                w->n, w->amount);
    }
    switch (w->status) {
    case JZ_PL_PLANNED:
        sum_add(&f->pending, w->n, w->amount);
        break;
    case JZ_PL_BATCHED:
        sum_add(&f->batched, w->n, w->amount);
        break;
    case JZ_PL_SENT:
        sum_add(&f->sent, w->n, w->amount);
        break;
    case JZ_PL_PAID:
        sum_add(fu ? &f->repaid : &f->paid, w->n, w->amount);
        break;
    case JZ_PL_REFUSED:
        sum_add(&f->refused, w->n, w->amount);
        sum_add(&f->refused_open, w->n, w->amount);
        break;
    case JZ_PL_HELD:
        sum_add(&f->held, w->n, w->amount);
        break;
    case JZ_PL_SUPERSEDED:
        sum_add(&f->refused, w->n, w->amount);
        sum_add(&f->superseded, w->n, w->amount);
        break;
    case JZ_PL_WITHDRAWN:
        sum_add(fu ? &f->withdrawn_followups : &f->withdrawn, w->n, w->amount);
        break;
    default:
        break; /* an unknown status: the ledger identity will not hold */
    }
    if (w->kind == JZ_PAY_ONCE) {
        f->province += w->province;
        f->local += w->local;
    }
    if ((w->kind == JZ_PAY_ONCE || fu) && w->status == JZ_PL_PAID) {
        f->province_paid += w->province;
        f->local_paid += w->local;
    }
}

static jz_recon_fig *programme_fig(recon *k, const char *programme)
{
    jz_pay_recon *r = k->r;
    for (size_t i = 0; i < r->n_programmes; i++)
        if (strcmp(r->programmes[i].programme, programme) == 0)
            return &r->programmes[i];
    jz_recon_fig *g = realloc(r->programmes, (r->n_programmes + 1) * sizeof *g);
    if (!g) {
        k->oom = true;
        return NULL;
    }
    r->programmes = g;
    jz_recon_fig *f = &g[r->n_programmes++];
    memset(f, 0, sizeof *f);
    snprintf(f->programme, sizeof f->programme, "%s", programme);
    return f;
}

static void touch(recon *k, int64_t batch)
{
    for (size_t i = 0; i < k->n_touched; i++)
        if (k->touched[i] == batch)
            return;
    if (k->n_touched == k->cap_touched) {
        size_t nc = k->cap_touched ? 2 * k->cap_touched : 16;
        int64_t *g = realloc(k->touched, nc * sizeof *g);
        if (!g) {
            k->oom = true;
            return;
        }
        k->touched = g;
        k->cap_touched = nc;
    }
    k->touched[k->n_touched++] = batch;
}

static void on_sum(const jz_pay_sum_row *w, void *arg)
{
    recon *k = arg;
    if (k->oom)
        return;
    fig_add(&k->r->total, w);
    jz_recon_fig *f = programme_fig(k, w->programme);
    if (f)
        fig_add(f, w);
    if (w->batch > 0)
        touch(k, w->batch);
    else if (w->status != JZ_PL_PLANNED && w->status != JZ_PL_HELD &&
             w->status != JZ_PL_WITHDRAWN && w->status < 32)
        k->stray_out |= 1u << w->status;
    if (w->negative && w->status != JZ_PL_HELD)
        k->negative_sent = true;
}

static void on_fact(const jz_pay_batch_fact *f, void *arg)
{
    recon *k = arg;
    if (k->oom)
        return;
    if (k->n_facts == k->cap_facts) {
        size_t nc = k->cap_facts ? 2 * k->cap_facts : 16;
        jz_pay_batch_fact *g = realloc(k->facts, nc * sizeof *g);
        if (!g) {
            k->oom = true;
            return;
        }
        k->facts = g;
        k->cap_facts = nc;
    }
    k->facts[k->n_facts++] = *f;
}

/* ---- issues ---------------------------------------------------------------------------- */

/* Counts a difference and lists it (the first JZ_RECON_ISSUES_MAX); returns
 * the entry listed, or NULL. */
static jz_recon_issue *issue(recon *k, jz_recon_issue_kind kind, bool discrepancy,
                             const jz_pay_line *l, int64_t batch, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static jz_recon_issue *issue(recon *k, jz_recon_issue_kind kind, bool discrepancy,
                             const jz_pay_line *l, int64_t batch, const char *fmt, ...)
{
    jz_pay_recon *r = k->r;
    r->n_issues_total++;
    if (discrepancy)
        r->n_discrepancies++;
    else
        r->n_tasks++;
    if (r->n_issues >= JZ_RECON_ISSUES_MAX)
        return NULL;
    jz_recon_issue *g = realloc(r->issues, (r->n_issues + 1) * sizeof *g);
    if (!g) {
        k->oom = true;
        return NULL;
    }
    r->issues = g;
    jz_recon_issue *i = &g[r->n_issues++];
    memset(i, 0, sizeof *i);
    i->kind = (uint8_t)kind;
    i->discrepancy = discrepancy;
    i->batch = batch;
    if (l) {
        i->line = l->id;
        i->batch = l->batch ? l->batch : batch;
        i->enrolment = l->enrolment;
        snprintf(i->household_id, sizeof i->household_id, "%s", l->household_id);
        snprintf(i->member_id, sizeof i->member_id, "%s", l->member_id);
        snprintf(i->programme, sizeof i->programme, "%s", l->programme);
        snprintf(i->period, sizeof i->period, "%s", l->period);
        i->amount = l->amount;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(i->detail, sizeof i->detail, fmt, ap);
    va_end(ap);
    return i;
}

static const char *status_zh(uint8_t s)
{
    return jz_pay_status_zh[s < JZ_PL_STATUS_COUNT ? s : 0];
}

static const char *money(jz_fen v, char buf[JZ_MONEY_BUF])
{
    jz_money_format(v, buf, JZ_MONEY_BUF);
    return buf;
}

/* The lines of the scope (or of batch `batch` when > 0) that match f. */
static bool lines_of(recon *k, int64_t batch, const jz_pay_line_filter *f, lines *v)
{
    memset(v, 0, sizeof *v);
    jz_pay_scope sc = k->sc;
    if (batch > 0) {
        memset(&sc, 0, sizeof sc);
        sc.batch = batch;
    }
    if (k->rc || (k->rc = jz_store_pay_lines_where(k->s, &sc, f, jz__pay_lines_collect, v, k->err)))
        return false;
    if (v->oom) {
        free(v->l);
        v->l = NULL;
        return nomem(k);
    }
    return true;
}

/* Whether line l is one of the period's (a batch's lines all are). */
static bool in_scope(const recon *k, const jz_pay_line *l)
{
    if (k->sc.batch > 0)
        return l->batch == k->sc.batch;
    return strcmp(l->county, k->county) == 0 &&
           (strcmp(l->period, k->period) == 0 || strcmp(l->period, k->period2) == 0);
}

/* The statuses a line may have in a batch of state `state`. */
static unsigned allowed_in(uint8_t state)
{
    switch (state) {
    case JZ_BATCH_PREPARED:
    case JZ_BATCH_APPROVED:
        return 1u << JZ_PL_BATCHED;
    case JZ_BATCH_EXPORTED:
        return 1u << JZ_PL_SENT;
    case JZ_BATCH_SETTLED:
        return 1u << JZ_PL_PAID | 1u << JZ_PL_REFUSED | 1u << JZ_PL_SUPERSEDED |
               1u << JZ_PL_WITHDRAWN; /* a refusal found not owed (plan.c) */
    default:
        return 0;
    }
}

static const jz_pay_batch_fact *fact_of(const recon *k, int64_t batch)
{
    for (size_t i = 0; i < k->n_facts; i++)
        if (k->facts[i].b.id == batch)
            return &k->facts[i];
    return NULL;
}

/* Each batch holding lines of the scope: its recorded count and total
 * against its lines, and its lines' statuses against its state. */
static void check_batches(recon *k)
{
    jz_pay_recon *r = k->r;
    for (size_t t = 0; t < k->n_touched && !k->rc && !k->oom; t++) {
        int64_t id = k->touched[t];
        const jz_pay_batch_fact *f = fact_of(k, id);
        char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF];
        if (!f) {
            /* No batch of this county by that id: another county's, or none. */
            jz_pay_batch other;
            jz_error e;
            jz_error_clear(&e);
            jz_err rc = jz_store_pay_batch_get(k->s, id, &other, &e);
            if (rc && rc != JZ_ENOTFOUND) {
                *k->err = e;
                k->rc = rc;
                return;
            }
            lines v;
            jz_pay_line_filter any = {0};
            if (!lines_of(k, id, &any, &v))
                return;
            for (size_t i = 0; i < v.n; i++)
                if (!in_scope(k, &v.l[i]))
                    continue; /* the other county's own line */
                else if (rc)
                    issue(k, JZ_RI_STATE, true, &v.l[i], id, "明细记在批次 %lld，而没有这个批次",
                          (long long)id);
                else
                    issue(k, JZ_RI_STATE, true, &v.l[i], id,
                          "明细记在批次 %lld，而那是 %s 县的批次", (long long)id, other.county);
            free(v.l);
            continue;
        }
        jz_recon_batch *g = realloc(r->batches, (r->n_batches + 1) * sizeof *g);
        if (!g) {
            k->oom = true;
            return;
        }
        r->batches = g;
        jz_recon_batch *rb = &g[r->n_batches++];
        rb->b = f->b;
        rb->actual.n = f->n;
        rb->actual.amount = f->amount;
        rb->matches = f->b.lines == f->n && f->b.total == f->amount;
        if (!rb->matches)
            issue(k, JZ_RI_BATCH_TOTAL, true, NULL, id,
                  "批次 %lld 记录 %lld 条、%s 元，其明细为 %lld 条、%s 元", (long long)id,
                  (long long)f->b.lines, money(f->b.total, a), (long long)f->n,
                  money(f->amount, b));
        unsigned bad = 0;
        for (int s = 0; s < JZ_PL_STATUS_COUNT; s++)
            if (f->by_status[s] && !(allowed_in(f->b.state) & (1u << s)))
                bad |= 1u << s;
        if (!bad)
            continue;
        lines v;
        jz_pay_line_filter fl = {.status_mask = bad};
        if (!lines_of(k, id, &fl, &v))
            return;
        const char *st = jz_batch_state_zh[f->b.state < JZ_BATCH_STATE_COUNT ? f->b.state : 0];
        for (size_t i = 0; i < v.n; i++) {
            const jz_pay_line *l = &v.l[i];
            if (l->status == JZ_PL_SENT && f->b.state == JZ_BATCH_SETTLED)
                issue(k, JZ_RI_SENT_NO_RESULT, true, l, id,
                      "已报送银行，批次 %lld 已对账，而这条明细没有回盘结果", (long long)id);
            else
                issue(k, JZ_RI_STATE, true, l, id, "明细状态为「%s」，而所在批次 %lld 为「%s」",
                      status_zh(l->status), (long long)id, st);
        }
        free(v.l);
    }
}

/* The month a batch's period text names ("YYYY-MM"), or -1. */
static int batch_month(const jz_pay_batch *b)
{
    int ym;
    return jz_period_month(b->period, &ym) ? ym : -1;
}

/* Payable lines of the scope that a batch prepared after them could have
 * taken and did not: a batch of the county, of a month the lines may be
 * paid in, holding a line planned later than them (line ids grow with
 * time, so such a batch was prepared while they were already open). */
static void check_unbatched(recon *k)
{
    int64_t mark = 0;
    for (size_t i = 0; i < k->n_facts; i++) {
        const jz_pay_batch_fact *f = &k->facts[i];
        if (strcmp(f->b.county, k->county) != 0)
            continue;
        if (k->start_ym >= 0 && batch_month(&f->b) < k->start_ym)
            continue;
        if (f->max_line > mark)
            mark = f->max_line;
    }
    if (!mark)
        return;
    lines v;
    jz_pay_line_filter fl = {
        .status_mask = 1u << JZ_PL_PLANNED, .sign = 1, .in_batch = -1, .below = mark};
    if (!lines_of(k, 0, &fl, &v))
        return;
    for (size_t i = 0; i < v.n; i++)
        issue(k, JZ_RI_UNBATCHED, false, &v.l[i], 0,
              "可以发放，但此后编制的批次未包括它：请再编一次批次（jiuzhu pay batch）");
    free(v.l);
}

/* Lines in no batch whose status needs one, and negative lines that are
 * not held. */
static void check_statuses(recon *k)
{
    lines v;
    if (k->stray_out) {
        jz_pay_line_filter fl = {.status_mask = k->stray_out, .in_batch = -1};
        if (!lines_of(k, 0, &fl, &v))
            return;
        for (size_t i = 0; i < v.n; i++)
            issue(k, JZ_RI_STATE, true, &v.l[i], 0, "明细状态为「%s」，却不在任何批次中",
                  status_zh(v.l[i].status));
        free(v.l);
    }
    if (k->negative_sent) {
        jz_pay_line_filter fl = {.status_mask = ~(1u << JZ_PL_HELD), .sign = -1};
        if (!lines_of(k, 0, &fl, &v))
            return;
        for (size_t i = 0; i < v.n; i++)
            issue(k, JZ_RI_NEGATIVE, true, &v.l[i], 0,
                  "冲减（负数）明细状态为「%s」：冲减只记账、转为追回，不得报送银行",
                  status_zh(v.l[i].status));
        free(v.l);
    }
}

static void check_refused(recon *k)
{
    lines v;
    jz_pay_line_filter fl = {.status_mask = 1u << JZ_PL_REFUSED};
    if (!lines_of(k, 0, &fl, &v))
        return;
    for (size_t i = 0; i < v.n; i++)
        issue(k, JZ_RI_REFUSED_OPEN, false, &v.l[i], 0,
              "银行退票（%s%s%s），尚未重发：更正收款账户后生成重发明细（jiuzhu pay followup）",
              v.l[i].result[0] ? v.l[i].result : "无代码", v.l[i].reason[0] ? "：" : "",
              v.l[i].reason);
    free(v.l);
}

static bool in_lines(const lines *v, int64_t id)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->l[i].id == id)
            return true;
    return false;
}

static void add_unique(recon *k, lines *into, const lines *from)
{
    for (size_t i = 0; i < from->n && !k->oom; i++)
        if (!in_lines(into, from->l[i].id)) {
            jz__pay_lines_push(into, &from->l[i]);
            if (into->oom)
                k->oom = true;
        }
}

/* What a follow-up must share with the line it pays again. */
static bool same_payment(const jz_pay_line *f, const jz_pay_line *o)
{
    return f->amount == o->amount && strcmp(f->period, o->period) == 0 &&
           strcmp(f->household_id, o->household_id) == 0 &&
           strcmp(f->member_id, o->member_id) == 0 && strcmp(f->programme, o->programme) == 0;
}

/* Refused lines paid again (superseded) and their follow-ups: one each,
 * of the same amount, unit and period; a follow-up of a line that is not
 * superseded (paid, or still refused) is a second payment in waiting. */
static void check_followups(recon *k, jz_recon_sum *sup, jz_recon_sum *matched)
{
    lines s, f = {0}, more;
    jz_pay_line_filter fs = {.status_mask = 1u << JZ_PL_SUPERSEDED};
    jz_pay_line_filter ff = {.kind_mask = 1u << JZ_PAY_FOLLOWUP};
    if (!lines_of(k, 0, &fs, &s))
        return;
    if (!lines_of(k, 0, &ff, &f))
        goto out;
    /* A batch's superseded lines are paid again in later batches: their
     * follow-ups are found by the refused lines' period. */
    for (size_t i = 0; k->sc.batch > 0 && i < s.n && !k->rc && !k->oom; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(s.l[j].period, s.l[i].period) == 0 &&
                   strcmp(s.l[j].county, s.l[i].county) == 0;
        if (seen)
            continue;
        jz_pay_scope sc = {s.l[i].county, s.l[i].period, "", 0};
        memset(&more, 0, sizeof more);
        if ((k->rc = jz_store_pay_lines_where(k->s, &sc, &ff, jz__pay_lines_collect, &more, k->err)))
            break;
        if (more.oom)
            k->oom = true;
        add_unique(k, &f, &more);
        free(more.l);
    }
    if (k->rc || k->oom)
        goto out;
    char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF];
    for (size_t i = 0; i < s.n; i++) {
        const jz_pay_line *o = &s.l[i];
        sum_add(sup, 1, o->amount);
        const jz_pay_line *first = NULL;
        int n = 0;
        for (size_t j = 0; j < f.n; j++)
            if (f.l[j].refers_to == o->id) {
                n++;
                if (!first)
                    first = &f.l[j];
            }
        if (!first) {
            issue(k, JZ_RI_NO_FOLLOWUP, true, o, 0, "状态为「已重发」，而没有重发它的明细");
            continue;
        }
        sum_add(matched, 1, first->amount);
        if (n > 1)
            issue(k, JZ_RI_FOLLOWUP, true, first, 0,
                  "退票明细 %lld 有 %d 条重发明细：同一笔钱只能重发一次（R-PAY-3）",
                  (long long)o->id, n);
        else if (!same_payment(first, o))
            issue(k, JZ_RI_FOLLOWUP, true, first, 0,
                  "重发明细与退票明细 %lld 不一致（%s 元、%s 期 / 原 %s 元、%s 期）",
                  (long long)o->id, money(first->amount, a), first->period, money(o->amount, b),
                  o->period);
    }
    /* The follow-ups of the scope whose refused line is not among the
     * scope's superseded lines. */
    for (size_t j = 0; j < f.n && !k->rc && !k->oom; j++) {
        const jz_pay_line *fu = &f.l[j];
        bool own = k->sc.batch > 0 ? fu->batch == k->sc.batch : strcmp(fu->county, k->county) == 0;
        if (!own || in_lines(&s, fu->refers_to))
            continue;
        jz_pay_line o;
        jz_error e;
        jz_error_clear(&e);
        jz_err rc = jz_store_pay_line_get(k->s, fu->refers_to, &o, &e);
        if (rc == JZ_ENOTFOUND) {
            issue(k, JZ_RI_FOLLOWUP, true, fu, 0, "所重发的明细 %lld 不存在",
                  (long long)fu->refers_to);
            continue;
        }
        if (rc) {
            *k->err = e;
            k->rc = rc;
            break;
        }
        if (o.status == JZ_PL_WITHDRAWN && fu->status == JZ_PL_WITHDRAWN)
            continue; /* withdrawn together: neither is paid */
        if (o.status != JZ_PL_SUPERSEDED)
            issue(k, JZ_RI_FOLLOWUP, true, fu, 0,
                  "所重发的明细 %lld 状态为「%s」而不是「已重发」：可能重复发放", (long long)o.id,
                  status_zh(o.status));
        else if (!same_payment(fu, &o))
            issue(k, JZ_RI_FOLLOWUP, true, fu, 0,
                  "重发明细与退票明细 %lld 不一致（%s 元、%s 期 / 原 %s 元、%s 期）",
                  (long long)o.id, money(fu->amount, a), fu->period, money(o.amount, b), o.period);
    }
out:
    free(s.l);
    free(f.l);
}

static void check_shares(recon *k)
{
    const jz_recon_fig *t = &k->r->total;
    if (!t->once.n || t->province + t->local == t->once.amount)
        return;
    lines v;
    jz_pay_line_filter fl = {.kind_mask = 1u << JZ_PAY_ONCE};
    if (!lines_of(k, 0, &fl, &v))
        return;
    char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF], c[JZ_MONEY_BUF];
    for (size_t i = 0; i < v.n; i++) {
        const jz_pay_line *l = &v.l[i];
        if (l->province_share + l->local_share != l->amount)
            issue(k, JZ_RI_SHARES, true, l, 0, "省级 %s 元 + 市县 %s 元 ≠ 金额 %s 元",
                  money(l->province_share, a), money(l->local_share, b), money(l->amount, c));
    }
    free(v.l);
}

static void on_recovery(const jz_pay_recovery_fact *f, void *arg)
{
    recon *k = arg;
    jz_pay_recon *r = k->r;
    r->recoveries += f->recoveries;
    r->recovered += f->amount;
    r->repaid += f->repaid;
    r->balance += f->balance;
    r->offsets += f->offsets;
    char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF];
    jz_pay_line l;
    memset(&l, 0, sizeof l);
    l.enrolment = f->enrolment;
    snprintf(l.household_id, sizeof l.household_id, "%s", f->household_id);
    jz_recon_issue *i;
    if (f->amount != -f->offsets &&
        (i = issue(k, JZ_RI_RECOVERY, true, &l, 0,
                   "救助 %lld 的追回合计 %s 元，而发放计划冲减（多发转追回）合计 %s 元",
                   (long long)f->enrolment, money(f->amount, a), money(-f->offsets, b))))
        i->amount = f->amount + f->offsets;
    if (f->unbalanced &&
        (i = issue(
             k, JZ_RI_BALANCE, true, &l, 0,
             "追回 %lld 的余额不等于追回金额减已退回金额（救助 %lld：追回 %s 元，已退回 %s 元）",
             (long long)f->unbalanced, (long long)f->enrolment, money(f->amount, a),
             money(f->repaid, b)))) {
        i->recovery = f->unbalanced;
        i->amount = f->balance;
    }
}

static void identity(jz_pay_recon *r, const char *name, const char *text, jz_recon_sum left,
                     jz_recon_sum right, bool count_too)
{
    if (r->n_ids >= JZ_RECON_IDENTITIES)
        return;
    jz_recon_identity *i = &r->ids[r->n_ids++];
    i->name = name;
    i->text = text;
    i->left = left;
    i->right = right;
    i->counted = count_too;
    i->holds = left.amount == right.amount && (!count_too || left.n == right.n);
}

static jz_recon_sum plus(jz_recon_sum a, jz_recon_sum b)
{
    a.n += b.n;
    a.amount += b.amount;
    return a;
}

static int by_rank(const void *a, const void *b)
{
    const jz_recon_fig *x = a, *y = b;
    int rx = programme_rank(x->programme), ry = programme_rank(y->programme);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return strcmp(x->programme, y->programme);
}

static int by_issue(const void *a, const void *b)
{
    const jz_recon_issue *x = a, *y = b;
    if (x->discrepancy != y->discrepancy)
        return x->discrepancy ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->enrolment < y->enrolment ? -1 : x->enrolment > y->enrolment;
}

static jz_err recon_in_tx(jz_store *s, void *arg, jz_error *err)
{
    recon *k = arg;
    jz_pay_recon *r = k->r;
    /* The transaction may run again: start afresh. */
    char county[7], period[JZ_PERIOD_BUF], quarter[JZ_PERIOD_BUF];
    int64_t batch = r->batch;
    snprintf(county, sizeof county, "%s", r->county);
    snprintf(period, sizeof period, "%s", r->period);
    snprintf(quarter, sizeof quarter, "%s", r->quarter);
    jz_pay_recon_cleanup(r);
    r->batch = batch;
    snprintf(r->county, sizeof r->county, "%s", county);
    snprintf(r->period, sizeof r->period, "%s", period);
    snprintf(r->quarter, sizeof r->quarter, "%s", quarter);
    k->s = s;
    k->err = err;
    k->rc = JZ_OK;
    k->oom = false;
    k->n_facts = k->n_touched = 0;
    k->stray_out = 0;
    k->negative_sent = false;

    if (batch > 0) {
        jz_pay_batch b;
        jz_err rc = jz_store_pay_batch_get(s, batch, &b, err);
        if (rc)
            return rc;
        if (!jz__pay_in_scope(k->x, b.county)) {
            char v[32];
            snprintf(v, sizeof v, "%lld", (long long)batch);
            return jz_error_set(err, JZ_ENOTFOUND, "batch", v, "没有这个发放批次");
        }
        snprintf(k->county, sizeof k->county, "%s", b.county);
        snprintf(r->county, sizeof r->county, "%s", b.county);
    }
    jz_err rc = jz_store_pay_sums(s, &k->sc, on_sum, k, err);
    if (!rc && !k->oom)
        rc = jz_store_pay_batch_facts(s, k->county, batch, on_fact, k, err);
    if (rc)
        return rc;
    if (k->oom)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (batch == 0 && !r->total.lines.n && !r->total.adjust_down.n && k->start_ym < 0)
        return jz_error_set(err, JZ_ENOTFOUND, "period", r->period,
                            "县 %s 没有这一期次或一次性项目的发放明细", r->county);
    /* A batch with no line left of its own is still reconciled. */
    if (batch > 0)
        touch(k, batch);
    if (k->oom)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");

    check_batches(k);
    if (batch == 0 && !k->rc && !k->oom)
        check_unbatched(k);
    if (!k->rc && !k->oom)
        check_statuses(k);
    if (!k->rc && !k->oom)
        check_refused(k);
    jz_recon_sum sup = {0}, matched = {0};
    if (!k->rc && !k->oom)
        check_followups(k, &sup, &matched);
    if (!k->rc && !k->oom)
        check_shares(k);
    if (batch == 0 && !k->rc && !k->oom)
        k->rc = jz_store_pay_recovery_facts(s, k->county, on_recovery, k, err);
    if (!k->rc && k->oom)
        nomem(k);
    if (k->rc)
        return k->rc;

    const jz_recon_fig *t = &r->total;
    if (batch == 0) {
        jz_recon_sum right = plus(plus(plus(t->paid, t->repaid), t->refused_open),
                                  plus(plus(plus(t->pending, t->batched), t->sent), t->held));
        right = plus(right, t->withdrawn);
        identity(r, "ledger", "应发 = 已到账 + 退票重发到账 + 退票未重发 + 在途 + 暂缓 + 已撤回",
                 t->planned, right, true);
    } else {
        jz_recon_sum right =
            plus(plus(plus(t->paid, t->repaid), t->refused), plus(t->sent, t->batched));
        right = plus(right, plus(t->withdrawn, t->withdrawn_followups));
        identity(r, "batch_lines",
                 "批次明细 = 已到账 + 退票重发到账 + 退票 + 已报送待回盘 + 已编入未报送 + 已撤回",
                 t->lines, right, true);
    }
    identity(r, "followups", "退票已重发 = 其重发明细（每条一次、金额相同）", sup, matched, true);
    jz_recon_sum recorded = {0}, actual = {0};
    for (size_t i = 0; i < r->n_batches; i++) {
        sum_add(&recorded, r->batches[i].b.lines, r->batches[i].b.total);
        actual = plus(actual, r->batches[i].actual);
    }
    identity(r, "batches", "各批次记录的条数和金额 = 其明细之和", recorded, actual, true);
    if (t->once.n) {
        jz_recon_sum shares = {t->once.n, t->province + t->local};
        identity(r, "shares", "一次性发放金额 = 省级分担 + 市县分担", t->once, shares, false);
    }
    if (batch == 0) {
        jz_recon_sum rec = {r->recoveries, r->recovered}, off = {0, -r->offsets};
        identity(r, "recoveries", "本县追回金额 = 发放计划冲减的多发金额", rec, off, false);
        jz_recon_sum paid = {0, r->repaid + r->balance};
        identity(r, "repayments", "本县追回金额 = 已退回 + 余额", rec, paid, false);
    }
    if (r->n_programmes > 1)
        qsort(r->programmes, r->n_programmes, sizeof *r->programmes, by_rank);
    if (r->n_issues > 1)
        qsort(r->issues, r->n_issues, sizeof *r->issues, by_issue);
    r->balanced = r->n_discrepancies == 0;
    for (size_t i = 0; i < r->n_ids; i++)
        r->balanced = r->balanced && r->ids[i].holds;
    return JZ_OK;
}

static void recon_free(recon *k)
{
    free(k->facts);
    free(k->touched);
}

/* "YYYY-MM" (and its quarter when it opens one), "YYYY-Qn", or a one-time
 * programme's code. */
static jz_err scope_period(recon *k, const char *county, const char *period, jz_error *err)
{
    jz_pay_recon *r = k->r;
    if (!county || strlen(county) != 6 || strspn(county, "0123456789") != 6)
        return jz_error_set(err, JZ_EINPUT, "county", county ? county : "",
                            "县级区划代码应为 6 位数字");
    size_t n = period ? strlen(period) : 0;
    if (n == 0 || n >= JZ_PERIOD_BUF ||
        strspn(period, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
        return jz_error_set(err, JZ_EINPUT, "period", period ? period : "",
                            "期次应为年月（如 2025-07）、季度（如 2025-Q3）或一次性项目代码");
    if (!jz__pay_in_scope(k->x, county))
        return jz_error_set(err, JZ_EDENIED, "county", county, "该地区不在您的管辖范围内");
    snprintf(k->county, sizeof k->county, "%s", county);
    snprintf(k->period, sizeof k->period, "%s", period);
    int ym;
    k->start_ym = -1;
    if (jz_period_month(period, &ym)) {
        k->start_ym = ym;
        if (ym % 3 == 0)
            jz_period_quarter_text(ym, k->period2);
    } else if (jz__pay_period_start(period, &ym)) {
        k->start_ym = ym;
    } else if (strlen(period) == 7 && period[4] == '-') {
        return jz_error_set(err, JZ_EINPUT, "period", period,
                            "期次应为年月（如 2025-07）或季度（如 2025-Q3）");
    }
    snprintf(r->county, sizeof r->county, "%s", k->county);
    snprintf(r->period, sizeof r->period, "%s", k->period);
    snprintf(r->quarter, sizeof r->quarter, "%s", k->period2);
    k->sc.county = k->county;
    k->sc.period = k->period;
    k->sc.period2 = k->period2;
    k->sc.batch = 0;
    return JZ_OK;
}

jz_err jz_pay_reconcile_period(jz_ctx *x, const char *county, const char *period, jz_pay_recon *out,
                               jz_error *err)
{
    memset(out, 0, sizeof *out);
    recon k;
    memset(&k, 0, sizeof k);
    k.x = x;
    k.r = out;
    jz_err rc = scope_period(&k, county, period, err);
    if (!rc)
        rc = jz_store_run_as(x->store, x->actor, recon_in_tx, &k, err);
    recon_free(&k);
    if (rc)
        jz_pay_recon_cleanup(out);
    return rc;
}

jz_err jz_pay_reconcile_batch(jz_ctx *x, int64_t batch, jz_pay_recon *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    if (batch <= 0) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)batch);
        return jz_error_set(err, JZ_EINPUT, "batch", v, "批次号应为正整数");
    }
    recon k;
    memset(&k, 0, sizeof k);
    k.x = x;
    k.r = out;
    k.start_ym = -1;
    k.sc.batch = batch;
    out->batch = batch;
    jz_err rc = jz_store_run_as(x->store, x->actor, recon_in_tx, &k, err);
    recon_free(&k);
    if (rc)
        jz_pay_recon_cleanup(out);
    return rc;
}

/* For the statement (statement.c): the same reconciliation inside the
 * caller's transaction. */
jz_err jz__pay_reconcile_in_tx(jz_ctx *x, jz_store *s, const char *county, const char *period,
                               jz_pay_recon *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    recon k;
    memset(&k, 0, sizeof k);
    k.x = x;
    k.r = out;
    jz_err rc = scope_period(&k, county, period, err);
    if (!rc)
        rc = recon_in_tx(s, &k, err);
    recon_free(&k);
    if (rc)
        jz_pay_recon_cleanup(out);
    return rc;
}
