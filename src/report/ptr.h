/* Rendering a reverse-DNS check: the text tree, --brief and the JSON
 * (keys in mailauth(1), JSON OUTPUT). */
#ifndef MAILAUTH_REPORT_PTR_H
#define MAILAUTH_REPORT_PTR_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "report/text.h"

struct ptr_result;

void report_ptr_text(FILE *f, const struct text_style *style,
    const struct ptr_result *r);
/* Returns the object (the caller owns it). */
cJSON *report_ptr_json(const struct ptr_result *r);

/* --brief: the verdict, the PTR names and whether each confirms, and
 * the findings. */
void report_ptr_brief(FILE *f, const struct text_style *style,
    const char *verdict, const struct ptr_result *r);

#endif
