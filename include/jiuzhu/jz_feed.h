/*
 * jz_feed.h - other departments' data for dynamic monitoring (seed 003 (三),
 * seed 001 三(四), POLICY.md R-MON-1).
 *
 * Each department sends a CSV file in its own documented layout
 * (docs/feeds.md).  A feed row names a person by ID number (an old 15-digit
 * number is converted to 18 digits; a bad check character refuses the row)
 * and records one event: a medical settlement, a disability certificate, an
 * unemployment registration, a death...  Rows are kept whether or not the
 * person is in the registry: people in the feeds who are not enrolled are
 * how the system finds those nobody has enrolled yet.
 *
 * This module reads a file into rows; the store keeps them (jz_store.h) and
 * monitoring (jz_monitor.h) evaluates them.  It does no I/O but reading the
 * text it is given.
 */
#ifndef JZ_FEED_H
#define JZ_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jz_date.h"
#include "jz_err.h"
#include "jz_idnum.h"
#include "jz_money.h"

/* The departments of R-MON-1 that send feeds. */
typedef enum jz_dept {
    JZ_DEPT_MEDICAL = 0, /* 医保: settlements (out-of-pocket costs), premium subsidies */
    JZ_DEPT_DISABILITY,  /* 残联: disability certificates issued and cancelled */
    JZ_DEPT_HRSS,        /* 人社: unemployment and employment registration, insurance, pensions */
    JZ_DEPT_EDUCATION,   /* 教育: enrolment by level */
    JZ_DEPT_HEALTH,      /* 卫健: serious illness */
    JZ_DEPT_DEATH,       /* 公安: deaths (户籍注销); files of the old combined 公安/殡葬 too */
    JZ_DEPT_JUSTICE,     /* 司法: imprisonment and release */
    JZ_DEPT_EMERGENCY,   /* 应急: disaster relief received */
    JZ_DEPT_HOUSING,     /* 住建: housing safety rating */
    JZ_DEPT_PROPERTY,    /* 不动产: property registrations */
    JZ_DEPT_VEHICLE,     /* 车管: vehicle registrations */
    JZ_DEPT_BUSINESS,    /* 市场监管: business registrations */
    JZ_DEPT_PAYROLL,     /* 财政供养: government payroll (and, in old files of the combined
                            公积金/财政供养 layout, housing fund deposits) */
    JZ_DEPT_FPM,         /* 乡村振兴: the 防止返贫 monitoring list */
    /* Issue 11: the departments R-MON-1 and seed 001 三(三) name besides. */
    JZ_DEPT_BANK,         /* 银行: deposit balances */
    JZ_DEPT_UNION,        /* 工会: 困难职工 records */
    JZ_DEPT_VETERANS,     /* 退役军人事务: 困难退役军人 records */
    JZ_DEPT_MARRIAGE,     /* 婚姻登记: marriages and divorces */
    JZ_DEPT_FUNERAL,      /* 殡葬: cremation / funeral records (a death) */
    JZ_DEPT_HOUSING_FUND, /* 公积金: housing fund deposits */
    JZ_DEPT_PENSION,      /* 养老金 (社会保险经办): pensions and pension contributions */
    JZ_DEPT_TRAFFIC,      /* 道路交通事故: victims (公安交管, 道路交通事故社会救助基金) */
    JZ_DEPT_COUNT
} jz_dept;

/* Not a department that sends feeds: civil affairs (民政) itself, where an
 * alert is pushed to no other department, or a handling step names none.
 * Stored as this number, which stays the same when departments are added. */
#define JZ_DEPT_CIVIL 255

/* "medical", "disability", ... (command line, store) and 医保, 残联, ... */
extern const char *const jz_dept_names[JZ_DEPT_COUNT];
extern const char *const jz_dept_zh[JZ_DEPT_COUNT];
/* The department by its English or Chinese name (exactly as in the arrays
 * above, or the old combined names 公安/殡葬 and 公积金/财政供养, which name
 * the departments whose layouts those files have), or -1 (also for NULL). */
int jz_dept_find(const char *name);

/* What a row records.  Each department has its own kinds (docs/feeds.md). */
typedef enum jz_event {
    JZ_EV_MEDICAL_SETTLEMENT = 0, /* amount: out-of-pocket cost of the settlement */
    JZ_EV_PREMIUM_SUBSIDY,        /* resident medical-insurance premium subsidised; amount */
    JZ_EV_DISABILITY_ISSUED,      /* code: disability category; level: grade 1..4 */
    JZ_EV_DISABILITY_CANCELLED,
    JZ_EV_UNEMPLOYMENT_REGISTERED,
    JZ_EV_UNEMPLOYMENT_INSURANCE, /* amount: monthly benefit */
    JZ_EV_EMPLOYMENT_REGISTERED,
    JZ_EV_PENSION,                /* amount: monthly pension */
    JZ_EV_SCHOOL_ENROLMENT,       /* code: student level (FORMATS.md names) */
    JZ_EV_SERIOUS_ILLNESS,        /* code: illness name (free text) */
    JZ_EV_DEATH,
    JZ_EV_IMPRISONED,
    JZ_EV_RELEASED,
    JZ_EV_DISASTER_RELIEF,        /* amount: relief received; code: the disaster */
    JZ_EV_HOUSING_RATING,         /* code: A, B, C or D (C and D unsafe) */
    JZ_EV_PROPERTY_REGISTERED,    /* code: property type */
    JZ_EV_VEHICLE_REGISTERED,     /* code: vehicle type */
    JZ_EV_BUSINESS_REGISTERED,    /* code: business name */
    JZ_EV_HOUSING_FUND,           /* amount: monthly deposit; code: the employer (公积金 layout) */
    JZ_EV_GOVERNMENT_PAYROLL,     /* amount: monthly pay */
    JZ_EV_FPM_LISTED,             /* on the 防止返贫 monitoring list */
    JZ_EV_BANK_DEPOSIT,           /* amount: balance on the date; code: the bank */
    JZ_EV_UNION_HARDSHIP,         /* 工会困难职工建档; code: the employer */
    JZ_EV_VETERAN_HARDSHIP,       /* 困难退役军人; code: the difficulty (free text) */
    JZ_EV_MARRIAGE,               /* 结婚登记 */
    JZ_EV_DIVORCE,                /* 离婚登记 */
    JZ_EV_FUNERAL,                /* 殡葬（火化）记录: date = the death date; code: the funeral home */
    JZ_EV_PENSION_CONTRIBUTION,   /* amount: monthly contribution base (缴费基数) */
    JZ_EV_RESIDENT_PENSION,       /* 城乡居民基础养老金 (not counted, R-INC-2); amount: monthly */
    JZ_EV_TRAFFIC_ACCIDENT,       /* amount: the fund's advance (垫付), 0 if none; code: injury */
    JZ_EV_COUNT
} jz_event;
extern const char *const jz_event_names[JZ_EV_COUNT];
extern const char *const jz_event_zh[JZ_EV_COUNT];

#define JZ_FEED_TEXT_MAX 128

/* One row of a feed. */
typedef struct jz_feed_row {
    uint8_t dept;              /* jz_dept */
    uint8_t event;             /* jz_event */
    char id[JZ_IDNUM_BUF];     /* 18 characters, normalised */
    char name[64];
    jz_date date;              /* when it happened */
    jz_fen amount;             /* per the event; 0 if none */
    int level;                 /* per the event (disability grade); 0 if none */
    char code[JZ_FEED_TEXT_MAX]; /* per the event (category, level, type); "" if none */
    long line;                 /* line in the file */
} jz_feed_row;

/* A reader of one department's CSV text (UTF-8, with or without a byte
 * order mark; the layout's header line first).  name labels errors (the
 * file path; copied).  The reader reads text in place and keeps no copy:
 * text must stay unchanged until jz_feed_reader_free.  The whole text is
 * checked once here, so reading it allocates nothing more.  Refuses the
 * file with JZ_EINPUT (*out NULL, err naming the file): text that is not
 * UTF-8 (GBK/GB18030, UTF-16 or invalid bytes; the reason gives the iconv
 * command; line 0, or the line of the first bad byte), an empty text, a
 * first line other than the header (line 1).  JZ_EUSAGE for a dept out of
 * range, JZ_ENOMEM. */
typedef struct jz_feed_reader jz_feed_reader;
jz_err jz_feed_reader_new(jz_dept dept, const char *text, size_t len, const char *name,
                          jz_feed_reader **out, jz_error *err);
void jz_feed_reader_free(jz_feed_reader *r);

/* The next row: JZ_OK, JZ_EOF at the end (and after it), or JZ_EINPUT for a
 * refused row (err names the file, the line, the field, the value and the
 * reason; the reader goes on with the next row).  A wrong header refuses the
 * file (jz_feed_reader_new).  row is overwritten and means nothing after
 * JZ_EINPUT; err is written only on JZ_EINPUT.  One problem is reported per
 * row (the first, in column order).  Blank rows are skipped. */
jz_err jz_feed_next(jz_feed_reader *r, jz_feed_row *row, jz_error *err);

/* The layout's header line of a department (for documentation and errors). */
const char *jz_feed_header(jz_dept dept);

/* ---- importing a department's file: the operation ------------------------- */

typedef struct jz_ctx jz_ctx;                 /* jz_ctx.h */
typedef struct jz_feed_counts jz_feed_counts; /* jz_store.h */

/* What an operation that reads a feed does with a row it refuses: err names
 * the file, the line, the field, the value and the reason.  Return 0 to go
 * on, or a jz_err (not JZ_OK) to stop: the operation then ends with that
 * code and writes nothing (a caller that cannot keep the refusal, out of
 * memory, stops it). */
typedef int (*jz_feed_reject_fn)(const jz_error *e, void *arg);

/*
 * Imports one department's file (R-MON-1): text (len bytes, the whole file
 * in memory; name labels its errors and is recorded as the import's path)
 * read with jz_feed_reader, every accepted row stored unless the same row is
 * stored already (re-importing changes nothing), matched to the registry by
 * ID number, in one transaction audited as feed.import in x->actor's name.
 * Refused rows go to reject (may be NULL) in file order and are counted in
 * out->rejected; the others are stored.  Uses x->store and x->actor only:
 * no policy is needed.
 *
 * A file refused whole (not UTF-8, empty, a wrong header line) is JZ_EINPUT
 * with err->source set to name and *out all zero, before anything is
 * written; reject is not called for it, and no other error sets
 * err->source.  Any other error (the store: JZ_EBUSY, ...; a stop asked for
 * by reject) rolls the whole import back.
 */
jz_err jz_feed_import(jz_ctx *x, jz_dept dept, const char *text, size_t len, const char *name,
                      jz_feed_reject_fn reject, void *arg, jz_feed_counts *out, jz_error *err);

#endif
