#include "spf/walk.h"

#include <string.h>

#include "bounds.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "spf/strings.h"
#include "util/arena.h"

struct walker {
	struct arena *arena;
	dns_lookup_fn lookup;
	void *lookup_ctx;
	const struct spf_macro_ctx *base;
	struct spf_walk *walk;
};

/* The chain of names from the top down to the node being built, for loop
 * detection: a name that is already on the path would recurse forever. */
struct path {
	const char *domain;
	const struct path *up;
};

static struct spf_node *build_node(struct walker *w, const char *domain,
    enum spf_via via, unsigned depth, const struct path *up);

const char *
spf_node_status_name(enum spf_node_status status)
{
	switch (status) {
	case SPF_NODE_PENDING: return "pending";
	case SPF_NODE_OK: return "ok";
	case SPF_NODE_NONE: return "none";
	case SPF_NODE_MULTIPLE: return "multiple";
	case SPF_NODE_TEMPERROR: return "temperror";
	case SPF_NODE_LOOP: return "loop";
	case SPF_NODE_CAPPED: return "capped";
	}
	return "unknown";
}

static const struct dns_answer *
ask(struct walker *w, const char *name, enum dns_type type)
{
	const struct dns_answer *ans = w->lookup(w->lookup_ctx, name, type);

	if (ans == NULL) {
		w->walk->pending++;
	}
	return ans;
}

static bool
on_path(const struct path *p, const char *domain)
{
	for (; p != NULL; p = p->up) {
		if (dns_name_equal(p->domain, domain)) {
			return true;
		}
	}
	return false;
}

/* Expands the term's domain-spec, or uses the record's domain when the
 * term has none. Leaves target NULL when a macro needs a value the walk
 * does not have (RFC 7208 §4.6.4 still counts the term). */
static void
resolve_target(struct walker *w, const struct spf_node *node,
    struct spf_walk_term *wt)
{
	const struct spf_term *t = wt->term;
	struct spf_macro_ctx ctx;
	char *out = NULL;

	if (t->domain_spec == NULL) {
		wt->target = node->domain;
		return;
	}
	if (w->base != NULL) {
		ctx = *w->base;
	} else {
		memset(&ctx, 0, sizeof(ctx));
		ctx.now = -1;
	}
	ctx.domain = node->domain;
	switch (spf_macro_expand(w->arena, t->domain_spec,
	    strlen(t->domain_spec), &ctx, false, &out)) {
	case SPF_MACRO_OK:
		wt->target = spf_macro_truncate_domain(out);
		break;
	case SPF_MACRO_UNKNOWN:
		wt->depends_on_sender = true;
		break;
	case SPF_MACRO_SYNTAX:
		break;
	}
}

static void
resolve_mx_hosts(struct walker *w, struct spf_walk_term *wt)
{
	size_t n = wt->mx->count, i, k = 0;

	if (n > SPF_MX_NAME_LIMIT) {
		n = SPF_MX_NAME_LIMIT;
	}
	wt->mx_hosts = arena_calloc(w->arena, n, sizeof(*wt->mx_hosts));
	for (i = 0; i < wt->mx->count && k < n; i++) {
		struct spf_mx_host *h = &wt->mx_hosts[k++];

		h->host = wt->mx->mx[i].host;
		h->preference = wt->mx->mx[i].preference;
		/* A null MX (RFC 7505) names no host to look up. */
		if (h->host[0] == '\0') {
			continue;
		}
		h->a4 = ask(w, h->host, DNS_T_A);
		h->a6 = ask(w, h->host, DNS_T_AAAA);
	}
	wt->nmx_hosts = k;
}

static void
resolve_term(struct walker *w, struct spf_node *node,
    struct spf_walk_term *wt, const struct path *here)
{
	const struct spf_term *t = wt->term;
	enum spf_via via = t->kind == SPF_TERM_REDIRECT ? SPF_VIA_REDIRECT :
	    SPF_VIA_INCLUDE;

	if (!wt->evaluated || t->error != NULL || wt->target == NULL) {
		return;
	}
	if (t->kind == SPF_TERM_REDIRECT || (t->kind == SPF_TERM_MECHANISM &&
	    t->mech == SPF_MECH_INCLUDE)) {
		wt->child = build_node(w, wt->target, via, node->depth + 1,
		    here);
		return;
	}
	if (t->kind != SPF_TERM_MECHANISM) {
		return;
	}
	switch (t->mech) {
	case SPF_MECH_A:
		wt->a4 = ask(w, wt->target, DNS_T_A);
		wt->a6 = ask(w, wt->target, DNS_T_AAAA);
		break;
	case SPF_MECH_EXISTS:
		/* RFC 7208 §5.7: always an A query, whatever the sender. */
		wt->a4 = ask(w, wt->target, DNS_T_A);
		break;
	case SPF_MECH_MX:
		wt->mx = ask(w, wt->target, DNS_T_MX);
		if (wt->mx != NULL && wt->mx->kind == DNS_ANS_RECORDS) {
			resolve_mx_hosts(w, wt);
		}
		break;
	default:
		break;
	}
}

/* Macro letters whose value changes from one sender (or connecting host)
 * to the next (RFC 7208 §7.2); %{d} is the record's own domain. */
#define SENDER_MACROS (SPF_MACRO_S | SPF_MACRO_L | SPF_MACRO_O | \
	SPF_MACRO_I | SPF_MACRO_P | SPF_MACRO_H | SPF_MACRO_V)

/* A term that asks DNS about the sender (ptr, or a name built from
 * sender macros) finds nothing for senders it does not know: that is
 * how it says "not one of ours", and it costs a void lookup. */
static bool
may_void(const struct spf_term *t)
{
	return spf_term_queries_dns(t) && (t->macros & SENDER_MACROS ||
	    (t->kind == SPF_TERM_MECHANISM && t->mech == SPF_MECH_PTR));
}

/* Marks what a receiver never evaluates (RFC 7208 §4.6.2, §6.1): the
 * mechanisms after "all", and redirect= when the record has "all". */
static void
mark_evaluated(struct spf_node *node)
{
	bool after_all = false;
	size_t i;

	for (i = 0; i < node->nterms; i++) {
		struct spf_walk_term *wt = &node->terms[i];
		const struct spf_term *t = wt->term;

		wt->evaluated = true;
		if (t->kind == SPF_TERM_MECHANISM && after_all) {
			wt->evaluated = false;
			wt->skipped_why = "after \"all\": never evaluated";
		} else if (t->kind == SPF_TERM_REDIRECT &&
		    node->record->all != NULL) {
			wt->evaluated = false;
			wt->skipped_why = "ignored: the record has \"all\"";
		} else if (t->kind == SPF_TERM_REDIRECT &&
		    t != node->record->redirect) {
			wt->evaluated = false;
			wt->skipped_why = "a second redirect=";
		}
		wt->may_void = wt->evaluated && may_void(t);
		if (t->kind == SPF_TERM_MECHANISM && t->mech == SPF_MECH_ALL) {
			after_all = true;
		}
	}
}

static void
build_terms(struct walker *w, struct spf_node *node, const struct path *up)
{
	struct path here = { node->domain, up };
	size_t i;

	node->nterms = node->record->nterms;
	node->terms = arena_calloc(w->arena, node->nterms,
	    sizeof(*node->terms));
	for (i = 0; i < node->nterms; i++) {
		node->terms[i].term = &node->record->terms[i];
	}
	mark_evaluated(node);
	for (i = 0; i < node->nterms; i++) {
		struct spf_walk_term *wt = &node->terms[i];
		const struct spf_term *t = wt->term;

		if (spf_term_queries_dns(t) && !(t->kind ==
		    SPF_TERM_MECHANISM && t->mech == SPF_MECH_PTR)) {
			resolve_target(w, node, wt);
		} else if (t->kind == SPF_TERM_MECHANISM &&
		    t->mech == SPF_MECH_PTR) {
			/* ptr checks the sender's own address. */
			wt->depends_on_sender = true;
		}
		resolve_term(w, node, wt, &here);
	}
}

static struct spf_node *
build_node(struct walker *w, const char *domain, enum spf_via via,
    unsigned depth, const struct path *up)
{
	struct spf_node *node = arena_alloc(w->arena, sizeof(*node));
	size_t len;
	const char *text;

	node->domain = domain;
	node->findings.domain = domain;
	node->via = via;
	node->depth = depth;
	if (on_path(up, domain)) {
		node->status = SPF_NODE_LOOP;
		return node;
	}
	if (depth >= SPF_WALK_MAX_DEPTH ||
	    w->walk->nodes >= SPF_WALK_MAX_RECORDS) {
		node->status = SPF_NODE_CAPPED;
		w->walk->capped = true;
		return node;
	}
	w->walk->nodes++;
	if (depth + 1 > w->walk->levels) {
		w->walk->levels = depth + 1;
	}
	node->answer = ask(w, domain, DNS_T_TXT);
	if (node->answer == NULL) {
		node->status = SPF_NODE_PENDING;
		return node;
	}
	if (dns_kind_is_failure(node->answer->kind)) {
		node->status = SPF_NODE_TEMPERROR;
		return node;
	}
	node->nspf = spf_txt_select(w->arena, node->answer, &node->spf);
	if (node->nspf != 1) {
		node->status = node->nspf ? SPF_NODE_MULTIPLE : SPF_NODE_NONE;
		return node;
	}
	node->status = SPF_NODE_OK;
	w->walk->records++;
	text = dns_txt_join(w->arena, node->spf[0], &len);
	node->record = spf_record_parse(w->arena, text, len);
	build_terms(w, node, up);
	return node;
}

static const struct dns_answer *
failed(const struct dns_answer *ans)
{
	return ans != NULL && dns_kind_is_failure(ans->kind) ? ans : NULL;
}

const struct dns_answer *
spf_walk_failure(const struct spf_node *node)
{
	const struct dns_answer *f;
	size_t i, k;

	if (node == NULL || node->status == SPF_NODE_TEMPERROR) {
		return node ? node->answer : NULL;
	}
	for (i = 0; i < node->nterms; i++) {
		const struct spf_walk_term *wt = &node->terms[i];

		if (!wt->evaluated) {
			continue;
		}
		if ((f = failed(wt->a4)) || (f = failed(wt->a6)) ||
		    (f = failed(wt->mx)) || (f = spf_walk_failure(wt->child))) {
			return f;
		}
		for (k = 0; k < wt->nmx_hosts; k++) {
			if ((f = failed(wt->mx_hosts[k].a4)) ||
			    (f = failed(wt->mx_hosts[k].a6))) {
				return f;
			}
		}
	}
	return NULL;
}

/* Counting, in evaluation order (RFC 7208 §4.6): the mechanisms left to
 * right, then redirect=. The running totals are those of a receiver
 * checking a sender that no term authorizes, the path forged mail takes. */
struct counter {
	struct arena *arena;
	struct spf_walk *walk;
	unsigned lookups, void4, void6;
	unsigned unknown;	/* terms not asked that may be void */
	size_t cap;		/* room in walk->void_terms */
};

static void count_node(struct counter *c, struct spf_node *node);

static bool
answer_is_void(const struct dns_answer *ans)
{
	return ans != NULL && dns_kind_is_void(ans->kind);
}

/* The answer of the term's own query that failed, or NULL. */
static const struct dns_answer *
term_failure(const struct spf_walk_term *wt)
{
	const struct dns_answer *const answers[] = { wt->child ?
	    wt->child->answer : NULL, wt->a4, wt->a6, wt->mx };
	size_t i;

	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		if (answers[i] != NULL && dns_kind_is_failure(answers[i]->kind)) {
			return answers[i];
		}
	}
	return NULL;
}

static void
term_voids(const struct spf_walk_term *wt, bool *v4, bool *v6)
{
	const struct spf_term *t = wt->term;

	*v4 = *v6 = false;
	if (wt->child != NULL) {
		*v4 = *v6 = answer_is_void(wt->child->answer);
	} else if (t->kind == SPF_TERM_MECHANISM && t->mech == SPF_MECH_A) {
		*v4 = answer_is_void(wt->a4);
		*v6 = answer_is_void(wt->a6);
	} else if (t->kind == SPF_TERM_MECHANISM && t->mech == SPF_MECH_MX) {
		*v4 = *v6 = answer_is_void(wt->mx);
	} else if (t->kind == SPF_TERM_MECHANISM &&
	    t->mech == SPF_MECH_EXISTS) {
		*v4 = *v6 = answer_is_void(wt->a4);
	}
}

/* A term that looks the sender up and was not asked: void for every
 * sender it does not know. */
static bool
void_unless_known(const struct spf_walk_term *wt)
{
	return wt->may_void && wt->a4 == NULL && wt->a6 == NULL &&
	    wt->mx == NULL && wt->child == NULL;
}

/* Notes a term that can cost a void lookup, and where a sender no term
 * knows would pass the limit. */
static void
count_void(struct counter *c, struct spf_node *node,
    const struct spf_walk_term *wt)
{
	struct spf_walk *walk = c->walk;
	bool unknown = void_unless_known(wt);

	if (!wt->void4 && !wt->void6 && !unknown) {
		return;
	}
	walk->void_terms = array_grow(c->arena, walk->void_terms,
	    walk->nvoid_terms, &c->cap, sizeof(*walk->void_terms));
	walk->void_terms[walk->nvoid_terms++] = wt;
	c->unknown += unknown;
	if (unknown && walk->sender_void_term == NULL &&
	    (c->void4 + c->unknown > SPF_VOID_LIMIT ||
	    c->void6 + c->unknown > SPF_VOID_LIMIT) &&
	    c->void4 <= SPF_VOID_LIMIT && c->void6 <= SPF_VOID_LIMIT) {
		walk->sender_void_term = wt;
		walk->sender_void_node = node;
	}
}

static void
count_term(struct counter *c, struct spf_node *node, struct spf_walk_term *wt)
{
	struct spf_walk *walk = c->walk;
	unsigned before = c->lookups;

	if (!spf_term_queries_dns(wt->term)) {
		wt->running_total = c->lookups;
		wt->running_void4 = c->void4;
		wt->running_void6 = c->void6;
		return;
	}
	wt->cost = 1;
	c->lookups++;
	if (c->lookups == SPF_LOOKUP_LIMIT + 1) {
		walk->limit_term = wt;
		walk->limit_node = node;
	}
	term_voids(wt, &wt->void4, &wt->void6);
	if (walk->failed == NULL) {
		walk->failed = term_failure(wt);
	}
	c->void4 += wt->void4;
	c->void6 += wt->void6;
	if (wt->void4 && c->void4 == SPF_VOID_LIMIT + 1) {
		walk->void4_term = wt;
		walk->void4_node = node;
	}
	if (wt->void6 && c->void6 == SPF_VOID_LIMIT + 1) {
		walk->void6_term = wt;
		walk->void6_node = node;
	}
	wt->running_total = c->lookups;
	wt->running_void4 = c->void4;
	wt->running_void6 = c->void6;
	count_void(c, node, wt);
	if (wt->child != NULL) {
		count_node(c, wt->child);
	}
	wt->subtree = c->lookups - before;
}

static void
count_node(struct counter *c, struct spf_node *node)
{
	unsigned before = c->lookups;
	size_t i;

	for (i = 0; i < node->nterms; i++) {
		struct spf_walk_term *wt = &node->terms[i];

		if (wt->evaluated && wt->term->kind != SPF_TERM_REDIRECT) {
			count_term(c, node, wt);
		}
	}
	for (i = 0; i < node->nterms; i++) {
		struct spf_walk_term *wt = &node->terms[i];

		if (wt->evaluated && wt->term->kind == SPF_TERM_REDIRECT) {
			count_term(c, node, wt);
		}
	}
	node->lookups = c->lookups - before;
}

/* Stores node and the nodes below it, depth first, from order[0] (when
 * order is not NULL); returns how many there are. */
static size_t
order_nodes(struct spf_node *node, struct spf_node **order)
{
	size_t i, n = 0;

	if (order != NULL) {
		order[n] = node;
	}
	n++;
	for (i = 0; i < node->nterms; i++) {
		if (node->terms[i].child != NULL) {
			n += order_nodes(node->terms[i].child, order ?
			    order + n : NULL);
		}
	}
	return n;
}

struct spf_walk *
spf_walk_build(struct arena *a, dns_lookup_fn lookup, void *lookup_ctx,
    const char *domain, const struct spf_macro_ctx *base)
{
	struct spf_walk *walk = arena_alloc(a, sizeof(*walk));
	struct walker w = { a, lookup, lookup_ctx, base, walk };
	struct counter c = { a, walk, 0, 0, 0, 0, 0 };

	walk->root = build_node(&w, domain, SPF_VIA_TOP, 0, NULL);
	if (walk->root->status == SPF_NODE_TEMPERROR) {
		walk->failed = walk->root->answer;
	}
	count_node(&c, walk->root);
	walk->lookups = c.lookups;
	walk->void4 = c.void4;
	walk->void6 = c.void6;
	walk->voids = c.void4 > c.void6 ? c.void4 : c.void6;
	walk->norder = order_nodes(walk->root, NULL);
	walk->order = arena_calloc(a, walk->norder, sizeof(*walk->order));
	order_nodes(walk->root, walk->order);
	return walk;
}
