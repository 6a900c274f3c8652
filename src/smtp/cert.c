#include "smtp/cert.h"

#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/arena.h"

static X509 *
parse(const struct dns_bytes *der)
{
	const unsigned char *p = der->data;

	return d2i_X509(NULL, &p, (long)der->len);
}

static const char *
name_text(struct arena *a, const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len;
	const char *out;

	X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data(bio, &data);
	out = arena_memdup(a, data, len > 0 ? (size_t)len : 0);
	BIO_free(bio);
	return out;
}

static const char *
time_text(struct arena *a, const ASN1_TIME *t, long long *epoch)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
		return NULL;
	}
	if (epoch != NULL) {
		*epoch = (long long)timegm(&tm);
	}
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

static void
alt_names(struct arena *a, X509 *x, struct smtp_cert_info *out)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL);
	int i, n = gens ? sk_GENERAL_NAME_num(gens) : 0;

	out->names = arena_calloc(a, (size_t)n + 1, sizeof(*out->names));
	for (i = 0; i < n; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		if (g->type == GEN_DNS) {
			out->names[out->nnames++] = arena_memdup(a,
			    ASN1_STRING_get0_data(g->d.dNSName),
			    (size_t)ASN1_STRING_length(g->d.dNSName));
		}
	}
	GENERAL_NAMES_free(gens);
}

bool
smtp_cert_describe(struct arena *a, const struct dns_bytes *der,
    struct smtp_cert_info *out)
{
	X509 *x = parse(der);

	memset(out, 0, sizeof(*out));
	if (x == NULL) {
		return false;
	}
	out->subject = name_text(a, X509_get_subject_name(x));
	out->issuer = name_text(a, X509_get_issuer_name(x));
	out->not_before = time_text(a, X509_get0_notBefore(x), NULL);
	out->not_after = time_text(a, X509_get0_notAfter(x),
	    &out->not_after_epoch);
	out->self_signed = X509_check_issued(x, x) == X509_V_OK;
	alt_names(a, x, out);
	X509_free(x);
	return true;
}

bool
smtp_cert_matches_host(const struct dns_bytes *der, const char *host)
{
	X509 *x = parse(der);
	bool ok;

	if (x == NULL || host == NULL) {
		X509_free(x);
		return false;
	}
	ok = X509_check_host(x, host, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
	    NULL) == 1;
	X509_free(x);
	return ok;
}

const char *
tlsa_outcome_name(enum tlsa_outcome o)
{
	switch (o) {
	case TLSA_MATCH: return "match";
	case TLSA_NO_MATCH: return "no-match";
	case TLSA_UNUSABLE: return "unusable";
	}
	return "unusable";
}

/* RFC 6698 §2.1.2-2.1.3: the selected bytes of a certificate, hashed as
 * the matching type says, compared with the record's data. */
static bool
matches(const struct dns_tlsa *t, X509 *x)
{
	unsigned char *sel = NULL, md[EVP_MAX_MD_SIZE];
	const unsigned char *cmp;
	unsigned mdlen = 0;
	size_t cmplen;
	int len;
	bool ok = false;

	len = t->selector == 0 ? i2d_X509(x, &sel) :
	    i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &sel);
	if (len <= 0) {
		return false;
	}
	if (t->mtype == 0) {
		cmp = sel;
		cmplen = (size_t)len;
	} else {
		if (EVP_Digest(sel, (size_t)len, md, &mdlen, t->mtype == 1 ?
		    EVP_sha256() : EVP_sha512(), NULL) != 1) {
			OPENSSL_free(sel);
			return false;
		}
		cmp = md;
		cmplen = mdlen;
	}
	ok = cmplen == t->len && memcmp(cmp, t->data, cmplen) == 0;
	OPENSSL_free(sel);
	return ok;
}

/* RFC 7672 §3.2.2: with DANE-TA, the leaf must chain to the trust anchor
 * and carry the host's name; OpenSSL checks both (a partial chain ends at
 * the anchor, which need not be self-signed). */
static const char *
chain_to_anchor(struct arena *a, X509 *leaf, STACK_OF(X509) *untrusted,
    X509 *anchor, const char *host)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	const char *why = NULL;

	X509_STORE_add_cert(store, anchor);
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1) {
		why = "the chain could not be checked";
	} else {
		if (host != NULL) {
			X509_VERIFY_PARAM_set1_host(
			    X509_STORE_CTX_get0_param(ctx), host, 0);
		}
		if (X509_verify_cert(ctx) != 1) {
			why = arena_printf(a, "the certificate does not chain "
			    "to it: %s", X509_verify_cert_error_string(
			    X509_STORE_CTX_get_error(ctx)));
		}
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return why;
}

static void
check_one(struct arena *a, const struct dns_tlsa *t, X509 **certs,
    size_t ncerts, STACK_OF(X509) *untrusted, const char *host,
    struct tlsa_check *out)
{
	size_t i;

	out->outcome = TLSA_NO_MATCH;
	if (t->usage < 2) {
		out->outcome = TLSA_UNUSABLE;
		out->why = "usages 0 and 1 (PKIX) are not used for SMTP "
		    "(RFC 7672 §3.1.3): publish usage 3 or 2";
		return;
	}
	if (t->usage > 3 || t->selector > 1 || t->mtype > 2) {
		out->outcome = TLSA_UNUSABLE;
		out->why = "unknown usage, selector or matching type";
		return;
	}
	if (ncerts == 0) {
		out->why = "no certificate to match";
		return;
	}
	if (t->usage == 3) {
		if (matches(t, certs[0])) {
			out->outcome = TLSA_MATCH;
			out->why = "matches the server's certificate";
		} else {
			out->why = "does not match the server's certificate";
		}
		return;
	}
	for (i = 1; i < ncerts; i++) {
		if (matches(t, certs[i])) {
			out->why = chain_to_anchor(a, certs[0], untrusted,
			    certs[i], host);
			if (out->why == NULL) {
				out->outcome = TLSA_MATCH;
				out->why = arena_printf(a, "matches certificate "
				    "%zu of the chain, which the server's "
				    "certificate chains to", i + 1);
			}
			return;
		}
	}
	out->why = "matches no certificate above the server's in the chain it "
	    "sent";
}

const char *
smtp_cert_hex(struct arena *a, const unsigned char *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *out = arena_alloc(a, 2 * len + 1);
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 15];
	}
	out[2 * len] = '\0';
	return out;
}

const char *
smtp_cert_tlsa_311(struct arena *a, const struct dns_bytes *der)
{
	unsigned char *spki = NULL, md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	const char *out = NULL;
	X509 *x = parse(der);
	int len = x ? i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki) : 0;

	if (len > 0 && EVP_Digest(spki, (size_t)len, md, &mdlen, EVP_sha256(),
	    NULL) == 1) {
		out = smtp_cert_hex(a, md, mdlen);
	}
	OPENSSL_free(spki);
	X509_free(x);
	return out;
}

void
smtp_tlsa_check(struct arena *a, const struct dns_tlsa *recs, size_t n,
    const struct dns_bytes *chain, size_t nchain, const char *host,
    struct tlsa_check *out)
{
	X509 **certs = arena_calloc(a, nchain ? nchain : 1, sizeof(*certs));
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	size_t i, ncerts = 0;

	for (i = 0; i < nchain; i++) {
		X509 *x = parse(&chain[i]);

		if (x == NULL) {
			break;
		}
		certs[ncerts++] = x;
		if (i > 0) {
			sk_X509_push(untrusted, x);
		}
	}
	for (i = 0; i < n; i++) {
		check_one(a, &recs[i], certs, ncerts, untrusted, host, &out[i]);
	}
	sk_X509_free(untrusted);
	for (i = 0; i < ncerts; i++) {
		X509_free(certs[i]);
	}
}
