#include <string.h>

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
	switch (s) {
	case CHECK_PASS: return style->ascii ? "[ok]  " : "✓";
	case CHECK_FAIL: return style->ascii ? "[FAIL]" : "✗";
	case CHECK_WARN: return style->ascii ? "[warn]" : "!";
	case CHECK_UNKNOWN: return style->ascii ? "[?]   " : "?";
	case CHECK_INFO: break;
	}
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

/* Lines separated by '\n', each indented. */
static void
print_lines(FILE *f, const char *text, int indent)
{
	const char *end;

	for (; text != NULL && *text; text = *end ? end + 1 : end) {
		end = strchr(text, '\n');
		end = end ? end : text + strlen(text);
		fprintf(f, "%*s%.*s\n", indent, "", (int)(end - text), text);
	}
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
	    q->message ? q->message : "");
	if (q->code != NULL && q->status != CHECK_PASS) {
		fprintf(f, "  [%s]", q->code);
	}
	if (q->status == CHECK_FAIL && codes.len > 0) {
		fprintf(f, "  %s(Gmail: %s)%s", col_dim(style->color),
		    strbuf_str(&codes), col_reset(style->color));
	}
	fputc('\n', f);
	print_lines(f, q->details, 19);
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
	} else if (r->ips_from_mx) {
		fprintf(f, " (the MX hosts' addresses:");
		for (i = 0; i < r->nmx; i++) {
			fprintf(f, " %s", safe_str(a, r->mxhosts[i].host));
		}
		fprintf(f, "; give --ip for another sender)");
	} else {
		fprintf(f, " (given with --ip)");
	}
	fputc('\n', f);
}

static size_t
count(const struct check_result *r, enum check_status s, bool required)
{
	size_t i, n = 0;

	for (i = 0; i < r->nreqs; i++) {
		n += r->reqs[i].status == s && (r->reqs[i].required ||
		    !required);
	}
	return n;
}

/* A listing in a range that should not send mail directly (Spamhaus
 * PBL): Gmail refuses such mail whatever the verdict says, so the first
 * line names it. */
static void
print_policy_listing(FILE *f, struct arena *a, const struct check_result *r)
{
	char ip[IP_STRLEN];
	size_t i, j;

	for (i = 0; i < r->nips; i++) {
		for (j = 0; j < r->ips[i].nlistings; j++) {
			const struct check_listing *l = &r->ips[i].listings[j];

			if (l->status == DNSBL_POLICY_LISTED) {
				fprintf(f, "; but %s is on %s's list of addresses "
				    "that should not send mail directly: Gmail "
				    "refuses mail sent straight from it (see "
				    "dnsbl)", ip_format(&r->ips[i].ip, ip),
				    safe_str(a, l->zone));
				return;
			}
		}
	}
}

/* The first line: the verdict, and how many items make it. */
static void
print_verdict(FILE *f, const struct text_style *style, struct arena *a,
    const struct check_result *r)
{
	bool c = style->color;
	const char *domain = safe_str(a, r->in->domain);
	const char *rules = r->in->all_senders ? "rules for all senders" :
	    "bulk-sender rules, the strictest";
	size_t n;

	switch (r->verdict) {
	case VERDICT_PASS:
		n = count(r, CHECK_WARN, false);
		fprintf(f, "%s%sready%s: %s meets Gmail's sender requirements "
		    "(%s)%s", col_bold(c), col_green(c), col_reset(c), domain,
		    rules, n ? arena_printf(a, "; %zu warning%s below", n, n == 1 ?
		    "" : "s") : "");
		break;
	case VERDICT_FAIL:
		n = count(r, CHECK_FAIL, true);
		fprintf(f, "%s%snot-ready%s: %s is not ready for Gmail: %zu "
		    "requirement%s fail%s (%s)", col_bold(c), col_red(c),
		    col_reset(c), domain, n, n == 1 ? "" : "s", n == 1 ? "s" :
		    "", rules);
		break;
	case VERDICT_UNKNOWN:
		n = count(r, CHECK_UNKNOWN, true);
		fprintf(f, "%s%sunknown%s: mailauth could not tell whether %s is "
		    "ready for Gmail: %zu requirement%s unknown, none fails "
		    "(%s)", col_bold(c), col_yellow(c), col_reset(c), domain,
		    n, n == 1 ? "" : "s", rules);
		break;
	}
	print_policy_listing(f, a, r);
	fputc('\n', f);
}

static bool
in_fix_list(const struct check_requirement *q, int round)
{
	switch (round) {
	case 0: return q->required && q->status == CHECK_FAIL;
	case 1: return q->required && q->status == CHECK_UNKNOWN;
	default: return (q->status == CHECK_WARN || (q->status ==
	    CHECK_FAIL && !q->required)) && q->fix != NULL;
	}
}

/* The last lines: what to do, failures first, then what DNS could not
 * tell, then warnings; each with the records to publish. */
static void
print_fixes(FILE *f, const struct text_style *style,
    const struct check_result *r)
{
	size_t i, n = 0;
	int round;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < r->nreqs; i++) {
			const struct check_requirement *q = &r->reqs[i];

			if (!in_fix_list(q, round)) {
				continue;
			}
			if (n++ == 0) {
				fprintf(f, "\n%sFix these, in this order:%s\n",
				    col_bold(style->color),
				    col_reset(style->color));
			}
			fprintf(f, " %zu. %s [%s]: %s\n", n, q->id, q->code,
			    q->fix ? q->fix : q->message);
			print_lines(f, q->fix_records, 6);
		}
	}
	if (n == 0) {
		fprintf(f, "\nNothing to fix.\n");
	}
}

static void
heading(FILE *f, const struct text_style *style, const char *title)
{
	fprintf(f, "\n%s%s %s%s\n", col_bold(style->color), style->ascii ?
	    "--" : "──", title, col_reset(style->color));
}

static void
print_details(FILE *f, const struct text_style *style,
    const struct check_result *r)
{
	size_t i;

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
}

void
report_check_text(FILE *f, const struct text_style *style,
    const struct check_result *r, bool details)
{
	struct arena *a = arena_create();
	size_t i;

	print_verdict(f, style, a, r);
	print_ips(f, a, r);
	fputc('\n', f);
	for (i = 0; i < r->nreqs; i++) {
		print_requirement(f, style, &r->reqs[i]);
	}
	if (details) {
		print_details(f, style, r);
	}
	print_fixes(f, style, r);
	arena_destroy(a);
}
