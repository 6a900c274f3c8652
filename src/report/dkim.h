/* Rendering DKIM key checks and message verification: text and JSON (the
 * schema is in man/mailauth.1.scd). Either part may be NULL. */
#ifndef MAILAUTH_REPORT_DKIM_H
#define MAILAUTH_REPORT_DKIM_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "report/text.h"

struct dkim_probe;
struct dkim_verification;

void report_dkim_text(FILE *f, const struct text_style *style,
    const struct dkim_probe *probe, const struct dkim_verification *v);
/* Returns the object (the caller owns it). */
cJSON *report_dkim_json(const char *domain, const struct dkim_probe *probe,
    const struct dkim_verification *v);

#endif
