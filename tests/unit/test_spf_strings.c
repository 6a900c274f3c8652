/* TXT character-strings: joining, glue detection, splitting, quoting. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dns/txt.h"
#include "spf/strings.h"
#include "util/arena.h"

static struct dns_txt
txt(struct dns_bytes *parts, const char **strings, size_t n)
{
	struct dns_txt rr;
	size_t i;

	for (i = 0; i < n; i++) {
		parts[i].data = (const unsigned char *)strings[i];
		parts[i].len = strlen(strings[i]);
	}
	rr.strings = parts;
	rr.nstrings = n;
	return rr;
}

Test(spf_strings, join_has_no_separator)
{
	struct arena *a = arena_create();
	struct dns_bytes parts[3];
	const char *s[] = { "v=spf1 ", "a", " -all" };
	struct dns_txt rr = txt(parts, s, 3);
	size_t len;

	cr_assert_str_eq(dns_txt_join(a, &rr, &len), "v=spf1 a -all");
	cr_assert_eq(len, 13);
	arena_destroy(a);
}

Test(spf_strings, glue_between_two_terms)
{
	struct dns_bytes parts[3];
	const char *bad[] = { "v=spf1 a", "mx -all" };
	const char *mid[] = { "v=spf1 include:_spf.goo", "gle.com -all" };
	const char *ok[] = { "v=spf1 a", " mx -all" };
	struct dns_txt rr;
	size_t off[4];

	rr = txt(parts, bad, 2);
	cr_assert_eq(spf_txt_glued(&rr, off, 4), 1);
	cr_assert_eq(off[0], 8);
	rr = txt(parts, mid, 2);
	cr_assert_eq(spf_txt_glued(&rr, off, 4), 0);
	rr = txt(parts, ok, 2);
	cr_assert_eq(spf_txt_glued(&rr, off, 4), 0);
}

Test(spf_strings, version_glued)
{
	struct dns_bytes parts[2];
	const char *bad[] = { "v=spf1", "ip4:192.0.2.1 -all" };
	const char *ok[] = { "v=spf1", " ip4:192.0.2.1 -all" };
	struct dns_txt rr;

	rr = txt(parts, bad, 2);
	cr_assert(spf_txt_version_glued(&rr));
	rr = txt(parts, ok, 2);
	cr_assert_not(spf_txt_version_glued(&rr));
}

Test(spf_strings, split_at_term_boundaries)
{
	struct arena *a = arena_create();
	char text[1200];
	struct dns_bytes *parts;
	size_t n, i, pos = 0, total = 0;

	pos = (size_t)snprintf(text, sizeof(text), "v=spf1");
	for (i = 0; i < 50; i++) {
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos,
		    " ip4:203.0.113.%zu", i);
	}
	n = dns_txt_split(a, text, pos, 255, &parts);
	cr_assert_gt(n, 2);
	for (i = 0; i < n; i++) {
		cr_assert_leq(parts[i].len, 255);
		total += parts[i].len;
		if (i + 1 < n) {
			cr_assert_eq(parts[i].data[parts[i].len - 1], ' ');
		}
	}
	cr_assert_eq(total, pos);
	arena_destroy(a);
}

Test(spf_strings, split_cuts_a_term_longer_than_a_string)
{
	struct arena *a = arena_create();
	char text[600];
	struct dns_bytes *parts;
	size_t n;

	memset(text, 'x', sizeof(text));
	n = dns_txt_split(a, text, sizeof(text), 255, &parts);
	cr_assert_eq(n, 3);
	cr_assert_eq(parts[0].len, 255);
	cr_assert_eq(parts[2].len, 90);
	arena_destroy(a);
}

Test(spf_strings, quote_like_a_zone_file)
{
	struct arena *a = arena_create();
	struct dns_bytes parts[2];
	const char *s[] = { "a \"b\" \\", "c\x01" };
	struct dns_txt rr = txt(parts, s, 2);

	cr_assert_str_eq(dns_txt_quote(a, rr.strings, rr.nstrings),
	    "\"a \\\"b\\\" \\\\\" \"c\\001\"");
	arena_destroy(a);
}
