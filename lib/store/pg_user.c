/*
 * pg_user.c - the PostgreSQL backend's users, sessions and access log
 * (jz_store_user.h; the SQLite backend's sqlite_user.c in PostgreSQL).
 * Statements only: lib/auth decides what to write and audits it.  When a
 * session was last used is kept in session_seen, apart from the session.
 *
 * What a transaction reads in order to change it is read FOR UPDATE
 * (pg_int.h): a user (the failures of a login, a password, being active),
 * and the users listed while one of them is disabled, so that two
 * administrators disabling each other at once cannot leave none: the
 * second waits for the first and counts what it left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_user.h"

#define USER_COLUMNS                                                                               \
    "u.user_id, u.login, u.name, u.role, u.scope, u.dept, u.active, u.failures,"                   \
    " u.locked_until, u.created, u.password_changed, u.password_hash"

static int role_of(const char *name)
{
    for (int r = 0; r < JZ_ROLE_COUNT; r++)
        if (strcmp(name, jz_role_name[r]) == 0)
            return r;
    return -1;
}

/* Reads USER_COLUMNS from column k on of row i; false when the role is not
 * one of ours (a row written outside jiuzhu). */
static bool read_user(const PGresult *r, int i, int k, jz_user *u, char *pwhash)
{
    memset(u, 0, sizeof *u);
    u->id = jz__pg_int(r, i, k++);
    jz__pg_copy_text(u->login, sizeof u->login, r, i, k++);
    jz__pg_copy_text(u->name, sizeof u->name, r, i, k++);
    int role = role_of(jz__pg_text(r, i, k++));
    u->role = role < 0 ? JZ_ROLE_COUNT : (jz_role)role;
    jz__pg_copy_text(u->scope, sizeof u->scope, r, i, k++);
    u->dept = (int)jz__pg_int(r, i, k++);
    u->active = jz__pg_int(r, i, k++) != 0;
    u->failures = (int)jz__pg_int(r, i, k++);
    u->locked_until = jz__pg_int(r, i, k++);
    u->created = jz__pg_int(r, i, k++);
    u->password_changed = jz__pg_int(r, i, k++);
    if (pwhash)
        jz__pg_copy_text(pwhash, JZ_PWHASH_MAX, r, i, k);
    return role >= 0;
}

static jz_err bad_role(jz_error *err, const jz_user *u)
{
    return jz_error_set(err, JZ_EIO, "users.role", u->login,
                        "用户的角色无法识别（数据库在 jiuzhu 之外被改动？用 jiuzhu audit verify "
                        "检查）");
}

jz_err jz__pg_user_insert(void *impl, jz_user *u, const char *pwhash, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, u->login);
    jz__pg_p_text(&p, u->name);
    jz__pg_p_text(&p, jz_role_name[u->role]);
    jz__pg_p_text(&p, u->scope);
    jz__pg_p_int(&p, u->dept);
    jz__pg_p_int(&p, u->active);
    jz__pg_p_text(&p, pwhash);
    jz__pg_p_int(&p, u->failures);
    jz__pg_p_int(&p, u->locked_until);
    jz__pg_p_int(&p, u->created);
    jz__pg_p_int(&p, u->password_changed);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "INSERT INTO users(login, name, role, scope, dept, active,"
                             " password_hash, failures, locked_until, created, password_changed)"
                             " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                             " ON CONFLICT(login) DO NOTHING RETURNING user_id",
                             &p, "添加用户", &rc, err);
    if (!r)
        return rc;
    bool added = PQntuples(r) == 1;
    if (added)
        u->id = jz__pg_int(r, 0, 0);
    PQclear(r);
    if (!added)
        return jz_error_set(err, JZ_ECONFLICT, "login", u->login, "登录名已被使用");
    return JZ_OK;
}

jz_err jz__pg_user_get(void *impl, const char *login, jz_user *out, char *pwhash, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, login);
    jz_err rc;
    PGresult *r =
        jz__pg_run(q,
                   q->in_tx ? "SELECT " USER_COLUMNS " FROM users u WHERE u.login = $1 FOR UPDATE"
                            : "SELECT " USER_COLUMNS " FROM users u WHERE u.login = $1",
                   &p, "查询用户", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 0)
        rc = jz_error_set(err, JZ_ENOTFOUND, "login", login, "没有这个用户");
    else if (!read_user(r, 0, 0, out, pwhash))
        rc = bad_role(err, out);
    PQclear(r);
    return rc;
}

jz_err jz__pg_user_list(void *impl, const char *prefix, void (*fn)(const jz_user *u, void *arg),
                        void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, prefix);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             q->in_tx ? "SELECT " USER_COLUMNS " FROM users u"
                                        " WHERE substr(u.scope, 1, length($1)) = $1"
                                        " ORDER BY u.login COLLATE \"C\" FOR UPDATE"
                                      : "SELECT " USER_COLUMNS " FROM users u"
                                        " WHERE substr(u.scope, 1, length($1)) = $1"
                                        " ORDER BY u.login COLLATE \"C\"",
                             &p, "列出用户", &rc, err);
    if (!r)
        return rc;
    jz_user u;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        if (!read_user(r, i, 0, &u, NULL)) {
            PQclear(r);
            return bad_role(err, &u);
        }
        fn(&u, arg);
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_user_update(void *impl, const jz_user *u, const char *pwhash, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, u->id);
    jz__pg_p_text(&p, u->name);
    jz__pg_p_text(&p, jz_role_name[u->role]);
    jz__pg_p_text(&p, u->scope);
    jz__pg_p_int(&p, u->dept);
    jz__pg_p_int(&p, u->active);
    jz__pg_p_int(&p, u->failures);
    jz__pg_p_int(&p, u->locked_until);
    jz__pg_p_int(&p, u->password_changed);
    jz__pg_p_text(&p, pwhash ? pwhash : "");
    /* No new hash: "" (a stored hash is never empty) keeps the old one. */
    int64_t n = 0;
    jz_err rc = jz__pg_do(q,
                         "UPDATE users SET name = $2, role = $3, scope = $4, dept = $5,"
                         " active = $6, failures = $7, locked_until = $8, password_changed = $9,"
                         " password_hash = coalesce(nullif($10, ''), password_hash)"
                         " WHERE user_id = $1",
                         &p, "修改用户", &n, err);
    if (rc)
        return rc;
    if (n == 0)
        return jz_error_set(err, JZ_ENOTFOUND, "login", u->login, "没有这个用户");
    return JZ_OK;
}

jz_err jz__pg_session_insert(void *impl, int64_t user_id, const unsigned char *hash, int64_t now,
                             int64_t *id, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, user_id);
    jz__pg_p_bytes(&p, hash, JZ_TOKEN_HASH);
    jz__pg_p_int(&p, now);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "INSERT INTO sessions(user_id, token_hash, created, revoked_at,"
                             " revoke_reason) VALUES($1, $2, $3, 0, '') RETURNING session_id",
                             &p, "开始会话", &rc, err);
    if (!r)
        return rc;
    *id = jz__pg_int(r, 0, 0);
    PQclear(r);
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, *id);
    jz__pg_p_int(&p, now);
    return jz__pg_do(q, "INSERT INTO session_seen(session_id, last_seen) VALUES($1, $2)", &p,
                    "开始会话", NULL, err);
}

jz_err jz__pg_session_find(void *impl, const unsigned char *hash, jz_store_session *out,
                           jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_bytes(&p, hash, JZ_TOKEN_HASH);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT s.session_id, s.created, coalesce(v.last_seen, s.created),"
                             " s.revoked_at, s.revoke_reason, " USER_COLUMNS
                             " FROM sessions s JOIN users u ON u.user_id = s.user_id"
                             " LEFT JOIN session_seen v ON v.session_id = s.session_id"
                             " WHERE s.token_hash = $1",
                             &p, "查询会话", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 0) {
        rc = jz_error_set(err, JZ_ENOTFOUND, "session", NULL, "没有这个会话");
    } else {
        memset(out, 0, sizeof *out);
        out->id = jz__pg_int(r, 0, 0);
        out->created = jz__pg_int(r, 0, 1);
        out->last_seen = jz__pg_int(r, 0, 2);
        out->revoked_at = jz__pg_int(r, 0, 3);
        jz__pg_copy_text(out->revoke_reason, sizeof out->revoke_reason, r, 0, 4);
        if (!read_user(r, 0, 5, &out->user, NULL))
            rc = bad_role(err, &out->user);
    }
    PQclear(r);
    return rc;
}

jz_err jz__pg_session_touch(void *impl, int64_t session, int64_t now, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, session);
    jz__pg_p_int(&p, now);
    return jz__pg_do(q,
                    "INSERT INTO session_seen(session_id, last_seen) VALUES($1, $2)"
                    " ON CONFLICT(session_id) DO UPDATE"
                    " SET last_seen = greatest(session_seen.last_seen, excluded.last_seen)",
                    &p, "记录会话使用时间", NULL, err);
}

jz_err jz__pg_session_revoke(void *impl, int64_t session, int64_t user_id, int64_t now,
                             const char *reason, int *n, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, session ? session : user_id);
    jz__pg_p_int(&p, now);
    jz__pg_p_text(&p, reason);
    int64_t count = 0;
    jz_err rc = jz__pg_do(q,
                         session ? "UPDATE sessions SET revoked_at = $2, revoke_reason = $3"
                                   " WHERE session_id = $1 AND revoked_at = 0"
                                 : "UPDATE sessions SET revoked_at = $2, revoke_reason = $3"
                                   " WHERE user_id = $1 AND revoked_at = 0",
                         &p, "结束会话", &count, err);
    if (!rc && n)
        *n = (int)count;
    return rc;
}

jz_err jz__pg_session_purge(void *impl, int64_t cutoff, int *n, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, cutoff);
    /* A session's last moment: its end, or its last use (its creation if
     * never touched since). */
    jz_err rc = jz__pg_do(q,
                         "DELETE FROM session_seen WHERE session_id IN"
                         " (SELECT s.session_id FROM sessions s"
                         " LEFT JOIN session_seen w USING (session_id)"
                         " WHERE (CASE WHEN s.revoked_at > 0 THEN s.revoked_at"
                         " ELSE greatest(s.created, coalesce(w.last_seen, 0)) END) < $1)",
                         &p, "清理会话", NULL, err);
    if (rc)
        return rc;
    /* session_seen's rows are gone: a session's last moment is now its
     * creation or end, both older than the cutoff for those just cleared. */
    int64_t count = 0;
    rc = jz__pg_do(q,
                  "DELETE FROM sessions WHERE (CASE WHEN revoked_at > 0 THEN revoked_at"
                  " ELSE created END) < $1 AND session_id NOT IN"
                  " (SELECT session_id FROM session_seen)",
                  &p, "清理会话", &count, err);
    if (!rc && n)
        *n = (int)count;
    return rc;
}

jz_err jz__pg_access_put(void *impl, const jz_access *a, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, a->at);
    jz__pg_p_text(&p, a->login);
    jz__pg_p_text(&p, a->subject);
    jz__pg_p_text(&p, a->region);
    jz__pg_p_int(&p, (int)a->kind);
    jz__pg_p_text(&p, a->what);
    return jz__pg_do(q,
                    "INSERT INTO access_log(at, login, subject, region, kind, what)"
                    " VALUES($1, $2, $3, $4, $5, $6)",
                    &p, "记录查询留痕", NULL, err);
}

jz_err jz__pg_access_list(void *impl, const char *subject, const char *prefix, size_t limit,
                          void (*fn)(const jz_access *a, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    if (subject)
        jz__pg_p_text(&p, subject);
    jz__pg_p_text(&p, prefix);
    jz__pg_p_int(&p, limit && limit < (size_t)INT64_MAX ? (int64_t)limit : -1);
    /* Region codes are digits: those beginning with the prefix sort, in
     * bytes (collation "C", as the index on (region, at) has it), from the
     * prefix itself up to (not including) the prefix followed by ':'. */
    jz_err rc;
    PGresult *r = jz__pg_run(
        q,
        subject ? "SELECT access_id, at, login, subject, region, kind, what"
                  " FROM access_log WHERE subject = $1 AND region COLLATE \"C\" >= $2"
                  " AND region COLLATE \"C\" < ($2::text || ':')"
                  " ORDER BY at DESC, access_id DESC LIMIT nullif($3::bigint, -1)"
                : "SELECT access_id, at, login, subject, region, kind, what"
                  " FROM access_log WHERE region COLLATE \"C\" >= $1"
                  " AND region COLLATE \"C\" < ($1::text || ':')"
                  " ORDER BY at DESC, access_id DESC LIMIT nullif($2::bigint, -1)",
        &p, "查询留痕", &rc, err);
    if (!r)
        return rc;
    jz_access a;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        memset(&a, 0, sizeof a);
        a.id = jz__pg_int(r, i, 0);
        a.at = jz__pg_int(r, i, 1);
        jz__pg_copy_text(a.login, sizeof a.login, r, i, 2);
        jz__pg_copy_text(a.subject, sizeof a.subject, r, i, 3);
        jz__pg_copy_text(a.region, sizeof a.region, r, i, 4);
        int64_t kind = jz__pg_int(r, i, 5);
        if (kind < JZ_ACCESS_RECORD || kind > JZ_ACCESS_EXPORT) {
            PQclear(r);
            return jz_error_set(err, JZ_EIO, "access_log.kind", NULL,
                                "留痕 %lld 的类别无法识别（数据库在 jiuzhu 之外被改动？用 "
                                "jiuzhu audit verify 检查）",
                                (long long)a.id);
        }
        a.kind = (jz_access_kind)kind;
        jz__pg_copy_text(a.what, sizeof a.what, r, i, 6);
        fn(&a, arg);
    }
    PQclear(r);
    return JZ_OK;
}
