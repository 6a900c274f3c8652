/* The information items of the checklist of `mailauth check`: DNS
 * blocklists, what was not checked (IPv6, TLS), and the MTA-STS, TLS-RPT
 * and BIMI records. None of them moves the verdict. */
#include <string.h>
#include <sys/socket.h>

#include "check/req.h"
#include "dns/txt.h"
#include "util/arena.h"
#include "util/safe.h"

/* Gmail's answers when TLS is missing. */
static const char *const codes_tls[] = { "4.7.29", "5.7.29", NULL };
static const char *const codes_none[] = { NULL };

/* The text Gmail sends back to a sender on a residential range: a
 * listing in Spamhaus's PBL is what triggers it. */
static const char gmail_pbl[] = "Gmail refuses mail sent straight from "
    "such addresses: \"550-5.7.1 ... The IP you're using to send mail is "
    "not authorized to send email directly to our servers. Please use the "
    "SMTP relay at your service provider instead.\"";

static void
listing(struct arena *a, struct check_requirement *q,
    const struct check_ip *ip, const struct check_listing *l)
{
	const char *addr = check_ip_text(a, &ip->ip), *zone = safe_str(a, l->zone);

	switch (l->status) {
	case DNSBL_POLICY_LISTED:
		if (check_req_set(q, CHECK_WARN, "dnsbl-policy-listed",
		    arena_printf(a, "%s is on %s (%s): %s", addr, zone,
		    l->meaning, gmail_pbl))) {
			q->fix = "relay outgoing mail through a smarthost -- "
			    "your ISP's or a mail provider's submission server "
			    "(Postfix: relayhost = [smtp.provider.example]:587 "
			    "with SASL authentication) -- instead of sending "
			    "straight to other servers, or get an address "
			    "outside the provider's residential ranges";
		}
		break;
	case DNSBL_LISTED:
		if (check_req_set(q, CHECK_WARN, "dnsbl-listed", arena_printf(a,
		    "%s is listed on %s: %s; receivers that use the list refuse "
		    "its mail", addr, zone, l->meaning))) {
			q->fix = "find and stop the cause (an infected machine, "
			    "an open relay, a compromised account), then ask for "
			    "removal on the list's web site";
		}
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
 * list's answer never moves the verdict. */
static void
inform_blocklists(struct arena *a, struct check_result *r)
{
	struct check_requirement *q;
	size_t i, j, asked = 0;

	if (r->in->ndnsbls == 0 || r->nips == 0) {
		return;
	}
	q = check_req_add(r, "dnsbl", false, codes_none);
	for (i = 0; i < r->nips; i++) {
		for (j = 0; j < r->ips[i].nlistings; j++) {
			listing(a, q, &r->ips[i], &r->ips[i].listings[j]);
			asked += r->ips[i].listings[j].status !=
			    DNSBL_NOT_ASKED;
		}
	}
	if (q->status == CHECK_PASS) {
		q->message = arena_printf(a, "not listed (%zu answer%s from %zu "
		    "list%s)", asked, asked == 1 ? "" : "s", r->in->ndnsbls,
		    r->in->ndnsbls == 1 ? "" : "s");
	}
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

