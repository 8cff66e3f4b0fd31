/*
 * jz_calendar.h - working days (R-WF-3).
 *
 * The statutory clock of the procedure (seed 001 四(二), POLICY.md §11)
 * counts working days: Monday to Friday, except the public holidays the
 * State Council announces each year, plus the weekend days it makes working
 * days (调休).  Those come from a data file, policy/calendar/cn-holidays.csv:
 *
 *     # ... Years covered: 2023-2026.
 *     date,kind,name
 *     2024-02-10,off,春节
 *     2024-02-18,work,春节
 *
 * A comment line states the years the file covers ("Years covered: Y1-Y2");
 * every covered year must have rows.  A date outside the covered years is an
 * error, never a guess: the calendar of a year nobody has entered is unknown.
 * Extending the file for a new year means adding its rows and moving Y2.
 */
#ifndef JZ_CALENDAR_H
#define JZ_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "jz_date.h"
#include "jz_err.h"

typedef struct jz_calendar jz_calendar;

/* Reads the calendar from text (name labels errors, e.g. the file path). */
jz_err jz_calendar_parse(const char *text, size_t len, const char *name, jz_calendar **out,
                         jz_error *err);
/* Reads the calendar file at path. */
jz_err jz_calendar_load(const char *path, jz_calendar **out, jz_error *err);
void jz_calendar_free(jz_calendar *c);

/* The first and last year covered. */
void jz_calendar_years(const jz_calendar *c, int *first, int *last);

/* The file the calendar was read from (the name given to jz_calendar_parse):
 * the file to extend when a date falls outside its years. */
const char *jz_calendar_name(const jz_calendar *c);

/* Whether d is a working day; an error outside the covered years (JZ_ERANGE,
 * value: the date, reason: the file to extend and the years it covers). */
jz_err jz_calendar_is_workday(const jz_calendar *c, jz_date d, bool *out, jz_error *err);

/* The date n working days after `from` (from itself not counted; n = 0 gives
 * from); n < 0 counts back.  An error when the count leaves the covered
 * years. */
jz_err jz_calendar_add(const jz_calendar *c, jz_date from, int n, jz_date *out, jz_error *err);

/* Working days d with from < d <= to (so that count(D, add(D, n)) = n);
 * negative when to < from.  Both dates must be in the covered years. */
jz_err jz_calendar_count(const jz_calendar *c, jz_date from, jz_date to, int *out, jz_error *err);

#endif
