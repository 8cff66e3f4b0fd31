/*
 * snapshot.c - the columnar snapshot (jz_snapshot), which every backend
 * fills the same way (store_int.h), and the member booleans packed as one
 * column.  A service of the common layer for the backends: it calls no
 * backend and nothing of jz_store.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "jiuzhu/jz_file.h"
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
 * and loading share: its address in s, its element's size, and how many
 * elements it has.  The columns the backends fill while building
 * (BUILD_*: the household IDs in fixed slots, the members' amounts of
 * money one column each) are made compact by jz__snapshot_seal (TEXT: the
 * IDs one after the other; MONEY: each member's amounts that are not zero)
 * and are neither saved nor loaded.  The compact form's columns per
 * household or member (SEALED_*) are made by the seal too, not grown. */
enum { HH, MEMBER, BUILD_HH, BUILD_MEMBER, SEALED_HH, SEALED_MEMBER, MONEY, TEXT };

typedef struct column {
    void **p;
    size_t elem;
    int kind;
} column;

/* A column added to the list (an overflow would be a mistake in
 * N_COLUMNS: caught at the first snapshot, in every build). */
#define COL(f, k)                                                                                  \
    do {                                                                                           \
        if (n >= N_COLUMNS)                                                                        \
            abort();                                                                               \
        c[n++] = (column){(void **)&s->f, sizeof *s->f, k};                                        \
    } while (0)
enum { N_COLUMNS = 40 + JZ_INC_FIRST_EXCLUDED + JZ_EXP_COUNT };

static size_t columns(jz_snapshot *s, column c[N_COLUMNS])
{
    size_t n = 0;
    COL(key, HH);
    COL(version, HH);
    COL(household_id, BUILD_HH);
    COL(region, HH);
    COL(area, HH);
    COL(assess_date, HH);
    COL(current_programme, HH);
    COL(current_since, HH);
    COL(current_amount, HH);
    COL(first_member, HH);
    COL(household_size, HH);
    COL(hid_off, SEALED_HH);
    COL(money_first, SEALED_HH);
    COL(birth, MEMBER);
    COL(deceased, MEMBER);
    COL(relation, MEMBER);
    COL(presence, MEMBER);
    COL(employment, MEMBER);
    COL(hardship, MEMBER);
    COL(disability, MEMBER);
    COL(disability_grade, MEMBER);
    COL(student_level, MEMBER);
    COL(self_care_failed, MEMBER);
    COL(n_supporters, MEMBER);
    COL(flags, MEMBER);
    COL(supporters_unable, MEMBER);
    COL(months_without_income, MEMBER);
    COL(vehicles, MEMBER);
    COL(extra_houses, MEMBER);
    COL(supporter_status, MEMBER);
    COL(financial, BUILD_MEMBER);
    for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
        COL(income[k], BUILD_MEMBER);
    COL(income_not_counted, BUILD_MEMBER);
    for (int k = 0; k < JZ_EXP_COUNT; k++)
        COL(expenses[k], BUILD_MEMBER);
    COL(member_programme, MEMBER);
    COL(member_since, MEMBER);
    COL(member_amount, BUILD_MEMBER);
    COL(id, MEMBER);
    COL(money_n, SEALED_MEMBER);
    COL(money_kind, MONEY);
    COL(money_value, MONEY);
    COL(hid_text, TEXT);
    if (n != N_COLUMNS)
        abort();
    return n;
}
#undef COL

/* The elements of a column of kind k in s. */
static size_t count_of(const jz_snapshot *s, int kind)
{
    switch (kind) {
    case HH:
    case BUILD_HH:
    case SEALED_HH:
        return s->n_households;
    case MEMBER:
    case BUILD_MEMBER:
    case SEALED_MEMBER:
        return s->n_members;
    case MONEY:
        return s->n_money;
    default:
        return s->text_len;
    }
}

/* Grows every column of one group (members or households) to cap.  The
 * texts (IDs, region codes: the columns wider than a number) are zeroed
 * past their terminator, so that the cache holds no stray bytes.  The
 * compact columns are made by jz__snapshot_seal, not grown. */
static jz_err grow(jz_snapshot *s, bool members, size_t cap, jz_error *err)
{
    column c[N_COLUMNS];
    size_t n = columns(s, c);
    size_t old = members ? s->cap_members : s->cap_households;
    for (size_t i = 0; i < n; i++) {
        bool mine = members ? c[i].kind == MEMBER || c[i].kind == BUILD_MEMBER
                            : c[i].kind == HH || c[i].kind == BUILD_HH;
        if (!mine)
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

struct jz__saver {
    pthread_t tid;
    const jz_snapshot *snap;
    char *path;
    char tag[JZ__TAG_BUF];
    char prefix[JZ_REGION_BUF];
    int schema_version;
};

static void *save_run(void *arg)
{
    struct jz__saver *w = arg;
    jz_error e;
    jz_error_clear(&e);
    jz__snapshot_save(w->snap, w->path, w->tag, w->prefix, w->schema_version, &e);
    return NULL;
}

void jz__snapshot_save_behind(jz_snapshot *s, const char *path, const char *tag, const char *prefix,
                              int schema_version)
{
    struct jz__saver *w = s->saver ? NULL : calloc(1, sizeof *w);
    if (w && (w->path = strdup(path))) {
        w->snap = s;
        snprintf(w->tag, sizeof w->tag, "%s", tag);
        snprintf(w->prefix, sizeof w->prefix, "%s", prefix);
        w->schema_version = schema_version;
        if (pthread_create(&w->tid, NULL, save_run, w) == 0) {
            s->saver = w;
            return;
        }
    }
    if (w)
        free(w->path);
    free(w);
    jz_error e;
    jz_error_clear(&e);
    jz__snapshot_save(s, path, tag, prefix, schema_version, &e);
}

void jz_snapshot_free(jz_snapshot *s)
{
    if (!s)
        return;
    if (s->saver) {
        pthread_join(s->saver->tid, NULL);
        free(s->saver->path);
        free(s->saver);
    }
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

/* ---- sealing: the compact form ---------------------------------------------------- */

/* The amounts of a member, by their number in the money columns: 0 the
 * financial assets, then the counted income kinds, the income not counted,
 * the expense kinds, and the current amount. */
enum {
    M_FINANCIAL = 0,
    M_INCOME = 1,
    M_NOT_COUNTED = M_INCOME + JZ_INC_FIRST_EXCLUDED,
    M_EXPENSES,
    M_AMOUNT = M_EXPENSES + JZ_EXP_COUNT,
    M_COUNT
};
_Static_assert(M_COUNT <= 255, "a member's amounts fit money_n");

static jz_fen *money_column(jz_snapshot *s, int k)
{
    if (k == M_FINANCIAL)
        return s->financial;
    if (k < M_NOT_COUNTED)
        return s->income[k - M_INCOME];
    if (k == M_NOT_COUNTED)
        return s->income_not_counted;
    if (k < M_AMOUNT)
        return s->expenses[k - M_EXPENSES];
    return s->member_amount;
}

jz_err jz__snapshot_seal(jz_snapshot *s, jz_error *err)
{
    if (s->map || s->money_n)
        return JZ_OK; /* mapped, or sealed already */
    size_t nh = s->n_households, nm = s->n_members;
    /* The IDs one after the other. */
    size_t text = 0, money = 0;
    for (size_t i = 0; i < nh; i++)
        text += strnlen(s->household_id[i], JZ_HOUSEHOLD_ID_MAX - 1) + 1;
    jz_fen *cols[M_COUNT];
    for (int k = 0; k < M_COUNT; k++)
        cols[k] = money_column(s, k);
    for (size_t j = 0; j < nm; j++)
        for (int k = 0; k < M_COUNT; k++)
            money += cols[k][j] != 0;
    s->hid_off = malloc((nh ? nh : 1) * sizeof *s->hid_off);
    s->hid_text = malloc(text ? text : 1);
    s->money_n = malloc(nm ? nm : 1);
    s->money_first = malloc((nh ? nh : 1) * sizeof *s->money_first);
    s->money_kind = malloc(money ? money : 1);
    s->money_value = malloc((money ? money : 1) * sizeof *s->money_value);
    if (!s->hid_off || !s->hid_text || !s->money_n || !s->money_first || !s->money_kind ||
        !s->money_value)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足（快照）");
    size_t at = 0;
    for (size_t i = 0; i < nh; i++) {
        size_t len = strnlen(s->household_id[i], JZ_HOUSEHOLD_ID_MAX - 1);
        s->hid_off[i] = (uint32_t)at;
        memcpy(s->hid_text + at, s->household_id[i], len);
        s->hid_text[at + len] = '\0';
        at += len + 1;
    }
    s->text_len = text;
    size_t e = 0;
    for (size_t i = 0; i < nh; i++) {
        s->money_first[i] = (uint32_t)e;
        for (uint32_t k = 0; k < s->household_size[i]; k++) {
            size_t j = s->first_member[i] + k;
            uint8_t c = 0;
            for (int q = 0; q < M_COUNT; q++)
                if (cols[q][j] != 0) {
                    s->money_kind[e] = (uint8_t)q;
                    s->money_value[e++] = cols[q][j];
                    c++;
                }
            s->money_n[j] = c;
        }
    }
    s->n_money = e; /* = money: every member is some household's */
    /* The build's columns go. */
    column c[N_COLUMNS];
    size_t n = columns(s, c);
    for (size_t i = 0; i < n; i++)
        if (c[i].kind == BUILD_HH || c[i].kind == BUILD_MEMBER) {
            free(*c[i].p);
            *c[i].p = NULL;
        }
    return JZ_OK;
}

/* ---- updating a cached snapshot ------------------------------------------------- */

static int cmp_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* named[i] = 1 where household i of s is one of the n IDs, else 0; false
 * when out of memory. */
static bool mark_named(const jz_snapshot *s, const char *const *ids, size_t n, uint8_t *named)
{
    const char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return false;
    memcpy(sorted, ids, n * sizeof *sorted);
    if (n)
        qsort(sorted, n, sizeof *sorted, cmp_text);
    for (size_t i = 0; i < s->n_households; i++) {
        const char *id = jz_snapshot_household_id(s, i);
        named[i] = n && bsearch(&id, sorted, n, sizeof *sorted, cmp_text);
    }
    free(sorted);
    return true;
}

/* The amounts of money of household i of a sealed snapshot. */
static size_t money_of(const jz_snapshot *s, size_t i)
{
    size_t n = 0;
    for (uint32_t k = 0; k < s->household_size[i]; k++)
        n += s->money_n[s->first_member[i] + k];
    return n;
}

/* Appends households [from, to) of src (sealed) to dst (sealed, its
 * columns sized), as one block of each column: their elements, their
 * members' and their amounts; then the positions that are dst's own,
 * shifted. */
static void append_households(jz_snapshot *dst, const jz_snapshot *src, size_t from, size_t to)
{
    if (from >= to)
        return;
    column cd[N_COLUMNS], cs[N_COLUMNS];
    size_t n = columns(dst, cd);
    columns((jz_snapshot *)src, cs); /* addresses only: nothing of src is written */
    size_t h = dst->n_households, m = dst->n_members, e = dst->n_money, t = dst->text_len;
    size_t m0 = src->first_member[from], e0 = src->money_first[from], t0 = src->hid_off[from];
    size_t nm = src->first_member[to - 1] + src->household_size[to - 1] - m0;
    size_t ne = src->money_first[to - 1] + money_of(src, to - 1) - e0;
    const char *last = jz_snapshot_household_id(src, to - 1);
    size_t nt = (size_t)(last - src->hid_text) + strlen(last) + 1 - t0;
    for (size_t k = 0; k < n; k++) {
        char *dp = *cd[k].p;
        const char *sp = *cs[k].p;
        size_t el = cd[k].elem;
        switch (cd[k].kind) {
        case HH:
        case SEALED_HH:
            memcpy(dp + h * el, sp + from * el, (to - from) * el);
            break;
        case MEMBER:
        case SEALED_MEMBER:
            memcpy(dp + m * el, sp + m0 * el, nm * el);
            break;
        case MONEY:
            memcpy(dp + e * el, sp + e0 * el, ne * el);
            break;
        case TEXT:
            memcpy(dp + t, sp + t0, nt);
            break;
        default: /* the build's columns: none in a sealed snapshot */
            break;
        }
    }
    for (size_t i = 0; i < to - from; i++) {
        dst->first_member[h + i] = (uint32_t)(src->first_member[from + i] - m0 + m);
        dst->money_first[h + i] = (uint32_t)(src->money_first[from + i] - e0 + e);
        dst->hid_off[h + i] = (uint32_t)(src->hid_off[from + i] - t0 + t);
    }
    dst->n_households = h + (to - from);
    dst->n_members = m + nm;
    dst->n_money = e + ne;
    dst->text_len = t + nt;
}

jz_err jz__snapshot_merge(const jz_snapshot *old, const jz_snapshot *fresh, const char *prefix,
                          const char *const *ids, size_t n_ids, jz_snapshot **out, jz_error *err)
{
    *out = NULL;
    if (!old->money_n || !fresh->money_n)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "快照未压缩，不能合并");
    uint8_t *keep_old = malloc(old->n_households ? old->n_households : 1);
    uint8_t *keep_new = malloc(fresh->n_households ? fresh->n_households : 1);
    jz_snapshot *d = jz__snapshot_new();
    jz_err rc = JZ_OK;
    if (!keep_old || !keep_new || !d || !mark_named(old, ids, n_ids, keep_old)) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足（快照）");
        goto done;
    }
    /* What stays: the old households not named, and the fresh ones of the
     * region (a household may have moved out of it). */
    size_t nh = 0, nm = 0, ne = 0, text = 0, plen = strlen(prefix);
    for (size_t i = 0; i < old->n_households; i++) {
        keep_old[i] = !keep_old[i];
        const char *id = jz_snapshot_household_id(old, i);
        if (keep_old[i]) {
            nh++, nm += old->household_size[i], ne += money_of(old, i);
            text += strlen(id) + 1;
        }
    }
    for (size_t i = 0; i < fresh->n_households; i++) {
        keep_new[i] = strncmp(fresh->region[i].code, prefix, plen) == 0;
        if (keep_new[i]) {
            nh++, nm += fresh->household_size[i], ne += money_of(fresh, i);
            text += strlen(jz_snapshot_household_id(fresh, i)) + 1;
        }
    }
    column c[N_COLUMNS];
    size_t n = columns(d, c);
    for (size_t k = 0; k < n && !rc; k++) {
        size_t count = c[k].kind == HH || c[k].kind == SEALED_HH         ? nh
                       : c[k].kind == MEMBER || c[k].kind == SEALED_MEMBER ? nm
                       : c[k].kind == MONEY                                ? ne
                       : c[k].kind == TEXT                                 ? text
                                                                           : 0;
        if (c[k].kind == BUILD_HH || c[k].kind == BUILD_MEMBER)
            continue;
        if (!(*c[k].p = malloc(c[k].elem * (count ? count : 1))))
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足（快照）");
    }
    if (rc)
        goto done;
    d->cap_households = nh;
    d->cap_members = nm;
    /* Both in key order: merged in key order, the old households in runs
     * (a few changed households break them). */
    size_t a = 0, b = 0;
    for (;;) {
        while (a < old->n_households && !keep_old[a])
            a++;
        while (b < fresh->n_households && !keep_new[b])
            b++;
        if (a == old->n_households && b == fresh->n_households)
            break;
        if (b == fresh->n_households || (a < old->n_households && old->key[a] < fresh->key[b])) {
            size_t run = a;
            while (run < old->n_households && keep_old[run] &&
                   (b == fresh->n_households || old->key[run] < fresh->key[b]))
                run++;
            append_households(d, old, a, run);
            a = run;
        } else {
            append_households(d, fresh, b, b + 1);
            b++;
            d->patched++;
        }
    }
    d->updated = true;
done:
    free(keep_old);
    free(keep_new);
    if (rc) {
        jz_snapshot_free(d);
        return rc;
    }
    *out = d;
    return JZ_OK;
}

const char *jz_snapshot_household_id(const jz_snapshot *s, size_t i)
{
    return s->hid_text ? s->hid_text + s->hid_off[i] : s->household_id[i];
}

/* ---- the snapshot cache ---------------------------------------------------------- */

#define CACHE_MAGIC "JZSNAP\r\n"
#define CACHE_FORMAT 2u
#define CACHE_ALIGN 64

typedef struct cache_head {
    char magic[8];
    uint32_t format;
    uint32_t layout; /* the columns' sizes and kinds (layout_of) */
    uint64_t households, members, money, text;
    uint64_t length; /* the whole file's bytes */
    int32_t schema_version;
    char tag[JZ__TAG_BUF];
    char prefix[JZ_REGION_BUF];
    char pad[160 - 8 - 4 - 4 - 5 * 8 - 4 - JZ__TAG_BUF - JZ_REGION_BUF];
} cache_head;
_Static_assert(sizeof(cache_head) == 160, "the cache's header is 160 bytes");

/* Whether a column of kind k is in the file. */
static bool kept(int kind)
{
    return kind != BUILD_HH && kind != BUILD_MEMBER;
}

/* What the columns are, as one number: a file written by a build whose
 * columns differ (another count of income kinds, say) is not read. */
static uint32_t layout_of(const column *c, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        if (kept(c[i].kind))
            h = (h ^ (uint32_t)(c[i].elem * 8 + (size_t)c[i].kind)) * 16777619u;
    return (h ^ (uint32_t)n ^ (uint32_t)M_COUNT << 16) * 16777619u;
}

static size_t align_up(size_t x)
{
    return (x + CACHE_ALIGN - 1) / CACHE_ALIGN * CACHE_ALIGN;
}

/* The file's length for the counts of s. */
static size_t cache_length(const column *c, size_t n, const jz_snapshot *s)
{
    size_t off = sizeof(cache_head);
    for (size_t i = 0; i < n; i++)
        if (kept(c[i].kind))
            off = align_up(off) + c[i].elem * count_of(s, c[i].kind);
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

typedef struct part {
    const void *p;
    size_t n;
} part;

/* Writes the parts to path as one file, through jz_outfile: a temporary
 * file of mode 0600 (a cache holds ID numbers), synced, then renamed over
 * the one before (never over a symbolic link), so that after a crash the
 * name holds the whole new file or the one before it. */
static jz_err save_parts(const char *path, const part *parts, size_t n, jz_error *err)
{
    jz_outfile *o = NULL;
    jz_err rc = jz_outfile_open(path, NULL, JZ_OUT_FORCE, &o, err);
    if (rc)
        return rc;
    FILE *f = jz_outfile_stream(o);
    bool ok = f != NULL;
    for (size_t i = 0; ok && i < n; i++)
        ok = parts[i].n == 0 || fwrite(parts[i].p, 1, parts[i].n, f) == parts[i].n;
    if (!ok) {
        rc = jz_error_set(err, JZ_EIO, "snapshot_cache", path, "无法写入快照缓存：%s",
                          f ? strerror(errno) : "内存不足");
        jz_outfile_abort(o);
        return rc;
    }
    return jz_outfile_commit(o, err);
}

static const char zeros[CACHE_ALIGN];

jz_err jz__snapshot_save(const jz_snapshot *snap, const char *path, const char *tag,
                         const char *prefix, int schema_version, jz_error *err)
{
    jz_snapshot *s = (jz_snapshot *)snap; /* columns() takes addresses; nothing is written */
    if (!s->money_n)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "快照未压缩，不能写入缓存");
    column c[N_COLUMNS];
    size_t n = columns(s, c);
    cache_head h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, CACHE_MAGIC, sizeof h.magic);
    h.format = CACHE_FORMAT;
    h.layout = layout_of(c, n);
    h.households = s->n_households;
    h.members = s->n_members;
    h.money = s->n_money;
    h.text = s->text_len;
    h.length = cache_length(c, n, s);
    h.schema_version = schema_version;
    snprintf(h.tag, sizeof h.tag, "%s", tag);
    snprintf(h.prefix, sizeof h.prefix, "%s", prefix);
    part parts[1 + 2 * N_COLUMNS];
    size_t np = 0, off = sizeof h;
    parts[np++] = (part){&h, sizeof h};
    for (size_t i = 0; i < n; i++) {
        if (!kept(c[i].kind))
            continue;
        size_t pad = align_up(off) - off;
        size_t bytes = c[i].elem * count_of(s, c[i].kind);
        parts[np++] = (part){zeros, pad};
        parts[np++] = (part){*c[i].p, bytes};
        off += pad + bytes;
    }
    return save_parts(path, parts, np, err);
}

/* ---- the stored results beside it -------------------------------------------------- */

#define RESULTS_MAGIC "JZRSLT\r\n"
/* 3: each household's key after the amounts, so that a file can be
 * brought up to date beside a snapshot that changed (jz__results_merge). */
#define RESULTS_FORMAT 3u

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
    h->format = RESULTS_FORMAT;
    h->schema_version = schema_version;
    h->households = snap->n_households;
    snprintf(h->snapshot_tag, sizeof h->snapshot_tag, "%s", snap->tag);
    snprintf(h->tag, sizeof h->tag, "%s", tag);
}

/* Where the amounts start, and the file's length, for n households. */
static size_t results_at(size_t n)
{
    return align_up(sizeof(results_head) + n);
}

static size_t results_length(size_t n)
{
    return results_at(n) + n * (sizeof(jz_fen) + sizeof(int64_t));
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
                    {zeros, results_at(n) - (sizeof h + n)},
                    {monthly, n * sizeof *monthly},
                    {snap->key, n * sizeof *snap->key}};
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
    size_t n = snap->n_households, at = results_at(n);
    struct stat st;
    bool ok = snap->tag[0] && tag[0] && fstat(fd, &st) == 0 &&
              (uint64_t)st.st_size == results_length(n) &&
              pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h && memcmp(&h, &want, sizeof h) == 0 &&
              pread(fd, category, n, sizeof h) == (ssize_t)n &&
              pread(fd, monthly, n * sizeof *monthly, (off_t)at) == (ssize_t)(n * sizeof *monthly);
    for (size_t i = 0; ok && i < n; i++)
        ok = category[i] <= JZ_CAT_COUNT;
    close(fd);
    return ok;
}

void jz__results_free(jz__results *r)
{
    free(r->key);
    free(r->category);
    free(r->monthly);
    memset(r, 0, sizeof *r);
}

jz_err jz__results_alloc(jz__results *r, size_t n, jz_error *err)
{
    memset(r, 0, sizeof *r);
    r->key = malloc((n ? n : 1) * sizeof *r->key);
    r->category = malloc(n ? n : 1);
    r->monthly = malloc((n ? n : 1) * sizeof *r->monthly);
    if (r->key && r->category && r->monthly)
        return JZ_OK;
    jz__results_free(r);
    return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
}

bool jz__results_read(const char *path, int schema_version, jz__results *out)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    results_head h;
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
              memcmp(h.magic, RESULTS_MAGIC, sizeof h.magic) == 0 && h.format == RESULTS_FORMAT &&
              h.schema_version == schema_version && memchr(h.tag, '\0', sizeof h.tag) && h.tag[0] &&
              h.households <= (uint64_t)st.st_size &&
              (uint64_t)st.st_size == results_length((size_t)h.households);
    size_t n = ok ? (size_t)h.households : 0;
    if (ok) {
        jz_error e;
        jz_error_clear(&e);
        size_t at = results_at(n);
        ok = jz__results_alloc(out, n, &e) == JZ_OK &&
             pread(fd, out->category, n, sizeof h) == (ssize_t)n &&
             pread(fd, out->monthly, n * sizeof *out->monthly, (off_t)at) ==
                 (ssize_t)(n * sizeof *out->monthly) &&
             pread(fd, out->key, n * sizeof *out->key, (off_t)(at + n * sizeof *out->monthly)) ==
                 (ssize_t)(n * sizeof *out->key);
    }
    for (size_t i = 0; ok && i < n; i++)
        ok = out->category[i] <= JZ_CAT_COUNT && (i == 0 || out->key[i] > out->key[i - 1]);
    close(fd);
    if (!ok) {
        jz__results_free(out);
        return false;
    }
    out->n = n;
    snprintf(out->tag, sizeof out->tag, "%s", h.tag);
    return true;
}

jz_err jz__results_merge(const jz_snapshot *snap, const jz__results *old, const char *const *ids,
                         size_t n_ids, const jz__results *fresh, uint8_t *category, jz_fen *monthly,
                         size_t *patched, jz_error *err)
{
    size_t n = snap->n_households;
    uint8_t *named = malloc(n ? n : 1);
    if (!named || !mark_named(snap, ids, n_ids, named)) {
        free(named);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足（快照）");
    }
    /* All three in key order: each household named takes its fresh row
     * (none: nothing stored), every other its old one. */
    size_t a = 0, b = 0;
    *patched = 0;
    jz_err rc = JZ_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        int64_t k = snap->key[i];
        if (named[i]) {
            while (b < fresh->n && fresh->key[b] < k)
                b++;
            bool got = b < fresh->n && fresh->key[b] == k;
            category[i] = got ? fresh->category[b] : JZ_CAT_COUNT;
            monthly[i] = got ? fresh->monthly[b] : 0;
            (*patched)++;
            continue;
        }
        while (a < old->n && old->key[a] < k)
            a++;
        if (a == old->n || old->key[a] != k)
            rc = jz_error_set(err, JZ_EUSAGE, NULL, NULL, "已存结果的缓存不含户 %s",
                              jz_snapshot_household_id(snap, i));
        else {
            category[i] = old->category[a];
            monthly[i] = old->monthly[a];
        }
    }
    free(named);
    return rc;
}

/* What the engine and the write-back trust without looking, checked once
 * when a file is loaded: each household's members within the member
 * columns, in order, and its amounts within the money columns, in order;
 * the keys ascending; every text terminated and each household ID
 * shorter than its slot in jz_household. */
static bool consistent(const jz_snapshot *s)
{
    size_t next = 0, money = 0;
    for (size_t i = 0; i < s->n_households; i++) {
        if (s->first_member[i] != next || s->money_first[i] != money ||
            s->household_size[i] > JZ_MAX_MEMBERS ||
            !memchr(s->region[i].code, '\0', JZ_REGION_BUF) || (i && s->key[i] <= s->key[i - 1]))
            return false;
        uint32_t end = i + 1 < s->n_households ? s->hid_off[i + 1] : (uint32_t)s->text_len;
        if (s->hid_off[i] >= end || end > s->text_len || s->hid_text[end - 1] != '\0' ||
            end - s->hid_off[i] > JZ_HOUSEHOLD_ID_MAX)
            return false;
        for (uint32_t k = 0; k < s->household_size[i]; k++)
            if (next + k < s->n_members)
                money += s->money_n[next + k];
        next += s->household_size[i];
    }
    if (next != s->n_members || money != s->n_money || (s->n_households && s->hid_off[0] != 0))
        return false;
    for (size_t j = 0; j < s->n_members; j++)
        if (!memchr(s->id[j], '\0', JZ_IDNUM_BUF))
            return false;
    for (size_t e = 0; e < s->n_money; e++)
        if (s->money_kind[e] >= M_COUNT)
            return false;
    return true;
}

bool jz__snapshot_peek(const char *path, char tag[JZ__TAG_BUF], char prefix[JZ_REGION_BUF],
                       int *schema_version)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    cache_head h;
    bool ok = fd >= 0 && pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
              memcmp(h.magic, CACHE_MAGIC, sizeof h.magic) == 0 &&
              memchr(h.tag, '\0', sizeof h.tag) && memchr(h.prefix, '\0', sizeof h.prefix);
    if (fd >= 0)
        close(fd);
    if (ok) {
        memcpy(tag, h.tag, JZ__TAG_BUF);
        memcpy(prefix, h.prefix, JZ_REGION_BUF);
        *schema_version = h.schema_version;
    }
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
        h.households > UINT32_MAX || h.members > UINT32_MAX || h.money > UINT32_MAX ||
        h.text > UINT32_MAX || h.length != (uint64_t)st.st_size)
        goto out;
    if (!(s = jz__snapshot_new()))
        goto out;
    s->n_households = s->cap_households = h.households;
    s->n_members = s->cap_members = h.members;
    s->n_money = h.money;
    s->text_len = h.text;
    column c[N_COLUMNS];
    size_t n = columns(s, c);
    if (h.layout != layout_of(c, n) || cache_length(c, n, s) != h.length)
        goto fail;
    map = mmap(NULL, h.length, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        goto fail;
    size_t off = sizeof h;
    for (size_t i = 0; i < n; i++) {
        if (!kept(c[i].kind))
            continue;
        off = align_up(off);
        *c[i].p = (char *)map + off;
        off += c[i].elem * count_of(s, c[i].kind);
    }
    s->map = map;
    s->map_len = h.length;
    if (!consistent(s))
        goto fail;
    close(fd);
    return s;
fail:
    if (map != MAP_FAILED)
        munmap(map, h.length);
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

static void set_money(jz_member *m, int k, jz_fen v)
{
    if (k == M_FINANCIAL)
        m->financial = v;
    else if (k < M_NOT_COUNTED)
        m->income[k - M_INCOME] = v;
    else if (k == M_NOT_COUNTED)
        m->income_not_counted = v;
    else if (k < M_AMOUNT)
        m->expenses[k - M_EXPENSES] = v;
    else
        m->current_amount = v;
}

void jz_snapshot_household(const jz_snapshot *s, size_t i, jz_household *h, jz_member *ms)
{
    snprintf(h->household_id, sizeof h->household_id, "%s", jz_snapshot_household_id(s, i));
    h->region = s->region[i];
    h->area = s->area[i];
    h->assess_date = s->assess_date[i];
    h->current_programme = s->current_programme[i];
    h->current_since = s->current_since[i];
    h->current_amount = s->current_amount[i];
    h->n_members = s->household_size[i];
    h->members = ms;
    size_t f = s->first_member[i];
    size_t e = s->money_n ? s->money_first[i] : 0;
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
        if (s->money_n) {
            /* Sealed: the amounts that are not zero. */
            m->financial = 0;
            memset(m->income, 0, sizeof m->income);
            m->income_not_counted = 0;
            memset(m->expenses, 0, sizeof m->expenses);
            m->current_amount = 0;
            for (uint8_t q = 0; q < s->money_n[j]; q++, e++)
                set_money(m, s->money_kind[e], s->money_value[e]);
        } else {
            m->financial = s->financial[j];
            for (int q = 0; q < JZ_INC_FIRST_EXCLUDED; q++)
                m->income[q] = s->income[q][j];
            m->income_not_counted = s->income_not_counted[j];
            for (int q = 0; q < JZ_EXP_COUNT; q++)
                m->expenses[q] = s->expenses[q][j];
            m->current_amount = s->member_amount[j];
        }
        m->current_programme = s->member_programme[j];
        m->current_since = s->member_since[j];
        memcpy(m->id, s->id[j], sizeof m->id);
        m->name = NULL;
    }
}
