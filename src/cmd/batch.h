/* --batch: many inputs through one resolver (one c-ares channel, one
 * cache), results streamed as NDJSON. */
#ifndef MAILAUTH_CMD_BATCH_H
#define MAILAUTH_CMD_BATCH_H

struct command;
struct run_ctx;

/* Runs cmd over every line of rc->g->batch; returns the worst exit code
 * of the lines (3 over 1 over 0), or EXIT_USAGE when the input cannot be
 * read. */
int batch_run(struct run_ctx *rc, const struct command *cmd, void *opts);

#endif
