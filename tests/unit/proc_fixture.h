/*
 * proc_fixture.h - a fresh store with the example households and a context
 * over the shipped policy, for the tests of the procedure's operations; and
 * the case the integration test carries from 受理 to 公布 (test_procedure.sh):
 * H140902-000101 (example 01, 王建国's family of three, 低保 962.00 a month).
 */
#ifndef JZ_PROC_FIXTURE_H
#define JZ_PROC_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jiuzhu/jz_import.h"
#include "jiuzhu/jz_procedure.h"
#include "store_where.h"

static char fx_dir[64];
static jz_ctx fx;

__attribute__((unused)) static const char *fx_root(void)
{
    const char *d = getenv("JZ_SOURCE_DIR");
    return d && d[0] ? d : JZ_SOURCE_DIR;
}

__attribute__((unused)) static void fx_fail(const char *what, const jz_error *err)
{
    char msg[1024];
    jz_error_format(err, msg, sizeof msg);
    fprintf(stderr, "%s: %s\n", what, msg);
}

/* A new store in a temporary folder, the examples imported, a context. */
__attribute__((unused)) static int fx_setup(void **state)
{
    (void)state;
    snprintf(fx_dir, sizeof fx_dir, "/tmp/jz-proc-XXXXXX");
    if (!mkdtemp(fx_dir))
        return -1;
    char path[4096];
    jz_error err;
    jz_error_clear(&err);
    jz_store *s = NULL;
    snprintf(path, sizeof path, "%s/p.db", fx_dir);
    if (jz_store_open(jz_test_where(path), JZ_STORE_CREATE, &s, &err) != JZ_OK) {
        fx_fail("store", &err);
        return -1;
    }
    snprintf(path, sizeof path, "%s/policy", fx_root());
    if (jz_ctx_init(&fx, s, path, NULL, "测试员", &err) != JZ_OK) {
        fx_fail("ctx", &err);
        jz_store_close(s);
        return -1;
    }
    static const char *const examples[] = {"01-dibao-rural.json", "03-marginal-single-dibao.json",
                                           "06-temporary-relief.json"};
    jz_parse_opts po = {.regions = fx.regions, .default_date = jz_date_make(2025, 1, 2)};
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        jz_import_stats st;
        snprintf(path, sizeof path, "%s/examples/%s", fx_root(), examples[i]);
        if (jz_import_json(s, path, &po, NULL, 1, JZ_IMPORT_BATCH, NULL, NULL, &st, &err) !=
                JZ_OK ||
            st.stored != 1) {
            fx_fail(examples[i], &err);
            return -1;
        }
    }
    return 0;
}

__attribute__((unused)) static int fx_teardown(void **state)
{
    (void)state;
    jz_store *s = fx.store;
    jz_ctx_cleanup(&fx);
    jz_store_close(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", fx_dir);
    return system(cmd) == 0 ? 0 : -1;
}

__attribute__((unused)) static jz_date fx_day(int m, int d)
{
    return jz_date_make(2025, m, d);
}

/* A step of case id on 2025-m-d (asserting it is done). */
__attribute__((unused)) static void fx_step(int64_t id, jz_case_action a, int m, int d,
                                            jz_step_req *rq)
{
    jz_step_req plain = {.action = a};
    if (!rq)
        rq = &plain;
    rq->action = a;
    rq->on = fx_day(m, d);
    jz_step_res *r = malloc(sizeof *r);
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_proc_step(&fx, id, rq, r, &err);
    if (rc)
        fx_fail(jz_case_action_names[a], &err);
    free(r);
    if (rc)
        fail_msg("step %s refused", jz_case_action_names[a]);
}

/* Case 1 of H140902-000101 from 受理 (2025-01-20) to 公布 (2025-02-18), as
 * test_procedure.sh runs it: approved, 低保 for 3 at 962.00 from 2025-03. */
__attribute__((unused)) static int64_t fx_case_to_publish(void)
{
    jz_accept_req rq = {.household_id = "H140902-000101", .on = fx_day(1, 20), .note = "申请低保"};
    jz_accept_res r;
    jz_error err;
    jz_error_clear(&err);
    if (jz_proc_accept(&fx, &rq, false, &r, &err) != JZ_OK) {
        fx_fail("accept", &err);
        fail_msg("accept refused");
    }
    fx_step(r.c.id, JZ_ACT_INVESTIGATE, 1, 22, NULL);
    fx_step(r.c.id, JZ_ACT_VERIFY, 1, 24, NULL);
    fx_step(r.c.id, JZ_ACT_PRELIMINARY, 2, 6, NULL);
    fx_step(r.c.id, JZ_ACT_NOTICE, 2, 7, NULL);
    fx_step(r.c.id, JZ_ACT_CONFIRM, 2, 14, NULL);
    jz_step_req d = {.decision = JZ_DECISION_APPROVED, .note = "符合条件"};
    fx_step(r.c.id, JZ_ACT_DECIDE, 2, 17, &d);
    fx_step(r.c.id, JZ_ACT_PUBLISH, 2, 18, NULL);
    return r.c.id;
}

#endif
