/*
 * adopt.c - bringing in the people who receive assistance today (issue 11
 * item 13): a county starts with thousands of households already receiving
 * 低保 or 特困 before jiuzhu, stated in their records' `current` (the
 * household's programme, and each member's own 特困 or 单人保).  Importing
 * them creates their enrolments, so that payments, reviews and monitoring
 * see them, and a recipient the engine now finds ineligible raises a D
 * alert (R-MON-3 (D): verify, and terminate if so) with its reasons.
 *
 * Idempotent: a unit that has ever had an enrolment (brought in before, or
 * changed since by a review, an exit, a death) is never brought in again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_monitor.h"
#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_rules.h"

typedef struct seen {
    size_t n;
    struct {
        char member_id[JZ_IDNUM_BUF];
        uint8_t programme;
    } u[JZ_CASE_UNITS_MAX * 2];
} seen;

static void note_seen(const jz_enrolment *e, void *arg)
{
    seen *s = arg;
    if (s->n < sizeof s->u / sizeof s->u[0]) {
        snprintf(s->u[s->n].member_id, sizeof s->u[s->n].member_id, "%s", e->member_id);
        s->u[s->n].programme = e->programme;
        s->n++;
    }
}

static bool has(const seen *s, const char *member_id, int programme)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->u[i].programme == programme && strcmp(s->u[i].member_id, member_id) == 0)
            return true;
    return false;
}

static bool alive(const jz_member *m)
{
    return m->deceased == JZ_DATE_NONE;
}

void jz_proc_failed_rules(const jz_result *r, const jz_trace *t, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (int rule = 0; rule < 64 && t; rule++) {
        if (!(r->decisive & (UINT64_C(1) << rule)))
            continue;
        bool failed = false;
        for (uint32_t i = 0; i < t->n && !failed; i++)
            failed = t->e[i].rule == rule && t->e[i].member < 0 && t->e[i].holds == JZ_HOLDS_NO;
        if (failed && len + 16 < n)
            len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "、" : "", jz_rule_ids[rule]);
    }
}

/* The first review date on or after `on`: since + k·months. */
static jz_date next_review(jz_date since, int months, jz_date on)
{
    if (since == JZ_DATE_NONE || since > on)
        return jz_date_add_months(on, months);
    jz_date d = since;
    for (int k = 1; d < on && k < 1200; k++)
        d = jz_date_add_months(since, k * months);
    return d;
}

static void month_text(jz_date d, char out[8])
{
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    snprintf(out, 8, "%.7s", b);
}

typedef struct unit_list {
    size_t n;
    struct {
        int member; /* -1 household */
        uint8_t programme;
        bool found;
    } u[JZ_MAX_MEMBERS + 1];
} unit_list;

/* The units the record says are received now, and whether the engine
 * still finds each (its programme, or a better one of the family). */
static void units_of(const jz_household *h, const jz_result *r, unit_list *ul)
{
    static const uint8_t by_household[JZ_PROG_COUNT] = {
        JZ_UNIT_PROGRAMME_COUNT, JZ_UNIT_DIBAO, JZ_UNIT_DIBAO_EXPENDITURE, JZ_UNIT_MARGINAL,
        JZ_UNIT_RIGID_EXPENDITURE};
    static const uint8_t by_member[JZ_MPROG_COUNT] = {JZ_UNIT_PROGRAMME_COUNT, JZ_UNIT_TEKUN,
                                                      JZ_UNIT_SINGLE_DIBAO};
    ul->n = 0;
    bool anyone = false;
    for (uint32_t i = 0; i < h->n_members; i++)
        anyone |= alive(&h->members[i]);
    if (h->current_programme > JZ_PROG_NONE && h->current_programme < JZ_PROG_COUNT && anyone) {
        uint8_t c = r ? r->category : JZ_CAT_NONE;
        bool found = true;
        if (r) {
            switch (h->current_programme) {
            case JZ_PROG_DIBAO:
            case JZ_PROG_DIBAO_EXPENDITURE:
                found = c == JZ_CAT_DIBAO || c == JZ_CAT_DIBAO_EXPENDITURE;
                break;
            case JZ_PROG_MARGINAL:
                found = c == JZ_CAT_DIBAO || c == JZ_CAT_DIBAO_EXPENDITURE || c == JZ_CAT_MARGINAL;
                break;
            default:
                found = c != JZ_CAT_NONE;
                break;
            }
        }
        ul->u[ul->n].member = -1;
        ul->u[ul->n].programme = by_household[h->current_programme];
        ul->u[ul->n].found = found;
        ul->n++;
    }
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        if (m->current_programme <= JZ_MPROG_NONE || m->current_programme >= JZ_MPROG_COUNT ||
            !alive(m))
            continue;
        bool found = true;
        if (r && i < r->n_persons) {
            uint8_t pc = r->persons[i].categories;
            found = m->current_programme == JZ_MPROG_TEKUN
                        ? (pc & JZ_PCAT_TEKUN) != 0
                        : (pc & (JZ_PCAT_SINGLE_DIBAO | JZ_PCAT_DIBAO |
                                 JZ_PCAT_DIBAO_EXPENDITURE)) != 0;
        }
        ul->u[ul->n].member = (int)i;
        ul->u[ul->n].programme = by_member[m->current_programme];
        ul->u[ul->n].found = found;
        ul->n++;
    }
}

bool jz_proc_adopt_found(const jz_household *h, const jz_result *r)
{
    unit_list ul;
    units_of(h, r, &ul);
    for (size_t k = 0; k < ul.n; k++)
        if (!ul.u[k].found)
            return false;
    return true;
}

jz_err jz_proc_adopt(jz_store *s, const jz_household *h, const jz_result *r, const char *reasons,
                     int d_days, const jz_calendar *cal, jz_adopt_res *res, jz_error *err)
{
    memset(res, 0, sizeof *res);
    unit_list ul;
    units_of(h, r, &ul);
    if (!ul.n)
        return JZ_OK;
    seen *sn = calloc(1, sizeof *sn);
    if (!sn)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    char county[7];
    jz_region_county(&h->region, county);
    /* Every region: a household re-imported with a new address keeps the
     * enrolments it had under the old one. */
    jz_err rc = jz_store_enrol_list(s, "", h->household_id, note_seen, sn, err);
    int review_months = jz_review_months(h, h->assess_date);
    /* The household's unit supports its living, present members who are not
     * a unit of their own. */
    int persons = 0;
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        if (alive(m) && m->presence == JZ_PRES_PRESENT && m->current_programme == JZ_MPROG_NONE)
            persons++;
    }
    for (size_t k = 0; !rc && k < ul.n; k++) {
        int i = ul.u[k].member;
        const jz_member *m = i >= 0 ? &h->members[i] : NULL;
        const char *mid = m ? m->id : "";
        if (has(sn, mid, ul.u[k].programme))
            continue;
        jz_enrolment e;
        memset(&e, 0, sizeof e);
        snprintf(e.county, sizeof e.county, "%s", county);
        snprintf(e.region, sizeof e.region, "%s", h->region.code);
        snprintf(e.household_id, sizeof e.household_id, "%s", h->household_id);
        e.member = i;
        snprintf(e.member_id, sizeof e.member_id, "%s", mid);
        snprintf(e.label, sizeof e.label, "%s", m ? (m->name ? m->name : m->id) : "全户");
        e.programme = ul.u[k].programme;
        e.persons = m ? 1 : persons;
        jz_date since = m ? m->current_since : h->current_since;
        jz_fen amount = m ? m->current_amount : h->current_amount;
        bool cash = e.programme == JZ_UNIT_DIBAO || e.programme == JZ_UNIT_DIBAO_EXPENDITURE ||
                    e.programme == JZ_UNIT_SINGLE_DIBAO || e.programme == JZ_UNIT_TEKUN;
        e.monthly = cash ? amount : 0;
        month_text(since != JZ_DATE_NONE ? since : h->assess_date, e.first_month);
        e.status = JZ_ENROL_ACTIVE;
        e.review_months = review_months;
        e.next_review = next_review(since, review_months, h->assess_date);
        snprintf(e.origin, sizeof e.origin, "import");
        /* A death the record already states in a 低保 household: R-DEATH-1's
         * check, as the engine dates it. */
        for (uint32_t j = 0; r && !m && j < r->n_persons; j++)
            if (r->persons[j].death_check_due &&
                (!e.death_check_due || r->persons[j].death_check_due < e.death_check_due))
                e.death_check_due = r->persons[j].death_check_due;
        if ((rc = jz_store_enrol_adopt(s, &e, err)))
            break;
        if (res->enrolled < sizeof res->ids / sizeof res->ids[0])
            res->ids[res->enrolled] = e.id;
        res->enrolled++;
    }
    free(sn);
    /* The units not found: a D alert on each unit's person. */
    for (size_t k = 0; !rc && r && k < ul.n; k++) {
        if (ul.u[k].found)
            continue;
        int i = ul.u[k].member;
        const jz_member *m = NULL;
        if (i >= 0) {
            m = &h->members[i];
        } else {
            for (uint32_t j = 0; j < h->n_members && !m; j++)
                if (h->members[j].relation == JZ_REL_HEAD && alive(&h->members[j]))
                    m = &h->members[j];
            for (uint32_t j = 0; j < h->n_members && !m; j++)
                if (alive(&h->members[j]))
                    m = &h->members[j];
        }
        if (!m)
            continue;
        res->ineligible++;
        jz_stored_alert a;
        memset(&a, 0, sizeof a);
        snprintf(a.county, sizeof a.county, "%s", county);
        snprintf(a.region, sizeof a.region, "%s", h->region.code);
        a.category = JZ_ALERT_D;
        a.indicator = JZ_IND_INELIGIBLE;
        a.severity = 2;
        a.dept = JZ_DEPT_CIVIL;
        a.status = JZ_ALERT_OPEN;
        snprintf(a.id_number, sizeof a.id_number, "%s", m->id);
        snprintf(a.name, sizeof a.name, "%s", m->name ? m->name : "");
        snprintf(a.household_id, sizeof a.household_id, "%s", h->household_id);
        jz_fen amount = i >= 0 ? m->current_amount : h->current_amount;
        a.amount = amount;
        char am[JZ_MONEY_BUF];
        jz_money_format(amount, am, sizeof am);
        char exit_text[96] = "";
        if (r->exit && i < 0) {
            char until[JZ_DATE_BUF];
            jz_date_format(r->exit_until, until, sizeof until);
            snprintf(exit_text, sizeof exit_text, "；符合渐退条件，按原金额续发至 %s（R-EXIT-1）",
                     until);
        }
        snprintf(a.detail, sizeof a.detail, "存量救助对象（%s%s，每月 %s 元）按现行政策评估不再符合%s%s%s%s",
                 i >= 0 ? "本人" : "全户", jz_unit_programme_zh[ul.u[k].programme], am,
                 reasons && reasons[0] ? "（" : "", reasons ? reasons : "",
                 reasons && reasons[0] ? " 不成立）" : "", exit_text);
        snprintf(a.evidence, sizeof a.evidence, "[]");
        a.raised_on = h->assess_date;
        /* An import must not fail because the holiday calendar does not
         * yet cover the deadline's year: the alert is then due at once. */
        jz_error ignore;
        if (jz_calendar_add(cal, a.raised_on, d_days, &a.due_on, &ignore) != JZ_OK)
            a.due_on = a.raised_on;
        bool added = false;
        if ((rc = jz_store_alert_put(s, &a, NULL, 0, &added, err)))
            break;
        if (added && res->alerts < sizeof res->alert_ids / sizeof res->alert_ids[0])
            res->alert_ids[res->alerts++] = a.id;
    }
    return rc;
}
