#include <stdio.h>
#include <string.h>

#include "arc/arc.h"
#include "message/message.h"
#include "report/dkim.h"
#include "report/message.h"
#include "report/spf.h"
#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"
#include "util/strbuf.h"

struct out {
	FILE *f;
	const struct text_style *style;
	struct arena *a;
	struct tree t;
};

static const char *
s(struct out *o, const char *text)
{
	return text ? safe_str(o->a, text) : "-";
}

static const char *
source(enum message_source src)
{
	const char *name = message_source_name(src);

	return name ? name : "not found";
}

static const char *
verdict_color(struct out *o, const char *result)
{
	bool c = o->style->color;

	if (result == NULL) {
		return col_yellow(c);
	}
	if (strcmp(result, "pass") == 0) {
		return col_green(c);
	}
	return strcmp(result, "none") == 0 || strcmp(result, "neutral") == 0 ?
	    col_yellow(c) : col_red(c);
}

static void
heading(struct out *o, const char *title, const char *result,
    const char *rest)
{
	bool c = o->style->color;

	fprintf(o->f, "\n%s%s%s", col_bold(c), title, col_reset(c));
	if (result != NULL) {
		fprintf(o->f, "  %s%s%s", verdict_color(o, result), result,
		    col_reset(c));
	}
	fprintf(o->f, "%s\n", rest ? rest : "");
}

static void
print_hop(struct out *o, const struct received *h)
{
	struct tree *t = &o->t;
	char ip[IP_STRLEN];

	tree_item(t, false, "%-10s from %s%s%s [%s] by %s%s%s", "hop",
	    s(o, h->helo), h->rdns ? " rdns " : "", h->rdns ? s(o, h->rdns) :
	    "", ip_format(&h->ip, ip), s(o, h->by), h->with ? " with " : "",
	    h->with ? s(o, h->with) : "");
	if (h->tls_version != NULL) {
		tree_item(t, true, "%-10s %s%s%s (the client's outbound TLS)",
		    "TLS", s(o, h->tls_version), h->tls_cipher ? ", " : "",
		    h->tls_cipher ? s(o, h->tls_cipher) : "");
	} else {
		tree_item(t, true, "%-10s %s", "TLS", h->tls ? "yes (the "
		    "protocol says so; no version recorded)" : "none recorded");
	}
}

static void
print_context(struct out *o, const struct message_result *r)
{
	const struct message_context *c = &r->ctx;
	const struct received *hop = message_context_hop(c);
	struct tree *t = &o->t;
	char ip[IP_STRLEN];

	heading(o, "SMTP context", NULL, hop ? arena_printf(o->a, "  (Received "
	    "%ld of %zu is the receiving boundary)", c->boundary + 1,
	    c->nhops) : c->nhops == 0 ? "  (the message has no Received "
	    "field)" : arena_printf(o->a, "  (none of its %zu Received "
	    "fields has a public client address)", c->nhops));
	tree_item(t, false, "%-10s %s  (%s)", "client IP", c->has_ip ?
	    ip_format(&c->ip, ip) : "unknown", source(c->ip_source));
	tree_item(t, false, "%-10s %s  (%s)", "HELO", c->helo ? s(o, c->helo) :
	    "unknown", source(c->helo_source));
	tree_item(t, hop == NULL, "%-10s %s  (%s)", "MAIL FROM", c->sender ==
	    NULL ? "unknown" : c->sender[0] ? s(o, c->sender) : "<>",
	    source(c->sender_source));
	if (hop != NULL) {
		print_hop(o, hop);
	}
}

static void
print_spf(struct out *o, const struct message_result *r)
{
	if (r->spf == NULL) {
		heading(o, "SPF", NULL, r->spf_skip == MESSAGE_SPF_NO_IP ?
		    "  not evaluated: the client IP is unknown (--ip)" :
		    "  not evaluated: the MAIL FROM is unknown (--sender)");
		return;
	}
	/* The verdict starts on the next line, as spf --ip prints it. */
	fprintf(o->f, "\n%sSPF%s", col_bold(o->style->color),
	    col_reset(o->style->color));
	report_spf_eval_text(o->f, o->style, &r->spf_input, r->spf, NULL);
}

static const char *
alignment_text(struct out *o, const struct dmarc_ident *id)
{
	if (id->alignment == DMARC_ALIGN_UNKNOWN) {
		return "alignment unknown (DNS failure)";
	}
	if (id->alignment == DMARC_ALIGN_NONE) {
		return "not aligned (another organization)";
	}
	return arena_printf(o->a, "%s (%s)", id->aligned ? "aligned" :
	    "not aligned: strict alignment wanted", dmarc_alignment_name(
	    id->alignment));
}

static void
print_dkim(struct out *o, const struct message_result *r)
{
	struct tree *t = &o->t;
	size_t i;

	heading(o, "DKIM", NULL, r->dkim->nsigs == 0 ? "  no signature" :
	    arena_printf(o->a, "  %zu signature%s", r->dkim->nsigs,
	    r->dkim->nsigs == 1 ? "" : "s"));
	for (i = 0; i < r->dkim->nsigs; i++) {
		bool last = i + 1 == r->dkim->nsigs;

		report_dkim_signature_text(t, o->a, &r->dkim->sigs[i], last);
		tree_push(t, last);
		if (r->author.domain != NULL) {
			tree_note(t, "From %s: %s", s(o, r->author.domain),
			    alignment_text(o, &r->dkim_idents[i]));
		}
		tree_pop(t);
	}
}

static void
print_policy(struct out *o, const struct message_result *r)
{
	const struct dmarc_result *d = r->dmarc;
	const struct dmarc_eval *e = &r->eval;

	if (d->policy_step == NULL || d->fallback == DMARC_FALLBACK_IGNORED) {
		tree_item(&o->t, false, "%-11s %s", "policy", d->walk_failed ?
		    "unknown (the DNS tree walk failed)" : d->policy_step ?
		    "the record's policy is invalid and it has no rua=: "
		    "DMARC does not apply (RFC 9989 §4.10.1)" : "no DMARC "
		    "record (DMARC does not apply)");
		return;
	}
	tree_item(&o->t, false, "%-11s %s: %s=%s%s%s, adkim=%c, aspf=%c",
	    "policy", s(o, d->policy_step->name), e->policy_tag,
	    dmarc_policy_name(e->policy), e->testing ? " (t=y: one level "
	    "lower)" : "", d->fallback == DMARC_FALLBACK_NONE ? " (an invalid "
	    "policy read as none, RFC 9989 §4.10.1)" : "", d->adkim, d->aspf);
}

static void
print_dmarc(struct out *o, const struct message_result *r)
{
	const struct dmarc_eval *e = &r->eval;
	struct tree *t = &o->t;
	size_t i;

	heading(o, "DMARC", dmarc_verdict_name(e->result), e->result ==
	    DMARC_FAIL ? arena_printf(o->a, "  the policy asks for %s%s",
	    dmarc_policy_name(e->disposition), r->spf == NULL ? " (SPF was "
	    "not evaluated: an aligned SPF pass would change this)" : "") :
	    NULL);
	if (r->author.domain == NULL) {
		tree_item(t, true, "%-11s %s", "From", s(o, r->author.error));
		return;
	}
	tree_item(t, false, "%-11s %s (Organizational Domain %s)",
	    "From domain", s(o, r->author.domain), s(o, r->dmarc->org_domain));
	print_policy(o, r);
	if (r->spf_ident.domain != NULL) {
		tree_item(t, false, "%-11s %s: %s, %s", "SPF",
		    s(o, r->spf_ident.domain), spf_result_name(r->spf->result),
		    alignment_text(o, &r->spf_ident));
	} else {
		tree_item(t, false, "%-11s not evaluated", "SPF");
	}
	for (i = 0; i < r->dkim->nsigs; i++) {
		tree_item(t, false, "%-11s d=%s: %s, %s", "DKIM",
		    s(o, r->dkim->sigs[i].d), dkim_result_name(
		    r->dkim->sigs[i].result), alignment_text(o,
		    &r->dkim_idents[i]));
	}
	if (e->result_7489 == e->result && (e->result != DMARC_FAIL ||
	    e->disposition_7489 == e->disposition)) {
		tree_item(t, true, "%-11s the same result (Public Suffix List "
		    "Organizational Domain %s)", "RFC 7489",
		    s(o, r->dmarc->org_domain_psl));
	} else if (e->result_7489 == e->result) {
		tree_item(t, true, "%-11s fail too, but the policy asks for %s, "
		    "not %s%s (Public Suffix List Organizational Domain %s)",
		    "RFC 7489", dmarc_policy_name(e->disposition_7489),
		    dmarc_policy_name(e->disposition), e->policy_tag &&
		    strcmp(e->policy_tag, "np") == 0 ? ": RFC 7489 has no np, "
		    "it reads sp or p" : "", s(o, r->dmarc->org_domain_psl));
	} else {
		tree_item(t, true, "%-11s %s%s (Public Suffix List "
		    "Organizational Domain %s)", "RFC 7489",
		    dmarc_verdict_name(e->result_7489), e->result_7489 ==
		    DMARC_FAIL ? arena_printf(o->a, ", %s", dmarc_policy_name(
		    e->disposition_7489)) : "", s(o, r->dmarc->org_domain_psl));
	}
}

static const char *
results_line(struct out *o, const struct authres *ar)
{
	struct strbuf sb = STRBUF_INIT;
	const char *out;
	size_t i;

	for (i = 0; i < ar->nresults; i++) {
		strbuf_addf(&sb, "%s%s=%s", i ? ", " : "",
		    ar->results[i].method, ar->results[i].result);
	}
	out = s(o, sb.len ? strbuf_str(&sb) : "no results");
	strbuf_finish(&sb);
	return out;
}

static const char *
check_text(struct out *o, const struct arc_sig *sig)
{
	const char *name = arc_check_name(sig->check);

	if (name == NULL) {
		return "not checked";
	}
	return sig->reason ? arena_printf(o->a, "%s (%s)", name,
	    s(o, sig->reason)) : name;
}

static void
print_arc(struct out *o, const struct message_result *r)
{
	const struct arc_result *arc = r->arc;
	struct tree *t = &o->t;
	unsigned k;

	heading(o, "ARC", arc_chain_name(arc->chain), arc->n == 0 ? NULL :
	    arena_printf(o->a, "  %u instance%s%s", arc->n, arc->n == 1 ? "" :
	    "s", arc->oldest_pass >= 0 ? arena_printf(o->a, ", oldest_pass "
	    "%d", arc->oldest_pass) : ""));
	if (arc->reason != NULL) {
		tree_note(t, "why: %s", s(o, arc->reason));
	}
	for (k = arc->nsets; k >= 1; k--) {
		const struct arc_set *set = &arc->sets[k - 1];
		bool last = k == 1;

		tree_item(t, last, "i=%u %s", k, s(o, set->aar.authserv_id ?
		    set->aar.authserv_id : "(no ARC-Authentication-Results)"));
		tree_push(t, last);
		tree_note(t, "seal d=%s s=%s cv=%s: %s", s(o, set->seal.d),
		    s(o, set->seal.s), s(o, set->seal.cv),
		    check_text(o, &set->seal));
		tree_note(t, "message signature d=%s s=%s: %s", s(o, set->ams.d),
		    s(o, set->ams.s), check_text(o, &set->ams));
		if (set->aar_header != NULL) {
			tree_note(t, "it saw: %s", results_line(o, &set->aar));
		}
		tree_pop(t);
	}
}

static void
print_receiver(struct out *o, const struct message_result *r)
{
	const struct receiver_view *v = &r->receiver;
	struct tree *t = &o->t;
	size_t i;

	if (!v->found) {
		heading(o, "Receiver", NULL, "  no Authentication-Results "
		    "written by the receiver");
		return;
	}
	heading(o, "Receiver", NULL, arena_printf(o->a, "  %s (%s)",
	    s(o, v->authserv_id ? v->authserv_id : "no authserv-id"),
	    s(o, v->matched_by)));
	tree_item(t, v->ndiffs == 0, "%s%s%s", results_line(o, &v->results),
	    v->disposition ? ", disposition " : "", v->disposition ?
	    s(o, v->disposition) : "");
	if (v->ndiffs == 0) {
		return;
	}
	tree_item(t, true, "differs from mailauth");
	tree_push(t, true);
	for (i = 0; i < v->ndiffs; i++) {
		const struct receiver_diff *d = &v->diffs[i];

		tree_item(t, i + 1 == v->ndiffs, "%s%s%s: receiver %s, mailauth "
		    "%s", d->method, d->subject ? " " : "", d->subject ?
		    s(o, d->subject) : "", s(o, d->theirs ? d->theirs : "none"),
		    s(o, d->ours ? d->ours : "none"));
		tree_push(t, i + 1 == v->ndiffs);
		tree_note(t, "likely: %s", s(o, d->cause));
		tree_pop(t);
	}
	tree_pop(t);
}

/* Findings carry text from the message: made safe before printing. */
static void
print_findings(struct out *o, const struct finding_list *list,
    struct finding_tally *tally)
{
	struct finding_list safe = { NULL, NULL, 0, NULL };
	const struct finding *f;

	for (f = list->head; f != NULL; f = f->next) {
		finding_add(o->a, &safe, f->severity, f->code, f->fix ?
		    safe_str(o->a, f->fix) : NULL, "%s", safe_str(o->a,
		    f->message));
	}
	text_findings(o->f, o->style, &safe);
	finding_tally(list, tally);
}

/* A copy of the field with every string made safe, so that only the
 * folding mailauth adds is raw. */
static struct authres
safe_authres(struct arena *a, const struct authres *ar)
{
	struct authres out = *ar;
	size_t i, k;

	out.authserv_id = ar->authserv_id ? safe_str(a, ar->authserv_id) :
	    NULL;
	out.results = arena_calloc(a, ar->nresults + 1, sizeof(*out.results));
	for (i = 0; i < ar->nresults; i++) {
		const struct authres_result *r = &ar->results[i];
		struct authres_result *c = &out.results[i];

		c->method = safe_str(a, r->method);
		c->result = safe_str(a, r->result);
		c->reason = r->reason ? safe_str(a, r->reason) : NULL;
		c->comment = r->comment ? safe_str(a, r->comment) : NULL;
		c->props = arena_calloc(a, r->nprops + 1, sizeof(*c->props));
		c->nprops = r->nprops;
		for (k = 0; k < r->nprops; k++) {
			c->props[k].ptype = safe_str(a, r->props[k].ptype);
			c->props[k].property = safe_str(a,
			    r->props[k].property);
			c->props[k].value = safe_str(a, r->props[k].value);
		}
	}
	return out;
}

void
report_message_authres(FILE *f, const struct message_result *r)
{
	struct arena *a = arena_create();
	struct authres safe = safe_authres(a, &r->ours);

	fprintf(f, "Authentication-Results: %s\n", authres_format(a, &safe,
	    "\n\t"));
	arena_destroy(a);
}

void
report_message_text(FILE *f, const struct text_style *style,
    const struct message_result *r)
{
	struct out o = { f, style, arena_create(), { 0 } };
	struct finding_tally tally = { 0, 0, 0, VERDICT_PASS };

	tree_init(&o.t, f, style);
	fprintf(f, "%sFrom:%s %s\n", col_bold(style->color),
	    col_reset(style->color), r->author.nboxes ? s(&o,
	    r->author.boxes[0].addr) : "(none)");
	print_context(&o, r);
	print_spf(&o, r);
	print_dkim(&o, r);
	print_dmarc(&o, r);
	print_arc(&o, r);
	print_receiver(&o, r);
	fputc('\n', f);
	report_message_authres(f, r);
	fputc('\n', f);
	print_findings(&o, &r->dkim->findings, &tally);
	print_findings(&o, &r->findings, &tally);
	text_verdict(f, style, tally.errors, tally.warnings, tally.infos);
	tree_finish(&o.t);
	arena_destroy(o.a);
}
