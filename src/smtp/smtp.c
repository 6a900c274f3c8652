#include "smtp/smtp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "util/arena.h"

/* One pass of the gathering: the lookup and the count of answers that
 * are not in yet. */
struct pass {
	struct arena *a;
	dns_lookup_fn lookup;
	void *ctx;
	size_t pending;
};

static const struct dns_answer *
ask(struct pass *p, const char *name, enum dns_type type)
{
	const struct dns_answer *ans = p->lookup(p->ctx, name, type);

	p->pending += ans == NULL;
	return ans;
}

static struct smtp_addr *
add_addrs(struct pass *p, struct smtp_addr *addrs, size_t *n,
    const struct dns_answer *ans)
{
	size_t i;

	if (ans == NULL || ans->kind != DNS_ANS_RECORDS) {
		return addrs;
	}
	for (i = 0; i < ans->count && *n < SMTP_MAX_ADDRS_PER_HOST; i++) {
		struct smtp_addr *ad = &addrs[(*n)++];

		ad->ip = ans->addrs[i];
		ad->ptr = ptr_check(p->a, p->lookup, p->ctx, NULL, &ad->ip,
		    NULL, NULL);
		p->pending += ad->ptr->pending;
	}
	return addrs;
}

static void
gather_host(struct pass *p, struct smtp_host *h)
{
	h->a4 = ask(p, h->name, DNS_T_A);
	h->a6 = ask(p, h->name, DNS_T_AAAA);
	h->tlsa = ask(p, arena_printf(p->a, "_25._tcp.%s", h->name),
	    DNS_T_TLSA);
	h->addrs = arena_calloc(p->a, SMTP_MAX_ADDRS_PER_HOST,
	    sizeof(*h->addrs));
	add_addrs(p, h->addrs, &h->naddrs, h->a4);
	add_addrs(p, h->addrs, &h->naddrs, h->a6);
	h->sts_match = VERDICT_UNKNOWN;
}

static int
by_preference(const void *x, const void *y)
{
	const struct dns_mx *a = x, *b = y;

	if (a->preference != b->preference) {
		return a->preference < b->preference ? -1 : 1;
	}
	return strcasecmp(a->host, b->host);
}

/* RFC 5321 §5.1: the MX hosts in preference order (the same name once);
 * no MX at all means the domain itself; RFC 7505: a single MX of "." is
 * a null MX, a domain that accepts no mail. */
static void
gather_hosts(struct pass *p, struct smtp_result *r)
{
	const char *domain = r->in->name;
	struct dns_mx *sorted;
	size_t i, n;

	r->mx = ask(p, domain, DNS_T_MX);
	if (r->mx == NULL) {
		return;
	}
	if (r->mx->kind == DNS_ANS_NODATA) {
		r->hosts = arena_calloc(p->a, 1, sizeof(*r->hosts));
		r->hosts[0].name = domain;
		r->hosts[0].implicit = true;
		r->nhosts = 1;
		gather_host(p, &r->hosts[0]);
		return;
	}
	if (r->mx->kind != DNS_ANS_RECORDS) {
		return;
	}
	r->mx_count = r->mx->count;
	if (r->mx->count == 1 && r->mx->mx[0].host[0] == '\0') {
		r->null_mx = true;
		return;
	}
	n = r->mx->count;
	sorted = arena_calloc(p->a, n, sizeof(*sorted));
	memcpy(sorted, r->mx->mx, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_preference);
	r->hosts = arena_calloc(p->a, SMTP_MAX_HOSTS, sizeof(*r->hosts));
	for (i = 0; i < n && r->nhosts < SMTP_MAX_HOSTS; i++) {
		const char *name = dns_name_normalize(p->a, sorted[i].host);
		size_t j;
		bool seen = name[0] == '\0';

		for (j = 0; j < r->nhosts && !seen; j++) {
			seen = strcasecmp(r->hosts[j].name, name) == 0;
		}
		if (seen) {
			continue;
		}
		r->hosts[r->nhosts].name = name;
		r->hosts[r->nhosts].preference = sorted[i].preference;
		gather_host(p, &r->hosts[r->nhosts++]);
	}
}

/* The one TXT record that starts as is_kind says, or NULL; *count is how
 * many did. */
static const char *
pick_record(struct arena *a, const struct dns_answer *ans,
    bool (*is_kind)(struct arena *, const char *, size_t), size_t *count)
{
	const char *found = NULL;
	size_t i;

	*count = 0;
	if (ans == NULL || ans->kind != DNS_ANS_RECORDS) {
		return NULL;
	}
	for (i = 0; i < ans->count; i++) {
		size_t len;
		const char *text = dns_txt_join(a, &ans->txt[i], &len);

		if (is_kind(a, text, len)) {
			(*count)++;
			found = text;
		}
	}
	return *count == 1 ? found : NULL;
}

static void
gather_policy(struct pass *p, struct smtp_result *r)
{
	const char *domain = r->in->name;
	struct smtp_mta_sts *s = &r->sts;
	size_t count;

	s->mx_match = VERDICT_UNKNOWN;
	s->txt = ask(p, arena_printf(p->a, "_mta-sts.%s", domain),
	    DNS_T_TXT);
	r->rpt.txt = ask(p, arena_printf(p->a, "_smtp._tls.%s", domain),
	    DNS_T_TXT);
	s->record = pick_record(p->a, s->txt, mta_sts_record_is_sts, &count);
	if (r->rpt.txt != NULL) {
		r->rpt.record = pick_record(p->a, r->rpt.txt,
		    tls_rpt_record_is_rpt, &count);
	}
	if (s->record == NULL) {
		return;
	}
	/* RFC 8461 §3.3: the policy host is always mta-sts.DOMAIN. */
	s->fetch.host = arena_printf(p->a, "mta-sts.%s", domain);
	s->fetch.path = "/.well-known/mta-sts.txt";
	s->a4 = ask(p, s->fetch.host, DNS_T_A);
	s->a6 = ask(p, s->fetch.host, DNS_T_AAAA);
}

/* Addresses of the policy host for libcurl to use. */
static void
plan_fetch(struct arena *a, struct smtp_mta_sts *s)
{
	struct ip_addr *addrs;
	size_t n = 0, i;

	if (s->record == NULL || s->a4 == NULL || s->a6 == NULL) {
		return;
	}
	addrs = arena_calloc(a, (s->a4->kind == DNS_ANS_RECORDS ?
	    s->a4->count : 0) + (s->a6->kind == DNS_ANS_RECORDS ?
	    s->a6->count : 0) + 1, sizeof(*addrs));
	for (i = 0; s->a4->kind == DNS_ANS_RECORDS && i < s->a4->count; i++) {
		addrs[n++] = s->a4->addrs[i];
	}
	for (i = 0; s->a6->kind == DNS_ANS_RECORDS && i < s->a6->count; i++) {
		addrs[n++] = s->a6->addrs[i];
	}
	s->fetch.addrs = addrs;
	s->fetch.naddrs = n;
	s->fetching = n > 0;
}

struct smtp_result *
smtp_gather(struct arena *a, dns_lookup_fn lookup, void *lookup_ctx,
    const struct smtp_input *in)
{
	struct smtp_result *r = arena_alloc(a, sizeof(*r));
	struct pass p = { a, lookup, lookup_ctx, 0 };

	r->in = in;
	if (in->name == NULL) {
		r->hosts = arena_calloc(a, 1, sizeof(*r->hosts));
		r->nhosts = 1;
		r->hosts[0].sts_match = VERDICT_UNKNOWN;
		r->hosts[0].addrs = arena_calloc(a, 1,
		    sizeof(*r->hosts[0].addrs));
		r->hosts[0].naddrs = 1;
		r->hosts[0].addrs[0].ip = in->ip;
		r->hosts[0].addrs[0].ptr = ptr_check(a, lookup, lookup_ctx,
		    NULL, &in->ip, NULL, NULL);
		p.pending += r->hosts[0].addrs[0].ptr->pending;
	} else {
		gather_hosts(&p, r);
		if (!r->null_mx) {
			gather_policy(&p, r);
		}
	}
	r->pending = p.pending;
	if (r->pending == 0) {
		plan_fetch(a, &r->sts);
	}
	return r;
}

size_t
smtp_sessions(struct arena *a, struct smtp_result *r,
    struct smtp_session ***out)
{
	size_t n = 0, i, j;
	struct smtp_session **list;

	for (i = 0; i < r->nhosts; i++) {
		n += r->hosts[i].naddrs;
	}
	list = arena_calloc(a, n ? n : 1, sizeof(*list));
	for (n = 0, i = 0; i < r->nhosts; i++) {
		for (j = 0; j < r->hosts[i].naddrs; j++) {
			struct smtp_addr *ad = &r->hosts[i].addrs[j];

			ad->session.addr = ad->ip;
			ad->session.host = r->hosts[i].name;
			list[n++] = &ad->session;
		}
	}
	*out = list;
	return n;
}

struct https_fetch *
smtp_policy_fetch(struct smtp_result *r)
{
	return r->sts.fetching ? &r->sts.fetch : NULL;
}
