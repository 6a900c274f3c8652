#include <stdio.h>

#include "report/json.h"
#include "report/spf.h"
#include "spf/flatten.h"
#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"

#define STALE_WARNING "a flattened record goes stale when a provider " \
	"changes its networks: re-run --flatten regularly, or keep the " \
	"includes"

void
report_spf_flat_text(FILE *f, const struct text_style *style,
    const struct spf_flat *flat)
{
	struct arena *a;

	if (flat->refused != NULL) {
		fprintf(f, "\n%sflatten: refused:%s %s\n",
		    col_red(style->color), col_reset(style->color),
		    flat->refused);
		return;
	}
	a = arena_create();
	fprintf(f, "\n%sflattened%s (%zu networks from %zu, %zu string%s, 0 "
	    "lookups):\n  TXT %s\n%swarning:%s %s\n", col_bold(style->color),
	    col_reset(style->color), flat->nets.n, flat->terms_in,
	    flat->nstrings, flat->nstrings == 1 ? "" : "s",
	    safe_str(a, flat->zone), col_yellow(style->color),
	    col_reset(style->color), STALE_WARNING);
	arena_destroy(a);
}

void
report_spf_flat_json(cJSON *root, const struct spf_flat *flat)
{
	cJSON *o = cJSON_AddObjectToObject(root, "flatten");
	cJSON *strings;
	size_t i;

	json_add_str(o, "refused", flat->refused);
	if (flat->refused != NULL) {
		return;
	}
	json_add_str(o, "record", flat->record);
	strings = cJSON_AddArrayToObject(o, "strings");
	for (i = 0; i < flat->nstrings; i++) {
		cJSON_AddItemToArray(strings, json_bytes(flat->strings[i].data,
		    flat->strings[i].len));
	}
	json_add_str(o, "zone", flat->zone);
	json_add_num(o, "networks", (double)flat->nets.n);
	json_add_str(o, "warning", STALE_WARNING);
}
