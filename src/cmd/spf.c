/* mailauth spf: the SPF tree walk (issue 2). */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "dns/resolver.h"
#include "dns/zonefile.h"
#include "report/spf.h"
#include "spf/lint.h"
#include "spf/walk.h"
#include "util/arena.h"
#include "util/safe.h"

enum spf_key {
	OPT_RECORD = 2000,
};

struct spf_opts {
	const char *record;	/* --record: a draft to test */
};

static const struct option spf_longopts[] = {
	{ "record", required_argument, NULL, OPT_RECORD },
	{ NULL, 0, NULL, 0 },
};

static int
spf_set_option(void *opts, int key, const char *arg, const char **err)
{
	struct spf_opts *o = opts;

	switch (key) {
	case OPT_RECORD:
		o->record = arg;
		return 0;
	}
	*err = "unknown option";
	return -1;
}

/* State of the walk between passes: each pass rebuilds the tree from the
 * answers so far in a fresh arena (cheap next to a network round trip). */
struct walk_state {
	struct run_ctx *rc;
	const char *domain;
	struct arena *arena;
	struct spf_walk *walk;
};

static bool
walk_step(void *arg)
{
	struct walk_state *st = arg;

	arena_destroy(st->arena);
	st->arena = arena_create();
	st->walk = spf_walk_build(st->arena, run_lookup, st->rc->res,
	    st->domain, NULL);
	return st->walk->pending == 0;
}

/* --record: the draft answers the domain's TXT question. Written like a
 * zone file's TXT data ("a" "b") it keeps its strings; plain text is one
 * string, as the user typed it. */
static int
add_draft(struct run_ctx *rc, const char *domain, const char *record)
{
	struct dns_bytes one, *strings = &one;
	const char *err = NULL;
	int n = 1;

	if (record[0] == '"') {
		n = dns_zone_parse_strings(rc->arena, record, &strings, &err);
		if (n < 0) {
			return run_usage(rc, "cannot parse --record '%s': %s",
			    safe_str(rc->arena, record), err);
		}
	} else {
		one.data = (const unsigned char *)record;
		one.len = strlen(record);
	}
	dns_resolver_add_draft_txt(rc->res, domain, strings, (size_t)n);
	return 0;
}

/* Walks the tree's findings: counts errors and notes DNS failures. */
static void
tally(const struct spf_node *node, size_t *errors, bool *dns_failure)
{
	const struct finding *f;
	size_t i;

	for (f = node->findings.head; f != NULL; f = f->next) {
		*errors += f->severity == FINDING_ERROR;
		*dns_failure |= strcmp(f->code, "spf-dns-error") == 0;
	}
	for (i = 0; i < node->nterms; i++) {
		if (node->terms[i].child != NULL) {
			tally(node->terms[i].child, errors, dns_failure);
		}
	}
}

static int
exit_code(const struct spf_walk *walk)
{
	size_t errors = finding_count(&walk->findings, FINDING_ERROR);
	bool dns_failure = false;

	tally(walk->root, &errors, &dns_failure);
	if (dns_failure) {
		return EXIT_DNS;
	}
	return errors > 0 ? EXIT_PROBLEMS : EXIT_CLEAN;
}

static int
spf_run(struct run_ctx *rc, void *opts, int argc, char **argv)
{
	struct spf_opts *o = opts;
	struct walk_state st = { rc, NULL, NULL, NULL };
	int code;

	if (argc != 1) {
		return run_usage(rc, argc == 0 ? "spf: missing DOMAIN" :
		    "spf: expected one DOMAIN, got %d arguments", argc);
	}
	st.domain = run_domain_arg(rc, argv[0]);
	if (st.domain == NULL) {
		return EXIT_USAGE;
	}
	if (o->record != NULL && add_draft(rc, st.domain, o->record) != 0) {
		return EXIT_USAGE;
	}
	run_until_complete(rc, walk_step, &st);
	spf_lint(st.arena, st.walk);
	code = exit_code(st.walk);
	if (rc->g->json) {
		if (run_emit_json(rc, report_spf_json(st.domain, st.walk)) != 0) {
			code = EXIT_DNS;
		}
	} else {
		report_spf_text(rc->out, &rc->style, st.walk);
	}
	run_trace_summary(rc);
	arena_destroy(st.arena);
	return code;
}

const struct command cmd_spf = {
	.name = "spf",
	.summary = "walk a domain's SPF record, its includes and redirects",
	.usage = "spf [OPTIONS] DOMAIN",
	.help =
	    "  --record TEXT     test a draft record for DOMAIN instead of the\n"
	    "                    published one (\"a\" \"b\" keeps the strings)\n",
	.shortopts = "",
	.longopts = spf_longopts,
	.opts_size = sizeof(struct spf_opts),
	.set_option = spf_set_option,
	.run = spf_run,
};
