/* The result model below the protocols: findings (what is wrong, or worth
 * knowing, where, and how to fix it) and the verdict they add up to. The
 * protocol modules produce them, report/ prints them, cmd/ turns the
 * verdict into the exit status. Findings and their strings live in the
 * arena given to finding_add(). */
#ifndef MAILAUTH_FINDING_H
#define MAILAUTH_FINDING_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* Three answers, never two: what a command concludes. */
enum verdict {
	VERDICT_PASS,		/* nothing that fails */
	VERDICT_FAIL,		/* a problem that was seen */
	VERDICT_UNKNOWN,	/* none seen, but DNS left a question open */
};

/* How a checklist's items join (check's requirements, smtp's hosts): a
 * known failure decides, whatever else is unknown; otherwise anything
 * unknown leaves the whole unknown. */
enum verdict verdict_join(enum verdict a, enum verdict b);
/* "pass", "fail" or "unknown". */
const char *verdict_name(enum verdict v);

enum finding_severity {
	FINDING_ERROR,
	FINDING_WARNING,
	FINDING_INFO,
};

struct finding {
	enum finding_severity severity;
	/* What the finding makes of its command's verdict: FAIL for an
	 * error that was seen, UNKNOWN for a lookup that failed (DNS could
	 * not answer), PASS (no effect) for warnings and notes. finding_add()
	 * derives it from the severity; a DNS failure sets UNKNOWN. */
	enum verdict verdict;
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
	/* The name the findings of this list concern (finding->domain),
	 * unless the caller sets another; NULL: none. */
	const char *domain;
};

/* Appends a finding; message and fix are copied. Returns it so the caller
 * can set domain, term, offset or verdict. */
struct finding *finding_add(struct arena *a, struct finding_list *list,
    enum finding_severity severity, const char *code, const char *fix,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Returns "error", "warning" or "info". */
const char *finding_severity_name(enum finding_severity s);
/* Number of findings of the severity in the list. */
size_t finding_count(const struct finding_list *list,
    enum finding_severity severity);

/* Findings counted by severity (as the text's last line shows them) and
 * the verdict they add up to: unknown when a lookup failed (what it hid
 * may change the rest), else fail when an error was seen, else pass.
 * Zero it, then add lists. */
struct finding_tally {
	size_t errors;
	size_t warnings;
	size_t infos;
	enum verdict verdict;
};

/* Adds the findings of list to *t. */
void finding_tally(const struct finding_list *list, struct finding_tally *t);
/* The first finding with this code in the list, or NULL. */
const struct finding *finding_find(const struct finding_list *list,
    const char *code);
/* True when a finding with this code is in the list. */
bool finding_has(const struct finding_list *list, const char *code);

#endif
