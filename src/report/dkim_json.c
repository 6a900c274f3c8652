#include "dkim/selectors.h"
#include "dkim/verify.h"
#include "dns/txt.h"
#include "report/dkim.h"
#include "report/json.h"
#include "util/arena.h"

static cJSON *
tags_json(const struct taglist *tl)
{
	cJSON *o = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < tl->n; i++) {
		json_add_str(o, tl->tags[i].name, tl->tags[i].value);
	}
	return o;
}

/* key_type and key_bits: null unless the key decodes. */
static void
key_json(cJSON *o, const struct dkim_key *k)
{
	json_add_str(o, "key_type", k && k->bits ?
	    dkim_key_type_name(k->type) : NULL);
	if (k && k->bits) {
		json_add_num(o, "key_bits", k->bits);
	} else {
		cJSON_AddNullToObject(o, "key_bits");
	}
}

static cJSON *
selector_json(struct arena *a, const struct dkim_selector *s)
{
	cJSON *o = cJSON_CreateObject(), *findings;
	size_t len;

	json_add_str(o, "selector", s->selector);
	json_add_str(o, "name", s->name);
	json_add_str(o, "outcome", dns_kind_name(s->answer->kind));
	json_add_str(o, "cname", s->answer->cname);
	if (s->txt != NULL) {
		const char *text = dns_txt_join(a, s->txt, &len);

		cJSON_AddItemToObject(o, "record", json_bytes(text, len));
	} else {
		cJSON_AddNullToObject(o, "record");
	}
	cJSON_AddItemToObject(o, "tags", s->key ? tags_json(&s->key->tags) :
	    cJSON_CreateObject());
	key_json(o, s->key);
	json_add_bool(o, "revoked", s->key && s->key->revoked);
	json_add_bool(o, "testing", s->key && s->key->testing);
	findings = cJSON_AddArrayToObject(o, "findings");
	json_add_findings(findings, &s->findings);
	return o;
}

cJSON *
report_dkim_signature_json(const struct dkim_signature *sig)
{
	cJSON *o = cJSON_CreateObject(), *headers;
	size_t i;

	json_add_str(o, "d", sig->d);
	json_add_str(o, "s", sig->s);
	json_add_str(o, "a", sig->a);
	json_add_str(o, "c", sig->c);
	json_add_str(o, "result", dkim_result_name(sig->result));
	json_add_str(o, "reason", sig->reason);
	json_add_bool(o, "body_hash_ok", sig->body_hash_ok);
	headers = cJSON_AddArrayToObject(o, "headers");
	for (i = 0; i < sig->nsigned; i++) {
		cJSON_AddItemToArray(headers, json_str(sig->signed_headers[i]));
	}
	if (sig->length >= 0) {
		json_add_num(o, "l", (double)sig->length);
	}
	json_add_str(o, "key_name", sig->key_name);
	key_json(o, sig->key);
	return o;
}

cJSON *
report_dkim_json(const char *domain, const struct dkim_probe *probe,
    const struct dkim_verification *v)
{
	struct arena *a = arena_create();
	cJSON *root = cJSON_CreateObject(), *arr, *findings;
	size_t i;

	json_add_str(root, "command", "dkim");
	json_add_str(root, "domain", domain);
	arr = cJSON_AddArrayToObject(root, "selectors");
	findings = cJSON_CreateArray();
	if (probe != NULL) {
		json_add_bool(root, "probed", probe->probed);
		json_add_num(root, "selectors_tried", (double)probe->tried);
		json_add_num(root, "selectors_failed",
		    (double)probe->nfailed);
		for (i = 0; i < probe->nsels; i++) {
			cJSON_AddItemToArray(arr, selector_json(a,
			    &probe->sels[i]));
			json_add_findings(findings, &probe->sels[i].findings);
		}
		json_add_findings(findings, &probe->findings);
	}
	if (v != NULL) {
		arr = cJSON_AddArrayToObject(root, "signatures");
		for (i = 0; i < v->nsigs; i++) {
			cJSON_AddItemToArray(arr, report_dkim_signature_json(
			    &v->sigs[i]));
		}
		json_add_findings(findings, &v->findings);
	}
	cJSON_AddItemToObject(root, "findings", findings);
	arena_destroy(a);
	return root;
}
