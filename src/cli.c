#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bounds.h"
#include "cmd/cmd.h"
#include "input.h"
#include "util/error.h"
#include "util/xalloc.h"

enum global_key {
	OPT_SERVER = 1000,
	OPT_TCP,
	OPT_TIMEOUT,
	OPT_TRIES,
	OPT_DEADLINE,
	OPT_TRACE,
	OPT_JSON,
	OPT_ZONE,
	OPT_COLOR,
	OPT_ASCII,
	OPT_BATCH,
	OPT_CONCURRENCY,
	OPT_UNORDERED,
	OPT_SHARD,
	OPT_NO_ADAPT,
	OPT_QPS,
	OPT_RESUME,
	OPT_BRIEF,
};

static const struct option global_options[] = {
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "port", required_argument, NULL, 'p' },
	{ "tcp", no_argument, NULL, OPT_TCP },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "tries", required_argument, NULL, OPT_TRIES },
	{ "deadline", required_argument, NULL, OPT_DEADLINE },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "zone", required_argument, NULL, OPT_ZONE },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "colour", required_argument, NULL, OPT_COLOR },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
	{ "unordered", no_argument, NULL, OPT_UNORDERED },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "no-adapt", no_argument, NULL, OPT_NO_ADAPT },
	{ "qps", required_argument, NULL, OPT_QPS },
	{ "resume", required_argument, NULL, OPT_RESUME },
	{ "brief", no_argument, NULL, OPT_BRIEF },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
static const char global_short[] = "p:hV46";

const struct command *
cli_find_command(const char *name, const struct command *const *commands,
    size_t ncommands, struct error *err)
{
	const struct command *found = NULL;
	size_t i, len = strlen(name), matches = 0, pos;

	for (i = 0; i < ncommands; i++) {
		if (strcmp(commands[i]->name, name) == 0) {
			return commands[i];
		}
	}
	for (i = 0; i < ncommands && len > 0; i++) {
		if (strncmp(commands[i]->name, name, len) == 0) {
			found = commands[i];
			matches++;
		}
	}
	if (matches == 1) {
		return found;
	}
	if (matches == 0) {
		error_set(err, "unknown command '%s' (see 'mailauth "
		    "--help')", name);
		return NULL;
	}
	pos = (size_t)snprintf(err->msg, sizeof(err->msg), "ambiguous command "
	    "'%s': could be", name);
	for (i = 0; i < ncommands && pos < sizeof(err->msg); i++) {
		if (strncmp(commands[i]->name, name, len) == 0) {
			pos += (size_t)snprintf(err->msg + pos,
			    sizeof(err->msg) - pos, " %s", commands[i]->name);
		}
	}
	return NULL;
}

/* Whether an option token of any command takes a value, so the scan for
 * the subcommand can skip that value. */
static bool
long_takes_arg(const struct option *opts, const char *name, size_t len,
    bool *known)
{
	for (; opts->name != NULL; opts++) {
		if (strlen(opts->name) == len &&
		    strncmp(opts->name, name, len) == 0) {
			*known = true;
			return opts->has_arg == required_argument;
		}
	}
	return false;
}

static bool
short_takes_arg(const char *shortopts, char c)
{
	const char *p = strchr(shortopts, c);

	return c != ':' && p != NULL && p[1] == ':';
}

static bool
token_takes_next(const char *tok, const struct command *const *commands,
    size_t ncommands)
{
	size_t i;
	bool known = false, takes;

	if (tok[1] == '-') {
		const char *name = tok + 2;

		if (strchr(name, '=') != NULL) {
			return false;
		}
		takes = long_takes_arg(global_options, name, strlen(name),
		    &known);
		for (i = 0; i < ncommands && !known; i++) {
			takes = long_takes_arg(commands[i]->longopts, name,
			    strlen(name), &known);
		}
		return takes;
	}
	/* -p53 carries its value; -p 53 does not. */
	if (tok[2] != '\0') {
		return false;
	}
	if (short_takes_arg(global_short, tok[1])) {
		return true;
	}
	for (i = 0; i < ncommands; i++) {
		if (short_takes_arg(commands[i]->shortopts, tok[1])) {
			return true;
		}
	}
	return false;
}

/* Returns the index of the subcommand word in argv, or -1. */
static int
find_command_word(int argc, char **argv, const struct command *const *commands,
    size_t ncommands)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *tok = argv[i];

		if (strcmp(tok, "--") == 0) {
			return i + 1 < argc ? i + 1 : -1;
		}
		if (tok[0] == '@' || tok[0] == '+') {
			continue;
		}
		if (tok[0] == '-' && tok[1] != '\0') {
			if (token_takes_next(tok, commands, ncommands)) {
				i++;
			}
			continue;
		}
		return i;
	}
	return -1;
}

static int
parse_seconds(const char *s, unsigned *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v > 0) ||
	    v > CLI_MAX_SECONDS) {
		return -1;
	}
	*ms = (unsigned)ceil(v * 1000);
	return 0;
}

static int
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (s[0] == '-' || s[0] == '+') {
		return -1;
	}
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* --shard K/N. */
static int
parse_shard(const char *s, struct global_opts *g)
{
	const char *slash = strchr(s, '/');
	char k[16];
	unsigned kv, nv;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(k)) {
		return -1;
	}
	memcpy(k, s, (size_t)(slash - s));
	k[slash - s] = '\0';
	if (parse_uint(k, 1, CLI_MAX_SHARDS, &kv) != 0 ||
	    parse_uint(slash + 1, 1, CLI_MAX_SHARDS, &nv) != 0 || kv > nv) {
		return -1;
	}
	g->shard_index = kv;
	g->shard_count = nv;
	return 0;
}

/* @SERVER or --server, in any of kdig's forms (src/input.h). */
static int
set_server(struct cli *cli, const char *spec, struct error *err)
{
	char *host;
	unsigned port;

	if (!input_server(spec, &host, &port, err)) {
		return -1;
	}
	free(cli->server_copy);
	cli->server_copy = host;
	cli->g.server = host;
	cli->g.server_port = port;
	return 0;
}

static int
set_family(struct global_opts *g, int family, struct error *err)
{
	if (g->family != 0 && g->family != family) {
		return error_set(err, "-4 and -6 exclude each other: give "
		    "one");
	}
	g->family = family;
	return 0;
}

static int
set_global(struct cli *cli, int key, const char *arg, struct error *err)
{
	struct global_opts *g = &cli->g;

	switch (key) {
	case OPT_SERVER:
		return set_server(cli, arg, err);
	case '4':
	case '6':
		return set_family(g, key == '4' ? AF_INET : AF_INET6, err);
	case OPT_BRIEF: g->brief = true; break;
	case 'p':
		if (parse_uint(arg, 1, 65535, &g->port) != 0) {
			return error_set(err, "invalid port '%s': expected a "
			    "number from 1 to 65535", arg);
		}
		break;
	case OPT_TCP: g->tcp = true; break;
	case OPT_TIMEOUT:
	case OPT_DEADLINE:
		if (parse_seconds(arg, key == OPT_TIMEOUT ? &g->timeout_ms :
		    &g->deadline_ms) != 0) {
			return error_set(err, "invalid %s '%s': expected "
			    "seconds, more than 0 and at most %d",
			    key == OPT_TIMEOUT ? "timeout" : "deadline", arg,
			    CLI_MAX_SECONDS);
		}
		break;
	case OPT_TRIES:
		if (parse_uint(arg, 1, CLI_MAX_TRIES, &g->tries) != 0) {
			return error_set(err, "invalid tries '%s': expected a "
			    "number from 1 to %d", arg, CLI_MAX_TRIES);
		}
		break;
	case OPT_TRACE: g->trace = true; break;
	case OPT_JSON: g->json = true; break;
	case OPT_ASCII: g->ascii = true; break;
	case OPT_ZONE:
		g->zones = xreallocarray(g->zones, g->nzones + 1,
		    sizeof(*g->zones));
		g->zones[g->nzones++] = arg;
		break;
	case OPT_COLOR:
		if (!color_mode_parse(arg, &g->color)) {
			return error_set(err, "invalid color '%s': expected "
			    "auto, always or never", arg);
		}
		break;
	case OPT_BATCH: g->batch = arg; break;
	case OPT_UNORDERED: g->unordered = true; break;
	case OPT_CONCURRENCY:
		if (parse_uint(arg, 1, BATCH_MAX_CONCURRENCY,
		    &g->concurrency) != 0) {
			return error_set(err, "invalid concurrency '%s': "
			    "expected a number from 1 to %d", arg,
			    BATCH_MAX_CONCURRENCY);
		}
		break;
	case OPT_SHARD:
		if (parse_shard(arg, g) != 0) {
			return error_set(err, "invalid shard '%s': expected "
			    "K/N with 1 <= K <= N", arg);
		}
		break;
	case OPT_NO_ADAPT: g->no_adapt = true; break;
	case OPT_RESUME: g->resume = arg; break;
	case OPT_QPS:
		if (parse_uint(arg, 1, BATCH_MAX_QPS, &g->qps) != 0) {
			return error_set(err, "invalid qps '%s': expected a "
			    "number from 1 to %d", arg, BATCH_MAX_QPS);
		}
		break;
	case 'h': cli->help = true; break;
	case 'V': cli->version = true; break;
	default:
		return 1;	/* not a global option */
	}
	return 0;
}

/* The options getopt sees: the globals plus those of the command. */
static struct option *
merge_options(const struct command *cmd, char **shortopts)
{
	size_t ng = sizeof(global_options) / sizeof(global_options[0]) - 1;
	size_t nc = 0;
	struct option *all;

	while (cmd && cmd->longopts[nc].name != NULL) {
		nc++;
	}
	all = xcalloc(ng + nc + 1, sizeof(*all));
	memcpy(all, global_options, ng * sizeof(*all));
	if (nc > 0) {
		memcpy(all + ng, cmd->longopts, nc * sizeof(*all));
	}
	*shortopts = xcalloc(strlen(global_short) +
	    (cmd ? strlen(cmd->shortopts) : 0) + 2, 1);
	strcpy(*shortopts, ":");
	strcat(*shortopts, global_short);
	if (cmd != NULL) {
		strcat(*shortopts, cmd->shortopts);
	}
	return all;
}

static void
describe_bad_option(const struct command *cmd, char **argv, int at, int key,
    struct error *err)
{
	const char *tok = at > 0 ? argv[at - 1] : "?";
	char help[64];

	snprintf(help, sizeof(help), "see 'mailauth %s%s--help'",
	    cmd ? cmd->name : "", cmd ? " " : "");
	if (key == ':') {
		error_set(err, "option '%s' needs a value (%s)", tok,
		    help);
	} else if (optopt != 0) {
		error_set(err, "unknown option '-%c' (%s)", optopt,
		    help);
	} else {
		error_set(err, "unknown option '%s' (%s)", tok, help);
	}
}

static enum cli_status
run_getopt(struct cli *cli, int argc, char **argv, struct error *err)
{
	char *shortopts;
	struct option *opts = merge_options(cli->cmd, &shortopts);
	enum cli_status st = CLI_OK;
	int key;

	optind = 1;
	opterr = 0;
	while (st == CLI_OK &&
	    (key = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		int rc;

		if (key == '?' || key == ':') {
			describe_bad_option(cli->cmd, argv, optind, key, err);
			st = CLI_USAGE;
			break;
		}
		rc = set_global(cli, key, optarg, err);
		if (rc > 0) {
			rc = cli->cmd->set_option ? cli->cmd->set_option(
			    cli->cmd_opts, key, optarg, err) : error_set(err,
			    "unknown option");
		}
		if (rc != 0) {
			st = CLI_USAGE;
		}
	}
	cli->argc = 0;
	cli->argv = xcalloc((size_t)(argc - optind) + 1, sizeof(char *));
	for (; st == CLI_OK && optind < argc; optind++) {
		cli->argv[cli->argc++] = argv[optind];
	}
	free(opts);
	free(shortopts);
	return st;
}

/* The words dig users type outside options: @SERVER anywhere (the last
 * one wins) and +short, the only +option mailauth knows (--brief). */
static int
dig_word(struct cli *cli, const char *word, struct error *err)
{
	if (word[0] == '+') {
		if (strcmp(word, "+short") != 0) {
			return error_set(err, "unknown option '%s': of dig's "
			    "+options mailauth knows +short (see 'mailauth "
			    "--help')", word);
		}
		cli->g.brief = true;
		return 0;
	}
	if (word[1] == '\0') {
		return error_set(err, "'@' needs a server address");
	}
	return set_server(cli, word + 1, err);
}

/* The option given that only a batch reads, when there is no --batch;
 * NULL when none. (--qps caps any run's queries.) */
static const char *
batch_only_option(const struct global_opts *g)
{
	if (g->batch != NULL) {
		return NULL;
	}
	return g->resume ? "--resume" : g->unordered ? "--unordered" :
	    g->no_adapt ? "--no-adapt" : g->shard_count ? "--shard" :
	    g->concurrency ? "--concurrency" : NULL;
}

enum cli_status
cli_parse(int argc, char **argv, const struct command *const *commands,
    size_t ncommands, struct cli *out, struct error *err)
{
	char **rest = xcalloc((size_t)argc + 1, sizeof(char *));
	int word = find_command_word(argc, argv, commands, ncommands);
	int i, n = 0;
	enum cli_status st;

	memset(out, 0, sizeof(*out));
	out->g.color = COLOR_AUTO;
	if (word > 0) {
		out->cmd = cli_find_command(argv[word], commands, ncommands,
		    err);
		if (out->cmd == NULL) {
			free(rest);
			return CLI_USAGE;
		}
		out->cmd_opts = xcalloc(1, out->cmd->opts_size);
	}
	/* @SERVER and +short may stand anywhere, as in dig, but not as
	 * the value of an option: --sender @example.net is a sender. */
	for (i = 0; i < argc; i++) {
		bool is_value = i > 1 && argv[i - 1][0] == '-' &&
		    argv[i - 1][1] != '\0' && token_takes_next(argv[i - 1],
		    commands, ncommands);

		if (i == word) {
			continue;
		}
		if (i > 0 && (argv[i][0] == '@' || argv[i][0] == '+') &&
		    !is_value) {
			if (dig_word(out, argv[i], err) != 0) {
				free(rest);
				return CLI_USAGE;
			}
			continue;
		}
		rest[n++] = argv[i];
	}
	st = run_getopt(out, n, rest, err);
	free(rest);
	if (st == CLI_OK && out->g.brief && (out->g.json || out->g.batch)) {
		error_set(err, "--brief prints one result as text: "
		    "leave out %s", out->g.json ? "--json" : "--batch (its "
		    "NDJSON lines carry every count)");
		st = CLI_USAGE;
	}
	if (st == CLI_OK && batch_only_option(&out->g) != NULL) {
		error_set(err, "%s needs --batch FILE: it applies to the lines "
		    "of a batch", batch_only_option(&out->g));
		st = CLI_USAGE;
	}
	return st;
}

void
cli_finish(struct cli *cli)
{
	free(cli->cmd_opts);
	free(cli->argv);
	free(cli->g.zones);
	free(cli->server_copy);
	memset(cli, 0, sizeof(*cli));
}

int
cli_parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned *out)
{
	return parse_uint(s, min, max, out);
}

int
cli_parse_seconds(const char *s, unsigned *ms)
{
	return parse_seconds(s, ms);
}
