/*
 * test_enrol_query.c - enrolments as the caseworkers list them
 * (jz_proc_enrol_list), the reviews and death checks due
 * (jz_proc_enrol_due: R-REVIEW-1, R-DEATH-1), and a death recorded against
 * an enrolment (jz_proc_enrol_death): refused, writing nothing, for a person
 * of another household; recorded with its check when he belongs to it;
 * recorded without an enrolment too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proc_fixture.h"

static int64_t enrolment;

static int setup(void **state)
{
    if (fx_setup(state))
        return -1;
    fx_case_to_publish();
    return 0;
}

static void lists(void **state)
{
    (void)state;
    jz_enrolment_list l;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_enrol_list(&fx, NULL, NULL, &l, &err), JZ_OK);
    assert_int_equal(l.n, 1);
    const jz_enrolment *e = &l.rows[0];
    enrolment = e->id;
    assert_string_equal(e->household_id, "H140902-000101");
    assert_int_equal(e->programme, JZ_UNIT_DIBAO);
    assert_int_equal(e->monthly, 96200);
    assert_string_equal(e->first_month, "2025-03");
    assert_int_equal(e->status, JZ_ENROL_ACTIVE);
    /* 王建国 is of working age and works: a review every 6 months. */
    assert_int_equal(e->review_months, 6);
    assert_int_equal(e->next_review, fx_day(8, 17));
    jz_enrolment_list_cleanup(&l);
    assert_int_equal(jz_proc_enrol_list(&fx, "140902101201", "H140902-000101", &l, &err), JZ_OK);
    assert_int_equal(l.n, 1);
    jz_enrolment_list_cleanup(&l);
    assert_int_equal(jz_proc_enrol_list(&fx, "", "H140902-000303", &l, &err), JZ_OK);
    assert_int_equal(l.n, 0);
    jz_enrolment_list_cleanup(&l);
}

static void reviews_due(void **state)
{
    (void)state;
    jz_enrol_due_list d;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_enrol_due(&fx, "", NULL, fx_day(3, 1), 30, &d, &err), JZ_OK);
    assert_int_equal(d.n, 0);
    jz_enrol_due_list_cleanup(&d);
    /* 2025-08-17 is 169 days after 2025-03-01: in a window of 169 days,
     * not of 168. */
    assert_int_equal(jz_proc_enrol_due(&fx, "", NULL, fx_day(3, 1), 168, &d, &err), JZ_OK);
    assert_int_equal(d.n, 0);
    jz_enrol_due_list_cleanup(&d);
    assert_int_equal(jz_proc_enrol_due(&fx, "", NULL, fx_day(3, 1), 169, &d, &err), JZ_OK);
    assert_int_equal(d.n, 1);
    assert_true(d.rows[0].review);
    assert_false(d.rows[0].death);
    assert_int_equal(d.rows[0].when, fx_day(8, 17));
    assert_false(d.rows[0].overdue);
    jz_enrol_due_list_cleanup(&d);
    assert_int_equal(jz_proc_enrol_due(&fx, "", NULL, fx_day(9, 1), 0, &d, &err), JZ_OK);
    assert_int_equal(d.n, 1);
    assert_true(d.rows[0].overdue);
    jz_enrol_due_list_cleanup(&d);
}

static void death_outside_the_household(void **state)
{
    (void)state;
    jz_enrol_death_req rq = {.enrolment = enrolment,
                             .id_number = "140902199506060531", /* 李强, of H140902-000303 */
                             .death = fx_day(4, 10),
                             .on = fx_day(4, 15)};
    jz_enrol_death_res r;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_enrol_death(&fx, &rq, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "--member-id");
    assert_string_equal(err.value, "140902199506060531");
    assert_non_null(strstr(err.reason, "H140902-000101"));
    assert_int_equal(r.enrolment.id, 0);
    /* Nothing was written: his record is as imported. */
    int version = 0, assessed = 0;
    assert_int_equal(
        jz_store_record_version(fx.store, "H140902-000303", &version, &assessed, NULL, &err),
        JZ_OK);
    assert_int_equal(version, 1);
    rq.id_number = "14090219950606053X";
    assert_int_equal(jz_proc_enrol_death(&fx, &rq, &r, &err), JZ_EINPUT); /* bad check digit */
    rq.enrolment = 999;
    rq.id_number = "140902198005060264";
    assert_int_equal(jz_proc_enrol_death(&fx, &rq, &r, &err), JZ_ENOTFOUND);
}

static void death_in_the_household(void **state)
{
    (void)state;
    jz_enrol_death_req rq = {.enrolment = enrolment,
                             .id_number = "140902198005060264", /* 刘秀英 */
                             .death = fx_day(4, 10),
                             .on = fx_day(4, 15),
                             .note = "村委会报告"};
    jz_enrol_death_res r;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_enrol_death(&fx, &rq, &r, &err), JZ_OK);
    assert_string_equal(r.death.name, "刘秀英");
    assert_string_equal(r.death.household_id, "H140902-000101");
    assert_int_equal(r.death.record_version, 2);
    assert_int_equal(r.death.checks, 1);
    assert_false(r.death.nobody_left);
    assert_int_equal(r.enrolment.id, enrolment);
    assert_int_equal(r.enrolment.status, JZ_ENROL_ACTIVE);
    assert_int_equal(r.enrolment.death_check_due, fx_day(7, 10));
    /* The death check is due, before the review. */
    jz_enrol_due_list d;
    assert_int_equal(jz_proc_enrol_due(&fx, "", NULL, fx_day(7, 1), 30, &d, &err), JZ_OK);
    assert_int_equal(d.n, 1);
    assert_true(d.rows[0].death);
    assert_false(d.rows[0].review);
    assert_int_equal(d.rows[0].when, fx_day(7, 10));
    jz_enrol_due_list_cleanup(&d);
}

static void death_without_an_enrolment(void **state)
{
    (void)state;
    jz_enrol_death_req rq = {.id_number = "140902199202020282", /* 郑芳, H140902-000606 */
                             .death = fx_day(5, 1),
                             .on = fx_day(5, 6)};
    jz_enrol_death_res r;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_enrol_death(&fx, &rq, &r, &err), JZ_OK);
    assert_string_equal(r.death.household_id, "H140902-000606");
    assert_int_equal(r.death.checks, 0);
    assert_int_equal(r.enrolment.id, 0);
    /* A date of death after the date it is recorded is refused. */
    rq.death = fx_day(5, 7);
    assert_int_equal(jz_proc_enrol_death(&fx, &rq, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "--death-date");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists),
        cmocka_unit_test(reviews_due),
        cmocka_unit_test(death_outside_the_household),
        cmocka_unit_test(death_in_the_household),
        cmocka_unit_test(death_without_an_enrolment),
    };
    return cmocka_run_group_tests(tests, setup, fx_teardown);
}
