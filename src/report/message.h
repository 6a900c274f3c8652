/* Rendering what a receiver decides about a message: the SMTP context,
 * SPF, DKIM, DMARC, ARC, the receiver's verdict and the
 * Authentication-Results field mailauth would add; as text and as the
 * JSON of `mailauth message`. Both read the same result. */
#ifndef MAILAUTH_REPORT_MESSAGE_H
#define MAILAUTH_REPORT_MESSAGE_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "report/text.h"

struct message_result;

void report_message_text(FILE *f, const struct text_style *style,
    const struct message_result *r);
/* Returns the object (the caller owns it). */
cJSON *report_message_json(const struct message_result *r);
/* --ar: the header field alone, folded, as a filter prepends it. */
void report_message_authres(FILE *f, const struct message_result *r);

/* --brief: the DMARC verdict, SPF, ARC and the signatures' results, the
 * policy applied, and the findings: at most five lines. */
void report_message_brief(FILE *f, const struct text_style *style,
    const struct message_result *r);

#endif
