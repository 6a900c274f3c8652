#include "check/check.h"
#include "report/check.h"
#include "report/dkim.h"
#include "report/dmarc.h"
#include "report/ptr.h"
#include "report/spf.h"
#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"
#include "util/strbuf.h"

static const char *
mark(const struct text_style *style, enum check_status s)
{
	bool c = style->color;

	switch (s) {
	case CHECK_PASS: return style->ascii ? "[ok]  " : "✓";
	case CHECK_FAIL: return style->ascii ? "[FAIL]" : "✗";
	case CHECK_WARN: return style->ascii ? "[warn]" : "!";
	case CHECK_UNKNOWN: return style->ascii ? "[?]   " : "?";
	case CHECK_INFO: break;
	}
	(void)c;
	return style->ascii ? "[info]" : "i";
}

static const char *
mark_color(const struct text_style *style, enum check_status s)
{
	switch (s) {
	case CHECK_PASS: return col_green(style->color);
	case CHECK_FAIL: return col_red(style->color);
	case CHECK_WARN:
	case CHECK_UNKNOWN: return col_yellow(style->color);
	case CHECK_INFO: break;
	}
	return col_cyan(style->color);
}

static void
print_requirement(FILE *f, const struct text_style *style,
    const struct check_requirement *q)
{
	struct strbuf codes = STRBUF_INIT;
	size_t i;

	for (i = 0; q->gmail_codes[i]; i++) {
		strbuf_addf(&codes, "%s%s", i ? ", " : "", q->gmail_codes[i]);
	}
	fprintf(f, " %s%s%s %-15s %s", mark_color(style, q->status),
	    mark(style, q->status), col_reset(style->color), q->id,
	    q->message);
	if (q->status == CHECK_FAIL && codes.len > 0) {
		fprintf(f, "  %s(Gmail: %s)%s", col_dim(style->color),
		    strbuf_str(&codes), col_reset(style->color));
	}
	fputc('\n', f);
	strbuf_finish(&codes);
}

static void
print_ips(FILE *f, struct arena *a, const struct check_result *r)
{
	char ip[IP_STRLEN];
	size_t i;

	fprintf(f, "sending IPs:");
	for (i = 0; i < r->nips; i++) {
		fprintf(f, " %s", ip_format(&r->ips[i].ip, ip));
	}
	if (r->nips == 0) {
		fprintf(f, " none");
	}
	if (r->ips_from_mx) {
		fprintf(f, " (taken from the MX hosts:");
		for (i = 0; i < r->nmx; i++) {
			fprintf(f, " %s", safe_str(a, r->mxhosts[i].host));
		}
		fprintf(f, "; give --ip for another sender)");
	}
	fputc('\n', f);
}

static void
heading(FILE *f, const struct text_style *style, const char *title)
{
	fprintf(f, "\n%s── %s%s\n", col_bold(style->color), title,
	    col_reset(style->color));
}

void
report_check_text(FILE *f, const struct text_style *style,
    const struct check_result *r)
{
	struct arena *a = arena_create();
	size_t i;

	fprintf(f, "%s%s%s: ready for Gmail? (%s)\n", col_bold(style->color),
	    safe_str(a, r->in->domain), col_reset(style->color),
	    r->in->all_senders ? "rules for all senders" :
	    "bulk-sender rules, the strictest");
	print_ips(f, a, r);
	fputc('\n', f);
	for (i = 0; i < r->nreqs; i++) {
		print_requirement(f, style, &r->reqs[i]);
	}
	heading(f, style, "SPF");
	report_spf_text(f, style, r->spf_walk);
	for (i = 0; i < r->nips; i++) {
		report_spf_eval_text(f, style, &r->ips[i].spf_input,
		    r->ips[i].spf, NULL);
	}
	heading(f, style, "DKIM");
	report_dkim_text(f, style, r->dkim, NULL);
	heading(f, style, "DMARC");
	report_dmarc_text(f, style, r->dmarc);
	for (i = 0; i < r->nips; i++) {
		heading(f, style, "PTR");
		report_ptr_text(f, style, r->ips[i].ptr);
	}
	arena_destroy(a);
}
