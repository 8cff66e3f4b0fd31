/*
 * det_digest.c - digests of determinations, so that a reassessment writes
 * only the households whose determination changed (store_int.h says what a
 * digest covers).  Both sides of the comparison are computed here: the new
 * determination from the engine's result (jz__result_digest), the stored
 * one from its rows as a backend reads them (jz__det_digest,
 * jz__pr_digest, jz__digest_add_params).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store_int.h"

static unsigned char key[crypto_shorthash_siphash24_KEYBYTES];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* A key of this process: digests are compared within one run and never
 * stored, so nobody can choose a record whose new determination has the
 * stored one's digest.  If libsodium cannot start, randombytes_buf would
 * abort; the all-zero key then stays (still a good hash, only not secret). */
static void key_init(void)
{
    if (sodium_init() >= 0)
        randombytes_buf(key, sizeof key);
}

static uint64_t sip(const unsigned char *p, size_t n)
{
    pthread_once(&key_once, key_init);
    unsigned char out[crypto_shorthash_siphash24_BYTES];
    crypto_shorthash_siphash24(out, p, n, key);
    return jz__load64(out);
}

/* n integers, little-endian, behind a one-byte tag (so that a person row
 * never hashes as a determination), then text (its NUL included). */
static uint64_t digest_of(unsigned char tag, const int64_t *f, int n, const char *text)
{
    unsigned char buf[1 + 16 * 8 + JZ__DECISIVE_BUF];
    size_t len = 0;
    buf[len++] = tag;
    for (int i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            buf[len++] = (unsigned char)((uint64_t)f[i] >> (8 * b));
    if (text) {
        size_t t = strlen(text) + 1;
        if (t > sizeof buf - len)
            t = sizeof buf - len; /* longer than any rules' text the store keeps */
        memcpy(buf + len, text, t);
        len += t;
    }
    uint64_t d = sip(buf, len);
    return d ? d : 1; /* 0 means "none stored" */
}

uint64_t jz__det_digest(const int64_t f[JZ__DET_NF], const char *decisive)
{
    return digest_of('D', f, JZ__DET_NF, decisive ? decisive : "");
}

uint64_t jz__pr_digest(const int64_t f[JZ__PR_NF])
{
    return digest_of('P', f, JZ__PR_NF, NULL);
}

uint64_t jz__text_digest(const char *s)
{
    pthread_once(&key_once, key_init);
    unsigned char out[crypto_generichash_BYTES_MIN];
    unsigned char tag = 'T';
    /* The text may be long (a county's parameters): hashed as tag + text
     * through a generic hash keyed the same way. */
    crypto_generichash_state h;
    crypto_generichash_init(&h, key, sizeof key, sizeof out);
    crypto_generichash_update(&h, &tag, 1);
    crypto_generichash_update(&h, (const unsigned char *)s, strlen(s));
    crypto_generichash_final(&h, out, sizeof out);
    return jz__load64(out);
}

void jz__pr_fields(const jz_person_result *p, uint32_t k, int64_t f[JZ__PR_NF])
{
    f[0] = k;
    f[1] = p->categories | (p->counted ? 0 : 0x100);
    f[2] = p->care_level;
    f[3] = p->monthly_amount;
    f[4] = p->single_rule;
    f[5] = p->tmp_rule;
    f[6] = p->tmp_amount;
    f[7] = p->referrals;
    f[8] = p->death_check_due;
    f[9] = p->death_change_from;
}

void jz__det_fields(const jz_result *r, int record_version, int64_t f[JZ__DET_NF])
{
    f[0] = r->category;
    f[1] = r->causes;
    f[2] = r->monthly_amount;
    f[3] = r->counted_members;
    f[4] = r->standard;
    f[5] = r->income;
    f[6] = r->deductible;
    f[7] = r->financial;
    f[8] = r->exit ? r->exit_until : 0;
    f[9] = record_version;
}

uint64_t jz__result_digest(const jz_result *r, int record_version, uint64_t params_digest)
{
    int64_t f[JZ__DET_NF > JZ__PR_NF ? JZ__DET_NF : JZ__PR_NF];
    char decisive[JZ__DECISIVE_BUF];
    jz__rules_encode(r->decisive, decisive, sizeof decisive);
    jz__det_fields(r, record_version, f);
    uint64_t d = jz__det_digest(f, decisive) + params_digest;
    for (uint32_t k = 0; k < r->n_persons; k++) {
        if (!jz__person_result_stored(&r->persons[k]))
            continue;
        jz__pr_fields(&r->persons[k], k, f);
        d += jz__pr_digest(f);
    }
    return d ? d : 1;
}

size_t jz__snapshot_find(const jz_snapshot *s, int64_t hh)
{
    size_t lo = 0, hi = s->n_households;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->key[mid] < hh)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n_households && s->key[lo] == hh ? lo : SIZE_MAX;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts ids[0..n-1] and drops repeats; returns how many are left. */
static size_t sort_unique(int64_t *ids, size_t n)
{
    if (n)
        qsort(ids, n, sizeof *ids, cmp_i64);
    size_t u = 0;
    for (size_t k = 0; k < n; k++)
        if (!u || ids[u - 1] != ids[k])
            ids[u++] = ids[k];
    return u;
}

jz_err jz__digest_add_params(uint64_t *digest, const int64_t *pv, size_t n,
                             jz_err (*params)(void *impl, int64_t pv, char **text, jz_error *err),
                             void *impl, jz_error *err)
{
    /* The distinct parameter rows (a run writes one per county and date):
     * each row once in a run of equal ones, then sorted and made unique,
     * each fetched and hashed once, then found by bisection. */
    size_t nd = 0, cap = 64;
    int64_t *ids = malloc(cap * sizeof *ids);
    uint64_t *hs = NULL;
    jz_err rc = JZ_OK;
    if (!ids)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    for (size_t i = 0; i < n; i++) {
        if (pv[i] <= 0 || (nd && ids[nd - 1] == pv[i]))
            continue;
        if (nd == cap) {
            /* A few hundred distinct: room again.  Grown while more than
             * half is left after sorting, so that each sort is paid for by
             * at least cap / 2 new rows (households of many counties
             * interleave: at cap 256 with 242 distinct, a sort every 14
             * rows took 0.4 s at 1,000,000 households). */
            nd = sort_unique(ids, nd);
            if (nd > cap / 2) {
                int64_t *ni = realloc(ids, 2 * cap * sizeof *ni);
                if (!ni) {
                    free(ids);
                    return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                }
                ids = ni;
                cap *= 2;
            }
        }
        ids[nd++] = pv[i];
    }
    nd = sort_unique(ids, nd);
    if (!(hs = malloc((nd ? nd : 1) * sizeof *hs))) {
        free(ids);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    for (size_t k = 0; k < nd && !rc; k++) {
        char *text = NULL;
        if (!(rc = params(impl, ids[k], &text, err)))
            hs[k] = jz__text_digest(text ? text : "");
        free(text);
    }
    for (size_t i = 0; i < n && !rc; i++) {
        if (pv[i] <= 0)
            continue; /* zeroed below */
        const int64_t *hit = nd ? bsearch(&pv[i], ids, nd, sizeof *ids, cmp_i64) : NULL;
        if (hit) {
            digest[i] += hs[hit - ids];
            if (!digest[i])
                digest[i] = 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (pv[i] <= 0)
            digest[i] = 0; /* person rows without a determination: none stored */
    free(ids);
    free(hs);
    return rc;
}
