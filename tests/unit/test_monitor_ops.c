/*
 * test_monitor_ops.c - the operations cli/feed.c, cli/staff.c,
 * cli/monitor.c, cli/stats.c and cli/audit.c used to hold, now in the
 * library, against a real store: a feed import (counts, refusals handed
 * over, a file refused whole, a stop that writes nothing), staff
 * registration (normalisation, each refusal naming its field), a
 * monitoring run over the context, alert lists (filters, offset, limit,
 * pages), one alert with its evidence and steps, its re-assessment, R-MON-4's
 * comparison, statistics and the audit verification with a checkpoint.
 *
 * The tests share one store and run in order: each builds on what the
 * ones before it wrote.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_alert.h"
#include "jiuzhu/jz_audit.h"
#include "jiuzhu/jz_batch.h"
#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_feed.h"
#include "jiuzhu/jz_import.h"
#include "jiuzhu/jz_monitor.h"
#include "jiuzhu/jz_staff.h"
#include "jiuzhu/jz_stats.h"
#include "jiuzhu/jz_store.h"
#include "store_where.h"

static const char *root(void)
{
    const char *d = getenv("JZ_SOURCE_DIR");
    return d && d[0] ? d : JZ_SOURCE_DIR;
}

static char dir[64];
static jz_ctx X;

#define OUTSIDER "140902198001010016" /* 140902800101001 converted */
#define ZHOU_HONG "140902198509100223" /* household 04 */
#define LI_FUGUI "140902196808080315"  /* household 03 */
#define QIAN_WEI "140105198204040157"  /* household 05: receives 低保 by its record */
#define WANG_JIANGUO "140902197803120159" /* household 01 */

static jz_date D(const char *s)
{
    jz_date d;
    jz_error err;
    assert_int_equal(jz_date_parse(s, strlen(s), &d, &err), JZ_OK);
    return d;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/jz-monops-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char path[4096];
    jz_error err;
    jz_error_clear(&err);
    jz_store *s = NULL;
    snprintf(path, sizeof path, "%s/m.db", dir);
    if (jz_store_open(jz_test_where(path), JZ_STORE_CREATE, &s, &err))
        return -1;
    snprintf(path, sizeof path, "%s/policy", root());
    if (jz_ctx_init(&X, s, path, NULL, "测试员", &err))
        return -1;
    jz_parse_opts opts = {.regions = X.regions, .default_date = D("2025-06-01")};
    jz_import_adopt adopt = {.params = X.params, .calendar = X.calendar};
    static const char *const ex[] = {"01-dibao-rural", "02-expenditure-illness-education",
                                     "03-marginal-single-dibao", "04-tekun-leaves-household",
                                     "05-gradual-exit", "06-temporary-relief"};
    for (size_t i = 0; i < 6; i++) {
        jz_import_stats st;
        snprintf(path, sizeof path, "%s/examples/%s.json", root(), ex[i]);
        if (jz_import_json(s, path, &opts, &adopt, 1, 0, NULL, NULL, &st, &err) || st.stored != 1)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jz_store_close(X.store);
    X.store = NULL;
    jz_ctx_cleanup(&X);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) != 0 ? -1 : 0;
}

/* ---- feed import ---------------------------------------------------------------------- */

typedef struct kept {
    jz_error e[8];
    int n;
    int stop_at; /* stop (JZ_EINPUT) at this refusal (1-based), 0: never */
} kept;

static int keep(const jz_error *e, void *arg)
{
    kept *k = arg;
    if (k->n < 8)
        k->e[k->n] = *e;
    k->n++;
    return k->stop_at && k->n == k->stop_at ? JZ_EINPUT : 0;
}

static jz_err import(jz_dept dept, const char *text, kept *k, jz_feed_counts *n, jz_error *err)
{
    jz_error_clear(err);
    return jz_feed_import(&X, dept, text, strlen(text), "test.csv", keep, k, n, err);
}

static const char medical[] =
    "id_number,name,kind,date,total,out_of_pocket\n"
    "140902800101001,外来人员,settlement,2025-03-05,30000,25000\n"
    "140902197803120151,错号,settlement,2025-03-06,100,50\n" /* a bad check character */
    "140902198509100223,周红,settlement,2025-04-01,9000,8000\n"
    "140902198509100223,周红,settlement,2025-04-02,1000.00,2000.00\n"; /* more than the total */

static void feed_import_counts_and_refusals(void **state)
{
    (void)state;
    kept k = {0};
    jz_feed_counts n;
    jz_error err;
    /* A stop asked for by the caller: nothing written. */
    k.stop_at = 2;
    assert_int_equal(import(JZ_DEPT_MEDICAL, medical, &k, &n, &err), JZ_EINPUT);
    memset(&k, 0, sizeof k);
    assert_int_equal(import(JZ_DEPT_MEDICAL, medical, &k, &n, &err), JZ_OK);
    assert_int_equal(n.rows, 2);
    assert_int_equal(n.added, 2); /* the stopped import left nothing */
    assert_int_equal(n.matched, 1);
    assert_int_equal(n.rejected, 2);
    assert_int_equal(k.n, 2);
    assert_int_equal(k.e[0].line, 3);
    assert_string_equal(k.e[0].field, "id_number");
    assert_int_equal(k.e[1].line, 5);
    assert_string_equal(k.e[1].field, "out_of_pocket");
    /* Again: nothing new. */
    memset(&k, 0, sizeof k);
    assert_int_equal(import(JZ_DEPT_MEDICAL, medical, &k, &n, &err), JZ_OK);
    assert_int_equal(n.rows, 2);
    assert_int_equal(n.added, 0);
}

static void feed_import_file_refused(void **state)
{
    (void)state;
    kept k = {0};
    jz_feed_counts n;
    jz_error err;
    assert_int_equal(import(JZ_DEPT_DEATH, "id,name\n", &k, &n, &err), JZ_EINPUT);
    assert_string_equal(err.source, "test.csv");
    assert_int_equal(err.line, 1);
    assert_int_equal(k.n, 0); /* not a row: not handed over */
    assert_int_equal(n.rows + n.rejected, 0);
    assert_int_equal(import(JZ_DEPT_DEATH, "", &k, &n, &err), JZ_EINPUT);
    assert_string_equal(err.source, "test.csv");
}

static void feed_import_other_departments(void **state)
{
    (void)state;
    static const struct {
        jz_dept dept;
        const char *text;
    } files[] = {
        {JZ_DEPT_HRSS, "id_number,name,kind,date,amount\n"
                       "140902800101001,外来人员,unemployment_registration,2025-02-01,\n"},
        {JZ_DEPT_EMERGENCY, "id_number,name,disaster,relief_date,amount\n"
                            "140902800101001,外来人员,洪涝,2025-04-10,3000\n"},
        {JZ_DEPT_VEHICLE, "id_number,name,vehicle_type,registration_date\n"
                          "140902198509100223,周红,小型轿车,2025-03-15\n"},
        {JZ_DEPT_PROPERTY, "id_number,name,property_type,registration_date\n"
                           "140105198204040157,钱伟,商品房,2025-05-06\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        kept k = {0};
        jz_feed_counts n;
        jz_error err;
        assert_int_equal(import(files[i].dept, files[i].text, &k, &n, &err), JZ_OK);
        assert_int_equal(n.added, 1);
        assert_int_equal(k.n, 0);
    }
}

/* ---- staff ----------------------------------------------------------------------------- */

static void staff_register(void **state)
{
    (void)state;
    jz_staff_res r;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_staff_add(&X, &(jz_staff_req){"140902", "140902800101002", "李干部", "民政办"},
                                  &r, &err),
                     JZ_OK);
    assert_int_equal(strlen(r.id), 18); /* 15 digits converted */
    assert_string_equal(r.staff_id, r.id);
    assert_false(r.relative);
    char staff[JZ_IDNUM_BUF];
    snprintf(staff, sizeof staff, "%s", r.id);
    assert_int_equal(jz_staff_relative_add(&X,
                                           &(jz_staff_relative_req){staff, "14090219900101017x",
                                                                    "刘某", "兄弟"},
                                           &r, &err),
                     JZ_EINPUT); /* a wrong check character (it is 6) */
    assert_string_equal(err.field, "id");
    assert_int_equal(jz_staff_relative_add(&X,
                                           &(jz_staff_relative_req){staff, "140902199001010176",
                                                                    "吴刚", "兄弟"},
                                           &r, &err),
                     JZ_OK);
    assert_true(r.relative);
    assert_string_equal(r.staff_id, staff);
    /* The register is what case acceptance reads (R-WF-5). */
    char who[160], rel[64];
    bool found = false;
    assert_int_equal(jz_store_staff_relative(X.store, "140902199001010176", who, sizeof who, rel,
                                             sizeof rel, &found, &err),
                     JZ_OK);
    assert_true(found);
    assert_string_equal(rel, "兄弟");
    assert_non_null(strstr(who, "李干部"));
}

static void staff_refusals_name_their_field(void **state)
{
    (void)state;
    static const struct {
        jz_staff_req rq;
        const char *field;
    } add[] = {
        {{"140902", "140902198001010013", "李", "局"}, "id"}, /* check character */
        {{"140902", NULL, "李", "局"}, "id"},
        {{"140902", "140902198001010016", "", "局"}, "name"},
        {{"140902", "140902198001010016", "李", NULL}, "unit"},
        {{"1409", "140902198001010016", "李", "局"}, "county"},
        {{"999999", "140902198001010016", "李", "局"}, "county"}, /* not in the region table */
    };
    jz_staff_res r;
    jz_error err;
    for (size_t i = 0; i < sizeof add / sizeof add[0]; i++) {
        jz_error_clear(&err);
        assert_int_equal(jz_staff_add(&X, &add[i].rq, &r, &err), JZ_EINPUT);
        assert_string_equal(err.field, add[i].field);
    }
    char long_name[100];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    jz_error_clear(&err);
    assert_int_equal(
        jz_staff_add(&X, &(jz_staff_req){"", "140902198001010016", long_name, "局"}, &r, &err),
        JZ_EINPUT);
    assert_string_equal(err.field, "name");
    static const struct {
        jz_staff_relative_req rq;
        jz_err code;
        const char *field;
    } rel[] = {
        {{"140902198001010013", "140902199001010176", "刘某", "兄弟"}, JZ_EINPUT, "staff_id"},
        {{"140902199202020282", "140902199001010176", "刘某", "兄弟"}, JZ_ENOTFOUND, "staff"},
        {{"140902199001010176", "140902199001010176", "刘某", "兄弟"}, JZ_EINPUT, "id"},
        {{"140902199001010176", "140902199202020282", "刘某", ""}, JZ_EINPUT, "relation"},
    };
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        jz_error_clear(&err);
        assert_int_equal(jz_staff_relative_add(&X, &rel[i].rq, &r, &err), rel[i].code);
        assert_string_equal(err.field, rel[i].field);
    }
}

/* ---- a monitoring run -------------------------------------------------------------------- */

static void monitor_run_over_the_context(void **state)
{
    (void)state;
    jz_monitor_counts c;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_monitor_execute(&X, &(jz_monitor_req){D("2025-06-01"), "1409'"}, &c, &err),
                     JZ_EINPUT);
    assert_string_equal(err.field, "region");
    assert_int_equal(jz_monitor_execute(&X, &(jz_monitor_req){D("2025-06-01"), NULL}, &c, &err),
                     JZ_OK);
    assert_true(c.raised > 0);
    long by = 0;
    for (int k = 0; k < 4; k++)
        by += c.by_category[k];
    assert_int_equal(by, c.raised);
    assert_true(c.by_indicator[JZ_IND_MEDICAL_SPIKE] >= 1); /* the outsider's 25000.00 */
    assert_true(c.by_indicator[JZ_IND_PROPERTY] == 1);      /* 钱伟's household receives 低保 */
    /* The same facts again: nothing new. */
    assert_int_equal(jz_monitor_execute(&X, &(jz_monitor_req){D("2025-06-01"), ""}, &c, &err),
                     JZ_OK);
    assert_int_equal(c.raised, 0);
}

/* ---- alerts ------------------------------------------------------------------------------ */

typedef struct seen {
    int64_t id[64];
    int n;
} seen;

static int see(const jz_stored_alert *a, void *arg)
{
    seen *s = arg;
    if (s->n < 64)
        s->id[s->n] = a->id;
    s->n++;
    return 0;
}

static long count(const jz_alert_query *q, seen *s)
{
    long total = -1;
    jz_error err;
    jz_error_clear(&err);
    memset(s, 0, sizeof *s);
    assert_int_equal(jz_alert_list(&X, q, see, s, &total, &err), JZ_OK);
    return total;
}

static void alert_lists(void **state)
{
    (void)state;
    seen all, page, cat;
    long total = count(&(jz_alert_query){.category = -1, .status = -1}, &all);
    assert_true(total >= 4);
    assert_int_equal(all.n, total);
    /* Offset and limit take a window of the same order. */
    long t2 = count(&(jz_alert_query){.category = -1, .status = -1, .offset = 1, .limit = 2}, &page);
    assert_int_equal(t2, total);
    assert_int_equal(page.n, 2);
    assert_int_equal(page.id[0], all.id[1]);
    assert_int_equal(page.id[1], all.id[2]);
    /* Categories add up to the whole. */
    long sum = 0;
    for (int c = 0; c < 4; c++)
        sum += count(&(jz_alert_query){.category = c, .status = -1}, &cat);
    assert_int_equal(sum, total);
    /* A region lists registry people only: the outsider's alerts are not there. */
    seen reg;
    long in = count(&(jz_alert_query){.region = "14", .category = -1, .status = -1}, &reg);
    assert_true(in < total);
    /* A state: none is assigned yet. */
    assert_int_equal(count(&(jz_alert_query){.category = -1, .status = JZ_ALERT_ASSIGNED}, &cat),
                     0);
    /* The page holds the same window. */
    jz_alert_page p;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_alert_list_page(&X, &(jz_alert_query){.category = -1, .status = -1,
                                                               .offset = 1, .limit = 2},
                                        &p, &err),
                     JZ_OK);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.total, total);
    assert_int_equal(p.items[0].id, all.id[1]);
    jz_alert_page_free(&p);
    jz_alert_page_free(&p); /* twice: a no-op */
    assert_int_equal(jz_alert_list_page(&X, &(jz_alert_query){.category = -1, .status = -1}, &p,
                                        &err),
                     JZ_EINPUT);
    assert_string_equal(err.field, "limit");
    assert_int_equal(jz_alert_list(&X, &(jz_alert_query){.category = 4, .status = -1}, see, &cat,
                                   NULL, &err),
                     JZ_EINPUT);
    assert_string_equal(err.field, "category");
    assert_int_equal(jz_alert_list(&X, &(jz_alert_query){.category = -1, .status = 9}, see, &cat,
                                   NULL, &err),
                     JZ_EINPUT);
    assert_string_equal(err.field, "status");
}

/* The alert of an indicator for a person (0: none). */
typedef struct finder {
    uint8_t indicator;
    const char *id;
    int64_t found;
} finder;

static int find(const jz_stored_alert *a, void *arg)
{
    finder *f = arg;
    if (a->indicator == f->indicator && strcmp(a->id_number, f->id) == 0)
        f->found = a->id;
    return 0;
}

static int64_t alert_of(jz_indicator ind, const char *id)
{
    finder f = {(uint8_t)ind, id, 0};
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_alert_list(&X, &(jz_alert_query){.category = -1, .status = -1}, find, &f,
                                   NULL, &err),
                     JZ_OK);
    return f.found;
}

static void alert_show_and_reassess(void **state)
{
    (void)state;
    int64_t med = alert_of(JZ_IND_MEDICAL_SPIKE, OUTSIDER);
    assert_true(med > 0);
    jz_alert_req rq = {.action = JZ_ALERT_ACT_ASSIGN, .on = D("2025-06-02"), .assignee = "李核查员",
                       .dept = -1, .expect_status = -1};
    jz_alert_res *res = malloc(sizeof *res);
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_alert_handle(&X, med, &rq, res, &err), JZ_OK);
    free(res);
    jz_alert_view v;
    assert_int_equal(jz_alert_show(&X, med, &v, &err), JZ_OK);
    assert_int_equal(v.alert.id, med);
    assert_int_equal(v.alert.status, JZ_ALERT_ASSIGNED);
    assert_int_equal(v.n_evidence, 1);
    assert_int_equal(v.evidence[0].r.amount, 2500000);
    assert_true(v.evidence[0].row > 0);
    assert_int_equal(v.n_steps, 1);
    assert_string_equal(v.steps[0].action, "assign");
    assert_string_equal(v.steps[0].assignee, "李核查员");
    assert_string_equal(v.steps[0].actor, "测试员");
    /* Outside the registry: nothing to re-assess. */
    jz_reassessment *re = malloc(sizeof *re);
    assert_int_equal(jz_alert_reassess(&X, &v.alert, re, &err), JZ_ENOTFOUND);
    assert_string_equal(err.field, "household_id");
    jz_alert_view_cleanup(&v);
    /* 钱伟's household, as of the day the alert was raised. */
    int64_t prop = alert_of(JZ_IND_PROPERTY, QIAN_WEI);
    assert_true(prop > 0);
    assert_int_equal(jz_alert_show(&X, prop, &v, &err), JZ_OK);
    assert_string_equal(v.alert.household_id, "H140105-000505");
    assert_int_equal(jz_alert_reassess(&X, &v.alert, re, &err), JZ_OK);
    assert_string_equal(re->h.household_id, "H140105-000505");
    assert_int_equal(re->h.assess_date, D("2025-06-01"));
    assert_int_equal(re->result.category, JZ_CAT_MARGINAL); /* as `jiuzhu alert show` says */
    jz_alert_view_cleanup(&v);
    free(re);
    assert_int_equal(jz_alert_show(&X, 99999, &v, &err), JZ_ENOTFOUND);
    jz_alert_view_cleanup(&v);
}

/* ---- R-MON-4 ------------------------------------------------------------------------------- */

typedef struct fpm {
    jz_fpm_row rows[8];
    int n, rejected;
} fpm;

static int fpm_row(const jz_fpm_row *r, void *arg)
{
    fpm *f = arg;
    if (f->n < 8)
        f->rows[f->n] = *r;
    f->n++;
    return 0;
}

static int fpm_reject(const jz_error *e, void *arg)
{
    (void)e;
    ((fpm *)arg)->rejected++;
    return 0;
}

static const char fpm_list[] = "id_number,name,listed_date\n"
                               "140902800101001,外来人员,2025-01-01\n"
                               "140902196808080315,李福贵,2025-02-01\n"
                               "140105198204040157,钱伟,2025-01-01\n"
                               "140902197803120151,错号,2025-02-01\n";

static void compare_fpm(void **state)
{
    (void)state;
    fpm f = {0};
    jz_fpm_counts c;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_monitor_compare_fpm(&X, fpm_list, strlen(fpm_list), "fpm.csv", fpm_row,
                                            fpm_reject, &f, &c, &err),
                     JZ_OK);
    assert_int_equal(c.listed, 3);
    assert_int_equal(c.without, 2); /* 钱伟's household receives 低保 by its record */
    assert_int_equal(c.rejected, 1);
    assert_int_equal(f.rejected, 1);
    assert_int_equal(f.n, 2);
    assert_string_equal(f.rows[0].id, OUTSIDER);
    assert_int_equal(f.rows[0].status, JZ_FPM_OUTSIDE);
    assert_string_equal(f.rows[0].household_id, "");
    assert_string_equal(f.rows[1].household_id, "H140902-000303");
    assert_int_equal(f.rows[1].status, JZ_FPM_UNASSESSED);
    assert_int_equal(f.rows[1].listed, D("2025-02-01"));
    /* After an official assessment the determination is given. */
    jz_batch_report rep;
    memset(&rep, 0, sizeof rep);
    jz_batch_opts o = {.date = D("2025-06-01"), .threads = 1, .write = true};
    assert_int_equal(jz_batch_assess(X.store, X.params, &o, NULL, NULL, &rep, &err), JZ_OK);
    free(rep.rows);
    free(rep.diffs);
    memset(&f, 0, sizeof f);
    assert_int_equal(jz_monitor_compare_fpm(&X, fpm_list, strlen(fpm_list), "fpm.csv", fpm_row,
                                            NULL, &f, &c, &err),
                     JZ_OK);
    assert_int_equal(f.rows[1].status, JZ_FPM_ASSESSED);
    assert_int_equal(f.rows[1].category, JZ_CAT_MARGINAL);
    assert_int_equal(f.rows[1].assessed_on, D("2025-06-01"));
    /* Within a scope (the server's user), a person registered outside it
     * reads as one not registered, whether or not he receives assistance:
     * nothing tells the caller that he is registered elsewhere. */
    snprintf(X.scope, sizeof X.scope, "140923");
    memset(&f, 0, sizeof f);
    assert_int_equal(jz_monitor_compare_fpm(&X, fpm_list, strlen(fpm_list), "fpm.csv", fpm_row,
                                            NULL, &f, &c, &err),
                     JZ_OK);
    X.scope[0] = '\0';
    assert_int_equal(c.without, 3);
    assert_int_equal(f.n, 3);
    for (int i = 0; i < f.n; i++) {
        assert_int_equal(f.rows[i].status, JZ_FPM_OUTSIDE);
        assert_string_equal(f.rows[i].household_id, "");
        assert_int_equal(f.rows[i].monthly, 0);
    }
    /* A file refused whole. */
    assert_int_equal(jz_monitor_compare_fpm(&X, "id,name\n", 8, "bad.csv", fpm_row, NULL, &f, &c,
                                            &err),
                     JZ_EINPUT);
    assert_string_equal(err.source, "bad.csv");
}

/* ---- statistics ----------------------------------------------------------------------------- */

static void stats_by_region(void **state)
{
    (void)state;
    jz_stats_res r;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_stats_get(&X, &(jz_stats_req){4, "", 0}, &r, &err), JZ_OK);
    int64_t households = 0;
    jz_fen monthly = 0;
    for (size_t i = 0; i < r.n; i++) {
        assert_int_equal(strlen(r.lines[i].row.region), 4);
        if (r.lines[i].row.category < JZ_CAT_COUNT) {
            households += r.lines[i].row.households;
            monthly += r.lines[i].row.monthly;
        }
    }
    assert_int_equal(r.total.households, 6);
    assert_int_equal(households, r.total.households);
    assert_int_equal(monthly, r.total.monthly);
    assert_int_equal(r.unassessed, 0);
    assert_string_equal(r.lines[0].name, "太原市");
    jz_stats_res_free(&r);
    assert_int_equal(jz_stats_get(&X, &(jz_stats_req){9, "140902", 0}, &r, &err), JZ_OK);
    for (size_t i = 0; i < r.n; i++)
        assert_memory_equal(r.lines[i].row.region, "140902", 6);
    assert_int_equal(r.total.households, 4);
    jz_stats_res_free(&r);
    assert_int_equal(jz_stats_get(&X, &(jz_stats_req){5, "", 0}, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "level");
    assert_int_equal(jz_stats_get(&X, &(jz_stats_req){6, "14x", 0}, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "region");
    jz_stats_res_free(&r);
    assert_int_equal(jz_stats_get(&X, &(jz_stats_req){6, "", 61}, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "months");
    jz_stats_res_free(&r);
    assert_int_equal(jz_stats_get(&X, &(jz_stats_req){6, "", 0}, &r, &err), JZ_OK);
    assert_null(r.trend);
    jz_stats_res_free(&r);
    assert_int_equal(jz_stats_level_find("township"), 9);
    assert_int_equal(jz_stats_level_find("village"), -1);
    assert_int_equal(jz_stats_level_find(NULL), -1);
}

/* The months of the statistics: the last is today's, and each month's
 * alerts by category are those the alert list shows raised in it. */
typedef struct by_month {
    char first[16];
    int64_t n[60][4];
} by_month;

static int count_month(const jz_stored_alert *a, void *arg)
{
    by_month *b = arg;
    int y0, m0;
    assert_int_equal(sscanf(b->first, "%d-%d", &y0, &m0), 2);
    int i = (jz_date_year(a->raised_on) * 12 + jz_date_month(a->raised_on)) - (y0 * 12 + m0);
    if (i >= 0 && i < 60 && a->category < 4)
        b->n[i][a->category]++;
    return 0;
}

static void stats_by_month(void **state)
{
    (void)state;
    jz_stats_res r;
    jz_error err;
    jz_error_clear(&err);
    jz_err got = jz_stats_get(&X, &(jz_stats_req){6, "", 60}, &r, &err);
    if (got)
        printf("stats_by_month: %s\n", err.reason);
    assert_int_equal(got, JZ_OK);
    assert_int_equal(r.n_trend, 60);
    char today[16];
    snprintf(today, sizeof today, "%04d-%02d", jz_date_year(X.today), jz_date_month(X.today));
    assert_string_equal(r.trend[59].month, today);
    by_month *b = calloc(1, sizeof *b);
    assert_non_null(b);
    snprintf(b->first, sizeof b->first, "%s", r.trend[0].month);
    long total = 0;
    assert_int_equal(jz_alert_list(&X, &(jz_alert_query){.category = -1, .status = -1}, count_month,
                                   b, &total, &err),
                     JZ_OK);
    int64_t raised = 0;
    for (int i = 0; i < 60; i++)
        for (int c = 0; c < 4; c++) {
            assert_int_equal(r.trend[i].alerts[c], b->n[i][c]);
            raised += r.trend[i].alerts[c];
        }
    assert_true(raised > 0);
    /* The examples' recipients were brought in by the import: in force in
     * the months from their first. */
    int64_t enrolled = 0;
    for (int i = 0; i < 60; i++)
        enrolled += r.trend[i].enrolled;
    assert_true(enrolled > 0);
    free(b);
    jz_stats_res_free(&r);
}

/* ---- the audit log ---------------------------------------------------------------------------- */

static void audit_verify_with_checkpoints(void **state)
{
    (void)state;
    jz_audit_check c;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_audit_verify(&X, NULL, &c, &err), JZ_OK);
    assert_true(jz_audit_intact(&c));
    assert_int_equal(c.checkpoint, JZ_CHECKPOINT_NONE);
    int64_t head = c.report.head_seq;
    char cp[128], hash[65];
    snprintf(hash, sizeof hash, "%s", c.report.head_hash);
    snprintf(cp, sizeof cp, "%lld:%s", (long long)head, hash);
    assert_int_equal(jz_audit_verify(&X, cp, &c, &err), JZ_OK);
    assert_int_equal(c.checkpoint, JZ_CHECKPOINT_SAME);
    assert_true(jz_audit_intact(&c));
    /* A write later: the checkpoint is older. */
    jz_staff_res r;
    assert_int_equal(jz_staff_add(&X, &(jz_staff_req){"", "140902198001010016", "王", "局"}, &r,
                                  &err),
                     JZ_OK);
    assert_int_equal(jz_audit_verify(&X, cp, &c, &err), JZ_OK);
    assert_int_equal(c.checkpoint, JZ_CHECKPOINT_OLDER);
    assert_int_equal(c.appended, c.report.head_seq - head);
    assert_true(jz_audit_intact(&c));
    /* A checkpoint the log does not have. */
    snprintf(cp, sizeof cp, "%lld:%s", (long long)head + 1000, hash);
    assert_int_equal(jz_audit_verify(&X, cp, &c, &err), JZ_OK);
    assert_int_equal(c.checkpoint, JZ_CHECKPOINT_MISSING);
    assert_false(jz_audit_intact(&c));
    hash[0] = hash[0] == '0' ? '1' : '0';
    snprintf(cp, sizeof cp, "%lld:%s", (long long)head, hash);
    assert_int_equal(jz_audit_verify(&X, cp, &c, &err), JZ_OK);
    assert_int_equal(c.checkpoint, JZ_CHECKPOINT_DIFFERS);
    assert_false(jz_audit_intact(&c));
    static const char *const malformed[] = {"12", "12abc:0000", "0:x", ":aa", "-1:a"};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        jz_error_clear(&err);
        assert_int_equal(jz_audit_verify(&X, malformed[i], &c, &err), JZ_EUSAGE);
        assert_string_equal(err.field, "head");
    }
    int64_t seq;
    assert_int_equal(jz_audit_checkpoint_parse(cp, &seq, hash, &err), JZ_OK);
    assert_int_equal(seq, head);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(feed_import_counts_and_refusals),
        cmocka_unit_test(feed_import_file_refused),
        cmocka_unit_test(feed_import_other_departments),
        cmocka_unit_test(staff_register),
        cmocka_unit_test(staff_refusals_name_their_field),
        cmocka_unit_test(monitor_run_over_the_context),
        cmocka_unit_test(alert_lists),
        cmocka_unit_test(alert_show_and_reassess),
        cmocka_unit_test(compare_fpm),
        cmocka_unit_test(stats_by_region),
        cmocka_unit_test(stats_by_month),
        cmocka_unit_test(audit_verify_with_checkpoints),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
