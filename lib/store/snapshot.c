/*
 * snapshot.c - the columnar snapshot (jz_snapshot), which every backend
 * fills the same way (store_int.h), and the member booleans packed as one
 * column.  A service of the common layer for the backends: it calls no
 * backend and nothing of jz_store.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "store_int.h"

/* ---- member flags ---------------------------------------------------------- */

uint16_t jz__member_flags(const jz_member *m)
{
    return (uint16_t)((m->newly_employed ? JZ_SNAP_F_NEWLY_EMPLOYED : 0) |
                      (m->unemployment_insured ? JZ_SNAP_F_UNEMPLOYMENT_INSURED : 0) |
                      (m->serious_illness ? JZ_SNAP_F_SERIOUS_ILLNESS : 0) |
                      (m->under_treatment ? JZ_SNAP_F_UNDER_TREATMENT : 0) |
                      (m->needs_rehab_or_care ? JZ_SNAP_F_NEEDS_REHAB_OR_CARE : 0) |
                      (m->student_full_time ? JZ_SNAP_F_STUDENT_FULL_TIME : 0) |
                      (m->student_high_fee ? JZ_SNAP_F_STUDENT_HIGH_FEE : 0) |
                      (m->student_abroad ? JZ_SNAP_F_STUDENT_ABROAD : 0) |
                      (m->applies_alone ? JZ_SNAP_F_APPLIES_ALONE : 0) |
                      (m->supporters_known ? JZ_SNAP_F_SUPPORTERS_KNOWN : 0) |
                      (m->business ? JZ_SNAP_F_BUSINESS : 0));
}

void jz__member_set_flags(jz_member *m, uint16_t f)
{
    m->newly_employed = f & JZ_SNAP_F_NEWLY_EMPLOYED;
    m->unemployment_insured = f & JZ_SNAP_F_UNEMPLOYMENT_INSURED;
    m->serious_illness = f & JZ_SNAP_F_SERIOUS_ILLNESS;
    m->under_treatment = f & JZ_SNAP_F_UNDER_TREATMENT;
    m->needs_rehab_or_care = f & JZ_SNAP_F_NEEDS_REHAB_OR_CARE;
    m->student_full_time = f & JZ_SNAP_F_STUDENT_FULL_TIME;
    m->student_high_fee = f & JZ_SNAP_F_STUDENT_HIGH_FEE;
    m->student_abroad = f & JZ_SNAP_F_STUDENT_ABROAD;
    m->applies_alone = f & JZ_SNAP_F_APPLIES_ALONE;
    m->supporters_known = f & JZ_SNAP_F_SUPPORTERS_KNOWN;
    m->business = f & JZ_SNAP_F_BUSINESS;
}

/* ---- the snapshot ------------------------------------------------------------ */

jz_snapshot *jz__snapshot_new(void)
{
    return calloc(1, sizeof(jz_snapshot));
}

/* Every column of the snapshot, in one list that growing, freeing, saving
 * and loading share: its address in s, its element's size, and whether it
 * has one element per member (else per household). */
typedef struct column {
    void **p;
    size_t elem;
    bool member;
} column;

#define COL(f, m) (column){(void **)&s->f, sizeof *s->f, m}
enum { N_COLUMNS = 34 + JZ_INC_FIRST_EXCLUDED + JZ_EXP_COUNT };

static size_t columns(jz_snapshot *s, column c[N_COLUMNS])
{
    size_t n = 0;
    c[n++] = COL(key, false);
    c[n++] = COL(version, false);
    c[n++] = COL(household_id, false);
    c[n++] = COL(region, false);
    c[n++] = COL(area, false);
    c[n++] = COL(assess_date, false);
    c[n++] = COL(current_programme, false);
    c[n++] = COL(current_since, false);
    c[n++] = COL(current_amount, false);
    c[n++] = COL(first_member, false);
    c[n++] = COL(household_size, false);
    c[n++] = COL(birth, true);
    c[n++] = COL(deceased, true);
    c[n++] = COL(relation, true);
    c[n++] = COL(presence, true);
    c[n++] = COL(employment, true);
    c[n++] = COL(hardship, true);
    c[n++] = COL(disability, true);
    c[n++] = COL(disability_grade, true);
    c[n++] = COL(student_level, true);
    c[n++] = COL(self_care_failed, true);
    c[n++] = COL(n_supporters, true);
    c[n++] = COL(flags, true);
    c[n++] = COL(supporters_unable, true);
    c[n++] = COL(months_without_income, true);
    c[n++] = COL(vehicles, true);
    c[n++] = COL(extra_houses, true);
    c[n++] = COL(supporter_status, true);
    c[n++] = COL(financial, true);
    for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
        c[n++] = COL(income[k], true);
    c[n++] = COL(income_not_counted, true);
    for (int k = 0; k < JZ_EXP_COUNT; k++)
        c[n++] = COL(expenses[k], true);
    c[n++] = COL(member_programme, true);
    c[n++] = COL(member_since, true);
    c[n++] = COL(member_amount, true);
    c[n++] = COL(id, true);
    assert(n == N_COLUMNS);
    return n;
}
#undef COL

/* Grows every column of one group (members or households) to cap.  The
 * texts (IDs, region codes: the columns wider than a number) are zeroed
 * past their terminator, so that the cache holds no stray bytes. */
static jz_err grow(jz_snapshot *s, bool members, size_t cap, jz_error *err)
{
    column c[N_COLUMNS];
    size_t n = columns(s, c);
    size_t old = members ? s->cap_members : s->cap_households;
    for (size_t i = 0; i < n; i++) {
        if (c[i].member != members)
            continue;
        void *p = realloc(*c[i].p, c[i].elem * cap);
        if (!p)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足（快照）");
        *c[i].p = p;
        if (c[i].elem > sizeof(int64_t) && cap > old)
            memset((char *)p + c[i].elem * old, 0, c[i].elem * (cap - old));
    }
    if (members)
        s->cap_members = cap;
    else
        s->cap_households = cap;
    return JZ_OK;
}

jz_err jz__snapshot_add_household(jz_snapshot *s, jz_error *err)
{
    if (s->n_households == s->cap_households) {
        jz_err rc = grow(s, false, s->cap_households ? s->cap_households * 2 : 4096, err);
        if (rc)
            return rc;
    }
    s->n_households++;
    return JZ_OK;
}

jz_err jz__snapshot_add_member(jz_snapshot *s, jz_error *err)
{
    if (s->n_members == s->cap_members) {
        jz_err rc = grow(s, true, s->cap_members ? s->cap_members * 2 : 8192, err);
        if (rc)
            return rc;
    }
    s->n_members++;
    return JZ_OK;
}

jz_err jz__snapshot_reserve(jz_snapshot *s, size_t households, size_t members, jz_error *err)
{
    jz_err rc = JZ_OK;
    if (households > s->cap_households)
        rc = grow(s, false, households, err);
    if (!rc && members > s->cap_members)
        rc = grow(s, true, members, err);
    return rc;
}

void jz_snapshot_free(jz_snapshot *s)
{
    if (!s)
        return;
    if (s->map) {
        munmap(s->map, s->map_len);
    } else {
        column c[N_COLUMNS];
        size_t n = columns(s, c);
        for (size_t i = 0; i < n; i++)
            free(*c[i].p);
    }
    free(s);
}

/* ---- the snapshot cache ---------------------------------------------------------- */

#define CACHE_MAGIC "JZSNAP\r\n"
#define CACHE_FORMAT 1u
#define CACHE_ALIGN 64

typedef struct cache_head {
    char magic[8];
    uint32_t format;
    uint32_t layout; /* the columns' sizes and groups (layout_of) */
    uint64_t households, members;
    uint64_t length; /* the whole file's bytes */
    int32_t schema_version;
    char tag[JZ__TAG_BUF];
    char prefix[JZ_REGION_BUF];
    char pad[128 - 8 - 4 - 4 - 8 - 8 - 8 - 4 - JZ__TAG_BUF - JZ_REGION_BUF];
} cache_head;
_Static_assert(sizeof(cache_head) == 128, "the cache's header is 128 bytes");

/* What the columns are, as one number: a file written by a build whose
 * columns differ (another count of income kinds, say) is not read. */
static uint32_t layout_of(const column *c, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (uint32_t)(c[i].elem * 2 + c[i].member)) * 16777619u;
    }
    return (h ^ (uint32_t)n) * 16777619u;
}

static size_t align_up(size_t x)
{
    return (x + CACHE_ALIGN - 1) / CACHE_ALIGN * CACHE_ALIGN;
}

/* The file's length for these counts. */
static size_t cache_length(const column *c, size_t n, size_t households, size_t members)
{
    size_t off = sizeof(cache_head);
    for (size_t i = 0; i < n; i++)
        off = align_up(off) + c[i].elem * (c[i].member ? members : households);
    return off;
}

void jz__new_tag(char tag[JZ__TAG_BUF])
{
    unsigned char b[(JZ__TAG_BUF - 1) / 2];
    if (sodium_init() < 0) /* cannot happen on Linux; a tag that no cache has */
        memset(b, 0, sizeof b);
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(tag, JZ__TAG_BUF, b, sizeof b);
}

static bool write_all(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        b += w;
        n -= (size_t)w;
    }
    return true;
}

typedef struct part {
    const void *p;
    size_t n;
} part;

/* Writes the parts to path as one file: through a temporary file of mode
 * 0600 (a cache holds ID numbers), synced before the rename, so that after
 * a crash the name holds the whole new file or the one before it. */
static jz_err save_parts(const char *path, const part *parts, size_t n, jz_error *err)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 8);
    if (!tmp)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".XXXXXX", 8);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = parts[i].n == 0 || write_all(fd, parts[i].p, parts[i].n);
    ok = ok && fsync(fd) == 0;
    int e = errno;
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    jz_err rc = JZ_OK;
    if (!ok) {
        rc = jz_error_set(err, JZ_EIO, "snapshot_cache", path, "无法写入快照缓存：%s",
                          strerror(e ? e : errno));
        if (fd >= 0)
            unlink(tmp);
    }
    free(tmp);
    return rc;
}

static const char zeros[CACHE_ALIGN];

jz_err jz__snapshot_save(const jz_snapshot *snap, const char *path, const char *tag,
                         const char *prefix, int schema_version, jz_error *err)
{
    jz_snapshot *s = (jz_snapshot *)snap; /* columns() takes addresses; nothing is written */
    column c[N_COLUMNS];
    size_t n = columns(s, c);
    cache_head h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, CACHE_MAGIC, sizeof h.magic);
    h.format = CACHE_FORMAT;
    h.layout = layout_of(c, n);
    h.households = s->n_households;
    h.members = s->n_members;
    h.length = cache_length(c, n, s->n_households, s->n_members);
    h.schema_version = schema_version;
    snprintf(h.tag, sizeof h.tag, "%s", tag);
    snprintf(h.prefix, sizeof h.prefix, "%s", prefix);
    part parts[1 + 2 * N_COLUMNS];
    size_t np = 0, off = sizeof h;
    parts[np++] = (part){&h, sizeof h};
    for (size_t i = 0; i < n; i++) {
        size_t pad = align_up(off) - off;
        size_t bytes = c[i].elem * (c[i].member ? s->n_members : s->n_households);
        parts[np++] = (part){zeros, pad};
        parts[np++] = (part){*c[i].p, bytes};
        off += pad + bytes;
    }
    return save_parts(path, parts, np, err);
}

/* ---- the stored results beside it -------------------------------------------------- */

#define RESULTS_MAGIC "JZRSLT\r\n"

typedef struct results_head {
    char magic[8];
    uint32_t format;
    int32_t schema_version;
    uint64_t households;
    char snapshot_tag[JZ__TAG_BUF]; /* the registry's tag of the snapshot */
    char tag[JZ__TAG_BUF];          /* the results' */
    char pad[128 - 8 - 4 - 4 - 8 - 2 * JZ__TAG_BUF];
} results_head;
_Static_assert(sizeof(results_head) == 128, "the results' header is 128 bytes");

static void results_head_of(results_head *h, const jz_snapshot *snap, const char *tag,
                            int schema_version)
{
    memset(h, 0, sizeof *h);
    memcpy(h->magic, RESULTS_MAGIC, sizeof h->magic);
    h->format = CACHE_FORMAT;
    h->schema_version = schema_version;
    h->households = snap->n_households;
    snprintf(h->snapshot_tag, sizeof h->snapshot_tag, "%s", snap->tag);
    snprintf(h->tag, sizeof h->tag, "%s", tag);
}

jz_err jz__results_save(const char *path, const jz_snapshot *snap, const char *tag,
                        int schema_version, const uint8_t *category, const jz_fen *monthly,
                        jz_error *err)
{
    results_head h;
    results_head_of(&h, snap, tag, schema_version);
    size_t n = snap->n_households;
    part parts[] = {{&h, sizeof h},
                    {category, n},
                    {zeros, align_up(sizeof h + n) - (sizeof h + n)},
                    {monthly, n * sizeof *monthly}};
    return save_parts(path, parts, sizeof parts / sizeof parts[0], err);
}

bool jz__results_load(const char *path, const jz_snapshot *snap, const char *tag,
                      int schema_version, uint8_t *category, jz_fen *monthly)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    results_head want, h;
    results_head_of(&want, snap, tag, schema_version);
    size_t n = snap->n_households, at = align_up(sizeof h + n);
    struct stat st;
    bool ok = snap->tag[0] && tag[0] && fstat(fd, &st) == 0 &&
              (uint64_t)st.st_size == at + n * sizeof *monthly &&
              pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h && memcmp(&h, &want, sizeof h) == 0 &&
              pread(fd, category, n, sizeof h) == (ssize_t)n &&
              pread(fd, monthly, n * sizeof *monthly, (off_t)at) == (ssize_t)(n * sizeof *monthly);
    for (size_t i = 0; ok && i < n; i++)
        ok = category[i] <= JZ_CAT_COUNT;
    close(fd);
    return ok;
}

jz_snapshot *jz__snapshot_load(const char *path, const char *tag, const char *prefix,
                               int schema_version)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    cache_head h;
    jz_snapshot *s = NULL;
    void *map = MAP_FAILED;
    if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof h ||
        pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h)
        goto out;
    if (memcmp(h.magic, CACHE_MAGIC, sizeof h.magic) != 0 || h.format != CACHE_FORMAT ||
        h.schema_version != schema_version || !tag[0] ||
        memchr(h.tag, '\0', sizeof h.tag) == NULL || strcmp(h.tag, tag) != 0 ||
        memchr(h.prefix, '\0', sizeof h.prefix) == NULL || strcmp(h.prefix, prefix) != 0 ||
        h.households > UINT32_MAX || h.members > UINT32_MAX || h.length != (uint64_t)st.st_size)
        goto out;
    if (!(s = jz__snapshot_new()))
        goto out;
    column c[N_COLUMNS];
    size_t n = columns(s, c);
    if (h.layout != layout_of(c, n) || cache_length(c, n, h.households, h.members) != h.length)
        goto fail;
    map = mmap(NULL, h.length, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        goto fail;
    size_t off = sizeof h;
    for (size_t i = 0; i < n; i++) {
        off = align_up(off);
        *c[i].p = (char *)map + off;
        off += c[i].elem * (c[i].member ? h.members : h.households);
    }
    s->n_households = s->cap_households = h.households;
    s->n_members = s->cap_members = h.members;
    s->map = map;
    s->map_len = h.length;
    /* What the engine and the write-back trust without looking: each
     * household's members within the member columns, in order, and every
     * text terminated. */
    size_t next = 0;
    for (size_t i = 0; i < s->n_households; i++) {
        if (s->first_member[i] != next ||
            !memchr(s->household_id[i], '\0', JZ_HOUSEHOLD_ID_MAX) ||
            !memchr(s->region[i].code, '\0', JZ_REGION_BUF) ||
            (i && s->key[i] <= s->key[i - 1]))
            goto fail;
        next += s->household_size[i];
    }
    if (next != s->n_members)
        goto fail;
    for (size_t j = 0; j < s->n_members; j++)
        if (!memchr(s->id[j], '\0', JZ_IDNUM_BUF))
            goto fail;
    close(fd);
    return s;
fail:
    if (map != MAP_FAILED) {
        munmap(map, h.length);
        s->map = NULL;
        memset(s, 0, sizeof *s);
    }
    free(s);
    s = NULL;
out:
    close(fd);
    return s;
}

size_t jz_snapshot_households(const jz_snapshot *s)
{
    return s->n_households;
}

size_t jz_snapshot_members(const jz_snapshot *s)
{
    return s->n_members;
}

void jz_snapshot_household(const jz_snapshot *s, size_t i, jz_household *h, jz_member *ms)
{
    memcpy(h->household_id, s->household_id[i], sizeof h->household_id);
    h->region = s->region[i];
    h->area = s->area[i];
    h->assess_date = s->assess_date[i];
    h->current_programme = s->current_programme[i];
    h->current_since = s->current_since[i];
    h->current_amount = s->current_amount[i];
    h->n_members = s->household_size[i];
    h->members = ms;
    size_t f = s->first_member[i];
    for (uint32_t k = 0; k < h->n_members; k++) {
        size_t j = f + k;
        jz_member *m = &ms[k];
        m->birth = s->birth[j];
        m->deceased = s->deceased[j];
        m->relation = s->relation[j];
        m->presence = s->presence[j];
        m->employment = s->employment[j];
        m->hardship = s->hardship[j];
        m->disability = s->disability[j];
        m->disability_grade = s->disability_grade[j];
        m->student_level = s->student_level[j];
        m->self_care_failed = s->self_care_failed[j];
        jz__member_set_flags(m, s->flags[j]);
        m->n_supporters = s->n_supporters[j];
        m->supporters_unable = s->supporters_unable[j];
        m->supporter_status = s->supporter_status[j];
        m->months_without_income = s->months_without_income[j];
        m->vehicles = s->vehicles[j];
        m->extra_houses = s->extra_houses[j];
        m->financial = s->financial[j];
        for (int q = 0; q < JZ_INC_FIRST_EXCLUDED; q++)
            m->income[q] = s->income[q][j];
        m->income_not_counted = s->income_not_counted[j];
        for (int q = 0; q < JZ_EXP_COUNT; q++)
            m->expenses[q] = s->expenses[q][j];
        m->current_programme = s->member_programme[j];
        m->current_since = s->member_since[j];
        m->current_amount = s->member_amount[j];
        memcpy(m->id, s->id[j], sizeof m->id);
        m->name = NULL;
    }
}
