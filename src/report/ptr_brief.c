/* --brief for ptr: the verdict, the PTR names, the findings. */
#include "report/ptr.h"

#include <string.h>

#include "dns/answer.h"
#include "ptr/ptr.h"
#include "report/brief.h"
#include "util/arena.h"
#include "util/ip.h"
#include "util/safe.h"

/* Names shown on the PTR line; the rest are counted. */
#define BRIEF_NAMES 3

void
report_ptr_brief(FILE *f, const struct text_style *style,
    const char *verdict, const struct ptr_result *r)
{
	struct arena *a = arena_create();
	struct brief_tally t;
	char ip[IP_STRLEN];
	size_t i;

	memset(&t, 0, sizeof(t));
	brief_verdict(f, style, ip_format(&r->ip, ip), verdict);
	fprintf(f, "PTR %s:", r->reverse_name);
	for (i = 0; i < r->nnames && i < BRIEF_NAMES; i++) {
		fprintf(f, "%s %s (%s)", i ? "," : "",
		    safe_str(a, r->names[i].name),
		    r->names[i].forward_confirmed ? "confirmed" :
		    "not confirmed");
	}
	if (r->nnames > BRIEF_NAMES) {
		fprintf(f, " and %zu more", r->nnames - BRIEF_NAMES);
	}
	if (r->nnames == 0) {
		fprintf(f, " %s", r->answer ? dns_kind_name(r->answer->kind) :
		    "not asked");
	}
	fputc('\n', f);
	brief_tally_add(&t, &r->findings);
	brief_findings(f, style, &t);
	arena_destroy(a);
}
