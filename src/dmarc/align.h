/* DMARC identifier alignment and the verdict on one message (RFC 9989
 * §4.4, §5.3.4-§5.3.6), with the RFC 7489 view beside it (Public Suffix
 * List Organizational Domains, pct, no np, no t). Pure functions of the
 * policy discovery and the authenticated identifiers passed in. */
#ifndef MAILAUTH_DMARC_ALIGN_H
#define MAILAUTH_DMARC_ALIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "dmarc/record.h"
#include "finding.h"

struct dmarc_result;

enum dmarc_alignment {
	DMARC_ALIGN_NONE,	/* another Organizational Domain */
	DMARC_ALIGN_RELAXED,	/* the same Organizational Domain */
	DMARC_ALIGN_STRICT,	/* the same domain */
	DMARC_ALIGN_UNKNOWN,	/* a DNS failure hid an Organizational
				 * Domain */
};

enum dmarc_verdict {
	DMARC_NONE,		/* no policy record: DMARC does not apply */
	DMARC_PASS,
	DMARC_FAIL,
	DMARC_TEMPERROR,	/* DNS failures kept it from pass or fail */
	DMARC_PERMERROR,	/* no single Author Domain (RFC 9989 §5.3.1) */
};

/* An authenticated identifier: the SPF domain or a DKIM d=. */
struct dmarc_ident {
	const char *domain;
	const char *org;	/* RFC 9989 Organizational Domain, NULL when
				 * a DNS failure hid it */
	const char *org_psl;	/* RFC 7489 (Public Suffix List) */
	enum verdict authenticated;	/* fail: no; unknown: temperror */
	/* Set by dmarc_evaluate(): */
	enum dmarc_alignment alignment, alignment_7489;
	bool aligned, aligned_7489;	/* under the record's adkim/aspf */
};

struct dmarc_eval {
	enum dmarc_verdict result;
	enum dmarc_policy policy;	/* p, sp or np as RFC 9989 §4.10.1
					 * chooses; UNSET without a record */
	const char *policy_tag;		/* "p", "sp", "np", or NULL */
	bool testing;			/* t=y: one level below (§4.7) */
	enum dmarc_policy disposition;	/* what a failing message gets:
					 * none, quarantine or reject */
	/* RFC 7489: */
	enum dmarc_verdict result_7489;
	enum dmarc_policy policy_7489;	/* p or sp (np unknown to it) */
	int pct;			/* -1 when absent */
	enum dmarc_policy disposition_7489;	/* for the pct% sampled;
						 * the rest get one level
						 * below (§6.6.4) */
};

/* RFC 9989 §3.2.10: how id aligns with the author domain, given both
 * Organizational Domains (NULL when unknown). */
enum dmarc_alignment dmarc_alignment(const char *author,
    const char *author_org, const char *id, const char *id_org);
/* True when the alignment satisfies the mode 'r' or 's'. */
bool dmarc_aligned(enum dmarc_alignment al, char mode);
/* The verdict for the author domain's discovery r (complete) with the
 * SPF identifier (NULL when SPF gave none) and the DKIM identifiers;
 * sets the alignment fields of each identifier. */
void dmarc_evaluate(const struct dmarc_result *r, struct dmarc_ident *spf,
    struct dmarc_ident *dkim, size_t ndkim, struct dmarc_eval *out);
/* "none", "pass", "fail", "temperror", "permerror". */
const char *dmarc_verdict_name(enum dmarc_verdict v);
/* "none", "relaxed", "strict", "unknown". */
const char *dmarc_alignment_name(enum dmarc_alignment al);

#endif
