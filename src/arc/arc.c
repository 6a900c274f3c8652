/* The chain: ARC Sets collected by instance, their structure, and the
 * validation order of RFC 8617 §5.2. */
#include "arc/arc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "mail/rfc5322.h"
#include "util/arena.h"

const char *
arc_chain_name(enum arc_chain c)
{
	switch (c) {
	case ARC_CHAIN_NONE: return "none";
	case ARC_CHAIN_PASS: return "pass";
	case ARC_CHAIN_FAIL: return "fail";
	case ARC_CHAIN_TEMPERROR: return "temperror";
	}
	return "none";
}

const char *
arc_check_name(enum arc_check c)
{
	switch (c) {
	case ARC_CHECK_NOT_DONE: return NULL;
	case ARC_CHECK_PASS: return "pass";
	case ARC_CHECK_FAIL: return "fail";
	case ARC_CHECK_TEMPERROR: return "temperror";
	}
	return NULL;
}

static void
stop(struct arc_result *r, enum arc_chain chain, const char *reason)
{
	if (r->chain == ARC_CHAIN_NONE || r->chain == ARC_CHAIN_PASS) {
		r->chain = chain;
		r->reason = reason;
	}
}

enum arc_kind { KIND_AAR, KIND_AMS, KIND_AS, KIND_OTHER };

static enum arc_kind
kind(const char *name)
{
	if (strcasecmp(name, "ARC-Authentication-Results") == 0) {
		return KIND_AAR;
	}
	if (strcasecmp(name, "ARC-Message-Signature") == 0) {
		return KIND_AMS;
	}
	return strcasecmp(name, "ARC-Seal") == 0 ? KIND_AS : KIND_OTHER;
}

/* The i= of a field (RFC 8617 §4.2.1: 1 to 50; a larger one is read, so
 * that §5.2 step 1 can say how many Sets there are); 0 when the field has
 * no valid one. */
static unsigned
instance_of(struct arena *a, const struct dkim_header *h, enum arc_kind k,
    struct authres *aar)
{
	const struct taglist_tag *t;
	struct taglist tl;
	const char *v;

	if (k == KIND_AAR) {
		authres_parse(a, rfc5322_unfold(a, h), true, aar);
		return aar->instance >= 1 && aar->instance <= ARC_MAX_INSTANCE_READ
		    ? (unsigned)aar->instance : 0;
	}
	taglist_parse(a, h->value, h->rawlen - (size_t)(h->value - h->raw),
	    &tl);
	t = taglist_find(&tl, "i");
	v = t ? t->value : "";
	if (v[0] < '1' || v[0] > '9' || strlen(v) > 9 ||
	    strspn(v, "0123456789") != strlen(v) ||
	    atol(v) > ARC_MAX_INSTANCE_READ) {
		return 0;
	}
	return (unsigned)atol(v);
}

/* §5.2 step 1: every ARC field, by instance. False (chain fail) for a
 * field without a usable instance. */
static bool
collect(struct arena *a, const struct dkim_message *m, struct arc_result *r)
{
	size_t i;

	r->sets = arena_calloc(a, ARC_MAX_INSTANCES, sizeof(*r->sets));
	for (i = 0; i < m->nheaders; i++) {
		enum arc_kind k = kind(m->headers[i].name);
		struct authres aar;
		struct arc_set *set;
		unsigned n;

		if (k == KIND_OTHER) {
			continue;
		}
		n = instance_of(a, &m->headers[i], k, &aar);
		if (n == 0) {
			stop(r, ARC_CHAIN_FAIL, arena_printf(a, "an %s field has "
			    "no valid i= (RFC 8617 §4.2.1)",
			    m->headers[i].name));
			continue;
		}
		r->n = n > r->n ? n : r->n;
		if (n > ARC_MAX_INSTANCES) {
			continue;
		}
		set = &r->sets[n - 1];
		set->instance = n;
		if (k == KIND_AAR && set->naar++ == 0) {
			set->aar_header = &m->headers[i];
			set->aar = aar;
		} else if (k == KIND_AMS && set->nams++ == 0) {
			set->ams.header = &m->headers[i];
		} else if (k == KIND_AS && set->nas++ == 0) {
			set->seal.header = &m->headers[i];
		}
	}
	if (r->n > ARC_MAX_INSTANCES) {
		stop(r, ARC_CHAIN_FAIL, arena_printf(a, "the message carries %u "
		    "ARC Sets (its highest i=): more than the %d RFC 8617 §5.2 "
		    "step 1 allows", r->n, ARC_MAX_INSTANCES));
	}
	r->nsets = r->n <= ARC_MAX_INSTANCES ? r->n : 0;
	return r->chain != ARC_CHAIN_FAIL;
}

/* §5.2 steps 2 and 3: the last seal did not say fail, every instance
 * 1..N has one field of each kind, and cv is none on 1, pass after. */
static bool
check_structure(struct arena *a, struct arc_result *r, long long now)
{
	unsigned k;

	for (k = 0; k < r->n; k++) {
		struct arc_set *s = &r->sets[k];
		const char *cv;

		if (s->naar != 1 || s->nams != 1 || s->nas != 1) {
			stop(r, ARC_CHAIN_FAIL, arena_printf(a, "instance %u has "
			    "%zu ARC-Authentication-Results, %zu ARC-Message-"
			    "Signature and %zu ARC-Seal fields: exactly one of "
			    "each is required (RFC 8617 §5.2 step 3)", k + 1,
			    s->naar, s->nams, s->nas));
			return false;
		}
		if (!arc_sig_read(a, &s->seal, true, now) ||
		    !arc_sig_read(a, &s->ams, false, now)) {
			stop(r, ARC_CHAIN_FAIL, arena_printf(a, "instance %u: "
			    "%s", k + 1, s->seal.error ? s->seal.error :
			    s->ams.error));
			return false;
		}
		cv = s->seal.cv ? s->seal.cv : "";
		if (strcmp(cv, k == 0 ? "none" : "pass") != 0) {
			stop(r, ARC_CHAIN_FAIL, arena_printf(a, "instance %u's "
			    "seal has cv=%s, not %s (RFC 8617 §5.2 step %d)",
			    k + 1, cv, k == 0 ? "none" : "pass",
			    strcmp(cv, "fail") == 0 && k + 1 == r->n ? 2 : 3));
			return false;
		}
	}
	return true;
}

/* §5.2 steps 4 to 7, once every key is in. */
static void
validate(struct arena *a, const struct dkim_message *m, struct arc_result *r)
{
	struct arc_set *last = &r->sets[r->n - 1];
	unsigned k;
	int oldest;

	arc_verify_ams(a, &last->ams, m);
	if (last->ams.check != ARC_CHECK_PASS) {
		stop(r, last->ams.check == ARC_CHECK_TEMPERROR ?
		    ARC_CHAIN_TEMPERROR : ARC_CHAIN_FAIL, arena_printf(a,
		    "the newest ARC-Message-Signature (i=%u): %s", r->n,
		    last->ams.reason));
		return;
	}
	/* Step 5: the oldest instance whose AMS still validates; it is
	 * defined only for a chain that passes. */
	oldest = 0;
	for (k = r->n - 1; k >= 1; k--) {
		struct arc_set *s = &r->sets[k - 1];

		arc_verify_ams(a, &s->ams, m);
		if (s->ams.check != ARC_CHECK_PASS) {
			oldest = s->ams.check == ARC_CHECK_FAIL ? (int)k + 1 :
			    -1;
			break;
		}
	}
	for (k = r->n; k >= 1; k--) {
		struct arc_sig *seal = &r->sets[k - 1].seal;

		arc_verify_seal(a, seal, r->sets, k);
		if (seal->check != ARC_CHECK_PASS) {
			stop(r, seal->check == ARC_CHECK_TEMPERROR ?
			    ARC_CHAIN_TEMPERROR : ARC_CHAIN_FAIL,
			    arena_printf(a, "the ARC-Seal of instance %u: %s",
			    k, seal->reason));
			return;
		}
	}
	r->chain = ARC_CHAIN_PASS;
	r->oldest_pass = oldest;
}

struct arc_result *
arc_validate(struct arena *a, dns_lookup_fn lookup, void *lookup_ctx,
    const struct dkim_message *msg, long long now)
{
	struct arc_result *r = arena_alloc(a, sizeof(*r));
	unsigned k;

	r->oldest_pass = -1;
	if (!collect(a, msg, r) || r->n == 0 ||
	    !check_structure(a, r, now)) {
		return r;
	}
	/* Every key at once: each AMS and AS may be checked. */
	for (k = 0; k < r->n; k++) {
		struct arc_sig *sig[2] = { &r->sets[k].ams, &r->sets[k].seal };
		int j;

		for (j = 0; j < 2; j++) {
			sig[j]->key_answer = lookup(lookup_ctx,
			    sig[j]->key_name, DNS_T_TXT);
			r->pending += sig[j]->key_answer == NULL;
		}
	}
	if (r->pending == 0) {
		validate(a, msg, r);
	}
	return r;
}
