/*
 * routes_case.c - assessment, a household's page and its chain, cases and
 * their steps, documents, the 公示/公布 lists, enrolments and deaths:
 * translations over jz_procedure.h and jz_chain.h with their JSON
 * (jz_api_case.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jiuzhu/jz_api_case.h"
#include "jiuzhu/jz_docs.h"
#include "srv.h"

/* ---- stateless assessment ------------------------------------------------------ */

/* Each worker thread keeps its own cache of resolved policies, freed when
 * the thread ends (libmicrohttpd joins its workers when the server stops). */
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *c)
{
    jz_policy_cache_free(c);
}

static void cache_key_make(void)
{
    pthread_key_create(&cache_key, cache_free);
}

static jz_policy_cache *thread_cache(const jz_paramset *params)
{
    pthread_once(&cache_once, cache_key_make);
    jz_policy_cache *c = pthread_getspecific(cache_key);
    if (!c && (c = jz_policy_cache_new(params)) && pthread_setspecific(cache_key, c) != 0) {
        jz_policy_cache_free(c);
        c = NULL;
    }
    return c;
}

ROUTE(h_assess)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_error e;
    jz_error_clear(&e);
    jz_assess_body *ab = malloc(sizeof *ab);
    jz_assess_res *res = malloc(sizeof *res);
    jz_policy_cache *cache = thread_cache(rq->sv->params);
    if (!ab || !res || !cache)
        srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
    else if (jz_assess_req_from_json(b, ab, &e) != JZ_OK ||
             jz_assess_household(&rq->x, cache, &ab->rq, res, &e) != JZ_OK)
        srv_error(rs, &e);
    else {
        /* The determination of FORMATS.md, written as text straight away
         * (jz_assess_res_to_json reads the same text back into a tree). */
        char *text = jz_determination_json(&res->h, &res->policy, &res->result,
                                           ab->trace ? &res->trace : NULL, 0);
        srv_text_json(rs, 200, text);
    }
    free(ab);
    free(res);
    json_decref(b);
}

/* ---- a household's page and chain ---------------------------------------------- */

/* Logs a read before answering it; false after answering 503. */
static bool logged(srv_req *rq, srv_res *rs, jz_access_kind kind, const char *subject,
                   const char *region)
{
    if (srv_access(rq, kind, subject, region))
        return true;
    srv_fail(rs, JZ_EBUSY, NULL, NULL, "查询留痕未能记录，未返回数据，请稍后重试");
    return false;
}

static bool flag(srv_req *rq, const char *name)
{
    const char *v = srv_query(rq, name);
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

ROUTE(h_household_get)
{
    const char *id = rq->m.params[0];
    jz_household_view *v = calloc(1, sizeof *v);
    jz_error e;
    jz_error_clear(&e);
    if (!v) {
        srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
        return;
    }
    /* The view is read first and its region checked before anything of it
     * is answered: a household outside the scope gets the same 404 as one
     * that does not exist (and the record is read once, not twice). */
    jz_err rc = jz_proc_household(&rq->x, id, v, &e);
    if (rc == JZ_ENOTFOUND || rc == JZ_EINPUT)
        srv_not_found(rq, rs, id, "");
    else if (rc)
        srv_error(rs, &e);
    else if (srv_in_scope(rq, rs, v->h.region.code, id) &&
             logged(rq, rs, JZ_ACCESS_RECORD, v->h.household_id, v->h.region.code))
        /* The household's own page, within scope: ID numbers whole; the
         * determination's decisive rules always, its full trace on demand
         * (?trace=true). */
        srv_text_json(rs, 200, jz_household_view_text(v, flag(rq, "trace")));
    jz_household_view_cleanup(v);
    free(v);
}

ROUTE(h_household_chain)
{
    char region[13];
    const char *id = rq->m.params[0];
    if (!srv_household_in_scope(rq, rs, id, region))
        return;
    jz_chain c;
    memset(&c, 0, sizeof c);
    jz_error e;
    jz_error_clear(&e);
    if (jz_chain_build(&rq->x, id, &c, &e) != JZ_OK)
        srv_error(rs, &e);
    else if (logged(rq, rs, JZ_ACCESS_RECORD, id, region))
        srv_json(rs, 200, jz_chain_to_json(&c, false));
    jz_chain_cleanup(&c);
}

/* ---- cases ------------------------------------------------------------------------ */

/* Case {id} within scope, or false after answering 404. */
static bool case_of(srv_req *rq, srv_res *rs, int64_t *id, jz_case *c)
{
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = srv_record_id(rq->m.params[0], id) ? jz_store_case_get(rq->x.store, *id, c, &e)
                                                   : JZ_ENOTFOUND;
    if (rc == JZ_ENOTFOUND) {
        srv_not_found(rq, rs, rq->m.params[0], "");
        return false;
    }
    if (rc) {
        srv_error(rs, &e);
        return false;
    }
    return srv_in_scope(rq, rs, c->region, rq->m.params[0]);
}

ROUTE(h_cases_list)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    jz_case_list l;
    memset(&l, 0, sizeof l);
    jz_error e;
    jz_error_clear(&e);
    if (jz_proc_case_list(&rq->x, scope, flag(rq, "open_only"), &l, &e) != JZ_OK)
        srv_error(rs, &e);
    else
        srv_json(rs, 200, jz_case_list_to_json(&l));
    jz_case_list_cleanup(&l);
}

ROUTE(h_cases_due)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    long within = 5;
    const char *w = srv_query(rq, "within");
    if (w) {
        char *end;
        within = strtol(w, &end, 10);
        if (*end || end == w || within < 0 || within > 365) {
            srv_fail(rs, JZ_EINPUT, "within", w, "应为 0 至 365 的整数（工作日）");
            return;
        }
    }
    jz_due_list l;
    memset(&l, 0, sizeof l);
    jz_error e;
    jz_error_clear(&e);
    if (jz_proc_due(&rq->x, scope, rq->x.today, within, flag(rq, "all"), &l, &e) != JZ_OK)
        srv_error(rs, &e);
    else
        srv_json(rs, 200, jz_due_list_to_json(&l, rq->x.today, within));
    jz_due_list_cleanup(&l);
}

ROUTE(h_case_accept)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_accept_req ar;
    jz_error e;
    jz_error_clear(&e);
    jz_accept_res *res = calloc(1, sizeof *res);
    char region[13];
    if (!res) {
        srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
    } else if (jz_accept_req_from_json(b, &ar, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (srv_household_in_scope(rq, rs, ar.household_id, region)) {
        if (ar.on == JZ_DATE_NONE)
            ar.on = rq->x.today;
        if (jz_proc_accept(&rq->x, &ar, false, res, &e) != JZ_OK) {
            jz_api_case_error_fields(&e);
            srv_error(rs, &e);
        } else {
            srv_json(rs, 201, jz_accept_res_to_json(res, false));
        }
    }
    free(res);
    json_decref(b);
}

static bool may_step(const jz_user *u, const jz_case *c, jz_case_action a);

/* The steps the caller may take on the case today: legal in its state
 * (jz_case_check) and his role's (may_step).  The web page offers only
 * these; the step itself is checked again when taken. */
static json_t *case_actions(const srv_req *rq, const jz_case *c)
{
    json_t *a = json_array();
    for (int i = JZ_ACT_INVESTIGATE; a && i < JZ_ACT_COUNT; i++) {
        jz_error ce;
        jz_error_clear(&ce);
        if (may_step(&rq->sess.user, c, (jz_case_action)i) &&
            jz_case_check(c, (jz_case_action)i, rq->x.today, &ce) == JZ_OK)
            json_array_append_new(a, json_pack("{s:s, s:s}", "action", jz_case_action_names[i],
                                               "action_zh", jz_case_action_zh[i]));
    }
    return a;
}

ROUTE(h_case_get)
{
    int64_t id;
    jz_case c;
    if (!case_of(rq, rs, &id, &c))
        return;
    jz_case_view v;
    memset(&v, 0, sizeof v);
    jz_error e;
    jz_error_clear(&e);
    if (jz_proc_case_view(&rq->x, id, &v, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        json_t *j = jz_case_view_to_json(&v, false);
        if (j && json_object_set_new(j, "actions", case_actions(rq, &c)) == 0)
            srv_json(rs, 200, j);
        else {
            json_decref(j);
            srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
        }
    }
    jz_case_view_cleanup(&v);
}

/* Who does which step (seed 001 四): the township's caseworker takes the
 * steps up to 公示 and the home visits; the county's reviewer confirms and
 * decides, unless the county has delegated confirming to the township
 * (township_confirms); either may publish, extend, advance assistance
 * (R-WF-8) and record a change of applicant. */
static bool may_step(const jz_user *u, const jz_case *c, jz_case_action a)
{
    switch (a) {
    case JZ_ACT_INVESTIGATE:
    case JZ_ACT_VERIFY:
    case JZ_ACT_PRELIMINARY:
    case JZ_ACT_NOTICE:
    case JZ_ACT_OBJECT:
    case JZ_ACT_HOME_VISIT:
        return u->role == JZ_ROLE_CASEWORKER;
    case JZ_ACT_CONFIRM:
    case JZ_ACT_DECIDE:
        return u->role == JZ_ROLE_REVIEWER ||
               (u->role == JZ_ROLE_CASEWORKER && c->township_confirms);
    default:
        return u->role == JZ_ROLE_REVIEWER || u->role == JZ_ROLE_CASEWORKER;
    }
}

ROUTE(h_case_step)
{
    int64_t id;
    jz_case c;
    if (!case_of(rq, rs, &id, &c))
        return;
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_step_req sr;
    jz_choice_req *choices = calloc(JZ_API_CHOICES_MAX, sizeof *choices);
    jz_step_res *res = calloc(1, sizeof *res);
    jz_error e;
    jz_error_clear(&e);
    if (!choices || !res) {
        srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
    } else if (jz_step_req_from_json(b, &sr, choices, JZ_API_CHOICES_MAX, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (!may_step(&rq->sess.user, &c, sr.action)) {
        srv_fail(rs, JZ_EDENIED, "action", jz_case_action_names[sr.action], "%s无权办理「%s」",
                 jz_role_zh[rq->sess.user.role], jz_case_action_zh[sr.action]);
    } else {
        if (sr.on == JZ_DATE_NONE)
            sr.on = rq->x.today;
        sr.county = rq->sess.user.role == JZ_ROLE_REVIEWER;
        if (jz_proc_step(&rq->x, id, &sr, res, &e) != JZ_OK) {
            jz_api_case_error_fields(&e);
            srv_error(rs, &e);
        } else {
            srv_json(rs, 200, jz_step_res_to_json(res, false));
        }
    }
    free(choices);
    free(res);
    json_decref(b);
}

static bool doc_format(srv_req *rq, srv_res *rs, jz_doc_format *f, bool *xlsx, bool *json)
{
    const char *v = srv_query(rq, "format");
    *xlsx = *json = false;
    if (!v || strcmp(v, "html") == 0)
        *f = JZ_DOC_HTML;
    else if (strcmp(v, "text") == 0)
        *f = JZ_DOC_TEXT;
    else if (strcmp(v, "csv") == 0 && json)
        *f = JZ_DOC_CSV;
    else if (strcmp(v, "xlsx") == 0 && xlsx)
        *f = JZ_DOC_CSV, *xlsx = true;
    else if (strcmp(v, "json") == 0 && json)
        *f = JZ_DOC_CSV, *json = true;
    else {
        srv_fail(rs, JZ_EINPUT, "format", v, "应为 html、text、csv、xlsx 或 json 之一");
        return false;
    }
    return true;
}

static const char *doc_type(jz_doc_format f)
{
    return f == JZ_DOC_HTML  ? "text/html; charset=utf-8"
           : f == JZ_DOC_CSV ? "text/csv; charset=utf-8"
                             : "text/plain; charset=utf-8";
}

ROUTE(h_case_document)
{
    int64_t id;
    jz_case c;
    if (!case_of(rq, rs, &id, &c))
        return;
    jz_doc_format f;
    bool xlsx, json;
    if (!doc_format(rq, rs, &f, &xlsx, &json))
        return;
    if (f == JZ_DOC_CSV) {
        srv_fail(rs, JZ_EINPUT, "format", srv_query(rq, "format"),
                 "通知书只有 html 和 text 两种格式");
        return;
    }
    jz_decision_doc d;
    memset(&d, 0, sizeof d);
    jz_error e;
    jz_error_clear(&e);
    if (jz_proc_decision_doc(&rq->x, id, &d, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        char *text = jz_doc_decision_render(&d.d, f);
        if (!text) {
            srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
        } else {
            srv_body(rs, 200, doc_type(f), text, strlen(text));
            free(text);
        }
    }
    jz_decision_doc_cleanup(&d);
}

/* An xlsx list, written by libxlsxwriter to a private temporary file. */
static void send_xlsx(srv_res *rs, const jz_doc_list *l)
{
    char path[] = "/tmp/jiuzhu-list-XXXXXX";
    int fd = mkstemp(path);
    jz_error e;
    jz_error_clear(&e);
    if (fd < 0) {
        srv_fail(rs, JZ_EIO, NULL, NULL, "无法建立临时文件");
        return;
    }
    close(fd);
    unlink(path); /* jz_doc_list_xlsx creates it anew */
    if (jz_doc_list_xlsx(l, path, &e) != JZ_OK) {
        srv_error(rs, &e);
        unlink(path);
        return;
    }
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n)
        srv_body(rs, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf,
                 (size_t)n);
    else
        srv_fail(rs, JZ_EIO, NULL, NULL, "无法读取生成的表格");
    free(buf);
    if (f)
        fclose(f);
    unlink(path);
}

ROUTE(h_village_postings)
{
    const char *village = rq->m.params[0];
    if (strlen(village) != 12 || strspn(village, "0123456789") != 12) {
        srv_fail(rs, JZ_EINPUT, "village", village, "应为 12 位村（社区）代码");
        return;
    }
    if (!srv_in_scope(rq, rs, village, village))
        return;
    const char *kind = srv_query(rq, "kind"), *date = srv_query(rq, "date");
    int k = !kind                          ? -1
            : strcmp(kind, "notice") == 0  ? JZ_POSTING_NOTICE
            : strcmp(kind, "publish") == 0 ? JZ_POSTING_PUBLISH
                                           : -2;
    jz_error e;
    jz_error_clear(&e);
    if (k == -2) {
        srv_fail(rs, JZ_EINPUT, "kind", kind, "应为 notice（公示）或 publish（公布）");
        return;
    }
    if (!date) {
        /* Without a date: the days the lists were posted. */
        jz_posting_days d;
        memset(&d, 0, sizeof d);
        if (jz_proc_posting_days(&rq->x, village, k, &d, &e) != JZ_OK) {
            srv_error(rs, &e);
        } else {
            json_t *a = json_array();
            for (size_t i = 0; i < d.n; i++) {
                char day[16];
                json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:I}", "date",
                                                   srv_date(d.days[i].on, day), "kind",
                                                   d.days[i].kind ? "publish" : "notice", "kind_zh",
                                                   d.days[i].kind ? "公布" : "公示", "rows",
                                                   (json_int_t)d.days[i].rows));
            }
            srv_json(rs, 200, json_pack("{s:s, s:o}", "village", village, "days", a));
        }
        jz_posting_days_cleanup(&d);
        return;
    }
    jz_date on;
    if (k < 0) {
        srv_fail(rs, JZ_EINPUT, "kind", NULL, "给出日期时须同时给出 kind=notice 或 publish");
        return;
    }
    if (jz_date_parse(date, strlen(date), &on, &e) != JZ_OK) {
        snprintf(e.field, sizeof e.field, "date");
        srv_error(rs, &e);
        return;
    }
    jz_doc_format f;
    bool xlsx, json;
    if (!doc_format(rq, rs, &f, &xlsx, &json))
        return;
    jz_posting_doc d;
    memset(&d, 0, sizeof d);
    if (jz_proc_posting_doc(&rq->x, village, k, on, &d, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if ((xlsx || f == JZ_DOC_CSV) && !logged(rq, rs, JZ_ACCESS_EXPORT, village, village)) {
        /* a download is logged before it is answered */
    } else if (xlsx) {
        snprintf(rs->filename, sizeof rs->filename, "%s-%s-%s.xlsx", village,
                 k ? "publish" : "notice", date);
        send_xlsx(rs, &d.l);
    } else if (json) {
        /* R-PUB-1: the name, the persons supported and the amount, nothing else. */
        json_t *a = json_array();
        for (size_t i = 0; i < d.l.n_rows; i++)
            json_array_append_new(a, json_pack("{s:s, s:i, s:I, s:b}", "name", d.names[i],
                                               "persons", d.rows[i].members, "monthly_fen",
                                               (json_int_t)d.rows[i].monthly, "no_cash",
                                               (int)d.rows[i].no_cash));
        srv_json(rs, 200,
                 json_pack("{s:s, s:s, s:s, s:o}", "village", village, "kind",
                           k ? "publish" : "notice", "date", date, "rows", a));
    } else {
        char *text = jz_doc_list_render(&d.l, f);
        if (!text) {
            srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
        } else {
            if (f == JZ_DOC_CSV)
                snprintf(rs->filename, sizeof rs->filename, "%s-%s-%s.csv", village,
                         k ? "publish" : "notice", date);
            srv_body(rs, 200, doc_type(f), text, strlen(text));
            free(text);
        }
    }
    jz_posting_doc_cleanup(&d);
}

/* ---- enrolments and deaths ------------------------------------------------------- */

ROUTE(h_enrolments_list)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    const char *hh = srv_query(rq, "household");
    jz_enrolment_list l;
    memset(&l, 0, sizeof l);
    jz_error e;
    jz_error_clear(&e);
    if (jz_proc_enrol_list(&rq->x, scope, hh && *hh ? hh : NULL, &l, &e) != JZ_OK)
        srv_error(rs, &e);
    else
        srv_json(rs, 200, jz_enrolment_list_to_json(&l));
    jz_enrolment_list_cleanup(&l);
}

static void enrol_change(srv_req *rq, srv_res *rs, bool stop)
{
    int64_t id;
    jz_enrolment en;
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = srv_record_id(rq->m.params[0], &id) ? jz_store_enrol_get(rq->x.store, id, &en, &e)
                                                    : JZ_ENOTFOUND;
    if (rc == JZ_ENOTFOUND) {
        srv_not_found(rq, rs, rq->m.params[0], "");
        return;
    }
    if (rc) {
        srv_error(rs, &e);
        return;
    }
    if (!srv_in_scope(rq, rs, en.region, rq->m.params[0]))
        return;
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_enrol_req er;
    jz_enrol_res res;
    if (jz_enrol_req_from_json(b, stop, &er, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        er.id = id;
        if (er.on == JZ_DATE_NONE)
            er.on = rq->x.today;
        rc = stop ? jz_proc_enrol_stop(&rq->x, &er, &res, &e)
                  : jz_proc_enrol_exit(&rq->x, &er, &res, &e);
        if (rc) {
            jz_api_case_error_fields(&e);
            srv_error(rs, &e);
        } else {
            srv_json(rs, 200, jz_enrol_res_to_json(&res));
        }
    }
    json_decref(b);
}

ROUTE(h_enrolment_exit)
{
    enrol_change(rq, rs, false);
}

ROUTE(h_enrolment_stop)
{
    enrol_change(rq, rs, true);
}

/* The enrolment a death is checked against (0: none), within scope; one
 * outside is answered as the operation answers one that does not exist,
 * so that its household is not named. */
static bool enrolment_in_scope(srv_req *rq, srv_res *rs, int64_t id)
{
    if (id == 0)
        return true;
    jz_enrolment en;
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = jz_store_enrol_get(rq->x.store, id, &en, &e);
    if (rc && rc != JZ_ENOTFOUND) {
        srv_error(rs, &e);
        return false;
    }
    if (!rc && jz_scope_covers(rq->sess.user.scope, en.region))
        return true;
    char v[24];
    snprintf(v, sizeof v, "%lld", (long long)id);
    srv_access(rq, JZ_ACCESS_REFUSED, v, rc ? "" : en.region);
    srv_fail(rs, JZ_ENOTFOUND, "enrolment", v, "没有这条救助记录");
    return false;
}

ROUTE(h_death)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_enrol_death_req dr;
    jz_enrol_death_res *res = calloc(1, sizeof *res);
    jz_error e;
    jz_error_clear(&e);
    char region[13];
    if (!res) {
        srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
    } else if (jz_enrol_death_req_from_json(b, &dr, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (srv_household_in_scope(rq, rs, dr.id_number, region) &&
               enrolment_in_scope(rq, rs, dr.enrolment)) {
        if (dr.on == JZ_DATE_NONE)
            dr.on = rq->x.today;
        if (jz_proc_enrol_death(&rq->x, &dr, res, &e) != JZ_OK) {
            jz_api_case_error_fields(&e);
            srv_error(rs, &e);
        } else {
            srv_json(rs, 200, jz_enrol_death_res_to_json(res));
        }
    }
    free(res);
    json_decref(b);
}

ROUTE(h_reviews_open_due)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    jz_due_res r;
    jz_error e;
    jz_error_clear(&e);
    if (jz_proc_open_due(&rq->x, scope, rq->x.today, &r, &e) != JZ_OK)
        srv_error(rs, &e);
    else
        srv_json(rs, 200,
                 json_pack("{s:s, s:I, s:I, s:I}", "region", scope, "reviews",
                           (json_int_t)r.reviews, "deaths", (json_int_t)r.deaths, "busy",
                           (json_int_t)r.busy));
}
