/* The checklist's authentication requirements: SPF for the sending IPs
 * (RFC 7208), with the record that fixes it, computed from what check
 * saw, and Google's rule for all senders (SPF or DKIM); dkim.c adds DKIM,
 * dmarc.c DMARC and alignment. */
#include <string.h>
#include <sys/socket.h>

#include "bounds.h"
#include "check/fix.h"
#include "check/req.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "util/arena.h"
#include "util/safe.h"
#include "util/strbuf.h"

/* The answers Gmail gives a sender that fails each requirement (Google's
 * sender guidelines; 4.7.40/5.7.40 is its newer code for no DMARC). */
static const char *const codes_spf[] = { "4.7.27", "5.7.27", NULL };
static const char *const codes_auth[] = { "5.7.26", "550-5.7.1", NULL };

/* The fix of the first error finding in list with code (NULL: any). */
static const char *
list_fix(const struct finding_list *list, const char *code)
{
	const struct finding *f;

	for (f = list->head; f; f = f->next) {
		if (f->severity == FINDING_ERROR && f->fix != NULL &&
		    (code == NULL || strcmp(f->code, code) == 0)) {
			return f->fix;
		}
	}
	return NULL;
}

/* The same over the walk, in the order findings are reported. */
static const char *
walk_fix(const struct spf_walk *w, const char *code)
{
	const char *fix = list_fix(&w->findings, code);
	size_t i;

	for (i = 0; fix == NULL && i < w->norder; i++) {
		fix = list_fix(&w->order[i]->findings, code);
	}
	return fix;
}

/* The term that authorizes ip: "mx" when an MX host of the domain has it,
 * "a" when it is the domain's own address -- both keep working when the
 * address changes -- else ip4: or ip6:. A term that queries DNS is only
 * chosen while the record, with lookups counted (exact: all of them),
 * has room for one more (RFC 7208 §4.6.4: lookup 11 is a permerror):
 * else the literal costs nothing. *why says which and why. */
static const char *
spf_term_for(struct arena *a, const struct check_result *r,
    const struct ip_addr *ip, unsigned lookups, bool exact, const char **why)
{
	const char *addr = check_ip_text(a, ip);
	const char *literal = arena_printf(a, "%s:%s", ip->family == AF_INET ?
	    "ip4" : "ip6", addr);
	const char *term = NULL, *through = NULL;
	size_t i;

	for (i = 0; i < r->nmx && dns_name_equal(r->sender_domain,
	    r->in->domain) && term == NULL; i++) {
		if (dns_answer_has_addr(ip->family == AF_INET ?
		    r->mxhosts[i].a4 : r->mxhosts[i].a6, ip)) {
			term = "mx";
			through = arena_printf(a, "through %s",
			    safe_str(a, r->mxhosts[i].host));
		}
	}
	if (term == NULL && dns_answer_has_addr(ip->family == AF_INET ?
	    r->sender_a4 : r->sender_a6, ip)) {
		term = "a";
		through = arena_printf(a, "as the address of %s",
		    safe_str(a, r->sender_domain));
	}
	*why = NULL;
	if (term == NULL) {
		return literal;
	}
	if (!exact || lookups >= SPF_LOOKUP_LIMIT) {
		*why = arena_printf(a, "'%s' would cover %s %s, but %s (at most "
		    "%d, RFC 7208 §4.6.4): %s needs none", term, addr, through,
		    exact ? "the record has no DNS lookup left for it" :
		    "its lookups are not all counted", SPF_LOOKUP_LIMIT,
		    literal);
		return literal;
	}
	*why = arena_printf(a, "'%s' covers %s %s and keeps working when the "
	    "address changes", term, addr, through);
	return term;
}

static bool
has_term(const char *terms, const char *term)
{
	size_t len = strlen(term);
	const char *p;

	for (p = strstr(terms, term); p != NULL; p = strstr(p + 1, term)) {
		if ((p == terms || p[-1] == ' ') && (p[len] == ' ' ||
		    p[len] == '\0')) {
			return true;
		}
	}
	return false;
}

/* True when an ip4:/ip6: term of rec that passes covers ip. */
static bool
covered_literally(const struct spf_record *rec, const struct ip_addr *ip)
{
	size_t i;

	for (i = 0; rec != NULL && i < rec->nterms; i++) {
		const struct spf_term *t = &rec->terms[i];

		if (t->kind == SPF_TERM_MECHANISM && t->qualifier == '+' &&
		    t->error == NULL && (t->mech == SPF_MECH_IP4 ||
		    t->mech == SPF_MECH_IP6) && ip_net_contains(&t->net, ip)) {
			return true;
		}
	}
	return false;
}

/* The terms that authorize the sending IPs rec does not: those SPF did
 * not pass (evaluated: rec is the published record), else those no
 * ip4:/ip6: term of rec covers. *lookups counts the record's DNS lookups
 * (exact: every one is known) and grows with the terms added; *whys says
 * why each "mx", "a" or literal was chosen. */
static const char *
ip_terms(struct arena *a, const struct check_result *r,
    const struct spf_record *rec, bool evaluated, bool exact,
    unsigned *lookups, const char **whys)
{
	const char *terms = "", *why, *term;
	size_t i;

	*whys = "";
	for (i = 0; i < r->nips; i++) {
		enum spf_result res = r->ips[i].spf->result;

		if (evaluated ? res == SPF_RESULT_PASS ||
		    res == SPF_RESULT_TEMPERROR :
		    covered_literally(rec, &r->ips[i].ip)) {
			continue;
		}
		term = spf_term_for(a, r, &r->ips[i].ip, *lookups, exact,
		    &why);
		if (has_term(terms, term) || (rec != NULL && (term[0] == 'm' ||
		    term[0] == 'a') && has_term(rec->text, term))) {
			continue;
		}
		*lookups += term[0] == 'm' || term[0] == 'a';
		terms = arena_printf(a, "%s%s%s", terms, *terms ? " " : "",
		    term);
		if (why != NULL) {
			*whys = arena_printf(a, "%s; %s", *whys, why);
		}
	}
	return terms;
}

/* The record that authorizes every sending IP that SPF does not: the
 * published one with terms added, or a new one. */
static void
fix_spf(struct arena *a, struct check_requirement *q,
    const struct check_result *r)
{
	const struct spf_walk *w = r->spf_walk;
	const struct spf_record *rec = w->root->status == SPF_NODE_OK ?
	    w->root->record : NULL;
	unsigned lookups = rec ? w->lookups : 0;
	const char *whys, *terms = ip_terms(a, r, rec, true, w->failed == NULL,
	    &lookups, &whys);

	if (*terms == '\0') {
		return;
	}
	q->fix = arena_printf(a, "publish this SPF record at %s%s (%s%u/%d "
	    "DNS lookups%s)", safe_str(a, r->sender_domain), rec ?
	    ", in place of the current one" : "", w->failed ?
	    "at least " : "", lookups, SPF_LOOKUP_LIMIT, whys);
	q->fix_records = check_txt_record(a, r->sender_domain,
	    check_spf_with_terms(a, rec, terms));
}

/* RFC 7208 §4.5: several SPF records are a permerror; the fix is one
 * record with the terms of all, and the sending IPs none of them lists.
 * The includes were not walked, so their lookups are not counted. */
static void
fix_spf_merge(struct arena *a, struct check_requirement *q,
    const struct check_result *r)
{
	const struct spf_node *root = r->spf_walk->root;
	const struct spf_record **recs = arena_calloc(a, root->nspf,
	    sizeof(*recs));
	const struct spf_record *merged;
	const char *text, *terms, *whys;
	unsigned lookups = 0;
	bool exact = true;
	size_t i, len;

	for (i = 0; i < root->nspf; i++) {
		text = dns_txt_join(a, root->spf[i], &len);
		recs[i] = spf_record_parse(a, text, len);
	}
	text = check_spf_merge(a, recs, root->nspf);
	if (text == NULL) {
		q->fix = "merge them into one record (correct the syntax "
		    "errors first: see mailauth spf)";
		return;
	}
	merged = spf_record_parse(a, text, strlen(text));
	for (i = 0; i < merged->nterms; i++) {
		lookups += spf_term_queries_dns(&merged->terms[i]);
		exact &= merged->terms[i].mech != SPF_MECH_INCLUDE &&
		    merged->terms[i].kind != SPF_TERM_REDIRECT;
	}
	terms = ip_terms(a, r, merged, false, exact, &lookups, &whys);
	q->fix = arena_printf(a, "publish this one SPF record at %s in place "
	    "of the %zu: every term of them once, and their most lenient 'all' "
	    "(%u/%d DNS lookups%s%s)", safe_str(a, r->sender_domain),
	    root->nspf, lookups, SPF_LOOKUP_LIMIT, exact ? "" : ", plus those "
	    "of the includes", whys);
	q->fix_records = check_txt_record(a, r->sender_domain, *terms ?
	    check_spf_with_terms(a, merged, terms) : text);
}

/* RFC 7208 §4.6.4: over 2 void lookups is a permerror. The fix is the
 * record without its own terms that found nothing for either address
 * family (they can never match; terms that depend on the sender may, and
 * stay), with the sending IPs it does not list. Leaves q alone when no
 * such term is the domain's own. */
static void
fix_spf_voids(struct arena *a, struct check_requirement *q,
    const struct check_result *r)
{
	const struct spf_walk *w = r->spf_walk;
	const struct spf_node *root = w->root;
	const struct spf_record *rec;
	const char *text, *terms, *whys;
	unsigned lookups = w->lookups, dropped = 0;
	bool *drop;
	size_t i;

	if (root->status != SPF_NODE_OK || w->voids <= SPF_VOID_LIMIT) {
		return;
	}
	drop = arena_calloc(a, root->nterms + 1, sizeof(*drop));
	for (i = 0; i < root->nterms; i++) {
		const struct spf_walk_term *wt = &root->terms[i];

		drop[i] = wt->void4 && wt->void6 && !wt->may_void &&
		    !wt->depends_on_sender;
		dropped += drop[i] ? wt->subtree : 0;
	}
	if (dropped == 0) {
		return;
	}
	text = check_spf_without(a, root->record, drop);
	rec = spf_record_parse(a, text, strlen(text));
	lookups -= dropped;
	terms = ip_terms(a, r, rec, false, w->failed == NULL, &lookups, &whys);
	q->fix = arena_printf(a, "publish this SPF record at %s in place of the "
	    "current one: the terms that find nothing are removed (they can "
	    "never match)%s (%s%u/%d DNS lookups%s)",
	    safe_str(a, r->sender_domain), *terms ? ", and the sending IPs "
	    "added" : "", w->failed ? "at least " : "", lookups,
	    SPF_LOOKUP_LIMIT, whys);
	q->fix_records = check_txt_record(a, r->sender_domain, *terms ?
	    check_spf_with_terms(a, rec, terms) : text);
}

static void
spf_of_ip(struct arena *a, struct check_requirement *q,
    const struct check_result *r, const struct check_ip *ip,
    enum check_status bad, struct strbuf *sb)
{
	const struct spf_eval *e = ip->spf;
	const char *addr = check_ip_text(a, &ip->ip);
	const char *reason = safe_str(a, e->reason ? e->reason : "");

	switch (e->result) {
	case SPF_RESULT_PASS:
		strbuf_addf(sb, "%s%s pass (%s)", sb->len ? "; " : "", addr,
		    reason);
		break;
	case SPF_RESULT_TEMPERROR:
		if (check_req_set(q, CHECK_UNKNOWN, "spf-lookup-failed",
		    arena_printf(a, "SPF of %s for %s: %s",
		    safe_str(a, r->sender_domain), addr, reason))) {
			/* The deadline cut a lookup off: no server failed. */
			q->fix = strstr(reason, DNS_DEADLINE_WHY) != NULL ?
			    DNS_DEADLINE_HINT : "retry; if it lasts, ask another "
			    "resolver (@SERVER), or tell whoever runs the "
			    "failing DNS servers: receivers defer the mail "
			    "(temperror) too";
		}
		break;
	case SPF_RESULT_PERMERROR:
		if (check_req_set(q, bad, "spf-permerror", arena_printf(a,
		    "SPF of %s for %s: permerror (%s): receivers treat the "
		    "record as broken", safe_str(a, r->sender_domain), addr,
		    reason))) {
			q->fix = walk_fix(r->spf_walk, NULL);
			fix_spf_voids(a, q, r);
		}
		break;
	default:
		check_req_set(q, bad, "spf-not-authorized", arena_printf(a,
		    "SPF of %s does not authorize %s: %s (%s)",
		    safe_str(a, r->sender_domain), addr,
		    spf_result_name(e->result), reason));
		break;
	}
}

/* SPF for the sending IPs; returns the fact (pass, fail or unknown) that
 * alignment and authentication build on. */
static enum check_status
require_spf(struct arena *a, struct check_result *r, bool required)
{
	struct check_requirement *q = check_req_add(r, "spf", required,
	    codes_spf);
	const struct spf_node *root = r->spf_walk->root;
	const char *sender = safe_str(a, r->sender_domain);
	enum check_status bad = required ? CHECK_FAIL : CHECK_WARN;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (root->status == SPF_NODE_TEMPERROR) {
		check_req_failed(a, q, "spf-lookup-failed", NULL, root->answer);
	} else if (root->status == SPF_NODE_MULTIPLE) {
		check_req_set(q, bad, "spf-permerror", arena_printf(a, "%s "
		    "publishes %zu SPF records: receivers return permerror "
		    "(RFC 7208 §4.5)", sender, root->nspf));
		fix_spf_merge(a, q, r);
	} else if (root->status == SPF_NODE_NONE) {
		check_req_set(q, bad, "spf-missing", arena_printf(a, "%s has "
		    "no SPF record", sender));
		q->fix = "publish an SPF record listing the sending host; give "
		    "--ip to see the exact record";
	} else if (r->nips == 0) {
		check_req_set(q, CHECK_UNKNOWN, "spf-not-evaluated",
		    arena_printf(a, "%s publishes an SPF record; whether it "
		    "authorizes the server needs the sending IP (--ip)",
		    sender));
		q->fix = "give the sending IP with --ip";
	}
	for (i = 0; i < r->nips && root->status == SPF_NODE_OK; i++) {
		spf_of_ip(a, q, r, &r->ips[i], bad, &sb);
	}
	if (q->code != NULL && (strcmp(q->code, "spf-not-authorized") == 0 ||
	    strcmp(q->code, "spf-missing") == 0)) {
		fix_spf(a, q, r);
	}
	if (q->status == CHECK_PASS) {
		q->message = arena_printf(a, "SPF of %s: %s", sender,
		    strbuf_str(&sb));
	}
	strbuf_finish(&sb);
	return q->status == bad ? CHECK_FAIL : q->status;
}

static void
require_spf_lookups(struct arena *a, struct check_result *r)
{
	const struct spf_walk *w = r->spf_walk;
	const struct dns_answer *failed = w->failed;
	unsigned voids = w->voids;
	struct check_requirement *q;
	const char *counts;

	if (w->root->status != SPF_NODE_OK &&
	    w->root->status != SPF_NODE_TEMPERROR) {
		return;	/* no record: nothing to count */
	}
	q = check_req_add(r, "spf-lookups", false, codes_spf);
	counts = arena_printf(a, "%u/%d DNS lookups, %u/%d void lookups",
	    w->lookups, SPF_LOOKUP_LIMIT, voids, SPF_VOID_LIMIT);
	if (w->lookups > SPF_LOOKUP_LIMIT || voids > SPF_VOID_LIMIT) {
		const char *code = w->lookups > SPF_LOOKUP_LIMIT ?
		    "spf-lookup-limit" : "spf-void-limit";

		check_req_set(q, CHECK_WARN, code, arena_printf(a, "%s%s: over "
		    "the limit, receivers return permerror for senders not "
		    "matched before it", failed ? "at least " : "", counts));
		q->fix = walk_fix(w, code);
		fix_spf_voids(a, q, r);
	} else if (failed != NULL) {
		check_req_failed(a, q, "spf-lookups-unknown", "the count is "
		    "unknown", failed);
	} else {
		q->message = counts;
	}
}

void
check_require_auth(struct arena *a, struct check_result *r, bool bulk)
{
	struct check_requirement *auth = bulk ? NULL : check_req_add(r,
	    "authentication", true, codes_auth);
	enum check_status spf = require_spf(a, r, bulk);
	enum check_status dkim = check_require_dkim(a, r, bulk);

	check_require_dmarc(a, r, bulk);
	check_require_alignment(a, r, bulk, spf, dkim);
	require_spf_lookups(a, r);
	if (auth == NULL) {
		return;
	}
	/* Google's rule for all senders: SPF or DKIM. */
	auth->message = arena_printf(a, "SPF %s, DKIM %s: Google requires one "
	    "of them from every sender", check_status_name(spf),
	    check_status_name(dkim));
	if (spf == CHECK_PASS || dkim == CHECK_PASS) {
		return;
	}
	check_req_set(auth, spf == CHECK_UNKNOWN || dkim == CHECK_UNKNOWN ?
	    CHECK_UNKNOWN : CHECK_FAIL, spf == CHECK_UNKNOWN || dkim ==
	    CHECK_UNKNOWN ? "authentication-unknown" : "authentication-none",
	    auth->message);
	auth->fix = "publish SPF for the sending IPs or a DKIM key (see spf "
	    "and dkim)";
}
