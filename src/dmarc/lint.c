/* Findings about a DMARC discovery (RFC 9989), each with its fix. */
#include <string.h>
#include <strings.h>

#include "dmarc/discover.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "util/arena.h"
#include "util/safe.h"
#include "util/strbuf.h"
#include "util/taglist.h"

static int
strength(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_POLICY_REJECT: return 3;
	case DMARC_POLICY_QUARANTINE: return 2;
	default: return 1;
	}
}

static bool
is_policy_tag(const char *name)
{
	return strcmp(name, "p") == 0 || strcmp(name, "sp") == 0 ||
	    strcmp(name, "np") == 0;
}

/* The policy a mistyped value most likely meant, by its first letter,
 * or NULL. */
static const char *
meant_policy(const char *value)
{
	switch (value[0]) {
	case 'n': case 'N': return "none";
	case 'q': case 'Q': return "quarantine";
	case 'r': case 'R': return "reject";
	}
	return NULL;
}

/* The record's text with v=DMARC1 first and, when fix_policies, each
 * invalid p=, sp= and np= replaced by the policy it likely meant (or
 * dropped: sp= and np= then default, p= becomes none). */
static const char *
record_text(struct arena *a, const struct dmarc_record *rec,
    bool fix_policies)
{
	struct strbuf sb = STRBUF_INIT;
	const char *out;
	size_t i;

	strbuf_adds(&sb, "v=DMARC1");
	for (i = 0; i < rec->ntags; i++) {
		const struct dmarc_tag *t = &rec->tags[i];
		const char *value = t->value;

		if (strcmp(t->name, "v") == 0 || (fix_policies &&
		    dmarc_record_tag(rec, t->name) != t)) {
			continue;
		}
		if (fix_policies && t->error != NULL &&
		    is_policy_tag(t->name)) {
			value = meant_policy(t->value);
			if (value == NULL && strcmp(t->name, "p") == 0) {
				value = "none";
			}
		}
		if (value != NULL) {
			strbuf_addf(&sb, "; %s=%s", t->name, value);
		}
	}
	out = arena_strdup(a, strbuf_str(&sb));
	strbuf_finish(&sb);
	return out;
}

/* A tree-walk lookup that failed. Above a domain with its own record it
 * hides only the Organizational Domain (RFC 9989 §4.10.2): the policy is
 * the domain's own, and the failing name is not in its zone. */
static struct finding *
lint_failed_step(struct arena *a, struct dmarc_result *r,
    const struct dmarc_step *s)
{
	const char *what = dns_answer_failure(a, s->answer);
	const char *hint = dns_answer_retry_hint(s->answer);

	if (r->policy_step == NULL) {
		return finding_add(a, &r->findings, FINDING_ERROR,
		    "dmarc-dns-error", hint ? hint : "retry, or check the "
		    "name's DNS servers: receivers cannot find the policy "
		    "while this lasts", "%s: the policy is unknown, not absent",
		    what);
	}
	return finding_add(a, &r->findings, FINDING_WARNING, "dmarc-dns-error",
	    hint ? hint : arena_printf(a, "retry, or ask another resolver "
	    "(@SERVER): %s is above %s, not in its zone, and decides only the "
	    "organizational domain", s->name, r->domain), "%s: the "
	    "organizational domain of %s is unknown, so is relaxed alignment "
	    "of other names with it (RFC 9989 §4.10.2); its policy is its own "
	    "record at %s", what, r->domain, r->policy_step->name);
}

const char *
dmarc_starter_record(struct arena *a, const char *report_domain)
{
	return arena_printf(a, "v=DMARC1; p=none; rua=mailto:postmaster@%s",
	    report_domain);
}

const char *
dmarc_near_miss_fixed(struct arena *a, const struct dmarc_step *s)
{
	if (s->kind != DMARC_STEP_NONE || s->near_miss == NULL) {
		return NULL;
	}
	return record_text(a, dmarc_record_parse(a, s->near_miss,
	    strlen(s->near_miss)), false);
}

static void
lint_walk(struct arena *a, struct dmarc_result *r)
{
	size_t i;

	for (i = 0; i < r->nsteps; i++) {
		const struct dmarc_step *s = &r->steps[i];
		struct finding *f = NULL;

		if (s->kind == DMARC_STEP_FAILED) {
			f = lint_failed_step(a, r, s);
			f->verdict = VERDICT_UNKNOWN;
		} else if (s->kind == DMARC_STEP_MULTIPLE) {
			f = finding_add(a, &r->findings, FINDING_ERROR,
			    "dmarc-multiple-records", "keep exactly one "
			    "v=DMARC1 record at the name", "%s has several "
			    "DMARC records: receivers discard them all (RFC "
			    "9989 §4.10)", s->name);
		} else if (s->kind == DMARC_STEP_NONE && s->version_not_first) {
			f = finding_add(a, &r->findings, FINDING_ERROR,
			    "dmarc-version-not-first", arena_printf(a,
			    "publish it with v=DMARC1 first: %s",
			    dns_txt_quote_text(a, dmarc_near_miss_fixed(a, s))),
			    "%s has a TXT record with v=DMARC1 that is not the "
			    "first tag: receivers ignore it (RFC 9989 §4.7): "
			    "%s", s->name, dns_txt_quote_text(a, s->near_miss));
		} else if (s->kind == DMARC_STEP_NONE && s->near_miss) {
			f = finding_add(a, &r->findings, FINDING_ERROR,
			    "dmarc-syntax", arena_printf(a, "start the record "
			    "with exactly \"v=DMARC1\" (upper case DMARC1, "
			    "then ';'): %s", dns_txt_quote_text(a,
			    dmarc_near_miss_fixed(a, s))), "%s has a TXT "
			    "record that looks like DMARC but is not one: %s",
			    s->name, dns_txt_quote_text(a, s->near_miss));
		}
		if (f != NULL) {
			f->domain = s->name;
		}
	}
}

/* One tag's finding, or NULL. An invalid p=, sp= or np= is left to
 * lint_policy, which says what receivers make of it. */
static struct finding *
lint_tag(struct arena *a, struct dmarc_result *r, const struct dmarc_tag *t)
{
	const struct dmarc_record *rec = r->policy_step->record;
	const char *tag = safe_str(a, t->name);

	if (t->obsolete) {
		/* RFC 9989 ignores them, so a bad value harms nobody. */
		return finding_add(a, &r->findings, FINDING_INFO,
		    "dmarc-obsolete-tag", strcmp(t->name, "pct") == 0 ?
		    "use t=y while testing and remove pct" : "remove it", "%s",
		    t->error ? arena_printf(a, "%s=%s: %s; %s= was removed by "
		    "RFC 9989, and RFC 7489 receivers read a bad value as the "
		    "default", tag, safe_str(a, t->value), t->error, tag) :
		    arena_printf(a, "%s= was removed by RFC 9989; receivers "
		    "still on RFC 7489 honor it", tag));
	}
	if (t->error != NULL && is_policy_tag(t->name) &&
	    dmarc_record_tag(rec, t->name) == t) {
		return NULL;
	}
	if (t->error != NULL) {
		return finding_add(a, &r->findings, FINDING_ERROR,
		    "dmarc-syntax", arena_printf(a, "correct %s=", tag),
		    "%s=%s: %s", tag, safe_str(a, t->value), t->error);
	}
	if (!t->known) {
		return finding_add(a, &r->findings, FINDING_WARNING,
		    "dmarc-unknown-tag", "remove it, or correct its name",
		    "unknown tag %s=: receivers ignore it", tag);
	}
	return NULL;
}

/* The address to write instead of a URI no report reaches. */
static const char *
uri_fix(struct arena *a, const struct dmarc_uri *u, const char *tag)
{
	if (u->suggest != NULL) {
		return arena_printf(a, "write %s in %s=", safe_str(a,
		    u->suggest), tag);
	}
	return arena_printf(a, "give a mailto: address, as %s=mailto:"
	    "dmarc-reports@<your domain>", tag);
}

/* RFC 9989 §4.7: report URIs that no report reaches, the obsolete !size
 * suffix, and fo=0 with fo=1, which exclude each other. */
static void
lint_uris(struct arena *a, struct dmarc_result *r)
{
	const struct dmarc_record *rec = r->policy_step->record;
	const struct dmarc_tag *fo = dmarc_record_tag(rec, "fo");
	size_t i;

	for (i = 0; i < rec->nrua + rec->nruf; i++) {
		bool rua = i < rec->nrua;
		const struct dmarc_uri *u = rua ? &rec->rua[i] :
		    &rec->ruf[i - rec->nrua];
		const char *uri = safe_str(a, u->uri);
		struct finding *f = NULL;

		if (u->problem != NULL) {
			f = finding_add(a, &r->findings, FINDING_WARNING,
			    "dmarc-report-uri", uri_fix(a, u, rua ? "rua" :
			    "ruf"), "%s URI %s: %s", rua ? "rua" : "ruf",
			    dns_txt_quote_text(a, u->uri), u->problem);
		} else if (u->size != NULL) {
			f = finding_add(a, &r->findings, FINDING_INFO,
			    "dmarc-obsolete-tag", "remove the !size suffix",
			    "the size limit \"!%s\" of %s was removed by RFC "
			    "9989; older receivers honor it", safe_str(a,
			    u->size), uri);
		}
		if (f != NULL) {
			f->term = rua ? "rua" : "ruf";
		}
	}
	if (fo != NULL && fo->error == NULL &&
	    taglist_value_has(fo->value, "0") &&
	    taglist_value_has(fo->value, "1")) {
		struct finding *f = finding_add(a, &r->findings,
		    FINDING_WARNING, "dmarc-fo-conflict", "keep fo=1 (a report "
		    "when any mechanism fails) or fo=0 (when all fail), not "
		    "both", "fo=%s: 0 and 1 exclude each other (RFC 9989 "
		    "§4.7); receivers pick one as they please", safe_str(a,
		    fo->value));

		f->term = "fo";
		f->offset = (long)fo->offset;
	}
}

static void
lint_tags(struct arena *a, struct dmarc_result *r)
{
	const struct dmarc_record *rec = r->policy_step->record;
	size_t i;

	if (rec->error != NULL) {
		struct finding *f = finding_add(a, &r->findings, FINDING_ERROR,
		    "dmarc-syntax", "correct the record", "%s", rec->error);

		f->offset = (long)rec->error_offset;
	}
	for (i = 0; i < rec->ntags; i++) {
		const struct dmarc_tag *t = &rec->tags[i];
		struct finding *f = lint_tag(a, r, t);

		if (f != NULL) {
			f->term = safe_str(a, t->name);
			f->offset = (long)t->offset;
		}
	}
	lint_uris(a, r);
}

/* The invalid p=, sp= and np= (RFC 9989 §4.10.1), as "sp=quarantin". */
static const char *
invalid_policies(struct arena *a, const struct dmarc_record *rec)
{
	static const char *const names[] = { "p", "sp", "np" };
	const enum dmarc_policy values[] = { rec->p, rec->sp, rec->np };
	const char *out = "";
	size_t i;

	for (i = 0; i < 3; i++) {
		if (values[i] == DMARC_POLICY_INVALID) {
			out = arena_printf(a, "%s%s%s=%s", out, *out ? ", " : "",
			    names[i], safe_str(a, dmarc_record_tag(rec,
			    names[i])->value));
		}
	}
	return out;
}

static void
lint_invalid_policy(struct arena *a, struct dmarc_result *r)
{
	const struct dmarc_record *rec = r->policy_step->record;
	const char *bad = invalid_policies(a, rec);
	struct finding *f;

	f = finding_add(a, &r->findings, FINDING_ERROR, "dmarc-invalid-policy",
	    arena_printf(a, "publish %s (each policy is none, quarantine or "
	    "reject)", dns_txt_quote_text(a, record_text(a, rec, true))), "%s",
	    r->fallback == DMARC_FALLBACK_NONE ? arena_printf(a, "%s is not a "
	    "policy (none, quarantine or reject): receivers act as if the "
	    "record said p=none, since rua= has a valid address (RFC 9989 "
	    "§4.10.1)", bad) : arena_printf(a, "%s is not a policy (none, "
	    "quarantine or reject) and rua= has no valid address: receivers "
	    "apply no DMARC to the domain's mail at all (RFC 9989 §4.10.1)",
	    bad));
	f->term = rec->p == DMARC_POLICY_INVALID ? "p" :
	    rec->sp == DMARC_POLICY_INVALID ? "sp" : "np";
	f->offset = (long)dmarc_record_tag(rec, f->term)->offset;
}

static void
lint_policy(struct arena *a, struct dmarc_result *r)
{
	const struct dmarc_record *rec = r->policy_step->record;

	if (rec->p == DMARC_POLICY_UNSET) {
		finding_add(a, &r->findings, FINDING_WARNING, "dmarc-no-p",
		    "add p=none, p=quarantine or p=reject", "the record has no "
		    "p=: RFC 9989 reads it as p=none, but RFC 7489 receivers "
		    "ignore a record without p= unless it has rua=");
	}
	if (r->fallback != DMARC_FALLBACK_NO) {
		lint_invalid_policy(a, r);
	} else if (r->p_domain == DMARC_POLICY_NONE) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "dmarc-policy-none", "once the reports show your mail "
		    "passes, move to p=quarantine, then p=reject", "the policy "
		    "is none: monitoring only. It meets Gmail's and Yahoo's "
		    "bulk-sender rule but protects nothing");
	}
	if (r->testing) {
		finding_add(a, &r->findings, FINDING_WARNING, "dmarc-testing",
		    "remove t=y once testing is done", "t=y: receivers apply "
		    "one step less than the policy (testing mode)");
	}
	if (rec->nrua == 0) {
		finding_add(a, &r->findings, FINDING_WARNING, "dmarc-no-rua",
		    arena_printf(a, "add rua=mailto:postmaster@%s",
		    r->report_domain ? r->report_domain : r->domain),
		    "no rua=: nobody receives the aggregate reports that show "
		    "who sends mail as this domain");
	}
	if (r->sp_set && strength(r->p_sub) < strength(r->p_record)) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "dmarc-weak-subdomains", "remove sp= or make it at least "
		    "as strict as p=", "sp=%s is weaker than p=%s: subdomains "
		    "are easier to spoof", dmarc_policy_name(r->p_sub),
		    dmarc_policy_name(r->p_record));
	}
	if (r->np_set && strength(r->p_nx) < strength(r->p_sub)) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "dmarc-weak-nonexistent", "remove np= or make it at least "
		    "as strict as sp=", "np=%s is weaker than the policy of "
		    "existing subdomains (%s)", dmarc_policy_name(r->p_nx),
		    dmarc_policy_name(r->p_sub));
	}
}

/* RFC 9989 Appendix A.6 removed pct=; RFC 7489 §6.6.4 receivers apply
 * the policy to pct% of failing mail and the next lower one to the rest,
 * so pct=0 means one step less for all of it. */
static void
lint_pct(struct arena *a, struct dmarc_result *r)
{
	const struct dmarc_record *rec = r->policy_step->record;
	const char *also = rec->t == 'y' ? " (t=y asks them for one step "
	    "less)" : "";

	if (rec->pct < 0 || rec->pct == 100 ||
	    r->fallback != DMARC_FALLBACK_NO || (strength(r->p_domain) == 1 &&
	    strength(r->p_sub) == 1 && strength(r->p_nx) == 1)) {
		return;
	}
	finding_add(a, &r->findings, FINDING_INFO, "dmarc-rfc7489-differs",
	    rec->t == 'y' ? "remove pct=: t=y says the same to RFC 9989 "
	    "receivers" : "use t=y while testing, and remove pct=", "%s",
	    rec->pct == 0 ? arena_printf(a, "pct=0: RFC 7489 receivers apply "
	    "the next lower policy (quarantine becomes none, reject becomes "
	    "quarantine) to all failing mail; RFC 9989 receivers ignore pct= "
	    "and apply the policy in full%s", also) : arena_printf(a,
	    "pct=%d: RFC 7489 receivers apply the policy to %d%% of failing "
	    "mail and the next lower one to the rest; RFC 9989 receivers "
	    "ignore pct= and apply it to all%s", rec->pct, rec->pct, also));
}

static void
lint_rfc7489(struct arena *a, struct dmarc_result *r)
{
	const struct dmarc_record *rec = r->policy_step->record;
	const char *found = r->policy_step->domain;

	if (r->record_domain_7489 == NULL && r->failed_7489) {
		/* Unknown, not absent: a failed lookup (a finding of its
		 * own) hid what RFC 7489 receivers find. */
	} else if (r->record_domain_7489 == NULL) {
		finding_add(a, &r->findings, FINDING_WARNING, "dmarc-walk-only",
		    arena_printf(a, "publish a record at _dmarc.%s as well",
		    r->org_domain_psl), "the policy at %s is found only by the "
		    "RFC 9989 tree walk: receivers still on RFC 7489 (which "
		    "ask _dmarc.%s and _dmarc.%s) find none",
		    r->policy_step->name, r->domain, r->org_domain_psl);
	} else if (!dns_name_equal(r->record_domain_7489, found)) {
		finding_add(a, &r->findings, FINDING_INFO,
		    "dmarc-rfc7489-differs", NULL, "RFC 7489 receivers use the "
		    "record at _dmarc.%s instead", r->record_domain_7489);
	}
	lint_pct(a, r);
	if (rec->np == DMARC_POLICY_INVALID && rec->p !=
	    DMARC_POLICY_INVALID && rec->sp != DMARC_POLICY_INVALID) {
		finding_add(a, &r->findings, FINDING_INFO,
		    "dmarc-rfc7489-differs", NULL, "RFC 7489 receivers do not "
		    "know np= and apply p= and sp= as published");
	}
	if (r->org_domain != NULL &&
	    !dns_name_equal(r->org_domain, r->org_domain_psl)) {
		finding_add(a, &r->findings, FINDING_INFO,
		    "dmarc-org-domain-differs", NULL, "the organizational "
		    "domain is %s by the RFC 9989 tree walk but %s by the "
		    "Public Suffix List (RFC 7489): relaxed alignment differs "
		    "between receivers", r->org_domain, r->org_domain_psl);
	}
}

static void
lint_destinations(struct arena *a, struct dmarc_result *r)
{
	size_t i;

	if (r->ndests_published > r->ndests) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "dmarc-report-limit", "list one or two report addresses",
		    "%zu report addresses; mailauth checks the first %zu, and "
		    "receivers send to few of them", r->ndests_published,
		    r->ndests);
	}
	for (i = 0; i < r->ndests; i++) {
		const struct dmarc_destination *d = &r->dests[i];
		const char *uri = safe_str(a, d->uri->uri);
		struct finding *f = NULL;

		if (!d->external) {
			continue;
		}
		if (d->authorized == VERDICT_FAIL) {
			f = finding_add(a, &r->findings, FINDING_WARNING,
			    "dmarc-report-unauthorized", arena_printf(a,
			    "ask the operator of %s to publish TXT "
			    "\"v=DMARC1\" at %s (or *._report._dmarc.%s)",
			    safe_str(a, d->uri->host), safe_str(a,
			    d->check_name), safe_str(a, d->uri->host)),
			    "%s is outside %s and has not authorized reports "
			    "for it: receivers will not send them%s", uri,
			    r->org_domain ? r->org_domain : r->domain,
			    r->org_domain ? "" : ", unless it is in the "
			    "organizational domain, which a failed lookup hid");
		} else if (d->authorized == VERDICT_UNKNOWN &&
		    d->answer != NULL) {
			f = finding_add(a, &r->findings, FINDING_ERROR,
			    "dmarc-dns-error", "retry, or check the "
			    "destination's DNS servers", "the authorization "
			    "lookup %s failed (%s): unknown, not refused",
			    safe_str(a, d->check_name),
			    dns_kind_name(d->answer->kind));
			f->verdict = VERDICT_UNKNOWN;
		}
		if (f != NULL) {
			f->term = uri;
		}
	}
}

/* The fix for a domain without a policy: the starter record at its own
 * name, or, when a record there is one receivers ignore, that record
 * corrected (its own finding says how): never two records for one name. */
static const char *
no_record_fix(struct arena *a, const struct dmarc_result *r)
{
	const struct dmarc_step *own = &r->steps[0];

	if (own->kind == DMARC_STEP_MULTIPLE || own->near_miss != NULL) {
		return arena_printf(a, "correct the record at %s as said above: "
		    "it is then the policy", own->name);
	}
	return arena_printf(a, "publish TXT \"%s\" at %s, then tighten p= as "
	    "the reports allow", dmarc_starter_record(a, r->report_domain ?
	    r->report_domain : r->domain), own->name);
}

void
dmarc_lint(struct arena *a, struct dmarc_result *r)
{
	r->findings.domain = r->policy_step ? r->policy_step->name :
	    r->domain;
	lint_walk(a, r);
	if (r->policy_step == NULL && r->walk_failed) {
		return;
	}
	if (r->policy_step == NULL) {
		finding_add(a, &r->findings, FINDING_ERROR, "dmarc-no-record",
		    no_record_fix(a, r), "no DMARC record for %s: Gmail "
		    "answers 4.7.31 to bulk mail without one", r->domain);
		return;
	}
	lint_tags(a, r);
	lint_policy(a, r);
	lint_rfc7489(a, r);
	lint_destinations(a, r);
}
