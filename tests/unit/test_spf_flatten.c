/* --flatten (spf/flatten.c, spf/flatten_chain.c) on zones in memory:
 * what is flattened, what is kept, and the chain of records that every
 * fit one 512-octet answer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "dns/zonefile.h"
#include "spf/flatten.h"
#include "spf/walk.h"
#include "util/arena.h"

static struct arena *a;
static struct dns_zoneset *zs;

static void setup(void) { a = arena_create(); zs = dns_zoneset_create(); }
static void teardown(void) { dns_zoneset_destroy(zs); arena_destroy(a); }

TestSuite(spf_flatten, .init = setup, .fini = teardown);

static const struct dns_answer *
zone_lookup(void *ctx, const char *name, enum dns_type type)
{
	return dns_zoneset_answer(ctx, a, name, type);
}

static void
load(const char *zone)
{
	char *err = NULL;

	cr_assert_eq(dns_zoneset_load_text(zs, zone, strlen(zone), "t.",
	    "test", &err), 0, "%s", err);
}

static struct spf_flat *
flatten(const char *domain)
{
	struct spf_walk *w = spf_walk_build(a, zone_lookup, zs, domain, NULL);

	cr_assert_eq(w->pending, 0);
	return spf_flatten(a, w);
}

/* Occurrences of needle in s. */
static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	for (s = strstr(s, needle); s != NULL; s = strstr(s + 1, needle)) {
		n++;
	}
	return n;
}

Test(spf_flatten, merges_networks_into_one_record)
{
	struct spf_flat *f;

	load("@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"v=spf1 a include:p.t ip4:192.0.2.128/25 -all\"\n"
	    "top A 192.0.2.1\n"
	    "p TXT \"v=spf1 ip4:192.0.2.0/25 ip4:192.0.2.9 ip6:2001:db8::/33 "
	    "ip6:2001:db8:8000::/33 ~all\"\n");
	f = flatten("top.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_eq(f->nrecords, 1);
	cr_assert_str_eq(f->records[0].name, "top.t");
	cr_assert_str_eq(f->records[0].text,
	    "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all");
	cr_assert_eq(f->records[0].nstrings, 1);
	cr_assert_eq(f->lookups, 0);
	cr_assert_eq(f->lookups_before, 2);
	cr_assert_eq(f->nkept, 0);
}

Test(spf_flatten, keeps_what_depends_on_the_sender_in_its_place)
{
	struct spf_flat *f;

	load("@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"v=spf1 -ip4:192.0.2.66 include:p.t "
	    "exists:%{i}._spf.t ptr:top.t mx a:%{d} ~all exp=why.t\"\n"
	    "top A 192.0.2.1\ntop MX 10 mx.t.\nmx A 192.0.2.2\n"
	    "p TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n");
	f = flatten("top.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_str_eq(f->records[0].text, "v=spf1 -ip4:192.0.2.66 "
	    "ip4:192.0.2.1 ip4:192.0.2.2 ip4:198.51.100.0/24 "
	    "exists:%{i}._spf.t ptr:top.t ~all exp=why.t");
	cr_assert_eq(f->nkept, 2);
	cr_assert_str_eq(f->kept[0].term, "exists:%{i}._spf.t");
	cr_assert_not_null(strstr(f->kept[0].why, "sender"));
	cr_assert_str_eq(f->kept[1].term, "ptr:top.t");
	cr_assert_eq(f->lookups, 2);
	cr_assert_eq(f->lookups_before, 5);
}

Test(spf_flatten, an_include_whose_order_matters_is_kept)
{
	struct spf_flat *f;

	load("@ SOA ns h 1 2 3 4 5\n"
	    "q TXT \"v=spf1 include:m.t -all\"\n"
	    "m TXT \"v=spf1 -ip4:192.0.2.1 ip4:192.0.2.0/24 -all\"\n"
	    "r TXT \"v=spf1 include:m.t include:p.t -all\"\n"
	    "p TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n");
	f = flatten("q.t");
	cr_assert_not_null(f->refused);
	cr_assert_not_null(strstr(f->refused, "nothing to flatten"));
	cr_assert_not_null(strstr(f->refused, "-ip4:192.0.2.1"), "%s",
	    f->refused);
	f = flatten("r.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_str_eq(f->records[0].text,
	    "v=spf1 ip4:198.51.100.0/24 include:m.t -all");
	cr_assert_eq(f->lookups, 1);
}

Test(spf_flatten, refuses_what_cannot_be_published)
{
	load("@ SOA ns h 1 2 3 4 5\n"
	    "e TXT \"v=spf1 exists:%{i}.x.t -all\"\n"
	    "p TXT \"v=spf1 ptr -all\"\n"
	    "none TXT \"not spf\"\n");
	cr_assert_not_null(flatten("e.t")->refused);
	cr_assert_not_null(flatten("p.t")->refused);
	cr_assert_not_null(strstr(flatten("none.t")->refused,
	    "no single valid SPF record"));
}

/* A record of n includes of provider records, each with 20 networks that
 * do not merge. */
static void
load_providers(int n, const char *extra)
{
	static char zone[65536];
	size_t pos;
	int i, k;

	pos = (size_t)snprintf(zone, sizeof(zone), "@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"v=spf1");
	for (i = 0; i < n; i++) {
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    " include:p%d.t", i);
	}
	pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
	    "%s ~all\"\n", extra);
	for (i = 0; i < n; i++) {
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    "p%d TXT \"v=spf1", i);
		for (k = 0; k < 20; k++) {
			pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
			    " ip4:%d.%d.%d.1", 20 + i, 2 * k, 100 + k);
		}
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    "\" \" -all\"\n");
	}
	load(zone);
}

Test(spf_flatten, splits_into_a_chain_of_records_that_fit)
{
	struct spf_flat *f;
	size_t i, k, nets = 0;
	char name[64];

	load_providers(4, " exists:%{i}._spf.t");
	f = flatten("top.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_gt(f->nrecords, 2);
	cr_assert_eq(f->nets.n, 80);
	for (i = 0; i < f->nrecords; i++) {
		const struct spf_flat_record *r = &f->records[i];
		size_t len = strlen(r->text), answer;

		cr_assert_leq(len, SPF_FLAT_RECORD_MAX, "%s", r->text);
		/* Header, question, RR header, one octet per string. */
		answer = 12 + strlen(r->name) + 2 + 4 + 12 + len + r->nstrings;
		cr_assert_leq(answer, SPF_ANSWER_UDP_MAX);
		for (k = 0; k < r->nstrings; k++) {
			cr_assert_leq(r->strings[k].len, 255);
		}
		nets += count(r->text, " ip4:");
		if (i > 0) {
			snprintf(name, sizeof(name), "_spf%zu.top.t", i);
			cr_assert_str_eq(r->name, name);
			cr_assert(strstr(r->text, " -all") != NULL);
		}
		if (i + 1 < f->nrecords) {
			snprintf(name, sizeof(name), "include:_spf%zu.top.t",
			    i + 1);
			cr_assert_not_null(strstr(r->text, name), "%s",
			    r->text);
		}
	}
	/* Every network once, and the kept term in the domain's record. */
	cr_assert_eq(nets, 80);
	cr_assert_not_null(strstr(f->records[0].text, "exists:%{i}._spf.t"));
	cr_assert(strstr(f->records[0].text, " ~all") != NULL);
	cr_assert_eq(f->lookups, 1 + (f->nrecords - 1));
	cr_assert_eq(f->lookups_before, 5);
}

Test(spf_flatten, other_txt_records_at_the_domain_count)
{
	char zone[4096];
	struct spf_flat *f;
	size_t len;

	load_providers(1, "");
	f = flatten("top.t");
	cr_assert_eq(f->nrecords, 1, "%s", f->records[0].text);
	len = strlen(f->records[0].text);
	dns_zoneset_destroy(zs);
	zs = dns_zoneset_create();
	memset(zone, 0, sizeof(zone));
	load_providers(1, "");
	snprintf(zone, sizeof(zone), "@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"verification=%0200d\"\n", 0);
	load(zone);
	f = flatten("top.t");
	cr_assert_null(f->refused, "%s", f->refused);
	/* 200 more octets in the answer: the networks no longer fit. */
	cr_assert_gt(len + 200 + 12 + 50, SPF_ANSWER_UDP_MAX);
	cr_assert_eq(f->nrecords, 2, "%s", f->records[0].text);
}

Test(spf_flatten, refuses_when_the_kept_terms_cost_too_much)
{
	char zone[4096];
	size_t pos;
	int i;

	pos = (size_t)snprintf(zone, sizeof(zone), "@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"v=spf1 a");
	for (i = 0; i < 11; i++) {
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    " exists:%%{i}.e%d.t", i);
	}
	snprintf(zone + pos, sizeof(zone) - pos, " -all\"\ntop A 8.8.8.8\n");
	load(zone);
	cr_assert_not_null(strstr(flatten("top.t")->refused, "11 DNS "
	    "lookups"), "%s", flatten("top.t")->refused);
}
