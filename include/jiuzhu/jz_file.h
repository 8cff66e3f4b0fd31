/*
 * jz_file.h - reading a whole file into memory (the holiday calendar, the
 * departments' feeds: their readers work on text in memory).
 */
#ifndef JZ_FILE_H
#define JZ_FILE_H

#include <stddef.h>

#include "jz_err.h"

/* Reads the file at path into *text (malloc'd, terminated, caller frees) and
 * its length into *len.  A file longer than max bytes is refused (JZ_EINPUT);
 * errors name the file.  `what` names the file in messages (节假日文件...). */
jz_err jz_file_read(const char *path, const char *what, size_t max, char **text, size_t *len,
                    jz_error *err);

#endif
