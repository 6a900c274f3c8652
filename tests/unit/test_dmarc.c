/* DMARC records (RFC 9989 §4.7) and the tree walk's targets (§4.10). */
#include <criterion/criterion.h>
#include <string.h>

#include "dmarc/discover.h"
#include "dmarc/record.h"
#include "util/arena.h"

static struct arena *a;

static void setup(void) { a = arena_create(); }
static void teardown(void) { arena_destroy(a); }

TestSuite(dmarc, .init = setup, .fini = teardown);

static struct dmarc_record *
parse(const char *s)
{
	return dmarc_record_parse(a, s, strlen(s));
}

Test(dmarc, version_tag)
{
	cr_assert(dmarc_is_record("v=DMARC1", 8));
	cr_assert(dmarc_is_record("v = DMARC1 ;p=none", 18));
	cr_assert(dmarc_is_record("V=DMARC1; p=none", 16));
	cr_assert_not(dmarc_is_record("v=dmarc1; p=none", 16));
	cr_assert_not(dmarc_is_record("v=DMARC10", 9));
	cr_assert_not(dmarc_is_record("p=none; v=DMARC1", 16));
	cr_assert_not(dmarc_is_record("v=spf1 -all", 11));
}

Test(dmarc, defaults)
{
	struct dmarc_record *r = parse("v=DMARC1");

	cr_assert_null(r->error);
	cr_assert_eq(r->p, DMARC_POLICY_UNSET);
	cr_assert_eq(r->psd, 'u');
	cr_assert_eq(r->t, 'n');
	cr_assert_eq(r->adkim, 'r');
	cr_assert_eq(r->aspf, 'r');
	cr_assert_str_eq(r->fo, "0");
	cr_assert_eq(r->pct, -1);
}

Test(dmarc, every_tag)
{
	struct dmarc_record *r = parse("v=DMARC1;p=Reject; sp=quarantine ;"
	    "np=none; psd=y; t=y; adkim=S; aspf=s; rua=mailto:a@example.com, "
	    "mailto:b@reports.example!20m; ruf=mailto:c@example.com; "
	    "fo=0:1:d:s; pct=25; rf=afrf; ri=86400; x_new=1;");

	cr_assert_null(r->error, "%s", r->error);
	cr_assert_eq(r->p, DMARC_POLICY_REJECT);
	cr_assert_eq(r->sp, DMARC_POLICY_QUARANTINE);
	cr_assert_eq(r->np, DMARC_POLICY_NONE);
	cr_assert_eq(r->psd, 'y');
	cr_assert_eq(r->t, 'y');
	cr_assert_eq(r->adkim, 's');
	cr_assert_eq(r->aspf, 's');
	cr_assert_eq(r->nrua, 2);
	cr_assert_str_eq(r->rua[1].uri, "mailto:b@reports.example");
	cr_assert_str_eq(r->rua[1].size, "20m");
	cr_assert_str_eq(r->rua[1].host, "reports.example");
	cr_assert(r->rua[1].valid);
	cr_assert_eq(r->nruf, 1);
	cr_assert_eq(r->pct, 25);
	cr_assert(dmarc_record_tag(r, "rf")->obsolete);
	cr_assert_not(dmarc_record_tag(r, "x_new")->known);
	cr_assert_not(dmarc_record_tag(r, "fo")->error);
}

Test(dmarc, bad_values_are_reported_per_tag)
{
	struct dmarc_record *r = parse("v=DMARC1; p=bogus; adkim=x; "
	    "rua=dmarc@example.com; pct=101; fo=2; t=maybe; p=none");

	cr_assert_eq(r->p, DMARC_POLICY_INVALID);
	cr_assert_not_null(dmarc_record_tag(r, "adkim")->error);
	/* A bad URI is the URI's problem, not the tag's (RFC 9989 §4.8). */
	cr_assert_null(dmarc_record_tag(r, "rua")->error);
	cr_assert_not(r->rua[0].valid);
	cr_assert_not_null(strstr(r->rua[0].problem, "mailto: scheme is "
	    "missing"));
	cr_assert_not_null(dmarc_record_tag(r, "pct")->error);
	cr_assert_not_null(dmarc_record_tag(r, "fo")->error);
	cr_assert_not_null(dmarc_record_tag(r, "t")->error);
	cr_assert_not_null(r->tags[r->ntags - 1].error, "second p= is a dup");
	cr_assert_eq(dmarc_record_tag(r, "adkim")->offset, 19);
}

Test(dmarc, garbage_is_an_error_with_a_position)
{
	struct dmarc_record *r = parse("v=DMARC1; p=none; oops");

	cr_assert_not_null(r->error);
	cr_assert_eq(r->error_offset, 18);
	r = parse("v=DMARC1; p=\x01none");
	cr_assert_not_null(r->error);
}

Test(dmarc, tree_walk_targets)
{
	const char **t;
	size_t n;

	n = dmarc_walk_targets(a, "mail.example.com", &t);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(t[0], "mail.example.com");
	cr_assert_str_eq(t[1], "example.com");
	cr_assert_str_eq(t[2], "com");
	n = dmarc_walk_targets(a, "a.b.c.d.e.f.g.h.example.com", &t);
	cr_assert_eq(n, 8);
	cr_assert_str_eq(t[1], "d.e.f.g.h.example.com");
	cr_assert_str_eq(t[7], "com");
	n = dmarc_walk_targets(a, "a.b.c.d.e.f.example.com", &t);
	cr_assert_eq(n, 8, "8 labels: jump to 7");
	cr_assert_str_eq(t[1], "b.c.d.e.f.example.com");
	n = dmarc_walk_targets(a, "b.c.d.e.f.example.com", &t);
	cr_assert_eq(n, 7);
	n = dmarc_walk_targets(a, "com", &t);
	cr_assert_eq(n, 1);
}

Test(dmarc, report_uris)
{
	struct dmarc_record *r = parse("v=DMARC1; p=none; rua="
	    "mailto:a@Example.COM?subject=x, https://r.example/in, "
	    "mailto:@x.example, mailto:a@bad..name, mailto:a b@x.example, "
	    "mailto:c@x.example!9q; ruf=mailto:f@x.example");

	cr_assert_eq(r->nrua, 6);
	cr_assert(r->rua[0].valid);
	cr_assert_null(r->rua[0].problem);
	cr_assert_str_eq(r->rua[0].host, "example.com");
	/* Another scheme: a valid URI that gets no reports. */
	cr_assert(r->rua[1].valid);
	cr_assert_not_null(strstr(r->rua[1].problem, "not a mailto:"));
	cr_assert_null(r->rua[1].host);
	cr_assert_not(r->rua[2].valid);
	cr_assert_not_null(strstr(r->rua[2].problem, "malformed mailto"));
	cr_assert_not(r->rua[3].valid);
	cr_assert_not(r->rua[4].valid);
	cr_assert_not(r->rua[5].valid, "malformed !size");
	cr_assert_null(r->ruf[0].problem);
	cr_assert(dmarc_record_has_valid_rua(r));
	r = parse("v=DMARC1; p=none; rua=mailto:@x.example, x@y.example");
	cr_assert_not(dmarc_record_has_valid_rua(r));
	r = parse("v=DMARC1; p=none; rua=https://r.example/in");
	cr_assert(dmarc_record_has_valid_rua(r), "any scheme counts");
	r = parse("v=DMARC1; p=none; ruf=mailto:a@x.example");
	cr_assert_not(dmarc_record_has_valid_rua(r), "ruf= does not count");
}

/* RFC 6068 §2: one '@', a dot-atom before it, a domain name after it;
 * what a URI cannot hold is percent-encoded, and the fix says how. */
Test(dmarc, malformed_mailto_uris_say_why)
{
	struct dmarc_record *r = parse("v=DMARC1; p=none; rua="
	    "mailto:bad@@x, mailto:a@b@c.example, mailto:r@[192.0.2.1], "
	    "mailto:.a@x.example, mailto:a%40b@x.example, "
	    "mailto:r@x.example!1x, mailto:\"x\"@x.example, \"y\"@x.example");
	size_t i;

	cr_assert_eq(r->nrua, 8);
	for (i = 0; i < 4; i++) {
		cr_assert_not(r->rua[i].valid, "%zu", i);
		cr_assert_null(r->rua[i].host, "%zu: no authorization lookup",
		    i);
	}
	cr_assert_not_null(strstr(r->rua[0].problem, "more than one '@'"));
	cr_assert_not_null(strstr(r->rua[1].problem, "more than one '@'"));
	cr_assert_not_null(strstr(r->rua[2].problem, "address literal"));
	cr_assert_not_null(strstr(r->rua[3].problem, "local part"));
	cr_assert(r->rua[4].valid);
	cr_assert_str_eq(r->rua[4].host, "x.example");
	/* The malformed suffix is part of what is quoted. */
	cr_assert_str_eq(r->rua[5].uri, "mailto:r@x.example!1x");
	cr_assert_str_eq(r->rua[5].suggest, "mailto:r@x.example");
	cr_assert_str_eq(r->rua[6].suggest, "mailto:%22x%22@x.example");
	cr_assert_str_eq(r->rua[7].suggest, "mailto:%22y%22@x.example");
}
