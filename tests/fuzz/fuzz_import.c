/*
 * fuzz_import.c - libFuzzer target for the registry's import path
 * (jz_import_json into a SQLite store, jz_import.h): the input is written
 * as a file and imported, in batches of three households, into a new store
 * in a temporary directory; then imported again.
 *
 * Besides the sanitizers the target checks what an import promises, and
 * aborts when a promise is broken:
 *   - every record is either stored or refused: for JSON Lines, stored +
 *     refused is the number of non-blank lines and the import's progress
 *     reached the last of them; for a document, at least one result when
 *     the input is not blank;
 *   - the counts add up: the store's counts of the import are the
 *     command's, each refused record is kept once (import_rejections), and
 *     the errors replayed from the store (what the report lists) are the
 *     ones passed to the callback while importing;
 *   - a second import of the same file changes nothing: the same
 *     households with the same records and the same members.
 * Only the import is exercised (no recipients brought in: adopt is NULL).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "jiuzhu/jz_import.h"
#include "jiuzhu/jz_region.h"
#include "jiuzhu/jz_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char db[96], input[96];
static jz_regions *regions;
/* An empty store, made once: creating one (the migrations) takes far
 * longer than an import of a small file, so each input gets a copy. */
static char *empty;
static size_t empty_len;

static void remove_store(void);

static void cleanup(void)
{
    remove_store();
    unlink(input);
    rmdir(dir);
}

static void setup(void)
{
    if (regions)
        return;
    /* In memory where there is a tmpfs: a store's commits sync the disk. */
    snprintf(dir, sizeof dir, "%s/jz-fuzz-import-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir))
        abort();
    snprintf(db, sizeof db, "%s/r.db", dir);
    snprintf(input, sizeof input, "%s/in.jsonl", dir);
    jz_error err;
    if (jz_regions_load(JZ_POLICY_DIR "/regions/shanxi-regions.csv", &regions, &err) != JZ_OK)
        abort();
    jz_store *s;
    if (jz_store_open(db, JZ_STORE_CREATE, &s, &err) != JZ_OK)
        abort();
    jz_store_close(s);
    FILE *f = fopen(db, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0 || (empty_len = (size_t)ftell(f)) == 0 ||
        !(empty = malloc(empty_len)) || fseek(f, 0, SEEK_SET) != 0 ||
        fread(empty, 1, empty_len, f) != empty_len)
        abort();
    fclose(f);
    atexit(cleanup);
}

static void remove_store(void)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal", "-lock", ".audit-key"};
    char p[128];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", db, suffix[i]);
        unlink(p);
    }
}

typedef struct seen {
    long errors;
} seen;

static void count(const jz_error *e, void *arg)
{
    if (memchr(e->reason, '\0', sizeof e->reason) == NULL || e->reason[0] == '\0')
        abort(); /* every refusal says why */
    ((seen *)arg)->errors++;
}

/* The households as stored: ID, record and members, one text to compare. */
static char *state(void)
{
    sqlite3 *h;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        abort();
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h,
                           "SELECT h.household_id, r.record, (SELECT group_concat(id_number, ',')"
                           " FROM (SELECT id_number FROM members m WHERE m.hh = h.hh"
                           " ORDER BY id_number)) FROM households h JOIN household_records r"
                           " ON r.hh = h.hh ORDER BY h.household_id",
                           -1, &st, NULL) != SQLITE_OK)
        abort();
    size_t len = 0, cap = 4096;
    char *out = malloc(cap);
    if (!out)
        abort();
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < 3; c++) {
            const char *t = (const char *)sqlite3_column_text(st, c);
            size_t n = t ? strlen(t) : 0;
            while (len + n + 2 > cap) {
                cap *= 2;
                char *g = realloc(out, cap);
                if (!g)
                    abort();
                out = g;
            }
            memcpy(out + len, t ? t : "", n);
            len += n;
            out[len++] = c == 2 ? '\n' : '\t';
            out[len] = '\0';
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
}

/* Non-blank lines as the import counts them (a byte order mark before the
 * first is not part of it), and the number of the last one. */
static long records(const uint8_t *data, size_t size, long *last)
{
    long n = 0, line = 0;
    *last = 0;
    size_t i = 0;
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < size) {
        line++;
        bool blank = true;
        for (; i < size && data[i] != '\n'; i++)
            if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r')
                blank = false;
        i++; /* the newline */
        if (!blank) {
            n++;
            *last = line;
        }
    }
    return n;
}

/* One import of the file: its stats, checked against the store. */
static void import(jz_store *s, const uint8_t *data, size_t size, jz_import_stats *st)
{
    jz_parse_opts opts = {.regions = regions, .default_date = jz_date_make(2025, 6, 1)};
    seen live = {0}, kept = {0};
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_import_json(s, input, &opts, NULL, 1, 3, count, &live, st, &err);
    if (rc != JZ_OK) {
        /* Only a file refused whole (encoding) may stop an import. */
        if (rc != JZ_EINPUT || st->import != 0)
            abort();
        return;
    }
    jz_store_import_counts c;
    if (jz_store_import_counts_get(s, st->import, &c, &err) != JZ_OK)
        abort();
    if (!c.finished || c.stored != st->stored || c.rejected != st->rejected ||
        c.kept != st->rejected || st->stored_total != st->stored ||
        st->rejected_total != st->rejected)
        abort();
    if (jz_import_rejections(s, st->import, count, &kept, NULL, &err) != JZ_OK ||
        kept.errors != live.errors || live.errors < st->rejected)
        abort();
    long last;
    long n = records(data, size, &last);
    if (c.lines_done > 0) { /* JSON Lines */
        if (st->stored + st->rejected != n || c.lines_done != last)
            abort();
    } else if (n > 0 && st->stored + st->rejected == 0) {
        abort(); /* a document that is not blank gives a result */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    remove_store();
    FILE *f = fopen(db, "wb");
    if (!f || fwrite(empty, 1, empty_len, f) != empty_len || fclose(f) != 0)
        abort();
    f = fopen(input, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    jz_store *s;
    jz_error err;
    if (jz_store_open(db, 0, &s, &err) != JZ_OK)
        abort();
    jz_import_stats a, b;
    import(s, data, size, &a);
    char *first = state();
    import(s, data, size, &b);
    char *second = state();
    /* The same file again: the same decisions would be nice, the same
     * households, records and members are a must. */
    if (strcmp(first, second) != 0)
        abort();
    free(first);
    free(second);
    jz_store_close(s);
    return 0;
}
