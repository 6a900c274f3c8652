#include "dkim/selectors.h"

#include <string.h>

#include "dns/txt.h"
#include "util/taglist.h"
#include "util/arena.h"
#include "util/safe.h"

/* Selectors of the big mailbox providers and sending services, and the
 * defaults of common mail servers and control panels. */
const char *const dkim_common_selectors[] = {
	"default", "mail", "dkim", "dkim1", "dkim2", "google", "selector1",
	"selector2", "k1", "k2", "k3", "s1", "s2", "s1024", "s2048", "smtp",
	"email", "mx", "key1", "key2", "dk", "sig1", "mandrill", "mailjet",
	"sendgrid", "pm", "mxvault", "zendesk1", "zendesk2", "hs1", "hs2",
	"cm", "mc1", "mte1", "everlytickey1", "everlytickey2", "protonmail",
	"protonmail2", "protonmail3", "fm1", "fm2", "fm3", "turbo-smtp",
	"ovh", "mailo", "zoho", "zmail", "yahoo", "ses", "amazonses",
	"dkim-rsa", "dkim-ed25519", "ed25519", "rsa", "2023", "2024", "2025",
	"2026", "20230601", "20161025", "mailcow", "rspamd", "opendkim",
	"postfix", "x", NULL,
};

static void
read_selector(struct arena *a, struct dkim_selector *s)
{
	size_t len;
	const char *text;

	/* The CNAME exists, its target does not: with Microsoft 365, the
	 * state of a domain whose DKIM signing is not turned on. */
	s->dangling = s->answer->cname != NULL &&
	    s->answer->kind == DNS_ANS_NXDOMAIN;
	s->txt = dkim_key_txt(a, s->answer, &s->several);
	if (s->txt == NULL) {
		return;
	}
	text = dns_txt_join(a, s->txt, &len);
	s->key = dkim_key_parse(a, text, len);
}

struct dkim_probe *
dkim_probe_run(struct arena *a, dns_lookup_fn lookup, void *lookup_ctx,
    const char *domain, const char *const *selectors, size_t nselectors)
{
	struct dkim_probe *p = arena_alloc(a, sizeof(*p));
	size_t i;

	p->domain = domain;
	p->findings.domain = domain;
	p->probed = selectors == NULL;
	if (selectors == NULL) {
		selectors = dkim_common_selectors;
		for (nselectors = 0; selectors[nselectors]; nselectors++) {
		}
	}
	p->sels = arena_calloc(a, nselectors, sizeof(*p->sels));
	p->failed = arena_calloc(a, nselectors, sizeof(*p->failed));
	p->tried = nselectors;
	for (i = 0; i < nselectors; i++) {
		struct dkim_selector s;

		memset(&s, 0, sizeof(s));
		s.selector = selectors[i];
		s.name = arena_printf(a, "%s._domainkey.%s", selectors[i],
		    domain);
		s.findings.domain = s.name;
		s.answer = lookup(lookup_ctx, s.name, DNS_T_TXT);
		if (s.answer == NULL) {
			p->pending++;
			continue;
		}
		read_selector(a, &s);
		/* A probe reports what exists, and counts the lookups that
		 * failed; -s reports every selector. */
		if (p->probed && dns_kind_is_failure(s.answer->kind)) {
			p->failed[p->nfailed++] = s.answer;
		} else if (!p->probed || s.txt != NULL ||
		    s.answer->cname != NULL) {
			p->sels[p->nsels++] = s;
		}
	}
	return p;
}

static void
lint_strings(struct arena *a, struct dkim_selector *s)
{
	size_t i, len, n;
	struct dns_bytes *parts;
	const char *text;

	for (i = 0; i < s->txt->nstrings; i++) {
		if (s->txt->strings[i].len <= TXT_STRING_MAX) {
			continue;
		}
		text = dns_txt_join(a, s->txt, &len);
		n = dns_txt_split(a, text, len, TXT_STRING_MAX, &parts);
		finding_add(a, &s->findings, FINDING_ERROR,
		    "dkim-string-too-long", arena_printf(a, "publish it as "
		    "several strings of at most %d octets in one TXT record: "
		    "%s", TXT_STRING_MAX, safe_str(a, dns_txt_quote(a, parts,
		    n))), "string %zu of the key record is %zu octets; a DNS "
		    "character-string holds at most %d", i + 1,
		    s->txt->strings[i].len, TXT_STRING_MAX);
	}
}

/* The record with each tag once, the first of each name kept. */
static const char *
tags_once(struct arena *a, const struct dkim_key *k)
{
	const char *out = "";
	size_t i, j;

	for (i = 0; i < k->tags.n; i++) {
		const struct taglist_tag *t = &k->tags.tags[i];

		for (j = 0; j < i && strcmp(k->tags.tags[j].name, t->name) != 0;
		    j++) {
		}
		if (j == i) {
			out = arena_printf(a, "%s%s%s=%s", out, *out ? "; " : "",
			    t->name, t->value);
		}
	}
	return out;
}

static void
lint_key(struct arena *a, struct dkim_selector *s)
{
	const struct dkim_key *k = s->key;

	if (k->error != NULL) {
		struct finding *f = finding_add(a, &s->findings, FINDING_ERROR,
		    "dkim-syntax", taglist_duplicate(&k->tags) ?
		    arena_printf(a, "publish it with each tag once (the first "
		    "kept here): %s", safe_str(a, dns_txt_quote_text(a,
		    tags_once(a, k)))) : "correct the record", "%s", k->error);

		f->offset = (long)k->error_offset;
	}
	if (k->revoked) {
		finding_add(a, &s->findings, FINDING_ERROR, "dkim-key-revoked",
		    "publish the current key, or remove the selector if it is "
		    "retired", "the key is revoked (empty p=): signatures with "
		    "this selector fail");
		return;
	}
	if (k->key_error != NULL) {
		finding_add(a, &s->findings, FINDING_ERROR, "dkim-key-invalid",
		    arena_printf(a, "publish the key again, copied whole from "
		    "the key file (split it into strings of at most %d "
		    "octets)", TXT_STRING_MAX), "%s", k->key_error);
	} else if (k->type == DKIM_KEY_RSA && k->bits < DKIM_RSA_MIN_BITS) {
		finding_add(a, &s->findings, FINDING_ERROR,
		    "dkim-key-too-short", arena_printf(a, "generate a %d-bit "
		    "key", DKIM_RSA_GOOD_BITS), "the RSA key has %u bits: "
		    "receivers refuse keys under %d (RFC 8301)", k->bits,
		    DKIM_RSA_MIN_BITS);
	} else if (k->type == DKIM_KEY_RSA && k->bits < DKIM_RSA_GOOD_BITS) {
		finding_add(a, &s->findings, FINDING_WARNING, "dkim-key-weak",
		    arena_printf(a, "generate a %d-bit key and rotate to it",
		    DKIM_RSA_GOOD_BITS), "the RSA key has %u bits; %d is the "
		    "norm and %d is the minimum", k->bits, DKIM_RSA_GOOD_BITS,
		    DKIM_RSA_MIN_BITS);
	}
	if (k->testing) {
		finding_add(a, &s->findings, FINDING_WARNING, "dkim-testing",
		    "remove t=y once signing works", "t=y: the domain is "
		    "testing DKIM; receivers may treat signatures as unsigned");
	}
	if (k->h != NULL && !dkim_key_allows_hash(k, "sha256")) {
		finding_add(a, &s->findings, FINDING_ERROR, "dkim-sha1-only",
		    "remove h= or make it h=sha256", "h= allows only sha1, "
		    "which RFC 8301 forbids: no signature with this key can "
		    "pass");
	}
	if (!dkim_key_for_email(k)) {
		finding_add(a, &s->findings, FINDING_ERROR,
		    "dkim-key-not-for-mail", "remove s= or make it s=email",
		    "s= lists neither email nor *: receivers ignore the key "
		    "for mail, so no signature with it can pass (RFC 6376 "
		    "§3.6.1)");
	}
	if (k->p_whitespace) {
		finding_add(a, &s->findings, FINDING_INFO,
		    "dkim-key-whitespace", NULL, "the key has whitespace "
		    "inside p=: legal (it is ignored), but often a sign of a "
		    "hand-made split");
	}
}

static void
lint_selector(struct arena *a, struct dkim_selector *s)
{
	const struct dns_answer *ans = s->answer;

	if (s->dangling) {
		finding_add(a, &s->findings, FINDING_ERROR,
		    "dkim-cname-dangling", "turn DKIM signing on for the "
		    "domain in the provider's admin console (Microsoft 365: "
		    "Defender portal, Email authentication settings, DKIM); "
		    "the CNAME itself is right", "%s is a CNAME to %s, which "
		    "does not exist: DKIM is not enabled at the provider, "
		    "which publishes the key there once it is", s->name,
		    safe_str(a, ans->cname));
		return;
	}
	if (ans->cname != NULL && ans->kind != DNS_ANS_CNAME_LOOP) {
		finding_add(a, &s->findings, FINDING_INFO, "dkim-cname", NULL,
		    "%s is a CNAME to %s (the key is managed there, often by a "
		    "sending service)", s->name, safe_str(a, ans->cname));
	}
	if (dns_kind_is_failure(ans->kind)) {
		finding_add(a, &s->findings, FINDING_ERROR, "dkim-dns-error",
		    ans->kind == DNS_ANS_CNAME_LOOP ? "point one of the "
		    "CNAMEs at the name that holds the key record, or publish "
		    "the key record in place of the CNAME" :
		    dns_answer_retry_hint(ans) ? dns_answer_retry_hint(ans) :
		    "check the domain's DNS servers", "%s",
		    dns_answer_failure(a, ans))->verdict = VERDICT_UNKNOWN;
		return;
	}
	if (s->txt == NULL) {
		finding_add(a, &s->findings, FINDING_ERROR, "dkim-no-key",
		    "publish the key your mail server signs with at this name "
		    "(selector._domainkey.domain)", "no DKIM key at %s (%s)",
		    s->name, ans->kind == DNS_ANS_RECORDS ?
		    "TXT data that is not a key" : dns_kind_name(ans->kind));
		return;
	}
	if (s->several) {
		finding_add(a, &s->findings, FINDING_ERROR,
		    "dkim-multiple-records",
		    "keep one TXT record at the selector",
		    "%s has %zu TXT records: receivers may pick any", s->name,
		    ans->count);
	}
	lint_strings(a, s);
	lint_key(a, s);
}

/* "63 timeout, 2 servfail": the failed lookups counted by outcome, in
 * the order the outcomes first appear. */
static const char *
failures_by_cause(struct arena *a, const struct dkim_probe *p)
{
	const char *text = "";
	size_t i, j, n;

	for (i = 0; i < p->nfailed; i++) {
		enum dns_kind kind = p->failed[i]->kind;

		for (j = 0; j < i && p->failed[j]->kind != kind; j++) {
		}
		if (j < i) {
			continue;	/* counted with its first */
		}
		for (n = 0, j = i; j < p->nfailed; j++) {
			n += p->failed[j]->kind == kind;
		}
		text = arena_printf(a, "%s%s%zu %s", text, *text ? ", " : "",
		    n, dns_kind_name(kind));
	}
	return text;
}

void
dkim_probe_lint(struct arena *a, struct dkim_probe *p)
{
	struct finding *f;
	size_t i;

	for (i = 0; i < p->nsels; i++) {
		lint_selector(a, &p->sels[i]);
	}
	if (p->nfailed > 0) {
		/* One finding for the whole probe: a resolver that fails
		 * usually fails every question alike. */
		f = finding_add(a, &p->findings, FINDING_ERROR,
		    "dkim-dns-error", "retry, or ask another resolver with "
		    "@SERVER; give -s SELECTOR to ask for the one your server "
		    "signs with", "the TXT lookups of %zu of %zu common "
		    "selectors failed (%s): whether a key is published there "
		    "is unknown", p->nfailed, p->tried, failures_by_cause(a, p));
		f->verdict = VERDICT_UNKNOWN;
	} else if (p->probed && p->nsels == 0) {
		finding_add(a, &p->findings, FINDING_ERROR, "dkim-none-found",
		    "give the selector your mail server signs with (-s), or "
		    "publish a key", "no DKIM key found at any of the %zu "
		    "common selectors", p->tried);
	}
}
