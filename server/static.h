/*
 * static.h - the web UI's files (web/dist) served by `jiuzhu serve`.
 *
 * The folder is read once, at start, into memory: every regular file under
 * it (symlinks only if they resolve inside it), each with its Content-Type,
 * its cache policy, an ETag and, where the build wrote one beside it, its
 * precompressed `.gz`.  A request then never touches the file system: the
 * path is cleaned (srv_web_clean_path, pure and fuzzed) and looked up in
 * the table, so nothing outside the folder can be named, whatever the
 * request holds (`..`, encoded dots, symlinks replaced after the start).
 * Paths that name no file get index.html (history routing), except under
 * /assets/, where a missing hashed file is a plain 404.
 */
#ifndef JZ_SRV_STATIC_H
#define JZ_SRV_STATIC_H

#include <stdbool.h>
#include <stddef.h>

#include "jiuzhu/jz_err.h"

#define SRV_WEB_PATH_MAX 1024   /* a cleaned path, bytes */
#define SRV_WEB_FILES_MAX 10000 /* files in the folder */
#define SRV_WEB_BYTES_MAX ((size_t)256 << 20) /* their total size */

typedef struct srv_web srv_web;

/* Outcome of srv_web_clean_path. */
typedef enum srv_web_path {
    SRV_WEB_PATH_OK = 0, /* out holds the path inside the folder ("" for the root) */
    SRV_WEB_PATH_REFUSED /* '..' or '.', a control byte, a backslash, '%', too long */
} srv_web_path;

/*
 * The path inside the folder of a request's URL path (already
 * percent-decoded, without its query): no leading '/', empty segments
 * dropped ("a//b" is "a/b"), a trailing '/' dropped.  Refused: a path not
 * starting with '/', a segment "." or "..", a byte below 0x20 or 0x7f, a
 * backslash, a '%' left after decoding (an encoded NUL or a second layer of
 * encoding), more than SRV_WEB_PATH_MAX - 1 bytes.  Pure: no I/O, no
 * allocation.
 */
srv_web_path srv_web_clean_path(const char *url, char *out, size_t cap);

/* Whether an Accept-Encoding header accepts gzip (gzip or x-gzip with a
 * q-value above 0, or '*' when gzip is not named). */
bool srv_web_accepts_gzip(const char *accept_encoding);

/*
 * Reads the folder dir.  *out is NULL (and JZ_OK returned) when dir does not
 * exist or holds no index.html: then there is no UI.  An unreadable file,
 * more than SRV_WEB_FILES_MAX files or SRV_WEB_BYTES_MAX bytes is an error
 * naming the file.  A `.gz` older than its file is ignored (a stale
 * compression is never served).
 */
jz_err srv_web_load(const char *dir, srv_web **out, jz_error *err);
void srv_web_free(srv_web *w);
size_t srv_web_count(const srv_web *w);

/* What a request is answered. */
typedef struct srv_web_hit {
    unsigned status;        /* 200, 304, 400 (refused path), 404 (missing asset) */
    const char *body;       /* owned by w; NULL for 304 */
    size_t len;
    const char *type;       /* Content-Type */
    const char *cache;      /* Cache-Control */
    const char *etag;       /* NULL for 400/404 */
    bool gzip;              /* body is the .gz: Content-Encoding: gzip */
    bool html;              /* index.html or another HTML file: the page's CSP */
} srv_web_hit;

/*
 * The answer to GET url (percent-decoded path) with these request headers
 * (either may be NULL).  Never fails; pure lookups in w's table.
 */
void srv_web_find(const srv_web *w, const char *url, const char *accept_encoding,
                  const char *if_none_match, srv_web_hit *hit);

/* The Content-Security-Policy of the pages: only 'self'; styles may also
 * be inline (Element Plus positions its popups with style attributes). */
#define SRV_WEB_CSP                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "             \
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "        \
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

#endif
