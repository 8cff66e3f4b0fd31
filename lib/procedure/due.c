/*
 * due.c - what is due (jz_proc_due): every open case's nearer deadline (its
 * next step's, or the whole procedure's), counted in working days from a
 * date, most urgent first.
 *
 * One case never stops the list.  A case whose deadline cannot be computed
 * (it runs past the last year of the holiday calendar: accepted before steps
 * were refused for that, brought in by an import, or a review opened as a
 * task) is listed apart with the reason, so that the others, overdue ones
 * included, are still shown, and the one that could not be computed is
 * named rather than hidden.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_procedure.h"

typedef struct collect {
    const jz_calendar *cal;
    jz_date on;
    long within;
    bool all;
    jz_due_list *out;
    size_t cap, pcap;
    bool nomem;
} collect;

static jz_due_case *grow(jz_due_case **v, size_t n, size_t *cap, bool *nomem)
{
    if (n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        jz_due_case *g = realloc(*v, nc * sizeof *g);
        if (!g) {
            *nomem = true;
            return NULL;
        }
        *v = g;
        *cap = nc;
    }
    return &(*v)[n];
}

static void one_case(const jz_case *c, void *arg)
{
    collect *k = arg;
    if (k->nomem)
        return;
    jz_due_case r;
    memset(&r, 0, sizeof r);
    r.c = *c;
    jz_error_clear(&r.err);
    jz_date step_due, overall;
    const char *what = NULL;
    jz_err rc = jz_case_deadlines(c, k->cal, &step_due, &overall, &what, &r.err);
    if (!rc) {
        /* The nearer deadline: the step's, or the whole procedure's. */
        r.due = step_due;
        r.what = what;
        if (overall && (!r.due || overall < r.due)) {
            r.due = overall;
            r.what = c->due_by ? NULL : "作出决定（办理期限届满）"; /* NULL: the task */
        }
        if (!r.due)
            return;
        rc = jz_calendar_count(k->cal, k->on, r.due, &r.left, &r.err);
        if (!rc && !k->all && r.left > k->within)
            return;
    }
    jz_due_case *slot;
    if (rc) {
        /* What can be said without the calendar: a task's legal date. */
        r.failed = true;
        r.due = c->due_by;
        r.what = what && what[0] ? what : NULL;
        slot = grow(&k->out->problems, k->out->n_problems, &k->pcap, &k->nomem);
        if (slot) {
            *slot = r;
            k->out->n_problems++;
        }
        return;
    }
    slot = grow(&k->out->rows, k->out->n, &k->cap, &k->nomem);
    if (slot) {
        *slot = r;
        k->out->n++;
    }
}

static int by_urgency(const void *a, const void *b)
{
    const jz_due_case *x = a, *y = b;
    if (x->left != y->left)
        return x->left < y->left ? -1 : 1;
    return x->c.id < y->c.id ? -1 : x->c.id > y->c.id;
}

jz_err jz_proc_due(const jz_ctx *x, const char *region_prefix, jz_date on, long within, bool all,
                   jz_due_list *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    /* The date itself must be countable: every case depends on it. */
    bool work;
    jz_err rc = jz_calendar_is_workday(x->calendar, on, &work, err);
    if (rc) {
        snprintf(err->field, sizeof err->field, "--date");
        return rc;
    }
    collect k = {.cal = x->calendar, .on = on, .within = within, .all = all, .out = out};
    rc = jz_store_case_list(x->store, region_prefix ? region_prefix : "", true, one_case, &k, err);
    if (!rc && k.nomem)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (rc) {
        jz_due_list_cleanup(out);
        return rc;
    }
    if (out->n)
        qsort(out->rows, out->n, sizeof *out->rows, by_urgency);
    return JZ_OK;
}

void jz_due_list_cleanup(jz_due_list *l)
{
    free(l->rows);
    free(l->problems);
    memset(l, 0, sizeof *l);
}
