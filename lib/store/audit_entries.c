/*
 * audit_entries.c - the audit entries of the store's writes, composed once
 * for every backend: which action, which entity ("case:12"), and the JSON
 * of before and after.  store.c runs a backend's statements through its
 * table, then writes the entry through the one primitive every backend has
 * (jz_store_ops.audit), in the same transaction; a backend composes none.
 *
 * The texts are written straight (jz__jw_*, lib/base/json_text.c), not
 * built as a jansson tree and dumped, but they are byte for byte what the
 * entries have always been (tests/unit/test_audit_entries.c builds the
 * trees and compares): jansson's compact text, and where the entry sorts
 * its keys (JSON_SORT_KEYS) the keys are written here in sorted order.
 * What jansson leaves out, this leaves out: a member whose text is not
 * valid UTF-8 (json_string() gives NULL, and setting NULL sets nothing),
 * an array element or a nested object that json_pack() refuses; where a
 * whole json_pack() failed, so does the entry (out of memory), as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base_int.h"
#include "store_int.h"

/* ---- what jansson accepts ---------------------------------------------------- */

/* Whether json_string(s) would take s: not NULL, and valid UTF-8. */
static bool text_ok(const char *s)
{
    if (!s)
        return false;
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t q = jz__utf8_seq_len(u + i, n - i);
        if (!q)
            return false;
        i += q;
    }
    return true;
}

/* A member set with json_string(s): left out when jansson refuses s. */
static void member_text(jz__jw *w, const char *key, const char *s)
{
    if (!text_ok(s))
        return;
    jz__jw_key(w, key);
    jz__jw_str(w, s);
}

/* A member set with s[0] ? json_string(s) : json_null(). */
static void member_text_or_null(jz__jw *w, const char *key, const char *s)
{
    if (!s[0]) {
        jz__jw_key(w, key);
        jz__jw_null(w);
        return;
    }
    member_text(w, key, s);
}

/* A date, or null for JZ_DATE_NONE (procedure/case.c's put_date). */
static void member_date(jz__jw *w, const char *key, jz_date d)
{
    jz__jw_key(w, key);
    if (d == JZ_DATE_NONE)
        jz__jw_null(w);
    else
        jz__jw_date(w, d);
}

static void member_int(jz__jw *w, const char *key, long long v)
{
    jz__jw_key(w, key);
    jz__jw_int(w, v);
}

static void member_bool(jz__jw *w, const char *key, bool v)
{
    jz__jw_key(w, key);
    jz__jw_bool(w, v);
}

/* A string member of a json_pack() ("s"): a NULL or invalid text fails the
 * whole text (the writer refuses invalid UTF-8 itself). */
static void packed_text(jz__jw *w, const char *key, const char *s)
{
    jz__jw_key(w, key);
    if (!s)
        w->failed = true;
    else
        jz__jw_str(w, s);
}

static void packed_money(jz__jw *w, const char *key, jz_fen v)
{
    jz__jw_key(w, key);
    jz__jw_money(w, v);
}

static jz_err no_memory(jz_error *err)
{
    return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
}

/* ---- cases ------------------------------------------------------------------- */

/* jz_case_json(c)'s members (keys sorted), with the step's object in its
 * place among them when step_action is not NULL. */
static void case_text(jz__jw *w, const jz_case *c, const char *step_action,
                      const jz_case_step *step)
{
    jz__jw_obj(w);
    member_date(w, "accepted_on", c->accepted_on);
    member_text(w, "applicant_id", c->applicant_id);
    member_text(w, "applicant_name", c->applicant_name);
    member_int(w, "case", c->id);
    member_date(w, "closed_on", c->closed_on);
    member_date(w, "confirmed_on", c->confirmed_on);
    member_text(w, "county", c->county);
    member_int(w, "days", c->days);
    member_date(w, "decided_on", c->decided_on);
    jz__jw_key(w, "decision");
    jz__jw_str(w, c->decision == JZ_DECISION_APPROVED  ? "approved"
                  : c->decision == JZ_DECISION_REFUSED ? "refused"
                                                       : "none");
    member_date(w, "due_by", c->due_by);
    jz__jw_key(w, "extended");
    if (c->extended && c->extended < JZ_EXT_COUNT)
        jz__jw_str(w, jz_extend_reason_names[c->extended]);
    else
        jz__jw_null(w);
    member_int(w, "extended_days", c->extended_days);
    member_text_or_null(w, "first_month", c->first_month);
    member_bool(w, "home_visited", c->home_visited);
    member_text(w, "household_id", c->household_id);
    member_date(w, "investigated_on", c->investigated_on);
    member_text_or_null(w, "judgment", c->judgment);
    jz__jw_key(w, "kind");
    jz__jw_str(w, c->kind == JZ_CASE_REVIEW ? "review" : "application");
    member_int(w, "members", c->members);
    member_int(w, "notice_days", c->notice_days);
    member_date(w, "notice_from", c->notice_from);
    member_date(w, "notice_until", c->notice_until);
    member_int(w, "objections", c->objections);
    member_date(w, "preliminary_on", c->preliminary_on);
    jz__jw_key(w, "programmes");
    jz__jw_arr(w);
    for (int k = 0; k < JZ_UNIT_PROGRAMME_COUNT; k++)
        if (c->programmes & (1u << k))
            jz__jw_str(w, jz_unit_programme_names[k]);
    jz__jw_end_arr(w);
    jz__jw_key(w, "proposed_category");
    jz__jw_str(w,
               c->proposed_category < JZ_CAT_COUNT ? jz_category_names[c->proposed_category] : "?");
    packed_money(w, "proposed_monthly", c->proposed_monthly);
    member_int(w, "record_version", c->record_version);
    member_text(w, "region", c->region);
    member_bool(w, "staff_relative", c->staff_relative);
    jz__jw_key(w, "state");
    jz__jw_str(w, c->state < JZ_CASE_STATE_COUNT ? jz_case_state_names[c->state] : "?");
    /* The step: {"action", "late"?, "note", "on"}, left out when json_pack()
     * refused it (its note not UTF-8). */
    if (step_action && text_ok(step_action) && text_ok(step->note)) {
        jz__jw_key(w, "step");
        jz__jw_obj(w);
        packed_text(w, "action", step_action);
        if (step->deadline) {
            jz__jw_key(w, "late");
            jz__jw_obj(w);
            jz__jw_key(w, "deadline");
            jz__jw_date(w, step->deadline);
            member_int(w, "working_days", step->late_days);
            jz__jw_end_obj(w);
        }
        packed_text(w, "note", step->note);
        jz__jw_key(w, "on");
        jz__jw_date(w, step->on);
        jz__jw_end_obj(w);
    }
    member_text_or_null(w, "task", c->task);
    member_bool(w, "township_confirms", c->township_confirms);
    member_date(w, "verified_on", c->verified_on);
    jz__jw_end_obj(w);
}

jz_err jz__audit_case(const jz_store_ops *ops, void *impl, const jz_case *before,
                      const jz_case *after, const jz_case_step *step, jz_error *err)
{
    char entity[48], action[48];
    snprintf(entity, sizeof entity, "case:%lld", (long long)after->id);
    snprintf(action, sizeof action, "case.%s",
             step->action < JZ_ACT_COUNT ? jz_case_action_names[step->action] : "?");
    jz__jw w = {0};
    char *b = NULL;
    if (before) {
        case_text(&w, before, NULL, NULL);
        b = jz__jw_finish(&w);
    }
    case_text(&w, after, action + 5, step);
    char *a = jz__jw_finish(&w);
    jz_err rc =
        a ? ops->audit(impl, after->county, action, entity, b ? b : "", a, err) : no_memory(err);
    free(b);
    free(a);
    return rc;
}

/* The units of a case as a JSON array, in the order of their members. */
static char *units_text(const jz_case_unit *u, size_t nu)
{
    static const char *const verdicts[] = {"none", "approved", "refused"};
    jz__jw w = {0};
    jz__jw_arr(&w);
    for (size_t i = 0; i < nu; i++) {
        /* An element json_pack() refused was not appended. */
        if (!text_ok(u[i].member_id) || !text_ok(u[i].label) || !text_ok(u[i].rule) ||
            !text_ok(u[i].reason))
            continue;
        jz__jw_obj(&w);
        packed_text(&w, "member_id", u[i].member_id);
        packed_text(&w, "label", u[i].label);
        packed_text(&w, "programme",
                    u[i].programme < JZ_UNIT_PROGRAMME_COUNT
                        ? jz_unit_programme_names[u[i].programme]
                        : "?");
        member_int(&w, "persons", u[i].persons);
        packed_money(&w, "monthly", u[i].monthly);
        packed_money(&w, "once", u[i].once);
        packed_text(&w, "rule", u[i].rule);
        packed_text(&w, "verdict", verdicts[u[i].verdict < 3 ? u[i].verdict : 0]);
        packed_money(&w, "decided_monthly", u[i].decided_monthly);
        packed_money(&w, "decided_once", u[i].decided_once);
        member_bool(&w, "judged", u[i].judged);
        member_bool(&w, "added", u[i].added);
        packed_text(&w, "reason", u[i].reason);
        jz__jw_end_obj(&w);
    }
    jz__jw_end_arr(&w);
    return jz__jw_finish(&w);
}

jz_err jz__audit_case_units(const jz_store_ops *ops, void *impl, const jz_case *c,
                            const jz_case_unit *old, size_t nold, const jz_case_unit *u, size_t nu,
                            jz_error *err)
{
    char entity[48];
    snprintf(entity, sizeof entity, "case:%lld", (long long)c->id);
    char *b = units_text(old, nold), *a = units_text(u, nu);
    jz_err rc =
        a && b ? ops->audit(impl, c->county, "case.units", entity, b, a, err) : no_memory(err);
    free(a);
    free(b);
    return rc;
}

jz_err jz__audit_case_findings(const jz_store_ops *ops, void *impl, const jz_case *c,
                               const jz_case_finding *f, size_t nf, jz_error *err)
{
    jz__jw w = {0};
    jz__jw_arr(&w);
    for (size_t i = 0; i < nf; i++) {
        if (!text_ok(f[i].member_id) || !text_ok(f[i].rule) || !text_ok(f[i].text))
            continue; /* not appended (json_pack() refused it) */
        jz__jw_obj(&w);
        packed_text(&w, "member_id", f[i].member_id);
        member_int(&w, "row", f[i].row);
        packed_text(&w, "rule", f[i].rule);
        packed_text(&w, "text", f[i].text);
        jz__jw_end_obj(&w);
    }
    jz__jw_end_arr(&w);
    char *t = jz__jw_finish(&w);
    char entity[48];
    snprintf(entity, sizeof entity, "case:%lld", (long long)c->id);
    jz_err rc =
        t ? ops->audit(impl, c->county, "case.findings", entity, "", t, err) : no_memory(err);
    free(t);
    return rc;
}

/* ---- temporary assistance granted ---------------------------------------------- */

jz_err jz__audit_grant(const jz_store_ops *ops, void *impl, const jz_grant *g, jz_error *err)
{
    jz__jw w = {0};
    jz__jw_obj(&w);
    packed_money(&w, "amount", g->amount);
    packed_text(&w, "beyond_cap", g->beyond_cap);
    member_int(&w, "case", g->case_id);
    member_int(&w, "grant", g->id);
    packed_text(&w, "household_id", g->household_id);
    packed_text(&w, "kind", g->kind < JZ_GRANT_KIND_COUNT ? jz_grant_kind_names[g->kind] : "?");
    packed_text(&w, "member_id", g->member_id);
    packed_text(&w, "name", g->name);
    packed_text(&w, "note", g->note);
    jz__jw_key(&w, "on");
    jz__jw_date(&w, g->on);
    packed_text(&w, "rule", g->rule);
    jz__jw_end_obj(&w);
    char *a = jz__jw_finish(&w);
    char entity[48];
    snprintf(entity, sizeof entity, "grant:%lld", (long long)g->id);
    jz_err rc = a ? ops->audit(impl, g->county, "grant.put", entity, "", a, err) : no_memory(err);
    free(a);
    return rc;
}

/* ---- staff and their close relatives ------------------------------------------- */

jz_err jz__audit_staff(const jz_store_ops *ops, void *impl, const char *county,
                       const char *staff_id, const char *name, const char *unit,
                       const char *relative_id, const char *relative_name, const char *relation,
                       jz_error *err)
{
    jz__jw w = {0};
    jz__jw_obj(&w);
    if (relative_id) {
        packed_text(&w, "name", relative_name);
        packed_text(&w, "relation", relation);
        packed_text(&w, "relative", relative_id);
        packed_text(&w, "staff", staff_id);
    } else {
        packed_text(&w, "name", name);
        packed_text(&w, "staff", staff_id);
        packed_text(&w, "unit", unit);
    }
    jz__jw_end_obj(&w);
    char *t = jz__jw_finish(&w);
    char entity[64];
    snprintf(entity, sizeof entity, "staff:%s", staff_id);
    jz_err rc = t ? ops->audit(impl, county ? county : "",
                               relative_id ? "staff.relative" : "staff.add", entity, "", t, err)
                  : no_memory(err);
    free(t);
    return rc;
}

/* ---- enrolments ----------------------------------------------------------------- */

/* jz_enrolment_json(e)'s members (keys sorted), with "note" among them
 * when note is not NULL. */
static char *enrolment_text(const jz_enrolment *e, const char *note)
{
    jz__jw w = {0};
    jz__jw_obj(&w);
    member_int(&w, "case", e->case_id);
    member_date(&w, "death_check_due", e->death_check_due);
    member_text_or_null(&w, "end_month", e->end_month);
    member_int(&w, "enrolment", e->id);
    member_text(&w, "first_month", e->first_month);
    member_text(&w, "household_id", e->household_id);
    member_bool(&w, "judged", e->judged);
    member_text(&w, "label", e->label);
    member_int(&w, "member", e->member);
    member_text(&w, "member_id", e->member_id);
    packed_money(&w, "monthly", e->monthly);
    member_date(&w, "next_review", e->next_review);
    if (note)
        member_text(&w, "note", note);
    member_text(&w, "origin", e->origin);
    member_int(&w, "persons", e->persons);
    jz__jw_key(&w, "programme");
    jz__jw_str(&w, e->programme < JZ_UNIT_PROGRAMME_COUNT ? jz_unit_programme_names[e->programme]
                                                          : "?");
    member_int(&w, "review_months", e->review_months);
    jz__jw_key(&w, "status");
    jz__jw_str(&w, e->status == JZ_ENROL_ACTIVE    ? "active"
                   : e->status == JZ_ENROL_EXITING ? "exiting"
                                                   : "stopped");
    member_text(&w, "stop_reason", e->stop_reason);
    packed_money(&w, "to_recover", e->to_recover);
    jz__jw_end_obj(&w);
    return jz__jw_finish(&w);
}

jz_err jz__audit_enrolment(const jz_store_ops *ops, void *impl, const jz_enrolment *before,
                           const jz_enrolment *e, const char *action, const char *note,
                           jz_error *err)
{
    char *b = before ? enrolment_text(before, NULL) : NULL;
    char *a = enrolment_text(e, note && note[0] ? note : NULL);
    char entity[48];
    snprintf(entity, sizeof entity, "enrolment:%lld", (long long)e->id);
    jz_err rc =
        a ? ops->audit(impl, e->county, action, entity, b ? b : "", a, err) : no_memory(err);
    free(a);
    free(b);
    return rc;
}

/* ---- department feeds ------------------------------------------------------------ */

jz_err jz__audit_feed(const jz_store_ops *ops, void *impl, int64_t feed, int dept, const char *path,
                      const jz_feed_counts *n, jz_error *err)
{
    jz__jw w = {0};
    jz__jw_obj(&w);
    member_int(&w, "added", n->added);
    packed_text(&w, "dept", dept >= 0 && dept < JZ_DEPT_COUNT ? jz_dept_names[dept] : "?");
    packed_text(&w, "file", path);
    member_int(&w, "matched", n->matched);
    member_int(&w, "rejected", n->rejected);
    member_int(&w, "rows", n->rows);
    jz__jw_end_obj(&w);
    char *t = jz__jw_finish(&w);
    /* As the entry has always been: "" when the text could not be made,
     * and cut at 1199 bytes. */
    char after[1200], entity[48];
    snprintf(after, sizeof after, "%s", t ? t : "");
    free(t);
    snprintf(entity, sizeof entity, "feed:%lld", (long long)feed);
    return ops->audit(impl, "", "feed.import", entity, "", after, err);
}

/* ---- alerts ---------------------------------------------------------------------- */

/* The alert's members (keys sorted), with the step's object last when step
 * is not NULL: {"action", "amount", "case", "kind", "note", "on",
 * "outcome"}, left out when json_pack() refused it. */
static char *alert_text(const jz_stored_alert *a, const jz_alert_step *step)
{
    jz__jw w = {0};
    jz__jw_obj(&w);
    member_int(&w, "alert", a->id);
    member_int(&w, "category", a->category);
    packed_text(&w, "detail", a->detail);
    member_int(&w, "due_on", a->due_on);
    packed_text(&w, "evidence", a->evidence);
    packed_text(&w, "household_id", a->household_id);
    packed_text(&w, "id_number", a->id_number);
    member_int(&w, "indicator", a->indicator);
    member_int(&w, "severity", a->severity);
    member_int(&w, "status", a->status);
    if (step && text_ok(step->action) && text_ok(step->note) && text_ok(step->outcome) &&
        text_ok(step->kind)) {
        jz__jw_key(&w, "step");
        jz__jw_obj(&w);
        packed_text(&w, "action", step->action);
        member_int(&w, "amount", step->amount);
        member_int(&w, "case", step->case_id);
        packed_text(&w, "kind", step->kind);
        packed_text(&w, "note", step->note);
        jz__jw_key(&w, "on");
        jz__jw_date(&w, step->on);
        packed_text(&w, "outcome", step->outcome);
        jz__jw_end_obj(&w);
    }
    jz__jw_end_obj(&w);
    return jz__jw_finish(&w);
}

jz_err jz__audit_alert(const jz_store_ops *ops, void *impl, const jz_stored_alert *before,
                       const jz_stored_alert *after, const jz_alert_step *step, jz_error *err)
{
    char *b = alert_text(before, NULL), *a = alert_text(after, step), entity[48], action[32];
    snprintf(entity, sizeof entity, "alert:%lld", (long long)after->id);
    snprintf(action, sizeof action, "alert.%s", step->action);
    jz_err rc =
        a && b ? ops->audit(impl, after->county, action, entity, b, a, err) : no_memory(err);
    free(a);
    free(b);
    return rc;
}
