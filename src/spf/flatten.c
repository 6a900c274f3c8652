#include "spf/flatten.h"

#include <string.h>
#include <sys/socket.h>

#include "spf/flatten_internal.h"
#include "spf/walk.h"
#include "util/arena.h"

struct flattener {
	struct arena *a;
	struct spf_flat *out;
	struct flat_plan plan;
};

static bool
failed(const struct dns_answer *ans)
{
	return ans != NULL && dns_kind_is_failure(ans->kind);
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
	switch (t->mech) {
	case SPF_MECH_A:
		if (failed(wt->a4) || failed(wt->a6)) {
			return "its DNS lookup failed";
		}
		add_addresses(fl, set, wt->a4, t);
		add_addresses(fl, set, wt->a6, t);
		return NULL;
	case SPF_MECH_MX:
		if (failed(wt->mx) || (wt->mx != NULL &&
		    wt->mx->kind == DNS_ANS_RECORDS &&
		    wt->mx->count > wt->nmx_hosts)) {
			return "its MX lookup failed or finds too many names";
		}
		for (i = 0; i < wt->nmx_hosts; i++) {
			if (failed(wt->mx_hosts[i].a4) ||
			    failed(wt->mx_hosts[i].a6)) {
				return "its DNS lookup failed";
			}
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

/* The networks that get "pass" from an included record, when that is a
 * plain set: only "+" terms that flatten, then an "all" other than +all
 * (or a redirect to such a record). */
static const char *
pass_set(struct flattener *fl, const struct spf_node *node,
    struct cidr_set *set)
{
	size_t i;

	if (node == NULL || node->status != SPF_NODE_OK ||
	    node->record->error != NULL) {
		return arena_printf(fl->a, "%s has no single valid SPF record",
		    node ? node->domain : "the target");
	}
	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];
		const struct spf_term *t = wt->term;
		const char *why;

		if (!wt->evaluated || (t->kind != SPF_TERM_MECHANISM &&
		    t->kind != SPF_TERM_REDIRECT)) {
			continue;
		}
		if (t->kind == SPF_TERM_REDIRECT) {
			return pass_set(fl, wt->child, set);
		}
		if (t->mech == SPF_MECH_ALL && t->qualifier != '+') {
			return NULL;
		}
		if (t->qualifier != '+' || t->mech == SPF_MECH_ALL) {
			return arena_printf(fl->a, "%s has '%s', whose place in "
			    "the record matters", node->domain, t->text);
		}
		if ((why = term_networks(fl, wt, set)) != NULL) {
			return arena_printf(fl->a, "%s has '%s': %s",
			    node->domain, t->text, why);
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

/* True when every mechanism of node flattens: then a redirect to it can
 * be replaced by its terms. */
static bool
inlinable(struct flattener *fl, const struct spf_node *node)
{
	size_t i;

	if (node == NULL || node->status != SPF_NODE_OK ||
	    node->record->error != NULL) {
		return false;
	}
	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];
		struct cidr_set scratch = { NULL, 0, 0 };

		if (wt->evaluated && wt->term->kind == SPF_TERM_MECHANISM &&
		    wt->term->mech != SPF_MECH_ALL &&
		    term_networks(fl, wt, &scratch) != NULL) {
			return false;
		}
		if (wt->evaluated && wt->term->kind == SPF_TERM_REDIRECT &&
		    !inlinable(fl, wt->child)) {
			return false;
		}
	}
	return true;
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
		const char *why;

		if (!wt->evaluated) {
			continue;
		}
		if (t->kind == SPF_TERM_REDIRECT && inlinable(fl, wt->child)) {
			plan_node(fl, wt->child);
		} else if (t->kind == SPF_TERM_REDIRECT) {
			fl->plan.end = t->text;
			fl->plan.end_why = "its target has terms that stay as "
			    "they are";
			fl->plan.end_cost = wt->subtree;
		} else if (t->kind != SPF_TERM_MECHANISM) {
			continue;
		} else if (t->mech == SPF_MECH_ALL) {
			fl->plan.end = t->text;
		} else if ((why = term_networks(fl, wt, &set)) != NULL) {
			keep(fl, wt, why);
		} else {
			fl->out->terms_in += set.n;
			new_entry(fl, t->qualifier)->nets = set;
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

struct spf_flat *
spf_flatten(struct arena *a, const struct spf_walk *walk)
{
	struct spf_flat *out = arena_alloc(a, sizeof(*out));
	struct flattener fl;
	const struct spf_node *root = walk->root;
	size_t i, k;

	memset(&fl, 0, sizeof(fl));
	fl.a = a;
	fl.out = out;
	out->lookups_before = walk->lookups;
	if (root->status != SPF_NODE_OK || root->record->error != NULL) {
		out->refused = arena_printf(a, "%s has no single valid SPF "
		    "record", root->domain);
		return out;
	}
	fl.plan.domain = root->domain;
	fl.plan.answer = root->answer;
	fl.plan.entries = arena_calloc(a, chain_terms(root),
	    sizeof(*fl.plan.entries));
	plan_node(&fl, root);
	if (!flattens_a_lookup(&fl.plan, walk->lookups)) {
		out->refused = nothing_to_flatten(a, &fl.plan);
		return out;
	}
	for (i = 0; i < fl.plan.n; i++) {
		for (k = 0; k < fl.plan.entries[i].nets.n; k++) {
			cidr_set_add(a, &out->nets,
			    &fl.plan.entries[i].nets.nets[k]);
		}
	}
	cidr_set_aggregate(&out->nets);
	spf_flat_pack(a, out, &fl.plan);
	return out;
}
