/*
 * due.c - payment deadlines (`jiuzhu pay due`, issue 14 item 7): money not
 * yet sent to the bank whose legal date is past or near, in `case due`'s
 * sense (working days from a date, most urgent first, what cannot be
 * computed listed apart with the reason).
 *
 * The legal date of a line is its period's (R-DB-PAY: 低保 by the 10th of
 * the month; R-TK-PAY: 特困 by the 10th of the quarter's first month;
 * R-ONCE-1: a one-time programme by its deadline).  A row is one period of
 * one county in one batch not yet exported, or in no batch: payable lines,
 * or lines held for want of an account (late all the same for the family).
 * A follow-up or an arrear keeps its period, so a refused June line paid
 * again in July shows as late since June.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pay_int.h"

jz_err jz__pay_once_deadline(const jz_ctx *x, const char *code, jz_date *due, jz_error *err)
{
    /* R-ONCE-1: the programme's own deadline (policy/programmes/). */
    const jz_once_programme *p = x->programmes ? jz_once_programmes_find(x->programmes, code) : NULL;
    *due = JZ_DATE_NONE;
    if (!p)
        return jz_error_set(err, JZ_ENOTFOUND, "programme", code,
                            "一次性发放项目的发放期限未载入（policy/programmes/ 中没有该项目），"
                            "无法判断是否超期");
    if (p->deadline == JZ_DATE_NONE)
        return jz_error_set(err, JZ_ENOTFOUND, "programme", code,
                            "该一次性发放项目的文件未规定发放期限，无法判断是否超期");
    *due = p->deadline;
    return JZ_OK;
}

/* The legal date of a period and the rule that sets it. */
static jz_err legal_date(const jz_ctx *x, const char *period, jz_date *due, const char **rule,
                         jz_error *err)
{
    int ym;
    if (jz_period_month(period, &ym)) {
        *rule = "R-DB-PAY";
        *due = jz_period_due(ym);
        return JZ_OK;
    }
    if (jz__pay_period_start(period, &ym)) {
        *rule = "R-TK-PAY";
        *due = jz_period_due(ym);
        return JZ_OK;
    }
    *rule = "R-ONCE-1";
    return jz__pay_once_deadline(x, period, due, err);
}

typedef struct collect {
    jz_ctx *x;
    jz_date on;
    int within;
    jz_pay_due_list *out;
    size_t cap, pcap;
    bool oom;
} collect;

static bool push(jz_pay_due_row **v, size_t *n, size_t *cap, const jz_pay_due_row *r)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 32;
        jz_pay_due_row *g = realloc(*v, nc * sizeof *g);
        if (!g)
            return false;
        *v = g;
        *cap = nc;
    }
    (*v)[(*n)++] = *r;
    return true;
}

static void one_group(const jz_pay_due_group *g, void *arg)
{
    collect *k = arg;
    if (k->oom || !jz__pay_in_scope(k->x, g->county))
        return;
    jz_pay_due_row r;
    memset(&r, 0, sizeof r);
    jz_error_clear(&r.err);
    snprintf(r.county, sizeof r.county, "%s", g->county);
    snprintf(r.period, sizeof r.period, "%s", g->period);
    snprintf(r.bank, sizeof r.bank, "%s", g->bank);
    r.batch = g->batch;
    r.state = g->state;
    r.status = g->status;
    r.lines = g->n;
    r.amount = g->amount;
    jz_err rc = legal_date(k->x, g->period, &r.due, &r.rule, &r.err);
    if (!rc) {
        r.late = k->on > r.due;
        int n = 0;
        rc = r.late ? jz_calendar_count(k->x->calendar, r.due, k->on, &n, &r.err)
                    : jz_calendar_count(k->x->calendar, k->on, r.due, &n, &r.err);
        r.left = r.late ? -n : n;
        if (!rc && !r.late && r.left > k->within)
            return;
    }
    bool ok = rc ? push(&k->out->problems, &k->out->n_problems, &k->pcap, &r)
                 : push(&k->out->rows, &k->out->n, &k->cap, &r);
    if (!ok)
        k->oom = true;
}

/* Late before due, the most overdue first; then the nearest. */
static int by_urgency(const void *a, const void *b)
{
    const jz_pay_due_row *x = a, *y = b;
    if (x->late != y->late)
        return x->late ? -1 : 1;
    if (x->left != y->left)
        return x->left < y->left ? -1 : 1;
    if (x->due != y->due)
        return x->due < y->due ? -1 : 1;
    int c = strcmp(x->county, y->county);
    if (c)
        return c;
    if ((c = strcmp(x->period, y->period)))
        return c;
    if (x->batch != y->batch)
        return x->batch < y->batch ? -1 : 1;
    return x->status < y->status ? -1 : x->status > y->status;
}

jz_err jz_pay_due(jz_ctx *x, const char *region_prefix, jz_date on, int within,
                  jz_pay_due_list *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    const char *prefix = region_prefix ? region_prefix : "";
    size_t n = strlen(prefix);
    if (n > 12 || strspn(prefix, "0123456789") != n)
        return jz_error_set(err, JZ_EINPUT, "region", prefix, "区划应为至多 12 位数字");
    /* Within the actor's scope: a wider prefix narrows to it. */
    size_t ns = strlen(x->scope);
    if (ns && strncmp(prefix, x->scope, n < ns ? n : ns) != 0)
        return jz_error_set(err, JZ_EDENIED, "region", prefix, "该地区不在您的管辖范围内");
    if (ns > n)
        prefix = x->scope;
    if (within < 0)
        within = 0;
    /* The date itself must be countable: every row depends on it. */
    bool work;
    jz_err rc = jz_calendar_is_workday(x->calendar, on, &work, err);
    if (rc) {
        snprintf(err->field, sizeof err->field, "--date");
        return rc;
    }
    /* One statement: one state of the ledger, no transaction needed. */
    collect k = {.x = x, .on = on, .within = within, .out = out};
    rc = jz_store_pay_due_groups(x->store, prefix, one_group, &k, err);
    if (!rc && k.oom)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (rc) {
        jz_pay_due_list_cleanup(out);
        return rc;
    }
    if (out->n > 1)
        qsort(out->rows, out->n, sizeof *out->rows, by_urgency);
    return JZ_OK;
}

void jz_pay_due_list_cleanup(jz_pay_due_list *l)
{
    free(l->rows);
    free(l->problems);
    memset(l, 0, sizeof *l);
}
