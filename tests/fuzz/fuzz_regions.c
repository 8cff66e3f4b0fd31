/*
 * fuzz_regions.c - libFuzzer target for the region table loader (the CSV
 * format of policy/regions/) and for region codes parsed against the loaded
 * table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tmpfile.h"
#include "jiuzhu/jz_region.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_tmpfile(data, size);
    jz_regions *t = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (jz_regions_load(path, &t, &err) == JZ_OK) {
        jz_region r;
        /* Codes taken from the input itself exercise the lookups. */
        for (size_t off = 0; off + 12 <= size && off < 256; off += 7) {
            jz_region_parse(t, (const char *)data + off, 12, &r, &err);
            jz_region_parse(t, (const char *)data + off, 9, &r, &err);
            jz_region_parse(t, (const char *)data + off, 6, &r, &err);
            jz_regions_name(t, (const char *)data + off, 6);
        }
        for (int level = JZ_LEVEL_PROVINCE; level <= JZ_LEVEL_TOWNSHIP; level++)
            for (size_t i = 0; i < jz_regions_count(t, (jz_region_level)level) && i < 8; i++)
                jz_regions_code_at(t, (jz_region_level)level, i);
        jz_regions_free(t);
    }
    char msg[1024];
    jz_error_format(&err, msg, sizeof msg);
    return 0;
}
