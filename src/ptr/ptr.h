/* Reverse DNS of a sending IP: the reverse name, its PTR names, forward
 * confirmation of each (FCrDNS), and findings. Pure over DNS answers read
 * through a lookup function that returns NULL for an answer not known yet
 * (then pending > 0: run again). Results live in the arena passed in. */
#ifndef MAILAUTH_PTR_PTR_H
#define MAILAUTH_PTR_PTR_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/answer.h"
#include "finding.h"
#include "util/ip.h"

struct arena;
struct dmarc_psl;

struct ptr_name {
	const char *name;
	const struct dns_answer *a, *aaaa;	/* its forward lookups */
	bool forward_confirmed;	/* its addresses include the IP */
	const struct dns_answer *failed; /* its lookup for the IP's family,
					  * when that failed (then whether it
					  * confirms is unknown) */
	const char *generic;	/* why it looks dynamic/residential, or NULL */
};

struct ptr_result {
	struct ip_addr ip;
	const char *reverse_name;	/* 4.3.2.1.in-addr.arpa, nibbles */
	const struct dns_answer *answer;	/* the PTR answer */
	struct ptr_name *names;
	size_t nnames;
	bool fcrdns;		/* at least one name confirms */
	const struct dns_answer *failed; /* when !fcrdns: the first lookup
					  * that failed (then FCrDNS is
					  * unknown, not "no"), or NULL */
	const char *helo;	/* --helo, or NULL */
	bool helo_matches;	/* a PTR name equals the HELO name */
	const char *domain;	/* --domain, or NULL */
	bool in_domain;		/* a confirmed name lies in the domain */
	size_t pending;
	struct finding_list findings;
};

/* Builds what the answers allow; complete when pending == 0. psl decides
 * which labels of a PTR name are the host's (NULL: all of them). */
struct ptr_result *ptr_check(struct arena *a, dns_lookup_fn lookup,
    void *lookup_ctx, const struct dmarc_psl *psl, const struct ip_addr *ip,
    const char *helo, const char *domain);
/* Adds the findings of a complete result. */
void ptr_lint(struct arena *a, struct ptr_result *r);
/* A PTR name that resolves back to the IP and is not a provider's pool
 * name: the host's name, good for HELO too. NULL when there is none. */
const char *ptr_good_name(const struct ptr_result *r);
/* Why name looks like a dynamic or residential host's (the IP written
 * into it, or words such as dsl, pool, dynamic), or NULL. Only the labels
 * left of the registered domain (the Public Suffix List's, from psl) are
 * read: the owner's own domain name says nothing about the host. With psl
 * NULL, the whole name is read. */
const char *ptr_looks_generic(struct arena *a, const struct dmarc_psl *psl,
    const char *name, const struct ip_addr *ip);

#endif
