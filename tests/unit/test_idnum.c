/*
 * test_idnum.c - unit tests of 公民身份号码 checking and normalisation.
 *
 * The check characters below were computed independently from the GB 11643
 * weights, so a wrong weight table or mapping in the code would show here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "jiuzhu/jz_idnum.h"

static jz_err normalize(const char *s, char out[JZ_IDNUM_BUF], jz_error *e)
{
    jz_error_clear(e);
    return jz_idnum_normalize(s, strlen(s), out, e);
}

static void test_check_char(void **state)
{
    (void)state;
    assert_int_equal(jz_idnum_check_char("11010519491231002"), 'X');
    assert_int_equal(jz_idnum_check_char("11010519491231001"), '1');
    assert_int_equal(jz_idnum_check_char("14090219800101001"), '6');
    assert_int_equal(jz_idnum_check_char("44052419800101001"), '3');
    assert_int_equal(jz_idnum_check_char("14090220040229002"), '0');
    assert_int_equal(jz_idnum_check_char("1409022004022900a"), '\0');
}

static void test_valid(void **state)
{
    char out[JZ_IDNUM_BUF];
    jz_error e;

    (void)state;
    assert_int_equal(normalize("11010519491231002X", out, &e), JZ_OK);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(normalize("11010519491231002x", out, &e), JZ_OK);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(normalize("140902198001010016", out, &e), JZ_OK);
    assert_string_equal(out, "140902198001010016");
    assert_int_equal(normalize("140902200402290020", out, &e), JZ_OK);

    /* Only the given length is read. */
    assert_int_equal(jz_idnum_normalize("11010519491231002X,", 18, out, &e), JZ_OK);
    assert_string_equal(out, "11010519491231002X");
}

static void test_fifteen_digits(void **state)
{
    char out[JZ_IDNUM_BUF];
    jz_error e;

    (void)state;
    assert_int_equal(normalize("110105491231002", out, &e), JZ_OK);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(normalize("140902800101001", out, &e), JZ_OK);
    assert_string_equal(out, "140902198001010016");
    /* The legacy form has no check character but still a birth date. */
    assert_int_equal(normalize("110105490230002", out, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "出生日期无效");
    assert_int_equal(normalize("11010549123100X", out, &e), JZ_EINPUT);
}

static void test_bad_check(void **state)
{
    char out[JZ_IDNUM_BUF] = "unchanged";
    jz_error e;

    (void)state;
    assert_int_equal(normalize("110105194912310021", out, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "身份证号码校验码错误：应为 X");
    assert_string_equal(e.value, "110105194912310021");
    assert_int_equal(normalize("14090219800101001X", out, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "身份证号码校验码错误：应为 6");
    assert_int_equal(normalize("11010519491231002Y", out, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "身份证号码校验码错误：应为 X");
    assert_string_equal(out, "unchanged");
}

static void test_bad_shape(void **state)
{
    char out[JZ_IDNUM_BUF];
    jz_error e;

    (void)state;
    static const char *const bad_length[] = {
        "", "1101051949123100", "11010519491231002X1", "11010519491231002", " 11010519491231002X",
    };
    for (size_t i = 0; i < sizeof bad_length / sizeof bad_length[0]; i++) {
        assert_int_equal(normalize(bad_length[i], out, &e), JZ_EINPUT);
        assert_string_equal(e.reason, "身份证号码长度应为18位或15位");
    }
    assert_int_equal(normalize("1101051949123100XX", out, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "身份证号码第17位应为数字");
    assert_int_equal(normalize("x1010519491231002X", out, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "身份证号码第1位应为数字");
    assert_int_equal(jz_idnum_normalize("11010519\0"
                                        "491231002X",
                                        18, out, &e),
                     JZ_EINPUT);
    assert_string_equal(e.reason, "身份证号码第9位应为数字");
}

static void test_bad_birth(void **state)
{
    char out[JZ_IDNUM_BUF];
    char id[JZ_IDNUM_BUF];
    jz_error e;

    (void)state;
    /* Impossible dates, given a correct check character so that only the
     * date can be the reason. */
    static const char *const first17[] = {
        "11010519490230002", /* 30 February */
        "11010519491301002", /* month 13 */
        "11010519490100002", /* day 0 */
        "11010520230229002", /* 2023 is a common year */
        "11010518991231002", /* before 1900 */
    };
    for (size_t i = 0; i < sizeof first17 / sizeof first17[0]; i++) {
        memcpy(id, first17[i], 17);
        id[17] = jz_idnum_check_char(first17[i]);
        id[18] = '\0';
        assert_int_equal(normalize(id, out, &e), JZ_EINPUT);
        assert_string_equal(e.reason, "出生日期无效");
    }
}

static void test_birth_and_sex(void **state)
{
    (void)state;
    assert_int_equal(jz_idnum_birth("11010519491231002X"), 19491231);
    assert_int_equal(jz_idnum_sex("11010519491231002X"), 2);
    assert_int_equal(jz_idnum_birth("140902198001010016"), 19800101);
    assert_int_equal(jz_idnum_sex("140902198001010016"), 1);
    assert_int_equal(jz_idnum_birth("140902200402290020"), 20040229);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_char),     cmocka_unit_test(test_valid),
        cmocka_unit_test(test_fifteen_digits), cmocka_unit_test(test_bad_check),
        cmocka_unit_test(test_bad_shape),      cmocka_unit_test(test_bad_birth),
        cmocka_unit_test(test_birth_and_sex),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
