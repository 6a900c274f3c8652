#include "dkim/verify.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "util/arena.h"
#include "util/strbuf.h"


const char *
dkim_result_name(enum dkim_result r)
{
	switch (r) {
	case DKIM_RESULT_PASS: return "pass";
	case DKIM_RESULT_FAIL: return "fail";
	case DKIM_RESULT_TEMPERROR: return "temperror";
	}
	return "fail";
}

static const char *
tag(const struct dkim_signature *sig, const char *name)
{
	const struct taglist_tag *t = taglist_find(&sig->tags, name);

	return t ? t->value : NULL;
}

static long long
number(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || !isdigit((unsigned char)*s)) {
		return -1;
	}
	v = strtoll(s, &end, 10);
	return *end == '\0' ? v : -2;
}

/* h= is a colon-separated list of field names (RFC 6376 §3.5). */
static void
split_headers(struct arena *a, struct dkim_signature *sig)
{
	size_t n = 1, k = 0;
	const char *p;

	for (p = sig->h; *p; p++) {
		n += *p == ':';
	}
	sig->signed_headers = arena_calloc(a, n, sizeof(char *));
	for (p = sig->h; k < n;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)p[len - 1])) {
			len--;
		}
		sig->signed_headers[k++] = arena_memdup(a, p, len);
		p = colon ? colon + 1 : p + len;
	}
	sig->nsigned = k;
}

static bool
fail(struct dkim_signature *sig, const char *reason)
{
	if (sig->reason == NULL) {
		sig->result = DKIM_RESULT_FAIL;
		sig->reason = reason;
	}
	return false;
}

/* RFC 6376 §6.1.1: the tags a verifier requires, and their values. */
static bool
read_signature(struct arena *a, struct dkim_signature *sig, long long now)
{
	const char *c, *v;

	const struct dkim_header *h = sig->header;
	size_t k;
	bool from = false;

	taglist_parse(a, h->value, h->rawlen - (size_t)(h->value - h->raw),
	    &sig->tags);
	v = tag(sig, "v");
	sig->d = tag(sig, "d");
	sig->s = tag(sig, "s");
	sig->a = tag(sig, "a");
	sig->i = tag(sig, "i");
	sig->bh = tag(sig, "bh");
	sig->b = tag(sig, "b");
	sig->h = tag(sig, "h");
	c = tag(sig, "c");
	sig->c = c ? c : "simple/simple";
	sig->length = number(tag(sig, "l"));
	sig->timestamp = number(tag(sig, "t"));
	sig->expires = number(tag(sig, "x"));
	if (sig->tags.error != NULL) {
		return fail(sig, "malformed signature: bad tag list");
	}
	if (v == NULL || strcmp(v, "1") != 0 || !sig->d || !sig->s ||
	    !sig->a || !sig->bh || !sig->b || !sig->h) {
		return fail(sig, "malformed signature: v=1, a=, b=, bh=, d=, "
		    "h= and s= are required (RFC 6376 §6.1.1)");
	}
	split_headers(a, sig);
	for (k = 0; k < sig->nsigned; k++) {
		from |= strcasecmp(sig->signed_headers[k], "from") == 0;
	}
	if (!from) {
		return fail(sig, "h= does not include From (RFC 6376 §5.4)");
	}
	if (sig->i != NULL && (strchr(sig->i, '@') == NULL ||
	    !dns_name_is_under(strrchr(sig->i, '@') + 1, sig->d))) {
		return fail(sig, "i= is not within d= (RFC 6376 §3.5)");
	}
	sig->header_relaxed = strncasecmp(sig->c, "relaxed", 7) == 0;
	sig->body_relaxed = strchr(sig->c, '/') &&
	    strcasecmp(strchr(sig->c, '/') + 1, "relaxed") == 0;
	sig->key_name = arena_printf(a, "%s._domainkey.%s", sig->s, sig->d);
	if (sig->length == -2) {
		return fail(sig, "malformed signature: bad l=");
	}
	if (sig->expires >= 0 && sig->expires < now) {
		return fail(sig, "signature expired (x= is in the past)");
	}
	if (strcasecmp(sig->a, "rsa-sha1") == 0) {
		return fail(sig, "rsa-sha1 signatures are forbidden "
		    "(RFC 8301 §3.1)");
	}
	if (strcasecmp(sig->a, "rsa-sha256") != 0 &&
	    strcasecmp(sig->a, "ed25519-sha256") != 0) {
		return fail(sig, "unknown signing algorithm a=");
	}
	return true;
}

const struct dns_txt *
dkim_key_txt(struct arena *a, const struct dns_answer *ans, bool *several)
{
	const struct dns_txt *found = NULL;
	size_t i, len;

	*several = ans->kind == DNS_ANS_RECORDS && ans->count > 1;
	for (i = 0; ans->kind == DNS_ANS_RECORDS && i < ans->count; i++) {
		const char *text = dns_txt_join(a, &ans->txt[i], &len);

		if (found == NULL && dkim_key_is_record(text, len)) {
			found = &ans->txt[i];
		}
	}
	return found;
}

/* The key for a signature, checked against it (RFC 6376 §6.1.2, RFC 8301
 * §3.2). False with a reason when it cannot be used. */
static bool
check_key(struct arena *a, struct dkim_signature *sig)
{
	const struct dns_answer *ans = sig->key_answer;
	const struct dns_txt *txt;
	const struct dkim_key *k;
	bool several;
	size_t len;
	const char *text;

	if (dns_kind_is_failure(ans->kind)) {
		sig->result = DKIM_RESULT_TEMPERROR;
		sig->reason = arena_printf(a, "key lookup failed (%s)",
		    dns_kind_name(ans->kind));
		return false;
	}
	txt = dkim_key_txt(a, ans, &several);
	if (txt == NULL) {
		return fail(sig, arena_printf(a, "key not found at %s",
		    sig->key_name));
	}
	text = dns_txt_join(a, txt, &len);
	sig->key = k = dkim_key_parse(a, text, len);
	if (k->revoked) {
		return fail(sig, "key revoked (empty p=)");
	}
	if (k->error != NULL || k->key_error != NULL) {
		return fail(sig, arena_printf(a, "key record unusable: %s",
		    k->error ? k->error : k->key_error));
	}
	if ((k->type == DKIM_KEY_RSA) !=
	    (strncasecmp(sig->a, "rsa-", 4) == 0)) {
		return fail(sig, "key type does not match a=");
	}
	if (!dkim_key_allows_hash(k, "sha256")) {
		return fail(sig, "the key's h= does not allow sha256");
	}
	if (k->type == DKIM_KEY_RSA && k->bits < DKIM_RSA_MIN_BITS) {
		return fail(sig, arena_printf(a, "RSA key of %u bits, under "
		    "the 1024 RFC 8301 requires", k->bits));
	}
	return true;
}

/* The b= value of the signature's own header field emptied, as the
 * header hash takes it (RFC 6376 §3.7). */
static char *
without_b_value(struct arena *a, const struct dkim_signature *sig,
    size_t *len)
{
	const struct dkim_header *h = sig->header;
	const struct taglist_tag *b = taglist_find(&sig->tags, "b");
	size_t start = (size_t)(h->value - h->raw) + b->offset, end;
	struct strbuf sb = STRBUF_INIT;
	char *out;

	start += 1;
	while (start < h->rawlen && h->raw[start] != '=') {
		start++;
	}
	start++;
	for (end = start; end < h->rawlen && h->raw[end] != ';'; end++) {
	}
	strbuf_add(&sb, h->raw, start);
	strbuf_add(&sb, h->raw + end, h->rawlen - end);
	out = arena_memdup(a, strbuf_str(&sb), sb.len);
	*len = sb.len;
	strbuf_finish(&sb);
	return out;
}

/* RFC 6376 §5.4.2: each name in h= takes the last field of that name not
 * taken yet; a name with none left adds nothing. */
static void
signed_header_data(struct arena *a, const struct dkim_signature *sig,
    const struct dkim_message *m, struct strbuf *out)
{
	bool *used = arena_calloc(a, m->nheaders, sizeof(bool));
	size_t i, len;
	char *self;

	for (i = 0; i < sig->nsigned; i++) {
		size_t j = m->nheaders;

		while (j > 0) {
			j--;
			if (!used[j] && strcasecmp(m->headers[j].name,
			    sig->signed_headers[i]) == 0) {
				used[j] = true;
				dkim_canon_header(out, m->headers[j].raw,
				    m->headers[j].rawlen, sig->header_relaxed);
				break;
			}
		}
	}
	self = without_b_value(a, sig, &len);
	dkim_canon_header(out, self, len, sig->header_relaxed);
	out->len -= 2;	/* the signature field goes in without its CRLF */
	out->buf[out->len] = '\0';
}

static bool
check_body_hash(struct arena *a, struct dkim_signature *sig,
    const struct dkim_message *m)
{
	struct strbuf body = STRBUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	unsigned char *want;
	size_t wantlen = 0, n;

	dkim_canon_body(&body, m->body, m->bodylen, sig->body_relaxed);
	n = body.len;
	if (sig->length >= 0) {
		if ((size_t)sig->length > n) {
			strbuf_finish(&body);
			return fail(sig, "l= is longer than the body");
		}
		n = (size_t)sig->length;
	}
	EVP_Digest(body.buf ? body.buf : "", n, md, &mdlen, EVP_sha256(),
	    NULL);
	strbuf_finish(&body);
	want = dkim_base64_decode(a, sig->bh, &wantlen);
	sig->body_hash_ok = want != NULL && wantlen == mdlen &&
	    memcmp(want, md, mdlen) == 0;
	return sig->body_hash_ok ? true : fail(sig, "body hash mismatch: the "
	    "body changed after signing");
}

/* rsa-sha256 verifies the header data; ed25519-sha256 signs its SHA-256
 * hash with PureEdDSA (RFC 8463 §3). */
static bool
check_signature(struct arena *a, struct dkim_signature *sig,
    const struct dkim_message *m)
{
	struct strbuf data = STRBUF_INIT;
	EVP_PKEY *pkey = dkim_key_load(sig->key);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE], *b;
	unsigned int mdlen = 0;
	size_t blen = 0;
	bool ed = sig->key->type == DKIM_KEY_ED25519, ok = false;

	signed_header_data(a, sig, m, &data);
	b = dkim_base64_decode(a, sig->b, &blen);
	if (pkey != NULL && ctx != NULL && b != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, ed ? NULL : EVP_sha256(), NULL,
	    pkey) == 1) {
		if (ed) {
			EVP_Digest(data.buf, data.len, md, &mdlen,
			    EVP_sha256(), NULL);
			ok = EVP_DigestVerify(ctx, b, blen, md, mdlen) == 1;
		} else {
			ok = EVP_DigestVerify(ctx, b, blen,
			    (const unsigned char *)data.buf, data.len) == 1;
		}
	}
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	strbuf_finish(&data);
	return ok ? true : fail(sig, "signature mismatch: the signed header "
	    "fields changed, or the key is not the one that signed");
}

static void
verify_one(struct arena *a, struct dkim_signature *sig,
    const struct dkim_message *m)
{
	if (!check_key(a, sig) || !check_body_hash(a, sig, m) ||
	    !check_signature(a, sig, m)) {
		return;
	}
	sig->result = DKIM_RESULT_PASS;
}

struct dkim_verification *
dkim_verify(struct arena *a, dkim_lookup_fn lookup, void *lookup_ctx,
    const struct dkim_message *msg, long long now)
{
	struct dkim_verification *v = arena_alloc(a, sizeof(*v));
	size_t i;

	v->msg = msg;
	v->sigs = arena_calloc(a, DKIM_MAX_SIGNATURES, sizeof(*v->sigs));
	for (i = 0; i < msg->nheaders && v->nsigs < DKIM_MAX_SIGNATURES;
	    i++) {
		struct dkim_signature *sig;

		if (strcasecmp(msg->headers[i].name, "DKIM-Signature") != 0) {
			continue;
		}
		sig = &v->sigs[v->nsigs++];
		sig->header = &msg->headers[i];
		if (!read_signature(a, sig, now)) {
			continue;
		}
		/* Every key is asked for at once. */
		sig->key_answer = lookup(lookup_ctx, sig->key_name, DNS_T_TXT);
		v->pending += sig->key_answer == NULL;
	}
	for (i = 0; v->pending == 0 && i < v->nsigs; i++) {
		if (v->sigs[i].reason == NULL) {
			verify_one(a, &v->sigs[i], msg);
		}
	}
	return v;
}

void
dkim_verify_lint(struct arena *a, struct dkim_verification *v)
{
	size_t i;

	if (v->nsigs == 0) {
		finding_add(a, &v->findings, FINDING_ERROR, "dkim-unsigned",
		    "make the mail server sign outgoing mail (OpenDKIM, "
		    "rspamd, or the provider's DKIM setting)",
		    "the message has no DKIM-Signature");
	}
	for (i = 0; i < v->nsigs; i++) {
		const struct dkim_signature *sig = &v->sigs[i];
		struct finding *f;

		if (sig->result == DKIM_RESULT_TEMPERROR) {
			f = finding_add(a, &v->findings, FINDING_ERROR,
			    "dkim-dns-error", "retry, or check the signing "
			    "domain's DNS servers", "signature %zu: %s", i + 1,
			    sig->reason);
		} else if (sig->result == DKIM_RESULT_FAIL) {
			f = finding_add(a, &v->findings, FINDING_ERROR,
			    "dkim-signature-fail", NULL, "signature %zu "
			    "(d=%s s=%s) fails: %s", i + 1, sig->d ? sig->d :
			    "?", sig->s ? sig->s : "?", sig->reason);
		} else {
			f = NULL;
		}
		if (f != NULL) {
			f->domain = sig->key_name;
		}
		if (sig->length >= 0) {
			f = finding_add(a, &v->findings, FINDING_WARNING,
			    "dkim-body-length", "sign the whole body (no l=)",
			    "signature %zu has l=%lld: text appended after that "
			    "many octets still verifies", i + 1, sig->length);
			f->domain = sig->key_name;
		}
	}
}
