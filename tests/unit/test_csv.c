/*
 * test_csv.c - the CSV household importer (jz_csv.h) and the encoding
 * detector it relies on (jz_encoding.h).
 *
 * Each test writes a small set of CSV files into a fresh temporary directory
 * and reads them back: a complete set with Chinese headers and labels, the
 * same with English headers and codes in another column order, quoting,
 * CRLF, a byte order mark, a GB18030 file, and the ways a set goes wrong
 * (an unknown column, a bad amount, a bad ID number, rows of no household),
 * checking that every error names the file, line, column and value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>
#include <jansson.h>
#include <unistd.h>

#include "jiuzhu/jz_csv.h"
#include "jiuzhu/jz_encoding.h"

/* ---- helpers -------------------------------------------------------------- */

typedef struct tmpdir {
    char path[64];
    char files[8][160];
    int n;
} tmpdir;

static void dir_new(tmpdir *d)
{
    memset(d, 0, sizeof *d);
    snprintf(d->path, sizeof d->path, "/tmp/jz-csv-test-XXXXXX");
    assert_non_null(mkdtemp(d->path));
}

static void dir_free(tmpdir *d)
{
    for (int i = 0; i < d->n; i++)
        unlink(d->files[i]);
    rmdir(d->path);
}

/* Writes len bytes (len == 0: strlen) to d/name; returns the path. */
static const char *put(tmpdir *d, const char *name, const char *text, size_t len)
{
    assert_true(d->n < 8);
    char *p = d->files[d->n++];
    char full[160]; /* d->path and d->files share a struct: format apart */
    snprintf(full, sizeof full, "%s/%s", d->path, name);
    memcpy(p, full, sizeof full);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    if (len == 0)
        len = strlen(text);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return p;
}

enum { MAX_RESULTS = 16, MAX_ERRS = 8 };

typedef struct results {
    int n;
    jz_err rc[MAX_RESULTS];
    char *json[MAX_RESULTS];
    jz_error errs[MAX_RESULTS][MAX_ERRS];
    size_t nerr[MAX_RESULTS];
    size_t members[MAX_RESULTS];
    size_t count;
} results;

static const jz_parse_opts OPTS = {NULL, 0, 0};

/* Opens the files and reads every result up to JZ_EOF. */
static void run(const char *const *paths, size_t n, results *r)
{
    jz_csv_set *s = NULL;
    jz_error err;

    memset(r, 0, sizeof *r);
    jz_error_clear(&err);
    jz_err rc = jz_csv_open(paths, n, &s, &err);
    if (rc != JZ_OK) {
        char msg[1024];
        jz_error_format(&err, msg, sizeof msg);
        fail_msg("jz_csv_open: %s", msg);
    }
    r->count = jz_csv_count(s);
    jz_parse_opts opts = OPTS;
    opts.default_date = jz_date_make(2024, 6, 1);
    for (;;) {
        char *json = NULL;
        size_t ne = 0;
        rc = jz_csv_next(s, &opts, &json, r->errs[r->n], MAX_ERRS, &ne);
        if (rc == JZ_EOF)
            break;
        assert_true(r->n < MAX_RESULTS);
        r->rc[r->n] = rc;
        r->json[r->n] = json;
        r->nerr[r->n] = ne;
        if (rc == JZ_OK) {
            assert_non_null(json);
            assert_int_equal(ne, 0);
            assert_non_null(jz_csv_household(s));
            r->members[r->n] = jz_csv_household(s)->n_members;
        } else {
            assert_int_equal(rc, JZ_EINPUT);
            assert_null(json);
            assert_true(ne > 0);
        }
        r->n++;
    }
    jz_csv_free(s);
}

static void results_free(results *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->json[i]);
}

/* The open error for a set that must not open. */
static jz_error open_fails(const char *const *paths, size_t n)
{
    jz_csv_set *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_csv_open(paths, n, &s, &err);
    assert_int_not_equal(rc, JZ_OK);
    assert_null(s);
    return err;
}

static void assert_json(const char *got, const char *want)
{
    json_error_t je;
    json_t *a = json_loads(got, 0, &je), *b = json_loads(want, 0, &je);
    assert_non_null(a);
    if (b == NULL)
        fail_msg("bad expected JSON: %s", je.text);
    if (!json_equal(a, b))
        fail_msg("got\n%s\nwant\n%s", got, want);
    json_decref(a);
    json_decref(b);
}

static void dump_errs(const results *r, int i)
{
    for (size_t k = 0; k < r->nerr[i]; k++) {
        char msg[1024];
        jz_error_format(&r->errs[i][k], msg, sizeof msg);
        print_message("  %s\n", msg);
    }
}

/* ---- the sets ------------------------------------------------------------- */

#define HH_ZH                                                                                                       \
    "户编号,区划代码,城乡,评估日期,现保障类别,保障起始日期,现月保障金,地址,备注\n" \
    "H1,140902,农村,2024-06-01,低保,2023-01-01,1200.00,某村,\n"                                               \
    "H2,140902001001,城市,2024-06-01,,,,,\n"

#define MEM_ZH                                                                                                                       \
    "户编号,身份证号码,姓名,与户主关系,出生日期,在家情况,就业状况,新就业,参加失业保险,"          \
    "连续无收入月数,困难原因,残疾类别,残疾等级,重特大疾病,仍需治疗,需康复或护理,学段,全日制," \
    "高收费学校,出国留学,不能自理项数,法定义务人状况,单独申请,死亡日期,备注\n"                       \
    "H1,140902198001010016,张三,户主,1980-01-01,在家,失业,否,否,3,,肢体,2,是,是,是,,,,,0,"                            \
    "有能力;特困,否,,\n"                                                                                                       \
    "H1,14090219850505002x,李四,配偶,,服刑,无业,,,,,,,,,,,,,,,无,,,\n"                                                      \
    "H1,140902201006010036,张小,子女,,,在校学生,,,,,,,,,,小学,是,否,否,,,,,\n"                                          \
    "H2,140902195001010047,王五,户主,,,退休,,,,灾情,,,,,,,,,,,,,,\n"

#define INC_ZH                                                                                     \
    "户编号,身份证号码,类别,金额,备注\n"                                             \
    "H1,140902198001010016,工资,24000.00,\n"                                                     \
    "H1,140902198001010016,基础养老金,1200,\n"                                                \
    "H1,14090219850505002X,其他,100.5,\n"                                                        \
    "H2,140902195001010047,养老金,30000,\n"

#define EXP_ZH                                                                                     \
    "户编号,身份证号码,类别,金额\n"                                                    \
    "H1,140902201006010036,教育,3000\n"                                                          \
    "H1,140902198001010016,医疗,5000.00\n"

#define AST_ZH                                                                                     \
    "户编号,身份证号码,金融资产,车辆数,多余住房套数,市场主体\n"           \
    "H1,140902198001010016,5000.00,0,0,否\n"

static const char H1_JSON[] =
    "{\"household_id\":\"H1\",\"region\":\"140902\",\"area\":\"rural\","
    "\"assess_date\":\"2024-06-01\",\"current\":{\"programme\":\"dibao\","
    "\"since\":\"2023-01-01\",\"monthly_amount\":\"1200.00\"},\"address\":\"某村\","
    "\"members\":["
    "{\"id\":\"140902198001010016\",\"name\":\"张三\",\"relation\":\"head\","
    "\"birth_date\":\"1980-01-01\",\"presence\":\"present\",\"employment\":\"unemployed\","
    "\"newly_employed\":false,\"unemployment_insured\":false,\"months_without_income\":3,"
    "\"disability\":{\"category\":\"limb\",\"grade\":2},"
    "\"illness\":{\"serious\":true,\"under_treatment\":true},\"needs_rehab_or_care\":true,"
    "\"self_care_failed_items\":0,\"supporters\":[{\"status\":\"able\"},{\"status\":\"tekun\"}],"
    "\"applies_alone\":false,"
    "\"income\":[{\"kind\":\"wage\",\"amount\":\"24000.00\"},"
    "{\"kind\":\"basic_pension\",\"amount\":\"1200\"}],"
    "\"expenses\":[{\"kind\":\"medical\",\"amount\":\"5000.00\"}],"
    "\"assets\":{\"financial\":\"5000.00\",\"vehicles\":0,\"extra_houses\":0,\"business\":false}},"
    "{\"id\":\"14090219850505002X\",\"name\":\"李四\",\"relation\":\"spouse\","
    "\"presence\":\"prison\",\"employment\":\"none\",\"supporters\":[],"
    "\"income\":[{\"kind\":\"other\",\"amount\":\"100.5\"}]},"
    "{\"id\":\"140902201006010036\",\"name\":\"张小\",\"relation\":\"child\","
    "\"employment\":\"student\",\"student\":{\"level\":\"primary\",\"full_time\":true,"
    "\"high_fee\":false,\"abroad\":false},"
    "\"expenses\":[{\"kind\":\"education\",\"amount\":\"3000\"}]}]}";

static const char H2_JSON[] =
    "{\"household_id\":\"H2\",\"region\":\"140902001001\",\"area\":\"urban\","
    "\"assess_date\":\"2024-06-01\",\"members\":[{\"id\":\"140902195001010047\","
    "\"name\":\"王五\",\"relation\":\"head\",\"employment\":\"retired\","
    "\"hardship_cause\":\"disaster\",\"income\":[{\"kind\":\"pension\",\"amount\":\"30000\"}]}]}";

static void check_good(const results *r)
{
    assert_int_equal(r->count, 2);
    assert_int_equal(r->n, 2);
    for (int i = 0; i < r->n; i++) {
        if (r->rc[i] != JZ_OK) {
            dump_errs(r, i);
            fail_msg("household %d rejected", i);
        }
    }
    assert_json(r->json[0], H1_JSON);
    assert_json(r->json[1], H2_JSON);
    assert_int_equal(r->members[0], 3);
    assert_int_equal(r->members[1], 1);
}

/* ---- tests ----------------------------------------------------------------- */

static void chinese_set(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    /* Given in an order other than the tables', with names that say nothing. */
    const char *paths[] = {put(&d, "c.csv", INC_ZH, 0), put(&d, "a.csv", AST_ZH, 0),
                           put(&d, "e.csv", MEM_ZH, 0), put(&d, "b.csv", EXP_ZH, 0),
                           put(&d, "d.csv", HH_ZH, 0)};
    results r;
    run(paths, 5, &r);
    check_good(&r);
    results_free(&r);
    dir_free(&d);
}

static void english_set(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "households.csv",
            "Area,household_id,region,assess_date,current_programme,current_since,"
            "current_monthly_amount,address,note\n"
            "rural,H1,140902,2024-06-01,dibao,2023-01-01,1200.00,某村,\n"
            "Urban,H2,140902001001,2024-06-01,,,,,\n",
            0),
        put(&d, "members.csv",
            "household_id,id,name,relation,birth_date,presence,employment,newly_employed,"
            "unemployment_insured,months_without_income,hardship_cause,disability_category,"
            "disability_grade,serious_illness,under_treatment,needs_rehab_or_care,student_level,"
            "student_full_time,student_high_fee,student_abroad,self_care_failed_items,supporters,"
            "applies_alone,deceased_date,note\n"
            "H1,140902198001010016,张三,head,1980-01-01,present,unemployed,false,no,3,,limb,2,"
            "TRUE,yes,1,,,,,0,able;tekun,0,,\n"
            "H1,14090219850505002X,李四,spouse,,prison,none,,,,,,,,,,,,,,,none,,,\n"
            "H1,140902201006010036,张小,child,,,student,,,,,,,,,,primary,true,false,false,,,,,\n"
            "H2,140902195001010047,王五,head,,,retired,,,,disaster,,,,,,,,,,,,,,\n",
            0),
        put(&d, "income.csv",
            "member_id,household_id,amount,kind\n"
            "140902198001010016,H1,24000.00,wage\n"
            "140902198001010016,H1,1200,basic_pension\n"
            "14090219850505002x,H1,100.5,other\n"
            "140902195001010047,H2,30000,pension\n",
            0),
        put(&d, "expenses.csv",
            "household_id,member_id,kind,amount\n"
            "H1,140902201006010036,education,3000\n"
            "H1,140902198001010016,medical,5000.00\n",
            0),
        put(&d, "assets.csv",
            "household_id,member_id,financial,vehicles,extra_houses,business\n"
            "H1,140902198001010016,5000.00,0,0,false\n",
            0),
    };
    results r;
    run(paths, 5, &r);
    check_good(&r);
    results_free(&r);
    dir_free(&d);
}

/* A note with a comma and a quote is read whole; one with a line break is
 * refused (free text is one line: it goes on lists and notices), and the
 * lines after it keep their physical numbers. */
static void quoted_cells(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "h.csv",
            "household_id,region,area,note\n"
            "H1,140902,rural,\"村东头, 第二家\n说\"\"困难\"\"\"\n"
            "H2,140902,乡下,\n"
            "H3,140902,rural,\"村东头, 第三家 说\"\"困难\"\"\"\n",
            0),
        put(&d, "m.csv",
            "household_id,id,name,relation\n"
            "H1,140902198001010016,\"张三\",户主\n"
            "H2,140902195001010047,王五,户主\n"
            "H3,140902195001010055,赵六,户主\n",
            0),
    };
    results r;
    run(paths, 2, &r);
    assert_int_equal(r.n, 3);
    /* H1's note spans lines 2 and 3. */
    assert_int_equal(r.rc[0], JZ_EINPUT);
    assert_int_equal(r.nerr[0], 1);
    assert_int_equal(r.errs[0][0].line, 2);
    assert_string_equal(r.errs[0][0].field, "note");
    assert_non_null(strstr(r.errs[0][0].reason, "换行符"));
    /* H2 is on line 4. */
    assert_int_equal(r.rc[1], JZ_EINPUT);
    assert_int_equal(r.nerr[1], 1);
    assert_int_equal(r.errs[1][0].line, 4);
    assert_string_equal(r.errs[1][0].field, "area");
    assert_string_equal(r.errs[1][0].value, "乡下");
    assert_string_equal(r.errs[1][0].household, "H2");
    assert_non_null(strstr(r.errs[1][0].reason, "城市"));
    assert_int_equal(r.rc[2], JZ_OK);
    json_t *j = json_loads(r.json[2], 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "note")), "村东头, 第三家 说\"困难\"");
    json_decref(j);
    results_free(&r);
    dir_free(&d);
}

static void crlf_and_bom(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "h.csv",
            "\xEF\xBB\xBF户编号,区划代码,城乡\r\n\r\nH1,140902,农村\r\nH2,140902,农村\r\n"
            "H3,140902,农村\r\n",
            0),
        put(&d, "m.csv",
            "\xEF\xBB\xBF户编号,身份证号码,姓名,与户主关系,备注\r\n"
            "H1,140902198001010016,张三,户主,\"两行\r\n备注\"\r\n"
            "H2,140902195001010047,王五,户口,\r\n"
            "H3,140902195001010055,赵六,户主,一行备注\r\n",
            0),
    };
    results r;
    run(paths, 2, &r);
    assert_int_equal(r.n, 3);
    /* A note is one line: H1's, over lines 2 and 3, is refused. */
    assert_int_equal(r.rc[0], JZ_EINPUT);
    assert_int_equal(r.nerr[0], 1);
    assert_int_equal(r.errs[0][0].line, 2);
    assert_string_equal(r.errs[0][0].field, "备注");
    assert_non_null(strstr(r.errs[0][0].reason, "回车符"));
    assert_int_equal(r.rc[1], JZ_EINPUT);
    assert_int_equal(r.nerr[1], 1);
    assert_int_equal(r.errs[1][0].line, 4);
    assert_string_equal(r.errs[1][0].field, "与户主关系");
    assert_string_equal(r.errs[1][0].member, "140902195001010047");
    assert_string_equal(r.errs[1][0].source, paths[1]);
    assert_int_equal(r.rc[2], JZ_OK);
    json_t *j = json_loads(r.json[2], 0, NULL);
    json_t *m0 = json_array_get(json_object_get(j, "members"), 0);
    assert_string_equal(json_string_value(json_object_get(m0, "name")), "赵六");
    assert_string_equal(json_string_value(json_object_get(m0, "note")), "一行备注");
    json_decref(j);
    results_free(&r);
    dir_free(&d);
}

/* Converts UTF-8 text to GB18030 with iconv (as Excel's plain CSV is). */
static size_t to_gb18030(const char *in, char *out, size_t cap)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char *ip = (char *)in, *op = out;
    size_t il = strlen(in), ol = cap;
    assert_int_not_equal(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
    iconv_close(cd);
    return cap - ol;
}

static void gb18030_file(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    char gb[4096];
    size_t n = to_gb18030(MEM_ZH, gb, sizeof gb);
    assert_int_equal(jz_encoding_detect(gb, n), JZ_ENC_GB18030);
    char hh[1024];
    size_t hn = to_gb18030(HH_ZH, hh, sizeof hh);
    const char *paths[] = {put(&d, "h.csv", hh, hn), put(&d, "m.csv", gb, n),
                           put(&d, "i.csv", INC_ZH, 0), put(&d, "x.csv", EXP_ZH, 0),
                           put(&d, "a.csv", AST_ZH, 0)};
    results r;
    run(paths, 5, &r);
    check_good(&r);
    results_free(&r);
    dir_free(&d);
}

static void neither_utf8_nor_gb18030(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {put(&d, "h.csv", "household_id,region,area\nH1,140902,rural\n", 0),
                           put(&d, "m.csv", "household_id,id,name\n\x80\xff\xfe\x81,1,2\n", 0)};
    jz_error err = open_fails(paths, 2);
    assert_string_equal(err.source, paths[1]);
    assert_int_equal(err.line, 2);
    /* Which byte, and why; no command to convert from GBK: it is not GBK. */
    assert_non_null(strstr(err.reason, "第 22 字节（偏移 0x15）"));
    assert_non_null(strstr(err.reason, "0x80"));
    assert_null(strstr(err.reason, "iconv"));
    dir_free(&d);
}

/* A UTF-8 file with one damaged character is refused saying so, never
 * taken for GBK (its Chinese has GB18030's byte structure) and converted
 * into nonsense. */
static void damaged_utf8_is_not_gbk(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    /* 张三 李福 then a lone 0xE4 (a cut 3-byte character) and 王五. */
    const char *paths[] = {
        put(&d, "h.csv", "household_id,region,area\nH1,140902,rural\n", 0),
        put(&d, "m.csv", "household_id,id,name\nH1,1,张三\nH1,2,李福\xE4\xB8王五\n", 0)};
    assert_int_equal(jz_encoding_detect("张三李福\xE4\xB8王五", strlen("张三李福\xE4\xB8王五")),
                     JZ_ENC_UNKNOWN);
    jz_error err = open_fails(paths, 2);
    assert_string_equal(err.source, paths[1]);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.reason, "文件是 UTF-8 编码，但有 1 处无效字节"));
    assert_non_null(
        strstr(err.reason, "以 0xE4 开始的 UTF-8 字符不完整（应有 3 个字节，只有 2 个）"));
    assert_null(strstr(err.reason, "GBK"));
    dir_free(&d);
}

/* The checks of every record reach CSV too: free text with control or
 * bidirectional characters, and one head per household, each reported at
 * its row and column. */
static void record_hygiene(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "h.csv",
            "户编号,区划代码,城乡,地址\n"
            "H1,140902,农村,东街\n"
            "H2,140902,农村,西街\n"
            "H3,140902,农村,南街\n"
            "H4,140902,农村,\"北街\xE2\x80\xAE"
            "12\"\n",
            0),
        put(&d, "m.csv",
            "户编号,身份证号码,姓名,与户主关系\n"
            "H1,140902198001010016,\"张\xE2\x80\xAE"
            "三\",户主\n"
            "H2,140902195001010047,王五,户主\n"
            "H2,140902195001010055,赵六,户主\n"
            "H3,140902195001010063,钱七,配偶\n"
            "H4,140902195001010071,孙八,户主\n",
            0),
    };
    results r;
    run(paths, 2, &r);
    assert_int_equal(r.n, 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(r.rc[i], JZ_EINPUT);
    /* H1: the name, members file line 2. */
    assert_int_equal(r.nerr[0], 1);
    assert_string_equal(r.errs[0][0].source, paths[1]);
    assert_int_equal(r.errs[0][0].line, 2);
    assert_string_equal(r.errs[0][0].field, "姓名");
    assert_non_null(strstr(r.errs[0][0].reason, "U+202E"));
    /* H2: the second head, line 4, its relation. */
    assert_int_equal(r.nerr[1], 1);
    assert_int_equal(r.errs[1][0].line, 4);
    assert_string_equal(r.errs[1][0].field, "与户主关系");
    assert_non_null(strstr(r.errs[1][0].reason, "有 2 名户主：members[0] 王五"));
    /* H3: no head, said of the household. */
    assert_int_equal(r.nerr[2], 1);
    assert_string_equal(r.errs[2][0].household, "H3");
    assert_non_null(strstr(r.errs[2][0].reason, "没有户主"));
    assert_non_null(strstr(r.errs[2][0].reason, "钱七"));
    /* H4: the address, households file line 5. */
    assert_int_equal(r.nerr[3], 1);
    assert_string_equal(r.errs[3][0].source, paths[0]);
    assert_int_equal(r.errs[3][0].line, 5);
    assert_string_equal(r.errs[3][0].field, "地址");
    results_free(&r);
    dir_free(&d);
}

static void unknown_column(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {put(&d, "h.csv", "household_id,regoin,area\nH1,140902,rural\n", 0),
                           put(&d, "m.csv", MEM_ZH, 0)};
    jz_error err = open_fails(paths, 2);
    assert_string_equal(err.source, paths[0]);
    assert_int_equal(err.line, 1);
    assert_string_equal(err.field, "regoin");
    assert_non_null(strstr(err.reason, "无法识别"));
    dir_free(&d);
}

static void bad_amount_rejects_household(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "households.csv", "household_id,region,area\nH1,140902,rural\nH2,140902,rural\n",
            0),
        put(&d, "members.csv",
            "household_id,id,name,relation\nH1,140902198001010016,张三,head\n"
            "H2,140902195001010047,王五,head\n",
            0),
        put(&d, "income.csv",
            "household_id,member_id,kind,amount\n"
            "H1,140902198001010016,wage,100\n"
            "H1,140902198001010016,wage,12.345\n"
            "H2,140902195001010047,pension,300\n",
            0),
    };
    results r;
    run(paths, 3, &r);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.rc[0], JZ_EINPUT);
    assert_int_equal(r.nerr[0], 1);
    const jz_error *e = &r.errs[0][0];
    assert_string_equal(e->source, paths[2]);
    assert_int_equal(e->line, 3);
    assert_string_equal(e->field, "amount");
    assert_string_equal(e->value, "12.345");
    assert_string_equal(e->household, "H1");
    assert_string_equal(e->member, "140902198001010016");
    assert_non_null(strstr(e->reason, "两位小数"));
    /* The next household is fine. */
    assert_int_equal(r.rc[1], JZ_OK);
    assert_non_null(strstr(r.json[1], "\"H2\""));
    results_free(&r);
    dir_free(&d);
}

/* A person's own enrolment now (members' current_programme, current_since,
 * current_monthly_amount: the member-level `current`), by Chinese label or
 * code; a household programme there is refused naming file, line, column
 * and member. */
static void member_current_columns(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "households.csv", "household_id,region,area\nH1,140902,rural\nH2,140902,rural\n",
            0),
        put(&d, "members.csv",
            "户编号,身份证号码,姓名,与户主关系,现保障类别,保障起始日期,现月保障金\n"
            "H1,140902195001010012,张老汉,户主,特困,2022-03-01,1180.50\n"
            "H1,140902198001010016,张三,子女,single_dibao,,\n"
            "H2,140902195001010047,王五,户主,低保,,\n",
            0),
    };
    results r;
    run(paths, 2, &r);
    assert_int_equal(r.n, 2);
    if (r.rc[0] != JZ_OK) {
        dump_errs(&r, 0);
        fail_msg("household H1 rejected");
    }
    assert_json(r.json[0],
                "{\"household_id\":\"H1\",\"region\":\"140902\",\"area\":\"rural\","
                "\"members\":[{\"id\":\"140902195001010012\",\"name\":\"张老汉\","
                "\"relation\":\"head\",\"current\":{\"programme\":\"tekun\","
                "\"since\":\"2022-03-01\",\"monthly_amount\":\"1180.50\"}},"
                "{\"id\":\"140902198001010016\",\"name\":\"张三\",\"relation\":\"child\","
                "\"current\":{\"programme\":\"single_dibao\"}}]}");
    assert_int_equal(r.rc[1], JZ_EINPUT);
    const jz_error *e = &r.errs[1][0];
    assert_string_equal(e->source, paths[1]);
    assert_int_equal(e->line, 4);
    assert_string_equal(e->field, "现保障类别");
    assert_string_equal(e->value, "低保");
    assert_string_equal(e->member, "140902195001010047");
    results_free(&r);
    dir_free(&d);
}

static void bad_id_check_character(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "h.csv", "household_id,region,area\nH1,140902,rural\n", 0),
        put(&d, "m.csv",
            "household_id,name,id,relation\nH1,张三,140902198001010016,head\n"
            "H1,李四,140902198203150026,spouse\n",
            0),
    };
    results r;
    run(paths, 2, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.rc[0], JZ_EINPUT);
    assert_int_equal(r.nerr[0], 1);
    assert_int_equal(r.errs[0][0].line, 3);
    assert_string_equal(r.errs[0][0].field, "id");
    assert_string_equal(r.errs[0][0].value, "140902198203150026");
    assert_non_null(strstr(r.errs[0][0].reason, "校验"));
    results_free(&r);
    dir_free(&d);
}

static void rows_of_no_household(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "h.csv", "household_id,region,area\nH1,140902,rural\n", 0),
        put(&d, "m.csv", "household_id,id,name,relation\nH1,140902198001010016,张三,head\n", 0),
        put(&d, "i.csv",
            "household_id,member_id,kind,amount\nH1,140902198001010016,wage,1\n"
            "H9,140902198001010016,wage,2\n,140902198001010016,wage,3\n",
            0),
    };
    results r;
    run(paths, 3, &r);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.rc[0], JZ_OK);
    assert_int_equal(r.rc[1], JZ_EINPUT);
    assert_int_equal(r.nerr[1], 2);
    assert_string_equal(r.errs[1][0].source, paths[2]);
    assert_int_equal(r.errs[1][0].line, 3);
    assert_string_equal(r.errs[1][0].field, "household_id");
    assert_string_equal(r.errs[1][0].value, "H9");
    assert_string_equal(r.errs[1][0].household, "H9");
    assert_int_equal(r.errs[1][1].line, 4);
    assert_non_null(strstr(r.errs[1][1].reason, "缺少户编号"));
    results_free(&r);
    dir_free(&d);
}

/* Several problems of one household are all reported, each at its cell;
 * the household after it is imported. */
static void all_problems_of_a_household(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "h.csv",
            "household_id,region,area,assess_date\nH1,140902,rural,2024-02-30\n"
            "H2,140902,rural,\nH1,140902,urban,\n",
            0),
        put(&d, "m.csv",
            "household_id,id,name,relation,disability_category,disability_grade,"
            "newly_employed,supporters\n"
            "H1,140902198001010016,张三,head,limb,5,maybe,\n"
            "H1,140902198203150025,李四,wife,,,,able;朋友\n"
            "H2,140902195001010047,王五,head,,,,\n",
            0),
        put(&d, "e.csv",
            "household_id,member_id,kind,amount\nH1,140902198001010016,medical,-5\n"
            "H1,140902201006010036,care,1\nH2,140902195001010047,care,1\n",
            0),
        put(&d, "a.csv",
            "household_id,member_id,vehicles\nH1,140902198001010016,1\n"
            "H1,140902198001010016,2\n",
            0),
    };
    results r;
    run(paths, 4, &r);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.n, 2);
    /* Nine problems; the first eight found fit (MAX_ERRS). */
    assert_int_equal(r.rc[0], JZ_EINPUT);
    assert_int_equal(r.nerr[0], MAX_ERRS);
    for (size_t k = 0; k < r.nerr[0]; k++)
        assert_string_equal(r.errs[0][k].household, "H1");
    assert_int_equal(r.rc[1], JZ_OK);
    results_free(&r);

    /* With room for every one: each at its file, line and column, sorted by
     * table and line. */
    jz_csv_set *s;
    jz_error errs[32], err;
    char *json;
    size_t ne;
    struct {
        const char *file;
        long line;
        const char *field;
        const char *value;
    } want[] = {{"h.csv", 2, "assess_date", "2024-02-30"},
                {"h.csv", 4, "household_id", "H1"},
                {"m.csv", 2, "newly_employed", "maybe"},
                {"m.csv", 2, "disability_grade", "5"},
                {"m.csv", 3, "relation", "wife"},
                {"m.csv", 3, "supporters", "able;朋友"},
                {"e.csv", 2, "amount", "-5"},
                {"e.csv", 3, "member_id", "140902201006010036"},
                {"a.csv", 3, "member_id", "140902198001010016"}};
    assert_int_equal(jz_csv_open(paths, 4, &s, &err), JZ_OK);
    assert_int_equal(jz_csv_next(s, NULL, &json, errs, 32, &ne), JZ_EINPUT);
    for (size_t k = 0; k < ne; k++) {
        char msg[1024];
        jz_error_format(&errs[k], msg, sizeof msg);
        print_message("  %s\n", msg);
    }
    assert_int_equal(ne, 9);
    for (size_t k = 0; k < ne; k++) {
        assert_string_equal(strrchr(errs[k].source, '/') + 1, want[k].file);
        assert_int_equal(errs[k].line, want[k].line);
        assert_string_equal(errs[k].field, want[k].field);
        assert_string_equal(errs[k].value, want[k].value);
    }
    assert_non_null(strstr(errs[8].reason, "两行资产"));
    assert_int_equal(jz_csv_next(s, NULL, &json, errs, 32, &ne), JZ_OK);
    free(json);
    assert_int_equal(jz_csv_next(s, NULL, &json, errs, 32, &ne), JZ_EOF);
    jz_csv_free(s);
    dir_free(&d);
}

static void legacy_member_id_matches(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "h.csv", "household_id,region,area\nH1,140902,rural\n", 0),
        put(&d, "m.csv", "household_id,id,name,relation\nH1,140902198001010016,张三,head\n", 0),
        put(&d, "i.csv", "household_id,member_id,kind,amount\nH1,140902800101001,wage,10\n", 0),
    };
    results r;
    run(paths, 3, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.rc[0], JZ_OK);
    assert_json(r.json[0], "{\"household_id\":\"H1\",\"region\":\"140902\",\"area\":\"rural\","
                           "\"members\":[{\"id\":\"140902198001010016\",\"name\":\"张三\","
                           "\"relation\":\"head\",\"income\":[{\"kind\":\"wage\","
                           "\"amount\":\"10\"}]}]}");
    results_free(&r);
    dir_free(&d);
}

/* Fatal problems of the set as a whole. */
static void bad_sets(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *h = put(&d, "h.csv", "household_id,region,area\nH1,140902,rural\n", 0);
    const char *h2 = put(&d, "h2.csv", "area,region,household_id\nrural,140902,H2\n", 0);
    const char *m = put(&d, "m.csv", "household_id,id,name,relation\n", 0);
    const char *q = put(&d, "q.csv", "household_id,id,name,relation\nH1,\"1409\n", 0);
    const char *x = put(&d, "x.csv", "", 0);
    const char *mix =
        put(&d, "mix.csv", "户编号,身份证号码,类别,金额\nH1,1,工资,1\nH1,1,医疗,1\n", 0);

    const char *only_h[] = {h};
    jz_error e = open_fails(only_h, 1);
    assert_non_null(strstr(e.reason, "成员表"));

    const char *two_h[] = {h, m, h2};
    e = open_fails(two_h, 3);
    assert_string_equal(e.source, h2);
    assert_non_null(strstr(e.reason, h));

    const char *unclosed[] = {h, q};
    e = open_fails(unclosed, 2);
    assert_string_equal(e.source, q);
    assert_int_equal(e.line, 2);

    const char *empty[] = {h, x};
    e = open_fails(empty, 2);
    assert_string_equal(e.source, x);

    const char *mixed[] = {h, m, mix};
    e = open_fails(mixed, 3);
    assert_string_equal(e.source, mix);
    assert_non_null(strstr(e.reason, "收入类别"));
    dir_free(&d);
}

/* Income and expenses tell themselves apart by their kinds, their column
 * name, their file name, or elimination. */
static void income_or_expenses(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    const char *paths[] = {
        put(&d, "h.csv", "household_id,region,area\nH1,140902,rural\n", 0),
        put(&d, "m.csv", "household_id,id,name,relation\nH1,140902198001010016,张三,head\n", 0),
        /* only "other": undecided by kind, decided by elimination */
        put(&d, "p.csv", "household_id,member_id,kind,amount\nH1,140902198001010016,其他,7\n", 0),
        put(&d, "q.csv", "household_id,member_id,支出类别,amount\nH1,140902198001010016,护理,8\n",
            0),
    };
    results r;
    run(paths, 4, &r);
    assert_int_equal(r.rc[0], JZ_OK);
    assert_json(r.json[0], "{\"household_id\":\"H1\",\"region\":\"140902\",\"area\":\"rural\","
                           "\"members\":[{\"id\":\"140902198001010016\",\"name\":\"张三\","
                           "\"relation\":\"head\",\"income\":[{\"kind\":\"other\","
                           "\"amount\":\"7\"}],\"expenses\":[{\"kind\":\"care\","
                           "\"amount\":\"8\"}]}]}");
    results_free(&r);
    dir_free(&d);
}

/* Rows that cannot be read column by column, and households without members. */
static void row_shapes(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    char *hh = malloc(8192);
    assert_non_null(hh);
    int k = snprintf(hh, 8192,
                     "household_id,region,area,note,\n"
                     "H1,140902,rural,,x\n"
                     "H2,140902,rural,,\n"
                     "H3,140902,rural,,\n"
                     "H4,140902,rural,");
    memset(hh + k, 'n', 5000);
    snprintf(hh + k + 5000, 8192 - (size_t)k - 5000, ",\n");
    const char *paths[] = {
        put(&d, "h.csv", hh, 0),
        put(&d, "m.csv",
            "household_id,id,name,relation\n"
            "H1,140902198001010016,张三,head\n"
            "H2,140902195001010047,王五,head,多余\n"
            "H4,140902198203150025,李四,head\n",
            0),
    };
    free(hh);
    results r;
    run(paths, 2, &r);
    assert_int_equal(r.n, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(r.rc[i], JZ_EINPUT);
        assert_int_equal(r.nerr[i], 1);
    }
    assert_int_equal(r.errs[0][0].line, 2);
    assert_string_equal(r.errs[0][0].value, "x");
    assert_non_null(strstr(r.errs[0][0].reason, "没有列名"));
    assert_string_equal(r.errs[1][0].source, paths[1]);
    assert_int_equal(r.errs[1][0].line, 3);
    assert_non_null(strstr(r.errs[1][0].reason, "表头有 4 列"));
    assert_int_equal(r.errs[2][0].line, 4);
    assert_non_null(strstr(r.errs[2][0].reason, "没有这一户的成员"));
    assert_int_equal(r.errs[3][0].line, 5);
    assert_string_equal(r.errs[3][0].field, "note");
    assert_non_null(strstr(r.errs[3][0].reason, "4096"));
    results_free(&r);
    dir_free(&d);
}

/* Many rows of one household_id: each duplicate is reported (up to the cap)
 * and the work stays linear. */
static void many_duplicates(void **state)
{
    (void)state;
    tmpdir d;
    dir_new(&d);
    size_t n = 20000, cap = 32 + n * 24;
    char *hh = malloc(cap);
    assert_non_null(hh);
    size_t len = (size_t)snprintf(hh, cap, "household_id,region,area\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(hh + len, cap - len, "H1,140902,rural\n");
    const char *paths[] = {put(&d, "h.csv", hh, len), put(&d, "m.csv",
                                                          "household_id,id,name,relation\n"
                                                          "H1,140902198001010016,张三,head\n",
                                                          0)};
    free(hh);
    results r;
    run(paths, 2, &r);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.nerr[0], MAX_ERRS);
    for (int i = 0; i < MAX_ERRS; i++)
        assert_int_equal(r.errs[0][i].line, 3 + i);
    results_free(&r);
    dir_free(&d);
}

/* ---- the encoding module ----------------------------------------------- */

static void encoding_detect(void **state)
{
    (void)state;
    assert_int_equal(jz_encoding_detect("abc,1\n", 6), JZ_ENC_UTF8);
    assert_int_equal(jz_encoding_detect("", 0), JZ_ENC_UTF8);
    assert_int_equal(jz_encoding_detect("\xEF\xBB\xBF"
                                        "a",
                                        4),
                     JZ_ENC_UTF8_BOM);
    assert_int_equal(jz_encoding_detect("张三", strlen("张三")), JZ_ENC_UTF8);
    assert_int_equal(jz_encoding_detect("\xD5\xC5\xC8\xFD", 4), JZ_ENC_GB18030); /* 张三 */
    assert_int_equal(jz_encoding_detect("\x81\x30\x81\x30", 4), JZ_ENC_GB18030); /* 4 bytes */
    assert_int_equal(jz_encoding_detect("\xFF\xFE"
                                        "a\0",
                                        4),
                     JZ_ENC_UTF16);
    assert_int_equal(jz_encoding_detect("a\x80"
                                        "b",
                                        3),
                     JZ_ENC_UNKNOWN);
    assert_int_equal(jz_encoding_detect("\xD5", 1), JZ_ENC_UNKNOWN);
    /* A UTF-8 character cut by the end of a prefix. */
    assert_int_equal(jz_encoding_detect("a\xE5\xBC", 3), JZ_ENC_GB18030);
    assert_int_equal(jz_encoding_sniff("a\xE5\xBC", 3), JZ_ENC_UTF8);
    assert_int_equal(jz_encoding_sniff("a\xE5\x41", 3), JZ_ENC_GB18030);
    /* GB18030's structure but mostly valid UTF-8: a damaged UTF-8 text. */
    assert_int_equal(jz_encoding_detect("张三\xE4\xB8", strlen("张三\xE4\xB8")), JZ_ENC_UNKNOWN);
    assert_int_equal(jz_encoding_detect("x\xE4y", 3), JZ_ENC_GB18030); /* one pair, no UTF-8 */
    char what[160];
    assert_int_equal(jz_encoding_utf8_error("ab\xE4\xB8\"", 5, what, sizeof what), 2);
    assert_string_equal(what, "以 0xE4 开始的 UTF-8 字符不完整（应有 3 个字节，只有 2 个）");
    assert_int_equal(jz_encoding_utf8_error("a\x80", 2, what, sizeof what), 1);
    assert_non_null(strstr(what, "后续字节"));
    assert_int_equal(jz_encoding_utf8_error("a\xC0\x80", 3, what, sizeof what), 1);
    assert_non_null(strstr(what, "不会出现"));
    assert_int_equal(jz_encoding_utf8_error("\xED\xA0\x80", 3, what, sizeof what), 0);
    assert_non_null(strstr(what, "代理项"));
    assert_int_equal(jz_encoding_utf8_error("张三", strlen("张三"), what, sizeof what),
                     strlen("张三"));

    char *out;
    size_t n;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_encoding_to_utf8("\xD5\xC5\xC8\xFD", 4, &out, &n, &err), JZ_OK);
    assert_string_equal(out, "张三");
    assert_int_equal(n, strlen("张三"));
    free(out);
    assert_int_equal(jz_encoding_to_utf8("\xEF\xBB\xBFx", 4, &out, &n, &err), JZ_OK);
    assert_string_equal(out, "x");
    free(out);
    assert_int_equal(jz_encoding_to_utf8("a\nb\n\x80", 5, &out, &n, &err), JZ_EINPUT);
    assert_null(out);
    assert_int_equal(err.line, 3);
}

static void encoding_refuse(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_encoding_refuse(&err, "data.jsonl", JZ_ENC_GB18030, NULL), JZ_EINPUT);
    assert_string_equal(err.source, "data.jsonl");
    assert_string_equal(err.reason, "文件是 GBK/GB18030 编码，这里只读 UTF-8；请先转换："
                                    "iconv -f GB18030 -t UTF-8 data.jsonl > data.jsonl.utf8");
    jz_error_clear(&err);
    jz_encoding_refuse(&err, "my data/户's.jsonl", JZ_ENC_GB18030, NULL);
    assert_non_null(strstr(err.reason, "iconv -f GB18030 -t UTF-8 'my data/户'\\''s.jsonl' > "
                                       "'my data/户'\\''s.jsonl.utf8'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chinese_set),
        cmocka_unit_test(english_set),
        cmocka_unit_test(quoted_cells),
        cmocka_unit_test(crlf_and_bom),
        cmocka_unit_test(gb18030_file),
        cmocka_unit_test(neither_utf8_nor_gb18030),
        cmocka_unit_test(damaged_utf8_is_not_gbk),
        cmocka_unit_test(record_hygiene),
        cmocka_unit_test(unknown_column),
        cmocka_unit_test(bad_amount_rejects_household),
        cmocka_unit_test(bad_id_check_character),
        cmocka_unit_test(member_current_columns),
        cmocka_unit_test(rows_of_no_household),
        cmocka_unit_test(all_problems_of_a_household),
        cmocka_unit_test(legacy_member_id_matches),
        cmocka_unit_test(bad_sets),
        cmocka_unit_test(income_or_expenses),
        cmocka_unit_test(row_shapes),
        cmocka_unit_test(many_duplicates),
        cmocka_unit_test(encoding_detect),
        cmocka_unit_test(encoding_refuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
