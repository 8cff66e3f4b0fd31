/*
 * file.c - files as wholes: reading one into memory, and writing one a
 * person asked for through a temporary file renamed over the target, with
 * the checks that keep a mistyped --out from destroying the registry
 * (jz_file.h says which).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* ---- writing a file a person asked for ------------------------------------------ */

struct jz_outfile {
    char *path;  /* the target */
    char *temp;  /* the temporary file beside it */
    char *guard; /* the database the caller has open, or NULL */
    unsigned flags;
    int fd;  /* the temporary file, open for writing */
    FILE *f; /* the stream on fd, made on request; owns fd then */
};

static const char SQLITE_HEADER[16] = "SQLite format 3";

bool jz_file_is_sqlite(const void *head, size_t n)
{
    return head != NULL && n >= sizeof SQLITE_HEADER &&
           memcmp(head, SQLITE_HEADER, sizeof SQLITE_HEADER) == 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static jz_err refuse(jz_error *err, const char *path, const char *reason)
{
    return jz_error_set(err, JZ_EUSAGE, NULL, path, "%s", reason);
}

/* The refusals of jz_file.h, in the order a person would look for them. */
jz_err jz_outfile_check(const char *path, const char *guard, unsigned flags, jz_error *err)
{
    if (path == NULL || path[0] == '\0')
        return refuse(err, path, "输出文件名为空");
    /* SQLite's companions of a database, and the store's writer lock
     * (lib/store/store_sqlite.c), whether they exist yet or not. */
    if (has_suffix(path, "-wal") || has_suffix(path, "-shm") || has_suffix(path, "-journal") ||
        has_suffix(path, "-lock"))
        return refuse(err, path,
                      "名称以 -wal、-shm、-journal 或 -lock 结尾，是数据库的日志或锁文件名，"
                      "不能作为输出文件（加 --force 也不行）");
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return JZ_OK;
        return jz_error_set(err, JZ_EIO, NULL, path, "无法查看输出文件：%s", strerror(errno));
    }
    if (S_ISLNK(st.st_mode))
        return refuse(err, path, "是符号链接，不写入（不跟随链接；请直接给出目标文件的路径）");
    if (S_ISDIR(st.st_mode))
        return refuse(err, path, "是目录，不能作为输出文件");
    if (!S_ISREG(st.st_mode))
        return refuse(err, path, "不是普通文件，不能作为输出文件");
    struct stat g;
    if (guard != NULL && stat(guard, &g) == 0 && g.st_dev == st.st_dev && g.st_ino == st.st_ino)
        return refuse(err, path, "是本命令打开的数据库，不能作为输出文件（加 --force 也不行）");
    /* The first 16 bytes say whether it is a database: a file that cannot
     * be read cannot be shown not to be one. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return jz_error_set(err, JZ_EUSAGE, NULL, path,
                            "已存在且无法读取（%s），不能确认它不是数据库，不覆盖", strerror(errno));
    char head[sizeof SQLITE_HEADER];
    ssize_t got = pread(fd, head, sizeof head, 0);
    int read_errno = errno;
    close(fd);
    if (got < 0)
        return jz_error_set(err, JZ_EUSAGE, NULL, path,
                            "已存在且无法读取（%s），不能确认它不是数据库，不覆盖",
                            strerror(read_errno));
    if (jz_file_is_sqlite(head, (size_t)got))
        return refuse(err, path, "是 SQLite 数据库文件，不能作为输出文件（加 --force 也不会覆盖）");
    if (!(flags & JZ_OUT_FORCE))
        return refuse(err, path, "文件已存在，未覆盖；确要覆盖请加 --force");
    return JZ_OK;
}

/* The directory part of path ("." when there is none), malloc'd. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* Eight hex digits that differ from call to call; O_EXCL, not their
 * secrecy, keeps the temporary file ours. */
static uint32_t temp_tag(void)
{
    static uint32_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40) ^
                 ((uint64_t)++counter * 0x9E3779B97F4A7C15ull);
    x = (x ^ (x >> 31)) * 0xBF58476D1CE4E5B9ull;
    return (uint32_t)(x ^ (x >> 29));
}

static void outfile_free(jz_outfile *o)
{
    if (o->f != NULL)
        fclose(o->f);
    else if (o->fd >= 0)
        close(o->fd);
    free(o->path);
    free(o->temp);
    free(o->guard);
    free(o);
}

jz_err jz_outfile_open(const char *path, const char *guard, unsigned flags, jz_outfile **out,
                       jz_error *err)
{
    *out = NULL;
    jz_err rc = jz_outfile_check(path, guard, flags, err);
    if (rc)
        return rc;
    jz_outfile *o = calloc(1, sizeof *o);
    char *dir = NULL;
    if (o == NULL)
        return jz_error_set(err, JZ_ENOMEM, NULL, path, "内存不足");
    o->fd = -1;
    o->flags = flags;
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    dir = dir_of(path);
    o->path = strdup(path);
    o->guard = guard ? strdup(guard) : NULL;
    size_t cap = strlen(dir) + 128;
    o->temp = malloc(cap);
    if (dir == NULL || o->path == NULL || (guard && o->guard == NULL) || o->temp == NULL) {
        free(dir);
        outfile_free(o);
        return jz_error_set(err, JZ_ENOMEM, NULL, path, "内存不足");
    }
    /* The name keeps the start of the target's (cut to stay far below
     * NAME_MAX), so a temporary file left by a crash says what it was. */
    mode_t mode = flags & JZ_OUT_GROUP_READ ? 0640 : 0600;
    for (int tries = 0; tries < 64 && o->fd < 0; tries++) {
        snprintf(o->temp, cap, "%s/.%.80s.%08x.tmp", dir, base, (unsigned)temp_tag());
        o->fd = open(o->temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (o->fd < 0 && errno != EEXIST)
            break;
    }
    free(dir);
    if (o->fd < 0) {
        rc = jz_error_set(err, JZ_EIO, NULL, path, "无法在输出文件的目录中建立临时文件：%s",
                          strerror(errno));
        free(o->temp);
        o->temp = NULL;
        outfile_free(o);
        return rc;
    }
    *out = o;
    return JZ_OK;
}

FILE *jz_outfile_stream(jz_outfile *o)
{
    if (o->f == NULL)
        o->f = fdopen(o->fd, "wb");
    return o->f;
}

const char *jz_outfile_temp(const jz_outfile *o)
{
    return o->temp;
}

void jz_outfile_abort(jz_outfile *o)
{
    if (o == NULL)
        return;
    unlink(o->temp);
    outfile_free(o);
}

/* The directory entry of the rename must reach the disk too. */
static void sync_dir(const char *path)
{
    char *dir = dir_of(path);
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

jz_err jz_outfile_commit(jz_outfile *o, jz_error *err)
{
    jz_err rc = JZ_OK;
    if (o->f != NULL && (fflush(o->f) != 0 || ferror(o->f)))
        rc = jz_error_set(err, JZ_EIO, NULL, o->path, "写入失败：%s", strerror(errno));
    /* A library that wrote by name must have written into the file made
     * here, not into something put in its place. */
    struct stat mine, there;
    if (!rc && (fstat(o->fd, &mine) != 0 || lstat(o->temp, &there) != 0 ||
                mine.st_dev != there.st_dev || mine.st_ino != there.st_ino))
        rc = jz_error_set(err, JZ_EIO, NULL, o->path, "临时文件 %s 已被删除或替换，未写入",
                          o->temp);
    if (!rc && fsync(o->fd) != 0)
        rc = jz_error_set(err, JZ_EIO, NULL, o->path, "写入失败：%s", strerror(errno));
    if (o->f != NULL) {
        if (fclose(o->f) != 0 && !rc)
            rc = jz_error_set(err, JZ_EIO, NULL, o->path, "写入失败：%s", strerror(errno));
        o->f = NULL;
    } else {
        close(o->fd);
    }
    o->fd = -1;
    /* The target may have changed while the data was written. */
    if (!rc)
        rc = jz_outfile_check(o->path, o->guard, o->flags, err);
    if (!rc && (o->flags & JZ_OUT_FORCE)) {
        if (rename(o->temp, o->path) != 0)
            rc = jz_error_set(err, JZ_EIO, NULL, o->path, "无法写入：%s", strerror(errno));
    } else if (!rc) {
        /* link(2) fails on an existing name, so a file that appeared since
         * the check is not replaced either. */
        if (link(o->temp, o->path) == 0) {
            unlink(o->temp);
        } else if (errno == EEXIST) {
            rc = refuse(err, o->path, "文件已存在，未覆盖；确要覆盖请加 --force");
        } else if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == EMLINK) {
            /* A file system without hard links: the check just found no
             * target, rename is the best there is. */
            if (rename(o->temp, o->path) != 0)
                rc = jz_error_set(err, JZ_EIO, NULL, o->path, "无法写入：%s", strerror(errno));
        } else {
            rc = jz_error_set(err, JZ_EIO, NULL, o->path, "无法写入：%s", strerror(errno));
        }
    }
    if (rc)
        unlink(o->temp);
    else
        sync_dir(o->path);
    outfile_free(o);
    return rc;
}

jz_err jz_file_write(const char *path, const char *guard, unsigned flags, const void *data,
                     size_t len, jz_error *err)
{
    jz_outfile *o;
    jz_err rc = jz_outfile_open(path, guard, flags, &o, err);
    if (rc)
        return rc;
    FILE *f = jz_outfile_stream(o);
    if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len)) {
        rc = jz_error_set(err, f ? JZ_EIO : JZ_ENOMEM, NULL, path, "写入失败：%s",
                          f ? strerror(errno) : "内存不足");
        jz_outfile_abort(o);
        return rc;
    }
    return jz_outfile_commit(o, err);
}
