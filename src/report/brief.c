#include "report/brief.h"

#include <string.h>

#include "util/color.h"

void
brief_tally_add(struct brief_tally *t, const struct finding_list *list)
{
	const struct finding *f;
	size_t i;

	for (f = list->head; f != NULL; f = f->next) {
		size_t s = (size_t)f->severity;

		t->count[s]++;
		for (i = 0; i < t->ncodes[s] &&
		    strcmp(t->codes[s][i], f->code) != 0; i++) {
		}
		if (i < t->ncodes[s]) {
			continue;
		}
		if (t->ncodes[s] == BRIEF_CODES) {
			t->more[s] = true;
		} else {
			t->codes[s][t->ncodes[s]++] = f->code;
		}
	}
}

static const char *
verdict_color(bool on, const char *verdict)
{
	if (strcmp(verdict, "pass") == 0 || strcmp(verdict, "ready") == 0) {
		return col_green(on);
	}
	if (strcmp(verdict, "unknown") == 0 ||
	    strcmp(verdict, "temperror") == 0) {
		return col_yellow(on);
	}
	return col_red(on);
}

void
brief_verdict(FILE *f, const struct text_style *style, const char *subject,
    const char *verdict)
{
	fprintf(f, "%s: %s%s%s\n", subject, verdict_color(style->color,
	    verdict), verdict, col_reset(style->color));
}

/* "2 errors (code, code)": one and many name the severity s. */
static void
print_severity(FILE *f, const struct brief_tally *t, const char *one,
    const char *many, size_t s)
{
	size_t i;

	fprintf(f, "%zu %s", t->count[s], t->count[s] == 1 ? one : many);
	for (i = 0; i < t->ncodes[s]; i++) {
		fprintf(f, "%s%s", i ? ", " : " (", t->codes[s][i]);
	}
	fprintf(f, "%s", t->ncodes[s] == 0 ? "" : t->more[s] ? ", ...)" :
	    ")");
}

void
brief_findings(FILE *f, const struct text_style *style,
    const struct brief_tally *t)
{
	bool c = style->color;

	if (t->count[FINDING_ERROR] == 0 && t->count[FINDING_WARNING] == 0) {
		fprintf(f, "%sno problems found%s", col_green(c),
		    col_reset(c));
	} else {
		fputs(t->count[FINDING_ERROR] ? col_red(c) : "", f);
		print_severity(f, t, "error", "errors", FINDING_ERROR);
		fprintf(f, "%s, %s", col_reset(c), t->count[FINDING_WARNING] ?
		    col_yellow(c) : "");
		print_severity(f, t, "warning", "warnings",
		    FINDING_WARNING);
		fputs(col_reset(c), f);
	}
	if (t->count[FINDING_INFO] > 0) {
		fputs(", ", f);
		print_severity(f, t, "note", "notes", FINDING_INFO);
	}
	fputc('\n', f);
}
