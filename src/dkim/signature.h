/* The tag values of signature header fields: DKIM-Signature (RFC 6376
 * §3.5), and the ARC-Message-Signature and ARC-Seal of RFC 8617, which
 * share its tag-list syntax, algorithms and canonicalizations. What each
 * field requires is its verifier's business; these read the values.
 * Strings returned live in the arena passed in. */
#ifndef MAILAUTH_DKIM_SIGNATURE_H
#define MAILAUTH_DKIM_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim/message.h"
#include "util/taglist.h"

struct arena;

enum dkim_alg {
	DKIM_ALG_UNKNOWN,
	DKIM_ALG_RSA_SHA1,	/* RFC 8301 §3.1: verifiers must refuse it */
	DKIM_ALG_RSA_SHA256,
	DKIM_ALG_ED25519_SHA256,	/* RFC 8463 */
};

/* Reads the tag list after the colon of h into out. Returns NULL, or why
 * the list is invalid as a whole (RFC 6376 §3.2: a part that is not
 * tag=value, or a tag that appears twice), with *offset set to the spot
 * in h->raw. */
const char *dkim_sig_tags(struct arena *a, const struct dkim_header *h,
    struct taglist *out, size_t *offset);
/* The a= value (RFC 6376 §3.5, RFC 8463 §3), case-insensitive. */
enum dkim_alg dkim_alg_parse(const char *a);
/* c= (RFC 6376 §3.5): "simple" or "relaxed" for the header, optionally
 * "/" and the same for the body (default simple). False, leaving the
 * outputs alone, for any other value. */
bool dkim_canon_parse(const char *c, bool *header_relaxed,
    bool *body_relaxed);
/* A decimal tag value (l=, t=, x=): -1 when absent (NULL), -2 when not
 * digits only. */
long long dkim_tag_number(const char *value);
/* Decodes dkim-quoted-printable (RFC 6376 §2.11): "=XX" becomes the
 * octet, folding whitespace goes. NULL when an "=" is not followed by
 * two hex digits, or an octet decodes to NUL. */
char *dkim_qp_decode(struct arena *a, const char *value);

#endif
