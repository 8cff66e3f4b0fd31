/*
 * fuzz_params.c - libFuzzer target for the parameter files (the JSON under
 * policy/params/) and for --param NAME=VALUE: the input is written to a
 * temporary file and loaded into a set; its first line is also applied as an
 * override; when both succeed a policy is resolved and formatted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tmpfile.h"
#include "jiuzhu/jz_params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_tmpfile(data, size);
    jz_paramset *ps = jz_paramset_new();
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_paramset_load_file(ps, path, &err);

    char line[512];
    size_t n = 0;
    while (n < size && n < sizeof line - 1 && data[n] != '\n') {
        line[n] = (char)data[n];
        n++;
    }
    line[n] = '\0';
    jz_err orc = jz_paramset_override(ps, line, &err);
    if (rc == JZ_OK || orc == JZ_OK) {
        jz_policy p;
        if (jz_policy_resolve(ps, "140902", jz_date_make(2024, 6, 1), &p, &err) == JZ_OK) {
            char buf[512];
            for (int i = 0; i < JZ_P_COUNT; i++) {
                jz_policy_format_value(&p, (jz_param_id)i, buf, sizeof buf);
                jz_policy_provenance(ps, "140902", p.date, (jz_param_id)i, buf, sizeof buf);
            }
        }
    }
    char msg[1024];
    jz_error_format(&err, msg, sizeof msg);
    jz_paramset_free(ps);
    return 0;
}
