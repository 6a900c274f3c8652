/* mailauth dmarc: policy discovery and the record's findings. */
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "dmarc/discover.h"
#include "dmarc/psl.h"
#include "report/dmarc.h"
#include "util/arena.h"

static const struct option dmarc_longopts[] = {
	{ NULL, 0, NULL, 0 },
};

struct dmarc_state {
	struct run_ctx *rc;
	const char *domain;
	struct dmarc_psl *psl;
	struct arena *arena;
	struct dmarc_result *result;
};

static bool
dmarc_step(void *arg)
{
	struct dmarc_state *st = arg;

	arena_destroy(st->arena);
	st->arena = arena_create();
	st->result = dmarc_discover(st->arena, run_lookup, st->rc->res,
	    st->psl, st->domain);
	return st->result->pending == 0;
}

static int
dmarc_run(struct run_ctx *rc, void *opts, int argc, char **argv)
{
	struct dmarc_state st;
	struct finding_tally t = { 0, 0, 0, false };
	int code;

	(void)opts;
	memset(&st, 0, sizeof(st));
	st.rc = rc;
	if (argc != 1) {
		return run_usage(rc, argc == 0 ? "dmarc: missing DOMAIN" :
		    "dmarc: expected one DOMAIN, got %d arguments", argc);
	}
	st.domain = run_domain_arg(rc, argv[0]);
	if (st.domain == NULL) {
		return EXIT_USAGE;
	}
	st.psl = dmarc_psl_create();
	run_until_complete(rc, dmarc_step, &st);
	dmarc_lint(st.arena, st.result);
	finding_tally(&st.result->findings, &t);
	code = run_exit_code(&t);
	if (rc->g->json) {
		if (run_emit_json(rc, report_dmarc_json(st.result)) != 0) {
			code = EXIT_DNS;
		}
	} else {
		report_dmarc_text(rc->out, &rc->style, st.result);
	}
	run_trace_summary(rc);
	arena_destroy(st.arena);
	dmarc_psl_destroy(st.psl);
	return code;
}

const struct command cmd_dmarc = {
	.name = "dmarc",
	.summary = "find a domain's DMARC policy (RFC 9989 tree walk)",
	.usage = "dmarc [OPTIONS] DOMAIN",
	.help = "  (no options of its own)\n",
	.shortopts = "",
	.longopts = dmarc_longopts,
	.opts_size = 0,
	.set_option = NULL,
	.run = dmarc_run,
};
