#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void
strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void
strbuf_finish(struct strbuf *sb)
{
	if (sb == NULL) {
		return;
	}
	free(sb->buf);
	strbuf_init(sb);
}

char *
strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p;

	if (sb->buf == NULL) {
		strbuf_add(sb, "", 0);
	}
	p = sb->buf;
	if (len != NULL) {
		*len = sb->len;
	}
	strbuf_init(sb);
	return p;
}

static void
grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	size_t cap = sb->cap ? sb->cap : 64;

	if (need <= sb->cap) {
		return;
	}
	while (cap < need) {
		cap *= 2;
	}
	sb->buf = xreallocarray(sb->buf, cap, 1);
	sb->cap = cap;
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	grow(sb, len);
	if (len > 0) {
		memcpy(sb->buf + sb->len, data, len);
	}
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void
strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len <= 0) {
		return;
	}
	grow(sb, (size_t)len);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)len + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)len;
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf != NULL) {
		sb->buf[0] = '\0';
	}
}

const char *
strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}
