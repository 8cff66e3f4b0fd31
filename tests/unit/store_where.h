/*
 * store_where.h - where a unit test's store is: the SQLite file at the
 * path the test chose, or, when the test runs on PostgreSQL (CTest's
 * pg.unit.* tests set JZ_TEST_STORE=pg), a fresh database of the cluster
 * at $JZ_TEST_PG (a base URL, postgresql://USER@HOST:PORT/, which
 * scripts/test.sh starts), named after the path: the paths are under
 * mkdtemp directories, so each is a database of its own.  The audit keys
 * of those databases go to $JIUZHU_AUDIT_KEY_DIR when set.
 *
 * On PostgreSQL without a cluster the test is skipped (exit 77, CTest's
 * SKIP_RETURN_CODE for these tests), saying so.
 */
#ifndef JZ_TEST_STORE_WHERE_H
#define JZ_TEST_STORE_WHERE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int jz_test_on_pg(void)
{
    const char *want = getenv("JZ_TEST_STORE");
    return want && strcmp(want, "pg") == 0;
}

static inline const char *jz_test_where(const char *path)
{
    if (!jz_test_on_pg())
        return path;
    const char *base = getenv("JZ_TEST_PG");
    if (!base || !base[0]) {
        printf("SKIP: JZ_TEST_STORE=pg but no cluster (JZ_TEST_PG unset): scripts/test.sh starts one\n");
        exit(77);
    }
    uint64_t h = 1469598103934665603ULL; /* FNV-1a of the path */
    for (const char *c = path; *c; c++) {
        h ^= (unsigned char)*c;
        h *= 1099511628211ULL;
    }
    static char urls[16][512];
    static int k;
    char *u = urls[k++ % 16];
    size_t n = strlen(base);
    snprintf(u, sizeof urls[0], "%s%sjzt_%016llx", base, n && base[n - 1] == '/' ? "" : "/",
             (unsigned long long)h);
    return u;
}

#endif
