/* mailauth spf: the SPF tree walk, and check_host() for one IP. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "dns/resolver.h"
#include "dns/zonefile.h"
#include "input.h"
#include "report/spf.h"
#include "spf/eval.h"
#include "spf/flatten.h"
#include "spf/lint.h"
#include "spf/walk.h"
#include "util/arena.h"
#include "util/safe.h"

enum spf_key {
	OPT_RECORD = 2000,
	OPT_IP = 'i',
	OPT_SENDER = 'f',
	OPT_HELO = 'e',
	OPT_FLATTEN = 2001,
};

struct spf_opts {
	const char *record;	/* --record: a draft to test */
	const char *ip;		/* --ip: evaluate for this client */
	const char *sender;	/* --sender, NULL when not given */
	const char *helo;	/* --helo */
	bool flatten;		/* --flatten */
};

/* -i/--client-ip, -f/--sender and -e/--helo are the spellings of the npm
 * mailauth CLI, which many users try first. */
static const struct option spf_longopts[] = {
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "ip", required_argument, NULL, OPT_IP },
	{ "client-ip", required_argument, NULL, OPT_IP },
	{ "sender", required_argument, NULL, OPT_SENDER },
	{ "helo", required_argument, NULL, OPT_HELO },
	{ "flatten", no_argument, NULL, OPT_FLATTEN },
	{ NULL, 0, NULL, 0 },
};

static int
spf_set_option(void *opts, int key, const char *arg,
    struct error *err)
{
	struct spf_opts *o = opts;

	switch (key) {
	case OPT_RECORD: o->record = arg; return 0;
	case OPT_IP: o->ip = arg; return 0;
	case OPT_SENDER: o->sender = arg; return 0;
	case OPT_HELO: o->helo = arg; return 0;
	case OPT_FLATTEN: o->flatten = true; return 0;
	}
	return error_set(err, "unknown option");
}

/* What a run works on between passes. Each pass rebuilds the walk and the
 * evaluation from the answers so far in a fresh arena: cheap next to a
 * network round trip, and it keeps both pure. */
struct spf_state {
	struct cmd_state head;
	const char *domain;		/* NULL when the walk is skipped */
	const struct spf_eval_input *input;	/* NULL without --ip */
	struct spf_eval_input input_storage;
	bool flatten;
	struct spf_macro_ctx macros;	/* sender, IP and HELO for the walk */
	struct spf_walk *walk;
	struct spf_eval *eval;
	struct spf_flat *flat;		/* --flatten */
};

static bool
spf_step(struct cmd_state *s)
{
	struct spf_state *st = (struct spf_state *)s;
	struct arena *a = run_pass(s);
	size_t pending = 0;

	if (st->domain != NULL) {
		st->walk = spf_walk_build(a, run_lookup, s->rc->res,
		    st->domain, st->input ? &st->macros : NULL);
		pending += st->walk->pending;
	}
	if (st->input != NULL) {
		st->eval = spf_eval_run(a, run_lookup, s->rc->res, st->input);
		pending += st->eval->pending;
	}
	return pending == 0;
}

/* --record: the draft answers the domain's TXT question. Written like a
 * zone file's TXT data ("a" "b") it keeps its strings; plain text is one
 * string, as the user typed it. */
static int
add_draft(struct cmd_state *s, const char *domain, const char *record)
{
	struct dns_bytes one, *strings = &one;
	const char *err = NULL;
	int n = 1;

	if (record[0] == '"') {
		n = dns_zone_parse_strings(s->arena, record, &strings, &err);
		if (n < 0) {
			return run_usage(s->rc, "cannot parse --record '%s': "
			    "%s", safe_str(s->arena, record), err);
		}
	} else {
		one.data = (const unsigned char *)record;
		one.len = strlen(record);
	}
	dns_resolver_add_draft_txt(s->rc->res, domain, strings, (size_t)n);
	return 0;
}

/* With --ip the SPF result alone decides (temperror is unknown); without,
 * the findings of the walk do. */
static enum verdict
spf_verdict(const struct spf_state *st)
{
	struct finding_tally t = { 0, 0, 0, VERDICT_PASS };
	size_t i;

	if (st->eval != NULL) {
		switch (st->eval->result) {
		case SPF_RESULT_PASS: return VERDICT_PASS;
		case SPF_RESULT_TEMPERROR: return VERDICT_UNKNOWN;
		default: return VERDICT_FAIL;
		}
	}
	/* A lookup that failed, a CNAME loop among them, is a DNS error
	 * receivers answer with temperror: the walk's verdict is unknown,
	 * as the evaluation's would be. */
	if (spf_walk_failure(st->walk->root) != NULL) {
		return VERDICT_UNKNOWN;
	}
	finding_tally(&st->walk->findings, &t);
	for (i = 0; i < st->walk->norder; i++) {
		finding_tally(&st->walk->order[i]->findings, &t);
	}
	return t.verdict;
}

/* Fills the check_host() input from the options (RFC 7208 §2.3, §4.1):
 * the domain is DOMAIN, else the sender's; an empty sender checks the
 * HELO identity. Returns 0, or EXIT_USAGE with the run's error set. */
static int
evaluation_input(struct cmd_state *s, const struct spf_opts *o,
    const char *domain_arg, struct spf_eval_input *in)
{
	struct ip_addr ip;
	const char *at, *sender;

	if (run_ip_arg(s, o->ip, &ip) != 0) {
		return EXIT_USAGE;
	}
	memset(in, 0, sizeof(*in));
	in->ip = ip_unmap(&ip);
	in->helo = o->helo;
	in->now = (long long)time(NULL);
	if (run_helo_arg(s, o->helo) != 0) {
		return EXIT_USAGE;
	}
	sender = NULL;
	if (o->sender != NULL &&
	    (sender = run_sender_arg(s, o->sender)) == NULL) {
		return EXIT_USAGE;
	}
	if (sender != NULL && sender[0] == '\0') {
		if (o->helo == NULL) {
			return run_usage(s->rc, "an empty --sender checks the "
			    "HELO identity: give --helo");
		}
		in->domain = o->helo;
		in->sender = spf_eval_sender(s->arena, NULL, o->helo);
		return 0;
	}
	at = sender ? strrchr(sender, '@') : NULL;
	in->domain = domain_arg ? domain_arg : at ? at + 1 : sender;
	if (in->domain == NULL) {
		return run_usage(s->rc, "spf: missing DOMAIN (or --sender)");
	}
	in->sender = spf_eval_sender(s->arena, sender, in->domain);
	return 0;
}

static void
set_walk_macros(struct spf_state *st)
{
	const struct spf_eval_input *in = st->input;
	const char *at = strrchr(in->sender, '@');

	memset(&st->macros, 0, sizeof(st->macros));
	st->macros.sender = in->sender;
	st->macros.local_part = arena_memdup(st->head.arena, in->sender,
	    (size_t)(at - in->sender));
	st->macros.sender_domain = at + 1;
	st->macros.ip = &in->ip;
	st->macros.helo = in->helo;
	st->macros.now = in->now;
}

static cJSON *
spf_json(const struct cmd_state *s)
{
	const struct spf_state *st = (const struct spf_state *)s;
	cJSON *root = report_spf_json(st->input ? st->input->domain :
	    st->domain, st->walk);

	if (st->eval != NULL) {
		report_spf_eval_json(root, st->input, st->eval);
	}
	if (st->flat != NULL) {
		report_spf_flat_json(root, st->flat);
	}
	return root;
}

static void
spf_text(const struct cmd_state *s, FILE *f, const struct text_style *style)
{
	const struct spf_state *st = (const struct spf_state *)s;

	if (st->walk != NULL) {
		report_spf_text(f, style, st->walk);
	}
	if (st->eval != NULL) {
		report_spf_eval_text(f, style, st->input, st->eval, st->walk);
	}
	if (st->flat != NULL) {
		report_spf_flat_text(f, style, st->flat);
	}
}

static void
spf_brief(const struct cmd_state *s, FILE *f, const struct text_style *style,
    int code)
{
	const struct spf_state *st = (const struct spf_state *)s;

	report_spf_brief(f, style, run_verdict(code), st->domain, st->walk,
	    st->input, st->eval);
	if (st->flat != NULL) {
		report_spf_flat_brief(f, style, st->flat);
	}
}

static int
spf_start(struct run_ctx *rc, const void *opts, void *state, int argc,
    char **argv)
{
	const struct spf_opts *o = opts;
	struct spf_state *st = run_begin(state, rc);
	struct spf_eval_input *in = &st->input_storage;

	st->flatten = o->flatten;
	if (argc > 1) {
		return run_one_argument(&st->head, argc, "spf", "DOMAIN", "");
	}
	if (o->ip != NULL) {
		const char *domain = NULL;

		if ((argc == 1 && (domain = run_domain_arg(&st->head,
		    argv[0])) == NULL) || evaluation_input(&st->head, o, domain,
		    in) != 0) {
			return EXIT_USAGE;
		}
		st->input = in;
		set_walk_macros(st);
		/* RFC 7208 §4.3: a sender or HELO whose domain is invalid
		 * gives the verdict "none" (a DOMAIN typed on the command
		 * line is checked above); there is nothing to walk then. */
		st->domain = spf_domain_is_valid(in->domain) ? in->domain :
		    NULL;
	} else if (run_one_argument(&st->head, argc, "spf", "DOMAIN",
	    "") != 0 || (st->domain = run_domain_arg(&st->head,
	    argv[0])) == NULL) {
		return EXIT_USAGE;
	}
	if (o->record != NULL && st->domain != NULL &&
	    add_draft(&st->head, st->domain, o->record) != 0) {
		return EXIT_USAGE;
	}
	return 0;
}

/* A batch line is "DOMAIN" or "DOMAIN IP" (evaluation for that IP). */
static int
spf_batch_start(struct run_ctx *rc, const void *opts, void *state, int n,
    char **fields)
{
	struct spf_opts copy = *(const struct spf_opts *)opts;

	if (n == 2) {
		copy.ip = fields[1];
		n = 1;
	}
	return spf_start(rc, &copy, state, n, fields);
}

static int
spf_conclude(struct cmd_state *s)
{
	struct spf_state *st = (struct spf_state *)s;
	enum verdict v;

	if (st->walk != NULL) {
		spf_lint(s->pass, st->walk);
		if (st->flatten) {
			st->flat = spf_flatten(s->pass, st->walk);
		}
	}
	v = spf_verdict(st);
	/* --flatten that cannot propose a record did not do its job; one
	 * whose lookups failed cannot tell what to propose. */
	if (st->flat != NULL && st->flat->unknown != NULL) {
		v = VERDICT_UNKNOWN;
	} else if (st->flat != NULL && st->flat->refused != NULL &&
	    v == VERDICT_PASS) {
		v = VERDICT_FAIL;
	}
	return run_exit_status(v);
}

static const struct command_ops spf_ops = {
	.state_size = sizeof(struct spf_state),
	.start = spf_start,
	.batch_start = spf_batch_start,
	.step = spf_step,
	.conclude = spf_conclude,
	.text = spf_text,
	.brief = spf_brief,
	.json = spf_json,
};

const struct command cmd_spf = {
	.name = "spf",
	.summary = "walk a domain's SPF record, or evaluate it for one IP",
	.usage = "spf [OPTIONS] DOMAIN\n"
	    "       mailauth spf --ip IP [--sender ADDR] [--helo NAME] [DOMAIN]",
	.help =
	    "  --record TEXT       test a draft record for DOMAIN instead of\n"
	    "                      the published one (\"a\" \"b\" keeps strings)\n"
	    "  -i, --ip, --client-ip IP\n"
	    "                      evaluate check_host() for this client IP\n"
	    "  -f, --sender ADDR   the MAIL FROM address (default\n"
	    "                      postmaster@DOMAIN; '' checks the HELO)\n"
	    "  -e, --helo NAME     the HELO/EHLO name (for %{h} and '' senders)\n"
	    "  --flatten           print equivalent records with includes, a and\n"
	    "                      mx replaced by ip4:/ip6: terms, as a zone file\n",
	.shortopts = "i:f:e:",
	.longopts = spf_longopts,
	.opts_size = sizeof(struct spf_opts),
	.set_option = spf_set_option,
	.ops = &spf_ops,
};
