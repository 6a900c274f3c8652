/* Text output shared by every command: an indented tree with box-drawing
 * or ASCII glyphs, colours, and findings. Strings passed in must already
 * be safe (util/safe.h). */
#ifndef MAILAUTH_REPORT_TEXT_H
#define MAILAUTH_REPORT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dns/answer.h"
#include "finding.h"
#include "util/strbuf.h"

struct text_style {
	bool color;	/* ANSI colours */
	bool ascii;	/* |-- instead of ├── */
};

struct tree {
	FILE *f;
	struct text_style style;
	struct strbuf prefix;	/* glyphs of the open levels */
	size_t widths[64];	/* bytes each level added to prefix */
	size_t depth;
	size_t columns;		/* display width of prefix */
};

void tree_init(struct tree *t, FILE *f, const struct text_style *style);
void tree_finish(struct tree *t);
/* Prints one item: prefix, branch glyph, then the formatted text. */
void tree_item(struct tree *t, bool last, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints a line at the current level without a branch glyph. */
void tree_note(struct tree *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Opens the level below the last item (last: it had no later sibling). */
void tree_push(struct tree *t, bool last);
void tree_pop(struct tree *t);
/* Display width of the current prefix plus a branch glyph. */
size_t tree_item_column(const struct tree *t);

/* Prints a finding at the current level: severity, message, code, fix. */
void tree_finding(struct tree *t, const struct finding *f);
/* Prints findings at the top level of the output. */
void text_findings(FILE *f, const struct text_style *style,
    const struct finding_list *list);
/* TXT character-strings for display: each made safe and quoted, with
 * '"' and '\\' escaped as in a zone file, joined by spaces ("a" "b").
 * Allocated in the arena. */
const char *text_strings(struct arena *a, const struct dns_bytes *strings,
    size_t n);
/* Appends the addresses of an answer to sb, comma-separated, or its type
 * and outcome when it has none ("AAAA nodata"). */
void text_addresses(struct strbuf *sb, const struct dns_answer *ans);
/* Number of terminal columns s takes (UTF-8 code points). */
size_t text_width(const char *s);
/* Prints "N errors, N warnings" or "no problems found" for the lists. */
void text_verdict(FILE *f, const struct text_style *style, size_t errors,
    size_t warnings, size_t infos);

#endif
