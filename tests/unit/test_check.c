/* The checklist of `mailauth check` on zones in memory. */
#include <criterion/criterion.h>
#include <string.h>

#include "check/check.h"
#include "dmarc/psl.h"
#include "dns/zonefile.h"
#include "util/arena.h"

static struct arena *a;
static struct dns_zoneset *zs;
static struct dmarc_psl *psl;

static void
setup(void)
{
	static const char zone[] =
	    "$ORIGIN example.\n@ SOA ns h 1 2 3 4 5\n"
	    "good MX 10 mx.good\nmx.good A 192.0.2.1\n"
	    "good TXT \"v=spf1 mx -all\"\n"
	    "_dmarc.good TXT \"v=DMARC1; p=reject; aspf=s\"\n"
	    "bounce.good TXT \"v=spf1 ip4:192.0.2.1 -all\"\n"
	    "other TXT \"v=spf1 ip4:192.0.2.1 -all\"\n"
	    "$ORIGIN 2.0.192.in-addr.arpa.\n@ SOA ns h 1 2 3 4 5\n"
	    "1 PTR mx.good.example.\n";
	char *err = NULL;

	a = arena_create();
	zs = dns_zoneset_create();
	psl = dmarc_psl_create();
	cr_assert_eq(dns_zoneset_load_text(zs, zone, strlen(zone), NULL, "z",
	    &err), 0, "%s", err);
}

static void
teardown(void)
{
	dmarc_psl_destroy(psl);
	dns_zoneset_destroy(zs);
	arena_destroy(a);
}

TestSuite(check, .init = setup, .fini = teardown);

static const struct dns_answer *
zone_lookup(void *ctx, const char *name, enum dns_type type)
{
	const struct dns_answer *ans = dns_zoneset_answer(ctx, a, name, type);

	/* Names outside the test zone (blocklists, _dmarc.example) do not
	 * exist. */
	return ans ? ans : dns_answer_without_response(a, name, type,
	    DNS_ANS_NXDOMAIN, NULL);
}

static const struct check_requirement *
requirement(const struct check_result *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nreqs; i++) {
		if (strcmp(r->reqs[i].id, id) == 0) {
			return &r->reqs[i];
		}
	}
	cr_assert_fail("no requirement %s", id);
	return NULL;
}

static struct check_result *
run(const char *domain, const char *sender)
{
	struct check_input *in = arena_alloc(a, sizeof(*in));
	struct check_result *r;

	in->domain = domain;
	in->sender = sender;
	in->psl = psl;
	r = check_run(a, zone_lookup, zs, in);
	cr_assert_eq(r->pending, 0);
	check_evaluate(a, r);
	return r;
}

Test(check, ips_come_from_the_mx_hosts)
{
	struct check_result *r = run("good.example", NULL);

	cr_assert(r->ips_from_mx);
	cr_assert_eq(r->nips, 1);
	cr_assert_eq(requirement(r, "ptr")->status, CHECK_PASS);
	cr_assert_eq(requirement(r, "spf")->status, CHECK_PASS);
	cr_assert_eq(requirement(r, "alignment")->status, CHECK_PASS);
	/* No DKIM key anywhere. */
	cr_assert_eq(requirement(r, "dkim")->status, CHECK_FAIL);
}

Test(check, strict_spf_alignment_wants_the_same_domain)
{
	struct check_result *r = run("good.example", "x@bounce.good.example");

	cr_assert_str_eq(r->sender_domain, "bounce.good.example");
	cr_assert_eq(requirement(r, "spf")->status, CHECK_PASS);
	cr_assert_eq(requirement(r, "alignment")->status, CHECK_FAIL);
	r = run("good.example", "x@other.example");
	cr_assert_eq(requirement(r, "alignment")->status, CHECK_FAIL);
}
