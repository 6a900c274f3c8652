/* mailauth ptr: reverse DNS of a sending IP and its forward confirmation. */
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "ptr/ptr.h"
#include "report/ptr.h"
#include "util/arena.h"

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
ptr_set_option(void *opts, int key, const char *arg, const char **err)
{
	struct ptr_opts *o = opts;

	switch (key) {
	case OPT_HELO: o->helo = arg; return 0;
	case OPT_DOMAIN: o->domain = arg; return 0;
	}
	*err = "unknown option";
	return -1;
}

struct ptr_state {
	struct run_ctx *rc;
	struct ip_addr ip;
	const struct ptr_opts *opts;
	struct arena *arena;
	struct ptr_result *result;
};

static bool
ptr_step(void *arg)
{
	struct ptr_state *st = arg;

	arena_destroy(st->arena);
	st->arena = arena_create();
	st->result = ptr_check(st->arena, run_lookup, st->rc->res,
	    run_psl(st->rc), &st->ip, st->opts->helo, st->opts->domain);
	return st->result->pending == 0;
}

static int
ptr_start(struct run_ctx *rc, void *opts, void *state, int argc, char **argv)
{
	struct ptr_state *st = state;

	st->rc = rc;
	st->opts = opts;
	if (argc != 1) {
		return run_usage(rc, argc == 0 ? "ptr: missing IP" :
		    "ptr: expected one IP, got %d arguments", argc);
	}
	if (run_ip_arg(rc, argv[0], &st->ip) != 0 ||
	    run_helo_arg(rc, st->opts->helo) != 0) {
		return EXIT_USAGE;
	}
	if (st->opts->domain != NULL &&
	    run_domain_arg(rc, st->opts->domain) == NULL) {
		return EXIT_USAGE;
	}
	return 0;
}

static int
ptr_conclude(void *state)
{
	struct ptr_state *st = state;
	struct finding_tally t = { 0, 0, 0, false };

	ptr_lint(st->arena, st->result);
	finding_tally(&st->result->findings, &t);
	return run_exit_code(&t);
}

static void
ptr_text(void *state)
{
	struct ptr_state *st = state;

	report_ptr_text(st->rc->out, &st->rc->style, st->result);
}

static void
ptr_brief(void *state, int code)
{
	struct ptr_state *st = state;

	report_ptr_brief(st->rc->out, &st->rc->style, run_verdict(code),
	    st->result);
}

static cJSON *
ptr_json(void *state)
{
	return report_ptr_json(((struct ptr_state *)state)->result);
}

static void
ptr_release(void *state)
{
	struct ptr_state *st = state;

	arena_destroy(st->arena);
	st->arena = NULL;
}

static const struct command_ops ptr_ops = {
	.state_size = sizeof(struct ptr_state),
	.start = ptr_start,
	.batch_start = ptr_start,
	.step = ptr_step,
	.conclude = ptr_conclude,
	.text = ptr_text,
	.brief = ptr_brief,
	.json = ptr_json,
	.release = ptr_release,
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
