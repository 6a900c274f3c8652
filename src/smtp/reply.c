#include "smtp/reply.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "util/arena.h"

/* One line of a reply: its code, whether more lines follow, its text. */
struct line {
	int code;
	bool more;
	const char *text;
	size_t textlen;
};

/* RFC 5321 §4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 * Reply-code [ SP textstring ] CRLF, where Reply-code is three digits,
 * the first 2-5. */
static bool
parse_line(const char *p, size_t len, struct line *out)
{
	if (len < 3 || p[0] < '2' || p[0] > '5' || !isdigit((unsigned char)p[1])
	    || !isdigit((unsigned char)p[2])) {
		return false;
	}
	if (len > 3 && p[3] != ' ' && p[3] != '-') {
		return false;
	}
	out->code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	out->more = len > 3 && p[3] == '-';
	out->text = len > 4 ? p + 4 : p + len;
	out->textlen = len > 4 ? len - 4 : 0;
	return true;
}

enum smtp_reply_status
smtp_reply_parse(struct arena *a, const char *buf, size_t len,
    struct smtp_reply *out, size_t *used)
{
	size_t pos = 0, nlines = 0, i;
	int code = 0;

	/* First pass: find the end of the reply and check every line. */
	for (;;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end, linelen;
		struct line l;

		if (nl == NULL) {
			return len >= SMTP_MAX_REPLY_BYTES ?
			    SMTP_REPLY_TOO_LONG : SMTP_REPLY_PARTIAL;
		}
		end = (size_t)(nl - buf);
		linelen = end - pos;
		if (linelen > 0 && buf[end - 1] == '\r') {
			linelen--;
		}
		if (!parse_line(buf + pos, linelen, &l) ||
		    (nlines > 0 && l.code != code)) {
			return SMTP_REPLY_MALFORMED;
		}
		code = l.code;
		nlines++;
		pos = end + 1;
		if (nlines > SMTP_MAX_REPLY_LINES ||
		    pos > SMTP_MAX_REPLY_BYTES) {
			return SMTP_REPLY_TOO_LONG;
		}
		if (!l.more) {
			break;
		}
	}
	/* Second pass: copy the text of each line. */
	out->code = code;
	out->nlines = nlines;
	out->lines = arena_calloc(a, nlines, sizeof(*out->lines));
	for (pos = 0, i = 0; i < nlines; i++) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t linelen = (size_t)(nl - buf) - pos;
		struct line l;

		if (linelen > 0 && buf[pos + linelen - 1] == '\r') {
			linelen--;
		}
		parse_line(buf + pos, linelen, &l);
		out->lines[i] = arena_memdup(a, l.text, l.textlen);
		pos = (size_t)(nl - buf) + 1;
	}
	*used = pos;
	return SMTP_REPLY_DONE;
}

const char *
smtp_reply_status_name(enum smtp_reply_status s)
{
	switch (s) {
	case SMTP_REPLY_PARTIAL: return "partial";
	case SMTP_REPLY_DONE: return "done";
	case SMTP_REPLY_MALFORMED: return "malformed";
	case SMTP_REPLY_TOO_LONG: return "too-long";
	}
	return "malformed";
}

/* The first blank-separated word of s, copied, or NULL when there is none. */
static const char *
first_word(struct arena *a, const char *s, const char **rest)
{
	size_t n;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	n = strcspn(s, " \t");
	if (rest != NULL) {
		const char *r = s + n;

		while (*r == ' ' || *r == '\t') {
			r++;
		}
		*rest = r;
	}
	return n ? arena_memdup(a, s, n) : NULL;
}

/* RFC 3463 §2: an enhanced status code, class.subject.detail, such as
 * 5.7.1, that may start the text of a reply. */
static bool
enhanced_code(const char *w)
{
	size_t i, digits = 0, dots = 0;

	if (w[0] < '2' || w[0] > '5' || w[1] != '.') {
		return false;
	}
	for (i = 2; w[i]; i++) {
		if (w[i] == '.') {
			dots++;
			digits = 0;
		} else if (isdigit((unsigned char)w[i]) && ++digits <= 3) {
			continue;
		} else {
			return false;
		}
		if (dots > 1 || w[i + 1] == '\0') {
			return false;
		}
	}
	return dots == 1 && digits > 0;
}

const char *
smtp_reply_host(struct arena *a, const struct smtp_reply *r)
{
	const char *rest = "", *w;

	if (r->nlines == 0) {
		return NULL;
	}
	w = first_word(a, r->lines[0], &rest);
	return w != NULL && enhanced_code(w) ? first_word(a, rest, NULL) : w;
}

size_t
smtp_ehlo_extensions(struct arena *a, const struct smtp_reply *r,
    struct smtp_extension **out)
{
	struct smtp_extension *ext;
	size_t i, n = 0;

	ext = arena_calloc(a, r->nlines ? r->nlines : 1, sizeof(*ext));
	for (i = 1; i < r->nlines; i++) {
		const char *rest = "";
		char *kw = (char *)first_word(a, r->lines[i], &rest), *p;

		if (kw == NULL) {
			continue;
		}
		for (p = kw; *p; p++) {
			*p = (char)toupper((unsigned char)*p);
		}
		ext[n].keyword = kw;
		ext[n].params = arena_strdup(a, rest);
		n++;
	}
	*out = ext;
	return n;
}

bool
smtp_has_extension(const struct smtp_extension *ext, size_t n,
    const char *keyword)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(ext[i].keyword, keyword) == 0) {
			return true;
		}
	}
	return false;
}
