/* Rendering a DMARC discovery: the walk, the record, the effective
 * policy, report destinations; as text and as JSON (man/mailauth.1.scd). */
#ifndef MAILAUTH_REPORT_DMARC_H
#define MAILAUTH_REPORT_DMARC_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "report/text.h"

struct dmarc_result;

void report_dmarc_text(FILE *f, const struct text_style *style,
    const struct dmarc_result *r);
/* Returns the object (the caller owns it). */
cJSON *report_dmarc_json(const struct dmarc_result *r);

/* --brief: the verdict, the effective policy and where it comes from,
 * and the findings. */
void report_dmarc_brief(FILE *f, const struct text_style *style,
    const char *verdict, const struct dmarc_result *r);

#endif
