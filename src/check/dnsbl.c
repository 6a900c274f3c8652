#include "check/dnsbl.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/name.h"
#include "util/arena.h"

struct dnsbl_code {
	unsigned char addr[4];
	enum dnsbl_status status;
	const char *meaning;
};

/* Spamhaus's return codes, as its zone documentation lists them. The
 * 127.255.255.0/24 answers are errors about the query, never a
 * reputation: they must not be read as a listing. */
static const struct dnsbl_code spamhaus_codes[] = {
	{ { 127, 0, 0, 2 }, DNSBL_LISTED, "SBL: Spamhaus's list of spam "
	    "sources and spam operations" },
	{ { 127, 0, 0, 3 }, DNSBL_LISTED, "CSS: an address seen sending "
	    "low-reputation mail (Spamhaus's automated list)" },
	{ { 127, 0, 0, 4 }, DNSBL_LISTED, "XBL: an exploited host (an "
	    "infected machine, an open proxy)" },
	{ { 127, 0, 0, 9 }, DNSBL_LISTED, "DROP: a hijacked or criminal "
	    "network" },
	{ { 127, 0, 0, 10 }, DNSBL_POLICY_LISTED, "PBL: the ISP says that "
	    "this address should not send mail straight to other servers" },
	{ { 127, 0, 0, 11 }, DNSBL_POLICY_LISTED, "PBL: Spamhaus lists this "
	    "address as a dynamic or residential one that should not send "
	    "mail straight to other servers" },
	{ { 127, 255, 255, 252 }, DNSBL_ERROR, "an error answer, not a "
	    "listing: the list name is mistyped (Spamhaus answers "
	    "127.255.255.252 under names it does not publish)" },
	{ { 127, 255, 255, 254 }, DNSBL_ERROR, "an error answer, not a "
	    "listing: Spamhaus refuses queries that come through a public "
	    "or unattributable resolver; ask through your own recursive "
	    "resolver, or use Spamhaus's Data Query Service (DQS)" },
	{ { 127, 255, 255, 255 }, DNSBL_ERROR, "an error answer, not a "
	    "listing: Spamhaus refuses your resolver for too many queries; "
	    "ask through your own recursive resolver, or use DQS" },
};

struct dnsbl_list {
	const char *zone;	/* the list, or the parent of its zones */
	bool ipv6;		/* it holds IPv6 addresses */
	const struct dnsbl_code *codes;
	size_t ncodes;
};

static const struct dnsbl_list known_lists[] = {
	{ "spamhaus.org", true, spamhaus_codes,
	    sizeof(spamhaus_codes) / sizeof(spamhaus_codes[0]) },
	/* The Data Query Service: KEY.zen.dq.spamhaus.net. */
	{ "spamhaus.net", true, spamhaus_codes,
	    sizeof(spamhaus_codes) / sizeof(spamhaus_codes[0]) },
	/* SpamCop's list holds IPv4 addresses only. */
	{ "bl.spamcop.net", false, NULL, 0 },
};

static const struct dnsbl_list *
known_list(const char *zone)
{
	size_t i;

	for (i = 0; i < sizeof(known_lists) / sizeof(known_lists[0]); i++) {
		if (dns_name_is_under(zone, known_lists[i].zone)) {
			return &known_lists[i];
		}
	}
	return NULL;
}

bool
dnsbl_lists_family(const char *zone, int family)
{
	const struct dnsbl_list *l = known_list(zone);

	return family == AF_INET || l == NULL || l->ipv6;
}

/* One address of an answer: the list's documented meaning, or what RFC
 * 5782 lets any list say (an address in 127.0.0.0/8 is a listing). */
static enum dnsbl_status
classify_addr(struct arena *a, const struct dnsbl_list *l,
    const unsigned char *b, const char **meaning)
{
	size_t i;

	for (i = 0; l != NULL && i < l->ncodes; i++) {
		if (memcmp(l->codes[i].addr, b, 4) == 0) {
			*meaning = l->codes[i].meaning;
			return l->codes[i].status;
		}
	}
	if (b[0] != 127) {
		*meaning = arena_printf(a, "an answer outside 127.0.0.0/8 "
		    "(%u.%u.%u.%u), which lists do not give: not a listing "
		    "(a list that is gone, or a wildcard)", b[0], b[1], b[2],
		    b[3]);
		return DNSBL_ERROR;
	}
	if (b[1] == 255 && b[2] == 255) {
		*meaning = arena_printf(a, "an error answer of the list "
		    "(127.255.255.%u), not a listing", b[3]);
		return DNSBL_ERROR;
	}
	*meaning = arena_printf(a, "listed (answer 127.%u.%u.%u)", b[1], b[2],
	    b[3]);
	return DNSBL_LISTED;
}

/* Of several answers (ZEN gives one per list that has the address), the
 * one that matters most: a policy listing is what a home server needs to
 * hear, then a listing, then an error. */
static int
rank(enum dnsbl_status s)
{
	switch (s) {
	case DNSBL_POLICY_LISTED: return 3;
	case DNSBL_LISTED: return 2;
	case DNSBL_ERROR: return 1;
	default: return 0;
	}
}

enum dnsbl_status
dnsbl_classify(struct arena *a, const char *zone,
    const struct dns_answer *ans, const char **meaning,
    struct dnsbl_hit **hits, size_t *nhits)
{
	const struct dnsbl_list *l = known_list(zone);
	enum dnsbl_status best = DNSBL_NOT_LISTED;
	struct dnsbl_hit *h = NULL;
	size_t i, n = 0;

	*meaning = NULL;
	/* A name too long to ask (BADNAME) says nothing either. */
	if (dns_kind_is_failure(ans->kind) || ans->kind == DNS_ANS_BADNAME) {
		*meaning = arena_printf(a, "the lookup failed (%s)",
		    dns_kind_name(ans->kind));
		best = DNSBL_FAILED;
	} else if (ans->kind == DNS_ANS_RECORDS) {
		h = arena_calloc(a, ans->count, sizeof(*h));
	}
	for (i = 0; h != NULL && i < ans->count; i++) {
		if (ans->addrs[i].family != AF_INET) {
			continue;
		}
		h[n].answer = &ans->addrs[i];
		h[n].status = classify_addr(a, l, ans->addrs[i].bytes,
		    &h[n].meaning);
		if (rank(h[n].status) > rank(best)) {
			best = h[n].status;
			*meaning = h[n].meaning;
		}
		n++;
	}
	if (hits != NULL) {
		*hits = h;
		*nhits = n;
	}
	return best;
}

const char *
dnsbl_status_name(enum dnsbl_status s)
{
	switch (s) {
	case DNSBL_NOT_LISTED: return "not-listed";
	case DNSBL_LISTED: return "listed";
	case DNSBL_POLICY_LISTED: return "policy-listed";
	case DNSBL_ERROR: return "error";
	case DNSBL_FAILED: return "failed";
	case DNSBL_NOT_ASKED: return "not-asked";
	}
	return "error";
}
