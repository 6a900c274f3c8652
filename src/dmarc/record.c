#include "dmarc/record.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/name.h"
#include "util/arena.h"
#include "util/taglist.h"

/* Tags of RFC 9989 §4.7, and the RFC 7489 ones it removed. */
static const char *const known_tags[] = {
	"v", "p", "sp", "np", "psd", "t", "adkim", "aspf", "rua", "ruf", "fo",
};
static const char *const obsolete_tags[] = { "pct", "rf", "ri" };

static bool
in_list(const char *const *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i], name) == 0) {
			return true;
		}
	}
	return false;
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

bool
dmarc_is_record(const void *text, size_t len)
{
	const char *p = text, *end = p + len;

	if (len < 1 || (p[0] != 'v' && p[0] != 'V')) {
		return false;
	}
	for (p++; p < end && is_wsp(*p); p++) {
	}
	if (p >= end || *p++ != '=') {
		return false;
	}
	for (; p < end && is_wsp(*p); p++) {
	}
	/* RFC 9989 §4.7: the value must be exactly "DMARC1". */
	if (end - p < 6 || memcmp(p, "DMARC1", 6) != 0) {
		return false;
	}
	for (p += 6; p < end && is_wsp(*p); p++) {
	}
	return p == end || *p == ';';
}

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_POLICY_NONE: return "none";
	case DMARC_POLICY_QUARANTINE: return "quarantine";
	case DMARC_POLICY_REJECT: return "reject";
	case DMARC_POLICY_INVALID: return "invalid";
	case DMARC_POLICY_UNSET: break;
	}
	return "unset";
}

static enum dmarc_policy
parse_policy(const char *v)
{
	if (strcasecmp(v, "none") == 0) {
		return DMARC_POLICY_NONE;
	}
	if (strcasecmp(v, "quarantine") == 0) {
		return DMARC_POLICY_QUARANTINE;
	}
	if (strcasecmp(v, "reject") == 0) {
		return DMARC_POLICY_REJECT;
	}
	return DMARC_POLICY_INVALID;
}

/* One of the letters of choices, case-insensitive, or 0. */
static char
parse_letter(const char *v, const char *choices)
{
	char c = (char)tolower((unsigned char)v[0]);

	return v[0] != '\0' && v[1] == '\0' && strchr(choices, c) ? c : 0;
}

/* "!" size [ "k" / "m" / "g" / "t" ] (RFC 7489 §6.4), read to flag it. */
static bool
valid_size(const char *s)
{
	size_t i = 0;

	while (isdigit((unsigned char)s[i])) {
		i++;
	}
	if (i == 0) {
		return false;
	}
	return s[i] == '\0' || (strchr("kmgtKMGT", s[i]) && s[i + 1] == '\0');
}

/* The length of the scheme before the ':' (RFC 3986 §3.1: ALPHA *(
 * ALPHA / DIGIT / "+" / "-" / "." )), or 0 when there is none. */
static size_t
scheme_length(const char *uri)
{
	size_t i;

	if (!isalpha((unsigned char)uri[0])) {
		return 0;
	}
	for (i = 1; isalnum((unsigned char)uri[i]) || uri[i] == '+' ||
	    uri[i] == '-' || uri[i] == '.'; i++) {
	}
	return uri[i] == ':' ? i : 0;
}

/* An octet no URI holds as it is (RFC 3986 §2: blanks, controls, '"',
 * '<', '>' and the like): it must be percent-encoded. */
static bool
non_uri_octet(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c) != NULL;
}

static bool
has_non_uri_octets(const char *uri)
{
	const unsigned char *p;

	for (p = (const unsigned char *)uri; *p; p++) {
		if (non_uri_octet(*p)) {
			return true;
		}
	}
	return false;
}

/* text with the octets a URI cannot hold percent-encoded (RFC 3986
 * §2.1): what to publish instead. */
static char *
uri_encode(struct arena *a, const char *text)
{
	char *out = arena_alloc(a, 3 * strlen(text) + 1), *o = out;
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p; p++) {
		if (non_uri_octet(*p)) {
			o += sprintf(o, "%%%02X", *p);
		} else {
			*o++ = (char)*p;
		}
	}
	*o = '\0';
	return out;
}

/* RFC 6068 §2: the local part of a mailto: address is a dot-atom of
 * RFC 5322 atext, other octets percent-encoded. */
static bool
valid_mailto_local(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.') {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			i += 2;
		} else if (!isalnum((unsigned char)s[i]) &&
		    !strchr("!#$&'*+-/=^_`{|}~.", s[i])) {
			return false;
		} else if (s[i] == '.' && s[i + 1] == '.') {
			return false;
		}
	}
	return true;
}

/* mailto:local@domain (RFC 6068 §2), header fields after '?' allowed;
 * sets u->host. Returns why it is malformed, or NULL. */
static const char *
mailto_problem(struct arena *a, struct dmarc_uri *u, const char *addr)
{
	size_t len = strcspn(addr, "?");
	char *copy = arena_memdup(a, addr, len);
	char *at = strchr(copy, '@');

	if (at == NULL || at == copy) {
		return "malformed mailto: URI (expected mailto:name@domain)";
	}
	if (strchr(at + 1, '@') != NULL) {
		return "malformed mailto: URI: more than one '@' (one inside "
		    "the name is written %40, RFC 6068 §2)";
	}
	if (!valid_mailto_local(copy, (size_t)(at - copy))) {
		return "malformed mailto: URI: the name before '@' is not a "
		    "mail address's local part (RFC 6068 §2)";
	}
	if (at[1] == '[') {
		return "the mailto: address is an address literal, with no "
		    "domain at which it could agree to take the reports (RFC "
		    "9989 §4.8): receivers send none there";
	}
	if (dns_name_check(at + 1) != DNS_NAME_OK) {
		return "malformed mailto: URI: the domain after '@' is not a "
		    "valid name";
	}
	u->host = dns_name_normalize(a, at + 1);
	return NULL;
}

static bool
is_mailto(const char *uri, size_t scheme)
{
	return scheme == 6 && strncasecmp(uri, "mailto", 6) == 0;
}

/* A report URI (RFC 9989 §4.6, §4.8). Receivers must support mailto: and
 * ignore schemes they do not (§4.7), so only mailto: gets reports. */
static void
parse_uri(struct arena *a, struct dmarc_uri *u, const char *text)
{
	const char *bang = strchr(text, '!');
	char *uri = bang ? arena_memdup(a, text, (size_t)(bang - text)) :
	    arena_strdup(a, text);
	size_t scheme = scheme_length(uri);

	u->uri = uri;
	u->size = bang ? arena_strdup(a, bang + 1) : NULL;
	if (bang != NULL && !valid_size(bang + 1)) {
		u->uri = arena_strdup(a, text);	/* as published */
		u->problem = "the size suffix after '!' is malformed (and "
		    "obsolete: RFC 9989 §4.8)";
		u->suggest = has_non_uri_octets(uri) ? NULL : uri;
	} else if (scheme == 0) {
		u->problem = strchr(uri, '@') ? "not a URI: the mailto: "
		    "scheme is missing" : "not a URI";
		u->suggest = strchr(uri, '@') ? arena_printf(a, "mailto:%s",
		    uri_encode(a, uri)) : NULL;
	} else if (has_non_uri_octets(uri)) {
		u->problem = "not a URI: it holds blanks or characters a URI "
		    "cannot (RFC 3986)";
		u->suggest = is_mailto(uri, scheme) ? uri_encode(a, uri) : NULL;
	} else if (!is_mailto(uri, scheme)) {
		u->valid = true;
		u->problem = "not a mailto: URI: receivers send reports only "
		    "by mail and ignore other schemes (RFC 9989 §4.7)";
	} else if ((u->problem = mailto_problem(a, u, uri + 7)) == NULL) {
		u->valid = true;
	}
}

static size_t
parse_uris(struct arena *a, const char *value, struct dmarc_uri **out)
{
	size_t n = 1, i = 0;
	const char *p;
	struct dmarc_uri *uris;

	for (p = value; *p; p++) {
		n += *p == ',';
	}
	uris = arena_calloc(a, n, sizeof(*uris));
	for (p = value; i < n; i++) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *item;

		while (len > 0 && is_wsp(*p)) {
			p++;
			len--;
		}
		while (len > 0 && is_wsp(p[len - 1])) {
			len--;
		}
		item = arena_memdup(a, p, len);
		parse_uri(a, &uris[i], item);
		p = comma ? comma + 1 : p + len;
	}
	*out = uris;
	return n;
}

/* fo = "0" / "1" / "d" / "s", several joined by ':' (RFC 9989 §4.7). */
static bool
valid_fo(const char *v)
{
	const char *p = v;

	while (*p) {
		if (!strchr("01dsDS", *p)) {
			return false;
		}
		p++;
		if (*p == ':') {
			p++;
			if (*p == '\0') {
				return false;
			}
		} else if (*p != '\0') {
			return false;
		}
	}
	return p != v;
}

static void
apply_policy(struct dmarc_tag *t, enum dmarc_policy *out)
{
	*out = parse_policy(t->value);
	if (*out == DMARC_POLICY_INVALID) {
		t->error = "expected none, quarantine or reject";
	}
}

static void
apply_letter(struct dmarc_tag *t, const char *choices, char *out,
    const char *error)
{
	char c = parse_letter(t->value, choices);

	if (c == 0) {
		t->error = error;
	} else {
		*out = c;
	}
}

static void
apply_tag(struct arena *a, struct dmarc_record *r, struct dmarc_tag *t)
{
	char *end;

	if (strcmp(t->name, "p") == 0) {
		apply_policy(t, &r->p);
	} else if (strcmp(t->name, "sp") == 0) {
		apply_policy(t, &r->sp);
	} else if (strcmp(t->name, "np") == 0) {
		apply_policy(t, &r->np);
	} else if (strcmp(t->name, "psd") == 0) {
		apply_letter(t, "ynu", &r->psd, "expected y, n or u");
	} else if (strcmp(t->name, "t") == 0) {
		apply_letter(t, "yn", &r->t, "expected y or n");
	} else if (strcmp(t->name, "adkim") == 0) {
		apply_letter(t, "rs", &r->adkim, "expected r or s");
	} else if (strcmp(t->name, "aspf") == 0) {
		apply_letter(t, "rs", &r->aspf, "expected r or s");
	} else if (strcmp(t->name, "fo") == 0) {
		r->fo = t->value;
		if (!valid_fo(t->value)) {
			t->error = "expected 0, 1, d or s, joined by ':'";
		}
	} else if (strcmp(t->name, "rua") == 0 || strcmp(t->name, "ruf") ==
	    0) {
		/* A bad URI is ignored, not the tag (RFC 9989 §4.8): each
		 * URI carries its own problem. */
		bool rua = t->name[2] == 'a';

		*(rua ? &r->nrua : &r->nruf) = parse_uris(a, t->value,
		    rua ? &r->rua : &r->ruf);
	} else if (strcmp(t->name, "pct") == 0) {
		long v = strtol(t->value, &end, 10);

		if (*t->value == '\0' || *end != '\0' || v < 0 || v > 100) {
			t->error = "expected a number from 0 to 100";
		} else {
			r->pct = (int)v;
		}
	}
}

static void
set_error(struct dmarc_record *r, const char *msg, size_t offset)
{
	if (r->error == NULL) {
		r->error = msg;
		r->error_offset = offset;
	}
}

struct dmarc_record *
dmarc_record_parse(struct arena *a, const void *text, size_t len)
{
	struct dmarc_record *r = arena_alloc(a, sizeof(*r));
	struct taglist tl;
	const char *s;
	size_t i;

	r->text = arena_memdup(a, text, len);
	r->len = len;
	r->psd = 'u';
	r->t = 'n';
	r->adkim = r->aspf = 'r';
	r->fo = "0";
	r->pct = -1;
	s = r->text;
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t') {
			set_error(r, "control character in the record", i);
		} else if ((unsigned char)s[i] >= 0x7f) {
			set_error(r, "non-ASCII octet in the record", i);
		}
	}
	if (!dmarc_is_record(s, len)) {
		set_error(r, "the record does not start with \"v=DMARC1\"", 0);
	}
	taglist_parse(a, s, len, &tl);
	if (tl.error != NULL) {
		set_error(r, tl.error, tl.error_offset);
	}
	r->tags = arena_calloc(a, tl.n, sizeof(*r->tags));
	for (i = 0; i < tl.n; i++) {
		struct dmarc_tag *t = &r->tags[r->ntags++];

		/* RFC 9989 tag names are ABNF strings: case-insensitive. */
		t->name = dns_name_normalize(a, tl.tags[i].name);
		t->value = tl.tags[i].value;
		t->offset = tl.tags[i].offset;
		t->known = in_list(known_tags, sizeof(known_tags) /
		    sizeof(known_tags[0]), t->name);
		t->obsolete = in_list(obsolete_tags, sizeof(obsolete_tags) /
		    sizeof(obsolete_tags[0]), t->name);
	}
	for (i = 0; i < r->ntags; i++) {
		size_t j;

		for (j = 0; j < i; j++) {
			if (strcmp(r->tags[i].name, r->tags[j].name) == 0) {
				r->tags[i].error = "the tag appears twice";
			}
		}
		if (r->tags[i].error == NULL) {
			apply_tag(a, r, &r->tags[i]);
		}
	}
	return r;
}

bool
dmarc_record_has_valid_rua(const struct dmarc_record *r)
{
	size_t i;

	for (i = 0; i < r->nrua; i++) {
		if (r->rua[i].valid) {
			return true;
		}
	}
	return false;
}

const struct dmarc_tag *
dmarc_record_tag(const struct dmarc_record *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ntags; i++) {
		if (strcmp(r->tags[i].name, name) == 0) {
			return &r->tags[i];
		}
	}
	return NULL;
}
