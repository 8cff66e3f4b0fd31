/*
 * fuzz_results.c - libFuzzer target for the reader of the stored results
 * kept beside a cached snapshot (jz__results_read, lib/store/snapshot.c):
 * the input is a results file, read under the schema version its own
 * header names, so that the fuzzer gets past the header and into the rows.
 *
 * Besides the sanitizers the target traps when a file the reader accepts
 * breaks what the merge after a put relies on (jz__results_merge): a
 * category past JZ_CAT_COUNT, keys not strictly ascending, or a tag that
 * is empty or not terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tmpfile.h"
#include "jiuzhu/jz_store.h"
#include "store/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int32_t schema = 0;
    if (size >= 16)
        memcpy(&schema, data + 12, sizeof schema); /* the header's schema version */
    const char *path = fuzz_tmpfile(data, size);
    jz__results r;
    if (!jz__results_read(path, schema, &r))
        return 0;
    if (!r.tag[0] || !memchr(r.tag, '\0', sizeof r.tag))
        abort();
    for (size_t i = 0; i < r.n; i++)
        if (r.category[i] > JZ_CAT_COUNT || (i && r.key[i] <= r.key[i - 1]))
            abort();
    jz__results_free(&r);
    return 0;
}
