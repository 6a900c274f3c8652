#include "dmarc/align.h"

#include <string.h>

#include "dmarc/discover.h"
#include "dns/name.h"

enum dmarc_alignment
dmarc_alignment(const char *author, const char *author_org, const char *id,
    const char *id_org)
{
	if (author == NULL || id == NULL) {
		return DMARC_ALIGN_NONE;
	}
	/* RFC 9989 §4.4: comparisons are case-insensitive (RFC 4343). */
	if (dns_name_equal(author, id)) {
		return DMARC_ALIGN_STRICT;
	}
	if (author_org == NULL || id_org == NULL) {
		return DMARC_ALIGN_UNKNOWN;
	}
	return dns_name_equal(author_org, id_org) ? DMARC_ALIGN_RELAXED :
	    DMARC_ALIGN_NONE;
}

bool
dmarc_aligned(enum dmarc_alignment al, char mode)
{
	return al == DMARC_ALIGN_STRICT || (al == DMARC_ALIGN_RELAXED &&
	    mode != 's');
}

const char *
dmarc_verdict_name(enum dmarc_verdict v)
{
	switch (v) {
	case DMARC_NONE: return "none";
	case DMARC_PASS: return "pass";
	case DMARC_FAIL: return "fail";
	case DMARC_TEMPERROR: return "temperror";
	case DMARC_PERMERROR: return "permerror";
	}
	return "none";
}

const char *
dmarc_alignment_name(enum dmarc_alignment al)
{
	switch (al) {
	case DMARC_ALIGN_NONE: return "none";
	case DMARC_ALIGN_RELAXED: return "relaxed";
	case DMARC_ALIGN_STRICT: return "strict";
	case DMARC_ALIGN_UNKNOWN: return "unknown";
	}
	return "none";
}

/* RFC 9989 §4.7 (t=y) and RFC 7489 §6.6.4 (pct): one level below. */
static enum dmarc_policy
one_below(enum dmarc_policy p)
{
	return p == DMARC_POLICY_REJECT ? DMARC_POLICY_QUARANTINE :
	    DMARC_POLICY_NONE;
}

/* Aligns one identifier both ways and folds it into the verdicts. */
static void
judge(const struct dmarc_result *r, struct dmarc_ident *id, char mode,
    bool *pass, bool *unknown, bool *pass_7489)
{
	id->alignment = dmarc_alignment(r->domain, r->org_domain, id->domain,
	    id->org);
	id->alignment_7489 = dmarc_alignment(r->domain, r->org_domain_psl,
	    id->domain, id->org_psl);
	id->aligned = dmarc_aligned(id->alignment, mode);
	id->aligned_7489 = dmarc_aligned(id->alignment_7489, mode);
	if (id->authenticated == VERDICT_PASS && id->aligned) {
		*pass = true;
	}
	if (id->authenticated == VERDICT_PASS && id->aligned_7489) {
		*pass_7489 = true;
	}
	/* Unknown when a DNS failure hid the result of an identifier that
	 * could align, or the alignment of one that passed. */
	if ((id->authenticated == VERDICT_UNKNOWN && (id->aligned ||
	    id->alignment == DMARC_ALIGN_UNKNOWN)) ||
	    (id->authenticated == VERDICT_PASS &&
	    id->alignment == DMARC_ALIGN_UNKNOWN && mode != 's')) {
		*unknown = true;
	}
}

/* RFC 9989 §4.10.1: the policy of the record found for the domain, or
 * of its Organizational Domain or PSD: sp for an existing subdomain, np
 * for one that does not exist, each falling back as §4.7 says. */
static void
choose_policy(const struct dmarc_result *r, struct dmarc_eval *out)
{
	const struct dmarc_record *rec = r->policy_step->record;

	out->policy = r->p_domain;
	if (r->source == DMARC_SOURCE_DOMAIN) {
		out->policy_tag = "p";
	} else if (!r->exists && r->np_set) {
		out->policy_tag = "np";
	} else {
		out->policy_tag = r->sp_set ? "sp" : "p";
	}
	out->testing = rec->t == 'y';
	out->disposition = out->testing ? one_below(out->policy) :
	    out->policy;
}

/* RFC 7489 §6.6.3: the record at the domain (p), else at its PSL
 * Organizational Domain (sp, else p); pct samples. */
static void
choose_policy_7489(const struct dmarc_result *r, struct dmarc_eval *out)
{
	const struct dmarc_record *rec = NULL;
	size_t i;

	out->pct = -1;
	if (r->record_domain_7489 == NULL) {
		return;
	}
	for (i = 0; i < r->nsteps; i++) {
		if (r->steps[i].kind == DMARC_STEP_RECORD &&
		    dns_name_equal(r->steps[i].domain, r->record_domain_7489)) {
			rec = r->steps[i].record;
		}
	}
	if (rec == NULL) {
		return;
	}
	if (dns_name_equal(r->record_domain_7489, r->domain) ||
	    rec->sp == DMARC_POLICY_UNSET || rec->sp == DMARC_POLICY_INVALID) {
		out->policy_7489 = rec->p == DMARC_POLICY_UNSET ||
		    rec->p == DMARC_POLICY_INVALID ? DMARC_POLICY_NONE : rec->p;
	} else {
		out->policy_7489 = rec->sp;
	}
	out->pct = rec->pct;
	out->disposition_7489 = rec->pct == 0 ?
	    one_below(out->policy_7489) : out->policy_7489;
}

void
dmarc_evaluate(const struct dmarc_result *r, struct dmarc_ident *spf,
    struct dmarc_ident *dkim, size_t ndkim, struct dmarc_eval *out)
{
	/* RFC 9989 §4.10.1: a record whose p=, sp= or np= is invalid and
	 * that has no valid rua= is no DMARC record. */
	bool applies = r->policy_step != NULL &&
	    r->fallback != DMARC_FALLBACK_IGNORED;
	bool pass = false, unknown = false, pass_7489 = false;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->pct = -1;
	if (spf != NULL) {
		judge(r, spf, applies ? r->aspf : 'r', &pass, &unknown,
		    &pass_7489);
	}
	for (i = 0; i < ndkim; i++) {
		judge(r, &dkim[i], applies ? r->adkim : 'r', &pass, &unknown,
		    &pass_7489);
	}
	choose_policy_7489(r, out);
	out->result_7489 = r->record_domain_7489 == NULL ? DMARC_NONE :
	    pass_7489 ? DMARC_PASS : unknown ? DMARC_TEMPERROR : DMARC_FAIL;
	if (r->walk_failed) {
		out->result = DMARC_TEMPERROR;
		return;
	}
	if (!applies) {
		out->result = DMARC_NONE;
		return;
	}
	choose_policy(r, out);
	/* RFC 9989 §5.3.5, §5.3.6: one aligned pass is enough; without one,
	 * a DNS failure that could have given one leaves it unknown. */
	out->result = pass ? DMARC_PASS : unknown ? DMARC_TEMPERROR :
	    DMARC_FAIL;
}
