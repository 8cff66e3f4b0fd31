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
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"

/* Households per transaction: each commit is a disk flush, so larger is
 * faster; an interrupted import redoes at most one batch. */
#define BATCH 20000

static void usage(FILE *f)
{
    fputs(
        "用法: jiuzhu import [--report 文件] [--date YYYY-MM-DD] [--policy 目录] 数据库 文件...\n"
        "\n"
        "导入户记录：JSON（单条、数组或 JSON Lines）或一组 CSV 文件（见 docs/csv-import.md）。\n"
        "每户整体入库或整体拒绝；按户编号更新，重复导入不会重复。被拒绝的记录写入报告文件\n"
        "（默认：数据库文件名加 .import-report.csv），并在标准错误输出。中断后再次导入同一文件，\n"
        "从上次提交处继续。\n"
        "\n"
        "退出码：0 全部导入；1 有记录被拒绝或无法读取；2 用法错误。\n",
        f);
}

typedef struct importer {
    jz_store *store;
    const jz_regions *regions;
    jz_parse_opts opts;
    FILE *report;
    long stored, rejected;
    long printed;
} importer;

/* One row of the report: file, line, household, member, field, value, reason. */
static void report_row(importer *im, const jz_error *e)
{
    char line[32];
    snprintf(line, sizeof line, "%ld", e->line);
    const char *cells[] = {
        e->source, e->line ? line : "", e->household, e->member, e->field, e->value, e->reason};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        if (i)
            fputc(',', im->report);
        csv_fwrite(im->report, cells[i], strlen(cells[i]));
    }
    fputs("\r\n", im->report);
    im->rejected++;
    /* stderr gets the first hundred; the report has them all. */
    if (im->printed++ < 100)
        cli_print_error(e);
    else if (im->printed == 101)
        fputs("jiuzhu import: 更多被拒绝的记录见报告文件\n", stderr);
}

static jz_err commit_batch(importer *im, const jz_store_import *imp, long lines, long stored,
                           long rejected, bool finished, jz_error *err)
{
    jz_err rc = jz_store_import_progress(im->store, imp, lines, stored, rejected, finished, err);
    if (rc == JZ_OK)
        rc = jz_store_commit(im->store, err);
    return rc;
}

/* Skips n lines of in (resuming a JSON Lines import). */
static bool skip_lines(FILE *in, long n)
{
    int ch;
    while (n > 0 && (ch = getc_unlocked(in)) != EOF)
        if (ch == '\n')
            n--;
    return n == 0;
}

static int import_json(importer *im, const char *path)
{
    jz_error err;
    jz_error_clear(&err);
    struct stat st;
    FILE *in = fopen(path, "rb");
    if (!in || fstat(fileno(in), &st) != 0) {
        jz_error_set(&err, JZ_EIO, "", NULL, "无法打开：%s", strerror(errno));
        snprintf(err.source, sizeof err.source, "%s", path);
        report_row(im, &err);
        if (in)
            fclose(in);
        return -1;
    }
    jz_store_import imp;
    jz_err rc = jz_store_import_begin(im->store, path, (int64_t)st.st_size, (int64_t)st.st_mtime,
                                      &imp, &err);
    if (rc) {
        cli_print_error(&err);
        fclose(in);
        return -1;
    }
    if (imp.lines_done > 0) {
        fprintf(stderr, "jiuzhu import: %s 上次导入中断，从第 %ld 行之后继续\n", path,
                imp.lines_done);
        if (!skip_lines(in, imp.lines_done)) {
            fclose(in);
            return 0;
        }
    }
    jz_reader *rd = jz_reader_new(in, path, &im->opts);
    if (!rd) {
        fclose(in);
        return -1;
    }
    jz_reader_start_line(rd, imp.lines_done);
    long batch_stored = 0, batch_rejected = 0, in_batch = 0, last_line = imp.lines_done;
    int status = 0;
    if ((rc = jz_store_begin(im->store, &err)))
        goto fatal;
    for (;;) {
        const jz_household *h;
        rc = jz_reader_next(rd, &h, &err);
        if (rc == JZ_EOF)
            break;
        if (rc == JZ_OK) {
            char source[JZ_ERR_FIELD_MAX + 32];
            snprintf(source, sizeof source, "%.96s:%ld", path, jz_reader_line(rd));
            rc = jz_store_put_household(im->store, h, jz_reader_text(rd, NULL), source, &err);
            if (rc == JZ_OK) {
                batch_stored++;
            } else if (rc == JZ_EINPUT) {
                jz_error_set_where(&err, h->household_id, NULL);
                snprintf(err.source, sizeof err.source, "%s", path);
                err.line = jz_reader_line(rd);
                report_row(im, &err);
                batch_rejected++;
            } else {
                goto fatal;
            }
        } else if (rc == JZ_EINPUT) {
            report_row(im, &err);
            batch_rejected++;
        } else {
            goto fatal;
        }
        if (jz_reader_lines(rd))
            last_line = jz_reader_line(rd);
        if (++in_batch == BATCH) {
            if ((rc = commit_batch(im, &imp, last_line, batch_stored, batch_rejected, false,
                                   &err)) ||
                (rc = jz_store_begin(im->store, &err)))
                goto fatal;
            im->stored += batch_stored;
            batch_stored = batch_rejected = in_batch = 0;
        }
    }
    if ((rc = commit_batch(im, &imp, last_line, batch_stored, batch_rejected, true, &err)))
        goto fatal;
    im->stored += batch_stored;
    goto done;
fatal:
    jz_store_rollback(im->store);
    cli_print_error(&err);
    status = -1;
done:
    jz_reader_free(rd);
    fclose(in);
    return status;
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
    if (!report_path) {
        snprintf(default_report, sizeof default_report, "%s.import-report.csv", db);
        report_path = default_report;
    }
    im.report = fopen(report_path, "wb");
    if (!im.report) {
        fprintf(stderr, "jiuzhu import: 无法写报告文件 %s：%s\n", report_path, strerror(errno));
        status = EXIT_INPUT;
        goto out;
    }
    fputs("\xEF\xBB\xBF文件,行,户编号,成员,字段,值,原因\r\n", im.report);
    im.regions = regions;
    im.opts =
        (jz_parse_opts){.regions = regions, .default_date = jz_date_today(), .force_date = date};
    int failed = 0;
    for (int i = 0; i < nfiles; i++) {
        if (has_suffix(files[i], ".csv")) {
            fprintf(stderr, "jiuzhu import: CSV 导入尚未完成：%s\n", files[i]);
            failed = 1;
            continue;
        }
        if (import_json(&im, files[i]) < 0)
            failed = 1;
    }
    if (fclose(im.report) != 0) {
        fprintf(stderr, "jiuzhu import: 写报告文件失败：%s\n", strerror(errno));
        failed = 1;
    }
    im.report = NULL;
    fprintf(stderr, "jiuzhu import: 入库 %ld 户，拒绝 %ld 条；报告：%s\n", im.stored, im.rejected,
            report_path);
    status = failed || im.rejected ? EXIT_INPUT : EXIT_DONE;
out:
    if (im.report)
        fclose(im.report);
    jz_store_close(im.store);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    free(files);
    return status;
}
