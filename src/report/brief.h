/* --brief (dig's +short): a command's verdict and its counts in at most
 * five lines, rendered from the same results as the text and the JSON
 * (report/<command>_brief.c). What every command's brief shares is here:
 * the verdict line and the findings line. */
#ifndef MAILAUTH_REPORT_BRIEF_H
#define MAILAUTH_REPORT_BRIEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "finding.h"
#include "report/text.h"

/* Distinct finding codes named per severity; more are counted only. */
#define BRIEF_CODES 4

/* The findings of a result, by severity (enum finding_severity). */
struct brief_tally {
	size_t count[3];
	const char *codes[3][BRIEF_CODES];
	size_t ncodes[3];
	bool more[3];		/* codes beyond BRIEF_CODES */
};

/* Adds the findings of list. */
void brief_tally_add(struct brief_tally *t, const struct finding_list *list);
/* The first line: "SUBJECT: VERDICT", the verdict one word for scripts
 * (pass, fail, unknown, or the command's own: an SPF result, ready). */
void brief_verdict(FILE *f, const struct text_style *style,
    const char *subject, const char *verdict);
/* The last line: "2 errors (code, code), 1 warning (code)", or "no
 * problems found", with notes when there are any. */
void brief_findings(FILE *f, const struct text_style *style,
    const struct brief_tally *t);

#endif
