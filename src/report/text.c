#include "report/text.h"

#include <stdarg.h>
#include <string.h>

#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"

static const char *
glyph(const struct tree *t, bool last)
{
	if (t->style.ascii) {
		return last ? "`-- " : "|-- ";
	}
	return last ? "└── " : "├── ";
}

void
tree_init(struct tree *t, FILE *f, const struct text_style *style)
{
	memset(t, 0, sizeof(*t));
	t->f = f;
	t->style = *style;
	strbuf_init(&t->prefix);
}

void
tree_finish(struct tree *t)
{
	strbuf_finish(&t->prefix);
}

void
tree_item(struct tree *t, bool last, const char *fmt, ...)
{
	va_list ap;

	fprintf(t->f, "%s%s%s%s", col_dim(t->style.color),
	    strbuf_str(&t->prefix), glyph(t, last),
	    col_reset(t->style.color));
	va_start(ap, fmt);
	vfprintf(t->f, fmt, ap);
	va_end(ap);
	fputc('\n', t->f);
}

void
tree_note(struct tree *t, const char *fmt, ...)
{
	va_list ap;

	fprintf(t->f, "%s%s%s", col_dim(t->style.color),
	    strbuf_str(&t->prefix), col_reset(t->style.color));
	va_start(ap, fmt);
	vfprintf(t->f, fmt, ap);
	va_end(ap);
	fputc('\n', t->f);
}

void
tree_push(struct tree *t, bool last)
{
	const char *add = last ? "    " : t->style.ascii ? "|   " : "│   ";
	size_t before = t->prefix.len;

	strbuf_adds(&t->prefix, add);
	if (t->depth < sizeof(t->widths) / sizeof(t->widths[0])) {
		t->widths[t->depth] = t->prefix.len - before;
	}
	t->depth++;
	t->columns += 4;
}

void
tree_pop(struct tree *t)
{
	if (t->depth == 0) {
		return;
	}
	t->depth--;
	if (t->depth < sizeof(t->widths) / sizeof(t->widths[0])) {
		t->prefix.len -= t->widths[t->depth];
		t->prefix.buf[t->prefix.len] = '\0';
	}
	t->columns -= 4;
}

size_t
tree_item_column(const struct tree *t)
{
	return t->columns + 4;
}

static const char *
severity_color(const struct text_style *style, enum finding_severity sev)
{
	switch (sev) {
	case FINDING_ERROR: return col_red(style->color);
	case FINDING_WARNING: return col_yellow(style->color);
	case FINDING_INFO: return col_cyan(style->color);
	}
	return "";
}

/* Writes s as safe_append() makes it: a finding's words may quote DNS
 * data, and whoever built them may not have escaped it. */
static void
put_safe(FILE *f, const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = strlen(s);

	if (safe_is_clean(s, len)) {
		fputs(s, f);
		return;
	}
	safe_append(&sb, s, len);
	fputs(strbuf_str(&sb), f);
	strbuf_finish(&sb);
}

static void
print_finding(FILE *f, const struct text_style *style, const char *prefix,
    const struct finding *fd)
{
	fprintf(f, "%s%s%s%s:%s ", prefix, severity_color(style, fd->severity),
	    col_bold(style->color), finding_severity_name(fd->severity),
	    col_reset(style->color));
	put_safe(f, fd->message);
	fprintf(f, " %s[%s]%s\n", col_dim(style->color), fd->code,
	    col_reset(style->color));
	if (fd->fix != NULL) {
		fprintf(f, "%s  %sfix:%s ", prefix, col_green(style->color),
		    col_reset(style->color));
		put_safe(f, fd->fix);
		fputc('\n', f);
	}
}

void
tree_finding(struct tree *t, const struct finding *f)
{
	print_finding(t->f, &t->style, strbuf_str(&t->prefix), f);
}

void
text_findings(FILE *f, const struct text_style *style,
    const struct finding_list *list)
{
	const struct finding *fd;

	for (fd = list->head; fd != NULL; fd = fd->next) {
		print_finding(f, style, "", fd);
	}
}

/* One string between quotes as a zone file writes it (RFC 1035 §5.1): a
 * '"' or '\\' inside is escaped, so that the record shown pastes back;
 * the rest is made safe as everywhere. */
static void
quoted_append(struct strbuf *sb, const struct dns_bytes *s)
{
	size_t from = 0, i;

	for (i = 0; i < s->len; i++) {
		if (s->data[i] == '"' || s->data[i] == '\\') {
			safe_append(sb, s->data + from, i - from);
			strbuf_addc(sb, '\\');
			strbuf_addc(sb, (char)s->data[i]);
			from = i + 1;
		}
	}
	safe_append(sb, s->data + from, s->len - from);
}

const char *
text_strings(struct arena *a, const struct dns_bytes *strings, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	const char *out;
	size_t i;

	for (i = 0; i < n; i++) {
		strbuf_adds(&sb, i ? " \"" : "\"");
		quoted_append(&sb, &strings[i]);
		strbuf_addc(&sb, '"');
	}
	out = arena_memdup(a, strbuf_str(&sb), sb.len);
	strbuf_finish(&sb);
	return out;
}

void
text_addresses(struct strbuf *sb, const struct dns_answer *ans)
{
	char buf[IP_STRLEN];
	size_t i;

	if (ans == NULL) {
		return;
	}
	if (ans->kind != DNS_ANS_RECORDS) {
		strbuf_addf(sb, "%s%s %s", sb->len ? ", " : "",
		    dns_type_name(ans->type), dns_kind_name(ans->kind));
		return;
	}
	for (i = 0; i < ans->count; i++) {
		strbuf_addf(sb, "%s%s", sb->len ? ", " : "",
		    ip_format(&ans->addrs[i], buf));
	}
}

size_t
text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		n += ((unsigned char)*s & 0xc0) != 0x80;
	}
	return n;
}

void
text_verdict(FILE *f, const struct text_style *style, size_t errors,
    size_t warnings, size_t infos)
{
	if (errors == 0 && warnings == 0) {
		fprintf(f, "%s%s%s%s\n", col_green(style->color),
		    style->ascii ? "ok: " : "✓ ", "no problems found",
		    col_reset(style->color));
		return;
	}
	fprintf(f, "%s%zu error%s%s, %s%zu warning%s%s", errors ?
	    col_red(style->color) : "", errors, errors == 1 ? "" : "s",
	    col_reset(style->color), warnings ? col_yellow(style->color) :
	    "", warnings, warnings == 1 ? "" : "s", col_reset(style->color));
	if (infos > 0) {
		fprintf(f, ", %zu note%s", infos, infos == 1 ? "" : "s");
	}
	fputc('\n', f);
}
