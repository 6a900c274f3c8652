#include "spf/flatten.h"

#include <string.h>
#include <sys/socket.h>

#include "dns/txt.h"
#include "spf/walk.h"
#include "util/arena.h"
#include "util/strbuf.h"

struct flattener {
	struct arena *a;
	struct spf_flat *out;
};

static bool
refuse(struct flattener *fl, const char *why)
{
	if (fl->out->refused == NULL) {
		fl->out->refused = why;
	}
	return false;
}

static void
add_addresses(struct flattener *fl, const struct dns_answer *ans,
    const struct spf_term *t)
{
	size_t i;

	for (i = 0; ans != NULL && ans->kind == DNS_ANS_RECORDS &&
	    i < ans->count; i++) {
		const struct ip_addr *ip = &ans->addrs[i];
		int cidr = ip->family == AF_INET6 ? t->cidr6 : t->cidr4;
		struct ip_net net = ip_net_make(ip, cidr < 0 ? ip_bits(ip) :
		    (unsigned)cidr);

		cidr_set_add(fl->a, &fl->out->nets, &net);
		fl->out->terms_in++;
	}
}

static bool
failed(const struct dns_answer *ans)
{
	return ans != NULL && dns_kind_is_failure(ans->kind);
}

static bool flatten_node(struct flattener *fl, const struct spf_node *node,
    bool deciding);

/* Adds what one mechanism authorizes. Only "+" terms can be flattened:
 * the order of terms with other qualifiers matters, and a flat list of
 * networks has no order. */
static bool
flatten_mechanism(struct flattener *fl, const struct spf_walk_term *wt)
{
	const struct spf_term *t = wt->term;
	size_t i;

	if (t->qualifier != '+') {
		return refuse(fl, arena_printf(fl->a, "'%s' has a qualifier "
		    "other than '+': its place in the record matters",
		    t->text));
	}
	if (wt->depends_on_sender || t->macros != 0) {
		return refuse(fl, arena_printf(fl->a, "'%s' depends on the "
		    "sender or connecting host", t->text));
	}
	switch (t->mech) {
	case SPF_MECH_IP4:
	case SPF_MECH_IP6:
		cidr_set_add(fl->a, &fl->out->nets, &t->net);
		fl->out->terms_in++;
		return true;
	case SPF_MECH_A:
		if (failed(wt->a4) || failed(wt->a6)) {
			return refuse(fl, "a DNS lookup failed");
		}
		add_addresses(fl, wt->a4, t);
		add_addresses(fl, wt->a6, t);
		return true;
	case SPF_MECH_MX:
		if (failed(wt->mx)) {
			return refuse(fl, "a DNS lookup failed");
		}
		for (i = 0; i < wt->nmx_hosts; i++) {
			if (failed(wt->mx_hosts[i].a4) ||
			    failed(wt->mx_hosts[i].a6)) {
				return refuse(fl, "a DNS lookup failed");
			}
			add_addresses(fl, wt->mx_hosts[i].a4, t);
			add_addresses(fl, wt->mx_hosts[i].a6, t);
		}
		return true;
	case SPF_MECH_INCLUDE:
		return flatten_node(fl, wt->child, false);
	case SPF_MECH_PTR:
	case SPF_MECH_EXISTS:
		return refuse(fl, arena_printf(fl->a, "'%s' is decided by "
		    "DNS at the time of each check, not by a list of "
		    "networks", t->text));
	case SPF_MECH_ALL:
		break;
	}
	return true;
}

/* A record reached through include contributes its "+" networks; its
 * "all" (other than +all) just ends it. The deciding record (the top, or
 * a redirect target) gives the final "all". */
static bool
flatten_node(struct flattener *fl, const struct spf_node *node,
    bool deciding)
{
	size_t i;

	if (node == NULL || node->status != SPF_NODE_OK ||
	    node->record->error != NULL) {
		return refuse(fl, arena_printf(fl->a, "%s has no single valid "
		    "SPF record", node ? node->domain : "a target"));
	}
	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];
		const struct spf_term *t = wt->term;

		if (!wt->evaluated || t->kind != SPF_TERM_MECHANISM) {
			continue;
		}
		if (t->mech == SPF_MECH_ALL) {
			if (deciding) {
				fl->out->all = arena_printf(fl->a, "%call",
				    t->qualifier);
			} else if (t->qualifier == '+') {
				return refuse(fl, arena_printf(fl->a, "%s "
				    "ends with +all", node->domain));
			}
			continue;
		}
		if (!flatten_mechanism(fl, wt)) {
			return false;
		}
	}
	for (i = 0; deciding && i < node->nterms; i++) {
		if (node->terms[i].evaluated &&
		    node->terms[i].term->kind == SPF_TERM_REDIRECT) {
			return flatten_node(fl, node->terms[i].child, true);
		}
	}
	return true;
}

static void
build_record(struct flattener *fl)
{
	struct spf_flat *out = fl->out;
	struct strbuf sb = STRBUF_INIT;
	struct dns_bytes *strings;
	char buf[IP_STRLEN + 4];
	size_t i;

	strbuf_adds(&sb, "v=spf1");
	for (i = 0; i < out->nets.n; i++) {
		const struct ip_net *n = &out->nets.nets[i];

		strbuf_addf(&sb, " %s:", n->addr.family == AF_INET ? "ip4" :
		    "ip6");
		if (n->prefix == ip_bits(&n->addr)) {
			strbuf_adds(&sb, ip_format(&n->addr, buf));
		} else {
			strbuf_adds(&sb, ip_net_format(n, buf));
		}
	}
	if (out->all != NULL) {
		strbuf_addf(&sb, " %s", out->all);
	}
	out->record = arena_memdup(fl->a, strbuf_str(&sb), sb.len);
	out->nstrings = dns_txt_split(fl->a, out->record, sb.len,
	    TXT_STRING_MAX, &strings);
	out->strings = strings;
	out->zone = dns_txt_quote(fl->a, out->strings, out->nstrings);
	strbuf_finish(&sb);
}

struct spf_flat *
spf_flatten(struct arena *a, const struct spf_walk *walk)
{
	struct spf_flat *out = arena_alloc(a, sizeof(*out));
	struct flattener fl = { a, out };

	if (flatten_node(&fl, walk->root, true)) {
		cidr_set_aggregate(&out->nets);
		build_record(&fl);
	}
	return out;
}
