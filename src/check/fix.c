/* The records that fix what check found: text built from what it saw. */
#include "check/fix.h"

#include <string.h>
#include <sys/socket.h>

#include "check/req.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "util/arena.h"
#include "util/safe.h"

const char *
check_spf_with_terms(struct arena *a, const struct spf_record *rec,
    const char *terms)
{
	const struct spf_term *before;
	size_t len;

	if (rec == NULL) {
		return arena_printf(a, "v=spf1 %s -all", terms);
	}
	/* RFC 7208 §5.1: mechanisms after "all" are never reached; §6.1:
	 * redirect= is followed only when no mechanism matched. */
	before = rec->all ? rec->all : rec->redirect;
	if (before != NULL) {
		return arena_printf(a, "%.*s%s %s", (int)before->offset,
		    rec->text, terms, rec->text + before->offset);
	}
	for (len = rec->len; len > 0 && rec->text[len - 1] == ' '; len--) {
	}
	return arena_printf(a, "%.*s %s", (int)len, rec->text, terms);
}

const char *
check_txt_record(struct arena *a, const char *owner, const char *text)
{
	struct dns_bytes *parts;
	size_t n = dns_txt_split(a, text, strlen(text), TXT_STRING_MAX, &parts);

	return arena_printf(a, "%s. TXT %s", safe_str(a, owner),
	    dns_txt_quote(a, parts, n));
}

const char *
check_ip_text(struct arena *a, const struct ip_addr *ip)
{
	char buf[IP_STRLEN];

	return arena_strdup(a, ip_format(ip, buf));
}

/* An MX host of the domain with the address, or NULL. */
static const struct check_mx *
mx_host_with(const struct check_result *r, const struct ip_addr *ip)
{
	size_t i;

	for (i = 0; i < r->nmx; i++) {
		const struct check_mx *m = &r->mxhosts[i];

		if (dns_answer_has_addr(ip->family == AF_INET ? m->a4 : m->a6,
		    ip)) {
			return m;
		}
	}
	return NULL;
}

static bool
is_mx_host(const struct check_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nmx; i++) {
		if (dns_name_equal(r->mxhosts[i].host, name)) {
			return true;
		}
	}
	return false;
}

/* The forward-confirmed PTR name of a sending IP that is not a pool name,
 * or NULL. */
static const char *
ptr_name_of(const struct check_result *r, const struct ip_addr *ip)
{
	size_t i;

	for (i = 0; i < r->nips; i++) {
		if (ip_equal(&r->ips[i].ip, ip) && r->ips[i].ptr != NULL) {
			return ptr_good_name(r->ips[i].ptr);
		}
	}
	return NULL;
}

/* The --helo name, when it may name the host at ip: it resolves to ip, or
 * to no address yet (then its address record is part of the fix). A name
 * that resolves elsewhere is another host's. */
static bool
helo_fits(const struct check_result *r, const struct ip_addr *ip,
    bool *resolves)
{
	const struct dns_answer *mine = ip->family == AF_INET ? r->helo_a4 :
	    r->helo_a6;

	if (r->helo_a4 == NULL || r->helo_a6 == NULL) {
		return false;
	}
	*resolves = dns_answer_has_addr(mine, ip);
	return *resolves || (dns_kind_is_void(r->helo_a4->kind) &&
	    dns_kind_is_void(r->helo_a6->kind));
}

const char *
check_host_name(struct arena *a, const struct check_result *r,
    const struct ip_addr *ip, bool use_helo, bool *resolves)
{
	static const char *const names[] = { "mail", "smtp", "out" };
	const struct check_mx *m = mx_host_with(r, ip);
	const char *name = NULL;
	size_t i;

	*resolves = false;
	if (use_helo && helo_fits(r, ip, resolves)) {
		return dns_name_normalize(a, r->in->helo);
	}
	*resolves = true;
	if ((name = ptr_name_of(r, ip)) != NULL) {
		return name;
	}
	if (m != NULL) {
		return m->host;
	}
	/* A new name, not one that an MX host with other addresses has. */
	*resolves = false;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		name = arena_printf(a, "%s.%s", names[i], r->in->domain);
		if (!is_mx_host(r, name)) {
			break;
		}
	}
	return name;
}

const char *
check_bounce_domain(struct arena *a, const struct check_result *r)
{
	return arena_printf(a, "bounces.%s", r->sender_domain);
}

const char *
check_mail_domain(struct arena *a, const struct check_result *r)
{
	if (!r->null_mx) {
		return r->in->domain;
	}
	if (r->sender_mx != NULL && r->sender_mx->kind == DNS_ANS_RECORDS &&
	    r->sender_mx->mx[0].host[0] != '\0') {
		return r->sender_domain;
	}
	return check_bounce_domain(a, r);
}

const char *
check_address_record(struct arena *a, const char *name,
    const struct ip_addr *ip)
{
	return arena_printf(a, "%s. %s %s", safe_str(a, name),
	    ip->family == AF_INET ? "A" : "AAAA", check_ip_text(a, ip));
}
