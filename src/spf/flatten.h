/* --flatten: an equivalent record made only of ip4:/ip6: terms (DESIGN.md
 * §3), or the reason flattening would change the record's meaning. Pure:
 * reads a complete walk; results live in the arena. */
#ifndef MAILAUTH_SPF_FLATTEN_H
#define MAILAUTH_SPF_FLATTEN_H

#include <stddef.h>

#include "dns/answer.h"
#include "util/cidr.h"

struct arena;
struct spf_walk;

struct spf_flat {
	const char *refused;	/* why it cannot be flattened, or NULL */
	struct cidr_set nets;	/* the merged networks */
	size_t terms_in;	/* ip4/ip6/a/mx networks gathered */
	const char *all;	/* "-all", "~all", ... or NULL */
	const char *record;	/* the flattened record */
	const struct dns_bytes *strings; /* split into <= 255 octets */
	size_t nstrings;
	const char *zone;	/* "..." "..." for a zone file */
};

struct spf_flat *spf_flatten(struct arena *a, const struct spf_walk *walk);

#endif
