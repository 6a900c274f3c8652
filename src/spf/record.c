#include "spf/record.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "spf/macro.h"
#include "util/arena.h"

static const struct {
	const char *name;
	enum spf_mech mech;
} mechanisms[] = {
	{ "all", SPF_MECH_ALL }, { "include", SPF_MECH_INCLUDE },
	{ "a", SPF_MECH_A }, { "mx", SPF_MECH_MX }, { "ptr", SPF_MECH_PTR },
	{ "ip4", SPF_MECH_IP4 }, { "ip6", SPF_MECH_IP6 },
	{ "exists", SPF_MECH_EXISTS },
};

#define NMECH (sizeof(mechanisms) / sizeof(mechanisms[0]))
#define VERSION "v=spf1"
#define VERSION_LEN 6

bool
spf_is_record(const void *text, size_t len)
{
	const char *p = text;

	return len >= VERSION_LEN && strncasecmp(p, VERSION, VERSION_LEN) == 0 &&
	    (len == VERSION_LEN || p[VERSION_LEN] == ' ');
}

const char *
spf_term_name(const struct spf_term *t)
{
	switch (t->kind) {
	case SPF_TERM_MECHANISM:
		return mechanisms[t->mech].name;
	case SPF_TERM_REDIRECT:
		return "redirect";
	case SPF_TERM_EXP:
		return "exp";
	case SPF_TERM_UNKNOWN_MOD:
		return t->mod_name;
	case SPF_TERM_INVALID:
		break;
	}
	return "invalid";
}

bool
spf_term_queries_dns(const struct spf_term *t)
{
	if (t->kind == SPF_TERM_REDIRECT) {
		return true;
	}
	if (t->kind != SPF_TERM_MECHANISM) {
		return false;
	}
	switch (t->mech) {
	case SPF_MECH_INCLUDE:
	case SPF_MECH_A:
	case SPF_MECH_MX:
	case SPF_MECH_PTR:
	case SPF_MECH_EXISTS:
		return true;
	default:
		return false;
	}
}

static unsigned
macro_bit(char letter)
{
	static const char letters[] = "slodiphcrtv";
	const char *p = strchr(letters, letter);

	return p && letter ? 1u << (p - letters) : 0;
}

/* RFC 7208 §7.1: macro-expand = "%{" macro-letter transformers
 * *delimiter "}" / "%%" / "%_" / "%-". Returns the length of the
 * expand at s, or 0 when it is malformed. */
static size_t
macro_expand_len(const char *s, size_t len, bool explain, unsigned *letters)
{
	struct spf_macro_expr e;
	size_t n;

	if (len >= 2 && (s[1] == '%' || s[1] == '_' || s[1] == '-')) {
		return 2;
	}
	n = spf_macro_parse(s, len, explain, &e);
	if (n > 0) {
		*letters |= macro_bit(e.letter);
	}
	return n;
}

const char *
spf_macro_string_check(const char *s, size_t len, bool explain,
    size_t *where, unsigned *letters, bool *ends_in_expand)
{
	size_t i = 0;
	bool last_expand = false;

	*letters = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		last_expand = c == '%';
		if (c == '%') {
			size_t n = macro_expand_len(s + i, len - i, explain,
			    letters);

			if (n == 0) {
				*where = i;
				return "invalid macro (RFC 7208 §7.1)";
			}
			i += n;
		} else if ((c >= 0x21 && c <= 0x7e) || (explain && c == ' ')) {
			i++;
		} else {
			*where = i;
			return "character not allowed in a macro-string";
		}
	}
	if (ends_in_expand != NULL) {
		*ends_in_expand = last_expand;
	}
	return NULL;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
 * (RFC 7208 §7.1): not all digits, no hyphen at either end. */
static bool
is_toplabel(const char *s, size_t len)
{
	bool alpha = false, hyphen = false;
	size_t i;

	if (len == 0 || s[0] == '-' || s[len - 1] == '-') {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (isalpha((unsigned char)s[i])) {
			alpha = true;
		} else if (s[i] == '-') {
			hyphen = true;
		} else if (!isdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return alpha || hyphen;
}

/* domain-end = ( "." toplabel [ "." ] ) / macro-expand. */
static bool
has_domain_end(const char *s, size_t len, bool ends_in_expand)
{
	size_t end = len, dot;

	if (ends_in_expand) {
		return true;
	}
	if (end > 0 && s[end - 1] == '.') {
		end--;
	}
	for (dot = end; dot > 0 && s[dot - 1] != '.'; dot--) {
	}
	if (dot == 0) {
		return false;	/* a toplabel alone is not a domain-spec */
	}
	return is_toplabel(s + dot, end - dot);
}

static void
fail(struct spf_term *t, const char *msg, size_t rel)
{
	if (t->error == NULL) {
		t->error = msg;
		t->error_offset = t->offset + rel;
	}
}

static void
parse_domain_spec(struct arena *a, struct spf_term *t, const char *s,
    size_t len, size_t rel)
{
	size_t where = 0;
	bool expand_end = false;
	const char *err;

	t->domain_spec = arena_memdup(a, s, len);
	if (len == 0) {
		fail(t, "empty domain-spec", rel);
		return;
	}
	err = spf_macro_string_check(s, len, false, &where, &t->macros,
	    &expand_end);
	if (err != NULL) {
		fail(t, err, rel + where);
	} else if (!has_domain_end(s, len, expand_end)) {
		fail(t, "domain-spec must end in a macro or a top-level label "
		    "that is not all digits (RFC 7208 §7.1)", rel);
	}
}

/* Prefix lengths: "0" or digits without a leading zero, at most max
 * (RFC 7208 §5.6 and the ABNF of §12). */
static int
parse_prefix(const char *s, size_t len, int max)
{
	int v = 0;
	size_t i;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0')) {
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ], read
 * from the end of s. Returns the length of s before the suffix. */
static size_t
parse_dual_cidr(struct spf_term *t, const char *s, size_t len, size_t rel)
{
	size_t end = len, i;

	for (i = end; i > 0 && isdigit((unsigned char)s[i - 1]); i--) {
	}
	if (i >= 2 && i < end && s[i - 1] == '/' && s[i - 2] == '/') {
		t->cidr6 = parse_prefix(s + i, end - i, 128);
		if (t->cidr6 < 0) {
			fail(t, "invalid IPv6 prefix length", rel + i);
		}
		end = i - 2;
		for (i = end; i > 0 && isdigit((unsigned char)s[i - 1]); i--) {
		}
	}
	if (i >= 1 && i < end && s[i - 1] == '/') {
		t->cidr4 = parse_prefix(s + i, end - i, 32);
		if (t->cidr4 < 0) {
			fail(t, "invalid IPv4 prefix length", rel + i);
		}
		end = i - 1;
	}
	return end;
}

/* ip4-network = qnum "." qnum "." qnum "." qnum, no leading zeros. */
static bool
parse_ip4(const char *s, size_t len, struct ip_addr *out)
{
	char buf[16];
	size_t i, digits = 0, dots = 0;

	if (len >= sizeof(buf)) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (digits == 0) {
				return false;
			}
			dots++;
			digits = 0;
		} else if (isdigit((unsigned char)s[i])) {
			if (digits == 1 && s[i - 1] == '0') {
				return false;
			}
			digits++;
		} else {
			return false;
		}
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return dots == 3 && digits > 0 && ip_parse(buf, out) &&
	    out->family == AF_INET;
}

static void
parse_ip_network(struct spf_term *t, const char *s, size_t len, size_t rel)
{
	const char *slash = memchr(s, '/', len);
	size_t addrlen = slash ? (size_t)(slash - s) : len;
	bool v6 = t->mech == SPF_MECH_IP6;
	struct ip_addr ip;
	char buf[64];
	int prefix = v6 ? 128 : 32;

	if (slash != NULL) {
		prefix = parse_prefix(slash + 1, len - addrlen - 1,
		    v6 ? 128 : 32);
		if (prefix < 0) {
			fail(t, v6 ? "invalid IPv6 prefix length" :
			    "invalid IPv4 prefix length", rel + addrlen + 1);
			return;
		}
		(v6 ? &t->cidr6 : &t->cidr4)[0] = prefix;
	}
	if (v6) {
		bool ok = addrlen < sizeof(buf);

		if (ok) {
			memcpy(buf, s, addrlen);
			buf[addrlen] = '\0';
			ok = ip_parse(buf, &ip) && ip.family == AF_INET6;
		}
		if (!ok) {
			fail(t, "invalid IPv6 address", rel);
			return;
		}
	} else if (!parse_ip4(s, addrlen, &ip)) {
		fail(t, "invalid IPv4 address", rel);
		return;
	}
	t->net = ip_net_make(&ip, (unsigned)prefix);
	t->host_bits = !ip_equal(&ip, &t->net.addr);
}

/* The part after the mechanism name: ":" domain-spec and/or CIDR. */
static void
parse_mechanism_args(struct arena *a, struct spf_term *t, const char *s,
    size_t len, size_t rel)
{
	bool colon = len > 0 && s[0] == ':';
	size_t end;

	switch (t->mech) {
	case SPF_MECH_ALL:
		if (len > 0) {
			fail(t, "\"all\" takes no argument", rel);
		}
		break;
	case SPF_MECH_INCLUDE:
	case SPF_MECH_EXISTS:
		if (!colon) {
			fail(t, "expected ':' and a domain", rel);
			break;
		}
		parse_domain_spec(a, t, s + 1, len - 1, rel + 1);
		break;
	case SPF_MECH_PTR:
		if (colon) {
			parse_domain_spec(a, t, s + 1, len - 1, rel + 1);
		} else if (len > 0) {
			fail(t, "expected ':' and a domain", rel);
		}
		break;
	case SPF_MECH_A:
	case SPF_MECH_MX:
		end = parse_dual_cidr(t, s, len, rel);
		if (colon) {
			parse_domain_spec(a, t, s + 1, end - 1, rel + 1);
		} else if (end > 0) {
			fail(t, "expected ':' and a domain, or a prefix length",
			    rel);
		}
		break;
	case SPF_MECH_IP4:
	case SPF_MECH_IP6:
		if (!colon) {
			fail(t, "expected ':' and a network", rel);
			break;
		}
		parse_ip_network(t, s + 1, len - 1, rel + 1);
		break;
	}
}

/* name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) (RFC 7208 §6). */
static size_t
modifier_name_len(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !isalpha((unsigned char)s[0])) {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if (s[i] == '=') {
			return i;
		}
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i])) {
			return 0;
		}
	}
	return 0;
}

static void
parse_modifier(struct arena *a, struct spf_term *t, const char *s,
    size_t len, size_t namelen)
{
	size_t where = 0;
	const char *err;

	t->mod_name = arena_memdup(a, s, namelen);
	if (namelen == 8 && strncasecmp(s, "redirect", 8) == 0) {
		t->kind = SPF_TERM_REDIRECT;
	} else if (namelen == 3 && strncasecmp(s, "exp", 3) == 0) {
		t->kind = SPF_TERM_EXP;
	} else {
		t->kind = SPF_TERM_UNKNOWN_MOD;
		t->domain_spec = arena_memdup(a, s + namelen + 1,
		    len - namelen - 1);
		err = spf_macro_string_check(s + namelen + 1,
		    len - namelen - 1, false, &where, &t->macros, NULL);
		if (err != NULL) {
			fail(t, err, namelen + 1 + where);
		}
		return;
	}
	parse_domain_spec(a, t, s + namelen + 1, len - namelen - 1,
	    namelen + 1);
}

static void
parse_directive(struct arena *a, struct spf_term *t, const char *s,
    size_t len)
{
	size_t i = 0, namelen, m;

	if (len > 0 && strchr("+-~?", s[0]) != NULL) {
		t->qualifier = s[0];
		t->explicit_qualifier = true;
		i = 1;
	}
	for (namelen = 0; i + namelen < len && isalnum((unsigned char)
	    s[i + namelen]); namelen++) {
	}
	for (m = 0; m < NMECH; m++) {
		if (strlen(mechanisms[m].name) == namelen &&
		    strncasecmp(s + i, mechanisms[m].name, namelen) == 0) {
			break;
		}
	}
	if (m == NMECH) {
		t->kind = SPF_TERM_INVALID;
		fail(t, namelen ? "unknown mechanism" :
		    "expected a mechanism or a modifier", 0);
		return;
	}
	t->mech = mechanisms[m].mech;
	parse_mechanism_args(a, t, s + i + namelen, len - i - namelen,
	    i + namelen);
}

static void
parse_term(struct arena *a, struct spf_term *t, const char *s, size_t len)
{
	size_t namelen = modifier_name_len(s, len);

	t->qualifier = '+';
	t->cidr4 = t->cidr6 = -1;
	t->text = arena_memdup(a, s, len);
	if (namelen > 0) {
		parse_modifier(a, t, s, len, namelen);
	} else {
		t->kind = SPF_TERM_MECHANISM;
		parse_directive(a, t, s, len);
	}
}

/* Record-wide rules: printable US-ASCII only (RFC 7208 §4.5 and §12: the
 * ABNF has no room for other octets), and redirect= and exp= at most once
 * each (§6). */
static void
check_record(struct spf_record *r)
{
	size_t i;
	const struct spf_term *redirect = NULL, *exp = NULL;

	for (i = 0; i < r->len; i++) {
		unsigned char c = (unsigned char)r->text[i];

		if (c < 0x20 || c > 0x7e) {
			r->error = c >= 0x80 ? "non-ASCII octet in the record"
			    : "control character in the record";
			r->error_offset = i;
			return;
		}
	}
	for (i = 0; i < r->nterms; i++) {
		const struct spf_term *t = &r->terms[i];
		const struct spf_term **seen = t->kind == SPF_TERM_REDIRECT ?
		    &redirect : t->kind == SPF_TERM_EXP ? &exp : NULL;

		if (t->error != NULL && r->error == NULL) {
			r->error = t->error;
			r->error_offset = t->error_offset;
		}
		if (seen != NULL && *seen != NULL && r->error == NULL) {
			r->error = t->kind == SPF_TERM_REDIRECT ?
			    "redirect= appears more than once (RFC 7208 §6)" :
			    "exp= appears more than once (RFC 7208 §6)";
			r->error_offset = t->offset;
		}
		if (seen != NULL && *seen == NULL) {
			*seen = t;
		}
		if (t->kind == SPF_TERM_MECHANISM && t->mech == SPF_MECH_ALL &&
		    r->all == NULL) {
			r->all = t;
		}
	}
	r->redirect = redirect;
	r->exp = exp;
}

struct spf_record *
spf_record_parse(struct arena *a, const void *text, size_t len)
{
	struct spf_record *r = arena_alloc(a, sizeof(*r));
	const char *s;
	size_t i, start, n = 0;

	r->text = arena_memdup(a, text, len);
	r->len = len;
	s = r->text;
	if (!spf_is_record(s, len)) {
		r->error = "the record does not start with \"v=spf1\"";
		return r;
	}
	for (i = VERSION_LEN; i < len; i++) {
		n += s[i] != ' ' && (s[i - 1] == ' ');
	}
	r->terms = arena_calloc(a, n, sizeof(*r->terms));
	for (i = VERSION_LEN; i < len;) {
		while (i < len && s[i] == ' ') {
			i++;
		}
		if (i == len) {
			break;
		}
		for (start = i; i < len && s[i] != ' '; i++) {
		}
		r->terms[r->nterms].offset = start;
		r->terms[r->nterms].len = i - start;
		parse_term(a, &r->terms[r->nterms], s + start, i - start);
		r->nterms++;
	}
	check_record(r);
	return r;
}
