#include "message/context.h"

#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "dkim/message.h"
#include "dmarc/psl.h"
#include "dns/name.h"
#include "mail/authres.h"
#include "mail/rfc5322.h"
#include "util/arena.h"

const char *
message_source_name(enum message_source s)
{
	switch (s) {
	case MESSAGE_SRC_NONE: return NULL;
	case MESSAGE_SRC_OPTION: return "option";
	case MESSAGE_SRC_RECEIVED: return "received";
	case MESSAGE_SRC_RECEIVED_SPF: return "received-spf";
	case MESSAGE_SRC_AUTHRES: return "authentication-results";
	case MESSAGE_SRC_RETURN_PATH: return "return-path";
	}
	return NULL;
}

const struct received *
message_context_hop(const struct message_context *c)
{
	return c->boundary >= 0 ? &c->hops[c->boundary] : NULL;
}

/* The Organizational Domain of a host name, or NULL for an address. */
static const char *
org_of(struct arena *a, const struct dmarc_psl *psl, const char *host)
{
	struct ip_addr ip;

	if (host == NULL || strchr(host, '.') == NULL || ip_parse(host, &ip) ||
	    dns_name_check(host) != DNS_NAME_OK) {
		return NULL;
	}
	return dmarc_psl_org_domain(psl, a, host);
}

static bool
in_set(const char *const *set, size_t n, const char *org)
{
	size_t i;

	for (i = 0; org != NULL && i < n; i++) {
		if (dns_name_equal(set[i], org)) {
			return true;
		}
	}
	return false;
}

/* A client the Internet can reach: not in a special-purpose block
 * (private, loopback, link-local, documentation, ...; util/ip.c). */
static bool
candidate(const struct received *r)
{
	struct ip_addr v = ip_unmap(&r->ip);
	struct ip_net host = ip_net_make(&v, ip_bits(&v));

	return r->has_ip && ip_net_reserved(&host) == NULL;
}

/* A hop that could be where mail came in from another system: a public
 * client, over SMTP, not a user's authenticated submission. */
static bool
eligible(const struct received *r)
{
	return candidate(r) && !r->local && !r->authenticated;
}

/* Two names of one host: equal, or the same first label in the same
 * organization (Microsoft names one machine in several of its domains,
 * AS9PR06CA0001.eurprd06.prod.outlook.com and
 * AS9PR06CA0001.mail.protection.outlook.com). */
static bool
same_host(struct arena *a, const struct dmarc_psl *psl, const char *x,
    const char *y)
{
	const char *xo, *yo;
	size_t n;

	if (x == NULL || y == NULL) {
		return false;
	}
	if (dns_name_equal(x, y)) {
		return true;
	}
	n = strcspn(x, ".");
	xo = org_of(a, psl, x);
	yo = org_of(a, psl, y);
	return xo != NULL && yo != NULL && x[n] == '.' &&
	    strcspn(y, ".") == n && strncasecmp(x, y, n) == 0 &&
	    dns_name_equal(xo, yo);
}

/* Hop i's client is the host that received hop i + 1, the mail went on
 * to the same recipient (a forwarder, a mailing list, changes it), and
 * hop i + 1 could itself be the boundary: hop i is then a relay inside
 * the receiving system (a filtering gateway, an LMTP delivery, a
 * provider's front end). */
static bool
relayed_inside(struct arena *a, const struct dmarc_psl *psl,
    const struct message_context *c, size_t i)
{
	const struct received *r = &c->hops[i], *next;
	struct ip_addr client, by;

	if (i + 1 >= c->nhops || !eligible(&c->hops[i + 1])) {
		return false;
	}
	next = &c->hops[i + 1];
	if (r->recipient != NULL && next->recipient != NULL &&
	    strcasecmp(r->recipient, next->recipient) != 0) {
		return false;
	}
	client = ip_unmap(&r->ip);
	by = ip_unmap(&next->by_ip);
	return (next->has_by_ip && ip_equal(&client, &by)) ||
	    same_host(a, psl, r->rdns, next->by) ||
	    same_host(a, psl, r->helo, next->by);
}

/* The client and the receiver of hop i belong to the organizations of
 * the receiving hosts so far (orgs), and the chain goes on inside them
 * below: Microsoft's internal hops. Gmail to Gmail stops here, as the
 * hop below was received by another organization. */
static bool
inside_orgs(struct arena *a, const struct dmarc_psl *psl,
    const struct message_context *c, size_t i, const char **orgs,
    size_t norgs)
{
	const struct received *r = &c->hops[i];
	size_t k;

	if (org_of(a, psl, r->by) == NULL || !in_set(orgs, norgs,
	    org_of(a, psl, r->rdns ? r->rdns : r->helo))) {
		return false;
	}
	for (k = i + 1; k < c->nhops; k++) {
		if (candidate(&c->hops[k]) && in_set(orgs, norgs,
		    org_of(a, psl, c->hops[k].by))) {
			return true;
		}
	}
	return false;
}

/* The receiving boundary read from the chain: the first hop with a
 * public client address that is not a hop inside the receiving system
 * (a local delivery such as LMTP, a relay of it, or a hop between hosts
 * of its organizations); -1 when there is none. */
static long
chain_boundary(struct arena *a, const struct dmarc_psl *psl,
    const struct message_context *c)
{
	const char **orgs = arena_calloc(a, c->nhops + 1, sizeof(char *));
	size_t norgs = 0, i;

	for (i = 0; i < c->nhops; i++) {
		const struct received *r = &c->hops[i];
		const char *by = org_of(a, psl, r->by);

		if (by != NULL && !in_set(orgs, norgs, by)) {
			orgs[norgs++] = by;
		}
		if (!candidate(r) || r->local || relayed_inside(a, psl, c, i) ||
		    inside_orgs(a, psl, c, i, orgs, norgs)) {
			continue;
		}
		return (long)i;
	}
	return -1;
}

/* RFC 7208 §9.1: the topmost Received-SPF names the address SPF was
 * evaluated for. A receiver that writes one says where its boundary is:
 * the hop with that client. It is trusted to move the boundary up (every
 * field above the boundary is the receiver's), or down when it lies
 * above the hop the chain gave (so the receiver wrote it, not a sender
 * or an intermediary below). */
static long
spf_anchor(struct arena *a, const struct dkim_message *m,
    const struct message_context *c, long chain)
{
	size_t field = 0, i;
	const char *ip;
	struct ip_addr want;

	if (!rfc5322_next_field(m, "Received-SPF", &field)) {
		return chain;
	}
	ip = message_received_spf_key(a, rfc5322_unfold(a, &m->headers[field]),
	    "client-ip");
	if (ip == NULL || !ip_parse(ip, &want)) {
		return chain;
	}
	want = ip_unmap(&want);
	for (i = 0; i < c->nhops; i++) {
		struct ip_addr client = ip_unmap(&c->hops[i].ip);

		if (c->hop_fields[i] < field || !candidate(&c->hops[i]) ||
		    c->hops[i].local || !ip_equal(&client, &want)) {
			continue;
		}
		if (chain < 0 || (long)i <= chain ||
		    field < c->hop_fields[chain]) {
			return (long)i;
		}
		break;
	}
	return chain;
}

const char *
message_received_spf_key(struct arena *a, const char *value,
    const char *key)
{
	size_t klen = strlen(key);
	const char *p = rfc5322_skip_cfws(value);

	/* The result, then comments, then key=value pairs split by ';'. */
	while (*p && *p != ' ' && *p != '\t' && *p != '(' && *p != ';') {
		p++;
	}
	while (*p) {
		const char *v, *end;

		p = rfc5322_skip_cfws(p);
		while (*p == ';') {
			p = rfc5322_skip_cfws(p + 1);
		}
		if (strncasecmp(p, key, klen) == 0 &&
		    *rfc5322_skip_cfws(p + klen) == '=') {
			v = rfc5322_skip_cfws(rfc5322_skip_cfws(p + klen) + 1);
			if (*v == '"') {
				v++;
				end = strchr(v, '"');
			} else {
				for (end = v; *end && strchr(" \t;(", *end) ==
				    NULL; end++) {
				}
			}
			return end ? arena_memdup(a, v, (size_t)(end - v)) :
			    NULL;
		}
		while (*p && *p != ';') {
			p = *p == '(' ? rfc5322_comment_end(p) : p + 1;
		}
	}
	return NULL;
}

static void
read_hops(struct arena *a, const struct dkim_message *m,
    struct message_context *c)
{
	size_t i, n = rfc5322_count_fields(m, "Received");

	if (n > MESSAGE_MAX_RECEIVED) {
		n = MESSAGE_MAX_RECEIVED;
	}
	c->hops = arena_calloc(a, n, sizeof(*c->hops));
	c->hop_fields = arena_calloc(a, n, sizeof(size_t));
	for (i = 0; c->nhops < n && rfc5322_next_field(m, "Received", &i);
	    i++) {
		received_parse(a, rfc5322_unfold(a, &m->headers[i]),
		    &c->hops[c->nhops]);
		c->hop_fields[c->nhops++] = i;
	}
}

/* The topmost field of that name, unfolded, or NULL. */
static const char *
topmost(struct arena *a, const struct dkim_message *m, const char *name)
{
	size_t i = 0;

	return rfc5322_next_field(m, name, &i) ?
	    rfc5322_unfold(a, &m->headers[i]) : NULL;
}

/* Fallbacks when the Received fields tell nothing: the receiver's
 * Received-SPF (RFC 7208 §9.1), then its Authentication-Results. */
static void
fallbacks(struct arena *a, const struct dkim_message *m,
    struct message_context *c)
{
	const char *spf = topmost(a, m, "Received-SPF");
	const char *ar = topmost(a, m, "Authentication-Results");
	struct authres parsed;
	const char *ip = NULL, *helo = NULL, *sender = NULL;
	size_t i;

	if (spf != NULL) {
		ip = message_received_spf_key(a, spf, "client-ip");
		helo = message_received_spf_key(a, spf, "helo");
		sender = message_received_spf_key(a, spf, "envelope-from");
	}
	if (!c->has_ip && ip != NULL && ip_parse(ip, &c->ip)) {
		c->has_ip = true;
		c->ip_source = MESSAGE_SRC_RECEIVED_SPF;
	}
	if (c->helo == NULL && helo != NULL && helo[0] != '\0') {
		c->helo = helo;
		c->helo_source = MESSAGE_SRC_RECEIVED_SPF;
	}
	if (c->sender == NULL && sender != NULL) {
		c->sender = sender;
		c->sender_source = MESSAGE_SRC_RECEIVED_SPF;
	}
	if (ar == NULL) {
		return;
	}
	authres_parse(a, ar, false, &parsed);
	for (i = 0; i < parsed.nresults; i++) {
		const struct authres_result *r = &parsed.results[i];
		const char *rip = authres_prop(r, "smtp", "remote-ip");

		rip = rip ? rip : authres_prop(r, "policy", "iprev");
		if (!c->has_ip && rip != NULL && ip_parse(rip, &c->ip)) {
			c->has_ip = true;
			c->ip_source = MESSAGE_SRC_AUTHRES;
		}
		if (c->helo == NULL && authres_prop(r, "smtp", "helo")) {
			c->helo = authres_prop(r, "smtp", "helo");
			c->helo_source = MESSAGE_SRC_AUTHRES;
		}
		if (c->sender == NULL && authres_prop(r, "smtp", "mailfrom") &&
		    strchr(authres_prop(r, "smtp", "mailfrom"), '@')) {
			c->sender = authres_prop(r, "smtp", "mailfrom");
			c->sender_source = MESSAGE_SRC_AUTHRES;
		}
	}
}

void
message_context_find(struct arena *a, const struct dkim_message *m,
    const struct dmarc_psl *psl, const struct message_given *given,
    struct message_context *out)
{
	const struct received *hop;
	const char *path;

	memset(out, 0, sizeof(*out));
	read_hops(a, m, out);
	out->boundary = spf_anchor(a, m, out, chain_boundary(a, psl, out));
	if (given->has_ip) {
		out->has_ip = true;
		out->ip = given->ip;
		out->ip_source = MESSAGE_SRC_OPTION;
	}
	if (given->helo != NULL) {
		out->helo = given->helo;
		out->helo_source = MESSAGE_SRC_OPTION;
	}
	if (given->sender != NULL) {
		out->sender = given->sender;
		out->sender_source = MESSAGE_SRC_OPTION;
	}
	hop = message_context_hop(out);
	if (hop != NULL && !out->has_ip) {
		out->has_ip = true;
		out->ip = ip_unmap(&hop->ip);
		out->ip_source = MESSAGE_SRC_RECEIVED;
	}
	if (hop != NULL && out->helo == NULL && hop->helo != NULL) {
		out->helo = hop->helo;
		out->helo_source = MESSAGE_SRC_RECEIVED;
	}
	path = topmost(a, m, "Return-Path");
	path = path ? rfc5322_return_path(a, path) : NULL;
	if (out->sender == NULL && path != NULL) {
		out->sender = path;
		out->sender_source = MESSAGE_SRC_RETURN_PATH;
	}
	fallbacks(a, m, out);
}
