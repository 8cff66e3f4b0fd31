/*
 * cli.h - what the subcommands of the jiuzhu command share: where the policy
 * data lives, loading it, and the exit codes of FORMATS.md.
 */
#ifndef JZ_CLI_H
#define JZ_CLI_H

#include <stdio.h>

#include "jiuzhu/jz_calendar.h"
#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_params.h"
#include "jiuzhu/jz_region.h"
#include "jiuzhu/jz_store.h"

/* 3: the database stayed busy (another writer) past the retry limit, nothing
 * written, retrying later is safe; 4: a conflict, someone else changed the
 * case, enrolment or alert first, nothing written (docs/man/jiuzhu.1). */
enum { EXIT_DONE = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_BUSY = 3, EXIT_CONFLICT = 4 };

/* The exit code a failure calls for: usage, busy, conflict or input. */
int cli_exit_code(const jz_error *e);

/* The policy folder: --policy, else $JIUZHU_POLICY, else the built-in path. */
const char *cli_policy_dir(const char *option);

/* Loads policy/regions/shanxi-regions.csv and policy/params/ (printing any
 * error to stderr).  Returns 0 or an exit code. */
int cli_load_policy(const char *dir, jz_regions **regions, jz_paramset **params);

/* Loads the working-day calendar: `file`, else the policy folder's
 * calendar/cn-holidays.csv (printing any error).  Returns 0 or an exit code. */
int cli_load_calendar(const char *file, const char *policy_dir, jz_calendar **cal);

/* Prints a jz_error as one line on stderr, prefixed "jiuzhu: ". */
void cli_print_error(const jz_error *e);
/* Prints it and returns the exit code it calls for (usage or input). */
int cli_fail(const jz_error *e);

/* Who writes, for the audit log, unless --actor says: $JIUZHU_ACTOR, else
 * the login name, else "unknown". */
const char *cli_default_actor(void);

/* Short Chinese names of the categories (summary.c). */
extern const char *const cli_category_zh[JZ_CAT_COUNT];

/* Prints the readable summary of a determination (trace may be NULL: the
 * decisive rules are then listed without their numbers). */
void cli_print_summary(FILE *f, const jz_household *h, const jz_regions *regions,
                       const jz_result *r, const jz_trace *t);

/* The report of refused records an import writes (report.c). */
typedef struct cli_report {
    FILE *f;
    const char *cmd; /* "jiuzhu import", for messages */
    long rejected, printed;
} cli_report;
int cli_report_open(cli_report *r, const char *path, const char *cmd);
void cli_report_row(cli_report *r, const jz_error *e);
int cli_report_close(cli_report *r);

/* Opens a case (an application, or a review) for a household, in the
 * caller's transaction (case.c); prints what `case accept` prints. */
int cli_case_open(jz_store *s, const char *household_id, jz_date on, bool review,
                  const char *note, const char *policy, int64_t *id);

/* A whole file in memory (malloc'd), or NULL with err set (feed.c). */
char *cli_slurp(const char *path, size_t *len, jz_error *err);

/* `jiuzhu gen --format feeds DIR` (gen_feeds.c): the departments' files
 * for the run's households with planted signals listed in DIR/planted.csv. */
struct jz_gen;
int cli_gen_feeds(const struct jz_gen *g, jz_household_buf *buf, uint64_t households,
                  uint64_t seed, jz_date on, const char *dir, int rows, uint64_t *rows_out,
                  uint64_t *signals);

int cmd_assess(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_staff(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_enrolment(int argc, char **argv);
int cmd_feed(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_alert(int argc, char **argv);
int cmd_chain(int argc, char **argv);
int cmd_assess_db(int argc, char **argv); /* jiuzhu assess --db */

#endif
