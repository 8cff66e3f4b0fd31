/*
 * fuzz_static.c - the web UI's path resolver and lookup (server/static.c):
 * any request path, Accept-Encoding and If-None-Match must be answered from
 * the folder's own files or refused, never with a file outside it (a
 * symlink out of the folder is planted), and never crash or leak.
 *
 * Input: the path up to the first '\n', then the Accept-Encoding header up
 * to the next '\n', then the If-None-Match header.
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "static.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[] = "/tmp/jz-fuzz-web-XXXXXX";
static char secret[sizeof root + 16];
static srv_web *web;

static void put(const char *rel, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
}

static void cleanup(void)
{
    static const char *const files[] = {"index.html", "assets/app.js", "assets/app.js.gz",
                                        "favicon.svg", "leak.txt", "assets", NULL};
    char p[256];
    for (const char *const *f = files; *f; f++) {
        snprintf(p, sizeof p, "%s/%s", root, *f);
        if (remove(p) != 0 && strcmp(*f, "assets") == 0)
            rmdir(p);
    }
    rmdir(root);
    remove(secret);
    srv_web_free(web);
}

static void setup(void)
{
    if (!mkdtemp(root))
        abort();
    char p[256];
    snprintf(p, sizeof p, "%s/assets", root);
    if (mkdir(p, 0700) != 0)
        abort();
    put("index.html", "<!doctype html><title>index</title>");
    put("assets/app.js", "console.log('app')");
    put("assets/app.js.gz", "gz-of-app");
    put("favicon.svg", "<svg/>");
    snprintf(secret, sizeof secret, "%s-secret", root);
    FILE *f = fopen(secret, "w");
    if (!f || fputs("SECRET-OUTSIDE", f) < 0 || fclose(f) != 0)
        abort();
    snprintf(p, sizeof p, "%s/leak.txt", root);
    if (symlink(secret, p) != 0)
        abort();
    jz_error e;
    jz_error_clear(&e);
    if (srv_web_load(root, &web, &e) != JZ_OK || !web || srv_web_count(web) != 3)
        abort();
    atexit(cleanup);
}

static char *take(const uint8_t **d, size_t *n)
{
    const uint8_t *nl = memchr(*d, '\n', *n);
    size_t k = nl ? (size_t)(nl - *d) : *n;
    char *s = malloc(k + 1);
    if (!s)
        abort();
    memcpy(s, *d, k);
    s[k] = '\0';
    *d += nl ? k + 1 : k;
    *n -= nl ? k + 1 : k;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!web)
        setup();
    char *path = take(&data, &size), *ae = take(&data, &size), *inm = take(&data, &size);

    char out[SRV_WEB_PATH_MAX];
    srv_web_path r = srv_web_clean_path(path, out, sizeof out);
    if (r == SRV_WEB_PATH_OK) {
        size_t n = strnlen(out, sizeof out);
        if (n >= sizeof out || out[0] == '/' || (n && out[n - 1] == '/') || strstr(out, "//") ||
            strchr(out, '\\') || strchr(out, '%'))
            abort();
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
                abort();
        /* no "." or ".." segment */
        for (const char *s = out; *s;) {
            const char *e = strchr(s, '/');
            size_t k = e ? (size_t)(e - s) : strlen(s);
            if ((k == 1 && s[0] == '.') || (k == 2 && s[0] == '.' && s[1] == '.'))
                abort();
            s += k + (e ? 1 : 0);
        }
        /* Cleaning is idempotent. */
        char again[SRV_WEB_PATH_MAX + 1], twice[SRV_WEB_PATH_MAX];
        snprintf(again, sizeof again, "/%s", out);
        if (srv_web_clean_path(again, twice, sizeof twice) != SRV_WEB_PATH_OK ||
            strcmp(twice, out) != 0)
            abort();
    }
    /* A small buffer is refused, never overrun. */
    char small[8];
    if (srv_web_clean_path(path, small, sizeof small) == SRV_WEB_PATH_OK &&
        strnlen(small, sizeof small) >= sizeof small)
        abort();

    srv_web_hit hit;
    srv_web_find(web, path, *ae ? ae : NULL, *inm ? inm : NULL, &hit);
    switch (hit.status) {
    case 400:
        if (r == SRV_WEB_PATH_OK)
            abort();
        break;
    case 404:
    case 304:
        if (r != SRV_WEB_PATH_OK)
            abort();
        break;
    case 200:
        if (r != SRV_WEB_PATH_OK || !hit.body || !hit.type || !hit.cache || !hit.etag)
            abort();
        if (memmem(hit.body, hit.len, "SECRET", 6))
            abort(); /* a file from outside the folder */
        if (hit.gzip != (hit.len == 9 && memcmp(hit.body, "gz-of-app", 9) == 0))
            abort();
        if (hit.gzip && !srv_web_accepts_gzip(ae))
            abort();
        break;
    default:
        abort();
    }
    (void)srv_web_accepts_gzip(path);
    free(path);
    free(ae);
    free(inm);
    return 0;
}
