#include "util/error.h"

int
error_vset(struct error *e, const char *fmt, va_list ap)
{
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return -1;
}

int
error_set(struct error *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(e, fmt, ap);
	va_end(ap);
	return -1;
}

void
error_print(FILE *f, const char *msg)
{
	fprintf(f, "mailauth: %s\n", msg);
}
