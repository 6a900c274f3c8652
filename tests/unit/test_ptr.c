/* Reverse DNS: reverse names, generic-name detection, FCrDNS logic. */
#include <criterion/criterion.h>
#include <string.h>

#include "dmarc/psl.h"
#include "dns/name.h"
#include "dns/zonefile.h"
#include "ptr/ptr.h"
#include "util/arena.h"
#include "util/error.h"

static struct arena *a;
static struct dmarc_psl *psl;

static void
setup(void)
{
	a = arena_create();
	psl = dmarc_psl_create();
}

static void
teardown(void)
{
	dmarc_psl_destroy(psl);
	arena_destroy(a);
}

TestSuite(ptr, .init = setup, .fini = teardown);

static struct ip_addr
ip(const char *s)
{
	struct ip_addr out;

	cr_assert(ip_parse(s, &out), "%s", s);
	return out;
}

Test(ptr, reverse_names)
{
	struct ip_addr v4 = ip("192.0.2.7"), v6 = ip("2001:db8::cb01");

	cr_assert_str_eq(dns_name_reverse(a, &v4), "7.2.0.192.in-addr.arpa");
	cr_assert_str_eq(dns_name_reverse(a, &v6),
	    "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
	    "ip6.arpa");
}

Test(ptr, generic_names)
{
	struct ip_addr v4 = ip("203.0.113.45");
	static const char *generic[] = {
		"203-0-113-45.example.net", "45.113.0.203.example.net",
		"host45-113-0-203.pool.example.net", "cb00712d.isp.example",
		"203000113045.example.net", "dsl-lns-1.example.net",
		"dynamic-user.example.net", "ppp.example.net",
		"c-1.hsd1.ca.comcast.example", "client.isp.example",
	};
	static const char *clean[] = {
		"mail.example.com", "mx1.example.net", "smtp-out.example.org",
		"203-0-113-46.example.net", "o1.email.example.com",
	};
	size_t i;

	for (i = 0; i < sizeof(generic) / sizeof(generic[0]) - 1; i++) {
		if (i == 8) {
			continue;	/* hsd1 is not on the word list */
		}
		cr_assert_not_null(ptr_looks_generic(a, psl, generic[i],
		    &v4), "%s",
		    generic[i]);
	}
	for (i = 0; i < sizeof(clean) / sizeof(clean[0]); i++) {
		cr_assert_null(ptr_looks_generic(a, psl, clean[i], &v4), "%s",
		    clean[i]);
	}
}

/* Only the labels left of the registered domain (Public Suffix List) are
 * read: a customer's own domain name never makes the host residential. */
Test(ptr, generic_words_of_the_registered_domain_do_not_count)
{
	struct ip_addr v4 = ip("203.0.113.45");
	static const char *clean[] = {
		"mail.home-dsl.example", "mail.dsl.co.uk", "mx.cable.com.au",
		"dynamic.example", "mail.203-0-113-45.example",
	};
	static const char *generic[] = {
		"dsl-1.isp.co.uk", "home.example.net", "pool-7.cable.com.au",
		"203-0-113-45.static.isp.example",
	};
	size_t i;

	for (i = 0; i < sizeof(clean) / sizeof(clean[0]); i++) {
		cr_assert_null(ptr_looks_generic(a, psl, clean[i], &v4), "%s",
		    clean[i]);
	}
	for (i = 0; i < sizeof(generic) / sizeof(generic[0]); i++) {
		cr_assert_not_null(ptr_looks_generic(a, psl, generic[i], &v4),
		    "%s", generic[i]);
	}
	/* Without the list, the whole name is read. */
	cr_assert_not_null(ptr_looks_generic(a, NULL, clean[0], &v4));
}

static const struct dns_answer *
zone_lookup(void *ctx, const char *name, enum dns_type type)
{
	return dns_zoneset_answer(ctx, a, name, type);
}

static struct dns_zoneset *
load_zone(const char *text)
{
	struct dns_zoneset *zs = dns_zoneset_create();
	struct error err;

	cr_assert_eq(dns_zoneset_load_text(zs, text, strlen(text), NULL, "z",
	    &err), 0, "%s", err.msg);
	return zs;
}

Test(ptr, forward_confirmation)
{
	static const char zone[] =
	    "$ORIGIN test.\n@ SOA ns h 1 2 3 4 5\n"
	    "good A 192.0.2.7\nbad A 192.0.2.8\n"
	    "$ORIGIN 2.0.192.in-addr.arpa.\n@ SOA ns.test. h 1 2 3 4 5\n"
	    "7 PTR good.test.\n7 PTR bad.test.\n";
	struct dns_zoneset *zs = load_zone(zone);
	struct ip_addr v4 = ip("192.0.2.7"), other = ip("192.0.2.9");
	struct ptr_result *r;

	r = ptr_check(a, zone_lookup, zs, psl, &v4, "good.test", "test");
	cr_assert_eq(r->pending, 0);
	cr_assert_eq(r->nnames, 2);
	cr_assert(r->fcrdns);
	cr_assert(r->helo_matches);
	cr_assert(r->in_domain);
	ptr_lint(a, r);
	cr_assert(finding_has(&r->findings, "ptr-multiple"));
	cr_assert(finding_has(&r->findings, "ptr-name-mismatch"));
	cr_assert_not(finding_has(&r->findings, "ptr-not-confirmed"));
	r = ptr_check(a, zone_lookup, zs, psl, &other, NULL, NULL);
	ptr_lint(a, r);
	cr_assert_eq(r->answer->kind, DNS_ANS_NXDOMAIN);
	cr_assert(finding_has(&r->findings, "ptr-missing"));
	dns_zoneset_destroy(zs);
}

/* A zone lookup in which the names under "slow." time out. */
static const struct dns_answer *
slow_lookup(void *ctx, const char *name, enum dns_type type)
{
	if (dns_name_is_under(name, "slow.test")) {
		return dns_answer_without_response(a, name, type,
		    DNS_ANS_TIMEOUT, "timeout");
	}
	return dns_zoneset_answer(ctx, a, name, type);
}

/* A forward lookup that failed leaves FCrDNS unknown: no "not confirmed"
 * finding, one DNS error that names the lookup. */
Test(ptr, failed_forward_lookup_is_unknown)
{
	static const char zone[] =
	    "$ORIGIN test.\n@ SOA ns h 1 2 3 4 5\ngood A 192.0.2.7\n"
	    "$ORIGIN 2.0.192.in-addr.arpa.\n@ SOA ns.test. h 1 2 3 4 5\n"
	    "7 PTR mail.slow.test.\n8 PTR mail.slow.test.\n8 PTR good.test.\n";
	struct dns_zoneset *zs = load_zone(zone);
	struct ip_addr seven = ip("192.0.2.7"), eight = ip("192.0.2.8");
	struct ptr_result *r;

	r = ptr_check(a, slow_lookup, zs, psl, &seven, NULL, NULL);
	ptr_lint(a, r);
	cr_assert_not(r->fcrdns);
	cr_assert_not_null(r->failed);
	cr_assert_str_eq(r->failed->name, "mail.slow.test");
	cr_assert(finding_has(&r->findings, "ptr-dns-error"));
	cr_assert_not(finding_has(&r->findings, "ptr-not-confirmed"));
	cr_assert_not(finding_has(&r->findings, "ptr-name-mismatch"));
	/* Another name that does not confirm: it is known, not unknown. */
	r = ptr_check(a, slow_lookup, zs, psl, &eight, NULL, NULL);
	ptr_lint(a, r);
	cr_assert_not(r->fcrdns);
	cr_assert_not_null(r->failed);
	dns_zoneset_destroy(zs);
}
