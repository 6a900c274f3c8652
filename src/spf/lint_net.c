/* Findings about the networks one term authorizes: so wide that they
 * authorize a large share of the Internet, inside blocks that send no
 * mail to other networks, or written with host bits below the prefix. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "spf/lint_internal.h"
#include "util/cidr.h"
#include "util/safe.h"
#include "util/strbuf.h"

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

/* IPv6 outside global unicast (2000::/3, RFC 4291 §2.4): the IANA IPv6
 * Address Space registry reserves it or gives it to uses that do not
 * cross the Internet. */
static const char *const not_unicast6[] = { "::/3", "4000::/2", "8000::/1" };

static void
add_block(struct strbuf *names, const char *what)
{
	if (strstr(strbuf_str(names), what) != NULL) {
		return;
	}
	strbuf_adds(names, names->len ? ", " : "");
	strbuf_adds(names, what);
}

/* The part of net where mail can come from: outside the blocks of
 * ip_net_reserved() and, for IPv6, inside global unicast. names gets the
 * blocks net overlaps. */
static struct cidr_set
public_part(struct linter *l, const struct ip_net *net, struct strbuf *names)
{
	struct cidr_set set = { NULL, 0, 0 };
	struct ip_net block;
	const char *what;
	size_t i;

	cidr_set_add(l->arena, &set, net);
	for (i = 0; ip_reserved_block(i, &block, &what); i++) {
		if (cidr_overlaps(&block, net)) {
			cidr_set_remove(l->arena, &set, &block);
			add_block(names, what);
		}
	}
	for (i = 0; net->addr.family == AF_INET6 &&
	    i < sizeof(not_unicast6) / sizeof(not_unicast6[0]); i++) {
		char addr[IP_STRLEN];
		unsigned prefix;
		struct ip_addr ip;

		sscanf(not_unicast6[i], "%45[^/]/%u", addr, &prefix);
		ip_parse(addr, &ip);
		block = ip_net_make(&ip, prefix);
		if (cidr_overlaps(&block, net)) {
			cidr_set_remove(l->arena, &set, &block);
			add_block(names, "outside IPv6 global unicast "
			    "(RFC 4291)");
		}
	}
	return set;
}

/* The share of the family's addresses that set covers, 0 to 1. */
static double
coverage(const struct cidr_set *set)
{
	double share = 0;
	size_t i;

	for (i = 0; i < set->n; i++) {
		share += ldexp(1.0, -(int)set->nets[i].prefix);
	}
	return share;
}

/* One family's prefix of a term ('+' terms only: the others never
 * authorize anyone). public is the share of the family's addresses
 * that can send mail from inside the term's network, when the term
 * names one (ip4:, ip6:); a and mx prefixes apply to any address. */
static void
lint_width(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt, int prefix, bool v6, double public)
{
	int limit = v6 ? SPF_PERMISSIVE_V6 : SPF_PERMISSIVE_V4;
	struct finding *f;

	if (prefix < 0) {
		return;
	}
	if (wt->term->qualifier == '+' && prefix < limit &&
	    public > ldexp(1.0, -limit)) {
		f = finding_add(l->arena, &node->findings, FINDING_ERROR,
		    "spf-permissive", "list only the networks your mail "
		    "servers send from", "'%s' authorizes %s: anyone there "
		    "can send mail as this domain", spf_lint_term(l, wt),
		    share(l, (unsigned)prefix, v6));
		f->term = spf_lint_term(l, wt);
	}
	if (prefix == 0) {
		spf_lint_differs(l, node, wt, LINT_MSG(l, "libspf2 (Debian's "
		    "spfquery) rejects a /0 prefix: there '%s' makes the "
		    "whole record a permerror", spf_lint_term(l, wt)));
	}
}

/* names: the blocks the network overlaps; public: its part that can
 * send mail (empty: none can). */
static void
lint_literal(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt, const char *names,
    const struct cidr_set *public)
{
	const struct spf_term *t = wt->term;
	const char *what = ip_net_reserved(&t->net), *slash;
	char net[IP_STRLEN + 4];
	struct finding *f = NULL;

	if (what == NULL && public->n == 0) {
		what = LINT_MSG(l, "blocks that send no mail to other networks "
		    "(%s)", names);
	} else if (what != NULL) {
		what = LINT_MSG(l, "the %s block, which sends no mail to other "
		    "networks", what);
	}
	if (what != NULL) {
		f = finding_add(l->arena, &node->findings, FINDING_WARNING,
		    "spf-private-range", "remove it: receivers only ever see "
		    "the public address mail arrives from", "'%s' is inside "
		    "%s: in a published record it authorizes no real sender",
		    spf_lint_term(l, wt), what);
		f->term = spf_lint_term(l, wt);
	}
	if (t->host_bits) {
		slash = strchr(t->text, '/');
		f = finding_add(l->arena, &node->findings, FINDING_WARNING,
		    "spf-cidr-host-bits", LINT_MSG(l,
		    "write '%s:%s' for the network, or '%s' for that one host",
		    t->mech == SPF_MECH_IP6 ? "ip6" : "ip4",
		    ip_net_format(&t->net, net), safe_text(l->arena, t->text,
		    slash ? (size_t)(slash - t->text) : t->len)), "'%s' has "
		    "host bits set below the prefix: receivers clear them and "
		    "authorize all of %s, which may not be what was meant",
		    spf_lint_term(l, wt), ip_net_format(&t->net, net));
		f->term = spf_lint_term(l, wt);
	}
}

void
spf_lint_networks(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt)
{
	const struct spf_term *t = wt->term;
	struct strbuf names = STRBUF_INIT;
	struct cidr_set public;

	if (t->kind != SPF_TERM_MECHANISM || t->error != NULL ||
	    !wt->evaluated) {
		return;
	}
	switch (t->mech) {
	case SPF_MECH_IP4:
	case SPF_MECH_IP6:
		public = public_part(l, &t->net, &names);
		lint_width(l, node, wt, (int)t->net.prefix,
		    t->mech == SPF_MECH_IP6, coverage(&public));
		lint_literal(l, node, wt, strbuf_str(&names), &public);
		strbuf_finish(&names);
		break;
	case SPF_MECH_A:
	case SPF_MECH_MX:
		lint_width(l, node, wt, t->cidr4, false, 1.0);
		lint_width(l, node, wt, t->cidr6, true, 1.0);
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
