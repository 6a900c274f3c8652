/* A message for the user travels one way: in a struct error the caller
 * owns (no allocation, no size to pass along), filled where the problem is
 * found with error_set(), and printed once, by main(), with error_print()
 * ("mailauth: MESSAGE" on standard error). A message is one line that
 * names the input and says what to type instead (mailauth(1), EXIT
 * STATUS 2). */
#ifndef MAILAUTH_UTIL_ERROR_H
#define MAILAUTH_UTIL_ERROR_H

#include <stdarg.h>
#include <stdio.h>

struct error {
	char msg[512];		/* "" when nothing went wrong */
};

/* Formats the message into e (cut to fit) and returns -1, so that a
 * function that fails can "return error_set(err, ...)". */
int error_set(struct error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int error_vset(struct error *e, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Prints "mailauth: MESSAGE" and a newline on f. */
void error_print(FILE *f, const char *msg);

#endif
