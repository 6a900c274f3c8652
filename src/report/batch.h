/* Rendering a batch's progress line and its summary, both for standard
 * error (the answers themselves are the NDJSON lines of report/json). */
#ifndef MAILAUTH_REPORT_BATCH_H
#define MAILAUTH_REPORT_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where a batch stands, for the progress line of a terminal. */
struct batch_progress {
	unsigned long handled;	/* lines done */
	unsigned long total;	/* lines in the file, 0 when unknown */
	size_t active;		/* lines in progress */
	double rate;		/* lines a second so far */
	size_t window;		/* queries in flight at most */
};

/* What became of a batch's lines, and what it took. */
struct batch_summary {
	size_t answered, dns_failures, input_errors;
	bool resumed;		/* --resume given */
	size_t skipped;		/* lines answered before (--resume) */
	size_t queries, retries;
	size_t smallest_window, largest_window;
	double seconds;
	bool over_progress;	/* a progress line stands where it goes */
};

/* "\r123/1000 lines, 32 in progress, 250 lines/s, window 64, ETA 3 s",
 * over the line before. */
void report_batch_progress(FILE *f, const struct batch_progress *p);
/* Erases the progress line. */
void report_batch_progress_erase(FILE *f);
/* "mailauth: N lines: ... answered, ...; Q queries, ...; 1.2 s". */
void report_batch_summary(FILE *f, const struct batch_summary *s);

#endif
