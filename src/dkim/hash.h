/* What a signature header field covers and its check (RFC 6376 §3.7):
 * the hash of the canonical body, the canonical header data, and the
 * public-key operation. DKIM-Signature and the ARC fields of RFC 8617
 * (§5.1, §5.2) share them. Nothing here allocates beyond the arena and
 * the strbuf passed in. */
#ifndef MAILAUTH_DKIM_HASH_H
#define MAILAUTH_DKIM_HASH_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim/key.h"
#include "dkim/message.h"
#include "dkim/signature.h"

struct arena;
struct strbuf;

/* SHA-256: the one hash RFC 8301 leaves to signatures. */
#define DKIM_HASH_LEN 32

/* The SHA-256 of the canonical body, cut to its first length octets when
 * length >= 0 (l=). False when the canonical body is shorter than that. */
bool dkim_body_hash(const struct dkim_message *m, bool relaxed,
    long long length, unsigned char md[DKIM_HASH_LEN]);
/* RFC 6376 §5.4.2: appends the header fields named in names,
 * canonicalized: for each name, the last field of that name not taken
 * yet; a name with none left adds nothing. */
void dkim_hash_headers(struct arena *a, const struct dkim_message *m,
    const char *const *names, size_t n, bool relaxed, struct strbuf *out);
/* RFC 6376 §3.7: appends the signature field h itself, canonicalized,
 * with the value of its tag b emptied and without its final CRLF. b
 * comes from the field's tag list (see dkim_sig_tags). */
void dkim_hash_sig_field(struct strbuf *out, const struct dkim_header *h,
    const struct taglist_tag *b, bool relaxed);
/* True when sig is key k's signature over data by alg: RSA PKCS#1 v1.5
 * with SHA-256 (RFC 6376 §3.3), or Ed25519 over the SHA-256 of data
 * (RFC 8463 §3). */
bool dkim_check_signature(const struct dkim_key *k, enum dkim_alg alg,
    const void *data, size_t len, const unsigned char *sig, size_t siglen);

#endif
