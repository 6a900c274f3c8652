#include "message/received.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mail/rfc5322.h"
#include "util/arena.h"

enum clause { CL_NONE, CL_FROM, CL_BY, CL_VIA, CL_WITH, CL_ID, CL_FOR };

/* What the scan keeps of the from clause and the with clause. */
struct scan {
	struct arena *a;
	struct received *r;
	const char *from_word;
	const char *helo_tag;		/* Exim's "helo=" */
	bool bare_literal;		/* the from comment holds an address
					 * and no name: "([IP])" */
	bool exim;			/* "(Exim 4.96)" after the protocol */
	bool with_comment_seen;
	bool with_smtp;			/* a word of the with clause names
					 * SMTP (not LMTP) */
};

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static enum clause
keyword(const char *w, size_t len)
{
	static const struct {
		const char *name;
		enum clause c;
	} words[] = {
		{ "from", CL_FROM }, { "by", CL_BY }, { "via", CL_VIA },
		{ "with", CL_WITH }, { "id", CL_ID }, { "for", CL_FOR },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strlen(words[i].name) == len &&
		    strncasecmp(w, words[i].name, len) == 0) {
			return words[i].c;
		}
	}
	return CL_NONE;
}

/* A name as the MTA wrote it, without the final dot Gmail adds. */
static const char *
host_name(struct arena *a, const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == '.' || s[len - 1] == ',')) {
		len--;
	}
	if (len == 0 || (len == 7 && strncasecmp(s, "unknown", 7) == 0)) {
		return NULL;
	}
	return arena_memdup(a, s, len);
}

/* "[192.0.2.1]", "[IPv6:2001:db8::1]", "[192.0.2.1]:25" or, when bare
 * is set, "192.0.2.1" alone (Microsoft). */
static bool
address(const char *s, size_t len, bool bare, struct ip_addr *out)
{
	char buf[64];
	const char *close;

	if (len > 0 && s[0] == '[') {
		close = memchr(s, ']', len);
		if (close == NULL) {
			return false;
		}
		s++;
		len = (size_t)(close - s);
		if (len > 5 && strncasecmp(s, "IPv6:", 5) == 0) {
			s += 5;
			len -= 5;
		}
	} else if (!bare) {
		return false;
	}
	if (len == 0 || len >= sizeof(buf)) {
		return false;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return ip_parse(buf, out);
}

/* The value after key (which must start a word) in text, up to a blank,
 * comma, semicolon or parenthesis; NULL when absent. */
static const char *
tag_value(struct arena *a, const char *text, size_t len, const char *key)
{
	size_t klen = strlen(key), i, end;

	for (i = 0; i + klen <= len; i++) {
		if ((i == 0 || strchr(" \t(,;", text[i - 1]) != NULL) &&
		    strncasecmp(text + i, key, klen) == 0) {
			for (end = i + klen; end < len &&
			    strchr(" \t,;()", text[end]) == NULL; end++) {
			}
			return end > i + klen ? arena_memdup(a, text + i + klen,
			    end - i - klen) : NULL;
		}
	}
	return NULL;
}

/* TLS as recorded in a comment: "version=TLS1_3 cipher=..." (Gmail,
 * Sendmail, Microsoft) or "using TLSv1.3 with cipher ..." (Postfix). */
static void
comment_tls(struct scan *s, const char *text, size_t len)
{
	struct received *r = s->r;
	const char *v = tag_value(s->a, text, len, "version=");
	const char *c = tag_value(s->a, text, len, "cipher=");

	if (v == NULL) {
		v = tag_value(s->a, text, len, "using ");
		c = v ? tag_value(s->a, text, len, "with cipher ") : NULL;
		if (v != NULL && strncasecmp(v, "TLS", 3) != 0 &&
		    strncasecmp(v, "SSL", 3) != 0) {
			v = c = NULL;
		}
	}
	if (v != NULL && r->tls_version == NULL) {
		r->tls_version = v;
		r->tls_cipher = c;
	}
}

/* One comment of the from clause: "(RDNS [IP])", "([IP]:port helo=X)",
 * "(user@RDNS [IP] (may be forged))", "(IP)". */
static void
from_comment(struct scan *s, const char *text, size_t len)
{
	struct received *r = s->r;
	const char *p = text, *end = text + len, *prev = NULL;
	size_t prevlen = 0;

	while (p < end) {
		const char *w;
		size_t wlen;

		while (p < end && (is_wsp(*p) || *p == '(' || *p == ')')) {
			p++;
		}
		for (w = p; p < end && !is_wsp(*p) && *p != '(' && *p != ')';
		    p++) {
		}
		wlen = (size_t)(p - w);
		if (wlen == 0) {
			continue;
		}
		if (wlen > 5 && strncasecmp(w, "helo=", 5) == 0) {
			s->helo_tag = host_name(s->a, w + 5, wlen - 5);
		} else if (!r->has_ip && address(w, wlen, true, &r->ip)) {
			r->has_ip = true;
			s->bare_literal = prev == NULL && w[0] == '[';
			if (prev != NULL && w[0] == '[' &&
			    memchr(prev, '=', prevlen) == NULL) {
				const char *at = memchr(prev, '@', prevlen);

				if (at != NULL) {
					prevlen -= (size_t)(at + 1 - prev);
					prev = at + 1;
				}
				r->rdns = host_name(s->a, prev, prevlen);
			}
		}
		prev = w;
		prevlen = wlen;
	}
}

/* True when the word names SMTP (ESMTPS, "SMTP" of "Microsoft SMTP
 * Server", UTF8SMTPA) and not LMTP. */
static bool
names_smtp(const char *w, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++) {
		if (strncasecmp(w + i, "smtp", 4) == 0) {
			return true;
		}
	}
	return false;
}

static void
clause_word(struct scan *s, enum clause c, const char *w, size_t len)
{
	struct received *r = s->r;

	switch (c) {
	case CL_FROM:
		if (s->from_word == NULL) {
			s->from_word = arena_memdup(s->a, w, len);
		}
		break;
	case CL_BY:
		if (r->by == NULL) {
			r->by = host_name(s->a, w, len);
		}
		break;
	case CL_WITH:
		s->with_smtp |= names_smtp(w, len);
		if (r->with == NULL) {
			r->with = arena_memdup(s->a, w, len);
		} else if (s->with_comment_seen && r->tls_cipher == NULL &&
		    strncasecmp(w, "tls", len) != 0) {
			r->tls_cipher = arena_memdup(s->a, w, len);	/* Exim */
		}
		break;
	case CL_ID:
		if (r->id == NULL) {
			r->id = arena_memdup(s->a, w, len);
		}
		break;
	case CL_FOR:
		while (len > 0 && (*w == '<' || *w == '"')) {
			w++;
			len--;
		}
		while (len > 0 && strchr(">\";,", w[len - 1]) != NULL) {
			len--;
		}
		if (r->recipient == NULL && len > 0) {
			r->recipient = arena_memdup(s->a, w, len);
		}
		break;
	default:
		break;
	}
}

/* Exim: "with esmtps (TLS1.3) tls CIPHER" or "(TLS1.2:CIPHER:128)". */
static void
with_comment(struct scan *s, const char *text, size_t len)
{
	struct received *r = s->r;
	const char *colon = memchr(text, ':', len);

	if (len < 3 || (strncasecmp(text, "TLS", 3) != 0 &&
	    strncasecmp(text, "SSL", 3) != 0) || r->tls_version != NULL) {
		return;
	}
	s->with_comment_seen = true;
	r->tls_version = arena_memdup(s->a, text, colon ? (size_t)(colon -
	    text) : len);
	if (colon != NULL) {
		const char *next = memchr(colon + 1, ':', len - (size_t)(colon +
		    1 - text));

		r->tls_cipher = arena_memdup(s->a, colon + 1, next ?
		    (size_t)(next - colon - 1) : len - (size_t)(colon + 1 -
		    text));
	}
}

/* RFC 3848: ESMTPS, ESMTPSA, LMTPS, UTF8SMTPS... name a TLS hop. */
static bool
protocol_has_tls(const char *with)
{
	size_t i, n = with ? strlen(with) : 0;

	for (i = 0; i + 4 < n; i++) {
		if ((strncasecmp(with + i, "smtp", 4) == 0 ||
		    strncasecmp(with + i, "lmtp", 4) == 0) &&
		    toupper((unsigned char)with[i + 4]) == 'S') {
			return true;
		}
	}
	return false;
}

/* RFC 3848: ESMTPA, ESMTPSA, LMTPA, UTF8SMTPSA (RFC 6531): the client
 * authenticated, as a user submitting mail does. */
static bool
protocol_authenticated(const char *with)
{
	const char *p = with;
	size_t n;

	while (p != NULL && *p && strncasecmp(p, "smtp", 4) != 0 &&
	    strncasecmp(p, "lmtp", 4) != 0) {
		p++;
	}
	if (p == NULL || *p == '\0') {
		return false;
	}
	p += 4;
	n = strlen(p);
	return (n == 1 && toupper((unsigned char)p[0]) == 'A') || (n == 2 &&
	    strcasecmp(p, "sa") == 0);
}

static void
from_identity(struct scan *s)
{
	struct received *r = s->r;
	const char *w = s->from_word;

	if (w != NULL && w[0] == '[') {
		if (!r->has_ip) {
			r->has_ip = address(w, strlen(w), false, &r->ip);
		}
		/* Postfix writes the HELO first: here an address literal. */
		r->helo = s->helo_tag ? s->helo_tag : arena_strdup(s->a, w);
	} else if (s->helo_tag != NULL) {
		r->rdns = w ? host_name(s->a, w, strlen(w)) : r->rdns;
		r->helo = s->helo_tag;
	} else if (w != NULL) {
		r->helo = host_name(s->a, w, strlen(w));
		/* Exim writes "from NAME ([IP])" when the HELO name is the
		 * name the address resolves to; Sendmail's same form means
		 * no reverse name. */
		if (s->exim && s->bare_literal && r->rdns == NULL) {
			r->rdns = r->helo;
		}
	}
}

void
received_parse(struct arena *a, const char *value, struct received *out)
{
	struct scan s = { a, out, NULL, NULL, false, false, false, false };
	const char *p = value, *semi = NULL, *end;
	enum clause c = CL_NONE;

	memset(out, 0, sizeof(*out));
	for (p = value; *p; p++) {
		if (*p == '(') {
			p = rfc5322_comment_end(p) - 1;
		} else if (*p == ';') {
			semi = p;
		}
	}
	end = semi ? semi : p;
	if (semi != NULL) {
		const char *d = rfc5322_skip_cfws(semi + 1);

		out->date = *d ? arena_strdup(a, d) : NULL;
	}
	for (p = value; p < end;) {
		const char *w = p;

		if (is_wsp(*p)) {
			p++;
			continue;
		}
		if (*p == '(') {
			const char *ce = rfc5322_comment_end(p);
			size_t len = (size_t)((ce > end ? end : ce) - p);
			const char *text = p + 1;

			len = len >= 2 ? len - 2 : 0;
			if (c == CL_FROM) {
				from_comment(&s, text, len);
			} else if (c == CL_WITH) {
				with_comment(&s, text, len);
			} else if (c == CL_BY && !out->has_by_ip) {
				size_t n = strcspn(text, " )");

				out->has_by_ip = address(text, n < len ? n : len,
				    true, &out->by_ip);
			}
			s.exim |= len > 5 && strncasecmp(text, "Exim ", 5) == 0;
			comment_tls(&s, text, len);
			p = ce;
			continue;
		}
		while (p < end && !is_wsp(*p) && *p != '(') {
			p++;
		}
		if (keyword(w, (size_t)(p - w)) != CL_NONE) {
			c = keyword(w, (size_t)(p - w));
			continue;
		}
		clause_word(&s, c, w, (size_t)(p - w));
	}
	from_identity(&s);
	out->tls = protocol_has_tls(out->with) || out->tls_version != NULL;
	out->local = out->with != NULL && !s.with_smtp;
	out->authenticated = protocol_authenticated(out->with);
}
