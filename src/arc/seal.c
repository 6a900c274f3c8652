/* ARC-Message-Signature and ARC-Seal: their tags, keys and signatures,
 * checked with the hashing DKIM uses (dkim/hash.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arc/arc.h"
#include "dkim/hash.h"
#include "dns/txt.h"
#include "util/arena.h"
#include "util/strbuf.h"

static bool
malformed(struct arc_sig *sig, const char *why)
{
	sig->error = why;
	return false;
}

static const char *
value(const struct arc_sig *sig, const char *name)
{
	const struct taglist_tag *t = taglist_find(&sig->tags, name);

	return t ? t->value : NULL;
}

/* RFC 6376 §3.2: a tag-list with a tag twice is invalid as a whole. */
static bool
has_duplicate(const struct taglist *tl)
{
	size_t i, k;

	for (i = 0; i < tl->n; i++) {
		for (k = i + 1; k < tl->n; k++) {
			if (strcmp(tl->tags[i].name, tl->tags[k].name) == 0) {
				return true;
			}
		}
	}
	return false;
}

/* RFC 6376 §3.2: no empty tag-spec inside the list (";;"); one after
 * the last ';' is allowed. */
static bool
has_empty_part(const char *p, const char *end)
{
	bool seen = false;

	for (; p < end; p++) {
		if (*p == ';') {
			if (!seen) {
				return true;
			}
			seen = false;
		} else if (!isspace((unsigned char)*p)) {
			seen = true;
		}
	}
	return false;
}

/* RFC 6376 §3.5: d= and s= are domain names (letters, digits, hyphens;
 * selectors sometimes carry an underscore too). */
static bool
domain_syntax(const char *s)
{
	const char *p;
	size_t label = 0;

	for (p = s; *p; p++) {
		if (*p == '.') {
			if (label == 0) {
				return false;
			}
			label = 0;
		} else if (isalnum((unsigned char)*p) || *p == '-' ||
		    *p == '_') {
			label++;
		} else {
			return false;
		}
	}
	return label > 0;
}

static bool
digits(const char *s)
{
	if (s == NULL || *s == '\0') {
		return false;
	}
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s)) {
			return false;
		}
	}
	return true;
}

static enum dkim_alg
algorithm(const char *a)
{
	if (strcmp(a, "rsa-sha256") == 0) {
		return DKIM_ALG_RSA_SHA256;
	}
	if (strcmp(a, "ed25519-sha256") == 0) {
		return DKIM_ALG_ED25519_SHA256;
	}
	return strcmp(a, "rsa-sha1") == 0 ? DKIM_ALG_RSA_SHA1 :
	    DKIM_ALG_UNKNOWN;
}

/* c= of an AMS (RFC 6376 §3.5): header[/body], simple or relaxed. */
static bool
canonicalization(struct arc_sig *sig)
{
	const char *slash = strchr(sig->c, '/');
	size_t hlen = slash ? (size_t)(slash - sig->c) : strlen(sig->c);

	if ((hlen == 7 && strncmp(sig->c, "relaxed", 7) == 0) ||
	    (hlen == 6 && strncmp(sig->c, "simple", 6) == 0)) {
		sig->header_relaxed = hlen == 7;
	} else {
		return false;
	}
	if (slash == NULL || strcmp(slash + 1, "simple") == 0) {
		return true;
	}
	sig->body_relaxed = strcmp(slash + 1, "relaxed") == 0;
	return sig->body_relaxed;
}

static void
split_h(struct arena *a, struct arc_sig *sig)
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
		const char *s = p;

		while (len > 0 && isspace((unsigned char)*s)) {
			s++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)s[len - 1])) {
			len--;
		}
		sig->signed_headers[k++] = arena_memdup(a, s, len);
		p = colon ? colon + 1 : p + strlen(p);
	}
	sig->nsigned = k;
}

/* RFC 8617 §4.1.2: an AMS is a DKIM-Signature without v= and with the
 * instance in i=; it must not sign an ARC-Seal. */
static bool
read_ams(struct arena *a, struct arc_sig *sig)
{
	size_t k;

	if (!sig->bh || !sig->h || !sig->bh[0] || !sig->h[0]) {
		return malformed(sig, "an ARC-Message-Signature needs bh= and h= "
		    "(RFC 8617 §4.1.2)");
	}
	sig->c = sig->c ? sig->c : "simple/simple";
	if (!canonicalization(sig)) {
		return malformed(sig, "unknown canonicalization c=");
	}
	split_h(a, sig);
	for (k = 0; k < sig->nsigned; k++) {
		if (strcasecmp(sig->signed_headers[k], "ARC-Seal") == 0) {
			return malformed(sig, "h= signs an ARC-Seal (RFC 8617 "
			    "§4.1.2)");
		}
	}
	sig->length = value(sig, "l") ? -2 : -1;
	if (digits(value(sig, "l"))) {
		sig->length = strtoll(value(sig, "l"), NULL, 10);
	}
	return sig->length != -2 ? true : malformed(sig, "bad l=");
}

bool
arc_sig_read(struct arena *a, struct arc_sig *sig, bool seal, long long now)
{
	const struct dkim_header *h = sig->header;
	const char *t, *x;

	taglist_parse(a, h->value, h->rawlen - (size_t)(h->value - h->raw),
	    &sig->tags);
	if (sig->tags.error != NULL || has_duplicate(&sig->tags) ||
	    has_empty_part(h->value, h->raw + h->rawlen)) {
		return malformed(sig, "malformed tag list (RFC 6376 §3.2)");
	}
	sig->d = value(sig, "d");
	sig->s = value(sig, "s");
	sig->a = value(sig, "a");
	sig->b = value(sig, "b");
	sig->bh = value(sig, "bh");
	sig->c = value(sig, "c");
	sig->h = value(sig, "h");
	sig->cv = value(sig, "cv");
	t = value(sig, "t");
	x = value(sig, "x");
	if (!sig->d || !sig->s || !sig->a || !sig->b || !sig->d[0] ||
	    !sig->s[0] || !sig->b[0]) {
		return malformed(sig, "a=, b=, d= and s= are required");
	}
	if (!domain_syntax(sig->d) || !domain_syntax(sig->s)) {
		return malformed(sig, "d= and s= must be domain names");
	}
	if ((t != NULL && !digits(t)) || (x != NULL && !digits(x))) {
		return malformed(sig, "t= and x= are decimal numbers");
	}
	if (x != NULL && strtoll(x, NULL, 10) < now) {
		return malformed(sig, "expired (x= is in the past)");
	}
	sig->alg = algorithm(sig->a);
	if (sig->alg == DKIM_ALG_RSA_SHA1) {
		return malformed(sig, "rsa-sha1 is forbidden (RFC 8301 §3.1)");
	}
	if (sig->alg == DKIM_ALG_UNKNOWN) {
		return malformed(sig, "unknown algorithm a=");
	}
	sig->key_name = arena_printf(a, "%s._domainkey.%s", sig->s, sig->d);
	if (seal) {
		/* RFC 8617 §4.1.3: an ARC-Seal has no h= and no bh=. */
		return sig->h == NULL && sig->bh == NULL ? true : malformed(sig,
		    "an ARC-Seal has no h= or bh= (RFC 8617 §4.1.3)");
	}
	return read_ams(a, sig);
}

static bool
refuse(struct arc_sig *sig, enum arc_check check, const char *why)
{
	sig->check = check;
	sig->reason = why;
	return false;
}

/* The key at s._domainkey.d, usable for this signature (RFC 6376
 * §6.1.2, RFC 8301 §3.2). */
static bool
check_key(struct arena *a, struct arc_sig *sig)
{
	const struct dns_answer *ans = sig->key_answer;
	const struct dns_txt *txt;
	const struct dkim_key *k;
	const char *text;
	bool several;
	size_t len;

	if (dns_kind_is_failure(ans->kind)) {
		return refuse(sig, ARC_CHECK_TEMPERROR, arena_printf(a, "key "
		    "lookup failed (%s)", dns_kind_name(ans->kind)));
	}
	txt = dkim_key_txt(a, ans, &several);
	if (txt == NULL) {
		return refuse(sig, ARC_CHECK_FAIL, arena_printf(a, "key not "
		    "found at %s", sig->key_name));
	}
	text = dns_txt_join(a, txt, &len);
	sig->key = k = dkim_key_parse(a, text, len);
	if (k->revoked || k->error != NULL || k->key_error != NULL) {
		return refuse(sig, ARC_CHECK_FAIL, k->revoked ? "key revoked" :
		    arena_printf(a, "key record unusable: %s", k->error ?
		    k->error : k->key_error));
	}
	if ((k->type == DKIM_KEY_RSA) != (sig->alg == DKIM_ALG_RSA_SHA256) ||
	    !dkim_key_allows_hash(k, "sha256")) {
		return refuse(sig, ARC_CHECK_FAIL, "the key does not fit a=");
	}
	if (k->type == DKIM_KEY_RSA && k->bits < DKIM_RSA_MIN_BITS) {
		return refuse(sig, ARC_CHECK_FAIL, arena_printf(a, "RSA key of "
		    "%u bits, under the 1024 RFC 8301 requires", k->bits));
	}
	return true;
}

static void
check_signature(struct arena *a, struct arc_sig *sig,
    const struct strbuf *data, const char *what)
{
	size_t blen = 0;
	unsigned char *b = dkim_base64_decode(a, sig->b, &blen);

	if (dkim_check_signature(sig->key, sig->alg, data->buf, data->len, b,
	    blen)) {
		sig->check = ARC_CHECK_PASS;
	} else {
		refuse(sig, ARC_CHECK_FAIL, what);
	}
}

void
arc_verify_ams(struct arena *a, struct arc_sig *sig,
    const struct dkim_message *msg)
{
	unsigned char md[DKIM_HASH_LEN], *want;
	struct strbuf data = STRBUF_INIT;
	size_t wantlen = 0;

	if (!check_key(a, sig)) {
		return;
	}
	want = dkim_base64_decode(a, sig->bh, &wantlen);
	if (!dkim_body_hash(msg, sig->body_relaxed, sig->length, md) ||
	    want == NULL || wantlen != DKIM_HASH_LEN ||
	    memcmp(want, md, DKIM_HASH_LEN) != 0) {
		refuse(sig, ARC_CHECK_FAIL, "body hash mismatch: the body "
		    "changed after this instance signed it");
		return;
	}
	dkim_hash_headers(a, msg, sig->signed_headers, sig->nsigned,
	    sig->header_relaxed, &data);
	dkim_hash_sig_field(&data, sig->header, taglist_find(&sig->tags, "b"),
	    sig->header_relaxed);
	check_signature(a, sig, &data, "signature mismatch: signed header "
	    "fields changed after this instance signed them");
	strbuf_finish(&data);
}

void
arc_verify_seal(struct arena *a, struct arc_sig *sig,
    const struct arc_set *sets, unsigned instance)
{
	struct strbuf data = STRBUF_INIT;
	unsigned k;

	if (!check_key(a, sig)) {
		return;
	}
	/* RFC 8617 §5.1.1: the ARC Sets 1..instance in order, each AAR,
	 * AMS, AS, relaxed; this seal last without its b= value. */
	for (k = 0; k < instance; k++) {
		const struct dkim_header *f[3] = { sets[k].aar_header,
		    sets[k].ams.header, sets[k].seal.header };
		int j;

		for (j = 0; j < 3; j++) {
			if (k + 1 == instance && j == 2) {
				dkim_hash_sig_field(&data, f[j],
				    taglist_find(&sig->tags, "b"), true);
			} else {
				dkim_canon_header(&data, f[j]->raw,
				    f[j]->rawlen, true);
			}
		}
	}
	check_signature(a, sig, &data, "seal mismatch: an ARC Set changed "
	    "after this instance sealed the chain");
	strbuf_finish(&data);
}
