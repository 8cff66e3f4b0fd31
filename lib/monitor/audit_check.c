/*
 * audit_check.c - verifying the audit log (jz_audit.h): the store's
 * verification of the chain and the data, and the check of a checkpoint
 * kept outside the database against it.  The auditors' read-only view,
 * kept beside monitoring's; cli/audit.c held the checkpoint's parsing and
 * comparison.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jiuzhu/jz_audit.h"
#include "jiuzhu/jz_opt.h"

const char *const jz_checkpoint_state_names[JZ_CHECKPOINT_STATE_COUNT] = {
    "none", "same", "older", "missing", "differs"};

/* The hash is compared as text (case aside): 64 characters that are not
 * hexadecimal only fail to match. */
jz_err jz_audit_checkpoint_parse(const char *text, int64_t *seq, char hash[65], jz_error *err)
{
    const char *colon = text ? strchr(text, ':') : NULL;
    long long v = 0;
    jz_error e;
    jz_error_clear(&e);
    if (!colon || jz_parse_intn(text, (size_t)(colon - text), 1, INT64_MAX, &v, &e) ||
        strlen(colon + 1) != 64)
        return jz_error_set(err, JZ_EUSAGE, "head", text,
                            "应为 序号:64 位十六进制哈希（jiuzhu audit head 的输出；序号为 1 到 "
                            "9223372036854775807 的整数）");
    *seq = v;
    snprintf(hash, 65, "%s", colon + 1);
    return JZ_OK;
}

jz_err jz_audit_verify(jz_ctx *x, const char *checkpoint, jz_audit_check *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    jz_err rc = jz_store_audit_verify(x->store, &out->report, err);
    if (rc || out->report.bad_seq || !checkpoint)
        return rc;
    int64_t seq;
    char hash[65];
    if ((rc = jz_audit_checkpoint_parse(checkpoint, &seq, hash, err)))
        return rc;
    out->checkpoint_seq = seq;
    if (seq > out->report.head_seq) {
        out->checkpoint = JZ_CHECKPOINT_MISSING;
        return JZ_OK;
    }
    char hex[65];
    if ((rc = jz_store_audit_hash_at(x->store, seq, hex, err)))
        return rc;
    if (strcasecmp(hex, hash) != 0) {
        out->checkpoint = JZ_CHECKPOINT_DIFFERS;
    } else if (seq < out->report.head_seq) {
        out->checkpoint = JZ_CHECKPOINT_OLDER;
        out->appended = out->report.head_seq - seq;
    } else {
        out->checkpoint = JZ_CHECKPOINT_SAME;
    }
    return JZ_OK;
}

bool jz_audit_intact(const jz_audit_check *c)
{
    return !c->report.bad_seq && !c->report.data_problems && !c->report.unchained_why[0] &&
           c->checkpoint != JZ_CHECKPOINT_MISSING && c->checkpoint != JZ_CHECKPOINT_DIFFERS;
}
