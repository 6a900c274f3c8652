/* The limits of RFC 7208 §4.6.4 over the whole tree (10 DNS-querying
 * terms, 2 void lookups) and the walk's own bounds, with fixes computed
 * from what the walk saw, and where receivers count differently. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "bounds.h"
#include "dns/name.h"
#include "spf/lint_internal.h"
#include "util/safe.h"
#include "util/strbuf.h"

/* Lookups within the limit but so near it that a provider adding one
 * more to its include breaks SPF for everyone not matched early. */
#define SPF_LOOKUPS_NEAR (SPF_LOOKUP_LIMIT - 1)

/* The targets of the evaluated "a" terms whose name has A records but
 * no AAAA, void lookups for IPv6 senders only: appended to names, each
 * once (seen holds those appended so far, at most max). */
static void
a_without_aaaa(const struct spf_node *node, struct strbuf *names,
    const char **seen, size_t *nseen, size_t max)
{
	size_t i, k;

	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];
		bool dup = false;

		if (wt->child != NULL) {
			a_without_aaaa(wt->child, names, seen, nseen, max);
		}
		if (!wt->cost || !wt->void6 || wt->void4 ||
		    wt->term->kind != SPF_TERM_MECHANISM ||
		    wt->term->mech != SPF_MECH_A || wt->target == NULL) {
			continue;
		}
		for (k = 0; k < *nseen; k++) {
			dup |= dns_name_equal(seen[k], wt->target);
		}
		if (dup || *nseen == max) {
			continue;
		}
		seen[(*nseen)++] = wt->target;
		if (names->len > 0) {
			strbuf_adds(names, ", ");
		}
		safe_append(names, wt->target, strlen(wt->target));
	}
}

static void
lint_lookups(struct linter *l)
{
	struct spf_walk *walk = l->walk;

	if (walk->limit_term != NULL) {
		finding_add(l->arena, &l->walk->findings, FINDING_ERROR,
		    "spf-lookup-limit", "remove includes you do not use, "
		    "replace a and mx with ip4:/ip6: for your own servers, or "
		    "flatten a provider's include (mailauth spf --flatten)",
		    "%u DNS lookups, over the limit of %d (RFC 7208 §4.6.4): "
		    "lookup %d is '%s' in %s, where receivers stop with "
		    "permerror", walk->lookups, SPF_LOOKUP_LIMIT,
		    SPF_LOOKUP_LIMIT + 1, spf_lint_term(l, walk->limit_term),
		    safe_str(l->arena, walk->limit_node->domain));
	} else if (walk->lookups >= SPF_LOOKUPS_NEAR) {
		finding_add(l->arena, &l->walk->findings, FINDING_WARNING,
		    "spf-lookups-near-limit", "make room before a provider "
		    "takes it: replace a and mx with ip4:/ip6: for your own "
		    "servers, drop includes you no longer use, or flatten a "
		    "static include (mailauth spf --flatten)", "%u DNS "
		    "lookups: legal, but %u more gives permerror (RFC 7208 "
		    "§4.6.4), and a provider can add a lookup to its include "
		    "at any time", walk->lookups, SPF_LOOKUP_LIMIT + 1 -
		    walk->lookups);
	}
}

/* Over the void limit for IPv6 senders only: every name "a" asks about
 * has A records, some have no AAAA. */
static void
lint_voids_ipv6(struct linter *l, const char *where, const char *names,
    size_t n)
{
	struct spf_walk *walk = l->walk;

	finding_add(l->arena, &l->walk->findings, FINDING_ERROR,
	    "spf-void-limit", LINT_MSG(l, "publish AAAA records for %s (their "
	    "IPv6 addresses), or replace those a terms with ip4:/ip6: terms",
	    names), "%u void lookups for an IPv6 sender, over the limit of %d "
	    "(RFC 7208 §4.6.4): %s %s A records but no AAAA, so 'a' finds "
	    "nothing for IPv6 senders (IPv4 senders: %u void lookup%s); void "
	    "lookup %d is %s", walk->void6, SPF_VOID_LIMIT, names, n == 1 ?
	    "has" : "have", walk->void4, walk->void4 == 1 ? "" : "s",
	    SPF_VOID_LIMIT + 1, where);
	spf_lint_differs(l, NULL, NULL, "postalsys mailauth counts a name "
	    "as void only when both its A and AAAA lookups are empty: IPv6 "
	    "senders do not reach the void limit there");
}

/* The terms of walk->void_terms up to last that look the sender up (per
 * true) or make a void lookup whatever the sender (per false), quoted
 * and joined; *n counts them. */
static const char *
void_terms(struct linter *l, const struct spf_walk_term *last, bool per,
    size_t *n)
{
	const struct spf_walk *walk = l->walk;
	struct strbuf sb = STRBUF_INIT;
	const char *out;
	size_t i;

	*n = 0;
	for (i = 0; i < walk->nvoid_terms; i++) {
		const struct spf_walk_term *wt = walk->void_terms[i];

		if (wt->may_void == per) {
			strbuf_addf(&sb, "%s'%s'", *n ? ", " : "",
			    spf_lint_term(l, wt));
			(*n)++;
		}
		if (wt == last) {
			break;
		}
	}
	out = LINT_MSG(l, "%s", strbuf_str(&sb));
	strbuf_finish(&sb);
	return out;
}

/* The fix for void lookups up to the term last: the terms that find
 * nothing whatever the sender go; of those that look the sender up --
 * their "not one of ours" is a void lookup -- at most two may stay on
 * the path of a sender no term lists. */
static const char *
void_fix(struct linter *l, const struct spf_walk_term *last)
{
	size_t nstatic, nper;
	const char *fixed = void_terms(l, last, false, &nstatic);
	const char *per = void_terms(l, last, true, &nper);

	if (nper == 0) {
		return "remove the terms marked void in the tree, or publish "
		    "the records they look for";
	}
	return LINT_MSG(l, "%s%s%skeep at most %u of the terms that look the "
	    "sender up (%s) on the path of a sender no term lists: replace "
	    "ptr with ip4:/ip6: terms, and exists: with the provider's "
	    "static include", nstatic ? "remove or correct " : "", fixed,
	    nstatic ? " (void for every sender); then " : "", SPF_VOID_LIMIT,
	    per);
}

/* Without --ip: terms that look the sender up find nothing for the
 * senders they do not know, so three of them (with the void lookups
 * every sender makes) give permerror to every sender not matched before
 * them -- a fact of the record, not of one sender. */
static bool
lint_sender_voids(struct linter *l)
{
	const struct spf_walk *walk = l->walk;
	const struct spf_walk_term *t = walk->sender_void_term;
	const char *per, *others = "";
	size_t nper, nstatic;

	if (t == NULL) {
		return false;
	}
	per = void_terms(l, t, true, &nper);
	if (void_terms(l, t, false, &nstatic), nstatic > 0) {
		others = LINT_MSG(l, " with the %zu void lookup%s every sender "
		    "makes before them (%s),", nstatic, nstatic == 1 ? "" :
		    "s", void_terms(l, t, false, &nstatic));
	}
	finding_add(l->arena, &l->walk->findings, FINDING_ERROR,
	    "spf-void-limit", void_fix(l, t), "%zu term%s look%s the sender up "
	    "(%s) and find%s nothing for a sender %s not know (no record at "
	    "the exists: name, no PTR name for the address): each such answer "
	    "is a void lookup, and%s that is more than %d (RFC 7208 §4.6.4), "
	    "so receivers give permerror at '%s' in %s to every such sender "
	    "not matched before it", nper, nper == 1 ? "" : "s", nper == 1 ?
	    "s" : "", per, nper == 1 ? "s" : "", nper == 1 ? "it does" :
	    "they do", others, SPF_VOID_LIMIT, spf_lint_term(l, t),
	    safe_str(l->arena, walk->sender_void_node->domain));
	return true;
}

/* Over the void limit with the answers seen: the IPv4 count, else the
 * IPv6 one. */
static void
lint_seen_voids(struct linter *l)
{
	struct spf_walk *walk = l->walk;
	bool v4 = walk->void4_term != NULL;
	const struct spf_walk_term *t = v4 ? walk->void4_term :
	    walk->void6_term;
	const struct spf_node *n = v4 ? walk->void4_node : walk->void6_node;
	struct strbuf names = STRBUF_INIT;
	const char *where, *seen[SPF_LOOKUP_LIMIT * 2];
	size_t nseen = 0;

	where = LINT_MSG(l, "'%s' in %s", spf_lint_term(l, t),
	    safe_str(l->arena, n->domain));
	a_without_aaaa(walk->root, &names, seen, &nseen,
	    sizeof(seen) / sizeof(seen[0]));
	if (!v4 && names.len > 0) {
		lint_voids_ipv6(l, where, strbuf_str(&names), nseen);
	} else {
		finding_add(l->arena, &l->walk->findings, FINDING_ERROR,
		    "spf-void-limit", void_fix(l, t), "%u void lookup%s for an "
		    "IPv4 sender and %u for an IPv6 one, over the limit of %d "
		    "(RFC 7208 §4.6.4): void lookup %d is %s", walk->void4,
		    walk->void4 == 1 ? "" : "s", walk->void6, SPF_VOID_LIMIT,
		    SPF_VOID_LIMIT + 1, where);
	}
	strbuf_finish(&names);
}

static void
lint_voids(struct linter *l)
{
	const struct spf_walk *walk = l->walk;

	if (walk->void4_term != NULL || walk->void6_term != NULL) {
		lint_seen_voids(l);
	} else if (!lint_sender_voids(l)) {
		return;
	}
	spf_lint_differs(l, NULL, NULL, "libspf2 (Debian's spfquery) has "
	    "no void-lookup limit: there senders get the record's own "
	    "result instead of permerror");
}

void
spf_lint_limits(struct linter *l)
{
	lint_lookups(l);
	lint_voids(l);
	if (l->walk->capped) {
		finding_add(l->arena, &l->walk->findings, FINDING_ERROR,
		    "spf-walk-limit", "simplify the include tree", "the "
		    "include tree is larger than mailauth follows (%d records "
		    "or %d levels); parts are not shown", SPF_WALK_MAX_RECORDS,
		    SPF_WALK_MAX_DEPTH);
	}
}
