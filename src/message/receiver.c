#include "message/receiver.h"

#include <string.h>
#include <strings.h>

#include "dns/name.h"
#include "message/message.h"
#include "util/arena.h"

/* The domain of a host: the name without its first label, when that
 * leaves at least two labels. */
static const char *
host_domain(const char *host)
{
	const char *dot = host ? strchr(host, '.') : NULL;

	return dot != NULL && strchr(dot + 1, '.') != NULL ? dot + 1 : host;
}

static bool
matches_host(const char *id, const char *by)
{
	const char *dom = host_domain(by);

	if (id == NULL || by == NULL) {
		return false;
	}
	return dns_name_equal(id, by) || dns_name_is_under(by, id) ||
	    dns_name_is_under(id, dom);
}

/* Every result of the fields in ars, in one list. */
static void
merge(struct arena *a, struct authres *into, const struct authres *ars,
    size_t n)
{
	size_t i, total = 0;

	for (i = 0; i < n; i++) {
		total += ars[i].nresults;
	}
	into->results = arena_calloc(a, total + 1, sizeof(*into->results));
	for (i = 0; i < n; i++) {
		if (ars[i].nresults > 0) {
			memcpy(into->results + into->nresults, ars[i].results,
			    ars[i].nresults * sizeof(*into->results));
		}
		into->nresults += ars[i].nresults;
		into->error = into->error ? into->error : ars[i].error;
	}
}

/* "dis=QUARANTINE" in Gmail's DMARC comment, or Microsoft's action=. */
static const char *
disposition(struct arena *a, const struct authres *ar)
{
	size_t i;

	for (i = 0; i < ar->nresults; i++) {
		const struct authres_result *r = &ar->results[i];
		const char *dis = r->comment ? strstr(r->comment, "dis=") :
		    NULL;

		if (strcmp(r->method, "dmarc") != 0) {
			continue;
		}
		if (dis != NULL) {
			size_t n = strcspn(dis + 4, " )");

			return arena_memdup(a, dis + 4, n);
		}
		if (authres_prop(r, "", "action") != NULL) {
			return authres_prop(r, "", "action");
		}
	}
	return NULL;
}

/* The client IP the receiver's SPF result names: Gmail's "designates
 * IP as", Microsoft's "sender IP is IP", or the Received-SPF. */
static bool
their_spf_ip(const struct authres_result *res, struct ip_addr *ip)
{
	static const char *const marks[] = { "designates ", "sender IP is " };
	char buf[64];
	size_t i, n;

	for (i = 0; res->comment != NULL && i < 2; i++) {
		const char *p = strstr(res->comment, marks[i]);

		if (p != NULL) {
			p += strlen(marks[i]);
			n = strcspn(p, " );");
			if (n < sizeof(buf)) {
				memcpy(buf, p, n);
				buf[n] = '\0';
				return ip_parse(buf, ip);
			}
		}
	}
	return false;
}

/* Where a field lies against the boundary Received. */
enum place {
	PLACE_ABOVE,	/* written by the receiving system */
	PLACE_BLOCK,	/* just below its Received, among the fields it
			 * adds there (Gmail, Postfix milters) */
	PLACE_BELOW,	/* came with the message */
};

/* The end of the block of fields the receiver adds just below its
 * Received (at header index boundary): the first field of another
 * name. */
static size_t
block_end(const struct dkim_message *m, size_t boundary)
{
	static const char *const block[] = { "Received-SPF",
	    "Authentication-Results", "ARC-Seal", "ARC-Message-Signature",
	    "ARC-Authentication-Results" };
	size_t j, k;

	for (j = boundary + 1; j < m->nheaders; j++) {
		for (k = 0; k < sizeof(block) / sizeof(block[0]) &&
		    strcasecmp(m->headers[j].name, block[k]) != 0; k++) {
		}
		if (k == sizeof(block) / sizeof(block[0])) {
			break;
		}
	}
	return j;
}

/* A field below the boundary Received may be one a sender forged at the
 * top of its message: it counts only when it describes the receiver's
 * session -- its SPF checked the MAIL FROM of the Return-Path, from the
 * boundary's client. */
static bool
describes_session(const struct message_result *r, const struct authres *ar)
{
	const struct received *hop = message_context_hop(&r->ctx);
	const char *sender = r->ctx.sender, *at;
	struct ip_addr ip, client = ip_unmap(&hop->ip);
	size_t i;

	for (i = 0; i < ar->nresults; i++) {
		const struct authres_result *res = &ar->results[i];
		const char *from = authres_prop(res, "smtp", "mailfrom");
		const char *rip = authres_prop(res, "smtp", "remote-ip");

		if (strcmp(res->method, "spf") == 0 && from != NULL &&
		    sender != NULL && strcasecmp(from, sender) != 0 &&
		    ((at = strrchr(sender, '@')) == NULL ||
		    !dns_name_equal(from, at + 1))) {
			return false;
		}
		if ((strcmp(res->method, "spf") == 0 && their_spf_ip(res,
		    &ip)) || (rip != NULL && ip_parse(rip, &ip))) {
			ip = ip_unmap(&ip);
			if (!ip_equal(&ip, &client)) {
				return false;
			}
		}
	}
	return true;
}

/* Why the field ar (at place) is the receiver's, or NULL. */
static const char *
receiver_field(struct arena *a, const struct message_result *r,
    const struct authres *ar, const char *receiver_id, enum place at)
{
	const struct received *hop = message_context_hop(&r->ctx);

	if (receiver_id != NULL) {
		if (ar->authserv_id == NULL || !dns_name_equal(ar->authserv_id,
		    receiver_id)) {
			return NULL;
		}
		return at == PLACE_BELOW ? "--receiver-id, below the receiving "
		    "Received: written before the receiver got the message" :
		    "--receiver-id";
	}
	if (hop == NULL || at == PLACE_BELOW || (at == PLACE_BLOCK &&
	    !describes_session(r, ar))) {
		return NULL;
	}
	if (matches_host(ar->authserv_id, hop->by)) {
		return arena_printf(a, "the receiving host %s", hop->by);
	}
	return ar->authserv_id == NULL ? "no authserv-id, beside the receiving "
	    "hop" : NULL;
}

/* RFC 8601 §5: a receiver adds its fields above its Received, or just
 * below it among the fields it adds there; what lies further down came
 * with the message, from a sender or an intermediary, whatever
 * authserv-id it claims. The first place that holds a field of the
 * receiver is the one read: fields are never merged across places. Only
 * --receiver-id reads further down (the user named an intermediary). */
void
receiver_find(struct arena *a, const struct message_result *r,
    const char *receiver_id, struct receiver_view *out)
{
	const struct dkim_message *m = r->in->msg;
	const struct received *hop = message_context_hop(&r->ctx);
	size_t hop_field = hop ? r->ctx.hop_fields[r->ctx.boundary] : 0;
	size_t end = hop ? block_end(m, hop_field) : 0;
	struct authres *theirs = arena_calloc(a, rfc5322_count_fields(m,
	    "Authentication-Results") + 1, sizeof(*theirs));
	size_t i, n = 0;
	int want;

	memset(out, 0, sizeof(*out));
	out->results.instance = -1;
	for (want = PLACE_ABOVE; want <= PLACE_BELOW && n == 0; want++) {
		for (i = 0; rfc5322_next_field(m, "Authentication-Results",
		    &i); i++) {
			enum place at = hop == NULL || i < hop_field ?
			    PLACE_ABOVE : i < end ? PLACE_BLOCK : PLACE_BELOW;
			struct authres ar;
			const char *why;

			if ((int)at != want) {
				continue;
			}
			authres_parse(a, rfc5322_unfold(a, &m->headers[i]),
			    false, &ar);
			why = receiver_field(a, r, &ar, receiver_id, at);
			if (why == NULL) {
				continue;
			}
			if (!out->found) {
				out->found = true;
				out->authserv_id = ar.authserv_id;
				out->matched_by = why;
			}
			theirs[n++] = ar;
		}
	}
	merge(a, &out->results, theirs, n);
	out->disposition = disposition(a, &out->results);
}

static void
add_diff(struct arena *a, struct receiver_view *v, const char *method,
    const char *subject, const char *theirs, const char *ours,
    const char *cause)
{
	struct receiver_diff *more = arena_calloc(a, v->ndiffs + 1,
	    sizeof(*more));

	if (v->ndiffs > 0) {
		memcpy(more, v->diffs, v->ndiffs * sizeof(*more));
	}
	more[v->ndiffs].method = method;
	more[v->ndiffs].subject = subject;
	more[v->ndiffs].theirs = theirs;
	more[v->ndiffs].ours = ours;
	more[v->ndiffs].cause = cause;
	v->diffs = more;
	v->ndiffs++;
}

static const struct authres_result *
first(const struct authres *ar, const char *method)
{
	size_t i;

	for (i = 0; i < ar->nresults; i++) {
		if (strcmp(ar->results[i].method, method) == 0) {
			return &ar->results[i];
		}
	}
	return NULL;
}

/* Results that mean the same: "hardfail" is the old name of fail. */
static bool
same(const char *x, const char *y)
{
	if (x != NULL && strcmp(x, "hardfail") == 0) {
		x = "fail";
	}
	if (y != NULL && strcmp(y, "hardfail") == 0) {
		y = "fail";
	}
	return x != NULL && y != NULL && strcmp(x, y) == 0;
}

static const char *
spf_cause(struct arena *a, const struct message_result *r,
    const struct authres_result *theirs)
{
	struct ip_addr ip;
	char mine[IP_STRLEN], seen[IP_STRLEN];
	const char *from = authres_prop(theirs, "smtp", "mailfrom");

	if (their_spf_ip(theirs, &ip) && !ip_equal(&ip, &r->spf_input.ip)) {
		return arena_printf(a, "SPF was evaluated for another IP: the "
		    "receiver saw %s, mailauth used %s", ip_format(&ip, seen),
		    ip_format(&r->spf_input.ip, mine));
	}
	if (from != NULL && r->ctx.sender != NULL &&
	    strcasecmp(from, r->ctx.sender) != 0 && (strchr(from, '@') ==
	    NULL || strcasecmp(strrchr(from, '@') + 1,
	    r->spf_input.domain) != 0)) {
		return arena_printf(a, "the receiver checked another MAIL FROM "
		    "(%s)", from);
	}
	if (strcmp(theirs->result, "temperror") == 0 ||
	    r->spf->result == SPF_RESULT_TEMPERROR) {
		return "a DNS failure during one of the two evaluations";
	}
	return "the SPF record changed since delivery, or the receiver's DNS "
	    "answered differently";
}

static void
compare_spf(struct arena *a, const struct message_result *r,
    struct receiver_view *v)
{
	const struct authres_result *theirs = first(&v->results, "spf");
	const char *ours = r->spf ? spf_result_name(r->spf->result) : NULL;

	if (theirs == NULL || same(theirs->result, ours)) {
		return;
	}
	add_diff(a, v, "spf", NULL, theirs->result, ours, ours == NULL ?
	    "mailauth did not evaluate SPF: the client IP or the MAIL FROM is "
	    "unknown (give --ip and --sender)" : spf_cause(a, r, theirs));
}

/* The receiver's DKIM result for a signature: by header.b (RFC 6008),
 * else by d= and s=, else by d= (or i='s domain). */
static const struct authres_result *
their_dkim(const struct receiver_view *v, const struct dkim_signature *sig,
    const struct authres_result *ours)
{
	const char *b = authres_prop(ours, "header", "b");
	size_t i, pass;

	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < v->results.nresults; i++) {
			const struct authres_result *t = &v->results.results[i];
			const char *tb = authres_prop(t, "header", "b");
			const char *td = authres_prop(t, "header", "d");
			const char *ts = authres_prop(t, "header", "s");
			const char *ti = authres_prop(t, "header", "i");

			if (strcmp(t->method, "dkim") != 0 || sig->d == NULL) {
				continue;
			}
			if (td == NULL && ti != NULL && strchr(ti, '@')) {
				td = strchr(ti, '@') + 1;
			}
			if ((pass == 0 && tb != NULL && b != NULL &&
			    strncmp(tb, b, strlen(tb) < strlen(b) ?
			    strlen(tb) : strlen(b)) == 0) || (pass == 1 &&
			    tb == NULL && td && ts && sig->s &&
			    dns_name_equal(td, sig->d) && strcasecmp(ts,
			    sig->s) == 0) || (pass == 2 && tb == NULL &&
			    ts == NULL && td && dns_name_equal(td, sig->d))) {
				return t;
			}
		}
	}
	return NULL;
}

static const char *
dkim_cause(const struct dkim_signature *sig, const char *theirs)
{
	if (strcmp(theirs, "pass") == 0 && sig->reason != NULL) {
		if (strstr(sig->reason, "body hash") != NULL) {
			return "the body changed after the receiver verified "
			    "it: the saved file differs from what was "
			    "delivered (line ends, re-encoding, an edit)";
		}
		if (strstr(sig->reason, "expired") != NULL) {
			return "the signature expired (x=) after delivery";
		}
		if (sig->result == DKIM_RESULT_TEMPERROR) {
			return "a DNS failure fetching the key now";
		}
		return "the key was rotated or removed since delivery, or "
		    "signed header fields were changed after it";
	}
	if (strcmp(theirs, "temperror") == 0) {
		return "the receiver could not fetch the key at delivery";
	}
	return "the receiver saw another message or key: the key was "
	    "published after delivery, or the message was changed before "
	    "the receiver and restored";
}

static void
compare_dkim(struct arena *a, const struct message_result *r,
    struct receiver_view *v)
{
	size_t i, k = 0;

	for (i = 0; i < r->ours.nresults; i++) {
		const struct authres_result *ours = &r->ours.results[i];
		const struct dkim_signature *sig;
		const struct authres_result *theirs;
		const char *subject;

		if (strcmp(ours->method, "dkim") != 0 || k >= r->dkim->nsigs) {
			continue;
		}
		sig = &r->dkim->sigs[k++];
		theirs = their_dkim(v, sig, ours);
		subject = arena_printf(a, "d=%s s=%s", sig->d ? sig->d : "?",
		    sig->s ? sig->s : "?");
		if (theirs != NULL && !same(theirs->result, ours->result)) {
			add_diff(a, v, "dkim", subject, theirs->result,
			    ours->result, dkim_cause(sig, theirs->result));
		}
	}
}

static void
compare_dmarc(struct arena *a, const struct message_result *r,
    struct receiver_view *v)
{
	const struct authres_result *theirs = first(&v->results, "dmarc");
	const struct authres_result *arc = first(&v->results, "arc");
	const char *ours = dmarc_verdict_name(r->eval.result);
	const char *cause;

	if (theirs == NULL || same(theirs->result, ours)) {
		return;
	}
	if (strcmp(theirs->result, "pass") == 0 && arc != NULL &&
	    strcmp(arc->result, "pass") == 0) {
		cause = "the receiver's local policy: it trusted the ARC chain "
		    "(an ARC override), or an earlier SPF or DKIM difference";
	} else if (v->ndiffs > 0) {
		cause = "follows from the SPF or DKIM difference above";
	} else if (strcmp(theirs->result, "none") == 0 ||
	    r->eval.result == DMARC_NONE) {
		cause = "the DMARC record was published, removed or changed "
		    "since delivery";
	} else if (r->eval.result_7489 != r->eval.result &&
	    same(theirs->result, dmarc_verdict_name(r->eval.result_7489))) {
		cause = "the receiver follows RFC 7489: its Public Suffix List "
		    "Organizational Domain differs from RFC 9989's tree walk";
	} else {
		cause = "the receiver's local policy (an override), or DNS "
		    "answers that changed since delivery";
	}
	add_diff(a, v, "dmarc", NULL, theirs->result, ours, cause);
}

static void
compare_arc(struct arena *a, const struct message_result *r,
    struct receiver_view *v)
{
	const struct authres_result *theirs = first(&v->results, "arc");
	const struct authres_result *ours = first(&r->ours, "arc");

	if (theirs == NULL || ours == NULL || same(theirs->result,
	    ours->result)) {
		return;
	}
	add_diff(a, v, "arc", NULL, theirs->result, ours->result,
	    strcmp(theirs->result, "pass") == 0 ? "a sealer's key was "
	    "rotated or removed since delivery, or the message changed after "
	    "the receiver checked the chain" : "the receiver checked the "
	    "chain with other keys or DNS answers (a lookup failed then, or "
	    "a key was published since)");
}

void
receiver_compare(struct arena *a, const struct message_result *r,
    struct receiver_view *v)
{
	if (!v->found) {
		return;
	}
	compare_spf(a, r, v);
	compare_dkim(a, r, v);
	compare_dmarc(a, r, v);
	compare_arc(a, r, v);
}
