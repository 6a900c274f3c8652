/* mailauth dkim: key records at selectors, and verifying a message. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bounds.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "dkim/selectors.h"
#include "dkim/verify.h"
#include "report/dkim.h"
#include "util/arena.h"
#include "util/safe.h"
#include "util/xalloc.h"

enum dkim_key_opt {
	OPT_SELECTOR = 's',
	OPT_VERIFY = 4000,
};

struct dkim_opts {
	const char *selectors[DKIM_MAX_SELECTORS];
	size_t nselectors;
	bool too_many;
	const char *verify;	/* --verify FILE, "-" for stdin */
};

static const struct option dkim_longopts[] = {
	{ "selector", required_argument, NULL, OPT_SELECTOR },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ NULL, 0, NULL, 0 },
};

static int
dkim_set_option(void *opts, int key, const char *arg, const char **err)
{
	struct dkim_opts *o = opts;

	switch (key) {
	case OPT_SELECTOR:
		if (o->nselectors == DKIM_MAX_SELECTORS) {
			*err = "too many -s selectors (at most 32)";
			return -1;
		}
		o->selectors[o->nselectors++] = arg;
		return 0;
	case OPT_VERIFY:
		o->verify = arg;
		return 0;
	}
	*err = "unknown option";
	return -1;
}

struct dkim_state {
	struct run_ctx *rc;
	const char *domain;		/* NULL with --verify alone */
	const char *const *selectors;	/* NULL: probe the built-in list */
	size_t nselectors;
	const struct dkim_message *msg;	/* --verify */
	long long now;
	struct arena *arena;
	struct dkim_probe *probe;
	struct dkim_verification *verification;
};

static bool
dkim_step(void *arg)
{
	struct dkim_state *st = arg;
	size_t pending = 0;

	arena_destroy(st->arena);
	st->arena = arena_create();
	if (st->domain != NULL) {
		st->probe = dkim_probe_run(st->arena, run_lookup, st->rc->res,
		    st->domain, st->selectors, st->nselectors);
		pending += st->probe->pending;
	}
	if (st->msg != NULL) {
		st->verification = dkim_verify(st->arena, run_lookup,
		    st->rc->res, st->msg, st->now);
		pending += st->verification->pending;
	}
	return pending == 0;
}

/* DOMAIN, or SELECTOR._domainkey.DOMAIN as dig users write it. */
static int
domain_argument(struct run_ctx *rc, struct dkim_opts *o, const char *arg,
    struct dkim_state *st)
{
	char *lower = arena_strdup(rc->arena, arg);
	const char *mark, *sel;
	size_t i;

	for (i = 0; lower[i] != '\0'; i++) {
		lower[i] = (char)tolower((unsigned char)lower[i]);
	}
	mark = strstr(lower, "._domainkey.");
	mark = mark ? arg + (mark - lower) : NULL;

	/* _domainkey.DOMAIN: the selector is missing from the key name. */
	if (strncmp(lower, "_domainkey.", strlen("_domainkey.")) == 0) {
		return run_usage(rc, "invalid domain '%s': the _domainkey name "
		    "of %s; give %s as the domain, with -s %s",
		    safe_str(rc->arena, arg), safe_str(rc->arena, arg + 11),
		    safe_str(rc->arena, arg + 11), o->nselectors ?
		    safe_str(rc->arena, o->selectors[0]) : "SELECTOR");
	}
	if (mark != NULL && o->nselectors < DKIM_MAX_SELECTORS) {
		sel = arena_memdup(rc->arena, arg, (size_t)(mark - arg));
		for (i = 0; i < o->nselectors &&
		    strcmp(o->selectors[i], sel) != 0; i++) {
		}
		if (i == o->nselectors) {	/* -s gave it too: once */
			o->selectors[o->nselectors++] = sel;
		}
		arg = mark + strlen("._domainkey.");
	}
	st->domain = run_domain_arg(rc, arg);
	return st->domain ? 0 : EXIT_USAGE;
}

static int
dkim_start(struct run_ctx *rc, void *opts, void *state, int argc,
    char **argv)
{
	struct dkim_opts *o = opts;
	struct dkim_state *st = state;

	st->rc = rc;
	st->now = (long long)time(NULL);
	if (argc > 1 || (argc == 0 && o->verify == NULL)) {
		return run_usage(rc, argc ? "dkim: expected one DOMAIN, got %d "
		    "arguments" : "dkim: missing DOMAIN (or --verify FILE)",
		    argc);
	}
	if ((argc == 1 && domain_argument(rc, o, argv[0], st) != 0) ||
	    run_selectors_arg(rc, o->selectors, o->nselectors,
	    argc == 1 ? st->domain : NULL) != 0) {
		return EXIT_USAGE;
	}
	if (o->verify != NULL && run_read_message(rc, o->verify,
	    &st->msg) != 0) {
		return EXIT_USAGE;
	}
	if (o->nselectors > 0) {
		st->selectors = (const char *const *)arena_memdup(rc->arena,
		    o->selectors, o->nselectors * sizeof(o->selectors[0]));
		st->nselectors = o->nselectors;
	}
	return 0;
}

/* A batch line is "DOMAIN [SELECTOR ...]" (no selector: the probe). */
static int
dkim_batch_start(struct run_ctx *rc, void *opts, void *state, int n,
    char **fields)
{
	struct dkim_opts copy = *(struct dkim_opts *)opts;
	int i;

	copy.verify = NULL;
	for (i = 1; i < n && copy.nselectors < DKIM_MAX_SELECTORS; i++) {
		copy.selectors[copy.nselectors++] = fields[i];
	}
	return dkim_start(rc, &copy, state, n > 0 ? 1 : 0, fields);
}

static int
dkim_conclude(void *state)
{
	struct dkim_state *st = state;
	struct finding_tally t = { 0, 0, 0, false };
	size_t i;

	if (st->probe != NULL) {
		dkim_probe_lint(st->arena, st->probe);
		finding_tally(&st->probe->findings, &t);
		for (i = 0; i < st->probe->nsels; i++) {
			finding_tally(&st->probe->sels[i].findings, &t);
		}
	}
	if (st->verification != NULL) {
		dkim_verify_lint(st->arena, st->verification);
		finding_tally(&st->verification->findings, &t);
	}
	return run_exit_code(&t);
}

static void
dkim_text(void *state)
{
	struct dkim_state *st = state;

	report_dkim_text(st->rc->out, &st->rc->style, st->probe,
	    st->verification);
}

static void
dkim_brief(void *state, int code)
{
	struct dkim_state *st = state;

	report_dkim_brief(st->rc->out, &st->rc->style, run_verdict(code),
	    st->domain, st->probe, st->verification);
}

static cJSON *
dkim_json(void *state)
{
	struct dkim_state *st = state;

	return report_dkim_json(st->domain, st->probe, st->verification);
}

static void
dkim_release(void *state)
{
	struct dkim_state *st = state;

	arena_destroy(st->arena);
	st->arena = NULL;
}

static const struct command_ops dkim_ops = {
	.state_size = sizeof(struct dkim_state),
	.start = dkim_start,
	.batch_start = dkim_batch_start,
	.step = dkim_step,
	.conclude = dkim_conclude,
	.text = dkim_text,
	.brief = dkim_brief,
	.json = dkim_json,
	.release = dkim_release,
};

const struct command cmd_dkim = {
	.name = "dkim",
	.summary = "check DKIM keys at selectors, or verify a message",
	.usage = "dkim [OPTIONS] DOMAIN [-s SELECTOR ...]\n"
	    "       mailauth dkim SELECTOR._domainkey.DOMAIN\n"
	    "       mailauth dkim --verify FILE",
	.help =
	    "  -s, --selector SEL  check this selector (repeatable); without\n"
	    "                      -s, probe common selectors all at once\n"
	    "  --verify FILE       verify every DKIM-Signature of the message\n"
	    "                      in FILE ('-' for standard input)\n",
	.shortopts = "s:",
	.longopts = dkim_longopts,
	.opts_size = sizeof(struct dkim_opts),
	.set_option = dkim_set_option,
	.ops = &dkim_ops,
};
