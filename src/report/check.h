/* Rendering `mailauth check`: the verdict, the checklist, with --details
 * each part as the single commands show it, and the fixes in order; and
 * the JSON (man page, JSON OUTPUT). */
#ifndef MAILAUTH_REPORT_CHECK_H
#define MAILAUTH_REPORT_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "report/text.h"

struct check_result;

void report_check_text(FILE *f, const struct text_style *style,
    const struct check_result *r, bool details);
/* Returns the object (the caller owns it). */
cJSON *report_check_json(const struct check_result *r);

/* --brief: the verdict, the checklist's counts (naming the items that do
 * not pass), the first required item to fix and its fix. */
void report_check_brief(FILE *f, const struct text_style *style,
    const struct check_result *r);

#endif
