/* The files of a --batch: its input, one input per line without the
 * blank lines, comments, lines of other shards (--shard) and lines
 * answered before (--resume); and where its results go. */
#ifndef MAILAUTH_CMD_BATCH_INPUT_H
#define MAILAUTH_CMD_BATCH_INPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "cmd/resume.h"

struct run_ctx;

/* What makes a line unusable as it was read. */
enum line_fault { LINE_OK, LINE_TOO_LONG, LINE_NUL };

struct batch_input {
	struct run_ctx *rc;
	FILE *in;
	FILE *out;		/* rc->out, or the --resume file */
	struct batch_resume resume;
	unsigned long lineno;	/* of the line read last, 1-based */
	bool eof;
	size_t skipped;		/* lines answered before (--resume) */
	int skipped_worst;	/* the highest exit code among them */
	off_t size;		/* of a regular file; else 0 */
};

/* Opens rc->g->batch and, with --resume, reads the earlier output and
 * opens it to append. Returns 0, or EXIT_USAGE with rc->error set; call
 * batch_input_close() either way. */
int batch_input_open(struct batch_input *bi, struct run_ctx *rc);
/* Closes the files; a failed write to the --resume file is reported
 * like one to stdout (main.c): returns code, raised to the highest
 * exit code of the lines skipped (--resume), or 3 instead of 0. */
int batch_input_close(struct batch_input *bi, int code);
/* Reads the next line that is this run's to do into *out (heap); false
 * at the end. A line that is too long or holds a NUL keeps what can be
 * shown of it and its fault, so that it becomes an error line rather
 * than another input. */
bool batch_input_next(struct batch_input *bi, char **out,
    enum line_fault *fault);
/* Splits a line into at most max fields at blanks; '#' starts a
 * comment. */
int batch_split_fields(char *line, char **fields, int max);

#endif
