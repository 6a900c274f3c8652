/* Inside a zone set: its records, shared by the master-file reader
 * (zonefile.c) and the answering code (zoneset.c). Not for other modules:
 * they use dns/zonefile.h. */
#ifndef MAILAUTH_DNS_ZONESET_H
#define MAILAUTH_DNS_ZONESET_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/answer.h"

/* The RR type SPF (RFC 4408 §3.1.1): read and kept so files that still
 * carry it load; never answered (RFC 7208 §3.1 dropped it). */
#define ZONE_T_SPF 99
/* DNAME (RFC 6672): its target is kept to redirect the names below. */
#define ZONE_T_DNAME 39

struct zone_rr {
	const char *owner;	/* lower case, no final dot */
	unsigned type;
	bool opaque;		/* RDATA not kept: never answered, but the
				 * owner exists (SOA, SRV, CAA, ...) */
	union {
		struct ip_addr addr;		/* A, AAAA */
		struct dns_mx mx;		/* MX */
		const char *name;		/* PTR, CNAME, NS, DNAME */
		struct dns_txt txt;		/* TXT, SPF */
		struct dns_tlsa tlsa;		/* TLSA */
	} rd;
};

struct dns_zoneset {
	struct arena *arena;	/* owners and RDATA */
	struct zone_rr *rrs;
	size_t n, cap;
	const char **apexes;	/* zones the set is authoritative for */
	size_t napexes, capapexes;
	const char **notes;	/* what loading the files noticed */
	size_t nnotes;
};

/* Copies rr (whose strings already live in zs->arena) into the set. */
void zoneset_add_record(struct dns_zoneset *zs, const struct zone_rr *rr);
/* Makes the set authoritative for apex (normalized); duplicates ignored. */
void zoneset_add_apex(struct dns_zoneset *zs, const char *apex);
/* True when a zone of the set contains name. */
bool zoneset_answers_for(const struct dns_zoneset *zs, const char *name);
/* Adds a note (in zs->arena) for dns_zoneset_notes(). */
void zoneset_add_note(struct dns_zoneset *zs, const char *note);

#endif
