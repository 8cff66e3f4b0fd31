/*
 * jz_api_pay.h - the JSON face of the payment operations (jz_pay.h):
 * requests read into the operations' request structs, results written as
 * JSON, for the server (docs/api-pay.md gives every shape and route).
 *
 * Reading is strict as in jz_api_case.h: an unknown field, a wrong type, a
 * bad month, date or amount is JZ_EINPUT with err->field naming the JSON
 * field and err->value the value, the reason in Chinese.  Strings in a
 * request struct point into the json_t, which the caller keeps alive until
 * the operation returns.
 *
 * Writing: money as integer fen in fields named *_fen, dates "YYYY-MM-DD"
 * or null, enumerations by their stable English name with a Chinese label
 * beside them ("status": "paid", "status_zh": "已到账").  Account numbers
 * are always masked (jz_account_mask: the first 4 and the last 4 digits),
 * and so are ID numbers, in their fields and inside texts: the bank's 代发
 * file is the one place an account is whole, and the server sends it as a
 * file, never as JSON.  A writer returns a new reference, NULL only when
 * out of memory.
 */
#ifndef JZ_API_PAY_H
#define JZ_API_PAY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "jz_pay.h"

/* The operations' errors name the command line's options or their own
 * words ("--programme", "--from", "--amount", "member", ...): these rename
 * err->field to the JSON request's field ("programme", "from",
 * "amount_fen", "member_id", ...).  A payee's request names its holder
 * "holder_name" and "holder_id" (the operation says "name" and "id"), an
 * institution's keeps "name" and "holder": hence two maps.  Other fields
 * are left. */
void jz_api_pay_error_fields(jz_error *err);
void jz_api_payee_error_fields(jz_error *err);

/* ---- requests ------------------------------------------------------------------------ */

/* Planning a month: {"period": "YYYY-MM", "region": prefix}.  region
 * absent: out->region_prefix is NULL (the caller puts the user's scope). */
jz_err jz_pay_plan_req_from_json(const json_t *body, jz_pay_plan_req *out, jz_error *err);

/* Preparing a county's batches: {"period": "YYYY-MM", "county": 6 digits}. */
jz_err jz_pay_batch_req_from_json(const json_t *body, jz_pay_batch_req *out, jz_error *err);

/* The follow-ups of a county's refused lines: {"county"}. */
jz_err jz_pay_followup_req_from_json(const json_t *body, const char **county, jz_error *err);

/* A unit's payee (the household is the route's; out->household_id is left
 * NULL for the caller): {"member_id", "holder_name", "holder_id", "bank",
 * "account"} for an own account, or {"member_id", "institution": N} for a
 * 集中供养 person's care institution; never both. */
jz_err jz_payee_req_from_json(const json_t *body, jz_payee_req *out, jz_error *err);

/* A care institution: {"county", "name", "holder", "bank", "account"}
 * copied into *out (id 0). */
jz_err jz_institution_from_json(const json_t *body, jz_institution *out, jz_error *err);

/* A one-time programme's lines: {"programme": code, "region": prefix}
 * (region absent: NULL). */
typedef struct jz_pay_once_req {
    const char *programme;
    const char *region;
} jz_pay_once_req;
jz_err jz_pay_once_req_from_json(const json_t *body, jz_pay_once_req *out, jz_error *err);

/* A hold of the route's enrolment: {"from": "YYYY-MM", "reason"}. */
typedef struct jz_pay_hold_req {
    const char *from;
    const char *reason;
} jz_pay_hold_req;
jz_err jz_pay_hold_req_from_json(const json_t *body, jz_pay_hold_req *out, jz_error *err);

/* Its release: {"to": "YYYY-MM", "back_pay": false}. */
typedef struct jz_pay_release_req {
    const char *to;
    bool back_pay;
} jz_pay_release_req;
jz_err jz_pay_release_req_from_json(const json_t *body, jz_pay_release_req *out, jz_error *err);

/* A repayment of the route's recovery: {"amount_fen", "date", "note"}
 * (date absent: today). */
typedef struct jz_pay_repay_req {
    jz_fen amount;
    jz_date on;
    const char *note;
} jz_pay_repay_req;
jz_err jz_pay_repay_req_from_json(const json_t *body, jz_pay_repay_req *out, jz_error *err);

/* ---- results ------------------------------------------------------------------------- */

/* A line of the ledger.  account: the account it is (or would be) paid
 * to, whole as the store has it, or NULL: written masked ("account"), or
 * null. */
json_t *jz_pay_line_to_json(const jz_pay_line *l, const char *account);

/* A batch; banks (may be NULL) names its bank. */
json_t *jz_pay_batch_to_json(const jz_pay_batch *b, const jz_banks *banks);
/* The batches made by jz_pay_batch_prepare: {"batches": [...]}. */
json_t *jz_pay_batch_res_to_json(const jz_pay_batch_res *r, const jz_banks *banks);

json_t *jz_pay_plan_res_to_json(const jz_pay_plan_req *rq, const jz_pay_plan_res *r);

/* A payee: the holder's ID number and the account masked. */
json_t *jz_payee_to_json(const jz_payee *p, const jz_banks *banks);
json_t *jz_payee_res_to_json(const jz_payee_res *r, const jz_banks *banks);
json_t *jz_institution_to_json(const jz_institution *i, const jz_banks *banks);

/* p: the programme as loaded (may be NULL). */
json_t *jz_pay_once_res_to_json(const jz_once_programme *p, const jz_pay_once_res *r);

json_t *jz_recovery_to_json(const jz_recovery *r);
json_t *jz_repayment_to_json(const jz_repayment *p);

json_t *jz_pay_followup_res_to_json(const char *county, const jz_pay_followup_res *r);
/* The import of a result file (its refused lines are the caller's to add). */
json_t *jz_pay_results_res_to_json(const jz_pay_results_res *r, const jz_banks *banks);

/* A reconciliation: its figures, per programme, its batches, the
 * county's recoveries (a period's), the identities and the differences. */
json_t *jz_pay_recon_to_json(const jz_pay_recon *r, const jz_banks *banks);

/* What is due (`pay due`): rows and problems, as of on, within N days. */
json_t *jz_pay_due_list_to_json(const jz_pay_due_list *l, jz_date on, int within);

#endif
