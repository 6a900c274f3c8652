/* --brief for message: the receiver's DMARC verdict, what decided it,
 * the findings. */
#include "report/message.h"

#include <string.h>

#include "arc/arc.h"
#include "dmarc/record.h"
#include "message/message.h"
#include "report/brief.h"
#include "report/dkim.h"
#include "spf/eval.h"
#include "util/arena.h"
#include "util/safe.h"

void
report_message_brief(FILE *f, const struct text_style *style,
    const struct message_result *r)
{
	struct arena *a = arena_create();
	struct brief_tally t;

	memset(&t, 0, sizeof(t));
	brief_verdict(f, style, r->author.domain ? safe_str(a,
	    r->author.domain) : "message", dmarc_verdict_name(r->eval.result));
	fprintf(f, "spf: %s, arc: %s\n", r->spf ?
	    spf_result_name(r->spf->result) : "not evaluated",
	    r->arc ? arc_chain_name(r->arc->chain) : "none");
	if (r->dkim != NULL) {
		report_dkim_signature_counts(f, r->dkim);
	}
	if (r->eval.policy_tag != NULL) {
		fprintf(f, "policy: %s=%s%s, a failing message gets %s\n",
		    r->eval.policy_tag, dmarc_policy_name(r->eval.policy),
		    r->eval.testing ? " (testing)" : "",
		    dmarc_policy_name(r->eval.disposition));
	}
	brief_tally_add(&t, &r->findings);
	brief_findings(f, style, &t);
	arena_destroy(a);
}
