#include "dkim/verify.h"

#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "dkim/hash.h"
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
	case DKIM_RESULT_PERMERROR: return "permerror";
	case DKIM_RESULT_TEMPERROR: return "temperror";
	}
	return "fail";
}

/* The first reason a signature does not pass is the one kept. */
static bool
conclude(struct dkim_signature *sig, enum dkim_result result,
    const char *reason)
{
	if (sig->reason == NULL) {
		sig->result = result;
		sig->reason = reason;
	}
	return false;
}

static bool
unusable(struct dkim_signature *sig, const char *reason)
{
	return conclude(sig, DKIM_RESULT_PERMERROR, reason);
}

static bool
fail(struct dkim_signature *sig, const char *reason)
{
	return conclude(sig, DKIM_RESULT_FAIL, reason);
}

static void
read_tags(struct dkim_signature *sig)
{
	const struct taglist *tl = &sig->tags;
	const char *c = taglist_value(tl, "c");

	sig->d = taglist_value(tl, "d");
	sig->s = taglist_value(tl, "s");
	sig->a = taglist_value(tl, "a");
	sig->i = taglist_value(tl, "i");
	sig->q = taglist_value(tl, "q");
	sig->bh = taglist_value(tl, "bh");
	sig->b = taglist_value(tl, "b");
	sig->h = taglist_value(tl, "h");
	sig->c = c ? c : "simple/simple";
	sig->length = dkim_tag_number(taglist_value(tl, "l"));
	sig->timestamp = dkim_tag_number(taglist_value(tl, "t"));
	sig->expires = dkim_tag_number(taglist_value(tl, "x"));
}

/* RFC 6376 §3.5: q= lists query methods; those a verifier does not know
 * are ignored, and dns/txt is the only one there is. */
static bool
check_query_methods(struct dkim_signature *sig)
{
	if (sig->q == NULL) {
		return true;
	}
	if (!taglist_value_has(sig->q, "dns/txt")) {
		return unusable(sig, "q= does not list dns/txt, the only key "
		    "query method (RFC 6376 §3.5)");
	}
	sig->q_differs = strcmp(sig->q, "dns/txt") != 0;
	return true;
}

/* RFC 6376 §3.5: i= is dkim-quoted-printable; its domain is d= or a
 * subdomain of it. */
static bool
check_identity(struct arena *a, struct dkim_signature *sig)
{
	const char *at;

	if (sig->i == NULL) {
		return true;
	}
	sig->identity = dkim_qp_decode(a, sig->i);
	if (sig->identity == NULL) {
		return unusable(sig, "i= is not valid dkim-quoted-printable "
		    "(RFC 6376 §2.11)");
	}
	at = strrchr(sig->identity, '@');
	if (at == NULL || !dns_name_is_under(at + 1, sig->d)) {
		return unusable(sig, "i= is not within d= (RFC 6376 §3.5)");
	}
	return true;
}

/* RFC 6376 §6.1.1: the tags a verifier requires, and their values. */
static bool
read_signature(struct arena *a, struct dkim_signature *sig, long long now)
{
	const char *v, *error;
	size_t k, offset;
	bool from = false;

	error = dkim_sig_tags(a, sig->header, &sig->tags, &offset);
	read_tags(sig);
	if (error != NULL) {
		return unusable(sig, arena_printf(a, "malformed signature: %s",
		    error));
	}
	v = taglist_value(&sig->tags, "v");
	if (v == NULL || strcmp(v, "1") != 0 || !sig->d || !sig->s ||
	    !sig->a || !sig->bh || !sig->b || !sig->h) {
		return unusable(sig, "malformed signature: v=1, a=, b=, bh=, "
		    "d=, h= and s= are required (RFC 6376 §6.1.1)");
	}
	sig->nsigned = taglist_split_value(a, sig->h, &sig->signed_headers);
	for (k = 0; k < sig->nsigned; k++) {
		from |= strcasecmp(sig->signed_headers[k], "from") == 0;
	}
	sig->key_name = arena_printf(a, "%s._domainkey.%s", sig->s, sig->d);
	if (!from) {
		return unusable(sig, "h= does not include From (RFC 6376 "
		    "§5.4)");
	}
	if (!check_identity(a, sig) || !check_query_methods(sig)) {
		return false;
	}
	if (!dkim_canon_parse(sig->c, &sig->header_relaxed,
	    &sig->body_relaxed)) {
		return unusable(sig, "unknown canonicalization c= (simple or "
		    "relaxed, RFC 6376 §3.5)");
	}
	if (sig->length == -2) {
		return unusable(sig, "malformed signature: bad l=");
	}
	if (sig->expires >= 0 && sig->expires < now) {
		return unusable(sig, "signature expired (x= is in the past)");
	}
	sig->alg = dkim_alg_parse(sig->a);
	if (sig->alg == DKIM_ALG_RSA_SHA1) {
		return unusable(sig, "rsa-sha1 signatures are forbidden "
		    "(RFC 8301 §3.1)");
	}
	if (sig->alg == DKIM_ALG_UNKNOWN) {
		return unusable(sig, "unknown signing algorithm a=");
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

/* RFC 6376 §3.6.1: t=s allows no subdomain in i=. */
static bool
identity_allowed(const struct dkim_signature *sig)
{
	const char *at = sig->identity ? strrchr(sig->identity, '@') : NULL;

	return !sig->key->strict || at == NULL ||
	    dns_name_equal(at + 1, sig->d);
}

const char *
dkim_key_check(struct arena *a, const struct dns_answer *ans,
    const char *name, enum dkim_alg alg, const struct dkim_key **key,
    bool *temporary)
{
	const struct dns_txt *txt;
	const struct dkim_key *k;
	bool several;
	size_t len;
	const char *text;

	*temporary = dns_kind_is_failure(ans->kind);
	if (*temporary) {
		return arena_printf(a, "key lookup failed (%s)",
		    dns_kind_name(ans->kind));
	}
	txt = dkim_key_txt(a, ans, &several);
	if (txt == NULL) {
		return arena_printf(a, "key not found at %s", name);
	}
	text = dns_txt_join(a, txt, &len);
	*key = k = dkim_key_parse(a, text, len);
	if (k->revoked) {
		return "key revoked (empty p=)";
	}
	if (k->error != NULL || k->key_error != NULL) {
		return arena_printf(a, "key record unusable: %s", k->error ?
		    k->error : k->key_error);
	}
	if ((k->type == DKIM_KEY_RSA) != (alg == DKIM_ALG_RSA_SHA256)) {
		return "key type does not match a=";
	}
	if (!dkim_key_allows_hash(k, "sha256")) {
		return "the key's h= does not allow sha256";
	}
	if (!dkim_key_for_email(k)) {
		return "the key is not for mail: its s= lists neither email "
		    "nor * (RFC 6376 §3.6.1)";
	}
	if (k->type == DKIM_KEY_RSA && k->bits < DKIM_RSA_MIN_BITS) {
		return arena_printf(a, "RSA key of %u bits, under the 1024 RFC "
		    "8301 requires", k->bits);
	}
	return NULL;
}

/* The key for a signature, checked against it. False with a reason when
 * it cannot be used. */
static bool
check_key(struct arena *a, struct dkim_signature *sig)
{
	bool temporary;
	const char *why = dkim_key_check(a, sig->key_answer, sig->key_name,
	    sig->alg, &sig->key, &temporary);

	if (why != NULL) {
		return temporary ? conclude(sig, DKIM_RESULT_TEMPERROR, why) :
		    unusable(sig, why);
	}
	if (!identity_allowed(sig)) {
		return unusable(sig, "the key has t=s: the domain of i= must "
		    "be d= itself, not a subdomain (RFC 6376 §3.6.1)");
	}
	return true;
}

static bool
check_body_hash(struct arena *a, struct dkim_signature *sig,
    const struct dkim_message *m)
{
	unsigned char md[DKIM_HASH_LEN];
	unsigned char *want;
	size_t wantlen = 0;

	if (!dkim_body_hash(m, sig->body_relaxed, sig->length, md)) {
		return fail(sig, "l= is longer than the body");
	}
	want = dkim_base64_decode(a, sig->bh, &wantlen);
	sig->body_hash_ok = want != NULL && wantlen == DKIM_HASH_LEN &&
	    memcmp(want, md, DKIM_HASH_LEN) == 0;
	return sig->body_hash_ok ? true : fail(sig, "body hash mismatch: the "
	    "body changed after signing");
}

static bool
check_signature(struct arena *a, struct dkim_signature *sig,
    const struct dkim_message *m)
{
	struct strbuf data = STRBUF_INIT;
	unsigned char *b;
	size_t blen = 0;
	bool ok;

	dkim_hash_headers(a, m, sig->signed_headers, sig->nsigned,
	    sig->header_relaxed, &data);
	dkim_hash_sig_field(&data, sig->header, taglist_find(&sig->tags, "b"),
	    sig->header_relaxed);
	b = dkim_base64_decode(a, sig->b, &blen);
	ok = dkim_check_signature(sig->key, sig->alg, data.buf, data.len, b,
	    blen);
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
dkim_verify(struct arena *a, dns_lookup_fn lookup, void *lookup_ctx,
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

/* RFC 5322 §3.6: exactly one From. With two, a signature can cover one
 * while the reader is shown the other (RFC 6376 §8.15). */
static void
lint_from(struct arena *a, struct dkim_verification *v)
{
	size_t n = dkim_message_count(v->msg, "from");

	if (n == 0) {
		finding_add(a, &v->findings, FINDING_ERROR, "dkim-no-from",
		    "give the message one From header field", "the message "
		    "has no From header field: RFC 5322 requires one, and "
		    "DKIM signs it (RFC 6376 §5.4)");
	} else if (n > 1) {
		finding_add(a, &v->findings, FINDING_ERROR, "dkim-multiple-from",
		    "find what added a From field: a message has exactly one "
		    "(RFC 5322 §3.6)", "the message has %zu From header "
		    "fields: a signature can cover one while the reader is "
		    "shown another (RFC 6376 §8.15)", n);
	}
}

static struct finding *
lint_result(struct arena *a, struct dkim_verification *v, size_t i)
{
	const struct dkim_signature *sig = &v->sigs[i];
	const char *d = sig->d ? sig->d : "?", *s = sig->s ? sig->s : "?";
	struct finding *f;

	switch (sig->result) {
	case DKIM_RESULT_TEMPERROR:
		f = finding_add(a, &v->findings, FINDING_ERROR,
		    "dkim-dns-error", "retry, or check the signing domain's "
		    "DNS servers", "signature %zu: %s", i + 1, sig->reason);
		f->verdict = VERDICT_UNKNOWN;
		return f;
	case DKIM_RESULT_FAIL:
		return finding_add(a, &v->findings, FINDING_ERROR,
		    "dkim-signature-fail", NULL, "signature %zu (d=%s s=%s) "
		    "fails: %s", i + 1, d, s, sig->reason);
	case DKIM_RESULT_PERMERROR:
		return finding_add(a, &v->findings, FINDING_ERROR,
		    "dkim-signature-permerror", NULL, "signature %zu (d=%s "
		    "s=%s) cannot be verified: %s", i + 1, d, s, sig->reason);
	case DKIM_RESULT_PASS:
		break;
	}
	return NULL;
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
	lint_from(a, v);
	for (i = 0; i < v->nsigs; i++) {
		const struct dkim_signature *sig = &v->sigs[i];
		struct finding *f = lint_result(a, v, i);

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
		if (sig->q_differs) {
			f = finding_add(a, &v->findings, FINDING_INFO,
			    "dkim-receivers-differ", "sign with q=dns/txt, or "
			    "leave q= out", "signature %zu has q=%s: RFC 6376 "
			    "§3.5 has verifiers ignore methods they do not know, "
			    "but dkimpy rejects any q= other than dns/txt", i + 1,
			    sig->q);
			f->domain = sig->key_name;
		}
	}
}
