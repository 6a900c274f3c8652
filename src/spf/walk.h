/* The SPF tree walk: from a domain's record through every
 * include and redirect, with what a, mx and exists point at, and the
 * lookup accounting of RFC 7208 §4.6.4.
 *
 * The walk is a pure function of DNS answers: spf_walk_build() reads them
 * through a lookup function that returns NULL for an answer not known yet.
 * The caller asks again once more answers are in; each pass asks for
 * everything the answers so far make reachable, so all independent
 * questions are in flight at once. Everything returned lives in the arena
 * passed in; answers belong to whoever the lookup function got them from. */
#ifndef MAILAUTH_SPF_WALK_H
#define MAILAUTH_SPF_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/answer.h"
#include "finding.h"
#include "spf/macro.h"
#include "spf/record.h"

struct arena;

enum spf_node_status {
	SPF_NODE_PENDING,	/* the TXT answer is not in yet */
	SPF_NODE_OK,		/* exactly one SPF record */
	SPF_NODE_NONE,		/* no SPF record at the name */
	SPF_NODE_MULTIPLE,	/* several SPF records: a permerror */
	SPF_NODE_TEMPERROR,	/* the TXT lookup failed */
	SPF_NODE_LOOP,		/* the name is already on the path above */
	SPF_NODE_CAPPED,	/* not fetched: a walk limit was reached */
};

enum spf_via {
	SPF_VIA_TOP,
	SPF_VIA_INCLUDE,
	SPF_VIA_REDIRECT,
};

struct spf_mx_host {
	const char *host;
	unsigned preference;
	const struct dns_answer *a4, *a6;	/* NULL when not asked */
};

struct spf_node;

struct spf_walk_term {
	const struct spf_term *term;
	bool evaluated;		/* reached by a sender no term authorizes */
	const char *skipped_why; /* when not evaluated: why */
	const char *target;	/* domain the term queries, NULL if none */
	bool depends_on_sender;	/* the target needs a macro value we lack */
	bool may_void;		/* may cost a void lookup for some senders:
				 * ptr, or a target made of sender macros */
	struct spf_node *child;	/* include and redirect */
	const struct dns_answer *a4, *a6;	/* a (both), exists (a4) */
	const struct dns_answer *mx;		/* mx */
	struct spf_mx_host *mx_hosts;	/* the first SPF_MX_NAME_LIMIT */
	size_t nmx_hosts;
	/* RFC 7208 §4.6.4 accounting, in evaluation order: */
	unsigned cost;		/* DNS-querying terms: 1, else 0 */
	unsigned running_total;	/* lookups counted once this term is */
	unsigned subtree;	/* cost of the term and of its child */
	bool void4, void6;	/* its own query was void for an IPv4/IPv6
				 * sender */
	unsigned running_void4, running_void6;
};

struct spf_node {
	const char *domain;	/* the name whose TXT records were read */
	enum spf_via via;
	unsigned depth;		/* 0 for the domain asked about */
	enum spf_node_status status;
	const struct dns_answer *answer;	/* the TXT answer */
	const struct dns_txt **spf;	/* the SPF records found */
	size_t nspf;
	const struct spf_record *record;	/* parsed, when nspf == 1 */
	struct spf_walk_term *terms;	/* one per term of record */
	size_t nterms;
	unsigned lookups;	/* lookups counted inside this record */
	struct finding_list findings;	/* filled by spf_lint() */
};

struct spf_walk {
	struct spf_node *root;
	size_t pending;		/* answers the walk still waits for */
	size_t nodes;		/* nodes built, records or not */
	size_t records;		/* nodes with one SPF record */
	unsigned levels;	/* depth of the deepest node + 1 */
	bool capped;		/* a walk limit was reached */
	unsigned lookups;	/* RFC 7208 §4.6.4 count for the whole tree */
	unsigned void4, void6;	/* void lookups for an IPv4/IPv6 sender */
	unsigned voids;		/* the larger of the two: what the limit of
				 * RFC 7208 §4.6.4 meets for some sender */
	const struct spf_walk_term *limit_term;	/* lookup 11, or NULL */
	const struct spf_node *limit_node;
	const struct spf_walk_term *void4_term, *void6_term; /* void 3 */
	/* The first counted lookup that failed (timeout, SERVFAIL, ...):
	 * then the counts above are lower bounds. NULL when every answer
	 * came. */
	const struct dns_answer *failed;
	const struct spf_node *void4_node, *void6_node;
	/* The terms that can cost a void lookup, in evaluation order: those
	 * whose own query was void, and those that look the sender up and
	 * were not asked (no --ip), void for every sender they do not know
	 * (RFC 7208 §4.6.4 counts those answers too). */
	const struct spf_walk_term **void_terms;
	size_t nvoid_terms;
	/* Counting the terms not asked as void: the one where a sender no
	 * term knows passes the limit, when the answers seen alone do not;
	 * else NULL. */
	const struct spf_walk_term *sender_void_term;
	const struct spf_node *sender_void_node;
	struct finding_list findings;	/* filled by spf_lint() */
	/* Every node of the tree, depth first in the order of the terms
	 * (the root first): the order findings are reported in. */
	struct spf_node **order;
	size_t norder;
};

/* Builds as much of the tree as the known answers allow. base may give the
 * sender, IP and HELO for macros (NULL: unknown; the domain macro is set per
 * record). Complete when walk->pending == 0. */
struct spf_walk *spf_walk_build(struct arena *a, dns_lookup_fn lookup,
    void *lookup_ctx, const char *domain, const struct spf_macro_ctx *base);
/* The first lookup of node's evaluated tree that failed (a timeout,
 * SERVFAIL, a CNAME loop, ...), MX hosts' included, or NULL: then what
 * the terms behind it stand for is not known. */
const struct dns_answer *spf_walk_failure(const struct spf_node *node);
/* Returns "ok", "none", "multiple", ... for the node status. */
const char *spf_node_status_name(enum spf_node_status status);

#endif
