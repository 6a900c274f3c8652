#include "message/message.h"

#include <string.h>
#include <strings.h>

#include "arc/arc.h"
#include "dns/name.h"
#include "message/lint.h"
#include "util/arena.h"

/* Organizational Domain discoveries for the identifiers, one per
 * distinct domain. */
struct walks {
	const char **domains;
	struct dmarc_result **results;
	size_t n;
};

struct runner {
	struct arena *a;
	dns_lookup_fn lookup;
	void *ctx;
	struct message_result *r;
	struct walks walks;
};

/* RFC 9989 §5.3.1: exactly one From field, and one domain in it. */
static void
find_author(struct arena *a, struct message_result *r)
{
	struct message_author *au = &r->author;
	const struct dkim_message *m = r->in->msg;
	size_t i = 0, k;

	au->nfields = rfc5322_count_fields(m, "From");
	if (au->nfields == 0) {
		au->error = "the message has no From field";
		return;
	}
	if (au->nfields > 1) {
		au->error = arena_printf(a, "the message has %zu From fields "
		    "(RFC 5322 allows one)", au->nfields);
		return;
	}
	(void)rfc5322_next_field(m, "From", &i);
	au->nboxes = rfc5322_mailboxes(a, rfc5322_unfold(a, &m->headers[i]),
	    &au->boxes);
	if (au->nboxes == 0) {
		au->error = "the From field holds no address";
		return;
	}
	for (k = 0; k < au->nboxes; k++) {
		if (au->boxes[k].domain == NULL) {
			au->error = arena_printf(a, "the From address '%s' has "
			    "no valid domain", au->boxes[k].addr);
			return;
		}
		if (!dns_name_equal(au->boxes[k].domain,
		    au->boxes[0].domain)) {
			au->error = "the From field holds addresses in "
			    "several domains";
			return;
		}
	}
	au->domain = au->boxes[0].domain;
}

/* RFC 7208 §2.4: the MAIL FROM identity, or postmaster@HELO for the null
 * path; RFC 9989 §3.2.4: DMARC uses only that identity. */
static void
run_spf(struct runner *run)
{
	struct message_result *r = run->r;
	struct spf_eval_input *si = &r->spf_input;
	const struct message_context *c = &r->ctx;
	const char *at;

	if (!c->has_ip) {
		r->spf_skip = MESSAGE_SPF_NO_IP;
		return;
	}
	if (c->sender == NULL || (c->sender[0] == '\0' && c->helo == NULL)) {
		r->spf_skip = MESSAGE_SPF_NO_SENDER;
		return;
	}
	memset(si, 0, sizeof(*si));
	si->ip = c->ip;
	si->helo = c->helo;
	si->receiver = r->in->authserv_id;
	si->now = r->in->now;
	if (c->sender[0] == '\0') {
		si->domain = c->helo;
		si->sender = spf_eval_sender(run->a, NULL, c->helo);
	} else {
		at = strrchr(c->sender, '@');
		si->domain = at ? at + 1 : c->sender;
		si->sender = spf_eval_sender(run->a, c->sender, si->domain);
	}
	r->spf = spf_eval_run(run->a, run->lookup, run->ctx, si);
	r->pending += r->spf->pending;
}

/* The Organizational Domain discovery for domain, started once. */
static struct dmarc_result *
walk_for(struct runner *run, const char *domain)
{
	struct walks *w = &run->walks;
	size_t i;

	if (run->r->dmarc != NULL && dns_name_equal(domain,
	    run->r->author.domain)) {
		return run->r->dmarc;
	}
	for (i = 0; i < w->n; i++) {
		if (dns_name_equal(w->domains[i], domain)) {
			return w->results[i];
		}
	}
	w->domains[w->n] = domain;
	w->results[w->n] = dmarc_discover(run->a, run->lookup, run->ctx,
	    run->r->in->psl, dns_name_normalize(run->a, domain));
	run->r->pending += w->results[w->n]->pending;
	return w->results[w->n++];
}

static void
set_ident(struct runner *run, struct dmarc_ident *id, const char *domain,
    enum verdict authenticated)
{
	const struct dmarc_result *d;

	id->domain = domain;
	id->authenticated = authenticated;
	if (domain == NULL || !spf_domain_is_valid(domain)) {
		return;
	}
	d = walk_for(run, domain);
	id->org = d->pending == 0 && !d->walk_failed ? d->org_domain : NULL;
	id->org_psl = d->org_domain_psl;
}

static enum verdict
spf_authenticated(const struct spf_eval *e)
{
	return e->result == SPF_RESULT_PASS ? VERDICT_PASS : e->result ==
	    SPF_RESULT_TEMPERROR ? VERDICT_UNKNOWN : VERDICT_FAIL;
}

/* The authenticated identifiers, each with its Organizational Domain
 * (RFC 9989 §4.10.2: a tree walk from each). */
static void
find_identifiers(struct runner *run)
{
	struct message_result *r = run->r;
	size_t i, n = r->dkim->nsigs + 1;

	run->walks.domains = arena_calloc(run->a, n, sizeof(char *));
	run->walks.results = arena_calloc(run->a, n, sizeof(void *));
	if (r->spf != NULL) {
		set_ident(run, &r->spf_ident, r->spf_input.domain,
		    spf_authenticated(r->spf));
	}
	r->dkim_idents = arena_calloc(run->a, r->dkim->nsigs + 1,
	    sizeof(*r->dkim_idents));
	for (i = 0; i < r->dkim->nsigs; i++) {
		const struct dkim_signature *sig = &r->dkim->sigs[i];

		set_ident(run, &r->dkim_idents[i], sig->d, sig->result ==
		    DKIM_RESULT_PASS ? VERDICT_PASS : sig->result ==
		    DKIM_RESULT_TEMPERROR ? VERDICT_UNKNOWN : VERDICT_FAIL);
	}
}

struct message_result *
message_run(struct arena *a, dns_lookup_fn lookup, void *lookup_ctx,
    const struct message_input *in)
{
	struct message_result *r = arena_alloc(a, sizeof(*r));
	struct runner run = { a, lookup, lookup_ctx, r, { NULL, NULL, 0 } };

	r->in = in;
	message_context_find(a, in->msg, in->psl, &in->given, &r->ctx);
	find_author(a, r);
	run_spf(&run);
	r->dkim = dkim_verify(a, lookup, lookup_ctx, in->msg, in->now);
	r->pending += r->dkim->pending;
	if (r->author.domain != NULL) {
		r->dmarc = dmarc_discover(a, lookup, lookup_ctx, in->psl,
		    r->author.domain);
		r->pending += r->dmarc->pending;
	}
	find_identifiers(&run);
	r->arc = arc_validate(a, lookup, lookup_ctx, in->msg, in->now);
	r->pending += r->arc->pending;
	return r;
}

/* RFC 6008 §4: the first characters of b= tell signatures apart. */
static const char *
short_b(struct arena *a, const char *b)
{
	char out[9];
	size_t k = 0;

	for (; b != NULL && *b && k < 8; b++) {
		if (*b != ' ' && *b != '\t' && *b != '\r' && *b != '\n') {
			out[k++] = *b;
		}
	}
	out[k] = '\0';
	return k ? arena_strdup(a, out) : NULL;
}

static struct authres_result *
add_result(struct arena *a, struct authres *ar, const char *method,
    const char *result)
{
	struct authres_result *r = &ar->results[ar->nresults++];

	r->method = method;
	r->result = result;
	r->props = arena_calloc(a, 4, sizeof(*r->props));
	return r;
}

static void
add_prop(struct authres_result *r, const char *ptype, const char *property,
    const char *value)
{
	if (value != NULL) {
		r->props[r->nprops].ptype = ptype;
		r->props[r->nprops].property = property;
		r->props[r->nprops++].value = value;
	}
}

static void
authres_spf(struct arena *a, struct message_result *r)
{
	struct authres_result *res;
	char ip[IP_STRLEN];

	if (r->spf == NULL) {
		return;
	}
	res = add_result(a, &r->ours, "spf", spf_result_name(r->spf->result));
	res->comment = arena_printf(a, "sender IP is %s",
	    ip_format(&r->spf_input.ip, ip));
	if (r->ctx.sender[0] == '\0') {
		add_prop(res, "smtp", "helo", r->spf_input.domain);
	} else {
		add_prop(res, "smtp", "mailfrom", r->ctx.sender);
	}
}

static void
authres_dkim(struct arena *a, struct message_result *r)
{
	size_t i;

	if (r->dkim->nsigs == 0) {
		add_result(a, &r->ours, "dkim", "none");
	}
	for (i = 0; i < r->dkim->nsigs; i++) {
		const struct dkim_signature *sig = &r->dkim->sigs[i];
		struct authres_result *res = add_result(a, &r->ours, "dkim",
		    dkim_result_name(sig->result));

		res->reason = sig->reason;
		add_prop(res, "header", "d", sig->d);
		add_prop(res, "header", "s", sig->s);
		add_prop(res, "header", "i", sig->identity ? sig->identity :
		    sig->i);
		add_prop(res, "header", "b", short_b(a, sig->b));
	}
}

static void
authres_dmarc(struct arena *a, struct message_result *r)
{
	const struct dmarc_eval *e = &r->eval;
	struct authres_result *res = add_result(a, &r->ours, "dmarc",
	    dmarc_verdict_name(e->result));

	if (e->policy_tag != NULL) {
		res->comment = arena_printf(a, "%s=%s%s", e->policy_tag,
		    dmarc_policy_name(e->policy), e->testing ? " t=y" : "");
	}
	if (r->author.error != NULL) {
		res->reason = r->author.error;
	}
	add_prop(res, "header", "from", r->author.domain);
	/* RFC 9989 §9.1: the policy applied to a failing message. */
	if (e->result == DMARC_FAIL) {
		add_prop(res, "policy", "dmarc",
		    dmarc_policy_name(e->disposition));
	}
}

/* RFC 8617 §10.1: arc=, with header.oldest-pass and smtp.remote-ip. */
static void
authres_arc(struct arena *a, struct message_result *r)
{
	const struct arc_result *arc = r->arc;
	struct authres_result *res = add_result(a, &r->ours, "arc",
	    arc_chain_name(arc->chain));
	char ip[IP_STRLEN];

	if (arc->chain == ARC_CHAIN_PASS && arc->oldest_pass >= 0) {
		add_prop(res, "header", "oldest-pass", arena_printf(a, "%d",
		    arc->oldest_pass));
	}
	if (arc->chain != ARC_CHAIN_NONE && r->ctx.has_ip) {
		add_prop(res, "smtp", "remote-ip", arena_strdup(a,
		    ip_format(&r->ctx.ip, ip)));
	}
	if (arc->reason != NULL) {
		res->comment = arc->reason;
	}
}

static void
build_authres(struct arena *a, struct message_result *r)
{
	r->ours.instance = -1;
	r->ours.authserv_id = r->in->authserv_id;
	r->ours.results = arena_calloc(a, r->dkim->nsigs + 4,
	    sizeof(*r->ours.results));
	authres_spf(a, r);
	authres_dkim(a, r);
	authres_dmarc(a, r);
	authres_arc(a, r);
}

void
message_conclude(struct arena *a, struct message_result *r)
{
	dkim_verify_lint(a, r->dkim);
	if (r->author.domain == NULL) {
		memset(&r->eval, 0, sizeof(r->eval));
		r->eval.result = DMARC_PERMERROR;
		r->eval.pct = -1;
	} else {
		dmarc_evaluate(r->dmarc, r->spf_ident.domain ? &r->spf_ident :
		    NULL, r->dkim_idents, r->dkim->nsigs, &r->eval);
	}
	build_authres(a, r);
	receiver_find(a, r, r->in->receiver_id, &r->receiver);
	receiver_compare(a, r, &r->receiver);
	message_lint(a, r);
}
