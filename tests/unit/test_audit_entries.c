/*
 * test_audit_entries.c - the audit entries the common store layer composes
 * (lib/store/audit_entries.c) are byte for byte the entries jiuzhu has
 * always written: each is compared, on thousands of generated records,
 * with the entry built the way the SQLite backend built it before the
 * composition moved (a jansson tree of jz_case_json / jz_enrolment_json or
 * of json_pack(), the step or note added, dumped compact, keys sorted
 * where the entry sorts them).  The generated texts include quotes,
 * control characters, Chinese, and bytes that are not UTF-8 (whole, or a
 * character cut by a fixed buffer), where jansson leaves a member or an
 * element out or fails the whole text.  The entries are caught through a
 * table whose only function is the audit primitive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "store/store_int.h"

/* ---- the entry written, caught -------------------------------------------------- */

typedef struct entry {
    int n;
    char *county, *action, *entity, *before, *after;
} entry;

static void entry_clear(entry *e)
{
    free(e->county);
    free(e->action);
    free(e->entity);
    free(e->before);
    free(e->after);
    memset(e, 0, sizeof *e);
}

static jz_err catch_audit(void *impl, const char *county, const char *action, const char *entity,
                          const char *before, const char *after, jz_error *err)
{
    (void)err;
    entry *e = impl;
    e->n++;
    e->county = strdup(county ? county : "(null)");
    e->action = strdup(action);
    e->entity = strdup(entity);
    e->before = strdup(before);
    e->after = strdup(after);
    return JZ_OK;
}

static const jz_store_ops catcher = {.name = "catcher", .audit = catch_audit};

/* What the backend wrote: rc, and the entry when rc is JZ_OK. */
typedef struct expected {
    jz_err rc;
    const char *county;
    char action[64], entity[64];
    char *before, *after; /* malloc'd, or NULL */
} expected;

static void check(const expected *x, jz_err rc, entry *got)
{
    assert_int_equal(rc, x->rc);
    if (x->rc) {
        assert_int_equal(got->n, 0);
    } else {
        assert_int_equal(got->n, 1);
        assert_string_equal(got->county, x->county);
        assert_string_equal(got->action, x->action);
        assert_string_equal(got->entity, x->entity);
        assert_string_equal(got->before, x->before ? x->before : "");
        assert_string_equal(got->after, x->after);
    }
    free(x->before);
    free(x->after);
    entry_clear(got);
}

/* ---- generated values ------------------------------------------------------------ */

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (uint32_t)(seed % n);
}

static const char *const texts[] = {
    "",
    "plain",
    "王建国",
    "引号\"与反斜杠\\",
    "控制\x01\x1f字符\b\f\n\r\t",
    "斜杠/不转义 ≥ 915.00 元",
    "emoji \xf0\x9f\x98\x80",
    "not utf-8 \xff here",
    "cut \xe7\x8e",
    "surrogate \xed\xa0\x80",
    "140902199001010315",
    "R-TMP-1",
    "2024-06",
    "家庭人均收入低于当地低保标准，且家庭财产状况符合规定，经入户调查核实，予以认定。",
};

/* A text into a buffer of n bytes: cut to fit, perhaps inside a character. */
static void text(char *buf, size_t n)
{
    snprintf(buf, n, "%s", texts[rnd(sizeof texts / sizeof texts[0])]);
}

static jz_date date_or_none(void)
{
    return rnd(4) == 0 ? JZ_DATE_NONE
                       : jz_date_make(2000 + (int)rnd(30), 1 + (int)rnd(12), 1 + (int)rnd(28));
}

static int64_t num(void)
{
    static const int64_t v[] = {0, 1, -1, 42, 91500, 123456789012345LL, -5};
    return v[rnd(sizeof v / sizeof v[0])];
}

static void gen_case(jz_case *c)
{
    memset(c, 0, sizeof *c);
    c->id = 1 + rnd(100000);
    text(c->county, sizeof c->county);
    text(c->region, sizeof c->region);
    text(c->household_id, sizeof c->household_id);
    text(c->applicant_id, sizeof c->applicant_id);
    text(c->applicant_name, sizeof c->applicant_name);
    c->members = (int)rnd(9);
    c->state = (uint8_t)rnd(JZ_CASE_STATE_COUNT + 2);
    c->township_confirms = rnd(2);
    c->staff_relative = rnd(2);
    c->home_visited = rnd(2);
    c->extended = (uint8_t)rnd(JZ_EXT_COUNT + 2);
    c->decision = (uint8_t)rnd(4);
    c->objections = (int)rnd(3);
    jz_date *d[] = {&c->accepted_on, &c->investigated_on, &c->verified_on,  &c->preliminary_on,
                    &c->notice_from, &c->notice_until,    &c->confirmed_on, &c->decided_on,
                    &c->closed_on,   &c->due_by};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        *d[i] = date_or_none();
    c->proposed_category = (uint8_t)rnd(JZ_CAT_COUNT + 2);
    c->proposed_persons = (uint8_t)rnd(8);
    c->proposed_monthly = num();
    text(c->first_month, sizeof c->first_month);
    c->kind = (uint8_t)rnd(3);
    c->days = (int)rnd(60);
    c->extended_days = (int)rnd(60);
    c->notice_days = (int)rnd(10);
    c->programmes = (uint8_t)rnd(256);
    text(c->judgment, sizeof c->judgment);
    text(c->task, sizeof c->task);
    c->record_version = (int)rnd(5);
}

static void gen_step(jz_case_step *s)
{
    memset(s, 0, sizeof *s);
    s->action = (uint8_t)rnd(JZ_ACT_COUNT + 2);
    s->on = date_or_none();
    text(s->note, sizeof s->note);
    if (rnd(2)) {
        s->deadline = jz_date_make(2024, 1 + (int)rnd(12), 1 + (int)rnd(28));
        s->late_days = (int)rnd(30);
    }
}

/* ---- the entries as the backend built them ---------------------------------------- */

static expected old_case(const jz_case *before, const jz_case *after, const jz_case_step *step)
{
    expected x = {.county = after->county};
    snprintf(x.entity, sizeof x.entity, "case:%lld", (long long)after->id);
    char action[48];
    snprintf(action, sizeof action, "case.%s",
             step->action < JZ_ACT_COUNT ? jz_case_action_names[step->action] : "?");
    snprintf(x.action, sizeof x.action, "%s", action);
    char *b = before ? jz_case_json(before) : NULL;
    char *a = jz_case_json(after);
    json_t *aj = a ? json_loads(a, 0, NULL) : NULL;
    char d[JZ_DATE_BUF];
    jz_date_format(step->on, d, sizeof d);
    if (aj) {
        json_t *sj = json_pack("{s:s,s:s,s:s}", "action", action + 5, "on", d, "note", step->note);
        if (sj && step->deadline) {
            char dl[JZ_DATE_BUF];
            jz_date_format(step->deadline, dl, sizeof dl);
            json_object_set_new(
                sj, "late",
                json_pack("{s:s,s:i}", "deadline", dl, "working_days", step->late_days));
        }
        json_object_set_new(aj, "step", sj);
    }
    x.after = aj ? json_dumps(aj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    x.rc = x.after ? JZ_OK : JZ_ENOMEM;
    x.before = b;
    free(a);
    json_decref(aj);
    return x;
}

static char *old_units(const jz_case_unit *u, size_t nu)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < nu; i++) {
        char m[JZ_MONEY_BUF], o[JZ_MONEY_BUF], dm[JZ_MONEY_BUF], dn[JZ_MONEY_BUF];
        jz_money_format(u[i].monthly, m, sizeof m);
        jz_money_format(u[i].once, o, sizeof o);
        jz_money_format(u[i].decided_monthly, dm, sizeof dm);
        jz_money_format(u[i].decided_once, dn, sizeof dn);
        static const char *const verdicts[] = {"none", "approved", "refused"};
        json_array_append_new(
            a, json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:s}", "member_id",
                         u[i].member_id, "label", u[i].label, "programme",
                         u[i].programme < JZ_UNIT_PROGRAMME_COUNT
                             ? jz_unit_programme_names[u[i].programme]
                             : "?",
                         "persons", u[i].persons, "monthly", m, "once", o, "rule", u[i].rule,
                         "verdict", verdicts[u[i].verdict < 3 ? u[i].verdict : 0],
                         "decided_monthly", dm, "decided_once", dn, "judged", u[i].judged, "added",
                         u[i].added, "reason", u[i].reason));
    }
    char *t = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return t;
}

static char *old_findings(const jz_case_finding *f, size_t nf)
{
    json_t *a = json_array();
    for (size_t i = 0; i < nf; i++)
        json_array_append_new(a, json_pack("{s:s,s:I,s:s,s:s}", "member_id", f[i].member_id, "row",
                                           (json_int_t)f[i].row, "rule", f[i].rule, "text",
                                           f[i].text));
    char *t = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return t;
}

static char *old_grant(const jz_grant *g)
{
    char m[JZ_MONEY_BUF], d[JZ_DATE_BUF];
    jz_money_format(g->amount, m, sizeof m);
    jz_date_format(g->on, d, sizeof d);
    json_t *o = json_pack(
        "{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "grant", (json_int_t)g->id, "household_id",
        g->household_id, "case", (json_int_t)g->case_id, "member_id", g->member_id, "name", g->name,
        "kind", g->kind < JZ_GRANT_KIND_COUNT ? jz_grant_kind_names[g->kind] : "?", "rule", g->rule,
        "amount", m, "on", d, "note", g->note, "beyond_cap", g->beyond_cap);
    char *t = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return t;
}

static expected old_enrolment(const jz_enrolment *before, const jz_enrolment *e, const char *action,
                              const char *note)
{
    expected x = {.county = e->county};
    snprintf(x.action, sizeof x.action, "%s", action);
    snprintf(x.entity, sizeof x.entity, "enrolment:%lld", (long long)e->id);
    x.before = before ? jz_enrolment_json(before) : NULL;
    char *a = jz_enrolment_json(e);
    json_t *aj = a ? json_loads(a, 0, NULL) : NULL;
    if (aj && note && note[0])
        json_object_set_new(aj, "note", json_string(note));
    x.after = aj ? json_dumps(aj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    x.rc = x.after ? JZ_OK : JZ_ENOMEM;
    free(a);
    json_decref(aj);
    return x;
}

static char *old_alert_json(const jz_stored_alert *a)
{
    json_t *o =
        json_pack("{s:I,s:i,s:i,s:i,s:s,s:s,s:s,s:i,s:s,s:i}", "alert", (json_int_t)a->id,
                  "category", a->category, "indicator", a->indicator, "severity", a->severity,
                  "id_number", a->id_number, "household_id", a->household_id, "detail", a->detail,
                  "status", a->status, "evidence", a->evidence, "due_on", a->due_on);
    char *t = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return t;
}

static expected old_alert(const jz_stored_alert *before, const jz_stored_alert *after,
                          const jz_alert_step *step)
{
    expected x = {.county = after->county};
    char *b = old_alert_json(before), *a = old_alert_json(after);
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
    snprintf(x.entity, sizeof x.entity, "alert:%lld", (long long)after->id);
    char action[32];
    snprintf(action, sizeof action, "alert.%s", step->action);
    snprintf(x.action, sizeof x.action, "%s", action);
    x.rc = full && b ? JZ_OK : JZ_ENOMEM;
    x.before = b;
    x.after = full;
    free(a);
    json_decref(aj);
    return x;
}

/* ---- the comparisons -------------------------------------------------------------- */

enum { ROUNDS = 3000 };

static void cases(void **state)
{
    (void)state;
    entry got = {0};
    jz_error err;
    int stepped = 0;
    for (int i = 0; i < ROUNDS; i++) {
        jz_case before, after;
        jz_case_step step;
        gen_case(&before);
        gen_case(&after);
        gen_step(&step);
        bool created = rnd(4) == 0;
        expected x = old_case(created ? NULL : &before, &after, &step);
        stepped += x.after && strstr(x.after, "\"step\":{") != NULL;
        check(&x, jz__audit_case(&catcher, &got, created ? NULL : &before, &after, &step, &err),
              &got);
    }
    /* The generator reaches both sides: steps kept and steps left out. */
    assert_true(stepped > ROUNDS / 4 && stepped < ROUNDS);
}

static void gen_unit(jz_case_unit *u)
{
    memset(u, 0, sizeof *u);
    u->member = (int)rnd(5) - 1;
    text(u->member_id, sizeof u->member_id);
    text(u->label, sizeof u->label);
    u->programme = (uint8_t)rnd(JZ_UNIT_PROGRAMME_COUNT + 2);
    u->persons = (int)rnd(6);
    u->monthly = num();
    u->once = num();
    text(u->rule, sizeof u->rule);
    u->verdict = (uint8_t)rnd(5);
    u->decided_monthly = num();
    u->decided_once = num();
    u->judged = rnd(2);
    u->added = rnd(2);
    text(u->reason, sizeof u->reason);
}

static void units_and_findings(void **state)
{
    (void)state;
    entry got = {0};
    jz_error err;
    static jz_case_unit old[JZ_CASE_UNITS_MAX], now[JZ_CASE_UNITS_MAX];
    static jz_case_finding f[JZ_CASE_FINDINGS_MAX];
    for (int i = 0; i < ROUNDS / 4; i++) {
        jz_case c;
        gen_case(&c);
        size_t nold = rnd(5), nnow = rnd(5), nf = rnd(6);
        for (size_t k = 0; k < nold; k++)
            gen_unit(&old[k]);
        for (size_t k = 0; k < nnow; k++)
            gen_unit(&now[k]);
        expected x = {.county = c.county, .action = "case.units"};
        snprintf(x.entity, sizeof x.entity, "case:%lld", (long long)c.id);
        x.before = old_units(old, nold);
        x.after = old_units(now, nnow);
        x.rc = x.before && x.after ? JZ_OK : JZ_ENOMEM;
        check(&x, jz__audit_case_units(&catcher, &got, &c, old, nold, now, nnow, &err), &got);

        for (size_t k = 0; k < nf; k++) {
            memset(&f[k], 0, sizeof f[k]);
            text(f[k].member_id, sizeof f[k].member_id);
            text(f[k].name, sizeof f[k].name);
            f[k].row = num();
            text(f[k].rule, sizeof f[k].rule);
            text(f[k].text, sizeof f[k].text);
        }
        expected y = {.county = c.county, .action = "case.findings"};
        snprintf(y.entity, sizeof y.entity, "case:%lld", (long long)c.id);
        y.after = old_findings(f, nf);
        y.rc = y.after ? JZ_OK : JZ_ENOMEM;
        check(&y, jz__audit_case_findings(&catcher, &got, &c, f, nf, &err), &got);
    }
}

static void grants_and_staff(void **state)
{
    (void)state;
    entry got = {0};
    jz_error err;
    int failed = 0;
    for (int i = 0; i < ROUNDS; i++) {
        jz_grant g;
        memset(&g, 0, sizeof g);
        g.id = 1 + rnd(1000);
        text(g.county, sizeof g.county);
        text(g.household_id, sizeof g.household_id);
        g.case_id = num();
        text(g.member_id, sizeof g.member_id);
        text(g.name, sizeof g.name);
        g.kind = (uint8_t)rnd(JZ_GRANT_KIND_COUNT + 2);
        text(g.rule, sizeof g.rule);
        g.amount = num();
        g.on = date_or_none();
        text(g.note, sizeof g.note);
        text(g.beyond_cap, sizeof g.beyond_cap);
        expected x = {.county = g.county, .action = "grant.put", .after = old_grant(&g)};
        snprintf(x.entity, sizeof x.entity, "grant:%lld", (long long)g.id);
        x.rc = x.after ? JZ_OK : JZ_ENOMEM;
        failed += x.rc != JZ_OK;
        check(&x, jz__audit_grant(&catcher, &got, &g, &err), &got);

        /* staff.add / staff.relative: a NULL or invalid text fails the pack */
        const char *v[6];
        char buf[6][48];
        for (int k = 0; k < 6; k++) {
            text(buf[k], sizeof buf[k]);
            v[k] = rnd(20) == 0 ? NULL : buf[k];
        }
        const char *county = rnd(10) == 0 ? NULL : "140902";
        bool rel = rnd(2);
        const char *staff = buf[0], *relative = rel ? buf[3] : NULL;
        json_t *a = rel ? json_pack("{s:s,s:s,s:s,s:s}", "staff", staff, "relative", relative,
                                    "name", v[4], "relation", v[5])
                        : json_pack("{s:s,s:s,s:s}", "staff", staff, "name", v[1], "unit", v[2]);
        expected y = {.county = county ? county : "",
                      .after = a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS) : NULL};
        json_decref(a);
        snprintf(y.action, sizeof y.action, "%s", rel ? "staff.relative" : "staff.add");
        char entity[64];
        snprintf(entity, sizeof entity, "staff:%s", staff);
        snprintf(y.entity, sizeof y.entity, "%s", entity);
        y.rc = y.after ? JZ_OK : JZ_ENOMEM;
        check(
            &y,
            jz__audit_staff(&catcher, &got, county, staff, v[1], v[2], relative, v[4], v[5], &err),
            &got);
    }
    assert_true(failed > 0 && failed < ROUNDS);
}

static void gen_enrolment(jz_enrolment *e)
{
    memset(e, 0, sizeof *e);
    e->id = 1 + rnd(100000);
    text(e->county, sizeof e->county);
    text(e->household_id, sizeof e->household_id);
    e->case_id = num();
    e->member = (int)rnd(5) - 1;
    text(e->label, sizeof e->label);
    e->programme = (uint8_t)rnd(JZ_UNIT_PROGRAMME_COUNT + 2);
    e->persons = (int)rnd(6);
    e->monthly = num();
    text(e->first_month, sizeof e->first_month);
    e->status = (uint8_t)rnd(4);
    text(e->end_month, sizeof e->end_month);
    e->next_review = date_or_none();
    e->review_months = rnd(2) ? 6 : 12;
    e->death_check_due = date_or_none();
    e->to_recover = num();
    text(e->stop_reason, sizeof e->stop_reason);
    text(e->member_id, sizeof e->member_id);
    e->judged = rnd(2);
    text(e->origin, sizeof e->origin);
}

static void enrolments(void **state)
{
    (void)state;
    entry got = {0};
    jz_error err;
    for (int i = 0; i < ROUNDS; i++) {
        jz_enrolment before, e;
        gen_enrolment(&before);
        gen_enrolment(&e);
        char note[128];
        text(note, sizeof note);
        bool created = rnd(3) == 0;
        const char *n = rnd(8) == 0 ? NULL : note;
        expected x = old_enrolment(created ? NULL : &before, &e, "enrolment.update", n);
        check(&x,
              jz__audit_enrolment(&catcher, &got, created ? NULL : &before, &e, "enrolment.update",
                                  n, &err),
              &got);
    }
}

static void feeds(void **state)
{
    (void)state;
    entry got = {0};
    jz_error err;
    char path[1024];
    for (int i = 0; i < ROUNDS / 4; i++) {
        int dept = (int)rnd(JZ_DEPT_COUNT + 2) - 1;
        /* A long path reaches the 1199 bytes the entry is cut at. */
        size_t len = rnd(4) == 0 ? 1000 + rnd(23) : rnd(40);
        for (size_t k = 0; k < len; k++)
            path[k] = "ab/\"\\\x01"[rnd(6)];
        path[len] = '\0';
        if (rnd(10) == 0)
            path[len / 2] = (char)0xff;
        jz_feed_counts n = {(long)num(), (long)num(), (long)num(), (long)num()};
        json_t *a = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "dept",
                              dept >= 0 && dept < JZ_DEPT_COUNT ? jz_dept_names[dept] : "?", "file",
                              path, "rows", (json_int_t)n.rows, "added", (json_int_t)n.added,
                              "matched", (json_int_t)n.matched, "rejected", (json_int_t)n.rejected);
        char *t = a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(a);
        char after[1200];
        snprintf(after, sizeof after, "%s", t ? t : "");
        free(t);
        int64_t feed = 1 + rnd(50);
        expected x = {.county = "", .action = "feed.import", .after = strdup(after)};
        snprintf(x.entity, sizeof x.entity, "feed:%lld", (long long)feed);
        check(&x, jz__audit_feed(&catcher, &got, feed, dept, path, &n, &err), &got);
    }
}

static void gen_alert(jz_stored_alert *a)
{
    memset(a, 0, sizeof *a);
    a->id = 1 + rnd(1000);
    text(a->county, sizeof a->county);
    a->category = (uint8_t)rnd(4);
    a->indicator = (uint8_t)rnd(20);
    a->severity = (uint8_t)rnd(4);
    text(a->id_number, sizeof a->id_number);
    text(a->household_id, sizeof a->household_id);
    text(a->detail, sizeof a->detail);
    snprintf(a->evidence, sizeof a->evidence, "%s", rnd(2) ? "[1,2,3]" : "[]");
    a->due_on = date_or_none();
    a->status = (uint8_t)rnd(4);
}

static void alerts(void **state)
{
    (void)state;
    entry got = {0};
    jz_error err;
    for (int i = 0; i < ROUNDS; i++) {
        jz_stored_alert before, after;
        gen_alert(&before);
        gen_alert(&after);
        jz_alert_step st;
        memset(&st, 0, sizeof st);
        text(st.action, sizeof st.action);
        st.on = date_or_none();
        text(st.note, sizeof st.note);
        text(st.outcome, sizeof st.outcome);
        text(st.kind, sizeof st.kind);
        st.amount = num();
        st.case_id = num();
        expected x = old_alert(&before, &after, &st);
        check(&x, jz__audit_alert(&catcher, &got, &before, &after, &st, &err), &got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cases),
        cmocka_unit_test(units_and_findings),
        cmocka_unit_test(grants_and_staff),
        cmocka_unit_test(enrolments),
        cmocka_unit_test(feeds),
        cmocka_unit_test(alerts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
