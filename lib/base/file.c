/*
 * file.c - reading a whole file into memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_file.h"

jz_err jz_file_read(const char *path, const char *what, size_t max, char **text, size_t *len,
                    jz_error *err)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        jz_err rc = jz_error_set(err, errno == ENOENT ? JZ_ENOTFOUND : JZ_EIO, NULL, NULL,
                                 "无法打开%s：%s", what, strerror(errno));
        jz_error_set_source(err, path, 0);
        return rc;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    jz_err rc = JZ_OK;
    for (;;) {
        if (cap - n < 65536) {
            size_t nc = cap ? cap * 2 : 1 << 20;
            char *g = realloc(buf, nc + 1);
            if (!g) {
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                break;
            }
            buf = g;
            cap = nc;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "%s过大（超过 %zu 字节）", what, max);
            break;
        }
        if (got == 0)
            break;
    }
    if (!rc && ferror(f))
        rc = jz_error_set(err, JZ_EIO, NULL, NULL, "读取%s失败：%s", what, strerror(errno));
    fclose(f);
    if (rc) {
        free(buf);
        jz_error_set_source(err, path, 0);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return JZ_OK;
}
