/*
 * sqlite_import.c - what an import refused, kept with the import (schema 5,
 * `import_rejections`), and an import's counts.
 *
 * A refused record is written in the transaction of the batch it belongs
 * to, so a killed import loses both or neither: the next run of the same
 * import skips the committed lines and finds their refusals here, and its
 * report lists every one of them.  The message is the import's own encoding
 * of the errors (lib/registry/import.c): to the store it is text.
 */
#include <stdio.h>
#include <string.h>

#include "sqlite_int.h"

jz_err jz__sq_import_reject(void *impl, int64_t import, long key, const char *county,
                            const char *household_id, const char *message, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    /* The same place refused again (a document re-read whole, a batch redone
     * after a power cut took it back) replaces what was kept. */
    if (sqlite3_prepare_v2(q->db,
                           "INSERT OR REPLACE INTO import_rejections(import, line, county,"
                           " household_id, message) VALUES(?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录被拒绝的户");
    sqlite3_bind_int64(st, 1, import);
    sqlite3_bind_int64(st, 2, key);
    sqlite3_bind_text(st, 3, county ? county : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, household_id ? household_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, message ? message : "", -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "记录被拒绝的户");
}

jz_err jz__sq_import_rejections(void *impl, int64_t import,
                                int (*fn)(long key, const char *household_id, const char *message,
                                          void *arg),
                                void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT line, household_id, message FROM import_rejections"
                           " WHERE import = ? ORDER BY line",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询被拒绝的户");
    sqlite3_bind_int64(st, 1, import);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *hid = (const char *)sqlite3_column_text(st, 1);
        const char *msg = (const char *)sqlite3_column_text(st, 2);
        if (fn((long)sqlite3_column_int64(st, 0), hid ? hid : "", msg ? msg : "", arg)) {
            s = SQLITE_DONE; /* the caller stopped */
            break;
        }
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询被拒绝的户");
}

jz_err jz__sq_import_counts(void *impl, int64_t import, jz_store_import_counts *out, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(q->db,
                           "SELECT lines_done, stored, rejected, finished_at IS NOT NULL,"
                           " (SELECT count(*) FROM import_rejections r WHERE r.import = i.import)"
                           " FROM imports i WHERE import = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询导入记录");
    sqlite3_bind_int64(st, 1, import);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        out->lines_done = (long)sqlite3_column_int64(st, 0);
        out->stored = (long)sqlite3_column_int64(st, 1);
        out->rejected = (long)sqlite3_column_int64(st, 2);
        out->finished = sqlite3_column_int(st, 3) != 0;
        out->kept = (long)sqlite3_column_int64(st, 4);
    }
    sqlite3_finalize(st);
    if (s == SQLITE_ROW)
        return JZ_OK;
    if (s == SQLITE_DONE) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)import);
        return jz_error_set(err, JZ_ENOTFOUND, "import", v, "没有这次导入的记录");
    }
    return jz__sq_error(q, err, "查询导入记录");
}
