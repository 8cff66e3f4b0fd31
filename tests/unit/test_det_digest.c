/*
 * test_det_digest.c - the stored determinations' digests take in their
 * parameters (jz__digest_add_params, lib/store/det_digest.c): every
 * household gets the digest of its own parameter row's text, whatever the
 * order of the rows and however many distinct ones there are (a run writes
 * one per county and date, and a province's households of 121 counties
 * interleave), and a household with no determination keeps none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store_int.h"

static int fetched;

/* The text of parameter row pv: what a backend reads from param_values. */
static jz_err params_text(void *impl, int64_t pv, char **text, jz_error *err)
{
    (void)impl;
    (void)err;
    fetched++;
    char buf[64];
    snprintf(buf, sizeof buf, "{\"county\": %lld}", (long long)pv);
    *text = strdup(buf);
    return *text ? JZ_OK : JZ_ENOMEM;
}

static void check(size_t n, int64_t (*pv_of)(size_t i), int distinct)
{
    int64_t *pv = malloc(n * sizeof *pv);
    uint64_t *digest = malloc(n * sizeof *digest);
    assert_non_null(pv);
    assert_non_null(digest);
    for (size_t i = 0; i < n; i++) {
        pv[i] = pv_of(i);
        digest[i] = 1000 + i; /* what the household's rows added */
    }
    jz_error err;
    jz_error_clear(&err);
    fetched = 0;
    assert_int_equal(jz__digest_add_params(digest, pv, n, params_text, NULL, &err), JZ_OK);
    /* Each distinct row read once. */
    assert_int_equal(fetched, distinct);
    for (size_t i = 0; i < n; i++) {
        if (pv[i] <= 0) {
            assert_int_equal(digest[i], 0);
            continue;
        }
        char buf[64];
        snprintf(buf, sizeof buf, "{\"county\": %lld}", (long long)pv[i]);
        uint64_t want = 1000 + i + jz__text_digest(buf);
        assert_int_equal(digest[i], want ? want : 1);
    }
    free(pv);
    free(digest);
}

/* 242 rows (two runs of 121 counties), households of every county in turn,
 * one in seven with no determination. */
static int64_t interleaved(size_t i)
{
    return i % 7 == 3 ? 0 : (int64_t)((i * 37) % 242) + 1;
}

/* Runs of one row each, as a county's households lie together. */
static int64_t in_runs(size_t i)
{
    return (int64_t)(i / 1000) + 1;
}

static void many_counties_interleaved(void **state)
{
    (void)state;
    check(200000, interleaved, 242);
}

static void counties_in_runs(void **state)
{
    (void)state;
    check(50000, in_runs, 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(many_counties_interleaved),
        cmocka_unit_test(counties_in_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
