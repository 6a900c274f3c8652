#include "util/safe.h"

#include <stdint.h>
#include <string.h>

#include "util/arena.h"
#include "util/strbuf.h"

/* Returns the length of the well-formed UTF-8 sequence at p (RFC 3629 §4:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t
utf8_sequence(const unsigned char *p, size_t avail, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if (avail < n) {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			return 0;
		}
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) {
		return 0;
	}
	*cp = c;
	return n;
}

/* Code points a terminal acts on rather than shows: C0/C1 controls, DEL,
 * and the bidirectional embeddings and isolates that reorder what follows
 * (the "Trojan Source" trick, CVE-2021-42574). */
static int
is_unsafe_codepoint(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static void
escape_bytes(struct strbuf *sb, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		char esc[4] = { '\\', 'x', hex[p[i] >> 4], hex[p[i] & 15] };

		strbuf_add(sb, esc, sizeof(esc));
	}
}

void
safe_append(struct strbuf *sb, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_sequence(p + i, len - i, &cp);

		if (n == 0) {
			escape_bytes(sb, p + i, 1);
			i++;
		} else if (is_unsafe_codepoint(cp)) {
			escape_bytes(sb, p + i, n);
			i += n;
		} else {
			strbuf_add(sb, p + i, n);
			i += n;
		}
	}
	if (sb->buf == NULL) {
		strbuf_add(sb, "", 0);
	}
}

bool
safe_is_clean(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_sequence(p + i, len - i, &cp);

		if (n == 0 || is_unsafe_codepoint(cp)) {
			return false;
		}
		i += n;
	}
	return true;
}

char *
safe_text(struct arena *a, const void *data, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;

	if (safe_is_clean(data, len)) {
		return arena_memdup(a, data, len);
	}
	safe_append(&sb, data, len);
	out = arena_memdup(a, sb.buf, sb.len);
	strbuf_finish(&sb);
	return out;
}

char *
safe_str(struct arena *a, const char *s)
{
	return safe_text(a, s, s ? strlen(s) : 0);
}
