/*
 * cli.h - what the subcommands of the jiuzhu command share: where the policy
 * data lives, loading it, and the exit codes of FORMATS.md.
 */
#ifndef JZ_CLI_H
#define JZ_CLI_H

#include <stdio.h>

#include "jiuzhu/jz_calendar.h"
#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_file.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_params.h"
#include "jiuzhu/jz_region.h"
#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_store.h"

/* 3: the database stayed busy (another writer) past the retry limit, nothing
 * written, retrying later is safe; 4: a conflict, someone else changed the
 * case, enrolment or alert first, nothing written (docs/man/jiuzhu.1). */
enum { EXIT_DONE = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_BUSY = 3, EXIT_CONFLICT = 4 };

/* The exit code a failure calls for: usage, busy, conflict or input. */
int cli_exit_code(const jz_error *e);

/* The policy folder: --policy, else $JIUZHU_POLICY, else the built-in path. */
const char *cli_policy_dir(const char *option);

/* A file that goes beside the database db: db + suffix for an SQLite file;
 * for a PostgreSQL URL, which has no directory, DBNAME + suffix in the
 * current directory. */
void cli_beside_db(const char *db, const char *suffix, char *out, size_t n);

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

/* Options that take a value, for cli_opts: "--name VALUE" sets *value. */
typedef struct cli_opt {
    const char *name;
    const char **value;
} cli_opt;
/* Reads argv[from..argc): each "--name VALUE" of opts (a table ended by a
 * NULL name) into its slot, and one argument that is not an option into
 * *positional.  False, having written nothing more, at an unknown option, an
 * option without its value or a second positional argument. */
bool cli_opts(int argc, char **argv, int from, const cli_opt *opts, const char **positional);

/* ---- numbers, output files and ID numbers (args.c) ---------------------- */

/* Parses a numeric option or argument with jz_parse_int: true with *out
 * set, or false after printing "CMD: OPT「TEXT」应为 MIN 到 MAX 之间的整数"
 * (the caller then exits EXIT_USAGE). */
bool cli_int(const char *cmd, const char *opt, const char *text, long long min, long long max,
             long long *out);

/* Sets the file-creation mask from $JIUZHU_FILE_MODE (docs/man/jiuzhu.1):
 * unset or 0600, umask 077 (files 0600, directories 0700); 0640, umask 027
 * for a deployment whose backup or audit group must read.  Returns 0, or
 * EXIT_USAGE after printing why for any other value. */
int cli_file_mode_init(void);

/* The jz_outfile flags of a file written on request: JZ_OUT_FORCE when
 * force, JZ_OUT_GROUP_READ under JIUZHU_FILE_MODE=0640. */
unsigned cli_out_flags(bool force);

/* jz_outfile_open / _commit / jz_file_write for the command CMD and its
 * option OPT ("--out"), printing "CMD: OPT「PATH」：REASON" on failure.
 * db: the database the command opened (never written), or NULL.  Return
 * 0 or the exit code (2 for a refused target, 1 for a failed write). */
int cli_out_open(const char *cmd, const char *opt, const char *path, const char *db, bool force,
                 struct jz_outfile **o);
int cli_out_commit(const char *cmd, const char *opt, struct jz_outfile *o);
int cli_write_file(const char *cmd, const char *opt, const char *path, const char *db, bool force,
                   const char *text, size_t len);

/* printf to stdout for lists and reports: every ID number in the line is
 * masked (jz_idnum_mask_text) unless cli_full_ids(true) was called for a
 * view of one record asked for with --full-id. */
void cli_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_full_ids(bool full);
/* An ID number as lists show it: masked, or whole after cli_full_ids(true). */
const char *cli_id(const char *id, char buf[JZ_IDNUM_MASKED_BUF]);
/* Masks the ID numbers in text in place (jz_idnum_mask_text), unless
 * cli_full_ids(true). */
void cli_mask_text(char *text);

/* Who writes, for the audit log, unless --actor says: $JIUZHU_ACTOR, else
 * the login name, else "unknown". */
const char *cli_default_actor(void);
/* The actor as the audit log records a command-line user: "NAME（命令行）",
 * so that it is never taken for a logged-in user of the server, whose
 * actor is his login (static buffer). */
const char *cli_actor(const char *name);

/* Short Chinese names of the categories (summary.c). */
extern const char *const cli_category_zh[JZ_CAT_COUNT];

/* Prints the readable summary of a determination (trace may be NULL: the
 * decisive rules are then listed without their numbers). */
void cli_print_summary(FILE *f, const jz_household *h, const jz_regions *regions,
                       const jz_result *r, const jz_trace *t);

/* The report of refused rows a feed import writes (report.c): a CSV file
 * written through jz_outfile (it appears whole at cli_report_close), ID
 * numbers masked and formula starters neutralised in its cells. */
typedef struct cli_report {
    FILE *f;
    struct jz_outfile *out;
    const char *cmd; /* "jiuzhu import", for messages */
    long rejected, printed;
} cli_report;
/* Opens the report at path for the command cmd: db is the database the
 * command opened (never written), flags come from cli_out_flags (--force;
 * a default report path beside the database is jiuzhu's own and may be
 * replaced: pass cli_out_flags(true) for it).  Returns 0 or an exit code,
 * after printing why. */
int cli_report_create(cli_report *r, const char *path, const char *cmd, const char *db,
                      unsigned flags);
void cli_report_row(cli_report *r, const jz_error *e);
/* The cells of one report row (file, line, household, member, field, value,
 * reason), ID numbers masked and formula-like cells neutralised, without
 * the line end. */
void cli_report_write_row(FILE *f, const jz_error *e);
/* Commits the report (renames it into place); returns 0 or EXIT_INPUT.  A
 * second call is a no-op. */
int cli_report_close(cli_report *r);

/* Prints what `case accept` accepted (also when an alert opens a case). */
void cli_print_accepted(const jz_accept_res *r);

/* A whole file in memory (malloc'd), or NULL with err set (feed.c). */
char *cli_slurp(const char *path, size_t *len, jz_error *err);

/* `jiuzhu gen --format feeds DIR` (gen_feeds.c): the departments' files
 * for the run's households with planted signals listed in DIR/planted.csv;
 * existing files are replaced only when force. */
struct jz_gen;
int cli_gen_feeds(const struct jz_gen *g, jz_household_buf *buf, uint64_t households, uint64_t seed,
                  jz_date on, const char *dir, int rows, bool force, uint64_t *rows_out,
                  uint64_t *signals);

int cmd_assess(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_backup(int argc, char **argv);
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
int cmd_user(int argc, char **argv);
int cmd_pay(int argc, char **argv);
/* `jiuzhu pay`'s subcommands: the store db opened and x filled with the
 * policy (0, or an exit code after printing the error). */
int cli_pay_open(const char *db, const char *actor, const char *policy, const char *calendar,
                 jz_ctx *x, jz_store **s);
/* `jiuzhu pay once|hold|release|recoveries|repay` (pay_once.c). */
int cli_pay_once(int argc, char **argv);
/* `jiuzhu pay payee|institution|export|results|followup` (pay_bank.c). */
int cli_pay_bank(int argc, char **argv);
int cmd_assess_db(int argc, char **argv); /* jiuzhu assess --db */
int cmd_serve(int argc, char **argv);

#endif
