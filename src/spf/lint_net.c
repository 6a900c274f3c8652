/* Findings about the networks one term authorizes: so wide that they
 * authorize a large share of the Internet, inside blocks that send no
 * mail to other networks, or written with host bits below the prefix. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "spf/lint_internal.h"
#include "util/safe.h"

/* spf-permissive: wider than what IANA allocates to a whole regional
 * registry at once (an IPv4 /8; an IPv6 /12), far more than any sender
 * uses. */
#define SPF_PERMISSIVE_V4 8
#define SPF_PERMISSIVE_V6 12

/* "every IPv4 address", or "1/16 of all IPv4 addresses". */
static const char *
share(struct linter *l, unsigned prefix, bool v6)
{
	const char *family = v6 ? "IPv6" : "IPv4";

	if (prefix == 0) {
		return LINT_MSG(l, "every %s address", family);
	}
	return LINT_MSG(l, "1/%llu of all %s addresses", 1ULL << prefix,
	    family);
}

/* One family's prefix of a term ('+' terms only: the others never
 * authorize anyone). */
static void
lint_width(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt, int prefix, bool v6)
{
	struct finding *f;

	if (prefix < 0) {
		return;
	}
	if (wt->term->qualifier == '+' &&
	    prefix < (v6 ? SPF_PERMISSIVE_V6 : SPF_PERMISSIVE_V4)) {
		f = spf_lint_add(l, node, FINDING_ERROR, "spf-permissive",
		    "list only the networks your mail servers send from",
		    LINT_MSG(l, "'%s' authorizes %s: anyone there can send "
		    "mail as this domain", spf_lint_term(l, wt),
		    share(l, (unsigned)prefix, v6)));
		f->term = spf_lint_term(l, wt);
	}
	if (prefix == 0) {
		spf_lint_differs(l, node, wt, LINT_MSG(l, "libspf2 (Debian's "
		    "spfquery) rejects a /0 prefix: there '%s' makes the "
		    "whole record a permerror", spf_lint_term(l, wt)));
	}
}

static void
lint_literal(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt)
{
	const struct spf_term *t = wt->term;
	const char *what = ip_net_reserved(&t->net), *slash;
	char net[IP_STRLEN + 4];
	struct finding *f = NULL;

	if (what != NULL) {
		f = spf_lint_add(l, node, FINDING_WARNING, "spf-private-range",
		    "remove it: receivers only ever see the public address "
		    "mail arrives from",
		    LINT_MSG(l, "'%s' is inside a %s block, which sends no mail "
		    "to other networks: in a published record it authorizes "
		    "no real sender", spf_lint_term(l, wt), what));
		f->term = spf_lint_term(l, wt);
	}
	if (t->host_bits) {
		slash = strchr(t->text, '/');
		f = spf_lint_add(l, node, FINDING_WARNING,
		    "spf-cidr-host-bits",
		    LINT_MSG(l, "write '%s:%s' for the network, or '%s' for "
		    "that one host", t->mech == SPF_MECH_IP6 ? "ip6" : "ip4",
		    ip_net_format(&t->net, net), safe_text(l->arena, t->text,
		    slash ? (size_t)(slash - t->text) : t->len)),
		    LINT_MSG(l, "'%s' has host bits set below the prefix: "
		    "receivers clear them and authorize all of %s, which may "
		    "not be what was meant", spf_lint_term(l, wt),
		    ip_net_format(&t->net, net)));
		f->term = spf_lint_term(l, wt);
	}
}

void
spf_lint_networks(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt)
{
	const struct spf_term *t = wt->term;

	if (t->kind != SPF_TERM_MECHANISM || t->error != NULL ||
	    !wt->evaluated) {
		return;
	}
	switch (t->mech) {
	case SPF_MECH_IP4:
	case SPF_MECH_IP6:
		lint_width(l, node, wt, (int)t->net.prefix,
		    t->mech == SPF_MECH_IP6);
		lint_literal(l, node, wt);
		break;
	case SPF_MECH_A:
	case SPF_MECH_MX:
		lint_width(l, node, wt, t->cidr4, false);
		lint_width(l, node, wt, t->cidr6, true);
		break;
	default:
		break;
	}
}

/* libspf2 compiles a record into a buffer of fixed size and gives
 * neutral for one that does not fit: about 65 ip4 terms, or 29 ip6. */
#define LIBSPF2_MAX_IP4 65
#define LIBSPF2_MAX_IP6 29

void
spf_lint_network_count(struct linter *l, struct spf_node *node)
{
	size_t i, n4 = 0, n6 = 0;

	for (i = 0; i < node->nterms; i++) {
		const struct spf_term *t = node->terms[i].term;

		n4 += t->kind == SPF_TERM_MECHANISM && t->mech == SPF_MECH_IP4;
		n6 += t->kind == SPF_TERM_MECHANISM && t->mech == SPF_MECH_IP6;
	}
	if (n4 * LIBSPF2_MAX_IP6 + n6 * LIBSPF2_MAX_IP4 >=
	    LIBSPF2_MAX_IP4 * LIBSPF2_MAX_IP6) {
		spf_lint_differs(l, node, NULL, LINT_MSG(l, "libspf2 (Debian's "
		    "spfquery) gives neutral for a record whose compiled form "
		    "is too large (about %d ip4: or %d ip6: terms); this one "
		    "has %zu ip4: and %zu ip6:", LIBSPF2_MAX_IP4,
		    LIBSPF2_MAX_IP6, n4, n6));
	}
}
