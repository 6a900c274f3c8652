/* What every subcommand shares: the run's arena, zones and resolver built
 * from the global options; the head of every command's state; checking
 * what the user typed; driving a pure builder until its answers are all
 * in; the exit status; and writing the output. */
#ifndef MAILAUTH_CMD_COMMON_H
#define MAILAUTH_CMD_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "dns/answer.h"
#include "finding.h"
#include "report/text.h"

struct arena;
struct command_ops;
struct dkim_message;
struct dmarc_psl;
struct dns_resolver;
struct dns_zoneset;

struct run_ctx {
	const struct global_opts *g;
	struct arena *arena;		/* freed by run_ctx_finish() */
	struct dns_zoneset *zones;	/* --zone files, or NULL */
	struct dns_resolver *res;
	struct text_style style;
	FILE *out;
	struct dmarc_psl *psl;		/* loaded on first use */
	unsigned deadline_ms;		/* per input in a batch */
	char error[512];		/* the message for a failed run */
};

/* Loads the zones and creates the resolver. Returns 0, or -1 with
 * rc->error set (a usage problem: exit 2). */
int run_ctx_init(struct run_ctx *rc, const struct global_opts *g, FILE *out);
void run_ctx_finish(struct run_ctx *rc);
/* Sets rc->error; returns EXIT_USAGE for "return run_usage(...)". */
int run_usage(struct run_ctx *rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The head of every command's state, its first member: the run the input
 * belongs to and the input's arenas. The drivers (run_command(), the
 * batch) allocate the state zeroed, the command's start sets the head
 * (run_begin()), and run_release() frees what it holds. */
struct cmd_state {
	struct run_ctx *rc;
	struct arena *arena;	/* the input's: arguments and their copies
				 * (the run's, or the batch line's) */
	struct arena *pass;	/* the last pass over the answers
				 * (run_pass()) */
};

/* Sets the head of state for one input of rc; returns state. */
void *run_begin(void *state, struct run_ctx *rc);
/* Starts a pass of a pure builder over the answers so far: its results
 * go to a fresh arena, the last pass's are dropped. Returns the arena. */
struct arena *run_pass(struct cmd_state *s);
/* Frees what the head holds (the state itself is the caller's). */
void run_release(void *state);

/* The dns_lookup_fn of the pure builders in a run:
 * ctx is the run's resolver. */
const struct dns_answer *run_lookup(void *ctx, const char *name,
    enum dns_type type);

/* Calls step (a pass of the command's builders: true once nothing is
 * missing), waits for answers, and calls it again until it is complete or
 * nothing more can arrive (the deadline answers the rest). */
void run_until_complete(struct cmd_state *s,
    bool (*step)(struct cmd_state *s));

/* The Public Suffix List, loaded once per run (batch lines share it). */
const struct dmarc_psl *run_psl(struct run_ctx *rc);

/* What the user typed, checked and copied into the input's arena; on a
 * mistake each returns NULL or EXIT_USAGE with rc->error naming the input
 * and what to type instead. */

/* Exactly one positional argument: "CMD: missing WHAT" (with hint) or
 * "CMD: expected one WHAT, got N arguments". Returns 0 or EXIT_USAGE. */
int run_one_argument(struct cmd_state *s, int argc, const char *cmd,
    const char *what, const char *hint);
/* A domain (IDN allowed) as the name to query, or NULL. */
const char *run_domain_arg(struct cmd_state *s, const char *input);
/* An IP address into *out. Returns 0 or EXIT_USAGE. */
int run_ip_arg(struct cmd_state *s, const char *input, struct ip_addr *out);
/* The DKIM selectors typed with -s, each making a name with domain (when
 * not NULL) that DNS can hold. Returns 0 or EXIT_USAGE. */
int run_selectors_arg(struct cmd_state *s, const char *const *sels,
    size_t n, const char *domain);
/* The RFC 5322 message in path ("-": standard input): unreadable, too
 * large or without header fields is a usage error. Returns 0 or
 * EXIT_USAGE. */
int run_read_message(struct cmd_state *s, const char *path,
    const struct dkim_message **out);

/* A --sender typed by the user: the address to use (angle brackets
 * around the whole dropped), or NULL. */
const char *run_sender_arg(struct cmd_state *s, const char *input);
/* A --helo typed by the user (NULL: not given). Returns 0 or EXIT_USAGE. */
int run_helo_arg(struct cmd_state *s, const char *input);

/* The exit status of a command's verdict (mailauth(1), EXIT STATUS): 0
 * pass, 1 fail, 3 unknown (DNS kept mailauth from a verdict). */
int run_exit_status(enum verdict v);

/* The verdict word of --brief for an exit code: pass, fail, unknown. */
const char *run_verdict(int code);

/* Writes the JSON object (adding "queries" and "stats" with --trace) and
 * frees it. Returns 0, or -1 when stdout failed. */
int run_emit_json(struct run_ctx *rc, cJSON *root);
/* Runs a command once with its positional arguments: start, steps,
 * conclusion, text, --brief or JSON. Returns the exit code. */
int run_command(struct run_ctx *rc, const struct command_ops *ops,
    const void *opts, int argc, char **argv);

/* Prints the trace summary on stderr when --trace is on. */
void run_trace_summary(struct run_ctx *rc);

#endif
