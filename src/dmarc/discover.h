/* DMARC policy discovery for a domain (RFC 9989 §4.10): the DNS Tree Walk,
 * the Organizational Domain, the policy that applies to the domain, its
 * subdomains and non-existent subdomains, what an RFC 7489 receiver would
 * find instead, and the authorization of external report destinations.
 *
 * Pure over DNS answers read through a lookup function that returns NULL
 * for an answer not known yet (then pending > 0: run again). Results live
 * in the arena passed in. */
#ifndef MAILAUTH_DMARC_DISCOVER_H
#define MAILAUTH_DMARC_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "dmarc/record.h"
#include "dns/answer.h"
#include "finding.h"

struct arena;
struct dmarc_psl;

enum dmarc_step_kind {
	DMARC_STEP_PENDING,	/* no answer yet */
	DMARC_STEP_NONE,	/* no DMARC record at the name */
	DMARC_STEP_RECORD,	/* exactly one */
	DMARC_STEP_MULTIPLE,	/* several: all discarded (RFC 9989 §4.10) */
	DMARC_STEP_FAILED,	/* the lookup failed (SERVFAIL, timeout) */
};

/* One name the walk asked. */
struct dmarc_step {
	const char *domain;	/* the domain whose policy was looked for */
	const char *name;	/* _dmarc.<domain> */
	const struct dns_answer *answer;
	enum dmarc_step_kind kind;
	const struct dmarc_record *record;	/* DMARC_STEP_RECORD */
	const char *near_miss;	/* a TXT that looks like DMARC but is not */
	bool version_not_first;	/* near_miss has v=DMARC1, not first */
};

enum dmarc_source {
	DMARC_SOURCE_NONE,	/* no policy record */
	DMARC_SOURCE_DOMAIN,	/* at the domain itself */
	DMARC_SOURCE_ORG,	/* at its Organizational Domain */
	DMARC_SOURCE_PSD,	/* at a Public Suffix Domain (psd=y) */
};

/* RFC 9989 §4.10.1: how receivers read a record with an invalid p=, sp=
 * or np=. */
enum dmarc_fallback {
	DMARC_FALLBACK_NO,	/* the policy tags are valid */
	DMARC_FALLBACK_NONE,	/* with a valid rua=: as if p=none */
	DMARC_FALLBACK_IGNORED,	/* without: no DMARC processing at all */
};

struct dmarc_destination {
	const char *tag;	/* "rua" or "ruf" */
	const struct dmarc_uri *uri;
	bool external;		/* outside the Organizational Domain */
	const char *check_name;	/* <record domain>._report._dmarc.<host> */
	const struct dns_answer *answer;
	enum verdict authorized;	/* unknown: no answer, or an error */
};

struct dmarc_result {
	const char *domain;
	struct dmarc_step *steps;	/* the tree walk, in order */
	size_t nsteps;
	bool walk_failed;	/* a DNS failure left the walk unfinished:
				 * the policy is unknown unless the domain
				 * has its own record (policy_step) */
	const char *org_domain;		/* RFC 9989 §4.10.2; NULL when a
					 * failed lookup hid it */
	const char *org_domain_psl;	/* RFC 7489 §3.2, via the PSL */
	enum dmarc_source source;
	const struct dmarc_step *policy_step;	/* where the record is */
	const char *record_domain_7489;	/* what RFC 7489 would use, or NULL */
	bool failed_7489;	/* a lookup of the RFC 7489 discovery failed:
				 * record_domain_7489 NULL means unknown */
	const struct dns_answer *existence;	/* A of the domain, when asked */
	bool exists;		/* the domain itself exists (not NXDOMAIN) */
	/* The effective policy, defaults applied (all unset when the
	 * fallback is IGNORED): */
	enum dmarc_fallback fallback;
	enum dmarc_policy p_record;	/* the record's p, default none */
	enum dmarc_policy p_domain, p_sub, p_nx;
	bool sp_set, np_set;
	char adkim, aspf;
	bool testing;		/* t=y (RFC 9989 §4.7; pct= is not read) */
	struct dmarc_destination *dests;	/* the first ones published */
	size_t ndests;
	size_t ndests_published;	/* rua and ruf URIs in the record */
	size_t pending;
	/* Set by the caller before dmarc_lint(), or NULL: a domain that
	 * receives mail, for the report address of a record the findings
	 * propose (default: the domain itself). */
	const char *report_domain;
	struct finding_list findings;
};

/* Builds what the answers allow; complete when pending == 0. */
struct dmarc_result *dmarc_discover(struct arena *a, dns_lookup_fn lookup,
    void *lookup_ctx, const struct dmarc_psl *psl, const char *domain);
/* Adds the findings of a complete result. */
void dmarc_lint(struct arena *a, struct dmarc_result *r);
/* The record to start with (RFC 9989 §4.7): p=none, aggregate reports to
 * postmaster@ of report_domain, a mailbox every domain that receives mail
 * has (RFC 5321 §4.5.1). In the arena. */
const char *dmarc_starter_record(struct arena *a, const char *report_domain);
/* The record receivers ignore at step s (v=DMARC1 not first, or not
 * written exactly), corrected: v=DMARC1 first; NULL when s has none. */
const char *dmarc_near_miss_fixed(struct arena *a,
    const struct dmarc_step *s);
/* The names the tree walk asks for domain, in order (RFC 9989 §4.10:
 * the domain, then one label less each time, jumping to 7 labels when
 * the domain has 8 or more, down to the top-level domain). Returns their
 * number (at most 8) and sets *out. */
size_t dmarc_walk_targets(struct arena *a, const char *domain,
    const char ***out);
const char *dmarc_source_name(enum dmarc_source s);
/* "none", "ignored", or NULL for DMARC_FALLBACK_NO. */
const char *dmarc_fallback_name(enum dmarc_fallback f);

#endif
