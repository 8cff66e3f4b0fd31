/*
 * base_int.h - internals shared by the files of lib/base.
 */
#ifndef JZ_BASE_INT_H
#define JZ_BASE_INT_H

#include <stddef.h>

/*
 * Length of the valid UTF-8 sequence at p (n bytes available, n > 0), or 0
 * when the bytes are not valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF).  Text ends up in JSON, where jansson
 * rejects invalid UTF-8.
 */
size_t jz__utf8_seq_len(const unsigned char *p, size_t n);

#endif
