/* Rendering an SPF walk: a tree for people and the JSON of mailauth(1),
 * JSON OUTPUT. Both read the same walk; neither holds SPF logic. */
#ifndef MAILAUTH_REPORT_SPF_H
#define MAILAUTH_REPORT_SPF_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "report/text.h"

struct spf_eval;
struct spf_flat;
struct spf_eval_input;
struct spf_walk;

/* Prints the tree, the counts, the findings and the verdict. */
void report_spf_text(FILE *f, const struct text_style *style,
    const struct spf_walk *walk);
/* Returns the JSON object (owned by the caller: cJSON_Delete). walk may
 * be NULL when there was nothing to walk (an invalid domain with --ip). */
cJSON *report_spf_json(const char *domain, const struct spf_walk *walk);

/* The verdict of check_host() for one IP: the result, the path of terms
 * that produced it, the lookups it counted beside the walk's worst case,
 * and the explanation. walk may be NULL. */
void report_spf_eval_text(FILE *f, const struct text_style *style,
    const struct spf_eval_input *in, const struct spf_eval *eval,
    const struct spf_walk *walk);
/* Adds ip, sender, helo, result, explanation, matched and evaluation to
 * the object made by report_spf_json(). */
void report_spf_eval_json(cJSON *root, const struct spf_eval_input *in,
    const struct spf_eval *eval);

/* --flatten: the record ready to paste, or why it cannot be made. */
void report_spf_flat_text(FILE *f, const struct text_style *style,
    const struct spf_flat *flat);
void report_spf_flat_json(cJSON *root, const struct spf_flat *flat);
/* --flatten under --brief: the outcome line alone (refused and why,
 * unknown and why, or how many records). */
void report_spf_flat_brief(FILE *f, const struct text_style *style,
    const struct spf_flat *flat);

/* --brief: the verdict (verdict, or the SPF result with eval), the
 * counts and the findings, in at most four lines. walk may be NULL with
 * eval; eval and in are NULL without --ip. */
void report_spf_brief(FILE *f, const struct text_style *style,
    const char *verdict, const char *domain, const struct spf_walk *walk,
    const struct spf_eval_input *in, const struct spf_eval *eval);

#endif
