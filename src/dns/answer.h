/* One DNS answer, classified once: records, NXDOMAIN, NODATA or one of the
 * failures, with its rcode, AD bit, transport, size and round-trip time, so
 * that the void lookups of RFC 7208 §4.6.4, temperror and the user's
 * diagnosis all read the same facts. Answers and everything they
 * point to live in the resolver's arena: never free them, and do not keep
 * them past dns_resolver_destroy(). */
#ifndef MAILAUTH_DNS_ANSWER_H
#define MAILAUTH_DNS_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/ip.h"

struct arena;

enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_TLSA = 52,
};

enum dns_kind {
	DNS_ANS_RECORDS,	/* NOERROR with records of the type asked */
	DNS_ANS_NXDOMAIN,	/* the name does not exist (rcode 3) */
	DNS_ANS_NODATA,		/* the name exists, no records of the type */
	DNS_ANS_SERVFAIL,	/* rcode 2 */
	DNS_ANS_REFUSED,	/* rcode 5 */
	DNS_ANS_RCODE,		/* another error rcode (FORMERR, NOTIMP, ...) */
	DNS_ANS_TIMEOUT,	/* no answer in time, or the run's deadline */
	DNS_ANS_MALFORMED,	/* an answer that does not parse */
	DNS_ANS_CNAME_LOOP,	/* a CNAME chain that comes back to a name
				 * already on it: resolvers fail (SERVFAIL) */
	DNS_ANS_NETERR,		/* no server could be reached */
	DNS_ANS_BADNAME,	/* not asked: the name is not a valid DNS name */
	DNS_ANS_SKIPPED,	/* not asked: a per-run limit was reached */
};

enum dns_source {
	DNS_SRC_NETWORK,	/* asked a server */
	DNS_SRC_ZONE,		/* answered by a --zone file */
	DNS_SRC_DRAFT,		/* a record given on the command line */
	DNS_SRC_NONE,		/* not asked (BADNAME, SKIPPED) */
};

struct dns_bytes {
	const unsigned char *data;	/* NUL-appended, may contain NULs */
	size_t len;
};

struct dns_txt {
	const struct dns_bytes *strings; /* character-strings as published */
	size_t nstrings;
};

struct dns_mx {
	unsigned preference;
	const char *host;	/* "" for the root (a null MX, RFC 7505) */
};

/* RFC 6698 §2.1: one TLSA record. */
struct dns_tlsa {
	unsigned usage;		/* 0..3: PKIX-TA, PKIX-EE, DANE-TA, DANE-EE */
	unsigned selector;	/* 0 full certificate, 1 SubjectPublicKeyInfo */
	unsigned mtype;		/* 0 exact, 1 SHA-256, 2 SHA-512 */
	const unsigned char *data;	/* certificate association data */
	size_t len;
};

struct dns_answer {
	const char *name;	/* the question, normalized */
	enum dns_type type;
	enum dns_kind kind;
	enum dns_source source;
	int rcode;		/* -1 when no response arrived */
	bool ad;		/* AD bit of the response */
	bool tcp;		/* the answer came over TCP */
	size_t size;		/* octets of the response message */
	double rtt_ms;		/* from sending to the answer */
	unsigned tries;		/* queries sent for it (a batch asks again
				 * after a loss or a SERVFAIL) */
	const char *error;	/* why there is no response, or NULL */
	const char *cname;	/* where a CNAME chain led, or NULL */
	size_t count;		/* number of records in the array below */
	const struct dns_txt *txt;	/* DNS_T_TXT */
	const struct ip_addr *addrs;	/* DNS_T_A, DNS_T_AAAA */
	const struct dns_mx *mx;	/* DNS_T_MX */
	const char *const *names;	/* DNS_T_PTR, DNS_T_NS, DNS_T_CNAME */
	const struct dns_tlsa *tlsa;	/* DNS_T_TLSA */
};

/* How the pure modules read DNS: the answer to (name, type), or NULL when
 * it is not known yet (the question is then on its way: run the pass
 * again once answers arrive). ctx is the lookup's own (the resolver, or
 * a zone set in tests). */
typedef const struct dns_answer *(*dns_lookup_fn)(void *ctx,
    const char *name, enum dns_type type);

/* Returns "TXT", "A", ... or "TYPE<n>". */
const char *dns_type_name(enum dns_type type);
/* Parses a type mnemonic (case-insensitive); false when unknown. */
bool dns_type_parse(const char *s, enum dns_type *out);
/* Returns a short word for the kind: "records", "nxdomain", ... */
const char *dns_kind_name(enum dns_kind kind);
/* NXDOMAIN or NODATA: what RFC 7208 §4.6.4 calls a void lookup. */
bool dns_kind_is_void(enum dns_kind kind);
/* A failure that says nothing about the data: SERVFAIL, timeout, ... */
bool dns_kind_is_failure(enum dns_kind kind);
/* "the TXT lookup for NAME failed (timeout: why)": which lookup failed
 * and how, for a failed answer; made safe to print, in the arena. One the
 * run's deadline cut off says so: "... was not answered before the run's
 * deadline (--deadline 20 s)". */
const char *dns_answer_failure(struct arena *a, const struct dns_answer *ans);
/* How the error of an answer the run's deadline cut off begins (the
 * resolver adds the deadline it had), and what to do about it. */
#define DNS_DEADLINE_WHY "not answered before the run's deadline"
#define DNS_DEADLINE_HINT "give the run more time with --deadline " \
	"SECONDS: the run's deadline cut the question off, no server " \
	"refused it"
/* True when the run's deadline, not a server, left ans without an
 * answer (ans may be NULL). */
bool dns_answer_cut_by_deadline(const struct dns_answer *ans);
/* For an answer the run's deadline cut off, what to do instead of
 * blaming the name's DNS servers (static text); else NULL. */
const char *dns_answer_retry_hint(const struct dns_answer *ans);
/* True when ans (A or AAAA records; NULL allowed) holds ip. */
bool dns_answer_has_addr(const struct dns_answer *ans,
    const struct ip_addr *ip);

/* Classifies a response. status is the c-ares status given to the
 * callback; abuf may be NULL. The answer is built in the arena. Pure: no
 * I/O, so it can be tested and fuzzed with any bytes. */
struct dns_answer *dns_answer_from_wire(struct arena *a, const char *name,
    enum dns_type type, int status, const unsigned char *abuf, int alen);
/* Makes ans a CNAME loop: the chain names[0..n-1] whose last name is
 * also an earlier one. error then names the loop ("a -> b -> a"), and
 * cname is the chain's first link. */
void dns_answer_set_cname_loop(struct arena *a, struct dns_answer *ans,
    const char *const *names, size_t n);
/* Returns an answer with no response (timeout, skipped, ...). */
struct dns_answer *dns_answer_without_response(struct arena *a,
    const char *name, enum dns_type type, enum dns_kind kind,
    const char *why);

#endif
