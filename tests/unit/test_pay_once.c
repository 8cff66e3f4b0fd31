/*
 * test_pay_once.c - one-time programmes, holds and recoveries (jz_pay.h):
 * the programme files (the two shipped; each refusal naming its field and
 * value), the funding split in fen (the two shares always make the line),
 * a programme paid once per person with its payee, a hold and its release
 * with back pay, a fraud stop whose recovery the ledger opens at once for
 * what had left (what had not is withdrawn), and
 * repayments never beyond the balance, all on the store of the examples
 * with 王建国's family of three enrolled in 低保 at 962.00 from 2025-03.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "jiuzhu/jz_chain.h"
#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_store_pay.h"
#include "proc_fixture.h"

#define HH "H140902-000101"

/* ---- programme files --------------------------------------------------------------- */

static const char *const good =
    "{\"code\": \"t-once\", \"name\": \"测试补贴\", \"source\": \"测试文件\","
    " \"eligible\": {\"programmes\": [\"dibao\", \"tekun\"], \"as_of\": \"2025-04-01\"},"
    " \"amount_per_person\": \"301.01\", \"funding\": {\"province\": \"0.6\", \"local\": \"0.4\"},"
    " \"deadline\": \"2025-05-01\", \"form\": \"cash\"}";

/* good with `from` replaced by `to` (once). */
static char *variant(const char *from, const char *to)
{
    static char buf[2048];
    const char *at = strstr(good, from);
    assert_non_null(at);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
    return buf;
}

static void parses_a_programme(void **state)
{
    (void)state;
    jz_once_programme p;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_once_programme_parse(good, strlen(good), "t-once", &p, &err), JZ_OK);
    assert_string_equal(p.code, "t-once");
    assert_string_equal(p.name, "测试补贴");
    assert_int_equal(p.eligible, (1u << JZ_UNIT_DIBAO) | (1u << JZ_UNIT_TEKUN));
    assert_int_equal(p.as_of, jz_date_make(2025, 4, 1));
    assert_int_equal(p.amount, 30101);
    assert_int_equal(p.province_ppm, 600000);
    assert_int_equal(p.deadline, jz_date_make(2025, 5, 1));
    assert_false(p.voucher);
    const char *t = variant("\"deadline\": \"2025-05-01\", \"form\": \"cash\"",
                            "\"deadline\": null, \"form\": \"voucher\"");
    assert_int_equal(jz_once_programme_parse(t, strlen(t), NULL, &p, &err), JZ_OK);
    assert_int_equal(p.deadline, JZ_DATE_NONE);
    assert_true(p.voucher);
    t = variant("\"301.01\"", "1500");
    assert_int_equal(jz_once_programme_parse(t, strlen(t), NULL, &p, &err), JZ_OK);
    assert_int_equal(p.amount, 150000);
}

/* Each refusal names the field, the value where there is one, and why. */
static void refuses(const char *from, const char *to, const char *code, const char *field,
                    const char *value, const char *why)
{
    jz_once_programme p;
    jz_error err;
    jz_error_clear(&err);
    const char *t = variant(from, to);
    assert_int_equal(jz_once_programme_parse(t, strlen(t), code, &p, &err), JZ_EINPUT);
    if (strcmp(err.field, field) != 0 || (value && strcmp(err.value, value) != 0) ||
        !strstr(err.reason, why))
        fail_msg("%s → field %s value %s reason %s", to, err.field, err.value, err.reason);
}

static void refuses_bad_programmes(void **state)
{
    (void)state;
    refuses("\"code\"", "\"kode\"", NULL, "kode", NULL, "未知字段");
    refuses("\"t-once\"", "\"2022-07\"", NULL, "code", "2022-07", "不能是年月或季度");
    refuses("\"t-once\"", "\"2022-Q3\"", NULL, "code", "2022-Q3", "小写字母");
    refuses("\"t-once\"", "\"dibao\"", NULL, "code", "dibao", "常规救助项目同名");
    refuses("\"t-once\"", "\"a-code-far-too-long\"", NULL, "code", "a-code-far-too-long", "过长");
    refuses("\"t-once\"", "\"t-other\"", "t-once", "code", "t-other", "文件名为 t-once.json");
    refuses("\"测试补贴\"", "\"\"", NULL, "name", "", "不能为空");
    refuses("\"测试补贴\"", "\"测试\\n补贴\"", NULL, "name", NULL, "换行");
    refuses("[\"dibao\", \"tekun\"]", "[\"dibao\", \"temporary\"]", NULL, "eligible.programmes[1]",
            "temporary", "临时救助");
    refuses("[\"dibao\", \"tekun\"]", "[\"dibao\", \"dibao\"]", NULL, "eligible.programmes[1]",
            "dibao", "重复");
    refuses("[\"dibao\", \"tekun\"]", "[]", NULL, "eligible.programmes", NULL, "非空数组");
    refuses("\"as_of\": \"2025-04-01\"", "\"as_of\": \"2025-02-30\"", NULL, "eligible.as_of",
            "2025-02-30", "日期");
    refuses("\"301.01\"", "\"301.011\"", NULL, "amount_per_person", "301.011", "");
    refuses("\"301.01\"", "\"-3\"", NULL, "amount_per_person", "-3", "");
    refuses("\"301.01\"", "0", NULL, "amount_per_person", "0", "大于 0");
    refuses("\"0.4\"", "\"0.5\"", NULL, "funding", NULL, "之和应正好为 1");
    refuses("\"0.6\"", "\"1.6\"", NULL, "funding.province", "1.6", "不能大于 1");
    refuses("\"0.6\"", "\"0.6000001\"", NULL, "funding.province", "0.6000001", "最多 6 位");
    refuses("\"0.6\"", "0.6", NULL, "funding.province", NULL, "小数字符串");
    refuses("\"local\": \"0.4\"", "\"city\": \"0.4\"", NULL, "funding.city", NULL, "未知字段");
    refuses("\"2025-05-01\"", "\"2025-03-01\"", NULL, "deadline", "2025-03-01", "早于资格认定日");
    refuses(", \"deadline\": \"2025-05-01\"", "", NULL, "deadline", NULL, "写 null");
    refuses("\"cash\"", "\"cheque\"", NULL, "form", "cheque", "cash");
    jz_once_programme p;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_once_programme_parse("{\"code\": ", 9, NULL, &p, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "JSON"));
    assert_int_equal(jz_once_programme_parse("[1]", 3, NULL, &p, &err), JZ_EINPUT);
}

static void loads_the_shipped_programmes(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/policy", fx_root());
    jz_once_programmes *ps = NULL;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_once_programmes_load(path, &ps, &err), JZ_OK);
    const jz_once_programme *s = jz_once_programmes_find(ps, "2022-subsidy");
    const jz_once_programme *v = jz_once_programmes_find(ps, "2022-voucher");
    assert_non_null(s);
    assert_non_null(v);
    assert_null(jz_once_programmes_find(ps, "README"));
    /* seed 004 一.2: 300 per 低保 and 特困 person, 6:4, by 2022-08-20;
     * 1500 per 特困 person in vouchers. */
    assert_int_equal(s->amount, 30000);
    assert_int_equal(s->province_ppm, 600000);
    assert_int_equal(s->deadline, jz_date_make(2022, 8, 20));
    assert_int_equal(s->as_of, jz_date_make(2022, 7, 19));
    assert_true(s->eligible & (1u << JZ_UNIT_DIBAO));
    assert_true(s->eligible & (1u << JZ_UNIT_TEKUN));
    assert_false(s->eligible & (1u << JZ_UNIT_MARGINAL));
    assert_false(s->voucher);
    assert_int_equal(v->amount, 150000);
    assert_int_equal(v->eligible, 1u << JZ_UNIT_TEKUN);
    assert_true(v->voucher);
    jz_once_programmes_free(ps);
    /* No folder: no programmes. */
    assert_int_equal(jz_once_programmes_load("/nonexistent-policy", &ps, &err), JZ_OK);
    assert_int_equal(ps->n, 0);
    jz_once_programmes_free(ps);
    jz_once_programmes_free(NULL);
    /* A bad file stops the load, naming the file. */
    char dir[] = "/tmp/jz-prog-XXXXXX";
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/programmes", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/programmes/t-once.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(variant("\"0.4\"", "\"0.3\""), f);
    fclose(f);
    assert_int_equal(jz_once_programmes_load(dir, &ps, &err), JZ_EINPUT);
    assert_null(ps);
    assert_non_null(strstr(err.source, "t-once.json"));
    assert_string_equal(err.field, "funding");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void splits_in_fen(void **state)
{
    (void)state;
    jz_once_programme p = {.province_ppm = 600000};
    jz_fen pr, lo;
    jz_once_programme_split(&p, 30000, &pr, &lo);
    assert_int_equal(pr, 18000);
    assert_int_equal(lo, 12000);
    jz_once_programme_split(&p, 30101, &pr, &lo); /* 18060.6: the rounding fen is local */
    assert_int_equal(pr, 18060);
    assert_int_equal(lo, 12041);
    jz_once_programme_split(&p, 1, &pr, &lo);
    assert_int_equal(pr, 0);
    assert_int_equal(lo, 1);
    int32_t shares[] = {0, 1, 333333, 500000, 600000, 999999, 1000000};
    for (size_t k = 0; k < sizeof shares / sizeof shares[0]; k++)
        for (jz_fen a = 1; a < 100000; a += 997) {
            p.province_ppm = shares[k];
            jz_once_programme_split(&p, a, &pr, &lo);
            assert_int_equal(pr + lo, a);
            assert_true(pr >= 0 && lo >= 0);
            assert_true(pr * 1000000 <= a * shares[k] && a * shares[k] < (pr + 1) * 1000000);
        }
}

/* ---- on the store ---------------------------------------------------------------------- */

static int setup(void **state)
{
    if (fx_setup(state))
        return -1;
    fx_case_to_publish(); /* enrolment 1: 低保 for 3, 962.00 from 2025-03 */
    /* The programmes of these tests replace the shipped ones. */
    jz_once_programmes *ps = calloc(1, sizeof *ps);
    ps->p = calloc(2, sizeof *ps->p);
    jz_error err;
    jz_error_clear(&err);
    if (jz_once_programme_parse(good, strlen(good), NULL, &ps->p[0], &err))
        return -1;
    const char *t = variant("\"t-once\"", "\"t-later\"");
    if (jz_once_programme_parse(t, strlen(t), NULL, &ps->p[1], &err))
        return -1;
    ps->p[1].as_of = jz_date_add_days(jz_date_today(), 10);
    ps->p[1].deadline = JZ_DATE_NONE;
    ps->n = 2;
    jz_once_programmes_free(fx.programmes);
    fx.programmes = ps;
    return 0;
}

typedef struct lines {
    jz_pay_line l[64];
    size_t n;
} lines;

static void collect(const jz_pay_line *l, void *arg)
{
    lines *v = arg;
    if (v->n < 64)
        v->l[v->n++] = *l;
}

static lines *household_lines(void)
{
    static lines v;
    v.n = 0;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_store_pay_lines_of_household(fx.store, HH, collect, &v, &err), JZ_OK);
    return &v;
}

static void once_per_person(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    /* The household's account, before the programme runs. */
    jz_payee pe = {.version = 0};
    snprintf(pe.county, sizeof pe.county, "140902");
    snprintf(pe.household_id, sizeof pe.household_id, HH);
    snprintf(pe.holder_name, sizeof pe.holder_name, "王建国");
    snprintf(pe.holder_id, sizeof pe.holder_id, "140902197803150011");
    snprintf(pe.bank, sizeof pe.bank, "abc");
    snprintf(pe.account, sizeof pe.account, "6228480000000000000");
    assert_int_equal(jz_store_begin(fx.store, &err), JZ_OK);
    assert_int_equal(jz_store_payee_put(fx.store, &pe, &err), JZ_OK);
    assert_int_equal(jz_store_commit(fx.store, &err), JZ_OK);

    jz_pay_once_res r;
    assert_int_equal(jz_pay_once(&fx, "t-once", "", &r, &err), JZ_OK);
    assert_int_equal(r.persons, 3);
    assert_int_equal(r.lines_added, 3);
    assert_int_equal(r.held, 0);
    assert_int_equal(r.total_added, 3 * 30101);
    assert_int_equal(r.province_added, 3 * 18060);
    assert_int_equal(r.local_added, 3 * 12041);
    assert_int_equal(r.lines, 3);
    assert_int_equal(r.province + r.local, r.total);
    assert_true(r.late); /* its deadline, 2025-05-01, has passed */
    jz_pay_once_res_cleanup(&r);
    lines *v = household_lines();
    assert_int_equal(v->n, 3);
    for (size_t i = 0; i < v->n; i++) {
        const jz_pay_line *l = &v->l[i];
        assert_int_equal(l->kind, JZ_PAY_ONCE);
        assert_string_equal(l->programme, "t-once");
        assert_string_equal(l->period, "t-once");
        assert_int_equal(l->enrolment, 0);
        assert_int_equal(l->persons, 1);
        assert_int_equal(l->province_share, 18060);
        assert_int_equal(l->local_share, 12041);
        assert_int_equal(l->payee, pe.id);
        assert_int_equal(l->status, JZ_PL_PLANNED);
        assert_true(strlen(l->member_id) == 18);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(l->member_id, v->l[k].member_id);
    }
    /* Again, and from a region of the county: nothing more. */
    assert_int_equal(jz_pay_once(&fx, "t-once", "140902", &r, &err), JZ_OK);
    assert_int_equal(r.lines_added, 0);
    assert_int_equal(r.already, 3);
    assert_int_equal(r.lines, 3);
    jz_pay_once_res_cleanup(&r);
    assert_int_equal(jz_pay_once(&fx, "t-once", "1401", &r, &err), JZ_OK);
    assert_int_equal(r.persons, 0);
    assert_int_equal(r.lines, 0);
    jz_pay_once_res_cleanup(&r);
    /* Refusals. */
    assert_int_equal(jz_pay_once(&fx, "t-nothing", "", &r, &err), JZ_ENOTFOUND);
    assert_string_equal(err.value, "t-nothing");
    assert_int_equal(jz_pay_once(&fx, "t-later", "", &r, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "尚未到来"));
    assert_int_equal(jz_pay_once(&fx, "t-once", "14x", &r, &err), JZ_EINPUT);
    snprintf(fx.scope, sizeof fx.scope, "1401");
    assert_int_equal(jz_pay_once(&fx, "t-once", "", &r, &err), JZ_EDENIED);
    fx.scope[0] = '\0';
}

static jz_pay_plan_res plan(int month)
{
    char period[16];
    snprintf(period, sizeof period, "2025-%02d", month);
    jz_pay_plan_req rq = {period, "140902"};
    jz_pay_plan_res r;
    jz_error err;
    jz_error_clear(&err);
    if (jz_pay_plan(&fx, &rq, &r, &err))
        fx_fail("plan", &err);
    jz_pay_plan_res r2 = r;
    r2.refusals = NULL;
    r2.n_refusals = 0;
    jz_pay_plan_res_cleanup(&r);
    return r2;
}

static const jz_pay_line *line_of(const char *period, uint8_t kind, const char *ref)
{
    lines *v = household_lines();
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->l[i].period, period) == 0 && v->l[i].kind == kind &&
            strcmp(v->l[i].ref_period, ref) == 0)
            return &v->l[i];
    return NULL;
}

static void hold_and_release(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    for (int m = 3; m <= 5; m++)
        assert_int_equal(plan(m).lines_added, 1);
    assert_int_equal(jz_pay_hold_start(&fx, 1, "2025-06", "复核中", &err), JZ_OK);
    /* Refusals: a second open hold, a bad month, before the first month,
     * no reason, an enrolment unknown. */
    assert_int_equal(jz_pay_hold_start(&fx, 1, "2025-07", "再次", &err), JZ_ECONFLICT);
    assert_int_equal(jz_pay_hold_start(&fx, 1, "2025-6", "复核中", &err), JZ_EINPUT);
    assert_string_equal(err.field, "--from");
    assert_int_equal(jz_pay_hold_start(&fx, 1, "2025-01", "复核中", &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "早于这条救助开始发放的 2025-03"));
    assert_int_equal(jz_pay_hold_start(&fx, 1, "2025-06", "", &err), JZ_EUSAGE);
    assert_int_equal(jz_pay_hold_start(&fx, 99, "2025-06", "复核中", &err), JZ_ENOTFOUND);
    assert_int_equal(jz_pay_hold_start(&fx, 1, "2025-06", "复核\x1b中", &err), JZ_EINPUT);
    jz_pay_plan_res r = plan(6);
    assert_int_equal(r.lines_added, 0); /* held: nothing for June */
    assert_null(line_of("2025-06", JZ_PAY_REGULAR, ""));
    assert_int_equal(jz_pay_release(&fx, 1, "2025-05", true, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "早于暂停开始"));
    assert_int_equal(jz_pay_release(&fx, 1, "2025-06", true, &err), JZ_OK);
    assert_int_equal(jz_pay_release(&fx, 1, "2025-06", true, &err), JZ_EINPUT);
    r = plan(7);
    assert_int_equal(r.lines_added, 1);
    assert_int_equal(r.adjustments_added, 1);
    const jz_pay_line *l = line_of("2025-07", JZ_PAY_ADJUST, "2025-06");
    assert_non_null(l);
    assert_int_equal(l->amount, 96200);
    assert_int_equal(plan(7).adjustments_added, 0); /* once */
}

static void fraud_and_repayments(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    /* June's back pay reached the family (the bank credited it); July's
     * line had not left yet.  Fraud from June, found on 2025-07-20. */
    jz_pay_line back = *line_of("2025-07", JZ_PAY_ADJUST, "2025-06");
    back.status = JZ_PL_PAID;
    snprintf(back.result, sizeof back.result, "0000");
    assert_int_equal(jz_store_begin(fx.store, &err), JZ_OK);
    assert_int_equal(jz_store_pay_line_set(fx.store, &back, JZ_PL_PLANNED, &err), JZ_OK);
    assert_int_equal(jz_store_commit(fx.store, &err), JZ_OK);
    jz_enrol_req stop = {.id = 1,
                         .on = fx_day(7, 20),
                         .note = "隐瞒收入",
                         .reason = JZ_STOP_FRAUD,
                         .fraud_from = fx_day(6, 3)};
    jz_enrol_res res;
    assert_int_equal(jz_proc_enrol_stop(&fx, &stop, &res, &err), JZ_OK);
    assert_int_equal(res.after.to_recover, 2 * 96200); /* the procedure's: June, July */
    assert_true(res.recovery > 0);
    /* The ledger's: June's back pay had left and is recovered; July's
     * line had not, and is withdrawn (never paid, nothing to recover). */
    assert_int_equal(res.recovered, 96200);
    assert_int_equal(res.withdrawn, 1);
    assert_int_equal(res.withdrawn_total, 96200);
    const jz_pay_line *july = line_of("2025-07", JZ_PAY_REGULAR, "");
    assert_non_null(july);
    assert_int_equal(july->status, JZ_PL_WITHDRAWN);
    jz_recovery rec;
    assert_int_equal(jz_store_recovery_get(fx.store, res.recovery, &rec, &err), JZ_OK);
    assert_string_equal(rec.from_period, "2025-06");
    assert_int_equal(rec.balance, 96200);
    assert_int_equal(rec.opened_on, fx_day(7, 20));
    assert_non_null(strstr(rec.reason, "骗取救助"));
    /* The next planning finds the ledger square already. */
    jz_pay_plan_res r = plan(8);
    assert_int_equal(r.lines_added, 0);
    assert_int_equal(r.adjustments_added, 0);
    assert_int_equal(r.recoveries_opened, 0);
    assert_int_equal(r.withdrawn, 0);
    /* The fraud's hold stays. */
    assert_int_equal(jz_pay_release(&fx, 1, "2025-12", true, &err), JZ_EINPUT);

    int64_t id = res.recovery;
    assert_int_equal(jz_pay_repay(&fx, id, 0, fx_day(8, 1), "", &rec, NULL, &err), JZ_EINPUT);
    assert_int_equal(jz_pay_repay(&fx, id, 96200 + 1, fx_day(8, 1), "", &rec, NULL, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "余额"));
    assert_int_equal(jz_pay_repay(&fx, id, 100, fx_day(7, 19), "", &rec, NULL, &err), JZ_EINPUT);
    assert_int_equal(
        jz_pay_repay(&fx, id, 100, jz_date_add_days(jz_date_today(), 1), "", &rec, NULL, &err),
        JZ_EINPUT);
    assert_int_equal(jz_pay_repay(&fx, id + 100, 100, fx_day(8, 1), "", &rec, NULL, &err), JZ_ENOTFOUND);
    jz_repayment paid;
    assert_int_equal(jz_pay_repay(&fx, id, 92400, fx_day(8, 1), "第一期", &rec, &paid, &err), JZ_OK);
    assert_true(paid.id > 0);
    assert_int_equal(paid.recovery, id);
    assert_int_equal(paid.amount, 92400);
    assert_int_equal(rec.balance, 3800);
    assert_int_equal(jz_pay_repay(&fx, id, 3800, fx_day(9, 1), "结清", &rec, NULL, &err), JZ_OK);
    assert_int_equal(rec.balance, 0);
    assert_int_equal(jz_pay_repay(&fx, id, 1, fx_day(9, 2), "", &rec, NULL, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "已全部退回"));
    /* Outside the user's scope the recovery is not there. */
    snprintf(fx.scope, sizeof fx.scope, "1401");
    assert_int_equal(jz_pay_repay(&fx, id, 1, fx_day(9, 2), "", &rec, NULL, &err), JZ_ENOTFOUND);
    fx.scope[0] = '\0';

    /* The chain shows the lines, the recovery and both repayments. */
    jz_chain c;
    assert_int_equal(jz_chain_build(&fx, HH, &c, &err), JZ_OK);
    size_t pay = 0, rep = 0, recs = 0;
    for (size_t i = 0; i < c.n; i++) {
        const jz_chain_event *e = &c.events[i];
        pay += e->kind == JZ_CHAIN_PAYMENT;
        rep += e->kind == JZ_CHAIN_REPAYMENT;
        if (e->kind == JZ_CHAIN_RECOVERY && strstr(e->text, "按发放台账追回")) {
            recs++;
            assert_int_equal(e->on, fx_day(7, 20));
            assert_int_equal(e->amount, 96200);
        }
        if (e->kind == JZ_CHAIN_REPAYMENT && e->on == fx_day(9, 1))
            assert_non_null(strstr(e->text, "已结清"));
        if (i)
            assert_true(c.events[i - 1].on <= e->on);
    }
    /* 3 one-time, March to July regular (June held; July withdrawn),
     * June's back pay, and the negative adjustment of the fraud. */
    assert_int_equal(pay, 3 + 4 + 1 + 1);
    assert_int_equal(rep, 2);
    assert_int_equal(recs, 1);
    jz_chain_cleanup(&c);
}

int main(void)
{
    const struct CMUnitTest files[] = {
        cmocka_unit_test(parses_a_programme),
        cmocka_unit_test(refuses_bad_programmes),
        cmocka_unit_test(loads_the_shipped_programmes),
        cmocka_unit_test(splits_in_fen),
    };
    /* In order, on one store. */
    const struct CMUnitTest store[] = {
        cmocka_unit_test(once_per_person),
        cmocka_unit_test(hold_and_release),
        cmocka_unit_test(fraud_and_repayments),
    };
    int failed = cmocka_run_group_tests(files, NULL, NULL);
    return failed + cmocka_run_group_tests(store, setup, fx_teardown);
}
