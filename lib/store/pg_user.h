/*
 * pg_user.h - the PostgreSQL backend's users, sessions and access log
 * (pg_user.c; the operations of jz_store_user.h).
 */
#ifndef JZ_PG_USER_H
#define JZ_PG_USER_H

#include "pg_int.h"

jz_err jz__pg_user_insert(void *impl, jz_user *u, const char *pwhash, jz_error *err);
jz_err jz__pg_user_get(void *impl, const char *login, jz_user *out, char *pwhash, jz_error *err);
jz_err jz__pg_user_list(void *impl, const char *prefix, void (*fn)(const jz_user *u, void *arg),
                        void *arg, jz_error *err);
jz_err jz__pg_user_update(void *impl, const jz_user *u, const char *pwhash, jz_error *err);
jz_err jz__pg_session_insert(void *impl, int64_t user_id, const unsigned char *hash, int64_t now,
                             int64_t *id, jz_error *err);
jz_err jz__pg_session_find(void *impl, const unsigned char *hash, jz_store_session *out,
                           jz_error *err);
jz_err jz__pg_session_touch(void *impl, int64_t session, int64_t now, jz_error *err);
jz_err jz__pg_session_revoke(void *impl, int64_t session, int64_t user_id, int64_t now,
                             const char *reason, int *n, jz_error *err);
jz_err jz__pg_session_purge(void *impl, int64_t cutoff, int *n, jz_error *err);
jz_err jz__pg_access_put(void *impl, const jz_access *a, jz_error *err);
jz_err jz__pg_access_list(void *impl, const char *subject, const char *prefix, size_t limit,
                          void (*fn)(const jz_access *a, void *arg), void *arg, jz_error *err);

#endif
