/*
 * routes_pay.c - payments over HTTP (issue 14: "every payment operation is
 * a library function used by the CLI and the HTTP API"): planning, batches
 * and their approval, the bank's 代发 file and its result file, follow-ups,
 * payees and care institutions, one-time programmes, holds, recoveries and
 * repayments, reconciliation, the finance statement and what is due.
 * Translations over jz_pay.h with their JSON (jz_api_pay.h); the shapes
 * are in docs/api-pay.md.
 *
 * Scope: payments belong to a county (jz__pay_in_scope).  A subject named
 * in the path (a batch, a recovery, an enrolment, a household) or a county
 * named in the body or the query is checked against the user's scope before
 * the operation runs; outside it the answer is the 404 of a subject that
 * does not exist, and the attempt is in the access log.  The operations
 * check the scope again (x->scope).  Account numbers are masked in every
 * answer; the bank file, where they are whole, is sent as an attachment and
 * its download logged (查询留痕, 导出), as is the finance statement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jiuzhu/jz_api_pay.h"
#include "jiuzhu/jz_file.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store_pay.h"
#include "srv.h"


/* ---- shared -------------------------------------------------------------------------- */

/* a[] += v, taking v's reference; *bad when v is NULL or the append fails. */
static void append(json_t *a, json_t *v, int *bad)
{
    if (!v || !a || json_array_append_new(a, v) != 0) {
        json_decref(v);
        *bad = 1;
    }
}

static void nomem(srv_res *rs)
{
    srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
}

/* The operation's error with the request's field names. */
static void pay_error(srv_res *rs, jz_error *e)
{
    jz_api_pay_error_fields(e);
    srv_error(rs, e);
}


/* A county named by the request (field: its name in the body or query):
 * six digits (else 422 naming the field), within the user's scope (else
 * the 404 of a county nobody lives in, logged). */
static bool county_ok(srv_req *rq, srv_res *rs, const char *county, const char *field)
{
    if (!county || strlen(county) != 6 || strspn(county, "0123456789") != 6) {
        srv_fail(rs, JZ_EINPUT, field, county ? county : "", "应为 6 位县级区划代码");
        return false;
    }
    return srv_in_scope(rq, rs, county, county);
}

/* A region prefix of the body (NULL: the user's whole scope) within the
 * user's scope, copied into buf; false after answering 404. */
static bool region_ok(srv_req *rq, srv_res *rs, const char *region, char buf[JZ_SCOPE_MAX])
{
    const char *want = region && region[0] ? region : rq->sess.user.scope;
    if (!srv_in_scope(rq, rs, want, want))
        return false;
    snprintf(buf, JZ_SCOPE_MAX, "%s", want);
    return true;
}

/* A query argument that is a period: "YYYY-MM", "YYYY-Qn" or a one-time
 * programme's code ([a-z0-9-], at most 15); NULL when absent and not
 * required.  false after answering 422. */
static bool period_arg(srv_req *rq, srv_res *rs, const char *name, bool required, bool month_only,
                       const char **out)
{
    const char *v = srv_query(rq, name);
    *out = v;
    if (!v && !required)
        return true;
    int ym;
    size_t n = v ? strlen(v) : 0;
    bool ok = v && (month_only ? jz_period_month(v, &ym)
                               : n > 0 && n < JZ_PERIOD_BUF &&
                                     strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-Q") == n);
    if (!ok) {
        srv_fail(rs, JZ_EINPUT, name, v ? v : "",
                 month_only ? "应为年月 YYYY-MM，如 2025-07"
                            : "应为年月（如 2025-07）、季度（如 2025-Q3）或一次性项目代码");
        return false;
    }
    return true;
}

/* Batch p (its number as text: the path's, or a query's), within scope;
 * else false after answering 404. */
static bool batch_of(srv_req *rq, srv_res *rs, const char *p, jz_pay_batch *b)
{
    int64_t id;
    jz_error e;
    jz_error_clear(&e);
    jz_err rc =
        srv_record_id(p, &id) ? jz_store_pay_batch_get(rq->x.store, id, b, &e) : JZ_ENOTFOUND;
    if (rc == JZ_ENOTFOUND) {
        srv_not_found(rq, rs, p, "");
        return false;
    }
    if (rc) {
        srv_error(rs, &e);
        return false;
    }
    return srv_in_scope(rq, rs, b->county, p);
}

/* The recovery of the path, within scope; else false after answering 404.
 * A refusal is logged under the household, as a read of it would be. */
static bool recovery_of(srv_req *rq, srv_res *rs, jz_recovery *r)
{
    const char *p = rq->m.params[0];
    int64_t id;
    jz_error e;
    jz_error_clear(&e);
    jz_err rc =
        srv_record_id(p, &id) ? jz_store_recovery_get(rq->x.store, id, r, &e) : JZ_ENOTFOUND;
    if (rc == JZ_ENOTFOUND) {
        srv_not_found(rq, rs, p, "");
        return false;
    }
    if (rc) {
        srv_error(rs, &e);
        return false;
    }
    return srv_in_scope(rq, rs, r->county, r->household_id[0] ? r->household_id : p);
}

/* The enrolment of the path, within scope; else false after answering 404. */
static bool enrolment_of(srv_req *rq, srv_res *rs, jz_enrolment *en)
{
    const char *p = rq->m.params[0];
    int64_t id;
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = srv_record_id(p, &id) ? jz_store_enrol_get(rq->x.store, id, en, &e) : JZ_ENOTFOUND;
    if (rc == JZ_ENOTFOUND) {
        srv_not_found(rq, rs, p, "");
        return false;
    }
    if (rc) {
        srv_error(rs, &e);
        return false;
    }
    return srv_in_scope(rq, rs, en->region, p);
}

/* Household p (its ID, or a member's ID number: the path's, or a
 * query's): its ID and region, within scope; else false after answering
 * 404. */
static bool household_of(srv_req *rq, srv_res *rs, const char *p, char hid[JZ_HOUSEHOLD_ID_MAX],
                         char region[13])
{
    char *record = NULL;
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = jz_store_get_record(rq->x.store, p, &record, &e);
    jz_household_buf *buf = rc ? NULL : malloc(sizeof *buf);
    if (!rc && !buf)
        rc = jz_error_set(&e, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (!rc) {
        jz_household h;
        jz_parse_opts po = {.regions = NULL};
        rc = jz_household_parse(record, strlen(record), &po, &h, buf, &e);
        if (!rc) {
            snprintf(hid, JZ_HOUSEHOLD_ID_MAX, "%s", h.household_id);
            snprintf(region, 13, "%s", h.region.code);
        }
    }
    free(buf);
    free(record);
    if (rc == JZ_ENOTFOUND || rc == JZ_EINPUT) {
        srv_not_found(rq, rs, p, "");
        return false;
    }
    if (rc) {
        srv_error(rs, &e);
        return false;
    }
    return srv_in_scope(rq, rs, region, p);
}



/* ---- planning and batches -------------------------------------------------------------- */

ROUTE(h_pay_plan)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_pay_plan_req pr;
    jz_pay_plan_res r;
    char region[JZ_SCOPE_MAX];
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_plan_req_from_json(b, &pr, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (region_ok(rq, rs, pr.region_prefix, region)) {
        pr.region_prefix = region;
        if (jz_pay_plan(&rq->x, &pr, &r, &e) != JZ_OK) {
            pay_error(rs, &e);
        } else {
            srv_json(rs, 200, jz_pay_plan_res_to_json(&pr, &r));
            jz_pay_plan_res_cleanup(&r);
        }
    }
    json_decref(b);
}

ROUTE(h_pay_batches_prepare)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_pay_batch_req br;
    jz_pay_batch_res r;
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_batch_req_from_json(b, &br, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (county_ok(rq, rs, br.county, "county")) {
        if (jz_pay_batch_prepare(&rq->x, &br, &r, &e) != JZ_OK) {
            pay_error(rs, &e);
        } else {
            srv_json(rs, r.n ? 201 : 200, jz_pay_batch_res_to_json(&r, rq->sv->banks));
            jz_pay_batch_res_cleanup(&r);
        }
    }
    json_decref(b);
}

typedef struct batch_list {
    const char *scope;
    const jz_banks *banks;
    json_t *a;
    int bad;
} batch_list;

static void add_batch(const jz_pay_batch *b, void *arg)
{
    batch_list *l = arg;
    if (!l->bad && jz_scope_covers(l->scope, b->county))
        append(l->a, jz_pay_batch_to_json(b, l->banks), &l->bad);
}

ROUTE(h_pay_batches_list)
{
    const char *county = srv_query(rq, "county"), *period;
    if ((county && !county_ok(rq, rs, county, "county")) ||
        !period_arg(rq, rs, "period", false, true, &period))
        return;
    batch_list l = {rq->sess.user.scope, rq->sv->banks, json_array(), 0};
    jz_error e;
    jz_error_clear(&e);
    if (jz_store_pay_batches(rq->x.store, county ? county : "", period, add_batch, &l, &e) !=
        JZ_OK) {
        json_decref(l.a);
        srv_error(rs, &e);
        return;
    }
    if (l.bad || !l.a) {
        json_decref(l.a);
        nomem(rs);
        return;
    }
    srv_json(rs, 200, json_pack("{s:o}", "batches", l.a));
}

/* A page of a batch's lines with the account each was sent to (masked). */
typedef struct batch_page {
    long long offset, limit, i;
    int64_t *ids; /* the page's lines, in order */
    char (*accts)[JZ_ACCOUNT_BUF];
    long long n;
    json_t *a;
    int bad;
} batch_page;

static void page_account(const jz_pay_sent_line *s, void *arg)
{
    batch_page *p = arg;
    long long k = p->i++ - p->offset;
    if (k < 0 || k >= p->limit)
        return;
    p->ids[k] = s->line;
    snprintf(p->accts[k], JZ_ACCOUNT_BUF, "%s", s->account ? s->account : "");
    p->n = k + 1;
}

static void page_line(const jz_pay_line *l, void *arg)
{
    batch_page *p = arg;
    long long k = p->i++ - p->offset;
    if (k < 0 || k >= p->limit || p->bad)
        return;
    const char *acct = k < p->n && p->ids[k] == l->id ? p->accts[k] : NULL;
    append(p->a, jz_pay_line_to_json(l, acct), &p->bad);
}

ROUTE(h_pay_batch_get)
{
    jz_pay_batch b;
    if (!batch_of(rq, rs, rq->m.params[0], &b))
        return;
    long long offset = srv_int_arg(rq, rs, "offset", 0, INT64_MAX, 0);
    long long limit = offset < 0 ? -1 : srv_int_arg(rq, rs, "limit", 1, 10000, 1000);
    if (offset < 0 || limit < 0)
        return;
    batch_page p = {.offset = offset, .limit = limit};
    p.ids = calloc((size_t)limit, sizeof *p.ids);
    p.accts = calloc((size_t)limit, sizeof *p.accts);
    p.a = json_array();
    jz_error e;
    jz_error_clear(&e);
    if (!p.ids || !p.accts || !p.a) {
        nomem(rs);
    } else if (jz_store_pay_batch_accounts(rq->x.store, b.id, page_account, &p, &e) != JZ_OK ||
               (p.i = 0, jz_pay_batch_lines(&rq->x, b.id, page_line, &p, &e)) != JZ_OK) {
        srv_error(rs, &e);
    } else if (p.bad) {
        nomem(rs);
    } else {
        json_t *o = jz_pay_batch_to_json(&b, rq->sv->banks);
        if (o) {
            json_object_set_new(o, "offset", json_integer(offset));
            json_object_set_new(o, "limit", json_integer(limit));
            json_object_set_new(o, "items", p.a);
            p.a = NULL;
        }
        srv_json(rs, 200, o);
    }
    json_decref(p.a);
    free(p.ids);
    free(p.accts);
}

ROUTE(h_pay_batch_approve)
{
    jz_pay_batch b;
    if (!batch_of(rq, rs, rq->m.params[0], &b))
        return;
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_batch_approve(&rq->x, b.id, &b, &e) != JZ_OK)
        pay_error(rs, &e); /* the preparer himself: 403 with the reason */
    else
        srv_json(rs, 200, jz_pay_batch_to_json(&b, rq->sv->banks));
}

/* The 代发 file: written by the library into a private directory, logged
 * as a download, sent as an attachment, removed.  POST .../export sends
 * the batch (the first export marks it exported and its lines sent); GET
 * .../file downloads again what was sent, and never sends a batch. */
static void batch_file(srv_req *rq, srv_res *rs, bool again_only)
{
    jz_pay_batch b;
    if (!batch_of(rq, rs, rq->m.params[0], &b))
        return;
    const char *f = srv_query(rq, "format");
    jz_pay_export_req er = {.batch = b.id, .guard = rq->sv->o->db, .again_only = again_only};
    if (!f || strcmp(f, "csv") == 0) {
        er.format = JZ_PAY_CSV;
    } else if (strcmp(f, "xlsx") == 0) {
        er.format = JZ_PAY_XLSX;
    } else {
        srv_fail(rs, JZ_EINPUT, "format", f, "应为 csv 或 xlsx");
        return;
    }
    char dir[32];
    if (!srv_temp_dir(rs, dir))
        return;
    er.out_dir = dir;
    jz_pay_export_res *r = calloc(1, sizeof *r);
    jz_error e;
    jz_error_clear(&e);
    char subject[64];
    snprintf(subject, sizeof subject, "pay-batch:%lld", (long long)b.id);
    if (!r) {
        nomem(rs);
    } else if (jz_pay_export(&rq->x, &er, r, &e) != JZ_OK) {
        pay_error(rs, &e);
    } else {
        if (srv_logged(rq, rs, JZ_ACCESS_EXPORT, subject, b.county)) {
            const jz_bank *bk = jz_banks_find(rq->sv->banks, r->batch.bank);
            const char *type = er.format == JZ_PAY_XLSX ? SRV_XLSX_TYPE
                               : bk && strcmp(bk->encoding, "GB18030") == 0
                                   ? "text/csv; charset=GB18030"
                                   : "text/csv; charset=utf-8";
            const char *slash = strrchr(r->path, '/');
            srv_send_file(rs, r->path, type, slash ? slash + 1 : r->path);
        }
        unlink(r->path);
    }
    free(r);
    rmdir(dir);
}

ROUTE(h_pay_batch_export)
{
    batch_file(rq, rs, false);
}

ROUTE(h_pay_batch_file)
{
    batch_file(rq, rs, true);
}

static void add_refused(const jz_pay_line *l, void *arg)
{
    batch_list *v = arg;
    if (l->status == JZ_PL_REFUSED && !v->bad)
        append(v->a, jz_pay_line_to_json(l, NULL), &v->bad);
}

/* The bank's result file (回盘) as the body, text/csv in UTF-8 or GB18030. */
ROUTE(h_pay_batch_results)
{
    jz_pay_batch b;
    if (!batch_of(rq, rs, rq->m.params[0], &b))
        return;
    const char *name = srv_query(rq, "name");
    if (name && (strlen(name) > 200 || !name[0])) {
        srv_fail(rs, JZ_EINPUT, "name", NULL, "文件名应为 1 至 200 字节");
        return;
    }
    jz_pay_results_res r;
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_results(&rq->x, b.id, rq->body ? rq->body : "", rq->body_len,
                       name ? name : "回盘文件", &r, &e) != JZ_OK) {
        pay_error(rs, &e);
        return;
    }
    json_t *o = jz_pay_results_res_to_json(&r, rq->sv->banks);
    batch_list v = {.a = json_array()};
    if (!r.already && r.refused && jz_pay_batch_lines(&rq->x, b.id, add_refused, &v, &e) != JZ_OK) {
        json_decref(o);
        json_decref(v.a);
        srv_error(rs, &e);
        return;
    }
    if (o && v.a && !v.bad)
        json_object_set_new(o, "refused_lines", v.a);
    else {
        json_decref(o);
        json_decref(v.a);
        o = NULL;
    }
    srv_json(rs, 200, o);
}

ROUTE(h_pay_followups)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    const char *county;
    jz_pay_followup_res r;
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_followup_req_from_json(b, &county, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (county_ok(rq, rs, county, "county")) {
        if (jz_pay_followup(&rq->x, county, &r, &e) != JZ_OK) {
            pay_error(rs, &e);
        } else {
            srv_json(rs, 200, jz_pay_followup_res_to_json(county, &r));
            jz_pay_followup_res_cleanup(&r);
        }
    }
    json_decref(b);
}

/* ---- payees and institutions ------------------------------------------------------------- */

ROUTE(h_payee_put)
{
    char hid[JZ_HOUSEHOLD_ID_MAX], region[13];
    if (!household_of(rq, rs, rq->m.params[0], hid, region))
        return;
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_payee_req pr;
    jz_payee_res r;
    jz_error e;
    jz_error_clear(&e);
    if (jz_payee_req_from_json(b, &pr, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        pr.household_id = hid;
        if (jz_pay_payee_set(&rq->x, &pr, &r, &e) != JZ_OK) {
            jz_api_payee_error_fields(&e);
            srv_error(rs, &e);
        } else {
            srv_json(rs, 200, jz_payee_res_to_json(&r, rq->sv->banks));
        }
    }
    json_decref(b);
}

ROUTE(h_payee_get)
{
    char hid[JZ_HOUSEHOLD_ID_MAX], region[13];
    if (!household_of(rq, rs, rq->m.params[0], hid, region))
        return;
    const char *member = srv_query(rq, "member_id");
    jz_error e;
    jz_error_clear(&e);
    if (member) {
        char norm[JZ_IDNUM_BUF];
        jz_payee p;
        if (jz_idnum_normalize(member, strlen(member), norm, &e) != JZ_OK) {
            srv_fail(rs, JZ_EINPUT, "member_id", member, "%s", e.reason);
        } else if (jz_pay_payee_get(&rq->x, hid, norm, &p, &e) != JZ_OK) {
            pay_error(rs, &e);
        } else if (srv_logged(rq, rs, JZ_ACCESS_RECORD, hid, region)) {
            srv_json(rs, 200,
                     json_pack("{s:s, s:o}", "household_id", hid, "payee",
                               jz_payee_to_json(&p, rq->sv->banks)));
        }
        return;
    }
    jz_payee *p = NULL;
    size_t n = 0;
    if (jz_pay_payees(&rq->x, hid, &p, &n, &e) != JZ_OK) {
        pay_error(rs, &e);
        return;
    }
    json_t *a = json_array();
    int bad = !a;
    for (size_t i = 0; i < n && !bad; i++)
        append(a, jz_payee_to_json(&p[i], rq->sv->banks), &bad);
    free(p);
    if (bad) {
        json_decref(a);
        nomem(rs);
    } else if (srv_logged(rq, rs, JZ_ACCESS_RECORD, hid, region)) {
        srv_json(rs, 200, json_pack("{s:s, s:o}", "household_id", hid, "payees", a));
    } else {
        json_decref(a);
    }
}

static void add_institution(const jz_institution *i, void *arg)
{
    batch_list *v = arg;
    if (!v->bad)
        append(v->a, jz_institution_to_json(i, v->banks), &v->bad);
}

ROUTE(h_institutions_list)
{
    const char *county = srv_query(rq, "county");
    if (county && !county_ok(rq, rs, county, "county"))
        return;
    batch_list v = {.banks = rq->sv->banks, .a = json_array()};
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_institutions(&rq->x, county ? county : "", add_institution, &v, &e) != JZ_OK) {
        json_decref(v.a);
        pay_error(rs, &e);
    } else if (v.bad || !v.a) {
        json_decref(v.a);
        nomem(rs);
    } else {
        srv_json(rs, 200, json_pack("{s:o}", "institutions", v.a));
    }
}

ROUTE(h_institutions_add)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_institution in;
    jz_error e;
    jz_error_clear(&e);
    if (jz_institution_from_json(b, &in, &e) != JZ_OK)
        srv_error(rs, &e);
    else if (!county_ok(rq, rs, in.county, "county"))
        ; /* answered */
    else if (jz_pay_institution_add(&rq->x, &in, &e) != JZ_OK)
        pay_error(rs, &e);
    else
        srv_json(rs, 201, jz_institution_to_json(&in, rq->sv->banks));
    json_decref(b);
}

/* ---- one-time programmes and holds -------------------------------------------------------- */

ROUTE(h_pay_once)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_pay_once_req orq;
    jz_pay_once_res r;
    char region[JZ_SCOPE_MAX];
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_once_req_from_json(b, &orq, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (region_ok(rq, rs, orq.region, region)) {
        if (jz_pay_once(&rq->x, orq.programme, region, &r, &e) != JZ_OK) {
            pay_error(rs, &e);
        } else {
            const jz_once_programme *p = jz_once_programmes_find(rq->sv->programmes, orq.programme);
            json_t *o = jz_pay_once_res_to_json(p, &r);
            if (o)
                json_object_set_new(o, "region", json_string(region));
            srv_json(rs, 200, o);
            jz_pay_once_res_cleanup(&r);
        }
    }
    json_decref(b);
}

ROUTE(h_enrolment_hold)
{
    jz_enrolment en;
    if (!enrolment_of(rq, rs, &en))
        return;
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_pay_hold_req hr;
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_hold_req_from_json(b, &hr, &e) != JZ_OK)
        srv_error(rs, &e);
    else if (jz_pay_hold_start(&rq->x, en.id, hr.from, hr.reason, &e) != JZ_OK)
        pay_error(rs, &e);
    else {
        char reason[160]; /* as answers show texts: ID numbers masked */
        snprintf(reason, sizeof reason, "%s", hr.reason);
        jz_idnum_mask_text(reason);
        srv_json(rs, 200,
                 json_pack("{s:I, s:s, s:s, s:s}", "enrolment", (json_int_t)en.id, "household_id",
                           en.household_id, "from", hr.from, "reason", reason));
    }
    json_decref(b);
}

ROUTE(h_enrolment_release)
{
    jz_enrolment en;
    if (!enrolment_of(rq, rs, &en))
        return;
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_pay_release_req rr;
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_release_req_from_json(b, &rr, &e) != JZ_OK)
        srv_error(rs, &e);
    else if (jz_pay_release(&rq->x, en.id, rr.to, rr.back_pay, &e) != JZ_OK)
        pay_error(rs, &e);
    else
        srv_json(rs, 200,
                 json_pack("{s:I, s:s, s:s, s:b}", "enrolment", (json_int_t)en.id, "household_id",
                           en.household_id, "to", rr.to, "back_pay", (int)rr.back_pay));
    json_decref(b);
}

/* ---- recoveries ------------------------------------------------------------------------ */

/* Recoveries gathered first, their repayments read after. */
typedef struct recs {
    jz_recovery *r;
    size_t n, cap;
    bool oom;
} recs;

static void add_recovery(const jz_recovery *r, void *arg)
{
    recs *v = arg;
    if (v->oom)
        return;
    if (v->n == v->cap) {
        size_t nc = v->cap ? 2 * v->cap : 16;
        jz_recovery *g = realloc(v->r, nc * sizeof *g);
        if (!g) {
            v->oom = true;
            return;
        }
        v->r = g;
        v->cap = nc;
    }
    v->r[v->n++] = *r;
}

static void add_repayment(const jz_repayment *p, void *arg)
{
    batch_list *v = arg;
    if (!v->bad)
        append(v->a, jz_repayment_to_json(p), &v->bad);
}

/* The recoveries of a household (household_id) or a county (county), or
 * every one within the scope, each with its repayments, as a JSON array;
 * NULL after answering. */
static json_t *recoveries_json(srv_req *rq, srv_res *rs, const char *household_id,
                               const char *county)
{
    recs v = {0};
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_recoveries(&rq->x, household_id, county, add_recovery, &v, &e) != JZ_OK) {
        free(v.r);
        pay_error(rs, &e);
        return NULL;
    }
    json_t *a = json_array();
    int bad = v.oom || !a;
    for (size_t i = 0; i < v.n && !bad; i++) {
        json_t *o = jz_recovery_to_json(&v.r[i]);
        batch_list p = {.a = json_array()};
        if (jz_pay_repayments(&rq->x, v.r[i].id, add_repayment, &p, &e) != JZ_OK) {
            json_decref(o);
            json_decref(p.a);
            json_decref(a);
            free(v.r);
            srv_error(rs, &e);
            return NULL;
        }
        if (o && p.a && !p.bad)
            json_object_set_new(o, "repayments", p.a);
        else
            json_decref(p.a), bad = 1;
        append(a, o, &bad);
    }
    free(v.r);
    if (bad) {
        json_decref(a);
        nomem(rs);
        return NULL;
    }
    return a;
}

ROUTE(h_recoveries_list)
{
    const char *hh = srv_query(rq, "household"), *county = srv_query(rq, "county");
    char hid[JZ_HOUSEHOLD_ID_MAX] = "", region[13];
    if (hh) {
        if (!hh[0] || strlen(hh) >= JZ_HOUSEHOLD_ID_MAX) {
            srv_fail(rs, JZ_EINPUT, "household", hh, "应为户编号或成员身份证号");
            return;
        }
        if (!household_of(rq, rs, hh, hid, region))
            return;
    }
    if (county && !county_ok(rq, rs, county, "county"))
        return;
    json_t *a = recoveries_json(rq, rs, hid[0] ? hid : NULL, county);
    if (a)
        srv_json(rs, 200, json_pack("{s:o}", "recoveries", a));
}

ROUTE(h_recovery_repay)
{
    jz_recovery r;
    if (!recovery_of(rq, rs, &r))
        return;
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_pay_repay_req pr;
    jz_repayment p;
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_repay_req_from_json(b, &pr, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (jz_pay_repay(&rq->x, r.id, pr.amount, pr.on, pr.note, &r, &p, &e) != JZ_OK) {
        pay_error(rs, &e);
    } else {
        json_t *o = json_pack("{s:o, s:o}", "recovery", jz_recovery_to_json(&r), "repayment",
                              jz_repayment_to_json(&p));
        srv_json(rs, 201, o);
    }
    json_decref(b);
}

/* ---- a household's payments ------------------------------------------------------------- */

typedef struct hh_lines {
    srv_req *rq;
    json_t *a;
    int bad;
    int64_t payee; /* the last payee looked up, and its account */
    char account[JZ_ACCOUNT_BUF];
} hh_lines;

static void add_hh_line(const jz_pay_line *l, void *arg)
{
    hh_lines *v = arg;
    if (v->bad)
        return;
    if (l->payee && l->payee != v->payee) {
        jz_payee p;
        jz_error e;
        jz_error_clear(&e);
        v->payee = l->payee;
        v->account[0] = '\0';
        if (jz_store_payee_get(v->rq->x.store, l->payee, &p, &e) == JZ_OK)
            snprintf(v->account, sizeof v->account, "%s", p.account);
    }
    append(v->a, jz_pay_line_to_json(l, l->payee ? v->account : NULL), &v->bad);
}

ROUTE(h_household_payments)
{
    char hid[JZ_HOUSEHOLD_ID_MAX], region[13];
    if (!household_of(rq, rs, rq->m.params[0], hid, region))
        return;
    hh_lines v = {.rq = rq, .a = json_array()};
    jz_error e;
    jz_error_clear(&e);
    if (jz_store_pay_lines_of_household(rq->x.store, hid, add_hh_line, &v, &e) != JZ_OK) {
        json_decref(v.a);
        srv_error(rs, &e);
        return;
    }
    if (v.bad || !v.a) {
        json_decref(v.a);
        nomem(rs);
        return;
    }
    json_t *r = recoveries_json(rq, rs, hid, NULL);
    if (!r) {
        json_decref(v.a);
        return;
    }
    if (srv_logged(rq, rs, JZ_ACCESS_RECORD, hid, region))
        srv_json(rs, 200,
                 json_pack("{s:s, s:o, s:o}", "household_id", hid, "lines", v.a, "recoveries", r));
    else {
        json_decref(v.a);
        json_decref(r);
    }
}

/* ---- reconciliation, the statement, deadlines -------------------------------------------- */

ROUTE(h_pay_reconcile)
{
    const char *batch = srv_query(rq, "batch"), *county = srv_query(rq, "county"), *period;
    jz_pay_recon r;
    jz_error e;
    jz_error_clear(&e);
    jz_err rc;
    if (batch) {
        if (county || srv_query(rq, "period")) {
            srv_fail(rs, JZ_EINPUT, "batch", batch,
                     "对账对象应为批次（batch），或县和期次（county、period），不能同时给出");
            return;
        }
        int64_t id;
        if (!srv_record_id(batch, &id)) {
            srv_fail(rs, JZ_EINPUT, "batch", batch, "批次号应为正整数");
            return;
        }
        jz_pay_batch b;
        if (!batch_of(rq, rs, batch, &b))
            return;
        rc = jz_pay_reconcile_batch(&rq->x, b.id, &r, &e);
    } else {
        if (!county) {
            srv_fail(rs, JZ_EINPUT, "county", NULL,
                     "须给出批次（batch），或县（county）和期次（period）");
            return;
        }
        if (!county_ok(rq, rs, county, "county") ||
            !period_arg(rq, rs, "period", true, false, &period))
            return;
        rc = jz_pay_reconcile_period(&rq->x, county, period, &r, &e);
    }
    if (rc) {
        pay_error(rs, &e);
        return;
    }
    srv_json(rs, 200, jz_pay_recon_to_json(&r, rq->sv->banks));
    jz_pay_recon_cleanup(&r);
}

ROUTE(h_pay_statement)
{
    const char *county = srv_query(rq, "county"), *period;
    if (!county) {
        srv_fail(rs, JZ_EINPUT, "county", NULL, "缺少县级区划代码（county）");
        return;
    }
    if (!county_ok(rq, rs, county, "county") || !period_arg(rq, rs, "period", true, false, &period))
        return;
    char dir[32], path[64], name[96], subject[64];
    if (!srv_temp_dir(rs, dir))
        return;
    snprintf(path, sizeof path, "%s/statement.xlsx", dir);
    snprintf(name, sizeof name, "statement_%s_%s.xlsx", county, period);
    snprintf(subject, sizeof subject, "pay-statement:%s:%s", county, period);
    jz_error e;
    jz_error_clear(&e);
    if (jz_pay_statement(&rq->x, county, period, path, NULL, &e) != JZ_OK)
        pay_error(rs, &e);
    else if (srv_logged(rq, rs, JZ_ACCESS_EXPORT, subject, county))
        srv_send_file(rs, path, SRV_XLSX_TYPE, name);
    unlink(path);
    rmdir(dir);
}

ROUTE(h_pay_due)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    long long within = srv_int_arg(rq, rs, "within", 0, 365, 5);
    if (within < 0)
        return;
    jz_date on = rq->x.today;
    const char *d = srv_query(rq, "date");
    jz_error e;
    jz_error_clear(&e);
    if (d && jz_date_parse(d, strlen(d), &on, &e) != JZ_OK) {
        srv_fail(rs, JZ_EINPUT, "date", d, "不是有效日期（应为 YYYY-MM-DD）");
        return;
    }
    jz_pay_due_list l;
    if (jz_pay_due(&rq->x, scope, on, (int)within, &l, &e) != JZ_OK) {
        pay_error(rs, &e);
        return;
    }
    json_t *o = jz_pay_due_list_to_json(&l, on, (int)within);
    if (o)
        json_object_set_new(o, "region", json_string(scope));
    srv_json(rs, 200, o);
    jz_pay_due_list_cleanup(&l);
}
