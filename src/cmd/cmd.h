/* What a subcommand is: its options and its run function. main.c holds the
 * table; each file in cmd/ exports one descriptor. */
#ifndef MAILAUTH_CMD_CMD_H
#define MAILAUTH_CMD_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

struct cmd_state;
struct error;
struct run_ctx;
struct text_style;

/* The exit status (mailauth(1), EXIT STATUS). */
enum exit_code {
	EXIT_CLEAN = 0,		/* no errors (and "pass" with --ip) */
	EXIT_PROBLEMS = 1,	/* errors found, or a verdict other than pass */
	EXIT_USAGE = 2,		/* bad command line or input */
	EXIT_DNS = 3,		/* a DNS failure kept us from a verdict */
	EXIT_OUTPUT = 4,	/* the output could not be written */
};

/* How a command runs, in steps shared by a single run and a batch: start
 * from the arguments, step (a pure pass over the answers so far) until
 * complete, conclude (findings, exit code), then render. The state is the
 * command's own struct, zeroed for each run or batch line, whose first
 * member is a struct cmd_state (cmd/common.h): the functions below take
 * that head and reach the rest from it. */
struct command_ops {
	size_t state_size;
	/* Sets the state up from the arguments (run_begin() first);
	 * returns 0, or EXIT_USAGE with rc->error set. */
	int (*start)(struct run_ctx *rc, const void *opts, void *state,
	    int argc, char **argv);
	/* The same for one line of a batch, split into fields; NULL:
	 * start itself (the fields are the arguments). */
	int (*batch_start)(struct run_ctx *rc, const void *opts, void *state,
	    int nfields, char **fields);
	bool (*step)(struct cmd_state *s);	/* true once complete */
	int (*conclude)(struct cmd_state *s);	/* returns the exit code */
	void (*text)(const struct cmd_state *s, FILE *f,
	    const struct text_style *style);
	/* --brief: the verdict and the counts, at most five lines, for a
	 * conclusion that gave this exit code. */
	void (*brief)(const struct cmd_state *s, FILE *f,
	    const struct text_style *style, int code);
	cJSON *(*json)(const struct cmd_state *s); /* the caller owns it */
	/* Lines of a batch in progress at once with these options,
	 * whatever --concurrency says; 0: no bound of the command's own.
	 * NULL: none. */
	size_t (*batch_lines)(const void *opts);
};

struct command {
	const char *name;
	const char *summary;	/* one line for the command list */
	const char *usage;	/* "spf [OPTIONS] DOMAIN" */
	const char *help;	/* the command's own options, formatted */
	const char *shortopts;	/* getopt letters of the command */
	const struct option *longopts;	/* ends with a zeroed entry */
	size_t opts_size;	/* bytes of the command's option struct */
	/* Stores one option; returns 0, or -1 with err set. NULL for a
	 * command with no options of its own. */
	int (*set_option)(void *opts, int key, const char *arg,
	    struct error *err);
	const struct command_ops *ops;
	const char *exits;	/* "Exit status: ..." when the command's
				 * own differ from the usual ones, or
				 * NULL */
};

extern const struct command cmd_spf;
extern const struct command cmd_ptr;
extern const struct command cmd_check;
extern const struct command cmd_dmarc;
extern const struct command cmd_dkim;
extern const struct command cmd_smtp;
extern const struct command cmd_message;

#endif
