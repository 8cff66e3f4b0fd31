/*
 * fuzz_options.c - libFuzzer target for what the command line hands to the
 * library: numbers (jz_parse_intn, jz_parse_int) and output files
 * (jz_outfile's refusals).
 *
 * Numbers: the first 16 bytes give a range [min, max] (two int64, ordered),
 * the rest is the text.  An independent oracle decides what must happen: the
 * text is "-?[0-9]+" ('-' only when min < 0) and its value, computed in 128
 * bits with saturation, is within the range; then the parser must accept it
 * with exactly that value, and the value printed with %lld must parse back
 * to itself; otherwise it must refuse with JZ_EUSAGE, leave the output
 * alone, and name the range.  The terminated form (jz_parse_int) must agree
 * with the counted one whenever the text holds no NUL.
 *
 * Output files (inputs whose length is a multiple of 4): the text is also
 * written as an existing file's contents,
 * and a new file named by the first bytes (from an alphabet that spells
 * -wal, -shm, -journal and -lock) is asked for: with JZ_OUT_FORCE the
 * existing file is replaced exactly when it is not a SQLite database,
 * without it never; the new name is refused exactly when it ends like a
 * database's companion; a refusal leaves no file behind.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jiuzhu/jz_file.h"
#include "jiuzhu/jz_opt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the parser must do with (s, n) in [min, max]: true and *want, or
 * false. */
static int oracle(const char *s, size_t n, long long min, long long max, long long *want)
{
    size_t i = 0;
    int neg = n > 0 && s[0] == '-';
    if (neg && min >= 0)
        return 0;
    i += (size_t)neg;
    if (i == n)
        return 0;
    __int128 v = 0;
    const __int128 cap = (__int128)1 << 100; /* far beyond any long long */
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        if (v < cap)
            v = v * 10 + (s[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < min || v > max)
        return 0;
    *want = (long long)v;
    return 1;
}

static void check_number(const char *s, size_t n, long long min, long long max)
{
    long long want = 0, got = 42;
    int should = oracle(s, n, min, max, &want);
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_parse_intn(s, n, min, max, &got, &err);
    if (should) {
        if (rc != JZ_OK || got != want || got < min || got > max)
            __builtin_trap();
        /* Round trip: the canonical form parses back to the same value. */
        char buf[32];
        long long back = 0;
        snprintf(buf, sizeof buf, "%lld", got);
        if (jz_parse_int(buf, min, max, &back, &err) != JZ_OK || back != got)
            __builtin_trap();
    } else {
        char range[64];
        if (rc != JZ_EUSAGE || err.code != JZ_EUSAGE || got != 42)
            __builtin_trap();
        snprintf(range, sizeof range, "%lld 到 %lld", min, max);
        if (strstr(err.reason, range) == NULL)
            __builtin_trap();
    }
    if (memchr(s, '\0', n) == NULL) {
        char *t = malloc(n + 1);
        if (t == NULL)
            return;
        memcpy(t, s, n);
        t[n] = '\0';
        long long again = 42;
        jz_err rc2 = jz_parse_int(t, min, max, &again, &err);
        if (rc2 != rc || (rc == JZ_OK && again != got))
            __builtin_trap();
        free(t);
    }
}

static char dir[] = "/tmp/jz-fuzz-out-XXXXXX";

/* libFuzzer ends with exit(): the directory goes with it. */
static void remove_workdir(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/existing", dir);
    unlink(path);
    rmdir(dir);
}

static const char *workdir(void)
{
    static int made;
    if (!made) {
        if (mkdtemp(dir) == NULL)
            abort();
        atexit(remove_workdir);
        made = 1;
    }
    return dir;
}

/* The file's bytes equal (data, n). */
static int holds(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    char *buf = malloc(n + 1);
    size_t got = buf ? fread(buf, 1, n + 1, f) : 0;
    int same = buf != NULL && got == n && memcmp(buf, data, n) == 0;
    free(buf);
    fclose(f);
    return same;
}

static void check_files(const uint8_t *data, size_t size)
{
    char old[256], fresh[256];
    jz_error err;
    snprintf(old, sizeof old, "%s/existing", workdir());
    FILE *f = fopen(old, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    int db = jz_file_is_sqlite(data, size);
    jz_error_clear(&err);
    if (jz_file_write(old, NULL, 0, "new", 3, &err) != JZ_EUSAGE || !holds(old, data, size))
        __builtin_trap(); /* never replaced without force */
    jz_err rc = jz_file_write(old, NULL, JZ_OUT_FORCE, "new", 3, &err);
    if (db ? (rc != JZ_EUSAGE || !holds(old, data, size)) : (rc != JZ_OK || !holds(old, "new", 3)))
        __builtin_trap();

    /* A new name spelt from the input: "f" and up to 12 letters. */
    static const char alphabet[] = "walshmjournlck-.";
    char name[16] = "f";
    size_t k = 1;
    for (size_t i = 0; i < size && k < 13; i++)
        name[k++] = alphabet[data[i] & 15];
    name[k] = '\0';
    snprintf(fresh, sizeof fresh, "%s/%s", workdir(), name);
    unlink(fresh);
    size_t len = strlen(name);
    int companion = 0;
    static const char *const ends[] = {"-wal", "-shm", "-journal", "-lock"};
    for (size_t i = 0; i < 4; i++) {
        size_t e = strlen(ends[i]);
        companion |= len >= e && strcmp(name + len - e, ends[i]) == 0;
    }
    rc = jz_file_write(fresh, NULL, 0, data, size, &err);
    if (companion ? (rc != JZ_EUSAGE || access(fresh, F_OK) == 0)
                  : (rc != JZ_OK || !holds(fresh, data, size)))
        __builtin_trap();
    unlink(fresh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long long a = 0, b = 0;
    if (size >= 16) {
        memcpy(&a, data, 8);
        memcpy(&b, data + 8, 8);
        data += 16;
        size -= 16;
    } else {
        /* Short inputs: the ranges the commands use. */
        static const long long ranges[][2] = {{0, 3650},      {0, 365},
                                              {1, INT64_MAX}, {-100000, 100000},
                                              {0, INT64_MAX}, {INT64_MIN, INT64_MAX}};
        const long long *r = ranges[size % 6];
        a = r[0];
        b = r[1];
    }
    long long min = a < b ? a : b, max = a < b ? b : a;
    check_number((const char *)data, size, min, max);
    /* Files are slow (each commit fsyncs): inputs whose length is a
     * multiple of four only, which the fuzzer can steer to. */
    if (size <= 4096 && size % 4 == 0)
        check_files(data, size);
    return 0;
}
