/*
 * fuzz_tmpfile.h - for fuzz targets whose parser reads a file by path: puts
 * the input into one temporary file (created on first use, rewritten for
 * every input, removed when the fuzzer exits) and returns its path.
 */
#ifndef JZ_FUZZ_TMPFILE_H
#define JZ_FUZZ_TMPFILE_H

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static char fuzz_tmpfile_path[] = "/tmp/jz-fuzz-XXXXXX";

static void fuzz_tmpfile_remove(void)
{
    unlink(fuzz_tmpfile_path);
}

static const char *fuzz_tmpfile(const uint8_t *data, size_t size)
{
    static int fd = -1;
    const char *path = fuzz_tmpfile_path;
    if (fd < 0) {
        fd = mkstemp(fuzz_tmpfile_path);
        if (fd < 0)
            abort();
        atexit(fuzz_tmpfile_remove);
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    return path;
}

#endif
