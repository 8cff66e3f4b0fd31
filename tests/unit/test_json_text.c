/*
 * test_json_text.c - the JSON text writer (lib/base/json_text.c) writes
 * the same bytes as jansson's json_dumps(JSON_COMPACT) of the same tree:
 * escapes, Chinese kept as UTF-8, nesting, empty containers; a string that
 * is not UTF-8 fails the whole text as jansson refuses it; and every
 * example's determination, with its trace, is jansson's compact text of
 * itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jiuzhu/jz_record.h"
#include "base/base_int.h"
#include "proc_fixture.h"

static char *dumped(json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(v);
    return s;
}

static void strings_as_jansson(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "",
        "plain",
        "引号\"与反斜杠\\",
        "控制\x01\x02\x1f字符\b\f\n\r\t",
        "斜杠/不转义",
        "户主：王建国，残疾等级 2 级；≥ 915.00 元",
        "\x7f delete stays",
        "emoji \xf0\x9f\x98\x80 and U+2028 \xe2\x80\xa8",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        jz__jw w = {0};
        jz__jw_arr(&w);
        jz__jw_str(&w, texts[i]);
        jz__jw_end_arr(&w);
        char *mine = jz__jw_finish(&w);
        json_t *a = json_array();
        json_array_append_new(a, json_string(texts[i]));
        char *theirs = dumped(a);
        assert_non_null(mine);
        assert_string_equal(mine, theirs);
        free(mine);
        free(theirs);
    }
}

static void structure_as_jansson(void **state)
{
    (void)state;
    jz__jw w = {0};
    jz__jw_obj(&w);
    jz__jw_key(&w, "id");
    jz__jw_str(&w, "H140902-000101");
    jz__jw_key(&w, "n");
    jz__jw_int(&w, -42);
    jz__jw_key(&w, "big");
    jz__jw_int(&w, 9007199254740993LL);
    jz__jw_key(&w, "yes");
    jz__jw_bool(&w, true);
    jz__jw_key(&w, "no");
    jz__jw_bool(&w, false);
    jz__jw_key(&w, "none");
    jz__jw_null(&w);
    jz__jw_key(&w, "empty");
    jz__jw_arr(&w);
    jz__jw_end_arr(&w);
    jz__jw_key(&w, "nested");
    jz__jw_arr(&w);
    jz__jw_obj(&w);
    jz__jw_end_obj(&w);
    jz__jw_obj(&w);
    jz__jw_key(&w, "金额");
    jz__jw_money(&w, 91500);
    jz__jw_key(&w, "date");
    jz__jw_date(&w, jz_date_make(2025, 6, 1));
    jz__jw_end_obj(&w);
    jz__jw_end_arr(&w);
    jz__jw_end_obj(&w);
    char *mine = jz__jw_finish(&w);
    json_t *o = json_pack("{s:s, s:I, s:I, s:b, s:b, s:n, s:[], s:[{}, {s:s, s:s}]}", "id",
                          "H140902-000101", "n", (json_int_t)-42, "big",
                          (json_int_t)9007199254740993LL, "yes", 1, "no", 0, "none", "empty",
                          "nested", "金额", "915.00", "date", "2025-06-01");
    char *theirs = dumped(o);
    assert_non_null(mine);
    assert_string_equal(mine, theirs);
    free(mine);
    free(theirs);
}

static void failures(void **state)
{
    (void)state;
    jz__jw w = {0};
    jz__jw_arr(&w);
    jz__jw_str(&w, "bad \xff byte");
    jz__jw_end_arr(&w);
    assert_null(jz__jw_finish(&w));
    assert_null(json_string("bad \xff byte")); /* as jansson */
    /* A surrogate, an overlong form, a sequence cut short at the end. */
    static const char *const bad[] = {"\xed\xa0\x80", "\xe0\x80\x80", "ok \xe4\xb8"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jz__jw b = {0};
        jz__jw_str(&b, bad[i]);
        assert_null(jz__jw_finish(&b));
        assert_null(json_string(bad[i]));
    }
    jz__jw u = {0};
    jz__jw_obj(&u); /* never closed */
    assert_null(jz__jw_finish(&u));
    jz__jw d = {0};
    for (int i = 0; i < 20; i++) /* deeper than the writer holds */
        jz__jw_arr(&d);
    for (int i = 0; i < 20; i++)
        jz__jw_end_arr(&d);
    assert_null(jz__jw_finish(&d));
}

/* Each example's determination (with the trace) is the compact text
 * jansson writes of it. */
static void determinations_canonical(void **state)
{
    (void)state;
    static const char *const names[] = {
        "01-dibao-rural.json",           "02-expenditure-illness-education.json",
        "03-marginal-single-dibao.json", "04-tekun-leaves-household.json",
        "05-gradual-exit.json",          "06-temporary-relief.json"};
    char path[4096];
    jz_ctx x;
    jz_error err;
    jz_error_clear(&err);
    snprintf(path, sizeof path, "%s/policy", fx_root());
    assert_int_equal(jz_ctx_init(&x, NULL, path, NULL, "测试员", &err), JZ_OK);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/examples/%s", fx_root(), names[i]);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        static char rec[65536];
        size_t n = fread(rec, 1, sizeof rec - 1, f);
        fclose(f);
        rec[n] = '\0';
        jz_assess_req rq = {.record = rec, .len = n};
        jz_assess_res *r = calloc(1, sizeof *r);
        assert_int_equal(jz_assess_household(&x, NULL, &rq, r, &err), JZ_OK);
        char *text = jz_determination_json(&r->h, &r->policy, &r->result, &r->trace, 0);
        assert_non_null(text);
        json_error_t je;
        json_t *v = json_loads(text, 0, &je);
        assert_non_null(v);
        assert_true(json_array_size(json_object_get(v, "trace")) > 0);
        char *again = dumped(v);
        assert_string_equal(text, again);
        free(again);
        free(text);
        free(r);
    }
    jz_ctx_cleanup(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strings_as_jansson),
        cmocka_unit_test(structure_as_jansson),
        cmocka_unit_test(failures),
        cmocka_unit_test(determinations_canonical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
