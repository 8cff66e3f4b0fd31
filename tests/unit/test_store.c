/*
 * test_store.c - the registry store (SQLite backend): households stored
 * wholly or not at all, replaced by household_id, R-HH-3 refusing a person
 * claimed by two households, migrations from an older schema, the snapshot
 * giving back exactly what was stored, and bulk reassessment giving exactly
 * the single-record path's determinations.  The audit log: every row of
 * every table committed to, whatever SQLite does with a statement (a
 * failed one, a cascade), no commit without its entries, a chain that
 * cannot be rewritten without the key, and older files migrated under it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "store_where.h"

#include "jiuzhu/jz_batch.h"
#include "jiuzhu/jz_gen.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"
#include "store_where.h"
#include "store/sqlite_int.h" /* the backend's connection, for the audit tests */

jz_err jz__sqlite_create_at_version(const char *path, int version, jz_error *err);

static const char *root(void)
{
    const char *d = getenv("JZ_SOURCE_DIR");
    return d && d[0] ? d : JZ_SOURCE_DIR;
}

static char dir[64];
static jz_regions *regions;
static jz_paramset *params;

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/jz-store-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char path[4096];
    jz_error err;
    snprintf(path, sizeof path, "%s/policy/regions/shanxi-regions.csv", root());
    if (jz_regions_load(path, &regions, &err))
        return -1;
    params = jz_paramset_new();
    snprintf(path, sizeof path, "%s/policy/params", root());
    return jz_paramset_load_dir(params, path, &err) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return -1;
    jz_regions_free(regions);
    jz_paramset_free(params);
    return 0;
}

static char *example(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/examples/%s", root(), name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void parse(const char *text, jz_household *h, jz_household_buf *buf)
{
    jz_parse_opts opts = {.regions = regions, .default_date = jz_date_make(2025, 6, 1)};
    jz_error err;
    assert_int_equal(jz_household_parse(text, strlen(text), &opts, h, buf, &err), JZ_OK);
}

static jz_store *fresh(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    jz_store *s = NULL;
    jz_error err;
    assert_int_equal(jz_store_open(jz_test_where(path), JZ_STORE_CREATE, &s, &err), JZ_OK);
    assert_int_equal(jz_store_schema_version(s), JZ_STORE_SCHEMA_VERSION);
    return s;
}

static void create_and_open(void **state)
{
    (void)state;
    jz_store *s = fresh("a.db");
    jz_store_close(s);
    char path[256];
    snprintf(path, sizeof path, "%s/a.db", dir);
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_store_open(jz_test_where(path), JZ_STORE_CREATE, &s, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "已存在"));
    assert_int_equal(jz_store_open(jz_test_where(path), 0, &s, &err), JZ_OK);
    assert_int_equal(jz_store_schema_version(s), JZ_STORE_SCHEMA_VERSION);
    jz_store_close(s);
    snprintf(path, sizeof path, "%s/none.db", dir);
    assert_int_equal(jz_store_open(jz_test_where(path), 0, &s, &err), JZ_ENOTFOUND);
    assert_non_null(strstr(err.reason, "jiuzhu init"));
}

/* The refusals jz_store_import_rejections gives, in order. */
typedef struct rej_seen {
    long keys[4];
    char msgs[4][16];
    int n;
} rej_seen;

static int rej_row(long key, const char *household_id, const char *message, void *arg)
{
    rej_seen *got = arg;
    (void)household_id;
    if (got->n < 4) {
        got->keys[got->n] = key;
        snprintf(got->msgs[got->n], sizeof got->msgs[0], "%s", message);
    }
    got->n++;
    return 0;
}

/* What an import refused is kept with its batch: a rolled-back batch keeps
 * none of its refusals, the same place refused again replaces what was
 * kept, and the import's counts say how many are kept. */
static void import_rejections_kept(void **state)
{
    (void)state;
    jz_store *s = fresh("rej.db");
    jz_error err;
    jz_store_import imp;
    assert_int_equal(jz_store_import_begin(s, "f.jsonl", 10, 1, &imp, &err), JZ_OK);
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_import_reject(s, &imp, 3, "140902", "H3", "first", &err), JZ_OK);
    assert_int_equal(jz_store_import_reject(s, &imp, 3, "140902", "H3", "again", &err), JZ_OK);
    assert_int_equal(jz_store_import_reject(s, &imp, 1, "", "", "[]", &err), JZ_OK);
    assert_int_equal(jz_store_import_progress(s, &imp, 3, 1, 2, false, &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    /* A batch that is rolled back (a killed import) keeps nothing. */
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_import_reject(s, &imp, 7, "", "H7", "lost", &err), JZ_OK);
    jz_store_rollback(s);
    rej_seen got = {0};
    assert_int_equal(jz_store_import_rejections(s, imp.id, rej_row, &got, &err), JZ_OK);
    assert_int_equal(got.n, 2);
    assert_int_equal(got.keys[0], 1);
    assert_int_equal(got.keys[1], 3);
    assert_string_equal(got.msgs[1], "again");
    jz_store_import_counts c;
    assert_int_equal(jz_store_import_counts_get(s, imp.id, &c, &err), JZ_OK);
    assert_int_equal(c.lines_done, 3);
    assert_int_equal(c.stored, 1);
    assert_int_equal(c.rejected, 2);
    assert_int_equal(c.kept, 2);
    assert_false(c.finished);
    assert_int_equal(jz_store_import_counts_get(s, imp.id + 1, &c, &err), JZ_ENOTFOUND);
    jz_store_close(s);
}

static void store_replace_and_duplicates(void **state)
{
    (void)state;
    jz_store *s = fresh("b.db");
    static jz_household_buf buf;
    jz_household h;
    jz_error err;
    char *text = example("01-dibao-rural.json");
    parse(text, &h, &buf);
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_put_household(s, &h, text, "t:1", &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);

    /* Found by household and by a member's ID number, as stored. */
    char *rec = NULL;
    assert_int_equal(jz_store_get_record(s, "H140902-000101", &rec, &err), JZ_OK);
    assert_string_equal(rec, text);
    free(rec);
    assert_int_equal(jz_store_get_record(s, "140902198005060264", &rec, &err), JZ_OK);
    free(rec);
    assert_int_equal(jz_store_get_record(s, "H-none", &rec, &err), JZ_ENOTFOUND);

    /* The same household again (one member fewer) replaces it. */
    h.n_members = 2;
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_put_household(s, &h, "{\"x\":1}", "t:2", &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    jz_snapshot *snap = NULL;
    assert_int_equal(jz_store_snapshot(s, "", &snap, &err), JZ_OK);
    assert_int_equal(jz_snapshot_households(snap), 1);
    assert_int_equal(jz_snapshot_members(snap), 2);
    jz_snapshot_free(snap);

    /* R-HH-3: another household claiming one of its members is refused,
     * naming both households, and nothing of it is stored. */
    static jz_household_buf buf2;
    jz_household other;
    char *text2 = example("04-tekun-leaves-household.json");
    parse(text2, &other, &buf2);
    memcpy(other.members[1].id, h.members[0].id, sizeof other.members[1].id);
    jz_error_clear(&err);
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_put_household(s, &other, text2, "t:3", &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "H140902-000101"));
    assert_non_null(strstr(err.reason, "H140902-000404"));
    assert_non_null(strstr(err.reason, "R-HH-3"));
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    assert_int_equal(jz_store_get_record(s, "H140902-000404", &rec, &err), JZ_ENOTFOUND);
    assert_int_equal(jz_store_get_record(s, other.members[0].id, &rec, &err), JZ_ENOTFOUND);

    /* A stored household replaced by a version claiming someone else's
     * member: refused, and the stored version stays as it was. */
    char kept_id[sizeof other.members[1].id];
    parse(text2, &other, &buf2);
    memcpy(kept_id, other.members[1].id, sizeof kept_id);
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_put_household(s, &other, text2, "t:5", &err), JZ_OK);
    memcpy(other.members[1].id, h.members[0].id, sizeof other.members[1].id);
    assert_int_equal(jz_store_put_household(s, &other, "{\"changed\":1}", "t:6", &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "H140902-000101"));
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    assert_int_equal(jz_store_get_record(s, "H140902-000404", &rec, &err), JZ_OK);
    assert_string_equal(rec, text2);
    free(rec);
    assert_int_equal(jz_store_get_record(s, kept_id, &rec, &err), JZ_OK);
    free(rec);
    assert_int_equal(jz_store_snapshot(s, "", &snap, &err), JZ_OK);
    assert_int_equal(jz_snapshot_households(snap), 2);
    jz_snapshot_free(snap);
    parse(text2, &other, &buf2);

    /* A household without an ID cannot be stored. */
    other.household_id[0] = '\0';
    assert_int_equal(jz_store_put_household(s, &other, text2, "t:4", &err), JZ_EINPUT);
    free(text);
    free(text2);
    jz_store_close(s);
}

/* Issue 11: a version-3 database with alerts raised by the old scan
 * upgrades: each alert's evidence rows become its alert_evidence (the
 * earlier alert keeps a row two of one indicator shared), and 民政's old
 * department number (14, now 银行) becomes JZ_DEPT_CIVIL. */
static void migration_from_version_3(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/v3.db", dir);
    jz_error err;
    assert_int_equal(jz__sqlite_create_at_version(path, 3, &err), JZ_OK);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    const char *sql =
        "INSERT INTO feeds(feed, dept, path, imported_at) VALUES(1, 0, 'm.csv', 'x');"
        "INSERT INTO feed_rows(row, county, feed, dept, event, id_number, name, on_date, amount,"
        " level, code, line, digest) VALUES"
        " (1, '', 1, 0, 0, '11010519491231002X', 'a', 20240801, 2500000, 0, '', 2, x'01'),"
        " (2, '', 1, 0, 0, '11010519491231002X', 'a', 20250301, 2100000, 0, '', 3, x'02');"
        "INSERT INTO alerts(alert, county, region, category, indicator, severity, id_number, name,"
        " household_id, dept, amount, detail, evidence, raised_on, due_on, status, key) VALUES"
        " (1, '', '', 1, 0, 3, '11010519491231002X', 'a', '', 0, 4600000, 'd', '[1,2]',"
        "  20250601, 20250613, 3, x'0a'),"
        " (2, '', '', 1, 0, 3, '11010519491231002X', 'a', '', 0, 2100000, 'd', '[2]',"
        "  20250901, 20250915, 0, x'0b'),"
        " (3, '', '', 2, 14, 3, '11010519491231002X', 'a', '', 14, 0, 'd', '[1]',"
        "  20250601, 20250620, 0, x'0c');"
        "INSERT INTO alert_steps(alert, county, action, on_date, actor, note, outcome, dept, kind,"
        " amount, case_id, assignee, recorded_at) VALUES"
        " (3, '', 'assign', 20250602, 'x', '', '', 14, '', 0, 0, 'y', 'x');";
    char *msg = NULL;
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK);
    sqlite3_close(db);
    jz_store *s = NULL;
    assert_int_equal(jz_store_open(path, 0, &s, &err), JZ_OK);
    assert_int_equal(jz_store_schema_version(s), JZ_STORE_SCHEMA_VERSION);
    jz_store_close(s);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT group_concat(indicator || ':' || row || ':' || alert,"
                                        " ' ') FROM (SELECT * FROM alert_evidence"
                                        " ORDER BY indicator, row)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    /* Row 2 was evidence of alerts 1 and 2 (indicator 0): alert 1 keeps it. */
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "0:1:1 0:2:1 14:1:3");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT (SELECT dept FROM alerts WHERE alert = 3),"
                                        " (SELECT dept FROM alert_steps WHERE alert = 3),"
                                        " (SELECT dept FROM alerts WHERE alert = 1)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), JZ_DEPT_CIVIL);
    assert_int_equal(sqlite3_column_int(st, 1), JZ_DEPT_CIVIL);
    assert_int_equal(sqlite3_column_int(st, 2), JZ_DEPT_MEDICAL);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void migration_from_version_1(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/old.db", dir);
    jz_error err;
    assert_int_equal(jz__sqlite_create_at_version(path, 1, &err), JZ_OK);
    jz_store *s = NULL;
    assert_int_equal(jz_store_open(path, 0, &s, &err), JZ_OK);
    assert_int_equal(jz_store_schema_version(s), JZ_STORE_SCHEMA_VERSION);
    /* The table version 2 added works. */
    jz_store_import imp;
    assert_int_equal(jz_store_import_begin(s, "f.jsonl", 10, 20, &imp, &err), JZ_OK);
    assert_true(imp.id > 0);
    assert_int_equal(imp.lines_done, 0);
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_import_progress(s, &imp, 7, 5, 2, false, &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    jz_store_import again;
    assert_int_equal(jz_store_import_begin(s, "f.jsonl", 10, 20, &again, &err), JZ_OK);
    assert_int_equal(again.id, imp.id); /* unfinished: resumed */
    assert_int_equal(again.lines_done, 7);
    /* Finished: only outside a transaction (it is the durable commit). */
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_import_progress(s, &again, 9, 1, 0, true, &err), JZ_EUSAGE);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    assert_int_equal(jz_store_import_progress(s, &again, 9, 1, 0, true, &err), JZ_OK);
    jz_store_import next;
    assert_int_equal(jz_store_import_begin(s, "f.jsonl", 10, 20, &next, &err), JZ_OK);
    assert_true(next.id != imp.id); /* finished: a new import of the same file */
    assert_int_equal(next.lines_done, 0);
    jz_store_close(s);
}

/* Schema 3 -> 4: a member stored before keeps every field and has no
 * current programme of his own; a member-level `current` stored after is
 * given back by the snapshot. */
static void migration_3_to_4_member_current(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/v3-members.db", dir);
    jz_error err;
    assert_int_equal(jz__sqlite_create_at_version(path, 3, &err), JZ_OK);
    /* A household and its member as version 3 stored them (41 columns). */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "INSERT INTO households VALUES(1,'H-OLD','140902','140902001001',1,"
                     "20250601,1,20230101,120000,1);"
                     "INSERT INTO members VALUES(1,0,'140902','140902195001010012','张老汉',"
                     "19500101,0,0,0,0,0,0,0,0,0,512,0,0,0,0,0,0,500000,"
                     "1200000,0,0,0,0,0,0,0,0,0,0,0,36000,0,0,0,0,0);",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    jz_store *s = NULL;
    assert_int_equal(jz_store_open(path, 0, &s, &err), JZ_OK);
    assert_int_equal(jz_store_schema_version(s), JZ_STORE_SCHEMA_VERSION);
    jz_snapshot *snap = NULL;
    assert_int_equal(jz_store_snapshot(s, "", &snap, &err), JZ_OK);
    assert_int_equal(jz_snapshot_households(snap), 1);
    jz_member ms[JZ_MAX_MEMBERS];
    jz_household h;
    jz_snapshot_household(snap, 0, &h, ms);
    assert_int_equal(h.current_programme, JZ_PROG_DIBAO);
    assert_string_equal(ms[0].id, "140902195001010012");
    assert_true(ms[0].supporters_known);
    assert_int_equal(ms[0].financial, 500000);
    assert_int_equal(ms[0].income[JZ_INC_WAGE], 1200000);
    assert_int_equal(ms[0].income_not_counted, 36000);
    assert_int_equal(ms[0].current_programme, JZ_MPROG_NONE);
    assert_int_equal(ms[0].current_since, JZ_DATE_NONE);
    assert_int_equal(ms[0].current_amount, 0);
    jz_snapshot_free(snap);

    const char *text =
        "{\"household_id\":\"H-NEW\",\"region\":\"140902001001\",\"area\":\"rural\","
        "\"members\":[{\"id\":\"140902195501010019\",\"name\":\"李老太\","
        "\"relation\":\"head\",\"current\":{\"programme\":\"tekun\","
        "\"since\":\"2022-03-01\",\"monthly_amount\":\"1180.50\"}},"
        "{\"id\":\"140902199001010010\",\"name\":\"李强\",\"relation\":\"child\","
        "\"current\":{\"programme\":\"single_dibao\",\"monthly_amount\":\"108.00\"}}]}";
    static jz_household_buf buf;
    jz_household nh;
    parse(text, &nh, &buf);
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_put_household(s, &nh, text, "t:1", &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    assert_int_equal(jz_store_snapshot(s, "", &snap, &err), JZ_OK);
    assert_int_equal(jz_snapshot_households(snap), 2);
    /* The members are compared as memory: zero their padding first (the
     * reader zeroes a member before filling it; the snapshot does not). */
    memset(ms, 0, sizeof ms);
    jz_snapshot_household(snap, 1, &h, ms);
    assert_string_equal(h.household_id, "H-NEW");
    for (uint32_t k = 0; k < h.n_members; k++)
        assert_memory_equal(&ms[k], &nh.members[k], offsetof(jz_member, id) + JZ_IDNUM_BUF);
    assert_int_equal(ms[0].current_programme, JZ_MPROG_TEKUN);
    assert_int_equal(ms[0].current_since, jz_date_make(2022, 3, 1));
    assert_int_equal(ms[0].current_amount, 118050);
    assert_int_equal(ms[1].current_programme, JZ_MPROG_SINGLE_DIBAO);
    assert_int_equal(ms[1].current_amount, 10800);
    jz_snapshot_free(snap);
    jz_store_close(s);
}

/* The snapshot gives back exactly what was stored; bulk assessment gives
 * exactly what the single-record path gives. */
/* What a run's write-back checks: the households whose record changed
 * since its snapshot (none while nobody put one, the one that was put),
 * and whether the snapshot came from the cache (the second read, nothing
 * put in between; after a put, brought up to date) or not (the first). */
static void snapshot_stale_after_a_put(void **state)
{
    (void)state;
    const char *files[] = {"01-dibao-rural.json", "05-gradual-exit.json",
                           "06-temporary-relief.json"};
    enum { N = sizeof files / sizeof files[0] };
    static jz_household_buf bufs[N];
    jz_household hs[N];
    char *texts[N];
    jz_store *s = fresh("stale.db");
    jz_error err;
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    for (int i = 0; i < N; i++) {
        texts[i] = example(files[i]);
        parse(texts[i], &hs[i], &bufs[i]);
        assert_int_equal(jz_store_put_household(s, &hs[i], texts[i], files[i], &err), JZ_OK);
    }
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    uint8_t stale[N];
    size_t n_stale = 99;
    jz_snapshot *snap = NULL;
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(jz_store_snapshot(s, "", &snap, &err), JZ_OK);
        assert_int_equal(jz_snapshot_households(snap), N);
        assert_int_equal(jz_snapshot_cached(snap), pass == 1);
        memset(stale, 7, sizeof stale);
        assert_int_equal(jz_store_snapshot_stale(s, snap, stale, &n_stale, &err), JZ_OK);
        assert_int_equal(n_stale, 0);
        for (int i = 0; i < N; i++)
            assert_int_equal(stale[i], 0);
        if (pass == 0)
            jz_snapshot_free(snap);
    }
    /* The second household put again (a new version of its record). */
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_put_household(s, &hs[1], texts[1], "again", &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    assert_int_equal(jz_store_snapshot_stale(s, snap, stale, &n_stale, &err), JZ_OK);
    assert_int_equal(n_stale, 1);
    jz_snapshot_free(snap);
    jz_snapshot *after = NULL;
    assert_int_equal(jz_store_snapshot(s, "", &after, &err), JZ_OK);
    /* The cache brought up to date with that household, read again. */
    assert_int_equal(jz_snapshot_cached(after), true);
    assert_int_equal(jz_snapshot_patched(after), 1);
    assert_int_equal(jz_snapshot_households(after), N);
    size_t hit = SIZE_MAX;
    jz_member ms[JZ_MAX_MEMBERS];
    for (size_t i = 0; i < jz_snapshot_households(after); i++) {
        jz_household h;
        jz_snapshot_household(after, i, &h, ms);
        if (strcmp(h.household_id, hs[1].household_id) == 0)
            hit = i;
    }
    assert_int_not_equal(hit, SIZE_MAX);
    assert_int_equal(jz_store_snapshot_stale(s, after, stale, &n_stale, &err), JZ_OK);
    assert_int_equal(n_stale, 0);
    jz_snapshot_free(after);
    for (int i = 0; i < N; i++)
        free(texts[i]);
    jz_store_close(s);
}

static void snapshot_and_batch_equal_single(void **state)
{
    (void)state;
    const char *files[] = {"01-dibao-rural.json",           "02-expenditure-illness-education.json",
                           "03-marginal-single-dibao.json", "04-tekun-leaves-household.json",
                           "05-gradual-exit.json",          "06-temporary-relief.json"};
    enum { N = sizeof files / sizeof files[0] };
    static jz_household_buf bufs[N];
    jz_household hs[N];
    jz_store *s = fresh("c.db");
    jz_error err;
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    for (int i = 0; i < N; i++) {
        char *text = example(files[i]);
        parse(text, &hs[i], &bufs[i]);
        assert_int_equal(jz_store_put_household(s, &hs[i], text, files[i], &err), JZ_OK);
        free(text);
    }
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);

    jz_snapshot *snap = NULL;
    assert_int_equal(jz_store_snapshot(s, "", &snap, &err), JZ_OK);
    assert_int_equal(jz_snapshot_households(snap), N);
    /* Zeroed: the comparison below covers padding, which
     * jz_snapshot_household does not write (the parsed members' is zero). */
    jz_member ms[JZ_MAX_MEMBERS];
    memset(ms, 0, sizeof ms);
    for (int i = 0; i < N; i++) {
        jz_household h;
        memset(ms, 0, sizeof ms); /* padding: compared as memory below */
        jz_snapshot_household(snap, (size_t)i, &h, ms);
        assert_string_equal(h.household_id, hs[i].household_id);
        assert_int_equal(h.n_members, hs[i].n_members);
        for (uint32_t k = 0; k < h.n_members; k++)
            assert_memory_equal(&ms[k], &hs[i].members[k], offsetof(jz_member, id) + JZ_IDNUM_BUF);
    }
    jz_snapshot_free(snap);
    /* A region prefix selects: 140105 has two of the examples. */
    assert_int_equal(jz_store_snapshot(s, "140105", &snap, &err), JZ_OK);
    assert_int_equal(jz_snapshot_households(snap), 2);
    jz_snapshot_free(snap);

    for (int pass = 0; pass < 2; pass++) {
        /* Pass 1: a what-if run with a lower rural standard. */
        if (pass == 1)
            assert_int_equal(jz_paramset_override(params, "dibao.standard.rural=400", &err), JZ_OK);
        jz_batch_opts o = {.region_prefix = "",
                           .date = jz_date_make(2025, 7, 1),
                           .overrides = pass ? "--param dibao.standard.rural=400" : "",
                           .threads = 2,
                           .write = true};
        jz_batch_report rep;
        assert_int_equal(jz_batch_assess(s, params, &o, NULL, NULL, &rep, &err), JZ_OK);
        assert_int_equal(rep.households, N);
        assert_int_equal(rep.failed, 0);
        free(rep.rows);
        for (int i = 0; i < N; i++) {
            jz_result stored, single;
            int64_t run;
            jz_date date;
            assert_int_equal(
                jz_store_get_determination(s, hs[i].household_id, &stored, &run, &date, &err),
                JZ_OK);
            assert_int_equal(date, o.date);
            jz_household h = hs[i];
            h.assess_date = o.date;
            char county[7];
            jz_region_county(&h.region, county);
            jz_policy p;
            assert_int_equal(jz_policy_resolve(params, county, o.date, &p, &err), JZ_OK);
            jz_assess(&h, &p, &single, NULL);
            assert_int_equal(stored.category, single.category);
            assert_int_equal(stored.causes, single.causes);
            assert_int_equal(stored.monthly_amount, single.monthly_amount);
            assert_int_equal(stored.counted_members, single.counted_members);
            assert_int_equal(stored.income, single.income);
            assert_int_equal(stored.decisive, single.decisive);
            assert_int_equal(stored.exit, single.exit);
            for (uint32_t k = 0; k < h.n_members; k++) {
                assert_int_equal(stored.persons[k].categories, single.persons[k].categories);
                assert_int_equal(stored.persons[k].monthly_amount,
                                 single.persons[k].monthly_amount);
                assert_int_equal(stored.persons[k].tmp_amount, single.persons[k].tmp_amount);
                assert_int_equal(stored.persons[k].referrals, single.persons[k].referrals);
            }
        }
    }
    jz_store_close(s);
}

/* 10,000 generated households: the bulk path (snapshot, threads, store)
 * gives exactly the determinations of the single-record path (record text,
 * parser, engine), for the shipped parameters and for a what-if run. */
static void ten_thousand_bulk_equal_single(void **state)
{
    (void)state;
    enum { N = 10000 };
    jz_error err;
    jz_gen *g = NULL;
    jz_gen_opts go = {.seed = 42,
                      .region = "",
                      .date = jz_date_make(2025, 6, 1),
                      .regions = regions,
                      .params = params,
                      .households = N};
    assert_int_equal(jz_gen_new(&go, &g, &err), JZ_OK);
    jz_store *s = fresh("gen.db");
    static jz_household_buf buf, back;
    char **texts = calloc(N, sizeof *texts);
    assert_non_null(texts);
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    for (uint64_t i = 0; i < N; i++) {
        jz_household h;
        jz_gen_household(g, i, &h, &buf);
        texts[i] = jz_household_json(&h, 0);
        assert_non_null(texts[i]);
        jz_household parsed;
        parse(texts[i], &parsed, &back);
        assert_int_equal(jz_store_put_household(s, &parsed, texts[i], "gen", &err), JZ_OK);
    }
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);

    const char *whatif[] = {NULL, "marginal.income_multiple=2", "dibao.standard.rural=900"};
    int seen[JZ_CAT_COUNT] = {0};
    for (size_t w = 0; w < sizeof whatif / sizeof whatif[0]; w++) {
        jz_paramset *ps = jz_paramset_new();
        char path[4096];
        snprintf(path, sizeof path, "%s/policy/params", root());
        assert_int_equal(jz_paramset_load_dir(ps, path, &err), JZ_OK);
        if (whatif[w])
            assert_int_equal(jz_paramset_override(ps, whatif[w], &err), JZ_OK);
        jz_batch_opts o = {.region_prefix = "",
                           .date = JZ_DATE_NONE,
                           .overrides = whatif[w] ? whatif[w] : "",
                           .threads = 2,
                           .write = true};
        jz_batch_report rep;
        assert_int_equal(jz_batch_assess(s, ps, &o, NULL, NULL, &rep, &err), JZ_OK);
        assert_int_equal(rep.households, N);
        assert_int_equal(rep.failed, 0);
        free(rep.rows);
        int differ = 0;
        for (size_t i = 0; i < N; i++) {
            jz_household h;
            parse(texts[i], &h, &back);
            char county[7];
            jz_region_county(&h.region, county);
            jz_policy p;
            assert_int_equal(jz_policy_resolve(ps, county, h.assess_date, &p, &err), JZ_OK);
            jz_result single, stored;
            jz_assess(&h, &p, &single, NULL);
            int64_t run;
            jz_date date;
            assert_int_equal(
                jz_store_get_determination(s, h.household_id, &stored, &run, &date, &err), JZ_OK);
            assert_int_equal(run, rep.run);
            bool same = stored.category == single.category && stored.causes == single.causes &&
                        stored.monthly_amount == single.monthly_amount &&
                        stored.counted_members == single.counted_members &&
                        stored.decisive == single.decisive && stored.exit == single.exit &&
                        stored.exit_until == single.exit_until;
            for (uint32_t k = 0; same && k < h.n_members; k++)
                same = stored.persons[k].categories == single.persons[k].categories &&
                       stored.persons[k].monthly_amount == single.persons[k].monthly_amount &&
                       stored.persons[k].care_level == single.persons[k].care_level &&
                       stored.persons[k].tmp_amount == single.persons[k].tmp_amount &&
                       stored.persons[k].referrals == single.persons[k].referrals &&
                       stored.persons[k].death_check_due == single.persons[k].death_check_due;
            if (!same && differ++ < 5)
                fprintf(stderr, "household %s differs (what-if %s)\n", h.household_id,
                        whatif[w] ? whatif[w] : "none");
            seen[single.category]++;
        }
        assert_int_equal(differ, 0);
        jz_paramset_free(ps);
    }
    for (int c = 0; c < JZ_CAT_COUNT; c++)
        assert_true(seen[c] > 0); /* every category was compared */
    for (size_t i = 0; i < N; i++)
        free(texts[i]);
    free(texts);
    jz_gen_free(g);
    jz_store_close(s);
}

/* ---- the audit log (issue 12, item 11) ------------------------------------------ */

/* jz_store is opaque; the audit tests reach the SQLite connection behind it
 * (store.c's layout) to run statements as jiuzhu's own connection would. */
struct jz_store {
    const jz_store_ops *ops;
    void *impl;
};

static sqlite3 *connection(jz_store *s)
{
    return ((sq *)s->impl)->db;
}

static jz_audit_report verified(jz_store *s)
{
    jz_audit_report rep;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_store_audit_verify(s, &rep, &err), JZ_OK);
    return rep;
}

static void verifies_clean(jz_store *s)
{
    jz_audit_report rep = verified(s);
    if (rep.bad_seq || rep.data_problems)
        fprintf(stderr, "audit: %s\n%s", rep.problem, rep.data);
    assert_int_equal(rep.bad_seq, 0);
    assert_int_equal(rep.data_problems, 0);
    assert_true(rep.keyed_from > 0);
}

static void put_example(jz_store *s, const char *name)
{
    static jz_household_buf buf;
    jz_household h;
    jz_error err;
    char *text = example(name);
    parse(text, &h, &buf);
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_put_household(s, &h, text, name, &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    free(text);
}

static void exec_on(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* A fresh store verifies; a row changed behind jiuzhu's back is named with
 * its table, key and household. */
static void audit_covers_the_rows(void **state)
{
    (void)state;
    jz_store *s = fresh("au1.db");
    put_example(s, "01-dibao-rural.json");
    put_example(s, "02-expenditure-illness-education.json");
    jz_audit_report rep = verified(s);
    assert_int_equal(rep.bad_seq, 0);
    assert_int_equal(rep.data_problems, 0);
    assert_int_equal(rep.keyed_from, 1);
    assert_int_equal(strlen(rep.key_id), 16);
    assert_true(rep.tables >= 26);
    assert_true(rep.data_rows >= 2 + 2 + 6); /* households, records, members */
    jz_store_close(s);
    char path[256];
    snprintf(path, sizeof path, "%s/au1.db", dir);
    exec_on(path, "UPDATE members SET inc_wage = inc_wage + 1 WHERE hh = 1 AND idx = 0");
    assert_int_equal(jz_store_open(path, JZ_STORE_READONLY, &s, NULL), JZ_OK);
    rep = verified(s);
    assert_int_equal(rep.bad_seq, 0);
    assert_int_equal(rep.data_problems, 1);
    assert_non_null(strstr(rep.data, "表 members：改动 1 行（hh=1, idx=0，户 H140902-000101）"));
    jz_store_close(s);
}

/* SQLite rolls back a statement that fails, after its rows went through
 * the hook; a foreign key cascade and REPLACE delete rows no statement
 * names.  The log counts what stays. */
static void audit_follows_statements(void **state)
{
    (void)state;
    jz_store *s = fresh("au2.db");
    put_example(s, "01-dibao-rural.json");
    put_example(s, "03-marginal-single-dibao.json");
    sqlite3 *db = connection(s);
    jz_error err;
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    /* A row inserted, then refused at the end of its statement (no such case). */
    assert_int_not_equal(
        sqlite3_exec(db,
                     "INSERT INTO case_steps(case_id, county, action, on_date,"
                     " actor, note, recorded_at) VALUES(999, '', 0, 0, '', '', '')",
                     NULL, NULL, NULL),
        SQLITE_OK);
    /* The first of two rows inserted, the second refused. */
    assert_int_not_equal(sqlite3_exec(db,
                                      "INSERT INTO staff VALUES('S1', '140902', 'a', 'b'),"
                                      " ('S1', '140902', 'c', 'd')",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    /* What stays: a row, a REPLACE of it, and a household deleted with its
     * record and members (ON DELETE CASCADE). */
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO staff VALUES('S2', '140902', 'a', 'b');"
                                  "INSERT OR REPLACE INTO staff VALUES('S2', '140902', 'e', 'f');"
                                  "DELETE FROM households WHERE household_id = 'H140902-000303'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT (SELECT count(*) FROM staff),"
                                        " (SELECT count(*) FROM case_steps),"
                                        " (SELECT count(*) FROM members)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    assert_int_equal(sqlite3_column_int(st, 1), 0);
    assert_int_equal(sqlite3_column_int(st, 2), 3);
    sqlite3_finalize(st);
    verifies_clean(s);
    /* A rolled-back transaction leaves nothing to account for. */
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM staff", NULL, NULL, NULL), SQLITE_OK);
    jz_store_rollback(s);
    put_example(s, "03-marginal-single-dibao.json");
    verifies_clean(s);
    jz_store_close(s);
}

/* Rows cannot be committed without their entries: a COMMIT that bypasses
 * jz_store_commit, or a write outside a transaction, is rolled back. */
/* Every write through the store is in the chain, which verifies whole:
 * a household and its replacement. */
static void audit_chain_verifies(void **state)
{
    (void)state;
    jz_store *s = fresh("au0.db");
    put_example(s, "01-dibao-rural.json");
    put_example(s, "01-dibao-rural.json");
    jz_error err;
    jz_audit_report rep;
    assert_int_equal(jz_store_audit_verify(s, &rep, &err), JZ_OK);
    assert_int_equal(rep.bad_seq, 0);
    assert_true(rep.rows >= 3); /* the key, two puts */
    assert_int_equal(rep.keyed_from, 1);
    assert_int_equal(rep.data_problems, 0);
    assert_int_equal(rep.data_unchecked, jz_test_on_pg());
    char hex[65];
    assert_int_equal(jz_store_audit_hash_at(s, rep.head_seq, hex, &err), JZ_OK);
    assert_string_equal(hex, rep.head_hash);
    jz_store_close(s);
}

static void audit_no_commit_without_entries(void **state)
{
    (void)state;
    jz_store *s = fresh("au3.db");
    put_example(s, "01-dibao-rural.json");
    sqlite3 *db = connection(s);
    assert_int_equal(sqlite3_exec(db, "BEGIN; INSERT INTO staff VALUES('S3', '140902', 'a', 'b')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_CONSTRAINT);
    assert_int_equal(
        sqlite3_exec(db, "INSERT INTO staff VALUES('S4', '140902', 'a', 'b')", NULL, NULL, NULL),
        SQLITE_CONSTRAINT);
    assert_int_equal(sqlite3_get_autocommit(db), 1);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM staff", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    verifies_clean(s);
    /* Through the store, the same write commits, audited. */
    jz_error err;
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_staff_put(s, "140902", "S5", "张", "民政局", NULL, NULL, NULL, &err),
                     JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_OK);
    verifies_clean(s);
    jz_store_close(s);
}

/* hash = SHA-256(prev, seq, the seven texts, each after its length): the
 * chain as it was before schema 5 (and what a forger can compute). */
static void legacy_hash(const unsigned char prev[32], int64_t seq, const char *const f[7],
                        unsigned char out[32])
{
    crypto_hash_sha256_state h;
    unsigned char b[8];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, prev, 32);
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)seq >> (56 - 8 * i));
    crypto_hash_sha256_update(&h, b, 8);
    for (int k = 0; k < 7; k++) {
        uint64_t n = strlen(f[k]);
        for (int i = 0; i < 8; i++)
            b[i] = (unsigned char)(n >> (56 - 8 * i));
        crypto_hash_sha256_update(&h, b, 8);
        crypto_hash_sha256_update(&h, (const unsigned char *)f[k], n);
    }
    crypto_hash_sha256_final(&h, out);
}

/* Appends a plain SHA-256 entry to the log at `path` (triggers allow it). */
static void legacy_entry(const char *path, int64_t seq, const char *action, unsigned char prev[32])
{
    const char *f[7] = {"140902", "2024-12-01T08:00:00Z", "旧系统", action, "case:1", "", "{}"};
    unsigned char h[32];
    char hx[65], sql[512];
    legacy_hash(prev, seq, f, h);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "INSERT INTO audit VALUES(?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(st, 1, seq);
    for (int i = 0; i < 7; i++)
        sqlite3_bind_text(st, 2 + i, f[i], -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 9, prev, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 10, h, 32, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sodium_bin2hex(hx, sizeof hx, h, 32);
    snprintf(sql, sizeof sql,
             "INSERT OR REPLACE INTO meta(key, value) VALUES('audit_head', '%lld:%s')",
             (long long)seq, hx);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    memcpy(prev, h, 32);
}

/* A file of schema 3 or 4 with its SHA-256 log and rows stored before the
 * columns added since: migrated, the old entries verify as they were, the
 * keyed chain starts from them, and the old rows can be changed. */
static void audit_migrates_older_files(void **state)
{
    (void)state;
    for (int version = 3; version <= 4; version++) {
        char path[256];
        snprintf(path, sizeof path, "%s/au-v%d.db", dir, version);
        jz_error err;
        assert_int_equal(jz__sqlite_create_at_version(path, version, &err), JZ_OK);
        exec_on(path, version == 3
                          ? "INSERT INTO households VALUES(1,'H140902-000101','140902',"
                            "'140902001001',1,20250601,1,20230101,120000,1);"
                            "INSERT INTO household_records VALUES(1,'140902','{}','old','x');"
                            "INSERT INTO members VALUES(1,0,'140902','140902195001010012','张老汉',"
                            "19500101,0,0,0,0,0,0,0,0,0,512,0,0,0,0,0,0,500000,"
                            "1200000,0,0,0,0,0,0,0,0,0,0,0,36000,0,0,0,0,0);"
                          : "INSERT INTO households VALUES(1,'H140902-000101','140902',"
                            "'140902001001',1,20250601,1,20230101,120000,1,1);"
                            "INSERT INTO household_records VALUES(1,'140902','{}','old','x');"
                            "INSERT INTO members VALUES(1,0,'140902','140902195001010012','张老汉',"
                            "19500101,0,0,0,0,0,0,0,0,0,512,0,0,0,0,0,0,500000,"
                            "1200000,0,0,0,0,0,0,0,0,0,0,0,36000,0,0,0,0,0,0,0,0);");
        unsigned char prev[32] = {0};
        legacy_entry(path, 1, "case.accept", prev);
        legacy_entry(path, 2, "case.investigate", prev);
        jz_store *s = NULL;
        assert_int_equal(jz_store_open(path, 0, &s, &err), JZ_OK);
        assert_int_equal(jz_store_schema_version(s), JZ_STORE_SCHEMA_VERSION);
        jz_audit_report rep = verified(s);
        assert_int_equal(rep.bad_seq, 0);
        assert_int_equal(rep.data_problems, 0);
        assert_int_equal(rep.keyed_from, 3); /* after the two old entries */
        /* The old household replaced: its old rows leave the tables. */
        put_example(s, "01-dibao-rural.json");
        verifies_clean(s);
        jz_store_close(s);
        /* The old entries are still checked as they were. */
        exec_on(path, "DROP TRIGGER audit_no_update;"
                      "UPDATE audit SET actor = '别人' WHERE seq = 2");
        assert_int_equal(jz_store_open(path, JZ_STORE_READONLY, &s, &err), JZ_OK);
        rep = verified(s);
        assert_int_equal(rep.bad_seq, 2);
        assert_non_null(strstr(rep.problem, "第 2 条的内容与其哈希不符"));
        jz_store_close(s);
    }
}

/* Rewrites the log at `path` from entry `from` on as the SHA-256 chain
 * allowed anyone to: entry `from` renamed "forged", every later hash
 * recomputed, the head in meta moved along. */
static void rewrite_without_key(const char *path, int64_t from)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "DROP TRIGGER IF EXISTS audit_no_update", NULL, NULL, NULL);
    unsigned char prev[32] = {0};
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT hash FROM audit WHERE seq = ?", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, from - 1);
    if (sqlite3_step(st) == SQLITE_ROW)
        memcpy(prev, sqlite3_column_blob(st, 0), 32);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT seq, county, at, actor, action, entity, before,"
                                        " after FROM audit WHERE seq >= ? ORDER BY seq",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, from);
    int64_t last = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        char *f[7];
        for (int i = 0; i < 7; i++)
            f[i] = strdup((const char *)sqlite3_column_text(st, 1 + i));
        if (seq == from) {
            free(f[3]);
            f[3] = strdup("forged");
        }
        unsigned char h[32];
        legacy_hash(prev, seq, (const char *const *)f, h);
        sqlite3_stmt *up = NULL;
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "UPDATE audit SET action = ?, prev = ?, hash = ?"
                                            " WHERE seq = ?",
                                            -1, &up, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(up, 1, f[3], -1, SQLITE_STATIC);
        sqlite3_bind_blob(up, 2, prev, 32, SQLITE_STATIC);
        sqlite3_bind_blob(up, 3, h, 32, SQLITE_STATIC);
        sqlite3_bind_int64(up, 4, seq);
        assert_int_equal(sqlite3_step(up), SQLITE_DONE);
        sqlite3_finalize(up);
        memcpy(prev, h, 32);
        last = seq;
        for (int i = 0; i < 7; i++)
            free(f[i]);
    }
    sqlite3_finalize(st);
    char hx[65], sql[256];
    sodium_bin2hex(hx, sizeof hx, prev, 32);
    snprintf(sql, sizeof sql, "UPDATE meta SET value = '%lld:%s' WHERE key = 'audit_head'",
             (long long)last, hx);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* The chain cannot be rewritten without the key: an entry changed and every
 * later hash recomputed (as the SHA-256 chain allowed), the whole log made
 * a plain SHA-256 one, or a chain under another key. */
static void audit_chain_needs_the_key(void **state)
{
    (void)state;
    jz_store *s = fresh("au5.db");
    put_example(s, "01-dibao-rural.json");
    put_example(s, "02-expenditure-illness-education.json");
    jz_store_close(s);
    char path[256];
    snprintf(path, sizeof path, "%s/au5.db", dir);
    rewrite_without_key(path, 2);
    jz_error err;
    assert_int_equal(jz_store_open(path, JZ_STORE_READONLY, &s, &err), JZ_OK);
    jz_audit_report rep = verified(s);
    assert_int_equal(rep.bad_seq, 2);
    assert_non_null(strstr(rep.problem, "哈希带密钥"));
    jz_store_close(s);
    /* From the first entry: no keyed part is left, which the key shows. */
    rewrite_without_key(path, 1);
    assert_int_equal(jz_store_open(path, JZ_STORE_READONLY, &s, &err), JZ_OK);
    rep = verified(s);
    assert_true(rep.bad_seq > 0);
    assert_non_null(strstr(rep.problem, "没有带密钥的部分"));
    jz_store_close(s);
    /* Another store's key: not this database's. */
    char other[256];
    snprintf(other, sizeof other, "%s/au1.db.audit-key", dir);
    setenv("JIUZHU_AUDIT_KEY", other, 1);
    snprintf(path, sizeof path, "%s/au2.db", dir);
    assert_int_equal(jz_store_open(path, JZ_STORE_READONLY, &s, &err), JZ_OK);
    rep = verified(s);
    assert_int_equal(rep.bad_seq, 1);
    assert_non_null(strstr(rep.problem, "不是这个数据库的密钥"));
    jz_store_close(s);
    unsetenv("JIUZHU_AUDIT_KEY");
}

/* Without the key: reads work, writes are refused naming the key file,
 * and verifying says what it needs. */
static void audit_without_the_key(void **state)
{
    (void)state;
    jz_store *s = fresh("au6.db");
    put_example(s, "01-dibao-rural.json");
    jz_store_close(s);
    char path[256], key[300], kept[256];
    snprintf(path, sizeof path, "%s/au6.db", dir);
    snprintf(key, sizeof key, "%s.audit-key", path);
    snprintf(kept, sizeof kept, "%s/au6.kept", dir);
    assert_int_equal(rename(key, kept), 0);
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_store_open(path, 0, &s, &err), JZ_OK);
    char *rec = NULL;
    assert_int_equal(jz_store_get_record(s, "H140902-000101", &rec, &err), JZ_OK);
    free(rec);
    static jz_household_buf buf;
    jz_household h;
    char *text = example("02-expenditure-illness-education.json");
    parse(text, &h, &buf);
    assert_int_equal(jz_store_begin(s, &err), JZ_OK);
    assert_int_equal(jz_store_put_household(s, &h, text, "t", &err), JZ_OK);
    assert_int_equal(jz_store_commit(s, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "缺少审计密钥"));
    assert_string_equal(err.value, key);
    free(text);
    jz_audit_report rep;
    assert_int_equal(jz_store_audit_verify(s, &rep, &err), JZ_ENOTFOUND);
    assert_non_null(strstr(err.reason, "校验需要审计密钥"));
    jz_store_close(s);
    assert_int_equal(rename(kept, key), 0);
    assert_int_equal(jz_store_open(path, JZ_STORE_READONLY, &s, &err), JZ_OK);
    verifies_clean(s);
    jz_store_close(s);
}

int main(void)
{
    /* On PostgreSQL (JZ_TEST_STORE=pg) the tests of the store's behaviour;
     * the others test the SQLite file itself (its migrations, and its audit
     * coverage through statements run beside the store). */
    const struct CMUnitTest both[] = {
        cmocka_unit_test(create_and_open),
        cmocka_unit_test(store_replace_and_duplicates),
        cmocka_unit_test(import_rejections_kept),
        cmocka_unit_test(snapshot_and_batch_equal_single),
        cmocka_unit_test(snapshot_stale_after_a_put),
        cmocka_unit_test(ten_thousand_bulk_equal_single),
        cmocka_unit_test(audit_chain_verifies),
    };
    const struct CMUnitTest sqlite_only[] = {
        cmocka_unit_test(migration_from_version_1),
        cmocka_unit_test(migration_from_version_3),
        cmocka_unit_test(migration_3_to_4_member_current),
        cmocka_unit_test(audit_covers_the_rows),
        cmocka_unit_test(audit_follows_statements),
        cmocka_unit_test(audit_no_commit_without_entries),
        cmocka_unit_test(audit_migrates_older_files),
        cmocka_unit_test(audit_chain_needs_the_key),
        cmocka_unit_test(audit_without_the_key),
    };
    int failed = cmocka_run_group_tests_name("store", both, setup, teardown);
    if (!jz_test_on_pg())
        failed += cmocka_run_group_tests_name("sqlite file", sqlite_only, setup, teardown);
    return failed;
}
