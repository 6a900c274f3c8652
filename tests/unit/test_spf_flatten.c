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
#include "util/error.h"

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
	struct error err;

	cr_assert_eq(dns_zoneset_load_text(zs, zone, strlen(zone), "t.",
	    "test", &err), 0, "%s", err.msg);
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
	    "top A 192.0.2.1\ntop AAAA 2001:db8::1\ntop MX 10 mx.t.\n"
	    "mx A 192.0.2.2\nmx AAAA 2001:db8::2\n"
	    "p TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n");
	f = flatten("top.t");
	cr_assert_null(f->refused, "%s", f->refused);
	/* The networks of mx and a come after the kept terms, as mx and a
	 * did: a sender that exists or ptr decides never reaches them. */
	cr_assert_str_eq(f->records[0].text, "v=spf1 -ip4:192.0.2.66 "
	    "ip4:198.51.100.0/24 exists:%{i}._spf.t ptr:top.t "
	    "ip4:192.0.2.1 ip4:192.0.2.2 ip6:2001:db8::1 ip6:2001:db8::2 "
	    "~all exp=why.t");
	cr_assert_eq(f->nkept, 2);
	cr_assert_str_eq(f->kept[0].term, "exists:%{i}._spf.t");
	cr_assert_not_null(strstr(f->kept[0].why, "sender"));
	cr_assert_str_eq(f->kept[1].term, "ptr:top.t");
	cr_assert_eq(f->lookups, 2);
	cr_assert_eq(f->lookups_before, 5);
}

/* A kept term can end the evaluation for some senders (a match, or an
 * error): the networks after it must stay after it, or those senders
 * get another result. */
Test(spf_flatten, networks_after_a_kept_term_stay_after_it)
{
	struct spf_flat *f;

	load("@ SOA ns h 1 2 3 4 5\n"
	    "top TXT \"v=spf1 ip4:192.0.2.1 include:dyn.t "
	    "include:p.t ~ip4:192.0.2.9 exists:%{l}.x.t ip4:192.0.2.2 "
	    "-all\"\n"
	    "dyn TXT \"v=spf1 exists:%{i}.d.t -all\"\n"
	    "p TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n");
	f = flatten("top.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_str_eq(f->records[0].text, "v=spf1 ip4:192.0.2.1 "
	    "include:dyn.t ip4:198.51.100.0/24 ~ip4:192.0.2.9 "
	    "exists:%{l}.x.t ip4:192.0.2.2 -all");
}

/* RFC 7208 §5.2: an include matches where its record gives pass. With
 * other qualifiers before a "+" term, that is the "+" networks less
 * those decided earlier. */
Test(spf_flatten, an_include_with_other_qualifiers_flattens_to_its_pass_set)
{
	struct spf_flat *f;

	load("@ SOA ns h 1 2 3 4 5\n"
	    "q TXT \"v=spf1 include:m.t -all\"\n"
	    "m TXT \"v=spf1 -ip4:192.0.2.1 ?ip4:192.0.2.128/26 "
	    "ip4:192.0.2.0/24 ~all\"\n"
	    "r TXT \"v=spf1 include:plus.t -all\"\n"
	    "plus TXT \"v=spf1 -ip4:0.0.0.0/1 -ip6:::/1 +all\"\n");
	f = flatten("q.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_str_eq(f->records[0].text, "v=spf1 ip4:192.0.2.0 "
	    "ip4:192.0.2.2/31 ip4:192.0.2.4/30 ip4:192.0.2.8/29 "
	    "ip4:192.0.2.16/28 ip4:192.0.2.32/27 ip4:192.0.2.64/26 "
	    "ip4:192.0.2.192/26 -all");
	f = flatten("r.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_str_eq(f->records[0].text, "v=spf1 ip4:128.0.0.0/1 "
	    "ip6:8000::/1 -all");
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
	snprintf(zone + pos, sizeof(zone) - pos, " -all\"\ntop A 8.8.8.8\n"
	    "top AAAA 2001:db8::8\n");
	load(zone);
	cr_assert_not_null(strstr(flatten("top.t")->refused, "11 DNS "
	    "lookups"), "%s", flatten("top.t")->refused);
}

/* Appends "NAME TXT" with n networks FIRST.x.y.1 that do not merge,
 * split into strings of 200 octets, then the final term. */
static size_t
provider(char *zone, size_t size, size_t pos, const char *name, int first,
    int n, const char *final)
{
	char text[4096];
	size_t len = 0, i;
	int k;

	len += (size_t)snprintf(text, sizeof(text), "v=spf1");
	for (k = 0; k < n; k++) {
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    " ip4:%d.%d.%d.1", first, k / 100, 2 * (k % 100));
	}
	snprintf(text + len, sizeof(text) - len, " %s", final);
	pos += (size_t)snprintf(zone + pos, size - pos, "%s TXT", name);
	for (i = 0; i < strlen(text); i += 200) {
		pos += (size_t)snprintf(zone + pos, size - pos, " \"%.200s\"",
		    text + i);
	}
	return pos + (size_t)snprintf(zone + pos, size - pos, "\n");
}

static char zone[65536];

/* The zone of the tests below: providers p10, p40 and p80 with that many
 * networks, then the records given. */
static void
load_with_providers(const char *records)
{
	size_t pos = (size_t)snprintf(zone, sizeof(zone),
	    "@ SOA ns h 1 2 3 4 5\n%s", records);

	pos = provider(zone, sizeof(zone), pos, "p10", 45, 10, "~all");
	pos = provider(zone, sizeof(zone), pos, "p40", 46, 40, "~all");
	provider(zone, sizeof(zone), pos, "p80", 47, 80, "~all");
	load(zone);
}

/* Every record of a proposal fits one answer, and the chain is named
 * in order. */
static void
assert_publishable(const struct spf_flat *f)
{
	size_t i, answer;

	for (i = 0; i < f->nrecords; i++) {
		const struct spf_flat_record *r = &f->records[i];

		cr_assert_leq(strlen(r->text), SPF_FLAT_RECORD_MAX, "%s",
		    r->text);
		answer = 12 + strlen(r->name) + 2 + 4 + 12 + strlen(r->text) +
		    r->nstrings;
		cr_assert_leq(answer, SPF_ANSWER_UDP_MAX, "%s", r->name);
	}
}

/* Two runs of networks apart: each gets room for its include, and a run
 * of "~" networks goes down a chain behind "~include:". */
Test(spf_flatten, every_run_gets_its_place_and_its_qualifier)
{
	struct spf_flat *f;

	load_with_providers(
	    "a TXT \"v=spf1 include:p40.t -ip4:46.0.0.0/8 include:p10.t "
	    "-all\"\n"
	    "b TXT \"v=spf1 include:p10.t ~include:p40.t -all\"\n");
	f = flatten("a.t");
	cr_assert_null(f->refused, "%s", f->refused);
	assert_publishable(f);
	cr_assert_not_null(strstr(f->records[0].text, " -ip4:46.0.0.0/8 "),
	    "%s", f->records[0].text);
	cr_assert_not_null(strstr(strstr(f->records[0].text, "-ip4:46"),
	    "ip4:45.0.0.1"), "%s", f->records[0].text);
	f = flatten("b.t");
	cr_assert_null(f->refused, "%s", f->refused);
	assert_publishable(f);
	cr_assert_eq(f->nkept, 0);
	cr_assert_not_null(strstr(f->records[0].text,
	    " ~include:_spf1.b.t -all"), "%s", f->records[0].text);
	cr_assert_not_null(strstr(f->records[0].text, " ~ip4:46."), "%s",
	    f->records[0].text);
	cr_assert_not_null(strstr(f->records[1].text, " ip4:46."));
	cr_assert_null(strstr(f->records[1].text, "~ip4"));
}

/* Other TXT records at the domain fill its answer: the record is made
 * as short as it can be and a warning says why, never a refusal. */
Test(spf_flatten, a_crowded_answer_gets_the_shortest_record_and_a_warning)
{
	char records[1024];
	struct spf_flat *f;

	snprintf(records, sizeof(records),
	    "c TXT \"v=spf1 include:p40.t -all\"\n"
	    "c TXT \"ms=%0240d\"\nc TXT \"x=%0200d\"\n", 0, 0);
	load_with_providers(records);
	f = flatten("c.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_str_eq(f->records[0].text,
	    "v=spf1 include:_spf1.c.t -all");
	cr_assert_eq(f->nwarnings, 2);
	cr_assert_not_null(strstr(f->warnings[0], "other TXT records"));
	cr_assert_not_null(strstr(f->warnings[1], "more than the 1"));
}

static const char *fail_name;

static const struct dns_answer *
failing_lookup(void *ctx, const char *name, enum dns_type type)
{
	if (strcmp(name, fail_name) == 0) {
		return dns_answer_without_response(a, name, type,
		    DNS_ANS_TIMEOUT, "no answer in 2 tries");
	}
	return zone_lookup(ctx, name, type);
}

/* A lookup that failed leaves what its terms stand for unknown: never a
 * proposal that keeps the term as if it had no record, never a refusal
 * that calls the record invalid. */
Test(spf_flatten, a_failed_lookup_makes_the_flatten_unknown)
{
	const char *names[] = { "p10.t", "www.t", "m.t", "mx1.t" };
	struct spf_walk *w;
	struct spf_flat *f;
	size_t i;

	load_with_providers(
	    "top TXT \"v=spf1 include:p10.t a:www.t mx:m.t -all\"\n"
	    "www A 192.0.2.1\nm MX 10 mx1.t.\nmx1 A 192.0.2.2\n");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		fail_name = names[i];
		w = spf_walk_build(a, failing_lookup, zs, "top.t", NULL);
		f = spf_flatten(a, w);
		cr_assert_null(f->refused, "%s", f->refused);
		cr_assert_not_null(f->unknown, "%s", names[i]);
		cr_assert_not_null(strstr(f->unknown, names[i]), "%s",
		    f->unknown);
		cr_assert_not_null(strstr(f->unknown, "timeout"));
		cr_assert_eq(f->nrecords, 0);
	}
}

/* A term that gives permerror to every sender reaching it (an include
 * of a name without a record, more than 10 MX names) is named, and
 * nothing is proposed around it. */
Test(spf_flatten, a_term_that_fails_every_sender_is_refused_by_name)
{
	char records[2048];
	size_t pos;
	struct spf_flat *f;
	int i;

	pos = (size_t)snprintf(records, sizeof(records),
	    "w TXT \"v=spf1 include:nothere.t include:p10.t -all\"\n"
	    "m TXT \"v=spf1 mx:m11.t include:p10.t -all\"\n");
	for (i = 0; i < 11; i++) {
		pos += (size_t)snprintf(records + pos, sizeof(records) - pos,
		    "m11 MX %d h%d.t.\nh%d A 198.51.100.%d\n", i, i, i, i + 1);
	}
	load_with_providers(records);
	f = flatten("w.t");
	cr_assert_not_null(f->refused);
	cr_assert_not_null(strstr(f->refused, "nothere.t has no SPF record"),
	    "%s", f->refused);
	cr_assert_not_null(strstr(f->refused, "permerror"));
	f = flatten("m.t");
	cr_assert_not_null(strstr(f->refused, "11 MX names"), "%s",
	    f->refused);
}

/* Networks that need more chained records than their include costs
 * stay behind the include; when every choice costs more, the proposal
 * says so. */
Test(spf_flatten, never_more_lookups_without_saying_so)
{
	struct spf_flat *f;

	load_with_providers(
	    "three TXT \"v=spf1 include:p80.t include:p40.t include:p10.t "
	    "-all\"\n"
	    "one TXT \"v=spf1 include:p80.t -all\"\n");
	f = flatten("three.t");
	cr_assert_null(f->refused, "%s", f->refused);
	assert_publishable(f);
	cr_assert_lt(f->lookups, f->lookups_before);
	cr_assert_eq(f->nwarnings, 0, "%s", f->warnings[0]);
	cr_assert_str_eq(f->kept[0].term, "include:p80.t");
	f = flatten("one.t");
	cr_assert_null(f->refused, "%s", f->refused);
	assert_publishable(f);
	cr_assert_gt(f->lookups, f->lookups_before);
	cr_assert_eq(f->nwarnings, 1);
	cr_assert_not_null(strstr(f->warnings[0], "more than the 1"));
}

/* Where the published record exceeds a limit of RFC 7208 §4.6.4 the
 * proposal differs, and says for which senders. */
Test(spf_flatten, a_fixed_limit_is_said)
{
	char records[2048];
	size_t pos;
	struct spf_flat *f;
	int i;

	pos = (size_t)snprintf(records, sizeof(records), "top TXT \"v=spf1");
	for (i = 0; i < 11; i++) {
		pos += (size_t)snprintf(records + pos, sizeof(records) - pos,
		    " a:h%d.t", i);
	}
	pos += (size_t)snprintf(records + pos, sizeof(records) - pos,
	    " -all\"\nv TXT \"v=spf1 a:n1.t a:n2.t a:n3.t include:p10.t "
	    "-all\"\n");
	for (i = 0; i < 11; i++) {
		pos += (size_t)snprintf(records + pos, sizeof(records) - pos,
		    "h%d A 198.51.100.%d\nh%d AAAA 2001:db8::%d\n", i, i + 1,
		    i, i + 1);
	}
	load_with_providers(records);
	f = flatten("top.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_eq(f->lookups, 0);
	cr_assert_eq(f->nwarnings, 1);
	cr_assert_not_null(strstr(f->warnings[0], "lookup 11 ('a:h10.t'"),
	    "%s", f->warnings[0]);
	f = flatten("v.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_eq(f->nwarnings, 1);
	cr_assert_not_null(strstr(f->warnings[0], "void lookup 3 "
	    "('a:n3.t'"), "%s", f->warnings[0]);
}

/* With terms that look the sender up, a term that makes a void lookup
 * stays: receivers must count the void lookups the published record
 * makes, or unknown senders get fail instead of permerror. */
Test(spf_flatten, void_lookups_stay_when_they_can_reach_the_limit)
{
	struct spf_flat *f;

	load_with_providers(
	    "v TXT \"v=spf1 a:nx.t include:p10.t exists:%{i}.x.t "
	    "exists:%{i}.y.t -all\"\n"
	    "w TXT \"v=spf1 a:nx.t include:p10.t exists:%{i}.x.t -all\"\n");
	f = flatten("v.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert(strncmp(f->records[0].text, "v=spf1 a:nx.t ip4:45.", 21) ==
	    0, "%s", f->records[0].text);
	cr_assert_str_eq(f->kept[0].term, "a:nx.t");
	cr_assert_not_null(strstr(f->kept[0].why, "void"));
	f = flatten("w.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert(strncmp(f->records[0].text, "v=spf1 ip4:45.", 14) == 0,
	    "%s", f->records[0].text);
}

/* RFC 7208 §6.2: a "fail" decided in a redirect's target takes the
 * target's explanation; with exp= on either side the redirect stays. */
Test(spf_flatten, a_redirect_stays_when_an_explanation_depends_on_it)
{
	struct spf_flat *f;

	load_with_providers(
	    "r TXT \"v=spf1 include:p10.t redirect=t2.t exp=e.t\"\n"
	    "s TXT \"v=spf1 include:p10.t redirect=t2.t\"\n"
	    "t2 TXT \"v=spf1 ip4:192.0.2.1 -all\"\n");
	f = flatten("r.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_not_null(strstr(f->records[0].text,
	    " redirect=t2.t exp=e.t"), "%s", f->records[0].text);
	f = flatten("s.t");
	cr_assert_null(f->refused, "%s", f->refused);
	cr_assert_not_null(strstr(f->records[0].text, " ip4:192.0.2.1 -all"),
	    "%s", f->records[0].text);
}
