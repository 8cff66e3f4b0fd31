/*
 * args.c - what every subcommand does the same way with what a person
 * typed and what it shows him: numbers parsed with their ranges
 * (jz_parse_int), output files written through jz_outfile with --force and
 * the file mode of $JIUZHU_FILE_MODE, and ID numbers masked in what it
 * prints unless one record's full numbers were asked for (--full-id).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "jiuzhu/jz_opt.h"

/* ---- numbers ---------------------------------------------------------------------- */

bool cli_int(const char *cmd, const char *opt, const char *text, long long min, long long max,
             long long *out)
{
    jz_error err;
    jz_error_clear(&err);
    if (jz_parse_int(text, min, max, out, &err) == JZ_OK)
        return true;
    /* The value as jz_error keeps it: cut, control bytes escaped; and an ID
     * number typed in the wrong place is not echoed whole. */
    jz_idnum_mask_text(err.value);
    fprintf(stderr, "%s: %s「%s」%s\n", cmd, opt, err.value, err.reason);
    return false;
}

/* ---- options ---------------------------------------------------------------------- */

bool cli_opts(int argc, char **argv, int from, const cli_opt *opts, const char **positional)
{
    for (int i = from; i < argc; i++) {
        const char *a = argv[i];
        const cli_opt *o = opts;
        while (o->name && strcmp(o->name, a) != 0)
            o++;
        if (o->name && i + 1 < argc) {
            *o->value = argv[++i];
        } else if (!o->name && a[0] != '-' && !*positional) {
            *positional = a;
        } else {
            return false;
        }
    }
    return true;
}

/* ---- output files ----------------------------------------------------------------- */

static bool group_read;

int cli_file_mode_init(void)
{
    const char *mode = getenv("JIUZHU_FILE_MODE");
    if (mode == NULL || mode[0] == '\0' || strcmp(mode, "0600") == 0) {
        umask(077);
        return EXIT_DONE;
    }
    if (strcmp(mode, "0640") == 0) {
        umask(027);
        group_read = true;
        return EXIT_DONE;
    }
    umask(077);
    fprintf(stderr,
            "jiuzhu: 环境变量 JIUZHU_FILE_MODE「%s」应为 0600（默认，只有本人可读写）"
            "或 0640（同组可读，供备份、审计）\n",
            mode);
    return EXIT_USAGE;
}

unsigned cli_out_flags(bool force)
{
    return (force ? JZ_OUT_FORCE : 0u) | (group_read ? JZ_OUT_GROUP_READ : 0u);
}

static int out_fail(const char *cmd, const char *opt, const char *path, const jz_error *err)
{
    fprintf(stderr, "%s: %s「%s」：%s\n", cmd, opt, path, err->reason);
    return err->code == JZ_EUSAGE ? EXIT_USAGE : EXIT_INPUT;
}

int cli_out_open(const char *cmd, const char *opt, const char *path, const char *db, bool force,
                 jz_outfile **o)
{
    jz_error err;
    jz_error_clear(&err);
    if (jz_outfile_open(path, db, cli_out_flags(force), o, &err) != JZ_OK)
        return out_fail(cmd, opt, path, &err);
    return EXIT_DONE;
}

int cli_out_commit(const char *cmd, const char *opt, jz_outfile *o)
{
    jz_error err;
    jz_error_clear(&err);
    if (jz_outfile_commit(o, &err) != JZ_OK)
        return out_fail(cmd, opt, err.value, &err);
    return EXIT_DONE;
}

int cli_write_file(const char *cmd, const char *opt, const char *path, const char *db, bool force,
                   const char *text, size_t len)
{
    jz_error err;
    jz_error_clear(&err);
    if (jz_file_write(path, db, cli_out_flags(force), text, len, &err) != JZ_OK)
        return out_fail(cmd, opt, path, &err);
    return EXIT_DONE;
}

/* ---- ID numbers in what is printed --------------------------------------------------- */

static bool full_ids;

void cli_full_ids(bool full)
{
    full_ids = full;
}

const char *cli_id(const char *id, char buf[JZ_IDNUM_MASKED_BUF])
{
    if (full_ids)
        snprintf(buf, JZ_IDNUM_MASKED_BUF, "%s", id ? id : "");
    else
        jz_idnum_mask(id, buf);
    return buf;
}

void cli_mask_text(char *text)
{
    if (!full_ids)
        jz_idnum_mask_text(text);
}

void cli_printf(const char *fmt, ...)
{
    char small[2048], *line = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof small) {
        line = malloc((size_t)n + 1);
        if (line == NULL) {
            fputs("jiuzhu: 内存不足\n", stderr);
            return;
        }
        va_start(ap, fmt);
        vsnprintf(line, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    cli_mask_text(line);
    fputs(line, stdout);
    if (line != small)
        free(line);
}
