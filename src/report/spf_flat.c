#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "report/json.h"
#include "report/spf.h"
#include "spf/flatten.h"
#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"

#define STALE_WARNING "a flattened record goes stale when a provider " \
	"changes its networks: re-run --flatten regularly, or keep the " \
	"includes"

/* The outcome in one line: "flatten: refused: why", "flatten: unknown:
 * why", or "flattened: 2 records, 1 lookup instead of 5 (...)" ending
 * with tail. Returns false when there are no records to show. */
static bool
print_outcome(FILE *f, const struct text_style *style,
    const struct spf_flat *flat, const char *tail)
{
	struct arena *a = arena_create();
	bool made = flat->refused == NULL && flat->unknown == NULL;

	if (!made) {
		fprintf(f, "%sflatten: %s:%s %s\n", flat->refused ?
		    col_red(style->color) : col_yellow(style->color),
		    flat->refused ? "refused" : "unknown",
		    col_reset(style->color), safe_str(a, flat->refused ?
		    flat->refused : flat->unknown));
	} else {
		fprintf(f, "%sflattened%s: %zu record%s, %u lookup%s instead "
		    "of %u (%zu network%s from %zu)%s\n",
		    col_bold(style->color), col_reset(style->color),
		    flat->nrecords, flat->nrecords == 1 ? "" : "s",
		    flat->lookups, flat->lookups == 1 ? "" : "s",
		    flat->lookups_before, flat->nets.n,
		    flat->nets.n == 1 ? "" : "s", flat->terms_in, tail);
	}
	arena_destroy(a);
	return made;
}

void
report_spf_flat_brief(FILE *f, const struct text_style *style,
    const struct spf_flat *flat)
{
	print_outcome(f, style, flat, ": run without --brief for them");
}

void
report_spf_flat_text(FILE *f, const struct text_style *style,
    const struct spf_flat *flat)
{
	struct arena *a;
	size_t i, width = 0;

	fputc('\n', f);
	if (!print_outcome(f, style, flat, "; publish:")) {
		return;
	}
	a = arena_create();
	for (i = 0; i < flat->nrecords; i++) {
		size_t len = strlen(flat->records[i].name) + 1;

		width = len > width ? len : width;
	}
	for (i = 0; i < flat->nrecords; i++) {
		const struct spf_flat_record *r = &flat->records[i];

		fprintf(f, "  %s.%*s  IN TXT %s\n", safe_str(a, r->name),
		    (int)(width - strlen(r->name) - 1), "",
		    safe_str(a, r->zone));
	}
	if (flat->nkept > 0) {
		fputs("kept as they are:\n", f);
	}
	for (i = 0; i < flat->nkept; i++) {
		fprintf(f, "  %s  (%s)\n", safe_str(a, flat->kept[i].term),
		    safe_str(a, flat->kept[i].why));
	}
	for (i = 0; i < flat->nwarnings; i++) {
		fprintf(f, "%swarning:%s %s\n", col_yellow(style->color),
		    col_reset(style->color), safe_str(a, flat->warnings[i]));
	}
	fprintf(f, "%swarning:%s %s\n", col_yellow(style->color),
	    col_reset(style->color), STALE_WARNING);
	arena_destroy(a);
}

static cJSON *
strings_json(const struct spf_flat_record *r)
{
	cJSON *strings = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < r->nstrings; i++) {
		cJSON_AddItemToArray(strings, json_bytes(r->strings[i].data,
		    r->strings[i].len));
	}
	return strings;
}

void
report_spf_flat_json(cJSON *root, const struct spf_flat *flat)
{
	cJSON *o = cJSON_AddObjectToObject(root, "flatten");
	cJSON *records, *kept, *warnings;
	size_t i;

	json_add_str(o, "refused", flat->refused);
	json_add_str(o, "unknown", flat->unknown);
	json_add_num(o, "lookups_before", flat->lookups_before);
	if (flat->refused != NULL || flat->unknown != NULL) {
		return;
	}
	/* The domain's own record, as before chains existed. */
	json_add_str(o, "record", flat->records[0].text);
	cJSON_AddItemToObject(o, "strings", strings_json(&flat->records[0]));
	json_add_str(o, "zone", flat->records[0].zone);
	json_add_num(o, "networks", (double)flat->nets.n);
	json_add_str(o, "warning", STALE_WARNING);
	records = cJSON_AddArrayToObject(o, "records");
	for (i = 0; i < flat->nrecords; i++) {
		cJSON *r = cJSON_CreateObject();

		json_add_str(r, "name", flat->records[i].name);
		json_add_str(r, "text", flat->records[i].text);
		cJSON_AddItemToObject(r, "strings",
		    strings_json(&flat->records[i]));
		cJSON_AddItemToArray(records, r);
	}
	json_add_num(o, "lookups", flat->lookups);
	warnings = cJSON_AddArrayToObject(o, "warnings");
	for (i = 0; i < flat->nwarnings; i++) {
		cJSON_AddItemToArray(warnings,
		    json_str(flat->warnings[i]));
	}
	kept = cJSON_AddArrayToObject(o, "kept");
	for (i = 0; i < flat->nkept; i++) {
		cJSON *k = cJSON_CreateObject();

		json_add_str(k, "term", flat->kept[i].term);
		json_add_str(k, "why", flat->kept[i].why);
		cJSON_AddItemToArray(kept, k);
	}
}
