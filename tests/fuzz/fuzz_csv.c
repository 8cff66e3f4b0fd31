/*
 * fuzz_csv.c - libFuzzer target for the CSV household importer (jz_csv.h)
 * and, through it, the encoding detector and converter (jz_encoding.h).
 *
 * The input is a set of files separated by NUL bytes (a NUL can never be
 * part of a CSV file the importer accepts, so no input is lost by this):
 * up to five pieces, one per table, each written to a temporary file of its
 * own.  The set is opened and every result read to the end, with room for
 * only a few errors per result so that the cap is exercised too.
 *
 * Besides the sanitizers, the target checks the promises of jz_csv.h: a
 * household returned with JZ_OK is JSON that jz_household_parse accepts; a
 * rejection carries at least one error; errors are NUL-terminated strings;
 * the number of results is bounded by the households count plus the rows.
 * A broken promise aborts.  See tests/fuzz/README.md for how to run it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jiuzhu/jz_csv.h"
#include "jiuzhu/jz_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_FILES = 5, CAP = 4 };

/* The temporary files, created on first use and rewritten for every input. */
static char paths[MAX_FILES][32];
static int fds[MAX_FILES] = {-1, -1, -1, -1, -1};

static const char *put(int i, const uint8_t *p, size_t n)
{
    if (fds[i] < 0) {
        snprintf(paths[i], sizeof paths[i], "/tmp/jz-fuzz-csv-XXXXXX");
        fds[i] = mkstemp(paths[i]);
        if (fds[i] < 0)
            abort();
    }
    if (ftruncate(fds[i], 0) != 0 || (n > 0 && pwrite(fds[i], p, n, 0) != (ssize_t)n))
        abort();
    return paths[i];
}

static void check_error(const jz_error *e)
{
    char msg[2048];
    if (memchr(e->source, '\0', sizeof e->source) == NULL ||
        memchr(e->field, '\0', sizeof e->field) == NULL ||
        memchr(e->value, '\0', sizeof e->value) == NULL ||
        memchr(e->reason, '\0', sizeof e->reason) == NULL ||
        memchr(e->household, '\0', sizeof e->household) == NULL ||
        memchr(e->member, '\0', sizeof e->member) == NULL)
        abort();
    jz_error_format(e, msg, sizeof msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *files[MAX_FILES];
    size_t n = 0, start = 0;

    for (size_t i = 0; i <= size && n < MAX_FILES; i++) {
        if (i == size || (data[i] == 0 && n < MAX_FILES - 1)) {
            files[n] = put((int)n, data + start, i - start);
            n++;
            start = i + 1;
            if (i == size)
                break;
        }
    }

    jz_csv_set *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (jz_csv_open(files, n, &s, &err) != JZ_OK) {
        if (s != NULL)
            abort();
        check_error(&err);
        return 0;
    }
    jz_parse_opts opts = {NULL, jz_date_make(2024, 6, 1), JZ_DATE_NONE};
    size_t limit = jz_csv_count(s) + (size_t)size + 2, results = 0;
    for (;;) {
        char *json = NULL;
        jz_error errs[CAP];
        size_t ne = 0;
        jz_err rc = jz_csv_next(s, &opts, &json, errs, CAP, &ne);
        if (rc == JZ_EOF)
            break;
        if (++results > limit)
            abort();
        if (rc == JZ_OK) {
            jz_household h;
            static jz_household_buf buf;
            jz_error e;
            jz_error_clear(&e);
            if (json == NULL || ne != 0 || jz_csv_household(s) == NULL ||
                jz_household_parse(json, strlen(json), &opts, &h, &buf, &e) != JZ_OK ||
                h.n_members != jz_csv_household(s)->n_members)
                abort();
            free(json);
            continue;
        }
        if (json != NULL || ne == 0 || ne > CAP || rc != JZ_EINPUT)
            abort();
        for (size_t k = 0; k < ne; k++)
            check_error(&errs[k]);
    }
    jz_csv_free(s);
    return 0;
}
