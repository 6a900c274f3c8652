/* DNS blocklists of IP addresses (RFC 5782): what a list's answer means,
 * in the words of the lists whose return codes are documented, and which
 * address families a list holds. Strings live in the arena passed in, or
 * are static. */
#ifndef MAILAUTH_CHECK_DNSBL_H
#define MAILAUTH_CHECK_DNSBL_H

#include <stdbool.h>

#include "dns/answer.h"

struct arena;

/* RFC 5782 §2.4: the question for an IPv6 address puts its 32 nibbles,
 * each with a dot, in front of the list's zone. */
#define DNSBL_IPV6_PREFIX 64

enum dnsbl_status {
	DNSBL_NOT_LISTED,	/* NXDOMAIN or NODATA */
	DNSBL_LISTED,
	DNSBL_POLICY_LISTED,	/* in a range that should not send mail
				 * directly (Spamhaus PBL) */
	DNSBL_ERROR,		/* the list's own error answer: no listing */
	DNSBL_FAILED,		/* the lookup failed */
	DNSBL_NOT_ASKED,	/* the list holds no address of this family */
};

/* One address a list answered: a list may answer several, one per
 * sub-list that has the IP (Spamhaus ZEN: 127.0.0.2 SBL and 127.0.0.10
 * PBL for one address). */
struct dnsbl_hit {
	const struct ip_addr *answer;	/* in the answer */
	enum dnsbl_status status;
	const char *meaning;
};

/* True when the list at zone holds addresses of the family (AF_INET or
 * AF_INET6); lists not known to mailauth are asked for both. */
bool dnsbl_lists_family(const char *zone, int family);
/* What the answer of the list at zone means: the status that matters
 * most of its addresses (a policy listing, then a listing, then an error
 * answer); *meaning is set to its explanation (NULL for "not listed"),
 * and *hits (when not NULL) to every IPv4 address answered, classified,
 * *nhits to their number. */
enum dnsbl_status dnsbl_classify(struct arena *a, const char *zone,
    const struct dns_answer *ans, const char **meaning,
    struct dnsbl_hit **hits, size_t *nhits);
/* "not-listed", "listed", "policy-listed", "error", "failed",
 * "not-asked". */
const char *dnsbl_status_name(enum dnsbl_status s);

#endif
