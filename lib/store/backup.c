/*
 * backup.c - a consistent copy of a live store (jz_store_backup): for an
 * SQLite file, SQLite's online backup API, page by page while others keep
 * writing (each step sees one committed state; a write in between restarts
 * the copy of the pages it changed), then checked with quick_check; for
 * PostgreSQL, pg_dump's custom format (one snapshot of the database).
 * The audit key is not copied: it is kept apart from the data
 * (docs/integrity.md), and a restore needs both.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_int.h"

extern char **environ;

static jz_err backup_sqlite(const char *path, const char *dest, jz_error *err)
{
    sqlite3 *src = NULL, *dst = NULL;
    jz_err rc = JZ_OK;
    if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = jz_error_set(err, JZ_EIO, "database", path, "无法打开数据库：%s", sqlite3_errmsg(src));
        goto out;
    }
    if (sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        rc = jz_error_set(err, JZ_EIO, "backup", dest, "无法创建备份文件：%s", sqlite3_errmsg(dst));
        goto out;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        rc = jz_error_set(err, JZ_EIO, "backup", dest, "无法开始备份：%s", sqlite3_errmsg(dst));
        goto out;
    }
    int s;
    /* 1024 pages a step, letting writers in between. */
    while ((s = sqlite3_backup_step(b, 1024)) == SQLITE_OK || s == SQLITE_BUSY || s == SQLITE_LOCKED)
        sqlite3_sleep(s == SQLITE_OK ? 0 : 20);
    sqlite3_backup_finish(b);
    if (s != SQLITE_DONE) {
        rc = jz_error_set(err, JZ_EIO, "backup", dest, "备份失败：%s", sqlite3_errstr(s));
        goto out;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(dst, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
        rc = jz_error_set(err, JZ_EIO, "backup", dest, "备份文件校验不通过");
    sqlite3_finalize(st);
out:
    sqlite3_close(dst);
    sqlite3_close(src);
    if (rc)
        remove(dest);
    return rc;
}

static jz_err backup_pg(const char *url, const char *dest, jz_error *err)
{
    char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--file", (char *)dest,
                    (char *)url, NULL};
    pid_t pid;
    int e = posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, environ);
    if (e != 0)
        return jz_error_set(err, JZ_EIO, "backup", dest,
                            "无法运行 pg_dump（%s）：请安装 PostgreSQL 客户端（apt-get install "
                            "postgresql-client-15）",
                            strerror(e));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        remove(dest);
        return jz_error_set(err, JZ_EIO, "backup", dest, "pg_dump 失败（退出码 %d），见其错误输出",
                            WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return JZ_OK;
}

jz_err jz_store_backup(const char *where, const char *dest, jz_error *err)
{
    struct stat st;
    if (stat(dest, &st) == 0)
        return jz_error_set(err, JZ_EINPUT, "backup", dest, "备份文件已存在（不覆盖）");
    /* The store must open: a backup of something that is no store is none. */
    jz_store *s = NULL;
    jz_err rc = jz_store_open(where, JZ_STORE_READONLY, &s, err);
    if (rc)
        return rc;
    bool pg = jz__store_ops(s) == &jz__pg_ops;
    char path[4096];
    snprintf(path, sizeof path, "%s", jz_store_where(s));
    jz_store_close(s);
    return pg ? backup_pg(path, dest, err) : backup_sqlite(path, dest, err);
}
