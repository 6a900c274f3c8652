/* The information items of the checklist of `mailauth check`: DNS
 * blocklists, what was not checked (IPv6, TLS), and the MTA-STS, TLS-RPT
 * and BIMI records. None of them moves the verdict. */
#include <string.h>
#include <sys/socket.h>

#include "check/req.h"
#include "dns/txt.h"
#include "util/arena.h"
#include "util/safe.h"
#include "util/strbuf.h"

/* Gmail's answers when TLS is missing. */
static const char *const codes_tls[] = { "4.7.29", "5.7.29", NULL };
static const char *const codes_none[] = { NULL };

/* The text Gmail sends back to a sender on a residential range: a
 * listing in Spamhaus's PBL is what triggers it. */
static const char gmail_pbl[] = "Gmail refuses mail sent straight from "
    "such addresses: \"550-5.7.1 ... The IP you're using to send mail is "
    "not authorized to send email directly to our servers. Please use the "
    "SMTP relay at your service provider instead.\"";

/* Which answer a blocklist line leads with: a known listing before what
 * a list could not say. */
static int
weight(enum dnsbl_status s)
{
	switch (s) {
	case DNSBL_POLICY_LISTED: return 5;
	case DNSBL_LISTED: return 4;
	case DNSBL_ERROR: return 3;
	case DNSBL_FAILED: return 2;
	case DNSBL_NOT_LISTED: return 1;
	case DNSBL_NOT_ASKED: break;
	}
	return 0;
}

/* One line per listing (each address a list answered), failure and list
 * not asked, under the dnsbl item; returns how many were listings. */
static size_t
detail_lines(struct arena *a, const struct check_ip *ip,
    const struct check_listing *l, struct strbuf *sb)
{
	const char *addr = check_ip_text(a, &ip->ip), *zone = safe_str(a, l->zone);
	size_t i, listed = 0;

	if (l->status == DNSBL_NOT_ASKED || l->status == DNSBL_FAILED) {
		strbuf_addf(sb, "%s%s: %s", sb->len ? "\n" : "", addr,
		    l->status == DNSBL_FAILED ? arena_printf(a, "%s: %s", zone,
		    l->meaning) : safe_str(a, l->meaning));
		return 0;
	}
	for (i = 0; i < l->nhits; i++) {
		const struct dnsbl_hit *h = &l->hits[i];

		if (h->status == DNSBL_NOT_LISTED) {
			continue;
		}
		listed += h->status != DNSBL_ERROR;
		strbuf_addf(sb, "%s%s on %s: %s, %s", sb->len ? "\n" : "", addr,
		    zone, check_ip_text(a, h->answer), safe_str(a, h->meaning));
	}
	return listed;
}

static void
set_worst(struct arena *a, struct check_requirement *q,
    const struct check_ip *ip, const struct check_listing *l, size_t more)
{
	const char *addr = check_ip_text(a, &ip->ip), *zone = safe_str(a, l->zone);
	const char *also = more ? arena_printf(a, " (%zu more listing%s below)",
	    more, more == 1 ? "" : "s") : "";

	switch (l->status) {
	case DNSBL_POLICY_LISTED:
		check_req_set(q, CHECK_WARN, "dnsbl-policy-listed",
		    arena_printf(a, "%s is on %s (%s): %s%s", addr, zone,
		    l->meaning, gmail_pbl, also));
		q->fix = "relay outgoing mail through a smarthost -- your ISP's "
		    "or a mail provider's submission server (Postfix: relayhost "
		    "= [smtp.provider.example]:587 with SASL authentication) -- "
		    "instead of sending straight to other servers, or get an "
		    "address outside the provider's residential ranges";
		break;
	case DNSBL_LISTED:
		check_req_set(q, CHECK_WARN, "dnsbl-listed", arena_printf(a,
		    "%s is listed on %s: %s; receivers that use the list refuse "
		    "its mail%s", addr, zone, l->meaning, also));
		q->fix = "find and stop the cause (an infected machine, an open "
		    "relay, a compromised account), then ask for removal on the "
		    "list's web site";
		break;
	case DNSBL_ERROR:
		check_req_set(q, CHECK_UNKNOWN, "dnsbl-error", arena_printf(a,
		    "%s answered for %s with %s", zone, addr, l->meaning));
		break;
	case DNSBL_FAILED:
		check_req_failed(a, q, "dnsbl-lookup-failed", arena_printf(a,
		    "%s for %s", zone, addr), l->answer);
		break;
	case DNSBL_NOT_LISTED:
	case DNSBL_NOT_ASKED:
		break;
	}
}

/* Blocklists are information: receivers consult different ones, and a
 * list's answer never moves the verdict. The item leads with the answer
 * that matters most; every listing of every address, and every list not
 * asked, is a line of its own below it. */
static void
inform_blocklists(struct arena *a, struct check_result *r)
{
	const struct check_ip *worst_ip = NULL;
	const struct check_listing *worst = NULL;
	struct check_requirement *q;
	struct strbuf sb = STRBUF_INIT;
	size_t i, j, asked = 0, listed = 0;

	if (r->in->ndnsbls == 0 || r->nips == 0) {
		return;
	}
	q = check_req_add(r, "dnsbl", false, codes_none);
	for (i = 0; i < r->nips; i++) {
		for (j = 0; j < r->ips[i].nlistings; j++) {
			const struct check_listing *l = &r->ips[i].listings[j];

			listed += detail_lines(a, &r->ips[i], l, &sb);
			asked += l->status != DNSBL_NOT_ASKED;
			if (worst == NULL || weight(l->status) >
			    weight(worst->status)) {
				worst = l;
				worst_ip = &r->ips[i];
			}
		}
	}
	set_worst(a, q, worst_ip, worst, listed > 1 ? listed - 1 : 0);
	if (asked == 0) {
		q->status = CHECK_INFO;
		q->message = "no list was asked: those given hold only IPv4 "
		    "addresses, and the sending IPs are IPv6 (below)";
	} else if (q->status == CHECK_PASS) {
		q->message = arena_printf(a, "not listed (%zu answer%s from %zu "
		    "list%s)%s", asked, asked == 1 ? "" : "s", r->in->ndnsbls,
		    r->in->ndnsbls == 1 ? "" : "s", asked < r->in->ndnsbls *
		    r->nips ? "; some lists were not asked (below)" : "");
	}
	q->details = sb.len ? arena_strdup(a, strbuf_str(&sb)) : NULL;
	strbuf_finish(&sb);
}

/* Gmail has its own rule for IPv6 senders, and a host with an IPv6
 * address may well send over it: say when only IPv4 was checked. */
static void
inform_ipv6(struct check_result *r)
{
	struct check_requirement *q;
	size_t i;

	for (i = 0; i < r->nips; i++) {
		if (r->ips[i].ip.family == AF_INET6) {
			return;
		}
	}
	if (r->nips == 0) {
		return;
	}
	q = check_req_add(r, "ipv6", false, codes_none);
	q->status = CHECK_INFO;
	q->message = "only IPv4 was checked: if the server has an IPv6 "
	    "address, it may send over IPv6, and Gmail then wants a PTR "
	    "record and SPF for that address too; give it with --ip, or make "
	    "the MTA send over IPv4 only";
	q->fix = "publish the PTR record and an ip6: term in SPF for the "
	    "server's IPv6 address, or make the MTA send over IPv4 only "
	    "(Postfix: inet_protocols = ipv4; Exim: disable_ipv6 = true)";
}

/* A TXT record at name whose text starts with prefix (MTA-STS RFC 8461
 * §3.1, TLS-RPT RFC 8460 §3, BIMI). */
static void
inform_txt(struct arena *a, struct check_result *r, const char *id,
    const struct dns_answer *ans, const char *prefix, const char *what)
{
	struct check_requirement *q = check_req_add(r, id, false, codes_none);
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
		check_req_failed(a, q, arena_printf(a, "%s-lookup-failed", id),
		    NULL, ans);
	} else if (found == 0) {
		q->message = arena_printf(a, "no %s (%s; optional)", what,
		    ans->name);
	} else if (found > 1) {
		check_req_set(q, CHECK_WARN, arena_printf(a, "%s-multiple", id),
		    arena_printf(a, "%zu %s records at %s: receivers ignore "
		    "them all", found, what, ans->name));
		q->fix = arena_printf(a, "keep one %s record", what);
	}
}

void
check_require_info(struct arena *a, struct check_result *r)
{
	struct check_requirement *q;

	inform_blocklists(a, r);
	inform_ipv6(r);
	q = check_req_add(r, "tls", false, codes_tls);
	q->status = CHECK_INFO;
	q->message = "TLS cannot be seen in DNS: check that the server offers "
	    "STARTTLS (openssl s_client -starttls smtp -connect HOST:25)";
	inform_txt(a, r, "mta-sts", r->mta_sts, "v=STSv1", "MTA-STS record");
	inform_txt(a, r, "tls-rpt", r->tls_rpt, "v=TLSRPTv1",
	    "TLS-RPT record");
	inform_txt(a, r, "bimi", r->bimi, "v=BIMI1", "BIMI record");
}

