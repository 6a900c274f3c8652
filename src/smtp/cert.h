/* What a server's certificate says, and whether TLSA records match it
 * (RFC 6698, RFC 7672 §3.1), read with libcrypto from DER bytes. No I/O:
 * the bytes come from a TLS handshake or a test. Strings live in the
 * arena passed in. */
#ifndef MAILAUTH_SMTP_CERT_H
#define MAILAUTH_SMTP_CERT_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/answer.h"

struct arena;

struct smtp_cert_info {
	const char *subject;	/* RFC 2253 form */
	const char *issuer;
	const char **names;	/* subjectAltName dNSNames */
	size_t nnames;
	const char *not_before;	/* ISO 8601, UTC */
	const char *not_after;
	long long not_after_epoch;	/* seconds since 1970 */
	bool self_signed;	/* issued by its own key */
};

/* Describes a DER certificate; false when the bytes are not one. */
bool smtp_cert_describe(struct arena *a, const struct dns_bytes *der,
    struct smtp_cert_info *out);
/* True when the certificate is valid for host (RFC 6125 rules, one
 * left-most wildcard label; OpenSSL's X509_check_host). */
bool smtp_cert_matches_host(const struct dns_bytes *der, const char *host);

enum tlsa_outcome {
	TLSA_MATCH,
	TLSA_NO_MATCH,
	TLSA_UNUSABLE,		/* RFC 7672 §3.1.3: usages 0 and 1, or
				 * unknown parameters */
};

struct tlsa_check {
	enum tlsa_outcome outcome;
	const char *why;	/* one sentence */
};

/* Checks each TLSA record against the chain the server sent (leaf first),
 * as RFC 7672 §3.1 says: DANE-EE(3) matches the leaf and nothing else
 * about it is checked; DANE-TA(2) matches a certificate above the leaf,
 * which must then chain from the leaf to it with host as its name. Fills
 * out[0..n). */
void smtp_tlsa_check(struct arena *a, const struct dns_tlsa *recs, size_t n,
    const struct dns_bytes *chain, size_t nchain, const char *host,
    struct tlsa_check *out);
/* The data of a TLSA 3 1 1 record for the certificate (RFC 7671 §5.1:
 * DANE-EE, its SubjectPublicKeyInfo, SHA-256), in lower-case hex; NULL
 * when the bytes are not a certificate. */
const char *smtp_cert_tlsa_311(struct arena *a, const struct dns_bytes *der);
/* Bytes as lower-case hex, in the arena (TLSA data, RFC 6698 §2.2). */
const char *smtp_cert_hex(struct arena *a, const unsigned char *data,
    size_t len);
/* "tlsa-match", "no-match" or "unusable". */
const char *tlsa_outcome_name(enum tlsa_outcome o);

#endif
