/*
 * jz_record.h - reading household records and writing determinations
 * (FORMATS.md), with jansson.
 *
 * Reading is strict: an unknown field, a bad enumeration, a bad ID number,
 * an amount with three decimals or an impossible date is an error naming the
 * household, the member, the field, the value and the reason, and nothing of
 * that household is used.
 */
#ifndef JZ_RECORD_H
#define JZ_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "jz_engine.h"
#include "jz_err.h"
#include "jz_household.h"
#include "jz_params.h"
#include "jz_region.h"

/* Inputs above these sizes are refused (bounded input, STYLE.md 7). */
#define JZ_RECORD_MAX_BYTES (1u << 20)     /* one household record */
#define JZ_DOCUMENT_MAX_BYTES (256u << 20) /* a JSON array document */
#define JZ_MAX_ITEMS 256                   /* income, expense or supporter items of one member */

typedef struct jz_parse_opts {
    const jz_regions *regions; /* NULL: only the shape of region codes is checked */
    jz_date default_date;      /* used when assess_date is absent */
    jz_date force_date;        /* JZ_DATE_NONE, or replaces every assess_date (--date) */
} jz_parse_opts;

/* Storage for one household read from text: its members and their names. */
typedef struct jz_household_buf {
    jz_member members[JZ_MAX_MEMBERS];
    char names[JZ_MAX_MEMBERS][JZ_NAME_MAX];
} jz_household_buf;

/*
 * Parses one household record from JSON text (text need not be terminated).
 * out->members and the members' names point into buf.
 * On error, err names the household (if its id was readable), the member,
 * the field and the reason, and *out must not be used.
 */
jz_err jz_household_parse(const char *text, size_t len, const jz_parse_opts *opts,
                          jz_household *out, jz_household_buf *buf, jz_error *err);

/* Reads one household record already parsed (a server's request body),
 * as strictly as jz_household_parse; root stays the caller's. */
jz_err jz_household_from_json(const json_t *root, const jz_parse_opts *opts, jz_household *out,
                              jz_household_buf *buf, jz_error *err);

/* A reader of one record, a JSON array of records, or JSON Lines. */
typedef struct jz_reader jz_reader;

/* name labels errors (e.g. the file name); in is not closed by the reader. */
jz_reader *jz_reader_new(FILE *in, const char *name, const jz_parse_opts *opts);
void jz_reader_free(jz_reader *r);

/*
 * Next household: JZ_OK with *out valid until the next call; JZ_EOF at the
 * end; JZ_EINPUT for a bad record (err filled, line set; reading may
 * continue); JZ_EIO / JZ_ENOMEM are fatal.
 */
jz_err jz_reader_next(jz_reader *r, const jz_household **out, jz_error *err);

/* True once the input is known to hold several records (array or lines). */
bool jz_reader_many(const jz_reader *r);

/* The text of the record last returned (also a rejected one), as it was
 * given (a line of JSON Lines, the whole single document, or an array
 * element re-serialised); valid until the next call. */
const char *jz_reader_text(const jz_reader *r, size_t *len);

/* The line the last record started on (0 for an element of an array). */
long jz_reader_line(const jz_reader *r);

/* True once the input is known to be JSON Lines. */
bool jz_reader_lines(const jz_reader *r);

/* For resuming in the middle of a file: the number of lines before the
 * stream's current position, so that line numbers stay those of the file.
 * Call before the first jz_reader_next. */
void jz_reader_start_line(jz_reader *r, long lines_before);

/*
 * The household as a record (FORMATS.md), malloc'd JSON text, caller frees;
 * NULL when out of memory.  Reading the text back gives the same household.
 * Income the record does not tell apart (the R-INC-2 kinds, kept as one
 * total) is written as kind "assistance".  flags: JZ_DET_PRETTY.
 */
char *jz_household_json(const jz_household *h, int flags);

enum { JZ_DET_PRETTY = 1 };

/*
 * The determination of h as JSON text (FORMATS.md "The determination"),
 * malloc'd, caller frees; NULL when out of memory.  trace may be NULL (no
 * "trace" member is then written).
 */
char *jz_determination_json(const jz_household *h, const jz_policy *p, const jz_result *r,
                            const jz_trace *trace, int flags);

/* The same determination as a JSON value (a new reference; NULL when out
 * of memory), for a caller that puts it into a larger document. */
json_t *jz_determination_value(const jz_household *h, const jz_policy *p, const jz_result *r,
                               const jz_trace *trace);

#endif
