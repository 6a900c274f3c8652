#include "util/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Chunks grow geometrically so a run of many small records costs few
 * mallocs; an allocation larger than a chunk gets a chunk of its own. */
#define ARENA_FIRST_CHUNK 4096
#define ARENA_MAX_CHUNK (1024 * 1024)
#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next;
	size_t size;		/* usable bytes in data */
	size_t used;		/* bytes handed out from data */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct chunk *head;	/* chunk being filled; older chunks follow */
	size_t next_size;	/* size of the next chunk to allocate */
	size_t total;		/* bytes handed out */
};

struct arena *
arena_create(void)
{
	struct arena *a = xcalloc(1, sizeof(*a));

	a->next_size = ARENA_FIRST_CHUNK;
	return a;
}

void
arena_destroy(struct arena *a)
{
	struct chunk *c, *next;

	if (a == NULL) {
		return;
	}
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

static struct chunk *
add_chunk(struct arena *a, size_t need)
{
	size_t size = a->next_size;
	struct chunk *c;

	if (need > size) {
		size = need;
	} else if (a->next_size < ARENA_MAX_CHUNK) {
		a->next_size *= 2;
	}
	if (size > SIZE_MAX - sizeof(*c)) {
		size = SIZE_MAX; /* makes xcalloc report out of memory */
	}
	c = xcalloc(1, sizeof(*c) + size);
	c->size = size;
	c->next = a->head;
	a->head = c;
	return c;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct chunk *c = a->head;
	size_t start;

	if (size == 0) {
		size = 1;
	}
	if (size > SIZE_MAX - ARENA_ALIGN) {
		return arena_alloc(a, SIZE_MAX - sizeof(struct chunk));
	}
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (c == NULL || c->size - c->used < size) {
		c = add_chunk(a, size);
	}
	start = c->used;
	c->used += size;
	a->total += size;
	/* Chunks come zeroed from xcalloc and are never reused. */
	return c->data + start;
}

void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		return arena_alloc(a, SIZE_MAX);
	}
	return arena_alloc(a, n * size);
}

char *
arena_memdup(struct arena *a, const void *data, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	if (len > 0) {
		memcpy(p, data, len);
	}
	p[len] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_memdup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	char small[256], *p;
	va_list copy;
	int len;

	va_copy(copy, ap);
	len = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (len < 0) {
		return arena_strdup(a, "");
	}
	if ((size_t)len < sizeof(small)) {
		return arena_memdup(a, small, (size_t)len);
	}
	p = arena_alloc(a, (size_t)len + 1);
	vsnprintf(p, (size_t)len + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}

void *
array_grow(struct arena *a, void *array, size_t n, size_t *cap, size_t size)
{
	void *bigger;

	if (n < *cap) {
		return array;
	}
	*cap = *cap ? *cap * 2 : 8;
	if (a == NULL) {
		return xreallocarray(array, *cap, size);
	}
	bigger = arena_calloc(a, *cap, size);
	if (n > 0) {
		memcpy(bigger, array, n * size);
	}
	return bigger;
}
