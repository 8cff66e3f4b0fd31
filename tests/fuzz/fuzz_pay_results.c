/*
 * fuzz_pay_results.c - libFuzzer target for the bank's result-file reader
 * (jz_pay_results_read, lib/pay/results.c): a pure function of the bytes
 * and of the lines a batch sent.
 *
 * Byte 0 picks how many lines the batch sent (0 to 7, of the table below:
 * ascending line numbers, 19-digit accounts, amounts in fen), by its bit
 * 3 whether a bank's own headings are known, and by its bit 4 whether the
 * "bank" is the issuer of vouchers (its key column the ID number); the
 * rest is the file.
 * Besides the sanitizers the target traps when the reader breaks what the
 * import relies on: an accepted file gives every line sent exactly one row,
 * each from a different line of the file, with a code of 1 to 15 letters
 * or digits, paid exactly when the code is 0000 or 00, and a reason that is
 * terminated, shorter than its buffer and free of characters that break a
 * line; a refused file names the file, is an input error and leaves every
 * row empty.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_encoding.h"
#include "jiuzhu/jz_pay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const jz_pay_expect SENT[] = {
    {1, "6228480402564890018", 96200},
    {2, "6228480402564890026", 50000},
    {3, "6217990000000000014", 1},
    {5, "6231590000000000027", 123456},
    {8, "6228480402564890018", 100},
    {13, "6217990000000000022", 99999999},
    {4000000000LL, "6231590000000000035", 50},
};
#define N_SENT (sizeof SENT / sizeof SENT[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t n = data[0] % (N_SENT + 1);
    jz_bank b;
    memset(&b, 0, sizeof b);
    b.n_columns = 3;
    b.columns[0] = JZ_BF_LINE;
    b.columns[1] = JZ_BF_ACCOUNT;
    b.columns[2] = JZ_BF_AMOUNT;
    snprintf(b.headings[0], sizeof b.headings[0], "客户流水");
    snprintf(b.headings[1], sizeof b.headings[1], "入账卡号");
    snprintf(b.headings[2], sizeof b.headings[2], "入账金额");
    if (data[0] & 16) {
        b.voucher = true;
        b.columns[1] = JZ_BF_ID;
        snprintf(b.headings[1], sizeof b.headings[1], "公民身份号码");
    }
    jz_pay_result_row rows[N_SENT];
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_pay_results_read((const char *)data + 1, size - 1, "fuzz.csv",
                                    (data[0] & 24) ? &b : NULL, SENT, n, rows, &err);
    if (rc == JZ_OK) {
        for (size_t i = 0; i < n; i++) {
            const jz_pay_result_row *r = &rows[i];
            size_t cl = strnlen(r->code, sizeof r->code);
            if (r->file_line <= 0 || cl == 0 || cl >= sizeof r->code)
                __builtin_trap();
            if (strspn(r->code,
                       "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-") != cl)
                __builtin_trap();
            bool paid = strcmp(r->code, "0000") == 0 || strcmp(r->code, "00") == 0;
            if (paid != r->paid)
                __builtin_trap();
            size_t rl = strnlen(r->reason, sizeof r->reason);
            if (rl >= sizeof r->reason || jz_text_find_unsafe(r->reason, rl, NULL) >= 0)
                __builtin_trap();
            for (size_t k = 0; k < i; k++)
                if (rows[k].file_line == r->file_line)
                    __builtin_trap(); /* two lines sent answered by one row */
        }
    } else {
        if (rc != JZ_EINPUT && rc != JZ_ENOMEM)
            __builtin_trap();
        if (rc == JZ_EINPUT && strcmp(err.source, "fuzz.csv") != 0)
            __builtin_trap();
        for (size_t i = 0; i < n; i++)
            if (rows[i].file_line || rows[i].code[0] || rows[i].paid)
                __builtin_trap();
    }
    char msg[1024];
    jz_error_format(&err, msg, sizeof msg);
    return 0;
}
