/*
 * test_rules.c - keeps the rule table, the code and POLICY.md in step: every
 * rule ID used in the code is in the table and in POLICY.md, every rule of
 * POLICY.md is in the table, every engine rule is applied by the engine, and
 * every parameter a rule names exists.
 */
#include <ctype.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "jiuzhu/jz_params.h"
#include "jiuzhu/jz_rules.h"

static const char *source_dir(void)
{
    const char *d = getenv("JZ_SOURCE_DIR");
    return d && d[0] ? d : JZ_SOURCE_DIR;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = '\0';
    fclose(f);
    return b;
}

/* Calls fn for every rule ID ("R-" then upper-case/digit groups joined by
 * '-') found in text. */
static void each_rule_id(const char *text, void (*fn)(const char *id, void *arg), void *arg)
{
    for (const char *p = text; (p = strstr(p, "R-")) != NULL;) {
        if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '-' || p[-1] == '_')) {
            p += 2;
            continue;
        }
        const char *q = p + 2;
        while (isupper((unsigned char)*q) || isdigit((unsigned char)*q) ||
               (*q == '-' && (isupper((unsigned char)q[1]) || isdigit((unsigned char)q[1]))))
            q++;
        size_t len = (size_t)(q - p);
        if (len > 3 && len < 32 && q[-1] != '-') {
            char id[32];
            memcpy(id, p, len);
            id[len] = '\0';
            if (strchr(id + 2, '-'))
                fn(id, arg);
        }
        p = q;
    }
}

typedef struct seen {
    int in_table[JZ_RULE_COUNT];
    int unknown;
    const char *where;
} seen;

static void note_id(const char *id, void *arg)
{
    seen *s = arg;
    int r = jz_rule_find(id);
    if (r < 0) {
        fprintf(stderr, "%s: rule ID %s is not in the rule table\n", s->where, id);
        s->unknown++;
    } else {
        s->in_table[r]++;
    }
}

static void policy_and_table_agree(void **state)
{
    (void)state;
    const char *spec = getenv("JZ_SPEC_DIR");
    char path[4096];
    const char *dir = spec && spec[0] ? spec : "../shared/spec";
    snprintf(path, sizeof path, "%s/POLICY.md", dir);
    /* A clone without the shared spec beside it (a user outside the team)
     * has nothing to compare with: say so and skip.  A spec folder that is
     * there but whose POLICY.md cannot be read is a failure. */
    struct stat st;
    if (stat(dir, &st) != 0) {
        printf("SKIPPED: no spec folder at %s (the shared spec is not beside this clone); the "
               "rule table is not compared with POLICY.md\n",
               dir);
        skip();
    }
    char *policy = slurp(path);
    if (!policy)
        fail_msg("cannot read %s (set JZ_SPEC_DIR to the shared spec folder)", path);
    seen s = {.where = "POLICY.md"};
    each_rule_id(policy, note_id, &s);
    assert_int_equal(s.unknown, 0);
    for (int r = 0; r < JZ_RULE_COUNT; r++) {
        if (!s.in_table[r])
            fprintf(stderr, "rule %s of the table is not in POLICY.md\n", jz_rule_ids[r]);
        assert_true(s.in_table[r] > 0);
    }
    free(policy);
}

static void scan_dir(const char *dir, seen *s, int *engine_refs)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 3 || (strcmp(e->d_name + n - 2, ".c") != 0 && strcmp(e->d_name + n - 2, ".h") != 0))
            continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
            fail_msg("path too long: %s", e->d_name);
        char *text = slurp(path);
        assert_non_null(text);
        s->where = e->d_name;
        /* The rule list itself and the table define IDs; everything else uses them. */
        if (strcmp(e->d_name, "rule_table.c") != 0)
            each_rule_id(text, note_id, s);
        if (engine_refs && strcmp(e->d_name, "engine.c") == 0) {
            for (int r = 0; r < JZ_RULE_COUNT; r++) {
                char sym[64];
                const char *id = jz_rule_ids[r] + 2; /* "DB-1" */
                int k = snprintf(sym, sizeof sym, "JZ_RULE_");
                for (const char *c = id; *c && k < 60; c++)
                    sym[k++] = *c == '-' ? '_' : *c;
                sym[k] = '\0';
                /* An exact symbol (not a prefix of a longer one). */
                for (const char *p = text; (p = strstr(p, sym)) != NULL; p += k)
                    if (!isalnum((unsigned char)p[k]) && p[k] != '_')
                        engine_refs[r]++;
            }
        }
        free(text);
    }
    closedir(d);
}

static void code_ids_are_in_table(void **state)
{
    (void)state;
    const char *dirs[] = {"lib/base",  "lib/model", "lib/policy",
                          "lib/rules", "cli",       "include/jiuzhu"};
    seen s = {0};
    int engine_refs[JZ_RULE_COUNT] = {0};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", source_dir(), dirs[i]) >= (int)sizeof path)
            fail_msg("source dir path too long");
        scan_dir(path, &s, strcmp(dirs[i], "lib/rules") == 0 ? engine_refs : NULL);
    }
    assert_int_equal(s.unknown, 0);
    for (int r = 0; r < JZ_RULE_COUNT; r++) {
        if (jz_rule_table[r].stage != JZ_STAGE_ENGINE)
            continue;
        if (engine_refs[r] == 0)
            fprintf(stderr, "engine rule %s is never applied in lib/rules/engine.c\n",
                    jz_rule_ids[r]);
        assert_true(engine_refs[r] > 0);
    }
}

static void table_entries_complete(void **state)
{
    (void)state;
    for (int r = 0; r < JZ_RULE_COUNT; r++) {
        const jz_rule_info *ri = &jz_rule_table[r];
        assert_non_null(jz_rule_ids[r]);
        assert_non_null(ri->title);
        assert_non_null(ri->source);
        assert_true(strlen(ri->source) > 4);
        assert_int_equal(jz_rule_find(jz_rule_ids[r]), r);
        /* Every parameter a rule names exists. */
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", ri->params);
        for (char *p = buf, *end; *p; p = end) {
            end = strchr(p, ',');
            if (end)
                *end++ = '\0';
            else
                end = p + strlen(p);
            if (jz_param_find(p) < 0)
                fail_msg("rule %s names unknown parameter '%s'", jz_rule_ids[r], p);
        }
    }
    /* Engine rules fit the decisive bit set. */
    for (int r = 0; r < JZ_RULE_COUNT; r++)
        if (jz_rule_table[r].stage == JZ_STAGE_ENGINE)
            assert_true(r < 64);
    assert_int_equal(jz_rule_find("R-NOPE-1"), -1);
}

static void rule_id_scanner(void **state)
{
    (void)state;
    seen s = {.where = "scanner"};
    each_rule_id("x R-DB-1, (R-EXP-ILL) R-TK-CARE; NOT-R-X and R- alone, R-DB-AMT.", note_id, &s);
    assert_int_equal(s.unknown, 0);
    assert_int_equal(s.in_table[JZ_RULE_DB_1], 1);
    assert_int_equal(s.in_table[JZ_RULE_EXP_ILL], 1);
    assert_int_equal(s.in_table[JZ_RULE_TK_CARE], 1);
    assert_int_equal(s.in_table[JZ_RULE_DB_AMT], 1);
    seen bad = {.where = "scanner"};
    each_rule_id("R-FOO-9", note_id, &bad);
    assert_int_equal(bad.unknown, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rule_id_scanner),
        cmocka_unit_test(policy_and_table_agree),
        cmocka_unit_test(code_ids_are_in_table),
        cmocka_unit_test(table_entries_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
