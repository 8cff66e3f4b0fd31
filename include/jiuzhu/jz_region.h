/*
 * jz_region.h - administrative region codes.
 *
 * A region is a GB/T 2260 county code (6 digits), a township (9 digits,
 * 统计用区划代码 county + 3) or a village/community (12 digits, township + 3).
 * The county part picks the local standards.  The table of known divisions
 * (policy/regions/shanxi-regions.csv: cities, counties, townships) is loaded
 * at start-up; a code whose county or township is not in it is an error.
 */
#ifndef JZ_REGION_H
#define JZ_REGION_H

#include <stdbool.h>
#include <stddef.h>

#include "jz_err.h"

#define JZ_REGION_BUF 13

typedef struct jz_region {
    char code[JZ_REGION_BUF]; /* 6, 9 or 12 digits, terminated */
    unsigned char len;        /* 6, 9 or 12 */
} jz_region;

typedef enum jz_region_level {
    JZ_LEVEL_PROVINCE = 0, /* 2 digits */
    JZ_LEVEL_CITY,         /* 4 digits */
    JZ_LEVEL_COUNTY,       /* 6 digits */
    JZ_LEVEL_TOWNSHIP,     /* 9 digits */
    JZ_LEVEL_VILLAGE       /* 12 digits */
} jz_region_level;

/* The table of known divisions. Opaque; free with jz_regions_free. */
typedef struct jz_regions jz_regions;

/* Loads the CSV (code,level,name,parent; '#' comment lines; a header line). */
jz_err jz_regions_load(const char *path, jz_regions **out, jz_error *err);
void jz_regions_free(jz_regions *t);

/* Name of a 2/4/6/9-digit code, or NULL if unknown. */
const char *jz_regions_name(const jz_regions *t, const char *code, size_t len);

/* A region code in words, from the level of `from` digits (2: the whole
 * path, "山西省 忻州市 忻府区 奇村镇 201 村"; 9: "奇村镇 201 村"): the names
 * the table knows, a village (12 digits) by its number; "全省" for "" or
 * the province's own code; the code itself when the table names nothing.
 * t may be NULL.  Always terminates out. */
void jz_regions_words(const jz_regions *t, const char *code, size_t from, char *out, size_t cap);

/* Number of divisions at a level, and the i-th code at that level (sorted). */
size_t jz_regions_count(const jz_regions *t, jz_region_level level);
const char *jz_regions_code_at(const jz_regions *t, jz_region_level level, size_t i);

/*
 * Parses a region code (s, len): all digits, length 6, 9 or 12.  With a table
 * (t != NULL) the county must be known, and for 9/12 digits the township
 * too; without one only the shape is checked.
 */
jz_err jz_region_parse(const jz_regions *t, const char *s, size_t len, jz_region *out,
                       jz_error *err);

/* The 6-digit county part, terminated. */
void jz_region_county(const jz_region *r, char out[7]);

#endif
