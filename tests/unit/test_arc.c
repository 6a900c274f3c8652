/* ARC chain structure (RFC 8617 §5.2 steps 1-3): what fails before any
 * key is asked for. The signatures themselves are checked by the
 * ValiMail suite through the binary (tests/conformance). */
#include <criterion/criterion.h>
#include <string.h>

#include "arc/arc.h"
#include "util/arena.h"
#include "util/strbuf.h"

static struct arena *a;
static size_t asked;

static void setup(void) { a = arena_create(); asked = 0; }
static void teardown(void) { arena_destroy(a); }

TestSuite(arc, .init = setup, .fini = teardown);

static const struct dns_answer *
no_such_name(void *ctx, const char *name, enum dns_type type)
{
	asked++;
	return dns_answer_without_response(ctx, name, type, DNS_ANS_NXDOMAIN,
	    NULL);
}

/* One ARC Set of instance i, with cv. */
static void
add_set(struct strbuf *sb, int i, const char *cv)
{
	strbuf_addf(sb, "ARC-Seal: i=%d; a=rsa-sha256; cv=%s; d=example.org; "
	    "s=sel; b=AAAA\r\n", i, cv);
	strbuf_addf(sb, "ARC-Message-Signature: i=%d; a=rsa-sha256; "
	    "c=relaxed/relaxed; d=example.org; s=sel; h=from; bh=AAAA; "
	    "b=AAAA\r\n", i);
	strbuf_addf(sb, "ARC-Authentication-Results: i=%d; example.org; "
	    "spf=pass\r\n", i);
}

static struct arc_result *
validate(struct strbuf *sb)
{
	struct dkim_message *m;

	strbuf_adds(sb, "From: a@example.com\r\n\r\nbody\r\n");
	m = dkim_message_parse(a, sb->buf, sb->len);
	cr_assert_not_null(m);
	return arc_validate(a, no_such_name, a, m, 1700000000);
}

Test(arc, no_set_is_none)
{
	struct strbuf sb = STRBUF_INIT;
	struct arc_result *r = validate(&sb);

	cr_assert_eq(r->chain, ARC_CHAIN_NONE);
	cr_assert_eq(r->n, 0);
	cr_assert_eq(asked, 0);
	strbuf_finish(&sb);
}

Test(arc, more_than_fifty_instances_fail)
{
	struct strbuf sb = STRBUF_INIT;
	struct arc_result *r;
	int i;

	for (i = 51; i >= 1; i--) {
		add_set(&sb, i, i == 1 ? "none" : "pass");
	}
	r = validate(&sb);
	cr_assert_eq(r->chain, ARC_CHAIN_FAIL);
	/* RFC 8617 §5.2 step 1: 51 Sets, more than 50. */
	cr_assert(strstr(r->reason, "51 ARC Sets") != NULL, "%s", r->reason);
	cr_assert(strstr(r->reason, "§5.2 step 1") != NULL, "%s", r->reason);
	cr_assert_eq(r->n, 51);
	cr_assert_eq(r->nsets, 0);
	cr_assert_eq(r->oldest_pass, -1);
	cr_assert_eq(asked, 0);
	strbuf_finish(&sb);
}

Test(arc, gaps_duplicates_and_cv)
{
	struct strbuf gap = STRBUF_INIT, dup = STRBUF_INIT, cv = STRBUF_INIT;
	struct strbuf last = STRBUF_INIT;
	struct arc_result *r;

	add_set(&gap, 3, "pass");
	add_set(&gap, 1, "none");
	r = validate(&gap);
	cr_assert_eq(r->chain, ARC_CHAIN_FAIL);
	cr_assert(strstr(r->reason, "instance 2 has 0") != NULL, "%s",
	    r->reason);
	add_set(&dup, 1, "none");
	add_set(&dup, 1, "none");
	cr_assert_eq(validate(&dup)->chain, ARC_CHAIN_FAIL);
	add_set(&cv, 2, "pass");
	add_set(&cv, 1, "pass");
	r = validate(&cv);
	cr_assert(strstr(r->reason, "cv=pass, not none") != NULL, "%s",
	    r->reason);
	add_set(&last, 2, "fail");
	add_set(&last, 1, "none");
	r = validate(&last);
	cr_assert_eq(r->chain, ARC_CHAIN_FAIL);
	cr_assert(strstr(r->reason, "step 2") != NULL, "%s", r->reason);
	cr_assert_eq(asked, 0);
	strbuf_finish(&gap);
	strbuf_finish(&dup);
	strbuf_finish(&cv);
	strbuf_finish(&last);
}

Test(arc, keys_are_asked_at_once_and_missing_keys_fail)
{
	struct strbuf sb = STRBUF_INIT;
	struct arc_result *r;

	add_set(&sb, 2, "pass");
	add_set(&sb, 1, "none");
	r = validate(&sb);
	cr_assert_eq(asked, 4);
	cr_assert_eq(r->pending, 0);
	cr_assert_eq(r->chain, ARC_CHAIN_FAIL);
	cr_assert(strstr(r->reason, "key not found") != NULL, "%s",
	    r->reason);
	strbuf_finish(&sb);
}
