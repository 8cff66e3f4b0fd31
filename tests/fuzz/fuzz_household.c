/*
 * fuzz_household.c - libFuzzer target for the whole single-record path:
 * jz_household_parse, jz_policy_resolve, jz_assess with a trace and
 * jz_determination_json; and for the stream reader (jz_reader over the same
 * bytes through fmemopen), which chooses between one record, a JSON array
 * and JSON Lines.
 *
 * The regions table and the shipped parameters are loaded once (policy/
 * under JZ_SOURCE_DIR).  Inputs of odd length are also parsed without the
 * regions table, where only the shape of a region code is checked, so
 * counties the table does not know reach policy resolution.  The choice
 * depends on the input alone, so every crash reproduces from its file.
 *
 * Besides the sanitizers, the target checks two promises of the headers:
 * a trace never drops entries (jz_engine.h), and the bulk path (no trace)
 * reaches the same result as the traced one.  A broken promise aborts.
 * See tests/fuzz/README.md for how to run it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_params.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_region.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jz_regions *regions;
static jz_paramset *params;

/* Big structs live here rather than on the stack. */
static jz_household household;
static jz_household_buf members;
static jz_trace trace;
static jz_result traced, bulk;

static void die(const char *what, const jz_error *err)
{
    char line[1024] = "";
    if (err)
        jz_error_format(err, line, sizeof line);
    fprintf(stderr, "fuzz_household: %s %s\n", what, line);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    jz_error err;
    jz_error_clear(&err);
    if (jz_regions_load(JZ_SOURCE_DIR "/policy/regions/shanxi-regions.csv", &regions, &err))
        die("cannot load the regions table:", &err);
    params = jz_paramset_new();
    if (!params)
        die("out of memory", NULL);
    if (jz_paramset_load_dir(params, JZ_SOURCE_DIR "/policy/params", &err))
        die("cannot load the parameters:", &err);
    return 0;
}

/* The bulk result must equal the traced one, field by field. */
static void same_result(const jz_result *a, const jz_result *b)
{
    if (a->category != b->category || a->causes != b->causes || a->exit != b->exit ||
        a->counted_members != b->counted_members || a->standard != b->standard ||
        a->income != b->income || a->deductible != b->deductible || a->financial != b->financial ||
        a->monthly_amount != b->monthly_amount || a->exit_until != b->exit_until ||
        a->decisive != b->decisive || a->n_persons != b->n_persons)
        die("jz_assess without a trace differs from jz_assess with one (household)", NULL);
    for (uint32_t i = 0; i < a->n_persons && i < JZ_MAX_MEMBERS; i++) {
        const jz_person_result *p = &a->persons[i], *q = &b->persons[i];
        if (p->counted != q->counted || p->categories != q->categories ||
            p->care_level != q->care_level || p->tmp_rule != q->tmp_rule ||
            p->referrals != q->referrals || p->single_rule != q->single_rule ||
            p->monthly_amount != q->monthly_amount || p->tmp_amount != q->tmp_amount ||
            p->death_check_due != q->death_check_due ||
            p->death_change_from != q->death_change_from)
            die("jz_assess without a trace differs from jz_assess with one (person)", NULL);
    }
}

/* Resolves the policy for h, assesses it both ways and writes the
 * determination; a household whose county and date have no policy is
 * skipped, as the command reports it and goes on. */
static void assess(const jz_household *h, int flags)
{
    char county[7];
    jz_policy policy;
    jz_error err;
    jz_error_clear(&err);
    jz_region_county(&h->region, county);
    if (jz_policy_resolve(params, county, h->assess_date, &policy, &err) != JZ_OK)
        return;
    jz_assess(h, &policy, &traced, &trace);
    if (trace.dropped)
        die("the trace dropped entries", NULL);
    jz_assess(h, &policy, &bulk, NULL);
    same_result(&traced, &bulk);
    char *json = jz_determination_json(h, &policy, &traced, &trace, flags);
    if (!json)
        die("jz_determination_json returned NULL", NULL);
    free(json);
}

static void parse_one(const uint8_t *data, size_t size, const jz_regions *table)
{
    jz_parse_opts opts = {
        .regions = table, .default_date = jz_date_make(2024, 6, 1), .force_date = JZ_DATE_NONE};
    jz_error err;
    jz_error_clear(&err);
    if (jz_household_parse((const char *)data, size, &opts, &household, &members, &err) == JZ_OK)
        assess(&household, size & 2 ? JZ_DET_PRETTY : 0);
}

static void read_stream(const uint8_t *data, size_t size, const jz_regions *table)
{
    /* fmemopen needs a non-empty buffer; it only reads from it. */
    if (size == 0)
        return;
    FILE *in = fmemopen((void *)data, size, "rb");
    if (!in)
        return;
    jz_parse_opts opts = {
        .regions = table, .default_date = jz_date_make(2024, 6, 1), .force_date = JZ_DATE_NONE};
    jz_reader *rd = jz_reader_new(in, "fuzz", &opts);
    if (rd) {
        for (;;) {
            const jz_household *h;
            jz_error err;
            jz_err rc = jz_reader_next(rd, &h, &err);
            if (rc == JZ_OK)
                assess(h, jz_reader_many(rd) ? 0 : JZ_DET_PRETTY);
            else if (rc != JZ_EINPUT)
                break; /* JZ_EOF, or fatal */
        }
        jz_reader_free(rd);
    }
    fclose(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const jz_regions *table = size & 1 ? NULL : regions;
    parse_one(data, size, regions);
    if (!table)
        parse_one(data, size, NULL);
    read_stream(data, size, table);
    return 0;
}
