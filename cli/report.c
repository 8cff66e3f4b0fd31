/*
 * report.c - the report of refused records that imports write: a CSV file a
 * person can open in Excel (UTF-8 with a byte order mark), one row per
 * refusal with file, line, household, member, field, value and reason; the
 * first hundred also go to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <csv.h>

#include "cli.h"

int cli_report_open(cli_report *r, const char *path, const char *cmd)
{
    memset(r, 0, sizeof *r);
    r->cmd = cmd;
    r->f = fopen(path, "wb");
    if (!r->f) {
        fprintf(stderr, "%s: 无法写报告文件 %s：%s\n", cmd, path, strerror(errno));
        return EXIT_INPUT;
    }
    fputs("\xEF\xBB\xBF文件,行,户编号,成员,字段,值,原因\r\n", r->f);
    return EXIT_DONE;
}

void cli_report_row(cli_report *r, const jz_error *e)
{
    char line[32];
    snprintf(line, sizeof line, "%ld", e->line);
    const char *cells[] = {
        e->source, e->line ? line : "", e->household, e->member, e->field, e->value, e->reason};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        if (i)
            fputc(',', r->f);
        csv_fwrite(r->f, cells[i], strlen(cells[i]));
    }
    fputs("\r\n", r->f);
    r->rejected++;
    if (r->printed++ < 100)
        cli_print_error(e);
    else if (r->printed == 101)
        fprintf(stderr, "%s: 更多被拒绝的记录见报告文件\n", r->cmd);
}

int cli_report_close(cli_report *r)
{
    if (!r->f)
        return EXIT_DONE;
    int rc = fclose(r->f) == 0 ? EXIT_DONE : EXIT_INPUT;
    if (rc)
        fprintf(stderr, "%s: 写报告文件失败：%s\n", r->cmd, strerror(errno));
    r->f = NULL;
    return rc;
}
