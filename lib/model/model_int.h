/*
 * model_int.h - internals shared by the files of lib/model.
 */
#ifndef JZ_MODEL_INT_H
#define JZ_MODEL_INT_H

/* Between begin and end, this thread's jansson allocations come from a
 * per-thread arena; every value allocated in between must be released
 * (json_decref) before end.  Not nested. */
void jz__json_arena_begin(void);
void jz__json_arena_end(void);

/* Frees what jansson allocated (json_dumps text), arena or not. */
void jz__json_free(void *p);

#endif
