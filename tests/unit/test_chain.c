/*
 * test_chain.c - 一户（人）一条救助链 (R-MON-5, jz_chain_build): a
 * household's chain from its record, its case step by step, the decision,
 * the enrolment from its first month to its stop and what is to be
 * recovered, an alert and its handling, and its members' department rows,
 * in date order with the order found kept within a day; a member's ID gets
 * his household's chain; a person outside the registry gets his own rows;
 * an unknown household is named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jiuzhu/jz_alert.h"
#include "jiuzhu/jz_chain.h"
#include "proc_fixture.h"

#define OUTSIDER "140902199001010010"

static void feed_rows(void)
{
    jz_error err;
    jz_error_clear(&err);
    int64_t feed;
    jz_feed_counts n = {0};
    jz_feed_row rows[] = {
        {.dept = JZ_DEPT_MEDICAL,
         .event = JZ_EV_MEDICAL_SETTLEMENT,
         .id = "140902198005060264",
         .name = "刘秀英",
         .date = fx_day(4, 2),
         .amount = 800000},
        {.dept = JZ_DEPT_MEDICAL,
         .event = JZ_EV_MEDICAL_SETTLEMENT,
         .id = OUTSIDER,
         .name = "外来人员",
         .date = fx_day(4, 3),
         .amount = 150000},
    };
    assert_int_equal(jz_store_begin(fx.store, &err), JZ_OK);
    assert_int_equal(jz_store_feed_begin(fx.store, JZ_DEPT_MEDICAL, "medical.csv", &feed, &err),
                     JZ_OK);
    for (size_t i = 0; i < 2; i++) {
        bool added, matched;
        assert_int_equal(jz_store_feed_put(fx.store, feed, &rows[i], &added, &matched, &err),
                         JZ_OK);
        n.rows++;
        n.added += added;
        n.matched += matched;
    }
    assert_int_equal(jz_store_feed_end(fx.store, feed, &n, &err), JZ_OK);
    assert_int_equal(jz_store_commit(fx.store, &err), JZ_OK);
}

static int64_t raise_alert(void)
{
    jz_error err;
    jz_error_clear(&err);
    jz_stored_alert a = {.category = 0,
                         .indicator = 0,
                         .dept = JZ_DEPT_MEDICAL,
                         .id_number = "140902198005060264",
                         .name = "刘秀英",
                         .household_id = "H140902-000101",
                         .amount = 800000,
                         .detail = "医疗费用较高",
                         .evidence = "[]",
                         .raised_on = fx_day(4, 5),
                         .due_on = fx_day(4, 20)};
    strcpy(a.county, "140902");
    strcpy(a.region, "140902101201");
    bool added = false;
    assert_int_equal(jz_store_begin(fx.store, &err), JZ_OK);
    assert_int_equal(jz_store_alert_put(fx.store, &a, NULL, 0, &added, &err), JZ_OK);
    assert_int_equal(jz_store_commit(fx.store, &err), JZ_OK);
    assert_true(added);
    jz_alert_req rq = {.action = JZ_ALERT_ACT_ASSIGN,
                       .on = fx_day(4, 7),
                       .assignee = "李协理员",
                       .dept = -1,
                       .expect_status = -1};
    jz_alert_res res;
    assert_int_equal(jz_alert_handle(&fx, a.id, &rq, &res, &err), JZ_OK);
    return a.id;
}

static int64_t alert_id;

static int setup(void **state)
{
    if (fx_setup(state))
        return -1;
    fx_case_to_publish();
    feed_rows();
    alert_id = raise_alert();
    /* The enrolment stopped for fraud in May, paid unduly since March. */
    jz_enrol_req stop = {.id = 1,
                         .on = fx_day(5, 12),
                         .note = "隐瞒收入",
                         .reason = JZ_STOP_FRAUD,
                         .fraud_from = fx_day(3, 1)};
    jz_enrol_res r;
    jz_error err;
    jz_error_clear(&err);
    if (jz_proc_enrol_stop(&fx, &stop, &r, &err)) {
        fx_fail("stop", &err);
        return -1;
    }
    return 0;
}

static size_t count_kind(const jz_chain *c, jz_chain_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->events[i].kind == k;
    return n;
}

static const jz_chain_event *first_of(const jz_chain *c, jz_chain_kind k)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->events[i].kind == k)
            return &c->events[i];
    return NULL;
}

static void household_chain(void **state)
{
    (void)state;
    jz_chain c;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_chain_build(&fx, "H140902-000101", &c, &err), JZ_OK);
    assert_string_equal(c.household_id, "H140902-000101");
    assert_string_equal(c.person, "");
    for (size_t i = 1; i < c.n; i++)
        assert_true(c.events[i - 1].on <= c.events[i].on);
    assert_int_equal(count_kind(&c, JZ_CHAIN_CASE_STEP), 8);
    const jz_chain_event *e = &c.events[0];
    assert_int_equal(e->kind, JZ_CHAIN_CASE_STEP);
    assert_int_equal(e->on, fx_day(1, 20));
    assert_int_equal(e->case_id, 1);
    assert_string_equal(e->text, "申请 案件 1：受理（经办：测试员） 申请低保");
    /* The decision follows its step on the same day. */
    for (size_t i = 0; i < c.n; i++)
        if (c.events[i].kind == JZ_CHAIN_DECISION) {
            assert_int_equal(c.events[i].on, fx_day(2, 17));
            assert_int_equal(c.events[i - 1].kind, JZ_CHAIN_CASE_STEP);
            assert_non_null(strstr(c.events[i - 1].text, "作出决定"));
            assert_string_equal(c.events[i].text, "决定：批准，每月 962.00 元");
            assert_int_equal(c.events[i].amount, 96200);
        }
    e = first_of(&c, JZ_CHAIN_ENROL_START);
    assert_non_null(e);
    assert_int_equal(e->on, fx_day(3, 1));
    assert_int_equal(e->enrolment_id, 1);
    assert_int_equal(e->amount, 96200);
    assert_string_equal(e->text, "开始享受 最低生活保障（全户，3 人）每月 962.00 元（救助 1）");
    e = first_of(&c, JZ_CHAIN_ENROL_END);
    assert_non_null(e);
    assert_int_equal(e->on, fx_day(5, 1));
    assert_string_equal(e->text, "最低生活保障（全户）发放至 2025-05：骗取救助");
    e = first_of(&c, JZ_CHAIN_RECOVERY);
    assert_non_null(e);
    assert_int_equal(e->amount, 3 * 96200);
    e = first_of(&c, JZ_CHAIN_FEED);
    assert_non_null(e);
    assert_int_equal(e->on, fx_day(4, 2));
    assert_string_equal(e->person, "140902198005060264");
    assert_int_equal(e->amount, 800000);
    assert_string_equal(e->text, "医保：刘秀英 医疗费用结算 8000.00");
    e = first_of(&c, JZ_CHAIN_ALERT);
    assert_non_null(e);
    assert_int_equal(e->alert_id, alert_id);
    assert_int_equal(e->on, fx_day(4, 5));
    e = first_of(&c, JZ_CHAIN_ALERT_STEP);
    assert_non_null(e);
    assert_int_equal(e->on, fx_day(4, 7));
    assert_non_null(strstr(e->text, "分派"));
    /* The outsider's row is not the household's. */
    for (size_t i = 0; i < c.n; i++)
        assert_null(strstr(c.events[i].text, "外来人员"));
    jz_chain_cleanup(&c);
    jz_chain_cleanup(&c);
}

static void member_gets_the_household(void **state)
{
    (void)state;
    jz_chain a, b;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_chain_build(&fx, "140902198005060264", &a, &err), JZ_OK);
    assert_int_equal(jz_chain_build(&fx, "H140902-000101", &b, &err), JZ_OK);
    assert_string_equal(a.household_id, "H140902-000101");
    assert_string_equal(a.person, "140902198005060264");
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        assert_string_equal(a.events[i].text, b.events[i].text);
    jz_chain_cleanup(&a);
    jz_chain_cleanup(&b);
}

static void outsider(void **state)
{
    (void)state;
    jz_chain c;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_chain_build(&fx, OUTSIDER, &c, &err), JZ_OK);
    assert_string_equal(c.household_id, "");
    assert_string_equal(c.person, OUTSIDER);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.events[0].kind, JZ_CHAIN_FEED);
    assert_string_equal(c.events[0].text, "医保：外来人员 医疗费用结算 1500.00");
    jz_chain_cleanup(&c);
}

static void record_current(void **state)
{
    (void)state;
    char path[4096];
    jz_error err;
    jz_error_clear(&err);
    jz_import_stats st;
    jz_parse_opts po = {.regions = fx.regions, .default_date = fx_day(1, 2)};
    snprintf(path, sizeof path, "%s/examples/05-gradual-exit.json", fx_root());
    assert_int_equal(
        jz_import_json(fx.store, path, &po, NULL, 1, JZ_IMPORT_BATCH, NULL, NULL, &st, &err),
        JZ_OK);
    jz_household_buf *buf = malloc(sizeof *buf);
    jz_household h;
    char *text = NULL;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    text = calloc(1, 65536);
    size_t n = fread(text, 1, 65535, f);
    fclose(f);
    assert_int_equal(jz_household_parse(text, n, &po, &h, buf, &err), JZ_OK);
    jz_chain c;
    assert_int_equal(jz_chain_build(&fx, h.household_id, &c, &err), JZ_OK);
    assert_true(c.n >= 1);
    assert_int_equal(c.events[0].kind, JZ_CHAIN_RECORD);
    assert_int_equal(c.events[0].on, h.current_since);
    assert_int_equal(c.events[0].amount, h.current_amount);
    assert_non_null(strstr(c.events[0].text, "（户记录）正在享受低保，每月 "));
    jz_chain_cleanup(&c);
    free(text);
    free(buf);
}

static void unknown(void **state)
{
    (void)state;
    jz_chain c;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_chain_build(&fx, "H-NONE", &c, &err), JZ_ENOTFOUND);
    assert_non_null(strstr(err.value, "H-NONE"));
    assert_null(c.events);
    /* A valid ID number nobody knows: an empty chain, not an error. */
    assert_int_equal(jz_chain_build(&fx, "110101199003070011", &c, &err), JZ_OK);
    assert_int_equal(c.n, 0);
    jz_chain_cleanup(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(household_chain), cmocka_unit_test(member_gets_the_household),
        cmocka_unit_test(outsider),        cmocka_unit_test(record_current),
        cmocka_unit_test(unknown),
    };
    return cmocka_run_group_tests(tests, setup, fx_teardown);
}
