/* --brief for spf: the verdict, the counts that decide it, the findings. */
#include "report/spf.h"

#include <string.h>

#include "bounds.h"
#include "report/brief.h"
#include "spf/eval.h"
#include "spf/walk.h"
#include "util/arena.h"
#include "util/ip.h"
#include "util/safe.h"

/* "matched: _netblocks.google.com ip4:209.85.128.0/17", "error at: D
 * TERM: why" for a term that ended in temperror or permerror, or why
 * none. */
static void
print_match(FILE *f, struct arena *a, const struct spf_eval *eval)
{
	const struct spf_eval_step *last = eval->npath ?
	    &eval->path[eval->npath - 1] : NULL;
	bool error = eval->result == SPF_RESULT_TEMPERROR ||
	    eval->result == SPF_RESULT_PERMERROR;

	if (last != NULL && last->term != NULL && error) {
		fprintf(f, "error at: %s %s%s%s\n", safe_str(a, last->domain),
		    safe_str(a, last->term), eval->reason ? ": " : "",
		    eval->reason ? safe_str(a, eval->reason) : "");
	} else if (last != NULL && last->term != NULL) {
		fprintf(f, "matched: %s %s\n", safe_str(a, last->domain),
		    safe_str(a, last->term));
	} else if (eval->reason != NULL) {
		fprintf(f, "why: %s\n", safe_str(a, eval->reason));
	}
}

void
report_spf_brief(FILE *f, const struct text_style *style, const char *verdict,
    const char *domain, const struct spf_walk *walk,
    const struct spf_eval_input *in, const struct spf_eval *eval)
{
	struct arena *a = arena_create();
	struct brief_tally t;
	char ip[IP_STRLEN];
	size_t i;

	memset(&t, 0, sizeof(t));
	if (eval != NULL) {
		brief_verdict(f, style, arena_printf(a, "%s for %s",
		    safe_str(a, in->domain), ip_format(&in->ip, ip)),
		    spf_result_name(eval->result));
		print_match(f, a, eval);
		fprintf(f, "evaluation: %u/%d lookups, %u/%d void lookups",
		    eval->lookups, SPF_LOOKUP_LIMIT, eval->voids,
		    SPF_VOID_LIMIT);
		if (walk != NULL) {
			fprintf(f, "; the walk's worst case: %s%u/%d",
			    walk->failed ? "at least " : "", walk->lookups,
			    SPF_LOOKUP_LIMIT);
		}
		fputc('\n', f);
	} else {
		brief_verdict(f, style, safe_str(a, domain), verdict);
		/* Behind a failed lookup the counts are lower bounds. */
		fprintf(f, "lookups %s%u/%d, void lookups %s%u/%d, records %zu, "
		    "depth %u\n", walk->failed ? "at least " : "",
		    walk->lookups, SPF_LOOKUP_LIMIT,
		    walk->failed ? "at least " : "", walk->voids,
		    SPF_VOID_LIMIT, walk->records, walk->levels);
	}
	if (eval != NULL) {
		brief_tally_add(&t, &eval->findings);
	}
	if (walk != NULL) {
		brief_tally_add(&t, &walk->findings);
		for (i = 0; i < walk->norder; i++) {
			brief_tally_add(&t, &walk->order[i]->findings);
		}
		brief_findings(f, style, &t);
	}
	arena_destroy(a);
}
