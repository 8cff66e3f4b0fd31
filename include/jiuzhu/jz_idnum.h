/*
 * jz_idnum.h - 公民身份号码 (GB 11643-1999).
 *
 * 18 characters: 6-digit region of issue, 8-digit birth date, 3-digit
 * sequence (odd = male), check character.  Check: weights 7 9 10 5 8 4 2 1 6 3
 * 7 9 10 5 8 4 2 over the first 17 digits, sum mod 11 mapped to
 * "10X98765432".  Lower-case x is accepted and stored as X; a 15-digit legacy
 * number (6 region + YYMMDD + 3 sequence, born 19YY) is converted to 18.
 */
#ifndef JZ_IDNUM_H
#define JZ_IDNUM_H

#include <stddef.h>

#include "jz_date.h"
#include "jz_err.h"

#define JZ_IDNUM_LEN 18
#define JZ_IDNUM_BUF 19

/* The check character for 17 leading digits ('0'-'9' or 'X'); '\0' if one of
 * the 17 is not a digit. */
char jz_idnum_check_char(const char *first17);

/*
 * Validates and normalises an ID number given as (s, len): 18 characters
 * (the last may be x/X) or 15 digits.  Checks digits, a real birth date and
 * the check character.  Writes the 18-character form plus terminator to out.
 * Errors name the reason (wrong length, non-digit, impossible birth date,
 * bad check character with the expected one).
 */
jz_err jz_idnum_normalize(const char *s, size_t len, char out[JZ_IDNUM_BUF], jz_error *err);

/* Birth date and sex of a normalised number. sex: 1 male, 2 female. */
jz_date jz_idnum_birth(const char *id18);
int jz_idnum_sex(const char *id18);

/*
 * The masked form people see in lists, reports and messages: the region of
 * issue and the last four characters, the birth date and sequence hidden
 * ("140902********0315").  Anything that is not 18 characters long is
 * masked whole but for its first and last character ("1****5"), so that a
 * malformed number is not shown in full either.  Always terminates out.
 */
#define JZ_IDNUM_MASKED_BUF 64
void jz_idnum_mask(const char *id, char out[JZ_IDNUM_MASKED_BUF]);

/* Masks, in place, every run of 15 to 18 characters of text that looks like
 * an ID number (digits, the last possibly X/x) and stands alone (no digit
 * right before or after it): for messages that quote a value. */
void jz_idnum_mask_text(char *text);

#endif
