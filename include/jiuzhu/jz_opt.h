/*
 * jz_opt.h - numbers given on a command line (or in a request): one parser
 * with range checks for every numeric option and every number given as a
 * positional argument (a case, an enrolment, an alert).
 */
#ifndef JZ_OPT_H
#define JZ_OPT_H

#include <stddef.h>

#include "jz_err.h"

/*
 * Parses text as a decimal integer in [min, max] (min <= max) into *out.
 * The text is exactly an optional '-' and one or more ASCII digits: empty
 * text, spaces, '+', other characters after the digits, a '-' where min >= 0,
 * a value that overflows and a value out of [min, max] are all refused
 * (JZ_EUSAGE) with the text as the error's value and the reason "应为 MIN 到
 * MAX 之间的整数", so that the caller only adds the option's name.  Leading
 * zeros are allowed ("007" is 7); "-0" is 0.  *out is left unchanged on
 * failure.  A NULL text is refused like an empty one.
 */
jz_err jz_parse_int(const char *text, long long min, long long max, long long *out, jz_error *err);

/* Same, with the text given as (text, len); it need not be terminated and a
 * NUL byte inside it is refused like any other non-digit. */
jz_err jz_parse_intn(const char *text, size_t len, long long min, long long max, long long *out,
                     jz_error *err);

#endif
