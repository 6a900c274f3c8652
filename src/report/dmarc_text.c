#include <string.h>

#include "dmarc/discover.h"
#include "report/dmarc.h"
#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"

static const char *
step_text(struct arena *a, const struct dmarc_step *s)
{
	switch (s->kind) {
	case DMARC_STEP_RECORD:
		return safe_text(a, s->record->text, s->record->len);
	case DMARC_STEP_MULTIPLE:
		return "several DMARC records (all discarded)";
	case DMARC_STEP_FAILED:
		return arena_printf(a, "lookup failed: %s",
		    dns_kind_name(s->answer->kind));
	case DMARC_STEP_PENDING:
		return "no answer";
	case DMARC_STEP_NONE:
		break;
	}
	if (s->version_not_first) {
		return "no DMARC record (v=DMARC1 is not the first tag)";
	}
	return s->answer->kind == DNS_ANS_RECORDS ? "no DMARC record" :
	    dns_kind_name(s->answer->kind);
}

static void
print_destinations(struct tree *t, struct arena *a,
    const struct dmarc_result *r, const char *tag)
{
	size_t i, left = 0;

	for (i = 0; i < r->ndests; i++) {
		left += strcmp(r->dests[i].tag, tag) == 0;
	}
	for (i = 0; i < r->ndests; i++) {
		const struct dmarc_destination *d = &r->dests[i];
		const char *state;

		if (strcmp(d->tag, tag) != 0) {
			continue;
		}
		left--;
		if (d->uri->problem != NULL) {
			state = d->uri->problem;
		} else if (!d->external) {
			state = "inside the organizational domain";
		} else {
			state = d->authorized == VERDICT_PASS ? "authorized" :
			    d->authorized == VERDICT_FAIL ? "NOT authorized" :
			    "unknown";
			state = arena_printf(a, "%s (%s)", state,
			    safe_str(a, d->check_name));
		}
		tree_item(t, left == 0, "%s  %s", safe_str(a, d->uri->uri),
		    state);
	}
}

static void
print_record(struct tree *t, struct arena *a, const struct dmarc_result *r,
    const struct dmarc_record *rec)
{
	size_t i;

	for (i = 0; i < rec->ntags; i++) {
		const struct dmarc_tag *tag = &rec->tags[i];
		bool last = i + 1 == rec->ntags;

		tree_item(t, last, "%s=%s%s", safe_str(a, tag->name),
		    safe_str(a, tag->value), tag->obsolete ?
		    "  (removed by RFC 9989)" : !tag->known ? "  (unknown)" :
		    "");
		if (strcmp(tag->name, "rua") == 0 ||
		    strcmp(tag->name, "ruf") == 0) {
			tree_push(t, last);
			print_destinations(t, a, r, tag->name);
			tree_pop(t);
		}
	}
}

static void
print_walk(struct tree *t, struct arena *a, const struct dmarc_result *r)
{
	size_t i;

	for (i = 0; i < r->nsteps; i++) {
		const struct dmarc_step *s = &r->steps[i];
		bool last = i + 1 == r->nsteps;

		tree_item(t, last, "%-28s %s", s->name, step_text(a, s));
		if (s == r->policy_step) {
			tree_push(t, last);
			print_record(t, a, r, s->record);
			tree_pop(t);
		}
	}
}

static const char *
policy_line(struct arena *a, enum dmarc_policy p, bool set, const char *tag,
    const char *fallback)
{
	return set ? dmarc_policy_name(p) : arena_printf(a, "%s (%s not set: "
	    "%s applies)", dmarc_policy_name(p), tag, fallback);
}

static void
print_policies(struct tree *t, struct arena *a, const struct dmarc_result *r)
{
	const char *why = "none (an invalid policy tag with a valid rua= "
	    "reads as p=none, RFC 9989 §4.10.1)";

	if (r->fallback == DMARC_FALLBACK_IGNORED) {
		tree_item(t, false, "%-26s %s", r->domain, "no DMARC processing "
		    "(an invalid policy tag and no valid rua=, RFC 9989 "
		    "§4.10.1)");
		return;
	}
	if (r->fallback == DMARC_FALLBACK_NONE) {
		tree_item(t, false, "%-26s %s", r->domain, why);
		tree_item(t, false, "%-26s %s", "subdomains", "none");
		tree_item(t, false, "%-26s %s", "non-existent subdomains",
		    "none");
		return;
	}
	tree_item(t, false, "%-26s %s", r->domain,
	    dmarc_policy_name(r->p_domain));
	tree_item(t, false, "%-26s %s", "subdomains", policy_line(a, r->p_sub,
	    r->sp_set, "sp", "p"));
	tree_item(t, false, "%-26s %s", "non-existent subdomains",
	    policy_line(a, r->p_nx, r->np_set, "np", "sp"));
}

static void
print_policy(struct tree *t, struct arena *a, const struct dmarc_result *r)
{
	tree_note(t, "Effective policy");
	print_policies(t, a, r);
	tree_item(t, false, "%-26s adkim=%c (%s), aspf=%c (%s)", "alignment",
	    r->adkim, r->adkim == 's' ? "strict" : "relaxed", r->aspf,
	    r->aspf == 's' ? "strict" : "relaxed");
	tree_item(t, true, "%-26s %s", "testing", r->testing ? "yes (t=y)" :
	    "no");
}

void
report_dmarc_text(FILE *f, const struct text_style *style,
    const struct dmarc_result *r)
{
	struct arena *a = arena_create();
	struct tree t;
	bool c = style->color;

	tree_init(&t, f, style);
	if (r->policy_step != NULL) {
		tree_note(&t, "%s%s%s  policy from %s (%s)", col_bold(c),
		    r->domain, col_reset(c), r->policy_step->name,
		    r->source == DMARC_SOURCE_DOMAIN ? "the domain itself" :
		    r->source == DMARC_SOURCE_ORG ? "its organizational domain"
		    : "a public suffix domain, psd=y");
	} else if (r->walk_failed) {
		tree_note(&t, "%s%s%s  %sDMARC policy unknown: a lookup "
		    "failed%s", col_bold(c), r->domain, col_reset(c),
		    col_yellow(c), col_reset(c));
	} else {
		tree_note(&t, "%s%s%s  %sno DMARC policy found%s", col_bold(c),
		    r->domain, col_reset(c), col_red(c), col_reset(c));
	}
	print_walk(&t, a, r);
	if (r->policy_step != NULL) {
		fputc('\n', f);
		print_policy(&t, a, r);
	}
	tree_finish(&t);
	fprintf(f, "\norganizational domain: %s (RFC 9989 tree walk), %s "
	    "(RFC 7489, Public Suffix List)\n", r->org_domain ?
	    r->org_domain : "unknown (a lookup of the walk failed)",
	    r->org_domain_psl);
	text_findings(f, style, &r->findings);
	text_verdict(f, style, finding_count(&r->findings, FINDING_ERROR),
	    finding_count(&r->findings, FINDING_WARNING),
	    finding_count(&r->findings, FINDING_INFO));
	arena_destroy(a);
}
