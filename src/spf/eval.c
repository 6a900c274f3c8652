#include "spf/eval.h"
#include "spf/eval_internal.h"

#include <string.h>
#include <sys/socket.h>

#include "bounds.h"
#include "dns/name.h"
#include "spf/macro.h"
#include "spf/record.h"
#include "spf/strings.h"
#include "dns/txt.h"
#include "util/arena.h"

static enum spf_result check_host(struct evaluator *ev, const char *domain);

const char *
spf_result_name(enum spf_result r)
{
	switch (r) {
	case SPF_RESULT_NONE: return "none";
	case SPF_RESULT_NEUTRAL: return "neutral";
	case SPF_RESULT_PASS: return "pass";
	case SPF_RESULT_FAIL: return "fail";
	case SPF_RESULT_SOFTFAIL: return "softfail";
	case SPF_RESULT_TEMPERROR: return "temperror";
	case SPF_RESULT_PERMERROR: return "permerror";
	}
	return "none";
}

const char *
spf_eval_sender(struct arena *a, const char *sender, const char *domain)
{
	const char *at = sender ? strrchr(sender, '@') : NULL;

	/* RFC 7208 §4.3: a sender without a local-part is postmaster@... */
	if (sender == NULL || sender[0] == '\0') {
		return arena_printf(a, "postmaster@%s", domain);
	}
	if (at == NULL) {
		return arena_printf(a, "postmaster@%s", sender);
	}
	if (at == sender) {
		return arena_printf(a, "postmaster%s", sender);
	}
	return arena_strdup(a, sender);
}

static void
push_step(struct evaluator *ev, const char *domain, const char *term)
{
	ev->steps = array_grow(ev->a, ev->steps, ev->nsteps, &ev->capsteps,
	    sizeof(*ev->steps));
	ev->steps[ev->nsteps].domain = domain;
	ev->steps[ev->nsteps].term = term;
	ev->nsteps++;
}

enum outcome
spf_eval_fail(struct evaluator *ev, enum spf_result r, const char *reason)
{
	ev->result = r;
	ev->reason = reason;
	return DONE;
}

const struct dns_answer *
spf_eval_ask(struct evaluator *ev, const char *name, enum dns_type type)
{
	const struct dns_answer *ans = ev->lookup(ev->lookup_ctx, name, type);

	if (ans == NULL) {
		ev->out->pending++;
	}
	return ans;
}

/* RFC 7208 §4.6.4: the 11th DNS-querying term is a permerror. */
static enum outcome
count_lookup(struct evaluator *ev, const char *domain, const char *term)
{
	if (++ev->out->lookups > SPF_LOOKUP_LIMIT) {
		return spf_eval_fail(ev, SPF_RESULT_PERMERROR, arena_printf(ev->a,
		    "more than %d DNS lookups (RFC 7208 §4.6.4): lookup %u is "
		    "'%s' in %s", SPF_LOOKUP_LIMIT, ev->out->lookups, term,
		    domain));
	}
	return NO_MATCH;
}

/* RFC 7208 §4.6.4: more than two void lookups is a permerror. */
enum outcome
spf_eval_count_void(struct evaluator *ev, const struct dns_answer *ans,
    const char *term)
{
	if (!dns_kind_is_void(ans->kind)) {
		return NO_MATCH;
	}
	if (++ev->out->voids > SPF_VOID_LIMIT) {
		return spf_eval_fail(ev, SPF_RESULT_PERMERROR, arena_printf(ev->a,
		    "more than %d void lookups (RFC 7208 §4.6.4): void lookup "
		    "%u is '%s'", SPF_VOID_LIMIT, ev->out->voids, term));
	}
	return NO_MATCH;
}

/* RFC 7208 §5: a DNS error (not NXDOMAIN) stops with temperror; so does
 * a CNAME loop, on which resolvers fail. */
enum outcome
spf_eval_dns_failure(struct evaluator *ev, const struct dns_answer *ans)
{
	return spf_eval_fail(ev, SPF_RESULT_TEMPERROR,
	    dns_answer_failure(ev->a, ans));
}

/* Expands a domain-spec or explanation. Returns NO_MATCH with *out set,
 * WAIT while %{p} needs answers, or DONE when the text is not a valid
 * macro-string (the caller decides what that means). */
static enum outcome
expand(struct evaluator *ev, const char *spec, const char *domain,
    bool explain, char **out)
{
	struct spf_macro_ctx ctx;
	unsigned letters = 0;
	size_t where;

	memset(&ctx, 0, sizeof(ctx));
	ctx.sender = ev->in->sender;
	ctx.local_part = ev->local;
	ctx.sender_domain = ev->sender_domain;
	ctx.domain = domain;
	ctx.ip = &ev->in->ip;
	ctx.helo = ev->in->helo ? ev->in->helo : "unknown";
	ctx.receiver = ev->in->receiver;
	ctx.now = ev->in->now;
	/* RFC 7208 §7.1: only visible ASCII (and spaces in explanations). */
	if (spf_macro_string_check(spec, strlen(spec), explain, &where,
	    &letters, NULL) != NULL) {
		return DONE;
	}
	if (letters & SPF_MACRO_P) {
		ctx.ptr_name = spf_eval_ptr_name(ev, domain);
		if (ctx.ptr_name == NULL) {
			return WAIT;
		}
	}
	return spf_macro_expand(ev->a, spec, strlen(spec), &ctx, explain,
	    out) == SPF_MACRO_OK ? NO_MATCH : DONE;
}

/* The domain a term queries: its expanded domain-spec, or the current
 * domain (RFC 7208 §4.8). */
static enum outcome
target_of(struct evaluator *ev, const struct spf_term *t, const char *domain,
    const char **target)
{
	char *out;
	enum outcome o;

	if (t->domain_spec == NULL) {
		*target = domain;
		return NO_MATCH;
	}
	o = expand(ev, t->domain_spec, domain, false, &out);
	if (o == NO_MATCH) {
		*target = spf_macro_truncate_domain(out);
	} else if (o == DONE) {
		spf_eval_fail(ev, SPF_RESULT_PERMERROR, arena_printf(ev->a,
		    "cannot expand '%s'", t->domain_spec));
	}
	return o;
}

static enum outcome
eval_include(struct evaluator *ev, const char *target)
{
	size_t mark = ev->nsteps;
	enum spf_result r;

	ev->include_depth++;
	r = check_host(ev, target);
	ev->include_depth--;
	if (ev->out->pending > 0) {
		return WAIT;
	}
	/* RFC 7208 §5.2: the include matches on pass only; errors, and a
	 * target without a record, end the evaluation. */
	switch (r) {
	case SPF_RESULT_PASS:
		return MATCH;
	case SPF_RESULT_TEMPERROR:
	case SPF_RESULT_PERMERROR:
		return DONE;
	case SPF_RESULT_NONE:
		return spf_eval_fail(ev, SPF_RESULT_PERMERROR, arena_printf(ev->a,
		    "the included domain %s has no SPF record (RFC 7208 §5.2)",
		    target));
	default:
		ev->nsteps = mark;
		return NO_MATCH;
	}
}

static enum outcome
eval_ip(const struct evaluator *ev, const struct spf_term *t)
{
	return ip_net_contains(&t->net, &ev->in->ip) ? MATCH : NO_MATCH;
}

static enum outcome
eval_mechanism(struct evaluator *ev, const struct spf_term *t,
    const char *domain)
{
	const char *target = NULL;
	enum outcome o;

	if (t->mech == SPF_MECH_ALL) {
		return MATCH;
	}
	if (t->mech == SPF_MECH_IP4 || t->mech == SPF_MECH_IP6) {
		return eval_ip(ev, t);
	}
	if (count_lookup(ev, domain, t->text) == DONE) {
		return DONE;
	}
	o = target_of(ev, t, domain, &target);
	if (o != NO_MATCH) {
		return o;
	}
	switch (t->mech) {
	case SPF_MECH_INCLUDE: return eval_include(ev, target);
	case SPF_MECH_A: return spf_eval_a(ev, t, target);
	case SPF_MECH_MX: return spf_eval_mx(ev, t, target);
	case SPF_MECH_PTR: return spf_eval_ptr(ev, t, target);
	case SPF_MECH_EXISTS: return spf_eval_exists(ev, t, target);
	default: return NO_MATCH;
	}
}

static enum spf_result
qualifier_result(char q)
{
	switch (q) {
	case '-': return SPF_RESULT_FAIL;
	case '~': return SPF_RESULT_SOFTFAIL;
	case '?': return SPF_RESULT_NEUTRAL;
	default: return SPF_RESULT_PASS;
	}
}

/* RFC 7208 §6.2: the explanation of a fail, from the exp= of the record
 * that decided it. Any problem means no explanation, never an error. */
static void
explain(struct evaluator *ev, const struct spf_record *r, const char *domain)
{
	const struct dns_answer *ans;
	const char *name;
	char *text, *out;
	size_t len;

	if (r->exp == NULL || ev->include_depth > 0 ||
	    r->exp->domain_spec == NULL) {
		return;
	}
	if (expand(ev, r->exp->domain_spec, domain, false, &text) !=
	    NO_MATCH) {
		return;
	}
	name = spf_macro_truncate_domain(text);
	ans = spf_eval_ask(ev, name, DNS_T_TXT);
	if (ans == NULL || ans->kind != DNS_ANS_RECORDS || ans->count != 1) {
		return;
	}
	text = dns_txt_join(ev->a, &ans->txt[0], &len);
	if (strlen(text) != len) {
		return;		/* a NUL octet */
	}
	if (expand(ev, text, domain, true, &out) == NO_MATCH) {
		ev->out->explanation = out;
	}
}

/* RFC 7208 §4.5: one "v=spf1" record among the TXT records, or none. */
static enum outcome
select_record(struct evaluator *ev, const char *domain,
    const struct dns_answer *ans, const struct spf_record **out)
{
	const struct dns_txt **found;
	size_t len, n = spf_txt_select(ev->a, ans, &found);
	const char *text;

	if (n == 0) {
		ev->result = SPF_RESULT_NONE;
		ev->reason = arena_printf(ev->a, "%s has no SPF record", domain);
		return DONE;
	}
	if (n > 1) {
		return spf_eval_fail(ev, SPF_RESULT_PERMERROR, arena_printf(ev->a,
		    "%s has %zu SPF records (RFC 7208 §4.5)", domain, n));
	}
	text = dns_txt_join(ev->a, found[0], &len);
	*out = spf_record_parse(ev->a, text, len);
	if ((*out)->error != NULL) {
		return spf_eval_fail(ev, SPF_RESULT_PERMERROR, arena_printf(ev->a,
		    "syntax error in the record of %s: %s", domain,
		    (*out)->error));
	}
	return NO_MATCH;
}

static enum spf_result
follow_redirect(struct evaluator *ev, const struct spf_record *r,
    const char *domain)
{
	const char *target = NULL;
	enum spf_result res;

	push_step(ev, domain, r->redirect->text);
	if (count_lookup(ev, domain, r->redirect->text) == DONE ||
	    target_of(ev, r->redirect, domain, &target) != NO_MATCH) {
		return ev->result;
	}
	res = check_host(ev, target);
	/* RFC 7208 §6.1: a redirect to a domain without a record is a
	 * permerror. */
	if (res == SPF_RESULT_NONE && ev->out->pending == 0) {
		ev->reason = arena_printf(ev->a, "the redirect target %s has "
		    "no SPF record (RFC 7208 §6.1)", target);
		return ev->result = SPF_RESULT_PERMERROR;
	}
	return res;
}

static enum spf_result
evaluate_record(struct evaluator *ev, const struct spf_record *r,
    const char *domain)
{
	size_t i;

	for (i = 0; i < r->nterms; i++) {
		const struct spf_term *t = &r->terms[i];
		enum outcome o;

		if (t->kind != SPF_TERM_MECHANISM) {
			continue;
		}
		push_step(ev, domain, t->text);
		o = eval_mechanism(ev, t, domain);
		if (o == WAIT || o == DONE) {
			return ev->result;
		}
		if (o == MATCH) {
			ev->result = qualifier_result(t->qualifier);
			/* An include's reason is the term that matched in
			 * the included record. */
			if (t->mech != SPF_MECH_INCLUDE) {
				ev->reason = arena_printf(ev->a, "'%s' in %s "
				    "matched", t->text, domain);
			}
			if (ev->result == SPF_RESULT_FAIL) {
				explain(ev, r, domain);
			}
			return ev->result;
		}
		ev->nsteps--;
	}
	if (r->redirect != NULL) {
		return follow_redirect(ev, r, domain);
	}
	/* RFC 7208 §4.7: no match and no redirect is neutral. */
	push_step(ev, domain, NULL);
	ev->reason = arena_printf(ev->a, "no term of %s matched", domain);
	return ev->result = SPF_RESULT_NEUTRAL;
}

bool
spf_domain_is_valid(const char *domain)
{
	/* An address literal such as a HELO of "[192.0.2.1]" is not a
	 * domain either. */
	return dns_name_check(domain) == DNS_NAME_OK &&
	    dns_name_is_multilabel(domain) && domain[0] != '[';
}

static enum spf_result
check_host(struct evaluator *ev, const char *domain)
{
	const struct dns_answer *ans;
	const struct spf_record *r = NULL;

	if (!spf_domain_is_valid(domain)) {
		ev->reason = arena_printf(ev->a, "'%s' is not a valid domain "
		    "name", domain);
		return ev->result = SPF_RESULT_NONE;
	}
	ans = spf_eval_ask(ev, domain, DNS_T_TXT);
	if (ans == NULL) {
		return ev->result = SPF_RESULT_TEMPERROR;
	}
	/* RFC 7208 §4.4: errors other than NXDOMAIN are temperror. */
	if (dns_kind_is_failure(ans->kind)) {
		push_step(ev, domain, NULL);
		spf_eval_dns_failure(ev, ans);
		return ev->result;
	}
	if (select_record(ev, domain, ans, &r) == DONE) {
		return ev->result;
	}
	return evaluate_record(ev, r, domain);
}

struct spf_eval *
spf_eval_run(struct arena *a, dns_lookup_fn lookup, void *lookup_ctx,
    const struct spf_eval_input *in)
{
	struct spf_eval *out = arena_alloc(a, sizeof(*out));
	struct evaluator ev;
	const char *at = strrchr(in->sender, '@');

	memset(&ev, 0, sizeof(ev));
	ev.a = a;
	ev.lookup = lookup;
	ev.lookup_ctx = lookup_ctx;
	ev.in = in;
	ev.out = out;
	ev.local = at ? arena_memdup(a, in->sender, (size_t)(at - in->sender)) :
	    "postmaster";
	ev.sender_domain = at ? at + 1 : in->sender;
	out->result = check_host(&ev, in->domain);
	out->reason = ev.reason;
	out->path = ev.steps;
	out->npath = ev.nsteps;
	return out;
}
