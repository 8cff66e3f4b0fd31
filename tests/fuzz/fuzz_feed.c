/*
 * fuzz_feed.c - libFuzzer target for the department feed reader (jz_feed.h,
 * docs/feeds.md): the first byte picks the department (byte % JZ_DEPT_COUNT;
 * the seed corpus writes 88 + the department, 'X' for medical),
 * the rest is the file, read row by row to the end (refused rows included).
 *
 * Besides the sanitizers the target traps when an accepted row breaks what
 * the store relies on: an 18-character normalised ID, a non-empty name and
 * code that fit their buffers, a real date, a non-negative amount, the
 * event of the department, lines that only go forward; and when a refused
 * row's error does not name the file and a line.
 */
#include <stdint.h>
#include <string.h>

#include "jiuzhu/jz_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The events each department may give (bit per event). */
static uint32_t dept_events(jz_dept d)
{
#define B(e) (UINT32_C(1) << (e))
    switch (d) {
    case JZ_DEPT_MEDICAL:
        return B(JZ_EV_MEDICAL_SETTLEMENT) | B(JZ_EV_PREMIUM_SUBSIDY);
    case JZ_DEPT_DISABILITY:
        return B(JZ_EV_DISABILITY_ISSUED) | B(JZ_EV_DISABILITY_CANCELLED);
    case JZ_DEPT_HRSS:
        return B(JZ_EV_UNEMPLOYMENT_REGISTERED) | B(JZ_EV_UNEMPLOYMENT_INSURANCE) |
               B(JZ_EV_EMPLOYMENT_REGISTERED) | B(JZ_EV_PENSION);
    case JZ_DEPT_EDUCATION:
        return B(JZ_EV_SCHOOL_ENROLMENT);
    case JZ_DEPT_HEALTH:
        return B(JZ_EV_SERIOUS_ILLNESS);
    case JZ_DEPT_DEATH:
        return B(JZ_EV_DEATH);
    case JZ_DEPT_JUSTICE:
        return B(JZ_EV_IMPRISONED) | B(JZ_EV_RELEASED);
    case JZ_DEPT_EMERGENCY:
        return B(JZ_EV_DISASTER_RELIEF);
    case JZ_DEPT_HOUSING:
        return B(JZ_EV_HOUSING_RATING);
    case JZ_DEPT_PROPERTY:
        return B(JZ_EV_PROPERTY_REGISTERED);
    case JZ_DEPT_VEHICLE:
        return B(JZ_EV_VEHICLE_REGISTERED);
    case JZ_DEPT_BUSINESS:
        return B(JZ_EV_BUSINESS_REGISTERED);
    case JZ_DEPT_PAYROLL:
        return B(JZ_EV_HOUSING_FUND) | B(JZ_EV_GOVERNMENT_PAYROLL);
    case JZ_DEPT_FPM:
        return B(JZ_EV_FPM_LISTED);
    case JZ_DEPT_BANK:
        return B(JZ_EV_BANK_DEPOSIT);
    case JZ_DEPT_UNION:
        return B(JZ_EV_UNION_HARDSHIP);
    case JZ_DEPT_VETERANS:
        return B(JZ_EV_VETERAN_HARDSHIP);
    case JZ_DEPT_MARRIAGE:
        return B(JZ_EV_MARRIAGE) | B(JZ_EV_DIVORCE);
    case JZ_DEPT_FUNERAL:
        return B(JZ_EV_FUNERAL);
    case JZ_DEPT_HOUSING_FUND:
        return B(JZ_EV_HOUSING_FUND);
    case JZ_DEPT_PENSION:
        return B(JZ_EV_PENSION) | B(JZ_EV_RESIDENT_PENSION) | B(JZ_EV_PENSION_CONTRIBUTION);
    case JZ_DEPT_TRAFFIC:
        return B(JZ_EV_TRAFFIC_ACCIDENT);
    case JZ_DEPT_COUNT:
        break;
    }
    return 0;
#undef B
}

static void check_row(jz_dept dept, const jz_feed_row *row, long prev_line)
{
    size_t id_len = strnlen(row->id, sizeof row->id);
    size_t name_len = strnlen(row->name, sizeof row->name);
    size_t code_len = strnlen(row->code, sizeof row->code);
    if (row->dept != dept || row->event >= JZ_EV_COUNT ||
        !(dept_events(dept) & (UINT32_C(1) << row->event)))
        __builtin_trap();
    if (id_len != JZ_IDNUM_LEN || jz_idnum_check_char(row->id) != row->id[17])
        __builtin_trap();
    if (name_len == 0 || name_len >= sizeof row->name || code_len >= sizeof row->code)
        __builtin_trap();
    if (!jz_date_valid(jz_date_year(row->date), jz_date_month(row->date), jz_date_day(row->date)))
        __builtin_trap();
    if (row->amount < 0 || row->amount > JZ_MONEY_MAX || row->level < 0 || row->level > 4)
        __builtin_trap();
    if (row->line <= prev_line || row->line < 2)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    jz_dept dept = (jz_dept)(data[0] % JZ_DEPT_COUNT);
    jz_feed_reader *r = NULL;
    jz_error err;
    char msg[1024];

    jz_error_clear(&err);
    if (jz_feed_reader_new(dept, (const char *)data + 1, size - 1, "fuzz.csv", &r, &err) != JZ_OK) {
        if (r != NULL || err.code == JZ_OK || strcmp(err.source, "fuzz.csv") != 0)
            __builtin_trap();
        jz_error_format(&err, msg, sizeof msg);
        return 0;
    }
    long prev = 1;
    size_t rows = 0;
    for (;;) {
        jz_feed_row row;
        jz_err rc = jz_feed_next(r, &row, &err);
        if (rc == JZ_EOF)
            break;
        if (++rows > size) /* every row takes at least one byte */
            __builtin_trap();
        if (rc == JZ_OK) {
            check_row(dept, &row, prev);
            prev = row.line;
        } else if (rc == JZ_EINPUT) {
            if (err.line <= prev || strcmp(err.source, "fuzz.csv") != 0 || err.reason[0] == '\0')
                __builtin_trap();
            prev = err.line;
            jz_error_format(&err, msg, sizeof msg);
        } else {
            __builtin_trap();
        }
    }
    jz_feed_reader_free(r);
    return 0;
}
