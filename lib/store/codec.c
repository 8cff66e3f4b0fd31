/*
 * codec.c - how the common layer encodes values for storage, the same for
 * every backend (store_int.h): the decisive rules of a determination as
 * text, the identity of a department's row and of an alert as digests.  A
 * backend stores and compares what these give; it never makes its own.
 */
#include <string.h>

#include <sodium.h>

#include "store_int.h"

/* ---- the decisive rules: "R-DB-1 R-DB-2 ..." -------------------------------- */

void jz__rules_encode(uint64_t bits, char *buf, size_t n)
{
    /* A million of these per run: plain copies, no formatting. */
    size_t len = 0;
    for (int i = 0; i < 64 && i < JZ_RULE_COUNT; i++) {
        if (!(bits & (UINT64_C(1) << i)))
            continue;
        size_t k = strlen(jz_rule_ids[i]);
        if (len + k + 2 > n)
            break;
        if (len)
            buf[len++] = ' ';
        memcpy(buf + len, jz_rule_ids[i], k);
        len += k;
    }
    buf[len] = '\0';
}

uint64_t jz__rules_decode(const char *text)
{
    uint64_t bits = 0;
    char id[32];
    for (const char *p = text ? text : ""; *p;) {
        size_t n = strcspn(p, " ");
        if (n > 0 && n < sizeof id) {
            memcpy(id, p, n);
            id[n] = '\0';
            int rule = jz_rule_find(id);
            if (rule >= 0 && rule < 64)
                bits |= UINT64_C(1) << rule;
        }
        p += n;
        p += strspn(p, " ");
    }
    return bits;
}

/* ---- identities ------------------------------------------------------------------- */

/* What makes two rows the same event: department, event, date, amount,
 * level, person and code (the name and the line do not). */
void jz__feed_row_digest(const jz_feed_row *r, unsigned char out[JZ__DIGEST_BYTES])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, JZ__DIGEST_BYTES);
    unsigned char head[2 + 4 + 8 + 4] = {r->dept, r->event};
    uint32_t d = (uint32_t)r->date, l = (uint32_t)r->level;
    uint64_t a = (uint64_t)r->amount;
    for (int i = 0; i < 4; i++)
        head[2 + i] = (unsigned char)(d >> (8 * i));
    for (int i = 0; i < 8; i++)
        head[6 + i] = (unsigned char)(a >> (8 * i));
    for (int i = 0; i < 4; i++)
        head[14 + i] = (unsigned char)(l >> (8 * i));
    crypto_generichash_update(&h, head, sizeof head);
    crypto_generichash_update(&h, (const unsigned char *)r->id, strlen(r->id) + 1);
    crypto_generichash_update(&h, (const unsigned char *)r->code, strlen(r->code) + 1);
    crypto_generichash_final(&h, out, JZ__DIGEST_BYTES);
}

/* The same indicator on the same person's same evidence: one alert.  An
 * alert without rows (no_premium, double_enrolment) is told apart by its
 * detail, which names the year where it matters. */
void jz__alert_key(const jz_stored_alert *a, size_t n_rows, unsigned char out[JZ__DIGEST_BYTES])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, JZ__DIGEST_BYTES);
    crypto_generichash_update(&h, &a->indicator, 1);
    crypto_generichash_update(&h, (const unsigned char *)a->id_number, strlen(a->id_number) + 1);
    crypto_generichash_update(&h, (const unsigned char *)a->evidence, strlen(a->evidence));
    if (n_rows == 0 && a->indicator == JZ_IND_NO_PREMIUM)
        crypto_generichash_update(&h, (const unsigned char *)a->detail, strlen(a->detail));
    crypto_generichash_final(&h, out, JZ__DIGEST_BYTES);
}
