/*
 * fuzz_persons.c - libFuzzer target for the reader of the persons' results
 * a stored determination keeps in its row (jz__persons_unpack,
 * lib/store/det_digest.c; schema 9): the input is the column's text.
 *
 * Besides the sanitizers the target traps when what the reader accepts
 * does not come back the same through the writer: packed, read and packed
 * again, the text and the sums must not change (the digest a reassessment
 * compares is over that text).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_store.h"
#include "store/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fresh(jz_result *r)
{
    memset(r, 0, sizeof *r);
    r->n_persons = JZ_MAX_MEMBERS;
    for (uint32_t k = 0; k < JZ_MAX_MEMBERS; k++)
        r->persons[k].counted = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    static jz_result r;
    fresh(&r);
    bool ok = jz__persons_unpack(text, &r);
    free(text);
    if (!ok)
        return 0;
    static char once[JZ__PERSONS_BUF], twice[JZ__PERSONS_BUF];
    int64_t s1[JZ__PSUM_N], s2[JZ__PSUM_N];
    jz__persons_pack(&r, once, s1);
    fresh(&r);
    if (!jz__persons_unpack(once, &r))
        abort(); /* the writer's own text refused */
    jz__persons_pack(&r, twice, s2);
    if (strcmp(once, twice) != 0 || memcmp(s1, s2, sizeof s1) != 0)
        abort();
    return 0;
}
