/* Rendering an SPF walk: a tree for people and the JSON contract of
 * DESIGN.md §5. Both read the same walk; neither holds SPF logic. */
#ifndef MAILAUTH_REPORT_SPF_H
#define MAILAUTH_REPORT_SPF_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "report/text.h"

struct spf_walk;

/* Prints the tree, the counts, the findings and the verdict. */
void report_spf_text(FILE *f, const struct text_style *style,
    const struct spf_walk *walk);
/* Returns the JSON object (owned by the caller: cJSON_Delete). */
cJSON *report_spf_json(const char *domain, const struct spf_walk *walk);

#endif
