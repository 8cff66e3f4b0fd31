/*
 * report.c - the report of refused rows a feed import writes: a CSV file a
 * person can open in Excel (UTF-8 with a byte order mark), one row per
 * refusal with file, line, household, member, field, value and reason; the
 * first hundred also go to stderr.
 *
 * The file is written through jz_outfile (a temporary file renamed into
 * place when the report is closed), so it never replaces a database or
 * follows a symbolic link.  Its cells are what the refused input held, so
 * they get what every export gets: ID numbers masked, and a leading ' on a
 * cell a spreadsheet would run as a formula.
 */
#include <stdio.h>
#include <string.h>

#include <csv.h>

#include "cli.h"
#include "jiuzhu/jz_docs.h"

int cli_report_create(cli_report *r, const char *path, const char *cmd, const char *db,
                      unsigned flags)
{
    memset(r, 0, sizeof *r);
    r->cmd = cmd;
    jz_error err;
    jz_error_clear(&err);
    if (jz_outfile_open(path, db, flags, &r->out, &err) != JZ_OK) {
        fprintf(stderr, "%s: 报告文件「%s」：%s\n", cmd, path, err.reason);
        return err.code == JZ_EUSAGE ? EXIT_USAGE : EXIT_INPUT;
    }
    r->f = jz_outfile_stream(r->out);
    if (!r->f) {
        jz_outfile_abort(r->out);
        r->out = NULL;
        fprintf(stderr, "%s: 内存不足\n", cmd);
        return EXIT_INPUT;
    }
    fputs("\xEF\xBB\xBF文件,行,户编号,成员,字段,值,原因\r\n", r->f);
    return EXIT_DONE;
}

/* One cell: masked (mask), neutralised, quoted by libcsv where it must be. */
static void cell(FILE *f, const char *text, bool mask)
{
    char buf[JZ_ERR_REASON_MAX + 1];
    snprintf(buf + 1, sizeof buf - 1, "%s", text);
    if (mask)
        jz_idnum_mask_text(buf + 1);
    /* The ' goes inside the quotes libcsv puts around the cell. */
    const char *c = buf + 1;
    if (jz_doc_formula_like(c)) {
        buf[0] = '\'';
        c = buf;
    }
    csv_fwrite(f, c, strlen(c));
}

void cli_report_write_row(FILE *f, const jz_error *e)
{
    char line[32];
    snprintf(line, sizeof line, "%ld", e->line);
    const char *cells[] = {
        e->source, e->line ? line : "", e->household, e->member, e->field, e->value, e->reason};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        if (i)
            fputc(',', f);
        cell(f, cells[i], i > 1); /* the file's name as it is */
    }
}

void cli_report_row(cli_report *r, const jz_error *e)
{
    cli_report_write_row(r->f, e);
    fputs("\r\n", r->f);
    r->rejected++;
    if (r->printed++ < 100)
        cli_print_error(e);
    else if (r->printed == 101)
        fprintf(stderr, "%s: 更多被拒绝的记录见报告文件\n", r->cmd);
}

int cli_report_close(cli_report *r)
{
    if (!r->out)
        return EXIT_DONE;
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_outfile_commit(r->out, &err);
    r->out = NULL;
    r->f = NULL;
    if (rc) {
        fprintf(stderr, "%s: 写报告文件失败：%s\n", r->cmd, err.reason);
        return EXIT_INPUT;
    }
    return EXIT_DONE;
}
