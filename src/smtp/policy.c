#include "smtp/policy.h"

#include <string.h>

#include "bounds.h"
#include "dns/txt.h"
#include "util/arena.h"
#include "util/safe.h"

/* Number of TXT records at ans for which is_kind says yes. */
static size_t
count_records(struct arena *a, const struct dns_answer *ans,
    bool (*is_kind)(struct arena *, const char *, size_t))
{
	size_t i, n = 0;

	for (i = 0; ans->kind == DNS_ANS_RECORDS && i < ans->count; i++) {
		size_t len;
		const char *text = dns_txt_join(a, &ans->txt[i], &len);

		n += is_kind(a, text, len);
	}
	return n;
}

/* The mx lines of the domain's MX hosts (RFC 8461 §3.2), for a policy
 * to publish. */
static const char *
mx_lines(struct arena *a, const struct smtp_result *r)
{
	const char *out = "";
	size_t i;

	for (i = 0; i < r->nhosts; i++) {
		out = arena_printf(a, "%smx: %s\\n", out, r->hosts[i].name);
	}
	return out;
}

/* The record and the policy file to publish, with the real MX names;
 * mode testing first: senders report failures but still deliver (RFC
 * 8461 §5). */
static const char *
sts_fix(struct arena *a, const struct smtp_result *r)
{
	const char *domain = r->in->name;

	return arena_printf(a, "_mta-sts.%s. TXT \"v=STSv1; id=1\", and "
	    "serve https://mta-sts.%s/.well-known/mta-sts.txt as text/plain: "
	    "\"version: STSv1\\nmode: testing\\n%smax_age: 604800\\n\"",
	    domain, domain, mx_lines(a, r));
}

/* A lookup for the policy failed: whether one applies is not known. */
static void
sts_unknown(struct arena *a, struct smtp_result *r, const char *what,
    enum dns_kind kind)
{
	r->sts.unknown = true;
	finding_add(a, &r->sts.findings, FINDING_WARNING, "mta-sts-dns-error",
	    arena_printf(a, "retry, or ask another resolver (@SERVER); the "
	    "servers of %s must answer it (NXDOMAIN when there is no "
	    "policy)", r->in->name), "%s could not be looked up (%s): "
	    "whether an MTA-STS policy applies is unknown", what,
	    dns_kind_name(kind))->verdict = VERDICT_UNKNOWN;
}

/* False (with a finding) when the record does not lead to a policy. */
static bool
sts_record(struct arena *a, struct smtp_result *r, const char *name)
{
	struct smtp_mta_sts *s = &r->sts;
	const char *why;
	size_t n;

	if (dns_kind_is_failure(s->txt->kind)) {
		sts_unknown(a, r, arena_printf(a, "the MTA-STS record at %s",
		    name), s->txt->kind);
		return false;
	}
	n = count_records(a, s->txt, mta_sts_record_is_sts);
	if (n == 0) {
		finding_add(a, &s->findings, FINDING_INFO, "mta-sts-missing",
		    sts_fix(a, r), "no MTA-STS record at %s: "
		    "senders fall back to plain text when STARTTLS is "
		    "stripped (RFC 8461)", name);
		return false;
	}
	if (n > 1) {
		finding_add(a, &s->findings, FINDING_WARNING,
		    "mta-sts-record-invalid", "keep one v=STSv1 record", "%s "
		    "has %zu MTA-STS records: senders use none (RFC 8461 "
		    "§3.1)", name, n);
		return false;
	}
	why = mta_sts_record_parse(a, s->record, strlen(s->record), &s->rec);
	if (why != NULL) {
		finding_add(a, &s->findings, FINDING_WARNING,
		    "mta-sts-record-invalid", sts_fix(a, r),
		    "the MTA-STS record at %s is not valid: %s", name, why);
	}
	return true;
}

/* False (with a finding) when no policy came back. */
static bool
sts_fetch(struct arena *a, struct smtp_result *r)
{
	struct smtp_mta_sts *s = &r->sts;
	const struct https_fetch *f = &s->fetch;
	const char *url = https_fetch_url(a, f);

	if (!s->fetching) {
		enum dns_kind failed = dns_kind_is_failure(s->a4->kind) ?
		    s->a4->kind : s->a6->kind;

		if (dns_kind_is_failure(failed)) {
			sts_unknown(a, r, arena_printf(a, "the address of %s",
			    f->host), failed);
		} else {
			finding_add(a, &s->findings, FINDING_WARNING,
			    "mta-sts-fetch-failed", arena_printf(a, "publish an "
			    "A record for %s", f->host), "%s has no address: "
			    "the policy cannot be fetched", f->host);
		}
		return false;
	}
	if (f->error != NULL || !f->transferred) {
		finding_add(a, &s->findings, FINDING_WARNING,
		    "mta-sts-fetch-failed", "serve the policy over HTTPS with "
		    "a certificate for the mta-sts name from a public CA",
		    "fetching %s failed: %s", url,
		    safe_str(a, f->error ? f->error : "no response"));
		return false;
	}
	if (f->status != 200) {
		finding_add(a, &s->findings, FINDING_WARNING,
		    "mta-sts-fetch-failed", "serve the policy itself at this "
		    "URL with status 200", "%s answered HTTP %ld%s%s%s", url,
		    f->status, f->redirect ? " to " : "", f->redirect ?
		    safe_str(a, f->redirect) : "", f->status >= 300 &&
		    f->status < 400 ? ": senders follow no redirects (RFC "
		    "8461 §3.3)" : "");
		return false;
	}
	if (!https_is_text_plain(f->content_type)) {
		finding_add(a, &s->findings, FINDING_WARNING,
		    "mta-sts-policy-invalid", "serve the policy as "
		    "Content-Type: text/plain", "%s is served as %s, not "
		    "text/plain: senders ignore it (RFC 8461 §3.3)", url,
		    f->content_type ? safe_str(a, f->content_type) : "nothing");
		return false;
	}
	return true;
}

static void
sts_policy(struct arena *a, struct smtp_result *r)
{
	struct smtp_mta_sts *s = &r->sts;
	struct mta_sts_policy *p = &s->policy;
	const char *mx = "", *errors = "";
	size_t i;

	s->have_policy = true;
	mta_sts_policy_parse(a, s->fetch.body, s->fetch.len, p);
	s->policy_valid = p->nerrors == 0;
	if (s->policy_valid) {
		return;
	}
	for (i = 0; i < p->nerrors; i++) {
		errors = arena_printf(a, "%s%s%s", errors, i ? "; " : "",
		    safe_str(a, p->errors[i]));
	}
	for (i = 0; i < p->nmx; i++) {
		mx = arena_printf(a, "%smx: %s\\n", mx, safe_str(a, p->mx[i]));
	}
	/* RFC 8461 §3.2: a field that is missing or not valid makes the
	 * whole policy invalid; the fix keeps what was right in it. */
	finding_add(a, &s->findings, FINDING_WARNING, "mta-sts-policy-invalid",
	    arena_printf(a, "serve \"version: STSv1\\nmode: %s\\n%smax_age: "
	    "%ld\\n\" and change the id of the _mta-sts record",
	    p->mode == MTA_STS_MODE_INVALID ? "testing" :
	    mta_sts_mode_name(p->mode), p->nmx ? mx : mx_lines(a, r),
	    p->max_age >= 0 && p->max_age <= MTA_STS_MAX_AGE ? p->max_age :
	    p->max_age > MTA_STS_MAX_AGE ? MTA_STS_MAX_AGE : 604800L),
	    "the MTA-STS policy is not valid: %s; senders apply none (RFC "
	    "8461 §3.2)", errors);
}

static enum finding_severity
mode_severity(enum mta_sts_mode m)
{
	return m == MTA_STS_MODE_ENFORCE ? FINDING_ERROR :
	    m == MTA_STS_MODE_TESTING ? FINDING_WARNING : FINDING_INFO;
}

/* RFC 8461 §4.1 and §4.2: each MX host against the patterns, and each
 * certificate as a sender applying the policy judges it. */
static void
sts_hosts(struct arena *a, struct smtp_result *r)
{
	struct smtp_mta_sts *s = &r->sts;
	enum finding_severity sev = mode_severity(s->policy.mode);
	size_t i, j;

	if (s->policy.mode == MTA_STS_MODE_INVALID) {
		return;
	}
	s->mx_match = VERDICT_PASS;
	for (i = 0; i < r->nhosts; i++) {
		struct smtp_host *h = &r->hosts[i];

		h->sts_match = VERDICT_FAIL;
		for (j = 0; j < s->policy.nmx && h->sts_match == VERDICT_FAIL;
		    j++) {
			if (mta_sts_mx_match(s->policy.mx[j], h->name)) {
				h->sts_match = VERDICT_PASS;
			}
		}
		if (h->sts_match == VERDICT_FAIL) {
			s->mx_match = VERDICT_FAIL;
			finding_add(a, &s->findings, sev,
			    "mta-sts-mx-mismatch", arena_printf(a, "add "
			    "\"mx: %s\" to the policy, then change the id "
			    "in the _mta-sts record", h->name), "MX host %s "
			    "matches no mx line of the %s policy%s", h->name,
			    mta_sts_mode_name(s->policy.mode), sev ==
			    FINDING_ERROR ? ": senders will not deliver to it"
			    : "");
			continue;
		}
		for (j = 0; j < h->naddrs; j++) {
			const struct smtp_addr *ad = &h->addrs[j];

			if (ad->session.connect != SMTP_CONNECT_OK ||
			    ad->sts_valid || ad->session.stop ==
			    SMTP_STOP_TIMEOUT) {
				continue;
			}
			finding_add(a, &s->findings, sev,
			    "mta-sts-cert-invalid", "serve a certificate "
			    "from a public CA that names the MX host, over "
			    "STARTTLS", "%s fails the %s policy: %s", h->name,
			    mta_sts_mode_name(s->policy.mode),
			    !ad->session.tls_done ? "no TLS session" :
			    ad->expired ? "its certificate has expired" :
			    !ad->chain_verified ? "its certificate is not "
			    "trusted" : "its certificate does not name it");
			break;
		}
	}
}

void
smtp_evaluate_sts(struct arena *a, struct smtp_result *r)
{
	const char *name = arena_printf(a, "_mta-sts.%s", r->in->name);

	if (sts_record(a, r, name) && sts_fetch(a, r)) {
		sts_policy(a, r);
		if (r->sts.policy_valid) {
			sts_hosts(a, r);
		}
	}
}

void
smtp_evaluate_rpt(struct arena *a, struct smtp_result *r)
{
	struct smtp_tls_rpt *t = &r->rpt;
	const char *name = arena_printf(a, "_smtp._tls.%s", r->in->name);
	const char *why;
	size_t n;

	if (dns_kind_is_failure(t->txt->kind)) {
		finding_add(a, &t->findings, FINDING_WARNING,
		    "tls-rpt-dns-error", NULL, "the TLS-RPT record at %s could "
		    "not be looked up (%s)", name,
		    dns_kind_name(t->txt->kind))->verdict = VERDICT_UNKNOWN;
		return;
	}
	n = count_records(a, t->txt, tls_rpt_record_is_rpt);
	if (n == 0) {
		finding_add(a, &t->findings, FINDING_WARNING,
		    "tls-rpt-missing", arena_printf(a, "%s. TXT "
		    "\"v=TLSRPTv1; rua=mailto:tls-reports@%s\"", name,
		    r->in->name), "no TLS-RPT record at %s: senders cannot "
		    "tell you when TLS to your MX fails (RFC 8460)", name);
		return;
	}
	if (n > 1) {
		finding_add(a, &t->findings, FINDING_WARNING,
		    "tls-rpt-invalid", "keep one v=TLSRPTv1 record", "%s has "
		    "%zu TLS-RPT records: senders use none (RFC 8460 §3)",
		    name, n);
		return;
	}
	why = tls_rpt_record_parse(a, t->record, strlen(t->record), &t->rec);
	t->valid = why == NULL;
	if (why != NULL) {
		finding_add(a, &t->findings, FINDING_WARNING,
		    "tls-rpt-invalid", arena_printf(a, "%s. TXT \"v=TLSRPTv1; "
		    "rua=mailto:tls-reports@%s\"", name, r->in->name),
		    "the TLS-RPT record at %s is not valid: %s", name,
		    safe_str(a, why));
	}
}
