#include "dmarc/discover.h"

#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "dmarc/psl.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "util/taglist.h"
#include "util/arena.h"

/* RFC 9989 §4.10 step 5: a walk jumps to this many labels, so it never
 * asks more than 1 + 7 names. */
#define WALK_JUMP_LABELS 7

const char *
dmarc_source_name(enum dmarc_source s)
{
	switch (s) {
	case DMARC_SOURCE_DOMAIN: return "domain";
	case DMARC_SOURCE_ORG: return "organizational_domain";
	case DMARC_SOURCE_PSD: return "public_suffix_domain";
	case DMARC_SOURCE_NONE: break;
	}
	return "none";
}

const char *
dmarc_fallback_name(enum dmarc_fallback f)
{
	switch (f) {
	case DMARC_FALLBACK_NONE: return "none";
	case DMARC_FALLBACK_IGNORED: return "ignored";
	case DMARC_FALLBACK_NO: break;
	}
	return NULL;
}

static size_t
count_labels(const char *name)
{
	size_t n = 1;

	for (; *name; name++) {
		n += *name == '.';
	}
	return n;
}

/* The name made of the rightmost n labels of domain. */
static const char *
rightmost(const char *domain, size_t n)
{
	size_t total = count_labels(domain);
	const char *p = domain;

	while (total > n && (p = strchr(p, '.')) != NULL) {
		p++;
		total--;
	}
	return p ? p : domain;
}

size_t
dmarc_walk_targets(struct arena *a, const char *domain, const char ***out)
{
	size_t x = count_labels(domain), n = 0, k;
	const char **t = arena_calloc(a, DMARC_WALK_MAX_QUERIES,
	    sizeof(*t));

	t[n++] = domain;
	k = x >= WALK_JUMP_LABELS + 1 ? WALK_JUMP_LABELS : x - 1;
	for (; k >= 1 && n < DMARC_WALK_MAX_QUERIES; k--) {
		t[n++] = rightmost(domain, k);
	}
	*out = t;
	return n;
}

static const struct dns_answer *
ask(dns_lookup_fn lookup, void *ctx, struct dmarc_result *r,
    const char *name, enum dns_type type)
{
	const struct dns_answer *ans = lookup(ctx, name, type);

	r->pending += ans == NULL;
	return ans;
}

/* "v=dmarc1", "V=DMARC1 ;p=..." with odd case or spacing: a publisher
 * meant a DMARC record, but receivers skip it. */
static bool
looks_like_dmarc(const char *text, size_t len)
{
	return len >= 7 && strncasecmp(text, "v=dmarc", 7) == 0;
}

/* RFC 9989 §4.7: v=DMARC1 must be the first tag; a record with it
 * anywhere else is ignored, though its publisher meant one. */
static bool
version_not_first(struct arena *a, const char *text, size_t len)
{
	struct taglist tl;
	size_t i;

	taglist_parse(a, text, len, &tl);
	for (i = 1; i < tl.n; i++) {
		if (strcasecmp(tl.tags[i].name, "v") == 0 &&
		    strcmp(tl.tags[i].value, "DMARC1") == 0) {
			return true;
		}
	}
	return false;
}

/* RFC 9989 §4.10 steps 2 and 7: keep the records that start with
 * v=DMARC1; several at one name are all discarded. */
static void
classify(struct arena *a, struct dmarc_step *s)
{
	const struct dns_answer *ans = s->answer;
	const char *found = NULL;
	size_t i, n = 0, len, flen = 0;

	if (dns_kind_is_failure(ans->kind)) {
		s->kind = DMARC_STEP_FAILED;
		return;
	}
	s->kind = DMARC_STEP_NONE;
	for (i = 0; ans->kind == DNS_ANS_RECORDS && i < ans->count; i++) {
		const char *text = dns_txt_join(a, &ans->txt[i], &len);

		if (dmarc_is_record(text, len)) {
			found = text;
			flen = len;
			n++;
		} else if (looks_like_dmarc(text, len)) {
			s->near_miss = text;
		} else if (version_not_first(a, text, len)) {
			s->near_miss = text;
			s->version_not_first = true;
		}
	}
	if (n == 1) {
		s->kind = DMARC_STEP_RECORD;
		s->record = dmarc_record_parse(a, found, flen);
	} else if (n > 1) {
		s->kind = DMARC_STEP_MULTIPLE;
	}
}

static bool
stops_walk(const struct dmarc_step *s)
{
	return s->kind == DMARC_STEP_RECORD &&
	    (s->record->psd == 'y' || s->record->psd == 'n');
}

/* Asks every name of the walk at once (they do not depend on each other),
 * then reads them in order as a receiver would, stopping where it stops. */
static void
walk(struct arena *a, dns_lookup_fn lookup, void *ctx,
    struct dmarc_result *r)
{
	const char **targets;
	const struct dns_answer *answers[DMARC_WALK_MAX_QUERIES];
	size_t n = dmarc_walk_targets(a, r->domain, &targets), i;

	r->steps = arena_calloc(a, n, sizeof(*r->steps));
	for (i = 0; i < n; i++) {
		answers[i] = ask(lookup, ctx, r, arena_printf(a, "_dmarc.%s",
		    targets[i]), DNS_T_TXT);
	}
	for (i = 0; i < n; i++) {
		struct dmarc_step *s = &r->steps[r->nsteps++];

		s->domain = targets[i];
		s->name = arena_printf(a, "_dmarc.%s", targets[i]);
		s->answer = answers[i];
		if (s->answer == NULL) {
			s->kind = DMARC_STEP_PENDING;
			return;
		}
		classify(a, s);
		if (s->kind == DMARC_STEP_FAILED) {
			r->walk_failed = true;
			return;
		}
		if (stops_walk(s)) {
			return;
		}
	}
}

/* The domain one label below ancestor on the way down to domain. */
static const char *
one_below(const char *domain, const char *ancestor)
{
	return rightmost(domain, count_labels(ancestor) + 1);
}

/* RFC 9989 §4.10.2: psd=n names the Organizational Domain, psd=y names
 * the domain below it, else the record with the fewest labels does; with
 * no record at all the domain is its own. */
static void
find_org_domain(struct dmarc_result *r)
{
	const struct dmarc_step *last = NULL;
	size_t i;

	for (i = 0; i < r->nsteps; i++) {
		const struct dmarc_step *s = &r->steps[i];

		if (s->kind != DMARC_STEP_RECORD) {
			continue;
		}
		last = s;
		if (s->record->psd == 'n') {
			r->org_domain = s->domain;
			return;
		}
		if (s->record->psd == 'y' && s != &r->steps[0]) {
			r->org_domain = one_below(r->domain, s->domain);
			return;
		}
	}
	r->org_domain = last ? last->domain : r->domain;
}

static const struct dmarc_step *
step_at(const struct dmarc_result *r, const char *domain)
{
	size_t i;

	for (i = 0; i < r->nsteps; i++) {
		if (r->steps[i].kind == DMARC_STEP_RECORD &&
		    dns_name_equal(r->steps[i].domain, domain)) {
			return &r->steps[i];
		}
	}
	return NULL;
}

/* RFC 9989 §4.10.1: the domain's own record, else its Organizational
 * Domain's, else a Public Suffix Domain's. */
static void
choose_policy(struct dmarc_result *r)
{
	size_t i;

	if ((r->policy_step = step_at(r, r->domain)) != NULL) {
		r->source = DMARC_SOURCE_DOMAIN;
		return;
	}
	if (!dns_name_equal(r->org_domain, r->domain) &&
	    (r->policy_step = step_at(r, r->org_domain)) != NULL) {
		r->source = DMARC_SOURCE_ORG;
		return;
	}
	for (i = 1; i < r->nsteps; i++) {
		if (r->steps[i].kind == DMARC_STEP_RECORD &&
		    r->steps[i].record->psd == 'y') {
			r->policy_step = &r->steps[i];
			r->source = DMARC_SOURCE_PSD;
			return;
		}
	}
}

/* RFC 9989 §4.10.1: an invalid p, sp or np makes the record read as
 * p=none when rua= has a valid URI, else no DMARC processing. */
static enum dmarc_fallback
fallback(const struct dmarc_record *rec)
{
	if (rec->p != DMARC_POLICY_INVALID && rec->sp != DMARC_POLICY_INVALID
	    && rec->np != DMARC_POLICY_INVALID) {
		return DMARC_FALLBACK_NO;
	}
	return dmarc_record_has_valid_rua(rec) ? DMARC_FALLBACK_NONE :
	    DMARC_FALLBACK_IGNORED;
}

/* RFC 9989 §4.7: a missing p means none; sp defaults to p, np to sp. A
 * domain under the record's domain gets sp, or np when it does not
 * exist. */
static void
apply_policy(struct dmarc_result *r)
{
	const struct dmarc_record *rec = r->policy_step->record;
	enum dmarc_policy p = rec->p == DMARC_POLICY_UNSET ?
	    DMARC_POLICY_NONE : rec->p;

	r->fallback = fallback(rec);
	r->adkim = rec->adkim;
	r->aspf = rec->aspf;
	if (r->fallback == DMARC_FALLBACK_IGNORED) {
		return;
	}
	r->testing = rec->t == 'y';
	if (r->fallback == DMARC_FALLBACK_NONE) {
		r->p_record = r->p_domain = r->p_sub = r->p_nx =
		    DMARC_POLICY_NONE;
		return;
	}
	r->p_record = p;
	r->sp_set = rec->sp != DMARC_POLICY_UNSET;
	r->np_set = rec->np != DMARC_POLICY_UNSET;
	r->p_sub = r->sp_set ? rec->sp : p;
	r->p_nx = r->np_set ? rec->np : r->p_sub;
	if (r->source == DMARC_SOURCE_DOMAIN) {
		r->p_domain = p;
	} else {
		r->p_domain = r->exists ? r->p_sub : r->p_nx;
	}
}

/* RFC 7489 §6.6.3: _dmarc.<domain>, then _dmarc.<PSL organizational
 * domain>; a record there needs a valid p (or rua, then p=none). */
static void
compare_rfc7489(struct arena *a, dns_lookup_fn lookup, void *ctx,
    struct dmarc_result *r)
{
	const char *names[2] = { r->domain, r->org_domain_psl };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct dmarc_step s;
		bool valid;

		if (i == 1 && dns_name_equal(names[0], names[1])) {
			break;
		}
		memset(&s, 0, sizeof(s));
		s.domain = names[i];
		s.answer = ask(lookup, ctx, r, arena_printf(a, "_dmarc.%s",
		    names[i]), DNS_T_TXT);
		if (s.answer == NULL) {
			return;
		}
		classify(a, &s);
		if (s.kind == DMARC_STEP_FAILED) {
			r->failed_7489 = true;
			return;
		}
		valid = s.kind == DMARC_STEP_RECORD &&
		    (s.record->p == DMARC_POLICY_NONE ||
		    s.record->p == DMARC_POLICY_QUARANTINE ||
		    s.record->p == DMARC_POLICY_REJECT || s.record->nrua > 0);
		if (valid) {
			r->record_domain_7489 = names[i];
			return;
		}
	}
}

static void
check_destinations(struct arena *a, dns_lookup_fn lookup, void *ctx,
    struct dmarc_result *r)
{
	const struct dmarc_record *rec = r->policy_step->record;
	size_t n = rec->nrua + rec->nruf, i, k = 0;

	r->ndests_published = n;
	if (n > DMARC_MAX_DESTINATIONS) {
		n = DMARC_MAX_DESTINATIONS;
	}
	r->dests = arena_calloc(a, n, sizeof(*r->dests));
	for (i = 0; i < n; i++) {
		bool rua = i < rec->nrua;
		struct dmarc_destination *d = &r->dests[k++];
		const struct dns_answer *ans;
		size_t j, len;

		d->tag = rua ? "rua" : "ruf";
		d->uri = rua ? &rec->rua[i] : &rec->ruf[i - rec->nrua];
		d->authorized = VERDICT_UNKNOWN;
		if (d->uri->host == NULL) {
			continue;
		}
		/* With the Organizational Domain unknown, only the domain
		 * itself is known to be inside it. */
		d->external = !dns_name_is_under(d->uri->host, r->org_domain ?
		    r->org_domain : r->domain);
		if (!d->external) {
			d->authorized = VERDICT_PASS;
			continue;
		}
		/* RFC 9989 §4.8 (RFC 7489 §7.1): the destination says it
		 * accepts reports for the record's domain. */
		d->check_name = arena_printf(a, "%s._report._dmarc.%s",
		    r->policy_step->domain, d->uri->host);
		d->answer = ans = ask(lookup, ctx, r, d->check_name, DNS_T_TXT);
		if (ans == NULL || dns_kind_is_failure(ans->kind)) {
			continue;
		}
		d->authorized = VERDICT_FAIL;
		for (j = 0; ans->kind == DNS_ANS_RECORDS && j < ans->count;
		    j++) {
			const char *text = dns_txt_join(a, &ans->txt[j], &len);

			if (dmarc_is_record(text, len)) {
				d->authorized = VERDICT_PASS;
			}
		}
	}
	r->ndests = k;
}

struct dmarc_result *
dmarc_discover(struct arena *a, dns_lookup_fn lookup, void *lookup_ctx,
    const struct dmarc_psl *psl, const char *domain)
{
	struct dmarc_result *r = arena_alloc(a, sizeof(*r));

	r->domain = domain;
	r->exists = true;
	r->org_domain_psl = dmarc_psl_org_domain(psl, a, domain);
	walk(a, lookup, lookup_ctx, r);
	compare_rfc7489(a, lookup, lookup_ctx, r);
	if (r->pending > 0 || (r->walk_failed &&
	    r->steps[0].kind != DMARC_STEP_RECORD)) {
		return r;
	}
	/* RFC 9989 §4.10.1: a record at the domain itself is its policy,
	 * whatever lies above it; only the Organizational Domain (§4.10.2)
	 * needs the rest of the walk, and stays unknown (NULL) when a
	 * lookup there failed. */
	if (!r->walk_failed) {
		find_org_domain(r);
	}
	choose_policy(r);
	if (r->policy_step == NULL) {
		return r;
	}
	if (r->source != DMARC_SOURCE_DOMAIN) {
		/* np applies to a domain that does not exist. */
		r->existence = ask(lookup, lookup_ctx, r, domain, DNS_T_A);
		r->exists = r->existence == NULL ||
		    r->existence->kind != DNS_ANS_NXDOMAIN;
	}
	apply_policy(r);
	check_destinations(a, lookup, lookup_ctx, r);
	return r;
}
