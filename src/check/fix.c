/* The records that fix what check found: text built from what it saw. */
#include "check/fix.h"

#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "check/req.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "util/arena.h"
#include "util/safe.h"
#include "util/taglist.h"

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
check_spf_without(struct arena *a, const struct spf_record *rec,
    const bool *drop)
{
	const char *out = "v=spf1";
	size_t i;

	for (i = 0; i < rec->nterms; i++) {
		if (!drop[i]) {
			out = arena_printf(a, "%s %s", out, rec->terms[i].text);
		}
	}
	return out;
}

/* How much an "all" lets through: the merged record keeps the most
 * lenient one, so that no mail one of the records passed now fails. */
static int
lenience(char qualifier)
{
	switch (qualifier) {
	case '+': return 3;
	case '?': return 2;
	case '~': return 1;
	}
	return 0;
}

static const char *
append_once(struct arena *a, const char *terms, const char *term)
{
	size_t len = strlen(term);
	const char *p;

	for (p = terms; *p != '\0'; p += strcspn(p, " "), p += *p == ' ') {
		if (strncasecmp(p, term, len) == 0 && (p[len] == ' ' ||
		    p[len] == '\0')) {
			return terms;
		}
	}
	return arena_printf(a, "%s %s", terms, term);
}

const char *
check_spf_merge(struct arena *a, const struct spf_record *const *recs,
    size_t n)
{
	const char *terms = "v=spf1", *exp = NULL;
	const struct spf_term *all = NULL, **redirects;
	size_t i, j, nredirects = 0;

	redirects = arena_calloc(a, n, sizeof(*redirects));
	for (i = 0; i < n; i++) {
		bool after_all = false;

		if (recs[i]->error != NULL) {
			return NULL;
		}
		for (j = 0; j < recs[i]->nterms; j++) {
			const struct spf_term *t = &recs[i]->terms[j];

			if (t->kind == SPF_TERM_EXP) {
				exp = exp ? exp : t->text;
			} else if (t->kind == SPF_TERM_REDIRECT) {
				redirects[nredirects++] = t;
			} else if (t->kind == SPF_TERM_MECHANISM &&
			    t->mech == SPF_MECH_ALL) {
				if (all == NULL || lenience(t->qualifier) >
				    lenience(all->qualifier)) {
					all = t;
				}
				after_all = true;
			} else if (!after_all) {
				/* RFC 7208 §5.1: terms after "all" are never
				 * reached. */
				terms = append_once(a, terms, t->text);
			}
		}
	}
	if (all == NULL && nredirects == 1) {
		/* RFC 7208 §6.1: the redirect still decides what no term
		 * matched. */
		return arena_printf(a, "%s%s%s %s", terms, exp ? " " : "",
		    exp ? exp : "", redirects[0]->text);
	}
	/* Next to an "all" or another redirect, a redirect would never be
	 * followed: its target's terms are kept as an include. */
	for (i = 0; i < nredirects; i++) {
		terms = append_once(a, terms, arena_printf(a, "include:%s",
		    redirects[i]->domain_spec));
	}
	return arena_printf(a, "%s%s%s%s%s", terms, exp ? " " : "",
	    exp ? exp : "", all ? " " : "", all ? all->text : "");
}

const char *
check_tags_without(struct arena *a, const char *text, size_t len,
    const char *tag)
{
	struct taglist tl;
	const char *out = "";
	size_t i;

	taglist_parse(a, text, len, &tl);
	for (i = 0; i < tl.n; i++) {
		if (strcmp(tl.tags[i].name, tag) != 0) {
			out = arena_printf(a, "%s%s%s=%s", out, *out ? "; " : "",
			    tl.tags[i].name, tl.tags[i].value);
		}
	}
	return out;
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
