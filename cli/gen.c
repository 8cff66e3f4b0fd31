/*
 * gen.c - `jiuzhu gen`: writes a generated registry of N households (the
 * generator of lib/gen, docs/generator.md) as JSON Lines, or as the five CSV
 * files of docs/csv-import.md, for benchmarks, demonstrations and tests of
 * the import.
 *
 * The same --households, --seed, --region and --date always give the same
 * bytes.  JSON Lines go through jz_household_json, the one writer of household
 * records, so what `gen` writes is what `assess` and `import` read.  The CSV
 * rows are built in a buffer and written with one fwrite each; a field that
 * needs quoting goes through libcsv's csv_write.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <csv.h>

#include "cli.h"
#include "jiuzhu/jz_gen.h"
#include "jiuzhu/jz_record.h"

#define MAX_HOUSEHOLDS 100000000ll
#define OUT_BUFFER (1u << 20)

enum format { FMT_JSONL = 0, FMT_CSV, FMT_FEEDS };

static void usage(FILE *f)
{
    fputs("用法: jiuzhu gen --households N --seed S [--region 区划代码] [--date YYYY-MM-DD]\n"
          "                 [--format jsonl|csv|feeds] [--feed-rows N] [--policy 目录] [--force] 输出\n"
          "\n"
          "生成 N 户模拟的山西省城乡困难家庭登记数据（确定性：相同参数得到相同结果），\n"
          "用于性能测试、演示和导入测试。分布说明见 docs/generator.md。\n"
          "\n"
          "  --households N   户数（1 至 100000000）\n"
          "  --seed S         随机种子（0 至 9223372036854775807）\n"
          "  --region 代码    只生成该市（4 位）、县（6 位）或乡镇街道（9 位）的户；默认全省\n"
          "  --date 日期      评估日期（默认 2025-06-01），按该日的当地低保标准生成收入\n"
          "  --format jsonl   输出 JSON Lines 文件（默认；输出为 - 时写到标准输出）\n"
          "  --format csv     输出为目录，内含 households.csv、members.csv、income.csv、\n"
          "                   expenses.csv、assets.csv（格式见 docs/csv-import.md）\n"
          "  --format feeds   输出为目录：同一批户（种子、地区、日期相同）的各部门数据文件\n"
          "                   （docs/feeds.md）和预置的预警信号清单 planted.csv，用于检验动态监测\n"
          "  --feed-rows N    feeds：每户至多 N 行不触发预警的一般数据（默认 8，0 至 60）\n"
          "  --policy 目录    政策数据目录（默认：环境变量 JIUZHU_POLICY 或内置路径）\n"
          "  --force          覆盖已有的输出文件（不加时已有文件不覆盖；数据库文件在任何\n"
          "                   情况下都不覆盖）\n"
          "\n"
          "退出码：0 完成；1 数据或写出错误；2 用法错误。\n",
          f);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}


/* ---- CSV ------------------------------------------------------------------ */

/* One row, built in memory and written with one fwrite. */
typedef struct row {
    size_t n;
    bool bad; /* a field did not fit (never expected: rows are short) */
    char b[4096];
} row;

static void raw(row *r, const char *s, size_t len)
{
    if (r->n + len + 2 > sizeof r->b) {
        r->bad = true;
        return;
    }
    memcpy(r->b + r->n, s, len);
    r->n += len;
}

/* A field: as it is, or quoted by libcsv when it holds a comma, a quote or
 * a line break (a name typed by a person could). */
static void field(row *r, const char *s)
{
    size_t len = strlen(s);
    if (r->n)
        raw(r, ",", 1);
    if (!strpbrk(s, ",\"\r\n")) {
        raw(r, s, len);
        return;
    }
    size_t need = csv_write(NULL, 0, s, len);
    if (r->n + need + 2 > sizeof r->b) {
        r->bad = true;
        return;
    }
    r->n += csv_write(r->b + r->n, sizeof r->b - r->n, s, len);
}

static void field_money(row *r, jz_fen v)
{
    char b[JZ_MONEY_BUF];
    jz_money_format(v, b, sizeof b);
    field(r, b);
}

static void field_date(row *r, jz_date d)
{
    char b[JZ_DATE_BUF] = "";
    if (d != JZ_DATE_NONE)
        jz_date_format(d, b, sizeof b);
    field(r, b);
}

static void field_uint(row *r, unsigned v, bool empty_if_zero)
{
    char b[24] = "";
    if (v || !empty_if_zero)
        snprintf(b, sizeof b, "%u", v);
    field(r, b);
}

/* Booleans left empty when false: empty is the field's neutral default. */
static void field_flag(row *r, bool v)
{
    field(r, v ? "true" : "");
}

static void field_bool(row *r, bool v)
{
    field(r, v ? "true" : "false");
}

static bool end_row(row *r, FILE *f)
{
    r->b[r->n++] = '\n';
    bool ok = !r->bad && fwrite(r->b, 1, r->n, f) == r->n;
    r->n = 0;
    r->bad = false;
    return ok;
}

enum { T_HOUSEHOLDS = 0, T_MEMBERS, T_INCOME, T_EXPENSES, T_ASSETS, T_COUNT };

static const char *const csv_files[T_COUNT] = {"households.csv", "members.csv", "income.csv",
                                               "expenses.csv", "assets.csv"};
static const char *const csv_headers[T_COUNT] = {
    "household_id,region,area,assess_date,current_programme,current_since,"
    "current_monthly_amount\n",
    "household_id,id,name,relation,birth_date,presence,employment,newly_employed,"
    "unemployment_insured,months_without_income,hardship_cause,disability_category,"
    "disability_grade,serious_illness,under_treatment,needs_rehab_or_care,student_level,"
    "student_full_time,student_high_fee,student_abroad,self_care_failed_items,supporters,"
    "applies_alone,deceased_date,current_programme,current_since,current_monthly_amount\n",
    "household_id,member_id,kind,amount\n", "household_id,member_id,kind,amount\n",
    "household_id,member_id,financial,vehicles,extra_houses,business\n"};

static bool csv_member(FILE **f, const jz_household *h, const jz_member *m, row *r)
{
    field(r, h->household_id);
    field(r, m->id);
    field(r, m->name);
    field(r, jz_relation_names[m->relation]);
    field_date(r, m->birth);
    field(r, m->presence != JZ_PRES_PRESENT ? jz_presence_names[m->presence] : "");
    field(r, m->employment != JZ_EMP_NONE ? jz_employment_names[m->employment] : "");
    field_flag(r, m->newly_employed);
    field_flag(r, m->unemployment_insured);
    field_uint(r, m->months_without_income, true);
    field(r, m->hardship != JZ_HARD_NONE ? jz_hardship_names[m->hardship] : "");
    field(r, m->disability != JZ_DIS_NONE ? jz_disability_names[m->disability] : "");
    field_uint(r, m->disability != JZ_DIS_NONE ? m->disability_grade : 0, true);
    field_flag(r, m->serious_illness);
    field_flag(r, m->under_treatment);
    field_flag(r, m->needs_rehab_or_care);
    bool student = m->student_level != JZ_STU_NONE;
    field(r, student ? jz_student_level_names[m->student_level] : "");
    if (student) {
        field_bool(r, m->student_full_time);
        field_bool(r, m->student_high_fee);
        field_bool(r, m->student_abroad);
    } else {
        field(r, "");
        field(r, "");
        field(r, "");
    }
    field_uint(r, m->self_care_failed, true);
    /* Empty: not investigated; "none": no legal supporter ([]). */
    char sup[JZ_MAX_SUPPORTERS * 32] = "";
    if (m->supporters_known && m->n_supporters == 0)
        snprintf(sup, sizeof sup, "none");
    for (unsigned s = 0, o = 0; m->supporters_known && s < m->n_supporters; s++) {
        unsigned st = (unsigned)((m->supporter_status >> (4 * s)) & 0xFu);
        int w = snprintf(sup + o, sizeof sup - o, "%s%s", s ? ";" : "",
                         jz_supporter_names[st < JZ_SUP_COUNT ? st : JZ_SUP_ABLE]);
        if (w < 0 || (size_t)w >= sizeof sup - o)
            break;
        o += (unsigned)w;
    }
    field(r, sup);
    field_flag(r, m->applies_alone);
    field_date(r, m->deceased);
    bool cur = m->current_programme != JZ_MPROG_NONE && m->current_programme < JZ_MPROG_COUNT;
    field(r, cur ? jz_member_programme_names[m->current_programme] : "");
    field_date(r, cur ? m->current_since : JZ_DATE_NONE);
    if (cur)
        field_money(r, m->current_amount);
    else
        field(r, "");
    if (!end_row(r, f[T_MEMBERS]))
        return false;

    for (int k = 0; k <= JZ_INC_FIRST_EXCLUDED; k++) {
        jz_fen v = k < JZ_INC_FIRST_EXCLUDED ? m->income[k] : m->income_not_counted;
        if (!v)
            continue;
        /* The kinds R-INC-2 leaves out are kept as one total: written as
         * "assistance", as jz_household_json does. */
        field(r, h->household_id);
        field(r, m->id);
        field(r, jz_income_kind_names[k < JZ_INC_FIRST_EXCLUDED ? k : JZ_INC_ASSISTANCE]);
        field_money(r, v);
        if (!end_row(r, f[T_INCOME]))
            return false;
    }
    for (int k = 0; k < JZ_EXP_COUNT; k++) {
        if (!m->expenses[k])
            continue;
        field(r, h->household_id);
        field(r, m->id);
        field(r, jz_expense_kind_names[k]);
        field_money(r, m->expenses[k]);
        if (!end_row(r, f[T_EXPENSES]))
            return false;
    }
    if (m->financial || m->vehicles || m->extra_houses || m->business) {
        field(r, h->household_id);
        field(r, m->id);
        field_money(r, m->financial);
        field_uint(r, m->vehicles, false);
        field_uint(r, m->extra_houses, false);
        field_bool(r, m->business);
        if (!end_row(r, f[T_ASSETS]))
            return false;
    }
    return true;
}

static bool csv_household(FILE **f, const jz_household *h, row *r)
{
    field(r, h->household_id);
    field(r, h->region.code);
    field(r, jz_area_names[h->area]);
    field_date(r, h->assess_date);
    bool cur = h->current_programme != JZ_PROG_NONE;
    field(r, cur ? jz_programme_names[h->current_programme] : "");
    field_date(r, cur ? h->current_since : JZ_DATE_NONE);
    if (cur)
        field_money(r, h->current_amount);
    else
        field(r, "");
    if (!end_row(r, f[T_HOUSEHOLDS]))
        return false;
    for (uint32_t i = 0; i < h->n_members; i++)
        if (!csv_member(f, h, &h->members[i], r))
            return false;
    return true;
}

/* ---- the run -------------------------------------------------------------- */

typedef struct run {
    uint64_t households;
    uint64_t persons;
    const jz_gen *g;
    jz_household_buf *buf;
    bool force;
} run;

static int write_jsonl(run *x, const char *out)
{
    jz_outfile *o = NULL;
    FILE *f = stdout;
    if (strcmp(out, "-") != 0) {
        int rc = cli_out_open("jiuzhu gen", "输出文件", out, NULL, x->force, &o);
        if (rc)
            return rc;
        if (!(f = jz_outfile_stream(o))) {
            jz_outfile_abort(o);
            fputs("jiuzhu gen: 内存不足\n", stderr);
            return EXIT_INPUT;
        }
    }
    setvbuf(f, NULL, _IOFBF, OUT_BUFFER);
    int status = EXIT_DONE;
    jz_household h;
    for (uint64_t i = 0; i < x->households; i++) {
        jz_gen_household(x->g, i, &h, x->buf);
        x->persons += h.n_members;
        char *json = jz_household_json(&h, 0);
        if (!json) {
            fputs("jiuzhu gen: 内存不足\n", stderr);
            status = EXIT_INPUT;
            break;
        }
        size_t len = strlen(json);
        json[len] = '\n'; /* the terminator is ours to overwrite: one write */
        bool ok = fwrite(json, 1, len + 1, f) == len + 1;
        free(json);
        if (!ok)
            break;
    }
    if (o) {
        /* Whole or not at all: the file appears only when complete. */
        if (status == EXIT_DONE)
            return cli_out_commit("jiuzhu gen", "输出文件", o);
        jz_outfile_abort(o);
        return status;
    }
    if (fflush(f) != 0 || ferror(f) != 0) {
        fprintf(stderr, "jiuzhu gen: 写入 %s 失败：%s\n", out, strerror(errno));
        status = EXIT_INPUT;
    }
    return status;
}

static int write_csv(run *x, const char *dir)
{
    struct stat st;
    if (mkdir(dir, 0777) != 0 && !(errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))) {
        fprintf(stderr, "jiuzhu gen: 无法创建目录 %s：%s\n", dir, strerror(errno));
        return EXIT_INPUT;
    }
    FILE *f[T_COUNT] = {NULL};
    jz_outfile *o[T_COUNT] = {NULL};
    char path[4096];
    int status = EXIT_DONE;
    row *r = malloc(sizeof *r);
    if (!r) {
        fputs("jiuzhu gen: 内存不足\n", stderr);
        return EXIT_INPUT;
    }
    r->n = 0;
    r->bad = false;
    for (int t = 0; t < T_COUNT; t++) {
        snprintf(path, sizeof path, "%s/%s", dir, csv_files[t]);
        if ((status = cli_out_open("jiuzhu gen", "输出文件", path, NULL, x->force, &o[t])))
            goto out;
        if (!(f[t] = jz_outfile_stream(o[t]))) {
            fputs("jiuzhu gen: 内存不足\n", stderr);
            status = EXIT_INPUT;
            goto out;
        }
        setvbuf(f[t], NULL, _IOFBF, OUT_BUFFER);
        fputs(csv_headers[t], f[t]);
    }
    jz_household h;
    for (uint64_t i = 0; i < x->households; i++) {
        jz_gen_household(x->g, i, &h, x->buf);
        x->persons += h.n_members;
        if (!csv_household(f, &h, r)) {
            fprintf(stderr, "jiuzhu gen: 写入 %s 失败：%s\n", dir, strerror(errno));
            status = EXIT_INPUT;
            break;
        }
    }
out:
    /* The files appear when all are complete, or none does. */
    for (int t = 0; t < T_COUNT; t++) {
        if (!o[t])
            continue;
        if (status == EXIT_DONE)
            status = cli_out_commit("jiuzhu gen", "输出文件", o[t]);
        else
            jz_outfile_abort(o[t]);
    }
    free(r);
    return status;
}

int cmd_gen(int argc, char **argv)
{
    const char *policy_opt = NULL, *region = NULL, *out = NULL;
    uint64_t households = 0, seed = 0;
    bool have_n = false, have_seed = false;
    int feed_rows = 8; /* noise rows per household, at most (feeds) */
    bool force = false;
    enum format fmt = FMT_JSONL;
    jz_date date = jz_date_make(2025, 6, 1);
    jz_error err;
    jz_error_clear(&err);

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return EXIT_DONE;
        }
        if (strcmp(a, "--force") == 0) {
            force = true;
            continue;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (out) {
                fprintf(stderr, "jiuzhu gen: 只能有一个输出（多余的 %s）\n", a);
                return EXIT_USAGE;
            }
            out = a;
            continue;
        }
        static const char *const opts[] = {"--households", "--seed",   "--region",
                                           "--date",       "--format", "--policy",
                                           "--feed-rows"};
        const char *val = NULL;
        size_t which = sizeof opts / sizeof opts[0];
        for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
            size_t len = strlen(opts[k]);
            if (strcmp(a, opts[k]) == 0) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "jiuzhu gen: %s 需要一个值\n", a);
                    return EXIT_USAGE;
                }
                val = argv[++i];
                which = k;
            } else if (strncmp(a, opts[k], len) == 0 && a[len] == '=') {
                val = a + len + 1;
                which = k;
            }
        }
        switch (which) {
        case 0:
        case 1: {
            long long v;
            if (!cli_int("jiuzhu gen", opts[which], val, which == 0 ? 1 : 0,
                         which == 0 ? MAX_HOUSEHOLDS : LLONG_MAX, &v))
                return EXIT_USAGE;
            *(which == 0 ? &households : &seed) = (uint64_t)v;
            *(which == 0 ? &have_n : &have_seed) = true;
            break;
        }
        case 2:
            region = val;
            break;
        case 3:
            if (jz_date_parse(val, strlen(val), &date, &err) != JZ_OK) {
                fprintf(stderr, "jiuzhu gen: --date %s：%s\n", val, err.reason);
                return EXIT_USAGE;
            }
            break;
        case 4:
            if (strcmp(val, "jsonl") == 0) {
                fmt = FMT_JSONL;
            } else if (strcmp(val, "csv") == 0) {
                fmt = FMT_CSV;
            } else if (strcmp(val, "feeds") == 0) {
                fmt = FMT_FEEDS;
            } else {
                fprintf(stderr, "jiuzhu gen: --format 应为 jsonl、csv 或 feeds，而不是 %s\n", val);
                return EXIT_USAGE;
            }
            break;
        case 5:
            policy_opt = val;
            break;
        case 6: {
            long long v;
            if (!cli_int("jiuzhu gen", "--feed-rows", val, 0, 60, &v))
                return EXIT_USAGE;
            feed_rows = (int)v;
            break;
        }
        default:
            fprintf(stderr, "jiuzhu gen: 未知选项 %s\n", a);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!have_n || !have_seed || !out) {
        fprintf(stderr, "jiuzhu gen: 缺少%s\n",
                !have_n      ? " --households"
                : !have_seed ? " --seed"
                             : "输出文件或目录");
        usage(stderr);
        return EXIT_USAGE;
    }
    if ((fmt == FMT_CSV || fmt == FMT_FEEDS) && strcmp(out, "-") == 0) {
        fputs("jiuzhu gen: --format csv 或 feeds 的输出是目录，不能是 -\n", stderr);
        return EXIT_USAGE;
    }

    jz_regions *regions = NULL;
    jz_paramset *ps = NULL;
    jz_gen *g = NULL;
    jz_household_buf *buf = NULL;
    int status = cli_load_policy(cli_policy_dir(policy_opt), &regions, &ps);
    if (status)
        goto done;
    jz_gen_opts o = {.seed = seed,
                     .region = region,
                     .date = date,
                     .regions = regions,
                     .params = ps,
                     .households = households};
    jz_err rc = jz_gen_new(&o, &g, &err);
    if (rc != JZ_OK) {
        if (rc == JZ_EUSAGE) {
            if (strcmp(err.field, "region") == 0)
                fprintf(stderr, "jiuzhu gen: --region %s：%s\n", region, err.reason);
            else
                fprintf(stderr, "jiuzhu gen: --households %llu：%s\n",
                        (unsigned long long)households, err.reason);
            status = EXIT_USAGE;
        } else {
            status = cli_fail(&err);
        }
        goto done;
    }
    if (!(buf = malloc(sizeof *buf))) {
        fputs("jiuzhu gen: 内存不足\n", stderr);
        status = EXIT_INPUT;
        goto done;
    }
    run x = {.households = households, .g = g, .buf = buf, .force = force};
    double t0 = now();
    if (fmt == FMT_FEEDS) {
        uint64_t rows = 0, signals = 0;
        status = cli_gen_feeds(g, buf, households, seed, date, out, feed_rows, force, &rows,
                               &signals);
        if (status == EXIT_DONE)
            fprintf(stderr,
                    "jiuzhu gen: %llu 户的部门数据 %llu 行，其中预置预警信号 %llu 个（%s/planted.csv），"
                    "用时 %.2f 秒\n",
                    (unsigned long long)households, (unsigned long long)rows,
                    (unsigned long long)signals, out, now() - t0);
        goto done;
    }
    status = fmt == FMT_CSV ? write_csv(&x, out) : write_jsonl(&x, out);
    if (status == EXIT_DONE)
        fprintf(stderr, "jiuzhu gen: %llu 户，%llu 人，%zu 个县、%zu 个乡镇街道，用时 %.2f 秒\n",
                (unsigned long long)households, (unsigned long long)x.persons, jz_gen_counties(g),
                jz_gen_townships(g), now() - t0);
done:
    free(buf);
    jz_gen_free(g);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    return status;
}
