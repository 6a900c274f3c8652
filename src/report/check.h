/* Rendering `mailauth check`: the checklist, then each part as the single
 * commands show it; and the JSON of issue 6. */
#ifndef MAILAUTH_REPORT_CHECK_H
#define MAILAUTH_REPORT_CHECK_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "report/text.h"

struct check_result;

void report_check_text(FILE *f, const struct text_style *style,
    const struct check_result *r);
/* Returns the object (the caller owns it). */
cJSON *report_check_json(const struct check_result *r);

/* --brief: the verdict, the checklist's counts (naming the items that do
 * not pass) and the first required item to fix. */
void report_check_brief(FILE *f, const struct text_style *style,
    const char *verdict, const struct check_result *r);

#endif
