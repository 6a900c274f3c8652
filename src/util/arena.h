/* A region allocator: everything allocated from an arena is freed at once by
 * arena_destroy(). Never free() a pointer that came from an arena. */
#ifndef MAILAUTH_UTIL_ARENA_H
#define MAILAUTH_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Returns a new, empty arena; free it with arena_destroy(). */
struct arena *arena_create(void);
/* Frees the arena and everything allocated from it; accepts NULL. */
void arena_destroy(struct arena *a);

/* Returns size zeroed bytes aligned for any object; never NULL. */
void *arena_alloc(struct arena *a, size_t size);
/* Returns zeroed room for n objects of size bytes, checking for overflow. */
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Returns a copy of len bytes followed by a NUL (binary-safe). */
char *arena_memdup(struct arena *a, const void *data, size_t len);
/* Returns a copy of the NUL-terminated string s. */
char *arena_strdup(struct arena *a, const char *s);
/* Returns a formatted string allocated in the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Makes room for element n of an array that has room for *cap elements
 * of size bytes: when n == *cap, the room doubles (from 8) and the
 * elements move, into the arena a or, when a is NULL, to the heap
 * (xreallocarray(): the caller frees the array). Returns the array. The
 * one way arrays grow. */
void *array_grow(struct arena *a, void *array, size_t n, size_t *cap,
    size_t size);
/* Returns the number of bytes handed out so far (for limits and tests). */
size_t arena_used(const struct arena *a);

#endif
