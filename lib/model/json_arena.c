/*
 * json_arena.c - a per-thread bump allocator for jansson while one household
 * record is parsed.
 *
 * Parsing a record builds a small tree of JSON values that is thrown away as
 * soon as the record is read; with malloc that is most of an import's time
 * (and, with several parsing threads, lock contention in malloc).  While a
 * thread parses a record, its jansson allocations come from a thread-local
 * arena that is reset afterwards; frees of arena memory do nothing.
 * Everything else (and a record too big for the arena) uses malloc and free
 * as before: the allocator functions tell the two apart by address.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <jansson.h>

#include "model_int.h"

#define ARENA_BYTES (4u << 20)

typedef struct arena {
    char *base;
    size_t used;
    bool on;
} arena;

static _Thread_local arena A;

static void *arena_malloc(size_t n)
{
    if (A.on) {
        size_t need = (n + 15u) & ~(size_t)15u;
        if (need <= ARENA_BYTES - A.used) {
            void *p = A.base + A.used;
            A.used += need;
            return p;
        }
    }
    return malloc(n);
}

static void arena_free(void *p)
{
    if (A.base && (char *)p >= A.base && (char *)p < A.base + ARENA_BYTES)
        return;
    free(p);
}

/* A thread's arena is freed when the thread ends (a key's destructor). */
static pthread_key_t arena_key;

/* Installed before main: jansson's allocator must be set before first use. */
__attribute__((constructor)) static void install(void)
{
    pthread_key_create(&arena_key, free);
    json_set_alloc_funcs(arena_malloc, arena_free);
}

void jz__json_free(void *p)
{
    arena_free(p);
}

void jz__json_arena_begin(void)
{
    if (!A.base) {
        A.base = malloc(ARENA_BYTES); /* kept for the thread's life */
        if (A.base && pthread_setspecific(arena_key, A.base) != 0) {
            free(A.base);
            A.base = NULL;
        }
    }
    A.used = 0;
    A.on = A.base != NULL;
}

void jz__json_arena_end(void)
{
    A.on = false;
    A.used = 0;
}
