/*
 * test_store_run.c - the store's common layer: the transaction runner
 * (jz_store_run: a busy attempt is rolled back and run again, any other
 * error rolled back and returned, nothing of a failed attempt written, the
 * audit log's fingerprints still matching the data), and the one
 * definition of receiving assistance (jz_enrolment_live,
 * jz_receives_assistance, jz_store_receives_assistance, and monitoring's
 * `enrolled`, which must agree with it).  On either backend: CTest's
 * pg.unit.test_store_run runs it on PostgreSQL (store_where.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"
#include "store_where.h"

static const char *root(void)
{
    const char *d = getenv("JZ_SOURCE_DIR");
    return d && d[0] ? d : JZ_SOURCE_DIR;
}

static char dir[64];
static jz_regions *regions;

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/jz-run-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char path[4096];
    jz_error err;
    snprintf(path, sizeof path, "%s/policy/regions/shanxi-regions.csv", root());
    return jz_regions_load(path, &regions, &err) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return -1;
    jz_regions_free(regions);
    return 0;
}

static jz_store *fresh(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    jz_store *s = NULL;
    jz_error err;
    assert_int_equal(jz_store_open(jz_test_where(path), JZ_STORE_CREATE, &s, &err), JZ_OK);
    return s;
}

/* Stores examples/<name> (its own transaction). */
static void put_example(jz_store *s, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/examples/%s", root(), name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *text = calloc(1, 65536);
    assert_non_null(text);
    size_t n = fread(text, 1, 65535, f);
    fclose(f);
    text[n] = '\0';
    jz_household_buf *buf = malloc(sizeof *buf);
    assert_non_null(buf);
    jz_household h;
    jz_parse_opts opts = {.regions = regions, .default_date = jz_date_make(2025, 6, 1)};
    jz_error err;
    assert_int_equal(jz_household_parse(text, n, &opts, &h, buf, &err), JZ_OK);
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_put_household(s, &h, text, name, &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    free(buf);
    free(text);
}

/* The audit log's entries, and that it and the data agree. */
static int64_t audit_rows(jz_store *s)
{
    jz_audit_report *rep = malloc(sizeof *rep);
    assert_non_null(rep);
    jz_error err;
    assert_int_equal(jz_store_audit_verify(s, rep, &err), JZ_OK);
    assert_int_equal(rep->bad_seq, 0);
    assert_int_equal(rep->data_problems, 0);
    int64_t n = rep->rows;
    free(rep);
    return n;
}

static bool relative_found(jz_store *s, const char *id)
{
    char name[128], rel[64];
    bool found = false;
    jz_error err;
    assert_int_equal(
        jz_store_staff_relative(s, id, name, sizeof name, rel, sizeof rel, &found, &err), JZ_OK);
    return found;
}

/* A callback that writes (a member of staff and a relative, each audited)
 * and then fails with `fail` on its first `failures` runs. */
typedef struct flaky {
    int runs, failures;
    jz_err fail;
    const char *relative;
} flaky;

static jz_err flaky_fn(jz_store *s, void *arg, jz_error *err)
{
    flaky *f = arg;
    f->runs++;
    jz_err rc = jz_store_staff_put(s, "140902", "S1", "王", "民政局", NULL, NULL, NULL, err);
    if (!rc)
        rc = jz_store_staff_put(s, "140902", "S1", NULL, NULL, f->relative, "王二", "配偶", err);
    if (rc)
        return rc;
    if (f->runs <= f->failures)
        return jz_error_set(err, f->fail, "database", NULL, "第 %d 次：失败", f->runs);
    return JZ_OK;
}

static void run_retries_busy_then_commits_once(void **state)
{
    (void)state;
    jz_store *s = fresh("busy.db");
    int64_t before = audit_rows(s);
    flaky f = {.failures = 2, .fail = JZ_EBUSY, .relative = "140902197803120159"};
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_store_run(s, flaky_fn, &f, &err), JZ_OK);
    assert_int_equal(f.runs, 3);
    assert_int_equal(err.code, JZ_OK); /* the attempts' errors are not left behind */
    assert_true(relative_found(s, f.relative));
    /* Committed once: the third run's two entries, and the data agrees with
     * the log (the rolled-back runs left no fingerprint either). */
    assert_int_equal(audit_rows(s), before + 2);
    jz_store_close(s);
}

static void run_returns_input_errors_without_retry(void **state)
{
    (void)state;
    jz_store *s = fresh("input.db");
    int64_t before = audit_rows(s);
    flaky f = {.failures = 1, .fail = JZ_EINPUT, .relative = "140902198005060264"};
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_store_run(s, flaky_fn, &f, &err), JZ_EINPUT);
    assert_int_equal(f.runs, 1);
    assert_string_equal(err.reason, "第 1 次：失败");
    /* Nothing half written: neither the staff nor their audit entries. */
    assert_false(relative_found(s, f.relative));
    assert_int_equal(audit_rows(s), before);
    /* The store takes the next transaction as usual. */
    f = (flaky){.failures = 0, .fail = JZ_OK, .relative = "140902198005060264"};
    assert_int_equal(jz_store_run(s, flaky_fn, &f, &err), JZ_OK);
    assert_true(relative_found(s, f.relative));
    assert_int_equal(audit_rows(s), before + 2);
    jz_store_close(s);
}

static void run_gives_up_after_its_tries(void **state)
{
    (void)state;
    jz_store *s = fresh("always.db");
    int64_t before = audit_rows(s);
    flaky f = {.failures = 100, .fail = JZ_EBUSY, .relative = "140902201209010335"};
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_store_run(s, flaky_fn, &f, &err), JZ_EBUSY);
    assert_int_equal(f.runs, JZ_STORE_RUN_TRIES);
    assert_string_equal(err.reason, "第 3 次：失败");
    assert_false(relative_found(s, f.relative));
    assert_int_equal(audit_rows(s), before);
    jz_store_close(s);
}

/* Another writer holds the store: beginning is refused as busy (at once,
 * with JIUZHU_BUSY_TIMEOUT=0) on every try, fn never runs; once it lets
 * go, the same call goes through. */
static void run_waits_for_another_writer(void **state)
{
    (void)state;
    if (jz_test_on_pg()) {
        /* PostgreSQL has no store-wide write lock: a second writer begins
         * while the first holds its transaction, and only rows both write
         * make one wait (tests/integration/test_concurrency.sh). */
        skip();
    }
    jz_store *a = fresh("held.db");
    char path[256];
    snprintf(path, sizeof path, "%s/held.db", dir);
    setenv("JIUZHU_BUSY_TIMEOUT", "0", 1);
    jz_store *b = NULL;
    jz_error err;
    assert_int_equal(jz_store_open(jz_test_where(path), 0, &b, &err), JZ_OK);
    unsetenv("JIUZHU_BUSY_TIMEOUT");
    assert_int_equal(jz_store_begin(a, &err), JZ_OK);
    flaky f = {.relative = "140902197803120159"};
    jz_error_clear(&err);
    assert_int_equal(jz_store_run(b, flaky_fn, &f, &err), JZ_EBUSY);
    assert_int_equal(f.runs, 0);
    assert_int_equal(jz_err_kind_of(err.code)->exit_status, 3);
    jz_store_rollback(a);
    assert_int_equal(jz_store_run(b, flaky_fn, &f, &err), JZ_OK);
    assert_int_equal(f.runs, 1);
    assert_true(relative_found(a, f.relative));
    jz_store_close(b);
    jz_store_close(a);
}

/* ---- keys checked at the commit --------------------------------------------------- */

/* A determination of household 0 of `snap`, which comes from another store:
 * its household is not in this one. */
typedef struct orphan {
    const jz_snapshot *snap;
} orphan;

static jz_err orphan_fn(jz_store *s, void *arg, jz_error *err)
{
    orphan *o = arg;
    int64_t run = 0;
    jz_err rc = jz_store_run_begin(s, jz_date_make(2025, 6, 1), "", "", &run, err);
    if (rc)
        return rc;
    jz_member members[JZ_MAX_MEMBERS];
    jz_household h;
    jz_snapshot_household(o->snap, 0, &h, members);
    jz_result r;
    memset(&r, 0, sizeof r);
    return jz_store_put_determination(s, run, o->snap, 0, &h, &r, "{}", err);
}

/* jz_store_run_keyed: a row that refers to nothing fails the commit, and
 * nothing is written (on SQLite, whose keys it checks once at the commit,
 * the error names the table; PostgreSQL checks each row as it is written);
 * after it, the store checks every row's keys again as it writes it. */
static void keyed_run_refuses_a_row_of_no_household(void **state)
{
    (void)state;
    jz_store *a = fresh("keyed-a.db");
    put_example(a, "01-dibao-rural.json");
    jz_snapshot *snap = NULL;
    jz_error err;
    assert_int_equal(jz_store_snapshot(a, "", &snap, &err), JZ_OK);
    assert_int_equal(jz_snapshot_households(snap), 1);
    jz_store *b = fresh("keyed-b.db");
    int64_t before = audit_rows(b);
    static const char *const keyed[] = {"determinations", "param_values", NULL};
    orphan o = {snap};
    jz_error_clear(&err);
    jz_err rc = jz_store_run_keyed(b, keyed, orphan_fn, &o, &err);
    assert_int_not_equal(rc, JZ_OK);
    if (!jz_test_on_pg()) {
        assert_int_equal(rc, JZ_EIO);
        assert_string_equal(err.field, "table");
        assert_string_equal(err.value, "determinations");
        assert_non_null(strstr(err.reason, "households"));
    }
    assert_int_equal(audit_rows(b), before); /* nothing of it written */
    /* The keys are checked row by row again: the same write in a plain run
     * is refused at the row. */
    jz_error_clear(&err);
    assert_int_not_equal(jz_store_run(b, orphan_fn, &o, &err), JZ_OK);
    assert_int_equal(audit_rows(b), before);
    jz_snapshot_free(snap);
    jz_store_close(b);
    jz_store_close(a);
}

/* ---- receiving assistance ------------------------------------------------------ */

static void live_statuses(void **state)
{
    (void)state;
    assert_true(jz_enrolment_live(JZ_ENROL_ACTIVE));
    assert_true(jz_enrolment_live(JZ_ENROL_EXITING)); /* 渐退期: still paid */
    assert_false(jz_enrolment_live(JZ_ENROL_STOPPED));
    assert_false(jz_receives_assistance(JZ_PROG_NONE, 0));
    assert_true(jz_receives_assistance(JZ_PROG_NONE, 1));
    assert_true(jz_receives_assistance(JZ_PROG_DIBAO, 0));
    assert_true(jz_receives_assistance(JZ_PROG_MARGINAL, 2));
}

static bool receives(jz_store *s, const char *key, char *hid)
{
    bool r = true;
    jz_error err;
    assert_int_equal(jz_store_receives_assistance(s, key, &r, hid, &err), JZ_OK);
    return r;
}

/* Monitoring's view of a person: the subject the scan hands over. */
typedef struct seen {
    const char *id;
    bool found, enrolled;
} seen;

static void note_subject(const jz_monitor_subject *sub, void *arg)
{
    seen *x = arg;
    if (strcmp(sub->id, x->id) == 0) {
        x->found = true;
        x->enrolled = sub->who.enrolled;
    }
}

static bool monitoring_enrolled(jz_store *s, const char *id)
{
    seen x = {id, false, false};
    jz_error err;
    assert_int_equal(jz_store_monitor_scan(s, "", jz_date_make(2025, 6, 1), note_subject, &x, &err),
                     JZ_OK);
    assert_true(x.found);
    return x.enrolled;
}

static void one_predicate_everywhere(void **state)
{
    (void)state;
    jz_store *s = fresh("receives.db");
    put_example(s, "01-dibao-rural.json");  /* no current programme */
    put_example(s, "05-gradual-exit.json"); /* current: dibao, from before jiuzhu */
    jz_error err;
    /* A feed row for each, so that monitoring sees them. */
    const char *ids[] = {"140902197803120159", "140105198204040157"};
    int64_t feed = 0;
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_feed_begin(s, JZ_DEPT_MEDICAL, "test.csv", &feed, &err), JZ_OK);
    for (int i = 0; i < 2; i++) {
        jz_feed_row r;
        memset(&r, 0, sizeof r);
        r.dept = JZ_DEPT_MEDICAL;
        r.event = JZ_EV_MEDICAL_SETTLEMENT;
        snprintf(r.id, sizeof r.id, "%s", ids[i]);
        snprintf(r.name, sizeof r.name, "某");
        r.date = jz_date_make(2025, 5, 1);
        r.amount = 100;
        bool added, matched;
        assert_int_equal(jz_store_feed_put(s, feed, &r, &added, &matched, &err), JZ_OK);
        assert_true(matched);
    }
    jz_feed_counts n = {2, 2, 2, 0};
    assert_int_equal(jz_store_feed_end(s, feed, &n, &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);

    /* The record's current programme: receives, by household or member. */
    char hid[JZ_HOUSEHOLD_ID_MAX];
    assert_true(receives(s, "140105198204040157", hid));
    assert_string_equal(hid, "H140105-000505");
    assert_true(monitoring_enrolled(s, ids[1]));
    /* Nothing: does not receive, for every reader. */
    assert_false(receives(s, "H140902-000101", hid));
    assert_false(monitoring_enrolled(s, ids[0]));
    /* A live enrolment: receives. */
    jz_enrolment e;
    memset(&e, 0, sizeof e);
    snprintf(e.county, sizeof e.county, "140902");
    snprintf(e.region, sizeof e.region, "140902");
    snprintf(e.household_id, sizeof e.household_id, "H140902-000101");
    e.member = -1;
    snprintf(e.label, sizeof e.label, "全户");
    e.programme = JZ_UNIT_DIBAO;
    e.persons = 3;
    e.monthly = 100000;
    snprintf(e.first_month, sizeof e.first_month, "2025-01");
    e.status = JZ_ENROL_ACTIVE;
    e.next_review = jz_date_make(2026, 1, 1);
    e.review_months = 12;
    e.death_check_due = JZ_DATE_NONE;
    snprintf(e.origin, sizeof e.origin, "import");
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_enrol_adopt(s, &e, &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    assert_true(receives(s, "H140902-000101", hid));
    assert_true(monitoring_enrolled(s, ids[0]));
    /* In its 渐退期: still receives. */
    jz_enrolment x;
    assert_int_equal(jz_store_enrol_get(s, e.id, &x, &err), JZ_OK);
    x.status = JZ_ENROL_EXITING;
    snprintf(x.end_month, sizeof x.end_month, "2025-08");
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_enrol_put(s, &x, "enrolment.exit", "", &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    assert_true(receives(s, "H140902-000101", hid));
    assert_true(monitoring_enrolled(s, ids[0]));
    /* Stopped: no longer. */
    x.status = JZ_ENROL_STOPPED;
    snprintf(x.stop_reason, sizeof x.stop_reason, "不再符合条件");
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_enrol_put(s, &x, "enrolment.stop", "", &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    assert_false(receives(s, "H140902-000101", hid));
    assert_false(monitoring_enrolled(s, ids[0]));
    /* Someone not in the store. */
    bool r = true;
    assert_int_equal(jz_store_receives_assistance(s, "140902199901010011", &r, hid, &err),
                     JZ_ENOTFOUND);
    assert_false(r);
    assert_string_equal(hid, "");
    jz_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run_retries_busy_then_commits_once),
        cmocka_unit_test(run_returns_input_errors_without_retry),
        cmocka_unit_test(run_gives_up_after_its_tries),
        cmocka_unit_test(run_waits_for_another_writer),
        cmocka_unit_test(keyed_run_refuses_a_row_of_no_household),
        cmocka_unit_test(live_statuses),
        cmocka_unit_test(one_predicate_everywhere),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
