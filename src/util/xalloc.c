#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Running out of memory is a system error, not an outcome the caller can
 * handle usefully: say so and stop, so that no caller needs a NULL check
 * after an allocation. */
static void
out_of_memory(void)
{
	fputs("mailauth: out of memory\n", stderr);
	exit(3);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL) {
		out_of_memory();
	}
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		out_of_memory();
	}
	p = realloc(p, n * size != 0 ? n * size : 1);
	if (p == NULL) {
		out_of_memory();
	}
	return p;
}

char *
xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = xreallocarray(NULL, len, 1);

	memcpy(p, s, len);
	return p;
}
