/*
 * test_household_view.c - a household as stored (jz_proc_household, what
 * `jiuzhu show` prints): never assessed; assessed by a bulk run, the
 * recomputation agreeing; the parameters changed since (changed); the
 * record replaced since, by a recorded death (stale); found by a member's
 * ID number; and an unknown key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jiuzhu/jz_batch.h"
#include "proc_fixture.h"

static jz_household_view *v;

static int setup(void **state)
{
    v = malloc(sizeof *v);
    return v ? fx_setup(state) : -1;
}

static int teardown(void **state)
{
    free(v);
    return fx_teardown(state);
}

static void not_assessed(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_household(&fx, "H140902-000101", v, &err), JZ_OK);
    assert_false(v->have_stored);
    assert_false(v->stale);
    assert_false(v->changed);
    assert_int_equal(v->version, 1);
    assert_int_equal(v->assessed, 0);
    assert_non_null(strstr(v->record, "王建国"));
    assert_string_equal(v->h.household_id, "H140902-000101");
    assert_int_equal(v->h.n_members, 3);
    /* Read as of its own assess_date: the recomputation finds 低保. */
    assert_int_equal(v->h.assess_date, jz_date_make(2025, 6, 1));
    assert_int_equal(v->now.category, JZ_CAT_DIBAO);
    assert_int_equal(v->now.monthly_amount, 96200);
    assert_true(v->trace.n > 0);
    assert_string_equal(v->policy.county, "140902");
    jz_household_view_cleanup(v);
    assert_null(v->record);
    jz_household_view_cleanup(v);
}

static void assessed(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    jz_batch_opts o = {.region_prefix = "", .threads = 1, .write = true};
    jz_batch_report rep;
    memset(&rep, 0, sizeof rep);
    assert_int_equal(jz_batch_assess(fx.store, fx.params, &o, NULL, NULL, &rep, &err), JZ_OK);
    free(rep.rows);
    free(rep.diffs);
    assert_int_equal(jz_proc_household(&fx, "H140902-000101", v, &err), JZ_OK);
    assert_true(v->have_stored);
    assert_false(v->stale);
    assert_false(v->changed);
    assert_int_equal(v->run, rep.run);
    assert_int_equal(v->assessed, 1);
    assert_int_equal(v->stored.category, JZ_CAT_DIBAO);
    assert_int_equal(v->stored.monthly_amount, 96200);
    assert_int_equal(v->stored.n_persons, 3);
    jz_household_view_cleanup(v);
    /* By a member's ID number: the same household. */
    assert_int_equal(jz_proc_household(&fx, "140902201209010335", v, &err), JZ_OK);
    assert_string_equal(v->h.household_id, "H140902-000101");
    assert_true(v->have_stored);
    jz_household_view_cleanup(v);
}

static void parameters_changed(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_paramset_override(fx.params, "dibao.standard.rural=700", &err), JZ_OK);
    assert_int_equal(jz_proc_household(&fx, "H140902-000101", v, &err), JZ_OK);
    assert_true(v->have_stored);
    assert_true(v->changed);
    assert_int_equal(v->stored.monthly_amount, 96200);
    assert_int_equal(v->now.monthly_amount, 3 * 70000 - 100000);
    jz_household_view_cleanup(v);
}

static void record_replaced(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    jz_death_res d;
    assert_int_equal(
        jz_proc_death(&fx, "140902198005060264", fx_day(4, 10), fx_day(4, 15), "", false, &d, &err),
        JZ_OK);
    assert_int_equal(jz_proc_household(&fx, "H140902-000101", v, &err), JZ_OK);
    assert_true(v->have_stored);
    assert_true(v->stale);
    assert_false(v->changed); /* not compared: the members may differ */
    assert_int_equal(v->version, 2);
    assert_int_equal(v->assessed, 1);
    jz_household_view_cleanup(v);
}

static void unknown(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_proc_household(&fx, "H-NONE", v, &err), JZ_ENOTFOUND);
    assert_null(v->record);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(not_assessed),
        cmocka_unit_test(assessed),
        cmocka_unit_test(parameters_changed),
        cmocka_unit_test(record_replaced),
        cmocka_unit_test(unknown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
