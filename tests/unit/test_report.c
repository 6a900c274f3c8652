/* The renderers write to any FILE *: here into open_memstream(), from a
 * walk built on examples/gmail.zone, compared with the golden file the
 * integration suite compares the binary's output with
 * (tests/integration/golden/); and a batch's progress line and summary,
 * which go to standard error. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dns/zonefile.h"
#include "report/batch.h"
#include "report/spf.h"
#include "report/text.h"
#include "spf/lint.h"
#include "spf/walk.h"
#include "util/arena.h"
#include "util/error.h"

static struct arena *a;
static struct dns_zoneset *zs;

static void
setup(void)
{
	struct error err;

	a = arena_create();
	zs = dns_zoneset_create();
	cr_assert_eq(dns_zoneset_load_file(zs, SOURCE_ROOT
	    "/examples/gmail.zone", &err), 0, "%s", err.msg);
}

static void
teardown(void)
{
	dns_zoneset_destroy(zs);
	arena_destroy(a);
}

TestSuite(report, .init = setup, .fini = teardown);

static const struct dns_answer *
zone_lookup(void *ctx, const char *name, enum dns_type type)
{
	const struct dns_answer *ans = dns_zoneset_answer(ctx, a, name, type);

	cr_assert_not_null(ans, "%s is outside the example zone", name);
	return ans;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc((size_t)len + 1, 1);
	cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}

static struct spf_walk *
gmail_walk(void)
{
	struct spf_walk *w = spf_walk_build(a, zone_lookup, zs, "gmail.com",
	    NULL);

	cr_assert_eq(w->pending, 0);
	spf_lint(a, w);
	return w;
}

Test(report, spf_tree_into_a_memory_stream)
{
	struct text_style style = { .color = false, .ascii = true };
	char *out = NULL, *golden;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	report_spf_text(f, &style, gmail_walk());
	cr_assert_eq(fclose(f), 0);
	golden = slurp(SOURCE_ROOT "/tests/integration/golden/spf-gmail.txt");
	cr_assert_str_eq(out, golden);
	free(golden);
	free(out);
}

/* The golden file is the JSON re-printed with an indent: printed alike,
 * the two are the same document, key order included. */
Test(report, spf_json_is_the_golden_document)
{
	cJSON *doc = report_spf_json("gmail.com", gmail_walk());
	char *golden = slurp(SOURCE_ROOT
	    "/tests/integration/golden/spf-tree-gmail.json");
	cJSON *want = cJSON_Parse(golden);
	char *got_text, *want_text;

	cr_assert_not_null(want);
	got_text = cJSON_PrintUnformatted(doc);
	want_text = cJSON_PrintUnformatted(want);
	cr_assert_str_eq(got_text, want_text);
	cJSON_free(got_text);
	cJSON_free(want_text);
	cJSON_Delete(want);
	cJSON_Delete(doc);
	free(golden);
}

/* What a renderer writes into a memory stream, NUL-terminated; the
 * caller frees it. */
static char *
render_batch(const struct batch_progress *p, const struct batch_summary *sum)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (p != NULL) {
		report_batch_progress(f, p);
	}
	if (sum != NULL) {
		report_batch_summary(f, sum);
	}
	cr_assert_eq(fclose(f), 0);
	return out;
}

Test(report, batch_progress_line)
{
	struct batch_progress p = { .handled = 100, .total = 1000,
	    .active = 32, .rate = 50, .window = 64 };
	char *out = render_batch(&p, NULL);

	cr_assert_str_eq(out, "\r100/1000 lines, 32 in progress, 50 lines/s, "
	    "window 64, ETA 18 s\033[K");
	free(out);
	p.total = 0;	/* standard input: no total, no ETA */
	out = render_batch(&p, NULL);
	cr_assert_str_eq(out, "\r100 lines, 32 in progress, 50 lines/s, "
	    "window 64\033[K");
	free(out);
}

Test(report, batch_summary)
{
	struct batch_summary sum = { .answered = 3, .dns_failures = 1,
	    .input_errors = 1, .resumed = true, .skipped = 2, .queries = 22,
	    .retries = 2, .smallest_window = 32, .largest_window = 64,
	    .seconds = 1.25 };
	char *out = render_batch(NULL, &sum);

	cr_assert_str_eq(out, "mailauth: 5 lines: 3 answered, 1 DNS failures, "
	    "1 input errors, 2 skipped (answered before); 22 queries, 2 "
	    "retries; window 32-64; 1.2 s\n");
	free(out);
	sum.resumed = false;
	sum.over_progress = true;	/* the progress line is erased first */
	out = render_batch(NULL, &sum);
	cr_assert_str_eq(out, "\r\033[Kmailauth: 5 lines: 3 answered, 1 DNS "
	    "failures, 1 input errors; 22 queries, 2 retries; window 32-64; "
	    "1.2 s\n");
	free(out);
}
