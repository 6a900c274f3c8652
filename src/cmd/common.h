/* What every subcommand shares: the run's arena, zones and resolver built
 * from the global options, driving a pure builder until its answers are
 * all in, and writing the output. */
#ifndef MAILAUTH_CMD_COMMON_H
#define MAILAUTH_CMD_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "dns/answer.h"
#include "report/finding.h"
#include "report/text.h"

struct arena;
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

/* A lookup function for the pure builders (spf_lookup_fn and the like):
 * ctx is the run's resolver. */
const struct dns_answer *run_lookup(void *ctx, const char *name,
    enum dns_type type);

/* One pass of a pure builder: returns true once nothing is missing. */
typedef bool (*run_step_fn)(void *state);
/* Calls step, waits for answers, and calls it again until it is complete
 * or nothing more can arrive (the deadline answers the rest). */
void run_until_complete(struct run_ctx *rc, run_step_fn step, void *state);

/* The Public Suffix List, loaded once per run (batch lines share it). */
const struct dmarc_psl *run_psl(struct run_ctx *rc);

/* Reads the RFC 5322 message in path ("-": standard input) into the
 * run's arena. Returns 0, or EXIT_USAGE with rc->error naming the file
 * (unreadable, too large, no header fields). */
struct dkim_message;
int run_read_message(struct run_ctx *rc, const char *path,
    const struct dkim_message **out);

/* Converts a domain typed by the user (IDN allowed) to the name to query;
 * NULL with rc->error set when it is not a valid domain name. */
const char *run_domain_arg(struct run_ctx *rc, const char *input);

/* Parses an IP address typed by the user into *out. Returns 0, or
 * EXIT_USAGE with rc->error saying what to type instead. */
int run_ip_arg(struct run_ctx *rc, const char *input, struct ip_addr *out);

/* Checks the DKIM selectors typed with -s, and that each makes a name
 * with domain (when not NULL) that DNS can hold. Returns 0, or EXIT_USAGE
 * with rc->error naming the first bad one and what to type instead. */
int run_selectors_arg(struct run_ctx *rc, const char *const *sels,
    size_t n, const char *domain);

/* Checks a --sender typed by the user; returns the address to use (angle
 * brackets around the whole dropped), or NULL with rc->error naming it
 * and what to type instead. */
const char *run_sender_arg(struct run_ctx *rc, const char *input);
/* Checks a --helo typed by the user (NULL: not given). Returns 0, or
 * EXIT_USAGE with rc->error naming it. */
int run_helo_arg(struct run_ctx *rc, const char *input);

/* DESIGN.md §5: 3 when a DNS failure kept a check from a verdict, 1 when
 * errors were found, else 0. */
int run_exit_code(const struct finding_tally *t);

/* The verdict word of --brief for an exit code: pass, fail, unknown. */
const char *run_verdict(int code);

/* Writes the JSON object (adding "queries" and "stats" with --trace) and
 * frees it. Returns 0, or -1 when stdout failed. */
int run_emit_json(struct run_ctx *rc, cJSON *root);
/* Runs a command once with its positional arguments: start, steps,
 * conclusion, text or JSON. Returns the exit code. */
struct command_ops;
int run_command(struct run_ctx *rc, const struct command_ops *ops,
    void *opts, int argc, char **argv);

/* Prints the trace summary on stderr when --trace is on. */
void run_trace_summary(struct run_ctx *rc);

#endif
