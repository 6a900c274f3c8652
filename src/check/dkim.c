/* The checklist's DKIM requirement (RFC 6376, RFC 8301): a usable key at
 * the given or a common selector; missing, revoked, too short and broken
 * keys each with their own code and the record that fixes them. */
#include <string.h>

#include "check/fix.h"
#include "check/req.h"
#include "dns/txt.h"
#include "util/arena.h"
#include "util/safe.h"

/* The answers Gmail gives a sender without DKIM (Google's sender
 * guidelines). */
static const char *const codes_dkim[] = { "4.7.30", "5.7.30", NULL };

/* A placeholder in a DKIM key record: only the signer has the key. */
#define DKIM_RECORD "v=DKIM1; k=rsa; p=PUBLIC-KEY-IN-BASE64"

/* A published, usable key: what DNS can show of DKIM. */
static const struct dkim_selector *
usable_key(const struct dkim_probe *p, bool *weak)
{
	size_t i;

	*weak = false;
	for (i = 0; i < p->nsels; i++) {
		const struct dkim_selector *s = &p->sels[i];

		if (s->key != NULL && !s->key->revoked && s->key->bits > 0 &&
		    (s->key->type != DKIM_KEY_RSA ||
		    s->key->bits >= DKIM_RSA_MIN_BITS) &&
		    dkim_key_allows_hash(s->key, "sha256") &&
		    dkim_key_for_email(s->key)) {
			*weak = s->key->testing || (s->key->type ==
			    DKIM_KEY_RSA && s->key->bits < DKIM_RSA_GOOD_BITS);
			return s;
		}
	}
	return NULL;
}

/* The first error finding of a selector, or NULL. */
static const struct finding *
first_error(const struct dkim_selector *s)
{
	const struct finding *f;

	for (f = s->findings.head; f != NULL; f = f->next) {
		if (f->severity == FINDING_ERROR) {
			return f;
		}
	}
	return NULL;
}

/* The key record at s without the tag that keeps it from mail: h= that
 * allows only sha1 (RFC 8301 §3.1), s= without email (RFC 6376 §3.6.1);
 * their defaults allow every hash and every service. NULL for other
 * problems, whose record only the signer can give. */
static const char *
key_without(struct arena *a, const struct dkim_selector *s,
    const char *code)
{
	const char *tag = strcmp(code, "dkim-sha1-only") == 0 ? "h" :
	    strcmp(code, "dkim-key-not-for-mail") == 0 ? "s" : NULL;
	const char *text;
	size_t len;

	if (tag == NULL || s->txt == NULL) {
		return NULL;
	}
	text = dns_txt_join(a, s->txt, &len);
	return check_txt_record(a, s->name, check_tags_without(a, text, len,
	    tag));
}

/* Why no usable key: the lookups that failed first (a key may be
 * there), then what the records say. */
static void
dkim_problem(struct arena *a, struct check_requirement *q,
    const struct check_result *r, enum check_status bad)
{
	const struct dkim_probe *p = r->dkim;
	const struct dkim_selector *key = NULL, *dangling = NULL, *s;
	const struct finding *f;
	const char *domain = safe_str(a, r->in->domain);
	size_t i;

	for (f = p->findings.head; f != NULL; f = f->next) {
		if (f->verdict == VERDICT_UNKNOWN &&
		    check_req_set(q, CHECK_UNKNOWN, "dkim-lookup-failed",
		    f->message)) {
			q->fix = f->fix;
		}
	}
	for (i = 0; i < p->nsels; i++) {
		s = &p->sels[i];
		if (dns_kind_is_failure(s->answer->kind)) {
			check_req_failed(a, q, "dkim-lookup-failed", NULL,
			    s->answer);
		}
		dangling = dangling ? dangling : s->dangling ? s : NULL;
		key = key ? key : s->txt != NULL ? s : NULL;
	}
	if (q->status == CHECK_UNKNOWN) {
		return;
	} else if (dangling != NULL) {
		f = first_error(dangling);
		check_req_set(q, bad, "dkim-cname-dangling", f->message);
		q->fix = f->fix;
	} else if (key != NULL && key->key != NULL && key->key->revoked) {
		check_req_set(q, bad, "dkim-key-revoked", arena_printf(a, "the "
		    "key at %s is revoked (empty p=): signatures with it fail",
		    key->name));
		q->fix = arena_printf(a, "publish the current public key at %s, "
		    "or sign with a selector whose key is published",
		    key->name);
		q->fix_records = check_txt_record(a, key->name, DKIM_RECORD);
	} else if (key != NULL && key->key != NULL && key->key->type ==
	    DKIM_KEY_RSA && key->key->bits > 0 &&
	    key->key->bits < DKIM_RSA_MIN_BITS) {
		check_req_set(q, bad, "dkim-key-too-short", arena_printf(a,
		    "the key at %s has %u bits: receivers refuse RSA keys under "
		    "%d (RFC 8301)", key->name, key->key->bits,
		    DKIM_RSA_MIN_BITS));
		q->fix = arena_printf(a, "generate a 2048-bit key (opendkim-"
		    "genkey -b 2048 -d %s -s NEWSELECTOR), publish it at a new "
		    "selector, sign with it, then remove the key at %s", domain,
		    key->name);
		q->fix_records = check_txt_record(a, arena_printf(a,
		    "NEWSELECTOR._domainkey.%s", r->in->domain), DKIM_RECORD);
	} else if (key != NULL && (f = first_error(key)) != NULL) {
		check_req_set(q, bad, "dkim-key-broken", arena_printf(a, "the "
		    "key record at %s cannot be used: %s", key->name,
		    f->message));
		q->fix = arena_printf(a, "%s (at %s)", f->fix ? f->fix :
		    "correct the record", key->name);
		q->fix_records = key_without(a, key, f->code);
	} else if (p->probed) {
		check_req_set(q, bad, "dkim-key-missing", arena_printf(a, "no "
		    "DKIM key found at the %zu common selectors", p->tried));
		q->fix = arena_printf(a, "give the selector your server signs "
		    "with (-s SELECTOR: the s= tag of the DKIM-Signature of a "
		    "message it sent), or publish its public key at "
		    "SELECTOR._domainkey.%s", domain);
	} else {
		s = &p->sels[0];
		check_req_set(q, bad, "dkim-key-missing", arena_printf(a, "no "
		    "DKIM key at %s (%s)", s->name,
		    dns_kind_name(s->answer->kind)));
		q->fix = arena_printf(a, "publish the public key your server "
		    "signs with at %s (opendkim-genkey -b 2048 -d %s -s %s, or "
		    "rspamadm dkim_keygen -b 2048 -d %s -s %s, writes it)",
		    s->name, domain, s->selector, domain, s->selector);
		q->fix_records = check_txt_record(a, s->name, DKIM_RECORD);
	}
}

enum check_status
check_require_dkim(struct arena *a, struct check_result *r, bool required)
{
	struct check_requirement *q = check_req_add(r, "dkim", required,
	    codes_dkim);
	enum check_status bad = required ? CHECK_FAIL : CHECK_WARN;
	bool weak;
	const struct dkim_selector *s = usable_key(r->dkim, &weak);

	if (s == NULL) {
		dkim_problem(a, q, r, bad);
		return q->status == bad ? CHECK_FAIL : q->status;
	}
	q->message = arena_printf(a, "key at %s: %s %u bits%s; that mail is "
	    "signed with it only a message shows (mailauth dkim --verify)",
	    s->name, dkim_key_type_name(s->key->type), s->key->bits,
	    s->key->testing ? ", testing mode (t=y)" : "");
	if (s->key->testing) {
		check_req_set(q, CHECK_WARN, "dkim-testing", q->message);
		q->fix = "remove t=y once signing works: receivers may treat "
		    "the signatures as absent";
	} else if (weak) {
		check_req_set(q, CHECK_WARN, "dkim-key-weak", q->message);
		q->fix = "generate a 2048-bit key and rotate to it";
	}
	return CHECK_PASS;
}

