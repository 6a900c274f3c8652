#include "spf/flatten.h"

#include <limits.h>
#include <string.h>
#include <sys/socket.h>

#include "bounds.h"
#include "spf/flatten_internal.h"
#include "spf/walk.h"
#include "util/arena.h"

struct flattener {
	struct arena *a;
	struct spf_flat *out;
	struct flat_plan plan;
	/* The record's void lookups can reach the limit for some sender:
	 * the terms that make one stay, so receivers count the same. */
	bool keep_voids;
	const struct spf_walk_term *end_wt;	/* a redirect kept */
};

/* Where the published record gives permerror to every sender that
 * reaches a term, whatever the sender: flattening around it would only
 * hide it. NULL when there is no such term. */
static const char *
static_error(struct arena *a, const struct spf_node *node)
{
	size_t i;

	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];
		const struct spf_node *c = wt->child;
		const char *term = wt->term->text, *why;

		if (!wt->evaluated) {
			continue;
		}
		if (wt->mx != NULL && wt->mx->kind == DNS_ANS_RECORDS &&
		    wt->mx->count > SPF_MX_NAME_LIMIT) {
			return arena_printf(a, "'%s' finds %zu MX names, more "
			    "than %d", term, wt->mx->count, SPF_MX_NAME_LIMIT);
		}
		if (c == NULL) {
			continue;
		}
		switch (c->status) {
		case SPF_NODE_NONE:
			return arena_printf(a, "'%s': %s has no SPF record",
			    term, c->domain);
		case SPF_NODE_MULTIPLE:
			return arena_printf(a, "'%s': %s publishes %zu SPF "
			    "records", term, c->domain, c->nspf);
		case SPF_NODE_LOOP:
			return arena_printf(a, "'%s' leads back to %s, a loop",
			    term, c->domain);
		case SPF_NODE_OK:
			if (c->record->error != NULL) {
				return arena_printf(a, "'%s': the record of %s "
				    "does not parse (%s)", term, c->domain,
				    c->record->error);
			}
			if ((why = static_error(a, c)) != NULL) {
				return why;
			}
			break;
		default:
			break;
		}
	}
	return NULL;
}

/* Terms that look the sender up and were not asked about (no --ip): each
 * costs a void lookup for the senders it does not know. */
static unsigned
sender_voids(const struct spf_node *node)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; node != NULL && i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];

		if (!wt->evaluated) {
			continue;
		}
		n += wt->may_void && wt->a4 == NULL && wt->mx == NULL &&
		    wt->child == NULL;
		n += sender_voids(wt->child);
	}
	return n;
}

/* Void lookups the term and its child make for an IPv4 or IPv6 sender. */
static unsigned
term_voids(const struct spf_walk_term *wt, bool v6)
{
	unsigned n = v6 ? wt->void6 : wt->void4;
	size_t i;

	for (i = 0; wt->child != NULL && i < wt->child->nterms; i++) {
		if (wt->child->terms[i].evaluated) {
			n += term_voids(&wt->child->terms[i], v6);
		}
	}
	return n;
}

static void
add_addresses(struct flattener *fl, struct cidr_set *set,
    const struct dns_answer *ans, const struct spf_term *t)
{
	size_t i;

	for (i = 0; ans != NULL && ans->kind == DNS_ANS_RECORDS &&
	    i < ans->count; i++) {
		const struct ip_addr *ip = &ans->addrs[i];
		int cidr = ip->family == AF_INET6 ? t->cidr6 : t->cidr4;
		struct ip_net net = ip_net_make(ip, cidr < 0 ? ip_bits(ip) :
		    (unsigned)cidr);

		cidr_set_add(fl->a, set, &net);
	}
}

static const char *pass_set(struct flattener *fl, const struct spf_node *node,
    struct cidr_set *set);

/* The networks a mechanism matches, when they are fixed by DNS records
 * that do not depend on the sender; else NULL and why not. %{d} alone is
 * the record's own name, which the walk has expanded. */
static const char *
term_networks(struct flattener *fl, const struct spf_walk_term *wt,
    struct cidr_set *set)
{
	const struct spf_term *t = wt->term;
	size_t i;

	if (t->mech == SPF_MECH_IP4 || t->mech == SPF_MECH_IP6) {
		cidr_set_add(fl->a, set, &t->net);
		return NULL;
	}
	if (t->mech == SPF_MECH_PTR) {
		return "it depends on the connecting host";
	}
	if (t->macros & ~(unsigned)SPF_MACRO_D || wt->target == NULL) {
		return "it depends on the sender";
	}
	if (fl->keep_voids && (term_voids(wt, false) || term_voids(wt, true))) {
		return "it makes a void lookup, and the record can reach the "
		    "limit of " BOUND_TEXT(SPF_VOID_LIMIT) " for senders that "
		    "the terms looking them up do not know: kept so that "
		    "receivers count the same";
	}
	switch (t->mech) {
	case SPF_MECH_A:
		add_addresses(fl, set, wt->a4, t);
		add_addresses(fl, set, wt->a6, t);
		return NULL;
	case SPF_MECH_MX:
		for (i = 0; i < wt->nmx_hosts; i++) {
			add_addresses(fl, set, wt->mx_hosts[i].a4, t);
			add_addresses(fl, set, wt->mx_hosts[i].a6, t);
		}
		return NULL;
	case SPF_MECH_INCLUDE:
		return pass_set(fl, wt->child, set);
	default:
		return "it is decided by DNS at each check";
	}
}

/* Adds to set the networks of nets outside every network of blocked:
 * those an earlier term of the record has already decided otherwise. */
static void
add_unblocked(struct flattener *fl, struct cidr_set *set,
    const struct cidr_set *nets, const struct cidr_set *blocked)
{
	size_t i, k;

	for (i = 0; i < nets->n; i++) {
		struct cidr_set one = { NULL, 0, 0 };

		cidr_set_add(fl->a, &one, &nets->nets[i]);
		for (k = 0; k < blocked->n; k++) {
			cidr_set_remove(fl->a, &one, &blocked->nets[k]);
		}
		for (k = 0; k < one.n; k++) {
			cidr_set_add(fl->a, set, &one.nets[k]);
		}
	}
}

/* Every IPv4 and IPv6 address: what "+all" matches. */
static struct cidr_set
everything(struct flattener *fl)
{
	struct cidr_set all = { NULL, 0, 0 };
	struct ip_addr any;

	ip_parse("0.0.0.0", &any);
	cidr_set_add(fl->a, &all, &(struct ip_net){ any, 0 });
	ip_parse("::", &any);
	cidr_set_add(fl->a, &all, &(struct ip_net){ any, 0 });
	return all;
}

/* The networks that get "pass" from an included record (RFC 7208 §5.2:
 * the include matches exactly there), when every term that decides is
 * fixed: in evaluation order, a "+" term passes what no earlier term has
 * decided, another qualifier decides its networks otherwise. */
static const char *
pass_set(struct flattener *fl, const struct spf_node *node,
    struct cidr_set *set)
{
	struct cidr_set blocked = { NULL, 0, 0 };
	size_t i, k;

	if (node == NULL || node->status != SPF_NODE_OK) {
		return "its target depends on the sender";
	}
	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];
		const struct spf_term *t = wt->term;
		struct cidr_set nets = { NULL, 0, 0 };
		const char *why;

		if (!wt->evaluated || (t->kind != SPF_TERM_MECHANISM &&
		    t->kind != SPF_TERM_REDIRECT)) {
			continue;
		}
		if (t->kind == SPF_TERM_REDIRECT) {
			why = pass_set(fl, wt->child, &nets);
		} else if (t->mech == SPF_MECH_ALL) {
			nets = everything(fl);
			why = NULL;
		} else {
			why = term_networks(fl, wt, &nets);
		}
		if (why != NULL) {
			return t->kind == SPF_TERM_REDIRECT ? why :
			    arena_printf(fl->a, "%s has '%s': %s",
			    node->domain, t->text, why);
		}
		if (t->qualifier == '+' || t->kind == SPF_TERM_REDIRECT) {
			add_unblocked(fl, set, &nets, &blocked);
		} else {
			for (k = 0; k < nets.n; k++) {
				cidr_set_add(fl->a, &blocked, &nets.nets[k]);
			}
		}
		if (t->kind == SPF_TERM_REDIRECT || t->mech == SPF_MECH_ALL) {
			break;
		}
	}
	return NULL;
}

static struct flat_entry *
new_entry(struct flattener *fl, char qualifier)
{
	struct flat_entry *e = &fl->plan.entries[fl->plan.n++];

	e->qualifier = qualifier;
	return e;
}

static void
keep(struct flattener *fl, const struct spf_walk_term *wt, const char *why)
{
	struct flat_entry *e = new_entry(fl, wt->term->qualifier);

	e->text = wt->term->text;
	e->why = why;
	e->cost = wt->subtree;
}

/* Terms of the domain's record and of the redirect targets after it: no
 * plan has more entries. */
static size_t
chain_terms(const struct spf_node *node)
{
	size_t i, n;

	if (node == NULL || node->status != SPF_NODE_OK) {
		return 0;
	}
	n = node->nterms;
	for (i = 0; i < node->nterms; i++) {
		if (node->terms[i].term->kind == SPF_TERM_REDIRECT) {
			n += chain_terms(node->terms[i].child);
		}
	}
	return n;
}

static const char *redirect_stays(struct flattener *fl,
    const struct spf_node *node, const struct spf_walk_term *wt);

/* True when every mechanism of node flattens: then a redirect to it can
 * be replaced by its terms. */
static bool
inlinable(struct flattener *fl, const struct spf_node *node)
{
	size_t i;

	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];
		struct cidr_set scratch = { NULL, 0, 0 };

		if (wt->evaluated && wt->term->kind == SPF_TERM_MECHANISM &&
		    wt->term->mech != SPF_MECH_ALL &&
		    term_networks(fl, wt, &scratch) != NULL) {
			return false;
		}
		if (wt->evaluated && wt->term->kind == SPF_TERM_REDIRECT &&
		    redirect_stays(fl, node, wt) != NULL) {
			return false;
		}
	}
	return true;
}

/* Why a redirect stays as it is: RFC 7208 §6.2 takes the explanation
 * of a "fail" from the record that decides, so with exp= on either side
 * the terms cannot move into the domain's record; nor can terms of the
 * target that stay as they are (their %{d} is the target). */
static const char *
redirect_stays(struct flattener *fl, const struct spf_node *node,
    const struct spf_walk_term *wt)
{
	if (wt->child == NULL || wt->child->status != SPF_NODE_OK) {
		return "its target depends on the sender";
	}
	if (node->record->exp != NULL || wt->child->record->exp != NULL) {
		return "the explanation (exp=) of a \"fail\" comes from the "
		    "record that decides";
	}
	return inlinable(fl, wt->child) ? NULL : "its target has terms that "
	    "stay as they are";
}

/* The terms of a deciding record (the domain's, or a redirect target
 * inlined in its place), in evaluation order. */
static void
plan_node(struct flattener *fl, const struct spf_node *node)
{
	size_t i;

	if (node->record->exp != NULL) {
		fl->plan.exp = node->record->exp->text;
	}
	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];
		const struct spf_term *t = wt->term;
		struct cidr_set set = { NULL, 0, 0 };
		const char *why = NULL;

		if (!wt->evaluated) {
			continue;
		}
		if (t->kind == SPF_TERM_REDIRECT &&
		    (why = redirect_stays(fl, node, wt)) == NULL) {
			plan_node(fl, wt->child);
		} else if (t->kind == SPF_TERM_REDIRECT) {
			fl->plan.end = t->text;
			fl->plan.end_why = why;
			fl->plan.end_cost = wt->subtree;
			fl->end_wt = wt;
		} else if (t->kind != SPF_TERM_MECHANISM) {
			continue;
		} else if (t->mech == SPF_MECH_ALL) {
			fl->plan.end = t->text;
		} else if ((why = term_networks(fl, wt, &set)) != NULL) {
			keep(fl, wt, why);
		} else {
			new_entry(fl, t->qualifier)->nets = set;
		}
		if (t->kind == SPF_TERM_MECHANISM && t->mech != SPF_MECH_ALL) {
			fl->plan.entries[fl->plan.n - 1].wt = wt;
		}
	}
}

/* True when the plan costs fewer lookups than the record as published:
 * some DNS-querying term was flattened. */
static bool
flattens_a_lookup(const struct flat_plan *plan, unsigned before)
{
	unsigned kept = plan->end_cost;
	size_t i;

	for (i = 0; i < plan->n; i++) {
		kept += plan->entries[i].cost;
	}
	return kept < before;
}

static const char *
nothing_to_flatten(struct arena *a, const struct flat_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n; i++) {
		if (plan->entries[i].text != NULL) {
			return arena_printf(a, "nothing to flatten: '%s' stays "
			    "as it is (%s)", plan->entries[i].text,
			    plan->entries[i].why);
		}
	}
	return plan->end_why != NULL ? arena_printf(a, "nothing to "
	    "flatten: '%s' stays as it is (%s)", plan->end, plan->end_why) :
	    "nothing to flatten: the record makes no DNS lookup";
}

/* Whether the plan can be made at all: every lookup answered, no term
 * that gives permerror whatever the sender. Sets out->unknown or
 * out->refused when not. */
static bool
can_flatten(struct arena *a, struct spf_flat *out, const struct spf_walk *walk)
{
	const struct spf_node *root = walk->root;
	const struct dns_answer *fail = spf_walk_failure(root);
	const char *why;

	if (fail != NULL) {
		out->unknown = arena_printf(a, "%s: what the terms that depend "
		    "on it stand for is not known; run --flatten again when "
		    "it answers", dns_answer_failure(a, fail));
	} else if (root->status != SPF_NODE_OK || root->record->error) {
		out->refused = arena_printf(a, "%s has no single valid SPF "
		    "record", root->domain);
	} else if (walk->capped) {
		out->refused = arena_printf(a, "the include tree is larger "
		    "than mailauth follows (%d records or %d levels)",
		    SPF_WALK_MAX_RECORDS, SPF_WALK_MAX_DEPTH);
	} else if ((why = static_error(a, root)) != NULL) {
		out->refused = arena_printf(a, "%s, so receivers return "
		    "permerror to every sender that reaches it: fix that "
		    "first, then flatten", why);
	}
	return out->unknown == NULL && out->refused == NULL;
}

/* Void lookups the plan keeps, for an IPv4 or IPv6 sender. */
static unsigned
kept_voids(const struct flattener *fl, bool v6)
{
	unsigned n = fl->end_wt ? term_voids(fl->end_wt, v6) : 0;
	size_t i;

	for (i = 0; i < fl->plan.n; i++) {
		const struct flat_entry *e = &fl->plan.entries[i];

		n += e->text != NULL && e->wt != NULL ? term_voids(e->wt, v6) :
		    0;
	}
	return n;
}

/* The senders for whom the proposal differs from the published record:
 * those past a limit of RFC 7208 §4.6.4 that the published record
 * exceeds and the proposal does not -- what flattening is for -- and
 * what it costs more. */
static void
warn_limits(struct flattener *fl, const struct spf_walk *walk)
{
	struct spf_flat *out = fl->out;
	bool v4 = walk->void4_term != NULL;
	const struct spf_walk_term *v = v4 ? walk->void4_term :
	    walk->void6_term;
	const struct spf_node *vn = v4 ? walk->void4_node : walk->void6_node;
	unsigned voids = kept_voids(fl, !v4);

	if (walk->limit_term != NULL) {
		spf_flat_warn(out, arena_printf(fl->a, "differs from the "
		    "published record for the senders it gives permerror at "
		    "lookup %d ('%s' in %s): the proposal needs %u lookups, "
		    "so they get the result its terms give",
		    SPF_LOOKUP_LIMIT + 1, walk->limit_term->term->text,
		    walk->limit_node->domain, out->lookups));
	}
	if (v != NULL && voids <= SPF_VOID_LIMIT) {
		spf_flat_warn(out, arena_printf(fl->a, "differs from the "
		    "published record for the %s senders it gives permerror "
		    "at void lookup %d ('%s' in %s): the proposal makes %u, so "
		    "they get the result its terms give", v4 ? "IPv4" : "IPv6",
		    SPF_VOID_LIMIT + 1, v->term->text, vn->domain, voids));
	}
	if (out->lookups > out->lookups_before) {
		spf_flat_warn(out, arena_printf(fl->a, "the proposal needs %u "
		    "DNS lookups, more than the %u of the published record: "
		    "each of its records must fit one 512-octet answer, and "
		    "the networks need that many; keeping the includes may be "
		    "better", out->lookups, out->lookups_before));
	}
}

/* Packs the plan into trial (a copy of base); UINT_MAX lookups when it
 * cannot be published. */
static unsigned
pack(struct flattener *fl, const struct spf_flat *base,
    struct spf_flat *trial)
{
	*trial = *base;
	spf_flat_pack(fl->a, trial, &fl->plan);
	return trial->refused ? UINT_MAX : trial->lookups;
}

/* A flattened term whose networks need more chained records than the
 * lookups it saves is better kept: tries keeping each (the largest
 * first) and keeps it so when the result needs fewer lookups and still
 * flattens one. Leaves the best packing in fl->out. */
static void
pack_best(struct flattener *fl, unsigned before)
{
	const struct spf_flat base = *fl->out;
	struct spf_flat trial;
	unsigned best = pack(fl, &base, fl->out), tried;
	size_t i, k, largest;
	bool *done = arena_calloc(fl->a, fl->plan.n + 1, sizeof(*done));

	for (k = 0; k < fl->plan.n; k++) {
		struct flat_entry *e = NULL, saved;

		for (i = 0, largest = 0; i < fl->plan.n; i++) {
			struct flat_entry *c = &fl->plan.entries[i];

			if (!done[i] && c->text == NULL && c->wt != NULL &&
			    c->wt->subtree > 0 && c->nets.n >= largest) {
				e = c;
				largest = c->nets.n;
			}
		}
		if (e == NULL) {
			break;
		}
		done[e - fl->plan.entries] = true;
		saved = *e;
		e->text = e->wt->term->text;
		e->why = "flattened, its networks would need more records "
		    "(lookups) than it costs as it is";
		e->cost = e->wt->subtree;
		e->nets = (struct cidr_set){ NULL, 0, 0 };
		tried = pack(fl, &base, &trial);
		if (tried < best && flattens_a_lookup(&fl->plan, before)) {
			best = tried;
			*fl->out = trial;
		} else {
			*e = saved;
		}
	}
}

struct spf_flat *
spf_flatten(struct arena *a, const struct spf_walk *walk)
{
	struct spf_flat *out = arena_alloc(a, sizeof(*out));
	struct flattener fl;
	const struct spf_node *root = walk->root;
	unsigned worst = walk->voids;
	size_t i;

	memset(&fl, 0, sizeof(fl));
	fl.a = a;
	fl.out = out;
	out->lookups_before = walk->lookups;
	if (!can_flatten(a, out, walk)) {
		return out;
	}
	fl.keep_voids = walk->void4_term == NULL && walk->void6_term == NULL &&
	    worst + sender_voids(root) > SPF_VOID_LIMIT;
	fl.plan.domain = root->domain;
	fl.plan.answer = root->answer;
	fl.plan.entries = arena_calloc(a, chain_terms(root),
	    sizeof(*fl.plan.entries));
	plan_node(&fl, root);
	if (!flattens_a_lookup(&fl.plan, walk->lookups)) {
		out->refused = nothing_to_flatten(a, &fl.plan);
		return out;
	}
	pack_best(&fl, walk->lookups);
	out = fl.out;
	for (i = 0; i < fl.plan.n; i++) {
		out->terms_in += fl.plan.entries[i].nets.n;
	}
	if (out->refused == NULL) {
		warn_limits(&fl, walk);
	}
	return out;
}
