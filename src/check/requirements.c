/* The checklist of `mailauth check`: Google's sender requirements (2024),
 * in order of importance, each with the answer Gmail gives when it fails.
 * This file: the sending host (its addresses, reverse DNS and HELO name,
 * the domain's MX) and the whole list; auth.c adds SPF, DKIM, DMARC and
 * alignment, inform.c the information items. */
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "bounds.h"
#include "check/fix.h"
#include "check/req.h"
#include "dmarc/psl.h"
#include "dns/name.h"
#include "spf/lint.h"
#include "util/arena.h"
#include "util/safe.h"
#include "util/strbuf.h"

/* The answers Gmail gives a sender that fails each requirement (Google's
 * sender guidelines); over IPv6 it refuses mail without a PTR record with
 * 550-5.7.1. */
static const char *const codes_ptr[] = { "4.7.23", "5.7.25", NULL };
static const char *const codes_ptr6[] = { "4.7.23", "5.7.25", "550-5.7.1",
    NULL };
static const char *const codes_none[] = { NULL };

/* Joins one note per IP or host for a requirement that passes. */
static void
note(struct strbuf *sb, const char *text)
{
	strbuf_addf(sb, "%s%s", sb->len ? "; " : "", text);
}

/* True when name lies in the registered domain of the checked domain:
 * a name its owner can publish records for. */
static bool
own_name(struct arena *a, const struct check_result *r, const char *name)
{
	const char *org = r->in->psl ? dmarc_psl_org_domain(r->in->psl, a,
	    r->in->domain) : r->in->domain;

	return dns_name_is_under(name, org);
}

/* A domain that does not exist is said once, instead of a failure of
 * every part. Returns false when it does not exist. */
static bool
domain_exists_check(struct arena *a, struct check_result *r)
{
	struct check_requirement *q;

	if (r->mx == NULL || r->mx->kind != DNS_ANS_NXDOMAIN) {
		return true;
	}
	q = check_req_add(r, "domain", true, codes_none);
	check_req_set(q, CHECK_FAIL, "domain-nxdomain", arena_printf(a,
	    "%s does not exist: its DNS servers answer NXDOMAIN",
	    safe_str(a, r->in->domain)));
	q->fix = "check the spelling; a domain must be registered, and its "
	    "zone served by the name servers its registrar lists, before it "
	    "can send mail";
	return false;
}

/* The first address lookup of an MX host that failed, or NULL. */
static const struct dns_answer *
mx_address_failure(const struct check_result *r)
{
	size_t i;

	for (i = 0; i < r->nmx; i++) {
		const struct check_mx *m = &r->mxhosts[i];

		if (m->a4 != NULL && dns_kind_is_failure(m->a4->kind)) {
			return m->a4;
		}
		if (m->a6 != NULL && dns_kind_is_failure(m->a6->kind)) {
			return m->a6;
		}
	}
	return NULL;
}

/* The sending host comes from --ip, or from the MX hosts' public
 * addresses; when neither gives one, say why -- a lookup that failed is
 * "unknown", never "none". */
static void
require_sending_ip(struct arena *a, struct check_result *r)
{
	struct check_requirement *q;
	const struct dns_answer *failed = NULL;
	const char *domain = safe_str(a, r->in->domain), *why = NULL, *hint;

	if (r->nips > 0) {
		return;
	}
	q = check_req_add(r, "sending-ip", true, codes_none);
	if (r->null_mx) {
		why = arena_printf(a, "%s receives no mail (null MX, RFC 7505), "
		    "so its MX names no sending host", domain);
	} else if (r->mx == NULL || dns_kind_is_failure(r->mx->kind)) {
		failed = r->mx;
	} else if ((failed = mx_address_failure(r)) == NULL && r->nmx > 0) {
		why = arena_printf(a, "%s has no MX host with a public address",
		    domain);
	} else if (failed == NULL) {
		why = arena_printf(a, "%s has no MX record to take the sending "
		    "host from", domain);
	}
	if (failed != NULL || r->mx == NULL) {
		why = arena_printf(a, "%s, so the sending host is unknown",
		    failed ? dns_answer_failure(a, failed) : "the MX lookup "
		    "failed");
	}
	check_req_set(q, CHECK_UNKNOWN, "sending-ip-unknown",
	    arena_printf(a, "%s; give --ip for the sending host", why));
	hint = dns_answer_retry_hint(failed);
	q->fix = arena_printf(a, "%s%sgive the public address your server "
	    "sends from: mailauth check %s --ip YOUR.PUBLIC.IP", hint ? hint :
	    "", hint ? "; or " : "", domain);
}

/* The fix of a PTR problem: the owner of the address block sets reverse
 * DNS, never the domain's DNS host. */
static void
fix_ptr(struct arena *a, struct check_requirement *q,
    const struct check_result *r, const struct check_ip *ip,
    const char *what)
{
	bool resolves;
	const char *host = check_host_name(a, r, &ip->ip, true,
	    &resolves);
	const char *rec = arena_printf(a, "%s. PTR %s.", ip->ptr->reverse_name,
	    safe_str(a, host));

	q->fix = arena_printf(a, "ask the owner of %s (the ISP or hosting "
	    "provider that assigned it; not your domain's DNS host) to %s%s",
	    check_ip_text(a, &ip->ip), what, resolves ? "" : arena_printf(a,
	    "; and publish the address record of %s in the zone of %s",
	    safe_str(a, host), safe_str(a, r->in->domain)));
	q->fix_records = resolves ? rec : arena_printf(a, "%s\n%s", rec,
	    check_address_record(a, host, &ip->ip));
}

static void
ptr_of_ip(struct arena *a, struct check_requirement *q,
    const struct check_result *r, const struct check_ip *ip,
    struct strbuf *sb)
{
	const struct ptr_result *p = ip->ptr;
	const char *addr = check_ip_text(a, &ip->ip);
	const char *name = p->nnames ? safe_str(a, p->names[0].name) : NULL;
	size_t i;

	if (dns_kind_is_failure(p->answer->kind) || (!p->fcrdns && p->failed)) {
		check_req_failed(a, q, "ptr-lookup-failed", addr, p->failed);
	} else if (p->nnames == 0) {
		if (check_req_set(q, CHECK_FAIL, "ptr-missing", arena_printf(a,
		    "%s has no PTR record at %s", addr, p->reverse_name))) {
			fix_ptr(a, q, r, ip, "publish this PTR record (reverse "
			    "DNS is set where the addresses are assigned)");
		}
	} else if (!p->fcrdns) {
		bool addressless = p->names[0].a && p->names[0].aaaa &&
		    dns_kind_is_void(p->names[0].a->kind) &&
		    dns_kind_is_void(p->names[0].aaaa->kind);

		if (!check_req_set(q, CHECK_FAIL, "ptr-not-confirmed",
		    arena_printf(a, "%s: PTR %s does not resolve back to it",
		    addr, name))) {
			return;
		}
		if (addressless && own_name(a, r, p->names[0].name)) {
			q->fix = arena_printf(a, "publish the address record of "
			    "%s in your zone, so that it resolves back", name);
			q->fix_records = check_address_record(a,
			    p->names[0].name, &ip->ip);
		} else {
			fix_ptr(a, q, r, ip, arena_printf(a, "change the PTR "
			    "record from %s%s to your host's name", name,
			    own_name(a, r, p->names[0].name) ? "" :
			    " (the provider's name, not yours)"));
		}
	} else {
		for (i = 0; i < p->nnames && !p->names[i].forward_confirmed;
		    i++) {
		}
		name = safe_str(a, p->names[i].name);
		if (p->names[i].generic == NULL) {
			note(sb, arena_printf(a, "%s: PTR %s, forward-confirmed",
			    addr, name));
		} else if (check_req_set(q, CHECK_WARN, "ptr-generic",
		    arena_printf(a, "%s: PTR %s looks like a provider's pool "
		    "name (%s): receivers distrust mail from such names", addr,
		    name, p->names[i].generic))) {
			fix_ptr(a, q, r, ip, arena_printf(a, "change the PTR "
			    "record from its pool name %s to your host's name",
			    name));
		}
	}
}

/* Gmail wants forward-confirmed reverse DNS for every sending IP; over
 * IPv6 it is its own rule, so each family is its own requirement. */
static void
require_ptr(struct arena *a, struct check_result *r, int family)
{
	struct check_requirement *q = NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < r->nips; i++) {
		if (r->ips[i].ip.family != family) {
			continue;
		}
		if (q == NULL) {
			q = check_req_add(r, family == AF_INET ? "ptr" :
			    "ptr-ipv6", true, family == AF_INET ? codes_ptr :
			    codes_ptr6);
		}
		ptr_of_ip(a, q, r, &r->ips[i], &sb);
	}
	if (q != NULL && q->status == CHECK_PASS) {
		q->message = arena_strdup(a, strbuf_str(&sb));
	}
	strbuf_finish(&sb);
}

static bool
is_localhost(const char *name)
{
	size_t len = strlen(name);

	return strcasecmp(name, "localhost") == 0 ||
	    strcasecmp(name, "localhost.localdomain") == 0 ||
	    (len > 10 && strcasecmp(name + len - 10, ".localhost") == 0);
}

/* The fix of a HELO name: the server's own host name, resolving to it. */
static void
fix_helo(struct arena *a, struct check_requirement *q,
    const struct check_result *r, const struct ip_addr *ip)
{
	bool resolves;
	const char *host = check_host_name(a, r, ip, false, &resolves);

	q->fix = arena_printf(a, "make the server say HELO/EHLO with its host "
	    "name, such as %s (Postfix: smtp_helo_name or myhostname; Exim: "
	    "primary_hostname)%s", safe_str(a, host), resolves ? "" :
	    ", and publish its address record");
	q->fix_records = resolves ? NULL : check_address_record(a, host, ip);
}

static void
helo_of_ip(struct arena *a, struct check_requirement *q,
    const struct check_result *r, const struct ip_addr *ip)
{
	const char *helo = safe_str(a, r->in->helo), *addr = check_ip_text(a, ip);
	const struct dns_answer *ans = ip->family == AF_INET ? r->helo_a4 :
	    r->helo_a6;

	if (dns_kind_is_failure(ans->kind)) {
		check_req_failed(a, q, "helo-lookup-failed", NULL, ans);
		return;
	}
	if (dns_answer_has_addr(ans, ip)) {
		return;
	}
	if (r->helo_a4->kind == DNS_ANS_RECORDS ||
	    r->helo_a6->kind == DNS_ANS_RECORDS) {
		/* The name is another host's: the server needs its own. */
		if (check_req_set(q, CHECK_FAIL, "helo-address-mismatch",
		    arena_printf(a, "the HELO name %s does not resolve to %s",
		    helo, addr))) {
			fix_helo(a, q, r, ip);
		}
		return;
	}
	if (!check_req_set(q, CHECK_FAIL, "helo-no-address", arena_printf(a,
	    "the HELO name %s has no address record", helo))) {
		return;
	}
	if (own_name(a, r, r->in->helo)) {
		q->fix = arena_printf(a, "publish the address record of %s, "
		    "so that it resolves to the server", helo);
		q->fix_records = check_address_record(a, r->in->helo, ip);
	} else {
		fix_helo(a, q, r, ip);
	}
}

/* RFC 5321 §4.1.1.1: the HELO/EHLO argument is the client's fully
 * qualified domain name; receivers check that it resolves to the client
 * and refuse "localhost" or a bare address. */
static void
require_helo(struct arena *a, struct check_result *r)
{
	const char *helo = r->in->helo;
	struct check_requirement *q;
	struct ip_addr literal;
	size_t i;

	if (helo == NULL) {
		return;
	}
	q = check_req_add(r, "helo", true, codes_none);
	if (is_localhost(helo)) {
		check_req_set(q, CHECK_FAIL, "helo-localhost", arena_printf(a,
		    "the HELO name %s names the machine itself, not a host on "
		    "the Internet: receivers refuse or distrust it",
		    safe_str(a, helo)));
	} else if (helo[0] == '[' || ip_parse(helo, &literal)) {
		check_req_set(q, CHECK_FAIL, "helo-bare-ip", arena_printf(a,
		    "the HELO name %s is an address, not the server's host name",
		    safe_str(a, helo)));
	} else if (r->helo_a4 == NULL) {
		check_req_set(q, CHECK_FAIL, "helo-not-fqdn", arena_printf(a,
		    "the HELO name %s is not a fully qualified domain name",
		    safe_str(a, helo)));
	}
	if (q->status == CHECK_FAIL) {
		if (r->nips > 0) {
			fix_helo(a, q, r, &r->ips[0].ip);
		} else {
			q->fix = "make the server say HELO/EHLO with its fully "
			    "qualified host name";
		}
		return;
	}
	for (i = 0; i < r->nips; i++) {
		helo_of_ip(a, q, r, &r->ips[i].ip);
	}
	if (q->status == CHECK_PASS) {
		q->message = arena_printf(a, "the HELO name %s resolves to the "
		    "sending IP%s", safe_str(a, helo), r->nips == 1 ? "" : "s");
	}
}

static bool
is_null_mx(const struct dns_answer *mx)
{
	return mx->kind == DNS_ANS_RECORDS && mx->count == 1 &&
	    mx->mx[0].host[0] == '\0';
}

/* RFC 7505 §4.2: a domain with a null MX should not be used as the
 * envelope sender -- bounces cannot reach it -- and receivers may refuse
 * such mail with 550 5.7.27. */
static void
fail_null_sender(struct arena *a, struct check_requirement *q,
    const struct check_result *r)
{
	const char *bounce = check_bounce_domain(a, r);
	const char *terms = "", *host;
	bool resolves;
	size_t i;

	check_req_set(q, CHECK_FAIL, "mx-null-sender", arena_printf(a, "%s, "
	    "the envelope sender's domain, publishes a null MX (RFC 7505): "
	    "bounces cannot reach it, and receivers may refuse its mail "
	    "(RFC 7505 §4.2: 550 5.7.27)", safe_str(a, r->sender_domain)));
	if (r->nips == 0) {
		q->fix = arena_printf(a, "send with an envelope sender (MAIL "
		    "FROM, --sender) in a bounce domain that receives mail, such "
		    "as %s, and publish its MX record naming a host that "
		    "receives mail; give --ip to see the records",
		    safe_str(a, bounce));
		return;
	}
	for (i = 0; i < r->nips; i++) {
		terms = arena_printf(a, "%s%s%s:%s", terms, *terms ? " " : "",
		    r->ips[i].ip.family == AF_INET ? "ip4" : "ip6",
		    check_ip_text(a, &r->ips[i].ip));
	}
	/* The bounces go to the sending host, named as every other fix
	 * names it, with its address when it has none yet. */
	host = check_host_name(a, r, &r->ips[0].ip, true, &resolves);
	q->fix = arena_printf(a, "send with an envelope sender (MAIL FROM, "
	    "--sender) in a bounce domain that receives mail, such as %s, and "
	    "publish its MX and SPF records%s; %s must accept mail for it",
	    safe_str(a, bounce), resolves ? "" : arena_printf(a, ", and the "
	    "address record of %s", safe_str(a, host)), safe_str(a, host));
	q->fix_records = arena_printf(a, "%s. MX 10 %s.\n%s",
	    safe_str(a, bounce), safe_str(a, host), check_txt_record(a, bounce,
	    arena_printf(a, "v=spf1 %s -all", terms)));
	if (!resolves) {
		q->fix_records = arena_printf(a, "%s\n%s", q->fix_records,
		    check_address_record(a, host, &r->ips[0].ip));
	}
}

/* One MX host: reachable addresses, or why not. */
static void
mx_host(struct arena *a, struct check_requirement *q,
    const struct check_result *r, const struct check_mx *m,
    struct strbuf *sb)
{
	const struct dns_answer *both[2] = { m->a4, m->a6 };
	struct strbuf addrs = STRBUF_INIT;
	size_t k, j;

	for (k = 0; k < 2; k++) {
		if (dns_kind_is_failure(both[k]->kind)) {
			check_req_failed(a, q, "mx-lookup-failed", NULL,
			    both[k]);
		}
		for (j = 0; both[k]->kind == DNS_ANS_RECORDS &&
		    j < both[k]->count; j++) {
			const struct ip_addr *ip = &both[k]->addrs[j];
			const char *block = ip_addr_unreachable(ip);

			strbuf_addf(&addrs, "%s%s", addrs.len ? ", " : "",
			    check_ip_text(a, ip));
			if (block != NULL && check_req_set(q, CHECK_FAIL,
			    "mx-address-not-public", arena_printf(a, "%s "
			    "resolves to %s, not a public address (%s): servers "
			    "on the Internet cannot deliver to it",
			    safe_str(a, m->host), check_ip_text(a, ip),
			    block))) {
				size_t i;

				q->fix = "publish the public address of the "
				    "server (the one your router or provider "
				    "gives it, with port 25 forwarded to it)";
				for (i = 0; i < r->in->nips; i++) {
					if (r->in->ips[i].family == ip->family) {
						q->fix_records =
						    check_address_record(a,
						    m->host, &r->in->ips[i]);
						break;
					}
				}
				if (q->fix_records == NULL) {
					q->fix = arena_printf(a, "%s; give it "
					    "with --ip to see the record",
					    q->fix);
				}
			}
		}
	}
	if (addrs.len == 0 && dns_kind_is_void(m->a4->kind) &&
	    dns_kind_is_void(m->a6->kind) && check_req_set(q, CHECK_FAIL,
	    "mx-host-no-address", arena_printf(a, "the MX host %s has no "
	    "address record: mail to %s cannot be delivered",
	    safe_str(a, m->host), safe_str(a, r->in->domain)))) {
		/* The sending host receives too only on a home server whose
		 * MX host is its own name; another's name is theirs to fix. */
		q->fix = arena_printf(a, own_name(a, r, m->host) ? "publish the "
		    "address record of %s" : "ask whoever runs %s to publish "
		    "its address record, or name a host that receives mail in "
		    "the MX record", safe_str(a, m->host));
		q->fix_records = r->nips && own_name(a, r, m->host) ?
		    check_address_record(a, m->host, &r->ips[0].ip) : NULL;
	}
	note(sb, arena_printf(a, "%s (%s)", safe_str(a, m->host), addrs.len ?
	    strbuf_str(&addrs) : "no address"));
	strbuf_finish(&addrs);
}

static void
fix_mx_missing(struct arena *a, struct check_requirement *q,
    const struct check_result *r)
{
	const char *domain = safe_str(a, r->in->domain), *host;
	bool resolves;

	q->fix = arena_printf(a, "publish an MX record naming the host that "
	    "receives mail for %s", domain);
	if (r->nips == 0) {
		return;
	}
	host = check_host_name(a, r, &r->ips[0].ip, true, &resolves);
	q->fix_records = arena_printf(a, "%s. MX 10 %s.", domain,
	    safe_str(a, host));
	if (!resolves) {
		q->fix = arena_printf(a, "%s, and the host's address record",
		    q->fix);
		q->fix_records = arena_printf(a, "%s\n%s", q->fix_records,
		    check_address_record(a, host, &r->ips[0].ip));
	}
}

static void
require_mx(struct arena *a, struct check_result *r)
{
	struct check_requirement *q = check_req_add(r, "mx", true, codes_none);
	const char *domain = safe_str(a, r->in->domain);
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (r->sender_mx ? is_null_mx(r->sender_mx) : r->null_mx) {
		fail_null_sender(a, q, r);
	} else if (r->sender_mx && dns_kind_is_failure(r->sender_mx->kind)) {
		check_req_failed(a, q, "mx-lookup-failed", NULL, r->sender_mx);
	}
	if (dns_kind_is_failure(r->mx->kind)) {
		check_req_failed(a, q, "mx-lookup-failed", NULL, r->mx);
	} else if (r->null_mx) {
		check_req_set(q, CHECK_INFO, NULL, arena_printf(a, "%s receives "
		    "no mail (null MX, RFC 7505); bounces go to %s", domain,
		    safe_str(a, r->sender_domain)));
	} else if (r->mx->kind != DNS_ANS_RECORDS && check_req_set(q,
	    CHECK_WARN, "mx-missing", arena_printf(a, "%s has no MX record: "
	    "replies to it go to its address record, if any (RFC 5321 "
	    "§5.1)", domain))) {
		fix_mx_missing(a, q, r);
	}
	for (i = 0; i < r->nmx && !r->null_mx; i++) {
		if (r->mxhosts[i].host[0] != '\0') {
			mx_host(a, q, r, &r->mxhosts[i], &sb);
		}
	}
	if (q->status == CHECK_PASS) {
		q->message = arena_strdup(a, strbuf_str(&sb));
	}
	strbuf_finish(&sb);
}

void
check_require_host(struct arena *a, struct check_result *r)
{
	require_sending_ip(a, r);
	require_ptr(a, r, AF_INET);
	require_ptr(a, r, AF_INET6);
	require_helo(a, r);
	require_mx(a, r);
}

static void
lint_parts(struct arena *a, struct check_result *r)
{
	size_t i;

	spf_lint(a, r->spf_walk);
	dkim_probe_lint(a, r->dkim);
	/* The DMARC record proposed, here and in --details, sends reports
	 * where mail is received. */
	r->dmarc->report_domain = check_mail_domain(a, r);
	dmarc_lint(a, r->dmarc);
	for (i = 0; i < r->nips; i++) {
		ptr_lint(a, r->ips[i].ptr);
	}
}

void
check_evaluate(struct arena *a, struct check_result *r)
{
	lint_parts(a, r);
	r->reqs = arena_calloc(a, CHECK_MAX_REQUIREMENTS, sizeof(*r->reqs));
	if (domain_exists_check(a, r)) {
		check_require_host(a, r);
		check_require_auth(a, r, !r->in->all_senders);
		check_require_info(a, r);
	}
	r->verdict = check_verdict(r->reqs, r->nreqs);
}
