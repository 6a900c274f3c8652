/* Findings about a DMARC discovery (issue 4's list), with fixes. */
#include <string.h>

#include "dmarc/discover.h"
#include "dns/name.h"
#include "util/arena.h"
#include "util/safe.h"

static struct finding *
add(struct arena *a, struct dmarc_result *r, enum finding_severity sev,
    const char *code, const char *fix, const char *msg)
{
	struct finding *f = finding_add(a, &r->findings, sev, code, fix, "%s",
	    msg);

	f->domain = r->policy_step ? r->policy_step->name : r->domain;
	return f;
}

static int
strength(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_POLICY_REJECT: return 3;
	case DMARC_POLICY_QUARANTINE: return 2;
	default: return 1;
	}
}

static void
lint_walk(struct arena *a, struct dmarc_result *r)
{
	size_t i;

	for (i = 0; i < r->nsteps; i++) {
		const struct dmarc_step *s = &r->steps[i];
		struct finding *f = NULL;

		if (s->kind == DMARC_STEP_FAILED) {
			f = add(a, r, FINDING_ERROR, "dmarc-dns-error",
			    "retry, or check the name's DNS servers: receivers "
			    "cannot find the policy while this lasts",
			    arena_printf(a, "the lookup of %s failed (%s): the "
			    "policy is unknown, not absent", s->name,
			    dns_kind_name(s->answer->kind)));
		} else if (s->kind == DMARC_STEP_MULTIPLE) {
			f = add(a, r, FINDING_ERROR, "dmarc-multiple-records",
			    "keep exactly one v=DMARC1 record at the name",
			    arena_printf(a, "%s has several DMARC records: "
			    "receivers discard them all (RFC 9989 §4.10)",
			    s->name));
		} else if (s->kind == DMARC_STEP_NONE && s->near_miss) {
			f = add(a, r, FINDING_ERROR, "dmarc-syntax",
			    "start the record with exactly \"v=DMARC1\" (upper "
			    "case DMARC1, then ';')", arena_printf(a, "%s has "
			    "a TXT record that looks like DMARC but is not "
			    "one: \"%s\"", s->name, safe_str(a,
			    s->near_miss)));
		}
		if (f != NULL) {
			f->domain = s->name;
		}
	}
}

static void
lint_tags(struct arena *a, struct dmarc_result *r)
{
	const struct dmarc_record *rec = r->policy_step->record;
	size_t i;

	if (rec->error != NULL) {
		struct finding *f = add(a, r, FINDING_ERROR, "dmarc-syntax",
		    "correct the record", rec->error);

		f->offset = (long)rec->error_offset;
	}
	for (i = 0; i < rec->ntags; i++) {
		const struct dmarc_tag *t = &rec->tags[i];
		const char *tag = safe_str(a, t->name);
		struct finding *f = NULL;

		if (t->error != NULL) {
			f = add(a, r, FINDING_ERROR, "dmarc-syntax", arena_printf(
			    a, "correct %s=", tag), arena_printf(a, "%s=%s: %s",
			    tag, safe_str(a, t->value), t->error));
		} else if (t->obsolete) {
			f = add(a, r, FINDING_INFO, "dmarc-obsolete-tag",
			    strcmp(t->name, "pct") == 0 ? "use t=y while "
			    "testing and remove pct" : "remove it",
			    arena_printf(a, "%s= was removed by RFC 9989; "
			    "receivers still on RFC 7489 honor it", tag));
		} else if (!t->known) {
			f = add(a, r, FINDING_WARNING, "dmarc-unknown-tag",
			    "remove it, or correct its name",
			    arena_printf(a, "unknown tag %s=: receivers ignore "
			    "it", tag));
		}
		if (f != NULL) {
			f->term = tag;
			f->offset = (long)t->offset;
		}
	}
	for (i = 0; i < rec->nrua + rec->nruf; i++) {
		const struct dmarc_uri *u = i < rec->nrua ? &rec->rua[i] :
		    &rec->ruf[i - rec->nrua];

		if (u->size != NULL) {
			add(a, r, FINDING_INFO, "dmarc-obsolete-tag",
			    "remove the !size suffix",
			    arena_printf(a, "the size limit \"!%s\" of %s was "
			    "removed by RFC 9989; older receivers honor it",
			    safe_str(a, u->size), safe_str(a, u->uri)));
		}
	}
}

static void
lint_policy(struct arena *a, struct dmarc_result *r)
{
	const struct dmarc_record *rec = r->policy_step->record;

	if (rec->p == DMARC_POLICY_UNSET) {
		add(a, r, FINDING_WARNING, "dmarc-no-p",
		    "add p=none, p=quarantine or p=reject",
		    "the record has no p=: RFC 9989 reads it as p=none, but "
		    "RFC 7489 receivers ignore a record without p= unless it "
		    "has rua=");
	}
	if (r->p_domain == DMARC_POLICY_NONE) {
		add(a, r, FINDING_WARNING, "dmarc-policy-none",
		    "once the reports show your mail passes, move to "
		    "p=quarantine, then p=reject",
		    "the policy is none: monitoring only. It meets Gmail's and "
		    "Yahoo's bulk-sender rule but protects nothing");
	}
	if (r->testing) {
		add(a, r, FINDING_WARNING, "dmarc-testing",
		    "remove t=y (and pct=) once testing is done",
		    rec->t == 'y' ? "t=y: receivers apply one step less than "
		    "the policy (testing mode)" : arena_printf(a, "pct=%d: "
		    "RFC 7489 receivers apply the policy to only part of the "
		    "mail", rec->pct));
	}
	if (rec->nrua == 0) {
		add(a, r, FINDING_WARNING, "dmarc-no-rua",
		    "add rua=mailto:dmarc-reports@<your domain>",
		    "no rua=: nobody receives the aggregate reports that show "
		    "who sends mail as this domain");
	}
	if (r->sp_set && strength(r->p_sub) < strength(r->p_record)) {
		add(a, r, FINDING_WARNING, "dmarc-weak-subdomains",
		    "remove sp= or make it at least as strict as p=",
		    arena_printf(a, "sp=%s is weaker than p=%s: subdomains are "
		    "easier to spoof", dmarc_policy_name(r->p_sub),
		    dmarc_policy_name(r->p_record)));
	}
	if (r->np_set && strength(r->p_nx) < strength(r->p_sub)) {
		add(a, r, FINDING_WARNING, "dmarc-weak-nonexistent",
		    "remove np= or make it at least as strict as sp=",
		    arena_printf(a, "np=%s is weaker than the policy of "
		    "existing subdomains (%s)", dmarc_policy_name(r->p_nx),
		    dmarc_policy_name(r->p_sub)));
	}
}

static void
lint_rfc7489(struct arena *a, struct dmarc_result *r)
{
	const char *found = r->policy_step->domain;

	if (r->record_domain_7489 == NULL) {
		add(a, r, FINDING_WARNING, "dmarc-walk-only",
		    arena_printf(a, "publish a record at _dmarc.%s as well",
		    r->org_domain_psl), arena_printf(a, "the policy at %s is "
		    "found only by the RFC 9989 tree walk: receivers still on "
		    "RFC 7489 (which ask _dmarc.%s and _dmarc.%s) find none",
		    r->policy_step->name, r->domain, r->org_domain_psl));
	} else if (!dns_name_equal(r->record_domain_7489, found)) {
		add(a, r, FINDING_INFO, "dmarc-rfc7489-differs", NULL,
		    arena_printf(a, "RFC 7489 receivers use the record at "
		    "_dmarc.%s instead", r->record_domain_7489));
	}
	if (!dns_name_equal(r->org_domain, r->org_domain_psl)) {
		add(a, r, FINDING_INFO, "dmarc-org-domain-differs", NULL,
		    arena_printf(a, "the organizational domain is %s by the "
		    "RFC 9989 tree walk but %s by the Public Suffix List "
		    "(RFC 7489): relaxed alignment differs between receivers",
		    r->org_domain, r->org_domain_psl));
	}
}

static void
lint_destinations(struct arena *a, struct dmarc_result *r)
{
	size_t i;

	if (r->ndests_published > r->ndests) {
		add(a, r, FINDING_WARNING, "dmarc-report-limit",
		    "list one or two report addresses",
		    arena_printf(a, "%zu report addresses; mailauth checks the "
		    "first %zu, and receivers send to few of them",
		    r->ndests_published, r->ndests));
	}
	for (i = 0; i < r->ndests; i++) {
		const struct dmarc_destination *d = &r->dests[i];
		const char *uri = safe_str(a, d->uri->uri);
		struct finding *f = NULL;

		if (!d->external) {
			continue;
		}
		if (d->authorized == 0) {
			f = add(a, r, FINDING_WARNING, "dmarc-report-unauthorized",
			    arena_printf(a, "ask the operator of %s to publish "
			    "TXT \"v=DMARC1\" at %s (or *._report._dmarc.%s)",
			    safe_str(a, d->uri->host), safe_str(a,
			    d->check_name), safe_str(a, d->uri->host)),
			    arena_printf(a, "%s is outside %s and has not "
			    "authorized reports for it: receivers will not "
			    "send them", uri, r->org_domain));
		} else if (d->authorized < 0 && d->answer != NULL) {
			f = add(a, r, FINDING_ERROR, "dmarc-dns-error",
			    "retry, or check the destination's DNS servers",
			    arena_printf(a, "the authorization lookup %s failed "
			    "(%s): unknown, not refused",
			    safe_str(a, d->check_name),
			    dns_kind_name(d->answer->kind)));
		}
		if (f != NULL) {
			f->term = uri;
		}
	}
}

void
dmarc_lint(struct arena *a, struct dmarc_result *r)
{
	lint_walk(a, r);
	if (r->walk_failed) {
		return;
	}
	if (r->policy_step == NULL) {
		add(a, r, FINDING_ERROR, "dmarc-no-record",
		    arena_printf(a, "publish TXT \"v=DMARC1; p=none; "
		    "rua=mailto:dmarc-reports@%s\" at _dmarc.%s, then tighten "
		    "p= as the reports allow", r->org_domain_psl,
		    r->org_domain_psl), arena_printf(a, "no DMARC record for "
		    "%s: Gmail answers 4.7.31 to bulk mail without one",
		    r->domain));
		return;
	}
	lint_tags(a, r);
	lint_policy(a, r);
	lint_rfc7489(a, r);
	lint_destinations(a, r);
}
