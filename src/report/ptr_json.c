#include "ptr/ptr.h"
#include "report/json.h"
#include "report/ptr.h"

/* key: value when the question was asked and answered, else null. */
static void
add_known(cJSON *o, const char *key, bool asked, bool known, bool value)
{
	if (asked && known) {
		json_add_bool(o, key, value);
	} else {
		cJSON_AddNullToObject(o, key);
	}
}

cJSON *
report_ptr_json(const struct ptr_result *r)
{
	cJSON *root = cJSON_CreateObject(), *names, *findings;
	char ip[IP_STRLEN];
	size_t i;

	json_add_str(root, "command", "ptr");
	json_add_str(root, "ip", ip_format(&r->ip, ip));
	json_add_str(root, "reverse_name", r->reverse_name);
	json_add_str(root, "answer", dns_kind_name(r->answer->kind));
	names = cJSON_AddArrayToObject(root, "ptr");
	for (i = 0; i < r->nnames; i++) {
		cJSON *o = cJSON_CreateObject();

		json_add_str(o, "name", r->names[i].name);
		cJSON_AddItemToObject(o, "addresses",
		    json_addresses(r->names[i].a,
		    r->names[i].aaaa));
		if (r->names[i].failed != NULL) {
			cJSON_AddNullToObject(o, "forward_confirmed");
		} else {
			json_add_bool(o, "forward_confirmed",
			    r->names[i].forward_confirmed);
		}
		json_add_str(o, "generic", r->names[i].generic);
		cJSON_AddItemToArray(names, o);
	}
	if (r->failed != NULL) {
		cJSON_AddNullToObject(root, "fcrdns");
	} else {
		json_add_bool(root, "fcrdns", r->fcrdns);
	}
	json_add_str(root, "helo", r->helo);
	add_known(root, "helo_matches", r->helo != NULL,
	    !dns_kind_is_failure(r->answer->kind), r->helo_matches);
	json_add_str(root, "domain", r->domain);
	add_known(root, "in_domain", r->domain != NULL,
	    r->in_domain || r->failed == NULL, r->in_domain);
	findings = cJSON_AddArrayToObject(root, "findings");
	json_add_findings(findings, &r->findings);
	return root;
}
