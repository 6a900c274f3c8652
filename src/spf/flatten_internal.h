/* Between the two halves of --flatten: flatten.c reads the walk into a
 * plan (the domain's terms in evaluation order, flattened or kept) and
 * flatten_chain.c packs the plan into records that can be published. */
#ifndef MAILAUTH_SPF_FLATTEN_INTERNAL_H
#define MAILAUTH_SPF_FLATTEN_INTERNAL_H

#include <stdbool.h>

#include "spf/flatten.h"
#include "spf/walk.h"

struct flat_entry {
	char qualifier;		/* '+', '-', '~' or '?' */
	struct cidr_set nets;	/* the networks a flattened term stands for */
	const char *text;	/* a term kept as written, or NULL */
	const char *why;	/* why it is kept */
	unsigned cost;		/* lookups of a kept term */
	const struct spf_walk_term *wt;	/* the term of the walk */
};

struct flat_plan {
	const char *domain;
	const struct dns_answer *answer;	/* the domain's TXT answer */
	struct flat_entry *entries;	/* room for every term */
	size_t n;
	const char *end;	/* "-all", "redirect=...", or NULL */
	const char *end_why;	/* why a redirect is kept */
	unsigned end_cost;	/* lookups of a kept redirect */
	const char *exp;	/* "exp=...", or NULL */
};

/* Fills out->records, out->kept and out->lookups from the plan, or sets
 * out->refused when nothing can be published. A domain's record that
 * cannot fit one answer (its other TXT records, or the terms kept, take
 * the room) is proposed in its smallest form, with a warning. */
void spf_flat_pack(struct arena *a, struct spf_flat *out,
    const struct flat_plan *plan);
/* Adds a warning to out (at most SPF_FLAT_MAX_WARNINGS). */
void spf_flat_warn(struct spf_flat *out, const char *warning);

#endif
