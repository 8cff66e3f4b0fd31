/*
 * jz_csv.h - reading households from a set of CSV files in the layout of
 * docs/csv-import.md (the tables a county keeps in Excel: households,
 * members, income, expenses, assets).
 *
 * jz_csv_open reads every file at once (UTF-8, with or without BOM, or
 * GBK/GB18030, converted), tells which table each file is from its header
 * row, and indexes the rows by household.  jz_csv_next then gives the
 * households one by one, in the order of the households file, each as a
 * household record in JSON (FORMATS.md) that jz_household_parse has accepted.
 * A household is taken wholly or not at all: when any of its rows has a
 * problem, the household is rejected and every problem found is reported
 * in the terms of the files: file, line, column, value, reason.
 *
 * Lines: errors give the physical line (1-based, the header row is line 1
 * when it is the first line) on which the offending row STARTS.  A quoted
 * cell that holds line breaks makes its row span several lines; the rows
 * after it keep their true line numbers, as an editor shows them.  LF, CRLF
 * and a lone CR each end one line.
 */
#ifndef JZ_CSV_H
#define JZ_CSV_H

#include <stddef.h>

#include "jz_err.h"
#include "jz_household.h"
#include "jz_record.h"

/* Bounded input (STYLE.md 7).  A file over the size or row limit, a header
 * over the column limit, or a quoted cell running on past JZ_CSV_RUNAWAY_BYTES
 * (an unclosed quote) is a fatal error of jz_csv_open.  A cell over
 * JZ_CSV_MAX_CELL only rejects the household its row belongs to. */
#define JZ_CSV_MAX_FILE_BYTES ((size_t)2 << 30) /* 2 GiB per file */
#define JZ_CSV_MAX_ROWS (64u << 20)             /* data rows per file */
#define JZ_CSV_MAX_COLUMNS 64                   /* columns of a header */
#define JZ_CSV_MAX_CELL 4096                    /* bytes of one cell */
#define JZ_CSV_RUNAWAY_BYTES (1u << 20)         /* a cell this long is a broken file */

/* The tables of docs/csv-import.md. */
typedef enum jz_csv_table {
    JZ_CSV_HOUSEHOLDS = 0,
    JZ_CSV_MEMBERS,
    JZ_CSV_INCOME,
    JZ_CSV_EXPENSES,
    JZ_CSV_ASSETS,
    JZ_CSV_TABLE_COUNT
} jz_csv_table;

/* English name of a table ("households", ...). */
const char *jz_csv_table_name(jz_csv_table t);

typedef struct jz_csv_set jz_csv_set;

/*
 * Reads the n files at paths (any order) into a new set, *out, which the
 * caller frees with jz_csv_free.  Fatal errors (nothing can be imported) fill
 * err, naming the file and, where there is one, the line and the column:
 * a file that cannot be read, is too large, is in an encoding other than
 * UTF-8 or GB18030 (the reason gives the iconv command), has no header, a
 * header column that no table has, a column twice, a missing required
 * column, is broken CSV (an unclosed quote); two files of the same table; no
 * households file or no members file.  On error *out is NULL.
 *
 * Income and expense files have the same columns; a file is taken as income
 * when its kind column holds income kinds only, as expenses when it holds
 * expense kinds only (other/其他 is both), then by its name (income/收入,
 * expense/支出), then by elimination when the other one is known.  A header
 * may also name the kind column income_kind/收入类别 or expense_kind/支出类别,
 * which decides it.
 */
jz_err jz_csv_open(const char *const *paths, size_t n, jz_csv_set **out, jz_error *err);

/*
 * The next household, in the order of the households file:
 *   JZ_OK: *json_out is the household record (compact JSON, malloc'd, the
 *     caller frees), accepted by jz_household_parse with opts (opts may be
 *     NULL); *n_errs is 0.  jz_csv_household gives it parsed.
 *   JZ_EINPUT: a household rejected, or (after the last household) rows that
 *     belong to no household; errs[0 .. *n_errs) say why, at most cap of
 *     them (a household's every problem found, in file order); *json_out
 *     is NULL.  errs[i].source is the file path as given, line the row's
 *     line, field the column as its header spells it, value the cell,
 *     household the household_id, member the member's ID number.
 *   JZ_EOF: nothing is left.
 *   JZ_ENOMEM: out of memory (errs[0] says so when cap > 0).
 * What rejects a household besides bad cells: a duplicate household_id in
 * the households file (the household and every duplicate row), a member row
 * whose ID is not unique in the household, an income, expense or assets row
 * whose member_id matches no member of the household (15-digit and 18-digit
 * forms, x and X match), two assets rows for one member, a row with more or
 * fewer cells than its header, a cell over JZ_CSV_MAX_CELL bytes, no
 * members, more than JZ_MAX_MEMBERS members.  Rows whose household_id is
 * not in the households file (or is empty) are reported after the last
 * household, cap at a time.
 */
jz_err jz_csv_next(jz_csv_set *s, const jz_parse_opts *opts, char **json_out, jz_error *errs,
                   size_t cap, size_t *n_errs);

/* The household jz_csv_next last returned with JZ_OK, parsed; valid until
 * the next call of jz_csv_next or jz_csv_free.  NULL before any. */
const jz_household *jz_csv_household(const jz_csv_set *s);

/* How many results other than orphan-row reports jz_csv_next gives: one per
 * distinct household_id of the households file, plus one per row with an
 * empty household_id (for progress). */
size_t jz_csv_count(const jz_csv_set *s);

/* Path of the file read as table t, or NULL when none was given. */
const char *jz_csv_path(const jz_csv_set *s, jz_csv_table t);

/* Frees the set; jz_csv_free(NULL) does nothing. */
void jz_csv_free(jz_csv_set *s);

/* ---- the Chinese labels of docs/csv-import.md ---------------------------- */

/* The enumerations of jz_household.h whose cells the CSV import accepts as a
 * code or a Chinese label (户主, 智力, 小学...).  Other readers (the
 * department feeds) accept the same labels through jz_csv_label_code, so
 * there is one table of them. */
typedef enum jz_csv_labels {
    JZ_LABELS_AREA = 0,  /* jz_area_names */
    JZ_LABELS_RELATION,  /* jz_relation_names */
    JZ_LABELS_PRESENCE,  /* jz_presence_names */
    JZ_LABELS_EMPLOYMENT,
    JZ_LABELS_HARDSHIP,
    JZ_LABELS_DISABILITY, /* jz_disability_names: 视力 ... 多重 */
    JZ_LABELS_STUDENT,    /* jz_student_level_names: 入托 ... 研究生 */
    JZ_LABELS_SUPPORTER,
    JZ_LABELS_PROGRAMME,
    JZ_LABELS_INCOME,
    JZ_LABELS_EXPENSE,
    JZ_LABELS_COUNT
} jz_csv_labels;

/* The code (an entry of the enumeration's names array) that the Chinese
 * label text[0..n) stands for, exactly as written, or NULL when it is no
 * label of that enumeration (codes themselves are not looked up here). */
const char *jz_csv_label_code(jz_csv_labels which, const char *text, size_t n);

/* The first Chinese label of a code, or NULL when it has none. */
const char *jz_csv_label_zh(jz_csv_labels which, const char *code);

#endif
