#include "dkim/hash.h"

#include <openssl/evp.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/strbuf.h"

bool
dkim_body_hash(const struct dkim_message *m, bool relaxed, long long length,
    unsigned char md[DKIM_HASH_LEN])
{
	struct strbuf body = STRBUF_INIT;
	unsigned int mdlen = 0;
	size_t n;

	dkim_canon_body(&body, m->body, m->bodylen, relaxed);
	n = body.len;
	if (length >= 0 && (unsigned long long)length > n) {
		strbuf_finish(&body);
		return false;
	}
	if (length >= 0) {
		n = (size_t)length;
	}
	EVP_Digest(body.buf ? body.buf : "", n, md, &mdlen, EVP_sha256(),
	    NULL);
	strbuf_finish(&body);
	return true;
}

void
dkim_hash_headers(struct arena *a, const struct dkim_message *m,
    const char *const *names, size_t n, bool relaxed, struct strbuf *out)
{
	bool *used = arena_calloc(a, m->nheaders ? m->nheaders : 1,
	    sizeof(bool));
	size_t i;

	for (i = 0; i < n; i++) {
		size_t j = m->nheaders;

		while (j > 0) {
			j--;
			if (!used[j] && strcasecmp(m->headers[j].name,
			    names[i]) == 0) {
				used[j] = true;
				dkim_canon_header(out, m->headers[j].raw,
				    m->headers[j].rawlen, relaxed);
				break;
			}
		}
	}
}

void
dkim_hash_sig_field(struct strbuf *out, const struct dkim_header *h,
    const struct taglist_tag *b, bool relaxed)
{
	struct strbuf self = STRBUF_INIT;
	size_t start = (size_t)(h->value - h->raw) + b->offset, end;

	/* From the '=' after the tag name to the ';' or the end: the
	 * value, with the blanks around it. */
	while (start < h->rawlen && h->raw[start] != '=') {
		start++;
	}
	start++;
	for (end = start; end < h->rawlen && h->raw[end] != ';'; end++) {
	}
	strbuf_add(&self, h->raw, start);
	strbuf_add(&self, h->raw + end, h->rawlen - end);
	dkim_canon_header(out, strbuf_str(&self), self.len, relaxed);
	/* The field goes in without its CRLF. */
	out->len -= 2;
	out->buf[out->len] = '\0';
	strbuf_finish(&self);
}

bool
dkim_check_signature(const struct dkim_key *k, enum dkim_alg alg,
    const void *data, size_t len, const unsigned char *sig, size_t siglen)
{
	EVP_PKEY *pkey = dkim_key_load(k);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	bool ed = alg == DKIM_ALG_ED25519_SHA256, ok = false;

	if (pkey != NULL && ctx != NULL && sig != NULL &&
	    (ed || alg == DKIM_ALG_RSA_SHA256) &&
	    EVP_DigestVerifyInit(ctx, NULL, ed ? NULL : EVP_sha256(), NULL,
	    pkey) == 1) {
		if (ed) {
			EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
			ok = EVP_DigestVerify(ctx, sig, siglen, md, mdlen) == 1;
		} else {
			ok = EVP_DigestVerify(ctx, sig, siglen, data, len) == 1;
		}
	}
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ok;
}
