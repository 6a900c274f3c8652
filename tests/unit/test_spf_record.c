/* SPF record parsing (RFC 7208 §4.5, §4.6.1, §5, §6, §7.1, §12). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>
#include <sys/socket.h>

#include "spf/record.h"
#include "util/arena.h"

static struct arena *a;

static void setup(void) { a = arena_create(); }
static void teardown(void) { arena_destroy(a); a = NULL; }

TestSuite(spf_record, .init = setup, .fini = teardown);

static struct spf_record *
parse(const char *s)
{
	return spf_record_parse(a, s, strlen(s));
}

Test(spf_record, selects_version_case_insensitively)
{
	cr_assert(spf_is_record("v=spf1", 6));
	cr_assert(spf_is_record("V=SPF1 -all", 11));
	cr_assert(spf_is_record("v=spf1 ", 7));
	cr_assert_not(spf_is_record("v=spf10 -all", 12));
	cr_assert_not(spf_is_record("v=spf1-all", 10));
	cr_assert_not(spf_is_record(" v=spf1 -all", 12));
	cr_assert_not(spf_is_record("v=spf", 5));
}

Test(spf_record, every_mechanism_with_qualifiers)
{
	struct spf_record *r = parse("v=spf1 +all -include:a.example "
	    "~a ?mx ptr ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}.x.org");

	cr_assert_null(r->error, "%s", r->error);
	cr_assert_eq(r->nterms, 8);
	cr_assert_eq(r->terms[0].mech, SPF_MECH_ALL);
	cr_assert_eq(r->terms[0].qualifier, '+');
	cr_assert(r->terms[0].explicit_qualifier);
	cr_assert_eq(r->terms[1].mech, SPF_MECH_INCLUDE);
	cr_assert_eq(r->terms[1].qualifier, '-');
	cr_assert_str_eq(r->terms[1].domain_spec, "a.example");
	cr_assert_eq(r->terms[2].mech, SPF_MECH_A);
	cr_assert_eq(r->terms[2].qualifier, '~');
	cr_assert_null(r->terms[2].domain_spec);
	cr_assert_eq(r->terms[3].mech, SPF_MECH_MX);
	cr_assert_eq(r->terms[3].qualifier, '?');
	cr_assert_eq(r->terms[4].mech, SPF_MECH_PTR);
	cr_assert_eq(r->terms[4].qualifier, '+');
	cr_assert_not(r->terms[4].explicit_qualifier);
	cr_assert_eq(r->terms[5].mech, SPF_MECH_IP4);
	cr_assert_eq(r->terms[5].net.prefix, 24);
	cr_assert_eq(r->terms[6].mech, SPF_MECH_IP6);
	cr_assert_eq(r->terms[6].net.addr.family, AF_INET6);
	cr_assert_eq(r->terms[6].net.prefix, 32);
	cr_assert_eq(r->terms[7].mech, SPF_MECH_EXISTS);
	cr_assert(r->terms[7].macros & SPF_MACRO_I);
	cr_assert_not_null(r->all);
}

Test(spf_record, term_spans)
{
	struct spf_record *r = parse("v=spf1  a   mx:x.example -all");

	cr_assert_eq(r->nterms, 3);
	cr_assert_eq(r->terms[0].offset, 8);
	cr_assert_eq(r->terms[0].len, 1);
	cr_assert_eq(r->terms[1].offset, 12);
	cr_assert_str_eq(r->terms[1].text, "mx:x.example");
	cr_assert_eq(r->terms[2].offset, 25);
}

Test(spf_record, mechanism_names_are_case_insensitive)
{
	struct spf_record *r = parse("v=spf1 INCLUDE:a.example Ip4:1.2.3.4 "
	    "-ALL");

	cr_assert_null(r->error);
	cr_assert_eq(r->terms[0].mech, SPF_MECH_INCLUDE);
	cr_assert_eq(r->terms[1].mech, SPF_MECH_IP4);
	cr_assert_eq(r->terms[2].mech, SPF_MECH_ALL);
}

Test(spf_record, dual_cidr_forms)
{
	struct spf_record *r = parse("v=spf1 a/24 a//64 a/24//64 "
	    "mx:m.example/30 a:h.example//128 mx/0");

	cr_assert_null(r->error, "%s", r->error);
	cr_assert_eq(r->terms[0].cidr4, 24);
	cr_assert_eq(r->terms[0].cidr6, -1);
	cr_assert_eq(r->terms[1].cidr4, -1);
	cr_assert_eq(r->terms[1].cidr6, 64);
	cr_assert_eq(r->terms[2].cidr4, 24);
	cr_assert_eq(r->terms[2].cidr6, 64);
	cr_assert_str_eq(r->terms[3].domain_spec, "m.example");
	cr_assert_eq(r->terms[3].cidr4, 30);
	cr_assert_str_eq(r->terms[4].domain_spec, "h.example");
	cr_assert_eq(r->terms[4].cidr6, 128);
	cr_assert_eq(r->terms[5].cidr4, 0);
}

Test(spf_record, domain_spec_may_hold_colons_and_slashes)
{
	struct spf_record *r = parse("v=spf1 a:foo:bar/baz.example.com");

	cr_assert_null(r->error, "%s", r->error);
	cr_assert_str_eq(r->terms[0].domain_spec, "foo:bar/baz.example.com");
}

Test(spf_record, ip4_host_bits_are_masked)
{
	struct spf_record *r = parse("v=spf1 ip4:192.0.2.77/24");
	char buf[64];

	cr_assert_str_eq(ip_net_format(&r->terms[0].net, buf), "192.0.2.0/24");
}

Test(spf_record, modifiers)
{
	struct spf_record *r = parse("v=spf1 redirect=_spf.example.com "
	    "exp=explain.%{d} foo=bar%{d} -all");

	cr_assert_null(r->error, "%s", r->error);
	cr_assert_eq(r->terms[0].kind, SPF_TERM_REDIRECT);
	cr_assert_str_eq(r->terms[0].domain_spec, "_spf.example.com");
	cr_assert_eq(r->terms[1].kind, SPF_TERM_EXP);
	cr_assert_eq(r->terms[2].kind, SPF_TERM_UNKNOWN_MOD);
	cr_assert_str_eq(r->terms[2].mod_name, "foo");
	cr_assert_eq(r->redirect, &r->terms[0]);
	cr_assert_eq(r->exp, &r->terms[1]);
}

Test(spf_record, include_with_equals_is_an_unknown_modifier)
{
	struct spf_record *r = parse("v=spf1 include=_spf.example.com -all");

	cr_assert_null(r->error);
	cr_assert_eq(r->terms[0].kind, SPF_TERM_UNKNOWN_MOD);
}

/* Parameters are copied into a test process that re-executes the binary,
 * so they hold the text itself, never pointers. */
struct bad {
	char record[64];
	size_t offset;	/* where the error must point */
};

ParameterizedTestParameters(spf_record, errors_point_at_the_problem)
{
	static struct bad cases[] = {
		{ "v=spf1 ip4:1.2.3", 11 },		/* three octets */
		{ "v=spf1 ip4:1.2.3.4/33", 19 },	/* prefix too long */
		{ "v=spf1 ip4:1.2.3.4/032", 19 },	/* leading zero */
		{ "v=spf1 ip4:01.2.3.4", 11 },		/* leading zero */
		{ "v=spf1 ip6:1.2.3.4", 11 },
		{ "v=spf1 ip6:2001:db8::/129", 22 },
		{ "v=spf1 a/33", 9 },
		{ "v=spf1 a//129", 10 },
		{ "v=spf1 include", 14 },
		{ "v=spf1 include:", 15 },
		{ "v=spf1 exists", 13 },
		{ "v=spf1 -all:foo", 11 },
		{ "v=spf1 ip:1.2.3.4", 7 },		/* unknown mechanism */
		{ "v=spf1 a:museum", 9 },		/* toplabel only */
		{ "v=spf1 a:museum.", 9 },
		{ "v=spf1 a:1.2.3.4", 9 },		/* numeric toplabel */
		{ "v=spf1 a:foo.-bar", 9 },		/* leading dash */
		{ "v=spf1 a:%{x}.example.com", 9 },	/* bad letter */
		{ "v=spf1 a:%{c}.example.com", 9 },	/* exp-only letter */
		{ "v=spf1 a:%{d0}.example.com", 9 },	/* zero parts */
		{ "v=spf1 a:100%.example.com", 12 },	/* stray % */
		{ "v=spf1 redirect=a.example redirect=b.example", 26 },
		{ "v=spf1 exp=a.example exp=b.example", 21 },
		{ "v=spf1 -redirect=a.example", 7 },
		{ "v=spf1 foo=%{z}", 11 },
		{ "v=spf1 a:ex\x01ample.com", 11 },
		{ "v=spf1 a:\xc3\xa9.example.com", 9 },
		{ "v=spf1 +", 7 },
	};

	return cr_make_param_array(struct bad, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad *c, spf_record, errors_point_at_the_problem)
{
	struct spf_record *r = parse(c->record);

	cr_assert_not_null(r->error, "'%s' parsed without error", c->record);
	cr_assert_eq(r->error_offset, c->offset, "'%s': error '%s' at %zu, "
	    "expected %zu", c->record, r->error, r->error_offset, c->offset);
}

struct good {
	char record[64];
};

ParameterizedTestParameters(spf_record, valid_records)
{
	static struct good cases[] = {
		{ "v=spf1" },
		{ "v=spf1 " },
		{ "v=spf1 -all  " },
		{ "v=spf1 a:foo-bar.xn--zckzah -all" },
		{ "v=spf1 a:e.example.com." },
		{ "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d}" },
		{ "v=spf1 include:%{d2}" },
		{ "v=spf1 a:%%.example.com" },
		{ "v=spf1 a:x%_y.example.com" },
		{ "v=spf1 a:%-.example.com" },
		{ "v=spf1 ip4:0.0.0.0/0 ip6:::/0" },
		{ "v=spf1 ip6:::ffff:1.2.3.4" },
		{ "v=spf1 mx:example.com/24//64" },
		{ "v=spf1 ptr:example.com" },
		{ "v=spf1 ~all unknown-mod=x" },
		{ "v=spf1 a:123-456.example.123-456" },
	};

	return cr_make_param_array(struct good, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct good *c, spf_record, valid_records)
{
	struct spf_record *r = parse(c->record);

	cr_assert_null(r->error, "'%s': %s at %zu", c->record, r->error,
	    r->error_offset);
}

Test(spf_record, nul_octet_is_an_error)
{
	struct spf_record *r = spf_record_parse(a, "v=spf1 a:b\0c.com", 16);

	cr_assert_not_null(r->error);
	cr_assert_eq(r->error_offset, 10);
}

Test(spf_record, dns_querying_terms)
{
	struct spf_record *r = parse("v=spf1 include:a.example a mx ptr "
	    "exists:x.example ip4:1.2.3.4 ip6:::1 all redirect=b.example "
	    "exp=c.example");
	bool expect[] = { true, true, true, true, true, false, false, false,
	    true, false };
	size_t i;

	cr_assert_eq(r->nterms, 10);
	for (i = 0; i < r->nterms; i++) {
		cr_assert_eq(spf_term_queries_dns(&r->terms[i]), expect[i],
		    "term %zu", i);
	}
}
