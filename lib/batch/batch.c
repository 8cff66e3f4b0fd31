/*
 * batch.c - bulk reassessment: snapshot, parallel evaluation, one write.
 *
 * The snapshot is split into equal chunks, one thread each; a thread gathers
 * each household from the columns into a local jz_household (no allocation
 * per household), assesses it without a trace, and keeps the result in
 * compact arrays.  Parameters are resolved once per (county, date) before
 * the threads start, so the threads only read shared data.  The single
 * writer then stores every determination in one transaction.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "jiuzhu/jz_batch.h"
#include "store/store_int.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *jz_policy_json(const jz_policy *p)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    for (int i = 0; i < JZ_P_WORKFLOW_TOTAL_DAYS; i++) {
        char b[256];
        jz_policy_format_value(p, (jz_param_id)i, b, sizeof b);
        json_object_set_new(o, jz_param_defs[i].name, json_string(b));
    }
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

/* A resolved policy per distinct (county, date) of the snapshot. */
typedef struct policy_slot {
    char county[7];
    jz_date date;
    bool ok;
    jz_policy policy;
    char *json;
} policy_slot;

/* The compact result of one household (persons go to a member-indexed array). */
typedef struct hh_result {
    uint8_t category, causes, exit, ok;
    int32_t counted_members;
    jz_fen standard, income, deductible, financial, monthly_amount;
    jz_date exit_until;
    uint64_t decisive;
} hh_result;

typedef struct work {
    const jz_snapshot *snap;
    const policy_slot *slots;
    const uint32_t *slot_of; /* per household */
    jz_date date;
    size_t from, to;
    hh_result *out;
    jz_person_result *persons; /* member-indexed */
    /* An official run: each new determination's digest (jz_store_result_digest,
     * with its slot's parameters' digest), computed here on all cores for
     * the comparison with the stored ones (keep_unchanged). NULL: none. */
    uint64_t *digest;
    const uint64_t *slot_digest;
} work;

/* Household i's result as a jz_result, from its compact result and its
 * persons' (the member-indexed array). */
static void result_from(const jz_snapshot *snap, const hh_result *out,
                        const jz_person_result *persons, size_t i, jz_result *r)
{
    const hh_result *o = &out[i];
    unsigned nm = snap->household_size[i];
    memset(r, 0, offsetof(jz_result, persons));
    r->category = o->category;
    r->causes = o->causes;
    r->exit = o->exit;
    r->counted_members = o->counted_members;
    r->standard = o->standard;
    r->income = o->income;
    r->deductible = o->deductible;
    r->financial = o->financial;
    r->monthly_amount = o->monthly_amount;
    r->exit_until = o->exit_until;
    r->decisive = o->decisive;
    r->n_persons = nm;
    memcpy(r->persons, &persons[snap->first_member[i]], sizeof *r->persons * nm);
}

/* Each new determination's digest of a chunk (an official run's, for the
 * comparison with the stored ones: keep_unchanged), as it will be written. */
static void *digest_chunk(void *arg)
{
    work *w = arg;
    jz_result *r = malloc(sizeof *r);
    for (size_t i = w->from; r && i < w->to; i++) {
        if (!w->out[i].ok) {
            w->digest[i] = 0;
            continue;
        }
        result_from(w->snap, w->out, w->persons, i, r);
        w->digest[i] =
            jz_store_result_digest(r, w->snap->version[i], w->slot_digest[w->slot_of[i]]);
    }
    if (!r) /* no digest: every household is written, as if it changed */
        for (size_t i = w->from; i < w->to; i++)
            w->digest[i] = 0;
    free(r);
    return NULL;
}

/* fn on each of the chunks w[0..cores-1]: every chunk but the last on a
 * thread of its own, the last (and any chunk whose thread could not
 * start) on this one; returns when all are done. */
static void on_all_cores(work *w, long cores, void *(*fn)(void *))
{
    pthread_t tid[64];
    bool threaded[64] = {false};
    for (long t = 0; t < cores; t++) {
        if (t < cores - 1 && w[t].from < w[t].to)
            threaded[t] = pthread_create(&tid[t], NULL, fn, &w[t]) == 0;
        if (!threaded[t])
            fn(&w[t]);
    }
    for (long t = 0; t < cores; t++)
        if (threaded[t])
            pthread_join(tid[t], NULL);
}

static void *run_chunk(void *arg)
{
    work *w = arg;
    jz_member members[JZ_MAX_MEMBERS];
    jz_household h;
    jz_result r;
    for (size_t i = w->from; i < w->to; i++) {
        const policy_slot *ps = &w->slots[w->slot_of[i]];
        hh_result *o = &w->out[i];
        if (!ps->ok) {
            o->ok = 0;
            continue;
        }
        jz_snapshot_household(w->snap, i, &h, members);
        if (w->date != JZ_DATE_NONE)
            h.assess_date = w->date;
        jz_assess(&h, &ps->policy, &r, NULL);
        o->ok = 1;
        o->category = r.category;
        o->causes = r.causes;
        o->exit = r.exit;
        o->counted_members = r.counted_members;
        o->standard = r.standard;
        o->income = r.income;
        o->deductible = r.deductible;
        o->financial = r.financial;
        o->monthly_amount = r.monthly_amount;
        o->exit_until = r.exit_until;
        o->decisive = r.decisive;
        memcpy(&w->persons[w->snap->first_member[i]], r.persons, sizeof r.persons[0] * h.n_members);
    }
    return NULL;
}

static size_t slot_hash(const char *county, jz_date date)
{
    uint64_t key = (uint64_t)date;
    for (const char *c = county; *c; c++)
        key = key * 10u + (uint64_t)(*c - '0');
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32);
}

static int cmp_rows(const void *a, const void *b)
{
    const jz_batch_row *x = a, *y = b;
    int c = strcmp(x->county, y->county);
    return c ? c : (int)x->category - (int)y->category;
}

/* Adds a household's result to the summary rows.  *hint: the row of the
 * household's policy slot and category, found once (-1: not yet; the
 * search is linear in counties × 5). */
static jz_err tally(jz_batch_report *rep, size_t *cap, const char *county, const hh_result *o,
                    const jz_person_result *persons, unsigned n, int32_t *hint, jz_error *err)
{
    jz_batch_row *row = *hint >= 0 ? &rep->rows[*hint] : NULL;
    for (size_t k = rep->n_rows; !row && k-- > 0;) {
        if (rep->rows[k].category == o->category && strcmp(rep->rows[k].county, county) == 0) {
            row = &rep->rows[k];
            *hint = (int32_t)k;
        }
    }
    if (!row) {
        if (rep->n_rows == *cap) {
            size_t nc = *cap ? *cap * 2 : 64;
            jz_batch_row *nr = realloc(rep->rows, nc * sizeof *nr);
            if (!nr)
                return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            rep->rows = nr;
            *cap = nc;
        }
        *hint = (int32_t)rep->n_rows;
        row = &rep->rows[rep->n_rows++];
        memset(row, 0, sizeof *row);
        memcpy(row->county, county, 7);
        row->category = o->category;
    }
    row->households++;
    row->persons += o->counted_members;
    row->monthly += o->monthly_amount;
    for (unsigned k = 0; k < n; k++) {
        if (persons[k].categories & JZ_PCAT_TEKUN) {
            row->tekun++;
            row->tekun_monthly += persons[k].monthly_amount;
        }
        if (persons[k].categories & JZ_PCAT_SINGLE_DIBAO) {
            row->single++;
            row->single_monthly += persons[k].monthly_amount;
        }
    }
    return JZ_OK;
}

static int cmp_diffs(const void *a, const void *b)
{
    return strcmp(((const jz_batch_diff *)a)->county, ((const jz_batch_diff *)b)->county);
}

/* A what-if: a household's new result beside its stored one (*hint: its
 * county's diff, as tally's). */
static jz_err compare(jz_batch_report *rep, size_t *cap, const char *county, const hh_result *o,
                      const jz_person_result *persons, unsigned n, uint8_t stored_cat,
                      jz_fen stored_monthly, const char *household_id, int max_examples,
                      int32_t *hint, jz_error *err)
{
    jz_batch_diff *d = *hint >= 0 ? &rep->diffs[*hint] : NULL;
    for (size_t k = rep->n_diffs; !d && k-- > 0;)
        if (strcmp(rep->diffs[k].county, county) == 0) {
            d = &rep->diffs[k];
            *hint = (int32_t)k;
        }
    if (!d) {
        if (rep->n_diffs == *cap) {
            size_t nc = *cap ? *cap * 2 : 32;
            jz_batch_diff *nd = realloc(rep->diffs, nc * sizeof *nd);
            if (!nd)
                return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            rep->diffs = nd;
            *cap = nc;
        }
        *hint = (int32_t)rep->n_diffs;
        d = &rep->diffs[rep->n_diffs++];
        memset(d, 0, sizeof *d);
        memcpy(d->county, county, 7);
    }
    jz_fen after = o->monthly_amount;
    for (unsigned k = 0; k < n; k++)
        if (persons[k].categories & (JZ_PCAT_TEKUN | JZ_PCAT_SINGLE_DIBAO))
            after += persons[k].monthly_amount;
    d->households++;
    d->after += after;
    d->before += stored_monthly;
    if (stored_cat >= JZ_CAT_COUNT)
        d->unassessed++;
    else if (stored_cat != o->category)
        d->changed++;
    rep->moves[stored_cat < JZ_CAT_COUNT ? stored_cat : JZ_CAT_COUNT][o->category]++;
    if (stored_cat != o->category && rep->n_examples < (size_t)(max_examples > 0 ? max_examples : 0)) {
        if (!rep->examples &&
            !(rep->examples = calloc((size_t)max_examples, sizeof *rep->examples)))
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        jz_batch_example *x = &rep->examples[rep->n_examples++];
        snprintf(x->household_id, sizeof x->household_id, "%s", household_id);
        memcpy(x->county, county, 7);
        x->before = stored_cat < JZ_CAT_COUNT ? stored_cat : JZ_CAT_COUNT;
        x->after = o->category;
        x->monthly_before = stored_monthly;
        x->monthly_after = after;
    }
    return JZ_OK;
}

/* The write-back of a run, one transaction (jz_store_run: it may run again,
 * so it starts afresh): the stale records found, the unchanged ones found,
 * the run recorded, the old determinations of the households it writes
 * cleared, the new ones written and the run audited. */
typedef struct write_back {
    const jz_snapshot *snap;
    const policy_slot *slots;
    size_t n_slots;
    const uint32_t *slot_of;
    const hh_result *out;
    const jz_person_result *persons;
    uint8_t *keep;
    const jz_batch_opts *opts;
    jz_batch_report *rep;
    size_t n;
    const uint64_t *digest; /* each new determination's (work.digest) */
} write_back;

/* Household i's result as a jz_result (its persons copied in). */
static void result_of(const write_back *w, size_t i, jz_result *r)
{
    result_from(w->snap, w->out, w->persons, i, r);
}

/* Marks (keep) the households whose stored determination says exactly
 * what the new one would (jz_store_stored_digests): they are not written,
 * and keep the run and date that wrote them. */
static jz_err keep_unchanged(jz_store *s, write_back *w, jz_result *r, jz_error *err)
{
    size_t n = w->n;
    (void)r;
    uint64_t *stored = malloc((n ? n : 1) * sizeof *stored);
    if (!stored)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = jz_store_stored_digests(s, w->snap, stored, err);
    for (size_t i = 0; i < n && !rc; i++) {
        if (w->keep[i] || !stored[i])
            continue;
        if (w->digest[i] == stored[i]) {
            w->keep[i] = 1;
            w->rep->unchanged++;
        }
    }
    free(stored);
    return rc;
}

static jz_err write_in_txn(jz_store *s, void *arg, jz_error *err)
{
    write_back *w = arg;
    const jz_snapshot *snap = w->snap;
    const jz_batch_opts *opts = w->opts;
    jz_batch_report *rep = w->rep;
    size_t n = w->n;
    rep->stale = 0;
    rep->unchanged = 0;
    rep->run = 0;
    jz_err rc;
    jz_result *r = malloc(sizeof *r);
    if (!r)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if ((rc = jz_store_snapshot_stale(s, snap, w->keep, &rep->stale, err))) {
        free(r);
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        w->keep[i] |= !w->out[i].ok;
    if ((rc = keep_unchanged(s, w, r, err)) ||
        (rc = jz_store_run_begin(s, opts->date, opts->region_prefix, opts->overrides, &rep->run,
                                 err)) ||
        (rc = jz_store_clear_determinations(s, opts->region_prefix, snap, w->keep, err))) {
        free(r);
        return rc;
    }
    jz_member members[JZ_MAX_MEMBERS];
    jz_household h;
    for (size_t i = 0; i < n && !rc; i++) {
        if (w->keep[i])
            continue;
        jz_snapshot_household(snap, i, &h, members);
        if (opts->date != JZ_DATE_NONE)
            h.assess_date = opts->date;
        result_of(w, i, r);
        rc = jz_store_put_determination(s, rep->run, snap, i, &h, r,
                                        w->slots[w->slot_of[i]].json, err);
    }
    free(r);
    if (rc)
        return rc;
    /* The run itself, audited: who reassessed what, with which
     * parameters, and what it wrote and left. */
    char entity[48], after[1024];
    snprintf(entity, sizeof entity, "run:%lld", (long long)rep->run);
    json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:I}", "run", (json_int_t)rep->run,
                          "region", opts->region_prefix ? opts->region_prefix : "", "overrides",
                          opts->overrides ? opts->overrides : "", "households", (json_int_t)n,
                          "written", (json_int_t)jz_batch_written(rep), "unchanged",
                          (json_int_t)rep->unchanged, "stale", (json_int_t)rep->stale, "failed",
                          (json_int_t)rep->failed);
    char *t = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    snprintf(after, sizeof after, "%s", t ? t : "{}");
    free(t);
    json_decref(o);
    return jz_store_audit(s, "", "assess.run", entity, "", after, err);
}

size_t jz_batch_written(const jz_batch_report *rep)
{
    return rep->households - rep->stale - rep->failed - rep->unchanged;
}

jz_err jz_batch_assess(jz_store *s, const jz_paramset *ps, const jz_batch_opts *opts,
                       void (*on_error)(const jz_error *e, void *arg), void *arg,
                       jz_batch_report *rep, jz_error *err)
{
    memset(rep, 0, sizeof *rep);
    jz_snapshot *snap = NULL;
    policy_slot *slots = NULL;
    uint32_t *slot_of = NULL;
    hh_result *out = NULL;
    jz_person_result *persons = NULL;
    size_t n_slots = 0, cap_slots = 0, cap_rows = 0, cap_diffs = 0;
    uint8_t *keep = NULL, *stored_cat = NULL;
    int32_t *row_of = NULL;
    uint64_t *digest = NULL, *slot_digest = NULL;
    jz_fen *stored_monthly = NULL;
    jz_err rc;
    double t0 = now_s();

    if ((rc = jz_store_snapshot(s, opts->region_prefix, &snap, err)))
        return rc;
    size_t n = jz_snapshot_households(snap);
    rep->households = n;
    rep->snapshot_cached = jz_snapshot_cached(snap);
    rep->snapshot_patched = jz_snapshot_patched(snap);
    rep->members = jz_snapshot_members(snap);
    slot_of = malloc((n ? n : 1) * sizeof *slot_of);
    out = malloc((n ? n : 1) * sizeof *out);
    persons = malloc((rep->members ? rep->members : 1) * sizeof *persons);
    if (!slot_of || !out || !persons) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto done;
    }
    /* Touch the result arrays now: their first-use page faults belong to
     * preparing the run, not to the engine's time. */
    memset(out, 0, (n ? n : 1) * sizeof *out);
    memset(persons, 0, (rep->members ? rep->members : 1) * sizeof *persons);
    /* Resolve the parameters of every (county, date) before the threads
     * start; an open-addressing index finds a household's slot. */
    size_t index_cap = 1024;
    int32_t *index = malloc(index_cap * sizeof *index);
    if (!index) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto done;
    }
    memset(index, 0xFF, index_cap * sizeof *index); /* -1: empty */
    for (size_t i = 0; i < n; i++) {
        char county[7];
        jz_region_county(&snap->region[i], county);
        jz_date date = opts->date != JZ_DATE_NONE ? opts->date : snap->assess_date[i];
        size_t pos = slot_hash(county, date) & (index_cap - 1);
        while (index[pos] >= 0 &&
               (slots[index[pos]].date != date || strcmp(slots[index[pos]].county, county) != 0))
            pos = (pos + 1) & (index_cap - 1);
        if (index[pos] < 0) {
            if (n_slots == cap_slots) {
                size_t nc = cap_slots ? cap_slots * 2 : 64;
                policy_slot *ns = realloc(slots, nc * sizeof *ns);
                if (!ns) {
                    free(index);
                    rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                    goto done;
                }
                slots = ns;
                cap_slots = nc;
            }
            if (2 * (n_slots + 1) > index_cap) {
                /* Keep the index at most half full: double and re-insert. */
                size_t nc = index_cap * 2;
                int32_t *ni = malloc(nc * sizeof *ni);
                if (!ni) {
                    free(index);
                    rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                    goto done;
                }
                memset(ni, 0xFF, nc * sizeof *ni);
                for (size_t k = 0; k < n_slots; k++) {
                    size_t p = slot_hash(slots[k].county, slots[k].date) & (nc - 1);
                    while (ni[p] >= 0)
                        p = (p + 1) & (nc - 1);
                    ni[p] = (int32_t)k;
                }
                free(index);
                index = ni;
                index_cap = nc;
                pos = slot_hash(county, date) & (index_cap - 1);
                while (index[pos] >= 0)
                    pos = (pos + 1) & (index_cap - 1);
            }
            index[pos] = (int32_t)n_slots;
            policy_slot *sl = &slots[n_slots++];
            memset(sl, 0, sizeof *sl);
            memcpy(sl->county, county, 7);
            sl->date = date;
            jz_error e;
            jz_error_clear(&e);
            sl->ok = jz_policy_resolve(ps, county, date, &sl->policy, &e) == JZ_OK;
            if (sl->ok && !(sl->json = jz_policy_json(&sl->policy))) {
                free(index);
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                goto done;
            }
            slot_of[i] = (uint32_t)(n_slots - 1);
        } else {
            slot_of[i] = (uint32_t)index[pos];
        }
    }
    free(index);
    rep->read_s = now_s() - t0;

    /* Evaluate on all cores. */
    double t1 = now_s();
    /* An official run compares each new determination with the stored one
     * by digest: computed with the results, on all cores. */
    if (opts->write && !opts->compare) {
        digest = malloc((n ? n : 1) * sizeof *digest);
        slot_digest = malloc((n_slots ? n_slots : 1) * sizeof *slot_digest);
        if (!digest || !slot_digest) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            goto done;
        }
        for (size_t k = 0; k < n_slots; k++)
            slot_digest[k] = slots[k].ok ? jz_store_params_digest(slots[k].json) : 0;
    }
    long cores = opts->threads > 0 ? opts->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    if (cores > 64)
        cores = 64;
    work w[64];
    size_t per = (n + (size_t)cores - 1) / (size_t)cores;
    for (long t = 0; t < cores; t++) {
        size_t from = (size_t)t * per, to = from + per < n ? from + per : n;
        w[t] = (work){snap,    slots, slot_of, opts->date, from < n ? from : n, to, out,
                      persons, digest, slot_digest};
    }
    on_all_cores(w, cores, run_chunk);
    rep->assess_s = now_s() - t1;
    double t2 = now_s();
    /* The new determinations' digests, on all cores too (timed with the
     * write: they are its comparison). */
    if (digest)
        on_all_cores(w, cores, digest_chunk);

    /* Tally (and compare), then write back.  The write is one transaction
     * (jz_store_run), which holds the write lock: inside it, the records
     * that changed since the snapshot are found and left alone (their
     * results would describe records that no longer exist), as are those
     * that could not be assessed. */
    bool write = opts->write && !opts->compare;
    if (opts->compare) {
        stored_cat = malloc(n ? n : 1);
        stored_monthly = malloc((n ? n : 1) * sizeof *stored_monthly);
        if (!stored_cat || !stored_monthly) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            goto done;
        }
        if ((rc = jz_store_snapshot_results(s, snap, stored_cat, stored_monthly,
                                            &rep->results_cached, &rep->results_patched, err)))
            goto done;
    }
    /* The summary row of each (slot, category) and the diff of each slot,
     * found once. */
    if (!(row_of = malloc((n_slots ? n_slots : 1) * (JZ_CAT_COUNT + 1) * sizeof *row_of))) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto done;
    }
    memset(row_of, 0xFF, (n_slots ? n_slots : 1) * (JZ_CAT_COUNT + 1) * sizeof *row_of);
    for (size_t i = 0; i < n; i++) {
        const hh_result *o = &out[i];
        const policy_slot *sl = &slots[slot_of[i]];
        char county[7];
        jz_region_county(&snap->region[i], county);
        if (!o->ok) {
            rep->failed++;
            if (on_error) {
                jz_error e;
                jz_error_clear(&e);
                jz_policy resolved;
                jz_policy_resolve(ps, county, sl->date, &resolved, &e);
                jz_error_set_where(&e, jz_snapshot_household_id(snap, i), NULL);
                on_error(&e, arg);
            }
            continue;
        }
        const jz_person_result *pp = &persons[snap->first_member[i]];
        unsigned nm = snap->household_size[i];
        int32_t *hints = &row_of[(size_t)slot_of[i] * (JZ_CAT_COUNT + 1)];
        if ((rc = tally(rep, &cap_rows, county, o, pp, nm, &hints[o->category], err)))
            goto done;
        if (opts->compare && (rc = compare(rep, &cap_diffs, county, o, pp, nm, stored_cat[i],
                                           stored_monthly[i], jz_snapshot_household_id(snap, i),
                                           opts->max_examples, &hints[JZ_CAT_COUNT], err)))
            goto done;
    }
    if (write) {
        if (!(keep = malloc(n ? n : 1))) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            goto done;
        }
        write_back wb = {snap, slots, n_slots, slot_of, out, persons, keep, opts, rep, n, digest};
        /* The tables with keys it writes: its determinations refer to
         * households it checked in the transaction (stale ones are kept)
         * and to the run and parameter rows it made; checked once at the
         * commit rather than row by row. */
        static const char *const keyed[] = {"determinations", "param_values", NULL};
        if ((rc = jz_store_run_keyed(s, keyed, write_in_txn, &wb, err)))
            goto done;
    }
    rep->write_s = now_s() - t2;
    if (rep->n_rows) /* qsort's pointer must not be NULL, even for nothing */
        qsort(rep->rows, rep->n_rows, sizeof *rep->rows, cmp_rows);
    if (rep->n_diffs)
        qsort(rep->diffs, rep->n_diffs, sizeof *rep->diffs, cmp_diffs);
done:
    free(digest);
    free(slot_digest);
    free(row_of);
    free(keep);
    free(stored_cat);
    free(stored_monthly);
    for (size_t k = 0; k < n_slots; k++)
        free(slots[k].json);
    free(slots);
    free(slot_of);
    free(out);
    free(persons);
    jz_snapshot_free(snap);
    if (rc) {
        free(rep->rows);
        rep->rows = NULL;
        rep->n_rows = 0;
        free(rep->diffs);
        rep->diffs = NULL;
        rep->n_diffs = 0;
        free(rep->examples);
        rep->examples = NULL;
        rep->n_examples = 0;
    }
    return rc;
}
