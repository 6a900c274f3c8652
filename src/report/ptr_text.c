#include "ptr/ptr.h"
#include "report/ptr.h"
#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"
#include "util/strbuf.h"

static void
print_name(struct tree *t, struct arena *a, const struct ptr_name *n,
    bool last)
{
	struct strbuf sb = STRBUF_INIT;
	bool c = t->style.color;

	tree_item(t, last, "%s  %s%s%s", safe_str(a, n->name),
	    n->forward_confirmed ? col_green(c) : n->failed ? col_yellow(c) :
	    col_red(c), n->forward_confirmed ? "forward-confirmed" :
	    n->failed ? "unknown (lookup failed)" : "not confirmed",
	    col_reset(c));
	tree_push(t, last);
	text_addresses(&sb, n->a);
	text_addresses(&sb, n->aaaa);
	tree_item(t, true, "%s", strbuf_str(&sb));
	tree_pop(t);
	strbuf_finish(&sb);
}

void
report_ptr_text(FILE *f, const struct text_style *style,
    const struct ptr_result *r)
{
	struct arena *a = arena_create();
	struct tree t;
	char ip[IP_STRLEN];
	size_t i;
	bool c = style->color;

	tree_init(&t, f, style);
	tree_note(&t, "%s%s%s  reverse name %s", col_bold(c),
	    ip_format(&r->ip, ip), col_reset(c), r->reverse_name);
	if (r->answer->kind != DNS_ANS_RECORDS) {
		tree_item(&t, true, "%sPTR %s%s", col_red(c),
		    dns_kind_name(r->answer->kind), col_reset(c));
	}
	for (i = 0; i < r->nnames; i++) {
		print_name(&t, a, &r->names[i], i + 1 == r->nnames);
	}
	tree_finish(&t);
	fprintf(f, "\nFCrDNS: %s%s%s", r->fcrdns ? col_green(c) : r->failed ?
	    col_yellow(c) : col_red(c), r->fcrdns ? "yes" : r->failed ?
	    "unknown" : "no", col_reset(c));
	if (r->helo != NULL) {
		fprintf(f, "  HELO %s: %s", safe_str(a, r->helo),
		    r->helo_matches ? "matches" :
		    dns_kind_is_failure(r->answer->kind) ? "unknown" :
		    "does not match");
	}
	fputc('\n', f);
	text_findings(f, style, &r->findings);
	text_verdict(f, style, finding_count(&r->findings, FINDING_ERROR),
	    finding_count(&r->findings, FINDING_WARNING),
	    finding_count(&r->findings, FINDING_INFO));
	arena_destroy(a);
}
