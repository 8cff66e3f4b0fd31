/*
 * sqlite_user.c - the SQLite backend's users, sessions and access log
 * (jz_store_user.h; the tables of migration 6).  Statements only: lib/auth
 * decides what to write and audits it.  When a session was last used is
 * kept in session_seen, the one table outside the audit log's cover
 * (store_sqlite.c, migration 6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

#define USER_COLUMNS                                                                               \
    "u.user_id, u.login, u.name, u.role, u.scope, u.dept, u.active, u.failures,"                   \
    " u.locked_until, u.created, u.password_changed, u.password_hash"

const char *jz__sq_actor(const void *impl)
{
    return ((const sq *)impl)->actor;
}

/* Users, sessions and the access log are read and written on every
 * request of the server: their statements are prepared once per
 * connection (jz__sq_cached) and put back with jz__sq_done. */
static jz_err prepare(sq *q, sqlite3_stmt **st, const char *sql, const char *what, jz_error *err)
{
    return jz__sq_cached(q, sql, st, what, err);
}

static jz_err step_done(sq *q, sqlite3_stmt *st, const char *what, jz_error *err)
{
    int s = sqlite3_step(st);
    jz__sq_done(q, st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, what);
}

static int role_of(const char *name)
{
    for (int r = 0; r < JZ_ROLE_COUNT; r++)
        if (strcmp(name, jz_role_name[r]) == 0)
            return r;
    return -1;
}

/* Reads USER_COLUMNS from column k on; false when the role is not one of
 * ours (a row written outside jiuzhu). */
static bool read_user(sqlite3_stmt *st, int k, jz_user *u, char *pwhash)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(u->login, sizeof u->login, st, k++);
    jz__sq_copy_text(u->name, sizeof u->name, st, k++);
    const unsigned char *role = sqlite3_column_text(st, k++);
    int r = role_of(role ? (const char *)role : "");
    u->role = r < 0 ? JZ_ROLE_COUNT : (jz_role)r;
    jz__sq_copy_text(u->scope, sizeof u->scope, st, k++);
    u->dept = sqlite3_column_int(st, k++);
    u->active = sqlite3_column_int(st, k++) != 0;
    u->failures = sqlite3_column_int(st, k++);
    u->locked_until = sqlite3_column_int64(st, k++);
    u->created = sqlite3_column_int64(st, k++);
    u->password_changed = sqlite3_column_int64(st, k++);
    if (pwhash)
        jz__sq_copy_text(pwhash, JZ_PWHASH_MAX, st, k);
    return r >= 0;
}

static jz_err bad_role(jz_error *err, const jz_user *u)
{
    return jz_error_set(err, JZ_EIO, "users.role", u->login,
                        "用户的角色无法识别（数据库在 jiuzhu 之外被改动？用 jiuzhu audit verify "
                        "检查）");
}

jz_err jz__sq_user_insert(void *impl, jz_user *u, const char *pwhash, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    jz_err rc = prepare(q, &st,
                        "INSERT INTO users(login, name, role, scope, dept, active, password_hash,"
                        " failures, locked_until, created, password_changed)"
                        " VALUES(?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(login) DO NOTHING",
                        "添加用户", err);
    if (rc)
        return rc;
    int k = 1;
    sqlite3_bind_text(st, k++, u->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, jz_role_name[u->role], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, u->scope, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, u->dept);
    sqlite3_bind_int(st, k++, u->active);
    sqlite3_bind_text(st, k++, pwhash, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, u->failures);
    sqlite3_bind_int64(st, k++, u->locked_until);
    sqlite3_bind_int64(st, k++, u->created);
    sqlite3_bind_int64(st, k++, u->password_changed);
    if ((rc = step_done(q, st, "添加用户", err)))
        return rc;
    if (sqlite3_changes(q->db) == 0)
        return jz_error_set(err, JZ_ECONFLICT, "login", u->login, "登录名已被使用");
    u->id = sqlite3_last_insert_rowid(q->db);
    return JZ_OK;
}

jz_err jz__sq_user_get(void *impl, const char *login, jz_user *out, char *pwhash, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    jz_err rc =
        prepare(q, &st, "SELECT " USER_COLUMNS " FROM users u WHERE u.login = ?", "查询用户", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        if (!read_user(st, 0, out, pwhash))
            rc = bad_role(err, out);
    } else if (s == SQLITE_DONE) {
        rc = jz_error_set(err, JZ_ENOTFOUND, "login", login, "没有这个用户");
    } else {
        rc = jz__sq_error(q, err, "查询用户");
    }
    jz__sq_done(q, st);
    return rc;
}

jz_err jz__sq_user_list(void *impl, const char *prefix, void (*fn)(const jz_user *u, void *arg),
                        void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    jz_err rc = prepare(q, &st,
                        "SELECT " USER_COLUMNS " FROM users u"
                        " WHERE substr(u.scope, 1, length(?1)) = ?1 ORDER BY u.login",
                        "列出用户", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    int s;
    jz_user u;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!read_user(st, 0, &u, NULL)) {
            jz__sq_done(q, st);
            return bad_role(err, &u);
        }
        fn(&u, arg);
    }
    jz__sq_done(q, st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "列出用户");
}

jz_err jz__sq_user_update(void *impl, const jz_user *u, const char *pwhash, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    jz_err rc = prepare(q, &st,
                        "UPDATE users SET name = ?2, role = ?3, scope = ?4, dept = ?5, active = ?6,"
                        " failures = ?7, locked_until = ?8, password_changed = ?9,"
                        " password_hash = coalesce(?10, password_hash) WHERE user_id = ?1",
                        "修改用户", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, u->id);
    sqlite3_bind_text(st, 2, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, jz_role_name[u->role], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, u->scope, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, u->dept);
    sqlite3_bind_int(st, 6, u->active);
    sqlite3_bind_int(st, 7, u->failures);
    sqlite3_bind_int64(st, 8, u->locked_until);
    sqlite3_bind_int64(st, 9, u->password_changed);
    if (pwhash)
        sqlite3_bind_text(st, 10, pwhash, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 10);
    if ((rc = step_done(q, st, "修改用户", err)))
        return rc;
    if (sqlite3_changes(q->db) == 0)
        return jz_error_set(err, JZ_ENOTFOUND, "login", u->login, "没有这个用户");
    return JZ_OK;
}

jz_err jz__sq_session_insert(void *impl, int64_t user_id, const unsigned char *hash, int64_t now,
                             int64_t *id, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    jz_err rc = prepare(q, &st,
                        "INSERT INTO sessions(user_id, token_hash, created, revoked_at,"
                        " revoke_reason) VALUES(?, ?, ?, 0, '')",
                        "开始会话", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_blob(st, 2, hash, JZ_TOKEN_HASH, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if ((rc = step_done(q, st, "开始会话", err)))
        return rc;
    *id = sqlite3_last_insert_rowid(q->db);
    if ((rc = prepare(q, &st, "INSERT INTO session_seen(session_id, last_seen) VALUES(?, ?)",
                      "开始会话", err)))
        return rc;
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_int64(st, 2, now);
    return step_done(q, st, "开始会话", err);
}

jz_err jz__sq_session_find(void *impl, const unsigned char *hash, jz_store_session *out,
                           jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    jz_err rc = prepare(q, &st,
                        "SELECT s.session_id, s.created, coalesce(v.last_seen, s.created),"
                        " s.revoked_at, s.revoke_reason, " USER_COLUMNS
                        " FROM sessions s JOIN users u ON u.user_id = s.user_id"
                        " LEFT JOIN session_seen v ON v.session_id = s.session_id"
                        " WHERE s.token_hash = ?",
                        "查询会话", err);
    if (rc)
        return rc;
    sqlite3_bind_blob(st, 1, hash, JZ_TOKEN_HASH, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, 0);
        out->created = sqlite3_column_int64(st, 1);
        out->last_seen = sqlite3_column_int64(st, 2);
        out->revoked_at = sqlite3_column_int64(st, 3);
        jz__sq_copy_text(out->revoke_reason, sizeof out->revoke_reason, st, 4);
        if (!read_user(st, 5, &out->user, NULL))
            rc = bad_role(err, &out->user);
    } else if (s == SQLITE_DONE) {
        rc = jz_error_set(err, JZ_ENOTFOUND, "session", NULL, "没有这个会话");
    } else {
        rc = jz__sq_error(q, err, "查询会话");
    }
    jz__sq_done(q, st);
    return rc;
}

jz_err jz__sq_session_touch(void *impl, int64_t session, int64_t now, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    jz_err rc = prepare(q, &st,
                        "INSERT INTO session_seen(session_id, last_seen) VALUES(?1, ?2)"
                        " ON CONFLICT(session_id) DO UPDATE SET last_seen = max(last_seen, ?2)",
                        "记录会话使用时间", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, session);
    sqlite3_bind_int64(st, 2, now);
    return step_done(q, st, "记录会话使用时间", err);
}

jz_err jz__sq_session_revoke(void *impl, int64_t session, int64_t user_id, int64_t now,
                             const char *reason, int *n, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    jz_err rc = prepare(q, &st,
                        session ? "UPDATE sessions SET revoked_at = ?2, revoke_reason = ?3"
                                  " WHERE session_id = ?1 AND revoked_at = 0"
                                : "UPDATE sessions SET revoked_at = ?2, revoke_reason = ?3"
                                  " WHERE user_id = ?1 AND revoked_at = 0",
                        "结束会话", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, session ? session : user_id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    if ((rc = step_done(q, st, "结束会话", err)))
        return rc;
    if (n)
        *n = sqlite3_changes(q->db);
    return JZ_OK;
}

jz_err jz__sq_session_purge(void *impl, int64_t cutoff, int *n, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    /* A session's last moment: its end, or its last use (its creation if
     * never touched since). */
#define LAST_MOMENT                                                                                \
    "SELECT s.session_id FROM sessions s LEFT JOIN session_seen w USING (session_id)"              \
    " WHERE (CASE WHEN s.revoked_at > 0 THEN s.revoked_at"                                         \
    " ELSE max(s.created, coalesce(w.last_seen, 0)) END) < ?1"
    jz_err rc = prepare(q, &st, "DELETE FROM session_seen WHERE session_id IN (" LAST_MOMENT ")",
                        "清理会话", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, cutoff);
    if ((rc = step_done(q, st, "清理会话", err)))
        return rc;
    /* session_seen's rows are gone: a session's last moment is now its
     * creation or end, both older than the cutoff for those just cleared. */
    if ((rc = prepare(q, &st,
                      "DELETE FROM sessions WHERE (CASE WHEN revoked_at > 0 THEN revoked_at"
                      " ELSE created END) < ?1 AND session_id NOT IN"
                      " (SELECT session_id FROM session_seen)",
                      "清理会话", err)))
        return rc;
    sqlite3_bind_int64(st, 1, cutoff);
    if ((rc = step_done(q, st, "清理会话", err)))
        return rc;
    if (n)
        *n = sqlite3_changes(q->db);
    return JZ_OK;
#undef LAST_MOMENT
}

jz_err jz__sq_access_put(void *impl, const jz_access *a, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    jz_err rc = prepare(q, &st,
                        "INSERT INTO access_log(at, login, subject, region, kind, what)"
                        " VALUES(?, ?, ?, ?, ?, ?)",
                        "记录查询留痕", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, a->at);
    sqlite3_bind_text(st, 2, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->region, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, (int)a->kind);
    sqlite3_bind_text(st, 6, a->what, -1, SQLITE_STATIC);
    return step_done(q, st, "记录查询留痕", err);
}

jz_err jz__sq_access_list(void *impl, const char *subject, const char *prefix, size_t limit,
                          void (*fn)(const jz_access *a, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    /* Region codes are digits: those beginning with the prefix sort from
     * the prefix itself up to (not including) the prefix followed by ':',
     * which the index on (region, at) reads as one range. */
    jz_err rc = prepare(q, &st,
                        subject ? "SELECT access_id, at, login, subject, region, kind, what"
                                  " FROM access_log WHERE subject = ?1"
                                  " AND region >= ?2 AND region < ?2 || ':'"
                                  " ORDER BY at DESC, access_id DESC LIMIT ?3"
                                : "SELECT access_id, at, login, subject, region, kind, what"
                                  " FROM access_log WHERE region >= ?2 AND region < ?2 || ':'"
                                  " ORDER BY at DESC, access_id DESC LIMIT ?3",
                        "查询留痕", err);
    if (rc)
        return rc;
    if (subject)
        sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, limit && limit < (size_t)INT64_MAX ? (int64_t)limit : -1);
    int s;
    jz_access a;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&a, 0, sizeof a);
        a.id = sqlite3_column_int64(st, 0);
        a.at = sqlite3_column_int64(st, 1);
        jz__sq_copy_text(a.login, sizeof a.login, st, 2);
        jz__sq_copy_text(a.subject, sizeof a.subject, st, 3);
        jz__sq_copy_text(a.region, sizeof a.region, st, 4);
        int kind = sqlite3_column_int(st, 5);
        if (kind < JZ_ACCESS_RECORD || kind > JZ_ACCESS_EXPORT) {
            jz__sq_done(q, st);
            return jz_error_set(err, JZ_EIO, "access_log.kind", NULL,
                                "留痕 %lld 的类别无法识别（数据库在 jiuzhu 之外被改动？用 "
                                "jiuzhu audit verify 检查）",
                                (long long)a.id);
        }
        a.kind = (jz_access_kind)kind;
        jz__sq_copy_text(a.what, sizeof a.what, st, 6);
        fn(&a, arg);
    }
    jz__sq_done(q, st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询留痕");
}
