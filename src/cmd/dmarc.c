/* mailauth dmarc: policy discovery and the record's findings. */
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "dmarc/discover.h"
#include "dmarc/psl.h"
#include "report/dmarc.h"

static const struct option dmarc_longopts[] = {
	{ NULL, 0, NULL, 0 },
};

struct dmarc_state {
	struct cmd_state head;
	const char *domain;
	struct dmarc_result *result;
};

static bool
dmarc_step(struct cmd_state *s)
{
	struct dmarc_state *st = (struct dmarc_state *)s;

	st->result = dmarc_discover(run_pass(s), run_lookup, s->rc->res,
	    run_psl(s->rc), st->domain);
	return st->result->pending == 0;
}

static int
dmarc_start(struct run_ctx *rc, const void *opts, void *state, int argc,
    char **argv)
{
	struct dmarc_state *st = run_begin(state, rc);

	(void)opts;
	if (run_one_argument(&st->head, argc, "dmarc", "DOMAIN", "") != 0) {
		return EXIT_USAGE;
	}
	st->domain = run_domain_arg(&st->head, argv[0]);
	return st->domain ? 0 : EXIT_USAGE;
}

static int
dmarc_conclude(struct cmd_state *s)
{
	struct dmarc_state *st = (struct dmarc_state *)s;
	struct finding_tally t = { 0, 0, 0, VERDICT_PASS };

	dmarc_lint(s->pass, st->result);
	finding_tally(&st->result->findings, &t);
	return run_exit_status(t.verdict);
}

static void
dmarc_text(const struct cmd_state *s, FILE *f, const struct text_style *style)
{
	report_dmarc_text(f, style, ((const struct dmarc_state *)s)->result);
}

static void
dmarc_brief(const struct cmd_state *s, FILE *f,
    const struct text_style *style, int code)
{
	report_dmarc_brief(f, style, run_verdict(code),
	    ((const struct dmarc_state *)s)->result);
}

static cJSON *
dmarc_json(const struct cmd_state *s)
{
	return report_dmarc_json(((const struct dmarc_state *)s)->result);
}

static const struct command_ops dmarc_ops = {
	.state_size = sizeof(struct dmarc_state),
	.start = dmarc_start,
	.step = dmarc_step,
	.conclude = dmarc_conclude,
	.text = dmarc_text,
	.brief = dmarc_brief,
	.json = dmarc_json,
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
