/*
 * sqlite_registry.c - the lists the web platform pages through: a region's
 * households with their head and latest determination, and the audit log.
 * One statement each for the page and for the count, whatever the filters
 * (they are bound, so the statements are prepared once and cached).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

/* The households of the region (a code prefix: the codes are digits, and
 * ':' follows '9'), matching the text and the category. */
#define HH_WHERE                                                                                   \
    " WHERE h.region >= ?1 AND h.region < ?1 || ':'"                                               \
    " AND (?2 = '' OR h.household_id LIKE ?3 ESCAPE '\\' OR EXISTS(SELECT 1 FROM members m2"      \
    "   WHERE m2.hh = h.hh AND (m2.name LIKE ?4 ESCAPE '\\' OR m2.id_number = ?2)))"               \
    " AND (?5 = -2 OR (?5 = -1 AND d.hh IS NULL) OR d.category = ?5)"

static void bind_hh(sqlite3_stmt *st, const jz_store_hh_query *q, const char *prefix,
                    const char *contains)
{
    sqlite3_bind_text(st, 1, q->region ? q->region : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q->q ? q->q : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, contains, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, q->category);
}

jz_err jz__sq_household_list(void *impl, const jz_store_hh_query *q,
                             void (*fn)(const jz_store_hh_row *r, void *arg), void *arg,
                             int64_t *total, jz_error *err)
{
    sq *q_ = impl;
    *total = 0;
    const char *text = q->q ? q->q : "";
    char *prefix = jz__like_pattern(text, "", "%"), *contains = jz__like_pattern(text, "%", "%");
    jz_err rc = JZ_OK;
    if (!prefix || !contains) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto out;
    }
    sqlite3_stmt *st;
    if ((rc = jz__sq_cached(q_,
                            "SELECT count(*) FROM households h"
                            " LEFT JOIN determinations d ON d.hh = h.hh" HH_WHERE,
                            &st, "读取户列表", err)))
        goto out;
    bind_hh(st, q, prefix, contains);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *total = sqlite3_column_int64(st, 0);
    if ((rc = jz__sq_end(q_, st, s == SQLITE_ROW ? SQLITE_DONE : s, "读取户列表", err)))
        goto out;
    if ((rc = jz__sq_cached(q_,
                            "SELECT h.household_id, h.region, h.n_members, m.name, m.id_number,"
                            " coalesce(d.category, -1), coalesce(d.monthly_amount, 0),"
                            " coalesce(d.counted_members, 0), coalesce(d.assess_date, 0)"
                            " FROM households h JOIN members m ON m.hh = h.hh AND m.idx = 0"
                            " LEFT JOIN determinations d ON d.hh = h.hh" HH_WHERE
                            " ORDER BY h.region, h.household_id LIMIT ?6 OFFSET ?7",
                            &st, "读取户列表", err)))
        goto out;
    bind_hh(st, q, prefix, contains);
    sqlite3_bind_int(st, 6, q->limit);
    sqlite3_bind_int64(st, 7, q->offset);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jz_store_hh_row r = {
            .household_id = (const char *)sqlite3_column_text(st, 0),
            .region = (const char *)sqlite3_column_text(st, 1),
            .members = sqlite3_column_int(st, 2),
            .head_name = (const char *)sqlite3_column_text(st, 3),
            .head_id = (const char *)sqlite3_column_text(st, 4),
            .category = sqlite3_column_int(st, 5),
            .monthly = sqlite3_column_int64(st, 6),
            .counted = sqlite3_column_int(st, 7),
        };
        int64_t on = sqlite3_column_int64(st, 8);
        r.assessed_on = r.category < 0 ? JZ_DATE_NONE : (jz_date)on;
        fn(&r, arg);
    }
    rc = jz__sq_end(q_, st, s, "读取户列表", err);
out:
    free(prefix);
    free(contains);
    return rc;
}

#define AUDIT_WHERE                                                                                \
    " WHERE (?1 = '' OR substr(county, 1, length(?1)) = ?1)"                                       \
    " AND (?2 = '' OR substr(action, 1, length(?2)) = ?2)"

jz_err jz__sq_audit_list(void *impl, const char *county_prefix, const char *action_prefix,
                         int64_t offset, int limit,
                         void (*fn)(const jz_store_audit_row *r, void *arg), void *arg,
                         int64_t *total, jz_error *err)
{
    sq *q = impl;
    *total = 0;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q, "SELECT count(*) FROM audit" AUDIT_WHERE, &st, "读取审计日志", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, county_prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, action_prefix, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *total = sqlite3_column_int64(st, 0);
    if ((rc = jz__sq_end(q, st, s == SQLITE_ROW ? SQLITE_DONE : s, "读取审计日志", err)))
        return rc;
    if ((rc = jz__sq_cached(q,
                            "SELECT seq, county, at, actor, action, entity, before, after"
                            " FROM audit" AUDIT_WHERE " ORDER BY seq DESC LIMIT ?3 OFFSET ?4",
                            &st, "读取审计日志", err)))
        return rc;
    sqlite3_bind_text(st, 1, county_prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, action_prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, limit);
    sqlite3_bind_int64(st, 4, offset);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jz_store_audit_row r = {
            .seq = sqlite3_column_int64(st, 0),
            .county = (const char *)sqlite3_column_text(st, 1),
            .at = (const char *)sqlite3_column_text(st, 2),
            .actor = (const char *)sqlite3_column_text(st, 3),
            .action = (const char *)sqlite3_column_text(st, 4),
            .entity = (const char *)sqlite3_column_text(st, 5),
            .before = (const char *)sqlite3_column_text(st, 6),
            .after = (const char *)sqlite3_column_text(st, 7),
        };
        fn(&r, arg);
    }
    return jz__sq_end(q, st, s, "读取审计日志", err);
}
