/*
 * fuzz_router.c - the server's request router and JSON body parser: any
 * method, path and body must be matched or refused without a crash, an
 * overflow, a leak or a parameter longer than its buffer.
 *
 * Input: byte 0 picks the method, then the path up to the first '\n', then
 * the body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", ""};
    if (size < 1)
        return 0;
    const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
    data++;
    size--;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    char *path = malloc(plen + 1);
    if (!path)
        return 0;
    memcpy(path, data, plen);
    path[plen] = '\0';
    jz_route_match m;
    if (jz_route_find(method, path, &m)) {
        if (!m.route || m.n_params > JZ_ROUTE_PARAMS)
            abort();
        for (size_t i = 0; i < m.n_params; i++) {
            size_t n = strnlen(m.params[i], JZ_ROUTE_PARAM_MAX);
            if (n == 0 || n >= JZ_ROUTE_PARAM_MAX || memchr(m.params[i], '/', n))
                abort();
        }
        (void)jz_scope_covers("1409", m.params[0]);
    }
    free(path);
    if (nl) {
        const char *body = (const char *)nl + 1;
        size_t blen = size - plen - 1;
        json_t *j = NULL;
        jz_error e;
        jz_error_clear(&e);
        if (srv_parse_json(body, blen, &j, &e) == JZ_OK) {
            if (!json_is_object(j))
                abort();
            static const char *const keys[] = {"login", "password", "role", NULL};
            (void)srv_only_keys(j, keys, &e);
            json_decref(j);
        } else if (e.code != JZ_EINPUT || !e.reason[0]) {
            abort();
        }
    }
    return 0;
}
