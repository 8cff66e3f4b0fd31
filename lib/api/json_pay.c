/*
 * json_pay.c - JSON for the payment operations (jz_api_pay.h): planning,
 * batches and their lines, payees and institutions, one-time programmes,
 * holds, recoveries and repayments, follow-ups, result files, the
 * reconciliation and what is due.
 *
 * The shapes are in docs/api-pay.md.  Requests are read strictly and each
 * refusal names its field; responses carry money in fen, enumerations by
 * name with a Chinese label, accounts and ID numbers masked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_api_pay.h"
#include "api_int.h"

/* ---- errors ------------------------------------------------------------------------ */

static void rename_field(jz_error *err, const char *const (*map)[2], size_t n)
{
    if (!err)
        return;
    for (size_t i = 0; i < n; i++)
        if (strcmp(err->field, map[i][0]) == 0) {
            snprintf(err->field, sizeof err->field, "%s", map[i][1]);
            return;
        }
}

void jz_api_pay_error_fields(jz_error *err)
{
    static const char *const map[][2] = {
        {"--amount", "amount_fen"},
        {"--date", "date"},
        {"--from", "from"},
        {"--note", "note"},
        {"--programme", "programme"},
        {"--reason", "reason"},
        {"--to", "to"},
        {"member", "member_id"},
        {"household", "household_id"},
    };
    rename_field(err, map, sizeof map / sizeof map[0]);
}

void jz_api_payee_error_fields(jz_error *err)
{
    static const char *const map[][2] = {
        {"name", "holder_name"},
        {"id", "holder_id"},
        {"member", "member_id"},
        {"household", "household_id"},
    };
    rename_field(err, map, sizeof map / sizeof map[0]);
}

/* ---- requests ------------------------------------------------------------------------ */

/* A string field that must be a month "YYYY-MM" (required). */
static jz_err month_field(const json_t *o, const char *key, const char **out, jz_error *err)
{
    jz_err rc = jz__api_string(o, key, true, JZ_PERIOD_BUF - 1, out, err);
    int ym;
    if (!rc && !jz_period_month(*out, &ym))
        rc = jz_error_set(err, JZ_EINPUT, key, *out, "应为年月 YYYY-MM，如 2025-07");
    return rc;
}

/* A county code: six digits (required). */
static jz_err county_field(const json_t *o, const char *key, const char **out, jz_error *err)
{
    jz_err rc = jz__api_string(o, key, true, 6, out, err);
    if (!rc && (strlen(*out) != 6 || strspn(*out, "0123456789") != 6))
        rc = jz_error_set(err, JZ_EINPUT, key, *out, "应为 6 位县级区划代码");
    return rc;
}

jz_err jz_pay_plan_req_from_json(const json_t *body, jz_pay_plan_req *out, jz_error *err)
{
    static const char *const keys[] = {"period", "region", NULL};
    memset(out, 0, sizeof *out);
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = month_field(body, "period", &out->period, err)) ||
        (rc = jz__api_region(body, "region", &out->region_prefix, err)))
        return rc;
    return JZ_OK;
}

jz_err jz_pay_batch_req_from_json(const json_t *body, jz_pay_batch_req *out, jz_error *err)
{
    static const char *const keys[] = {"period", "county", NULL};
    memset(out, 0, sizeof *out);
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = month_field(body, "period", &out->period, err)) ||
        (rc = county_field(body, "county", &out->county, err)))
        return rc;
    return JZ_OK;
}

jz_err jz_pay_followup_req_from_json(const json_t *body, const char **county, jz_error *err)
{
    static const char *const keys[] = {"county", NULL};
    *county = NULL;
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) || (rc = county_field(body, "county", county, err)))
        return rc;
    return JZ_OK;
}

jz_err jz_payee_req_from_json(const json_t *body, jz_payee_req *out, jz_error *err)
{
    static const char *const keys[] = {"member_id", "holder_name", "holder_id", "bank",
                                       "account",   "institution", NULL};
    static const char *const own[] = {"holder_name", "holder_id", "bank", "account"};
    memset(out, 0, sizeof *out);
    long long inst = 0;
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_string(body, "member_id", false, 32, &out->member_id, err)) ||
        (rc = jz__api_int(body, "institution", false, 1, INT64_MAX, &inst, err)))
        return rc;
    out->institution = inst;
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        const char **dst = i == 0   ? &out->holder_name
                           : i == 1 ? &out->holder_id
                           : i == 2 ? &out->bank
                                    : &out->account;
        if (inst) {
            if ((rc = jz__api_absent(body, own[i],
                                     "给出供养服务机构（institution）时，"
                                     "户名、身份证号、银行和账号取自机构，不能另填",
                                     err)))
                return rc;
        } else if ((rc = jz__api_string(body, own[i], true,
                                        i == 0   ? 63
                                        : i == 1 ? 32
                                        : i == 2 ? 15
                                                 : 64,
                                        dst, err))) {
            return rc;
        }
    }
    return JZ_OK;
}

jz_err jz_institution_from_json(const json_t *body, jz_institution *out, jz_error *err)
{
    static const char *const keys[] = {"county", "name", "holder", "bank", "account", NULL};
    memset(out, 0, sizeof *out);
    const char *county, *name, *holder, *bank, *account;
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = county_field(body, "county", &county, err)) ||
        (rc = jz__api_string(body, "name", true, sizeof out->name - 1, &name, err)) ||
        (rc = jz__api_string(body, "holder", true, sizeof out->holder - 1, &holder, err)) ||
        (rc = jz__api_string(body, "bank", true, sizeof out->bank - 1, &bank, err)) ||
        (rc = jz__api_string(body, "account", true, sizeof out->account - 1, &account, err)))
        return rc;
    snprintf(out->county, sizeof out->county, "%s", county);
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->holder, sizeof out->holder, "%s", holder);
    snprintf(out->bank, sizeof out->bank, "%s", bank);
    snprintf(out->account, sizeof out->account, "%s", account);
    return JZ_OK;
}

jz_err jz_pay_once_req_from_json(const json_t *body, jz_pay_once_req *out, jz_error *err)
{
    static const char *const keys[] = {"programme", "region", NULL};
    memset(out, 0, sizeof *out);
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_string(body, "programme", true, JZ_PERIOD_BUF - 1, &out->programme, err)) ||
        (rc = jz__api_region(body, "region", &out->region, err)))
        return rc;
    return JZ_OK;
}

jz_err jz_pay_hold_req_from_json(const json_t *body, jz_pay_hold_req *out, jz_error *err)
{
    static const char *const keys[] = {"from", "reason", NULL};
    memset(out, 0, sizeof *out);
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = month_field(body, "from", &out->from, err)) ||
        (rc = jz__api_string(body, "reason", true, 159, &out->reason, err)))
        return rc;
    return JZ_OK;
}

jz_err jz_pay_release_req_from_json(const json_t *body, jz_pay_release_req *out, jz_error *err)
{
    static const char *const keys[] = {"to", "back_pay", NULL};
    memset(out, 0, sizeof *out);
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) || (rc = month_field(body, "to", &out->to, err)) ||
        (rc = jz__api_bool(body, "back_pay", false, &out->back_pay, err)))
        return rc;
    return JZ_OK;
}

jz_err jz_pay_repay_req_from_json(const json_t *body, jz_pay_repay_req *out, jz_error *err)
{
    static const char *const keys[] = {"amount_fen", "date", "note", NULL};
    memset(out, 0, sizeof *out);
    out->on = jz_date_today();
    out->note = "";
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_fen(body, "amount_fen", true, &out->amount, err)) ||
        (rc = jz__api_date(body, "date", false, &out->on, err)) ||
        (rc = jz__api_string(body, "note", false, 159, &out->note, err)))
        return rc;
    if (out->amount <= 0)
        return jz_error_set(err, JZ_EINPUT, "amount_fen", "0", "退回金额应大于 0");
    return JZ_OK;
}

/* ---- results: small pieces ------------------------------------------------------------ */

static json_t *account_out(const char *account)
{
    if (!account || !account[0])
        return json_null();
    char m[JZ_ACCOUNT_BUF];
    jz_account_mask(account, m);
    return json_string(m);
}

static json_t *bank_name(const jz_banks *banks, const char *code)
{
    const jz_bank *b = banks && code[0] ? jz_banks_find(banks, code) : NULL;
    return b ? json_string(b->name) : json_null();
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *sum_out(jz_recon_sum s)
{
    return json_pack("{s:I, s:I}", "n", (json_int_t)s.n, "amount_fen", (json_int_t)s.amount);
}

static json_t *refusal_to_json(const jz_pay_refusal *f)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "county", json_string(f->county), &bad);
    jz__api_set(o, "household_id", json_string(f->household_id), &bad);
    jz__api_set(o, "member_id", jz__api_id(f->member_id, false), &bad);
    jz__api_set(o, "enrolment", id_or_null(f->enrolment), &bad);
    jz__api_set(o, "rule", json_string(f->rule), &bad);
    jz__api_set(o, "reason", jz__api_text(f->reason, false), &bad);
    return jz__api_done(o, bad);
}

static json_t *refusals_to_json(const jz_pay_refusal *f, size_t n)
{
    int bad = 0;
    json_t *a = json_array();
    for (size_t i = 0; i < n && !bad; i++)
        jz__api_append(a, refusal_to_json(&f[i]), &bad);
    return jz__api_done(a, bad);
}

/* ---- lines and batches ---------------------------------------------------------------- */

json_t *jz_pay_line_to_json(const jz_pay_line *l, const char *account)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "id", json_integer(l->id), &bad);
    jz__api_set(o, "county", json_string(l->county), &bad);
    jz__api_set(o, "region", json_string(l->region), &bad);
    jz__api_set(o, "household_id", json_string(l->household_id), &bad);
    jz__api_set(o, "enrolment", id_or_null(l->enrolment), &bad);
    jz__api_set(o, "programme", json_string(l->programme), &bad);
    jz__api_set(o, "programme_zh", json_string(jz_pay_programme_label(l->programme)), &bad);
    jz__api_set(o, "period", json_string(l->period), &bad);
    jz__api_enum_out(o, "kind", l->kind, JZ_PAY_KIND_COUNT, jz_pay_kind_names, jz_pay_kind_zh,
                     &bad);
    jz__api_set(o, "ref_period", jz__api_str_or_null(l->ref_period), &bad);
    jz__api_set(o, "refers_to", id_or_null(l->refers_to), &bad);
    jz__api_set(o, "member_id", jz__api_id(l->member_id, false), &bad);
    jz__api_set(o, "label", jz__api_text(l->label, false), &bad);
    jz__api_set(o, "persons", json_integer(l->persons), &bad);
    jz__api_set(o, "amount_fen", json_integer(l->amount), &bad);
    if (l->kind == JZ_PAY_ONCE) {
        jz__api_set(o, "province_share_fen", json_integer(l->province_share), &bad);
        jz__api_set(o, "local_share_fen", json_integer(l->local_share), &bad);
        jz__api_set(o, "voucher", json_boolean(l->voucher), &bad);
    }
    jz__api_set(o, "payee", id_or_null(l->payee), &bad);
    jz__api_set(o, "account", account_out(account), &bad);
    jz__api_set(o, "batch", id_or_null(l->batch), &bad);
    jz__api_enum_out(o, "status", l->status, JZ_PL_STATUS_COUNT, jz_pay_status_names,
                     jz_pay_status_zh, &bad);
    jz__api_set(o, "result", jz__api_str_or_null(l->result), &bad);
    jz__api_set(o, "reason", l->reason[0] ? jz__api_text(l->reason, false) : json_null(), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_pay_batch_to_json(const jz_pay_batch *b, const jz_banks *banks)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "id", json_integer(b->id), &bad);
    jz__api_set(o, "county", json_string(b->county), &bad);
    jz__api_set(o, "bank", json_string(b->bank), &bad);
    jz__api_set(o, "bank_name", bank_name(banks, b->bank), &bad);
    jz__api_set(o, "period", json_string(b->period), &bad);
    jz__api_enum_out(o, "state", b->state, JZ_BATCH_STATE_COUNT, jz_batch_state_names,
                     jz_batch_state_zh, &bad);
    jz__api_set(o, "prepared_by", jz__api_str_or_null(b->prepared_by), &bad);
    jz__api_set(o, "approved_by", jz__api_str_or_null(b->approved_by), &bad);
    jz__api_set(o, "prepared_at", jz__api_str_or_null(b->prepared_at), &bad);
    jz__api_set(o, "approved_at", jz__api_str_or_null(b->approved_at), &bad);
    jz__api_set(o, "exported_at", jz__api_str_or_null(b->exported_at), &bad);
    jz__api_set(o, "settled_at", jz__api_str_or_null(b->settled_at), &bad);
    jz__api_set(o, "lines", json_integer(b->lines), &bad);
    jz__api_set(o, "total_fen", json_integer(b->total), &bad);
    jz__api_set(o, "file_name", jz__api_str_or_null(b->file_name), &bad);
    jz__api_set(o, "results_sha256", jz__api_str_or_null(b->results_sha256), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_pay_batch_res_to_json(const jz_pay_batch_res *r, const jz_banks *banks)
{
    int bad = 0;
    json_t *a = json_array();
    for (size_t i = 0; i < r->n && !bad; i++)
        jz__api_append(a, jz_pay_batch_to_json(&r->b[i], banks), &bad);
    json_t *o = json_object();
    jz__api_set(o, "batches", a, &bad);
    return jz__api_done(o, bad);
}

/* ---- planning, one-time programmes ----------------------------------------------------- */

json_t *jz_pay_plan_res_to_json(const jz_pay_plan_req *rq, const jz_pay_plan_res *r)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "period", json_string(rq->period ? rq->period : ""), &bad);
    jz__api_set(o, "region", json_string(rq->region_prefix ? rq->region_prefix : ""), &bad);
    jz__api_set(o, "lines_added", json_integer(r->lines_added), &bad);
    jz__api_set(o, "adjustments_added", json_integer(r->adjustments_added), &bad);
    jz__api_set(o, "already", json_integer(r->already), &bad);
    jz__api_set(o, "held", json_integer(r->held), &bad);
    jz__api_set(o, "total_added_fen", json_integer(r->total_added), &bad);
    jz__api_set(o, "recoveries_opened", json_integer(r->recoveries_opened), &bad);
    jz__api_set(o, "withdrawn", json_integer(r->withdrawn), &bad);
    jz__api_set(o, "withdrawn_fen", json_integer(r->withdrawn_total), &bad);
    jz__api_set(o, "refusals", refusals_to_json(r->refusals, r->n_refusals), &bad);
    return jz__api_done(o, bad);
}

static json_t *programme_to_json(const jz_once_programme *p)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "code", json_string(p->code), &bad);
    jz__api_set(o, "name", json_string(p->name), &bad);
    jz__api_set(o, "source", json_string(p->source), &bad);
    jz__api_set(o, "as_of", jz__api_date_out(p->as_of), &bad);
    jz__api_set(o, "amount_fen", json_integer(p->amount), &bad);
    jz__api_set(o, "province_ppm", json_integer(p->province_ppm), &bad);
    jz__api_set(o, "deadline", jz__api_date_out(p->deadline), &bad);
    jz__api_set(o, "voucher", json_boolean(p->voucher), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_pay_once_res_to_json(const jz_once_programme *p, const jz_pay_once_res *r)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "programme", p ? programme_to_json(p) : json_null(), &bad);
    jz__api_set(o, "persons", json_integer(r->persons), &bad);
    jz__api_set(o, "lines_added", json_integer(r->lines_added), &bad);
    jz__api_set(o, "already", json_integer(r->already), &bad);
    jz__api_set(o, "held", json_integer(r->held), &bad);
    jz__api_set(o, "total_added_fen", json_integer(r->total_added), &bad);
    jz__api_set(o, "province_added_fen", json_integer(r->province_added), &bad);
    jz__api_set(o, "local_added_fen", json_integer(r->local_added), &bad);
    jz__api_set(o, "lines", json_integer(r->lines), &bad);
    jz__api_set(o, "total_fen", json_integer(r->total), &bad);
    jz__api_set(o, "province_fen", json_integer(r->province), &bad);
    jz__api_set(o, "local_fen", json_integer(r->local), &bad);
    jz__api_set(o, "late", json_boolean(r->late), &bad);
    jz__api_set(o, "refusals", refusals_to_json(r->refusals, r->n_refusals), &bad);
    return jz__api_done(o, bad);
}

/* ---- payees and institutions ------------------------------------------------------------ */

json_t *jz_payee_to_json(const jz_payee *p, const jz_banks *banks)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "id", json_integer(p->id), &bad);
    jz__api_set(o, "county", json_string(p->county), &bad);
    jz__api_set(o, "household_id", json_string(p->household_id), &bad);
    jz__api_set(o, "member_id", jz__api_id(p->member_id, false), &bad);
    jz__api_set(o, "holder_name", jz__api_text(p->holder_name, false), &bad);
    jz__api_set(o, "holder_id", jz__api_id(p->holder_id, false), &bad);
    jz__api_set(o, "bank", json_string(p->bank), &bad);
    jz__api_set(o, "bank_name", bank_name(banks, p->bank), &bad);
    jz__api_set(o, "account", account_out(p->account), &bad);
    jz__api_set(o, "institution", id_or_null(p->institution), &bad);
    jz__api_set(o, "version", json_integer(p->version), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_payee_res_to_json(const jz_payee_res *r, const jz_banks *banks)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "payee", jz_payee_to_json(&r->payee, banks), &bad);
    jz__api_set(o, "before_version", r->before ? json_integer(r->before) : json_null(), &bad);
    jz__api_set(o, "changed", json_boolean(r->changed), &bad);
    jz__api_set(o, "released", json_integer(r->released), &bad);
    json_t *sh = json_array();
    for (size_t i = 0; sh && i < r->n_shared; i++)
        jz__api_append(sh, json_string(r->shared[i]), &bad);
    jz__api_set(o, "shared_with", sh, &bad);
    return jz__api_done(o, bad);
}

json_t *jz_institution_to_json(const jz_institution *i, const jz_banks *banks)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "id", json_integer(i->id), &bad);
    jz__api_set(o, "county", json_string(i->county), &bad);
    jz__api_set(o, "name", json_string(i->name), &bad);
    jz__api_set(o, "holder", json_string(i->holder), &bad);
    jz__api_set(o, "bank", json_string(i->bank), &bad);
    jz__api_set(o, "bank_name", bank_name(banks, i->bank), &bad);
    jz__api_set(o, "account", account_out(i->account), &bad);
    return jz__api_done(o, bad);
}

/* ---- recoveries -------------------------------------------------------------------------- */

json_t *jz_recovery_to_json(const jz_recovery *r)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "id", json_integer(r->id), &bad);
    jz__api_set(o, "county", json_string(r->county), &bad);
    jz__api_set(o, "household_id", json_string(r->household_id), &bad);
    jz__api_set(o, "enrolment", id_or_null(r->enrolment), &bad);
    jz__api_set(o, "from_period", json_string(r->from_period), &bad);
    jz__api_set(o, "rule", json_string(r->rule), &bad);
    jz__api_set(o, "reason", jz__api_text(r->reason, false), &bad);
    jz__api_set(o, "amount_fen", json_integer(r->amount), &bad);
    jz__api_set(o, "repaid_fen", json_integer(r->amount - r->balance), &bad);
    jz__api_set(o, "balance_fen", json_integer(r->balance), &bad);
    jz__api_set(o, "settled", json_boolean(r->balance == 0), &bad);
    jz__api_set(o, "opened_on", jz__api_date_out(r->opened_on), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_repayment_to_json(const jz_repayment *p)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "id", json_integer(p->id), &bad);
    jz__api_set(o, "recovery", json_integer(p->recovery), &bad);
    jz__api_set(o, "amount_fen", json_integer(p->amount), &bad);
    jz__api_set(o, "date", jz__api_date_out(p->on), &bad);
    jz__api_set(o, "note", jz__api_text(p->note, false), &bad);
    return jz__api_done(o, bad);
}

/* ---- follow-ups and result files ----------------------------------------------------------- */

static json_t *lines_to_json(const jz_pay_line *l, size_t n)
{
    int bad = 0;
    json_t *a = json_array();
    for (size_t i = 0; i < n && !bad; i++)
        jz__api_append(a, jz_pay_line_to_json(&l[i], NULL), &bad);
    return jz__api_done(a, bad);
}

json_t *jz_pay_followup_res_to_json(const char *county, const jz_pay_followup_res *r)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "county", json_string(county ? county : ""), &bad);
    jz__api_set(o, "added", lines_to_json(r->added, r->n_added), &bad);
    jz__api_set(o, "total_fen", json_integer(r->total), &bad);
    jz__api_set(o, "waiting", lines_to_json(r->waiting, r->n_waiting), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_pay_results_res_to_json(const jz_pay_results_res *r, const jz_banks *banks)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "batch", jz_pay_batch_to_json(&r->batch, banks), &bad);
    jz__api_set(o, "already", json_boolean(r->already), &bad);
    jz__api_set(o, "paid", json_integer(r->paid), &bad);
    jz__api_set(o, "paid_fen", json_integer(r->paid_total), &bad);
    jz__api_set(o, "refused", json_integer(r->refused), &bad);
    jz__api_set(o, "refused_fen", json_integer(r->refused_total), &bad);
    jz__api_set(o, "sha256", json_string(r->sha256), &bad);
    return jz__api_done(o, bad);
}

/* ---- reconciliation ------------------------------------------------------------------------ */

static json_t *fig_to_json(const jz_recon_fig *f)
{
    static const char *const names[] = {"planned",      "regular",    "adjust_up", "once",
                                        "adjust_down",  "held",       "pending",   "batched",
                                        "sent",         "paid",       "repaid",    "refused",
                                        "refused_open", "superseded", "followups", "lines",
                                        "withdrawn",    "withdrawn_followups"};
    const jz_recon_sum sums[] = {f->planned,      f->regular,    f->adjust_up, f->once,
                                 f->adjust_down,  f->held,       f->pending,   f->batched,
                                 f->sent,         f->paid,       f->repaid,    f->refused,
                                 f->refused_open, f->superseded, f->followups, f->lines,
                                 f->withdrawn,    f->withdrawn_followups};
    _Static_assert(sizeof names / sizeof names[0] == sizeof sums / sizeof sums[0],
                   "a name per figure");
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "programme", jz__api_str_or_null(f->programme), &bad);
    jz__api_set(o, "programme_zh",
                f->programme[0] ? json_string(jz_pay_programme_label(f->programme)) : json_null(),
                &bad);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        jz__api_set(o, names[i], sum_out(sums[i]), &bad);
    jz__api_set(o, "province_fen", json_integer(f->province), &bad);
    jz__api_set(o, "local_fen", json_integer(f->local), &bad);
    jz__api_set(o, "province_paid_fen", json_integer(f->province_paid), &bad);
    jz__api_set(o, "local_paid_fen", json_integer(f->local_paid), &bad);
    return jz__api_done(o, bad);
}

static json_t *issue_to_json(const jz_recon_issue *d)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_enum_out(o, "kind", d->kind, JZ_RI_KIND_COUNT, jz_recon_issue_names, jz_recon_issue_zh,
                     &bad);
    jz__api_set(o, "discrepancy", json_boolean(d->discrepancy), &bad);
    jz__api_set(o, "line", id_or_null(d->line), &bad);
    jz__api_set(o, "batch", id_or_null(d->batch), &bad);
    jz__api_set(o, "enrolment", id_or_null(d->enrolment), &bad);
    jz__api_set(o, "recovery", id_or_null(d->recovery), &bad);
    jz__api_set(o, "household_id", jz__api_str_or_null(d->household_id), &bad);
    jz__api_set(o, "member_id", jz__api_id(d->member_id, false), &bad);
    jz__api_set(o, "programme", jz__api_str_or_null(d->programme), &bad);
    jz__api_set(o, "period", jz__api_str_or_null(d->period), &bad);
    jz__api_set(o, "amount_fen", json_integer(d->amount), &bad);
    jz__api_set(o, "detail", jz__api_text(d->detail, false), &bad);
    return jz__api_done(o, bad);
}

static json_t *identity_to_json(const jz_recon_identity *q)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "name", json_string(q->name ? q->name : ""), &bad);
    jz__api_set(o, "text", json_string(q->text ? q->text : ""), &bad);
    jz__api_set(o, "left", sum_out(q->left), &bad);
    jz__api_set(o, "right", sum_out(q->right), &bad);
    jz__api_set(o, "counted", json_boolean(q->counted), &bad);
    jz__api_set(o, "holds", json_boolean(q->holds), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_pay_recon_to_json(const jz_pay_recon *r, const jz_banks *banks)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "county", json_string(r->county), &bad);
    jz__api_set(o, "period", jz__api_str_or_null(r->period), &bad);
    jz__api_set(o, "quarter", jz__api_str_or_null(r->quarter), &bad);
    jz__api_set(o, "batch", id_or_null(r->batch), &bad);
    jz__api_set(o, "balanced", json_boolean(r->balanced), &bad);
    jz__api_set(o, "total", fig_to_json(&r->total), &bad);
    json_t *a = json_array();
    for (size_t i = 0; i < r->n_programmes && !bad; i++)
        jz__api_append(a, fig_to_json(&r->programmes[i]), &bad);
    jz__api_set(o, "programmes", a, &bad);
    a = json_array();
    for (size_t i = 0; i < r->n_batches && !bad; i++) {
        json_t *b = json_object();
        jz__api_set(b, "batch", jz_pay_batch_to_json(&r->batches[i].b, banks), &bad);
        jz__api_set(b, "actual", sum_out(r->batches[i].actual), &bad);
        jz__api_set(b, "matches", json_boolean(r->batches[i].matches), &bad);
        jz__api_append(a, b, &bad);
    }
    jz__api_set(o, "batches", a, &bad);
    if (r->batch) {
        jz__api_set(o, "recoveries", json_null(), &bad);
    } else {
        json_t *rc = json_object();
        jz__api_set(rc, "count", json_integer(r->recoveries), &bad);
        jz__api_set(rc, "recovered_fen", json_integer(r->recovered), &bad);
        jz__api_set(rc, "repaid_fen", json_integer(r->repaid), &bad);
        jz__api_set(rc, "balance_fen", json_integer(r->balance), &bad);
        jz__api_set(rc, "offsets_fen", json_integer(r->offsets), &bad);
        jz__api_set(o, "recoveries", rc, &bad);
    }
    a = json_array();
    for (size_t i = 0; i < r->n_ids && !bad; i++)
        jz__api_append(a, identity_to_json(&r->ids[i]), &bad);
    jz__api_set(o, "identities", a, &bad);
    a = json_array();
    for (size_t i = 0; i < r->n_issues && !bad; i++)
        jz__api_append(a, issue_to_json(&r->issues[i]), &bad);
    jz__api_set(o, "issues", a, &bad);
    jz__api_set(o, "issues_total", json_integer(r->n_issues_total), &bad);
    jz__api_set(o, "discrepancies", json_integer(r->n_discrepancies), &bad);
    jz__api_set(o, "tasks", json_integer(r->n_tasks), &bad);
    return jz__api_done(o, bad);
}

/* ---- what is due -------------------------------------------------------------------------- */

static json_t *due_row_to_json(const jz_pay_due_row *r, bool problem)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "county", json_string(r->county), &bad);
    jz__api_set(o, "period", json_string(r->period), &bad);
    jz__api_set(o, "batch", id_or_null(r->batch), &bad);
    jz__api_enum_out(o, "state", r->batch ? r->state : -1, JZ_BATCH_STATE_COUNT,
                     jz_batch_state_names, jz_batch_state_zh, &bad);
    jz__api_enum_out(o, "status", r->status, JZ_PL_STATUS_COUNT, jz_pay_status_names,
                     jz_pay_status_zh, &bad);
    jz__api_set(o, "bank", jz__api_str_or_null(r->bank), &bad);
    jz__api_set(o, "lines", json_integer(r->lines), &bad);
    jz__api_set(o, "amount_fen", json_integer(r->amount), &bad);
    jz__api_set(o, "rule", jz__api_str_or_null(r->rule), &bad);
    jz__api_set(o, "due", r->due ? jz__api_date_out(r->due) : json_null(), &bad);
    if (problem) {
        jz__api_set(o, "reason", jz__api_text(r->err.reason, false), &bad);
    } else {
        jz__api_set(o, "working_days_left", json_integer(r->left), &bad);
        jz__api_set(o, "late", json_boolean(r->late), &bad);
    }
    return jz__api_done(o, bad);
}

json_t *jz_pay_due_list_to_json(const jz_pay_due_list *l, jz_date on, int within)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "date", jz__api_date_out(on), &bad);
    jz__api_set(o, "within", json_integer(within), &bad);
    json_t *a = json_array();
    for (size_t i = 0; i < l->n && !bad; i++)
        jz__api_append(a, due_row_to_json(&l->rows[i], false), &bad);
    jz__api_set(o, "rows", a, &bad);
    a = json_array();
    for (size_t i = 0; i < l->n_problems && !bad; i++)
        jz__api_append(a, due_row_to_json(&l->problems[i], true), &bad);
    jz__api_set(o, "problems", a, &bad);
    return jz__api_done(o, bad);
}
