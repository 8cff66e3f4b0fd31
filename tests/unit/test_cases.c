/*
 * test_cases.c - the golden eligibility cases: every JSON file in tests/cases is a
 * household record, the parameters it runs under and the determination
 * expected for it, computed by hand from POLICY.md and docs/engine.md (not
 * from the engine).  The format is described in tests/cases/README.md.
 *
 * Each case gets a fresh parameter set (the shipped policy/params plus the
 * case's overrides, as `--param` would give them), its household is read
 * with the real reader, assessed with a full trace and written with the real
 * determination writer; the JSON written is then compared with "expect".
 * Every mismatch is printed (file, key, expected, actual) and the run goes
 * on through all cases, so one run shows every disagreement; the test fails
 * at the end with the number of failing cases.  Two more tests keep the
 * collection honest: enough cases, and every rule the engine applies named
 * by at least one case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jiuzhu/jz_date.h"
#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_err.h"
#include "jiuzhu/jz_household.h"
#include "jiuzhu/jz_params.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_region.h"
#include "jiuzhu/jz_rules.h"

#ifndef JZ_SOURCE_DIR
#define JZ_SOURCE_DIR "."
#endif

#define MIN_CASES 80
#define MAX_CASES 4096
/* The assessment date of a case without assess_date or "date", so that no
 * result depends on the day the tests run. */
#define DEFAULT_DATE ((jz_date)20240601)

typedef struct case_file {
    char *name;  /* file name, e.g. "001-hh-all-relations-counted.json" */
    json_t *doc; /* NULL when the file is not valid JSON (reported by the main test) */
    char load_error[256];
} case_file;

typedef struct suite {
    char root[4096];
    jz_regions *regions;
    case_file *cases;
    size_t n_cases;
} suite;

/* One case's report: counts mismatches and prints each. */
typedef struct report {
    const char *file;
    int mismatches;
} report;

/* ------------------------------------------------------------ printing */

/* JSON text of v for messages (malloc'd); "(absent)" for NULL. */
static char *text_of(const json_t *v)
{
    if (v == NULL)
        return strdup("(absent)");
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    return s ? s : strdup("(unprintable)");
}

static void mismatch(report *r, const char *key, const json_t *expected, const json_t *actual)
{
    char *e = text_of(expected), *a = text_of(actual);
    fprintf(stderr, "MISMATCH %s: %s\n    expected: %s\n    actual:   %s\n", r->file, key,
            e ? e : "?", a ? a : "?");
    free(e);
    free(a);
    r->mismatches++;
}

static void problem(report *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(report *r, const char *key, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "MISMATCH %s: %s: ", r->file, key);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    r->mismatches++;
}

static void report_error(report *r, const char *what, const jz_error *err)
{
    char buf[1024];
    jz_error_format(err, buf, sizeof buf);
    problem(r, what, "%s (field \"%s\", reason \"%s\")", buf, err->field, err->reason);
}

/* ------------------------------------------------------------ comparing */

static void compare_exact(report *r, const char *key, const json_t *expected, const json_t *actual)
{
    if (actual == NULL || !json_equal((json_t *)expected, (json_t *)actual))
        mismatch(r, key, expected, actual);
}

/* A copy of a temporary[] list where an entry without "up_to" has
 * "up_to": false (the writer only writes it when true, for R-TMP-2). */
static json_t *temporary_normalised(const json_t *list)
{
    json_t *out = json_deep_copy(list);
    size_t i;
    json_t *t;
    if (!json_is_array(out))
        return out;
    json_array_foreach(out, i, t)
    {
        if (json_is_object(t) && json_object_get(t, "up_to") == NULL)
            json_object_set_new(t, "up_to", json_false());
    }
    return out;
}

static void compare_temporary(report *r, const json_t *expected, const json_t *actual)
{
    if (actual == NULL) {
        mismatch(r, "temporary", expected, actual);
        return;
    }
    json_t *e = temporary_normalised(expected), *a = temporary_normalised(actual);
    if (!json_equal(e, a))
        mismatch(r, "temporary", expected, actual);
    json_decref(e);
    json_decref(a);
}

static const json_t *find_by_id(const json_t *list, const char *id)
{
    size_t i;
    json_t *p;
    if (!json_is_array(list))
        return NULL;
    json_array_foreach(list, i, p)
    {
        const char *pid = json_string_value(json_object_get(p, "id"));
        if (pid && strcmp(pid, id) == 0)
            return p;
    }
    return NULL;
}

static void compare_persons(report *r, const json_t *expected, const json_t *actual)
{
    const char *id;
    json_t *want;
    char key[256];
    if (!json_is_object(expected)) {
        problem(r, "persons", "the case's \"persons\" should be an object keyed by ID number");
        return;
    }
    if (!json_is_array(actual)) {
        mismatch(r, "persons", expected, actual);
        return;
    }
    json_object_foreach((json_t *)expected, id, want)
    {
        const json_t *got = find_by_id(actual, id);
        if (got == NULL) {
            snprintf(key, sizeof key, "persons[%s]", id);
            mismatch(r, key, want, NULL);
            continue;
        }
        const char *k;
        json_t *v;
        json_object_foreach(want, k, v)
        {
            snprintf(key, sizeof key, "persons[%s].%s", id, k);
            compare_exact(r, key, v, json_object_get(got, k));
        }
    }
}

/* True when referral got has every key of want ("detail_contains": a
 * substring of "detail"). */
static bool referral_matches(const json_t *want, const json_t *got)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)want, k, v)
    {
        if (strcmp(k, "detail_contains") == 0) {
            const char *detail = json_string_value(json_object_get(got, "detail"));
            const char *sub = json_string_value(v);
            if (detail == NULL || sub == NULL || strstr(detail, sub) == NULL)
                return false;
        } else {
            const json_t *g = json_object_get(got, k);
            if (g == NULL || !json_equal(v, (json_t *)g))
                return false;
        }
    }
    return true;
}

static void compare_referrals_include(report *r, const json_t *expected, const json_t *actual)
{
    size_t i, j;
    json_t *want, *got;
    if (!json_is_array(expected)) {
        problem(r, "referrals_include", "should be an array");
        return;
    }
    if (!json_is_array(actual)) {
        mismatch(r, "referrals", expected, actual);
        return;
    }
    json_array_foreach(expected, i, want)
    {
        bool found = false;
        json_array_foreach(actual, j, got)
        {
            if (json_is_object(want) && referral_matches(want, got)) {
                found = true;
                break;
            }
        }
        if (!found) {
            /* Show the referrals of the same person, if any, to help. */
            json_t *same = json_array();
            const char *id = json_string_value(json_object_get(want, "id"));
            json_array_foreach(actual, j, got)
            {
                const char *gid = json_string_value(json_object_get(got, "id"));
                if (id == NULL || (gid && strcmp(gid, id) == 0))
                    json_array_append(same, got);
            }
            char key[64];
            snprintf(key, sizeof key, "referrals_include[%zu]", i);
            mismatch(r, key, want, same);
            json_decref(same);
        }
    }
}

/* No referral matches any item of expected (what must not be referred). */
static void compare_referrals_exclude(report *r, const json_t *expected, const json_t *actual)
{
    size_t i, j;
    json_t *want, *got;
    if (!json_is_array(expected)) {
        problem(r, "referrals_exclude", "should be an array");
        return;
    }
    json_array_foreach(expected, i, want)
    {
        json_array_foreach(actual, j, got)
        {
            if (json_is_object(want) && referral_matches(want, got)) {
                char key[64];
                snprintf(key, sizeof key, "referrals_exclude[%zu]", i);
                mismatch(r, key, want, got);
                break;
            }
        }
    }
}

static bool contains_string(const json_t *list, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *t = json_string_value(v);
        if (t && strcmp(t, s) == 0)
            return true;
    }
    return false;
}

/* Set equality, and the engine's list in rule-table order. */
static void compare_decisive(report *r, const json_t *expected, const json_t *actual)
{
    size_t i;
    json_t *v;
    bool same = json_is_array(expected) && json_is_array(actual);
    if (same) {
        json_array_foreach(expected, i, v)
        {
            if (!json_is_string(v) || !contains_string(actual, json_string_value(v)))
                same = false;
        }
        json_array_foreach(actual, i, v)
        {
            if (!json_is_string(v) || !contains_string(expected, json_string_value(v)))
                same = false;
        }
    }
    if (!same) {
        mismatch(r, "decisive (as a set)", expected, actual);
        return;
    }
    int last = -1;
    json_array_foreach(actual, i, v)
    {
        int k = jz_rule_find(json_string_value(v));
        if (k <= last) {
            mismatch(r, "decisive (not in rule-table order, or repeated)", expected, actual);
            return;
        }
        last = k;
    }
}

/* The first household-level trace entry (no "member") of rule id. */
static const json_t *household_trace(const json_t *trace, const char *id)
{
    size_t i;
    json_t *e;
    if (!json_is_array(trace))
        return NULL;
    json_array_foreach(trace, i, e)
    {
        const char *rule = json_string_value(json_object_get(e, "rule"));
        const json_t *member = json_object_get(e, "member");
        if (rule && strcmp(rule, id) == 0 && (member == NULL || json_is_null(member)))
            return e;
    }
    return NULL;
}

static void compare_trace_holds(report *r, const json_t *expected, const json_t *trace)
{
    const char *id;
    json_t *want;
    char key[128];
    if (!json_is_object(expected)) {
        problem(r, "trace_holds", "should be an object {rule: true|false}");
        return;
    }
    json_object_foreach((json_t *)expected, id, want)
    {
        const json_t *e = household_trace(trace, id);
        snprintf(key, sizeof key, "trace_holds[%s]", id);
        if (e == NULL) {
            problem(r, key, "no household-level trace entry for %s", id);
            continue;
        }
        const json_t *holds = json_object_get(e, "holds");
        if (holds == NULL || !json_equal(want, (json_t *)holds)) {
            mismatch(r, key, want, holds);
            const char *detail = json_string_value(json_object_get(e, "detail"));
            fprintf(stderr, "    trace detail: %s\n", detail ? detail : "(none)");
        }
    }
}

/* The first trace entry of rule id for the member with ID number member. */
static const json_t *member_trace(const json_t *trace, const char *id, const char *member)
{
    size_t i;
    json_t *e;
    if (!json_is_array(trace))
        return NULL;
    json_array_foreach(trace, i, e)
    {
        const char *rule = json_string_value(json_object_get(e, "rule"));
        const char *who = json_string_value(json_object_get(e, "member"));
        if (rule && who && strcmp(rule, id) == 0 && strcmp(who, member) == 0)
            return e;
    }
    return NULL;
}

/* "trace_member": {"<ID number>": {"<rule>": {"holds": bool, "detail_contains": [...],
 * "detail_excludes": [...]}}}: that member's first trace entry of the rule. */
static void compare_trace_member(report *r, const json_t *expected, const json_t *trace)
{
    const char *member, *id;
    json_t *rules, *want;
    char key[256];
    if (!json_is_object(expected)) {
        problem(r, "trace_member", "should be an object {ID number: {rule: {...}}}");
        return;
    }
    json_object_foreach((json_t *)expected, member, rules)
    {
        json_object_foreach(rules, id, want)
        {
            snprintf(key, sizeof key, "trace_member[%s][%s]", member, id);
            const json_t *e = member_trace(trace, id, member);
            if (e == NULL) {
                problem(r, key, "no trace entry of %s for this member", id);
                continue;
            }
            /* The details of every entry of the rule for the member (R-SINGLE-2
             * has one for the conditions and one for the support owed). */
            char detail[8192] = "";
            size_t dl = 0, ti;
            json_t *te;
            json_array_foreach((json_t *)trace, ti, te)
            {
                const char *rule = json_string_value(json_object_get(te, "rule"));
                const char *who = json_string_value(json_object_get(te, "member"));
                const char *d = json_string_value(json_object_get(te, "detail"));
                if (rule && who && d && strcmp(rule, id) == 0 && strcmp(who, member) == 0) {
                    int w = snprintf(detail + dl, sizeof detail - dl, "%s%s", dl ? " | " : "", d);
                    if (w > 0)
                        dl = (size_t)w < sizeof detail - dl ? dl + (size_t)w : sizeof detail - 1;
                }
            }
            bool show = false;
            const json_t *holds = json_object_get(want, "holds");
            if (holds && !json_equal((json_t *)holds, json_object_get(e, "holds"))) {
                mismatch(r, key, holds, json_object_get(e, "holds"));
                show = true;
            }
            const char *lists[] = {"detail_contains", "detail_excludes"};
            for (int k = 0; k < 2; k++) {
                size_t n;
                json_t *sub;
                json_array_foreach(json_object_get(want, lists[k]), n, sub)
                {
                    const char *s = json_string_value(sub);
                    bool found = s && strstr(detail, s) != NULL;
                    if (found != (k == 0)) {
                        problem(r, key, "detail %s \"%s\"", k == 0 ? "lacks" : "has", s ? s : "?");
                        show = true;
                    }
                }
            }
            if (show)
                fprintf(stderr, "    trace detail: %s\n", detail);
        }
    }
}

static void compare_determination(report *r, const json_t *expect, const json_t *det)
{
    const char *key;
    json_t *want;
    json_object_foreach((json_t *)expect, key, want)
    {
        if (strcmp(key, "persons") == 0)
            compare_persons(r, want, json_object_get(det, "persons"));
        else if (strcmp(key, "referrals_include") == 0)
            compare_referrals_include(r, want, json_object_get(det, "referrals"));
        else if (strcmp(key, "referrals_exclude") == 0)
            compare_referrals_exclude(r, want, json_object_get(det, "referrals"));
        else if (strcmp(key, "decisive") == 0)
            compare_decisive(r, want, json_object_get(det, "decisive"));
        else if (strcmp(key, "trace_holds") == 0)
            compare_trace_holds(r, want, json_object_get(det, "trace"));
        else if (strcmp(key, "trace_member") == 0)
            compare_trace_member(r, want, json_object_get(det, "trace"));
        else if (strcmp(key, "temporary") == 0)
            compare_temporary(r, want, json_object_get(det, "temporary"));
        else
            compare_exact(r, key, want, json_object_get(det, key));
    }
}

/* ------------------------------------------------------------ running one case */

/* "name=value" for a case parameter: strings as they are, arrays joined
 * with commas (income.excluded_kinds), numbers and booleans as JSON text. */
static bool param_assignment(const char *name, const json_t *v, char *buf, size_t n)
{
    int w;
    if (json_is_string(v)) {
        w = snprintf(buf, n, "%s=%s", name, json_string_value(v));
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        w = snprintf(buf, n, "%s=", name);
        json_array_foreach(v, i, x)
        {
            if (!json_is_string(x) || w < 0 || (size_t)w >= n)
                return false;
            w += snprintf(buf + w, n - (size_t)w, "%s%s", i ? "," : "", json_string_value(x));
        }
    } else if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v)) {
        char *t = json_dumps(v, JSON_ENCODE_ANY);
        if (t == NULL)
            return false;
        w = snprintf(buf, n, "%s=%s", name, t);
        free(t);
    } else {
        return false;
    }
    return w >= 0 && (size_t)w < n;
}

static jz_paramset *case_params(const suite *s, report *r, const json_t *params)
{
    char dir[4200], assignment[2048];
    jz_error err;
    jz_paramset *ps = jz_paramset_new();
    if (ps == NULL) {
        problem(r, "params", "out of memory");
        return NULL;
    }
    snprintf(dir, sizeof dir, "%s/policy/params", s->root);
    jz_error_clear(&err);
    if (jz_paramset_load_dir(ps, dir, &err) != JZ_OK) {
        report_error(r, "loading policy/params", &err);
        jz_paramset_free(ps);
        return NULL;
    }
    if (params != NULL && !json_is_object(params)) {
        problem(r, "params", "should be an object {name: value}");
        jz_paramset_free(ps);
        return NULL;
    }
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)params, name, v)
    {
        if (!param_assignment(name, v, assignment, sizeof assignment)) {
            problem(r, "params",
                    "value of %s should be a string, number, boolean or array of strings", name);
            continue;
        }
        jz_error_clear(&err);
        if (jz_paramset_override(ps, assignment, &err) != JZ_OK) {
            char key[160];
            snprintf(key, sizeof key, "params.%s", name);
            report_error(r, key, &err);
        }
    }
    return ps;
}

static void check_expected_error(report *r, const json_t *want, jz_err rc, const jz_error *err)
{
    if (rc == JZ_OK) {
        problem(r, "expect_error", "the household was read without error");
        return;
    }
    const json_t *field = json_object_get(want, "field");
    const char *reason = json_string_value(json_object_get(want, "reason_contains"));
    if (field != NULL) {
        json_t *got = json_string(err->field);
        compare_exact(r, "expect_error.field", field, got);
        json_decref(got);
    }
    if (reason != NULL && strstr(err->reason, reason) == NULL) {
        json_t *e = json_string(reason), *g = json_string(err->reason);
        mismatch(r, "expect_error.reason_contains", e, g);
        json_decref(e);
        json_decref(g);
    }
}

/* Runs one case; returns its number of mismatches. */
static int run_case(const suite *s, const case_file *cf)
{
    report r = {cf->name, 0};
    const json_t *doc = cf->doc;
    if (doc == NULL) {
        problem(&r, "file", "not valid JSON: %s", cf->load_error);
        return r.mismatches;
    }
    if (!json_is_object(doc)) {
        problem(&r, "file", "a case should be a JSON object");
        return r.mismatches;
    }
    const json_t *expect = json_object_get(doc, "expect");
    const json_t *expect_error = json_object_get(doc, "expect_error");
    const json_t *household = json_object_get(doc, "household");
    const json_t *household_text = json_object_get(doc, "household_text");
    const json_t *date = json_object_get(doc, "date");
    if (!json_is_string(json_object_get(doc, "description")))
        problem(&r, "description", "missing (one sentence: what boundary the case checks)");
    if (!json_is_array(json_object_get(doc, "rules")) ||
        json_array_size(json_object_get(doc, "rules")) == 0)
        problem(&r, "rules", "missing or empty");
    if ((expect == NULL) == (expect_error == NULL) || (expect != NULL && !json_is_object(expect)) ||
        (expect_error != NULL && !json_is_object(expect_error))) {
        problem(&r, "expect", "give exactly one of \"expect\" and \"expect_error\", as an object");
        return r.mismatches;
    }
    if ((household == NULL) == (household_text == NULL) ||
        (household_text != NULL && !json_is_string(household_text))) {
        problem(&r, "household",
                "give exactly one of \"household\" and \"household_text\" (a string)");
        return r.mismatches;
    }

    jz_parse_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.regions = s->regions;
    opts.default_date = DEFAULT_DATE;
    opts.force_date = JZ_DATE_NONE;
    jz_error err;
    jz_error_clear(&err);
    if (date != NULL) {
        const char *d = json_string_value(date);
        if (d == NULL || jz_date_parse(d, strlen(d), &opts.force_date, &err) != JZ_OK) {
            problem(&r, "date", "should be a date YYYY-MM-DD");
            return r.mismatches;
        }
    }

    char *text = household_text ? strdup(json_string_value(household_text))
                                : json_dumps(household, JSON_COMPACT);
    jz_household_buf *members = calloc(1, sizeof *members);
    jz_result *res = calloc(1, sizeof *res);
    jz_trace *trace = calloc(1, sizeof *trace);
    jz_paramset *ps = NULL;
    char *det_text = NULL;
    json_t *det = NULL;
    jz_household h;
    memset(&h, 0, sizeof h);
    if (text == NULL || members == NULL || res == NULL || trace == NULL) {
        problem(&r, "memory", "out of memory");
        goto done;
    }

    jz_error_clear(&err);
    jz_err rc = jz_household_parse(text, strlen(text), &opts, &h, members, &err);
    if (expect_error != NULL) {
        check_expected_error(&r, expect_error, rc, &err);
        goto done;
    }
    if (rc != JZ_OK) {
        report_error(&r, "reading the household", &err);
        goto done;
    }

    ps = case_params(s, &r, json_object_get(doc, "params"));
    if (ps == NULL)
        goto done;
    char county[7];
    jz_policy pol;
    jz_region_county(&h.region, county);
    jz_error_clear(&err);
    if (jz_policy_resolve(ps, county, h.assess_date, &pol, &err) != JZ_OK) {
        report_error(&r, "resolving the policy", &err);
        goto done;
    }
    jz_assess(&h, &pol, res, trace);
    if (trace->dropped != 0)
        problem(&r, "trace", "%u trace entries dropped", trace->dropped);
    det_text = jz_determination_json(&h, &pol, res, trace, 0);
    if (det_text == NULL) {
        problem(&r, "determination", "jz_determination_json returned NULL");
        goto done;
    }
    json_error_t je;
    det = json_loads(det_text, 0, &je);
    if (det == NULL || !json_is_object(det)) {
        problem(&r, "determination", "not a JSON object: %s", je.text);
        goto done;
    }
    compare_determination(&r, expect, det);
    /* JZ_CASES_DUMP=1 prints the determination of each failing case (=all:
     * of every case), trace included, to help decide who is wrong. */
    {
        const char *dump = getenv("JZ_CASES_DUMP");
        if (dump != NULL && (r.mismatches > 0 || strcmp(dump, "all") == 0)) {
            char *pretty = json_dumps(det, JSON_INDENT(2));
            fprintf(stderr, "DETERMINATION %s:\n%s\n", cf->name, pretty ? pretty : "?");
            free(pretty);
        }
    }

done:
    json_decref(det);
    free(det_text);
    jz_paramset_free(ps);
    free(trace);
    free(res);
    free(members);
    free(text);
    return r.mismatches;
}

/* ------------------------------------------------------------ the suite */

static int by_name(const void *a, const void *b)
{
    return strcmp(((const case_file *)a)->name, ((const case_file *)b)->name);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int setup(void **state)
{
    suite *s = calloc(1, sizeof *s);
    if (s == NULL)
        return -1;
    const char *root = getenv("JZ_SOURCE_DIR");
    if (root == NULL || root[0] == '\0')
        root = JZ_SOURCE_DIR;
    snprintf(s->root, sizeof s->root, "%s", root);

    char path[4200];
    jz_error err;
    jz_error_clear(&err);
    snprintf(path, sizeof path, "%s/policy/regions/shanxi-regions.csv", s->root);
    if (jz_regions_load(path, &s->regions, &err) != JZ_OK) {
        char buf[1024];
        jz_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "cannot load %s: %s\n", path, buf);
        free(s);
        return -1;
    }
    /* The shipped parameters must load on their own, before any case. */
    jz_paramset *ps = jz_paramset_new();
    snprintf(path, sizeof path, "%s/policy/params", s->root);
    jz_error_clear(&err);
    if (ps == NULL || jz_paramset_load_dir(ps, path, &err) != JZ_OK) {
        char buf[1024];
        jz_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "cannot load %s: %s\n", path, buf);
        jz_paramset_free(ps);
        jz_regions_free(s->regions);
        free(s);
        return -1;
    }
    jz_paramset_free(ps);

    snprintf(path, sizeof path, "%s/tests/cases", s->root);
    DIR *d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        jz_regions_free(s->regions);
        free(s);
        return -1;
    }
    s->cases = calloc(MAX_CASES, sizeof *s->cases);
    struct dirent *de;
    while (s->cases != NULL && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !ends_with(de->d_name, ".json") || s->n_cases >= MAX_CASES)
            continue;
        s->cases[s->n_cases++].name = strdup(de->d_name);
    }
    closedir(d);
    if (s->cases == NULL) {
        jz_regions_free(s->regions);
        free(s);
        return -1;
    }
    qsort(s->cases, s->n_cases, sizeof *s->cases, by_name);
    for (size_t i = 0; i < s->n_cases; i++) {
        case_file *cf = &s->cases[i];
        json_error_t je;
        snprintf(path, sizeof path, "%s/tests/cases/%s", s->root, cf->name ? cf->name : "");
        cf->doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
        if (cf->doc == NULL)
            snprintf(cf->load_error, sizeof cf->load_error, "line %d: %s", je.line, je.text);
    }
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    suite *s = *state;
    if (s == NULL)
        return 0;
    for (size_t i = 0; i < s->n_cases; i++) {
        free(s->cases[i].name);
        json_decref(s->cases[i].doc);
    }
    free(s->cases);
    jz_regions_free(s->regions);
    free(s);
    return 0;
}

static void test_every_case_matches(void **state)
{
    const suite *s = *state;
    size_t failing = 0;
    for (size_t i = 0; i < s->n_cases; i++) {
        if (s->cases[i].name == NULL)
            continue;
        if (run_case(s, &s->cases[i]) != 0)
            failing++;
    }
    fprintf(stderr, "test_cases: %zu cases, %zu failing\n", s->n_cases, failing);
    assert_int_equal(failing, 0);
}

static void test_enough_cases(void **state)
{
    const suite *s = *state;
    if (s->n_cases < MIN_CASES)
        fprintf(stderr, "only %zu case files in tests/cases (at least %d expected)\n", s->n_cases,
                MIN_CASES);
    assert_true(s->n_cases >= MIN_CASES);
}

/* Every rule the engine applies is named in the "rules" of some case, and
 * every name there is a rule of the table. */
static void test_every_engine_rule_covered(void **state)
{
    const suite *s = *state;
    bool covered[JZ_RULE_COUNT];
    int problems = 0;
    memset(covered, 0, sizeof covered);
    for (size_t i = 0; i < s->n_cases; i++) {
        const json_t *rules = s->cases[i].doc ? json_object_get(s->cases[i].doc, "rules") : NULL;
        size_t j;
        json_t *v;
        if (!json_is_array(rules))
            continue;
        json_array_foreach(rules, j, v)
        {
            int k = json_is_string(v) ? jz_rule_find(json_string_value(v)) : -1;
            if (k < 0) {
                char *t = text_of(v);
                fprintf(stderr, "%s: unknown rule %s in \"rules\"\n", s->cases[i].name, t);
                free(t);
                problems++;
                continue;
            }
            covered[k] = true;
        }
    }
    for (int k = 0; k < JZ_RULE_COUNT; k++) {
        if (jz_rule_table[k].stage == JZ_STAGE_ENGINE && !covered[k]) {
            fprintf(stderr, "engine rule %s is in no case's \"rules\"\n", jz_rule_ids[k]);
            problems++;
        }
    }
    assert_int_equal(problems, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enough_cases),
        cmocka_unit_test(test_every_engine_rule_covered),
        cmocka_unit_test(test_every_case_matches),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
