/* The checklist of `mailauth check`: Google's sender requirements (2024),
 * in order of importance, each with the answer Gmail gives when it fails. */
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "bounds.h"
#include "check/check.h"
#include "dmarc/align.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "spf/lint.h"
#include "util/arena.h"
#include "util/safe.h"
#include "util/strbuf.h"

/* The most requirements one check lists. */
#define CHECK_MAX_REQUIREMENTS 16

const char *
check_status_name(enum check_status s)
{
	switch (s) {
	case CHECK_PASS: return "pass";
	case CHECK_FAIL: return "fail";
	case CHECK_WARN: return "warn";
	case CHECK_UNKNOWN: return "unknown";
	case CHECK_INFO: return "info";
	}
	return "unknown";
}

/* The answers Gmail gives a sender that fails each requirement (Google's
 * sender guidelines; 4.7.40/5.7.40 is its newer code for no DMARC). */
static const char *const codes_ptr[] = { "4.7.23", "5.7.25", NULL };
static const char *const codes_ptr6[] = { "4.7.23", "5.7.25", "550-5.7.1",
    NULL };
static const char *const codes_spf[] = { "4.7.27", "5.7.27", NULL };
static const char *const codes_dkim[] = { "4.7.30", "5.7.30", NULL };
static const char *const codes_dmarc[] = { "4.7.31", "4.7.40", "5.7.40",
    NULL };
static const char *const codes_alignment[] = { "4.7.32", NULL };
static const char *const codes_auth[] = { "5.7.26", "550-5.7.1", NULL };
static const char *const codes_tls[] = { "4.7.29", "5.7.29", NULL };
static const char *const codes_none[] = { NULL };

static struct check_requirement *
add(struct check_result *r, const char *id, bool required,
    const char *const *codes)
{
	struct check_requirement *q = &r->reqs[r->nreqs++];

	q->id = id;
	q->required = required;
	q->gmail_codes = codes;
	q->status = CHECK_PASS;
	return q;
}

static bool
any_ipv6(const struct check_result *r)
{
	size_t i;

	for (i = 0; i < r->nips; i++) {
		if (r->ips[i].ip.family == AF_INET6) {
			return true;
		}
	}
	return false;
}

/* Joins one note per IP for a requirement's message. */
static void
note(struct strbuf *sb, const char *text)
{
	strbuf_addf(sb, "%s%s", sb->len ? "; " : "", text);
}

static void
require_ptr(struct arena *a, struct check_result *r)
{
	struct check_requirement *q = add(r, "ptr", true, any_ipv6(r) ?
	    codes_ptr6 : codes_ptr);
	struct strbuf sb = STRBUF_INIT;
	char ip[IP_STRLEN];
	size_t i;

	for (i = 0; i < r->nips; i++) {
		const struct ptr_result *p = r->ips[i].ptr;

		ip_format(&r->ips[i].ip, ip);
		if (dns_kind_is_failure(p->answer->kind)) {
			q->status = q->status == CHECK_FAIL ? CHECK_FAIL :
			    CHECK_UNKNOWN;
			note(&sb, arena_printf(a, "%s: the PTR lookup failed",
			    ip));
		} else if (p->nnames == 0) {
			q->status = CHECK_FAIL;
			note(&sb, arena_printf(a, "%s has no PTR record (ask for "
			    "one at %s)", ip, p->reverse_name));
		} else if (!p->fcrdns) {
			q->status = CHECK_FAIL;
			note(&sb, arena_printf(a, "%s: PTR %s does not resolve "
			    "back to it", ip, safe_str(a, p->names[0].name)));
		} else {
			note(&sb, arena_printf(a, "%s: PTR %s, forward-confirmed",
			    ip, safe_str(a, p->names[0].name)));
		}
	}
	q->message = arena_strdup(a, strbuf_str(&sb));
	strbuf_finish(&sb);
}

static bool
spf_passes(const struct check_result *r, bool *unknown)
{
	size_t i;
	bool pass = r->nips > 0;

	*unknown = false;
	for (i = 0; i < r->nips; i++) {
		*unknown |= r->ips[i].spf->result == SPF_RESULT_TEMPERROR;
		pass &= r->ips[i].spf->result == SPF_RESULT_PASS;
	}
	return pass;
}

static void
require_spf(struct arena *a, struct check_result *r, bool required)
{
	struct check_requirement *q = add(r, "spf", required,
	    codes_spf);
	struct strbuf sb = STRBUF_INIT;
	char ip[IP_STRLEN];
	bool unknown;
	size_t i;

	if (!spf_passes(r, &unknown)) {
		q->status = unknown ? CHECK_UNKNOWN : required ? CHECK_FAIL :
		    CHECK_WARN;
	}
	for (i = 0; i < r->nips; i++) {
		const struct spf_eval *e = r->ips[i].spf;

		note(&sb, arena_printf(a, "%s: %s (%s)", ip_format(
		    &r->ips[i].ip, ip), spf_result_name(e->result),
		    safe_str(a, e->reason ? e->reason : "")));
	}
	q->message = arena_printf(a, "SPF of %s: %s", r->sender_domain,
	    strbuf_str(&sb));
	strbuf_finish(&sb);
}

static void
require_spf_limits(struct arena *a, struct check_result *r)
{
	struct check_requirement *q = add(r, "spf-lookups", false, codes_spf);
	const struct spf_walk *w = r->spf_walk;
	unsigned voids = w->void4 > w->void6 ? w->void4 : w->void6;

	q->message = arena_printf(a, "%u/10 DNS lookups, %u/2 void lookups",
	    w->lookups, voids);
	if (w->lookups > 10 || voids > 2) {
		q->status = CHECK_FAIL;
		q->message = arena_printf(a, "%s: over the limit, receivers "
		    "return permerror for senders not matched early",
		    q->message);
	}
}

/* A published, usable key: what DNS can show of DKIM. */
static const struct dkim_selector *
usable_key(const struct check_result *r, bool *weak)
{
	size_t i;

	*weak = false;
	for (i = 0; i < r->dkim->nsels; i++) {
		const struct dkim_selector *s = &r->dkim->sels[i];

		if (s->key != NULL && !s->key->revoked && s->key->bits > 0 &&
		    (s->key->type != DKIM_KEY_RSA ||
		    s->key->bits >= DKIM_RSA_MIN_BITS) &&
		    dkim_key_allows_hash(s->key, "sha256")) {
			*weak = s->key->testing || (s->key->type ==
			    DKIM_KEY_RSA && s->key->bits < DKIM_RSA_GOOD_BITS);
			return s;
		}
	}
	return NULL;
}

static void
require_dkim(struct arena *a, struct check_result *r, bool required)
{
	struct check_requirement *q = add(r, "dkim", required,
	    codes_dkim);
	bool weak;
	const struct dkim_selector *s = usable_key(r, &weak);

	if (s == NULL) {
		q->status = required ? CHECK_FAIL : CHECK_WARN;
		q->message = r->dkim->nsels == 0 ? arena_printf(a, "no DKIM key "
		    "found for %s (%s)", r->in->domain, r->dkim->probed ?
		    "common selectors probed; give -s SELECTOR" :
		    "selectors given") : "no usable DKIM key (revoked, too "
		    "short, sha1-only or broken)";
		return;
	}
	q->status = weak ? CHECK_WARN : CHECK_PASS;
	q->message = arena_printf(a, "key at %s: %s %u bits%s; that mail is "
	    "signed with it only a message shows (mailauth dkim --verify)",
	    s->name, dkim_key_type_name(s->key->type), s->key->bits,
	    s->key->testing ? ", testing mode (t=y)" : "");
}

static void
require_dmarc(struct arena *a, struct check_result *r, bool required)
{
	struct check_requirement *q = add(r, "dmarc", required,
	    codes_dmarc);
	const struct dmarc_result *d = r->dmarc;

	if (d->walk_failed) {
		q->status = CHECK_UNKNOWN;
		q->message = "a DNS failure hid the DMARC policy";
	} else if (d->policy_step == NULL) {
		q->status = required ? CHECK_FAIL : CHECK_WARN;
		q->message = arena_printf(a, "no DMARC record for %s",
		    r->in->domain);
	} else {
		q->message = arena_printf(a, "%s: p=%s%s", d->policy_step->name,
		    dmarc_policy_name(d->p_domain), d->p_domain ==
		    DMARC_POLICY_NONE ? " (enough for Gmail, protects nothing)" :
		    "");
	}
}

/* RFC 9989 §3.2.10: strict alignment wants the same domain, relaxed the
 * same Organizational Domain. */
static bool
aligned(const struct check_result *r, const char *other, char mode)
{
	const char *org = r->dmarc->org_domain ? r->dmarc->org_domain :
	    r->in->domain;
	const char *other_org = r->sender_dmarc && r->sender_dmarc->org_domain ?
	    r->sender_dmarc->org_domain : other;

	return dmarc_aligned(dmarc_alignment(r->in->domain, org, other,
	    other_org), mode);
}

static void
require_alignment(struct arena *a, struct check_result *r, bool required)
{
	struct check_requirement *q = add(r, "alignment", required,
	    codes_alignment);
	const struct dmarc_result *d = r->dmarc;
	char aspf = d->policy_step ? d->aspf : 'r';
	bool unknown, weak;
	bool spf_ok = spf_passes(r, &unknown) &&
	    aligned(r, r->sender_domain, aspf);
	bool dkim_ok = usable_key(r, &weak) != NULL;

	if (spf_ok || dkim_ok) {
		q->message = arena_printf(a, "From %s aligns through %s%s%s",
		    r->in->domain, spf_ok ? "SPF (" : "", spf_ok ?
		    r->sender_domain : "", spf_ok ? (dkim_ok ? ") and DKIM "
		    "(d= is the From domain)" : ")") : "DKIM (d= is the From "
		    "domain)");
		return;
	}
	q->status = unknown ? CHECK_UNKNOWN : required ? CHECK_FAIL :
	    CHECK_WARN;
	q->message = arena_printf(a, "neither SPF (%s%s) nor DKIM aligns "
	    "with From %s", r->sender_domain, aligned(r, r->sender_domain,
	    aspf) ? " does not pass" : " is another organization",
	    r->in->domain);
}

static void
require_authentication(struct arena *a, struct check_result *r)
{
	struct check_requirement *q = add(r, "authentication", true,
	    codes_auth);
	bool unknown, weak;
	bool spf = spf_passes(r, &unknown), dkim = usable_key(r, &weak);

	q->message = arena_printf(a, "SPF %s, DKIM %s: Google requires one "
	    "of them from every sender", spf ? "passes" : "does not pass",
	    dkim ? "key published" : "no key");
	if (!spf && !dkim) {
		q->status = unknown ? CHECK_UNKNOWN : CHECK_FAIL;
	}
}

static void
require_blocklists(struct arena *a, struct check_result *r)
{
	struct check_requirement *q = add(r, "dnsbl", true, codes_none);
	struct strbuf sb = STRBUF_INIT;
	char ip[IP_STRLEN];
	size_t i, j, listed = 0, unknown = 0;

	for (i = 0; i < r->nips; i++) {
		for (j = 0; j < r->ips[i].nlistings; j++) {
			const struct check_listing *l = &r->ips[i].listings[j];

			if (l->listed == 1) {
				listed++;
				note(&sb, arena_printf(a, "%s is listed on %s",
				    ip_format(&r->ips[i].ip, ip),
				    safe_str(a, l->zone)));
			}
			unknown += l->listed < 0;
		}
	}
	if (listed > 0) {
		q->status = CHECK_FAIL;
	} else if (unknown > 0) {
		q->status = CHECK_UNKNOWN;
		note(&sb, arena_printf(a, "%zu blocklist answer%s unknown "
		    "(some lists refuse queries from public resolvers)",
		    unknown, unknown == 1 ? "" : "s"));
	} else {
		note(&sb, arena_printf(a, "not listed on %zu list%s",
		    r->in->ndnsbls, r->in->ndnsbls == 1 ? "" : "s"));
	}
	q->message = arena_strdup(a, strbuf_str(&sb));
	strbuf_finish(&sb);
}

/* A TXT record at name whose text starts with prefix (MTA-STS RFC 8461
 * §3.1, TLS-RPT RFC 8460 §3, BIMI). */
static void
inform_txt(struct arena *a, struct check_result *r, const char *id,
    const struct dns_answer *ans, const char *prefix, const char *what)
{
	struct check_requirement *q = add(r, id, false, codes_none);
	size_t i, len, found = 0;

	q->status = CHECK_INFO;
	for (i = 0; ans->kind == DNS_ANS_RECORDS && i < ans->count; i++) {
		const char *text = dns_txt_join(a, &ans->txt[i], &len);

		if (len >= strlen(prefix) && strncmp(text, prefix,
		    strlen(prefix)) == 0) {
			found++;
			q->message = arena_printf(a, "%s: %s", ans->name,
			    safe_text(a, text, len));
		}
	}
	if (dns_kind_is_failure(ans->kind)) {
		q->status = CHECK_UNKNOWN;
		q->message = arena_printf(a, "the lookup of %s failed",
		    ans->name);
	} else if (found == 0) {
		q->message = arena_printf(a, "no %s (%s; optional)", what,
		    ans->name);
	} else if (found > 1) {
		q->status = CHECK_WARN;
		q->message = arena_printf(a, "%zu %s records at %s: receivers "
		    "ignore them all", found, what, ans->name);
	}
}

static void
lint_parts(struct arena *a, struct check_result *r)
{
	size_t i;

	spf_lint(a, r->spf_walk);
	dkim_probe_lint(a, r->dkim);
	dmarc_lint(a, r->dmarc);
	for (i = 0; i < r->nips; i++) {
		ptr_lint(a, r->ips[i].ptr);
	}
}

void
check_evaluate(struct arena *a, struct check_result *r)
{
	bool bulk = !r->in->all_senders;

	lint_parts(a, r);
	r->reqs = arena_calloc(a, CHECK_MAX_REQUIREMENTS, sizeof(*r->reqs));
	if (r->nips == 0) {
		struct check_requirement *q = add(r, "sending-ip", true, codes_none);

		q->status = CHECK_UNKNOWN;
		q->message = "no sending IP: the domain has no MX host with an "
		    "address; give --ip";
	} else {
		require_ptr(a, r);
	}
	if (!bulk) {
		require_authentication(a, r);
	}
	require_spf(a, r, bulk);
	require_dkim(a, r, bulk);
	require_dmarc(a, r, bulk);
	require_alignment(a, r, bulk);
	if (r->in->ndnsbls > 0 && r->nips > 0) {
		require_blocklists(a, r);
	}
	require_spf_limits(a, r);
	add(r, "tls", false, codes_tls)->status = CHECK_INFO;
	r->reqs[r->nreqs - 1].message = "TLS cannot be seen in DNS: check "
	    "that the server offers STARTTLS (openssl s_client -starttls "
	    "smtp -connect HOST:25)";
	inform_txt(a, r, "mta-sts", r->mta_sts, "v=STSv1", "MTA-STS record");
	inform_txt(a, r, "tls-rpt", r->tls_rpt, "v=TLSRPTv1",
	    "TLS-RPT record");
	inform_txt(a, r, "bimi", r->bimi, "v=BIMI1", "BIMI record");
}
