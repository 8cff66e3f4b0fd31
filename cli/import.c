/*
 * import.c - `jiuzhu import DB FILE...`: household records into the registry.
 *
 * JSON (one record, an array, JSON Lines) and CSV sets (docs/csv-import.md)
 * are read with the same strict validation as `jiuzhu assess`.  Each
 * household is stored wholly or not at all; every rejected record is reported
 * on stderr and in a report file a person can open (CSV, UTF-8 with a byte
 * order mark so that Excel shows the Chinese).  Households are committed in
 * batches together with the import's progress, so killing the import at any
 * moment leaves the database consistent and the next `jiuzhu import` of the
 * same file resumes after the last committed batch.  Re-importing a file
 * replaces households by their household_id: nothing is duplicated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <csv.h>

#include "cli.h"
#include "jiuzhu/jz_import.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"

static void usage(FILE *f)
{
    fputs(
        "用法: jiuzhu import [--report 文件] [--date YYYY-MM-DD] [--policy 目录] 数据库 文件...\n"
        "\n"
        "导入户记录：JSON（单条、数组或 JSON Lines）或一组 CSV 文件（见 docs/csv-import.md）。\n"
        "每户整体入库或整体拒绝；按户编号更新，重复导入不会重复。被拒绝的记录写入报告文件\n"
        "（默认：数据库文件名加 .import-report.csv），并在标准错误输出。中断后再次导入同一文件，\n"
        "从上次提交处继续。户记录写明正在享受救助的（current），同时纳入救助对象管理\n"
        "（每个救助单元一条记录，只纳入一次）；按现行政策评估不再符合的，生成 D 类预警。\n"
        "\n"
        "退出码：0 全部导入；1 有记录被拒绝或无法读取；2 用法错误。\n",
        f);
}

typedef struct importer {
    jz_store *store;
    const jz_regions *regions;
    jz_parse_opts opts;
    jz_import_adopt adopt;
    cli_report report;
    long stored, enrolled, ineligible;
    long batch;
} importer;

static void report_row(importer *im, const jz_error *e)
{
    cli_report_row(&im->report, e);
}

static void on_reject(const jz_error *e, void *arg)
{
    report_row(arg, e);
}

static int import_json(importer *im, const char *path)
{
    jz_error err;
    jz_error_clear(&err);
    jz_import_stats st;
    jz_err rc = jz_import_json(im->store, path, &im->opts, &im->adopt, 0, im->batch, on_reject,
                               im, &st, &err);
    if (st.resumed_after > 0)
        fprintf(stderr, "jiuzhu import: %s 上次导入中断，已从第 %ld 行之后继续\n", path,
                st.resumed_after);
    im->stored += st.stored;
    im->enrolled += st.enrolled;
    im->ineligible += st.ineligible;
    if (rc && err.source[0]) {
        report_row(im, &err); /* the file itself was refused */
        return -1;
    }
    if (rc) {
        cli_print_error(&err);
        return -1;
    }
    return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

int cmd_import(int argc, char **argv)
{
    const char *report_path = NULL, *policy_opt = NULL, *db = NULL;
    jz_date date = JZ_DATE_NONE;
    const char **files = calloc((size_t)argc, sizeof *files);
    int nfiles = 0, status = EXIT_DONE;
    jz_regions *regions = NULL;
    jz_paramset *ps = NULL;
    jz_calendar *cal = NULL;
    importer im;
    memset(&im, 0, sizeof im);
    jz_error err;
    jz_error_clear(&err);
    char default_report[4096];
    if (!files)
        return EXIT_INPUT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            goto out;
        } else if (strcmp(a, "--batch") == 0 && i + 1 < argc) {
            char *end;
            im.batch = strtol(argv[++i], &end, 10);
            if (*end || im.batch < 1 || im.batch > 1000000) {
                fprintf(stderr, "jiuzhu import: --batch 应为 1 到 1000000 之间的整数\n");
                status = EXIT_USAGE;
                goto out;
            }
        } else if ((strcmp(a, "--report") == 0 || strcmp(a, "--date") == 0 ||
                    strcmp(a, "--policy") == 0) &&
                   i + 1 < argc) {
            const char *v = argv[++i];
            if (a[2] == 'r')
                report_path = v;
            else if (a[2] == 'p')
                policy_opt = v;
            else if (jz_date_parse(v, strlen(v), &date, &err) != JZ_OK) {
                fprintf(stderr, "jiuzhu import: --date %s：%s\n", v, err.reason);
                status = EXIT_USAGE;
                goto out;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "jiuzhu import: 未知选项或缺少值 %s\n", a);
            usage(stderr);
            status = EXIT_USAGE;
            goto out;
        } else if (!db) {
            db = a;
        } else {
            files[nfiles++] = a;
        }
    }
    if (!db || nfiles == 0) {
        usage(stderr);
        status = EXIT_USAGE;
        goto out;
    }
    if ((status = cli_load_policy(cli_policy_dir(policy_opt), &regions, &ps)))
        goto out;
    if (jz_store_open(db, 0, &im.store, &err) != JZ_OK) {
        cli_print_error(&err);
        status = EXIT_INPUT;
        goto out;
    }
    jz_store_set_actor(im.store, cli_default_actor()); /* who imported, in the audit log */
    if (!report_path) {
        snprintf(default_report, sizeof default_report, "%s.import-report.csv", db);
        report_path = default_report;
    }
    if ((status = cli_report_open(&im.report, report_path, "jiuzhu import")))
        goto out;
    im.regions = regions;
    /* Existing recipients (`current`) are brought in: assessed with the
     * policy's parameters, their alerts dated on its calendar. */
    if ((status = cli_load_calendar(NULL, policy_opt, &cal)))
        goto out;
    im.adopt = (jz_import_adopt){.params = ps, .calendar = cal};
    im.opts =
        (jz_parse_opts){.regions = regions, .default_date = jz_date_today(), .force_date = date};
    int failed = 0;
    /* The CSV files are one set (households, members, ...); JSON files are
     * each a set of records of their own. */
    const char **csv = calloc((size_t)nfiles, sizeof *csv);
    size_t ncsv = 0;
    if (!csv) {
        status = EXIT_INPUT;
        goto out;
    }
    for (int i = 0; i < nfiles; i++) {
        if (has_suffix(files[i], ".csv"))
            csv[ncsv++] = files[i];
        else if (import_json(&im, files[i]) < 0)
            failed = 1;
    }
    if (ncsv > 0) {
        jz_import_stats st;
        jz_err rc = jz_import_csv(im.store, csv, ncsv, &im.opts, &im.adopt, im.batch, on_reject,
                                  &im, &st, &err);
        if (st.resumed_after > 0)
            fprintf(stderr, "jiuzhu import: 上次导入中断，已从第 %ld 户之后继续\n",
                    st.resumed_after);
        im.stored += st.stored;
        im.enrolled += st.enrolled;
        im.ineligible += st.ineligible;
        if (rc) {
            report_row(&im, &err);
            failed = 1;
        }
    }
    free(csv);
    if (cli_report_close(&im.report))
        failed = 1;
    fprintf(stderr, "jiuzhu import: 入库 %ld 户，拒绝 %ld 条；报告：%s\n", im.stored,
            im.report.rejected, report_path);
    if (im.enrolled || im.ineligible)
        fprintf(stderr,
                "jiuzhu import: 存量救助对象纳入管理 %ld 项（jiuzhu enrolment list）；其中 %ld 项按"
                "现行政策评估不再符合，已生成 D 类预警（jiuzhu alerts --category D）\n",
                im.enrolled, im.ineligible);
    status = failed || im.report.rejected ? EXIT_INPUT : EXIT_DONE;
out:
    cli_report_close(&im.report);
    jz_store_close(im.store);
    jz_calendar_free(cal);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    free(files);
    return status;
}
