/* smtp_evaluate(): the findings of a gathered and probed result, and its
 * verdict. Pure: the sessions' facts are already in the result. */
#include "smtp/smtp.h"
#include "smtp/policy.h"

#include <string.h>
#include <strings.h>

#include <openssl/x509_vfy.h>

#include "bounds.h"
#include "dns/name.h"
#include "util/arena.h"
#include "util/safe.h"

/* RFC 5321 §4.1.4 asks for no particular margin; 14 days is when the
 * usual 30-day renewals have failed twice. */
#define CERT_WARN_DAYS 14

/* Mail providers whose MX hosts always answer on port 25: a timeout to
 * one of them is the sender's network, almost always an ISP that blocks
 * outbound port 25 for home connections. */
static const char *const big_providers[] = {
	"google.com", "googlemail.com", "outlook.com", "hotmail.com",
	"yahoodns.net", "icloud.com", "me.com", "zoho.com", "zoho.eu",
	"messagingengine.com", "mimecast.com", "pphosted.com", "gmx.net",
	"web.de", "mail.ru", "yandex.net", "fastmail.com", "protonmail.ch",
};

bool
smtp_big_provider(const char *host)
{
	size_t i;

	for (i = 0; host && i < sizeof(big_providers) /
	    sizeof(big_providers[0]); i++) {
		if (!dns_name_equal(host, big_providers[i]) &&
		    dns_name_is_under(host, big_providers[i])) {
			return true;
		}
	}
	return false;
}

static const char *
where(struct arena *a, const struct smtp_host *h, const struct smtp_addr *ad,
    unsigned port)
{
	char ip[IP_STRLEN];

	ip_format(&ad->ip, ip);
	return h->name ? arena_printf(a, "%s (%s%s%s port %u)", h->name,
	    ad->ip.family == AF_INET6 ? "[" : "", ip,
	    ad->ip.family == AF_INET6 ? "]" : "", port) :
	    arena_printf(a, "%s%s%s port %u", ad->ip.family == AF_INET6 ?
	    "[" : "", ip, ad->ip.family == AF_INET6 ? "]" : "", port);
}

/* True when name is the host's MX name or one of the address's PTR
 * names (case-insensitive, a trailing dot ignored). */
static bool
name_known(const char *name, const struct smtp_host *h,
    const struct smtp_addr *ad)
{
	size_t i;

	if (h->name && dns_name_equal(h->name, name)) {
		return true;
	}
	for (i = 0; ad->ptr && i < ad->ptr->nnames; i++) {
		if (dns_name_equal(ad->ptr->names[i].name, name)) {
			return true;
		}
	}
	return false;
}

static const char *
ptr_names(struct arena *a, const struct smtp_addr *ad)
{
	const char *out = NULL;
	size_t i;

	for (i = 0; ad->ptr && i < ad->ptr->nnames; i++) {
		out = out ? arena_printf(a, "%s, %s", out,
		    ad->ptr->names[i].name) : ad->ptr->names[i].name;
	}
	if (out == NULL && ad->ptr != NULL &&
	    dns_kind_is_failure(ad->ptr->answer->kind)) {
		return arena_printf(a, "unknown: the PTR lookup failed, %s",
		    dns_kind_name(ad->ptr->answer->kind));
	}
	return out ? safe_str(a, out) : "none";
}

/* The greeting and EHLO names against the MX name and the PTR. */
static void
check_names(struct arena *a, const struct smtp_host *h, struct smtp_addr *ad,
    const char *at)
{
	const struct smtp_session *s = &ad->session;

	if (ad->ptr && ad->ptr->nnames == 0 &&
	    !dns_kind_is_failure(ad->ptr->answer->kind)) {
		finding_add(a, &ad->findings, FINDING_INFO, "smtp-no-ptr",
		    "ask the provider of the address for a PTR record naming "
		    "the MX host", "%s has no PTR record", at);
	}
	if (s->banner && s->banner->code == 220 && ad->banner_host &&
	    !name_known(ad->banner_host, h, ad)) {
		finding_add(a, &ad->findings, FINDING_WARNING,
		    "smtp-banner-name", "make the greeting name the MX host "
		    "(Postfix: myhostname; Exim: primary_hostname)",
		    "%s greets as %s, which is neither the MX name (%s) nor "
		    "its PTR (%s)", at, safe_str(a, ad->banner_host),
		    h->name ? h->name : "none", ptr_names(a, ad));
	}
	if (s->ehlo && s->ehlo->code == 250 && ad->ehlo_host &&
	    !name_known(ad->ehlo_host, h, ad)) {
		finding_add(a, &ad->findings, FINDING_WARNING,
		    "smtp-ehlo-name", "make the server's own name the MX host",
		    "%s answers EHLO as %s, which is neither the MX name (%s) "
		    "nor its PTR (%s)", at, safe_str(a, ad->ehlo_host),
		    h->name ? h->name : "none", ptr_names(a, ad));
	}
}

static void
check_connect(struct arena *a, const struct smtp_host *h,
    struct smtp_addr *ad, const char *at, unsigned port)
{
	const struct smtp_session *s = &ad->session;
	const char *why = s->connect_error ? s->connect_error : "failed";

	switch (s->connect) {
	case SMTP_CONNECT_REFUSED:
		finding_add(a, &ad->findings, FINDING_ERROR,
		    "smtp-connect-failed", "start the mail server, or open "
		    "port 25 in the server's firewall", "%s refused the "
		    "connection: nothing listens on port %u", at, port);
		break;
	case SMTP_CONNECT_TIMEOUT:
		if (smtp_big_provider(h->name) && port == 25) {
			finding_add(a, &ad->findings, FINDING_WARNING,
			    "smtp-connect-timeout", "send through your "
			    "provider's relay (submission, port 587), or ask "
			    "the ISP to open port 25", "%s did not answer: "
			    "this provider always does, so your network "
			    "(usually the ISP) blocks outbound port 25", at);
			break;
		}
		finding_add(a, &ad->findings, FINDING_WARNING,
		    "smtp-connect-timeout", "check the server's firewall; if "
		    "every host times out, try from another network",
		    "%s did not answer (%s): a firewall drops the "
		    "connection, here or there", at, safe_str(a, why));
		break;
	case SMTP_CONNECT_UNREACHABLE:
		finding_add(a, &ad->findings, FINDING_WARNING,
		    "smtp-connect-unreachable", NULL, "%s is unreachable from "
		    "here (%s)", at, safe_str(a, why));
		break;
	case SMTP_CONNECT_ERROR:
		finding_add(a, &ad->findings, FINDING_ERROR,
		    "smtp-connect-failed", NULL, "%s: connecting failed (%s)",
		    at, safe_str(a, why));
		break;
	case SMTP_CONNECT_OK:
	case SMTP_CONNECT_NOT_TRIED:
		break;
	}
}

static const char *
reply_text(struct arena *a, const struct smtp_reply *r)
{
	return r && r->nlines ? arena_printf(a, "%d %s", r->code,
	    safe_str(a, r->lines[0])) : "nothing";
}

/* What makes the server take the step it refused: a sender from here is
 * refused the same way. */
static const char *
rejected_fix(enum smtp_stage stage)
{
	switch (stage) {
	case SMTP_STAGE_BANNER:
		return "find in the server's log why it refuses this address "
		    "(the greeting's text says): a blocklist or a rate limit "
		    "(Postfix: postscreen, smtpd_client_restrictions; Exim: "
		    "acl_smtp_connect); a sender from here meets the same";
	case SMTP_STAGE_EHLO:
	case SMTP_STAGE_EHLO_TLS:
		return "accept EHLO (RFC 5321 §4.1.1.1: every server must); if "
		    "it refuses our name, retry with --ehlo and this host's "
		    "public name";
	case SMTP_STAGE_STARTTLS:
		return "make TLS work: the server offers STARTTLS but cannot "
		    "start it -- check its certificate and key files and its "
		    "TLS log (Postfix: smtpd_tls_chain_files; Exim: "
		    "tls_certificate, tls_privatekey)";
	default:
		return NULL;
	}
}

/* Why a session stopped before QUIT, when the server is to blame. */
static void
check_stop(struct arena *a, struct smtp_addr *ad, const char *at)
{
	const struct smtp_session *s = &ad->session;
	const char *detail = s->stop_detail ? safe_str(a, s->stop_detail) : "";
	const struct smtp_reply *last = s->ehlo_tls ? s->ehlo_tls :
	    s->starttls ? s->starttls : s->ehlo ? s->ehlo : s->banner;
	enum smtp_stage stage;

	switch (s->stop) {
	case SMTP_STOP_NONE:
		return;
	case SMTP_STOP_TIMEOUT:
		finding_add(a, &ad->findings, FINDING_ERROR, "smtp-stalled",
		    "check the server's logs: a sender gives up the same way",
		    "%s accepted the connection, then stalled: %s", at,
		    detail);
		return;
	case SMTP_STOP_CLOSED:
	case SMTP_STOP_IO:
		finding_add(a, &ad->findings, FINDING_ERROR, "smtp-closed",
		    NULL, "%s dropped the connection at %s (%s)", at,
		    smtp_stage_name(s->stage), detail);
		return;
	case SMTP_STOP_MALFORMED:
	case SMTP_STOP_TOO_LONG:
		finding_add(a, &ad->findings, FINDING_ERROR, "smtp-bad-reply",
		    "this is not a working SMTP server on this port", "%s at "
		    "%s: %s", at, smtp_stage_name(s->stage), detail);
		return;
	case SMTP_STOP_REJECTED:
		stage = s->ehlo_tls ? SMTP_STAGE_EHLO_TLS : s->starttls ?
		    SMTP_STAGE_STARTTLS : s->ehlo ? SMTP_STAGE_EHLO :
		    SMTP_STAGE_BANNER;
		finding_add(a, &ad->findings, FINDING_ERROR, "smtp-rejected",
		    rejected_fix(stage), "%s answered %s at %s", at,
		    reply_text(a, last), smtp_stage_name(stage));
		return;
	case SMTP_STOP_TLS:
		finding_add(a, &ad->findings, FINDING_ERROR, "smtp-tls-failed",
		    "check the server's TLS settings and its certificate "
		    "files", "%s offered STARTTLS, but TLS failed: %s", at,
		    detail);
		return;
	}
}

static void
check_cert(struct arena *a, const struct smtp_host *h, struct smtp_addr *ad,
    const char *at, long long now)
{
	const struct smtp_session *s = &ad->session;
	const struct smtp_cert_info *c = &ad->cert;

	ad->have_cert = s->nchain > 0 &&
	    smtp_cert_describe(a, &s->chain[0], &ad->cert);
	if (!ad->have_cert) {
		return;
	}
	ad->chain_verified = s->verify_code == X509_V_OK;
	ad->name_matches = h->name == NULL ? VERDICT_UNKNOWN :
	    smtp_cert_matches_host(&s->chain[0], h->name) ? VERDICT_PASS :
	    VERDICT_FAIL;
	ad->days_left = (c->not_after_epoch - now) / 86400;
	ad->expired = c->not_after_epoch < now;
	ad->sts_valid = ad->chain_verified &&
	    ad->name_matches == VERDICT_PASS && !ad->expired;
	if (ad->expired) {
		finding_add(a, &ad->findings, FINDING_ERROR,
		    "smtp-cert-expired", "renew the certificate and reload "
		    "the server", "%s: the certificate expired on %s", at,
		    c->not_after);
	} else if (ad->days_left < CERT_WARN_DAYS) {
		finding_add(a, &ad->findings, FINDING_WARNING,
		    "smtp-cert-expiring", "renew the certificate now (check "
		    "that automatic renewal works and reloads the server)",
		    "%s: the certificate expires on %s, in %lld days", at,
		    c->not_after, ad->days_left);
	}
	if (!ad->chain_verified &&
	    s->verify_code != X509_V_ERR_CERT_HAS_EXPIRED) {
		finding_add(a, &ad->findings, FINDING_ERROR,
		    "smtp-cert-untrusted", c->self_signed ? "replace the "
		    "self-signed certificate with one from a public CA (for "
		    "example Let's Encrypt)" : "serve the whole chain "
		    "(certificate and intermediates), issued by a public CA",
		    "%s: the certificate is not trusted: %s", at,
		    safe_str(a, s->verify_error ? s->verify_error : "?"));
	}
	if (ad->name_matches == VERDICT_FAIL) {
		const char *names = NULL;
		size_t i;

		for (i = 0; i < c->nnames; i++) {
			names = names ? arena_printf(a, "%s, %s", names,
			    c->names[i]) : c->names[i];
		}
		finding_add(a, &ad->findings, FINDING_ERROR,
		    "smtp-cert-name-mismatch", arena_printf(a, "get a "
		    "certificate that names %s (a subjectAltName)", h->name),
		    "%s: the certificate is for %s, not %s", at,
		    safe_str(a, names ? names : c->subject), h->name);
	}
	if (s->tls_version && (strcmp(s->tls_version, "TLSv1") == 0 ||
	    strcmp(s->tls_version, "TLSv1.1") == 0)) {
		finding_add(a, &ad->findings, FINDING_WARNING, "smtp-tls-old",
		    "enable TLS 1.2 and 1.3 on the server", "%s speaks %s "
		    "only (RFC 8996 deprecates it)", at, s->tls_version);
	}
}

/* DANE (RFC 7672): the host's TLSA records against this address's
 * certificate chain. Without the AD bit the resolver did not validate
 * them, and a DANE sender ignores them (RFC 7672 §2.2). */
static void
check_dane(struct arena *a, const struct smtp_host *h, struct smtp_addr *ad,
    const char *at)
{
	const struct dns_answer *t = h->tlsa;
	const struct smtp_session *s = &ad->session;
	size_t i, usable = 0, matched = 0;

	if (t == NULL || t->kind != DNS_ANS_RECORDS || !s->tls_done) {
		return;
	}
	ad->tlsa = arena_calloc(a, t->count, sizeof(*ad->tlsa));
	smtp_tlsa_check(a, t->tlsa, t->count, s->chain, s->nchain, h->name,
	    ad->tlsa);
	for (i = 0; i < t->count; i++) {
		usable += ad->tlsa[i].outcome != TLSA_UNUSABLE;
		matched += ad->tlsa[i].outcome == TLSA_MATCH;
	}
	if (usable > 0 && matched == 0) {
		const char *hash = s->nchain ? smtp_cert_tlsa_311(a,
		    &s->chain[0]) : NULL;

		finding_add(a, &ad->findings, t->ad ? FINDING_ERROR :
		    FINDING_WARNING, "smtp-dane-mismatch", hash ?
		    arena_printf(a, "publish _25._tcp.%s. TLSA 3 1 1 %s (the "
		    "certificate this server presents) beside the old records, "
		    "then remove those after two TTLs; or serve the "
		    "certificate they describe", h->name, hash) : "publish "
		    "TLSA records for the certificate the server presents",
		    "%s: no TLSA record at _25._tcp.%s matches the "
		    "certificate%s", at, h->name, t->ad ? "; DANE senders will "
		    "not deliver" : " (the resolver did not validate them: no "
		    "AD bit)");
	}
}

/* What the session shows of the host's STARTTLS: fail when there is none
 * or it does not hold, unknown when the session never got to see it (no
 * connection, no EHLO reply, a stall after STARTTLS was offered). */
static void
judge_tls(struct arena *a, struct smtp_addr *ad, const char *at)
{
	const struct smtp_session *s = &ad->session;
	const struct finding *f = ad->findings.head;

	if (s->tls_done) {
		ad->tls = ad->chain_verified && !ad->expired &&
		    ad->name_matches != VERDICT_FAIL ? SMTP_TLS_PASS :
		    SMTP_TLS_FAIL;
	} else if (s->ehlo == NULL || s->ehlo->code != 250 ||
	    (s->starttls_offered && s->stop == SMTP_STOP_TIMEOUT)) {
		ad->tls = SMTP_TLS_UNKNOWN;
	} else {
		ad->tls = SMTP_TLS_FAIL;
	}
	while (f != NULL && ad->tls == SMTP_TLS_FAIL &&
	    f->severity != FINDING_ERROR) {
		f = f->next;
	}
	if (ad->tls == SMTP_TLS_FAIL) {
		ad->tls_why = f ? f->message : arena_printf(a, "%s: TLS does "
		    "not hold", at);
	} else if (ad->tls == SMTP_TLS_UNKNOWN) {
		ad->tls_why = arena_printf(a, "%s; its STARTTLS could not be "
		    "seen", f ? f->message : arena_printf(a, "%s: no EHLO "
		    "reply", at));
	}
}

static void
evaluate_addr(struct arena *a, struct smtp_host *h, struct smtp_addr *ad,
    unsigned port, long long now)
{
	const struct smtp_session *s = &ad->session;
	const char *at = where(a, h, ad, port);

	check_connect(a, h, ad, at, port);
	if (s->banner) {
		ad->banner_host = smtp_reply_host(a, s->banner);
	}
	if (s->ehlo && s->ehlo->code == 250) {
		ad->ehlo_host = smtp_reply_host(a, s->ehlo);
		ad->next = smtp_ehlo_extensions(a, s->ehlo, &ad->ext);
	}
	if (s->ehlo_tls && s->ehlo_tls->code == 250) {
		ad->next_tls = smtp_ehlo_extensions(a, s->ehlo_tls,
		    &ad->ext_tls);
	}
	check_stop(a, ad, at);
	if (s->connect == SMTP_CONNECT_OK) {
		check_names(a, h, ad, at);
	}
	if (s->ehlo && s->ehlo->code == 250 && !s->starttls_offered) {
		finding_add(a, &ad->findings, FINDING_ERROR, "smtp-no-starttls",
		    "enable STARTTLS with a certificate for the MX name "
		    "(Postfix: smtpd_tls_security_level = may; Exim: "
		    "tls_advertise_hosts = *)", "%s does not offer STARTTLS: "
		    "mail to it travels unencrypted, and Gmail marks it so",
		    at);
	}
	if (s->tls_done) {
		check_cert(a, h, ad, at, now);
		check_dane(a, h, ad, at);
	}
	judge_tls(a, ad, at);
}

/* RFC 2181 §10.3: an MX names a host, never an alias; a sender may
 * refuse to follow the CNAME. The fix is the MX record with its target. */
static void
check_mx_alias(struct arena *a, const struct smtp_result *r,
    struct smtp_host *h)
{
	const char *target = h->a4 && h->a4->cname ? h->a4->cname :
	    h->a6 && h->a6->cname ? h->a6->cname : NULL;

	if (target == NULL || h->implicit || r->in->name == NULL) {
		return;
	}
	finding_add(a, &h->findings, FINDING_WARNING, "smtp-mx-cname",
	    arena_printf(a, "%s. MX %u %s. (instead of the alias)",
	    r->in->name, h->preference, safe_str(a, target)), "the MX host "
	    "%s is an alias (CNAME) of %s: an MX must name the host itself "
	    "(RFC 2181 §10.3, RFC 5321 §5.1), and some senders refuse it",
	    h->name, safe_str(a, target));
}

static void
evaluate_host(struct arena *a, struct smtp_result *r, struct smtp_host *h,
    long long now)
{
	size_t i;

	if (h->naddrs == 0) {
		bool failed = dns_kind_is_failure(h->a4->kind) ||
		    dns_kind_is_failure(h->a6->kind);
		struct finding *f;

		f = finding_add(a, &h->findings, failed ? FINDING_WARNING :
		    FINDING_ERROR, failed ? "smtp-dns-error" : "smtp-no-address",
		    failed ? NULL : "publish an A (and AAAA) record for the MX "
		    "host, or point the MX at a host that has one", failed ?
		    "the addresses of %s could not be looked up (A %s, AAAA "
		    "%s)" : "%s has no A or AAAA record: mail cannot reach it",
		    h->name, dns_kind_name(h->a4->kind),
		    dns_kind_name(h->a6->kind));
		f->verdict = failed ? VERDICT_UNKNOWN : f->verdict;
	}
	check_mx_alias(a, r, h);
	if (h->tlsa != NULL && dns_kind_is_failure(h->tlsa->kind)) {
		finding_add(a, &h->findings, FINDING_WARNING,
		    "smtp-dane-dns-error", "retry, or ask another resolver "
		    "(@SERVER); if the zone is signed, make its servers answer "
		    "TLSA questions: a DANE sender defers mail while the "
		    "lookup fails (RFC 7672 §2.2)", "the TLSA records at "
		    "_25._tcp.%s could not be looked up (%s): DANE status "
		    "unknown", h->name,
		    dns_kind_name(h->tlsa->kind))->verdict = VERDICT_UNKNOWN;
	}
	if (h->tlsa != NULL && h->tlsa->kind == DNS_ANS_RECORDS &&
	    !h->tlsa->ad) {
		finding_add(a, &h->findings, FINDING_INFO, "smtp-dane-insecure",
		    "sign the zone with DNSSEC, and ask through a validating "
		    "resolver (@SERVER)", "TLSA records at _25._tcp.%s came "
		    "without the AD bit: the resolver did not validate them, "
		    "and DANE means nothing without DNSSEC", h->name);
	}
	for (i = 0; i < h->naddrs; i++) {
		evaluate_addr(a, h, &h->addrs[i], r->in->port, now);
	}
}

/* Findings about the whole target: the MX answer, and a network that
 * lets nothing out on port 25. */
static bool
evaluate_mx(struct arena *a, struct smtp_result *r)
{
	const char *d = r->in->name;

	if (r->mx == NULL) {
		return true;
	}
	if (dns_kind_is_failure(r->mx->kind)) {
		finding_add(a, &r->findings, FINDING_WARNING, "smtp-dns-error",
		    "retry, or ask another resolver (@SERVER)", "the MX "
		    "records of %s could not be looked up (%s): nothing to "
		    "probe", d, dns_kind_name(r->mx->kind))->verdict =
		    VERDICT_UNKNOWN;
		return false;
	}
	if (r->mx->kind == DNS_ANS_NXDOMAIN) {
		finding_add(a, &r->findings, FINDING_ERROR, "smtp-no-domain",
		    NULL, "%s does not exist (NXDOMAIN): it receives no mail",
		    d);
	} else if (r->null_mx) {
		finding_add(a, &r->findings, FINDING_INFO, "smtp-null-mx",
		    NULL, "%s publishes a null MX (RFC 7505): it accepts no "
		    "mail, so there is nothing to probe", d);
	} else if (r->mx_count > r->nhosts && r->mx->kind == DNS_ANS_RECORDS &&
	    r->nhosts == SMTP_MAX_HOSTS) {
		finding_add(a, &r->findings, FINDING_INFO, "smtp-many-mx",
		    NULL, "%s has %zu MX records; the first %d are probed", d,
		    r->mx_count, SMTP_MAX_HOSTS);
	} else if (r->hosts && r->hosts[0].implicit) {
		finding_add(a, &r->findings, FINDING_INFO, "smtp-implicit-mx",
		    NULL, "%s has no MX record: senders use its own address "
		    "(RFC 5321 §5.1)", d);
	}
	return true;
}

void
smtp_evaluate(struct arena *a, struct smtp_result *r, long long now)
{
	bool mx_known = evaluate_mx(a, r);
	size_t i;

	for (i = 0; i < r->nhosts; i++) {
		evaluate_host(a, r, &r->hosts[i], now);
	}
	if (r->in->name != NULL && mx_known && !r->null_mx &&
	    r->mx->kind != DNS_ANS_NXDOMAIN) {
		smtp_evaluate_sts(a, r);
		smtp_evaluate_rpt(a, r);
	}
	smtp_decide(a, r, mx_known);
}
