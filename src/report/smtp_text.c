#include <string.h>

#include "dns/txt.h"
#include "report/smtp.h"
#include "smtp/smtp.h"
#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"
#include "util/strbuf.h"

/* Lines of one address, counted first so the last gets └──. */
struct lines {
	struct tree *t;
	struct arena *a;
	size_t left;
};

static void
item(struct lines *l, const char *fmt, const char *text)
{
	l->left--;
	tree_item(l->t, l->left == 0, fmt, text);
}

static const char *
extensions(struct arena *a, const struct smtp_extension *ext, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	const char *out;
	size_t i;

	for (i = 0; i < n; i++) {
		strbuf_adds(&sb, i ? ", " : "");
		safe_append(&sb, ext[i].keyword, strlen(ext[i].keyword));
		if (ext[i].params[0]) {
			strbuf_addc(&sb, ' ');
			safe_append(&sb, ext[i].params, strlen(ext[i].params));
		}
	}
	out = arena_strdup(a, n ? strbuf_str(&sb) : "no extensions");
	strbuf_finish(&sb);
	return out;
}

static const char *
ptr_line(struct arena *a, const struct smtp_addr *ad)
{
	const char *out = NULL;
	size_t i;

	if (ad->ptr == NULL) {
		return NULL;
	}
	if (ad->ptr->nnames == 0) {
		return arena_printf(a, "PTR %s", dns_kind_name(
		    ad->ptr->answer->kind));
	}
	for (i = 0; i < ad->ptr->nnames; i++) {
		const struct ptr_name *n = &ad->ptr->names[i];

		out = arena_printf(a, "%s%s%s%s", out ? out : "PTR ",
		    out ? ", " : "", safe_str(a, n->name),
		    n->forward_confirmed ? " (forward-confirmed)" :
		    " (not confirmed)");
	}
	return out;
}

static void
print_cert(struct lines *l, const struct smtp_addr *ad)
{
	struct tree *t = l->t;
	struct arena *a = l->a;
	const struct smtp_cert_info *c = &ad->cert;
	const char *names = NULL;
	bool col = t->style.color;
	size_t i;

	item(l, "%s", arena_printf(a, "certificate %s, issued by %s",
	    safe_str(a, c->subject), safe_str(a, c->issuer)));
	tree_push(t, l->left == 0);
	for (i = 0; i < c->nnames; i++) {
		names = names ? arena_printf(a, "%s, %s", names, c->names[i]) :
		    c->names[i];
	}
	tree_item(t, false, "names %s", names ? safe_str(a, names) : "none");
	tree_item(t, false, "expires %s (%s%lld days%s)", c->not_after,
	    ad->days_left < 14 ? col_red(col) : "", ad->days_left,
	    col_reset(col));
	tree_item(t, true, "chain %s%s%s, name %s", ad->chain_verified ?
	    col_green(col) : col_red(col), ad->chain_verified ? "verified" :
	    arena_printf(a, "not verified (%s)", safe_str(a,
	    ad->session.verify_error ? ad->session.verify_error : "?")),
	    col_reset(col), ad->name_matches == VERDICT_UNKNOWN ? "not "
	    "checked (no host name)" : ad->name_matches == VERDICT_PASS ?
	    "matches" : "does not match");
	tree_pop(t);
}

static size_t
count_lines(const struct smtp_addr *ad, const struct smtp_host *h)
{
	const struct smtp_session *s = &ad->session;

	return (ad->ptr != NULL) + (s->banner != NULL) + (s->ehlo != NULL) +
	    (s->ehlo != NULL && s->ehlo->code == 250) + ad->have_cert +
	    (s->ehlo_tls != NULL) + (ad->tlsa != NULL ? h->tlsa->count : 0);
}

static void
print_session(struct lines *l, const struct smtp_host *h,
    const struct smtp_addr *ad)
{
	const struct smtp_session *s = &ad->session;
	struct arena *a = l->a;
	const struct finding *f;
	size_t i;

	if (ad->ptr != NULL) {
		item(l, "%s", ptr_line(a, ad));
	}
	if (s->banner != NULL) {
		item(l, "%s", arena_printf(a, "%d %s", s->banner->code,
		    s->banner->nlines ? safe_str(a, s->banner->lines[0]) : ""));
	}
	if (s->ehlo != NULL) {
		item(l, "%s", s->ehlo->code == 250 ? arena_printf(a,
		    "EHLO: %s", extensions(a, ad->ext, ad->next)) :
		    arena_printf(a, "EHLO: %d %s", s->ehlo->code,
		    s->ehlo->nlines ? safe_str(a, s->ehlo->lines[0]) : ""));
	}
	if (s->ehlo != NULL && s->ehlo->code == 250) {
		item(l, "%s", !s->starttls_offered ? "STARTTLS: not offered" :
		    s->tls_done ? arena_printf(a, "STARTTLS: %s, %s",
		    s->tls_version, s->tls_cipher) : s->starttls &&
		    s->starttls->code != 220 ? arena_printf(a, "STARTTLS: "
		    "refused (%d)", s->starttls->code) : "STARTTLS: failed");
	}
	if (ad->have_cert) {
		print_cert(l, ad);
	}
	if (s->ehlo_tls != NULL) {
		item(l, "%s", arena_printf(a, "EHLO over TLS: %s",
		    extensions(a, ad->ext_tls, ad->next_tls)));
	}
	for (i = 0; ad->tlsa != NULL && i < h->tlsa->count; i++) {
		const struct dns_tlsa *t = &h->tlsa->tlsa[i];

		item(l, "%s", arena_printf(a, "TLSA %u %u %u: %s, %s",
		    t->usage, t->selector, t->mtype,
		    tlsa_outcome_name(ad->tlsa[i].outcome), ad->tlsa[i].why));
	}
	for (f = ad->findings.head; f != NULL; f = f->next) {
		tree_finding(l->t, f);
	}
}

static const char *
connect_text(struct arena *a, const struct smtp_session *s)
{
	switch (s->connect) {
	case SMTP_CONNECT_OK:
		return arena_printf(a, "connected in %.0f ms", s->connect_ms);
	case SMTP_CONNECT_NOT_TRIED:
		return "not tried";
	default:
		return arena_printf(a, "%s (%s)", smtp_connect_name(s->connect),
		    s->connect_error ? safe_str(a, s->connect_error) : "");
	}
}

static void
print_addr(struct tree *t, struct arena *a, const struct smtp_result *r,
    const struct smtp_host *h, const struct smtp_addr *ad, bool last)
{
	struct lines l = { t, a, count_lines(ad, h) };
	char ip[IP_STRLEN];

	tree_item(t, last, "%s%s%s port %u  %s", ad->ip.family == AF_INET6 ?
	    "[" : "", ip_format(&ad->ip, ip), ad->ip.family == AF_INET6 ?
	    "]" : "", r->in->port, connect_text(a, &ad->session));
	tree_push(t, last);
	print_session(&l, h, ad);
	tree_pop(t);
}

static void
print_host(struct tree *t, struct arena *a, const struct smtp_result *r,
    const struct smtp_host *h, bool last)
{
	const struct finding *f;
	size_t i;
	bool col = t->style.color;

	if (h->name != NULL) {
		struct strbuf sb = STRBUF_INIT;

		text_addresses(&sb, h->a4);
		text_addresses(&sb, h->a6);
		tree_item(t, last, "%s%s%s  %s  %s", col_bold(col), h->name,
		    col_reset(col), h->implicit ? "(no MX: the domain itself)"
		    : arena_printf(a, "MX %u", h->preference),
		    arena_strdup(a, strbuf_str(&sb)));
		strbuf_finish(&sb);
		tree_push(t, last);
	}
	if (h->tlsa != NULL) {
		tree_note(t, "TLSA _25._tcp.%s: %s%s", h->name,
		    h->tlsa->kind == DNS_ANS_RECORDS ? arena_printf(a,
		    "%zu record%s", h->tlsa->count, h->tlsa->count == 1 ? "" :
		    "s") : dns_kind_name(h->tlsa->kind),
		    h->tlsa->kind == DNS_ANS_RECORDS ? (h->tlsa->ad ?
		    " (AD bit set: validated by the resolver)" : " (no AD "
		    "bit: not validated, DANE does not apply)") : "");
	}
	for (f = h->findings.head; f != NULL; f = f->next) {
		tree_finding(t, f);
	}
	for (i = 0; i < h->naddrs; i++) {
		print_addr(t, a, r, h, &h->addrs[i], i + 1 == h->naddrs);
	}
	if (h->name != NULL) {
		tree_pop(t);
	}
}

/* The heading of a TXT lookup: the record found, or what the answer
 * was; with no single record of its kind, every TXT record at the name
 * follows, one a line. */
static void
print_txt(struct tree *t, struct arena *a, const char *what,
    const char *name, const char *record, const struct dns_answer *ans)
{
	size_t i, len;

	if (record != NULL) {
		tree_note(t, "%s  %s  \"%s\"", what, name, safe_str(a, record));
		return;
	}
	tree_note(t, "%s  %s  %s", what, name, ans->kind == DNS_ANS_RECORDS ?
	    arena_printf(a, "%zu TXT record%s, no single %s record:",
	    ans->count, ans->count == 1 ? "" : "s", what) :
	    dns_kind_name(ans->kind));
	for (i = 0; ans->kind == DNS_ANS_RECORDS && i < ans->count; i++) {
		const char *text = dns_txt_join(a, &ans->txt[i], &len);

		tree_note(t, "  \"%s\"", safe_text(a, text, len));
	}
}

static void
print_sts(struct tree *t, struct arena *a, const struct smtp_result *r)
{
	const struct smtp_mta_sts *s = &r->sts;
	const struct finding *f;
	size_t i;

	print_txt(t, a, "MTA-STS", arena_printf(a, "_mta-sts.%s", r->in->name),
	    s->record, s->txt);
	if (s->fetch.host != NULL) {
		const struct https_fetch *fe = &s->fetch;

		tree_item(t, !s->have_policy, "policy %s: %s",
		    https_fetch_url(a, fe),
		    fe->transferred ? arena_printf(a, "HTTP %ld %s",
		    fe->status, fe->content_type ? safe_str(a,
		    fe->content_type) : "") : fe->error ? safe_str(a,
		    fe->error) : "not fetched");
	}
	if (s->have_policy) {
		const char *mx = NULL;

		for (i = 0; i < s->policy.nmx; i++) {
			mx = mx ? arena_printf(a, "%s, %s", mx,
			    s->policy.mx[i]) : s->policy.mx[i];
		}
		tree_item(t, s->mx_match == VERDICT_UNKNOWN, "mode %s, "
		    "max_age %ld, mx %s%s", mta_sts_mode_name(s->policy.mode),
		    s->policy.max_age, mx ? safe_str(a, mx) : "none",
		    s->policy_valid ? "" : ": not valid, senders apply none");
		if (s->mx_match != VERDICT_UNKNOWN) {
			tree_item(t, true, "%s", s->mx_match == VERDICT_PASS ?
			    "every MX host matches the policy" : "an MX host "
			    "matches no mx line");
		}
	}
	for (f = s->findings.head; f != NULL; f = f->next) {
		tree_finding(t, f);
	}
}

static void
print_rpt(struct tree *t, struct arena *a, const struct smtp_result *r)
{
	const struct finding *f;

	print_txt(t, a, "TLS-RPT", arena_printf(a, "_smtp._tls.%s",
	    r->in->name), r->rpt.record, r->rpt.txt);
	for (f = r->rpt.findings.head; f != NULL; f = f->next) {
		tree_finding(t, f);
	}
}

void
report_smtp_text(FILE *f, const struct text_style *style,
    const struct smtp_result *r)
{
	struct arena *a = arena_create();
	struct tree t;
	size_t i;
	bool col = style->color;

	tree_init(&t, f, style);
	if (r->in->name != NULL) {
		tree_note(&t, "%s%s%s  %s", col_bold(col), r->in->name,
		    col_reset(col), r->mx == NULL ? "" : r->null_mx ?
		    "null MX" : r->mx->kind == DNS_ANS_RECORDS ?
		    arena_printf(a, "%zu MX", r->mx->count) :
		    arena_printf(a, "MX %s", dns_kind_name(r->mx->kind)));
	}
	for (i = 0; i < r->nhosts; i++) {
		print_host(&t, a, r, &r->hosts[i], i + 1 == r->nhosts);
	}
	if (r->in->name != NULL && r->sts.txt != NULL) {
		fputc('\n', f);
		print_sts(&t, a, r);
		print_rpt(&t, a, r);
	}
	tree_finish(&t);
	fputc('\n', f);
	text_findings(f, style, &r->findings);
	fprintf(f, "result: %s\n", verdict_name(r->verdict));
	text_verdict(f, style, smtp_count(r, FINDING_ERROR),
	    smtp_count(r, FINDING_WARNING), smtp_count(r, FINDING_INFO));
	arena_destroy(a);
}
