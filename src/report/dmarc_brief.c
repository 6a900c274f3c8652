/* --brief for dmarc: the verdict, the effective policy, the findings. */
#include "report/dmarc.h"

#include <string.h>

#include "dmarc/discover.h"
#include "dmarc/record.h"
#include "report/brief.h"
#include "util/arena.h"
#include "util/safe.h"

void
report_dmarc_brief(FILE *f, const struct text_style *style,
    const char *verdict, const struct dmarc_result *r)
{
	struct arena *a = arena_create();
	struct brief_tally t;

	memset(&t, 0, sizeof(t));
	brief_verdict(f, style, safe_str(a, r->domain), verdict);
	if (r->policy_step != NULL) {
		fprintf(f, "policy: %s, subdomains %s, non-existent "
		    "subdomains %s%s (record at %s)\n",
		    dmarc_policy_name(r->p_domain),
		    dmarc_policy_name(r->p_sub), dmarc_policy_name(r->p_nx),
		    r->testing ? ", testing" : "",
		    safe_str(a, r->policy_step->name));
	} else {
		fprintf(f, "policy: %s\n", r->walk_failed ? "unknown (the "
		    "walk failed)" : "none found");
	}
	brief_tally_add(&t, &r->findings);
	brief_findings(f, style, &t);
	arena_destroy(a);
}
