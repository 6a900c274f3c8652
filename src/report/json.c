#include "report/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/answer.h"
#include "util/safe.h"
#include "util/strbuf.h"

cJSON *
json_bytes(const void *data, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	cJSON *item;

	safe_append(&sb, data, len);
	item = cJSON_CreateString(strbuf_str(&sb));
	strbuf_finish(&sb);
	return item;
}

cJSON *
json_str(const char *s)
{
	return s ? json_bytes(s, strlen(s)) : cJSON_CreateNull();
}

void
json_add_str(cJSON *obj, const char *key, const char *s)
{
	cJSON_AddItemToObject(obj, key, json_str(s));
}

/* Counts, sizes and offsets are whole numbers: printed as such, they skip
 * cJSON's "%1.15g" print and its sscanf round-trip check, a fifth of a
 * batch's CPU time. 2^53 bounds the integers a double holds exactly. */
void
json_add_num(cJSON *obj, const char *key, double v)
{
	char digits[24];

	/* The range comes first: converting a double outside long long's
	 * range (or NaN) is undefined. */
	if (v > -9007199254740992.0 && v < 9007199254740992.0 &&
	    v == (double)(long long)v) {
		snprintf(digits, sizeof(digits), "%lld", (long long)v);
		cJSON_AddItemToObject(obj, key, cJSON_CreateRaw(digits));
	} else {
		cJSON_AddItemToObject(obj, key, cJSON_CreateNumber(v));
	}
}

void
json_add_bool(cJSON *obj, const char *key, bool v)
{
	cJSON_AddItemToObject(obj, key, cJSON_CreateBool(v));
}

void
json_add_verdict(cJSON *obj, const char *key, enum verdict v)
{
	if (v == VERDICT_UNKNOWN) {
		cJSON_AddNullToObject(obj, key);
	} else {
		json_add_bool(obj, key, v == VERDICT_PASS);
	}
}

void
json_add_findings(cJSON *array, const struct finding_list *list)
{
	const struct finding *f;

	for (f = list->head; f != NULL; f = f->next) {
		cJSON *o = cJSON_CreateObject();

		json_add_str(o, "severity", finding_severity_name(f->severity));
		json_add_str(o, "code", f->code);
		json_add_str(o, "message", f->message);
		json_add_str(o, "fix", f->fix);
		json_add_str(o, "domain", f->domain);
		json_add_str(o, "term", f->term);
		if (f->offset >= 0) {
			json_add_num(o, "offset", (double)f->offset);
		} else {
			cJSON_AddNullToObject(o, "offset");
		}
		cJSON_AddItemToArray(array, o);
	}
}

cJSON *
json_addresses(const struct dns_answer *a4, const struct dns_answer *a6)
{
	const struct dns_answer *both[2] = { a4, a6 };
	cJSON *arr = cJSON_CreateArray();
	char buf[IP_STRLEN];
	size_t i, k;

	for (k = 0; k < 2; k++) {
		for (i = 0; both[k] && both[k]->kind == DNS_ANS_RECORDS &&
		    i < both[k]->count; i++) {
			cJSON_AddItemToArray(arr, json_str(ip_format(
			    &both[k]->addrs[i], buf)));
		}
	}
	return arr;
}

static const char *
source_name(enum dns_source src)
{
	switch (src) {
	case DNS_SRC_NETWORK: return "dns";
	case DNS_SRC_ZONE: return "zone";
	case DNS_SRC_DRAFT: return "draft";
	case DNS_SRC_NONE: return "none";
	}
	return "none";
}

cJSON *
json_answer(const struct dns_answer *ans)
{
	cJSON *o = cJSON_CreateObject();

	json_add_str(o, "name", ans->name);
	json_add_str(o, "type", dns_type_name(ans->type));
	json_add_str(o, "outcome", dns_kind_name(ans->kind));
	json_add_str(o, "source", source_name(ans->source));
	if (ans->rcode >= 0) {
		json_add_num(o, "rcode", ans->rcode);
	} else {
		cJSON_AddNullToObject(o, "rcode");
	}
	json_add_num(o, "records", (double)ans->count);
	json_add_num(o, "size", (double)ans->size);
	json_add_num(o, "rtt_ms", (double)(long)(ans->rtt_ms * 1000) / 1000);
	json_add_num(o, "tries", ans->tries);
	json_add_bool(o, "tcp", ans->tcp);
	json_add_bool(o, "ad", ans->ad);
	json_add_str(o, "cname", ans->cname);
	json_add_str(o, "error", ans->error);
	return o;
}

int
json_write(FILE *f, const cJSON *root, bool pretty)
{
	char *text = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
	int rc;

	if (text == NULL) {
		return -1;
	}
	rc = fputs(text, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
	cJSON_free(text);
	return rc;
}
