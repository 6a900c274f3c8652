/* Allocation that cannot fail: on exhaustion the process exits with a message.
 * Memory from these helpers is owned by the caller and released with free(). */
#ifndef MAILAUTH_UTIL_XALLOC_H
#define MAILAUTH_UTIL_XALLOC_H

#include <stddef.h>

/* Returns zeroed memory for n objects of size bytes; never NULL. */
void *xcalloc(size_t n, size_t size);
/* Resizes p to n objects of size bytes, checking n * size for overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
/* Returns a heap copy of s; never NULL. */
char *xstrdup(const char *s);

#endif
