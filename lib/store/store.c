/*
 * store.c - jz_store: picks the backend when a store is opened and passes
 * every call to its table of functions (store_int.h), and holds what is the
 * same whatever the backend: the checks and wordings of the rules, the
 * transaction runner (jz_store_run), "receives assistance", and the audit
 * entry of every write: a write runs the backend's statements, then its
 * entry is composed (audit_entries.c) and written through the table's one
 * audit primitive, in the same transaction.  It calls a backend only
 * through its table; the backends never call back into it
 * (docs/registry.md "Layers").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "store_int.h"

struct jz_store {
    const jz_store_ops *ops;
    void *impl;
    char *where; /* as opened */
    int flags;   /* as opened (JZ_STORE_*) */
    /* The transaction in progress wrote determinations: it bumps the
     * results' tag before it commits (the snapshot cache). */
    bool results_dirty;
    /* The households the transaction in progress stored, and the records
     * they replaced: one audit entry, written just before it commits (an
     * import's batch: one entry per batch, not one per household). */
    struct {
        json_t *ids;      /* array of household IDs */
        json_t *replaced; /* household ID -> previous record text */
        char source[320]; /* "import:ID lines<=N", or "" */
    } batch;
};

static void batch_reset(jz_store *s)
{
    json_decref(s->batch.ids);
    json_decref(s->batch.replaced);
    s->batch.ids = s->batch.replaced = NULL;
}

static void batch_note(jz_store *s, const char *household_id, const char *replaced)
{
    json_t *ids = s->batch.ids ? s->batch.ids : (s->batch.ids = json_array());
    if (ids)
        json_array_append_new(ids, json_string(household_id));
    if (replaced) {
        json_t *rep = s->batch.replaced ? s->batch.replaced : (s->batch.replaced = json_object());
        if (rep)
            json_object_set_new(rep, household_id, json_string(replaced));
    }
}

/* The entry of the households stored, before the commit (in the
 * transaction, so that it commits with them or not at all). */
/* ---- the snapshot cache's tags and log (docs/registry.md "The snapshot cache") ---- */

/* The log keeps the households changed by the recent puts, as long as they
 * are few: at most LOG_IDS IDs in all and LOG_ENTRIES puts. */
enum { LOG_IDS = 4096, LOG_ENTRIES = 256 };

/* The store's tag `which` ("" when none). */
static jz_err tag_get(jz_store *s, const char *which, bool lock, char tag[JZ__TAG_BUF],
                      jz_error *err)
{
    char *v = NULL;
    jz_err rc = s->ops->meta_get(s->impl, which, lock, &v, err);
    snprintf(tag, JZ__TAG_BUF, "%s", !rc && v ? v : "");
    free(v);
    return rc;
}

/* A new value of the store's tag `which`, in the caller's transaction. */
static jz_err tag_bump(jz_store *s, const char *which, char tag[JZ__TAG_BUF], jz_error *err)
{
    jz__new_tag(tag);
    return s->ops->meta_put(s->impl, which, tag, err);
}

/* The registry changed from tag prev to tag, and the results from rprev to
 * rtag, by the households ids (a JSON array): the log gets an entry {tag,
 * prev, rtag, rprev, ids}, ids null when there are more than it keeps, and
 * loses its oldest entries past its bounds. */
static jz_err log_put(jz_store *s, const char *const prev[2], const char *const tag[2], json_t *ids,
                      jz_error *err)
{
    char *text = NULL;
    jz_err rc = s->ops->meta_get(s->impl, JZ__REGISTRY_LOG, false, &text, err);
    if (rc)
        return rc;
    json_t *log = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    json_t *entries = json_is_array(log) ? log : (json_decref(log), json_array());
    json_t *e =
        json_pack("{s:s,s:s,s:s,s:s,s:O}", "tag", tag[0], "prev", prev[0], "rtag", tag[1], "rprev",
                  prev[1], "ids", json_array_size(ids) <= LOG_IDS ? ids : json_null());
    if (!entries || !e || json_array_append_new(entries, e) != 0) {
        json_decref(entries);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    size_t total = 0;
    for (size_t i = 0; i < json_array_size(entries); i++)
        total += json_array_size(json_object_get(json_array_get(entries, i), "ids"));
    while (json_array_size(entries) > 1 &&
           (total > LOG_IDS || json_array_size(entries) > LOG_ENTRIES)) {
        total -= json_array_size(json_object_get(json_array_get(entries, 0), "ids"));
        json_array_remove(entries, 0);
    }
    char *out = json_dumps(entries, JSON_COMPACT);
    json_decref(entries);
    rc = out ? s->ops->meta_put(s->impl, JZ__REGISTRY_LOG, out, err)
             : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    free(out);
    return rc;
}

/* The households put between tag from and tag to, from the log: a JSON
 * array of IDs (each may repeat), or NULL when the log does not reach back
 * to from without a gap.  which: 0 the registry's tags, 1 the results'
 * (a transaction that writes determinations, or any other that changes
 * the results' tag without putting households, is a gap). */
static json_t *log_since(jz_store *s, int which, const char *from, const char *to)
{
    static const char *const tag_of[2] = {"tag", "rtag"}, *const prev_of[2] = {"prev", "rprev"};
    char *text = NULL;
    jz_error e;
    jz_error_clear(&e);
    if (s->ops->meta_get(s->impl, JZ__REGISTRY_LOG, false, &text, &e) != JZ_OK || !text)
        return NULL;
    json_t *log = json_loads(text, 0, NULL);
    free(text);
    json_t *ids = json_is_array(log) ? json_array() : NULL;
    const char *cur = to;
    bool reached = false;
    for (size_t i = json_array_size(log); ids && i-- > 0 && !reached;) {
        json_t *x = json_array_get(log, i);
        const char *t = json_string_value(json_object_get(x, tag_of[which]));
        const char *p = json_string_value(json_object_get(x, prev_of[which]));
        json_t *these = json_object_get(x, "ids");
        if (!t || !p || strcmp(t, cur) != 0 || !json_is_array(these) ||
            json_array_extend(ids, these) != 0)
            break;
        cur = p;
        reached = strcmp(cur, from) == 0;
    }
    json_decref(log);
    if (!reached) {
        json_decref(ids);
        return NULL;
    }
    return ids;
}

static jz_err batch_flush(jz_store *s, jz_error *err)
{
    if (!s->batch.ids || json_array_size(s->batch.ids) == 0)
        return JZ_OK;
    /* The registry changed: every cached snapshot is out of date, and so
     * are the stored results cached beside it (they follow the snapshot's
     * households); the log names the households, for both. */
    char prev[2][JZ__TAG_BUF], tag[2][JZ__TAG_BUF];
    /* Both held from here to the commit where writers run at once (the
     * registry's first, in every transaction), so that each new tag's
     * entry in the log follows the one before it, and a transaction that
     * writes determinations meanwhile leaves a gap in the results'
     * chain. */
    jz_err trc = tag_get(s, JZ__TAG_REGISTRY, true, prev[0], err);
    if (!trc)
        trc = tag_bump(s, JZ__TAG_REGISTRY, tag[0], err);
    if (!trc)
        trc = tag_get(s, JZ__TAG_RESULTS, true, prev[1], err);
    if (!trc)
        trc = tag_bump(s, JZ__TAG_RESULTS, tag[1], err);
    if (!trc)
        trc = log_put(s, (const char *const[2]){prev[0], prev[1]},
                      (const char *const[2]){tag[0], tag[1]}, s->batch.ids, err);
    if (trc) {
        batch_reset(s);
        return trc;
    }
    json_t *after = json_pack("{s:s,s:I,s:O}", "source", s->batch.source, "households",
                              (json_int_t)json_array_size(s->batch.ids), "ids", s->batch.ids);
    json_t *before = s->batch.replaced ? json_pack("{s:O}", "replaced", s->batch.replaced) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT) : NULL;
    char *b = before ? json_dumps(before, JSON_COMPACT) : NULL;
    jz_err rc =
        a ? s->ops->audit(s->impl, "", "households.put",
                          s->batch.source[0] ? s->batch.source : "households", b ? b : "", a, err)
          : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    free(a);
    free(b);
    json_decref(after);
    json_decref(before);
    batch_reset(s);
    return rc;
}

bool jz_store_is_pg(const char *where)
{
    return where &&
           (strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0);
}

jz_err jz_store_open(const char *where, int flags, jz_store **out, jz_error *err)
{
    *out = NULL;
    if (!where || !where[0])
        return jz_error_set(err, JZ_EUSAGE, "database", NULL, "缺少数据库文件路径");
    /* A URL names a PostgreSQL database; "sqlite:PATH" or a bare path an
     * SQLite file. */
    const jz_store_ops *ops = &jz__sqlite_ops;
    const char *target = where;
    if (jz_store_is_pg(where))
        ops = &jz__pg_ops;
    else if (strncmp(where, "sqlite:", 7) == 0)
        target = where + 7;
    if (!target[0])
        return jz_error_set(err, JZ_EUSAGE, "database", where, "缺少数据库文件路径");
    jz_store *s = calloc(1, sizeof *s);
    if (!s)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    s->ops = ops;
    s->flags = flags;
    s->where = strdup(target);
    jz_err rc = s->where ? s->ops->open(target, flags, &s->impl, err)
                         : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (rc) {
        free(s->where);
        free(s);
        return rc;
    }
    *out = s;
    return JZ_OK;
}

const jz_store_ops *jz__store_ops(const jz_store *s)
{
    return s->ops;
}

void *jz__store_impl(jz_store *s)
{
    return s->impl;
}

const char *jz_store_where(const jz_store *s)
{
    return s->where;
}

void jz_store_close(jz_store *s)
{
    if (!s)
        return;
    s->ops->close(s->impl);
    batch_reset(s);
    free(s->where);
    free(s);
}

int jz_store_schema_version(const jz_store *s)
{
    return s->ops->schema_version(s->impl);
}

static void back_off(int attempt);

jz_err jz_store_begin(jz_store *s, jz_error *err)
{
    /* A batch's transaction is begun again after a pause while the store
     * is busy, as jz_store_run does; nothing has run in it yet. */
    jz_err rc = JZ_OK;
    for (int attempt = 0; attempt < JZ_STORE_RUN_TRIES; attempt++) {
        if (attempt) {
            back_off(attempt);
            jz_error_clear(err);
        }
        if (!(rc = s->ops->begin(s->impl, err)) || !jz_err_kind_of(rc)->retry)
            break;
    }
    return rc;
}

jz_err jz_store_commit(jz_store *s, jz_error *err)
{
    /* The households' entry first: it locks the registry's tag before the
     * results' (every transaction takes them in that order).  The results'
     * new tag after it is one the log does not name, so that determinations
     * written beside the households break the results' chain. */
    jz_err rc = batch_flush(s, err);
    if (!rc && s->results_dirty) {
        char tag[JZ__TAG_BUF];
        rc = tag_bump(s, JZ__TAG_RESULTS, tag, err);
    }
    if (!rc)
        rc = s->ops->commit(s->impl, err);
    s->results_dirty = false; /* committed, or rolled back by the caller */
    return rc;
}

void jz_store_rollback(jz_store *s)
{
    batch_reset(s);
    s->results_dirty = false;
    s->ops->rollback(s->impl);
}

/* Before retry `attempt` (1, 2, ...): 10 ms, then 40 ms, ... with up to as
 * much again at random, so that writers turned away together do not come
 * back together. */
static void back_off(int attempt)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = 10L << (2 * (attempt - 1));
    ms += (long)((unsigned long)now.tv_nsec % (unsigned long)ms);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

jz_err jz_store_run_keyed(jz_store *s, const char *const *tables,
                          jz_err (*fn)(jz_store *s, void *arg, jz_error *err), void *arg,
                          jz_error *err)
{
    jz_err rc = JZ_OK;
    for (int attempt = 0; attempt < JZ_STORE_RUN_TRIES; attempt++) {
        if (attempt) {
            back_off(attempt);
            jz_error_clear(err);
        }
        rc = tables && s->ops->begin_keyed ? s->ops->begin_keyed(s->impl, tables, err)
                                           : s->ops->begin(s->impl, err);
        if (!rc) {
            rc = fn(s, arg, err);
            if (!rc)
                rc = jz_store_commit(s, err);
            if (!rc)
                return JZ_OK;
            jz_store_rollback(s); /* nothing of this attempt stays */
        }
        if (!jz_err_kind_of(rc)->retry)
            break;
    }
    return rc;
}

jz_err jz_store_run(jz_store *s, jz_err (*fn)(jz_store *s, void *arg, jz_error *err), void *arg,
                    jz_error *err)
{
    return jz_store_run_keyed(s, NULL, fn, arg, err);
}

jz_err jz_store_run_as(jz_store *s, const char *actor,
                       jz_err (*fn)(jz_store *s, void *arg, jz_error *err), void *arg,
                       jz_error *err)
{
    char saved[64];
    snprintf(saved, sizeof saved, "%s", jz_store_actor(s));
    jz_store_set_actor(s, actor);
    jz_err rc = jz_store_run(s, fn, arg, err);
    jz_store_set_actor(s, saved);
    return rc;
}

jz_err jz_store_put_household(jz_store *s, const jz_household *h, const char *record,
                              const char *source, jz_error *err)
{
    if (!h->household_id[0])
        return jz_error_set(err, JZ_EINPUT, "household_id", NULL, "入库的户记录必须有户编号");
    jz__member_clash clash = {.member = -1};
    char *replaced = NULL;
    jz_err rc = s->ops->put_household(s->impl, h, record, source, &clash, &replaced, err);
    if (!rc)
        batch_note(s, h->household_id, replaced);
    free(replaced);
    if (rc && clash.member >= 0 && (uint32_t)clash.member < h->n_members) {
        /* R-HH-3: a person belongs to one household only. */
        char field[32];
        snprintf(field, sizeof field, "members[%d].id", clash.member);
        return jz_error_set(err, rc, field, h->members[clash.member].id,
                            "此人已属于户 %s，不能同时属于户 %s（R-HH-3，防止重复纳入）",
                            clash.other, h->household_id);
    }
    return rc;
}

jz_err jz_store_prefetch_households(jz_store *s, const jz_household *hs, size_t n, jz_error *err)
{
    return s->ops->prefetch && n ? s->ops->prefetch(s->impl, hs, n, err) : JZ_OK;
}

jz_err jz_store_get_record(jz_store *s, const char *key, char **record, jz_error *err)
{
    return s->ops->get_record(s->impl, key, record, err);
}

/* ---- receiving assistance ------------------------------------------------------ */

static void count_live(const jz_enrolment *e, void *arg)
{
    *(size_t *)arg += jz_enrolment_live(e->status);
}

jz_err jz_store_receives_assistance(jz_store *s, const char *key, bool *receives,
                                    char household_id[JZ_HOUSEHOLD_ID_MAX], jz_error *err)
{
    char hid[JZ_HOUSEHOLD_ID_MAX], region[13];
    uint8_t current = JZ_PROG_NONE;
    size_t live = 0;
    *receives = false;
    if (household_id)
        household_id[0] = '\0';
    jz_err rc = s->ops->household_programme(s->impl, key, hid, region, &current, err);
    if (!rc)
        rc = s->ops->enrol_list(s->impl, "", hid, count_live, &live, err);
    if (rc)
        return rc;
    *receives = jz_receives_assistance(current, live);
    if (household_id)
        memcpy(household_id, hid, JZ_HOUSEHOLD_ID_MAX);
    return JZ_OK;
}

jz_err jz_store_import_begin(jz_store *s, const char *path, int64_t size, int64_t mtime,
                             jz_store_import *out, jz_error *err)
{
    return s->ops->import_begin(s->impl, path, size, mtime, out, err);
}

jz_err jz_store_import_progress(jz_store *s, const jz_store_import *imp, long lines_done,
                                long stored, long rejected, bool finished, jz_error *err)
{
    if (!finished) /* the batch's households are named after the import */
        snprintf(s->batch.source, sizeof s->batch.source, "import:%lld lines<=%ld",
                 (long long)imp->id, lines_done);
    return s->ops->import_progress(s->impl, imp, lines_done, stored, rejected, finished, err);
}

jz_err jz_store_import_reject(jz_store *s, const jz_store_import *imp, long key, const char *county,
                              const char *household_id, const char *message, jz_error *err)
{
    return s->ops->import_reject(s->impl, imp->id, key, county, household_id, message, err);
}

jz_err jz_store_import_rejections(jz_store *s, int64_t import,
                                  int (*fn)(long key, const char *household_id, const char *message,
                                            void *arg),
                                  void *arg, jz_error *err)
{
    return s->ops->import_rejections(s->impl, import, fn, arg, err);
}

jz_err jz_store_import_counts_get(jz_store *s, int64_t import, jz_store_import_counts *out,
                                  jz_error *err)
{
    return s->ops->import_counts(s->impl, import, out, err);
}

/* ---- the snapshot, and its cache (docs/registry.md "The snapshot cache") ---- */

/* The cache's file for the snapshot of prefix (suffix "snap"; its stored
 * results: "results"), or NULL for none: beside an
 * SQLite file (PATH-snapshots/), for PostgreSQL in the user's cache
 * directory (named by a digest of the URL), or in the directory
 * JIUZHU_SNAPSHOT_CACHE names; JIUZHU_SNAPSHOT_CACHE=off keeps none. */
static char *cache_file(const jz_store *s, const char *prefix, const char *suffix)
{
    const char *env = getenv("JIUZHU_SNAPSHOT_CACHE");
    if (env && (strcmp(env, "off") == 0 || strcmp(env, "0") == 0))
        return NULL;
    char dir[4096], name[128];
    const char *what = *prefix ? prefix : "all";
    bool pg = jz_store_is_pg(s->where);
    /* A file named by the store's location (a digest of it: a URL may hold
     * a password) where several stores share the directory. */
    unsigned char h[16];
    char hex[33];
    crypto_generichash(h, sizeof h, (const unsigned char *)s->where, strlen(s->where), NULL, 0);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    if (env && *env) {
        snprintf(dir, sizeof dir, "%s", env);
        snprintf(name, sizeof name, "%s-%s-%.12s.%s", pg ? "pg" : "sqlite", hex, what, suffix);
    } else if (pg) {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if (xdg && *xdg == '/')
            snprintf(dir, sizeof dir, "%s/jiuzhu", xdg);
        else if (home && *home == '/')
            snprintf(dir, sizeof dir, "%s/.cache/jiuzhu", home);
        else
            return NULL;
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            /* ~/.cache may not be there yet */
            char parent[4096];
            snprintf(parent, sizeof parent, "%s", dir);
            char *slash = strrchr(parent, '/');
            if (slash)
                *slash = '\0';
            mkdir(parent, 0700);
        }
        snprintf(name, sizeof name, "pg-%s-%.12s.%s", hex, what, suffix);
    } else {
        if (snprintf(dir, sizeof dir, "%s-snapshots", s->where) >= (int)sizeof dir)
            return NULL;
        snprintf(name, sizeof name, "%.12s.%s", what, suffix);
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return NULL;
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/%s", dir, name);
    return path;
}

static jz_err bump_tag(jz_store *s, void *arg, jz_error *err)
{
    return tag_bump(s, JZ__TAG_REGISTRY, arg, err);
}

static jz_err bump_results(jz_store *s, void *arg, jz_error *err)
{
    return tag_bump(s, JZ__TAG_RESULTS, arg, err);
}

/* The store's tag `which` now (see store_int.h), "" when it cannot be had:
 * a store that never had one (made before tags, or empty) gets one, if it
 * may be written. */
static void tag_now(jz_store *s, const char *which, char tag[JZ__TAG_BUF])
{
    jz_error e;
    jz_error_clear(&e);
    if (tag_get(s, which, false, tag, &e) != JZ_OK)
        tag[0] = '\0';
    else if (!tag[0] && !(s->flags & JZ_STORE_READONLY) &&
             jz_store_run(s, strcmp(which, JZ__TAG_REGISTRY) == 0 ? bump_tag : bump_results, tag,
                          &e) != JZ_OK)
        tag[0] = '\0';
}

/* The IDs of a JSON array (NULL: none, or out of memory). */
static const char **id_list(json_t *ids)
{
    size_t n = json_array_size(ids);
    const char **list = ids ? malloc((n ? n : 1) * sizeof *list) : NULL;
    for (size_t i = 0; list && i < n; i++)
        if (!(list[i] = json_string_value(json_array_get(ids, i))))
            list[i] = "";
    return list;
}

/* The cache's file at path, made under an older tag, brought up to tag
 * when the log names the few households put since: those read again from
 * the store and merged in, the file written anew.  NULL when that cannot
 * be (no file, another region, a log that does not reach back, a backend
 * that reads no list of households): the caller builds it whole. */
static jz_snapshot *snapshot_updated(jz_store *s, const char *path, const char *tag,
                                     const char *prefix)
{
    char old_tag[JZ__TAG_BUF], old_prefix[JZ_REGION_BUF];
    int schema = 0;
    if (!s->ops->snapshot_ids || !jz__snapshot_peek(path, old_tag, old_prefix, &schema) ||
        strcmp(old_prefix, prefix) != 0 || schema != jz_store_schema_version(s) ||
        !old_tag[0] || strcmp(old_tag, tag) == 0)
        return NULL;
    json_t *ids = log_since(s, 0, old_tag, tag);
    size_t n = json_array_size(ids);
    const char **list = id_list(ids);
    jz_snapshot *old = list ? jz__snapshot_load(path, old_tag, prefix, schema) : NULL;
    jz_snapshot *fresh = NULL, *merged = NULL;
    jz_error e;
    jz_error_clear(&e);
    if (old && s->ops->snapshot_ids(s->impl, list, n, &fresh, &e) == JZ_OK &&
        jz__snapshot_seal(fresh, &e) == JZ_OK &&
        jz__snapshot_merge(old, fresh, prefix, list, n, &merged, &e) == JZ_OK) {
        jz__snapshot_save(merged, path, tag, prefix, schema, &e);
    }
    jz_snapshot_free(fresh);
    jz_snapshot_free(old);
    free(list);
    json_decref(ids);
    return merged;
}

jz_err jz_store_snapshot(jz_store *s, const char *region_prefix, jz_snapshot **out, jz_error *err)
{
    const char *prefix = region_prefix ? region_prefix : "";
    char tag[JZ__TAG_BUF] = "";
    char *file = cache_file(s, prefix, "snap");
    /* The tag is read before the rows: a write committed in between leaves
     * rows newer than the tag, which a later read finds out of date, never
     * the other way round. */
    if (file) {
        tag_now(s, JZ__TAG_REGISTRY, tag);
    } else {
        /* No cache: the tag still tells a run's write-back whether any
         * record changed since (jz_store_snapshot_stale). */
        jz_error e;
        jz_error_clear(&e);
        if (tag_get(s, JZ__TAG_REGISTRY, false, tag, &e) != JZ_OK)
            tag[0] = '\0';
    }
    jz_snapshot *c =
        file && tag[0] ? jz__snapshot_load(file, tag, prefix, jz_store_schema_version(s)) : NULL;
    if (!c && file && tag[0])
        c = snapshot_updated(s, file, tag, prefix);
    jz_err rc = JZ_OK;
    if (c) {
        *out = c;
    } else {
        rc = s->ops->snapshot(s->impl, prefix, out, err);
        if (!rc && (rc = jz__snapshot_seal(*out, err))) {
            jz_snapshot_free(*out);
            *out = NULL;
        }
    }
    if (!rc) {
        snprintf((*out)->prefix, sizeof (*out)->prefix, "%s", prefix);
        snprintf((*out)->tag, sizeof (*out)->tag, "%s", tag);
        /* Read from the store: its cache file is written behind the run
         * (the file of a 1,000,000-household snapshot, written and synced,
         * took a second of a cold run).  A cache that cannot be written (a
         * full disk, a read-only directory) costs the next run its speed,
         * nothing else. */
        if (!c && file && tag[0])
            jz__snapshot_save_behind(*out, file, tag, prefix, jz_store_schema_version(s));
    }
    free(file);
    return rc;
}

bool jz_snapshot_cached(const jz_snapshot *snap)
{
    return snap && (snap->map || snap->updated);
}

size_t jz_snapshot_patched(const jz_snapshot *snap)
{
    return snap ? snap->patched : 0;
}

jz_err jz_store_run_begin(jz_store *s, jz_date date, const char *region_prefix,
                          const char *overrides, int64_t *run, jz_error *err)
{
    return s->ops->run_begin(s->impl, date, region_prefix ? region_prefix : "",
                             overrides ? overrides : "", run, err);
}

jz_err jz_store_snapshot_stale(jz_store *s, const jz_snapshot *snap, uint8_t *stale,
                               size_t *n_stale, jz_error *err)
{
    /* No transaction put households since the snapshot was read (the
     * registry's tag is the one it was read under, and every such
     * transaction writes a new one): none of its records changed. */
    char tag[JZ__TAG_BUF];
    jz_error e;
    jz_error_clear(&e);
    if (snap->tag[0] && tag_get(s, JZ__TAG_REGISTRY, false, tag, &e) == JZ_OK &&
        strcmp(tag, snap->tag) == 0) {
        memset(stale, 0, snap->n_households);
        *n_stale = 0;
        return JZ_OK;
    }
    return s->ops->snapshot_stale(s->impl, snap, stale, n_stale, err);
}

/* The stored results of snap's households from the results file at path,
 * made under an older results' tag, brought up to tag when the log names
 * the few households put since (and nothing else changed the results):
 * those read again from the store, the others kept, the file written anew.
 * False when that cannot be: the caller reads them all. */
static bool results_updated(jz_store *s, const char *path, const jz_snapshot *snap, const char *tag,
                            int schema, uint8_t *category, jz_fen *monthly, size_t *patched)
{
    jz__results old, fresh;
    if (!s->ops->results_ids || !jz__results_read(path, schema, &old))
        return false;
    memset(&fresh, 0, sizeof fresh);
    json_t *ids = strcmp(old.tag, tag) != 0 ? log_since(s, 1, old.tag, tag) : json_array();
    size_t n = json_array_size(ids);
    const char **list = id_list(ids);
    jz_error e;
    jz_error_clear(&e);
    bool ok =
        list && s->ops->results_ids(s->impl, list, n, &fresh, &e) == JZ_OK &&
        jz__results_merge(snap, &old, list, n, &fresh, category, monthly, patched, &e) == JZ_OK;
    if (ok)
        jz__results_save(path, snap, tag, schema, category, monthly, &e);
    jz__results_free(&old);
    jz__results_free(&fresh);
    free(list);
    json_decref(ids);
    return ok;
}

jz_err jz_store_snapshot_results(jz_store *s, const jz_snapshot *snap, uint8_t *category,
                                 jz_fen *monthly, bool *cached, size_t *patched, jz_error *err)
{
    if (jz__older_schema(jz_store_schema_version(s), err))
        return JZ_EINPUT;
    /* Cached beside the snapshot, under its tag and the results' tag. */
    char tag[JZ__TAG_BUF] = "";
    char *file = snap->tag[0] ? cache_file(s, snap->prefix, "results") : NULL;
    if (file)
        tag_now(s, JZ__TAG_RESULTS, tag);
    int schema = jz_store_schema_version(s);
    jz_err rc = JZ_OK;
    size_t got = 0;
    bool hit = tag[0] && (jz__results_load(file, snap, tag, schema, category, monthly) ||
                          results_updated(s, file, snap, tag, schema, category, monthly, &got));
    if (!hit) {
        rc = s->ops->snapshot_results(s->impl, snap, category, monthly, err);
        jz_error e;
        jz_error_clear(&e);
        if (!rc && tag[0])
            jz__results_save(file, snap, tag, schema, category, monthly, &e);
    }
    if (cached)
        *cached = hit;
    if (patched)
        *patched = got;
    free(file);
    return rc;
}

jz_err jz_store_stored_digests(jz_store *s, const jz_snapshot *snap, uint64_t *digest,
                               jz_error *err)
{
    return s->ops->stored_digests(s->impl, snap, digest, err);
}

uint64_t jz_store_params_digest(const char *params_json)
{
    return jz__text_digest(params_json ? params_json : "");
}

uint64_t jz_store_result_digest(const jz_result *r, int record_version, uint64_t params_digest)
{
    return jz__result_digest(r, record_version, params_digest);
}

jz_err jz_store_clear_determinations(jz_store *s, const char *region_prefix,
                                     const jz_snapshot *snap, const uint8_t *keep, jz_error *err)
{
    s->results_dirty = true;
    return s->ops->clear_determinations(s->impl, region_prefix ? region_prefix : "", snap, keep,
                                        err);
}

jz_err jz_store_put_determination(jz_store *s, int64_t run, const jz_snapshot *snap, size_t i,
                                  const jz_household *h, const jz_result *r,
                                  const char *params_json, jz_error *err)
{
    char decisive[JZ__DECISIVE_BUF];
    jz__rules_encode(r->decisive, decisive, sizeof decisive);
    s->results_dirty = true;
    return s->ops->put_determination(s->impl, run, snap, i, h, r, decisive, params_json, err);
}

jz_err jz_store_get_determination(jz_store *s, const char *household_id, jz_result *r, int64_t *run,
                                  jz_date *date, jz_error *err)
{
    if (jz__older_schema(jz_store_schema_version(s), err))
        return JZ_EINPUT;
    char decisive[JZ__DECISIVE_BUF] = "";
    jz_err rc = s->ops->get_determination(s->impl, household_id, r, run, date, decisive, err);
    if (!rc)
        r->decisive = jz__rules_decode(decisive);
    return rc;
}

jz_err jz_store_stats(jz_store *s, int level_digits, const char *region_prefix,
                      void (*fn)(const jz_stat_row *row, void *arg), void *arg, jz_error *err)
{
    if (jz__older_schema(jz_store_schema_version(s), err))
        return JZ_EINPUT;
    return s->ops->stats(s->impl, level_digits, region_prefix ? region_prefix : "", fn, arg, err);
}

jz_err jz_store_trend(jz_store *s, const char *region_prefix, jz_trend_month *months, size_t n,
                      jz_error *err)
{
    return s->ops->trend(s->impl, region_prefix ? region_prefix : "", months, n, err);
}

void jz_store_set_actor(jz_store *s, const char *actor)
{
    s->ops->set_actor(s->impl, actor && actor[0] ? actor : "unknown");
}

jz_err jz_store_case_create(jz_store *s, jz_case *c, const jz_case_step *step, jz_error *err)
{
    jz_err rc = s->ops->case_create(s->impl, c, step, err);
    return rc ? rc : jz__audit_case(s->ops, s->impl, NULL, c, step, err);
}

jz_err jz_store_case_get(jz_store *s, int64_t id, jz_case *c, jz_error *err)
{
    return s->ops->case_get(s->impl, id, c, err);
}

jz_err jz_store_case_update(jz_store *s, const jz_case *before, const jz_case *after,
                            const jz_case_step *step, jz_error *err)
{
    jz_err rc = s->ops->case_update(s->impl, before, after, step, err);
    return rc ? rc : jz__audit_case(s->ops, s->impl, before, after, step, err);
}

jz_err jz_store_case_set_opinion(jz_store *s, const jz_case *c, const jz_case_unit *u, size_t nu,
                                 const jz_case_reason *r, size_t nr, const char *determination,
                                 jz_error *err)
{
    return s->ops->case_set_opinion(s->impl, c, u, nu, r, nr, determination, err);
}

jz_err jz_store_case_opinion(jz_store *s, int64_t id, jz_case_unit *u, size_t ucap, size_t *nu,
                             jz_case_reason *r, size_t rcap, size_t *nr, jz_error *err)
{
    return s->ops->case_opinion(s->impl, id, u, ucap, nu, r, rcap, nr, err);
}

jz_err jz_store_case_list(jz_store *s, const char *region_prefix, bool open_only,
                          void (*fn)(const jz_case *c, void *arg), void *arg, jz_error *err)
{
    return s->ops->case_list(s->impl, region_prefix ? region_prefix : "", open_only, fn, arg, err);
}

jz_err jz_store_case_steps(jz_store *s, int64_t id, void (*fn)(const jz_case_step *st, void *arg),
                           void *arg, jz_error *err)
{
    return s->ops->case_steps(s->impl, id, fn, arg, err);
}

jz_err jz_store_staff_put(jz_store *s, const char *county, const char *staff_id, const char *name,
                          const char *unit, const char *relative_id, const char *relative_name,
                          const char *relation, jz_error *err)
{
    jz_err rc = s->ops->staff_put(s->impl, county, staff_id, name, unit, relative_id, relative_name,
                                  relation, err);
    return rc ? rc
              : jz__audit_staff(s->ops, s->impl, county, staff_id, name, unit, relative_id,
                                relative_name, relation, err);
}

jz_err jz_store_staff_relative(jz_store *s, const char *id_number, char *staff_name, size_t n,
                               char *relation, size_t rn, bool *found, jz_error *err)
{
    return s->ops->staff_relative(s->impl, id_number, staff_name, n, relation, rn, found, err);
}

jz_err jz_store_staff_county(jz_store *s, const char *staff_id, char county[7], bool *found,
                             jz_error *err)
{
    return s->ops->staff_county(s->impl, staff_id, county, found, err);
}

jz_err jz_store_audit_verify(jz_store *s, jz_audit_report *rep, jz_error *err)
{
    return s->ops->audit_verify(s->impl, rep, err);
}

jz_err jz_store_audit_hash_at(jz_store *s, int64_t seq, char hex[65], jz_error *err)
{
    return s->ops->audit_hash_at(s->impl, seq, hex, err);
}

jz_err jz_store_enrol_get(jz_store *s, int64_t id, jz_enrolment *e, jz_error *err)
{
    return s->ops->enrol_get(s->impl, id, e, err);
}

/* Every change of an enrolment is looked at by the next planning of its
 * payments (jz_pay_plan: what was owed in the periods already planned);
 * a new one starts its first term with its first month. */
static jz_err enrol_changed(jz_store *s, const jz_enrolment *e, bool created, jz_error *err)
{
    if (created && e->first_month[0])
        return s->ops->enrol_term(s->impl, e, e->first_month, err);
    return s->ops->pay_mark(s->impl, e->id, e->county, err);
}

jz_err jz_store_enrol_put(jz_store *s, jz_enrolment *e, const char *action, const char *note,
                          jz_error *err)
{
    /* Audited with the row as it was (an update) and as it is. */
    jz_enrolment before;
    bool existed = e->id > 0;
    jz_err rc;
    if ((existed && (rc = s->ops->enrol_get(s->impl, e->id, &before, err))) ||
        (rc = s->ops->enrol_put(s->impl, e, err)) ||
        (rc = jz__audit_enrolment(s->ops, s->impl, existed ? &before : NULL, e, action, note, err)))
        return rc;
    return enrol_changed(s, e, !existed, err);
}

jz_err jz_store_enrol_list(jz_store *s, const char *region_prefix, const char *household_id,
                           void (*fn)(const jz_enrolment *e, void *arg), void *arg, jz_error *err)
{
    return s->ops->enrol_list(s->impl, region_prefix ? region_prefix : "", household_id, fn, arg,
                              err);
}

jz_err jz_store_feed_begin(jz_store *s, jz_dept dept, const char *path, int64_t *feed,
                           jz_error *err)
{
    return s->ops->feed_begin(s->impl, dept, path, feed, err);
}

jz_err jz_store_feed_put(jz_store *s, int64_t feed, const jz_feed_row *row, bool *added,
                         bool *matched, jz_error *err)
{
    unsigned char digest[JZ__DIGEST_BYTES];
    jz__feed_row_digest(row, digest);
    return s->ops->feed_put(s->impl, feed, row, digest, added, matched, err);
}

jz_err jz_store_feed_end(jz_store *s, int64_t feed, const jz_feed_counts *n, jz_error *err)
{
    int dept = -1;
    char path[1024] = ""; /* the file as the entry has always named it (cut to fit) */
    jz_err rc = s->ops->feed_end(s->impl, feed, n, &dept, path, sizeof path, err);
    return rc ? rc : jz__audit_feed(s->ops, s->impl, feed, dept, path, n, err);
}

jz_err jz_store_monitor_scan(jz_store *s, const char *region_prefix, jz_date on,
                             void (*fn)(const jz_monitor_subject *subject, void *arg), void *arg,
                             jz_error *err)
{
    return jz__monitor_scan(s->ops, s->impl, region_prefix ? region_prefix : "", on, fn, arg, err);
}

jz_err jz_store_alert_put(jz_store *s, jz_stored_alert *a, const int64_t *rows, size_t n_rows,
                          bool *added, jz_error *err)
{
    unsigned char key[JZ__DIGEST_BYTES];
    jz__alert_key(a, n_rows, key);
    return s->ops->alert_put(s->impl, a, key, rows, n_rows, added, err);
}

/* An alert written as `after` with its step, and audited. */
static jz_err alert_write(jz_store *s, const jz_stored_alert *before, const jz_stored_alert *after,
                          const jz_alert_step *step, jz_error *err)
{
    jz_err rc = s->ops->alert_update(s->impl, before, after, step, err);
    return rc ? rc : jz__audit_alert(s->ops, s->impl, before, after, step, err);
}

jz_err jz_store_alert_extend(jz_store *s, int64_t id, const int64_t *rows, size_t n_rows,
                             jz_fen amount, uint8_t severity, jz_date on, const char *detail,
                             jz_error *err)
{
    jz_stored_alert before, after;
    jz_err rc = s->ops->alert_get(s->impl, id, &before, err);
    if (rc)
        return rc;
    if (before.status == JZ_ALERT_RESOLVED) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)id);
        return jz_error_set(err, JZ_EINPUT, "alert", v, "预警已办结，不能再追加依据");
    }
    if (n_rows == 0)
        return JZ_OK;
    char list[24 * JZ_ALERT_EVIDENCE_MAX + 2];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n_rows && len < sizeof list - 24; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%lld", i ? "," : "",
                                (long long)rows[i]);
    if ((rc = s->ops->alert_add_evidence(s->impl, &before, rows, n_rows, list, amount, severity,
                                         err)) ||
        (rc = s->ops->alert_get(s->impl, id, &after, err)))
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
    /* A long list is cut here; jz_store_alert_evidence has every row. */
    if (snprintf(step.note, sizeof step.note, "动态监测追加依据（部门数据行）：[%s]%s%s%s%s%s",
                 list, m[0] ? "，金额 " : "", m, m[0] ? " 元" : "", detail && detail[0] ? "；" : "",
                 detail ? detail : "") < 0)
        step.note[0] = '\0';
    return alert_write(s, &before, &after, &step, err);
}

jz_err jz_store_alert_evidence(jz_store *s, int64_t id,
                               void (*fn)(int64_t row, const jz_feed_row *r, void *arg), void *arg,
                               jz_error *err)
{
    return s->ops->alert_evidence(s->impl, id, fn, arg, err);
}

jz_err jz_store_alert_list(jz_store *s, const char *region_prefix, int category, bool open_only,
                           void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                           jz_error *err)
{
    return s->ops->alert_list(s->impl, region_prefix ? region_prefix : "", category, open_only, fn,
                              arg, err);
}

jz_err jz_store_audit(jz_store *s, const char *county, const char *action, const char *entity,
                      const char *before, const char *after, jz_error *err)
{
    return s->ops->audit(s->impl, county, action, entity, before, after, err);
}

jz_err jz_store_alert_get(jz_store *s, int64_t id, jz_stored_alert *a, jz_error *err)
{
    return s->ops->alert_get(s->impl, id, a, err);
}

/* ---- resolving a D alert as terminated (R-MON-3 (D): "terminate if so") ---- */

typedef struct review_of {
    int64_t case_id; /* the latest case a step of the alert opened */
} review_of;

static void note_case(const jz_alert_step *st, void *arg)
{
    review_of *r = arg;
    if (st->case_id)
        r->case_id = st->case_id;
}

typedef struct stopped_by {
    int64_t case_id;
    bool stopped;
} stopped_by;

static void note_stopped(const jz_enrolment *e, void *arg)
{
    stopped_by *x = arg;
    if (e->case_id == x->case_id && e->status == JZ_ENROL_STOPPED)
        x->stopped = true;
}

/* A death recorded when the alert was verified (jz_proc_death) stops the
 * person's own unit, or every unit of a household with nobody left: that is
 * a termination without a review. */
typedef struct stopped_by_death {
    const char *id_number;
    bool stopped;
} stopped_by_death;

static void note_death_stop(const jz_enrolment *e, void *arg)
{
    stopped_by_death *x = arg;
    if (e->status == JZ_ENROL_STOPPED &&
        ((strcmp(e->member_id, x->id_number) == 0 && strcmp(e->stop_reason, "本人死亡") == 0) ||
         (!e->member_id[0] && strcmp(e->stop_reason, "家庭成员均已死亡") == 0)))
        x->stopped = true;
}

/* "Terminated" must be true: the review case that verifying the alert
 * opened has been decided, and its decision stopped an enrolment of the
 * household (a refused review stops them all; an approved one stops the
 * units it no longer finds), or the recorded death stopped the person's own
 * unit.  Otherwise the refusal says what is missing. */
static jz_err check_terminated(jz_store *s, const jz_stored_alert *a, jz_error *err)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)a->id);
    if (a->category != JZ_ALERT_D)
        return jz_error_set(err, JZ_EINPUT, "outcome", "terminated",
                            "预警 %s 是 %c 类：只有 D 类（可能不再符合条件）预警经复核终止救助后"
                            "才能以 terminated（已终止救助）办结",
                            v, jz_alert_letters[a->category & 3]);
    jz_err rc;
    if (a->household_id[0]) {
        stopped_by_death d = {a->id_number, false};
        if ((rc =
                 s->ops->enrol_list(s->impl, a->region, a->household_id, note_death_stop, &d, err)))
            return rc;
        if (d.stopped)
            return JZ_OK;
    }
    review_of r = {0};
    rc = s->ops->alert_steps(s->impl, a->id, note_case, &r, err);
    if (rc)
        return rc;
    if (!r.case_id)
        return jz_error_set(err, JZ_EINPUT, "outcome", "terminated",
                            "预警 %s 还没有复核案件：请先核实属实（alert verify --confirmed）"
                            "启动复核，复核决定停发后再以 terminated 办结",
                            v);
    jz_case c;
    if ((rc = s->ops->case_get(s->impl, r.case_id, &c, err)))
        return rc;
    if (c.decision == JZ_DECISION_NONE)
        return jz_error_set(err, JZ_EINPUT, "outcome", "terminated",
                            "预警 %s 的复核案件 %lld 尚未作出决定（当前：%s）：决定停发后才能以 "
                            "terminated 办结",
                            v, (long long)c.id,
                            c.state < JZ_CASE_STATE_COUNT ? jz_case_state_zh[c.state] : "?");
    /* A refused review stops what the household receives (its enrolments;
     * a programme only its record states has no enrolment to stop). */
    if (c.decision == JZ_DECISION_REFUSED)
        return JZ_OK;
    stopped_by x = {c.id, false};
    if ((rc = s->ops->enrol_list(s->impl, c.region, c.household_id, note_stopped, &x, err)))
        return rc;
    if (!x.stopped)
        return jz_error_set(err, JZ_EINPUT, "outcome", "terminated",
                            "预警 %s 的复核案件 %lld 决定继续救助（没有停发任何救助）：不能以 "
                            "terminated（已终止救助）办结，请按实际结果办结（如 no_action）",
                            v, (long long)c.id);
    return JZ_OK;
}

jz_err jz_store_alert_update(jz_store *s, const jz_stored_alert *before,
                             const jz_stored_alert *after, const jz_alert_step *step, jz_error *err)
{
    if (after->status == JZ_ALERT_RESOLVED && strcmp(step->outcome, "terminated") == 0) {
        jz_err rc = check_terminated(s, before, err);
        if (rc)
            return rc;
    }
    return alert_write(s, before, after, step, err);
}

jz_err jz_store_alert_find(jz_store *s, const char *household_or_person,
                           void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                           jz_error *err)
{
    return s->ops->alert_find(s->impl, household_or_person, fn, arg, err);
}

jz_err jz_store_alert_steps(jz_store *s, int64_t alert,
                            void (*fn)(const jz_alert_step *st, void *arg), void *arg,
                            jz_error *err)
{
    return s->ops->alert_steps(s->impl, alert, fn, arg, err);
}

jz_err jz_store_feed_person(jz_store *s, const char *id_number,
                            void (*fn)(const jz_feed_row *r, void *arg), void *arg, jz_error *err)
{
    return s->ops->feed_person(s->impl, id_number, fn, arg, err);
}

jz_err jz_store_case_set_units(jz_store *s, const jz_case *c, const jz_case_unit *u, size_t nu,
                               jz_error *err)
{
    /* Audited with the units they replace. */
    jz_case_unit *old = malloc(sizeof *old * JZ_CASE_UNITS_MAX);
    jz_case_reason r[1];
    size_t nold = 0, nr = 0;
    if (!old)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = s->ops->case_opinion(s->impl, c->id, old, JZ_CASE_UNITS_MAX, &nold, r, 0, &nr, err);
    if (!rc)
        rc = s->ops->case_set_units(s->impl, c, u, nu, err);
    if (!rc)
        rc = jz__audit_case_units(s->ops, s->impl, c, old, nold, u, nu, err);
    free(old);
    return rc;
}

jz_err jz_store_case_set_findings(jz_store *s, const jz_case *c, const jz_case_finding *f,
                                  size_t nf, jz_error *err)
{
    jz_err rc = s->ops->case_set_findings(s->impl, c, f, nf, err);
    return rc ? rc : jz__audit_case_findings(s->ops, s->impl, c, f, nf, err);
}

jz_err jz_store_case_findings(jz_store *s, int64_t id, jz_case_finding *f, size_t cap, size_t *n,
                              jz_error *err)
{
    return s->ops->case_findings(s->impl, id, f, cap, n, err);
}

jz_err jz_store_posting_put(jz_store *s, const jz_case *c, int kind, int round, jz_date posted_on,
                            jz_date until, const jz_posting_row *rows, size_t n, jz_error *err)
{
    return s->ops->posting_put(s->impl, c, kind, round, posted_on, until, rows, n, err);
}

jz_err jz_store_posting_list(jz_store *s, const char *village, int kind, jz_date on,
                             void (*fn)(const jz_posting_row *row, void *arg), void *arg,
                             jz_error *err)
{
    return s->ops->posting_list(s->impl, village, kind, on, fn, arg, err);
}

jz_err jz_store_grant_put(jz_store *s, jz_grant *g, jz_error *err)
{
    jz_err rc = s->ops->grant_put(s->impl, g, err);
    return rc ? rc : jz__audit_grant(s->ops, s->impl, g, err);
}

jz_err jz_store_grant_list(jz_store *s, const char *region_prefix, const char *household_id,
                           int64_t case_id, void (*fn)(const jz_grant *g, void *arg), void *arg,
                           jz_error *err)
{
    return s->ops->grant_list(s->impl, region_prefix, household_id, case_id, fn, arg, err);
}

jz_err jz_store_record_version(jz_store *s, const char *household_or_person, int *current,
                               int *assessed, char household_id[JZ_HOUSEHOLD_ID_MAX], jz_error *err)
{
    return s->ops->record_version(s->impl, household_or_person, current, assessed, household_id,
                                  err);
}

jz_err jz_store_record_history(jz_store *s, const char *household_id,
                               void (*fn)(const jz_record_version *v, void *arg), void *arg,
                               jz_error *err)
{
    return s->ops->record_history(s->impl, household_id, fn, arg, err);
}

jz_err jz_store_enrol_adopt(jz_store *s, jz_enrolment *e, jz_error *err)
{
    /* The backend writes its first term and marks it for payment too
     * (enrol_adopt in store_int.h): an import adopts thousands. */
    return s->ops->enrol_adopt(s->impl, e, err);
}

/* ---- users, sessions and the access log (jz_store_user.h) ------------------------ */

const char *jz_store_actor(const jz_store *s)
{
    return s->ops->actor(s->impl);
}

jz_err jz_store_user_insert(jz_store *s, jz_user *u, const char *pwhash, jz_error *err)
{
    return s->ops->user_insert(s->impl, u, pwhash, err);
}

jz_err jz_store_user_get(jz_store *s, const char *login, jz_user *out, char pwhash[JZ_PWHASH_MAX],
                         jz_error *err)
{
    return s->ops->user_get(s->impl, login, out, pwhash, err);
}

jz_err jz_store_user_list(jz_store *s, const char *scope_prefix,
                          void (*fn)(const jz_user *u, void *arg), void *arg, jz_error *err)
{
    return s->ops->user_list(s->impl, scope_prefix ? scope_prefix : "", fn, arg, err);
}

jz_err jz_store_user_update(jz_store *s, const jz_user *u, const char *pwhash, jz_error *err)
{
    return s->ops->user_update(s->impl, u, pwhash, err);
}

jz_err jz_store_session_insert(jz_store *s, int64_t user_id,
                               const unsigned char hash[JZ_TOKEN_HASH], int64_t now, int64_t *id,
                               jz_error *err)
{
    return s->ops->session_insert(s->impl, user_id, hash, now, id, err);
}

jz_err jz_store_session_find(jz_store *s, const unsigned char hash[JZ_TOKEN_HASH],
                             jz_store_session *out, jz_error *err)
{
    return s->ops->session_find(s->impl, hash, out, err);
}

jz_err jz_store_session_touch(jz_store *s, int64_t session, int64_t now, jz_error *err)
{
    return s->ops->session_touch(s->impl, session, now, err);
}

jz_err jz_store_session_purge(jz_store *s, int64_t cutoff, int *n, jz_error *err)
{
    return s->ops->session_purge(s->impl, cutoff, n, err);
}

jz_err jz_store_session_revoke(jz_store *s, int64_t session, int64_t user_id, int64_t now,
                               const char *reason, int *n, jz_error *err)
{
    return s->ops->session_revoke(s->impl, session, user_id, now, reason, n, err);
}

jz_err jz_store_access_put(jz_store *s, const jz_access *a, jz_error *err)
{
    return s->ops->access_put(s->impl, a, err);
}

jz_err jz_store_access_list(jz_store *s, const char *subject, const char *region_prefix,
                            size_t limit, void (*fn)(const jz_access *a, void *arg), void *arg,
                            jz_error *err)
{
    return s->ops->access_list(s->impl, subject, region_prefix ? region_prefix : "", limit, fn, arg,
                               err);
}

/* ---- payments (jz_store_pay.h) ------------------------------------------------------ */

jz_err jz_store_enrol_term(jz_store *s, const jz_enrolment *e, const char *since, jz_error *err)
{
    return s->ops->enrol_term(s->impl, e, since, err);
}

jz_err jz_store_pay_units_all(jz_store *s, const char *region_prefix,
                              void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err)
{
    return s->ops->pay_units_all(s->impl, region_prefix ? region_prefix : "", fn, arg, err);
}

jz_err jz_store_pay_units(jz_store *s, const char *region_prefix, const char *month,
                          const char *quarter, bool quarter_start,
                          void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err)
{
    return s->ops->pay_units(s->impl, region_prefix ? region_prefix : "", month, quarter,
                             quarter_start, fn, arg, err);
}

jz_err jz_store_pay_owed(jz_store *s, int64_t enrolment,
                         void (*fn)(const jz_pay_held_row *r, void *arg), void *arg, jz_error *err)
{
    return s->ops->pay_owed(s->impl, enrolment, fn, arg, err);
}

jz_err jz_store_pay_mark(jz_store *s, int64_t enrolment, const char *county, jz_error *err)
{
    return s->ops->pay_mark(s->impl, enrolment, county, err);
}

jz_err jz_store_pay_count_regular(jz_store *s, const char *region_prefix, const char *month,
                                  const char *quarter, int64_t *n, jz_error *err)
{
    return s->ops->pay_count_regular(s->impl, region_prefix ? region_prefix : "", month, quarter, n,
                                     err);
}

jz_err jz_store_pay_lines_settle(jz_store *s, int64_t batch, uint8_t from, uint8_t to,
                                 const char *result, int64_t *n, jz_error *err)
{
    return s->ops->pay_lines_settle(s->impl, batch, from, to, result, n, err);
}

jz_err jz_store_pay_batch_accounts(jz_store *s, int64_t batch,
                                   void (*fn)(const jz_pay_sent_line *l, void *arg), void *arg,
                                   jz_error *err)
{
    return s->ops->pay_batch_accounts(s->impl, batch, fn, arg, err);
}

jz_err jz_store_pay_clean(jz_store *s, const char *region_prefix, jz_error *err)
{
    return s->ops->pay_clean(s->impl, region_prefix ? region_prefix : "", err);
}

jz_err jz_store_pay_plan_mark(jz_store *s, const char *county, const char *period,
                              char first[JZ_PERIOD_BUF], jz_error *err)
{
    return s->ops->pay_plan_mark(s->impl, county, period, first, err);
}

jz_err jz_store_pay_plan_first(jz_store *s, const char *county, char first[JZ_PERIOD_BUF],
                               jz_error *err)
{
    return s->ops->pay_plan_first(s->impl, county, first, err);
}

jz_err jz_store_pay_line_add(jz_store *s, jz_pay_line *l, bool *added, jz_error *err)
{
    return s->ops->pay_line_add(s->impl, l, added, err);
}

jz_err jz_store_household_list(jz_store *s, const jz_store_hh_query *q,
                               void (*fn)(const jz_store_hh_row *r, void *arg), void *arg,
                               int64_t *total, jz_error *err)
{
    return s->ops->household_list(s->impl, q, fn, arg, total, err);
}

jz_err jz_store_audit_list(jz_store *s, const char *county_prefix, const char *action_prefix,
                           int64_t offset, int limit,
                           void (*fn)(const jz_store_audit_row *r, void *arg), void *arg,
                           int64_t *total, jz_error *err)
{
    return s->ops->audit_list(s->impl, county_prefix, action_prefix, offset, limit, fn, arg, total,
                              err);
}

jz_err jz_store_payee_sharing(jz_store *s, const char *bank, const char *account,
                              const char *household_id, int max,
                              void (*fn)(const char *household_id, void *arg), void *arg,
                              jz_error *err)
{
    return s->ops->payee_sharing(s->impl, bank, account, household_id, max, fn, arg, err);
}

jz_err jz_store_pay_line_get(jz_store *s, int64_t id, jz_pay_line *l, jz_error *err)
{
    return s->ops->pay_line_get(s->impl, id, l, err);
}

jz_err jz_store_pay_line_set(jz_store *s, const jz_pay_line *l, uint8_t was, jz_error *err)
{
    return s->ops->pay_line_set(s->impl, l, was, err);
}

jz_err jz_store_pay_lines_open(jz_store *s, const char *county, unsigned mask,
                               void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                               jz_error *err)
{
    return s->ops->pay_lines_open(s->impl, county, mask, fn, arg, err);
}

jz_err jz_store_pay_lines_of_batch(jz_store *s, int64_t batch,
                                   void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                   jz_error *err)
{
    return s->ops->pay_lines_of_batch(s->impl, batch, fn, arg, err);
}

jz_err jz_store_pay_lines_move(jz_store *s, int64_t batch, uint8_t from, uint8_t to, int64_t *n,
                               jz_error *err)
{
    return s->ops->pay_lines_move(s->impl, batch, from, to, n, err);
}

jz_err jz_store_pay_lines_of_household(jz_store *s, const char *household_id,
                                       void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                       jz_error *err)
{
    return s->ops->pay_lines_of_household(s->impl, household_id, fn, arg, err);
}

jz_err jz_store_payee_current(jz_store *s, const char *household_id, const char *member_id,
                              jz_payee *out, jz_error *err)
{
    return s->ops->payee_current(s->impl, household_id, member_id ? member_id : "", out, err);
}

jz_err jz_store_payee_get(jz_store *s, int64_t id, jz_payee *out, jz_error *err)
{
    return s->ops->payee_get(s->impl, id, out, err);
}

jz_err jz_store_payee_put(jz_store *s, jz_payee *p, jz_error *err)
{
    return s->ops->payee_put(s->impl, p, err);
}

jz_err jz_store_institution_put(jz_store *s, jz_institution *i, jz_error *err)
{
    return s->ops->institution_put(s->impl, i, err);
}

jz_err jz_store_institution_get(jz_store *s, int64_t id, jz_institution *out, jz_error *err)
{
    return s->ops->institution_get(s->impl, id, out, err);
}

jz_err jz_store_institutions(jz_store *s, const char *county,
                             void (*fn)(const jz_institution *i, void *arg), void *arg,
                             jz_error *err)
{
    return s->ops->institutions(s->impl, county ? county : "", fn, arg, err);
}

jz_err jz_store_pay_batch_add(jz_store *s, jz_pay_batch *b, jz_error *err)
{
    return s->ops->pay_batch_add(s->impl, b, err);
}

jz_err jz_store_pay_batch_get(jz_store *s, int64_t id, jz_pay_batch *b, jz_error *err)
{
    return s->ops->pay_batch_get(s->impl, id, b, err);
}

jz_err jz_store_pay_batch_set(jz_store *s, const jz_pay_batch *b, uint8_t was, jz_error *err)
{
    return s->ops->pay_batch_set(s->impl, b, was, err);
}

jz_err jz_store_pay_batches(jz_store *s, const char *county, const char *period,
                            void (*fn)(const jz_pay_batch *b, void *arg), void *arg, jz_error *err)
{
    return s->ops->pay_batches(s->impl, county ? county : "", period, fn, arg, err);
}

jz_err jz_store_recovery_add(jz_store *s, jz_recovery *r, jz_error *err)
{
    return s->ops->recovery_add(s->impl, r, err);
}

jz_err jz_store_recovery_get(jz_store *s, int64_t id, jz_recovery *r, jz_error *err)
{
    return s->ops->recovery_get(s->impl, id, r, err);
}

jz_err jz_store_recoveries(jz_store *s, const char *household_id,
                           void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err)
{
    return s->ops->recoveries(s->impl, household_id, fn, arg, err);
}

jz_err jz_store_pay_unit(jz_store *s, int64_t enrolment, jz_pay_unit *out, jz_error *err)
{
    return s->ops->pay_unit(s->impl, enrolment, out, err);
}

jz_err jz_store_pay_hold_add(jz_store *s, const jz_enrolment *e, const jz_pay_hold *h, bool replace,
                             jz_error *err)
{
    return s->ops->pay_hold_add(s->impl, e, h, replace, err);
}

jz_err jz_store_pay_hold_end(jz_store *s, const jz_enrolment *e, const char *to, bool back_pay,
                             jz_error *err)
{
    return s->ops->pay_hold_end(s->impl, e, to, back_pay, err);
}

jz_err jz_store_pay_plan_last(jz_store *s, const char *county, char last[JZ_PERIOD_BUF],
                              jz_error *err)
{
    return s->ops->pay_plan_last(s->impl, county, last, err);
}

jz_err jz_store_pay_members(jz_store *s, const char *household_id,
                            void (*fn)(const jz_pay_member *m, void *arg), void *arg, jz_error *err)
{
    return s->ops->pay_members(s->impl, household_id, fn, arg, err);
}

jz_err jz_store_pay_once_totals(jz_store *s, const char *programme, const char *region_prefix,
                                jz_store_once_totals *out, jz_error *err)
{
    return s->ops->pay_once_totals(s->impl, programme, region_prefix ? region_prefix : "", out,
                                   err);
}

jz_err jz_store_repayment_add(jz_store *s, jz_repayment *p, const char *county, jz_error *err)
{
    return s->ops->repayment_add(s->impl, p, county, err);
}

jz_err jz_store_repayments(jz_store *s, int64_t recovery,
                           void (*fn)(const jz_repayment *p, void *arg), void *arg, jz_error *err)
{
    return s->ops->repayments(s->impl, recovery, fn, arg, err);
}

/* ---- reconciliation and deadlines (jz_store_pay.h) --------------------------------- */

jz_err jz_store_pay_sums(jz_store *s, const jz_pay_scope *sc,
                         void (*fn)(const jz_pay_sum_row *r, void *arg), void *arg, jz_error *err)
{
    return s->ops->pay_sums(s->impl, sc, fn, arg, err);
}

jz_err jz_store_pay_lines_where(jz_store *s, const jz_pay_scope *sc, const jz_pay_line_filter *f,
                                void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                jz_error *err)
{
    return s->ops->pay_lines_where(s->impl, sc, f, fn, arg, err);
}

jz_err jz_store_pay_batch_facts(jz_store *s, const char *county, int64_t batch,
                                void (*fn)(const jz_pay_batch_fact *f, void *arg), void *arg,
                                jz_error *err)
{
    return s->ops->pay_batch_facts(s->impl, county ? county : "", batch, fn, arg, err);
}

jz_err jz_store_pay_recovery_facts(jz_store *s, const char *county,
                                   void (*fn)(const jz_pay_recovery_fact *f, void *arg), void *arg,
                                   jz_error *err)
{
    return s->ops->pay_recovery_facts(s->impl, county, fn, arg, err);
}

jz_err jz_store_pay_due_groups(jz_store *s, const char *region_prefix,
                               void (*fn)(const jz_pay_due_group *g, void *arg), void *arg,
                               jz_error *err)
{
    return s->ops->pay_due_groups(s->impl, region_prefix ? region_prefix : "", fn, arg, err);
}

void jz__now_text(char *buf, size_t n)
{
    /* Called for every household of an import: format once a second. */
    static _Thread_local time_t last;
    static _Thread_local char text[32];
    time_t t = time(NULL);
    if (t != last) {
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
        last = t;
    }
    size_t len = strnlen(text, sizeof text - 1);
    if (len >= n)
        len = n - 1;
    memcpy(buf, text, len);
    buf[len] = '\0';
}

char *jz__like_pattern(const char *text, const char *before, const char *after)
{
    size_t n = strlen(text);
    char *p = malloc(2 * n + 3);
    if (!p)
        return NULL;
    size_t k = 0;
    for (const char *b = before; *b; b++)
        p[k++] = *b;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '%' || text[i] == '_' || text[i] == '\\')
            p[k++] = '\\';
        p[k++] = text[i];
    }
    for (const char *a = after; *a; a++)
        p[k++] = *a;
    p[k] = '\0';
    return p;
}

jz_err jz__older_schema(int version, jz_error *err)
{
    if (version >= JZ_STORE_SCHEMA_VERSION)
        return JZ_OK;
    return jz_error_set(err, JZ_EINPUT, "schema_version", NULL,
                        "数据库的结构版本 %d 比本程序（%d）旧，只读打开时不能升级："
                        "请先用会写入的命令（如 jiuzhu assess --db）打开一次",
                        version, JZ_STORE_SCHEMA_VERSION);
}

bool jz__person_result_stored(const jz_person_result *p)
{
    return p->categories || p->tmp_rule || p->referrals || p->death_check_due || !p->counted;
}

/* "since:monthly:persons,..." as group_concat gives it. */
void jz__pay_parse_terms(const char *t, jz_pay_unit *u)
{
    u->n_terms = 0;
    while (t && *t) {
        jz_pay_term x;
        memset(&x, 0, sizeof x);
        long long m = 0;
        int p = 0, n = 0;
        if (sscanf(t, "%7[0-9-]:%lld:%d%n", x.since, &m, &p, &n) != 3)
            break;
        x.monthly = m;
        x.persons = p;
        if (u->n_terms == JZ_PAY_TERMS_MAX) { /* keep the latest */
            memmove(u->terms, u->terms + 1, (JZ_PAY_TERMS_MAX - 1) * sizeof u->terms[0]);
            u->n_terms--;
        }
        u->terms[u->n_terms++] = x;
        t += n;
        if (*t == ',')
            t++;
    }
}

/* "from|to|back_pay|reason" records separated by '\x1f'. */
void jz__pay_parse_holds(const char *t, jz_pay_unit *u)
{
    u->n_holds = 0;
    while (t && *t && u->n_holds < JZ_PAY_HOLDS_MAX) {
        jz_pay_hold *h = &u->holds[u->n_holds];
        memset(h, 0, sizeof *h);
        const char *end = strchr(t, '\x1f');
        size_t len = end ? (size_t)(end - t) : strlen(t);
        char rec[256];
        snprintf(rec, sizeof rec, "%.*s", (int)(len < sizeof rec ? len : sizeof rec - 1), t);
        char *f[4] = {rec, NULL, NULL, NULL};
        for (int i = 1; i < 4 && f[i - 1]; i++) {
            char *bar = strchr(f[i - 1], '|');
            if (bar) {
                *bar = '\0';
                f[i] = bar + 1;
            }
        }
        if (f[3]) {
            snprintf(h->from, sizeof h->from, "%.7s", f[0]);
            snprintf(h->to, sizeof h->to, "%.7s", f[1]);
            h->back_pay = f[2][0] == '1';
            snprintf(h->reason, sizeof h->reason, "%.127s", f[3]);
            u->n_holds++;
        }
        t = end ? end + 1 : t + len;
    }
}

static size_t pv_slot(int64_t run, const char *county, jz_date date, size_t cap)
{
    uint64_t h = (uint64_t)run * 0x9E3779B97F4A7C15ULL ^ (uint64_t)(uint32_t)date;
    for (const char *c = county; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    return (size_t)(h ^ h >> 29) & (cap - 1);
}

int64_t jz__pv_map_get(const jz__pv_map *m, int64_t run, const char *county, jz_date date)
{
    if (!m->cap)
        return 0;
    for (size_t i = pv_slot(run, county, date, m->cap); m->e[i].pv; i = (i + 1) & (m->cap - 1))
        if (m->e[i].run == run && m->e[i].date == date && strcmp(m->e[i].county, county) == 0)
            return m->e[i].pv;
    return 0;
}

void jz__pv_map_put(jz__pv_map *m, int64_t run, const char *county, jz_date date, int64_t pv)
{
    if (!pv || jz__pv_map_get(m, run, county, date))
        return;
    if (2 * (m->n + 1) > m->cap) { /* at most half full */
        size_t nc = m->cap ? 2 * m->cap : 256;
        struct jz__pv_ent *e = calloc(nc, sizeof *e);
        if (!e)
            return;
        for (size_t i = 0; i < m->cap; i++)
            if (m->e[i].pv) {
                size_t j = pv_slot(m->e[i].run, m->e[i].county, m->e[i].date, nc);
                while (e[j].pv)
                    j = (j + 1) & (nc - 1);
                e[j] = m->e[i];
            }
        free(m->e);
        m->e = e;
        m->cap = nc;
    }
    size_t i = pv_slot(run, county, date, m->cap);
    while (m->e[i].pv)
        i = (i + 1) & (m->cap - 1);
    m->e[i].run = run;
    m->e[i].pv = pv;
    m->e[i].date = date;
    snprintf(m->e[i].county, sizeof m->e[i].county, "%s", county);
    m->n++;
}

void jz__pv_map_clear(jz__pv_map *m)
{
    free(m->e);
    memset(m, 0, sizeof *m);
}
