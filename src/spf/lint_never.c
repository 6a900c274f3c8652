/* Terms that can never match: a test made earlier in the same record,
 * and includes of records that give no sender "pass". */
#include <string.h>
#include <strings.h>

#include "dns/name.h"
#include "spf/lint_internal.h"
#include "util/safe.h"

/* True when b makes the same test as the earlier a: whatever a's
 * qualifier, a sender b would match stopped at a. */
static bool
same_test(const struct spf_walk_term *a, const struct spf_walk_term *b)
{
	const struct spf_term *x = a->term, *y = b->term;

	if (x->kind != SPF_TERM_MECHANISM || y->kind != SPF_TERM_MECHANISM ||
	    x->error || y->error || x->mech != y->mech ||
	    x->mech == SPF_MECH_ALL) {
		return false;
	}
	if (x->mech == SPF_MECH_IP4 || x->mech == SPF_MECH_IP6) {
		return x->net.prefix == y->net.prefix &&
		    ip_equal(&x->net.addr, &y->net.addr);
	}
	if (x->cidr4 != y->cidr4 || x->cidr6 != y->cidr6) {
		return false;
	}
	if (a->target != NULL && b->target != NULL) {
		return dns_name_equal(a->target, b->target);
	}
	/* Not expanded (per-sender macros, ptr): the same domain-spec
	 * expands alike for one sender; a macro letter's case is its URL
	 * escaping (RFC 7208 §7.3), so it must match exactly. */
	if (x->domain_spec == NULL || y->domain_spec == NULL) {
		return x->domain_spec == y->domain_spec &&
		    x->mech == SPF_MECH_PTR;
	}
	return x->macros ? strcmp(x->domain_spec, y->domain_spec) == 0 :
	    strcasecmp(x->domain_spec, y->domain_spec) == 0;
}

static void
lint_duplicates(struct linter *l, struct spf_node *node)
{
	size_t i, j;

	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *b = &node->terms[i];
		struct finding *f;
		bool include = b->term->mech == SPF_MECH_INCLUDE;

		for (j = 0; b->evaluated && j < i; j++) {
			const struct spf_walk_term *a = &node->terms[j];

			if (!same_test(a, b)) {
				continue;
			}
			f = finding_add(l->arena, &node->findings,
			    FINDING_WARNING, include ? "spf-duplicate-include" :
			    "spf-duplicate-term", "remove the second one",
			    "'%s' makes the same test as '%s' before it, so it "
			    "never matches%s", spf_lint_term(l, b),
			    spf_lint_term(l, a), b->cost ?
			    ", and it costs a lookup" : "");
			f->term = spf_lint_term(l, b);
			break;
		}
	}
}

/* False when no sender can get "pass" from the node's record: every term
 * that can match gives fail, softfail or neutral. A record not read
 * (none, errors, loops) may pass as far as anyone can tell. */
static bool
may_pass(const struct spf_node *node)
{
	size_t i;

	if (node == NULL || node->status != SPF_NODE_OK ||
	    node->record->error != NULL) {
		return true;
	}
	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];
		const struct spf_term *t = wt->term;

		if (!wt->evaluated) {
			continue;
		}
		if (t->kind == SPF_TERM_REDIRECT) {
			return may_pass(wt->child);
		}
		if (t->kind == SPF_TERM_MECHANISM && t->qualifier == '+' &&
		    (t->mech != SPF_MECH_INCLUDE || may_pass(wt->child))) {
			return true;
		}
	}
	return false;
}

/* RFC 7208 §5.2: an include matches only when its record gives pass. */
static void
lint_never_passes(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt)
{
	struct finding *f;

	if (wt->term->mech != SPF_MECH_INCLUDE || !wt->evaluated ||
	    wt->child == NULL || may_pass(wt->child)) {
		return;
	}
	f = finding_add(l->arena, &node->findings, FINDING_WARNING,
	    "spf-include-never-passes",
	    "remove the include: it authorizes no one", "'%s' can never match: "
	    "no term of \"%s\" gives pass, and an include matches only on pass "
	    "(RFC 7208 §5.2); it costs %u lookup%s for nothing",
	    spf_lint_term(l, wt), safe_text(l->arena, wt->child->record->text,
	    wt->child->record->len), wt->subtree, wt->subtree == 1 ? "" : "s");
	f->term = spf_lint_term(l, wt);
}

void
spf_lint_never_match(struct linter *l, struct spf_node *node)
{
	size_t i;

	lint_duplicates(l, node);
	for (i = 0; i < node->nterms; i++) {
		lint_never_passes(l, node, &node->terms[i]);
	}
}
