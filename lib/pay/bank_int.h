/*
 * bank_int.h - what the files of payees, bank files, results and
 * follow-ups share (bank.c, payee.c, export.c, results.c, followup.c).
 */
#ifndef JZ_PAY_BANK_INT_H
#define JZ_PAY_BANK_INT_H

#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_store_pay.h"

/* Whether the n digits end with a valid Luhn check digit (ISO/IEC 7812). */
bool jz__pay_luhn_ok(const char *digits, size_t n);

/* The 代发 file's name for batch bt by bank b's pattern (without the
 * extension), date8 the export's date as YYYYMMDD. */
void jz__pay_file_name(const jz_bank *b, const jz_pay_batch *bt, const char *date8, char *out,
                       size_t n);

/* The sha256 of (p, n) as 64 lower-case hex digits. */
void jz__pay_sha256_hex(const void *p, size_t n, char out[65]);

/* What the 项目 column says for a line's programme: 城乡低保金 for the
 * monthly 低保 units, 特困供养金 for 特困, else the programme's Chinese
 * name, or the code itself (a one-time programme). */
const char *jz__pay_programme_text(const char *programme);

/* The bank the line's money goes to through payee p: the payee's own, or
 * its care institution's (*inst filled when p has one). */
jz_err jz__pay_payee_bank(jz_store *s, const jz_payee *p, jz_institution *inst, jz_error *err);

#endif
