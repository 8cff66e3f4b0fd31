/*
 * region.c - the table of known administrative divisions and region codes.
 *
 * The county part of a household's region picks its local standards, so a
 * mistyped region must be caught at the door instead of quietly falling back
 * to a default standard.  The table comes from a CSV file under policy/regions/, and the
 * loader is strict: a line it does not understand stops the load with the
 * file, the line and the reason, because a half-read table would turn valid
 * regions into "unknown" ones.  Codes are kept in one sorted array per level
 * and looked up with bsearch.
 */
#include "base_int.h"
#include "jiuzhu/jz_region.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest accepted line, end of line excluded; the real lines are < 100. */
#define LINE_CAP 1024
/* Longest accepted name in bytes (40 Chinese characters). */
#define NAME_CAP 120
/* Levels kept in the table: province, city, county, township. */
#define NLEVELS 4
/* Longest code kept in the table (township), terminator excluded. */
#define CODE_CAP 9

static const char header_line[] = "code,level,name,parent";

typedef struct entry {
    char code[CODE_CAP + 1];
    long line; /* where it was defined, for error messages */
    char *name;
} entry;

struct jz_regions {
    entry *items[NLEVELS];
    size_t count[NLEVELS];
    size_t cap[NLEVELS];
};

static const char *const level_names[NLEVELS] = {"province", "city", "county", "township"};
static const size_t level_lengths[NLEVELS] = {2, 4, 6, 9};

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

/* The table level of a code of this length, or -1. */
static int level_of_length(size_t len)
{
    for (int i = 0; i < NLEVELS; i++) {
        if (level_lengths[i] == len)
            return i;
    }
    return -1;
}


/* True when s is valid UTF-8 without control characters. */
static bool printable_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < len;) {
        size_t n = jz__utf8_seq_len(p + i, len - i);

        if (n == 0 || (n == 1 && (p[i] < 0x20 || p[i] == 0x7F)))
            return false;
        i += n;
    }
    return true;
}

static int compare_entries(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->code, y->code);

    /* Equal codes are ordered by line, so a duplicate is reported at its
     * second appearance whatever qsort does. */
    if (c != 0)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* Orders by code alone: the comparison for bsearch. */
static int compare_codes(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->code, ((const entry *)b)->code);
}

static const entry *find(const jz_regions *t, int level, const char *code, size_t len)
{
    entry key;

    if (t == NULL || level < 0 || len != level_lengths[level] || t->count[level] == 0)
        return NULL;
    memcpy(key.code, code, len);
    key.code[len] = '\0';
    return bsearch(&key, t->items[level], t->count[level], sizeof(entry), compare_codes);
}

void jz_regions_free(jz_regions *t)
{
    if (t == NULL)
        return;
    for (int l = 0; l < NLEVELS; l++) {
        for (size_t i = 0; i < t->count[l]; i++)
            free(t->items[l][i].name);
        free(t->items[l]);
    }
    free(t);
}

/*
 * Reads one line into buf (at most LINE_CAP bytes, the '\n' and a final '\r'
 * removed).  Returns JZ_EOF at the end of the file, or an error for a line
 * that is too long, holds a NUL byte, or cannot be read.
 */
static jz_err read_line(FILE *f, char *buf, size_t *len, jz_error *err)
{
    size_t n = 0;
    int c;

    while ((c = getc(f)) != EOF && c != '\n') {
        if (c == '\0')
            return jz_error_set(err, JZ_EINPUT, NULL, NULL, "行中含有空字符（NUL）");
        if (n == LINE_CAP)
            return jz_error_setn(err, JZ_EINPUT, NULL, buf, n, "行过长（超过 %d 字节）", LINE_CAP);
        buf[n++] = (char)c;
    }
    if (ferror(f))
        return jz_error_set(err, JZ_EIO, NULL, NULL, "读取区划文件失败：%s", strerror(errno));
    if (c == EOF && n == 0)
        return JZ_EOF;
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    *len = n;
    return JZ_OK;
}

static jz_err add_entry(jz_regions *t, int level, const char *code, size_t code_len,
                        const char *name, size_t name_len, long line, jz_error *err)
{
    entry *e;

    if (t->count[level] == t->cap[level]) {
        size_t cap = t->cap[level] ? 2 * t->cap[level] : 64;
        entry *grown = realloc(t->items[level], cap * sizeof *grown);

        if (grown == NULL)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        t->items[level] = grown;
        t->cap[level] = cap;
    }
    e = &t->items[level][t->count[level]];
    e->name = malloc(name_len + 1);
    if (e->name == NULL)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    memcpy(e->name, name, name_len);
    e->name[name_len] = '\0';
    memcpy(e->code, code, code_len);
    e->code[code_len] = '\0';
    e->line = line;
    t->count[level]++;
    return JZ_OK;
}

/* Parses one data line "code,level,name,parent" (len bytes, terminated). */
static jz_err parse_line(jz_regions *t, const char *s, size_t len, long line, jz_error *err)
{
    const char *field[4];
    size_t flen[4];
    size_t nfields = 0, start = 0;
    int level = -1;

    if (memchr(s, '"', len) != NULL)
        return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "不支持带引号的字段");
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ',')
            continue;
        if (nfields == 4)
            return jz_error_setn(err, JZ_EINPUT, NULL, s, len,
                                 "字段过多（应为 code,level,name,parent 四列）");
        field[nfields] = s + start;
        flen[nfields] = i - start;
        nfields++;
        start = i + 1;
    }
    if (nfields != 4)
        return jz_error_setn(err, JZ_EINPUT, NULL, s, len,
                             "字段过少（应为 code,level,name,parent 四列）");

    for (int l = 0; l < NLEVELS; l++) {
        if (flen[1] == strlen(level_names[l]) && memcmp(field[1], level_names[l], flen[1]) == 0)
            level = l;
    }
    if (level < 0)
        return jz_error_setn(err, JZ_EINPUT, "level", field[1], flen[1],
                             "未知的级别（应为 province、city、county 或 township）");
    if (flen[0] != level_lengths[level] || !all_digits(field[0], flen[0]))
        return jz_error_setn(err, JZ_EINPUT, "code", field[0], flen[0],
                             "%s 级区划代码应为%zu位数字", level_names[level],
                             level_lengths[level]);
    if (flen[2] == 0)
        return jz_error_set(err, JZ_EINPUT, "name", "", "名称不能为空");
    if (flen[2] > NAME_CAP)
        return jz_error_setn(err, JZ_EINPUT, "name", field[2], flen[2], "名称过长（最多 %d 字节）",
                             NAME_CAP);
    if (!printable_utf8(field[2], flen[2]))
        return jz_error_setn(err, JZ_EINPUT, "name", field[2], flen[2],
                             "名称不是有效的 UTF-8 文本或含有控制字符");
    if (field[2][0] == ' ' || field[2][flen[2] - 1] == ' ')
        return jz_error_setn(err, JZ_EINPUT, "name", field[2], flen[2], "名称首尾不应有空格");
    if (level == JZ_LEVEL_PROVINCE) {
        if (flen[3] != 0)
            return jz_error_setn(err, JZ_EINPUT, "parent", field[3], flen[3],
                                 "省级区划不应有上级代码");
    } else {
        /* The parent is the code's own prefix one level up; anything else
         * means columns were shifted or codes were mistyped. */
        size_t plen = level_lengths[level - 1];

        if (flen[3] != plen || memcmp(field[3], field[0], plen) != 0)
            return jz_error_setn(err, JZ_EINPUT, "parent", field[3], flen[3], "上级代码应为 %.*s",
                                 (int)plen, field[0]);
    }
    return add_entry(t, level, field[0], flen[0], field[2], flen[2], line, err);
}

/*
 * After sorting: refuses duplicate codes and divisions whose parent is not
 * in the file.  Cities are checked against provinces only when the file
 * lists provinces at all (the Shanxi file starts at the cities).
 */
static jz_err check_table(const jz_regions *t, long *line, jz_error *err)
{
    for (int l = 0; l < NLEVELS; l++) {
        for (size_t i = 0; i < t->count[l]; i++) {
            const entry *e = &t->items[l][i];

            *line = e->line;
            if (i > 0 && strcmp(e->code, t->items[l][i - 1].code) == 0)
                return jz_error_set(err, JZ_EINPUT, "code", e->code,
                                    "区划代码重复（第 %ld 行已有）", t->items[l][i - 1].line);
            if (l == JZ_LEVEL_PROVINCE || (l == JZ_LEVEL_CITY && t->count[JZ_LEVEL_PROVINCE] == 0))
                continue;
            if (find(t, l - 1, e->code, level_lengths[l - 1]) == NULL)
                return jz_error_set(err, JZ_EINPUT, "parent", e->code, "上级区划 %.*s 不在文件中",
                                    (int)level_lengths[l - 1], e->code);
        }
    }
    *line = 0;
    return JZ_OK;
}

jz_err jz_regions_load(const char *path, jz_regions **out, jz_error *err)
{
    char buf[LINE_CAP + 1];
    jz_regions *t = NULL;
    FILE *f = NULL;
    long line = 0;
    bool header_seen = false;
    size_t total = 0;
    jz_err rc;

    *out = NULL;
    if (path == NULL)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "未指定区划文件");
    f = fopen(path, "r");
    if (f == NULL) {
        rc = jz_error_set(err, errno == ENOENT ? JZ_ENOTFOUND : JZ_EIO, NULL, NULL,
                          "无法打开区划文件：%s", strerror(errno));
        goto done;
    }
    t = calloc(1, sizeof *t);
    if (t == NULL) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto done;
    }

    for (;;) {
        size_t len = 0;
        const char *s = buf;

        line++;
        rc = read_line(f, buf, &len, err);
        if (rc == JZ_EOF)
            break;
        if (rc != JZ_OK)
            goto done;
        /* A byte-order mark is what spreadsheet programs put at the start of
         * a UTF-8 CSV; it is not part of the first line's text. */
        if (line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3;
            len -= 3;
        }
        if (len == 0 || s[0] == '#')
            continue;
        if (!header_seen) {
            if (len != strlen(header_line) || memcmp(s, header_line, len) != 0) {
                rc = jz_error_setn(err, JZ_EINPUT, NULL, s, len, "表头应为 %s", header_line);
                goto done;
            }
            header_seen = true;
            continue;
        }
        rc = parse_line(t, s, len, line, err);
        if (rc != JZ_OK)
            goto done;
    }
    line = 0; /* what follows concerns the whole file, not one line */

    if (!header_seen) {
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "缺少表头 %s", header_line);
        goto done;
    }
    for (int l = 0; l < NLEVELS; l++) {
        if (t->count[l] > 0)
            qsort(t->items[l], t->count[l], sizeof(entry), compare_entries);
        total += t->count[l];
    }
    if (total == 0 || t->count[JZ_LEVEL_COUNTY] == 0) {
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "区划文件中没有任何县级区划");
        goto done;
    }
    rc = check_table(t, &line, err);

done:
    if (f != NULL)
        fclose(f);
    if (rc != JZ_OK) {
        jz_error_set_source(err, path, line);
        jz_regions_free(t);
        return rc;
    }
    *out = t;
    return JZ_OK;
}

const char *jz_regions_name(const jz_regions *t, const char *code, size_t len)
{
    const entry *e;

    if (code == NULL || !all_digits(code, len))
        return NULL;
    e = find(t, level_of_length(len), code, len);
    return e != NULL ? e->name : NULL;
}

size_t jz_regions_count(const jz_regions *t, jz_region_level level)
{
    if (t == NULL || (int)level < 0 || (int)level >= NLEVELS)
        return 0;
    return t->count[level];
}

const char *jz_regions_code_at(const jz_regions *t, jz_region_level level, size_t i)
{
    if (i >= jz_regions_count(t, level))
        return NULL;
    return t->items[level][i].code;
}

jz_err jz_region_parse(const jz_regions *t, const char *s, size_t len, jz_region *out,
                       jz_error *err)
{
    if (s == NULL || (len != 6 && len != 9 && len != 12) || !all_digits(s, len))
        return jz_error_setn(err, JZ_EINPUT, NULL, s, s != NULL ? len : 0,
                             "区划代码应为6、9或12位数字");
    if (t != NULL) {
        if (find(t, JZ_LEVEL_COUNTY, s, 6) == NULL)
            return jz_error_setn(err, JZ_ENOTFOUND, NULL, s, len, "未知的县级区划代码 %.6s", s);
        if (len >= 9 && find(t, JZ_LEVEL_TOWNSHIP, s, 9) == NULL)
            return jz_error_setn(err, JZ_ENOTFOUND, NULL, s, len, "未知的乡级区划代码 %.9s", s);
    }
    memcpy(out->code, s, len);
    out->code[len] = '\0';
    out->len = (unsigned char)len;
    return JZ_OK;
}

void jz_region_county(const jz_region *r, char out[7])
{
    memcpy(out, r->code, 6);
    out[6] = '\0';
}

void jz_regions_words(const jz_regions *t, const char *code, size_t from, char *out, size_t cap)
{
    size_t n = code ? strlen(code) : 0, o = 0;
    if (cap == 0)
        return;
    out[0] = '\0';
    if (n == 0) {
        snprintf(out, cap, "全省");
        return;
    }
    static const size_t lens[] = {2, 4, 6, 9};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0] && lens[i] <= n; i++) {
        if (lens[i] < from && lens[i] < n)
            continue;
        const char *name = t ? jz_regions_name(t, code, lens[i]) : NULL;
        if (name && o < cap)
            o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? " " : "", name);
    }
    if (n == 12 && o < cap)
        o += (size_t)snprintf(out + o, cap - o, "%s%s 村", o ? " " : "", code + 9);
    if (o == 0) /* the province itself, or a code the table does not name */
        snprintf(out, cap, "%s", n == 2 ? "全省" : code);
}
