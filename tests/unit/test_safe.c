/* Untrusted bytes made safe for terminals and JSON (src/util/safe.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "report/text.h"
#include "util/arena.h"
#include "util/safe.h"

static char *
safe(struct arena *a, const char *s, size_t len)
{
	return safe_text(a, s, len);
}

Test(safe, printable_text_is_kept)
{
	struct arena *a = arena_create();

	cr_assert_str_eq(safe(a, "v=spf1 -all", 11), "v=spf1 -all");
	cr_assert_str_eq(safe(a, "caf\xc3\xa9", 5), "caf\xc3\xa9");
	cr_assert(safe_is_clean("caf\xc3\xa9", 5));
	arena_destroy(a);
}

Test(safe, control_bytes_and_nul_are_escaped)
{
	struct arena *a = arena_create();

	cr_assert_str_eq(safe(a, "a\x1b[31mb", 7), "a\\x1b[31mb");
	cr_assert_str_eq(safe(a, "a\0b", 3), "a\\x00b");
	cr_assert_str_eq(safe(a, "\r\n\t\x7f", 4), "\\x0d\\x0a\\x09\\x7f");
	arena_destroy(a);
}

Test(safe, invalid_utf8_is_escaped_byte_by_byte)
{
	struct arena *a = arena_create();

	cr_assert_str_eq(safe(a, "\x80", 1), "\\x80");
	cr_assert_str_eq(safe(a, "\xc3", 1), "\\xc3");
	cr_assert_str_eq(safe(a, "\xc0\xaf", 2), "\\xc0\\xaf");	/* overlong */
	cr_assert_str_eq(safe(a, "\xed\xa0\x80", 3),
	    "\\xed\\xa0\\x80");				/* surrogate */
	cr_assert_str_eq(safe(a, "\xf4\x90\x80\x80", 4),
	    "\\xf4\\x90\\x80\\x80");			/* > U+10FFFF */
	cr_assert_str_eq(safe(a, "\xef\xbb\xbfx", 4), "\xef\xbb\xbfx");
	arena_destroy(a);
}

Test(safe, c1_controls_and_bidi_overrides_are_escaped)
{
	struct arena *a = arena_create();

	cr_assert_str_eq(safe(a, "\xc2\x9b" "31m", 5), "\\xc2\\x9b31m");
	cr_assert_str_eq(safe(a, "\xe2\x80\xae", 3), "\\xe2\\x80\\xae");
	cr_assert_str_eq(safe(a, "\xe2\x81\xa6", 3), "\\xe2\\x81\\xa6");
	arena_destroy(a);
}

Test(safe, output_is_always_clean)
{
	struct arena *a = arena_create();
	unsigned char all[256];
	char *out;
	size_t i;

	for (i = 0; i < sizeof(all); i++) {
		all[i] = (unsigned char)i;
	}
	out = safe_text(a, all, sizeof(all));
	cr_assert(safe_is_clean(out, strlen(out)));
	cr_assert_eq(strlen(out), 256 + 3 * (32 + 1 + 128));
	arena_destroy(a);
}

Test(safe, findings_are_printed_safe)
{
	struct arena *a = arena_create();
	struct finding_list list = { 0 };
	struct text_style style = { .color = false, .ascii = true };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	/* Words built from a record that holds an escape sequence. */
	finding_add(a, &list, FINDING_ERROR, "x-test", "remove \x07 it",
	    "record \x1b[31mred\x1b[0m here");
	text_findings(f, &style, &list);
	fclose(f);
	cr_assert_str_eq(out, "error: record \\x1b[31mred\\x1b[0m here "
	    "[x-test]\n  fix: remove \\x07 it\n");
	free(out);
	arena_destroy(a);
}
