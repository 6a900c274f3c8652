/* ARC-Message-Signature and ARC-Seal: their tags, keys and signatures,
 * checked with the hashing DKIM uses (dkim/hash.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arc/arc.h"
#include "dkim/hash.h"
#include "util/arena.h"
#include "util/strbuf.h"

static bool
malformed(struct arc_sig *sig, const char *why)
{
	sig->error = why;
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
	if (!dkim_canon_parse(sig->c, &sig->header_relaxed,
	    &sig->body_relaxed)) {
		return malformed(sig, "unknown canonicalization c=");
	}
	sig->c = sig->c ? sig->c : "simple/simple";
	sig->nsigned = taglist_split_value(a, sig->h, &sig->signed_headers);
	for (k = 0; k < sig->nsigned; k++) {
		if (strcasecmp(sig->signed_headers[k], "ARC-Seal") == 0) {
			return malformed(sig, "h= signs an ARC-Seal (RFC 8617 "
			    "§4.1.2)");
		}
	}
	sig->length = dkim_tag_number(taglist_value(&sig->tags, "l"));
	return sig->length != -2 ? true : malformed(sig, "bad l=");
}

bool
arc_sig_read(struct arena *a, struct arc_sig *sig, bool seal, long long now)
{
	const struct dkim_header *h = sig->header;
	const char *t, *x;
	size_t offset;


	if (dkim_sig_tags(a, h, &sig->tags, &offset) != NULL ||
	    has_empty_part(h->value, h->raw + h->rawlen)) {
		return malformed(sig, "malformed tag list (RFC 6376 §3.2)");
	}
	sig->d = taglist_value(&sig->tags, "d");
	sig->s = taglist_value(&sig->tags, "s");
	sig->a = taglist_value(&sig->tags, "a");
	sig->b = taglist_value(&sig->tags, "b");
	sig->bh = taglist_value(&sig->tags, "bh");
	sig->c = taglist_value(&sig->tags, "c");
	sig->h = taglist_value(&sig->tags, "h");
	sig->cv = taglist_value(&sig->tags, "cv");
	t = taglist_value(&sig->tags, "t");
	x = taglist_value(&sig->tags, "x");
	if (!sig->d || !sig->s || !sig->a || !sig->b || !sig->d[0] ||
	    !sig->s[0] || !sig->b[0]) {
		return malformed(sig, "a=, b=, d= and s= are required");
	}
	if (!domain_syntax(sig->d) || !domain_syntax(sig->s)) {
		return malformed(sig, "d= and s= must be domain names");
	}
	if (dkim_tag_number(t) == -2 || dkim_tag_number(x) == -2) {
		return malformed(sig, "t= and x= are decimal numbers");
	}
	if (x != NULL && dkim_tag_number(x) < now) {
		return malformed(sig, "expired (x= is in the past)");
	}
	sig->alg = dkim_alg_parse(sig->a);
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

/* The key at s._domainkey.d, usable for this signature (dkim/verify.h
 * checks it as for DKIM). */
static bool
check_key(struct arena *a, struct arc_sig *sig)
{
	bool temporary;
	const char *why = dkim_key_check(a, sig->key_answer, sig->key_name,
	    sig->alg, &sig->key, &temporary);

	return why == NULL ? true : refuse(sig, temporary ?
	    ARC_CHECK_TEMPERROR : ARC_CHECK_FAIL, why);
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
