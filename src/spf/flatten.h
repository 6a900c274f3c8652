/* --flatten: the domain's record with every term that can be flattened
 * replaced by the ip4:/ip6: networks it stands for (includes, a and mx
 * whose records are static), the others kept as they are (exists,
 * macros, ptr, and includes that contain them), every term in its place,
 * so that each sender gets the result the published record gives it;
 * split into a chain of records (_spf1.DOMAIN, ...) that each fit one
 * 512-octet answer. Or why no such record can be published (refused), or
 * why it cannot be known (a lookup failed). Pure: reads a complete walk;
 * results live in the arena. */
#ifndef MAILAUTH_SPF_FLATTEN_H
#define MAILAUTH_SPF_FLATTEN_H

#include <stddef.h>

#include "dns/answer.h"
#include "util/cidr.h"

struct arena;
struct spf_walk;

/* One record of the chain, ready to publish. */
struct spf_flat_record {
	const char *name;	/* the domain, or _spfN.DOMAIN */
	const char *text;	/* the record */
	const struct dns_bytes *strings; /* split into <= 255 octets */
	size_t nstrings;
	const char *zone;	/* the strings quoted for a zone file */
};

/* A term left as it is, and why. */
struct spf_flat_kept {
	const char *term;	/* as written */
	const char *why;
};

/* What a proposal says beside its records: at most one of each kind
 * (lookup limit, void limit, more lookups, answer size). */
#define SPF_FLAT_MAX_WARNINGS 4

struct spf_flat {
	const char *refused;	/* why nothing can be published, or NULL */
	const char *unknown;	/* why it cannot be known: a lookup failed */
	struct cidr_set nets;	/* the networks the records list */
	size_t terms_in;	/* networks gathered before merging */
	struct spf_flat_record *records; /* [0] is the domain's own */
	size_t nrecords;
	struct spf_flat_kept *kept;
	size_t nkept;
	unsigned lookups;	/* DNS lookups of the flattened result */
	unsigned lookups_before;	/* of the record as published */
	/* Where the proposal differs from the published record (senders
	 * past a limit the published one exceeds) or costs more. */
	const char *warnings[SPF_FLAT_MAX_WARNINGS];
	size_t nwarnings;
};

struct spf_flat *spf_flatten(struct arena *a, const struct spf_walk *walk);

#endif
