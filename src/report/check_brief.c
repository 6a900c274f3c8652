/* --brief for check: its verdict, the checklist's counts, what to fix
 * first and how. */
#include "report/check.h"

#include "check/check.h"
#include "report/brief.h"
#include "util/arena.h"
#include "util/safe.h"

/* Statuses in the order the counts line names them. */
static const enum check_status order[] = {
	CHECK_PASS, CHECK_FAIL, CHECK_WARN, CHECK_UNKNOWN, CHECK_INFO,
};
#define NORDER (sizeof(order) / sizeof(order[0]))

/* "requirements: 4 pass, 1 fail (spf), 1 unknown (ptr), 3 info": the
 * ids of the required items that do not pass. */
static void
print_counts(FILE *f, const struct check_result *r)
{
	size_t i, k, n;

	fputs("requirements:", f);
	for (k = 0; k < NORDER; k++) {
		const char *sep = " (";

		for (i = 0, n = 0; i < r->nreqs; i++) {
			n += r->reqs[i].status == order[k];
		}
		fprintf(f, "%s %zu %s", k ? "," : "", n,
		    check_status_name(order[k]));
		for (i = 0; order[k] != CHECK_PASS && order[k] != CHECK_INFO &&
		    i < r->nreqs; i++) {
			if (r->reqs[i].status == order[k]) {
				fprintf(f, "%s%s", sep, r->reqs[i].id);
				sep = ", ";
			}
		}
		fputs(sep[0] == ',' ? ")" : "", f);
	}
	fputc('\n', f);
}

/* The first required item with the status, or NULL. */
static const struct check_requirement *
first_required(const struct check_result *r, enum check_status status)
{
	size_t i;

	for (i = 0; i < r->nreqs; i++) {
		if (r->reqs[i].required && r->reqs[i].status == status) {
			return &r->reqs[i];
		}
	}
	return NULL;
}

void
report_check_brief(FILE *f, const struct text_style *style,
    const struct check_result *r)
{
	struct arena *a = arena_create();
	const struct check_requirement *q = first_required(r, CHECK_FAIL);

	brief_verdict(f, style, safe_str(a, r->in->domain),
	    check_verdict_name(r->verdict));
	print_counts(f, r);
	/* What decides the verdict: a failure, else an unknown item. */
	if (q == NULL) {
		q = first_required(r, CHECK_UNKNOWN);
	}
	if (q != NULL) {
		fprintf(f, "first: %s %s\n", q->id, safe_str(a, q->message));
	}
	if (q != NULL && q->fix != NULL) {
		fprintf(f, "fix: %s\n", safe_str(a, q->fix));
	}
	arena_destroy(a);
}
