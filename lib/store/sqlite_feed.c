/*
 * sqlite_feed.c - the SQLite backend's department feeds (R-MON-1): rows
 * kept whole, deduplicated by a digest of what they record, so that
 * importing the same file again adds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

jz_err jz__sq_feed_begin(void *impl, jz_dept dept, const char *path, int64_t *feed, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    char now[32];
    jz__sq_now(now, sizeof now);
    if (sqlite3_prepare_v2(q->db, "INSERT INTO feeds(dept, path, imported_at) VALUES(?,?,?)", -1,
                           &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录部门数据导入");
    sqlite3_bind_int(st, 1, dept);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "记录部门数据导入");
    *feed = sqlite3_last_insert_rowid(q->db);
    if (!q->feed_insert &&
        (sqlite3_prepare_v3(q->db,
                            "INSERT OR IGNORE INTO feed_rows(county, feed, dept, event, id_number,"
                            " name, on_date, amount, level, code, line, digest)"
                            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                            -1, SQLITE_PREPARE_PERSISTENT, &q->feed_insert, NULL) != SQLITE_OK ||
         sqlite3_prepare_v3(q->db,
                            "SELECT h.county FROM members m JOIN households h ON h.hh = m.hh"
                            " WHERE m.id_number = ?",
                            -1, SQLITE_PREPARE_PERSISTENT, &q->feed_match, NULL) != SQLITE_OK))
        return jz__sq_error(q, err, "准备部门数据导入");
    return JZ_OK;
}

jz_err jz__sq_feed_put(void *impl, int64_t feed, const jz_feed_row *r,
                       const unsigned char *digest, bool *added, bool *matched, jz_error *err)
{
    sq *q = impl;
    char county[7] = "";
    sqlite3_reset(q->feed_match);
    sqlite3_bind_text(q->feed_match, 1, r->id, -1, SQLITE_STATIC);
    int s = sqlite3_step(q->feed_match);
    if (s == SQLITE_ROW)
        jz__sq_copy_text(county, sizeof county, q->feed_match, 0);
    sqlite3_reset(q->feed_match);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return jz__sq_error(q, err, "匹配部门数据");
    *matched = s == SQLITE_ROW;
    sqlite3_stmt *st = q->feed_insert;
    sqlite3_reset(st);
    int k = 1;
    sqlite3_bind_text(st, k++, county, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, feed);
    sqlite3_bind_int(st, k++, r->dept);
    sqlite3_bind_int(st, k++, r->event);
    sqlite3_bind_text(st, k++, r->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, r->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, r->date);
    sqlite3_bind_int64(st, k++, r->amount);
    sqlite3_bind_int(st, k++, r->level);
    sqlite3_bind_text(st, k++, r->code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, r->line);
    sqlite3_bind_blob(st, k++, digest, JZ__DIGEST_BYTES, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "写入部门数据");
    *added = sqlite3_changes(q->db) == 1;
    return JZ_OK;
}

jz_err jz__sq_feed_end(void *impl, int64_t feed, const jz_feed_counts *n, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "UPDATE feeds SET rows = ?2, added = ?3, matched = ?4, rejected = ?5"
                           " WHERE feed = ?1 RETURNING dept, path",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录部门数据导入");
    sqlite3_bind_int64(st, 1, feed);
    sqlite3_bind_int64(st, 2, n->rows);
    sqlite3_bind_int64(st, 3, n->added);
    sqlite3_bind_int64(st, 4, n->matched);
    sqlite3_bind_int64(st, 5, n->rejected);
    int s = sqlite3_step(st);
    char after[1200] = "", entity[48];
    if (s == SQLITE_ROW) {
        int dept = sqlite3_column_int(st, 0);
        char path[1024];
        jz__sq_copy_text(path, sizeof path, st, 1);
        json_t *a = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "dept",
                              dept >= 0 && dept < JZ_DEPT_COUNT ? jz_dept_names[dept] : "?",
                              "file", path, "rows", (json_int_t)n->rows, "added",
                              (json_int_t)n->added, "matched", (json_int_t)n->matched, "rejected",
                              (json_int_t)n->rejected);
        char *t = a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        snprintf(after, sizeof after, "%s", t ? t : "");
        free(t);
        json_decref(a);
        sqlite3_step(st); /* finish the statement */
    }
    sqlite3_finalize(st);
    if (s != SQLITE_ROW)
        return jz__sq_error(q, err, "记录部门数据导入");
    snprintf(entity, sizeof entity, "feed:%lld", (long long)feed);
    return jz__sq_audit(q, "", "feed.import", entity, "", after, err);
}

/* ---- monitoring ----------------------------------------------------------------- */

/* Monitoring reads the registry's people into memory once (ID number ->
 * household, own income, own unit; household -> region, enrolled, its unit,
 * the largest income, the determination's income), then walks the feed rows
 * in table order, groups them by person and hands each person over with his
 * rows and what earlier runs raised for him (alerts and their evidence
 * rows, read once too).  A household is enrolled when it has an active
 * enrolment, or when its record says it receives a programme now
 * (`current`, carried over from before jiuzhu).  Joining in SQL instead took
 * 38 s on 5,000,000 rows: a lookup per row where one per person is enough. */
_Static_assert(JZ_UNIT_TEKUN == 5 && JZ_UNIT_DIBAO == 0 && JZ_UNIT_DIBAO_EXPENDITURE == 1 &&
                   JZ_UNIT_SINGLE_DIBAO == 4,
               "the scan reads programme 5 as 特困, 4 as 单人保 and 0, 1 as 低保");
_Static_assert(JZ_PROG_DIBAO - 1 == JZ_UNIT_DIBAO && JZ_PROG_RIGID_EXPENDITURE - 1 ==
                                                         JZ_UNIT_RIGID_EXPENDITURE,
               "a record's current programme p is the household unit p - 1");

typedef struct mon_person {
    char id[JZ_IDNUM_BUF];
    uint32_t hh;      /* index into the households, UINT32_MAX if none */
    int64_t own;      /* wage + business income */
    int64_t deposits; /* latest balances (every bank), once his household is summed */
    bool tekun, single, alive; /* own 特困 / 单人保 unit; alive and counted (R-HH-2) */
} mon_person;

typedef struct mon_household {
    int64_t key;       /* hh */
    uint32_t id_off;   /* household_id in the string pool */
    char region[13];
    int64_t top;       /* largest own income of a member */
    int64_t income;    /* the determination's income, 0 if none */
    int64_t deposits;  /* every member's latest balances, once summed */
    int n_members, n_alive;
    int unit, unit_persons; /* the household's unit: jz_unit_programme or -1 */
    uint32_t first;    /* its first person */
    uint32_t holder;   /* the person with the largest balance, UINT32_MAX if none */
    uint8_t area;
    bool enrolled, dibao_all, summed; /* dibao_all: a 低保 unit counting every member */
} mon_household;

typedef struct mon_reg {
    mon_person *p;
    size_t np;
    mon_household *h;
    size_t nh;
    char *pool;
    size_t pool_len, pool_cap;
    uint32_t *slot; /* ID number -> person index + 1 (open addressing), 0 empty */
    size_t mask;
} mon_reg;

static uint64_t id_hash(const char *id)
{
    uint64_t x = 1469598103934665603ull;
    for (const unsigned char *c = (const unsigned char *)id; *c; c++)
        x = (x ^ *c) * 1099511628211ull;
    return x ^ (x >> 29);
}


static mon_household *household_of(const mon_reg *r, int64_t hh)
{
    size_t lo = 0, hi = r->nh; /* households are read in hh order */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->h[mid].key < hh)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nh && r->h[lo].key == hh ? &r->h[lo] : NULL;
}

static void reg_free(mon_reg *r)
{
    free(r->p);
    free(r->h);
    free(r->pool);
    free(r->slot);
}

static jz_err reg_load(sq *q, mon_reg *r, jz_error *err)
{
    memset(r, 0, sizeof *r);
    sqlite3_stmt *st = NULL;
    int64_t nh = 0, np = 0;
    if (sqlite3_prepare_v2(q->db, "SELECT (SELECT count(*) FROM households),"
                                  " (SELECT count(*) FROM members)",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return jz__sq_error(q, err, "读取低收入人口数据库");
    }
    nh = sqlite3_column_int64(st, 0);
    np = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    r->h = calloc((size_t)nh + 1, sizeof *r->h);
    r->p = calloc((size_t)np + 1, sizeof *r->p);
    if (!r->h || !r->p)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    /* Households, in hh order. */
    if (sqlite3_prepare_v2(q->db,
                           "SELECT h.hh, h.household_id, h.region, h.n_members,"
                           " h.current_programme, ifnull(d.income, 0), h.area"
                           " FROM households h LEFT JOIN determinations d ON d.hh = h.hh"
                           " ORDER BY h.hh",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "读取低收入人口数据库");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && r->nh < (size_t)nh) {
        mon_household *h = &r->h[r->nh++];
        h->key = sqlite3_column_int64(st, 0);
        const char *hid = (const char *)sqlite3_column_text(st, 1);
        size_t len = hid ? strlen(hid) + 1 : 1;
        if (r->pool_len + len > r->pool_cap) {
            size_t nc = r->pool_cap ? 2 * r->pool_cap : 1 << 20;
            while (nc < r->pool_len + len)
                nc *= 2;
            char *g = realloc(r->pool, nc);
            if (!g) {
                sqlite3_finalize(st);
                return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            }
            r->pool = g;
            r->pool_cap = nc;
        }
        h->id_off = (uint32_t)r->pool_len;
        memcpy(r->pool + r->pool_len, hid ? hid : "", len);
        r->pool_len += len;
        jz__sq_copy_text(h->region, sizeof h->region, st, 2);
        h->n_members = sqlite3_column_int(st, 3);
        int cur = sqlite3_column_int(st, 4);
        h->enrolled = cur != JZ_PROG_NONE;
        h->unit = cur > JZ_PROG_NONE && cur < JZ_PROG_COUNT ? cur - 1 : -1;
        h->unit_persons = h->n_members;
        h->income = sqlite3_column_int64(st, 5);
        h->area = (uint8_t)sqlite3_column_int(st, 6);
        h->first = UINT32_MAX;
        h->holder = UINT32_MAX;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE && s != SQLITE_ROW)
        return jz__sq_error(q, err, "读取低收入人口数据库");
    /* People, in (hh, idx) order. */
    if (sqlite3_prepare_v2(q->db,
                           "SELECT hh, id_number, inc_wage + inc_business_net, deceased, presence"
                           " FROM members ORDER BY hh, idx",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "读取低收入人口数据库");
    mon_household *cur = NULL;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && r->np < (size_t)np) {
        int64_t hh = sqlite3_column_int64(st, 0);
        if (!cur || cur->key != hh)
            cur = household_of(r, hh);
        mon_person *p = &r->p[r->np];
        jz__sq_copy_text(p->id, sizeof p->id, st, 1);
        p->own = sqlite3_column_int64(st, 2);
        p->alive = sqlite3_column_int(st, 3) == JZ_DATE_NONE &&
                   sqlite3_column_int(st, 4) == JZ_PRES_PRESENT;
        p->hh = cur ? (uint32_t)(cur - r->h) : UINT32_MAX;
        if (cur) {
            if (cur->first == UINT32_MAX)
                cur->first = (uint32_t)r->np;
            if (p->own > cur->top)
                cur->top = p->own;
            cur->n_alive += p->alive;
        }
        r->np++;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE && s != SQLITE_ROW)
        return jz__sq_error(q, err, "读取低收入人口数据库");
    /* Enrolments: enrolled households, their units, 特困 and 单人保 people,
     * 低保 units counting all. */
    if (sqlite3_prepare_v2(q->db,
                           "SELECT h.hh, e.programme, e.member, e.persons FROM enrolments e"
                           " JOIN households h ON h.household_id = e.household_id"
                           " WHERE e.status <> 2",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "读取救助对象");
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        mon_household *h = household_of(r, sqlite3_column_int64(st, 0));
        if (!h)
            continue;
        int prog = sqlite3_column_int(st, 1), member = sqlite3_column_int(st, 2);
        int persons = sqlite3_column_int(st, 3);
        h->enrolled = true;
        mon_person *p = member >= 0 && h->first != UINT32_MAX &&
                                h->first + (uint32_t)member < r->np &&
                                r->p[h->first + (uint32_t)member].hh == (uint32_t)(h - r->h)
                            ? &r->p[h->first + (uint32_t)member]
                            : NULL;
        if (prog == JZ_UNIT_TEKUN && p)
            p->tekun = true;
        if (prog == JZ_UNIT_SINGLE_DIBAO && p)
            p->single = true;
        if (member < 0 && prog >= 0 && prog < JZ_UNIT_SINGLE_DIBAO) {
            /* The household's own unit, over what its record said. */
            h->unit = prog;
            h->unit_persons = persons;
        }
        if ((prog == JZ_UNIT_DIBAO || prog == JZ_UNIT_DIBAO_EXPENDITURE) &&
            persons >= h->n_members)
            h->dibao_all = true;
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "读取救助对象");
}

/* Copies a terminated string into a fixed buffer, cut to fit (snprintf's
 * formatting was a tenth of the scan). */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* What the registry knows of a person (p NULL: outside it). */
static void describe(const mon_reg *r, const mon_person *p, const char *id,
                     jz_monitor_subject *sub)
{
    memset(sub, 0, sizeof *sub);
    memcpy(sub->id, id, JZ_IDNUM_BUF - 1);
    sub->id[JZ_IDNUM_BUF - 1] = '\0';
    sub->who.id = sub->id;
    sub->unit_programme = -1;
    if (!p || p->hh == UINT32_MAX)
        return;
    const mon_household *h = &r->h[p->hh];
    sub->who.in_registry = true;
    sub->who.enrolled = h->enrolled;
    sub->who.tekun = p->tekun;
    sub->who.dibao = !p->tekun && (p->single || h->unit == JZ_UNIT_DIBAO ||
                                   h->unit == JZ_UNIT_DIBAO_EXPENDITURE);
    sub->who.main_earner = p->own > 0 && p->own == h->top;
    sub->who.others_living = h->n_alive - (p->alive ? 1 : 0) > 0;
    sub->who.yearly_income = h->income;
    sub->who.double_enrolled = p->tekun && h->dibao_all;
    sub->area = h->area;
    if (h->unit >= 0) {
        sub->unit_programme = h->unit;
        sub->unit_persons = h->unit_persons;
        sub->who.household_deposits = h->deposits;
        sub->who.deposit_holder = h->holder == (uint32_t)(p - r->p);
    } else if (p->tekun || p->single) {
        /* No household unit: his own unit, his own deposits. */
        sub->unit_programme = p->tekun ? JZ_UNIT_TEKUN : JZ_UNIT_SINGLE_DIBAO;
        sub->unit_persons = 1;
        sub->who.household_deposits = p->deposits;
        sub->who.deposit_holder = p->deposits > 0;
    }
    copy_str(sub->household_id, sizeof sub->household_id, r->pool + h->id_off);
    copy_str(sub->region, sizeof sub->region, h->region);
    copy_str(sub->county, sizeof sub->county, h->region);
}

static bool in_prefix(const jz_monitor_subject *sub, const char *prefix)
{
    return !prefix[0] || strncmp(sub->region, prefix, strlen(prefix)) == 0;
}

/* A feed row as the scan keeps it (5,000,000 of them fit in 250 MB). */
typedef struct mon_row {
    int64_t row;
    int64_t amount;
    uint32_t person;
    int32_t date;
    uint32_t code, name; /* offsets in the pool */
    uint32_t cov, open_cov; /* indicators whose alerts (open ones) have it */
    uint8_t dept, event, level;
} mon_row;

/* An alert of an earlier run, by person. */
typedef struct mon_alert {
    int64_t id;
    uint32_t person;
    uint8_t indicator, category;
    bool open;
    int year;
} mon_alert;

static uint32_t pool_put(mon_reg *r, const char *t, bool *ok)
{
    size_t len = t ? strlen(t) + 1 : 1;
    if (r->pool_len + len > r->pool_cap) {
        size_t nc = r->pool_cap ? 2 * r->pool_cap : 1 << 20;
        while (nc < r->pool_len + len)
            nc *= 2;
        char *g = nc <= UINT32_MAX ? realloc(r->pool, nc) : NULL;
        if (!g) {
            *ok = false;
            return 0;
        }
        r->pool = g;
        r->pool_cap = nc;
    }
    uint32_t off = (uint32_t)r->pool_len;
    memcpy(r->pool + off, t ? t : "", len);
    r->pool_len += len;
    return off;
}

/* The person of an ID number, or -1 (find) / added outside the registry
 * (person_index). */
static int64_t person_find(const mon_reg *r, const char *id, size_t *slot)
{
    size_t i = id_hash(id) & r->mask;
    for (;; i = (i + 1) & r->mask) {
        uint32_t v = r->slot[i];
        if (!v)
            break;
        if (memcmp(r->p[v - 1].id, id, JZ_IDNUM_BUF - 1) == 0)
            return v - 1;
    }
    if (slot)
        *slot = i;
    return -1;
}

static int64_t person_index(mon_reg *r, const char *id, size_t *cap)
{
    size_t i = 0;
    int64_t found = person_find(r, id, &i);
    if (found >= 0)
        return found;
    if (r->np == *cap) {
        size_t nc = *cap * 2 + 1024;
        mon_person *g = realloc(r->p, nc * sizeof *g);
        if (!g)
            return -1;
        r->p = g;
        *cap = nc;
    }
    mon_person *p = &r->p[r->np];
    memset(p, 0, sizeof *p);
    memcpy(p->id, id, JZ_IDNUM_BUF - 1);
    p->id[JZ_IDNUM_BUF - 1] = '\0';
    p->hh = UINT32_MAX;
    r->slot[i] = (uint32_t)(++r->np);
    return (int64_t)r->np - 1;
}

static const mon_row *sort_rows; /* the rows the order array indexes, for qsort */

static int by_date_row(const void *a, const void *b)
{
    const mon_row *x = &sort_rows[*(const uint32_t *)a], *y = &sort_rows[*(const uint32_t *)b];
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int by_row_number(const void *a, const void *b)
{
    const mon_row *x = a, *y = b;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int by_person_alert(const void *a, const void *b)
{
    const mon_alert *x = a, *y = b;
    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The rows[] index of a feed row number (rows sorted by number), or -1. */
static int64_t row_at(const mon_row *rows, size_t n, int64_t row)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rows[mid].row < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && rows[lo].row == row ? (int64_t)lo : -1;
}

/* What earlier runs raised: the alerts by person, and on each row the
 * indicators whose alerts (open ones) have it as evidence. */
static jz_err history_load(sq *q, mon_reg *reg, mon_row *rows, size_t nrows, mon_alert **out,
                           size_t *n_out, jz_error *err)
{
    *out = NULL;
    *n_out = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT e.indicator, e.row, a.status <> ?1 FROM alert_evidence e"
                           " JOIN alerts a ON a.alert = e.alert",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "读取预警依据");
    sqlite3_bind_int(st, 1, JZ_ALERT_RESOLVED);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int ind = sqlite3_column_int(st, 0);
        int64_t i = row_at(rows, nrows, sqlite3_column_int64(st, 1));
        if (i < 0 || ind < 0 || ind >= JZ_IND_COUNT)
            continue;
        rows[i].cov |= UINT32_C(1) << ind;
        if (sqlite3_column_int(st, 2))
            rows[i].open_cov |= UINT32_C(1) << ind;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "读取预警依据");
    size_t cap = 0, n = 0;
    mon_alert *a = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT alert, id_number, indicator, category, status <> ?1, raised_on"
                           " FROM alerts",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "读取预警");
    sqlite3_bind_int(st, 1, JZ_ALERT_RESOLVED);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 1);
        int ind = sqlite3_column_int(st, 2);
        if (!id || sqlite3_column_bytes(st, 1) != JZ_IDNUM_BUF - 1 || ind < 0 ||
            ind >= JZ_IND_COUNT)
            continue;
        int64_t pi = person_find(reg, id, NULL);
        if (pi < 0)
            continue; /* nothing of his to evaluate */
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 1024;
            mon_alert *g = realloc(a, nc * sizeof *g);
            if (!g) {
                free(a);
                sqlite3_finalize(st);
                return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            }
            a = g;
            cap = nc;
        }
        mon_alert *x = &a[n++];
        x->id = sqlite3_column_int64(st, 0);
        x->person = (uint32_t)pi;
        x->indicator = (uint8_t)ind;
        x->category = (uint8_t)sqlite3_column_int(st, 3);
        x->open = sqlite3_column_int(st, 4) != 0;
        x->year = jz_date_year(sqlite3_column_int(st, 5));
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        free(a);
        return jz__sq_error(q, err, "读取预警");
    }
    if (n > 1)
        qsort(a, n, sizeof *a, by_person_alert);
    *out = a;
    *n_out = n;
    return JZ_OK;
}

/* Adds up a household's deposits: each member's latest balance per bank on
 * or before `on` (rows of a bank under the same name). */
static void sum_deposits(mon_reg *reg, mon_household *h, const mon_row *rows,
                         const uint32_t *order, const uint32_t *start, size_t nrows, jz_date on)
{
    h->summed = true;
    int64_t best = 0;
    for (uint32_t k = h->first; k != UINT32_MAX && k < reg->np && reg->p[k].hh ==
                                                                    (uint32_t)(h - reg->h);
         k++) {
        size_t from = start[k], to = k + 1 < reg->np ? start[k + 1] : nrows;
        int64_t sum = 0;
        for (size_t i = from; i < to; i++) {
            const mon_row *r = &rows[order[i]];
            if (r->event != JZ_EV_BANK_DEPOSIT || r->date > on)
                continue;
            /* Only the latest row of its bank counts. */
            bool later = false;
            for (size_t j = from; j < to && !later; j++) {
                const mon_row *o = &rows[order[j]];
                if (j == i || o->event != JZ_EV_BANK_DEPOSIT || o->date > on)
                    continue;
                const char *a = r->code == UINT32_MAX ? "" : reg->pool + r->code;
                const char *b = o->code == UINT32_MAX ? "" : reg->pool + o->code;
                if (strcmp(a, b) == 0 &&
                    (o->date > r->date || (o->date == r->date && o->row > r->row)))
                    later = true;
            }
            if (!later)
                sum += r->amount;
        }
        reg->p[k].deposits = sum;
        h->deposits += sum;
        if (sum > best) {
            best = sum;
            h->holder = k;
        }
    }
}

jz_err jz__sq_monitor_scan(void *impl, const char *prefix, jz_date on,
                           void (*fn)(const jz_monitor_subject *s, void *arg), void *arg,
                           jz_error *err)
{
    sq *q = impl;
    mon_reg reg;
    jz_err rc = reg_load(q, &reg, err);
    mon_row *rows = NULL;
    uint32_t *order = NULL;
    uint32_t *start = NULL;
    jz_feed_row *out = NULL;
    int64_t *ids = NULL;
    uint32_t *cov = NULL, *open_cov = NULL;
    mon_alert *alerts = NULL;
    size_t nalerts = 0, next_alert = 0;
    size_t nrows = 0, pcap = reg.np + 1, ocap = 256;
    sqlite3_stmt *st = NULL;
    int64_t total = 0;
    /* Room in the hash table for every person of the feeds as well. */
    if (!rc && sqlite3_prepare_v2(q->db, "SELECT count(*) FROM feed_rows", -1, &st, NULL) ==
                   SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        total = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (!rc) {
        size_t cap = 16;
        while (cap < 2 * (reg.np + (size_t)total) + 2)
            cap <<= 1;
        uint32_t *slot = calloc(cap, sizeof *slot);
        rows = malloc(((size_t)total + 1) * sizeof *rows);
        if (!slot || !rows) {
            free(slot);
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        } else {
            free(reg.slot);
            reg.slot = slot;
            reg.mask = cap - 1;
            for (size_t k = 0; k < reg.np; k++) {
                size_t i = id_hash(reg.p[k].id) & reg.mask;
                while (reg.slot[i])
                    i = (i + 1) & reg.mask;
                reg.slot[i] = (uint32_t)(k + 1);
            }
        }
    }
    /* The rows, in table order (sequential), each tied to its person. */
    if (!rc && sqlite3_prepare_v2(q->db,
                                  "SELECT id_number, row, dept, event, on_date, amount, level,"
                                  " code, name FROM feed_rows",
                                  -1, &st, NULL) != SQLITE_OK)
        rc = jz__sq_error(q, err, "读取部门数据");
    int s = SQLITE_DONE;
    bool ok = true, sorted = true;
    while (!rc && ok && nrows < (size_t)total && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (!id || sqlite3_column_bytes(st, 0) != JZ_IDNUM_BUF - 1)
            continue;
        int64_t pi = person_index(&reg, id, &pcap);
        if (pi < 0) {
            ok = false;
            break;
        }
        mon_row *r = &rows[nrows++];
        r->person = (uint32_t)pi;
        r->row = sqlite3_column_int64(st, 1);
        if (nrows > 1 && r->row < rows[nrows - 2].row)
            sorted = false;
        r->dept = (uint8_t)sqlite3_column_int(st, 2);
        r->event = (uint8_t)sqlite3_column_int(st, 3);
        r->date = sqlite3_column_int(st, 4);
        r->amount = sqlite3_column_int64(st, 5);
        r->level = (uint8_t)sqlite3_column_int(st, 6);
        r->cov = r->open_cov = 0;
        const char *code = (const char *)sqlite3_column_text(st, 7);
        r->code = code && code[0] ? pool_put(&reg, code, &ok) : UINT32_MAX;
        r->name = pool_put(&reg, (const char *)sqlite3_column_text(st, 8), &ok);
    }
    if (!rc && !ok)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (!rc && s != SQLITE_DONE && s != SQLITE_ROW)
        rc = jz__sq_error(q, err, "读取部门数据");
    sqlite3_finalize(st);
    /* A table scan is in row order; row_at needs it so in any case. */
    if (!rc && !sorted)
        qsort(rows, nrows, sizeof *rows, by_row_number);
    if (!rc)
        rc = history_load(q, &reg, rows, nrows, &alerts, &nalerts, err);
    /* Grouped by person (a counting sort), then by date within a person. */
    if (!rc) {
        start = calloc(reg.np + 1, sizeof *start);
        order = malloc((nrows + 1) * sizeof *order);
        out = malloc(ocap * sizeof *out);
        ids = malloc(ocap * sizeof *ids);
        cov = malloc(ocap * sizeof *cov);
        open_cov = malloc(ocap * sizeof *open_cov);
        if (!start || !order || !out || !ids || !cov || !open_cov)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    if (!rc) {
        for (size_t i = 0; i < nrows; i++)
            start[rows[i].person + 1]++;
        for (size_t k = 0; k < reg.np; k++)
            start[k + 1] += start[k];
        for (size_t i = 0; i < nrows; i++)
            order[start[rows[i].person]++] = (uint32_t)i;
        for (size_t k = reg.np; k > 0; k--)
            start[k] = start[k - 1];
        start[0] = 0;
    }
    for (size_t k = 0; !rc && k < reg.np; k++) {
        size_t from = start[k], to = k + 1 < reg.np ? start[k + 1] : nrows, n = to - from;
        mon_person *p = &reg.p[k];
        while (next_alert < nalerts && alerts[next_alert].person < k)
            next_alert++;
        if (n == 0 && !p->tekun)
            continue;
        if (p->hh != UINT32_MAX && !reg.h[p->hh].summed)
            sum_deposits(&reg, &reg.h[p->hh], rows, order, start, nrows, on);
        jz_monitor_subject sub;
        describe(&reg, p->hh == UINT32_MAX ? NULL : p, p->id, &sub);
        if (!in_prefix(&sub, prefix))
            continue;
        if (n > 1) {
            sort_rows = rows;
            qsort(order + from, n, sizeof *order, by_date_row);
        }
        if (n > ocap) {
            jz_feed_row *g = realloc(out, n * sizeof *g);
            if (g)
                out = g;
            int64_t *h = g ? realloc(ids, n * sizeof *h) : NULL;
            if (h)
                ids = h;
            uint32_t *c1 = h ? realloc(cov, n * sizeof *c1) : NULL;
            if (c1)
                cov = c1;
            uint32_t *c2 = c1 ? realloc(open_cov, n * sizeof *c2) : NULL;
            if (c2)
                open_cov = c2;
            if (!g || !h || !c1 || !c2) {
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                break;
            }
            ocap = n;
        }
        for (size_t i = 0; i < n; i++) {
            const mon_row *m = &rows[order[from + i]];
            jz_feed_row *r = &out[i];
            r->dept = m->dept;
            r->event = m->event;
            memcpy(r->id, p->id, JZ_IDNUM_BUF);
            copy_str(r->name, sizeof r->name, reg.pool + m->name);
            r->date = m->date;
            r->amount = m->amount;
            r->level = m->level;
            if (m->code == UINT32_MAX)
                r->code[0] = '\0';
            else
                copy_str(r->code, sizeof r->code, reg.pool + m->code);
            r->line = 0;
            ids[i] = m->row;
            cov[i] = m->cov;
            open_cov[i] = m->open_cov;
        }
        /* His earlier alerts: the open one of each indicator (the latest,
         * should there be two from before issue 11), what was ever raised. */
        sub.history.covered = cov;
        sub.history.open_covered = open_cov;
        for (size_t a = next_alert; a < nalerts && alerts[a].person == k; a++) {
            const mon_alert *x = &alerts[a];
            sub.history.raised |= UINT32_C(1) << x->indicator;
            if (x->open) {
                sub.history.open[x->indicator] = x->id;
                sub.history.open_category[x->indicator] = x->category;
            }
            if (x->year > sub.history.last_year[x->indicator])
                sub.history.last_year[x->indicator] = x->year;
        }
        if (n)
            copy_str(sub.name, sizeof sub.name, out[0].name);
        else {
            /* A 特困 person with no row at all: his name from the registry. */
            sqlite3_stmt *nm = NULL;
            if (sqlite3_prepare_v2(q->db, "SELECT name FROM members WHERE id_number = ?", -1,
                                   &nm, NULL) == SQLITE_OK) {
                sqlite3_bind_text(nm, 1, p->id, -1, SQLITE_STATIC);
                if (sqlite3_step(nm) == SQLITE_ROW)
                    jz__sq_copy_text(sub.name, sizeof sub.name, nm, 0);
            }
            sqlite3_finalize(nm);
        }
        sub.rows = out;
        sub.row_ids = ids;
        sub.n = n;
        fn(&sub, arg);
    }
    free(rows);
    free(order);
    free(start);
    free(out);
    free(ids);
    free(cov);
    free(open_cov);
    free(alerts);
    reg_free(&reg);
    return rc;
}

#define ALERT_COLUMNS                                                                         \
    "alert, county, region, category, indicator, severity, id_number, name, household_id,"   \
    " dept, amount, detail, evidence, raised_on, due_on, status"

/* Records the rows as evidence of alert `id` (indicator ind); an evidence
 * row has one alert per indicator (the table's key), so a second would fail
 * the run rather than be lost. */
static jz_err put_evidence(sq *q, int64_t id, int ind, const char *county, const int64_t *rows,
                           size_t n, jz_error *err)
{
    if (!q->evidence_insert &&
        sqlite3_prepare_v3(q->db,
                           "INSERT INTO alert_evidence(indicator, row, alert, county)"
                           " VALUES(?,?,?,?)",
                           -1, SQLITE_PREPARE_PERSISTENT, &q->evidence_insert, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "写入预警依据");
    sqlite3_stmt *st = q->evidence_insert;
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, ind);
        sqlite3_bind_int64(st, 2, rows[i]);
        sqlite3_bind_int64(st, 3, id);
        sqlite3_bind_text(st, 4, county, -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        sqlite3_reset(st);
        if (s != SQLITE_DONE)
            return jz__sq_error(q, err, "写入预警依据");
    }
    return JZ_OK;
}

jz_err jz__sq_alert_put(void *impl, jz_stored_alert *a, const unsigned char *key,
                        const int64_t *rows, size_t n_rows, bool *added, jz_error *err)
{
    sq *q = impl;
    if (!q->alert_insert &&
        sqlite3_prepare_v3(q->db,
                           "INSERT OR IGNORE INTO alerts(" ALERT_COLUMNS ", key) VALUES(NULL,?,?,?,"
                           "?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, SQLITE_PREPARE_PERSISTENT, &q->alert_insert, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "写入预警");
    sqlite3_stmt *st = q->alert_insert;
    sqlite3_reset(st);
    int k = 1;
    sqlite3_bind_text(st, k++, a->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, a->region, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, a->category);
    sqlite3_bind_int(st, k++, a->indicator);
    sqlite3_bind_int(st, k++, a->severity);
    sqlite3_bind_text(st, k++, a->id_number, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, a->household_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, a->dept);
    sqlite3_bind_int64(st, k++, a->amount);
    sqlite3_bind_text(st, k++, a->detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, a->evidence, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, a->raised_on);
    sqlite3_bind_int(st, k++, a->due_on);
    sqlite3_bind_int(st, k++, a->status);
    sqlite3_bind_blob(st, k++, key, JZ__DIGEST_BYTES, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "写入预警");
    *added = sqlite3_changes(q->db) == 1;
    if (!*added)
        return JZ_OK;
    a->id = sqlite3_last_insert_rowid(q->db);
    return put_evidence(q, a->id, a->indicator, a->county, rows, n_rows, err);
}

jz_err jz__sq_alert_extend(void *impl, int64_t id, const int64_t *rows, size_t n_rows,
                           jz_fen amount, uint8_t severity, jz_date on, const char *detail,
                           jz_error *err)
{
    sq *q = impl;
    jz_stored_alert before, after;
    jz_err rc = jz__sq_alert_get(impl, id, &before, err);
    if (rc)
        return rc;
    if (before.status == JZ_ALERT_RESOLVED) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)id);
        return jz_error_set(err, JZ_EINPUT, "alert", v, "预警已办结，不能再追加依据");
    }
    if (n_rows == 0)
        return JZ_OK;
    /* The evidence text grows in SQL: it may be longer than the record's
     * buffer holds. */
    char list[24 * JZ_ALERT_EVIDENCE_MAX + 2];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n_rows && len < sizeof list - 24; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%lld", i ? "," : "",
                                (long long)rows[i]);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "UPDATE alerts SET amount = amount + ?2, severity = max(severity, ?3),"
                           " evidence = CASE WHEN evidence = '[]' THEN '[' || ?4 || ']'"
                           " ELSE substr(evidence, 1, length(evidence) - 1) || ',' || ?4 || ']'"
                           " END WHERE alert = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "更新预警");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, amount);
    sqlite3_bind_int(st, 3, severity);
    sqlite3_bind_text(st, 4, list, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "更新预警");
    if ((rc = put_evidence(q, id, before.indicator, before.county, rows, n_rows, err)) ||
        (rc = jz__sq_alert_get(impl, id, &after, err)))
        return rc;
    /* A step people read in `alert show` and the chain, audited with the
     * alert before and after (alert.evidence). */
    jz_alert_step step;
    memset(&step, 0, sizeof step);
    step.alert = id;
    step.on = on;
    step.dept = JZ_DEPT_CIVIL;
    step.amount = amount;
    snprintf(step.action, sizeof step.action, "evidence");
    char m[JZ_MONEY_BUF] = "";
    if (amount)
        jz_money_format(amount, m, sizeof m);
    /* A long list is cut here; alert_evidence has every row. */
    if (snprintf(step.note, sizeof step.note, "动态监测追加依据（部门数据行）：[%s]%s%s%s%s%s",
                 list, m[0] ? "，金额 " : "", m, m[0] ? " 元" : "", detail && detail[0] ? "；" : "",
                 detail ? detail : "") < 0)
        step.note[0] = '\0';
    return jz__sq_alert_update(impl, &before, &after, &step, err);
}

typedef struct evidence_rows {
    void (*fn)(int64_t row, const jz_feed_row *r, void *arg);
    void *arg;
} evidence_rows;

static void evidence_row(sqlite3_stmt *st, void *arg)
{
    evidence_rows *e = arg;
    jz_feed_row r;
    memset(&r, 0, sizeof r);
    r.dept = (uint8_t)sqlite3_column_int(st, 1);
    r.event = (uint8_t)sqlite3_column_int(st, 2);
    jz__sq_copy_text(r.id, sizeof r.id, st, 3);
    jz__sq_copy_text(r.name, sizeof r.name, st, 4);
    r.date = sqlite3_column_int(st, 5);
    r.amount = sqlite3_column_int64(st, 6);
    r.level = sqlite3_column_int(st, 7);
    jz__sq_copy_text(r.code, sizeof r.code, st, 8);
    r.line = (long)sqlite3_column_int64(st, 9);
    e->fn(sqlite3_column_int64(st, 0), &r, e->arg);
}

jz_err jz__sq_alert_evidence(void *impl, int64_t id,
                             void (*fn)(int64_t row, const jz_feed_row *r, void *arg), void *arg,
                             jz_error *err)
{
    evidence_rows e = {fn, arg};
    return jz__sq_each(impl,
                       "SELECT f.row, f.dept, f.event, f.id_number, f.name, f.on_date, f.amount,"
                       " f.level, f.code, f.line FROM alert_evidence e"
                       " JOIN feed_rows f ON f.row = e.row WHERE e.alert = ?"
                       " ORDER BY f.on_date, f.row",
                       id, NULL, evidence_row, &e, "查询预警依据", err);
}

static void read_alert(sqlite3_stmt *st, jz_stored_alert *a)
{
    memset(a, 0, sizeof *a);
    int k = 0;
    a->id = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(a->county, sizeof a->county, st, k++);
    jz__sq_copy_text(a->region, sizeof a->region, st, k++);
    a->category = (uint8_t)sqlite3_column_int(st, k++);
    a->indicator = (uint8_t)sqlite3_column_int(st, k++);
    a->severity = (uint8_t)sqlite3_column_int(st, k++);
    jz__sq_copy_text(a->id_number, sizeof a->id_number, st, k++);
    jz__sq_copy_text(a->name, sizeof a->name, st, k++);
    jz__sq_copy_text(a->household_id, sizeof a->household_id, st, k++);
    a->dept = (uint8_t)sqlite3_column_int(st, k++);
    a->amount = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(a->detail, sizeof a->detail, st, k++);
    jz__sq_copy_text(a->evidence, sizeof a->evidence, st, k++);
    a->raised_on = sqlite3_column_int(st, k++);
    a->due_on = sqlite3_column_int(st, k++);
    a->status = (uint8_t)sqlite3_column_int(st, k++);
}

jz_err jz__sq_alert_list(void *impl, const char *prefix, int category, bool open_only,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                         jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT " ALERT_COLUMNS " FROM alerts"
                           " WHERE (?1 = '' OR substr(region, 1, length(?1)) = ?1)"
                           " AND (?2 < 0 OR category = ?2) AND (?3 = 0 OR status <> 3)"
                           " ORDER BY due_on, severity DESC, alert",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询预警");
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, category);
    sqlite3_bind_int(st, 3, open_only);
    int s;
    jz_stored_alert a;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        read_alert(st, &a);
        fn(&a, arg);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询预警");
}

jz_err jz__sq_alert_get(void *impl, int64_t id, jz_stored_alert *a, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, "SELECT " ALERT_COLUMNS " FROM alerts WHERE alert = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询预警");
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        read_alert(st, a);
    sqlite3_finalize(st);
    if (s == SQLITE_ROW)
        return JZ_OK;
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "查询预警");
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)id);
    return jz_error_set(err, JZ_ENOTFOUND, "alert", v, "没有这条预警");
}

static char *alert_json(const jz_stored_alert *a)
{
    json_t *o = json_pack("{s:I,s:i,s:i,s:i,s:s,s:s,s:s,s:i,s:s,s:i}", "alert", (json_int_t)a->id,
                          "category", a->category, "indicator", a->indicator, "severity",
                          a->severity, "id_number", a->id_number, "household_id", a->household_id,
                          "detail", a->detail, "status", a->status, "evidence", a->evidence,
                          "due_on", a->due_on);
    char *t = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return t;
}

jz_err jz__sq_alert_update(void *impl, const jz_stored_alert *before, const jz_stored_alert *after,
                           const jz_alert_step *step, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    char now[32];
    jz__sq_now(now, sizeof now);
    /* Only over the status it was read in (see the case's update). */
    if (sqlite3_prepare_v2(q->db, "UPDATE alerts SET status = ? WHERE alert = ? AND status = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "更新预警");
    sqlite3_bind_int(st, 1, after->status);
    sqlite3_bind_int64(st, 2, after->id);
    sqlite3_bind_int(st, 3, before->status);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "更新预警");
    if (sqlite3_changes(q->db) != 1) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)after->id);
        return jz_error_set(err, JZ_ECONFLICT, "alert", v,
                            "预警已被他人处置（状态已变），未写入任何内容：请重新查看后再办理");
    }
    if (sqlite3_prepare_v2(q->db,
                           "INSERT INTO alert_steps(alert, county, action, on_date, actor, note,"
                           " outcome, dept, kind, amount, case_id, assignee, recorded_at)"
                           " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录预警处置");
    int k = 1;
    sqlite3_bind_int64(st, k++, after->id);
    sqlite3_bind_text(st, k++, after->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, step->action, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, step->on);
    sqlite3_bind_text(st, k++, q->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, step->note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, step->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, step->dept);
    sqlite3_bind_text(st, k++, step->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, step->amount);
    sqlite3_bind_int64(st, k++, step->case_id);
    sqlite3_bind_text(st, k++, step->assignee, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, now, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "记录预警处置");
    char *b = alert_json(before), *a = alert_json(after), entity[48], action[32];
    json_t *aj = a ? json_loads(a, 0, NULL) : NULL;
    char d[JZ_DATE_BUF];
    jz_date_format(step->on, d, sizeof d);
    if (aj)
        json_object_set_new(aj, "step",
                            json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "action", step->action, "on",
                                      d, "note", step->note, "outcome", step->outcome, "kind",
                                      step->kind, "amount", (json_int_t)step->amount, "case",
                                      (json_int_t)step->case_id));
    char *full = aj ? json_dumps(aj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    snprintf(entity, sizeof entity, "alert:%lld", (long long)after->id);
    snprintf(action, sizeof action, "alert.%s", step->action);
    jz_err rc = full && b ? jz__sq_audit(q, after->county, action, entity, b, full, err)
                          : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    free(a);
    free(b);
    free(full);
    json_decref(aj);
    return rc;
}

typedef struct alert_rows {
    void (*fn)(const jz_stored_alert *a, void *arg);
    void *arg;
} alert_rows;

static void alert_row(sqlite3_stmt *st, void *arg)
{
    alert_rows *r = arg;
    jz_stored_alert a;
    read_alert(st, &a);
    r->fn(&a, r->arg);
}

jz_err jz__sq_alert_find(void *impl, const char *key,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                         jz_error *err)
{
    alert_rows r = {fn, arg};
    return jz__sq_each(impl,
                       "SELECT " ALERT_COLUMNS " FROM alerts WHERE id_number = ?1"
                       " OR household_id = ?1 ORDER BY raised_on, alert",
                       0, key, alert_row, &r, "查询预警", err);
}

typedef struct alert_step_rows {
    int64_t alert;
    void (*fn)(const jz_alert_step *st, void *arg);
    void *arg;
} alert_step_rows;

static void alert_step_row(sqlite3_stmt *st, void *arg)
{
    alert_step_rows *r = arg;
    jz_alert_step x;
    memset(&x, 0, sizeof x);
    x.alert = r->alert;
    jz__sq_copy_text(x.action, sizeof x.action, st, 0);
    x.on = sqlite3_column_int(st, 1);
    jz__sq_copy_text(x.actor, sizeof x.actor, st, 2);
    jz__sq_copy_text(x.note, sizeof x.note, st, 3);
    jz__sq_copy_text(x.outcome, sizeof x.outcome, st, 4);
    x.dept = (uint8_t)sqlite3_column_int(st, 5);
    jz__sq_copy_text(x.kind, sizeof x.kind, st, 6);
    x.amount = sqlite3_column_int64(st, 7);
    x.case_id = sqlite3_column_int64(st, 8);
    jz__sq_copy_text(x.assignee, sizeof x.assignee, st, 9);
    r->fn(&x, r->arg);
}

jz_err jz__sq_alert_steps(void *impl, int64_t alert,
                          void (*fn)(const jz_alert_step *st, void *arg), void *arg,
                          jz_error *err)
{
    alert_step_rows r = {alert, fn, arg};
    return jz__sq_each(impl,
                       "SELECT action, on_date, actor, note, outcome, dept, kind, amount,"
                       " case_id, assignee FROM alert_steps WHERE alert = ? ORDER BY step",
                       alert, NULL, alert_step_row, &r, "查询预警处置", err);
}

typedef struct person_rows {
    const char *id;
    void (*fn)(const jz_feed_row *r, void *arg);
    void *arg;
} person_rows;

static void person_row(sqlite3_stmt *st, void *arg)
{
    person_rows *p = arg;
    jz_feed_row r;
    memset(&r, 0, sizeof r);
    r.dept = (uint8_t)sqlite3_column_int(st, 0);
    r.event = (uint8_t)sqlite3_column_int(st, 1);
    snprintf(r.id, sizeof r.id, "%s", p->id);
    jz__sq_copy_text(r.name, sizeof r.name, st, 2);
    r.date = sqlite3_column_int(st, 3);
    r.amount = sqlite3_column_int64(st, 4);
    r.level = sqlite3_column_int(st, 5);
    jz__sq_copy_text(r.code, sizeof r.code, st, 6);
    r.line = (long)sqlite3_column_int64(st, 7);
    p->fn(&r, p->arg);
}

jz_err jz__sq_feed_person(void *impl, const char *id_number,
                          void (*fn)(const jz_feed_row *r, void *arg), void *arg, jz_error *err)
{
    person_rows p = {id_number, fn, arg};
    return jz__sq_each(impl,
                       "SELECT dept, event, name, on_date, amount, level, code, line"
                       " FROM feed_rows WHERE id_number = ? ORDER BY on_date, row",
                       0, id_number, person_row, &p, "查询部门数据", err);
}
