/* The RDATA of --zone records: the presentation form of the types mailauth
 * answers from (RFC 1035 §5, RFC 3596 §2.4, RFC 6698 §2.2), the generic
 * form that any
 * type may use (RFC 3597 §5: \# LENGTH HEX), and the other types of real
 * zone files, read for their owner names only. */
#include "dns/zonereader.h"
#include "dns/zoneset.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "bounds.h"
#include "dns/name.h"
#include "util/arena.h"

/* How a type's RDATA is read and kept. */
enum form {
	FORM_A, FORM_AAAA, FORM_MX, FORM_NAME, FORM_SOA, FORM_TXT, FORM_TLSA,
	FORM_OTHER,	/* not used by mailauth: the owner name only */
};

struct rrtype {
	const char *name;	/* NULL for a TYPEn without a mnemonic */
	unsigned type;
	enum form form;
	size_t min, max;	/* RDATA fields in presentation form */
};

#define ANY ZONE_MAX_TOKENS
/* A type read for its owner name only, whatever its data. */
#define OTHER(name, type) { name, type, FORM_OTHER, 0, ANY }

/* Numbers from the IANA "Resource Record (RR) TYPEs" registry. */
static const struct rrtype types[] = {
	{ "A", DNS_T_A, FORM_A, 1, 1 },
	{ "AAAA", DNS_T_AAAA, FORM_AAAA, 1, 1 },
	{ "MX", DNS_T_MX, FORM_MX, 2, 2 },
	{ "PTR", DNS_T_PTR, FORM_NAME, 1, 1 },
	{ "CNAME", DNS_T_CNAME, FORM_NAME, 1, 1 },
	{ "NS", DNS_T_NS, FORM_NAME, 1, 1 },
	{ "SOA", DNS_T_SOA, FORM_SOA, 7, 7 },
	{ "TXT", DNS_T_TXT, FORM_TXT, 1, ANY },
	{ "SPF", ZONE_T_SPF, FORM_TXT, 1, ANY },
	OTHER("HINFO", 13),
	OTHER("RP", 17),
	OTHER("AFSDB", 18),
	OTHER("LOC", 29),
	OTHER("SRV", 33),
	OTHER("NAPTR", 35),
	OTHER("KX", 36),
	OTHER("CERT", 37),
	{ "DNAME", ZONE_T_DNAME, FORM_NAME, 1, 1 },
	OTHER("APL", 42),
	OTHER("DS", 43),
	OTHER("SSHFP", 44),
	OTHER("IPSECKEY", 45),
	OTHER("RRSIG", 46),
	OTHER("NSEC", 47),
	OTHER("DNSKEY", 48),
	OTHER("DHCID", 49),
	OTHER("NSEC3", 50),
	OTHER("NSEC3PARAM", 51),
	{ "TLSA", DNS_T_TLSA, FORM_TLSA, 4, ANY },
	OTHER("SMIMEA", 53),
	OTHER("HIP", 55),
	OTHER("CDS", 59),
	OTHER("CDNSKEY", 60),
	OTHER("OPENPGPKEY", 61),
	OTHER("CSYNC", 62),
	OTHER("ZONEMD", 63),
	OTHER("SVCB", 64),
	OTHER("HTTPS", 65),
	OTHER("EUI48", 108),
	OTHER("EUI64", 109),
	OTHER("URI", 256),
	OTHER("CAA", 257),
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

bool
zone_is_ttl(const struct token *t)
{
	size_t i;

	if (t->quoted || t->len == 0 || !isdigit((unsigned char)t->text[0])) {
		return false;
	}
	for (i = 0; i < t->len; i++) {
		if (!isdigit((unsigned char)t->text[i]) &&
		    !strchr("smhdwSMHDW", t->text[i])) {
			return false;
		}
	}
	return true;
}

static bool
parse_number(const struct token *t, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (t->quoted || t->len == 0 || !isdigit((unsigned char)t->text[0])) {
		return false;
	}
	errno = 0;
	v = strtoul(t->text, &end, 10);
	if (errno != 0 || *end != '\0' || v > max) {
		return false;
	}
	*out = v;
	return true;
}

const char *
zone_type_name(unsigned type)
{
	static _Thread_local char other[16];
	size_t i;

	for (i = 0; i < NTYPES; i++) {
		if (types[i].type == type) {
			return types[i].name;
		}
	}
	snprintf(other, sizeof(other), "TYPE%u", type);
	return other;
}

/* The type a token names: a mnemonic, or TYPEn (RFC 3597 §5) for any
 * number, known or not. */
static bool
lookup_type(const struct token *t, struct rrtype *out)
{
	unsigned long v;
	struct token num;
	size_t i;

	if (t->quoted) {
		return false;
	}
	if (strncasecmp(t->text, "TYPE", 4) == 0 && t->len > 4) {
		num = *t;
		num.text += 4;
		num.len -= 4;
		if (!parse_number(&num, 65535, &v)) {
			return false;
		}
		for (i = 0; i < NTYPES && types[i].type != v; i++) {
		}
		if (i == NTYPES) {
			*out = (struct rrtype){ NULL, (unsigned)v, FORM_OTHER,
			    0, 0 };
			return true;
		}
	} else {
		for (i = 0; i < NTYPES &&
		    strcasecmp(t->text, types[i].name) != 0; i++) {
		}
	}
	if (i < NTYPES) {
		*out = types[i];
	}
	return i < NTYPES;
}

static void
keep_strings(struct reader *r, struct zone_rr *rr, const struct token *t,
    size_t n)
{
	struct dns_bytes *s = arena_calloc(r->zs->arena, n, sizeof(*s));
	size_t i;

	for (i = 0; i < n; i++) {
		s[i].data = (const unsigned char *)t[i].text;
		s[i].len = t[i].len;
	}
	rr->rd.txt.strings = s;
	rr->rd.txt.nstrings = n;
}

static int tlsa_rdata(struct reader *r, struct zone_rr *rr,
    const struct token *t, size_t n);

static int
presentation_rdata(struct reader *r, struct zone_rr *rr, enum form form,
    const struct token *t, size_t n)
{
	unsigned long v;
	size_t i;

	switch (form) {
	case FORM_A:
	case FORM_AAAA:
		if (!ip_parse(t[0].text, &rr->rd.addr) ||
		    rr->rd.addr.family != (form == FORM_A ? AF_INET :
		    AF_INET6)) {
			return zone_fail(r, "bad %s address '%s'", form ==
			    FORM_A ? "IPv4" : "IPv6", zone_shown(&t[0]));
		}
		return 0;
	case FORM_MX:
		if (!parse_number(&t[0], 65535, &v)) {
			return zone_fail(r, "bad MX preference '%s'",
			    zone_shown(&t[0]));
		}
		rr->rd.mx.preference = (unsigned)v;
		rr->rd.mx.host = zone_name_field(r, &t[1]);
		return rr->rd.mx.host ? 0 : -1;
	case FORM_NAME:
		rr->rd.name = zone_name_field(r, &t[0]);
		return rr->rd.name ? 0 : -1;
	case FORM_SOA:
		if (zone_name_field(r, &t[0]) == NULL ||
		    zone_name_field(r, &t[1]) == NULL) {
			return -1;
		}
		for (i = 2; i < 7; i++) {
			if (!parse_number(&t[i], UINT32_MAX, &v) &&
			    !(i > 2 && zone_is_ttl(&t[i]))) {
				return zone_fail(r, "bad SOA number '%s'",
				    zone_shown(&t[i]));
			}
		}
		return 0;
	case FORM_TXT:
		keep_strings(r, rr, t, n);
		return 0;
	case FORM_TLSA:
		return tlsa_rdata(r, rr, t, n);
	case FORM_OTHER:
		return 0;
	}
	return 0;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The hex words of the generic form, joined (RFC 3597 §5). Returns the
 * octets, or NULL after zone_fail(). */
static unsigned char *
generic_octets(struct reader *r, const struct token *t, size_t n,
    size_t *len)
{
	unsigned long want;
	unsigned char *out;
	size_t i, j, digits = 0, k = 0;

	if (n == 0 || !parse_number(&t[0], 65535, &want)) {
		zone_fail(r, "\\# needs the RDATA length: \\# LENGTH HEX "
		    "(RFC 3597 §5)");
		return NULL;
	}
	for (i = 1; i < n; i++) {
		for (j = 0; j < t[i].len; j++) {
			if (t[i].quoted || hex_digit(t[i].text[j]) < 0) {
				zone_fail(r, "bad hex '%s' in the generic form",
				    zone_shown(&t[i]));
				return NULL;
			}
		}
		digits += t[i].len;
	}
	if (digits != 2 * want) {
		zone_fail(r, "the generic form promises %lu octets and holds "
		    "%zu hex digits", want, digits);
		return NULL;
	}
	out = arena_alloc(r->zs->arena, want + 1);
	for (i = 1; i < n; i++) {
		for (j = 0; j < t[i].len; j++, k++) {
			out[k / 2] = (unsigned char)(k % 2 ? out[k / 2] |
			    hex_digit(t[i].text[j]) : hex_digit(t[i].text[j])
			    << 4);
		}
	}
	*len = want;
	return out;
}

/* RFC 6698 §2.2: usage, selector, matching type, then the certificate
 * association data in hex, which may be split by blanks. */
static int
tlsa_rdata(struct reader *r, struct zone_rr *rr, const struct token *t,
    size_t n)
{
	struct dns_tlsa *tl = &rr->rd.tlsa;
	unsigned long v[3];
	unsigned char *data;
	size_t i, j, digits = 0, k = 0;

	for (i = 0; i < 3; i++) {
		if (!parse_number(&t[i], 255, &v[i])) {
			return zone_fail(r, "bad TLSA number '%s'",
			    zone_shown(&t[i]));
		}
	}
	for (i = 3; i < n; i++) {
		for (j = 0; j < t[i].len; j++) {
			if (t[i].quoted || hex_digit(t[i].text[j]) < 0) {
				return zone_fail(r, "bad hex '%s' in TLSA data",
				    zone_shown(&t[i]));
			}
		}
		digits += t[i].len;
	}
	if (digits % 2 != 0) {
		return zone_fail(r, "TLSA data has an odd number of hex digits");
	}
	data = arena_alloc(r->zs->arena, digits / 2 + 1);
	for (i = 3; i < n; i++) {
		for (j = 0; j < t[i].len; j++, k++) {
			data[k / 2] = (unsigned char)(k % 2 ? data[k / 2] |
			    hex_digit(t[i].text[j]) : hex_digit(t[i].text[j])
			    << 4);
		}
	}
	tl->usage = (unsigned)v[0];
	tl->selector = (unsigned)v[1];
	tl->mtype = (unsigned)v[2];
	tl->data = data;
	tl->len = digits / 2;
	return 0;
}

/* An uncompressed name on the wire (RFC 1035 §3.1) at d[*at], as text
 * without the final dot; NULL when it runs past len. */
static const char *
wire_name(struct reader *r, const unsigned char *d, size_t len, size_t *at)
{
	char text[DNS_NAME_MAX + 2];
	size_t n = 0;

	while (*at < len && d[*at] != 0) {
		size_t l = d[*at];

		if (l > DNS_LABEL_MAX || *at + 1 + l > len ||
		    n + l + 1 >= sizeof(text)) {
			return NULL;
		}
		if (n > 0) {
			text[n++] = '.';
		}
		memcpy(text + n, d + *at + 1, l);
		n += l;
		*at += 1 + l;
	}
	if (*at >= len) {
		return NULL;
	}
	(*at)++;
	text[n] = '\0';
	return dns_name_normalize(r->zs->arena, text);
}

/* TXT RDATA: character-strings, each a length octet and its octets. */
static bool
wire_strings(struct reader *r, struct zone_rr *rr, const unsigned char *d,
    size_t len)
{
	struct dns_bytes *s = arena_calloc(r->zs->arena, len, sizeof(*s));
	size_t at = 0, n = 0;

	while (at < len) {
		if (at + 1 + d[at] > len) {
			return false;
		}
		s[n].data = (const unsigned char *)arena_memdup(r->zs->arena,
		    d + at + 1, d[at]);
		s[n++].len = d[at];
		at += 1 + (size_t)d[at];
	}
	rr->rd.txt.strings = s;
	rr->rd.txt.nstrings = n;
	return n > 0;
}

static int
generic_rdata(struct reader *r, struct zone_rr *rr, enum form form,
    const struct token *t, size_t n)
{
	size_t len = 0, at = 0;
	const unsigned char *d = generic_octets(r, t, n, &len);
	bool ok = true;

	if (d == NULL) {
		return -1;
	}
	switch (form) {
	case FORM_A:
	case FORM_AAAA:
		ok = len == (form == FORM_A ? 4u : 16u);
		rr->rd.addr.family = form == FORM_A ? AF_INET : AF_INET6;
		memcpy(rr->rd.addr.bytes, d, ok ? len : 0);
		break;
	case FORM_MX:
		at = 2;
		rr->rd.mx.preference = len > 2 ? (unsigned)(d[0] << 8 | d[1]) :
		    0;
		rr->rd.mx.host = len > 2 ? wire_name(r, d, len, &at) : NULL;
		ok = rr->rd.mx.host != NULL && at == len;
		break;
	case FORM_NAME:
		rr->rd.name = wire_name(r, d, len, &at);
		ok = rr->rd.name != NULL && at == len;
		break;
	case FORM_SOA:
		ok = wire_name(r, d, len, &at) != NULL &&
		    wire_name(r, d, len, &at) != NULL && at + 20 == len;
		break;
	case FORM_TXT:
		ok = wire_strings(r, rr, d, len);
		break;
	case FORM_TLSA:
		ok = len >= 3;
		rr->rd.tlsa.usage = ok ? d[0] : 0;
		rr->rd.tlsa.selector = ok ? d[1] : 0;
		rr->rd.tlsa.mtype = ok ? d[2] : 0;
		rr->rd.tlsa.data = d + (ok ? 3 : 0);
		rr->rd.tlsa.len = ok ? len - 3 : 0;
		break;
	case FORM_OTHER:
		break;
	}
	if (!ok) {
		return zone_fail(r, "%s data in the generic form does not "
		    "parse", zone_type_name(rr->type));
	}
	return 0;
}

int
zone_add_record(struct reader *r, const char *owner, size_t first)
{
	struct dns_zoneset *zs = r->zs;
	const struct token *t = &r->tokens[first];
	size_t n = r->ntokens - first;
	struct rrtype ty;
	struct zone_rr rr;
	int rc;

	if (n == 0) {
		return zone_fail(r, "missing record type");
	}
	if (!lookup_type(t, &ty)) {
		return zone_fail(r, "unknown record type '%s'", zone_shown(t));
	}
	if (zs->n >= ZONE_MAX_RECORDS) {
		return zone_fail(r, "more than %d records", ZONE_MAX_RECORDS);
	}
	memset(&rr, 0, sizeof(rr));
	rr.owner = owner;
	rr.type = ty.type;
	/* What mailauth never answers is kept for the name's existence. */
	rr.opaque = ty.form == FORM_OTHER || ty.form == FORM_SOA;
	if (n > 1 && t[1].generic) {
		rc = generic_rdata(r, &rr, ty.form, t + 2, n - 2);
	} else if (ty.name == NULL) {
		return zone_fail(r, "%s needs its data in the generic form: "
		    "\\# LENGTH HEX (RFC 3597 §5)", zone_shown(t));
	} else if (n - 1 < ty.min || n - 1 > ty.max) {
		return zone_fail(r, "%s record needs %zu field%s, found %zu",
		    ty.name, ty.min, ty.min == 1 ? "" : "s", n - 1);
	} else {
		rc = presentation_rdata(r, &rr, ty.form, t + 1, n - 1);
	}
	if (rc != 0) {
		return -1;
	}
	if (rr.type == DNS_T_SOA) {
		zoneset_add_apex(zs, owner);
		r->saw_soa = true;
	}
	zoneset_add_record(zs, &rr);
	return 0;
}
