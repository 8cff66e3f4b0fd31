/*
 * jz_file.h - files as wholes: reading one into memory (the holiday
 * calendar, the departments' feeds: their readers work on text in memory),
 * and writing one that a person asked for (--out, --report, generated data)
 * without ever destroying another.
 */
#ifndef JZ_FILE_H
#define JZ_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "jz_err.h"

/* Reads the file at path into *text (malloc'd, terminated, caller frees) and
 * its length into *len.  A file longer than max bytes is refused (JZ_EINPUT);
 * errors name the file.  `what` names the file in messages (节假日文件...). */
jz_err jz_file_read(const char *path, const char *what, size_t max, char **text, size_t *len,
                    jz_error *err);

/*
 * Writing an output file.  A person who mistypes --out must not lose the
 * registry, so every file written on request goes through jz_outfile:
 *
 *   - the data goes to a new temporary file in the target's directory
 *     (".NAME.XXXXXXXX.tmp", created O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, or
 *     0640 with JZ_OUT_GROUP_READ, less the umask), which is fsync'd and
 *     then renamed over the target (and the directory fsync'd): a reader
 *     sees the old file or the new one, never half of one;
 *   - an existing target is replaced only with JZ_OUT_FORCE (without it the
 *     final step is link(2), which cannot replace a file created meanwhile);
 *   - never, even with JZ_OUT_FORCE: a target that is a symbolic link (it is
 *     not followed), a directory or anything but a regular file, a SQLite
 *     database (its first 16 bytes are "SQLite format 3\0"), a name ending in
 *     -wal, -shm, -journal (a database's companions) or -lock (the store's
 *     writer lock), the file `guard`
 *     names (the database the command has open: same st_dev and st_ino),
 *     or a file that cannot be read to tell;
 *   - on any failure the temporary file is removed and the target is left
 *     as it was.
 *
 * Refusals are JZ_EUSAGE (the command line must change), failures to write
 * JZ_EIO; the error's value is the path and its reason says why in Chinese
 * (the caller adds the option's name: "--out「reg.db」：...").
 *
 * Use: jz_outfile_open, write to jz_outfile_stream (or let a library that
 * writes by file name write to jz_outfile_temp), then jz_outfile_commit, or
 * jz_outfile_abort to give up.  One of the two always ends the jz_outfile.
 */
typedef struct jz_outfile jz_outfile;

#define JZ_OUT_FORCE 0x1u      /* an existing regular file may be replaced (--force) */
#define JZ_OUT_GROUP_READ 0x2u /* create 0640 rather than 0600 (umask still applies) */

/* The checks alone, without creating anything: to refuse a bad target
 * before long work (jz_outfile_open and _commit check again).  guard may be
 * NULL. */
jz_err jz_outfile_check(const char *path, const char *guard, unsigned flags, jz_error *err);

/* Checks path as above and creates the temporary file; *out is NULL on
 * failure.  guard: the path of a database the caller has open, or NULL.
 * Both strings are copied. */
jz_err jz_outfile_open(const char *path, const char *guard, unsigned flags, jz_outfile **out,
                       jz_error *err);

/* The stdio stream on the temporary file (owned by o: do not fclose it);
 * NULL when out of memory. */
FILE *jz_outfile_stream(jz_outfile *o);

/* The temporary file's path, for a library that writes a file by name (it
 * may truncate and rewrite it; commit checks it is still the file created). */
const char *jz_outfile_temp(const jz_outfile *o);

/* Flushes and fsyncs the temporary file, checks the target once more and
 * renames the temporary file over it.  Frees o whatever happens; on failure
 * the temporary file is removed and the target is untouched. */
jz_err jz_outfile_commit(jz_outfile *o, jz_error *err);

/* Gives up: removes the temporary file and frees o (NULL is a no-op). */
void jz_outfile_abort(jz_outfile *o);

/* The whole of (data, len) as the file at path: open, write, commit. */
jz_err jz_file_write(const char *path, const char *guard, unsigned flags, const void *data,
                     size_t len, jz_error *err);

/* True when the n bytes at head begin with SQLite's 16-byte file header. */
bool jz_file_is_sqlite(const void *head, size_t n);

#endif
