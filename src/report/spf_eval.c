#include <stdio.h>

#include "bounds.h"
#include "report/json.h"
#include "report/spf.h"
#include "report/text.h"
#include "spf/eval.h"
#include "util/arena.h"
#include "util/color.h"
#include "util/safe.h"

static const char *
result_color(const struct text_style *style, enum spf_result r)
{
	switch (r) {
	case SPF_RESULT_PASS: return col_green(style->color);
	case SPF_RESULT_NEUTRAL:
	case SPF_RESULT_NONE: return col_yellow(style->color);
	default: return col_red(style->color);
	}
}

void
report_spf_eval_text(FILE *f, const struct text_style *style,
    const struct spf_eval_input *in, const struct spf_eval *eval,
    const struct spf_walk *walk)
{
	struct arena *a = arena_create();
	const char *arrow = style->ascii ? "->" : "→";
	char ip[IP_STRLEN];
	size_t i;

	fprintf(f, "\n%sresult: %s%s%s for %s from %s", col_bold(style->color),
	    result_color(style, eval->result), spf_result_name(eval->result),
	    col_reset(style->color), ip_format(&in->ip, ip),
	    safe_str(a, in->sender));
	if (in->helo != NULL) {
		fprintf(f, " (HELO %s)", safe_str(a, in->helo));
	}
	fputc('\n', f);
	fputs("  ", f);
	for (i = 0; i < eval->npath; i++) {
		const struct spf_eval_step *s = &eval->path[i];

		fprintf(f, "%s %s %s ", safe_str(a, s->domain), s->term ?
		    safe_str(a, s->term) : "(no term matched)", arrow);
	}
	fprintf(f, "%s\n", spf_result_name(eval->result));
	if (eval->reason != NULL) {
		fprintf(f, "  why: %s\n", safe_str(a, eval->reason));
	}
	fprintf(f, "  evaluation: %u/%d lookups, %u/%d void lookups, counted "
	    "up to where it stopped", eval->lookups, SPF_LOOKUP_LIMIT,
	    eval->voids, SPF_VOID_LIMIT);
	if (walk != NULL) {
		fprintf(f, "; the walk's worst case: %s%u/%d", walk->failed ?
		    "at least " : "", walk->lookups, SPF_LOOKUP_LIMIT);
	}
	fputc('\n', f);
	if (eval->explanation != NULL) {
		fprintf(f, "  explanation: %s\n", safe_str(a,
		    eval->explanation));
	}
	text_findings(f, style, &eval->findings);
	arena_destroy(a);
}

void
report_spf_eval_json(cJSON *root, const struct spf_eval_input *in,
    const struct spf_eval *eval)
{
	cJSON *matched = cJSON_CreateArray(), *ev = cJSON_CreateObject();
	char ip[IP_STRLEN];
	size_t i;

	json_add_str(root, "ip", ip_format(&in->ip, ip));
	json_add_str(root, "sender", in->sender);
	json_add_str(root, "helo", in->helo);
	json_add_str(root, "result", spf_result_name(eval->result));
	json_add_str(root, "reason", eval->reason);
	json_add_str(root, "explanation", eval->explanation);
	for (i = 0; i < eval->npath; i++) {
		cJSON *step = cJSON_CreateObject();

		json_add_str(step, "domain", eval->path[i].domain);
		json_add_str(step, "term", eval->path[i].term);
		cJSON_AddItemToArray(matched, step);
	}
	cJSON_AddItemToObject(root, "matched", matched);
	json_add_num(ev, "lookups", eval->lookups);
	json_add_num(ev, "void_lookups", eval->voids);
	cJSON_AddItemToObject(root, "evaluation", ev);
	json_add_findings(cJSON_GetObjectItem(root, "findings"),
	    &eval->findings);
}
