#include "dkim/selectors.h"
#include "dkim/verify.h"
#include "report/dkim.h"
#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"
#include "util/strbuf.h"

const char *
report_dkim_key_summary(struct arena *a, const struct dkim_key *k, bool brief)
{
	if (k->error != NULL) {
		return "a record receivers reject";
	}
	if (k->revoked) {
		return "revoked (empty p=)";
	}
	if (k->type == DKIM_KEY_UNKNOWN) {
		return arena_printf(a, "key of unknown type k=%s",
		    safe_str(a, k->k));
	}
	if (k->bits == 0) {
		return arena_printf(a, "%s key that cannot be decoded",
		    dkim_key_type_name(k->type));
	}
	if (brief) {
		return arena_printf(a, "%s %u", dkim_key_type_name(k->type),
		    k->bits);
	}
	return arena_printf(a, "%s %u bits%s", dkim_key_type_name(k->type),
	    k->bits, k->testing ? ", testing" : "");
}

static void
print_selector(struct tree *t, struct arena *a, const struct dkim_selector *s,
    bool last)
{
	const struct dkim_key *k = s->key;
	const struct finding *f;

	if (k == NULL && dns_kind_is_failure(s->answer->kind)) {
		/* Whether a key is there is unknown, not "no". */
		tree_item(t, last, "%s  %slookup failed (%s)%s", s->name,
		    col_yellow(t->style.color),
		    dns_answer_cut_by_deadline(s->answer) ? "not answered "
		    "before the run's deadline" : dns_kind_name(s->answer->kind),
		    col_reset(t->style.color));
	} else if (k == NULL) {
		tree_item(t, last, "%s  %sno key (%s)%s", s->name,
		    col_red(t->style.color), dns_kind_name(s->answer->kind),
		    col_reset(t->style.color));
	} else {
		tree_item(t, last, "%s  %s", s->name, report_dkim_key_summary(a, k, false));
	}
	tree_push(t, last);
	if (s->answer->cname != NULL) {
		tree_note(t, "CNAME %s %s", t->style.ascii ? "->" : "→",
		    safe_str(a, s->answer->cname));
	}
	if (s->txt != NULL) {
		tree_note(t, "%s", text_strings(a, s->txt->strings,
		    s->txt->nstrings));
	}
	for (f = s->findings.head; f != NULL; f = f->next) {
		tree_finding(t, f);
	}
	tree_pop(t);
}

void
report_dkim_signature_text(struct tree *t, struct arena *a,
    const struct dkim_signature *sig, bool last)
{
	bool c = t->style.color;
	size_t i;

	tree_item(t, last, "d=%s s=%s a=%s  %s%s%s", safe_str(a, sig->d ?
	    sig->d : "?"), safe_str(a, sig->s ? sig->s : "?"),
	    safe_str(a, sig->a ? sig->a : "?"), sig->result ==
	    DKIM_RESULT_PASS ? col_green(c) : col_red(c),
	    dkim_result_name(sig->result), col_reset(c));
	tree_push(t, last);
	if (sig->reason != NULL) {
		tree_note(t, "why: %s", safe_str(a, sig->reason));
	}
	if (sig->key != NULL) {
		tree_note(t, "key %s: %s", safe_str(a, sig->key_name),
		    report_dkim_key_summary(a, sig->key, false));
	}
	if (sig->nsigned > 0) {
		struct strbuf sb = STRBUF_INIT;

		for (i = 0; i < sig->nsigned; i++) {
			strbuf_addf(&sb, "%s%s", i ? ", " : "",
			    sig->signed_headers[i]);
		}
		tree_note(t, "signed: %s", safe_str(a, strbuf_str(&sb)));
		tree_note(t, "c=%s%s", safe_str(a, sig->c), sig->length >= 0 ?
		    " (l= limits the body)" : "");
		strbuf_finish(&sb);
	}
	tree_pop(t);
}

/* What a probe found, never counting a failed lookup as found. */
static const char *
probe_summary(struct arena *a, const struct dkim_probe *p)
{
	if (!p->probed) {
		return "DKIM keys";
	}
	if (p->nsels == 0 && p->nfailed == p->tried) {
		return arena_printf(a, "unknown: the lookups of all %zu "
		    "common selectors failed", p->tried);
	}
	if (p->nsels == 0) {
		return arena_printf(a, "no key found at %zu common selectors%s",
		    p->tried - p->nfailed, p->nfailed ? arena_printf(a, "; the "
		    "lookups of %zu more failed", p->nfailed) : "");
	}
	return arena_printf(a, "%zu of %zu common selectors found%s",
	    p->nsels, p->tried, p->nfailed ? arena_printf(a, "; the lookups "
	    "of %zu failed", p->nfailed) : "");
}

void
report_dkim_text(FILE *f, const struct text_style *style,
    const struct dkim_probe *probe, const struct dkim_verification *v)
{
	struct arena *a = arena_create();
	struct finding_tally tally = { 0, 0, 0, VERDICT_PASS };
	struct tree t;
	size_t i;

	tree_init(&t, f, style);
	if (probe != NULL) {
		tree_note(&t, "%s%s%s  %s", col_bold(style->color),
		    safe_str(a, probe->domain), col_reset(style->color),
		    probe_summary(a, probe));
		for (i = 0; i < probe->nsels; i++) {
			print_selector(&t, a, &probe->sels[i],
			    i + 1 == probe->nsels);
			finding_tally(&probe->sels[i].findings, &tally);
		}
		finding_tally(&probe->findings, &tally);
	}
	if (v != NULL) {
		tree_note(&t, "message: %zu DKIM signature%s", v->nsigs,
		    v->nsigs == 1 ? "" : "s");
		for (i = 0; i < v->nsigs; i++) {
			report_dkim_signature_text(&t, a, &v->sigs[i],
			    i + 1 == v->nsigs);
		}
		finding_tally(&v->findings, &tally);
	}
	tree_finish(&t);
	fputc('\n', f);
	if (probe != NULL) {
		text_findings(f, style, &probe->findings);
	}
	if (v != NULL) {
		text_findings(f, style, &v->findings);
	}
	text_verdict(f, style, tally.errors, tally.warnings, tally.infos);
	arena_destroy(a);
}
