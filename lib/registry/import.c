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
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
        s->rc[k] =
            jz_household_parse(s->text + s->off[k], s->len[k], p->opts, &s->hh[k], &s->buf[k], e);
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
} progress;

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
static jz_err commit(progress *pg, bool finished, jz_error *err)
{
    jz_err rc = JZ_OK;
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
            } else if ((rc = adopt_stored(pg, &s->hh[k], s->as ? &s->as[k] : NULL, err))) {
                jz_error_set_where(err, s->hh[k].household_id, NULL);
                return rc;
            }
        }
        if (rc == JZ_OK) {
            pg->stored++;
            stats->stored++;
        } else {
            pg->rejected++;
            stats->rejected++;
            if (on_reject)
                on_reject(e, arg);
        }
        pg->last_line = s->line[k];
        if (++pg->in_batch >= pg->batch && (rc = commit(pg, false, err)))
            return rc;
    }
    s->n = 0;
    s->text_len = 0;
    s->state = SLOT_FREE;
    return JZ_OK;
}

/* Reads one line into *buf (grown as needed, up to the record bound); a
 * longer line is skipped to its end and reported with *toolong.  fgets scans
 * for the newline in bulk, much faster than a byte at a time. */
static long get_line(FILE *in, char **buf, size_t *cap, bool *toolong)
{
    size_t len = 0;
    *toolong = false;
    for (;;) {
        if (*cap - len < 2) {
            if (*cap >= JZ_RECORD_MAX_BYTES) {
                /* Too long: keep reading (and dropping) to the newline. */
                *toolong = true;
                len = 0;
            } else {
                size_t nc = *cap ? *cap * 2 : 65536;
                char *b = realloc(*buf, nc);
                if (!b)
                    return -2;
                *buf = b;
                *cap = nc;
            }
        }
        if (!fgets(*buf + len, (int)(*cap - len), in))
            return len > 0 || *toolong ? (long)len : -1;
        size_t got = strlen(*buf + len);
        len += got;
        if (len > 0 && (*buf)[len - 1] == '\n') {
            (*buf)[--len] = '\0';
            return *toolong ? 0 : (long)len;
        }
    }
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
    int fill = 0, drain = 0; /* slot being filled; oldest slot to store */
    bool eof = false;
    while (!rc && !(eof && p.slots[drain].state == SLOT_FREE)) {
        slot *f = &p.slots[fill];
        if (!eof && f->state == SLOT_FREE) {
            /* Fill the next slot with records. */
            while (f->n < LINES_PER_SLOT) {
                bool toolong;
                long n = get_line(in, &line, &cap, &toolong);
                if (n == -2) {
                    rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                    break;
                }
                if (n < 0) {
                    eof = true;
                    break;
                }
                lineno++;
                if (toolong) {
                    jz_error e;
                    jz_error_clear(&e);
                    jz_error_set(&e, JZ_EINPUT, "", NULL, "一行超过 %u 字节", JZ_RECORD_MAX_BYTES);
                    snprintf(e.source, sizeof e.source, "%s", path);
                    e.line = lineno;
                    stats->rejected++;
                    pg->rejected++;
                    if (on_reject)
                        on_reject(&e, arg);
                    continue;
                }
                if (blank(line, (size_t)n))
                    continue;
                if (!slot_add(f, line, (size_t)n, lineno)) {
                    rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                    break;
                }
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
    for (;;) {
        const jz_household *h;
        jz_error e;
        rc = jz_reader_next(rd, &h, &e);
        if (rc == JZ_EOF) {
            rc = JZ_OK;
            break;
        }
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
            pg->rejected++;
            stats->rejected++;
            if (on_reject)
                on_reject(&e, arg);
            rc = JZ_OK;
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
    long index = 0; /* results of the households file seen */
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
        free(json);
        if (rc == JZ_OK) {
            pg.stored++;
            stats->stored++;
        } else {
            for (size_t k = 0; k < n_errs; k++)
                if (on_reject)
                    on_reject(&errs[k], arg);
            pg.rejected++;
            stats->rejected++;
            rc = JZ_OK;
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
    jz_csv_free(set);
    free(pg.brought);
    free(pg.trace);
    return rc;
}
