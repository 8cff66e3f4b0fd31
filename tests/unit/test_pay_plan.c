/*
 * test_pay_plan.c - the ledger (jz_pay_plan, R-PAY-1): a unit's regular
 * line once per period whatever is re-run, also by two planners at once;
 * 特困 quarterly in the quarter's first month; a change after planning as
 * adjustment lines in a later period (补发), lines found not owed before
 * their money left withdrawn, money paid beyond what turns out to be owed
 * as a recovery (R-PAY-4); a 特困 person still counted in
 * his household's 低保 refused (R-TK-5); lines held while there is no
 * payee; a household that moved county paid the difference of the months
 * its old county paid.  The household is example 01 (王建国's family of three), approved
 * for 低保 at 962.00 a month from 2025-03 (proc_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_store_pay.h"
#include "proc_fixture.h"

static jz_enrolment dibao; /* the household's 低保 unit */

static int setup(void **state)
{
    if (fx_setup(state))
        return -1;
    fx_case_to_publish();
    jz_enrolment_list l;
    jz_error err;
    if (jz_proc_enrol_list(&fx, "", "H140902-000101", &l, &err) != JZ_OK || l.n != 1)
        return -1;
    dibao = l.rows[0];
    jz_enrolment_list_cleanup(&l);
    return 0;
}

static jz_pay_plan_res plan(const char *period)
{
    jz_pay_plan_req rq = {period, ""};
    jz_pay_plan_res r;
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_pay_plan(&fx, &rq, &r, &err);
    if (rc)
        fx_fail(period, &err);
    assert_int_equal(rc, JZ_OK);
    return r;
}

typedef struct found {
    jz_pay_line l[64];
    size_t n;
} found;

static void keep(const jz_pay_line *l, void *arg)
{
    found *f = arg;
    if (f->n < 64)
        f->l[f->n++] = *l;
}

static found lines(void)
{
    found f = {.n = 0};
    jz_error err;
    assert_int_equal(jz_store_pay_lines_of_household(fx.store, "H140902-000101", keep, &f, &err),
                     JZ_OK);
    return f;
}

/* Runs fn in a transaction. */
static void in_tx(jz_err (*fn)(jz_store *s, void *arg, jz_error *err), void *arg)
{
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_store_run(fx.store, fn, arg, &err);
    if (rc)
        fx_fail("transaction", &err);
    assert_int_equal(rc, JZ_OK);
}

typedef struct term {
    jz_enrolment e;
    const char *since;
} term;

static jz_err put_term(jz_store *s, void *arg, jz_error *err)
{
    term *t = arg;
    return jz_store_enrol_term(s, &t->e, t->since, err);
}

static jz_err put_enrol(jz_store *s, void *arg, jz_error *err)
{
    return jz_store_enrol_put(s, arg, "enrolment.update", "测试", err);
}

static void regular_once(void **state)
{
    (void)state;
    assert_string_equal(dibao.first_month, "2025-03");
    assert_int_equal(dibao.monthly, 96200);
    /* Before the first month: nothing. */
    jz_pay_plan_res r = plan("2025-02");
    assert_int_equal(r.lines_added, 0);
    r = plan("2025-03");
    assert_int_equal(r.lines_added, 1);
    assert_int_equal(r.total_added, 96200);
    assert_int_equal(r.held, 1); /* no payee yet */
    r = plan("2025-03");
    assert_int_equal(r.lines_added, 0);
    assert_int_equal(r.already, 1);
    r = plan("2025-04");
    assert_int_equal(r.lines_added, 1);
    found f = lines();
    assert_int_equal(f.n, 2);
    assert_string_equal(f.l[0].period, "2025-03");
    assert_string_equal(f.l[1].period, "2025-04");
    assert_int_equal(f.l[0].kind, JZ_PAY_REGULAR);
    assert_int_equal(f.l[0].status, JZ_PL_HELD);
    assert_string_equal(f.l[0].reason, "未登记收款账户");
    assert_int_equal(f.l[0].persons, 3);
    assert_string_equal(f.l[0].programme, "dibao");
    /* Bad periods and regions are refused with the field named. */
    jz_pay_plan_req bad = {"2025-13", ""};
    jz_error err;
    assert_int_equal(jz_pay_plan(&fx, &bad, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "period");
    bad = (jz_pay_plan_req){"2025-05", "140902101"};
    assert_int_equal(jz_pay_plan(&fx, &bad, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "region");
}

/* A raise from March, recorded after March and April were planned: the
 * difference of both is paid with May (补发). */
static void raise_adjusts(void **state)
{
    (void)state;
    term t = {dibao, "2025-03"};
    t.e.monthly = 100000;
    in_tx(put_term, &t);
    jz_pay_plan_res r = plan("2025-05");
    assert_int_equal(r.lines_added, 1);
    assert_int_equal(r.adjustments_added, 2);
    assert_int_equal(r.total_added, 100000 + 2 * 3800);
    found f = lines();
    assert_int_equal(f.n, 5);
    int adj = 0;
    for (size_t i = 0; i < f.n; i++)
        if (f.l[i].kind == JZ_PAY_ADJUST) {
            adj++;
            assert_string_equal(f.l[i].period, "2025-05");
            assert_int_equal(f.l[i].amount, 3800);
        }
    assert_int_equal(adj, 2);
    /* Again: nothing more. */
    r = plan("2025-05");
    assert_int_equal(r.lines_added + r.adjustments_added, 0);
}

typedef struct recs {
    jz_recovery r[4];
    size_t n;
} recs;

static void keep_recovery(const jz_recovery *r, void *arg)
{
    recs *v = arg;
    if (v->n < 4)
        v->r[v->n++] = *r;
}

static jz_err set_line(jz_store *s, void *arg, jz_error *err)
{
    jz_pay_line *l = arg;
    return jz_store_pay_line_set(s, l, JZ_PL_HELD, err);
}

/* Stopped with March as the last month owed, recorded after May was
 * planned.  April's line had reached the family (the bank credited it)
 * but its raise of 38.00 had not left: the raise is withdrawn and the
 * 962.00 paid is recovered.  May's line had not left either: withdrawn,
 * never paid, nothing to recover.  June owes nothing. */
static void stop_recovers(void **state)
{
    (void)state;
    found f = lines();
    for (size_t i = 0; i < f.n; i++)
        if (f.l[i].kind == JZ_PAY_REGULAR && strcmp(f.l[i].period, "2025-04") == 0) {
            f.l[i].status = JZ_PL_PAID;
            snprintf(f.l[i].result, sizeof f.l[i].result, "0000");
            in_tx(set_line, &f.l[i]);
        }
    jz_enrolment e = dibao;
    e.monthly = 100000;
    e.status = JZ_ENROL_STOPPED;
    snprintf(e.end_month, sizeof e.end_month, "2025-03");
    snprintf(e.stop_reason, sizeof e.stop_reason, "家庭成员均已死亡");
    in_tx(put_enrol, &e);
    jz_pay_plan_res r = plan("2025-06");
    assert_int_equal(r.lines_added, 0);
    assert_int_equal(r.adjustments_added, 1);
    assert_int_equal(r.recoveries_opened, 1);
    assert_int_equal(r.withdrawn, 2);
    assert_int_equal(r.withdrawn_total, 3800 + 100000);
    f = lines();
    const jz_pay_line *neg = &f.l[f.n - 1];
    assert_int_equal(neg->amount, -96200);
    assert_string_equal(neg->ref_period, "2025-04");
    assert_int_equal(neg->status, JZ_PL_HELD);
    int withdrawn = 0;
    for (size_t i = 0; i < f.n; i++) {
        const jz_pay_line *l = &f.l[i];
        if (l->status != JZ_PL_WITHDRAWN)
            continue;
        withdrawn++;
        assert_true((l->kind == JZ_PAY_ADJUST && strcmp(l->ref_period, "2025-04") == 0 &&
                     l->amount == 3800) ||
                    (l->kind == JZ_PAY_REGULAR && strcmp(l->period, "2025-05") == 0));
        assert_non_null(strstr(l->reason, "撤回不发"));
    }
    assert_int_equal(withdrawn, 2);
    recs rs = {.n = 0};
    jz_error err;
    assert_int_equal(jz_store_recoveries(fx.store, "H140902-000101", keep_recovery, &rs, &err),
                     JZ_OK);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.r[0].amount, 96200);
    assert_int_equal(rs.r[0].balance, 96200);
    assert_string_equal(rs.r[0].from_period, "2025-04");
    assert_string_equal(rs.r[0].rule, "R-PAY-4");
    assert_non_null(strstr(rs.r[0].reason, "家庭成员均已死亡"));
    /* Planning again opens nothing more and withdraws nothing more. */
    r = plan("2025-06");
    assert_int_equal(r.adjustments_added + r.recoveries_opened + r.withdrawn, 0);
}

/* A household's 低保 unit and a member's 特困 unit, put directly. */
static jz_enrolment unit(const char *hid, const char *region, const char *member, int programme,
                         int persons, jz_fen monthly, const char *first)
{
    jz_enrolment e;
    memset(&e, 0, sizeof e);
    snprintf(e.county, sizeof e.county, "%.6s", region);
    snprintf(e.region, sizeof e.region, "%s", region);
    snprintf(e.household_id, sizeof e.household_id, "%s", hid);
    e.member = member ? 0 : -1;
    snprintf(e.member_id, sizeof e.member_id, "%s", member ? member : "");
    snprintf(e.label, sizeof e.label, "%s", member ? "李福贵" : "全户");
    e.programme = (uint8_t)programme;
    e.persons = persons;
    e.monthly = monthly;
    snprintf(e.first_month, sizeof e.first_month, "%s", first);
    e.status = JZ_ENROL_ACTIVE;
    e.death_check_due = JZ_DATE_NONE;
    return e;
}

static jz_err create_enrol(jz_store *s, void *arg, jz_error *err)
{
    return jz_store_enrol_put(s, arg, "enrolment.create", "测试", err);
}

static size_t count_lines(const char *hid, const char *member, jz_fen *sum)
{
    found f = {.n = 0};
    jz_error err;
    assert_int_equal(jz_store_pay_lines_of_household(fx.store, hid, keep, &f, &err), JZ_OK);
    size_t n = 0;
    *sum = 0;
    for (size_t i = 0; i < f.n; i++)
        if (strcmp(f.l[i].member_id, member) == 0 && f.l[i].status != JZ_PL_WITHDRAWN) {
            n++;
            *sum += f.l[i].amount;
        }
    return n;
}

/* 特困 is planned in the quarter's first month for the quarter; a unit
 * that starts within a quarter is paid that quarter's months at once.  A
 * 特困 person still counted in the household's 低保 is not paid (R-TK-5). */
static void tekun_quarterly(void **state)
{
    (void)state;
    const char *hid = "H140902-000303", *li = "140902196808080315";
    jz_enrolment hh = unit(hid, "140902001002", NULL, JZ_UNIT_DIBAO, 3, 150000, "2025-05");
    jz_enrolment tk = unit(hid, "140902001002", li, JZ_UNIT_TEKUN, 1, 80000, "2025-05");
    in_tx(create_enrol, &hh);
    in_tx(create_enrol, &tk);
    jz_pay_plan_res r = plan("2025-07");
    assert_int_equal(r.n_refusals, 1);
    assert_string_equal(r.refusals[0].rule, "R-TK-5");
    assert_string_equal(r.refusals[0].member_id, li);
    assert_non_null(strstr(r.refusals[0].reason, "家庭低保按 3 人保障"));
    jz_pay_plan_res_cleanup(&r);
    jz_fen sum;
    assert_int_equal(count_lines(hid, li, &sum), 0);
    /* The household's unit is corrected to the two others, from May. */
    hh.persons = 2;
    hh.monthly = 100000;
    in_tx(put_enrol, &hh);
    term t = {hh, "2025-05"};
    in_tx(put_term, &t);
    r = plan("2025-07");
    assert_int_equal(r.n_refusals, 0);
    /* 特困: Q3 (July to September), and Q2's May and June at once. */
    found f = {.n = 0};
    jz_error err;
    assert_int_equal(jz_store_pay_lines_of_household(fx.store, hid, keep, &f, &err), JZ_OK);
    bool q3 = false, q2 = false;
    for (size_t i = 0; i < f.n; i++) {
        if (strcmp(f.l[i].member_id, li) != 0)
            continue;
        q3 |= f.l[i].kind == JZ_PAY_REGULAR && strcmp(f.l[i].period, "2025-Q3") == 0;
        q2 |= f.l[i].kind == JZ_PAY_ADJUST && strcmp(f.l[i].ref_period, "2025-Q2") == 0;
        assert_string_equal(f.l[i].reason, "未登记本人或供养服务机构的收款账户");
    }
    assert_true(q3 && q2);
    /* 低保: May, June and July were planned at 1,500 for three (the first
     * run) and held (no account): none of it left.  Corrected to 1,000
     * for two from May, the three lines are withdrawn and each month is
     * paid at 1,000 by an adjustment; nothing is recovered. */
    assert_int_equal(r.withdrawn, 3);
    assert_int_equal(r.withdrawn_total, 3 * 150000);
    assert_int_equal(r.recoveries_opened, 0);
    assert_int_equal(count_lines(hid, "", &sum), 3);
    assert_int_equal(sum, 3 * 100000);
    r = plan("2025-08");
    assert_int_equal(r.recoveries_opened + r.withdrawn, 0);
    assert_int_equal(count_lines(hid, li, &sum), 2); /* no 特困 line in August */
    assert_int_equal(count_lines(hid, "", &sum), 4); /* and August's */
    assert_int_equal(sum, 4 * 100000);
    r = plan("2025-08");
    assert_int_equal(r.lines_added + r.adjustments_added + r.recoveries_opened, 0);
}

static jz_err add_line(jz_store *s, void *arg, jz_error *err)
{
    bool added = false;
    jz_err rc = jz_store_pay_line_add(s, arg, &added, err);
    return rc ? rc : added ? JZ_OK : jz_error_set(err, JZ_ECONFLICT, NULL, NULL, "not added");
}

/* Money the bank sent back is not money paid: a refused line, and a
 * refused line whose follow-up has not left, found not owed, are withdrawn
 * (the follow-up with it), and nothing is recovered. */
static void refused_withdrawn(void **state)
{
    (void)state;
    const char *hid = "H140902-000606";
    jz_enrolment e = unit(hid, "140902001004", NULL, JZ_UNIT_DIBAO, 1, 50000, "2025-09");
    in_tx(create_enrol, &e);
    jz_pay_plan_res r = plan("2025-10"); /* October's line, September's back pay */
    jz_pay_plan_res_cleanup(&r);
    found f = {.n = 0};
    jz_error err;
    assert_int_equal(jz_store_pay_lines_of_household(fx.store, hid, keep, &f, &err), JZ_OK);
    assert_int_equal(f.n, 2);
    for (size_t i = 0; i < f.n; i++) {
        jz_pay_line *l = &f.l[i];
        snprintf(l->result, sizeof l->result, "E102");
        if (l->kind == JZ_PAY_REGULAR) {
            l->status = JZ_PL_REFUSED; /* 退票, not yet followed up */
            in_tx(set_line, l);
            continue;
        }
        l->status = JZ_PL_SUPERSEDED; /* 退票, followed up by a line not yet sent */
        in_tx(set_line, l);
        jz_pay_line fu = *l;
        fu.id = 0;
        fu.kind = JZ_PAY_FOLLOWUP;
        fu.refers_to = l->id;
        fu.status = JZ_PL_PLANNED;
        fu.result[0] = '\0';
        in_tx(add_line, &fu);
    }
    /* Stopped with August as its last month: nothing was ever owed. */
    e.status = JZ_ENROL_STOPPED;
    snprintf(e.end_month, sizeof e.end_month, "2025-08");
    snprintf(e.stop_reason, sizeof e.stop_reason, "不再符合条件");
    in_tx(put_enrol, &e);
    r = plan("2025-11");
    assert_int_equal(r.withdrawn, 2);
    assert_int_equal(r.withdrawn_total, 2 * 50000);
    assert_int_equal(r.recoveries_opened + r.adjustments_added, 0);
    jz_pay_plan_res_cleanup(&r);
    f.n = 0;
    assert_int_equal(jz_store_pay_lines_of_household(fx.store, hid, keep, &f, &err), JZ_OK);
    assert_int_equal(f.n, 3);
    for (size_t i = 0; i < f.n; i++)
        assert_int_equal(f.l[i].status, JZ_PL_WITHDRAWN); /* the follow-up too */
    /* The follow-up, withdrawn, is not sent: no batch takes it. */
    jz_pay_batch_req brq = {"2025-11", "140902"};
    jz_pay_batch_res br;
    assert_int_equal(jz_pay_batch_prepare(&fx, &brq, &br, &err), JZ_OK);
    jz_pay_batch_res_cleanup(&br);
    f.n = 0;
    assert_int_equal(jz_store_pay_lines_of_household(fx.store, hid, keep, &f, &err), JZ_OK);
    for (size_t i = 0; i < f.n; i++) {
        assert_int_equal(f.l[i].status, JZ_PL_WITHDRAWN);
        assert_int_equal(f.l[i].batch, 0);
    }
}

/* Two planners of the same month at once, each on its own connection: the
 * lines exist once. */
typedef struct racer {
    const char *path;
    jz_err rc;
    int64_t added;
} racer;

static void *race(void *arg)
{
    racer *rc = arg;
    jz_store *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    rc->rc = jz_store_open(rc->path, 0, &s, &err);
    if (rc->rc)
        return NULL;
    jz_ctx x = fx;
    x.store = s;
    jz_pay_plan_req rq = {"2025-09", ""};
    jz_pay_plan_res r;
    rc->rc = jz_pay_plan(&x, &rq, &r, &err);
    if (!rc->rc)
        rc->added = r.lines_added;
    jz_pay_plan_res_cleanup(&r);
    jz_store_close(s);
    return NULL;
}

static void two_planners(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/p.db", fx_dir);
    const char *where = jz_test_where(path);
    racer a = {where, JZ_OK, 0}, b = {where, JZ_OK, 0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, race, &a);
    pthread_create(&tb, NULL, race, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.rc, JZ_OK);
    assert_int_equal(b.rc, JZ_OK);
    /* September: the second household's 低保 (the first is stopped). */
    assert_int_equal(a.added + b.added, 1);
    assert_true(a.added == 0 || b.added == 0);
}

static jz_err mark_daixian(jz_store *s, void *arg, jz_error *err)
{
    char first[JZ_PERIOD_BUF];
    return jz_store_pay_plan_mark(s, "140923", arg, first, err);
}

/* Example 06's household re-imported with its region in 代县 (140923): a
 * move, which takes its live enrolments along. */
static void move_to_daixian(void)
{
    char from[4096], to[4096], text[16384];
    snprintf(from, sizeof from, "%s/examples/06-temporary-relief.json", fx_root());
    snprintf(to, sizeof to, "%s/moved.json", fx_dir);
    FILE *f = fopen(from, "rb");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *at = strstr(text, "\"140902001004\"");
    assert_non_null(at);
    memcpy(at + 1, "140923100201", 12);
    f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
    jz_parse_opts po = {.regions = fx.regions, .default_date = jz_date_make(2025, 1, 2)};
    jz_import_stats st;
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_import_json(fx.store, to, &po, NULL, 1, JZ_IMPORT_BATCH, NULL, NULL, &st, &err);
    if (rc)
        fx_fail("move", &err);
    assert_int_equal(rc, JZ_OK);
    assert_int_equal(st.stored, 1);
}

/* A household that moved to another county keeps its lines in the county
 * that planned them; a raise from before the move pays the difference of
 * those months, not those months again. */
static void moved_pays_difference(void **state)
{
    (void)state;
    const char *hid = "H140902-000606";
    jz_enrolment e = unit(hid, "140902001004", NULL, JZ_UNIT_DIBAO, 3, 50000, "2025-10");
    in_tx(create_enrol, &e);
    in_tx(mark_daixian, "2025-10"); /* 代县's ledger starts in October too */
    plan("2025-10");
    plan("2025-11");
    jz_fen sum;
    assert_int_equal(count_lines(hid, "", &sum), 2);
    assert_int_equal(sum, 2 * 50000);
    move_to_daixian();
    jz_enrolment_list l;
    jz_error err;
    assert_int_equal(jz_proc_enrol_list(&fx, "", hid, &l, &err), JZ_OK);
    size_t found_at = l.n;
    for (size_t i = 0; i < l.n; i++)
        if (l.rows[i].programme == JZ_UNIT_DIBAO && strcmp(l.rows[i].first_month, "2025-10") == 0)
            found_at = i;
    assert_true(found_at < l.n);
    e = l.rows[found_at];
    jz_enrolment_list_cleanup(&l);
    assert_string_equal(e.county, "140923");
    term t = {e, "2025-10"}; /* raised from October */
    t.e.monthly = 60000;
    in_tx(put_term, &t);
    jz_pay_plan_res r = plan("2025-12");
    jz_pay_plan_res_cleanup(&r);
    /* December at 60,000 in 代县, and 10,000 for each of October and
     * November (planned at 50,000 each in 忻府区). */
    assert_int_equal(count_lines(hid, "", &sum), 5);
    assert_int_equal(sum, 2 * 50000 + 60000 + 2 * 10000);
    r = plan("2025-12");
    assert_int_equal(r.lines_added + r.adjustments_added, 0);
    jz_pay_plan_res_cleanup(&r);
}

/* A month after next is refused, and a mistyped year with it (the
 * planner walked every month up to it: a fuzzer's 2868-06 took more than
 * 10 s), with nothing written; next month is planned.  (Last: it plans.) */
static void late_period_refused(void **state)
{
    (void)state;
    jz_pay_plan_res r;
    jz_pay_plan_req bad;
    jz_error err;
    int next = jz_date_month_index(fx.today ? fx.today : jz_date_today()) + 1;
    char after_next[JZ_PERIOD_BUF], next_month[JZ_PERIOD_BUF];
    jz_period_month_text(next + 1, after_next);
    jz_period_month_text(next, next_month);
    size_t before = lines().n;
    const char *late[] = {after_next, "2868-06"};
    for (int k = 0; k < 2; k++) {
        bad = (jz_pay_plan_req){late[k], ""};
        assert_int_equal(jz_pay_plan(&fx, &bad, &r, &err), JZ_EINPUT);
        assert_string_equal(err.field, "period");
        assert_string_equal(err.value, late[k]);
        assert_non_null(strstr(err.reason, "晚于下月"));
        assert_non_null(strstr(err.reason, next_month));
    }
    assert_int_equal(lines().n, before);
    r = plan(next_month);
    assert_true(r.lines_added + r.adjustments_added > 0);
    jz_pay_plan_res_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(regular_once),          cmocka_unit_test(raise_adjusts),
        cmocka_unit_test(stop_recovers),         cmocka_unit_test(tekun_quarterly),
        cmocka_unit_test(two_planners),          cmocka_unit_test(refused_withdrawn),
        cmocka_unit_test(moved_pays_difference), cmocka_unit_test(late_period_refused),
    };
    return cmocka_run_group_tests(tests, setup, fx_teardown);
}
