/*
 * test_case_view.c - one case with everything recorded on it
 * (jz_proc_case_view) and the list of cases (jz_proc_case_list): the case
 * carried from 受理 to 公布, an objection that makes the first round's
 * findings and opinion no longer the case's, a case past the holiday
 * calendar whose deadline cannot be computed, and an unknown case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proc_fixture.h"

static int64_t closed_case;

static int setup(void **state)
{
    if (fx_setup(state))
        return -1;
    return 0;
}

static void published_case(void **state)
{
    (void)state;
    closed_case = fx_case_to_publish();
    jz_case_view v;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_case_view(&fx, closed_case, &v, &err), JZ_OK);
    assert_int_equal(v.c.state, JZ_CASE_CLOSED);
    assert_string_equal(v.c.applicant_name, "王建国");
    /* A closed case has no deadline left, and that is no failure. */
    assert_false(v.deadline_failed);
    assert_int_equal(v.due, JZ_DATE_NONE);
    assert_string_equal(v.next, "");
    assert_int_equal(v.n_steps, 8);
    assert_int_equal(v.steps[0].action, JZ_ACT_ACCEPT);
    assert_string_equal(v.steps[0].note, "申请低保");
    assert_string_equal(v.steps[0].actor, "测试员");
    assert_int_equal(v.steps[7].action, JZ_ACT_PUBLISH);
    assert_int_equal(v.steps[7].on, fx_day(2, 18));
    assert_true(v.has_opinion);
    assert_int_equal(v.nu, 1);
    assert_int_equal(v.units[0].programme, JZ_UNIT_DIBAO);
    assert_int_equal(v.units[0].persons, 3);
    assert_int_equal(v.units[0].monthly, 96200);
    assert_int_equal(v.units[0].verdict, JZ_VERDICT_APPROVED);
    assert_int_equal(v.units[0].decided_monthly, 96200);
    assert_int_equal(v.nr, 4);
    assert_string_equal(v.reasons[0].rule, "R-DB-1");
    assert_true(v.reasons[0].holds);
    assert_int_equal(v.n_grants, 0);
    assert_int_equal(v.nf, 0); /* no department rows: nothing found */
    jz_case_view_cleanup(&v);
    jz_case_view_cleanup(&v); /* a second cleanup is harmless */
}

/* After an objection the case is investigated again: the first round's
 * opinion is not shown as the case's, and its deadlines run again. */
static void objection_clears_the_round(void **state)
{
    (void)state;
    jz_accept_req rq = {.household_id = "H140902-000303", .on = fx_day(3, 3)};
    jz_accept_res r;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_accept(&fx, &rq, false, &r, &err), JZ_OK);
    fx_step(r.c.id, JZ_ACT_INVESTIGATE, 3, 4, NULL);
    fx_step(r.c.id, JZ_ACT_VERIFY, 3, 5, NULL);
    fx_step(r.c.id, JZ_ACT_PRELIMINARY, 3, 6, NULL);
    jz_case_view v;
    assert_int_equal(jz_proc_case_view(&fx, r.c.id, &v, &err), JZ_OK);
    assert_true(v.has_opinion);
    assert_true(v.nu > 0);
    assert_non_null(v.findings);
    assert_string_equal(v.next, "在村（社区）公示");
    jz_case_view_cleanup(&v);
    fx_step(r.c.id, JZ_ACT_NOTICE, 3, 7, NULL);
    jz_step_req ob = {.note = "村民反映其子有车"};
    fx_step(r.c.id, JZ_ACT_OBJECT, 3, 8, &ob);
    assert_int_equal(jz_proc_case_view(&fx, r.c.id, &v, &err), JZ_OK);
    assert_int_equal(v.c.state, JZ_CASE_INVESTIGATING);
    assert_false(v.has_opinion);
    assert_int_equal(v.nu, 0);
    assert_null(v.findings);
    assert_int_equal(v.nf, 0);
    assert_string_equal(v.next, "启动信息核对");
    assert_int_not_equal(v.step_due, JZ_DATE_NONE);
    assert_int_equal(v.n_steps, 6);
    jz_case_view_cleanup(&v);
}

/* A case whose deadline runs past the calendar is shown all the same,
 * with why its deadline cannot be computed. */
static void deadline_past_the_calendar(void **state)
{
    (void)state;
    jz_accept_req rq = {.household_id = "H140902-000606",
                        .on = jz_date_make(2026, 12, 30),
                        .due_by = jz_date_make(2027, 3, 1),
                        .task = "定期复核（R-REVIEW-1）"};
    jz_accept_res r;
    jz_error err;
    jz_error_clear(&err);
    /* The task's own legal date lets it be opened past the calendar. */
    fx.today = jz_date_make(2026, 12, 31);
    assert_int_equal(jz_proc_accept(&fx, &rq, false, &r, &err), JZ_OK);
    jz_case_view v;
    assert_int_equal(jz_proc_case_view(&fx, r.c.id, &v, &err), JZ_OK);
    assert_true(v.deadline_failed);
    assert_int_equal(v.deadline_err.code, JZ_ERANGE);
    assert_int_equal(v.n_steps, 1);
    jz_case_view_cleanup(&v);
}

static void unknown_case(void **state)
{
    (void)state;
    jz_case_view v;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_case_view(&fx, 999, &v, &err), JZ_ENOTFOUND);
    assert_null(v.steps);
    assert_non_null(strstr(err.value, "999"));
}

static void case_lists(void **state)
{
    (void)state;
    jz_case_list l;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_case_list(&fx, NULL, false, &l, &err), JZ_OK);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.rows[0].id, closed_case);
    jz_case_list_cleanup(&l);
    assert_int_equal(jz_proc_case_list(&fx, "", true, &l, &err), JZ_OK);
    assert_int_equal(l.n, 2); /* the closed one left out */
    for (size_t i = 0; i < l.n; i++)
        assert_int_not_equal(l.rows[i].state, JZ_CASE_CLOSED);
    jz_case_list_cleanup(&l);
    assert_int_equal(jz_proc_case_list(&fx, "140902101", false, &l, &err), JZ_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.rows[0].household_id, "H140902-000101");
    jz_case_list_cleanup(&l);
    assert_int_equal(jz_proc_case_list(&fx, "1409029", false, &l, &err), JZ_OK);
    assert_int_equal(l.n, 0);
    assert_null(l.rows);
    jz_case_list_cleanup(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(published_case),
        cmocka_unit_test(objection_clears_the_round),
        cmocka_unit_test(deadline_past_the_calendar),
        cmocka_unit_test(unknown_case),
        cmocka_unit_test(case_lists),
    };
    return cmocka_run_group_tests(tests, setup, fx_teardown);
}
