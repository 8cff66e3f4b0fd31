/*
 * payee.c - who a unit's money goes to (R-PAY-2): the household's account,
 * a person's own, or for 集中供养 特困 his care institution's; and the
 * register of care institutions (供养服务机构) with their accounts.
 *
 * A payee is versioned: a change of account is a new row and the old one
 * stops being current (the store does that), so that a line keeps the very
 * account it was sent to, and a refused line can tell that its unit's
 * account was corrected since (followup.c).  The audit log sees every
 * change, with the account masked and the payee's version: the change is visible,
 * the number is not in the log.
 *
 * Lines planned before the unit had an account are held (no payee, a
 * positive amount: plan.c's line_of).  Setting the payee makes them
 * planned, to it, so that the next batch takes them; a negative adjustment
 * (held too, to be recovered) is never touched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bank_int.h"
#include "jiuzhu/jz_docs.h"
#include "jiuzhu/jz_encoding.h"
#include "jiuzhu/jz_record.h"
#include "pay_int.h"

/* ---- shared --------------------------------------------------------------------------- */

jz_err jz__pay_payee_bank(jz_store *s, const jz_payee *p, jz_institution *inst, jz_error *err)
{
    memset(inst, 0, sizeof *inst);
    if (!p->institution) {
        snprintf(inst->bank, sizeof inst->bank, "%s", p->bank);
        return JZ_OK;
    }
    return jz_store_institution_get(s, p->institution, inst, err);
}

/* A name people read (a holder, an institution): one line of safe text that
 * a spreadsheet would not take for a formula (the bank file carries it). */
static jz_err check_name(const char *field, const char *s, size_t max, jz_error *err)
{
    size_t n = s ? strlen(s) : 0;
    uint32_t cp;
    if (n == 0)
        return jz_error_set(err, JZ_EINPUT, field, "", "缺少名称");
    if (n > max)
        return jz_error_setn(err, JZ_EINPUT, field, s, n, "名称过长（至多 %zu 字节）", max);
    long at = jz_text_find_unsafe(s, n, &cp);
    if (at >= 0) {
        char why[160];
        jz_text_unsafe_reason(cp, why, sizeof why);
        return jz_error_set(err, JZ_EINPUT, field, s, "名称%s", why);
    }
    if (jz_doc_formula_like(s) || strpbrk(s, ",\""))
        return jz_error_set(err, JZ_EINPUT, field, s,
                            "名称不能以 = + - @ 开头，也不能含有逗号或引号（代发文件会误读）");
    return JZ_OK;
}

static jz_err household_of(jz_ctx *x, const char *key, jz_household *h, jz_household_buf *b,
                           char **record, char county[7], jz_error *err)
{
    *record = NULL;
    if (!key || !key[0])
        return jz_error_set(err, JZ_EINPUT, "household", "", "缺少户编号");
    jz_err rc = jz_store_get_record(x->store, key, record, err);
    if (rc == JZ_ENOTFOUND)
        return jz_error_set(err, JZ_ENOTFOUND, "household", key, "数据库中没有这一户");
    if (rc)
        return rc;
    jz_parse_opts po = {.regions = NULL, .default_date = x->today};
    if ((rc = jz_household_parse(*record, strlen(*record), &po, h, b, err)))
        return rc;
    jz_region_county(&h->region, county);
    if (!jz__pay_in_scope(x, county))
        return jz_error_set(err, JZ_ENOTFOUND, "household", key, "数据库中没有这一户");
    return JZ_OK;
}

/* The payee as the audit log keeps it: the account masked.  No hash of it:
 * an unkeyed hash of a 19-digit card number with a known bank prefix is
 * found by trying them all; a change shows as the payee's new version. */
static json_t *payee_json(const jz_payee *p)
{
    char m[JZ_ACCOUNT_BUF];
    jz_account_mask(p->account, m);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I}", "version", (json_int_t)p->version,
                     "member_id", p->member_id, "holder", p->holder_name, "holder_id", p->holder_id,
                     "bank", p->bank, "account", m, "institution", (json_int_t)p->institution);
}

/* Audits action with before (NULL: none, when had_before is false) and
 * after (never NULL: a NULL is json_pack's failure, out of memory). */
static jz_err audit_json(jz_store *s, const char *county, const char *action, const char *entity,
                         bool had_before, json_t *before, json_t *after, jz_error *err)
{
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    jz_err rc = (had_before && !b) || !a
                    ? jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足")
                    : jz_store_audit(s, county, action, entity, b ? b : "", a ? a : "", err);
    free(b);
    free(a);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* ---- setting a payee ------------------------------------------------------------------- */

typedef jz__pay_lines lines;

/* The held lines of the unit that wanted only an account now go to p. */
static jz_err release(jz_store *s, const jz_payee *p, int64_t *released, jz_error *err)
{
    lines v = {0};
    jz_err rc = jz_store_pay_lines_of_household(s, p->household_id, jz__pay_lines_collect, &v, err);
    if (!rc && v.oom)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    for (size_t i = 0; i < v.n && !rc; i++) {
        jz_pay_line l = v.l[i];
        if (l.status != JZ_PL_HELD || l.payee != 0 || l.amount <= 0)
            continue;
        bool mine;
        if (p->member_id[0]) {
            mine = strcmp(l.member_id, p->member_id) == 0;
        } else if (!l.member_id[0]) {
            mine = true;
        } else {
            /* A person's line goes to the household's account when he has
             * none of his own, except 特困 (his own, or his institution's). */
            jz_payee own;
            jz_error e;
            jz_error_clear(&e);
            jz_err r2 = jz_store_payee_current(s, l.household_id, l.member_id, &own, &e);
            if (r2 && r2 != JZ_ENOTFOUND) {
                *err = e;
                rc = r2;
                break;
            }
            mine = r2 == JZ_ENOTFOUND && strcmp(l.programme, "tekun") != 0;
        }
        if (p->institution && strcmp(l.programme, "tekun") != 0 && l.kind != JZ_PAY_ONCE)
            mine = false; /* an institution is paid 特困 support (R-PAY-2) and,
                             for the person it supports, his one-time cash */
        if (!mine)
            continue;
        l.payee = p->id;
        l.status = JZ_PL_PLANNED;
        l.reason[0] = '\0';
        if (!(rc = jz_store_pay_line_set(s, &l, JZ_PL_HELD, err)))
            (*released)++;
    }
    free(v.l);
    return rc;
}

typedef struct set_args {
    jz_ctx *x;
    const jz_payee_req *rq;
    jz_payee_res *res;
} set_args;

static bool same_payee(const jz_payee *a, const jz_payee *b)
{
    return strcmp(a->holder_name, b->holder_name) == 0 && strcmp(a->holder_id, b->holder_id) == 0 &&
           strcmp(a->bank, b->bank) == 0 && strcmp(a->account, b->account) == 0 &&
           a->institution == b->institution;
}

static void add_shared(const char *household_id, void *arg)
{
    jz_payee_res *r = arg;
    if (r->n_shared < JZ_PAYEE_SHARED_MAX)
        snprintf(r->shared[r->n_shared++], sizeof r->shared[0], "%s", household_id);
}

static jz_err set_in_tx(jz_store *s, void *arg, jz_error *err)
{
    set_args *a = arg;
    jz_ctx *x = a->x;
    const jz_payee_req *rq = a->rq;
    jz_payee_res *res = a->res;
    memset(res, 0, sizeof *res);
    jz_household h;
    jz_household_buf *hb = malloc(sizeof *hb);
    char *record = NULL, county[7];
    jz_payee p;
    memset(&p, 0, sizeof p);
    jz_err rc = hb ? household_of(x, rq->household_id, &h, hb, &record, county, err)
                   : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (rc)
        goto out;
    snprintf(p.county, sizeof p.county, "%s", county);
    snprintf(p.household_id, sizeof p.household_id, "%s", h.household_id);
    if (rq->member_id && rq->member_id[0]) {
        jz_error e;
        jz_error_clear(&e);
        if (jz_idnum_normalize(rq->member_id, strlen(rq->member_id), p.member_id, &e)) {
            rc = jz_error_set(err, JZ_EINPUT, "member", rq->member_id, "%s", e.reason);
            goto out;
        }
        uint32_t i = 0;
        while (i < h.n_members && strcmp(h.members[i].id, p.member_id) != 0)
            i++;
        if (i == h.n_members) {
            rc = jz_error_set(err, JZ_EINPUT, "member", p.member_id, "此人不是户 %s 的成员",
                              h.household_id);
            goto out;
        }
    }
    if (rq->institution) {
        if (!p.member_id[0]) {
            rc = jz_error_set(err, JZ_EINPUT, "institution", NULL,
                              "供养服务机构只收取集中供养特困人员本人的供养金：请用 --member "
                              "指明特困人员（R-PAY-2）");
            goto out;
        }
        jz_institution in;
        if ((rc = jz_store_institution_get(s, rq->institution, &in, err)))
            goto out;
        if (strcmp(in.county, county) != 0) {
            rc = jz_error_set(err, JZ_EINPUT, "institution", in.name,
                              "供养服务机构属于县 %s，而此户属于县 %s", in.county, county);
            goto out;
        }
        /* institution_add keeps the holder within a payee's holder_name. */
        snprintf(p.holder_name, sizeof p.holder_name, "%.*s", (int)sizeof p.holder_name - 1,
                 in.holder);
        snprintf(p.bank, sizeof p.bank, "%s", in.bank);
        snprintf(p.account, sizeof p.account, "%s", in.account);
        p.institution = in.id;
    } else {
        if ((rc = check_name("name", rq->holder_name, sizeof p.holder_name - 1, err)))
            goto out;
        snprintf(p.holder_name, sizeof p.holder_name, "%s", rq->holder_name);
        const char *id = rq->holder_id ? rq->holder_id : "";
        jz_error e;
        jz_error_clear(&e);
        if (jz_idnum_normalize(id, strlen(id), p.holder_id, &e)) {
            rc = jz_error_set(err, JZ_EINPUT, "id", id, "账户持有人身份证号有误：%s", e.reason);
            goto out;
        }
        const char *code = rq->bank ? rq->bank : "";
        const jz_bank *bk = jz_banks_find_payable(x->banks, code);
        if (!bk) {
            rc =
                jz_error_set(err, JZ_EINPUT, "bank", code,
                             "未配置的开户银行（policy/banks/ 中的银行代码，如 abc、psbc、sxrcu）");
            goto out;
        }
        if ((rc = jz_bank_check_account(bk, rq->account, err)))
            goto out;
        snprintf(p.bank, sizeof p.bank, "%s", bk->code);
        snprintf(p.account, sizeof p.account, "%s", rq->account);
    }
    jz_payee cur;
    jz_error e;
    jz_error_clear(&e);
    rc = jz_store_payee_current(s, p.household_id, p.member_id, &cur, &e);
    if (rc && rc != JZ_ENOTFOUND) {
        *err = e;
        goto out;
    }
    bool have = rc == JZ_OK;
    rc = JZ_OK;
    if (have && same_payee(&cur, &p)) {
        res->payee = cur;
        res->before = cur.version;
    } else {
        res->before = have ? cur.version : 0;
        if ((rc = jz_store_payee_put(s, &p, err)))
            goto out;
        res->payee = p;
        res->changed = true;
    }
    if ((rc = release(s, &res->payee, &res->released, err)))
        goto out;
    /* An institution's account is shared by design; a person's is not. */
    if (!res->payee.institution &&
        (rc = jz_store_payee_sharing(s, res->payee.bank, res->payee.account,
                                     res->payee.household_id, JZ_PAYEE_SHARED_MAX, add_shared,
                                     res, err)))
        goto out;
    if (res->changed || res->released) {
        char entity[160];
        snprintf(entity, sizeof entity, "payee:%s%s%s", p.household_id, p.member_id[0] ? "/" : "",
                 p.member_id);
        json_t *after = payee_json(&res->payee);
        if (after) {
            json_object_set_new(after, "released", json_integer(res->released));
            json_t *sh = json_array();
            for (size_t i = 0; sh && i < res->n_shared; i++)
                json_array_append_new(sh, json_string(res->shared[i]));
            if (sh)
                json_object_set_new(after, "shared_with", sh);
        }
        rc = audit_json(s, county, "payee.set", entity, have, have ? payee_json(&cur) : NULL, after,
                        err);
    }
out:
    free(record);
    free(hb);
    return rc;
}

jz_err jz_pay_payee_set(jz_ctx *x, const jz_payee_req *rq, jz_payee_res *res, jz_error *err)
{
    set_args a = {x, rq, res};
    jz_err rc = jz_store_run_as(x->store, x->actor, set_in_tx, &a, err);
    if (rc)
        memset(res, 0, sizeof *res);
    return rc;
}

jz_err jz_pay_payee_get(jz_ctx *x, const char *household_id, const char *member_id, jz_payee *out,
                        jz_error *err)
{
    jz_err rc = jz_store_payee_current(x->store, household_id ? household_id : "",
                                       member_id ? member_id : "", out, err);
    if (!rc && !jz__pay_in_scope(x, out->county))
        return jz_error_set(err, JZ_ENOTFOUND, "payee", household_id, "未登记收款账户");
    return rc;
}

jz_err jz_pay_payees(jz_ctx *x, const char *household_id, jz_payee **out, size_t *n, jz_error *err)
{
    *out = NULL;
    *n = 0;
    jz_household h;
    jz_household_buf *hb = malloc(sizeof *hb);
    char *record = NULL, county[7];
    jz_err rc = hb ? household_of(x, household_id, &h, hb, &record, county, err)
                   : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_payee *v = NULL;
    if (!rc && !(v = calloc(h.n_members + 1, sizeof *v)))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    size_t k = 0;
    for (uint32_t i = 0; !rc && i <= h.n_members; i++) {
        jz_error e;
        jz_error_clear(&e);
        jz_err r2 = jz_store_payee_current(x->store, h.household_id,
                                           i == 0 ? "" : h.members[i - 1].id, &v[k], &e);
        if (!r2)
            k++;
        else if (r2 != JZ_ENOTFOUND) {
            *err = e;
            rc = r2;
        }
    }
    free(record);
    free(hb);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return JZ_OK;
}

/* ---- institutions ---------------------------------------------------------------------- */

typedef struct inst_args {
    jz_ctx *x;
    jz_institution *in;
} inst_args;

static jz_err inst_in_tx(jz_store *s, void *arg, jz_error *err)
{
    inst_args *a = arg;
    a->in->id = 0;
    jz_err rc = jz_store_institution_put(s, a->in, err);
    if (rc)
        return rc;
    char entity[48], m[JZ_ACCOUNT_BUF];
    snprintf(entity, sizeof entity, "institution:%lld", (long long)a->in->id);
    jz_account_mask(a->in->account, m);
    json_t *after =
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "county", a->in->county, "name", a->in->name,
                  "holder", a->in->holder, "bank", a->in->bank, "account", m);
    return audit_json(s, a->in->county, "institution.add", entity, false, NULL, after, err);
}

jz_err jz_pay_institution_add(jz_ctx *x, jz_institution *in, jz_error *err)
{
    jz_err rc;
    if (strlen(in->county) != 6 || strspn(in->county, "0123456789") != 6)
        return jz_error_set(err, JZ_EINPUT, "county", in->county, "县级区划代码应为 6 位数字");
    if (x->regions && !jz_regions_name(x->regions, in->county, 6))
        return jz_error_set(err, JZ_EINPUT, "county", in->county, "区划表中没有这个县");
    if (!jz__pay_in_scope(x, in->county))
        return jz_error_set(err, JZ_EDENIED, "county", in->county, "该地区不在您的管辖范围内");
    if ((rc = check_name("name", in->name, sizeof in->name - 1, err)) ||
        (rc = check_name("holder", in->holder, sizeof((jz_payee *)0)->holder_name - 1, err)))
        return rc;
    const jz_bank *bk = jz_banks_find_payable(x->banks, in->bank);
    if (!bk)
        return jz_error_set(err, JZ_EINPUT, "bank", in->bank,
                            "未配置的开户银行（policy/banks/ 中的银行代码，如 abc、psbc、sxrcu）");
    if ((rc = jz_bank_check_account(bk, in->account, err)))
        return rc;
    inst_args a = {x, in};
    return jz_store_run_as(x->store, x->actor, inst_in_tx, &a, err);
}

typedef struct inst_list {
    jz_ctx *x;
    void (*fn)(const jz_institution *i, void *arg);
    void *arg;
} inst_list;

static void inst_each(const jz_institution *i, void *arg)
{
    inst_list *l = arg;
    if (jz__pay_in_scope(l->x, i->county))
        l->fn(i, l->arg);
}

jz_err jz_pay_institutions(jz_ctx *x, const char *county,
                           void (*fn)(const jz_institution *i, void *arg), void *arg, jz_error *err)
{
    inst_list l = {x, fn, arg};
    return jz_store_institutions(x->store, county ? county : "", inst_each, &l, err);
}
