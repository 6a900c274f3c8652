/* mailauth ptr: reverse DNS of a sending IP and its forward confirmation. */
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "ptr/ptr.h"
#include "report/ptr.h"

enum ptr_key {
	OPT_HELO = 'e',
	OPT_DOMAIN = 3000,
};

struct ptr_opts {
	const char *helo;
	const char *domain;
};

static const struct option ptr_longopts[] = {
	{ "helo", required_argument, NULL, OPT_HELO },
	{ "domain", required_argument, NULL, OPT_DOMAIN },
	{ NULL, 0, NULL, 0 },
};

static int
ptr_set_option(void *opts, int key, const char *arg,
    struct error *err)
{
	struct ptr_opts *o = opts;

	switch (key) {
	case OPT_HELO: o->helo = arg; return 0;
	case OPT_DOMAIN: o->domain = arg; return 0;
	}
	return error_set(err, "unknown option");
}

struct ptr_state {
	struct cmd_state head;
	struct ip_addr ip;
	const struct ptr_opts *opts;
	struct ptr_result *result;
};

static bool
ptr_step(struct cmd_state *s)
{
	struct ptr_state *st = (struct ptr_state *)s;

	st->result = ptr_check(run_pass(s), run_lookup, s->rc->res,
	    run_psl(s->rc), &st->ip, st->opts->helo, st->opts->domain);
	return st->result->pending == 0;
}

static int
ptr_start(struct run_ctx *rc, const void *opts, void *state, int argc,
    char **argv)
{
	struct ptr_state *st = run_begin(state, rc);

	st->opts = opts;
	if (run_one_argument(&st->head, argc, "ptr", "IP", "") != 0 ||
	    run_ip_arg(&st->head, argv[0], &st->ip) != 0 ||
	    run_helo_arg(&st->head, st->opts->helo) != 0) {
		return EXIT_USAGE;
	}
	if (st->opts->domain != NULL &&
	    run_domain_arg(&st->head, st->opts->domain) == NULL) {
		return EXIT_USAGE;
	}
	return 0;
}

static int
ptr_conclude(struct cmd_state *s)
{
	struct ptr_state *st = (struct ptr_state *)s;
	struct finding_tally t = { 0, 0, 0, VERDICT_PASS };

	ptr_lint(s->pass, st->result);
	finding_tally(&st->result->findings, &t);
	return run_exit_status(t.verdict);
}

static void
ptr_text(const struct cmd_state *s, FILE *f, const struct text_style *style)
{
	report_ptr_text(f, style, ((const struct ptr_state *)s)->result);
}

static void
ptr_brief(const struct cmd_state *s, FILE *f, const struct text_style *style,
    int code)
{
	report_ptr_brief(f, style, run_verdict(code),
	    ((const struct ptr_state *)s)->result);
}

static cJSON *
ptr_json(const struct cmd_state *s)
{
	return report_ptr_json(((const struct ptr_state *)s)->result);
}

static const struct command_ops ptr_ops = {
	.state_size = sizeof(struct ptr_state),
	.start = ptr_start,
	.step = ptr_step,
	.conclude = ptr_conclude,
	.text = ptr_text,
	.brief = ptr_brief,
	.json = ptr_json,
};

const struct command cmd_ptr = {
	.name = "ptr",
	.summary = "check an IP's reverse DNS and its forward confirmation",
	.usage = "ptr [OPTIONS] IP",
	.help =
	    "  -e, --helo NAME     does a PTR name match this HELO name?\n"
	    "  --domain DOMAIN     is a confirmed PTR name inside DOMAIN?\n",
	.shortopts = "e:",
	.longopts = ptr_longopts,
	.opts_size = sizeof(struct ptr_opts),
	.set_option = ptr_set_option,
	.ops = &ptr_ops,
};
