/*
 * feed.c - `jiuzhu feed import DB DEPT FILE`: another department's data
 * (R-MON-1) into the store, in the department's CSV layout (docs/feeds.md).
 * Every accepted row is kept, matched to the registry or not; a refused row
 * is reported with its file, line, field, value and reason (report file and
 * stderr) and the exit status is 1; importing the same file again adds
 * nothing.  The import is one transaction of jz_feed_import; this file
 * reads the file, keeps the report and prints the counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_feed.h"
#include "jiuzhu/jz_file.h"
#include "jiuzhu/jz_store.h"

static void usage(FILE *f)
{
    fputs("用法: jiuzhu feed import [--report 文件 [--force]] [--actor 经办人] 数据库 部门 文件\n"
          "\n"
          "部门（各自的 CSV 格式见 docs/feeds.md）:\n",
          f);
    for (int d = 0; d < JZ_DEPT_COUNT; d++)
        fprintf(f, "  %-11s %s：%s\n", jz_dept_names[d], jz_dept_zh[d], jz_feed_header((jz_dept)d));
    fputs("\n按身份证号码与低收入人口数据库比对；库外人员的数据也保留（用于主动发现）。\n"
          "同一文件重复导入不会重复记录。被拒绝的行写入报告文件（默认：数据库文件名加\n"
          ".feed-report.csv，每次导入重写）；--report 指定的文件已存在时须加 --force 才覆盖，\n"
          "数据库文件在任何情况下都不会被覆盖。\n",
          f);
}

/* The whole file (feeds are read from memory; up to 4 GiB). */
char *cli_slurp(const char *path, size_t *len, jz_error *err)
{
    char *text = NULL;
    return jz_file_read(path, "文件", (size_t)4 << 30, &text, len, err) == JZ_OK ? text : NULL;
}

/* A refused row: into the report, and the first hundred on stderr. */
static int report_row(const jz_error *e, void *arg)
{
    cli_report_row(arg, e);
    return 0;
}

int cmd_feed(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "import") != 0) {
        bool help = argc >= 2 && strcmp(argv[1], "--help") == 0;
        usage(help ? stdout : stderr);
        return help ? EXIT_DONE : EXIT_USAGE;
    }
    const char *db = NULL, *dept_name = NULL, *file = NULL, *report_path = NULL,
               *actor = cli_default_actor();
    bool force = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--report") == 0 && i + 1 < argc)
            report_path = argv[++i];
        else if (strcmp(a, "--force") == 0)
            force = true;
        else if (strcmp(a, "--actor") == 0 && i + 1 < argc)
            actor = argv[++i];
        else if (a[0] == '-' && a[1] == '-') {
            usage(stderr);
            return EXIT_USAGE;
        } else if (!db)
            db = a;
        else if (!dept_name)
            dept_name = a;
        else if (!file)
            file = a;
        else {
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!file) {
        usage(stderr);
        return EXIT_USAGE;
    }
    int dept = jz_dept_find(dept_name);
    if (dept < 0) {
        fprintf(stderr, "jiuzhu feed: 未知部门「%s」\n", dept_name);
        usage(stderr);
        return EXIT_USAGE;
    }
    char default_report[4096];
    if (!report_path) {
        /* The default report beside the database is jiuzhu's own: each
         * import rewrites it. */
        cli_beside_db(db, ".feed-report.csv", default_report, sizeof default_report);
        report_path = default_report;
        force = true;
    }
    jz_error err;
    jz_error_clear(&err);
    size_t len = 0;
    char *text = cli_slurp(file, &len, &err);
    if (!text) {
        return cli_fail(&err);
    }
    cli_report rep;
    int status = cli_report_create(&rep, report_path, "jiuzhu feed", db, cli_out_flags(force));
    jz_store *s = NULL;
    jz_feed_counts n = {0};
    if (status)
        goto out;
    if (jz_store_open(db, 0, &s, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    /* Importing needs no policy: the context is the store and the actor. */
    jz_ctx x = {.store = s, .today = jz_date_today()};
    snprintf(x.actor, sizeof x.actor, "%s", cli_actor(actor));
    jz_err rc = jz_feed_import(&x, (jz_dept)dept, text, len, file, report_row, &rep, &n, &err);
    if (rc == JZ_EINPUT && err.source[0] && !n.rows && !n.rejected) {
        cli_report_row(&rep, &err); /* the file itself was refused */
        status = EXIT_INPUT;
        goto out;
    }
    if (rc) {
        status = cli_fail(&err);
        goto out;
    }
    fprintf(stderr,
            "jiuzhu feed: %s数据 %ld 行（新增 %ld 行，其余已导入过），其中 %ld 行是库内人员；"
            "拒绝 %ld 行；报告：%s\n",
            jz_dept_zh[dept], n.rows, n.added, n.matched, n.rejected, report_path);
    status = n.rejected ? EXIT_INPUT : EXIT_DONE;
out:
    if (cli_report_close(&rep))
        status = EXIT_INPUT;
    jz_store_close(s);
    free(text);
    return status;
}
