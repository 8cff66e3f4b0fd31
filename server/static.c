/*
 * static.c - the web UI's files, read once into memory and served from
 * there (static.h).
 *
 * Why in memory rather than MHD_create_response_from_fd per request: the
 * built UI is a few megabytes; reading it once means no file descriptor per
 * request (the server allows thousands of connections), no system call on
 * the request path, the folder's containment checked once against the real
 * files (a symlink swapped in later, or a rebuild half-written, is never
 * served), and the lookup is a binary search in a table that holds only
 * the folder's own files.  A rebuilt UI is served after a restart.
 */
#define _GNU_SOURCE /* strcasestr */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <sodium.h>

#include "static.h"

typedef struct web_file {
    char *path;     /* inside the folder, no leading '/' */
    char *body;
    size_t len;
    char *gz;       /* the precompressed body, or NULL */
    size_t gz_len;
    const char *type;
    char etag[40];    /* "hex" */
    char etag_gz[44]; /* "hex-gz" */
    bool hidden;      /* a .gz served in place of its file, not by its own name */
    struct timespec mtime;
} web_file;

struct srv_web {
    web_file *files; /* sorted by path */
    size_t n, cap;
    size_t bytes;
    const web_file *index;
};

/* ---- paths ---------------------------------------------------------------- */

srv_web_path srv_web_clean_path(const char *url, char *out, size_t cap)
{
    if (cap == 0)
        return SRV_WEB_PATH_REFUSED;
    out[0] = '\0';
    if (!url || url[0] != '/')
        return SRV_WEB_PATH_REFUSED;
    size_t o = 0;
    const char *p = url;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - p);
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return SRV_WEB_PATH_REFUSED;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)p[i];
            if (c < 0x20 || c == 0x7f || c == '\\' || c == '%')
                return SRV_WEB_PATH_REFUSED;
        }
        if (o + (o ? 1 : 0) + n + 1 > cap || o + (o ? 1 : 0) + n >= SRV_WEB_PATH_MAX)
            return SRV_WEB_PATH_REFUSED;
        if (o)
            out[o++] = '/';
        memcpy(out + o, p, n);
        o += n;
        out[o] = '\0';
        p = e;
    }
    return SRV_WEB_PATH_OK;
}

bool srv_web_accepts_gzip(const char *ae)
{
    if (!ae)
        return false;
    int gzip = -1, star = -1; /* -1 not named, 0 refused (q=0), 1 accepted */
    const char *p = ae;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *name = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t nl = (size_t)(p - name);
        bool q0 = false;
        /* parameters up to the next ',' */
        while (*p && *p != ',') {
            if (*p == ';') {
                p++;
                while (*p == ' ' || *p == '\t')
                    p++;
                if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
                    const char *v = p + 2;
                    /* q=0, q=0.0, q=0.00, q=0.000 refuse; anything else accepts */
                    bool zero = v[0] == '0';
                    const char *w = v + 1;
                    if (zero && *w == '.') {
                        w++;
                        while (*w == '0')
                            w++;
                    }
                    if (zero && (*w == '\0' || *w == ',' || *w == ';' || *w == ' ' || *w == '\t'))
                        q0 = true;
                }
                continue;
            }
            p++;
        }
        int v = q0 ? 0 : 1;
        if ((nl == 4 && strncasecmp(name, "gzip", 4) == 0) ||
            (nl == 6 && strncasecmp(name, "x-gzip", 6) == 0))
            gzip = v;
        else if (nl == 1 && name[0] == '*')
            star = v;
    }
    return gzip >= 0 ? gzip == 1 : star == 1;
}

/* ---- content types ---------------------------------------------------------- */

static const char *type_of(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".map", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".ttf", "font/ttf"},
        {".txt", "text/plain; charset=utf-8"},
        {".wasm", "application/wasm"},
        {".xml", "application/xml"},
        {".webmanifest", "application/manifest+json"},
        {".gz", "application/gzip"},
    };
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcasecmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

/* ---- loading ---------------------------------------------------------------- */

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const web_file *)a)->path, ((const web_file *)b)->path);
}

static const web_file *find(const srv_web *w, const char *path)
{
    web_file key = {.path = (char *)path};
    return bsearch(&key, w->files, w->n, sizeof *w->files, cmp_file);
}

static jz_err read_all(const char *full, const char *rel, size_t size, char **out, jz_error *err)
{
    FILE *f = fopen(full, "rb");
    if (!f)
        return jz_error_set(err, JZ_EIO, "--web", rel, "无法读取界面文件：%s", strerror(errno));
    char *b = malloc(size ? size : 1);
    if (!b) {
        fclose(f);
        return jz_error_set(err, JZ_ENOMEM, "--web", rel, "内存不足");
    }
    size_t got = fread(b, 1, size, f);
    int bad = ferror(f) || got != size || fgetc(f) != EOF;
    fclose(f);
    if (bad) {
        free(b);
        return jz_error_set(err, JZ_EIO, "--web", rel, "界面文件读取不完整（读取时被修改？）");
    }
    *out = b;
    return JZ_OK;
}

typedef struct walk {
    srv_web *w;
    char root[PATH_MAX]; /* realpath of the folder */
    size_t root_len;
} walk;

static jz_err add_file(walk *k, const char *full, const char *rel, const struct stat *st,
                       jz_error *err)
{
    srv_web *w = k->w;
    if (w->n >= SRV_WEB_FILES_MAX)
        return jz_error_set(err, JZ_ERANGE, "--web", rel, "界面文件夹的文件超过 %d 个",
                            SRV_WEB_FILES_MAX);
    if ((size_t)st->st_size > SRV_WEB_BYTES_MAX - w->bytes)
        return jz_error_set(err, JZ_ERANGE, "--web", rel, "界面文件夹超过 %zu MiB",
                            SRV_WEB_BYTES_MAX >> 20);
    if (w->n == w->cap) {
        size_t nc = w->cap ? 2 * w->cap : 64;
        web_file *g = realloc(w->files, nc * sizeof *g);
        if (!g)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        w->files = g;
        w->cap = nc;
    }
    web_file *f = &w->files[w->n];
    memset(f, 0, sizeof *f);
    f->path = strdup(rel);
    if (!f->path)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = read_all(full, rel, (size_t)st->st_size, &f->body, err);
    if (rc) {
        free(f->path);
        return rc;
    }
    f->len = (size_t)st->st_size;
    f->type = type_of(rel);
    f->mtime = st->st_mtim;
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)f->body, f->len, NULL, 0);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(f->etag, sizeof f->etag, "\"%s\"", hex);
    snprintf(f->etag_gz, sizeof f->etag_gz, "\"%s-gz\"", hex);
    w->bytes += f->len;
    w->n++;
    return JZ_OK;
}

/* Whether the real path of full lies inside the folder. */
static bool inside(const walk *k, const char *full)
{
    char real[PATH_MAX];
    if (!realpath(full, real))
        return false;
    return strncmp(real, k->root, k->root_len) == 0 &&
           (real[k->root_len] == '/' || (k->root_len == 1 && k->root[0] == '/'));
}

static jz_err walk_dir(walk *k, const char *dir, const char *rel, int depth, jz_error *err)
{
    if (depth > 16)
        return jz_error_set(err, JZ_ERANGE, "--web", rel, "界面文件夹嵌套超过 16 层");
    DIR *d = opendir(dir);
    if (!d)
        return jz_error_set(err, JZ_EIO, "--web", rel[0] ? rel : dir, "无法读取界面文件夹：%s",
                            strerror(errno));
    jz_err rc = JZ_OK;
    struct dirent *de;
    while (!rc && (de = readdir(d))) {
        const char *name = de->d_name;
        if (name[0] == '.') /* ".", "..", and hidden files are not part of a build */
            continue;
        char full[PATH_MAX], sub[SRV_WEB_PATH_MAX];
        int a = snprintf(full, sizeof full, "%s/%s", dir, name);
        int b = snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", name);
        if (a < 0 || (size_t)a >= sizeof full || b < 0 || (size_t)b >= sizeof sub) {
            fprintf(stderr, "jiuzhu serve: 界面文件路径过长，已忽略：%s\n", sub);
            continue;
        }
        /* A name the request path could not reach is left out. */
        char check[SRV_WEB_PATH_MAX + 1];
        char url[SRV_WEB_PATH_MAX + 1];
        snprintf(url, sizeof url, "/%s", sub);
        if (srv_web_clean_path(url, check, sizeof check) != SRV_WEB_PATH_OK ||
            strcmp(check, sub) != 0)
            continue;
        struct stat lst, st;
        if (lstat(full, &lst) != 0)
            continue;
        if (S_ISLNK(lst.st_mode) && !inside(k, full)) {
            fprintf(stderr, "jiuzhu serve: 界面文件夹中的符号链接指向文件夹之外，已拒绝：%s\n", sub);
            continue;
        }
        if (stat(full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            rc = walk_dir(k, full, sub, depth + 1, err);
        else if (S_ISREG(st.st_mode))
            rc = add_file(k, full, sub, &st, err);
    }
    closedir(d);
    return rc;
}

static bool newer_or_same(struct timespec a, struct timespec b)
{
    return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec >= b.tv_nsec);
}

/* Each X.gz with its X beside it becomes X's compressed body. */
static void pair_gz(srv_web *w)
{
    for (size_t i = 0; i < w->n; i++) {
        web_file *g = &w->files[i];
        size_t n = strlen(g->path);
        if (n <= 3 || strcmp(g->path + n - 3, ".gz") != 0)
            continue;
        char base[SRV_WEB_PATH_MAX];
        snprintf(base, sizeof base, "%.*s", (int)(n - 3), g->path);
        web_file *f = (web_file *)find(w, base);
        if (!f)
            continue;
        g->hidden = true;
        if (!newer_or_same(g->mtime, f->mtime)) {
            fprintf(stderr, "jiuzhu serve: %s 比 %s 旧，不使用（请重新构建界面）\n", g->path,
                    f->path);
            continue;
        }
        f->gz = g->body;
        f->gz_len = g->len;
    }
}

jz_err srv_web_load(const char *dir, srv_web **out, jz_error *err)
{
    *out = NULL;
    struct stat st;
    if (!dir || !*dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return JZ_OK;
    walk k;
    memset(&k, 0, sizeof k);
    if (!realpath(dir, k.root))
        return jz_error_set(err, JZ_EIO, "--web", dir, "无法解析界面文件夹：%s", strerror(errno));
    k.root_len = strlen(k.root);
    srv_web *w = calloc(1, sizeof *w);
    if (!w)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    k.w = w;
    jz_err rc = walk_dir(&k, k.root, "", 0, err);
    if (rc) {
        srv_web_free(w);
        return rc;
    }
    qsort(w->files, w->n, sizeof *w->files, cmp_file);
    pair_gz(w);
    w->index = find(w, "index.html");
    if (!w->index) {
        srv_web_free(w);
        return JZ_OK;
    }
    *out = w;
    return JZ_OK;
}

void srv_web_free(srv_web *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        free(w->files[i].path);
        free(w->files[i].body);
    }
    free(w->files);
    free(w);
}

size_t srv_web_count(const srv_web *w)
{
    size_t n = 0;
    for (size_t i = 0; w && i < w->n; i++)
        n += !w->files[i].hidden;
    return n;
}

/* ---- answering ----------------------------------------------------------------- */

/* Whether an If-None-Match header names etag (or is '*'). */
static bool etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return false;
    size_t el = strlen(etag);
    const char *p = inm;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        if (p[0] == '*' && (p[1] == '\0' || p[1] == ',' || p[1] == ' '))
            return true;
        if (p[0] == 'W' && p[1] == '/') /* weak comparison: the opaque tags */
            p += 2;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if ((size_t)(t - p) == el && memcmp(p, etag, el) == 0)
            return true;
        p = e;
    }
    return false;
}

void srv_web_find(const srv_web *w, const char *url, const char *accept_encoding,
                  const char *if_none_match, srv_web_hit *hit)
{
    static const char refused[] = "请求路径无效\n", missing[] = "未找到\n";
    memset(hit, 0, sizeof *hit);
    char path[SRV_WEB_PATH_MAX];
    if (srv_web_clean_path(url, path, sizeof path) != SRV_WEB_PATH_OK) {
        *hit = (srv_web_hit){.status = 400, .body = refused, .len = sizeof refused - 1,
                             .type = "text/plain; charset=utf-8", .cache = "no-store"};
        return;
    }
    const web_file *f = path[0] ? find(w, path) : w->index;
    if (f && f->hidden)
        f = NULL;
    bool asset = strncmp(path, "assets/", 7) == 0;
    if (!f && asset) {
        *hit = (srv_web_hit){.status = 404, .body = missing, .len = sizeof missing - 1,
                             .type = "text/plain; charset=utf-8", .cache = "no-store"};
        return;
    }
    if (!f)
        f = w->index; /* history routing: the app draws the page of the path */
    bool gz = f->gz && srv_web_accepts_gzip(accept_encoding);
    hit->type = f->type;
    hit->cache = asset ? "public, max-age=31536000, immutable" : "no-cache";
    hit->etag = gz ? f->etag_gz : f->etag;
    hit->gzip = gz;
    hit->html = strncmp(f->type, "text/html", 9) == 0;
    if (etag_matches(if_none_match, hit->etag)) {
        hit->status = 304;
        return;
    }
    hit->status = 200;
    hit->body = gz ? f->gz : f->body;
    hit->len = gz ? f->gz_len : f->len;
}
