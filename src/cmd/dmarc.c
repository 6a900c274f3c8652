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
	const struct dmarc_psl *psl;	/* the run's, shared */
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
dmarc_start(struct run_ctx *rc, void *opts, void *state, int argc,
    char **argv)
{
	struct dmarc_state *st = state;

	(void)opts;
	st->rc = rc;
	if (argc != 1) {
		return run_usage(rc, argc == 0 ? "dmarc: missing DOMAIN" :
		    "dmarc: expected one DOMAIN, got %d arguments", argc);
	}
	st->domain = run_domain_arg(rc, argv[0]);
	if (st->domain == NULL) {
		return EXIT_USAGE;
	}
	st->psl = run_psl(rc);
	return 0;
}

static int
dmarc_conclude(void *state)
{
	struct dmarc_state *st = state;
	struct finding_tally t = { 0, 0, 0, false };

	dmarc_lint(st->arena, st->result);
	finding_tally(&st->result->findings, &t);
	return run_exit_code(&t);
}

static void
dmarc_text(void *state)
{
	struct dmarc_state *st = state;

	report_dmarc_text(st->rc->out, &st->rc->style, st->result);
}

static void
dmarc_brief(void *state, int code)
{
	struct dmarc_state *st = state;

	report_dmarc_brief(st->rc->out, &st->rc->style, run_verdict(code),
	    st->result);
}

static cJSON *
dmarc_json(void *state)
{
	return report_dmarc_json(((struct dmarc_state *)state)->result);
}

static void
dmarc_release(void *state)
{
	struct dmarc_state *st = state;

	arena_destroy(st->arena);
	st->arena = NULL;
}

static const struct command_ops dmarc_ops = {
	.state_size = sizeof(struct dmarc_state),
	.start = dmarc_start,
	.batch_start = dmarc_start,
	.step = dmarc_step,
	.conclude = dmarc_conclude,
	.text = dmarc_text,
	.brief = dmarc_brief,
	.json = dmarc_json,
	.release = dmarc_release,
};

const struct command cmd_dmarc = {
	.name = "dmarc",
	.summary = "find a domain's DMARC policy (RFC 9989 tree walk)",
	.usage = "dmarc [OPTIONS] DOMAIN",
	.help = "  (no options of its own)\n",
	.shortopts = "",
	.longopts = dmarc_longopts,
	.opts_size = 0,
	.set_option = NULL,
	.ops = &dmarc_ops,
};
