/* Rendering mailauth smtp: the tree and the JSON (the contract is in
 * man/mailauth.1.scd). */
#ifndef MAILAUTH_REPORT_SMTP_H
#define MAILAUTH_REPORT_SMTP_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "report/text.h"

struct smtp_result;

void report_smtp_text(FILE *f, const struct text_style *style,
    const struct smtp_result *r);
/* Returns the object (the caller owns it). */
cJSON *report_smtp_json(const struct smtp_result *r);

/* --brief: the verdict, the hosts and addresses, the reason, and the
 * findings' counts. */
void report_smtp_brief(FILE *f, const struct text_style *style,
    const struct smtp_result *r);

#endif
