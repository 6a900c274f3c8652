/* The SPF walk and its RFC 7208 §4.6.4 accounting, on zones in memory. The
 * walk is pure, so the tests feed it answers from a zone set directly. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dns/zonefile.h"
#include "spf/lint.h"
#include "spf/walk.h"
#include "util/arena.h"
#include "util/error.h"

static struct arena *a;
static struct dns_zoneset *zs;

static void setup(void) { a = arena_create(); zs = dns_zoneset_create(); }
static void teardown(void) { dns_zoneset_destroy(zs); arena_destroy(a); }

TestSuite(spf_walk, .init = setup, .fini = teardown);

static const struct dns_answer *
zone_lookup(void *ctx, const char *name, enum dns_type type)
{
	const struct dns_answer *ans = dns_zoneset_answer(ctx, a, name, type);

	cr_assert_not_null(ans, "%s is outside the test zone", name);
	return ans;
}

static struct spf_walk *
walk_zone(const char *zone, const char *domain)
{
	struct error err;
	struct spf_walk *w;

	cr_assert_eq(dns_zoneset_load_text(zs, zone, strlen(zone),
	    "example.", "test", &err), 0, "%s", err.msg);
	w = spf_walk_build(a, zone_lookup, zs, domain, NULL);
	cr_assert_eq(w->pending, 0);
	spf_lint(a, w);
	return w;
}

static bool
tree_has(const struct spf_node *node, const char *code)
{
	size_t i;

	if (finding_has(&node->findings, code)) {
		return true;
	}
	for (i = 0; i < node->nterms; i++) {
		if (node->terms[i].child && tree_has(node->terms[i].child,
		    code)) {
			return true;
		}
	}
	return false;
}

static bool
has(const struct spf_walk *w, const char *code)
{
	return finding_has(&w->findings, code) || tree_has(w->root, code);
}

static const char gmail_zone[] =
    "@ SOA ns host 1 2 3 4 5\n"
    "gmail TXT \"v=spf1 redirect=_spf.google.example\"\n"
    "_spf.google TXT \"v=spf1 include:_netblocks.google.example "
    "include:_netblocks2.google.example include:_netblocks3.google.example "
    "~all\"\n"
    "_netblocks.google TXT \"v=spf1 ip4:64.18.0.0/20 ip4:74.125.0.0/16 "
    "~all\"\n"
    "_netblocks2.google TXT \"v=spf1 ip6:2001:4860:4000::/36 ~all\"\n"
    "_netblocks3.google TXT \"v=spf1 ip4:172.217.0.0/19 ~all\"\n";

Test(spf_walk, gmail_chain)
{
	struct spf_walk *w = walk_zone(gmail_zone, "gmail.example");
	const struct spf_walk_term *redirect = &w->root->terms[0];

	cr_assert_eq(w->lookups, 4);
	cr_assert_eq(w->records, 5);
	cr_assert_eq(w->levels, 3);
	cr_assert_eq(w->void4, 0);
	cr_assert_null(w->limit_term);
	cr_assert_eq(redirect->cost, 1);
	cr_assert_eq(redirect->running_total, 1);
	cr_assert_eq(redirect->subtree, 4);
	cr_assert_eq(redirect->child->terms[2].running_total, 4);
	cr_assert_eq(redirect->child->lookups, 3);
	cr_assert_eq(w->findings.count, 0);
	cr_assert_not(has(w, "spf-no-all"));
}

/* n includes of names that each hold "v=spf1 -all". */
static char *
chain_zone(int n, const char *extra)
{
	static char buf[4096];
	size_t pos;
	int i;

	pos = (size_t)snprintf(buf, sizeof(buf), "@ SOA ns host 1 2 3 4 5\n"
	    "top TXT \"v=spf1");
	for (i = 0; i < n; i++) {
		pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos,
		    " include:i%d.example", i);
	}
	pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s -all\"\n",
	    extra);
	for (i = 0; i < n; i++) {
		pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos,
		    "i%d TXT \"v=spf1 ip4:192.0.2.%d -all\"\n", i, i);
	}
	return buf;
}

Test(spf_walk, exactly_ten_lookups_is_within_the_limit)
{
	struct spf_walk *w = walk_zone(chain_zone(10, ""), "top.example");

	cr_assert_eq(w->lookups, 10);
	cr_assert_null(w->limit_term);
	cr_assert_not(has(w, "spf-lookup-limit"));
}

Test(spf_walk, eleventh_lookup_is_named)
{
	struct spf_walk *w = walk_zone(chain_zone(11, ""), "top.example");

	cr_assert_eq(w->lookups, 11);
	cr_assert_not_null(w->limit_term);
	cr_assert_str_eq(w->limit_term->term->text, "include:i10.example");
	cr_assert_str_eq(w->limit_node->domain, "top.example");
	cr_assert(has(w, "spf-lookup-limit"));
}

Test(spf_walk, void_lookups_count_per_family)
{
	struct spf_walk *w = walk_zone(
	    "@ SOA ns host 1 2 3 4 5\n"
	    "top TXT \"v=spf1 a:v4only.example a:gone1.example "
	    "mx:gone2.example -all\"\n"
	    "v4only A 192.0.2.1\n", "top.example");

	cr_assert_eq(w->void4, 2);
	cr_assert_eq(w->void6, 3);
	cr_assert_null(w->void4_term);
	cr_assert_not_null(w->void6_term);
	cr_assert_str_eq(w->void6_term->term->text, "mx:gone2.example");
	cr_assert(has(w, "spf-void-limit"));
}

Test(spf_walk, second_void_lookup_is_fine_third_is_not)
{
	struct spf_walk *w = walk_zone(
	    "@ SOA ns host 1 2 3 4 5\n"
	    "two TXT \"v=spf1 exists:x1.example exists:x2.example -all\"\n"
	    "three TXT \"v=spf1 exists:x1.example exists:x2.example "
	    "include:x3.example -all\"\n", "two.example");

	cr_assert_eq(w->void4, 2);
	cr_assert_null(w->void4_term);
	w = spf_walk_build(a, zone_lookup, zs, "three.example", NULL);
	cr_assert_eq(w->void4, 3);
	cr_assert_not_null(w->void4_term);
	cr_assert_str_eq(w->void4_term->term->text, "include:x3.example");
}

Test(spf_walk, include_loop_is_detected)
{
	struct spf_walk *w = walk_zone(
	    "@ SOA ns host 1 2 3 4 5\n"
	    "a TXT \"v=spf1 include:b.example -all\"\n"
	    "b TXT \"v=spf1 include:A.EXAMPLE. -all\"\n", "a.example");
	const struct spf_node *b = w->root->terms[0].child;

	cr_assert_eq(b->status, SPF_NODE_OK);
	cr_assert_eq(b->terms[0].child->status, SPF_NODE_LOOP);
	cr_assert_eq(w->lookups, 2);
	cr_assert(has(w, "spf-loop"));
}

Test(spf_walk, terms_after_all_are_shown_not_counted)
{
	struct spf_walk *w = walk_zone(
	    "@ SOA ns host 1 2 3 4 5\n"
	    "top TXT \"v=spf1 a -all include:late.example "
	    "redirect=r.example\"\n"
	    "top A 192.0.2.1\n", "top.example");
	const struct spf_node *n = w->root;

	cr_assert_eq(n->nterms, 4);
	cr_assert(n->terms[0].evaluated);
	cr_assert_not(n->terms[2].evaluated);
	cr_assert_null(n->terms[2].child);
	cr_assert_not(n->terms[3].evaluated);
	cr_assert_eq(w->lookups, 1);
	cr_assert(has(w, "spf-after-all"));
	cr_assert(has(w, "spf-redirect-ignored"));
}

Test(spf_walk, redirect_counts_after_the_mechanisms)
{
	struct spf_walk *w = walk_zone(
	    "@ SOA ns host 1 2 3 4 5\n"
	    "top TXT \"v=spf1 redirect=r.example include:i.example\"\n"
	    "r TXT \"v=spf1 -all\"\n"
	    "i TXT \"v=spf1 -all\"\n", "top.example");

	cr_assert_eq(w->root->terms[1].running_total, 1);
	cr_assert_eq(w->root->terms[0].running_total, 2);
}

Test(spf_walk, sender_macros_count_one_and_stay_unexpanded)
{
	struct spf_walk *w = walk_zone(
	    "@ SOA ns host 1 2 3 4 5\n"
	    "top TXT \"v=spf1 exists:%{i}._spf.%{d} a:%{d} ptr -all\"\n"
	    "top A 192.0.2.1\n", "top.example");
	const struct spf_node *n = w->root;

	cr_assert(n->terms[0].depends_on_sender);
	cr_assert_null(n->terms[0].target);
	cr_assert_eq(n->terms[0].cost, 1);
	cr_assert_str_eq(n->terms[1].target, "top.example");
	cr_assert(n->terms[2].depends_on_sender);
	cr_assert_eq(w->lookups, 3);
	cr_assert(has(w, "spf-ptr-deprecated"));
	cr_assert(has(w, "spf-depends-on-sender"));
}

Test(spf_walk, mx_hosts_are_resolved_up_to_ten)
{
	struct spf_walk *w = walk_zone(
	    "@ SOA ns host 1 2 3 4 5\n"
	    "top TXT \"v=spf1 mx -all\"\n"
	    "top MX 1 m1\ntop MX 2 m2\ntop MX 3 m3\ntop MX 4 m4\n"
	    "top MX 5 m5\ntop MX 6 m6\ntop MX 7 m7\ntop MX 8 m8\n"
	    "top MX 9 m9\ntop MX 10 m10\ntop MX 11 m11\n"
	    "m1 A 192.0.2.1\nm1 AAAA 2001:db8::1\n", "top.example");
	const struct spf_walk_term *mx = &w->root->terms[0];

	cr_assert_eq(mx->mx->count, 11);
	cr_assert_eq(mx->nmx_hosts, 10);
	cr_assert_eq(w->lookups, 1);
	/* Address lookups of MX hosts are never void lookups. */
	cr_assert_eq(w->void4, 0);
	cr_assert(has(w, "spf-mx-too-many"));
	/* Where receivers differ: a note, never an error. */
	cr_assert(has(w, "spf-receivers-differ"));
}

Test(spf_walk, missing_and_multiple_records)
{
	struct spf_walk *w = walk_zone(
	    "@ SOA ns host 1 2 3 4 5\n"
	    "top TXT \"v=spf1 include:none.example include:two.example "
	    "include:other.example -all\"\n"
	    "two TXT \"v=spf1 -all\"\ntwo TXT \"v=spf1 ~all\"\n"
	    "other TXT \"google-site-verification=abc\"\n", "top.example");

	cr_assert_eq(w->root->terms[0].child->status, SPF_NODE_NONE);
	cr_assert_eq(w->root->terms[1].child->status, SPF_NODE_MULTIPLE);
	cr_assert_eq(w->root->terms[1].child->nspf, 2);
	cr_assert_eq(w->root->terms[2].child->status, SPF_NODE_NONE);
	cr_assert(has(w, "spf-include-no-record"));
	cr_assert(has(w, "spf-multiple-records"));
	/* The NXDOMAIN include is void; the one with other TXT is not. */
	cr_assert_eq(w->void4, 1);
}

Test(spf_walk, no_record_at_the_top)
{
	struct spf_walk *w = walk_zone("@ SOA ns host 1 2 3 4 5\n"
	    "top A 192.0.2.1\n", "top.example");

	cr_assert_eq(w->root->status, SPF_NODE_NONE);
	cr_assert(has(w, "spf-no-record"));
}

Test(spf_walk, qualifier_findings)
{
	struct spf_walk *w = walk_zone("@ SOA ns host 1 2 3 4 5\n"
	    "p TXT \"v=spf1 +all\"\nn TXT \"v=spf1 ?all\"\n"
	    "x TXT \"v=spf1 ip4:192.0.2.1\"\n", "p.example");

	cr_assert(has(w, "spf-all-pass"));
	w = spf_walk_build(a, zone_lookup, zs, "n.example", NULL);
	spf_lint(a, w);
	cr_assert(has(w, "spf-all-neutral"));
	w = spf_walk_build(a, zone_lookup, zs, "x.example", NULL);
	spf_lint(a, w);
	cr_assert(has(w, "spf-no-all"));
}

Test(spf_walk, glued_split_is_found)
{
	struct spf_walk *w = walk_zone("@ SOA ns host 1 2 3 4 5\n"
	    "ok TXT \"v=spf1 ip4:192.0.2.1 \" \"ip4:192.0.2.2 -all\"\n"
	    "mid TXT \"v=spf1 ip4:192.0.\" \"2.1 -all\"\n"
	    "bad TXT \"v=spf1 ip4:192.0.2.1\" \"ip4:192.0.2.2 -all\"\n"
	    "ver TXT \"v=spf1\" \"ip4:192.0.2.2 -all\"\n", "ok.example");

	cr_assert_not(has(w, "spf-split-glued"));
	cr_assert_eq(w->root->nterms, 3);
	w = spf_walk_build(a, zone_lookup, zs, "mid.example", NULL);
	spf_lint(a, w);
	cr_assert_not(has(w, "spf-split-glued"));
	cr_assert_null(w->root->record->error);
	w = spf_walk_build(a, zone_lookup, zs, "bad.example", NULL);
	spf_lint(a, w);
	cr_assert(has(w, "spf-split-glued"));
	w = spf_walk_build(a, zone_lookup, zs, "ver.example", NULL);
	spf_lint(a, w);
	cr_assert_eq(w->root->status, SPF_NODE_NONE);
	cr_assert(has(w, "spf-split-glued"));
}

Test(spf_walk, long_string_in_a_draft_gets_a_split)
{
	char zone[2048];
	size_t pos;
	int i;

	pos = (size_t)snprintf(zone, sizeof(zone), "@ SOA ns host 1 2 3 4 5\n"
	    "big TXT \"v=spf1");
	for (i = 0; i < 20; i++) {
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    " ip4:198.51.100.%d", i);
	}
	snprintf(zone + pos, sizeof(zone) - pos, " -all\"\n");
	{
		struct spf_walk *w = walk_zone(zone, "big.example");
		const struct finding *f;

		cr_assert(has(w, "spf-string-too-long"));
		for (f = w->root->findings.head; f; f = f->next) {
			if (strcmp(f->code, "spf-string-too-long") == 0) {
				cr_assert_not_null(f->fix);
				cr_assert_not_null(strstr(f->fix, "\" \""));
			}
		}
	}
}

static const struct dns_answer *
nothing_yet(void *ctx, const char *name, enum dns_type type)
{
	(void)ctx;
	(void)name;
	(void)type;
	return NULL;
}

Test(spf_walk, pending_until_answers_arrive)
{
	struct spf_walk *w = spf_walk_build(a, nothing_yet, NULL,
	    "top.example", NULL);

	cr_assert_eq(w->pending, 1);
	cr_assert_eq(w->root->status, SPF_NODE_PENDING);
}

/* The first finding with this code (and this term, unless NULL). */
static const struct finding *
find_in(const struct finding_list *list, const char *code, const char *term)
{
	const struct finding *f;

	for (f = list->head; f != NULL; f = f->next) {
		if (strcmp(f->code, code) == 0 && (term == NULL ||
		    (f->term != NULL && strcmp(f->term, term) == 0))) {
			return f;
		}
	}
	return NULL;
}

static const struct finding *
find_node(const struct spf_node *node, const char *code, const char *term)
{
	const struct finding *f = find_in(&node->findings, code, term);
	size_t i;

	for (i = 0; f == NULL && i < node->nterms; i++) {
		if (node->terms[i].child != NULL) {
			f = find_node(node->terms[i].child, code, term);
		}
	}
	return f;
}

static const struct finding *
find(const struct spf_walk *w, const char *code, const char *term)
{
	const struct finding *f = find_in(&w->findings, code, term);

	return f ? f : find_node(w->root, code, term);
}

static struct spf_walk *
walk_more(const char *domain)
{
	struct spf_walk *w = spf_walk_build(a, zone_lookup, zs, domain, NULL);

	cr_assert_eq(w->pending, 0);
	spf_lint(a, w);
	return w;
}

static const char lint_zone[] =
    "@ SOA ns host 1 2 3 4 5\n"
    "perm TXT \"v=spf1 ip4:0.0.0.0/0 ip6:::/0 ip4:64.0.0.0/2 "
    "ip4:17.0.0.0/8 ip6:2a00::/11 ip6:2a00::/12 -ip4:0.0.0.0/0 a/0 "
    "-all\"\n"
    "perm A 8.8.8.8\n"
    "priv TXT \"v=spf1 ip4:10.1.2.3 ip4:192.168.0.0/16 ip6:fd00::/16 "
    "ip4:100.64.1.0/24 ip6:2001:db8::1 ip4:8.8.8.8 ip6:2a00:1450::/32 "
    "-all\"\n"
    "bits TXT \"v=spf1 ip4:8.8.8.77/24 ip4:8.8.4.0/24 "
    "ip6:2a00:1450::1/32 -all\"\n"
    "dup TXT \"v=spf1 ip4:8.8.8.8 a mx:m.example a ip4:8.8.8.8/32 "
    "-mx:M.example include:ok.example include:OK.example -all\"\n"
    "dup A 8.8.8.8\ndup AAAA 2a00:1450::8\nm MX 10 dup.example.\n"
    "nev TXT \"v=spf1 include:deny.example include:q.example "
    "include:ok.example include:r.example -all\"\n"
    "deny TXT \"v=spf1 -all\"\n"
    "q TXT \"v=spf1 ?include:ok.example ~all\"\n"
    "r TXT \"v=spf1 redirect=ok.example\"\n"
    "ok TXT \"v=spf1 ip4:8.8.4.4 -all\"\n";

Test(spf_walk, permissive_networks_are_errors)
{
	struct spf_walk *w = walk_zone(lint_zone, "perm.example");
	const struct finding *f = find(w, "spf-permissive", "ip4:0.0.0.0/0");

	cr_assert_not_null(f);
	cr_assert_eq(f->severity, FINDING_ERROR);
	cr_assert_not_null(strstr(f->message, "every IPv4 address"));
	cr_assert_not_null(find(w, "spf-permissive", "ip6:::/0"));
	f = find(w, "spf-permissive", "ip4:64.0.0.0/2");
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->message, "1/4 of all IPv4"), "%s",
	    f->message);
	cr_assert_not_null(find(w, "spf-permissive", "ip6:2a00::/11"));
	cr_assert_not_null(find(w, "spf-permissive", "a/0"));
	/* A whole /8 is what one holder may own; fail terms authorize no
	 * one. */
	cr_assert_null(find(w, "spf-permissive", "ip4:17.0.0.0/8"));
	cr_assert_null(find(w, "spf-permissive", "ip6:2a00::/12"));
	cr_assert_null(find(w, "spf-permissive", "-ip4:0.0.0.0/0"));
}

Test(spf_walk, private_and_reserved_ranges_are_warnings)
{
	struct spf_walk *w = walk_zone(lint_zone, "priv.example");
	const char *const flagged[] = {
		"ip4:10.1.2.3", "ip4:192.168.0.0/16", "ip6:fd00::/16",
		"ip4:100.64.1.0/24", "ip6:2001:db8::1",
	};
	size_t i;

	for (i = 0; i < sizeof(flagged) / sizeof(flagged[0]); i++) {
		const struct finding *f = find(w, "spf-private-range",
		    flagged[i]);

		cr_assert_not_null(f, "%s", flagged[i]);
		cr_assert_eq(f->severity, FINDING_WARNING);
	}
	cr_assert_not_null(strstr(find(w, "spf-private-range",
	    "ip4:10.1.2.3")->message, "RFC 1918"));
	cr_assert_null(find(w, "spf-private-range", "ip4:8.8.8.8"));
	cr_assert_null(find(w, "spf-private-range", "ip6:2a00:1450::/32"));
	cr_assert_null(find(w, "spf-permissive", NULL));
}

Test(spf_walk, host_bits_below_the_prefix)
{
	struct spf_walk *w = walk_zone(lint_zone, "bits.example");
	const struct finding *f = find(w, "spf-cidr-host-bits",
	    "ip4:8.8.8.77/24");

	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->fix, "'ip4:8.8.8.0/24'"), "%s", f->fix);
	cr_assert_not_null(strstr(f->fix, "'ip4:8.8.8.77'"), "%s", f->fix);
	cr_assert_not_null(find(w, "spf-cidr-host-bits",
	    "ip6:2a00:1450::1/32"));
	cr_assert_null(find(w, "spf-cidr-host-bits", "ip4:8.8.4.0/24"));
}

Test(spf_walk, duplicate_terms)
{
	struct spf_walk *w = walk_zone(lint_zone, "dup.example");
	const struct finding *f = find(w, "spf-duplicate-term", "a");

	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->message, "costs a lookup"));
	cr_assert_not_null(find(w, "spf-duplicate-term", "ip4:8.8.8.8/32"));
	cr_assert_not_null(find(w, "spf-duplicate-term", "-mx:M.example"));
	cr_assert_not_null(find(w, "spf-duplicate-include",
	    "include:OK.example"));
	cr_assert_null(find(w, "spf-duplicate-term", "ip4:8.8.8.8"));
	cr_assert_null(find(w, "spf-duplicate-term", "mx:m.example"));
}

Test(spf_walk, include_that_never_passes)
{
	struct spf_walk *w = walk_zone(lint_zone, "nev.example");
	const struct finding *f = find(w, "spf-include-never-passes",
	    "include:deny.example");

	cr_assert_not_null(f);
	cr_assert_eq(f->severity, FINDING_WARNING);
	cr_assert_not_null(strstr(f->message, "v=spf1 -all"));
	f = find(w, "spf-include-never-passes", "include:q.example");
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->message, "2 lookups"), "%s", f->message);
	cr_assert_null(find(w, "spf-include-never-passes",
	    "include:ok.example"));
	cr_assert_null(find(w, "spf-include-never-passes",
	    "include:r.example"));
	/* "v=spf1 -all" at the top is how a domain says it sends no mail. */
	w = walk_more("deny.example");
	cr_assert_null(find(w, "spf-include-never-passes", NULL));
}

Test(spf_walk, nine_or_ten_lookups_are_near_the_limit)
{
	struct spf_walk *w = walk_zone(chain_zone(9, ""), "top.example");
	const struct finding *f = find(w, "spf-lookups-near-limit", NULL);

	cr_assert_not_null(f);
	cr_assert_eq(f->severity, FINDING_WARNING);
	cr_assert_not_null(strstr(f->message, "9 DNS lookups"));
	dns_zoneset_destroy(zs);
	zs = dns_zoneset_create();
	w = walk_zone(chain_zone(10, ""), "top.example");
	cr_assert_not_null(find(w, "spf-lookups-near-limit", NULL));
	dns_zoneset_destroy(zs);
	zs = dns_zoneset_create();
	w = walk_zone(chain_zone(8, ""), "top.example");
	cr_assert_null(find(w, "spf-lookups-near-limit", NULL));
	dns_zoneset_destroy(zs);
	zs = dns_zoneset_create();
	w = walk_zone(chain_zone(11, ""), "top.example");
	cr_assert_null(find(w, "spf-lookups-near-limit", NULL));
	cr_assert_not_null(find(w, "spf-lookup-limit", NULL));
}

static const char void_zone[] =
    "@ SOA ns host 1 2 3 4 5\n"
    "mv TXT \"v=spf1 exists:%{i}._spf.example ptr a:%{d} "
    "exists:static.example -all\"\n"
    "mv A 192.0.2.1\nstatic A 127.0.0.2\n"
    "v6 TXT \"v=spf1 a:h1.example a:h2.example a:h3.example -all\"\n"
    "h1 A 8.8.8.1\nh2 A 8.8.8.2\nh3 A 8.8.8.3\n"
    "v4 TXT \"v=spf1 a:g1.example mx:g2.example exists:g3.example -all\"\n"
    "alias TXT \"v=spf1 a:c.example ip4:8.8.8.8 -all\"\n"
    "c CNAME gone.example.\n";

Test(spf_walk, terms_that_may_void_for_some_senders)
{
	struct spf_walk *w = walk_zone(void_zone, "mv.example");
	const struct spf_node *n = w->root;
	struct spf_macro_ctx base;
	struct ip_addr ip;
	const struct finding *f;

	cr_assert(n->terms[0].may_void);
	cr_assert(n->terms[1].may_void);
	cr_assert_not(n->terms[2].may_void);
	cr_assert_not(n->terms[3].may_void);
	cr_assert_eq(w->void4, 0);
	f = find(w, "spf-depends-on-sender", "exists:%{i}._spf.example");
	cr_assert_not_null(strstr(f->message, "void lookup"));
	/* For one sender the provider's answer "not one of ours" is a void
	 * lookup, and no reason to remove the term. */
	memset(&base, 0, sizeof(base));
	cr_assert(ip_parse("192.0.2.9", &ip));
	base.ip = &ip;
	base.sender = "a@mv.example";
	base.local_part = "a";
	base.sender_domain = "mv.example";
	base.helo = "mx.example";
	w = spf_walk_build(a, zone_lookup, zs, "mv.example", &base);
	spf_lint(a, w);
	cr_assert(w->root->terms[0].may_void);
	cr_assert(w->root->terms[0].void4);
	f = find(w, "spf-void-target", "exists:%{i}._spf.example");
	cr_assert_not_null(f);
	cr_assert_eq(f->severity, FINDING_INFO);
	cr_assert_null(f->fix);
}

Test(spf_walk, void_limit_for_ipv6_only_says_publish_aaaa)
{
	struct spf_walk *w = walk_zone(void_zone, "v6.example");
	const struct finding *f = find(w, "spf-void-limit", NULL);

	cr_assert_eq(w->void4, 0);
	cr_assert_eq(w->void6, 3);
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->fix, "publish AAAA records for "
	    "h1.example, h2.example, h3.example"), "%s", f->fix);
	cr_assert_not_null(strstr(f->fix, "ip4:/ip6:"));
	cr_assert_not_null(strstr(f->message, "IPv6"));
	f = find(w, "spf-receivers-differ", NULL);
	cr_assert_not_null(f);
	cr_assert_eq(f->severity, FINDING_INFO);
	cr_assert_not_null(strstr(f->message, "postalsys"), "%s", f->message);
	w = walk_more("v4.example");
	f = find(w, "spf-void-limit", NULL);
	cr_assert_null(strstr(f->fix, "AAAA"), "%s", f->fix);
	cr_assert_not_null(find(w, "spf-receivers-differ", NULL));
	cr_assert_not_null(strstr(find(w, "spf-receivers-differ",
	    NULL)->message, "libspf2"));
}

Test(spf_walk, receivers_differ_notes)
{
	struct spf_walk *w = walk_zone(void_zone, "alias.example");
	const struct finding *f = find(w, "spf-receivers-differ",
	    "a:c.example");
	char zone[4096];
	size_t pos;
	int i;

	/* A CNAME to a name that does not exist. */
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->message, "Mail::SPF"), "%s", f->message);
	/* The record libspf2 cannot compile. */
	pos = (size_t)snprintf(zone, sizeof(zone), "@ SOA ns host 1 2 3 4 5\n"
	    "big TXT \"v=spf1");
	for (i = 0; i < 65; i++) {
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    " ip4:8.8.%d.1", i);
	}
	snprintf(zone + pos, sizeof(zone) - pos, " -all\"\n");
	dns_zoneset_destroy(zs);
	zs = dns_zoneset_create();
	w = walk_zone(zone, "big.example");
	f = find(w, "spf-receivers-differ", NULL);
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->message, "neutral"), "%s", f->message);
	/* Notes never move a verdict. */
	cr_assert_eq(f->severity, FINDING_INFO);
}

Test(spf_walk, answer_over_512_octets_needs_edns)
{
	char zone[2048];
	size_t pos;
	int i;

	pos = (size_t)snprintf(zone, sizeof(zone), "@ SOA ns host 1 2 3 4 5\n"
	    "mid TXT \"v=spf1");
	for (i = 0; i < 45; i++) {
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    " ip4:8.8.%d.1", i);
	}
	snprintf(zone + pos, sizeof(zone) - pos, " -all\"\n");
	{
		struct spf_walk *w = walk_zone(zone, "mid.example");
		const struct finding *f = find(w, "spf-answer-too-large", NULL);

		cr_assert_gt(w->root->answer->size, 512);
		cr_assert_lt(w->root->answer->size, 1232);
		cr_assert_not_null(f);
		cr_assert_not_null(strstr(f->message, "EDNS or TCP"), "%s",
		    f->message);
	}
}
