/*
 * test_api_pay.c - the JSON face of the payment operations (jz_api_pay.h):
 * requests read strictly (every refusal names its JSON field and value,
 * the operations' own field names renamed to the request's), responses
 * with money in fen, enumerations named in English and Chinese, and the
 * account numbers and ID numbers masked in every answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_api_pay.h"

#define ID "140902198509100223"
#define MASKED "140902********0223"
#define ACCT "6228480000000000019"
#define ACCT_MASKED "6228***********0019"

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &je);
    if (!j)
        fail_msg("bad JSON in the test: %s: %s", text, je.text);
    return j;
}

static char *text_of(const json_t *j)
{
    assert_non_null(j);
    char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(t);
    return t;
}

static const char *S(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("%s is not a string", key);
    return json_string_value(v);
}

static long long I(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("%s is not an integer", key);
    return json_integer_value(v);
}

/* A request reader refuses text with JZ_EINPUT naming field. */
#define REFUSED(call, text, want_field)                                                            \
    do {                                                                                           \
        json_t *b_ = J(text);                                                                      \
        jz_error e_;                                                                               \
        jz_error_clear(&e_);                                                                       \
        assert_int_equal(call, JZ_EINPUT);                                                         \
        if (strcmp(e_.field, want_field) != 0)                                                     \
            fail_msg("%s: field \"%s\", wanted \"%s\" (%s)", text, e_.field, want_field,           \
                     e_.reason);                                                                   \
        assert_true(e_.reason[0] != '\0');                                                         \
        json_decref(b_);                                                                           \
    } while (0)

static void plan_and_batch_requests(void **state)
{
    (void)state;
    jz_pay_plan_req pr;
    jz_pay_batch_req br;
    jz_error e;
    json_t *b = J("{\"period\": \"2025-07\", \"region\": \"140902101\"}");
    assert_int_equal(jz_pay_plan_req_from_json(b, &pr, &e), JZ_OK);
    assert_string_equal(pr.period, "2025-07");
    assert_string_equal(pr.region_prefix, "140902101");
    json_decref(b);
    b = J("{\"period\": \"2025-07\"}");
    assert_int_equal(jz_pay_plan_req_from_json(b, &pr, &e), JZ_OK);
    assert_null(pr.region_prefix); /* the caller's scope */
    json_decref(b);
    REFUSED(jz_pay_plan_req_from_json(b_, &pr, &e_), "{}", "period");
    REFUSED(jz_pay_plan_req_from_json(b_, &pr, &e_), "{\"period\": \"2025-7\"}", "period");
    REFUSED(jz_pay_plan_req_from_json(b_, &pr, &e_), "{\"period\": \"2025-13\"}", "period");
    REFUSED(jz_pay_plan_req_from_json(b_, &pr, &e_), "{\"period\": \"2025-Q3\"}", "period");
    REFUSED(jz_pay_plan_req_from_json(b_, &pr, &e_), "{\"period\": 202507}", "period");
    REFUSED(jz_pay_plan_req_from_json(b_, &pr, &e_), "{\"period\": \"2025-07\", \"region\": 14}",
            "region");
    REFUSED(jz_pay_plan_req_from_json(b_, &pr, &e_),
            "{\"period\": \"2025-07\", \"region\": \"14x\"}", "region");
    REFUSED(jz_pay_plan_req_from_json(b_, &pr, &e_), "{\"period\": \"2025-07\", \"month\": 1}",
            "month");
    REFUSED(jz_pay_plan_req_from_json(b_, &pr, &e_), "[]", "");

    b = J("{\"period\": \"2025-08\", \"county\": \"140902\"}");
    assert_int_equal(jz_pay_batch_req_from_json(b, &br, &e), JZ_OK);
    assert_string_equal(br.county, "140902");
    json_decref(b);
    REFUSED(jz_pay_batch_req_from_json(b_, &br, &e_), "{\"period\": \"2025-08\"}", "county");
    REFUSED(jz_pay_batch_req_from_json(b_, &br, &e_),
            "{\"period\": \"2025-08\", \"county\": \"140902101\"}", "county");
    REFUSED(jz_pay_batch_req_from_json(b_, &br, &e_),
            "{\"period\": \"2025-08\", \"county\": \"14090x\"}", "county");
    const char *county = NULL;
    b = J("{\"county\": \"140923\"}");
    assert_int_equal(jz_pay_followup_req_from_json(b, &county, &e), JZ_OK);
    assert_string_equal(county, "140923");
    json_decref(b);
    REFUSED(jz_pay_followup_req_from_json(b_, &county, &e_), "{\"county\": null}", "county");
}

static void payee_and_institution_requests(void **state)
{
    (void)state;
    jz_payee_req pr;
    jz_error e;
    json_t *b = J("{\"holder_name\": \"王建国\", \"holder_id\": \"" ID "\", \"bank\": \"abc\","
                  " \"account\": \"" ACCT "\"}");
    assert_int_equal(jz_payee_req_from_json(b, &pr, &e), JZ_OK);
    assert_null(pr.household_id); /* the route's */
    assert_null(pr.member_id);
    assert_string_equal(pr.holder_id, ID);
    assert_string_equal(pr.account, ACCT);
    assert_int_equal(pr.institution, 0);
    json_decref(b);
    b = J("{\"member_id\": \"" ID "\", \"institution\": 3}");
    assert_int_equal(jz_payee_req_from_json(b, &pr, &e), JZ_OK);
    assert_string_equal(pr.member_id, ID);
    assert_int_equal(pr.institution, 3);
    assert_null(pr.account);
    json_decref(b);
    REFUSED(jz_payee_req_from_json(b_, &pr, &e_),
            "{\"holder_id\": \"" ID "\", \"bank\": \"abc\", \"account\": \"" ACCT "\"}",
            "holder_name");
    REFUSED(jz_payee_req_from_json(b_, &pr, &e_),
            "{\"holder_name\": \"王\", \"holder_id\": \"" ID "\", \"bank\": \"abc\"}", "account");
    REFUSED(jz_payee_req_from_json(b_, &pr, &e_),
            "{\"member_id\": \"" ID "\", \"institution\": 3, \"account\": \"" ACCT "\"}",
            "account");
    REFUSED(jz_payee_req_from_json(b_, &pr, &e_), "{\"institution\": 0}", "institution");
    REFUSED(jz_payee_req_from_json(b_, &pr, &e_), "{\"institution\": \"3\"}", "institution");
    REFUSED(jz_payee_req_from_json(b_, &pr, &e_), "{\"member_id\": 7, \"institution\": 3}",
            "member_id");
    REFUSED(jz_payee_req_from_json(b_, &pr, &e_), "{\"institution\": 3, \"iban\": \"x\"}", "iban");

    jz_institution in;
    b = J("{\"county\": \"140902\", \"name\": \"敬老院\", \"holder\": \"忻府区敬老院\","
          " \"bank\": \"sxrcu\", \"account\": \"6231599999999999990\"}");
    assert_int_equal(jz_institution_from_json(b, &in, &e), JZ_OK);
    assert_string_equal(in.county, "140902");
    assert_string_equal(in.holder, "忻府区敬老院");
    assert_string_equal(in.account, "6231599999999999990");
    assert_int_equal(in.id, 0);
    json_decref(b);
    REFUSED(jz_institution_from_json(b_, &in, &e_),
            "{\"county\": \"140902\", \"name\": \"敬老院\", \"holder\": \"h\", \"bank\": \"sxrcu\","
            " \"account\": \"123456789012345678901234567890123\"}",
            "account");
    REFUSED(jz_institution_from_json(b_, &in, &e_),
            "{\"county\": \"1409\", \"name\": \"敬老院\", \"holder\": \"h\", \"bank\": \"sxrcu\","
            " \"account\": \"1\"}",
            "county");
}

static void once_hold_repay_requests(void **state)
{
    (void)state;
    jz_error e;
    jz_pay_once_req orq;
    json_t *b = J("{\"programme\": \"2022-subsidy\"}");
    assert_int_equal(jz_pay_once_req_from_json(b, &orq, &e), JZ_OK);
    assert_string_equal(orq.programme, "2022-subsidy");
    assert_null(orq.region);
    json_decref(b);
    REFUSED(jz_pay_once_req_from_json(b_, &orq, &e_), "{\"programme\": \"\"}", "programme");
    REFUSED(jz_pay_once_req_from_json(b_, &orq, &e_),
            "{\"programme\": \"a-code-far-too-long-for-a-period\"}", "programme");

    jz_pay_hold_req hr;
    b = J("{\"from\": \"2025-10\", \"reason\": \"复核\"}");
    assert_int_equal(jz_pay_hold_req_from_json(b, &hr, &e), JZ_OK);
    assert_string_equal(hr.from, "2025-10");
    json_decref(b);
    REFUSED(jz_pay_hold_req_from_json(b_, &hr, &e_), "{\"from\": \"2025-10\"}", "reason");
    REFUSED(jz_pay_hold_req_from_json(b_, &hr, &e_),
            "{\"from\": \"2025-10-01\", \"reason\": \"x\"}", "from");

    jz_pay_release_req rr;
    b = J("{\"to\": \"2025-11\"}");
    assert_int_equal(jz_pay_release_req_from_json(b, &rr, &e), JZ_OK);
    assert_false(rr.back_pay);
    json_decref(b);
    b = J("{\"to\": \"2025-11\", \"back_pay\": true}");
    assert_int_equal(jz_pay_release_req_from_json(b, &rr, &e), JZ_OK);
    assert_true(rr.back_pay);
    json_decref(b);
    REFUSED(jz_pay_release_req_from_json(b_, &rr, &e_), "{\"to\": \"2025-11\", \"back_pay\": 1}",
            "back_pay");

    jz_pay_repay_req pr;
    b = J("{\"amount_fen\": 30000, \"note\": \"第一笔\"}");
    assert_int_equal(jz_pay_repay_req_from_json(b, &pr, &e), JZ_OK);
    assert_int_equal(pr.amount, 30000);
    assert_int_equal(pr.on, jz_date_today());
    json_decref(b);
    b = J("{\"amount_fen\": 1, \"date\": \"2025-09-01\"}");
    assert_int_equal(jz_pay_repay_req_from_json(b, &pr, &e), JZ_OK);
    assert_string_equal(pr.note, "");
    json_decref(b);
    REFUSED(jz_pay_repay_req_from_json(b_, &pr, &e_), "{\"amount_fen\": 0}", "amount_fen");
    REFUSED(jz_pay_repay_req_from_json(b_, &pr, &e_), "{\"amount_fen\": -5}", "amount_fen");
    REFUSED(jz_pay_repay_req_from_json(b_, &pr, &e_), "{\"amount_fen\": \"300.00\"}", "amount_fen");
    REFUSED(jz_pay_repay_req_from_json(b_, &pr, &e_), "{\"amount_fen\": 1.5}", "amount_fen");
    REFUSED(jz_pay_repay_req_from_json(b_, &pr, &e_),
            "{\"amount_fen\": 1, \"date\": \"2025-02-30\"}", "date");
}

/* The operations' field names become the request's. */
static void error_fields_renamed(void **state)
{
    (void)state;
    jz_error e;
    static const char *const pay[][2] = {{"--programme", "programme"}, {"--amount", "amount_fen"},
                                         {"--from", "from"},           {"--to", "to"},
                                         {"member", "member_id"},      {"batch", "batch"}};
    for (size_t i = 0; i < sizeof pay / sizeof pay[0]; i++) {
        jz_error_set(&e, JZ_EINPUT, pay[i][0], NULL, "x");
        jz_api_pay_error_fields(&e);
        assert_string_equal(e.field, pay[i][1]);
    }
    static const char *const payee[][2] = {{"name", "holder_name"},
                                           {"id", "holder_id"},
                                           {"member", "member_id"},
                                           {"account", "account"}};
    for (size_t i = 0; i < sizeof payee / sizeof payee[0]; i++) {
        jz_error_set(&e, JZ_EINPUT, payee[i][0], NULL, "x");
        jz_api_payee_error_fields(&e);
        assert_string_equal(e.field, payee[i][1]);
    }
}

static void lines_batches_payees_written(void **state)
{
    (void)state;
    jz_pay_line l = {.id = 12,
                     .enrolment = 3,
                     .kind = JZ_PAY_FOLLOWUP,
                     .refers_to = 9,
                     .persons = 2,
                     .amount = 96200,
                     .payee = 4,
                     .batch = 2,
                     .status = JZ_PL_REFUSED};
    snprintf(l.county, sizeof l.county, "140902");
    snprintf(l.household_id, sizeof l.household_id, "H140902-000101");
    snprintf(l.programme, sizeof l.programme, "dibao");
    snprintf(l.period, sizeof l.period, "2025-07");
    snprintf(l.member_id, sizeof l.member_id, ID);
    snprintf(l.label, sizeof l.label, "王建国");
    snprintf(l.result, sizeof l.result, "E102");
    snprintf(l.reason, sizeof l.reason, "账户已销户：" ID);
    json_t *o = jz_pay_line_to_json(&l, ACCT);
    char *t = text_of(o);
    assert_null(strstr(t, ACCT));
    assert_null(strstr(t, ID));
    assert_string_equal(S(o, "account"), ACCT_MASKED);
    assert_string_equal(S(o, "member_id"), MASKED);
    assert_string_equal(S(o, "kind"), "followup");
    assert_string_equal(S(o, "status"), "refused");
    assert_string_equal(S(o, "status_zh"), jz_pay_status_zh[JZ_PL_REFUSED]);
    assert_int_equal(I(o, "refers_to"), 9);
    assert_int_equal(I(o, "amount_fen"), 96200);
    assert_null(json_object_get(o, "province_share_fen")); /* not a one-time line */
    assert_true(json_is_null(json_object_get(o, "ref_period")));
    free(t);
    json_decref(o);
    o = jz_pay_line_to_json(&l, NULL);
    assert_true(json_is_null(json_object_get(o, "account")));
    json_decref(o);

    jz_pay_batch b = {.id = 2, .state = JZ_BATCH_APPROVED, .lines = 3, .total = 288600};
    snprintf(b.county, sizeof b.county, "140902");
    snprintf(b.bank, sizeof b.bank, "abc");
    snprintf(b.period, sizeof b.period, "2025-07");
    snprintf(b.prepared_by, sizeof b.prepared_by, "rv.a");
    snprintf(b.approved_by, sizeof b.approved_by, "rv.b");
    o = jz_pay_batch_to_json(&b, NULL);
    assert_string_equal(S(o, "state"), "approved");
    assert_string_equal(S(o, "approved_by"), "rv.b");
    assert_true(json_is_null(json_object_get(o, "exported_at")));
    assert_true(json_is_null(json_object_get(o, "bank_name")));
    assert_int_equal(I(o, "total_fen"), 288600);
    json_decref(o);

    jz_payee p = {.id = 4, .version = 2};
    snprintf(p.household_id, sizeof p.household_id, "H140902-000101");
    snprintf(p.holder_name, sizeof p.holder_name, "王建国");
    snprintf(p.holder_id, sizeof p.holder_id, ID);
    snprintf(p.bank, sizeof p.bank, "abc");
    snprintf(p.account, sizeof p.account, ACCT);
    jz_payee_res pr = {.payee = p, .before = 1, .changed = true, .released = 5};
    o = jz_payee_res_to_json(&pr, NULL);
    t = text_of(o);
    assert_null(strstr(t, ACCT));
    assert_null(strstr(t, ID));
    json_t *po = json_object_get(o, "payee");
    assert_string_equal(S(po, "account"), ACCT_MASKED);
    assert_string_equal(S(po, "holder_id"), MASKED);
    assert_true(json_is_null(json_object_get(po, "member_id")));
    assert_int_equal(I(o, "before_version"), 1);
    assert_int_equal(I(o, "released"), 5);
    free(t);
    json_decref(o);

    jz_institution in = {.id = 1};
    snprintf(in.name, sizeof in.name, "敬老院");
    snprintf(in.account, sizeof in.account, ACCT);
    o = jz_institution_to_json(&in, NULL);
    assert_string_equal(S(o, "account"), ACCT_MASKED);
    json_decref(o);
}

static void plans_recoveries_reconciliations_written(void **state)
{
    (void)state;
    jz_pay_refusal f = {.enrolment = 7};
    snprintf(f.member_id, sizeof f.member_id, ID);
    snprintf(f.rule, sizeof f.rule, "R-TK-5");
    snprintf(f.reason, sizeof f.reason, "特困人员 %s 已在户的低保中", ID);
    jz_pay_plan_res r = {
        .lines_added = 4, .held = 1, .total_added = 400, .refusals = &f, .n_refusals = 1};
    jz_pay_plan_req rq = {"2025-07", "140902"};
    json_t *o = jz_pay_plan_res_to_json(&rq, &r);
    char *t = text_of(o);
    assert_null(strstr(t, ID));
    json_t *rf = json_array_get(json_object_get(o, "refusals"), 0);
    assert_string_equal(S(rf, "rule"), "R-TK-5");
    assert_string_equal(S(rf, "member_id"), MASKED);
    assert_int_equal(I(o, "total_added_fen"), 400);
    free(t);
    json_decref(o);

    jz_recovery rc = {.id = 3, .enrolment = 7, .amount = 192400, .balance = 92400};
    snprintf(rc.from_period, sizeof rc.from_period, "2025-07");
    o = jz_recovery_to_json(&rc);
    assert_int_equal(I(o, "repaid_fen"), 100000);
    assert_false(json_is_true(json_object_get(o, "settled")));
    assert_true(json_is_null(json_object_get(o, "opened_on")));
    json_decref(o);

    jz_pay_recon rec;
    memset(&rec, 0, sizeof rec);
    snprintf(rec.county, sizeof rec.county, "140902");
    rec.batch = 5;
    rec.total.paid = (jz_recon_sum){3, 288600};
    rec.n_ids = 1;
    rec.ids[0] = (jz_recon_identity){.name = "ledger",
                                     .text = "应发 = ...",
                                     .left = {3, 288600},
                                     .right = {3, 288600},
                                     .counted = true,
                                     .holds = true};
    jz_recon_issue is = {.kind = JZ_RI_REFUSED_OPEN, .line = 9, .amount = 96200};
    snprintf(is.member_id, sizeof is.member_id, ID);
    snprintf(is.detail, sizeof is.detail, "退票未重发 %s", ID);
    rec.issues = &is;
    rec.n_issues = 1;
    rec.n_issues_total = 1;
    rec.n_tasks = 1;
    rec.balanced = true;
    o = jz_pay_recon_to_json(&rec, NULL);
    t = text_of(o);
    assert_null(strstr(t, ID));
    assert_true(json_is_null(json_object_get(o, "period")));
    assert_true(json_is_null(json_object_get(o, "recoveries"))); /* a batch's */
    assert_int_equal(I(json_object_get(json_object_get(o, "total"), "paid"), "amount_fen"), 288600);
    json_t *id0 = json_array_get(json_object_get(o, "identities"), 0);
    assert_string_equal(S(id0, "name"), "ledger");
    assert_true(json_is_true(json_object_get(id0, "holds")));
    json_t *i0 = json_array_get(json_object_get(o, "issues"), 0);
    assert_string_equal(S(i0, "kind"), "refused_open");
    assert_false(json_is_true(json_object_get(i0, "discrepancy")));
    free(t);
    json_decref(o);

    jz_pay_due_row row = {.lines = 2,
                          .amount = 1000,
                          .status = JZ_PL_PLANNED,
                          .rule = "R-DB-PAY",
                          .left = -3,
                          .late = true};
    snprintf(row.county, sizeof row.county, "140902");
    snprintf(row.period, sizeof row.period, "2025-07");
    jz_date on;
    jz_error e;
    assert_int_equal(jz_date_parse("2025-07-15", 10, &on, &e), JZ_OK);
    assert_int_equal(jz_date_parse("2025-07-10", 10, &row.due, &e), JZ_OK);
    jz_pay_due_list dl = {.rows = &row, .n = 1};
    o = jz_pay_due_list_to_json(&dl, on, 5);
    json_t *r0 = json_array_get(json_object_get(o, "rows"), 0);
    assert_string_equal(S(r0, "due"), "2025-07-10");
    assert_true(json_is_true(json_object_get(r0, "late")));
    assert_int_equal(I(r0, "working_days_left"), -3);
    assert_true(json_is_null(json_object_get(r0, "batch")));
    assert_true(json_is_null(json_object_get(r0, "state")));
    assert_string_equal(S(o, "date"), "2025-07-15");
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plan_and_batch_requests),
        cmocka_unit_test(payee_and_institution_requests),
        cmocka_unit_test(once_hold_repay_requests),
        cmocka_unit_test(error_fields_renamed),
        cmocka_unit_test(lines_batches_payees_written),
        cmocka_unit_test(plans_recoveries_reconciliations_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
