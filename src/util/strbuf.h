/* A growable byte buffer, always NUL-terminated. The buffer owns its heap
 * memory until strbuf_finish() or strbuf_detach(). */
#ifndef MAILAUTH_UTIL_STRBUF_H
#define MAILAUTH_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;	/* contents, NUL-terminated; NULL until first append */
	size_t len;	/* bytes used, excluding the NUL */
	size_t cap;	/* bytes allocated */
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_init(struct strbuf *sb);
/* Frees the contents; the struct may be reused after strbuf_init(). */
void strbuf_finish(struct strbuf *sb);
/* Returns the contents (owned by the caller, free()) and empties sb. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *sb);
/* Returns the contents, "" when empty; valid until the next change. */
const char *strbuf_str(const struct strbuf *sb);

#endif
