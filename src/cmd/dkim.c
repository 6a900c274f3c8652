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
dkim_set_option(void *opts, int key, const char *arg,
    struct error *err)
{
	struct dkim_opts *o = opts;

	switch (key) {
	case OPT_SELECTOR:
		if (o->nselectors == DKIM_MAX_SELECTORS) {
			return error_set(err, "too many -s selectors (at most "
			    "%d)", DKIM_MAX_SELECTORS);
		}
		o->selectors[o->nselectors++] = arg;
		return 0;
	case OPT_VERIFY:
		o->verify = arg;
		return 0;
	}
	return error_set(err, "unknown option");
}

struct dkim_state {
	struct cmd_state head;
	const char *domain;		/* NULL with --verify alone */
	const char *sels[DKIM_MAX_SELECTORS];	/* -s, and the one of a
						 * SELECTOR._domainkey name */
	size_t nsels;			/* 0: probe the built-in list */
	const struct dkim_message *msg;	/* --verify */
	long long now;
	struct dkim_probe *probe;
	struct dkim_verification *verification;
};

static bool
dkim_step(struct cmd_state *s)
{
	struct dkim_state *st = (struct dkim_state *)s;
	struct arena *a = run_pass(s);
	size_t pending = 0;

	if (st->domain != NULL) {
		st->probe = dkim_probe_run(a, run_lookup, s->rc->res,
		    st->domain, st->nsels ? st->sels : NULL, st->nsels);
		pending += st->probe->pending;
	}
	if (st->msg != NULL) {
		st->verification = dkim_verify(a, run_lookup, s->rc->res,
		    st->msg, st->now);
		pending += st->verification->pending;
	}
	return pending == 0;
}

/* DOMAIN, or SELECTOR._domainkey.DOMAIN as dig users write it: the
 * selector joins those of -s (once). */
static int
domain_argument(struct dkim_state *st, const char *arg)
{
	char *lower = arena_strdup(st->head.arena, arg);
	const char *mark, *sel;
	size_t i;

	for (i = 0; lower[i] != '\0'; i++) {
		lower[i] = (char)tolower((unsigned char)lower[i]);
	}
	mark = strstr(lower, "._domainkey.");
	mark = mark ? arg + (mark - lower) : NULL;

	/* _domainkey.DOMAIN: the selector is missing from the key name. */
	if (strncmp(lower, "_domainkey.", strlen("_domainkey.")) == 0) {
		return run_usage(st->head.rc, "invalid domain '%s': the "
		    "_domainkey name of %s; give %s as the domain, with -s %s",
		    safe_str(st->head.arena, arg), safe_str(st->head.arena,
		    arg + 11), safe_str(st->head.arena, arg + 11), st->nsels ?
		    safe_str(st->head.arena, st->sels[0]) : "SELECTOR");
	}
	if (mark != NULL && st->nsels < DKIM_MAX_SELECTORS) {
		sel = arena_memdup(st->head.arena, arg, (size_t)(mark - arg));
		for (i = 0; i < st->nsels && strcmp(st->sels[i], sel) != 0;
		    i++) {
		}
		if (i == st->nsels) {
			st->sels[st->nsels++] = sel;
		}
		arg = mark + strlen("._domainkey.");
	}
	st->domain = run_domain_arg(&st->head, arg);
	return st->domain ? 0 : EXIT_USAGE;
}

static int
dkim_start(struct run_ctx *rc, const void *opts, void *state, int argc,
    char **argv)
{
	const struct dkim_opts *o = opts;
	struct dkim_state *st = run_begin(state, rc);

	st->now = (long long)time(NULL);
	if (argc > 1 || (argc == 0 && o->verify == NULL)) {
		return run_one_argument(&st->head, argc, "dkim", "DOMAIN",
		    " (or --verify FILE)");
	}
	memcpy(st->sels, o->selectors, o->nselectors * sizeof(st->sels[0]));
	st->nsels = o->nselectors;
	if ((argc == 1 && domain_argument(st, argv[0]) != 0) ||
	    run_selectors_arg(&st->head, st->sels, st->nsels,
	    argc == 1 ? st->domain : NULL) != 0) {
		return EXIT_USAGE;
	}
	if (o->verify != NULL && run_read_message(&st->head, o->verify,
	    &st->msg) != 0) {
		return EXIT_USAGE;
	}
	return 0;
}

/* A batch line is "DOMAIN [SELECTOR ...]" (no selector: the probe). */
static int
dkim_batch_start(struct run_ctx *rc, const void *opts, void *state, int n,
    char **fields)
{
	struct dkim_opts copy = *(const struct dkim_opts *)opts;
	int i;

	copy.verify = NULL;
	for (i = 1; i < n && copy.nselectors < DKIM_MAX_SELECTORS; i++) {
		copy.selectors[copy.nselectors++] = fields[i];
	}
	return dkim_start(rc, &copy, state, n > 0 ? 1 : 0, fields);
}

static int
dkim_conclude(struct cmd_state *s)
{
	struct dkim_state *st = (struct dkim_state *)s;
	struct finding_tally t = { 0, 0, 0, VERDICT_PASS };
	size_t i;

	if (st->probe != NULL) {
		dkim_probe_lint(s->pass, st->probe);
		finding_tally(&st->probe->findings, &t);
		for (i = 0; i < st->probe->nsels; i++) {
			finding_tally(&st->probe->sels[i].findings, &t);
		}
	}
	if (st->verification != NULL) {
		dkim_verify_lint(s->pass, st->verification);
		finding_tally(&st->verification->findings, &t);
	}
	return run_exit_status(t.verdict);
}

static void
dkim_text(const struct cmd_state *s, FILE *f, const struct text_style *style)
{
	const struct dkim_state *st = (const struct dkim_state *)s;

	report_dkim_text(f, style, st->probe, st->verification);
}

static void
dkim_brief(const struct cmd_state *s, FILE *f,
    const struct text_style *style, int code)
{
	const struct dkim_state *st = (const struct dkim_state *)s;

	report_dkim_brief(f, style, run_verdict(code), st->domain, st->probe,
	    st->verification);
}

static cJSON *
dkim_json(const struct cmd_state *s)
{
	const struct dkim_state *st = (const struct dkim_state *)s;

	return report_dkim_json(st->domain, st->probe, st->verification);
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
