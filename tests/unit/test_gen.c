/*
 * test_gen.c - the registry generator: the same seed and household number
 * give the same record and another seed another one; generated records are
 * valid (they read back through jz_household_parse with the regions table
 * and write out again identically) and plausible (ID numbers agree with the
 * county, sex and relations; schooling with age); no ID number occurs twice
 * in a run of a million households, nor in a county filled to capacity;
 * every category of the determination occurs, in broad bounds, under the
 * shipped parameters; --region restricts where households live and bad
 * regions, too large runs and dates without a standard are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_gen.h"
#include "jiuzhu/jz_record.h"

#define DATE jz_date_make(2025, 6, 1)

typedef struct suite {
    jz_regions *regions;
    jz_paramset *ps;
    jz_household_buf buf, buf2;
    jz_result result;
} suite;

static suite *S;

static int setup(void **state)
{
    (void)state;
    S = calloc(1, sizeof *S);
    if (!S)
        return -1;
    const char *root = getenv("JZ_SOURCE_DIR");
    if (!root || !root[0])
        root = JZ_SOURCE_DIR;
    char path[4200];
    jz_error err;
    jz_error_clear(&err);
    snprintf(path, sizeof path, "%s/policy/regions/shanxi-regions.csv", root);
    if (jz_regions_load(path, &S->regions, &err) != JZ_OK)
        return -1;
    snprintf(path, sizeof path, "%s/policy/params", root);
    if (!(S->ps = jz_paramset_new()) || jz_paramset_load_dir(S->ps, path, &err) != JZ_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jz_paramset_free(S->ps);
    jz_regions_free(S->regions);
    free(S);
    return 0;
}

static jz_gen *make(uint64_t seed, const char *region, uint64_t households)
{
    jz_gen_opts o = {.seed = seed,
                     .region = region,
                     .date = DATE,
                     .regions = S->regions,
                     .params = S->ps,
                     .households = households};
    jz_gen *g = NULL;
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_gen_new(&o, &g, &err);
    if (rc != JZ_OK) {
        char line[1024];
        jz_error_format(&err, line, sizeof line);
        fail_msg("jz_gen_new: %s", line);
    }
    return g;
}

static char *json_of(const jz_gen *g, uint64_t i, jz_household_buf *buf)
{
    jz_household h;
    jz_gen_household(g, i, &h, buf);
    char *s = jz_household_json(&h, 0);
    assert_non_null(s);
    return s;
}

static void test_deterministic(void **state)
{
    (void)state;
    jz_gen *a = make(42, NULL, 0), *b = make(42, NULL, 0);
    static const uint64_t idx[] = {0, 1, 2, 999, 123456, 999999, 7777777};
    /* Another generator, another order, the same bytes. */
    for (size_t k = 0; k < sizeof idx / sizeof idx[0]; k++) {
        char *x = json_of(a, idx[k], &S->buf);
        char *y = json_of(b, idx[sizeof idx / sizeof idx[0] - 1 - k], &S->buf2);
        char *z = json_of(b, idx[k], &S->buf2);
        assert_string_equal(x, z);
        free(x);
        free(y);
        free(z);
    }
    jz_gen_free(a);
    jz_gen_free(b);
}

static void test_seeds_differ(void **state)
{
    (void)state;
    jz_gen *a = make(1, NULL, 0), *b = make(2, NULL, 0);
    int same = 0;
    for (uint64_t i = 0; i < 100; i++) {
        char *x = json_of(a, i, &S->buf), *y = json_of(b, i, &S->buf2);
        same += strcmp(x, y) == 0;
        free(x);
        free(y);
    }
    assert_int_equal(same, 0);
    jz_gen_free(a);
    jz_gen_free(b);
}

/* What a reader of the record would find implausible. */
static void check_plausible(const jz_household *h, const jz_gen *g)
{
    const jz_member *head = &h->members[0];
    assert_int_equal(head->relation, JZ_REL_HEAD);
    assert_int_equal(h->region.len, 12);
    assert_non_null(jz_gen_policy(g, h));
    int head_age = jz_date_age(head->birth, h->assess_date);
    int head_sex = jz_idnum_sex(head->id);
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        int age = jz_date_age(m->birth, h->assess_date);
        assert_true(age >= 0 && age <= 105);
        assert_int_equal(jz_idnum_birth(m->id), m->birth);
        if (m->relation != JZ_REL_SPOUSE)
            assert_memory_equal(m->id, h->region.code, 6);
        if (i > 0)
            assert_int_not_equal(m->relation, JZ_REL_HEAD);
        if (m->relation == JZ_REL_SPOUSE)
            assert_int_not_equal(jz_idnum_sex(m->id), head_sex);
        if (m->relation == JZ_REL_CHILD)
            assert_true(age <= head_age - 17);
        if (m->relation == JZ_REL_PARENT || m->relation == JZ_REL_GRANDPARENT)
            assert_true(age >= head_age + 17);
        if (m->student_level == JZ_STU_PRIMARY)
            assert_true(age >= 5 && age <= 12);
        if (m->student_level >= JZ_STU_COLLEGE)
            assert_true(age >= 17);
        if (m->student_level != JZ_STU_NONE)
            assert_int_equal(m->employment, JZ_EMP_STUDENT);
        if (m->employment == JZ_EMP_RETIRED)
            assert_true(age >= 59);
        if (m->disability)
            assert_true(m->disability_grade >= 1 && m->disability_grade <= 4);
        if (m->deceased != JZ_DATE_NONE)
            assert_true(m->deceased >= m->birth && m->deceased <= h->assess_date);
        assert_non_null(m->name);
        assert_true(strlen(m->name) >= 6); /* two Chinese characters at least */
    }
}

static void test_records_read_back(void **state)
{
    (void)state;
    jz_gen *g = make(7, NULL, 20000);
    jz_parse_opts opts = {.regions = S->regions, .default_date = DATE, .force_date = JZ_DATE_NONE};
    uint64_t persons = 0;
    for (uint64_t i = 0; i < 20000; i++) {
        jz_household h, back;
        jz_gen_household(g, i, &h, &S->buf);
        check_plausible(&h, g);
        persons += h.n_members;
        char *json = jz_household_json(&h, 0);
        assert_non_null(json);
        jz_error err;
        jz_error_clear(&err);
        jz_err rc = jz_household_parse(json, strlen(json), &opts, &back, &S->buf2, &err);
        if (rc != JZ_OK) {
            char line[1024];
            jz_error_format(&err, line, sizeof line);
            fail_msg("household %llu does not read back: %s\n%s", (unsigned long long)i, line,
                     json);
        }
        char *again = jz_household_json(&back, 0);
        assert_non_null(again);
        assert_string_equal(json, again);
        char want[32];
        snprintf(want, sizeof want, "-%08llu", (unsigned long long)i);
        assert_non_null(strstr(h.household_id, want));
        free(json);
        free(again);
    }
    /* About 2.6 persons a household. */
    assert_true(persons > 20000 * 24 / 10 && persons < 20000 * 29 / 10);
    jz_gen_free(g);
}

/* ---- no ID number twice --------------------------------------------------- */

typedef struct idset {
    uint64_t *slot; /* the first 17 digits as a number + 1; 0 = empty */
    size_t mask;
    size_t n;
} idset;

static bool idset_add(idset *s, const char *id)
{
    uint64_t v = 0;
    for (int i = 0; i < 17; i++)
        v = v * 10 + (uint64_t)(id[i] - '0');
    v++;
    uint64_t hsh = v * UINT64_C(0x9e3779b97f4a7c15);
    for (size_t p = (size_t)(hsh >> 20) & s->mask;; p = (p + 1) & s->mask) {
        if (s->slot[p] == v)
            return false;
        if (s->slot[p] == 0) {
            s->slot[p] = v;
            s->n++;
            return true;
        }
    }
}

/* Generates n households of region and fails on the first ID number seen
 * twice; returns the number of persons. */
static uint64_t check_unique(const char *region, uint64_t n, uint64_t seed)
{
    jz_gen *g = make(seed, region, n);
    idset s = {.mask = ((size_t)1 << 23) - 1};
    s.slot = calloc(s.mask + 1, sizeof *s.slot);
    assert_non_null(s.slot);
    for (uint64_t i = 0; i < n; i++) {
        jz_household h;
        jz_gen_household(g, i, &h, &S->buf);
        for (uint32_t k = 0; k < h.n_members; k++)
            if (!idset_add(&s, h.members[k].id))
                fail_msg("ID number %s of household %llu (%s) seen before", h.members[k].id,
                         (unsigned long long)i, region ? region : "14");
    }
    uint64_t persons = s.n;
    free(s.slot);
    jz_gen_free(g);
    return persons;
}

static void test_unique_ids_province(void **state)
{
    (void)state;
    uint64_t persons = check_unique(NULL, 1000000, 3);
    printf("1,000,000 households of Shanxi: %llu persons, no ID number twice\n",
           (unsigned long long)persons);
}

static void test_unique_ids_county_at_capacity(void **state)
{
    (void)state;
    /* One county, as full as the generator allows, and one township. */
    uint64_t persons = check_unique("140902", 140000, 11);
    printf("140,000 households of 140902: %llu persons, no ID number twice\n",
           (unsigned long long)persons);
    check_unique("140902001", 145000, 12);
}

/* ---- what the engine makes of them ------------------------------------------ */

typedef struct cache {
    char county[8][7];
    jz_policy policy[8];
    int n;
} cache;

/* Resolves independently of the generator's own table (8 recent counties). */
static const jz_policy *resolve(cache *c, const jz_household *h)
{
    char county[7];
    jz_region_county(&h->region, county);
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->county[i], county) == 0)
            return &c->policy[i];
    int slot = c->n < 8 ? c->n++ : (int)(county[5] - '0') % 8;
    jz_error err;
    assert_int_equal(jz_policy_resolve(S->ps, county, h->assess_date, &c->policy[slot], &err),
                     JZ_OK);
    memcpy(c->county[slot], county, 7);
    return &c->policy[slot];
}

static void test_categories(void **state)
{
    (void)state;
    const uint64_t n = 20000;
    jz_gen *g = make(7, NULL, n);
    cache *c = calloc(1, sizeof *c);
    assert_non_null(c);
    uint64_t cat[JZ_CAT_COUNT] = {0}, pcat[JZ_PCAT_COUNT] = {0}, exits = 0, deaths = 0, tmp = 0,
             absent = 0;
    for (uint64_t i = 0; i < n; i++) {
        jz_household h;
        jz_gen_household(g, i, &h, &S->buf);
        const jz_policy *p = resolve(c, &h);
        assert_int_equal(p->standard[JZ_AREA_URBAN], jz_gen_policy(g, &h)->standard[JZ_AREA_URBAN]);
        jz_assess(&h, p, &S->result, NULL);
        cat[S->result.category]++;
        exits += S->result.exit;
        deaths += (S->result.decisive >> JZ_RULE_DEATH_1) & 1u;
        tmp += (S->result.decisive >> JZ_RULE_TMP_1) & 1u;
        absent += (S->result.decisive >> JZ_RULE_HH_2) & 1u;
        for (uint32_t k = 0; k < S->result.n_persons; k++)
            for (int b = 0; b < JZ_PCAT_COUNT; b++)
                pcat[b] += (S->result.persons[k].categories >> b) & 1u;
    }
    printf("categories of %llu households:", (unsigned long long)n);
    for (int k = 0; k < JZ_CAT_COUNT; k++)
        printf(" %s %.1f%%", jz_category_names[k], 100.0 * (double)cat[k] / (double)n);
    printf("\npersons:");
    for (int b = 0; b < JZ_PCAT_COUNT; b++)
        printf(" %s %llu", jz_pcat_names[b], (unsigned long long)pcat[b]);
    printf("; R-EXIT-1 %llu, R-DEATH-1 %llu, R-TMP-1 %llu, R-HH-2 %llu households\n",
           (unsigned long long)exits, (unsigned long long)deaths, (unsigned long long)tmp,
           (unsigned long long)absent);
    /* Broad bounds, per mille of households. */
    static const struct {
        int cat, lo, hi;
    } bounds[] = {{JZ_CAT_NONE, 450, 650},
                  {JZ_CAT_DIBAO, 180, 330},
                  {JZ_CAT_DIBAO_EXPENDITURE, 25, 90},
                  {JZ_CAT_MARGINAL, 80, 180},
                  {JZ_CAT_RIGID_EXPENDITURE, 8, 50}};
    for (size_t k = 0; k < sizeof bounds / sizeof bounds[0]; k++) {
        uint64_t pm = cat[bounds[k].cat] * 1000 / n;
        if (pm < (uint64_t)bounds[k].lo || pm > (uint64_t)bounds[k].hi)
            fail_msg("%s: %llu per mille, outside [%d, %d]", jz_category_names[bounds[k].cat],
                     (unsigned long long)pm, bounds[k].lo, bounds[k].hi);
    }
    for (int b = 0; b < JZ_PCAT_COUNT; b++)
        assert_true(pcat[b] > 0);
    assert_true(pcat[3] > n / 200); /* 特困 persons: more than 0.5% of households */
    assert_true(exits > 0 && deaths > 0 && tmp > 0 && absent > 0);
    free(c);
    jz_gen_free(g);
}

/* R-TK-4: no generated record's supporters contradict its own members.  A
 * county of 20,000 households under three seeds, assessed with a trace:
 * the engine's R-TK-4 entry never says 与户内成员不符; and every 特困 person
 * is so by the fixpoint, with no able co-resident obligor. */
static void test_supporters_agree_with_members(void **state)
{
    (void)state;
    const uint64_t n = 20000;
    jz_trace *t = malloc(sizeof *t);
    assert_non_null(t);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        jz_gen *g = make(seed, "140902", n);
        uint64_t tekun = 0, investigated = 0, contradictions = 0;
        for (uint64_t i = 0; i < n; i++) {
            jz_household h;
            jz_gen_household(g, i, &h, &S->buf);
            const jz_policy *p = jz_gen_policy(g, &h);
            jz_assess(&h, p, &S->result, t);
            assert_int_equal(t->dropped, 0);
            for (uint32_t k = 0; k < t->n; k++) {
                if (t->e[k].rule != JZ_RULE_TK_4)
                    continue;
                char detail[2048];
                jz_trace_detail(&t->e[k], &h, detail, sizeof detail);
                if (strstr(detail, "与户内成员不符")) {
                    if (contradictions++ < 3)
                        printf("seed %llu %s: %s\n", (unsigned long long)seed, h.household_id,
                               detail);
                }
            }
            jz_coresident cr;
            jz_assess_coresident(&h, p, &cr);
            for (uint32_t k = 0; k < h.n_members; k++) {
                investigated += h.members[k].supporters_known;
                if (!(S->result.persons[k].categories & JZ_PCAT_TEKUN))
                    continue;
                tekun++;
                assert_true((cr.tekun >> k) & 1u);
                for (uint32_t m = cr.obligors[k]; m; m &= m - 1)
                    assert_int_not_equal(cr.status[__builtin_ctz(m)], JZ_SUP_ABLE);
            }
        }
        printf("seed %llu, 140902, %llu households: %llu 特困 persons, %llu persons with "
               "supporters investigated, %llu whose list contradicts the record\n",
               (unsigned long long)seed, (unsigned long long)n, (unsigned long long)tekun,
               (unsigned long long)investigated, (unsigned long long)contradictions);
        assert_int_equal(contradictions, 0);
        assert_true(tekun > n / 200);
        jz_gen_free(g);
    }
    free(t);
}

/* ---- regions ------------------------------------------------------------------ */

static void check_region(const char *region, size_t counties)
{
    jz_gen *g = make(5, region, 1000);
    if (counties)
        assert_int_equal(jz_gen_counties(g), counties);
    for (uint64_t i = 0; i < 1000; i++) {
        jz_household h;
        jz_gen_household(g, i, &h, &S->buf);
        assert_memory_equal(h.region.code, region, strlen(region));
        assert_memory_equal(h.household_id + 1, h.region.code, 6);
    }
    jz_gen_free(g);
}

static jz_err try_make(const char *region, uint64_t households, jz_date date, jz_error *err)
{
    jz_gen_opts o = {.seed = 1,
                     .region = region,
                     .date = date,
                     .regions = S->regions,
                     .params = S->ps,
                     .households = households};
    jz_gen *g = NULL;
    jz_error_clear(err);
    jz_err rc = jz_gen_new(&o, &g, err);
    if (rc == JZ_OK)
        assert_non_null(g);
    else
        assert_null(g);
    jz_gen_free(g);
    return rc;
}

static void test_region_restricts(void **state)
{
    (void)state;
    check_region("140902", 1);
    check_region("1409", 0);
    check_region("140902001", 1);
    jz_gen *all = make(5, NULL, 0), *empty = make(5, "", 0), *prov = make(5, "14", 0);
    assert_int_equal(jz_gen_counties(all), jz_gen_counties(empty));
    assert_int_equal(jz_gen_townships(all), jz_gen_townships(prov));
    assert_true(jz_gen_counties(all) > 100);
    assert_true(jz_gen_townships(all) > 1000);
    jz_gen_free(all);
    jz_gen_free(empty);
    jz_gen_free(prov);

    jz_error err;
    static const char *const bad[] = {"140999", "1499", "140902999",  "abc",
                                      "14090",  "11",   "1409020010", "140902001001"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(try_make(bad[k], 10, DATE, &err), JZ_EUSAGE);
        assert_string_equal(err.field, "region");
    }
    /* Too many households for one county's ID numbers; fine for the province. */
    assert_int_equal(try_make("140902", 200000, DATE, &err), JZ_EUSAGE);
    assert_string_equal(err.field, "households");
    assert_int_equal(try_make(NULL, 5000000, DATE, &err), JZ_OK);
    /* No standard in force on the date: the parameters' error. */
    jz_err rc = try_make("140902", 10, jz_date_make(2001, 1, 1), &err);
    assert_int_not_equal(rc, JZ_OK);
    assert_int_not_equal(rc, JZ_EUSAGE);
}

/* Households of a city spread over its counties and their villages. */
static void test_spread(void **state)
{
    (void)state;
    jz_gen *g = make(9, "1409", 0);
    size_t nc = jz_gen_counties(g);
    assert_true(nc >= 10);
    char seen[64][7];
    size_t ns = 0;
    int urban = 0, villages_over_9 = 0;
    for (uint64_t i = 0; i < 5000; i++) {
        jz_household h;
        jz_gen_household(g, i, &h, &S->buf);
        urban += h.area == JZ_AREA_URBAN;
        villages_over_9 += strcmp(h.region.code + 9, "009") > 0;
        size_t k = 0;
        while (k < ns && memcmp(seen[k], h.region.code, 6) != 0)
            k++;
        if (k == ns && ns < 64)
            memcpy(seen[ns++], h.region.code, 6);
    }
    assert_int_equal(ns, nc);
    assert_true(urban > 500 && urban < 3000);
    assert_true(villages_over_9 > 500);
    jz_gen_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_seeds_differ),
        cmocka_unit_test(test_records_read_back),
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_supporters_agree_with_members),
        cmocka_unit_test(test_region_restricts),
        cmocka_unit_test(test_spread),
        cmocka_unit_test(test_unique_ids_county_at_capacity),
        cmocka_unit_test(test_unique_ids_province),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
