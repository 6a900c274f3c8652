/* Findings: what is wrong (or worth knowing), where, and how to fix it.
 * They are data produced by the protocol modules and printed by report/.
 * Findings and their strings live in the arena given to finding_add(). */
#ifndef MAILAUTH_REPORT_FINDING_H
#define MAILAUTH_REPORT_FINDING_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

enum finding_severity {
	FINDING_ERROR,
	FINDING_WARNING,
	FINDING_INFO,
};

struct finding {
	enum finding_severity severity;
	const char *code;	/* stable identifier, e.g. "spf-lookup-limit" */
	const char *message;	/* what is wrong, one sentence */
	const char *fix;	/* how to fix it, or NULL */
	const char *domain;	/* the name it concerns, or NULL */
	const char *term;	/* the term or tag it concerns, or NULL */
	long offset;		/* byte offset in the record, or -1 */
	struct finding *next;
};

struct finding_list {
	struct finding *head, *tail;
	size_t count;
};

/* Appends a finding; message and fix are copied. Returns it so the caller
 * can set domain, term or offset. */
struct finding *finding_add(struct arena *a, struct finding_list *list,
    enum finding_severity severity, const char *code, const char *fix,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Returns "error", "warning" or "info". */
const char *finding_severity_name(enum finding_severity s);
/* Number of findings of the severity in the list. */
size_t finding_count(const struct finding_list *list,
    enum finding_severity severity);
/* What decides an exit code: errors, and DNS failures (codes ending in
 * "-dns-error") that kept a check from a verdict. */
struct finding_tally {
	size_t errors;
	size_t warnings;
	size_t infos;
	bool dns_failure;
};

/* Adds the findings of list to *t. */
void finding_tally(const struct finding_list *list, struct finding_tally *t);
/* The first finding with this code in the list, or NULL. */
const struct finding *finding_find(const struct finding_list *list,
    const char *code);
/* True when a finding with this code is in the list. */
bool finding_has(const struct finding_list *list, const char *code);

#endif
