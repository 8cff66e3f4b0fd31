/*
 * monitor_facts.c - what monitoring knows of a person (jz_monitor_subject),
 * made from the rows a backend gathers (jz__monitor_sink, store_int.h): the
 * same for every backend.  Which facts count is policy and lives here: a
 * household is enrolled when it receives assistance (jz_receives_assistance:
 * a live enrolment, or the record's current programme), its unit is its
 * enrolment's (else its record's programme), a person is its main earner
 * when his wage and business income is the largest, deposits are each
 * member's latest balance per bank on or before the run's date, and so on.
 * The indicators themselves are jz_monitor_person's (lib/monitor).
 *
 * The registry's people are read into memory once (ID number -> household,
 * own income, own unit; household -> region, enrolled, its unit, the
 * largest income, the determination's income), then the feed rows in the
 * backend's order, grouped by person, and each person is handed over with
 * his rows and what earlier runs raised for him (alerts and their evidence
 * rows, read once too).  Joining in SQL instead took 38 s on 5,000,000
 * rows: a lookup per row where one per person is enough.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

_Static_assert(JZ_UNIT_TEKUN == 5 && JZ_UNIT_DIBAO == 0 && JZ_UNIT_DIBAO_EXPENDITURE == 1 &&
                   JZ_UNIT_SINGLE_DIBAO == 4,
               "the scan reads programme 5 as 特困, 4 as 单人保 and 0, 1 as 低保");
_Static_assert(JZ_PROG_DIBAO - 1 == JZ_UNIT_DIBAO &&
                   JZ_PROG_RIGID_EXPENDITURE - 1 == JZ_UNIT_RIGID_EXPENDITURE,
               "a record's current programme p is the household unit p - 1");

typedef struct mon_person {
    char id[JZ_IDNUM_BUF];
    uint32_t hh;               /* index into the households, UINT32_MAX if none */
    int64_t own;               /* wage + business income */
    int64_t deposits;          /* latest balances (every bank), once his household is summed */
    bool tekun, single, alive; /* own 特困 / 单人保 unit; alive and counted (R-HH-2) */
} mon_person;

typedef struct mon_household {
    int64_t key;     /* the backend's key */
    uint32_t id_off; /* household_id in the string pool */
    char region[13];
    int64_t top;      /* largest own income of a member */
    int64_t income;   /* the determination's income, 0 if none */
    int64_t deposits; /* every member's latest balances, once summed */
    int n_members, n_alive;
    int unit, unit_persons; /* the household's unit: jz_unit_programme or -1 */
    uint32_t first;         /* its first person */
    uint32_t holder;        /* the person with the largest balance, UINT32_MAX if none */
    uint32_t live;          /* its live enrolments */
    uint8_t area, current;  /* current: the record's programme (jz_programme) */
    bool dibao_all, summed; /* dibao_all: a 低保 unit counting every member */
} mon_household;

/* A feed row as the scan keeps it (5,000,000 of them fit in 250 MB). */
typedef struct mon_row {
    int64_t row;
    int64_t amount;
    uint32_t person;
    int32_t date;
    uint32_t code, name;    /* offsets in the pool */
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

typedef struct mon_reg {
    mon_person *p;
    size_t np, pcap;
    mon_household *h;
    size_t nh, hcap;
    char *pool;
    size_t pool_len, pool_cap;
    uint32_t *slot; /* ID number -> person index + 1 (open addressing), 0 empty */
    size_t mask;
    mon_household *cur; /* the household of the members being read */
    mon_row *rows;
    size_t nrows, rcap;
    bool sorted;
    mon_alert *alerts;
    size_t nalerts, acap;
    bool nomem;
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
    size_t lo = 0, hi = r->nh; /* households come in key order */
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
    free(r->rows);
    free(r->alerts);
}

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

/* Copies a terminated string into a fixed buffer, cut to fit (snprintf's
 * formatting was a tenth of the scan). */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ---- the sink: what the backend hands over ------------------------------------ */

static int on_registry_sizes(void *arg, size_t households, size_t members)
{
    mon_reg *r = arg;
    r->h = calloc(households + 1, sizeof *r->h);
    r->p = calloc(members + 1, sizeof *r->p);
    r->hcap = households;
    r->pcap = members;
    return (r->nomem = !r->h || !r->p) ? -1 : 0;
}

static int on_household(void *arg, const jz__monitor_household *row)
{
    mon_reg *r = arg;
    if (r->nomem)
        return -1;
    if (r->nh >= r->hcap)
        return 0; /* more than counted: left out, as before */
    mon_household *h = &r->h[r->nh++];
    bool ok = true;
    h->key = row->key;
    h->id_off = pool_put(r, row->household_id, &ok);
    if (!ok)
        return r->nomem = true, -1;
    copy_str(h->region, sizeof h->region, row->region);
    h->n_members = row->n_members;
    h->current = row->current_programme;
    h->unit = row->current_programme > JZ_PROG_NONE && row->current_programme < JZ_PROG_COUNT
                  ? row->current_programme - 1
                  : -1;
    h->unit_persons = h->n_members;
    h->income = row->income;
    h->area = row->area;
    h->first = UINT32_MAX;
    h->holder = UINT32_MAX;
    return 0;
}

static int on_member(void *arg, const jz__monitor_member *row)
{
    mon_reg *r = arg;
    if (r->nomem)
        return -1;
    if (r->np >= r->pcap)
        return 0;
    if (!r->cur || r->cur->key != row->household)
        r->cur = household_of(r, row->household);
    mon_household *cur = r->cur;
    mon_person *p = &r->p[r->np];
    copy_str(p->id, sizeof p->id, row->id_number);
    p->own = row->wage + row->business;
    p->alive = row->deceased == JZ_DATE_NONE && row->presence == JZ_PRES_PRESENT;
    p->hh = cur ? (uint32_t)(cur - r->h) : UINT32_MAX;
    if (cur) {
        if (cur->first == UINT32_MAX)
            cur->first = (uint32_t)r->np;
        if (p->own > cur->top)
            cur->top = p->own;
        cur->n_alive += p->alive;
    }
    r->np++;
    return 0;
}

/* A live enrolment: the household receives assistance, its unit, 特困 and
 * 单人保 people, 低保 units counting all. */
static int on_enrolment(void *arg, const jz__monitor_enrolment *row)
{
    mon_reg *r = arg;
    if (r->nomem)
        return -1;
    mon_household *h = household_of(r, row->household);
    if (!h)
        return 0;
    int prog = row->programme, member = row->member, persons = row->persons;
    h->live++;
    mon_person *p = member >= 0 && h->first != UINT32_MAX && h->first + (uint32_t)member < r->np &&
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
    if ((prog == JZ_UNIT_DIBAO || prog == JZ_UNIT_DIBAO_EXPENDITURE) && persons >= h->n_members)
        h->dibao_all = true;
    return 0;
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

static int64_t person_index(mon_reg *r, const char *id)
{
    size_t i = 0;
    int64_t found = person_find(r, id, &i);
    if (found >= 0)
        return found;
    if (r->np == r->pcap) {
        size_t nc = r->pcap * 2 + 1024;
        mon_person *g = realloc(r->p, nc * sizeof *g);
        if (!g)
            return -1;
        r->p = g;
        r->pcap = nc;
    }
    mon_person *p = &r->p[r->np];
    memset(p, 0, sizeof *p);
    memcpy(p->id, id, JZ_IDNUM_BUF - 1);
    p->id[JZ_IDNUM_BUF - 1] = '\0';
    p->hh = UINT32_MAX;
    r->slot[i] = (uint32_t)(++r->np);
    return (int64_t)r->np - 1;
}

/* Room in the hash table for every person of the feeds as well. */
static int on_feed_size(void *arg, size_t total)
{
    mon_reg *r = arg;
    if (r->nomem)
        return -1;
    size_t cap = 16;
    while (cap < 2 * (r->np + total) + 2)
        cap <<= 1;
    uint32_t *slot = calloc(cap, sizeof *slot);
    r->rows = malloc((total + 1) * sizeof *r->rows);
    r->rcap = total;
    r->sorted = true;
    if (!slot || !r->rows) {
        free(slot);
        return r->nomem = true, -1;
    }
    free(r->slot);
    r->slot = slot;
    r->mask = cap - 1;
    r->pcap = r->np + 1; /* persons of the feeds are added past the registry's */
    for (size_t k = 0; k < r->np; k++) {
        size_t i = id_hash(r->p[k].id) & r->mask;
        while (r->slot[i])
            i = (i + 1) & r->mask;
        r->slot[i] = (uint32_t)(k + 1);
    }
    return 0;
}

/* A feed row, tied to its person. */
static int on_feed_row(void *arg, const jz__monitor_feed_row *f)
{
    mon_reg *r = arg;
    if (r->nomem)
        return -1;
    if (r->nrows >= r->rcap)
        return 1; /* more than counted: the rest is left, as before */
    if (!f->id_number || strlen(f->id_number) != JZ_IDNUM_BUF - 1)
        return 0;
    int64_t pi = person_index(r, f->id_number);
    if (pi < 0)
        return r->nomem = true, -1;
    mon_row *m = &r->rows[r->nrows++];
    m->person = (uint32_t)pi;
    m->row = f->row;
    if (r->nrows > 1 && m->row < r->rows[r->nrows - 2].row)
        r->sorted = false;
    m->dept = f->dept;
    m->event = f->event;
    m->date = f->date;
    m->amount = f->amount;
    m->level = f->level;
    m->cov = m->open_cov = 0;
    bool ok = true;
    m->code = f->code && f->code[0] ? pool_put(r, f->code, &ok) : UINT32_MAX;
    m->name = pool_put(r, f->name, &ok);
    return ok ? 0 : (r->nomem = true, -1);
}

static int by_row_number(const void *a, const void *b)
{
    const mon_row *x = a, *y = b;
    return x->row < y->row ? -1 : x->row > y->row;
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

/* What earlier runs raised: on each row, the indicators whose alerts (open
 * ones) have it as evidence. */
static int on_evidence(void *arg, int indicator, int64_t row, bool open)
{
    mon_reg *r = arg;
    if (r->nomem)
        return -1;
    if (!r->sorted) {
        /* A table scan is in row order; row_at needs it so in any case. */
        qsort(r->rows, r->nrows, sizeof *r->rows, by_row_number);
        r->sorted = true;
    }
    int64_t i = row_at(r->rows, r->nrows, row);
    if (i < 0 || indicator < 0 || indicator >= JZ_IND_COUNT)
        return 0;
    r->rows[i].cov |= UINT32_C(1) << indicator;
    if (open)
        r->rows[i].open_cov |= UINT32_C(1) << indicator;
    return 0;
}

/* The alerts of earlier runs, by person. */
static int on_alert(void *arg, const jz__monitor_alert *x)
{
    mon_reg *r = arg;
    if (r->nomem)
        return -1;
    if (!x->id_number || strlen(x->id_number) != JZ_IDNUM_BUF - 1 || x->indicator < 0 ||
        x->indicator >= JZ_IND_COUNT)
        return 0;
    int64_t pi = person_find(r, x->id_number, NULL);
    if (pi < 0)
        return 0; /* nothing of his to evaluate */
    if (r->nalerts == r->acap) {
        size_t nc = r->acap ? 2 * r->acap : 1024;
        mon_alert *g = realloc(r->alerts, nc * sizeof *g);
        if (!g)
            return r->nomem = true, -1;
        r->alerts = g;
        r->acap = nc;
    }
    mon_alert *a = &r->alerts[r->nalerts++];
    a->id = x->id;
    a->person = (uint32_t)pi;
    a->indicator = (uint8_t)x->indicator;
    a->category = x->category;
    a->open = x->open;
    a->year = jz_date_year(x->raised_on);
    return 0;
}

/* ---- facts ---------------------------------------------------------------------- */

/* What the registry knows of a person (p NULL: outside it). */
static void describe(const mon_reg *r, const mon_person *p, const char *id, jz_monitor_subject *sub)
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
    sub->who.enrolled = jz_receives_assistance(h->current, h->live);
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

static const mon_row *sort_rows; /* the rows the order array indexes, for qsort */

static int by_date_row(const void *a, const void *b)
{
    const mon_row *x = &sort_rows[*(const uint32_t *)a], *y = &sort_rows[*(const uint32_t *)b];
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int by_person_alert(const void *a, const void *b)
{
    const mon_alert *x = a, *y = b;
    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Adds up a household's deposits: each member's latest balance per bank on
 * or before `on` (rows of a bank under the same name). */
static void sum_deposits(mon_reg *reg, mon_household *h, const mon_row *rows, const uint32_t *order,
                         const uint32_t *start, size_t nrows, jz_date on)
{
    h->summed = true;
    int64_t best = 0;
    for (uint32_t k = h->first;
         k != UINT32_MAX && k < reg->np && reg->p[k].hh == (uint32_t)(h - reg->h); k++) {
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

jz_err jz__monitor_scan(const jz_store_ops *ops, void *impl, const char *prefix, jz_date on,
                        void (*fn)(const jz_monitor_subject *s, void *arg), void *arg,
                        jz_error *err)
{
    mon_reg reg;
    memset(&reg, 0, sizeof reg);
    const jz__monitor_sink sink = {
        .registry_sizes = on_registry_sizes,
        .household = on_household,
        .member = on_member,
        .enrolment = on_enrolment,
        .feed_size = on_feed_size,
        .feed_row = on_feed_row,
        .evidence = on_evidence,
        .alert = on_alert,
    };
    const jz__monitor_query query = {.live_statuses = jz__live_statuses(),
                                     .resolved = JZ_ALERT_RESOLVED};
    jz_err rc = ops->monitor_rows(impl, &query, &sink, &reg, err);
    if (!rc && reg.nomem)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (!rc && !reg.sorted)
        qsort(reg.rows, reg.nrows, sizeof *reg.rows, by_row_number);
    if (!rc && reg.nalerts > 1)
        qsort(reg.alerts, reg.nalerts, sizeof *reg.alerts, by_person_alert);
    mon_row *rows = reg.rows;
    size_t nrows = reg.nrows, ocap = 256, next_alert = 0;
    uint32_t *order = NULL, *start = NULL, *cov = NULL, *open_cov = NULL;
    jz_feed_row *out = NULL;
    int64_t *ids = NULL;
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
        while (next_alert < reg.nalerts && reg.alerts[next_alert].person < k)
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
        for (size_t a = next_alert; a < reg.nalerts && reg.alerts[a].person == k; a++) {
            const mon_alert *x = &reg.alerts[a];
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
        else if ((rc = ops->member_name(impl, p->id, sub.name, sizeof sub.name, err)))
            break; /* a 特困 person with no row at all: his name from the registry */
        sub.rows = out;
        sub.row_ids = ids;
        sub.n = n;
        fn(&sub, arg);
    }
    free(order);
    free(start);
    free(out);
    free(ids);
    free(cov);
    free(open_cov);
    reg_free(&reg);
    return rc;
}
