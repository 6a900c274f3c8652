/* The SPF lint (spf/lint*.c) on zones in memory: how wide a network
 * really is, duplicate per-sender terms, and the void limit that terms
 * looking the sender up reach for every sender they do not know. */
#include <criterion/criterion.h>
#include <string.h>

#include "dns/zonefile.h"
#include "spf/lint.h"
#include "spf/walk.h"
#include "util/arena.h"
#include "util/error.h"

static struct arena *a;
static struct dns_zoneset *zs;
static bool loaded;

static void
setup(void)
{
	a = arena_create();
	zs = dns_zoneset_create();
	loaded = false;
}
static void teardown(void) { dns_zoneset_destroy(zs); arena_destroy(a); }

TestSuite(spf_lint, .init = setup, .fini = teardown);

static const struct dns_answer *
zone_lookup(void *ctx, const char *name, enum dns_type type)
{
	return dns_zoneset_answer(ctx, a, name, type);
}

static const char zone[] =
    "@ SOA ns host 1 2 3 4 5\n"
    "local TXT \"v=spf1 ip6:fc00::/7 ip6:fe80::/10 ip6:fc00::/6 "
    "ip4:224.0.0.0/3 ip6:4000::/2 ip4:10.0.0.0/7 -all\"\n"
    "wide TXT \"v=spf1 ip4:0.0.0.0/5 ip6:2000::/11 ip6:::/0 -all\"\n"
    "dup TXT \"v=spf1 exists:%{i}.x.example ptr ptr:a.example "
    "exists:%{I}.x.example exists:%{i}.x.example ptr ptr:A.example "
    "-all\"\n"
    "mv TXT \"v=spf1 exists:%{i}.x.example exists:%{i}.y.example "
    "exists:%{i}.z.example -all\"\n"
    "ptr3 TXT \"v=spf1 ip4:192.0.2.1 ptr:a.example ptr:b.example "
    "ptr:c.example ?all\"\n"
    "two TXT \"v=spf1 exists:%{i}.x.example ptr -all\"\n"
    "mixed TXT \"v=spf1 a:nx.example exists:%{i}.x.example "
    "exists:%{i}.y.example -all\"\n"
    "mapped TXT \"v=spf1 ip6:::ffff:192.0.2.0/120 -all\"\n"
    "v4only TXT \"v=spf1 a:h1.example a:h2.example a:nx.example -all\"\n"
    "h1 A 192.0.2.1\n"
    "h2 A 192.0.2.2\n";

static struct spf_walk *
lint(const char *domain, const struct spf_macro_ctx *base)
{
	struct error err;
	struct spf_walk *w;

	if (!loaded) {
		cr_assert_eq(dns_zoneset_load_text(zs, zone, strlen(zone),
		    "example.", "test", &err), 0, "%s", err.msg);
		loaded = true;
	}
	w = spf_walk_build(a, zone_lookup, zs, domain, base);
	cr_assert_eq(w->pending, 0);
	spf_lint(a, w);
	return w;
}

static const struct finding *
find(const struct spf_walk *w, const char *code, const char *term)
{
	const struct finding_list *lists[] = { &w->findings,
	    &w->root->findings };
	const struct finding *f;
	size_t i;

	for (i = 0; i < 2; i++) {
		for (f = lists[i]->head; f != NULL; f = f->next) {
			if (strcmp(f->code, code) == 0 && (term == NULL ||
			    (f->term && strcmp(f->term, term) == 0))) {
				return f;
			}
		}
	}
	return NULL;
}

/* Blocks that send no mail to other networks authorize no one, however
 * wide: a warning, never spf-permissive. */
Test(spf_lint, wide_blocks_that_send_no_mail_are_not_permissive)
{
	const char *const local[] = { "ip6:fc00::/7", "ip6:fe80::/10",
	    "ip6:fc00::/6", "ip4:224.0.0.0/3", "ip6:4000::/2" };
	struct spf_walk *w = lint("local.example", NULL);
	const struct finding *f;
	size_t i;

	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		cr_assert_null(find(w, "spf-permissive", local[i]), "%s",
		    local[i]);
		f = find(w, "spf-private-range", local[i]);
		cr_assert_not_null(f, "%s", local[i]);
		cr_assert_eq(f->severity, FINDING_WARNING);
	}
	cr_assert_not_null(strstr(find(w, "spf-private-range",
	    "ip6:fc00::/6")->message, "unique local (RFC 4193)"));
	/* Half private, half a public /8: neither. */
	cr_assert_null(find(w, "spf-permissive", "ip4:10.0.0.0/7"));
	cr_assert_null(find(w, "spf-private-range", "ip4:10.0.0.0/7"));
	f = find(lint("mapped.example", NULL), "spf-private-range",
	    "ip6:::ffff:192.0.2.0/120");
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->message, "inside the IPv4-mapped "
	    "(RFC 4291) block"), "%s", f->message);
	w = lint("wide.example", NULL);
	cr_assert_not_null(find(w, "spf-permissive", "ip4:0.0.0.0/5"));
	cr_assert_not_null(find(w, "spf-permissive", "ip6:2000::/11"));
	cr_assert_not_null(find(w, "spf-permissive", "ip6:::/0"));
}

Test(spf_lint, a_per_sender_term_twice_is_a_duplicate)
{
	struct spf_walk *w = lint("dup.example", NULL);
	const struct finding *f;

	f = find(w, "spf-duplicate-term", "exists:%{i}.x.example");
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->message, "costs a lookup"));
	cr_assert_not_null(find(w, "spf-duplicate-term", "ptr"));
	cr_assert_not_null(find(w, "spf-duplicate-term", "ptr:A.example"));
	/* %{I} escapes the value (RFC 7208 §7.3): another test. */
	cr_assert_null(find(w, "spf-duplicate-term", "exists:%{I}.x.example"));
}

/* Three terms that look the sender up find nothing for a sender they
 * do not know: every such sender gets permerror, a fact of the record. */
Test(spf_lint, terms_that_void_for_unknown_senders_reach_the_limit)
{
	struct spf_walk *w = lint("mv.example", NULL);
	const struct finding *f = find(w, "spf-void-limit", NULL);

	cr_assert_not_null(f);
	cr_assert_eq(f->severity, FINDING_ERROR);
	cr_assert_not_null(strstr(f->message, "permerror at "
	    "'exists:%{i}.z.example' in mv.example"), "%s", f->message);
	cr_assert_not_null(strstr(f->fix, "keep at most 2"), "%s", f->fix);
	cr_assert_null(strstr(f->fix, "remove the terms marked void"));
	cr_assert_not_null(find(w, "spf-receivers-differ", NULL));
	w = lint("ptr3.example", NULL);
	f = find(w, "spf-void-limit", NULL);
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->message, "'ptr:c.example'"));
	/* Two are within the limit; a void every sender makes adds one. */
	cr_assert_null(find(lint("two.example", NULL), "spf-void-limit",
	    NULL));
	f = find(lint("mixed.example", NULL), "spf-void-limit", NULL);
	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->fix, "remove or correct "
	    "'a:nx.example'"), "%s", f->fix);
}

/* Names with A records and no AAAA void only for IPv6 senders; the
 * count for IPv4 senders reads in the singular when it is one. */
Test(spf_lint, ipv6_only_voids_count_ipv4_ones_too)
{
	const struct finding *f = find(lint("v4only.example", NULL),
	    "spf-void-limit", NULL);

	cr_assert_not_null(f);
	cr_assert_not_null(strstr(f->message, "(IPv4 senders: 1 void "
	    "lookup)"), "%s", f->message);
}

/* With --ip the voids are this sender's: the fix still does not tell
 * to remove the terms that answer "not one of ours". */
Test(spf_lint, per_sender_voids_with_an_ip_keep_their_fix)
{
	struct spf_macro_ctx base;
	struct ip_addr ip;
	const struct finding *f;
	struct spf_walk *w;

	memset(&base, 0, sizeof(base));
	cr_assert(ip_parse("192.0.2.9", &ip));
	base.ip = &ip;
	base.sender = "a@mv.example";
	base.local_part = "a";
	base.sender_domain = "mv.example";
	w = lint("mv.example", &base);
	cr_assert_eq(w->void4, 3);
	f = find(w, "spf-void-limit", NULL);
	cr_assert_not_null(f);
	cr_assert_null(strstr(f->fix, "remove the terms marked void"), "%s",
	    f->fix);
	cr_assert_not_null(strstr(f->fix, "keep at most 2"), "%s", f->fix);
}
