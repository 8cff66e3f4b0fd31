/*
 * det_digest.c - digests of determinations, so that a reassessment writes
 * only the households whose determination changed (store_int.h says what a
 * digest covers).  Both sides of the comparison are computed here: the new
 * determination from the engine's result (jz__result_digest), the stored
 * one from its row as a backend reads it (jz__det_digest,
 * jz__digest_add_params); and the persons' results a determination's row
 * keeps packed (jz__persons_pack, jz__persons_unpack).
 */
#include <errno.h>
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

/* n integers, little-endian, behind a one-byte tag, then each text with its
 * NUL: the decisive rules' and the persons' (jz__persons_pack). */
static uint64_t digest_of(unsigned char tag, const int64_t *f, int n, const char *text,
                          const char *persons)
{
    unsigned char buf[1 + 16 * 8 + JZ__DECISIVE_BUF + JZ__PERSONS_BUF];
    size_t len = 0;
    buf[len++] = tag;
    for (int i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            buf[len++] = (unsigned char)((uint64_t)f[i] >> (8 * b));
    const char *texts[2] = {text, persons};
    size_t room[2] = {JZ__DECISIVE_BUF, JZ__PERSONS_BUF};
    for (int k = 0; k < 2; k++) {
        size_t t = strlen(texts[k]) + 1;
        if (t > room[k])
            t = room[k]; /* longer than any text the store keeps */
        memcpy(buf + len, texts[k], t);
        len += t;
    }
    uint64_t d = sip(buf, len);
    return d ? d : 1; /* 0 means "none stored" */
}

uint64_t jz__det_digest(const int64_t f[JZ__DET_NF], const char *decisive, const char *persons)
{
    return digest_of('D', f, JZ__DET_NF, decisive ? decisive : "", persons ? persons : "");
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

/* A person's row as stored: idx, categories (| 0x100 when not counted),
 * care_level, monthly_amount, single_rule, tmp_rule, tmp_amount, referrals,
 * death_check_due, death_change_from. */
enum { PR_NF = 10 };

static void pr_fields(const jz_person_result *p, uint32_t k, int64_t f[PR_NF])
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

/* v in decimal at p (at most 20 characters); returns the end.  Not
 * snprintf: a run packs every household's persons to compare digests, and
 * a call per integer was a tenth of a second at 1,000,000 households. */
static char *put_dec(char *p, int64_t v)
{
    char tmp[20];
    int n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *p++ = '-';
    while (n)
        *p++ = tmp[--n];
    return p;
}

void jz__persons_pack(const jz_result *r, char out[JZ__PERSONS_BUF], int64_t sums[JZ__PSUM_N])
{
    char *p = out;
    memset(sums, 0, JZ__PSUM_N * sizeof *sums);
    for (uint32_t k = 0; k < r->n_persons && k < JZ_MAX_MEMBERS; k++) {
        const jz_person_result *x = &r->persons[k];
        if (!jz__person_result_stored(x))
            continue;
        int64_t f[PR_NF];
        pr_fields(x, k, f);
        for (int m = 0; m < PR_NF; m++) {
            if (m || p != out)
                *p++ = m ? ',' : ';';
            p = put_dec(p, f[m]);
        }
        if (x->categories & JZ_PCAT_TEKUN) {
            sums[JZ__PSUM_TEKUN]++;
            sums[JZ__PSUM_TEKUN_AMOUNT] += x->monthly_amount;
        }
        if (x->categories & JZ_PCAT_SINGLE_DIBAO) {
            sums[JZ__PSUM_SINGLE]++;
            sums[JZ__PSUM_SINGLE_AMOUNT] += x->monthly_amount;
        }
        if (x->categories & (JZ_PCAT_TEKUN | JZ_PCAT_SINGLE_DIBAO))
            sums[JZ__PSUM_UNITS_AMOUNT] += x->monthly_amount;
    }
    *p = '\0';
}

bool jz__persons_unpack(const char *text, jz_result *r)
{
    const char *s = text ? text : "";
    while (*s) {
        int64_t f[PR_NF];
        for (int m = 0; m < PR_NF; m++) {
            char *end;
            errno = 0;
            long long v = strtoll(s, &end, 10);
            if (end == s || errno ||
                (*end != (m + 1 < PR_NF ? ',' : ';') && !(m + 1 == PR_NF && *end == '\0')))
                return false;
            f[m] = v;
            s = *end ? end + 1 : end;
        }
        if (f[0] < 0 || f[0] >= JZ_MAX_MEMBERS)
            return false;
        jz_person_result *p = &r->persons[f[0]];
        p->categories = (uint8_t)(f[1] & 0xFF);
        p->counted = !(f[1] & 0x100);
        p->care_level = (uint8_t)f[2];
        p->monthly_amount = f[3];
        p->single_rule = (uint8_t)f[4];
        p->tmp_rule = (uint8_t)f[5];
        p->tmp_amount = f[6];
        p->referrals = (uint16_t)f[7];
        p->death_check_due = (int32_t)f[8];
        p->death_change_from = (int32_t)f[9];
    }
    return true;
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
    int64_t f[JZ__DET_NF];
    char decisive[JZ__DECISIVE_BUF], persons[JZ__PERSONS_BUF];
    int64_t sums[JZ__PSUM_N];
    jz__rules_encode(r->decisive, decisive, sizeof decisive);
    jz__det_fields(r, record_version, f);
    jz__persons_pack(r, persons, sums);
    uint64_t d = jz__det_digest(f, decisive, persons) + params_digest;
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
            digest[i] = 0; /* no determination stored */
    free(ids);
    free(hs);
    return rc;
}
