/* DKIM key records at selectors: the ones given, or a probe of the
 * selectors that mailbox providers, sending services and mail servers use
 * by default. Pure over DNS answers (see dkim/verify.h); results live in
 * the arena passed in. */
#ifndef MAILAUTH_DKIM_SELECTORS_H
#define MAILAUTH_DKIM_SELECTORS_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim/key.h"
#include "dkim/verify.h"
#include "finding.h"

struct dkim_selector {
	const char *selector;
	const char *name;	/* selector._domainkey.domain */
	const struct dns_answer *answer;
	bool several;		/* more than one TXT record */
	const struct dns_txt *txt;	/* the key record as published */
	const struct dkim_key *key;	/* NULL when there is none */
	bool dangling;		/* a CNAME to a name that does not exist */
	struct finding_list findings;
};

struct dkim_probe {
	const char *domain;
	bool probed;		/* the built-in list, not -s */
	struct dkim_selector *sels;	/* with -s: all; probed: those with
					 * a record or a CNAME */
	size_t nsels;
	size_t tried;		/* selectors asked */
	const struct dns_answer **failed; /* probed: the lookups that failed
					   * (whether a key is there is
					   * unknown) */
	size_t nfailed;
	size_t pending;
	struct finding_list findings;
};

/* The built-in list, NULL-terminated (documented in the man page). */
extern const char *const dkim_common_selectors[];

/* Looks up selectors (NULL: the built-in list) at domain, all at once. */
struct dkim_probe *dkim_probe_run(struct arena *a, dns_lookup_fn lookup,
    void *lookup_ctx, const char *domain, const char *const *selectors,
    size_t nselectors);
/* Adds the findings of a complete probe. */
void dkim_probe_lint(struct arena *a, struct dkim_probe *p);

#endif
