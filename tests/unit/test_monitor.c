/*
 * test_monitor.c - the warning indicators (R-MON-2) at their thresholds and
 * one unit beside, and the category each alert takes (R-MON-3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_monitor.h"

static jz_policy P; /* the shipped reference values, set by hand */

static int setup(void **state)
{
    (void)state;
    memset(&P, 0, sizeof P);
    P.mon_medical_threshold = 2000000; /* 20000.00 yuan */
    P.mon_medical_window_months = 12;
    P.mon_medical_income_share = (jz_ratio){5, 10};
    return 0;
}

static jz_date D(const char *s)
{
    jz_date d;
    jz_error err;
    assert_int_equal(jz_date_parse(s, strlen(s), &d, &err), JZ_OK);
    return d;
}

static jz_feed_row row(jz_event ev, const char *date, jz_fen amount, int level)
{
    jz_feed_row r;
    memset(&r, 0, sizeof r);
    r.event = (uint8_t)ev;
    r.date = D(date);
    r.amount = amount;
    r.level = level;
    snprintf(r.id, sizeof r.id, "140902198001010016");
    return r;
}

static const jz_monitor_person outsider = {.id = "140902198001010016"};
static const jz_monitor_person recipient = {
    .id = "140902198001010016", .in_registry = true, .enrolled = true, .dibao = true};
static const jz_monitor_person registered = {.id = "140902198001010016",
                                             .in_registry = true,
                                             .main_earner = true,
                                             .others_living = true};

/* The alerts raised for `who` with rows on 2025-06-01: their indicators. */
static size_t eval(const jz_monitor_person *who, const jz_feed_row *rows, size_t n, jz_alert *out)
{
    return jz_monitor_person_eval(who, rows, n, &P, D("2025-06-01"), NULL, out);
}

static const jz_alert *find(const jz_alert *a, size_t n, jz_indicator ind)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].indicator == ind)
            return &a[i];
    return NULL;
}

static void test_medical_threshold(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    /* 20000.00 in two settlements: at the threshold, fires. */
    jz_feed_row r[2] = {row(JZ_EV_MEDICAL_SETTLEMENT, "2025-01-10", 1500000, 0),
                        row(JZ_EV_MEDICAL_SETTLEMENT, "2025-05-10", 500000, 0)};
    size_t n = eval(&outsider, r, 2, a);
    const jz_alert *x = find(a, n, JZ_IND_MEDICAL_SPIKE);
    assert_non_null(x);
    assert_int_equal(x->category, JZ_ALERT_B); /* not enrolled */
    assert_int_equal(x->amount, 2000000);
    assert_int_equal(x->n_evidence, 2);
    assert_int_equal(x->dept, JZ_DEPT_MEDICAL);
    /* One fen below: nothing. */
    r[1].amount = 499999;
    n = eval(&outsider, r, 2, a);
    assert_null(find(a, n, JZ_IND_MEDICAL_SPIKE));
    /* Enrolled: A (medical assistance to deliver). */
    r[1].amount = 500000;
    n = eval(&recipient, r, 2, a);
    assert_int_equal(find(a, n, JZ_IND_MEDICAL_SPIKE)->category, JZ_ALERT_A);
}

static void test_medical_window_and_share(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    /* The window is the 12 months before the date: 2024-06-01 is out,
     * 2024-06-02 in. */
    jz_feed_row r[1] = {row(JZ_EV_MEDICAL_SETTLEMENT, "2024-06-01", 3000000, 0)};
    assert_null(find(a, eval(&outsider, r, 1, a), JZ_IND_MEDICAL_SPIKE));
    r[0].date = D("2024-06-02");
    assert_non_null(find(a, eval(&outsider, r, 1, a), JZ_IND_MEDICAL_SPIKE));
    /* A future settlement does not count. */
    r[0].date = D("2025-06-02");
    assert_null(find(a, eval(&outsider, r, 1, a), JZ_IND_MEDICAL_SPIKE));
    /* Below the threshold but half the household's income: fires, exactly
     * at half; one fen under it does not. */
    jz_monitor_person who = registered;
    who.yearly_income = 1600000; /* 16000.00 */
    r[0] = row(JZ_EV_MEDICAL_SETTLEMENT, "2025-03-01", 800000, 0);
    assert_non_null(find(a, eval(&who, r, 1, a), JZ_IND_MEDICAL_SPIKE));
    r[0].amount = 799999;
    assert_null(find(a, eval(&who, r, 1, a), JZ_IND_MEDICAL_SPIKE));
}

static void test_deaths(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    jz_feed_row r[1] = {row(JZ_EV_DEATH, "2025-05-01", 0, 0)};
    /* The main earner of a registered, not enrolled household: B. */
    const jz_alert *x = find(a, eval(&registered, r, 1, a), JZ_IND_EARNER_DEATH);
    assert_non_null(x);
    assert_int_equal(x->category, JZ_ALERT_B);
    /* Not the main earner: nothing. */
    jz_monitor_person who = registered;
    who.main_earner = false;
    assert_int_equal(eval(&who, r, 1, a), 0);
    /* A recipient: D (R-DEATH-1). */
    x = find(a, eval(&recipient, r, 1, a), JZ_IND_RECIPIENT_DEATH);
    assert_non_null(x);
    assert_int_equal(x->category, JZ_ALERT_D);
    assert_int_equal(x->severity, 3);
}

static void test_no_longer_eligible_only_for_recipients(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    jz_feed_row r[5] = {row(JZ_EV_PROPERTY_REGISTERED, "2025-02-01", 0, 0),
                        row(JZ_EV_VEHICLE_REGISTERED, "2025-02-02", 0, 0),
                        row(JZ_EV_BUSINESS_REGISTERED, "2025-02-03", 0, 0),
                        row(JZ_EV_GOVERNMENT_PAYROLL, "2025-02-04", 500000, 0),
                        row(JZ_EV_IMPRISONED, "2025-02-05", 0, 0)};
    size_t n = eval(&recipient, r, 5, a);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(a[i].category, JZ_ALERT_D);
    assert_non_null(find(a, n, JZ_IND_PROPERTY));
    assert_non_null(find(a, n, JZ_IND_IMPRISONED));
    /* The same signals for someone not enrolled are nobody's concern here. */
    assert_int_equal(eval(&outsider, r, 5, a), 0);
}

static void test_difficulties(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    /* A grade-2 certificate is severe; grade 3 is not. */
    jz_feed_row r[1] = {row(JZ_EV_DISABILITY_ISSUED, "2025-04-01", 0, 2)};
    assert_non_null(find(a, eval(&outsider, r, 1, a), JZ_IND_SEVERE_DISABILITY));
    r[0].level = 3;
    assert_null(find(a, eval(&outsider, r, 1, a), JZ_IND_SEVERE_DISABILITY));
    /* Unemployment: B outside, A (employment assistance) for a recipient. */
    r[0] = row(JZ_EV_UNEMPLOYMENT_REGISTERED, "2025-04-01", 0, 0);
    assert_int_equal(find(a, eval(&outsider, r, 1, a), JZ_IND_UNSTABLE_INCOME)->category,
                     JZ_ALERT_B);
    assert_int_equal(find(a, eval(&recipient, r, 1, a), JZ_IND_UNSTABLE_INCOME)->category,
                     JZ_ALERT_A);
    /* A student entering school: A for a recipient (education assistance). */
    r[0] = row(JZ_EV_SCHOOL_ENROLMENT, "2024-09-01", 0, 0);
    assert_int_equal(find(a, eval(&recipient, r, 1, a), JZ_IND_SCHOOL_ENTRY)->category,
                     JZ_ALERT_A);
    assert_null(find(a, eval(&outsider, r, 1, a), JZ_IND_SCHOOL_ENTRY));
    /* Three difficulties at once: also C, for the county. */
    jz_feed_row three[3] = {row(JZ_EV_UNEMPLOYMENT_REGISTERED, "2025-02-01", 0, 0),
                            row(JZ_EV_DISASTER_RELIEF, "2025-03-01", 300000, 0),
                            row(JZ_EV_SERIOUS_ILLNESS, "2025-04-01", 0, 0)};
    size_t n = eval(&outsider, three, 3, a);
    const jz_alert *c = find(a, n, JZ_IND_COMPLEX);
    assert_non_null(c);
    assert_int_equal(c->category, JZ_ALERT_C);
    assert_int_equal(c->n_evidence, 3);
    assert_null(find(a, eval(&outsider, three, 2, a), JZ_IND_COMPLEX));
}

static void test_tekun_premium(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    jz_monitor_person who = recipient;
    who.tekun = true;
    /* No subsidy this year: A. */
    const jz_alert *x = find(a, eval(&who, NULL, 0, a), JZ_IND_NO_PREMIUM);
    assert_non_null(x);
    assert_int_equal(x->category, JZ_ALERT_A);
    /* Last year's does not count; this year's does. */
    jz_feed_row r[1] = {row(JZ_EV_PREMIUM_SUBSIDY, "2024-12-31", 38000, 0)};
    assert_non_null(find(a, eval(&who, r, 1, a), JZ_IND_NO_PREMIUM));
    r[0].date = D("2025-01-01");
    assert_null(find(a, eval(&who, r, 1, a), JZ_IND_NO_PREMIUM));
}

static void test_double_enrolment(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    jz_monitor_person who = recipient;
    who.tekun = true;
    jz_feed_row r[1] = {row(JZ_EV_PREMIUM_SUBSIDY, "2025-01-05", 38000, 0)};
    assert_null(find(a, eval(&who, r, 1, a), JZ_IND_DOUBLE));
    who.double_enrolled = true;
    const jz_alert *x = find(a, eval(&who, r, 1, a), JZ_IND_DOUBLE);
    assert_non_null(x);
    assert_int_equal(x->category, JZ_ALERT_D);
}


/* ---- issue 11 ----------------------------------------------------------------- */

static size_t eval_h(const jz_monitor_person *who, const jz_feed_row *rows, size_t n,
                     const jz_monitor_history *h, const char *on, jz_alert *out)
{
    return jz_monitor_person_eval(who, rows, n, &P, D(on), h, out);
}

#define BIT(k) (UINT32_C(1) << (k))

static void test_no_alert_twice_medical(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    jz_feed_row r[3] = {row(JZ_EV_MEDICAL_SETTLEMENT, "2024-08-01", 2500000, 0),
                        row(JZ_EV_MEDICAL_SETTLEMENT, "2025-03-01", 2100000, 0),
                        row(JZ_EV_MEDICAL_SETTLEMENT, "2025-09-10", 300000, 0)};
    uint32_t cov[3] = {0}, open_cov[3] = {0};
    jz_monitor_history h;
    memset(&h, 0, sizeof h);
    h.covered = cov;
    h.open_covered = open_cov;
    /* First run: both settlements, one alert. */
    size_t n = eval_h(&outsider, r, 2, &h, "2025-06-01", a);
    const jz_alert *x = find(a, n, JZ_IND_MEDICAL_SPIKE);
    assert_non_null(x);
    assert_int_equal(x->n_evidence, 2);
    assert_int_equal(x->extends, 0);
    /* Later, the first settlement has left the window; the second alone
     * passes the threshold, but the alert has it: nothing. */
    cov[0] = cov[1] = open_cov[0] = open_cov[1] = BIT(JZ_IND_MEDICAL_SPIKE);
    h.open[JZ_IND_MEDICAL_SPIKE] = 7;
    h.open_category[JZ_IND_MEDICAL_SPIKE] = JZ_ALERT_B;
    h.raised = BIT(JZ_IND_MEDICAL_SPIKE);
    assert_int_equal(eval_h(&outsider, r, 2, &h, "2025-09-01", a), 0);
    /* A new settlement while it is open: added to alert 7. */
    n = eval_h(&outsider, r, 3, &h, "2025-10-01", a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].extends, 7);
    assert_int_equal(a[0].n_evidence, 1);
    assert_int_equal(a[0].evidence[0], 2);
    assert_int_equal(a[0].amount, 300000);
    /* Resolved: the new settlement must reach the threshold on its own. */
    h.open[JZ_IND_MEDICAL_SPIKE] = 0;
    open_cov[0] = open_cov[1] = 0;
    assert_int_equal(eval_h(&outsider, r, 3, &h, "2025-10-01", a), 0);
    r[2].amount = 2000000;
    n = eval_h(&outsider, r, 3, &h, "2025-10-01", a);
    x = find(a, n, JZ_IND_MEDICAL_SPIKE);
    assert_non_null(x);
    assert_int_equal(x->extends, 0);
    assert_int_equal(x->n_evidence, 1);
    assert_int_equal(x->amount, 2000000);
}

static void test_no_alert_twice_events_and_complex(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    jz_feed_row r[4] = {row(JZ_EV_UNEMPLOYMENT_REGISTERED, "2025-02-01", 0, 0),
                        row(JZ_EV_DISASTER_RELIEF, "2025-03-01", 300000, 0),
                        row(JZ_EV_SERIOUS_ILLNESS, "2025-04-01", 0, 0),
                        row(JZ_EV_UNEMPLOYMENT_REGISTERED, "2025-05-01", 0, 0)};
    uint32_t cov[4] = {0}, open_cov[4] = {0};
    jz_monitor_history h;
    memset(&h, 0, sizeof h);
    h.covered = cov;
    h.open_covered = open_cov;
    size_t n = eval_h(&outsider, r, 3, &h, "2025-06-01", a);
    assert_int_equal(n, 4); /* three B and the C */
    /* Every row covered by its B alert (open) and the C (open): nothing. */
    jz_indicator inds[3] = {JZ_IND_UNSTABLE_INCOME, JZ_IND_DISASTER_LOSS,
                            JZ_IND_SERIOUS_ILLNESS};
    for (int i = 0; i < 3; i++) {
        cov[i] = open_cov[i] = BIT(inds[i]) | BIT(JZ_IND_COMPLEX);
        h.open[inds[i]] = 10 + i;
        h.open_category[inds[i]] = JZ_ALERT_B;
        h.raised |= BIT(inds[i]);
    }
    h.open[JZ_IND_COMPLEX] = 20;
    h.open_category[JZ_IND_COMPLEX] = JZ_ALERT_C;
    h.raised |= BIT(JZ_IND_COMPLEX);
    assert_int_equal(eval_h(&outsider, r, 3, &h, "2025-07-01", a), 0);
    /* A second unemployment registration: added to the open B (10) and the
     * open C (20). */
    n = eval_h(&outsider, r, 4, &h, "2025-07-01", a);
    assert_int_equal(n, 2);
    assert_int_equal(find(a, n, JZ_IND_UNSTABLE_INCOME)->extends, 10);
    assert_int_equal(find(a, n, JZ_IND_COMPLEX)->extends, 20);
    assert_int_equal(find(a, n, JZ_IND_COMPLEX)->n_evidence, 1);
    /* All resolved: the new row alone is one difficulty, not three. */
    memset(h.open, 0, sizeof h.open);
    memset(open_cov, 0, sizeof open_cov);
    n = eval_h(&outsider, r, 4, &h, "2025-07-01", a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].indicator, JZ_IND_UNSTABLE_INCOME);
    assert_int_equal(a[0].extends, 0);
}

static void test_deaths_issue_11(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    P.death_check_months = 3;
    jz_feed_row r[2] = {row(JZ_EV_DEATH, "2025-04-15", 0, 0), row(JZ_EV_FUNERAL, "2025-04-15", 0, 0)};
    /* A one-person household's earner: nobody's income drops. */
    jz_monitor_person who = registered;
    who.others_living = false;
    assert_int_equal(eval(&who, r, 1, a), 0);
    /* A 低保 recipient: D, dated from the death (R-DEATH-1); 公安's and
     * 殡葬's rows are one death. */
    size_t n = eval(&recipient, r, 2, a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].indicator, JZ_IND_RECIPIENT_DEATH);
    assert_int_equal(a[0].category, JZ_ALERT_D);
    assert_int_equal(a[0].due_from, D("2025-04-15"));
    assert_int_equal(a[0].n_evidence, 2);
    /* A 低保边缘 household (enrolled, not 低保): no R-DEATH-1; its main
     * earner's death with others left is an income drop (B). */
    who = registered;
    who.enrolled = true;
    n = eval(&who, r, 1, a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].indicator, JZ_IND_EARNER_DEATH);
    assert_int_equal(a[0].category, JZ_ALERT_B);
    who.main_earner = false;
    assert_int_equal(eval(&who, r, 1, a), 0);
    /* A 特困 person: D with the ordinary deadline. */
    who = recipient;
    who.tekun = true;
    who.dibao = false;
    jz_feed_row sub[2] = {r[0], row(JZ_EV_PREMIUM_SUBSIDY, "2025-01-05", 38000, 0)};
    n = eval(&who, sub, 2, a);
    const jz_alert *x = find(a, n, JZ_IND_RECIPIENT_DEATH);
    assert_non_null(x);
    assert_int_equal(x->category, JZ_ALERT_D);
    assert_int_equal(x->due_from, JZ_DATE_NONE);
    /* The funeral record after a resolved death alert: nothing; while it is
     * open: added to it. */
    uint32_t cov[2] = {BIT(JZ_IND_RECIPIENT_DEATH), 0}, open_cov[2] = {0};
    jz_monitor_history h;
    memset(&h, 0, sizeof h);
    h.covered = cov;
    h.open_covered = open_cov;
    h.raised = BIT(JZ_IND_RECIPIENT_DEATH);
    assert_int_equal(eval_h(&recipient, r, 2, &h, "2025-06-01", a), 0);
    h.open[JZ_IND_RECIPIENT_DEATH] = 5;
    h.open_category[JZ_IND_RECIPIENT_DEATH] = JZ_ALERT_D;
    n = eval_h(&recipient, r, 2, &h, "2025-06-01", a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].extends, 5);
    assert_int_equal(a[0].evidence[0], 1);
}

static void test_new_departments(void **state)
{
    (void)state;
    jz_alert a[JZ_MONITOR_ALERTS_MAX];
    P.mon_housing_fund_threshold = 30000;
    P.mon_pension_threshold = 300000;
    P.mon_pension_contribution_threshold = 300000;
    /* Over the thresholds (strictly), for a recipient: D; at them: nothing. */
    jz_feed_row r[3] = {row(JZ_EV_HOUSING_FUND, "2025-03-01", 30001, 0),
                        row(JZ_EV_PENSION, "2025-03-01", 300001, 0),
                        row(JZ_EV_PENSION_CONTRIBUTION, "2025-03-01", 300001, 0)};
    size_t n = eval(&recipient, r, 3, a);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(a[i].category, JZ_ALERT_D);
    r[0].amount = 30000;
    r[1].amount = 300000;
    r[2].amount = 300000;
    assert_int_equal(eval(&recipient, r, 3, a), 0);
    assert_int_equal(eval(&outsider, r, 3, a), 0);
    /* A marriage or a divorce of a recipient: D. */
    jz_feed_row m[1] = {row(JZ_EV_DIVORCE, "2025-03-01", 0, 0)};
    assert_int_equal(find(a, eval(&recipient, m, 1, a), JZ_IND_MARITAL_CHANGE)->category,
                     JZ_ALERT_D);
    assert_int_equal(eval(&outsider, m, 1, a), 0);
    /* 工会 and 退役军人 records of someone not enrolled: B, to 民政. */
    jz_feed_row u[2] = {row(JZ_EV_UNION_HARDSHIP, "2025-03-01", 0, 0),
                        row(JZ_EV_VETERAN_HARDSHIP, "2025-03-02", 0, 0)};
    n = eval(&outsider, u, 2, a);
    assert_int_equal(n, 2);
    assert_int_equal(find(a, n, JZ_IND_UNION_HARDSHIP)->category, JZ_ALERT_B);
    assert_int_equal(find(a, n, JZ_IND_VETERAN_HARDSHIP)->dept, JZ_DEPT_CIVIL);
    assert_int_equal(eval(&recipient, u, 2, a), 0);
    /* A traffic accident: B outside, A for a recipient; killed: high. */
    jz_feed_row t[1] = {row(JZ_EV_TRAFFIC_ACCIDENT, "2025-03-01", 0, 0)};
    snprintf(t[0].code, sizeof t[0].code, "killed");
    const jz_alert *x = find(a, eval(&outsider, t, 1, a), JZ_IND_TRAFFIC_ACCIDENT);
    assert_int_equal(x->category, JZ_ALERT_B);
    assert_int_equal(x->severity, 3);
    assert_int_equal(find(a, eval(&recipient, t, 1, a), JZ_IND_TRAFFIC_ACCIDENT)->category,
                     JZ_ALERT_A);
    /* Deposits over the limit, on the holder of the largest balance. */
    jz_feed_row b[1] = {row(JZ_EV_BANK_DEPOSIT, "2025-03-31", 5000000, 0)};
    jz_monitor_person who = recipient;
    who.deposit_limit = 4999999;
    who.household_deposits = 5000000;
    who.deposit_holder = true;
    x = find(a, eval(&who, b, 1, a), JZ_IND_DEPOSITS);
    assert_non_null(x);
    assert_int_equal(x->category, JZ_ALERT_D);
    who.deposit_limit = 5000000; /* at the limit: within it */
    assert_null(find(a, eval(&who, b, 1, a), JZ_IND_DEPOSITS));
    who.deposit_limit = 4999999;
    who.deposit_holder = false; /* another member's alert */
    assert_null(find(a, eval(&who, b, 1, a), JZ_IND_DEPOSITS));
}

static void test_step_names(void **state)
{
    (void)state;
    assert_string_equal(jz_alert_action_zh("verify"), "核实");
    assert_string_equal(jz_alert_action_zh("resolve"), "办结");
    assert_string_equal(jz_alert_action_zh("evidence"), "追加依据");
    assert_string_equal(jz_alert_outcome_zh("terminated"), "已终止救助");
    assert_string_equal(jz_alert_outcome_zh("other"), "other");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_medical_threshold),
        cmocka_unit_test(test_medical_window_and_share),
        cmocka_unit_test(test_deaths),
        cmocka_unit_test(test_no_longer_eligible_only_for_recipients),
        cmocka_unit_test(test_difficulties),
        cmocka_unit_test(test_tekun_premium),
        cmocka_unit_test(test_double_enrolment),
        cmocka_unit_test(test_no_alert_twice_medical),
        cmocka_unit_test(test_no_alert_twice_events_and_complex),
        cmocka_unit_test(test_deaths_issue_11),
        cmocka_unit_test(test_new_departments),
        cmocka_unit_test(test_step_names),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
