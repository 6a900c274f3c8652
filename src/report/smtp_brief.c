/* --brief for smtp: the verdict, the hosts probed, why, the findings. */
#include "report/smtp.h"

#include <string.h>

#include "report/brief.h"
#include "smtp/smtp.h"
#include "util/arena.h"
#include "util/ip.h"
#include "util/safe.h"

void
report_smtp_brief(FILE *f, const struct text_style *style,
    const struct smtp_result *r)
{
	struct arena *a = arena_create();
	struct brief_tally t;
	char ip[IP_STRLEN];
	size_t i, addrs = 0;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < r->nhosts; i++) {
		addrs += r->hosts[i].naddrs;
	}
	brief_verdict(f, style, r->in->name ? safe_str(a, r->in->name) :
	    ip_format(&r->in->ip, ip), verdict_name(r->verdict));
	fprintf(f, "hosts: %zu, addresses: %zu%s\n", r->nhosts, addrs,
	    r->probed ? "" : " (not probed)");
	fprintf(f, "why: %s\n", safe_str(a, smtp_summary(a, r)));
	/* The counts only: the findings lie in every part of the result. */
	t.count[FINDING_ERROR] = smtp_count(r, FINDING_ERROR);
	t.count[FINDING_WARNING] = smtp_count(r, FINDING_WARNING);
	t.count[FINDING_INFO] = smtp_count(r, FINDING_INFO);
	brief_findings(f, style, &t);
	arena_destroy(a);
}
