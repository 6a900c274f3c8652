#include "spf/lint.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "dns/channel.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "spf/strings.h"
#include "spf/lint_internal.h"
#include "util/safe.h"

#define ANSWER_FIX "shorten the TXT records at this name (other TXT " \
	"records count too), or move some terms to an included name"

const char *
spf_lint_term(struct linter *l, const struct spf_walk_term *wt)
{
	return safe_str(l->arena, wt->term->text);
}

struct finding *
spf_lint_differs(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt, const char *msg)
{
	struct finding *f = finding_add(l->arena, node ? &node->findings :
	    &l->walk->findings, FINDING_INFO, "spf-receivers-differ", NULL,
	    "%s", msg);

	f->term = wt ? spf_lint_term(l, wt) : NULL;
	return f;
}

#define DNS_FAILURE_FIX "check the name's DNS servers; receivers defer " \
	"mail (temperror) while this lasts"

/* A lookup that failed: a DNS error receivers defer on (temperror), or
 * a CNAME loop, which resolvers turn into one, named link by link. */
static struct finding *
add_dns_failure(struct linter *l, struct spf_node *node,
    const struct dns_answer *ans, const char *fix)
{
	struct finding *f;

	if (ans->kind == DNS_ANS_CNAME_LOOP) {
		const char *name = safe_str(l->arena, ans->name);
		const char *why = ans->error ? safe_str(l->arena, ans->error) :
		    NULL;

		return finding_add(l->arena, &node->findings, FINDING_ERROR,
		    "spf-cname-loop", "point one of the CNAMEs at a name that "
		    "holds the records, or publish the records in place of the "
		    "CNAME", "the %s lookup for %s meets a CNAME loop (%s): "
		    "resolvers give up on it (SERVFAIL) and receivers return "
		    "temperror", dns_type_name(ans->type), name, why);
	}
	f = finding_add(l->arena, &node->findings, FINDING_ERROR,
	    "spf-dns-error", dns_answer_retry_hint(ans) ?
	    dns_answer_retry_hint(ans) : fix, "%s",
	    dns_answer_failure(l->arena, ans));
	f->verdict = VERDICT_UNKNOWN;
	return f;
}

static void
lint_strings(struct linter *l, struct spf_node *node)
{
	const struct dns_txt *rr = node->spf[0];
	size_t glued[8], n, i, len;
	bool draft = node->answer->source != DNS_SRC_NETWORK;

	for (i = 0; i < rr->nstrings; i++) {
		struct dns_bytes *parts;
		const char *text, *fix = NULL;
		size_t nparts;

		if (rr->strings[i].len <= TXT_STRING_MAX) {
			continue;
		}
		text = dns_txt_join(l->arena, rr, &len);
		nparts = dns_txt_split(l->arena, text, len, TXT_STRING_MAX,
		    &parts);
		if (draft) {
			fix = LINT_MSG(l, "publish it as several strings of at most "
			    "%d octets in one TXT record: %s", TXT_STRING_MAX,
			    safe_str(l->arena, dns_txt_quote(l->arena, parts,
			    nparts)));
		}
		finding_add(l->arena, &node->findings, FINDING_ERROR,
		    "spf-string-too-long", fix, "string %zu of the record is "
		    "%zu octets; a DNS character-string holds at most %d (RFC "
		    "1035 §3.3), so this record cannot be published as written",
		    i + 1, rr->strings[i].len, TXT_STRING_MAX);
	}
	n = spf_txt_glued(rr, glued, sizeof(glued) / sizeof(glued[0]));
	for (i = 0; i < n && i < sizeof(glued) / sizeof(glued[0]); i++) {
		struct finding *f = finding_add(l->arena, &node->findings,
		    FINDING_ERROR, "spf-split-glued", "end the first string "
		    "with a space, or start the next one with one: receivers "
		    "join the strings with nothing in between (RFC 7208 §3.3)",
		    "the record's strings are joined with no space at octet "
		    "%zu, gluing two terms into one", glued[i]);

		f->offset = (long)glued[i];
	}
	if (node->answer->size > DNS_EDNS_UDP_SIZE) {
		finding_add(l->arena, &node->findings, FINDING_WARNING,
		    "spf-answer-too-large", ANSWER_FIX, "the TXT answer for %s "
		    "is %zu octets, more than an EDNS answer carries (%d, the "
		    "size resolvers use): receivers must retry over TCP (RFC "
		    "7208 §3.4), and some give up", safe_str(l->arena,
		    node->domain), node->answer->size, DNS_EDNS_UDP_SIZE);
	} else if (node->answer->size > SPF_ANSWER_UDP_MAX) {
		finding_add(l->arena, &node->findings, FINDING_WARNING,
		    "spf-answer-too-large", ANSWER_FIX, "the TXT answer for %s "
		    "is %zu octets, over the %d a plain UDP reply holds (RFC "
		    "7208 §3.4): receivers need EDNS or TCP, and some give up",
		    safe_str(l->arena, node->domain), node->answer->size,
		    SPF_ANSWER_UDP_MAX);
	}
}

static void
lint_syntax(struct linter *l, struct spf_node *node)
{
	const struct spf_record *r = node->record;
	size_t i;
	bool any = false;

	for (i = 0; i < r->nterms; i++) {
		const struct spf_term *t = &r->terms[i];
		struct finding *f;

		if (t->error == NULL) {
			continue;
		}
		any = true;
		f = finding_add(l->arena, &node->findings, FINDING_ERROR,
		    "spf-syntax", "correct the term: receivers reject the "
		    "whole record (permerror) for one bad term", "'%s': %s",
		    safe_str(l->arena, t->text), t->error);
		f->term = safe_str(l->arena, t->text);
		f->offset = (long)t->error_offset;
	}
	if (r->error != NULL && !any) {
		struct finding *f = finding_add(l->arena, &node->findings,
		    FINDING_ERROR, "spf-syntax",
		    "correct the record: receivers reject it (permerror)", "%s",
		    r->error);

		f->offset = (long)r->error_offset;
	}
}

static void
lint_all(struct linter *l, struct spf_node *node)
{
	const struct spf_term *all = node->record->all;
	bool decides = node->via != SPF_VIA_INCLUDE;

	if (all != NULL && all->qualifier == '+') {
		finding_add(l->arena, &node->findings, FINDING_ERROR,
		    "spf-all-pass", "end the record with -all or ~all",
		    "'+all' authorizes every host on the Internet to send mail "
		    "as this domain");
	} else if (all != NULL && all->qualifier == '?' && decides) {
		finding_add(l->arena, &node->findings, FINDING_WARNING,
		    "spf-all-neutral",
		    "end the record with -all (or ~all while testing)",
		    "'?all' says nothing about other senders: receivers treat "
		    "unlisted hosts as neutral");
	} else if (all == NULL && node->record->redirect == NULL && decides) {
		finding_add(l->arena, &node->findings, FINDING_WARNING,
		    "spf-no-all", "end the record with -all (or ~all)", "the "
		    "record has neither 'all' nor 'redirect=': mail from "
		    "unlisted hosts gets 'neutral', which protects nothing");
	}
}

static void
lint_child(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt)
{
	const struct spf_node *child = wt->child;
	const char *name = safe_str(l->arena, child->domain);
	bool redirect = child->via == SPF_VIA_REDIRECT;
	struct finding *f = NULL;

	switch (child->status) {
	case SPF_NODE_NONE:
		f = finding_add(l->arena, &node->findings, FINDING_ERROR,
		    redirect ? "spf-redirect-no-record" :
		    "spf-include-no-record", "remove the term, or correct the "
		    "name (providers document the exact include to use)", "%s "
		    "has no SPF record: receivers return permerror when they "
		    "reach '%s'", name, spf_lint_term(l, wt));
		break;
	case SPF_NODE_LOOP:
		f = finding_add(l->arena, &node->findings, FINDING_ERROR,
		    "spf-loop",
		    "remove the term that leads back to a record above it",
		    "'%s' leads back to %s, which is already being evaluated: "
		    "an endless loop that receivers end with permerror",
		    spf_lint_term(l, wt), name);
		break;
	case SPF_NODE_MULTIPLE:
		f = finding_add(l->arena, &node->findings, FINDING_ERROR,
		    "spf-multiple-records", "merge them into one record", "%s "
		    "publishes %zu SPF records: receivers return permerror "
		    "(RFC 7208 §4.5)", name, child->nspf);
		break;
	case SPF_NODE_TEMPERROR:
		f = add_dns_failure(l, node, child->answer, DNS_FAILURE_FIX);
		break;
	default:
		break;
	}
	if (f != NULL) {
		f->term = spf_lint_term(l, wt);
	}
}

/* The answer that made the term's own lookup void, or NULL. */
static const struct dns_answer *
void_answer(const struct spf_walk_term *wt)
{
	const struct dns_answer *const answers[] = {
		wt->child ? wt->child->answer : NULL, wt->mx, wt->a4, wt->a6,
	};
	size_t i;

	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		if (answers[i] != NULL && dns_kind_is_void(answers[i]->kind)) {
			return answers[i];
		}
	}
	return NULL;
}

static struct finding *
lint_void(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt)
{
	const struct dns_answer *ans = void_answer(wt);
	const char *target = safe_str(l->arena, wt->target);

	if (ans != NULL && ans->kind == DNS_ANS_NXDOMAIN && ans->cname) {
		spf_lint_differs(l, node, wt, LINT_MSG(l, "Mail::SPF does not "
		    "count a CNAME to a name that does not exist as a void "
		    "lookup: there '%s' costs none", spf_lint_term(l, wt)));
	}
	/* A per-sender term answers "not one of ours" this way. */
	if (wt->may_void) {
		return finding_add(l->arena, &node->findings, FINDING_INFO,
		    "spf-void-target", NULL, "'%s' finds nothing at %s for "
		    "this sender: how a per-sender term says \"not one of "
		    "ours\"; it still counts as a void lookup", spf_lint_term(l,
		    wt), target);
	}
	return finding_add(l->arena, &node->findings, FINDING_WARNING,
	    "spf-void-target",
	    "remove the term or publish the records it expects", "'%s' finds "
	    "nothing at %s (%s): a void lookup that authorizes no one",
	    spf_lint_term(l, wt), target, wt->mx ? "no MX records" : wt->child ?
	    "no TXT records" : "no address records");
}

static void
lint_mx_names(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt)
{
	struct finding *f;

	if (wt->mx == NULL || wt->mx->kind != DNS_ANS_RECORDS ||
	    wt->mx->count <= SPF_MX_NAME_LIMIT) {
		return;
	}
	f = finding_add(l->arena, &node->findings, FINDING_ERROR,
	    "spf-mx-too-many", "list the mail servers with ip4:/ip6: instead",
	    "'%s' finds %zu MX names; receivers look up at most %d and return "
	    "permerror beyond (RFC 7208 §4.6.4)", spf_lint_term(l, wt),
	    wt->mx->count, SPF_MX_NAME_LIMIT);
	f->term = spf_lint_term(l, wt);
	spf_lint_differs(l, node, wt, LINT_MSG(l, "Mail::SPF looks at the "
	    "first %d MX names instead of returning permerror",
	    SPF_MX_NAME_LIMIT));
}

static void
lint_addresses(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt)
{
	const struct dns_answer *failed = NULL;
	struct finding *f = NULL;
	size_t i;

	lint_mx_names(l, node, wt);
	for (i = 0; i < wt->nmx_hosts; i++) {
		const struct spf_mx_host *h = &wt->mx_hosts[i];

		if (h->a4 && dns_kind_is_failure(h->a4->kind)) {
			failed = h->a4;
		} else if (h->a6 && dns_kind_is_failure(h->a6->kind)) {
			failed = h->a6;
		}
	}
	if (wt->a4 && dns_kind_is_failure(wt->a4->kind)) {
		failed = wt->a4;
	} else if (wt->a6 && dns_kind_is_failure(wt->a6->kind)) {
		failed = wt->a6;
	} else if (wt->mx && dns_kind_is_failure(wt->mx->kind)) {
		failed = wt->mx;
	}
	if (failed != NULL) {
		f = add_dns_failure(l, node, failed, DNS_FAILURE_FIX);
	} else if (wt->void4 && wt->void6) {
		f = lint_void(l, node, wt);
	}
	if (f != NULL) {
		f->term = spf_lint_term(l, wt);
	}
}

/* "include=x" parses as an unknown modifier, so receivers skip it
 * silently: almost always a typo for "include:x". */
static bool
is_mechanism_name(const char *name)
{
	static const char *const names[] = {
		"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(names[i], name) == 0) {
			return true;
		}
	}
	return false;
}

static void
lint_term(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt)
{
	const struct spf_term *t = wt->term;
	struct finding *f = NULL;

	if (wt->child != NULL) {
		lint_child(l, node, wt);
	}
	if (t->kind == SPF_TERM_MECHANISM && wt->evaluated &&
	    t->error == NULL) {
		lint_addresses(l, node, wt);
	}
	spf_lint_networks(l, node, wt);
	if (t->kind == SPF_TERM_MECHANISM && t->mech == SPF_MECH_PTR) {
		f = finding_add(l->arena, &node->findings, FINDING_WARNING,
		    "spf-ptr-deprecated",
		    "replace ptr with ip4:/ip6: or a: terms for your servers",
		    "'ptr' is slow and unreliable and must not be used (RFC "
		    "7208 §5.5); some receivers ignore it");
	} else if (t->kind == SPF_TERM_REDIRECT && !wt->evaluated &&
	    node->record->all != NULL) {
		f = finding_add(l->arena, &node->findings, FINDING_WARNING,
		    "spf-redirect-ignored",
		    "remove 'all' to use the redirect, or remove the redirect",
		    "redirect= is ignored because the record has 'all' (RFC "
		    "7208 §6.1)");
	} else if (t->kind == SPF_TERM_MECHANISM && !wt->evaluated) {
		f = finding_add(l->arena, &node->findings, FINDING_WARNING,
		    "spf-after-all", "move the term before 'all', or remove it",
		    "'%s' comes after 'all' and is never evaluated",
		    spf_lint_term(l, wt));
	} else if (t->kind == SPF_TERM_UNKNOWN_MOD) {
		bool typo = is_mechanism_name(t->mod_name);

		f = finding_add(l->arena, &node->findings, typo ?
		    FINDING_WARNING : FINDING_INFO, "spf-unknown-modifier", typo
		    ? LINT_MSG(l, "write '%s:' with a colon", safe_str(l->arena,
		    t->mod_name)) : NULL,
		    "'%s' is an unknown modifier: receivers ignore it",
		    spf_lint_term(l, wt));
	} else if (wt->depends_on_sender) {
		f = finding_add(l->arena, &node->findings, FINDING_INFO,
		    "spf-depends-on-sender", NULL, "'%s' depends on the sender "
		    "(macros or ptr): it counts one lookup%s; use --ip to "
		    "evaluate it", spf_lint_term(l, wt), wt->may_void ?
		    ", and a void lookup for senders it does not know" : "");
	}
	if (f != NULL) {
		f->term = spf_lint_term(l, wt);
	}
}

static void lint_node(struct linter *l, struct spf_node *node);

static void
lint_record(struct linter *l, struct spf_node *node)
{
	size_t i;

	lint_strings(l, node);
	lint_syntax(l, node);
	lint_all(l, node);
	spf_lint_never_match(l, node);
	spf_lint_network_count(l, node);
	for (i = 0; i < node->nterms; i++) {
		lint_term(l, node, &node->terms[i]);
		if (node->terms[i].child != NULL) {
			lint_node(l, node->terms[i].child);
		}
	}
}

static void
lint_node(struct linter *l, struct spf_node *node)
{
	size_t i;

	if (node->status == SPF_NODE_OK) {
		lint_record(l, node);
		return;
	}
	if (node->via != SPF_VIA_TOP || node->answer == NULL) {
		return;
	}
	/* The domain asked about: its own problems are the whole story. */
	if (node->status == SPF_NODE_TEMPERROR) {
		add_dns_failure(l, node, node->answer, "check the domain's DNS "
		    "servers, or try another resolver with @SERVER");
	} else if (node->status == SPF_NODE_MULTIPLE) {
		finding_add(l->arena, &node->findings, FINDING_ERROR,
		    "spf-multiple-records",
		    "merge them into one record: receivers return permerror",
		    "%s publishes %zu SPF records (RFC 7208 §4.5)",
		    safe_str(l->arena, node->domain), node->nspf);
	} else if (node->status == SPF_NODE_NONE) {
		for (i = 0; i < node->answer->count; i++) {
			if (spf_txt_version_glued(&node->answer->txt[i])) {
				finding_add(l->arena, &node->findings,
				    FINDING_ERROR, "spf-split-glued", "put a "
				    "space after \"v=spf1\" in the first "
				    "string", "a TXT record here would be SPF, "
				    "but its strings are joined with no space "
				    "after \"v=spf1\" (RFC 7208 §3.3)");
			}
		}
		finding_add(l->arena, &node->findings, FINDING_ERROR,
		    "spf-no-record", "publish one TXT record such as \"v=spf1 "
		    "mx -all\" listing the hosts that send your mail", "%s has "
		    "no SPF record: receivers cannot tell forged mail from "
		    "yours (Gmail requires SPF or DKIM)", safe_str(l->arena,
		    node->domain));
	}
}

void
spf_lint(struct arena *a, struct spf_walk *walk)
{
	struct linter l = { a, walk };

	spf_lint_limits(&l);
	lint_node(&l, walk->root);
}
