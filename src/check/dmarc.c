/* The checklist's DMARC requirements (RFC 9989): a policy for the From
 * domain, and the alignment of SPF or DKIM with it, each failure said in
 * the words of its real cause, with the record that fixes it. */
#include <string.h>

#include "check/fix.h"
#include "check/req.h"
#include "dmarc/align.h"
#include "dns/name.h"
#include "util/arena.h"
#include "util/safe.h"

/* The answers Gmail gives a sender that fails each requirement (Google's
 * sender guidelines; 4.7.40/5.7.40 is its newer code for no DMARC). */
static const char *const codes_dmarc[] = { "4.7.31", "4.7.40", "5.7.40",
    NULL };
static const char *const codes_alignment[] = { "4.7.32", NULL };

/* A TXT record at _dmarc that receivers ignore (RFC 9989 §4.7, §4.10):
 * the lint's finding, or NULL. */
static const struct finding *
near_miss(const struct dmarc_result *d)
{
	static const char *const codes[] = { "dmarc-version-not-first",
	    "dmarc-syntax", "dmarc-multiple-records" };
	const struct finding *f;
	size_t i;

	for (f = d->findings.head; f != NULL; f = f->next) {
		for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
			if (strcmp(f->code, codes[i]) == 0) {
				return f;
			}
		}
	}
	return NULL;
}

/* The tree-walk lookup that failed, or NULL. */
static const struct dmarc_step *
walk_failure(const struct dmarc_result *d)
{
	size_t i;

	for (i = 0; i < d->nsteps; i++) {
		if (d->steps[i].kind == DMARC_STEP_FAILED) {
			return &d->steps[i];
		}
	}
	return NULL;
}

/* The corrected record for the near miss f found, as a zone-file line,
 * or NULL. */
static const char *
near_miss_record(struct arena *a, const struct dmarc_result *d,
    const struct finding *f)
{
	size_t i;

	for (i = 0; i < d->nsteps; i++) {
		const char *fixed = dmarc_near_miss_fixed(a, &d->steps[i]);

		if (fixed != NULL && f->domain != NULL &&
		    dns_name_equal(d->steps[i].name, f->domain)) {
			return check_txt_record(a, d->steps[i].name, fixed);
		}
	}
	return NULL;
}

void
check_require_dmarc(struct arena *a, struct check_result *r, bool required)
{
	struct check_requirement *q = check_req_add(r, "dmarc", required,
	    codes_dmarc);
	const struct dmarc_result *d = r->dmarc;
	const struct dmarc_step *failed = walk_failure(d);
	const struct finding *f;
	const char *domain = safe_str(a, r->in->domain);

	if (d->walk_failed && d->policy_step == NULL) {
		if (failed != NULL) {
			check_req_failed(a, q, "dmarc-lookup-failed", NULL,
			    failed->answer);
		} else {
			check_req_set(q, CHECK_UNKNOWN, "dmarc-lookup-failed",
			    "a DNS failure hid the DMARC policy");
			q->fix = "retry, or ask another resolver (@SERVER)";
		}
	} else if (d->policy_step != NULL &&
	    d->fallback == DMARC_FALLBACK_IGNORED) {
		/* RFC 9989 §4.10.1: an invalid policy without a valid rua=
		 * means no DMARC processing at all. */
		f = finding_find(&d->findings, "dmarc-invalid-policy");
		check_req_set(q, required ? CHECK_FAIL : CHECK_WARN,
		    "dmarc-invalid-policy", f->message);
		q->fix = f->fix;
	} else if (d->policy_step == NULL && (f = near_miss(d)) != NULL) {
		/* A record receivers ignore: say why, not "none". */
		check_req_set(q, required ? CHECK_FAIL : CHECK_WARN, f->code,
		    f->message);
		q->fix = f->fix;
		q->fix_records = near_miss_record(a, d, f);
	} else if (d->policy_step == NULL) {
		check_req_set(q, required ? CHECK_FAIL : CHECK_WARN,
		    "dmarc-missing", arena_printf(a, "no DMARC record for %s",
		    domain));
		q->fix = "publish this record to start with: p=none only asks "
		    "receivers for reports; move to p=quarantine once they "
		    "show that your mail passes";
		q->fix_records = check_txt_record(a, d->steps[0].name,
		    dmarc_starter_record(a, d->report_domain));
	} else {
		q->message = arena_printf(a, "%s: p=%s%s%s", d->policy_step->name,
		    dmarc_policy_name(d->p_domain), d->p_domain ==
		    DMARC_POLICY_NONE ? " (enough for Gmail, protects nothing)" :
		    "", failed ? arena_printf(a, "; its organizational domain "
		    "is unknown (%s)", dns_answer_failure(a, failed->answer)) :
		    "");
	}
}

/* RFC 9989 §3.2.10, §4.10.2: how the envelope sender's domain aligns
 * with the From domain, through the Organizational Domains the tree walks
 * found (unknown when a failed lookup hid one). */
static enum dmarc_alignment
spf_alignment(const struct check_result *r)
{
	const struct dmarc_result *other = r->sender_dmarc ? r->sender_dmarc :
	    r->dmarc;

	return dmarc_alignment(r->in->domain, r->dmarc->org_domain,
	    r->sender_domain, other->org_domain);
}

/* The registered domain (Public Suffix List) that the envelope sender's
 * domain shares with the From domain while the tree walk still gives
 * them different Organizational Domains, or NULL. */
static const char *
shared_registered_domain(const struct check_result *r,
    enum dmarc_alignment al)
{
	const char *psl = r->dmarc->org_domain_psl;
	const char *other = r->sender_dmarc ? r->sender_dmarc->org_domain_psl :
	    psl;

	return al == DMARC_ALIGN_NONE && psl != NULL && other != NULL &&
	    dns_name_equal(psl, other) ? psl : NULL;
}

/* Why SPF does not align, in the words of its real cause. */
static const char *
spf_misalignment(struct arena *a, const struct check_result *r,
    enum dmarc_alignment al, char aspf)
{
	const char *sender = safe_str(a, r->sender_domain);
	const char *domain = safe_str(a, r->in->domain);
	const char *shared = shared_registered_domain(r, al);

	if (dmarc_aligned(al, aspf) || (al == DMARC_ALIGN_UNKNOWN &&
	    aspf != 's')) {
		return arena_printf(a, "%s does not pass", sender);
	}
	if (aspf == 's' && al != DMARC_ALIGN_NONE) {
		return arena_printf(a, "%s is not %s, and aspf=s (strict) wants "
		    "the exact domain%s", sender, domain, al ==
		    DMARC_ALIGN_RELAXED ? ", though it is the same organization" :
		    "");
	}
	if (shared != NULL) {
		return arena_printf(a, "%s shares the registered domain %s, but "
		    "no DMARC record above them makes one organizational domain "
		    "of both (RFC 9989 §4.10.2)", sender, safe_str(a, shared));
	}
	return arena_printf(a, "%s is another organization", sender);
}

static const char *
alignment_fix(struct arena *a, const struct check_result *r,
    enum dmarc_alignment al, char aspf)
{
	const char *domain = safe_str(a, r->in->domain);
	const char *shared = shared_registered_domain(r, al);

	if (aspf == 's' && al != DMARC_ALIGN_NONE && !dmarc_aligned(al, aspf)) {
		return arena_printf(a, "sign with DKIM as d=%s (see dkim), send "
		    "with an envelope sender in %s itself, or relax the DMARC "
		    "record to aspf=r", domain, domain);
	}
	if (shared != NULL) {
		/* A record at the From domain (the dmarc fix) is above a
		 * sender domain under it; else the registered domain's is. */
		const char *at = r->dmarc->policy_step == NULL &&
		    dns_name_is_under(r->sender_domain, r->in->domain) ?
		    r->in->domain : shared;

		return arena_printf(a, "publish a DMARC record at _dmarc.%s%s: "
		    "it makes %s the organizational domain of both; or sign "
		    "with DKIM as d=%s (see dkim)", safe_str(a, at),
		    at == r->in->domain ? " (see dmarc)" : "", safe_str(a, at),
		    domain);
	}
	return arena_printf(a, "sign with DKIM as d=%s (see dkim), or send with "
	    "an envelope sender in %s whose SPF passes", domain, domain);
}

/* Whether SPF can align is unknown: the organizational domain a failed
 * lookup hid decides it. */
static void
alignment_unknown(struct arena *a, struct check_requirement *q,
    const struct check_result *r)
{
	const struct dmarc_step *failed = walk_failure(r->dmarc);
	const char *domain = safe_str(a, r->in->domain);

	if (failed == NULL && r->sender_dmarc != NULL) {
		failed = walk_failure(r->sender_dmarc);
	}
	check_req_set(q, CHECK_UNKNOWN, "alignment-unknown", arena_printf(a,
	    "whether SPF (%s) aligns with From %s is unknown: the "
	    "organizational domain is unknown%s%s%s",
	    safe_str(a, r->sender_domain), domain, failed ? " (" : "",
	    failed ? dns_answer_failure(a, failed->answer) : "",
	    failed ? ")" : ""));
	q->fix = arena_printf(a, "%s; or make it not matter: sign with DKIM as "
	    "d=%s, or send with an envelope sender in %s itself",
	    failed && dns_answer_retry_hint(failed->answer) ?
	    dns_answer_retry_hint(failed->answer) : "retry, or ask another "
	    "resolver (@SERVER)", domain, domain);
}

void
check_require_alignment(struct arena *a, struct check_result *r, bool required,
    enum check_status spf, enum check_status dkim)
{
	struct check_requirement *q = check_req_add(r, "alignment", required,
	    codes_alignment);
	const struct dmarc_result *d = r->dmarc;
	char aspf = d->policy_step ? d->aspf : 'r';
	enum dmarc_alignment al = spf_alignment(r);
	bool spf_aligned = dmarc_aligned(al, aspf);
	bool spf_ok = spf == CHECK_PASS && spf_aligned, dkim_ok = dkim ==
	    CHECK_PASS;
	bool org_unknown = al == DMARC_ALIGN_UNKNOWN && aspf != 's';
	const char *domain = safe_str(a, r->in->domain);
	const char *sender = safe_str(a, r->sender_domain);

	if (spf_ok || dkim_ok) {
		q->message = arena_printf(a, "From %s aligns through %s%s%s",
		    domain, spf_ok ? "SPF (" : "", spf_ok ? sender : "",
		    spf_ok ? (dkim_ok ? ") and DKIM (d= is the From domain)" :
		    ")") : "DKIM (d= is the From domain)");
	} else if (spf != CHECK_FAIL && org_unknown) {
		alignment_unknown(a, q, r);
	} else if (dkim == CHECK_UNKNOWN || (spf == CHECK_UNKNOWN &&
	    spf_aligned)) {
		/* The item that is unknown says why (a failed lookup, or
		 * no sending IP to evaluate). */
		check_req_set(q, CHECK_UNKNOWN, "alignment-unknown",
		    arena_printf(a, "whether SPF or DKIM aligns with From %s is "
		    "unknown: %s %s unknown", domain, dkim == CHECK_UNKNOWN &&
		    spf == CHECK_UNKNOWN ? "SPF and DKIM" : dkim ==
		    CHECK_UNKNOWN ? "DKIM" : "SPF", dkim == CHECK_UNKNOWN &&
		    spf == CHECK_UNKNOWN ? "are" : "is"));
		q->fix = "see the spf and dkim items";
	} else {
		check_req_set(q, required ? CHECK_FAIL : CHECK_WARN,
		    "alignment-none", arena_printf(a, "neither SPF (%s) nor "
		    "DKIM aligns with From %s", spf_misalignment(a, r, al, aspf),
		    domain));
		q->fix = alignment_fix(a, r, al, aspf);
	}
}

