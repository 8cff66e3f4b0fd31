/*
 * test_file.c - unit tests of the output-file helper (jz_outfile, jz_file.h):
 * a new file is written whole with mode 0600; an existing one is replaced
 * only with JZ_OUT_FORCE; a database, its companions, the database the
 * command has open, a symbolic link and a directory are never written; a
 * failure leaves the target as it was and no temporary file behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jiuzhu/jz_file.h"

typedef struct tmp {
    char dir[64];
} tmp;

static int make_tmp(void **state)
{
    tmp *t = calloc(1, sizeof *t);
    if (t == NULL)
        return -1;
    snprintf(t->dir, sizeof t->dir, "/tmp/jz-file-XXXXXX");
    if (mkdtemp(t->dir) == NULL) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int remove_tmp(void **state)
{
    tmp *t = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        return -1;
    free(t);
    return 0;
}

static void path_in(const tmp *t, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", t->dir, name);
}

static void put(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* The file's bytes, terminated (static buffer). */
static const char *get(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* The number of entries in the directory besides . and .. */
static int entries(const tmp *t)
{
    DIR *d = opendir(t->dir);
    struct dirent *e;
    int n = 0;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static const char DB_HEAD[] = "SQLite format 3\0\x10\0\x02\x02";

static void test_new_file(void **state)
{
    tmp *t = *state;
    char p[128];
    jz_error err;
    jz_error_clear(&err);
    path_in(t, "list.csv", p, sizeof p);
    mode_t old = umask(0);
    assert_int_equal(jz_file_write(p, NULL, 0, "a,b\r\n", 5, &err), JZ_OK);
    umask(old);
    assert_string_equal(get(p), "a,b\r\n");
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(entries(t), 1); /* no temporary file left */

    /* Group-readable on request, never more. */
    path_in(t, "group.csv", p, sizeof p);
    old = umask(0);
    assert_int_equal(jz_file_write(p, NULL, JZ_OUT_GROUP_READ, "x", 1, &err), JZ_OK);
    umask(old);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
}

static void test_existing_needs_force(void **state)
{
    tmp *t = *state;
    char p[128];
    jz_error err;
    jz_error_clear(&err);
    path_in(t, "report.csv", p, sizeof p);
    put(p, "old", 3);
    assert_int_equal(jz_file_write(p, NULL, 0, "new", 3, &err), JZ_EUSAGE);
    assert_non_null(strstr(err.reason, "已存在"));
    assert_non_null(strstr(err.reason, "--force"));
    assert_string_equal(err.value, p);
    assert_string_equal(get(p), "old");
    assert_int_equal(entries(t), 1);

    assert_int_equal(jz_file_write(p, NULL, JZ_OUT_FORCE, "new", 3, &err), JZ_OK);
    assert_string_equal(get(p), "new");
    assert_int_equal(entries(t), 1);
}

/* A file that appears while the data is written is not replaced either. */
static void test_target_appears_meanwhile(void **state)
{
    tmp *t = *state;
    char p[128];
    jz_error err;
    jz_outfile *o;
    jz_error_clear(&err);
    path_in(t, "late.csv", p, sizeof p);
    assert_int_equal(jz_outfile_open(p, NULL, 0, &o, &err), JZ_OK);
    fputs("mine", jz_outfile_stream(o));
    put(p, "theirs", 6);
    assert_int_equal(jz_outfile_commit(o, &err), JZ_EUSAGE);
    assert_string_equal(get(p), "theirs");
    assert_int_equal(entries(t), 1);
}

static void test_database_never(void **state)
{
    tmp *t = *state;
    char p[128];
    jz_error err;
    jz_error_clear(&err);
    path_in(t, "reg.db", p, sizeof p);
    put(p, DB_HEAD, sizeof DB_HEAD - 1);
    for (unsigned flags = 0; flags <= JZ_OUT_FORCE; flags++) {
        assert_int_equal(jz_file_write(p, NULL, flags, "x", 1, &err), JZ_EUSAGE);
        assert_non_null(strstr(err.reason, "SQLite"));
        assert_memory_equal(get(p), "SQLite format 3", 16);
    }
    assert_int_equal(entries(t), 1);

    /* Its companions, by name, whether they exist or not. */
    const char *names[] = {"reg.db-wal", "reg.db-shm", "reg.db-journal", "reg.db-lock"};
    for (size_t i = 0; i < 4; i++) {
        path_in(t, names[i], p, sizeof p);
        assert_int_equal(jz_file_write(p, NULL, JZ_OUT_FORCE, "x", 1, &err), JZ_EUSAGE);
        assert_int_equal(access(p, F_OK), -1);
    }
    assert_int_equal(entries(t), 1);
}

/* The database the command has open, even before SQLite wrote its header,
 * and under another name (a hard link). */
static void test_guard(void **state)
{
    tmp *t = *state;
    char db[128], other[128];
    jz_error err;
    jz_error_clear(&err);
    path_in(t, "new.db", db, sizeof db);
    path_in(t, "other-name.csv", other, sizeof other);
    put(db, "", 0);
    assert_int_equal(link(db, other), 0);
    assert_int_equal(jz_file_write(other, db, JZ_OUT_FORCE, "x", 1, &err), JZ_EUSAGE);
    assert_non_null(strstr(err.reason, "数据库"));
    assert_string_equal(get(db), "");
    /* Without the guard it is an ordinary empty file. */
    assert_int_equal(jz_file_write(other, NULL, JZ_OUT_FORCE, "x", 1, &err), JZ_OK);
    assert_string_equal(get(db), "");
    assert_string_equal(get(other), "x");
}

static void test_symlink_and_directory(void **state)
{
    tmp *t = *state;
    char real[128], link_path[128], dangling[128];
    jz_error err;
    jz_error_clear(&err);
    path_in(t, "real.csv", real, sizeof real);
    path_in(t, "link.csv", link_path, sizeof link_path);
    path_in(t, "dangling.csv", dangling, sizeof dangling);
    put(real, "keep", 4);
    assert_int_equal(symlink(real, link_path), 0);
    assert_int_equal(jz_file_write(link_path, NULL, JZ_OUT_FORCE, "x", 1, &err), JZ_EUSAGE);
    assert_non_null(strstr(err.reason, "符号链接"));
    assert_string_equal(get(real), "keep");
    struct stat st;
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    /* A dangling link is not followed to create its target. */
    char missing[128];
    path_in(t, "missing.csv", missing, sizeof missing);
    assert_int_equal(symlink(missing, dangling), 0);
    assert_int_equal(jz_file_write(dangling, NULL, 0, "x", 1, &err), JZ_EUSAGE);
    assert_int_equal(access(missing, F_OK), -1);

    assert_int_equal(jz_file_write(t->dir, NULL, JZ_OUT_FORCE, "x", 1, &err), JZ_EUSAGE);
    assert_int_equal(jz_file_write("", NULL, JZ_OUT_FORCE, "x", 1, &err), JZ_EUSAGE);
    assert_int_equal(entries(t), 3);
}

static void test_abort_and_missing_dir(void **state)
{
    tmp *t = *state;
    char p[128];
    jz_error err;
    jz_outfile *o;
    jz_error_clear(&err);
    path_in(t, "given-up.csv", p, sizeof p);
    assert_int_equal(jz_outfile_open(p, NULL, 0, &o, &err), JZ_OK);
    fputs("half", jz_outfile_stream(o));
    assert_int_equal(entries(t), 1); /* the temporary file */
    jz_outfile_abort(o);
    jz_outfile_abort(NULL);
    assert_int_equal(entries(t), 0);

    path_in(t, "no-such-dir/x.csv", p, sizeof p);
    assert_int_equal(jz_file_write(p, NULL, 0, "x", 1, &err), JZ_EIO);
    assert_non_null(strstr(err.value, "no-such-dir"));
}

/* A library that writes by name (libxlsxwriter) writes the temporary file;
 * a file put in its place is not renamed over the target. */
static void test_write_by_name(void **state)
{
    tmp *t = *state;
    char p[128];
    jz_error err;
    jz_outfile *o;
    jz_error_clear(&err);
    path_in(t, "book.xlsx", p, sizeof p);
    assert_int_equal(jz_outfile_open(p, NULL, 0, &o, &err), JZ_OK);
    put(jz_outfile_temp(o), "PK..", 4);
    assert_int_equal(jz_outfile_commit(o, &err), JZ_OK);
    assert_string_equal(get(p), "PK..");

    assert_int_equal(jz_outfile_open(p, NULL, JZ_OUT_FORCE, &o, &err), JZ_OK);
    char temp[256];
    snprintf(temp, sizeof temp, "%s", jz_outfile_temp(o));
    assert_int_equal(unlink(temp), 0);
    put(temp, "evil", 4);
    assert_int_equal(jz_outfile_commit(o, &err), JZ_EIO);
    assert_string_equal(get(p), "PK..");
    assert_int_equal(entries(t), 1);
}

static void test_is_sqlite(void **state)
{
    (void)state;
    assert_true(jz_file_is_sqlite(DB_HEAD, sizeof DB_HEAD - 1));
    assert_true(jz_file_is_sqlite("SQLite format 3", 16));
    assert_false(jz_file_is_sqlite("SQLite format 3", 15));
    assert_false(jz_file_is_sqlite("SQLite format 4", 16));
    assert_false(jz_file_is_sqlite(NULL, 16));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_file, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_existing_needs_force, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_target_appears_meanwhile, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_database_never, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_guard, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_symlink_and_directory, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_abort_and_missing_dir, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_write_by_name, make_tmp, remove_tmp),
        cmocka_unit_test(test_is_sqlite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
