/*
 * jz_err.h - the one error type of jiuzhu.
 *
 * Every fallible function returns a jz_err (JZ_OK == 0) and, on failure, fills
 * a caller-provided jz_error record that names what a person must fix: the
 * household, the member, the field, the offending value and the reason.  The
 * reason text is Chinese because it reaches caseworkers and data officers.
 */
#ifndef JZ_ERR_H
#define JZ_ERR_H

#include <stdbool.h>
#include <stddef.h>

typedef enum jz_err {
    JZ_OK = 0,
    JZ_EINPUT,    /* bad input: a record, a field, a parameter value */
    JZ_ERANGE,    /* a value or a sum out of range (overflow) */
    JZ_ENOMEM,    /* out of memory */
    JZ_EIO,       /* a file could not be read or written */
    JZ_ENOTFOUND, /* a parameter, region or file that does not exist */
    JZ_EUSAGE,    /* the command line was wrong */
    JZ_EOF,       /* end of input (not an error for readers) */
    JZ_EBUSY,     /* the store stayed locked by another writer past the retry
                     limit: nothing was written, trying again later is safe */
    JZ_ECONFLICT, /* someone else changed the subject first (a case, an
                     enrolment, an alert): nothing was written; read it
                     again and decide again */
    JZ_EAUTH,     /* not logged in: no session, a wrong password, an expired,
                     revoked or forged token, a locked or disabled account */
    JZ_EDENIED    /* logged in, but the user's role may not do this */
} jz_err;

#define JZ_ERR_HOUSEHOLD_MAX 64
#define JZ_ERR_MEMBER_MAX 48
#define JZ_ERR_FIELD_MAX 96
#define JZ_ERR_VALUE_MAX 96
#define JZ_ERR_REASON_MAX 320

typedef struct jz_error {
    jz_err code;
    long line;                            /* input line, 0 when unknown */
    char source[JZ_ERR_FIELD_MAX];        /* file name, "" when unknown */
    char household[JZ_ERR_HOUSEHOLD_MAX]; /* household_id, "" when unknown */
    char member[JZ_ERR_MEMBER_MAX];       /* e.g. "members[1] 14090219800101001X" */
    char field[JZ_ERR_FIELD_MAX];         /* e.g. "members[1].income[0].amount" */
    char value[JZ_ERR_VALUE_MAX];         /* the offending value as given, truncated */
    char reason[JZ_ERR_REASON_MAX];       /* why, in Chinese */
} jz_error;

/* Resets every field to empty and code to JZ_OK. */
void jz_error_clear(jz_error *e);

/*
 * Records a failure: sets code, field, value and reason (printf-style format)
 * and keeps household/member/source/line as they were, so a caller higher up
 * can fill those in.  Returns code, so `return jz_error_set(...)` reads well.
 * A NULL e is allowed (the error is then only returned).  field and value may
 * be NULL.  Over-long strings are truncated, never overflowed.
 */
jz_err jz_error_set(jz_error *e, jz_err code, const char *field, const char *value,
                    const char *reason_fmt, ...) __attribute__((format(printf, 5, 6)));

/* Same, with the value given as (pointer, length); it need not be terminated. */
jz_err jz_error_setn(jz_error *e, jz_err code, const char *field, const char *value,
                     size_t value_len, const char *reason_fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Prefixes the field with a path, e.g. "members[1]." + "income[0].amount". */
void jz_error_prefix_field(jz_error *e, const char *prefix);

/* Sets the household / member labels (NULL leaves them unchanged). */
void jz_error_set_where(jz_error *e, const char *household, const char *member);

/* Sets the source (file name; NULL leaves it unchanged) and the line (0 when
 * unknown).  An over-long source keeps its end, which names the file. */
void jz_error_set_source(jz_error *e, const char *source, long line);

/*
 * Formats a one-line message for people, e.g.
 *   households.jsonl:3: 户 H140902-000001，成员 members[1] 14090219800101001X，
 *   字段 members[1].income[0].amount，值 "12.345"：金额最多两位小数
 * Parts that are empty are left out.  Always terminates buf (n > 0).
 */
void jz_error_format(const jz_error *e, char *buf, size_t n);

/* A short, stable name of the code ("input", "range", "busy", ...): what
 * logs and the server's JSON errors carry. */
const char *jz_err_name(jz_err code);

/* What a code means to the outside, in one table (lib/base/err.c): its
 * stable name, a Chinese text for an error without a reason, the exit
 * status of the command line (0 done, 1 input, 2 usage, 3 busy, 4
 * conflict), the HTTP status of the server, and whether the same request
 * may succeed if tried again later (busy, out of memory). */
typedef struct jz_err_kind {
    jz_err code;
    const char *name;
    const char *text;
    int exit_status;
    int http_status;
    bool retry;
} jz_err_kind;
const jz_err_kind *jz_err_kind_of(jz_err code);

#endif
