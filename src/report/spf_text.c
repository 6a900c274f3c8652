#include "report/spf.h"

#include <string.h>

#include "bounds.h"
#include "spf/walk.h"
#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"
#include "util/strbuf.h"

/* Column where the per-term cost starts, so the counts line up. */
#define COST_COLUMN 52

struct spf_printer {
	struct tree tree;
	struct arena *arena;	/* scratch for safe strings */
	const struct text_style *style;
};

static void print_node(struct spf_printer *p, const struct spf_node *node);

static const char *
safe(struct spf_printer *p, const char *s)
{
	return safe_str(p->arena, s);
}

static const char *
record_display(struct spf_printer *p, const struct dns_txt *rr)
{
	return text_strings(p->arena, rr->strings, rr->nstrings);
}

static const char *
status_text(struct spf_printer *p, const struct spf_node *node)
{
	const struct dns_answer *ans = node->answer;

	switch (node->status) {
	case SPF_NODE_NONE:
		return ans->kind == DNS_ANS_RECORDS ?
		    "no SPF record (other TXT records only)" :
		    arena_printf(p->arena, "no SPF record (%s)",
		    dns_kind_name(ans->kind));
	case SPF_NODE_MULTIPLE:
		return arena_printf(p->arena, "%zu SPF records", node->nspf);
	case SPF_NODE_TEMPERROR:
		return arena_printf(p->arena, "TXT lookup failed: %s%s%s",
		    dns_kind_name(ans->kind), ans->error ? ", " : "",
		    ans->error ? safe(p, ans->error) : "");
	case SPF_NODE_LOOP:
		return "loop: this name is already being evaluated above";
	case SPF_NODE_CAPPED:
		return "not followed: the walk's limit was reached";
	case SPF_NODE_PENDING:
		return "no answer";
	case SPF_NODE_OK:
		break;
	}
	return "";
}

/* The caret line under a record: spaces to the error's column, then ^. */
static void
print_carets(struct spf_printer *p, const struct spf_node *node,
    size_t lead)
{
	const struct spf_record *r = node->record;
	const struct finding *f;

	for (f = node->findings.head; f != NULL; f = f->next) {
		const char *before;
		size_t col;

		if (f->offset < 0 || (size_t)f->offset > r->len ||
		    node->spf[0]->nstrings != 1) {
			continue;
		}
		before = safe_text(p->arena, r->text, (size_t)f->offset);
		col = lead + 1 + text_width(before);
		tree_note(&p->tree, "%*s%s^%s %s", (int)col, "",
		    col_red(p->style->color), col_reset(p->style->color),
		    f->code);
	}
}

static void
print_header(struct spf_printer *p, const struct spf_node *node)
{
	const char *name = safe(p, node->domain);
	size_t i;

	if (node->status != SPF_NODE_OK) {
		tree_note(&p->tree, "%s%s%s  %s%s%s", col_bold(p->style->color),
		    name, col_reset(p->style->color),
		    node->status == SPF_NODE_MULTIPLE ? "" :
		    col_red(p->style->color), status_text(p, node),
		    col_reset(p->style->color));
		for (i = 0; node->status == SPF_NODE_MULTIPLE && i < node->nspf;
		    i++) {
			tree_note(&p->tree, "  %s", record_display(p,
			    node->spf[i]));
		}
		return;
	}
	tree_note(&p->tree, "%s%s%s  %s", col_bold(p->style->color), name,
	    col_reset(p->style->color), record_display(p, node->spf[0]));
	print_carets(p, node, text_width(name) + 2);
}

static void
print_resolved(struct spf_printer *p, const struct spf_walk_term *wt)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (wt->mx != NULL) {
		if (wt->mx->kind != DNS_ANS_RECORDS) {
			tree_item(&p->tree, true, "MX %s",
			    dns_kind_name(wt->mx->kind));
		}
		for (i = 0; i < wt->nmx_hosts; i++) {
			const struct spf_mx_host *h = &wt->mx_hosts[i];

			strbuf_reset(&sb);
			text_addresses(&sb, h->a4);
			text_addresses(&sb, h->a6);
			tree_item(&p->tree, i + 1 == wt->nmx_hosts &&
			    wt->mx->count <= wt->nmx_hosts, "%u %s  %s",
			    h->preference, h->host[0] ? safe(p, h->host) :
			    ". (null MX)", strbuf_str(&sb));
		}
		if (wt->mx->count > wt->nmx_hosts) {
			tree_item(&p->tree, true, "%zu more MX names not "
			    "looked up", wt->mx->count - wt->nmx_hosts);
		}
	} else if (wt->a4 != NULL || wt->a6 != NULL) {
		text_addresses(&sb, wt->a4);
		text_addresses(&sb, wt->a6);
		tree_item(&p->tree, true, "%s", strbuf_str(&sb));
	}
	strbuf_finish(&sb);
}

static const char *
cost_text(struct spf_printer *p, const struct spf_walk_term *wt)
{
	bool c = p->style->color;
	const char *voids = "";

	if (!wt->evaluated) {
		return arena_printf(p->arena, "%s(%s)%s", col_dim(c),
		    wt->skipped_why, col_reset(c));
	}
	if (wt->cost == 0) {
		return "";
	}
	if (wt->void4 || wt->void6) {
		voids = arena_printf(p->arena, "  %svoid%s %u/%d%s",
		    col_yellow(c), wt->void4 == wt->void6 ? "" : wt->void4 ?
		    " (IPv4)" : " (IPv6)", wt->void4 ? wt->running_void4 :
		    wt->running_void6, SPF_VOID_LIMIT, col_reset(c));
	} else if (wt->may_void) {
		voids = arena_printf(p->arena, "  %smay void%s", col_dim(c),
		    col_reset(c));
	}
	return arena_printf(p->arena, "+1  %s%2u/%d%s%s",
	    wt->running_total > SPF_LOOKUP_LIMIT ? col_red(c) : "",
	    wt->running_total, SPF_LOOKUP_LIMIT, col_reset(c), voids);
}

/* What follows a term's text: where its macros led, or why it has no
 * target. */
static const char *
term_note(struct spf_printer *p, const struct spf_walk_term *wt)
{
	if (wt->depends_on_sender && wt->evaluated) {
		return "  (depends on the sender)";
	}
	if (wt->target != NULL && wt->term->domain_spec != NULL &&
	    strcmp(wt->target, wt->term->domain_spec) != 0) {
		return arena_printf(p->arena, "  %s %s", p->style->ascii ?
		    "->" : "→", safe(p, wt->target));
	}
	return "";
}

static void
print_term(struct spf_printer *p, const struct spf_walk_term *wt, bool last)
{
	const char *label = safe(p, wt->term->text);
	const char *note = term_note(p, wt), *cost = cost_text(p, wt);
	size_t used = tree_item_column(&p->tree) + text_width(label) +
	    text_width(note);
	int pad = used + 2 < COST_COLUMN ? (int)(COST_COLUMN - used) : 2;

	if (cost[0] == '\0') {
		tree_item(&p->tree, last, "%s%s", label, note);
	} else {
		tree_item(&p->tree, last, "%s%s%*s%s", label, note, pad, "",
		    cost);
	}
	tree_push(&p->tree, last);
	if (wt->child != NULL) {
		print_node(p, wt->child);
	} else {
		print_resolved(p, wt);
	}
	tree_pop(&p->tree);
}

static void
print_node(struct spf_printer *p, const struct spf_node *node)
{
	const struct finding *f;
	size_t i;

	print_header(p, node);
	for (f = node->findings.head; f != NULL; f = f->next) {
		tree_finding(&p->tree, f);
	}
	for (i = 0; i < node->nterms; i++) {
		print_term(p, &node->terms[i], i + 1 == node->nterms);
	}
}

void
report_spf_text(FILE *f, const struct text_style *style,
    const struct spf_walk *walk)
{
	struct spf_printer p;
	struct finding_tally t = { 0, 0, 0, VERDICT_PASS };
	bool c = style->color;
	size_t i;

	p.arena = arena_create();
	p.style = style;
	tree_init(&p.tree, f, style);
	print_node(&p, walk->root);
	tree_finish(&p.tree);
	/* A failed lookup hides what lies behind it: the counts are then
	 * lower bounds, and said so. */
	fprintf(f, "\nlookups %s%s%u/%d%s  void %s%u/%d (IPv4 %u, IPv6 %u)  "
	    "records %zu  depth %u\n", walk->failed ? "at least " : "",
	    walk->lookups > SPF_LOOKUP_LIMIT ? col_red(c) : col_bold(c),
	    walk->lookups, SPF_LOOKUP_LIMIT, col_reset(c),
	    walk->failed ? "at least " : "", walk->voids,
	    SPF_VOID_LIMIT, walk->void4, walk->void6, walk->records,
	    walk->levels);
	if (walk->failed != NULL) {
		fprintf(f, "the counts are unknown beyond this: %s\n",
		    dns_answer_failure(p.arena, walk->failed));
	}
	text_findings(f, style, &walk->findings);
	finding_tally(&walk->findings, &t);
	for (i = 0; i < walk->norder; i++) {
		finding_tally(&walk->order[i]->findings, &t);
	}
	text_verdict(f, style, t.errors, t.warnings, t.infos);
	arena_destroy(p.arena);
}
