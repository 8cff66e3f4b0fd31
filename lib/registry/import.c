/*
 * import.c - imports JSON household records into the store.
 *
 * JSON Lines, the format of bulk imports, goes through a pipeline: this
 * thread reads lines into batches, worker threads parse and validate them
 * (the costly part), and this thread stores the parsed households in file
 * order, committing every JZ_IMPORT_BATCH households together with the line
 * reached.  Other JSON (one record, an array) is read whole by jz_reader.
 *
 * A household stating what it receives today (`current`) is also assessed
 * (in the workers, beside its parsing) and brought in as a recipient when it
 * is stored (jz_proc_adopt): its enrolments, and a D alert where the engine
 * no longer finds what it receives.  What a batch brought in is audited as
 * one entry with the batch.
 *
 * A refused record is kept in the store with the batch it belongs to
 * (jz_store_import_reject), keyed by its place in the import, so that an
 * import resumed after a kill still knows, and reports, every record its
 * earlier runs refused (jz_import_rejections).  The errors are kept as a
 * JSON array of the jz_error fields.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "jiuzhu/jz_csv.h"
#include "jiuzhu/jz_encoding.h"
#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_import.h"
#include "jiuzhu/jz_procedure.h"

#define LINES_PER_SLOT 256
#define SLOTS 8

enum slot_state { SLOT_FREE = 0, SLOT_FILLED, SLOT_PARSING, SLOT_PARSED };

/* The assessment of a household that states a `current` (adoption). */
typedef struct assessed {
    bool done;        /* assessed (parameters in force for its county and date) */
    int d_days;       /* monitor.deadline.d there */
    char reasons[96]; /* the decisive rules that failed, when something was not found */
    jz_result r;
} assessed;

/* The parameters last resolved, per worker slot: consecutive households
 * mostly share their county and date. */
typedef struct policy_cache {
    char county[7];
    jz_date date;
    bool ok;
    jz_policy p;
} policy_cache;

typedef struct slot {
    enum slot_state state;
    size_t n;   /* records in the slot */
    char *text; /* the lines, each terminated */
    size_t text_len, text_cap;
    size_t off[LINES_PER_SLOT]; /* start of record k in text */
    size_t len[LINES_PER_SLOT];
    long line[LINES_PER_SLOT];
    bool toolong[LINES_PER_SLOT]; /* a line over the record bound, refused in its place */
    jz_err rc[LINES_PER_SLOT];
    jz_household hh[LINES_PER_SLOT];
    jz_household_buf *buf; /* LINES_PER_SLOT of them */
    jz_error *err;         /* LINES_PER_SLOT of them */
    assessed *as;          /* LINES_PER_SLOT of them, with adoption */
    jz_trace *trace;       /* for the reasons of a recipient no longer eligible */
    policy_cache pc;
} slot;

typedef struct pipe {
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    slot slots[SLOTS];
    const jz_parse_opts *opts;
    const jz_import_adopt *adopt;
    const char *path;
    bool stop;
} pipe_t;

static bool states_current(const jz_household *h)
{
    if (h->current_programme != JZ_PROG_NONE)
        return true;
    for (uint32_t i = 0; i < h->n_members; i++)
        if (h->members[i].current_programme != JZ_MPROG_NONE)
            return true;
    return false;
}

/* Assesses a household that states a `current` on its record's date; when
 * the parameters cannot be resolved it is brought in unassessed. */
static void assess_current(const jz_import_adopt *ad, policy_cache *pc, const jz_household *h,
                           jz_trace *trace, assessed *a)
{
    a->done = false;
    a->reasons[0] = '\0';
    char county[7];
    jz_region_county(&h->region, county);
    if (!pc->ok || strcmp(pc->county, county) != 0 || pc->date != h->assess_date) {
        jz_error ignore;
        snprintf(pc->county, sizeof pc->county, "%s", county);
        pc->date = h->assess_date;
        pc->ok = jz_policy_resolve(ad->params, county, h->assess_date, &pc->p, &ignore) == JZ_OK;
    }
    if (!pc->ok)
        return;
    jz_assess(h, &pc->p, &a->r, NULL);
    a->done = true;
    a->d_days = pc->p.mon_deadline[3];
    /* Only a recipient no longer eligible needs the reasons: the trace. */
    if (trace && !jz_proc_adopt_found(h, &a->r)) {
        jz_assess(h, &pc->p, &a->r, trace);
        jz_proc_failed_rules(&a->r, trace, a->reasons, sizeof a->reasons);
    }
}

static void parse_slot(pipe_t *p, slot *s)
{
    for (size_t k = 0; k < s->n; k++) {
        jz_error *e = &s->err[k];
        jz_error_clear(e);
        if (s->toolong[k])
            s->rc[k] =
                jz_error_set(e, JZ_EINPUT, "", NULL, "一行超过 %u 字节", JZ_RECORD_MAX_BYTES);
        else
            s->rc[k] = jz_household_parse(s->text + s->off[k], s->len[k], p->opts, &s->hh[k],
                                          &s->buf[k], e);
        if (s->rc[k]) { /* only a refused record needs its file and line */
            snprintf(e->source, sizeof e->source, "%s", p->path);
            e->line = s->line[k];
        } else if (p->adopt && s->as) {
            s->as[k].done = false;
            if (states_current(&s->hh[k]))
                assess_current(p->adopt, &s->pc, &s->hh[k], s->trace, &s->as[k]);
        }
    }
}

static void *worker(void *arg)
{
    pipe_t *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        slot *todo = NULL;
        for (int i = 0; i < SLOTS && !todo; i++)
            if (p->slots[i].state == SLOT_FILLED)
                todo = &p->slots[i];
        if (!todo) {
            if (p->stop)
                break;
            pthread_cond_wait(&p->work, &p->mu);
            continue;
        }
        todo->state = SLOT_PARSING;
        pthread_mutex_unlock(&p->mu);
        parse_slot(p, todo);
        pthread_mutex_lock(&p->mu);
        todo->state = SLOT_PARSED;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Appends a line to the slot (cap: one record's bound). */
static bool slot_add(slot *s, const char *line, size_t len, long lineno)
{
    if (s->text_len + len + 1 > s->text_cap) {
        size_t cap = s->text_cap ? s->text_cap : 65536;
        while (cap < s->text_len + len + 1)
            cap *= 2;
        char *t = realloc(s->text, cap);
        if (!t)
            return false;
        s->text = t;
        s->text_cap = cap;
    }
    memcpy(s->text + s->text_len, line, len);
    s->text[s->text_len + len] = '\0';
    s->off[s->n] = s->text_len;
    s->len[s->n] = len;
    s->line[s->n] = lineno;
    s->toolong[s->n] = false;
    s->n++;
    s->text_len += len + 1;
    return true;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

typedef struct progress {
    jz_store *s;
    jz_store_import imp;
    long in_batch, stored, rejected, last_line;
    long batch;
    const jz_import_adopt *adopt;
    jz_import_stats *stats;
    /* What the batch brought in, for its audit entry. */
    char *brought; /* JSON array text of {"household_id", "enrolments", "alerts"} */
    size_t brought_len, brought_cap;
    jz_trace *trace; /* households assessed on this thread (documents, CSV) */
    policy_cache pc;
    /* The households of a slot stored since the last adoption: adopted
     * together before the batch commits (adopt_held), so that a store that
     * sends new households in bulk (PostgreSQL) sends them once per batch,
     * not once per recipient. */
    const jz_household *ad_h[LINES_PER_SLOT];
    const struct assessed *ad_a[LINES_PER_SLOT];
    size_t ad_n;
} progress;

/* The errors of a refused record as kept in the store: a JSON array of
 * {"source", "line", "household", "member", "field", "value", "reason"}
 * (malloc'd text, caller frees; NULL when out of memory). */
static char *encode_errors(const jz_error *e, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_t *o =
            json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "source", e[i].source, "line",
                      (json_int_t)e[i].line, "household", e[i].household, "member", e[i].member,
                      "field", e[i].field, "value", e[i].value, "reason", e[i].reason);
        if (!o || json_array_append_new(a, o) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return text;
}

/* A record refused: kept in the store with the batch it belongs to (key:
 * its place in the import), counted, and its errors passed on.  Fails only
 * when the store does (the import then stops). */
static jz_err refuse(progress *pg, long key, const char *county, const char *household_id,
                     const jz_error *e, size_t n, jz_import_reject_fn on_reject, void *arg,
                     jz_error *err)
{
    char *msg = encode_errors(e, n);
    if (!msg)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = jz_store_import_reject(pg->s, &pg->imp, key, county ? county : "",
                                       household_id && household_id[0] ? household_id
                                       : n                             ? e[0].household
                                                                       : "",
                                       msg, err);
    free(msg);
    if (rc)
        return rc;
    pg->rejected++;
    pg->stats->rejected++;
    for (size_t i = 0; on_reject && i < n; i++)
        on_reject(&e[i], arg);
    return JZ_OK;
}

static bool brought_add(progress *pg, const char *text)
{
    size_t n = strlen(text);
    if (pg->brought_len + n + 2 > pg->brought_cap) {
        size_t cap = pg->brought_cap ? pg->brought_cap : 4096;
        while (cap < pg->brought_len + n + 2)
            cap *= 2;
        char *b = realloc(pg->brought, cap);
        if (!b)
            return false;
        pg->brought = b;
        pg->brought_cap = cap;
    }
    if (pg->brought_len)
        pg->brought[pg->brought_len++] = ',';
    memcpy(pg->brought + pg->brought_len, text, n + 1);
    pg->brought_len += n;
    return true;
}

/* Brings in the recipients a stored household states (jz_proc_adopt). */
static jz_err adopt_stored(progress *pg, const jz_household *h, const assessed *a, jz_error *err)
{
    if (!pg->adopt || !states_current(h))
        return JZ_OK;
    jz_adopt_res res;
    jz_err rc = jz_proc_adopt(pg->s, h, a && a->done ? &a->r : NULL, a ? a->reasons : "",
                              a && a->done ? a->d_days : 0, pg->adopt->calendar, &res, err);
    if (rc)
        return rc;
    pg->stats->enrolled += (long)res.enrolled;
    pg->stats->ineligible += (long)res.alerts; /* newly raised: an earlier import's stay */
    if (!res.enrolled && !res.alerts)
        return JZ_OK;
    char text[64 + JZ_HOUSEHOLD_ID_MAX + 24 * (JZ_CASE_UNITS_MAX + JZ_MAX_MEMBERS + 1)];
    size_t len = (size_t)snprintf(text, sizeof text, "{\"household_id\":\"%s\",\"enrolments\":[",
                                  h->household_id);
    for (size_t i = 0; i < res.enrolled && i < JZ_CASE_UNITS_MAX; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%lld", i ? "," : "",
                                (long long)res.ids[i]);
    len += (size_t)snprintf(text + len, sizeof text - len, "],\"alerts\":[");
    for (size_t i = 0; i < res.alerts; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%lld", i ? "," : "",
                                (long long)res.alert_ids[i]);
    snprintf(text + len, sizeof text - len, "]}");
    if (!brought_add(pg, text))
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    return JZ_OK;
}

/* Commits the batch with the import's progress; the last one is then
 * marked finished on its own, which makes the whole import durable. */
/* The adoptions of the households stored since the last (store_slot). */
static jz_err adopt_held(progress *pg, jz_error *err)
{
    for (size_t i = 0; i < pg->ad_n; i++) {
        jz_err rc = adopt_stored(pg, pg->ad_h[i], pg->ad_a[i], err);
        if (rc) {
            jz_error_set_where(err, pg->ad_h[i]->household_id, NULL);
            pg->ad_n = 0;
            return rc;
        }
    }
    pg->ad_n = 0;
    return JZ_OK;
}

static jz_err commit(progress *pg, bool finished, jz_error *err)
{
    jz_err rc = adopt_held(pg, err);
    if (rc)
        return rc;
    if (pg->brought_len) {
        /* The recipients the batch brought in: one audit entry. */
        size_t n = pg->brought_len + 64;
        char *after = malloc(n);
        char entity[48];
        snprintf(entity, sizeof entity, "import:%lld", (long long)pg->imp.id);
        if (!after)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        snprintf(after, n, "{\"brought_in\":[%s]}", pg->brought);
        rc = jz_store_audit(pg->s, "", "recipients.import", entity, "", after, err);
        free(after);
        pg->brought_len = 0;
        if (rc)
            return rc;
    }
    rc = jz_store_import_progress(pg->s, &pg->imp, pg->last_line, pg->stored, pg->rejected,
                                  false, err);
    if (!rc)
        rc = jz_store_commit(pg->s, err);
    pg->in_batch = pg->stored = pg->rejected = 0;
    if (!rc && finished)
        rc = jz_store_import_progress(pg->s, &pg->imp, pg->last_line, 0, 0, true, err);
    else if (!rc)
        rc = jz_store_begin(pg->s, err);
    return rc;
}

/* Stores a parsed slot's households in order. */
static jz_err store_slot(progress *pg, slot *s, const char *path, jz_import_reject_fn on_reject,
                         void *arg, jz_import_stats *stats, jz_error *err)
{
    /* The slot's parsed households, for the store to look up at once (the
     * ones refused by the parser are not put: they are left out). */
    jz_household *ready = malloc((s->n ? s->n : 1) * sizeof *ready);
    size_t nr = 0;
    for (size_t k = 0; ready && k < s->n; k++)
        if (s->rc[k] == JZ_OK)
            ready[nr++] = s->hh[k];
    jz_err prc = ready ? jz_store_prefetch_households(pg->s, ready, nr, err)
                       : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    free(ready);
    if (prc)
        return prc;
    for (size_t k = 0; k < s->n; k++) {
        jz_error *e = &s->err[k];
        jz_err rc = s->rc[k];
        if (rc == JZ_OK) {
            char source[JZ_ERR_FIELD_MAX + 32];
            snprintf(source, sizeof source, "%.96s:%ld", path, s->line[k]);
            rc = jz_store_put_household(pg->s, &s->hh[k], s->text + s->off[k], source, e);
            if (rc == JZ_EINPUT) {
                jz_error_set_where(e, s->hh[k].household_id, NULL);
                snprintf(e->source, sizeof e->source, "%s", path);
                e->line = s->line[k];
            } else if (rc) {
                *err = *e;
                return rc;
            } else {
                pg->ad_h[pg->ad_n] = &s->hh[k];
                pg->ad_a[pg->ad_n++] = s->as ? &s->as[k] : NULL;
            }
        }
        if (rc == JZ_OK) {
            pg->stored++;
            stats->stored++;
        } else {
            /* Parsed but refused by the store (R-HH-3): its county is known. */
            char county[7] = "";
            if (s->rc[k] == JZ_OK)
                jz_region_county(&s->hh[k].region, county);
            if ((rc = refuse(pg, s->line[k], county, s->rc[k] == JZ_OK ? s->hh[k].household_id : "",
                             e, 1, on_reject, arg, err)))
                return rc;
        }
        pg->last_line = s->line[k];
        if (++pg->in_batch >= pg->batch && (rc = commit(pg, false, err)))
            return rc;
    }
    jz_err arc = adopt_held(pg, err); /* before the slot's households are freed */
    if (arc)
        return arc;
    s->n = 0;
    s->text_len = 0;
    s->state = SLOT_FREE;
    return JZ_OK;
}

/* The file read in blocks and split into lines with memchr: fast, and a
 * line's length is exact whatever bytes it holds (fgets cannot tell a NUL
 * byte from the end of what it read, so a line with a NUL swallowed the
 * next one, which was then neither stored nor refused). */
typedef struct line_reader {
    FILE *in;
    size_t pos, end;
    bool eof;
    char blk[65536];
} line_reader;

/* Reads one line into *buf (without its newline; grown as needed, up to
 * the record bound) and returns its length, -1 at the end, -2 out of
 * memory.  A longer line is read to its end and dropped: 0 with *toolong. */
static long get_line(line_reader *r, char **buf, size_t *cap, bool *toolong)
{
    size_t len = 0;
    bool any = false;
    *toolong = false;
    for (;;) {
        if (r->pos == r->end) {
            if (!r->eof) {
                r->end = fread(r->blk, 1, sizeof r->blk, r->in);
                r->pos = 0;
                r->eof = r->end == 0;
            }
            if (r->eof)
                break;
        }
        any = true;
        const char *start = r->blk + r->pos;
        const char *nl = memchr(start, '\n', r->end - r->pos);
        size_t n = nl ? (size_t)(nl - start) : r->end - r->pos;
        r->pos += n + (nl ? 1 : 0);
        if (!*toolong && len + n > JZ_RECORD_MAX_BYTES) {
            *toolong = true;
            len = 0;
        }
        if (!*toolong) {
            if (len + n + 1 > *cap) {
                size_t nc = *cap ? *cap : 65536;
                while (nc < len + n + 1)
                    nc *= 2;
                char *g = realloc(*buf, nc);
                if (!g)
                    return -2;
                *buf = g;
                *cap = nc;
            }
            memcpy(*buf + len, start, n);
            len += n;
        }
        if (nl)
            break;
    }
    if (!any)
        return -1;
    if (!*buf && !(*buf = malloc(*cap = 65536)))
        return -2;
    (*buf)[*toolong ? 0 : len] = '\0';
    return *toolong ? 0 : (long)len;
}

static jz_err import_lines(FILE *in, const char *path, long lines_before, progress *pg,
                           const jz_parse_opts *opts, int threads, jz_import_reject_fn on_reject,
                           void *arg, jz_import_stats *stats, jz_error *err)
{
    pipe_t p;
    memset(&p, 0, sizeof p);
    p.opts = opts;
    p.adopt = pg->adopt;
    p.path = path;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.work, NULL);
    pthread_cond_init(&p.done, NULL);
    jz_err rc = JZ_OK;
    for (int i = 0; i < SLOTS; i++) {
        p.slots[i].buf = malloc(LINES_PER_SLOT * sizeof *p.slots[i].buf);
        p.slots[i].err = malloc(LINES_PER_SLOT * sizeof *p.slots[i].err);
        if (!p.slots[i].buf || !p.slots[i].err)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        if (p.adopt) {
            p.slots[i].as = malloc(LINES_PER_SLOT * sizeof *p.slots[i].as);
            p.slots[i].trace = malloc(sizeof *p.slots[i].trace);
            if (!p.slots[i].as || !p.slots[i].trace)
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        }
    }
    if (threads <= 0)
        threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    if (threads > 16)
        threads = 16;
    pthread_t tid[16];
    int started = 0;
    for (int t = 0; !rc && t < threads; t++)
        if (pthread_create(&tid[t], NULL, worker, &p) == 0)
            started++;
    char *line = NULL;
    size_t cap = 0;
    long lineno = lines_before;
    line_reader *lr = calloc(1, sizeof *lr);
    if (!lr && !rc)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (lr)
        lr->in = in;
    int fill = 0, drain = 0; /* slot being filled; oldest slot to store */
    bool eof = false;
    while (!rc && !(eof && p.slots[drain].state == SLOT_FREE)) {
        slot *f = &p.slots[fill];
        if (!eof && f->state == SLOT_FREE) {
            /* Fill the next slot with records. */
            while (f->n < LINES_PER_SLOT) {
                bool toolong;
                long n = get_line(lr, &line, &cap, &toolong);
                if (n == -2) {
                    rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                    break;
                }
                if (n < 0) {
                    eof = true;
                    break;
                }
                lineno++;
                const char *text = line;
                /* A byte order mark may start the file (Windows editors,
                 * Excel): not part of the first record. */
                if (lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
                    text += 3;
                    n -= 3;
                }
                /* A line too long is refused in its place among the others,
                 * so that it is kept with its batch like any refusal. */
                if (!toolong && blank(text, (size_t)n))
                    continue;
                if (!slot_add(f, toolong ? "" : text, toolong ? 0 : (size_t)n, lineno)) {
                    rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                    break;
                }
                f->toolong[f->n - 1] = toolong;
            }
            if (ferror(in) && !rc)
                rc = jz_error_set(err, JZ_EIO, "", path, "读取失败：%s", strerror(errno));
            pthread_mutex_lock(&p.mu);
            if (f->n > 0) {
                f->state = started ? SLOT_FILLED : SLOT_PARSING;
                fill = (fill + 1) % SLOTS;
            }
            pthread_cond_signal(&p.work);
            pthread_mutex_unlock(&p.mu);
            if (f->n > 0 && !started) {
                parse_slot(&p, f); /* no worker could start: parse here */
                f->state = SLOT_PARSED;
            }
            continue;
        }
        /* Store the oldest slot once it is parsed. */
        slot *d = &p.slots[drain];
        pthread_mutex_lock(&p.mu);
        while (d->state == SLOT_FILLED || d->state == SLOT_PARSING)
            pthread_cond_wait(&p.done, &p.mu);
        pthread_mutex_unlock(&p.mu);
        if (d->state == SLOT_PARSED) {
            rc = store_slot(pg, d, path, on_reject, arg, stats, err);
            drain = (drain + 1) % SLOTS;
        } else if (eof) {
            break;
        }
    }
    pthread_mutex_lock(&p.mu);
    p.stop = true;
    pthread_cond_broadcast(&p.work);
    pthread_mutex_unlock(&p.mu);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    for (int i = 0; i < SLOTS; i++) {
        free(p.slots[i].text);
        free(p.slots[i].buf);
        free(p.slots[i].err);
        free(p.slots[i].as);
        free(p.slots[i].trace);
    }
    free(line);
    free(lr);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.work);
    pthread_cond_destroy(&p.done);
    return rc;
}

/* Assesses and brings in a household stored on this thread (a document,
 * a CSV set). */
static jz_err adopt_here(progress *pg, const jz_household *h, jz_error *err)
{
    if (!pg->adopt || !states_current(h))
        return JZ_OK;
    assessed *a = malloc(sizeof *a);
    if (!a)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (!pg->trace && !(pg->trace = malloc(sizeof *pg->trace))) {
        free(a);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    assess_current(pg->adopt, &pg->pc, h, pg->trace, a);
    jz_err rc = adopt_stored(pg, h, a, err);
    free(a);
    return rc;
}

/* One record or an array: read whole with jz_reader. */
static jz_err import_document(FILE *in, const char *path, progress *pg, const jz_parse_opts *opts,
                              jz_import_reject_fn on_reject, void *arg, jz_import_stats *stats,
                              jz_error *err)
{
    jz_reader *rd = jz_reader_new(in, path, opts);
    if (!rd)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = JZ_OK;
    long ordinal = 0; /* the record's place: a document is re-read whole on resume */
    for (;;) {
        const jz_household *h;
        jz_error e;
        rc = jz_reader_next(rd, &h, &e);
        if (rc == JZ_EOF) {
            rc = JZ_OK;
            break;
        }
        ordinal++;
        bool parsed = rc == JZ_OK;
        if (rc == JZ_OK) {
            char source[JZ_ERR_FIELD_MAX + 32];
            snprintf(source, sizeof source, "%.96s:%ld", path, jz_reader_line(rd));
            rc = jz_store_put_household(pg->s, h, jz_reader_text(rd, NULL), source, &e);
            if (rc == JZ_EINPUT) {
                jz_error_set_where(&e, h->household_id, NULL);
                snprintf(e.source, sizeof e.source, "%s", path);
                e.line = jz_reader_line(rd);
            } else if (rc == JZ_OK && (rc = adopt_here(pg, h, &e)) != JZ_OK) {
                jz_error_set_where(&e, h->household_id, NULL);
            }
        }
        if (rc == JZ_OK) {
            pg->stored++;
            stats->stored++;
        } else if (rc == JZ_EINPUT) {
            char county[7] = "";
            if (parsed)
                jz_region_county(&h->region, county);
            if ((rc = refuse(pg, ordinal, county, parsed ? h->household_id : "", &e, 1, on_reject,
                             arg, err)))
                break;
        } else {
            *err = e;
            break;
        }
        if (++pg->in_batch >= pg->batch && (rc = commit(pg, false, err)))
            break;
    }
    jz_reader_free(rd);
    return rc;
}

/* The import's counts over all its runs: what an interrupted run committed
 * and this one.  Only the figures change when the store cannot say. */
static void totals(progress *pg)
{
    jz_store_import_counts c;
    jz_error ignore;
    pg->stats->import = pg->imp.id;
    pg->stats->stored_total = pg->stats->stored;
    pg->stats->rejected_total = pg->stats->rejected;
    if (jz_store_import_counts_get(pg->s, pg->imp.id, &c, &ignore) == JZ_OK) {
        pg->stats->stored_total = c.stored;
        pg->stats->rejected_total = c.rejected;
    }
}

static bool skip_lines(FILE *in, long n)
{
    int ch;
    while (n > 0 && (ch = getc_unlocked(in)) != EOF)
        if (ch == '\n')
            n--;
    return n == 0;
}

jz_err jz_import_json(jz_store *s, const char *path, const jz_parse_opts *opts,
                      const jz_import_adopt *adopt, int threads, long batch,
                      jz_import_reject_fn on_reject, void *arg, jz_import_stats *stats,
                      jz_error *err)
{
    memset(stats, 0, sizeof *stats);
    struct stat st;
    FILE *in = fopen(path, "rb");
    if (!in || fstat(fileno(in), &st) != 0) {
        jz_err rc = jz_error_set(err, JZ_EIO, "", path, "无法打开：%s", strerror(errno));
        snprintf(err->source, sizeof err->source, "%s", path);
        if (in)
            fclose(in);
        return rc;
    }
    /* JSON is UTF-8: a GBK file is refused with the command that converts it. */
    char head[65536];
    size_t got = fread(head, 1, sizeof head, in);
    jz_encoding enc = jz_encoding_sniff(head, got);
    if (enc == JZ_ENC_GB18030 || enc == JZ_ENC_UTF16) {
        jz_error_clear(err);
        jz_err rc = jz_encoding_refuse(err, path, enc, NULL);
        fclose(in);
        return rc;
    }
    rewind(in);
    progress pg;
    memset(&pg, 0, sizeof pg);
    pg.s = s;
    pg.batch = batch > 0 ? batch : JZ_IMPORT_BATCH;
    pg.adopt = adopt;
    pg.stats = stats;
    jz_err rc =
        jz_store_import_begin(s, path, (int64_t)st.st_size, (int64_t)st.st_mtime, &pg.imp, err);
    if (rc) {
        fclose(in);
        return rc;
    }
    /* JSON Lines or not: the first non-blank byte and whether the first
     * record ends on its line decide (as jz_reader does). */
    int ch;
    while ((ch = getc(in)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == 0xEF ||
           ch == 0xBB || ch == 0xBF)
        ; /* blank lines and a byte order mark */
    bool lines = false;
    if (ch == '{') {
        lines = true;
        int depth = 0, c = ch;
        bool instr = false, esc = false;
        /* A record that closes before its line ends is JSON Lines. */
        do {
            if (instr) {
                if (esc)
                    esc = false;
                else if (c == '\\')
                    esc = true;
                else if (c == '"')
                    instr = false;
            } else if (c == '"') {
                instr = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == '\n') {
                break;
            }
        } while (depth > 0 && (c = getc(in)) != EOF);
        lines = depth == 0;
    }
    rewind(in);
    pg.last_line = pg.imp.lines_done;
    if ((rc = jz_store_begin(s, err))) {
        fclose(in);
        return rc;
    }
    if (lines) {
        if (pg.imp.lines_done > 0) {
            stats->resumed_after = pg.imp.lines_done;
            skip_lines(in, pg.imp.lines_done);
        }
        rc = import_lines(in, path, pg.imp.lines_done, &pg, opts, threads, on_reject, arg, stats,
                          err);
    } else {
        rc = import_document(in, path, &pg, opts, on_reject, arg, stats, err);
    }
    if (!rc)
        rc = commit(&pg, true, err);
    else
        jz_store_rollback(s);
    totals(&pg);
    fclose(in);
    free(pg.brought);
    free(pg.trace);
    return rc;
}

jz_err jz_import_csv(jz_store *s, const char *const *paths, size_t n, const jz_parse_opts *opts,
                     const jz_import_adopt *adopt, long batch, jz_import_reject_fn on_reject,
                     void *arg, jz_import_stats *stats, jz_error *err)
{
    memset(stats, 0, sizeof *stats);
    jz_csv_set *set = NULL;
    jz_err rc = jz_csv_open(paths, n, &set, err);
    if (rc)
        return rc;
    /* The households file identifies the import (for resuming). */
    const char *hpath = jz_csv_path(set, JZ_CSV_HOUSEHOLDS);
    struct stat st;
    if (!hpath || stat(hpath, &st) != 0) {
        jz_csv_free(set);
        return jz_error_set(err, JZ_EIO, "", hpath, "无法读取户文件");
    }
    progress pg;
    memset(&pg, 0, sizeof pg);
    pg.s = s;
    pg.batch = batch > 0 ? batch : JZ_IMPORT_BATCH;
    pg.adopt = adopt;
    pg.stats = stats;
    if ((rc = jz_store_import_begin(s, hpath, (int64_t)st.st_size, (int64_t)st.st_mtime, &pg.imp,
                                    err)) ||
        (rc = jz_store_begin(s, err))) {
        jz_csv_free(set);
        return rc;
    }
    stats->resumed_after = pg.imp.lines_done;
    enum { CAP = 64 };
    jz_error errs[CAP];
    long index = 0;   /* results of the households file seen */
    long orphans = 0; /* results after the households: rows of no household */
    for (;;) {
        char *json = NULL;
        size_t n_errs = 0;
        rc = jz_csv_next(set, opts, &json, errs, CAP, &n_errs);
        if (rc == JZ_EOF) {
            rc = JZ_OK;
            break;
        }
        if (rc != JZ_OK && rc != JZ_EINPUT) {
            if (n_errs)
                *err = errs[0];
            free(json);
            break;
        }
        bool counted = index < (long)jz_csv_count(set);
        if (counted)
            index++;
        if (counted && index <= pg.imp.lines_done) {
            free(json); /* committed by an earlier, interrupted import */
            continue;
        }
        if (rc == JZ_OK) {
            const jz_household *h = jz_csv_household(set);
            jz_error e;
            jz_error_clear(&e);
            rc = jz_store_put_household(s, h, json, hpath, &e);
            if (rc == JZ_EINPUT) {
                jz_error_set_where(&e, h->household_id, NULL);
                snprintf(e.source, sizeof e.source, "%s", hpath);
                errs[0] = e;
                n_errs = 1;
            } else if (rc || (rc = adopt_here(&pg, h, &e)) != JZ_OK) {
                jz_error_set_where(&e, h->household_id, NULL);
                *err = e;
                free(json);
                break;
            }
        }
        char county[7] = "", hid[JZ_HOUSEHOLD_ID_MAX] = "";
        if (rc == JZ_EINPUT && jz_csv_household(set)) {
            /* Parsed, refused by the store (R-HH-3). */
            jz_region_county(&jz_csv_household(set)->region, county);
            snprintf(hid, sizeof hid, "%s", jz_csv_household(set)->household_id);
        }
        free(json);
        if (rc == JZ_OK) {
            pg.stored++;
            stats->stored++;
        } else {
            /* A household's place is its row in the households file; the
             * rows of no household come after them, one result at a time,
             * in the same order on every run. */
            long key = counted ? index : (long)jz_csv_count(set) + ++orphans;
            if ((rc = refuse(&pg, key, county, hid, errs, n_errs, on_reject, arg, err)))
                break;
        }
        if (counted)
            pg.last_line = index;
        if (++pg.in_batch >= pg.batch && (rc = commit(&pg, false, err)))
            break;
    }
    if (!rc)
        rc = commit(&pg, true, err);
    else
        jz_store_rollback(s);
    totals(&pg);
    jz_csv_free(set);
    free(pg.brought);
    free(pg.trace);
    return rc;
}

/* Copies a string member of o into a field of a jz_error. */
static void field_of(const json_t *o, const char *key, char *dst, size_t cap)
{
    const char *v = json_string_value(json_object_get(o, key));
    snprintf(dst, cap, "%s", v ? v : "");
}

typedef struct replay {
    jz_import_reject_fn fn;
    void *arg;
    long n;
} replay;

static int replay_row(long key, const char *household_id, const char *message, void *arg)
{
    replay *r = arg;
    (void)key;
    json_error_t je;
    json_t *a = json_loads(message, 0, &je);
    if (!json_is_array(a) || json_array_size(a) == 0) {
        /* Not what this import writes: still a refusal, shown as kept. */
        jz_error e;
        jz_error_clear(&e);
        jz_error_set(&e, JZ_EINPUT, NULL, NULL, "%s", message);
        jz_error_set_where(&e, household_id, NULL);
        r->fn(&e, r->arg);
        r->n++;
        json_decref(a);
        return 0;
    }
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o)
    {
        jz_error e;
        jz_error_clear(&e);
        e.code = JZ_EINPUT;
        field_of(o, "source", e.source, sizeof e.source);
        e.line = (long)json_integer_value(json_object_get(o, "line"));
        field_of(o, "household", e.household, sizeof e.household);
        field_of(o, "member", e.member, sizeof e.member);
        field_of(o, "field", e.field, sizeof e.field);
        field_of(o, "value", e.value, sizeof e.value);
        field_of(o, "reason", e.reason, sizeof e.reason);
        if (!e.household[0])
            snprintf(e.household, sizeof e.household, "%s", household_id);
        r->fn(&e, r->arg);
        r->n++;
    }
    json_decref(a);
    return 0;
}

jz_err jz_import_rejections(jz_store *s, int64_t import, jz_import_reject_fn fn, void *arg, long *n,
                            jz_error *err)
{
    replay r = {fn, arg, 0};
    jz_err rc = jz_store_import_rejections(s, import, replay_row, &r, err);
    if (n)
        *n = r.n;
    return rc;
}
