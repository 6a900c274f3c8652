/* --flatten: the domain's record with every term that can be flattened
 * replaced by the ip4:/ip6: networks it stands for (includes, a and mx
 * whose records are static), the others kept as they are (exists,
 * macros, ptr, and includes that contain them), split into a chain of
 * records (_spf1.DOMAIN, ...) that each fit one 512-octet answer; or the
 * reason no such record can be published. Pure: reads a complete walk;
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

struct spf_flat {
	const char *refused;	/* why nothing can be published, or NULL */
	struct cidr_set nets;	/* every network flattened, merged */
	size_t terms_in;	/* networks gathered before merging */
	struct spf_flat_record *records; /* [0] is the domain's own */
	size_t nrecords;
	struct spf_flat_kept *kept;
	size_t nkept;
	unsigned lookups;	/* DNS lookups of the flattened result */
	unsigned lookups_before;	/* of the record as published */
};

struct spf_flat *spf_flatten(struct arena *a, const struct spf_walk *walk);

#endif
