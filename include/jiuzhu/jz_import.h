/*
 * jz_import.h - importing household records into the registry.
 *
 * Records are validated exactly as `jiuzhu assess` reads them; each household
 * is stored wholly or not at all; a rejected record is passed to a callback
 * with its file, line, household, member, field, value and reason, and kept
 * in the store with its batch.  Batches are committed together with the
 * import's progress, so an interrupted import of the same file resumes
 * where its last batch ended, and jz_import_rejections still lists every
 * record refused before the interruption.
 */
#ifndef JZ_IMPORT_H
#define JZ_IMPORT_H

#include <stdbool.h>

#include "jz_calendar.h"
#include "jz_params.h"
#include "jz_record.h"
#include "jz_store.h"

typedef struct jz_import_stats {
    long stored;        /* households stored (inserted or replaced) */
    long rejected;      /* records rejected */
    long resumed_after; /* lines skipped because an earlier run committed them */
    long enrolled;      /* enrolments of existing recipients brought in */
    long ineligible;    /* existing recipients the engine no longer finds (D alerts raised) */
    int64_t import;     /* the import in the store (0: the file was refused before it began) */
    long stored_total;  /* over every run of this import: an interrupted one's batches too */
    long rejected_total; /* records refused, over every run (jz_import_rejections lists them) */
} jz_import_stats;

/* What an import brings in besides the households (issue 11 item 13): the
 * enrolments of the people who receive assistance today (the records'
 * `current`), and a D alert for each the engine no longer finds eligible
 * (jz_proc_adopt).  Each household with a `current` is assessed on its
 * record's date with these parameters; the alerts' deadlines count working
 * days on this calendar.  An import with no jz_import_adopt stores
 * households only. */
typedef struct jz_import_adopt {
    const jz_paramset *params;
    const jz_calendar *calendar;
} jz_import_adopt;

typedef void (*jz_import_reject_fn)(const jz_error *e, void *arg);

/* Households per transaction: each commit is a disk flush; an interrupted
 * import redoes at most one batch. */
#define JZ_IMPORT_BATCH 100000

/*
 * Imports one JSON file: JSON Lines (parsed on `threads` threads, 0 = one per
 * core, stored in file order by this thread), or one record / a JSON array
 * (read whole).  `batch`: households per transaction (0: JZ_IMPORT_BATCH).  Returns JZ_OK when the
 * file was read to its end (records may have been rejected: see stats), or an error that stopped
 * the import (unreadable file, database failure); committed batches stay.  A byte order mark may
 * start the file; a file in GBK/GB18030 or UTF-16 is refused whole (stats->import 0).  on_reject
 * gets the refusals of this run only; the import's are jz_import_rejections(stats->import).
 */
jz_err jz_import_json(jz_store *s, const char *path, const jz_parse_opts *opts,
                      const jz_import_adopt *adopt, int threads, long batch,
                      jz_import_reject_fn on_reject, void *arg, jz_import_stats *stats,
                      jz_error *err);

/*
 * Imports a set of CSV files (docs/csv-import.md; the n paths in any order,
 * each recognised by its header).  Every rejected household or row is passed
 * to on_reject (one call per error: a household may have several).  Progress
 * is counted in households of the households file; an interrupted import of
 * the same files resumes after the households already committed.
 */
jz_err jz_import_csv(jz_store *s, const char *const *paths, size_t n, const jz_parse_opts *opts,
                     const jz_import_adopt *adopt, long batch, jz_import_reject_fn on_reject,
                     void *arg, jz_import_stats *stats, jz_error *err);

/*
 * Every error of every record the import refused, over all its runs (an
 * import resumed after a kill included), in the order of the input: what
 * its report lists.  The refusals are kept in the store with the batch
 * they belong to.  *n (may be NULL) gets the number of errors passed.
 */
jz_err jz_import_rejections(jz_store *s, int64_t import, jz_import_reject_fn fn, void *arg, long *n,
                            jz_error *err);

#endif
