/*
 * pg_registry.c - the PostgreSQL backend's registry: households and their
 * records and members (R-HH-3 through the person_ids directory), imports,
 * the snapshot the engine reads (COPY ... TO STDOUT), determinations,
 * record versions.  The same facts and errors as store_sqlite.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_case.h"
#include "pg_int.h"
#include "pg_registry.h"

#define HH_CLASH_SQL                                                                               \
    "SELECT p.id_number, h.household_id FROM person_ids p JOIN household_ids h"                    \
    " ON h.county = p.county AND h.hh = p.hh WHERE p.id_number = ANY($1::text[])"                  \
    " AND h.household_id <> $2"

/* A text[] literal of the members' ID numbers ({"a","b"}: ID numbers are
 * digits and X, nothing to escape). */
static char *id_array(const jz_household *h)
{
    size_t cap = 3 + (size_t)h->n_members * (JZ_IDNUM_BUF + 3);
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t n = 0;
    s[n++] = '{';
    for (uint32_t i = 0; i < h->n_members; i++)
        n += (size_t)snprintf(s + n, cap - n, "%s\"%s\"", i ? "," : "", h->members[i].id);
    s[n++] = '}';
    s[n] = '\0';
    return s;
}

/* R-HH-3: the first member (in order) who belongs to another household. */
static jz_err check_owners(pg *q, const jz_household *h, jz__member_clash *clash, jz_error *err)
{
    char *ids = id_array(h);
    if (!ids)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, ids);
    jz__pg_p_text(&p, h->household_id);
    jz_err rc;
    PGresult *r = jz__pg_run(q, HH_CLASH_SQL, &p, "查找成员", &rc, err);
    free(ids);
    if (!r)
        return rc;
    int best = -1;
    for (int row = 0; row < PQntuples(r); row++)
        for (uint32_t i = 0; i < h->n_members; i++)
            if (strcmp(h->members[i].id, jz__pg_text(r, row, 0)) == 0 &&
                (best < 0 || (int)i < best)) {
                best = (int)i;
                snprintf(clash->other, sizeof clash->other, "%s", jz__pg_text(r, row, 1));
            }
    PQclear(r);
    if (best >= 0) {
        clash->member = best;
        return JZ_EINPUT;
    }
    return JZ_OK;
}

static jz_err insert_member(pg *q, int64_t hh, int idx, const char *county, const jz_member *m,
                            jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, hh);
    jz__pg_p_int(&p, idx);
    jz__pg_p_text(&p, county);
    jz__pg_p_text(&p, m->id);
    jz__pg_p_text(&p, m->name ? m->name : "");
    jz__pg_p_int(&p, m->birth);
    jz__pg_p_int(&p, m->deceased);
    jz__pg_p_int(&p, m->relation);
    jz__pg_p_int(&p, m->presence);
    jz__pg_p_int(&p, m->employment);
    jz__pg_p_int(&p, m->hardship);
    jz__pg_p_int(&p, m->disability);
    jz__pg_p_int(&p, m->disability_grade);
    jz__pg_p_int(&p, m->student_level);
    jz__pg_p_int(&p, m->self_care_failed);
    jz__pg_p_int(&p, jz__member_flags(m));
    jz__pg_p_int(&p, m->n_supporters);
    jz__pg_p_int(&p, m->supporters_unable);
    jz__pg_p_int(&p, (int64_t)m->supporter_status);
    jz__pg_p_int(&p, m->months_without_income);
    jz__pg_p_int(&p, m->vehicles);
    jz__pg_p_int(&p, m->extra_houses);
    jz__pg_p_int(&p, m->financial);
    for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
        jz__pg_p_int(&p, m->income[k]);
    jz__pg_p_int(&p, m->income_not_counted);
    for (int k = 0; k < JZ_EXP_COUNT; k++)
        jz__pg_p_int(&p, m->expenses[k]);
    jz__pg_p_int(&p, m->current_programme);
    jz__pg_p_int(&p, m->current_since);
    jz__pg_p_int(&p, m->current_amount);
    jz_err rc;
    /* 44 columns, in the table's order (pg_schema.c). */
    PGresult *r = jz__pg_run(
        q,
        "INSERT INTO members VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,"
        "$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31,$32,$33,$34,$35,$36,$37,$38,$39,"
        "$40,$41,$42,$43,$44)",
        &p, "写入成员", &rc, err);
    if (!r)
        return rc;
    PQclear(r);
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, m->id);
    jz__pg_p_text(&p, county);
    jz__pg_p_int(&p, hh);
    bool unique;
    r = jz__pg_run_unique(q, "INSERT INTO person_ids VALUES($1, $2, $3)", &p, "写入成员", &unique,
                          &rc, err);
    if (!r)
        return unique ? jz_error_set(err, JZ_EIO, "members", m->id,
                                     "此人刚被同时写入另一户（R-HH-3），本批未写入，请重试")
                      : rc;
    PQclear(r);
    return JZ_OK;
}

static void household_params(jz__pg_params *p, int64_t hh, const jz_household *h,
                             const char *county)
{
    jz__pg_p_reset(p);
    jz__pg_p_int(p, hh);
    jz__pg_p_text(p, h->household_id);
    jz__pg_p_text(p, county);
    jz__pg_p_text(p, h->region.code);
    jz__pg_p_int(p, h->area);
    jz__pg_p_int(p, h->assess_date);
    jz__pg_p_int(p, h->current_programme);
    jz__pg_p_int(p, h->current_since);
    jz__pg_p_int(p, h->current_amount);
    jz__pg_p_int(p, (int)h->n_members);
}

/* ---- new households held for COPY ------------------------------------------------- */

/* The tables a new household writes, in the order they are copied (the
 * households first: the others refer to them), and those of a
 * determination (a reassessment's batch). */
enum { T_HH, T_IDS, T_REC, T_MEM, T_PID, T_ENR, T_TERM, T_DIRTY, T_DET, N_T };
static const char *const copy_sql[N_T] = {
    ("COPY households(hh, household_id, county, region, area, assess_date, current_programme,"
     " current_since, current_amount, n_members) FROM STDIN"),
    "COPY household_ids(household_id, county, hh) FROM STDIN",
    "COPY household_records(hh, county, record, source, updated_at) FROM STDIN",
    "COPY members FROM STDIN",
    "COPY person_ids(id_number, county, hh) FROM STDIN",
    ("COPY enrolments(enrolment, county, hh, region, household_id, case_id, member, label,"
     " programme, persons, monthly, first_month, status, end_month, next_review, review_months,"
     " death_check_due, to_recover, stop_reason, member_id, judged, origin) FROM STDIN"),
    "COPY enrol_terms(enrolment, since, county, monthly, persons) FROM STDIN",
    "COPY pay_dirty(enrolment, county) FROM STDIN",
    "COPY determinations FROM STDIN",
};

typedef struct tbuf {
    char *p;
    size_t n, cap;
    bool nomem;
} tbuf;

/* A small string set (open addressing): the keys held, each with the
 * index of its household in the batch. */
typedef struct kset {
    struct kent {
        char key[JZ_HOUSEHOLD_ID_MAX > JZ_IDNUM_BUF ? JZ_HOUSEHOLD_ID_MAX : JZ_IDNUM_BUF];
        uint32_t hh; /* index into ids */
        bool used;
    } *e;
    size_t n, cap;
} kset;

struct pg_pending_rows {
    tbuf t[N_T];
    kset households, people;
    char (*ids)[JZ_HOUSEHOLD_ID_MAX]; /* the batch's households, in order */
    int64_t *keys;                    /* and their keys (hh) */
    size_t n, cap;
};

/* The households this transaction made (held or already copied), by ID:
 * their key and county, for the enrolments an import adopts
 * (jz__pg_hold_enrolment).  Forgotten at the end of the transaction. */
struct pg_newhh {
    kset ids;
    int64_t *keys;
    char (*county)[7];
    size_t n, cap;
};

static struct pg_pending_rows *rows_of(pg *q, jz_error *err)
{
    if (!q->rows && !(q->rows = calloc(1, sizeof *q->rows)))
        jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    return q->rows;
}

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The household index of key, or -1. */
static long kset_get(const kset *k, const char *key)
{
    if (!k->cap)
        return -1;
    for (size_t i = fnv(key) & (k->cap - 1);; i = (i + 1) & (k->cap - 1)) {
        if (!k->e[i].used)
            return -1;
        if (strcmp(k->e[i].key, key) == 0)
            return k->e[i].hh;
    }
}

static bool kset_put(kset *k, const char *key, uint32_t hh)
{
    if (2 * (k->n + 1) > k->cap) {
        size_t nc = k->cap ? 2 * k->cap : 1024;
        struct kent *e = calloc(nc, sizeof *e);
        if (!e)
            return false;
        for (size_t i = 0; i < k->cap; i++)
            if (k->e[i].used) {
                size_t j = fnv(k->e[i].key) & (nc - 1);
                while (e[j].used)
                    j = (j + 1) & (nc - 1);
                e[j] = k->e[i];
            }
        free(k->e);
        k->e = e;
        k->cap = nc;
    }
    size_t i = fnv(key) & (k->cap - 1);
    while (k->e[i].used)
        i = (i + 1) & (k->cap - 1);
    snprintf(k->e[i].key, sizeof k->e[i].key, "%s", key);
    k->e[i].hh = hh;
    k->e[i].used = true;
    k->n++;
    return true;
}

static void put_raw(tbuf *b, const char *s, size_t n)
{
    if (b->nomem)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 1 << 16;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *g = realloc(b->p, nc);
        if (!g) {
            b->nomem = true;
            return;
        }
        b->p = g;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

/* A text field in COPY's text format, then a tab (or, last, a newline). */
static void put_text(tbuf *b, const char *s, bool last)
{
    const char *run = s;
    for (const char *c = s; *c; c++) {
        const char *esc = *c == '\\' ? "\\\\" : *c == '\t' ? "\\t" : *c == '\n' ? "\\n"
                        : *c == '\r' ? "\\r" : NULL;
        if (!esc)
            continue;
        put_raw(b, run, (size_t)(c - run));
        put_raw(b, esc, 2);
        run = c + 1;
    }
    put_raw(b, run, strlen(run));
    put_raw(b, last ? "\n" : "\t", 1);
}

/* An integer field, then a tab (or, last, a newline): its digits written
 * from the end, as snprintf's "%lld" would (which was a tenth of a bulk
 * write's client time). */
static void put_int(tbuf *b, int64_t v, bool last)
{
    char t[24], *end = t + sizeof t, *p = end;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    *--p = last ? '\n' : '\t';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    put_raw(b, p, (size_t)(end - p));
}

void jz__pg_newhh_drop(pg *q)
{
    struct pg_newhh *h = q->newhh;
    if (!h)
        return;
    free(h->ids.e);
    free(h->keys);
    free(h->county);
    free(h);
    q->newhh = NULL;
}

/* Remembers a new household of the transaction; out of memory, forgets
 * them all (the adoptions then use statements). */
static void newhh_put(pg *q, const char *household_id, int64_t hh, const char *county)
{
    struct pg_newhh *h = q->newhh;
    if (!h && !(h = q->newhh = calloc(1, sizeof *h)))
        return;
    if (h->n == h->cap) {
        size_t nc = h->cap ? 2 * h->cap : 1024;
        int64_t *k = realloc(h->keys, nc * sizeof *k);
        if (k)
            h->keys = k;
        char(*c)[7] = k ? realloc(h->county, nc * sizeof *c) : NULL;
        if (!c) {
            jz__pg_newhh_drop(q);
            return;
        }
        h->county = c;
        h->cap = nc;
    }
    if (kset_get(&h->ids, household_id) >= 0 || !kset_put(&h->ids, household_id, (uint32_t)h->n)) {
        /* held twice (a household of the batch put again): not known for sure */
        jz__pg_newhh_drop(q);
        return;
    }
    h->keys[h->n] = hh;
    snprintf(h->county[h->n], sizeof h->county[h->n], "%s", county);
    h->n++;
}

void jz__pg_rows_drop(pg *q)
{
    struct pg_pending_rows *r = q->rows;
    if (!r)
        return;
    for (int i = 0; i < N_T; i++)
        free(r->t[i].p);
    free(r->households.e);
    free(r->people.e);
    free(r->ids);
    free(r->keys);
    free(r);
    q->rows = NULL;
}

/* A reassessment that replaces stored determinations (det_stage, set by
 * jz__pg_clear_determinations) COPYs its rows into a temporary table, then
 * writes them by one upsert: a determination is updated in place (no index
 * entry, no unique check), where deleting the old rows and inserting new
 * ones made every insert's unique check visit the dead rows (a COPY of
 * 100,000 determinations took 3.6 to 5.7 s after a DELETE in the same
 * transaction, 2.0 to 2.8 s into empty partitions). */
#define STAGE_COPY "COPY jz_stage_det FROM STDIN"
#define STAGE_MERGE                                                                                \
    "INSERT INTO determinations SELECT * FROM jz_stage_det ON CONFLICT (county, hh) DO UPDATE"     \
    " SET run = excluded.run, pv = excluded.pv, assess_date = excluded.assess_date,"               \
    " category = excluded.category, causes = excluded.causes,"                                     \
    " monthly_amount = excluded.monthly_amount, counted_members = excluded.counted_members,"       \
    " standard = excluded.standard, income = excluded.income, deductible = excluded.deductible,"   \
    " financial = excluded.financial, exit_until = excluded.exit_until,"                           \
    " decisive = excluded.decisive, record_version = excluded.record_version,"                     \
    " persons = excluded.persons, tekun = excluded.tekun, tekun_amount = excluded.tekun_amount,"   \
    " single = excluded.single, single_amount = excluded.single_amount,"                           \
    " units_amount = excluded.units_amount;"                                                       \
    "TRUNCATE jz_stage_det"

static jz_err copy_in(pg *q, const char *sql, const tbuf *b, jz_error *err)
{
    /* On a coordinator, COPY into a partitioned table would send the
     * shards a statement per row: the rows go to a staging table, then to
     * the shards by one INSERT ... SELECT, in batches (pg_shard.c). */
    char stage[400], insert[400];
    jz_err src = jz__pg_shard_stage(q, sql, stage, insert, sizeof stage, err);
    if (src)
        return src;
    PGresult *r = PQexec(q->c, stage[0] ? stage : sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        jz_err rc = jz__pg_error(q, r, err, "写入户");
        PQclear(r);
        return rc;
    }
    PQclear(r);
    int ok = PQputCopyData(q->c, b->p, (int)b->n) == 1;
    ok = PQputCopyEnd(q->c, ok ? NULL : "jiuzhu: 写入中断") == 1 && ok;
    jz_err rc = JZ_OK;
    while ((r = PQgetResult(q->c)) != NULL) {
        if (!rc && PQresultStatus(r) != PGRES_COMMAND_OK)
            rc = strcmp(jz__pg_state(r), "23505") == 0
                     ? jz_error_set(err, JZ_EBUSY, "household_id", NULL,
                                    "有户或成员刚被另一个写入者同时写入（R-HH-3），本批未写入，请重试")
                     : jz__pg_error(q, r, err, "写入户");
        PQclear(r);
    }
    if (!rc && !ok)
        rc = jz__pg_error(q, NULL, err, "写入户");
    if (!rc && stage[0]) {
        r = PQexec(q->c, insert);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            rc = strcmp(jz__pg_state(r), "23505") == 0
                     ? jz_error_set(err, JZ_EBUSY, "household_id", NULL,
                                    "有户或成员刚被另一个写入者同时写入（R-HH-3），本批未写入，请重试")
                     : jz__pg_error(q, r, err, "写入户");
        PQclear(r);
    }
    return rc;
}

static void prefetch_learn(pg *q, const struct pg_pending_rows *r);

jz_err jz__pg_rows_flush(pg *q, jz_error *err)
{
    struct pg_pending_rows *r = q->rows;
    if (!r)
        return JZ_OK;
    prefetch_learn(q, r);
    q->rows = NULL; /* the COPYs below are statements too */
    /* The foreign keys' checks of the rows, one query each on a plain
     * table (the county's households, runs, param_values: pg_schema.c),
     * planned once for the COPYs rather than at every row (the session's
     * force_custom_plan, store_pg.c). */
    const char *local = q->in_tx ? "LOCAL " : "";
    char set[80];
    snprintf(set, sizeof set, "SET %splan_cache_mode = force_generic_plan", local);
    jz_err rc = jz__pg_exec(q, set, err);
    bool staged = false;
    for (int i = 0; i < N_T && !rc; i++) {
        bool stage = q->det_stage && i == T_DET;
        if (r->t[i].nomem)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        else if (r->t[i].n)
            rc = copy_in(q, stage ? STAGE_COPY : copy_sql[i], &r->t[i], err);
        staged |= stage && r->t[i].n;
    }
    if (!rc && staged)
        rc = jz__pg_exec(q, STAGE_MERGE, err);
    /* (A failed transaction forgets its SET LOCAL; a session's is set
     * back whatever happened.) */
    snprintf(set, sizeof set, "SET %splan_cache_mode = force_custom_plan", local);
    if (!rc || !q->in_tx) {
        jz_err back = jz__pg_exec(q, set, rc ? NULL : err);
        rc = rc ? rc : back;
    }
    q->rows = r;
    jz__pg_rows_drop(q);
    return rc;
}

/* A key from the sequence seq, taken 512 at a time and kept by the
 * connection in pool (a key never used is a gap, as after a rollback). */
static jz_err take_key(pg *q, struct jz__pg_keys *pool, const char *seq, const char *what,
                       int64_t *key, jz_error *err)
{
    if (pool->next == pool->n) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT nextval('%s') FROM generate_series(1, 512)", seq);
        jz_err rc;
        PGresult *res = jz__pg_run(q, sql, NULL, what, &rc, err);
        if (!res)
            return rc;
        pool->n = PQntuples(res) < 512 ? PQntuples(res) : 512;
        for (int i = 0; i < pool->n; i++)
            pool->k[i] = jz__pg_int(res, i, 0);
        pool->next = 0;
        PQclear(res);
        if (!pool->n)
            return jz_error_set(err, JZ_EIO, NULL, NULL, "%s失败：无法取得编号", what);
    }
    *key = pool->k[pool->next++];
    return JZ_OK;
}

static jz_err new_key(pg *q, int64_t *hh, jz_error *err)
{
    return take_key(q, &q->hh_keys, "households_hh_seq", "写入户", hh, err);
}

jz_err jz__pg_hold_enrolment(pg *q, jz_enrolment *e, bool *held, jz_error *err)
{
    const struct pg_newhh *nh = q->newhh;
    long self = nh && q->in_tx ? kset_get(&nh->ids, e->household_id) : -1;
    *held = false;
    if (self < 0 || e->case_id || strcmp(nh->county[self], e->county) != 0)
        return JZ_OK;
    int64_t hh = nh->keys[self], id = 0;
    q->in_put = true; /* the key's statement reads nothing held */
    jz_err rc = take_key(q, &q->enr_keys, "enrolments_enrolment_seq", "写入救助对象", &id, err);
    q->in_put = false;
    struct pg_pending_rows *r = rc ? NULL : rows_of(q, err);
    if (rc || !r)
        return rc ? rc : JZ_ENOMEM;
    e->id = id;
    tbuf *b = &r->t[T_ENR];
    put_int(b, id, false);
    put_text(b, e->county, false);
    put_int(b, hh, false);
    put_text(b, e->region, false);
    put_text(b, e->household_id, false);
    put_raw(b, "\\N\t", 3); /* case_id: none (an import's) */
    put_int(b, e->member, false);
    put_text(b, e->label, false);
    const int64_t a[] = {e->programme, e->persons, e->monthly};
    for (size_t k = 0; k < sizeof a / sizeof a[0]; k++)
        put_int(b, a[k], false);
    put_text(b, e->first_month, false);
    put_int(b, e->status, false);
    put_text(b, e->end_month, false);
    const int64_t c[] = {e->next_review, e->review_months, e->death_check_due, e->to_recover};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++)
        put_int(b, c[k], false);
    put_text(b, e->stop_reason, false);
    put_text(b, e->member_id, false);
    put_int(b, e->judged, false);
    put_text(b, e->origin, true);
    if (e->first_month[0]) {
        put_int(&r->t[T_TERM], id, false);
        put_text(&r->t[T_TERM], e->first_month, false);
        put_text(&r->t[T_TERM], e->county, false);
        put_int(&r->t[T_TERM], e->monthly, false);
        put_int(&r->t[T_TERM], e->persons, true);
    }
    put_int(&r->t[T_DIRTY], id, false);
    put_text(&r->t[T_DIRTY], e->county, true);
    *held = true;
    return JZ_OK;
}

/* A new household, held for COPY. */
static jz_err hold_household(pg *q, const jz_household *h, const char *record, const char *source,
                             const char *county, const char *now, jz_error *err)
{
    struct pg_pending_rows *r = rows_of(q, err);
    if (!r)
        return JZ_ENOMEM;
    int64_t hh = 0;
    jz_err rc = new_key(q, &hh, err);
    if (rc)
        return rc;
    if (r->n == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 256;
        char(*g)[JZ_HOUSEHOLD_ID_MAX] = realloc(r->ids, nc * sizeof *g);
        if (g)
            r->ids = g;
        int64_t *k = g ? realloc(r->keys, nc * sizeof *k) : NULL;
        if (!k)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        r->keys = k;
        r->cap = nc;
    }
    uint32_t self = (uint32_t)r->n++;
    snprintf(r->ids[self], JZ_HOUSEHOLD_ID_MAX, "%s", h->household_id);
    r->keys[self] = hh;
    newhh_put(q, h->household_id, hh, county);
    if (!kset_put(&r->households, h->household_id, self))
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    tbuf *t = r->t;
    put_int(&t[T_HH], hh, false);
    put_text(&t[T_HH], h->household_id, false);
    put_text(&t[T_HH], county, false);
    put_text(&t[T_HH], h->region.code, false);
    put_int(&t[T_HH], h->area, false);
    put_int(&t[T_HH], h->assess_date, false);
    put_int(&t[T_HH], h->current_programme, false);
    put_int(&t[T_HH], h->current_since, false);
    put_int(&t[T_HH], h->current_amount, false);
    put_int(&t[T_HH], (int)h->n_members, true);
    put_text(&t[T_IDS], h->household_id, false);
    put_text(&t[T_IDS], county, false);
    put_int(&t[T_IDS], hh, true);
    put_int(&t[T_REC], hh, false);
    put_text(&t[T_REC], county, false);
    put_text(&t[T_REC], record, false);
    put_text(&t[T_REC], source ? source : "", false);
    put_text(&t[T_REC], now, true);
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        tbuf *b = &t[T_MEM];
        put_int(b, hh, false);
        put_int(b, (int)i, false);
        put_text(b, county, false);
        put_text(b, m->id, false);
        put_text(b, m->name ? m->name : "", false);
        const int64_t a[] = {m->birth,          m->deceased,         m->relation,
                             m->presence,       m->employment,       m->hardship,
                             m->disability,     m->disability_grade, m->student_level,
                             m->self_care_failed, jz__member_flags(m), m->n_supporters,
                             m->supporters_unable, (int64_t)m->supporter_status,
                             m->months_without_income, m->vehicles, m->extra_houses,
                             m->financial};
        for (size_t k = 0; k < sizeof a / sizeof a[0]; k++)
            put_int(b, a[k], false);
        for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
            put_int(b, m->income[k], false);
        put_int(b, m->income_not_counted, false);
        for (int k = 0; k < JZ_EXP_COUNT; k++)
            put_int(b, m->expenses[k], false);
        put_int(b, m->current_programme, false);
        put_int(b, m->current_since, false);
        put_int(b, m->current_amount, true);
        put_text(&t[T_PID], m->id, false);
        put_text(&t[T_PID], county, false);
        put_int(&t[T_PID], hh, true);
        if (!kset_put(&r->people, m->id, self))
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    return JZ_OK;
}

/* R-HH-3 within the batch held: a member of another held household. */
static jz_err check_held(const pg *q, const jz_household *h, jz__member_clash *clash)
{
    const struct pg_pending_rows *r = q->rows;
    if (!r)
        return JZ_OK;
    for (uint32_t i = 0; i < h->n_members; i++) {
        long other = kset_get(&r->people, h->members[i].id);
        if (other >= 0 && strcmp(r->ids[other], h->household_id) != 0) {
            clash->member = (int)i;
            snprintf(clash->other, sizeof clash->other, "%s", r->ids[other]);
            return JZ_EINPUT;
        }
    }
    return JZ_OK;
}

/* Household hh's rows moved from county `from` to `to`. */
static jz_err move_household(pg *q, int64_t hh, const char *from, const char *to, jz_error *err)
{
    /* Copied, then deleted: the household tables' keys are each county's
     * (jz_household_keys), so an UPDATE of the county would take a
     * household's rows away with it (and on a coordinator it would be sent
     * to the old shard as it is, postgres_fdw's direct modification, not
     * moved).  The household's row first goes to its new county (its
     * dependants' keys are checked against it there), then they follow,
     * then the old row goes (it would take them along).  Its cases and
     * enrolments have followed its directory row (household_ids, which
     * the caller moved first: their keys cascade). */
    static const char *const moves[] = {
        "INSERT INTO households SELECT (jsonb_populate_record(NULL::households,"
        " to_jsonb(x) || jsonb_build_object('county', $3::text))).* FROM households x"
        " WHERE county = $1 AND hh = $2",
        "INSERT INTO household_records SELECT (jsonb_populate_record(NULL::household_records,"
        " to_jsonb(x) || jsonb_build_object('county', $3::text))).* FROM household_records x"
        " WHERE county = $1 AND hh = $2",
        "DELETE FROM household_records WHERE county = $1 AND hh = $2 AND $3::text <> ''",
        "INSERT INTO determinations SELECT (jsonb_populate_record(NULL::determinations,"
        " to_jsonb(x) || jsonb_build_object('county', $3::text))).* FROM determinations x"
        " WHERE county = $1 AND hh = $2",
        "DELETE FROM determinations WHERE county = $1 AND hh = $2 AND $3::text <> ''",
        "INSERT INTO household_record_history SELECT"
        " (jsonb_populate_record(NULL::household_record_history,"
        " to_jsonb(x) || jsonb_build_object('county', $3::text))).*"
        " FROM household_record_history x WHERE county = $1 AND hh = $2",
        "DELETE FROM household_record_history WHERE county = $1 AND hh = $2 AND $3::text <> ''",
        "DELETE FROM households WHERE county = $1 AND hh = $2 AND $3::text <> ''",
    };
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, from);
    jz__pg_p_int(&p, hh);
    jz__pg_p_text(&p, to);
    jz_err rc = JZ_OK;
    for (size_t i = 0; !rc && i < sizeof moves / sizeof moves[0]; i++)
        rc = jz__pg_do(q, moves[i], &p, "把户移到新的县", NULL, err);
    return rc;
}

/* A household that exists (or a new one outside a transaction): its
 * statements at once. */
static jz_err put_now(pg *q, const jz_household *h, const char *record, const char *source,
                      jz__member_clash *clash, char **replaced, jz_error *err)
{
    *replaced = NULL;
    char county[7], now[32];
    jz_region_county(&h->region, county);
    jz__now_text(now, sizeof now);
    jz_err rc;
    if ((rc = jz__pg_county_parts(q, county, JZ__PG_PART_HOUSEHOLD, err)))
        return rc;
    /* Nothing is written before R-HH-3 is known to hold: a refused
     * household leaves nothing behind, new or replacing. */
    if ((rc = check_owners(q, h, clash, err)))
        return rc;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, h->household_id);
    PGresult *r = jz__pg_run(q,
                             "SELECT county, hh FROM household_ids WHERE household_id = $1"
                             " FOR UPDATE",
                             &p, "查找户", &rc, err);
    if (!r)
        return rc;
    bool is_new = PQntuples(r) == 0;
    char old_county[7] = "";
    int64_t hh = 0;
    if (!is_new) {
        jz__pg_copy_text(old_county, sizeof old_county, r, 0, 0);
        hh = jz__pg_int(r, 0, 1);
    }
    PQclear(r);
    if (is_new) {
        r = jz__pg_run(q, "SELECT nextval('households_hh_seq')", NULL, "写入户", &rc, err);
        if (!r)
            return rc;
        hh = jz__pg_int(r, 0, 0);
        PQclear(r);
        household_params(&p, hh, h, county);
        r = jz__pg_run(q,
                       "INSERT INTO households(hh, household_id, county, region, area,"
                       " assess_date, current_programme, current_since, current_amount,"
                       " n_members) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                       &p, "写入户", &rc, err);
        if (!r)
            return rc;
        PQclear(r);
        jz__pg_p_reset(&p);
        jz__pg_p_text(&p, h->household_id);
        jz__pg_p_text(&p, county);
        jz__pg_p_int(&p, hh);
        bool unique;
        r = jz__pg_run_unique(q, "INSERT INTO household_ids VALUES($1, $2, $3)", &p, "写入户",
                              &unique, &rc, err);
        if (!r)
            return unique ? jz_error_set(err, JZ_EBUSY, "household_id", h->household_id,
                                         "这一户正被同时写入，请重试")
                          : rc;
        PQclear(r);
    } else {
        /* Replacing: the old record is kept as a version of the household,
         * the old members go, the old determination stays (stale). */
        jz__pg_p_reset(&p);
        jz__pg_p_text(&p, old_county);
        jz__pg_p_int(&p, hh);
        r = jz__pg_run(q, "SELECT record FROM household_records WHERE county = $1 AND hh = $2", &p,
                       "查找户", &rc, err);
        if (!r)
            return rc;
        *replaced = strdup(PQntuples(r) ? jz__pg_text(r, 0, 0) : "");
        PQclear(r);
        if (!*replaced)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        jz__pg_p_text(&p, now);
        jz__pg_p_text(&p, q->actor);
        r = jz__pg_run(q,
                       "INSERT INTO household_record_history SELECT r.hh, h.version, r.county,"
                       " r.record, r.source, r.updated_at, $3, $4 FROM household_records r"
                       " JOIN households h ON h.county = r.county AND h.hh = r.hh"
                       " WHERE r.county = $1 AND r.hh = $2",
                       &p, "保存户记录的旧版本", &rc, err);
        if (!r)
            return rc;
        PQclear(r);
        p.n = 2;
        r = jz__pg_run(q, "DELETE FROM members WHERE county = $1 AND hh = $2", &p, "替换户", &rc,
                       err);
        if (r) {
            PQclear(r);
            r = jz__pg_run(q, "DELETE FROM person_ids WHERE county = $1 AND hh = $2", &p,
                           "替换户", &rc, err);
        }
        if (!r)
            return rc;
        PQclear(r);
        /* A household that moved county moves its directory row (its
         * cases and enrolments follow it), then its rows to the new
         * county's partitions. */
        if (strcmp(old_county, county) != 0) {
            jz__pg_p_reset(&p);
            jz__pg_p_text(&p, h->household_id);
            jz__pg_p_text(&p, county);
            r = jz__pg_run(q, "UPDATE household_ids SET county = $2 WHERE household_id = $1", &p,
                           "写入户", &rc, err);
            if (!r)
                return rc;
            PQclear(r);
            if ((rc = move_household(q, hh, old_county, county, err)))
                return rc;
        }
        household_params(&p, hh, h, county);
        jz__pg_p_text(&p, county);
        r = jz__pg_run(q,
                       "UPDATE households SET county = $3, region = $4, area = $5,"
                       " assess_date = $6, current_programme = $7, current_since = $8,"
                       " current_amount = $9, n_members = $10, version = version + 1"
                       " WHERE county = $11 AND hh = $1 AND household_id = $2",
                       &p, "写入户", &rc, err);
        if (!r)
            return rc;
        PQclear(r);
        /* Live enrolments follow the household (jz__live_statuses). */
        jz__pg_p_reset(&p);
        jz__pg_p_text(&p, h->household_id);
        jz__pg_p_text(&p, h->region.code);
        jz__pg_p_text(&p, county);
        jz__pg_p_int(&p, jz__live_statuses());
        r = jz__pg_run(q,
                       "UPDATE enrolments SET region = $2, county = $3 WHERE household_id = $1"
                       " AND (($4::bigint >> status::int) & 1) = 1 AND region <> $2",
                       &p, "更新救助对象的地区", &rc, err);
        if (!r)
            return rc;
        PQclear(r);
    }
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, hh);
    jz__pg_p_text(&p, county);
    jz__pg_p_text(&p, record);
    jz__pg_p_text(&p, source ? source : "");
    jz__pg_p_text(&p, now);
    /* The household's row is this transaction's (written above): no other
     * writer adds its record meanwhile.  Not ON CONFLICT: a coordinator's
     * partitioned tables have no unique index to name (pg_shard.c). */
    int64_t n_set = 0;
    if ((rc = jz__pg_do(q,
                        "UPDATE household_records SET record = $3, source = $4, updated_at = $5"
                        " WHERE county = $2 AND hh = $1",
                        &p, "写入户记录", &n_set, err)))
        return rc;
    if (n_set == 0 &&
        (rc = jz__pg_do(q, "INSERT INTO household_records VALUES($1, $2, $3, $4, $5)", &p,
                        "写入户记录", NULL, err)))
        return rc;
    for (uint32_t i = 0; i < h->n_members; i++)
        if ((rc = insert_member(q, hh, (int)i, county, &h->members[i], err))) {
            clash->member = -1;
            return rc == JZ_EBUSY ? rc : JZ_EIO; /* half a household: only a rollback undoes it */
        }
    return JZ_OK;
}

/* ---- what the households about to be put need, looked up at once -------------------- */

struct pg_prefetch {
    kset asked;  /* household IDs prefetched */
    kset exists; /* of those, the ones in the database */
    kset enrolled; /* of those, the ones with enrolments (or given one since) */
    kset owner;  /* ID numbers of their members in the database -> index into owners */
    char (*owners)[JZ_HOUSEHOLD_ID_MAX];
    size_t n_owners, cap_owners;
};

void jz__pg_prefetch_drop(pg *q)
{
    struct pg_prefetch *f = q->pre;
    if (!f)
        return;
    free(f->asked.e);
    free(f->exists.e);
    free(f->enrolled.e);
    free(f->owner.e);
    free(f->owners);
    free(f);
    q->pre = NULL;
}

/* The prefetch learns that person belongs to household; false when out of
 * memory. */
static bool add_owner(struct pg_prefetch *f, const char *person, const char *household)
{
    if (f->n_owners == f->cap_owners) {
        size_t nc = f->cap_owners ? 2 * f->cap_owners : 64;
        char(*g)[JZ_HOUSEHOLD_ID_MAX] = realloc(f->owners, nc * sizeof *g);
        if (!g)
            return false;
        f->owners = g;
        f->cap_owners = nc;
    }
    snprintf(f->owners[f->n_owners], JZ_HOUSEHOLD_ID_MAX, "%s", household);
    return kset_put(&f->owner, person, (uint32_t)f->n_owners++);
}

/* The held households are about to be written: what was prefetched learns
 * that they exist and whom they hold, or a household put later in the
 * batch would miss a member it shares with one of them (R-HH-3), or be
 * held a second time.  Out of memory, the prefetch is dropped (each
 * household is then looked up). */
static void prefetch_learn(pg *q, const struct pg_pending_rows *r)
{
    struct pg_prefetch *f = q->pre;
    if (!f)
        return;
    bool nomem = false;
    for (size_t i = 0; i < r->households.cap && !nomem; i++)
        if (r->households.e[i].used && kset_get(&f->exists, r->households.e[i].key) < 0)
            nomem = !kset_put(&f->exists, r->households.e[i].key, 0);
    for (size_t i = 0; i < r->people.cap && !nomem; i++) {
        const struct kent *e = &r->people.e[i];
        if (!e->used || kset_get(&f->owner, e->key) >= 0)
            continue;
        nomem = !add_owner(f, e->key, r->ids[e->hh]);
    }
    if (nomem)
        jz__pg_prefetch_drop(q);
}

/* A text[] literal of v[0..n-1]: NULL when out of memory (free it). */
static char *text_array(const char *const *v, size_t n)
{
    jz__abuf b = {0};
    for (size_t i = 0; i < n; i++)
        jz__pg_array_add(&b, v[i]);
    if (!jz__pg_array_end(&b)) {
        free(b.p);
        return NULL;
    }
    return (char *)b.p;
}

jz_err jz__pg_prefetch(void *impl, const jz_household *hs, size_t n, jz_error *err)
{
    pg *q = impl;
    jz__pg_prefetch_drop(q);
    if (!q->in_tx || n == 0)
        return JZ_OK;
    size_t nm = 0;
    for (size_t i = 0; i < n; i++)
        nm += hs[i].n_members;
    const char **ids = malloc((n ? n : 1) * sizeof *ids), **people = malloc((nm ? nm : 1) * sizeof *people);
    struct pg_prefetch *f = calloc(1, sizeof *f);
    jz_err rc = JZ_OK;
    if (!ids || !people || !f) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto out;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        ids[i] = hs[i].household_id;
        for (uint32_t m = 0; m < hs[i].n_members; m++)
            people[k++] = hs[i].members[m].id;
    }
    char *a = text_array(ids, n), *b = text_array(people, nm);
    if (!a || !b) {
        free(a);
        free(b);
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto out;
    }
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, a);
    jz__pg_p_text(&p, b);
    q->in_put = true;
    /* The owner's household ID by a probe of each person found, and
     * whether a household has enrolments by a probe of each (a join was
     * planned as a scan of the whole table, stale statistics in the
     * middle of a load).  An import is one transaction, so its tables look
     * empty to the planner until it commits: without enable_seqscan off,
     * every batch scanned household_ids and person_ids whole (393 scans
     * of up to 365,000 rows at 100,000 households, quadratic in the
     * import's size). */
    rc = jz__pg_exec(q, "SET LOCAL enable_seqscan = off", err);
    PGresult *r = rc ? NULL
                     : jz__pg_run(q,
                                  "SELECT 1, household_id, '' FROM household_ids"
                                  " WHERE household_id = ANY($1::text[])"
                                  " UNION ALL SELECT 2, p.id_number, (SELECT h.household_id"
                                  " FROM household_ids h WHERE h.county = p.county AND h.hh = p.hh)"
                                  " FROM person_ids p WHERE p.id_number = ANY($2::text[])"
                                  " UNION ALL SELECT 3, u.id, '' FROM unnest($1::text[]) u(id)"
                                  " CROSS JOIN LATERAL (SELECT 1 FROM enrolments e"
                                  " WHERE e.household_id = u.id LIMIT 1) x",
                                  &p, "查找户", &rc, err);
    if (r && (rc = jz__pg_exec(q, "SET LOCAL enable_seqscan = on", err))) {
        PQclear(r);
        r = NULL;
    }
    q->in_put = false;
    free(a);
    free(b);
    if (!r)
        goto out;
    bool nomem = false;
    for (size_t i = 0; i < n && !nomem; i++)
        nomem = !kset_put(&f->asked, hs[i].household_id, 0);
    for (int row = 0; row < PQntuples(r) && !nomem; row++) {
        if (jz__pg_int(r, row, 0) == 1) {
            nomem = !kset_put(&f->exists, jz__pg_text(r, row, 1), 0);
            continue;
        }
        if (jz__pg_int(r, row, 0) == 3) {
            nomem = !kset_put(&f->enrolled, jz__pg_text(r, row, 1), 0);
            continue;
        }
        nomem = !add_owner(f, jz__pg_text(r, row, 1), jz__pg_text(r, row, 2));
    }
    PQclear(r);
    if (nomem) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto out;
    }
    q->pre = f;
    f = NULL;
out:
    free(ids);
    free(people);
    if (f) {
        q->pre = f;
        jz__pg_prefetch_drop(q);
    }
    return rc;
}

bool jz__pg_prefetch_no_enrolments(const pg *q, const char *household_id)
{
    return q->pre && kset_get(&q->pre->asked, household_id) >= 0 &&
           kset_get(&q->pre->enrolled, household_id) < 0;
}

void jz__pg_prefetch_enrolled(pg *q, const char *household_id)
{
    /* Out of memory: forget the prefetch (the lookups are made). */
    if (q->pre && kset_get(&q->pre->asked, household_id) >= 0 &&
        !kset_put(&q->pre->enrolled, household_id, 0))
        jz__pg_prefetch_drop(q);
}

/* From what was prefetched, when h was: R-HH-3 against the database and
 * whether h exists there (true), else false (look it up). */
static bool prefetched(const pg *q, const jz_household *h, jz__member_clash *clash, jz_err *rc,
                       bool *exists)
{
    const struct pg_prefetch *f = q->pre;
    if (!f || kset_get(&f->asked, h->household_id) < 0)
        return false;
    *rc = JZ_OK;
    for (uint32_t i = 0; i < h->n_members; i++) {
        long o = kset_get(&f->owner, h->members[i].id);
        if (o >= 0 && strcmp(f->owners[o], h->household_id) != 0) {
            clash->member = (int)i;
            snprintf(clash->other, sizeof clash->other, "%s", f->owners[o]);
            *rc = JZ_EINPUT;
            return true;
        }
    }
    *exists = kset_get(&f->exists, h->household_id) >= 0;
    return true;
}

/* In a transaction, a new household is checked (R-HH-3 against the
 * database and the households held) and held for COPY (hold_household);
 * one that exists, or comes a second time in the batch, is written at once
 * after the held ones. */
jz_err jz__pg_put_household(void *impl, const jz_household *h, const char *record,
                            const char *source, jz__member_clash *clash, char **replaced,
                            jz_error *err)
{
    pg *q = impl;
    *replaced = NULL;
    if (!q->in_tx)
        return put_now(q, h, record, source, clash, replaced, err);
    char county[7], now[32];
    jz_region_county(&h->region, county);
    jz__now_text(now, sizeof now);
    q->in_put = true;
    jz_err rc = jz__pg_county_parts(q, county, JZ__PG_PART_HOUSEHOLD, err);
    jz__member_clash held = {.member = -1};
    bool held_clash = !rc && check_held(q, h, &held) == JZ_EINPUT;
    bool again = q->rows && kset_get(&q->rows->households, h->household_id) >= 0, exists = false;
    bool known = !rc && prefetched(q, h, clash, &rc, &exists);
    if (!rc && !known)
        rc = check_owners(q, h, clash, err);
    /* R-HH-3 names the first member, in order, who belongs to another
     * household, whether that one is in the database or held in this batch
     * (as on SQLite, where the batch's households are already written). */
    if (held_clash && (!rc || (rc == JZ_EINPUT && held.member < clash->member))) {
        *clash = held;
        rc = JZ_EINPUT;
    }
    if (!rc && !again && !known) {
        jz__pg_params p;
        jz__pg_p_reset(&p);
        jz__pg_p_text(&p, h->household_id);
        PGresult *r = jz__pg_run(q, "SELECT 1 FROM household_ids WHERE household_id = $1", &p,
                                 "查找户", &rc, err);
        if (r) {
            exists = PQntuples(r) > 0;
            PQclear(r);
        }
    }
    if (!rc && !again && !exists)
        rc = hold_household(q, h, record, source, county, now, err);
    q->in_put = false;
    if (rc || (!again && !exists))
        return rc;
    if ((rc = jz__pg_rows_flush(q, err)))
        return rc;
    /* A replacement changes who belongs where: what was prefetched for the
     * households after it no longer holds. */
    jz__pg_prefetch_drop(q);
    return put_now(q, h, record, source, clash, replaced, err);
}

/* The county and key of the household of key (its ID, or a member's ID
 * number) from the directories: the statements that follow name the
 * county, so that PostgreSQL reads one county's partitions, not all.
 * false when there is none. */
static bool locate(pg *q, const char *key, bool by_member, char county[7], int64_t *hh, jz_err *rc,
                   jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, key);
    PGresult *r = by_member ? jz__pg_run(q,
                                         "SELECT county, hh FROM household_ids WHERE household_id = $1"
                                         " UNION ALL SELECT county, hh FROM person_ids"
                                         " WHERE id_number = $1 LIMIT 1",
                                         &p, "查询户", rc, err)
                            : jz__pg_run(q,
                                         "SELECT county, hh FROM household_ids WHERE household_id = $1",
                                         &p, "查询户", rc, err);
    if (!r)
        return false;
    bool found = PQntuples(r) > 0;
    if (found) {
        jz__pg_copy_text(county, 7, r, 0, 0);
        *hh = jz__pg_int(r, 0, 1);
    }
    PQclear(r);
    return found;
}

/* The row of sql ($1 the county, $2 the key of the household that key
 * names: locate) when there is one; else NULL with *rc set: JZ_ENOTFOUND
 * naming key with `missing`, or the error. */
static PGresult *find_one(pg *q, const char *key, bool by_member, const char *sql,
                          const char *what, const char *missing, jz_err *rc, jz_error *err)
{
    char county[7];
    int64_t hh = 0;
    *rc = JZ_OK;
    if (!locate(q, key, by_member, county, &hh, rc, err)) {
        if (!*rc)
            *rc = jz_error_set(err, JZ_ENOTFOUND, "household_id", key, "%s", missing);
        return NULL;
    }
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    jz__pg_p_int(&p, hh);
    PGresult *r = jz__pg_run(q, sql, &p, what, rc, err);
    if (r && PQntuples(r) == 0) {
        PQclear(r);
        *rc = jz_error_set(err, JZ_ENOTFOUND, "household_id", key, "%s", missing);
        return NULL;
    }
    return r;
}

jz_err jz__pg_get_record(void *impl, const char *key, char **record, jz_error *err)
{
    jz_err rc;
    *record = NULL;
    PGresult *r = find_one(impl, key, true,
                           "SELECT record FROM household_records WHERE county = $1 AND hh = $2",
                           "查询户", "数据库中没有这一户或这个人", &rc, err);
    if (!r)
        return rc;
    if (!(*record = strdup(jz__pg_text(r, 0, 0))))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    PQclear(r);
    return rc;
}

jz_err jz__pg_household_programme(void *impl, const char *key,
                                  char household_id[JZ_HOUSEHOLD_ID_MAX], char region[13],
                                  uint8_t *current_programme, jz_error *err)
{
    jz_err rc;
    PGresult *r = find_one(impl, key, true,
                           "SELECT household_id, region, current_programme FROM households"
                           " WHERE county = $1 AND hh = $2",
                           "查询户", "数据库中没有这一户或这个人", &rc, err);
    if (!r)
        return rc;
    jz__pg_copy_text(household_id, JZ_HOUSEHOLD_ID_MAX, r, 0, 0);
    jz__pg_copy_text(region, 13, r, 0, 1);
    *current_programme = (uint8_t)jz__pg_int(r, 0, 2);
    PQclear(r);
    return JZ_OK;
}

/* ---- imports ----------------------------------------------------------------- */

jz_err jz__pg_import_begin(void *impl, const char *path, int64_t size, int64_t mtime,
                           jz_store_import *out, jz_error *err)
{
    pg *q = impl;
    memset(out, 0, sizeof *out);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, path);
    jz__pg_p_int(&p, size);
    jz__pg_p_int(&p, mtime);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT import, lines_done FROM imports WHERE path = $1"
                             " AND size = $2 AND mtime = $3 AND finished_at IS NULL"
                             " ORDER BY import DESC LIMIT 1",
                             &p, "查询导入记录", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r)) {
        out->id = jz__pg_int(r, 0, 0);
        out->lines_done = (long)jz__pg_int(r, 0, 1);
    }
    PQclear(r);
    if (!out->id) {
        char now[32];
        jz__now_text(now, sizeof now);
        jz__pg_p_text(&p, now);
        r = jz__pg_run(q,
                       "INSERT INTO imports(path, size, mtime, started_at) VALUES($1, $2, $3, $4)"
                       " RETURNING import",
                       &p, "记录导入", &rc, err);
        if (!r)
            return rc;
        out->id = jz__pg_int(r, 0, 0);
        PQclear(r);
    }
    /* Held (a session advisory lock on the import's number) until the
     * store closes: a second process importing the same file is refused. */
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, out->id);
    r = jz__pg_run(q, "SELECT pg_try_advisory_lock(1, $1::int)", &p, "记录导入", &rc, err);
    if (!r)
        return rc;
    bool got = strcmp(jz__pg_text(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!got)
        return jz_error_set(err, JZ_EBUSY, "file", path,
                            "这个文件正由另一个进程导入（导入 %lld）：请等它完成后再运行；"
                            "本次未写入任何内容",
                            (long long)out->id);
    return JZ_OK;
}

jz_err jz__pg_import_progress(void *impl, const jz_store_import *imp, long lines_done, long stored,
                              long rejected, bool finished, jz_error *err)
{
    pg *q = impl;
    if (finished && q->in_tx)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "导入完成标记须在事务之外写入");
    char now[32];
    jz__now_text(now, sizeof now);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, lines_done);
    jz__pg_p_int(&p, stored);
    jz__pg_p_int(&p, rejected);
    jz__pg_p_int(&p, imp->id);
    jz__pg_p_int(&p, finished);
    jz__pg_p_text(&p, now);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "UPDATE imports SET lines_done = $1, stored = stored + $2,"
                             " rejected = rejected + $3, finished_at = CASE WHEN $5 = 1"
                             " THEN $6 END WHERE import = $4",
                             &p, "记录导入进度", &rc, err);
    if (!r)
        return rc;
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_import_reject(void *impl, int64_t import, long key, const char *county,
                            const char *household_id, const char *message, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, import);
    jz__pg_p_int(&p, key);
    jz__pg_p_text(&p, county ? county : "");
    jz__pg_p_text(&p, household_id ? household_id : "");
    jz__pg_p_text(&p, message ? message : "");
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "INSERT INTO import_rejections(import, line, county, household_id,"
                             " message) VALUES($1, $2, $3, $4, $5) ON CONFLICT (import, line)"
                             " DO UPDATE SET county = EXCLUDED.county,"
                             " household_id = EXCLUDED.household_id, message = EXCLUDED.message",
                             &p, "记录被拒绝的户", &rc, err);
    if (!r)
        return rc;
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_import_rejections(void *impl, int64_t import,
                                int (*fn)(long key, const char *household_id, const char *message,
                                          void *arg),
                                void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, import);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT line, household_id, message FROM import_rejections"
                             " WHERE import = $1 ORDER BY line",
                             &p, "查询被拒绝的户", &rc, err);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++)
        if (fn((long)jz__pg_int(r, i, 0), jz__pg_text(r, i, 1), jz__pg_text(r, i, 2), arg))
            break;
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_import_counts(void *impl, int64_t import, jz_store_import_counts *out,
                            jz_error *err)
{
    pg *q = impl;
    memset(out, 0, sizeof *out);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, import);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT lines_done, stored, rejected, (finished_at IS NOT NULL)::int,"
                             " (SELECT count(*) FROM import_rejections x WHERE x.import = i.import)"
                             " FROM imports i WHERE import = $1",
                             &p, "查询导入记录", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 0) {
        rc = jz_error_set(err, JZ_ENOTFOUND, "import", NULL, "没有这次导入的记录");
    } else {
        out->lines_done = (long)jz__pg_int(r, 0, 0);
        out->stored = (long)jz__pg_int(r, 0, 1);
        out->rejected = (long)jz__pg_int(r, 0, 2);
        out->finished = jz__pg_int(r, 0, 3) != 0;
        out->kept = (long)jz__pg_int(r, 0, 4);
    }
    PQclear(r);
    return rc;
}

/* ---- the snapshot: COPY ... TO STDOUT ---------------------------------------------- */

/* Splits one COPY text row (tab-separated, \N for NULL, backslash escapes)
 * in place into at most max fields; returns their count. */
static int split_row(char *line, char **f, int max)
{
    int n = 0;
    char *w = line, *start = line;
    for (char *c = line;; c++) {
        if (*c == '\t' || *c == '\n' || *c == '\0') {
            bool end = *c != '\t';
            *w = '\0';
            if (n < max)
                f[n++] = start;
            if (end)
                break;
            start = w = c + 1;
            continue;
        }
        if (*c == '\\' && c[1]) {
            c++;
            *w++ = *c == 't' ? '\t' : *c == 'n' ? '\n' : *c == 'r' ? '\r' : *c;
        } else {
            *w++ = *c;
        }
    }
    return n;
}

/* Runs `COPY (sql) TO STDOUT` (sql with $1..: given as p, inlined by the
 * server through a prepared statement is not possible for COPY, so the
 * callers' sql has no parameters: they bind by quoting digits only). */
static jz_err copy_out(pg *q, const char *sql, int (*row)(char **f, int n, void *arg), void *arg,
                       const char *what, jz_error *err)
{
    PGresult *r = PQexec(q->c, sql);
    if (PQresultStatus(r) != PGRES_COPY_OUT) {
        jz_err rc = jz__pg_error(q, r, err, what);
        PQclear(r);
        return rc;
    }
    PQclear(r);
    char *buf;
    int len, stop = 0;
    char *f[64];
    while ((len = PQgetCopyData(q->c, &buf, 0)) > 0) {
        if (!stop) {
            int n = split_row(buf, f, 64);
            stop = row(f, n, arg);
        }
        PQfreemem(buf);
    }
    jz_err rc = JZ_OK;
    r = PQgetResult(q->c);
    if (len == -2 || PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = jz__pg_error(q, r, err, what);
    PQclear(r);
    while ((r = PQgetResult(q->c)) != NULL)
        PQclear(r);
    if (!rc && stop < 0)
        rc = jz_error_set(err, JZ_EIO, NULL, NULL, "数据库在读取时被修改（成员数不符），请重试");
    return rc;
}

/* A region prefix is digits only (checked by every caller, and again
 * here): it can be written into COPY's text. */
static bool digits(const char *s)
{
    return strlen(s) <= 12 && strspn(s, "0123456789") == strlen(s);
}

typedef struct snap_fill {
    jz_snapshot *s;
    size_t members, filled;
    jz_err rc;
    jz_error *err;
} snap_fill;

static int household_row(char **f, int n, void *arg)
{
    snap_fill *a = arg;
    jz_snapshot *s = a->s;
    if (n < 10)
        return -1;
    if ((a->rc = jz__snapshot_add_household(s, a->err)))
        return 1;
    size_t i = s->n_households - 1;
    s->key[i] = strtoll(f[0], NULL, 10);
    snprintf(s->household_id[i], JZ_HOUSEHOLD_ID_MAX, "%s", f[1]);
    snprintf(s->region[i].code, sizeof s->region[i].code, "%s", f[2]);
    s->region[i].len = (unsigned char)strlen(s->region[i].code);
    s->area[i] = (uint8_t)atoi(f[3]);
    s->assess_date[i] = atoi(f[4]);
    s->current_programme[i] = (uint8_t)atoi(f[5]);
    s->current_since[i] = atoi(f[6]);
    s->current_amount[i] = strtoll(f[7], NULL, 10);
    s->household_size[i] = (uint8_t)atoi(f[8]);
    s->version[i] = atoi(f[9]);
    s->first_member[i] = (uint32_t)a->members;
    a->members += s->household_size[i];
    return 0;
}

static int member_row(char **f, int n, void *arg)
{
    snap_fill *a = arg;
    jz_snapshot *s = a->s;
    if (n < 44)
        return -1;
    /* The rows come in any order (no join, no sort: see jz__pg_snapshot),
     * each placed by its household's position and its own index; a
     * county's members of households outside the region are skipped. */
    size_t h = jz__snapshot_find(s, strtoll(f[0], NULL, 10));
    if (h == SIZE_MAX)
        return 0;
    int idx = atoi(f[1]);
    if (idx < 0 || idx >= s->household_size[h])
        return -1;
    size_t j = s->first_member[h] + (size_t)idx;
    a->filled++;
    int c = 3;
    snprintf(s->id[j], JZ_IDNUM_BUF, "%s", f[c++]);
    c++; /* name */
    s->birth[j] = atoi(f[c++]);
    s->deceased[j] = atoi(f[c++]);
    s->relation[j] = (uint8_t)atoi(f[c++]);
    s->presence[j] = (uint8_t)atoi(f[c++]);
    s->employment[j] = (uint8_t)atoi(f[c++]);
    s->hardship[j] = (uint8_t)atoi(f[c++]);
    s->disability[j] = (uint8_t)atoi(f[c++]);
    s->disability_grade[j] = (uint8_t)atoi(f[c++]);
    s->student_level[j] = (uint8_t)atoi(f[c++]);
    s->self_care_failed[j] = (uint8_t)atoi(f[c++]);
    s->flags[j] = (uint16_t)atoi(f[c++]);
    s->n_supporters[j] = (uint8_t)atoi(f[c++]);
    s->supporters_unable[j] = (uint16_t)atoi(f[c++]);
    s->supporter_status[j] = (uint64_t)strtoll(f[c++], NULL, 10);
    s->months_without_income[j] = (uint16_t)atoi(f[c++]);
    s->vehicles[j] = (uint16_t)atoi(f[c++]);
    s->extra_houses[j] = (uint16_t)atoi(f[c++]);
    s->financial[j] = strtoll(f[c++], NULL, 10);
    for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
        s->income[k][j] = strtoll(f[c++], NULL, 10);
    s->income_not_counted[j] = strtoll(f[c++], NULL, 10);
    for (int k = 0; k < JZ_EXP_COUNT; k++)
        s->expenses[k][j] = strtoll(f[c++], NULL, 10);
    s->member_programme[j] = (uint8_t)atoi(f[c++]);
    s->member_since[j] = atoi(f[c++]);
    s->member_amount[j] = strtoll(f[c++], NULL, 10);
    return 0;
}

/* From this many members on, a snapshot reads them on two connections. */
#define SPLIT_MEMBERS 20000

/* A second connection reading in the snapshot of the store's transaction
 * (exported to it), so that a read is split over two of the server's
 * cores: its c and dbname set (what copy_out and jz__pg_error use); false,
 * nothing held, where it cannot be had.  End it with second_end. */
static bool second_begin(pg *q, pg *conn)
{
    PGresult *r = PQexec(q->c, "SELECT pg_export_snapshot()");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return false;
    }
    char snap_id[128];
    snprintf(snap_id, sizeof snap_id, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    conn->c = jz__pg_connect(q->conninfo, NULL);
    snprintf(conn->dbname, sizeof conn->dbname, "%s", q->dbname);
    char begin[256];
    snprintf(begin, sizeof begin,
             "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '%s'",
             strspn(snap_id, "0123456789ABCDEF-") == strlen(snap_id) ? snap_id : "");
    r = conn->c && PQstatus(conn->c) == CONNECTION_OK ? PQexec(conn->c, begin) : NULL;
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok && conn->c) {
        PQfinish(conn->c);
        conn->c = NULL;
    }
    return ok;
}

static void second_end(pg *conn)
{
    PGresult *e = PQexec(conn->c, "COMMIT");
    PQclear(e);
    PQfinish(conn->c);
    conn->c = NULL;
}

/* A COPY ... TO read on a second connection (second_begin) in a thread of
 * its own: each row to row(f, n, arg). */
typedef struct copy_half {
    pg conn; /* c and dbname only: what copy_out and jz__pg_error use */
    char sql[4200];
    int (*row)(char **f, int n, void *arg);
    void *arg;
    const char *what;
    jz_error err;
    jz_err rc;
} copy_half;

static void *read_copy_half(void *arg)
{
    copy_half *h = arg;
    h->rc = copy_out(&h->conn, h->sql, h->row, h->arg, h->what, &h->err);
    return NULL;
}

/* The members of the counties `counties` (a list of quoted codes) as a
 * COPY of the members table, unsorted (member_row places each row). */
static void members_sql(char *sql, size_t n, const char *counties)
{
    snprintf(sql, n, "COPY (SELECT m.* FROM members m WHERE county IN (%s)) TO STDOUT", counties);
}

/* Reads the snapshot's members on two connections at once, each half of
 * the counties (by members), in the snapshot of the store's transaction
 * (exported to the second): the server's COPY runs on two cores.  Returns
 * false, having read nothing, where that is not possible (one county, no
 * second connection): the caller then reads them on its own. */
static bool members_two(pg *q, snap_fill *a, jz_err *rc, jz_error *err)
{
    jz_snapshot *s = a->s;
    /* Members by county (a county code is six digits: counted by its
     * number, then listed in code order). */
    struct county_n {
        char code[7];
        size_t n;
    } cs[256];
    size_t nc = 0;
    uint32_t *by_code = calloc(1000000, sizeof *by_code); /* code -> members + 1 */
    if (!by_code)
        return false;
    for (size_t i = 0; i < s->n_households; i++) {
        const char *c = s->region[i].code;
        if (strspn(c, "0123456789") < 6) {
            free(by_code);
            return false;
        }
        uint32_t code = (uint32_t)((((((c[0] - '0') * 10 + c[1] - '0') * 10 + c[2] - '0') * 10 +
                                     c[3] - '0') * 10 + c[4] - '0') * 10 + c[5] - '0');
        by_code[code] += s->household_size[i] + (by_code[code] ? 0 : 1);
    }
    for (uint32_t code = 0; code < 1000000; code++) {
        if (!by_code[code])
            continue;
        if (nc == sizeof cs / sizeof cs[0]) {
            free(by_code);
            return false;
        }
        snprintf(cs[nc].code, sizeof cs[nc].code, "%06u", code);
        cs[nc++].n = by_code[code] - 1;
    }
    free(by_code);
    if (nc < 2)
        return false;
    copy_half *h = calloc(1, sizeof *h);
    if (!h)
        return false;
    if (!second_begin(q, &h->conn)) {
        free(h);
        return false;
    }
    /* Halves by members: the counties in order, the first half until it
     * holds half of them. */
    size_t total = 0, first = 0, split = 0;
    for (size_t k = 0; k < nc; k++)
        total += cs[k].n;
    while (split < nc - 1 && 2 * (first + cs[split].n) <= total + cs[split].n)
        first += cs[split++].n;
    if (split == 0)
        split = 1;
    char list[2][4096];
    for (int half = 0; half < 2; half++) {
        size_t len = 0;
        for (size_t k = half ? split : 0; k < (half ? nc : split); k++)
            len += (size_t)snprintf(list[half] + len, sizeof list[half] - len, "%s'%s'",
                                    len ? "," : "", cs[k].code);
    }
    members_sql(h->sql, sizeof h->sql, list[1]);
    snap_fill other = {.s = s, .members = a->members, .err = &h->err};
    h->row = member_row;
    h->arg = &other;
    h->what = "读取成员";
    pthread_t tid;
    bool threaded = pthread_create(&tid, NULL, read_copy_half, h) == 0;
    char sql[4200];
    members_sql(sql, sizeof sql, list[0]);
    *rc = copy_out(q, sql, member_row, a, "读取成员", err);
    if (threaded)
        pthread_join(tid, NULL);
    else
        read_copy_half(h);
    if (!*rc && h->rc) {
        *err = h->err;
        *rc = h->rc;
    }
    if (!*rc && other.rc) {
        *err = h->err;
        *rc = other.rc;
    }
    a->filled += other.filled;
    second_end(&h->conn);
    free(h);
    return true;
}

jz_err jz__pg_snapshot(void *impl, const char *prefix, jz_snapshot **out, jz_error *err)
{
    pg *q = impl;
    if (!digits(prefix))
        return jz_error_set(err, JZ_EINPUT, "region", prefix, "应为地区代码（数字，最多 12 位）");
    jz_snapshot *s = jz__snapshot_new();
    if (!s)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    /* One snapshot of the database for both reads (REPEATABLE READ), unless
     * the caller's transaction is open. */
    bool own = !q->in_tx;
    jz_err rc = own ? jz__pg_exec(q, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err)
                    : JZ_OK;
    /* The members come sorted by household: a province's do not sort in
     * PostgreSQL's default 4 MB (they spilled to disk at 100,000
     * households); this transaction's sorts may take 256 MB. */
    if (!rc && own)
        rc = jz__pg_exec(q, "SET LOCAL work_mem = '256MB'", err);
    char sql[512];
    snap_fill a = {.s = s, .err = err};
    if (!rc) {
        snprintf(sql, sizeof sql,
                 "SELECT count(*), COALESCE(sum(n_members), 0) FROM households"
                 " WHERE region LIKE '%s%%'",
                 prefix);
        PGresult *r = PQexec(q->c, sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            rc = jz__pg_error(q, r, err, "读取快照");
        else
            rc = jz__snapshot_reserve(s, (size_t)jz__pg_int(r, 0, 0), (size_t)jz__pg_int(r, 0, 1),
                                      err);
        PQclear(r);
    }
    if (!rc) {
        snprintf(sql, sizeof sql,
                 "COPY (SELECT hh, household_id, region, area, assess_date, current_programme,"
                 " current_since, current_amount, n_members, version FROM households"
                 " WHERE region LIKE '%s%%' ORDER BY hh) TO STDOUT",
                 prefix);
        rc = copy_out(q, sql, household_row, &a, "读取快照", err);
        if (!rc)
            rc = a.rc;
    }
    for (size_t m = 0; !rc && m < a.members; m++)
        rc = jz__snapshot_add_member(s, err);
    /* The region's counties' members as they lie, unsorted: a join with
     * the households and a sort by household took a third more (100,000
     * households: 0.85 s against 0.56 s on the server).  A region within a
     * county (a township) reads its county's.  In a snapshot of its own,
     * on two connections at once (members_two). */
    if (!rc && !(own && a.members >= SPLIT_MEMBERS && members_two(q, &a, &rc, err))) {
        snprintf(sql, sizeof sql, "COPY (SELECT m.* FROM members m WHERE county LIKE '%.6s%%')"
                                  " TO STDOUT",
                 prefix);
        rc = copy_out(q, sql, member_row, &a, "读取成员", err);
    }
    if (!rc && a.filled != a.members)
        rc = jz_error_set(err, JZ_EIO, NULL, NULL, "数据库在读取时被修改（成员数不符），请重试");
    if (own)
        jz__pg_exec(q, rc ? "ROLLBACK" : "COMMIT", NULL);
    if (rc) {
        jz_snapshot_free(s);
        return rc;
    }
    *out = s;
    return JZ_OK;
}

/* The rows of sql (parameters p), each as fields, to fill (a snapshot's
 * household_row or member_row); the rows are few (the households of a
 * cache's update). */
static jz_err fill_rows(pg *q, const char *sql, const jz__pg_params *p,
                        int (*row)(char **f, int n, void *arg), snap_fill *a, const char *what,
                        jz_error *err)
{
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, p, what, &rc, err);
    if (!r)
        return rc;
    char *f[64];
    int nf = PQnfields(r) < 64 ? PQnfields(r) : 64;
    for (int i = 0; i < PQntuples(r) && !rc; i++) {
        for (int k = 0; k < nf; k++)
            f[k] = PQgetvalue(r, i, k);
        int st = row(f, nf, a);
        if (st > 0)
            rc = a->rc;
        else if (st < 0)
            rc = jz_error_set(err, JZ_EIO, NULL, NULL, "读取快照：数据库返回的行不完整");
    }
    PQclear(r);
    return rc;
}

/* The snapshot of the households of the given IDs (those that exist),
 * whatever their region, in key order, read in one snapshot of the
 * database (REPEATABLE READ) through household_ids' index: what the
 * snapshot cache reads again of a few changed households (store_int.h). */
jz_err jz__pg_snapshot_ids(void *impl, const char *const *ids, size_t n, jz_snapshot **out,
                           jz_error *err)
{
    pg *q = impl;
    jz_snapshot *s = jz__snapshot_new();
    char *list = text_array(ids, n);
    if (!s || !list) {
        jz_snapshot_free(s);
        free(list);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    bool own = !q->in_tx;
    jz_err rc =
        own ? jz__pg_exec(q, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err) : JZ_OK;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, list);
    snap_fill a = {.s = s, .err = err};
    if (!rc)
        rc = fill_rows(q,
                       "SELECT h.hh, h.household_id, h.region, h.area, h.assess_date,"
                       " h.current_programme, h.current_since, h.current_amount, h.n_members,"
                       " h.version FROM household_ids i JOIN households h"
                       " ON h.county = i.county AND h.hh = i.hh"
                       " WHERE i.household_id = ANY($1::text[]) ORDER BY h.hh",
                       &p, household_row, &a, "读取快照", err);
    for (size_t m = 0; !rc && m < a.members; m++)
        rc = jz__snapshot_add_member(s, err);
    if (!rc && a.members)
        rc = fill_rows(q,
                       "SELECT m.* FROM household_ids i JOIN members m"
                       " ON m.county = i.county AND m.hh = i.hh"
                       " WHERE i.household_id = ANY($1::text[])",
                       &p, member_row, &a, "读取成员", err);
    if (!rc && a.filled != a.members)
        rc = jz_error_set(err, JZ_EIO, NULL, NULL, "数据库在读取时被修改（成员数不符），请重试");
    if (own)
        jz__pg_exec(q, rc ? "ROLLBACK" : "COMMIT", NULL);
    free(list);
    if (rc) {
        jz_snapshot_free(s);
        return rc;
    }
    *out = s;
    return JZ_OK;
}

/* ---- determinations ---------------------------------------------------------- */

jz_err jz__pg_run_begin(void *impl, jz_date date, const char *prefix, const char *overrides,
                        int64_t *run, jz_error *err)
{
    pg *q = impl;
    char now[32];
    jz__now_text(now, sizeof now);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, prefix);
    jz__pg_p_text(&p, now);
    jz__pg_p_int(&p, date);
    jz__pg_p_text(&p, overrides);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "INSERT INTO runs(county, started_at, assess_date, overrides)"
                             " VALUES($1, $2, $3, $4) RETURNING run",
                             &p, "记录评估批次", &rc, err);
    if (!r)
        return rc;
    *run = jz__pg_int(r, 0, 0);
    PQclear(r);
    jz__pv_map_clear(&q->pv);
    return JZ_OK;
}

/* The households' current versions beside the snapshot's (both in hh
 * order): a version that differs, or a household gone, is stale. */
jz_err jz__pg_snapshot_stale(void *impl, const jz_snapshot *snap, uint8_t *stale, size_t *n_stale,
                             jz_error *err)
{
    pg *q = impl;
    *n_stale = 0;
    size_t n = snap->n_households;
    if (n == 0)
        return JZ_OK;
    memset(stale, 0, n);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, snap->key[0]);
    jz__pg_p_int(&p, snap->key[n - 1]);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT hh, version FROM households WHERE hh BETWEEN $1 AND $2"
                             " ORDER BY hh",
                             &p, "核对户记录版本", &rc, err);
    if (!r)
        return rc;
    size_t i = 0;
    for (int row = 0; row < PQntuples(r) && i < n; row++) {
        int64_t hh = jz__pg_int(r, row, 0);
        while (i < n && snap->key[i] < hh) {
            stale[i++] = 1;
            (*n_stale)++;
        }
        if (i < n && snap->key[i] == hh) {
            if (jz__pg_int(r, row, 1) != snap->version[i]) {
                stale[i] = 1;
                (*n_stale)++;
            }
            i++;
        }
    }
    PQclear(r);
    for (; i < n; i++, (*n_stale)++)
        stale[i] = 1;
    return JZ_OK;
}

jz_err jz__pg_snapshot_results(void *impl, const jz_snapshot *snap, uint8_t *category,
                               jz_fen *monthly, jz_error *err)
{
    pg *q = impl;
    size_t n = snap->n_households;
    for (size_t i = 0; i < n; i++) {
        category[i] = JZ_CAT_COUNT;
        monthly[i] = 0;
    }
    if (n == 0)
        return JZ_OK;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, snap->key[0]);
    jz__pg_p_int(&p, snap->key[n - 1]);
    jz_err rc;
    /* With its 特困 and 单人保 persons' amounts, which the row keeps. */
    PGresult *r = jz__pg_run(q,
                             "SELECT d.hh, d.category, d.monthly_amount + d.units_amount"
                             " FROM determinations d WHERE d.hh BETWEEN $1 AND $2 ORDER BY d.hh",
                             &p, "读取已存认定结果", &rc, err);
    if (!r)
        return rc;
    size_t i = 0;
    for (int row = 0; row < PQntuples(r); row++) {
        int64_t hh = jz__pg_int(r, row, 0);
        while (i < n && snap->key[i] < hh)
            i++;
        if (i < n && snap->key[i] == hh) {
            category[i] = jz__stored_category(jz__pg_int(r, row, 1));
            monthly[i] = jz__pg_int(r, row, 2);
        }
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_results_ids(void *impl, const char *const *ids, size_t n, jz__results *out,
                          jz_error *err)
{
    pg *q = impl;
    char *list = text_array(ids, n);
    if (!list)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, list);
    jz_err rc;
    /* A few households (the log of recent puts keeps at most 4,096): a
     * probe of each one's county partitions. */
    PGresult *r = jz__pg_run(q,
                             "SELECT h.hh, COALESCE(d.category, -1),"
                             " COALESCE(d.monthly_amount + d.units_amount, 0)"
                             " FROM household_ids i JOIN households h"
                             " ON h.county = i.county AND h.hh = i.hh"
                             " LEFT JOIN determinations d ON d.county = h.county AND d.hh = h.hh"
                             " WHERE i.household_id = ANY($1::text[]) ORDER BY h.hh",
                             &p, "读取已存认定结果", &rc, err);
    free(list);
    if (!r)
        return rc;
    size_t rows = (size_t)PQntuples(r);
    if (!(rc = jz__results_alloc(out, rows, err))) {
        for (size_t k = 0; k < rows; k++) {
            out->key[k] = jz__pg_int(r, (int)k, 0);
            out->category[k] = jz__stored_category(jz__pg_int(r, (int)k, 1));
            out->monthly[k] = jz__pg_int(r, (int)k, 2);
        }
        out->n = rows;
    }
    PQclear(r);
    return rc;
}

static jz_err pg_params_text(void *impl, int64_t pv, char **text, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, pv);
    jz_err rc;
    *text = NULL;
    PGresult *r = jz__pg_run(q, "SELECT params FROM param_values WHERE pv = $1", &p,
                             "读取已存认定结果", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) && !(*text = strdup(PQgetvalue(r, 0, 0))))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    PQclear(r);
    return rc;
}

typedef struct digest_fill {
    const jz_snapshot *snap;
    uint64_t *digest;
    int64_t *pv;
} digest_fill;

/* A row of DIGEST_SQL: hh, JZ__DET_NF integers, pv, decisive, persons. */
static int digest_row(char **f, int n, void *arg)
{
    digest_fill *a = arg;
    if (n < 1 + JZ__DET_NF + 3)
        return -1;
    size_t i = jz__snapshot_find(a->snap, strtoll(f[0], NULL, 10));
    if (i == SIZE_MAX)
        return 0;
    int64_t v[JZ__DET_NF];
    for (int k = 0; k < JZ__DET_NF; k++)
        v[k] = strtoll(f[1 + k], NULL, 10);
    a->pv[i] = strtoll(f[1 + JZ__DET_NF], NULL, 10);
    a->digest[i] = jz__det_digest(v, f[2 + JZ__DET_NF], f[3 + JZ__DET_NF]);
    return 0;
}

/* From this many households on, a run reads the stored determinations'
 * digests on two connections, half the key range each. */
#define DIGEST_SPLIT 5000

#define DIGEST_SQL                                                                                 \
    "COPY (SELECT hh, category, causes, monthly_amount, counted_members, standard,"                \
    " income, deductible, financial, exit_until, record_version, pv, decisive, persons"            \
    " FROM determinations WHERE county LIKE '%s%%' AND hh BETWEEN %lld AND %lld)"                  \
    " TO STDOUT"

/* The stored determinations' digests (store_int.h): the rows of the
 * snapshot's counties and key range by COPY, in any order, each found in
 * the snapshot by bisection. */
jz_err jz__pg_stored_digests(void *impl, const jz_snapshot *snap, uint64_t *digest,
                             jz_error *err)
{
    pg *q = impl;
    size_t n = snap->n_households;
    memset(digest, 0, (n ? n : 1) * sizeof *digest);
    if (n == 0)
        return JZ_OK;
    digest_fill a = {snap, digest, calloc(n, sizeof(int64_t))};
    if (!a.pv)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    /* The counties the snapshot's households are in: the first six digits
     * their regions share (a county or a township: one county; a city or
     * the province: its counties). */
    char county[7] = "";
    size_t cl = 0;
    while (cl < 6 && snap->region[0].code[cl] && snap->region[0].code[cl] >= '0' &&
           snap->region[0].code[cl] <= '9') {
        bool same = true;
        for (size_t i = 1; i < n && same; i++)
            same = snap->region[i].code[cl] == snap->region[0].code[cl];
        if (!same)
            break;
        county[cl] = snap->region[0].code[cl];
        cl++;
    }
    county[cl] = '\0';
    /* From DIGEST_SPLIT households on, the upper half of the key range is
     * read on a second connection in the transaction's snapshot, beside
     * the lower half read on this one: two COPYs at once, on two of the
     * server's cores.  Each writes only its own households' places. */
    size_t mid = n;
    copy_half *h = n >= DIGEST_SPLIT && q->in_tx ? calloc(1, sizeof *h) : NULL;
    pthread_t tid;
    bool apart = false, threaded = false;
    if (h) {
        mid = n / 2;
        snprintf(h->sql, sizeof h->sql, DIGEST_SQL, county, (long long)snap->key[mid],
                 (long long)snap->key[n - 1]);
        h->row = digest_row;
        h->arg = &a;
        h->what = "读取已存认定结果";
        apart = second_begin(q, &h->conn);
        threaded = apart && pthread_create(&tid, NULL, read_copy_half, h) == 0;
        if (!apart)
            mid = n;
    }
    char sql[640];
    snprintf(sql, sizeof sql, DIGEST_SQL, county, (long long)snap->key[0],
             (long long)snap->key[mid - 1]);
    jz_err rc = copy_out(q, sql, digest_row, &a, "读取已存认定结果", err);
    if (apart) {
        if (threaded)
            pthread_join(tid, NULL);
        else if (!rc)
            read_copy_half(h); /* no thread: one after the other */
        second_end(&h->conn);
        if (!rc && h->rc) {
            *err = h->err;
            rc = h->rc;
        }
    }
    free(h);
    if (!rc)
        rc = jz__digest_add_params(digest, a.pv, n, pg_params_text, q, err);
    free(a.pv);
    return rc;
}

jz_err jz__pg_clear_determinations(void *impl, const char *prefix, const jz_snapshot *snap,
                                   const uint8_t *keep, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz_err rc;
    q->det_stage = false;
    /* Only the snapshot's households that are not kept are replaced.  On
     * one server that needs no delete: if the region has stored
     * determinations, the batch's rows replace theirs in place by one
     * upsert (STAGE_MERGE), else there is nothing to delete.  A
     * coordinator deletes those households' rows (postgres_fdw has no ON
     * CONFLICT DO UPDATE). */
    if (q->in_tx && q->layout != JZ__PG_COORD) {
        /* A region of whole counties (a prefix of at most six digits: a
         * region code starts with its county's) is asked by the county
         * alone: the join with households read them all (3 s for a
         * province with no determination yet). */
        jz__pg_p_text(&p, prefix);
        PGresult *e = jz__pg_run(q,
                                 strlen(prefix) <= 6
                                     ? "SELECT EXISTS (SELECT 1 FROM determinations"
                                       " WHERE county LIKE $1 || '%')"
                                     : "SELECT EXISTS (SELECT 1 FROM determinations d"
                                       " JOIN households h ON h.county = d.county AND h.hh = d.hh"
                                       " WHERE h.region LIKE $1 || '%')",
                                 &p, "清除旧认定结果", &rc, err);
        if (!e)
            return rc;
        bool stage = strcmp(jz__pg_text(e, 0, 0), "t") == 0;
        PQclear(e);
        if (stage &&
            (rc = jz__pg_exec(q,
                              "CREATE TEMP TABLE IF NOT EXISTS jz_stage_det (LIKE determinations)"
                              " ON COMMIT DELETE ROWS",
                              err)))
            return rc;
        q->det_stage = stage;
        return JZ_OK;
    }
    /* The households replaced, in their counties.  All of a region of
     * whole counties are deleted by the county alone, which postgres_fdw
     * sends each shard as one DELETE (20,000 households: 23 ms; a join with
     * households is not sent, and was a remote DELETE per row: 1.3 s).
     * Some of them (the others did not change) are deleted by key, as a
     * bigint[]: a remote DELETE each, as many as changed. */
    size_t nc = 0;
    for (size_t i = 0; i < snap->n_households; i++)
        nc += !(keep && keep[i]);
    if (!nc)
        return JZ_OK;
    bool whole = nc == snap->n_households && strlen(prefix) <= 6;
    char county[7], *arr = NULL;
    snprintf(county, sizeof county, "%.6s", prefix);
    jz__pg_p_text(&p, county);
    if (!whole) {
        if (!(arr = malloc(3 + nc * 21)))
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        size_t len = 0;
        arr[len++] = '{';
        for (size_t i = 0, k = 0; i < snap->n_households; i++)
            if (!(keep && keep[i]))
                len += (size_t)sprintf(arr + len, "%s%lld", k++ ? "," : "",
                                       (long long)snap->key[i]);
        arr[len++] = '}';
        arr[len] = '\0';
        jz__pg_p_text(&p, arr);
    }
    static const char *const del[2] = {"DELETE FROM determinations WHERE county LIKE $1 || '%'"
                                       " AND hh IN (SELECT unnest($2::bigint[]))",
                                       "DELETE FROM determinations WHERE county LIKE $1 || '%'"};
    rc = JZ_OK;
    PGresult *r = jz__pg_run(q, del[whole], &p, "清除旧认定结果", &rc, err);
    PQclear(r);
    free(arr);
    return rc;
}

/* The param_values row of (run, county, date), inserted on first use and
 * remembered for the connection (a run writes a county's households on one
 * date or few). */
static jz_err param_row(pg *q, int64_t run, const char *county, jz_date date,
                        const char *params_json, int64_t *pv, jz_error *err)
{
    if ((*pv = jz__pv_map_get(&q->pv, run, county, date)))
        return JZ_OK;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, run);
    jz__pg_p_text(&p, county);
    jz__pg_p_int(&p, date);
    jz__pg_p_text(&p, params_json);
    jz_err rc;
    q->in_put = true; /* nothing held reads param_values */
    PGresult *r = jz__pg_run(q,
                             "WITH ins AS (INSERT INTO param_values(run, county, assess_date,"
                             " params) VALUES($1, $2, $3, $4) ON CONFLICT (run, county, assess_date)"
                             " DO NOTHING RETURNING pv) SELECT pv FROM ins UNION ALL"
                             " SELECT pv FROM param_values WHERE run = $1 AND county = $2"
                             " AND assess_date = $3",
                             &p, "记录参数", &rc, err);
    q->in_put = false;
    if (!r)
        return rc;
    *pv = PQntuples(r) ? jz__pg_int(r, 0, 0) : 0;
    PQclear(r);
    if (!*pv)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法记录评估参数");
    jz__pv_map_put(&q->pv, run, county, date, *pv);
    return JZ_OK;
}

/* A determination with its persons' results, held for COPY with the batch (the
 * record's version is the snapshot's: the batch wrote only households that
 * had not changed since it was read). */
jz_err jz__pg_put_determination(void *impl, int64_t run, const jz_snapshot *snap, size_t i,
                                const jz_household *h, const jz_result *r, const char *decisive,
                                const char *params_json, jz_error *err)
{
    pg *q = impl;
    char county[7];
    jz_region_county(&h->region, county);
    int64_t pv = 0;
    jz_err rc = param_row(q, run, county, h->assess_date, params_json, &pv, err);
    if (rc)
        return rc;
    struct pg_pending_rows *rows = rows_of(q, err);
    if (!rows)
        return JZ_ENOMEM;
    int64_t hh = snap->key[i];
    tbuf *b = &rows->t[T_DET];
    put_int(b, hh, false);
    put_text(b, county, false);
    put_int(b, run, false);
    put_int(b, pv, false);
    put_int(b, h->assess_date, false);
    /* The columns stored digests read back (det_digest.c). */
    int64_t f[JZ__DET_NF];
    jz__det_fields(r, snap->version[i], f);
    for (int k = 0; k < JZ__DET_NF - 1; k++)
        put_int(b, f[k], false);
    put_text(b, decisive, false);
    put_int(b, f[JZ__DET_NF - 1], false);
    char persons[JZ__PERSONS_BUF];
    int64_t sums[JZ__PSUM_N];
    jz__persons_pack(r, persons, sums);
    put_text(b, persons, false);
    for (int k = 0; k < JZ__PSUM_N; k++)
        put_int(b, sums[k], k + 1 == JZ__PSUM_N);
    return JZ_OK;
}

jz_err jz__pg_get_determination(void *impl, const char *household_id, jz_result *r, int64_t *run,
                                jz_date *date, char decisive[JZ__DECISIVE_BUF], jz_error *err)
{
    pg *q = impl;
    memset(r, 0, sizeof *r);
    jz_err rc;
    PGresult *res = find_one(q, household_id, false,
                             "SELECT d.hh, d.run, d.assess_date, d.category, d.causes,"
                             " d.monthly_amount, d.counted_members, d.standard, d.income,"
                             " d.deductible, d.financial, d.exit_until, d.decisive, h.n_members,"
                             " d.persons FROM determinations d JOIN households h"
                             " ON h.county = d.county AND h.hh = d.hh"
                             " WHERE d.county = $1 AND d.hh = $2 AND h.county = $1",
                             "查询认定结果", "这一户还没有批量评估结果", &rc, err);
    if (!res)
        return rc;
    *run = jz__pg_int(res, 0, 1);
    *date = (jz_date)jz__pg_int(res, 0, 2);
    r->category = (uint8_t)jz__pg_int(res, 0, 3);
    r->causes = (uint8_t)jz__pg_int(res, 0, 4);
    r->monthly_amount = jz__pg_int(res, 0, 5);
    r->counted_members = (int)jz__pg_int(res, 0, 6);
    r->standard = jz__pg_int(res, 0, 7);
    r->income = jz__pg_int(res, 0, 8);
    r->deductible = jz__pg_int(res, 0, 9);
    r->financial = jz__pg_int(res, 0, 10);
    r->exit_until = (jz_date)jz__pg_int(res, 0, 11);
    r->exit = r->exit_until != 0;
    jz__pg_copy_text(decisive, JZ__DECISIVE_BUF, res, 0, 12);
    r->n_persons = (uint32_t)jz__pg_int(res, 0, 13);
    for (uint32_t k = 0; k < r->n_persons && k < JZ_MAX_MEMBERS; k++)
        r->persons[k].counted = 1;
    rc = jz__persons_unpack(PQgetvalue(res, 0, 14), r)
             ? JZ_OK
             : jz_error_set(err, JZ_EIO, "household_id", household_id,
                            "已存认定结果的个人部分无法读取（persons 列已损坏）");
    PQclear(res);
    return rc;
}

/* ---- versions of a household record ------------------------------------------- */

jz_err jz__pg_record_version(void *impl, const char *key, int *current, int *assessed,
                             char *household_id, jz_error *err)
{
    jz_err rc;
    PGresult *r = find_one(impl, key, true,
                           "SELECT h.household_id, h.version, COALESCE((SELECT d.record_version"
                           " FROM determinations d WHERE d.county = $1 AND d.hh = $2), 0)"
                           " FROM households h WHERE h.county = $1 AND h.hh = $2",
                           "查询户记录版本", "数据库中没有这一户或这个人", &rc, err);
    if (!r)
        return rc;
    if (household_id)
        jz__pg_copy_text(household_id, JZ_HOUSEHOLD_ID_MAX, r, 0, 0);
    *current = (int)jz__pg_int(r, 0, 1);
    *assessed = (int)jz__pg_int(r, 0, 2);
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_record_history(void *impl, const char *household_id,
                             void (*fn)(const jz_record_version *v, void *arg), void *arg,
                             jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, household_id);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT v.version, v.record, v.source, v.updated_at, v.replaced_at,"
                             " v.replaced_by FROM household_record_history v JOIN household_ids h"
                             " ON h.county = v.county AND h.hh = v.hh WHERE h.household_id = $1"
                             " ORDER BY v.version",
                             &p, "查询户记录历史版本", &rc, err);
    if (!r)
        return rc;
    for (int row = 0; row < PQntuples(r); row++) {
        jz_record_version v = {
            .version = (int)jz__pg_int(r, row, 0),
            .record = jz__pg_text(r, row, 1),
            .source = jz__pg_text(r, row, 2),
            .updated_at = jz__pg_text(r, row, 3),
            .replaced_at = jz__pg_text(r, row, 4),
            .replaced_by = jz__pg_text(r, row, 5),
        };
        fn(&v, arg);
    }
    PQclear(r);
    return JZ_OK;
}
