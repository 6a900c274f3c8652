/* The command line: global options (like dig's, accepted before or after
 * the subcommand), @SERVER, the subcommand by unique prefix, and the
 * subcommand's own options. Parsing allocates; cli_finish() frees. */
#ifndef MAILAUTH_CLI_H
#define MAILAUTH_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "util/color.h"
#include "util/error.h"

struct command;

struct global_opts {
	const char *server;	/* @SERVER or --server: the address or name */
	unsigned server_port;	/* the port given with it, or 0 */
	unsigned port;		/* -p; 0 for the default */
	int family;		/* -4 or -6: AF_INET or AF_INET6; 0 both */
	bool brief;		/* --brief, +short */
	bool tcp;
	unsigned timeout_ms;	/* --timeout, per try */
	unsigned tries;
	unsigned deadline_ms;	/* 0: derived from timeout and tries */
	bool trace;
	bool json;
	bool ascii;
	enum color_mode color;
	const char **zones;	/* --zone files, in order */
	size_t nzones;
	const char *batch;	/* --batch FILE, "-" for stdin */
	unsigned concurrency;	/* --concurrency, 0: default */
	bool unordered;		/* --unordered */
	unsigned shard_index;	/* --shard K/N: K (1-based) */
	unsigned shard_count;	/* N, 0 when not sharding */
	bool no_adapt;		/* --no-adapt: the window stays at
				 * --concurrency */
	unsigned qps;		/* --qps: queries per second, 0: no cap */
	const char *resume;	/* --resume FILE, or NULL */
};

struct cli {
	struct global_opts g;
	const struct command *cmd;	/* NULL when none was given */
	void *cmd_opts;			/* the command's option struct */
	int argc;			/* positional arguments */
	char **argv;
	bool help;
	bool version;
	char *server_copy;	/* what g.server points into (heap) */
};

enum cli_status {
	CLI_OK,
	CLI_USAGE,	/* err says what is wrong */
};

/* Parses argv. On CLI_USAGE, err holds a one-line message naming the bad
 * input. */
enum cli_status cli_parse(int argc, char **argv,
    const struct command *const *commands, size_t ncommands,
    struct cli *out, struct error *err);
void cli_finish(struct cli *cli);
/* Finds a command by exact name or unique prefix. On failure returns NULL
 * and describes the problem in err (unknown, or the ambiguous choices). */
const struct command *cli_find_command(const char *name,
    const struct command *const *commands, size_t ncommands,
    struct error *err);

/* Parses a decimal number in [min, max] for a command's own option;
 * returns 0, or -1 (out unchanged). */
int cli_parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned *out);
/* Parses a positive number of seconds (fractions allowed) into
 * milliseconds, as --timeout does; returns 0 or -1. */
int cli_parse_seconds(const char *s, unsigned *ms);

#endif
