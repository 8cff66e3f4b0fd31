/*
 * router.c - matching a request's method and path against jz_routes[].
 *
 * The table is small (tens of rows) and matched segment by segment; a
 * request costs a few string compares, well under the cost of parsing its
 * headers.  Parameters are percent-decoded into fixed buffers: nothing is
 * allocated and nothing longer than a buffer is accepted.
 */
#include <string.h>

#include "router.h"

const char *const jz_scope_kind_name[] = {"none",   "list",  "household", "case",
                                          "enrolment", "alert", "region",  "batch",
                                          "recovery", "user",  "body"};

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes seg[0..n) into out; false if malformed, too long, or holding a
 * '/', NUL or control byte once decoded. */
static bool decode_segment(const char *seg, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)seg[i];
        if (c == '%') {
            if (i + 2 >= n)
                return false;
            int h = hexval(seg[i + 1]), l = hexval(seg[i + 2]);
            if (h < 0 || l < 0)
                return false;
            c = (unsigned char)(h * 16 + l);
            i += 2;
        }
        if (c < 0x20 || c == 0x7f || c == '/')
            return false;
        if (o + 1 >= cap)
            return false;
        out[o++] = (char)c;
    }
    if (o == 0)
        return false;
    out[o] = '\0';
    return true;
}

/* Matches path against pattern; fills params on success. */
static bool match(const char *pattern, const char *path, jz_route_match *m)
{
    const char *p = pattern, *q = path;
    size_t np = 0;
    for (;;) {
        if (*p == '\0' || *q == '\0')
            break;
        if (*p != '/' || *q != '/')
            return false;
        p++;
        q++;
        const char *pe = strchr(p, '/'), *qe = strchr(q, '/');
        size_t pl = pe ? (size_t)(pe - p) : strlen(p), ql = qe ? (size_t)(qe - q) : strlen(q);
        if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
            if (np >= JZ_ROUTE_PARAMS ||
                !decode_segment(q, ql, m->params[np], sizeof m->params[np]))
                return false;
            np++;
        } else if (pl != ql || memcmp(p, q, pl) != 0) {
            return false;
        }
        p += pl;
        q += ql;
    }
    if (*p != '\0' || *q != '\0')
        return false;
    m->n_params = np;
    return true;
}

bool jz_route_find(const char *method, const char *path, jz_route_match *m)
{
    memset(m, 0, sizeof *m);
    if (!method || !path || path[0] != '/')
        return false;
    for (size_t i = 0; i < jz_n_routes; i++) {
        const jz_route *r = &jz_routes[i];
        jz_route_match t;
        memset(&t, 0, sizeof t);
        if (!match(r->pattern, path, &t))
            continue;
        if (strcmp(r->method, method) != 0 &&
            !(strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
            m->method_mismatch = true;
            continue;
        }
        *m = t;
        m->route = r;
        m->method_mismatch = false;
        return true;
    }
    return false;
}

bool jz_scope_covers(const char *scope, const char *region)
{
    if (!scope || !region)
        return false;
    size_t n = strlen(scope);
    /* A region shorter than the scope (a county asked by a township user)
     * is not within it. */
    return strlen(region) >= n && strncmp(scope, region, n) == 0;
}
