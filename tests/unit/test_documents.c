/*
 * test_documents.c - what the documents of a case say (jz_proc_decision_doc,
 * jz_proc_posting_doc, jz_proc_posting_days): an approval with its unit and
 * amount; an approval that refuses one unit on the county's judgment, lists
 * the temporary assistance paid first and the programmes not found with
 * their rules; a refusal with every reason, its source and the county's
 * note; the 公示 and 公布 lists of a village (R-PUB-1) and the days they
 * were posted; and what is refused: a case not decided, a bad village.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proc_fixture.h"

static int64_t approved, judged, refused;

/* 000303 (低保边缘 household, 李强 单人保 108.00): 李强 paid 300.00 first,
 * his own unit refused on the county's judgment.  000606 (R-TMP-1 found for
 * 吴刚): refused with a note. */
static int setup(void **state)
{
    if (fx_setup(state))
        return -1;
    approved = fx_case_to_publish();
    jz_error err;
    jz_error_clear(&err);
    jz_accept_res r;
    jz_accept_req a = {.household_id = "H140902-000303", .on = fx_day(3, 3)};
    if (jz_proc_accept(&fx, &a, false, &r, &err))
        return -1;
    judged = r.c.id;
    jz_step_req adv = {
        .grant_kind = JZ_GRANT_SMALL, .amount = 30000, .member = "李强", .note = "住院急需"};
    fx_step(judged, JZ_ACT_ADVANCE, 3, 3, &adv);
    a.household_id = "H140902-000606";
    if (jz_proc_accept(&fx, &a, false, &r, &err))
        return -1;
    refused = r.c.id;
    int64_t both[] = {judged, refused};
    for (int i = 0; i < 2; i++) {
        fx_step(both[i], JZ_ACT_INVESTIGATE, 3, 4, NULL);
        fx_step(both[i], JZ_ACT_VERIFY, 3, 5, NULL);
        fx_step(both[i], JZ_ACT_PRELIMINARY, 3, 6, NULL);
        fx_step(both[i], JZ_ACT_NOTICE, 3, 7, NULL);
        fx_step(both[i], JZ_ACT_CONFIRM, 3, 14, NULL);
    }
    jz_choice_req no = {.kind = JZ_CHOICE_REFUSE, .who = "李强", .programme = JZ_UNIT_SINGLE_DIBAO};
    jz_step_req d = {.decision = JZ_DECISION_APPROVED,
                     .choices = &no,
                     .n_choices = 1,
                     .judgment = "李强已与他人共同经营商铺"};
    fx_step(judged, JZ_ACT_DECIDE, 3, 17, &d);
    fx_step(judged, JZ_ACT_PUBLISH, 3, 18, NULL);
    jz_step_req no_all = {.decision = JZ_DECISION_REFUSED, .note = "家庭存款超过规定"};
    fx_step(refused, JZ_ACT_DECIDE, 3, 17, &no_all);
    return 0;
}

static void approval(void **state)
{
    (void)state;
    jz_decision_doc doc;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_decision_doc(&fx, approved, &doc, &err), JZ_OK);
    const jz_doc_decision *d = &doc.d;
    assert_true(d->approved);
    assert_int_equal(d->case_id, approved);
    assert_string_equal(d->applicant_name, "王建国");
    assert_string_equal(d->county_name, "忻府区");
    assert_string_equal(d->first_month, "2025-03");
    assert_int_equal(d->n_units, 1);
    assert_string_equal(d->units[0].label, "全户");
    assert_string_equal(d->units[0].programme, "最低生活保障");
    assert_int_equal(d->units[0].members, 3);
    assert_int_equal(d->units[0].monthly, 96200);
    assert_int_equal(d->n_refused, 0);
    assert_int_equal(d->n_not_found, 0);
    assert_string_equal(d->note, "符合条件");
    char *text = jz_doc_decision_render(d, JZ_DOC_TEXT);
    assert_non_null(text);
    assert_non_null(strstr(text, "审核确认通知书"));
    assert_non_null(strstr(text, "962.00"));
    free(text);
    jz_decision_doc_cleanup(&doc);
    jz_decision_doc_cleanup(&doc);
}

static void approval_with_a_refused_unit(void **state)
{
    (void)state;
    jz_decision_doc doc;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_decision_doc(&fx, judged, &doc, &err), JZ_OK);
    const jz_doc_decision *d = &doc.d;
    assert_true(d->approved);
    /* The household's 低保边缘 unit, then the 300.00 paid first. */
    assert_int_equal(d->n_units, 2);
    assert_string_equal(d->units[0].programme, "低保边缘家庭");
    assert_int_equal(d->units[0].monthly, 0);
    assert_string_equal(d->units[1].label, "李强");
    assert_string_equal(d->units[1].programme, "小金额先行救助");
    assert_int_equal(d->units[1].once, 30000);
    assert_int_equal(d->n_refused, 1);
    assert_string_equal(d->refused[0].label, "李强");
    assert_string_equal(d->refused[0].programme, "单人保");
    assert_string_equal(d->refused[0].reason, "李强已与他人共同经营商铺");
    assert_string_equal(d->judgment, "李强已与他人共同经营商铺");
    assert_string_equal(d->note, ""); /* the judgment speaks instead */
    /* R-DB-1 and R-EXP-3 did not hold: 低保 was not found. */
    assert_int_equal(d->n_not_found, 2);
    assert_string_equal(d->not_found[0].rule, "R-DB-1");
    assert_non_null(strstr(d->not_found[0].source, "晋民发〔2023〕31号"));
    jz_decision_doc_cleanup(&doc);
}

static void refusal(void **state)
{
    (void)state;
    jz_decision_doc doc;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_decision_doc(&fx, refused, &doc, &err), JZ_OK);
    const jz_doc_decision *d = &doc.d;
    assert_false(d->approved);
    assert_int_equal(d->n_units, 0);
    assert_true(d->n_reasons >= 2);
    for (size_t i = 0; i + 1 < d->n_reasons; i++) {
        assert_true(strncmp(d->reasons[i].rule, "R-", 2) == 0);
        assert_true(d->reasons[i].source[0] != '\0');
    }
    /* The county's own reason comes last, with where it comes from. */
    const jz_doc_reason *last = &d->reasons[d->n_reasons - 1];
    assert_string_equal(last->rule, "");
    assert_string_equal(last->text, "家庭存款超过规定");
    assert_string_equal(last->source, "县级民政部门审核确认意见");
    assert_string_equal(d->note, "");
    char *html = jz_doc_decision_render(d, JZ_DOC_HTML);
    assert_non_null(html);
    assert_non_null(strstr(html, "不予批准"));
    free(html);
    jz_decision_doc_cleanup(&doc);
}

static void not_decided(void **state)
{
    (void)state;
    jz_accept_req a = {.household_id = "H140902-000101", .on = fx_day(6, 3)};
    jz_accept_res r;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_accept(&fx, &a, false, &r, &err), JZ_OK);
    jz_decision_doc doc;
    assert_int_equal(jz_proc_decision_doc(&fx, r.c.id, &doc, &err), JZ_EINPUT);
    assert_string_equal(err.field, "case");
    assert_non_null(strstr(err.reason, "尚未作出决定"));
    assert_null(doc.parts);
    assert_int_equal(jz_proc_decision_doc(&fx, 999, &doc, &err), JZ_ENOTFOUND);
}

static void notice_list(void **state)
{
    (void)state;
    jz_posting_doc doc;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(
        jz_proc_posting_doc(&fx, "140902001002", JZ_POSTING_NOTICE, fx_day(3, 7), &doc, &err),
        JZ_OK);
    const jz_doc_list *l = &doc.l;
    assert_true(l->notice);
    assert_string_equal(l->village_code, "140902001002");
    assert_int_equal(l->from, fx_day(3, 7));
    assert_int_equal(l->until, fx_day(3, 13));
    assert_string_equal(l->county_name, "忻府区");
    assert_int_equal(l->n_rows, 2);
    assert_string_equal(l->rows[0].applicant_name, "李福贵");
    assert_int_equal(l->rows[0].members, 3);
    assert_true(l->rows[0].no_cash);
    assert_string_equal(l->rows[1].applicant_name, "李强");
    assert_int_equal(l->rows[1].monthly, 10800);
    assert_false(l->rows[1].no_cash);
    jz_posting_doc_cleanup(&doc);
    /* The 公布 list: only what was approved. */
    assert_int_equal(
        jz_proc_posting_doc(&fx, "140902001002", JZ_POSTING_PUBLISH, fx_day(3, 18), &doc, &err),
        JZ_OK);
    assert_false(doc.l.notice);
    assert_int_equal(doc.l.until, JZ_DATE_NONE);
    assert_int_equal(doc.l.n_rows, 1);
    assert_string_equal(doc.l.rows[0].applicant_name, "李福贵");
    jz_posting_doc_cleanup(&doc);
    /* A day nothing was posted: an empty list. */
    assert_int_equal(
        jz_proc_posting_doc(&fx, "140902001002", JZ_POSTING_NOTICE, fx_day(3, 8), &doc, &err),
        JZ_OK);
    assert_int_equal(doc.l.n_rows, 0);
    jz_posting_doc_cleanup(&doc);
    /* An opinion that found only temporary assistance is not posted. */
    assert_int_equal(
        jz_proc_posting_doc(&fx, "140902001004", JZ_POSTING_NOTICE, fx_day(3, 7), &doc, &err),
        JZ_OK);
    assert_int_equal(doc.l.n_rows, 0);
    jz_posting_doc_cleanup(&doc);
}

static void posting_days(void **state)
{
    (void)state;
    jz_posting_days days;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_posting_days(&fx, "140902001002", -1, &days, &err), JZ_OK);
    assert_int_equal(days.n, 2);
    assert_int_equal(days.days[0].on, fx_day(3, 7));
    assert_int_equal(days.days[0].kind, JZ_POSTING_NOTICE);
    assert_int_equal(days.days[0].rows, 2);
    assert_int_equal(days.days[1].on, fx_day(3, 18));
    assert_int_equal(days.days[1].kind, JZ_POSTING_PUBLISH);
    assert_int_equal(days.days[1].rows, 1);
    jz_posting_days_cleanup(&days);
    assert_int_equal(jz_proc_posting_days(&fx, "140902001002", JZ_POSTING_PUBLISH, &days, &err),
                     JZ_OK);
    assert_int_equal(days.n, 1);
    jz_posting_days_cleanup(&days);
}

static void bad_village(void **state)
{
    (void)state;
    jz_posting_doc doc;
    jz_posting_days days;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(
        jz_proc_posting_doc(&fx, "140902", JZ_POSTING_NOTICE, fx_day(3, 7), &doc, &err), JZ_EINPUT);
    assert_string_equal(err.field, "village");
    assert_string_equal(err.value, "140902");
    assert_int_equal(jz_proc_posting_days(&fx, "14090200100x", -1, &days, &err), JZ_EINPUT);
    assert_int_equal(jz_proc_posting_doc(&fx, "140902001002", 7, fx_day(3, 7), &doc, &err),
                     JZ_EINPUT);
    assert_string_equal(err.field, "kind");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(approval),    cmocka_unit_test(approval_with_a_refused_unit),
        cmocka_unit_test(refusal),     cmocka_unit_test(not_decided),
        cmocka_unit_test(notice_list), cmocka_unit_test(posting_days),
        cmocka_unit_test(bad_village),
    };
    return cmocka_run_group_tests(tests, setup, fx_teardown);
}
