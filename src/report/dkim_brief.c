/* --brief for dkim: the verdict, the keys or signatures, the findings. */
#include "report/dkim.h"

#include <string.h>

#include "dkim/key.h"
#include "dkim/selectors.h"
#include "dkim/verify.h"
#include "report/brief.h"
#include "util/arena.h"
#include "util/safe.h"

/* "keys: google (rsa 2048), s1 (ed25519 256); none at s2", or why none. */
static void
print_keys(FILE *f, struct arena *a, const struct dkim_probe *p)
{
	size_t i, found = 0, missing = 0;

	fputs("keys:", f);
	for (i = 0; i < p->nsels; i++) {
		const struct dkim_key *k = p->sels[i].key;

		if (k != NULL) {
			fprintf(f, "%s %s (%s)", found++ ? "," : "",
			    safe_str(a, p->sels[i].selector),
			    report_dkim_key_summary(a, k, true));
		}
	}
	for (i = 0; i < p->nsels; i++) {
		if (p->sels[i].key == NULL) {
			fprintf(f, "%s %s", missing++ ? "," : found ?
			    "; none at" : " none at",
			    safe_str(a, p->sels[i].selector));
		}
	}
	if (found + missing == 0) {
		fputs(" none found", f);
	}
	if (p->probed) {
		fprintf(f, " (%zu common selectors asked)", p->tried);
	}
	fputc('\n', f);
}

void
report_dkim_signature_counts(FILE *f, const struct dkim_verification *v)
{
	const char *names[4];
	size_t counts[4], n = 0, i, k;

	for (i = 0; i < v->nsigs; i++) {
		const char *name = dkim_result_name(v->sigs[i].result);

		for (k = 0; k < n && strcmp(names[k], name) != 0; k++) {
		}
		if (k == n && n < 4) {
			names[n] = name;
			counts[n++] = 0;
		}
		counts[k < n ? k : n - 1]++;
	}
	fprintf(f, "signatures: %zu", v->nsigs);
	for (k = 0; k < n; k++) {
		fprintf(f, "%s%zu %s", k ? ", " : " (", counts[k], names[k]);
	}
	fputs(n ? ")\n" : "\n", f);
}

void
report_dkim_brief(FILE *f, const struct text_style *style,
    const char *verdict, const char *domain, const struct dkim_probe *probe,
    const struct dkim_verification *v)
{
	struct arena *a = arena_create();
	struct brief_tally t;
	size_t i;

	memset(&t, 0, sizeof(t));
	brief_verdict(f, style, domain ? safe_str(a, domain) : "message",
	    verdict);
	if (probe != NULL) {
		print_keys(f, a, probe);
		brief_tally_add(&t, &probe->findings);
		for (i = 0; i < probe->nsels; i++) {
			brief_tally_add(&t, &probe->sels[i].findings);
		}
	}
	if (v != NULL) {
		report_dkim_signature_counts(f, v);
		brief_tally_add(&t, &v->findings);
	}
	brief_findings(f, style, &t);
	arena_destroy(a);
}
