/* SPF macro expansion: the examples of RFC 7208 §7.4 (the RFC's Appendix A
 * examples), transformers, escapes and the 253-octet rule of §7.3. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "spf/macro.h"
#include "util/arena.h"

/* Parameters reach the test process by copy: text, not pointers. */
struct example {
	char macro[40];
	char expansion[96];
	bool ipv6;
};

static struct spf_macro_ctx
rfc_context(struct ip_addr *ip, bool v6)
{
	struct spf_macro_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.sender = "strong-bad@email.example.com";
	ctx.local_part = "strong-bad";
	ctx.sender_domain = "email.example.com";
	ctx.domain = "email.example.com";
	cr_assert(ip_parse(v6 ? "2001:db8::cb01" : "192.0.2.3", ip));
	ctx.ip = ip;
	ctx.ptr_name = "mx.example.org";
	ctx.helo = "mx.example.org";
	ctx.now = 1700000000;
	return ctx;
}

ParameterizedTestParameters(spf_macro, rfc7208_examples)
{
	static struct example cases[] = {
		{ "%{s}", "strong-bad@email.example.com", false },
		{ "%{o}", "email.example.com", false },
		{ "%{d}", "email.example.com", false },
		{ "%{d4}", "email.example.com", false },
		{ "%{d3}", "email.example.com", false },
		{ "%{d2}", "example.com", false },
		{ "%{d1}", "com", false },
		{ "%{dr}", "com.example.email", false },
		{ "%{d2r}", "example.email", false },
		{ "%{l}", "strong-bad", false },
		{ "%{l-}", "strong.bad", false },
		{ "%{lr}", "strong-bad", false },
		{ "%{lr-}", "bad.strong", false },
		{ "%{l1r-}", "strong", false },
		{ "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com",
		    false },
		{ "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com",
		    false },
		{ "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
		    "bad.strong.lp.3.2.0.192.in-addr._spf.example.com", false },
		{ "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
		    "3.2.0.192.in-addr.strong.lp._spf.example.com", false },
		{ "%{d2}.trusted-domains.example.net",
		    "example.com.trusted-domains.example.net", false },
		{ "%{ir}.%{v}._spf.%{d2}", "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
		    ".0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com", true },
	};

	return cr_make_param_array(struct example, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct example *c, spf_macro, rfc7208_examples)
{
	struct arena *a = arena_create();
	struct ip_addr ip;
	struct spf_macro_ctx ctx = rfc_context(&ip, c->ipv6);
	char *out = NULL;

	cr_assert_eq(spf_macro_expand(a, c->macro, strlen(c->macro), &ctx,
	    false, &out), SPF_MACRO_OK, "%s", c->macro);
	cr_assert_str_eq(out, c->expansion, "%s", c->macro);
	arena_destroy(a);
}

static char *
expand(struct arena *a, const char *spec, bool explain, bool v6)
{
	struct ip_addr ip;
	struct spf_macro_ctx ctx = rfc_context(&ip, v6);
	char *out = NULL;

	cr_assert_eq(spf_macro_expand(a, spec, strlen(spec), &ctx, explain,
	    &out), SPF_MACRO_OK, "%s", spec);
	return out;
}

Test(spf_macro, escapes_and_url_encoding)
{
	struct arena *a = arena_create();

	cr_assert_str_eq(expand(a, "100%%%_sure%-x", false, false),
	    "100% sure%20x");
	cr_assert_str_eq(expand(a, "%{S}", false, false),
	    "strong-bad%40email.example.com");
	cr_assert_str_eq(expand(a, "%{L}", false, false), "strong-bad");
	cr_assert_str_eq(expand(a, "%{D2R}", false, false), "example.email");
	arena_destroy(a);
}

Test(spf_macro, explanation_letters)
{
	struct arena *a = arena_create();

	cr_assert_str_eq(expand(a, "%{c} is %{i}", true, false),
	    "192.0.2.3 is 192.0.2.3");
	cr_assert_str_eq(expand(a, "%{c}", true, true), "2001:db8::cb01");
	cr_assert_str_eq(expand(a, "%{r} at %{t}", true, false),
	    "unknown at 1700000000");
	arena_destroy(a);
}

Test(spf_macro, explanation_letters_are_errors_in_domain_specs)
{
	struct arena *a = arena_create();
	struct ip_addr ip;
	struct spf_macro_ctx ctx = rfc_context(&ip, false);
	char *out = NULL;

	cr_assert_eq(spf_macro_expand(a, "%{c}.x", 6, &ctx, false, &out),
	    SPF_MACRO_SYNTAX);
	cr_assert_eq(spf_macro_expand(a, "%{t}.x", 6, &ctx, false, &out),
	    SPF_MACRO_SYNTAX);
	arena_destroy(a);
}

Test(spf_macro, syntax_errors)
{
	static const char *bad[] = { "%{d0}", "%{x}", "%{d", "%z", "%",
	    "%{}", "%{d2rr}" };
	struct arena *a = arena_create();
	struct ip_addr ip;
	struct spf_macro_ctx ctx = rfc_context(&ip, false);
	size_t i;
	char *out = NULL;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(spf_macro_expand(a, bad[i], strlen(bad[i]), &ctx,
		    false, &out), SPF_MACRO_SYNTAX, "%s", bad[i]);
	}
	arena_destroy(a);
}

Test(spf_macro, unknown_values_are_reported_not_guessed)
{
	struct arena *a = arena_create();
	struct spf_macro_ctx ctx;
	char *out = NULL;

	memset(&ctx, 0, sizeof(ctx));
	ctx.domain = "example.com";
	ctx.now = -1;
	cr_assert_eq(spf_macro_expand(a, "%{d}", 4, &ctx, false, &out),
	    SPF_MACRO_OK);
	cr_assert_str_eq(out, "example.com");
	cr_assert_eq(spf_macro_expand(a, "%{i}.%{d}", 9, &ctx, false, &out),
	    SPF_MACRO_UNKNOWN);
	cr_assert_eq(spf_macro_expand(a, "%{l}", 4, &ctx, false, &out),
	    SPF_MACRO_UNKNOWN);
	cr_assert_eq(spf_macro_expand(a, "%{p}", 4, &ctx, false, &out),
	    SPF_MACRO_UNKNOWN);
	arena_destroy(a);
}

Test(spf_macro, huge_digit_transformers_use_all_parts)
{
	struct arena *a = arena_create();

	cr_assert_str_eq(expand(a, "%{d99999999999999999999}", false, false),
	    "email.example.com");
	arena_destroy(a);
}

/* A local-part may hold more delimiters than a name has labels: the
 * rightmost parts are kept however many there are. */
Test(spf_macro, values_with_hundreds_of_parts_keep_the_rightmost)
{
	struct arena *a = arena_create();
	struct ip_addr ip;
	struct spf_macro_ctx ctx = rfc_context(&ip, false);
	char local[64 * 5 + 8];
	char *out = NULL;
	size_t i;

	for (i = 0; i < 64 * 5; i++) {
		local[i] = '-';
	}
	memcpy(local + 64 * 5, "x-last", 7);
	ctx.local_part = local;
	cr_assert_eq(spf_macro_expand(a, "%{l1-}", 6, &ctx, false, &out),
	    SPF_MACRO_OK);
	cr_assert_str_eq(out, "last");
	cr_assert_eq(spf_macro_expand(a, "%{l2r-}", 7, &ctx, false, &out),
	    SPF_MACRO_OK);
	cr_assert_str_eq(out, ".");
	arena_destroy(a);
}

Test(spf_macro, long_names_lose_labels_from_the_left)
{
	char name[400];
	const char *t;
	size_t i;

	for (i = 0; i < 60; i++) {
		memcpy(name + i * 5, "abcd.", 5);
	}
	memcpy(name + 300, "example.com", 12);
	t = spf_macro_truncate_domain(name);
	cr_assert_leq(strlen(t), 253);
	cr_assert_gt(strlen(t), 248);
	cr_assert_str_eq(t + strlen(t) - 11, "example.com");
	cr_assert_eq(t[-1], '.');
	cr_assert_str_eq(spf_macro_truncate_domain("short.example"),
	    "short.example");
}
