/* check_host() (RFC 7208 §4-§6) on zones in memory: verdicts, the matched
 * path, explanations and the limit edges. The RFC 7208 suite covers the
 * rest through the binary (tests/conformance). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dns/zonefile.h"
#include "spf/eval.h"
#include "spf/walk.h"
#include "util/arena.h"
#include "util/error.h"

static struct arena *a;
static struct dns_zoneset *zs;

static void setup(void) { a = arena_create(); zs = dns_zoneset_create(); }
static void teardown(void) { dns_zoneset_destroy(zs); arena_destroy(a); }

TestSuite(spf_eval, .init = setup, .fini = teardown);

static const struct dns_answer *
zone_lookup(void *ctx, const char *name, enum dns_type type)
{
	return dns_zoneset_answer(ctx, a, name, type);
}

static void
load(const char *zone)
{
	struct error err;

	cr_assert_eq(dns_zoneset_load_text(zs, zone, strlen(zone), "t.",
	    "test", &err), 0, "%s", err.msg);
}

static struct spf_eval *
check(const char *domain, const char *ip)
{
	struct spf_eval_input *in = arena_alloc(a, sizeof(*in));
	struct spf_eval *ev;

	in->domain = domain;
	in->sender = spf_eval_sender(a, NULL, domain);
	cr_assert(ip_parse(ip, &in->ip));
	in->ip = ip_unmap(&in->ip);
	in->now = 0;
	ev = spf_eval_run(a, zone_lookup, zs, in);
	cr_assert_eq(ev->pending, 0);
	return ev;
}

/* "top" with n includes of names that never match, then +all. */
static void
load_chain(int n)
{
	char zone[4096];
	size_t pos;
	int i;

	pos = (size_t)snprintf(zone, sizeof(zone), "@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"v=spf1");
	for (i = 0; i < n; i++) {
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    " include:i%d.t", i);
	}
	pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
	    " +all\"\n");
	for (i = 0; i < n; i++) {
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    "i%d TXT \"v=spf1 ip4:192.0.2.%d -all\"\n", i, i + 100);
	}
	load(zone);
}

Test(spf_eval, ten_lookups_pass)
{
	struct spf_eval *ev;

	load_chain(10);
	ev = check("top.t", "198.51.100.1");
	cr_assert_eq(ev->result, SPF_RESULT_PASS, "%s", ev->reason);
	cr_assert_eq(ev->lookups, 10);
}

Test(spf_eval, eleventh_lookup_is_a_permerror)
{
	struct spf_eval *ev;

	load_chain(11);
	ev = check("top.t", "198.51.100.1");
	cr_assert_eq(ev->result, SPF_RESULT_PERMERROR);
	cr_assert_eq(ev->lookups, 11);
	cr_assert_not_null(strstr(ev->reason, "include:i10.t"), "%s",
	    ev->reason);
	/* A sender matched before the limit is reached still passes. */
	ev = check("top.t", "192.0.2.100");
	cr_assert_eq(ev->result, SPF_RESULT_PASS);
	cr_assert_eq(ev->lookups, 1);
}

Test(spf_eval, void_lookup_edges)
{
	struct spf_eval *ev;

	load("@ SOA ns h 1 2 3 4 5\n"
	    "two TXT \"v=spf1 a:n1.t mx:n2.t +all\"\n"
	    "three TXT \"v=spf1 a:n1.t mx:n2.t exists:n3.t +all\"\n");
	ev = check("two.t", "192.0.2.1");
	cr_assert_eq(ev->result, SPF_RESULT_PASS);
	cr_assert_eq(ev->voids, 2);
	ev = check("three.t", "192.0.2.1");
	cr_assert_eq(ev->result, SPF_RESULT_PERMERROR);
	cr_assert_eq(ev->voids, 3);
}

/* RFC 7208 §4.6.4: a ptr term whose PTR query finds nothing is a void
 * lookup, so three of them are a permerror (as pyspf and Mail::SPF
 * count them). */
Test(spf_eval, ptr_without_ptr_records_is_a_void_lookup)
{
	struct error err;
	const char *rev = "@ SOA ns h 1 2 3 4 5\n";
	struct spf_eval *ev;

	load("@ SOA ns h 1 2 3 4 5\n"
	    "two TXT \"v=spf1 ptr:a.t ptr:b.t +all\"\n"
	    "three TXT \"v=spf1 ptr:a.t ptr:b.t ptr:c.t +all\"\n");
	cr_assert_eq(dns_zoneset_load_text(zs, rev, strlen(rev),
	    "2.0.192.in-addr.arpa.", "rev", &err), 0, "%s", err.msg);
	ev = check("two.t", "192.0.2.1");
	cr_assert_eq(ev->result, SPF_RESULT_PASS, "%s", ev->reason);
	cr_assert_eq(ev->voids, 2);
	ev = check("three.t", "192.0.2.1");
	cr_assert_eq(ev->result, SPF_RESULT_PERMERROR);
	cr_assert_eq(ev->voids, 3);
	cr_assert_not_null(strstr(ev->reason, "ptr:c.t"), "%s", ev->reason);
}

static void
load_mx(int n)
{
	char zone[4096];
	size_t pos;
	int i;

	pos = (size_t)snprintf(zone, sizeof(zone), "@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"v=spf1 mx -all\"\n");
	for (i = 0; i < n; i++) {
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    "top MX %d m%d\nm%d A 192.0.2.%d\n", i, i, i, i + 1);
	}
	load(zone);
}

Test(spf_eval, ten_mx_names_are_fine)
{
	load_mx(10);
	cr_assert_eq(check("top.t", "192.0.2.10")->result, SPF_RESULT_PASS);
	cr_assert_eq(check("top.t", "192.0.2.99")->result, SPF_RESULT_FAIL);
}

Test(spf_eval, eleven_mx_names_are_a_permerror)
{
	load_mx(11);
	cr_assert_eq(check("top.t", "192.0.2.1")->result,
	    SPF_RESULT_PERMERROR);
}

Test(spf_eval, path_through_redirect_and_include)
{
	struct spf_eval *ev;

	load("@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"v=spf1 redirect=spf.t\"\n"
	    "spf TXT \"v=spf1 include:nb.t ~all\"\n"
	    "nb TXT \"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all\"\n");
	ev = check("top.t", "192.0.2.7");
	cr_assert_eq(ev->result, SPF_RESULT_PASS);
	cr_assert_eq(ev->npath, 3);
	cr_assert_str_eq(ev->path[0].term, "redirect=spf.t");
	cr_assert_str_eq(ev->path[1].domain, "spf.t");
	cr_assert_str_eq(ev->path[1].term, "include:nb.t");
	cr_assert_str_eq(ev->path[2].term, "ip4:192.0.2.0/24");
	ev = check("top.t", "::ffff:192.0.2.8");
	cr_assert_eq(ev->result, SPF_RESULT_PASS, "IPv4-mapped is IPv4");
	ev = check("top.t", "2001:db8::1");
	cr_assert_eq(ev->result, SPF_RESULT_PASS);
	ev = check("top.t", "203.0.113.1");
	cr_assert_eq(ev->result, SPF_RESULT_SOFTFAIL);
	cr_assert_str_eq(ev->path[ev->npath - 1].term, "~all");
}

Test(spf_eval, explanation_of_a_fail)
{
	struct spf_eval *ev;

	load("@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"v=spf1 -all exp=why.t\"\n"
	    "why TXT \"%{i} is not one of %{d}'s servers\"\n"
	    "bad TXT \"v=spf1 -all exp=broken.t\"\n"
	    "broken TXT \"100%\"\n");
	ev = check("top.t", "192.0.2.7");
	cr_assert_eq(ev->result, SPF_RESULT_FAIL);
	cr_assert_str_eq(ev->explanation,
	    "192.0.2.7 is not one of top.t's servers");
	ev = check("bad.t", "192.0.2.7");
	cr_assert_eq(ev->result, SPF_RESULT_FAIL);
	cr_assert_null(ev->explanation);
}

Test(spf_eval, invalid_domains_are_none)
{
	cr_assert_eq(check("A2345678", "192.0.2.1")->result, SPF_RESULT_NONE);
	cr_assert_eq(check("[1.2.3.5]", "192.0.2.1")->result,
	    SPF_RESULT_NONE);
	cr_assert_eq(check("a..b.t", "192.0.2.1")->result, SPF_RESULT_NONE);
}

Test(spf_eval, dns_failures_are_temperror)
{
	load("@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"v=spf1 include:loop.t -all\"\n"
	    "loop CNAME loop2\nloop2 CNAME loop\n");
	cr_assert_eq(check("top.t", "192.0.2.1")->result,
	    SPF_RESULT_TEMPERROR);
}

static const struct dns_answer *
nothing(void *ctx, const char *name, enum dns_type type)
{
	(void)ctx;
	(void)name;
	(void)type;
	return NULL;
}

Test(spf_eval, waits_for_answers)
{
	struct spf_eval_input in;
	struct spf_eval *ev;

	memset(&in, 0, sizeof(in));
	in.domain = "top.t";
	in.sender = "postmaster@top.t";
	ip_parse("192.0.2.1", &in.ip);
	ev = spf_eval_run(a, nothing, NULL, &in);
	cr_assert_eq(ev->pending, 1);
}
