/*
 * fuzz_snapshot.c - libFuzzer target for the snapshot cache's reader
 * (jz__snapshot_load, lib/store/snapshot.c): the input is a cache file, read
 * under the tag, region prefix and schema version its own header names, so
 * that the fuzzer gets past the header and into the columns.
 *
 * Besides the sanitizers the target traps when a file the reader accepts
 * breaks what the engine and the write-back rely on: every household read
 * back (jz_snapshot_household) has at most JZ_MAX_MEMBERS members, an ID
 * that is terminated and fits its buffer, a region code that is
 * terminated, and its members' ID numbers terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tmpfile.h"
#include "jiuzhu/jz_household.h"
#include "jiuzhu/jz_store.h"
#include "store/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_tmpfile(data, size);
    char tag[JZ__TAG_BUF], prefix[JZ_REGION_BUF];
    int schema = 0;
    if (!jz__snapshot_peek(path, tag, prefix, &schema))
        return 0;
    jz_snapshot *s = jz__snapshot_load(path, tag, prefix, schema);
    if (!s)
        return 0;
    static jz_member members[JZ_MAX_MEMBERS];
    for (size_t i = 0; i < jz_snapshot_households(s); i++) {
        jz_household h;
        jz_snapshot_household(s, i, &h, members);
        const char *id = jz_snapshot_household_id(s, i);
        if (h.n_members > JZ_MAX_MEMBERS || strlen(id) >= JZ_HOUSEHOLD_ID_MAX ||
            strcmp(id, h.household_id) != 0 || !memchr(h.region.code, '\0', sizeof h.region.code))
            abort();
        for (uint32_t k = 0; k < h.n_members; k++)
            if (!memchr(members[k].id, '\0', sizeof members[k].id))
                abort();
    }
    jz_snapshot_free(s);
    return 0;
}
