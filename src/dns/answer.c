#include "dns/answer.h"

#include <ares.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "util/arena.h"
#include "util/safe.h"

/* Header bits c-ares 1.18 has no accessor for (RFC 1035 §4.1.1, RFC 4035
 * §3.2.3): read from the buffer, which stays portable to later c-ares
 * releases that drop <ares_dns.h>. */
#define HDR_SIZE 12
#define HDR_RCODE(h) ((h)[3] & 0x0f)
#define HDR_AD(h) (((h)[3] & 0x20) != 0)
#define HDR_QR(h) (((h)[2] & 0x80) != 0)
#define HDR_TC(h) (((h)[2] & 0x02) != 0)
#define HDR_ANCOUNT(h) ((unsigned)((h)[6] << 8 | (h)[7]))
#define HDR_NSCOUNT(h) ((unsigned)((h)[8] << 8 | (h)[9]))
#define HDR_ARCOUNT(h) ((unsigned)((h)[10] << 8 | (h)[11]))

static const struct {
	enum dns_type type;
	const char *name;
} type_names[] = {
	{ DNS_T_A, "A" }, { DNS_T_NS, "NS" }, { DNS_T_CNAME, "CNAME" },
	{ DNS_T_SOA, "SOA" }, { DNS_T_PTR, "PTR" }, { DNS_T_MX, "MX" },
	{ DNS_T_TXT, "TXT" }, { DNS_T_AAAA, "AAAA" }, { DNS_T_TLSA, "TLSA" },
};

const char *
dns_type_name(enum dns_type type)
{
	static _Thread_local char other[16];
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (type_names[i].type == type) {
			return type_names[i].name;
		}
	}
	snprintf(other, sizeof(other), "TYPE%u", (unsigned)type);
	return other;
}

bool
dns_type_parse(const char *s, enum dns_type *out)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (strcasecmp(type_names[i].name, s) == 0) {
			*out = type_names[i].type;
			return true;
		}
	}
	return false;
}

const char *
dns_kind_name(enum dns_kind kind)
{
	switch (kind) {
	case DNS_ANS_RECORDS: return "records";
	case DNS_ANS_NXDOMAIN: return "nxdomain";
	case DNS_ANS_NODATA: return "nodata";
	case DNS_ANS_SERVFAIL: return "servfail";
	case DNS_ANS_REFUSED: return "refused";
	case DNS_ANS_RCODE: return "error-rcode";
	case DNS_ANS_TIMEOUT: return "timeout";
	case DNS_ANS_MALFORMED: return "malformed";
	case DNS_ANS_CNAME_LOOP: return "cname-loop";
	case DNS_ANS_NETERR: return "network-error";
	case DNS_ANS_BADNAME: return "bad-name";
	case DNS_ANS_SKIPPED: return "skipped";
	}
	return "unknown";
}

bool
dns_kind_is_void(enum dns_kind kind)
{
	return kind == DNS_ANS_NXDOMAIN || kind == DNS_ANS_NODATA;
}

bool
dns_kind_is_failure(enum dns_kind kind)
{
	return kind != DNS_ANS_RECORDS && !dns_kind_is_void(kind) &&
	    kind != DNS_ANS_BADNAME;
}

bool
dns_answer_cut_by_deadline(const struct dns_answer *ans)
{
	return ans != NULL && ans->kind == DNS_ANS_TIMEOUT &&
	    ans->error != NULL && strncmp(ans->error, DNS_DEADLINE_WHY,
	    strlen(DNS_DEADLINE_WHY)) == 0;
}

const char *
dns_answer_retry_hint(const struct dns_answer *ans)
{
	return dns_answer_cut_by_deadline(ans) ? DNS_DEADLINE_HINT : NULL;
}

const char *
dns_answer_failure(struct arena *a, const struct dns_answer *ans)
{
	if (dns_answer_cut_by_deadline(ans)) {
		return arena_printf(a, "the %s lookup for %s was %s",
		    dns_type_name(ans->type), safe_str(a, ans->name),
		    ans->error);
	}
	return arena_printf(a, "the %s lookup for %s failed (%s%s%s)",
	    dns_type_name(ans->type), safe_str(a, ans->name),
	    dns_kind_name(ans->kind), ans->error ? ": " : "",
	    ans->error ? safe_str(a, ans->error) : "");
}

bool
dns_answer_has_addr(const struct dns_answer *ans, const struct ip_addr *ip)
{
	size_t i;

	for (i = 0; ans != NULL && ans->kind == DNS_ANS_RECORDS &&
	    i < ans->count; i++) {
		if (ip_equal(&ans->addrs[i], ip)) {
			return true;
		}
	}
	return false;
}

struct dns_answer *
dns_answer_without_response(struct arena *a, const char *name,
    enum dns_type type, enum dns_kind kind, const char *why)
{
	struct dns_answer *ans = arena_alloc(a, sizeof(*ans));

	ans->name = arena_strdup(a, name);
	ans->type = type;
	ans->kind = kind;
	ans->source = DNS_SRC_NETWORK;
	ans->rcode = -1;
	ans->error = why ? arena_strdup(a, why) : NULL;
	return ans;
}

static enum dns_kind
kind_from_status(int status)
{
	switch (status) {
	case ARES_ETIMEOUT:
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		return DNS_ANS_TIMEOUT;
	case ARES_EBADNAME:
		return DNS_ANS_BADNAME;
	case ARES_EBADRESP:
	case ARES_EFORMERR:
		return DNS_ANS_MALFORMED;
	default:
		return DNS_ANS_NETERR;
	}
}

/* Copies the character-strings of each TXT RR, keeping the split as
 * published (ares_parse_txt_reply_ext() gives one node per string;
 * record_start marks the first string of an RR). */
static enum dns_kind
take_txt(struct arena *a, struct dns_answer *ans, const unsigned char *abuf,
    int alen)
{
	struct ares_txt_ext *list = NULL, *n;
	struct dns_txt *txt;
	struct dns_bytes *str;
	size_t nrr = 0, nstr = 0, ri = 0, si = 0;
	int status = ares_parse_txt_reply_ext(abuf, alen, &list);

	if (status == ARES_ENODATA || (status == ARES_SUCCESS && !list)) {
		return DNS_ANS_NODATA;
	}
	if (status != ARES_SUCCESS) {
		ares_free_data(list);
		return status == ARES_ENOMEM ? DNS_ANS_NETERR :
		    DNS_ANS_MALFORMED;
	}
	for (n = list; n != NULL; n = n->next) {
		nrr += n->record_start || n == list;
		nstr++;
	}
	txt = arena_calloc(a, nrr, sizeof(*txt));
	str = arena_calloc(a, nstr, sizeof(*str));
	for (n = list; n != NULL; n = n->next) {
		if (n != list && n->record_start) {
			ri++;
		}
		if (txt[ri].strings == NULL) {
			txt[ri].strings = &str[si];
		}
		str[si].data = (const unsigned char *)arena_memdup(a, n->txt,
		    n->length);
		str[si].len = n->length;
		txt[ri].nstrings++;
		si++;
	}
	ares_free_data(list);
	ans->txt = txt;
	ans->count = nrr;
	return DNS_ANS_RECORDS;
}

/* What a c-ares parser that fills a hostent says of the answer:
 * DNS_ANS_RECORDS when there is a hostent to read. */
static enum dns_kind
hostent_kind(int status, const struct hostent *host)
{
	if (status == ARES_ENODATA) {
		return DNS_ANS_NODATA;
	}
	return status == ARES_SUCCESS && host != NULL ? DNS_ANS_RECORDS :
	    DNS_ANS_MALFORMED;
}

/* The length of a hostent's NULL-terminated list (NULL: none). */
static size_t
list_length(char *const *list)
{
	size_t n = 0;

	while (list != NULL && list[n] != NULL) {
		n++;
	}
	return n;
}

static enum dns_kind
take_addrs(struct arena *a, struct dns_answer *ans, const unsigned char *abuf,
    int alen)
{
	struct hostent *host = NULL;
	struct ip_addr *addrs;
	enum dns_kind kind;
	size_t n, i;
	int status, family, len;

	if (ans->type == DNS_T_A) {
		status = ares_parse_a_reply(abuf, alen, &host, NULL, NULL);
		family = AF_INET;
		len = 4;
	} else {
		status = ares_parse_aaaa_reply(abuf, alen, &host, NULL, NULL);
		family = AF_INET6;
		len = 16;
	}
	if ((kind = hostent_kind(status, host)) != DNS_ANS_RECORDS) {
		return kind;
	}
	n = list_length(host->h_addr_list);
	addrs = arena_calloc(a, n, sizeof(*addrs));
	for (i = 0; i < n; i++) {
		addrs[i].family = family;
		memcpy(addrs[i].bytes, host->h_addr_list[i], (size_t)len);
	}
	ares_free_hostent(host);
	ans->addrs = addrs;
	ans->count = n;
	return n ? DNS_ANS_RECORDS : DNS_ANS_NODATA;
}

static enum dns_kind
take_mx(struct arena *a, struct dns_answer *ans, const unsigned char *abuf,
    int alen)
{
	struct ares_mx_reply *list = NULL, *n;
	struct dns_mx *mx;
	size_t count = 0, i = 0;
	int status = ares_parse_mx_reply(abuf, alen, &list);

	if (status == ARES_ENODATA || (status == ARES_SUCCESS && !list)) {
		return DNS_ANS_NODATA;
	}
	if (status != ARES_SUCCESS) {
		ares_free_data(list);
		return DNS_ANS_MALFORMED;
	}
	for (n = list; n != NULL; n = n->next) {
		count++;
	}
	mx = arena_calloc(a, count, sizeof(*mx));
	for (n = list; n != NULL; n = n->next, i++) {
		mx[i].preference = n->priority;
		mx[i].host = arena_strdup(a, n->host);
	}
	ares_free_data(list);
	ans->mx = mx;
	ans->count = count;
	return DNS_ANS_RECORDS;
}

static enum dns_kind
take_names(struct arena *a, struct dns_answer *ans, const unsigned char *abuf,
    int alen)
{
	struct hostent *host = NULL;
	const char **names;
	enum dns_kind kind;
	size_t n, i;
	int status;

	if (ans->type == DNS_T_PTR) {
		status = ares_parse_ptr_reply(abuf, alen, NULL, 0, AF_INET,
		    &host);
	} else {
		status = ares_parse_ns_reply(abuf, alen, &host);
	}
	if ((kind = hostent_kind(status, host)) != DNS_ANS_RECORDS) {
		return kind;
	}
	/* Every PTR or NS name is in h_aliases; h_name is only the last one
	 * seen (ares_parse_ptr_reply() in c-ares 1.18). */
	n = list_length(host->h_aliases);
	names = arena_calloc(a, n + 1, sizeof(*names));
	for (i = 0; i < n; i++) {
		names[i] = arena_strdup(a, host->h_aliases[i]);
	}
	ares_free_hostent(host);
	ans->names = names;
	ans->count = n;
	return n ? DNS_ANS_RECORDS : DNS_ANS_NODATA;
}

/* Skips one encoded name at p, returning its length in the message, or -1.
 * c-ares 1.18 has no parser for CNAME RRs, so the answer
 * section is read with ares_expand_name(). */
static long
skip_name(const unsigned char *p, const unsigned char *abuf, int alen,
    char **name)
{
	long len = 0;

	if (ares_expand_name(p, abuf, alen, name, &len) != ARES_SUCCESS) {
		return -1;
	}
	return len;
}

void
dns_answer_set_cname_loop(struct arena *a, struct dns_answer *ans,
    const char *const *names, size_t n)
{
	size_t first = 0, i, len = 0;
	char *text, *p;

	while (first + 1 < n && strcasecmp(names[first], names[n - 1]) != 0) {
		first++;
	}
	for (i = first; i < n; i++) {
		len += strlen(names[i]) + 4;
	}
	p = text = arena_alloc(a, len + 1);
	for (i = first; i < n; i++) {
		p += sprintf(p, "%s%s", i > first ? " -> " : "", names[i]);
	}
	ans->kind = DNS_ANS_CNAME_LOOP;
	ans->error = text;
	ans->count = 0;
	/* Where the chain led means nothing on a loop: its first link. */
	ans->cname = n > 1 ? names[1] : NULL;
}

/* The CNAME chain of an answer section, from the question name. */
struct cname_chain {
	const char **names;	/* names[0] is the question */
	size_t n, cap;
	bool loops;		/* the last name is also an earlier one */
};

/* Adds the next link; a name already on the chain closes a loop. */
static void
chain_push(struct arena *a, struct cname_chain *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		c->loops |= strcasecmp(c->names[i], name) == 0;
	}
	c->names = array_grow(a, c->names, c->n, &c->cap, sizeof(*c->names));
	c->names[c->n++] = arena_strdup(a, name);
}

/* Reads every RR of the message: the answer section's CNAME chain from
 * the question name (into chain, which holds the question), and that the
 * authority and additional sections fit the message as their counts say
 * (RFC 1035 §4.1). c-ares 1.18 checks only what its parsers read. Returns
 * false for a message that does not hold together. */
static bool
read_sections(struct arena *a, const unsigned char *abuf, int alen,
    struct cname_chain *chain)
{
	const unsigned char *p = abuf + HDR_SIZE, *end = abuf + alen;
	unsigned ancount = HDR_ANCOUNT(abuf), total, i;
	char *name = NULL;
	long len;

	total = ancount + HDR_NSCOUNT(abuf) + HDR_ARCOUNT(abuf);
	len = skip_name(p, abuf, alen, &name);
	ares_free_string(name);
	if (len < 0 || end - p < len + 4) {
		return false;
	}
	p += len + 4;
	for (i = 0; i < total; i++) {
		unsigned type, rdlen;
		char *rrname = NULL;

		len = skip_name(p, abuf, alen, &rrname);
		if (len < 0 || end - p < len + 10) {
			ares_free_string(rrname);
			return false;
		}
		p += len;
		type = (unsigned)(p[0] << 8 | p[1]);
		rdlen = (unsigned)(p[8] << 8 | p[9]);
		p += 10;
		if ((size_t)(end - p) < rdlen) {
			ares_free_string(rrname);
			return false;
		}
		if (i < ancount && type == DNS_T_CNAME && !chain->loops &&
		    strcasecmp(rrname, chain->names[chain->n - 1]) == 0) {
			char *data = NULL;

			if (skip_name(p, abuf, alen, &data) < 0) {
				ares_free_string(rrname);
				return false;
			}
			chain_push(a, chain, data);
			ares_free_string(data);
		}
		ares_free_string(rrname);
		p += rdlen;
	}
	return true;
}

static enum dns_kind
take_cname(struct arena *a, struct dns_answer *ans)
{
	const char **names;

	if (ans->cname == NULL) {
		return DNS_ANS_NODATA;
	}
	names = arena_calloc(a, 2, sizeof(*names));
	names[0] = ans->cname;
	ans->names = names;
	ans->count = 1;
	return DNS_ANS_RECORDS;
}

/* TLSA records (RFC 6698 §2.1) of the answer section whose owner is the
 * question or where its CNAME chain led; c-ares 1.18 has no parser. */
static enum dns_kind
take_tlsa(struct arena *a, struct dns_answer *ans, const unsigned char *abuf,
    int alen)
{
	const unsigned char *p = abuf + HDR_SIZE, *end = abuf + alen;
	unsigned ancount = HDR_ANCOUNT(abuf), i;
	struct dns_tlsa *tlsa = arena_calloc(a, ancount, sizeof(*tlsa));
	const char *owner = ans->cname ? ans->cname : ans->name;
	char *name = NULL;
	long len;
	size_t n = 0;

	/* read_sections() has checked that every RR fits the message. */
	len = skip_name(p, abuf, alen, &name);
	ares_free_string(name);
	p += len + 4;
	for (i = 0; i < ancount; i++) {
		unsigned type, rdlen;
		bool mine;

		name = NULL;
		len = skip_name(p, abuf, alen, &name);
		mine = len >= 0 && strcasecmp(name, owner) == 0;
		ares_free_string(name);
		if (len < 0) {
			return DNS_ANS_MALFORMED;
		}
		p += len;
		type = (unsigned)(p[0] << 8 | p[1]);
		rdlen = (unsigned)(p[8] << 8 | p[9]);
		p += 10;
		if (mine && type == DNS_T_TLSA && rdlen >= 3 && p + rdlen <= end) {
			tlsa[n].usage = p[0];
			tlsa[n].selector = p[1];
			tlsa[n].mtype = p[2];
			tlsa[n].len = rdlen - 3;
			tlsa[n].data = (const unsigned char *)arena_memdup(a,
			    p + 3, rdlen - 3);
			n++;
		}
		p += rdlen;
	}
	ans->tlsa = tlsa;
	ans->count = n;
	return n ? DNS_ANS_RECORDS : DNS_ANS_NODATA;
}

static enum dns_kind
take_records(struct arena *a, struct dns_answer *ans,
    const unsigned char *abuf, int alen)
{
	switch (ans->type) {
	case DNS_T_TXT:
		return take_txt(a, ans, abuf, alen);
	case DNS_T_A:
	case DNS_T_AAAA:
		return take_addrs(a, ans, abuf, alen);
	case DNS_T_MX:
		return take_mx(a, ans, abuf, alen);
	case DNS_T_PTR:
	case DNS_T_NS:
		return take_names(a, ans, abuf, alen);
	case DNS_T_CNAME:
		return take_cname(a, ans);
	case DNS_T_TLSA:
		return take_tlsa(a, ans, abuf, alen);
	case DNS_T_SOA:
		break;
	}
	return HDR_ANCOUNT(abuf) ? DNS_ANS_RECORDS : DNS_ANS_NODATA;
}

static enum dns_kind
kind_from_rcode(int rcode)
{
	switch (rcode) {
	case 0: return DNS_ANS_RECORDS;
	case 2: return DNS_ANS_SERVFAIL;
	case 3: return DNS_ANS_NXDOMAIN;
	case 5: return DNS_ANS_REFUSED;
	default: return DNS_ANS_RCODE;
	}
}

struct dns_answer *
dns_answer_from_wire(struct arena *a, const char *name, enum dns_type type,
    int status, const unsigned char *abuf, int alen)
{
	struct dns_answer *ans;
	struct cname_chain chain = { NULL, 0, 0, false };

	if (abuf == NULL || alen < HDR_SIZE) {
		enum dns_kind kind = abuf ? DNS_ANS_MALFORMED :
		    kind_from_status(status);

		return dns_answer_without_response(a, name, type, kind,
		    ares_strerror(abuf ? ARES_EBADRESP : status));
	}
	ans = dns_answer_without_response(a, name, type, DNS_ANS_RECORDS,
	    NULL);
	ans->rcode = HDR_RCODE(abuf);
	ans->ad = HDR_AD(abuf);
	ans->size = (size_t)alen;
	/* A message that is not a response (QR clear), one still truncated
	 * after c-ares' retry over TCP, or one whose sections overrun it
	 * cannot be trusted for anything. */
	chain_push(a, &chain, name);
	if (!HDR_QR(abuf) || HDR_TC(abuf) ||
	    !read_sections(a, abuf, alen, &chain)) {
		ans->kind = DNS_ANS_MALFORMED;
		ans->error = !HDR_QR(abuf) ? "not a response (QR bit clear)" :
		    HDR_TC(abuf) ? "truncated response (TC bit set)" :
		    "the message's sections overrun it";
		return ans;
	}
	ans->kind = kind_from_rcode(ans->rcode);
	ans->cname = chain.n > 1 ? chain.names[chain.n - 1] : NULL;
	/* A chain that comes back on itself never reaches the data, whatever
	 * the rcode of a server that stopped following it. */
	if (chain.loops && (ans->kind == DNS_ANS_RECORDS ||
	    ans->kind == DNS_ANS_NXDOMAIN)) {
		dns_answer_set_cname_loop(a, ans, chain.names, chain.n);
		return ans;
	}
	if (ans->kind == DNS_ANS_RECORDS) {
		ans->kind = HDR_ANCOUNT(abuf) == 0 ? DNS_ANS_NODATA :
		    take_records(a, ans, abuf, alen);
	}
	return ans;
}
