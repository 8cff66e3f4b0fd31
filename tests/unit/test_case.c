/*
 * test_case.c - the procedure's rules (jz_case_apply, jz_case_check) and its
 * deadlines on the shipped calendar (R-WF-1, R-WF-2, R-WF-4, R-WF-5).
 *
 * Every legal step in order; every illegal one refused with what must
 * happen first; deadlines across the Spring Festival and National Day,
 * with the 20-day township flag and the 45-day extension.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_case.h"

#include "calendar_fixture.h"

static jz_date D(const char *s)
{
    jz_date d;
    jz_error err;
    assert_int_equal(jz_date_parse(s, strlen(s), &d, &err), JZ_OK);
    return d;
}

static jz_case accepted(const char *on)
{
    jz_case c;
    memset(&c, 0, sizeof c);
    c.id = 1;
    c.state = JZ_CASE_ACCEPTED;
    c.accepted_on = D(on);
    c.days = 30; /* the shipped workflow.* parameters */
    c.extended_days = 45;
    c.notice_days = 7;
    return c;
}

static void ok(jz_case *c, jz_case_action a, const char *on, const jz_case_input *in)
{
    jz_error err;
    jz_error_clear(&err);
    if (jz_case_apply(c, a, D(on), in, &err) != JZ_OK)
        fail_msg("%s on %s refused: %s", jz_case_action_names[a], on, err.reason);
}

/* Refused, c unchanged, and the reason mentions `why`. */
static void refused(jz_case *c, jz_case_action a, const char *on, const jz_case_input *in,
                    const char *why)
{
    jz_case before = *c;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_case_apply(c, a, D(on), in, &err), JZ_EINPUT);
    assert_memory_equal(c, &before, sizeof before);
    if (!strstr(err.reason, why))
        fail_msg("%s on %s: reason \"%s\" lacks \"%s\"", jz_case_action_names[a], on, err.reason,
                 why);
}

static const jz_case_input approve = {
    .decision = JZ_DECISION_APPROVED, .opinion_units = 1, .approved_units = 1};

/* 受理 → … → 公布, with the dates of each step kept. */
static void test_whole_procedure(void **state)
{
    (void)state;
    jz_case c = accepted("2025-01-20");
    ok(&c, JZ_ACT_INVESTIGATE, "2025-01-22", NULL);
    ok(&c, JZ_ACT_VERIFY, "2025-01-24", NULL);
    ok(&c, JZ_ACT_PRELIMINARY, "2025-02-06", NULL);
    ok(&c, JZ_ACT_NOTICE, "2025-02-07", NULL);
    assert_int_equal(c.notice_until, D("2025-02-13")); /* 7 days, the first included */
    ok(&c, JZ_ACT_CONFIRM, "2025-02-14", NULL);
    ok(&c, JZ_ACT_DECIDE, "2025-02-17", &approve);
    assert_int_equal(c.decision, JZ_DECISION_APPROVED);
    assert_string_equal(c.first_month, "2025-03"); /* the month after the decision */
    ok(&c, JZ_ACT_PUBLISH, "2025-02-18", NULL);
    assert_int_equal(c.state, JZ_CASE_CLOSED);
    assert_int_equal(c.closed_on, D("2025-02-18"));
}

static void test_illegal_steps(void **state)
{
    (void)state;
    jz_case c = accepted("2025-01-20");
    refused(&c, JZ_ACT_VERIFY, "2025-01-21", NULL, "须先启动家庭经济状况调查");
    refused(&c, JZ_ACT_PRELIMINARY, "2025-01-21", NULL, "信息核对");
    refused(&c, JZ_ACT_CONFIRM, "2025-01-21", NULL, "须先公示");
    refused(&c, JZ_ACT_DECIDE, "2025-01-21", &approve, "县级民政部门审核确认");
    refused(&c, JZ_ACT_OBJECT, "2025-01-21", &(jz_case_input){.note = "x"}, "公示期间");
    refused(&c, JZ_ACT_INVESTIGATE, "2025-01-19", NULL, "早于"); /* before 受理 */
    ok(&c, JZ_ACT_INVESTIGATE, "2025-01-22", NULL);
    refused(&c, JZ_ACT_INVESTIGATE, "2025-01-23", NULL, "已经启动");
    ok(&c, JZ_ACT_VERIFY, "2025-01-24", NULL);
    ok(&c, JZ_ACT_PRELIMINARY, "2025-02-06", NULL);
    ok(&c, JZ_ACT_NOTICE, "2025-02-07", NULL);
    /* Confirming during the 公示 period, on its last day included. */
    refused(&c, JZ_ACT_CONFIRM, "2025-02-13", NULL, "公示期至 2025-02-13 才结束");
    ok(&c, JZ_ACT_CONFIRM, "2025-02-14", NULL);
    /* Approving what the opinion did not find; refusing what it found
     * without a reason. */
    refused(&c, JZ_ACT_DECIDE, "2025-02-17",
            &(jz_case_input){.decision = JZ_DECISION_APPROVED, .opinion_units = 0}, "不能批准");
    refused(&c, JZ_ACT_DECIDE, "2025-02-17",
            &(jz_case_input){.decision = JZ_DECISION_REFUSED, .opinion_units = 1}, "须写明理由");
    refused(&c, JZ_ACT_DECIDE, "2025-02-17", NULL, "须决定批准或不予批准");
    refused(&c, JZ_ACT_DECIDE, "2025-02-17",
            &(jz_case_input){.decision = JZ_DECISION_APPROVED,
                             .opinion_units = 1,
                             .approved_units = 1,
                             .first_month = D("2025-01-01")},
            "不能早于决定当月");
    ok(&c, JZ_ACT_DECIDE, "2025-02-17", &approve);
    refused(&c, JZ_ACT_DECIDE, "2025-02-18", &approve, "不能重复决定");
    refused(&c, JZ_ACT_EXTEND, "2025-02-18", &(jz_case_input){.extend_reason = JZ_EXT_HARD},
            "不再延长");
    ok(&c, JZ_ACT_PUBLISH, "2025-02-18", NULL);
    /* A closed case takes no step at all. */
    for (int a = JZ_ACT_INVESTIGATE; a < JZ_ACT_COUNT; a++)
        refused(&c, (jz_case_action)a, "2025-02-19",
                &(jz_case_input){.note = "x", .decision = 1, .opinion_units = 1, .extend_reason = 1},
                "已办结");
    refused(&c, JZ_ACT_ACCEPT, "2025-02-19", NULL, "已经受理");
}

/* R-WF-4: an objection during 公示 sends the case back; a new opinion and
 * a new 公示 follow. */
static void test_objection(void **state)
{
    (void)state;
    jz_case c = accepted("2025-01-20");
    ok(&c, JZ_ACT_INVESTIGATE, "2025-01-22", NULL);
    ok(&c, JZ_ACT_VERIFY, "2025-01-24", NULL);
    ok(&c, JZ_ACT_PRELIMINARY, "2025-02-06", NULL);
    ok(&c, JZ_ACT_NOTICE, "2025-02-07", NULL);
    refused(&c, JZ_ACT_OBJECT, "2025-02-10", NULL, "须记录异议的内容");
    ok(&c, JZ_ACT_OBJECT, "2025-02-10", &(jz_case_input){.note = "邻居反映有营运车辆"});
    assert_int_equal(c.state, JZ_CASE_INVESTIGATING);
    assert_int_equal(c.objections, 1);
    assert_int_equal(c.notice_from, JZ_DATE_NONE);
    assert_int_equal(c.preliminary_on, JZ_DATE_NONE);
    refused(&c, JZ_ACT_CONFIRM, "2025-02-20", NULL, "须先公示");
    ok(&c, JZ_ACT_EXTEND, "2025-02-10", &(jz_case_input){.extend_reason = JZ_EXT_OBJECTION});
    ok(&c, JZ_ACT_VERIFY, "2025-02-11", NULL);
    ok(&c, JZ_ACT_PRELIMINARY, "2025-02-18", NULL);
    ok(&c, JZ_ACT_NOTICE, "2025-02-19", NULL);
    /* An objection after the period is too late. */
    refused(&c, JZ_ACT_OBJECT, "2025-02-26", &(jz_case_input){.note = "x"}, "公示期已于");
    ok(&c, JZ_ACT_CONFIRM, "2025-02-26", NULL);
}

/* R-WF-5: a staff relative's case needs a recorded home visit. */
static void test_staff_relative(void **state)
{
    (void)state;
    jz_case c = accepted("2025-01-20");
    c.staff_relative = true;
    ok(&c, JZ_ACT_INVESTIGATE, "2025-01-22", NULL);
    ok(&c, JZ_ACT_VERIFY, "2025-01-24", NULL);
    ok(&c, JZ_ACT_PRELIMINARY, "2025-02-06", NULL);
    ok(&c, JZ_ACT_NOTICE, "2025-02-07", NULL);
    refused(&c, JZ_ACT_CONFIRM, "2025-02-14", NULL, "入户调查");
    refused(&c, JZ_ACT_HOME_VISIT, "2025-02-14", NULL, "须记录入户调查的情况");
    ok(&c, JZ_ACT_HOME_VISIT, "2025-02-14", &(jz_case_input){.note = "入户核实，情况属实"});
    ok(&c, JZ_ACT_CONFIRM, "2025-02-14", NULL);
    refused(&c, JZ_ACT_HOME_VISIT, "2025-02-15", &(jz_case_input){.note = "x"}, "之前");
    /* An investigation recorded as a home visit counts too. */
    jz_case d = accepted("2025-01-20");
    d.staff_relative = true;
    ok(&d, JZ_ACT_INVESTIGATE, "2025-01-22", &(jz_case_input){.home_visit = true});
    assert_true(d.home_visited);
}

static void deadlines(const jz_case *c, const char *step, const char *overall)
{
    jz_date s, o;
    const char *what;
    jz_error err;
    assert_int_equal(jz_case_deadlines(c, cal, &s, &o, &what, &err), JZ_OK);
    char bs[JZ_DATE_BUF] = "none", bo[JZ_DATE_BUF] = "none";
    if (s)
        jz_date_format(s, bs, sizeof bs);
    if (o)
        jz_date_format(o, bo, sizeof bo);
    if (strcmp(bs, step) != 0 || strcmp(bo, overall) != 0)
        fail_msg("deadlines %s / %s, want %s / %s", bs, bo, step, overall);
}

/* The statutory clock across the Spring Festival 2025 (off 01-28..02-04,
 * Sunday 01-26 and Saturday 02-08 worked). */
static void test_deadlines_spring_festival(void **state)
{
    (void)state;
    jz_case c = accepted("2025-01-20");
    /* Investigation within 3 working days: 01-21, 01-22, 01-23. */
    deadlines(&c, "2025-01-23", "2025-03-07");
    c.days = 20; /* the township confirms: workflow.township_days */
    deadlines(&c, "2025-01-23", "2025-02-21");
    c.days = 30;
    refused(&c, JZ_ACT_EXTEND, "2025-01-21", &(jz_case_input){.extend_reason = 0}, "须说明延长");
    ok(&c, JZ_ACT_EXTEND, "2025-01-21", &(jz_case_input){.extend_reason = JZ_EXT_SEPARATED});
    deadlines(&c, "2025-01-23", "2025-03-28"); /* 45 working days */
    refused(&c, JZ_ACT_EXTEND, "2025-01-21", &(jz_case_input){.extend_reason = JZ_EXT_HARD},
            "已延长过");
    /* Verification within 3 working days of the investigation's start on
     * 01-24: 01-26 (Sunday, worked), 01-27, then 02-05. */
    jz_case d = accepted("2025-01-20");
    ok(&d, JZ_ACT_INVESTIGATE, "2025-01-24", NULL);
    deadlines(&d, "2025-02-05", "2025-03-07");
}

/* National Day 2024 (off 10-01..10-07, Sunday 09-29 and Saturday 10-12
 * worked): the county's 10 working days after the 公示. */
static void test_deadlines_national_day(void **state)
{
    (void)state;
    jz_case c = accepted("2024-09-02");
    ok(&c, JZ_ACT_INVESTIGATE, "2024-09-03", NULL);
    ok(&c, JZ_ACT_VERIFY, "2024-09-04", NULL);
    ok(&c, JZ_ACT_PRELIMINARY, "2024-09-20", NULL);
    ok(&c, JZ_ACT_NOTICE, "2024-09-21", NULL); /* until 09-27 */
    /* 09-29, 09-30, 10-08, 10-09, 10-10, 10-11, 10-12, 10-14, 10-15, 10-16. */
    deadlines(&c, "2024-10-16", "2024-10-18");
    ok(&c, JZ_ACT_CONFIRM, "2024-10-08", NULL);
    deadlines(&c, "none", "2024-10-18");
    ok(&c, JZ_ACT_DECIDE, "2024-10-09",
       &(jz_case_input){.decision = JZ_DECISION_REFUSED, .opinion_units = 0});
    /* A refusal is notified within 3 working days: 10-10, 10-11, 10-12. */
    deadlines(&c, "2024-10-12", "none");
    ok(&c, JZ_ACT_PUBLISH, "2024-10-11", NULL);
    deadlines(&c, "none", "none");
}

/* The Spring Festival 2026 (off 02-15..02-23, Saturdays 02-14 and 02-28
 * worked), and the township's 20 days across it. */
static void test_deadlines_2026(void **state)
{
    (void)state;
    jz_case c = accepted("2026-02-11");
    /* 02-12, 02-13, 02-14 (Saturday worked). */
    deadlines(&c, "2026-02-14", "2026-03-31");
    c.days = 20;
    /* ... 02-24..02-27, 02-28, 03-02..03-06, 03-09..03-13, 03-16, 03-17. */
    deadlines(&c, "2026-02-14", "2026-03-17");
    ok(&c, JZ_ACT_EXTEND, "2026-02-12", &(jz_case_input){.extend_reason = JZ_EXT_ELSEWHERE});
    /* 45 working days: Qingming (04-04..04-06, a Saturday to a Monday) is
     * passed on the way: 04-01..04-03, 04-07..04-10, 04-13..04-17,
     * 04-20..04-22. */
    deadlines(&c, "2026-02-14", "2026-04-22");
}

static void test_outside_calendar(void **state)
{
    (void)state;
    jz_case c = accepted("2026-12-01");
    jz_date s, o;
    jz_error err;
    assert_int_equal(jz_case_deadlines(&c, cal, &s, &o, NULL, &err), JZ_ERANGE);
}

/* R-REVIEW-1: 12 months, or 6 with a member able to work or unstable
 * income. */
static void test_review_months(void **state)
{
    (void)state;
    jz_member m[2];
    memset(m, 0, sizeof m);
    jz_household h;
    memset(&h, 0, sizeof h);
    h.members = m;
    h.n_members = 2;
    jz_date on = D("2025-06-01");
    m[0].birth = D("1950-01-01"); /* 75: not of working age */
    m[1].birth = D("2015-01-01"); /* 10 */
    assert_int_equal(jz_review_months(&h, on), 12);
    m[1].birth = D("2009-06-01"); /* 16 on the day: able to work */
    assert_int_equal(jz_review_months(&h, on), 6);
    m[1].student_level = JZ_STU_SENIOR; /* a student is not */
    assert_int_equal(jz_review_months(&h, on), 12);
    m[1].student_level = JZ_STU_NONE;
    m[1].disability_grade = 2; /* nor a severely disabled member */
    assert_int_equal(jz_review_months(&h, on), 12);
    m[1].disability_grade = 3;
    assert_int_equal(jz_review_months(&h, on), 6);
    m[1].disability_grade = 1;
    m[0].employment = JZ_EMP_UNEMPLOYED; /* unstable income */
    assert_int_equal(jz_review_months(&h, on), 6);
    m[0].employment = JZ_EMP_RETIRED;
    m[0].newly_employed = true;
    assert_int_equal(jz_review_months(&h, on), 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_procedure),
        cmocka_unit_test(test_illegal_steps),
        cmocka_unit_test(test_objection),
        cmocka_unit_test(test_staff_relative),
        cmocka_unit_test(test_deadlines_spring_festival),
        cmocka_unit_test(test_deadlines_national_day),
        cmocka_unit_test(test_deadlines_2026),
        cmocka_unit_test(test_outside_calendar),
        cmocka_unit_test(test_review_months),
    };
    return cmocka_run_group_tests(tests, load_calendar, free_calendar);
}
