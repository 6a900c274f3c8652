/* Rendering DKIM key checks and message verification: text and JSON (the
 * schema is in man/mailauth.1.scd). Either part may be NULL. */
#ifndef MAILAUTH_REPORT_DKIM_H
#define MAILAUTH_REPORT_DKIM_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "report/text.h"

struct arena;
struct dkim_key;
struct dkim_probe;
struct dkim_signature;
struct dkim_verification;

void report_dkim_text(FILE *f, const struct text_style *style,
    const struct dkim_probe *probe, const struct dkim_verification *v);
/* Returns the object (the caller owns it). */
cJSON *report_dkim_json(const char *domain, const struct dkim_probe *probe,
    const struct dkim_verification *v);

/* --brief: the verdict, the keys found or the signatures' results, and
 * the findings. Either part may be NULL. */
void report_dkim_brief(FILE *f, const struct text_style *style,
    const char *verdict, const char *domain, const struct dkim_probe *probe,
    const struct dkim_verification *v);
/* "signatures: 2 (1 pass, 1 fail)", results in order of appearance, and a
 * newline. */
void report_dkim_signature_counts(FILE *f, const struct dkim_verification *v);

/* "rsa 2048 bits, testing" (short: "rsa 2048"), or what keeps the key
 * from being one: "revoked (empty p=)", "rsa key that cannot be
 * decoded". */
const char *report_dkim_key_summary(struct arena *a, const struct dkim_key *k,
    bool brief);

/* One verified signature as an item of a tree (its result, why, key,
 * signed fields), and as a JSON object (the caller owns it). */
void report_dkim_signature_text(struct tree *t, struct arena *a,
    const struct dkim_signature *sig, bool last);
cJSON *report_dkim_signature_json(const struct dkim_signature *sig);

#endif
