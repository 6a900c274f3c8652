#include "dmarc/psl.h"

#include <libpsl.h>
#include <stdlib.h>

#include "dns/name.h"
#include "util/arena.h"
#include "util/xalloc.h"

struct dmarc_psl {
	psl_ctx_t *ctx;
	bool owned;	/* psl_latest() contexts are freed, built-in not */
};

struct dmarc_psl *
dmarc_psl_create(void)
{
	struct dmarc_psl *psl = xcalloc(1, sizeof(*psl));

	/* NULL: the distribution's list (Debian's publicsuffix package) if
	 * it is newer than the one built into libpsl. */
	psl->ctx = psl_latest(NULL);
	psl->owned = psl->ctx != NULL;
	if (psl->ctx == NULL) {
		psl->ctx = (psl_ctx_t *)psl_builtin();
	}
	return psl;
}

void
dmarc_psl_destroy(struct dmarc_psl *psl)
{
	if (psl == NULL) {
		return;
	}
	if (psl->owned) {
		psl_free(psl->ctx);
	}
	free(psl);
}

const char *
dmarc_psl_org_domain(const struct dmarc_psl *psl, struct arena *a,
    const char *domain)
{
	char *lower = dns_name_normalize(a, domain);
	const char *org = psl->ctx ? psl_registrable_domain(psl->ctx, lower) :
	    NULL;

	return org ? arena_strdup(a, org) : lower;
}
