/*
 * json_stats.c - the JSON face of the figures (jz_api_monitor.h):
 * statistics by region, the audit verification's report, and a household
 * import's counts.
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_api_monitor.h"
#include "jiuzhu/jz_audit.h"
#include "api_int.h"

/* ---- statistics ---------------------------------------------------------------------- */

jz_err jz_stats_req_from_json(const json_t *body, jz_stats_req *out, jz_error *err)
{
    static const char *const keys[] = {"level", "region", "months", NULL};
    memset(out, 0, sizeof *out);
    out->level_digits = 6;
    int level = -1;
    long long months = 12;
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_enum(body, "level", false, jz_stats_level_names, 0, JZ_STATS_LEVEL_COUNT,
                           &level, err)) ||
        (rc = jz__api_region(body, "region", &out->region, err)) ||
        (rc = jz__api_int(body, "months", false, 0, JZ_STATS_MONTHS_MAX, &months, err)))
        return rc;
    out->months = (int)months;
    if (level >= 0)
        out->level_digits = jz_stats_level_digits[level];
    return JZ_OK;
}

/* The figures of a row (the totals too). */
static void figures(json_t *o, const jz_stat_row *r, int *bad)
{
    jz__api_set(o, "households", json_integer(r->households), bad);
    jz__api_set(o, "persons", json_integer(r->persons), bad);
    jz__api_set(o, "monthly_fen", json_integer(r->monthly), bad);
    jz__api_set(o, "tekun", json_integer(r->tekun), bad);
    jz__api_set(o, "tekun_monthly_fen", json_integer(r->tekun_monthly), bad);
    jz__api_set(o, "single", json_integer(r->single), bad);
    jz__api_set(o, "single_monthly_fen", json_integer(r->single_monthly), bad);
    jz__api_set(o, "stale", json_integer(r->stale), bad);
}

json_t *jz_stats_res_to_json(const jz_stats_res *r, const jz_stats_req *rq)
{
    json_t *o = json_object(), *rows = json_array(), *un = json_array(), *total = json_object();
    int bad = 0;
    int level = rq->level_digits ? rq->level_digits : 6;
    for (int i = 0; i < JZ_STATS_LEVEL_COUNT; i++)
        if (jz_stats_level_digits[i] == level) {
            jz__api_set(o, "level", json_string(jz_stats_level_names[i]), &bad);
            jz__api_set(o, "level_zh", json_string(jz_stats_level_zh[i]), &bad);
        }
    jz__api_set(o, "region", json_string(rq->region ? rq->region : ""), &bad);
    for (size_t i = 0; i < r->n && !bad; i++) {
        const jz_stats_line *l = &r->lines[i];
        json_t *x = json_object();
        jz__api_set(x, "region", json_string(l->row.region), &bad);
        jz__api_set(x, "name", json_string(l->name ? l->name : ""), &bad);
        if (l->row.category >= JZ_CAT_COUNT) {
            jz__api_set(x, "households", json_integer(l->row.households), &bad);
            jz__api_append(un, x, &bad);
            continue;
        }
        jz__api_set(x, "category", json_string(jz_category_names[l->row.category]), &bad);
        jz__api_set(x, "category_zh", json_string(jz_category_short_zh[l->row.category]), &bad);
        figures(x, &l->row, &bad);
        jz__api_append(rows, x, &bad);
    }
    figures(total, &r->total, &bad);
    jz__api_set(o, "rows", rows, &bad);
    jz__api_set(o, "unassessed", un, &bad);
    jz__api_set(o, "total", total, &bad);
    jz__api_set(o, "unassessed_households", json_integer(r->unassessed), &bad);
    json_t *trend = json_array();
    for (size_t i = 0; i < r->n_trend && !bad; i++) {
        const jz_trend_month *m = &r->trend[i];
        json_t *x = json_object(), *al = json_object();
        jz__api_set(x, "month", json_string(m->month), &bad);
        jz__api_set(x, "cases_accepted", json_integer(m->cases_accepted), &bad);
        jz__api_set(x, "cases_approved", json_integer(m->cases_approved), &bad);
        jz__api_set(x, "cases_refused", json_integer(m->cases_refused), &bad);
        jz__api_set(x, "cases_closed", json_integer(m->cases_closed), &bad);
        /* Mean calendar days from acceptance to closing, to one decimal. */
        jz__api_set(x, "closed_avg_days",
                    m->cases_closed ? json_real((double)(m->closed_days * 10 / m->cases_closed) / 10)
                                    : json_null(),
                    &bad);
        jz__api_set(x, "steps_late", json_integer(m->steps_late), &bad);
        jz__api_set(x, "enrol_started", json_integer(m->enrol_started), &bad);
        jz__api_set(x, "enrol_ended", json_integer(m->enrol_ended), &bad);
        jz__api_set(x, "enrolled", json_integer(m->enrolled), &bad);
        jz__api_set(x, "enrolled_persons", json_integer(m->enrolled_persons), &bad);
        jz__api_set(x, "paid_lines", json_integer(m->paid_lines), &bad);
        jz__api_set(x, "paid_fen", json_integer(m->paid), &bad);
        for (int c = 0; c < 4; c++) {
            char k[2] = {(char)('A' + c), 0};
            jz__api_set(al, k, json_integer(m->alerts[c]), &bad);
        }
        jz__api_set(x, "alerts", al, &bad);
        jz__api_set(x, "alerts_resolved", json_integer(m->alerts_resolved), &bad);
        jz__api_set(x, "referred", json_integer(m->referred), &bad);
        jz__api_set(x, "answered", json_integer(m->answered), &bad);
        jz__api_append(trend, x, &bad);
    }
    jz__api_set(o, "trend", trend, &bad);
    return jz__api_done(o, bad);
}

/* ---- the audit log ------------------------------------------------------------------ */

jz_err jz_audit_req_from_json(const json_t *body, const char **checkpoint, jz_error *err)
{
    static const char *const keys[] = {"checkpoint", NULL};
    *checkpoint = NULL;
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_string(body, "checkpoint", false, 96, checkpoint, err)) || !*checkpoint)
        return rc;
    int64_t seq;
    char hash[65];
    if (jz_audit_checkpoint_parse(*checkpoint, &seq, hash, err) != JZ_OK) {
        err->code = JZ_EINPUT;
        snprintf(err->field, sizeof err->field, "checkpoint");
        *checkpoint = NULL;
        return JZ_EINPUT;
    }
    return JZ_OK;
}

static const char *const checkpoint_zh[JZ_CHECKPOINT_STATE_COUNT] = {
    "未核对", "与最新一条相符", "相符，之后又追加了记录", "留存的记录已不在日志中",
    "哈希与留存的不同（日志被重写）"};

json_t *jz_audit_check_to_json(const jz_audit_check *c)
{
    const jz_audit_report *r = &c->report;
    json_t *o = json_object(), *chain = json_object(), *data = json_object(), *lines = json_array();
    int bad = 0;
    jz__api_set(o, "intact", json_boolean(jz_audit_intact(c)), &bad);
    jz__api_set(chain, "ok", json_boolean(!r->bad_seq), &bad);
    jz__api_set(chain, "entries", json_integer(r->rows), &bad);
    jz__api_set(chain, "bad_seq", r->bad_seq ? json_integer(r->bad_seq) : json_null(), &bad);
    jz__api_set(chain, "problem", jz__api_str_or_null(r->problem), &bad);
    jz__api_set(chain, "head_seq", json_integer(r->head_seq), &bad);
    jz__api_set(chain, "head_hash", jz__api_str_or_null(r->head_hash), &bad);
    jz__api_set(chain, "keyed_from", r->keyed_from ? json_integer(r->keyed_from) : json_null(),
                &bad);
    jz__api_set(chain, "key_id", jz__api_str_or_null(r->key_id), &bad);
    jz__api_set(chain, "unchained", json_integer(r->unchained), &bad);
    jz__api_set(chain, "unchained_problem", jz__api_str_or_null(r->unchained_why), &bad);
    /* The data is checked when the chain is whole and keyed. */
    bool checked = !r->bad_seq && r->keyed_from && !r->data_unchecked;
    jz__api_set(data, "checked", json_boolean(checked), &bad);
    jz__api_set(data, "ok", json_boolean(checked && !r->data_problems), &bad);
    jz__api_set(data, "tables", json_integer(r->tables), &bad);
    jz__api_set(data, "rows", json_integer(r->data_rows), &bad);
    jz__api_set(data, "problems", json_integer(r->data_problems), &bad);
    for (const char *p = r->data; *p && !bad;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n)
            jz__api_append(lines, json_stringn(p, n), &bad);
        p += n + (nl != NULL);
    }
    jz__api_set(data, "detail", lines, &bad);
    jz__api_set(o, "chain", chain, &bad);
    jz__api_set(o, "data", data, &bad);
    if (c->checkpoint == JZ_CHECKPOINT_NONE) {
        jz__api_set(o, "checkpoint", json_null(), &bad);
    } else {
        unsigned s = c->checkpoint % JZ_CHECKPOINT_STATE_COUNT;
        jz__api_set(o, "checkpoint",
                    json_pack("{s:s,s:s,s:I,s:I}", "state", jz_checkpoint_state_names[s],
                              "state_zh", checkpoint_zh[s], "seq", (json_int_t)c->checkpoint_seq,
                              "appended", (json_int_t)c->appended),
                    &bad);
    }
    return jz__api_done(o, bad);
}

/* ---- a household import --------------------------------------------------------------- */

json_t *jz_import_stats_to_json(const jz_import_stats *st, const jz_rejects *rejected)
{
    json_t *o = json_object();
    int bad = 0;
    jz__api_set(o, "import", st->import ? json_integer(st->import) : json_null(), &bad);
    jz__api_set(o, "stored", json_integer(st->stored), &bad);
    jz__api_set(o, "rejected", json_integer(st->rejected), &bad);
    jz__api_set(o, "resumed_after", json_integer(st->resumed_after), &bad);
    jz__api_set(o, "enrolled", json_integer(st->enrolled), &bad);
    jz__api_set(o, "ineligible", json_integer(st->ineligible), &bad);
    jz__api_set(o, "stored_total", json_integer(st->stored_total), &bad);
    jz__api_set(o, "rejected_total", json_integer(st->rejected_total), &bad);
    jz__api_set(o, "errors", jz_rejects_to_json(rejected), &bad);
    jz__api_set(o, "errors_dropped", json_integer(rejected ? rejected->dropped : 0), &bad);
    return jz__api_done(o, bad);
}
