/*
 * copy_int.h - the two ways of jz_store_copy: copy.c (SQLite into
 * PostgreSQL) hands a copy from PostgreSQL into a new SQLite file to
 * copy_back.c.
 */
#ifndef JZ_COPY_INT_H
#define JZ_COPY_INT_H

#include "jiuzhu/jz_store.h"
#include "pg_int.h"

/* A PostgreSQL store `from` whole into the new SQLite file `to` (a path or
 * sqlite:PATH), as jz_store_copy describes. */
jz_err jz__store_copy_back(const char *from, const char *to, jz_copy_report *rep, jz_error *err);

/* The rows of table (then the SQL condition where: "" or " WHERE ..."),
 * or -1 with *rc and err set. */
int64_t jz__copy_pg_count(pg *q, const char *table, const char *where, jz_error *err,
                          jz_err *rc);

#endif
