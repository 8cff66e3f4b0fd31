/*
 * jz_audit.h - verifying the audit log and the data against it
 * (docs/integrity.md): the chain of entries, the rows of every table
 * against the fingerprints the log committed to, and optionally a
 * checkpoint kept outside the database (`jiuzhu audit head`: "SEQ:HASH"),
 * which must still be in the log with the same hash.  What `jiuzhu audit`
 * prints and the server returns.
 */
#ifndef JZ_AUDIT_H
#define JZ_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "jz_ctx.h"
#include "jz_store.h"

/* What a checkpoint was found to be. */
typedef enum jz_checkpoint_state {
    JZ_CHECKPOINT_NONE = 0, /* none given, or not checked (the chain is broken) */
    JZ_CHECKPOINT_SAME,     /* the newest entry is the checkpoint */
    JZ_CHECKPOINT_OLDER,    /* it matches; entries were appended since (appended) */
    JZ_CHECKPOINT_MISSING,  /* its entry is no longer in the log: the log was cut */
    JZ_CHECKPOINT_DIFFERS,  /* its entry has another hash: the log was rewritten from it */
    JZ_CHECKPOINT_STATE_COUNT
} jz_checkpoint_state;
extern const char *const jz_checkpoint_state_names[JZ_CHECKPOINT_STATE_COUNT];

typedef struct jz_audit_check {
    jz_audit_report report; /* the chain and the data (jz_store_audit_verify) */
    uint8_t checkpoint;     /* jz_checkpoint_state */
    int64_t checkpoint_seq;
    int64_t appended;       /* JZ_CHECKPOINT_OLDER: entries after it */
} jz_audit_check;

/* Parses a checkpoint "SEQ:HASH" (SEQ 1 .. INT64_MAX, HASH 64 characters).
 * JZ_EUSAGE naming "head" otherwise. */
jz_err jz_audit_checkpoint_parse(const char *text, int64_t *seq, char hash[65], jz_error *err);

/* Verifies the chain and the data; with checkpoint (may be NULL) and a
 * chain found whole, checks it too (a malformed one is JZ_EUSAGE naming
 * "head").  Errors are what stopped the verification (no audit key:
 * JZ_ENOTFOUND naming its file); what was found wrong is in *out. */
jz_err jz_audit_verify(jz_ctx *x, const char *checkpoint, jz_audit_check *out, jz_error *err);

/* Whether nothing was found wrong: the chain whole, the data as the log
 * says, the checkpoint (if any) still there. */
bool jz_audit_intact(const jz_audit_check *c);

#endif
