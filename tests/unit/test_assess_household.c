/*
 * test_assess_household.c - assessing a record that is not stored
 * (jz_assess_household, the server's POST /api/assess): the determination
 * of a record, on its date or another; what-if parameters for one
 * assessment that leave the shared parameter set alone; each refusal naming
 * its field; the policy cache giving what resolving gives; and several
 * threads assessing at once with one context, each getting exactly what one
 * thread alone gets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>

#include "jiuzhu/jz_record.h"
#include "proc_fixture.h"

static const char *const names[] = {
    "01-dibao-rural.json",           "02-expenditure-illness-education.json",
    "03-marginal-single-dibao.json", "04-tekun-leaves-household.json",
    "05-gradual-exit.json",          "06-temporary-relief.json"};
#define N_RECORDS (sizeof names / sizeof names[0])
static char *records[N_RECORDS];
static jz_ctx x; /* no store: assessing needs none */

static int setup(void **state)
{
    (void)state;
    char path[4096];
    jz_error err;
    jz_error_clear(&err);
    snprintf(path, sizeof path, "%s/policy", fx_root());
    if (jz_ctx_init(&x, NULL, path, NULL, "测试员", &err) != JZ_OK)
        return -1;
    for (size_t i = 0; i < N_RECORDS; i++) {
        snprintf(path, sizeof path, "%s/examples/%s", fx_root(), names[i]);
        FILE *f = fopen(path, "rb");
        if (!f)
            return -1;
        records[i] = calloc(1, 65536);
        size_t n = records[i] ? fread(records[i], 1, 65535, f) : 0;
        fclose(f);
        if (!n)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_RECORDS; i++)
        free(records[i]);
    jz_ctx_cleanup(&x);
    return 0;
}

static jz_assess_req req(size_t i)
{
    return (jz_assess_req){.record = records[i], .len = strlen(records[i])};
}

static void determination(void **state)
{
    (void)state;
    jz_assess_res *r = malloc(sizeof *r);
    jz_error err;
    jz_error_clear(&err);
    jz_assess_req rq = req(0);
    assert_int_equal(jz_assess_household(&x, NULL, &rq, r, &err), JZ_OK);
    assert_string_equal(r->h.household_id, "H140902-000101");
    assert_int_equal(r->h.assess_date, jz_date_make(2025, 6, 1));
    assert_int_equal(r->result.category, JZ_CAT_DIBAO);
    assert_int_equal(r->result.monthly_amount, 96200);
    assert_int_equal(r->policy.standard[JZ_AREA_RURAL], 65400);
    assert_true(r->trace.n > 0);
    char *json = jz_determination_json(&r->h, &r->policy, &r->result, &r->trace, 0);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"monthly_amount\":\"962.00\""));
    free(json);
    /* Another date replaces the record's. */
    rq.date = jz_date_make(2024, 7, 1);
    assert_int_equal(jz_assess_household(&x, NULL, &rq, r, &err), JZ_OK);
    assert_int_equal(r->h.assess_date, jz_date_make(2024, 7, 1));
    assert_int_equal(r->policy.date, jz_date_make(2024, 7, 1));
    free(r);
}

static void what_if(void **state)
{
    (void)state;
    jz_assess_res *r = malloc(sizeof *r);
    jz_error err;
    jz_error_clear(&err);
    jz_param_value p[] = {{"dibao.standard.rural", "700"}};
    jz_assess_req rq = req(0);
    rq.params = p;
    rq.n_params = 1;
    assert_int_equal(jz_assess_household(&x, NULL, &rq, r, &err), JZ_OK);
    assert_int_equal(r->policy.standard[JZ_AREA_RURAL], 70000);
    assert_int_equal(r->result.monthly_amount, 3 * 70000 - 100000);
    /* The next assessment without it: the parameter set is as it was. */
    rq.n_params = 0;
    assert_int_equal(jz_assess_household(&x, NULL, &rq, r, &err), JZ_OK);
    assert_int_equal(r->result.monthly_amount, 96200);
    free(r);
}

static void refusals(void **state)
{
    (void)state;
    jz_assess_res *r = malloc(sizeof *r);
    jz_error err;
    jz_error_clear(&err);
    jz_param_value unknown[] = {{"dibao.standard.moon", "700"}};
    jz_assess_req rq = req(0);
    rq.params = unknown;
    rq.n_params = 1;
    assert_int_equal(jz_assess_household(&x, NULL, &rq, r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "params.dibao.standard.moon");
    jz_param_value bad[] = {{"dibao.standard.rural", "7.001"}};
    rq.params = bad;
    jz_error_clear(&err);
    assert_int_equal(jz_assess_household(&x, NULL, &rq, r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "params.dibao.standard.rural");
    assert_string_equal(err.value, "7.001");
    jz_param_value worse[] = {{"workflow.total_days", "-3"}};
    rq.params = worse;
    jz_error_clear(&err);
    assert_int_not_equal(jz_assess_household(&x, NULL, &rq, r, &err), JZ_OK);
    assert_string_equal(err.field, "params.workflow.total_days");
    /* A bad record names the household, the field and the value. */
    const char *moon = "{\"household_id\":\"H1\",\"region\":\"140902\",\"area\":\"moon\","
                       "\"members\":[{\"id\":\"140902197803120159\",\"name\":\"甲\","
                       "\"relation\":\"head\"}]}";
    jz_assess_req m = {.record = moon, .len = strlen(moon)};
    jz_error_clear(&err);
    assert_int_equal(jz_assess_household(&x, NULL, &m, r, &err), JZ_EINPUT);
    assert_string_equal(err.household, "H1");
    assert_string_equal(err.field, "area");
    assert_string_equal(err.value, "moon");
    /* No parameters in force before the policy begins. */
    rq = req(0);
    rq.date = jz_date_make(2019, 6, 1);
    jz_error_clear(&err);
    assert_int_equal(jz_assess_household(&x, NULL, &rq, r, &err), JZ_ENOTFOUND);
    assert_string_equal(err.household, "H140902-000101");
    jz_assess_req empty = {0};
    assert_int_equal(jz_assess_household(&x, NULL, &empty, r, &err), JZ_EINPUT);
    free(r);
}

static void cache(void **state)
{
    (void)state;
    jz_policy_cache *c = jz_policy_cache_new(x.params);
    assert_non_null(c);
    const jz_policy *a, *b;
    jz_policy direct;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_policy_cache_get(c, "140902", jz_date_make(2025, 6, 1), &a, &err), JZ_OK);
    assert_int_equal(jz_policy_cache_get(c, "140902", jz_date_make(2025, 6, 1), &b, &err), JZ_OK);
    assert_ptr_equal(a, b);
    assert_int_equal(jz_ctx_policy(&x, "140902", jz_date_make(2025, 6, 1), &direct, &err), JZ_OK);
    assert_memory_equal(a, &direct, sizeof direct);
    assert_int_equal(jz_policy_cache_get(c, "1409", jz_date_make(2025, 6, 1), &a, &err), JZ_EINPUT);
    /* Every example through the cache and without: the same. */
    jz_assess_res *r1 = malloc(sizeof *r1), *r2 = malloc(sizeof *r2);
    for (size_t i = 0; i < N_RECORDS; i++) {
        jz_assess_req rq = req(i);
        assert_int_equal(jz_assess_household(&x, c, &rq, r1, &err), JZ_OK);
        assert_int_equal(jz_assess_household(&x, NULL, &rq, r2, &err), JZ_OK);
        /* (The results' padding is not written: compare what they say.) */
        char *j1 = jz_determination_json(&r1->h, &r1->policy, &r1->result, &r1->trace, 0);
        char *j2 = jz_determination_json(&r2->h, &r2->policy, &r2->result, &r2->trace, 0);
        assert_non_null(j1);
        assert_non_null(j2);
        assert_string_equal(j1, j2);
        free(j1);
        free(j2);
        assert_memory_equal(&r1->policy, &r2->policy, sizeof r1->policy);
    }
    free(r1);
    free(r2);
    jz_policy_cache_free(c);
    jz_policy_cache_free(NULL);
}

/* ---- several threads, one context ----------------------------------------------------- */

#define THREADS 4
#define ROUNDS 150

static char *expected[N_RECORDS][2]; /* [record][with the what-if] */
static jz_param_value what_if_params[] = {{"dibao.standard.rural", "700"},
                                          {"marginal.income_multiple", "2"}};

static char *assess_text(jz_policy_cache *c, size_t i, bool wi, jz_assess_res *r)
{
    jz_assess_req rq = req(i);
    if (wi) {
        rq.params = what_if_params;
        rq.n_params = 2;
    }
    jz_error err;
    jz_error_clear(&err);
    if (jz_assess_household(&x, c, &rq, r, &err) != JZ_OK)
        return NULL;
    return jz_determination_json(&r->h, &r->policy, &r->result, &r->trace, 0);
}

static void *worker(void *arg)
{
    uintptr_t t = (uintptr_t)arg;
    jz_policy_cache *c = t % 2 ? jz_policy_cache_new(x.params) : NULL;
    jz_assess_res *r = malloc(sizeof *r);
    uintptr_t wrong = 0;
    for (size_t k = 0; r && k < ROUNDS; k++) {
        size_t i = (k + t) % N_RECORDS;
        bool wi = (k / N_RECORDS + t) % 2;
        char *got = assess_text(c, i, wi, r);
        if (!got || strcmp(got, expected[i][wi]) != 0)
            wrong++;
        free(got);
    }
    free(r);
    jz_policy_cache_free(c);
    return (void *)wrong;
}

static void threads(void **state)
{
    (void)state;
    jz_assess_res *r = malloc(sizeof *r);
    for (size_t i = 0; i < N_RECORDS; i++)
        for (int wi = 0; wi < 2; wi++)
            assert_non_null(expected[i][wi] = assess_text(NULL, i, wi, r));
    free(r);
    /* The what-if changes something, so a mix-up would show. */
    assert_string_not_equal(expected[0][0], expected[0][1]);
    pthread_t tid[THREADS];
    for (uintptr_t t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&tid[t], NULL, worker, (void *)t), 0);
    for (int t = 0; t < THREADS; t++) {
        void *wrong;
        assert_int_equal(pthread_join(tid[t], &wrong), 0);
        assert_int_equal((uintptr_t)wrong, 0);
    }
    for (size_t i = 0; i < N_RECORDS; i++)
        for (int wi = 0; wi < 2; wi++)
            free(expected[i][wi]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(determination), cmocka_unit_test(what_if), cmocka_unit_test(refusals),
        cmocka_unit_test(cache),         cmocka_unit_test(threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
