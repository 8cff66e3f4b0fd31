/*
 * json_chain.c - the chain of a household or a person (jz_chain.h) as JSON:
 * its events in time order, each typed, with what it is about, its amount
 * in fen and its Chinese text.  ID numbers are masked, in the fields and in
 * the texts, unless the caller shows this one chain in full.
 */
#include "jiuzhu/jz_api_case.h"
#include "api_int.h"

static json_t *event_to_json(const jz_chain_event *e, bool full_id)
{
    int bad = 0;
    json_t *o = json_object();
    jz__api_set(o, "date", jz__api_date_out(e->on), &bad);
    jz__api_enum_out(o, "kind", e->kind, JZ_CHAIN_KIND_COUNT, jz_chain_kind_names, jz_chain_kind_zh,
                     &bad);
    jz__api_set(o, "case", e->case_id ? json_integer(e->case_id) : json_null(), &bad);
    jz__api_set(o, "enrolment", e->enrolment_id ? json_integer(e->enrolment_id) : json_null(),
                &bad);
    jz__api_set(o, "alert", e->alert_id ? json_integer(e->alert_id) : json_null(), &bad);
    jz__api_set(o, "run", e->run ? json_integer(e->run) : json_null(), &bad);
    jz__api_set(o, "person", jz__api_id(e->person, full_id), &bad);
    jz__api_set(o, "amount_fen", json_integer(e->amount), &bad);
    jz__api_set(o, "text", jz__api_text(e->text, full_id), &bad);
    return jz__api_done(o, bad);
}

json_t *jz_chain_to_json(const jz_chain *c, bool full_id)
{
    int bad = 0;
    json_t *o = json_object(), *events = json_array();
    for (size_t i = 0; !bad && i < c->n; i++)
        jz__api_append(events, event_to_json(&c->events[i], full_id), &bad);
    jz__api_set(o, "household_id", jz__api_str_or_null(c->household_id), &bad);
    jz__api_set(o, "person", jz__api_id(c->person, full_id), &bad);
    jz__api_set(o, "events", events, &bad);
    return jz__api_done(o, bad);
}
