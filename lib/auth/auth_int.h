/*
 * auth_int.h - what the files of lib/auth share: libsodium made ready once,
 * the parameters checked, and the audit entries of users and sessions.
 */
#ifndef JZ_AUTH_INT_H
#define JZ_AUTH_INT_H

#include <stdbool.h>

#include "jiuzhu/jz_store_user.h"
#include "jiuzhu/jz_user.h"

/* sodium_init(), once per process; JZ_EIO if libsodium cannot start. */
jz_err jz__auth_ready(jz_error *err);

/* Parameters a caller filled by hand, checked as jz_auth_params_from_env
 * checks the environment's (JZ_EINPUT naming the field). */
jz_err jz__auth_params_check(const jz_auth_params *p, jz_error *err);

/* Hashes a password (argon2id with p's limits) into out. */
jz_err jz__auth_hash(const jz_auth_params *p, const char *password, char out[JZ_PWHASH_MAX],
                     jz_error *err);

/* Appends an audit entry about user u in the caller's transaction: action
 * ("user.add", "user.login", ...), the user's public fields before (NULL:
 * none) and after, and extra fields of the entry (a JSON object text, or
 * NULL).  No password, hash or token is ever put in. */
jz_err jz__auth_audit(jz_store *s, const char *action, const jz_user *before, const jz_user *after,
                      const char *extra, jz_error *err);

/* Whether text holds something shaped like an ID number (15 or 18 digits,
 * the last possibly X): what the access log never keeps. */
bool jz__auth_has_idnum(const char *text);

#endif
