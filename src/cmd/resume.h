/* --resume FILE: the lines an earlier batch already answered, read from
 * its NDJSON output, and that file opened to append the rest. */
#ifndef MAILAUTH_CMD_RESUME_H
#define MAILAUTH_CMD_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct batch_resume {
	unsigned char *done;	/* bit per input line number */
	size_t nbytes;
	size_t ndone;		/* lines whose last entry was answered */
};

/* Reads path (a missing file is an empty one): a line counts as answered
 * when the last object carrying its number has a null "error" and an
 * "exit_code" other than 3. A last line without its newline (the run was
 * killed while writing it) is ignored and cut off. On success returns 0
 * with *out open to append to path; otherwise -1 with errno set. */
int batch_resume_open(struct batch_resume *r, const char *path, FILE **out);
/* Whether input line `line` (1-based) was answered. */
bool batch_resume_done(const struct batch_resume *r, unsigned long line);
void batch_resume_finish(struct batch_resume *r);

#endif
