/*
 * test_decide.c - the county's decision on each unit (jz_case_decide_units,
 * R-WF-7, R-WF-8) and 信息核对's comparison of a record with department rows
 * (jz_verify_member): the pure parts of the procedure's operations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jiuzhu/jz_procedure.h"

static jz_member M[3];
static jz_household H;

static void household(void)
{
    memset(M, 0, sizeof M);
    memset(&H, 0, sizeof H);
    const char *ids[] = {"140902198003050310", "140902198207120421", "140902194708200114"};
    const char *names[] = {"王大", "李二", "王老伯"};
    for (int i = 0; i < 3; i++) {
        strcpy(M[i].id, ids[i]);
        M[i].name = names[i];
    }
    H.members = M;
    H.n_members = 3;
}

/* The opinion of a household with a 低保 unit, a 特困 member and an R-TMP-2
 * temporary grant for the head (cap 3924.00). */
static size_t opinion(jz_case_unit *u)
{
    memset(u, 0, sizeof *u * 3);
    u[0] = (jz_case_unit){.member = -1, .label = "全户", .programme = JZ_UNIT_DIBAO, .persons = 2,
                          .monthly = 80800};
    u[1] = (jz_case_unit){.member = 2, .label = "王老伯", .programme = JZ_UNIT_TEKUN, .persons = 1,
                          .monthly = 85100};
    strcpy(u[1].member_id, M[2].id);
    u[2] = (jz_case_unit){.member = 0, .label = "王大", .programme = JZ_UNIT_TEMPORARY,
                          .persons = 1, .once = 392400};
    strcpy(u[2].member_id, M[0].id);
    strcpy(u[2].rule, "R-TMP-2");
    return 3;
}

static jz_decide_input input(uint8_t decision, const jz_unit_choice *ch, size_t n)
{
    return (jz_decide_input){.decision = decision, .choices = ch, .n_choices = n, .reason = "",
                             .h = &H, .tmp_cap = 392400, .tmp1_min = 65400, .beyond_cap = ""};
}

static void test_approve_needs_temporary_amount(void **state)
{
    (void)state;
    household();
    jz_case_unit u[JZ_CASE_UNITS_MAX];
    size_t n = opinion(u), approved = 0;
    bool judged = true;
    jz_error err;
    jz_decide_input in = input(JZ_DECISION_APPROVED, NULL, 0);
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "--temporary"));
    assert_int_equal(u[2].verdict, JZ_VERDICT_NONE); /* unchanged on error */
    jz_unit_choice ch[] = {{JZ_CHOICE_TEMPORARY, 0, JZ_UNIT_TEMPORARY, 200000}};
    in = input(JZ_DECISION_APPROVED, ch, 1);
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_OK);
    assert_false(judged);
    assert_int_equal(approved, 3);
    assert_int_equal(u[0].decided_monthly, 80800);
    assert_int_equal(u[1].decided_monthly, 85100);
    assert_int_equal(u[2].decided_once, 200000);
}

static void test_cap_counts_advances(void **state)
{
    (void)state;
    household();
    jz_case_unit u[JZ_CASE_UNITS_MAX];
    size_t n = opinion(u), approved = 0;
    bool judged = false;
    jz_error err;
    jz_fen advanced[JZ_MAX_MEMBERS] = {100000};
    /* 3924.00 cap, 1000.00 paid first: 2924.01 is one fen too much. */
    jz_unit_choice ch[] = {{JZ_CHOICE_TEMPORARY, 0, JZ_UNIT_TEMPORARY, 292401}};
    jz_decide_input in = input(JZ_DECISION_APPROVED, ch, 1);
    in.advanced = advanced;
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "一事一议"));
    ch[0].amount = 292400;
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_OK);
    assert_false(judged);
    /* Beyond the cap with the 一事一议 and a reason: a judgment. */
    ch[0].amount = 500000;
    in.beyond_cap = "县协调机制 2025 第 3 次会议纪要";
    in.reason = "火灾损失严重";
    n = opinion(u);
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_OK);
    assert_true(judged);
    assert_true(u[2].judged);
}

static void test_partial_refusal_is_a_judgment(void **state)
{
    (void)state;
    household();
    jz_case_unit u[JZ_CASE_UNITS_MAX];
    size_t n = opinion(u), approved = 0;
    bool judged = false;
    jz_error err;
    jz_unit_choice ch[] = {{JZ_CHOICE_REFUSE, -1, -1, 0},
                           {JZ_CHOICE_REFUSE, 0, JZ_UNIT_TEMPORARY, 0}};
    jz_decide_input in = input(JZ_DECISION_APPROVED, ch, 2);
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "R-WF-7"));
    in.reason = "核对发现车辆";
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_OK);
    assert_true(judged);
    assert_int_equal(approved, 1);
    assert_int_equal(u[0].verdict, JZ_VERDICT_REFUSED);
    assert_string_equal(u[0].reason, "核对发现车辆");
    assert_int_equal(u[1].verdict, JZ_VERDICT_APPROVED);
    /* Where the township confirms, a judgment is the county's. */
    n = opinion(u);
    in.township_confirms = true;
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "县级"));
    in.county = true;
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_OK);
}

static void test_units_added_by_judgment(void **state)
{
    (void)state;
    household();
    jz_case_unit u[JZ_CASE_UNITS_MAX];
    size_t n = 0, approved = 0;
    bool judged = false;
    jz_error err;
    /* Nothing found; the county enrols the household in 低保 at 300.00. */
    jz_unit_choice ch[] = {{JZ_CHOICE_SET, -1, JZ_UNIT_DIBAO, 30000}};
    jz_decide_input in = input(JZ_DECISION_APPROVED, ch, 1);
    in.reason = "长期无法就业";
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_OK);
    assert_int_equal(n, 1);
    assert_true(u[0].added && u[0].judged);
    assert_int_equal(u[0].persons, 3);
    assert_int_equal(u[0].decided_monthly, 30000);
    /* 特困 is a person's unit; 低保边缘 pays no money. */
    n = 0;
    ch[0] = (jz_unit_choice){JZ_CHOICE_SET, -1, JZ_UNIT_TEKUN, 1000};
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_EINPUT);
    ch[0] = (jz_unit_choice){JZ_CHOICE_SET, -1, JZ_UNIT_MARGINAL, 1000};
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_EINPUT);
    /* Changing the amount found is a judgment; the same amount is not. */
    n = opinion(u);
    jz_unit_choice same[] = {{JZ_CHOICE_SET, -1, JZ_UNIT_DIBAO, 80800},
                             {JZ_CHOICE_TEMPORARY, 0, JZ_UNIT_TEMPORARY, 1000}};
    in = input(JZ_DECISION_APPROVED, same, 2);
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_OK);
    assert_false(judged);
    same[0].amount = 90000;
    n = opinion(u);
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_EINPUT);
}

static void test_refusal_of_what_was_found(void **state)
{
    (void)state;
    household();
    jz_case_unit u[JZ_CASE_UNITS_MAX];
    size_t n = opinion(u), approved = 9;
    bool judged = false;
    jz_error err;
    jz_decide_input in = input(JZ_DECISION_REFUSED, NULL, 0);
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_EINPUT);
    in.reason = "户籍不在本县";
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_OK);
    assert_int_equal(approved, 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(u[i].verdict, JZ_VERDICT_REFUSED);
    /* Refusing when nothing was found needs no judgment. */
    n = 0;
    in.reason = "";
    assert_int_equal(jz_case_decide_units(u, &n, &in, &judged, &approved, &err), JZ_OK);
    assert_false(judged);
}

static jz_feed_row row(jz_dept d, jz_event e, const char *date, jz_fen amount)
{
    jz_feed_row r;
    memset(&r, 0, sizeof r);
    r.dept = (uint8_t)d;
    r.event = (uint8_t)e;
    jz_error err;
    jz_date_parse(date, 10, &r.date, &err);
    r.amount = amount;
    return r;
}

static void test_verify_member(void **state)
{
    (void)state;
    household();
    jz_date on;
    jz_error err;
    jz_date_parse("2025-03-05", 10, &on, &err);
    jz_feed_row rows[] = {
        row(JZ_DEPT_VEHICLE, JZ_EV_VEHICLE_REGISTERED, "2024-06-01", 0),
        row(JZ_DEPT_PAYROLL, JZ_EV_GOVERNMENT_PAYROLL, "2023-01-01", 300000), /* before the window */
        row(JZ_DEPT_DEATH, JZ_EV_DEATH, "2025-03-06", 0),                     /* after the date */
        row(JZ_DEPT_JUSTICE, JZ_EV_IMPRISONED, "2024-01-01", 0),
        row(JZ_DEPT_JUSTICE, JZ_EV_RELEASED, "2024-12-01", 0),
    };
    jz_case_finding f[8];
    size_t n = jz_verify_member(&H, 0, rows, 5, on, 12, f, 8);
    assert_int_equal(n, 1);
    assert_string_equal(f[0].rule, "R-AST-2");
    assert_string_equal(f[0].member_id, M[0].id);
    /* The record says he has the vehicle: nothing to find. */
    M[0].vehicles = 1;
    assert_int_equal(jz_verify_member(&H, 0, rows, 5, on, 12, f, 8), 0);
    /* Payroll in the window against no wage; a death against a living
     * member; an imprisonment not followed by a release. */
    jz_feed_row more[] = {
        row(JZ_DEPT_PAYROLL, JZ_EV_GOVERNMENT_PAYROLL, "2024-12-15", 300000),
        row(JZ_DEPT_DEATH, JZ_EV_DEATH, "2025-02-01", 0),
        row(JZ_DEPT_JUSTICE, JZ_EV_IMPRISONED, "2025-01-10", 0),
    };
    n = jz_verify_member(&H, 1, more, 3, on, 12, f, 8);
    assert_int_equal(n, 3);
    assert_string_equal(f[0].rule, "R-HH-1");
    assert_string_equal(f[1].rule, "R-HH-2");
    assert_string_equal(f[2].rule, "R-INC-1");
    assert_non_null(strstr(f[2].text, "3000.00"));
    /* With the wage the record gives, the payroll is no discrepancy. */
    M[1].income[JZ_INC_WAGE] = 3600000;
    assert_int_equal(jz_verify_member(&H, 1, more, 3, on, 12, f, 8), 2);
    /* Deposits: the latest balance at each bank, summed, against the
     * record's financial assets; one fen over is a finding. */
    jz_feed_row bank[] = {
        row(JZ_DEPT_BANK, JZ_EV_BANK_DEPOSIT, "2024-06-30", 900000),
        row(JZ_DEPT_BANK, JZ_EV_BANK_DEPOSIT, "2024-12-31", 500000), /* the same bank, later */
        row(JZ_DEPT_BANK, JZ_EV_BANK_DEPOSIT, "2024-12-31", 300001),
    };
    strcpy(bank[0].code, "农业银行");
    strcpy(bank[1].code, "农业银行");
    strcpy(bank[2].code, "邮储银行");
    M[2].financial = 800000;
    n = jz_verify_member(&H, 2, bank, 3, on, 12, f, 8);
    assert_int_equal(n, 1);
    assert_string_equal(f[0].rule, "R-AST-1");
    assert_non_null(strstr(f[0].text, "8000.01"));
    M[2].financial = 800001;
    assert_int_equal(jz_verify_member(&H, 2, bank, 3, on, 12, f, 8), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_approve_needs_temporary_amount),
        cmocka_unit_test(test_cap_counts_advances),
        cmocka_unit_test(test_partial_refusal_is_a_judgment),
        cmocka_unit_test(test_units_added_by_judgment),
        cmocka_unit_test(test_refusal_of_what_was_found),
        cmocka_unit_test(test_verify_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
