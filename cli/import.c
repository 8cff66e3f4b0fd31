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
 *
 * The refusals are kept in the database with the batches they belong to,
 * and the report is written at the end from there (jz_import_rejections):
 * an import resumed after a kill reports the records its earlier run
 * refused too.  The report is written whole through jz_outfile (a
 * temporary file renamed over the target), ID numbers masked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <csv.h>

#include "cli.h"
#include "jiuzhu/jz_docs.h"
#include "jiuzhu/jz_file.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_import.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"

static void usage(FILE *f)
{
    fputs("用法: jiuzhu import [--report 文件 [--force]] [--date YYYY-MM-DD] [--policy 目录]\n"
          "                    [--batch N] 数据库 文件...\n"
          "\n"
          "导入户记录：JSON（单条、数组或 JSON Lines）或一组 CSV 文件（见 docs/csv-import.md）。\n"
          "每户整体入库或整体拒绝；按户编号更新，重复导入不会重复。被拒绝的记录写入报告文件\n"
          "（默认：数据库文件名加 .import-report.csv，每次导入替换；--report 指定的已有文件须加\n"
          "--force 才替换），并在标准错误输出；身份证号码只显示前六位和后四位。中断后再次导入同一\n"
          "文件，从上次提交处继续，报告仍列出全部被拒绝的记录（含中断前的）。--batch N：每 N 户\n"
          "提交一次（默认 100000）。户记录写明正在享受救助的（current），同时纳入救助对象管理\n"
          "（每个救助单元一条记录，只纳入一次）；按现行政策评估不再符合的，生成 D 类预警。\n"
          "\n"
          "退出码：0 全部导入；1 有记录被拒绝或无法读取；2 用法错误。\n",
          f);
}

/* What the report lists, in the order of the files: an import's refusals
 * (kept in the store), or a file refused whole (not an import). */
typedef struct part {
    int64_t import; /* 0: none */
    bool refused;
    jz_error err;
} part;

typedef struct importer {
    jz_store *store;
    const jz_regions *regions;
    jz_parse_opts opts;
    jz_import_adopt adopt;
    long stored, enrolled, ineligible;
    long rejected_here, rejected_total; /* refusals this run; of the imports over all runs */
    long printed;
    long batch;
    part *parts;
    size_t n_parts;
    FILE *report; /* while the report is written */
    long rows;
} importer;

/* A refusal as it happens: on stderr, the first hundred. */
static void on_reject(const jz_error *e, void *arg)
{
    importer *im = arg;
    im->rejected_here++;
    if (im->printed++ < 100)
        cli_print_error(e);
    else if (im->printed == 101)
        fputs("jiuzhu import: 更多被拒绝的记录见报告文件\n", stderr);
}

/* A file refused whole: on stderr, and into the report. */
static void refused_file(importer *im, const jz_error *e)
{
    on_reject(e, im);
    part *p = &im->parts[im->n_parts++];
    p->refused = true;
    p->err = *e;
}

/* One row of the report (cli/report.c: masked, formula cells neutralised). */
static void report_row(const jz_error *e, void *arg)
{
    importer *im = arg;
    cli_report_write_row(im->report, e);
    fputs("\r\n", im->report);
    im->rows++;
}

/* Writes the report whole (a CSV file a person opens in Excel: UTF-8 with a
 * byte order mark): every import's refusals as kept in the store, over all
 * its runs, and the files refused whole.  Returns 0 or an exit code. */
static int write_report(importer *im, const char *path, const char *db, unsigned flags)
{
    jz_error err;
    jz_error_clear(&err);
    jz_outfile *o = NULL;
    if (jz_outfile_open(path, db, flags, &o, &err) != JZ_OK ||
        !(im->report = jz_outfile_stream(o))) {
        if (o) {
            jz_outfile_abort(o);
            jz_error_set(&err, JZ_ENOMEM, NULL, NULL, "内存不足");
        }
        fprintf(stderr, "jiuzhu import: 无法写报告文件「%s」：%s\n", path, err.reason);
        return cli_exit_code(&err);
    }
    fputs("\xEF\xBB\xBF文件,行,户编号,成员,字段,值,原因\r\n", im->report);
    im->rows = 0;
    int status = EXIT_DONE;
    for (size_t i = 0; i < im->n_parts && !status; i++) {
        const part *p = &im->parts[i];
        if (p->import && jz_import_rejections(im->store, p->import, report_row, im, NULL, &err))
            status = cli_fail(&err);
        if (p->refused)
            report_row(&p->err, im);
    }
    if (!status && ferror(im->report)) {
        fprintf(stderr, "jiuzhu import: 写报告文件「%s」失败\n", path);
        status = EXIT_INPUT;
    }
    im->report = NULL;
    if (status) {
        jz_outfile_abort(o);
        return status;
    }
    if (jz_outfile_commit(o, &err) != JZ_OK) {
        fprintf(stderr, "jiuzhu import: 无法写报告文件「%s」：%s\n", path, err.reason);
        return cli_exit_code(&err);
    }
    return EXIT_DONE;
}

/* Adds up an import's figures over all its runs. */
static void add_stats(importer *im, const jz_import_stats *st)
{
    im->stored += st->stored_total;
    im->rejected_total += st->rejected_total;
    im->enrolled += st->enrolled;
    im->ineligible += st->ineligible;
    if (st->import)
        im->parts[im->n_parts++].import = st->import;
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
    add_stats(im, &st);
    if (rc && err.source[0]) {
        refused_file(im, &err); /* the file itself was refused */
        return EXIT_INPUT;
    }
    return rc ? cli_fail(&err) : EXIT_DONE; /* busy: 3, not 1 */
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
    bool force = false;
    /* At most two parts per file (its import, and the error that stopped
     * it), two for the CSV set. */
    im.parts = calloc(2 * (size_t)argc + 2, sizeof *im.parts);
    if (!files || !im.parts) {
        free(files);
        free(im.parts);
        return EXIT_INPUT;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            goto out;
        } else if (strcmp(a, "--force") == 0) {
            force = true;
        } else if (strcmp(a, "--batch") == 0 && i + 1 < argc) {
            long long n;
            if (!cli_int("jiuzhu import", "--batch", argv[++i], 1, 1000000, &n)) {
                status = EXIT_USAGE;
                goto out;
            }
            im.batch = (long)n;
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
        status = cli_fail(&err);
        goto out;
    }
    jz_store_set_actor(im.store, cli_actor(cli_default_actor())); /* who imported, in the audit log */
    /* The default report is the import's own, replaced by every import; a
     * file named with --report is replaced only with --force.  Never the
     * database, a link or anything but a regular file (jz_outfile).
     * Checked now, so that a long import does not end without its report. */
    unsigned out_flags = cli_out_flags(force);
    if (!report_path) {
        cli_beside_db(db, ".import-report.csv", default_report, sizeof default_report);
        report_path = default_report;
        out_flags = cli_out_flags(true);
    }
    if (jz_outfile_check(report_path, db, out_flags, &err) != JZ_OK) {
        fprintf(stderr, "jiuzhu import: 报告文件「%s」：%s\n", report_path, err.reason);
        status = cli_exit_code(&err);
        goto out;
    }
    im.regions = regions;
    /* Existing recipients (`current`) are brought in: assessed with the
     * policy's parameters, their alerts dated on its calendar. */
    if ((status = cli_load_calendar(NULL, policy_opt, &cal)))
        goto out;
    im.adopt = (jz_import_adopt){.params = ps, .calendar = cal};
    im.opts =
        (jz_parse_opts){.regions = regions, .default_date = jz_date_today(), .force_date = date};
    int failed = 0, k; /* the exit status of the first file that failed */
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
        else if ((k = import_json(&im, files[i])) && !failed)
            failed = k;
    }
    if (ncsv > 0) {
        jz_import_stats st;
        jz_err rc = jz_import_csv(im.store, csv, ncsv, &im.opts, &im.adopt, im.batch, on_reject,
                                  &im, &st, &err);
        if (st.resumed_after > 0)
            fprintf(stderr, "jiuzhu import: 上次导入中断，已从第 %ld 户之后继续\n",
                    st.resumed_after);
        add_stats(&im, &st);
        if (rc && err.source[0]) {
            refused_file(&im, &err);
            k = EXIT_INPUT;
        } else {
            k = rc ? cli_fail(&err) : EXIT_DONE;
        }
        if (k && !failed)
            failed = k;
    }
    free(csv);
    int wrote = write_report(&im, report_path, db, out_flags);
    if (wrote) {
        /* Without the report, the count of the store (records). */
        failed = failed ? failed : EXIT_INPUT;
        im.rows = im.rejected_total;
        for (size_t i = 0; i < im.n_parts; i++)
            im.rows += im.parts[i].refused;
    }
    fprintf(stderr, "jiuzhu import: 入库 %ld 户，拒绝 %ld 条", im.stored, im.rows);
    if (im.rows > im.rejected_here && !wrote)
        fprintf(stderr, "（其中 %ld 条在上次中断前已被拒绝）", im.rows - im.rejected_here);
    fprintf(stderr, "；报告：%s%s\n", report_path, wrote ? "（未能写出）" : "");
    if (im.enrolled || im.ineligible)
        fprintf(stderr,
                "jiuzhu import: 存量救助对象纳入管理 %ld 项（jiuzhu enrolment list）；其中 %ld 项按"
                "现行政策评估不再符合，已生成 D 类预警（jiuzhu alerts --category D）\n",
                im.enrolled, im.ineligible);
    status = wrote ? wrote : failed ? failed : im.rows ? EXIT_INPUT : EXIT_DONE;
out:
    free(im.parts);
    jz_store_close(im.store);
    jz_calendar_free(cal);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    free(files);
    return status;
}
