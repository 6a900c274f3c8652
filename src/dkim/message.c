#include "dkim/message.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/strbuf.h"

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* The message with every bare LF turned into CRLF. */
static char *
to_crlf(struct arena *a, const char *data, size_t len, size_t *outlen,
    bool *changed)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;
	size_t i;

	*changed = false;
	for (i = 0; i < len; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
			strbuf_addc(&sb, '\r');
			*changed = true;
		}
		strbuf_addc(&sb, data[i]);
	}
	out = arena_memdup(a, strbuf_str(&sb), sb.len);
	*outlen = sb.len;
	strbuf_finish(&sb);
	return out;
}

/* Reads the header fields up to the empty line; returns the offset of
 * the body, or 0 when the text does not start with a header field. */
static size_t
read_headers(struct arena *a, struct dkim_message *m, const char *s,
    size_t len)
{
	size_t pos = 0, cap = 0;

	while (pos + 1 < len && !(s[pos] == '\r' && s[pos + 1] == '\n')) {
		size_t start = pos, end, nlen;
		const char *colon;
		struct dkim_header *h;

		if (is_wsp(s[pos]) && m->nheaders == 0) {
			return 0;
		}
		/* A field runs to a CRLF not followed by a blank. */
		for (end = pos; end + 1 < len; end++) {
			if (s[end] == '\r' && s[end + 1] == '\n' &&
			    (end + 2 >= len || !is_wsp(s[end + 2]))) {
				break;
			}
		}
		if (end + 1 >= len) {
			end = len;
		}
		colon = memchr(s + start, ':', end - start);
		if (colon == NULL) {
			return 0;
		}
		m->headers = array_grow(a, m->headers, m->nheaders, &cap,
		    sizeof(*m->headers));
		h = &m->headers[m->nheaders++];
		h->raw = s + start;
		h->rawlen = end - start;
		h->value = colon + 1;
		/* RFC 5322 §4.5 (obs-optional): blanks may stand before
		 * the colon; they are no part of the name h= matches. */
		nlen = (size_t)(colon - s - start);
		while (nlen > 0 && is_wsp(s[start + nlen - 1])) {
			nlen--;
		}
		h->name = arena_memdup(a, s + start, nlen);
		pos = end + 2;
	}
	return pos + 2 <= len ? pos + 2 : len;
}

struct dkim_message *
dkim_message_parse(struct arena *a, const char *data, size_t len)
{
	struct dkim_message *m = arena_alloc(a, sizeof(*m));
	size_t n, body;
	const char *s = to_crlf(a, data, len, &n, &m->lf_only);

	body = read_headers(a, m, s, n);
	if (body == 0 || m->nheaders == 0) {
		return NULL;
	}
	m->body = s + body;
	m->bodylen = n - body;
	return m;
}

size_t
dkim_message_count(const struct dkim_message *m, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < m->nheaders; i++) {
		n += strcasecmp(m->headers[i].name, name) == 0;
	}
	return n;
}

void
dkim_canon_header(struct strbuf *out, const char *raw, size_t len,
    bool relaxed)
{
	const char *colon = memchr(raw, ':', len);
	size_t i, nlen, start;
	bool space = false, first = true;

	if (!relaxed || colon == NULL) {
		strbuf_add(out, raw, len);
		strbuf_add(out, "\r\n", 2);
		return;
	}
	/* Lower-case name, no blanks around the colon, every run of
	 * blanks (folding included) one space, none at the end. */
	for (nlen = (size_t)(colon - raw); nlen > 0 && is_wsp(raw[nlen - 1]);
	    nlen--) {
	}
	for (i = 0; i < nlen; i++) {
		strbuf_addc(out, (char)tolower((unsigned char)raw[i]));
	}
	strbuf_addc(out, ':');
	start = (size_t)(colon - raw) + 1;
	for (i = start; i < len; i++) {
		char c = raw[i];

		if (c == '\r' || c == '\n' || is_wsp(c)) {
			space = true;
			continue;
		}
		if (space && !first) {
			strbuf_addc(out, ' ');
		}
		space = false;
		first = false;
		strbuf_addc(out, c);
	}
	strbuf_add(out, "\r\n", 2);
}

/* Appends one body line (without its CRLF), relaxed: runs of blanks
 * become one space, blanks at the end go. */
static void
relaxed_line(struct strbuf *out, const char *line, size_t len)
{
	size_t i;
	bool space = false;

	for (i = 0; i < len; i++) {
		if (is_wsp(line[i])) {
			space = true;
			continue;
		}
		if (space) {
			strbuf_addc(out, ' ');
		}
		space = false;
		strbuf_addc(out, line[i]);
	}
}

void
dkim_canon_body(struct strbuf *out, const char *body, size_t len,
    bool relaxed)
{
	size_t pos = 0, empty = 0, emitted = 0;
	struct strbuf line = STRBUF_INIT;

	while (pos < len) {
		const char *crlf = NULL;
		size_t i, end, next;

		for (i = pos; i + 1 < len; i++) {
			if (body[i] == '\r' && body[i + 1] == '\n') {
				crlf = body + i;
				break;
			}
		}
		end = crlf ? (size_t)(crlf - body) : len;
		next = crlf ? end + 2 : len;
		strbuf_reset(&line);
		if (relaxed) {
			relaxed_line(&line, body + pos, end - pos);
		} else {
			strbuf_add(&line, body + pos, end - pos);
		}
		/* Empty lines are held back: those at the very end are
		 * dropped (RFC 6376 §3.4.3, §3.4.4). */
		if (line.len == 0) {
			empty++;
		} else {
			for (; empty > 0; empty--) {
				strbuf_add(out, "\r\n", 2);
			}
			strbuf_add(out, strbuf_str(&line), line.len);
			strbuf_add(out, "\r\n", 2);
			emitted++;
		}
		pos = next;
	}
	/* An empty body is one CRLF in simple, nothing in relaxed. */
	if (emitted == 0 && !relaxed) {
		strbuf_add(out, "\r\n", 2);
	}
	strbuf_finish(&line);
}
