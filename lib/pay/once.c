/*
 * once.c - paying a one-time programme (jz_pay_once, R-ONCE-1, seed 004
 * 一.2): one JZ_PAY_ONCE line per eligible person, once per programme.
 *
 * Who is eligible: the persons of every unit of one of the programme's
 * programmes that is in force on its as_of day (jz__pay_in_force: from its
 * first month to its last, not under a hold that did not end in its
 * favour), as planning reads the units.
 *  - A 特困 or 单人保 unit is one person: its member_id, if the record says
 *    he was alive on as_of.
 *  - A household's unit (低保, 支出型低保, 低保边缘, 刚性支出) is paid per
 *    person: the members of the household's stored record who are counted
 *    on as_of: born and alive then, living at home (R-HH-2), without a unit of
 *    their own in force then (a 特困 or 单人保 person is his own unit,
 *    R-TK-5).  When the record counts more persons than the unit's term
 *    in force on as_of, nobody can tell which of them the unit covers: the
 *    unit is refused with the reason (listed, nothing paid) until a review
 *    settles it.  Fewer (a death, a member away) pays those counted.
 * Each line goes where planning sends the unit's money (jz__pay_line_of:
 * held while there is no payee), carries the programme's code as its
 * programme and period, the person, the amount, the funding split and the
 * voucher flag, and no enrolment (0).  The ledger's unique index on
 * (programme, member_id) of one-time lines keeps each person to one line
 * whatever is run again, by whom, at once or later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pay_int.h"

typedef struct members {
    jz_pay_member *m;
    size_t n, cap;
    bool oom;
} members;

static void add_member(const jz_pay_member *m, void *arg)
{
    members *v = arg;
    if (v->n == v->cap) {
        size_t nc = v->cap ? 2 * v->cap : 16;
        jz_pay_member *g = realloc(v->m, nc * sizeof *g);
        if (!g) {
            v->oom = true;
            return;
        }
        v->m = g;
        v->cap = nc;
    }
    v->m[v->n++] = *m;
}

typedef struct once {
    jz_ctx *x;
    const jz_once_programme *pg;
    int ym; /* the month of as_of */
    jz_pay_once_res *res;
    jz_pay_unit *u; /* the units of one household */
    size_t n, cap;
    members mem;
    jz_err rc;
    jz_error *err;
} once;

static void refuse(once *o, const jz_pay_unit *u, const char *reason)
{
    jz_pay_once_res *r = o->res;
    jz_pay_refusal *g = realloc(r->refusals, (r->n_refusals + 1) * sizeof *g);
    if (!g) {
        o->rc = jz_error_set(o->err, JZ_ENOMEM, NULL, NULL, "内存不足");
        return;
    }
    r->refusals = g;
    jz_pay_refusal *f = &g[r->n_refusals++];
    memset(f, 0, sizeof *f);
    snprintf(f->household_id, sizeof f->household_id, "%s", u->e.household_id);
    snprintf(f->member_id, sizeof f->member_id, "%s", u->e.member_id);
    f->enrolment = u->e.id;
    snprintf(f->rule, sizeof f->rule, "R-ONCE-1");
    snprintf(f->reason, sizeof f->reason, "%s", reason);
}

/* Born by day d and not dead by then. */
static bool alive_on(const jz_pay_member *m, jz_date d)
{
    return m->birth <= d && (m->deceased == JZ_DATE_NONE || m->deceased > d);
}

/* Whether the unit is a person's own (特困, 单人保). */
static bool own_unit(const jz_pay_unit *u)
{
    return u->e.member_id[0] &&
           (u->e.programme == JZ_UNIT_TEKUN || u->e.programme == JZ_UNIT_SINGLE_DIBAO);
}

static bool eligible(const once *o, const jz_pay_unit *u)
{
    return u->e.programme < JZ_UNIT_PROGRAMME_COUNT && (o->pg->eligible & (1u << u->e.programme)) &&
           jz__pay_in_force(u, o->ym) && jz__pay_term_at(u, o->ym);
}

static void pay_person(once *o, const jz_pay_unit *u, const jz_pay_member *m)
{
    const jz_once_programme *pg = o->pg;
    jz_pay_line l;
    jz__pay_line_of(u, &l);
    l.enrolment = 0; /* a one-time line belongs to no enrolment (jz_pay.h) */
    snprintf(l.programme, sizeof l.programme, "%s", pg->code);
    snprintf(l.period, sizeof l.period, "%s", pg->code);
    l.kind = JZ_PAY_ONCE;
    snprintf(l.member_id, sizeof l.member_id, "%s", m->id);
    snprintf(l.label, sizeof l.label, "%s", m->name);
    l.persons = 1;
    l.amount = pg->amount;
    jz_once_programme_split(pg, pg->amount, &l.province_share, &l.local_share);
    l.voucher = pg->voucher;
    if (l.voucher) {
        /* A voucher is issued to the person by his ID number, not paid
         * into an account: it waits for no payee (batch.c). */
        l.payee = 0;
        l.status = JZ_PL_PLANNED;
        l.reason[0] = '\0';
    }
    bool added = false;
    if ((o->rc = jz_store_pay_line_add(o->x->store, &l, &added, o->err)))
        return;
    jz_pay_once_res *r = o->res;
    r->persons++;
    if (!added) {
        r->already++;
        return;
    }
    r->lines_added++;
    r->held += l.status == JZ_PL_HELD;
    r->total_added += l.amount;
    r->province_added += l.province_share;
    r->local_added += l.local_share;
}

/* Whether member id has a unit of his own in force on as_of. */
static bool has_own_unit(const once *o, const char *id)
{
    for (size_t i = 0; i < o->n; i++)
        if (own_unit(&o->u[i]) && strcmp(o->u[i].e.member_id, id) == 0 &&
            jz__pay_in_force(&o->u[i], o->ym))
            return true;
    return false;
}

static void flush_household(once *o)
{
    bool any = false;
    for (size_t i = 0; i < o->n && !any; i++)
        any = eligible(o, &o->u[i]);
    if (!any)
        return;
    members *mem = &o->mem;
    mem->n = 0;
    if ((o->rc =
             jz_store_pay_members(o->x->store, o->u[0].e.household_id, add_member, mem, o->err)))
        return;
    if (mem->oom) {
        o->rc = jz_error_set(o->err, JZ_ENOMEM, NULL, NULL, "内存不足");
        return;
    }
    jz_date as_of = o->pg->as_of;
    for (size_t i = 0; i < o->n && !o->rc; i++) {
        const jz_pay_unit *u = &o->u[i];
        if (!eligible(o, u))
            continue;
        if (u->e.member_id[0]) {
            /* A person's own unit: him, if he lived on as_of. */
            size_t k = 0;
            while (k < mem->n && strcmp(mem->m[k].id, u->e.member_id) != 0)
                k++;
            if (k == mem->n)
                refuse(o, u, "这条救助的对象已不在户记录中：请复核后再发放");
            else if (alive_on(&mem->m[k], as_of))
                pay_person(o, u, &mem->m[k]);
            continue;
        }
        /* A household's unit: the persons its record counts on as_of. */
        int counted = 0;
        for (size_t k = 0; k < mem->n; k++) {
            const jz_pay_member *m = &mem->m[k];
            counted += alive_on(m, as_of) && m->present && !has_own_unit(o, m->id);
        }
        int persons = jz__pay_term_at(u, o->ym)->persons;
        if (counted > persons) {
            char why[256];
            snprintf(why, sizeof why,
                     "户记录中有 %d 名共同生活、未单独保障的成员，而该户救助按 %d 人保障："
                     "无法确定哪几人享受，请复核该户后再发放",
                     counted, persons);
            refuse(o, u, why);
            continue;
        }
        for (size_t k = 0; k < mem->n && !o->rc; k++) {
            const jz_pay_member *m = &mem->m[k];
            if (alive_on(m, as_of) && m->present && !has_own_unit(o, m->id))
                pay_person(o, u, m);
        }
    }
}

static void on_unit(const jz_pay_unit *u, void *arg)
{
    once *o = arg;
    if (o->rc)
        return;
    if (o->n && strcmp(o->u[0].e.household_id, u->e.household_id) != 0) {
        flush_household(o);
        o->n = 0;
        if (o->rc)
            return;
    }
    if (o->n == o->cap) {
        size_t nc = o->cap ? 2 * o->cap : 8;
        jz_pay_unit *g = realloc(o->u, nc * sizeof *g);
        if (!g) {
            o->rc = jz_error_set(o->err, JZ_ENOMEM, NULL, NULL, "内存不足");
            return;
        }
        o->u = g;
        o->cap = nc;
    }
    o->u[o->n++] = *u;
}

typedef struct once_args {
    once *o;
    const char *prefix;
} once_args;

static jz_err once_in_tx(jz_store *s, void *arg, jz_error *err)
{
    once_args *a = arg;
    once *o = a->o;
    jz_pay_once_res *res = o->res;
    free(res->refusals);
    memset(res, 0, sizeof *res); /* afresh: jz_store_run may run this again */
    o->n = 0;
    o->rc = JZ_OK;
    o->err = err;
    jz_err rc = jz_store_pay_units_all(s, a->prefix, on_unit, o, err);
    if (!rc && !o->rc && o->n)
        flush_household(o);
    if (!rc)
        rc = o->rc;
    jz_store_once_totals t;
    if (!rc && !(rc = jz_store_pay_once_totals(s, o->pg->code, a->prefix, &t, err))) {
        res->lines = t.lines;
        res->total = t.total;
        res->province = t.province;
        res->local = t.local;
    }
    if (!rc) {
        char after[512], tot[JZ_MONEY_BUF], pr[JZ_MONEY_BUF], lo[JZ_MONEY_BUF];
        jz_money_format(res->total_added, tot, sizeof tot);
        jz_money_format(res->province_added, pr, sizeof pr);
        jz_money_format(res->local_added, lo, sizeof lo);
        snprintf(after, sizeof after,
                 "{\"programme\":\"%s\",\"region\":\"%s\",\"persons\":%lld,\"lines\":%lld,"
                 "\"already\":%lld,\"held\":%lld,\"total\":\"%s\",\"province\":\"%s\","
                 "\"local\":\"%s\",\"refused\":%zu}",
                 o->pg->code, a->prefix, (long long)res->persons, (long long)res->lines_added,
                 (long long)res->already, (long long)res->held, tot, pr, lo, res->n_refusals);
        char entity[48];
        snprintf(entity, sizeof entity, "pay-once:%s", o->pg->code);
        rc = jz_store_audit(s, a->prefix, "pay.once", entity, "", after, err);
    }
    return rc;
}

jz_err jz_pay_once(jz_ctx *x, const char *code, const char *region_prefix, jz_pay_once_res *res,
                   jz_error *err)
{
    memset(res, 0, sizeof *res);
    const jz_once_programme *pg = jz_once_programmes_find(x->programmes, code);
    if (!pg)
        return jz_error_set(err, JZ_ENOTFOUND, "--programme", code ? code : "",
                            "没有这个一次性项目（policy/programmes/%s.json）", code ? code : "");
    const char *prefix = region_prefix ? region_prefix : "";
    if (strlen(prefix) > 12 || strspn(prefix, "0123456789") != strlen(prefix))
        return jz_error_set(err, JZ_EINPUT, "region", prefix, "区划应为至多 12 位数字");
    if (x->scope[0] && strncmp(prefix, x->scope, strlen(x->scope)) != 0)
        return jz_error_set(err, JZ_EDENIED, "region", prefix, "该地区不在您的管辖范围内");
    char d[JZ_DATE_BUF];
    jz_date_format(pg->as_of, d, sizeof d);
    if (x->today && pg->as_of > x->today)
        return jz_error_set(err, JZ_EINPUT, "eligible.as_of", d,
                            "一次性项目 %s 的资格认定日尚未到来，届时才能确定发放对象", code);
    once o = {.x = x, .pg = pg, .res = res};
    o.ym = jz_date_month_index(pg->as_of);
    once_args a = {&o, prefix};
    jz_err rc = jz_store_run_as(x->store, x->actor, once_in_tx, &a, err);
    free(o.u);
    free(o.mem.m);
    if (rc) {
        jz_pay_once_res_cleanup(res);
        return rc;
    }
    res->late = pg->deadline != JZ_DATE_NONE && x->today > pg->deadline;
    return JZ_OK;
}

void jz_pay_once_res_cleanup(jz_pay_once_res *r)
{
    free(r->refusals);
    memset(r, 0, sizeof *r);
}
