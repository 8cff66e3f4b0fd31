/*
 * jz_store_user.h - the store's statements for users, sessions and the
 * access log: what lib/auth (jz_user.h) builds on.  They report facts and
 * write rows; the rules (passwords, lockout, expiry, scopes, what is
 * audited) are lib/auth's, so that another backend implements statements
 * only.  Writes happen in the caller's transaction (jz_store_begin ...
 * jz_store_commit), as every write of the store does.
 */
#ifndef JZ_STORE_USER_H
#define JZ_STORE_USER_H

#include <stdint.h>

#include "jz_store.h"
#include "jz_user.h"

/* Room for an argon2id string (crypto_pwhash_STRBYTES). */
#define JZ_PWHASH_MAX 128
/* The stored hash of a session token (BLAKE2b-256). */
#define JZ_TOKEN_HASH 32

/* Who the store records as the actor of its writes now (jz_store_set_actor):
 * what an operation that acts on someone else's behalf puts back after. */
const char *jz_store_actor(const jz_store *s);

/* Inserts a user (u->id is set).  JZ_ECONFLICT if the login is taken. */
jz_err jz_store_user_insert(jz_store *s, jz_user *u, const char *pwhash, jz_error *err);
/* The user of a login, and (pwhash not NULL) his password hash.
 * JZ_ENOTFOUND if there is none. */
jz_err jz_store_user_get(jz_store *s, const char *login, jz_user *out, char pwhash[JZ_PWHASH_MAX],
                         jz_error *err);
/* The users whose scope begins with scope_prefix, by login. */
jz_err jz_store_user_list(jz_store *s, const char *scope_prefix,
                          void (*fn)(const jz_user *u, void *arg), void *arg, jz_error *err);
/* Writes every field of user u->id but id, login and created; the password
 * hash too unless pwhash is NULL.  JZ_ENOTFOUND if there is no such user. */
jz_err jz_store_user_update(jz_store *s, const jz_user *u, const char *pwhash, jz_error *err);

/* A session as stored, with its user. */
typedef struct jz_store_session {
    int64_t id;
    int64_t created, last_seen; /* unix seconds */
    int64_t revoked_at;         /* 0: live */
    char revoke_reason[32];
    jz_user user;
} jz_store_session;

/* Starts a session of user_id at now, keeping only the token's hash. */
jz_err jz_store_session_insert(jz_store *s, int64_t user_id,
                               const unsigned char hash[JZ_TOKEN_HASH], int64_t now, int64_t *id,
                               jz_error *err);
/* The session of a token hash (JZ_ENOTFOUND if none), revoked or not. */
jz_err jz_store_session_find(jz_store *s, const unsigned char hash[JZ_TOKEN_HASH],
                             jz_store_session *out, jz_error *err);
/* Records that the session was used at now. */
jz_err jz_store_session_touch(jz_store *s, int64_t session, int64_t now, jz_error *err);
/* Ends, at now and for reason, the session `session` (if not 0), or else
 * every live session of user_id; *n (may be NULL) counts those ended.  A
 * session already ended is left as it was. */
jz_err jz_store_session_revoke(jz_store *s, int64_t session, int64_t user_id, int64_t now,
                               const char *reason, int *n, jz_error *err);

/* Deletes the sessions whose last use (or end) was before cutoff, with
 * their last-seen rows; *n counts them.  Only sessions that can no longer
 * be used may be older than that: the caller's cutoff lies beyond the
 * longest a session lives. */
jz_err jz_store_session_purge(jz_store *s, int64_t cutoff, int *n, jz_error *err);

/* Appends an access log entry (a->id is ignored). */
jz_err jz_store_access_put(jz_store *s, const jz_access *a, jz_error *err);
/* As jz_access_list: of subject (if not NULL) within region_prefix (NULL or
 * "": everywhere), newest first, at most limit (0: all). */
jz_err jz_store_access_list(jz_store *s, const char *subject, const char *region_prefix,
                            size_t limit, void (*fn)(const jz_access *a, void *arg), void *arg,
                            jz_error *err);

#endif
