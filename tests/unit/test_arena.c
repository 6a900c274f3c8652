/* The run arena and the string builder. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/arena.h"
#include "util/strbuf.h"

Test(arena, allocations_are_zeroed_and_aligned)
{
	struct arena *a = arena_create();
	size_t i;

	for (i = 1; i < 3000; i += 7) {
		unsigned char *p = arena_alloc(a, i);
		size_t j;

		cr_assert_eq((uintptr_t)p % 16, 0);
		for (j = 0; j < i; j++) {
			cr_assert_eq(p[j], 0);
		}
		memset(p, 0xff, i);
	}
	cr_assert_gt(arena_used(a), 0);
	arena_destroy(a);
}

Test(arena, large_blocks_and_strings)
{
	struct arena *a = arena_create();
	char *big = arena_alloc(a, 5 * 1024 * 1024);
	char *s = arena_memdup(a, "a\0b", 3);

	big[5 * 1024 * 1024 - 1] = 'x';
	cr_assert_eq(s[1], '\0');
	cr_assert_eq(s[2], 'b');
	cr_assert_eq(s[3], '\0');
	cr_assert_str_eq(arena_printf(a, "%d-%s", 42, "x"), "42-x");
	cr_assert_str_eq(arena_strdup(a, ""), "");
	arena_destroy(a);
	arena_destroy(NULL);
}

Test(strbuf, grows_and_detaches)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;
	size_t len, i;

	cr_assert_str_eq(strbuf_str(&sb), "");
	for (i = 0; i < 1000; i++) {
		strbuf_addc(&sb, 'x');
	}
	strbuf_addf(&sb, "%05d", 7);
	cr_assert_eq(sb.len, 1005);
	out = strbuf_detach(&sb, &len);
	cr_assert_eq(len, 1005);
	cr_assert_str_eq(out + 1000, "00007");
	cr_assert_null(sb.buf);
	free(out);
	strbuf_finish(&sb);
}
