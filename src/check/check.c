#include "check/check.h"

#include <string.h>
#include <sys/socket.h>

#include "bounds.h"
#include "dns/name.h"
#include "util/arena.h"

struct runner {
	struct arena *a;
	dns_lookup_fn lookup;
	void *ctx;
	struct check_result *r;
};

static const struct dns_answer *
ask(struct runner *run, const char *name, enum dns_type type)
{
	const struct dns_answer *ans = run->lookup(run->ctx, name, type);

	run->r->pending += ans == NULL;
	return ans;
}

/* The MX hosts of the domain with their addresses, asked all at once. A
 * single MX record naming the root is a null MX (RFC 7505 §3). */
static void
read_mx(struct runner *run)
{
	struct check_result *r = run->r;
	size_t i;

	r->mx = ask(run, r->in->domain, DNS_T_MX);
	if (r->mx == NULL || r->mx->kind != DNS_ANS_RECORDS) {
		return;
	}
	r->null_mx = r->mx->count == 1 && r->mx->mx[0].host[0] == '\0';
	r->nmx = r->mx->count < CHECK_MAX_MX ? r->mx->count : CHECK_MAX_MX;
	r->mxhosts = arena_calloc(run->a, r->nmx, sizeof(*r->mxhosts));
	for (i = 0; i < r->nmx; i++) {
		struct check_mx *m = &r->mxhosts[i];

		m->host = r->mx->mx[i].host;
		m->preference = r->mx->mx[i].preference;
		if (m->host[0] != '\0') {
			m->a4 = ask(run, m->host, DNS_T_A);
			m->a6 = ask(run, m->host, DNS_T_AAAA);
		}
	}
}

/* What the other requirements need: the sender domain's MX (a null MX
 * there means bounces cannot come back), its addresses (an SPF "a" term
 * may cover the sending IP), and those of the HELO name. */
static void
read_names(struct runner *run)
{
	struct check_result *r = run->r;
	const char *helo = r->in->helo;
	struct ip_addr literal;

	if (!dns_name_equal(r->sender_domain, r->in->domain)) {
		r->sender_mx = ask(run, r->sender_domain, DNS_T_MX);
	}
	r->sender_a4 = ask(run, r->sender_domain, DNS_T_A);
	r->sender_a6 = ask(run, r->sender_domain, DNS_T_AAAA);
	if (helo != NULL && strchr(helo, '.') != NULL && helo[0] != '[' &&
	    !ip_parse(helo, &literal) &&
	    dns_name_check(helo) == DNS_NAME_OK) {
		r->helo_a4 = ask(run, helo, DNS_T_A);
		r->helo_a6 = ask(run, helo, DNS_T_AAAA);
	}
}

static void
add_ip(struct runner *run, const struct ip_addr *ip, size_t *cap)
{
	struct check_result *r = run->r;
	size_t i;

	for (i = 0; i < r->nips; i++) {
		if (ip_equal(&r->ips[i].ip, ip)) {
			return;
		}
	}
	if (r->nips == *cap || r->nips >= CHECK_MAX_IPS ||
	    ip_addr_unreachable(ip) != NULL) {
		return;	/* not what Gmail sees (the mx requirement says so) */
	}
	r->ips[r->nips++].ip = ip_unmap(ip);
}

/* The given IPs, or the public addresses of the MX hosts: a home server
 * usually sends from the machine that receives. */
static void
choose_ips(struct runner *run)
{
	struct check_result *r = run->r;
	size_t cap = CHECK_MAX_IPS, i, k;

	r->ips = arena_calloc(run->a, cap, sizeof(*r->ips));
	if (r->in->nips > 0) {
		for (i = 0; i < r->in->nips; i++) {
			add_ip(run, &r->in->ips[i], &cap);
		}
		return;
	}
	r->ips_from_mx = true;
	for (i = 0; i < r->nmx; i++) {
		const struct dns_answer *both[2] = { r->mxhosts[i].a4,
		    r->mxhosts[i].a6 };

		for (k = 0; k < 2; k++) {
			size_t j;

			for (j = 0; both[k] && both[k]->kind ==
			    DNS_ANS_RECORDS && j < both[k]->count; j++) {
				add_ip(run, &both[k]->addrs[j], &cap);
			}
		}
	}
}

/* RFC 5782 §2.1: the reversed address under the list's zone; a list that
 * holds no address of the IP's family is not asked. */
static void
check_blocklists(struct runner *run, struct check_ip *ip)
{
	const struct check_input *in = run->r->in;
	char *rev = dns_name_reverse(run->a, &ip->ip);
	size_t i, cut = strlen(rev) - strlen(ip->ip.family == AF_INET ?
	    ".in-addr.arpa" : ".ip6.arpa");

	ip->listings = arena_calloc(run->a, in->ndnsbls,
	    sizeof(*ip->listings));
	ip->nlistings = in->ndnsbls;
	for (i = 0; i < in->ndnsbls; i++) {
		struct check_listing *l = &ip->listings[i];

		l->zone = in->dnsbls[i];
		if (!dnsbl_lists_family(l->zone, ip->ip.family)) {
			l->status = DNSBL_NOT_ASKED;
			l->meaning = arena_printf(run->a, "%s lists only IPv4 "
			    "addresses: not asked", l->zone);
			continue;
		}
		l->name = arena_printf(run->a, "%.*s.%s", (int)cut, rev,
		    l->zone);
		l->answer = ask(run, l->name, DNS_T_A);
		if (l->answer != NULL) {
			l->status = dnsbl_classify(run->a, l->zone, l->answer,
			    &l->meaning, &l->hits, &l->nhits);
		}
	}
}

static void
check_ip(struct runner *run, struct check_ip *ip)
{
	const struct check_input *in = run->r->in;
	struct spf_eval_input *si = &ip->spf_input;

	memset(si, 0, sizeof(*si));
	si->domain = run->r->sender_domain;
	si->sender = spf_eval_sender(run->a, in->sender, in->domain);
	si->helo = in->helo;
	si->ip = ip->ip;
	si->now = in->now;
	ip->spf = spf_eval_run(run->a, run->lookup, run->ctx, si);
	run->r->pending += ip->spf->pending;
	ip->ptr = ptr_check(run->a, run->lookup, run->ctx, in->psl, &ip->ip,
	    in->helo, in->domain);
	run->r->pending += ip->ptr->pending;
	check_blocklists(run, ip);
}

static const char *
sender_domain(struct arena *a, const struct check_input *in)
{
	const char *at = in->sender ? strrchr(in->sender, '@') : NULL;

	if (at == NULL || at[1] == '\0') {
		return in->domain;
	}
	return dns_name_normalize(a, at + 1);
}

struct check_result *
check_run(struct arena *a, dns_lookup_fn lookup, void *lookup_ctx,
    const struct check_input *in)
{
	struct check_result *r = arena_alloc(a, sizeof(*r));
	struct runner run = { a, lookup, lookup_ctx, r };
	size_t i;

	r->in = in;
	r->sender_domain = sender_domain(a, in);
	read_mx(&run);
	read_names(&run);
	r->spf_walk = spf_walk_build(a, lookup, lookup_ctx, r->sender_domain,
	    NULL);
	r->pending += r->spf_walk->pending;
	r->dkim = dkim_probe_run(a, lookup, lookup_ctx, in->domain,
	    in->selectors, in->nselectors);
	r->pending += r->dkim->pending;
	r->dmarc = dmarc_discover(a, lookup, lookup_ctx, in->psl, in->domain);
	r->pending += r->dmarc->pending;
	if (!dns_name_equal(r->sender_domain, in->domain)) {
		r->sender_dmarc = dmarc_discover(a, lookup, lookup_ctx, in->psl,
		    r->sender_domain);
		r->pending += r->sender_dmarc->pending;
	}
	r->mta_sts = ask(&run, arena_printf(a, "_mta-sts.%s", in->domain),
	    DNS_T_TXT);
	r->tls_rpt = ask(&run, arena_printf(a, "_smtp._tls.%s", in->domain),
	    DNS_T_TXT);
	r->bimi = ask(&run, arena_printf(a, "default._bimi.%s", in->domain),
	    DNS_T_TXT);
	if (in->nips == 0 && (r->mx == NULL || r->pending > 0)) {
		/* The sending IPs come from the MX hosts: wait for them. */
		bool waiting = false;

		for (i = 0; i < r->nmx; i++) {
			waiting |= r->mxhosts[i].host[0] &&
			    (r->mxhosts[i].a4 == NULL ||
			    r->mxhosts[i].a6 == NULL);
		}
		if (r->mx == NULL || waiting) {
			return r;
		}
	}
	choose_ips(&run);
	for (i = 0; i < r->nips; i++) {
		check_ip(&run, &r->ips[i]);
	}
	return r;
}
