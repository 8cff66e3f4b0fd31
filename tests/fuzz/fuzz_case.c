/*
 * fuzz_case.c - libFuzzer target for the case state machine (issue 12): the
 * input is a sequence of steps (action, date, options) applied through
 * jz_proc_step to a case of a household in a real SQLite store.  Whatever
 * the sequence, no step may take the case to an illegal state:
 *  - a refused step changes nothing (same state, decision, steps);
 *  - a step that succeeds records exactly one step, with a date not before
 *    the previous one;
 *  - a decision, once made, never changes, and a closed case never reopens;
 *  - a refused case never has a live enrolment, and an approved one only
 *    enrolments of its own household with amounts that are not negative;
 *  - only input, usage, not-found or conflict errors: a storage error or a
 *    crash is a bug.
 * Each input starts from the same store (a template file copied on /dev/shm
 * where there is one, so that the durability of commits costs nothing).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char template_path[256], work_path[256], key_path[256];
static char *template_bytes;
static size_t template_len;
static jz_regions *regions;
static jz_ctx x; /* the policy, calendar and regions, loaded once; its store per input */

static const char *const households[] = {
    "{\"household_id\":\"H140902-800001\",\"region\":\"140902101201\",\"area\":\"rural\","
    "\"assess_date\":\"2025-03-03\",\"members\":["
    "{\"id\":\"140902198003050310\",\"name\":\"王大\",\"relation\":\"head\","
    "\"employment\":\"unemployed\",\"hardship_cause\":\"fire\"},"
    "{\"id\":\"140902198207120421\",\"name\":\"李二\",\"relation\":\"spouse\","
    "\"employment\":\"unemployed\",\"disability\":{\"category\":\"limb\",\"grade\":1}},"
    "{\"id\":\"140902194708200114\",\"name\":\"王老伯\",\"relation\":\"other\","
    "\"employment\":\"retired\",\"supporters\":[]}]}",
};

static void die(const char *what, const jz_error *err)
{
    char line[1024] = "";
    if (err)
        jz_error_format(err, line, sizeof line);
    fprintf(stderr, "fuzz_case: %s %s\n", what, line);
    abort();
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(n > 0 ? (size_t)n : 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void remove_key(void)
{
    unlink(key_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(template_path, sizeof template_path, "%s/jz-fuzz-case-%d.db", dir, (int)getpid());
    snprintf(work_path, sizeof work_path, "%s/jz-fuzz-case-%d-work.db", dir, (int)getpid());
    /* One audit key for the template and every copy of it. */
    snprintf(key_path, sizeof key_path, "%s/jz-fuzz-case-%d.audit-key", dir, (int)getpid());
    unlink(key_path);
    setenv("JIUZHU_AUDIT_KEY", key_path, 1);
    atexit(remove_key);
    jz_error err;
    jz_error_clear(&err);
    if (jz_regions_load(JZ_SOURCE_DIR "/policy/regions/shanxi-regions.csv", &regions, &err))
        die("cannot load the regions table:", &err);
    jz_store *s = NULL;
    unlink(template_path);
    if (jz_store_open(template_path, JZ_STORE_CREATE, &s, &err) || jz_store_begin(s, &err))
        die("cannot create the template store:", &err);
    jz_household_buf *buf = malloc(sizeof *buf);
    for (size_t i = 0; i < sizeof households / sizeof households[0]; i++) {
        jz_household h;
        jz_parse_opts po = {.regions = regions};
        if (jz_household_parse(households[i], strlen(households[i]), &po, &h, buf, &err) ||
            jz_store_put_household(s, &h, households[i], "fuzz", &err))
            die("cannot store the template household:", &err);
    }
    free(buf);
    if (jz_store_commit(s, &err))
        die("cannot commit the template:", &err);
    jz_store_close(s);
    char lock[300];
    snprintf(lock, sizeof lock, "%s-lock", template_path);
    unlink(lock);
    if (jz_ctx_init(&x, NULL, JZ_SOURCE_DIR "/policy", NULL, "fuzz", &err))
        die("cannot load the policy:", &err);
    template_bytes = slurp(template_path, &template_len);
    if (!template_bytes)
        die("cannot read the template store back", NULL);
    unlink(template_path);
    return 0;
}

typedef struct enrol_check {
    int64_t case_id;
    uint8_t decision;
    const char *household;
    int bad;
} enrol_check;

static void check_enrolment(const jz_enrolment *e, void *arg)
{
    enrol_check *c = arg;
    if (e->case_id != c->case_id)
        return;
    if (c->decision == JZ_DECISION_REFUSED && e->status != JZ_ENROL_STOPPED)
        c->bad = 1;
    if (c->decision == JZ_DECISION_NONE && e->status != JZ_ENROL_STOPPED)
        c->bad = 2;
    if (strcmp(e->household_id, c->household) != 0 || e->monthly < 0)
        c->bad = 3;
}

typedef struct step_count {
    size_t n;
    jz_date last;
} step_count;

static void count_step(const jz_case_step *st, void *arg)
{
    step_count *c = arg;
    c->n++;
    if (st->on > c->last)
        c->last = st->on;
}

static step_count count_steps(jz_store *s, int64_t id)
{
    step_count c = {0, JZ_DATE_NONE};
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_case_steps(s, id, count_step, &c, &err))
        die("cannot list the steps:", &err);
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(work_path, "wb");
    if (!f || fwrite(template_bytes, 1, template_len, f) != template_len || fclose(f))
        die("cannot write the work store", NULL);
    jz_error err;
    jz_error_clear(&err);
    jz_store *s = NULL;
    if (jz_store_open(work_path, 0, &s, &err))
        die("cannot open the work store:", &err);
    x.store = s;
    jz_store_set_actor(s, x.actor);
    const jz_date base = jz_date_make(2025, 3, 3);
    jz_accept_req ar = {.household_id = "H140902-800001", .on = base, .note = "fuzz"};
    jz_accept_res acc;
    if (jz_proc_accept(&x, &ar, false, &acc, &err))
        die("cannot accept the case:", &err);
    const int64_t id = acc.c.id;
    jz_step_res *res = malloc(sizeof *res);
    if (!res)
        die("out of memory", NULL);
    jz_case before, after;
    jz_date day = base;
    for (size_t k = 0; k + 4 <= size && k < 4 * 40; k += 4) {
        const uint8_t *b = data + k;
        jz_step_req rq;
        memset(&rq, 0, sizeof rq);
        rq.action = (jz_case_action)(1 + b[0] % (JZ_ACT_COUNT - 1));
        day = jz_date_add_days(day, b[1] % 16 - 2); /* mostly forward, sometimes back */
        rq.on = day;
        rq.note = (b[2] & 1) ? "说明" : "";
        rq.home_visit = (b[2] & 2) != 0;
        rq.decision = (b[2] & 4) ? JZ_DECISION_REFUSED : JZ_DECISION_APPROVED;
        rq.judgment = (b[2] & 8) ? "经县级审核" : NULL;
        rq.county = (b[2] & 16) != 0;
        rq.first_month = JZ_DATE_NONE;
        static const char *const who[] = {"household", "王大", "李二", "王老伯",
                                          "140902194708200114", "nobody"};
        jz_choice_req choice = {(uint8_t)(b[3] % 3), who[(b[3] >> 2) % 6],
                                (int)((b[3] >> 5) % 8) - 1, (jz_fen)b[3] * 1000};
        if (b[2] & 32) {
            rq.choices = &choice;
            rq.n_choices = 1;
        }
        rq.extend_reason = (uint8_t)(b[3] % 4);
        rq.grant_kind = (uint8_t)(b[3] & 1);
        rq.member = (b[2] & 64) ? "李二" : NULL;
        rq.amount = (jz_fen)b[3] * 500;
        rq.beyond_cap = (b[2] & 128) ? "一事一议" : NULL;

        if (jz_store_case_get(s, id, &before, &err))
            die("cannot read the case:", &err);
        step_count c0 = count_steps(s, id);
        jz_error_clear(&err);
        jz_err rc = jz_proc_step(&x, id, &rq, res, &err);
        if (jz_store_case_get(s, id, &after, &err))
            die("cannot read the case after a step:", &err);
        step_count c1 = count_steps(s, id);
        if (getenv("JZ_FUZZ_TRACE")) { /* to read a crashing input step by step */
            char line[1024] = "";
            if (rc)
                jz_error_format(&err, line, sizeof line);
            fprintf(stderr, "step %s -> state %d decision %d %s\n",
                    jz_case_action_names[rq.action], after.state, after.decision, line);
        }
        if (after.state >= JZ_CASE_STATE_COUNT)
            die("a case reached an unknown state", NULL);
        if (rc) {
            if (rc != JZ_EINPUT && rc != JZ_EUSAGE && rc != JZ_ENOTFOUND && rc != JZ_ECONFLICT)
                die("a step failed with a storage error:", &err);
            if (after.state != before.state || after.decision != before.decision || c1.n != c0.n)
                die("a refused step changed the case", &err);
            continue;
        }
        if (c1.n != c0.n + 1)
            die("a step that succeeded did not record exactly one step", NULL);
        if (c1.last < c0.last)
            die("a step was recorded before an earlier one", NULL);
        if (before.decision != JZ_DECISION_NONE && after.decision != before.decision)
            die("a decision changed after it was made", NULL);
        if (before.state == JZ_CASE_CLOSED)
            die("a step succeeded on a closed case", NULL);
        if (after.state == JZ_CASE_DECIDED && after.decision == JZ_DECISION_NONE)
            die("a decided case without a decision", NULL);
        enrol_check ec = {id, after.decision, "H140902-800001", 0};
        if (jz_store_enrol_list(s, "", "H140902-800001", check_enrolment, &ec, &err))
            die("cannot list the enrolments:", &err);
        if (ec.bad == 1)
            die("a refused case has a live enrolment", NULL);
        if (ec.bad == 2)
            die("an undecided case has a live enrolment", NULL);
        if (ec.bad == 3)
            die("an enrolment of the case is another household's or negative", NULL);
    }
    free(res);
    x.store = NULL;
    jz_store_close(s);
    unlink(work_path);
    char side[300];
    const char *suffix[] = {"-wal", "-shm", "-lock"};
    for (int i = 0; i < 3; i++) {
        snprintf(side, sizeof side, "%s%s", work_path, suffix[i]);
        unlink(side);
    }
    return 0;
}
