/* --resume FILE: the lines an earlier batch already answered, read from
 * its NDJSON output, and that file opened to append the rest. */
#ifndef MAILAUTH_CMD_RESUME_H
#define MAILAUTH_CMD_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

struct error;

/* The last object of one input line in the file. */
struct resume_entry {
	unsigned long line;
	size_t seq;		/* its place in the file: the last one wins */
	int exit_code;
	bool done;		/* null "error" and "exit_code" other than 3 */
};

struct batch_resume {
	struct resume_entry *entries;	/* by line, once each */
	size_t n, cap;
};

/* Reads path (a missing file is an empty one) and, only when every line
 * of it is an object of mailauth's --batch output (an integer "line" from
 * 1, an integer "exit_code" from 0 to 4, "input" and "command" strings),
 * opens it to append: a line counts as answered when the last object
 * carrying its number has a null "error" and an "exit_code" other than
 * 3. A last line without its newline that is not such an object (the run
 * was killed while writing it) is ignored and cut off. input is the
 * batch input's status, or NULL: a resume file that is the input is
 * refused. name is path as it may be shown. On success returns 0 with
 * *out open to append to path; otherwise -1 with err set, the file
 * untouched. */
int batch_resume_open(struct batch_resume *r, const char *path,
    const char *name, const struct stat *input, FILE **out,
    struct error *err);
/* Whether input line `line` (1-based) was answered; if so, its exit code
 * goes to *code. */
bool batch_resume_done(const struct batch_resume *r, unsigned long line,
    int *code);
void batch_resume_finish(struct batch_resume *r);

#endif
