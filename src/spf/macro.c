#include "spf/macro.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/name.h"
#include "util/arena.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* RFC 7208 §7.3 lets a transformer ask for any number of parts; asking for
 * more than a value has keeps them all, so larger numbers are read as this
 * one (no value of a run is a billion parts long). */
#define MACRO_ALL_PARTS 1000000000u

static void
ip_nibbles(struct strbuf *sb, const struct ip_addr *ip)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (ip->family == AF_INET) {
		strbuf_addf(sb, "%u.%u.%u.%u", ip->bytes[0], ip->bytes[1],
		    ip->bytes[2], ip->bytes[3]);
		return;
	}
	/* RFC 7208 §7.3: IPv6 %{i} is dot-separated nibbles. */
	for (i = 0; i < 16; i++) {
		if (i > 0) {
			strbuf_addc(sb, '.');
		}
		strbuf_addc(sb, hex[ip->bytes[i] >> 4]);
		strbuf_addc(sb, '.');
		strbuf_addc(sb, hex[ip->bytes[i] & 15]);
	}
}

/* Puts the raw value of a macro letter in sb; false when not known. */
static bool
letter_value(struct strbuf *sb, char letter, const struct spf_macro_ctx *c)
{
	char ipbuf[IP_STRLEN];
	const char *v = NULL;

	switch (letter) {
	case 's': v = c->sender; break;
	case 'l': v = c->local_part; break;
	case 'o': v = c->sender_domain; break;
	case 'd': v = c->domain; break;
	case 'h': v = c->helo; break;
	case 'p': v = c->ptr_name; break;
	case 'r': v = c->receiver ? c->receiver : "unknown"; break;
	case 'i':
		if (c->ip == NULL) {
			return false;
		}
		ip_nibbles(sb, c->ip);
		return true;
	case 'c':
		if (c->ip == NULL) {
			return false;
		}
		v = ip_format(c->ip, ipbuf);
		break;
	case 'v':
		if (c->ip == NULL) {
			return false;
		}
		v = c->ip->family == AF_INET ? "in-addr" : "ip6";
		break;
	case 't':
		if (c->now < 0) {
			return false;
		}
		strbuf_addf(sb, "%lld", c->now);
		return true;
	}
	if (v == NULL) {
		return false;
	}
	strbuf_adds(sb, v);
	return true;
}

/* RFC 7208 §7.3: split on the delimiters, optionally reverse, keep the
 * rightmost parts, join with dots. */
static void
transform(struct strbuf *out, const char *value, size_t len,
    const struct spf_macro_expr *e)
{
	const char *delims = e->delims[0] ? e->delims : ".";
	const char **start;
	size_t *plen, n = 1, i, first, p = 0, k = 0;

	/* Every part is kept: the rightmost ones are those that count. */
	for (i = 0; i < len; i++) {
		n += strchr(delims, value[i]) != NULL;
	}
	start = xcalloc(n, sizeof(*start));
	plen = xcalloc(n, sizeof(*plen));
	for (i = 0; i <= len; i++) {
		if (i == len || strchr(delims, value[i]) != NULL) {
			size_t at = e->reverse ? n - 1 - k : k;

			start[at] = value + p;
			plen[at] = i - p;
			k++;
			p = i + 1;
		}
	}
	first = e->parts && e->parts < n ? n - e->parts : 0;
	for (i = first; i < n; i++) {
		if (i > first) {
			strbuf_addc(out, '.');
		}
		strbuf_add(out, start[i], plen[i]);
	}
	free(start);
	free(plen);
}

/* RFC 7208 §7.3 (upper-case letters): URL-escape per RFC 3986, keeping
 * the unreserved characters. */
static void
url_escape(struct strbuf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			strbuf_addc(out, (char)c);
		} else {
			strbuf_addf(out, "%%%02X", c);
		}
	}
}

size_t
spf_macro_parse(const char *s, size_t len, bool explain, struct spf_macro_expr *e)
{
	size_t i = 3, nd = 0;
	unsigned long long parts = 0;

	memset(e, 0, sizeof(*e));
	if (len < 4 || s[1] != '{') {
		return 0;
	}
	e->letter = (char)tolower((unsigned char)s[2]);
	e->url_escape = isupper((unsigned char)s[2]);
	if (strchr("slodiphv", e->letter) == NULL &&
	    !(explain && strchr("crt", e->letter) != NULL)) {
		return 0;
	}
	if (i < len && isdigit((unsigned char)s[i])) {
		for (; i < len && isdigit((unsigned char)s[i]); i++) {
			if (parts < MACRO_ALL_PARTS) {
				parts = parts * 10 +
				    (unsigned long long)(s[i] - '0');
			}
		}
		/* A DIGIT transformer of zero is an error (RFC 7208 §7.3). */
		if (parts == 0) {
			return 0;
		}
		e->parts = parts > MACRO_ALL_PARTS ? MACRO_ALL_PARTS :
		    (unsigned)parts;
	}
	if (i < len && tolower((unsigned char)s[i]) == 'r') {
		e->reverse = true;
		i++;
	}
	for (; i < len && s[i] && strchr(".-+,/_=", s[i]); i++) {
		if (nd + 1 < sizeof(e->delims) && !strchr(e->delims, s[i])) {
			e->delims[nd++] = s[i];
		}
	}
	return i < len && s[i] == '}' ? i + 1 : 0;
}

static enum spf_macro_status
expand_one(struct strbuf *out, const char *s, size_t len, bool explain,
    const struct spf_macro_ctx *ctx, size_t *used)
{
	struct strbuf value = STRBUF_INIT, shaped = STRBUF_INIT;
	struct spf_macro_expr e;
	size_t n = spf_macro_parse(s, len, explain, &e);

	if (n == 0) {
		return SPF_MACRO_SYNTAX;
	}
	*used = n;
	if (!letter_value(&value, e.letter, ctx)) {
		strbuf_finish(&value);
		return SPF_MACRO_UNKNOWN;
	}
	transform(&shaped, strbuf_str(&value), value.len, &e);
	if (e.url_escape) {
		url_escape(out, strbuf_str(&shaped), shaped.len);
	} else {
		strbuf_add(out, strbuf_str(&shaped), shaped.len);
	}
	strbuf_finish(&value);
	strbuf_finish(&shaped);
	return SPF_MACRO_OK;
}

enum spf_macro_status
spf_macro_expand(struct arena *a, const char *spec, size_t len,
    const struct spf_macro_ctx *ctx, bool explain, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	enum spf_macro_status st = SPF_MACRO_OK;
	size_t i = 0;

	while (i < len && st == SPF_MACRO_OK) {
		size_t used = 0;

		if (spec[i] != '%') {
			strbuf_addc(&sb, spec[i++]);
			continue;
		}
		if (i + 1 < len && spec[i + 1] == '%') {
			strbuf_addc(&sb, '%');
			used = 2;
		} else if (i + 1 < len && spec[i + 1] == '_') {
			strbuf_addc(&sb, ' ');
			used = 2;
		} else if (i + 1 < len && spec[i + 1] == '-') {
			strbuf_adds(&sb, "%20");
			used = 2;
		} else {
			st = expand_one(&sb, spec + i, len - i, explain, ctx,
			    &used);
		}
		i += used;
	}
	if (st == SPF_MACRO_OK) {
		*out = arena_memdup(a, strbuf_str(&sb), sb.len);
	}
	strbuf_finish(&sb);
	return st;
}

const char *
spf_macro_truncate_domain(const char *name)
{
	size_t len = strlen(name);

	while (len > DNS_NAME_MAX) {
		const char *dot = strchr(name, '.');

		if (dot == NULL) {
			break;
		}
		len -= (size_t)(dot + 1 - name);
		name = dot + 1;
	}
	return name;
}
