/* The RFC 7489 Organizational Domain: the Public Suffix List through
 * libpsl (Debian's list, or libpsl's built-in one when newer). */
#ifndef MAILAUTH_DMARC_PSL_H
#define MAILAUTH_DMARC_PSL_H

struct arena;
struct dmarc_psl;

/* Loads the newest list available; never NULL (falls back to libpsl's
 * built-in list). Free with dmarc_psl_destroy(). */
struct dmarc_psl *dmarc_psl_create(void);
void dmarc_psl_destroy(struct dmarc_psl *psl);
/* RFC 7489 §3.2: the public suffix plus one label, in the arena; the
 * domain itself when it is a public suffix or has no registrable part. */
const char *dmarc_psl_org_domain(const struct dmarc_psl *psl,
    struct arena *a, const char *domain);

#endif
